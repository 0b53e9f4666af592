//! The ZIP records, field for field, as they are on disk ([APPNOTE] 4.3).
//!
//! Every field is kept raw (a size of `0xFFFFFFFF` stays `0xFFFFFFFF`; the
//! ZIP64 values are resolved separately), so a record that is parsed and
//! written again gives back the same bytes.
//!
//! [APPNOTE]: https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT

use crate::error::{Error, Result};

/// `PK\x03\x04`: local file header.
pub const LOCAL_FILE_HEADER_SIGNATURE: u32 = 0x0403_4b50;
/// `PK\x01\x02`: central directory file header.
pub const CENTRAL_DIRECTORY_SIGNATURE: u32 = 0x0201_4b50;
/// `PK\x05\x06`: end of central directory record.
pub const EOCD_SIGNATURE: u32 = 0x0605_4b50;
/// `PK\x06\x06`: ZIP64 end of central directory record.
pub const ZIP64_EOCD_SIGNATURE: u32 = 0x0606_4b50;
/// `PK\x06\x07`: ZIP64 end of central directory locator.
pub const ZIP64_LOCATOR_SIGNATURE: u32 = 0x0706_4b50;
/// `PK\x07\x08`: the optional data descriptor signature.
pub const DATA_DESCRIPTOR_SIGNATURE: u32 = 0x0807_4b50;

/// Compression method 0: stored.
pub const METHOD_STORED: u16 = 0;
/// Compression method 8: deflated.
pub const METHOD_DEFLATED: u16 = 8;

/// General purpose flag bit 0: the entry is encrypted.
pub const FLAG_ENCRYPTED: u16 = 0x0001;
/// General purpose flag bit 3: CRC and sizes follow the data in a data descriptor.
pub const FLAG_DATA_DESCRIPTOR: u16 = 0x0008;
/// General purpose flag bit 11: the name and comment are UTF-8 (EFS).
pub const FLAG_UTF8: u16 = 0x0800;

/// Extra field 0x0001: ZIP64 extended information.
pub const EXTRA_ZIP64: u16 = 0x0001;
/// Extra field 0x000a: NTFS times.
pub const EXTRA_NTFS: u16 = 0x000a;
/// Extra field 0x5455 (`UT`): Info-ZIP extended timestamp.
pub const EXTRA_EXTENDED_TIMESTAMP: u16 = 0x5455;
/// Extra field 0xCAFE: the JAR magic `JarOutputStream` puts on the first entry.
pub const EXTRA_JAR_MAGIC: u16 = 0xCAFE;
/// Extra field 0xd935: apksig's data alignment field
/// `{u16 id, u16 size, u16 alignment, zero padding}`.
pub const EXTRA_APK_ALIGNMENT: u16 = 0xd935;

/// The value of a 32-bit field whose real value is in the ZIP64 extra field.
pub const ZIP64_MAGIC_32: u32 = 0xFFFF_FFFF;
/// The value of a 16-bit count whose real value is in the ZIP64 end record.
pub const ZIP64_MAGIC_16: u16 = 0xFFFF;

/// Little-endian field access with bounds checked by the caller's slice length.
pub(crate) mod le {
    pub(crate) fn u16_at(b: &[u8], at: usize) -> Option<u16> {
        let s = b.get(at..at.checked_add(2)?)?;
        Some(u16::from_le_bytes([s[0], s[1]]))
    }

    pub(crate) fn u32_at(b: &[u8], at: usize) -> Option<u32> {
        let s = b.get(at..at.checked_add(4)?)?;
        Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }

    pub(crate) fn u64_at(b: &[u8], at: usize) -> Option<u64> {
        let s = b.get(at..at.checked_add(8)?)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Some(u64::from_le_bytes(a))
    }

    pub(crate) fn put16(out: &mut Vec<u8>, v: u16) {
        out.extend_from_slice(&v.to_le_bytes());
    }

