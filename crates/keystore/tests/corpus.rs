//! Conformance over the pyjks and keystore-go corpora: every row of their
//! `expectations.tsv` is decoded and checked (aliases, entry types,
//! algorithms, certificates, key bytes, wrong key passwords, error rows).

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

#[path = "support/common.rs"]
mod common;

use std::path::{Path, PathBuf};

use common::{corpus, hex, pem_der, read};
use signkit_crypto::{Password, PrivateKey};
use signkit_keystore::{
    EncodeOptions, Entry, EntryKind, Error, Keystore, StoreType, decode, encode,
};

/// One entry as a pyjks row describes it.
#[derive(Debug, Default)]
struct Expected {
    alias: String,
    kind: String,
    algorithm: Option<String>,
    bits: Option<usize>,
    key_password: Option<String>,
    key_hex: Option<String>,
}

/// The store password column: `(empty string)`, `(unknown...)`, a
/// `U+XXXX` list, or the text itself.
fn store_password(col: &str) -> Option<Password> {
    if col.starts_with("(empty string)") {
        return Some(Password::empty());
    }
    if col.starts_with("(unknown") {
        return None;
    }
    if col.starts_with("U+") {
        let text: String = col
            .split(" (")
            .next()
            .unwrap()
            .split(' ')
            .map(|u| {
                char::from_u32(u32::from_str_radix(u.trim_start_matches("U+"), 16).unwrap())
                    .unwrap()
            })
            .collect();
        return Some(Password::new(text));
    }
    Some(Password::new(col.to_owned()))
}

/// Parses the entries column of pyjks' table.
fn parse_entries(col: &str) -> Vec<Expected> {
    if col == "(none)" {
        return Vec::new();
    }
    if let Some((n, rest)) = col.split_once(" entries (") {
        let kind = rest.trim_end_matches(')');
        return (0..n.parse::<usize>().unwrap())
            .map(|_| Expected { kind: kind.into(), ..Expected::default() })
            .collect();
    }
    if let Some((alias, rest)) = col.split_once(" twice") {
        // The JDK keeps one entry of a duplicated alias (the table's notes);
        // the kind is given for the JKS row only.
        let kind = rest.trim_start_matches(" (").trim_end_matches(')');
        return vec![Expected { alias: alias.into(), kind: kind.into(), ..Expected::default() }];
    }
    let mut out = Vec::new();
    for part in col.split("; ") {
        let fields: Vec<&str> = part.split(':').collect();
        let aliases = fields[0];
        let mut e = Expected { kind: fields[1].into(), ..Expected::default() };
        for f in &fields[2..] {
            if let Some(pw) = f.strip_prefix("key_pw=") {
                e.key_password = Some(pw.into());
            } else if let Some(k) = f.strip_prefix("key=") {
                e.key_hex = Some(k.into());
            } else if let Some(b) = f.strip_suffix(" bits") {
                e.bits = Some(b.parse().unwrap());
            } else if *f != "X.509" {
                // "RSA(1.2.840...)", "AES-128", "DES".
                let name = f.split('(').next().unwrap();
                match name.split_once('-') {
                    Some((alg, bits)) => {
                        e.algorithm = Some(alg.into());
                        e.bits = Some(bits.parse().unwrap());
                    }
                    None => e.algorithm = Some(name.into()),
                }
            }
        }
        for alias in aliases.split(',') {
            out.push(Expected { alias: alias.into(), ..clone_expected(&e) });
        }
    }
    out
}

fn clone_expected(e: &Expected) -> Expected {
    Expected {
        alias: e.alias.clone(),
        kind: e.kind.clone(),
        algorithm: e.algorithm.clone(),
        bits: e.bits,
        key_password: e.key_password.clone(),
        key_hex: e.key_hex.clone(),
    }
}

/// `expected/<dir>/` named in the material column.
fn material_dir(col: &str) -> Option<PathBuf> {
    let start = col.find("expected/")?;
    let rest = &col[start + "expected/".len()..];
    let end = rest.find('/')?;
    Some(corpus("pyjks/expected").join(&rest[..end]))
}

