//! PKCS#12 (RFC 7292) as `sun.security.pkcs12.PKCS12KeyStore` reads and
//! writes it.
//!
//! ```text
//! PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo (data), macData MacData OPTIONAL }
//! authSafe content: AuthenticatedSafe ::= SEQUENCE OF ContentInfo
//!     ContentInfo { data, [0] OCTET STRING SafeContents }            (the keys, in the clear)
//!     ContentInfo { encryptedData, [0] EncryptedData {               (the certificates)
//!         version 0, EncryptedContentInfo { data, AlgorithmIdentifier, [0] IMPLICIT ciphertext } } }
//! SafeContents ::= SEQUENCE OF SafeBag
//! SafeBag ::= SEQUENCE { bagId OID, [0] EXPLICIT bagValue, bagAttributes SET OF Attribute OPTIONAL }
//!     pkcs8ShroudedKeyBag  EncryptedPrivateKeyInfo
//!     certBag              SEQUENCE { x509Certificate, [0] EXPLICIT OCTET STRING DER }
//!     secretBag            SEQUENCE { pkcs8ShroudedKeyBag, [0] EXPLICIT OCTET STRING
//!                              EncryptedPrivateKeyInfo of SEQUENCE { 0, AlgorithmIdentifier, OCTET STRING key } }
//! bag attributes: friendlyName (BMPString alias), localKeyId ("Time <millis>"),
//!                 2.16.840.1.113894.746875.1.1 (trusted key usage OIDs, on trusted certificates)
//! MacData ::= SEQUENCE { DigestInfo { AlgorithmIdentifier, digest OCTET STRING },
//!                        macSalt OCTET STRING, iterations INTEGER }
//!     MAC = HMAC(PKCS#12 KDF(password, macSalt, id 3), authSafe content), or PBMAC1 (RFC 9579)
//! ```

use std::borrow::Cow;

use const_oid::ObjectIdentifier;
use pkcs12::kdf::Pkcs12KeyType;
use rand_core::CryptoRng;
use sha1::Sha1;
use sha2::{Sha224, Sha256, Sha384, Sha512};
use signkit_crypto::{Certificate, Password};
use zeroize::Zeroizing;

use crate::asn1::{self, Tlv, tag};
use crate::error::{Error, Result};
use crate::jks::{constant_time_eq, foreign_key, parse_certificate};
use crate::model::{
    Entry, EntryKind, KeyCodec, Keystore, Pkcs12Attributes, ProtectedKey, SecretKeyMaterial,
    StoreType, fold_alias,
};
use crate::order::java_hashset_order;
use crate::pbe::{self, HmacPrf, MAX_ITERATION_COUNT, Pkcs12Pbe, Scheme};
use crate::{keyinfo, x500};

macro_rules! oid {
    ($($name:ident = $s:literal;)*) => {
        $(const $name: ObjectIdentifier = ObjectIdentifier::new_unwrap($s);)*
    };
}

oid! {
    DATA = "1.2.840.113549.1.7.1";
    ENCRYPTED_DATA = "1.2.840.113549.1.7.6";
    SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2";
    CERT_BAG = "1.2.840.113549.1.12.10.1.3";
    SECRET_BAG = "1.2.840.113549.1.12.10.1.5";
    X509_CERTIFICATE = "1.2.840.113549.1.9.22.1";
    FRIENDLY_NAME = "1.2.840.113549.1.9.20";
    LOCAL_KEY_ID = "1.2.840.113549.1.9.21";
    TRUSTED_KEY_USAGE = "2.16.840.1.113894.746875.1.1";
    ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    SHA1 = "1.3.14.3.2.26";
    SHA224 = "2.16.840.1.101.3.4.2.4";
    SHA256 = "2.16.840.1.101.3.4.2.1";
    SHA384 = "2.16.840.1.101.3.4.2.2";
    SHA512 = "2.16.840.1.101.3.4.2.3";
    SUBJECT_KEY_ID = "2.5.29.14";
    AUTHORITY_KEY_ID = "2.5.29.35";
}

/// The MAC algorithm of a PKCS12 store (`keystore.pkcs12.macAlgorithm`):
/// HMAC keyed by the PKCS#12 KDF over the same digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Pkcs12Mac {
    /// `HmacPBESHA1` (legacy).
    HmacPbeSha1,
    /// `HmacPBESHA224`.
    HmacPbeSha224,
    /// `HmacPBESHA256` (JDK 17 default).
    HmacPbeSha256,
    /// `HmacPBESHA384`.
    HmacPbeSha384,
    /// `HmacPBESHA512`.
    HmacPbeSha512,
}

impl Pkcs12Mac {
    const ALL: [Self; 5] = [
        Self::HmacPbeSha1,
        Self::HmacPbeSha224,
        Self::HmacPbeSha256,
        Self::HmacPbeSha384,
        Self::HmacPbeSha512,
    ];

    /// The JDK's name (`HmacPBESHA256`).
    #[must_use]
    pub const fn jdk_name(self) -> &'static str {
        match self {
            Self::HmacPbeSha1 => "HmacPBESHA1",
            Self::HmacPbeSha224 => "HmacPBESHA224",
            Self::HmacPbeSha256 => "HmacPBESHA256",
            Self::HmacPbeSha384 => "HmacPBESHA384",
            Self::HmacPbeSha512 => "HmacPBESHA512",
        }
    }

    /// Parses a JDK name, ignoring case.
    #[must_use]
    pub fn from_jdk_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.jdk_name().eq_ignore_ascii_case(name))
    }

    fn digest_oid(self) -> ObjectIdentifier {
        match self {
            Self::HmacPbeSha1 => SHA1,
            Self::HmacPbeSha224 => SHA224,
            Self::HmacPbeSha256 => SHA256,
            Self::HmacPbeSha384 => SHA384,
            Self::HmacPbeSha512 => SHA512,
        }
    }

    fn from_digest_oid(oid: &ObjectIdentifier) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.digest_oid() == *oid)
    }

    fn prf(self) -> HmacPrf {
        match self {
            Self::HmacPbeSha1 => HmacPrf::Sha1,
            Self::HmacPbeSha224 => HmacPrf::Sha224,
            Self::HmacPbeSha256 => HmacPrf::Sha256,
            Self::HmacPbeSha384 => HmacPrf::Sha384,
            Self::HmacPbeSha512 => HmacPrf::Sha512,
        }
    }

    /// The MAC of `data`: the key is derived once per call.
    fn compute(self, password: &Password, salt: &[u8], iterations: u32, data: &[u8]) -> Vec<u8> {
        let pw = pbe::pkcs12_password(password);
        let id = Pkcs12KeyType::Mac;
        let key = match self {
            Self::HmacPbeSha1 => pbe::kdf::<Sha1>(&pw, salt, id, iterations, 20),
            Self::HmacPbeSha224 => pbe::kdf::<Sha224>(&pw, salt, id, iterations, 28),
            Self::HmacPbeSha256 => pbe::kdf::<Sha256>(&pw, salt, id, iterations, 32),
            Self::HmacPbeSha384 => pbe::kdf::<Sha384>(&pw, salt, id, iterations, 48),
            Self::HmacPbeSha512 => pbe::kdf::<Sha512>(&pw, salt, id, iterations, 64),
        };
        self.prf().hmac(&key, data)
    }
}

