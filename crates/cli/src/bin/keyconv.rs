//! The `keyconv` binary: see `signkit_cli::keyconv`.
fn main() -> std::process::ExitCode {
    signkit_cli::keyconv::main()
}
