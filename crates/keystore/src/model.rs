//! The keystore model: a typed list of entries with the JDK's alias rules.

use core::fmt;

use const_oid::ObjectIdentifier;
use signkit_crypto::{Certificate, Password};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::order::{JavaHashtable, TableOp};
use crate::pkcs12::LoadedProtection;
use crate::{jceks, jks, pkcs12};

/// The three keystore formats of JDK 17.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoreType {
    /// PKCS#12 (RFC 7292), the JDK's default since 9.
    Pkcs12,
    /// The JDK's original proprietary format (`0xFEEDFEED`).
    Jks,
    /// The SunJCE proprietary format (`0xCECECECE`), which adds secret keys.
    Jceks,
}

impl StoreType {
    /// The name the JDK reports (`keytool -list` prints `Keystore type: PKCS12`).
    #[must_use]
    pub const fn jdk_name(self) -> &'static str {
        match self {
            Self::Pkcs12 => "PKCS12",
            Self::Jks => "JKS",
            Self::Jceks => "JCEKS",
        }
    }

    /// Parses a `-storetype` value; the JDK compares type names ignoring case.
    #[must_use]
    pub fn from_jdk_name(name: &str) -> Option<Self> {
        [Self::Pkcs12, Self::Jks, Self::Jceks]
            .into_iter()
            .find(|t| t.jdk_name().eq_ignore_ascii_case(name))
    }

    /// Recognises a store from its first bytes, as `KeyStore.getInstance(File)`
    /// probes: the JKS and JCEKS magic numbers, and the DER header patterns of
    /// `PKCS12KeyStore.engineProbe`. `None` for anything else (BouncyCastle
    /// stores included; [`crate::decode`] names those in its error).
    #[must_use]
    pub fn detect(bytes: &[u8]) -> Option<Self> {
        crate::detect::detect(bytes)
    }

    /// The Java provider keytool prints as `Keystore provider:`.
    #[must_use]
    pub const fn jdk_provider(self) -> &'static str {
        match self {
            Self::Pkcs12 | Self::Jks => "SUN",
            Self::Jceks => "SunJCE",
        }
    }

    /// `true` when the format can hold secret keys (JKS cannot).
    #[must_use]
    pub const fn holds_secret_keys(self) -> bool {
        !matches!(self, Self::Jks)
    }
}

impl fmt::Display for StoreType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.jdk_name())
    }
}

/// One keystore entry.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The alias as the JDK's `aliases()` reports it. [`Keystore::insert`]
    /// folds it to lower case as the JDK does; entries read from a JKS or
    /// JCEKS file keep the spelling of the file.
    pub alias: String,
    /// Creation date in milliseconds since 1970 (`java.util.Date.getTime()`).
    /// `None` when the store does not record one: PKCS12 bags without a
    /// `Time <millis>` local key id and PKCS12 trusted certificates, which
    /// the JDK dates at the time it loads the store.
    pub created: Option<i64>,
    /// What the entry holds.
    pub kind: EntryKind,
    /// PKCS12 bag attributes kept so a re-save writes what the JDK writes;
    /// ignored by the other formats.
    pub pkcs12: Pkcs12Attributes,
}

impl Entry {
    /// A private key with its certificate chain (leaf first).
    #[must_use]
    pub fn private_key(
        alias: impl Into<String>,
        created: i64,
        key: ProtectedKey,
        chain: Vec<Certificate>,
    ) -> Self {
        Self::new(alias, created, EntryKind::PrivateKey { key, chain })
    }

    /// A trusted certificate.
    #[must_use]
    pub fn trusted_cert(alias: impl Into<String>, created: i64, cert: Certificate) -> Self {
        Self::new(alias, created, EntryKind::TrustedCert { cert })
    }

    /// A secret key.
    #[must_use]
    pub fn secret_key(alias: impl Into<String>, created: i64, key: ProtectedKey) -> Self {
        Self::new(alias, created, EntryKind::SecretKey { key })
    }

    fn new(alias: impl Into<String>, created: i64, kind: EntryKind) -> Self {
        Self {
            alias: alias.into(),
            created: Some(created),
            kind,
            pkcs12: Pkcs12Attributes::default(),
        }
    }

