//! Private keys in every form openssl and the JDK write, read into PKCS#8.

use core::fmt;

use der::asn1::AnyRef;
use der::{Decode as _, Reader as _, Tag, Tagged as _};
use signkit_crypto::asn1;
use signkit_crypto::pem::{self, PemBlock};
use signkit_crypto::{EcCurve, Password, PrivateKey, PublicKey, oid};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::pbe::{self, EncryptedKeyInfo};

/// The form a private key was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyForm {
    /// PKCS#8 `PrivateKeyInfo` (`PRIVATE KEY`; a `.pk8` file in DER).
    Pkcs8,
    /// PKCS#8 `EncryptedPrivateKeyInfo` (`ENCRYPTED PRIVATE KEY`).
    EncryptedPkcs8,
    /// PKCS#1 `RSAPrivateKey` (`RSA PRIVATE KEY`).
    Pkcs1,
    /// SEC1 `ECPrivateKey` (`EC PRIVATE KEY`).
    Sec1,
    /// OpenSSL's traditional DSA key (`DSA PRIVATE KEY`).
    DsaTraditional,
}

impl KeyForm {
    /// A short name for messages.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Pkcs8 => "PKCS#8",
            Self::EncryptedPkcs8 => "encrypted PKCS#8",
            Self::Pkcs1 => "PKCS#1 RSA",
            Self::Sec1 => "SEC1 EC",
            Self::DsaTraditional => "traditional DSA",
        }
    }
}

impl fmt::Display for KeyForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A private key as unencrypted PKCS#8 DER, with its parse.
///
/// A key that was PKCS#8 already (plain or after decryption, and every key
/// unsealed from a keystore) keeps its exact bytes, so conversions round
/// trip byte for byte. Keys read from PKCS#1, SEC1 or DSA forms are wrapped
/// as `openssl pkcs8 -topk8 -nocrypt` wraps them.
pub struct Pkcs8Key {
    der: Zeroizing<Vec<u8>>,
    key: PrivateKey,
    form: KeyForm,
    pem: bool,
    legacy_encrypted: bool,
}

impl fmt::Debug for Pkcs8Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs8Key")
            .field("key", &self.key)
            .field("form", &self.form)
            .finish_non_exhaustive()
    }
}

impl Pkcs8Key {
    /// Takes an unencrypted PKCS#8 `PrivateKeyInfo` (from a `.pk8` file or
    /// unsealed from a keystore) and keeps its bytes.
    ///
    /// # Errors
    /// Malformed DER or an unsupported algorithm.
    pub fn from_pkcs8_der(der: Zeroizing<Vec<u8>>) -> Result<Self> {
        let key = PrivateKey::from_pkcs8_der(&der)?;
        Ok(Self { der, key, form: KeyForm::Pkcs8, pem: false, legacy_encrypted: false })
    }

    /// Re-encodes a parsed key as PKCS#8 (for generated keys).
    ///
    /// # Errors
    /// Only if the encoder fails.
    pub fn from_key(key: PrivateKey) -> Result<Self> {
        let der = key.to_pkcs8_der()?;
        Ok(Self { der, key, form: KeyForm::Pkcs8, pem: false, legacy_encrypted: false })
    }

    /// The unencrypted PKCS#8 DER: what signapk reads as a `.pk8` file.
    #[must_use]
    pub fn secret_pkcs8_der(&self) -> &[u8] {
        &self.der
    }

    /// A copy of the PKCS#8 DER in zeroizing memory.
    #[must_use]
    pub fn secret_pkcs8_der_copy(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.der.to_vec())
    }

    /// The PKCS#8 PEM form (`-----BEGIN PRIVATE KEY-----`, 64-column lines,
    /// `\n` line ends), as `openssl pkcs8 -topk8 -nocrypt` writes it.
    #[must_use]
    pub fn secret_pkcs8_pem(&self) -> Zeroizing<String> {
        Zeroizing::new(pem::encode("PRIVATE KEY", &self.der))
    }

    /// The parsed key.
    #[must_use]
    pub fn key(&self) -> &PrivateKey {
        &self.key
    }

    /// The matching public key.
    #[must_use]
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    /// The form the key was read from.
    #[must_use]
    pub fn form(&self) -> KeyForm {
        self.form
    }

    /// `true` when the key was read from PEM.
    #[must_use]
    pub fn was_pem(&self) -> bool {
        self.pem
    }

    /// `true` when the key was a legacy `Proc-Type: 4,ENCRYPTED` PEM block.
    #[must_use]
    pub fn was_legacy_encrypted(&self) -> bool {
        self.legacy_encrypted
    }
}

