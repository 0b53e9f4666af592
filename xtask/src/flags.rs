//! The tasks' command lines.

use anyhow::{Context as _, bail};

pub(crate) const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  compat [--seed N] [--cases N] [--only AREA[,AREA...]] [--keep]
      Run signkit against JDK 17 keytool/jarsigner, AOSP signapk, apksigner,
      zipalign and openssl, both directions. Random cases use the printed seed;
      --cases scales the number of random cases per area; --keep keeps the work dir.
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
