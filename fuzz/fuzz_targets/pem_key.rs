//! Reads arbitrary bytes as a private key (every PEM and DER form keyconv
//! takes), without and with a password, and as certificates: nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signkit_crypto::Password;

fuzz_target!(|data: &[u8]| {
    let password = Password::new("secret".into());
    for pw in [None, Some(&password)] {
        if let Ok(key) = signkit_keyconv::read_private_key(data, pw) {
            let _ = key.secret_pkcs8_pem();
        }
    }
    let _ = signkit_keyconv::key_encryption(data);
    if let Ok(certs) = signkit_keyconv::read_certificates(data) {
        let _ = signkit_keyconv::chain_pem(&certs);
    }
    if let Ok(text) = core::str::from_utf8(data) {
        let _ = signkit_keyconv::parse_subject(text);
    }
});
