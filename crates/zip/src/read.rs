//! Reading: the archive's sections, its Central Directory, each entry's local
//! record and data range, under a chosen set of rules.
//!
//! Parsing reads the End of Central Directory record, the Central Directory
//! (held in memory, capped) and every local file header, and checks them
//! against each other; entry data is never read until asked for.

use std::collections::HashSet;
use std::io::Write;
use std::ops::Range;

use crate::error::{EntryName, Error, Result};
use crate::inflate::{ContentInfo, LimitedVec, copy_range, inflate_range};
use crate::records::{
    CentralDirectoryRecord, DataDescriptor, EXTRA_ZIP64, Eocd, FLAG_DATA_DESCRIPTOR,
    FLAG_ENCRYPTED, LocalFileHeader, METHOD_DEFLATED, METHOD_STORED, ZIP64_MAGIC_16,
    ZIP64_MAGIC_32, Zip64Eocd, Zip64Locator, extra_fields, le,
};
use crate::source::{DataSource, read_vec};

/// How an entry's compression method is interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MethodRule {
    /// Only STORED (0) and DEFLATED (8); anything else is
    /// [`Error::UnsupportedCompression`] (the JDK's `ZipFile`).
    StoredOrDeflated,
    /// The Central Directory's method decides and every method other than
    /// STORED is read as DEFLATED (Android's package manager and apksig).
    NonStoredIsDeflated,
}

/// The rules an archive is read under. Start from a preset
/// ([`ReadOptions::strict`], [`ReadOptions::android`], [`ReadOptions::jdk`])
/// and adjust fields.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// How compression methods are interpreted.
    pub methods: MethodRule,
    /// Entries with the encryption flag are an error.
    pub reject_encrypted: bool,
    /// Two entries with the same name are an error.
    pub reject_duplicates: bool,
    /// Entries whose local records share bytes are an error.
    pub reject_overlaps: bool,
    /// The local header must agree with the Central Directory as apksig
    /// requires: same name, same data descriptor flag, and (without a data
    /// descriptor) the same CRC-32 and sizes.
    pub check_local_headers: bool,
    /// Problems in an entry's local record (header, data range, descriptor)
    /// do not fail the parse: the entry is kept as defective and reading it
    /// fails (apksig reads local records only for the entries it needs).
    pub defer_local_errors: bool,
    /// The local header's compression method must equal the Central
    /// Directory's (Android ignores the local one).
    pub check_local_method: bool,
    /// A data descriptor's CRC-32 and sizes must equal the Central Directory's.
    pub check_data_descriptors: bool,
    /// A STORED entry's compressed and uncompressed sizes must be equal.
    /// When they are not and this is off, the uncompressed size is the data
    /// length (apksig).
    pub check_stored_sizes: bool,
    /// Content reads compare the CRC-32 of the data with the declared one.
    pub verify_crc: bool,
    /// ZIP64 end records and extra fields are honoured (apksig ignores them).
    pub zip64: bool,
    /// The Central Directory must hold exactly the number of records the end
    /// record declares, with nothing after them.
    pub exact_central_directory: bool,
    /// Most entries accepted.
    pub max_entries: u64,
    /// Largest Central Directory accepted (it is read into memory).
    pub max_central_directory_size: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self::strict()
    }
}

impl ReadOptions {
    /// Every check on: the rules for input a signing tool rewrites.
    #[must_use]
    pub fn strict() -> Self {
        Self {
            methods: MethodRule::StoredOrDeflated,
            reject_encrypted: true,
            reject_duplicates: true,
            reject_overlaps: true,
            check_local_headers: true,
            defer_local_errors: false,
            check_local_method: true,
            check_data_descriptors: true,
            check_stored_sizes: true,
            verify_crc: true,
            zip64: true,
            exact_central_directory: true,
            max_entries: 1 << 20,
            max_central_directory_size: 256 << 20,
        }
    }

    /// apksig's rules (what Android's package manager accepts): the Central
    /// Directory's method decides, any method but STORED is DEFLATED,
    /// duplicates and overlaps are left to the signature verifier, CRC-32 is
    /// not checked, ZIP64 records are not read, records after the declared
    /// count are ignored.
    #[must_use]
    pub fn android() -> Self {
        Self {
            methods: MethodRule::NonStoredIsDeflated,
            reject_encrypted: false,
            reject_duplicates: false,
            reject_overlaps: false,
            check_local_headers: true,
            defer_local_errors: true,
            check_local_method: false,
            check_data_descriptors: false,
            check_stored_sizes: false,
            verify_crc: false,
            zip64: false,
            exact_central_directory: false,
            ..Self::strict()
        }
    }

