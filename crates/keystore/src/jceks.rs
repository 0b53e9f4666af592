//! JCEKS key protection (`com.sun.crypto.provider.KeyProtector`):
//! PBEWithMD5AndTripleDES for private keys, and secret keys sealed in a
//! serialized `javax.crypto.SealedObject`.
//!
//! ```text
//! private key: EncryptedPrivateKeyInfo {
//!     AlgorithmIdentifier { 1.3.6.1.4.1.42.2.19.1, PBEParameter { salt OCTET STRING (8), iterations INTEGER } },
//!     OCTET STRING  DESede-CBC/PKCS5Padding(PrivateKeyInfo) }
//! secret key:  ObjectOutputStream of com.sun.crypto.provider.SealedObjectForKeyProtector
//!     extends javax.crypto.SealedObject { byte[] encodedParams  (the PBEParameter DER)
//!                                         byte[] encryptedContent
//!                                         String paramsAlg, sealAlg ("PBEWithMD5AndTripleDES") }
//!     encryptedContent = DESede-CBC(ObjectOutputStream of SecretKeySpec { String algorithm; byte[] key }
//!                                   or KeyRep { algorithm, encoded, format "RAW", type SECRET })
//! PBEWithMD5AndTripleDES key derivation, for each 4-byte half of the salt
//! (the first half reversed when both halves are equal):
//!     d = MD5(half || password); repeat iterations-1 times: d = MD5(d || password)
//!     key || iv = d(half 1) || d(half 2)     (24-byte DESede key, 8-byte IV)
//! ```
//!
//! <div class="warning">
//! PBEWithMD5AndTripleDES is a proprietary, weak scheme; it is implemented
//! only to read and write JCEKS stores.
//! </div>

use std::rc::Rc;

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt as _, BlockModeEncrypt as _, KeyIvInit as _};
use const_oid::ObjectIdentifier;
use des::TdesEde3;
use digest::Digest as _;
use md5::Md5;
use rand_core::CryptoRng;
use signkit_crypto::Password;
use zeroize::{Zeroize as _, Zeroizing};

use crate::asn1::{self, tag};
use crate::error::{Error, Result};
use crate::jserial::{self, Desc, Field, Value};
use crate::model::SecretKeyMaterial;
use crate::{jks, keyinfo};

/// `1.3.6.1.4.1.42.2.19.1`, the JCE key protector (`JAVASOFT_JCEKeyProtector`).
pub(crate) const JCE_KEY_PROTECTOR: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.42.2.19.1");

/// `KeyProtector.DEFAULT_ITERATION_COUNT` in JDK 17.0.19 (`jdk.jceks.iterationCount`).
pub(crate) const ITERATION_COUNT: u32 = 200_000;
/// `KeyProtector.MAX_ITERATION_COUNT`.
const MAX_ITERATION_COUNT: u32 = 5_000_000;
const CIPHER_NAME: &str = "PBEWithMD5AndTripleDES";
const BAD_PADDING: &str = "Given final block not properly padded. Such issues can arise if a bad key is used during decryption.";

const SEALED_FOR_KP: &str = "com.sun.crypto.provider.SealedObjectForKeyProtector";
const SEALED_FOR_KP_SUID: i64 = -3_650_226_485_480_866_989;
const SEALED_OBJECT: &str = "javax.crypto.SealedObject";
const SEALED_OBJECT_SUID: i64 = 4_482_838_265_551_344_752;
const SECRET_KEY_SPEC: &str = "javax.crypto.spec.SecretKeySpec";
const SECRET_KEY_SPEC_SUID: i64 = 6_577_238_317_307_289_933;
const KEY_REP: &str = "java.security.KeyRep";
const KEY_REP_SUID: i64 = -4_757_683_898_830_641_853;
const KEY_REP_TYPE: &str = "java.security.KeyRep$Type";
const JAVA_LANG_ENUM: &str = "java.lang.Enum";
const STRING_SIG: &str = "Ljava/lang/String;";

