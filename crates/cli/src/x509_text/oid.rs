//! Object identifiers: decoding to dotted text, and the JDK's table of
//! standard names (`sun.security.util.KnownOIDs`), which is what the JDK
//! prints for signature algorithms and extended key usages.

use crate::x509_text::der::{JavaException, Result};

/// Decodes the content octets of an OBJECT IDENTIFIER to dotted text.
///
/// # Errors
/// The JDK's checks (`ObjectIdentifier.check`): a last octet with the
/// continuation bit, or a sub-identifier starting with `0x80`.
pub fn decode(content: &[u8]) -> Result<String> {
    if content.last().is_none_or(|b| b & 0x80 != 0) {
        return Err(JavaException::io("ObjectIdentifier() -- Invalid DER encoding, not ended"));
    }
    for (i, &b) in content.iter().enumerate() {
        if b == 0x80 && (i == 0 || content[i - 1] & 0x80 == 0) {
            return Err(JavaException::io(
                "ObjectIdentifier() -- Invalid DER encoding, useless extra octet detected",
            ));
        }
    }
    let mut out = String::new();
    let mut first = true;
    // Sub-identifiers can be arbitrarily large: accumulate as base-128 digits
    // and convert to decimal only when they overflow u128.
    let mut acc: Vec<u8> = Vec::new();
    for &b in content {
        acc.push(b & 0x7f);
        if b & 0x80 != 0 {
            continue;
        }
        let digits = core::mem::take(&mut acc);
        if first {
            first = false;
            // The first sub-identifier packs two arcs: 40 * X + Y.
            let (x, y) = first_arcs(&digits);
            out.push_str(&x);
            out.push('.');
            out.push_str(&y);
        } else {
            out.push('.');
            out.push_str(&base128_to_decimal(&digits));
        }
    }
    Ok(out)
}

fn first_arcs(digits: &[u8]) -> (String, String) {
    if let Some(v) = small(digits) {
        return match v {
            0..40 => ("0".into(), v.to_string()),
            40..80 => ("1".into(), (v - 40).to_string()),
            _ => ("2".into(), (v - 80).to_string()),
        };
    }
    // Huge first sub-identifier: 2.(v - 80).
    let dec = base128_to_decimal(digits);
    ("2".into(), decimal_sub_small(&dec, 80))
}

fn small(digits: &[u8]) -> Option<u128> {
    let mut v: u128 = 0;
    for &d in digits {
        v = v.checked_mul(128)?.checked_add(u128::from(d))?;
    }
    Some(v)
}

fn base128_to_decimal(digits: &[u8]) -> String {
    if let Some(v) = small(digits) {
        return v.to_string();
    }
    // Schoolbook conversion: decimal digits, least significant first.
    let mut dec: Vec<u32> = vec![0];
    for &d in digits {
        let mut carry = u32::from(d);
        for x in &mut dec {
            let v = *x * 128 + carry;
            *x = v % 10;
            carry = v / 10;
        }
        while carry > 0 {
            dec.push(carry % 10);
            carry /= 10;
        }
    }
    dec.iter().rev().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect()
}

fn decimal_sub_small(dec: &str, sub: u32) -> String {
    let mut digits: Vec<u32> = dec.chars().rev().map(|c| c.to_digit(10).unwrap_or(0)).collect();
    let mut borrow = sub;
    for d in &mut digits {
        let take = borrow % 10;
        borrow /= 10;
        if *d >= take {
            *d -= take;
        } else {
            *d = *d + 10 - take;
            borrow += 1;
        }
        if borrow == 0 {
            break;
        }
    }
    while digits.len() > 1 && digits.last() == Some(&0) {
        digits.pop();
    }
    digits.iter().rev().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect()
}

/// The JDK's standard name for a known OID (`KnownOIDs.findMatch(oid).stdName()`).
#[must_use]
pub fn std_name(oid: &str) -> Option<&'static str> {
    KNOWN_OIDS.iter().find(|(o, _)| *o == oid).map(|(_, n)| *n)
}

