//! Output byte-identical to the JDK's `java.util.zip.ZipOutputStream` and
//! `java.util.jar.JarOutputStream` (JDK 17), with the entry model of
//! `java.util.zip.ZipEntry` (including the extended-timestamp and NTFS extra
//! fields it derives from times and from extra data).
//!
//! AOSP signapk and the JDK's jarsigner write with these classes, so a signed
//! output that must match theirs byte for byte is written here. Deflate runs
//! on madler zlib, as in the JDK (see `docs/formats.md`).
//!
//! The clock and the time zone are parameters: [`JavaZipEntry::set_time`]
//! takes [`ZoneRules`], and a writer given a clock
//! ([`JavaZipWriter::with_clock`]) stamps entries that have no time, as
//! `putNextEntry` does with `System.currentTimeMillis()`.

use std::collections::HashSet;
use std::io::Write;

use flate2::{Compress, Compression, FlushCompress, Status};

use crate::error::{Error, Result};
use crate::records::{
    CentralDirectoryRecord, EXTRA_EXTENDED_TIMESTAMP, EXTRA_JAR_MAGIC, EXTRA_NTFS, EXTRA_ZIP64,
    METHOD_DEFLATED, METHOD_STORED, le,
};

/// `ZipEntry.DOSTIME_BEFORE_1980`: the DOS time written for times before 1980.
pub const DOSTIME_BEFORE_1980: i64 = (1 << 21) | (1 << 16);
const UPPER_DOSTIME_BOUND: i64 = 128 * 365 * 24 * 60 * 60 * 1000;
const UPPER_UNIXTIME_BOUND: i64 = 0x7fff_ffff;
const WINDOWS_EPOCH_IN_MICROSECONDS: i64 = -11_644_473_600_000_000;
const WINDOWS_TIME_NOT_AVAILABLE: i64 = i64::MIN;
const ZIP64_MAGICVAL: i64 = 0xFFFF_FFFF;
const ZIP64_MAGICCOUNT: usize = 0xFFFF;
const FLAG_UTF8: u16 = 0x0800;
const VERSION_MADE_BY_BASE_UNIX: u16 = 3 << 8;
const FILE_ATTRIBUTES_UNIX: u16 = 3;

/// The unit a [`FileTime`] was made in, which decides how it converts
/// (`java.nio.file.attribute.FileTime` keeps the unit it was built with).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Seconds,
    Millis,
    Micros,
}

impl Unit {
    fn micros(self) -> i64 {
        match self {
            Self::Seconds => 1_000_000,
            Self::Millis => 1_000,
            Self::Micros => 1,
        }
    }
}

/// A `java.nio.file.attribute.FileTime`: a value and the unit it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileTime {
    value: i64,
    unit: Unit,
}

impl FileTime {
    /// `FileTime.from(seconds, SECONDS)`.
    #[must_use]
    pub fn from_seconds(value: i64) -> Self {
        Self { value, unit: Unit::Seconds }
    }

    /// `FileTime.fromMillis(millis)`.
    #[must_use]
    pub fn from_millis(value: i64) -> Self {
        Self { value, unit: Unit::Millis }
    }

    /// `FileTime.from(micros, MICROSECONDS)`.
    #[must_use]
    pub fn from_micros(value: i64) -> Self {
        Self { value, unit: Unit::Micros }
    }

    /// `TimeUnit.convert`: truncation toward zero going coarser, saturation going finer.
    fn to_unit(self, unit: Unit) -> i64 {
        let (from, to) = (self.unit.micros(), unit.micros());
        if from >= to {
            let r = from / to;
            let max = i64::MAX / r;
            if self.value > max {
                i64::MAX
            } else if self.value < -max {
                i64::MIN
            } else {
                self.value * r
            }
        } else {
            self.value / (to / from)
        }
    }

    /// `to(SECONDS)`.
    #[must_use]
    pub fn to_seconds(self) -> i64 {
        self.to_unit(Unit::Seconds)
    }

    /// `toMillis()`.
    #[must_use]
    pub fn to_millis(self) -> i64 {
        self.to_unit(Unit::Millis)
    }

    /// `to(MICROSECONDS)`.
    #[must_use]
    pub fn to_micros(self) -> i64 {
        self.to_unit(Unit::Micros)
    }

    fn to_windows(self) -> i64 {
        // JDK compat: long arithmetic wraps (java.util.zip.ZipUtils.fileTimeToWinTime).
        self.to_micros().wrapping_sub(WINDOWS_EPOCH_IN_MICROSECONDS).wrapping_mul(10)
    }

    fn from_windows(wtime: i64) -> Self {
        Self::from_micros((wtime / 10).wrapping_add(WINDOWS_EPOCH_IN_MICROSECONDS))
    }
}

/// The local time zone's offset from UTC (what `ZoneId.systemDefault()`
/// supplies to the JDK's DOS time conversion).
pub trait ZoneRules {
    /// Offset from UTC, in seconds, at the instant `epoch_millis`.
    fn offset_seconds(&self, epoch_millis: i64) -> i32;
}

/// A zone with a fixed offset from UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FixedOffset(pub i32);

impl FixedOffset {
    /// UTC.
    pub const UTC: Self = Self(0);
}

impl ZoneRules for FixedOffset {
    fn offset_seconds(&self, _epoch_millis: i64) -> i32 {
        self.0
    }
}

/// Local date and time fields (`java.time.LocalDateTime`, to the second).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalDateTime {
    /// Year (proleptic Gregorian).
    pub year: i64,
    /// Month, 1..=12.
    pub month: u32,
    /// Day of month, 1..=31.
    pub day: u32,
    /// Hour, 0..=23.
    pub hour: u32,
    /// Minute, 0..=59.
    pub minute: u32,
    /// Second, 0..=59.
    pub second: u32,
}

