//! What the bench prints and writes: the table on stdout, and sections of
//! `docs/PERFORMANCE.md` (each run replaces only its own section, between
//! `<!-- bench:NAME:begin -->` and `<!-- bench:NAME:end -->` markers).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::Context as _;

use super::floor::{Floor, FloorTime, lossy};
use super::inputs::Inputs;
use super::measure::{Side, Stats, Timer};
use super::rows::{RowDef, Target};
use super::zipgen::ZipStats;
use crate::flags;
use crate::tools::{self, Tools};

/// What happened to one side of a row.
#[derive(Clone, Debug)]
pub(crate) enum Outcome {
    Measured(Stats),
    /// Not run: the binary is not built, or the peer is missing.
    Missing(String),
    /// It ran and failed.
    Failed(String),
}

impl Outcome {
    fn stats(&self) -> Option<&Stats> {
        match self {
            Self::Measured(s) => Some(s),
            _ => None,
        }
    }

    fn median(&self) -> String {
        match self {
            Self::Measured(s) => time(s.median),
            Self::Missing(_) => "not available".into(),
            Self::Failed(_) => "failed".into(),
        }
    }

    fn rss(&self) -> String {
        match self {
            Self::Measured(s) => s.rss_kib.map_or_else(|| "n/a".into(), rss),
            _ => "—".into(),
        }
    }
}

/// The result of one row.
pub(crate) struct RowResult {
    pub(crate) def: &'static RowDef,
    pub(crate) reference: Outcome,
    pub(crate) ours: Outcome,
    /// The command lines of the reference and ours.
    pub(crate) commands: (Option<String>, Option<String>),
    pub(crate) notes: Vec<String>,
    pub(crate) check_failed: bool,
}

impl RowResult {
    pub(crate) fn new(def: &'static RowDef) -> Self {
        Self {
            def,
            reference: Outcome::Missing("not run".into()),
            ours: Outcome::Missing("not run".into()),
            commands: (None, None),
            notes: Vec::new(),
            check_failed: false,
        }
    }

    /// A side failed or a check of an output failed (a missed target is not a failure).
    pub(crate) fn failed(&self) -> bool {
        matches!(self.reference, Outcome::Failed(_))
            || matches!(self.ours, Outcome::Failed(_))
            || self.check_failed
    }

    pub(crate) fn ratio(&self) -> Option<f64> {
        let (r, o) = (self.reference.stats()?, self.ours.stats()?);
        Some(r.median.as_secs_f64() / o.median.as_secs_f64().max(1e-9))
    }

    /// "pass", "FAIL (...)", "—" (no target) or "n/a" (not measured).
    pub(crate) fn verdict(&self) -> String {
        if self.check_failed {
            return "FAIL (check)".into();
        }
        let Some(ratio) = self.ratio() else {
            return if matches!(self.def.target, Target::None) {
                "—".into()
            } else {
                "n/a".into()
            };
        };
        match self.def.target {
            Target::None => "—".into(),
            Target::Ratio(min) => pass_fail(ratio >= min, "ratio"),
            Target::RatioRss(min, mib) => {
                if ratio < min {
                    return "FAIL (ratio)".into();
                }
                match self.ours.stats().and_then(|s| s.rss_kib) {
                    Some(kib) => pass_fail(kib <= mib * 1024, "RSS"),
                    None => "n/a (RSS)".into(),
                }
            }
        }
    }
}

fn pass_fail(ok: bool, what: &str) -> String {
    if ok { "pass".into() } else { format!("FAIL ({what})") }
}

fn target_text(t: Target) -> String {
    match t {
        Target::None => "—".into(),
        Target::Ratio(r) => format!("≥ {r}x"),
        Target::RatioRss(r, mib) => format!("≥ {r}x, RSS ≤ {mib} MiB"),
    }
}

