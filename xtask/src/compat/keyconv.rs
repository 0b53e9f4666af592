//! `keyconv` against keytool, jarsigner, openssl, AOSP signapk and apksigner.
//!
//! - JDK-made stores of every type (RSA, EC, DSA; some with a CA-signed
//!   chain) through ours `to-pk8`: openssl finds the key and certificate
//!   matching, the PEM is `keytool -exportcert -rfc` byte for byte, AOSP
//!   signapk signs with the pair and apksigner verifies the APK.
//! - openssl-made keys in every input form through ours `to-keystore` (every
//!   store type, new or existing): keytool lists a PrivateKeyEntry with the
//!   certificate's SHA-256 fingerprint, jarsigner signs and verifies a jar,
//!   and ours `to-pk8` gives back the key openssl read.
//! - every key pair of apksig's corpus into every store type and back, unchanged.
//! - `make-key` against `openssl req -x509` for the same subject, and signapk.
//! - error cases: exit code, message, no output, store bytes unchanged.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context as _, bail};
use rand::RngExt as _;

use crate::compat::Ctx;
use crate::tools::{self, SIGNAPK_JAR};

const STORE_TYPES: [&str; 3] = ["pkcs12", "jks", "jceks"];
const ALNUM: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'k', 'm', 'n', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w',
    'x', 'y', 'z', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'K', 'M', 'N', 'P', 'Q', 'R', 'S', 'T',
    'U', 'V', 'W', 'X', 'Y', 'Z', '2', '3', '4', '5', '6', '7', '8', '9',
];

pub(crate) fn run(ctx: &mut Ctx) -> anyhow::Result<()> {
    tools::which("openssl").context("the keyconv area needs openssl")?;
    tools::which("apksigner").context("the keyconv area needs apksigner")?;
    let apk = corpus_dir()?.join("golden-aligned-in.apk");
    if !apk.exists() {
        bail!("{} is missing", apk.display());
    }
    let n = ctx.random_cases(9);
    for i in 0..n {
        jdk_store_to_pk8(ctx, i, &apk)?;
    }
    for i in 0..n {
        openssl_key_to_keystore(ctx, i)?;
    }
    corpus_round_trips(ctx)?;
    for i in 0..ctx.random_cases(4) {
        make_key_like_openssl(ctx, i, &apk)?;
    }
    error_cases(ctx)?;
    Ok(())
}

/// `shared/corpus/apksig` beside the repository (found by walking up, so a
/// git worktree one level deeper finds it too).
fn corpus_dir() -> anyhow::Result<PathBuf> {
    let root = tools::project_root();
    root.ancestors()
        .map(|a| a.join("shared/corpus/apksig"))
        .find(|p| p.is_dir())
        .with_context(|| format!("shared/corpus/apksig not found above {}", root.display()))
}

fn pick<'a, T>(ctx: &mut Ctx, items: &'a [T]) -> &'a T {
    &items[ctx.rng.random_range(0..items.len())]
}

fn openssl() -> Command {
    let mut c = Command::new("openssl");
    c.env_remove("OPENSSL_CONF");
    c
}

