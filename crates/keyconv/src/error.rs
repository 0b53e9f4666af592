//! Error types.

/// Result type of this crate.
pub type Result<T> = core::result::Result<T, Error>;

/// What went wrong while reading keys and certificates or converting them.
///
/// The variants separate what a user must tell apart: a password problem
/// ([`Error::PasswordRequired`], [`Error::WrongKeyPassword`], a keystore
/// password error inside [`Error::Keystore`]), a key that does not belong to
/// its certificate ([`Error::KeyMismatch`], [`Error::Chain`]), damaged input
/// ([`Error::Malformed`], [`Error::NoPrivateKey`], [`Error::NoCertificate`]),
/// something signkit does not handle ([`Error::Unsupported`]), and keystore
/// alias problems. Messages never contain passwords or key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Input that does not parse as what it claims to be.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// What was being read ("private key", "certificate", ...).
        what: &'static str,
        /// What was wrong (never secret data).
        detail: String,
    },
    /// A key form, encryption scheme or algorithm signkit does not handle.
    #[error("unsupported {0}")]
    Unsupported(String),
    /// The private key is encrypted and no password was given.
    #[error("the private key is encrypted ({0}); a password is needed")]
    PasswordRequired(String),
    /// The password does not decrypt the private key.
    #[error("cannot decrypt the private key: wrong password")]
    WrongKeyPassword,
    /// The input holds no private key.
    #[error("no private key found in the input")]
    NoPrivateKey,
    /// The input holds more than one private key.
    #[error("more than one private key in the input ({0} found)")]
    SeveralPrivateKeys(usize),
    /// No certificate in the input.
    #[error("no certificate found in the input")]
    NoCertificate,
    /// No certificate holds the private key's public key.
    #[error("the private key does not match the certificate{}", describe_subjects(.0))]
    KeyMismatch(Vec<String>),
    /// The certificates do not form one chain from the key's certificate.
    #[error("invalid certificate chain: {0}")]
    Chain(String),
    /// An openssl `-subj` string that cannot be used.
    #[error("invalid subject: {0}")]
    Subject(String),
    /// The alias is not in the keystore.
    #[error("Alias <{0}> does not exist")]
    AliasNotFound(String),
    /// The alias holds a trusted certificate or a secret key.
    #[error("Alias <{alias}> is a {kind}, not a private key entry")]
    NotPrivateKeyEntry {
        /// The alias.
        alias: String,
        /// keytool's entry type name.
        kind: &'static str,
    },
    /// The key entry has no certificate to export.
    #[error("Alias <{0}> has no certificate chain")]
    NoChain(String),
    /// The alias already exists and replacing was not asked for.
    #[error("Alias <{0}> already exists")]
    AliasExists(String),
    /// A store about to be written does not give the entry back unchanged
    /// (a bug; nothing is written).
    #[error("self-check failed: {0}")]
    SelfCheck(String),
    /// A keystore error (wrong store or key password, damaged store, ...).
    #[error(transparent)]
    Keystore(#[from] signkit_keystore::Error),
    /// A key or certificate error from signkit-crypto.
    #[error(transparent)]
    Crypto(#[from] signkit_crypto::Error),
}

fn describe_subjects(subjects: &[String]) -> String {
    match subjects {
        [] => String::new(),
        [one] => format!(" ({one})"),
        many => format!("s ({})", many.join("; ")),
    }
}

impl Error {
    pub(crate) fn malformed(what: &'static str, detail: impl core::fmt::Display) -> Self {
        Self::Malformed { what, detail: detail.to_string() }
    }

    /// `true` for a wrong or missing password (of the key or of the store).
    #[must_use]
    pub fn is_password_error(&self) -> bool {
        match self {
            Self::PasswordRequired(_) | Self::WrongKeyPassword => true,
            Self::Keystore(e) => {
                e.is_store_password_error()
                    || matches!(e, signkit_keystore::Error::UnrecoverableKey(_))
            }
            _ => false,
        }
    }
}
