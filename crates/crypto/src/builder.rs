//! Building and signing X.509 v3 certificates, field by field.
//!
//! The builder takes already-encoded names and extension values, so the
//! callers decide every byte (keytool reproduces the JDK's choices;
//! keyconv's `make-key` reproduces openssl's).

use crate::asn1;
use crate::cert::Certificate;
use crate::error::Result;
use crate::key::PrivateKey;
use crate::sigalg::SignatureAlgorithm;

/// One extension: OID, criticality and the DER of its `extnValue` content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    /// `extnID`.
    pub oid: const_oid::ObjectIdentifier,
    /// `critical` (encoded only when true, as DER's DEFAULT FALSE requires).
    pub critical: bool,
    /// The DER inside the `extnValue` OCTET STRING.
    pub value: Vec<u8>,
}

impl Extension {
    /// The DER `Extension` SEQUENCE.
    #[must_use]
    pub fn to_der(&self) -> Vec<u8> {
        let oid = asn1::oid(&self.oid);
        let value = asn1::octet_string(&self.value);
        if self.critical {
            asn1::sequence(&[&oid, &asn1::boolean(true), &value])
        } else {
            asn1::sequence(&[&oid, &value])
        }
    }
}

/// The fields of a v3 certificate.
#[derive(Clone, Debug)]
pub struct CertificateBuilder {
    /// Serial number as unsigned big-endian magnitude.
    pub serial: Vec<u8>,
    /// DER `Name` of the issuer.
    pub issuer: Vec<u8>,
    /// DER `Name` of the subject.
    pub subject: Vec<u8>,
    /// `notBefore`, seconds since the Unix epoch.
    pub not_before: i64,
    /// `notAfter`, seconds since the Unix epoch.
    pub not_after: i64,
    /// DER `SubjectPublicKeyInfo`.
    pub spki: Vec<u8>,
    /// Extensions in the order they are encoded (none: no `[3]` field).
    pub extensions: Vec<Extension>,
}

impl CertificateBuilder {
    /// The DER `TBSCertificate` signed with `alg`.
    #[must_use]
    pub fn tbs_der(&self, alg: SignatureAlgorithm) -> Vec<u8> {
        let version = asn1::context(0, &asn1::small_integer(2));
        let serial = asn1::unsigned_integer(&self.serial);
        let sigalg = alg.algorithm_identifier_der();
        let validity = asn1::sequence(&[&asn1::x509_time(self.not_before), &asn1::x509_time(self.not_after)]);
        let mut parts: Vec<Vec<u8>> =
            vec![version, serial, sigalg, self.issuer.clone(), validity, self.subject.clone(), self.spki.clone()];
        if !self.extensions.is_empty() {
            let exts: Vec<Vec<u8>> = self.extensions.iter().map(Extension::to_der).collect();
            let refs: Vec<&[u8]> = exts.iter().map(Vec::as_slice).collect();
            parts.push(asn1::context(3, &asn1::sequence(&refs)));
        }
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        asn1::sequence(&refs)
    }

    /// Signs the certificate with the issuer's key.
    ///
    /// # Errors
    /// An algorithm that does not fit the key.
    pub fn sign(&self, issuer_key: &PrivateKey, alg: SignatureAlgorithm) -> Result<Certificate> {
        let tbs = self.tbs_der(alg);
        let signature = issuer_key.sign(alg, &tbs)?;
        let der = asn1::sequence(&[&tbs, &alg.algorithm_identifier_der(), &asn1::bit_string(&signature)]);
        Certificate::from_der(&der)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EcCurve;

    #[test]
    fn self_signed_verifies() {
        let mut rng = TestRng(1);
        let key = PrivateKey::generate_ec(&mut rng, EcCurve::P256);
        let name = asn1::sequence(&[&asn1::set_of(&[&asn1::sequence(&[
            &asn1::oid(&const_oid::ObjectIdentifier::new_unwrap("2.5.4.3")),
            &asn1::tlv(asn1::tag::PRINTABLE_STRING, b"Test"),
        ])])]);
        let b = CertificateBuilder {
            serial: vec![0x81, 2, 3],
            issuer: name.clone(),
            subject: name,
            not_before: 1_700_000_000,
            not_after: 1_800_000_000,
            spki: key.public_key().to_spki_der().unwrap(),
            extensions: vec![Extension { oid: const_oid::ObjectIdentifier::new_unwrap("2.5.29.19"), critical: true, value: asn1::sequence(&[&asn1::boolean(true)]) }],
        };
        let alg = SignatureAlgorithm::jdk_default_for(key.algorithm(), key.bits());
        let cert = b.sign(&key, alg).unwrap();
        cert.verify_signed_by(&key.public_key()).unwrap();
        assert!(cert.is_self_issued());
        assert_eq!(cert.serial_bytes(), [0, 0x81, 2, 3]);
        assert_eq!(cert.validity_unix(), (1_700_000_000, 1_800_000_000));
    }

    /// A deterministic generator for tests (not cryptographic).
    struct TestRng(u64);
    impl rand_core::TryRng for TestRng {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
            Ok(u32::try_from(self.try_next_u64()? >> 32).unwrap_or(0))
        }
        fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
            self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            Ok(self.0)
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> core::result::Result<(), Self::Error> {
            for chunk in dst.chunks_mut(8) {
                let v = self.try_next_u64()?.to_le_bytes();
                chunk.copy_from_slice(&v[..chunk.len()]);
            }
            Ok(())
        }
    }
    impl rand_core::TryCryptoRng for TestRng {}
}
