//! Every key pair of apksig's corpus (`*.pk8` + `*.x509.pem`: RSA 1024 to
//! 16384, DSA, EC) goes into every store type and comes back unchanged.

#![allow(clippy::unwrap_used, reason = "test helpers panic on a broken fixture")]

use std::path::PathBuf;

use rand::SeedableRng as _;
use signkit_crypto::Password;
use signkit_keyconv::{
    Error, KeyPair, StoreTarget, certificate_pem, keystore_to_pair, pair_to_keystore,
};
use signkit_keystore::StoreType;

/// `shared/corpus/apksig` beside the repository (`../shared` from the root;
/// found by walking up, so git worktrees one level deeper find it too).
fn corpus_dir() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|a| a.join("shared/corpus/apksig"))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| panic!("shared/corpus/apksig not found above {}", here.display()))
}

fn pairs() -> Vec<(String, Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".pk8") else { continue };
        let cert = corpus_dir().join(format!("{stem}.x509.pem"));
        if !cert.exists() {
            continue;
        }
        out.push((stem.to_owned(), std::fs::read(&path).unwrap(), std::fs::read(&cert).unwrap()));
    }
    out.sort();
    out
}

const TYPES: [StoreType; 3] = [StoreType::Pkcs12, StoreType::Jks, StoreType::Jceks];

#[test]
fn every_corpus_pair_round_trips_through_every_store_type() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let store_pw = Password::new("storepass".into());
    let key_pw = Password::new("keypass1".into());
    let pairs = pairs();
    assert!(pairs.len() >= 12, "only {} pairs in the corpus", pairs.len());
    for (name, pk8, pem) in &pairs {
        let pair = KeyPair::read(pk8, None, &[pem]).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(pair.key.secret_pkcs8_der() == pk8.as_slice(), "{name}");
        for t in TYPES {
            // PKCS12 keys take the store password, as keytool gives them.
            let kp = if t == StoreType::Pkcs12 { &store_pw } else { &key_pw };
            let target = StoreTarget {
                existing: None,
                store_type: Some(t),
                store_password: &store_pw,
                alias: "Key",
                replace: false,
            };
            let store = pair_to_keystore(&target, &pair, kp, &mut rng, 1_700_000_000_000)
                .unwrap_or_else(|e| panic!("{name} {t}: {e}"));
            assert_eq!(StoreType::detect(&store), Some(t), "{name}");
            let back = keystore_to_pair(&store, None, &store_pw, "key", Some(kp)).unwrap();
            assert!(back.key.secret_pkcs8_der() == pk8.as_slice(), "{name} {t}: key changed");
            assert_eq!(back.chain, pair.chain, "{name} {t}");
            // The certificate PEM is the corpus certificate, in keytool's form.
            assert_eq!(back.certificate_pem(false), certificate_pem(&pair.chain[0]));
        }
    }
}

#[test]
fn adding_to_an_existing_store_keeps_its_entries_and_type() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(2);
    let pw = Password::new("changeit".into());
    let pairs = pairs();
    let read = |i: usize| KeyPair::read(&pairs[i].1, None, &[&pairs[i].2]).unwrap();
    for t in TYPES {
        let new = StoreTarget {
            existing: None,
            store_type: Some(t),
            store_password: &pw,
            alias: "one",
            replace: false,
        };
        let first = pair_to_keystore(&new, &read(0), &pw, &mut rng, 1).unwrap();
        // The type comes from the existing file, not from a default.
        let add = StoreTarget {
            existing: Some(&first),
            store_type: None,
            store_password: &pw,
            alias: "two",
            replace: false,
        };
        let second = pair_to_keystore(&add, &read(1), &pw, &mut rng, 2).unwrap();
        let ks = signkit_keystore::decode(&second, Some(&pw), None).unwrap();
        assert_eq!(ks.store_type(), t);
        assert_eq!(ks.len(), 2);
        let one = keystore_to_pair(&second, None, &pw, "one", None).unwrap();
        assert!(one.key.secret_pkcs8_der() == pairs[0].1.as_slice());

        // An existing alias needs `replace`.
        let again = StoreTarget { existing: Some(&second), alias: "ONE", ..add };
        let e = pair_to_keystore(&again, &read(2), &pw, &mut rng, 3).unwrap_err();
        assert!(matches!(e, Error::AliasExists(_)), "{e}");
        let replace = StoreTarget { replace: true, ..again };
        let third = pair_to_keystore(&replace, &read(2), &pw, &mut rng, 3).unwrap();
        let one = keystore_to_pair(&third, None, &pw, "one", None).unwrap();
        assert!(one.key.secret_pkcs8_der() == pairs[2].1.as_slice());
        assert_eq!(signkit_keystore::decode(&third, Some(&pw), None).unwrap().len(), 2);

        // Wrong passwords and missing aliases are errors of their own kind.
        let wrong = Password::new("wrong!!".into());
        let e = pair_to_keystore(
            &StoreTarget { store_password: &wrong, ..add },
            &read(2),
            &pw,
            &mut rng,
            4,
        )
        .unwrap_err();
        assert!(e.is_password_error(), "{t}: {e}");
        let e = keystore_to_pair(&second, None, &wrong, "one", Some(&pw)).unwrap_err();
        assert!(e.is_password_error(), "{t}: {e}");
        if t != StoreType::Pkcs12 {
            let e = keystore_to_pair(&second, None, &pw, "one", Some(&wrong)).unwrap_err();
            assert!(e.is_password_error(), "{t}: {e}");
        }
        let e = keystore_to_pair(&second, None, &pw, "three", None).unwrap_err();
        assert_eq!(e.to_string(), "Alias <three> does not exist");
    }
}

#[test]
fn keytool_pem_form() {
    let pairs = pairs();
    let pair = KeyPair::read(&pairs[0].1, None, &[&pairs[0].2]).unwrap();
    let pem = pair.certificate_pem(false);
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert!(pem.ends_with("\n-----END CERTIFICATE-----\n"));
    let body = &pem
        ["-----BEGIN CERTIFICATE-----\n".len()..pem.len() - "\n-----END CERTIFICATE-----\n".len()];
    let lines: Vec<&str> = body.split("\r\n").collect();
    assert!(lines.iter().all(|l| !l.contains('\n') && l.len() <= 64));
    assert!(lines[..lines.len() - 1].iter().all(|l| l.len() == 64));
    assert_eq!(signkit_keyconv::read_certificates(pem.as_bytes()).unwrap(), pair.chain);
}