/// How a PKCS12 store is protected when written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pkcs12Options {
    /// Protection of new private and secret keys.
    pub key_protection: Pkcs12Pbe,
    /// Iterations of the key protection.
    pub key_iterations: u32,
    /// Protection of the certificates; `None` writes them unencrypted
    /// (the JDK's `NONE`).
    pub cert_protection: Option<Pkcs12Pbe>,
    /// Iterations of the certificate protection.
    pub cert_iterations: u32,
    /// The MAC; `None` writes no `MacData` (the JDK's `NONE`).
    pub mac: Option<Pkcs12Mac>,
    /// Iterations of the MAC key derivation.
    pub mac_iterations: u32,
}

impl Pkcs12Options {
    /// JDK 17's defaults: PBES2 with PBKDF2-HmacSHA256 and AES-256-CBC, 10000
    /// iterations, for keys and certificates; an HmacPBESHA256 MAC with 10000
    /// iterations.
    #[must_use]
    pub const fn jdk_default() -> Self {
        let pbes2 = Pkcs12Pbe::Pbes2(HmacPrf::Sha256, pbe::AesKeySize::Aes256);
        Self {
            key_protection: pbes2,
            key_iterations: 10_000,
            cert_protection: Some(pbes2),
            cert_iterations: 10_000,
            mac: Some(Pkcs12Mac::HmacPbeSha256),
            mac_iterations: 10_000,
        }
    }

    /// What JDK 17 writes with `-J-Dkeystore.pkcs12.legacy`:
    /// PBEWithSHA1AndDESede keys and PBEWithSHA1AndRC2_40 certificates with
    /// 50000 iterations, and an HmacPBESHA1 MAC with 100000 iterations.
    #[must_use]
    pub const fn jdk_legacy() -> Self {
        Self {
            key_protection: Pkcs12Pbe::Sha1AndDesede,
            key_iterations: 50_000,
            cert_protection: Some(Pkcs12Pbe::Sha1AndRc2_40),
            cert_iterations: 50_000,
            mac: Some(Pkcs12Mac::HmacPbeSha1),
            mac_iterations: 100_000,
        }
    }
}

impl Default for Pkcs12Options {
    fn default() -> Self {
        Self::jdk_default()
    }
}

/// A protection setting remembered from a loaded store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Remembered<T> {
    /// Not determined by the file: the defaults apply.
    #[default]
    Unknown,
    /// The file has none (`NONE`).
    Absent,
    /// The file's algorithm and iterations.
    Present(T, u32),
}

/// What `PKCS12KeyStore` remembers of a loaded store's protection and
/// reuses when storing it again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LoadedProtection {
    cert: Remembered<Pkcs12Pbe>,
    mac: Remembered<Pkcs12Mac>,
}

impl LoadedProtection {
    pub(crate) fn apply(&self, mut options: Pkcs12Options) -> Pkcs12Options {
        match self.cert {
            Remembered::Unknown => {}
            Remembered::Absent => options.cert_protection = None,
            Remembered::Present(pbe, n) => {
                options.cert_protection = Some(pbe);
                options.cert_iterations = n;
            }
        }
        match self.mac {
            Remembered::Unknown => {}
            Remembered::Absent => options.mac = None,
            Remembered::Present(mac, n) => {
                options.mac = Some(mac);
                options.mac_iterations = n;
            }
        }
        options
    }
}

// ----------------------------------------------------------------------------
// Reading.

/// Runs `f` with the password and, when it is empty and `f` fails, again
/// with the one-character password `"\0"`.
/// JDK compat: PKCS12KeyStore.RetryWithZero (stores written by tools that
/// encode the empty password without a NUL terminator).
fn retry_with_zero<T>(password: &Password, mut f: impl FnMut(&Password) -> Result<T>) -> Result<T> {
    match f(password) {
        Ok(v) => Ok(v),
        Err(e) if password.is_empty() => f(&Password::new("\0".into())).map_err(|_| e),
        Err(e) => Err(e),
    }
}

/// A cert bag that is not a trusted-certificate entry, kept for chain building.
struct CertRecord {
    cert: Certificate,
    key_id: Option<Vec<u8>>,
    alias: Option<String>,
}

#[derive(Default)]
struct LoadState {
    puts: Vec<Entry>,
    /// Index into `puts`, key id and alias of every private key entry.
    key_list: Vec<(usize, Vec<u8>, String)>,
    cert_records: Vec<CertRecord>,
    all_certs: Vec<Certificate>,
    private_key_count: usize,
    secret_key_count: usize,
    certificate_count: usize,
    counter: usize,
}

enum BagItem {
    PrivateKey(Vec<u8>),
    SecretKey(Vec<u8>),
    Cert(Certificate),
    Other,
}

/// Reads a PKCS12 store. Without a password the encrypted safes (the
/// certificates) are skipped and the MAC is not checked, as the JDK does.
pub(crate) fn decode(bytes: &[u8], password: Option<&Password>) -> Result<Keystore> {
    // JDK compat: PKCS12KeyStore reads one DER value and ignores what follows.
    let pfx = asn1::Reader::new(bytes).read()?;
    pfx.expect(tag::SEQUENCE, "PFX")?;
    let mut s = pfx.children();
    if s.read()?.small_uint()? != 3 {
        return Err(Error::corrupt("PKCS12 keystore not in version 3 format"));
    }
    let (content_type, content) = content_info(&s.read()?)?;
    if content_type != DATA {
        return Err(Error::corrupt("public key protected PKCS12 not supported"));
    }
    let auth_safe: Cow<'_, [u8]> = content.octets()?;
    let safes = asn1::parse_exact(&auth_safe, "AuthenticatedSafe")?;
    safes.expect(tag::SEQUENCE, "AuthenticatedSafe")?;

    let mut st = LoadState::default();
    let mut loaded = LoadedProtection::default();
    let mut see_enc_bag = false;
    let mut r = safes.children();
    while !r.is_empty() {
        let (ct, content) = content_info(&r.read()?)?;
        if ct == DATA {
            load_safe_contents(&content.octets()?, &mut st)?;
        } else if ct == ENCRYPTED_DATA {
            let Some(password) = password else {
                // JDK compat: without a password the certificates are skipped;
                // key entries then have no chain.
                continue;
            };
            let (scheme, ciphertext) = encrypted_data(&content)?;
            if let Some((pbe, n)) = scheme.as_pkcs12_pbe() {
                loaded.cert = Remembered::Present(pbe, n);
            }
            see_enc_bag = true;
            // A wrong password shows as bad padding or, rarely, as garbage
            // that does not parse: the JDK reports both the same way.
            let mut staged = None;
            retry_with_zero(password, |pw| {
                let plain = scheme.decrypt(pw, &ciphertext)?;
                let mut trial = LoadState { counter: st.counter, ..LoadState::default() };
                trial.private_key_count = st.private_key_count;
                load_safe_contents(&plain, &mut trial)?;
                staged = Some(trial);
                Ok(())
            })
            .map_err(|e| match e {
                Error::UnsupportedAlgorithm(_) => e,
                _ => Error::Pkcs12PasswordIncorrect,
            })?;
            if let Some(trial) = staged {
                st.merge(trial);
            }
        } else {
            return Err(Error::corrupt("public key protected PKCS12 not supported"));
        }
    }
    if !see_enc_bag && st.certificate_count > 0 {
        loaded.cert = Remembered::Absent;
    }
    if s.is_empty() {
        loaded.mac = Remembered::Absent;
    } else if let Some(password) = password {
        loaded.mac = verify_mac(&s.read()?, password, &auth_safe)?;
    }
    build_chains(&mut st);
    Ok(Keystore::from_puts(StoreType::Pkcs12, st.puts, loaded))
}

