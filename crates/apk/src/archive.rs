//! The output archive as `JarOutputStream` writes it for signapk, produced
//! by several `signkit_zip` Java-compatible writers at once.
//!
//! Recompressing DEFLATED entries at level 9 is the expensive part of
//! signapk. Each entry is an independent zlib stream, so workers recompress
//! the next entries while the main thread writes the current one; their
//! bytes (local header, data, data descriptor, all independent of where the
//! entry lands) flow through bounded pipes and are written in output order.
//! Each writer's Central Directory records are collected at the end, given
//! the offsets the entries were written at, and written in output order.
//!
//! The JAR magic extra field (`0xCAFE`) that `JarOutputStream` puts on the
//! first entry is added here to whichever entry is written first.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{self, Write};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

use signkit_crypto::Hasher;
use signkit_zip::java::{FixedOffset, JavaFlavor, JavaZipEntry, JavaZipWriter};
use signkit_zip::records::{CentralDirectoryRecord, EXTRA_JAR_MAGIC};
use signkit_zip::{DataSource, Entry, Eocd, eocd_for};

use crate::digest::ContentDigester;
use crate::error::{Error, Result};
use crate::hints::EntrySpan;

/// 2009-01-01 00:00:00 UTC in Java milliseconds: every entry's time.
///
/// signapk subtracts the local zone's offset so that the MS-DOS fields read
/// 2009-01-01 00:00:00 in any zone; converting in UTC gives the same fields.
pub const TIMESTAMP_MILLIS: i64 = 1_230_768_000_000;

/// Bytes per message of a worker's pipe.
const PIPE_CHUNK: usize = 64 << 10;
/// Compressed bytes the workers may hold for entries after the one being
/// written: the memory bought for parallelism.
const LOOKAHEAD_BUDGET: usize = 3 << 20;
/// The same when entries that do not fit can go to scratch files.
const LOOKAHEAD_BUDGET_WITH_SCRATCH: usize = 1 << 20;
/// Bytes of the entry being written that may wait for the writing thread.
const HEAD_BUDGET: usize = 256 << 10;
/// Emptied buffers kept for reuse.
const POOL_BUFFERS: usize = 8;

/// The file being written: everything but the held-back end records goes
/// through the content digester (v2/v3) or the whole-file hasher (`-w`).
pub(crate) struct Sink<W: Write> {
    out: io::BufWriter<W>,
    pub(crate) digester: Option<ContentDigester>,
    pub(crate) hasher: Option<Hasher>,
    capture: Option<Vec<u8>>,
    written: u64,
}

impl<W: Write> Sink<W> {
    pub(crate) fn new(out: W) -> Self {
        Self {
            out: io::BufWriter::with_capacity(256 << 10, out),
            digester: None,
            hasher: None,
            capture: None,
            written: 0,
        }
    }

    /// Archive bytes: to the file and the digesters.
    fn write_digested(&mut self, buf: &[u8]) -> io::Result<()> {
        if let Some(c) = &mut self.capture {
            c.extend_from_slice(buf);
            return Ok(());
        }
        self.out.write_all(buf)?;
        if let Some(d) = &mut self.digester {
            d.update(buf);
        }
        if let Some(h) = &mut self.hasher {
            h.update(buf);
        }
        self.written += buf.len() as u64;
        Ok(())
    }

    /// Bytes written past the digesters (padding, signing block, end records).
    pub(crate) fn raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Bytes written so far.
    pub(crate) fn written(&self) -> u64 {
        self.written
    }

    /// Flushes and returns the output.
    pub(crate) fn into_inner(self) -> Result<W> {
        self.out.into_inner().map_err(|e| Error::Io(e.into_error()))
    }
}

struct SinkHandle<'s, W: Write>(&'s RefCell<Sink<W>>);

impl<W: Write> Write for SinkHandle<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.try_borrow_mut().map_err(io::Error::other)?.write_digested(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Entry data flowing to a writer, hashed on the way for v1.
struct EntrySink<'w, W: Write> {
    writer: &'w mut JavaZipWriter<W>,
    hasher: Option<Hasher>,
}

