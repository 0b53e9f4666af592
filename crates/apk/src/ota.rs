//! Whole-file signing (`signapk -w`) of OTA update packages.
//!
//! The archive is rebuilt as for APKs but without v1/v2/v3 signatures,
//! without alignment (each STORED entry still gets a `0xd935` field with
//! alignment 0) and at the default compression level, and the certificate
//! file is added as `META-INF/com/android/otacert`. A CMS signature over the
//! whole archive except its last two bytes (the comment length) goes in the
//! archive comment:
//!
//! ```text
//! comment = "signed by SignApk" 0x00  CMS(DER)  u16le signature_start  0xff 0xff  u16le comment_size
//! comment_size    = 18 + len(CMS) + 6
//! signature_start = comment_size - 18   (distance from the end of the file to the CMS)
//! ```
//!
//! The CMS is BouncyCastle's (1.72) `SignedData` for a direct signature:
//! detached, no signed attributes, the one certificate; its algorithm
//! identifiers are BouncyCastle's (`sha1` with a NULL parameter, `sha256`
//! without; `rsaEncryption` for SHA1withRSA, `sha256WithRSAEncryption`,
//! `ecdsa-with-SHA256`).

use std::io::Write;

use signkit_crypto::asn1;
use signkit_crypto::{Certificate, DigestAlgorithm, Hasher, KeyAlgorithm, SignatureAlgorithm};

use crate::error::{Error, Result};
use crate::oid;
use crate::signapk::{self, SignerKey};
use crate::v1::{serial_integer, set_content_sorted};

/// The readable message at the start of the comment.
pub const MESSAGE: &[u8] = b"signed by SignApk";

/// `getDigestAlgorithmForOta`: SHA-1 for certificates signed with SHA1withRSA
/// or MD5withRSA, SHA-256 for any `SHA256with*`.
///
/// # Errors
/// [`Error::Ota`] with signapk's message for anything else.
pub fn ota_digest(cert: &Certificate) -> Result<DigestAlgorithm> {
    let name = signature_algorithm_name(cert).to_uppercase();
    if name == "SHA1WITHRSA" || name == "MD5WITHRSA" {
        Ok(DigestAlgorithm::Sha1)
    } else if name.starts_with("SHA256WITH") {
        Ok(DigestAlgorithm::Sha256)
    } else {
        Err(Error::Ota(format!(
            "unsupported signature algorithm \"{name}\" in cert [{}",
            subject_dn(cert)
        )))
    }
}

/// `X509Certificate.getSigAlgName()`.
fn signature_algorithm_name(cert: &Certificate) -> String {
    let oid = cert.parsed().signature_algorithm().oid;
    if oid == signkit_crypto::oid::RSASSA_PSS {
        return "RSASSA-PSS".into();
    }
    cert.signature_algorithm().map_or_else(|| oid.to_string(), SignatureAlgorithm::jdk_name)
}

/// The subject in the JDK's `X500Name.toString()` style: the last RDN
/// first, `, ` between RDNs, values with special characters in quotes.
fn subject_dn(cert: &Certificate) -> String {
    let subject = cert.parsed().tbs_certificate().subject();
    let mut rdns: Vec<String> = subject
        .as_ref()
        .iter()
        .map(|rdn| {
            rdn.as_ref().iter().map(|atv| jdk_ava(&atv.to_string())).collect::<Vec<_>>().join(" + ")
        })
        .collect();
    rdns.reverse();
    rdns.join(", ")
}

/// Turns an RFC 4514 `TYPE=value` (backslash escapes) into the JDK's RFC 1779
/// form, where a value with special characters is quoted instead.
fn jdk_ava(rfc4514: &str) -> String {
    let Some((kind, escaped)) = rfc4514.split_once('=') else { return rfc4514.to_owned() };
    let mut value = String::with_capacity(escaped.len());
    let mut chars = escaped.chars();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(n) = chars.next()
        {
            value.push(n);
            continue;
        }
        value.push(c);
    }
    let special =
        |c: char| matches!(c, ',' | '+' | '=' | '<' | '>' | '#' | ';' | '"' | '\\' | '\n');
    if value.chars().any(special) || value.starts_with(' ') || value.ends_with(' ') {
        let quoted: String = value
            .chars()
            .flat_map(|c| if c == '"' || c == '\\' { vec!['\\', c] } else { vec![c] })
            .collect();
        format!("{kind}=\"{quoted}\"")
    } else {
        format!("{kind}={value}")
    }
}

