//! Error types.

/// Result type of this crate.
pub type Result<T> = core::result::Result<T, Error>;

/// What went wrong while decoding, encoding or unsealing a keystore.
///
/// The variants separate the cases a user must tell apart: a wrong store
/// password ([`Error::TamperedOrWrongPassword`], [`Error::Pkcs12PasswordIncorrect`],
/// [`Error::Pkcs12IntegrityCheckFailed`]), a wrong key password
/// ([`Error::UnrecoverableKey`]), a file that is not a keystore or is damaged
/// ([`Error::InvalidFormat`], [`Error::Truncated`], [`Error::Corrupt`]), and
/// an algorithm or format signkit does not handle
/// ([`Error::UnsupportedAlgorithm`], [`Error::UnsupportedStoreFormat`]).
///
/// `Display` prints the message the JDK puts in its exception, where the JDK
/// has one; [`Error::jdk_exception_class`] names the exception class, so the
/// CLI can print `keytool error: <class>: <message>` exactly as keytool does.
/// Messages never contain passwords or key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// JKS/JCEKS: the keyed SHA-1 digest at the end of the store does not
    /// match: the store password is wrong or the file was modified.
    #[error("Keystore was tampered with, or password was incorrect")]
    TamperedOrWrongPassword,
    /// PKCS12: an encrypted safe (the certificates) does not decrypt with the
    /// store password.
    #[error("keystore password was incorrect")]
    Pkcs12PasswordIncorrect,
    /// PKCS12: the MAC over the store does not match (wrong password or a
    /// modified file), found before any encrypted safe failed.
    #[error(
        "Integrity check failed: java.security.UnrecoverableKeyException: Failed PKCS12 integrity checking"
    )]
    Pkcs12IntegrityCheckFailed,
    /// A private or secret key cannot be recovered: a wrong key password, or a
    /// protected key the format cannot open. The message is the JDK's
    /// (`Cannot recover key` for JKS; `Given final block not properly padded...`
    /// for JCEKS; `Get Key failed: ...` for PKCS12).
    #[error("{0}")]
    UnrecoverableKey(String),
    /// The magic number or version is not that of the expected store type.
    #[error("Invalid keystore format")]
    InvalidFormat,
    /// No store type recognises the content (probing without a type).
    #[error("Unrecognized keystore format. Please load it with a specified type")]
    UnrecognizedFormat,
    /// A keystore format signkit recognises but does not read (BouncyCastle
    /// BKS and UBER).
    #[error(
        "{format} keystores (a BouncyCastle format) are not supported; convert it to PKCS12 with a tool that has BouncyCastle"
    )]
    UnsupportedStoreFormat {
        /// `BKS` or `UBER`.
        format: &'static str,
    },
    /// The data ends in the middle of a structure.
    #[error("unexpected end of keystore data")]
    Truncated,
    /// The data is damaged or not what the format allows. The message says
    /// what was wrong, as the JDK's `IOException` would.
    #[error("{0}")]
    Corrupt(String),
    /// A JCEKS secret-key entry holds a Java object other than the JDK's
    /// sealed key.
    #[error("Invalid secret key format")]
    InvalidSecretKeyFormat,
    /// A JCEKS secret-key entry is not a valid Java serialization stream.
    #[error("{0}")]
    Serialization(String),
    /// A certificate in the store does not parse.
    #[error("{0}")]
    Certificate(String),
    /// An algorithm (key protection, MAC, cipher) that signkit does not
    /// implement.
    #[error("{0} not available")]
    UnsupportedAlgorithm(String),
    /// The store cannot be written as asked (a secret key in a JKS, a key
    /// still protected in another store format, a password the format cannot
    /// use, ...). The message is the JDK's where it has one.
    #[error("{0}")]
    CannotStore(String),
}

impl Error {
    /// The Java exception class keytool would report for this error.
    #[must_use]
    pub fn jdk_exception_class(&self) -> &'static str {
        match self {
            Self::TamperedOrWrongPassword
            | Self::Pkcs12PasswordIncorrect
            | Self::Pkcs12IntegrityCheckFailed
            | Self::InvalidFormat
            | Self::Corrupt(_)
            | Self::InvalidSecretKeyFormat => "java.io.IOException",
            Self::UnrecoverableKey(_) => "java.security.UnrecoverableKeyException",
            Self::UnrecognizedFormat
            | Self::UnsupportedStoreFormat { .. }
            | Self::CannotStore(_) => "java.security.KeyStoreException",
            Self::Truncated => "java.io.EOFException",
            Self::Serialization(_) => "java.io.StreamCorruptedException",
            Self::Certificate(_) => "java.security.cert.CertificateException",
            Self::UnsupportedAlgorithm(_) => "java.security.NoSuchAlgorithmException",
        }
    }

    /// The exception message keytool prints after the class name, or `None`
    /// where the JDK's exception has no message (`java.io.EOFException`).
    #[must_use]
    pub fn jdk_message(&self) -> Option<String> {
        match self {
            Self::Truncated => None,
            other => Some(other.to_string()),
        }
    }

    /// `true` when the store password is wrong (or the store was modified):
    /// the cases keytool reports as a password problem.
    #[must_use]
    pub fn is_store_password_error(&self) -> bool {
        matches!(
            self,
            Self::TamperedOrWrongPassword
                | Self::Pkcs12PasswordIncorrect
                | Self::Pkcs12IntegrityCheckFailed
        )
    }

    pub(crate) fn corrupt(detail: impl Into<String>) -> Self {
        Self::Corrupt(detail.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jdk_forms() {
        let e = Error::TamperedOrWrongPassword;
        assert_eq!(e.jdk_exception_class(), "java.io.IOException");
        assert_eq!(
            e.jdk_message().as_deref(),
            Some("Keystore was tampered with, or password was incorrect")
        );
        assert!(e.is_store_password_error());
        assert_eq!(Error::Truncated.jdk_message(), None);
        assert_eq!(Error::Truncated.jdk_exception_class(), "java.io.EOFException");
        let bks = Error::UnsupportedStoreFormat { format: "BKS" };
        assert!(bks.to_string().starts_with("BKS keystores"));
        assert!(!bks.is_store_password_error());
    }
}
