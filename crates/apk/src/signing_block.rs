//! The APK Signing Block and the v2/v3 signature blocks inside it.
//!
//! ```text
//! APK Signing Block (just before the Central Directory):
//!   u64 size of the block minus 8
//!   repeated { u64 pair length (4 + value length), u32 ID, value }
//!   u64 size of the block minus 8 (again)
//!   "APK Sig Block 42"
//! ```
//!
//! apksig pads the block to a multiple of 4096 bytes with a pair of ID
//! [`VERITY_PADDING_BLOCK_ID`] (of at least 12 bytes), and signapk pads the
//! data before it to a 4096 boundary with zeros (`outputZipSections2`).
//!
//! A v2 (`0x7109871a`) or v3 (`0xf05368c0`) value is a length-prefixed
//! sequence of length-prefixed signers; all integers are little-endian and
//! all length prefixes are u32:
//!
//! ```text
//! v2 signer = lp(signed data) lp(seq of lp(u32 algorithm ID, lp(signature))) lp(SubjectPublicKeyInfo)
//! v2 signed data = lp(seq of lp(u32 algorithm ID, lp(digest))) lp(seq of lp(certificate))
//!                  lp(additional attributes) lp(empty)
//! v3 signer = lp(signed data) u32 minSdk u32 maxSdk lp(signatures) lp(public key)
//! v3 signed data = lp(digests) lp(certificates) u32 minSdk u32 maxSdk lp(additional attributes)
//! ```
//!
//! The v2 stripping-protection attribute (`0xbeeff00d` = 3) says the APK is
//! also signed with v3.

use signkit_crypto::{Certificate, KeyAlgorithm, PrivateKey, SignatureAlgorithm};

use crate::digest::ContentDigest;
use crate::error::{Error, Result};

/// The magic at the end of the block.
pub const APK_SIGNING_BLOCK_MAGIC: &[u8; 16] = b"APK Sig Block 42";
/// ID of the APK Signature Scheme v2 block.
pub const APK_SIGNATURE_SCHEME_V2_BLOCK_ID: u32 = 0x7109_871a;
/// ID of the APK Signature Scheme v3 block.
pub const APK_SIGNATURE_SCHEME_V3_BLOCK_ID: u32 = 0xf053_68c0;
/// ID of the padding pair apksig adds.
pub const VERITY_PADDING_BLOCK_ID: u32 = 0x4272_6577;
/// ID of the v2 signer attribute that names the stronger schemes also present.
pub const STRIPPING_PROTECTION_ATTR_ID: u32 = 0xbeef_f00d;
/// The scheme number of APK Signature Scheme v2 (as in `X-Android-APK-Signed`).
pub const VERSION_APK_SIGNATURE_SCHEME_V2: u32 = 2;
/// The scheme number of APK Signature Scheme v3.
pub const VERSION_APK_SIGNATURE_SCHEME_V3: u32 = 3;
/// Alignment of the block and of its start (`ANDROID_COMMON_PAGE_ALIGNMENT_BYTES`).
pub const PAGE_ALIGNMENT: u64 = 4096;
/// The API level APK Signature Scheme v3 starts at (Android P).
pub const ANDROID_P: i32 = 28;

/// An APK signature algorithm (`SignatureAlgorithm` in apksig), as signapk
/// chooses them: PKCS#1 v1.5, ECDSA and DSA, never PSS or verity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApkSignatureAlgorithm {
    /// 0x0103: RSASSA-PKCS1-v1_5 with SHA-256.
    RsaPkcs1Sha256,
    /// 0x0104: RSASSA-PKCS1-v1_5 with SHA-512.
    RsaPkcs1Sha512,
    /// 0x0201: ECDSA with SHA-256.
    EcdsaSha256,
    /// 0x0202: ECDSA with SHA-512.
    EcdsaSha512,
    /// 0x0301: DSA with SHA-256.
    DsaSha256,
}