/// A duration as people read it: "1.23 s", "456 ms", "12.3 ms", "4.56 ms".
pub(crate) fn time(d: Duration) -> String {
    let s = d.as_secs_f64();
    let ms = s * 1000.0;
    if s >= 10.0 {
        format!("{s:.1} s")
    } else if s >= 1.0 {
        format!("{s:.2} s")
    } else if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

/// KiB as MiB.
pub(crate) fn rss(kib: u64) -> String {
    format!("{:.1} MiB", lossy(kib) / 1024.0)
}

fn ratio_text(r: Option<f64>) -> String {
    match r {
        Some(r) if r >= 100.0 => format!("{r:.0}x"),
        Some(r) => format!("{r:.1}x"),
        None => "—".into(),
    }
}

/// A rate in bytes per second as GB/s or MB/s.
fn rate(bps: f64) -> String {
    if bps >= 1e9 { format!("{:.2} GB/s", bps / 1e9) } else { format!("{:.0} MB/s", bps / 1e6) }
}

/// The line printed when a row is done.
pub(crate) fn progress_line(r: &RowResult) -> String {
    let mut line = format!(
        "{:<18} {:<24} reference {:>13}  ours {:>13}  {:>7}  {}",
        r.def.key,
        r.def.reference,
        r.reference.median(),
        r.ours.median(),
        ratio_text(r.ratio()),
        r.verdict()
    );
    for o in [&r.reference, &r.ours] {
        if let Outcome::Failed(e) | Outcome::Missing(e) = o {
            let _ = write!(line, "\n    {e}");
        }
    }
    for n in r.notes.iter().filter(|n| n.contains("FAILED")) {
        let _ = write!(line, "\n    {n}");
    }
    line
}

const HEADERS: [&str; 9] = [
    "row",
    "reference",
    "reference median",
    "ours median",
    "ratio",
    "reference peak RSS",
    "ours peak RSS",
    "target",
    "result",
];

fn cells(r: &RowResult) -> [String; 9] {
    [
        r.def.title.to_owned(),
        r.def.reference.to_owned(),
        r.reference.median(),
        r.ours.median(),
        ratio_text(r.ratio()),
        r.reference.rss(),
        r.ours.rss(),
        target_text(r.def.target),
        r.verdict(),
    ]
}

/// The results as an aligned plain-text table.
pub(crate) fn text_table(results: &[RowResult]) -> String {
    let rows: Vec<[String; 9]> = results
        .iter()
        .map(|r| {
            let mut c = cells(r);
            c[0] = c[0].replace('`', "");
            c
        })
        .collect();
    let width = |i: usize| {
        rows.iter().map(|r| r[i].chars().count()).chain([HEADERS[i].len()]).max().unwrap_or(0)
    };
    let widths: Vec<usize> = (0..HEADERS.len()).map(width).collect();
    let line = |cols: &[String]| {
        cols.iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                let pad = w.saturating_sub(c.chars().count());
                // Names left, numbers right.
                if !(2..7).contains(&i) {
                    format!("{c}{}", " ".repeat(pad))
                } else {
                    format!("{}{c}", " ".repeat(pad))
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    let mut out = line(&HEADERS.map(str::to_owned));
    out.push('\n');
    out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
    for r in &rows {
        out.push('\n');
        out.push_str(&line(r));
    }
    out.push('\n');
    out
}

fn markdown_table(results: &[RowResult]) -> String {
    let mut out = format!("| {} |\n|{}\n", HEADERS.join(" | "), "---|".repeat(HEADERS.len()));
    for r in results {
        let _ = writeln!(out, "| {} |", cells(r).join(" | "));
    }
    out
}

/// The machine and tool versions a run measured on.
pub(crate) struct Machine {
    cpu: String,
    cores: usize,
    ram: String,
    load: String,
    date: String,
    commit: String,
    versions: Vec<(&'static str, String)>,
    gnu_time: bool,
    /// The median wall time of `true` run the way every side is run.
    launch: Option<Duration>,
}

impl Machine {
    pub(crate) fn probe(tools: &Tools, timer: &Timer) -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| {
                l.strip_prefix("model name")
                    .and_then(|r| r.split_once(':'))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".into());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let ram = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or_else(
                || "unknown".into(),
                |kib| format!("{:.1} GiB", lossy(kib) / 1024.0 / 1024.0),
            );
        let load = std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|_| "unknown".into());
        let root = tools::project_root();
        let mut commit = first_line(
            Command::new("git").arg("-C").arg(&root).args(["rev-parse", "--short", "HEAD"]),
            false,
        );
        let dirty = Command::new("git")
            .arg("-C")
            .arg(&root)
            .args(["status", "--porcelain", "--untracked-files=no"])
            .output()
            .is_ok_and(|o| !o.stdout.is_empty());
        if dirty {
            commit.push_str(" (with uncommitted changes)");
        }
        let dpkg = |pkg: &str| {
            let v =
                first_line(Command::new("dpkg-query").args(["-W", "-f", "${Version}", pkg]), false);
            if v.is_empty() { String::new() } else { format!(" (Debian package {pkg} {v})") }
        };
        let mut java = tools.jdk("java");
        java.arg("-version");
        let versions = vec![
            ("JDK", first_line(&mut java, true)),
            (
                "apksigner",
                format!(
                    "{}{}",
                    first_line(Command::new("apksigner").arg("--version"), false),
                    dpkg("apksigner")
                ),
            ),
            ("AOSP signapk", format!("{}{}", tools::SIGNAPK_JAR, dpkg("signapk"))),
            (
                "zipalign",
                format!(
                    "{}{}",
                    tools::which("zipalign").map(|p| p.display().to_string()).unwrap_or_default(),
                    dpkg("zipalign")
                ),
            ),
            ("OpenSSL", first_line(Command::new("openssl").arg("version"), false)),
            ("rust-apk", "1.0.0 (xtask/peers/rust-apk-sign)".into()),
            ("rustc", first_line(Command::new("rustc").arg("-V"), false)),
        ];
        let launch = {
            let samples: Vec<_> =
                (0..5).filter_map(|_| timer.run(&Side::new(Command::new("true"))).ok()).collect();
            Stats::of(&samples).map(|s| s.median)
        };
        Self {
            cpu,
            cores: std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            ram,
            load,
            date: first_line(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]), false),
            commit,
            versions,
            gnu_time: timer.measures_rss(),
            launch,
        }
    }

    pub(crate) fn summary(&self) -> String {
        format!(
            "{}, {} cores, {} RAM, load {}; signkit {}",
            self.cpu, self.cores, self.ram, self.load, self.commit
        )
    }

    fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "- Date: {}", self.date);
        let _ = writeln!(out, "- CPU: {} (`nproc`: {}), RAM {}", self.cpu, self.cores, self.ram);
        let _ = writeln!(out, "- Load average when the run started: {}", self.load);
        let _ = writeln!(out, "- signkit commit: {}", self.commit);
        for (name, v) in &self.versions {
            let _ = writeln!(out, "- {name}: {v}");
        }
        if self.gnu_time {
            let launch = self.launch.map_or_else(|| "n/a".into(), time);
            let _ = writeln!(
                out,
                "- Each side runs under GNU time (`/usr/bin/time -f '%e %M'`) for its peak RSS; wall time is our own clock \
                 around that process, so it includes GNU time's start (`true` measured this way: {launch})"
            );
        } else {
            let _ = writeln!(out, "- GNU time was not found: peak RSS is n/a");
        }
        out
    }
}