    pub(crate) fn put32(out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&v.to_le_bytes());
    }

    pub(crate) fn put64(out: &mut Vec<u8>, v: u64) {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

use le::{put16, put32, put64, u16_at, u32_at, u64_at};

/// Length of a variable field, which the format stores in 16 bits.
fn len16(what: &'static str, len: usize) -> Result<u16> {
    u16::try_from(len)
        .map_err(|_| Error::Unsupported(format!("{what} of {len} bytes (the limit is 65535)")))
}

/// A Central Directory file header.
///
/// ```text
/// central file header signature   4 bytes  (0x02014b50)
/// version made by                 2 bytes
/// version needed to extract       2 bytes
/// general purpose bit flag        2 bytes
/// compression method              2 bytes
/// last mod file time              2 bytes
/// last mod file date              2 bytes
/// crc-32                          4 bytes
/// compressed size                 4 bytes
/// uncompressed size               4 bytes
/// file name length                2 bytes
/// extra field length              2 bytes
/// file comment length             2 bytes
/// disk number start               2 bytes
/// internal file attributes        2 bytes
/// external file attributes        4 bytes
/// relative offset of local header 4 bytes
/// file name, extra field, file comment (variable)
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CentralDirectoryRecord {
    /// Version made by (high byte: host system, 3 = Unix).
    pub version_made_by: u16,
    /// Version needed to extract.
    pub version_needed: u16,
    /// General purpose bit flag.
    pub flags: u16,
    /// Compression method.
    pub method: u16,
    /// MS-DOS time.
    pub last_mod_time: u16,
    /// MS-DOS date.
    pub last_mod_date: u16,
    /// CRC-32 of the uncompressed data.
    pub crc32: u32,
    /// Compressed size as written (`0xFFFFFFFF` when in the ZIP64 extra).
    pub compressed_size: u32,
    /// Uncompressed size as written (`0xFFFFFFFF` when in the ZIP64 extra).
    pub uncompressed_size: u32,
    /// Disk number start.
    pub disk_number_start: u16,
    /// Internal file attributes.
    pub internal_attributes: u16,
    /// External file attributes (Unix mode in the high 16 bits).
    pub external_attributes: u32,
    /// Offset of the local file header as written (`0xFFFFFFFF` when in the ZIP64 extra).
    pub local_header_offset: u32,
    /// File name bytes.
    pub name: Vec<u8>,
    /// Extra field bytes.
    pub extra: Vec<u8>,
    /// File comment bytes.
    pub comment: Vec<u8>,
}

impl CentralDirectoryRecord {
    /// Length of the fixed part.
    pub const HEADER_LEN: usize = 46;

    /// Parses the record at the start of `buf`; returns it and its length.
    /// `offset` (the record's place in the archive) only labels errors.
    ///
    /// # Errors
    /// [`Error::Malformed`] when the signature is wrong or the record does not
    /// fit in `buf`.
    pub fn parse(buf: &[u8], offset: u64) -> Result<(Self, usize)> {
        let bad = |d: &str| Error::malformed("central directory record", offset, d);
        let h = buf.get(..Self::HEADER_LEN).ok_or_else(|| bad("truncated header"))?;
        let f16 = |at| u16_at(h, at).unwrap_or_default();
        let f32 = |at| u32_at(h, at).unwrap_or_default();
        if f32(0) != CENTRAL_DIRECTORY_SIGNATURE {
            return Err(bad("bad signature"));
        }
        let (nlen, elen, clen) = (usize::from(f16(28)), usize::from(f16(30)), usize::from(f16(32)));
        let total = Self::HEADER_LEN + nlen + elen + clen;
        let var = buf
            .get(Self::HEADER_LEN..total)
            .ok_or_else(|| bad("name, extra or comment beyond the central directory"))?;
        let rec = Self {
            version_made_by: f16(4),
            version_needed: f16(6),
            flags: f16(8),
            method: f16(10),
            last_mod_time: f16(12),
            last_mod_date: f16(14),
            crc32: f32(16),
            compressed_size: f32(20),
            uncompressed_size: f32(24),
            disk_number_start: f16(34),
            internal_attributes: f16(36),
            external_attributes: f32(38),
            local_header_offset: f32(42),
            name: var[..nlen].to_vec(),
            extra: var[nlen..nlen + elen].to_vec(),
            comment: var[nlen + elen..].to_vec(),
        };
        Ok((rec, total))
    }

    /// Encoded length of this record.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        Self::HEADER_LEN + self.name.len() + self.extra.len() + self.comment.len()
    }

    /// Appends the record's bytes to `out`.
    ///
    /// # Errors
    /// [`Error::Unsupported`] when the name, extra or comment is longer than 65535 bytes.
    pub fn write_to(&self, out: &mut Vec<u8>) -> Result<()> {
        let (n, e, c) = (
            len16("name", self.name.len())?,
            len16("extra field", self.extra.len())?,
            len16("comment", self.comment.len())?,
        );
        put32(out, CENTRAL_DIRECTORY_SIGNATURE);
        put16(out, self.version_made_by);
        put16(out, self.version_needed);
        put16(out, self.flags);
        put16(out, self.method);
        put16(out, self.last_mod_time);
        put16(out, self.last_mod_date);
        put32(out, self.crc32);
        put32(out, self.compressed_size);
        put32(out, self.uncompressed_size);
        put16(out, n);
        put16(out, e);
        put16(out, c);
        put16(out, self.disk_number_start);
        put16(out, self.internal_attributes);
        put32(out, self.external_attributes);
        put32(out, self.local_header_offset);
        out.extend_from_slice(&self.name);
        out.extend_from_slice(&self.extra);
        out.extend_from_slice(&self.comment);
        Ok(())
    }

    /// The sizes and local header offset with ZIP64 values resolved:
    /// `(compressed, uncompressed, local header offset)`.
    ///
    /// # Errors
    /// [`Error::Malformed`] when a field is `0xFFFFFFFF` and the ZIP64 extra
    /// field does not supply it.
    pub fn zip64_resolved(&self) -> Result<(u64, u64, u64)> {
        let need_u = self.uncompressed_size == ZIP64_MAGIC_32;
        let need_c = self.compressed_size == ZIP64_MAGIC_32;
        let need_o = self.local_header_offset == ZIP64_MAGIC_32;
        let mut out = (
            u64::from(self.compressed_size),
            u64::from(self.uncompressed_size),
            u64::from(self.local_header_offset),
        );
        if !(need_u || need_c || need_o) {
            return Ok(out);
        }
        let data = extra_fields(&self.extra)
            .find(|f| f.id == EXTRA_ZIP64)
            .map(|f| f.data)
            .ok_or_else(|| {
                Error::malformed(
                    format!("central directory record of {}", String::from_utf8_lossy(&self.name)),
                    0,
                    "ZIP64 value without a ZIP64 extra field",
                )
            })?;
        let mut at = 0usize;
        let mut take = |need: bool| -> Result<Option<u64>> {
            if !need {
                return Ok(None);
            }
            let v = u64_at(data, at).ok_or_else(|| {
                Error::malformed(
                    format!("ZIP64 extra field of {}", String::from_utf8_lossy(&self.name)),
                    0,
                    "too short",
                )
            })?;
            at += 8;
            Ok(Some(v))
        };
        if let Some(v) = take(need_u)? {
            out.1 = v;
        }
        if let Some(v) = take(need_c)? {
            out.0 = v;
        }
        if let Some(v) = take(need_o)? {
            out.2 = v;
        }
        Ok(out)
    }

    /// The name as UTF-8, if it is.
    #[must_use]
    pub fn name_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.name).ok()
    }

    /// Whether the name ends with `/`.
    #[must_use]
    pub fn is_directory(&self) -> bool {
        self.name.last() == Some(&b'/')
    }

    /// Whether general purpose bit 3 (data descriptor) is set.
    #[must_use]
    pub fn has_data_descriptor(&self) -> bool {
        self.flags & FLAG_DATA_DESCRIPTOR != 0
    }
}