    /// The JDK's `java.util.zip.ZipFile` rules: STORED or DEFLATED only, no
    /// encrypted entries, the Central Directory is authoritative and the
    /// local header only locates the data; duplicates, overlaps and CRC-32
    /// are not checked.
    #[must_use]
    pub fn jdk() -> Self {
        Self {
            reject_duplicates: false,
            reject_overlaps: false,
            check_local_headers: false,
            check_local_method: false,
            check_data_descriptors: false,
            verify_crc: false,
            exact_central_directory: false,
            ..Self::strict()
        }
    }
}

/// How an entry's data is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// The data is the content.
    Stored,
    /// The data is a raw deflate stream.
    Deflated,
}

/// The ZIP64 end records of an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zip64Sections {
    /// Offset of the ZIP64 End of Central Directory record.
    pub eocd_offset: u64,
    /// The record.
    pub eocd: Zip64Eocd,
    /// Offset of the locator.
    pub locator_offset: u64,
    /// The locator.
    pub locator: Zip64Locator,
}

/// Where an archive's parts are (apksig's `ZipSections`):
///
/// ```text
/// [entries: local headers, data, descriptors][APK signing block?][central directory][ZIP64 end records?][EOCD]
/// 0 ..................................................... cd_offset ........ cd_offset + cd_size ... eocd_offset
/// ```
///
/// The APK Signing Block, if any, is the tail of `0..cd_offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipSections {
    /// Start of the Central Directory.
    pub cd_offset: u64,
    /// Size of the Central Directory.
    pub cd_size: u64,
    /// Number of Central Directory records the end record declares.
    pub cd_records: u64,
    /// Start of the End of Central Directory record (it runs to the end of the file).
    pub eocd_offset: u64,
    /// The End of Central Directory record.
    pub eocd: Eocd,
    /// The ZIP64 end records, when the archive uses them.
    pub zip64: Option<Zip64Sections>,
}

impl ZipSections {
    /// Where the end records start: the ZIP64 end record if present, else the EOCD.
    #[must_use]
    pub fn end_records_offset(&self) -> u64 {
        self.zip64.as_ref().map_or(self.eocd_offset, |z| z.eocd_offset)
    }

    /// The range of the Central Directory.
    #[must_use]
    pub fn cd_range(&self) -> Range<u64> {
        self.cd_offset..self.cd_offset + self.cd_size
    }
}

/// Finds the End of Central Directory record as apksig does: the record
/// nearest the end of the file whose comment runs exactly to the end.
/// Returns its offset, or `None`.
///
/// # Errors
/// I/O errors from the source.
pub fn find_eocd(src: &dyn DataSource) -> Result<Option<u64>> {
    let size = src.size();
    let min = Eocd::HEADER_LEN as u64;
    if size < min {
        return Ok(None);
    }
    // Most archives have no comment: try that first with a 22-byte read.
    let tail = read_vec(src, size - min, Eocd::HEADER_LEN)?;
    if le::u32_at(&tail, 0) == Some(crate::records::EOCD_SIGNATURE)
        && le::u16_at(&tail, Eocd::COMMENT_LENGTH_OFFSET) == Some(0)
    {
        return Ok(Some(size - min));
    }
    let max_comment = (size - min).min(u64::from(u16::MAX));
    let window = usize::try_from(min + max_comment).unwrap_or(usize::MAX);
    let start = size - window as u64;
    let buf = read_vec(src, start, window)?;
    let last = window - Eocd::HEADER_LEN;
    for comment_len in 0..=usize::try_from(max_comment).unwrap_or(0) {
        let at = last - comment_len;
        if le::u32_at(&buf, at) == Some(crate::records::EOCD_SIGNATURE)
            && le::u16_at(&buf, at + Eocd::COMMENT_LENGTH_OFFSET).map(usize::from)
                == Some(comment_len)
        {
            return Ok(Some(start + at as u64));
        }
    }
    Ok(None)
}

