//! Message digests by name, as the JDK and AOSP name them.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912;
use digest::Digest as _;

/// A message digest algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// MD5 (only for fingerprints and legacy signatures).
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl DigestAlgorithm {
    /// Every supported digest, weakest first.
    pub const ALL: [Self; 6] =
        [Self::Md5, Self::Sha1, Self::Sha224, Self::Sha256, Self::Sha384, Self::Sha512];

    /// The JDK's standard name: `SHA-256`, `SHA-1`, `MD5`.
    #[must_use]
    pub const fn jdk_name(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::Sha1 => "SHA-1",
            Self::Sha224 => "SHA-224",
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
        }
    }

    /// Parses a JDK digest name, case-insensitively, accepting the
    /// hyphen-less aliases the JDK accepts (`SHA256`, `SHA1`, `SHA`).
    #[must_use]
    pub fn from_jdk_name(name: &str) -> Option<Self> {
        let upper = name.to_ascii_uppercase();
        Some(match upper.as_str() {
            "MD5" => Self::Md5,
            "SHA-1" | "SHA1" | "SHA" => Self::Sha1,
            "SHA-224" | "SHA224" => Self::Sha224,
            "SHA-256" | "SHA256" => Self::Sha256,
            "SHA-384" | "SHA384" => Self::Sha384,
            "SHA-512" | "SHA512" => Self::Sha512,
            _ => return None,
        })
    }

    /// The algorithm's OID (as used in `DigestInfo` and CMS).
    #[must_use]
    pub const fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Md5 => rfc5912::ID_MD_5,
            Self::Sha1 => rfc5912::ID_SHA_1,
            Self::Sha224 => rfc5912::ID_SHA_224,
            Self::Sha256 => rfc5912::ID_SHA_256,
            Self::Sha384 => rfc5912::ID_SHA_384,
            Self::Sha512 => rfc5912::ID_SHA_512,
        }
    }

    /// Looks a digest up by OID.
    #[must_use]
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.oid() == *oid)
    }

    /// Output length in bytes.
    #[must_use]
    pub const fn output_len(self) -> usize {
        match self {
            Self::Md5 => 16,
            Self::Sha1 => 20,
            Self::Sha224 => 28,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// Digest of `data` in one call.
    #[must_use]
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut h = Hasher::new(self);
        h.update(data);
        h.finalize()
    }
}

/// An incremental hash of any [`DigestAlgorithm`].
#[derive(Clone)]
pub enum Hasher {
    /// MD5 state.
    Md5(md5::Md5),
    /// SHA-1 state.
    Sha1(sha1::Sha1),
    /// SHA-224 state.
    Sha224(sha2::Sha224),
    /// SHA-256 state.
    Sha256(sha2::Sha256),
    /// SHA-384 state.
    Sha384(sha2::Sha384),
    /// SHA-512 state.
    Sha512(sha2::Sha512),
}

impl core::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Hasher").field(&self.algorithm()).finish()
    }
}

impl Hasher {
    /// A fresh hash state.
    #[must_use]
    pub fn new(algorithm: DigestAlgorithm) -> Self {
        match algorithm {
            DigestAlgorithm::Md5 => Self::Md5(md5::Md5::new()),
            DigestAlgorithm::Sha1 => Self::Sha1(sha1::Sha1::new()),
            DigestAlgorithm::Sha224 => Self::Sha224(sha2::Sha224::new()),
            DigestAlgorithm::Sha256 => Self::Sha256(sha2::Sha256::new()),
            DigestAlgorithm::Sha384 => Self::Sha384(sha2::Sha384::new()),
            DigestAlgorithm::Sha512 => Self::Sha512(sha2::Sha512::new()),
        }
    }

    /// Which algorithm this state computes.
    #[must_use]
    pub fn algorithm(&self) -> DigestAlgorithm {
        match self {
            Self::Md5(_) => DigestAlgorithm::Md5,
            Self::Sha1(_) => DigestAlgorithm::Sha1,
            Self::Sha224(_) => DigestAlgorithm::Sha224,
            Self::Sha256(_) => DigestAlgorithm::Sha256,
            Self::Sha384(_) => DigestAlgorithm::Sha384,
            Self::Sha512(_) => DigestAlgorithm::Sha512,
        }
    }

    /// Feeds bytes.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Self::Md5(h) => h.update(data),
            Self::Sha1(h) => h.update(data),
            Self::Sha224(h) => h.update(data),
            Self::Sha256(h) => h.update(data),
            Self::Sha384(h) => h.update(data),
            Self::Sha512(h) => h.update(data),
        }
    }

    /// The digest value.
    #[must_use]
    pub fn finalize(self) -> Vec<u8> {
        match self {
            Self::Md5(h) => h.finalize().to_vec(),
            Self::Sha1(h) => h.finalize().to_vec(),
            Self::Sha224(h) => h.finalize().to_vec(),
            Self::Sha256(h) => h.finalize().to_vec(),
            Self::Sha384(h) => h.finalize().to_vec(),
            Self::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

impl std::io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for d in DigestAlgorithm::ALL {
            assert_eq!(DigestAlgorithm::from_jdk_name(d.jdk_name()), Some(d));
            assert_eq!(DigestAlgorithm::from_oid(&d.oid()), Some(d));
            assert_eq!(d.digest(b"abc").len(), d.output_len());
        }
        assert_eq!(DigestAlgorithm::from_jdk_name("sha256"), Some(DigestAlgorithm::Sha256));
        assert_eq!(DigestAlgorithm::from_jdk_name("SHA-3"), None);
    }

    #[test]
    fn sha256_vector() {
        let d = DigestAlgorithm::Sha256.digest(b"abc");
        assert_eq!(d[..4], [0xba, 0x78, 0x16, 0xbf]);
    }
}
