//! signapk goldens (`fixtures/apk`, made by AOSP signapk; see its README):
//! our output must be the same bytes, whatever the number of threads.

#![allow(clippy::unwrap_used, reason = "test helpers panic on a broken fixture")]

use std::path::PathBuf;

use signkit_apk::digest::{ContentDigest, content_digests};
use signkit_apk::signing_block::{
    APK_SIGNATURE_SCHEME_V2_BLOCK_ID, APK_SIGNATURE_SCHEME_V3_BLOCK_ID, SigningBlock,
    split_length_prefixed,
};
use signkit_apk::{Resources, Scratch, SignApkOptions, SignerKey, sign_apk, sign_whole_file};
use signkit_crypto::{
    Certificate, DigestAlgorithm, PrivateKey, PublicKey, SignatureAlgorithm, pem,
};
use signkit_zip::{ReadOptions, ZipArchive};

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/apk").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn cert(name: &str) -> Certificate {
    let blocks = pem::parse_all(&fixture(name)).unwrap();
    Certificate::from_der(&blocks[0].der).unwrap()
}

fn key(name: &str) -> PrivateKey {
    PrivateKey::from_pkcs8_der(&fixture(name)).unwrap()
}

struct Pair {
    key: PrivateKey,
    cert: Certificate,
}

fn pair(base: &str) -> Pair {
    Pair { key: key(&format!("{base}.pk8")), cert: cert(&format!("{base}.x509.pem")) }
}

fn signers<'a>(pairs: &[&'a Pair]) -> Vec<SignerKey<'a>> {
    pairs.iter().map(|p| SignerKey { key: &p.key, cert: &p.cert }).collect()
}

/// Scratch files made so far.
static SCRATCH_FILES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Scratch files in the system's temporary directory, removed when dropped.
struct TempScratch;

impl Scratch for TempScratch {
    fn create(&self) -> std::io::Result<std::fs::File> {
        use std::sync::atomic::Ordering;
        let p = std::env::temp_dir().join(format!(
            "signkit-apk-test-{}-{}",
            std::process::id(),
            SCRATCH_FILES.fetch_add(1, Ordering::SeqCst)
        ));
        let f = std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&p)?;
        std::fs::remove_file(&p)?;
        Ok(f)
    }
}

/// Every way of spreading the work: one thread, workers, workers that spill.
fn resources() -> Vec<Resources<'static>> {
    vec![
        Resources { workers: Some(0), scratch: None },
        Resources { workers: Some(1), scratch: None },
        Resources { workers: Some(3), scratch: Some(&TempScratch) },
        Resources::default(),
    ]
}

fn sign(pairs: &[&Pair], options: SignApkOptions) -> Vec<Vec<u8>> {
    sign_input("small-in.apk", pairs, options)
}

fn sign_input(input: &str, pairs: &[&Pair], options: SignApkOptions) -> Vec<Vec<u8>> {
    let input = fixture(input);
    resources()
        .into_iter()
        .map(|r| sign_apk(&input, &signers(pairs), &options, r, Vec::new()).unwrap().0)
        .collect()
}

fn check_same(golden: &str, outputs: &[Vec<u8>]) {
    let expected = fixture(golden);
    for (i, out) in outputs.iter().enumerate() {
        assert!(
            out == &expected,
            "{golden}: output #{i} differs ({} vs {} bytes)",
            out.len(),
            expected.len()
        );
    }
}

#[test]
fn rsa_default() {
    check_same("small-rsa2048.apk", &sign(&[&pair("rsa-2048")], SignApkOptions::default()));
}

#[test]
fn rsa_sha1_alignment_16() {
    let opts =
        SignApkOptions { alignment: 16, min_sdk_version: Some(14), ..SignApkOptions::default() };
    check_same("small-rsa2048-a16-min14.apk", &sign(&[&pair("rsa-2048")], opts));
}

#[test]
fn rsa_4096_without_v2() {
    let opts = SignApkOptions { v2: false, ..SignApkOptions::default() };
    check_same("small-rsa4096-nov2.apk", &sign(&[&pair("rsa-4096")], opts));
}