/// The password as `PBEKey` holds it: printable ASCII only, each character
/// reduced to 7 bits; the one-character password `"\0"` means empty.
fn pbe_password(password: &Password) -> std::result::Result<Zeroizing<Vec<u8>>, &'static str> {
    let text = password.expose_secret();
    if text == "\0" {
        return Ok(Zeroizing::new(Vec::new()));
    }
    // JDK compat: com.sun.crypto.provider.PBEKey rejects characters outside 0x20..=0x7E.
    if text.chars().any(|c| !(' '..='~').contains(&c)) {
        return Err("Password is not ASCII");
    }
    Ok(password.to_ascii_low_bytes())
}

/// `PBES1Core.deriveCipherKey` for DESede: 24 key bytes and an 8-byte IV.
fn derive(password: &[u8], salt: &[u8; 8], iterations: u32) -> Zeroizing<[u8; 32]> {
    let mut salt = *salt;
    // JDK compat: PBES1Core reverses the first half of the salt when both
    // halves are equal (it means to "invert" it).
    if salt[..4] == salt[4..] {
        salt[..4].reverse();
    }
    let mut out = Zeroizing::new([0u8; 32]);
    for (half, dst) in salt.chunks(4).zip(out.chunks_mut(16)) {
        let mut md = Md5::new();
        md.update(half);
        md.update(password);
        let mut d = md.finalize_reset();
        for _ in 1..iterations {
            md.update(d);
            md.update(password);
            d = md.finalize_reset();
        }
        dst.copy_from_slice(&d);
        d.zeroize();
    }
    out
}

/// `PBES1Core.isWeak`: halves equal and the first half a palindrome. The JDK
/// refuses such salts for encryption, so they are drawn again.
fn is_weak(salt: &[u8; 8]) -> bool {
    salt[..4] == salt[4..] && salt[0] == salt[3] && salt[1] == salt[2]
}

fn random_salt<R: CryptoRng + ?Sized>(rng: &mut R) -> [u8; 8] {
    let mut salt = [0u8; 8];
    loop {
        rng.fill_bytes(&mut salt);
        if !is_weak(&salt) {
            return salt;
        }
    }
}

fn encrypt(password: &[u8], salt: &[u8; 8], iterations: u32, plain: &[u8]) -> Vec<u8> {
    let kiv = derive(password, salt, iterations);
    cbc::Encryptor::<TdesEde3>::new_from_slices(&kiv[..24], &kiv[24..])
        .map(|c| c.encrypt_padded_vec::<Pkcs7>(plain))
        .unwrap_or_default()
}

fn decrypt(
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    data: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let unrecoverable = |m: &str| Error::UnrecoverableKey(m.to_owned());
    let salt: &[u8; 8] = salt.try_into().map_err(|_| unrecoverable("Salt must be 8 bytes long"))?;
    if iterations == 0 {
        return Err(unrecoverable("IterationCount must be a positive number"));
    }
    if iterations > MAX_ITERATION_COUNT {
        return Err(unrecoverable("PBE iteration count too large"));
    }
    if !data.len().is_multiple_of(8) {
        return Err(unrecoverable(
            "Input length must be multiple of 8 when decrypting with padded cipher",
        ));
    }
    let kiv = derive(password, salt, iterations);
    let cipher = cbc::Decryptor::<TdesEde3>::new_from_slices(&kiv[..24], &kiv[24..])
        .map_err(|_| unrecoverable("Invalid key length"))?;
    cipher
        .decrypt_padded_vec::<Pkcs7>(data)
        .map(Zeroizing::new)
        .map_err(|_| unrecoverable(BAD_PADDING))
}

/// The DER `PBEParameter` the JDK's `PBEParameters` writes.
fn pbe_params(salt: &[u8], iterations: u32) -> Vec<u8> {
    asn1::seq(&[&asn1::octets(salt), &asn1::uint(u64::from(iterations))])
}

