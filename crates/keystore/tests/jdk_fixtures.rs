//! Stores made by JDK 17 keytool and by OpenSSL 3 (fixtures/keystores, see
//! its README), checked against what the JDK itself reads from them
//! (`fixtures/keystores/jdk-dump/*.txt`, written by `KsDump.java`).

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

#[path = "support/common.rs"]
mod common;

use common::{corpus, fixture, hex, pem_der, read, sha256_hex};
use signkit_crypto::{Certificate, Password, PrivateKey};
use signkit_keystore::{EncodeOptions, EntryKind, Error, Keystore, StoreType, decode, encode};

/// One line of a `KsDump` output.
struct Dumped {
    alias: String,
    date: i64,
    kind: String,
    algorithm: Option<String>,
    encoded: Option<String>,
    chain: Vec<String>,
    cert: Option<String>,
}

fn dump(name: &str) -> Vec<Dumped> {
    let text = String::from_utf8(read(&fixture(&format!("jdk-dump/{name}.txt")))).unwrap();
    let mut lines = text.lines();
    let size: usize = lines.next().unwrap().strip_prefix("size ").unwrap().parse().unwrap();
    let out: Vec<Dumped> = lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let field = |k: &str| f.iter().find_map(|x| x.strip_prefix(k)).map(str::to_owned);
            Dumped {
                alias: f[0].to_owned(),
                date: field("date=").unwrap().parse().unwrap(),
                kind: f[2].to_owned(),
                algorithm: field("alg="),
                encoded: field("enc="),
                chain: field("chain=")
                    .map(|c| c.split(',').skip(1).map(str::to_owned).collect())
                    .unwrap_or_default(),
                cert: field("cert="),
            }
        })
        .collect();
    assert_eq!(out.len(), size);
    out
}

/// The algorithm name the JDK's key object reports.
fn jdk_key_algorithm(pkcs8: &[u8]) -> &'static str {
    match PrivateKey::from_pkcs8_der(pkcs8).unwrap().algorithm().jdk_name() {
        "Ed25519" => "EdDSA",
        other => other,
    }
}

/// Decodes `name` and compares every entry with the JDK's view of it.
fn check_against_jdk(
    name: &str,
    store_type: StoreType,
    key_passwords: &[(&str, &str)],
) -> Keystore {
    let pw = Password::new("changeit".into());
    let ks =
        decode(&read(&fixture(name)), Some(&pw), None).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert_eq!(ks.store_type(), store_type, "{name}");
    let jdk = dump(name);
    let ours: Vec<&str> = ks.aliases().collect();
    let theirs: Vec<&str> = jdk.iter().map(|d| d.alias.as_str()).collect();
    assert_eq!(ours, theirs, "{name}: aliases() order");
    for (e, d) in ks.entries().iter().zip(&jdk) {
        let what = format!("{name}/{}", d.alias);
        assert_eq!(e.type_name(), d.kind, "{what}");
        // The JDK dates PKCS12 entries without a recorded date at load time.
        if let Some(created) = e.created {
            assert_eq!(created, d.date, "{what}: date");
        }
        let key_pw = key_passwords
            .iter()
            .find(|(a, _)| *a == d.alias)
            .map_or_else(|| pw.duplicate(), |(_, p)| Password::new((*p).into()));
        match &e.kind {
            EntryKind::TrustedCert { cert } => {
                assert_eq!(Some(sha256_hex(cert.der())), d.cert, "{what}")
            }
            EntryKind::PrivateKey { key, chain } => {
                let pkcs8 = key.unseal(&key_pw).unwrap_or_else(|e| panic!("{what}: {e:?}"));
                assert_eq!(Some(jdk_key_algorithm(&pkcs8).to_owned()), d.algorithm, "{what}");
                assert_eq!(Some(hex(&pkcs8)), d.encoded, "{what}: key bytes");
                let chain: Vec<String> = chain.iter().map(|c| sha256_hex(c.der())).collect();
                assert_eq!(chain, d.chain, "{what}: chain");
                // The key matches the leaf certificate.
                if let Some(leaf) = e.certificate() {
                    let k = PrivateKey::from_pkcs8_der(&pkcs8).unwrap();
                    assert!(
                        k.public_key() == leaf.public_key().unwrap(),
                        "{what}: key/certificate mismatch"
                    );
                }
            }
            EntryKind::SecretKey { key } => {
                let secret = key.unseal_secret(&key_pw).unwrap_or_else(|e| panic!("{what}: {e:?}"));
                assert_eq!(Some(secret.algorithm.clone()), d.algorithm, "{what}");
                assert_eq!(Some(hex(&secret.key)), d.encoded, "{what}: key bytes");
            }
        }
    }
    ks
}

