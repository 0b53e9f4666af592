//! The floor of this machine: how fast the work that signing cannot avoid
//! runs here, measured with the engines our tools use: `sha2` (SHA-NI when
//! the CPU has it), zlib-rs for inflate, and madler zlib (through `flate2`,
//! linked statically from `libz-sys`) for the level-9 deflate that
//! Java-compatible output needs (see docs/DEPENDENCIES.md).
//!
//! From these rates and an APK's make-up, [`Floor::signapk_seconds`] gives
//! the least time signing it can take: v1 hashes every entry's uncompressed
//! bytes, v2/v3 hash the whole output once (both schemes use the same
//! CHUNKED_SHA256 digest), compressed entries are inflated, and signapk
//! recompresses them at level 9 because its output is byte-identical to AOSP
//! signapk's (which writes through `JarOutputStream` at level 9).

use std::time::{Duration, Instant};

use flate2::{Compress, Compression, FlushCompress};
use sha2::{Digest as _, Sha256};

use super::zipgen::{Kind, Payload, ZipStats};

/// Measured rates in bytes per second.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Floor {
    /// SHA-256 on one core.
    pub(crate) sha256_one: f64,
    /// SHA-256 on all cores together.
    pub(crate) sha256_all: f64,
    pub(crate) cores: usize,
    /// zlib-rs inflate, in output (uncompressed) bytes per second.
    pub(crate) inflate_classes: f64,
    pub(crate) inflate_random: f64,
    /// madler zlib deflate at level 9, in input bytes per second.
    pub(crate) deflate9_classes: f64,
    pub(crate) deflate9_random: f64,
}

/// How long the least work of a signing takes, in seconds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FloorTime {
    /// Only the hashing (v1 entry digests plus the v2/v3 content digest).
    pub(crate) hash_only: f64,
    /// Hashing, inflating and recompressing at level 9 (what signapk's output needs).
    pub(crate) full: f64,
}

impl Floor {
    /// Measures the rates; `quick` uses smaller buffers.
    pub(crate) fn measure(quick: bool) -> anyhow::Result<Self> {
        let mib = if quick { 8 } else { 64 };
        let mut payload = Payload::new(0xf100);
        let mut classes = Vec::new();
        payload.fill(Kind::Classes, mib << 20, &mut classes);
        let mut random = Vec::new();
        payload.fill(Kind::Random, (mib / 4) << 20, &mut random);
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);

        let sha256_one = best_rate(5, classes.len(), || {
            std::hint::black_box(Sha256::digest(&classes));
        });
        let sha256_all = best_rate(5, classes.len() * cores, || {
            std::thread::scope(|s| {
                for _ in 0..cores {
                    s.spawn(|| std::hint::black_box(Sha256::digest(&classes)));
                }
            });
        });

        // Level 9 is slow on compressible data: a quarter of the buffer is enough.
        let (deflate9_classes, _) = deflate_rate(&classes[..classes.len() / 4], 9)?;
        let (deflate9_random, _) = deflate_rate(&random, 9)?;
        // The inputs are compressed at zlib's default level, as the bench's archives are.
        let (_, classes6) = deflate_rate(&classes, 6)?;
        let (_, random6) = deflate_rate(&random, 6)?;
        let inflate_classes = inflate_rate(&classes6, classes.len())?;
        let inflate_random = inflate_rate(&random6, random.len())?;
        Ok(Self {
            sha256_one,
            sha256_all,
            cores,
            inflate_classes,
            inflate_random,
            deflate9_classes,
            deflate9_random,
        })
    }

    /// The least time, on all cores, to sign an APK made of `apk` into an
    /// output of `output_bytes`, as signapk does.
    pub(crate) fn signapk_seconds(&self, apk: &ZipStats, output_bytes: u64) -> FloorTime {
        let b = |n: u64| lossy(n);
        let hashing = (b(apk.uncompressed()) + b(output_bytes)) / self.sha256_one;
        let inflating = b(apk.deflated_classes) / self.inflate_classes
            + b(apk.deflated_random) / self.inflate_random;
        let deflating = b(apk.deflated_classes) / self.deflate9_classes
            + b(apk.deflated_random) / self.deflate9_random;
        // One core's seconds spread ideally over every core.
        let cores = lossy(u64::try_from(self.cores).unwrap_or(1));
        FloorTime { hash_only: hashing / cores, full: (hashing + inflating + deflating) / cores }
    }
}

/// `n` as a float; byte counts here are far below 2^53.
#[expect(clippy::cast_precision_loss, reason = "byte counts and rates are far below 2^53")]
pub(crate) fn lossy(n: u64) -> f64 {
    n as f64
}

/// The best rate of `tries` runs of `f`, each processing `bytes`.
fn best_rate(tries: usize, bytes: usize, mut f: impl FnMut()) -> f64 {
    let best = (0..tries)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or(Duration::MAX);
    lossy(u64::try_from(bytes).unwrap_or(u64::MAX)) / best.as_secs_f64().max(1e-9)
}

/// The rate of raw-deflating `data` at `level` (input bytes per second), and the output.
fn deflate_rate(data: &[u8], level: u32) -> anyhow::Result<(f64, Vec<u8>)> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 8 + 1024);
    let t = Instant::now();
    let mut c = Compress::new(Compression::new(level), false);
    let status = c.compress_vec(data, &mut out, FlushCompress::Finish)?;
    let elapsed = t.elapsed();
    anyhow::ensure!(status == flate2::Status::StreamEnd, "deflate did not finish in one call");
    Ok((lossy(u64::try_from(data.len())?) / elapsed.as_secs_f64().max(1e-9), out))
}

/// The best of three rates of inflating `compressed` with zlib-rs (output bytes per second).
fn inflate_rate(compressed: &[u8], len: usize) -> anyhow::Result<f64> {
    let mut out = vec![0; len];
    let mut error = None;
    let rate = best_rate(3, len, || {
        let mut inflater = zlib_rs::Inflate::new(false, 15);
        match inflater.decompress(compressed, &mut out, zlib_rs::InflateFlush::Finish) {
            Ok(zlib_rs::Status::StreamEnd)
                if inflater.total_out() == u64::try_from(len).unwrap_or(0) => {}
            other => error = Some(format!("{other:?} after {} bytes", inflater.total_out())),
        }
    });
    if let Some(e) = error {
        anyhow::bail!("inflate failed: {e}");
    }
    Ok(rate)
}
