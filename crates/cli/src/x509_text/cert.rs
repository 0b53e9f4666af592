//! A certificate parsed as `sun.security.x509.X509CertImpl` parses it, with
//! the fields keytool prints.

use crate::x509_text::der::{self, JavaException, Result, tag};
use crate::x509_text::ext::Extensions;
use crate::x509_text::key::{self, KeyInfo};
use crate::x509_text::name::X500Name;
use crate::x509_text::oid;
use crate::x509_text::time::{self, TimeZone};

/// The parts of an X.509 certificate keytool shows.
#[derive(Clone, Debug)]
pub struct X509Cert {
    /// The whole encoding.
    pub der: Vec<u8>,
    /// `getVersion()`: 1, 2 or 3.
    pub version: u32,
    /// Serial number, two's-complement big-endian as encoded.
    pub serial: Vec<u8>,
    /// Issuer name.
    pub issuer: X500Name,
    /// The issuer `Name` encoding.
    pub issuer_der: Vec<u8>,
    /// Subject name.
    pub subject: X500Name,
    /// The subject `Name` encoding.
    pub subject_der: Vec<u8>,
    /// `notBefore` in epoch milliseconds.
    pub not_before: i64,
    /// `notAfter` in epoch milliseconds.
    pub not_after: i64,
    /// `getSigAlgName()` of the outer signature algorithm.
    pub sig_alg_name: String,
    /// The subject public key.
    pub key: KeyInfo,
    /// The `SubjectPublicKeyInfo` encoding.
    pub spki_der: Vec<u8>,
    /// Extensions (empty when absent).
    pub extensions: Extensions,
    /// `true` when the certificate has an extensions field.
    pub has_extensions: bool,
}

fn parsing(msg: &str) -> JavaException {
    JavaException::new("java.security.cert.CertificateParsingException", msg)
}

/// `AlgorithmId.getName()` of an `AlgorithmIdentifier`.
fn algorithm_name(v: &der::Value<'_>) -> Result<(String, Vec<u8>)> {
    if v.tag != tag::SEQUENCE {
        return Err(JavaException::io("algid parse error, not a sequence"));
    }
    let mut r = v.reader();
    let oid_str = r.read()?.oid()?;
    let mut params = Vec::new();
    if r.available() != 0 {
        let p = r.read()?;
        if r.available() != 0 {
            return Err(JavaException::io("Invalid AlgorithmIdentifier: extra data"));
        }
        if p.tag == 0x05 {
            if !p.content.is_empty() {
                return Err(JavaException::io("invalid NULL"));
            }
        } else {
            params = p.encoded.to_vec();
        }
    }
    // JDK compat: AlgorithmId.getName maps ecdsa-with-SHA2 + digest parameter
    // to "<digest>withECDSA".
    if oid_str == "1.2.840.10045.4.3"
        && !params.is_empty()
        && let Ok(p) = der::parse_one(&params)
        && let Ok((digest, _)) = algorithm_name(&p)
    {
        return Ok((format!("{}withECDSA", digest.replace('-', "")), params));
    }
    let name = oid::std_name(&oid_str).map_or(oid_str, str::to_owned);
    Ok((name, params))
}

impl X509Cert {
    /// Parses a DER certificate, in the time zone used for dates inside
    /// extensions.
    ///
    /// # Errors
    /// What the JDK refuses, as a Java exception.
    pub fn parse(der_bytes: &[u8], tz: &TimeZone) -> Result<Self> {
        let cert = der::parse_one(der_bytes)?;
        if cert.tag != tag::SEQUENCE {
            return Err(parsing("invalid DER-encoded certificate data"));
        }
        let mut r = cert.reader();
        let tbs = r.read()?;
        let sig_alg = r.read()?;
        let sig = r.read()?;
        if r.available() != 0 {
            return Err(parsing(&format!("signed overrun, bytes = {}", r.available())));
        }
        if tbs.tag != tag::SEQUENCE {
            return Err(parsing("signed fields invalid"));
        }
        let (sig_alg_name, outer_params) = algorithm_name(&sig_alg)?;
        if sig.tag != tag::BIT_STRING {
            return Err(JavaException::io("DerValue.getBitString, not a bit string"));
        }

        let mut t = tbs.reader();
        let mut tmp = t.read()?;
        let mut version = 1;
        if tmp.is_context(0) {
            let v = tmp.reader().read()?.int()?;
            if !(0..=2).contains(&v) {
                return Err(JavaException::io("X.509 Certificate version not supported."));
            }
            version = u32::try_from(v + 1).unwrap_or(1);
            tmp = t.read()?;
        }
        let serial = tmp.integer_bytes()?.to_vec();
        let inner_alg = t.read()?;
        let (inner_name, inner_params) = algorithm_name(&inner_alg)?;
        let issuer_v = t.read()?;
        let issuer = X500Name::from_value(&issuer_v)?;
        if issuer.is_empty() {
            return Err(parsing("Empty issuer DN not allowed in X509Certificates"));
        }
        let validity = t.read()?;
        if validity.tag != tag::SEQUENCE {
            return Err(JavaException::io(
                "Invalid encoded CertificateValidity, starting sequence tag missing.",
            ));
        }
        let mut vr = validity.reader();
        let nb = vr.read()?;
        let na = vr.read()?;
        let not_before = time::parse_der_time(nb.tag, nb.content)?;
        let not_after = time::parse_der_time(na.tag, na.content)?;
        let subject_v = t.read()?;
        let subject = X500Name::from_value(&subject_v)?;
        if version == 1 && subject.is_empty() {
            return Err(parsing("Empty subject DN not allowed in v1 certificate"));
        }
        let spki = t.read()?;
        let key = key::describe(&spki)?;
        let mut extensions = Extensions::empty();
        let mut has_extensions = false;
        if t.available() != 0 {
            if version == 1 {
                return Err(parsing("no more data allowed for version 1 certificate"));
            }
            let mut tmp = t.read()?;
            let mut done = false;
            if tmp.is_context(1) {
                if t.available() == 0 {
                    done = true;
                } else {
                    tmp = t.read()?;
                }
            }
            if !done && tmp.is_context(2) {
                if t.available() == 0 {
                    done = true;
                } else {
                    tmp = t.read()?;
                }
            }
            if !done {
                if version != 3 {
                    return Err(parsing("Extensions not allowed in v2 certificate"));
                }
                if tmp.is_constructed() && tmp.is_context(3) {
                    let seq = der::Reader::new(tmp.content).read()?;
                    extensions = Extensions::parse(&seq, tz)?;
                    has_extensions = true;
                }
            }
        }
        if subject.is_empty() {
            // JDK compat: X509CertInfo.verifyCert wants a critical, non-empty SAN.
            if !has_extensions {
                return Err(parsing(
                    "X.509 Certificate is incomplete: subject field is empty, and certificate has no extensions",
                ));
            }
        }
        if inner_name != sig_alg_name || inner_params != outer_params {
            return Err(JavaException::new(
                "java.security.cert.CertificateException",
                "Signature algorithm mismatch",
            ));
        }
        Ok(Self {
            der: der_bytes.to_vec(),
            version,
            serial,
            issuer,
            issuer_der: issuer_v.encoded.to_vec(),
            subject,
            subject_der: subject_v.encoded.to_vec(),
            not_before,
            not_after,
            sig_alg_name,
            key,
            spki_der: spki.encoded.to_vec(),
            extensions,
            has_extensions,
        })
    }
}