impl LocalDateTime {
    /// `LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), zone)`.
    #[must_use]
    pub fn from_epoch_millis(millis: i64, zone: &dyn ZoneRules) -> Self {
        let secs = millis.div_euclid(1000) + i64::from(zone.offset_seconds(millis));
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        // The remainders are below 86400, so these conversions are exact.
        let hms = u32::try_from(sod).unwrap_or(0);
        Self { year, month, day, hour: hms / 3600, minute: hms / 60 % 60, second: hms % 60 }
    }
}

/// Proleptic Gregorian date of a day count from 1970-01-01 (Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `ZipUtils.javaToExtendedDosTime`: the DOS date and time in the low 32 bits
/// and the milliseconds lost to the 2-second resolution above them.
#[must_use]
pub fn java_to_extended_dos_time(millis: i64, zone: &dyn ZoneRules) -> i64 {
    let ldt = LocalDateTime::from_epoch_millis(millis, zone);
    if ldt.year >= 1980 {
        java_to_dos_time(&ldt) + ((millis % 2000) << 32)
    } else {
        DOSTIME_BEFORE_1980
    }
}

/// `ZipUtils.javaToDosTime`: computed in 32-bit `int` arithmetic, so years
/// past 2107 wrap as they do in the JDK.
fn java_to_dos_time(ldt: &LocalDateTime) -> i64 {
    // JDK compat: int arithmetic (java.util.zip.ZipUtils.javaToDosTime).
    #[expect(clippy::cast_possible_truncation, reason = "the JDK truncates the year to an int")]
    let year = (ldt.year - 1980) as i32;
    let month = i32::try_from(ldt.month).unwrap_or(0);
    let day = i32::try_from(ldt.day).unwrap_or(0);
    let hour = i32::try_from(ldt.hour).unwrap_or(0);
    let minute = i32::try_from(ldt.minute).unwrap_or(0);
    let second = i32::try_from(ldt.second).unwrap_or(0);
    let v =
        year.wrapping_shl(25) | month << 21 | day << 16 | hour << 11 | minute << 5 | second >> 1;
    i64::from(v) & 0xffff_ffff
}

/// A `java.util.zip.ZipEntry` (or `JarEntry`): what `ZipOutputStream`
/// writes an entry from. Fields left unset are `-1`/`None`, as in the JDK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaZipEntry {
    name: String,
    xdostime: i64,
    mtime: Option<FileTime>,
    atime: Option<FileTime>,
    ctime: Option<FileTime>,
    crc: i64,
    size: i64,
    csize: i64,
    csize_set: bool,
    method: i32,
    flag: u16,
    extra: Option<Vec<u8>>,
    comment: Option<String>,
    extra_attributes: i32,
}

fn java_err(msg: impl Into<String>) -> Error {
    Error::Java(msg.into())
}

impl JavaZipEntry {
    /// `new ZipEntry(name)`.
    ///
    /// # Errors
    /// `entry name too long` for names over 65535 UTF-16 units.
    pub fn new(name: impl Into<String>) -> Result<Self> {
        let name = name.into();
        if name.encode_utf16().count() > 0xFFFF {
            return Err(java_err("entry name too long"));
        }
        Ok(Self {
            name,
            xdostime: -1,
            mtime: None,
            atime: None,
            ctime: None,
            crc: -1,
            size: -1,
            csize: -1,
            csize_set: false,
            method: -1,
            flag: 0,
            extra: None,
            comment: None,
            extra_attributes: -1,
        })
    }

    /// The entry `java.util.zip.ZipFile` (or `JarFile`) returns for a
    /// Central Directory record: its name, flag, DOS time, CRC-32, sizes,
    /// method, Unix attributes, extra data (times and ZIP64 sizes parsed from
    /// it) and comment. `new JarEntry(thatEntry)` is a clone of it.
    ///
    /// # Errors
    /// The name is not UTF-8 (the JDK rejects the archive: `invalid CEN
    /// header (bad entry name)`).
    pub fn from_central(rec: &CentralDirectoryRecord) -> Result<Self> {
        let name = String::from_utf8(rec.name.clone())
            .map_err(|_| java_err("invalid CEN header (bad entry name)"))?;
        let mut e = Self::new(name)?;
        e.flag = rec.flags;
        e.xdostime = i64::from(rec.last_mod_time) | i64::from(rec.last_mod_date) << 16;
        e.crc = i64::from(rec.crc32);
        e.size = i64::from(rec.uncompressed_size);
        e.csize = i64::from(rec.compressed_size);
        e.method = i32::from(rec.method);
        if rec.version_made_by >> 8 == FILE_ATTRIBUTES_UNIX {
            e.extra_attributes =
                i32::try_from((rec.external_attributes >> 16) & 0xFFFF).unwrap_or(0);
        }
        if !rec.extra.is_empty() {
            e.set_extra0(Some(rec.extra.clone()), true, false);
        }
        if !rec.comment.is_empty() {
            // JDK compat: the JDK decodes comments as UTF-8; invalid bytes are replaced here.
            e.comment = Some(String::from_utf8_lossy(&rec.comment).into_owned());
        }
        Ok(e)
    }

    /// The name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `setTime(millis)`, with the local zone as a parameter.
    pub fn set_time(&mut self, millis: i64, zone: &dyn ZoneRules) {
        self.xdostime = java_to_extended_dos_time(millis, zone);
        if self.xdostime != DOSTIME_BEFORE_1980 && millis <= UPPER_DOSTIME_BOUND {
            self.mtime = None;
        } else {
            let year = LocalDateTime::from_epoch_millis(millis, zone).year;
            self.mtime = if (1980..=2099).contains(&year) {
                None
            } else {
                Some(FileTime::from_millis(millis))
            };
        }
    }