/// A local file header.
///
/// ```text
/// local file header signature     4 bytes  (0x04034b50)
/// version needed to extract       2 bytes
/// general purpose bit flag        2 bytes
/// compression method              2 bytes
/// last mod file time              2 bytes
/// last mod file date              2 bytes
/// crc-32                          4 bytes
/// compressed size                 4 bytes
/// uncompressed size               4 bytes
/// file name length                2 bytes
/// extra field length              2 bytes
/// file name, extra field (variable)
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalFileHeader {
    /// Version needed to extract.
    pub version_needed: u16,
    /// General purpose bit flag.
    pub flags: u16,
    /// Compression method.
    pub method: u16,
    /// MS-DOS time.
    pub last_mod_time: u16,
    /// MS-DOS date.
    pub last_mod_date: u16,
    /// CRC-32 (zero when a data descriptor follows the data).
    pub crc32: u32,
    /// Compressed size as written.
    pub compressed_size: u32,
    /// Uncompressed size as written.
    pub uncompressed_size: u32,
    /// File name bytes.
    pub name: Vec<u8>,
    /// Extra field bytes (zipalign pads this with zero bytes).
    pub extra: Vec<u8>,
}

impl LocalFileHeader {
    /// Length of the fixed part.
    pub const HEADER_LEN: usize = 30;

