//! The rows of the bench: for each, the reference command and ours doing the
//! same work on the same inputs, the target, and the checks that the
//! outputs are real (run once, outside the timing).

use std::path::PathBuf;
use std::process::Command;

use super::inputs::{ALIAS, Inputs, STOREPASS};
use super::measure::Side;
use crate::tools::{self, SIGNAPK_JAR};

/// The acceptance target for a row.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Target {
    None,
    /// reference median / ours median at least this.
    Ratio(f64),
    /// The ratio, and our peak RSS at most this many MiB.
    RatioRss(f64, u64),
}

/// One row of the table.
pub(crate) struct RowDef {
    /// The name `--only` takes.
    pub(crate) key: &'static str,
    /// Our binary (`target/release/<tool>`); `--only` takes it too.
    pub(crate) tool: &'static str,
    pub(crate) title: &'static str,
    pub(crate) reference: &'static str,
    pub(crate) target: Target,
    /// What a reader must know to read the row right.
    pub(crate) note: Option<&'static str>,
    pub(crate) build: fn(&mut Inputs<'_>) -> anyhow::Result<Sides>,
}

/// The two sides of a row, ready to run, and what to check afterwards.
pub(crate) struct Sides {
    /// The reference side, or why it is not available (a peer that did not build).
    pub(crate) reference: Result<Side, String>,
    pub(crate) ours: Side,
    /// Commands that must succeed on the outputs of the last runs.
    pub(crate) checks: Vec<Check>,
    /// Our output and the reference's, compared byte for byte (a note, not a failure).
    pub(crate) same: Option<(PathBuf, PathBuf)>,
}

/// A command that must exit 0 (and print `expect`, when given).
pub(crate) struct Check {
    /// Whether it checks our output (run when ours ran) or the reference's
    /// (run when the reference ran).
    pub(crate) of_ours: bool,
    pub(crate) what: String,
    pub(crate) cmd: Command,
    pub(crate) expect: Option<&'static str>,
}

/// The signapk rows against signers that keep compressed entries as they are.
const RAW_COPY_NOTE: &str = "apksigner and rust-apk copy compressed entries as they are, while signapk (AOSP's and \
ours) recompresses them at level 9 to write AOSP's exact bytes: not the same CPU work (see the floor)";

/// Every row, in table order.
pub(crate) const ROWS: &[RowDef] = &[
    RowDef {
        key: "keytool-list",
        tool: "keytool",
        title: "`keytool -list` (PKCS12)",
        reference: "JDK 17 keytool",
        target: Target::Ratio(30.0),
        note: None,
        build: keytool_list,
    },
    RowDef {
        key: "genkeypair-rsa",
        tool: "keytool",
        title: "`keytool -genkeypair` RSA-2048",
        reference: "JDK 17 keytool",
        target: Target::Ratio(5.0),
        note: None,
        build: |i| genkeypair(i, "rsa", &["-keyalg", "RSA", "-keysize", "2048"]),
    },
    RowDef {
        key: "genkeypair-ec",
        tool: "keytool",
        title: "`keytool -genkeypair` EC P-256",
        reference: "JDK 17 keytool",
        target: Target::None,
        note: None,
        build: |i| genkeypair(i, "ec", &["-keyalg", "EC", "-groupname", "secp256r1"]),
    },
    RowDef {
        key: "importkeystore",
        tool: "keytool",
        title: "`keytool -importkeystore` JKS → PKCS12",
        reference: "JDK 17 keytool",
        target: Target::None,
        note: None,
        build: importkeystore,
    },
    RowDef {
        key: "jarsigner-sign",
        tool: "jarsigner",
        title: "`jarsigner` sign",
        reference: "JDK 17 jarsigner",
        target: Target::Ratio(15.0),
        note: None,
        build: jarsigner_sign,
    },
    RowDef {
        key: "jarsigner-verify",
        tool: "jarsigner",
        title: "`jarsigner -verify`",
        reference: "JDK 17 jarsigner",
        target: Target::Ratio(5.0),
        note: None,
        build: jarsigner_verify,
    },
    RowDef {
        key: "signapk-aosp",
        tool: "signapk",
        title: "`signapk` v1+v2+v3",
        reference: "AOSP signapk",
        target: Target::RatioRss(25.0, 16),
        note: Some(
            "the output must be byte-identical to AOSP signapk's (RSA), so both recompress deflated entries at level 9",
        ),
        build: signapk_aosp,
    },
    RowDef {
        key: "signapk-apksigner",
        tool: "signapk",
        title: "`signapk` v1+v2+v3",
        reference: "apksigner sign",
        target: Target::Ratio(8.0),
        note: Some(RAW_COPY_NOTE),
        build: signapk_apksigner,
    },
    RowDef {
        key: "signapk-rust-apk",
        tool: "signapk",
        title: "`signapk` v1+v2+v3",
        reference: "rust-apk 1.0",
        target: Target::Ratio(2.0),
        note: Some(RAW_COPY_NOTE),
        build: signapk_rust_apk,
    },
    RowDef {
        key: "zipalign",
        tool: "zipalign",
        title: "`zipalign -f -p 4`",
        reference: "Debian zipalign",
        target: Target::None,
        note: None,
        build: zipalign,
    },
    RowDef {
        key: "keyconv",
        tool: "keyconv",
        title: "`keyconv to-pk8` (JKS)",
        reference: "keytool + openssl recipe",
        target: Target::None,
        note: Some(
            "the reference is the usual recipe without keyconv: four commands, timed together; peak RSS is the largest step's",
        ),
        build: keyconv,
    },
];

/// JDK keytool reads a store one of the sides wrote.
fn jdk_lists(inputs: &Inputs<'_>, store: &std::path::Path, what: &str) -> Check {
    let mut cmd = inputs.tools.jdk("keytool");
    cmd.arg("-list").arg("-keystore").arg(store).args(["-storepass", STOREPASS]);
    Check {
        of_ours: true,
        what: format!("JDK keytool -list reads {what}"),
        cmd,
        expect: Some("PrivateKeyEntry"),
    }
}

fn apksigner_verifies(apk: &std::path::Path, of_ours: bool, what: &str) -> Check {
    let mut cmd = Command::new("apksigner");
    cmd.arg("verify").arg(apk);
    Check { of_ours, what: format!("apksigner verify accepts {what}"), cmd, expect: None }
}

fn keytool_list(inputs: &mut Inputs<'_>) -> anyhow::Result<Sides> {
    let store = inputs.pkcs12()?;
    let side = |mut c: Command| {
        c.arg("-list").arg("-keystore").arg(&store).args(["-storepass", STOREPASS]);
        Side::new(c)
    };
    Ok(Sides {
        reference: Ok(side(inputs.tools.jdk("keytool"))),
        ours: side(inputs.tools.ours("keytool")),
        checks: Vec::new(),
        same: None,
    })
}

fn genkeypair(inputs: &mut Inputs<'_>, name: &str, alg: &[&str]) -> anyhow::Result<Sides> {
    let (ref_out, our_out) =
        (inputs.path(&format!("gen-{name}-ref.p12")), inputs.path(&format!("gen-{name}-ours.p12")));
    let side = |mut c: Command, out: &PathBuf| {
        c.arg("-genkeypair").arg("-keystore").arg(out);
        c.args(["-storetype", "PKCS12", "-storepass", STOREPASS, "-alias", ALIAS]).args(alg);
        c.args(["-dname", "CN=signkit bench, O=signkit, C=US", "-validity", "3650"]);
        Side::new(c).cleaning(out)
    };
    Ok(Sides {
        reference: Ok(side(inputs.tools.jdk("keytool"), &ref_out)),
        ours: side(inputs.tools.ours("keytool"), &our_out),
        checks: vec![jdk_lists(inputs, &our_out, "our store")],
        same: None,
    })
}

fn importkeystore(inputs: &mut Inputs<'_>) -> anyhow::Result<Sides> {
    let src = inputs.jks()?;
    let (ref_out, our_out) = (inputs.path("imported-ref.p12"), inputs.path("imported-ours.p12"));
    let side = |mut c: Command, out: &PathBuf| {
        c.args(["-importkeystore", "-srckeystore"]).arg(&src);
        c.args(["-srcstoretype", "JKS", "-srcstorepass", STOREPASS, "-destkeystore"]).arg(out);
        c.args(["-deststoretype", "PKCS12", "-deststorepass", STOREPASS, "-noprompt"]);
        Side::new(c).cleaning(out)
    };
    Ok(Sides {
        reference: Ok(side(inputs.tools.jdk("keytool"), &ref_out)),
        ours: side(inputs.tools.ours("keytool"), &our_out),
        checks: vec![jdk_lists(inputs, &our_out, "our store")],
        same: None,
    })
}

fn jarsigner_sign(inputs: &mut Inputs<'_>) -> anyhow::Result<Sides> {
    let (jar, store) = (inputs.jar()?.path, inputs.pkcs12()?);
    let (ref_out, our_out) = (inputs.path("signed-ref.jar"), inputs.path("signed-ours.jar"));
    let side = |mut c: Command, out: &PathBuf| {
        c.arg("-keystore").arg(&store).args([
            "-storetype",
            "PKCS12",
            "-storepass",
            STOREPASS,
            "-signedjar",
        ]);
        c.arg(out).arg(&jar).arg(ALIAS);
        Side::new(c).cleaning(out)
    };
    let mut verify = inputs.tools.jdk("jarsigner");
    verify.arg("-verify").arg(&our_out);
    Ok(Sides {
        reference: Ok(side(inputs.tools.jdk("jarsigner"), &ref_out)),
        ours: side(inputs.tools.ours("jarsigner"), &our_out),
        checks: vec![Check {
            of_ours: true,
            what: "JDK jarsigner -verify accepts our jar".into(),
            cmd: verify,
            expect: Some("jar verified."),
        }],
        same: None,
    })
}

fn jarsigner_verify(inputs: &mut Inputs<'_>) -> anyhow::Result<Sides> {
    let jar = inputs.signed_jar()?;
    let side = |mut c: Command| {
        c.arg("-verify").arg(&jar);
        Side::new(c)
    };
    Ok(Sides {
        reference: Ok(side(inputs.tools.jdk("jarsigner"))),
        ours: side(inputs.tools.ours("jarsigner")),
        checks: Vec::new(),
        same: None,
    })
}

/// Our signapk on the aligned APK, writing `<key>-ours.apk`.
fn our_signapk(inputs: &mut Inputs<'_>, key: &str) -> anyhow::Result<(Side, PathBuf)> {
    let (apk, keys) = (inputs.aligned_apk()?.path, inputs.keys()?);
    let out = inputs.path(&format!("{key}-ours.apk"));
    let mut c = inputs.tools.ours("signapk");
    c.arg(&keys.x509_pem).arg(&keys.pk8).arg(&apk).arg(&out);
    Ok((Side::new(c).cleaning(&out), out))
}

fn signapk_aosp(inputs: &mut Inputs<'_>) -> anyhow::Result<Sides> {
    let (ours, our_out) = our_signapk(inputs, "signapk-aosp")?;
    let (apk, keys) = (inputs.aligned_apk()?.path, inputs.keys()?);
    let ref_out = inputs.path("signapk-aosp-ref.apk");
    let mut c = inputs.tools.jdk("java");
    c.arg("-jar").arg(SIGNAPK_JAR).arg(&keys.x509_pem).arg(&keys.pk8).arg(&apk).arg(&ref_out);
    Ok(Sides {
        reference: Ok(Side::new(c).cleaning(&ref_out)),
        ours,
        checks: vec![
            apksigner_verifies(&our_out, true, "our APK"),
            apksigner_verifies(&ref_out, false, "AOSP signapk's APK"),
        ],
        same: Some((our_out, ref_out)),
    })
}

fn signapk_apksigner(inputs: &mut Inputs<'_>) -> anyhow::Result<Sides> {
    let (ours, our_out) = our_signapk(inputs, "signapk-apksigner")?;
    let (apk, keys) = (inputs.aligned_apk()?.path, inputs.keys()?);
    let ref_out = inputs.path("signapk-apksigner-ref.apk");
    let mut c = Command::new(tools::which("apksigner")?);
    c.env("TZ", "UTC")
        .env("LC_ALL", "C.UTF-8")
        .env_remove("JAVA_TOOL_OPTIONS")
        .env_remove("_JAVA_OPTIONS");
    c.args(["sign", "--key"]).arg(&keys.pk8).arg("--cert").arg(&keys.x509_pem);
    // The schemes signapk writes, whatever apksigner would pick for the manifest's minSdkVersion.
    c.args([
        "--v1-signing-enabled",
        "true",
        "--v2-signing-enabled",
        "true",
        "--v3-signing-enabled",
        "true",
    ]);
    c.args(["--v4-signing-enabled", "false", "--in"]).arg(&apk).arg("--out").arg(&ref_out);
    Ok(Sides {
        reference: Ok(Side::new(c).cleaning(&ref_out)),
        ours,
        checks: vec![
            apksigner_verifies(&our_out, true, "our APK"),
            apksigner_verifies(&ref_out, false, "apksigner's APK"),
        ],
        same: None,
    })
}

fn signapk_rust_apk(inputs: &mut Inputs<'_>) -> anyhow::Result<Sides> {
    let (ours, our_out) = our_signapk(inputs, "signapk-rust-apk")?;
    let (apk, keys) = (inputs.aligned_apk()?.path, inputs.keys()?);
    let ref_out = inputs.path("signapk-rust-apk-ref.apk");
    let reference = inputs.rust_apk_peer().map(|peer| {
        let mut c = Command::new(peer);
        c.arg(&keys.pk8).arg(&keys.x509_der).arg(&apk).arg(&ref_out);
        Side::new(c).cleaning(&ref_out)
    });
    Ok(Sides {
        checks: vec![
            apksigner_verifies(&our_out, true, "our APK"),
            apksigner_verifies(&ref_out, false, "rust-apk's APK"),
        ],
        reference: reference.map_err(|e| format!("rust-apk peer not built: {e}")),
        ours,
        same: None,
    })
}

fn zipalign(inputs: &mut Inputs<'_>) -> anyhow::Result<Sides> {
    let apk = inputs.apk()?.path;
    let (ref_out, our_out) = (inputs.path("zipalign-ref.apk"), inputs.path("zipalign-ours.apk"));
    let debian = tools::which("zipalign")?;
    let side = |mut c: Command, out: &PathBuf| {
        c.args(["-f", "-p", "4"]).arg(&apk).arg(out);
        Side::new(c).cleaning(out)
    };
    let mut check = Command::new(&debian);
    check.args(["-c", "-p", "4"]).arg(&our_out);
    Ok(Sides {
        reference: Ok(side(Command::new(&debian), &ref_out)),
        ours: side(inputs.tools.ours("zipalign"), &our_out),
        checks: vec![Check {
            of_ours: true,
            what: "Debian zipalign -c -p 4 accepts our output".into(),
            cmd: check,
            expect: None,
        }],
        same: Some((our_out, ref_out)),
    })
}

fn keyconv(inputs: &mut Inputs<'_>) -> anyhow::Result<Sides> {
    let jks = inputs.jks()?;
    let p12 = inputs.path("keyconv-ref.p12");
    let (key_pem, ref_pk8, ref_cert) = (
        inputs.path("keyconv-ref.key.pem"),
        inputs.path("keyconv-ref.pk8"),
        inputs.path("keyconv-ref.x509.pem"),
    );
    let (our_pk8, our_cert) =
        (inputs.path("keyconv-ours.pk8"), inputs.path("keyconv-ours.x509.pem"));

    // The recipe people use without keyconv: keytool to PKCS12, then openssl for the key and the certificate.
    let mut import = inputs.tools.jdk("keytool");
    import.args(["-importkeystore", "-srckeystore"]).arg(&jks);
    import
        .args([
            "-srcstoretype",
            "JKS",
            "-srcstorepass",
            STOREPASS,
            "-srcalias",
            ALIAS,
            "-destkeystore",
        ])
        .arg(&p12);
    import.args(["-deststoretype", "PKCS12", "-deststorepass", STOREPASS, "-noprompt"]);
    let pass = format!("pass:{STOREPASS}");
    let mut key = Command::new("openssl");
    key.args(["pkcs12", "-nocerts", "-nodes", "-passin", &pass, "-in"])
        .arg(&p12)
        .arg("-out")
        .arg(&key_pem);
    let mut pk8 = Command::new("openssl");
    pk8.args(["pkcs8", "-topk8", "-nocrypt", "-outform", "DER", "-in"])
        .arg(&key_pem)
        .arg("-out")
        .arg(&ref_pk8);
    let mut cert = Command::new("openssl");
    cert.args(["pkcs12", "-nokeys", "-clcerts", "-passin", &pass, "-in"])
        .arg(&p12)
        .arg("-out")
        .arg(&ref_cert);
    let reference = Side::new(import)
        .then(key)
        .then(pk8)
        .then(cert)
        .cleaning(&p12)
        .cleaning(&key_pem)
        .cleaning(&ref_pk8)
        .cleaning(&ref_cert);

    let mut c = inputs.tools.ours("keyconv");
    c.args(["to-pk8", "--keystore"]).arg(&jks).args([
        "--storetype",
        "jks",
        "--storepass",
        STOREPASS,
    ]);
    c.args(["--alias", ALIAS, "--key"]).arg(&our_pk8).arg("--cert").arg(&our_cert);
    let ours = Side::new(c).cleaning(&our_pk8).cleaning(&our_cert);

    let mut key_ok = Command::new("openssl");
    key_ok.args(["pkey", "-inform", "DER", "-noout", "-in"]).arg(&our_pk8);
    let mut cert_ok = Command::new("openssl");
    cert_ok.args(["x509", "-noout", "-in"]).arg(&our_cert);
    Ok(Sides {
        reference: Ok(reference),
        ours,
        checks: vec![
            Check {
                of_ours: true,
                what: "openssl reads our pk8".into(),
                cmd: key_ok,
                expect: None,
            },
            Check {
                of_ours: true,
                what: "openssl reads our certificate".into(),
                cmd: cert_ok,
                expect: None,
            },
        ],
        same: Some((our_pk8, ref_pk8)),
    })
}
