//! Certificate extensions, parsed and printed as the JDK's
//! `sun.security.x509.*Extension` classes print themselves, in the order
//! `CertificateExtensions` keeps them (a `TreeMap` by extension name, or by
//! OID for extensions the JDK does not know), followed by the ones that failed
//! to parse.

use crate::x509_text::der::{self, JavaException, Result, Value, tag};
use crate::x509_text::general_name::{self, GeneralName};
use crate::x509_text::hexdump;
use crate::x509_text::name::X500Name;
use crate::x509_text::oid;
use crate::x509_text::time::{self, TimeZone};

/// One raw extension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawExtension {
    /// Dotted OID.
    pub oid: String,
    /// The critical flag.
    pub critical: bool,
    /// The content of the `extnValue` OCTET STRING.
    pub value: Vec<u8>,
}

impl RawExtension {
    /// `new Extension(DerValue)`.
    ///
    /// # Errors
    /// Malformed DER.
    pub(crate) fn parse(v: &Value<'_>) -> Result<Self> {
        let mut r = v.reader();
        let oid = r.read()?.oid()?;
        let mut val = r.read()?;
        let mut critical = false;
        if val.tag == tag::BOOLEAN {
            critical = val.boolean()?;
            val = r.read()?;
        }
        Ok(Self { oid, critical, value: val.octet_string()? })
    }

    /// `Extension.toString()`: `ObjectId: <oid> Criticality=<b>\n`.
    fn header(&self) -> String {
        format!("ObjectId: {} Criticality={}\n", self.oid, self.critical)
    }
}

/// The extension names of `sun.security.x509.OIDMap` (certificate extensions;
/// the CRL ones are listed but printed raw, see `docs/compat.md`).
fn known_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.29.14" => "SubjectKeyIdentifier",
        "2.5.29.15" => "KeyUsage",
        "2.5.29.16" => "PrivateKeyUsage",
        "2.5.29.17" => "SubjectAlternativeName",
        "2.5.29.18" => "IssuerAlternativeName",
        "2.5.29.19" => "BasicConstraints",
        "2.5.29.30" => "NameConstraints",
        "2.5.29.33" => "PolicyMappings",
        "2.5.29.35" => "AuthorityKeyIdentifier",
        "2.5.29.36" => "PolicyConstraints",
        "2.16.840.1.113730.1.1" => "NetscapeCertType",
        "2.5.29.32" => "CertificatePolicies",
        "2.5.29.37" => "ExtendedKeyUsage",
        "2.5.29.54" => "InhibitAnyPolicy",
        "2.5.29.31" => "CRLDistributionPoints",
        "1.3.6.1.5.5.7.1.11" => "SubjectInfoAccess",
        "1.3.6.1.5.5.7.1.1" => "AuthorityInfoAccess",
        "2.5.29.46" => "FreshestCRL",
        "1.3.6.1.5.5.7.48.1.5" => "OCSPNoCheck",
        _ => return None,
    })
}

/// One extension after parsing.
#[derive(Clone, Debug)]
enum Parsed {
    /// Decoded by its class: the `toString` text.
    Known(String),
    /// Not in `OIDMap`: printed as a hex dump.
    Unknown,
}

/// The certificate's extensions as the JDK holds them.
#[derive(Clone, Debug, Default)]
pub struct Extensions {
    /// Parsed ones by map key (name or OID), in `TreeMap` order.
    map: Vec<(String, RawExtension, Parsed)>,
    /// Non-critical ones that failed to parse, by OID.
    unparseable: Vec<(String, RawExtension, String)>,
    /// The BasicConstraints pathLen as `getBasicConstraints()` returns it.
    pub basic_constraints: i32,
    /// The ExtendedKeyUsage OIDs, if present.
    pub extended_key_usage: Option<Vec<String>>,
}

/// Java `String.compareTo`: UTF-16 code unit order.
#[must_use]
pub fn java_cmp(a: &str, b: &str) -> core::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

impl Extensions {
    /// No extensions (`getBasicConstraints()` is then -1).
    #[must_use]
    pub fn empty() -> Self {
        Self { basic_constraints: -1, ..Self::default() }
    }

