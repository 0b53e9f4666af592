//! Private and public keys: RSA, DSA, EC (P-256, P-384, P-521) and Ed25519.

use core::fmt;

use der::{Decode as _, Encode as _};
use rand_core::CryptoRng;
use rsa::traits::PublicKeyParts as _;
use zeroize::Zeroizing;

// `Generate` is crypto-common's trait; dsa re-exports it.
use dsa::Generate;

use crate::digest::DigestAlgorithm;
use crate::error::{Error, Result};
use crate::oid;
use crate::sigalg::SignatureAlgorithm;

/// The largest RSA modulus signkit accepts (the JDK's own limit is 16384).
pub const RSA_MAX_BITS: usize = 16384;
/// The smallest RSA modulus signkit accepts for verification (old APKs use 512).
pub const RSA_MIN_VERIFY_BITS: usize = 512;

/// A named elliptic curve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EcCurve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
    /// NIST P-521 (secp521r1).
    P521,
}

impl EcCurve {
    /// Field size in bits (256, 384, 521), which the JDK reports as the key size.
    #[must_use]
    pub const fn bits(self) -> usize {
        match self {
            Self::P256 => 256,
            Self::P384 => 384,
            Self::P521 => 521,
        }
    }

    /// The curve's OID.
    #[must_use]
    pub const fn oid(self) -> const_oid::ObjectIdentifier {
        match self {
            Self::P256 => oid::SECP256R1,
            Self::P384 => oid::SECP384R1,
            Self::P521 => oid::SECP521R1,
        }
    }

    /// Looks a curve up by OID.
    #[must_use]
    pub fn from_oid(oid: &const_oid::ObjectIdentifier) -> Option<Self> {
        [Self::P256, Self::P384, Self::P521].into_iter().find(|c| c.oid() == *oid)
    }

    /// The SEC 2 name the JDK prints: `secp256r1`.
    #[must_use]
    pub const fn sec_name(self) -> &'static str {
        match self {
            Self::P256 => "secp256r1",
            Self::P384 => "secp384r1",
            Self::P521 => "secp521r1",
        }
    }

    /// Parses a curve name as keytool's `-groupname` takes it
    /// (`secp256r1`, `prime256v1`, `NIST P-256`, ...).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "secp256r1" | "prime256v1" | "nist p-256" | "p-256" | "1.2.840.10045.3.1.7" => {
                Some(Self::P256)
            }
            "secp384r1" | "nist p-384" | "p-384" | "1.3.132.0.34" => Some(Self::P384),
            "secp521r1" | "nist p-521" | "p-521" | "1.3.132.0.35" => Some(Self::P521),
            _ => None,
        }
    }
}

/// A key algorithm with its curve where it has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    /// RSA.
    Rsa,
    /// DSA.
    Dsa,
    /// ECDSA on a named curve.
    Ec(EcCurve),
    /// Ed25519.
    Ed25519,
}

impl KeyAlgorithm {
    /// The JDK's algorithm name: `RSA`, `DSA`, `EC`, `Ed25519`.
    #[must_use]
    pub const fn jdk_name(self) -> &'static str {
        match self {
            Self::Rsa => "RSA",
            Self::Dsa => "DSA",
            Self::Ec(_) => "EC",
            Self::Ed25519 => "Ed25519",
        }
    }
}

/// A private key.
///
/// `Debug` prints only the algorithm; the secret parts are zeroized on drop
/// by the underlying RustCrypto types.
pub enum PrivateKey {
    /// RSA.
    Rsa(Box<rsa::PrivateKey>),
    /// DSA.
    Dsa(Box<dsa::SigningKey>),
    /// ECDSA P-256.
    P256(Box<p256::ecdsa::SigningKey>),
    /// ECDSA P-384.
    P384(Box<p384::ecdsa::SigningKey>),
    /// ECDSA P-521.
    P521(Box<p521::ecdsa::SigningKey>),
    /// Ed25519.
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({} {} bits, [secret key elided])", self.algorithm().jdk_name(), self.bits())
    }
}