impl ApkSignatureAlgorithm {
    /// The algorithm ID in the signing block.
    #[must_use]
    pub fn id(self) -> u32 {
        match self {
            Self::RsaPkcs1Sha256 => 0x0103,
            Self::RsaPkcs1Sha512 => 0x0104,
            Self::EcdsaSha256 => 0x0201,
            Self::EcdsaSha512 => 0x0202,
            Self::DsaSha256 => 0x0301,
        }
    }

    /// The content digest it signs.
    #[must_use]
    pub fn content_digest(self) -> ContentDigest {
        match self {
            Self::RsaPkcs1Sha256 | Self::EcdsaSha256 | Self::DsaSha256 => {
                ContentDigest::ChunkedSha256
            }
            Self::RsaPkcs1Sha512 | Self::EcdsaSha512 => ContentDigest::ChunkedSha512,
        }
    }

    /// The signature over the signed data.
    #[must_use]
    pub fn signature_algorithm(self) -> SignatureAlgorithm {
        use signkit_crypto::DigestAlgorithm as D;
        match self {
            Self::RsaPkcs1Sha256 => SignatureAlgorithm::Rsa(D::Sha256),
            Self::RsaPkcs1Sha512 => SignatureAlgorithm::Rsa(D::Sha512),
            Self::EcdsaSha256 => SignatureAlgorithm::Ecdsa(D::Sha256),
            Self::EcdsaSha512 => SignatureAlgorithm::Ecdsa(D::Sha512),
            Self::DsaSha256 => SignatureAlgorithm::Dsa(D::Sha256),
        }
    }

    /// The lowest API level that verifies it.
    #[must_use]
    pub fn min_sdk_version(self) -> i32 {
        24
    }

    /// apksig's choice for a key (`V2SchemeSigner.getSuggestedSignatureAlgorithms`
    /// without verity): SHA-256 up to 3072-bit RSA and 256-bit curves, SHA-512 above.
    ///
    /// # Errors
    /// Key types apksig does not sign with.
    pub fn suggested(key: KeyAlgorithm, key_bits: usize) -> Result<Self> {
        match key {
            KeyAlgorithm::Rsa if key_bits <= 3072 => Ok(Self::RsaPkcs1Sha256),
            KeyAlgorithm::Rsa => Ok(Self::RsaPkcs1Sha512),
            KeyAlgorithm::Dsa => Ok(Self::DsaSha256),
            KeyAlgorithm::Ec(c) if c.bits() <= 256 => Ok(Self::EcdsaSha256),
            KeyAlgorithm::Ec(_) => Ok(Self::EcdsaSha512),
            KeyAlgorithm::Ed25519 => {
                Err(Error::InvalidKey("Unsupported key algorithm: EdDSA".into()))
            }
        }
    }
}

/// A signer of the signing block: key, chain and the algorithms it signs with.
#[derive(Debug)]
pub struct BlockSigner<'a> {
    /// The private key.
    pub key: &'a PrivateKey,
    /// The certificate chain; the first is the key's.
    pub certs: &'a [Certificate],
    /// The algorithms (one for signapk).
    pub algorithms: Vec<ApkSignatureAlgorithm>,
}

/// Appends `u32le(len) || bytes`.
fn push_lp(out: &mut Vec<u8>, bytes: &[u8]) -> Result<()> {
    let len = u32::try_from(bytes.len())
        .map_err(|_| Error::Format("signature block element too large".into()))?;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(bytes);
    Ok(())
}

fn lp(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() + 4);
    push_lp(&mut out, bytes)?;
    Ok(out)
}

/// `encodeAsSequenceOfLengthPrefixedElements`.
fn lp_sequence(items: &[&[u8]]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for i in items {
        push_lp(&mut out, i)?;
    }
    Ok(out)
}

