//! `cargo xtask bench --scaling`: our signapk on the 90 MB APK and on a
//! generated 1 GB one (the same entry mix, every group repeated, streamed to
//! disk). Time should grow with the size; peak memory should not.

use std::path::Path;
use std::process::{Command, ExitCode};

use super::floor::Floor;
use super::inputs::{Inputs, Size, make_apk};
use super::measure::{Side, Stats, Timer};
use super::report::{self, Machine, Throughput};
use crate::flags;
use crate::tools::Tools;

/// How many times the large APK repeats the 90 MB APK's entry groups (a little over 1 GB).
const LARGE_TIMES: usize = 12;

pub(crate) fn run(
    opts: &flags::Bench,
    tools: &Tools,
    timer: &Timer,
    machine: &Machine,
    dir: &Path,
) -> anyhow::Result<ExitCode> {
    let signapk = tools.ours.join("signapk");
    if !signapk.is_file() {
        println!(
            "bench: scaling: not available (target/release/signapk not built yet); nothing measured"
        );
        return Ok(ExitCode::SUCCESS);
    }
    let runs = opts.runs.unwrap_or(if opts.quick { 1 } else { 3 });
    let (small_size, large_size) = if opts.quick {
        (Size::Quick, Size::Full)
    } else {
        (Size::Full, Size::Scaled(LARGE_TIMES))
    };
    eprintln!("bench: measuring the floor of this machine (SHA-256, zlib-rs)");
    let floor = Floor::measure(opts.quick)?;
    let mut inputs = Inputs::new(tools, dir.to_path_buf(), small_size);
    let keys = inputs.keys()?;

    let mut results = Vec::new();
    let mut checks = Vec::new();
    for (label, size, file) in
        [("small", small_size, "scaling-small.apk"), ("large", large_size, "scaling-large.apk")]
    {
        let apk = make_apk(&inputs.path(file), size, true)?;
        let out = inputs.path(&format!("{file}.signed"));
        let mut c = tools.ours("signapk");
        c.arg(&keys.x509_pem).arg(&keys.pk8).arg(&apk.path).arg(&out);
        let side = Side::new(c).cleaning(&out);
        eprintln!(
            "bench: scaling: signing the {label} APK ({:.0} MB), {runs} run(s)",
            super::floor::lossy(apk.stats.file_bytes) / 1e6
        );
        // One untimed run first, so the input is in the page cache as in the main rows.
        timer.run(&side)?;
        let samples = (0..runs).map(|_| timer.run(&side)).collect::<anyhow::Result<Vec<_>>>()?;
        let stats = Stats::of(&samples).ok_or_else(|| anyhow::anyhow!("no runs"))?;
        let mut verify = Command::new("apksigner");
        verify.arg("verify").arg(&out);
        let verified = tools_check(verify);
        checks.push(format!("apksigner verify accepts our signed {label} APK: {verified}"));
        let output_bytes = std::fs::metadata(&out).map_or(apk.stats.file_bytes, |m| m.len());
        results.push(Throughput::new(apk.stats, output_bytes, stats, &floor));
        // The large files are not needed any more; free the disk at once.
        let _ = std::fs::remove_file(&out);
        let _ = std::fs::remove_file(&apk.path);
    }
    let [small, large] =
        <[Throughput; 2]>::try_from(results).map_err(|_| anyhow::anyhow!("two APKs expected"))?;
    for (label, t) in [("small", &small), ("large", &large)] {
        println!("bench: scaling {label}: {}", t.text().trim_end());
        println!(
            "bench: scaling {label}: peak RSS {}",
            t.ours.rss_kib.map_or_else(|| "n/a".into(), report::rss)
        );
    }
    for line in report::scaling_verdicts(&small, &large) {
        println!("bench: {}", line.replace("**", ""));
    }
    for c in &checks {
        println!("bench: {c}");
    }
    println!("{}", report::floor_text(&floor));
    if let Some(path) = super::out_file(opts) {
        report::write_section(
            &path,
            "scaling",
            &report::scaling_section(opts, machine, &floor, &small, &large, &checks),
        )?;
        println!("bench: wrote {}", path.display());
    }
    if checks.iter().any(|c| !c.ends_with(": ok")) {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// "ok", or what went wrong.
fn tools_check(cmd: Command) -> String {
    match super::inputs::check(cmd) {
        Ok(()) => "ok".into(),
        Err(e) => format!("FAILED: {e:#}"),
    }
}
