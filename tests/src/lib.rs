//! Helpers for signkit's end-to-end tests, in the style of ripgrep's
//! `tests/util.rs`: a scratch [`Dir`] per test, a [`TestCommand`] that runs a
//! binary with a fixed environment, and [`eqnice!`] for readable diffs.
//!
//! The binaries are signkit-cli's; [`bin`] builds them (once per test
//! process, a no-op when they are up to date) in the same target directory
//! and profile as the tests, because Cargo gives `CARGO_BIN_EXE_<name>` only
//! to a package's own tests. Nothing here needs a JDK: the
//! expected outputs were produced by JDK 17 once and committed
//! (`fixtures/keytool/gen-expected.sh`).

#![expect(clippy::print_stderr, reason = "test helpers explain failures on stderr")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// 2026-11-24T00:00:00Z, the day the fixtures were made, in epoch
/// milliseconds: keytool dates PKCS12 trusted certificates (and imported
/// entries) "now", so the tests pin the clock there.
pub const FIXTURE_DAY_MILLIS: i64 = 1_795_478_400_000;

/// The path of signkit-cli's binary `name` (`keytool`, `keyconv`, ...),
/// built first if needed.
///
/// # Panics
/// When the build fails.
#[must_use]
pub fn bin(name: &str) -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        // The test executable is <target>/<profile>/deps/<test>-<hash>.
        let exe = std::env::current_exe().unwrap_or_else(|e| panic!("current_exe: {e}"));
        let profile_dir = exe.parent().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default();
        let target_dir = profile_dir.parent().map(Path::to_path_buf).unwrap_or_default();
        let profile = profile_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let profile = if profile == "debug" { "dev".to_owned() } else { profile };
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .current_dir(repo_root())
            .args(["build", "--quiet", "-p", "signkit-cli", "--bins", "--profile", &profile])
            .arg("--target-dir")
            .arg(&target_dir)
            .status()
            .unwrap_or_else(|e| panic!("running cargo build: {e}"));
        assert!(status.success(), "cargo build -p signkit-cli failed");
        profile_dir
    });
    dir.join(name)
}

/// The repository root.
#[must_use]
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Other projects' test data: `shared/corpus` beside the repository (it is
/// `../shared/corpus` from the main checkout; from a worktree nested deeper,
/// the nearest ancestor that has it).
#[must_use]
pub fn corpus_root() -> Option<PathBuf> {
    repo_root().ancestors().skip(1).map(|a| a.join("shared/corpus")).find(|p| p.is_dir())
}

/// A file under `fixtures/keytool/`.
#[must_use]
pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("fixtures/keytool").join(name)
}

/// The content of a fixture as text.
///
/// # Panics
/// When the fixture is missing.
#[must_use]
pub fn fixture_text(name: &str) -> String {
    let p = fixture(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A scratch directory, removed when dropped unless the test failed.
#[derive(Debug)]
pub struct Dir {
    root: PathBuf,
}

impl Dir {
    /// A fresh directory for the test `name`.
    ///
    /// # Panics
    /// When it cannot be created.
    #[must_use]
    pub fn new(name: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let root =
            std::env::temp_dir().join(format!("signkit-e2e-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
        Self { root }
    }

    /// The directory.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Copies fixtures into the directory under the same names.
    ///
    /// # Panics
    /// When a fixture is missing.
    pub fn copy_fixtures(&self, names: &[&str]) {
        for n in names {
            std::fs::copy(fixture(n), self.root.join(n)).unwrap_or_else(|e| panic!("{n}: {e}"));
        }
    }

    /// Writes a file in the directory.
    ///
    /// # Panics
    /// On I/O errors.
    pub fn create(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.root.join(name), bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    }

    /// Reads a file of the directory.
    ///
    /// # Panics
    /// On I/O errors.
    #[must_use]
    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.root.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// A command running `binary` in this directory.
    #[must_use]
    pub fn command(&self, binary: &str) -> TestCommand {
        TestCommand::new(binary, &self.root)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

/// What a run printed and its exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Standard output.
    pub stdout: Vec<u8>,
    /// Standard error.
    pub stderr: Vec<u8>,
    /// Exit code.
    pub code: i32,
}

impl Outcome {
    /// Standard output as text.
    #[must_use]
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Standard error as text.
    #[must_use]
    pub fn err(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// A binary run with the environment the JDK outputs were taken in:
/// `TZ=UTC`, `LC_ALL=C.UTF-8` and the clock at [`FIXTURE_DAY_MILLIS`].
#[derive(Debug)]
pub struct TestCommand {
    cmd: Command,
    stdin: Vec<u8>,
}

impl TestCommand {
    /// `binary` run in `dir`.
    #[must_use]
    pub fn new(binary: &str, dir: &Path) -> Self {
        let mut cmd = Command::new(binary);
        cmd.current_dir(dir)
            .env("TZ", "UTC")
            .env("LC_ALL", "C.UTF-8")
            .env("SIGNKIT_NOW_MILLIS", FIXTURE_DAY_MILLIS.to_string());
        Self { cmd, stdin: Vec::new() }
    }

    /// Adds arguments.
    #[must_use]
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(mut self, args: I) -> Self {
        self.cmd.args(args);
        self
    }

    /// Sets standard input.
    #[must_use]
    pub fn stdin(mut self, input: &[u8]) -> Self {
        self.stdin = input.to_vec();
        self
    }

    /// Sets an environment variable.
    #[must_use]
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.cmd.env(key, value);
        self
    }

    /// Runs to completion.
    ///
    /// # Panics
    /// When the binary cannot be started.
    #[must_use]
    pub fn run(mut self) -> Outcome {
        use std::io::Write as _;
        self.cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = self.cmd.spawn().unwrap_or_else(|e| panic!("{:?}: {e}", self.cmd));
        if let Some(mut s) = child.stdin.take() {
            let _ = s.write_all(&self.stdin);
        }
        let o = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
        Outcome { stdout: o.stdout, stderr: o.stderr, code: o.status.code().unwrap_or(-1) }
    }
}

/// Prints both texts with the first differing line marked.
pub fn explain_difference(expected: &str, got: &str) {
    let (e, g): (Vec<&str>, Vec<&str>) =
        (expected.split('\n').collect(), got.split('\n').collect());
    let first = e.iter().zip(&g).position(|(a, b)| a != b).unwrap_or(e.len().min(g.len()));
    eprintln!("first difference at line {}:", first + 1);
    for i in first.saturating_sub(2)..(first + 3) {
        if let Some(l) = e.get(i) {
            eprintln!("  expected {:>4}: {l:?}", i + 1);
        }
        if let Some(l) = g.get(i) {
            eprintln!("  got      {:>4}: {l:?}", i + 1);
        }
    }
}

/// `assert_eq!` for long texts: shows where they first differ.
#[macro_export]
macro_rules! eqnice {
    ($expected:expr, $got:expr) => {{
        let expected: &str = &$expected;
        let got: &str = &$got;
        if expected != got {
            $crate::explain_difference(expected, got);
            panic!("output differs from the expectation");
        }
    }};
}