/// The first line a command printed on stdout (or stderr), or "".
fn first_line(cmd: &mut Command, stderr: bool) -> String {
    cmd.output()
        .ok()
        .and_then(|o| {
            let text =
                String::from_utf8_lossy(if stderr { &o.stderr } else { &o.stdout }).into_owned();
            text.lines().next().map(|l| l.trim().to_owned())
        })
        .unwrap_or_default()
}

/// Our signapk's signing time against the floor, for one APK.
pub(crate) struct Throughput {
    pub(crate) apk: ZipStats,
    pub(crate) ours: Stats,
    pub(crate) floor: FloorTime,
}

impl Throughput {
    pub(crate) fn new(apk: ZipStats, output_bytes: u64, ours: Stats, floor: &Floor) -> Self {
        Self { apk, ours, floor: floor.signapk_seconds(&apk, output_bytes) }
    }

    /// Seconds per GB (10^9 bytes) of input APK.
    pub(crate) fn per_gb(&self, seconds: f64) -> f64 {
        seconds / (lossy(self.apk.file_bytes) / 1e9)
    }

    /// ours / the full floor.
    pub(crate) fn times_floor(&self) -> f64 {
        self.ours.median.as_secs_f64() / self.floor.full.max(1e-9)
    }

    pub(crate) fn verdict(&self) -> String {
        pass_fail(self.times_floor() <= 2.0, "throughput")
    }