/// The certificates `cert_0.der`, `cert_1.der`, ... of a material directory.
fn material_chain(dir: &Path) -> Vec<Vec<u8>> {
    (0..)
        .map(|i| dir.join(format!("cert_{i}.der")))
        .take_while(|p| p.exists())
        .map(|p| read(&p))
        .collect()
}

fn key_algorithm(pkcs8: &[u8]) -> &'static str {
    PrivateKey::from_pkcs8_der(pkcs8).unwrap().algorithm().jdk_name()
}

fn entry_kind(e: &Entry) -> &'static str {
    e.type_name()
}

fn check_entry(
    ks: &Keystore,
    exp: &Expected,
    position: usize,
    store_pw: &Password,
    material: Option<&Path>,
    material_col: &str,
) {
    let entry = ks.get(&exp.alias).unwrap_or_else(|| panic!("no entry {}", exp.alias));
    if !exp.kind.is_empty() {
        assert_eq!(entry_kind(entry), exp.kind, "{}", exp.alias);
    }
    let key_pw = match exp.key_password.as_deref() {
        Some("same as store") | None => store_pw.duplicate(),
        Some(pw) => Password::new(pw.into()),
    };
    match &entry.kind {
        EntryKind::PrivateKey { key, chain } => {
            let pkcs8 = key.unseal(&key_pw).unwrap();
            if let Some(alg) = &exp.algorithm {
                assert_eq!(key_algorithm(&pkcs8), alg, "{}", exp.alias);
            }
            let dir = material.expect("material for a private key");
            assert_eq!(
                &*pkcs8,
                &read(&dir.join("private_key.der"))[..],
                "{}: key bytes",
                exp.alias
            );
            let want = material_chain(dir);
            let got: Vec<Vec<u8>> = chain.iter().map(|c| c.der().to_vec()).collect();
            assert_eq!(got, want, "{}: chain", exp.alias);
            // A wrong key password fails with the JDK's error, never a wrong key.
            let err = key.unseal(&Password::new("wrong_password".into())).unwrap_err();
            assert!(matches!(err, Error::UnrecoverableKey(_)), "{}: {err:?}", exp.alias);
        }
        EntryKind::SecretKey { key } => {
            let secret = key.unseal_secret(&key_pw).unwrap();
            if let Some(alg) = &exp.algorithm {
                assert_eq!(&secret.algorithm, alg, "{}", exp.alias);
            }
            if let Some(bits) = exp.bits {
                assert_eq!(secret.key.len() * 8, bits, "{}", exp.alias);
            }
            assert_eq!(hex(&secret.key), exp.key_hex.clone().unwrap(), "{}", exp.alias);
            let err = key.unseal(&Password::new("wrong_password".into())).unwrap_err();
            assert!(matches!(err, Error::UnrecoverableKey(_)), "{}: {err:?}", exp.alias);
        }
        EntryKind::TrustedCert { cert } => {
            // "cert1=expected/RSA2048_3certs/cert_0.der", or the directory's cert_0.
            let explicit = material_col
                .split(", ")
                .find_map(|p| p.strip_prefix(&format!("{}=", exp.alias)))
                .map(|p| p.split(' ').next().unwrap().to_owned());
            // "expected/RSA2048_3certs/cert_{0,1,2}.der": the n-th alias has the n-th file.
            let braced = material_col.split_once("cert_{").map(|(_, rest)| {
                let list = rest.split('}').next().unwrap();
                format!("cert_{}.der", list.split(',').nth(position).unwrap())
            });
            let want = match (explicit.or(braced), material) {
                (Some(p), _) if p.starts_with("expected/") => Some(read(&corpus("pyjks").join(p))),
                (Some(p), Some(dir)) => Some(read(&dir.join(p))),
                (None, Some(dir)) => Some(read(&dir.join("cert_0.der"))),
                _ => None,
            };
            if let Some(want) = want {
                assert_eq!(cert.der(), &want[..], "{}: certificate", exp.alias);
            }
        }
    }
}

