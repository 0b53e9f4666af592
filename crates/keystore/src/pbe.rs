//! Password-based encryption for PKCS#12: the PKCS#12 PBE schemes (RFC 7292
//! Appendix B key derivation with 3DES or RC2), PBES2 (PBKDF2 with AES) and
//! PBES1 (PKCS#5 v1.5, MD5/SHA-1 with DES).
//!
//! ```text
//! pbeWithSHAAnd3-KeyTripleDES-CBC etc.   1.2.840.113549.1.12.1.{3,4,5,6}
//!     PBEParameter ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }
//! PBES2                                   1.2.840.113549.1.5.13
//!     PBES2-params ::= SEQUENCE {
//!         keyDerivationFunc AlgorithmIdentifier { PBKDF2, PBKDF2-params {
//!             salt OCTET STRING, iterationCount INTEGER, keyLength INTEGER OPTIONAL,
//!             prf AlgorithmIdentifier DEFAULT hmacWithSHA1 } },
//!         encryptionScheme  AlgorithmIdentifier { aes256-CBC, iv OCTET STRING } }
//! pbeWithMD5AndDES-CBC / pbeWithSHA1AndDES-CBC   1.2.840.113549.1.5.{3,10}
//! ```
//!
//! Password bytes follow the JDK: the PKCS#12 KDF takes UTF-16BE with a
//! two-byte NUL terminator, PBKDF2 takes UTF-8, PBES1 takes printable ASCII.

use aes::{Aes128, Aes192, Aes256};
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{
    BlockCipherDecrypt, BlockCipherEncrypt, BlockModeDecrypt as _, BlockModeEncrypt as _,
    InnerIvInit as _, KeyInit,
};
use const_oid::ObjectIdentifier;
use des::{Des, TdesEde2, TdesEde3};
use pkcs12::kdf::{Pkcs12KeyType, derive_key};
use rand_core::CryptoRng;
use rc2::Rc2;
use sha1::Sha1;
use sha2::{Sha224, Sha256, Sha384, Sha512};
use signkit_crypto::Password;
use zeroize::Zeroizing;

use crate::asn1::{self, Tlv, tag};
use crate::error::{Error, Result};

/// `PKCS12KeyStore.MAX_ITERATION_COUNT`.
pub(crate) const MAX_ITERATION_COUNT: u32 = 5_000_000;

macro_rules! oid {
    ($($name:ident = $s:literal;)*) => {
        $(pub(crate) const $name: ObjectIdentifier = ObjectIdentifier::new_unwrap($s);)*
    };
}

oid! {
    PBE_SHA1_RC4_128 = "1.2.840.113549.1.12.1.1";
    PBE_SHA1_RC4_40 = "1.2.840.113549.1.12.1.2";
    PBE_SHA1_3DES = "1.2.840.113549.1.12.1.3";
    PBE_SHA1_2DES = "1.2.840.113549.1.12.1.4";
    PBE_SHA1_RC2_128 = "1.2.840.113549.1.12.1.5";
    PBE_SHA1_RC2_40 = "1.2.840.113549.1.12.1.6";
    PBES2 = "1.2.840.113549.1.5.13";
    PBKDF2 = "1.2.840.113549.1.5.12";
    PBMAC1 = "1.2.840.113549.1.5.14";
    PBE_MD5_DES = "1.2.840.113549.1.5.3";
    PBE_MD5_RC2 = "1.2.840.113549.1.5.6";
    PBE_SHA1_DES = "1.2.840.113549.1.5.10";
    PBE_SHA1_RC2 = "1.2.840.113549.1.5.11";
    HMAC_SHA1 = "1.2.840.113549.2.7";
    HMAC_SHA224 = "1.2.840.113549.2.8";
    HMAC_SHA256 = "1.2.840.113549.2.9";
    HMAC_SHA384 = "1.2.840.113549.2.10";
    HMAC_SHA512 = "1.2.840.113549.2.11";
    AES128_CBC = "2.16.840.1.101.3.4.1.2";
    AES192_CBC = "2.16.840.1.101.3.4.1.22";
    AES256_CBC = "2.16.840.1.101.3.4.1.42";
    DES_EDE3_CBC = "1.2.840.113549.3.7";
    DES_CBC = "1.3.14.3.2.7";
}

