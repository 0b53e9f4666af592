//! Object identifiers of the CMS structures written here.

pub(crate) use signkit_crypto::oid::{DSA, EC_PUBLIC_KEY, RSA_ENCRYPTION, SHA256_WITH_DSA};

use const_oid::ObjectIdentifier as Oid;

/// id-data (PKCS#7).
pub(crate) const PKCS7_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
/// id-signedData (PKCS#7).
pub(crate) const PKCS7_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