impl LoadState {
    /// Adds what an encrypted safe yielded (read into a scratch state so a
    /// failed attempt leaves nothing behind).
    fn merge(&mut self, other: Self) {
        let base = self.puts.len();
        self.puts.extend(other.puts);
        self.key_list.extend(other.key_list.into_iter().map(|(i, k, a)| (i + base, k, a)));
        self.cert_records.extend(other.cert_records);
        self.all_certs.extend(other.all_certs);
        self.private_key_count = other.private_key_count;
        self.secret_key_count += other.secret_key_count;
        self.certificate_count += other.certificate_count;
        self.counter = other.counter;
    }
}

/// `ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY }`.
fn content_info<'a>(t: &Tlv<'a>) -> Result<(ObjectIdentifier, Tlv<'a>)> {
    t.expect(tag::SEQUENCE, "ContentInfo")?;
    let mut r = t.children();
    let ct = r.read()?.oid()?;
    let wrapper = r.read_tag(tag::CONTEXT_0, "ContentInfo content")?;
    let mut w = wrapper.children();
    let content = w.read()?;
    Ok((ct, content))
}

/// `EncryptedData ::= SEQUENCE { version, EncryptedContentInfo }`: the
/// scheme and the ciphertext.
fn encrypted_data(t: &Tlv<'_>) -> Result<(Scheme, Vec<u8>)> {
    t.expect(tag::SEQUENCE, "EncryptedData")?;
    let mut r = t.children();
    r.read()?.small_uint()?;
    let eci = r.read_tag(tag::SEQUENCE, "EncryptedContentInfo")?;
    let mut e = eci.children();
    let parts: Vec<Tlv<'_>> =
        std::iter::from_fn(|| if e.is_empty() { None } else { Some(e.read()) })
            .collect::<Result<_>>()?;
    if parts.len() != 3 {
        return Err(Error::corrupt("Invalid length for EncryptedContentInfo"));
    }
    parts[0].oid()?;
    let (alg_oid, params) = asn1::algorithm_identifier(&parts[1])?;
    if parts[2].tag & 0xdf != tag::CONTEXT_0_PRIM {
        return Err(Error::corrupt(format!("unsupported encrypted content type {}", parts[2].tag)));
    }
    let scheme = Scheme::parse(&alg_oid, params.as_ref())?;
    Ok((scheme, parts[2].octets()?.into_owned()))
}

/// `MacData`: checks the MAC and returns what the JDK remembers of it.
fn verify_mac(t: &Tlv<'_>, password: &Password, auth_safe: &[u8]) -> Result<Remembered<Pkcs12Mac>> {
    t.expect(tag::SEQUENCE, "MacData")?;
    let mut r = t.children();
    let digest_info = r.read_tag(tag::SEQUENCE, "DigestInfo")?;
    let mut d = digest_info.children();
    let alg = d.read()?;
    let (alg_oid, alg_params) = asn1::algorithm_identifier(&alg)?;
    let expected = d.read_tag(tag::OCTET_STRING, "MAC digest")?.octets()?.into_owned();
    let salt = r.read_tag(tag::OCTET_STRING, "MAC salt")?.octets()?.into_owned();
    let iterations = if r.is_empty() { 1 } else { r.read()?.small_uint()? };
    if iterations > MAX_ITERATION_COUNT {
        return Err(Error::corrupt(format!(
            "Integrity check failed: java.security.InvalidAlgorithmParameterException: MAC iteration count too large: {iterations}"
        )));
    }
    if alg_oid == pbe::PBMAC1 {
        // RFC 9579: the key comes from PBKDF2 as its parameters say; the
        // MacData salt and iteration count are not used.
        let params = alg_params.ok_or_else(|| Error::corrupt("missing PBMAC1 parameters"))?;
        params.expect(tag::SEQUENCE, "PBMAC1 parameters")?;
        let mut p = params.children();
        let (prf, kdf_salt, kdf_iterations, key_len) = pbe::parse_pbkdf2(&p.read()?)?;
        let (mac_oid, _) = asn1::algorithm_identifier(&p.read()?)?;
        let mac_prf = HmacPrf::from_oid(&mac_oid).ok_or_else(|| {
            Error::UnsupportedAlgorithm(format!("PBMAC1 message authentication scheme {mac_oid}"))
        })?;
        let key_len =
            key_len.ok_or_else(|| Error::corrupt("PBMAC1 without a key length"))? as usize;
        if key_len == 0 || key_len > 256 {
            return Err(Error::corrupt("PBMAC1 key length out of range"));
        }
        let ok = retry_with_zero(password, |pw| {
            let mut key = Zeroizing::new(vec![0u8; key_len]);
            prf.pbkdf2(pw.expose_secret().as_bytes(), &kdf_salt, kdf_iterations, &mut key);
            if constant_time_eq(&mac_prf.hmac(&key, auth_safe), &expected) {
                Ok(())
            } else {
                Err(Error::Pkcs12IntegrityCheckFailed)
            }
        });
        ok?;
        // The JDK cannot write PBMAC1; a re-save uses the default MAC.
        return Ok(Remembered::Unknown);
    }
    let mac = Pkcs12Mac::from_digest_oid(&alg_oid)
        .ok_or_else(|| Error::UnsupportedAlgorithm(format!("HmacPBE with digest {alg_oid}")))?;
    retry_with_zero(password, |pw| {
        if constant_time_eq(&mac.compute(pw, &salt, iterations, auth_safe), &expected) {
            Ok(())
        } else {
            Err(Error::Pkcs12IntegrityCheckFailed)
        }
    })?;
    Ok(Remembered::Present(mac, iterations))
}

/// `PKCS12KeyStore.loadSafeContents`.
fn load_safe_contents(data: &[u8], st: &mut LoadState) -> Result<()> {
    let contents = asn1::parse_exact(data, "SafeContents")?;
    contents.expect(tag::SEQUENCE, "SafeContents")?;
    let mut bags = contents.children();
    let mut i = 0usize;
    while !bags.is_empty() {
        let bag = bags.read_tag(tag::SEQUENCE, "SafeBag")?;
        load_bag(&bag, i, st)?;
        i += 1;
    }
    Ok(())
}

