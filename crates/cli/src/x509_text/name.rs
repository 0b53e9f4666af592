//! Distinguished names as the JDK prints them (`sun.security.x509.X500Name.toString`):
//! RDNs in reverse order joined by `, `, multi-valued RDNs joined by ` + `,
//! the JDK's keyword table, `OID.1.2.3=#hex` for unknown attribute types
//! whose value is not a string, and its quoting rules.

use crate::x509_text::der::{self, JavaException, Result, Value, tag};

/// Keywords for attribute types, the preferred one where several map to the
/// same OID (`sun.security.x509.AVAKeyword`, "Preferred *LAST*").
const KEYWORDS: &[(&str, &str)] = &[
    ("2.5.4.3", "CN"),
    ("2.5.4.6", "C"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.12", "T"),
    ("1.3.6.1.4.1.42.2.11.2.1", "IP"),
    ("2.5.4.9", "STREET"),
    ("0.9.2342.19200300.100.1.25", "DC"),
    ("2.5.4.46", "DNQ"),
    ("2.5.4.4", "SURNAME"),
    ("2.5.4.42", "GIVENNAME"),
    ("2.5.4.43", "INITIALS"),
    ("2.5.4.44", "GENERATION"),
    ("1.2.840.113549.1.9.1", "EMAILADDRESS"),
    ("0.9.2342.19200300.100.1.1", "UID"),
    ("2.5.4.5", "SERIALNUMBER"),
];

/// One attribute type and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ava {
    /// Dotted OID of the attribute type.
    pub oid: String,
    /// Tag of the value.
    pub tag: u8,
    /// Content octets of the value.
    pub content: Vec<u8>,
    /// The whole value encoding.
    pub encoded: Vec<u8>,
}

/// A parsed `Name`: RDNs in encoding order, each a list of AVAs.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct X500Name {
    /// The relative distinguished names, most significant first (as encoded).
    pub rdns: Vec<Vec<Ava>>,
}

impl X500Name {
    /// Parses the DER of a `Name` (a SEQUENCE OF SET OF AttributeTypeAndValue).
    ///
    /// # Errors
    /// Malformed DER, with the JDK's message where it has one.
    pub fn from_value(v: &Value<'_>) -> Result<Self> {
        // JDK compat: X500Name.parseDER reads the content of whatever it is given.
        let mut rdns = Vec::new();
        for rdn in v.subs(None)? {
            if rdn.tag != tag::SET {
                return Err(JavaException::io("X500 RDN"));
            }
            let mut avas = Vec::new();
            for ava in rdn.subs(None)? {
                if ava.tag != tag::SEQUENCE {
                    return Err(JavaException::io("AVA not a sequence"));
                }
                let mut r = ava.reader();
                let oid = r.read()?.oid()?;
                let value = r.read()?;
                if r.available() != 0 {
                    return Err(JavaException::io(format!("AVA, extra bytes = {}", r.available())));
                }
                if value.tag == tag::BMP_STRING {
                    // JDK compat: DerValue.validateBMPString refuses surrogates.
                    let surrogate = value.content.chunks(2).position(|c| {
                        c.len() == 2
                            && (0xd800..=0xdfff).contains(&u16::from_be_bytes([c[0], c[1]]))
                    });
                    if let Some(i) = surrogate {
                        return Err(JavaException::io(format!(
                            "Illegal character in BMPString, index: {i}"
                        )));
                    }
                }
                avas.push(Ava {
                    oid,
                    tag: value.tag,
                    content: value.content.to_vec(),
                    encoded: value.encoded.to_vec(),
                });
            }
            rdns.push(avas);
        }
        Ok(Self { rdns })
    }

    /// Parses a whole `Name` encoding.
    ///
    /// # Errors
    /// Malformed DER.
    pub fn from_der(der_bytes: &[u8]) -> Result<Self> {
        Self::from_value(&der::parse_one(der_bytes)?)
    }

    /// `true` when the name has no RDNs.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rdns.is_empty()
    }
}

impl core::fmt::Display for X500Name {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (i, rdn) in self.rdns.iter().rev().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            for (j, ava) in rdn.iter().enumerate() {
                if j > 0 {
                    f.write_str(" + ")?;
                }
                f.write_str(&ava_to_string(ava))?;
            }
        }
        Ok(())
    }
}

fn keyword(oid: &str) -> String {
    KEYWORDS
        .iter()
        .find(|(o, _)| *o == oid)
        .map_or_else(|| format!("OID.{oid}"), |(_, k)| (*k).to_owned())
}

