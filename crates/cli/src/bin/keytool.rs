//! `keytool`: JDK 17 keytool, without a JVM.

fn main() -> std::process::ExitCode {
    signkit_cli::keytool::main()
}