/// Reads the algorithm OID and parameters of a PKCS#8 or SPKI `AlgorithmIdentifier`.
fn ec_curve_of(params: Option<der::AnyRef<'_>>) -> Result<EcCurve> {
    let params = params.ok_or_else(|| Error::UnsupportedKey("EC key without curve".into()))?;
    let curve_oid: const_oid::ObjectIdentifier = params
        .decode_as()
        .map_err(|_| Error::UnsupportedKey("EC key with explicit curve parameters".into()))?;
    EcCurve::from_oid(&curve_oid)
        .ok_or_else(|| Error::UnsupportedKey(format!("EC curve {curve_oid}")))
}

impl PrivateKey {
    /// Decodes an unencrypted PKCS#8 `PrivateKeyInfo` (v1 or v2).
    ///
    /// # Errors
    /// Malformed DER, or an algorithm signkit does not support.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self> {
        use pkcs8::DecodePrivateKey as _;
        let info = pkcs8::PrivateKeyInfoRef::from_der(der)
            .map_err(|e| Error::malformed("PKCS#8 private key", e))?;
        let alg = info.algorithm.oid;
        let bad = |e: &dyn fmt::Display| Error::malformed("PKCS#8 private key", e);
        Ok(match alg {
            oid::RSA_ENCRYPTION => {
                let key = rsa::PrivateKey::from_pkcs8_der(der).map_err(|e| bad(&e))?;
                let bits = key.n().bit_width() as usize;
                if bits > RSA_MAX_BITS {
                    return Err(Error::InvalidKeySize(format!("{bits}-bit RSA key")));
                }
                Self::Rsa(Box::new(key))
            }
            oid::DSA => Self::Dsa(Box::new(dsa::SigningKey::from_pkcs8_der(der).map_err(|e| bad(&e))?)),
            oid::EC_PUBLIC_KEY => match ec_curve_of(info.algorithm.parameters)? {
                EcCurve::P256 => Self::P256(Box::new(
                    p256::SecretKey::from_pkcs8_der(der).map_err(|e| bad(&e))?.into(),
                )),
                EcCurve::P384 => Self::P384(Box::new(
                    p384::SecretKey::from_pkcs8_der(der).map_err(|e| bad(&e))?.into(),
                )),
                EcCurve::P521 => Self::P521(Box::new(
                    p521::SecretKey::from_pkcs8_der(der).map_err(|e| bad(&e))?.into(),
                )),
            },
            oid::ED25519 => Self::Ed25519(Box::new(
                ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(|e| bad(&e))?,
            )),
            oid::RSASSA_PSS => return Err(Error::UnsupportedKey("RSASSA-PSS".into())),
            oid::ED448 => return Err(Error::UnsupportedKey("Ed448".into())),
            other => return Err(Error::UnsupportedKey(other.to_string())),
        })
    }

    /// Encodes the key as unencrypted PKCS#8 DER, in zeroizing memory.
    ///
    /// # Errors
    /// Only if the underlying encoder fails.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        use pkcs8::EncodePrivateKey as _;
        let doc = match self {
            Self::Rsa(k) => k.to_pkcs8_der(),
            Self::Dsa(k) => k.to_pkcs8_der(),
            Self::P256(k) => p256::SecretKey::from(k.as_nonzero_scalar()).to_pkcs8_der(),
            Self::P384(k) => p384::SecretKey::from(k.as_nonzero_scalar()).to_pkcs8_der(),
            Self::P521(k) => p521::SecretKey::from(k.as_nonzero_scalar()).to_pkcs8_der(),
            Self::Ed25519(k) => k.to_pkcs8_der(),
        }
        .map_err(|e| Error::malformed("PKCS#8 private key", e))?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    /// The key's algorithm.
    #[must_use]
    pub fn algorithm(&self) -> KeyAlgorithm {
        match self {
            Self::Rsa(_) => KeyAlgorithm::Rsa,
            Self::Dsa(_) => KeyAlgorithm::Dsa,
            Self::P256(_) => KeyAlgorithm::Ec(EcCurve::P256),
            Self::P384(_) => KeyAlgorithm::Ec(EcCurve::P384),
            Self::P521(_) => KeyAlgorithm::Ec(EcCurve::P521),
            Self::Ed25519(_) => KeyAlgorithm::Ed25519,
        }
    }

    /// The key size as the JDK reports it (modulus bits, `p` bits, curve bits, 255).
    #[must_use]
    pub fn bits(&self) -> usize {
        self.public_key().bits()
    }

    /// The matching public key.
    #[must_use]
    pub fn public_key(&self) -> PublicKey {
        match self {
            Self::Rsa(k) => PublicKey::Rsa(Box::new(k.to_public_key())),
            Self::Dsa(k) => PublicKey::Dsa(Box::new(k.verifying_key().clone())),
            Self::P256(k) => PublicKey::P256(Box::new(*k.verifying_key())),
            Self::P384(k) => PublicKey::P384(Box::new(*k.verifying_key())),
            Self::P521(k) => PublicKey::P521(Box::new(*k.verifying_key())),
            Self::Ed25519(k) => PublicKey::Ed25519(Box::new(k.verifying_key())),
        }
    }

    /// Generates an RSA key with public exponent 65537.
    ///
    /// # Errors
    /// A size outside 512..=16384 bits.
    pub fn generate_rsa<R: CryptoRng + ?Sized>(rng: &mut R, bits: usize) -> Result<Self> {
        if !(512..=RSA_MAX_BITS).contains(&bits) {
            return Err(Error::InvalidKeySize(format!("{bits}-bit RSA key")));
        }
        let e = rsa::BoxedUint::from(65537u64);
        let key = rsa::PrivateKey::new_with_exp_unchecked(rng, bits, e)
            .map_err(|e| Error::Signing(e.to_string()))?;
        Ok(Self::Rsa(Box::new(key)))
    }

    /// Generates an EC key on `curve`.
    #[must_use]
    pub fn generate_ec<R: CryptoRng + ?Sized>(rng: &mut R, curve: EcCurve) -> Self {
        match curve {
            EcCurve::P256 => Self::P256(Box::new(<p256::ecdsa::SigningKey as Generate>::generate_from_rng(rng))),
            EcCurve::P384 => Self::P384(Box::new(<p384::ecdsa::SigningKey as Generate>::generate_from_rng(rng))),
            EcCurve::P521 => Self::P521(Box::new(<p521::ecdsa::SigningKey as Generate>::generate_from_rng(rng))),
        }
    }

    /// Generates an Ed25519 key.
    #[must_use]
    pub fn generate_ed25519<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut seed = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(seed.as_mut());
        Self::Ed25519(Box::new(ed25519_dalek::SigningKey::from_bytes(&seed)))
    }

    /// Generates a DSA key in the given domain parameters (big-endian `p`, `q`, `g`).
    ///
    /// # Errors
    /// Parameters that do not form a DSA group.
    pub fn generate_dsa<R: CryptoRng + ?Sized>(
        rng: &mut R,
        p: &[u8],
        q: &[u8],
        g: &[u8],
    ) -> Result<Self> {
        let uint = |b: &[u8]| {
            let bits = u32::try_from(b.len() * 8).map_err(|_| Error::InvalidKeySize("DSA".into()))?;
            rsa::BoxedUint::from_be_slice(b, bits).map_err(|_| Error::InvalidKeySize("DSA".into()))
        };
        let components = dsa::Components::from_components(uint(p)?, uint(q)?, uint(g)?)
            .map_err(|_| Error::InvalidKeySize("DSA parameters".into()))?;
        let key = dsa::SigningKey::try_generate_from_rng_with_components(rng, components)
            .map_err(|e| Error::Signing(format!("{e:?}")))?;
        Ok(Self::Dsa(Box::new(key)))
    }

    /// Signs `message` with `alg`. ECDSA and DSA use RFC 6979 deterministic
    /// nonces, so the same key, algorithm and message give the same signature;
    /// DSA and ECDSA signatures are DER `SEQUENCE { r, s }` as the JDK writes them.
    ///
    /// # Errors
    /// An algorithm that does not fit the key.
    pub fn sign(&self, alg: SignatureAlgorithm, message: &[u8]) -> Result<Vec<u8>> {
        match (self, alg) {
            (Self::Ed25519(k), SignatureAlgorithm::Ed25519) => {
                use ed25519_dalek::Signer as _;
                Ok(k.sign(message).to_bytes().to_vec())
            }
            (_, alg) => {
                let digest = alg.digest().ok_or_else(|| mismatch(self, alg))?;
                self.sign_prehashed(alg, &digest.digest(message))
            }
        }
    }

    /// Signs a message whose digest (of `alg`'s digest algorithm) is already computed.
    ///
    /// # Errors
    /// An algorithm that does not fit the key, Ed25519 (which cannot sign a
    /// digest), or a digest of the wrong length.
    pub fn sign_prehashed(&self, alg: SignatureAlgorithm, digest: &[u8]) -> Result<Vec<u8>> {
        use signature::hazmat::PrehashSigner as _;
        let d = alg.digest().ok_or_else(|| mismatch(self, alg))?;
        if digest.len() != d.output_len() {
            return Err(Error::Signing("digest length does not match the algorithm".into()));
        }
        let sign_err = |e: &dyn fmt::Display| Error::Signing(e.to_string());
        match (self, alg) {
            (Self::Rsa(k), SignatureAlgorithm::Rsa(_)) => {
                k.sign(pkcs1v15_padding(d), digest).map_err(|e| sign_err(&e))
            }
            (Self::Dsa(k), SignatureAlgorithm::Dsa(_)) => {
                let sig = dsa_sign_rfc6979(k, d, digest)?;
                sig.to_der().map_err(|e| sign_err(&e))
            }
            (Self::P256(k), SignatureAlgorithm::Ecdsa(_)) => {
                let sig: p256::ecdsa::DerSignature = k.sign_prehash(digest).map_err(|e| sign_err(&e))?;
                Ok(sig.as_bytes().to_vec())
            }
            (Self::P384(k), SignatureAlgorithm::Ecdsa(_)) => {
                let sig: p384::ecdsa::DerSignature = k.sign_prehash(digest).map_err(|e| sign_err(&e))?;
                Ok(sig.as_bytes().to_vec())
            }
            (Self::P521(k), SignatureAlgorithm::Ecdsa(_)) => {
                let sig: p521::ecdsa::DerSignature = k.sign_prehash(digest).map_err(|e| sign_err(&e))?;
                Ok(sig.as_bytes().to_vec())
            }
            _ => Err(mismatch(self, alg)),
        }
    }
}