/// `encodeAsSequenceOfLengthPrefixedPairsOfIntAndLengthPrefixedBytes`.
fn lp_pairs(items: &[(u32, Vec<u8>)]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for (id, bytes) in items {
        let mut pair = id.to_le_bytes().to_vec();
        push_lp(&mut pair, bytes)?;
        push_lp(&mut out, &pair)?;
    }
    Ok(out)
}

fn digests_for(
    signer: &BlockSigner<'_>,
    digests: &[(ContentDigest, Vec<u8>)],
) -> Result<Vec<(u32, Vec<u8>)>> {
    signer
        .algorithms
        .iter()
        .map(|a| {
            digests
                .iter()
                .find(|(d, _)| *d == a.content_digest())
                .map(|(_, v)| (a.id(), v.clone()))
                .ok_or_else(|| {
                    Error::Format(format!("{:?} content digest not computed", a.content_digest()))
                })
        })
        .collect()
}

/// `generateSignaturesOverData`: each algorithm's signature, checked
/// against the certificate's key.
fn signatures_over(
    signer: &BlockSigner<'_>,
    data: &[u8],
    number: usize,
) -> Result<Vec<(u32, Vec<u8>)>> {
    let cert = signer
        .certs
        .first()
        .ok_or_else(|| Error::InvalidKey("No certificates configured for signer".into()))?;
    let public = cert.public_key()?;
    let name = format!("Signer #{number}");
    signer
        .algorithms
        .iter()
        .map(|a| {
            let alg = a.signature_algorithm();
            let sig = signer.key.sign(alg, data).map_err(|e| Error::signing(&name, e))?;
            public.verify(alg, data, &sig).map_err(|e| Error::signing(&name, e))?;
            Ok((a.id(), sig))
        })
        .collect()
}

fn certificates(signer: &BlockSigner<'_>) -> Result<Vec<u8>> {
    let ders: Vec<&[u8]> = signer.certs.iter().map(Certificate::der).collect();
    lp_sequence(&ders)
}

fn public_key(signer: &BlockSigner<'_>) -> Result<Vec<u8>> {
    let cert = signer
        .certs
        .first()
        .ok_or_else(|| Error::InvalidKey("No certificates configured for signer".into()))?;
    Ok(cert.spki_der())
}