/// The HMAC of PBKDF2 (and of PBMAC1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HmacPrf {
    /// `HmacSHA1` (the PBKDF2 default).
    Sha1,
    /// `HmacSHA224`.
    Sha224,
    /// `HmacSHA256`.
    Sha256,
    /// `HmacSHA384`.
    Sha384,
    /// `HmacSHA512`.
    Sha512,
}

impl HmacPrf {
    const ALL: [Self; 5] = [Self::Sha1, Self::Sha224, Self::Sha256, Self::Sha384, Self::Sha512];

    pub(crate) fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha1 => HMAC_SHA1,
            Self::Sha224 => HMAC_SHA224,
            Self::Sha256 => HMAC_SHA256,
            Self::Sha384 => HMAC_SHA384,
            Self::Sha512 => HMAC_SHA512,
        }
    }

    pub(crate) fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.oid() == *oid)
    }

    /// `HmacSHA256`, as in the JDK's algorithm names.
    #[must_use]
    pub const fn jdk_name(self) -> &'static str {
        match self {
            Self::Sha1 => "HmacSHA1",
            Self::Sha224 => "HmacSHA224",
            Self::Sha256 => "HmacSHA256",
            Self::Sha384 => "HmacSHA384",
            Self::Sha512 => "HmacSHA512",
        }
    }

    pub(crate) fn pbkdf2(self, password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
        match self {
            Self::Sha1 => pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, iterations, out),
            Self::Sha224 => pbkdf2::pbkdf2_hmac::<Sha224>(password, salt, iterations, out),
            Self::Sha256 => pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, out),
            Self::Sha384 => pbkdf2::pbkdf2_hmac::<Sha384>(password, salt, iterations, out),
            Self::Sha512 => pbkdf2::pbkdf2_hmac::<Sha512>(password, salt, iterations, out),
        }
    }

    /// HMAC of `data` under `key`.
    pub(crate) fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        use hmac::{Hmac, Mac as _};
        fn run<D: hmac::EagerHash>(key: &[u8], data: &[u8]) -> Vec<u8>
        where
            Hmac<D>: KeyInit + hmac::Mac,
        {
            // HMAC takes keys of any length, so this cannot fail.
            let Ok(mut m) = <Hmac<D> as KeyInit>::new_from_slice(key) else { return Vec::new() };
            m.update(data);
            m.finalize().into_bytes().to_vec()
        }
        match self {
            Self::Sha1 => run::<Sha1>(key, data),
            Self::Sha224 => run::<Sha224>(key, data),
            Self::Sha256 => run::<Sha256>(key, data),
            Self::Sha384 => run::<Sha384>(key, data),
            Self::Sha512 => run::<Sha512>(key, data),
        }
    }
}

/// The AES key size of a PBES2 scheme the JDK writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AesKeySize {
    /// AES-128-CBC.
    Aes128,
    /// AES-256-CBC.
    Aes256,
}

/// A PBE algorithm the JDK's PKCS12KeyStore writes (the values of the
/// `keystore.pkcs12.keyProtectionAlgorithm` and `certProtectionAlgorithm`
/// security properties).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Pkcs12Pbe {
    /// `PBEWith<Hmac>And<AES_n>`: PBES2 with PBKDF2 and AES-CBC (JDK 17's default
    /// is `PBEWithHmacSHA256AndAES_256`).
    Pbes2(HmacPrf, AesKeySize),
    /// `PBEWithSHA1AndDESede`: the PKCS#12 KDF and three-key 3DES (legacy keys).
    Sha1AndDesede,
    /// `PBEWithSHA1AndRC2_40`: the PKCS#12 KDF and 40-bit RC2 (legacy certificates).
    Sha1AndRc2_40,
    /// `PBEWithSHA1AndRC2_128`.
    Sha1AndRc2_128,
}

