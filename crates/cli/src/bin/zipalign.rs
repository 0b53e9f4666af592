//! `zipalign`: see [`signkit_cli::zipalign`].

fn main() -> std::process::ExitCode {
    signkit_cli::zipalign::main()
}
