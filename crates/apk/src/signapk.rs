//! AOSP signapk (`SignApk.java`, Android 10.0.0_r36 with apksig 31.0.2), as a
//! function from an input archive to output bytes.
//!
//! The output is what `JarOutputStream` writes when `SignApk.copyFiles` feeds
//! it: the input's file entries sorted by name (Java string order, directories
//! and `pinlist.meta` dropped, existing signature files stripped), STORED
//! entries first with a `0xd935` alignment extra field, then the others
//! recompressed with zlib at level 9 (data descriptors, flag `0x0808`), every
//! entry stamped 2009-01-01 00:00:00, then the v1 signature files; then, as
//! `DefaultApkSignerEngine` with `outputZipSections2` adds them, zero padding
//! to a 4096 boundary, the APK Signing Block (v2 and/or v3), the Central
//! Directory and the End of Central Directory record.
//!
//! Everything is written in one pass, in output order: the input is read
//! once (plus the manifest), entries are copied or recompressed as they go,
//! the v1 digests and the v2/v3 chunk digests are computed on the written
//! bytes, and only the Central Directory is held back until the signing
//! block is known. Memory does not grow with the size of the entries.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;

use signkit_crypto::{Certificate, Hasher, KeyAlgorithm, PrivateKey};
use signkit_zip::java::{FixedOffset, JavaZipEntry};
use signkit_zip::records::METHOD_STORED;
use signkit_zip::{DataSource, Entry, Eocd, ReadOptions, ZipArchive};

pub use crate::archive::Scratch;
pub use crate::archive::TIMESTAMP_MILLIS;
use crate::archive::{Archive, DeflateJob, Sink};
use crate::axml;
use crate::digest::{ContentDigest, ContentDigester};
use crate::error::{Error, Result};
use crate::hints::{self, PIN_BYTE_RANGE_ENTRY, PIN_HINT_ASSET, PinPattern};
use crate::signing_block::{
    self, ANDROID_P, APK_SIGNATURE_SCHEME_V2_BLOCK_ID, APK_SIGNATURE_SCHEME_V3_BLOCK_ID,
    ApkSignatureAlgorithm, BlockSigner, VERSION_APK_SIGNATURE_SCHEME_V2,
    VERSION_APK_SIGNATURE_SCHEME_V3,
};
use crate::v1::{self, JavaString, V1Digest, V1Signer};

/// `Created-By` of the `.SF` files.
pub const CREATED_BY: &str = "1.0 (Android SignApk)";
/// The Android manifest's entry name.
pub const ANDROID_MANIFEST: &str = "AndroidManifest.xml";
/// `ZipOutputStream` writes ZIP64 end records from this many entries on, and
/// apksig then cannot find the End of Central Directory record.
const MAX_ENTRIES: usize = 0xFFFF;
/// Largest manifest read into memory.
const MAX_MANIFEST_SIZE: u64 = 16 << 20;
/// `ALIGNMENT_ZIP_EXTRA_DATA_FIELD_HEADER_ID`.
const ALIGNMENT_EXTRA_ID: u16 = 0xd935;
/// `ALIGNMENT_ZIP_EXTRA_DATA_FIELD_MIN_SIZE_BYTES`.
const ALIGNMENT_EXTRA_MIN: i64 = 6;
/// `JarFile.LOCHDR`.
const LOCHDR: i64 = 30;

/// One signer: a private key and its certificate (signapk reads one
/// certificate per file).
#[derive(Debug, Clone, Copy)]
pub struct SignerKey<'a> {
    /// The private key.
    pub key: &'a PrivateKey,
    /// The certificate of the key.
    pub cert: &'a Certificate,
}

impl<'a> SignerKey<'a> {
    /// Checks that the key belongs to the certificate.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when it does not.
    pub fn check(&self) -> Result<()> {
        let public = self.cert.public_key()?;
        if public != self.key.public_key() {
            return Err(Error::InvalidKey("the private key does not match the certificate".into()));
        }
        Ok(())
    }

    fn certs(&self) -> &'a [Certificate] {
        std::slice::from_ref(self.cert)
    }

    /// The v2/v3 signer apksig makes of this key (one suggested algorithm).
    fn block_signer(&self) -> Result<BlockSigner<'a>> {
        let public = self.cert.public_key()?;
        let alg = ApkSignatureAlgorithm::suggested(public.algorithm(), public.bits())?;
        Ok(BlockSigner { key: self.key, certs: self.certs(), algorithms: vec![alg] })
    }
}