impl Pkcs12Pbe {
    /// The JDK's name, as in `java.security`.
    #[must_use]
    pub fn jdk_name(self) -> String {
        match self {
            Self::Pbes2(prf, aes) => format!(
                "PBEWith{}And{}",
                prf.jdk_name(),
                match aes {
                    AesKeySize::Aes128 => "AES_128",
                    AesKeySize::Aes256 => "AES_256",
                }
            ),
            Self::Sha1AndDesede => "PBEWithSHA1AndDESede".into(),
            Self::Sha1AndRc2_40 => "PBEWithSHA1AndRC2_40".into(),
            Self::Sha1AndRc2_128 => "PBEWithSHA1AndRC2_128".into(),
        }
    }

    /// Parses a JDK name, ignoring case.
    #[must_use]
    pub fn from_jdk_name(name: &str) -> Option<Self> {
        let mut all = vec![Self::Sha1AndDesede, Self::Sha1AndRc2_40, Self::Sha1AndRc2_128];
        for prf in HmacPrf::ALL {
            all.push(Self::Pbes2(prf, AesKeySize::Aes128));
            all.push(Self::Pbes2(prf, AesKeySize::Aes256));
        }
        all.into_iter().find(|p| p.jdk_name().eq_ignore_ascii_case(name))
    }
}

/// The cipher of a PKCS#12 PBE scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum P12Cipher {
    Tdes3,
    Tdes2,
    Rc2 { key_len: usize },
}

/// The cipher of a PBES2 scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pbes2Cipher {
    Aes128,
    Aes192,
    Aes256,
    DesEde3,
    Des,
}

impl Pbes2Cipher {
    fn key_len(self) -> usize {
        match self {
            Self::Aes128 => 16,
            Self::Aes192 | Self::DesEde3 => 24,
            Self::Aes256 => 32,
            Self::Des => 8,
        }
    }
}

/// A parsed protection scheme with its parameters.
#[derive(Clone, Debug)]
pub(crate) enum Scheme {
    Pkcs12 { cipher: P12Cipher, salt: Vec<u8>, iterations: u32 },
    Pbes2 { prf: HmacPrf, salt: Vec<u8>, iterations: u32, cipher: Pbes2Cipher, iv: Vec<u8> },
    Pbes1 { sha1: bool, salt: Vec<u8>, iterations: u32 },
}