/// `getJcaSignatureAlgorithmForOta`: the key's family with `digest`.
///
/// # Errors
/// Keys other than RSA and EC (signapk's `Unsupported key algorithm: DSA`).
pub fn ota_signature_algorithm(
    cert: &Certificate,
    digest: DigestAlgorithm,
) -> Result<SignatureAlgorithm> {
    match signapk::key_algorithm(cert)? {
        KeyAlgorithm::Rsa => Ok(SignatureAlgorithm::Rsa(digest)),
        KeyAlgorithm::Ec(_) => Ok(SignatureAlgorithm::Ecdsa(digest)),
        other => Err(Error::Ota(format!("Unsupported key algorithm: {}", other.jdk_name()))),
    }
}

/// BouncyCastle's digest `AlgorithmIdentifier` (`DefaultDigestAlgorithmIdentifierFinder`).
fn bc_digest_id(d: DigestAlgorithm) -> Vec<u8> {
    match d {
        DigestAlgorithm::Sha1 => asn1::sequence(&[&asn1::oid(&d.oid()), &asn1::null()]),
        _ => asn1::sequence(&[&asn1::oid(&d.oid())]),
    }
}

/// BouncyCastle's `SignerInfo` signature algorithm
/// (`DefaultCMSSignatureEncryptionAlgorithmFinder`): SHA1withRSA becomes
/// `rsaEncryption`; other RSA algorithms keep their OID with a NULL; ECDSA
/// has no parameters.
fn bc_signature_id(alg: SignatureAlgorithm) -> Vec<u8> {
    match alg {
        SignatureAlgorithm::Rsa(DigestAlgorithm::Sha1 | DigestAlgorithm::Md5) => {
            asn1::sequence(&[&asn1::oid(&oid::RSA_ENCRYPTION), &asn1::null()])
        }
        SignatureAlgorithm::Rsa(_) => asn1::sequence(&[&asn1::oid(&alg.oid()), &asn1::null()]),
        _ => asn1::sequence(&[&asn1::oid(&alg.oid())]),
    }
}

/// The detached CMS `SignedData` BouncyCastle writes for a direct signature
/// (no signed attributes) with one certificate.
#[must_use]
pub fn bc_signed_data(cert: &Certificate, alg: SignatureAlgorithm, signature: &[u8]) -> Vec<u8> {
    let digest = alg.digest().unwrap_or(DigestAlgorithm::Sha256);
    let digest_id = bc_digest_id(digest);
    let sid = asn1::sequence(&[&cert.issuer_der(), &serial_integer(cert)]);
    let signer_info = asn1::sequence(&[
        &asn1::small_integer(1),
        &sid,
        &digest_id,
        &bc_signature_id(alg),
        &asn1::octet_string(signature),
    ]);
    let signed_data = asn1::sequence(&[
        &asn1::small_integer(1),
        &asn1::set_of(&[&digest_id]),
        &asn1::sequence(&[&asn1::oid(&oid::PKCS7_DATA)]),
        &asn1::context(0, &set_content_sorted(&[cert.der()])),
        &asn1::set_of(&[&signer_info]),
    ]);
    asn1::sequence(&[&asn1::oid(&oid::PKCS7_SIGNED_DATA), &asn1::context(0, &signed_data)])
}

