//! Distinguished names as `javax.security.auth.x500.X500Principal` renders
//! and compares them, for the PKCS12 writer (`friendlyName` of CA
//! certificates) and chain building.
//!
//! ```text
//! Name ::= SEQUENCE OF RelativeDistinguishedName
//! RelativeDistinguishedName ::= SET OF AttributeTypeAndValue { type OID, value ANY }
//! ```

use const_oid::ObjectIdentifier;

use crate::asn1::{self, Tlv, tag};
use crate::error::Result;

/// The RFC 2253 keywords of `sun.security.x509.AVAKeyword`.
fn rfc2253_keyword(oid: &ObjectIdentifier) -> Option<&'static str> {
    Some(match oid.to_string().as_str() {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.9" => "STREET",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        _ => return None,
    })
}

/// `DerValue.isPrintableStringChar`.
fn is_printable_string_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c)
}

/// The text of a string-typed value, decoded as `AVA.getCharset` does, or
/// `None` when the type has no string form. `canonical` admits only
/// PrintableString and UTF8String, as the JDK's canonical form does.
fn value_text(v: &Tlv<'_>, canonical: bool) -> Option<String> {
    match v.tag {
        tag::PRINTABLE_STRING => Some(v.body.iter().map(|&b| char::from(b)).collect()),
        tag::UTF8_STRING => String::from_utf8(v.body.to_vec()).ok(),
        _ if canonical => None,
        tag::T61_STRING | tag::IA5_STRING | tag::GENERAL_STRING => {
            Some(v.body.iter().map(|&b| char::from(b)).collect())
        }
        tag::BMP_STRING => {
            let units: Vec<u16> =
                v.body.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            Some(String::from_utf16_lossy(&units))
        }
        _ => None,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads the RDNs of a `Name`, each as its AVAs (OID and value element).
fn rdns(name_der: &[u8]) -> Result<Vec<Vec<(ObjectIdentifier, Tlv<'_>)>>> {
    let name = asn1::parse_exact(name_der, "Name")?;
    name.expect(tag::SEQUENCE, "Name")?;
    let mut out = Vec::new();
    let mut r = name.children();
    while !r.is_empty() {
        let rdn = r.read_tag(tag::SET, "RelativeDistinguishedName")?;
        let mut avas = Vec::new();
        let mut ar = rdn.children();
        while !ar.is_empty() {
            let ava = ar.read_tag(tag::SEQUENCE, "AttributeTypeAndValue")?;
            let mut vr = ava.children();
            let oid = vr.read()?.oid()?;
            let value = vr.read()?;
            avas.push((oid, value));
        }
        out.push(avas);
    }
    Ok(out)
}

/// `AVA.toRFC2253String()`.
fn ava_rfc2253(oid: &ObjectIdentifier, value: &Tlv<'_>) -> String {
    let keyword = rfc2253_keyword(oid).map_or_else(|| oid.to_string(), str::to_owned);
    let mut out = keyword.clone();
    out.push('=');
    let text = if keyword.starts_with(|c: char| c.is_ascii_digit()) {
        None
    } else {
        value_text(value, false)
    };
    let Some(text) = text else {
        out.push('#');
        out.push_str(&hex(value.raw));
        return out;
    };
    const ESCAPEES: &str = ",=+<>#;\"\\";
    let mut chars: Vec<char> = Vec::new();
    for c in text.chars() {
        if is_printable_string_char(c) || ESCAPEES.contains(c) {
            if ESCAPEES.contains(c) {
                chars.push('\\');
            }
            chars.push(c);
        } else if c == '\0' {
            chars.extend(['\\', '0', '0']);
        } else {
            chars.push(c);
        }
    }
    // Escape leading and trailing spaces (and carriage returns).
    let is_ws = |c: char| c == ' ' || c == '\r';
    let lead = chars.iter().take_while(|&&c| is_ws(c)).count();
    let trail = chars.iter().rev().take_while(|&&c| is_ws(c)).count();
    let n = chars.len();
    for (i, c) in chars.into_iter().enumerate() {
        if i < lead || i >= n - trail {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `X500Principal.getName()` (RFC 2253): RDNs from last to first, joined by
/// commas; the AVAs of a multi-valued RDN joined by `+` in encoded order.
pub(crate) fn rfc2253_name(name_der: &[u8]) -> Result<String> {
    let rdns = rdns(name_der)?;
    let parts: Vec<String> = rdns
        .iter()
        .rev()
        .map(|avas| avas.iter().map(|(oid, v)| ava_rfc2253(oid, v)).collect::<Vec<_>>().join("+"))
        .collect();
    Ok(parts.join(","))
}

/// `AVA.toRFC2253CanonicalString()`, without the final NFKD normalisation.
fn ava_canonical(oid: &ObjectIdentifier, value: &Tlv<'_>) -> (bool, String) {
    let keyword = rfc2253_keyword(oid);
    let mut out = keyword.map_or_else(|| oid.to_string(), str::to_owned);
    out.push('=');
    match keyword.and_then(|_| value_text(value, true)) {
        None => {
            out.push('#');
            out.push_str(&hex(value.raw));
        }
        Some(text) => {
            const ESCAPEES: &str = ",+<>;\"\\";
            let mut s = String::new();
            let mut previous_white = false;
            for (i, c) in text.chars().enumerate() {
                if is_printable_string_char(c) || ESCAPEES.contains(c) || (i == 0 && c == '#') {
                    if (i == 0 && c == '#') || ESCAPEES.contains(c) {
                        s.push('\\');
                    }
                    if c.is_whitespace() {
                        if previous_white {
                            continue;
                        }
                        previous_white = true;
                    } else {
                        previous_white = false;
                    }
                    s.push(c);
                } else {
                    previous_white = false;
                    s.push(c);
                }
            }
            out.push_str(s.trim_matches(|c: char| c <= ' '));
        }
    }
    (keyword.is_some(), out.to_uppercase().to_lowercase())
}

/// A comparison key for names: equal keys mean `X500Principal.equals`
/// (canonical RFC 2253 forms, case- and space-insensitive for
/// PrintableString and UTF8String values). Unparsable names compare by bytes.
pub(crate) fn canonical_key(name_der: &[u8]) -> String {
    let Ok(rdns) = rdns(name_der) else { return format!("#{}", hex(name_der)) };
    let parts: Vec<String> = rdns
        .iter()
        .rev()
        .map(|avas| {
            let mut c: Vec<(bool, String)> =
                avas.iter().map(|(oid, v)| ava_canonical(oid, v)).collect();
            // Standard keywords first, then OIDs, each sorted (RDN.AVAComparator).
            c.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            c.into_iter().map(|(_, s)| s).collect::<Vec<_>>().join("+")
        })
        .collect();
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(rdns: &[&[(&str, u8, &str)]]) -> Vec<u8> {
        let sets: Vec<Vec<u8>> = rdns
            .iter()
            .map(|avas| {
                let seqs: Vec<Vec<u8>> = avas
                    .iter()
                    .map(|(oid, t, v)| {
                        asn1::seq(&[
                            &asn1::oid(&ObjectIdentifier::new_unwrap(oid)),
                            &asn1::tlv(*t, v.as_bytes()),
                        ])
                    })
                    .collect();
                let refs: Vec<&[u8]> = seqs.iter().map(Vec::as_slice).collect();
                asn1::cons(tag::SET, &refs)
            })
            .collect();
        let refs: Vec<&[u8]> = sets.iter().map(Vec::as_slice).collect();
        asn1::seq(&refs)
    }

    #[test]
    fn rfc2253_like_the_jdk() {
        let n = name(&[
            &[("2.5.4.6", tag::PRINTABLE_STRING, "US")],
            &[("2.5.4.10", tag::UTF8_STRING, "Example, Inc.")],
            &[("2.5.4.3", tag::UTF8_STRING, " Root ")],
        ]);
        assert_eq!(rfc2253_name(&n).unwrap(), "CN=\\ Root\\ ,O=Example\\, Inc.,C=US");
        let e = name(&[&[
            ("1.2.840.113549.1.9.1", tag::IA5_STRING, "a@b"),
            ("2.5.4.3", tag::UTF8_STRING, "x"),
        ]]);
        assert_eq!(rfc2253_name(&e).unwrap(), "1.2.840.113549.1.9.1=#1603614062+CN=x");
    }

    #[test]
    fn canonical_ignores_case_space_and_string_type() {
        let a = name(&[&[("2.5.4.3", tag::PRINTABLE_STRING, "My  CA")]]);
        let b = name(&[&[("2.5.4.3", tag::UTF8_STRING, " my ca")]]);
        let c = name(&[&[("2.5.4.3", tag::UTF8_STRING, "other")]]);
        assert_eq!(canonical_key(&a), canonical_key(&b));
        assert_ne!(canonical_key(&a), canonical_key(&c));
    }
}
