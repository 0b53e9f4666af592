//! Error types.

use std::fmt;

/// Result type of this crate.
pub type Result<T> = core::result::Result<T, Error>;

/// An entry name as it appears in messages: the raw bytes, lossily decoded.
///
/// Names come from untrusted archives, so they are kept as bytes and only
/// rendered (with invalid UTF-8 replaced) when an error is displayed.
#[derive(Clone, PartialEq, Eq)]
pub struct EntryName(pub Vec<u8>);

impl fmt::Display for EntryName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
    }
}

impl fmt::Debug for EntryName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(&self.0))
    }
}

impl From<&[u8]> for EntryName {
    fn from(b: &[u8]) -> Self {
        Self(b.to_vec())
    }
}

/// What went wrong reading or writing a ZIP archive.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No End of Central Directory record: the input is not a ZIP archive.
    #[error("not a ZIP archive: End of Central Directory record not found")]
    NotZip,
    /// A read past the end of the data source.
    #[error("truncated: {what} at offset {offset} needs {len} bytes, the input has {size}")]
    Truncated {
        /// What was being read.
        what: &'static str,
        /// Where the read started.
        offset: u64,
        /// How many bytes it needed.
        len: u64,
        /// The size of the input.
        size: u64,
    },
    /// The Central Directory does not lie between the entries and the End of
    /// Central Directory record.
    #[error(
        "central directory out of range: offset {offset}, size {size}, end record at {eocd_offset}"
    )]
    CentralDirectoryOutOfRange {
        /// Start of the Central Directory, from the end record.
        offset: u64,
        /// Size of the Central Directory, from the end record.
        size: u64,
        /// Where the (ZIP64) end record starts.
        eocd_offset: u64,
    },
    /// A malformed record or field (signature, length, ZIP64 data).
    #[error("malformed {what} at offset {offset}: {detail}")]
    Malformed {
        /// Which record ("central directory record #3", "ZIP64 end record", ...).
        what: String,
        /// Where the record starts.
        offset: u64,
        /// What is wrong with it.
        detail: String,
    },
    /// More entries, or a bigger Central Directory, than the configured caps.
    #[error("too large: {what} is {value}, the limit is {limit}")]
    LimitExceeded {
        /// What exceeded its cap.
        what: &'static str,
        /// The value found in the archive.
        value: u64,
        /// The cap.
        limit: u64,
    },
    /// Two entries with the same name.
    #[error("duplicate entry: {0}")]
    DuplicateEntry(EntryName),
    /// The local file header disagrees with the Central Directory.
    #[error(
        "local header of {name} does not match the central directory: {field} is {local} locally, {central} centrally"
    )]
    HeaderMismatch {
        /// The entry.
        name: EntryName,
        /// The field that differs.
        field: &'static str,
        /// Its value in the local file header.
        local: u64,
        /// Its value in the Central Directory.
        central: u64,
    },
    /// The name in the local file header is not the name in the Central Directory.
    #[error("local header name {local} does not match central directory name {central}")]
    NameMismatch {
        /// The name in the Central Directory.
        central: EntryName,
        /// The name in the local file header.
        local: EntryName,
    },
    /// Two entries' local records share bytes.
    #[error("entries overlap: {first} and {second}")]
    OverlappingEntries {
        /// The entry that starts first.
        first: EntryName,
        /// The entry that starts inside it.
        second: EntryName,
    },
    /// An entry's local record extends into the Central Directory.
    #[error("data of {name} ends at {end}, beyond the central directory start {cd_offset}")]
    EntryBeyondCentralDirectory {
        /// The entry.
        name: EntryName,
        /// Where its record (header, data or data descriptor) ends.
        end: u64,
        /// Where the Central Directory starts.
        cd_offset: u64,
    },
    /// A compression method other than STORED (0) and DEFLATED (8).
    #[error("unsupported compression method {method} for {name}")]
    UnsupportedCompression {
        /// The entry.
        name: EntryName,
        /// The method found.
        method: u16,
    },
    /// An entry with the encryption flag set.
    #[error("encrypted entry: {0}")]
    Encrypted(EntryName),
    /// Entry data that does not inflate.
    #[error("corrupt data in {name}: {detail}")]
    CorruptData {
        /// The entry.
        name: EntryName,
        /// What the inflater reported.
        detail: String,
    },
    /// Entry data whose size is not the declared size.
    #[error("size of {name} is {actual}, the archive declares {expected}")]
    SizeMismatch {
        /// The entry.
        name: EntryName,
        /// The declared uncompressed size.
        expected: u64,
        /// The size found (or the size at which reading stopped).
        actual: u64,
    },
    /// Entry data whose CRC-32 is not the declared one.
    #[error("CRC-32 of {name} is {actual:#010x}, the archive declares {expected:#010x}")]
    CrcMismatch {
        /// The entry.
        name: EntryName,
        /// The declared CRC-32.
        expected: u32,
        /// The CRC-32 of the data.
        actual: u32,
    },
    /// What `java.util.zip.ZipOutputStream` would throw as a `ZipException`
    /// (or `IllegalArgumentException`), with the JDK's message text.
    #[error("{0}")]
    Java(String),
    /// A layout this crate does not write (for example a record that needs
    /// ZIP64 fields in the exact-layout writer).
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// An I/O error from a data source or an output stream.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl Error {
    pub(crate) fn malformed(
        what: impl Into<String>,
        offset: u64,
        detail: impl Into<String>,
    ) -> Self {
        Self::Malformed { what: what.into(), offset, detail: detail.into() }
    }
}
