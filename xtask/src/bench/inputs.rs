//! The bench's inputs, made on first use in the work directory: keystores
//! made by the JDK, an RSA-2048 `pk8` + `x509.pem` pair made by openssl, and
//! seeded jars and APKs. Nothing here is committed.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

use super::measure;
use super::zipgen::{Group, Kind, Method, Payload, ZipStats, ZipWriter, read_entries};
use crate::tools::{self, Tools};

/// The password of every bench keystore and key.
pub(crate) const STOREPASS: &str = "benchpass";
/// The alias of the RSA-2048 key entry.
pub(crate) const ALIAS: &str = "bench";
/// The seed of every generated payload.
const SEED: u64 = 0x5167_4b17;
/// The APK whose manifest, dex and resources start every generated APK, in
/// the corpus beside the repository (`../shared/corpus`; the nearest ancestor
/// that has it, so a worktree nested deeper finds it too).
const GOLDEN_APK: &str = "shared/corpus/apksig/golden-aligned-in.apk";

/// How big the generated archives are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Size {
    /// A few MB: checks that the harness works.
    Quick,
    /// The sizes: an 80 MB jar of 4000 entries, a 90 MB APK.
    Full,
    /// The full APK's entry groups repeated this many times.
    Scaled(usize),
}

/// The RSA-2048 key pair in signapk's form.
#[derive(Clone, Debug)]
pub(crate) struct KeyFiles {
    pub(crate) pk8: PathBuf,
    pub(crate) x509_pem: PathBuf,
    pub(crate) x509_der: PathBuf,
}

/// A generated archive and what it holds.
#[derive(Clone, Debug)]
pub(crate) struct Archive {
    pub(crate) path: PathBuf,
    pub(crate) stats: ZipStats,
}

/// The inputs, each made once, when a row first needs it.
pub(crate) struct Inputs<'t> {
    pub(crate) tools: &'t Tools,
    pub(crate) dir: PathBuf,
    pub(crate) size: Size,
    pkcs12: Option<PathBuf>,
    jks: Option<PathBuf>,
    keys: Option<KeyFiles>,
    jar: Option<Archive>,
    signed_jar: Option<PathBuf>,
    apk: Option<Archive>,
    aligned_apk: Option<Archive>,
    peer: Option<Result<PathBuf, String>>,
}

impl<'t> Inputs<'t> {
    pub(crate) fn new(tools: &'t Tools, dir: PathBuf, size: Size) -> Self {
        Self {
            tools,
            dir,
            size,
            pkcs12: None,
            jks: None,
            keys: None,
            jar: None,
            signed_jar: None,
            apk: None,
            aligned_apk: None,
            peer: None,
        }
    }

    /// A path in the work directory.
    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// A PKCS12 store made by JDK 17 keytool: an RSA-2048 key entry `bench`
    /// and an EC P-256 key entry `bench-ec`.
    pub(crate) fn pkcs12(&mut self) -> anyhow::Result<PathBuf> {
        if let Some(p) = &self.pkcs12 {
            return Ok(p.clone());
        }
        let path = self.path("ks.p12");
        eprintln!("bench: making {} (JDK keytool)", path.display());
        for (alias, alg) in [
            (ALIAS, &["-keyalg", "RSA", "-keysize", "2048"][..]),
            ("bench-ec", &["-keyalg", "EC", "-groupname", "secp256r1"]),
        ] {
            let mut c = self.tools.jdk("keytool");
            c.args(["-genkeypair", "-keystore"]).arg(&path);
            c.args(["-storetype", "PKCS12", "-storepass", STOREPASS, "-alias", alias]);
            c.args(alg).args(["-dname", "CN=signkit bench, O=signkit, C=US", "-validity", "3650"]);
            check(c)?;
        }
        self.pkcs12 = Some(path.clone());
        Ok(path)
    }

