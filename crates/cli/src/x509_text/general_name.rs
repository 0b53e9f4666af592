//! `GeneralName` and `GeneralNames` with the JDK's checks and `toString`
//! (`sun.security.x509.GeneralName`, `DNSName`, `RFC822Name`, `URIName`,
//! `IPAddressName`, `OIDName`, `OtherName`, `EDIPartyName`, `X400Address`).

use crate::x509_text::der::{self, JavaException, Result, Value, tag};
use crate::x509_text::hexdump;
use crate::x509_text::name::X500Name;

/// A parsed general name, ready to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GeneralName(String);

impl core::fmt::Display for GeneralName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `GeneralNames.toString()`: a Java `List`, `[a, b]`.
#[must_use]
pub(crate) fn list_to_string(names: &[GeneralName]) -> String {
    let parts: Vec<String> = names.iter().map(ToString::to_string).collect();
    format!("[{}]", parts.join(", "))
}

/// `new GeneralNames(DerValue)`: a non-empty SEQUENCE of names.
///
/// # Errors
/// The JDK's messages.
pub(crate) fn parse_general_names(v: &Value<'_>) -> Result<Vec<GeneralName>> {
    if v.tag != tag::SEQUENCE {
        return Err(JavaException::io("Invalid encoding for GeneralNames."));
    }
    if v.content.is_empty() {
        return Err(JavaException::io("No data available in passed DER encoded value."));
    }
    let mut r = v.reader();
    let mut out = Vec::new();
    while r.available() != 0 {
        out.push(parse_general_name(&r.read()?, false)?);
    }
    Ok(out)
}

/// Same as [`parse_general_names`] for implicitly tagged content (the tag was
/// reset to SEQUENCE by the caller in the JDK).
///
/// # Errors
/// The JDK's messages.
pub(crate) fn parse_general_names_content(content: &[u8]) -> Result<Vec<GeneralName>> {
    let v = Value { tag: tag::SEQUENCE, content, encoded: content };
    parse_general_names(&v)
}

fn ia5(v: &Value<'_>) -> String {
    der::decode_string(tag::IA5_STRING, v.content).unwrap_or_default()
}

/// `new GeneralName(DerValue, nameConstraint)`.
///
/// # Errors
/// The JDK's messages for malformed names.
pub(crate) fn parse_general_name(v: &Value<'_>, name_constraint: bool) -> Result<GeneralName> {
    let context = v.tag & 0xc0 == 0x80;
    let constructed = v.is_constructed();
    let text = match v.tag & 0x1f {
        0 => {
            if !context || !constructed {
                return Err(JavaException::io("Invalid encoding of Other-Name"));
            }
            let mut r = v.reader();
            let oid = r.read()?.oid()?;
            r.read()?;
            format!("Other-Name: Unrecognized ObjectIdentifier: {oid}")
        }
        1 => {
            if !context || constructed {
                return Err(JavaException::io("Invalid encoding of RFC822 name"));
            }
            let name = ia5(v);
            check_rfc822(&name)?;
            format!("RFC822Name: {name}")
        }
        2 => {
            if !context || constructed {
                return Err(JavaException::io("Invalid encoding of DNSName"));
            }
            format!("DNSName: {}", ia5(v))
        }
        3 => {
            if !context || !constructed {
                return Err(JavaException::io("Invalid encoding of X400Address name"));
            }
            "X400Address: <DER-encoded value>".to_owned()
        }
        4 => {
            if !context || !constructed {
                return Err(JavaException::io("Invalid encoding of Directory name"));
            }
            // JDK compat: X500Name(DerInputStream) reads the first value of the content.
            let inner = der::Reader::new(v.content).read()?;
            X500Name::from_value(&inner)?.to_string()
        }
        5 => {
            if !context || !constructed {
                return Err(JavaException::io("Invalid encoding of EDI name"));
            }
            edi_party_name(v)?
        }
        6 => {
            if !context || constructed {
                return Err(JavaException::io("Invalid encoding of URI"));
            }
            let name = ia5(v);
            if name_constraint {
                check_uri_constraint(&name)?
            } else {
                check_uri(&name)?
            }
            format!("URIName: {name}")
        }
        7 => {
            if !context || constructed {
                return Err(JavaException::io("Invalid encoding of IP address"));
            }
            format!("IPAddress: {}", ip_address(v.content)?)
        }
        8 => {
            if !context || constructed {
                return Err(JavaException::io("Invalid encoding of OID name"));
            }
            let oid = crate::x509_text::oid::decode(v.content)?;
            format!("OIDName: {oid}")
        }
        n => return Err(JavaException::io(format!("Unrecognized GeneralName tag, ({n})"))),
    };
    Ok(GeneralName(text))
}

