//! `rust-apk-sign KEY.pk8 CERT.der IN.apk OUT.apk`: signs `IN.apk` with rust-apk
//! 1.0 using APK signature schemes v1, v2 and v3 (what AOSP signapk writes) and
//! stored native libraries aligned to 4 KiB pages (signapk's alignment).
//!
//! This is the pure-Rust peer of `cargo xtask bench`'s signapk rows.

use std::process::ExitCode;

use apk::native::PageSize;
use apk::sign::{Schemes, Signer, SigningIdentity};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [key, cert, input, output] = args.as_slice() else {
        eprintln!("usage: rust-apk-sign KEY.pk8 CERT.der IN.apk OUT.apk");
        return ExitCode::from(2);
    };
    match sign(key, cert, input, output) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rust-apk-sign: {e}");
            ExitCode::FAILURE
        }
    }
}

fn sign(key: &str, cert: &str, input: &str, output: &str) -> Result<(), Box<dyn std::error::Error>> {
    let identity = SigningIdentity::from_der(&std::fs::read(key)?, &std::fs::read(cert)?)?;
    Signer::new(identity)
        .schemes(Schemes::V1 | Schemes::V2 | Schemes::V3)
        .native_library_page_size(PageSize::FourKiB)
        .sign(input, output)?;
    Ok(())
}