#[test]
fn jdk_pkcs12_default() {
    let ks = check_against_jdk("jdk-default.p12", StoreType::Pkcs12, &[]);
    // The trusted certificate keeps the spelling keytool was given as its friendlyName.
    let ca = ks.get("MyCA").unwrap();
    assert_eq!(ca.alias, "myca");
    assert_eq!(ca.pkcs12.friendly_name.as_deref(), Some("MyCA"));
    assert_eq!(
        ca.pkcs12.trusted_key_usage.as_ref().map(|u| u[0].to_string()),
        Some("2.5.29.37.0".into())
    );
    // "Time <millis>" local key ids carry the dates.
    let ec = ks.get("eckey").unwrap();
    assert_eq!(
        ec.pkcs12.local_key_id.as_deref(),
        Some(format!("Time {}", ec.created.unwrap()).as_bytes())
    );
    let opts = ks.pkcs12_resave_options(signkit_keystore::Pkcs12Options::jdk_legacy());
    assert_eq!(
        opts.cert_protection,
        signkit_keystore::Pkcs12Options::jdk_default().cert_protection
    );
    assert_eq!(opts.mac, Some(signkit_keystore::Pkcs12Mac::HmacPbeSha256));
}

#[test]
fn jdk_pkcs12_legacy() {
    let ks = check_against_jdk("jdk-legacy.p12", StoreType::Pkcs12, &[]);
    let opts = ks.pkcs12_resave_options(signkit_keystore::Pkcs12Options::jdk_default());
    assert_eq!(opts.cert_protection, Some(signkit_keystore::Pkcs12Pbe::Sha1AndRc2_40));
    assert_eq!(opts.cert_iterations, 50_000);
    assert_eq!(opts.mac, Some(signkit_keystore::Pkcs12Mac::HmacPbeSha1));
    assert_eq!(opts.mac_iterations, 100_000);
}

#[test]
fn jdk_pkcs12_chain_and_converted_secret_keys() {
    let ks = check_against_jdk("jdk-chain.p12", StoreType::Pkcs12, &[]);
    let EntryKind::PrivateKey { chain, .. } = &ks.get("leaf").unwrap().kind else { panic!() };
    assert_eq!(chain.len(), 2);
    // keytool -importkeystore from JCEKS: DES reads back as "DES/CBC", as in the JDK.
    check_against_jdk("jdk-from-jceks.p12", StoreType::Pkcs12, &[]);
}

#[test]
fn jdk_jks_and_jceks() {
    check_against_jdk("jdk.jks", StoreType::Jks, &[("otherpass", "keypass123")]);
    check_against_jdk("jdk-resaved.jks", StoreType::Jks, &[("otherpass", "keypass123")]);
    check_against_jdk("jdk.jceks", StoreType::Jceks, &[]);
    check_against_jdk("jdk-resaved.jceks", StoreType::Jceks, &[]);
    // Thirteen entries: loading grows the Hashtable from 11 to 23 buckets.
    check_against_jdk("jdk-many.jceks", StoreType::Jceks, &[]);
}

