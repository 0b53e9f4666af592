//! zipalign (AOSP 10.0.0_r36, as Debian ships it): its view of an archive,
//! its rewrite and its check, reproduced byte for byte.
//!
//! zipalign reads archives with its own `ZipFile` class, which is laxer and
//! different from the ZIP readers in [`crate::read`]: it takes the last
//! `PK\5\6` in the file's last 64 KiB + 22 bytes, ignores the declared
//! Central Directory size, insists that the records end exactly at an end
//! signature, and prefers Central Directory values over local ones. The
//! rewrite copies each entry's Central Directory record, builds the local
//! header from it, keeps the source's local extra field (zero-padded to align
//! STORED data), copies the data and a 16-byte data descriptor raw, and drops
//! the archive comment. This module follows that code path for path, so that
//! the output bytes, the check verdicts and the failures are the same.
//!
//! `-z` (Zopfli recompression) is not here: no Zopfli available to Rust
//! reproduces Debian's libzopfli 1.0.3 byte for byte (see `docs/formats.md`).

use std::io::Write;

use crate::error::{Error, Result};
use crate::records::{
    CentralDirectoryRecord, EOCD_SIGNATURE, FLAG_DATA_DESCRIPTOR, LocalFileHeader, le,
};
use crate::source::{DataSource, read_vec};

/// `EndOfCentralDir::kMaxEOCDSearch`: the comment limit plus the record.
const MAX_EOCD_SEARCH: u64 = 65_535 + 22;
/// `ZipEntry::kDataDescriptorLen`: zipalign always copies 16 bytes.
const DATA_DESCRIPTOR_LEN: u64 = 16;
/// zipalign's `kPageAlignment` for `-p`.
const PAGE_ALIGNMENT: i64 = 4096;

/// One entry as zipalign's `ZipEntry` holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlignEntry {
    /// The Central Directory record.
    pub central: CentralDirectoryRecord,
    /// The local file header found at the record's offset.
    pub local: LocalFileHeader,
}

impl AlignEntry {
    /// `getFileOffset()`: the Central Directory's header offset plus the
    /// local header's own name and extra lengths.
    #[must_use]
    pub fn file_offset(&self) -> i64 {
        i64::from(self.central.local_header_offset)
            + 30
            + self.local.name.len() as i64
            + self.local.extra.len() as i64
    }

    /// `isCompressed()`: any method but STORED.
    #[must_use]
    pub fn is_compressed(&self) -> bool {
        self.central.method != 0
    }

    /// `getFileName()`: the name as the C string zipalign prints (up to a NUL
    /// byte), or `None` for an empty name (a NULL pointer in zipalign).
    #[must_use]
    pub fn c_name(&self) -> Option<&[u8]> {
        if self.central.name.is_empty() {
            return None;
        }
        Some(c_str(&self.central.name))
    }

    /// `ZipEntry::compareHeaders()`, skipped like zipalign does when the
    /// local header has the data descriptor flag.
    fn headers_mismatch(&self) -> bool {
        let (c, l) = (&self.central, &self.local);
        if l.flags & FLAG_DATA_DESCRIPTOR != 0 {
            return false;
        }
        c.version_needed != l.version_needed
            || c.flags != l.flags
            || c.method != l.method
            || c.last_mod_time != l.last_mod_time
            || c.last_mod_date != l.last_mod_date
            || c.crc32 != l.crc32
            || c.compressed_size != l.compressed_size
            || c.uncompressed_size != l.uncompressed_size
            || c.name.len() != l.name.len()
            || (!c.name.is_empty() && c_str(&c.name) != c_str(&l.name))
    }
}

fn c_str(b: &[u8]) -> &[u8] {
    b.iter().position(|&c| c == 0).map_or(b, |n| &b[..n])
}

/// An archive as zipalign's `ZipFile::open` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlignArchive {
    /// The entries in Central Directory order.
    pub entries: Vec<AlignEntry>,
    /// Entries whose local header disagrees with the Central Directory
    /// (zipalign logs `WARNING: header mismatch` for each, in order).
    pub header_mismatches: usize,
}

/// Reads `src` the way zipalign's `ZipFile::readCentralDir` does; `None`
/// when zipalign would fail to open it (`Unable to open ... as zip archive`
/// or `... for verification`).
///
/// # Errors
/// I/O errors from the source.
pub fn open(src: &dyn DataSource) -> Result<Option<AlignArchive>> {
    match open_inner(src) {
        Ok(a) => Ok(Some(a)),
        Err(Error::Io(e)) => Err(Error::Io(e)),
        Err(_) => Ok(None),
    }
}