    /// `new CertificateExtensions(DerInputStream)` over the content of the
    /// `[3]` element: a SEQUENCE of extensions.
    ///
    /// # Errors
    /// Malformed DER, a duplicate extension, or a critical extension that
    /// does not parse (the JDK then refuses the whole certificate).
    pub fn parse(seq: &Value<'_>, tz: &TimeZone) -> Result<Self> {
        let mut out = Self::empty();
        if seq.tag != tag::SEQUENCE {
            return Err(JavaException::io("Not the correct tag"));
        }
        for v in seq.subs(None)? {
            let raw = RawExtension::parse(&v)?;
            let Some(name) = known_name(&raw.oid) else {
                out.insert(raw.oid.clone(), raw, Parsed::Unknown)?;
                continue;
            };
            match parse_known(name, &raw, tz) {
                Ok(text) => {
                    if name == "BasicConstraints" {
                        out.basic_constraints =
                            basic_constraints_path_len(&raw.value).unwrap_or(-1);
                    }
                    if name == "ExtendedKeyUsage" {
                        out.extended_key_usage = eku_oids(&raw.value).ok();
                    }
                    out.insert(name.to_owned(), raw, Parsed::Known(text))?;
                }
                Err(e) if !raw.critical => {
                    let oid = raw.oid.clone();
                    let pos =
                        out.unparseable.partition_point(|(k, _, _)| java_cmp(k, &oid).is_lt());
                    if out.unparseable.get(pos).is_some_and(|(k, _, _)| *k == oid) {
                        out.unparseable[pos] = (oid, raw, e.to_string());
                    } else {
                        out.unparseable.insert(pos, (oid, raw, e.to_string()));
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    fn insert(&mut self, key: String, raw: RawExtension, parsed: Parsed) -> Result<()> {
        let pos = self.map.partition_point(|(k, _, _)| java_cmp(k, &key).is_lt());
        if self.map.get(pos).is_some_and(|(k, _, _)| *k == key) {
            return Err(JavaException::io("Duplicate extensions not allowed"));
        }
        self.map.insert(pos, (key, raw, parsed));
        Ok(())
    }

    /// `true` when no extension is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.map.is_empty() && self.unparseable.is_empty()
    }

    /// keytool's `printExtensions(title, exts, out)`.
    #[must_use]
    pub fn print(&self, title: &str) -> String {
        let mut out = String::new();
        let all = self
            .map
            .iter()
            .map(|(_, raw, p)| (raw, Some(p), None))
            .chain(self.unparseable.iter().map(|(_, raw, e)| (raw, None, Some(e))));
        for (n, (raw, parsed, error)) in all.enumerate() {
            if n == 0 {
                out.push('\n');
                out.push_str(title);
                out.push_str("\n\n");
            }
            out.push_str(&format!("#{}: ", n + 1));
            match (parsed, error) {
                (Some(Parsed::Known(text)), _) => out.push_str(text),
                (Some(Parsed::Unknown), _) => {
                    out.push_str(&raw.header());
                    if raw.value.is_empty() {
                        out.push_str("(Empty value)\n");
                    } else {
                        out.push_str(&hexdump::encode_buffer(&raw.value));
                        out.push('\n');
                    }
                }
                (None, Some(e)) => {
                    let name = known_name(&raw.oid).map(|n| format!("{n} ")).unwrap_or_default();
                    out.push_str(&raw.header());
                    out.push_str(&format!("Unparseable {name}extension due to\n{e}\n\n"));
                    out.push_str(&hexdump::encode_buffer(&raw.value));
                }
                (None, None) => {}
            }
            out.push('\n');
        }
        out
    }
}

fn parse_known(name: &str, raw: &RawExtension, tz: &TimeZone) -> Result<String> {
    let h = raw.header();
    let v = &raw.value;
    Ok(match name {
        "SubjectKeyIdentifier" => {
            let id = der::parse_one(v)?.octet_string()?;
            format!("{h}SubjectKeyIdentifier [\n{}]\n", key_identifier(&id))
        }
        "AuthorityKeyIdentifier" => format!("{h}{}", authority_key_identifier(v)?),
        "BasicConstraints" => format!("{h}{}", basic_constraints(v)?),
        "KeyUsage" => format!("{h}{}", key_usage(v)?),
        "ExtendedKeyUsage" => {
            let oids = eku_oids(v)?;
            let names: Vec<String> = oids
                .iter()
                .map(|o| oid::std_name(o).map_or_else(|| o.clone(), str::to_owned))
                .collect();
            format!("{h}ExtendedKeyUsages [\n  {}\n]\n", names.join("\n  "))
        }
        "SubjectAlternativeName" | "IssuerAlternativeName" => {
            let val = der::parse_one(v)?;
            let names = general_name::parse_general_names(&val)?;
            let mut s = format!("{h}{name} [\n");
            for n in &names {
                s.push_str(&format!("  {n}\n"));
            }
            s.push_str("]\n");
            s
        }
        "AuthorityInfoAccess" | "SubjectInfoAccess" => {
            let val = der::parse_one(v)?;
            if val.tag != tag::SEQUENCE {
                let class = if name == "AuthorityInfoAccess" {
                    "AuthorityInfoAccessExtension."
                } else {
                    "SubjectInfoAccessExtension."
                };
                return Err(JavaException::io(format!("Invalid encoding for {class}")));
            }
            let mut parts = Vec::new();
            let mut r = val.reader();
            while r.available() != 0 {
                parts.push(access_description(&r.read()?)?);
            }
            format!("{h}{name} [\n  [{}]\n]\n", parts.join(", "))
        }
        "CRLDistributionPoints" | "FreshestCRL" => {
            let val = der::parse_one(v)?;
            if val.tag != tag::SEQUENCE {
                return Err(JavaException::io(format!("Invalid encoding for {name} extension.")));
            }
            let mut parts = Vec::new();
            let mut r = val.reader();
            while r.available() != 0 {
                parts.push(distribution_point(&r.read()?)?);
            }
            format!("{h}{name} [\n  [{}]]\n", parts.join(", "))
        }
        "CertificatePolicies" => format!("{h}{}", certificate_policies(v)?),
        "NetscapeCertType" => {
            let bits = der::parse_one(v)?.unaligned_bits()?;
            let set = |i: usize| bits.get(i).copied().unwrap_or(false);
            let mut s = format!("{h}NetscapeCertType [\n");
            for (i, label) in [
                (0, "   SSL client\n"),
                (1, "   SSL server\n"),
                (2, "   S/MIME\n"),
                (3, "   Object Signing\n"),
                (5, "   SSL CA\n"),
                (6, "   S/MIME CA\n"),
                // JDK compat: NetscapeCertTypeExtension.toString has no newline here.
                (7, "   Object Signing CA"),
            ] {
                if set(i) {
                    s.push_str(label);
                }
            }
            s.push_str("]\n");
            s
        }
        "PrivateKeyUsage" => format!("{h}{}", private_key_usage(v, tz)?),
        "NameConstraints" => format!("{h}{}", name_constraints(v)?),
        "PolicyMappings" => {
            let val = der::parse_one(v)?;
            if val.tag != tag::SEQUENCE {
                return Err(JavaException::io("Invalid encoding for PolicyMappingsExtension."));
            }
            let mut maps = Vec::new();
            let mut r = val.reader();
            while r.available() != 0 {
                let m = r.read()?;
                if m.tag != tag::SEQUENCE {
                    return Err(JavaException::io("Invalid encoding for CertificatePolicyMap"));
                }
                let mut mr = m.reader();
                let issuer = mr.read()?.oid()?;
                let subject = mr.read()?.oid()?;
                maps.push(format!(
                    "CertificatePolicyMap: [\nIssuerDomain:CertificatePolicyId: [{issuer}]\nSubjectDomain:CertificatePolicyId: [{subject}]\n]\n"
                ));
            }
            format!("{h}PolicyMappings [\n[{}]]\n", maps.join(", "))
        }
        "PolicyConstraints" => format!("{h}{}", policy_constraints(v)?),
        "InhibitAnyPolicy" => {
            if !raw.critical {
                return Err(JavaException::io("Criticality cannot be false for InhibitAnyPolicy"));
            }
            let val = der::parse_one(v)?;
            if val.tag != tag::INTEGER {
                return Err(JavaException::io(
                    "Invalid encoding of InhibitAnyPolicy: data not integer",
                ));
            }
            let n = val.int()?;
            if n < -1 {
                return Err(JavaException::io("Invalid value for skipCerts"));
            }
            let skip = if n == -1 { i32::MAX } else { n };
            format!("{h}InhibitAnyPolicy: {skip}\n")
        }
        // OCSPNoCheckExtension has no toString of its own.
        _ => h,
    })
}

/// `KeyIdentifier.toString()`.
fn key_identifier(id: &[u8]) -> String {
    format!("KeyIdentifier [\n{}]\n", hexdump::encode_buffer(id))
}

fn authority_key_identifier(v: &[u8]) -> Result<String> {
    let val = der::parse_one(v)?;
    if val.tag != tag::SEQUENCE {
        return Err(JavaException::io("Invalid encoding for AuthorityKeyIdentifierExtension."));
    }
    let mut id: Option<Vec<u8>> = None;
    let mut names: Option<Vec<GeneralName>> = None;
    let mut serial: Option<Vec<u8>> = None;
    let mut r = val.reader();
    while r.available() != 0 {
        let opt = r.read()?;
        if opt.is_context(0) && !opt.is_constructed() {
            if id.is_some() {
                return Err(JavaException::io(
                    "Duplicate KeyIdentifier in AuthorityKeyIdentifier.",
                ));
            }
            id = Some(opt.content.to_vec());
        } else if opt.is_context(1) && opt.is_constructed() {
            if names.is_some() {
                return Err(JavaException::io("Duplicate GeneralNames in AuthorityKeyIdentifier."));
            }
            names = Some(general_name::parse_general_names_content(opt.content)?);
        } else if opt.is_context(2) && !opt.is_constructed() {
            if serial.is_some() {
                return Err(JavaException::io("Duplicate SerialNumber in AuthorityKeyIdentifier."));
            }
            serial = Some(opt.integer_bytes_any_tag()?.to_vec());
        } else {
            return Err(JavaException::io("Invalid encoding of AuthorityKeyIdentifierExtension."));
        }
    }
    let mut s = String::from("AuthorityKeyIdentifier [\n");
    if let Some(id) = id {
        s.push_str(&key_identifier(&id));
    }
    if let Some(n) = names {
        s.push_str(&general_name::list_to_string(&n));
        s.push('\n');
    }
    if let Some(sn) = serial {
        // SerialNumber.toString: Debug.toString(BigInteger) = colon hex of toByteArray().
        let b = der::minimal_twos_complement(&sn);
        let hex: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
        s.push_str(&format!("SerialNumber: {}\n", hex.join(":")));
    }
    s.push_str("]\n");
    Ok(s)
}

/// `BasicConstraintsExtension(Boolean, Object)`: (ca, pathLen).
fn basic_constraints_fields(v: &[u8]) -> Result<(bool, i32)> {
    let val = der::parse_one(v)?;
    if val.tag != tag::SEQUENCE {
        return Err(JavaException::io("Invalid encoding of BasicConstraints"));
    }
    let mut r = val.reader();
    if r.available() == 0 {
        return Ok((false, -1));
    }
    let opt = r.read()?;
    if opt.tag != tag::BOOLEAN {
        return Ok((false, -1));
    }
    let ca = opt.boolean()?;
    if r.available() == 0 {
        return Ok((ca, i32::MAX));
    }
    let opt = r.read()?;
    if opt.tag != tag::INTEGER {
        return Err(JavaException::io("Invalid encoding of BasicConstraints"));
    }
    Ok((ca, opt.int()?))
}

/// `X509Certificate.getBasicConstraints()`: the path length for a CA, -1 otherwise.
fn basic_constraints_path_len(v: &[u8]) -> Result<i32> {
    let (ca, len) = basic_constraints_fields(v)?;
    Ok(if ca { len } else { -1 })
}

fn basic_constraints(v: &[u8]) -> Result<String> {
    let (ca, path_len) = basic_constraints_fields(v)?;
    let p = if path_len < 0 {
        " undefined".to_owned()
    } else if path_len == i32::MAX {
        " no limit".to_owned()
    } else {
        path_len.to_string()
    };
    Ok(format!("BasicConstraints:[\n  CA:{ca}\n  PathLen:{p}\n]\n"))
}

fn key_usage(v: &[u8]) -> Result<String> {
    // JDK compat: KeyUsageExtension unwraps a second OCTET STRING if present.
    let inner;
    let value = if v.first() == Some(&tag::OCTET_STRING) {
        inner = der::parse_one(v)?.octet_string()?;
        &inner[..]
    } else {
        v
    };
    let bits = der::parse_one(value)?.unaligned_bits()?;
    let set = |i: usize| bits.get(i).copied().unwrap_or(false);
    let mut s = String::from("KeyUsage [\n");
    for (i, label) in [
        "DigitalSignature",
        "Non_repudiation",
        "Key_Encipherment",
        "Data_Encipherment",
        "Key_Agreement",
        "Key_CertSign",
        "Crl_Sign",
        "Encipher_Only",
        "Decipher_Only",
    ]
    .iter()
    .enumerate()
    {
        if set(i) {
            s.push_str(&format!("  {label}\n"));
        }
    }
    s.push_str("]\n");
    Ok(s)
}

fn eku_oids(v: &[u8]) -> Result<Vec<String>> {
    let val = der::parse_one(v)?;
    if val.tag != tag::SEQUENCE {
        return Err(JavaException::io("Invalid encoding for ExtendedKeyUsageExtension."));
    }
    let mut r = val.reader();
    let mut out = Vec::new();
    while r.available() != 0 {
        out.push(r.read()?.oid()?);
    }
    Ok(out)
}

fn access_description(v: &Value<'_>) -> Result<String> {
    let mut r = v.reader();
    let method = r.read()?.oid()?;
    let location = general_name::parse_general_name(&r.read()?, false)?;
    let m = match method.as_str() {
        "1.3.6.1.5.5.7.48.2" => "caIssuers",
        "1.3.6.1.5.5.7.48.5" => "caRepository",
        "1.3.6.1.5.5.7.48.3" => "timeStamping",
        "1.3.6.1.5.5.7.48.1" => "ocsp",
        other => other,
    };
    Ok(format!("\n   accessMethod: {m}\n   accessLocation: {location}\n"))
}

fn rdn_to_string(set_content: &[u8]) -> Result<String> {
    // An RDN is printed as a one-RDN name.
    let mut enc = vec![tag::SET];
    push_len(&mut enc, set_content.len());
    enc.extend_from_slice(set_content);
    let mut outer = vec![tag::SEQUENCE];
    push_len(&mut outer, enc.len());
    outer.extend_from_slice(&enc);
    Ok(X500Name::from_der(&outer)?.to_string())
}

fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap_or(0));
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len() - 1);
        out.push(0x80 | u8::try_from(bytes.len() - skip).unwrap_or(0));
        out.extend_from_slice(&bytes[skip..]);
    }
}

