//! What every tool shares: password sources and prompts, atomic output files,
//! the sources of randomness and time.

pub mod fsutil;
pub mod password;
pub mod runtime;