    /// Parses the fixed part; returns the header with empty name and extra
    /// and the name and extra lengths, to be read next.
    ///
    /// # Errors
    /// [`Error::Malformed`] when the signature is wrong or `buf` is short.
    pub fn parse_fixed(buf: &[u8], offset: u64) -> Result<(Self, u16, u16)> {
        let bad = |d: &str| Error::malformed("local file header", offset, d);
        let h = buf.get(..Self::HEADER_LEN).ok_or_else(|| bad("truncated header"))?;
        let f16 = |at| u16_at(h, at).unwrap_or_default();
        let f32 = |at| u32_at(h, at).unwrap_or_default();
        if f32(0) != LOCAL_FILE_HEADER_SIGNATURE {
            return Err(bad("bad signature"));
        }
        let h = Self {
            version_needed: f16(4),
            flags: f16(6),
            method: f16(8),
            last_mod_time: f16(10),
            last_mod_date: f16(12),
            crc32: f32(14),
            compressed_size: f32(18),
            uncompressed_size: f32(22),
            name: Vec::new(),
            extra: Vec::new(),
        };
        Ok((h, f16(26), f16(28)))
    }

    /// Parses a complete header at the start of `buf`; returns it and its length.
    ///
    /// # Errors
    /// [`Error::Malformed`] when the signature is wrong or `buf` is short.
    pub fn parse(buf: &[u8], offset: u64) -> Result<(Self, usize)> {
        let (mut h, n, e) = Self::parse_fixed(buf, offset)?;
        let (n, e) = (usize::from(n), usize::from(e));
        let end = Self::HEADER_LEN + n + e;
        let var = buf.get(Self::HEADER_LEN..end).ok_or_else(|| {
            Error::malformed("local file header", offset, "truncated name or extra field")
        })?;
        h.name = var[..n].to_vec();
        h.extra = var[n..].to_vec();
        Ok((h, end))
    }

