//! Subject public keys as the JDK describes them: the algorithm name
//! (`Key.getAlgorithm()`), the display name keytool prints
//! (`EC (secp256r1)`, `Ed25519`) and the size (`KeyUtil.getKeySize`).

use crate::x509_text::der::{self, JavaException, Result, Value, tag};
use crate::x509_text::oid;

/// What keytool needs to know about a public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    /// `Key.getAlgorithm()`: `RSA`, `DSA`, `EC`, `Ed25519`, `XDH`, ...
    pub algorithm: String,
    /// keytool's `fullDisplayAlgName`: `EC (secp256r1)` for EC keys.
    pub display: String,
    /// Bits, or `None` where the JDK reports -1.
    pub size: Option<u32>,
}

/// `(curve OID, bit length of the group order)` of `sun.security.util.CurveDB`.
const CURVES: &[(&str, u32)] = &[
    ("1.3.132.0.6", 112),
    ("1.3.132.0.7", 110),
    ("1.3.132.0.28", 128),
    ("1.3.132.0.29", 126),
    ("1.3.132.0.9", 161),
    ("1.3.132.0.8", 161),
    ("1.3.132.0.30", 161),
    ("1.3.132.0.31", 192),
    ("1.2.840.10045.3.1.1", 192),
    ("1.3.132.0.32", 225),
    ("1.3.132.0.33", 224),
    ("1.3.132.0.10", 256),
    ("1.2.840.10045.3.1.7", 256),
    ("1.3.132.0.34", 384),
    ("1.3.132.0.35", 521),
    ("1.2.840.10045.3.1.2", 192),
    ("1.2.840.10045.3.1.3", 192),
    ("1.2.840.10045.3.1.4", 239),
    ("1.2.840.10045.3.1.5", 239),
    ("1.2.840.10045.3.1.6", 239),
    ("1.3.132.0.4", 113),
    ("1.3.132.0.5", 113),
    ("1.3.132.0.22", 131),
    ("1.3.132.0.23", 131),
    ("1.3.132.0.1", 163),
    ("1.3.132.0.2", 162),
    ("1.3.132.0.15", 163),
    ("1.3.132.0.24", 193),
    ("1.3.132.0.25", 193),
    ("1.3.132.0.26", 232),
    ("1.3.132.0.27", 233),
    ("1.3.132.0.3", 238),
    ("1.3.132.0.16", 281),
    ("1.3.132.0.17", 282),
    ("1.3.132.0.36", 407),
    ("1.3.132.0.37", 409),
    ("1.3.132.0.38", 570),
    ("1.3.132.0.39", 570),
    ("1.2.840.10045.3.0.5", 191),
    ("1.2.840.10045.3.0.6", 190),
    ("1.2.840.10045.3.0.7", 189),
    ("1.2.840.10045.3.0.11", 238),
    ("1.2.840.10045.3.0.12", 237),
    ("1.2.840.10045.3.0.13", 236),
    ("1.2.840.10045.3.0.18", 353),
    ("1.2.840.10045.3.0.20", 418),
    ("1.3.36.3.3.2.8.1.1.1", 160),
    ("1.3.36.3.3.2.8.1.1.3", 192),
    ("1.3.36.3.3.2.8.1.1.5", 224),
    ("1.3.36.3.3.2.8.1.1.7", 256),
    ("1.3.36.3.3.2.8.1.1.9", 320),
    ("1.3.36.3.3.2.8.1.1.11", 384),
    ("1.3.36.3.3.2.8.1.1.13", 512),
];

/// Bit length of a big-endian integer read as unsigned (the JDK reads RSA
/// moduli with `getPositiveBigInteger`, so a negative encoding counts as its
/// unsigned magnitude).
fn bit_length(bytes: &[u8]) -> u32 {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let b = &bytes[start..];
    let Some((&first, rest)) = b.split_first() else { return 0 };
    u32::try_from(rest.len()).unwrap_or(0) * 8 + (8 - first.leading_zeros())
}

/// Describes the key in a `SubjectPublicKeyInfo`.
///
/// # Errors
/// A key of a supported algorithm that does not decode (the JDK then
/// refuses the certificate).
pub(crate) fn describe(spki: &Value<'_>) -> Result<KeyInfo> {
    if spki.tag != tag::SEQUENCE {
        return Err(JavaException::io("corrupt subject key"));
    }
    let mut r = spki.reader();
    let alg = r.read()?;
    let bits = r.read()?;
    if bits.tag != tag::BIT_STRING {
        return Err(JavaException::io("corrupt subject key"));
    }
    let key_bytes = bits.content.get(1..).unwrap_or_default();
    let mut ar = alg.reader();
    let alg_oid = ar.read()?.oid()?;
    let params = if ar.available() > 0 { Some(ar.read()?) } else { None };
    let invalid = || JavaException::new("java.security.InvalidKeyException", "invalid key format");
    let info = |algorithm: &str, display: &str, size: Option<u32>| KeyInfo {
        algorithm: algorithm.to_owned(),
        display: display.to_owned(),
        size,
    };
    Ok(match alg_oid.as_str() {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => {
            let seq = der::parse_one(key_bytes).map_err(|_| invalid())?;
            let n = seq.reader().read().map_err(|_| invalid())?;
            let n = n.integer_bytes().map_err(|_| invalid())?;
            let name = if alg_oid.ends_with(".10") { "RSASSA-PSS" } else { "RSA" };
            info(name, name, Some(bit_length(n)))
        }
        "1.2.840.10040.4.1" => {
            let size = match params.filter(|p| p.tag == tag::SEQUENCE) {
                Some(p) => Some(bit_length(p.reader().read()?.integer_bytes()?)),
                None => None,
            };
            info("DSA", "DSA", size)
        }
        "1.2.840.10045.2.1" => {
            let curve = params.filter(|p| p.tag == tag::OID).map(|p| p.oid()).transpose()?;
            // JDK compat: sun.security.util.CurveDB names every curve it knows
            // by its KnownOIDs standard name and sizes it by the order's bits.
            let known = curve.as_deref().and_then(|c| {
                CURVES
                    .iter()
                    .find(|(o, _)| *o == c)
                    .and_then(|(o, bits)| Some((oid::std_name(o)?, *bits)))
            });
            let Some((name, size)) = known else {
                return Err(JavaException::new(
                    "java.security.InvalidKeyException",
                    "Unsupported EC curve",
                ));
            };
            info("EC", &format!("EC ({name})"), Some(size))
        }
        "1.3.101.112" => info("Ed25519", "Ed25519", Some(255)),
        "1.3.101.113" => info("Ed448", "Ed448", Some(448)),
        "1.3.101.110" => info("XDH", "XDH", Some(255)),
        "1.3.101.111" => info("XDH", "XDH", Some(448)),
        other => {
            // An X509Key of an algorithm no provider decodes: named by AlgorithmId.getName().
            let name = oid::std_name(other).unwrap_or(other);
            info(name, name, None)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_length(&[0x00, 0x80, 0, 0]), 24);
        assert_eq!(bit_length(&[0x01]), 1);
        assert_eq!(bit_length(&[0x00, 0xff]), 8);
        // apksig's rsa-2048_negmod: a modulus encoded as a negative INTEGER.
        assert_eq!(bit_length(&[0x80, 0, 0]), 24);
    }
}
