//! Signature algorithms by their JDK names.

use const_oid::ObjectIdentifier;

use crate::digest::DigestAlgorithm;
use crate::key::KeyAlgorithm;
use crate::oid;

/// A signature algorithm: a key type and a digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 over a digest.
    Rsa(DigestAlgorithm),
    /// DSA over a digest (not MD5).
    Dsa(DigestAlgorithm),
    /// ECDSA over a digest (not MD5).
    Ecdsa(DigestAlgorithm),
    /// Pure Ed25519.
    Ed25519,
}

impl SignatureAlgorithm {
    /// Every algorithm signkit can sign and verify with.
    pub const ALL: [Self; 17] = [
        Self::Rsa(DigestAlgorithm::Md5),
        Self::Rsa(DigestAlgorithm::Sha1),
        Self::Rsa(DigestAlgorithm::Sha224),
        Self::Rsa(DigestAlgorithm::Sha256),
        Self::Rsa(DigestAlgorithm::Sha384),
        Self::Rsa(DigestAlgorithm::Sha512),
        Self::Dsa(DigestAlgorithm::Sha1),
        Self::Dsa(DigestAlgorithm::Sha224),
        Self::Dsa(DigestAlgorithm::Sha256),
        Self::Dsa(DigestAlgorithm::Sha384),
        Self::Dsa(DigestAlgorithm::Sha512),
        Self::Ecdsa(DigestAlgorithm::Sha1),
        Self::Ecdsa(DigestAlgorithm::Sha224),
        Self::Ecdsa(DigestAlgorithm::Sha256),
        Self::Ecdsa(DigestAlgorithm::Sha384),
        Self::Ecdsa(DigestAlgorithm::Sha512),
        Self::Ed25519,
    ];

    /// The JDK's name: `SHA256withRSA`, `SHA1withDSA`, `SHA384withECDSA`, `Ed25519`.
    #[must_use]
    pub fn jdk_name(self) -> String {
        let (digest, kind) = match self {
            Self::Rsa(d) => (d, "RSA"),
            Self::Dsa(d) => (d, "DSA"),
            Self::Ecdsa(d) => (d, "ECDSA"),
            Self::Ed25519 => return "Ed25519".to_owned(),
        };
        format!("{}with{kind}", digest.jdk_name().replace('-', ""))
    }

    /// Parses a JDK signature algorithm name, case-insensitively
    /// (`SHA256withRSA`, `sha256withecdsa`, `Ed25519`, `EdDSA`).
    #[must_use]
    pub fn from_jdk_name(name: &str) -> Option<Self> {
        let upper = name.to_ascii_uppercase();
        if upper == "ED25519" || upper == "EDDSA" {
            return Some(Self::Ed25519);
        }
        let (digest, kind) = upper.split_once("WITH")?;
        let digest = DigestAlgorithm::from_jdk_name(digest)?;
        let alg = match kind {
            "RSA" => Self::Rsa(digest),
            "DSA" => Self::Dsa(digest),
            "ECDSA" => Self::Ecdsa(digest),
            _ => return None,
        };
        Self::ALL.contains(&alg).then_some(alg)
    }

    /// The signature algorithm OID (as in a certificate or a CMS `SignerInfo`).
    #[must_use]
    pub fn oid(self) -> ObjectIdentifier {
        use DigestAlgorithm as D;
        match self {
            Self::Rsa(D::Md5) => oid::MD5_WITH_RSA,
            Self::Rsa(D::Sha1) => oid::SHA1_WITH_RSA,
            Self::Rsa(D::Sha224) => oid::SHA224_WITH_RSA,
            Self::Rsa(D::Sha256) => oid::SHA256_WITH_RSA,
            Self::Rsa(D::Sha384) => oid::SHA384_WITH_RSA,
            Self::Rsa(D::Sha512) => oid::SHA512_WITH_RSA,
            Self::Dsa(D::Sha1) => oid::SHA1_WITH_DSA,
            Self::Dsa(D::Sha224) => oid::SHA224_WITH_DSA,
            Self::Dsa(D::Sha256 | D::Md5) => oid::SHA256_WITH_DSA,
            Self::Dsa(D::Sha384) => oid::SHA384_WITH_DSA,
            Self::Dsa(D::Sha512) => oid::SHA512_WITH_DSA,
            Self::Ecdsa(D::Sha1) => oid::SHA1_WITH_ECDSA,
            Self::Ecdsa(D::Sha224) => oid::SHA224_WITH_ECDSA,
            Self::Ecdsa(D::Sha256 | D::Md5) => oid::SHA256_WITH_ECDSA,
            Self::Ecdsa(D::Sha384) => oid::SHA384_WITH_ECDSA,
            Self::Ecdsa(D::Sha512) => oid::SHA512_WITH_ECDSA,
            Self::Ed25519 => oid::ED25519,
        }
    }