    /// `setLastModifiedTime(time)`.
    pub fn set_last_modified_time(&mut self, time: FileTime, zone: &dyn ZoneRules) {
        self.mtime = Some(time);
        self.xdostime = java_to_extended_dos_time(time.to_millis(), zone);
    }

    /// `setLastAccessTime(time)`.
    pub fn set_last_access_time(&mut self, time: FileTime) {
        self.atime = Some(time);
    }

    /// `setCreationTime(time)`.
    pub fn set_creation_time(&mut self, time: FileTime) {
        self.ctime = Some(time);
    }

    /// The extended DOS time (`-1` when unset).
    #[must_use]
    pub fn extended_dos_time(&self) -> i64 {
        self.xdostime
    }

    /// Sets the extended DOS time directly (what `ZipFile` does when it reads
    /// the Central Directory).
    pub fn set_extended_dos_time(&mut self, xdostime: i64) {
        self.xdostime = xdostime;
    }

    /// The last-modified, last-access and creation times from extra data or `set_time`.
    #[must_use]
    pub fn times(&self) -> (Option<FileTime>, Option<FileTime>, Option<FileTime>) {
        (self.mtime, self.atime, self.ctime)
    }

    /// `setSize(size)`.
    ///
    /// # Errors
    /// `invalid entry size` for negative sizes.
    pub fn set_size(&mut self, size: i64) -> Result<()> {
        if size < 0 {
            return Err(java_err("invalid entry size"));
        }
        self.size = size;
        Ok(())
    }

    /// The uncompressed size (`-1` when unset).
    #[must_use]
    pub fn size(&self) -> i64 {
        self.size
    }

    /// `setCompressedSize(csize)`.
    pub fn set_compressed_size(&mut self, csize: i64) {
        self.csize = csize;
        self.csize_set = true;
    }

    /// The compressed size (`-1` when unset).
    #[must_use]
    pub fn compressed_size(&self) -> i64 {
        self.csize
    }

    /// `setCrc(crc)`.
    ///
    /// # Errors
    /// `invalid entry crc-32` outside `0..=0xFFFFFFFF`.
    pub fn set_crc(&mut self, crc: i64) -> Result<()> {
        if !(0..=0xFFFF_FFFF).contains(&crc) {
            return Err(java_err("invalid entry crc-32"));
        }
        self.crc = crc;
        Ok(())
    }

    /// The CRC-32 (`-1` when unset).
    #[must_use]
    pub fn crc(&self) -> i64 {
        self.crc
    }

    /// `setMethod(method)`.
    ///
    /// # Errors
    /// `invalid compression method` for methods other than 0 and 8.
    pub fn set_method(&mut self, method: i32) -> Result<()> {
        if method != i32::from(METHOD_STORED) && method != i32::from(METHOD_DEFLATED) {
            return Err(java_err("invalid compression method"));
        }
        self.method = method;
        Ok(())
    }

    /// The compression method (`-1` when unset).
    #[must_use]
    pub fn method(&self) -> i32 {
        self.method
    }

    /// The general purpose flag (set by the writer).
    #[must_use]
    pub fn flag(&self) -> u16 {
        self.flag
    }

    /// `setExtra(extra)`: also parses extended-timestamp and NTFS fields
    /// into the entry's times, as the JDK does.
    ///
    /// # Errors
    /// `invalid extra field length` over 65535 bytes.
    pub fn set_extra(&mut self, extra: Option<Vec<u8>>) -> Result<()> {
        if extra.as_ref().is_some_and(|e| e.len() > 0xFFFF) {
            return Err(java_err("invalid extra field length"));
        }
        self.set_extra0(extra, false, true);
        Ok(())
    }

    /// The extra data.
    #[must_use]
    pub fn extra(&self) -> Option<&[u8]> {
        self.extra.as_deref()
    }

    /// `setComment(comment)`.
    pub fn set_comment(&mut self, comment: Option<String>) {
        self.comment = comment;
    }

    /// The comment.
    #[must_use]
    pub fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }

    /// The Unix attributes kept from the source archive (`-1` when none).
    #[must_use]
    pub fn extra_attributes(&self) -> i32 {
        self.extra_attributes
    }

    /// Sets the Unix attributes (`-1` for none).
    pub fn set_extra_attributes(&mut self, attributes: i32) {
        self.extra_attributes = attributes;
    }

    /// `ZipEntry.setExtra0`: the JDK's parse of ZIP64, NTFS and extended
    /// timestamp fields (a `break` inside a case leaves only the case).
    fn set_extra0(&mut self, extra: Option<Vec<u8>>, do_zip64: bool, is_loc: bool) {
        if let Some(x) = &extra {
            let len = x.len();
            let g16 = |at: usize| i64::from(le::u16_at(x, at).unwrap_or(0));
            let g64 = |at: usize| le::u64_at(x, at).map_or(0, |v| v as i64);
            let g32s = |at: usize| le::u32_at(x, at).map_or(0, |v| i64::from(v as i32));
            let mut off = 0usize;
            while off + 4 < len {
                let tag = g16(off);
                let sz = usize::try_from(g16(off + 2)).unwrap_or(0);
                off += 4;
                if off + sz > len {
                    break;
                }
                match u16::try_from(tag).unwrap_or(0) {
                    EXTRA_ZIP64 if do_zip64 => {
                        if is_loc {
                            if sz >= 16 {
                                self.size = g64(off);
                                self.csize = g64(off + 8);
                            }
                        } else if self.size != ZIP64_MAGICVAL || off + 8 <= len {
                            if self.size == ZIP64_MAGICVAL {
                                self.size = g64(off);
                            }
                            if self.csize == ZIP64_MAGICVAL && off + 16 <= len {
                                self.csize = g64(off + 8);
                            }
                        }
                    }
                    EXTRA_NTFS if sz >= 32 => {
                        let pos = off + 4;
                        if g16(pos) == 0x0001 && g16(pos + 2) == 24 {
                            let w = g64(pos + 4);
                            if w != WINDOWS_TIME_NOT_AVAILABLE {
                                self.mtime = Some(FileTime::from_windows(w));
                            }
                            let w = g64(pos + 12);
                            if w != WINDOWS_TIME_NOT_AVAILABLE {
                                self.atime = Some(FileTime::from_windows(w));
                            }
                            let w = g64(pos + 20);
                            if w != WINDOWS_TIME_NOT_AVAILABLE {
                                self.ctime = Some(FileTime::from_windows(w));
                            }
                        }
                    }
                    EXTRA_EXTENDED_TIMESTAMP => {
                        let flag = x.get(off).copied().unwrap_or(0);
                        let mut sz0 = 1usize;
                        if flag & 1 != 0 && sz0 + 4 <= sz {
                            self.mtime = Some(FileTime::from_seconds(g32s(off + sz0)));
                            sz0 += 4;
                        }
                        if flag & 2 != 0 && sz0 + 4 <= sz {
                            self.atime = Some(FileTime::from_seconds(g32s(off + sz0)));
                            sz0 += 4;
                        }
                        if flag & 4 != 0 && sz0 + 4 <= sz {
                            self.ctime = Some(FileTime::from_seconds(g32s(off + sz0)));
                        }
                    }
                    _ => {}
                }
                off += sz;
            }
        }
        self.extra = extra;
    }
}