/// Parses a `PBEParameter`: salt and iteration count.
fn parse_pbe_params(der: &[u8]) -> Result<(Vec<u8>, u32)> {
    let t = asn1::parse_exact(der, "PBE parameters")?;
    if t.tag != tag::SEQUENCE {
        return Err(Error::corrupt("PBE parameter parsing error: not a sequence"));
    }
    let mut r = t.children();
    let salt = r.read_tag(tag::OCTET_STRING, "PBE salt")?.octets()?.to_vec();
    let iterations = r.read()?.small_uint()?;
    r.finish("PBE parameter parsing error")?;
    Ok((salt, iterations))
}

/// `KeyProtector.protect`: encrypts a PKCS#8 key for a JCEKS store.
pub(crate) fn protect_private_key<R: CryptoRng + ?Sized>(
    pkcs8: &[u8],
    password: &Password,
    rng: &mut R,
) -> Result<Vec<u8>> {
    let pw = pbe_password(password).map_err(|m| Error::CannotStore(m.into()))?;
    let salt = random_salt(rng);
    let enc = encrypt(&pw, &salt, ITERATION_COUNT, pkcs8);
    let alg = asn1::algorithm(&JCE_KEY_PROTECTOR, Some(&pbe_params(&salt, ITERATION_COUNT)));
    Ok(keyinfo::encode(&alg, &enc))
}

/// `KeyProtector.recover`: the JCE protector, or the JKS one (JCEKS reads both).
pub(crate) fn recover_private_key(blob: &[u8], password: &Password) -> Result<Zeroizing<Vec<u8>>> {
    let info = keyinfo::parse(blob).map_err(|_| {
        Error::UnrecoverableKey("Private key not stored as PKCS #8 EncryptedPrivateKeyInfo".into())
    })?;
    if info.oid == jks::JDK_KEY_PROTECTOR {
        return jks::recover_jdk_protected(&info.data, password);
    }
    if info.oid != JCE_KEY_PROTECTOR {
        return Err(Error::UnrecoverableKey("Unsupported encryption algorithm".into()));
    }
    let params =
        info.params.ok_or_else(|| Error::UnrecoverableKey("Missing PBE parameters".into()))?;
    let (salt, iterations) =
        parse_pbe_params(params.raw).map_err(|e| Error::UnrecoverableKey(e.to_string()))?;
    let pw = pbe_password(password).map_err(|m| Error::UnrecoverableKey(m.into()))?;
    let plain = decrypt(&pw, &salt, iterations, &info.data)?;
    keyinfo::check_private_key_info(&plain)?;
    Ok(plain)
}

/// The fields of a sealed key, as `SealedObject` holds them.
struct SealedKey {
    encoded_params: Option<Rc<Vec<u8>>>,
    encrypted_content: Option<Rc<Vec<u8>>>,
    params_alg: Option<Rc<str>>,
    seal_alg: Option<Rc<str>>,
}

/// Reads the serialized sealed key of a JCEKS secret-key entry from the start
/// of `data`. Returns the stream as the JDK would write the object again, and
/// the number of bytes used. `file_len` bounds array sizes as the JDK's
/// `DeserializationChecker` does.
pub(crate) fn read_sealed_key_stream(data: &[u8], file_len: usize) -> Result<(Vec<u8>, usize)> {
    let (value, used) = jserial::read_stream(data, file_len)?;
    let sealed = sealed_key_from(&value)?;
    Ok((write_sealed(&sealed), used))
}

