//! `JavaZipWriter` against bytes written by the JDK's `JarOutputStream` and
//! `ZipOutputStream` (fixtures/zip/java-*, made by the program in
//! fixtures/zip/README.md): the same calls must give the same bytes.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test helpers; inputs are fixtures"
)]

use signkit_zip::java::{FileTime, FixedOffset, JavaFlavor, JavaZipEntry, JavaZipWriter};
use signkit_zip::{ReadOptions, ZipArchive};

const T: i64 = 1_230_768_000_000;
const UTC: FixedOffset = FixedOffset::UTC;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/zip").join(name),
    )
    .unwrap()
}

fn text(n: usize) -> Vec<u8> {
    let mut s = String::new();
    let mut i = 0u64;
    while s.len() < n {
        s.push_str(&format!("line {i} of the signkit fixture, {}\n", i * 7919 % 1000));
        i += 1;
    }
    s.as_bytes()[..n].to_vec()
}

fn noise(n: usize) -> Vec<u8> {
    let mut x: u64 = 88_172_645_463_325_252;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn entry(name: &str) -> JavaZipEntry {
    let mut e = JavaZipEntry::new(name).unwrap();
    e.set_time(T, &UTC);
    e
}

#[test]
fn jar_output_stream_at_level_9() {
    let mut w = JavaZipWriter::new(Vec::new(), JavaFlavor::Jar);
    w.set_level(9).unwrap();
    w.put_next_entry(entry("META-INF/MANIFEST.MF")).unwrap();
    w.write(b"Manifest-Version: 1.0\r\n\r\n").unwrap();
    w.close_entry().unwrap();
    let s = noise(1000);
    let mut e = JavaZipEntry::new("assets/stored.bin").unwrap();
    e.set_method(0).unwrap();
    e.set_size(s.len() as i64).unwrap();
    e.set_crc(i64::from(crc32fast::hash(&s))).unwrap();
    e.set_time(T + 1500, &UTC);
    e.set_extra(Some(vec![0x35, 0xd9, 4, 0, 4, 0, 0, 0])).unwrap();
    w.put_next_entry(e).unwrap();
    // Written in pieces: the bytes must not depend on how data arrives.
    for c in s.chunks(333) {
        w.write(c).unwrap();
    }
    w.close_entry().unwrap();
    w.put_next_entry(entry("classes.dex")).unwrap();
    for c in text(70000).chunks(4096) {
        w.write(c).unwrap();
    }
    w.close_entry().unwrap();
    w.put_next_entry(entry("res/empty.txt")).unwrap();
    w.close_entry().unwrap();
    w.put_next_entry(entry("res/noise.bin")).unwrap();
    w.write(&noise(40000)).unwrap();
    w.close_entry().unwrap();
    w.put_next_entry(entry("dir/")).unwrap();
    w.close_entry().unwrap();
    let mut e = entry("\u{fc}n\u{ef}c\u{f6}d\u{e9}/\u{540d}\u{524d}.txt");
    e.set_comment(Some("a comment \u{e9}".into()));
    w.put_next_entry(e).unwrap();
    w.write(&text(300)).unwrap();
    let out = w.finish().unwrap();
    assert_eq!(out, fixture("java-jar-level9.jar"));
    let a = ZipArchive::parse(&out, &ReadOptions::strict()).unwrap();
    assert_eq!(a.read_entry_to_vec(&out, &a.entries()[2], 1 << 20).unwrap(), text(70000));
}

#[test]
fn zip_output_stream_with_time_extras() {
    let mut w = JavaZipWriter::new(Vec::new(), JavaFlavor::Zip);
    w.set_comment(Some("archive comment")).unwrap();
    let mut e = JavaZipEntry::new("old.txt").unwrap();
    e.set_time(0, &UTC);
    w.put_next_entry(e).unwrap();
    w.write(&text(5000)).unwrap();
    let mut e = JavaZipEntry::new("far-future.txt").unwrap();
    e.set_time(7_258_118_400_000, &UTC);
    w.put_next_entry(e).unwrap();
    w.write(&text(10)).unwrap();
    let mut e = entry("times.txt");
    e.set_last_access_time(FileTime::from_millis(T + 5000));
    e.set_creation_time(FileTime::from_millis(T - 5000));
    w.put_next_entry(e).unwrap();
    w.write(&text(100)).unwrap();
    let mut e = entry("extra.txt");
    e.set_extra(Some(vec![
        0x55, 0x54, 9, 0, 3, 0, 0x10, 0x5c, 0x49, 0, 0x10, 0x5c, 0x49, 0x75, 0x78, 3, 0, 1, 2, 3,
    ]))
    .unwrap();
    w.put_next_entry(e).unwrap();
    w.write(&text(100)).unwrap();
    let mut e = entry("stored-empty");
    e.set_method(0).unwrap();
    e.set_size(0).unwrap();
    e.set_crc(0).unwrap();
    w.put_next_entry(e).unwrap();
    let p = text(2000);
    let mut e = entry("preset.txt");
    e.set_size(p.len() as i64).unwrap();
    e.set_compressed_size(320);
    e.set_crc(i64::from(crc32fast::hash(&p))).unwrap();
    w.put_next_entry(e).unwrap();
    w.write(&p).unwrap();
    w.set_level(1).unwrap();
    w.put_next_entry(entry("level1.txt")).unwrap();
    w.write(&text(20000)).unwrap();
    let out = w.finish().unwrap();
    assert_eq!(out, fixture("java-zip-default.zip"));
}

#[test]
fn jdk_exceptions() {
    let mut w = JavaZipWriter::new(Vec::new(), JavaFlavor::Zip);
    assert_eq!(w.write(b"x").unwrap_err().to_string(), "no current ZIP entry");
    w.put_next_entry(entry("a")).unwrap();
    assert_eq!(w.put_next_entry(entry("a")).unwrap_err().to_string(), "duplicate entry: a");
    let mut e = entry("s");
    e.set_method(0).unwrap();
    assert_eq!(
        w.put_next_entry(e).unwrap_err().to_string(),
        "STORED entry missing size, compressed size, or crc-32"
    );
    let mut w = JavaZipWriter::new(Vec::new(), JavaFlavor::Zip);
    let mut e = entry("p");
    e.set_size(3).unwrap();
    e.set_compressed_size(5);
    e.set_crc(0).unwrap();
    w.put_next_entry(e).unwrap();
    w.write(b"abcd").unwrap();
    assert_eq!(
        w.close_entry().unwrap_err().to_string(),
        "invalid entry size (expected 3 but got 4 bytes)"
    );
    // Without a clock, an entry without a time is refused rather than stamped.
    let mut w = JavaZipWriter::new(Vec::new(), JavaFlavor::Zip);
    assert!(w.put_next_entry(JavaZipEntry::new("t").unwrap()).is_err());
    let mut w = JavaZipWriter::new(Vec::new(), JavaFlavor::Zip).with_clock(T, Box::new(UTC));
    w.put_next_entry(JavaZipEntry::new("t").unwrap()).unwrap();
    let out = w.finish().unwrap();
    let a = ZipArchive::parse(&out, &ReadOptions::strict()).unwrap();
    assert_eq!(
        (a.entries()[0].central.last_mod_date, a.entries()[0].central.last_mod_time),
        (0x3a21, 0)
    );
}

#[test]
fn entries_copied_as_signapk_copies_them() {
    // JarFile's entries (JavaZipEntry::from_central), STORED ones cloned with
    // their times, attributes and extra data, DEFLATED ones recreated.
    let input = fixture("zip-cli.zip");
    let a = ZipArchive::parse(&input, &ReadOptions::jdk()).unwrap();
    let mut w = JavaZipWriter::new(Vec::new(), JavaFlavor::Jar);
    w.set_level(9).unwrap();
    for src in a.entries() {
        let in_entry = JavaZipEntry::from_central(&src.central).unwrap();
        let mut out_entry = if in_entry.method() == 0 {
            in_entry.clone()
        } else {
            let mut e = JavaZipEntry::new(in_entry.name()).unwrap();
            e.set_time(T, &UTC);
            e
        };
        if in_entry.name() == "lib.so" {
            out_entry.set_time(T, &UTC);
            out_entry.set_comment(None);
            out_entry.set_extra(None).unwrap();
        }
        w.put_next_entry(out_entry).unwrap();
        w.write(&a.read_entry_to_vec(&input, src, 1 << 20).unwrap()).unwrap();
        w.close_entry().unwrap();
    }
    assert_eq!(w.finish().unwrap(), fixture("java-copy.jar"));
}