#[test]
fn openssl_pkcs12() {
    let leaf_key = pem_der(&fixture("openssl-leaf.key.pem"));
    for name in ["openssl-default.p12", "openssl-legacy.p12", "openssl-nomac-noname.p12"] {
        let ks = check_against_jdk(name, StoreType::Pkcs12, &[]);
        let e = &ks.entries()[0];
        let EntryKind::PrivateKey { key, chain } = &e.kind else { panic!() };
        assert_eq!(
            &*key.unseal(&Password::new("changeit".into())).unwrap(),
            &leaf_key[..],
            "{name}"
        );
        assert_eq!(chain.len(), 2, "{name}");
    }
    // Without a friendlyName the JDK invents the alias "1".
    let ks = decode(
        &read(&fixture("openssl-nomac-noname.p12")),
        Some(&Password::new("changeit".into())),
        None,
    )
    .unwrap();
    assert_eq!(ks.aliases().collect::<Vec<_>>(), ["1"]);
    assert_eq!(ks.entries()[0].created, None);
    let opts = ks.pkcs12_resave_options(signkit_keystore::Pkcs12Options::jdk_default());
    assert_eq!(opts.mac, None, "a store without MAC is stored again without one");
}

/// `encode(decode(x))` equals what the JDK writes when it loads `x` and
/// stores it unchanged (`KsResave.java`): same Hashtable order, same blobs,
/// same sealed objects, same digest.
#[test]
fn jdk_resave_is_byte_identical() {
    let pw = Password::new("changeit".into());
    for (src, jdk_out) in [
        ("jdk.jks", "jdk-resaved.jks"),
        ("jdk.jceks", "jdk-resaved.jceks"),
        ("jdk-many.jceks", "jdk-many-resaved.jceks"),
    ] {
        let ks = decode(&read(&fixture(src)), Some(&pw), None).unwrap();
        let ours = encode(&ks, &pw, &mut rand::rng(), &EncodeOptions::new(0)).unwrap();
        assert_eq!(ours, read(&fixture(jdk_out)), "{src}");
    }
}

#[test]
fn pkcs12_without_password_reads_what_the_jdk_reads() {
    // keytool -list without a password: key entries without certificates, no
    // trusted certificates.
    let ks = decode(&read(&fixture("jdk-default.p12")), None, None).unwrap();
    assert_eq!(ks.aliases().collect::<Vec<_>>(), ["eckey", "rsakey", "aes"]);
    for e in ks.entries() {
        if let EntryKind::PrivateKey { chain, .. } = &e.kind {
            assert!(chain.is_empty());
        }
    }
    // The keys themselves still open with the password.
    let EntryKind::PrivateKey { key, .. } = &ks.get("eckey").unwrap().kind else { panic!() };
    key.unseal(&Password::new("changeit".into())).unwrap();
}

#[test]
fn wrong_store_passwords() {
    // Messages observed with `keytool -list -storepass wrongpw [-storetype T]`.
    let wrong = Password::new("wrongpw".into());
    let p12 = "keystore password was incorrect";
    let jks = "Keystore was tampered with, or password was incorrect";
    let invalid = "Invalid keystore format";
    let cases: [(&str, Option<StoreType>, &str); 11] = [
        ("jdk-default.p12", None, p12),
        ("jdk-default.p12", Some(StoreType::Jks), p12),
        ("jdk-default.p12", Some(StoreType::Jceks), invalid),
        ("jdk-legacy.p12", None, p12),
        ("jdk.jks", None, jks),
        ("jdk.jks", Some(StoreType::Pkcs12), jks),
        ("jdk.jks", Some(StoreType::Jceks), jks),
        ("jdk.jceks", None, jks),
        ("jdk.jceks", Some(StoreType::Jks), invalid),
        (
            "jdk.jceks",
            Some(StoreType::Pkcs12),
            "DerInputStream.getLength(): lengthTag=78, too big.",
        ),
        ("openssl-default.p12", None, p12),
    ];
    for (name, ty, msg) in cases {
        let err = decode(&read(&fixture(name)), Some(&wrong), ty).unwrap_err();
        assert_eq!(err.to_string(), msg, "{name} as {ty:?}");
        assert_eq!(err.jdk_exception_class(), "java.io.IOException", "{name} as {ty:?}");
    }
}