#[derive(Default)]
struct BagAttributes {
    alias: Option<String>,
    key_id: Option<Vec<u8>>,
    trusted_key_usage: Option<Vec<ObjectIdentifier>>,
    other: Vec<Vec<u8>>,
}

fn load_bag(bag: &Tlv<'_>, index: usize, st: &mut LoadState) -> Result<()> {
    let mut sbi = bag.children();
    let bag_id = sbi.read()?.oid()?;
    let wrapper = sbi.read()?;
    if wrapper.tag != tag::CONTEXT_0 {
        return Err(Error::corrupt(format!("unsupported PKCS12 bag value type {}", wrapper.tag)));
    }
    let value = wrapper.children().read()?;
    let item = match bag_id {
        SHROUDED_KEY_BAG => {
            st.private_key_count += 1;
            BagItem::PrivateKey(value.raw.to_vec())
        }
        CERT_BAG => {
            let (_, cert_value) = two_part_bag(&value, "CertBag")?;
            let der = cert_value.octets()?;
            st.certificate_count += 1;
            BagItem::Cert(parse_certificate(&der)?)
        }
        SECRET_BAG => {
            let (_, secret_value) = two_part_bag(&value, "SecretBag")?;
            st.secret_key_count += 1;
            BagItem::SecretKey(secret_value.octets()?.into_owned())
        }
        // JDK compat: PKCS12KeyStore ignores other bag types, unencrypted
        // keyBags (KEY_BAG) included.
        _ => BagItem::Other,
    };
    let attrs = if sbi.peek_tag() == Some(tag::SET) {
        parse_attributes(&sbi.read()?)?
    } else {
        BagAttributes::default()
    };
    let BagAttributes { alias, key_id, trusted_key_usage, other } = attrs;
    match item {
        BagItem::PrivateKey(_) | BagItem::SecretKey(_) => {
            let is_private = matches!(item, BagItem::PrivateKey(_));
            let key_id = match key_id {
                Some(k) => k,
                // JDK compat: a key without localKeyId gets "01" when it is the
                // only private key so far, else it is dropped; a secret key gets "00".
                None if is_private && st.private_key_count == 1 => b"01".to_vec(),
                None if is_private => return Ok(()),
                None => b"00".to_vec(),
            };
            let created = parse_time_key_id(&key_id);
            let alias = alias.unwrap_or_else(|| st.unfriendly_name());
            let folded = fold_alias(&alias);
            let kind = match item {
                BagItem::PrivateKey(blob) => EntryKind::PrivateKey {
                    key: ProtectedKey::stored(KeyCodec::Pkcs12Private, blob),
                    chain: Vec::new(),
                },
                BagItem::SecretKey(blob) => {
                    EntryKind::SecretKey { key: ProtectedKey::stored(KeyCodec::Pkcs12Secret, blob) }
                }
                _ => return Ok(()),
            };
            if is_private {
                st.key_list.push((st.puts.len(), key_id.clone(), alias.clone()));
            }
            let friendly_name = (folded != alias).then_some(alias);
            st.puts.push(Entry {
                alias: folded,
                created,
                kind,
                pkcs12: Pkcs12Attributes {
                    friendly_name,
                    local_key_id: Some(key_id),
                    trusted_key_usage: None,
                    other,
                },
            });
        }
        BagItem::Cert(cert) => {
            let mut key_id = key_id;
            // JDK compat: the first bag of a safe gets localKeyId "01" when the
            // store has exactly one private key so far.
            if key_id.is_none() && st.private_key_count == 1 && index == 0 {
                key_id = Some(b"01".to_vec());
            }
            if let Some(tku) = trusted_key_usage {
                let alias = alias.unwrap_or_else(|| st.unfriendly_name());
                let folded = fold_alias(&alias);
                let friendly_name = (folded != alias).then_some(alias);
                st.puts.push(Entry {
                    alias: folded,
                    // JDK compat: a trusted certificate is dated when it is loaded.
                    created: None,
                    kind: EntryKind::TrustedCert { cert: cert.clone() },
                    pkcs12: Pkcs12Attributes {
                        friendly_name,
                        local_key_id: key_id,
                        trusted_key_usage: Some(tku),
                        other,
                    },
                });
            } else {
                st.cert_records.push(CertRecord { cert: cert.clone(), key_id, alias });
            }
            st.all_certs.push(cert);
        }
        BagItem::Other => {}
    }
    Ok(())
}

impl LoadState {
    fn unfriendly_name(&mut self) -> String {
        self.counter += 1;
        self.counter.to_string()
    }
}

/// `SEQUENCE { type OID, [0] EXPLICIT value }` of cert and secret bags.
fn two_part_bag<'a>(value: &Tlv<'a>, what: &str) -> Result<(ObjectIdentifier, Tlv<'a>)> {
    value.expect(tag::SEQUENCE, what)?;
    let mut r = value.children();
    let parts: Vec<Tlv<'a>> =
        std::iter::from_fn(|| if r.is_empty() { None } else { Some(r.read()) })
            .collect::<Result<_>>()?;
    if parts.len() != 2 {
        return Err(Error::corrupt(format!("Invalid length for {what}")));
    }
    let id = parts[0].oid()?;
    if parts[1].tag != tag::CONTEXT_0 {
        return Err(Error::corrupt(format!(
            "unsupported PKCS12 {what} value type {}",
            parts[1].tag
        )));
    }
    let inner = parts[1].children().read()?;
    Ok((id, inner))
}

fn parse_attributes(set: &Tlv<'_>) -> Result<BagAttributes> {
    let mut out = BagAttributes::default();
    let mut r = set.children();
    while !r.is_empty() {
        let attr = r.read()?;
        attr.expect(tag::SEQUENCE, "Attribute")?;
        let mut a = attr.children();
        let parts: Vec<Tlv<'_>> =
            std::iter::from_fn(|| if a.is_empty() { None } else { Some(a.read()) })
                .collect::<Result<_>>()?;
        if parts.len() != 2 {
            return Err(Error::corrupt("Invalid length for Attribute"));
        }
        let id = parts[0].oid()?;
        if parts[1].tag != tag::SET {
            return Err(Error::corrupt(format!("Attribute {id} should have a value")));
        }
        let mut vr = parts[1].children();
        let values: Vec<Tlv<'_>> =
            std::iter::from_fn(|| if vr.is_empty() { None } else { Some(vr.read()) })
                .collect::<Result<_>>()?;
        let first =
            || values.first().ok_or_else(|| Error::corrupt(format!("Attribute {id} has no value")));
        match id {
            FRIENDLY_NAME => out.alias = Some(first()?.bmp_string()?),
            LOCAL_KEY_ID => {
                let v = first()?;
                if v.tag & 0x1f != tag::OCTET_STRING {
                    return Err(Error::corrupt("DerValue.getOctetString, not an Octet String"));
                }
                out.key_id = Some(v.octets()?.into_owned());
            }
            TRUSTED_KEY_USAGE => {
                out.trusted_key_usage = Some(values.iter().map(Tlv::oid).collect::<Result<_>>()?)
            }
            _ => out.other.push(attr.raw.to_vec()),
        }
    }
    Ok(out)
}

