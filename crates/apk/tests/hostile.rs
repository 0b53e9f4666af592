//! Bad input: every case is an error (never a panic), with the reason signapk gives.

#![allow(clippy::unwrap_used, reason = "test helpers panic on a broken fixture")]

use std::path::PathBuf;

use signkit_apk::{Error, Resources, SignApkOptions, SignerKey, sign_apk, sign_whole_file};
use signkit_crypto::{Certificate, PrivateKey, pem};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/apk").join(name))
        .unwrap()
}

fn cert(name: &str) -> Certificate {
    Certificate::from_der(&pem::parse_all(&fixture(name)).unwrap()[0].der).unwrap()
}

fn key(name: &str) -> PrivateKey {
    PrivateKey::from_pkcs8_der(&fixture(name)).unwrap()
}

/// A STORED-only archive written by hand: (name in the local header, name in
/// the central directory, data).
fn zip(entries: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut cd = Vec::new();
    for (local, central, data) in entries {
        let crc = crc32(data);
        let offset = u32::try_from(out.len()).unwrap();
        let size = u32::try_from(data.len()).unwrap();
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&[10, 0, 0, 0, 0, 0, 0, 0, 0x21, 0x3a]);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&u16::try_from(local.len()).unwrap().to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(local.as_bytes());
        out.extend_from_slice(data);
        cd.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        cd.extend_from_slice(&[10, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0x21, 0x3a]);
        cd.extend_from_slice(&crc.to_le_bytes());
        cd.extend_from_slice(&size.to_le_bytes());
        cd.extend_from_slice(&size.to_le_bytes());
        cd.extend_from_slice(&u16::try_from(central.len()).unwrap().to_le_bytes());
        cd.extend_from_slice(&[0; 12]);
        cd.extend_from_slice(&offset.to_le_bytes());
        cd.extend_from_slice(central.as_bytes());
    }
    let cd_offset = u32::try_from(out.len()).unwrap();
    let n = u16::try_from(entries.len()).unwrap();
    out.extend_from_slice(&cd);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&u32::try_from(cd.len()).unwrap().to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn sign(input: &[u8], opts: &SignApkOptions) -> Result<Vec<u8>, Error> {
    sign_with(input, opts, Resources::default())
}

fn sign_with(input: &[u8], opts: &SignApkOptions, r: Resources<'_>) -> Result<Vec<u8>, Error> {
    let (k, c) = (key("rsa-2048.pk8"), cert("rsa-2048.x509.pem"));
    sign_apk(&input.to_vec(), &[SignerKey { key: &k, cert: &c }], opts, r, Vec::new())
        .map(|(o, _)| o)
}

fn with_min_sdk() -> SignApkOptions {
    SignApkOptions { min_sdk_version: Some(21), ..SignApkOptions::default() }
}

#[test]
fn not_a_zip_or_truncated() {
    assert!(matches!(sign(b"hello", &with_min_sdk()), Err(Error::Zip(_))));
    let good = fixture("small-in.apk");
    for cut in [0, 10, 100, good.len() / 2, good.len() - 23, good.len() - 1] {
        assert!(sign(&good[..cut], &with_min_sdk()).is_err(), "cut at {cut}");
    }
}

#[test]
fn duplicate_names_and_header_mismatches() {
    let dup = zip(&[("a.txt", "a.txt", b"one"), ("a.txt", "a.txt", b"two")]);
    assert!(matches!(
        sign(&dup, &with_min_sdk()),
        Err(Error::Zip(signkit_zip::Error::DuplicateEntry(_)))
    ));
    let mismatch = zip(&[("a.txt", "b.txt", b"one")]);
    assert!(matches!(sign(&mismatch, &with_min_sdk()), Err(Error::Zip(_))));
    // A good hand-made archive signs.
    assert!(sign(&zip(&[("a.txt", "a.txt", b"one")]), &with_min_sdk()).is_ok());
}

#[test]
fn minimum_sdk_version_must_be_known() {
    let no_manifest = zip(&[("a.txt", "a.txt", b"one")]);
    match sign(&no_manifest, &SignApkOptions::default()) {
        Err(Error::MinSdkVersion(e)) => assert_eq!(e.0, "No AndroidManifest.xml in APK"),
        other => panic!("{other:?}"),
    }
    let garbage = zip(&[("AndroidManifest.xml", "AndroidManifest.xml", b"<manifest/>")]);
    assert!(matches!(sign(&garbage, &SignApkOptions::default()), Err(Error::MinSdkVersion(_))));
    assert!(sign(&garbage, &with_min_sdk()).is_ok());
}

#[test]
fn bad_input_manifest() {
    let bad = zip(&[("META-INF/MANIFEST.MF", "META-INF/MANIFEST.MF", b"Manifest-Version 1.0\r\n")]);
    assert!(matches!(sign(&bad, &with_min_sdk()), Err(Error::Manifest(_))));
    // Without Manifest-Version apksig cannot write the main section.
    let no_version =
        zip(&[("META-INF/MANIFEST.MF", "META-INF/MANIFEST.MF", b"Created-By: x\r\n\r\n")]);
    assert!(matches!(sign(&no_version, &with_min_sdk()), Err(Error::Manifest(_))));
}

#[test]
fn keys_that_do_not_fit() {
    let input = fixture("small-in.apk");
    let (k, c) = (key("rsa-4096.pk8"), cert("rsa-2048.x509.pem"));
    let r = sign_apk(
        &input,
        &[SignerKey { key: &k, cert: &c }],
        &SignApkOptions::default(),
        Resources::default(),
        Vec::new(),
    );
    assert!(matches!(r, Err(Error::InvalidKey(_))));
    let r = sign_whole_file(
        &input,
        &SignerKey { key: &k, cert: &c },
        b"",
        Resources::default(),
        Vec::new(),
    );
    assert!(matches!(r, Err(Error::InvalidKey(_))));
    // ECDSA needs API 18 for v1.
    let (k, c) = (key("ec-p256.pk8"), cert("ec-p256.x509.pem"));
    let opts = SignApkOptions { min_sdk_version: Some(17), ..SignApkOptions::default() };
    match sign_apk(
        &input,
        &[SignerKey { key: &k, cert: &c }],
        &opts,
        Resources::default(),
        Vec::new(),
    ) {
        Err(Error::InvalidKey(m)) => {
            assert_eq!(m, "ECDSA signatures only supported for minSdkVersion 18 and higher")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn corrupt_data() {
    let mut good = fixture("small-in.apk");
    // Damage the deflated classes.dex stream.
    let at = good.windows(11).position(|w| w == b"classes.dex").unwrap() + 11 + 5;
    for b in &mut good[at..at + 40] {
        *b ^= 0x5a;
    }
    assert!(sign(&good, &with_min_sdk()).is_err());
}

#[test]
fn mutations_never_panic() {
    let good = fixture("small-in.apk");
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for round in 0..300 {
        let mut m = good.clone();
        for _ in 0..(1 + round % 6) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let i = usize::try_from(x % m.len() as u64).unwrap();
            m[i] = u8::try_from(x >> 56).unwrap();
        }
        let r = Resources { workers: Some(round % 3), scratch: None };
        let _ = sign_with(&m, &SignApkOptions::default(), r);
    }
}
