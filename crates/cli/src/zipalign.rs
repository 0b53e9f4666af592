//! `zipalign`, a drop-in for Debian's zipalign 10.0.0_r36: the same options,
//! usage text, messages, streams, exit codes and output bytes.
//!
//! ```text
//! zipalign [-f] [-p] [-v] [-z] <align> infile.zip outfile.zip
//! zipalign -c [-p] [-v] <align> infile.zip
//! ```
//!
//! The archive work is `signkit_zip::zipalign`; this module parses the
//! command line as zipalign's `main` does, opens the files and prints.
//! Differences, all deliberate: the output is written atomically (a failed
//! run leaves no partial output file, where zipalign leaves a truncated
//! one, and the input is never truncated by naming it as the output through
//! a different path); `-z` is refused, because no Zopfli available here
//! reproduces Debian's libzopfli byte for byte (`docs/formats.md`); liblog's
//! warning lines carry UTC times.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use signkit_zip::FileSource;
use signkit_zip::zipalign::{self as za, AlignArchive, AlignError, AlignOptions, Verdict};

use crate::common::fsutil::AtomicFile;

const USAGE_HEAD: &str =
    "Zip alignment utility\nCopyright (C) 2009 The Android Open Source Project\n\n";
const USAGE_BODY: &str = "\
Usage: zipalign [-f] [-p] [-v] [-z] <align> infile.zip outfile.zip
       zipalign -c [-p] [-v] <align> infile.zip

  <align>: alignment in bytes, e.g. '4' provides 32-bit alignment
  -c: check alignment only (does not modify file)
  -f: overwrite existing outfile.zip
  -p: memory page alignment for stored shared object files
  -v: verbose output
  -z: recompress using Zopfli
";

/// Why `-z` is refused.
pub const ZOPFLI_REFUSED: &str = "zipalign: -z (recompress using Zopfli) is not supported: \
signkit has no Zopfli that writes the same bytes as Debian's zipalign\n";

/// The process entry point.
#[must_use]
pub fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let stdout = io::stdout();
    let stderr = io::stderr();
    let code = run(&args, &mut stdout.lock(), &mut stderr.lock());
    ExitCode::from(code)
}

fn bytes(s: &OsStr) -> &[u8] {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        s.as_bytes()
    }
    #[cfg(not(unix))]
    {
        s.to_str().map_or(b"?", str::as_bytes)
    }
}

/// Writes and ignores failures: zipalign's printf/fprintf results are not checked.
fn put(w: &mut dyn Write, parts: &[&[u8]]) {
    for p in parts {
        let _ = w.write_all(p);
    }
}

fn usage(err: &mut dyn Write) -> u8 {
    put(err, &[USAGE_HEAD.as_bytes(), USAGE_BODY.as_bytes()]);
    2
}

/// `strtol(s, &end, 10)` then the conversion to `int`: `None` when characters
/// follow the number (or there is none), as zipalign's `*endp != '\0'` test.
fn parse_alignment(s: &[u8]) -> Option<i32> {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let digits_start = i;
    let mut v: i64 = 0;
    let mut overflow = false;
    while i < s.len() && s[i].is_ascii_digit() {
        let d = i64::from(s[i] - b'0');
        match v.checked_mul(10).and_then(|x| if neg { x.checked_sub(d) } else { x.checked_add(d) })
        {
            Some(x) => v = x,
            None => overflow = true,
        }
        i += 1;
    }
    if i == digits_start {
        // No digits: strtol points `end` at the start of the string.
        return if s.is_empty() { Some(0) } else { None };
    }
    if i != s.len() {
        return None;
    }
    if overflow {
        v = if neg { i64::MIN } else { i64::MAX };
    }
    // zipalign compat: the long is stored in an int (ZipAlign.cpp main).
    #[expect(
        clippy::cast_possible_truncation,
        reason = "zipalign truncates strtol's long to an int"
    )]
    Some(v as i32)
}