    /// The entry type as keytool prints it: `PrivateKeyEntry`,
    /// `trustedCertEntry` or `SecretKeyEntry`.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            EntryKind::PrivateKey { .. } => "PrivateKeyEntry",
            EntryKind::TrustedCert { .. } => "trustedCertEntry",
            EntryKind::SecretKey { .. } => "SecretKeyEntry",
        }
    }

    /// The certificate keytool shows for the entry: the trusted certificate,
    /// or the first certificate of a private key's chain.
    #[must_use]
    pub fn certificate(&self) -> Option<&Certificate> {
        match &self.kind {
            EntryKind::PrivateKey { chain, .. } => chain.first(),
            EntryKind::TrustedCert { cert } => Some(cert),
            EntryKind::SecretKey { .. } => None,
        }
    }
}

/// What an entry holds.
#[derive(Clone, Debug)]
pub enum EntryKind {
    /// `KeyStore.PrivateKeyEntry`: a protected PKCS#8 key and its chain,
    /// leaf first. The chain may be empty (a JKS written by other tools; a
    /// PKCS12 whose certificates could not be matched or were not decrypted).
    PrivateKey {
        /// The protected key.
        key: ProtectedKey,
        /// The certificate chain, leaf first.
        chain: Vec<Certificate>,
    },
    /// `KeyStore.TrustedCertificateEntry`.
    TrustedCert {
        /// The certificate.
        cert: Certificate,
    },
    /// `KeyStore.SecretKeyEntry`. Its algorithm name is inside the protected
    /// data: [`ProtectedKey::unseal_secret`] returns it.
    SecretKey {
        /// The protected key.
        key: ProtectedKey,
    },
}

/// PKCS12 bag attributes of an entry, beyond what the model says elsewhere.
///
/// Left at their defaults for new entries; the PKCS12 writer then does what
/// `PKCS12KeyStore` does for a new entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pkcs12Attributes {
    /// The `friendlyName` written in the certificate bags of this entry when
    /// it differs from the alias: PKCS12 reports aliases in lower case but
    /// keeps the spelling of a trusted certificate's alias and of names read
    /// from a file.
    pub friendly_name: Option<String>,
    /// The `localKeyId` bytes. `None` on a key entry means "`Time <created>`"
    /// (what the JDK writes); on a trusted certificate it means none.
    pub local_key_id: Option<Vec<u8>>,
    /// The Oracle trusted-key-usage OIDs of a trusted certificate;
    /// `None` means `anyExtendedKeyUsage`, the JDK's default.
    pub trusted_key_usage: Option<Vec<ObjectIdentifier>>,
    /// Other attributes (DER `Attribute`s) read from the entry's bag; the JDK
    /// writes them back on every bag of the entry.
    pub other: Vec<Vec<u8>>,
}

/// How a stored key blob is protected, that is, which reader made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyCodec {
    /// JKS `EncryptedPrivateKeyInfo` (`sun.security.provider.KeyProtector`).
    JksPrivate,
    /// JCEKS `EncryptedPrivateKeyInfo` (JCE or JKS key protector).
    JceksPrivate,
    /// JCEKS serialized `SealedObjectForKeyProtector`.
    JceksSecret,
    /// PKCS12 `EncryptedPrivateKeyInfo` of a private key.
    Pkcs12Private,
    /// PKCS12 `EncryptedPrivateKeyInfo` of a secret key.
    Pkcs12Secret,
}

impl KeyCodec {
    fn is_secret(self) -> bool {
        matches!(self, Self::JceksSecret | Self::Pkcs12Secret)
    }
}

enum Protection {
    /// Exactly as read from a store; written back unchanged.
    Stored { codec: KeyCodec, blob: Vec<u8> },
    /// A new key, protected when the store is encoded.
    Plain { material: Zeroizing<Vec<u8>>, secret_algorithm: Option<String>, password: Password },
}

/// A private or secret key as a keystore holds it: encrypted until asked.
///
/// A key read from a store stays in its encrypted form; encoding the store
/// again writes the same bytes. A new key is given in the clear with its
/// password and is encrypted at encode time with the target format's JDK
/// default protection.
///
/// <div class="warning">
/// JKS key protection is a SHA-1 keystream and JCEKS uses
/// PBEWithMD5AndTripleDES: both are weak and exist only for compatibility.
/// </div>
pub struct ProtectedKey(Protection);