fn open_inner(src: &dyn DataSource) -> Result<AlignArchive> {
    let size = src.size();
    if size < 22 {
        return Err(Error::NotZip);
    }
    let amount = size.min(MAX_EOCD_SEARCH);
    let start = size - amount;
    let buf = read_vec(src, start, usize::try_from(amount).unwrap_or(0))?;
    // The last end signature in the window, whether or not a comment fits it.
    let i = (0..=buf.len() - 4)
        .rev()
        .find(|&i| le::u32_at(&buf, i) == Some(EOCD_SIGNATURE))
        .ok_or(Error::NotZip)?;
    let eocd = &buf[i..];
    if eocd.len() < 22 {
        return Err(Error::NotZip);
    }
    let f16 = |at| le::u16_at(eocd, at).unwrap_or(0);
    let (disk, cd_disk, n, total) = (f16(4), f16(6), f16(8), f16(10));
    let cd_offset = le::u32_at(eocd, 16).unwrap_or(0);
    if 22 + usize::from(f16(20)) > eocd.len() || disk != 0 || cd_disk != 0 || n != total {
        return Err(Error::NotZip);
    }
    let mut pos = u64::from(cd_offset);
    let mut entries = Vec::with_capacity(usize::from(total));
    let mut header_mismatches = 0;
    for _ in 0..total {
        let fixed = read_vec(src, pos, CentralDirectoryRecord::HEADER_LEN)?;
        let var_len = usize::from(le::u16_at(&fixed, 28).unwrap_or(0))
            + usize::from(le::u16_at(&fixed, 30).unwrap_or(0))
            + usize::from(le::u16_at(&fixed, 32).unwrap_or(0));
        let mut rec_bytes = fixed;
        rec_bytes.extend_from_slice(&read_vec(
            src,
            pos + CentralDirectoryRecord::HEADER_LEN as u64,
            var_len,
        )?);
        let (central, len) = CentralDirectoryRecord::parse(&rec_bytes, pos)?;
        pos += len as u64;
        let lfh_at = u64::from(central.local_header_offset);
        let (mut local, nlen, elen) = LocalFileHeader::parse_fixed(
            &read_vec(src, lfh_at, LocalFileHeader::HEADER_LEN)?,
            lfh_at,
        )?;
        let var = read_vec(
            src,
            lfh_at + LocalFileHeader::HEADER_LEN as u64,
            usize::from(nlen) + usize::from(elen),
        )?;
        local.name = var[..usize::from(nlen)].to_vec();
        local.extra = var[usize::from(nlen)..].to_vec();
        let entry = AlignEntry { central, local };
        if entry.headers_mismatch() {
            header_mismatches += 1;
        }
        entries.push(entry);
    }
    if le::u32_at(&read_vec(src, pos, 4)?, 0) != Some(EOCD_SIGNATURE) {
        return Err(Error::NotZip);
    }
    Ok(AlignArchive { entries, header_mismatches })
}

/// zipalign's options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlignOptions {
    /// `<align>`: positive.
    pub alignment: i32,
    /// `-p`: `.so` files to 4096.
    pub page_align_so: bool,
}

impl AlignOptions {
    /// `getAlignment()`.
    fn alignment_for(&self, e: &AlignEntry) -> i64 {
        if self.page_align_so && e.c_name().is_some_and(|n| n.ends_with(b".so")) {
            PAGE_ALIGNMENT
        } else {
            i64::from(self.alignment)
        }
    }
}

/// Why a rewrite failed (zipalign then prints `zipalign: failed rewriting`).
#[derive(Debug)]
#[non_exhaustive]
pub enum AlignError {
    /// An entry's data (and descriptor) could not be read from the input;
    /// zipalign logs `copy of '<name>' failed` first.
    CopyFailed {
        /// The entry's C name.
        name: Vec<u8>,
    },
    /// Writing the output failed.
    Output(Error),
}

