//! Error types.

/// Result type of this crate.
pub type Result<T> = core::result::Result<T, Error>;

/// What went wrong with a key, certificate or signature.
///
/// Messages never contain secret material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// DER or PEM that does not parse.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// What was being parsed ("certificate", "PKCS#8 private key", ...).
        what: &'static str,
        /// Parser detail (no secret data).
        detail: String,
    },
    /// A key algorithm or parameter set that signkit does not handle.
    #[error("unsupported key algorithm: {0}")]
    UnsupportedKey(String),
    /// A signature or digest algorithm that signkit does not handle, or that
    /// does not fit the key.
    #[error("unsupported algorithm: {0}")]
    UnsupportedAlgorithm(String),
    /// A key size outside the range the algorithm allows.
    #[error("invalid key size: {0}")]
    InvalidKeySize(String),
    /// Signing failed inside the signature implementation.
    #[error("signing failed: {0}")]
    Signing(String),
    /// A signature did not verify.
    #[error("signature does not verify")]
    BadSignature,
}

impl Error {
    pub(crate) fn malformed(what: &'static str, detail: impl core::fmt::Display) -> Self {
        Self::Malformed { what, detail: detail.to_string() }
    }
}