impl Scheme {
    /// Parses the `AlgorithmIdentifier` of an encrypted key or safe.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for a scheme signkit does not
    /// implement, [`Error::Corrupt`] for malformed parameters.
    pub(crate) fn parse(oid: &ObjectIdentifier, params: Option<&Tlv<'_>>) -> Result<Self> {
        let need = || Error::corrupt(format!("missing parameters for {oid}"));
        let pbe_param = |p: Option<&Tlv<'_>>| -> Result<(Vec<u8>, u32)> {
            let p = p.ok_or_else(need)?;
            p.expect(tag::SEQUENCE, "PBE parameters")?;
            let mut r = p.children();
            let salt = r.read_tag(tag::OCTET_STRING, "PBE salt")?.octets()?.to_vec();
            let iterations = r.read()?.small_uint()?;
            r.finish("PBE parameters")?;
            Ok((salt, check_iterations(iterations)?))
        };
        let p12 = |cipher| -> Result<Self> {
            let (salt, iterations) = pbe_param(params)?;
            Ok(Self::Pkcs12 { cipher, salt, iterations })
        };
        match *oid {
            PBE_SHA1_3DES => p12(P12Cipher::Tdes3),
            PBE_SHA1_2DES => p12(P12Cipher::Tdes2),
            PBE_SHA1_RC2_128 => p12(P12Cipher::Rc2 { key_len: 16 }),
            PBE_SHA1_RC2_40 => p12(P12Cipher::Rc2 { key_len: 5 }),
            PBE_SHA1_RC4_128 => Err(Error::UnsupportedAlgorithm("PBEWithSHA1AndRC4_128".into())),
            PBE_SHA1_RC4_40 => Err(Error::UnsupportedAlgorithm("PBEWithSHA1AndRC4_40".into())),
            PBE_MD5_DES | PBE_SHA1_DES => {
                let (salt, iterations) = pbe_param(params)?;
                if salt.len() != 8 {
                    return Err(Error::corrupt("Salt must be 8 bytes long"));
                }
                Ok(Self::Pbes1 { sha1: *oid == PBE_SHA1_DES, salt, iterations })
            }
            PBE_MD5_RC2 => Err(Error::UnsupportedAlgorithm("PBEWithMD5AndRC2".into())),
            PBE_SHA1_RC2 => Err(Error::UnsupportedAlgorithm("PBEWithSHA1AndRC2".into())),
            PBES2 => parse_pbes2(params.ok_or_else(need)?),
            other => Err(Error::UnsupportedAlgorithm(format!("PBE algorithm {other}"))),
        }
    }

    /// The JDK's name for the scheme, when it is one the JDK writes.
    pub(crate) fn as_pkcs12_pbe(&self) -> Option<(Pkcs12Pbe, u32)> {
        match self {
            Self::Pkcs12 { cipher: P12Cipher::Tdes3, iterations, .. } => {
                Some((Pkcs12Pbe::Sha1AndDesede, *iterations))
            }
            Self::Pkcs12 { cipher: P12Cipher::Rc2 { key_len: 5 }, iterations, .. } => {
                Some((Pkcs12Pbe::Sha1AndRc2_40, *iterations))
            }
            Self::Pkcs12 { cipher: P12Cipher::Rc2 { key_len: 16 }, iterations, .. } => {
                Some((Pkcs12Pbe::Sha1AndRc2_128, *iterations))
            }
            Self::Pbes2 { prf, iterations, cipher: Pbes2Cipher::Aes128, .. } => {
                Some((Pkcs12Pbe::Pbes2(*prf, AesKeySize::Aes128), *iterations))
            }
            Self::Pbes2 { prf, iterations, cipher: Pbes2Cipher::Aes256, .. } => {
                Some((Pkcs12Pbe::Pbes2(*prf, AesKeySize::Aes256), *iterations))
            }
            _ => None,
        }
    }

    /// Decrypts `data`. A wrong password shows as [`Error::UnrecoverableKey`]
    /// with the JDK's padding message (or, rarely, as garbage the caller
    /// rejects).
    pub(crate) fn decrypt(&self, password: &Password, data: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        match self {
            Self::Pkcs12 { cipher, salt, iterations } => {
                let pw = pkcs12_password(password);
                let (key_len, iv_len) = match cipher {
                    P12Cipher::Tdes3 => (24, 8),
                    P12Cipher::Tdes2 => (16, 8),
                    P12Cipher::Rc2 { key_len } => (*key_len, 8),
                };
                let key = kdf_sha1(&pw, salt, Pkcs12KeyType::EncryptionKey, *iterations, key_len);
                let iv = kdf_sha1(&pw, salt, Pkcs12KeyType::Iv, *iterations, iv_len);
                match cipher {
                    P12Cipher::Tdes3 => {
                        cbc_decrypt::<TdesEde3>(TdesEde3::new_from_slice(&key), &iv, data)
                    }
                    P12Cipher::Tdes2 => {
                        cbc_decrypt::<TdesEde2>(TdesEde2::new_from_slice(&key), &iv, data)
                    }
                    P12Cipher::Rc2 { key_len } => cbc_decrypt::<Rc2>(
                        Ok(Rc2::new_with_eff_key_len(&key, key_len * 8)),
                        &iv,
                        data,
                    ),
                }
            }
            Self::Pbes2 { prf, salt, iterations, cipher, iv } => {
                let pw = Zeroizing::new(password.expose_secret().as_bytes().to_vec());
                let mut key = Zeroizing::new(vec![0u8; cipher.key_len()]);
                prf.pbkdf2(&pw, salt, *iterations, &mut key);
                match cipher {
                    Pbes2Cipher::Aes128 => {
                        cbc_decrypt::<Aes128>(Aes128::new_from_slice(&key), iv, data)
                    }
                    Pbes2Cipher::Aes192 => {
                        cbc_decrypt::<Aes192>(Aes192::new_from_slice(&key), iv, data)
                    }
                    Pbes2Cipher::Aes256 => {
                        cbc_decrypt::<Aes256>(Aes256::new_from_slice(&key), iv, data)
                    }
                    Pbes2Cipher::DesEde3 => {
                        cbc_decrypt::<TdesEde3>(TdesEde3::new_from_slice(&key), iv, data)
                    }
                    Pbes2Cipher::Des => cbc_decrypt::<Des>(Des::new_from_slice(&key), iv, data),
                }
            }
            Self::Pbes1 { sha1, salt, iterations } => {
                let pw = pbes1_password(password)?;
                let dk = pbkdf1(*sha1, &pw, salt, *iterations);
                cbc_decrypt::<Des>(Des::new_from_slice(&dk[..8]), &dk[8..16], data)
            }
        }
    }
}

