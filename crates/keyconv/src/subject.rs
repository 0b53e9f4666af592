//! Distinguished names in openssl's `-subj` syntax
//! (`/C=US/ST=California/O=Android/CN=Android`), encoded as openssl 3 encodes
//! them with its default `string_mask = utf8only`.

use const_oid::ObjectIdentifier as Oid;
use signkit_crypto::asn1;

use crate::error::{Error, Result};

/// How openssl encodes an attribute's value (its `ASN1_STRING_TABLE`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum StringKind {
    /// DirectoryString masked to UTF8String (`utf8only`).
    Utf8,
    /// PrintableString only (`STABLE_NO_MASK`).
    Printable,
    /// IA5String only (`STABLE_NO_MASK`).
    Ia5,
    /// NumericString only.
    Numeric,
}

/// One attribute type openssl knows: short name, long name, OID, string
/// kind, and the character count limits of `ASN1_STRING_TABLE` (`None`: no limit).
struct Attribute {
    short: &'static str,
    long: &'static str,
    oid: &'static str,
    kind: StringKind,
    min: Option<usize>,
    max: Option<usize>,
}

const fn attr(
    short: &'static str,
    long: &'static str,
    oid: &'static str,
    kind: StringKind,
    min: Option<usize>,
    max: Option<usize>,
) -> Attribute {
    Attribute { short, long, oid, kind, min, max }
}

use StringKind::{Ia5, Numeric, Printable, Utf8};

/// The attribute types of openssl's object table that are used in names,
/// with the limits of `crypto/asn1/tbl_standard.h` (openssl 3).
const ATTRIBUTES: &[Attribute] = &[
    attr("CN", "commonName", "2.5.4.3", Utf8, Some(1), Some(64)),
    attr("C", "countryName", "2.5.4.6", Printable, Some(2), Some(2)),
    attr("L", "localityName", "2.5.4.7", Utf8, Some(1), Some(128)),
    attr("ST", "stateOrProvinceName", "2.5.4.8", Utf8, Some(1), Some(128)),
    attr("O", "organizationName", "2.5.4.10", Utf8, Some(1), Some(64)),
    attr("OU", "organizationalUnitName", "2.5.4.11", Utf8, Some(1), Some(64)),
    attr("emailAddress", "emailAddress", "1.2.840.113549.1.9.1", Ia5, Some(1), Some(128)),
    attr("unstructuredName", "unstructuredName", "1.2.840.113549.1.9.2", Utf8, Some(1), None),
    attr("unstructuredAddress", "unstructuredAddress", "1.2.840.113549.1.9.8", Utf8, Some(1), None),
    attr("GN", "givenName", "2.5.4.42", Utf8, Some(1), Some(32768)),
    attr("SN", "surname", "2.5.4.4", Utf8, Some(1), Some(32768)),
    attr("initials", "initials", "2.5.4.43", Utf8, Some(1), Some(32768)),
    attr("serialNumber", "serialNumber", "2.5.4.5", Printable, Some(1), Some(64)),
    attr("name", "name", "2.5.4.41", Utf8, Some(1), Some(32768)),
    attr("dnQualifier", "dnQualifier", "2.5.4.46", Printable, None, None),
    attr("DC", "domainComponent", "0.9.2342.19200300.100.1.25", Ia5, Some(1), None),
    attr("UID", "userId", "0.9.2342.19200300.100.1.1", Utf8, None, None),
    attr("title", "title", "2.5.4.12", Utf8, None, None),
    attr("description", "description", "2.5.4.13", Utf8, None, None),
    attr("street", "streetAddress", "2.5.4.9", Utf8, None, None),
    attr("postalCode", "postalCode", "2.5.4.17", Utf8, None, None),
    attr("postOfficeBox", "postOfficeBox", "2.5.4.18", Utf8, None, None),
    attr("businessCategory", "businessCategory", "2.5.4.15", Utf8, None, None),
    attr("generationQualifier", "generationQualifier", "2.5.4.44", Utf8, None, None),
    attr("pseudonym", "pseudonym", "2.5.4.65", Utf8, None, None),
    attr("role", "role", "2.5.4.72", Utf8, None, None),
    attr("organizationIdentifier", "organizationIdentifier", "2.5.4.97", Utf8, None, None),
    attr("INN", "INN", "1.2.643.3.131.1.1", Numeric, Some(1), Some(12)),
    attr("OGRN", "OGRN", "1.2.643.100.1", Numeric, Some(1), Some(13)),
    attr("SNILS", "SNILS", "1.2.643.100.3", Numeric, Some(1), Some(11)),
];

/// A parsed subject: the DER `Name`, and the warnings openssl would print
/// for attributes it skips.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    /// The DER `Name` (`RDNSequence`).
    pub der: Vec<u8>,
    /// Skipped attributes, in openssl's words (unknown type, empty value).
    pub warnings: Vec<String>,
}