/// `ZipOutputStream.getExtraLen`: the extra length without extended
/// timestamp and ZIP64 fields (the writer emits those itself).
fn extra_len(extra: Option<&[u8]>) -> usize {
    let Some(x) = extra else { return 0 };
    let (mut skipped, mut off) = (0usize, 0usize);
    while off + 4 <= x.len() {
        let tag = le::u16_at(x, off).unwrap_or(0);
        let sz = usize::from(le::u16_at(x, off + 2).unwrap_or(0));
        if off + 4 + sz > x.len() {
            break;
        }
        if tag == EXTRA_EXTENDED_TIMESTAMP || tag == EXTRA_ZIP64 {
            skipped += sz + 4;
        }
        off += sz + 4;
    }
    x.len() - skipped
}

/// `ZipOutputStream.writeExtra`: the extra data without extended timestamp
/// and ZIP64 fields; a malformed tail is written as is.
fn write_extra(out: &mut Vec<u8>, extra: Option<&[u8]>) {
    let Some(x) = extra else { return };
    let mut off = 0usize;
    while off + 4 <= x.len() {
        let tag = le::u16_at(x, off).unwrap_or(0);
        let sz = usize::from(le::u16_at(x, off + 2).unwrap_or(0));
        if off + 4 + sz > x.len() {
            out.extend_from_slice(&x[off..]);
            return;
        }
        if tag != EXTRA_EXTENDED_TIMESTAMP && tag != EXTRA_ZIP64 {
            out.extend_from_slice(&x[off..off + 4 + sz]);
        }
        off += sz + 4;
    }
    if off < x.len() {
        out.extend_from_slice(&x[off..]);
    }
}

/// `JarOutputStream.hasMagic`: an out-of-bounds read ends the scan with `false`.
fn has_jar_magic(x: &[u8]) -> bool {
    let mut i = 0usize;
    while i < x.len() {
        match le::u16_at(x, i) {
            Some(tag) if tag == EXTRA_JAR_MAGIC => return true,
            Some(_) => {}
            None => return false,
        }
        match le::u16_at(x, i + 2) {
            Some(sz) => i += usize::from(sz) + 4,
            None => return false,
        }
    }
    false
}

fn w16(out: &mut Vec<u8>, v: i64) {
    // JDK compat: writeShort keeps the low 16 bits (java.util.zip.ZipOutputStream).
    out.extend_from_slice(&v.to_le_bytes()[..2]);
}

fn w32(out: &mut Vec<u8>, v: i64) {
    // JDK compat: writeInt keeps the low 32 bits.
    out.extend_from_slice(&v.to_le_bytes()[..4]);
}

fn w64(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn version(method: i32) -> Result<i64> {
    match u16::try_from(method) {
        Ok(METHOD_DEFLATED) => Ok(20),
        Ok(METHOD_STORED) => Ok(10),
        _ => Err(java_err("unsupported compression method")),
    }
}

/// Whether the output is a `JarOutputStream` (the 0xCAFE magic on the first
/// entry) or a plain `ZipOutputStream`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JavaFlavor {
    /// `java.util.zip.ZipOutputStream`.
    Zip,
    /// `java.util.jar.JarOutputStream`.
    Jar,
}

struct XEntry {
    entry: JavaZipEntry,
    offset: u64,
}

/// A `ZipOutputStream`/`JarOutputStream` writing into `W`.
///
/// After any error the writer is in an undefined state (as the JDK stream
/// is after an exception) and should be dropped.
pub struct JavaZipWriter<W: Write> {
    out: W,
    flavor: JavaFlavor,
    first_entry: bool,
    written: u64,
    locoff: u64,
    xentries: Vec<XEntry>,
    names: HashSet<String>,
    current: bool,
    crc: crc32fast::Hasher,
    comment: Option<Vec<u8>>,
    method: i32,
    level: i32,
    deflater: Option<(i32, Compress)>,
    buf: Vec<u8>,
    finished: bool,
    clock: Option<(i64, Box<dyn ZoneRules + Send + Sync>)>,
}