    pub(crate) fn text(&self) -> String {
        let secs = self.ours.median.as_secs_f64();
        format!(
            "signing throughput: our signapk {} on {:.1} MB = {:.2} s/GB; floor (all cores): hashing only {:.2} s/GB, \
             with inflate + deflate -9 {:.2} s/GB; ours = {:.1}x the floor (target ≤ 2x: {})\n",
            time(self.ours.median),
            lossy(self.apk.file_bytes) / 1e6,
            self.per_gb(secs),
            self.per_gb(self.floor.hash_only),
            self.per_gb(self.floor.full),
            self.times_floor(),
            self.verdict()
        )
    }
}

/// Our signapk's throughput from the first signapk row that measured it.
pub(crate) fn throughput(
    results: &[RowResult],
    inputs: &Inputs<'_>,
    floor: &Floor,
) -> Option<Throughput> {
    let apk = inputs.aligned_apk_made()?;
    let row = results.iter().find(|r| r.def.tool == "signapk" && r.ours.stats().is_some())?;
    let output = std::fs::metadata(inputs.path(&format!("{}-ours.apk", row.def.key)))
        .map_or(apk.stats.file_bytes, |m| m.len());
    Some(Throughput::new(apk.stats, output, *row.ours.stats()?, floor))
}

pub(crate) fn floor_text(f: &Floor) -> String {
    format!(
        "floor: SHA-256 {} on one core, {} on {} cores; zlib-rs inflate {} (class-like) / {} (random); \
         zlib deflate -9 {} (class-like) / {} (random)",
        rate(f.sha256_one),
        rate(f.sha256_all),
        f.cores,
        rate(f.inflate_classes),
        rate(f.inflate_random),
        rate(f.deflate9_classes),
        rate(f.deflate9_random)
    )
}

pub(crate) fn floor_markdown(f: &Floor) -> String {
    let mut out = String::from("| work | rate |\n|---|---|\n");
    let _ = writeln!(out, "| SHA-256, one core | {} |", rate(f.sha256_one));
    let _ = writeln!(out, "| SHA-256, {} cores together | {} |", f.cores, rate(f.sha256_all));
    let _ = writeln!(
        out,
        "| zlib-rs inflate, class-like data (output bytes) | {} |",
        rate(f.inflate_classes)
    );
    let _ = writeln!(
        out,
        "| zlib-rs inflate, random data (output bytes) | {} |",
        rate(f.inflate_random)
    );
    let _ = writeln!(
        out,
        "| zlib (madler, static) deflate level 9, class-like data (input bytes) | {} |",
        rate(f.deflate9_classes)
    );
    let _ = writeln!(
        out,
        "| zlib (madler, static) deflate level 9, random data (input bytes) | {} |",
        rate(f.deflate9_random)
    );
    out
}

/// The floor model in words, for the report.
pub(crate) const FLOOR_MODEL: &str = "The floor is the work signing cannot avoid, at the rates above, spread ideally over \
every core: SHA-256 over every entry's uncompressed bytes (v1) and over the output once (v2 and v3 share the \
CHUNKED_SHA256 content digest); \"with inflate + deflate -9\" adds inflating the compressed entries and \
recompressing them at level 9, which signapk's output needs to be byte-identical to AOSP signapk's \
(`JarOutputStream` at level 9). Rates are measured in this process with the engines our tools use: `sha2`, zlib-rs for inflate, \
madler zlib (`flate2` on `libz-sys`, static) for deflate; GB = 10^9 bytes of input APK.";

fn throughput_markdown(t: &Throughput, label: &str) -> String {
    let secs = t.ours.median.as_secs_f64();
    let mut out = String::from("| | time | s/GB | × floor |\n|---|---|---|---|\n");
    let _ = writeln!(
        out,
        "| our signapk, {label} | {} | {:.2} | {:.1}x |",
        time(t.ours.median),
        t.per_gb(secs),
        t.times_floor()
    );
    let _ = writeln!(
        out,
        "| floor: SHA-256 only, all cores | {} | {:.2} | |",
        time(Duration::from_secs_f64(t.floor.hash_only)),
        t.per_gb(t.floor.hash_only)
    );
    let _ = writeln!(
        out,
        "| floor: SHA-256 + inflate + deflate -9, all cores | {} | {:.2} | 1.0x |",
        time(Duration::from_secs_f64(t.floor.full)),
        t.per_gb(t.floor.full)
    );
    let _ = writeln!(out, "\nTarget: within 2x of the floor: **{}**.", t.verdict());
    out
}

