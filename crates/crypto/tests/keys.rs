//! Keys from apksig's corpus and freshly generated ones: decode, encode,
//! sign, verify, and match against their certificates.

use std::path::PathBuf;

use rand::SeedableRng as _;
use signkit_crypto::{
    Certificate, DigestAlgorithm, EcCurve, KeyAlgorithm, PrivateKey, SignatureAlgorithm, pem,
};

fn corpus(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/apksig").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn apksig_key_pairs_match_their_certificates() {
    let cases = [
        ("rsa-1024", KeyAlgorithm::Rsa, 1024),
        ("rsa-2048", KeyAlgorithm::Rsa, 2048),
        ("rsa-3072", KeyAlgorithm::Rsa, 3072),
        ("rsa-4096", KeyAlgorithm::Rsa, 4096),
        ("rsa-8192", KeyAlgorithm::Rsa, 8192),
        ("rsa-16384", KeyAlgorithm::Rsa, 16384),
        ("dsa-1024", KeyAlgorithm::Dsa, 1024),
        ("dsa-2048", KeyAlgorithm::Dsa, 2048),
        ("dsa-3072", KeyAlgorithm::Dsa, 3072),
        ("ec-p256", KeyAlgorithm::Ec(EcCurve::P256), 256),
        ("ec-p384", KeyAlgorithm::Ec(EcCurve::P384), 384),
        ("ec-p521", KeyAlgorithm::Ec(EcCurve::P521), 521),
    ];
    for (name, alg, bits) in cases {
        let key = PrivateKey::from_pkcs8_der(&corpus(&format!("{name}.pk8"))).unwrap();
        assert_eq!(key.algorithm(), alg, "{name}");
        assert_eq!(key.bits(), bits, "{name}");
        let blocks = pem::parse_all(&corpus(&format!("{name}.x509.pem"))).unwrap();
        let cert = Certificate::from_der(&blocks[0].der).unwrap();
        let public = cert.public_key().unwrap();
        assert!(public == key.public_key(), "{name}: key does not match certificate");

        let sigalg = SignatureAlgorithm::jdk_default_for(alg, bits);
        let sig = key.sign(sigalg, b"signkit").unwrap();
        public.verify(sigalg, b"signkit", &sig).unwrap();
        assert!(public.verify(sigalg, b"signkit!", &sig).is_err(), "{name}");

        // Decode -> encode -> decode keeps the key.
        let again = PrivateKey::from_pkcs8_der(&key.to_pkcs8_der().unwrap()).unwrap();
        assert!(again.public_key() == public, "{name}");
    }
}

#[test]
fn generated_keys_sign_and_verify() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let keys = [
        PrivateKey::generate_rsa(&mut rng, 1024).unwrap(),
        PrivateKey::generate_ec(&mut rng, EcCurve::P256),
        PrivateKey::generate_ec(&mut rng, EcCurve::P384),
        PrivateKey::generate_ec(&mut rng, EcCurve::P521),
        PrivateKey::generate_ed25519(&mut rng),
    ];
    for key in &keys {
        let alg = SignatureAlgorithm::jdk_default_for(key.algorithm(), key.bits());
        let sig = key.sign(alg, b"message").unwrap();
        key.public_key().verify(alg, b"message", &sig).unwrap();
        // Deterministic: the same message signs the same way.
        assert_eq!(sig, key.sign(alg, b"message").unwrap());
        let spki = key.public_key().to_spki_der().unwrap();
        assert!(signkit_crypto::PublicKey::from_spki_der(&spki).unwrap() == key.public_key());
        assert!(!format!("{key:?}").contains("0x"));
    }
    // A digest that does not fit the key is refused, not mis-signed.
    assert!(keys[1].sign(SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256), b"m").is_err());
}