/// Locates the archive's sections and checks that the Central Directory lies
/// between the entries and the end records.
///
/// # Errors
/// [`Error::NotZip`] without an end record; [`Error::CentralDirectoryOutOfRange`];
/// [`Error::Malformed`] for bad ZIP64 records.
pub fn find_sections(src: &dyn DataSource, opts: &ReadOptions) -> Result<ZipSections> {
    let eocd_offset = find_eocd(src)?.ok_or(Error::NotZip)?;
    let eocd_len = usize::try_from(src.size() - eocd_offset).unwrap_or(usize::MAX);
    let eocd = Eocd::parse(&read_vec(src, eocd_offset, eocd_len)?, eocd_offset)?;
    let mut sections = ZipSections {
        cd_offset: u64::from(eocd.cd_offset),
        cd_size: u64::from(eocd.cd_size),
        cd_records: u64::from(eocd.entries_total),
        eocd_offset,
        eocd,
        zip64: None,
    };
    let saturated = sections.eocd.entries_total == ZIP64_MAGIC_16
        || sections.eocd.entries_on_disk == ZIP64_MAGIC_16
        || sections.eocd.cd_size == ZIP64_MAGIC_32
        || sections.eocd.cd_offset == ZIP64_MAGIC_32;
    if opts.zip64 && saturated && eocd_offset >= Zip64Locator::LEN as u64 {
        let locator_offset = eocd_offset - Zip64Locator::LEN as u64;
        if let Some(locator) =
            Zip64Locator::parse(&read_vec(src, locator_offset, Zip64Locator::LEN)?)
        {
            sections.zip64 = Some(read_zip64(src, locator, locator_offset)?);
        }
    }
    if let Some(z) = &sections.zip64 {
        if z.eocd.disk_number != 0
            || z.eocd.cd_disk != 0
            || z.eocd.entries_on_disk != z.eocd.entries_total
        {
            return Err(Error::malformed(
                "ZIP64 end of central directory record",
                z.eocd_offset,
                "multi-disk archive",
            ));
        }
        if sections.eocd.cd_offset == ZIP64_MAGIC_32 {
            sections.cd_offset = z.eocd.cd_offset;
        }
        if sections.eocd.cd_size == ZIP64_MAGIC_32 {
            sections.cd_size = z.eocd.cd_size;
        }
        if sections.eocd.entries_total == ZIP64_MAGIC_16 {
            sections.cd_records = z.eocd.entries_total;
        }
    }
    let end = sections.end_records_offset();
    let out_of_range = || Error::CentralDirectoryOutOfRange {
        offset: sections.cd_offset,
        size: sections.cd_size,
        eocd_offset: end,
    };
    let cd_end = sections.cd_offset.checked_add(sections.cd_size).ok_or_else(out_of_range)?;
    if sections.cd_offset > end || cd_end > end {
        return Err(out_of_range());
    }
    Ok(sections)
}

fn read_zip64(
    src: &dyn DataSource,
    locator: Zip64Locator,
    locator_offset: u64,
) -> Result<Zip64Sections> {
    let what = "ZIP64 end of central directory record";
    let at = locator.eocd_offset;
    if at.checked_add(Zip64Eocd::HEADER_LEN as u64).is_none_or(|end| end > locator_offset) {
        return Err(Error::malformed(what, at, "record out of range"));
    }
    let fixed = read_vec(src, at, Zip64Eocd::HEADER_LEN)?;
    let len = Zip64Eocd::record_len(&fixed)
        .ok_or_else(|| Error::malformed(what, at, "bad signature or size"))?;
    if len < Zip64Eocd::HEADER_LEN as u64
        || at.checked_add(len).is_none_or(|end| end > locator_offset)
        || len > 1 << 20
    {
        return Err(Error::malformed(what, at, "bad size"));
    }
    let rec =
        Zip64Eocd::parse(&read_vec(src, at, usize::try_from(len).unwrap_or(usize::MAX))?, at)?;
    Ok(Zip64Sections { eocd_offset: at, eocd: rec, locator_offset, locator })
}

/// One entry: its Central Directory record, its local header and where its
/// data is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The Central Directory record.
    pub central: CentralDirectoryRecord,
    /// The local file header.
    pub local: LocalFileHeader,
    /// Offset of the Central Directory record.
    pub central_offset: u64,
    compressed_size: u64,
    uncompressed_size: u64,
    local_header_offset: u64,
    data_offset: u64,
    data_len: u64,
    descriptor: Option<DataDescriptor>,
    record_end: u64,
    compression: Compression,
    defect: Option<String>,
}