#[test]
fn two_keys() {
    check_same(
        "small-two-keys.apk",
        &sign(&[&pair("rsa-2048"), &pair("rsa-4096")], SignApkOptions::default()),
    );
}

#[test]
fn pinning_hints() {
    let out = sign_input("small-pins-in.apk", &[&pair("rsa-2048")], SignApkOptions::default());
    check_same("small-pins-rsa2048.apk", &out);
}

#[test]
fn whole_file() {
    for (input, golden, cert_name, key_name) in [
        ("small-in.apk", "small-w-rsa2048.apk", "rsa-2048.x509.pem", "rsa-2048.pk8"),
        ("small-in.apk", "small-w-rsa4096-sha1.apk", "rsa-4096-sha1.x509.pem", "rsa-4096.pk8"),
        ("small-pins-in.apk", "small-w-pins-rsa2048.apk", "rsa-2048.x509.pem", "rsa-2048.pk8"),
    ] {
        let input = fixture(input);
        let (c, k) = (cert(cert_name), key(key_name));
        for r in resources() {
            let out = sign_whole_file(
                &input,
                &SignerKey { key: &k, cert: &c },
                &fixture(cert_name),
                r,
                Vec::new(),
            )
            .unwrap();
            assert!(out == fixture(golden), "{golden} differs");
        }
    }
}

/// The entries up to the first signature block entry, the entry list, the
/// manifest and the `.SF` match the EC golden; the signatures verify.
#[test]
fn ec_matches_except_signatures() {
    let ours = sign(&[&pair("ec-p256")], SignApkOptions::default());
    let golden = fixture("small-ec-p256.apk");
    let g = ZipArchive::parse(&golden, &ReadOptions::strict()).unwrap();
    let block_at = g.find(b"META-INF/CERT.EC").unwrap().local_header_offset();
    let block_at = usize::try_from(block_at).unwrap();
    let ec = cert("ec-p256.x509.pem");
    for out in &ours {
        assert_eq!(out[..block_at], golden[..block_at]);
        let o = ZipArchive::parse(out, &ReadOptions::strict()).unwrap();
        let names =
            |a: &ZipArchive| a.entries().iter().map(|e| e.name().to_vec()).collect::<Vec<_>>();
        assert_eq!(names(&o), names(&g));
        for name in [&b"META-INF/MANIFEST.MF"[..], b"META-INF/CERT.SF"] {
            let read = |a: &ZipArchive, data: &Vec<u8>| {
                a.read_entry_to_vec(data, a.find(name).unwrap(), 1 << 20).unwrap()
            };
            assert_eq!(read(&o, out), read(&g, &golden));
        }
        verify_signing_block(out, &ec);
    }
}

/// The first length-prefixed element of `data`.
fn first_lp(data: &[u8]) -> &[u8] {
    let len = usize::try_from(u32::from_le_bytes(data[..4].try_into().unwrap())).unwrap();
    &data[4..4 + len]
}