    /// Looks an algorithm up by its signature OID.
    #[must_use]
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.oid() == *oid)
    }

    /// The DER `AlgorithmIdentifier` as the JDK writes it: RSA algorithms
    /// carry an explicit NULL parameter, the others have none.
    #[must_use]
    pub fn algorithm_identifier_der(self) -> Vec<u8> {
        use der::Encode as _;
        let oid = self.oid();
        let params: Option<der::Any> = match self {
            Self::Rsa(_) => Some(der::Any::null()),
            _ => None,
        };
        let alg = spki::AlgorithmIdentifier { oid, parameters: params };
        // Encoding an OID and an optional NULL cannot fail.
        alg.to_der().unwrap_or_default()
    }

    /// The digest hashed before signing (`None` for Ed25519, which signs the message).
    #[must_use]
    pub fn digest(self) -> Option<DigestAlgorithm> {
        match self {
            Self::Rsa(d) | Self::Dsa(d) | Self::Ecdsa(d) => Some(d),
            Self::Ed25519 => None,
        }
    }

    /// The key algorithm family this signature needs.
    #[must_use]
    pub fn key_family(self) -> KeyFamily {
        match self {
            Self::Rsa(_) => KeyFamily::Rsa,
            Self::Dsa(_) => KeyFamily::Dsa,
            Self::Ecdsa(_) => KeyFamily::Ec,
            Self::Ed25519 => KeyFamily::Ed25519,
        }
    }

    /// The JDK 17 default for a key (keytool and jarsigner agree): SHA-256
    /// up to 3072-bit RSA/DSA and curves under 384 bits, then SHA-384, then SHA-512.
    #[must_use]
    pub fn jdk_default_for(key: KeyAlgorithm, key_bits: usize) -> Self {
        // JDK compat: sun.security.util.SignatureUtil.getDefaultSigAlgForKey.
        let ifc_ffc = |bits: usize| match bits {
            b if b > 7680 => DigestAlgorithm::Sha512,
            b if b > 3072 => DigestAlgorithm::Sha384,
            _ => DigestAlgorithm::Sha256,
        };
        match key {
            KeyAlgorithm::Rsa => Self::Rsa(ifc_ffc(key_bits)),
            KeyAlgorithm::Dsa => Self::Dsa(ifc_ffc(key_bits)),
            KeyAlgorithm::Ec(_) => Self::Ecdsa(match key_bits {
                b if b < 384 => DigestAlgorithm::Sha256,
                b if b < 512 => DigestAlgorithm::Sha384,
                _ => DigestAlgorithm::Sha512,
            }),
            KeyAlgorithm::Ed25519 => Self::Ed25519,
        }
    }
}

/// The key families, without curve detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyFamily {
    /// RSA.
    Rsa,
    /// DSA.
    Dsa,
    /// Elliptic-curve keys for ECDSA.
    Ec,
    /// Ed25519.
    Ed25519,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in SignatureAlgorithm::ALL {
            assert_eq!(SignatureAlgorithm::from_jdk_name(&a.jdk_name()), Some(a), "{a:?}");
            assert_eq!(SignatureAlgorithm::from_oid(&a.oid()), Some(a));
        }
        assert_eq!(SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256).jdk_name(), "SHA256withRSA");
        assert_eq!(SignatureAlgorithm::from_jdk_name("MD5withDSA"), None);
    }

    #[test]
    fn rsa_identifier_has_null() {
        let der = SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256).algorithm_identifier_der();
        assert_eq!(der.last(), Some(&0x00));
        assert_eq!(der[der.len() - 2], 0x05);
        let der = SignatureAlgorithm::Ecdsa(DigestAlgorithm::Sha256).algorithm_identifier_der();
        assert_eq!(der, [0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]);
    }

    #[test]
    fn jdk_defaults() {
        use crate::key::EcCurve;
        let d = SignatureAlgorithm::jdk_default_for;
        assert_eq!(d(KeyAlgorithm::Rsa, 2048).jdk_name(), "SHA256withRSA");
        assert_eq!(d(KeyAlgorithm::Rsa, 4096).jdk_name(), "SHA384withRSA");
        assert_eq!(d(KeyAlgorithm::Rsa, 8192).jdk_name(), "SHA512withRSA");
        assert_eq!(d(KeyAlgorithm::Ec(EcCurve::P384), 384).jdk_name(), "SHA384withECDSA");
        assert_eq!(d(KeyAlgorithm::Ec(EcCurve::P521), 521).jdk_name(), "SHA512withECDSA");
        assert_eq!(d(KeyAlgorithm::Dsa, 2048).jdk_name(), "SHA256withDSA");
    }
}
