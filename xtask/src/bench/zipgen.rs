//! The bench's generated ZIP inputs: a small writer (STORED or DEFLATED
//! entries, optionally aligned as zipalign/apksig align them), a reader that
//! lets an existing APK's entries be copied raw, and the seeded payloads.
//!
//! The writer streams to disk one entry at a time, so a 1 GB APK never sits
//! in memory; only the central directory records (about 100 bytes per entry)
//! are kept until the end. Every timestamp is fixed and every byte comes from
//! a seeded generator, so the same seed gives the same files.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::Path;

use anyhow::{Context as _, bail, ensure};
use flate2::Compression;
use flate2::write::DeflateEncoder;
use rand::rngs::StdRng;
use rand::{Rng as _, RngExt as _, SeedableRng as _};

const LOCAL_HEADER_SIG: u32 = 0x0403_4b50;
const CENTRAL_HEADER_SIG: u32 = 0x0201_4b50;
const EOCD_SIG: u32 = 0x0605_4b50;
const EOCD_LEN: usize = 22;
const LOCAL_HEADER_LEN: u64 = 30;
/// 2020-01-01 00:00:00 in MS-DOS form, for every entry.
const DOS_DATE: u16 = (40 << 9) | (1 << 5) | 1;
const DOS_TIME: u16 = 0;
/// apksig's alignment extra field (`ALIGNMENT_ZIP_EXTRA_DATA_FIELD_HEADER_ID`).
const ALIGNMENT_EXTRA_ID: u16 = 0xd935;
/// The ZIP method numbers.
const STORED: u16 = 0;
const DEFLATED: u16 = 8;
/// A plain ZIP (no ZIP64) holds fewer entries than this.
const MAX_ENTRIES: usize = 0xFFFF;

/// How an entry's data is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    Stored,
    Deflated,
}

/// What kind of bytes an entry holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Class-file-like data: length-prefixed identifiers from a fixed
    /// vocabulary with a few bytes of "bytecode" between them; it deflates
    /// to about a third, like real classes and dex files.
    Classes,
    /// Uniformly random bytes (media, already compressed assets).
    Random,
    /// Native-library-like data: 4 KiB blocks, each classes-like or random.
    Native,
}

/// How much of each kind of data an archive holds, for the floor model.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ZipStats {
    pub(crate) entries: usize,
    pub(crate) file_bytes: u64,
    /// Uncompressed bytes of DEFLATED entries of compressible data.
    pub(crate) deflated_classes: u64,
    /// Uncompressed bytes of DEFLATED entries of random data.
    pub(crate) deflated_random: u64,
    /// Bytes of STORED entries.
    pub(crate) stored: u64,
}

impl ZipStats {
    /// Every entry's uncompressed bytes.
    pub(crate) fn uncompressed(&self) -> u64 {
        self.deflated_classes + self.deflated_random + self.stored
    }
}

/// One central directory record.
struct Record {
    name: Vec<u8>,
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    offset: u32,
}

/// A ZIP file written entry by entry.
pub(crate) struct ZipWriter {
    out: BufWriter<File>,
    offset: u64,
    records: Vec<Record>,
    /// Align STORED data as signapk and `zipalign -p 4` do: 4096 for `.so`, else 4.
    align: bool,
    stats: ZipStats,
}