fn check_iterations(iterations: u32) -> Result<u32> {
    if iterations == 0 {
        return Err(Error::corrupt("IterationCount must be a positive number"));
    }
    if iterations > MAX_ITERATION_COUNT {
        return Err(Error::corrupt("PBE iteration count too large"));
    }
    Ok(iterations)
}

/// Parses `PBKDF2-params` into (prf, salt, iterations, keyLength).
pub(crate) fn parse_pbkdf2(kdf: &Tlv<'_>) -> Result<(HmacPrf, Vec<u8>, u32, Option<u32>)> {
    let (kdf_oid, kdf_params) = asn1::algorithm_identifier(kdf)?;
    if kdf_oid != PBKDF2 {
        return Err(Error::UnsupportedAlgorithm(format!("key derivation function {kdf_oid}")));
    }
    let kdf_params = kdf_params.ok_or_else(|| Error::corrupt("missing PBKDF2 parameters"))?;
    kdf_params.expect(tag::SEQUENCE, "PBKDF2 parameters")?;
    let mut r = kdf_params.children();
    let salt_t = r.read()?;
    if salt_t.tag != tag::OCTET_STRING {
        return Err(Error::UnsupportedAlgorithm("PBKDF2 with a non-specified salt".into()));
    }
    let salt = salt_t.octets()?.to_vec();
    let iterations = check_iterations(r.read()?.small_uint()?)?;
    let mut key_len = None;
    if r.peek_tag() == Some(tag::INTEGER) {
        key_len = Some(r.read()?.small_uint()?);
    }
    let prf = if r.is_empty() {
        HmacPrf::Sha1
    } else {
        let (prf_oid, _) = asn1::algorithm_identifier(&r.read()?)?;
        HmacPrf::from_oid(&prf_oid)
            .ok_or_else(|| Error::UnsupportedAlgorithm(format!("PBKDF2 PRF {prf_oid}")))?
    };
    r.finish("PBKDF2 parameters")?;
    Ok((prf, salt, iterations, key_len))
}

