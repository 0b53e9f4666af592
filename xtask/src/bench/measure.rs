//! Running one side of a row and timing it: wall time from our own clock
//! around the process, peak RSS from GNU time (`/usr/bin/time -f '%e %M'`).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

/// One side of a row: the commands that do the work (usually one; a recipe
/// of several runs them in order) and the files removed before each run.
pub(crate) struct Side {
    steps: Vec<Command>,
    clean: Vec<PathBuf>,
}

impl Side {
    pub(crate) fn new(cmd: Command) -> Self {
        Self { steps: vec![cmd], clean: Vec::new() }
    }

    /// Adds a step run after the others.
    pub(crate) fn then(mut self, cmd: Command) -> Self {
        self.steps.push(cmd);
        self
    }

    /// Removes `path` before every run, so each run does the same work.
    pub(crate) fn cleaning(mut self, path: &Path) -> Self {
        self.clean.push(path.to_path_buf());
        self
    }

    /// The command lines, shell-like, with file names relative to `dir`.
    pub(crate) fn display(&self, dir: &Path) -> String {
        self.steps.iter().map(|c| display_command(c, Some(dir))).collect::<Vec<_>>().join(" && ")
    }
}

/// A command line for the report: the program's file name and its arguments,
/// paths under the work directory `dir` (when given) shortened to their names there.
pub(crate) fn display_command(cmd: &Command, dir: Option<&Path>) -> String {
    let short = |s: &OsStr| -> String {
        let text = match dir.and_then(|d| Path::new(s).strip_prefix(d).ok()) {
            Some(rel) => rel.to_string_lossy().into_owned(),
            None => s.to_string_lossy().into_owned(),
        };
        if text.is_empty() || text.contains([' ', '"', '\'']) { format!("'{text}'") } else { text }
    };
    let program =
        Path::new(cmd.get_program()).file_name().map_or_else(|| short(cmd.get_program()), &short);
    std::iter::once(program).chain(cmd.get_args().map(short)).collect::<Vec<_>>().join(" ")
}

/// One timed run.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sample {
    pub(crate) wall: Duration,
    /// Peak resident set size in KiB (the largest step's, for a recipe).
    pub(crate) rss_kib: Option<u64>,
}

/// Median wall time and peak RSS over the runs of one side.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stats {
    pub(crate) median: Duration,
    pub(crate) min: Duration,
    pub(crate) max: Duration,
    /// The largest peak RSS of all runs, in KiB.
    pub(crate) rss_kib: Option<u64>,
    pub(crate) runs: usize,
}

impl Stats {
    pub(crate) fn of(samples: &[Sample]) -> Option<Self> {
        let mut walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
        walls.sort();
        let n = walls.len();
        let median = match n {
            0 => return None,
            _ if n % 2 == 1 => walls[n / 2],
            _ => (walls[n / 2 - 1] + walls[n / 2]) / 2,
        };
        Some(Self {
            median,
            min: walls[0],
            max: walls[n - 1],
            rss_kib: samples.iter().filter_map(|s| s.rss_kib).max(),
            runs: n,
        })
    }
}

/// Runs sides, through GNU time when it is there.
pub(crate) struct Timer {
    gnu_time: Option<PathBuf>,
    /// Where GNU time writes its `%e %M` line.
    report: PathBuf,
}

impl Timer {
    /// Finds GNU time (installing Debian's `time` package when we are root),
    /// or runs without it and reports RSS as n/a.
    pub(crate) fn new(scratch: &Path) -> Self {
        let report = scratch.join("gnu-time.out");
        let candidate = PathBuf::from("/usr/bin/time");
        let is_gnu = |p: &Path| {
            Command::new(p).arg("--version").output().is_ok_and(|o| {
                String::from_utf8_lossy(&o.stdout).contains("GNU")
                    || String::from_utf8_lossy(&o.stderr).contains("GNU")
            })
        };
        if is_gnu(&candidate) {
            return Self { gnu_time: Some(candidate), report };
        }
        let is_root =
            Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        if is_root {
            eprintln!("bench: GNU time missing, installing it (apt-get install -y time)...");
            let ok = Command::new("apt-get")
                .args(["install", "-y", "-q", "time"])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok && is_gnu(&candidate) {
                return Self { gnu_time: Some(candidate), report };
            }
        }
        eprintln!(
            "bench: GNU time (/usr/bin/time) not found: peak RSS is reported as n/a (apt-get install time)"
        );
        Self { gnu_time: None, report }
    }