impl<W: Write> Write for EntrySink<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(h) = &mut self.hasher {
            h.update(buf);
        }
        self.writer.write(buf).map_err(io::Error::other)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `JarOutputStream`'s first-entry extra: the JAR magic before any existing extra.
fn with_jar_magic(extra: Option<&[u8]>) -> Vec<u8> {
    let mut v = Vec::with_capacity(4 + extra.map_or(0, <[u8]>::len));
    v.extend_from_slice(&EXTRA_JAR_MAGIC.to_le_bytes());
    v.extend_from_slice(&[0, 0]);
    v.extend_from_slice(extra.unwrap_or_default());
    v
}

/// A new entry with signapk's fixed time.
pub(crate) fn new_entry(name: &str) -> Result<JavaZipEntry> {
    let mut e = JavaZipEntry::new(name.to_owned())?;
    e.set_time(TIMESTAMP_MILLIS, &FixedOffset::UTC);
    Ok(e)
}

/// An entry to recompress: its name and the input entry.
pub(crate) struct DeflateJob<'a> {
    pub(crate) name: &'a str,
    pub(crate) entry: &'a Entry,
}

enum Piece {
    Data(Vec<u8>),
    /// Bytes of the entry kept in a scratch file (to be read from the start).
    Spilled(std::fs::File),
    /// The entry is complete: its v1 digest and the length of its local header.
    Done(Option<Vec<u8>>, u64),
    Failed(Error),
}

/// Flow control between the workers and the writing thread: the entry
/// being written (its worker never waits) and the bytes held for later ones.
#[derive(Default)]
struct Flow {
    state: Mutex<FlowState>,
    changed: Condvar,
}

#[derive(Default)]
struct FlowState {
    head: usize,
    /// Bytes sent and not yet written, per entry.
    in_flight: Vec<usize>,
    /// Their sum.
    total: usize,
    /// How much of it may belong to entries after the head.
    lookahead: usize,
    /// Emptied buffers for the workers to reuse, so the allocator does
    /// not spread them over the threads' arenas.
    free: Vec<Vec<u8>>,
    aborted: bool,
}

impl FlowState {
    fn release(&mut self, index: usize, mut buf: Vec<u8>) {
        let len = buf.capacity();
        if let Some(v) = self.in_flight.get_mut(index) {
            *v = v.saturating_sub(len);
        }
        self.total = self.total.saturating_sub(len);
        if len == PIPE_CHUNK && self.free.len() < POOL_BUFFERS {
            buf.clear();
            self.free.push(buf);
        }
    }
}

impl Flow {
    /// Waits until `len` more bytes of entry `index` may be held; `false`
    /// when the writing thread gave up.
    fn reserve(&self, index: usize, len: usize) -> bool {
        self.reserve_or(index, len, true) == Reserve::Granted
    }

    /// Reserves `len` bytes for entry `index`; without `wait`, returns
    /// [`Reserve::Full`] instead of waiting for room.
    fn reserve_or(&self, index: usize, len: usize, wait: bool) -> Reserve {
        let Ok(mut st) = self.state.lock() else { return Reserve::Aborted };
        loop {
            if st.aborted {
                return Reserve::Aborted;
            }
            let mine = st.in_flight.get(index).copied().unwrap_or(0);
            let head = st.in_flight.get(st.head).copied().unwrap_or(0);
            let allowed = if index == st.head {
                mine == 0 || mine + len <= HEAD_BUDGET
            } else {
                st.total - head + len <= st.lookahead
            };
            if allowed {
                if let Some(v) = st.in_flight.get_mut(index) {
                    *v += len;
                }
                st.total += len;
                return Reserve::Granted;
            }
            if !wait {
                return Reserve::Full;
            }
            st = match self.changed.wait(st) {
                Ok(g) => g,
                Err(_) => return Reserve::Aborted,
            };
        }
    }

    /// An empty buffer of `PIPE_CHUNK` capacity, reused when one is free.
    fn buffer(&self) -> Vec<u8> {
        self.state
            .lock()
            .ok()
            .and_then(|mut st| st.free.pop())
            .unwrap_or_else(|| Vec::with_capacity(PIPE_CHUNK))
    }

