//! JAR signing (APK Signature Scheme v1) exactly as apksig's `V1SchemeSigner`
//! writes it for signapk, which differs from the JDK's jarsigner:
//!
//! - `MANIFEST.MF`: the input manifest's main section (or just
//!   `Manifest-Version: 1.0`), then one section per entry sorted by name with
//!   `SHA1-Digest` or `SHA-256-Digest`; attributes sorted by name; lines
//!   wrapped at 70 bytes (apksig `ManifestWriter`), not the JDK's 72.
//! - `<NAME>.SF`: `Signature-Version`, `Created-By`, the manifest digest and
//!   `X-Android-APK-Signed: 2, 3` (the v2/v3 stripping protection), with no
//!   `-Main-Attributes` digest; one section per manifest section.
//! - `<NAME>.RSA|.EC|.DSA`: a detached PKCS#7 `SignedData` with **no signed
//!   attributes**; the signature is over the raw `.SF` bytes.
//!
//! Entry names are ordered as Java orders `String`s (by UTF-16 code unit).

mod manifest;

use std::cmp::Ordering;
use std::collections::BTreeMap;

use base64ct::{Base64, Encoding as _};
use signkit_crypto::asn1;
use signkit_crypto::{Certificate, DigestAlgorithm, KeyAlgorithm, PrivateKey, SignatureAlgorithm};

use crate::error::{Error, Result};
use crate::oid;

pub use manifest::{MainAttributes, parse_main_attributes};

/// The JAR manifest's name.
pub const MANIFEST_ENTRY_NAME: &str = "META-INF/MANIFEST.MF";
/// The `.SF` attribute that says which APK signature schemes must be present.
pub const ANDROID_APK_SIGNED_ATTR: &str = "X-Android-APK-Signed";
const MAX_LINE_LENGTH: usize = 70;
const CRLF: &[u8] = b"\r\n";

/// Compares two strings as `java.lang.String.compareTo` does: by UTF-16 code unit.
#[must_use]
pub fn java_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// A name ordered as Java orders strings, for sorted maps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaString(pub String);

impl Ord for JavaString {
    fn cmp(&self, other: &Self) -> Ordering {
        java_cmp(&self.0, &other.0)
    }
}

