//! Java keystores for signkit: the model and its three codecs, PKCS12, JKS and
//! JCEKS, each read and written with JDK 17 semantics.
//!
//! - [`decode`] reads a store: the format is probed from the content as
//!   `KeyStore.getInstance(File)` does, or taken from the caller as
//!   `KeyStore.getInstance(type)` does (with the JDK's JKS/PKCS12
//!   "dual format" fallback). Without a password the store is read without
//!   its integrity check, as `keytool -list` does when the user gives none.
//! - [`encode`] writes a store. Keys read from a store stay encrypted and are
//!   written back byte for byte; new keys are protected with the target
//!   format's JDK default protection. Entries are written in the JDK's order.
//! - [`ProtectedKey::unseal`] decrypts a key with its password.
//!
//! This crate does no I/O and reads no clock: time and randomness are
//! parameters, so every output can be reproduced.
//!
//! <div class="warning">
//! JKS and JCEKS protect keys with obsolete schemes (a SHA-1 keystream and
//! PBEWithMD5AndTripleDES); legacy PKCS12 uses 3DES and 40-bit RC2. They are
//! supported for compatibility only.
//! </div>

mod asn1;
mod detect;
mod error;
mod javaio;
mod jceks;
mod jks;
mod jserial;
mod keyinfo;
mod model;
mod order;
mod pbe;
mod pkcs12;
mod x500;

use rand_core::CryptoRng;
use signkit_crypto::Password;

pub use const_oid::ObjectIdentifier;

pub use crate::error::{Error, Result};
pub use crate::model::{
    Entry, EntryKind, Keystore, Pkcs12Attributes, ProtectedKey, SecretKeyMaterial, StoreType,
};
pub use crate::pbe::{AesKeySize, HmacPrf, Pkcs12Pbe};
pub use crate::pkcs12::{Pkcs12Mac, Pkcs12Options};

/// Options of [`encode`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncodeOptions {
    /// The current time in milliseconds since 1970, used where the JDK would
    /// read the clock (the date of entries without one).
    pub now_millis: i64,
    /// PKCS12 protection (ignored for JKS and JCEKS). To store a loaded
    /// PKCS12 store again as the JDK would, use
    /// [`Keystore::pkcs12_resave_options`].
    pub pkcs12: Pkcs12Options,
}

impl EncodeOptions {
    /// JDK 17 defaults at time `now_millis`.
    #[must_use]
    pub const fn new(now_millis: i64) -> Self {
        Self { now_millis, pkcs12: Pkcs12Options::jdk_default() }
    }
}

/// Reads a keystore.
///
/// `expected_type` is keytool's `-storetype`: `None` probes the content
/// (JKS magic, PKCS12 DER header, JCEKS magic). `Some(Pkcs12)` also reads a
/// JKS file and `Some(Jks)` a PKCS12 file (the JDK's `keystore.type.compat`);
/// `Some(Jceks)` also reads a JKS file. The returned store's
/// [`Keystore::store_type`] is the format it will be written in, as in the JDK.
///
/// With `store_password` `None` nothing is verified: a JKS/JCEKS digest is
/// not checked, and a PKCS12 store yields only what is readable without the
/// password (key entries without their certificates; no trusted
/// certificates), as the JDK does.
///
/// # Errors
/// A wrong password ([`Error::TamperedOrWrongPassword`],
/// [`Error::Pkcs12PasswordIncorrect`], [`Error::Pkcs12IntegrityCheckFailed`]);
/// an unrecognised or damaged file ([`Error::UnrecognizedFormat`],
/// [`Error::InvalidFormat`], [`Error::Truncated`], [`Error::Corrupt`], ...);
/// a BouncyCastle store ([`Error::UnsupportedStoreFormat`]); an algorithm
/// signkit does not implement ([`Error::UnsupportedAlgorithm`]).
pub fn decode(
    bytes: &[u8],
    store_password: Option<&Password>,
    expected_type: Option<StoreType>,
) -> Result<Keystore> {
    let result = match expected_type {
        None => match StoreType::detect(bytes) {
            Some(StoreType::Jceks) => jks::decode(bytes, store_password, StoreType::Jceks),
            Some(t) => dual_format(bytes, store_password, t),
            None => Err(Error::UnrecognizedFormat),
        },
        Some(StoreType::Jceks) => jks::decode(bytes, store_password, StoreType::Jceks),
        Some(t) => dual_format(bytes, store_password, t),
    };
    result.map_err(|e| match detect::bouncycastle(bytes) {
        // A BouncyCastle store fails every JDK reader; say what it is.
        Some(format) if !e.is_store_password_error() => Error::UnsupportedStoreFormat { format },
        _ => e,
    })
}

fn decode_as(bytes: &[u8], password: Option<&Password>, t: StoreType) -> Result<Keystore> {
    match t {
        StoreType::Pkcs12 => pkcs12::decode(bytes, password),
        other => jks::decode(bytes, password, other),
    }
}

/// `sun.security.util.KeyStoreDelegator.engineLoad`: the primary format, then
/// the other one unless the primary failed on the password.
fn dual_format(bytes: &[u8], password: Option<&Password>, primary: StoreType) -> Result<Keystore> {
    let secondary = if primary == StoreType::Pkcs12 { StoreType::Jks } else { StoreType::Pkcs12 };
    match decode_as(bytes, password, primary) {
        Ok(ks) => Ok(ks),
        Err(e) if e.is_store_password_error() => Err(e),
        Err(first) => match decode_as(bytes, password, secondary) {
            Ok(ks) => Ok(ks),
            Err(second) if second.is_store_password_error() => Err(second),
            Err(_) => Err(first),
        },
    }
}

/// Writes a keystore in its [`Keystore::store_type`] format, protected by
/// `store_password`.
///
/// # Errors
/// [`Error::CannotStore`] when the store cannot be written as asked: a secret
/// key in a JKS, a key still protected in another format (unseal it and give
/// it as a new [`ProtectedKey`]), a key password JCEKS cannot use (non-ASCII),
/// an alias or entry too long for the format.
pub fn encode<R: CryptoRng + ?Sized>(
    keystore: &Keystore,
    store_password: &Password,
    rng: &mut R,
    options: &EncodeOptions,
) -> Result<Vec<u8>> {
    match keystore.store_type() {
        StoreType::Pkcs12 => {
            pkcs12::encode(keystore, store_password, rng, options.now_millis, &options.pkcs12)
        }
        StoreType::Jks | StoreType::Jceks => {
            jks::encode(keystore, store_password, rng, options.now_millis)
        }
    }
}