/// `RFC822Name.parseName`.
fn check_rfc822(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(JavaException::io("RFC822Name may not be null or empty"));
    }
    let domain = &name[name.find('@').map_or(0, |i| i + 1)..];
    if domain.is_empty() {
        return Err(JavaException::io("RFC822Name may not end with @"));
    }
    if domain == "." {
        return Err(JavaException::io("RFC822Name domain may not be just ."));
    }
    Ok(())
}

/// Characters `java.net.URI` refuses anywhere (outside escapes).
fn uri_syntax_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            let hex = |x: Option<&u8>| x.is_some_and(u8::is_ascii_hexdigit);
            if !(hex(b.get(i + 1)) && hex(b.get(i + 2))) {
                return false;
            }
            i += 3;
            continue;
        }
        if c < 0x20 || c == 0x7f || b" \"<>\\^`{|}".contains(&c) {
            return false;
        }
        i += 1;
    }
    !s.is_empty()
}

fn uri_scheme(s: &str) -> Option<&str> {
    let colon = s.find(':')?;
    let scheme = &s[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .then_some(scheme)
}

/// `new URIName(String)`: a URI with a scheme whose host, if any, is a DNS
/// name or an IP address.
fn check_uri(name: &str) -> Result<()> {
    if !uri_syntax_ok(name) {
        return Err(JavaException::io(format!("invalid URI name:{name}")));
    }
    let Some(scheme) = uri_scheme(name) else {
        return Err(JavaException::io(format!("URI name must include scheme:{name}")));
    };
    let rest = &name[scheme.len() + 1..];
    let Some(auth) = rest.strip_prefix("//") else {
        return Ok(());
    };
    let auth = &auth[..auth.find(['/', '?', '#']).unwrap_or(auth.len())];
    let host_port = &auth[auth.rfind('@').map_or(0, |i| i + 1)..];
    if let Some(v6) = host_port.strip_prefix('[') {
        let Some(end) = v6.find(']') else {
            return Err(JavaException::io(format!("invalid URI name:{name}")));
        };
        if parse_ipv6_text(&v6[..end]).is_none() {
            return Err(JavaException::io(format!(
                "invalid URI name (host portion is not a valid IPv6 address):{name}"
            )));
        }
        return Ok(());
    }
    let host = &host_port[..host_port.rfind(':').unwrap_or(host_port.len())];
    if host.is_empty() {
        // java.net.URI leaves the host undefined (registry-based authority).
        return Ok(());
    }
    if check_dns(host).is_err() && parse_ipv4_text(host).is_none() {
        return Err(JavaException::io(format!(
            "invalid URI name (host portion is not a valid DNSName, IPv4 address, or IPv6 address):{name}"
        )));
    }
    Ok(())
}

/// `URIName.nameConstraint`: no scheme, a DNS name optionally led by a dot.
fn check_uri_constraint(name: &str) -> Result<()> {
    if !uri_syntax_ok(name) {
        return Err(JavaException::io(format!("invalid URI name constraint:{name}")));
    }
    if uri_scheme(name).is_some() {
        return Err(JavaException::io(format!(
            "invalid URI name constraint (should not include scheme):{name}"
        )));
    }
    let host = name.strip_prefix('.').unwrap_or(name);
    check_dns(host).map_err(|_| JavaException::io(format!("invalid URI name constraint:{name}")))
}

/// `new DNSName(name, false)`.
fn check_dns(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(JavaException::io("DNSName must not be null or empty"));
    }
    if name.contains(' ') {
        return Err(JavaException::io("DNSName with blank components is not permitted"));
    }
    if name.starts_with('.') || name.ends_with('.') {
        return Err(JavaException::io("DNSName may not begin or end with a ."));
    }
    for label in name.split('.') {
        let mut chars = label.chars();
        let Some(first) = chars.next() else {
            return Err(JavaException::io("DNSName with empty components are not permitted"));
        };
        if !first.is_ascii_alphanumeric() {
            return Err(JavaException::io("DNSName components must begin with a letter or digit"));
        }
        if !chars.all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(JavaException::io(
                "DNSName components must consist of letters, digits, and hyphens",
            ));
        }
    }
    Ok(())
}

fn parse_ipv4_text(s: &str) -> Option<[u8; 4]> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut out = [0u8; 4];
    for (o, p) in out.iter_mut().zip(parts) {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = p.parse().ok()?;
    }
    Some(out)
}

fn parse_ipv6_text(s: &str) -> Option<std::net::Ipv6Addr> {
    s.parse().ok()
}

