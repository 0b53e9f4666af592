//! Streaming content reads: inflate (zlib-rs) and stored copy, with the
//! CRC-32 and size computed on the way and the output capped by the declared
//! size, so a hostile size field never causes an allocation.

use std::io::Write;

use zlib_rs::{Inflate, InflateFlush, Status};

use crate::error::{EntryName, Error, Result};
use crate::source::{DataSource, FEED_CHUNK};

/// What a content read produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentInfo {
    /// Bytes written to the sink.
    pub size: u64,
    /// CRC-32 of those bytes.
    pub crc32: u32,
    /// Compressed bytes the inflater consumed up to the end of the stream
    /// (equal to `size` for stored data).
    pub consumed: u64,
}

/// Inflates the raw deflate stream at `offset..offset + len` of `src` into
/// `sink`. Output beyond `max_out` bytes stops the read with
/// [`Error::SizeMismatch`]; bytes after the end of the stream are ignored
/// (the JDK and Android ignore them too).
///
/// # Errors
/// [`Error::CorruptData`] for an invalid or unfinished stream,
/// [`Error::SizeMismatch`] for too much output, I/O errors from either side.
pub(crate) fn inflate_range(
    src: &dyn DataSource,
    offset: u64,
    len: u64,
    max_out: u64,
    name: &[u8],
    sink: &mut dyn Write,
) -> Result<ContentInfo> {
    let corrupt = |detail: &str| Error::CorruptData {
        name: EntryName::from(name),
        detail: detail.to_owned(),
    };
    let mut inflater = Inflate::new(false, 15);
    let mut input = vec![0u8; usize::try_from(len).unwrap_or(FEED_CHUNK).clamp(1, FEED_CHUNK)];
    let mut output = vec![0u8; FEED_CHUNK];
    let (mut in_start, mut in_end) = (0usize, 0usize);
    let mut read = 0u64;
    let mut crc = crc32fast::Hasher::new();
    loop {
        if in_start == in_end && read < len {
            let n = usize::try_from(len - read).unwrap_or(input.len()).min(input.len());
            src.read_at(offset + read, &mut input[..n])?;
            read += n as u64;
            (in_start, in_end) = (0, n);
        }
        let (before_in, before_out) = (inflater.total_in(), inflater.total_out());
        let status = inflater
            .decompress(&input[in_start..in_end], &mut output, InflateFlush::NoFlush)
            .map_err(|e| corrupt(e.as_str()))?;
        let used = usize::try_from(inflater.total_in() - before_in).unwrap_or(usize::MAX);
        let produced = usize::try_from(inflater.total_out() - before_out).unwrap_or(usize::MAX);
        in_start = in_start.saturating_add(used).min(in_end);
        if produced > 0 {
            let total = inflater.total_out();
            if total > max_out {
                return Err(Error::SizeMismatch {
                    name: EntryName::from(name),
                    expected: max_out,
                    actual: total,
                });
            }
            let piece = &output[..produced.min(output.len())];
            crc.update(piece);
            sink.write_all(piece)?;
        }
        if status == Status::StreamEnd {
            return Ok(ContentInfo {
                size: inflater.total_out(),
                crc32: crc.finalize(),
                consumed: inflater.total_in(),
            });
        }
        if used == 0 && produced == 0 && (in_start < in_end || read == len) {
            return Err(corrupt(if read == len {
                "unexpected end of compressed data"
            } else {
                "inflater made no progress"
            }));
        }
    }
}

/// Copies `offset..offset + len` of `src` into `sink`, computing the CRC-32.
///
/// # Errors
/// I/O errors from either side; [`Error::Truncated`] outside the source.
pub(crate) fn copy_range(
    src: &dyn DataSource,
    offset: u64,
    len: u64,
    sink: &mut dyn Write,
) -> Result<ContentInfo> {
    let mut w = CrcWriter { inner: sink, crc: crc32fast::Hasher::new(), size: 0 };
    src.feed(offset, len, &mut w)?;
    Ok(ContentInfo { size: w.size, crc32: w.crc.finalize(), consumed: len })
}

struct CrcWriter<'a> {
    inner: &'a mut dyn Write,
    crc: crc32fast::Hasher,
    size: u64,
}

impl Write for CrcWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A sink that accepts at most `limit` bytes, so a read into memory is
/// bounded by the caller's limit rather than a size from the archive.
pub(crate) struct LimitedVec {
    pub(crate) data: Vec<u8>,
    pub(crate) limit: u64,
}

impl Write for LimitedVec {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.data.len() as u64 + buf.len() as u64 > self.limit {
            return Err(std::io::Error::new(
                std::io::ErrorKind::OutOfMemory,
                "entry larger than the read limit",
            ));
        }
        self.data.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(6));
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn inflates_streams_with_caps() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let mut z = deflate(&data);
        let clen = z.len() as u64;
        z.extend_from_slice(b"trailing");
        let mut out = Vec::new();
        let info = inflate_range(&z, 0, z.len() as u64, data.len() as u64, b"x", &mut out).unwrap();
        assert_eq!(out, data);
        assert_eq!(info.crc32, crc32fast::hash(&data));
        assert_eq!(info.consumed, clen);
        let err = inflate_range(&z, 0, clen, 1000, b"x", &mut Vec::new()).unwrap_err();
        assert!(matches!(err, Error::SizeMismatch { .. }), "{err}");
        let err = inflate_range(&z, 0, clen - 5, u64::MAX, b"x", &mut Vec::new()).unwrap_err();
        assert!(matches!(err, Error::CorruptData { .. }), "{err}");
        let err =
            inflate_range(&&[0xffu8; 10][..], 0, 10, u64::MAX, b"x", &mut Vec::new()).unwrap_err();
        assert!(matches!(err, Error::CorruptData { .. }), "{err}");
        assert!(inflate_range(&&[0u8; 0][..], 0, 0, 0, b"x", &mut Vec::new()).is_err());
    }
}
