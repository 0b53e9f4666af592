//! The ZIP model for signing: archive sections, records kept field for field,
//! raw copies of entry data, exact-layout and JDK-compatible writing, and
//! alignment.
//!
//! This crate does no I/O of its own: it reads through a [`DataSource`]
//! (bytes, or a [`FileSource`] over a file the caller opened, read with
//! positional reads, so inputs larger than memory are never loaded whole) and
//! writes into any [`std::io::Write`]. It never prints and never reads the
//! clock or the time zone (they are parameters of the [`java`] writer).
//!
//! - [`ZipArchive::parse`] reads an archive under [`ReadOptions`]: `strict`
//!   (every check), `android` (apksig's rules, for APK verification) or
//!   `jdk` (`java.util.zip.ZipFile`'s); [`ZipSections`] locates the entries,
//!   the Central Directory and the end records, between which the APK
//!   Signing Block is spliced.
//! - [`Entry::read_to`] inflates (zlib-rs) or copies content with the size
//!   and CRC-32 checked and output bounded by the declared size;
//!   [`Entry::copy_raw`] and [`ZipWriter::copy_entry`] move compressed bytes
//!   without recompressing.
//! - [`ZipWriter`] writes any layout the caller describes;
//!   [`java::JavaZipWriter`] reproduces `ZipOutputStream`/`JarOutputStream`
//!   byte for byte (deflate on madler zlib, as the JDK).
//! - [`align`] has zipalign's and apksig's alignment rules; [`zipalign`]
//!   reproduces Debian's zipalign tool.
//!
//! Nothing here panics on any input: every length and offset read from an
//! archive is checked before use, and counts and sizes are capped before
//! anything is allocated for them.

pub mod align;
mod error;
mod inflate;
pub mod java;
mod read;
pub mod records;
mod source;
mod write;
pub mod zipalign;

pub use crate::error::{EntryName, Error, Result};
pub use crate::inflate::ContentInfo;
pub use crate::read::{
    Compression, Entry, MethodRule, ReadOptions, Zip64Sections, ZipArchive, ZipSections, find_eocd,
    find_sections,
};
pub use crate::records::{CentralDirectoryRecord, DataDescriptor, Eocd, LocalFileHeader};
pub use crate::source::{Chain, DataSource, FEED_CHUNK, FileSource, Slice, read_vec};
pub use crate::write::{ZipWriter, eocd_for};
