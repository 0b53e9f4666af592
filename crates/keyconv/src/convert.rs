//! Keystore entries to and from a key with its certificate chain.

use rand_core::CryptoRng;
use signkit_crypto::{Certificate, Password};
use signkit_keystore::{
    EncodeOptions, Entry, EntryKind, Keystore, Pkcs12Options, ProtectedKey, StoreType,
};

use crate::cert::{self, build_chain};
use crate::error::{Error, Result};
use crate::key::{Pkcs8Key, read_private_key};

/// A private key with its certificate chain, leaf first: the `.pk8` and
/// `.x509.pem` pair of Android builds, or one keystore key entry.
#[derive(Debug)]
pub struct KeyPair {
    /// The private key.
    pub key: Pkcs8Key,
    /// The certificate chain, leaf first; the leaf holds the key's public key.
    pub chain: Vec<Certificate>,
}

impl KeyPair {
    /// Pairs a key with certificates given in any order: the chain is built
    /// from the certificate that holds the key (see [`build_chain`]).
    ///
    /// # Errors
    /// [`Error::KeyMismatch`], [`Error::Chain`], [`Error::NoCertificate`].
    pub fn new(key: Pkcs8Key, certs: Vec<Certificate>) -> Result<Self> {
        let chain = build_chain(&key.public_key(), certs)?;
        Ok(Self { key, chain })
    }

    /// Reads a key file (any form [`read_private_key`] reads) and certificate
    /// files (PEM or DER, one or more certificates each) and pairs them.
    ///
    /// # Errors
    /// As [`read_private_key`], [`cert::read_certificates`] and [`KeyPair::new`].
    pub fn read(
        key_input: &[u8],
        key_password: Option<&Password>,
        cert_inputs: &[&[u8]],
    ) -> Result<Self> {
        let key = read_private_key(key_input, key_password)?;
        let mut certs = Vec::new();
        for input in cert_inputs {
            certs.extend(cert::read_certificates(input)?);
        }
        Self::new(key, certs)
    }

    /// The leaf certificate.
    #[must_use]
    pub fn leaf(&self) -> Option<&Certificate> {
        self.chain.first()
    }

    /// The `.x509.pem` content: the leaf (or with `whole_chain` every
    /// certificate) in the exact form of `keytool -exportcert -rfc`.
    #[must_use]
    pub fn certificate_pem(&self, whole_chain: bool) -> String {
        if whole_chain {
            cert::chain_pem(&self.chain)
        } else {
            cert::chain_pem(self.chain.get(..1).unwrap_or_default())
        }
    }
}

/// Reads the key entry `alias` of a keystore: the key unsealed with
/// `key_password` (its PKCS#8 bytes exactly as stored) and its chain.
///
/// # Errors
/// [`Error::AliasNotFound`], [`Error::NotPrivateKeyEntry`], [`Error::NoChain`],
/// a wrong key password ([`Error::Keystore`] with `UnrecoverableKey`), a key
/// that does not match its certificate ([`Error::KeyMismatch`]).
pub fn extract(keystore: &Keystore, alias: &str, key_password: &Password) -> Result<KeyPair> {
    let entry = keystore.get(alias).ok_or_else(|| Error::AliasNotFound(alias.to_owned()))?;
    let EntryKind::PrivateKey { key, chain } = &entry.kind else {
        return Err(Error::NotPrivateKeyEntry { alias: alias.to_owned(), kind: entry.type_name() });
    };
    let leaf = chain.first().ok_or_else(|| Error::NoChain(alias.to_owned()))?;
    let pkcs8 = key.unseal(key_password)?;
    let key = Pkcs8Key::from_pkcs8_der(pkcs8)?;
    if !leaf.public_key().is_ok_and(|k| k == key.public_key()) {
        return Err(Error::KeyMismatch(vec![cert::subject_text(leaf)]));
    }
    Ok(KeyPair { key, chain: chain.clone() })
}

