//! Content digests of APK Signature Schemes v2 and v3 (apksig
//! `ApkSigningBlockUtils.computeOneMbChunkContentDigests`):
//!
//! ```text
//! sections = [ZIP entries (+ padding)] [Central Directory] [EOCD with the CD offset
//!            replaced by the APK Signing Block's offset]
//! chunks   = each section cut into 1 MiB pieces (the last one shorter; none for an empty section)
//! chunk    = H(0xa5 || u32le(len) || bytes)
//! digest   = H(0x5a || u32le(chunk count) || chunk digests in order)
//! ```
//!
//! [`ContentDigester`] takes the sections as a stream of writes, so the
//! digest is computed while the output is written, and hashes full chunks on
//! worker threads: the chunks are independent.

use std::io;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

use signkit_crypto::{DigestAlgorithm, Hasher};

use crate::error::{Error, Result};

/// Size of the chunks the content is digested in.
pub const CHUNK_SIZE: usize = 1 << 20;

/// A content digest algorithm of the APK Signing Block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContentDigest {
    /// SHA-256 over 1 MiB chunks.
    ChunkedSha256,
    /// SHA-512 over 1 MiB chunks.
    ChunkedSha512,
}

impl ContentDigest {
    /// The hash function.
    #[must_use]
    pub fn algorithm(self) -> DigestAlgorithm {
        match self {
            Self::ChunkedSha256 => DigestAlgorithm::Sha256,
            Self::ChunkedSha512 => DigestAlgorithm::Sha512,
        }
    }
}

type Job = (usize, Vec<u8>);
type Done = (usize, Vec<Vec<u8>>);

/// Digests of every chunk of a chunk, for each algorithm.
fn digest_chunk(algorithms: &[ContentDigest], data: &[u8]) -> Vec<Vec<u8>> {
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX).to_le_bytes();
    algorithms
        .iter()
        .map(|a| {
            let mut h = Hasher::new(a.algorithm());
            h.update(&[0xa5]);
            h.update(&len);
            h.update(data);
            h.finalize()
        })
        .collect()
}

/// Computes chunked content digests over sections written in order.
///
/// Call [`ContentDigester::start_section`] before each section's bytes;
/// write the bytes through [`io::Write`]; then [`ContentDigester::finish`].
pub struct ContentDigester {
    algorithms: Vec<ContentDigest>,
    buf: Vec<u8>,
    next_index: usize,
    results: Vec<Option<Vec<Vec<u8>>>>,
    jobs: Option<mpsc::SyncSender<Job>>,
    done: mpsc::Receiver<Done>,
    workers: Vec<thread::JoinHandle<()>>,
}

impl std::fmt::Debug for ContentDigester {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContentDigester")
            .field("algorithms", &self.algorithms)
            .field("chunks", &self.next_index)
            .finish()
    }
}

impl ContentDigester {
    /// A digester for `algorithms`, hashing on `workers` threads (0: in the
    /// caller's thread).
    #[must_use]
    pub fn new(algorithms: &[ContentDigest], workers: usize) -> Self {
        let mut algorithms = algorithms.to_vec();
        algorithms.sort();
        algorithms.dedup();
        let (done_tx, done) = mpsc::channel::<Done>();
        let mut handles = Vec::new();
        let jobs = if workers == 0 || algorithms.is_empty() {
            None
        } else {
            let (tx, rx) = mpsc::sync_channel::<Job>(workers);
            let rx = Arc::new(Mutex::new(rx));
            for _ in 0..workers {
                let rx = Arc::clone(&rx);
                let done_tx = done_tx.clone();
                let algs = algorithms.clone();
                let spawned = thread::Builder::new().name("apk-digest".into()).spawn(move || {
                    loop {
                        let job = match rx.lock() {
                            Ok(guard) => guard.recv(),
                            Err(_) => return,
                        };
                        let Ok((index, data)) = job else { return };
                        if done_tx.send((index, digest_chunk(&algs, &data))).is_err() {
                            return;
                        }
                    }
                });
                if let Ok(h) = spawned {
                    handles.push(h);
                }
            }
            // Without any worker the hashing stays in this thread.
            if handles.is_empty() { None } else { Some(tx) }
        };
        Self {
            algorithms,
            buf: Vec::with_capacity(CHUNK_SIZE),
            next_index: 0,
            results: Vec::new(),
            jobs,
            done,
            workers: handles,
        }
    }