fn sealed_key_from(value: &Value) -> Result<SealedKey> {
    // JDK compat: JceKeyStore's DeserializationChecker admits exactly
    // SealedObjectForKeyProtector at the top and SealedObject, byte[] and
    // strings below it; anything else is "Invalid secret key format".
    let invalid = || Error::InvalidSecretKeyFormat;
    let Value::Object(o) = value else { return Err(invalid()) };
    let c = &o.class;
    let s = c.super_class.as_ref().ok_or_else(invalid)?;
    if c.name != SEALED_FOR_KP
        || c.suid != SEALED_FOR_KP_SUID
        || s.name != SEALED_OBJECT
        || s.suid != SEALED_OBJECT_SUID
    {
        return Err(invalid());
    }
    if s.super_class.is_some()
        || [c.flags, s.flags].iter().any(|f| f & jserial::FLAGS_SERIALIZABLE == 0 || f & 0x04 != 0)
    {
        return Err(invalid());
    }
    for f in &s.fields {
        let want = match f.name.as_str() {
            "encodedParams" | "encryptedContent" => Some((b'[', "[B")),
            "paramsAlg" | "sealAlg" => Some((b'L', STRING_SIG)),
            _ => None,
        };
        if let Some((code, sig)) = want
            && (f.typecode != code || f.signature.as_deref() != Some(sig))
        {
            return Err(invalid());
        }
    }
    let bytes = |name: &str| -> Result<Option<Rc<Vec<u8>>>> {
        match o.field(SEALED_OBJECT, name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bytes(b)) => Ok(Some(b.clone())),
            Some(_) => Err(invalid()),
        }
    };
    let string = |name: &str| -> Result<Option<Rc<str>>> {
        match o.field(SEALED_OBJECT, name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Str(b)) => Ok(Some(b.clone())),
            Some(_) => Err(invalid()),
        }
    };
    Ok(SealedKey {
        encoded_params: bytes("encodedParams")?,
        encrypted_content: bytes("encryptedContent")?,
        params_alg: string("paramsAlg")?,
        seal_alg: string("sealAlg")?,
    })
}

/// `new ObjectOutputStream(out).writeObject(sealedKey)` as `JceKeyStore.engineStore` does.
fn write_sealed(s: &SealedKey) -> Vec<u8> {
    let mut w = jserial::Writer::new();
    w.begin_object(&[
        Desc {
            name: SEALED_FOR_KP,
            suid: SEALED_FOR_KP_SUID,
            flags: jserial::FLAGS_SERIALIZABLE,
            fields: &[],
        },
        Desc {
            name: SEALED_OBJECT,
            suid: SEALED_OBJECT_SUID,
            flags: jserial::FLAGS_SERIALIZABLE,
            fields: &[
                Field { typecode: b'[', name: "encodedParams", signature: "[B" },
                Field { typecode: b'[', name: "encryptedContent", signature: "[B" },
                Field { typecode: b'L', name: "paramsAlg", signature: STRING_SIG },
                Field { typecode: b'L', name: "sealAlg", signature: STRING_SIG },
            ],
        },
    ]);
    w.byte_array(s.encoded_params.as_deref().map(Vec::as_slice));
    w.byte_array(s.encrypted_content.as_deref().map(Vec::as_slice));
    let params_handle = w.next_handle();
    w.string(s.params_alg.as_deref());
    match (&s.params_alg, &s.seal_alg) {
        // The same String object twice is written as a back reference.
        (Some(p), Some(a)) if Rc::ptr_eq(p, a) => w.string_ref(params_handle),
        _ => w.string(s.seal_alg.as_deref()),
    }
    w.finish()
}

/// Serializes a secret key the way the SunJCE key classes do: DES, DESede,
/// PBE and PBKDF2 keys replace themselves with a `KeyRep`; other keys (AES,
/// Hmac*, ...) are `SecretKeySpec`s.
fn serialize_secret_key(algorithm: &str, key: &[u8]) -> Zeroizing<Vec<u8>> {
    let lower = algorithm.to_ascii_lowercase();
    let key_rep = lower == "des"
        || lower == "desede"
        || lower.starts_with("pbe")
        || lower.starts_with("pbkdf2");
    let mut w = jserial::Writer::new();
    if key_rep {
        w.begin_object(&[Desc {
            name: KEY_REP,
            suid: KEY_REP_SUID,
            flags: jserial::FLAGS_SERIALIZABLE,
            fields: &[
                Field { typecode: b'L', name: "algorithm", signature: STRING_SIG },
                Field { typecode: b'[', name: "encoded", signature: "[B" },
                Field { typecode: b'L', name: "format", signature: STRING_SIG },
                Field { typecode: b'L', name: "type", signature: "Ljava/security/KeyRep$Type;" },
            ],
        }]);
        w.string(Some(algorithm));
        w.byte_array(Some(key));
        w.string(Some("RAW"));
        w.enum_constant(
            &[
                Desc { name: KEY_REP_TYPE, suid: 0, flags: jserial::FLAGS_ENUM, fields: &[] },
                Desc { name: JAVA_LANG_ENUM, suid: 0, flags: jserial::FLAGS_ENUM, fields: &[] },
            ],
            "SECRET",
        );
    } else {
        w.begin_object(&[Desc {
            name: SECRET_KEY_SPEC,
            suid: SECRET_KEY_SPEC_SUID,
            flags: jserial::FLAGS_SERIALIZABLE,
            fields: &[
                Field { typecode: b'L', name: "algorithm", signature: STRING_SIG },
                Field { typecode: b'[', name: "key", signature: "[B" },
            ],
        }]);
        w.string(Some(algorithm));
        w.byte_array(Some(key));
    }
    Zeroizing::new(w.finish())
}

