//! Password-based encryption of private keys, as openssl writes it.
//!
//! - PKCS#8 `EncryptedPrivateKeyInfo` with PBES2 (PBKDF2 with any HMAC-SHA
//!   PRF, or scrypt; AES-CBC, AES-GCM or DES-EDE3-CBC), which is
//!   `openssl pkcs8 -topk8 [-v2 ...] [-scrypt]`;
//! - the PKCS#12 PBE schemes of `openssl pkcs8 -v1 PBE-SHA1-3DES` and friends
//!   ([RFC 7292 Appendix B] key derivation);
//! - PKCS#5 v1.5 PBES1 (`-v1 PBE-MD5-DES`, `PBE-SHA1-DES`, and the RC2-64
//!   variants), which openssl 3 writes with its legacy provider;
//! - the legacy PEM encryption of `Proc-Type: 4,ENCRYPTED` keys
//!   (`DEK-Info:` with `EVP_BytesToKey` over MD5).
//!
//! [RFC 7292 Appendix B]: https://www.rfc-editor.org/rfc/rfc7292#appendix-B
//!
//! <div class="warning">
//! DES, RC2 and the MD5 and SHA-1 based derivations are obsolete; they are
//! read only so old keys can be converted.
//! </div>

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{
    BlockCipherDecrypt, BlockModeDecrypt as _, BlockSizeUser, InnerIvInit as _, KeyInit,
};
use const_oid::ObjectIdentifier as Oid;
use der::asn1::{AnyRef, OctetStringRef};
use der::{Decode as _, Encode as _};
use digest::Digest as _;
use pkcs8::AlgorithmIdentifierRef;
use pkcs8::pkcs5::pbes2;
use rand_core::CryptoRng;
use signkit_crypto::Password;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The largest PBKDF iteration count accepted: a damaged or hostile file must
/// not make a conversion run for hours. openssl writes 2048; the JDK caps at 5,000,000.
pub(crate) const MAX_ITERATIONS: u32 = 10_000_000;
/// The largest scrypt cost accepted: openssl writes `N` = 2^14, r = 8,
/// p = 1 (16 MiB); these limits allow 16 times that.
const MAX_SCRYPT_LOG_N: u32 = 20;
const MAX_SCRYPT_MEMORY: u128 = 1 << 28;
const MAX_SCRYPT_WORK: u128 = 1 << 21;

const PBES2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.13");
const PBE_MD2_DES: Oid = Oid::new_unwrap("1.2.840.113549.1.5.1");
const PBE_MD2_RC2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.4");
const PBE_MD5_DES: Oid = Oid::new_unwrap("1.2.840.113549.1.5.3");
const PBE_MD5_RC2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.6");
const PBE_SHA1_DES: Oid = Oid::new_unwrap("1.2.840.113549.1.5.10");
const PBE_SHA1_RC2: Oid = Oid::new_unwrap("1.2.840.113549.1.5.11");
const P12_SHA1_RC4_128: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.1");
const P12_SHA1_RC4_40: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.2");
const P12_SHA1_3DES: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.3");
const P12_SHA1_2DES: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.4");
const P12_SHA1_RC2_128: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.5");
const P12_SHA1_RC2_40: Oid = Oid::new_unwrap("1.2.840.113549.1.12.1.6");

/// A parsed `EncryptedPrivateKeyInfo`.
///
/// ```text
/// EncryptedPrivateKeyInfo ::= SEQUENCE {
///   encryptionAlgorithm  AlgorithmIdentifier,
///   encryptedData        OCTET STRING }
/// ```
pub(crate) struct EncryptedKeyInfo<'a> {
    scheme: Scheme,
    data: &'a [u8],
}

/// The encryption schemes signkit decrypts.
enum Scheme {
    Pbes2(Box<pbes2::Parameters>),
    /// PKCS#12 PBE: SHA-1 key derivation, then the cipher.
    Pkcs12 {
        cipher: Cipher,
        salt: Vec<u8>,
        iterations: u32,
    },
    /// PBES1: PBKDF1 with MD5 (or SHA-1), then DES or RC2-64 in CBC mode.
    Pbes1 {
        sha1: bool,
        rc2: bool,
        salt: Vec<u8>,
        iterations: u32,
    },
}

