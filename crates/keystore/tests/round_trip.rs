//! Build stores of every type with RSA, EC, DSA and Ed25519 keys, chains,
//! trusted certificates and secret keys; encode with a seeded RNG, decode,
//! compare. Damaged inputs give errors, never panics.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

#[path = "support/common.rs"]
mod common;

use common::{corpus, fixture, read};
use rand::SeedableRng as _;
use rand::rngs::StdRng;
use signkit_crypto::{Certificate, Password};
use signkit_keystore::{
    EncodeOptions, Entry, EntryKind, Error, Keystore, Pkcs12Options, ProtectedKey, StoreType,
    decode, encode,
};
use zeroize::Zeroizing;

const NOW: i64 = 1_795_500_000_000;

/// Real key/certificate pairs: the four key types from a keytool-made JKS.
fn key_pairs() -> Vec<(String, Zeroizing<Vec<u8>>, Vec<Certificate>)> {
    let pw = Password::new("changeit".into());
    let ks = decode(&read(&fixture("jdk.jks")), Some(&pw), None).unwrap();
    let mut out = Vec::new();
    for alias in ["rsakey", "eckey", "dsakey", "edkey"] {
        let EntryKind::PrivateKey { key, chain } = &ks.get(alias).unwrap().kind else { panic!() };
        out.push((alias.to_owned(), key.unseal(&pw).unwrap(), chain.clone()));
    }
    // A two-certificate chain (leaf and root).
    let two = decode(&read(&fixture("jdk-chain.p12")), Some(&pw), None).unwrap();
    let EntryKind::PrivateKey { key, chain } = &two.get("leaf").unwrap().kind else { panic!() };
    assert_eq!(chain.len(), 2);
    out.push(("Chain2".to_owned(), key.unseal(&pw).unwrap(), chain.clone()));
    out
}

fn secret_keys() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    vec![
        ("aes", "AES", (0u8..32).collect()),
        ("desede", "DESede", (10u8..34).collect()),
        ("hmac", "HmacSHA256", vec![0x5a; 32]),
        ("pbkdf2", "PBKDF2WithHmacSHA1", vec![7; 20]),
    ]
}

fn build(store_type: StoreType) -> Keystore {
    let mut ks = Keystore::new(store_type);
    let key_pw = Password::new("keypass!".into());
    for (i, (alias, pkcs8, chain)) in key_pairs().into_iter().enumerate() {
        // JKS and JCEKS keys have their own password; PKCS12 keys use the store's, as keytool does.
        let pw = if store_type == StoreType::Pkcs12 {
            Password::new("storepass".into())
        } else {
            key_pw.duplicate()
        };
        let created = NOW + i64::try_from(i).unwrap();
        ks.insert(Entry::private_key(alias, created, ProtectedKey::new_private(pkcs8, pw), chain));
    }
    let ca =
        Certificate::from_der(&read(&corpus("pyjks/expected/RSA2048_3certs/cert_2.der"))).unwrap();
    ks.insert(Entry::trusted_cert("Trusted CA", NOW + 100, ca));
    if store_type.holds_secret_keys() {
        for (alias, alg, key) in secret_keys() {
            let pw = if store_type == StoreType::Pkcs12 {
                Password::new("storepass".into())
            } else {
                key_pw.duplicate()
            };
            ks.insert(Entry::secret_key(
                alias,
                NOW + 200,
                ProtectedKey::new_secret(alg, Zeroizing::new(key), pw),
            ));
        }
    }
    ks
}

fn key_password(store_type: StoreType) -> Password {
    Password::new(if store_type == StoreType::Pkcs12 { "storepass" } else { "keypass!" }.into())
}

