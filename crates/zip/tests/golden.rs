//! Archives made by other tools (fixtures/zip, see its README): read under
//! every rule set, with their contents, descriptors and layout as those tools
//! wrote them; and write/read round trips of the exact-layout writer.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test helpers; inputs are fixtures"
)]

use signkit_zip::records::{FLAG_DATA_DESCRIPTOR, FLAG_UTF8, LocalFileHeader};
use signkit_zip::{
    CentralDirectoryRecord, Compression, DataDescriptor, Error, ReadOptions, ZipArchive, ZipWriter,
    align, find_sections,
};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/zip").join(name),
    )
    .unwrap()
}

fn a_txt() -> Vec<u8> {
    (0..400).map(|i| format!("zip fixture line {i}\n")).collect::<String>().into_bytes()
}

/// `(name, compression, size, has descriptor)` of every entry, after reading
/// every entry's content with CRC-32 checks.
fn summary(name: &str) -> Vec<(String, Compression, u64, bool)> {
    let data = fixture(name);
    for o in [ReadOptions::android(), ReadOptions::jdk()] {
        ZipArchive::parse(&data, &o).unwrap();
    }
    let a = ZipArchive::parse(&data, &ReadOptions::strict()).unwrap();
    a.entries()
        .iter()
        .map(|e| {
            let content = a.read_entry_to_vec(&data, e, 1 << 20).unwrap();
            if e.name() == b"a.txt" {
                assert_eq!(content, a_txt(), "{name}");
            }
            (
                String::from_utf8(e.name().to_vec()).unwrap(),
                e.compression(),
                e.uncompressed_size(),
                e.descriptor().is_some(),
            )
        })
        .collect()
}

#[test]
fn info_zip() {
    use Compression::{Deflated as D, Stored as S};
    let s = |n: &str, c, z, d| (n.to_owned(), c, z, d);
    let expected = vec![
        s("a.txt", D, 8290, false),
        s("b.bin", S, 3000, false),
        s("dir/", S, 0, false),
        s("dir/c.txt", D, 500, false),
        s("lib.so", S, 2048, false),
    ];
    assert_eq!(summary("zip-cli.zip"), expected);
    let data = fixture("zip-cli.zip");
    let a = ZipArchive::parse(&data, &ReadOptions::strict()).unwrap();
    assert_eq!(a.sections().eocd.comment, b"zip comment");
    // Unix mode in the external attributes, UT and ux extra fields.
    assert_eq!(a.entries()[1].central.version_made_by >> 8, 3);
    assert_eq!(a.entries()[1].central.external_attributes >> 16, 0o100_640);
    // Written to a pipe, zip uses data descriptors (with signature).
    let streamed = summary("zip-stream.zip");
    assert!(streamed.iter().all(|e| e.3), "{streamed:?}");
    let data = fixture("zip-stream.zip");
    let a = ZipArchive::parse(&data, &ReadOptions::strict()).unwrap();
    let e = &a.entries()[0];
    assert!(e.local.flags & FLAG_DATA_DESCRIPTOR != 0 && e.local.crc32 == 0);
    assert_eq!(e.descriptor().map(|d| (d.signature, d.crc32)), Some((true, e.crc32())));
    assert_eq!(e.record_range().end, a.entries()[1].local_header_offset());
}

#[test]
fn python_and_jar() {
    let p = summary("python.zip");
    assert_eq!(p.len(), 3);
    assert!(p.iter().all(|e| !e.3));
    let p = summary("python-stream.zip");
    assert!(p.iter().all(|e| e.3), "{p:?}");
    let j = summary("jar.jar");
    assert_eq!(j[0].0, "META-INF/");
    assert_eq!(j[1].0, "META-INF/MANIFEST.MF");
    let data = fixture("jar.jar");
    let a = ZipArchive::parse(&data, &ReadOptions::strict()).unwrap();
    // The JAR magic extra on the first entry; data descriptors on deflated entries.
    assert_eq!(a.entries()[0].local.extra, [0xfe, 0xca, 0, 0]);
    assert!(
        a.entries()
            .iter()
            .filter(|e| e.compression() == Compression::Deflated)
            .all(|e| e.descriptor().is_some())
    );
    assert!(a.entries().iter().all(|e| e.central.flags & FLAG_UTF8 != 0));
}

#[test]
fn zipalign_output_is_aligned() {
    let data = fixture("zipaligned.zip");
    summary("zipaligned.zip");
    let a = ZipArchive::parse(&data, &ReadOptions::strict()).unwrap();
    for e in a.entries().iter().filter(|e| e.compression() == Compression::Stored) {
        let want = align::zipalign_alignment(e.name(), 4, true);
        assert_eq!(e.data_offset() % want, 0, "{:?}", String::from_utf8_lossy(e.name()));
    }
    // zipalign drops the archive comment.
    assert!(a.sections().eocd.comment.is_empty());
}