const KEY_LABELS: [&str; 5] = [
    "PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "DSA PRIVATE KEY",
];

/// Tells whether `input` holds an encrypted private key, and how it is
/// encrypted, without a password. `Ok(None)` for an unencrypted key.
///
/// # Errors
/// As [`read_private_key`], except for password errors.
pub fn key_encryption(input: &[u8]) -> Result<Option<String>> {
    match read_private_key(input, None) {
        Ok(_) => Ok(None),
        Err(Error::PasswordRequired(scheme)) => Ok(Some(scheme)),
        Err(e) => Err(e),
    }
}

/// Reads one private key in any of these forms, PEM or DER: PKCS#8,
/// encrypted PKCS#8 (PBES2, PKCS#12 PBE, PBES1), PKCS#1 `RSA PRIVATE KEY`,
/// SEC1 `EC PRIVATE KEY` (with or without its curve and public key; an
/// `EC PARAMETERS` block before it names the curve too), OpenSSL's
/// `DSA PRIVATE KEY`, and legacy `Proc-Type: 4,ENCRYPTED` PEM. PEM text may
/// hold other blocks (certificates); exactly one private key is required.
///
/// # Errors
/// [`Error::PasswordRequired`] for an encrypted key without `password`,
/// [`Error::WrongKeyPassword`], [`Error::NoPrivateKey`],
/// [`Error::SeveralPrivateKeys`], [`Error::Malformed`], [`Error::Unsupported`].
pub fn read_private_key(input: &[u8], password: Option<&Password>) -> Result<Pkcs8Key> {
    if !pem::looks_like_pem(input) {
        return read_der(input, password, None, None).map(|mut k| {
            k.pem = false;
            k
        });
    }
    let blocks = pem::parse_all(input).map_err(|e| Error::malformed("PEM", pem_detail(&e)))?;
    let mut keys = blocks.iter().filter(|b| KEY_LABELS.contains(&b.label.as_str()));
    let Some(block) = keys.next() else {
        if let Some(other) = blocks.iter().find(|b| b.label.ends_with("PRIVATE KEY")) {
            return Err(Error::Unsupported(format!("private key form {:?}", other.label)));
        }
        return Err(Error::NoPrivateKey);
    };
    let count = 1 + keys.count();
    if count > 1 {
        return Err(Error::SeveralPrivateKeys(count));
    }
    let ec_params = blocks.iter().find(|b| b.label == "EC PARAMETERS").map(|b| b.der.as_slice());
    let mut key = read_pem_block(block, password, ec_params)?;
    key.pem = true;
    Ok(key)
}

fn pem_detail(e: &signkit_crypto::Error) -> String {
    match e {
        signkit_crypto::Error::Malformed { detail, .. } => detail.clone(),
        other => other.to_string(),
    }
}

fn read_pem_block(
    block: &PemBlock,
    password: Option<&Password>,
    ec_params: Option<&[u8]>,
) -> Result<Pkcs8Key> {
    let header = |name: &str| {
        block.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    };
    let expect = match block.label.as_str() {
        "PRIVATE KEY" => Some(KeyForm::Pkcs8),
        "ENCRYPTED PRIVATE KEY" => Some(KeyForm::EncryptedPkcs8),
        "RSA PRIVATE KEY" => Some(KeyForm::Pkcs1),
        "EC PRIVATE KEY" => Some(KeyForm::Sec1),
        "DSA PRIVATE KEY" => Some(KeyForm::DsaTraditional),
        _ => None,
    };
    let legacy = header("Proc-Type").is_some_and(|v| v.to_ascii_uppercase().contains("ENCRYPTED"));
    if !legacy {
        return read_der(&block.der, password, expect, ec_params);
    }
    let dek = header("DEK-Info")
        .ok_or_else(|| Error::malformed("private key", "Proc-Type ENCRYPTED without DEK-Info"))?;
    let scheme =
        format!("legacy PEM encryption {}", dek.split(',').next().unwrap_or_default().trim());
    let Some(password) = password else {
        return Err(Error::PasswordRequired(scheme));
    };
    let plain = pbe::decrypt_legacy_pem(dek, password, &block.der)?;
    // Garbage that happens to be well padded is a wrong password too.
    let mut key = read_der(&plain, None, expect, ec_params).map_err(|e| match e {
        Error::Malformed { .. } => Error::WrongKeyPassword,
        other => other,
    })?;
    key.legacy_encrypted = true;
    Ok(key)
}