/// The section a full run writes.
#[expect(clippy::too_many_arguments, reason = "one call site; a struct would only rename these")]
pub(crate) fn main_section(
    opts: &flags::Bench,
    machine: &Machine,
    floor: &Floor,
    inputs: &Inputs<'_>,
    results: &[RowResult],
    throughput: Option<&Throughput>,
    runs: usize,
    warmup: bool,
) -> String {
    let mut out = String::from("## The reference tools and ours, side by side\n\n");
    let _ = writeln!(
        out,
        "Repeat with `{}` (it builds our tools in release and generates the inputs first).",
        opts.command_line()
    );
    let _ = writeln!(
        out,
        "Each row runs the reference command and ours on the same inputs, {}{runs} timed {} each, alternating \
         (the order flips every round); times are medians of wall time, the ratio is reference / ours, \
         peak RSS is the largest of the runs. \"not available\" means our binary is not built yet: nothing is estimated.\n",
        if warmup { "after one warm-up run of each, " } else { "" },
        if runs == 1 { "run" } else { "runs" }
    );
    out.push_str(&markdown_table(results));
    out.push_str("\n### Commands and checks\n\n");
    for r in results {
        let _ = writeln!(
            out,
            "- `{}` ({}, against {})",
            r.def.key,
            r.def.title.replace('`', ""),
            r.def.reference
        );
        if let Some(note) = r.def.note {
            let _ = writeln!(out, "  - note: {note}");
        }
        for (side, command, outcome) in
            [("reference", &r.commands.0, &r.reference), ("ours", &r.commands.1, &r.ours)]
        {
            if let Some(c) = command {
                let spread = outcome.stats().map_or_else(String::new, |s| match s.runs {
                    1 => " (1 run)".to_owned(),
                    n => format!(" ({n} runs, {} to {})", time(s.min), time(s.max)),
                });
                let _ = writeln!(out, "  - {side}: `{c}`{spread}");
            }
        }
        for o in [&r.reference, &r.ours] {
            if let Outcome::Missing(e) | Outcome::Failed(e) = o {
                let _ = writeln!(out, "  - {e}");
            }
        }
        for n in &r.notes {
            let _ = writeln!(out, "  - {n}");
        }
    }
    out.push_str("\n### Inputs\n\nGenerated in a temporary directory from a fixed seed (keys and stores are new each run):\n\n");
    for line in inputs.described() {
        let _ = writeln!(out, "- {line}");
    }
    out.push_str("\n### Machine\n\n");
    out.push_str(&machine.markdown());
    out.push_str("\n### Floor of this machine\n\n");
    out.push_str(&floor_markdown(floor));
    if let Some(t) = throughput {
        out.push_str("\n### Signing throughput against the floor\n\n");
        out.push_str(&throughput_markdown(
            t,
            &format!("{:.1} MB APK", lossy(t.apk.file_bytes) / 1e6),
        ));
    } else {
        out.push_str("\nSigning throughput: our signapk was not measured in this run.\n");
    }
    let _ = writeln!(out, "\n{FLOOR_MODEL}");
    out
}

/// The section `--scaling` writes.
pub(crate) fn scaling_section(
    opts: &flags::Bench,
    machine: &Machine,
    floor: &Floor,
    small: &Throughput,
    large: &Throughput,
    checks: &[String],
) -> String {
    let mut out = String::from("## Scaling: our signapk on a 1 GB APK\n\n");
    let _ = writeln!(out, "Repeat with `{}`.", opts.command_line());
    let _ = writeln!(
        out,
        "Both APKs are generated from the same seeded entry mix (the large one has every group repeated), streamed \
         to disk; each signed {} after one warm-up run (median shown).\n",
        if small.ours.runs == 1 { "once".to_owned() } else { format!("{} times", small.ours.runs) }
    );
    out.push_str("| APK | entries | size | median | s/GB | peak RSS | floor s/GB (SHA-256 only / full) | × floor |\n");
    out.push_str("|---|---|---|---|---|---|---|---|\n");
    for (label, t) in [("small", small), ("large", large)] {
        let _ = writeln!(
            out,
            "| {label} | {} | {:.1} MB | {} | {:.2} | {} | {:.2} / {:.2} | {:.1}x |",
            t.apk.entries,
            lossy(t.apk.file_bytes) / 1e6,
            time(t.ours.median),
            t.per_gb(t.ours.median.as_secs_f64()),
            t.ours.rss_kib.map_or_else(|| "n/a".into(), rss),
            t.per_gb(t.floor.hash_only),
            t.per_gb(t.floor.full),
            t.times_floor()
        );
    }
    out.push('\n');
    for line in scaling_verdicts(small, large) {
        let _ = writeln!(out, "- {line}");
    }
    for c in checks {
        let _ = writeln!(out, "- {c}");
    }
    out.push_str("\n### Machine\n\n");
    out.push_str(&machine.markdown());
    out.push('\n');
    out.push_str(&floor_markdown(floor));
    let _ = writeln!(out, "\n{FLOOR_MODEL}");
    out
}