/// `KeyProtector.seal`: the serialized sealed key of a new JCEKS secret-key entry.
pub(crate) fn seal_secret_key<R: CryptoRng + ?Sized>(
    algorithm: &str,
    key: &[u8],
    password: &Password,
    rng: &mut R,
) -> Result<Vec<u8>> {
    if key.is_empty() {
        return Err(Error::CannotStore("Empty key".into()));
    }
    let pw = pbe_password(password).map_err(|m| Error::CannotStore(m.into()))?;
    let salt = random_salt(rng);
    let inner = serialize_secret_key(algorithm, key);
    let sealed = SealedKey {
        encoded_params: Some(Rc::new(pbe_params(&salt, ITERATION_COUNT))),
        encrypted_content: Some(Rc::new(encrypt(&pw, &salt, ITERATION_COUNT, &inner))),
        params_alg: Some(CIPHER_NAME.into()),
        seal_alg: Some(CIPHER_NAME.into()),
    };
    Ok(write_sealed(&sealed))
}

/// `KeyProtector.unseal`: decrypts the sealed key and reads the key object.
pub(crate) fn unseal_secret_key(stream: &[u8], password: &Password) -> Result<SecretKeyMaterial> {
    let unrecoverable = |m: String| Error::UnrecoverableKey(m);
    let (value, _) = jserial::read_stream(stream, stream.len())?;
    let sealed = sealed_key_from(&value)?;
    let params = sealed
        .encoded_params
        .ok_or_else(|| unrecoverable("Cannot get algorithm parameters".into()))?;
    let (salt, iterations) =
        parse_pbe_params(&params).map_err(|e| unrecoverable(format!("Parameter failure: {e}")))?;
    let content =
        sealed.encrypted_content.ok_or_else(|| unrecoverable("Cannot recover key".into()))?;
    let pw = pbe_password(password).map_err(|m| unrecoverable(m.into()))?;
    let plain = decrypt(&pw, &salt, iterations, &content)?;
    let (inner, _) =
        jserial::read_stream(&plain, stream.len()).map_err(|e| unrecoverable(e.to_string()))?;
    secret_key_from(&inner)
}