/// signapk's options for APK signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignApkOptions {
    /// `-a <alignment>`: the alignment of STORED entries (`.so` files get 4096
    /// when it is positive; 0 or less disables alignment). Default 4.
    pub alignment: i32,
    /// `--min-sdk-version`: overrides the value from `AndroidManifest.xml`.
    pub min_sdk_version: Option<i32>,
    /// `!--disable-v2`.
    pub v2: bool,
}

impl Default for SignApkOptions {
    fn default() -> Self {
        Self { alignment: 4, min_sdk_version: None, v2: true }
    }
}

/// How the work is spread: threads and scratch files change speed and
/// memory, never the output.
#[derive(Clone, Copy, Default)]
pub struct Resources<'a> {
    /// Threads that recompress entries (`None`: one per core, at most 4;
    /// `Some(0)`: all work on the calling thread).
    pub workers: Option<usize>,
    /// Where workers put compressed entries that are ready before their
    /// turn and do not fit the lookahead memory (`None`: they wait).
    pub scratch: Option<&'a dyn Scratch>,
}

impl std::fmt::Debug for Resources<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resources")
            .field("workers", &self.workers)
            .field("scratch", &self.scratch.is_some())
            .finish()
    }
}

/// What was written, for reports and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignApkSummary {
    /// The minimum SDK version used.
    pub min_sdk_version: i32,
    /// The v1 digest.
    pub v1_digest: V1Digest,
    /// Whether v2 and v3 blocks were written.
    pub v2: bool,
    /// See `v2`.
    pub v3: bool,
    /// Number of entries in the output.
    pub entries: usize,
    /// Size of the output.
    pub size: u64,
}

/// The reading rules for signapk input: every structural check on.
fn read_options() -> ReadOptions {
    ReadOptions::strict()
}

/// An input entry in output order.
struct Planned<'a> {
    name: String,
    entry: &'a Entry,
}

/// `copyFiles`'s list: the file entries (no directories, no `pinlist.meta`)
/// not matching `strip`, sorted as Java sorts strings.
fn sorted_entries<'a>(
    archive: &'a ZipArchive,
    strip: &dyn Fn(&str) -> bool,
) -> Result<Vec<Planned<'a>>> {
    let mut out = Vec::with_capacity(archive.entries().len());
    for e in archive.entries() {
        // JDK compat: JarFile decodes names as UTF-8 and refuses others
        // ("invalid CEN header (bad entry name)").
        let name = String::from_utf8(e.name().to_vec()).map_err(|_| {
            Error::Format(format!(
                "invalid CEN header (bad entry name): {}",
                String::from_utf8_lossy(e.name())
            ))
        })?;
        if name.ends_with('/') || strip(&name) || name == PIN_BYTE_RANGE_ENTRY {
            continue;
        }
        out.push(Planned { name, entry: e });
    }
    out.sort_by(|a, b| v1::java_cmp(&a.name, &b.name));
    if out.len() + 8 >= MAX_ENTRIES {
        return Err(Error::Format(format!("too many entries for a signed APK: {}", out.len())));
    }
    Ok(out)
}

/// `extractPinPatterns`: the rules of the pinning hints asset, if there is one
/// (`ZipFile.getEntry` also finds it as a directory name).
fn pin_patterns(src: &dyn DataSource, archive: &ZipArchive) -> Result<Option<Vec<PinPattern>>> {
    let entry = archive
        .find(PIN_HINT_ASSET.as_bytes())
        .or_else(|| archive.find(format!("{PIN_HINT_ASSET}/").as_bytes()));
    let Some(entry) = entry else { return Ok(None) };
    let blob = read_small(src, entry, MAX_MANIFEST_SIZE)?;
    Ok(Some(hints::parse_pin_patterns(&blob)?))
}

/// The bytes of an entry read into memory, up to `limit`.
fn read_small(src: &dyn DataSource, entry: &Entry, limit: u64) -> Result<Vec<u8>> {
    Ok(entry.read_to_vec(src, limit, true)?)
}