impl ZipWriter {
    /// Creates (or truncates) `path`.
    pub(crate) fn create(path: &Path, align: bool) -> anyhow::Result<Self> {
        let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self {
            out: BufWriter::with_capacity(1 << 20, file),
            offset: 0,
            records: Vec::new(),
            align,
            stats: ZipStats::default(),
        })
    }

    /// Adds an entry with `data`, compressing it at zlib's default level when `method` is DEFLATED.
    pub(crate) fn add(
        &mut self,
        name: &str,
        data: &[u8],
        method: Method,
        kind: Kind,
    ) -> anyhow::Result<()> {
        let size = u64::try_from(data.len())?;
        let mut crc = flate2::Crc::new();
        crc.update(data);
        match method {
            Method::Stored => {
                self.stats.stored += size;
                self.write_entry(name.as_bytes(), STORED, crc.sum(), size, data)
            }
            Method::Deflated => {
                if kind == Kind::Random {
                    self.stats.deflated_random += size;
                } else {
                    self.stats.deflated_classes += size;
                }
                let mut enc = DeflateEncoder::new(
                    Vec::with_capacity(data.len() / 2 + 64),
                    Compression::default(),
                );
                enc.write_all(data)?;
                let compressed = enc.finish()?;
                self.write_entry(name.as_bytes(), DEFLATED, crc.sum(), size, &compressed)
            }
        }
    }

    /// Adds an entry copied raw (still compressed) from another archive.
    pub(crate) fn add_raw(&mut self, entry: &RawEntry) -> anyhow::Result<()> {
        let size = u64::from(entry.size);
        if entry.method == STORED {
            self.stats.stored += size;
        } else {
            self.stats.deflated_classes += size;
        }
        self.write_entry(&entry.name, entry.method, entry.crc, size, &entry.data)
    }

    fn write_entry(
        &mut self,
        name: &[u8],
        method: u16,
        crc: u32,
        size: u64,
        data: &[u8],
    ) -> anyhow::Result<()> {
        ensure!(self.records.len() + 1 < MAX_ENTRIES, "too many entries for a ZIP without ZIP64");
        let name_len = u16::try_from(name.len()).context("entry name too long")?;
        let offset =
            u32::try_from(self.offset).context("the archive passed 4 GiB (no ZIP64 here)")?;
        let compressed = u32::try_from(data.len()).context("entry too large")?;
        let size = u32::try_from(size).context("entry too large")?;
        let extra = if self.align && method == STORED {
            let alignment: u64 = if name.ends_with(b".so") { 4096 } else { 4 };
            // The field is at least its 6 bytes (id, size, alignment); zero padding makes the data start aligned.
            let unpadded = self.offset + LOCAL_HEADER_LEN + u64::from(name_len) + 6;
            let pad = usize::try_from((alignment - unpadded % alignment) % alignment)?;
            let mut extra = Vec::with_capacity(6 + pad);
            extra.extend_from_slice(&ALIGNMENT_EXTRA_ID.to_le_bytes());
            extra.extend_from_slice(&u16::try_from(2 + pad)?.to_le_bytes());
            extra.extend_from_slice(&u16::try_from(alignment)?.to_le_bytes());
            extra.resize(6 + pad, 0);
            extra
        } else {
            Vec::new()
        };
        let extra_len = u16::try_from(extra.len())?;
        let mut header = Vec::with_capacity(30 + name.len() + extra.len());
        header.extend_from_slice(&LOCAL_HEADER_SIG.to_le_bytes());
        header.extend_from_slice(&20u16.to_le_bytes()); // version needed to extract
        header.extend_from_slice(&0u16.to_le_bytes()); // flags
        header.extend_from_slice(&method.to_le_bytes());
        header.extend_from_slice(&DOS_TIME.to_le_bytes());
        header.extend_from_slice(&DOS_DATE.to_le_bytes());
        header.extend_from_slice(&crc.to_le_bytes());
        header.extend_from_slice(&compressed.to_le_bytes());
        header.extend_from_slice(&size.to_le_bytes());
        header.extend_from_slice(&name_len.to_le_bytes());
        header.extend_from_slice(&extra_len.to_le_bytes());
        header.extend_from_slice(name);
        header.extend_from_slice(&extra);
        self.out.write_all(&header)?;
        self.out.write_all(data)?;
        self.offset += u64::try_from(header.len() + data.len())?;
        self.records.push(Record { name: name.to_vec(), method, crc, compressed, size, offset });
        self.stats.entries += 1;
        Ok(())
    }

    /// Writes the central directory and the end record, and returns what the archive holds.
    pub(crate) fn finish(mut self) -> anyhow::Result<ZipStats> {
        let cd_offset =
            u32::try_from(self.offset).context("the archive passed 4 GiB (no ZIP64 here)")?;
        let mut cd_len: u64 = 0;
        for r in &self.records {
            let mut h = Vec::with_capacity(46 + r.name.len());
            h.extend_from_slice(&CENTRAL_HEADER_SIG.to_le_bytes());
            h.extend_from_slice(&20u16.to_le_bytes()); // version made by
            h.extend_from_slice(&20u16.to_le_bytes()); // version needed to extract
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&r.method.to_le_bytes());
            h.extend_from_slice(&DOS_TIME.to_le_bytes());
            h.extend_from_slice(&DOS_DATE.to_le_bytes());
            h.extend_from_slice(&r.crc.to_le_bytes());
            h.extend_from_slice(&r.compressed.to_le_bytes());
            h.extend_from_slice(&r.size.to_le_bytes());
            h.extend_from_slice(&u16::try_from(r.name.len())?.to_le_bytes());
            h.extend_from_slice(&[0; 12]); // extra, comment, disk, internal and external attributes
            h.extend_from_slice(&r.offset.to_le_bytes());
            h.extend_from_slice(&r.name);
            self.out.write_all(&h)?;
            cd_len += u64::try_from(h.len())?;
        }
        let count = u16::try_from(self.records.len())?;
        let mut eocd = Vec::with_capacity(EOCD_LEN);
        eocd.extend_from_slice(&EOCD_SIG.to_le_bytes());
        eocd.extend_from_slice(&[0; 4]); // this disk, the disk with the central directory
        eocd.extend_from_slice(&count.to_le_bytes());
        eocd.extend_from_slice(&count.to_le_bytes());
        eocd.extend_from_slice(&u32::try_from(cd_len)?.to_le_bytes());
        eocd.extend_from_slice(&cd_offset.to_le_bytes());
        eocd.extend_from_slice(&0u16.to_le_bytes()); // comment length
        self.out.write_all(&eocd)?;
        self.out.flush()?;
        self.stats.file_bytes = self.offset + cd_len + u64::try_from(EOCD_LEN)?;
        Ok(self.stats)
    }
}