    fn update(&self, f: impl FnOnce(&mut FlowState)) {
        if let Ok(mut st) = self.state.lock() {
            f(&mut st);
        }
        self.changed.notify_all();
    }
}

/// The outcome of [`Flow::reserve_or`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reserve {
    Granted,
    Full,
    Aborted,
}

/// Temporary files for compressed entries that are ready before their turn
/// and do not fit in the lookahead memory, so workers keep working instead
/// of waiting. Each file is written once, read back once from the start,
/// and dropped; the caller decides where it lives (and removes it).
pub trait Scratch: Sync {
    /// A new, empty file open for reading and writing.
    ///
    /// # Errors
    /// Whatever creating the file fails with; the worker then waits for
    /// memory instead.
    fn create(&self) -> io::Result<std::fs::File>;
}

/// A worker writer's output: the current entry's pipe, or a buffer for the
/// end records.
struct PipeState<'f> {
    flow: &'f Flow,
    scratch: Option<&'f dyn Scratch>,
    index: usize,
    tx: mpsc::Sender<(usize, Piece)>,
    buf: Vec<u8>,
    /// The current entry's bytes going to a scratch file.
    spill: Option<io::BufWriter<std::fs::File>>,
    capture: Option<Vec<u8>>,
    failed: bool,
}

impl PipeState<'_> {
    fn send(&mut self, piece: Piece) {
        if let Piece::Data(d) = &piece {
            let wait = self.scratch.is_none();
            match self.flow.reserve_or(self.index, d.capacity(), wait) {
                Reserve::Granted => {
                    // Room again (or this entry is being written): what was
                    // spilled goes first.
                    self.end_spill();
                }
                Reserve::Full => {
                    if self.spill_data(d) {
                        return;
                    }
                    if !self.flow.reserve(self.index, d.capacity()) {
                        self.failed = true;
                        return;
                    }
                    self.end_spill();
                }
                Reserve::Aborted => {
                    self.failed = true;
                    return;
                }
            }
        } else {
            self.end_spill();
        }
        if self.tx.send((self.index, piece)).is_err() {
            self.failed = true;
        }
    }

    /// Appends `d` to the entry's scratch file; `false` when there is none
    /// and none can be made.
    fn spill_data(&mut self, d: &[u8]) -> bool {
        if self.spill.is_none() {
            let Some(file) = self.scratch.and_then(|s| s.create().ok()) else { return false };
            self.spill = Some(io::BufWriter::with_capacity(PIPE_CHUNK, file));
        }
        let ok = self.spill.as_mut().is_some_and(|w| w.write_all(d).is_ok());
        if !ok {
            self.spill = None;
            self.failed = true;
        }
        true
    }

    /// Hands the scratch file, if any, to the writing thread.
    fn end_spill(&mut self) {
        let Some(w) = self.spill.take() else { return };
        match w.into_inner() {
            Ok(file) => {
                if self.tx.send((self.index, Piece::Spilled(file))).is_err() {
                    self.failed = true;
                }
            }
            Err(_) => self.failed = true,
        }
    }

    fn flush(&mut self) {
        if self.buf.len() >= PIPE_CHUNK {
            let fresh = self.flow.buffer();
            let data = std::mem::replace(&mut self.buf, fresh);
            self.send(Piece::Data(data));
        } else if !self.buf.is_empty() {
            // The tail of an entry travels in a buffer of its own size, so
            // many small entries do not pin a full buffer each.
            let data = self.buf.clone();
            self.buf.clear();
            self.send(Piece::Data(data));
        }
    }
}

struct PipeHandle<'f>(Rc<RefCell<PipeState<'f>>>);