/// `getMinSdkVersion`: from `AndroidManifest.xml`.
///
/// # Errors
/// [`Error::MinSdkVersion`] with apksig's reason.
pub fn min_sdk_version_of(src: &dyn DataSource, archive: &ZipArchive) -> Result<i32> {
    let entry = archive
        .find(ANDROID_MANIFEST.as_bytes())
        .filter(|e| !e.name().ends_with(b"/"))
        .ok_or_else(|| axml::MinSdkVersionError("No AndroidManifest.xml in APK".into()))?;
    let bytes = read_small(src, entry, MAX_MANIFEST_SIZE).map_err(|e| {
        axml::MinSdkVersionError(format!("Failed to read AndroidManifest.xml: {e}"))
    })?;
    Ok(axml::min_sdk_version(&bytes)?)
}

/// signapk's alignment of a STORED entry (`getStoredEntryDataAlignment`).
fn stored_alignment(name: &str, default: i32) -> i32 {
    if default <= 0 {
        0
    } else if name.ends_with(".so") {
        4096
    } else {
        default
    }
}

/// The alignment extra signapk puts on a STORED entry whose data would start
/// at `offset` (by signapk's own count) without it: `{0xd935, 2 + pad,
/// alignment, pad zeros}`, with Java's `int` and `short` arithmetic.
fn alignment_extra(offset: i64, alignment: i32) -> Vec<u8> {
    let mut pad: i32 = 0;
    if alignment > 0 {
        let start = offset + ALIGNMENT_EXTRA_MIN;
        // JDK compat: `(int) (paddingStartOffset % alignment)` and int arithmetic.
        #[expect(clippy::cast_possible_truncation, reason = "Java's (int) cast")]
        let rem = (start % i64::from(alignment)) as i32;
        pad = alignment.wrapping_sub(rem) % alignment;
    }
    let pad_len = usize::try_from(pad).unwrap_or(0);
    let mut extra = Vec::with_capacity(6 + pad_len);
    extra.extend_from_slice(&ALIGNMENT_EXTRA_ID.to_le_bytes());
    // JDK compat: `(short) (2 + padding)` and `(short) alignment` keep the low 16 bits.
    extra.extend_from_slice(&2i32.wrapping_add(pad).to_le_bytes()[..2]);
    extra.extend_from_slice(&alignment.to_le_bytes()[..2]);
    extra.resize(6 + pad_len, 0);
    extra
}

/// What `copyFiles` needs to know from the signer engine.
struct CopyPolicy<'p> {
    /// Entries the engine writes itself (skipped here).
    engine_names: &'p HashSet<String>,
    /// Whether v1 signing is on (then entries are digested).
    v1_digest: Option<V1Digest>,
}

/// How many threads recompress entries besides the writing thread: one per
/// core (at most 4), none on a single core.
fn deflate_workers(requested: Option<usize>) -> usize {
    requested.unwrap_or_else(|| {
        let n = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        if n < 2 { 0 } else { n.min(4) }
    })
}

/// How many threads hash the v2/v3 chunks besides the writing thread: none,
/// the writing thread mostly waits for the compression workers and SHA-256
/// runs at gigabytes per second.
fn digest_workers() -> usize {
    0
}

