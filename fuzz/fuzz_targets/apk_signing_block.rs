//! The APK Signing Block parser on arbitrary bytes, and the length-prefixed
//! v2/v3 structures inside the pairs it finds; also as the tail of an archive.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signkit_apk::signing_block::{SigningBlock, split_length_prefixed};

fn walk(data: &[u8], depth: usize) {
    if depth == 0 {
        return;
    }
    if let Ok(items) = split_length_prefixed(data) {
        for item in items {
            walk(item, depth - 1);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(block) = SigningBlock::parse(data) {
        for (_, value) in &block.pairs {
            walk(value, 6);
        }
    }
    // The block as it would be found before a Central Directory: its size is
    // read from the 24 bytes before the end.
    if data.len() >= 24 {
        let size =
            u64::from_le_bytes(data[data.len() - 24..data.len() - 16].try_into().unwrap_or([0; 8]));
        if let Some(start) = usize::try_from(size)
            .ok()
            .and_then(|s| s.checked_add(8))
            .and_then(|s| data.len().checked_sub(s))
        {
            let _ = SigningBlock::parse(&data[start..]);
        }
    }
});