/// Parses an openssl `-subj` string: `/type0=value0/type1=value1...`, `\`
/// escapes the next character, and `+` joins an attribute to the previous
/// one in a multi-valued RDN (as openssl 3's `req` always does). Types are
/// openssl's short or long names, case-sensitive. Values are UTF-8 (as
/// `openssl req -utf8`), each checked against openssl's string table.
/// An unknown type or an empty value is skipped with a warning, as openssl does.
///
/// # Errors
/// [`Error::Subject`] for a string not in that syntax, or a value that
/// openssl would refuse (too short or long, characters outside its string type).
pub fn parse_subject(subject: &str) -> Result<Subject> {
    let Some(mut rest) = subject.strip_prefix('/') else {
        return Err(Error::Subject(format!(
            "name is expected to be in the format /type0=value0/type1=value1/type2=... where characters may be escaped by \\. This name is not in that format: '{subject}'"
        )));
    };
    // Each RDN is a list of encoded AttributeTypeAndValue.
    let mut rdns: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut warnings = Vec::new();
    let mut next_is_multi = false;
    while !rest.is_empty() {
        let is_multi = next_is_multi;
        next_is_multi = false;
        let Some((typ, after)) = rest.split_once('=') else {
            return Err(Error::Subject(format!(
                "Missing '=' after RDN type string '{rest}' in subject name string"
            )));
        };
        let mut value = String::new();
        let mut chars = after.char_indices();
        let mut consumed = after.len();
        while let Some((i, c)) = chars.next() {
            match c {
                '/' => {
                    consumed = i + 1;
                    break;
                }
                '+' => {
                    next_is_multi = true;
                    consumed = i + 1;
                    break;
                }
                '\\' => match chars.next() {
                    Some((_, escaped)) => value.push(escaped),
                    None => {
                        return Err(Error::Subject(
                            "Escape character at end of subject name string".into(),
                        ));
                    }
                },
                other => value.push(other),
            }
        }
        rest = after.get(consumed..).unwrap_or_default();
        let Some(attribute) = lookup(typ) else {
            let mut w = format!("Skipping unknown subject name attribute \"{typ}\"");
            if is_multi {
                w.push_str("\nHint: a '+' in a value string needs be escaped using '\\' else a new member of a multi-valued RDN is expected");
            }
            warnings.push(w);
            continue;
        };
        if value.is_empty() {
            warnings
                .push(format!("No value provided for subject name attribute \"{typ}\", skipped"));
            continue;
        }
        let ava = encode_ava(attribute, typ, &value)?;
        match rdns.last_mut() {
            Some(last) if is_multi => last.push(ava),
            _ => rdns.push(vec![ava]),
        }
    }
    let sets: Vec<Vec<u8>> = rdns
        .iter()
        .map(|avas| {
            let refs: Vec<&[u8]> = avas.iter().map(Vec::as_slice).collect();
            asn1::set_of(&refs)
        })
        .collect();
    let refs: Vec<&[u8]> = sets.iter().map(Vec::as_slice).collect();
    Ok(Subject { der: asn1::sequence(&refs), warnings })
}

fn lookup(typ: &str) -> Option<&'static Attribute> {
    ATTRIBUTES.iter().find(|a| a.short == typ || a.long == typ || a.oid == typ)
}

fn encode_ava(attribute: &Attribute, typ: &str, value: &str) -> Result<Vec<u8>> {
    let n = value.chars().count();
    if attribute.min.is_some_and(|min| n < min) {
        return Err(Error::Subject(format!(
            "value of \"{typ}\" is too short (at least {} characters)",
            attribute.min.unwrap_or(0)
        )));
    }
    if attribute.max.is_some_and(|max| n > max) {
        return Err(Error::Subject(format!(
            "value of \"{typ}\" is too long (at most {} characters)",
            attribute.max.unwrap_or(0)
        )));
    }
    let fits = |ok: fn(char) -> bool| value.chars().all(ok);
    let tag = match attribute.kind {
        Utf8 => asn1::tag::UTF8_STRING,
        Printable if fits(is_printable) => asn1::tag::PRINTABLE_STRING,
        Ia5 if fits(|c| c.is_ascii()) => asn1::tag::IA5_STRING,
        Numeric if fits(|c| c.is_ascii_digit() || c == ' ') => 0x12,
        _ => {
            return Err(Error::Subject(format!(
                "value of \"{typ}\" has characters its string type does not allow"
            )));
        }
    };
    let oid = Oid::new(attribute.oid).map_err(|e| Error::Subject(e.to_string()))?;
    Ok(asn1::sequence(&[&asn1::oid(&oid), &asn1::tlv(tag, value.as_bytes())]))
}

/// openssl's PrintableString alphabet (`crypto/asn1/a_mbstr.c`).
fn is_printable(c: char) -> bool {
    c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aosp_subject() {
        let s = parse_subject("/C=US/ST=California/L=Mountain View/O=Android/OU=Android/CN=Android/emailAddress=android@android.com").unwrap();
        assert!(s.warnings.is_empty());
        // `openssl req -x509 ... -subj` with the same string, subject Name DER
        // (from `openssl asn1parse`: 148 bytes, C PrintableString, the rest
        // UTF8String, emailAddress IA5String).
        assert_eq!(s.der.len(), 151);
        assert_eq!(&s.der[..3], &[0x30, 0x81, 0x94]);
        assert_eq!(
            &s.der[3..16],
            &[0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, b'U', b'S']
        );
    }

    #[test]
    fn escapes_multivalue_and_skips() {
        let s = parse_subject("/CN=a\\/b\\+c+O=x/bogus=1/OU=/CN=z").unwrap();
        assert_eq!(s.warnings.len(), 2);
        let one = parse_subject("/CN=a\\/b\\+c+O=x").unwrap();
        let two = parse_subject("/CN=a\\/b\\+c+O=x/CN=z").unwrap();
        assert_eq!(s.der, two.der);
        assert_ne!(one.der, two.der);
        // One SET with two AVAs.
        assert_eq!(one.der[2], 0x31);
    }

    #[test]
    fn errors() {
        assert!(parse_subject("CN=x").is_err());
        assert!(parse_subject("/CN").is_err());
        assert!(parse_subject("/CN=x\\").is_err());
        assert!(parse_subject("/C=USA").is_err());
        assert!(parse_subject("/C=U*").is_err());
        assert!(parse_subject("/emailAddress=é@x").is_err());
        assert_eq!(parse_subject("/").unwrap().der, [0x30, 0x00]);
    }
}