impl ProtectedKey {
    /// A new private key: unencrypted PKCS#8 `PrivateKeyInfo` DER and the
    /// password to protect it with.
    #[must_use]
    pub fn new_private(pkcs8_der: Zeroizing<Vec<u8>>, password: Password) -> Self {
        Self(Protection::Plain { material: pkcs8_der, secret_algorithm: None, password })
    }

    /// A new secret key: the JDK algorithm name (`AES`, `DESede`,
    /// `HmacSHA256`, ...), the raw key bytes and the password to protect it with.
    #[must_use]
    pub fn new_secret(
        algorithm: impl Into<String>,
        key: Zeroizing<Vec<u8>>,
        password: Password,
    ) -> Self {
        Self(Protection::Plain {
            material: key,
            secret_algorithm: Some(algorithm.into()),
            password,
        })
    }

    pub(crate) fn stored(codec: KeyCodec, blob: Vec<u8>) -> Self {
        Self(Protection::Stored { codec, blob })
    }

    /// `true` for a secret key.
    #[must_use]
    pub fn is_secret(&self) -> bool {
        match &self.0 {
            Protection::Stored { codec, .. } => codec.is_secret(),
            Protection::Plain { secret_algorithm, .. } => secret_algorithm.is_some(),
        }
    }

    /// The encrypted bytes as they were read from a store (`None` for a new
    /// key not yet encoded).
    #[must_use]
    pub fn stored_blob(&self) -> Option<&[u8]> {
        match &self.0 {
            Protection::Stored { blob, .. } => Some(blob),
            Protection::Plain { .. } => None,
        }
    }

    pub(crate) fn stored_parts(&self) -> Option<(KeyCodec, &[u8])> {
        match &self.0 {
            Protection::Stored { codec, blob } => Some((*codec, blob)),
            Protection::Plain { .. } => None,
        }
    }

    /// For a new key: the clear material, the secret algorithm and the password.
    pub(crate) fn plain_parts(&self) -> Option<(&[u8], Option<&str>, &Password)> {
        match &self.0 {
            Protection::Plain { material, secret_algorithm, password } => {
                Some((material, secret_algorithm.as_deref(), password))
            }
            Protection::Stored { .. } => None,
        }
    }

    /// Decrypts the key with its password: PKCS#8 `PrivateKeyInfo` DER for a
    /// private key, the raw key bytes for a secret key.
    ///
    /// # Errors
    /// [`Error::UnrecoverableKey`] with the JDK's message for a wrong
    /// password; [`Error::UnsupportedAlgorithm`] for a protection signkit
    /// does not implement.
    pub fn unseal(&self, password: &Password) -> Result<Zeroizing<Vec<u8>>> {
        if self.is_secret() {
            Ok(self.unseal_secret(password)?.key)
        } else {
            self.unseal_private(password)
        }
    }

    fn unseal_private(&self, password: &Password) -> Result<Zeroizing<Vec<u8>>> {
        match &self.0 {
            Protection::Plain { material, password: own, .. } => {
                check_plain_password(own, password)?;
                Ok(Zeroizing::new(material.to_vec()))
            }
            Protection::Stored { codec, blob } => match codec {
                KeyCodec::JksPrivate => jks::recover_private_key(blob, password),
                KeyCodec::JceksPrivate => jceks::recover_private_key(blob, password),
                KeyCodec::Pkcs12Private => pkcs12::recover_private_key(blob, password),
                KeyCodec::JceksSecret | KeyCodec::Pkcs12Secret => {
                    Err(Error::UnrecoverableKey("not a private key".into()))
                }
            },
        }
    }