impl Entry {
    /// Why the local record is unusable, for entries kept under
    /// [`ReadOptions::defer_local_errors`].
    #[must_use]
    pub fn defect(&self) -> Option<&str> {
        self.defect.as_deref()
    }

    fn usable(&self) -> Result<()> {
        match &self.defect {
            None => Ok(()),
            Some(d) => Err(Error::malformed(
                format!("local record of {}", EntryName::from(self.name())),
                self.local_header_offset,
                d.clone(),
            )),
        }
    }

    /// The name bytes (from the Central Directory).
    #[must_use]
    pub fn name(&self) -> &[u8] {
        &self.central.name
    }

    /// How the data is read under the archive's rules.
    #[must_use]
    pub fn compression(&self) -> Compression {
        self.compression
    }

    /// The declared CRC-32.
    #[must_use]
    pub fn crc32(&self) -> u32 {
        self.central.crc32
    }

    /// The compressed size (ZIP64 resolved).
    #[must_use]
    pub fn compressed_size(&self) -> u64 {
        self.compressed_size
    }

    /// The uncompressed size (ZIP64 resolved).
    #[must_use]
    pub fn uncompressed_size(&self) -> u64 {
        self.uncompressed_size
    }

    /// Offset of the local file header (ZIP64 resolved).
    #[must_use]
    pub fn local_header_offset(&self) -> u64 {
        self.local_header_offset
    }

    /// Offset of the first data byte.
    #[must_use]
    pub fn data_offset(&self) -> u64 {
        self.data_offset
    }

    /// The raw (compressed) data bytes, for a raw copy.
    #[must_use]
    pub fn data_range(&self) -> Range<u64> {
        self.data_offset..self.data_offset + self.data_len
    }

    /// The whole local record: header, data and data descriptor.
    #[must_use]
    pub fn record_range(&self) -> Range<u64> {
        self.local_header_offset..self.record_end
    }

    /// The data descriptor, when flag bit 3 is set.
    #[must_use]
    pub fn descriptor(&self) -> Option<&DataDescriptor> {
        self.descriptor.as_ref()
    }

    /// Offset of the extra field inside the local record's header.
    #[must_use]
    pub fn local_extra_offset(&self) -> u64 {
        self.local_header_offset + LocalFileHeader::HEADER_LEN as u64 + self.local.name.len() as u64
    }

    /// Writes the raw data bytes into `sink`.
    ///
    /// # Errors
    /// I/O errors.
    pub fn copy_raw(&self, src: &dyn DataSource, sink: &mut dyn Write) -> Result<()> {
        self.usable()?;
        src.feed(self.data_offset, self.data_len, sink)
    }

    /// Writes the content (inflated when compressed) into `sink`, checking
    /// its size against the declared uncompressed size and, if `verify_crc`,
    /// its CRC-32. Output stops as soon as it exceeds the declared size.
    ///
    /// # Errors
    /// [`Error::CorruptData`], [`Error::SizeMismatch`], [`Error::CrcMismatch`], I/O errors.
    pub fn read_to(
        &self,
        src: &dyn DataSource,
        sink: &mut dyn Write,
        verify_crc: bool,
    ) -> Result<ContentInfo> {
        self.usable()?;
        let info = match self.compression {
            Compression::Stored => copy_range(src, self.data_offset, self.data_len, sink)?,
            Compression::Deflated => inflate_range(
                src,
                self.data_offset,
                self.data_len,
                self.uncompressed_size,
                self.name(),
                sink,
            )?,
        };
        if info.size != self.uncompressed_size {
            return Err(Error::SizeMismatch {
                name: self.name().into(),
                expected: self.uncompressed_size,
                actual: info.size,
            });
        }
        if verify_crc && info.crc32 != self.central.crc32 {
            return Err(Error::CrcMismatch {
                name: self.name().into(),
                expected: self.central.crc32,
                actual: info.crc32,
            });
        }
        Ok(info)
    }