/// `IPAddressName.getName()` of the encoded address (4 or 16 bytes, each
/// optionally followed by a mask of the same size).
fn ip_address(bytes: &[u8]) -> Result<String> {
    let text = |host: &[u8]| -> String {
        if let Ok(v4) = <[u8; 4]>::try_from(host) {
            return std::net::Ipv4Addr::from(v4).to_string();
        }
        let Ok(v6) = <[u8; 16]>::try_from(host) else { return String::new() };
        // JDK compat: InetAddress.getByAddress turns an IPv4-mapped address
        // into an Inet4Address.
        if v6[..10].iter().all(|&b| b == 0) && v6[10] == 0xff && v6[11] == 0xff {
            return std::net::Ipv4Addr::new(v6[12], v6[13], v6[14], v6[15]).to_string();
        }
        // Inet6Address.getHostAddress: eight groups, no "::" compression.
        let groups: Vec<String> =
            v6.chunks(2).map(|c| format!("{:x}", u16::from_be_bytes([c[0], c[1]]))).collect();
        groups.join(":")
    };
    match bytes.len() {
        4 | 16 => Ok(text(bytes)),
        8 => Ok(format!("{}/{}", text(&bytes[..4]), text(&bytes[4..]))),
        32 => {
            let mask = &bytes[16..];
            let bits: Vec<bool> = (0..128).map(|i| mask[i / 8] & (0x80 >> (i % 8)) != 0).collect();
            let prefix = bits.iter().position(|b| !b).unwrap_or(128);
            if let Some(i) = bits[prefix..].iter().position(|&b| b) {
                // JDK compat: getName throws here and toString falls back to a hex dump.
                let _ = i;
                return Ok(hexdump::encode_buffer(bytes));
            }
            Ok(format!("{}/{prefix}", text(&bytes[..16])))
        }
        _ => Err(JavaException::io("Invalid IPAddressName")),
    }
}

/// `EDIPartyName(DerValue)` and its `toString`.
fn edi_party_name(v: &Value<'_>) -> Result<String> {
    let seq = v.subs(None)?;
    if seq.is_empty() || seq.len() > 2 {
        return Err(JavaException::io("Invalid encoding of EDIPartyName"));
    }
    let mut assigner: Option<Option<String>> = None;
    let mut party: Option<Option<String>> = None;
    for opt in seq {
        let mut opt = opt;
        // JDK compat: only primitive [0]/[1] are read, so a standard
        // (explicitly tagged, constructed) encoding leaves both null.
        if opt.is_context(0) && !opt.is_constructed() {
            if assigner.is_some() {
                return Err(JavaException::io("Duplicate nameAssigner found in EDIPartyName"));
            }
            opt = der::Reader::new(opt.content).read()?;
            assigner = Some(opt.as_string());
        }
        if opt.is_context(1) && !opt.is_constructed() {
            if party.is_some() {
                return Err(JavaException::io("Duplicate partyName found in EDIPartyName"));
            }
            opt = der::Reader::new(opt.content).read()?;
            party = Some(opt.as_string());
        }
    }
    let mut s = String::from("EDIPartyName: ");
    if let Some(a) = assigner {
        s.push_str(&format!("  nameAssigner = {},", a.as_deref().unwrap_or("null")));
    }
    s.push_str(&format!("  partyName = {}", party.flatten().as_deref().unwrap_or("null")));
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_addresses_as_java_prints_them() {
        assert_eq!(ip_address(&[10, 0, 0, 1]).unwrap(), "10.0.0.1");
        let mut v6 = [0u8; 16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[2] = 0x0d;
        v6[3] = 0xb8;
        v6[15] = 1;
        assert_eq!(ip_address(&v6).unwrap(), "2001:db8:0:0:0:0:0:1");
        let mut mapped = [0u8; 16];
        mapped[10] = 0xff;
        mapped[11] = 0xff;
        mapped[12..].copy_from_slice(&[1, 2, 3, 4]);
        assert_eq!(ip_address(&mapped).unwrap(), "1.2.3.4");
        assert_eq!(
            ip_address(&[192, 168, 0, 0, 255, 255, 0, 0]).unwrap(),
            "192.168.0.0/255.255.0.0"
        );
        let mut c = [0u8; 32];
        c[0] = 0xfe;
        c[1] = 0x80;
        c[16] = 0xff;
        c[17] = 0xc0;
        assert_eq!(ip_address(&c).unwrap(), "fe80:0:0:0:0:0:0:0/10");
        assert!(ip_address(&[1, 2, 3]).is_err());
    }

    #[test]
    fn uris() {
        assert!(check_uri("http://x.y/z").is_ok());
        assert!(check_uri("ldap://crl.example.com/cn=x").is_ok());
        assert!(check_uri("urn:isbn:123").is_ok());
        assert_eq!(
            check_uri("no-scheme").unwrap_err().to_string(),
            "java.io.IOException: URI name must include scheme:no-scheme"
        );
        assert!(check_uri("http://a b/").is_err());
        assert!(check_uri("http://-bad/").is_err());
    }
}