#[test]
fn exact_writer_round_trip() {
    let content = b"hello, exact layout".repeat(20);
    let crc = crc32fast::hash(&content);
    let mut w = ZipWriter::new(Vec::new());
    let mut cds = Vec::new();
    for (i, (name, dd)) in [("first.txt", false), ("second.txt", true)].into_iter().enumerate() {
        let flags = FLAG_UTF8 | if dd { FLAG_DATA_DESCRIPTOR } else { 0 };
        let size = u32::try_from(content.len()).unwrap();
        let lfh_offset = w.position();
        // Data aligned to 8 with zipalign-style padding in the local extra.
        let pad = align::padding_for(lfh_offset + 30 + name.len() as u64, 8);
        let local = LocalFileHeader {
            version_needed: 10,
            flags,
            method: 0,
            last_mod_time: 0x1234,
            last_mod_date: 0x5678,
            crc32: if dd { 0 } else { crc },
            compressed_size: if dd { 0 } else { size },
            uncompressed_size: if dd { 0 } else { size },
            name: name.as_bytes().to_vec(),
            extra: vec![0; usize::try_from(pad).unwrap()],
        };
        w.write_local_header(&local).unwrap();
        w.write_bytes(&content).unwrap();
        if dd {
            let d = DataDescriptor {
                signature: i == 1,
                zip64: false,
                crc32: crc,
                compressed_size: content.len() as u64,
                uncompressed_size: content.len() as u64,
            };
            w.write_data_descriptor(&d).unwrap();
        }
        let cd = CentralDirectoryRecord {
            version_made_by: 0x0314,
            version_needed: 10,
            flags,
            method: 0,
            last_mod_time: 0x1234,
            last_mod_date: 0x5678,
            crc32: crc,
            compressed_size: size,
            uncompressed_size: size,
            local_header_offset: u32::try_from(lfh_offset).unwrap(),
            name: name.as_bytes().to_vec(),
            comment: b"c".to_vec(),
            ..Default::default()
        };
        cds.push(cd.clone());
        w.add_central_record(cd);
    }
    let (out, sections) = w.finish(b"archive").unwrap();
    assert_eq!(find_sections(&out, &ReadOptions::strict()).unwrap(), sections);
    let a = ZipArchive::parse(&out, &ReadOptions::strict()).unwrap();
    for (e, cd) in a.entries().iter().zip(&cds) {
        assert_eq!(&e.central, cd);
        assert_eq!(e.data_offset() % 8, 0);
        assert_eq!(a.read_entry_to_vec(&out, e, 1 << 20).unwrap(), content);
    }

    // Raw copy of every entry, the second with a new (apksig) alignment extra.
    let mut w = ZipWriter::new(Vec::new());
    w.write_bytes(b"prefix").unwrap();
    for (i, e) in a.entries().iter().enumerate() {
        let extra = (i == 1).then(|| {
            align::apk_alignment_extra(
                &e.local.extra,
                w.position() + 30 + e.local.name.len() as u64,
                4096,
            )
        });
        w.copy_entry(&out, e, extra.as_deref()).unwrap();
    }
    let (copy, _) = w.finish(b"").unwrap();
    let b = ZipArchive::parse(&copy, &ReadOptions::strict()).unwrap();
    assert_eq!(b.entries()[1].data_offset() % 4096, 0);
    for e in b.entries() {
        assert_eq!(b.read_entry_to_vec(&copy, e, 1 << 20).unwrap(), content);
    }
}

#[test]
fn structural_errors() {
    let good = fixture("zip-cli.zip");
    let strict = ReadOptions::strict();
    assert!(matches!(
        ZipArchive::parse(&&b"not a zip at all, no end record"[..], &strict),
        Err(Error::NotZip)
    ));
    let a = ZipArchive::parse(&good, &strict).unwrap();
    // A data range past the Central Directory start.
    let mut long = good.clone();
    let at = usize::try_from(a.entries()[4].central_offset).unwrap() + 20;
    long[at..at + 4].copy_from_slice(&100_000u32.to_le_bytes());
    assert!(ZipArchive::parse(&long, &strict).is_err());
    // Encrypted flag and an unknown method.
    let mut enc = good.clone();
    let at = usize::try_from(a.entries()[0].central_offset).unwrap() + 8;
    enc[at] |= 1;
    assert!(matches!(ZipArchive::parse(&enc, &strict), Err(Error::Encrypted(_))));
    let mut m = good.clone();
    let at = usize::try_from(a.entries()[0].central_offset).unwrap() + 10;
    m[at] = 12;
    assert!(matches!(
        ZipArchive::parse(&m, &strict),
        Err(Error::UnsupportedCompression { method: 12, .. })
    ));
    assert!(ZipArchive::parse(&m, &ReadOptions::android()).is_ok());
    // A corrupted byte in deflated data is a CRC or data error, never a panic.
    let mut c = good.clone();
    let off = usize::try_from(a.entries()[0].data_offset()).unwrap() + 100;
    c[off] ^= 0x55;
    let ca = ZipArchive::parse(&c, &strict).unwrap();
    assert!(ca.read_entry_to_vec(&c, &ca.entries()[0], 1 << 20).is_err());
}