    /// The same two entries in a JKS store, converted by JDK 17 keytool.
    pub(crate) fn jks(&mut self) -> anyhow::Result<PathBuf> {
        if let Some(p) = &self.jks {
            return Ok(p.clone());
        }
        let src = self.pkcs12()?;
        let path = self.path("ks.jks");
        eprintln!("bench: making {} (JDK keytool -importkeystore)", path.display());
        let mut c = self.tools.jdk("keytool");
        c.args(["-importkeystore", "-srckeystore"]).arg(&src);
        c.args(["-srcstoretype", "PKCS12", "-srcstorepass", STOREPASS, "-destkeystore"]).arg(&path);
        c.args(["-deststoretype", "JKS", "-deststorepass", STOREPASS, "-noprompt"]);
        check(c)?;
        self.jks = Some(path.clone());
        Ok(path)
    }

    /// An RSA-2048 `key.pk8` (unencrypted PKCS#8 DER) and `cert.x509.pem`
    /// (self-signed, SHA256withRSA) made by openssl, plus the certificate in DER.
    pub(crate) fn keys(&mut self) -> anyhow::Result<KeyFiles> {
        if let Some(k) = &self.keys {
            return Ok(k.clone());
        }
        eprintln!("bench: making key.pk8 + cert.x509.pem (openssl)");
        let keys = KeyFiles {
            pk8: self.path("key.pk8"),
            x509_pem: self.path("cert.x509.pem"),
            x509_der: self.path("cert.der"),
        };
        let pem_key = self.path("key.pem");
        let mut c = Command::new("openssl");
        c.args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "3650"]);
        c.args(["-subj", "/CN=signkit bench/O=signkit/C=US", "-keyout"])
            .arg(&pem_key)
            .arg("-out")
            .arg(&keys.x509_pem);
        check(c)?;
        let mut c = Command::new("openssl");
        c.args(["pkcs8", "-topk8", "-nocrypt", "-outform", "DER", "-in"])
            .arg(&pem_key)
            .arg("-out")
            .arg(&keys.pk8);
        check(c)?;
        let mut c = Command::new("openssl");
        c.args(["x509", "-outform", "DER", "-in"])
            .arg(&keys.x509_pem)
            .arg("-out")
            .arg(&keys.x509_der);
        check(c)?;
        self.keys = Some(keys.clone());
        Ok(keys)
    }

    /// A jar of about 80 MB and 4000 entries: class-like entries (deflated),
    /// random data (deflated) and large stored blobs.
    pub(crate) fn jar(&mut self) -> anyhow::Result<Archive> {
        if let Some(a) = &self.jar {
            return Ok(a.clone());
        }
        let path = self.path("app.jar");
        eprintln!("bench: generating {}", path.display());
        let mut zip = ZipWriter::create(&path, false)?;
        let manifest = b"Manifest-Version: 1.0\r\nCreated-By: signkit bench\r\n\r\n";
        zip.add("META-INF/MANIFEST.MF", manifest, Method::Deflated, Kind::Classes)?;
        Payload::new(SEED).write_groups(&mut zip, &jar_groups(self.size))?;
        let archive = Archive { path, stats: zip.finish()? };
        self.jar = Some(archive.clone());
        Ok(archive)
    }

    /// The jar signed by JDK 17 jarsigner with the PKCS12 store's RSA key.
    pub(crate) fn signed_jar(&mut self) -> anyhow::Result<PathBuf> {
        if let Some(p) = &self.signed_jar {
            return Ok(p.clone());
        }
        let (jar, store) = (self.jar()?.path, self.pkcs12()?);
        let path = self.path("app-signed-by-jdk.jar");
        eprintln!("bench: signing {} (JDK jarsigner)", path.display());
        let mut c = self.tools.jdk("jarsigner");
        c.arg("-keystore").arg(&store).args([
            "-storetype",
            "PKCS12",
            "-storepass",
            STOREPASS,
            "-signedjar",
        ]);
        c.arg(&path).arg(&jar).arg(ALIAS);
        check(c)?;
        self.signed_jar = Some(path.clone());
        Ok(path)
    }

    /// An APK of about 90 MB, not aligned (zipalign's input).
    pub(crate) fn apk(&mut self) -> anyhow::Result<Archive> {
        if let Some(a) = &self.apk {
            return Ok(a.clone());
        }
        let archive = make_apk(&self.path("app-unaligned.apk"), self.size, false)?;
        self.apk = Some(archive.clone());
        Ok(archive)
    }

    /// The same APK with its stored entries aligned (4 bytes, 4096 for
    /// `.so`), as a build hands it to the signers.
    pub(crate) fn aligned_apk(&mut self) -> anyhow::Result<Archive> {
        if let Some(a) = &self.aligned_apk {
            return Ok(a.clone());
        }
        let archive = make_apk(&self.path("app.apk"), self.size, true)?;
        self.aligned_apk = Some(archive.clone());
        Ok(archive)
    }

    /// The rust-apk 1.0 peer signer, built once (`xtask/peers/rust-apk-sign`,
    /// its own workspace and lock file); an error message when it cannot be built.
    pub(crate) fn rust_apk_peer(&mut self) -> Result<PathBuf, String> {
        if let Some(p) = &self.peer {
            return p.clone();
        }
        let root = tools::project_root();
        let target = self
            .tools
            .ours
            .parent()
            .map_or_else(|| root.join("target"), Path::to_path_buf)
            .join("peers");
        eprintln!("bench: building the rust-apk peer (xtask/peers/rust-apk-sign)");
        let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        c.current_dir(&root).args(["build", "--release", "--quiet", "--manifest-path"]);
        c.arg(root.join("xtask/peers/rust-apk-sign/Cargo.toml")).arg("--target-dir").arg(&target);
        let result =
            check(c).map(|()| target.join("release/rust-apk-sign")).map_err(|e| format!("{e:#}"));
        self.peer = Some(result.clone());
        result
    }
}