/// `"Time <millis>"` as `Long.parseLong` reads it; `None` otherwise (the JDK
/// then dates the entry at load time).
fn parse_time_key_id(key_id: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(key_id).ok()?.strip_prefix("Time ")?;
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>().ok()
}

/// The chains of the private key entries, as `PKCS12KeyStore.engineLoad`
/// builds them from the certificate bags.
fn build_chains(st: &mut LoadState) {
    for (idx, key_id, alias) in std::mem::take(&mut st.key_list) {
        let mut chain: Vec<Certificate> = Vec::new();
        let mut cert = find_matched_certificate(&st.cert_records, &key_id, &alias);
        while let Some(c) = cert {
            if chain.contains(&c) {
                break;
            }
            let self_signed = is_self_signed(&c);
            chain.push(c.clone());
            if self_signed {
                break;
            }
            cert = find_issuer(&st.all_certs, &c);
        }
        if let Some(Entry { kind: EntryKind::PrivateKey { chain: slot, .. }, .. }) =
            st.puts.get_mut(idx)
        {
            *slot = chain;
        }
    }
}

/// `findMatchedCertificate`: a localKeyId match (preferring one whose alias
/// also matches), else an alias match; the last such bag wins.
fn find_matched_certificate(
    records: &[CertRecord],
    key_id: &[u8],
    alias: &str,
) -> Option<Certificate> {
    let mut key_id_match = None;
    let mut alias_match = None;
    for ce in records {
        let alias_eq = ce.alias.as_deref().is_some_and(|a| java_equals_ignore_case(a, alias));
        if ce.key_id.as_deref() == Some(key_id) {
            key_id_match = Some(ce);
            if alias_eq {
                return Some(ce.cert.clone());
            }
        } else if alias_eq {
            alias_match = Some(ce);
        }
    }
    key_id_match.or(alias_match).map(|ce| ce.cert.clone())
}

/// `String.equalsIgnoreCase`: per UTF-16 unit, equal after upper- or
/// lower-casing.
fn java_equals_ignore_case(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    a.len() == b.len()
        && a.iter().zip(&b).all(|(x, y)| {
            x == y || x.to_uppercase().eq(y.to_uppercase()) || x.to_lowercase().eq(y.to_lowercase())
        })
}

/// `KeyStoreUtil.isSelfSigned`: issuer equals subject and the signature
/// verifies with the certificate's own key.
fn is_self_signed(cert: &Certificate) -> bool {
    x500::canonical_key(&cert.subject_der()) == x500::canonical_key(&cert.issuer_der())
        && cert.public_key().and_then(|k| cert.verify_signed_by(&k)).is_ok()
}

fn extension_value(cert: &Certificate, oid: &ObjectIdentifier) -> Option<Vec<u8>> {
    let exts = cert.parsed().tbs_certificate().extensions()?;
    exts.iter()
        .find(|e| e.extn_id.as_bytes() == oid.as_bytes())
        .map(|e| e.extn_value.as_bytes().to_vec())
}

/// `findIssuer`: a certificate whose subject is the issuer, preferring one
/// whose SubjectKeyIdentifier equals the AuthorityKeyIdentifier.
fn find_issuer(all: &[Certificate], input: &Certificate) -> Option<Certificate> {
    let issuer = x500::canonical_key(&input.issuer_der());
    // The AKI keyIdentifier re-encoded as an OCTET STRING, as
    // AuthorityKeyIdentifierExtension.getEncodedKeyIdentifier returns it.
    let issuer_id = extension_value(input, &AUTHORITY_KEY_ID).and_then(|aki| {
        let t = asn1::parse_exact(&aki, "AKI").ok()?;
        if t.tag != tag::SEQUENCE {
            return None;
        }
        let mut r = t.children();
        while !r.is_empty() {
            let f = r.read().ok()?;
            if f.tag == tag::CONTEXT_0_PRIM {
                return Some(asn1::octets(f.body));
            }
        }
        None
    });
    let mut fallback = None;
    for cert in all {
        if x500::canonical_key(&cert.subject_der()) != issuer {
            continue;
        }
        let Some(issuer_id) = &issuer_id else { return Some(cert.clone()) };
        match extension_value(cert, &SUBJECT_KEY_ID) {
            Some(subject_id) if subject_id == *issuer_id => return Some(cert.clone()),
            Some(_) => {}
            None => fallback = Some(cert.clone()),
        }
    }
    fallback
}

/// `engineGetKey` for a private key: decrypts the `EncryptedPrivateKeyInfo`.
pub(crate) fn recover_private_key(blob: &[u8], password: &Password) -> Result<Zeroizing<Vec<u8>>> {
    let plain = recover(blob, password)?;
    keyinfo::check_private_key_info(&plain).map_err(|e| get_key_failed(&e.to_string()))?;
    Ok(plain)
}

/// `engineGetKey` for a secret key: `SEQUENCE { 0, AlgorithmIdentifier, OCTET STRING key }`.
pub(crate) fn recover_secret_key(blob: &[u8], password: &Password) -> Result<SecretKeyMaterial> {
    let plain = recover(blob, password)?;
    let (oid, key) =
        keyinfo::algorithm_and_key(&plain).map_err(|e| get_key_failed(&e.to_string()))?;
    Ok(SecretKeyMaterial {
        algorithm: secret_algorithm_name(&oid),
        key: Zeroizing::new(key.into_owned()),
    })
}

fn get_key_failed(message: &str) -> Error {
    Error::UnrecoverableKey(format!("Get Key failed: {message}"))
}

fn recover(blob: &[u8], password: &Password) -> Result<Zeroizing<Vec<u8>>> {
    let info = keyinfo::parse(blob).map_err(|e| {
        Error::UnrecoverableKey(format!(
            "Private key not stored as PKCS#8 EncryptedPrivateKeyInfo: {e}"
        ))
    })?;
    let scheme = Scheme::parse(&info.oid, info.params.as_ref())?;
    retry_with_zero(password, |pw| {
        let plain = scheme.decrypt(pw, &info.data)?;
        // The retry happens only when the result does not parse either.
        asn1::parse_exact(&plain, "PrivateKeyInfo")?;
        Ok(plain)
    })
    .map_err(|e| match e {
        Error::UnsupportedAlgorithm(_) => e,
        Error::UnrecoverableKey(m) => get_key_failed(&m),
        other => get_key_failed(&other.to_string()),
    })
}