impl<W: Write> std::fmt::Debug for JavaZipWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JavaZipWriter")
            .field("flavor", &self.flavor)
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

impl<W: Write> JavaZipWriter<W> {
    /// `new ZipOutputStream(out)` or `new JarOutputStream(out)`: UTF-8 names,
    /// DEFLATED by default at the default level.
    #[must_use]
    pub fn new(out: W, flavor: JavaFlavor) -> Self {
        Self {
            out,
            flavor,
            first_entry: true,
            written: 0,
            locoff: 0,
            xentries: Vec::new(),
            names: HashSet::new(),
            current: false,
            crc: crc32fast::Hasher::new(),
            comment: None,
            method: i32::from(METHOD_DEFLATED),
            level: -1,
            deflater: None,
            buf: vec![0u8; 512],
            finished: false,
            clock: None,
        }
    }

    /// The time stamped on entries that have none (`System.currentTimeMillis()`
    /// in the JDK), and the zone it is converted in.
    #[must_use]
    pub fn with_clock(mut self, now_millis: i64, zone: Box<dyn ZoneRules + Send + Sync>) -> Self {
        self.clock = Some((now_millis, zone));
        self
    }

    /// `setLevel(level)`; it applies from the next entry on.
    ///
    /// # Errors
    /// `invalid compression level` outside -1..=9.
    pub fn set_level(&mut self, level: i32) -> Result<()> {
        if !(-1..=9).contains(&level) {
            return Err(java_err("invalid compression level"));
        }
        self.level = level;
        Ok(())
    }

    /// `setMethod(method)`: the default method for entries without one.
    ///
    /// # Errors
    /// `invalid compression method`.
    pub fn set_method(&mut self, method: i32) -> Result<()> {
        if method != i32::from(METHOD_STORED) && method != i32::from(METHOD_DEFLATED) {
            return Err(java_err("invalid compression method"));
        }
        self.method = method;
        Ok(())
    }

    /// `setComment(comment)`.
    ///
    /// # Errors
    /// `ZIP file comment too long` over 65535 bytes.
    pub fn set_comment(&mut self, comment: Option<&str>) -> Result<()> {
        if comment.is_some_and(|c| c.len() > 0xFFFF) {
            return Err(java_err("ZIP file comment too long"));
        }
        self.comment = comment.map(|c| c.as_bytes().to_vec());
        Ok(())
    }

    /// Bytes written so far.
    #[must_use]
    pub fn position(&self) -> u64 {
        self.written
    }

    /// The entries written so far, with their local header offsets.
    pub fn entries(&self) -> impl Iterator<Item = (&JavaZipEntry, u64)> {
        self.xentries.iter().map(|x| (&x.entry, x.offset))
    }