fn store_type(col: &str) -> Option<StoreType> {
    StoreType::from_jdk_name(col.split(' ').next().unwrap())
}

#[test]
fn pyjks_expectations() {
    let table = String::from_utf8(read(&corpus("pyjks/expectations.tsv"))).unwrap();
    let mut checked = 0;
    for line in table.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, ty, pw_col, expected, entries_col, material_col) =
            (cols[0], cols[1], cols[2], cols[3], cols[4], cols[5]);
        let bytes = read(&corpus("pyjks").join(file));
        let pw = store_password(pw_col);
        let Some(ty) = store_type(ty) else {
            // BouncyCastle stores are refused with an error naming the format.
            let want = if ty.starts_with("bks") { "BKS" } else { "UBER" };
            for guess in
                [None, Some(StoreType::Pkcs12), Some(StoreType::Jks), Some(StoreType::Jceks)]
            {
                match decode(&bytes, pw.as_ref(), guess) {
                    Err(Error::UnsupportedStoreFormat { format }) => {
                        assert_eq!(format, want, "{file}")
                    }
                    other => panic!("{file} ({guess:?}): {other:?}"),
                }
            }
            checked += 1;
            continue;
        };
        if expected.starts_with("error:Unexpected") {
            let err = decode(&bytes, pw.as_ref(), Some(ty)).unwrap_err();
            assert!(matches!(err, Error::InvalidSecretKeyFormat), "{file}: {err:?}");
            assert_eq!(err.to_string(), "Invalid secret key format");
            checked += 1;
            continue;
        }
        let ks = decode(&bytes, pw.as_ref(), None).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        assert_eq!(ks.store_type(), ty, "{file}");
        let exp = parse_entries(entries_col);
        assert_eq!(ks.len(), exp.len(), "{file}: entry count");
        let material = material_dir(material_col);
        let store_pw = pw.as_ref().map_or_else(Password::empty, Password::duplicate);
        for (position, e) in exp.iter().enumerate() {
            if e.alias.is_empty() {
                assert!(ks.entries().iter().all(|x| x.type_name() == e.kind), "{file}");
            } else {
                check_entry(&ks, e, position, &store_pw, material.as_deref(), material_col);
            }
        }
        if let Some(pw) = &pw {
            // A wrong store password is the JDK's integrity error.
            let err = decode(&bytes, Some(&Password::new("not the password".into())), Some(ty))
                .unwrap_err();
            assert!(matches!(err, Error::TamperedOrWrongPassword), "{file}: {err:?}");
            // Re-encoding an unchanged single-entry or empty store reproduces the
            // file: the key blobs are reused and the digest is deterministic.
            if expected == "ok" && ks.len() <= 1 {
                let again = encode(&ks, pw, &mut rand::rng(), &EncodeOptions::new(0)).unwrap();
                assert_eq!(again, bytes, "{file}: re-save is byte-identical");
            }
        } else {
            // No known password: loading without one skips the check, any password fails it.
            let err =
                decode(&bytes, Some(&Password::new("changeit".into())), Some(ty)).unwrap_err();
            assert!(matches!(err, Error::TamperedOrWrongPassword), "{file}: {err:?}");
        }
        checked += 1;
    }
    assert_eq!(
        checked,
        table.lines().skip(1).filter(|l| !l.trim().is_empty()).count(),
        "every row was checked"
    );
    assert_eq!(checked, 33);
}

/// "2017-09-19 17:41:00.016 +0300" as Java epoch milliseconds.
fn java_millis(s: &str) -> i64 {
    let (date, rest) = s.split_once(' ').unwrap();
    let (time, zone) = rest.split_once(' ').unwrap();
    let d: Vec<i64> = date.split('-').map(|x| x.parse().unwrap()).collect();
    let (hms, ms) = time.split_once('.').unwrap();
    let t: Vec<i64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
    // Days from civil (Howard Hinnant's algorithm).
    let (y, m, day) = (if d[1] <= 2 { d[0] - 1 } else { d[0] }, d[1], d[2]);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let off = sign
        * (zone[1..3].parse::<i64>().unwrap() * 3600 + zone[3..5].parse::<i64>().unwrap() * 60);
    ((days * 86_400 + t[0] * 3600 + t[1] * 60 + t[2] - off) * 1000) + ms.parse::<i64>().unwrap()
}

