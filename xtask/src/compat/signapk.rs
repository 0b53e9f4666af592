//! `signapk` against AOSP signapk (Debian's `signapk.jar`, 10.0.0_r36 with
//! apksig 31.0.2), on the apksig corpus's golden inputs and on random
//! APK-like archives, with fresh openssl keys.
//!
//! With RSA keys the outputs must be byte-identical. With EC or DSA keys
//! (randomised signatures in the JDK) everything before the first signature
//! block entry, the entry list, `MANIFEST.MF` and every `.SF` must be
//! identical. Every output must pass `apksigner verify`; whole-file (`-w`)
//! outputs are checked with `openssl cms -verify`. Failures must fail both
//! tools with the same exit code, and ours must leave no output file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use rand::{RngExt as _, SeedableRng as _};

use crate::compat::Ctx;
use crate::tools::{self, SIGNAPK_JAR};

/// apksig's corpus (`shared/corpus/apksig`), found above the repository
/// (it sits beside the main checkout and above the work trees).
fn corpus_dir() -> anyhow::Result<PathBuf> {
    let root = tools::project_root();
    root.ancestors()
        .map(|a| a.join("shared/corpus/apksig"))
        .find(|p| p.join("golden-unaligned-in.apk").is_file())
        .with_context(|| format!("shared/corpus/apksig not found above {}", root.display()))
}

/// A key pair made with openssl: PKCS#8 DER key and PEM certificate.
#[derive(Debug, Clone)]
struct KeyPair {
    kind: &'static str,
    key: PathBuf,
    cert: PathBuf,
    rsa: bool,
    dsa: bool,
}

