//! apksig's APK corpus (`shared/corpus/apksig`, see its README): every APK is
//! read under apksig's rules and under the strict rules, without panics, and
//! the outcome matches what apksig's tests expect of each file.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test helpers; inputs are fixtures"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use signkit_zip::{ReadOptions, ZipArchive};

fn corpus() -> PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    root.ancestors()
        .map(|a| a.join("shared/corpus/apksig"))
        .find(|p| p.join("expectations.tsv").is_file())
        .expect("shared/corpus/apksig not found above the repository")
}

/// `file -> set of expected outcomes` from expectations.tsv.
fn expectations() -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(corpus().join("expectations.tsv")).unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        out.entry(cols[0].to_owned()).or_default().insert(cols[1].to_owned());
    }
    out
}

/// Parses under `opts` and reads every entry; `Err` describes the first failure.
fn read_all(data: &[u8], opts: &ReadOptions) -> Result<ZipArchive, String> {
    let a = ZipArchive::parse(&data, opts).map_err(|e| format!("parse: {e}"))?;
    for e in a.entries() {
        a.read_entry_to_vec(&data, e, 64 << 20)
            .map_err(|err| format!("read {}: {err}", String::from_utf8_lossy(e.name())))?;
    }
    Ok(a)
}

#[test]
fn every_apk_reads_as_apksig_expects() {
    let dir = corpus();
    let expect = expectations();
    let mut apks: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "apk"))
        .collect();
    apks.sort();
    assert_eq!(apks.len(), 376, "the corpus has 376 APKs");

    let mut strict_failures = BTreeSet::new();
    let mut checked = 0;
    for path in &apks {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let data = std::fs::read(path).unwrap();
        let android = read_all(&data, &ReadOptions::android());
        if read_all(&data, &ReadOptions::strict()).is_err() {
            strict_failures.insert(name.clone());
        }
        let _ = read_all(&data, &ReadOptions::jdk());
        let Some(outcomes) = expect.get(&name) else { continue };
        checked += 1;
        if outcomes.contains("exception") {
            // apksig throws: the archive is unreadable, an entry it needs is,
            // or there is no AndroidManifest.xml to read.
            let zip_level = match &android {
                Err(_) => true,
                Ok(a) => a.find(b"AndroidManifest.xml").is_none(),
            };
            let defective = ZipArchive::parse(&data.as_slice(), &ReadOptions::android())
                .map(|a| {
                    a.entries()
                        .iter()
                        .any(|e| e.read_to_vec(&data.as_slice(), 64 << 20, false).is_err())
                })
                .unwrap_or(true);
            assert!(zip_level || defective, "{name}: apksig throws, but the archive reads cleanly");
        } else {
            // apksig verifies (or reports a signature issue): the archive must parse.
            let parsed = ZipArchive::parse(&data.as_slice(), &ReadOptions::android());
            assert!(parsed.is_ok(), "{name}: {:?}", parsed.err());
        }
    }
    assert!(checked >= 300, "only {checked} APKs had expectations");
    // Under the strict rules, exactly the APKs with malformed ZIP structure fail.
    let expected: BTreeSet<String> = [
        "incorrect-manifest-size.apk",
        "invalid_manifest.apk",
        "mismatched-compression-method.apk",
        "v1v2v3-with-rsa-2048-lineage-3-signers-invalid-zip.apk",
        "v2-only-truncated-cd.apk",
        "v3-only-with-rsa-pkcs1-sha512-8192-digest-mismatch.apk",
        "weird-compression-method.apk",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(strict_failures, expected);
}

#[test]
fn oversized_manifest_fails_fast() {
    // META-INF/MANIFEST.MF declares 2016310387 bytes (apksig's OOM test): its
    // local record does not match, and reading it fails without allocating.
    let data = std::fs::read(corpus().join("incorrect-manifest-size.apk")).unwrap();
    let a = ZipArchive::parse(&data.as_slice(), &ReadOptions::android()).unwrap();
    let m = a.find(b"META-INF/MANIFEST.MF").unwrap();
    assert_eq!(m.uncompressed_size(), 2_016_310_387);
    assert!(m.defect().is_some());
    assert!(a.read_entry_to_vec(&data.as_slice(), m, u64::MAX).is_err());
    assert!(ZipArchive::parse(&data.as_slice(), &ReadOptions::jdk()).is_err());
}

#[test]
fn truncations_and_corruptions_never_panic() {
    let data = std::fs::read(corpus().join("golden-aligned-v1v2v3-out.apk")).unwrap();
    let opts = [ReadOptions::strict(), ReadOptions::android(), ReadOptions::jdk()];
    for len in (0..data.len()).step_by(7).chain(data.len() - 200..data.len()) {
        for o in &opts {
            let _ = read_all(&data[..len], o);
        }
    }
    // Deterministic byte flips across the whole file.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..3000 {
        let mut d = data.clone();
        for _ in 0..4 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let i = usize::try_from(x % d.len() as u64).unwrap();
            d[i] = (x >> 32) as u8;
        }
        for o in &opts {
            let _ = read_all(&d, o);
        }
    }
}
