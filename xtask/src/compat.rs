//! `cargo xtask compat`: signkit against the reference tools, both directions.
//!
//! Each area (a module under `compat/`) runs fixed cases and random cases
//! drawn from one seeded generator; the seed is printed first so any failure
//! can be replayed with `--seed`. Every case either passes or records what
//! differed; the task fails when any case failed.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use rand::{RngExt as _, SeedableRng as _};

use crate::flags;
use crate::tools::{self, Tools};

mod keyconv;
mod keytool;
mod signapk;
mod zipalign;

/// One compat area: a name and the function that runs its cases.
type Area = (&'static str, fn(&mut Ctx) -> anyhow::Result<()>);

/// Every area, in the order they run.
const AREAS: &[Area] = &[
    ("zipalign", zipalign::run),
    ("keyconv", keyconv::run),
    ("keytool", keytool::run),
    ("signapk", signapk::run),
];

/// State shared by the cases of a run.
pub(crate) struct Ctx {
    pub(crate) tools: Tools,
    pub(crate) rng: rand::rngs::StdRng,
    /// How many random cases an area runs (its own default times this factor / 1).
    pub(crate) scale: Option<usize>,
    dir: PathBuf,
    area: &'static str,
    passed: usize,
    failures: Vec<String>,
    next_dir: usize,
}

impl Ctx {
    /// A fresh, empty directory for one case.
    pub(crate) fn case_dir(&mut self, name: &str) -> anyhow::Result<PathBuf> {
        self.next_dir += 1;
        let safe: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).take(40).collect();
        let dir = self.dir.join(format!("{}-{:04}-{safe}", self.area, self.next_dir));
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    }

    /// Number of random cases for an area whose default is `default`.
    pub(crate) fn random_cases(&self, default: usize) -> usize {
        self.scale.unwrap_or(default)
    }

    /// Records a passing case.
    pub(crate) fn pass(&mut self, _case: &str) {
        self.passed += 1;
    }

    /// Records a failing case with what went wrong.
    pub(crate) fn fail(&mut self, case: &str, detail: impl std::fmt::Display) {
        let msg = format!("[{}] {case}: {detail}", self.area);
        eprintln!("FAIL {msg}");
        self.failures.push(msg);
    }

    /// Passes when `ours == reference`, otherwise fails with a line diff.
    pub(crate) fn check_same(&mut self, case: &str, what: &str, ours: &[u8], reference: &[u8]) -> bool {
        if ours == reference {
            self.pass(case);
            true
        } else {
            self.fail(case, format!("{what} differs\n{}", diff(ours, reference)));
            false
        }
    }

    /// Passes when `ok`, otherwise fails with `detail`.
    pub(crate) fn check(&mut self, case: &str, ok: bool, detail: impl FnOnce() -> String) -> bool {
        if ok {
            self.pass(case);
        } else {
            self.fail(case, detail());
        }
        ok
    }

    /// A random string of `len` characters from `alphabet`.
    pub(crate) fn random_string(&mut self, alphabet: &[char], len: usize) -> String {
        (0..len).map(|_| alphabet[self.rng.random_range(0..alphabet.len())]).collect()
    }
}

/// A short line diff: the first differing lines with some context.
pub(crate) fn diff(ours: &[u8], reference: &[u8]) -> String {
    let a = String::from_utf8_lossy(ours);
    let b = String::from_utf8_lossy(reference);
    let (al, bl): (Vec<&str>, Vec<&str>) = (a.split('\n').collect(), b.split('\n').collect());
    let first = al.iter().zip(&bl).position(|(x, y)| x != y).unwrap_or(al.len().min(bl.len()));
    let mut out = String::new();
    let from = first.saturating_sub(2);
    for i in from..(first + 3) {
        if let Some(l) = bl.get(i) {
            let _ = writeln!(out, "  ref {:>4}: {l:?}", i + 1);
        }
        if let Some(l) = al.get(i) {
            let _ = writeln!(out, "  our {:>4}: {l:?}", i + 1);
        }
    }
    let _ = write!(out, "  ({} vs {} lines, {} vs {} bytes)", al.len(), bl.len(), ours.len(), reference.len());
    out
}

pub(crate) fn run(opts: &flags::Compat) -> anyhow::Result<ExitCode> {
    let seed = opts.seed.unwrap_or_else(|| rand::rng().random());
    println!("compat: seed {seed} (replay with `cargo xtask compat --seed {seed}`)");
    let tools = Tools::prepare()?;
    tools::ensure_android_tools()?;
    let dir = std::env::temp_dir().join(format!("signkit-compat-{seed}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let mut ctx = Ctx {
        tools,
        rng: rand::rngs::StdRng::seed_from_u64(seed),
        scale: opts.cases,
        dir: dir.clone(),
        area: "",
        passed: 0,
        failures: Vec::new(),
        next_dir: 0,
    };
    let mut summary = Vec::new();
    for (name, area) in AREAS {
        if !opts.only.is_empty() && !opts.only.iter().any(|o| o == name) {
            continue;
        }
        ctx.area = name;
        let (p0, f0) = (ctx.passed, ctx.failures.len());
        let started = Instant::now();
        if let Err(e) = area(&mut ctx) {
            ctx.fail("area aborted", format!("{e:#}"));
        }
        let line = format!(
            "{name:<22} {:>5} passed {:>4} failed  ({:.1} s)",
            ctx.passed - p0,
            ctx.failures.len() - f0,
            started.elapsed().as_secs_f64()
        );
        println!("compat: {line}");
        summary.push(line);
    }
    println!("compat: seed {seed}: {} checks passed, {} failed", ctx.passed, ctx.failures.len());
    if ctx.failures.is_empty() && !opts.keep {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        println!("compat: work files kept in {}", dir.display());
    }
    if ctx.passed == 0 && ctx.failures.is_empty() {
        anyhow::bail!("no compat area ran");
    }
    Ok(if ctx.failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