fn mismatch(key: &PrivateKey, alg: SignatureAlgorithm) -> Error {
    Error::UnsupportedAlgorithm(format!(
        "{} cannot be used with a {} key",
        alg.jdk_name(),
        key.algorithm().jdk_name()
    ))
}

fn pkcs1v15_padding(d: DigestAlgorithm) -> rsa::Pkcs1v15Sign {
    match d {
        DigestAlgorithm::Md5 => rsa::Pkcs1v15Sign::new::<md5::Md5>(),
        DigestAlgorithm::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
        DigestAlgorithm::Sha224 => rsa::Pkcs1v15Sign::new::<sha2::Sha224>(),
        DigestAlgorithm::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
        DigestAlgorithm::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
        DigestAlgorithm::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
    }
}

fn dsa_sign_rfc6979(k: &dsa::SigningKey, d: DigestAlgorithm, digest: &[u8]) -> Result<dsa::Signature> {
    let r = match d {
        DigestAlgorithm::Sha1 => k.sign_prehashed_rfc6979::<sha1::Sha1>(digest),
        DigestAlgorithm::Sha224 => k.sign_prehashed_rfc6979::<sha2::Sha224>(digest),
        DigestAlgorithm::Sha256 => k.sign_prehashed_rfc6979::<sha2::Sha256>(digest),
        DigestAlgorithm::Sha384 => k.sign_prehashed_rfc6979::<sha2::Sha384>(digest),
        DigestAlgorithm::Sha512 => k.sign_prehashed_rfc6979::<sha2::Sha512>(digest),
        DigestAlgorithm::Md5 => return Err(Error::UnsupportedAlgorithm("MD5withDSA".into())),
    };
    r.map_err(|e| Error::Signing(e.to_string()))
}