    /// Encoded length of this header.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        Self::HEADER_LEN + self.name.len() + self.extra.len()
    }

    /// Appends the header's bytes to `out`.
    ///
    /// # Errors
    /// [`Error::Unsupported`] when the name or extra is longer than 65535 bytes.
    pub fn write_to(&self, out: &mut Vec<u8>) -> Result<()> {
        let (n, e) = (len16("name", self.name.len())?, len16("extra field", self.extra.len())?);
        put32(out, LOCAL_FILE_HEADER_SIGNATURE);
        put16(out, self.version_needed);
        put16(out, self.flags);
        put16(out, self.method);
        put16(out, self.last_mod_time);
        put16(out, self.last_mod_date);
        put32(out, self.crc32);
        put32(out, self.compressed_size);
        put32(out, self.uncompressed_size);
        put16(out, n);
        put16(out, e);
        out.extend_from_slice(&self.name);
        out.extend_from_slice(&self.extra);
        Ok(())
    }

    /// The local header a Central Directory record implies: the same
    /// versions, flags, method, times, CRC, sizes and name, with `extra`.
    #[must_use]
    pub fn from_central(cd: &CentralDirectoryRecord, extra: Vec<u8>) -> Self {
        Self {
            version_needed: cd.version_needed,
            flags: cd.flags,
            method: cd.method,
            last_mod_time: cd.last_mod_time,
            last_mod_date: cd.last_mod_date,
            crc32: cd.crc32,
            compressed_size: cd.compressed_size,
            uncompressed_size: cd.uncompressed_size,
            name: cd.name.clone(),
            extra,
        }
    }
}

/// A data descriptor: CRC-32 and sizes after the entry data (flag bit 3).
///
/// ```text
/// [signature 0x08074b50]  4 bytes (optional)
/// crc-32                  4 bytes
/// compressed size         4 bytes (8 for ZIP64 entries)
/// uncompressed size       4 bytes (8 for ZIP64 entries)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataDescriptor {
    /// Whether the optional signature is present.
    pub signature: bool,
    /// Whether the sizes are 8 bytes each (ZIP64).
    pub zip64: bool,
    /// CRC-32 of the uncompressed data.
    pub crc32: u32,
    /// Compressed size.
    pub compressed_size: u64,
    /// Uncompressed size.
    pub uncompressed_size: u64,
}

impl DataDescriptor {
    /// Encoded length.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        (if self.signature { 4 } else { 0 }) + 4 + if self.zip64 { 16 } else { 8 }
    }

    /// Parses a descriptor at the start of `buf`: it has a signature when the
    /// first four bytes are the signature (what Android and apksig assume).
    #[must_use]
    pub fn parse(buf: &[u8], zip64: bool) -> Option<Self> {
        let signature = u32_at(buf, 0)? == DATA_DESCRIPTOR_SIGNATURE;
        let at = if signature { 4 } else { 0 };
        let crc32 = u32_at(buf, at)?;
        let (compressed_size, uncompressed_size) = if zip64 {
            (u64_at(buf, at + 4)?, u64_at(buf, at + 12)?)
        } else {
            (u64::from(u32_at(buf, at + 4)?), u64::from(u32_at(buf, at + 8)?))
        };
        Some(Self { signature, zip64, crc32, compressed_size, uncompressed_size })
    }

    /// Appends the descriptor's bytes to `out`.
    ///
    /// # Errors
    /// [`Error::Unsupported`] when a size needs 64 bits and `zip64` is off.
    pub fn write_to(&self, out: &mut Vec<u8>) -> Result<()> {
        if self.signature {
            put32(out, DATA_DESCRIPTOR_SIGNATURE);
        }
        put32(out, self.crc32);
        if self.zip64 {
            put64(out, self.compressed_size);
            put64(out, self.uncompressed_size);
        } else {
            let c = u32::try_from(self.compressed_size)
                .map_err(|_| Error::Unsupported("data descriptor size needs ZIP64".into()))?;
            let u = u32::try_from(self.uncompressed_size)
                .map_err(|_| Error::Unsupported("data descriptor size needs ZIP64".into()))?;
            put32(out, c);
            put32(out, u);
        }
        Ok(())
    }
}

