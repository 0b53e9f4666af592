//! The tasks' command lines.

use anyhow::{Context as _, bail};

pub(crate) const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  compat [--seed N] [--cases N] [--only AREA[,AREA...]] [--keep]
      Run signkit against JDK 17 keytool/jarsigner, AOSP signapk, apksigner,
      zipalign and openssl, both directions. Random cases use the printed seed;
      --cases scales the number of random cases per area; --keep keeps the work dir.

  bench [--quick] [--runs N] [--only ROW[,ROW...]] [--out FILE] [--keep]
  bench --scaling [--quick] [--runs N] [--out FILE] [--keep]
      The same work through the reference tools and ours, alternating, on
      generated inputs (seeded): median wall time, ratio, peak RSS, targets.
      --quick: small inputs and one run each (checks that the harness works).
      --runs: timed runs per side (default 7). --only: rows by name or by our
      tool's name (keytool, jarsigner, signapk, zipalign, keyconv); rows:
        keytool-list genkeypair-rsa genkeypair-ec importkeystore
        jarsigner-sign jarsigner-verify signapk-aosp signapk-apksigner
        signapk-rust-apk zipalign keyconv
      --out: the markdown report (default docs/PERFORMANCE.md for a full run;
      --quick and --only write one only when --out is given).
      --scaling: our signapk on a generated 1 GB APK next to the 90 MB one.
";

/// Options of `cargo xtask compat`.
#[derive(Debug, Default)]
pub(crate) struct Compat {
    pub(crate) seed: Option<u64>,
    pub(crate) cases: Option<usize>,
    pub(crate) only: Vec<String>,
    pub(crate) keep: bool,
}

impl Compat {
    pub(crate) fn parse(args: &[String]) -> anyhow::Result<Self> {
        let mut out = Self::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| it.next().with_context(|| format!("{name} needs a value")).cloned();
            match arg.as_str() {
                "--seed" => out.seed = Some(value("--seed")?.parse().context("--seed")?),
                "--cases" => out.cases = Some(value("--cases")?.parse().context("--cases")?),
                "--only" => out.only = value("--only")?.split(',').map(str::to_owned).collect(),
                "--keep" => out.keep = true,
                other => bail!("unknown option {other:?}\n{USAGE}"),
            }
        }
        Ok(out)
    }
}

/// Options of `cargo xtask bench`.
#[derive(Debug, Default)]
pub(crate) struct Bench {
    pub(crate) quick: bool,
    pub(crate) runs: Option<usize>,
    pub(crate) only: Vec<String>,
    pub(crate) out: Option<std::path::PathBuf>,
    pub(crate) scaling: bool,
    pub(crate) keep: bool,
}

impl Bench {
    pub(crate) fn parse(args: &[String]) -> anyhow::Result<Self> {
        let mut out = Self::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| it.next().with_context(|| format!("{name} needs a value")).cloned();
            match arg.as_str() {
                "--quick" => out.quick = true,
                "--runs" => {
                    let runs: usize = value("--runs")?.parse().context("--runs")?;
                    if runs == 0 {
                        bail!("--runs must be at least 1");
                    }
                    out.runs = Some(runs);
                }
                "--only" => out.only = value("--only")?.split(',').map(str::to_owned).collect(),
                "--out" => out.out = Some(value("--out")?.into()),
                "--scaling" => out.scaling = true,
                "--keep" => out.keep = true,
                other => bail!("unknown option {other:?}\n{USAGE}"),
            }
        }
        if out.scaling && !out.only.is_empty() {
            bail!("--scaling runs only the scaling measurement; it takes no --only");
        }
        Ok(out)
    }

    /// The command line that repeats this run, for the report.
    pub(crate) fn command_line(&self) -> String {
        let mut cmd = String::from("cargo xtask bench");
        if self.scaling {
            cmd.push_str(" --scaling");
        }
        if self.quick {
            cmd.push_str(" --quick");
        }
        if let Some(runs) = self.runs {
            cmd.push_str(&format!(" --runs {runs}"));
        }
        if !self.only.is_empty() {
            cmd.push_str(&format!(" --only {}", self.only.join(",")));
        }
        cmd
    }
}