/// The v2 block value for `signers` over `digests`; with `v3_also`, each
/// signer carries the stripping-protection attribute.
///
/// # Errors
/// A key that does not match its certificate.
pub fn v2_block(
    signers: &[BlockSigner<'_>],
    digests: &[(ContentDigest, Vec<u8>)],
    v3_also: bool,
) -> Result<Vec<u8>> {
    let mut blocks = Vec::with_capacity(signers.len());
    for (i, s) in signers.iter().enumerate() {
        let attrs = if v3_also {
            let mut a = Vec::with_capacity(12);
            a.extend_from_slice(&8u32.to_le_bytes());
            a.extend_from_slice(&STRIPPING_PROTECTION_ATTR_ID.to_le_bytes());
            a.extend_from_slice(&VERSION_APK_SIGNATURE_SCHEME_V3.to_le_bytes());
            a
        } else {
            Vec::new()
        };
        let signed_data =
            lp_sequence(&[&lp_pairs(&digests_for(s, digests)?)?, &certificates(s)?, &attrs, &[]])?;
        let sigs = signatures_over(s, &signed_data, i + 1)?;
        blocks.push(lp_sequence(&[&signed_data, &lp_pairs(&sigs)?, &public_key(s)?])?);
    }
    let refs: Vec<&[u8]> = blocks.iter().map(Vec::as_slice).collect();
    lp_sequence(&[&lp_sequence(&refs)?])
}

/// The v3 block value for `signers` (each with its SDK range) over `digests`.
///
/// # Errors
/// A key that does not match its certificate.
pub fn v3_block(
    signers: &[(BlockSigner<'_>, i32, i32)],
    digests: &[(ContentDigest, Vec<u8>)],
) -> Result<Vec<u8>> {
    let mut blocks = Vec::with_capacity(signers.len());
    for (i, (s, min, max)) in signers.iter().enumerate() {
        let mut signed_data = lp(&lp_pairs(&digests_for(s, digests)?)?)?;
        signed_data.extend_from_slice(&lp(&certificates(s)?)?);
        signed_data.extend_from_slice(&min.to_le_bytes());
        signed_data.extend_from_slice(&max.to_le_bytes());
        signed_data.extend_from_slice(&lp(&[])?);
        let sigs = signatures_over(s, &signed_data, i + 1)?;
        let mut block = lp(&signed_data)?;
        block.extend_from_slice(&min.to_le_bytes());
        block.extend_from_slice(&max.to_le_bytes());
        block.extend_from_slice(&lp(&lp_pairs(&sigs)?)?);
        block.extend_from_slice(&lp(&public_key(s)?)?);
        blocks.push(block);
    }
    let refs: Vec<&[u8]> = blocks.iter().map(Vec::as_slice).collect();
    lp_sequence(&[&lp_sequence(&refs)?])
}

/// Zero bytes that move the APK Signing Block to a 4096 boundary
/// (`generateApkSigningBlockPadding`).
#[must_use]
pub fn padding_before_block(entries_len: u64) -> u64 {
    (PAGE_ALIGNMENT - entries_len % PAGE_ALIGNMENT) % PAGE_ALIGNMENT
}

/// `generateApkSigningBlock`: the block holding `pairs` (ID, value), padded
/// to a multiple of 4096 bytes.
///
/// # Errors
/// A block larger than `u32::MAX` bytes.
pub fn signing_block(pairs: &[(u32, Vec<u8>)]) -> Result<Vec<u8>> {
    let blocks: usize = pairs.iter().map(|(_, v)| 12 + v.len()).sum();
    let mut size = 8 + blocks + 8 + 16;
    let align = usize::try_from(PAGE_ALIGNMENT).unwrap_or(4096);
    let mut padding = 0;
    if !size.is_multiple_of(align) {
        padding = align - size % align;
        if padding < 12 {
            padding += align;
        }
        size += padding;
    }
    if u32::try_from(size).is_err() {
        return Err(Error::Format("APK Signing Block too large".into()));
    }
    let block_size = (size - 8) as u64;
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&block_size.to_le_bytes());
    for (id, value) in pairs {
        out.extend_from_slice(&(4 + value.len() as u64).to_le_bytes());
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(value);
    }
    if padding > 0 {
        out.extend_from_slice(&((padding - 8) as u64).to_le_bytes());
        out.extend_from_slice(&VERITY_PADDING_BLOCK_ID.to_le_bytes());
        out.resize(out.len() + padding - 12, 0);
    }
    out.extend_from_slice(&block_size.to_le_bytes());
    out.extend_from_slice(APK_SIGNING_BLOCK_MAGIC);
    Ok(out)
}

/// A parsed APK Signing Block: its ID-value pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningBlock<'a> {
    /// The pairs in order.
    pub pairs: Vec<(u32, &'a [u8])>,
}

impl<'a> SigningBlock<'a> {
    /// Parses a whole block (`size`, pairs, `size`, magic), checking every
    /// length against the bytes available.
    ///
    /// # Errors
    /// [`Error::SigningBlock`] for anything inconsistent.
    pub fn parse(block: &'a [u8]) -> Result<Self> {
        let bad = |m: &str| Error::SigningBlock(m.to_owned());
        if block.len() < 32 {
            return Err(bad("shorter than 32 bytes"));
        }
        let (body, footer) = block.split_at(block.len() - 24);
        if &footer[8..] != APK_SIGNING_BLOCK_MAGIC {
            return Err(bad("no APK Sig Block 42 magic"));
        }
        let size_footer = u64::from_le_bytes(footer[..8].try_into().map_err(|_| bad("size"))?);
        let size_header = u64::from_le_bytes(body[..8].try_into().map_err(|_| bad("size"))?);
        if size_header != size_footer {
            return Err(bad("size fields differ"));
        }
        if size_header != (block.len() - 8) as u64 {
            return Err(bad("size does not match the block"));
        }
        let mut rest = &body[8..];
        let mut pairs = Vec::new();
        while !rest.is_empty() {
            if rest.len() < 8 {
                return Err(bad("truncated pair length"));
            }
            let len = u64::from_le_bytes(rest[..8].try_into().map_err(|_| bad("pair"))?);
            rest = &rest[8..];
            let len = usize::try_from(len)
                .ok()
                .filter(|&l| (4..=rest.len()).contains(&l))
                .ok_or_else(|| bad("pair length out of range"))?;
            let id = u32::from_le_bytes(rest[..4].try_into().map_err(|_| bad("pair"))?);
            pairs.push((id, &rest[4..len]));
            rest = &rest[len..];
        }
        Ok(Self { pairs })
    }

    /// The value of the first pair with `id`.
    #[must_use]
    pub fn find(&self, id: u32) -> Option<&'a [u8]> {
        self.pairs.iter().find(|(i, _)| *i == id).map(|(_, v)| *v)
    }
}

/// Splits a length-prefixed sequence into its elements.
///
/// # Errors
/// A length that runs past the input.
pub fn split_length_prefixed(mut data: &[u8]) -> Result<Vec<&[u8]>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        if data.len() < 4 {
            return Err(Error::SigningBlock("truncated length prefix".into()));
        }
        let len = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
        let len =
            usize::try_from(len).map_err(|_| Error::SigningBlock("length too large".into()))?;
        let rest = &data[4..];
        if len > rest.len() {
            return Err(Error::SigningBlock(format!(
                "element of {len} bytes with {} left",
                rest.len()
            )));
        }
        out.push(&rest[..len]);
        data = &rest[len..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_layout_and_padding() {
        let b = signing_block(&[(APK_SIGNATURE_SCHEME_V2_BLOCK_ID, vec![1, 2, 3])]).unwrap();
        assert_eq!(b.len() % 4096, 0);
        let parsed = SigningBlock::parse(&b).unwrap();
        assert_eq!(parsed.pairs.len(), 2);
        assert_eq!(parsed.find(APK_SIGNATURE_SCHEME_V2_BLOCK_ID), Some(&[1u8, 2, 3][..]));
        assert_eq!(parsed.pairs[1].0, VERITY_PADDING_BLOCK_ID);
        // A size that leaves less than 12 bytes of room gets another page.
        let v = vec![0u8; 4096 - 32 - 12 - 5];
        let b = signing_block(&[(1, v)]).unwrap();
        assert_eq!(b.len(), 8192);
        let exact = vec![0u8; 4096 - 32 - 12];
        assert_eq!(signing_block(&[(1, exact)]).unwrap().len(), 4096);
        assert_eq!(padding_before_block(4096), 0);
        assert_eq!(padding_before_block(4097), 4095);
    }

    #[test]
    fn hostile_blocks() {
        assert!(SigningBlock::parse(&[0; 10]).is_err());
        let mut b = signing_block(&[(5, vec![9; 20])]).unwrap();
        let n = b.len();
        b[n - 1] = b'x';
        assert!(SigningBlock::parse(&b).is_err());
        let mut b = signing_block(&[(5, vec![9; 20])]).unwrap();
        b[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(SigningBlock::parse(&b).is_err());
        assert!(split_length_prefixed(&[5, 0, 0, 0, 1]).is_err());
        assert_eq!(
            split_length_prefixed(&[1, 0, 0, 0, 7, 0, 0, 0, 0]).unwrap(),
            vec![&[7u8][..], &[][..]]
        );
    }
}