    /// Decrypts a secret key: its algorithm name as the JDK reports it and
    /// the raw key bytes.
    ///
    /// # Errors
    /// As [`ProtectedKey::unseal`]; also when this is a private key.
    pub fn unseal_secret(&self, password: &Password) -> Result<SecretKeyMaterial> {
        match &self.0 {
            Protection::Plain { material, secret_algorithm: Some(alg), password: own } => {
                check_plain_password(own, password)?;
                Ok(SecretKeyMaterial {
                    algorithm: alg.clone(),
                    key: Zeroizing::new(material.to_vec()),
                })
            }
            Protection::Stored { codec: KeyCodec::JceksSecret, blob } => {
                jceks::unseal_secret_key(blob, password)
            }
            Protection::Stored { codec: KeyCodec::Pkcs12Secret, blob } => {
                pkcs12::recover_secret_key(blob, password)
            }
            _ => Err(Error::UnrecoverableKey("not a secret key".into())),
        }
    }
}

fn check_plain_password(own: &Password, given: &Password) -> Result<()> {
    if own == given { Ok(()) } else { Err(Error::UnrecoverableKey("Cannot recover key".into())) }
}

impl Clone for ProtectedKey {
    fn clone(&self) -> Self {
        Self(match &self.0 {
            Protection::Stored { codec, blob } => {
                Protection::Stored { codec: *codec, blob: blob.clone() }
            }
            Protection::Plain { material, secret_algorithm, password } => Protection::Plain {
                material: material.clone(),
                secret_algorithm: secret_algorithm.clone(),
                password: password.duplicate(),
            },
        })
    }
}

impl fmt::Debug for ProtectedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Protection::Stored { codec, blob } => {
                write!(f, "ProtectedKey({codec:?}, {} bytes)", blob.len())
            }
            Protection::Plain { secret_algorithm, .. } => {
                write!(
                    f,
                    "ProtectedKey(new {}, [secret key elided])",
                    secret_algorithm.as_deref().unwrap_or("private key")
                )
            }
        }
    }
}

/// An unsealed secret key.
pub struct SecretKeyMaterial {
    /// The algorithm name as the JDK reports it (`AES`, `DESede`,
    /// `HmacSHA256`, `PBKDF2WithHmacSHA1`, `PBEWithMD5AndDES`, ...).
    pub algorithm: String,
    /// The raw key bytes (`SecretKey.getEncoded()`).
    pub key: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for SecretKeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecretKeyMaterial({}, {} bytes, [secret key elided])",
            self.algorithm,
            self.key.len()
        )
    }
}

/// A keystore: its format and its entries in the order the JDK reports and
/// writes them.
///
/// The order follows the JDK's collections: JKS and JCEKS keep their entries
/// in a `java.util.Hashtable`, whose order depends on the history of
/// insertions and removals (signkit replays it); PKCS12 keeps insertion
/// order. Aliases are looked up as the JDK does: the query is folded to lower
/// case (`Locale.ENGLISH`) and compared with the stored alias exactly.
#[derive(Clone, Debug)]
pub struct Keystore {
    store_type: StoreType,
    entries: Vec<Entry>,
    /// The `Hashtable` operations of a JKS/JCEKS store, oldest first.
    table_ops: Vec<TableOp>,
    pub(crate) pkcs12_loaded: LoadedProtection,
}

impl Keystore {
    /// An empty store of the given type.
    #[must_use]
    pub fn new(store_type: StoreType) -> Self {
        Self {
            store_type,
            entries: Vec::new(),
            table_ops: Vec::new(),
            pkcs12_loaded: LoadedProtection::default(),
        }
    }

    /// The format the store is read from and written in.
    #[must_use]
    pub fn store_type(&self) -> StoreType {
        self.store_type
    }