#[derive(Clone, Copy)]
enum Cipher {
    Tdes3,
    Tdes2,
    Rc2 { key_len: usize },
}

impl<'a> EncryptedKeyInfo<'a> {
    /// Parses the structure; `Ok(None)` when `der` is not an
    /// `EncryptedPrivateKeyInfo` at all (so other key forms can be tried).
    pub(crate) fn parse(der: &'a [u8]) -> Result<Option<Self>> {
        let Ok((alg, data)) = parse_outer(der) else {
            return Ok(None);
        };
        Ok(Some(Self { scheme: Scheme::parse(&alg)?, data }))
    }

    /// The scheme in words, for messages: "PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC)".
    pub(crate) fn describe(&self) -> String {
        self.scheme.describe()
    }

    /// Decrypts the key: the plaintext `PrivateKeyInfo` DER.
    ///
    /// # Errors
    /// [`Error::WrongKeyPassword`] when the padding is wrong (the caller also
    /// treats plaintext that does not parse as a wrong password).
    pub(crate) fn decrypt(&self, password: &Password) -> Result<Zeroizing<Vec<u8>>> {
        self.scheme.decrypt(password, self.data)
    }
}

/// Splits an `EncryptedPrivateKeyInfo` into its algorithm and data.
fn parse_outer(der: &[u8]) -> der::Result<(AlgorithmIdentifierRef<'_>, &[u8])> {
    use der::Reader as _;
    let mut reader = der::SliceReader::new(der)?;
    let out = reader.sequence(|r| {
        let alg = AlgorithmIdentifierRef::decode(r)?;
        let data = <&OctetStringRef>::decode(r)?;
        Ok::<_, der::Error>((alg, data.as_bytes()))
    })?;
    reader.finish()?;
    Ok(out)
}

/// `PBEParameter ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER }`
/// (PBES1; the PKCS#12 `pkcs-12PbeParams` has the same shape).
fn parse_pbe_params(params: Option<AnyRef<'_>>) -> Result<(Vec<u8>, u32)> {
    let bad = |e: &dyn core::fmt::Display| {
        Error::malformed("encrypted private key", format!("PBE parameters: {e}"))
    };
    let params = params.ok_or_else(|| bad(&"missing"))?;
    let (salt, iterations) = params
        .sequence(|r| {
            let salt = <&OctetStringRef>::decode(r)?;
            let iterations = u32::decode(r)?;
            Ok::<_, der::Error>((salt.as_bytes().to_vec(), iterations))
        })
        .map_err(|e| bad(&e))?;
    check_iterations(iterations)?;
    Ok((salt, iterations))
}

fn check_iterations(iterations: u32) -> Result<()> {
    if iterations == 0 {
        return Err(Error::malformed("encrypted private key", "iteration count 0"));
    }
    if iterations > MAX_ITERATIONS {
        return Err(Error::Unsupported(format!(
            "key encryption with {iterations} iterations (more than {MAX_ITERATIONS})"
        )));
    }
    Ok(())
}