    /// Reads the content into memory, refusing entries whose declared size
    /// exceeds `limit` before reading anything.
    ///
    /// # Errors
    /// [`Error::LimitExceeded`] and the errors of [`Entry::read_to`].
    pub fn read_to_vec(
        &self,
        src: &dyn DataSource,
        limit: u64,
        verify_crc: bool,
    ) -> Result<Vec<u8>> {
        self.usable()?;
        if self.uncompressed_size > limit {
            return Err(Error::LimitExceeded {
                what: "entry size",
                value: self.uncompressed_size,
                limit,
            });
        }
        let cap = usize::try_from(self.uncompressed_size).unwrap_or(0).min(1 << 20);
        let mut sink = LimitedVec { data: Vec::with_capacity(cap), limit };
        self.read_to(src, &mut sink, verify_crc)?;
        Ok(sink.data)
    }
}

/// A parsed archive: its sections and entries in Central Directory order.
#[derive(Debug, Clone)]
pub struct ZipArchive {
    sections: ZipSections,
    entries: Vec<Entry>,
    options: ReadOptions,
}

impl ZipArchive {
    /// Parses the archive in `src` under `options`.
    ///
    /// # Errors
    /// Every structural problem the options check for; see [`Error`].
    pub fn parse(src: &dyn DataSource, options: &ReadOptions) -> Result<Self> {
        let sections = find_sections(src, options)?;
        let entries = parse_central_directory(src, &sections, options)?;
        let archive = Self { sections, entries, options: options.clone() };
        archive.check_layout()?;
        Ok(archive)
    }

    /// The archive's sections.
    #[must_use]
    pub fn sections(&self) -> &ZipSections {
        &self.sections
    }

    /// The entries, in Central Directory order.
    #[must_use]
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The rules the archive was read under.
    #[must_use]
    pub fn options(&self) -> &ReadOptions {
        &self.options
    }

    /// The first entry named `name`.
    #[must_use]
    pub fn find(&self, name: &[u8]) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name() == name)
    }

    /// Writes an entry's content into `sink` (CRC-32 checked if the options say so).
    ///
    /// # Errors
    /// As [`Entry::read_to`].
    pub fn read_entry(
        &self,
        src: &dyn DataSource,
        entry: &Entry,
        sink: &mut dyn Write,
    ) -> Result<ContentInfo> {
        entry.read_to(src, sink, self.options.verify_crc)
    }

    /// Reads an entry's content into memory, up to `limit` bytes.
    ///
    /// # Errors
    /// As [`Entry::read_to_vec`].
    pub fn read_entry_to_vec(
        &self,
        src: &dyn DataSource,
        entry: &Entry,
        limit: u64,
    ) -> Result<Vec<u8>> {
        entry.read_to_vec(src, limit, self.options.verify_crc)
    }

    fn check_layout(&self) -> Result<()> {
        if self.options.reject_duplicates {
            let mut seen = HashSet::with_capacity(self.entries.len());
            for e in &self.entries {
                if !seen.insert(e.name()) {
                    return Err(Error::DuplicateEntry(e.name().into()));
                }
            }
        }
        if self.options.reject_overlaps {
            let mut order: Vec<&Entry> =
                self.entries.iter().filter(|e| e.defect.is_none()).collect();
            order.sort_by_key(|e| e.local_header_offset);
            for pair in order.windows(2) {
                if pair[1].local_header_offset < pair[0].record_end {
                    return Err(Error::OverlappingEntries {
                        first: pair[0].name().into(),
                        second: pair[1].name().into(),
                    });
                }
            }
        }
        Ok(())
    }
}

fn parse_central_directory(
    src: &dyn DataSource,
    s: &ZipSections,
    opts: &ReadOptions,
) -> Result<Vec<Entry>> {
    if s.cd_size > opts.max_central_directory_size {
        return Err(Error::LimitExceeded {
            what: "central directory size",
            value: s.cd_size,
            limit: opts.max_central_directory_size,
        });
    }
    if s.cd_records > opts.max_entries {
        return Err(Error::LimitExceeded {
            what: "entry count",
            value: s.cd_records,
            limit: opts.max_entries,
        });
    }
    // Every record takes at least 46 bytes, so a count the directory cannot
    // hold is rejected before anything is allocated for it.
    if s.cd_records > s.cd_size / CentralDirectoryRecord::HEADER_LEN as u64 {
        return Err(Error::malformed(
            "central directory",
            s.cd_offset,
            format!("{} records do not fit in {} bytes", s.cd_records, s.cd_size),
        ));
    }
    let cd = read_vec(src, s.cd_offset, usize::try_from(s.cd_size).unwrap_or(usize::MAX))?;
    let count = usize::try_from(s.cd_records).unwrap_or(usize::MAX);
    let mut entries = Vec::with_capacity(count);
    let mut pos = 0usize;
    for index in 0..count {
        let offset = s.cd_offset + pos as u64;
        let (rec, len) =
            CentralDirectoryRecord::parse(&cd[pos..], offset).map_err(|e| match e {
                Error::Malformed { detail, .. } => Error::malformed(
                    format!("central directory record #{}", index + 1),
                    offset,
                    detail,
                ),
                other => other,
            })?;
        pos += len;
        entries.push(parse_entry(src, s, opts, rec, offset)?);
    }
    if opts.exact_central_directory && pos != cd.len() {
        return Err(Error::malformed(
            "central directory",
            s.cd_offset,
            format!("{} bytes after the {} declared records", cd.len() - pos, count),
        ));
    }
    Ok(entries)
}

