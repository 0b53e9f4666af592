//! The signkit command-line tools.
//!
//! Each binary in `src/bin/` is a two-line shim into a module here, so the
//! end-to-end tests and the tools share one implementation. This is the only
//! crate (with `xtask` and the tests) that touches files, the environment,
//! processes, stdin and stdout; JDK-compatible message text and exit codes are
//! produced here and nowhere else.

pub mod common;
pub mod jdk_io;
pub mod keyconv;
pub mod keytool;
pub mod signapk;
pub mod x509_text;
pub mod zipalign;
