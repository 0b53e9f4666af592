//! Every private key form openssl writes (fixtures/keyconv, made by its
//! gen.sh) reads back to the key of `<alg>.pk8`, byte for byte.

#![allow(clippy::unwrap_used, reason = "test helpers panic on a broken fixture")]

use std::path::PathBuf;

use signkit_crypto::Password;
use signkit_keyconv::{Error, KeyForm, KeyPair, read_certificates, read_private_key};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/keyconv")
}

fn read(name: &str) -> Vec<u8> {
    let path = fixtures().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn secret() -> Password {
    Password::new("secret".into())
}

/// Every key file of `alg` with the form it must be read as.
fn key_files(alg: &str) -> Vec<(String, KeyForm, bool)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&format!("{alg}.")) else { continue };
        let (form, encrypted) = if rest == "pk8" || rest == "pkcs8.pem" {
            (KeyForm::Pkcs8, false)
        } else if rest.starts_with("enc-") {
            (KeyForm::EncryptedPkcs8, true)
        } else if rest.starts_with("pkcs1.") {
            (KeyForm::Pkcs1, false)
        } else if rest.starts_with("sec1") {
            (KeyForm::Sec1, false)
        } else if rest.starts_with("trad.") {
            (KeyForm::DsaTraditional, false)
        } else if rest.starts_with("legacy-") {
            let form = match alg {
                "rsa" => KeyForm::Pkcs1,
                "ec" => KeyForm::Sec1,
                _ => KeyForm::DsaTraditional,
            };
            (form, true)
        } else {
            continue;
        };
        out.push((name, form, encrypted));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_form_gives_openssls_pkcs8_bytes() {
    let mut checked = 0;
    for alg in ["rsa", "ec", "dsa", "ed25519"] {
        let reference = read(&format!("{alg}.pk8"));
        let files = key_files(alg);
        assert!(files.len() >= 14, "{alg}: only {} key files", files.len());
        for (name, form, encrypted) in files {
            let input = read(&name);
            let key =
                read_private_key(&input, Some(&secret())).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(key.form(), form, "{name}");
            assert_eq!(key.was_legacy_encrypted(), name.contains(".legacy-"), "{name}");
            assert_eq!(key.was_pem(), name.ends_with(".pem"), "{name}");
            assert!(
                key.secret_pkcs8_der() == reference.as_slice(),
                "{name}: PKCS#8 differs from openssl's"
            );
            if encrypted {
                let missing = read_private_key(&input, None).unwrap_err();
                assert!(matches!(missing, Error::PasswordRequired(_)), "{name}: {missing}");
                assert!(missing.is_password_error());
                let wrong =
                    read_private_key(&input, Some(&Password::new("wrong!".into()))).unwrap_err();
                assert!(matches!(wrong, Error::WrongKeyPassword), "{name}: {wrong}");
            } else {
                // An unneeded password is ignored.
                read_private_key(&input, None).unwrap();
            }
            checked += 1;
        }
    }
    assert!(checked > 70, "{checked}");
}

