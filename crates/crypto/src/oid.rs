//! Object identifiers used across signkit, named as in their RFCs.

use const_oid::ObjectIdentifier as Oid;

macro_rules! oids {
    ($($(#[$m:meta])* $name:ident = $s:literal;)*) => {
        $($(#[$m])* pub const $name: Oid = Oid::new_unwrap($s);)*
    };
}

oids! {
    /// rsaEncryption (PKCS#1).
    RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    /// md5WithRSAEncryption.
    MD5_WITH_RSA = "1.2.840.113549.1.1.4";
    /// sha1WithRSAEncryption.
    SHA1_WITH_RSA = "1.2.840.113549.1.1.5";
    /// sha256WithRSAEncryption.
    SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
    /// sha384WithRSAEncryption.
    SHA384_WITH_RSA = "1.2.840.113549.1.1.12";
    /// sha512WithRSAEncryption.
    SHA512_WITH_RSA = "1.2.840.113549.1.1.13";
    /// sha224WithRSAEncryption.
    SHA224_WITH_RSA = "1.2.840.113549.1.1.14";
    /// id-RSASSA-PSS.
    RSASSA_PSS = "1.2.840.113549.1.1.10";
    /// id-dsa.
    DSA = "1.2.840.10040.4.1";
    /// id-dsa-with-sha1.
    SHA1_WITH_DSA = "1.2.840.10040.4.3";
    /// id-dsa-with-sha224.
    SHA224_WITH_DSA = "2.16.840.1.101.3.4.3.1";
    /// id-dsa-with-sha256.
    SHA256_WITH_DSA = "2.16.840.1.101.3.4.3.2";
    /// id-dsa-with-sha384.
    SHA384_WITH_DSA = "2.16.840.1.101.3.4.3.3";
    /// id-dsa-with-sha512.
    SHA512_WITH_DSA = "2.16.840.1.101.3.4.3.4";
    /// id-ecPublicKey.
    EC_PUBLIC_KEY = "1.2.840.10045.2.1";
    /// ecdsa-with-SHA1.
    SHA1_WITH_ECDSA = "1.2.840.10045.4.1";
    /// ecdsa-with-SHA224.
    SHA224_WITH_ECDSA = "1.2.840.10045.4.3.1";
    /// ecdsa-with-SHA256.
    SHA256_WITH_ECDSA = "1.2.840.10045.4.3.2";
    /// ecdsa-with-SHA384.
    SHA384_WITH_ECDSA = "1.2.840.10045.4.3.3";
    /// ecdsa-with-SHA512.
    SHA512_WITH_ECDSA = "1.2.840.10045.4.3.4";
    /// secp256r1 (P-256).
    SECP256R1 = "1.2.840.10045.3.1.7";
    /// secp384r1 (P-384).
    SECP384R1 = "1.3.132.0.34";
    /// secp521r1 (P-521).
    SECP521R1 = "1.3.132.0.35";
    /// id-Ed25519.
    ED25519 = "1.3.101.112";
    /// id-Ed448.
    ED448 = "1.3.101.113";
}