/// Same aliases, types, dates, chains and key material. The order may
/// differ: loading re-inserts entries in file order, which reverses
/// colliding Hashtable chains (JKS/JCEKS) and puts keys before trusted
/// certificates (PKCS12), as in the JDK.
fn assert_same(a: &Keystore, b: &Keystore, key_pw: &Password) {
    let mut aliases: Vec<&str> = a.aliases().collect();
    let mut others: Vec<&str> = b.aliases().collect();
    aliases.sort_unstable();
    others.sort_unstable();
    assert_eq!(aliases, others);
    for x in a.entries() {
        let y = b.get(&x.alias).unwrap();
        assert_eq!(x.type_name(), y.type_name(), "{}", x.alias);
        if let (Some(cx), Some(cy)) = (x.created, y.created) {
            assert_eq!(cx, cy, "{}", x.alias);
        }
        match (&x.kind, &y.kind) {
            (
                EntryKind::PrivateKey { key: kx, chain: cx },
                EntryKind::PrivateKey { key: ky, chain: cy },
            ) => {
                assert_eq!(cx, cy, "{}", x.alias);
                assert_eq!(
                    &*kx.unseal(key_pw).unwrap(),
                    &*ky.unseal(key_pw).unwrap(),
                    "{}",
                    x.alias
                );
            }
            (EntryKind::TrustedCert { cert: cx }, EntryKind::TrustedCert { cert: cy }) => {
                assert_eq!(cx, cy)
            }
            (EntryKind::SecretKey { key: kx }, EntryKind::SecretKey { key: ky }) => {
                let (sx, sy) =
                    (kx.unseal_secret(key_pw).unwrap(), ky.unseal_secret(key_pw).unwrap());
                assert_eq!(*sx.key, *sy.key, "{}", x.alias);
                // PKCS12 names DES keys "DES/CBC" on the way back, as the JDK does;
                // the names used here survive.
                assert_eq!(sx.algorithm, sy.algorithm, "{}", x.alias);
            }
            _ => panic!("{}: kinds differ", x.alias),
        }
    }
}

fn round_trip(store_type: StoreType, options: &EncodeOptions) {
    let ks = build(store_type);
    let store_pw = Password::new("storepass".into());
    let bytes = encode(&ks, &store_pw, &mut StdRng::seed_from_u64(42), options).unwrap();
    // Reproducible: the same seed gives the same bytes.
    assert_eq!(bytes, encode(&ks, &store_pw, &mut StdRng::seed_from_u64(42), options).unwrap());
    assert_eq!(StoreType::detect(&bytes), Some(store_type));
    let back = decode(&bytes, Some(&store_pw), None).unwrap();
    assert_eq!(back.store_type(), store_type);
    assert_same(&ks, &back, &key_password(store_type));
    // Aliases are folded to lower case as the JDK folds them.
    assert!(back.get("CHAIN2").is_some());
    assert!(back.aliases().all(|a| a == a.to_lowercase()));
    // Re-encoding the decoded store reuses the protected keys.
    let again = encode(&back, &store_pw, &mut StdRng::seed_from_u64(7), options).unwrap();
    let back2 = decode(&again, Some(&store_pw), None).unwrap();
    assert_same(&back, &back2, &key_password(store_type));
    if store_type != StoreType::Pkcs12 {
        // Nothing random is left in a re-save of JKS/JCEKS: it does not depend on the RNG.
        assert_eq!(
            again,
            encode(&back, &store_pw, &mut StdRng::seed_from_u64(8), options).unwrap()
        );
    }
}

#[test]
fn jks_round_trip() {
    round_trip(StoreType::Jks, &EncodeOptions::new(NOW));
}

#[test]
fn jceks_round_trip() {
    round_trip(StoreType::Jceks, &EncodeOptions::new(NOW));
}

#[test]
fn pkcs12_round_trip() {
    round_trip(StoreType::Pkcs12, &EncodeOptions::new(NOW));
    round_trip(
        StoreType::Pkcs12,
        &EncodeOptions { now_millis: NOW, pkcs12: Pkcs12Options::jdk_legacy() },
    );
    let mut open = Pkcs12Options::jdk_default();
    open.cert_protection = None;
    open.mac = None;
    round_trip(StoreType::Pkcs12, &EncodeOptions { now_millis: NOW, pkcs12: open });
}