    /// Whether peak RSS is measured.
    pub(crate) fn measures_rss(&self) -> bool {
        self.gnu_time.is_some()
    }

    /// Runs every step of `side` once; fails when a step exits with an error.
    pub(crate) fn run(&self, side: &Side) -> anyhow::Result<Sample> {
        for path in &side.clean {
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("removing {}", path.display())),
            }
        }
        let mut sample = Sample { wall: Duration::ZERO, rss_kib: None };
        for step in &side.steps {
            let (wall, rss) = self.run_step(step)?;
            sample.wall += wall;
            sample.rss_kib = sample.rss_kib.max(rss);
        }
        Ok(sample)
    }

    fn run_step(&self, step: &Command) -> anyhow::Result<(Duration, Option<u64>)> {
        let mut cmd = match &self.gnu_time {
            Some(time) => {
                let _ = std::fs::remove_file(&self.report);
                let mut c = Command::new(time);
                c.args(["-f", "%e %M", "-o"]).arg(&self.report).arg(step.get_program());
                c
            }
            None => Command::new(step.get_program()),
        };
        cmd.args(step.get_args());
        for (key, value) in step.get_envs() {
            match value {
                Some(v) => cmd.env(key, v),
                None => cmd.env_remove(key),
            };
        }
        if let Some(dir) = step.get_current_dir() {
            cmd.current_dir(dir);
        }
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let started = Instant::now();
        let out = cmd.output().with_context(|| format!("running {:?}", step.get_program()))?;
        let wall = started.elapsed();
        if !out.status.success() {
            bail!(
                "`{}` failed ({}): {}",
                display_command(step, None),
                out.status,
                tail(&out.stderr, &out.stdout)
            );
        }
        let rss = match &self.gnu_time {
            Some(_) => {
                let text =
                    std::fs::read_to_string(&self.report).context("reading GNU time's report")?;
                let line = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
                let kib = line.split_whitespace().nth(1).and_then(|v| v.parse::<u64>().ok());
                Some(kib.with_context(|| format!("unexpected GNU time report {text:?}"))?)
            }
            None => None,
        };
        Ok((wall, rss))
    }
}

/// The last lines a failing command printed (stderr, else stdout).
pub(crate) fn tail(stderr: &[u8], stdout: &[u8]) -> String {
    let text = if stderr.iter().any(|b| !b.is_ascii_whitespace()) { stderr } else { stdout };
    let text = String::from_utf8_lossy(text);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(4)..].join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(ms: u64, rss: Option<u64>) -> Sample {
        Sample { wall: Duration::from_millis(ms), rss_kib: rss }
    }

    #[test]
    fn median_and_peak() {
        let s = Stats::of(&[sample(30, Some(5)), sample(10, None), sample(20, Some(9))]).unwrap();
        assert_eq!(s.median, Duration::from_millis(20));
        assert_eq!((s.min, s.max), (Duration::from_millis(10), Duration::from_millis(30)));
        assert_eq!(s.rss_kib, Some(9));
        let s = Stats::of(&[sample(10, None), sample(40, None)]).unwrap();
        assert_eq!(s.median, Duration::from_millis(25));
        assert_eq!(s.rss_kib, None);
        assert!(Stats::of(&[]).is_none());
    }

    #[test]
    fn timer_measures_a_process_and_reports_failures() {
        let dir = std::env::temp_dir().join(format!("signkit-measure-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let timer = Timer::new(&dir);
        let mut sleep = Command::new("sleep");
        sleep.arg("0.05");
        let s = timer.run(&Side::new(sleep)).unwrap();
        assert!(s.wall >= Duration::from_millis(50));
        if timer.measures_rss() {
            assert!(s.rss_kib.unwrap() > 0);
        }
        let mut fail = Command::new("sh");
        fail.args(["-c", "echo boom >&2; exit 3"]);
        let err = timer.run(&Side::new(fail)).unwrap_err().to_string();
        assert!(err.contains("boom"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
