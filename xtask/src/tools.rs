//! Finding (and if needed installing) the reference tools, and running ours.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use anyhow::{Context as _, bail};

/// The repository root (xtask lives one level below it).
pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Where the reference tools and our release binaries are.
#[derive(Debug)]
pub(crate) struct Tools {
    /// JDK 17 `bin/` (keytool, jarsigner, java).
    pub(crate) jdk_bin: PathBuf,
    /// `target/release/` with our binaries.
    pub(crate) ours: PathBuf,
}

impl Tools {
    /// Builds our binaries in release mode and locates JDK 17.
    pub(crate) fn prepare() -> anyhow::Result<Self> {
        let root = project_root();
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&root)
            .args(["build", "--release", "--quiet", "-p", "signkit-cli", "--bins"])
            .status()
            .context("running cargo build")?;
        if !status.success() {
            bail!("cargo build --release failed");
        }
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
        Ok(Self { jdk_bin: find_jdk17()?, ours: target.join("release") })
    }

    /// A JDK tool (`keytool`, `jarsigner`, `java`).
    pub(crate) fn jdk(&self, name: &str) -> Command {
        let mut c = Command::new(self.jdk_bin.join(name));
        // Stable, English, UTC output from the JDK whatever the host says.
        c.env("TZ", "UTC").env("LC_ALL", "C.UTF-8").env_remove("JAVA_TOOL_OPTIONS").env_remove("_JAVA_OPTIONS");
        c
    }

    /// One of our binaries, with the same environment as the JDK's.
    pub(crate) fn ours(&self, name: &str) -> Command {
        let mut c = Command::new(self.ours.join(name));
        c.env("TZ", "UTC").env("LC_ALL", "C.UTF-8");
        c
    }
}

/// JDK 17: `$JAVA_HOME` if it is 17, else Debian's path, else `keytool` on `PATH`.
fn find_jdk17() -> anyhow::Result<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(home) = std::env::var_os("JAVA_HOME") {
        candidates.push(PathBuf::from(home).join("bin"));
    }
    candidates.push(PathBuf::from("/usr/lib/jvm/java-17-openjdk-amd64/bin"));
    candidates.push(PathBuf::from("/usr/lib/jvm/java-17-openjdk-arm64/bin"));
    if let Ok(path) = which("keytool")
        && let Some(dir) = std::fs::canonicalize(path).ok().and_then(|p| p.parent().map(Path::to_path_buf)) {
            candidates.push(dir);
        }
    for dir in candidates {
        let java = dir.join("java");
        if !java.exists() {
            continue;
        }
        if let Ok(out) = Command::new(&java).arg("-version").output() {
            let text = String::from_utf8_lossy(&out.stderr);
            if text.contains("version \"17.") {
                return Ok(dir);
            }
        }
    }
    bail!("OpenJDK 17 not found: install it (apt-get install -y openjdk-17-jdk-headless) or set JAVA_HOME")
}

/// The path of `name` on `PATH`.
pub(crate) fn which(name: &str) -> anyhow::Result<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .with_context(|| format!("{name} not found on PATH"))
}

/// Makes sure the Android tools are installed: `apt-get install -y apksigner
/// signapk zipalign` when they are missing and we are root, otherwise an error
/// that says what to install.
pub(crate) fn ensure_android_tools() -> anyhow::Result<()> {
    let missing = ["apksigner", "zipalign"].iter().any(|t| which(t).is_err())
        || !Path::new(SIGNAPK_JAR).exists();
    if !missing {
        return Ok(());
    }
    let is_root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
    if !is_root {
        bail!("apksigner, zipalign or signapk missing: run `sudo apt-get install -y apksigner signapk zipalign`");
    }
    eprintln!("installing apksigner signapk zipalign (apt-get)...");
    let status = Command::new("apt-get")
        .args(["install", "-y", "-q", "apksigner", "signapk", "zipalign"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdout(Stdio::null())
        .status()?;
    if !status.success() {
        bail!("apt-get install -y apksigner signapk zipalign failed");
    }
    Ok(())
}

/// Debian's AOSP signapk.
pub(crate) const SIGNAPK_JAR: &str = "/usr/share/signapk/signapk.jar";

/// Runs a command to completion, with `stdin` fed from `input`.
pub(crate) fn run(mut cmd: Command, input: Option<&[u8]>) -> anyhow::Result<Output> {
    use std::io::Write as _;
    cmd.stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let desc = format!("{cmd:?}");
    let mut child = cmd.spawn().with_context(|| format!("spawning {desc}"))?;
    if let Some(data) = input
        && let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(data).with_context(|| format!("writing stdin of {desc}"))?;
        }
    child.wait_with_output().with_context(|| format!("waiting for {desc}"))
}