#[test]
fn wrong_key_passwords_give_the_jdk_messages() {
    let pw = Password::new("changeit".into());
    let wrong = Password::new("wrongpw".into());
    let cases = [
        ("jdk.jks", "otherpass", "Cannot recover key"),
        (
            "jdk.jceks",
            "eckey",
            "Given final block not properly padded. Such issues can arise if a bad key is used during decryption.",
        ),
        (
            "jdk-default.p12",
            "eckey",
            "Get Key failed: Given final block not properly padded. Such issues can arise if a bad key is used during decryption.",
        ),
    ];
    for (name, alias, msg) in cases {
        let ks = decode(&read(&fixture(name)), Some(&pw), None).unwrap();
        let EntryKind::PrivateKey { key, .. } = &ks.get(alias).unwrap().kind else { panic!() };
        let err = key.unseal(&wrong).unwrap_err();
        assert_eq!(err.to_string(), msg, "{name}");
        assert_eq!(err.jdk_exception_class(), "java.security.UnrecoverableKeyException");
    }
}

#[test]
fn jceks_reads_jks_files_and_pkcs12_reads_jks_files() {
    let pw = Password::new("changeit".into());
    let bytes = read(&fixture("jdk.jks"));
    // keytool -storetype jceks on a JKS file: JceKeyStore reads it and will write JCEKS.
    let ks = decode(&bytes, Some(&pw), Some(StoreType::Jceks)).unwrap();
    assert_eq!(ks.store_type(), StoreType::Jceks);
    let EntryKind::PrivateKey { key, .. } = &ks.get("otherpass").unwrap().kind else { panic!() };
    key.unseal(&Password::new("keypass123".into())).unwrap();
    // keytool -storetype pkcs12 on a JKS file: the dual-format loader falls back to JKS.
    assert_eq!(
        decode(&bytes, Some(&pw), Some(StoreType::Pkcs12)).unwrap().store_type(),
        StoreType::Jks
    );
    let p12 = read(&fixture("jdk-default.p12"));
    assert_eq!(
        decode(&p12, Some(&pw), Some(StoreType::Jks)).unwrap().store_type(),
        StoreType::Pkcs12
    );
    assert!(matches!(decode(&p12, Some(&pw), Some(StoreType::Jceks)), Err(Error::InvalidFormat)));
}

#[test]
fn pbmac1_store() {
    // OpenJDK's PBMAC1 vector (RFC 9579): JDK 17 cannot verify it; signkit does.
    let bytes = read(&corpus("openjdk-pkcs12/os6.p12"));
    let pw = Password::new("changeit".into());
    let ks = decode(&bytes, Some(&pw), None).unwrap();
    assert_eq!(ks.aliases().collect::<Vec<_>>(), ["a"]);
    let EntryKind::PrivateKey { key, chain } = &ks.entries()[0].kind else { panic!() };
    let k = PrivateKey::from_pkcs8_der(&key.unseal(&pw).unwrap()).unwrap();
    assert_eq!(k.algorithm().jdk_name(), "EC");
    assert_eq!(chain.len(), 1);
    let cn: Certificate = chain[0].clone();
    assert!(cn.subject_der().windows(1).len() > 0);
    assert!(k.public_key() == cn.public_key().unwrap());
    // The MAC is checked: a modified byte inside the authenticated safe fails.
    let mut tampered = bytes.clone();
    tampered[60] ^= 1;
    assert!(decode(&tampered, Some(&pw), None).is_err());
    assert!(matches!(
        decode(&bytes, Some(&Password::new("wrong!".into())), None),
        Err(Error::Pkcs12PasswordIncorrect | Error::Pkcs12IntegrityCheckFailed)
    ));
}
