//! End-to-end tests of the `keyconv` binary: conversions both ways, the
//! password sources, and the exit code, message and untouched files of
//! every failure. The openssl-made inputs are fixtures/keyconv.

#![allow(clippy::unwrap_used, reason = "test helpers panic on a broken fixture")]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixture(name: &str) -> PathBuf {
    signkit_e2e::repo_root().join("fixtures/keyconv").join(name)
}

/// A fresh directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("signkit-keyconv-e2e-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn keyconv(args: &[&str]) -> Command {
    let mut c = Command::new(signkit_e2e::bin("keyconv"));
    c.args(args).env("SIGNKIT_NOW_MILLIS", "1700000000000").stdin(Stdio::null());
    c
}

fn run(mut c: Command) -> Output {
    c.output().unwrap()
}

fn run_with_stdin(mut c: Command, input: &str) -> Output {
    c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[track_caller]
fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[track_caller]
fn assert_fails(out: &Output, code: i32, message: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
    // Prompts may come first; the error is the last line.
    let last = stderr.trim_end().rsplit('\n').next().unwrap_or_default();
    assert!(last.starts_with("keyconv: error: ") || last.starts_with("Enter "), "{stderr}");
    assert_eq!(last.matches("keyconv: error: ").count(), 1, "{stderr}");
    assert!(stderr.contains(message), "{stderr:?} does not contain {message:?}");
}

fn to_keystore(dir: &Path, key: &Path, cert: &Path, store: &str, extra: &[&str]) -> Output {
    let ks = dir.join(store);
    let mut c = keyconv(&[
        "to-keystore",
        "--key",
        p(key),
        "--cert",
        p(cert),
        "--keystore",
        p(&ks),
        "--alias",
        "Key",
    ]);
    c.args(extra);
    run(c)
}

#[test]
fn round_trip_through_every_store_type() {
    let dir = temp_dir("round-trip");
    for (t, keypass) in [("pkcs12", None), ("jks", Some("entrypass")), ("jceks", Some("entrypass"))]
    {
        let store = format!("s.{t}");
        let mut extra = vec!["--storetype", t, "--storepass", "storepass", "--key-pass", "secret"];
        if let Some(kp) = keypass {
            extra.extend(["--keypass", kp]);
        }
        assert_ok(&to_keystore(
            &dir,
            &fixture("ec.enc-default.pem"),
            &fixture("ec.x509.der"),
            &store,
            &extra,
        ));
        let (key, cert) = (dir.join(format!("{t}.pk8")), dir.join(format!("{t}.x509.pem")));
        let mut c = keyconv(&[
            "to-pk8",
            "--keystore",
            p(&dir.join(&store)),
            "--storepass",
            "storepass",
            "--alias",
            "KEY",
        ]);
        c.args(["--key", p(&key), "--cert", p(&cert)]);
        if let Some(kp) = keypass {
            c.args(["--keypass", kp]);
        }
        assert_ok(&run(c));
        assert_eq!(std::fs::read(&key).unwrap(), std::fs::read(fixture("ec.pk8")).unwrap(), "{t}");
        let pem = std::fs::read_to_string(&cert).unwrap();
        // keytool's -rfc form: CRLF inside the base64, LF around it.
        assert!(
            pem.starts_with("-----BEGIN CERTIFICATE-----\n")
                && pem.ends_with("\n-----END CERTIFICATE-----\n")
        );
        assert!(pem.contains("\r\n"));
        let certs = signkit_keyconv::read_certificates(pem.as_bytes()).unwrap();
        let original =
            signkit_keyconv::read_certificates(&std::fs::read(fixture("ec.x509.pem")).unwrap())
                .unwrap();
        assert_eq!(certs, original);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(
                std::fs::metadata(dir.join(&store)).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }
    // PEM key output.
    let key = dir.join("key.pem");
    let mut c = keyconv(&[
        "to-pk8",
        "--keystore",
        p(&dir.join("s.pkcs12")),
        "--storepass",
        "storepass",
        "--alias",
        "key",
    ]);
    c.args(["--key", p(&key), "--cert", p(&dir.join("c.pem")), "--key-format", "pem"]);
    assert_ok(&run(c));
    assert_eq!(std::fs::read(&key).unwrap(), std::fs::read(fixture("ec.pkcs8.pem")).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn password_sources_and_prompts() {
    let dir = temp_dir("passwords");
    let pwfile = dir.join("pw.txt");
    std::fs::write(&pwfile, "fromfile\nignored\n").unwrap();
    let mut c = keyconv(&[
        "to-keystore",
        "--key",
        p(&fixture("rsa.enc-aes128.pem")),
        "--key-pass-env",
        "KC_KEY_PASS",
    ]);
    c.args([
        "--cert",
        p(&fixture("rsa.x509.pem")),
        "--keystore",
        p(&dir.join("s.jks")),
        "--storetype",
        "JKS",
    ]);
    c.args(["--storepass-file", p(&pwfile), "--alias", "a"]).env("KC_KEY_PASS", "secret");
    assert_ok(&run(c));

    // Store password and key password from stdin, as the prompts read them.
    let (key, cert) = (dir.join("k.pk8"), dir.join("c.pem"));
    let c = keyconv(&[
        "to-pk8",
        "--keystore",
        p(&dir.join("s.jks")),
        "--alias",
        "a",
        "--key",
        p(&key),
        "--cert",
        p(&cert),
    ]);
    let out = run_with_stdin(c, "fromfile\n");
    assert_ok(&out);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "Enter keystore password:  ");
    assert_eq!(std::fs::read(&key).unwrap(), std::fs::read(fixture("rsa.pk8")).unwrap());

    // An encrypted key without --key-pass is asked for.
    let c = keyconv(&[
        "to-keystore",
        "--key",
        p(&fixture("dsa.enc-v1-sha1-3des.pem")),
        "--cert",
        p(&fixture("dsa.x509.pem")),
        "--keystore",
        p(&dir.join("n.p12")),
        "--storepass",
        "longenough",
        "--alias",
        "d",
    ]);
    let out = run_with_stdin(c, "secret\n");
    assert_ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("Enter pass phrase for "));

    // A new store asks twice and wants 6 characters.
    let new = dir.join("prompted.p12");
    let c = keyconv(&[
        "to-keystore",
        "--key",
        p(&fixture("rsa.pk8")),
        "--cert",
        p(&fixture("rsa.x509.pem")),
        "--keystore",
        p(&new),
        "--alias",
        "r",
    ]);
    let out = run_with_stdin(c, "abcdefg\nabcdefg\n");
    assert_ok(&out);
    let c = keyconv(&[
        "to-keystore",
        "--key",
        p(&fixture("rsa.pk8")),
        "--cert",
        p(&fixture("rsa.x509.pem")),
        "--keystore",
        p(&dir.join("short.p12")),
        "--alias",
        "r",
    ]);
    assert_fails(&run_with_stdin(c, "abc\n"), 2, "at least 6 characters");
    assert!(!dir.join("short.p12").exists());
    let c = keyconv(&[
        "to-keystore",
        "--key",
        p(&fixture("rsa.pk8")),
        "--cert",
        p(&fixture("rsa.x509.pem")),
        "--keystore",
        p(&dir.join("short.p12")),
        "--storepass",
        "abc",
        "--alias",
        "r",
    ]);
    assert_fails(&run(c), 2, "Keystore password must be at least 6 characters");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn failures_leave_everything_untouched() {
    let dir = temp_dir("failures");
    let ks = dir.join("s.p12");
    assert_ok(&to_keystore(
        &dir,
        &fixture("rsa.pk8"),
        &fixture("rsa.x509.pem"),
        "s.p12",
        &["--storepass", "rightpw"],
    ));
    let before = std::fs::read(&ks).unwrap();
    let (key, cert) = (dir.join("o.pk8"), dir.join("o.pem"));
    let to_pk8 = |pass: &str, alias: &str| {
        let mut c =
            keyconv(&["to-pk8", "--keystore", p(&ks), "--storepass", pass, "--alias", alias]);
        c.args(["--key", p(&key), "--cert", p(&cert)]);
        run(c)
    };
    assert_fails(&to_pk8("wrongpw", "key"), 3, "password");
    assert_fails(&to_pk8("rightpw", "nope"), 6, "Alias <nope> does not exist");
    assert!(!key.exists() && !cert.exists());

    let cases: [(&str, &str, &[&str], i32, &str); 5] = [
        (
            "rsa.pk8",
            "ec.x509.pem",
            &["--storepass", "rightpw"],
            4,
            "does not match the certificate",
        ),
        ("rsa.pk8", "rsa.x509.pem", &["--storepass", "rightpw"], 7, "Alias <Key> already exists"),
        ("rsa.pk8", "rsa.x509.pem", &["--storepass", "wrongpw"], 3, "password was incorrect"),
        (
            "rsa.enc-default.pem",
            "rsa.x509.pem",
            &["--storepass", "rightpw", "--key-pass", "nope"],
            3,
            "wrong password",
        ),
        ("rsa.x509.pem", "rsa.x509.pem", &["--storepass", "rightpw"], 5, "no private key"),
    ];
    for (k, c, extra, code, message) in cases {
        assert_fails(&to_keystore(&dir, &fixture(k), &fixture(c), "s.p12", extra), code, message);
        assert_eq!(std::fs::read(&ks).unwrap(), before, "{k} {c}");
    }
    // A truncated key, and a new store that must not appear.
    let truncated = dir.join("t.pk8");
    let full = std::fs::read(fixture("rsa.pk8")).unwrap();
    std::fs::write(&truncated, &full[..100]).unwrap();
    assert_fails(
        &to_keystore(
            &dir,
            &truncated,
            &fixture("rsa.x509.pem"),
            "new.p12",
            &["--storepass", "rightpw"],
        ),
        5,
        "malformed",
    );
    assert!(!dir.join("new.p12").exists());
    // An existing empty file is refused, as keytool refuses it.
    std::fs::write(dir.join("empty.p12"), b"").unwrap();
    let out = to_keystore(
        &dir,
        &fixture("rsa.pk8"),
        &fixture("rsa.x509.pem"),
        "empty.p12",
        &["--storepass", "rightpw"],
    );
    assert_fails(&out, 5, "Keystore file exists, but is empty");
    assert_eq!(std::fs::read(dir.join("empty.p12")).unwrap(), b"");
    // A keystore given as the key file is named as such.
    assert_fails(
        &to_keystore(&dir, &ks, &fixture("rsa.x509.pem"), "x.p12", &["--storepass", "rightpw"]),
        5,
        "PKCS12 keystore",
    );
    // With --force the alias is replaced.
    assert_ok(&to_keystore(
        &dir,
        &fixture("ec.pk8"),
        &fixture("ec.x509.pem"),
        "s.p12",
        &["--storepass", "rightpw", "--force"],
    ));
    assert_ok(&to_pk8("rightpw", "key"));
    assert_eq!(std::fs::read(&key).unwrap(), std::fs::read(fixture("ec.pk8")).unwrap());
    // Outputs exist now: refused without --force, files kept.
    let kept = std::fs::read(&key).unwrap();
    std::fs::write(&cert, "keep").unwrap();
    assert_fails(&to_pk8("rightpw", "key"), 7, "already exists");
    assert_eq!(std::fs::read(&key).unwrap(), kept);
    assert_eq!(std::fs::read(&cert).unwrap(), b"keep");
    // Usage errors exit 2.
    assert_eq!(run(keyconv(&["to-pk8", "--keystore", "x"])).status.code(), Some(2));
    assert_eq!(
        run(keyconv(&["make-key", "n", "not-a-subject", "--no-password"])).status.code(),
        Some(2)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn make_key_writes_a_pair_like_openssl() {
    let dir = temp_dir("make-key");
    let name = dir.join("platform");
    let subject = "/C=US/ST=California/L=Mountain View/O=Android/OU=Android/CN=Android/emailAddress=android@android.com";
    for (args, alg) in [(vec![], "RSA"), (vec!["ec"], "EC")] {
        let _ = std::fs::remove_file(dir.join("platform.pk8"));
        let _ = std::fs::remove_file(dir.join("platform.x509.pem"));
        let mut c = keyconv(&["make-key", p(&name), subject, "--no-password"]);
        c.args(args);
        let out = run(c);
        assert_ok(&out);
        assert!(String::from_utf8_lossy(&out.stdout).contains("with no password"));
        let pk8 = std::fs::read(dir.join("platform.pk8")).unwrap();
        let pem = std::fs::read(dir.join("platform.x509.pem")).unwrap();
        assert!(!pem.contains(&b'\r'), "openssl's PEM has LF line ends");
        let pair = signkit_keyconv::KeyPair::read(&pk8, None, &[&pem]).unwrap();
        assert_eq!(pair.key.key().algorithm().jdk_name(), alg);
        let cert = &pair.chain[0];
        let (from, to) = cert.validity_unix();
        assert_eq!(from, 1_700_000_000);
        assert_eq!(to - from, 10_000 * 86_400);
        cert.verify_signed_by(&cert.public_key().unwrap()).unwrap();
    }
    // Existing files are kept.
    let before = std::fs::read(dir.join("platform.pk8")).unwrap();
    let out = run(keyconv(&["make-key", p(&name), subject, "--no-password"]));
    assert_fails(&out, 7, "already exist");
    assert_eq!(std::fs::read(dir.join("platform.pk8")).unwrap(), before);
    // A password from stdin encrypts the key (PBES2 as openssl pkcs8 -topk8 writes).
    let other = dir.join("withpw");
    let out = run_with_stdin(keyconv(&["make-key", p(&other), "/CN=pw"]), "hunter22\n");
    assert_ok(&out);
    let pk8 = std::fs::read(dir.join("withpw.pk8")).unwrap();
    assert!(signkit_keyconv::read_private_key(&pk8, None).is_err());
    let pw = signkit_crypto::Password::new("hunter22".into());
    let key = signkit_keyconv::read_private_key(&pk8, Some(&pw)).unwrap();
    assert_eq!(key.form(), signkit_keyconv::KeyForm::EncryptedPkcs8);
    std::fs::remove_dir_all(&dir).unwrap();
}