/// The scaling targets, one line each.
pub(crate) fn scaling_verdicts(small: &Throughput, large: &Throughput) -> Vec<String> {
    let mut out = Vec::new();
    match small.ours.rss_kib {
        Some(kib) => out.push(format!(
            "peak RSS on the {:.0} MB APK {} (target ≤ 16 MiB): **{}**",
            lossy(small.apk.file_bytes) / 1e6,
            rss(kib),
            pass_fail(kib <= 16 * 1024, "RSS")
        )),
        None => out.push("peak RSS: n/a (no GNU time)".into()),
    }
    if let (Some(a), Some(b)) = (small.ours.rss_kib, large.ours.rss_kib) {
        out.push(format!(
            "peak RSS on the {:.0} MB APK {} vs {} (target within 10%): **{}**",
            lossy(large.apk.file_bytes) / 1e6,
            rss(b),
            rss(a),
            pass_fail(lossy(b) <= lossy(a) * 1.1, "RSS grows")
        ));
    }
    for t in [small, large] {
        out.push(format!(
            "{:.0} MB APK: {:.1}x the floor (target within 2x): **{}**",
            lossy(t.apk.file_bytes) / 1e6,
            t.times_floor(),
            t.verdict()
        ));
    }
    out
}

/// Replaces the `name` section of the report at `path` (or adds it, or creates the file).
pub(crate) fn write_section(path: &Path, name: &str, body: &str) -> anyhow::Result<()> {
    let (begin, end) =
        (format!("<!-- bench:{name}:begin -->"), format!("<!-- bench:{name}:end -->"));
    let block = format!("{begin}\n{}\n{end}", body.trim_end());
    let old = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let new = match old {
        Some(text) => match (text.find(&begin), text.find(&end)) {
            (Some(b), Some(e)) if b < e => {
                format!("{}{block}{}", &text[..b], &text[e + end.len()..])
            }
            _ => format!("{}\n\n{block}\n", text.trim_end()),
        },
        None => format!(
            "# Performance\n\nWritten by `cargo xtask bench` (see `xtask/src/bench.rs`). Each run rewrites only its own \
             section, between the `bench:*` markers; edit outside them.\n\n{block}\n"
        ),
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, new).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(time(Duration::from_millis(12_340)), "12.3 s");
        assert_eq!(time(Duration::from_millis(1_234)), "1.23 s");
        assert_eq!(time(Duration::from_millis(456)), "456 ms");
        assert_eq!(time(Duration::from_micros(12_345)), "12.3 ms");
        assert_eq!(time(Duration::from_micros(4_561)), "4.56 ms");
        assert_eq!(rss(16 * 1024), "16.0 MiB");
    }

    #[test]
    fn sections_are_replaced_in_place() {
        let dir = std::env::temp_dir().join(format!("signkit-report-test-{}", std::process::id()));
        let path = dir.join("P.md");
        let _ = std::fs::remove_dir_all(&dir);
        write_section(&path, "main", "one").unwrap();
        write_section(&path, "scaling", "big").unwrap();
        write_section(&path, "main", "two").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# Performance"));
        assert!(text.contains("<!-- bench:main:begin -->\ntwo\n<!-- bench:main:end -->"));
        assert!(!text.contains("one"));
        assert!(text.find("two").unwrap() < text.find("big").unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
