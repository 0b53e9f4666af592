//! `keytool` end to end, against outputs JDK 17.0.19 printed for the same
//! inputs. The expected files under `fixtures/keytool/expected/` come from
//! `fixtures/keytool/gen-expected.sh` (the JDK command of each is written
//! next to the test that uses it); shorter expectations are pasted inline.

#![expect(clippy::unwrap_used, reason = "a failing test should fail loudly")]

use signkit_e2e::{Dir, FIXTURE_DAY_MILLIS, Outcome, eqnice, fixture_text};

fn keytool_bin() -> String {
    signkit_e2e::bin("keytool").to_string_lossy().into_owned()
}

const STORES: [&str; 3] = ["store.pkcs12", "store.jks", "store.jceks"];

fn keytool(dir: &Dir, args: &[&str]) -> Outcome {
    dir.command(&keytool_bin()).args(args).run()
}

/// Compares a run with `expected/<name>.{out,err,rc}`.
fn check_expected(name: &str, got: &Outcome) {
    eqnice!(fixture_text(&format!("expected/{name}.out")), got.out());
    eqnice!(fixture_text(&format!("expected/{name}.err")), got.err());
    let rc: i32 = fixture_text(&format!("expected/{name}.rc")).trim().parse().unwrap();
    assert_eq!(rc, got.code, "exit code of {name}");
}

fn fixture_dir(name: &str) -> Dir {
    let dir = Dir::new(name);
    dir.copy_fixtures(&[
        "store.pkcs12",
        "store.jks",
        "store.jceks",
        "extensions.pem",
        "signed-jar-CERT.DSA",
        "mixed.bin",
    ]);
    dir
}

#[test]
fn list_every_form_of_every_store_type() {
    let dir = fixture_dir("list");
    for store in STORES {
        let t = store.trim_start_matches("store.");
        // keytool -list -keystore store.<t> -storepass changeit
        check_expected(
            &format!("list-{t}"),
            &keytool(&dir, &["-list", "-keystore", store, "-storepass", "changeit"]),
        );
        // keytool -list -v -keystore store.<t> -storepass changeit
        check_expected(
            &format!("list-v-{t}"),
            &keytool(&dir, &["-list", "-v", "-keystore", store, "-storepass", "changeit"]),
        );
        // keytool -list -rfc -keystore store.<t> -storepass changeit
        check_expected(
            &format!("list-rfc-{t}"),
            &keytool(&dir, &["-list", "-rfc", "-keystore", store, "-storepass", "changeit"]),
        );
        // printf '\n' | keytool -list -keystore store.<t>   (RETURN at the password prompt)
        let nopass = dir.command(&keytool_bin()).args(["-list", "-keystore", store]).stdin(b"\n").run();
        check_expected(&format!("list-nopass-{t}"), &nopass);
        // keytool -exportcert -rfc -alias weak -keystore store.<t> -storepass changeit
        check_expected(
            &format!("export-rfc-{t}"),
            &keytool(
                &dir,
                &[
                    "-exportcert",
                    "-rfc",
                    "-alias",
                    "weak",
                    "-keystore",
                    store,
                    "-storepass",
                    "changeit",
                ],
            ),
        );
    }
}