/// An entry of an existing archive, with its data still compressed.
pub(crate) struct RawEntry {
    name: Vec<u8>,
    method: u16,
    crc: u32,
    size: u32,
    data: Vec<u8>,
}

fn u16_at(b: &[u8], at: usize) -> anyhow::Result<u16> {
    let bytes = b.get(at..at + 2).context("truncated ZIP")?;
    Ok(u16::from_le_bytes([bytes[0], bytes[1]]))
}

fn u32_at(b: &[u8], at: usize) -> anyhow::Result<u32> {
    let bytes = b.get(at..at + 4).context("truncated ZIP")?;
    Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

fn usize_at(b: &[u8], at: usize, width: usize) -> anyhow::Result<usize> {
    Ok(if width == 2 { usize::from(u16_at(b, at)?) } else { usize::try_from(u32_at(b, at)?)? })
}

/// The entries of a small plain ZIP (no ZIP64, sizes in the central directory), in order.
pub(crate) fn read_entries(zip: &[u8]) -> anyhow::Result<Vec<RawEntry>> {
    ensure!(zip.len() >= EOCD_LEN, "not a ZIP: too short");
    let lowest = zip.len().saturating_sub(EOCD_LEN + 0xFFFF);
    let eocd = (lowest..=zip.len() - EOCD_LEN)
        .rev()
        .find(|&i| u32_at(zip, i).is_ok_and(|sig| sig == EOCD_SIG))
        .context("not a ZIP: no end of central directory record")?;
    let count = usize_at(zip, eocd + 10, 2)?;
    let mut at = usize_at(zip, eocd + 16, 4)?;
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        ensure!(u32_at(zip, at)? == CENTRAL_HEADER_SIG, "bad central directory record at {at}");
        let method = u16_at(zip, at + 10)?;
        let crc = u32_at(zip, at + 16)?;
        let compressed = usize_at(zip, at + 20, 4)?;
        let size = u32_at(zip, at + 24)?;
        let name_len = usize_at(zip, at + 28, 2)?;
        let extra_len = usize_at(zip, at + 30, 2)?;
        let comment_len = usize_at(zip, at + 32, 2)?;
        let local = usize_at(zip, at + 42, 4)?;
        let name =
            zip.get(at + 46..at + 46 + name_len).context("truncated central directory")?.to_vec();
        if method != STORED && method != DEFLATED {
            bail!("entry {} uses method {method}", String::from_utf8_lossy(&name));
        }
        ensure!(u32_at(zip, local)? == LOCAL_HEADER_SIG, "bad local header at {local}");
        let data_start = local + 30 + usize_at(zip, local + 26, 2)? + usize_at(zip, local + 28, 2)?;
        let data =
            zip.get(data_start..data_start + compressed).context("truncated entry data")?.to_vec();
        entries.push(RawEntry { name, method, crc, size, data });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(entries)
}

/// A group of similar entries: `count` entries named by `name(i)`, each of a
/// size drawn from `size`.
pub(crate) struct Group {
    pub(crate) name: fn(usize) -> String,
    pub(crate) count: usize,
    pub(crate) size: (usize, usize),
    pub(crate) kind: Kind,
    pub(crate) method: Method,
}

/// Seeded payload bytes.
pub(crate) struct Payload {
    rng: StdRng,
    /// Constant-pool-like tokens: tag 1, u16 length, a class or member name.
    tokens: Vec<Vec<u8>>,
}

impl Payload {
    pub(crate) fn new(seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let segment = |rng: &mut StdRng| -> String {
            let len = rng.random_range(3..10);
            (0..len).map(|_| char::from(b'a' + rng.random_range(0..26u8))).collect()
        };
        let segments: Vec<String> = (0..256).map(|_| segment(&mut rng)).collect();
        let tokens = (0..1024)
            .map(|_| {
                let depth = rng.random_range(1..5);
                let mut name = String::from("com/example");
                for _ in 0..depth {
                    name.push('/');
                    name.push_str(&segments[rng.random_range(0..segments.len())]);
                }
                let mut token = vec![1];
                token.extend_from_slice(
                    &u16::try_from(name.len()).unwrap_or(u16::MAX).to_be_bytes(),
                );
                token.extend_from_slice(name.as_bytes());
                token
            })
            .collect();
        Self { rng, tokens }
    }

    /// `len` bytes of `kind`, into `out` (cleared first).
    pub(crate) fn fill(&mut self, kind: Kind, len: usize, out: &mut Vec<u8>) {
        out.clear();
        match kind {
            Kind::Classes => self.classes(len, out),
            Kind::Random => {
                out.resize(len, 0);
                self.rng.fill_bytes(out);
            }
            Kind::Native => {
                let mut block = Vec::with_capacity(4096);
                while out.len() < len {
                    let n = (len - out.len()).min(4096);
                    if self.rng.next_u32() & 1 == 0 {
                        self.classes(n, &mut block);
                    } else {
                        block.clear();
                        block.resize(n, 0);
                        self.rng.fill_bytes(&mut block);
                    }
                    out.extend_from_slice(&block);
                }
            }
        }
    }

    fn classes(&mut self, len: usize, out: &mut Vec<u8>) {
        let start = out.len();
        out.extend_from_slice(&[0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 0x34]);
        while out.len() - start < len {
            let r = self.rng.next_u64();
            let token = &self.tokens[usize::try_from(r & 0x3ff).unwrap_or(0)];
            out.extend_from_slice(token);
            // Between 0 and 6 bytes of "bytecode" after each name.
            let filler = usize::try_from((r >> 10) % 7).unwrap_or(0);
            out.extend_from_slice(&r.to_le_bytes()[2..2 + filler]);
        }
        out.truncate(start + len);
    }

    /// Writes `groups` to `zip`, each entry generated just before it is written.
    pub(crate) fn write_groups(
        &mut self,
        zip: &mut ZipWriter,
        groups: &[Group],
    ) -> anyhow::Result<()> {
        let mut data = Vec::new();
        for g in groups {
            for i in 0..g.count {
                let len = if g.size.0 == g.size.1 {
                    g.size.0
                } else {
                    self.rng.random_range(g.size.0..=g.size.1)
                };
                self.fill(g.kind, len, &mut data);
                zip.add(&(g.name)(i), &data, g.method, g.kind)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_zip_reads_back_and_aligns() {
        let dir = std::env::temp_dir().join(format!("signkit-zipgen-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.zip");
        let mut zip = ZipWriter::create(&path, true).unwrap();
        let mut payload = Payload::new(1);
        payload
            .write_groups(
                &mut zip,
                &[
                    Group {
                        name: |i| format!("c{i}.class"),
                        count: 3,
                        size: (100, 5000),
                        kind: Kind::Classes,
                        method: Method::Deflated,
                    },
                    Group {
                        name: |i| format!("lib/x/l{i}.so"),
                        count: 2,
                        size: (777, 777),
                        kind: Kind::Native,
                        method: Method::Stored,
                    },
                ],
            )
            .unwrap();
        let stats = zip.finish().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(u64::try_from(bytes.len()).unwrap(), stats.file_bytes);
        let entries = read_entries(&bytes).unwrap();
        assert_eq!(entries.len(), 5);
        assert_eq!(stats.stored, 2 * 777);
        for e in entries.iter().filter(|e| e.method == STORED) {
            // The data of a stored .so starts on a 4096 boundary.
            let at = bytes.windows(e.data.len()).position(|w| w == e.data.as_slice()).unwrap();
            assert_eq!(at % 4096, 0);
        }
        for e in entries.iter().filter(|e| e.method == DEFLATED) {
            let mut out = Vec::new();
            std::io::Read::read_to_end(
                &mut flate2::read::DeflateDecoder::new(e.data.as_slice()),
                &mut out,
            )
            .unwrap();
            let mut crc = flate2::Crc::new();
            crc.update(&out);
            assert_eq!(crc.sum(), e.crc);
            assert_eq!(u32::try_from(out.len()).unwrap(), e.size);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn payload_is_seeded() {
        let (mut a, mut b) = (Payload::new(5), Payload::new(5));
        let (mut x, mut y) = (Vec::new(), Vec::new());
        a.fill(Kind::Classes, 10_000, &mut x);
        b.fill(Kind::Classes, 10_000, &mut y);
        assert_eq!(x, y);
        assert_eq!(x.len(), 10_000);
    }
}