const REASONS: [&str; 9] = [
    "",
    "key compromise",
    "CA compromise",
    "affiliation changed",
    "superseded",
    "cessation of operation",
    "certificate hold",
    "privilege withdrawn",
    "AA compromise",
];

fn distribution_point(v: &Value<'_>) -> Result<String> {
    if v.tag != tag::SEQUENCE {
        return Err(JavaException::io("Invalid encoding of DistributionPoint."));
    }
    let (mut full, mut relative, mut reasons, mut issuer) = (None, None, None, None);
    let mut r = v.reader();
    while r.available() != 0 {
        let opt = r.read()?;
        if opt.is_context(0) && opt.is_constructed() {
            if full.is_some() || relative.is_some() {
                return Err(JavaException::io(
                    "Duplicate DistributionPointName in DistributionPoint.",
                ));
            }
            let dp = der::Reader::new(opt.content).read()?;
            if dp.is_context(0) && dp.is_constructed() {
                full = Some(general_name::parse_general_names_content(dp.content)?);
            } else if dp.is_context(1) && dp.is_constructed() {
                relative = Some(rdn_to_string(dp.content)?);
            } else {
                return Err(JavaException::io(
                    "Invalid DistributionPointName in DistributionPoint",
                ));
            }
        } else if opt.is_context(1) && !opt.is_constructed() {
            if reasons.is_some() {
                return Err(JavaException::io("Duplicate Reasons in DistributionPoint."));
            }
            reasons = Some(opt.unaligned_bits_any_tag()?);
        } else if opt.is_context(2) && opt.is_constructed() {
            if issuer.is_some() {
                return Err(JavaException::io("Duplicate CRLIssuer in DistributionPoint."));
            }
            issuer = Some(general_name::parse_general_names_content(opt.content)?);
        } else {
            return Err(JavaException::io("Invalid encoding of DistributionPoint."));
        }
    }
    if issuer.is_none() && full.is_none() && relative.is_none() {
        return Err(JavaException::io(
            "One of fullName, relativeName,  and crlIssuer has to be set",
        ));
    }
    let mut s = String::from("DistributionPoint:\n     ");
    if let Some(f) = &full {
        s.push_str(&general_name::list_to_string(f));
    }
    if let Some(rel) = &relative {
        s.push_str(rel);
    }
    s.push('\n');
    if let Some(bits) = reasons {
        s.push_str("   ReasonFlags:\n");
        for (i, set) in bits.iter().enumerate() {
            if *set {
                let label = if i > 0 && i < REASONS.len() {
                    REASONS[i].to_owned()
                } else {
                    format!("Unknown reason {i}")
                };
                s.push_str(&format!("    {label}\n"));
            }
        }
    }
    if let Some(iss) = issuer {
        s.push_str(&format!("   CRLIssuer:{}\n", general_name::list_to_string(&iss)));
    }
    Ok(s)
}