#[test]
fn duplicates_and_overlaps() {
    // Two central records pointing at the same local record.
    let content = b"x".repeat(10);
    let mut w = ZipWriter::new(Vec::new());
    let local = LocalFileHeader {
        version_needed: 10,
        crc32: crc32fast::hash(&content),
        compressed_size: 10,
        uncompressed_size: 10,
        name: b"n".to_vec(),
        ..Default::default()
    };
    w.write_local_header(&local).unwrap();
    w.write_bytes(&content).unwrap();
    let cd = CentralDirectoryRecord {
        version_needed: 10,
        crc32: local.crc32,
        compressed_size: 10,
        uncompressed_size: 10,
        name: b"n".to_vec(),
        ..Default::default()
    };
    w.add_central_record(cd.clone());
    w.add_central_record(cd);
    let (out, _) = w.finish(b"").unwrap();
    assert!(matches!(
        ZipArchive::parse(&out, &ReadOptions::strict()),
        Err(Error::DuplicateEntry(_))
    ));
    let mut no_dup = ReadOptions::strict();
    no_dup.reject_duplicates = false;
    assert!(matches!(ZipArchive::parse(&out, &no_dup), Err(Error::OverlappingEntries { .. })));
    assert_eq!(ZipArchive::parse(&out, &ReadOptions::android()).unwrap().entries().len(), 2);
}

#[test]
fn zip64_local_extras() {
    // Python with force_zip64: the local headers carry 0xFFFFFFFF sizes and a
    // ZIP64 extra field; the central records do not.
    let p = summary("python-zip64.zip");
    assert_eq!(p.len(), 2);
    let data = fixture("python-zip64.zip");
    let a = ZipArchive::parse(&data, &ReadOptions::strict()).unwrap();
    assert_eq!(a.entries()[0].local.compressed_size, u32::MAX);
    assert_eq!(
        a.read_entry_to_vec(&data, &a.entries()[0], 1 << 20).unwrap(),
        b"zip64 local header\n".repeat(300)
    );
    // apksig's rules do not read ZIP64 fields: the sizes do not match.
    assert!(a.entries().iter().all(|e| e.defect().is_none()));
    let android = ZipArchive::parse(&data, &ReadOptions::android()).unwrap();
    assert!(android.entries().iter().any(|e| e.defect().is_some()));
}

#[test]
fn zip64_end_records() {
    use signkit_zip::records::{Zip64Eocd, Zip64Locator};
    // One entry whose central sizes and offset live in a ZIP64 extra field,
    // and end records whose counts and offsets are saturated.
    let content = b"zip64 content".to_vec();
    let size = content.len() as u64;
    let mut out = Vec::new();
    let local = LocalFileHeader {
        version_needed: 45,
        crc32: crc32fast::hash(&content),
        compressed_size: u32::try_from(size).unwrap(),
        uncompressed_size: u32::try_from(size).unwrap(),
        name: b"z".to_vec(),
        ..Default::default()
    };
    local.write_to(&mut out).unwrap();
    out.extend_from_slice(&content);
    let cd_offset = out.len() as u64;
    let mut extra = vec![1, 0, 24, 0];
    for v in [size, size, 0u64] {
        extra.extend_from_slice(&v.to_le_bytes());
    }
    let cd = CentralDirectoryRecord {
        version_needed: 45,
        crc32: local.crc32,
        compressed_size: u32::MAX,
        uncompressed_size: u32::MAX,
        local_header_offset: u32::MAX,
        name: b"z".to_vec(),
        extra,
        ..Default::default()
    };
    cd.write_to(&mut out).unwrap();
    let cd_size = out.len() as u64 - cd_offset;
    let z64_offset = out.len() as u64;
    Zip64Eocd {
        version_made_by: 45,
        version_needed: 45,
        entries_on_disk: 1,
        entries_total: 1,
        cd_size,
        cd_offset,
        ..Default::default()
    }
    .write_to(&mut out);
    Zip64Locator { eocd_disk: 0, eocd_offset: z64_offset, total_disks: 1 }.write_to(&mut out);
    signkit_zip::Eocd {
        entries_on_disk: 0xFFFF,
        entries_total: 0xFFFF,
        cd_size: u32::MAX,
        cd_offset: u32::MAX,
        ..Default::default()
    }
    .write_to(&mut out)
    .unwrap();
    let a = ZipArchive::parse(&out, &ReadOptions::strict()).unwrap();
    let s = a.sections();
    assert_eq!((s.cd_offset, s.cd_size, s.cd_records), (cd_offset, cd_size, 1));
    assert_eq!(s.zip64.as_ref().map(|z| z.eocd_offset), Some(z64_offset));
    assert_eq!(a.read_entry_to_vec(&out, &a.entries()[0], 100).unwrap(), content);
    // Without ZIP64 support the saturated offsets are out of range.
    assert!(ZipArchive::parse(&out, &ReadOptions::android()).is_err());
}