/// A public key, parsed from a `SubjectPublicKeyInfo`.
#[derive(Clone, Debug)]
pub enum PublicKey {
    /// RSA.
    Rsa(Box<rsa::PublicKey>),
    /// DSA.
    Dsa(Box<dsa::VerifyingKey>),
    /// ECDSA P-256.
    P256(Box<p256::ecdsa::VerifyingKey>),
    /// ECDSA P-384.
    P384(Box<p384::ecdsa::VerifyingKey>),
    /// ECDSA P-521.
    P521(Box<p521::ecdsa::VerifyingKey>),
    /// Ed25519.
    Ed25519(Box<ed25519_dalek::VerifyingKey>),
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        matches!((self.to_spki_der(), other.to_spki_der()), (Ok(a), Ok(b)) if a == b)
    }
}

impl PublicKey {
    /// Decodes a DER `SubjectPublicKeyInfo`.
    ///
    /// # Errors
    /// Malformed DER or an unsupported algorithm.
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        use spki::DecodePublicKey as _;
        let info = spki::SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| Error::malformed("public key", e))?;
        let bad = |e: &dyn fmt::Display| Error::malformed("public key", e);
        Ok(match info.algorithm.oid {
            oid::RSA_ENCRYPTION => {
                let bits = info.subject_public_key.as_bytes().ok_or_else(|| bad(&"unused bits"))?;
                let pk = pkcs1::RsaPublicKeyRef::from_der(bits).map_err(|e| bad(&e))?;
                let n = pk.modulus.as_bytes();
                let e = pk.public_exponent.as_bytes();
                let to_uint = |b: &[u8]| {
                    let width = u32::try_from(b.len().max(1) * 8).map_err(|_| bad(&"too long"))?;
                    rsa::BoxedUint::from_be_slice(b, width).map_err(|_| bad(&"integer"))
                };
                let (n, e) = (to_uint(n)?, to_uint(e)?);
                let bits = n.bit_width() as usize;
                if !(RSA_MIN_VERIFY_BITS..=RSA_MAX_BITS).contains(&bits) {
                    return Err(Error::InvalidKeySize(format!("{bits}-bit RSA key")));
                }
                let key = rsa::PublicKey::new_with_size_limits(n, e, RSA_MIN_VERIFY_BITS..=RSA_MAX_BITS)
                    .map_err(|e| bad(&e))?;
                Self::Rsa(Box::new(key))
            }
            oid::DSA => Self::Dsa(Box::new(dsa::VerifyingKey::from_public_key_der(der).map_err(|e| bad(&e))?)),
            oid::EC_PUBLIC_KEY => match ec_curve_of(info.algorithm.parameters)? {
                EcCurve::P256 => Self::P256(Box::new(
                    p256::ecdsa::VerifyingKey::from_public_key_der(der).map_err(|e| bad(&e))?,
                )),
                EcCurve::P384 => Self::P384(Box::new(
                    p384::ecdsa::VerifyingKey::from_public_key_der(der).map_err(|e| bad(&e))?,
                )),
                EcCurve::P521 => Self::P521(Box::new(
                    p521::ecdsa::VerifyingKey::from_public_key_der(der).map_err(|e| bad(&e))?,
                )),
            },
            oid::ED25519 => Self::Ed25519(Box::new(
                ed25519_dalek::VerifyingKey::from_public_key_der(der).map_err(|e| bad(&e))?,
            )),
            other => return Err(Error::UnsupportedKey(other.to_string())),
        })
    }

    /// Encodes the key as a DER `SubjectPublicKeyInfo`.
    ///
    /// # Errors
    /// Only if the underlying encoder fails.
    pub fn to_spki_der(&self) -> Result<Vec<u8>> {
        use spki::EncodePublicKey as _;
        let doc = match self {
            Self::Rsa(k) => k.to_public_key_der(),
            Self::Dsa(k) => k.to_public_key_der(),
            Self::P256(k) => k.to_public_key_der(),
            Self::P384(k) => k.to_public_key_der(),
            Self::P521(k) => k.to_public_key_der(),
            Self::Ed25519(k) => k.to_public_key_der(),
        }
        .map_err(|e| Error::malformed("public key", e))?;
        Ok(doc.as_bytes().to_vec())
    }

    /// The key's algorithm.
    #[must_use]
    pub fn algorithm(&self) -> KeyAlgorithm {
        match self {
            Self::Rsa(_) => KeyAlgorithm::Rsa,
            Self::Dsa(_) => KeyAlgorithm::Dsa,
            Self::P256(_) => KeyAlgorithm::Ec(EcCurve::P256),
            Self::P384(_) => KeyAlgorithm::Ec(EcCurve::P384),
            Self::P521(_) => KeyAlgorithm::Ec(EcCurve::P521),
            Self::Ed25519(_) => KeyAlgorithm::Ed25519,
        }
    }

    /// The key size as the JDK reports it.
    #[must_use]
    pub fn bits(&self) -> usize {
        match self {
            Self::Rsa(k) => k.n().bit_width() as usize,
            Self::Dsa(k) => k.components().p().bit_width() as usize,
            Self::P256(_) => 256,
            Self::P384(_) => 384,
            Self::P521(_) => 521,
            Self::Ed25519(_) => 255,
        }
    }

    /// Verifies `signature` over `message`.
    ///
    /// # Errors
    /// [`Error::BadSignature`] when it does not verify; an algorithm that
    /// does not fit the key.
    pub fn verify(&self, alg: SignatureAlgorithm, message: &[u8], signature: &[u8]) -> Result<()> {
        match (self, alg) {
            (Self::Ed25519(k), SignatureAlgorithm::Ed25519) => {
                let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|_| Error::BadSignature)?;
                k.verify_strict(message, &sig).map_err(|_| Error::BadSignature)
            }
            (_, alg) => {
                let d = alg.digest().ok_or_else(|| self.mismatch(alg))?;
                self.verify_prehashed(alg, &d.digest(message), signature)
            }
        }
    }

    /// Verifies `signature` over a message whose digest is `digest`.
    ///
    /// # Errors
    /// [`Error::BadSignature`] when it does not verify; an algorithm that
    /// does not fit the key.
    pub fn verify_prehashed(&self, alg: SignatureAlgorithm, digest: &[u8], signature: &[u8]) -> Result<()> {
        use signature::hazmat::PrehashVerifier as _;
        let d = alg.digest().ok_or_else(|| self.mismatch(alg))?;
        let bad = |_| Error::BadSignature;
        match (self, alg) {
            (Self::Rsa(k), SignatureAlgorithm::Rsa(_)) => {
                k.verify(pkcs1v15_padding(d), digest, signature).map_err(|_| Error::BadSignature)
            }
            (Self::Dsa(k), SignatureAlgorithm::Dsa(_)) => {
                let sig = dsa::Signature::from_der(signature).map_err(|_| Error::BadSignature)?;
                k.verify_prehash(digest, &sig).map_err(bad)
            }
            (Self::P256(k), SignatureAlgorithm::Ecdsa(_)) => {
                let sig = p256::ecdsa::Signature::from_der(signature).map_err(bad)?;
                k.verify_prehash(digest, &sig).map_err(bad)
            }
            (Self::P384(k), SignatureAlgorithm::Ecdsa(_)) => {
                let sig = p384::ecdsa::Signature::from_der(signature).map_err(bad)?;
                k.verify_prehash(digest, &sig).map_err(bad)
            }
            (Self::P521(k), SignatureAlgorithm::Ecdsa(_)) => {
                let sig = p521::ecdsa::Signature::from_der(signature).map_err(bad)?;
                k.verify_prehash(digest, &sig).map_err(bad)
            }
            _ => Err(self.mismatch(alg)),
        }
    }

    fn mismatch(&self, alg: SignatureAlgorithm) -> Error {
        Error::UnsupportedAlgorithm(format!(
            "{} cannot be used with a {} key",
            alg.jdk_name(),
            self.algorithm().jdk_name()
        ))
    }
}