fn certificate_policies(v: &[u8]) -> Result<String> {
    let val = der::parse_one(v)?;
    if val.tag != tag::SEQUENCE {
        return Err(JavaException::io("Invalid encoding for CertificatePoliciesExtension."));
    }
    let mut s = String::from("CertificatePolicies [\n");
    let mut r = val.reader();
    while r.available() != 0 {
        let pi = r.read()?;
        if pi.tag != tag::SEQUENCE {
            return Err(JavaException::io("Invalid encoding of PolicyInformation"));
        }
        let mut pr = pi.reader();
        let id = pr.read()?.oid()?;
        let mut qualifiers = Vec::new();
        if pr.available() != 0 {
            let opt = pr.read()?;
            if opt.tag != tag::SEQUENCE {
                return Err(JavaException::io("Invalid encoding of PolicyInformation"));
            }
            if opt.content.is_empty() {
                return Err(JavaException::io("No data available in policyQualifiers"));
            }
            let mut qr = opt.reader();
            while qr.available() != 0 {
                qualifiers.push(policy_qualifier(&qr.read()?)?);
            }
        }
        s.push_str(&format!("  [CertificatePolicyId: [{id}]\n[{}]  ]\n", qualifiers.join(", ")));
    }
    s.push_str("]\n");
    Ok(s)
}