/// The shape of a DER private key, from its top-level elements.
fn classify(der: &[u8]) -> Option<KeyForm> {
    let any = AnyRef::from_der(der).ok()?;
    if any.tag() != Tag::Sequence {
        return None;
    }
    let mut reader = der::SliceReader::new(any.value()).ok()?;
    let mut tags = Vec::new();
    let mut first_int: Option<Vec<u8>> = None;
    while !reader.is_finished() {
        let el = AnyRef::decode(&mut reader).ok()?;
        if tags.is_empty() && el.tag() == Tag::Integer {
            first_int = Some(el.value().to_vec());
        }
        tags.push(el.tag());
    }
    let version = first_int.as_deref();
    let all_ints = tags.iter().all(|t| *t == Tag::Integer);
    match (tags.as_slice(), version) {
        ([Tag::Sequence, Tag::OctetString], _) => Some(KeyForm::EncryptedPkcs8),
        ([Tag::Integer, Tag::Sequence, Tag::OctetString, ..], Some([0] | [1])) => {
            Some(KeyForm::Pkcs8)
        }
        ([Tag::Integer, Tag::OctetString, ..], Some([1])) => Some(KeyForm::Sec1),
        (t, Some([0])) if all_ints && t.len() == 6 => Some(KeyForm::DsaTraditional),
        (t, Some([0] | [1])) if all_ints && t.len() >= 9 => Some(KeyForm::Pkcs1),
        _ => None,
    }
}

fn read_der(
    der: &[u8],
    password: Option<&Password>,
    expect: Option<KeyForm>,
    ec_params: Option<&[u8]>,
) -> Result<Pkcs8Key> {
    let found = classify(der);
    let form = match (expect, found) {
        (Some(e), Some(f)) if e != f => {
            return Err(Error::malformed(
                "private key",
                format!("a {} key labelled as {}", f.name(), e.name()),
            ));
        }
        (_, Some(f)) => f,
        (Some(e), None) => {
            return Err(Error::malformed("private key", format!("not a valid {} key", e.name())));
        }
        (None, None) => {
            if let Some(store) = signkit_keystore::StoreType::detect(der) {
                return Err(Error::Unsupported(format!(
                    "key file: this is a {store} keystore, not a private key (read it with to-pk8 --keystore)"
                )));
            }
            return Err(Error::malformed(
                "private key",
                "not a PKCS#8, encrypted PKCS#8, PKCS#1, SEC1 or DSA private key in PEM or DER",
            ));
        }
    };
    let key = match form {
        KeyForm::Pkcs8 => Pkcs8Key::from_pkcs8_der(Zeroizing::new(der.to_vec()))?,
        KeyForm::EncryptedPkcs8 => read_encrypted(der, password)?,
        KeyForm::Pkcs1 => from_pkcs1(der)?,
        KeyForm::Sec1 => from_sec1(der, ec_params)?,
        KeyForm::DsaTraditional => from_dsa(der)?,
    };
    Ok(Pkcs8Key { form, ..key })
}

fn read_encrypted(der: &[u8], password: Option<&Password>) -> Result<Pkcs8Key> {
    let info = EncryptedKeyInfo::parse(der)?
        .ok_or_else(|| Error::malformed("private key", "not an EncryptedPrivateKeyInfo"))?;
    let Some(password) = password else {
        return Err(Error::PasswordRequired(info.describe()));
    };
    let plain = info.decrypt(password)?;
    // A wrong password yields garbage that only rarely has valid padding;
    // garbage that is not a PrivateKeyInfo is a wrong password too.
    if pkcs8::PrivateKeyInfoRef::from_der(&plain).is_err() {
        return Err(Error::WrongKeyPassword);
    }
    Pkcs8Key::from_pkcs8_der(plain)
}

/// `PrivateKeyInfo ::= SEQUENCE { version 0, algorithm, privateKey OCTET STRING }`.
fn wrap_pkcs8(algorithm: &[u8], private_key: &[u8]) -> Zeroizing<Vec<u8>> {
    let inner = Zeroizing::new(asn1::octet_string(private_key));
    Zeroizing::new(asn1::sequence(&[&asn1::small_integer(0), algorithm, &inner]))
}