/// `DerValue.isPrintableStringChar`.
fn is_printable_string_char(c: u16) -> bool {
    matches!(c, 0x61..=0x7a | 0x41..=0x5a | 0x30..=0x39)
        || matches!(
            c,
            0x20 | 0x27 | 0x28 | 0x29 | 0x2b | 0x2c | 0x2d | 0x2e | 0x2f | 0x3a | 0x3d | 0x3f
        )
}

/// `AVA.toKeywordValueString(keyword)`.
fn ava_to_string(ava: &Ava) -> String {
    let mut out = keyword(&ava.oid);
    out.push('=');
    let Some(value) = der::decode_string(ava.tag, &ava.content) else {
        out.push('#');
        for b in &ava.encoded {
            out.push_str(&format!("{b:02x}"));
        }
        return out;
    };
    const ESCAPEES: &[u16] = &[0x2c, 0x2b, 0x3d, 0x0a, 0x3c, 0x3e, 0x23, 0x3b, 0x5c, 0x22];
    // Work on UTF-16 units as Java does.
    let units: Vec<u16> = value.encode_utf16().collect();
    let len = units.len();
    let already_quoted = len > 1 && units[0] == 0x22 && units[len - 1] == 0x22;
    let mut quote_needed = false;
    let mut previous_white = false;
    let mut sb: Vec<u16> = Vec::with_capacity(len + 4);
    for (i, &c) in units.iter().enumerate() {
        if already_quoted && (i == 0 || i == len - 1) {
            sb.push(c);
            continue;
        }
        let escapee = ESCAPEES.contains(&c);
        if is_printable_string_char(c) || escapee {
            if !quote_needed && ((i == 0 && (c == 0x20 || c == 0x0a)) || escapee) {
                quote_needed = true;
            }
            if c == 0x20 || c == 0x0a {
                if !quote_needed && previous_white {
                    quote_needed = true;
                }
                previous_white = true;
            } else {
                if c == 0x22 || c == 0x5c {
                    sb.push(0x5c);
                }
                previous_white = false;
            }
            sb.push(c);
        } else {
            previous_white = false;
            sb.push(c);
        }
    }
    if let Some(&last) = sb.last()
        && (last == 0x20 || last == 0x0a)
    {
        quote_needed = true;
    }
    let text = String::from_utf16_lossy(&sb);
    if !already_quoted && quote_needed {
        out.push('"');
        out.push_str(&text);
        out.push('"');
    } else {
        out.push_str(&text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ava(oid: &str, tag: u8, s: &[u8]) -> Ava {
        let mut encoded = vec![tag, u8::try_from(s.len()).unwrap()];
        encoded.extend_from_slice(s);
        Ava { oid: oid.into(), tag, content: s.to_vec(), encoded }
    }

    #[test]
    fn quoting_as_the_jdk() {
        // Observed: CN="#hash  first", OU="Unit + More", O="Example Org, Inc."
        assert_eq!(
            ava_to_string(&ava("2.5.4.3", tag::UTF8_STRING, b"#hash  first")),
            "CN=\"#hash  first\""
        );
        assert_eq!(
            ava_to_string(&ava("2.5.4.11", tag::UTF8_STRING, b"Unit + More")),
            "OU=\"Unit + More\""
        );
        assert_eq!(ava_to_string(&ava("2.5.4.3", tag::UTF8_STRING, b"a\"b")), "CN=\"a\\\"b\"");
        assert_eq!(ava_to_string(&ava("2.5.4.3", tag::UTF8_STRING, b"\"q\"")), "CN=\"q\"");
        assert_eq!(
            ava_to_string(&ava("2.5.4.3", tag::UTF8_STRING, "J\u{fc}rgen".as_bytes())),
            "CN=J\u{fc}rgen"
        );
        assert_eq!(
            ava_to_string(&ava("1.2.3.4", tag::OCTET_STRING, b"ab")),
            "OID.1.2.3.4=#04026162"
        );
        assert_eq!(ava_to_string(&ava("1.2.3.4", tag::UTF8_STRING, b"x")), "OID.1.2.3.4=x");
        assert_eq!(ava_to_string(&ava("2.5.4.8", tag::PRINTABLE_STRING, b"S")), "ST=S");
    }

    #[test]
    fn reversed_and_multi_valued() {
        let n = X500Name {
            rdns: vec![
                vec![ava("2.5.4.6", tag::PRINTABLE_STRING, b"US")],
                vec![
                    ava("2.5.4.3", tag::UTF8_STRING, b"ed"),
                    ava("2.5.4.11", tag::UTF8_STRING, b"multi"),
                ],
            ],
        };
        assert_eq!(n.to_string(), "CN=ed + OU=multi, C=US");
    }
}