/// Adds `pair` to `keystore` as a private key entry protected by
/// `key_password`. An existing `alias` is replaced only with `replace`.
///
/// # Errors
/// [`Error::AliasExists`].
pub fn insert(
    keystore: &mut Keystore,
    alias: &str,
    pair: &KeyPair,
    key_password: Password,
    created_millis: i64,
    replace: bool,
) -> Result<()> {
    if keystore.contains_alias(alias) && !replace {
        return Err(Error::AliasExists(alias.to_owned()));
    }
    let key = ProtectedKey::new_private(pair.key.secret_pkcs8_der_copy(), key_password);
    keystore.insert(Entry::private_key(alias, created_millis, key, pair.chain.clone()));
    Ok(())
}

/// `keyconv to-pk8` without I/O: decodes a store, and reads the key entry
/// `alias` with `key_password` (the store password when `None`).
///
/// # Errors
/// Keystore errors (wrong store password, damaged store), then as [`extract`].
pub fn keystore_to_pair(
    store: &[u8],
    store_type: Option<StoreType>,
    store_password: &Password,
    alias: &str,
    key_password: Option<&Password>,
) -> Result<KeyPair> {
    let keystore = signkit_keystore::decode(store, Some(store_password), store_type)?;
    extract(&keystore, alias, key_password.unwrap_or(store_password))
}

/// Where [`pair_to_keystore`] puts the entry.
#[derive(Debug)]
pub struct StoreTarget<'a> {
    /// The current store's bytes, or `None` for a new store.
    pub existing: Option<&'a [u8]>,
    /// `-storetype`: the type of a new store (PKCS12 when `None`, as JDK 17);
    /// for an existing store, the type it is read as (probed when `None`).
    pub store_type: Option<StoreType>,
    /// The store password.
    pub store_password: &'a Password,
    /// The alias of the new entry.
    pub alias: &'a str,
    /// Replace an existing entry with the same alias.
    pub replace: bool,
}

/// `keyconv to-keystore` without I/O: adds `pair` to an existing store (its
/// other entries kept as they are, its format kept) or to a new one, and
/// returns the new store's bytes.
///
/// The result is decoded again and the new entry read back with
/// `key_password` before it is returned, so a store that would not give
/// the same key and chain back is never written.
///
/// # Errors
/// Keystore errors (wrong store password, a store that cannot be written as
/// asked), [`Error::AliasExists`].
pub fn pair_to_keystore<R: CryptoRng + ?Sized>(
    target: &StoreTarget<'_>,
    pair: &KeyPair,
    key_password: &Password,
    rng: &mut R,
    now_millis: i64,
) -> Result<Vec<u8>> {
    let (mut keystore, pkcs12) = match target.existing {
        Some(bytes) => {
            let ks =
                signkit_keystore::decode(bytes, Some(target.store_password), target.store_type)?;
            // JDK compat: PKCS12KeyStore keeps the certificate protection and
            // MAC it loaded when it stores the keystore again.
            let options = ks.pkcs12_resave_options(Pkcs12Options::jdk_default());
            (ks, options)
        }
        None => (
            Keystore::new(target.store_type.unwrap_or(StoreType::Pkcs12)),
            Pkcs12Options::jdk_default(),
        ),
    };
    insert(
        &mut keystore,
        target.alias,
        pair,
        key_password.duplicate(),
        now_millis,
        target.replace,
    )?;
    let options = EncodeOptions { now_millis, pkcs12 };
    let bytes = signkit_keystore::encode(&keystore, target.store_password, rng, &options)?;

    // Read the entry back from the bytes about to be written.
    let again =
        signkit_keystore::decode(&bytes, Some(target.store_password), Some(keystore.store_type()))?;
    let back = extract(&again, target.alias, key_password)?;
    if back.key.secret_pkcs8_der() != pair.key.secret_pkcs8_der() || back.chain != pair.chain {
        return Err(Error::SelfCheck(
            "the new keystore does not give the same key and chain back".into(),
        ));
    }
    Ok(bytes)
}