impl std::fmt::Display for AlignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::CopyFailed { name } => {
                write!(f, "copy of '{}' failed", String::from_utf8_lossy(name))
            }
            Self::Output(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for AlignError {}

/// zipalign's `copyAndAlign` followed by `ZipFile::flush`: writes the
/// aligned archive to `out`.
///
/// # Errors
/// [`AlignError`]; the output is then incomplete and must be discarded.
pub fn align(
    archive: &AlignArchive,
    src: &dyn DataSource,
    opts: &AlignOptions,
    out: &mut dyn Write,
) -> std::result::Result<(), AlignError> {
    let mut pos = 0u64;
    let mut bias: i32 = 0;
    let mut central = Vec::with_capacity(archive.entries.len());
    let name_of = |e: &AlignEntry| e.c_name().unwrap_or_default().to_vec();
    let emit =
        |out: &mut dyn Write, pos: &mut u64, bytes: &[u8]| -> std::result::Result<(), AlignError> {
            out.write_all(bytes).map_err(|e| AlignError::Output(e.into()))?;
            *pos += bytes.len() as u64;
            Ok(())
        };
    for e in &archive.entries {
        let mut cd = e.central.clone();
        // zipalign compat: setLFHOffset stores a long in a uint32 field (ZipEntry.cpp).
        #[expect(
            clippy::cast_possible_truncation,
            reason = "zipalign stores the offset in 32 bits"
        )]
        let lfh_offset = pos as u32;
        let mut padding: i32 = 0;
        if !e.is_compressed() {
            let align_to = opts.alignment_for(e);
            let new_offset = e.file_offset() + i64::from(bias);
            #[expect(
                clippy::cast_possible_truncation,
                reason = "the padding is below the int alignment"
            )]
            {
                padding = ((align_to - new_offset % align_to) % align_to) as i32;
            }
        }
        let copy_len = u64::from(e.central.compressed_size)
            + if e.local.flags & FLAG_DATA_DESCRIPTOR != 0 { DATA_DESCRIPTOR_LEN } else { 0 };
        // The local header is the Central Directory's, with the source's
        // local extra field, padded; its 16-bit length wraps as in zipalign.
        let mut extra = e.local.extra.clone();
        if padding != 0 {
            extra.resize(extra.len() + usize::try_from(padding).unwrap_or(0), 0);
            extra.truncate(extra.len() % 65_536);
        }
        let header = LocalFileHeader::from_central(&cd, extra);
        let mut hb = Vec::with_capacity(header.encoded_len());
        header.write_to(&mut hb).map_err(AlignError::Output)?;
        emit(out, &mut pos, &hb)?;
        // zipalign reads the data (and 16 descriptor bytes) with fread: a
        // short read fails the copy.
        let from = u64::try_from(e.file_offset())
            .ok()
            .filter(|f| f.checked_add(copy_len).is_some_and(|end| end <= src.size()))
            .ok_or_else(|| AlignError::CopyFailed { name: name_of(e) })?;
        let mut w = PosWriter { inner: out, pos: &mut pos };
        src.feed(from, copy_len, &mut w).map_err(|err| match err {
            Error::Truncated { .. } => AlignError::CopyFailed { name: name_of(e) },
            other => AlignError::Output(other),
        })?;
        cd.local_header_offset = lfh_offset;
        central.push(cd);
        bias = bias.wrapping_add(padding);
    }
    #[expect(clippy::cast_possible_truncation, reason = "zipalign's EOCD fields are 32-bit")]
    let cd_offset = pos as u32;
    let mut cd_bytes = Vec::new();
    for cd in &central {
        cd.write_to(&mut cd_bytes).map_err(AlignError::Output)?;
    }
    emit(out, &mut pos, &cd_bytes)?;
    #[expect(clippy::cast_possible_truncation, reason = "zipalign counts entries in 16 bits")]
    let n = central.len() as u16;
    let mut eocd = Vec::with_capacity(22);
    le::put32(&mut eocd, EOCD_SIGNATURE);
    le::put16(&mut eocd, 0);
    le::put16(&mut eocd, 0);
    le::put16(&mut eocd, n);
    le::put16(&mut eocd, n);
    le::put32(&mut eocd, u32::try_from(cd_bytes.len()).unwrap_or(u32::MAX));
    le::put32(&mut eocd, cd_offset);
    // zipalign's new archive has no comment: the input's is dropped.
    le::put16(&mut eocd, 0);
    emit(out, &mut pos, &eocd)?;
    out.flush().map_err(|e| AlignError::Output(e.into()))?;
    Ok(())
}

struct PosWriter<'a> {
    inner: &'a mut dyn Write,
    pos: &'a mut u64,
}

impl Write for PosWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        *self.pos += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// One line of zipalign's check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// `(OK - compressed)`.
    Compressed,
    /// `(OK)`.
    Aligned,
    /// `(BAD - <remainder>)`.
    Misaligned(i64),
}

/// zipalign's `verify`: per entry, the data offset, the C name and the verdict.
#[must_use]
pub fn check(
    archive: &AlignArchive,
    alignment: i32,
    page_align_so: bool,
) -> Vec<(i64, Option<&[u8]>, Verdict)> {
    let opts = AlignOptions { alignment, page_align_so };
    archive
        .entries
        .iter()
        .map(|e| {
            let offset = e.file_offset();
            let verdict = if e.is_compressed() {
                Verdict::Compressed
            } else {
                match offset % opts.alignment_for(e) {
                    0 => Verdict::Aligned,
                    r => Verdict::Misaligned(r),
                }
            };
            (offset, e.c_name(), verdict)
        })
        .collect()
}
