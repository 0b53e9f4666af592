//! The process's sources of randomness and time, passed down as parameters
//! to the libraries (which never read them on their own).

use std::time::{SystemTime, UNIX_EPOCH};

/// The process's cryptographic random-number generator (a ChaCha generator
/// seeded from the operating system), as the `CryptoRng` the libraries take.
pub fn rng() -> impl rand::CryptoRng {
    rand::rngs::ThreadRng::default()
}

/// Now, in Java epoch milliseconds (what keystores store as creation dates).
///
/// `SIGNKIT_NOW_MILLIS` overrides the clock, so end-to-end tests can compare
/// outputs byte for byte.
#[must_use]
pub fn now_millis() -> i64 {
    if let Some(ms) = std::env::var("SIGNKIT_NOW_MILLIS").ok().and_then(|v| v.parse().ok()) {
        return ms;
    }
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}
