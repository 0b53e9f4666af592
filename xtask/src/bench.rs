//! `cargo xtask bench`: the same work through the reference tools and ours,
//! side by side.
//!
//! Each row (see `bench/rows.rs`) runs a reference command and ours on the
//! same generated inputs, alternating between them (one warm-up run of each
//! first, so the inputs are in the page cache), and reports the median wall
//! time of each, the ratio reference/ours, the peak RSS of each and the
//! issue's target. A row whose binary is not built yet still measures the
//! reference and shows ours as "not available"; nothing is ever estimated.
//! Our outputs are checked with the reference tools after the runs.
//!
//! `--scaling` signs a generated 1 GB APK with our signapk, next to the 90 MB
//! one, to show that time grows with the size and memory does not.

mod floor;
mod inputs;
mod measure;
mod report;
mod rows;
mod scaling;
mod zipgen;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;

use self::floor::Floor;
use self::inputs::{Inputs, Size};
use self::measure::{Sample, Side, Stats, Timer};
use self::report::{Machine, Outcome, RowResult};
use self::rows::{ROWS, RowDef};
use crate::flags;
use crate::tools::{self, Tools};

/// Runs the bench.
pub(crate) fn run(opts: &flags::Bench) -> anyhow::Result<ExitCode> {
    for only in &opts.only {
        if !ROWS.iter().any(|r| r.key == only || r.tool == only) {
            let keys: Vec<&str> = ROWS.iter().map(|r| r.key).collect();
            bail!("--only {only:?}: no such row or tool (rows: {})", keys.join(" "));
        }
    }
    let tools = Tools::prepare()?;
    tools::ensure_android_tools()?;
    tools::which("openssl")?;
    let dir = std::env::temp_dir().join(format!("signkit-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let timer = Timer::new(&dir);
    let machine = Machine::probe(&tools, &timer);
    println!("bench: {}", machine.summary());

    let result = if opts.scaling {
        scaling::run(opts, &tools, &timer, &machine, &dir)
    } else {
        run_rows(opts, &tools, &timer, &machine, &dir)
    };
    if opts.keep {
        println!("bench: work files kept in {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

/// The report file: `--out`, else docs/PERFORMANCE.md for a full run, else none.
fn out_file(opts: &flags::Bench) -> Option<PathBuf> {
    match &opts.out {
        Some(p) => Some(p.clone()),
        None if opts.quick || !opts.only.is_empty() => None,
        None => Some(tools::project_root().join("docs/PERFORMANCE.md")),
    }
}

fn run_rows(
    opts: &flags::Bench,
    tools: &Tools,
    timer: &Timer,
    machine: &Machine,
    dir: &Path,
) -> anyhow::Result<ExitCode> {
    let runs = opts.runs.unwrap_or(if opts.quick { 1 } else { 7 });
    if !opts.quick && runs < 5 {
        eprintln!("bench: note: {runs} runs per side; the issue asks for at least 5");
    }
    let warmup = !opts.quick;
    eprintln!("bench: measuring the floor of this machine (SHA-256, zlib-rs)");
    let floor = Floor::measure(opts.quick)?;
    let mut inputs =
        Inputs::new(tools, dir.to_path_buf(), if opts.quick { Size::Quick } else { Size::Full });
    let selected =
        |r: &&RowDef| opts.only.is_empty() || opts.only.iter().any(|o| o == r.key || o == r.tool);
    let mut results = Vec::new();
    for def in ROWS.iter().filter(selected) {
        let result = run_row(def, &mut inputs, timer, runs, warmup);
        println!("bench: {}", report::progress_line(&result));
        results.push(result);
    }

    let throughput = report::throughput(&results, &inputs, &floor);
    let table = report::text_table(&results);
    println!("\n{table}");
    if opts.quick {
        println!(
            "(--quick: small inputs and one run each, to check that the harness works; the ratios mean little)\n"
        );
    }
    if let Some(t) = &throughput {
        println!("{}", t.text());
    }
    println!("{}", report::floor_text(&floor));
    if let Some(path) = out_file(opts) {
        let section = report::main_section(
            opts,
            machine,
            &floor,
            &inputs,
            &results,
            throughput.as_ref(),
            runs,
            warmup,
        );
        report::write_section(&path, "main", &section)?;
        println!("bench: wrote {}", path.display());
    }
    let failed = results.iter().filter(|r| r.failed()).count();
    if failed > 0 {
        eprintln!("bench: {failed} row(s) failed (see above)");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Builds a row's sides and measures them.
fn run_row(
    def: &'static RowDef,
    inputs: &mut Inputs<'_>,
    timer: &Timer,
    runs: usize,
    warmup: bool,
) -> RowResult {
    let mut result = RowResult::new(def);
    eprintln!("bench: {} ...", def.key);
    let sides = match (def.build)(inputs) {
        Ok(s) => s,
        Err(e) => {
            result.reference = Outcome::Failed(format!("preparing the inputs: {e:#}"));
            result.ours = Outcome::Missing("inputs failed".into());
            return result;
        }
    };
    let our_binary = inputs.tools.ours.join(def.tool);
    let ours = if our_binary.is_file() {
        Some(&sides.ours)
    } else {
        result.ours =
            Outcome::Missing(format!("not available (target/release/{} not built yet)", def.tool));
        None
    };
    let reference = match &sides.reference {
        Ok(side) => Some(side),
        Err(why) => {
            result.reference = Outcome::Missing(format!("not available ({why})"));
            None
        }
    };
    result.commands =
        (reference.map(|s| s.display(&inputs.dir)), Some(sides.ours.display(&inputs.dir)));
    let (ref_outcome, our_outcome) = measure_pair(timer, reference, ours, runs, warmup);
    if let Some(o) = ref_outcome {
        result.reference = o;
    }
    if let Some(o) = our_outcome {
        result.ours = o;
    }
    // Checks of our outputs need our runs; checks of the reference's, the reference's.
    let ran = |o: &Outcome| matches!(o, Outcome::Measured(_));
    let (ours_ran, reference_ran) = (ran(&result.ours), ran(&result.reference));
    for check in sides.checks {
        if !(if check.of_ours { ours_ran } else { reference_ran }) {
            continue;
        }
        let (ok, detail) = run_check(check.cmd, check.expect);
        if ok {
            result.notes.push(format!("{}: ok", check.what));
        } else {
            result.notes.push(format!("{}: FAILED: {detail}", check.what));
            result.check_failed = true;
        }
    }
    if let (Some((a, b)), true, true) = (&sides.same, ours_ran, reference_ran) {
        let same = matches!((std::fs::read(a), std::fs::read(b)), (Ok(x), Ok(y)) if x == y);
        result.notes.push(if same {
            "our output is byte-identical to the reference's".to_owned()
        } else {
            "our output differs from the reference's".to_owned()
        });
    }
    result
}

/// Runs a check command; `(passed, what went wrong)`.
fn run_check(cmd: std::process::Command, expect: Option<&str>) -> (bool, String) {
    match tools::run(cmd, None) {
        Ok(out) if out.status.success() => match expect {
            Some(text) if !String::from_utf8_lossy(&out.stdout).contains(text) => (
                false,
                format!("output lacks {text:?}: {}", measure::tail(&out.stderr, &out.stdout)),
            ),
            _ => (true, String::new()),
        },
        Ok(out) => (false, format!("{}: {}", out.status, measure::tail(&out.stderr, &out.stdout))),
        Err(e) => (false, format!("{e:#}")),
    }
}

/// Warm-up, then `runs` alternating runs (the order flips each round, so a
/// drift of the machine hits both sides alike). A side that fails stops; the
/// other goes on. `None` for a side that was not run.
fn measure_pair(
    timer: &Timer,
    reference: Option<&Side>,
    ours: Option<&Side>,
    runs: usize,
    warmup: bool,
) -> (Option<Outcome>, Option<Outcome>) {
    let mut sides: [(Option<&Side>, Vec<Sample>, Option<String>); 2] =
        [(reference, Vec::new(), None), (ours, Vec::new(), None)];
    let rounds = runs + usize::from(warmup);
    for round in 0..rounds {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for i in order {
            let (side, samples, error) = &mut sides[i];
            let Some(side) = side else { continue };
            if error.is_some() {
                continue;
            }
            match timer.run(side) {
                Ok(sample) if !(warmup && round == 0) => samples.push(sample),
                Ok(_) => {}
                Err(e) => *error = Some(format!("{e:#}")),
            }
        }
    }
    let outcome = |(side, samples, error): &(Option<&Side>, Vec<Sample>, Option<String>)| {
        side.map(|_| match (error, Stats::of(samples)) {
            (Some(e), _) => Outcome::Failed(e.clone()),
            (None, Some(stats)) => Outcome::Measured(stats),
            (None, None) => Outcome::Failed("no runs".into()),
        })
    };
    (outcome(&sides[0]), outcome(&sides[1]))
}
