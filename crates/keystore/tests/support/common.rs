//! Helpers shared by the integration tests: corpus and fixture paths, hex.

#![allow(dead_code, reason = "each test crate uses a different subset")]
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::path::PathBuf;

/// `shared/corpus/<rel>`: the corpus sits beside the repository
/// (`../shared/corpus` from its root); the nearest ancestor that has it is
/// used, so a checkout in a nested work tree finds it too.
pub(crate) fn corpus(rel: &str) -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let base = manifest
        .ancestors()
        .map(|a| a.join("shared/corpus"))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| manifest.join("../../../shared/corpus"));
    base.join(rel)
}

/// `fixtures/keystores/<rel>` of this repository.
pub(crate) fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/keystores").join(rel)
}

pub(crate) fn read(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex: {s}");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&signkit_crypto::DigestAlgorithm::Sha256.digest(bytes))
}

/// The body of the first PEM block of a file, as DER.
pub(crate) fn pem_der(path: &std::path::Path) -> Vec<u8> {
    let blocks = signkit_crypto::pem::parse_all(&read(path)).unwrap();
    blocks[0].der.clone()
}