/// Runs zipalign with `args` (without the program name); returns the exit code.
pub fn run(args: &[OsString], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    // zipalign counts the program name too: fewer than 3 arguments is usage.
    if args.len() < 3 {
        return usage(err);
    }
    let (mut check, mut force, mut verbose, mut zopfli, mut page) =
        (false, false, false, false, false);
    let mut rest = args;
    while let Some(first) = rest.first() {
        let b = bytes(first);
        if b.first() != Some(&b'-') {
            break;
        }
        for &c in &b[1..] {
            match c {
                b'c' => check = true,
                b'f' => force = true,
                b'v' => verbose = true,
                b'z' => zopfli = true,
                b'p' => page = true,
                other => {
                    put(err, &[b"ERROR: unknown flag -", &[other], b"\n"]);
                    return usage(err);
                }
            }
        }
        rest = &rest[1..];
    }
    if !((check && rest.len() == 2) || (!check && rest.len() == 3)) {
        return usage(err);
    }
    let alignment = match parse_alignment(bytes(&rest[0])) {
        Some(a) if a > 0 => a,
        _ => {
            put(err, &[b"Invalid value for alignment: ", bytes(&rest[0]), b"\n"]);
            return usage(err);
        }
    };
    let code = if check {
        // zipalign ignores -z when checking.
        verify(&rest[1], alignment, verbose, page, out, err)
    } else if zopfli {
        put(err, &[ZOPFLI_REFUSED.as_bytes()]);
        1
    } else {
        let opts = AlignOptions { alignment, page_align_so: page };
        match process(&rest[1], &rest[2], &opts, force, out, err) {
            0 => verify(&rest[2], alignment, verbose, page, out, err),
            c => c,
        }
    };
    let _ = out.flush();
    code
}

/// Opens `path` as zipalign's `ZipFile` does, logging a header-mismatch
/// warning per entry as zipalign's liblog does; `None` if it cannot.
fn open_archive(path: &Path, err: &mut dyn Write) -> Option<(File, AlignArchive)> {
    let file = File::open(path).ok()?;
    let src = FileSource::new(&file).ok()?;
    let archive = za::open(&src).ok().flatten()?;
    for _ in 0..archive.header_mismatches {
        log_warning(err, "WARNING: header mismatch\n");
    }
    Some((file, archive))
}

/// A liblog line as the host build of Android 10's liblog writes it to stderr:
/// `<tag> <priority> <MM-DD HH:MM:SS> <pid> <tid> <message>`. The time is UTC.
fn log_warning(err: &mut dyn Write, msg: &str) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let secs = i64::try_from(now).unwrap_or(0);
    let ldt = signkit_zip::java::LocalDateTime::from_epoch_millis(
        secs.saturating_mul(1000),
        &signkit_zip::java::FixedOffset::UTC,
    );
    let pid = std::process::id();
    let line = format!(
        "zip W {:02}-{:02} {:02}:{:02}:{:02} {pid:5} {pid:5} {msg}\n",
        ldt.month, ldt.day, ldt.hour, ldt.minute, ldt.second
    );
    put(err, &[line.as_bytes()]);
}

fn process(
    input: &OsStr,
    output: &OsStr,
    opts: &AlignOptions,
    force: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    if bytes(input) == bytes(output) {
        put(err, &[b"Input and output can't be same file\n"]);
        return 1;
    }
    let out_path = Path::new(output);
    if !force && out_path.exists() {
        put(err, &[b"Output file '", bytes(output), b"' exists\n"]);
        return 1;
    }
    let Some((file, archive)) = open_archive(Path::new(input), err) else {
        put(err, &[b"Unable to open '", bytes(input), b"' as zip archive\n"]);
        return 1;
    };
    let unable_out = |err: &mut dyn Write| {
        put(err, &[b"Unable to open '", bytes(output), b"' as zip archive\n"]);
        1
    };
    if out_path.is_dir() {
        return unable_out(err);
    }
    // An overwritten output keeps its permissions, as fopen("w+b") would.
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(out_path).ok().map(|m| m.permissions().mode() & 0o7777)
    };
    #[cfg(not(unix))]
    let mode = None;
    let Ok(mut target) = AtomicFile::create(out_path, mode) else {
        return unable_out(err);
    };
    let Ok(src) = FileSource::new(&file) else {
        return unable_out(err);
    };
    let result = {
        let mut w = BufWriter::with_capacity(1 << 20, target.file());
        let r = za::align(&archive, &src, opts, &mut w);
        r.and_then(|()| w.flush().map_err(|e| AlignError::Output(e.into())))
    };
    let failed = match result {
        Ok(()) => target.commit().is_err(),
        Err(AlignError::CopyFailed { name }) => {
            let shown = if name.is_empty() {
                "(null)".to_owned()
            } else {
                String::from_utf8_lossy(&name).into_owned()
            };
            log_warning(err, &format!("copy of '{shown}' failed\n"));
            true
        }
        Err(_) => true,
    };
    if failed {
        put(
            out,
            &[b"zipalign: failed rewriting '", bytes(input), b"' to '", bytes(output), b"'\n"],
        );
        return 1;
    }
    0
}

