//! The JKS and JCEKS container (`sun.security.provider.JavaKeyStore`,
//! `com.sun.crypto.provider.JceKeyStore`) and the JKS key protector.
//!
//! ```text
//! int     magic        0xFEEDFEED (JKS) or 0xCECECECE (JCEKS)
//! int     version      2 (1: no certificate type strings)
//! int     count
//! count times one of:
//!   int 1  UTF alias  long date  int len, EncryptedPrivateKeyInfo
//!          int n, n times: [UTF certType (v2)] int len, certificate DER
//!   int 2  UTF alias  long date  [UTF certType (v2)] int len, certificate DER
//!   int 3  UTF alias  long date  Java serialization stream of the sealed key (JCEKS only)
//! byte[20] SHA-1(UTF-16BE(password) || "Mighty Aphrodite" || everything above)
//! ```
//!
//! UTF strings are `DataOutputStream.writeUTF`: a 16-bit length and modified
//! UTF-8. Entries are written in `java.util.Hashtable` enumeration order.
//!
//! <div class="warning">
//! The JKS key protector XORs the key with a SHA-1 keystream derived from the
//! password; it is weak and supported only for compatibility.
//! </div>

use const_oid::ObjectIdentifier;
use digest::Digest as _;
use rand_core::CryptoRng;
use sha1::Sha1;
use signkit_crypto::{Certificate, Password};
use zeroize::{Zeroize as _, Zeroizing};

use crate::asn1;
use crate::detect::{JCEKS_MAGIC, JKS_MAGIC};
use crate::error::{Error, Result};
use crate::javaio::{DataInput, DataOutput};
use crate::model::{
    Entry, EntryKind, KeyCodec, Keystore, Pkcs12Attributes, ProtectedKey, StoreType,
};
use crate::pkcs12::LoadedProtection;
use crate::{jceks, keyinfo};

/// `1.3.6.1.4.1.42.2.17.1.1`, the JKS key protector (`JAVASOFT_JDKKeyProtector`).
pub(crate) const JDK_KEY_PROTECTOR: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.42.2.17.1.1");

const SALT_LEN: usize = 20;
const DIGEST_LEN: usize = 20;

/// The keyed digest that ends a JKS/JCEKS store.
fn pre_keyed_hash(password: &Password) -> Sha1 {
    let mut md = Sha1::new();
    md.update(&*password.to_utf16be());
    md.update(b"Mighty Aphrodite");
    md
}

/// `CertificateFactory.getInstance(type)`: the X.509 factory answers to
/// `X.509` and its alias `X509`, ignoring case.
fn check_cert_type(cert_type: &str) -> Result<()> {
    if cert_type.eq_ignore_ascii_case("X.509") || cert_type.eq_ignore_ascii_case("X509") {
        Ok(())
    } else {
        Err(Error::Certificate(format!("{cert_type} not found")))
    }
}

/// `CertificateFactory.generateCertificate`: one certificate; bytes after it
/// are ignored, as the JDK's X.509 factory ignores them.
pub(crate) fn parse_certificate(der: &[u8]) -> Result<Certificate> {
    match Certificate::from_der(der) {
        Ok(c) => Ok(c),
        Err(first) => {
            let mut r = asn1::Reader::new(der);
            if let Ok(tlv) = r.read()
                && !r.is_empty()
                && let Ok(c) = Certificate::from_der(tlv.raw)
            {
                return Ok(c);
            }
            Err(Error::Certificate(format!("Could not parse certificate: {first}")))
        }
    }
}