/// `java.security.cert.PolicyQualifierInfo.toString()`.
fn policy_qualifier(v: &Value<'_>) -> Result<String> {
    // JDK compat: the qualifier is re-parsed from its own encoding.
    let val = der::parse_one(v.encoded)?;
    if val.tag != tag::SEQUENCE {
        return Err(JavaException::io("Invalid encoding for PolicyQualifierInfo"));
    }
    let mut r = val.reader();
    let id = r.read()?.oid()?;
    let data = r.rest();
    Ok(format!(
        "PolicyQualifierInfo: [\n  qualifierID: {id}\n  qualifier: {}\n]",
        hexdump::encode_buffer(data)
    ))
}

fn private_key_usage(v: &[u8], tz: &TimeZone) -> Result<String> {
    let val = der::Reader::new(v).read()?;
    if val.tag != tag::SEQUENCE {
        return Err(JavaException::io("Not the correct tag"));
    }
    let (mut before, mut after) = (None, None);
    for opt in val.subs(None)? {
        if opt.is_context(0) && !opt.is_constructed() {
            if before.is_some() {
                return Err(JavaException::new(
                    "java.security.cert.CertificateParsingException",
                    "Duplicate notBefore in PrivateKeyUsage.",
                ));
            }
            before = Some(time::parse_der_time(tag::GENERALIZED_TIME, opt.content)?);
        } else if opt.is_context(1) && !opt.is_constructed() {
            if after.is_some() {
                return Err(JavaException::new(
                    "java.security.cert.CertificateParsingException",
                    "Duplicate notAfter in PrivateKeyUsage.",
                ));
            }
            after = Some(time::parse_der_time(tag::GENERALIZED_TIME, opt.content)?);
        } else {
            return Err(JavaException::io("Invalid encoding of PrivateKeyUsageExtension"));
        }
    }
    let mut s = String::from("PrivateKeyUsage: [\n");
    if let Some(b) = before {
        s.push_str(&format!("From: {}", time::date_to_string(b, tz)));
        if after.is_some() {
            s.push_str(", ");
        }
    }
    if let Some(a) = after {
        s.push_str(&format!("To: {}", time::date_to_string(a, tz)));
    }
    s.push_str("]\n");
    Ok(s)
}

