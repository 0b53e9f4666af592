//! Certificates: reading PEM and DER, ordering a chain from the key's
//! certificate, and writing the PEM form of `keytool -exportcert -rfc`.

use base64ct::{Base64, Encoding as _};
use der::Reader as _;
use signkit_crypto::{Certificate, PublicKey, pem};

use crate::error::{Error, Result};

/// PEM labels that hold one DER certificate.
const CERT_LABELS: [&str; 2] = ["CERTIFICATE", "X509 CERTIFICATE"];

/// Reads every certificate in `input`: PEM (`CERTIFICATE` blocks, anything
/// around them ignored) or DER (one certificate or several concatenated).
///
/// # Errors
/// [`Error::NoCertificate`] when there is none; [`Error::Malformed`] for a
/// block or DER that does not parse.
pub fn read_certificates(input: &[u8]) -> Result<Vec<Certificate>> {
    let certs = if pem::looks_like_pem(input) {
        let blocks = pem::parse_all(input).map_err(|e| Error::malformed("certificate PEM", e))?;
        let mut certs = Vec::new();
        for block in &blocks {
            if CERT_LABELS.contains(&block.label.as_str()) {
                certs.push(
                    Certificate::from_der(&block.der)
                        .map_err(|e| Error::malformed("certificate", detail(&e)))?,
                );
            } else if block.label == "PKCS7" || block.label == "TRUSTED CERTIFICATE" {
                return Err(Error::Unsupported(format!("certificate form {:?}", block.label)));
            }
        }
        certs
    } else {
        der_certificates(input)?
    };
    if certs.is_empty() {
        return Err(Error::NoCertificate);
    }
    Ok(certs)
}

/// One or more DER certificates, back to back.
fn der_certificates(input: &[u8]) -> Result<Vec<Certificate>> {
    let bad = |e: der::Error| Error::malformed("certificate", e);
    let mut reader = der::SliceReader::new(input).map_err(bad)?;
    let mut certs = Vec::new();
    while !reader.is_finished() {
        let one = reader.tlv_bytes().map_err(bad)?;
        certs.push(
            Certificate::from_der(one).map_err(|e| Error::malformed("certificate", detail(&e)))?,
        );
    }
    Ok(certs)
}

fn detail(e: &signkit_crypto::Error) -> String {
    match e {
        signkit_crypto::Error::Malformed { detail, .. } => detail.clone(),
        other => other.to_string(),
    }
}

/// A certificate as `keytool -exportcert -rfc` writes it: the header line,
/// the base64 body in 64-column lines separated by `\r\n` (the JDK's MIME
/// encoder), then `\n` and the footer line ending in `\n`.
#[must_use]
pub fn certificate_pem(cert: &Certificate) -> String {
    // JDK compat: sun.security.tools.keytool.Main.dumpCert prints
    // BEGIN_CERT, then Base64.getMimeEncoder(64, "\r\n") output, then
    // END_CERT, each with println (so "\n").
    let b64 = Base64::encode_string(cert.der());
    let mut out = String::with_capacity(b64.len() + b64.len() / 32 + 64);
    out.push_str("-----BEGIN CERTIFICATE-----\n");
    for (i, line) in b64.as_bytes().chunks(64).enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        out.push_str(core::str::from_utf8(line).unwrap_or_default());
    }
    out.push_str("\n-----END CERTIFICATE-----\n");
    out
}

/// Every certificate of `chain` in [`certificate_pem`] form, one after the other.
#[must_use]
pub fn chain_pem(chain: &[Certificate]) -> String {
    chain.iter().map(certificate_pem).collect()
}

/// The subject as text, for messages.
pub(crate) fn subject_text(cert: &Certificate) -> String {
    cert.parsed().tbs_certificate().subject().to_string()
}

/// Orders `certs` into the chain of the key's certificate, leaf first.
///
/// The leaf is the first certificate whose public key is `key`; each next
/// certificate is the one whose subject is the previous certificate's issuer
/// and whose key verifies its signature, until a self-signed certificate or
/// the end of what was given. Duplicates are dropped.
///
/// # Errors
/// [`Error::KeyMismatch`] when no certificate holds `key`; [`Error::Chain`]
/// when a certificate is left over or a link does not verify.
pub fn build_chain(key: &PublicKey, certs: Vec<Certificate>) -> Result<Vec<Certificate>> {
    if certs.is_empty() {
        return Err(Error::NoCertificate);
    }
    let mut remaining: Vec<Certificate> = Vec::with_capacity(certs.len());
    for c in certs {
        if !remaining.contains(&c) {
            remaining.push(c);
        }
    }
    let Some(leaf_at) = remaining.iter().position(|c| c.public_key().is_ok_and(|k| k == *key))
    else {
        return Err(Error::KeyMismatch(remaining.iter().map(subject_text).collect()));
    };
    let mut chain = vec![remaining.remove(leaf_at)];
    while let Some(current) = chain.last() {
        if current.is_self_issued() {
            break;
        }
        let issuer = current.issuer_der();
        let Some(next_at) = remaining.iter().position(|c| c.subject_der() == issuer) else {
            break;
        };
        let next = remaining.remove(next_at);
        let signed = next.public_key().and_then(|k| current.verify_signed_by(&k));
        if let Err(e) = signed {
            return Err(Error::Chain(format!(
                "certificate ({}) is not signed by its issuer's certificate ({}): {e}",
                subject_text(current),
                subject_text(&next)
            )));
        }
        chain.push(next);
    }
    if let Some(extra) = remaining.first() {
        return Err(Error::Chain(format!(
            "certificate ({}) is not part of the chain of the key's certificate ({})",
            subject_text(extra),
            chain.first().map(subject_text).unwrap_or_default()
        )));
    }
    Ok(chain)
}

/// Checks that `chain` starts with the key's certificate and that each
/// certificate is signed by the next (the chain a keystore entry holds).
///
/// # Errors
/// [`Error::NoCertificate`] for an empty chain, [`Error::KeyMismatch`],
/// [`Error::Chain`].
pub fn check_chain(key: &PublicKey, chain: &[Certificate]) -> Result<()> {
    let leaf = chain.first().ok_or(Error::NoCertificate)?;
    if !leaf.public_key().is_ok_and(|k| k == *key) {
        return Err(Error::KeyMismatch(vec![subject_text(leaf)]));
    }
    for pair in chain.windows(2) {
        let [child, parent] = pair else { continue };
        parent.public_key().and_then(|k| child.verify_signed_by(&k)).map_err(|e| {
            Error::Chain(format!(
                "certificate ({}) is not signed by the next certificate ({}): {e}",
                subject_text(child),
                subject_text(parent)
            ))
        })?;
    }
    Ok(())
}