impl Write for PipeHandle<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut p = self.0.try_borrow_mut().map_err(io::Error::other)?;
        if let Some(c) = &mut p.capture {
            c.extend_from_slice(buf);
            return Ok(buf.len());
        }
        let mut rest = buf;
        while !rest.is_empty() {
            if p.failed {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "output abandoned"));
            }
            let n = (PIPE_CHUNK - p.buf.len()).min(rest.len());
            p.buf.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
            if p.buf.len() >= PIPE_CHUNK {
                p.flush();
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Parses the Central Directory records a writer's `finish` produced
/// (`count` records, then the end record).
fn parse_records(bytes: &[u8], count: usize) -> Result<Vec<CentralDirectoryRecord>> {
    let mut out = Vec::with_capacity(count);
    let mut pos = 0;
    for _ in 0..count {
        let (rec, len) = CentralDirectoryRecord::parse(&bytes[pos..], pos as u64)?;
        out.push(rec);
        pos += len;
    }
    Ok(out)
}

/// One worker: recompresses jobs taken in order until none are left, then
/// returns its writer's Central Directory records.
#[expect(clippy::too_many_arguments, reason = "the shared state of the worker pool")]
fn worker(
    src: &(dyn DataSource + Sync),
    jobs: &[DeflateJob<'_>],
    tx: mpsc::Sender<(usize, Piece)>,
    next: &AtomicUsize,
    flow: &Flow,
    scratch: Option<&dyn Scratch>,
    level: i32,
    first_job_is_first_entry: bool,
    v1_digest: Option<signkit_crypto::DigestAlgorithm>,
) -> Result<Vec<CentralDirectoryRecord>> {
    let state = Rc::new(RefCell::new(PipeState {
        flow,
        scratch,
        index: 0,
        tx,
        buf: Vec::with_capacity(PIPE_CHUNK),
        spill: None,
        capture: None,
        failed: false,
    }));
    let mut writer = JavaZipWriter::new(PipeHandle(Rc::clone(&state)), JavaFlavor::Zip);
    writer.set_level(level)?;
    loop {
        let i = next.fetch_add(1, Ordering::SeqCst);
        let Some(job) = jobs.get(i) else { break };
        state.borrow_mut().index = i;
        let result = (|| -> Result<(Option<Vec<u8>>, u64)> {
            let mut e = new_entry(job.name)?;
            if i == 0 && first_job_is_first_entry {
                e.set_extra(Some(with_jar_magic(None)))?;
            }
            let before = writer.position();
            writer.put_next_entry(e)?;
            let header_len = writer.position() - before;
            let mut sink = EntrySink { writer: &mut writer, hasher: v1_digest.map(Hasher::new) };
            job.entry.read_to(src, &mut sink, true)?;
            let digest = sink.hasher.take().map(Hasher::finalize);
            writer.close_entry()?;
            Ok((digest, header_len))
        })();
        let mut st = state.borrow_mut();
        match result {
            Ok((digest, header_len)) => {
                st.flush();
                st.send(Piece::Done(digest, header_len));
            }
            Err(e) => {
                st.buf.clear();
                st.send(Piece::Failed(e));
                return Ok(Vec::new());
            }
        }
        if st.failed {
            return Ok(Vec::new());
        }
    }
    let count = writer.entries().count();
    state.borrow_mut().capture = Some(Vec::new());
    writer.finish()?;
    let end = state.borrow_mut().capture.take().unwrap_or_default();
    parse_records(&end, count)
}

/// The archive being written.
pub(crate) struct Archive<'s, W: Write> {
    sink: &'s RefCell<Sink<W>>,
    writer: JavaZipWriter<SinkHandle<'s, W>>,
    order: Vec<(String, u64)>,
    records: HashMap<String, CentralDirectoryRecord>,
    /// The entry the main writer has open: name, header and data offsets.
    open_span: Option<(String, u64, u64)>,
    spans: Vec<EntrySpan>,
    first: bool,
    level: i32,
}

impl<'s, W: Write> Archive<'s, W> {
    /// An archive written into `sink` at compression `level` (-1: zlib's default).
    pub(crate) fn new(sink: &'s RefCell<Sink<W>>, level: i32) -> Result<Self> {
        let mut writer = JavaZipWriter::new(SinkHandle(sink), JavaFlavor::Zip);
        writer.set_level(level)?;
        Ok(Self {
            sink,
            writer,
            order: Vec::new(),
            records: HashMap::new(),
            open_span: None,
            spans: Vec::new(),
            first: true,
            level,
        })
    }

    fn written(&self) -> Result<u64> {
        Ok(self.sink.try_borrow().map_err(|_| Error::Format("output busy".into()))?.written())
    }

    /// Closes the main writer's entry and records where it ended.
    fn close_entry(&mut self) -> Result<()> {
        self.writer.close_entry()?;
        if let Some((name, header, data)) = self.open_span.take() {
            let end = self.written()?;
            self.spans.push(EntrySpan { name, header, data, end });
        }
        Ok(())
    }

    /// Where the entries written so far lie in the output, in order.
    pub(crate) fn spans(&mut self) -> Result<&[EntrySpan]> {
        self.close_entry()?;
        Ok(&self.spans)
    }

    /// Bytes written so far, with the current entry closed.
    pub(crate) fn position(&mut self) -> Result<u64> {
        self.close_entry()?;
        self.written()
    }

    /// `putNextEntry` on the main writer (closing the previous entry first).
    pub(crate) fn put(&mut self, mut e: JavaZipEntry) -> Result<()> {
        self.close_entry()?;
        if self.first {
            // JDK compat: JarOutputStream puts the JAR magic on its first entry.
            let extra = with_jar_magic(e.extra());
            e.set_extra(Some(extra))?;
            self.first = false;
        }
        let name = e.name().to_owned();
        let header = self.written()?;
        self.order.push((name.clone(), header));
        self.writer.put_next_entry(e)?;
        self.open_span = Some((name, header, self.written()?));
        Ok(())
    }

    /// Writes data of the current entry.
    pub(crate) fn write(&mut self, data: &[u8]) -> Result<()> {
        Ok(self.writer.write(data)?)
    }

    /// Copies (inflating if needed) an input entry's content into the
    /// current entry; returns its v1 digest when asked.
    pub(crate) fn copy_content(
        &mut self,
        src: &dyn DataSource,
        entry: &Entry,
        hash: Option<signkit_crypto::DigestAlgorithm>,
    ) -> Result<(u64, Option<Vec<u8>>)> {
        let mut sink = EntrySink { writer: &mut self.writer, hasher: hash.map(Hasher::new) };
        let info = entry.read_to(src, &mut sink, true)?;
        Ok((info.size, sink.hasher.take().map(Hasher::finalize)))
    }

    /// Writes a new DEFLATED entry holding `data`.
    pub(crate) fn write_new(&mut self, name: &str, data: &[u8]) -> Result<()> {
        self.put(new_entry(name)?)?;
        self.write(data)
    }

    /// Recompresses `jobs` in order, on `workers` threads (0: on this one);
    /// returns each entry's v1 digest when `hash` is given.
    pub(crate) fn deflate_entries(
        &mut self,
        src: &(dyn DataSource + Sync),
        jobs: &[DeflateJob<'_>],
        hash: Option<signkit_crypto::DigestAlgorithm>,
        workers: usize,
        scratch: Option<&dyn Scratch>,
    ) -> Result<Vec<Option<Vec<u8>>>> {
        if workers == 0 || jobs.len() < 2 {
            let mut digests = Vec::with_capacity(jobs.len());
            for job in jobs {
                self.put(new_entry(job.name)?)?;
                digests.push(self.copy_content(src, job.entry, hash)?.1);
            }
            return Ok(digests);
        }
        self.close_entry()?;
        let first_job_is_first_entry = self.first;
        self.first = false;
        let (tx, rx) = mpsc::channel::<(usize, Piece)>();
        let next = AtomicUsize::new(0);
        let flow = Flow::default();
        flow.update(|st| {
            st.in_flight = vec![0; jobs.len()];
            st.lookahead =
                if scratch.is_some() { LOOKAHEAD_BUDGET_WITH_SCRATCH } else { LOOKAHEAD_BUDGET };
        });
        let level = self.level;
        std::thread::scope(|scope| -> Result<Vec<Option<Vec<u8>>>> {
            let handles: Vec<_> = (0..workers.min(jobs.len()))
                .map(|_| {
                    let tx = tx.clone();
                    let (flow, next) = (&flow, &next);
                    scope.spawn(move || {
                        worker(
                            src,
                            jobs,
                            tx,
                            next,
                            flow,
                            scratch,
                            level,
                            first_job_is_first_entry,
                            hash,
                        )
                    })
                })
                .collect();
            drop(tx);
            let mut digests = Vec::with_capacity(jobs.len());
            // Pieces of later entries wait here (within the lookahead budget).
            let mut pending: BTreeMap<usize, VecDeque<Piece>> = BTreeMap::new();
            let result = (|| -> Result<()> {
                for (i, job) in jobs.iter().enumerate() {
                    let header = self.written()?;
                    self.order.push((job.name.to_owned(), header));
                    flow.update(|st| st.head = i);
                    let mut queued = pending.remove(&i).unwrap_or_default();
                    loop {
                        let piece = match queued.pop_front() {
                            Some(p) => p,
                            None => loop {
                                let (index, piece) = rx.recv().map_err(|_| {
                                    Error::Format("a compression worker stopped".into())
                                })?;
                                if index == i {
                                    break piece;
                                }
                                pending.entry(index).or_default().push_back(piece);
                            },
                        };
                        match piece {
                            Piece::Data(d) => {
                                self.sink
                                    .try_borrow_mut()
                                    .map_err(|_| Error::Format("output busy".into()))?
                                    .write_digested(&d)?;
                                flow.update(|st| st.release(i, d));
                            }
                            Piece::Spilled(file) => self.copy_spilled(file)?,
                            Piece::Done(d, header_len) => {
                                digests.push(d);
                                let end = self.written()?;
                                let name = job.name.to_owned();
                                self.spans.push(EntrySpan {
                                    name,
                                    header,
                                    data: header + header_len,
                                    end,
                                });
                                break;
                            }
                            Piece::Failed(e) => return Err(e),
                        }
                    }
                }
                Ok(())
            })();
            // On failure the channel closes and waiting workers are released.
            drop(rx);
            drop(pending);
            if result.is_err() {
                flow.update(|st| st.aborted = true);
            }
            let mut records = Vec::new();
            for h in handles {
                match h.join() {
                    Ok(Ok(r)) => records.extend(r),
                    Ok(Err(e)) => {
                        if result.is_ok() {
                            return Err(e);
                        }
                    }
                    Err(_) => return Err(Error::Format("a compression worker panicked".into())),
                }
            }
            result?;
            for r in records {
                let name = String::from_utf8_lossy(&r.name).into_owned();
                self.records.insert(name, r);
            }
            Ok(digests)
        })
    }

    /// Writes a worker's scratch file, from its start, into the output.
    fn copy_spilled(&self, mut file: std::fs::File) -> Result<()> {
        use std::io::{Read as _, Seek as _};
        file.seek(io::SeekFrom::Start(0))?;
        let mut buf = vec![0u8; PIPE_CHUNK];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            self.sink
                .try_borrow_mut()
                .map_err(|_| Error::Format("output busy".into()))?
                .write_digested(&buf[..n])?;
        }
    }

    /// Closes the last entry and writes the Central Directory in output
    /// order; returns the entries' length and the Central Directory and end
    /// record bytes (not written: the caller decides what goes before them).
    pub(crate) fn finish(mut self) -> Result<(u64, Vec<u8>, Vec<u8>)> {
        self.close_entry()?;
        let entries_len = self.written()?;
        let count = self.writer.entries().count();
        self.sink.try_borrow_mut().map_err(|_| Error::Format("output busy".into()))?.capture =
            Some(Vec::new());
        self.writer.finish()?;
        let end = self
            .sink
            .try_borrow_mut()
            .map_err(|_| Error::Format("output busy".into()))?
            .capture
            .take()
            .unwrap_or_default();
        for r in parse_records(&end, count)? {
            let name = String::from_utf8_lossy(&r.name).into_owned();
            self.records.insert(name, r);
        }
        let mut cd = Vec::new();
        for (name, offset) in &self.order {
            let mut r = self
                .records
                .remove(name)
                .ok_or_else(|| Error::Format(format!("no central record for {name}")))?;
            r.local_header_offset =
                u32::try_from(*offset).ok().filter(|&o| o != u32::MAX).ok_or_else(|| {
                    Error::Format("output larger than 4 GiB (ZIP64) is not supported".into())
                })?;
            r.write_to(&mut cd)?;
        }
        let eocd: Eocd = eocd_for(self.order.len(), entries_len, cd.len() as u64, &[])?;
        Ok((entries_len, cd, eocd.to_bytes()?))
    }
}
