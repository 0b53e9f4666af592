//! End-to-end tests of the `signapk` binary against the goldens in `fixtures/apk`.

#![allow(clippy::unwrap_used, reason = "test helpers panic on a broken fixture")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    signkit_e2e::repo_root().join("fixtures/apk")
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("signkit-cli-signapk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn signapk(args: &[&str], dir: &Path) -> Output {
    Command::new(signkit_e2e::bin("signapk")).args(args).current_dir(dir).output().unwrap()
}

fn f(name: &str) -> String {
    fixtures().join(name).display().to_string()
}

/// Debian signapk's usage line (stderr, exit 2).
const USAGE: &str = "Usage: signapk [-w] [-a <alignment>] [-providerClass <className>] [--min-sdk-version <n>] [--disable-v2] publickey.x509[.pem] privatekey.pk8 [publickey2.x509[.pem] privatekey2.pk8 ...] input.jar output.jar\n";

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn usage() {
    let dir = temp_dir("usage");
    for args in [
        &[][..],
        &["a", "b", "c"],
        &["--enable-v4", "c", "k", "i", "o"],
        &["c", "k", "x", "i", "o"],
    ] {
        let o = signapk(args, &dir);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&o), USAGE);
        assert!(o.stdout.is_empty());
    }
    let (c, k) = (f("rsa-2048.x509.pem"), f("rsa-2048.pk8"));
    let o = signapk(&["-w", &c, &k, &c, &k, "i", "o"], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "Only one key may be used with -w.\n");
}

#[test]
fn signs_like_signapk() {
    let dir = temp_dir("sign");
    let input = f("small-in.apk");
    let (c, k) = (f("rsa-2048.x509.pem"), f("rsa-2048.pk8"));
    let cases: [(&[&str], &str); 3] = [
        (&[&c, &k, &input, "out.apk"], "small-rsa2048.apk"),
        (
            &["-a", "16", "--min-sdk-version", "14", &c, &k, &input, "out.apk"],
            "small-rsa2048-a16-min14.apk",
        ),
        (&["-w", &c, &k, &input, "out.apk"], "small-w-rsa2048.apk"),
    ];
    for (args, golden) in cases {
        let o = signapk(args, &dir);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty() && o.stderr.is_empty());
        assert!(
            std::fs::read(dir.join("out.apk")).unwrap()
                == std::fs::read(fixtures().join(golden)).unwrap(),
            "{golden}"
        );
    }
    // The output replaces an existing file.
    let o = signapk(&[&c, &k, &input, "out.apk"], &dir);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn failures_leave_no_output() {
    let dir = temp_dir("fail");
    let (c, k) = (f("rsa-2048.x509.pem"), f("rsa-2048.pk8"));
    std::fs::write(dir.join("notzip.apk"), b"not a zip").unwrap();
    let o = signapk(&[&c, &k, "notzip.apk", "out.apk"], &dir);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("java.util.zip.ZipException: "), "{}", stderr(&o));

    let o = signapk(&["--min-sdk-version", "x", &c, &k, &f("small-in.apk"), "out.apk"], &dir);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "Exception in thread \"main\" java.lang.IllegalArgumentException: --min-sdk-version must be a decimal number: x\n"
    );

    // A key that is not its certificate's.
    let o = signapk(&[&c, &f("rsa-4096.pk8"), &f("small-in.apk"), "out.apk"], &dir);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("does not match the certificate"), "{}", stderr(&o));

    // An encrypted PKCS#8 key (EncryptedPrivateKeyInfo) is refused clearly.
    std::fs::write(
        dir.join("enc.pk8"),
        [0x30, 0x0b, 0x30, 0x05, 0x06, 0x03, 0x2a, 0x03, 0x04, 0x04, 0x02, 0, 0],
    )
    .unwrap();
    let o = signapk(&[&c, "enc.pk8", &f("small-in.apk"), "out.apk"], &dir);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("encrypted PKCS#8 private keys are not supported"),
        "{}",
        stderr(&o)
    );

    let o = signapk(
        &["-providerClass", "com.example.Provider", &c, &k, &f("small-in.apk"), "out.apk"],
        &dir,
    );
    assert_eq!(o.status.code(), Some(1));

    let o = signapk(&[&c, &k, "missing.apk", "out.apk"], &dir);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o).lines().next(), Some("java.nio.file.NoSuchFileException: missing.apk"));

    let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "only the inputs remain: {names:?}");
}

#[test]
fn minimum_sdk_version_error() {
    let dir = temp_dir("minsdk");
    let (c, k) = (f("rsa-2048.x509.pem"), f("rsa-2048.pk8"));
    // An empty archive: no AndroidManifest.xml.
    let zip = [&b"PK\x05\x06"[..], &[0u8; 18][..]].concat();
    std::fs::write(dir.join("empty.zip"), &zip).unwrap();
    let o = signapk(&[&c, &k, "empty.zip", "out.apk"], &dir);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let mut lines = err.lines();
    assert_eq!(
        lines.next(),
        Some(
            "java.lang.IllegalArgumentException: Cannot detect minSdkVersion. Use --min-sdk-version to override"
        )
    );
    assert_eq!(
        lines.next(),
        Some(
            "Caused by: com.android.apksig.apk.MinSdkVersionException: No AndroidManifest.xml in APK"
        )
    );
    assert!(!dir.join("out.apk").exists());
    // With --min-sdk-version the empty archive signs.
    let o = signapk(&["--min-sdk-version", "21", &c, &k, "empty.zip", "out.apk"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
