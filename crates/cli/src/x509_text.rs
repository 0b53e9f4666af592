//! Certificates as JDK 17 prints them, byte for byte.
//!
//! This is the one implementation of the JDK's certificate text for every
//! signkit tool: `keytool -list -v` / `-printcert` (and `-printcert -jarfile`)
//! and `jarsigner -verbose -certs` use it. It reproduces:
//!
//! - [`print_x509_cert`]: keytool's `printX509Cert` block (`Owner:` ...
//!   `Version:` and the `Extensions:` list with every extension's JDK `toString`),
//!   including the `(weak)` / `(disabled)` markers of JDK 17's algorithm
//!   constraints ([`constraints`]);
//! - [`rfc_pem`]: the `-rfc` PEM form (MIME base64 with CRLF inside, `\n` after);
//! - [`X500Name`] printing (`X500Principal.toString()`);
//! - `java.util.Date.toString()` and the en_US medium date in the JVM's default
//!   time zone ([`TimeZone`], [`date_to_string`], [`medium_date`]);
//! - [`split_certificates`]: what `CertificateFactory.generateCertificates`
//!   accepts (PEM with text around, DER, PKCS#7, several certificates).
//!
//! Parsing follows `sun.security.x509.X509CertImpl` rather than a strict DER
//! profile, so certificates the JDK accepts print here too, and ones it
//! refuses fail here (with the JDK's exception text in [`JavaException`]).

mod cert;
pub mod constraints;
pub mod der;
mod ext;
mod general_name;
mod hexdump;
mod input;
mod key;
mod name;
pub mod oid;
mod time;
mod tz_names;

use core::fmt::Write as _;

use base64ct::{Base64, Encoding as _};
use signkit_crypto::DigestAlgorithm;

pub use crate::x509_text::cert::X509Cert;
pub use crate::x509_text::constraints::{Variant, Verdict};
pub use crate::x509_text::der::JavaException;
pub use crate::x509_text::ext::{Extensions, java_cmp};
pub use crate::x509_text::hexdump::encode_buffer as hex_dump;
pub use crate::x509_text::input::split_certificates;
pub use crate::x509_text::key::KeyInfo;
pub use crate::x509_text::name::X500Name;
pub use crate::x509_text::time::{TimeZone, date_to_string, medium_date};

/// A certificate fingerprint as keytool prints it: upper-case hex bytes
/// joined by `:` (`HexFormat.ofDelimiter(":").withUpperCase()`).
#[must_use]
pub fn fingerprint(der: &[u8], digest: DigestAlgorithm) -> String {
    let d = digest.digest(der);
    let mut s = String::with_capacity(d.len() * 3);
    for (i, b) in d.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        let _ = write!(s, "{b:02X}");
    }
    s
}

/// keytool's `dumpCert` with `-rfc`: the PEM it prints, with the MIME
/// encoder's CRLF between base64 lines and `\n` after each `println`.
#[must_use]
pub fn rfc_pem(der: &[u8]) -> String {
    let b64 = Base64::encode_string(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 32 + 64);
    out.push_str("-----BEGIN CERTIFICATE-----\n");
    for (i, chunk) in b64.as_bytes().chunks(64).enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        out.push_str(core::str::from_utf8(chunk).unwrap_or_default());
    }
    out.push_str("\n-----END CERTIFICATE-----\n");
    out
}

/// keytool's rendering of a signature algorithm with its strength
/// (`withWeakConstraint(String, cpcp)`): `SHA1withRSA (weak)`.
#[must_use]
pub fn sig_alg_with_strength(name: &str, verdict: Verdict) -> String {
    match verdict {
        Verdict::Ok => name.to_owned(),
        Verdict::Weak => format!("{name} (weak)"),
        Verdict::Disabled | Verdict::DisabledForJarsAfter(_) => format!("{name} (disabled)"),
    }
}

/// keytool's rendering of a key with its strength
/// (`withWeakConstraint(Key, cpcp)`): `2048-bit RSA key`, `1024-bit RSA key (weak)`.
#[must_use]
pub fn key_with_strength(key: &KeyInfo) -> String {
    let Some(size) = key.size else {
        return format!("{} key of unknown size", key.display);
    };
    match constraints::check_key(key) {
        Verdict::Ok => format!("{size}-bit {} key", key.display),
        Verdict::Weak => format!("{size}-bit {} key (weak)", key.display),
        Verdict::Disabled | Verdict::DisabledForJarsAfter(_) => {
            format!("{size}-bit {} key (disabled)", key.display)
        }
    }
}