#[test]
fn rfc_output_uses_crlf_inside_the_base64() {
    let dir = fixture_dir("rfc");
    let o = keytool(
        &dir,
        &[
            "-exportcert",
            "-rfc",
            "-alias",
            "weak",
            "-keystore",
            "store.jks",
            "-storepass",
            "changeit",
        ],
    );
    let text = o.out();
    assert!(text.starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert!(text.contains("\r\n"));
    assert!(text.ends_with("\n-----END CERTIFICATE-----\n"));
}

#[test]
fn printcert_inputs() {
    let dir = fixture_dir("printcert");
    // keytool -printcert -file extensions.pem   (every extension kind the JDK decodes)
    check_expected(
        "printcert-extensions",
        &keytool(&dir, &["-printcert", "-file", "extensions.pem"]),
    );
    // keytool -printcert -file signed-jar-CERT.DSA   (PKCS#7 from a jarsigner-signed jar)
    check_expected(
        "printcert-cert-dsa",
        &keytool(&dir, &["-printcert", "-file", "signed-jar-CERT.DSA"]),
    );
    // keytool -printcert -rfc -file mixed.bin   (a PEM and a DER certificate back to back)
    check_expected(
        "printcert-mixed-rfc",
        &keytool(&dir, &["-printcert", "-rfc", "-file", "mixed.bin"]),
    );
    // printf x | keytool -printcert
    check_expected("printcert-stdin", &dir.command(&keytool_bin()).args(["-printcert"]).stdin(b"x").run());
    // The same certificate from stdin prints as from the file.
    let pem = dir.read("extensions.pem");
    let from_stdin = dir.command(&keytool_bin()).args(["-printcert"]).stdin(&pem).run();
    check_expected("printcert-extensions", &from_stdin);
}

#[test]
fn errors_and_usage() {
    let dir = fixture_dir("errors");
    // keytool -list -keystore store.pkcs12 -storepass changeit -alias nope
    check_expected(
        "list-alias-missing",
        &keytool(
            &dir,
            &["-list", "-keystore", "store.pkcs12", "-storepass", "changeit", "-alias", "nope"],
        ),
    );
    // keytool -list -keystore store.jks -storepass wrongpass
    check_expected(
        "list-wrong-password",
        &keytool(&dir, &["-list", "-keystore", "store.jks", "-storepass", "wrongpass"]),
    );
    // keytool -list -v -rfc -keystore store.pkcs12 -storepass changeit
    check_expected(
        "list-v-rfc",
        &keytool(
            &dir,
            &["-list", "-v", "-rfc", "-keystore", "store.pkcs12", "-storepass", "changeit"],
        ),
    );
    // keytool -help; keytool -list -help; keytool -list -foo
    check_expected("help", &keytool(&dir, &["-help"]));
    check_expected("help-list", &keytool(&dir, &["-list", "-help"]));
    check_expected("illegal-option", &keytool(&dir, &["-list", "-foo"]));

    // Pasted from JDK 17 runs.
    // keytool -list -keystore missing.p12 -storepass changeit
    let o = keytool(&dir, &["-list", "-keystore", "missing.p12", "-storepass", "changeit"]);
    assert_eq!(
        o.out(),
        "keytool error: java.lang.Exception: Keystore file does not exist: missing.p12\n"
    );
    assert_eq!((o.err().as_str(), o.code), ("", 1));
    // keytool -list -keystore store.pkcs12 -storepass changeit -keysize abc
    let o = keytool(
        &dir,
        &["-list", "-keystore", "store.pkcs12", "-storepass", "changeit", "-keysize", "abc"],
    );
    assert_eq!(
        o.out(),
        "keytool error: java.lang.NumberFormatException: For input string: \"abc\"\n"
    );
    // keytool -list -keystore
    let o = keytool(&dir, &["-list", "-keystore"]);
    assert!(
        o.err().starts_with(
            "Command option -keystore needs an argument.\nkeytool -list [OPTION]...\n\n"
        )
    );
    assert_eq!((o.out().as_str(), o.code), ("", 1));
    // keytool -list -printcert
    let o = keytool(&dir, &["-list", "-printcert"]);
    assert_eq!(
        o.out(),
        "keytool error: java.lang.Exception: Only one command is allowed: both -list and -printcert were specified.\n"
    );
    // keytool -list -keystore store.pkcs12 -storepass:env SIGNKIT_E2E_UNSET
    let o = keytool(
        &dir,
        &["-list", "-keystore", "store.pkcs12", "-storepass:env", "SIGNKIT_E2E_UNSET"],
    );
    assert!(o.err().starts_with(
        "Cannot find environment variable: SIGNKIT_E2E_UNSET\nkeytool -list [OPTION]...\n"
    ));
    assert_eq!(o.code, 1);
    // keytool -list -keystore store.pkcs12 -storetype FOO -storepass changeit
    let o = keytool(
        &dir,
        &["-list", "-keystore", "store.pkcs12", "-storetype", "FOO", "-storepass", "changeit"],
    );
    assert_eq!(o.out(), "keytool error: java.security.KeyStoreException: FOO not found\n");
    // keytool -LIST -KEYSTORE store.pkcs12 -StorePass changeit -v -V (case-insensitive, twice)
    let o = keytool(
        &dir,
        &[
            "-LIST",
            "-KEYSTORE",
            "store.pkcs12",
            "-StorePass",
            "changeit",
            "-v",
            "-V",
            "-alias",
            "aes",
        ],
    );
    assert_eq!(o.out(), "keytool error: java.lang.Exception: Alias <aes> does not exist\n");
}

#[test]
fn passwords_from_env_and_file_and_options_in_a_conf_file() {
    let dir = fixture_dir("passwords");
    let by_env = dir
        .command(&keytool_bin())
        .args(["-list", "-keystore", "store.jks", "-storepass:env", "KS_PW"])
        .env("KS_PW", "changeit")
        .run();
    check_expected("list-jks", &by_env);
    dir.create("pw.txt", b"changeit\nignored second line\n");
    check_expected(
        "list-jks",
        &keytool(&dir, &["-list", "-keystore", "store.jks", "-storepass:file", "pw.txt"]),
    );
    dir.create(
        "keytool.conf",
        b"keytool.all = -storepass changeit\nkeytool.list = -keystore store.jks\n",
    );
    check_expected("list-jks", &keytool(&dir, &["-conf", "keytool.conf", "-list"]));
}

#[test]
fn importkeystore_converts_and_keeps_entries() {
    let dir = fixture_dir("import");
    // keytool -importkeystore -srckeystore store.jceks -destkeystore out.jks -deststoretype jks
    //   -srcstorepass changeit -deststorepass changeit -noprompt
    // (JDK 17 output: the secret key cannot go into a JKS; the weak
    // certificate, imported first as trustme, is a trust anchor for weak.)
    let o = keytool(
        &dir,
        &[
            "-importkeystore",
            "-srckeystore",
            "store.jceks",
            "-destkeystore",
            "out.jks",
            "-deststoretype",
            "jks",
            "-srcstorepass",
            "changeit",
            "-deststorepass",
            "changeit",
            "-noprompt",
        ],
    );
    eqnice!(
        "Importing keystore store.jceks to out.jks...
Entry for alias trustme successfully imported.
Entry for alias ünï successfully imported.
Problem importing entry for alias aes: java.security.KeyStoreException: Cannot store non-PrivateKeys.
Entry for alias aes not imported.
Entry for alias weak successfully imported.
Import command completed:  3 entries successfully imported, 1 entries failed or cancelled

Warning:
<trustme> uses the SHA1withRSA signature algorithm which is considered a security risk and cannot be used to sign JARs after 2019-01-01.
<trustme> uses a 1024-bit RSA key which is considered a security risk. This key size will be disabled in a future update.
<weak> uses a 1024-bit RSA key which is considered a security risk. This key size will be disabled in a future update.
The JKS keystore uses a proprietary format. It is recommended to migrate to PKCS12 which is an industry standard format using \"keytool -importkeystore -srckeystore out.jks -destkeystore out.jks -deststoretype pkcs12\".
",
        o.err()
    );
    assert_eq!((o.out().as_str(), o.code), ("", 0));

    // The converted store lists as the JDK lists the JKS fixture (same
    // entries and certificates; the dates are the import day).
    let listed = keytool(&dir, &["-list", "-keystore", "out.jks", "-storepass", "changeit"]);
    assert_eq!(listed.code, 0);
    let reference = fixture_text("expected/list-jks.out");
    let fingerprints = |s: &str| {
        let mut v: Vec<String> =
            s.lines().filter(|l| l.contains(", Nov 24, 2026, ")).map(str::to_owned).collect();
        v.sort();
        v
    };
    assert_eq!(fingerprints(&listed.out()).len(), 3);
    assert_eq!(
        fingerprints(&reference)
            .iter()
            .map(|l| l.split(", ").next().unwrap().to_owned())
            .collect::<Vec<_>>(),
        fingerprints(&listed.out())
            .iter()
            .map(|l| l.split(", ").next().unwrap().to_owned())
            .collect::<Vec<_>>()
    );
}

#[test]
fn in_place_migration_keeps_a_backup() {
    let dir = fixture_dir("migrate");
    let before = dir.read("store.jks");
    // keytool -importkeystore -srckeystore store.jks -destkeystore store.jks -deststoretype pkcs12
    //   -srcstorepass changeit
    let o = keytool(
        &dir,
        &[
            "-importkeystore",
            "-srckeystore",
            "store.jks",
            "-destkeystore",
            "store.jks",
            "-deststoretype",
            "pkcs12",
            "-srcstorepass",
            "changeit",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.out());
    assert!(o.err().ends_with(
        "Migrated \"store.jks\" to PKCS12. The JKS keystore is backed up as \"store.jks.old\".\n"
    ));
    assert_eq!(dir.read("store.jks.old"), before);
    let listed = keytool(&dir, &["-list", "-keystore", "store.jks", "-storepass", "changeit"]);
    assert!(listed.out().starts_with("Keystore type: PKCS12\n"));
}

#[test]
fn failed_commands_leave_stores_untouched_and_never_panic() {
    let dir = fixture_dir("damage");
    let jks = dir.read("store.jks");
    let p12 = dir.read("store.pkcs12");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.p12", Vec::new()),
        ("text.p12", b"not a keystore".to_vec()),
        ("trunc.jks", jks[..100].to_vec()),
        ("trunc.p12", p12[..500].to_vec()),
        ("flipped.jks", {
            let mut v = jks.clone();
            v[1000] ^= 0xff;
            v
        }),
        ("flipped.p12", {
            let mut v = p12.clone();
            v[1500] ^= 0x55;
            v
        }),
    ];
    for (name, bytes) in &cases {
        dir.create(name, bytes);
        for args in [
            vec!["-list", "-keystore", name, "-storepass", "changeit"],
            vec!["-list", "-v", "-keystore", name, "-storepass", "changeit"],
            vec!["-exportcert", "-alias", "weak", "-keystore", name, "-storepass", "changeit"],
        ] {
            let o = keytool(&dir, &args);
            assert_eq!(o.code, 1, "{args:?}: {}", o.out());
            assert!(o.out().starts_with("keytool error: "), "{args:?}: {}", o.out());
            assert!(!o.err().contains("panicked"), "{args:?}: {}", o.err());
        }
        assert_eq!(&dir.read(name), bytes, "{name} changed");
    }
    // A conversion that fails on its way does not touch the destination.
    let o = keytool(
        &dir,
        &[
            "-importkeystore",
            "-srckeystore",
            "store.jks",
            "-destkeystore",
            "store.pkcs12",
            "-srcstorepass",
            "changeit",
            "-deststorepass",
            "wrongpass",
        ],
    );
    assert_eq!(o.out(), "keytool error: java.io.IOException: keystore password was incorrect\n");
    assert_eq!(dir.read("store.pkcs12"), p12);
    // Nor does an export whose alias is missing create its output file.
    let o = keytool(
        &dir,
        &[
            "-exportcert",
            "-alias",
            "nope",
            "-file",
            "out.cer",
            "-keystore",
            "store.jks",
            "-storepass",
            "changeit",
        ],
    );
    assert_eq!(o.code, 1);
    assert!(!dir.path().join("out.cer").exists());
}

#[test]
fn unimplemented_commands_are_refused() {
    let dir = fixture_dir("unsupported");
    for cmd in [
        "-genkeypair",
        "-genkey",
        "-certreq",
        "-importcert",
        "-delete",
        "-storepasswd",
        "-gencert",
        "-printcrl",
    ] {
        let o = keytool(&dir, &[cmd, "-keystore", "store.pkcs12", "-storepass", "changeit"]);
        assert_eq!(o.code, 1, "{cmd}");
        assert!(
            o.out().contains("not supported by this version of signkit keytool"),
            "{cmd}: {}",
            o.out()
        );
    }
    assert_eq!(
        dir.read("store.pkcs12"),
        std::fs::read(signkit_e2e::fixture("store.pkcs12")).unwrap()
    );
}

/// Stores written by signkit's own library list as the JDK lists them.
mod library_stores {
    use signkit_crypto::{Certificate, Password, pem};
    use signkit_keystore::{EncodeOptions, Entry, Keystore, ProtectedKey, StoreType};

    use super::*;

    fn build(kind: StoreType) -> Vec<u8> {
        let key_pem = fixture_text("extensions.key.pem");
        let key = pem::parse_all(key_pem.as_bytes()).unwrap().remove(0);
        let cert_pem = fixture_text("extensions.pem");
        let cert =
            Certificate::from_der(&pem::parse_all(cert_pem.as_bytes()).unwrap()[0].der).unwrap();
        let ec_pem = fixture_text("ec.pem");
        let ec = Certificate::from_der(&pem::parse_all(ec_pem.as_bytes()).unwrap()[0].der).unwrap();
        let pw = Password::new("changeit".into());
        let mut ks = Keystore::new(kind);
        ks.insert(Entry::private_key(
            "Server",
            FIXTURE_DAY_MILLIS,
            ProtectedKey::new_private(
                signkit_crypto::zeroize::Zeroizing::new(key.der.clone()),
                pw.duplicate(),
            ),
            vec![cert],
        ));
        ks.insert(Entry::trusted_cert("ca", FIXTURE_DAY_MILLIS, ec));
        if kind != StoreType::Jks {
            ks.insert(Entry::secret_key(
                "hmac",
                FIXTURE_DAY_MILLIS,
                ProtectedKey::new_secret(
                    "HmacSHA256",
                    signkit_crypto::zeroize::Zeroizing::new(vec![7u8; 32]),
                    pw.duplicate(),
                ),
            ));
        }
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1);
        signkit_keystore::encode(&ks, &pw, &mut rng, &EncodeOptions::new(FIXTURE_DAY_MILLIS))
            .unwrap()
    }

    #[test]
    fn list_stores_made_by_signkit() {
        for (kind, name, expected) in [
            (StoreType::Pkcs12, "lib.p12", LIB_P12),
            (StoreType::Jks, "lib.jks", LIB_JKS),
            (StoreType::Jceks, "lib.jceks", LIB_JCEKS),
        ] {
            let dir = Dir::new("library");
            let bytes = build(kind);
            dir.create(name, &bytes);
            // To refresh the expectations: keep the stores and list them with the JDK.
            if let Ok(keep) = std::env::var("SIGNKIT_E2E_KEEP_STORES") {
                std::fs::write(std::path::Path::new(&keep).join(name), &bytes).unwrap();
            }
            let o = keytool(&dir, &["-list", "-keystore", name, "-storepass", "changeit"]);
            assert_eq!(o.code, 0, "{}", o.out());
            eqnice!(expected, o.out());
        }
    }

    // JDK 17: keytool -list -keystore lib.p12 -storepass changeit, on a store
    // written by build(StoreType::Pkcs12).
    const LIB_P12: &str = "Keystore type: PKCS12
Keystore provider: SUN

Your keystore contains 3 entries

ca, Nov 24, 2026, trustedCertEntry, 
Certificate fingerprint (SHA-256): BD:F7:F9:09:8A:7F:F6:8E:3A:CA:4E:85:A1:A5:B9:E6:44:51:92:9E:EF:F0:E4:EC:4B:E1:35:EF:43:9E:39:1D
hmac, Nov 24, 2026, SecretKeyEntry, 
server, Nov 24, 2026, PrivateKeyEntry, 
Certificate fingerprint (SHA-256): 2D:63:65:95:BD:20:92:31:5C:C3:FB:08:1B:C0:99:90:5B:E6:7D:AF:69:08:AC:55:50:3C:D1:D0:47:F1:EB:5F
";

    // JDK 17: keytool -list -keystore lib.jks -storepass changeit.
    const LIB_JKS: &str = "Keystore type: JKS
Keystore provider: SUN

Your keystore contains 2 entries

ca, Nov 24, 2026, trustedCertEntry, 
Certificate fingerprint (SHA-256): BD:F7:F9:09:8A:7F:F6:8E:3A:CA:4E:85:A1:A5:B9:E6:44:51:92:9E:EF:F0:E4:EC:4B:E1:35:EF:43:9E:39:1D
server, Nov 24, 2026, PrivateKeyEntry, 
Certificate fingerprint (SHA-256): 2D:63:65:95:BD:20:92:31:5C:C3:FB:08:1B:C0:99:90:5B:E6:7D:AF:69:08:AC:55:50:3C:D1:D0:47:F1:EB:5F
";

    // JDK 17: keytool -list -keystore lib.jceks -storepass changeit.
    const LIB_JCEKS: &str = "Keystore type: JCEKS
Keystore provider: SunJCE

Your keystore contains 3 entries

ca, Nov 24, 2026, trustedCertEntry, 
Certificate fingerprint (SHA-256): BD:F7:F9:09:8A:7F:F6:8E:3A:CA:4E:85:A1:A5:B9:E6:44:51:92:9E:EF:F0:E4:EC:4B:E1:35:EF:43:9E:39:1D
hmac, Nov 24, 2026, SecretKeyEntry, 
server, Nov 24, 2026, PrivateKeyEntry, 
Certificate fingerprint (SHA-256): 2D:63:65:95:BD:20:92:31:5C:C3:FB:08:1B:C0:99:90:5B:E6:7D:AF:69:08:AC:55:50:3C:D1:D0:47:F1:EB:5F
";
}