/// `AlgorithmId.get(name)` for the secret-key algorithms the JDK knows,
/// name to OID (`KnownOIDs`).
const SECRET_KEY_OIDS: &[(&str, &str)] = &[
    ("AES", "2.16.840.1.101.3.4.1"),
    ("DES", "1.3.14.3.2.7"),
    ("DESede", "1.3.14.3.2.17"),
    ("HmacSHA1", "1.2.840.113549.2.7"),
    ("HmacSHA224", "1.2.840.113549.2.8"),
    ("HmacSHA256", "1.2.840.113549.2.9"),
    ("HmacSHA384", "1.2.840.113549.2.10"),
    ("HmacSHA512", "1.2.840.113549.2.11"),
    ("HmacSHA512/224", "1.2.840.113549.2.12"),
    ("HmacSHA512/256", "1.2.840.113549.2.13"),
    ("HmacSHA3-224", "2.16.840.1.101.3.4.2.13"),
    ("HmacSHA3-256", "2.16.840.1.101.3.4.2.14"),
    ("HmacSHA3-384", "2.16.840.1.101.3.4.2.15"),
    ("HmacSHA3-512", "2.16.840.1.101.3.4.2.16"),
    ("PBEWithMD5AndDES", "1.2.840.113549.1.5.3"),
    ("PBEWithMD5AndRC2", "1.2.840.113549.1.5.6"),
    ("PBEWithSHA1AndDES", "1.2.840.113549.1.5.10"),
    ("PBEWithSHA1AndRC2", "1.2.840.113549.1.5.11"),
    ("PBKDF2WithHmacSHA1", "1.2.840.113549.1.5.12"),
    ("PBEWithSHA1AndRC4_128", "1.2.840.113549.1.12.1.1"),
    ("PBEWithSHA1AndRC4_40", "1.2.840.113549.1.12.1.2"),
    ("PBEWithSHA1AndDESede", "1.2.840.113549.1.12.1.3"),
    ("PBEWithSHA1AndRC2_128", "1.2.840.113549.1.12.1.5"),
    ("PBEWithSHA1AndRC2_40", "1.2.840.113549.1.12.1.6"),
    ("ARCFOUR", "1.2.840.113549.3.4"),
    ("RC4", "1.2.840.113549.3.4"),
];

/// `AlgorithmId.getName()` of a secret key's OID: the `KnownOIDs` standard
/// name (so a DES key reads back as `DES/CBC`, as in the JDK), or the OID.
fn secret_algorithm_name(oid: &ObjectIdentifier) -> String {
    let s = oid.to_string();
    match s.as_str() {
        // JDK compat: KnownOIDs.OIW_DES_CBC's standard name is "DES/CBC".
        "1.3.14.3.2.7" => "DES/CBC".into(),
        "1.2.840.113549.3.7" => "DESede/CBC/NoPadding".into(),
        _ => SECRET_KEY_OIDS.iter().find(|(_, o)| *o == s).map_or(s, |(n, _)| (*n).to_owned()),
    }
}

/// `AlgorithmId.get(algorithm)` for a new secret key.
fn secret_algorithm_oid(name: &str) -> Result<ObjectIdentifier> {
    let name = name.strip_prefix("OID.").unwrap_or(name);
    if let Some((_, oid)) = SECRET_KEY_OIDS.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
        return ObjectIdentifier::new(oid).map_err(|e| Error::CannotStore(e.to_string()));
    }
    if name.eq_ignore_ascii_case("DES/CBC") {
        return Ok(ObjectIdentifier::new_unwrap("1.3.14.3.2.7"));
    }
    if name.contains('.') {
        return ObjectIdentifier::new(name)
            .map_err(|_| Error::CannotStore(format!("Invalid ObjectIdentifier {name}")));
    }
    Err(Error::CannotStore(format!(
        "Key protection algorithm not found: java.security.NoSuchAlgorithmException: unrecognized algorithm name: {name}"
    )))
}

// ----------------------------------------------------------------------------
// Writing.

fn attribute(oid: &ObjectIdentifier, values: &[&[u8]]) -> Vec<u8> {
    asn1::seq(&[&asn1::oid(oid), &asn1::cons(tag::SET, values)])
}