impl Scheme {
    fn parse(alg: &AlgorithmIdentifierRef<'_>) -> Result<Self> {
        let pkcs12 = |cipher| -> Result<Self> {
            let (salt, iterations) = parse_pbe_params(alg.parameters)?;
            Ok(Self::Pkcs12 { cipher, salt, iterations })
        };
        let pbes1 = |sha1, rc2| -> Result<Self> {
            let (salt, iterations) = parse_pbe_params(alg.parameters)?;
            if salt.len() != 8 {
                return Err(Error::malformed("encrypted private key", "PBES1 salt is not 8 bytes"));
            }
            Ok(Self::Pbes1 { sha1, rc2, salt, iterations })
        };
        match alg.oid {
            PBES2 => {
                let any = alg.parameters.ok_or_else(|| {
                    Error::malformed("encrypted private key", "PBES2 without parameters")
                })?;
                let params = pbes2::Parameters::try_from(any).map_err(|e| match e.kind() {
                    der::ErrorKind::OidUnknown { oid } => {
                        Error::Unsupported(format!("key encryption algorithm {oid} in PBES2"))
                    }
                    _ => {
                        Error::malformed("encrypted private key", format!("PBES2 parameters: {e}"))
                    }
                })?;
                check_pbes2_cost(&params)?;
                Ok(Self::Pbes2(Box::new(params)))
            }
            P12_SHA1_3DES => pkcs12(Cipher::Tdes3),
            P12_SHA1_2DES => pkcs12(Cipher::Tdes2),
            P12_SHA1_RC2_128 => pkcs12(Cipher::Rc2 { key_len: 16 }),
            P12_SHA1_RC2_40 => pkcs12(Cipher::Rc2 { key_len: 5 }),
            P12_SHA1_RC4_128 | P12_SHA1_RC4_40 => {
                Err(Error::Unsupported("key encryption pbeWithSHAAndRC4 (RC4)".into()))
            }
            PBE_MD5_DES => pbes1(false, false),
            PBE_MD5_RC2 => pbes1(false, true),
            PBE_SHA1_DES => pbes1(true, false),
            PBE_SHA1_RC2 => pbes1(true, true),
            PBE_MD2_DES | PBE_MD2_RC2 => Err(Error::Unsupported("key encryption with MD2".into())),
            other => Err(Error::Unsupported(format!("key encryption algorithm {other}"))),
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Pbes2(p) => {
                let kdf = match &p.kdf {
                    pbes2::Kdf::Pbkdf2(k) => format!("PBKDF2-{}", prf_name(k.prf)),
                    pbes2::Kdf::Scrypt(_) => "scrypt".to_owned(),
                    _ => "unknown KDF".to_owned(),
                };
                let cipher = match p.encryption {
                    pbes2::EncryptionScheme::Aes128Cbc { .. } => "AES-128-CBC",
                    pbes2::EncryptionScheme::Aes192Cbc { .. } => "AES-192-CBC",
                    pbes2::EncryptionScheme::Aes256Cbc { .. } => "AES-256-CBC",
                    pbes2::EncryptionScheme::Aes128Gcm { .. } => "AES-128-GCM",
                    pbes2::EncryptionScheme::Aes256Gcm { .. } => "AES-256-GCM",
                    pbes2::EncryptionScheme::DesEde3Cbc { .. } => "DES-EDE3-CBC",
                    _ => "unknown cipher",
                };
                format!("PKCS#8 PBES2, {kdf}, {cipher}")
            }
            Self::Pkcs12 { cipher, .. } => match cipher {
                Cipher::Tdes3 => "PKCS#8 pbeWithSHA1And3-KeyTripleDES-CBC".to_owned(),
                Cipher::Tdes2 => "PKCS#8 pbeWithSHA1And2-KeyTripleDES-CBC".to_owned(),
                Cipher::Rc2 { key_len } => {
                    format!("PKCS#8 pbeWithSHA1And{}BitRC2-CBC", key_len * 8)
                }
            },
            Self::Pbes1 { sha1, rc2, .. } => format!(
                "PKCS#8 pbeWith{}And{}-CBC",
                if *sha1 { "SHA1" } else { "MD5" },
                if *rc2 { "RC2" } else { "DES" }
            ),
        }
    }