/// Stores from other projects' test suites (`../shared/corpus`, never copied
/// into the repository), against what JDK 17 prints for them.
mod corpus {
    use super::*;

    fn corpus_dir(sub: &str) -> Dir {
        let root = signkit_e2e::corpus_root()
            .expect("the shared corpus (../shared/corpus) is missing")
            .join(sub);
        let dir = Dir::new("corpus");
        for f in [
            "testdata/keystore.jks",
            "keystores/jks/non_ascii_password.jks",
            "keystores/jceks/duplicate_aliases.jceks",
        ] {
            let p = root.join(f);
            if p.exists() {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                std::fs::copy(&p, dir.path().join(name)).unwrap();
            }
        }
        dir
    }

    #[test]
    fn keystore_go_key_without_chain_is_listed_as_a_secret_key() {
        let dir = corpus_dir("keystore-go");
        // JDK 17: keytool -list -keystore keystore.jks -storepass password
        // (KeyStoreSpi.engineEntryInstanceOf calls a key entry without a
        // certificate a SecretKeyEntry).
        let o = keytool(&dir, &["-list", "-keystore", "keystore.jks", "-storepass", "password"]);
        eqnice!(
            "Keystore type: JKS
Keystore provider: SUN

Your keystore contains 1 entry

alias, Sep 19, 2017, SecretKeyEntry, 
",
            o.out()
        );
        assert_eq!(o.code, 0);
    }