/// `SignApk.copyFiles`: writes the planned entries, STORED first, and
/// returns the v1 digests of the entries it wrote.
fn copy_files<W: Write>(
    src: &(dyn DataSource + Sync),
    planned: &[Planned<'_>],
    policy: &CopyPolicy<'_>,
    out: &mut Archive<'_, W>,
    default_alignment: i32,
    pins: Option<&[PinPattern]>,
    resources: Resources<'_>,
) -> Result<BTreeMap<JavaString, Vec<u8>>> {
    let mut digests = BTreeMap::new();
    let hash = policy.v1_digest.map(V1Digest::algorithm);
    // `shouldOutputApkEntry`: with an engine, only entries covered by v1 are
    // copied; without one (whole-file signing) everything is.
    let output = |name: &str| -> bool {
        if policy.v1_digest.is_none() {
            return true;
        }
        !policy.engine_names.contains(name) && v1::is_digest_needed(name)
    };
    let mut first_entry = true;
    let mut offset: i64 = 0;
    for p in planned.iter().filter(|p| p.entry.central.method == METHOD_STORED) {
        if !output(&p.name) {
            continue;
        }
        let mut e = JavaZipEntry::from_central(&p.entry.central)?;
        e.set_time(TIMESTAMP_MILLIS, &FixedOffset::UTC);
        e.set_comment(None);
        e.set_extra(None)?;
        let alignment = stored_alignment(&p.name, default_alignment);
        // JDK compat: signapk counts the name in UTF-16 units (String.length()),
        // and only the JAR magic and its own extra field.
        offset += LOCHDR + i64::try_from(p.name.encode_utf16().count()).unwrap_or(i64::MAX);
        if first_entry {
            offset += 4;
            first_entry = false;
        }
        let extra = alignment_extra(offset, alignment);
        offset += extra.len() as i64;
        e.set_extra(Some(extra))?;
        out.put(e)?;
        let (size, digest) = out.copy_content(src, p.entry, hash)?;
        offset += i64::try_from(size).unwrap_or(i64::MAX);
        if let Some(d) = digest {
            digests.insert(JavaString(p.name.clone()), d);
        }
    }
    let jobs: Vec<DeflateJob<'_>> = planned
        .iter()
        .filter(|p| p.entry.central.method != METHOD_STORED && output(&p.name))
        .map(|p| DeflateJob { name: &p.name, entry: p.entry })
        .collect();
    let job_digests = out.deflate_entries(
        src,
        &jobs,
        hash,
        deflate_workers(resources.workers),
        resources.scratch,
    )?;
    for (job, d) in jobs.iter().zip(job_digests) {
        if let Some(d) = d {
            digests.insert(JavaString(job.name.to_owned()), d);
        }
    }
    if let Some(patterns) = pins {
        // `addPinByteRanges`: the ranges end with the Central Directory (the
        // pin list itself and the v1 files follow it); not covered by v1.
        let cd_start = out.position()?;
        let ranges = hints::pin_ranges(patterns, out.spans()?, cd_start);
        out.write_new(PIN_BYTE_RANGE_ENTRY, &hints::encode_byte_ranges(&ranges))?;
    }
    Ok(digests)
}

/// Signs an APK as `signapk [-a N] [--min-sdk-version N] [--disable-v2]
/// cert key [cert2 key2 ...] in out` does, writing the result to `out`.
///
/// `src` is the input archive; it is read once (the manifest twice).
///
/// # Errors
/// Malformed input, an undeterminable minimum SDK version, keys apksig
/// refuses, I/O errors on `out`.
pub fn sign_apk<W: Write>(
    src: &(dyn DataSource + Sync),
    signers: &[SignerKey<'_>],
    options: &SignApkOptions,
    resources: Resources<'_>,
    out: W,
) -> Result<(W, SignApkSummary)> {
    let Some(first) = signers.first() else {
        return Err(Error::InvalidKey("At least one signer config must be provided".into()));
    };
    for s in signers {
        s.check()?;
    }
    let archive = ZipArchive::parse(src, &read_options())?;
    let min_sdk = match options.min_sdk_version {
        Some(v) => v,
        None => min_sdk_version_of(src, &archive)?,
    };

    // DefaultApkSignerEngine.Builder: v3 only for a single signer; v1 and v2
    // then use the first (oldest) signer only.
    let v3 = signers.len() == 1;
    let v2 = options.v2;
    let single_name = signers.len() == 1;
    let name_of = |i: usize| if single_name { "CERT".to_owned() } else { format!("CERT{}", i + 1) };
    let v1_keys: &[SignerKey<'_>] = if v3 { std::slice::from_ref(first) } else { signers };
    let mut v1_signers = Vec::with_capacity(v1_keys.len());
    let mut content_digest = None;
    for (i, s) in v1_keys.iter().enumerate() {
        let key_alg = s.cert.public_key()?.algorithm();
        let digest = V1Digest::suggested(key_alg, min_sdk)?;
        content_digest = Some(content_digest.map_or(digest, |d: V1Digest| d.max(digest)));
        v1_signers.push(V1Signer {
            name: v1::safe_signer_name(&name_of(i)),
            key: s.key,
            certs: s.certs(),
            digest,
        });
    }
    let v1_digest = content_digest.ok_or_else(|| Error::InvalidKey("no v1 signer".into()))?;
    let engine_names: HashSet<String> = v1::output_entry_names(&v1_signers).into_iter().collect();

    let planned = sorted_entries(&archive, &|_| false)?;
    let pins = pin_patterns(src, &archive)?;
    let source_manifest = match archive.find(v1::MANIFEST_ENTRY_NAME.as_bytes()) {
        Some(e) => Some(read_small(src, e, MAX_MANIFEST_SIZE)?),
        None => None,
    };
    if let Some(m) = &source_manifest {
        // Fail before writing anything when apksig would fail later.
        v1::parse_main_attributes(m)?;
    }

    // The v2/v3 signers and the content digests they need.
    let v2_keys: &[SignerKey<'_>] = if v3 { std::slice::from_ref(first) } else { signers };
    let v2_signers: Vec<BlockSigner<'_>> = if v2 {
        v2_keys.iter().map(SignerKey::block_signer).collect::<Result<_>>()?
    } else {
        Vec::new()
    };
    let v3_signers: Vec<(BlockSigner<'_>, i32, i32)> = if v3 {
        // processV3Configs: the newest signer covers every platform from the
        // lowest API level its algorithms support.
        let s = signers.last().unwrap_or(first).block_signer()?;
        let min = s.algorithms.iter().map(|a| a.min_sdk_version()).min().unwrap_or(24);
        if min > ANDROID_P && min > min_sdk {
            return Err(Error::InvalidKey(
                "Provided key algorithms not supported on all desired Android SDK versions".into(),
            ));
        }
        vec![(s, min, i32::MAX)]
    } else {
        Vec::new()
    };
    let mut algorithms: Vec<ContentDigest> = v2_signers
        .iter()
        .chain(v3_signers.iter().map(|(s, _, _)| s))
        .flat_map(|s| s.algorithms.iter().map(|a| a.content_digest()))
        .collect();
    algorithms.sort();
    algorithms.dedup();
    let mut scheme_ids = Vec::new();
    if v2 {
        scheme_ids.push(VERSION_APK_SIGNATURE_SCHEME_V2);
    }
    if v3 {
        scheme_ids.push(VERSION_APK_SIGNATURE_SCHEME_V3);
    }

    let sink = RefCell::new(Sink::new(out));
    if !algorithms.is_empty() {
        let mut d = ContentDigester::new(&algorithms, digest_workers());
        d.start_section();
        sink.borrow_mut().digester = Some(d);
    }
    let mut archive_out = Archive::new(&sink, 9)?;
    let policy = CopyPolicy { engine_names: &engine_names, v1_digest: Some(v1_digest) };
    let digests = copy_files(
        src,
        &planned,
        &policy,
        &mut archive_out,
        options.alignment,
        pins.as_deref(),
        resources,
    )?;
    let signature_entries = v1::sign(
        &v1_signers,
        v1_digest,
        &digests,
        &scheme_ids,
        source_manifest.as_deref(),
        CREATED_BY,
    )?;
    for (name, data) in &signature_entries {
        archive_out.write_new(name, data)?;
    }
    // The end records are held back: the signing block goes before them.
    let (entries_len, cd, eocd_bytes) = archive_out.finish()?;
    let entries = cd_count(&eocd_bytes);
    let mut sink = sink.into_inner();
    if algorithms.is_empty() {
        sink.raw(&cd)?;
        sink.raw(&eocd_bytes)?;
    } else {
        let eocd = Eocd::parse(&eocd_bytes, entries_len + cd.len() as u64)?;
        let padding = signing_block::padding_before_block(entries_len);
        let zeros = vec![0u8; usize::try_from(padding).unwrap_or(0)];
        let mut digester =
            sink.digester.take().ok_or_else(|| Error::Format("no digester".into()))?;
        digester.update(&zeros);
        digester.start_section();
        digester.update(&cd);
        digester.start_section();
        digester.update(&eocd.with_cd_offset(entries_len + padding)?.to_bytes()?);
        let digests = digester.finish()?;
        let mut pairs = Vec::new();
        if v2 {
            pairs.push((
                APK_SIGNATURE_SCHEME_V2_BLOCK_ID,
                signing_block::v2_block(&v2_signers, &digests, v3)?,
            ));
        }
        if v3 {
            pairs.push((
                APK_SIGNATURE_SCHEME_V3_BLOCK_ID,
                signing_block::v3_block(&v3_signers, &digests)?,
            ));
        }
        let block = signing_block::signing_block(&pairs)?;
        sink.raw(&zeros)?;
        sink.raw(&block)?;
        sink.raw(&cd)?;
        sink.raw(&eocd.with_cd_offset(entries_len + padding + block.len() as u64)?.to_bytes()?)?;
    }
    let size = sink.written();
    let out = sink.into_inner()?;
    Ok((out, SignApkSummary { min_sdk_version: min_sdk, v1_digest, v2, v3, entries, size }))
}

/// The entry count of an End of Central Directory record.
fn cd_count(eocd: &[u8]) -> usize {
    eocd.get(10..12).map_or(0, |b| usize::from(u16::from_le_bytes([b[0], b[1]])))
}

/// `CMSSigner.STRIP_PATTERN`: `^(META-INF/((.*)[.](SF|RSA|DSA|EC)|com/android/otacert))|(META-INF/MANIFEST.MF)$`
/// as `Matcher.matches()` applies it (`.` does not match line terminators).
#[must_use]
pub fn ota_strip(name: &str) -> bool {
    if name == "META-INF/MANIFEST.MF" || name == "META-INF/com/android/otacert" {
        return true;
    }
    let Some(rest) = name.strip_prefix("META-INF/") else { return false };
    let Some(dot) = rest.rfind('.') else { return false };
    let (stem, ext) = (&rest[..dot], &rest[dot + 1..]);
    matches!(ext, "SF" | "RSA" | "DSA" | "EC")
        && !stem.chars().any(|c| matches!(c, '\n' | '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}'))
}

/// The signed archive of whole-file signing, before its comment: written to
/// `out` while `hasher` digests it, except its last two bytes (the comment
/// length, which the signature does not cover and which is not written).
pub(crate) fn write_ota_archive<W: Write>(
    src: &(dyn DataSource + Sync),
    cert_file: &[u8],
    hasher: Hasher,
    resources: Resources<'_>,
    out: W,
) -> Result<(W, Hasher)> {
    let archive = ZipArchive::parse(src, &read_options())?;
    let planned = sorted_entries(&archive, &ota_strip)?;
    let sink = RefCell::new(Sink::new(out));
    sink.borrow_mut().hasher = Some(hasher);
    let mut archive_out = Archive::new(&sink, -1)?;
    let none = HashSet::new();
    let policy = CopyPolicy { engine_names: &none, v1_digest: None };
    let pins = pin_patterns(src, &archive)?;
    copy_files(src, &planned, &policy, &mut archive_out, 0, pins.as_deref(), resources)?;
    archive_out.write_new("META-INF/com/android/otacert", cert_file)?;
    let (_, cd, eocd) = archive_out.finish()?;
    let mut sink = sink.into_inner();
    let mut hasher = sink.hasher.take().ok_or_else(|| Error::Format("no hasher".into()))?;
    // JDK compat: SignApk checks for a comment-less EOCD 22 bytes from the end.
    if eocd.len() != Eocd::HEADER_LEN || eocd[..4] != [0x50, 0x4b, 0x05, 0x06] {
        return Err(Error::Ota("zip data already has an archive comment".into()));
    }
    let signed_eocd = &eocd[..eocd.len() - 2];
    for part in [&cd[..], signed_eocd] {
        hasher.update(part);
        sink.raw(part)?;
    }
    Ok((sink.into_inner()?, hasher))
}

/// The signature algorithm of `key` as `KeyAlgorithm`, for messages.
pub(crate) fn key_algorithm(cert: &Certificate) -> Result<KeyAlgorithm> {
    Ok(cert.public_key()?.algorithm())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_extra_matches_signapk() {
        // 30 + "classes.dex" + the JAR magic: data would start at 45.
        let e = alignment_extra(45, 4);
        assert_eq!(e.len(), 7);
        assert_eq!((45 + e.len()) % 4, 0);
        assert_eq!(&e[..6], &[0x35, 0xd9, 3, 0, 4, 0]);
        assert_eq!(alignment_extra(100, 0), vec![0x35, 0xd9, 2, 0, 0, 0]);
        let e = alignment_extra(1000, 4096);
        assert_eq!((1000 + e.len()) % 4096, 0);
        assert_eq!(stored_alignment("lib/x/a.so", 4), 4096);
        assert_eq!(stored_alignment("lib/x/a.so", 0), 0);
        assert_eq!(stored_alignment("a.txt", -4), 0);
    }

    #[test]
    fn strip_pattern() {
        for n in [
            "META-INF/MANIFEST.MF",
            "META-INF/CERT.SF",
            "META-INF/x/y.RSA",
            "META-INF/.EC",
            "META-INF/com/android/otacert",
        ] {
            assert!(ota_strip(n), "{n}");
        }
        for n in [
            "META-INF/cert.sf",
            "META-INF/MANIFEST.MFX",
            "a/META-INF/CERT.SF",
            "META-INF/a\nb.SF",
            "META-INF/CERT.SFX",
        ] {
            assert!(!ota_strip(n), "{n}");
        }
    }
}