/// keytool's `printX509Cert(cert, out)`: the text it prints, ending with the
/// newline of its last `println`.
///
/// `trusted` says the certificate is a trust anchor (a `trustedCertEntry` of
/// the keystore being listed), for which keytool does not mark the signature
/// algorithm.
#[must_use]
pub fn print_x509_cert(cert: &X509Cert, tz: &TimeZone, trusted: bool) -> String {
    let variant = Variant::from_eku(cert.extensions.extended_key_usage.as_deref());
    let sig = if trusted {
        cert.sig_alg_name.clone()
    } else {
        sig_alg_with_strength(
            &cert.sig_alg_name,
            constraints::check_signature_algorithm(&cert.sig_alg_name, variant),
        )
    };
    let mut out = format!(
        "Owner: {}\nIssuer: {}\nSerial number: {}\nValid from: {} until: {}\nCertificate fingerprints:\n\t SHA1: {}\n\t SHA256: {}\nSignature algorithm name: {}\nSubject Public Key Algorithm: {}\nVersion: {}\n",
        cert.subject,
        cert.issuer,
        der::big_integer_to_string(&cert.serial, 16),
        date_to_string(cert.not_before, tz),
        date_to_string(cert.not_after, tz),
        fingerprint(&cert.der, DigestAlgorithm::Sha1),
        fingerprint(&cert.der, DigestAlgorithm::Sha256),
        sig,
        key_with_strength(&cert.key),
        cert.version,
    );
    if cert.has_extensions {
        out.push_str(&cert.extensions.print("Extensions: "));
    }
    out
}

/// The warning labels keytool and jarsigner collect after printing a
/// certificate (`checkWeakConstraint(label, cert, cpcp)`): each message as
/// the JDK words it, in order (signature algorithm first, then key).
///
/// `variant` is the validator variant of the check (`Variant::Generic` for a
/// CA or a certificate after the first in a chain, the EKU-derived one for an
/// end-entity certificate), and `trusted` skips the signature algorithm.
#[must_use]
pub fn weak_warnings(label: &str, cert: &X509Cert, variant: Variant, trusted: bool) -> Vec<String> {
    let mut out = Vec::new();
    if !trusted {
        let alg = &cert.sig_alg_name;
        match constraints::check_signature_algorithm(alg, variant) {
            Verdict::Ok => {}
            Verdict::Weak => out.push(format!(
                "{label} uses the {alg} signature algorithm which is considered a security risk. This algorithm will be disabled in a future update."
            )),
            Verdict::Disabled => out.push(format!(
                "{label} uses the {alg} signature algorithm which is considered a security risk and is disabled."
            )),
            Verdict::DisabledForJarsAfter(date) => out.push(format!(
                "{label} uses the {alg} signature algorithm which is considered a security risk and cannot be used to sign JARs after {date}."
            )),
        }
    }
    if let Some(size) = cert.key.size {
        let key = format!("{size}-bit {} key", cert.key.display);
        match constraints::check_key(&cert.key) {
            Verdict::Ok => {}
            Verdict::Weak => out.push(format!(
                "{label} uses a {key} which is considered a security risk. This key size will be disabled in a future update."
            )),
            Verdict::Disabled | Verdict::DisabledForJarsAfter(_) => {
                out.push(format!("{label} uses a {key} which is considered a security risk and is disabled."));
            }
        }
    }
    out
}

impl X509Cert {
    /// The validator variant keytool uses for this certificate at position
    /// `index` of a chain (`buildCertPathConstraint` for an end entity first
    /// in its chain, the generic one otherwise).
    #[must_use]
    pub fn chain_variant(&self, index: usize) -> Variant {
        if index == 0 && self.extensions.basic_constraints == -1 {
            Variant::from_eku(self.extensions.extended_key_usage.as_deref())
        } else {
            Variant::Generic
        }
    }

    /// The variant `printX509Cert` uses (always the EKU-derived one).
    #[must_use]
    pub fn print_variant(&self) -> Variant {
        Variant::from_eku(self.extensions.extended_key_usage.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_pem_line_ends() {
        let der = vec![0u8; 100];
        let pem = rfc_pem(&der);
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\nAAAA"));
        assert!(pem.contains("AA\r\nAA"));
        assert!(pem.ends_with("==\n-----END CERTIFICATE-----\n"));
    }
}
