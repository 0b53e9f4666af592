//! AOSP `development/tools/make_key` without openssl: a new key and a
//! self-signed certificate as `openssl req -new -x509 -days 10000` makes it.

use digest::Digest as _;
use rand_core::CryptoRng;
use signkit_crypto::{
    CertificateBuilder, DigestAlgorithm, EcCurve, Extension, PrivateKey, SignatureAlgorithm, asn1,
};

use crate::convert::KeyPair;
use crate::error::{Error, Result};
use crate::key::Pkcs8Key;
use crate::subject::Subject;

/// make_key's validity: `-days 10000`.
pub const VALIDITY_DAYS: i64 = 10_000;

/// The key types make_key accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MakeKeyAlgorithm {
    /// `openssl genrsa -f4 2048`: RSA 2048 with exponent 65537, signed SHA256withRSA.
    Rsa,
    /// `openssl ecparam -name prime256v1 -genkey`: P-256, signed SHA256withECDSA.
    Ec,
}

const SUBJECT_KEY_IDENTIFIER: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.14");
const AUTHORITY_KEY_IDENTIFIER: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.35");
const BASIC_CONSTRAINTS: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.19");

/// Generates a key and its self-signed certificate, as make_key does with
/// openssl 3 and its default configuration (`[ v3_ca ]`):
///
/// - version 3, a random positive 159-bit serial number (openssl's `rand_serial`);
/// - issuer and subject `subject`; validity from `now_unix_secs` for 10000 days;
/// - extensions in openssl's order: subjectKeyIdentifier (SHA-1 of the public
///   key bits), authorityKeyIdentifier (the same key id only), and
///   basicConstraints `critical, CA:TRUE`;
/// - SHA256withRSA or SHA256withECDSA.
///
/// # Errors
/// Only if key generation or signing fails.
pub fn make_key<R: CryptoRng + ?Sized>(
    rng: &mut R,
    now_unix_secs: i64,
    subject: &Subject,
    algorithm: MakeKeyAlgorithm,
) -> Result<KeyPair> {
    let (key, sigalg) = match algorithm {
        MakeKeyAlgorithm::Rsa => {
            (PrivateKey::generate_rsa(rng, 2048)?, SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256))
        }
        MakeKeyAlgorithm::Ec => (
            PrivateKey::generate_ec(rng, EcCurve::P256),
            SignatureAlgorithm::Ecdsa(DigestAlgorithm::Sha256),
        ),
    };
    let spki = key.public_key().to_spki_der()?;
    let key_id = key_identifier(&spki)?;
    let mut serial = [0u8; 20];
    rng.fill_bytes(&mut serial);
    // openssl draws 159 random bits, so the number is positive in 20 bytes.
    serial[0] &= 0x7f;
    let not_after = VALIDITY_DAYS
        .checked_mul(86_400)
        .and_then(|d| now_unix_secs.checked_add(d))
        .ok_or_else(|| Error::Unsupported("a validity beyond the year 9999".into()))?;
    let builder = CertificateBuilder {
        serial: serial.to_vec(),
        issuer: subject.der.clone(),
        subject: subject.der.clone(),
        not_before: now_unix_secs,
        not_after,
        spki,
        extensions: vec![
            Extension {
                oid: SUBJECT_KEY_IDENTIFIER,
                critical: false,
                value: asn1::octet_string(&key_id),
            },
            // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING }
            Extension {
                oid: AUTHORITY_KEY_IDENTIFIER,
                critical: false,
                value: asn1::sequence(&[&asn1::tlv(0x80, &key_id)]),
            },
            Extension {
                oid: BASIC_CONSTRAINTS,
                critical: true,
                value: asn1::sequence(&[&asn1::boolean(true)]),
            },
        ],
    };
    let cert = builder.sign(&key, sigalg)?;
    Ok(KeyPair { key: Pkcs8Key::from_key(key)?, chain: vec![cert] })
}

/// RFC 5280 section 4.2.1.2 method 1: SHA-1 of the `subjectPublicKey` BIT
/// STRING's bits, which openssl's `subjectKeyIdentifier=hash` computes.
fn key_identifier(spki_der: &[u8]) -> Result<[u8; 20]> {
    use der::Decode as _;
    let spki = pkcs8::SubjectPublicKeyInfoRef::from_der(spki_der)
        .map_err(|e| Error::malformed("public key", e))?;
    Ok(sha1::Sha1::digest(spki.subject_public_key.raw_bytes()).into())
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng as _;

    use super::*;
    use crate::subject::parse_subject;

    #[test]
    fn certificate_as_openssl_makes_it() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let subject = parse_subject("/C=US/O=Android/CN=Android").unwrap();
        for alg in [MakeKeyAlgorithm::Ec, MakeKeyAlgorithm::Rsa] {
            let pair = make_key(&mut rng, 1_700_000_000, &subject, alg).unwrap();
            let cert = &pair.chain[0];
            let tbs = cert.parsed().tbs_certificate();
            assert_eq!(tbs.version(), x509_cert::certificate::Version::V3);
            assert_eq!(cert.subject_der(), subject.der);
            assert!(cert.is_self_issued());
            assert_eq!(cert.validity_unix(), (1_700_000_000, 1_700_000_000 + 10_000 * 86_400));
            // A positive serial of at most 20 bytes.
            let serial = cert.serial_bytes();
            assert!(serial.len() <= 20 && serial[0] & 0x80 == 0, "{serial:02x?}");
            cert.verify_signed_by(&pair.key.public_key()).unwrap();
            let exts: Vec<_> = tbs
                .extensions()
                .unwrap()
                .iter()
                .map(|e| (e.extn_id.to_string(), e.critical))
                .collect();
            assert_eq!(
                exts,
                [
                    ("2.5.29.14".to_owned(), false),
                    ("2.5.29.35".to_owned(), false),
                    ("2.5.29.19".to_owned(), true)
                ]
            );
            let key_id = key_identifier(&cert.spki_der()).unwrap();
            let ski = &tbs.extensions().unwrap()[0];
            assert_eq!(ski.extn_value.as_bytes(), asn1::octet_string(&key_id));
            let expected = match alg {
                MakeKeyAlgorithm::Rsa => "SHA256withRSA",
                MakeKeyAlgorithm::Ec => "SHA256withECDSA",
            };
            assert_eq!(cert.signature_algorithm().map(|a| a.jdk_name()).as_deref(), Some(expected));
        }
    }
}