#[test]
fn pkcs12_trusted_certificate_keeps_its_spelling() {
    let ks = build(StoreType::Pkcs12);
    let ca = ks.get("trusted ca").unwrap();
    assert_eq!(ca.alias, "trusted ca");
    assert_eq!(ca.pkcs12.friendly_name.as_deref(), Some("Trusted CA"));
    let pw = Password::new("storepass".into());
    let bytes = encode(&ks, &pw, &mut StdRng::seed_from_u64(1), &EncodeOptions::new(NOW)).unwrap();
    let back = decode(&bytes, Some(&pw), None).unwrap();
    assert_eq!(back.get("Trusted CA").unwrap().pkcs12.friendly_name.as_deref(), Some("Trusted CA"));
}

#[test]
fn pkcs12_refuses_an_invalid_chain() {
    // pyjks' "chain" is three unrelated self-signed certificates: keytool
    // -importkeystore into PKCS12 fails with this message.
    let pw = Password::new("12345678".into());
    let jks =
        decode(&read(&corpus("pyjks/keystores/jks/RSA2048_3certs.jks")), Some(&pw), None).unwrap();
    let EntryKind::PrivateKey { key, chain } = &jks.entries()[0].kind else { panic!() };
    let mut p12 = Keystore::new(StoreType::Pkcs12);
    p12.insert(Entry::private_key(
        "mykey",
        NOW,
        ProtectedKey::new_private(key.unseal(&pw).unwrap(), pw.duplicate()),
        chain.clone(),
    ));
    let err =
        encode(&p12, &pw, &mut StdRng::seed_from_u64(1), &EncodeOptions::new(NOW)).unwrap_err();
    assert_eq!(err.to_string(), "Certificate chain is not valid");
}

#[test]
fn keys_from_another_format_must_be_unsealed_first() {
    let pw = Password::new("changeit".into());
    let jks = decode(&read(&fixture("jdk.jks")), Some(&pw), None).unwrap();
    let mut p12 = Keystore::new(StoreType::Pkcs12);
    p12.insert(jks.get("eckey").unwrap().clone());
    let err =
        encode(&p12, &pw, &mut StdRng::seed_from_u64(1), &EncodeOptions::new(NOW)).unwrap_err();
    assert!(matches!(err, Error::CannotStore(_)), "{err:?}");
    // Unsealed and given as a new key, it converts.
    let e = jks.get("eckey").unwrap();
    let EntryKind::PrivateKey { key, chain } = &e.kind else { panic!() };
    let fresh = ProtectedKey::new_private(key.unseal(&pw).unwrap(), pw.duplicate());
    p12.insert(Entry::private_key("eckey", e.created.unwrap(), fresh, chain.clone()));
    let bytes = encode(&p12, &pw, &mut StdRng::seed_from_u64(1), &EncodeOptions::new(NOW)).unwrap();
    let back = decode(&bytes, Some(&pw), None).unwrap();
    assert_eq!(back.get("eckey").unwrap().created, e.created);
}

#[test]
fn insert_and_remove_follow_the_jdk_maps() {
    let pw = Password::new("changeit".into());
    let mut ks = decode(&read(&fixture("jdk.jks")), Some(&pw), None).unwrap();
    let before: Vec<String> = ks.aliases().map(str::to_owned).collect();
    // Replacing keeps the place; removing and re-adding goes through the table again.
    let e = ks.get("eckey").unwrap().clone();
    ks.insert(e.clone());
    assert_eq!(ks.aliases().map(str::to_owned).collect::<Vec<_>>(), before);
    assert!(ks.remove("ECKEY").is_some());
    assert!(ks.get("eckey").is_none());
    assert_eq!(ks.len(), before.len() - 1);
    ks.insert(e);
    assert_eq!(ks.len(), before.len());
    // PKCS12 keeps insertion order.
    let mut p12 = Keystore::new(StoreType::Pkcs12);
    for name in ["zeta", "Alpha", "mid"] {
        p12.insert(Entry::trusted_cert(
            name,
            NOW,
            ks.get("trustedca").unwrap().certificate().unwrap().clone(),
        ));
    }
    assert_eq!(p12.aliases().collect::<Vec<_>>(), ["zeta", "alpha", "mid"]);
}