    fn decrypt(&self, password: &Password, data: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        match self {
            Self::Pbes2(params) => {
                // openssl feeds the password's bytes as given (UTF-8) to PBKDF2 and scrypt.
                params
                    .decrypt(password.expose_secret().as_bytes(), data)
                    .map(Zeroizing::new)
                    .map_err(|e| match e {
                        pkcs8::pkcs5::Error::UnsupportedAlgorithm { oid } => {
                            Error::Unsupported(format!("key encryption algorithm {oid}"))
                        }
                        pkcs8::pkcs5::Error::AlgorithmParametersInvalid { .. } => {
                            Error::malformed("encrypted private key", e)
                        }
                        _ => Error::WrongKeyPassword,
                    })
            }
            Self::Pkcs12 { cipher, salt, iterations } => {
                // openssl 3 derives PKCS#12 keys from the UTF-16BE password with a
                // terminating NUL (PKCS12_key_gen_utf8), as the JDK does.
                let pw = password.to_bmp_with_nul();
                let (key_len, iv_len) = match cipher {
                    Cipher::Tdes3 => (24, 8),
                    Cipher::Tdes2 => (16, 8),
                    Cipher::Rc2 { key_len } => (*key_len, 8),
                };
                let key = pkcs12_kdf(&pw, salt, 1, *iterations, key_len);
                let iv = pkcs12_kdf(&pw, salt, 2, *iterations, iv_len);
                match cipher {
                    Cipher::Tdes3 => {
                        cbc_decrypt(des::TdesEde3::new_from_slice(&key).ok(), &iv, data)
                    }
                    Cipher::Tdes2 => {
                        cbc_decrypt(des::TdesEde2::new_from_slice(&key).ok(), &iv, data)
                    }
                    Cipher::Rc2 { key_len } => cbc_decrypt(
                        Some(rc2::Rc2::new_with_eff_key_len(&key, key_len * 8)),
                        &iv,
                        data,
                    ),
                }
            }
            Self::Pbes1 { sha1, rc2, salt, iterations } => {
                let pw = password.expose_secret().as_bytes();
                let dk = if *sha1 {
                    pbkdf1::<sha1::Sha1>(pw, salt, *iterations)
                } else {
                    pbkdf1::<md5::Md5>(pw, salt, *iterations)
                };
                let (key, iv) = dk.split_at(8);
                let iv = iv.get(..8).unwrap_or_default();
                if *rc2 {
                    cbc_decrypt(Some(rc2::Rc2::new_with_eff_key_len(key, 64)), iv, data)
                } else {
                    cbc_decrypt(des::Des::new_from_slice(key).ok(), iv, data)
                }
            }
        }
    }
}

fn prf_name(prf: pbes2::Pbkdf2Prf) -> &'static str {
    match prf {
        pbes2::Pbkdf2Prf::HmacWithSha1 => "HMAC-SHA1",
        pbes2::Pbkdf2Prf::HmacWithSha224 => "HMAC-SHA224",
        pbes2::Pbkdf2Prf::HmacWithSha256 => "HMAC-SHA256",
        pbes2::Pbkdf2Prf::HmacWithSha384 => "HMAC-SHA384",
        pbes2::Pbkdf2Prf::HmacWithSha512 => "HMAC-SHA512",
        _ => "HMAC",
    }
}

fn check_pbes2_cost(params: &pbes2::Parameters) -> Result<()> {
    match &params.kdf {
        pbes2::Kdf::Pbkdf2(k) => check_iterations(k.iteration_count),
        pbes2::Kdf::Scrypt(s) => {
            let n = s.cost_parameter;
            let (r, p) = (u128::from(s.block_size), u128::from(s.parallelization));
            // scrypt needs 128 * r * N bytes and time in N * r * p.
            let too_costly = !n.is_power_of_two()
                || n.trailing_zeros() > MAX_SCRYPT_LOG_N
                || 128 * r * u128::from(n) > MAX_SCRYPT_MEMORY
                || u128::from(n) * r * p > MAX_SCRYPT_WORK;
            if too_costly {
                return Err(Error::Unsupported(format!(
                    "scrypt parameters N={n} r={} p={} (too costly)",
                    s.block_size, s.parallelization
                )));
            }
            Ok(())
        }
        _ => Err(Error::Unsupported("key derivation function in PBES2".into())),
    }
}

/// CBC decryption with PKCS#7 padding; a padding error means a wrong password.
fn cbc_decrypt<C>(cipher: Option<C>, iv: &[u8], data: &[u8]) -> Result<Zeroizing<Vec<u8>>>
where
    C: BlockCipherDecrypt + BlockSizeUser,
{
    let cipher =
        cipher.ok_or_else(|| Error::malformed("encrypted private key", "bad key length"))?;
    let block = C::block_size();
    if data.is_empty() || !data.len().is_multiple_of(block) {
        return Err(Error::malformed(
            "encrypted private key",
            "data is not a whole number of cipher blocks",
        ));
    }
    let dec = cbc::Decryptor::<C>::inner_iv_slice_init(cipher, iv)
        .map_err(|_| Error::malformed("encrypted private key", "bad IV length"))?;
    dec.decrypt_padded_vec::<Pkcs7>(data).map(Zeroizing::new).map_err(|_| Error::WrongKeyPassword)
}

