//! X.509 certificates, kept with their exact encoding.

use der::{Decode as _, Encode as _};
use x509_cert::certificate::{CertificateInner, Raw};

use crate::digest::DigestAlgorithm;
use crate::error::{Error, Result};
use crate::key::PublicKey;
use crate::sigalg::SignatureAlgorithm;

/// The parsed form: the `Raw` profile accepts what the JDK accepts (any
/// serial number length or sign, any time encoding).
pub type ParsedCertificate = CertificateInner<Raw>;

/// An X.509 certificate: the bytes exactly as read, and their parse.
///
/// Everything that is written back out (keystores, signature blocks,
/// PEM exports) uses the original bytes, never a re-encoding.
#[derive(Clone, Debug)]
pub struct Certificate {
    der: Vec<u8>,
    parsed: Box<ParsedCertificate>,
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Eq for Certificate {}

impl Certificate {
    /// Parses one DER certificate; trailing bytes are an error.
    ///
    /// # Errors
    /// Malformed DER.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        let parsed =
            ParsedCertificate::from_der(der).map_err(|e| Error::malformed("certificate", e))?;
        Ok(Self { der: der.to_vec(), parsed: Box::new(parsed) })
    }

    /// The exact encoding.
    #[must_use]
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The parsed structure.
    #[must_use]
    pub fn parsed(&self) -> &ParsedCertificate {
        &self.parsed
    }

    /// The DER of the subject `Name`.
    #[must_use]
    pub fn subject_der(&self) -> Vec<u8> {
        self.parsed.tbs_certificate().subject().to_der().unwrap_or_default()
    }

    /// The DER of the issuer `Name`.
    #[must_use]
    pub fn issuer_der(&self) -> Vec<u8> {
        self.parsed.tbs_certificate().issuer().to_der().unwrap_or_default()
    }

    /// `true` when subject and issuer are the same name.
    #[must_use]
    pub fn is_self_issued(&self) -> bool {
        self.subject_der() == self.issuer_der()
    }

    /// The DER `SubjectPublicKeyInfo`.
    #[must_use]
    pub fn spki_der(&self) -> Vec<u8> {
        self.parsed.tbs_certificate().subject_public_key_info().to_der().unwrap_or_default()
    }

    /// The subject public key.
    ///
    /// # Errors
    /// An unsupported or malformed key.
    pub fn public_key(&self) -> Result<PublicKey> {
        PublicKey::from_spki_der(&self.spki_der())
    }

    /// The serial number's two's-complement big-endian bytes as encoded.
    #[must_use]
    pub fn serial_bytes(&self) -> &[u8] {
        self.parsed.tbs_certificate().serial_number().as_bytes()
    }

    /// `notBefore` and `notAfter` as seconds since the Unix epoch.
    #[must_use]
    pub fn validity_unix(&self) -> (i64, i64) {
        let v = self.parsed.tbs_certificate().validity();
        let secs = |t: x509_cert::time::Time| i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
        (secs(v.not_before), secs(v.not_after))
    }

    /// The outer signature algorithm, when signkit knows it.
    #[must_use]
    pub fn signature_algorithm(&self) -> Option<SignatureAlgorithm> {
        SignatureAlgorithm::from_oid(&self.parsed.signature_algorithm().oid)
    }

    /// The digest of the whole encoding (`keytool`'s fingerprints).
    #[must_use]
    pub fn fingerprint(&self, digest: DigestAlgorithm) -> Vec<u8> {
        digest.digest(&self.der)
    }

    /// Checks this certificate's signature with `issuer_key`.
    ///
    /// # Errors
    /// [`Error::BadSignature`], or an algorithm signkit does not know.
    pub fn verify_signed_by(&self, issuer_key: &PublicKey) -> Result<()> {
        let alg = self.signature_algorithm().ok_or_else(|| {
            Error::UnsupportedAlgorithm(self.parsed.signature_algorithm().oid.to_string())
        })?;
        let tbs = self
            .parsed
            .tbs_certificate()
            .to_der()
            .map_err(|e| Error::malformed("certificate", e))?;
        let sig = self.parsed.signature().as_bytes().ok_or(Error::BadSignature)?;
        issuer_key.verify(alg, &tbs, sig)
    }
}

/// Parses a concatenation of DER certificates (as in a PKCS#7 `certificates` set
/// or a `.cer` file holding several).
///
/// # Errors
/// Malformed DER anywhere in the input.
pub fn certificates_from_der_concat(mut der: &[u8]) -> Result<Vec<Certificate>> {
    let mut out = Vec::new();
    while !der.is_empty() {
        let reader = der::SliceReader::new(der).map_err(|e| Error::malformed("certificate", e))?;
        let header = der::Header::peek(&reader).map_err(|e| Error::malformed("certificate", e))?;
        let total = header
            .encoded_len()
            .and_then(|h| h + header.length())
            .map_err(|e| Error::malformed("certificate", e))?;
        let len = usize::try_from(total).map_err(|e| Error::malformed("certificate", e))?;
        let (one, rest) = der.split_at_checked(len).ok_or_else(|| Error::malformed("certificate", "truncated"))?;
        out.push(Certificate::from_der(one)?);
        der = rest;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concatenated_certificates() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpus/apksig/rsa-2048.x509.pem");
        let pem = std::fs::read(&path).unwrap();
        let der = crate::pem::parse_all(&pem).unwrap().remove(0).der.clone();
        let two = [der.as_slice(), der.as_slice()].concat();
        let certs = certificates_from_der_concat(&two).unwrap();
        assert_eq!(certs.len(), 2);
        assert_eq!(certs[0].der(), der.as_slice());
        assert!(certificates_from_der_concat(&two[..two.len() - 1]).is_err());
        assert!(certificates_from_der_concat(&[]).unwrap().is_empty());
    }
}