/// The End of Central Directory record.
///
/// ```text
/// end of central dir signature    4 bytes  (0x06054b50)
/// number of this disk             2 bytes
/// disk where central directory starts 2 bytes
/// number of central directory records on this disk 2 bytes
/// total number of central directory records 2 bytes
/// size of central directory       4 bytes
/// offset of start of central directory 4 bytes
/// comment length                  2 bytes
/// comment (variable)
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Eocd {
    /// Number of this disk.
    pub disk_number: u16,
    /// Disk where the Central Directory starts.
    pub cd_disk: u16,
    /// Central Directory records on this disk.
    pub entries_on_disk: u16,
    /// Total Central Directory records.
    pub entries_total: u16,
    /// Size of the Central Directory.
    pub cd_size: u32,
    /// Offset of the Central Directory.
    pub cd_offset: u32,
    /// Archive comment.
    pub comment: Vec<u8>,
}

impl Eocd {
    /// Length of the fixed part.
    pub const HEADER_LEN: usize = 22;
    /// Offset of the comment length field in the record.
    pub const COMMENT_LENGTH_OFFSET: usize = 20;

    /// Parses the record at the start of `buf`. The comment is the
    /// `comment length` bytes after the fixed part.
    ///
    /// # Errors
    /// [`Error::Malformed`] when the signature is wrong or `buf` is short.
    pub fn parse(buf: &[u8], offset: u64) -> Result<Self> {
        let bad = |d: &str| Error::malformed("end of central directory record", offset, d);
        let h = buf.get(..Self::HEADER_LEN).ok_or_else(|| bad("truncated"))?;
        let f16 = |at| u16_at(h, at).unwrap_or_default();
        let f32 = |at| u32_at(h, at).unwrap_or_default();
        if f32(0) != EOCD_SIGNATURE {
            return Err(bad("bad signature"));
        }
        let clen = usize::from(f16(20));
        let comment = buf
            .get(Self::HEADER_LEN..Self::HEADER_LEN + clen)
            .ok_or_else(|| bad("comment beyond the end of the file"))?;
        Ok(Self {
            disk_number: f16(4),
            cd_disk: f16(6),
            entries_on_disk: f16(8),
            entries_total: f16(10),
            cd_size: f32(12),
            cd_offset: f32(16),
            comment: comment.to_vec(),
        })
    }

    /// Encoded length of the record.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        Self::HEADER_LEN + self.comment.len()
    }

    /// Appends the record's bytes to `out`.
    ///
    /// # Errors
    /// [`Error::Unsupported`] when the comment is longer than 65535 bytes.
    pub fn write_to(&self, out: &mut Vec<u8>) -> Result<()> {
        let c = len16("archive comment", self.comment.len())?;
        put32(out, EOCD_SIGNATURE);
        put16(out, self.disk_number);
        put16(out, self.cd_disk);
        put16(out, self.entries_on_disk);
        put16(out, self.entries_total);
        put32(out, self.cd_size);
        put32(out, self.cd_offset);
        put16(out, c);
        out.extend_from_slice(&self.comment);
        Ok(())
    }

    /// The record's bytes.
    ///
    /// # Errors
    /// As [`Eocd::write_to`].
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut v = Vec::with_capacity(self.encoded_len());
        self.write_to(&mut v)?;
        Ok(v)
    }

    /// This record with the Central Directory moved to `offset` (what the
    /// APK signing block splice needs: the v2 digest covers the EOCD with the
    /// offset of the signing block in place of the Central Directory's).
    ///
    /// # Errors
    /// [`Error::Unsupported`] when `offset` needs ZIP64.
    pub fn with_cd_offset(&self, offset: u64) -> Result<Self> {
        let cd_offset = u32::try_from(offset)
            .map_err(|_| Error::Unsupported("central directory offset needs ZIP64".into()))?;
        Ok(Self { cd_offset, ..self.clone() })
    }
}

/// The ZIP64 End of Central Directory record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Zip64Eocd {
    /// Version made by.
    pub version_made_by: u16,
    /// Version needed to extract.
    pub version_needed: u16,
    /// Number of this disk.
    pub disk_number: u32,
    /// Disk where the Central Directory starts.
    pub cd_disk: u32,
    /// Central Directory records on this disk.
    pub entries_on_disk: u64,
    /// Total Central Directory records.
    pub entries_total: u64,
    /// Size of the Central Directory.
    pub cd_size: u64,
    /// Offset of the Central Directory.
    pub cd_offset: u64,
    /// The extensible data sector after the fixed fields.
    pub extensible_data: Vec<u8>,
}