fn parse_entry(
    src: &dyn DataSource,
    s: &ZipSections,
    opts: &ReadOptions,
    central: CentralDirectoryRecord,
    central_offset: u64,
) -> Result<Entry> {
    let name = || EntryName::from(central.name.as_slice());
    let (compressed_size, uncompressed_size, local_header_offset) = if opts.zip64 {
        central.zip64_resolved().map_err(|_| {
            Error::malformed(
                format!("central directory record of {}", name()),
                central_offset,
                "ZIP64 value missing from the extra field",
            )
        })?
    } else {
        (
            u64::from(central.compressed_size),
            u64::from(central.uncompressed_size),
            u64::from(central.local_header_offset),
        )
    };
    if opts.reject_encrypted && central.flags & FLAG_ENCRYPTED != 0 {
        return Err(Error::Encrypted(name()));
    }
    let compression = match (opts.methods, central.method) {
        (_, METHOD_STORED) => Compression::Stored,
        (MethodRule::NonStoredIsDeflated, _) | (MethodRule::StoredOrDeflated, METHOD_DEFLATED) => {
            Compression::Deflated
        }
        (MethodRule::StoredOrDeflated, method) => {
            return Err(Error::UnsupportedCompression { name: name(), method });
        }
    };
    let local = parse_local(
        src,
        s,
        opts,
        &central,
        compressed_size,
        uncompressed_size,
        local_header_offset,
        compression,
    );
    let (local, data_offset, data_len, descriptor, record_end, defect) = match local {
        Ok(l) => (l.header, l.data_offset, l.data_len, l.descriptor, l.record_end, None),
        Err(Error::Io(e)) => return Err(Error::Io(e)),
        Err(e) if opts.defer_local_errors => (
            LocalFileHeader::default(),
            local_header_offset,
            0,
            None,
            local_header_offset,
            Some(e.to_string()),
        ),
        Err(e) => return Err(e),
    };
    Ok(Entry {
        central,
        local,
        central_offset,
        compressed_size,
        uncompressed_size,
        local_header_offset,
        data_offset,
        data_len,
        descriptor,
        record_end,
        compression,
        defect,
    })
}

struct LocalPart {
    header: LocalFileHeader,
    data_offset: u64,
    data_len: u64,
    descriptor: Option<DataDescriptor>,
    record_end: u64,
}