fn verify(
    path: &OsStr,
    alignment: i32,
    verbose: bool,
    page: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    if verbose {
        put(
            out,
            &[b"Verifying alignment of ", bytes(path), format!(" ({alignment})...\n").as_bytes()],
        );
    }
    let Some((_file, archive)) = open_archive(Path::new(path), err) else {
        // The verbose line is on stdout already; the error goes to stderr.
        let _ = out.flush();
        put(err, &[b"Unable to open '", bytes(path), b"' for verification\n"]);
        return 1;
    };
    let mut bad = false;
    for (offset, name, verdict) in za::check(&archive, alignment, page) {
        // printf("%s", NULL) prints "(null)" in glibc.
        let name = name.unwrap_or(b"(null)");
        let tail = match verdict {
            Verdict::Compressed => " (OK - compressed)\n".to_owned(),
            Verdict::Aligned => " (OK)\n".to_owned(),
            Verdict::Misaligned(r) => {
                bad = true;
                format!(" (BAD - {r})\n")
            }
        };
        if verbose {
            put(out, &[format!("{offset:8} ").as_bytes(), name, tail.as_bytes()]);
        }
    }
    if verbose {
        put(out, &[b"Verification ", if bad { b"FAILED" } else { b"successful" }, b"\n"]);
    }
    u8::from(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_str(args: &[&str]) -> (u8, String, String) {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let (mut o, mut e) = (Vec::new(), Vec::new());
        let code = run(&args, &mut o, &mut e);
        (code, String::from_utf8(o).unwrap(), String::from_utf8(e).unwrap())
    }

    #[test]
    fn alignment_parsing_follows_strtol() {
        assert_eq!(parse_alignment(b"4"), Some(4));
        assert_eq!(parse_alignment(b"  +16"), Some(16));
        assert_eq!(parse_alignment(b"4k"), None);
        assert_eq!(parse_alignment(b"0x10"), None);
        assert_eq!(parse_alignment(b""), Some(0));
        assert_eq!(parse_alignment(b" "), None);
        assert_eq!(parse_alignment(b"4294967300"), Some(4));
        assert_eq!(parse_alignment(b"99999999999999999999"), Some(-1));
    }

    #[test]
    fn usage_and_flags() {
        let (code, out, err) = run_str(&[]);
        assert_eq!((code, out.as_str()), (2, ""));
        assert!(err.starts_with("Zip alignment utility\n"));
        assert!(err.ends_with("\n  -z: recompress using Zopfli\n"));
        let (code, _, err) = run_str(&["-x", "4", "a", "b"]);
        assert_eq!(code, 2);
        assert!(err.starts_with("ERROR: unknown flag -x\nZip alignment utility"));
        let (code, _, err) = run_str(&["-c", "0", "a"]);
        assert_eq!(code, 2);
        assert!(err.starts_with("Invalid value for alignment: 0\n"));
        let (code, _, err) = run_str(&["4", "same", "same"]);
        assert_eq!((code, err.as_str()), (1, "Input and output can't be same file\n"));
        let (code, out, err) = run_str(&["-c", "-v", "4", "/nonexistent/x.zip"]);
        assert_eq!(code, 1);
        assert_eq!(out, "Verifying alignment of /nonexistent/x.zip (4)...\n");
        assert_eq!(err, "Unable to open '/nonexistent/x.zip' for verification\n");
    }

    #[test]
    fn aligns_like_debian_zipalign() {
        // fixtures/zip/zipaligned.zip is `zipalign -f -p 4 zip-cli.zip zipaligned.zip`.
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/zip");
        let dir = std::env::temp_dir().join(format!("signkit-zipalign-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("out.zip");
        let input = fixtures.join("zip-cli.zip");
        let s = |p: &Path| p.to_str().unwrap().to_owned();
        let (code, stdout, stderr) = run_str(&["-f", "-p", "-v", "4", &s(&input), &s(&out)]);
        assert_eq!((code, stderr.as_str()), (0, ""));
        assert!(stdout.ends_with("Verification successful\n"), "{stdout}");
        assert_eq!(
            std::fs::read(&out).unwrap(),
            std::fs::read(fixtures.join("zipaligned.zip")).unwrap()
        );
        // Without -f an existing output is refused and left alone.
        let (code, _, stderr) = run_str(&["4", &s(&input), &s(&out)]);
        assert_eq!((code, stderr), (1, format!("Output file '{}' exists\n", s(&out))));
        // The input is misaligned at 4: -c says so.
        let (code, stdout, _) = run_str(&["-c", "-v", "4", &s(&input)]);
        assert_eq!(code, 1);
        assert!(
            stdout.contains("(BAD - ") && stdout.ends_with("Verification FAILED\n"),
            "{stdout}"
        );
        // -z is refused and writes nothing.
        let z = dir.join("z.zip");
        let (code, _, stderr) = run_str(&["-z", "4", &s(&input), &s(&z)]);
        assert_eq!((code, stderr.as_str()), (1, ZOPFLI_REFUSED));
        assert!(!z.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