#[test]
fn encryption_is_described() {
    let e = read_private_key(&read("rsa.enc-default.pem"), None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the private key is encrypted (PKCS#8 PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC); a password is needed"
    );
    let e = read_private_key(&read("rsa.enc-v1-sha1-3des.pem"), None).unwrap_err();
    assert!(e.to_string().contains("pbeWithSHA1And3-KeyTripleDES-CBC"), "{e}");
    let e = read_private_key(&read("rsa.legacy-des3.pem"), None).unwrap_err();
    assert!(e.to_string().contains("legacy PEM encryption DES-EDE3-CBC"), "{e}");
}

#[test]
fn ec_parameters_block_and_missing_fields() {
    // ecparam -genkey: EC PARAMETERS then EC PRIVATE KEY.
    let key = read_private_key(&read("ec-ecparam.pem"), None).unwrap();
    assert_eq!(key.form(), KeyForm::Sec1);

    // A SEC1 key without parameters and public key: the curve comes from the
    // scalar's length, and the PKCS#8 is still openssl's.
    let sec1_der = read("ec.sec1.der");
    let sec1 = <sec1::EcPrivateKey<'_> as der::Decode<'_>>::from_der(&sec1_der).unwrap();
    let bare =
        sec1::EcPrivateKey { private_key: sec1.private_key, parameters: None, public_key: None };
    let bare_der = der::Encode::to_der(&bare).unwrap();
    let key = read_private_key(&bare_der, None).unwrap();
    assert!(key.secret_pkcs8_der() == read("ec.pk8").as_slice());

    // A public key that does not belong to the scalar is refused.
    let other = read_private_key(&read("ec-ecparam.pem"), None).unwrap();
    let spki_der = other.public_key().to_spki_der().unwrap();
    let spki =
        <pkcs8::SubjectPublicKeyInfoRef<'_> as der::Decode<'_>>::from_der(&spki_der).unwrap();
    let point = spki.subject_public_key.raw_bytes();
    let lying = sec1::EcPrivateKey {
        private_key: sec1.private_key,
        parameters: None,
        public_key: Some(point),
    };
    let lying_der = der::Encode::to_der(&lying).unwrap();
    assert!(matches!(read_private_key(&lying_der, None), Err(Error::Malformed { .. })));
}

#[test]
fn certificates_and_matching() {
    for alg in ["rsa", "ec", "dsa", "ed25519"] {
        let pem = read_certificates(&read(&format!("{alg}.x509.pem"))).unwrap();
        let der = read_certificates(&read(&format!("{alg}.x509.der"))).unwrap();
        assert_eq!(pem, der);
        let pair =
            KeyPair::read(&read(&format!("{alg}.pk8")), None, &[&read(&format!("{alg}.x509.pem"))])
                .unwrap();
        assert_eq!(pair.chain, pem);
    }
    let e = KeyPair::read(&read("rsa.pk8"), None, &[&read("ec.x509.pem")]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the private key does not match the certificate (CN=keyconv-fixture-ec)"
    );
    // A certificate that is not part of the chain is refused, not dropped.
    let e = KeyPair::read(&read("rsa.pk8"), None, &[&read("rsa.x509.pem"), &read("ec.x509.der")])
        .unwrap_err();
    assert!(matches!(e, Error::Chain(_)), "{e}");
    // Several key blocks are refused.
    let mut two = read("rsa.pkcs8.pem");
    two.extend(read("ec.pkcs8.pem"));
    assert!(matches!(read_private_key(&two, None), Err(Error::SeveralPrivateKeys(2))));
    // A key and its certificate in one PEM file are fine.
    let mut both = read("rsa.x509.pem");
    both.extend(read("rsa.pkcs8.pem"));
    let pair = KeyPair::read(&both, None, &[&both]).unwrap();
    assert!(pair.key.secret_pkcs8_der() == read("rsa.pk8").as_slice());
}

#[test]
fn corrupt_inputs_fail_cleanly() {
    let base = read("rsa.pk8");
    // Truncations and bit flips never panic; most are errors.
    for cut in (0..base.len()).step_by(7) {
        let _ = read_private_key(&base[..cut], Some(&secret()));
    }
    let enc = read("rsa.enc-default.der");
    for i in (0..enc.len()).step_by(5) {
        let mut bad = enc.clone();
        bad[i] ^= 0x55;
        let _ = read_private_key(&bad, Some(&secret()));
    }
    let pem = read("rsa.legacy-aes256.pem");
    for cut in (0..pem.len()).step_by(11) {
        let _ = read_private_key(&pem[..cut], Some(&secret()));
    }
    assert!(read_certificates(b"not a certificate").is_err());
    assert!(matches!(
        read_certificates(b"-----BEGIN X-----\nAAAA\n-----END X-----\n"),
        Err(Error::NoCertificate)
    ));
}