/// Reads a `SecretKeySpec` or a `KeyRep` of a secret key, as the JDK's
/// `jceks.key.serialFilter` allows them.
fn secret_key_from(value: &Value) -> Result<SecretKeyMaterial> {
    let rejected = || {
        Error::UnrecoverableKey(
            "Rejected by the jceks.key.serialFilter or jdk.serialFilter property".into(),
        )
    };
    let incompatible = || Error::UnrecoverableKey("local class incompatible".into());
    let Value::Object(o) = value else { return Err(rejected()) };
    let c = &o.class;
    if c.super_class.is_some() {
        return Err(rejected());
    }
    let string = |name: &str| match o.field(&c.name, name) {
        Some(Value::Str(s)) => Some(s.to_string()),
        _ => None,
    };
    let bytes = |name: &str| match o.field(&c.name, name) {
        Some(Value::Bytes(b)) => Some(Zeroizing::new(b.to_vec())),
        _ => None,
    };
    let material =
        |algorithm: Option<String>, key: Option<Zeroizing<Vec<u8>>>| match (algorithm, key) {
            (Some(algorithm), Some(key)) if !key.is_empty() => {
                Ok(SecretKeyMaterial { algorithm, key })
            }
            (Some(_), Some(_)) => Err(Error::UnrecoverableKey("Empty key".into())),
            _ => Err(Error::UnrecoverableKey("Missing argument".into())),
        };
    match c.name.as_str() {
        SECRET_KEY_SPEC => {
            if c.suid != SECRET_KEY_SPEC_SUID {
                return Err(incompatible());
            }
            material(string("algorithm"), bytes("key"))
        }
        KEY_REP => {
            if c.suid != KEY_REP_SUID {
                return Err(incompatible());
            }
            let kind = match o.field(KEY_REP, "type") {
                Some(Value::Enum { class, constant }) if class.name == KEY_REP_TYPE => {
                    constant.to_string()
                }
                Some(Value::Enum { .. } | Value::Object(_)) => return Err(rejected()),
                _ => "null".into(),
            };
            let format = string("format").unwrap_or_else(|| "null".into());
            if kind == "SECRET" && format == "RAW" {
                material(string("algorithm"), bytes("encoded"))
            } else if (kind == "PUBLIC" && format == "X.509")
                || (kind == "PRIVATE" && format == "PKCS#8")
            {
                Err(Error::UnrecoverableKey(format!(
                    "the sealed key is a {} key, not a secret key",
                    kind.to_lowercase()
                )))
            } else {
                Err(Error::UnrecoverableKey(format!(
                    "unrecognized type/format combination: {kind}/{format}"
                )))
            }
        }
        _ => Err(rejected()),
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng as _;

    use super::*;

    #[test]
    fn salt_halves_equal_are_reversed() {
        let plain = b"0123456789";
        let salt = [1, 2, 3, 4, 1, 2, 3, 4];
        let reversed = [4, 3, 2, 1, 1, 2, 3, 4];
        // Equal halves derive as if the first half were reversed.
        assert_eq!(encrypt(b"pw", &salt, 10, plain), encrypt(b"pw", &reversed, 10, plain));
        assert!(is_weak(&[1, 2, 2, 1, 1, 2, 2, 1]));
        assert!(!is_weak(&salt));
    }

    #[test]
    fn private_key_round_trip() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let alg = asn1::algorithm(&JCE_KEY_PROTECTOR, None);
        let pkcs8 = asn1::seq(&[&asn1::uint(0), &alg, &asn1::octets(&[9; 40])]);
        let pw = Password::new("changeit".into());
        let blob = protect_private_key(&pkcs8, &pw, &mut rng).unwrap();
        assert_eq!(&*recover_private_key(&blob, &pw).unwrap(), &pkcs8);
        assert!(matches!(
            recover_private_key(&blob, &Password::new("wrong".into())),
            Err(Error::UnrecoverableKey(_))
        ));
        let non_ascii = Password::new("p\u{e4}ss".into());
        assert!(matches!(
            protect_private_key(&pkcs8, &non_ascii, &mut rng),
            Err(Error::CannotStore(_))
        ));
    }

    #[test]
    fn secret_key_round_trip() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(4);
        let pw = Password::new("secret".into());
        for alg in ["AES", "DESede", "HmacSHA256", "PBKDF2WithHmacSHA1", "PBEWithMD5AndDES"] {
            let stream = seal_secret_key(alg, &[7; 24], &pw, &mut rng).unwrap();
            let (canonical, used) = read_sealed_key_stream(&stream, stream.len()).unwrap();
            assert_eq!(used, stream.len());
            assert_eq!(canonical, stream, "{alg}: re-serialization is stable");
            let k = unseal_secret_key(&stream, &pw).unwrap();
            assert_eq!(k.algorithm, alg);
            assert_eq!(&*k.key, &[7; 24]);
            let err = unseal_secret_key(&stream, &Password::new("nope".into())).unwrap_err();
            assert!(matches!(err, Error::UnrecoverableKey(_)), "{alg}: {err}");
        }
    }
}