impl Inputs<'_> {
    /// The aligned APK, if a row made it.
    pub(crate) fn aligned_apk_made(&self) -> Option<&Archive> {
        self.aligned_apk.as_ref()
    }

    /// One line per input that was made, for the report.
    pub(crate) fn described(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.pkcs12.is_some() {
            out.push(format!(
                "`ks.p12`: PKCS12 made by JDK 17 `keytool -genkeypair`: RSA-2048 `{ALIAS}` and EC P-256 `bench-ec`, password `{STOREPASS}`"
            ));
        }
        if self.jks.is_some() {
            out.push(
                "`ks.jks`: the same entries converted to JKS by JDK 17 `keytool -importkeystore`"
                    .into(),
            );
        }
        if self.keys.is_some() {
            out.push(
                "`key.pk8` + `cert.x509.pem`: RSA-2048 made by `openssl req -x509 -newkey rsa:2048` and \
                 `openssl pkcs8 -topk8 -nocrypt -outform DER`"
                    .into(),
            );
        }
        if let Some(a) = &self.jar {
            out.push(format!("`app.jar`: {}", describe(&a.stats)));
        }
        if self.signed_jar.is_some() {
            out.push("`app-signed-by-jdk.jar`: `app.jar` signed by JDK 17 jarsigner (the `-verify` input)".into());
        }
        if let Some(a) = &self.aligned_apk {
            out.push(format!(
                "`app.apk`: apksig's `golden-aligned-in.apk` entries plus a seeded payload, stored entries aligned \
                 (4 bytes, 4096 for `.so`): {}",
                describe(&a.stats)
            ));
        }
        if let Some(a) = &self.apk {
            out.push(format!(
                "`app-unaligned.apk` (zipalign's input): apksig's `golden-aligned-in.apk` entries plus a seeded payload, \
                 not aligned: {}",
                describe(&a.stats)
            ));
        }
        out
    }
}

/// An archive's make-up in one line.
pub(crate) fn describe(s: &ZipStats) -> String {
    let mb = |n: u64| super::floor::lossy(n) / 1e6;
    format!(
        "{} entries, {:.1} MB on disk; uncompressed: {:.1} MB class-like deflated, {:.1} MB random deflated, {:.1} MB stored",
        s.entries,
        mb(s.file_bytes),
        mb(s.deflated_classes),
        mb(s.deflated_random),
        mb(s.stored)
    )
}