/// `(oid, stdName)` of every `sun.security.util.KnownOIDs` constant in JDK 17.
const KNOWN_OIDS: &[(&str, &str)] = &[
    ("2.5.4.3", "CommonName"),
    ("2.5.4.4", "Surname"),
    ("2.5.4.5", "SerialNumber"),
    ("2.5.4.6", "CountryName"),
    ("2.5.4.7", "LocalityName"),
    ("2.5.4.8", "StateName"),
    ("2.5.4.9", "StreetAddress"),
    ("2.5.4.10", "OrgName"),
    ("2.5.4.11", "OrgUnitName"),
    ("2.5.4.12", "Title"),
    ("2.5.4.42", "GivenName"),
    ("2.5.4.43", "Initials"),
    ("2.5.4.44", "GenerationQualifier"),
    ("2.5.4.46", "DNQualifier"),
    ("2.5.29.9", "SubjectDirectoryAttributes"),
    ("2.5.29.14", "SubjectKeyID"),
    ("2.5.29.15", "KeyUsage"),
    ("2.5.29.16", "PrivateKeyUsage"),
    ("2.5.29.17", "SubjectAlternativeName"),
    ("2.5.29.18", "IssuerAlternativeName"),
    ("2.5.29.19", "BasicConstraints"),
    ("2.5.29.20", "CRLNumber"),
    ("2.5.29.21", "ReasonCode"),
    ("2.5.29.23", "HoldInstructionCode"),
    ("2.5.29.24", "InvalidityDate"),
    ("2.5.29.27", "DeltaCRLIndicator"),
    ("2.5.29.28", "IssuingDistributionPoint"),
    ("2.5.29.29", "CertificateIssuer"),
    ("2.5.29.30", "NameConstraints"),
    ("2.5.29.31", "CRLDistributionPoints"),
    ("2.5.29.32", "CertificatePolicies"),
    ("2.5.29.32.0", "CE_CERT_POLICIES_ANY"),
    ("2.5.29.33", "PolicyMappings"),
    ("2.5.29.35", "AuthorityKeyID"),
    ("2.5.29.36", "PolicyConstraints"),
    ("2.5.29.37", "extendedKeyUsage"),
    ("2.5.29.37.0", "anyExtendedKeyUsage"),
    ("2.5.29.46", "FreshestCRL"),
    ("2.5.29.54", "InhibitAnyPolicy"),
    ("1.3.6.1.5.5.7.1.1", "AuthInfoAccess"),
    ("1.3.6.1.5.5.7.1.11", "SubjectInfoAccess"),
    ("1.3.6.1.5.5.7.3.1", "serverAuth"),
    ("1.3.6.1.5.5.7.3.2", "clientAuth"),
    ("1.3.6.1.5.5.7.3.3", "codeSigning"),
    ("1.3.6.1.5.5.7.3.4", "emailProtection"),
    ("1.3.6.1.5.5.7.3.5", "ipsecEndSystem"),
    ("1.3.6.1.5.5.7.3.6", "ipsecTunnel"),
    ("1.3.6.1.5.5.7.3.7", "ipsecUser"),
    ("1.3.6.1.5.5.7.3.8", "timeStamping"),
    ("1.3.6.1.5.5.7.3.9", "OCSPSigning"),
    ("1.3.6.1.5.5.7.48.1", "OCSP"),
    ("1.3.6.1.5.5.7.48.1.1", "OCSPBasicResponse"),
    ("1.3.6.1.5.5.7.48.1.2", "OCSPNonceExt"),
    ("1.3.6.1.5.5.7.48.1.5", "OCSPNoCheck"),
    ("1.3.6.1.5.5.7.48.2", "caIssuers"),
    ("1.3.6.1.5.5.7.48.3", "timeStamping"),
    ("1.3.6.1.5.5.7.48.5", "caRepository"),
    ("2.16.840.1.101.3.4.1", "AES"),
    ("2.16.840.1.101.3.4.1.1", "AES_128/ECB/NoPadding"),
    ("2.16.840.1.101.3.4.1.2", "AES_128/CBC/NoPadding"),
    ("2.16.840.1.101.3.4.1.3", "AES_128/OFB/NoPadding"),
    ("2.16.840.1.101.3.4.1.4", "AES_128/CFB/NoPadding"),
    ("2.16.840.1.101.3.4.1.5", "AES_128/KW/NoPadding"),
    ("2.16.840.1.101.3.4.1.6", "AES_128/GCM/NoPadding"),
    ("2.16.840.1.101.3.4.1.8", "AES_128/KWP/NoPadding"),
    ("2.16.840.1.101.3.4.1.21", "AES_192/ECB/NoPadding"),
    ("2.16.840.1.101.3.4.1.22", "AES_192/CBC/NoPadding"),
    ("2.16.840.1.101.3.4.1.23", "AES_192/OFB/NoPadding"),
    ("2.16.840.1.101.3.4.1.24", "AES_192/CFB/NoPadding"),
    ("2.16.840.1.101.3.4.1.25", "AES_192/KW/NoPadding"),
    ("2.16.840.1.101.3.4.1.26", "AES_192/GCM/NoPadding"),
    ("2.16.840.1.101.3.4.1.28", "AES_192/KWP/NoPadding"),
    ("2.16.840.1.101.3.4.1.41", "AES_256/ECB/NoPadding"),
    ("2.16.840.1.101.3.4.1.42", "AES_256/CBC/NoPadding"),
    ("2.16.840.1.101.3.4.1.43", "AES_256/OFB/NoPadding"),
    ("2.16.840.1.101.3.4.1.44", "AES_256/CFB/NoPadding"),
    ("2.16.840.1.101.3.4.1.45", "AES_256/KW/NoPadding"),
    ("2.16.840.1.101.3.4.1.46", "AES_256/GCM/NoPadding"),
    ("2.16.840.1.101.3.4.1.48", "AES_256/KWP/NoPadding"),
    ("2.16.840.1.101.3.4.2.1", "SHA-256"),
    ("2.16.840.1.101.3.4.2.2", "SHA-384"),
    ("2.16.840.1.101.3.4.2.3", "SHA-512"),
    ("2.16.840.1.101.3.4.2.4", "SHA-224"),
    ("2.16.840.1.101.3.4.2.5", "SHA-512/224"),
    ("2.16.840.1.101.3.4.2.6", "SHA-512/256"),
    ("2.16.840.1.101.3.4.2.7", "SHA3-224"),
    ("2.16.840.1.101.3.4.2.8", "SHA3-256"),
    ("2.16.840.1.101.3.4.2.9", "SHA3-384"),
    ("2.16.840.1.101.3.4.2.10", "SHA3-512"),
    ("2.16.840.1.101.3.4.2.11", "SHAKE128"),
    ("2.16.840.1.101.3.4.2.12", "SHAKE256"),
    ("2.16.840.1.101.3.4.2.13", "HmacSHA3-224"),
    ("2.16.840.1.101.3.4.2.14", "HmacSHA3-256"),
    ("2.16.840.1.101.3.4.2.15", "HmacSHA3-384"),
    ("2.16.840.1.101.3.4.2.16", "HmacSHA3-512"),
    ("2.16.840.1.101.3.4.2.17", "SHAKE128-LEN"),
    ("2.16.840.1.101.3.4.2.18", "SHAKE256-LEN"),
    ("2.16.840.1.101.3.4.3.1", "SHA224withDSA"),
    ("2.16.840.1.101.3.4.3.2", "SHA256withDSA"),
    ("2.16.840.1.101.3.4.3.3", "SHA384withDSA"),
    ("2.16.840.1.101.3.4.3.4", "SHA512withDSA"),
    ("2.16.840.1.101.3.4.3.5", "SHA3-224withDSA"),
    ("2.16.840.1.101.3.4.3.6", "SHA3-256withDSA"),
    ("2.16.840.1.101.3.4.3.7", "SHA3-384withDSA"),
    ("2.16.840.1.101.3.4.3.8", "SHA3-512withDSA"),
    ("2.16.840.1.101.3.4.3.9", "SHA3-224withECDSA"),
    ("2.16.840.1.101.3.4.3.10", "SHA3-256withECDSA"),
    ("2.16.840.1.101.3.4.3.11", "SHA3-384withECDSA"),
    ("2.16.840.1.101.3.4.3.12", "SHA3-512withECDSA"),
    ("2.16.840.1.101.3.4.3.13", "SHA3-224withRSA"),
    ("2.16.840.1.101.3.4.3.14", "SHA3-256withRSA"),
    ("2.16.840.1.101.3.4.3.15", "SHA3-384withRSA"),
    ("2.16.840.1.101.3.4.3.16", "SHA3-512withRSA"),
    ("1.2.840.113549.1.1", "RSA"),
    ("1.2.840.113549.1.1.1", "RSA"),
    ("1.2.840.113549.1.1.2", "MD2withRSA"),
    ("1.2.840.113549.1.1.4", "MD5withRSA"),
    ("1.2.840.113549.1.1.5", "SHA1withRSA"),
    ("1.2.840.113549.1.1.7", "OAEP"),
    ("1.2.840.113549.1.1.8", "MGF1"),
    ("1.2.840.113549.1.1.9", "PSpecified"),
    ("1.2.840.113549.1.1.10", "RSASSA-PSS"),
    ("1.2.840.113549.1.1.11", "SHA256withRSA"),
    ("1.2.840.113549.1.1.12", "SHA384withRSA"),
    ("1.2.840.113549.1.1.13", "SHA512withRSA"),
    ("1.2.840.113549.1.1.14", "SHA224withRSA"),
    ("1.2.840.113549.1.1.15", "SHA512/224withRSA"),
    ("1.2.840.113549.1.1.16", "SHA512/256withRSA"),
    ("1.2.840.113549.1.3.1", "DiffieHellman"),
    ("1.2.840.113549.1.5.3", "PBEWithMD5AndDES"),
    ("1.2.840.113549.1.5.6", "PBEWithMD5AndRC2"),
    ("1.2.840.113549.1.5.10", "PBEWithSHA1AndDES"),
    ("1.2.840.113549.1.5.11", "PBEWithSHA1AndRC2"),
    ("1.2.840.113549.1.5.12", "PBKDF2WithHmacSHA1"),
    ("1.2.840.113549.1.5.13", "PBES2"),
    ("1.2.840.113549.1.7", "PKCS7"),
    ("1.2.840.113549.1.7.1", "Data"),
    ("1.2.840.113549.1.7.2", "SignedData"),
    ("1.2.840.1113549.1.7.1", "JDK_OLD_Data"),
    ("1.2.840.1113549.1.7.2", "JDK_OLD_SignedData"),
    ("1.2.840.113549.1.7.3", "EnvelopedData"),
    ("1.2.840.113549.1.7.4", "SignedAndEnvelopedData"),
    ("1.2.840.113549.1.7.5", "DigestedData"),
    ("1.2.840.113549.1.7.6", "EncryptedData"),
    ("1.2.840.113549.1.9.1", "EmailAddress"),
    ("1.2.840.113549.1.9.2", "UnstructuredName"),
    ("1.2.840.113549.1.9.3", "ContentType"),
    ("1.2.840.113549.1.9.4", "MessageDigest"),
    ("1.2.840.113549.1.9.5", "SigningTime"),
    ("1.2.840.113549.1.9.6", "CounterSignature"),
    ("1.2.840.113549.1.9.7", "ChallengePassword"),
    ("1.2.840.113549.1.9.8", "UnstructuredAddress"),
    ("1.2.840.113549.1.9.9", "ExtendedCertificateAttributes"),
    ("1.2.840.113549.1.9.10", "IssuerAndSerialNumber"),
    ("1.2.840.113549.1.9.14", "ExtensionRequest"),
    ("1.2.840.113549.1.9.15", "SMIMECapability"),
    ("1.2.840.113549.1.9.16.1.4", "TimeStampTokenInfo"),
    ("1.2.840.113549.1.9.16.2.12", "SigningCertificate"),
    ("1.2.840.113549.1.9.16.2.14", "SignatureTimestampToken"),
    ("1.2.840.113549.1.9.16.3.18", "CHACHA20-POLY1305"),
    ("1.2.840.113549.1.9.20", "FriendlyName"),
    ("1.2.840.113549.1.9.21", "LocalKeyID"),
    ("1.2.840.113549.1.9.22.1", "CertTypeX509"),
    ("1.2.840.113549.1.9.52", "CMSAlgorithmProtection"),
    ("1.2.840.113549.1.12.1.1", "PBEWithSHA1AndRC4_128"),
    ("1.2.840.113549.1.12.1.2", "PBEWithSHA1AndRC4_40"),
    ("1.2.840.113549.1.12.1.3", "PBEWithSHA1AndDESede"),
    ("1.2.840.113549.1.12.1.5", "PBEWithSHA1AndRC2_128"),
    ("1.2.840.113549.1.12.1.6", "PBEWithSHA1AndRC2_40"),
    ("1.2.840.113549.1.12.10.1.2", "PKCS8ShroudedKeyBag"),
    ("1.2.840.113549.1.12.10.1.3", "CertBag"),
    ("1.2.840.113549.1.12.10.1.5", "SecretBag"),
    ("1.2.840.113549.2.2", "MD2"),
    ("1.2.840.113549.2.5", "MD5"),
    ("1.2.840.113549.2.7", "HmacSHA1"),
    ("1.2.840.113549.2.8", "HmacSHA224"),
    ("1.2.840.113549.2.9", "HmacSHA256"),
    ("1.2.840.113549.2.10", "HmacSHA384"),
    ("1.2.840.113549.2.11", "HmacSHA512"),
    ("1.2.840.113549.2.12", "HmacSHA512/224"),
    ("1.2.840.113549.2.13", "HmacSHA512/256"),
    ("1.2.840.113549.3.2", "RC2/CBC/PKCS5Padding"),
    ("1.2.840.113549.3.4", "ARCFOUR"),
    ("1.2.840.113549.3.7", "DESede/CBC/NoPadding"),
    ("1.2.840.113549.3.9", "RC5/CBC/PKCS5Padding"),
    ("1.2.840.10040.4.1", "DSA"),
    ("1.2.840.10040.4.3", "SHA1withDSA"),
    ("1.2.840.10045.2.1", "EC"),
    ("1.2.840.10045.3.0.5", "X9.62"),
    ("1.2.840.10045.3.0.6", "X9.62"),
    ("1.2.840.10045.3.0.7", "X9.62"),
    ("1.2.840.10045.3.0.11", "X9.62"),
    ("1.2.840.10045.3.0.12", "X9.62"),
    ("1.2.840.10045.3.0.13", "X9.62"),
    ("1.2.840.10045.3.0.18", "X9.62"),
    ("1.2.840.10045.3.0.20", "X9.62"),
    ("1.2.840.10045.3.1.1", "secp192r1"),
    ("1.2.840.10045.3.1.2", "X9.62"),
    ("1.2.840.10045.3.1.3", "X9.62"),
    ("1.2.840.10045.3.1.4", "X9.62"),
    ("1.2.840.10045.3.1.5", "X9.62"),
    ("1.2.840.10045.3.1.6", "X9.62"),
    ("1.2.840.10045.3.1.7", "secp256r1"),
    ("1.2.840.10045.4.1", "SHA1withECDSA"),
    ("1.2.840.10045.4.3.1", "SHA224withECDSA"),
    ("1.2.840.10045.4.3.2", "SHA256withECDSA"),
    ("1.2.840.10045.4.3.3", "SHA384withECDSA"),
    ("1.2.840.10045.4.3.4", "SHA512withECDSA"),
    ("1.2.840.10045.4.3", "SpecifiedSHA2withECDSA"),
    ("1.2.840.10046.2.1", "DiffieHellman"),
    ("1.3.36.3.3.2.8.1.1.1", "brainpoolP160r1"),
    ("1.3.36.3.3.2.8.1.1.3", "brainpoolP192r1"),
    ("1.3.36.3.3.2.8.1.1.5", "brainpoolP224r1"),
    ("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1"),
    ("1.3.36.3.3.2.8.1.1.9", "brainpoolP320r1"),
    ("1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1"),
    ("1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1"),
    ("1.3.132.0.1", "sect163k1"),
    ("1.3.132.0.2", "sect163r1"),
    ("1.3.132.0.3", "sect239k1"),
    ("1.3.132.0.4", "sect113r1"),
    ("1.3.132.0.5", "sect113r2"),
    ("1.3.132.0.6", "secp112r1"),
    ("1.3.132.0.7", "secp112r2"),
    ("1.3.132.0.8", "secp160r1"),
    ("1.3.132.0.9", "secp160k1"),
    ("1.3.132.0.10", "secp256k1"),
    ("1.3.132.0.15", "sect163r2"),
    ("1.3.132.0.16", "sect283k1"),
    ("1.3.132.0.17", "sect283r1"),
    ("1.3.132.0.22", "sect131r1"),
    ("1.3.132.0.23", "sect131r2"),
    ("1.3.132.0.24", "sect193r1"),
    ("1.3.132.0.25", "sect193r2"),
    ("1.3.132.0.26", "sect233k1"),
    ("1.3.132.0.27", "sect233r1"),
    ("1.3.132.0.28", "secp128r1"),
    ("1.3.132.0.29", "secp128r2"),
    ("1.3.132.0.30", "secp160r2"),
    ("1.3.132.0.31", "secp192k1"),
    ("1.3.132.0.32", "secp224k1"),
    ("1.3.132.0.33", "secp224r1"),
    ("1.3.132.0.34", "secp384r1"),
    ("1.3.132.0.35", "secp521r1"),
    ("1.3.132.0.36", "sect409k1"),
    ("1.3.132.0.37", "sect409r1"),
    ("1.3.132.0.38", "sect571k1"),
    ("1.3.132.0.39", "sect571r1"),
    ("1.3.132.1.12", "ECDH"),
    ("1.3.14.3.2.7", "DES/CBC"),
    ("1.3.14.3.2.12", "DSA"),
    ("1.3.14.3.2.13", "SHA1withDSA"),
    ("1.3.14.3.2.15", "SHA1withRSA"),
    ("1.3.14.3.2.17", "DESede"),
    ("1.3.14.3.2.26", "SHA-1"),
    ("1.3.14.3.2.27", "SHA1withDSA"),
    ("1.3.14.3.2.29", "SHA1withRSA"),
    ("1.3.101.110", "X25519"),
    ("1.3.101.111", "X448"),
    ("1.3.101.112", "Ed25519"),
    ("1.3.101.113", "Ed448"),
    ("0.9.2342.19200300.100.1.1", "UCL_UserID"),
    ("0.9.2342.19200300.100.1.25", "UCL_DomainComponent"),
    ("2.16.840.1.113730.1.1", "NETSCAPE_CertType"),
    ("2.16.840.1.113730.2.5", "NETSCAPE_CertSequence"),
    ("2.16.840.1.113730.4.1", "NETSCAPE_ExportApproved"),
    ("2.16.840.1.113894.746875.1.1", "ORACLE_TrustedKeyUsage"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes() {
        assert_eq!(
            decode(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]).unwrap(),
            "1.2.840.113549.1.1.11"
        );
        assert_eq!(decode(&[0x55, 0x1d, 0x0e]).unwrap(), "2.5.29.14");
        assert_eq!(decode(&[0x88, 0x37, 0x03]).unwrap(), "2.999.3");
        assert!(decode(&[0x2a, 0x86]).is_err());
        assert!(decode(&[0x2a, 0x80, 0x01]).is_err());
        let huge = [
            0x2a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
        ];
        assert_eq!(decode(&huge).unwrap(), format!("1.2.{}", big()));
    }

    fn big() -> String {
        // 2^140 - 1
        "1393796574908163946345982392040522594123775".to_owned()
    }

    #[test]
    fn names() {
        assert_eq!(std_name("1.2.840.113549.1.1.11"), Some("SHA256withRSA"));
        assert_eq!(std_name("1.3.6.1.5.5.7.3.8"), Some("timeStamping"));
        assert_eq!(std_name("1.3.101.112"), Some("Ed25519"));
        assert_eq!(std_name("1.2.3"), None);
    }
}