fn general_subtrees(content: &[u8]) -> Result<String> {
    let mut trees = Vec::new();
    let mut r = der::Reader::new(content);
    while r.available() != 0 {
        let t = r.read()?;
        if t.tag != tag::SEQUENCE {
            return Err(JavaException::io("Invalid encoding for GeneralSubtree."));
        }
        let mut tr = t.reader();
        let name = general_name::parse_general_name(&tr.read()?, true)?;
        let (mut min, mut max) = (0, -1);
        while tr.available() != 0 {
            let opt = tr.read()?;
            if opt.is_context(0) && !opt.is_constructed() {
                min = opt.int_any_tag()?;
            } else if opt.is_context(1) && !opt.is_constructed() {
                max = opt.int_any_tag()?;
            } else {
                return Err(JavaException::io("Invalid encoding of GeneralSubtree."));
            }
        }
        let max = if max == -1 { "undefined".to_owned() } else { max.to_string() };
        trees.push(format!(
            "\n   GeneralSubtree: [\n    GeneralName: {name}\n    Minimum: {min}\n    Maximum: {max}    ]\n"
        ));
    }
    Ok(format!("   GeneralSubtrees:\n[{}]\n", trees.join(", ")))
}

fn name_constraints(v: &[u8]) -> Result<String> {
    let val = der::parse_one(v)?;
    if val.tag != tag::SEQUENCE {
        return Err(JavaException::io("Invalid encoding for NameConstraintsExtension."));
    }
    let (mut permitted, mut excluded) = (None, None);
    let mut r = val.reader();
    while r.available() != 0 {
        let opt = r.read()?;
        if opt.is_context(0) && opt.is_constructed() {
            if permitted.is_some() {
                return Err(JavaException::io(
                    "Duplicate permitted GeneralSubtrees in NameConstraintsExtension.",
                ));
            }
            permitted = Some(general_subtrees(opt.content)?);
        } else if opt.is_context(1) && opt.is_constructed() {
            if excluded.is_some() {
                return Err(JavaException::io(
                    "Duplicate excluded GeneralSubtrees in NameConstraintsExtension.",
                ));
            }
            excluded = Some(general_subtrees(opt.content)?);
        } else {
            return Err(JavaException::io("Invalid encoding of NameConstraintsExtension."));
        }
    }
    let mut s = String::from("NameConstraints: [");
    if let Some(p) = permitted {
        s.push_str(&format!("\n    Permitted:{p}"));
    }
    if let Some(e) = excluded {
        s.push_str(&format!("\n    Excluded:{e}"));
    }
    s.push_str("   ]\n");
    Ok(s)
}