    fn emit(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    fn ensure_open(&self) -> Result<()> {
        if self.finished {
            return Err(java_err("Stream closed"));
        }
        Ok(())
    }

    /// `putNextEntry(e)`: closes the current entry and writes `e`'s local header.
    ///
    /// # Errors
    /// The JDK's `ZipException`s (`duplicate entry: <name>`, `STORED entry
    /// missing size, compressed size, or crc-32`, ...); [`Error::Unsupported`]
    /// when the entry has no time and the writer no clock; I/O errors.
    pub fn put_next_entry(&mut self, mut e: JavaZipEntry) -> Result<()> {
        self.ensure_open()?;
        if self.flavor == JavaFlavor::Jar && self.first_entry {
            // JDK compat: the first entry carries the 0xCAFE JAR magic (java.util.jar.JarOutputStream).
            let edata = e.extra.clone();
            if edata.as_deref().is_none_or(|x| !has_jar_magic(x)) {
                let mut tmp = vec![0xFE, 0xCA, 0, 0];
                tmp.extend_from_slice(edata.as_deref().unwrap_or_default());
                e.set_extra(Some(tmp))?;
            }
            self.first_entry = false;
        }
        if self.current {
            self.close_entry()?;
        }
        if e.xdostime == -1 {
            let Some((now, zone)) = &self.clock else {
                return Err(Error::Unsupported(
                    "entry without a time and a writer without a clock".into(),
                ));
            };
            e.set_time(*now, zone.as_ref());
        }
        if e.method == -1 {
            e.method = self.method;
        }
        e.flag = 0;
        match u16::try_from(e.method) {
            Ok(METHOD_DEFLATED) => {
                if e.size == -1 || e.csize == -1 || e.crc == -1 || !e.csize_set {
                    e.flag = 8;
                }
            }
            Ok(METHOD_STORED) => {
                if e.size == -1 {
                    e.size = e.csize;
                } else if e.csize == -1 {
                    e.csize = e.size;
                } else if e.size != e.csize {
                    return Err(java_err("STORED entry where compressed != uncompressed size"));
                }
                if e.size == -1 || e.crc == -1 {
                    return Err(java_err("STORED entry missing size, compressed size, or crc-32"));
                }
            }
            _ => return Err(java_err("unsupported compression method")),
        }
        if !self.names.insert(e.name.clone()) {
            return Err(java_err(format!("duplicate entry: {}", e.name)));
        }
        e.flag |= FLAG_UTF8;
        if e.method == i32::from(METHOD_DEFLATED) {
            let level = if self.level == -1 { 6 } else { self.level };
            if self.deflater.as_ref().is_none_or(|(l, _)| *l != level) {
                let l = u32::try_from(level).unwrap_or(6);
                self.deflater = Some((level, Compress::new(Compression::new(l), false)));
            }
        }
        let header = loc_header(&e)?;
        self.xentries.push(XEntry { entry: e, offset: self.written });
        self.current = true;
        self.emit(&header)?;
        self.locoff = self.written;
        Ok(())
    }

    /// `write(b)`: entry data (compressed now for DEFLATED entries).
    ///
    /// # Errors
    /// `no current ZIP entry`, `attempt to write past end of STORED entry`, I/O errors.
    pub fn write(&mut self, data: &[u8]) -> Result<()> {
        self.ensure_open()?;
        if data.is_empty() {
            return Ok(());
        }
        if !self.current {
            return Err(java_err("no current ZIP entry"));
        }
        let (method, size) =
            self.xentries.last().map(|x| (x.entry.method, x.entry.size)).unwrap_or_default();
        if method == i32::from(METHOD_DEFLATED) {
            self.deflate(data, FlushCompress::None)?;
        } else {
            let after = self.written + data.len() as u64 - self.locoff;
            if i64::try_from(after).unwrap_or(i64::MAX) > size {
                return Err(java_err("attempt to write past end of STORED entry"));
            }
            self.emit(data)?;
        }
        self.crc.update(data);
        Ok(())
    }

    fn deflate(&mut self, mut input: &[u8], flush: FlushCompress) -> Result<()> {
        loop {
            let Some((_, def)) = self.deflater.as_mut() else {
                return Err(java_err("invalid compression method"));
            };
            let (before_in, before_out) = (def.total_in(), def.total_out());
            let status = def
                .compress(input, &mut self.buf, flush)
                .map_err(|e| Error::Unsupported(format!("deflate failed: {e}")))?;
            let used =
                usize::try_from(def.total_in() - before_in).unwrap_or(input.len()).min(input.len());
            let produced =
                usize::try_from(def.total_out() - before_out).unwrap_or(0).min(self.buf.len());
            input = &input[used..];
            if produced > 0 {
                self.out.write_all(&self.buf[..produced])?;
            }
            let done = match flush {
                FlushCompress::Finish => status == Status::StreamEnd,
                _ => input.is_empty() && produced < self.buf.len(),
            };
            if done {
                return Ok(());
            }
        }
    }

    /// `closeEntry()`: finishes the data, checks preset sizes and CRC-32,
    /// writes the data descriptor when the sizes were not preset.
    ///
    /// # Errors
    /// The JDK's `invalid entry size`/`compressed size`/`CRC-32` exceptions, I/O errors.
    pub fn close_entry(&mut self) -> Result<()> {
        self.ensure_open()?;
        if !self.current {
            return Ok(());
        }
        let crc = i64::from(self.crc.clone().finalize());
        let Some(x) = self.xentries.last() else { return Ok(()) };
        let (method, flag, size, csize, ecrc) =
            (x.entry.method, x.entry.flag, x.entry.size, x.entry.csize, x.entry.crc);
        if method == i32::from(METHOD_DEFLATED) {
            self.deflate(&[], FlushCompress::Finish)?;
            let Some((_, def)) = self.deflater.as_mut() else {
                return Err(java_err("invalid compression method"));
            };
            let (read, wrote) = (def.total_in(), def.total_out());
            def.reset();
            let (read, wrote) =
                (i64::try_from(read).unwrap_or(i64::MAX), i64::try_from(wrote).unwrap_or(i64::MAX));
            if flag & 8 == 0 {
                if size != read {
                    return Err(java_err(format!(
                        "invalid entry size (expected {size} but got {read} bytes)"
                    )));
                }
                if csize != wrote {
                    return Err(java_err(format!(
                        "invalid entry compressed size (expected {csize} but got {wrote} bytes)"
                    )));
                }
                if ecrc != crc {
                    return Err(java_err(format!(
                        "invalid entry CRC-32 (expected 0x{ecrc:x} but got 0x{crc:x})"
                    )));
                }
            } else {
                let mut ext = Vec::with_capacity(24);
                w32(&mut ext, 0x0807_4b50);
                w32(&mut ext, crc);
                if wrote >= ZIP64_MAGICVAL || read >= ZIP64_MAGICVAL {
                    w64(&mut ext, wrote);
                    w64(&mut ext, read);
                } else {
                    w32(&mut ext, wrote);
                    w32(&mut ext, read);
                }
                if let Some(x) = self.xentries.last_mut() {
                    x.entry.size = read;
                    x.entry.csize = wrote;
                    x.entry.crc = crc;
                }
                // The compressed bytes were counted as they went out; the
                // JDK adds csize instead, which is the same number.
                self.written += u64::try_from(wrote).unwrap_or(0);
                self.emit(&ext)?;
                self.crc = crc32fast::Hasher::new();
                self.current = false;
                return Ok(());
            }
            self.written += u64::try_from(wrote).unwrap_or(0);
        } else {
            let got = self.written - self.locoff;
            if u64::try_from(size).ok() != Some(got) {
                return Err(java_err(format!(
                    "invalid entry size (expected {size} but got {got} bytes)"
                )));
            }
            if ecrc != crc {
                return Err(java_err(format!(
                    "invalid entry crc-32 (expected 0x{ecrc:x} but got 0x{crc:x})"
                )));
            }
        }
        self.crc = crc32fast::Hasher::new();
        self.current = false;
        Ok(())
    }

    /// `finish()`: closes the current entry and writes the Central Directory
    /// and the end records; returns the output.
    ///
    /// # Errors
    /// As [`JavaZipWriter::close_entry`]; I/O errors.
    pub fn finish(mut self) -> Result<W> {
        self.ensure_open()?;
        if self.current {
            self.close_entry()?;
        }
        let off = self.written;
        let mut cen = Vec::new();
        for x in &self.xentries {
            cen_header(&mut cen, &x.entry, x.offset)?;
        }
        self.emit(&cen)?;
        let end = end_records(
            off,
            self.written - off,
            self.written,
            self.xentries.len(),
            self.comment.as_deref(),
        );
        self.emit(&end)?;
        self.out.flush()?;
        self.finished = true;
        Ok(self.out)
    }
}

/// The extended-timestamp or NTFS field data the JDK derives from the times.
struct TimeExtra {
    flag: u8,
    mtime: i64,
    atime: i64,
    ctime: i64,
    ntfs: bool,
    loc_len: usize,
}

fn time_extra(e: &JavaZipEntry) -> Option<TimeExtra> {
    let (mut flag, mut loc_len) = (0u8, 0usize);
    let (mut um, mut ua, mut uc) = (-1i64, -1i64, -1i64);
    if let Some(t) = e.mtime {
        loc_len += 4;
        flag |= 1;
        um = t.to_seconds();
    }
    if let Some(t) = e.atime {
        loc_len += 4;
        flag |= 2;
        ua = t.to_seconds();
    }
    if let Some(t) = e.ctime {
        loc_len += 4;
        flag |= 4;
        uc = t.to_seconds();
    }
    (flag != 0).then_some(TimeExtra {
        flag,
        mtime: um,
        atime: ua,
        ctime: uc,
        ntfs: um > UPPER_UNIXTIME_BOUND || ua > UPPER_UNIXTIME_BOUND || uc > UPPER_UNIXTIME_BOUND,
        loc_len,
    })
}

fn write_ntfs(out: &mut Vec<u8>, e: &JavaZipEntry) {
    w16(out, i64::from(EXTRA_NTFS));
    w16(out, 32);
    w32(out, 0);
    w16(out, 1);
    w16(out, 24);
    for t in [e.mtime, e.atime, e.ctime] {
        w64(out, t.map_or(WINDOWS_TIME_NOT_AVAILABLE, FileTime::to_windows));
    }
}

/// `ZipOutputStream.writeLOC`.
fn loc_header(e: &JavaZipEntry) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(64 + e.name.len());
    let mut elen = extra_len(e.extra.as_deref()) as i64;
    let mut zip64 = false;
    w32(&mut out, 0x0403_4b50);
    if e.flag & 8 == 8 {
        w16(&mut out, version(e.method)?);
        w16(&mut out, i64::from(e.flag));
        w16(&mut out, i64::from(e.method));
        w32(&mut out, e.xdostime);
        w32(&mut out, 0);
        w32(&mut out, 0);
        w32(&mut out, 0);
    } else {
        if e.csize >= ZIP64_MAGICVAL || e.size >= ZIP64_MAGICVAL {
            zip64 = true;
            w16(&mut out, 45);
        } else {
            w16(&mut out, version(e.method)?);
        }
        w16(&mut out, i64::from(e.flag));
        w16(&mut out, i64::from(e.method));
        w32(&mut out, e.xdostime);
        w32(&mut out, e.crc);
        if zip64 {
            w32(&mut out, ZIP64_MAGICVAL);
            w32(&mut out, ZIP64_MAGICVAL);
            elen += 20;
        } else {
            w32(&mut out, e.csize);
            w32(&mut out, e.size);
        }
    }
    let name = e.name.as_bytes();
    w16(&mut out, name.len() as i64);
    let times = time_extra(e);
    if let Some(t) = &times {
        elen += if t.ntfs { 36 } else { (t.loc_len + 5) as i64 };
    }
    w16(&mut out, elen);
    out.extend_from_slice(name);
    if zip64 {
        w16(&mut out, i64::from(EXTRA_ZIP64));
        w16(&mut out, 16);
        w64(&mut out, e.size);
        w64(&mut out, e.csize);
    }
    if let Some(t) = &times {
        if t.ntfs {
            write_ntfs(&mut out, e);
        } else {
            w16(&mut out, i64::from(EXTRA_EXTENDED_TIMESTAMP));
            w16(&mut out, (t.loc_len + 1) as i64);
            out.push(t.flag);
            for (bit, v) in [(1, t.mtime), (2, t.atime), (4, t.ctime)] {
                if t.flag & bit != 0 {
                    w32(&mut out, v);
                }
            }
        }
    }
    write_extra(&mut out, e.extra.as_deref());
    Ok(out)
}