fn parse_pbes2(params: &Tlv<'_>) -> Result<Scheme> {
    params.expect(tag::SEQUENCE, "PBES2 parameters")?;
    let mut r = params.children();
    let (prf, salt, iterations, key_len) = parse_pbkdf2(&r.read()?)?;
    let (enc_oid, enc_params) = asn1::algorithm_identifier(&r.read()?)?;
    r.finish("PBES2 parameters")?;
    let cipher = match enc_oid {
        AES128_CBC => Pbes2Cipher::Aes128,
        AES192_CBC => Pbes2Cipher::Aes192,
        AES256_CBC => Pbes2Cipher::Aes256,
        DES_EDE3_CBC => Pbes2Cipher::DesEde3,
        DES_CBC => Pbes2Cipher::Des,
        other => return Err(Error::UnsupportedAlgorithm(format!("PBES2 cipher {other}"))),
    };
    if let Some(k) = key_len
        && k as usize != cipher.key_len()
    {
        return Err(Error::corrupt("PBES2 key length does not match the cipher"));
    }
    let iv = enc_params.ok_or_else(|| Error::corrupt("missing PBES2 IV"))?;
    iv.expect(tag::OCTET_STRING, "PBES2 IV")?;
    let iv = iv.octets()?.to_vec();
    let block = if matches!(cipher, Pbes2Cipher::DesEde3 | Pbes2Cipher::Des) { 8 } else { 16 };
    if iv.len() != block {
        return Err(Error::corrupt("Wrong IV length"));
    }
    Ok(Scheme::Pbes2 { prf, salt, iterations, cipher, iv })
}

/// The PKCS#12 KDF password: UTF-16BE and a NUL terminator, except that the
/// one-character password `"\0"` (the JDK's empty-password retry) is empty.
pub(crate) fn pkcs12_password(password: &Password) -> Zeroizing<Vec<u8>> {
    // JDK compat: PKCS12PBECipherCore.derive treats "\0" as "no terminator".
    if password.expose_secret() == "\0" {
        Zeroizing::new(Vec::new())
    } else {
        password.to_bmp_with_nul()
    }
}

fn pbes1_password(password: &Password) -> Result<Zeroizing<Vec<u8>>> {
    let text = password.expose_secret();
    if text != "\0" && text.chars().any(|c| !(' '..='~').contains(&c)) {
        return Err(Error::UnrecoverableKey("Password is not ASCII".into()));
    }
    Ok(password.to_ascii_low_bytes())
}

fn kdf_sha1(
    pw: &[u8],
    salt: &[u8],
    id: Pkcs12KeyType,
    iterations: u32,
    len: usize,
) -> Zeroizing<Vec<u8>> {
    kdf::<Sha1>(pw, salt, id, iterations, len)
}

/// The PKCS#12 key derivation (RFC 7292 Appendix B) with digest `D`.
pub(crate) fn kdf<D>(
    pw: &[u8],
    salt: &[u8],
    id: Pkcs12KeyType,
    iterations: u32,
    len: usize,
) -> Zeroizing<Vec<u8>>
where
    D: digest::Digest + digest::FixedOutputReset + digest::block_api::BlockSizeUser,
{
    // Iterations are at most MAX_ITERATION_COUNT, so they fit an i32.
    let rounds = i32::try_from(iterations).unwrap_or(i32::MAX);
    Zeroizing::new(derive_key::<D>(pw, salt, id, rounds, len))
}

/// PBKDF1 (PKCS#5 v1.5): iterated MD5 or SHA-1 of password || salt.
fn pbkdf1(sha1: bool, password: &[u8], salt: &[u8], iterations: u32) -> Zeroizing<Vec<u8>> {
    fn run<D: digest::Digest>(password: &[u8], salt: &[u8], iterations: u32) -> Zeroizing<Vec<u8>> {
        let mut d = D::new().chain_update(password).chain_update(salt).finalize().to_vec();
        for _ in 1..iterations {
            d = D::digest(&d).to_vec();
        }
        Zeroizing::new(d)
    }
    if sha1 {
        run::<Sha1>(password, salt, iterations)
    } else {
        run::<md5::Md5>(password, salt, iterations)
    }
}

const BAD_PADDING: &str = "Given final block not properly padded. Such issues can arise if a bad key is used during decryption.";