fn policy_constraints(v: &[u8]) -> Result<String> {
    let val = der::parse_one(v)?;
    if val.tag != tag::SEQUENCE {
        return Err(JavaException::io("Sequence tag missing for PolicyConstraint."));
    }
    let (mut require, mut inhibit) = (-1, -1);
    let mut r = val.reader();
    while r.available() != 0 {
        let next = r.read()?;
        if next.is_context(0) && !next.is_constructed() {
            if require != -1 {
                return Err(JavaException::io(
                    "Duplicate requireExplicitPolicyfound in the PolicyConstraintsExtension",
                ));
            }
            require = next.int_any_tag()?;
        } else if next.is_context(1) && !next.is_constructed() {
            if inhibit != -1 {
                return Err(JavaException::io(
                    "Duplicate inhibitPolicyMappingfound in the PolicyConstraintsExtension",
                ));
            }
            inhibit = next.int_any_tag()?;
        } else {
            return Err(JavaException::io("Invalid encoding of PolicyConstraint"));
        }
    }
    let req = if require == -1 { "unspecified;".to_owned() } else { format!("{require};") };
    let inh = if inhibit == -1 { "unspecified".to_owned() } else { inhibit.to_string() };
    Ok(format!("PolicyConstraints: [  Require: {req}\tInhibit: {inh} ]\n"))
}
