//! Writing with an exact, caller-controlled layout: every header field, extra
//! field, padding byte and descriptor is what the caller says, and entry data
//! can be copied raw from another archive without recompression.

use std::io::Write;
use std::ops::Range;

use crate::error::{Error, Result};
use crate::read::{Entry, ZipSections};
use crate::records::{CentralDirectoryRecord, DataDescriptor, Eocd, LocalFileHeader};
use crate::source::DataSource;

/// Writes an archive piece by piece, tracking the output position and
/// collecting the Central Directory records to write at the end.
#[derive(Debug)]
pub struct ZipWriter<W: Write> {
    out: W,
    position: u64,
    central: Vec<CentralDirectoryRecord>,
}

impl<W: Write> ZipWriter<W> {
    /// A writer whose output starts at offset 0.
    #[must_use]
    pub fn new(out: W) -> Self {
        Self::with_position(out, 0)
    }

    /// A writer whose output continues an archive already `position` bytes long.
    #[must_use]
    pub fn with_position(out: W, position: u64) -> Self {
        Self { out, position, central: Vec::new() }
    }

    /// Bytes written so far (plus the starting position).
    #[must_use]
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Writes arbitrary bytes (padding, an APK Signing Block).
    ///
    /// # Errors
    /// I/O errors.
    pub fn write_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.write_all(bytes)?;
        self.position += bytes.len() as u64;
        Ok(())
    }

    /// Copies `range` of `src` to the output.
    ///
    /// # Errors
    /// [`Error::Truncated`] outside the source; I/O errors.
    pub fn copy_from(&mut self, src: &dyn DataSource, range: Range<u64>) -> Result<()> {
        let len = range
            .end
            .checked_sub(range.start)
            .ok_or_else(|| Error::Unsupported("reversed range".into()))?;
        src.feed(range.start, len, &mut self.out)?;
        self.position += len;
        Ok(())
    }

    /// Writes a local file header; returns the offset it was written at.
    ///
    /// # Errors
    /// Fields too long for the format; I/O errors.
    pub fn write_local_header(&mut self, header: &LocalFileHeader) -> Result<u64> {
        let at = self.position;
        let mut buf = Vec::with_capacity(header.encoded_len());
        header.write_to(&mut buf)?;
        self.write_bytes(&buf)?;
        Ok(at)
    }

    /// Writes a data descriptor.
    ///
    /// # Errors
    /// A size that needs ZIP64 without it; I/O errors.
    pub fn write_data_descriptor(&mut self, dd: &DataDescriptor) -> Result<()> {
        let mut buf = Vec::with_capacity(dd.encoded_len());
        dd.write_to(&mut buf)?;
        self.write_bytes(&buf)
    }

    /// Queues a Central Directory record; records are written in the order
    /// added.
    pub fn add_central_record(&mut self, record: CentralDirectoryRecord) {
        self.central.push(record);
    }

    /// The Central Directory records queued so far.
    #[must_use]
    pub fn central_records(&self) -> &[CentralDirectoryRecord] {
        &self.central
    }

    /// Copies an entry from another archive without recompressing it: the
    /// source's local header bytes with `local_extra` (if given) in place of
    /// the local extra field, then the data and data descriptor unchanged
    /// (apksig's `outputRecordWithModifiedExtra`). Queues the entry's Central
    /// Directory record with the new offset and returns the offset.
    ///
    /// # Errors
    /// [`Error::Unsupported`] when the new offset needs ZIP64; I/O errors.
    pub fn copy_entry(
        &mut self,
        src: &dyn DataSource,
        entry: &Entry,
        local_extra: Option<&[u8]>,
    ) -> Result<u64> {
        let at = self.position;
        let mut central = entry.central.clone();
        central.local_header_offset = u32::try_from(at)
            .ok()
            .filter(|&o| o != crate::records::ZIP64_MAGIC_32)
            .ok_or_else(|| Error::Unsupported("local header offset needs ZIP64".into()))?;
        let record = entry.record_range();
        match local_extra {
            None => self.copy_from(src, record)?,
            Some(extra) => {
                let mut header = entry.local.clone();
                header.extra = extra.to_vec();
                self.write_local_header(&header)?;
                self.copy_from(src, entry.data_offset()..record.end)?;
            }
        }
        self.central.push(central);
        Ok(at)
    }

    /// Writes the Central Directory and an End of Central Directory record
    /// with `comment`; returns the output and the sections written.
    ///
    /// # Errors
    /// [`Error::Unsupported`] when the archive needs ZIP64 (more than 65534
    /// entries or offsets past 4 GiB); I/O errors.
    pub fn finish(mut self, comment: &[u8]) -> Result<(W, ZipSections)> {
        let cd_offset = self.position;
        let mut cd = Vec::new();
        for r in &self.central {
            r.write_to(&mut cd)?;
        }
        self.write_bytes(&cd)?;
        let eocd = eocd_for(self.central.len(), cd_offset, cd.len() as u64, comment)?;
        let eocd_offset = self.position;
        self.write_bytes(&eocd.to_bytes()?)?;
        self.out.flush()?;
        let sections = ZipSections {
            cd_offset,
            cd_size: cd.len() as u64,
            cd_records: self.central.len() as u64,
            eocd_offset,
            eocd,
            zip64: None,
        };
        Ok((self.out, sections))
    }
}

/// The End of Central Directory record for a single-disk archive.
///
/// # Errors
/// [`Error::Unsupported`] when a value needs ZIP64.
pub fn eocd_for(count: usize, cd_offset: u64, cd_size: u64, comment: &[u8]) -> Result<Eocd> {
    let zip64 = |what: &str| Error::Unsupported(format!("{what} needs ZIP64"));
    let n =
        u16::try_from(count).ok().filter(|&n| n != u16::MAX).ok_or_else(|| zip64("entry count"))?;
    Ok(Eocd {
        disk_number: 0,
        cd_disk: 0,
        entries_on_disk: n,
        entries_total: n,
        cd_size: u32::try_from(cd_size)
            .ok()
            .filter(|&v| v != u32::MAX)
            .ok_or_else(|| zip64("central directory size"))?,
        cd_offset: u32::try_from(cd_offset)
            .ok()
            .filter(|&v| v != u32::MAX)
            .ok_or_else(|| zip64("central directory offset"))?,
        comment: comment.to_vec(),
    })
}