/// PBKDF1 (RFC 8018 section 5.1): the digest of password || salt, iterated;
/// 16 bytes out (DES key and IV).
fn pbkdf1<D: digest::Digest>(password: &[u8], salt: &[u8], iterations: u32) -> Zeroizing<Vec<u8>> {
    let mut t =
        Zeroizing::new(D::new().chain_update(password).chain_update(salt).finalize().to_vec());
    for _ in 1..iterations {
        t = Zeroizing::new(D::digest(t.as_slice()).to_vec());
    }
    t
}

/// The PKCS#12 key derivation with SHA-1 ([RFC 7292 Appendix B.2]):
/// `id` 1 derives key material, 2 an IV.
///
/// [RFC 7292 Appendix B.2]: https://www.rfc-editor.org/rfc/rfc7292#appendix-B.2
fn pkcs12_kdf(
    password: &[u8],
    salt: &[u8],
    id: u8,
    iterations: u32,
    len: usize,
) -> Zeroizing<Vec<u8>> {
    const U: usize = 20;
    const V: usize = 64;
    let fill = |src: &[u8]| -> Vec<u8> {
        if src.is_empty() {
            return Vec::new();
        }
        let n = V * src.len().div_ceil(V);
        src.iter().copied().cycle().take(n).collect()
    };
    let mut i_block = Zeroizing::new(fill(salt));
    i_block.extend_from_slice(&fill(password));
    let d = [id; V];
    let mut out = Zeroizing::new(Vec::with_capacity(len + U));
    while out.len() < len {
        let mut a = sha1::Sha1::new().chain_update(d).chain_update(i_block.as_slice()).finalize();
        for _ in 1..iterations {
            a = sha1::Sha1::digest(a);
        }
        out.extend_from_slice(&a);
        if out.len() >= len {
            break;
        }
        // B is A repeated to V bytes; each V-byte block of I becomes I_j + B + 1.
        let b: Vec<u8> = a.iter().copied().cycle().take(V).collect();
        for chunk in i_block.chunks_mut(V) {
            let mut carry = 1u16;
            for (x, y) in chunk.iter_mut().zip(&b).rev() {
                let sum = u16::from(*x) + u16::from(*y) + carry;
                *x = (sum & 0xff) as u8;
                carry = sum >> 8;
            }
        }
    }
    out.truncate(len);
    out
}

/// Decrypts the body of a legacy `Proc-Type: 4,ENCRYPTED` PEM block, whose
/// `DEK-Info` names the cipher and the hex IV.
pub(crate) fn decrypt_legacy_pem(
    dek_info: &str,
    password: &Password,
    data: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let (alg, iv_hex) = dek_info
        .split_once(',')
        .ok_or_else(|| Error::malformed("private key", "DEK-Info without an IV"))?;
    let iv = decode_hex(iv_hex.trim())
        .ok_or_else(|| Error::malformed("private key", "DEK-Info IV is not hex"))?;
    let alg = alg.trim().to_ascii_uppercase();
    let key_len = match alg.as_str() {
        "DES-EDE3-CBC" => 24,
        "DES-CBC" => 8,
        "AES-128-CBC" => 16,
        "AES-192-CBC" => 24,
        "AES-256-CBC" => 32,
        other => return Err(Error::Unsupported(format!("legacy PEM encryption {other}"))),
    };
    if iv.len() < 8 {
        return Err(Error::malformed("private key", "DEK-Info IV too short"));
    }
    // openssl's PEM_do_header: EVP_BytesToKey(cipher, MD5, salt = IV[0..8], password, 1 round).
    let key = bytes_to_key(password.expose_secret().as_bytes(), &iv[..8], key_len);
    match alg.as_str() {
        "DES-EDE3-CBC" => cbc_decrypt(des::TdesEde3::new_from_slice(&key).ok(), &iv, data),
        "DES-CBC" => cbc_decrypt(des::Des::new_from_slice(&key).ok(), &iv, data),
        "AES-128-CBC" => cbc_decrypt(aes::Aes128::new_from_slice(&key).ok(), &iv, data),
        "AES-192-CBC" => cbc_decrypt(aes::Aes192::new_from_slice(&key).ok(), &iv, data),
        _ => cbc_decrypt(aes::Aes256::new_from_slice(&key).ok(), &iv, data),
    }
}

