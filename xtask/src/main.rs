//! `cargo xtask`: tasks that need the outside world.
//!
//! - `compat`: the cross-tool matrix against the real JDK 17 and Android tools,
//!   in both directions, with random cases (the seed is printed) and fixed ones.
//! - `bench`: the same work through the reference tools and ours, alternating.
//!
//! This is the only crate that runs `keytool`, `jarsigner`, `apksigner`,
//! `zipalign`, AOSP signapk or openssl; `cargo test` never needs them.

#![expect(clippy::print_stdout, clippy::print_stderr, reason = "xtask reports on the terminal")]

mod bench;
mod compat;
mod flags;
mod tools;

use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((task, rest)) = args.split_first() else {
        print!("{}", flags::USAGE);
        return Ok(ExitCode::from(2));
    };
    match task.as_str() {
        "compat" => compat::run(&flags::Compat::parse(rest)?),
        "bench" => bench::run(&flags::Bench::parse(rest)?),
        "-h" | "--help" | "help" => {
            print!("{}", flags::USAGE);
            Ok(ExitCode::SUCCESS)
        }
        other => anyhow::bail!("unknown task {other:?}\n{}", flags::USAGE),
    }
}