fn openssl(args: &[&str], dir: &Path) -> anyhow::Result<()> {
    let out = tools::run(
        {
            let mut c = Command::new("openssl");
            c.args(args).current_dir(dir);
            c
        },
        None,
    )?;
    if !out.status.success() {
        bail!("openssl {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

/// Fresh keys of every kind the area uses.
fn make_keys(dir: &Path, rng: &mut impl rand::Rng) -> anyhow::Result<Vec<KeyPair>> {
    std::fs::create_dir_all(dir)?;
    let kinds: [(&str, &[&str]); 8] = [
        ("rsa-2048", &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
        ("rsa-2048-sha1", &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
        ("rsa-3072", &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"]),
        ("rsa-4096", &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"]),
        ("ec-p256", &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]),
        ("ec-p384", &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]),
        ("ec-p384-sha384", &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]),
        ("dsa-2048", &[]),
    ];
    let mut out = Vec::new();
    for (kind, genpkey) in kinds {
        let pem = format!("{kind}.key.pem");
        if kind.starts_with("dsa") {
            openssl(&["dsaparam", "-out", "dsa.params", "2048"], dir)?;
            openssl(&["gendsa", "-out", &pem, "dsa.params"], dir)?;
        } else {
            let mut args = genpkey.to_vec();
            args.extend_from_slice(&["-out", &pem]);
            openssl(&args, dir)?;
        }
        let key = format!("{kind}.pk8");
        openssl(
            &["pkcs8", "-topk8", "-nocrypt", "-outform", "DER", "-in", &pem, "-out", &key],
            dir,
        )?;
        let cert = format!("{kind}.x509.pem");
        let digest = if kind.ends_with("sha1") {
            "-sha1"
        } else if kind.ends_with("sha384") {
            "-sha384"
        } else {
            "-sha256"
        };
        let cn = format!("/CN=signkit {kind} {}/O=signkit, Inc/C=US", rng.random::<u32>());
        openssl(
            &[
                "req", "-x509", "-new", "-key", &pem, digest, "-days", "9000", "-subj", &cn,
                "-out", &cert,
            ],
            dir,
        )?;
        out.push(KeyPair {
            kind,
            key: dir.join(key),
            cert: dir.join(cert),
            rsa: kind.starts_with("rsa"),
            dsa: kind.starts_with("dsa"),
        });
    }
    Ok(out)
}

/// A minimal binary `AndroidManifest.xml`: `<manifest package=...>` with a
/// `<uses-sdk android:minSdkVersion>` (when given) and `<application>`.
fn axml_manifest(min_sdk: Option<u32>) -> Vec<u8> {
    const NO: u32 = 0xffff_ffff;
    let strings = [
        "minSdkVersion",
        "package",
        "http://schemas.android.com/apk/res/android",
        "manifest",
        "uses-sdk",
        "application",
        "com.example.signkit",
    ];
    let (min_sdk_s, package_s, ns_s, manifest_s, uses_sdk_s, app_s, pkg_value) =
        (0u32, 1u32, 2u32, 3u32, 4u32, 5u32, 6u32);
    let mut data = Vec::new();
    let mut offsets = Vec::new();
    for s in strings {
        offsets.push(u32::try_from(data.len()).unwrap_or(0));
        data.push(u8::try_from(s.len()).unwrap_or(0));
        data.push(u8::try_from(s.len()).unwrap_or(0));
        data.extend_from_slice(s.as_bytes());
        data.push(0);
    }
    while data.len() % 4 != 0 {
        data.push(0);
    }
    let le32 = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    let le16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let mut pool = Vec::new();
    let strings_start = 28 + 4 * offsets.len();
    le16(&mut pool, 1);
    le16(&mut pool, 28);
    le32(&mut pool, u32::try_from(strings_start + data.len()).unwrap_or(0));
    le32(&mut pool, u32::try_from(offsets.len()).unwrap_or(0));
    le32(&mut pool, 0);
    le32(&mut pool, 1 << 8);
    le32(&mut pool, u32::try_from(strings_start).unwrap_or(0));
    le32(&mut pool, 0);
    for o in &offsets {
        le32(&mut pool, *o);
    }
    pool.extend_from_slice(&data);
    let mut map = Vec::new();
    le16(&mut map, 0x0180);
    le16(&mut map, 8);
    le32(&mut map, 16);
    le32(&mut map, 0x0101_020c);
    le32(&mut map, 0);
    let start = |body: &mut Vec<u8>, name: u32, attrs: &[(u32, u32, u8, u32)]| {
        le16(body, 0x0102);
        le16(body, 16);
        le32(body, u32::try_from(36 + 20 * attrs.len()).unwrap_or(0));
        le32(body, 1);
        le32(body, NO);
        le32(body, NO);
        le32(body, name);
        le16(body, 20);
        le16(body, 20);
        le16(body, u16::try_from(attrs.len()).unwrap_or(0));
        body.extend_from_slice(&[0; 6]);
        for &(ns, n, t, d) in attrs {
            le32(body, ns);
            le32(body, n);
            le32(body, if t == 3 { d } else { NO });
            le16(body, 8);
            body.push(0);
            body.push(t);
            le32(body, d);
        }
    };
    let end = |body: &mut Vec<u8>, name: u32| {
        le16(body, 0x0103);
        le16(body, 16);
        le32(body, 24);
        le32(body, 1);
        le32(body, NO);
        le32(body, NO);
        le32(body, name);
    };
    let mut body = Vec::new();
    start(&mut body, manifest_s, &[(NO, package_s, 3, pkg_value)]);
    if let Some(v) = min_sdk {
        start(&mut body, uses_sdk_s, &[(ns_s, min_sdk_s, 0x10, v)]);
        end(&mut body, uses_sdk_s);
    }
    start(&mut body, app_s, &[]);
    end(&mut body, app_s);
    end(&mut body, manifest_s);
    let mut out = Vec::new();
    le16(&mut out, 3);
    le16(&mut out, 8);
    le32(&mut out, u32::try_from(8 + pool.len() + map.len() + body.len()).unwrap_or(0));
    out.extend_from_slice(&pool);
    out.extend_from_slice(&map);
    out.extend_from_slice(&body);
    out
}

/// Text-like bytes (compressible) or random bytes.
fn content(rng: &mut impl rand::Rng, len: usize, text: bool) -> Vec<u8> {
    if text {
        const WORDS: [&str; 12] = [
            "alpha", "beta", "gamma", "const", "void", "return", "signkit", "apk", "\n", "0x7f",
            "class", "  ",
        ];
        let mut v = Vec::with_capacity(len + 8);
        while v.len() < len {
            v.extend_from_slice(WORDS[rng.random_range(0..WORDS.len())].as_bytes());
            if rng.random_bool(0.02) {
                v.push(rng.random());
            }
        }
        v.truncate(len);
        v
    } else {
        let mut v = vec![0u8; len];
        rng.fill_bytes(&mut v);
        v
    }
}

/// Writes a random APK-like archive with the `zip` tool: STORED and
/// DEFLATED entries, `.so` files, a binary manifest, sometimes directory
/// entries, extra fields, an input `MANIFEST.MF` and old signature files.
fn random_apk(
    rng: &mut impl rand::Rng,
    dir: &Path,
    manifest_min_sdk: Option<u32>,
) -> anyhow::Result<PathBuf> {
    let root = dir.join("tree");
    std::fs::create_dir_all(&root)?;
    let mut stored = Vec::new();
    let mut deflated = Vec::new();
    let mut add = |name: &str, data: &[u8], store: bool| -> anyhow::Result<()> {
        let p = root.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&p, data)?;
        if store {
            stored.push(name.to_owned())
        } else {
            deflated.push(name.to_owned())
        }
        Ok(())
    };
    add("AndroidManifest.xml", &axml_manifest(manifest_min_sdk), rng.random_bool(0.3))?;
    let dex_len = rng.random_range(0..400_000);
    add("classes.dex", &content(rng, dex_len, true), rng.random_bool(0.2))?;
    if rng.random_bool(0.5) {
        let n = rng.random_range(1..200_000);
        add("classes2.dex", &content(rng, n, true), false)?;
    }
    for i in 0..rng.random_range(0..4) {
        let abi = ["armeabi-v7a", "arm64-v8a", "x86", "x86_64"][i % 4];
        let n = rng.random_range(1..60_000);
        add(&format!("lib/{abi}/libnative{i}.so"), &content(rng, n, false), rng.random_bool(0.7))?;
    }
    let n = rng.random_range(0..5000);
    add("resources.arsc", &content(rng, n, true), rng.random_bool(0.8))?;
    for i in 0..rng.random_range(0..25) {
        let text = rng.random_bool(0.5);
        let n = rng.random_range(0..20_000);
        let name = match rng.random_range(0..5) {
            0 => format!("res/drawable/i{i}.png"),
            1 => format!("assets/data{i}.txt"),
            2 => format!("res/raw/r{i}.bin"),
            3 => format!("assets/dir{}/f{i}", i % 3),
            _ => format!("res/raw/na\u{ef}ve{i}.txt"),
        };
        add(&name, &content(rng, n, text), rng.random_bool(0.5))?;
    }
    if rng.random_bool(0.3) {
        add("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\r\nCreated-By: 1.8.0 (signkit compat)\r\nBuilt-By: tester\r\n\r\n", false)?;
    }
    if rng.random_bool(0.3) {
        add("META-INF/OLD.SF", b"Signature-Version: 1.0\r\n\r\n", false)?;
        add("META-INF/OLD.RSA", &content(rng, 300, false), false)?;
        add("META-INF/services/com.example.Service", b"com.example.Impl\n", false)?;
    }
    let apk = dir.join("in.apk");
    let extra_flags: &[&str] = if rng.random_bool(0.5) { &["-X"] } else { &[] };
    let mut runs: Vec<(Vec<String>, &str)> = vec![(stored, "-0"), (deflated, "-9")];
    if rng.random_bool(0.3) {
        // Directory entries (signapk drops them).
        let dirs: Vec<String> = ["res/", "assets/", "lib/"]
            .iter()
            .filter(|d| root.join(d).is_dir())
            .map(|d| (*d).to_owned())
            .collect();
        runs.insert(rng.random_range(0..3), (dirs, "-0"));
    }
    for (files, level) in runs {
        if files.is_empty() {
            continue;
        }
        let mut c = Command::new("zip");
        c.current_dir(&root)
            .arg("-q")
            .arg("-D")
            .arg(level)
            .args(extra_flags)
            .arg(&apk)
            .args(files.iter());
        if level == "-0" && files.iter().all(|f| f.ends_with('/')) {
            // Without -D, naming a directory adds its entry.
            c = Command::new("zip");
            c.current_dir(&root).arg("-q").arg("-0").args(extra_flags).arg(&apk).args(files.iter());
        }
        let out = tools::run(c, None)?;
        if !out.status.success() {
            bail!("zip: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    Ok(apk)
}

/// One STORED entry of [`edge_apk`]: name, data, extra field, comment, Unix mode.
type RawEntry<'a> = (&'a str, &'a [u8], Vec<u8>, &'a [u8], Option<u16>);

/// An archive of STORED entries written field by field, for what the `zip`
/// tool does not make: NTFS and extended-timestamp extras (the JDK turns them
/// into entry times), entry comments, Unix modes, names outside the BMP.
/// `zip` then appends DEFLATED entries (a manifest and a dex).
fn edge_apk(dir: &Path, min_sdk: u32) -> anyhow::Result<PathBuf> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    let ntfs: Vec<u8> = [
        &0x000au16.to_le_bytes()[..],
        &32u16.to_le_bytes(),
        &0u32.to_le_bytes(),
        &1u16.to_le_bytes(),
        &24u16.to_le_bytes(),
        &132_000_000_000_000_000u64.to_le_bytes(),
        &132_000_000_000_000_001u64.to_le_bytes(),
        &132_000_000_000_000_002u64.to_le_bytes(),
    ]
    .concat();
    let ut: Vec<u8> =
        [&0x5455u16.to_le_bytes()[..], &5u16.to_le_bytes(), &[1], &1_600_000_000u32.to_le_bytes()]
            .concat();
    let entries: Vec<RawEntry<'_>> = vec![
        ("res/raw/ntfs.bin", b"ntfs data", ntfs, b"", None),
        ("res/raw/ut.bin", b"extended timestamp", ut, b"an entry comment", Some(0o100_644)),
        ("res/raw/\u{1F600}.png", &[7u8; 33], Vec::new(), b"", Some(0o100_600)),
        ("res/raw/\u{ffff}.png", &[8u8; 17], Vec::new(), b"", None),
        ("lib/x86/lib\u{e9}.so", &[9u8; 100], Vec::new(), b"", None),
        ("empty.txt", b"", Vec::new(), b"", None),
        ("pinlist.meta", &[0u8; 8], Vec::new(), b"", None),
        ("res/", b"", Vec::new(), b"", None),
    ];
    let mut out = Vec::new();
    let mut cd = Vec::new();
    for (name, data, extra, comment, mode) in &entries {
        let crc = crc32(data);
        let offset = u32::try_from(out.len())?;
        let size = u32::try_from(data.len())?;
        let (nlen, elen) = (u16::try_from(name.len())?, u16::try_from(extra.len())?);
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&[10, 0, 0, 8, 0, 0, 0x21, 0x3a, 0x21, 0x52]);
        for v in [crc, size, size] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&nlen.to_le_bytes());
        out.extend_from_slice(&elen.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(extra);
        out.extend_from_slice(data);
        cd.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        cd.extend_from_slice(&[
            10,
            if mode.is_some() { 3 } else { 0 },
            10,
            0,
            0,
            8,
            0,
            0,
            0x21,
            0x3a,
            0x21,
            0x52,
        ]);
        for v in [crc, size, size] {
            cd.extend_from_slice(&v.to_le_bytes());
        }
        cd.extend_from_slice(&nlen.to_le_bytes());
        cd.extend_from_slice(&elen.to_le_bytes());
        cd.extend_from_slice(&u16::try_from(comment.len())?.to_le_bytes());
        cd.extend_from_slice(&[0, 0, 0, 0]);
        cd.extend_from_slice(&(u32::from(mode.unwrap_or(0)) << 16).to_le_bytes());
        cd.extend_from_slice(&offset.to_le_bytes());
        cd.extend_from_slice(name.as_bytes());
        cd.extend_from_slice(extra);
        cd.extend_from_slice(comment);
    }
    let cd_offset = u32::try_from(out.len())?;
    let n = u16::try_from(entries.len())?;
    out.extend_from_slice(&cd);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&u32::try_from(cd.len())?.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    let apk = dir.join("edge.apk");
    std::fs::write(&apk, out)?;
    std::fs::write(dir.join("AndroidManifest.xml"), axml_manifest(Some(min_sdk)))?;
    std::fs::write(dir.join("classes.dex"), b"dex\n035\0".repeat(5000))?;
    let mut c = Command::new("zip");
    c.current_dir(dir).args(["-q", "-9", "-X", "edge.apk", "AndroidManifest.xml", "classes.dex"]);
    let out = tools::run(c, None)?;
    if !out.status.success() {
        bail!("zip: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(apk)
}

/// An archive whose entries are all DEFLATED (the JAR magic then sits on a
/// recompressed entry).
fn all_deflated_apk(dir: &Path, min_sdk: u32) -> anyhow::Result<PathBuf> {
    std::fs::write(dir.join("AndroidManifest.xml"), axml_manifest(Some(min_sdk)))?;
    std::fs::write(dir.join("classes.dex"), b"dex\n035\0class".repeat(9000))?;
    let mut c = Command::new("zip");
    c.current_dir(dir).args(["-q", "-9", "deflated.apk", "classes.dex", "AndroidManifest.xml"]);
    let out = tools::run(c, None)?;
    if !out.status.success() {
        bail!("zip: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(dir.join("deflated.apk"))
}

/// A Central Directory entry of a signapk output.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CdEntry {
    name: String,
    method: u16,
    offset: u64,
}

/// The Central Directory of an archive whose EOCD is followed by a comment of known length.
fn central_directory(data: &[u8]) -> anyhow::Result<Vec<CdEntry>> {
    let le16 = |at: usize| data.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let le32 =
        |at: usize| data.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let eocd = (0..data.len().saturating_sub(21))
        .rev()
        .find(|&i| {
            le32(i) == Some(0x0605_4b50)
                && le16(i + 20).map(usize::from) == Some(data.len() - i - 22)
        })
        .context("no end of central directory")?;
    let count = usize::from(le16(eocd + 10).context("eocd")?);
    let mut pos = usize::try_from(le32(eocd + 16).context("eocd")?)?;
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        if le32(pos) != Some(0x0201_4b50) {
            bail!("bad central directory record at {pos}");
        }
        let method = le16(pos + 10).context("cd")?;
        let (n, e, c) = (
            usize::from(le16(pos + 28).context("cd")?),
            usize::from(le16(pos + 30).context("cd")?),
            usize::from(le16(pos + 32).context("cd")?),
        );
        let offset = u64::from(le32(pos + 42).context("cd")?);
        let name = String::from_utf8_lossy(data.get(pos + 46..pos + 46 + n).context("cd name")?)
            .into_owned();
        out.push(CdEntry { name, method, offset });
        pos += 46 + n + e + c;
    }
    Ok(out)
}

/// The content of an entry, via `unzip -p`.
fn entry_content(apk: &Path, name: &str) -> anyhow::Result<Vec<u8>> {
    let mut c = Command::new("unzip");
    c.arg("-p").arg(apk).arg(name);
    Ok(tools::run(c, None)?.stdout)
}

/// One signapk invocation.
#[derive(Debug, Clone)]
struct Case {
    name: String,
    input: PathBuf,
    keys: Vec<KeyPair>,
    whole_file: bool,
    alignment: Option<i32>,
    min_sdk: Option<i32>,
    disable_v2: bool,
    /// The minSdkVersion the manifest declares, when known (for apksigner).
    manifest_min_sdk: Option<i32>,
}

impl Case {
    fn args(&self, out: &Path) -> Vec<String> {
        let mut a = Vec::new();
        if self.whole_file {
            a.push("-w".to_owned());
        }
        if let Some(al) = self.alignment {
            a.push("-a".into());
            a.push(al.to_string());
        }
        if let Some(m) = self.min_sdk {
            a.push("--min-sdk-version".into());
            a.push(m.to_string());
        }
        if self.disable_v2 {
            a.push("--disable-v2".into());
        }
        for k in &self.keys {
            a.push(k.cert.display().to_string());
            a.push(k.key.display().to_string());
        }
        a.push(self.input.display().to_string());
        a.push(out.display().to_string());
        a
    }
}

/// Runs both tools and compares.
fn run_case(ctx: &mut Ctx, case: &Case) -> anyhow::Result<()> {
    let dir = ctx.case_dir(&case.name)?;
    let (ref_out, our_out) = (dir.join("ref.apk"), dir.join("ours.apk"));
    let mut java = ctx.tools.jdk("java");
    java.arg("-jar").arg(SIGNAPK_JAR).args(case.args(&ref_out));
    let reference = tools::run(java, None)?;
    let mut ours = ctx.tools.ours("signapk");
    ours.args(case.args(&our_out));
    let mine = tools::run(ours, None)?;
    let (rc, oc) = (reference.status.code(), mine.status.code());
    if !ctx.check(&case.name, rc == oc, || {
        format!(
            "exit codes differ: reference {rc:?}, ours {oc:?}\nreference stderr: {}\nour stderr: {}",
            String::from_utf8_lossy(&reference.stderr),
            String::from_utf8_lossy(&mine.stderr)
        )
    }) {
        return Ok(());
    }
    if rc != Some(0) {
        // Both failed: ours must leave nothing behind.
        ctx.check(&case.name, !our_out.exists(), || "failed run left an output file".into());
        return Ok(());
    }
    let (r, o) = (std::fs::read(&ref_out)?, std::fs::read(&our_out)?);
    let all_rsa = case.keys.iter().all(|k| k.rsa);
    if all_rsa {
        if !ctx.check(&case.name, r == o, || {
            format!("outputs differ ({} vs {} bytes)", o.len(), r.len())
        }) {
            return Ok(());
        }
    } else if case.whole_file {
        compare_whole_file(ctx, case, &r, &o)?;
    } else {
        compare_signed(ctx, case, &ref_out, &our_out, &r, &o)?;
    }
    if case.whole_file {
        verify_ota(ctx, case, &dir, &our_out, &o)?;
    } else {
        verify_apk(ctx, case, &our_out)?;
    }
    Ok(())
}

/// EC/DSA signatures differ: the bytes up to the first signature block
/// entry, the entry names and methods, `MANIFEST.MF` and the `.SF` files
/// must be the same.
fn compare_signed(
    ctx: &mut Ctx,
    case: &Case,
    rp: &Path,
    op: &Path,
    r: &[u8],
    o: &[u8],
) -> anyhow::Result<()> {
    let (rcd, ocd) = (central_directory(r)?, central_directory(o)?);
    let names = |cd: &[CdEntry]| cd.iter().map(|e| (e.name.clone(), e.method)).collect::<Vec<_>>();
    if !ctx.check(&case.name, names(&rcd) == names(&ocd), || {
        format!("entry lists differ:\n ref {:?}\n our {:?}", names(&rcd), names(&ocd))
    }) {
        return Ok(());
    }
    let is_block = |n: &str| {
        n.starts_with("META-INF/CERT")
            && (n.ends_with(".EC") || n.ends_with(".DSA") || n.ends_with(".RSA"))
    };
    let first_block = rcd.iter().find(|e| is_block(&e.name)).map_or(0, |e| e.offset);
    let prefix = usize::try_from(first_block)?;
    let same_prefix = r.len() >= prefix && o.len() >= prefix && r[..prefix] == o[..prefix];
    if !ctx.check(&case.name, same_prefix, || {
        format!("bytes before the first signature block entry (offset {prefix}) differ")
    }) {
        return Ok(());
    }
    // Stored entries are where the reference put them.
    let stored =
        |cd: &[CdEntry]| cd.iter().filter(|e| e.method == 0).map(|e| e.offset).collect::<Vec<_>>();
    ctx.check(&case.name, stored(&rcd) == stored(&ocd), || "stored entry offsets differ".into());
    for e in rcd.iter().filter(|e| e.name == "META-INF/MANIFEST.MF" || e.name.ends_with(".SF")) {
        let (a, b) = (entry_content(rp, &e.name)?, entry_content(op, &e.name)?);
        ctx.check_same(&case.name, &e.name, &b, &a);
    }
    Ok(())
}

/// Whole-file signatures with EC keys: the signed archive (everything but
/// the comment and its length) must be the same.
fn compare_whole_file(ctx: &mut Ctx, case: &Case, r: &[u8], o: &[u8]) -> anyhow::Result<()> {
    let archive_len = |d: &[u8]| -> usize {
        let n = d.len();
        let comment = usize::from(u16::from_le_bytes([d[n - 2], d[n - 1]]));
        n.saturating_sub(comment + 2)
    };
    let (ra, oa) = (archive_len(r), archive_len(o));
    ctx.check(&case.name, r[..ra] == o[..oa], || "whole-file archives differ".into());
    Ok(())
}

/// `apksigner verify` with the minimum SDK version the signature was made for.
///
/// With pinning hints, signapk's v1 signature does not cover `pinlist.meta`
/// (the reference's output fails v1 verification too), so only the
/// platforms that check v2/v3 (API 24 and later) are verified.
fn verify_apk(ctx: &mut Ctx, case: &Case, apk: &Path) -> anyhow::Result<()> {
    let mut c = Command::new("apksigner");
    c.arg("verify");
    let pins = case.input.to_string_lossy().contains("pins");
    if let Some(m) = case.min_sdk.or(case.manifest_min_sdk) {
        c.arg("--min-sdk-version").arg(if pins { m.max(24) } else { m.max(1) }.to_string());
    } else if pins {
        c.arg("--min-sdk-version").arg("24");
    }
    c.arg(apk);
    let out = tools::run(c, None)?;
    ctx.check(&case.name, out.status.success(), || {
        format!(
            "apksigner verify failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    Ok(())
}

/// The whole-file signature verified with `openssl cms`.
fn verify_ota(
    ctx: &mut Ctx,
    case: &Case,
    dir: &Path,
    apk: &Path,
    data: &[u8],
) -> anyhow::Result<()> {
    let n = data.len();
    let comment_len = usize::from(u16::from_le_bytes([data[n - 2], data[n - 1]]));
    let sig_start = usize::from(u16::from_le_bytes([data[n - 6], data[n - 5]]));
    let signed = &data[..n - comment_len - 2];
    let cms = &data[n - sig_start..n - 6];
    let (content, sig) = (dir.join("ota.content"), dir.join("ota.cms"));
    std::fs::write(&content, signed)?;
    std::fs::write(&sig, cms)?;
    let mut c = Command::new("openssl");
    c.args(["cms", "-verify", "-binary", "-inform", "DER", "-noverify", "-purpose", "any", "-in"])
        .arg(&sig)
        .arg("-content")
        .arg(&content)
        .arg("-out")
        .arg("/dev/null");
    let out = tools::run(c, None)?;
    ctx.check(&case.name, out.status.success(), || {
        format!(
            "openssl cms -verify failed on {}: {}",
            apk.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    Ok(())
}

/// Fixed failure cases: both tools must fail with the same exit code and
/// the same first line where signapk prints a message of its own.
fn failure_cases(ctx: &mut Ctx, keys: &[KeyPair], good: &Path) -> anyhow::Result<()> {
    let dir = ctx.case_dir("failures")?;
    let rsa = keys.iter().find(|k| k.kind == "rsa-2048").context("rsa key")?;
    let other = keys.iter().find(|k| k.kind == "rsa-3072").context("rsa key")?;
    let ec = keys.iter().find(|k| k.kind == "ec-p256").context("ec key")?;
    let dsa = keys.iter().find(|k| k.kind == "dsa-2048").context("dsa key")?;
    let p384 = keys.iter().find(|k| k.kind == "ec-p384-sha384").context("p384 key")?;
    std::fs::write(dir.join("notzip.apk"), b"hello, not a zip")?;
    let nomanifest = dir.join("nomanifest.zip");
    std::fs::write(dir.join("x.txt"), b"x")?;
    let out = tools::run(
        {
            let mut c = Command::new("zip");
            c.current_dir(&dir).args(["-q", "nomanifest.zip", "x.txt"]);
            c
        },
        None,
    )?;
    if !out.status.success() {
        bail!("zip failed");
    }
    let s = |p: &Path| p.display().to_string();
    let g = s(good);
    let cases: Vec<(&str, Vec<String>, bool)> = vec![
        ("no arguments", vec![], true),
        ("three arguments", vec!["a".into(), "b".into(), "c".into()], true),
        (
            "unknown option",
            vec!["--enable-v4".into(), s(&rsa.cert), s(&rsa.key), g.clone(), "o.apk".into()],
            true,
        ),
        (
            "newer option",
            vec!["--align-file-size".into(), s(&rsa.cert), s(&rsa.key), g.clone(), "o.apk".into()],
            true,
        ),
        (
            "lineage",
            vec![
                "--lineage".into(),
                "x".into(),
                s(&rsa.cert),
                s(&rsa.key),
                g.clone(),
                "o.apk".into(),
            ],
            true,
        ),
        (
            "odd key arguments",
            vec![s(&rsa.cert), s(&rsa.key), s(&rsa.key), g.clone(), "o.apk".into()],
            true,
        ),
        (
            "-w with two keys",
            vec![
                "-w".into(),
                s(&rsa.cert),
                s(&rsa.key),
                s(&other.cert),
                s(&other.key),
                g.clone(),
                "o.apk".into(),
            ],
            true,
        ),
        (
            "bad -a",
            vec!["-a".into(), "four".into(), s(&rsa.cert), s(&rsa.key), g.clone(), "o.apk".into()],
            true,
        ),
        (
            "bad --min-sdk-version",
            vec![
                "--min-sdk-version".into(),
                "x".into(),
                s(&rsa.cert),
                s(&rsa.key),
                g.clone(),
                "o.apk".into(),
            ],
            true,
        ),
        (
            "not a zip",
            vec![s(&rsa.cert), s(&rsa.key), s(&dir.join("notzip.apk")), "o.apk".into()],
            false,
        ),
        ("no manifest", vec![s(&rsa.cert), s(&rsa.key), s(&nomanifest), "o.apk".into()], true),
        (
            "missing input",
            vec![s(&rsa.cert), s(&rsa.key), s(&dir.join("absent.apk")), "o.apk".into()],
            true,
        ),
        (
            "EC below API 18",
            vec![
                "--min-sdk-version".into(),
                "14".into(),
                s(&ec.cert),
                s(&ec.key),
                g.clone(),
                "o.apk".into(),
            ],
            true,
        ),
        (
            "-w with DSA",
            vec!["-w".into(), s(&dsa.cert), s(&dsa.key), g.clone(), "o.apk".into()],
            true,
        ),
        (
            "-w with a SHA384withECDSA certificate",
            vec!["-w".into(), s(&p384.cert), s(&p384.key), g.clone(), "o.apk".into()],
            true,
        ),
        (
            "key is not a certificate",
            vec![s(&rsa.key), s(&rsa.key), g.clone(), "o.apk".into()],
            false,
        ),
    ];
    for (name, args, same_first_line) in cases {
        let (ref_dir, our_dir) = (
            dir.join(format!("ref-{}", name.replace(' ', "_"))),
            dir.join(format!("our-{}", name.replace(' ', "_"))),
        );
        std::fs::create_dir_all(&ref_dir)?;
        std::fs::create_dir_all(&our_dir)?;
        let mut java = ctx.tools.jdk("java");
        java.current_dir(&ref_dir).arg("-jar").arg(SIGNAPK_JAR).args(&args);
        let r = tools::run(java, None)?;
        let mut ours = ctx.tools.ours("signapk");
        ours.current_dir(&our_dir).args(&args);
        let o = tools::run(ours, None)?;
        let case = format!("failure: {name}");
        let first =
            |b: &[u8]| String::from_utf8_lossy(b).lines().next().unwrap_or_default().to_owned();
        ctx.check(&case, r.status.code() == o.status.code() && r.status.code() != Some(0), || {
            format!(
                "exit codes: reference {:?}, ours {:?}; ours said {:?}",
                r.status.code(),
                o.status.code(),
                first(&o.stderr)
            )
        });
        if same_first_line {
            let (rf, of) = (first(&r.stderr), first(&o.stderr));
            ctx.check(&case, rf == of, || {
                format!("first stderr line differs:\n ref {rf:?}\n our {of:?}")
            });
        }
        ctx.check(&case, !our_dir.join("o.apk").exists(), || "failed run left o.apk".into());
    }
    Ok(())
}

/// The area: fixed cases on the corpus inputs, random cases, failures.
pub(crate) fn run(ctx: &mut Ctx) -> anyhow::Result<()> {
    if !Path::new(SIGNAPK_JAR).exists() {
        bail!("{SIGNAPK_JAR} missing: apt-get install -y signapk");
    }
    let keys_dir = ctx.case_dir("keys")?;
    let mut key_rng = rand::rngs::StdRng::from_rng(&mut ctx.rng);
    let keys = make_keys(&keys_dir, &mut key_rng)?;
    let corpus = corpus_dir()?;
    let goldens: Vec<PathBuf> = [
        "golden-unaligned-in.apk",
        "golden-aligned-in.apk",
        "golden-legacy-aligned-in.apk",
        // Pinning hints: signapk adds pinlist.meta.
        "pinsapp-unsigned.apk",
    ]
    .iter()
    .map(|n| corpus.join(n))
    .filter(|p| p.exists())
    .collect();
    if goldens.is_empty() {
        bail!("apksig corpus not found at {}", corpus.display());
    }
    let key = |kind: &str| keys.iter().find(|k| k.kind == kind).cloned().context("key kind");

    // Fixed cases: every key kind on the corpus inputs.
    let mut fixed = Vec::new();
    for (i, g) in goldens.iter().enumerate() {
        for kind in ["rsa-2048", "rsa-4096", "ec-p256", "ec-p384", "dsa-2048"] {
            fixed.push(Case {
                name: format!("golden{i} {kind}"),
                input: g.clone(),
                keys: vec![key(kind)?],
                whole_file: false,
                alignment: None,
                min_sdk: None,
                disable_v2: false,
                manifest_min_sdk: None,
            });
        }
    }
    fixed.push(Case {
        name: "golden two keys".into(),
        input: goldens[0].clone(),
        keys: vec![key("rsa-2048")?, key("ec-p256")?],
        whole_file: false,
        alignment: Some(4096),
        min_sdk: None,
        disable_v2: false,
        manifest_min_sdk: None,
    });
    for kind in ["rsa-2048", "rsa-2048-sha1", "ec-p256"] {
        fixed.push(Case {
            name: format!("golden -w {kind}"),
            input: goldens[0].clone(),
            keys: vec![key(kind)?],
            whole_file: true,
            alignment: None,
            min_sdk: None,
            disable_v2: false,
            manifest_min_sdk: None,
        });
    }
    let edge_dir = ctx.case_dir("edge inputs")?;
    let edge = edge_apk(&edge_dir, 21)?;
    let deflated = all_deflated_apk(&edge_dir, 23)?;
    let pins = goldens.iter().find(|g| g.ends_with("pinsapp-unsigned.apk")).cloned();
    let mut extra_inputs = vec![(edge.clone(), "edge"), (deflated.clone(), "all deflated")];
    if let Some(p) = pins {
        extra_inputs.push((p, "pins"));
    }
    for (input, label) in &extra_inputs {
        for (whole_file, alignment) in [(false, None), (false, Some(4096)), (true, None)] {
            fixed.push(Case {
                name: format!("{label}{} a{alignment:?}", if whole_file { " -w" } else { "" }),
                input: (*input).clone(),
                keys: vec![key("rsa-2048")?],
                whole_file,
                alignment,
                min_sdk: None,
                disable_v2: false,
                manifest_min_sdk: None,
            });
        }
    }
    for case in &fixed {
        if let Err(e) = run_case(ctx, case) {
            ctx.fail(&case.name, format!("{e:#}"));
        }
    }

    let n = ctx.random_cases(30);
    for i in 0..n {
        let dir = ctx.case_dir(&format!("input{i}"))?;
        let manifest_min_sdk =
            if ctx.rng.random_bool(0.9) { Some(ctx.rng.random_range(9..=30)) } else { None };
        let input = random_apk(&mut ctx.rng, &dir, manifest_min_sdk)?;
        let whole_file = ctx.rng.random_bool(0.15);
        let nkeys = if !whole_file && ctx.rng.random_bool(0.25) { 2 } else { 1 };
        let mut chosen = Vec::new();
        for _ in 0..nkeys {
            let pool: Vec<&KeyPair> = keys
                .iter()
                .filter(|k| !whole_file || !k.dsa)
                .filter(|k| !chosen.iter().any(|c: &KeyPair| c.kind == k.kind))
                .collect();
            chosen.push(pool[ctx.rng.random_range(0..pool.len())].clone());
        }
        let min_sdk =
            if ctx.rng.random_bool(0.5) { Some(ctx.rng.random_range(9..=28)) } else { None };
        let alignment = match ctx.rng.random_range(0..4) {
            0 => None,
            1 => Some(4),
            2 => Some(4096),
            _ => Some(ctx.rng.random_range(0..=16)),
        };
        let mut label = String::new();
        let _ = write!(
            label,
            "random{i} {}{}{}{}",
            chosen.iter().map(|k| k.kind).collect::<Vec<_>>().join("+"),
            if whole_file { " -w" } else { "" },
            min_sdk.map(|m| format!(" min{m}")).unwrap_or_default(),
            alignment.map(|a| format!(" a{a}")).unwrap_or_default()
        );
        let case = Case {
            name: label,
            input,
            keys: chosen,
            whole_file,
            alignment,
            min_sdk,
            disable_v2: ctx.rng.random_bool(0.2),
            manifest_min_sdk: manifest_min_sdk.map(|m| i32::try_from(m).unwrap_or(1)).or(Some(1)),
        };
        if let Err(e) = run_case(ctx, &case) {
            ctx.fail(&case.name, format!("{e:#}"));
        }
    }
    failure_cases(ctx, &keys, &goldens[0])?;
    Ok(())
}