    fn flush_chunk(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let index = self.next_index;
        self.next_index += 1;
        self.results.push(None);
        if self.jobs.is_none() {
            self.results[index] = Some(digest_chunk(&self.algorithms, &self.buf));
            self.buf.clear();
            return;
        }
        let data = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK_SIZE));
        if let Some(tx) = &self.jobs {
            match tx.send((index, data)) {
                Ok(()) => {}
                Err(mpsc::SendError((index, data))) => {
                    self.results[index] = Some(digest_chunk(&self.algorithms, &data));
                }
            }
            // Collect what is ready, so results do not pile up.
            while let Ok((i, d)) = self.done.try_recv() {
                if let Some(slot) = self.results.get_mut(i) {
                    *slot = Some(d);
                }
            }
        } else {
            self.results[index] = Some(digest_chunk(&self.algorithms, &data));
        }
    }

    /// Ends the current section (its last chunk may be short) and starts the next.
    pub fn start_section(&mut self) {
        self.flush_chunk();
    }

    /// Feeds section bytes.
    pub fn update(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let n = (CHUNK_SIZE - self.buf.len()).min(data.len());
            self.buf.extend_from_slice(&data[..n]);
            data = &data[n..];
            if self.buf.len() == CHUNK_SIZE {
                self.flush_chunk();
            }
        }
    }

    /// The digest of each algorithm, in the order of [`ContentDigest`].
    ///
    /// # Errors
    /// More than `i32::MAX` chunks (apksig's limit), or a worker that died.
    pub fn finish(mut self) -> Result<Vec<(ContentDigest, Vec<u8>)>> {
        self.flush_chunk();
        self.jobs = None;
        let missing = self.results.iter().filter(|r| r.is_none()).count();
        for _ in 0..missing {
            let (i, d) = self
                .done
                .recv()
                .map_err(|_| Error::Format("content digest worker failed".into()))?;
            if let Some(slot) = self.results.get_mut(i) {
                *slot = Some(d);
            }
        }
        for h in self.workers.drain(..) {
            let _ = h.join();
        }
        let count = u32::try_from(self.results.len())
            .ok()
            .filter(|&c| i32::try_from(c).is_ok())
            .ok_or_else(|| {
                Error::Format(format!("Input too long: {} chunks", self.results.len()))
            })?;
        let mut out = Vec::with_capacity(self.algorithms.len());
        for (k, alg) in self.algorithms.iter().enumerate() {
            let mut h = Hasher::new(alg.algorithm());
            h.update(&[0x5a]);
            h.update(&count.to_le_bytes());
            for r in &self.results {
                let d = r
                    .as_ref()
                    .and_then(|d| d.get(k))
                    .ok_or_else(|| Error::Format("missing chunk digest".into()))?;
                h.update(d);
            }
            out.push((*alg, h.finalize()));
        }
        Ok(out)
    }
}

impl Drop for ContentDigester {
    fn drop(&mut self) {
        self.jobs = None;
        for h in self.workers.drain(..) {
            let _ = h.join();
        }
    }
}

impl io::Write for ContentDigester {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Content digests of three in-memory sections, in one call.
///
/// # Errors
/// As [`ContentDigester::finish`].
pub fn content_digests(
    algorithms: &[ContentDigest],
    sections: &[&[u8]],
) -> Result<Vec<(ContentDigest, Vec<u8>)>> {
    let mut d = ContentDigester::new(algorithms, 0);
    for s in sections {
        d.start_section();
        d.update(s);
    }
    d.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(alg: DigestAlgorithm, sections: &[&[u8]]) -> Vec<u8> {
        let mut chunks = Vec::new();
        for s in sections {
            for c in s.chunks(CHUNK_SIZE) {
                let mut h = Hasher::new(alg);
                h.update(&[0xa5]);
                h.update(&u32::try_from(c.len()).unwrap().to_le_bytes());
                h.update(c);
                chunks.push(h.finalize());
            }
        }
        let mut h = Hasher::new(alg);
        h.update(&[0x5a]);
        h.update(&u32::try_from(chunks.len()).unwrap().to_le_bytes());
        for c in chunks {
            h.update(&c);
        }
        h.finalize()
    }

    #[test]
    fn chunking_matches_the_definition_with_and_without_workers() {
        let a: Vec<u8> =
            (0..(CHUNK_SIZE * 2 + 123)).map(|i| u8::try_from(i % 251).unwrap()).collect();
        let b = vec![7u8; CHUNK_SIZE];
        let c = b"eocd".to_vec();
        let sections: [&[u8]; 4] = [&a, &b, &[], &c];
        for workers in [0, 1, 3] {
            let mut d = ContentDigester::new(
                &[ContentDigest::ChunkedSha512, ContentDigest::ChunkedSha256],
                workers,
            );
            for s in sections {
                d.start_section();
                // Odd write sizes cross chunk boundaries.
                for piece in s.chunks(100_003) {
                    d.update(piece);
                }
            }
            let out = d.finish().unwrap();
            assert_eq!(
                out[0],
                (ContentDigest::ChunkedSha256, reference(DigestAlgorithm::Sha256, &sections))
            );
            assert_eq!(
                out[1],
                (ContentDigest::ChunkedSha512, reference(DigestAlgorithm::Sha512, &sections))
            );
        }
    }
}