/// `ZipOutputStream.writeCEN`.
fn cen_header(out: &mut Vec<u8>, e: &JavaZipEntry, offset: u64) -> Result<()> {
    let version = version(e.method)?;
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    let (mut csize, mut size, mut off) = (e.csize, e.size, offset);
    let mut elen64 = 0i64;
    if e.csize >= ZIP64_MAGICVAL {
        csize = ZIP64_MAGICVAL;
        elen64 += 8;
    }
    if e.size >= ZIP64_MAGICVAL {
        size = ZIP64_MAGICVAL;
        elen64 += 8;
    }
    if offset >= ZIP64_MAGICVAL {
        off = ZIP64_MAGICVAL;
        elen64 += 8;
    }
    let zip64 = elen64 > 0;
    let made_by = |v: i64| -> i64 {
        if e.extra_attributes < 0 { v } else { i64::from(VERSION_MADE_BY_BASE_UNIX) | (v & 0xff) }
    };
    w32(out, 0x0201_4b50);
    if zip64 {
        w16(out, made_by(45));
        w16(out, 45);
    } else {
        w16(out, made_by(version));
        w16(out, version);
    }
    w16(out, i64::from(e.flag));
    w16(out, i64::from(e.method));
    w32(out, e.xdostime);
    w32(out, e.crc);
    w32(out, csize);
    w32(out, size);
    let name = e.name.as_bytes();
    w16(out, name.len() as i64);
    let mut elen = extra_len(e.extra.as_deref()) as i64;
    if zip64 {
        elen += elen64 + 4;
    }
    let times = time_extra(e);
    if let Some(t) = &times {
        elen += if t.ntfs {
            36
        } else if e.mtime.is_some() {
            9
        } else {
            5
        };
    }
    w16(out, elen);
    let comment = e.comment.as_deref().map(str::as_bytes);
    w16(out, comment.map_or(0, |c| c.len().min(0xffff) as i64));
    w16(out, 0);
    w16(out, 0);
    w32(
        out,
        if e.extra_attributes > 0 { i64::from(e.extra_attributes.wrapping_shl(16)) } else { 0 },
    );
    w32(out, off);
    out.extend_from_slice(name);
    if zip64 {
        w16(out, i64::from(EXTRA_ZIP64));
        w16(out, elen64);
        if size == ZIP64_MAGICVAL {
            w64(out, e.size);
        }
        if csize == ZIP64_MAGICVAL {
            w64(out, e.csize);
        }
        if off == ZIP64_MAGICVAL {
            w64(out, offset);
        }
    }
    if let Some(t) = &times {
        if t.ntfs {
            write_ntfs(out, e);
        } else {
            w16(out, i64::from(EXTRA_EXTENDED_TIMESTAMP));
            if e.mtime.is_some() {
                w16(out, 5);
                out.push(t.flag);
                w32(out, t.mtime);
            } else {
                w16(out, 1);
                out.push(t.flag);
            }
        }
    }
    write_extra(out, e.extra.as_deref());
    if let Some(c) = comment {
        out.extend_from_slice(&c[..c.len().min(0xffff)]);
    }
    Ok(())
}