#[expect(
    clippy::too_many_arguments,
    reason = "the resolved central values an entry's local record is checked against"
)]
fn parse_local(
    src: &dyn DataSource,
    s: &ZipSections,
    opts: &ReadOptions,
    central: &CentralDirectoryRecord,
    compressed_size: u64,
    uncompressed_size: u64,
    local_header_offset: u64,
    compression: Compression,
) -> Result<LocalPart> {
    let name = || EntryName::from(central.name.as_slice());
    let beyond =
        |end: u64| Error::EntryBeyondCentralDirectory { name: name(), end, cd_offset: s.cd_offset };

    // The local header: fixed part, then name and extra.
    let fixed_end = local_header_offset
        .checked_add(LocalFileHeader::HEADER_LEN as u64)
        .ok_or_else(|| beyond(u64::MAX))?;
    if fixed_end > s.cd_offset {
        return Err(beyond(fixed_end));
    }
    let fixed = read_vec(src, local_header_offset, LocalFileHeader::HEADER_LEN)?;
    let (mut local, nlen, elen) = LocalFileHeader::parse_fixed(&fixed, local_header_offset)
        .map_err(|_| {
            Error::malformed(
                format!("local file header of {}", name()),
                local_header_offset,
                "bad signature",
            )
        })?;
    let header_end = fixed_end + u64::from(nlen) + u64::from(elen);
    if header_end > s.cd_offset {
        return Err(beyond(header_end));
    }
    let var = read_vec(src, fixed_end, usize::from(nlen) + usize::from(elen))?;
    local.name = var[..usize::from(nlen)].to_vec();
    local.extra = var[usize::from(nlen)..].to_vec();

    let has_dd = local.flags & FLAG_DATA_DESCRIPTOR != 0;
    if opts.check_local_headers {
        if local.name != central.name {
            return Err(Error::NameMismatch {
                central: name(),
                local: local.name.as_slice().into(),
            });
        }
        if has_dd != central.has_data_descriptor() {
            return Err(mismatch(
                central,
                "data descriptor flag",
                u64::from(has_dd),
                u64::from(central.has_data_descriptor()),
            ));
        }
        if !has_dd {
            let (lc, lu) = local_sizes(&local, opts.zip64);
            if local.crc32 != central.crc32 {
                return Err(mismatch(central, "CRC-32", local.crc32.into(), central.crc32.into()));
            }
            if lc != compressed_size {
                return Err(mismatch(central, "compressed size", lc, compressed_size));
            }
            if lu != uncompressed_size {
                return Err(mismatch(central, "uncompressed size", lu, uncompressed_size));
            }
        }
    }
    if opts.check_local_method && local.method != central.method {
        return Err(mismatch(
            central,
            "compression method",
            local.method.into(),
            central.method.into(),
        ));
    }
    if opts.check_stored_sizes
        && compression == Compression::Stored
        && compressed_size != uncompressed_size
    {
        return Err(mismatch(central, "stored size", compressed_size, uncompressed_size));
    }
    let data_len =
        if compression == Compression::Stored { uncompressed_size } else { compressed_size };
    let data_offset = header_end;
    let data_end = data_offset.checked_add(data_len).ok_or_else(|| beyond(u64::MAX))?;
    if data_end > s.cd_offset {
        return Err(beyond(data_end));
    }

    // The data descriptor (with the optional signature) follows the data.
    let mut descriptor = None;
    let mut record_end = data_end;
    if has_dd || central.has_data_descriptor() {
        let zip64 = opts.zip64 && extra_fields(&local.extra).any(|f| f.id == EXTRA_ZIP64);
        let max_len = if zip64 { 24u64 } else { 16 };
        let avail = (s.cd_offset - data_end).min(max_len);
        let buf = read_vec(src, data_end, usize::try_from(avail).unwrap_or(0))?;
        let dd = DataDescriptor::parse(&buf, zip64).ok_or_else(|| beyond(data_end + max_len))?;
        if dd.encoded_len() as u64 > avail {
            return Err(beyond(data_end + dd.encoded_len() as u64));
        }
        if opts.check_data_descriptors
            && (dd.crc32 != central.crc32
                || dd.compressed_size != compressed_size
                || dd.uncompressed_size != uncompressed_size)
        {
            return Err(mismatch(central, "data descriptor", dd.compressed_size, compressed_size));
        }
        record_end = data_end + dd.encoded_len() as u64;
        descriptor = Some(dd);
    }
    Ok(LocalPart { header: local, data_offset, data_len, descriptor, record_end })
}

fn mismatch(
    central: &CentralDirectoryRecord,
    field: &'static str,
    local: u64,
    central_value: u64,
) -> Error {
    Error::HeaderMismatch {
        name: central.name.as_slice().into(),
        field,
        local,
        central: central_value,
    }
}

/// The local header's sizes, with ZIP64 values from its extra field.
fn local_sizes(local: &LocalFileHeader, zip64: bool) -> (u64, u64) {
    let (mut c, mut u) = (u64::from(local.compressed_size), u64::from(local.uncompressed_size));
    if zip64
        && (c == u64::from(ZIP64_MAGIC_32) || u == u64::from(ZIP64_MAGIC_32))
        && let Some(f) = extra_fields(&local.extra).find(|f| f.id == EXTRA_ZIP64)
        // The local ZIP64 field holds both sizes, uncompressed first.
        && let (Some(uu), Some(cc)) = (le::u64_at(f.data, 0), le::u64_at(f.data, 8))
    {
        (u, c) = (uu, cc);
    }
    (c, u)
}
