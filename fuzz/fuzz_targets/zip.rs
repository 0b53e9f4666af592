//! Every reading path of signkit-zip on arbitrary bytes: the three rule sets,
//! content reads, the JDK entry model, and zipalign's view, check and rewrite.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signkit_zip::java::JavaZipEntry;
use signkit_zip::zipalign::{self, AlignOptions};
use signkit_zip::{ReadOptions, ZipArchive};

fuzz_target!(|data: &[u8]| {
    let src = &data;
    for opts in [ReadOptions::strict(), ReadOptions::android(), ReadOptions::jdk()] {
        if let Ok(a) = ZipArchive::parse(src, &opts) {
            for e in a.entries() {
                let _ = a.read_entry_to_vec(src, e, 1 << 20);
                let _ = JavaZipEntry::from_central(&e.central);
            }
        }
    }
    if let Ok(Some(a)) = zipalign::open(src) {
        let _ = zipalign::check(&a, 4, true);
        let mut out = Vec::new();
        let _ = zipalign::align(
            &a,
            src,
            &AlignOptions { alignment: 4096, page_align_so: true },
            &mut out,
        );
    }
});