/// Reads a JKS (`store_type` JKS) or JCEKS store. A JCEKS reader also accepts
/// the JKS magic, as `JceKeyStore` does.
pub(crate) fn decode(
    bytes: &[u8],
    password: Option<&Password>,
    store_type: StoreType,
) -> Result<Keystore> {
    let mut r = DataInput::new(bytes);
    let magic = r.i32()?.cast_unsigned();
    let version = r.i32()?;
    let magic_ok = match store_type {
        StoreType::Jks => magic == JKS_MAGIC,
        _ => magic == JKS_MAGIC || magic == JCEKS_MAGIC,
    };
    if !magic_ok || !(version == 1 || version == 2) {
        return Err(Error::InvalidFormat);
    }
    let (private_codec, secret_ok) = match store_type {
        StoreType::Jks => (KeyCodec::JksPrivate, false),
        _ => (KeyCodec::JceksPrivate, true),
    };
    let read_cert = |r: &mut DataInput<'_>| -> Result<Certificate> {
        if version == 2 {
            check_cert_type(&r.utf()?)?;
        }
        parse_certificate(r.length_prefixed()?)
    };
    let count = r.i32()?;
    let mut puts = Vec::new();
    for _ in 0..count.max(0) {
        let tag = r.i32()?;
        let entry = match tag {
            1 => {
                let alias = r.utf()?;
                let created = r.i64()?;
                let blob = r.length_prefixed()?.to_vec();
                let n = r.i32()?;
                let mut chain = Vec::new();
                for _ in 0..n.max(0) {
                    chain.push(read_cert(&mut r)?);
                }
                let key = ProtectedKey::stored(private_codec, blob);
                entry(alias, created, EntryKind::PrivateKey { key, chain })
            }
            2 => {
                let alias = r.utf()?;
                let created = r.i64()?;
                let cert = read_cert(&mut r)?;
                entry(alias, created, EntryKind::TrustedCert { cert })
            }
            3 if secret_ok => {
                let alias = r.utf()?;
                let created = r.i64()?;
                let (canonical, used) = jceks::read_sealed_key_stream(r.rest(), bytes.len())?;
                r.advance(used)?;
                let key = ProtectedKey::stored(KeyCodec::JceksSecret, canonical);
                entry(alias, created, EntryKind::SecretKey { key })
            }
            other => return Err(Error::corrupt(format!("Unrecognized keystore entry: {other}"))),
        };
        puts.push(entry);
    }
    if let Some(password) = password {
        let mut md = pre_keyed_hash(password);
        md.update(r.consumed());
        let computed = md.finalize();
        let actual = r.take(DIGEST_LEN)?;
        if !constant_time_eq(&computed, actual) {
            return Err(Error::TamperedOrWrongPassword);
        }
    }
    Ok(Keystore::from_puts(store_type, puts, LoadedProtection::default()))
}

fn entry(alias: String, created: i64, kind: EntryKind) -> Entry {
    Entry { alias, created: Some(created), kind, pkcs12: Pkcs12Attributes::default() }
}

/// Compares digests in time that depends only on their length.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Writes a JKS or JCEKS store: version 2, entries in the keystore's order.
pub(crate) fn encode<R: CryptoRng + ?Sized>(
    ks: &Keystore,
    password: &Password,
    rng: &mut R,
    now_millis: i64,
) -> Result<Vec<u8>> {
    let store_type = ks.store_type();
    let mut out = DataOutput::default();
    out.i32(
        match store_type {
            StoreType::Jks => JKS_MAGIC,
            _ => JCEKS_MAGIC,
        }
        .cast_signed(),
    );
    out.i32(2);
    let count =
        i32::try_from(ks.len()).map_err(|_| Error::CannotStore("too many entries".into()))?;
    out.i32(count);
    for e in ks.entries() {
        let created = e.created.unwrap_or(now_millis);
        match &e.kind {
            EntryKind::PrivateKey { key, chain } => {
                let blob = private_key_blob(store_type, &e.alias, key, rng)?;
                out.i32(1);
                out.utf(&e.alias)?;
                out.i64(created);
                out.length_prefixed(&blob)?;
                out.i32(
                    i32::try_from(chain.len())
                        .map_err(|_| Error::CannotStore("chain too long".into()))?,
                );
                for cert in chain {
                    out.utf("X.509")?;
                    out.length_prefixed(cert.der())?;
                }
            }
            EntryKind::TrustedCert { cert } => {
                out.i32(2);
                out.utf(&e.alias)?;
                out.i64(created);
                out.utf("X.509")?;
                out.length_prefixed(cert.der())?;
            }
            EntryKind::SecretKey { key } => {
                if store_type == StoreType::Jks {
                    // JDK compat: JavaKeyStore.engineSetKeyEntry refuses secret keys.
                    return Err(Error::CannotStore("Cannot store non-PrivateKeys".into()));
                }
                let stream = match key.stored_parts() {
                    Some((KeyCodec::JceksSecret, blob)) => blob.to_vec(),
                    Some(_) => return Err(foreign_key(&e.alias)),
                    None => {
                        let (material, algorithm, key_password) =
                            key.plain_parts().ok_or_else(|| foreign_key(&e.alias))?;
                        let algorithm = algorithm.ok_or_else(|| foreign_key(&e.alias))?;
                        jceks::seal_secret_key(algorithm, material, key_password, rng)?
                    }
                };
                out.i32(3);
                out.utf(&e.alias)?;
                out.i64(created);
                out.bytes(&stream);
            }
        }
    }
    let mut md = pre_keyed_hash(password);
    md.update(&out.buf);
    let digest = md.finalize();
    out.bytes(&digest);
    Ok(out.buf)
}