impl Zip64Eocd {
    /// Length of the fixed part.
    pub const HEADER_LEN: usize = 56;

    /// Length of the record whose fixed part is at the start of `buf`, or
    /// `None` if the signature is wrong.
    #[must_use]
    pub fn record_len(buf: &[u8]) -> Option<u64> {
        (u32_at(buf, 0)? == ZIP64_EOCD_SIGNATURE).then(|| u64_at(buf, 4)).flatten()?.checked_add(12)
    }

    /// Parses a complete record at the start of `buf`.
    ///
    /// # Errors
    /// [`Error::Malformed`] when the signature or size is wrong.
    pub fn parse(buf: &[u8], offset: u64) -> Result<Self> {
        let bad = |d: &str| Error::malformed("ZIP64 end of central directory record", offset, d);
        let h = buf.get(..Self::HEADER_LEN).ok_or_else(|| bad("truncated"))?;
        if u32_at(h, 0) != Some(ZIP64_EOCD_SIGNATURE) {
            return Err(bad("bad signature"));
        }
        let len = Self::record_len(h).ok_or_else(|| bad("bad size"))?;
        if len < Self::HEADER_LEN as u64 || len != buf.len() as u64 {
            return Err(bad("bad size"));
        }
        let f16 = |at| u16_at(h, at).unwrap_or_default();
        let f32 = |at| u32_at(h, at).unwrap_or_default();
        let f64 = |at| u64_at(h, at).unwrap_or_default();
        Ok(Self {
            version_made_by: f16(12),
            version_needed: f16(14),
            disk_number: f32(16),
            cd_disk: f32(20),
            entries_on_disk: f64(24),
            entries_total: f64(32),
            cd_size: f64(40),
            cd_offset: f64(48),
            extensible_data: buf[Self::HEADER_LEN..].to_vec(),
        })
    }

    /// Appends the record's bytes to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        put32(out, ZIP64_EOCD_SIGNATURE);
        put64(out, (Self::HEADER_LEN - 12 + self.extensible_data.len()) as u64);
        put16(out, self.version_made_by);
        put16(out, self.version_needed);
        put32(out, self.disk_number);
        put32(out, self.cd_disk);
        put64(out, self.entries_on_disk);
        put64(out, self.entries_total);
        put64(out, self.cd_size);
        put64(out, self.cd_offset);
        out.extend_from_slice(&self.extensible_data);
    }
}

/// The ZIP64 End of Central Directory locator, just before the EOCD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Zip64Locator {
    /// Disk with the ZIP64 end record.
    pub eocd_disk: u32,
    /// Offset of the ZIP64 end record.
    pub eocd_offset: u64,
    /// Total number of disks.
    pub total_disks: u32,
}

impl Zip64Locator {
    /// Length of the locator.
    pub const LEN: usize = 20;

    /// Parses a locator, or `None` if `buf` does not hold one.
    #[must_use]
    pub fn parse(buf: &[u8]) -> Option<Self> {
        if u32_at(buf, 0)? != ZIP64_LOCATOR_SIGNATURE {
            return None;
        }
        Some(Self {
            eocd_disk: u32_at(buf, 4)?,
            eocd_offset: u64_at(buf, 8)?,
            total_disks: u32_at(buf, 16)?,
        })
    }

    /// Appends the locator's bytes to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        put32(out, ZIP64_LOCATOR_SIGNATURE);
        put32(out, self.eocd_disk);
        put64(out, self.eocd_offset);
        put32(out, self.total_disks);
    }
}

/// One field of an extra field block: `{u16 id, u16 size, data}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtraField<'a> {
    /// Header ID.
    pub id: u16,
    /// Payload.
    pub data: &'a [u8],
}