/// Runs `cmd` to completion and fails with its last lines when it fails.
pub(crate) fn check(cmd: Command) -> anyhow::Result<()> {
    let shown = measure::display_command(&cmd, None);
    let out = tools::run(cmd, None)?;
    if !out.status.success() {
        bail!("`{shown}` failed ({}): {}", out.status, measure::tail(&out.stderr, &out.stdout));
    }
    Ok(())
}

/// Writes an APK: the golden APK's entries (copied raw), then the payload groups.
pub(crate) fn make_apk(path: &Path, size: Size, align: bool) -> anyhow::Result<Archive> {
    eprintln!("bench: generating {}", path.display());
    let root = tools::project_root();
    let golden_path =
        root.ancestors().skip(1).map(|a| a.join(GOLDEN_APK)).find(|p| p.is_file()).with_context(
            || format!("{GOLDEN_APK} not found beside {} or above", root.display()),
        )?;
    let golden = std::fs::read(&golden_path)
        .with_context(|| format!("reading {}", golden_path.display()))?;
    let mut zip = ZipWriter::create(path, align)?;
    for entry in read_entries(&golden).context("reading the golden APK")? {
        zip.add_raw(&entry)?;
    }
    Payload::new(SEED).write_groups(&mut zip, &apk_groups(size))?;
    Ok(Archive { path: path.to_path_buf(), stats: zip.finish()? })
}

/// The jar's entries: with the manifest, 4000 in all.
fn jar_groups(size: Size) -> Vec<Group> {
    let quick = size == Size::Quick;
    let n = |full: usize, small: usize| if quick { small } else { full };
    vec![
        Group {
            name: |i| format!("com/example/app/p{:03}/C{i:05}.class", i / 50),
            count: n(3600, 120),
            size: (2_000, 30_000),
            kind: Kind::Classes,
            method: Method::Deflated,
        },
        Group {
            name: |i| format!("assets/data/r{i:04}.bin"),
            count: n(380, 12),
            size: (4_000, 120_000),
            kind: Kind::Random,
            method: Method::Deflated,
        },
        Group {
            name: |i| format!("assets/big/s{i:02}.bin"),
            count: n(19, 2),
            size: if quick { (200_000, 200_000) } else { (2_000_000, 2_000_000) },
            kind: Kind::Random,
            method: Method::Stored,
        },
    ]
}

/// The APK's payload: dex files, layouts, stored images, compressed and
/// stored assets, stored native libraries.
fn apk_groups(size: Size) -> Vec<Group> {
    let (times, quick) = match size {
        Size::Quick => (1, true),
        Size::Full => (1, false),
        Size::Scaled(n) => (n, false),
    };
    let n = |full: usize, small: usize| if quick { small } else { full * times };
    let big = |full: usize, small: usize| if quick { (small, small) } else { (full, full) };
    vec![
        Group {
            name: |i| format!("classes{}.dex", i + 2),
            count: n(4, 1),
            size: big(6_000_000, 300_000),
            kind: Kind::Classes,
            method: Method::Deflated,
        },
        Group {
            name: |i| format!("res/layout/l{i:05}.xml"),
            count: n(2400, 40),
            size: (1_000, 11_000),
            kind: Kind::Classes,
            method: Method::Deflated,
        },
        Group {
            name: |i| format!("res/drawable/d{i:05}.png"),
            count: n(700, 20),
            size: (5_000, 55_000),
            kind: Kind::Random,
            method: Method::Stored,
        },
        Group {
            name: |i| format!("assets/a{i:05}.dat"),
            count: n(320, 10),
            size: (10_000, 70_000),
            kind: Kind::Random,
            method: Method::Deflated,
        },
        Group {
            name: |i| format!("assets/big{i:03}.bin"),
            count: n(5, 1),
            size: big(4_000_000, 300_000),
            kind: Kind::Random,
            method: Method::Stored,
        },
        Group {
            name: |i| format!("lib/arm64-v8a/libn{i:03}.so"),
            count: n(6, 2),
            size: big(4_000_000, 200_000),
            kind: Kind::Native,
            method: Method::Stored,
        },
    ]
}
