//! Random-access byte sources (apksig's `DataSource`), so archives larger than
//! memory are read in bounded pieces.
//!
//! A source has a size and serves exact reads of any range inside it; ranges
//! outside it are errors, never short reads. Sinks are plain
//! [`std::io::Write`]rs: a `Vec<u8>`, a file, a hasher adapter.

use std::fs::File;
use std::io::{self, Write};

use crate::error::{Error, Result};

/// Size of the pieces in which [`DataSource::feed`] copies data by default.
pub const FEED_CHUNK: usize = 64 * 1024;

/// Random access to a sequence of bytes.
pub trait DataSource {
    /// Number of bytes in the source.
    fn size(&self) -> u64;

    /// Fills `buf` with the bytes at `offset..offset + buf.len()`.
    ///
    /// # Errors
    /// [`Error::Truncated`] when the range is not inside the source; an I/O
    /// error from the underlying file.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()>;

    /// Writes the bytes at `offset..offset + len` into `sink`, in pieces of at
    /// most [`FEED_CHUNK`] bytes.
    ///
    /// # Errors
    /// As [`DataSource::read_at`]; an I/O error from the sink.
    fn feed(&self, offset: u64, len: u64, sink: &mut dyn Write) -> Result<()> {
        check_range(self.size(), offset, len, "data")?;
        let mut buf = vec![0u8; usize::try_from(len).unwrap_or(FEED_CHUNK).min(FEED_CHUNK)];
        let mut done = 0u64;
        while done < len {
            let n = usize::try_from(len - done).unwrap_or(FEED_CHUNK).min(FEED_CHUNK);
            let piece = &mut buf[..n];
            self.read_at(offset + done, piece)?;
            sink.write_all(piece)?;
            done += n as u64;
        }
        Ok(())
    }
}

/// Reads `len` bytes at `offset` into a new vector.
///
/// Callers bound `len` before calling (it is allocated up front).
///
/// # Errors
/// As [`DataSource::read_at`].
pub fn read_vec<S: DataSource + ?Sized>(src: &S, offset: u64, len: usize) -> Result<Vec<u8>> {
    check_range(src.size(), offset, len as u64, "data")?;
    let mut v = vec![0u8; len];
    src.read_at(offset, &mut v)?;
    Ok(v)
}

/// Checks that `offset..offset + len` lies inside a source of `size` bytes.
pub(crate) fn check_range(size: u64, offset: u64, len: u64, what: &'static str) -> Result<()> {
    match offset.checked_add(len) {
        Some(end) if end <= size => Ok(()),
        _ => Err(Error::Truncated { what, offset, len, size }),
    }
}

impl DataSource for [u8] {
    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        let range = slice_range(self.len(), offset, buf.len())?;
        buf.copy_from_slice(&self[range]);
        Ok(())
    }

    fn feed(&self, offset: u64, len: u64, sink: &mut dyn Write) -> Result<()> {
        let n = usize::try_from(len).map_err(|_| Error::Truncated {
            what: "data",
            offset,
            len,
            size: self.len() as u64,
        })?;
        let range = slice_range(self.len(), offset, n)?;
        sink.write_all(&self[range])?;
        Ok(())
    }
}

fn slice_range(size: usize, offset: u64, len: usize) -> Result<std::ops::Range<usize>> {
    let err = || Error::Truncated { what: "data", offset, len: len as u64, size: size as u64 };
    let start = usize::try_from(offset).map_err(|_| err())?;
    let end = start.checked_add(len).ok_or_else(err)?;
    if end > size {
        return Err(err());
    }
    Ok(start..end)
}

impl DataSource for Vec<u8> {
    fn size(&self) -> u64 {
        self.as_slice().size()
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        self.as_slice().read_at(offset, buf)
    }

    fn feed(&self, offset: u64, len: u64, sink: &mut dyn Write) -> Result<()> {
        self.as_slice().feed(offset, len, sink)
    }
}

impl<T: DataSource + ?Sized> DataSource for &T {
    fn size(&self) -> u64 {
        (**self).size()
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        (**self).read_at(offset, buf)
    }

    fn feed(&self, offset: u64, len: u64, sink: &mut dyn Write) -> Result<()> {
        (**self).feed(offset, len, sink)
    }
}

/// A file read with positional reads on a handle the caller opened.
///
/// The size is taken once, when the source is made: the file must not change
/// while it is read.
#[derive(Debug)]
pub struct FileSource<'a> {
    file: &'a File,
    size: u64,
}

impl<'a> FileSource<'a> {
    /// Wraps an open file.
    ///
    /// # Errors
    /// The file's metadata cannot be read.
    pub fn new(file: &'a File) -> Result<Self> {
        let size = file.metadata()?.len();
        Ok(Self { file, size })
    }
}

