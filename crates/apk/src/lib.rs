//! APK and OTA signing byte-identical to AOSP signapk (Android 10.0.0_r36
//! with apksig 31.0.2, as Debian ships it).
//!
//! This crate does no I/O of its own: the input is a
//! [`signkit_zip::DataSource`] (a file the caller opened, read with
//! positional reads, never loaded whole) and the output any
//! [`std::io::Write`]. It never prints, never reads the clock (signapk's
//! timestamps are fixed) and takes no randomness (RSA PKCS#1 v1.5 is
//! deterministic; DSA and ECDSA use RFC 6979 nonces).
//!
//! - [`sign_apk`]: `signapk [-a N] [--min-sdk-version N] [--disable-v2] cert key ... in out`.
//! - [`sign_whole_file`]: `signapk -w cert key in out` (OTA packages).
//! - [`axml`]: the binary `AndroidManifest.xml` reader and the minimum SDK version.
//! - [`v1`]: apksig's JAR signature (`MANIFEST.MF`, `.SF`, PKCS#7 block).
//! - [`signing_block`], [`digest`]: the APK Signing Block with v2 and v3.
//! - [`hints`]: pinning hints (`pinlist.meta`).
//!
//! DEFLATED entries are recompressed on worker threads, which can park
//! finished entries in caller-provided scratch files ([`Resources`]); the
//! output is the same for any number of threads.
//!
//! Nothing here panics on any input: every length, offset and count read
//! from an archive, a manifest or a signing block is checked before use.

mod archive;
pub mod axml;
pub mod digest;
mod error;
pub mod hints;
mod oid;
pub mod ota;
pub mod signapk;
pub mod signing_block;
pub mod v1;

pub use crate::error::{Error, Result};
pub use crate::ota::sign_whole_file;
pub use crate::signapk::{Resources, Scratch, SignApkOptions, SignApkSummary, SignerKey, sign_apk};
