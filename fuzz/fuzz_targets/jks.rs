//! Decodes arbitrary bytes as a Jks store, with and without a password, and
//! opens every key found: nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signkit_crypto::Password;
use signkit_keystore::{EntryKind, StoreType, decode};

fuzz_target!(|data: &[u8]| {
    let password = Password::new("changeit".into());
    for pw in [None, Some(&password)] {
        if let Ok(ks) = decode(data, pw, Some(StoreType::Jks)) {
            for entry in ks.entries() {
                if let EntryKind::PrivateKey { key, .. } | EntryKind::SecretKey { key } = &entry.kind {
                    let _ = key.unseal(&password);
                }
            }
        }
    }
});