impl DataSource for FileSource<'_> {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        check_range(self.size, offset, buf.len() as u64, "data")?;
        read_exact_at(self.file, buf, offset).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                Error::Truncated { what: "data", offset, len: buf.len() as u64, size: self.size }
            } else {
                Error::Io(e)
            }
        })
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt as _;
    file.read_exact_at(buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt as _;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A window `offset..offset + len` of another source.
#[derive(Debug, Clone, Copy)]
pub struct Slice<S> {
    inner: S,
    offset: u64,
    len: u64,
}

impl<S: DataSource> Slice<S> {
    /// The window `offset..offset + len` of `inner`.
    ///
    /// # Errors
    /// [`Error::Truncated`] when the window is not inside `inner`.
    pub fn new(inner: S, offset: u64, len: u64) -> Result<Self> {
        check_range(inner.size(), offset, len, "slice")?;
        Ok(Self { inner, offset, len })
    }
}

impl<S: DataSource> DataSource for Slice<S> {
    fn size(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        check_range(self.len, offset, buf.len() as u64, "data")?;
        self.inner.read_at(self.offset + offset, buf)
    }

    fn feed(&self, offset: u64, len: u64, sink: &mut dyn Write) -> Result<()> {
        check_range(self.len, offset, len, "data")?;
        self.inner.feed(self.offset + offset, len, sink)
    }
}

/// Several sources read as one, in order (apksig's `ChainedDataSource`): the
/// v2/v3 content digest covers the entries, the Central Directory and a
/// modified End of Central Directory record as one sequence.
pub struct Chain<'a> {
    parts: Vec<&'a dyn DataSource>,
    size: u64,
}

impl std::fmt::Debug for Chain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chain").field("parts", &self.parts.len()).field("size", &self.size).finish()
    }
}

impl<'a> Chain<'a> {
    /// The concatenation of `parts`.
    ///
    /// # Errors
    /// The total size overflows `u64`.
    pub fn new(parts: Vec<&'a dyn DataSource>) -> Result<Self> {
        let mut size = 0u64;
        for p in &parts {
            size = size
                .checked_add(p.size())
                .ok_or_else(|| Error::Unsupported("chained source too large".into()))?;
        }
        Ok(Self { parts, size })
    }

    /// Calls `f(part, offset_in_part, len)` for each part that overlaps the range.
    fn each<F>(&self, offset: u64, len: u64, mut f: F) -> Result<()>
    where
        F: FnMut(&dyn DataSource, u64, u64, u64) -> Result<()>,
    {
        check_range(self.size, offset, len, "data")?;
        let mut pos = offset;
        let end = offset + len;
        let mut start_of_part = 0u64;
        for part in &self.parts {
            let part_end = start_of_part + part.size();
            if pos < part_end && pos < end {
                let in_part = pos - start_of_part;
                let n = (part_end - pos).min(end - pos);
                f(*part, in_part, n, pos - offset)?;
                pos += n;
            }
            start_of_part = part_end;
        }
        Ok(())
    }
}

impl DataSource for Chain<'_> {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        self.each(offset, buf.len() as u64, |part, at, n, done| {
            // The chain's range is inside the buffer, so these fit in usize.
            let from = usize::try_from(done).unwrap_or(usize::MAX);
            let to = usize::try_from(done + n).unwrap_or(usize::MAX);
            part.read_at(at, &mut buf[from..to])
        })
    }

    fn feed(&self, offset: u64, len: u64, sink: &mut dyn Write) -> Result<()> {
        self.each(offset, len, |part, at, n, _| part.feed(at, n, sink))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_and_chains() {
        let a: Vec<u8> = (0u8..100).collect();
        let b: &[u8] = b"hello";
        let s = Slice::new(&a, 10, 20).unwrap();
        assert_eq!(read_vec(&s, 0, 3).unwrap(), [10, 11, 12]);
        assert!(s.read_at(18, &mut [0; 3]).is_err());
        assert!(Slice::new(&a, 90, 11).is_err());
        let c = Chain::new(vec![&s, &b]).unwrap();
        assert_eq!(c.size(), 25);
        assert_eq!(read_vec(&c, 18, 4).unwrap(), [28, 29, b'h', b'e']);
        let mut out = Vec::new();
        c.feed(0, 25, &mut out).unwrap();
        assert_eq!(&out[20..], b"hello");
        assert!(c.feed(20, 6, &mut out).is_err());
        assert!(a.read_at(u64::MAX, &mut [0; 1]).is_err());
    }

    #[test]
    fn file_source() {
        let path = std::env::temp_dir().join(format!("signkit-zip-src-{}", std::process::id()));
        std::fs::write(&path, (0u8..=255).collect::<Vec<_>>()).unwrap();
        let f = File::open(&path).unwrap();
        let s = FileSource::new(&f).unwrap();
        assert_eq!(s.size(), 256);
        assert_eq!(read_vec(&s, 250, 6).unwrap(), [250, 251, 252, 253, 254, 255]);
        assert!(matches!(s.read_at(251, &mut [0; 6]), Err(Error::Truncated { .. })));
        let mut out = Vec::new();
        s.feed(1, 255, &mut out).unwrap();
        assert_eq!(out.len(), 255);
        std::fs::remove_file(&path).unwrap();
    }
}