    #[test]
    fn pyjks_stores() {
        let dir = corpus_dir("pyjks");
        // JDK 17: keytool -list -keystore non_ascii_password.jks -storepass 'ლ(ಠ益ಠლ)'
        let o = keytool(
            &dir,
            &[
                "-list",
                "-keystore",
                "non_ascii_password.jks",
                "-storepass",
                "\u{10da}(\u{ca0}\u{76ca}\u{ca0}\u{10da})",
            ],
        );
        eqnice!(
            "Keystore type: JKS
Keystore provider: SUN

Your keystore contains 1 entry

mykey, May 15, 2016, PrivateKeyEntry, 
Certificate fingerprint (SHA-256): 0D:F5:D2:F1:BF:FC:21:D1:08:D9:08:4B:A7:EF:9F:01:8F:EC:2C:39:4E:A0:F1:40:E5:57:30:8D:D9:ED:7D:01
",
            o.out()
        );
        // JDK 17: keytool -list -keystore duplicate_aliases.jceks -storepass 12345678
        let o = keytool(
            &dir,
            &["-list", "-keystore", "duplicate_aliases.jceks", "-storepass", "12345678"],
        );
        eqnice!(
            "Keystore type: JCEKS
Keystore provider: SunJCE

Your keystore contains 1 entry

my_alias, Apr 28, 2016, trustedCertEntry, 
Certificate fingerprint (SHA-256): CF:B0:01:27:ED:F5:76:2D:46:35:02:F2:07:55:E5:58:A0:02:63:9D:45:1B:9F:CD:42:5D:F3:25:02:E1:2C:36
",
            o.out()
        );
        eqnice!(
            "
Warning:
<my_alias> uses a 1024-bit RSA key which is considered a security risk. This key size will be disabled in a future update.
",
            o.err()
        );
    }
}