#[test]
fn keystore_go_expectations() {
    let table = String::from_utf8(read(&corpus("keystore-go/expectations.tsv"))).unwrap();
    let mut checked = 0;
    for line in table.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[1] != "JKS" {
            continue;
        }
        let (file, pw, alias, key_pw, created, chain_len, key_file) =
            (cols[0], cols[2], cols[4], cols[6], cols[7], cols[8], cols[9]);
        let bytes = read(&corpus("keystore-go").join(file));
        let ks = decode(&bytes, Some(&Password::new(pw.into())), None).unwrap();
        assert_eq!(ks.store_type(), StoreType::Jks);
        assert_eq!(ks.len(), 1);
        let e = ks.get(alias).unwrap();
        assert_eq!(e.created, Some(java_millis(created)), "{file}");
        let EntryKind::PrivateKey { key, chain } = &e.kind else {
            panic!("{file}: not a private key")
        };
        assert_eq!(chain.len(), chain_len.parse::<usize>().unwrap(), "{file}");
        let pem = key_file.split(' ').next().unwrap();
        let want = pem_der(&corpus("keystore-go").join(pem));
        assert_eq!(&*key.unseal(&Password::new(key_pw.into())).unwrap(), &want[..], "{file}");
        if key_pw != pw {
            assert!(
                key.unseal(&Password::new(pw.into())).is_err(),
                "{file}: the store password is not the key password"
            );
        }
        // Byte-exact re-save, the empty chain included.
        let again =
            encode(&ks, &Password::new(pw.into()), &mut rand::rng(), &EncodeOptions::new(0))
                .unwrap();
        assert_eq!(again, bytes, "{file}");
        checked += 1;
    }
    assert_eq!(checked, 2);
}

#[test]
fn pyjks_jks_stores_marked_byte_identical() {
    // The rows whose notes say "re-save ... byte-identical".
    for (file, pw) in [
        ("keystores/jks/RSA1024.jks", "12345678"),
        ("keystores/jks/DSA2048.jks", "12345678"),
        ("keystores/jks/non_ascii_password.jks", "\u{10da}(\u{ca0}\u{76ca}\u{ca0}\u{10da})"),
    ] {
        let bytes = read(&corpus("pyjks").join(file));
        let pw = Password::new(pw.into());
        let ks = decode(&bytes, Some(&pw), Some(StoreType::Jks)).unwrap();
        let again = encode(&ks, &pw, &mut rand::rng(), &EncodeOptions::new(0)).unwrap();
        assert_eq!(again, bytes, "{file}");
        let EntryKind::PrivateKey { key, .. } = &ks.entries()[0].kind else { panic!() };
        let blob = key.stored_blob().unwrap();
        assert!(
            bytes.windows(blob.len()).any(|w| w == blob),
            "{file}: the original blob is reused"
        );
    }
}

#[test]
fn jks_refuses_secret_keys() {
    // pyjks: storing the AES secret key of AES128.jceks into a JKS must be rejected.
    let bytes = read(&corpus("pyjks/keystores/jceks/AES128.jceks"));
    let pw = Password::new("12345678".into());
    let jceks = decode(&bytes, Some(&pw), None).unwrap();
    let mut jks = Keystore::new(StoreType::Jks);
    jks.insert(jceks.entries()[0].clone());
    let err = encode(&jks, &pw, &mut rand::rng(), &EncodeOptions::new(0)).unwrap_err();
    assert_eq!(err.to_string(), "Cannot store non-PrivateKeys");
    assert_eq!(err.jdk_exception_class(), "java.security.KeyStoreException");
}