/// Runs a command and fails with its output unless it succeeds.
fn ok(cmd: Command) -> anyhow::Result<Output> {
    let desc = format!("{cmd:?}");
    let out = tools::run(cmd, None)?;
    if !out.status.success() {
        bail!(
            "{desc} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(out)
}

fn ok_in(cmd: Command, input: &[u8]) -> anyhow::Result<Output> {
    let desc = format!("{cmd:?}");
    let out = tools::run(cmd, Some(input))?;
    if !out.status.success() {
        bail!("{desc} failed ({}):\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    }
    Ok(out)
}

fn arg(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The public key of a private key file (any form openssl reads), as PEM.
fn pubkey_of_key(key: &Path, der: bool, pass: Option<&str>) -> anyhow::Result<Vec<u8>> {
    let mut c = openssl();
    c.args(["pkey", "-pubout", "-in", &arg(key)]);
    if der {
        c.args(["-inform", "DER"]);
    }
    if let Some(p) = pass {
        c.args(["-passin", &format!("pass:{p}")]);
    }
    Ok(ok(c)?.stdout)
}

/// The private key as openssl normalises it (PKCS#8 DER).
fn normalised_key(key: &Path, der: bool, pass: Option<&str>) -> anyhow::Result<Vec<u8>> {
    let mut c = openssl();
    c.args(["pkey", "-outform", "DER", "-in", &arg(key)]);
    if der {
        c.args(["-inform", "DER"]);
    }
    if let Some(p) = pass {
        c.args(["-passin", &format!("pass:{p}")]);
    }
    Ok(ok(c)?.stdout)
}

fn pubkey_of_cert(cert: &Path) -> anyhow::Result<Vec<u8>> {
    let mut c = openssl();
    c.args(["x509", "-pubkey", "-noout", "-in", &arg(cert)]);
    Ok(ok(c)?.stdout)
}

/// Signs the golden APK with AOSP signapk and verifies it with apksigner.
fn signapk_and_verify(
    ctx: &Ctx,
    dir: &Path,
    cert: &Path,
    key: &Path,
    apk: &Path,
) -> anyhow::Result<()> {
    let out_apk = dir.join("signed.apk");
    let mut c = ctx.tools.jdk("java");
    c.args([
        "-jar",
        SIGNAPK_JAR,
        "--min-sdk-version",
        "24",
        &arg(cert),
        &arg(key),
        &arg(apk),
        &arg(&out_apk),
    ]);
    ok(c).context("AOSP signapk")?;
    let mut v = Command::new("apksigner");
    v.args(["verify", &arg(&out_apk)]);
    ok(v).context("apksigner verify")?;
    Ok(())
}

/// A password option in one of its three forms, chosen at random.
fn password_args(
    ctx: &mut Ctx,
    dir: &Path,
    cmd: &mut Command,
    option: &str,
    password: &str,
) -> anyhow::Result<()> {
    match ctx.rng.random_range(0..3) {
        0 => {
            cmd.arg(format!("--{option}")).arg(password);
        }
        1 => {
            let var = format!("KC_{}", option.replace('-', "_").to_uppercase());
            cmd.arg(format!("--{option}-env")).arg(&var).env(var, password);
        }
        _ => {
            let file = dir.join(format!("{option}.txt"));
            std::fs::write(&file, format!("{password}\n"))?;
            cmd.arg(format!("--{option}-file")).arg(&file);
        }
    }
    Ok(())
}

/// Case A: a JDK-made store through ours `to-pk8`.
fn jdk_store_to_pk8(ctx: &mut Ctx, i: usize, apk: &Path) -> anyhow::Result<()> {
    let store_type = *pick(ctx, &STORE_TYPES);
    let (keyalg, size) = *pick(
        ctx,
        &[
            ("RSA", "2048"),
            ("RSA", "1024"),
            ("RSA", "3072"),
            ("EC", "256"),
            ("EC", "384"),
            ("EC", "521"),
            ("DSA", "2048"),
            ("DSA", "1024"),
        ],
    );
    let alias = ctx.random_string(ALNUM, 8);
    let storepass = ctx.random_string(ALNUM, 10);
    let keypass = if store_type != "pkcs12" && ctx.rng.random_bool(0.5) {
        ctx.random_string(ALNUM, 9)
    } else {
        storepass.clone()
    };
    let with_chain = ctx.rng.random_bool(0.4);
    let case = format!(
        "to-pk8 #{i} {store_type} {keyalg}-{size}{}",
        if with_chain { " chain" } else { "" }
    );
    println!("compat: keyconv: {case}");
    let dir = ctx.case_dir(&case)?;
    let ks = dir.join(format!("store.{store_type}"));
    let keytool = |ctx: &Ctx, args: &[&str]| {
        let mut c = ctx.tools.jdk("keytool");
        c.args(["-keystore", &arg(&ks), "-storetype", store_type, "-storepass", &storepass])
            .args(args);
        c
    };
    let dname = format!("CN={} Test, OU=Compat, O=signkit, C=US", ctx.random_string(ALNUM, 6));
    ok(keytool(
        ctx,
        &[
            "-genkeypair",
            "-alias",
            &alias,
            "-keypass",
            &keypass,
            "-keyalg",
            keyalg,
            "-keysize",
            size,
            "-dname",
            &dname,
            "-validity",
            "400",
        ],
    ))?;
    if with_chain {
        ok(keytool(
            ctx,
            &[
                "-genkeypair",
                "-alias",
                "ca",
                "-keypass",
                &storepass,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=Compat CA, O=signkit",
                "-ext",
                "bc:c",
            ],
        ))?;
        let req = ok(keytool(ctx, &["-certreq", "-alias", &alias, "-keypass", &keypass]))?.stdout;
        let signed = ok_in(
            keytool(
                ctx,
                &["-gencert", "-alias", "ca", "-keypass", &storepass, "-rfc", "-validity", "300"],
            ),
            &req,
        )?
        .stdout;
        let reply = dir.join("reply.pem");
        std::fs::write(&reply, signed)?;
        ok(keytool(
            ctx,
            &[
                "-importcert",
                "-alias",
                &alias,
                "-keypass",
                &keypass,
                "-file",
                &arg(&reply),
                "-noprompt",
            ],
        ))?;
    }

    let (key, cert) = (dir.join("out.pk8"), dir.join("out.x509.pem"));
    let mut c = ctx.tools.ours("keyconv");
    c.args([
        "to-pk8",
        "--keystore",
        &arg(&ks),
        "--alias",
        &alias.to_uppercase(),
        "--key",
        &arg(&key),
        "--cert",
        &arg(&cert),
    ]);
    if ctx.rng.random_bool(0.5) {
        c.args(["--storetype", store_type]);
    }
    password_args(ctx, &dir, &mut c, "storepass", &storepass)?;
    if keypass != storepass || ctx.rng.random_bool(0.3) {
        password_args(ctx, &dir, &mut c, "keypass", &keypass)?;
    }
    let whole_chain = with_chain && ctx.rng.random_bool(0.5);
    if whole_chain {
        c.arg("--chain");
    }
    let out = tools::run(c, None)?;
    if !ctx.check(&case, out.status.success(), || {
        format!("keyconv to-pk8 failed: {}", String::from_utf8_lossy(&out.stderr))
    }) {
        return Ok(());
    }
    let mode = file_mode(&key);
    ctx.check(&case, mode == Some(0o600), || {
        format!("key file mode {:?}", mode.map(|m| format!("{m:o}")))
    });

    // The key matches the certificate (openssl's view of both).
    let from_key = pubkey_of_key(&key, true, None)?;
    let from_cert = pubkey_of_cert(&cert)?;
    ctx.check_same(&case, "public key of the .pk8 vs the certificate", &from_key, &from_cert);

    // The PEM is keytool's, byte for byte.
    let mut export = keytool(ctx, &["-exportcert", "-rfc", "-alias", &alias]);
    export.env_remove("JAVA_TOOL_OPTIONS");
    let jdk_pem = ok(export)?.stdout;
    let ours_pem = std::fs::read(&cert)?;
    if whole_chain {
        ctx.check(&case, ours_pem.starts_with(&jdk_pem), || {
            "the chain PEM does not start with keytool's leaf".into()
        });
        let blocks = ours_pem.windows(27).filter(|w| w == b"-----BEGIN CERTIFICATE-----").count();
        ctx.check(&case, blocks == 2, || {
            format!("{blocks} certificates in the chain file, expected 2")
        });
    } else {
        ctx.check_same(&case, "certificate PEM vs keytool -exportcert -rfc", &ours_pem, &jdk_pem);
    }

    // AOSP signapk signs with the pair and apksigner accepts the result.
    let leaf_only = if whole_chain {
        let leaf = dir.join("leaf.x509.pem");
        std::fs::write(&leaf, &jdk_pem)?;
        leaf
    } else {
        cert.clone()
    };
    let signed = signapk_and_verify(ctx, &dir, &leaf_only, &key, apk);
    ctx.check(&case, signed.is_ok(), || {
        format!("{:#}", signed.err().unwrap_or_else(|| anyhow::anyhow!("?")))
    });

    // Back into a store and out again: the same PKCS#8 bytes.
    let ks2 = dir.join("again.p12");
    let mut c = ctx.tools.ours("keyconv");
    c.args([
        "to-keystore",
        "--key",
        &arg(&key),
        "--cert",
        &arg(&cert),
        "--keystore",
        &arg(&ks2),
        "--storepass",
        "again123",
        "--alias",
        "a",
    ]);
    ok(c)?;
    let (key2, cert2) = (dir.join("again.pk8"), dir.join("again.x509.pem"));
    let mut c = ctx.tools.ours("keyconv");
    c.args([
        "to-pk8",
        "--keystore",
        &arg(&ks2),
        "--storepass",
        "again123",
        "--alias",
        "a",
        "--key",
        &arg(&key2),
        "--cert",
        &arg(&cert2),
        "--chain",
    ]);
    ok(c)?;
    ctx.check_same(&case, "pk8 after a round trip", &std::fs::read(&key2)?, &std::fs::read(&key)?);
    if whole_chain {
        ctx.check_same(&case, "chain after a round trip", &std::fs::read(&cert2)?, &ours_pem);
    }
    Ok(())
}

#[cfg(unix)]
fn file_mode(p: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(p).ok().map(|m| m.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn file_mode(_p: &Path) -> Option<u32> {
    Some(0o600)
}

/// An openssl-made key in one input form: the file, whether it is DER, and its password.
struct OpensslKey {
    path: PathBuf,
    der: bool,
    pass: Option<String>,
    form: String,
}

fn make_openssl_key(ctx: &mut Ctx, dir: &Path) -> anyhow::Result<(OpensslKey, String)> {
    let base = dir.join("base.pem");
    let (alg, gen_args): (&str, Vec<String>) = match ctx.rng.random_range(0..9) {
        0 => ("rsa", vec!["genrsa".into(), "-out".into(), arg(&base), "2048".into()]),
        1 => (
            "rsa",
            vec![
                "genpkey".into(),
                "-algorithm".into(),
                "RSA".into(),
                "-pkeyopt".into(),
                "rsa_keygen_bits:1024".into(),
                "-out".into(),
                arg(&base),
            ],
        ),
        2 => (
            "rsa",
            vec![
                "genpkey".into(),
                "-algorithm".into(),
                "RSA".into(),
                "-pkeyopt".into(),
                "rsa_keygen_bits:3072".into(),
                "-out".into(),
                arg(&base),
            ],
        ),
        3 => (
            "ec",
            vec![
                "ecparam".into(),
                "-name".into(),
                "prime256v1".into(),
                "-genkey".into(),
                "-out".into(),
                arg(&base),
            ],
        ),
        4 => (
            "ec",
            vec![
                "ecparam".into(),
                "-name".into(),
                "secp384r1".into(),
                "-genkey".into(),
                "-noout".into(),
                "-out".into(),
                arg(&base),
            ],
        ),
        5 => (
            "ec",
            vec![
                "genpkey".into(),
                "-algorithm".into(),
                "EC".into(),
                "-pkeyopt".into(),
                "ec_paramgen_curve:P-521".into(),
                "-out".into(),
                arg(&base),
            ],
        ),
        6 => (
            "ed25519",
            vec![
                "genpkey".into(),
                "-algorithm".into(),
                "ED25519".into(),
                "-out".into(),
                arg(&base),
            ],
        ),
        _ => {
            let params = dir.join("dsa.params");
            let mut c = openssl();
            if ctx.rng.random_bool(0.5) {
                c.args(["dsaparam", "-out", &arg(&params), "2048"]);
            } else {
                c.args([
                    "genpkey",
                    "-genparam",
                    "-algorithm",
                    "DSA",
                    "-pkeyopt",
                    "dsa_paramgen_bits:1024",
                    "-pkeyopt",
                    "dsa_paramgen_q_bits:160",
                    "-out",
                    &arg(&params),
                ]);
            }
            ok(c)?;
            (
                "dsa",
                vec![
                    "genpkey".into(),
                    "-paramfile".into(),
                    arg(&params),
                    "-out".into(),
                    arg(&base),
                ],
            )
        }
    };
    let mut c = openssl();
    c.args(&gen_args);
    ok(c)?;
    let pass = format!("pw{}", ctx.random_string(ALNUM, 8));
    let out = dir.join("key.input");
    let traditional = alg != "ed25519";
    let choice = ctx.rng.random_range(0..9);
    let (args, der, encrypted, form): (Vec<&str>, bool, bool, &str) = match choice {
        0 => (vec!["pkcs8", "-topk8", "-nocrypt"], false, false, "pkcs8-pem"),
        1 => (vec!["pkcs8", "-topk8", "-nocrypt", "-outform", "DER"], true, false, "pkcs8-der"),
        2 => (vec!["pkcs8", "-topk8"], false, true, "pkcs8-pbes2-default"),
        3 => (
            vec![
                "pkcs8",
                "-topk8",
                "-v2",
                "aes-128-cbc",
                "-v2prf",
                "hmacWithSHA1",
                "-outform",
                "DER",
            ],
            true,
            true,
            "pkcs8-aes128-sha1-der",
        ),
        4 => (vec!["pkcs8", "-topk8", "-v2", "des3"], false, true, "pkcs8-des3"),
        5 => (vec!["pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES"], false, true, "pkcs8-v1-sha1-3des"),
        6 if traditional => (vec!["pkey", "-traditional"], false, false, "traditional-pem"),
        7 if traditional => (vec!["pkey", "-outform", "DER"], true, false, "traditional-der"),
        8 if traditional => {
            (vec!["pkey", "-traditional", "-aes256"], false, true, "legacy-pem-aes256")
        }
        _ => (vec!["pkcs8", "-topk8", "-v2", "aes-192-cbc"], false, true, "pkcs8-aes192"),
    };
    let mut c = openssl();
    c.args(&args).args(["-in", &arg(&base), "-out", &arg(&out)]);
    if encrypted {
        c.args(["-passout", &format!("pass:{pass}")]);
    }
    // `pkey -outform DER` writes PKCS#8 unless asked for the traditional form.
    if form == "traditional-der" {
        c.arg("-traditional");
    }
    ok(c)?;
    let key = OpensslKey {
        path: out,
        der,
        pass: encrypted.then_some(pass),
        form: format!("{alg} {form}"),
    };
    Ok((key, alg.to_owned()))
}

/// Case B: an openssl-made key through ours `to-keystore`, then the JDK.
fn openssl_key_to_keystore(ctx: &mut Ctx, i: usize) -> anyhow::Result<()> {
    let pre = ctx.case_dir(&format!("to-keystore #{i}"))?;
    let (key, alg) = make_openssl_key(ctx, &pre)?;
    let store_type = *pick(ctx, &STORE_TYPES);
    let existing = ctx.rng.random_bool(0.4);
    let case = format!(
        "to-keystore #{i} {} -> {store_type}{}",
        key.form,
        if existing { " (existing store)" } else { "" }
    );
    println!("compat: keyconv: {case}");
    let dir = pre;
    let cert = dir.join("cert.pem");
    let subj = format!("/C=US/O=signkit compat/CN={}", ctx.random_string(ALNUM, 10));
    let mut c = openssl();
    c.args([
        "req",
        "-new",
        "-x509",
        "-days",
        "500",
        "-subj",
        &subj,
        "-key",
        &arg(&dir.join("base.pem")),
        "-out",
        &arg(&cert),
    ]);
    if alg != "ed25519" {
        c.arg("-sha256");
    }
    ok(c)?;
    let cert_input = if ctx.rng.random_bool(0.3) {
        let der = dir.join("cert.der");
        let mut c = openssl();
        c.args(["x509", "-in", &arg(&cert), "-outform", "DER", "-out", &arg(&der)]);
        ok(c)?;
        der
    } else {
        cert.clone()
    };

    let ks = dir.join(format!("store.{store_type}"));
    let storepass = ctx.random_string(ALNUM, 12);
    let keypass = if store_type != "pkcs12" && ctx.rng.random_bool(0.5) {
        ctx.random_string(ALNUM, 8)
    } else {
        storepass.clone()
    };
    if existing {
        let mut c = ctx.tools.jdk("keytool");
        c.args([
            "-genkeypair",
            "-keystore",
            &arg(&ks),
            "-storetype",
            store_type,
            "-storepass",
            &storepass,
            "-keypass",
            &storepass,
            "-alias",
            "other",
            "-keyalg",
            "EC",
            "-dname",
            "CN=other",
        ]);
        ok(c)?;
    }
    let alias = format!("k{}", ctx.random_string(ALNUM, 6)).to_lowercase();
    let mut c = ctx.tools.ours("keyconv");
    c.args([
        "to-keystore",
        "--key",
        &arg(&key.path),
        "--cert",
        &arg(&cert_input),
        "--keystore",
        &arg(&ks),
        "--alias",
        &alias,
    ]);
    if !existing || ctx.rng.random_bool(0.5) {
        c.args(["--storetype", store_type]);
    }
    if let Some(p) = &key.pass {
        password_args(ctx, &dir, &mut c, "key-pass", p)?;
    }
    password_args(ctx, &dir, &mut c, "storepass", &storepass)?;
    if keypass != storepass {
        password_args(ctx, &dir, &mut c, "keypass", &keypass)?;
    }
    let out = tools::run(c, None)?;
    if !ctx.check(&case, out.status.success(), || {
        format!("keyconv to-keystore failed: {}", String::from_utf8_lossy(&out.stderr))
    }) {
        return Ok(());
    }

    // keytool lists a PrivateKeyEntry with the certificate's fingerprint.
    let mut c = ctx.tools.jdk("keytool");
    c.args(["-list", "-v", "-keystore", &arg(&ks), "-storepass", &storepass, "-alias", &alias]);
    let listing = String::from_utf8_lossy(&ok(c)?.stdout).into_owned();
    let mut fp = openssl();
    fp.args(["x509", "-noout", "-fingerprint", "-sha256", "-in", &arg(&cert)]);
    let fp = String::from_utf8_lossy(&ok(fp)?.stdout)
        .trim()
        .rsplit('=')
        .next()
        .unwrap_or_default()
        .to_owned();
    ctx.check(&case, listing.contains("Entry type: PrivateKeyEntry"), || {
        format!("keytool -list -v:\n{listing}")
    });
    ctx.check(&case, listing.contains(&format!("SHA256: {fp}")), || {
        format!("fingerprint {fp} not in keytool -list -v:\n{listing}")
    });
    if existing {
        let mut c = ctx.tools.jdk("keytool");
        c.args(["-list", "-keystore", &arg(&ks), "-storepass", &storepass]);
        let all = String::from_utf8_lossy(&ok(c)?.stdout).into_owned();
        let type_line = format!("Keystore type: {}", store_type.to_uppercase());
        ctx.check(
            &case,
            all.contains("Your keystore contains 2 entries") && all.contains(&type_line),
            || format!("existing store not kept:\n{all}"),
        );
    }

    // jarsigner signs a small jar with the entry and verifies it.
    let jar = dir.join("small.jar");
    make_small_jar(ctx, &dir, &jar)?;
    let mut c = ctx.tools.jdk("jarsigner");
    c.args([
        "-keystore",
        &arg(&ks),
        "-storetype",
        store_type,
        "-storepass",
        &storepass,
        "-keypass",
        &keypass,
        &arg(&jar),
        &alias,
    ]);
    let signed = tools::run(c, None)?;
    if ctx.check(&case, signed.status.success(), || {
        format!(
            "jarsigner failed: {}{}",
            String::from_utf8_lossy(&signed.stdout),
            String::from_utf8_lossy(&signed.stderr)
        )
    }) {
        let mut c = ctx.tools.jdk("jarsigner");
        c.args(["-verify", &arg(&jar)]);
        let v = String::from_utf8_lossy(&tools::run(c, None)?.stdout).into_owned();
        ctx.check(&case, v.contains("jar verified."), || format!("jarsigner -verify:\n{v}"));
    }

    // Back out with ours: openssl sees the same key.
    let (back, back_cert) = (dir.join("back.pk8"), dir.join("back.x509.pem"));
    let mut c = ctx.tools.ours("keyconv");
    c.args([
        "to-pk8",
        "--keystore",
        &arg(&ks),
        "--storepass",
        &storepass,
        "--keypass",
        &keypass,
        "--alias",
        &alias,
        "--key",
        &arg(&back),
        "--cert",
        &arg(&back_cert),
    ]);
    ok(c)?;
    let original = normalised_key(&key.path, key.der, key.pass.as_deref())?;
    let returned = normalised_key(&back, true, None)?;
    ctx.check_same(
        &case,
        "key after to-keystore + to-pk8 (openssl pkey -outform DER)",
        &returned,
        &original,
    );
    let mut c = openssl();
    c.args(["x509", "-outform", "DER", "-in", &arg(&back_cert)]);
    let mut c2 = openssl();
    c2.args(["x509", "-outform", "DER", "-in", &arg(&cert)]);
    ctx.check_same(&case, "certificate after the round trip", &ok(c)?.stdout, &ok(c2)?.stdout);
    Ok(())
}

fn make_small_jar(ctx: &Ctx, dir: &Path, jar: &Path) -> anyhow::Result<()> {
    let content = dir.join("jar-content");
    std::fs::create_dir_all(content.join("a"))?;
    std::fs::write(content.join("a/hello.txt"), "hello from signkit compat\n")?;
    std::fs::write(content.join("b.txt"), "second entry\n")?;
    let mut c = ctx.tools.jdk("jar");
    c.args(["cf", &arg(jar), "-C", &arg(&content), "."]);
    ok(c)?;
    Ok(())
}

/// Case C: every apksig corpus pair through every store type and back.
fn corpus_round_trips(ctx: &mut Ctx) -> anyhow::Result<()> {
    let corpus = corpus_dir()?;
    let mut stems: Vec<String> = std::fs::read_dir(&corpus)?
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".pk8").map(str::to_owned))
        .filter(|s| corpus.join(format!("{s}.x509.pem")).exists())
        .collect();
    stems.sort();
    println!(
        "compat: keyconv: corpus: {} key pairs x {} store types",
        stems.len(),
        STORE_TYPES.len()
    );
    for (n, stem) in stems.iter().enumerate() {
        let (pk8, pem) =
            (corpus.join(format!("{stem}.pk8")), corpus.join(format!("{stem}.x509.pem")));
        let mut stores = Vec::new();
        for t in STORE_TYPES {
            let case = format!("corpus {stem} -> {t}");
            let dir = ctx.case_dir(&case)?;
            let ks = dir.join(format!("s.{t}"));
            let mut c = ctx.tools.ours("keyconv");
            c.args([
                "to-keystore",
                "--key",
                &arg(&pk8),
                "--cert",
                &arg(&pem),
                "--keystore",
                &arg(&ks),
                "--storetype",
                t,
                "--storepass",
                "corpus1",
                "--alias",
                stem,
            ]);
            let out = tools::run(c, None)?;
            if !ctx.check(&case, out.status.success(), || {
                String::from_utf8_lossy(&out.stderr).into_owned()
            }) {
                continue;
            }
            stores.push((t, ks.clone()));
            let (k2, c2) = (dir.join("k.pk8"), dir.join("c.pem"));
            let mut c = ctx.tools.ours("keyconv");
            c.args([
                "to-pk8",
                "--keystore",
                &arg(&ks),
                "--storepass",
                "corpus1",
                "--alias",
                stem,
                "--key",
                &arg(&k2),
                "--cert",
                &arg(&c2),
            ]);
            ok(c)?;
            ctx.check_same(
                &case,
                "pk8 after the round trip",
                &std::fs::read(&k2)?,
                &std::fs::read(&pk8)?,
            );
            let der = |p: &Path| -> anyhow::Result<Vec<u8>> {
                let mut c = openssl();
                c.args(["x509", "-outform", "DER", "-in", &arg(p)]);
                Ok(ok(c)?.stdout)
            };
            ctx.check_same(&case, "certificate after the round trip", &der(&c2)?, &der(&pem)?);
        }
        // The JDK reads one store per pair (keytool is slow; the type rotates).
        let Some((t, ks)) = stores.get(n % STORE_TYPES.len()).or(stores.first()) else { continue };
        let case = format!("corpus {stem} keytool -list ({t})");
        let mut c = ctx.tools.jdk("keytool");
        c.args(["-list", "-keystore", &arg(ks), "-storepass", "corpus1"]);
        let out = tools::run(c, None)?;
        let text = String::from_utf8_lossy(&out.stdout);
        ctx.check(&case, out.status.success() && text.contains("PrivateKeyEntry"), || {
            format!("{text}{}", String::from_utf8_lossy(&out.stderr))
        });
    }
    Ok(())
}

/// A random subject in openssl `-subj` syntax (ASCII, with escapes and
/// multi-valued RDNs).
fn random_subject(ctx: &mut Ctx) -> String {
    let mut s = String::new();
    let attrs = [
        "C",
        "ST",
        "L",
        "O",
        "OU",
        "CN",
        "emailAddress",
        "DC",
        "serialNumber",
        "title",
        "UID",
        "street",
    ];
    let n = ctx.rng.random_range(1..6);
    for i in 0..n {
        let a = *pick(ctx, &attrs);
        let value = match a {
            "C" => ctx.random_string(&['U', 'S', 'D', 'E', 'F', 'R'], 2),
            "emailAddress" => format!("{}@example.com", ctx.random_string(ALNUM, 6)),
            "DC" | "serialNumber" => ctx.random_string(ALNUM, 8),
            _ => {
                let mut v = ctx.random_string(ALNUM, 5);
                if ctx.rng.random_bool(0.3) {
                    const SUFFIXES: [&str; 5] = [" Inc", "\\/x", "\\+y", " (a, b)", "-z"];
                    let suffix = *pick(ctx, &SUFFIXES);
                    v.push_str(suffix);
                }
                v
            }
        };
        let sep = if i > 0 && ctx.rng.random_bool(0.15) { "+" } else { "/" };
        s.push_str(sep);
        s.push_str(a);
        s.push('=');
        s.push_str(&value);
    }
    s
}

/// `openssl asn1parse` of a certificate with the values that differ between
/// two runs (serial, times, key and signature bits, key ids) blanked, and
/// lengths dropped (a key or an ECDSA signature can be a byte shorter).
fn cert_shape(pem: &Path) -> anyhow::Result<String> {
    let mut c = openssl();
    c.args(["asn1parse", "-in", &arg(pem)]);
    let text = String::from_utf8_lossy(&ok(c)?.stdout).into_owned();
    let mut out = String::new();
    for line in text.lines() {
        let Some((_, rest)) = line.split_once("d=") else { continue };
        let depth = rest.split_whitespace().next().unwrap_or_default();
        let Some((_, what)) = rest.split_once(" prim: ").or_else(|| rest.split_once(" cons: "))
        else {
            continue;
        };
        let what = what.trim_end();
        let masked = if what.starts_with("INTEGER") && depth == "2" {
            "INTEGER serial".to_owned()
        } else if what.starts_with("UTCTIME") || what.starts_with("GENERALIZEDTIME") {
            what.split_once(':').map_or(what, |(t, _)| t).trim().to_owned()
        } else if what.starts_with("BIT STRING") || what.starts_with("OCTET STRING") {
            what.split_once(' ').map_or(what, |(t, _)| t).to_owned() + " STRING"
        } else {
            what.to_owned()
        };
        out.push_str(&format!("d={depth} {masked}\n"));
    }
    Ok(out)
}

fn validity_days(pem: &Path) -> anyhow::Result<i64> {
    let mut c = openssl();
    c.args(["x509", "-noout", "-startdate", "-enddate", "-dateopt", "iso_8601", "-in", &arg(pem)]);
    let text = String::from_utf8_lossy(&ok(c)?.stdout).into_owned();
    let date = |key: &str| -> anyhow::Result<i64> {
        let line = text.lines().find_map(|l| l.strip_prefix(key)).context("no date")?;
        let (y, rest) = line.split_once('-').context("date")?;
        let (m, rest) = rest.split_once('-').context("date")?;
        let d = rest.get(..2).context("date")?;
        let (y, m, d): (i64, i64, i64) = (y.parse()?, m.parse()?, d.parse()?);
        // Days from civil (proleptic Gregorian).
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        Ok(era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy)
    };
    Ok(date("notAfter=")? - date("notBefore=")?)
}

/// Case D: ours `make-key` against `openssl req -x509` for the same subject.
fn make_key_like_openssl(ctx: &mut Ctx, i: usize, apk: &Path) -> anyhow::Result<()> {
    let ec = ctx.rng.random_bool(0.5);
    let subject = if i == 0 {
        "/C=US/ST=California/L=Mountain View/O=Android/OU=Android/CN=Android/emailAddress=android@android.com".to_owned()
    } else {
        random_subject(ctx)
    };
    let case = format!("make-key #{i} {} {subject}", if ec { "ec" } else { "rsa" });
    println!("compat: keyconv: {case}");
    let dir = ctx.case_dir(&format!("make-key {i}"))?;
    let name = dir.join("ours");
    let mut c = ctx.tools.ours("keyconv");
    c.args(["make-key", &arg(&name), &subject, "--no-password"]);
    if ec {
        c.arg("ec");
    }
    let out = tools::run(c, None)?;
    if !ctx.check(&case, out.status.success(), || String::from_utf8_lossy(&out.stderr).into_owned())
    {
        return Ok(());
    }
    let (pk8, pem) = (dir.join("ours.pk8"), dir.join("ours.x509.pem"));

    // openssl's own, as make_key runs it.
    let key = dir.join("openssl.key");
    let mut c = openssl();
    if ec {
        c.args(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", &arg(&key)]);
    } else {
        c.args(["genrsa", "-f4", "-out", &arg(&key), "2048"]);
    }
    ok(c)?;
    let reference = dir.join("openssl.x509.pem");
    let mut c = openssl();
    c.args([
        "req",
        "-new",
        "-x509",
        "-sha256",
        "-key",
        &arg(&key),
        "-out",
        &arg(&reference),
        "-days",
        "10000",
        "-subj",
        &subject,
    ]);
    ok(c)?;
    ctx.check_same(
        &case,
        "certificate structure (asn1parse, values masked)",
        cert_shape(&pem)?.as_bytes(),
        cert_shape(&reference)?.as_bytes(),
    );
    let text = |p: &Path| -> anyhow::Result<String> {
        let mut c = openssl();
        c.args([
            "x509",
            "-noout",
            "-text",
            "-certopt",
            "no_pubkey,no_sigdump,no_serial,no_validity",
            "-in",
            &arg(p),
        ]);
        let t = String::from_utf8_lossy(&ok(c)?.stdout).into_owned();
        // Key identifiers differ with the key.
        Ok(t.lines()
            .filter(|l| l.trim_start().chars().nth(2).is_none_or(|c| c != ':'))
            .collect::<Vec<_>>()
            .join("\n"))
    };
    ctx.check_same(
        &case,
        "openssl x509 -text (values masked)",
        text(&pem)?.as_bytes(),
        text(&reference)?.as_bytes(),
    );
    let days = validity_days(&pem)?;
    ctx.check(&case, days == 10_000, || format!("validity {days} days"));
    let mut c = openssl();
    c.args(["pkcs8", "-topk8", "-nocrypt", "-outform", "DER", "-in", &arg(&pk8), "-inform", "DER"]);
    let reencoded = ok(c)?.stdout;
    ctx.check_same(&case, "pk8 vs openssl pkcs8 -topk8 of it", &std::fs::read(&pk8)?, &reencoded);

    let signed = signapk_and_verify(ctx, &dir, &pem, &pk8, apk);
    ctx.check(&case, signed.is_ok(), || {
        format!("{:#}", signed.err().unwrap_or_else(|| anyhow::anyhow!("?")))
    });

    let mut c = ctx.tools.ours("keyconv");
    c.args([
        "to-keystore",
        "--key",
        &arg(&pk8),
        "--cert",
        &arg(&pem),
        "--keystore",
        &arg(&dir.join("mk.p12")),
        "--storepass",
        "makekey",
        "--alias",
        "platform",
    ]);
    let out = tools::run(c, None)?;
    ctx.check(&case, out.status.success(), || String::from_utf8_lossy(&out.stderr).into_owned());

    // With a password: openssl reads the encrypted pk8.
    if i == 0 {
        let name = dir.join("withpw");
        let mut c = ctx.tools.ours("keyconv");
        c.args(["make-key", &arg(&name), &subject, "--key-pass", "s3cret!"]);
        ok(c)?;
        let enc = dir.join("withpw.pk8");
        let pubkey = pubkey_of_key(&enc, true, Some("s3cret!"))?;
        ctx.check_same(
            &case,
            "encrypted pk8 read by openssl",
            &pubkey,
            &pubkey_of_cert(&dir.join("withpw.x509.pem"))?,
        );
    }
    Ok(())
}

/// Runs ours and checks a failure: exit code, a message, and what must
/// not have changed.
fn expect_failure(
    ctx: &mut Ctx,
    case: &str,
    cmd: Command,
    code: i32,
    untouched: &[(&Path, Option<Vec<u8>>)],
) -> anyhow::Result<()> {
    let out = tools::run(cmd, None)?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    ctx.check(case, out.status.code() == Some(code), || {
        format!("exit {:?}, expected {code}; stderr: {stderr}", out.status.code())
    });
    ctx.check(
        case,
        stderr.starts_with("keyconv: error: ") && stderr.trim_end().lines().count() == 1,
        || format!("message: {stderr:?}"),
    );
    for (path, before) in untouched {
        let now = std::fs::read(path).ok();
        ctx.check(case, now == *before, || {
            format!(
                "{} changed (exists before: {}, after: {})",
                path.display(),
                before.is_some(),
                now.is_some()
            )
        });
    }
    Ok(())
}

/// Case E: what must fail, and how.
fn error_cases(ctx: &mut Ctx) -> anyhow::Result<()> {
    let corpus = corpus_dir()?;
    let (rsa_pk8, rsa_pem) = (corpus.join("rsa-2048.pk8"), corpus.join("rsa-2048.x509.pem"));
    let ec_pem = corpus.join("ec-p256.x509.pem");
    for t in STORE_TYPES {
        let dir = ctx.case_dir(&format!("errors {t}"))?;
        let ks = dir.join("store");
        let mut c = ctx.tools.jdk("keytool");
        c.args([
            "-genkeypair",
            "-keystore",
            &arg(&ks),
            "-storetype",
            t,
            "-storepass",
            "rightpw",
            "-keypass",
            if t == "pkcs12" { "rightpw" } else { "keypw12" },
            "-alias",
            "k",
            "-keyalg",
            "RSA",
            "-dname",
            "CN=errors",
        ]);
        ok(c)?;
        let before = Some(std::fs::read(&ks)?);
        let (key, cert) = (dir.join("o.pk8"), dir.join("o.pem"));
        let ours = |ctx: &Ctx, args: &[&str]| {
            let mut c = ctx.tools.ours("keyconv");
            c.args(args);
            c
        };
        let to_pk8 = |ctx: &Ctx, extra: &[&str]| {
            let mut c = ours(
                ctx,
                &["to-pk8", "--keystore", &arg(&ks), "--key", &arg(&key), "--cert", &arg(&cert)],
            );
            c.args(extra);
            c
        };
        let none: Option<Vec<u8>> = None;
        let c = to_pk8(ctx, &["--storepass", "wrongpw", "--alias", "k", "--keypass", "keypw12"]);
        expect_failure(
            ctx,
            &format!("{t} wrong store password"),
            c,
            3,
            &[(&key, none.clone()), (&cert, none.clone()), (&ks, before.clone())],
        )?;
        if t != "pkcs12" {
            let c =
                to_pk8(ctx, &["--storepass", "rightpw", "--alias", "k", "--keypass", "nope123"]);
            expect_failure(
                ctx,
                &format!("{t} wrong key password"),
                c,
                3,
                &[(&key, none.clone()), (&cert, none.clone())],
            )?;
        }
        let c =
            to_pk8(ctx, &["--storepass", "rightpw", "--alias", "missing", "--keypass", "keypw12"]);
        expect_failure(
            ctx,
            &format!("{t} missing alias"),
            c,
            6,
            &[(&key, none.clone()), (&cert, none.clone())],
        )?;
        // Existing outputs are not replaced without --force.
        std::fs::write(&cert, b"keep me")?;
        let c = to_pk8(
            ctx,
            &[
                "--storepass",
                "rightpw",
                "--alias",
                "k",
                "--keypass",
                if t == "pkcs12" { "rightpw" } else { "keypw12" },
            ],
        );
        expect_failure(
            ctx,
            &format!("{t} existing output"),
            c,
            7,
            &[(&key, none.clone()), (&cert, Some(b"keep me".to_vec()))],
        )?;
        std::fs::remove_file(&cert)?;

        let to_ks = |ctx: &Ctx, k: &Path, c: &Path, extra: &[&str]| {
            let mut cmd = ours(
                ctx,
                &[
                    "to-keystore",
                    "--key",
                    &arg(k),
                    "--cert",
                    &arg(c),
                    "--keystore",
                    &arg(&ks),
                    "--storetype",
                    t,
                    "--storepass",
                    "rightpw",
                    "--keypass",
                    "keypw12",
                ],
            );
            cmd.args(extra);
            cmd
        };
        let c = to_ks(ctx, &rsa_pk8, &ec_pem, &["--alias", "new"]);
        expect_failure(ctx, &format!("{t} key/cert mismatch"), c, 4, &[(&ks, before.clone())])?;
        let c = to_ks(ctx, &rsa_pk8, &rsa_pem, &["--alias", "K"]);
        expect_failure(ctx, &format!("{t} existing alias"), c, 7, &[(&ks, before.clone())])?;
        let truncated = dir.join("truncated.pk8");
        let full = std::fs::read(&rsa_pk8)?;
        std::fs::write(&truncated, &full[..full.len() / 2])?;
        let c = to_ks(ctx, &truncated, &rsa_pem, &["--alias", "new"]);
        expect_failure(ctx, &format!("{t} corrupt key"), c, 5, &[(&ks, before.clone())])?;
        let bad_cert = dir.join("bad.pem");
        std::fs::write(
            &bad_cert,
            b"-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n",
        )?;
        let c = to_ks(ctx, &rsa_pk8, &bad_cert, &["--alias", "new"]);
        expect_failure(ctx, &format!("{t} corrupt certificate"), c, 5, &[(&ks, before.clone())])?;
        let mut c = ours(
            ctx,
            &[
                "to-keystore",
                "--key",
                &arg(&rsa_pk8),
                "--cert",
                &arg(&rsa_pem),
                "--keystore",
                &arg(&ks),
                "--storepass",
                "wrongpw",
                "--alias",
                "new",
            ],
        );
        c.args(["--storetype", t]);
        expect_failure(
            ctx,
            &format!("{t} existing store, wrong password"),
            c,
            3,
            &[(&ks, before.clone())],
        )?;
        // A corrupt store is refused and left as it is.
        let mut damaged = before.clone().unwrap_or_default();
        let mid = damaged.len() / 2;
        damaged[mid] ^= 0x5a;
        let bad_ks = dir.join("damaged");
        std::fs::write(&bad_ks, &damaged)?;
        let c = ours(
            ctx,
            &[
                "to-keystore",
                "--key",
                &arg(&rsa_pk8),
                "--cert",
                &arg(&rsa_pem),
                "--keystore",
                &arg(&bad_ks),
                "--storepass",
                "rightpw",
                "--alias",
                "new",
            ],
        );
        let out = tools::run(c, None)?;
        let code = out.status.code();
        ctx.check(&format!("{t} damaged store"), matches!(code, Some(3 | 5)), || {
            format!("exit {code:?}: {}", String::from_utf8_lossy(&out.stderr))
        });
        ctx.check(&format!("{t} damaged store"), std::fs::read(&bad_ks)? == damaged, || {
            "damaged store changed".into()
        });
        // A new store is not created when the conversion fails.
        let fresh = dir.join("fresh.p12");
        let c = ours(
            ctx,
            &[
                "to-keystore",
                "--key",
                &arg(&rsa_pk8),
                "--cert",
                &arg(&ec_pem),
                "--keystore",
                &arg(&fresh),
                "--storepass",
                "rightpw",
                "--alias",
                "new",
            ],
        );
        expect_failure(
            ctx,
            &format!("{t} mismatch creates no store"),
            c,
            4,
            &[(&fresh, none.clone())],
        )?;
    }
    // An encrypted key with a wrong password.
    let dir = ctx.case_dir("errors encrypted key")?;
    let enc = dir.join("enc.pem");
    let mut c = openssl();
    c.args([
        "pkcs8",
        "-topk8",
        "-inform",
        "DER",
        "-in",
        &arg(&rsa_pk8),
        "-passout",
        "pass:rightpw",
        "-out",
        &arg(&enc),
    ]);
    ok(c)?;
    let ks = dir.join("new.p12");
    let mut c = ctx.tools.ours("keyconv");
    c.args([
        "to-keystore",
        "--key",
        &arg(&enc),
        "--key-pass",
        "wrongpw",
        "--cert",
        &arg(&rsa_pem),
        "--keystore",
        &arg(&ks),
        "--storepass",
        "rightpw",
        "--alias",
        "a",
    ]);
    expect_failure(ctx, "encrypted key, wrong password", c, 3, &[(&ks, None)])?;
    Ok(())
}