fn cbc_decrypt<C>(
    cipher: std::result::Result<C, cipher::InvalidLength>,
    iv: &[u8],
    data: &[u8],
) -> Result<Zeroizing<Vec<u8>>>
where
    C: BlockCipherDecrypt + cipher::BlockSizeUser,
{
    let cipher = cipher.map_err(|_| Error::UnrecoverableKey("Invalid key length".into()))?;
    let block = <C as cipher::BlockSizeUser>::block_size();
    if !data.len().is_multiple_of(block) {
        return Err(Error::UnrecoverableKey(format!(
            "Input length must be multiple of {block} when decrypting with padded cipher"
        )));
    }
    let dec = cbc::Decryptor::<C>::inner_iv_slice_init(cipher, iv)
        .map_err(|_| Error::UnrecoverableKey("Wrong IV length".into()))?;
    dec.decrypt_padded_vec::<Pkcs7>(data)
        .map(Zeroizing::new)
        .map_err(|_| Error::UnrecoverableKey(BAD_PADDING.into()))
}

fn cbc_encrypt<C>(
    cipher: std::result::Result<C, cipher::InvalidLength>,
    iv: &[u8],
    data: &[u8],
) -> Result<Vec<u8>>
where
    C: BlockCipherEncrypt + cipher::BlockSizeUser,
{
    let bad = || Error::CannotStore("internal error: bad key or IV length".into());
    let cipher = cipher.map_err(|_| bad())?;
    let enc = cbc::Encryptor::<C>::inner_iv_slice_init(cipher, iv).map_err(|_| bad())?;
    Ok(enc.encrypt_padded_vec::<Pkcs7>(data))
}