/// The archive comment: message, NUL, CMS and the 6-byte footer.
///
/// # Errors
/// signapk's `signature is too big for ZIP file comment` and `found
/// spurious EOCD header at N`.
pub fn signed_comment(cms: &[u8]) -> Result<Vec<u8>> {
    let mut comment = Vec::with_capacity(MESSAGE.len() + 1 + cms.len() + 6);
    comment.extend_from_slice(MESSAGE);
    comment.push(0);
    comment.extend_from_slice(cms);
    let total = comment.len() + 6;
    if total > 0xffff {
        return Err(Error::Ota("signature is too big for ZIP file comment".into()));
    }
    let start = total - MESSAGE.len() - 1;
    comment.extend_from_slice(&u16::try_from(start).unwrap_or(u16::MAX).to_le_bytes());
    comment.extend_from_slice(&[0xff, 0xff]);
    comment.extend_from_slice(&u16::try_from(total).unwrap_or(u16::MAX).to_le_bytes());
    // A recovery verifier takes the last EOCD signature in the file as the
    // real one, so the comment must not contain one.
    if let Some(i) = comment.windows(4).position(|w| w == [0x50, 0x4b, 0x05, 0x06]) {
        return Err(Error::Ota(format!("found spurious EOCD header at {i}")));
    }
    Ok(comment)
}

/// Signs an OTA package as `signapk -w cert key in out`: `cert_file` is the
/// certificate file's bytes (copied into the package as `otacert`);
/// `resources` as for [`crate::sign_apk`].
///
/// # Errors
/// Malformed input, a certificate or key signapk refuses, I/O errors.
pub fn sign_whole_file<W: Write>(
    src: &(dyn signkit_zip::DataSource + Sync),
    signer: &SignerKey<'_>,
    cert_file: &[u8],
    resources: signapk::Resources<'_>,
    out: W,
) -> Result<W> {
    signer.check()?;
    let digest = ota_digest(signer.cert)?;
    let alg = ota_signature_algorithm(signer.cert, digest)?;
    let (mut out, hasher) =
        signapk::write_ota_archive(src, cert_file, Hasher::new(digest), resources, out)?;
    let signature = signer.key.sign_prehashed(alg, &hasher.finalize())?;
    let cms = bc_signed_data(signer.cert, alg, &signature);
    let comment = signed_comment(&cms)?;
    let len = u16::try_from(comment.len()).unwrap_or(u16::MAX);
    out.write_all(&len.to_le_bytes())?;
    out.write_all(&comment)?;
    out.flush()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_layout() {
        let c = signed_comment(&[0x30, 0x03, 1, 2, 3]).unwrap();
        assert_eq!(&c[..18], b"signed by SignApk\0");
        let n = c.len();
        assert_eq!(n, 18 + 5 + 6);
        // Footer: signature start (from the end of the file), 0xffff, comment size.
        assert_eq!(&c[n - 6..], &[11, 0, 0xff, 0xff, 29, 0]);
        assert_eq!(&c[n - 11..n - 6], &[0x30, 0x03, 1, 2, 3]);
    }

    #[test]
    fn comment_errors() {
        let big = vec![0u8; 0xffff];
        let e = signed_comment(&big).unwrap_err();
        assert_eq!(e.to_string(), "signature is too big for ZIP file comment");
        let e = signed_comment(&[0x30, 0x50, 0x4b, 0x05, 0x06]).unwrap_err();
        assert_eq!(e.to_string(), "found spurious EOCD header at 19");
    }

    #[test]
    fn bouncycastle_identifiers() {
        use signkit_crypto::DigestAlgorithm as D;
        // sha1 with NULL, sha256 without parameters.
        assert_eq!(
            bc_digest_id(D::Sha1),
            [0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00]
        );
        assert_eq!(bc_digest_id(D::Sha256)[1], 0x0b);
        // SHA1withRSA is written as rsaEncryption, SHA256withRSA keeps its OID.
        let rsa1 = bc_signature_id(SignatureAlgorithm::Rsa(D::Sha1));
        assert_eq!(&rsa1[4..13], oid::RSA_ENCRYPTION.as_bytes());
        let rsa256 = bc_signature_id(SignatureAlgorithm::Rsa(D::Sha256));
        assert_eq!(&rsa256[4..13], signkit_crypto::oid::SHA256_WITH_RSA.as_bytes());
        assert_eq!(rsa256.last(), Some(&0));
        let ec = bc_signature_id(SignatureAlgorithm::Ecdsa(D::Sha256));
        assert_eq!(ec.len(), 12);
    }
}