impl PartialOrd for JavaString {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The digest of the v1 signature (apksig `DigestAlgorithm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum V1Digest {
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
}

impl V1Digest {
    /// The general digest algorithm.
    #[must_use]
    pub fn algorithm(self) -> DigestAlgorithm {
        match self {
            Self::Sha1 => DigestAlgorithm::Sha1,
            Self::Sha256 => DigestAlgorithm::Sha256,
        }
    }

    fn entry_attribute(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1-Digest",
            Self::Sha256 => "SHA-256-Digest",
        }
    }

    fn manifest_attribute(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1-Digest-Manifest",
            Self::Sha256 => "SHA-256-Digest-Manifest",
        }
    }

    /// The signature digest apksig picks for a key and minimum SDK version
    /// (`V1SchemeSigner.getSuggestedSignatureDigestAlgorithm`): SHA-1 for RSA
    /// below API 18 and DSA below 21, SHA-256 otherwise; ECDSA needs API 18.
    ///
    /// # Errors
    /// An EC key below API 18, or a key type apksig does not sign with.
    pub fn suggested(key: KeyAlgorithm, min_sdk_version: i32) -> Result<Self> {
        match key {
            KeyAlgorithm::Rsa => Ok(if min_sdk_version < 18 { Self::Sha1 } else { Self::Sha256 }),
            KeyAlgorithm::Dsa => Ok(if min_sdk_version < 21 { Self::Sha1 } else { Self::Sha256 }),
            KeyAlgorithm::Ec(_) => {
                if min_sdk_version < 18 {
                    return Err(Error::InvalidKey(
                        "ECDSA signatures only supported for minSdkVersion 18 and higher".into(),
                    ));
                }
                Ok(Self::Sha256)
            }
            KeyAlgorithm::Ed25519 => {
                Err(Error::InvalidKey("Unsupported key algorithm: EdDSA".into()))
            }
        }
    }
}

/// `V1SchemeSigner.isJarEntryDigestNeededInManifest`: everything but
/// directories and the signature files directly in `META-INF/`
/// (`MANIFEST.MF`, `*.SF`, `*.RSA`, `*.DSA`, `*.EC`, `SIG-*`, without case).
#[must_use]
pub fn is_digest_needed(name: &str) -> bool {
    if name.ends_with('/') {
        return false;
    }
    let Some(file) = name.strip_prefix("META-INF/") else { return true };
    if file.contains('/') {
        return true;
    }
    let lower = file.to_ascii_lowercase();
    !(lower == "manifest.mf"
        || lower.ends_with(".sf")
        || lower.ends_with(".rsa")
        || lower.ends_with(".dsa")
        || lower.ends_with(".ec")
        || lower.starts_with("sig-"))
}

/// apksig's `getSafeSignerName`: upper case, at most 8 characters, others than
/// `[A-Z0-9_-]` replaced by `_`.
#[must_use]
pub fn safe_signer_name(name: &str) -> String {
    name.to_uppercase()
        .encode_utf16()
        .take(8)
        .map(|c| match char::from_u32(u32::from(c)) {
            Some(ch)
                if ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '-' || ch == '_' =>
            {
                ch
            }
            _ => '_',
        })
        .collect()
}

/// A v1 signer: its name (`CERT`, `CERT1`, ...), key, certificate chain
/// (the first certificate is the key's) and signature digest.
#[derive(Debug)]
pub struct V1Signer<'a> {
    /// The safe signer name (the `.SF` file's base name).
    pub name: String,
    /// The private key.
    pub key: &'a PrivateKey,
    /// The certificate chain; the first is the signing certificate.
    pub certs: &'a [Certificate],
    /// The digest its signature uses.
    pub digest: V1Digest,
}

impl V1Signer<'_> {
    /// The signature block's file name: `META-INF/<NAME>.<KEY ALGORITHM>`.
    #[must_use]
    pub fn block_name(&self) -> String {
        format!("META-INF/{}.{}", self.name, self.key_algorithm_name())
    }

    /// The `.SF` file's name.
    #[must_use]
    pub fn sf_name(&self) -> String {
        format!("META-INF/{}.SF", self.name)
    }

    fn key_algorithm_name(&self) -> &'static str {
        match self.key.algorithm() {
            KeyAlgorithm::Rsa => "RSA",
            KeyAlgorithm::Dsa => "DSA",
            KeyAlgorithm::Ec(_) => "EC",
            KeyAlgorithm::Ed25519 => "EDDSA",
        }
    }
}

/// The names of the entries a v1 signature consists of (`getOutputEntryNames`).
#[must_use]
pub fn output_entry_names(signers: &[V1Signer<'_>]) -> Vec<String> {
    let mut names = Vec::with_capacity(2 * signers.len() + 1);
    for s in signers {
        names.push(s.sf_name());
        names.push(s.block_name());
    }
    names.push(MANIFEST_ENTRY_NAME.to_owned());
    names
}

/// The `MANIFEST.MF` apksig generates and its individual sections.
#[derive(Debug, Clone)]
pub struct OutputManifest {
    /// The whole file.
    pub contents: Vec<u8>,
    /// Each entry's section bytes, in Java string order.
    pub sections: Vec<(String, Vec<u8>)>,
}

/// Writes `name: value` wrapped at 70 bytes (apksig `ManifestWriter.writeLine`).
fn write_attribute(out: &mut Vec<u8>, name: &str, value: &str) {
    let line = format!("{name}: {value}");
    let bytes = line.as_bytes();
    let mut offset = 0;
    let mut first = true;
    while offset < bytes.len() {
        let chunk = if first {
            MAX_LINE_LENGTH
        } else {
            out.extend_from_slice(CRLF);
            out.push(b' ');
            MAX_LINE_LENGTH - 1
        };
        let end = (offset + chunk).min(bytes.len());
        out.extend_from_slice(&bytes[offset..end]);
        offset = end;
        first = false;
    }
    out.extend_from_slice(CRLF);
}

/// Writes a main section: the version attribute, then the others sorted by
/// name (apksig `ManifestWriter.writeMainSection` and `SignatureFileWriter`).
fn write_main_section(out: &mut Vec<u8>, version_name: &str, attrs: &MainAttributes) -> Result<()> {
    let version = attrs
        .get(version_name)
        .ok_or_else(|| Error::Manifest(format!("Mandatory {version_name} attribute missing")))?;
    write_attribute(out, version_name, version);
    if attrs.len() > 1 {
        let mut sorted: BTreeMap<JavaString, &str> = BTreeMap::new();
        for (n, v) in attrs.iter() {
            sorted.insert(JavaString(n.to_owned()), v);
        }
        // JDK compat: the version is removed by its exact spelling, so a differently
        // cased duplicate is written again (apksig ManifestWriter).
        sorted.remove(&JavaString(version_name.to_owned()));
        for (n, v) in sorted {
            write_attribute(out, &n.0, v);
        }
    }
    out.extend_from_slice(CRLF);
    Ok(())
}

fn check_entry_name(name: &str) -> Result<()> {
    for c in name.encode_utf16() {
        if c == u16::from(b'\r') || c == u16::from(b'\n') || c == 0 {
            return Err(Error::Manifest(format!(
                "Unsupported character 0x{c:02x} in ZIP entry name \"{name}\""
            )));
        }
    }
    Ok(())
}

/// `V1SchemeSigner.generateManifestFile`: the manifest over `digests` (entry
/// name to content digest), keeping the main section of `source` when given.
///
/// # Errors
/// A source manifest the JDK cannot parse or without `Manifest-Version`; an
/// entry name with CR, LF or NUL.
pub fn generate_manifest(
    digest: V1Digest,
    digests: &BTreeMap<JavaString, Vec<u8>>,
    source: Option<&[u8]>,
) -> Result<OutputManifest> {
    let main = match source {
        Some(bytes) => parse_main_attributes(bytes)?,
        None => {
            let mut m = MainAttributes::default();
            m.put("Manifest-Version", "1.0".into());
            m
        }
    };
    let mut out = Vec::new();
    write_main_section(&mut out, "Manifest-Version", &main)?;
    let mut sections = Vec::with_capacity(digests.len());
    for (name, d) in digests {
        check_entry_name(&name.0)?;
        let mut section = Vec::new();
        write_attribute(&mut section, "Name", &name.0);
        write_attribute(&mut section, digest.entry_attribute(), &Base64::encode_string(d));
        section.extend_from_slice(CRLF);
        out.extend_from_slice(&section);
        sections.push((name.0.clone(), section));
    }
    Ok(OutputManifest { contents: out, sections })
}

/// `V1SchemeSigner.generateSignatureFile`: the `.SF` for `manifest`, with
/// `X-Android-APK-Signed` listing `scheme_ids` when there are any.
#[must_use]
pub fn generate_signature_file(
    scheme_ids: &[u32],
    digest: V1Digest,
    created_by: &str,
    manifest: &OutputManifest,
) -> Vec<u8> {
    let mut main = MainAttributes::default();
    main.put("Signature-Version", "1.0".into());
    main.put("Created-By", created_by.to_owned());
    if !scheme_ids.is_empty() {
        let ids: Vec<String> = scheme_ids.iter().map(u32::to_string).collect();
        main.put(ANDROID_APK_SIGNED_ATTR, ids.join(", "));
    }
    let alg = digest.algorithm();
    main.put(digest.manifest_attribute(), Base64::encode_string(&alg.digest(&manifest.contents)));
    let mut out = Vec::new();
    // The version attribute is present, so this cannot fail.
    let _ = write_main_section(&mut out, "Signature-Version", &main);
    for (name, section) in &manifest.sections {
        write_attribute(&mut out, "Name", name);
        write_attribute(
            &mut out,
            digest.entry_attribute(),
            &Base64::encode_string(&alg.digest(section)),
        );
        out.extend_from_slice(CRLF);
    }
    // Android 1.6 and older fail on a .SF whose length is a multiple of 1024.
    if !out.is_empty() && out.len().is_multiple_of(1024) {
        out.extend_from_slice(CRLF);
    }
    out
}

/// The `SignerInfo` algorithm identifiers apksig writes
/// (`AlgorithmIdentifier.getSignerInfoSignatureAlgorithm`): every one with a
/// NULL parameter, `rsaEncryption` for RSA, `dsa`/`dsaWithSHA256` for DSA and
/// `id-ecPublicKey` for EC.
fn signer_info_algorithms(
    key: KeyAlgorithm,
    digest: V1Digest,
) -> Result<(SignatureAlgorithm, Vec<u8>, Vec<u8>)> {
    let d = digest.algorithm();
    let with_null =
        |o: &const_oid::ObjectIdentifier| asn1::sequence(&[&asn1::oid(o), &asn1::null()]);
    let digest_id = with_null(&d.oid());
    let (alg, sig_id) = match key {
        KeyAlgorithm::Rsa => (SignatureAlgorithm::Rsa(d), with_null(&oid::RSA_ENCRYPTION)),
        KeyAlgorithm::Dsa => (
            SignatureAlgorithm::Dsa(d),
            with_null(&match digest {
                V1Digest::Sha1 => oid::DSA,
                V1Digest::Sha256 => oid::SHA256_WITH_DSA,
            }),
        ),
        KeyAlgorithm::Ec(_) => (SignatureAlgorithm::Ecdsa(d), with_null(&oid::EC_PUBLIC_KEY)),
        KeyAlgorithm::Ed25519 => {
            return Err(Error::InvalidKey("Unsupported key algorithm: EdDSA".into()));
        }
    };
    Ok((alg, digest_id, sig_id))
}

/// A certificate's serial number as `BigInteger.toByteArray()` gives it
/// (minimal two's complement), as an INTEGER.
pub(crate) fn serial_integer(cert: &Certificate) -> Vec<u8> {
    let raw = cert.serial_bytes();
    let mut start = 0;
    // Drop redundant sign bytes: 0x00 before a clear top bit, 0xff before a set one.
    while start + 1 < raw.len()
        && ((raw[start] == 0 && raw[start + 1] & 0x80 == 0)
            || (raw[start] == 0xff && raw[start + 1] & 0x80 != 0))
    {
        start += 1;
    }
    let content = if raw.is_empty() { &[0u8][..] } else { &raw[start..] };
    asn1::tlv(asn1::tag::INTEGER, content)
}

/// `ApkSigningBlockUtils.generatePkcs7DerEncodedMessage` with no content:
///
/// ```text
/// ContentInfo { signedData, [0] SignedData {
///   version 1, digestAlgorithms { digest }, encapContentInfo { data },
///   certificates [0] { certs... },
///   signerInfos { SignerInfo { version 1, issuerAndSerialNumber, digest,
///                              signatureAlgorithm, signature } } } }
/// ```
#[must_use]
pub fn pkcs7_signed_data(
    signature: &[u8],
    certs: &[Certificate],
    digest_id: &[u8],
    signature_id: &[u8],
) -> Vec<u8> {
    let Some(signing) = certs.first() else { return Vec::new() };
    let sid = asn1::sequence(&[&signing.issuer_der(), &serial_integer(signing)]);
    let signer_info = asn1::sequence(&[
        &asn1::small_integer(1),
        &sid,
        digest_id,
        signature_id,
        &asn1::octet_string(signature),
    ]);
    let cert_ders: Vec<&[u8]> = certs.iter().map(Certificate::der).collect();
    let signed_data = asn1::sequence(&[
        &asn1::small_integer(1),
        &asn1::set_of(&[digest_id]),
        &asn1::sequence(&[&asn1::oid(&oid::PKCS7_DATA)]),
        &asn1::context(0, &set_content_sorted(&cert_ders)),
        &asn1::set_of(&[&signer_info]),
    ]);
    asn1::sequence(&[&asn1::oid(&oid::PKCS7_SIGNED_DATA), &asn1::context(0, &signed_data)])
}

/// The content of a DER SET OF: the encodings sorted.
pub(crate) fn set_content_sorted(parts: &[&[u8]]) -> Vec<u8> {
    let mut sorted = parts.to_vec();
    sorted.sort();
    sorted.concat()
}

/// `V1SchemeSigner.generateSignatureBlock`: signs the `.SF` bytes and wraps
/// the signature; the signature is checked against the certificate first.
///
/// # Errors
/// The key does not match the certificate, or cannot sign.
pub fn signature_block(signer: &V1Signer<'_>, sf: &[u8]) -> Result<Vec<u8>> {
    let cert = signer.certs.first().ok_or_else(|| Error::InvalidKey("no certificate".into()))?;
    let (alg, digest_id, sig_id) = signer_info_algorithms(signer.key.algorithm(), signer.digest)?;
    let signature = signer.key.sign(alg, sf).map_err(|e| Error::signing(&signer.name, e))?;
    let public = cert.public_key().map_err(|e| Error::signing(&signer.name, e))?;
    public.verify(alg, sf, &signature).map_err(|e| Error::signing(&signer.name, e))?;
    Ok(pkcs7_signed_data(&signature, signer.certs, &digest_id, &sig_id))
}

/// `V1SchemeSigner.sign`: the v1 signature's entries in output order —
/// each signer's `.SF` and block, then `MANIFEST.MF`.
///
/// # Errors
/// As [`generate_manifest`] and [`signature_block`].
pub fn sign(
    signers: &[V1Signer<'_>],
    digest: V1Digest,
    digests: &BTreeMap<JavaString, Vec<u8>>,
    scheme_ids: &[u32],
    source_manifest: Option<&[u8]>,
    created_by: &str,
) -> Result<Vec<(String, Vec<u8>)>> {
    let manifest = generate_manifest(digest, digests, source_manifest)?;
    let sf = generate_signature_file(scheme_ids, digest, created_by, &manifest);
    let mut out = Vec::with_capacity(2 * signers.len() + 1);
    for s in signers {
        let block = signature_block(s, &sf)?;
        out.push((s.sf_name(), sf.clone()));
        out.push((s.block_name(), block));
    }
    out.push((MANIFEST_ENTRY_NAME.to_owned(), manifest.contents));
    Ok(out)
}

#[cfg(test)]
mod tests;