/// The error for a key whose stored protection belongs to another format:
/// it must be unsealed with its password and given again as a new key.
pub(crate) fn foreign_key(alias: &str) -> Error {
    Error::CannotStore(format!(
        "the key of entry <{alias}> is protected in another keystore format; unseal it with its password and store it as a new key"
    ))
}

fn private_key_blob<R: CryptoRng + ?Sized>(
    store_type: StoreType,
    alias: &str,
    key: &ProtectedKey,
    rng: &mut R,
) -> Result<Vec<u8>> {
    if let Some((codec, blob)) = key.stored_parts() {
        let ok = match store_type {
            StoreType::Jks => codec == KeyCodec::JksPrivate,
            _ => matches!(codec, KeyCodec::JksPrivate | KeyCodec::JceksPrivate),
        };
        return if ok { Ok(blob.to_vec()) } else { Err(foreign_key(alias)) };
    }
    let (material, secret, password) = key.plain_parts().ok_or_else(|| foreign_key(alias))?;
    if secret.is_some() {
        return Err(foreign_key(alias));
    }
    match store_type {
        StoreType::Jks => Ok(protect_private_key(material, password, rng)),
        _ => jceks::protect_private_key(material, password, rng),
    }
}

/// The SHA-1 keystream of the JKS key protector, XORed into `data` in place.
fn keystream_xor(password_bytes: &[u8], salt: &[u8], data: &mut [u8]) {
    let mut digest = salt.to_vec();
    for chunk in data.chunks_mut(DIGEST_LEN) {
        let mut md = Sha1::new();
        md.update(password_bytes);
        md.update(&digest);
        digest.zeroize();
        digest = md.finalize().to_vec();
        for (b, k) in chunk.iter_mut().zip(&digest) {
            *b ^= k;
        }
    }
    digest.zeroize();
}

/// `sun.security.provider.KeyProtector.protect`: salt, XORed key, and
/// SHA-1(password || key), in an `EncryptedPrivateKeyInfo`.
pub(crate) fn protect_private_key<R: CryptoRng + ?Sized>(
    pkcs8: &[u8],
    password: &Password,
    rng: &mut R,
) -> Vec<u8> {
    let pw = password.to_utf16be();
    let mut salt = [0u8; SALT_LEN];
    rng.fill_bytes(&mut salt);
    let mut data = Vec::with_capacity(SALT_LEN + pkcs8.len() + DIGEST_LEN);
    data.extend_from_slice(&salt);
    data.extend_from_slice(pkcs8);
    keystream_xor(&pw, &salt, &mut data[SALT_LEN..]);
    let mut md = Sha1::new();
    md.update(&*pw);
    md.update(pkcs8);
    data.extend_from_slice(&md.finalize());
    // JDK compat: AlgorithmId encodes absent parameters as NULL for this OID.
    let alg = asn1::algorithm(&JDK_KEY_PROTECTOR, Some(&asn1::null()));
    asn1::seq(&[&alg, &asn1::octets(&data)])
}