/// `EVP_BytesToKey` with MD5 and one round: `D_i = MD5(D_{i-1} || password || salt)`.
fn bytes_to_key(password: &[u8], salt: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(len + 16));
    let mut prev: Vec<u8> = Vec::new();
    while out.len() < len {
        let d = md5::Md5::new()
            .chain_update(&prev)
            .chain_update(password)
            .chain_update(salt)
            .finalize();
        out.extend_from_slice(&d);
        prev = d.to_vec();
    }
    zeroize::Zeroize::zeroize(&mut prev);
    out.truncate(len);
    out
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// Encrypts a PKCS#8 `PrivateKeyInfo` as `openssl pkcs8 -topk8` does by
/// default in openssl 3: PBES2 with PBKDF2-HMAC-SHA256 (2048 iterations,
/// 8-byte salt) and AES-256-CBC. Returns the `EncryptedPrivateKeyInfo` DER.
///
/// # Errors
/// Only if the encoder fails.
pub fn encrypt_pkcs8<R: CryptoRng + ?Sized>(
    rng: &mut R,
    pkcs8_der: &[u8],
    password: &Password,
) -> Result<Vec<u8>> {
    let mut salt = [0u8; 8];
    let mut iv = [0u8; 16];
    rng.fill_bytes(&mut salt);
    rng.fill_bytes(&mut iv);
    let params = pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(2048, &salt, iv)
        .map_err(|e| Error::malformed("encrypted private key", e))?;
    let data = params
        .encrypt(password.expose_secret().as_bytes(), pkcs8_der)
        .map_err(|e| Error::malformed("encrypted private key", e))?;
    let info = pkcs8::EncryptedPrivateKeyInfo {
        encryption_algorithm: pkcs8::pkcs5::EncryptionScheme::Pbes2(params),
        encrypted_data: OctetStringRef::new(&data)
            .map_err(|e| Error::malformed("encrypted private key", e))?,
    };
    info.to_der().map_err(|e| Error::malformed("encrypted private key", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkcs12_kdf_vector() {
        // RFC 7292 test data as published for the PKCS#12 KDF (password
        // "smeg", salt 0A58CF64530D823F, 1 iteration, 24-byte key).
        let pw = Password::new("smeg".into()).to_bmp_with_nul();
        let salt = [0x0a, 0x58, 0xcf, 0x64, 0x53, 0x0d, 0x82, 0x3f];
        let key = pkcs12_kdf(&pw, &salt, 1, 1, 24);
        assert_eq!(
            key.as_slice(),
            [
                0x8a, 0xaa, 0xe6, 0x29, 0x7b, 0x6c, 0xb0, 0x46, 0x42, 0xab, 0x5b, 0x07, 0x78, 0x51,
                0x28, 0x4e, 0xb7, 0x12, 0x8f, 0x1a, 0x2a, 0x7f, 0xbc, 0xa3
            ]
        );
        let iv = pkcs12_kdf(&pw, &salt, 2, 1, 8);
        assert_eq!(iv.as_slice(), [0x79, 0x99, 0x3d, 0xfe, 0x04, 0x8d, 0x3b, 0x76]);
    }

    #[test]
    fn bytes_to_key_matches_openssl() {
        // `openssl enc -aes-256-cbc -P -md md5 -pass pass:secret -S 0001020304050607`
        // prints key=035FB8145B73CF111570DC936112BE9C375A5D3D8B915BC213BDBEF9DBFB7851.
        let key = bytes_to_key(b"secret", &[0, 1, 2, 3, 4, 5, 6, 7], 32);
        let expected =
            decode_hex("035FB8145B73CF111570DC936112BE9C375A5D3D8B915BC213BDBEF9DBFB7851").unwrap();
        assert_eq!(key.as_slice(), expected.as_slice());
    }

    #[test]
    fn hex() {
        assert_eq!(decode_hex("0aFF"), Some(vec![0x0a, 0xff]));
        assert_eq!(decode_hex("0"), None);
        assert_eq!(decode_hex("zz"), None);
    }
}
