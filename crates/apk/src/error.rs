//! Error types.

use crate::axml::MinSdkVersionError;

/// Result type of this crate.
pub type Result<T> = core::result::Result<T, Error>;

/// What went wrong signing an APK or an OTA package.
///
/// The CLI turns these into signapk's messages; the texts here say what
/// happened without secret material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input archive is not a ZIP signkit can read, or writing failed.
    #[error(transparent)]
    Zip(#[from] signkit_zip::Error),
    /// A key, certificate or signature operation failed.
    #[error(transparent)]
    Crypto(#[from] signkit_crypto::Error),
    /// An I/O error on the output.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The minimum SDK version could not be determined.
    #[error("{0}")]
    MinSdkVersion(MinSdkVersionError),
    /// The input's `META-INF/MANIFEST.MF` cannot be used (apksig:
    /// "Malformed source META-INF/MANIFEST.MF"), or an entry name cannot be
    /// written into a manifest.
    #[error("{0}")]
    Manifest(String),
    /// A key apksig refuses for the requested scheme or SDK versions.
    #[error("{0}")]
    InvalidKey(String),
    /// Signing with a signer failed (the key does not match its certificate,
    /// or the algorithm does not fit the key).
    #[error("Failed to sign using signer \"{signer}\": {detail}")]
    Signing {
        /// The signer's name (`CERT`, `CERT1`, ...).
        signer: String,
        /// What failed.
        detail: String,
    },
    /// An input the signer cannot process (duplicate entries, sizes the
    /// format cannot hold, options out of range).
    #[error("{0}")]
    Format(String),
    /// A feature signapk has that signkit does not implement.
    #[error("{0}")]
    Unsupported(String),
    /// Whole-file (OTA) signing failed for one of signapk's reasons
    /// (`zip data already has an archive comment`, `signature is too big for
    /// ZIP file comment`, `found spurious EOCD header at N`, an unsupported
    /// certificate algorithm).
    #[error("{0}")]
    Ota(String),
    /// The pinning hints asset (`assets/com.android.hints.pins.txt`) cannot
    /// be used: a line that is neither one nor three fields (`bad pin
    /// pattern line ...`) or a number that does not parse (`For input
    /// string: "..."`).
    #[error("{0}")]
    PinHints(String),
    /// A malformed APK Signing Block.
    #[error("malformed APK Signing Block: {0}")]
    SigningBlock(String),
}

impl Error {
    pub(crate) fn signing(signer: &str, detail: impl core::fmt::Display) -> Self {
        Self::Signing { signer: signer.to_owned(), detail: detail.to_string() }
    }
}

impl From<MinSdkVersionError> for Error {
    fn from(e: MinSdkVersionError) -> Self {
        Self::MinSdkVersion(e)
    }
}