    /// The entries in `aliases()` order.
    #[must_use]
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Number of entries (`KeyStore.size()`).
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` without entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The aliases in the order `KeyStore.aliases()` returns them.
    pub fn aliases(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.alias.as_str())
    }

    /// The entry for `alias` (folded to lower case as the JDK folds it).
    #[must_use]
    pub fn get(&self, alias: &str) -> Option<&Entry> {
        let key = fold_alias(alias);
        self.entries.iter().find(|e| e.alias == key)
    }

    /// `KeyStore.containsAlias`.
    #[must_use]
    pub fn contains_alias(&self, alias: &str) -> bool {
        self.get(alias).is_some()
    }

    /// Adds or replaces an entry as `KeyStore.setEntry` does: the alias is
    /// folded to lower case, and an entry with the same alias is replaced in
    /// its place. For PKCS12 the original spelling of a trusted
    /// certificate's alias is kept as its `friendlyName`, as the JDK does.
    /// Returns the replaced entry.
    pub fn insert(&mut self, mut entry: Entry) -> Option<Entry> {
        let folded = fold_alias(&entry.alias);
        if self.store_type == StoreType::Pkcs12
            && matches!(entry.kind, EntryKind::TrustedCert { .. })
            && folded != entry.alias
            && entry.pkcs12.friendly_name.is_none()
        {
            // JDK compat: PKCS12KeyStore.setCertEntry keeps the alias as given
            // in CertEntry.alias, and writes it as the friendlyName.
            entry.pkcs12.friendly_name = Some(entry.alias.clone());
        }
        entry.alias = folded;
        self.put(entry)
    }

    /// Removes the entry for `alias` (`KeyStore.deleteEntry`).
    pub fn remove(&mut self, alias: &str) -> Option<Entry> {
        let key = fold_alias(alias);
        let pos = self.entries.iter().position(|e| e.alias == key)?;
        let removed = self.entries.remove(pos);
        if self.uses_hashtable() {
            self.table_ops.push(TableOp::Remove(key));
            self.reorder();
        }
        Some(removed)
    }

    /// The PKCS12 protection the JDK would use to store this store again:
    /// the certificate protection and MAC read from the file (which
    /// `PKCS12KeyStore` keeps after loading), and `defaults` for the rest.
    #[must_use]
    pub fn pkcs12_resave_options(&self, defaults: pkcs12::Pkcs12Options) -> pkcs12::Pkcs12Options {
        self.pkcs12_loaded.apply(defaults)
    }

    /// A store built by a decoder: `puts` in file order, each alias exactly
    /// as read (`Hashtable.put` / `LinkedHashMap.put`); a repeated alias
    /// replaces the earlier entry in its place, as the JDK's maps do.
    pub(crate) fn from_puts(
        store_type: StoreType,
        puts: Vec<Entry>,
        pkcs12_loaded: LoadedProtection,
    ) -> Self {
        let mut ks = Self::new(store_type);
        ks.pkcs12_loaded = pkcs12_loaded;
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for entry in puts {
            if ks.uses_hashtable() {
                ks.table_ops.push(TableOp::Put(entry.alias.clone()));
            }
            match index.get(&entry.alias) {
                Some(&i) => ks.entries[i] = entry,
                None => {
                    index.insert(entry.alias.clone(), ks.entries.len());
                    ks.entries.push(entry);
                }
            }
        }
        if ks.uses_hashtable() {
            ks.reorder();
        }
        ks
    }

    /// Adds an entry with its alias exactly as given, replacing in place.
    fn put(&mut self, entry: Entry) -> Option<Entry> {
        let key = entry.alias.clone();
        let replaced = match self.entries.iter().position(|e| e.alias == key) {
            Some(pos) => Some(std::mem::replace(&mut self.entries[pos], entry)),
            None => {
                self.entries.push(entry);
                None
            }
        };
        if self.uses_hashtable() {
            self.table_ops.push(TableOp::Put(key));
            self.reorder();
        }
        replaced
    }

    fn uses_hashtable(&self) -> bool {
        matches!(self.store_type, StoreType::Jks | StoreType::Jceks)
    }

    /// Sorts the entries into the enumeration order of the replayed table.
    fn reorder(&mut self) {
        let table = JavaHashtable::replay(&self.table_ops);
        let order: std::collections::HashMap<&str, usize> =
            table.keys().enumerate().map(|(i, k)| (k, i)).collect();
        let rank = |alias: &str| order.get(alias).copied().unwrap_or(usize::MAX);
        let mut ranked: Vec<(usize, Entry)> =
            std::mem::take(&mut self.entries).into_iter().map(|e| (rank(&e.alias), e)).collect();
        ranked.sort_by_key(|(r, _)| *r);
        self.entries = ranked.into_iter().map(|(_, e)| e).collect();
    }
}

/// `alias.toLowerCase(Locale.ENGLISH)`.
pub(crate) fn fold_alias(alias: &str) -> String {
    alias.to_lowercase()
}