/// `ZipOutputStream.writeEND` (with the ZIP64 records when needed).
fn end_records(off: u64, len: u64, written: u64, count: usize, comment: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::with_capacity(120);
    let to_i = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let (mut xlen, mut xoff) = (to_i(len), to_i(off));
    let mut zip64 = false;
    if xlen >= ZIP64_MAGICVAL {
        xlen = ZIP64_MAGICVAL;
        zip64 = true;
    }
    if xoff >= ZIP64_MAGICVAL {
        xoff = ZIP64_MAGICVAL;
        zip64 = true;
    }
    let mut n = count;
    if n >= ZIP64_MAGICCOUNT {
        // JDK compat: jdk.util.zip.inhibitZip64 is false by default.
        zip64 = true;
        n = ZIP64_MAGICCOUNT;
    }
    if zip64 {
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        w32(&mut out, 0x0606_4b50);
        w64(&mut out, 56 - 12);
        w16(&mut out, 45);
        w16(&mut out, 45);
        w32(&mut out, 0);
        w32(&mut out, 0);
        w64(&mut out, count);
        w64(&mut out, count);
        w64(&mut out, to_i(len));
        w64(&mut out, to_i(off));
        w32(&mut out, 0x0706_4b50);
        w32(&mut out, 0);
        w64(&mut out, to_i(written));
        w32(&mut out, 1);
    }
    w32(&mut out, 0x0605_4b50);
    w16(&mut out, 0);
    w16(&mut out, 0);
    w16(&mut out, n as i64);
    w16(&mut out, n as i64);
    w32(&mut out, xlen);
    w32(&mut out, xoff);
    match comment {
        Some(c) => {
            w16(&mut out, c.len() as i64);
            out.extend_from_slice(c);
        }
        None => w16(&mut out, 0),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dos_times_match_the_jdk() {
        // 2009-01-01 00:00:00 UTC, signapk's fixed timestamp.
        assert_eq!(java_to_extended_dos_time(1_230_768_000_000, &FixedOffset::UTC), 0x3a21_0000);
        // An odd second and milliseconds go into the high half.
        let t = 1_230_768_001_500;
        assert_eq!(java_to_extended_dos_time(t, &FixedOffset::UTC), 0x3a21_0000 + (1500 << 32));
        assert_eq!(java_to_extended_dos_time(0, &FixedOffset::UTC), DOSTIME_BEFORE_1980);
        // A zone east of UTC moves the local date.
        let d = java_to_extended_dos_time(1_230_768_000_000 - 3_600_000, &FixedOffset(3600));
        assert_eq!(d, 0x3a21_0000);
        let ldt = LocalDateTime::from_epoch_millis(-1, &FixedOffset::UTC);
        assert_eq!(
            (ldt.year, ldt.month, ldt.day, ldt.hour, ldt.minute, ldt.second),
            (1969, 12, 31, 23, 59, 59)
        );
    }

    #[test]
    fn set_time_keeps_mtime_only_outside_dos_range() {
        let mut e = JavaZipEntry::new("a").unwrap();
        e.set_time(1_230_768_000_000, &FixedOffset::UTC);
        assert_eq!(e.times().0, None);
        e.set_time(0, &FixedOffset::UTC);
        assert_eq!(e.times().0, Some(FileTime::from_millis(0)));
    }

    #[test]
    fn extra_parsing_sets_times() {
        let mut e = JavaZipEntry::new("a").unwrap();
        let extra = vec![0x55, 0x54, 9, 0, 3, 1, 0, 0, 0, 2, 0, 0, 0];
        e.set_extra(Some(extra)).unwrap();
        assert_eq!(
            e.times(),
            (Some(FileTime::from_seconds(1)), Some(FileTime::from_seconds(2)), None)
        );
        assert_eq!(extra_len(e.extra()), 0);
        assert!(has_jar_magic(&[0xfe, 0xca, 0, 0]));
        assert!(!has_jar_magic(&[0x01, 0x00, 9]));
    }

    #[test]
    fn file_time_conversions() {
        assert_eq!(FileTime::from_millis(-1500).to_seconds(), -1);
        assert_eq!(FileTime::from_seconds(i64::MAX / 10).to_micros(), i64::MAX);
        assert_eq!(
            FileTime::from_windows(FileTime::from_seconds(10).to_windows()).to_seconds(),
            10
        );
    }
}
