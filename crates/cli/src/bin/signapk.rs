//! `signapk`: see [`signkit_cli::signapk`].

fn main() -> std::process::ExitCode {
    signkit_cli::signapk::main()
}