/// A small store of each type for the damage tests.
fn small(store_type: StoreType) -> Vec<u8> {
    let pairs = key_pairs();
    let (_, pkcs8, chain) = &pairs[1];
    let pw = Password::new("storepass".into());
    let mut ks = Keystore::new(store_type);
    ks.insert(Entry::private_key(
        "k",
        NOW,
        ProtectedKey::new_private(pkcs8.clone(), pw.duplicate()),
        chain.clone(),
    ));
    if store_type.holds_secret_keys() {
        ks.insert(Entry::secret_key(
            "s",
            NOW,
            ProtectedKey::new_secret("AES", Zeroizing::new(vec![1; 16]), pw.duplicate()),
        ));
    }
    let mut opts = EncodeOptions::new(NOW);
    // Few iterations keep the thousands of decodes below fast.
    opts.pkcs12.key_iterations = 3;
    opts.pkcs12.cert_iterations = 3;
    opts.pkcs12.mac_iterations = 3;
    encode(&ks, &pw, &mut StdRng::seed_from_u64(5), &opts).unwrap()
}

#[test]
fn every_truncation_is_an_error() {
    let pw = Password::new("storepass".into());
    for ty in [StoreType::Jks, StoreType::Jceks, StoreType::Pkcs12] {
        let bytes = small(ty);
        decode(&bytes, Some(&pw), None).unwrap();
        for n in 0..bytes.len() {
            for guess in [None, Some(ty)] {
                let r = decode(&bytes[..n], Some(&pw), guess);
                assert!(r.is_err(), "{ty:?}: truncated to {n} bytes decoded");
            }
            // Without a password nothing panics either.
            let _ = decode(&bytes[..n], None, Some(ty));
        }
    }
}

fn unseal_all(ks: &Keystore, pw: &Password) {
    for e in ks.entries() {
        if let EntryKind::PrivateKey { key, .. } | EntryKind::SecretKey { key } = &e.kind {
            let _ = key.unseal(pw);
        }
    }
}

#[test]
fn byte_flips_never_panic() {
    let pw = Password::new("storepass".into());
    let mut rng = StdRng::seed_from_u64(99);
    let mut unsealed_jceks = 0usize;
    for ty in [StoreType::Jks, StoreType::Jceks, StoreType::Pkcs12] {
        let bytes = small(ty);
        for _ in 0..1500 {
            let mut damaged = bytes.clone();
            let flips = 1 + rand::RngExt::random_range(&mut rng, 0..3usize);
            for _ in 0..flips {
                let at = rand::RngExt::random_range(&mut rng, 0..damaged.len());
                damaged[at] ^= 1 << rand::RngExt::random_range(&mut rng, 0..8u32);
            }
            match decode(&damaged, Some(&pw), Some(ty)) {
                // JKS and JCEKS digest every byte before the digest.
                Ok(_) if ty != StoreType::Pkcs12 => {
                    assert_eq!(
                        damaged[..damaged.len() - 20],
                        bytes[..bytes.len() - 20],
                        "{ty:?}: damage not detected"
                    );
                }
                Ok(ks) => unseal_all(&ks, &pw),
                Err(_) => {}
            }
            // Without the password the damage goes unnoticed until the keys are
            // opened. (JCEKS keys take 200000 iterations each, so only a few.)
            if let Ok(ks) = decode(&damaged, None, Some(ty))
                && (ty != StoreType::Jceks || unsealed_jceks < 25)
            {
                unsealed_jceks += usize::from(ty == StoreType::Jceks);
                unseal_all(&ks, &pw);
            }
        }
    }
}