/// `KeyProtector.recover`: the PKCS#8 key, or the JDK's `Cannot recover key`.
pub(crate) fn recover_private_key(blob: &[u8], password: &Password) -> Result<Zeroizing<Vec<u8>>> {
    let (oid, data) = keyinfo::parse_encrypted_private_key_info(blob).map_err(|_| {
        Error::UnrecoverableKey("Private key not stored as PKCS #8 EncryptedPrivateKeyInfo".into())
    })?;
    if oid != JDK_KEY_PROTECTOR {
        return Err(Error::UnrecoverableKey("Unsupported key protection algorithm".into()));
    }
    recover_jdk_protected(&data, password)
}

/// Undoes the JKS key protector on the `encryptedData` bytes.
pub(crate) fn recover_jdk_protected(
    data: &[u8],
    password: &Password,
) -> Result<Zeroizing<Vec<u8>>> {
    let cannot = || Error::UnrecoverableKey("Cannot recover key".into());
    if data.len() < SALT_LEN + DIGEST_LEN {
        return Err(cannot());
    }
    let (salt, rest) = data.split_at(SALT_LEN);
    let (enc, check) = rest.split_at(rest.len() - DIGEST_LEN);
    let pw = password.to_utf16be();
    let mut plain = Zeroizing::new(enc.to_vec());
    keystream_xor(&pw, salt, &mut plain);
    let mut md = Sha1::new();
    md.update(&*pw);
    md.update(&*plain);
    if !constant_time_eq(&md.finalize(), check) {
        return Err(cannot());
    }
    keyinfo::check_private_key_info(&plain)?;
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng as _;

    use super::*;

    #[test]
    fn key_protector_round_trip() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        // A minimal PrivateKeyInfo shape: version, algorithm, key.
        let alg = asn1::algorithm(&JDK_KEY_PROTECTOR, None);
        let pkcs8 = asn1::seq(&[&asn1::uint(0), &alg, &asn1::octets(&[1, 2, 3])]);
        let pw = Password::new("changeit".into());
        let blob = protect_private_key(&pkcs8, &pw, &mut rng);
        assert_eq!(&*recover_private_key(&blob, &pw).unwrap(), &pkcs8);
        let err = recover_private_key(&blob, &Password::new("wrong!".into())).unwrap_err();
        assert_eq!(err.to_string(), "Cannot recover key");
        assert!(matches!(recover_private_key(&[0x30, 0x00], &pw), Err(Error::UnrecoverableKey(_))));
    }
}

#[cfg(test)]
mod version1_tests {
    use super::*;

    /// A version 1 store (no certificate type strings), built by hand from a
    /// version 2 one.
    #[test]
    fn reads_version_1() {
        let path = format!("{}/../../fixtures/keystores/jdk.jks", env!("CARGO_MANIFEST_DIR"));
        let v2 = decode(&std::fs::read(path).unwrap(), None, StoreType::Jks).unwrap();
        let cert = v2.get("trustedca").unwrap().certificate().unwrap().clone();
        let pw = Password::new("v1pass".into());
        let mut out = DataOutput::default();
        out.i32(JKS_MAGIC.cast_signed());
        out.i32(1);
        out.i32(1);
        out.i32(2);
        out.utf("old").unwrap();
        out.i64(42);
        out.length_prefixed(cert.der()).unwrap();
        let mut md = pre_keyed_hash(&pw);
        md.update(&out.buf);
        let digest = md.finalize();
        out.bytes(&digest);
        let ks = decode(&out.buf, Some(&pw), StoreType::Jks).unwrap();
        assert_eq!(ks.get("old").unwrap().certificate(), Some(&cert));
        assert_eq!(ks.get("old").unwrap().created, Some(42));
        // Version 3 is not a JKS.
        let mut v3 = out.buf.clone();
        v3[7] = 3;
        assert!(matches!(decode(&v3, Some(&pw), StoreType::Jks), Err(Error::InvalidFormat)));
    }
}
