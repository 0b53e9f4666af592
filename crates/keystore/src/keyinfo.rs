//! PKCS#8 `EncryptedPrivateKeyInfo` and the shape of `PrivateKeyInfo`.
//!
//! ```text
//! EncryptedPrivateKeyInfo ::= SEQUENCE {
//!     encryptionAlgorithm  AlgorithmIdentifier,
//!     encryptedData        OCTET STRING }
//! PrivateKeyInfo ::= SEQUENCE {
//!     version              INTEGER (0 or 1),
//!     privateKeyAlgorithm  AlgorithmIdentifier,
//!     privateKey           OCTET STRING,
//!     attributes       [0] IMPLICIT Attributes OPTIONAL,
//!     publicKey        [1] IMPLICIT BIT STRING OPTIONAL }
//! ```

use std::borrow::Cow;

use const_oid::ObjectIdentifier;

use crate::asn1::{self, Tlv, tag};
use crate::error::{Error, Result};

/// The parts of an `EncryptedPrivateKeyInfo`.
pub(crate) struct EncryptedKeyInfo<'a> {
    /// The protection algorithm.
    pub(crate) oid: ObjectIdentifier,
    /// Its parameters, if any (NULL counts as none).
    pub(crate) params: Option<Tlv<'a>>,
    /// The encrypted key.
    pub(crate) data: Cow<'a, [u8]>,
}

/// Parses an `EncryptedPrivateKeyInfo` as `sun.security.pkcs.EncryptedPrivateKeyInfo` does.
pub(crate) fn parse(blob: &[u8]) -> Result<EncryptedKeyInfo<'_>> {
    let outer = asn1::parse_exact(blob, "EncryptedPrivateKeyInfo")?;
    outer.expect(tag::SEQUENCE, "EncryptedPrivateKeyInfo")?;
    let mut r = outer.children();
    let alg = r.read()?;
    let (oid, params) = asn1::algorithm_identifier(&alg)?;
    let data = r.read()?;
    if data.tag & 0x1f != tag::OCTET_STRING {
        return Err(Error::corrupt(
            "EncryptedPrivateKeyInfo: encryptedData is not an OCTET STRING",
        ));
    }
    r.finish("EncryptedPrivateKeyInfo")?;
    Ok(EncryptedKeyInfo { oid, params, data: data.octets()? })
}

/// The OID and encrypted bytes only.
pub(crate) fn parse_encrypted_private_key_info(
    blob: &[u8],
) -> Result<(ObjectIdentifier, Cow<'_, [u8]>)> {
    let info = parse(blob)?;
    Ok((info.oid, info.data))
}

/// Encodes an `EncryptedPrivateKeyInfo` from an encoded `AlgorithmIdentifier`.
pub(crate) fn encode(algorithm: &[u8], encrypted: &[u8]) -> Vec<u8> {
    asn1::seq(&[algorithm, &asn1::octets(encrypted)])
}

/// Checks that decrypted bytes are a `PrivateKeyInfo` (the key material
/// itself is not parsed, so keys signkit cannot use still convert). A wrong
/// password that happened to leave valid padding fails here.
pub(crate) fn check_private_key_info(der: &[u8]) -> Result<()> {
    let bad = |what: &str| Error::UnrecoverableKey(format!("Unable to decode key: {what}"));
    let outer = asn1::parse_exact(der, "PrivateKeyInfo").map_err(|e| bad(&e.to_string()))?;
    if outer.tag != tag::SEQUENCE {
        return Err(bad("not a SEQUENCE"));
    }
    let mut r = outer.children();
    let version = r.read().and_then(|v| v.small_uint()).map_err(|_| bad("bad version"))?;
    if version > 1 {
        return Err(bad("unsupported PKCS#8 version"));
    }
    let alg = r.read().map_err(|_| bad("no algorithm"))?;
    asn1::algorithm_identifier(&alg).map_err(|_| bad("bad algorithm"))?;
    let key = r.read().map_err(|_| bad("no key"))?;
    if key.tag != tag::OCTET_STRING {
        return Err(bad("key is not an OCTET STRING"));
    }
    Ok(())
}

/// The algorithm OID of a `PrivateKeyInfo` (or of the PKCS#8-shaped
/// structure PKCS12KeyStore uses for secret keys) and the OCTET STRING.
pub(crate) fn algorithm_and_key(der: &[u8]) -> Result<(ObjectIdentifier, Cow<'_, [u8]>)> {
    let outer = asn1::parse_exact(der, "PrivateKeyInfo")?;
    outer.expect(tag::SEQUENCE, "PrivateKeyInfo")?;
    let mut r = outer.children();
    r.read()?.small_uint()?;
    let (oid, _) = asn1::algorithm_identifier(&r.read()?)?;
    let key = r.read()?;
    key.expect(tag::OCTET_STRING, "PrivateKeyInfo key")?;
    Ok((oid, key.octets()?))
}