/// `getBagAttributes`: friendlyName, localKeyId, trusted key usage, then the
/// other attributes in `HashSet` order. The JDK does not sort this SET.
fn bag_attributes(
    alias: Option<&str>,
    key_id: Option<&[u8]>,
    trusted_usage: Option<&[ObjectIdentifier]>,
    other: &[Vec<u8>],
) -> Vec<u8> {
    let mut parts: Vec<Vec<u8>> = Vec::new();
    if let Some(alias) = alias {
        parts.push(attribute(&FRIENDLY_NAME, &[&asn1::bmp_string(alias)]));
    }
    if let Some(key_id) = key_id {
        parts.push(attribute(&LOCAL_KEY_ID, &[&asn1::octets(key_id)]));
    }
    if let Some(usage) = trusted_usage {
        let oids: Vec<Vec<u8>> = usage.iter().map(asn1::oid).collect();
        let refs: Vec<&[u8]> = oids.iter().map(Vec::as_slice).collect();
        parts.push(attribute(&TRUSTED_KEY_USAGE, &refs));
    }
    // The entry's attribute set also holds the core attributes, which only
    // matter for the set's size.
    let core = usize::from(alias.is_some())
        + usize::from(key_id.is_some())
        + usize::from(trusted_usage.is_some());
    for i in java_hashset_order(other, core) {
        parts.push(other[i].clone());
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    asn1::cons(tag::SET, &refs)
}

/// `ContentInfo` of type data around `content`.
fn data_content_info(content: &[u8]) -> Vec<u8> {
    asn1::seq(&[&asn1::oid(&DATA), &asn1::cons(tag::CONTEXT_0, &[&asn1::octets(content)])])
}

fn safe_bag(bag_id: &ObjectIdentifier, value: &[u8], attributes: &[u8]) -> Vec<u8> {
    asn1::seq(&[&asn1::oid(bag_id), &asn1::cons(tag::CONTEXT_0, &[value]), attributes])
}

/// The `localKeyId` of a key entry: kept from the file, or `Time <millis>`.
fn key_entry_key_id(e: &Entry, now_millis: i64) -> Vec<u8> {
    e.pkcs12
        .local_key_id
        .clone()
        .unwrap_or_else(|| format!("Time {}", e.created.unwrap_or(now_millis)).into_bytes())
}

/// Writes a PKCS12 store as `PKCS12KeyStore.engineStore` does.
pub(crate) fn encode<R: CryptoRng + ?Sized>(
    ks: &Keystore,
    password: &Password,
    rng: &mut R,
    now_millis: i64,
    options: &Pkcs12Options,
) -> Result<Vec<u8>> {
    for e in ks.entries() {
        if let EntryKind::PrivateKey { chain, .. } = &e.kind {
            validate_chain(chain)?;
        }
    }
    // Keys first: new keys are protected in entry order.
    let mut key_bags: Vec<Vec<u8>> = Vec::new();
    for e in ks.entries() {
        let key_id = key_entry_key_id(e, now_millis);
        let attrs = bag_attributes(Some(&e.alias), Some(&key_id), None, &e.pkcs12.other);
        match &e.kind {
            EntryKind::PrivateKey { key, .. } => {
                let blob = key_blob(e, key, false, rng, options)?;
                key_bags.push(safe_bag(&SHROUDED_KEY_BAG, &blob, &attrs));
            }
            EntryKind::SecretKey { key } => {
                let blob = key_blob(e, key, true, rng, options)?;
                let secret_bag = asn1::seq(&[
                    &asn1::oid(&SHROUDED_KEY_BAG),
                    &asn1::cons(tag::CONTEXT_0, &[&asn1::octets(&blob)]),
                ]);
                key_bags.push(safe_bag(&SECRET_BAG, &secret_bag, &attrs));
            }
            EntryKind::TrustedCert { .. } => {}
        }
    }

    let mut cert_bags: Vec<Vec<u8>> = Vec::new();
    for e in ks.entries() {
        let certs: &[Certificate] = match &e.kind {
            EntryKind::PrivateKey { chain, .. } => chain,
            EntryKind::TrustedCert { cert } => std::slice::from_ref(cert),
            EntryKind::SecretKey { .. } => &[],
        };
        let name = e.pkcs12.friendly_name.as_deref().unwrap_or(&e.alias);
        for (i, cert) in certs.iter().enumerate() {
            let cert_bag = asn1::seq(&[
                &asn1::oid(&X509_CERTIFICATE),
                &asn1::cons(tag::CONTEXT_0, &[&asn1::octets(cert.der())]),
            ]);
            let attrs = if i == 0 {
                match &e.kind {
                    EntryKind::TrustedCert { .. } => {
                        let any = [ANY_EXTENDED_KEY_USAGE];
                        let usage = e.pkcs12.trusted_key_usage.as_deref().unwrap_or(&any);
                        bag_attributes(
                            Some(name),
                            e.pkcs12.local_key_id.as_deref(),
                            Some(usage),
                            &e.pkcs12.other,
                        )
                    }
                    _ => {
                        let key_id = key_entry_key_id(e, now_millis);
                        bag_attributes(Some(name), Some(&key_id), None, &e.pkcs12.other)
                    }
                }
            } else {
                // JDK compat: CA certificates of a chain are named by their
                // RFC 2253 subject and carry no localKeyId.
                let subject = x500::rfc2253_name(&cert.subject_der())?;
                bag_attributes(Some(&subject), None, None, &e.pkcs12.other)
            };
            cert_bags.push(safe_bag(&CERT_BAG, &cert_bag, &attrs));
        }
    }

    let mut content_infos: Vec<Vec<u8>> = Vec::new();
    if !key_bags.is_empty() {
        let refs: Vec<&[u8]> = key_bags.iter().map(Vec::as_slice).collect();
        content_infos.push(data_content_info(&asn1::seq(&refs)));
    }
    if !cert_bags.is_empty() {
        let refs: Vec<&[u8]> = cert_bags.iter().map(Vec::as_slice).collect();
        let safe = asn1::seq(&refs);
        match options.cert_protection {
            Some(pbe) => {
                let (alg, ct) = pbe::encrypt(pbe, options.cert_iterations, password, rng, &safe)?;
                let eci =
                    asn1::seq(&[&asn1::oid(&DATA), &alg, &asn1::tlv(tag::CONTEXT_0_PRIM, &ct)]);
                let encrypted_data = asn1::seq(&[&asn1::uint(0), &eci]);
                content_infos.push(asn1::seq(&[
                    &asn1::oid(&ENCRYPTED_DATA),
                    &asn1::cons(tag::CONTEXT_0, &[&encrypted_data]),
                ]));
            }
            None => content_infos.push(data_content_info(&safe)),
        }
    }
    let refs: Vec<&[u8]> = content_infos.iter().map(Vec::as_slice).collect();
    let authenticated_safe = asn1::seq(&refs);
    let auth_safe = data_content_info(&authenticated_safe);
    let mut pfx_parts = vec![asn1::uint(3), auth_safe];
    if let Some(mac) = options.mac {
        if options.mac_iterations == 0 || options.mac_iterations > MAX_ITERATION_COUNT {
            return Err(Error::CannotStore(format!(
                "Invalid keystore.pkcs12.macIterationCount: {}",
                options.mac_iterations
            )));
        }
        let mut salt = [0u8; 20];
        rng.fill_bytes(&mut salt);
        let digest = mac.compute(password, &salt, options.mac_iterations, &authenticated_safe);
        let digest_info = asn1::seq(&[
            &asn1::algorithm(&mac.digest_oid(), Some(&asn1::null())),
            &asn1::octets(&digest),
        ]);
        pfx_parts.push(asn1::seq(&[
            &digest_info,
            &asn1::octets(&salt),
            &asn1::uint(u64::from(options.mac_iterations)),
        ]));
    }
    let refs: Vec<&[u8]> = pfx_parts.iter().map(Vec::as_slice).collect();
    Ok(asn1::seq(&refs))
}

/// `PKCS12KeyStore.validateChain`: each certificate is issued by the next
/// one (by name) and none repeats.
fn validate_chain(chain: &[Certificate]) -> Result<()> {
    let linked = chain.windows(2).all(|w| {
        x500::canonical_key(&w[0].issuer_der()) == x500::canonical_key(&w[1].subject_der())
    });
    let unique = chain.iter().enumerate().all(|(i, c)| !chain[..i].contains(c));
    if linked && unique {
        Ok(())
    } else {
        Err(Error::CannotStore("Certificate chain is not valid".into()))
    }
}

/// The `EncryptedPrivateKeyInfo` of a key entry: reused when it was read
/// from a PKCS12 store, else made with the key protection options.
fn key_blob<R: CryptoRng + ?Sized>(
    e: &Entry,
    key: &ProtectedKey,
    secret: bool,
    rng: &mut R,
    options: &Pkcs12Options,
) -> Result<Vec<u8>> {
    let want = if secret { KeyCodec::Pkcs12Secret } else { KeyCodec::Pkcs12Private };
    if let Some((codec, blob)) = key.stored_parts() {
        return if codec == want { Ok(blob.to_vec()) } else { Err(foreign_key(&e.alias)) };
    }
    let (material, algorithm, password) = key.plain_parts().ok_or_else(|| foreign_key(&e.alias))?;
    let plain: Zeroizing<Vec<u8>> = match (secret, algorithm) {
        (false, None) => Zeroizing::new(material.to_vec()),
        (true, Some(algorithm)) => {
            let oid = secret_algorithm_oid(algorithm)?;
            Zeroizing::new(asn1::seq(&[
                &asn1::uint(0),
                &asn1::algorithm(&oid, Some(&asn1::null())),
                &asn1::octets(material),
            ]))
        }
        _ => return Err(foreign_key(&e.alias)),
    };
    let (alg, ct) =
        pbe::encrypt(options.key_protection, options.key_iterations, password, rng, &plain)?;
    Ok(keyinfo::encode(&alg, &ct))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_key_ids() {
        assert_eq!(parse_time_key_id(b"Time 1795505627931"), Some(1_795_505_627_931));
        assert_eq!(parse_time_key_id(b"Time -5"), Some(-5));
        assert_eq!(parse_time_key_id(b"Time "), None);
        assert_eq!(parse_time_key_id(b"Time 1x"), None);
        assert_eq!(parse_time_key_id(b"01"), None);
    }

    #[test]
    fn secret_algorithm_names() {
        assert_eq!(secret_algorithm_oid("AES").unwrap().to_string(), "2.16.840.1.101.3.4.1");
        assert_eq!(secret_algorithm_name(&secret_algorithm_oid("DES").unwrap()), "DES/CBC");
        assert_eq!(secret_algorithm_name(&secret_algorithm_oid("desede").unwrap()), "DESede");
        assert_eq!(
            secret_algorithm_name(&secret_algorithm_oid("HmacSHA256").unwrap()),
            "HmacSHA256"
        );
        assert!(secret_algorithm_oid("Blowfish").is_err());
    }

    #[test]
    fn equals_ignore_case() {
        assert!(java_equals_ignore_case("MyKey", "mykey"));
        assert!(!java_equals_ignore_case("MyKey", "mykeys"));
    }
}

#[cfg(test)]
mod jdk_structure_tests {
    use rand::SeedableRng as _;

    use super::*;

    /// The plaintext of every safe of a PFX: the SafeContents of data safes
    /// as stored, those of encrypted safes decrypted.
    fn safes(bytes: &[u8], password: &Password) -> (usize, Vec<Vec<u8>>) {
        let pfx = asn1::parse_exact(bytes, "PFX").unwrap();
        let mut s = pfx.children();
        s.read().unwrap();
        let (_, content) = content_info(&s.read().unwrap()).unwrap();
        let auth_safe = content.octets().unwrap().into_owned();
        let list = asn1::parse_exact(&auth_safe, "AuthenticatedSafe").unwrap();
        let mut r = list.children();
        let mut out = Vec::new();
        while !r.is_empty() {
            let (ct, c) = content_info(&r.read().unwrap()).unwrap();
            if ct == DATA {
                out.push(c.octets().unwrap().into_owned());
            } else {
                let (scheme, ct) = encrypted_data(&c).unwrap();
                out.push(scheme.decrypt(password, &ct).unwrap().to_vec());
            }
        }
        (bytes.len(), out)
    }

    /// Storing a JDK-written store again gives, safe by safe, the bytes the
    /// JDK wrote: bag order, attributes (friendlyName spelling, localKeyId,
    /// trusted key usage, CA names) and protection parameters' sizes.
    #[test]
    fn resave_matches_the_jdk_structure() {
        let pw = Password::new("changeit".into());
        // (store, the JDK's own re-save of it). A store written right after an
        // import keeps the import order; the JDK's reload puts keys first.
        for (name, resaved) in [
            ("jdk-default.p12", "jdk-default.p12"),
            ("jdk-legacy.p12", "jdk-legacy.p12"),
            ("jdk-chain.p12", "jdk-chain.p12"),
            ("jdk-from-jceks.p12", "jdk-from-jceks-resaved.p12"),
        ] {
            let read = |n: &str| {
                std::fs::read(format!(
                    "{}/../../fixtures/keystores/{n}",
                    env!("CARGO_MANIFEST_DIR")
                ))
                .unwrap()
            };
            let bytes = read(name);
            let ks = decode(&bytes, Some(&pw)).unwrap();
            let options = ks.pkcs12_resave_options(Pkcs12Options::jdk_default());
            let ours =
                encode(&ks, &pw, &mut rand::rngs::StdRng::seed_from_u64(0), 0, &options).unwrap();
            assert_eq!(safes(&ours, &pw), safes(&read(resaved), &pw), "{name}");
        }
    }
}

#[cfg(test)]
mod local_key_id_tests {
    use rand::SeedableRng as _;

    use super::*;

    fn pfx_of(bags: &[Vec<u8>]) -> Vec<u8> {
        let refs: Vec<&[u8]> = bags.iter().map(Vec::as_slice).collect();
        let safe = data_content_info(&asn1::seq(&refs));
        asn1::seq(&[&asn1::uint(3), &data_content_info(&asn1::seq(&[&safe]))])
    }

    /// Bags without attributes, as some tools write them: the JDK's
    /// `privateKeyCount == 1` workaround gives the only key and the first
    /// certificate the localKeyId "01", so they pair up; names are "1", "2".
    #[test]
    fn the_only_key_without_local_key_id_gets_01() {
        let path = format!("{}/../../fixtures/keystores/jdk-chain.p12", env!("CARGO_MANIFEST_DIR"));
        let pw = Password::new("changeit".into());
        let src = decode(&std::fs::read(path).unwrap(), Some(&pw)).unwrap();
        let EntryKind::PrivateKey { key, chain } = &src.get("leaf").unwrap().kind else { panic!() };
        let blob = key.stored_blob().unwrap().to_vec();
        let empty = asn1::cons(tag::SET, &[]);
        let key_bag = safe_bag(&SHROUDED_KEY_BAG, &blob, &empty);
        let cert_bag = |c: &Certificate| {
            let v = asn1::seq(&[
                &asn1::oid(&X509_CERTIFICATE),
                &asn1::cons(tag::CONTEXT_0, &[&asn1::octets(c.der())]),
            ]);
            asn1::seq(&[&asn1::oid(&CERT_BAG), &asn1::cons(tag::CONTEXT_0, &[&v])])
        };
        // The certificate bag comes first in its safe: i == 0.
        let bytes = pfx_of(&[cert_bag(&chain[0]), cert_bag(&chain[1]), key_bag.clone()]);
        let ks = decode(&bytes, Some(&pw)).unwrap();
        assert_eq!(ks.aliases().collect::<Vec<_>>(), ["1"]);
        let e = &ks.entries()[0];
        assert_eq!(e.pkcs12.local_key_id.as_deref(), Some(&b"01"[..]));
        assert_eq!(e.created, None);
        let EntryKind::PrivateKey { chain: got, .. } = &e.kind else { panic!() };
        // The bag at index 0 was processed before the key, so it got no "01":
        // no localKeyId match and no name match, hence no chain.
        assert!(got.is_empty());
        // Key first: now the leaf (index 1) does not get "01" either, but a
        // second key without localKeyId is dropped.
        let bytes = pfx_of(&[key_bag.clone(), key_bag]);
        let ks = decode(&bytes, Some(&pw)).unwrap();
        assert_eq!(ks.len(), 1);
        // The usual layout, keys in one safe and certificates in the next: the
        // first certificate of the second safe gets "01" and the chain is built.
        let safe = |bags: &[&Vec<u8>]| {
            let refs: Vec<&[u8]> = bags.iter().map(|b| b.as_slice()).collect();
            data_content_info(&asn1::seq(&refs))
        };
        let (leaf_bag, root_bag) = (cert_bag(&chain[0]), cert_bag(&chain[1]));
        let key_bag = safe_bag(&SHROUDED_KEY_BAG, &blob, &empty);
        let two_safes = asn1::seq(&[&safe(&[&key_bag]), &safe(&[&leaf_bag, &root_bag])]);
        let bytes = asn1::seq(&[&asn1::uint(3), &data_content_info(&two_safes)]);
        let ks = decode(&bytes, Some(&pw)).unwrap();
        let EntryKind::PrivateKey { chain: got, .. } = &ks.entries()[0].kind else { panic!() };
        assert_eq!(got, chain);
        // And a store written by signkit pairs them through "Time" ids.
        let again = encode(
            &src,
            &pw,
            &mut rand::rngs::StdRng::seed_from_u64(1),
            0,
            &Pkcs12Options::jdk_default(),
        )
        .unwrap();
        assert_eq!(decode(&again, Some(&pw)).unwrap().len(), src.len());
    }
}