/// Encrypts `plain` with `pbe` as `PKCS12KeyStore` does: a random 20-byte
/// salt (then, for PBES2, a random 16-byte IV). Returns the encoded
/// `AlgorithmIdentifier` (with the parameters the JDK writes) and the ciphertext.
pub(crate) fn encrypt<R: CryptoRng + ?Sized>(
    pbe: Pkcs12Pbe,
    iterations: u32,
    password: &Password,
    rng: &mut R,
    plain: &[u8],
) -> Result<(Vec<u8>, Vec<u8>)> {
    let iterations = check_iterations(iterations).map_err(|e| Error::CannotStore(e.to_string()))?;
    let mut salt = [0u8; 20];
    rng.fill_bytes(&mut salt);
    match pbe {
        Pkcs12Pbe::Pbes2(prf, aes) => {
            let mut iv = [0u8; 16];
            rng.fill_bytes(&mut iv);
            let key_len = match aes {
                AesKeySize::Aes128 => 16,
                AesKeySize::Aes256 => 32,
            };
            let mut key = Zeroizing::new(vec![0u8; key_len]);
            prf.pbkdf2(password.expose_secret().as_bytes(), &salt, iterations, &mut key);
            let (cipher_oid, ct) = match aes {
                AesKeySize::Aes128 => {
                    (AES128_CBC, cbc_encrypt::<Aes128>(Aes128::new_from_slice(&key), &iv, plain)?)
                }
                AesKeySize::Aes256 => {
                    (AES256_CBC, cbc_encrypt::<Aes256>(Aes256::new_from_slice(&key), &iv, plain)?)
                }
            };
            // JDK compat: PBES2Parameters.engineGetEncoded always writes the
            // key length and the PRF with NULL parameters.
            let pbkdf2_params = asn1::seq(&[
                &asn1::octets(&salt),
                &asn1::uint(u64::from(iterations)),
                &asn1::uint(key_len as u64),
                &asn1::algorithm(&prf.oid(), Some(&asn1::null())),
            ]);
            let params = asn1::seq(&[
                &asn1::algorithm(&PBKDF2, Some(&pbkdf2_params)),
                &asn1::algorithm(&cipher_oid, Some(&asn1::octets(&iv))),
            ]);
            Ok((asn1::algorithm(&PBES2, Some(&params)), ct))
        }
        Pkcs12Pbe::Sha1AndDesede | Pkcs12Pbe::Sha1AndRc2_40 | Pkcs12Pbe::Sha1AndRc2_128 => {
            let pw = pkcs12_password(password);
            let (oid, key_len) = match pbe {
                Pkcs12Pbe::Sha1AndDesede => (PBE_SHA1_3DES, 24),
                Pkcs12Pbe::Sha1AndRc2_40 => (PBE_SHA1_RC2_40, 5),
                _ => (PBE_SHA1_RC2_128, 16),
            };
            let key = kdf_sha1(&pw, &salt, Pkcs12KeyType::EncryptionKey, iterations, key_len);
            let iv = kdf_sha1(&pw, &salt, Pkcs12KeyType::Iv, iterations, 8);
            let ct = if key_len == 24 {
                cbc_encrypt::<TdesEde3>(TdesEde3::new_from_slice(&key), &iv, plain)?
            } else {
                cbc_encrypt::<Rc2>(Ok(Rc2::new_with_eff_key_len(&key, key_len * 8)), &iv, plain)?
            };
            let params = asn1::seq(&[&asn1::octets(&salt), &asn1::uint(u64::from(iterations))]);
            Ok((asn1::algorithm(&oid, Some(&params)), ct))
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng as _;

    use super::*;

    fn round_trip(pbe: Pkcs12Pbe) {
        let mut rng = rand::rngs::StdRng::seed_from_u64(9);
        let pw = Password::new("changeit".into());
        let plain = b"the quick brown fox jumps over the lazy dog";
        let (alg, ct) = encrypt(pbe, 1000, &pw, &mut rng, plain).unwrap();
        let t = asn1::parse_exact(&alg, "alg").unwrap();
        let (oid, params) = asn1::algorithm_identifier(&t).unwrap();
        let scheme = Scheme::parse(&oid, params.as_ref()).unwrap();
        assert_eq!(scheme.as_pkcs12_pbe(), Some((pbe, 1000)));
        assert_eq!(&*scheme.decrypt(&pw, &ct).unwrap(), plain);
        assert!(
            scheme
                .decrypt(&Password::new("wrong".into()), &ct)
                .map(|p| *p != plain[..])
                .unwrap_or(true)
        );
    }

    #[test]
    fn all_writable_schemes_round_trip() {
        for pbe in [
            Pkcs12Pbe::Pbes2(HmacPrf::Sha256, AesKeySize::Aes256),
            Pkcs12Pbe::Pbes2(HmacPrf::Sha1, AesKeySize::Aes128),
            Pkcs12Pbe::Pbes2(HmacPrf::Sha512, AesKeySize::Aes256),
            Pkcs12Pbe::Sha1AndDesede,
            Pkcs12Pbe::Sha1AndRc2_40,
            Pkcs12Pbe::Sha1AndRc2_128,
        ] {
            round_trip(pbe);
            assert_eq!(Pkcs12Pbe::from_jdk_name(&pbe.jdk_name()), Some(pbe));
        }
        assert_eq!(
            Pkcs12Pbe::Pbes2(HmacPrf::Sha256, AesKeySize::Aes256).jdk_name(),
            "PBEWithHmacSHA256AndAES_256"
        );
    }

    #[test]
    fn pkcs12_kdf_vector() {
        // RFC 7292 KDF test vector (openssl PKCS12_key_gen): SHA-1, "smeg",
        // salt 0a58cf64530d823f, id 1, 1 iteration, 24 bytes.
        let pw = Password::new("smeg".into());
        let key = kdf_sha1(
            &pkcs12_password(&pw),
            &[0x0a, 0x58, 0xcf, 0x64, 0x53, 0x0d, 0x82, 0x3f],
            Pkcs12KeyType::EncryptionKey,
            1,
            24,
        );
        let want = [
            0x8a, 0xaa, 0xe6, 0x29, 0x7b, 0x6c, 0xb0, 0x46, 0x42, 0xab, 0x5b, 0x07, 0x78, 0x51,
            0x28, 0x4e, 0xb7, 0x12, 0x8f, 0x1a, 0x2a, 0x7f, 0xbc, 0xa3,
        ];
        assert_eq!(&*key, &want);
    }
}