/// The well-formed fields of an extra block, in order; iteration stops at the
/// first field whose declared size runs past the block (what apksig does).
#[must_use]
pub fn extra_fields(extra: &[u8]) -> ExtraFields<'_> {
    ExtraFields { rest: extra }
}

/// Iterator returned by [`extra_fields`].
#[derive(Debug, Clone)]
pub struct ExtraFields<'a> {
    rest: &'a [u8],
}

impl<'a> ExtraFields<'a> {
    /// The bytes not yet iterated (after the loop ends: a malformed tail).
    #[must_use]
    pub fn remainder(&self) -> &'a [u8] {
        self.rest
    }
}

impl<'a> Iterator for ExtraFields<'a> {
    type Item = ExtraField<'a>;

    fn next(&mut self) -> Option<ExtraField<'a>> {
        let id = u16_at(self.rest, 0)?;
        let size = usize::from(u16_at(self.rest, 2)?);
        let data = self.rest.get(4..4 + size)?;
        self.rest = &self.rest[4 + size..];
        Some(ExtraField { id, data })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn central_record_round_trip() {
        let rec = CentralDirectoryRecord {
            version_made_by: 0x031e,
            version_needed: 20,
            flags: FLAG_UTF8 | FLAG_DATA_DESCRIPTOR,
            method: 8,
            last_mod_time: 0x1234,
            last_mod_date: 0x5678,
            crc32: 0xdead_beef,
            compressed_size: 10,
            uncompressed_size: 20,
            disk_number_start: 0,
            internal_attributes: 1,
            external_attributes: 0o100644 << 16,
            local_header_offset: 99,
            name: b"a/b.txt".to_vec(),
            extra: vec![0x55, 0x54, 1, 0, 7],
            comment: b"hi".to_vec(),
        };
        let mut v = Vec::new();
        rec.write_to(&mut v).unwrap();
        assert_eq!(v.len(), rec.encoded_len());
        let (back, len) = CentralDirectoryRecord::parse(&v, 0).unwrap();
        assert_eq!((back, len), (rec, v.len()));
        assert!(CentralDirectoryRecord::parse(&v[..v.len() - 1], 0).is_err());
    }

    #[test]
    fn zip64_fields_resolve_in_order() {
        let mut extra = vec![0x01, 0x00, 16, 0];
        extra.extend_from_slice(&5_000_000_000u64.to_le_bytes());
        extra.extend_from_slice(&77u64.to_le_bytes());
        let rec = CentralDirectoryRecord {
            uncompressed_size: ZIP64_MAGIC_32,
            compressed_size: 12,
            local_header_offset: ZIP64_MAGIC_32,
            extra,
            ..Default::default()
        };
        assert_eq!(rec.zip64_resolved().unwrap(), (12, 5_000_000_000, 77));
        let short = CentralDirectoryRecord { extra: vec![1, 0, 4, 0, 0, 0, 0, 0], ..rec };
        assert!(short.zip64_resolved().is_err());
    }

    #[test]
    fn extra_iteration_stops_at_malformed_tail() {
        let extra = [0xfe, 0xca, 0, 0, 0x35, 0xd9, 4, 0, 4, 0, 0, 0, 9, 9, 50, 0];
        let fields: Vec<_> = extra_fields(&extra).collect();
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[1].id, EXTRA_APK_ALIGNMENT);
        assert_eq!(fields[1].data, &[4, 0, 0, 0]);
    }

    #[test]
    fn data_descriptor_forms() {
        let dd = DataDescriptor {
            signature: true,
            zip64: false,
            crc32: 1,
            compressed_size: 2,
            uncompressed_size: 3,
        };
        let mut v = Vec::new();
        dd.write_to(&mut v).unwrap();
        assert_eq!(v.len(), 16);
        assert_eq!(DataDescriptor::parse(&v, false), Some(dd));
        assert_eq!(DataDescriptor::parse(&v[4..], false).map(|d| d.signature), Some(false));
    }
}
