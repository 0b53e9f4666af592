//! Keystore entries to and from the `pk8` + `x509.pem` pair of Android
//! platform builds, private keys in every PEM and DER form openssl writes,
//! and AOSP `make_key` without openssl.
//!
//! - [`read_private_key`] reads PKCS#8 (plain or encrypted with PBES2,
//!   PKCS#12 PBE or PBES1), PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY`,
//!   OpenSSL's `DSA PRIVATE KEY` and legacy `Proc-Type: 4,ENCRYPTED` PEM,
//!   into a [`Pkcs8Key`]: unencrypted PKCS#8 DER, which is what signapk reads.
//!   A key that was PKCS#8 already keeps its exact bytes.
//! - [`read_certificates`] reads PEM or DER certificates; [`build_chain`]
//!   finds the key's certificate and orders the rest into its chain;
//!   [`certificate_pem`] writes the exact bytes of `keytool -exportcert -rfc`.
//! - [`keystore_to_pair`] and [`pair_to_keystore`] are `keyconv to-pk8` and
//!   `keyconv to-keystore` over bytes, through signkit-keystore.
//! - [`make_key`] with [`parse_subject`] is `make_key NAME SUBJECT [rsa|ec]`.
//!
//! This crate does no I/O, reads no clock and draws no randomness of its own:
//! bytes, the time and a random generator come in as parameters.
//!
//! <div class="warning">
//! DES, RC2, MD5 and SHA-1 based key encryption is read only so that old
//! keys can be converted.
//! </div>

mod cert;
mod convert;
mod error;
mod key;
mod make_key;
mod pbe;
mod subject;

pub use crate::cert::{build_chain, certificate_pem, chain_pem, check_chain, read_certificates};
pub use crate::convert::{
    KeyPair, StoreTarget, extract, insert, keystore_to_pair, pair_to_keystore,
};
pub use crate::error::{Error, Result};
pub use crate::key::{KeyForm, Pkcs8Key, key_encryption, read_private_key};
pub use crate::make_key::{MakeKeyAlgorithm, VALIDITY_DAYS, make_key};
pub use crate::pbe::encrypt_pkcs8;
pub use crate::subject::{Subject, parse_subject};
