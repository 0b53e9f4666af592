//! The binary AndroidManifest.xml reader on arbitrary bytes: the minimum SDK
//! version and a full walk of the document's events and attributes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signkit_apk::axml::{AxmlParser, Event, min_sdk_version};

fuzz_target!(|data: &[u8]| {
    let _ = min_sdk_version(data);
    if let Ok(mut p) = AxmlParser::new(data) {
        for _ in 0..100_000 {
            match p.next_event() {
                Ok(Event::EndDocument) | Err(_) => break,
                Ok(_) => {
                    for i in 0..p.attribute_count() {
                        if let Ok(a) = p.attribute(i) {
                            let _ = p.string(a.name);
                            let _ = p.string(a.data);
                        }
                    }
                }
            }
        }
    }
});