fn from_pkcs1(der: &[u8]) -> Result<Pkcs8Key> {
    // What `openssl pkcs8 -topk8` writes: rsaEncryption with NULL parameters.
    let alg = asn1::sequence(&[&asn1::oid(&oid::RSA_ENCRYPTION), &asn1::null()]);
    Pkcs8Key::from_pkcs8_der(wrap_pkcs8(&alg, der))
}

/// Reads a SEC1 `ECPrivateKey`; `curve_params` is the DER of an
/// `EC PARAMETERS` block that names the curve when the key does not.
fn from_sec1(der: &[u8], curve_params: Option<&[u8]>) -> Result<Pkcs8Key> {
    let sec1 =
        sec1::EcPrivateKey::from_der(der).map_err(|e| Error::malformed("EC private key", e))?;
    let curve_oid = match (&sec1.parameters, curve_params) {
        (Some(sec1::EcParameters::NamedCurve(oid)), _) => *oid,
        (None, Some(params)) => const_oid::ObjectIdentifier::from_der(params)
            .map_err(|_| Error::Unsupported("EC parameters other than a named curve".into()))?,
        // Without parameters the scalar's length (the field size) names the curve.
        (None, None) => match sec1.private_key.len() {
            32 => EcCurve::P256.oid(),
            48 => EcCurve::P384.oid(),
            65 | 66 => EcCurve::P521.oid(),
            n => {
                return Err(Error::Unsupported(format!(
                    "EC private key of {n} bytes without curve parameters"
                )));
            }
        },
    };
    let curve = EcCurve::from_oid(&curve_oid)
        .ok_or_else(|| Error::Unsupported(format!("EC curve {curve_oid}")))?;
    let alg = asn1::sequence(&[&asn1::oid(&oid::EC_PUBLIC_KEY), &asn1::oid(&curve.oid())]);
    // RustCrypto checks the curve and the public key against the scalar;
    // re-encoding gives openssl's PKCS#8 form (no inner parameters, with the
    // public key).
    let wrapped = wrap_pkcs8(&alg, der);
    let key = PrivateKey::from_pkcs8_der(&wrapped).map_err(|_| {
        Error::malformed("EC private key", "the key does not fit its curve or public key")
    })?;
    Pkcs8Key::from_key(key)
}

/// Reads OpenSSL's traditional DSA key:
/// `SEQUENCE { version 0, p, q, g, y, x }`.
fn from_dsa(der: &[u8]) -> Result<Pkcs8Key> {
    let bad = |d: &dyn fmt::Display| Error::malformed("DSA private key", d);
    let any = AnyRef::from_der(der).map_err(|e| bad(&e))?;
    let ints = any
        .sequence(|r| {
            let mut v = Vec::new();
            while !r.is_finished() {
                v.push(der::asn1::IntRef::decode(r)?);
            }
            Ok::<_, der::Error>(v)
        })
        .map_err(|e| bad(&e))?;
    let [_, p, q, g, y, x] = ints.as_slice() else {
        return Err(bad(&"expected six integers"));
    };
    let int = |i: &der::asn1::IntRef<'_>| asn1::tlv(asn1::tag::INTEGER, i.as_bytes());
    let params = asn1::sequence(&[&int(p), &int(q), &int(g)]);
    let alg = asn1::sequence(&[&asn1::oid(&oid::DSA), &params]);
    let x = Zeroizing::new(int(x));
    let key = Pkcs8Key::from_pkcs8_der(wrap_pkcs8(&alg, &x))?;
    // The file's public value must be the key's own.
    let spki = asn1::sequence(&[&alg, &asn1::bit_string(&int(y))]);
    let stated = PublicKey::from_spki_der(&spki).map_err(|e| bad(&e))?;
    if stated != key.public_key() {
        return Err(bad(&"the public value does not match the private key"));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for input in [
            &b""[..],
            b"\x30",
            b"\x30\x00",
            b"\x30\x03\x02\x01\x00",
            b"hello",
            b"-----BEGIN PRIVATE KEY-----\n",
        ] {
            assert!(read_private_key(input, None).is_err());
        }
        assert!(matches!(
            read_private_key(
                b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                None
            ),
            Err(Error::NoPrivateKey)
        ));
        assert!(matches!(
            read_private_key(
                b"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
                None
            ),
            Err(Error::Unsupported(_))
        ));
        // A keystore given as the key file says so.
        let jks = [0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 0];
        let e = read_private_key(&jks, None).unwrap_err();
        assert!(e.to_string().contains("JKS keystore"), "{e}");
    }
}