/// Checks every v2/v3 signer of an APK: its digest against the content and
/// its signature against `cert`.
fn verify_signing_block(apk: &[u8], cert: &Certificate) {
    let a = ZipArchive::parse(&apk.to_vec(), &ReadOptions::strict()).unwrap();
    let s = a.sections();
    let cd_offset = usize::try_from(s.cd_offset).unwrap();
    let size = u64::from_le_bytes(apk[cd_offset - 24..cd_offset - 16].try_into().unwrap());
    let block_start = cd_offset - 8 - usize::try_from(size).unwrap();
    let block = SigningBlock::parse(&apk[block_start..cd_offset]).unwrap();
    let eocd_offset = usize::try_from(s.eocd_offset).unwrap();
    let mut eocd = apk[eocd_offset..].to_vec();
    eocd[16..20].copy_from_slice(&u32::try_from(block_start).unwrap().to_le_bytes());
    let digests = content_digests(
        &[ContentDigest::ChunkedSha256, ContentDigest::ChunkedSha512],
        &[&apk[..block_start], &apk[cd_offset..eocd_offset], &eocd],
    )
    .unwrap();
    let public = PublicKey::from_spki_der(&cert.spki_der()).unwrap();
    let mut checked = 0;
    for (id, v3) in
        [(APK_SIGNATURE_SCHEME_V2_BLOCK_ID, false), (APK_SIGNATURE_SCHEME_V3_BLOCK_ID, true)]
    {
        let Some(value) = block.find(id) else { continue };
        let signers = split_length_prefixed(split_length_prefixed(value).unwrap()[0]).unwrap();
        for signer in signers {
            // v3 has two u32s between the signed data and the signatures.
            let (signed_data, signatures) = if v3 {
                let signed_len =
                    usize::try_from(u32::from_le_bytes(signer[..4].try_into().unwrap())).unwrap();
                let signed = &signer[4..4 + signed_len];
                let rest = &signer[4 + signed_len + 8..];
                (signed, split_length_prefixed(rest).unwrap()[0])
            } else {
                let parts = split_length_prefixed(signer).unwrap();
                (parts[0], parts[1])
            };
            let digest_pairs = split_length_prefixed(first_lp(signed_data)).unwrap();
            for pair in digest_pairs {
                let id = u32::from_le_bytes(pair[..4].try_into().unwrap());
                let d = split_length_prefixed(&pair[4..]).unwrap()[0];
                let alg = if id == 0x0201 {
                    ContentDigest::ChunkedSha256
                } else {
                    ContentDigest::ChunkedSha512
                };
                let expected = &digests.iter().find(|(a, _)| *a == alg).unwrap().1;
                assert_eq!(d, expected.as_slice(), "content digest of scheme {id:#x}");
            }
            for pair in split_length_prefixed(signatures).unwrap() {
                let id = u32::from_le_bytes(pair[..4].try_into().unwrap());
                let sig = split_length_prefixed(&pair[4..]).unwrap()[0];
                let alg = match id {
                    0x0201 => SignatureAlgorithm::Ecdsa(DigestAlgorithm::Sha256),
                    0x0202 => SignatureAlgorithm::Ecdsa(DigestAlgorithm::Sha512),
                    other => panic!("unexpected algorithm {other:#x}"),
                };
                public.verify(alg, signed_data, sig).unwrap();
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 2, "one v2 and one v3 signature");
}

/// Big DEFLATED entries overflow the workers' lookahead memory: the later
/// ones go through scratch files, and the output is still the one-thread output.
#[test]
fn spilled_entries_keep_their_order() {
    use signkit_zip::java::{FixedOffset, JavaFlavor, JavaZipEntry, JavaZipWriter};
    let mut w = JavaZipWriter::new(Vec::new(), JavaFlavor::Zip);
    w.set_level(1).unwrap();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..5 {
        let mut e = JavaZipEntry::new(format!("big{i}.bin")).unwrap();
        e.set_time(1_600_000_000_000, &FixedOffset::UTC);
        w.put_next_entry(e).unwrap();
        // Incompressible data, so the compressed entries are as large as the input.
        let mut data = vec![0u8; 3 << 20];
        for b in &mut data {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = (x >> 56) as u8;
        }
        w.write(&data).unwrap();
    }
    let input = w.finish().unwrap();
    let p = pair("rsa-2048");
    let opts = SignApkOptions { min_sdk_version: Some(24), ..SignApkOptions::default() };
    let one = sign_apk(
        &input,
        &signers(&[&p]),
        &opts,
        Resources { workers: Some(0), scratch: None },
        Vec::new(),
    )
    .unwrap()
    .0;
    for r in [
        Resources { workers: Some(3), scratch: Some(&TempScratch) },
        Resources { workers: Some(2), scratch: None },
    ] {
        let before = SCRATCH_FILES.load(std::sync::atomic::Ordering::SeqCst);
        let many = sign_apk(&input, &signers(&[&p]), &opts, r, Vec::new()).unwrap().0;
        assert!(many == one, "{r:?}");
        if r.scratch.is_some() {
            assert!(
                SCRATCH_FILES.load(std::sync::atomic::Ordering::SeqCst) > before,
                "nothing was spilled"
            );
        }
    }
}
