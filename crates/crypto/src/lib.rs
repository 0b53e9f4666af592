//! Keys, certificates, digests and signature algorithms for signkit.
//!
//! This crate does no I/O: bytes in, values or bytes out. Randomness is a
//! parameter (`&mut impl CryptoRng`), and DSA/ECDSA signatures use RFC 6979
//! nonces, so every output can be reproduced in a test.
//!
//! <div class="warning">
//! MD5 and SHA-1 signatures are supported only to read and verify old
//! keystores, jars and APKs, and because AOSP's signapk still chooses SHA-1 for
//! old minimum SDK levels.
//! </div>

pub mod asn1;
mod builder;
mod cert;
mod digest;
mod error;
mod key;
pub mod oid;
pub mod pem;
mod password;
mod sigalg;

pub use crate::builder::{CertificateBuilder, Extension};
pub use crate::cert::{Certificate, ParsedCertificate, certificates_from_der_concat};
pub use crate::digest::{DigestAlgorithm, Hasher};
pub use crate::error::{Error, Result};
pub use crate::key::{EcCurve, KeyAlgorithm, PrivateKey, PublicKey, RSA_MAX_BITS, RSA_MIN_VERIFY_BITS};
pub use crate::password::Password;
pub use crate::sigalg::{KeyFamily, SignatureAlgorithm};

// Re-exported so dependants name the same versions.
pub use {der, rand_core, spki, x509_cert, zeroize};
