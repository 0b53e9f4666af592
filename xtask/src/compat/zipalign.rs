//! `zipalign` against Debian's zipalign 10.0.0_r36.
//!
//! Random inputs (Python's zipfile with and without data descriptors, Info-ZIP
//! `zip` to a file and to a pipe, `jar`, and hand-made archives with gaps,
//! local/central mismatches, out-of-order records, odd extras and comments)
//! are aligned by both tools with every option combination; outputs, exit
//! codes, stdout and stderr must be identical (stderr's liblog time and pid
//! masked). `-c`, `-c -v` and `-c -p -v` run on every input and every output.
//! Fixed cases cover usage, bad flags and alignments, existing outputs,
//! unreadable and truncated inputs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;
use rand::RngExt as _;

use crate::compat::Ctx;
use crate::tools;

/// What one tool run produced.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn reference() -> Command {
    let mut c = Command::new("zipalign");
    c.env("TZ", "UTC").env("LC_ALL", "C.UTF-8");
    c
}

fn run_tool(mut cmd: Command, dir: &Path, args: &[String]) -> anyhow::Result<Outcome> {
    cmd.current_dir(dir).args(args);
    let out = tools::run(cmd, None)?;
    Ok(Outcome { code: out.status.code(), stdout: out.stdout, stderr: mask_log_lines(&out.stderr) })
}

/// Replaces the time and pid of liblog lines (`zip W MM-DD HH:MM:SS  pid  tid msg`).
fn mask_log_lines(stderr: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(stderr);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        match line.strip_prefix("zip W ") {
            Some(rest) if rest.len() > 15 => {
                let after_time = &rest[15..];
                let mut fields = after_time.trim_start().splitn(2, ' ');
                let _pid = fields.next();
                let msg = fields.next().unwrap_or("").trim_start();
                let mut parts = msg.splitn(2, ' ');
                let _tid = parts.next();
                let _ = write!(out, "zip W <time> <pid> <tid> {}", parts.next().unwrap_or(""));
            }
            _ => out.push_str(line),
        }
    }
    out.into_bytes()
}

/// Runs both tools with `args` in `dir`, where `out_name` (if any) is the
/// output each writes (`ref-<name>` / `our-<name>`); compares everything.
fn compare(
    ctx: &mut Ctx,
    case: &str,
    dir: &Path,
    args: &[String],
    out_name: Option<&str>,
) -> anyhow::Result<bool> {
    let with_out = |prefix: &str| -> Vec<String> {
        args.iter()
            .map(|a| if Some(a.as_str()) == out_name { format!("{prefix}-{a}") } else { a.clone() })
            .collect()
    };
    let (ref_args, our_args) = (with_out("ref"), with_out("our"));
    let our_file = out_name.map(|n| dir.join(format!("our-{n}")));
    let before = our_file.as_ref().and_then(|f| std::fs::read(f).ok());
    let r = run_tool(reference(), dir, &ref_args)?;
    let o = run_tool(ctx.tools.ours("zipalign"), dir, &our_args)?;
    // Our messages name our output file; put the reference's name back.
    let fix = |b: &[u8]| String::from_utf8_lossy(b).replace("our-", "ref-").into_bytes();
    let (o_stdout, o_stderr) = (fix(&o.stdout), fix(&o.stderr));
    let mut ok = ctx.check(case, r.code == o.code, || {
        format!("exit code {:?} vs reference {:?} ({args:?})", o.code, r.code)
    });
    ok &= ctx.check_same(case, &format!("stdout of {args:?}"), &o_stdout, &r.stdout);
    ok &= ctx.check_same(case, &format!("stderr of {args:?}"), &o_stderr, &r.stderr);
    if let (Some(name), Some(our_file)) = (out_name, our_file) {
        let after = std::fs::read(&our_file).ok();
        let ref_file = dir.join(format!("ref-{name}"));
        let rewrite_failed =
            String::from_utf8_lossy(&r.stdout).contains("zipalign: failed rewriting");
        if ref_file.exists() && !rewrite_failed && r.code.is_some() {
            // Written (the check after writing may still fail, exit 1).
            let rb = std::fs::read(&ref_file)?;
            let ob = after.unwrap_or_default();
            ok &= ctx.check(case, rb == ob, || {
                let first =
                    rb.iter().zip(&ob).position(|(a, b)| a != b).unwrap_or(rb.len().min(ob.len()));
                format!(
                    "output of {args:?} differs at byte {first} ({} vs {} bytes)",
                    ob.len(),
                    rb.len()
                )
            });
        } else {
            // A failed run leaves the output as it was (zipalign leaves a partial one).
            ok &= ctx.check(case, after == before, || {
                format!("{args:?} failed but changed {}", our_file.display())
            });
        }
    }
    Ok(ok)
}

/// One random archive entry.
struct Spec {
    name: String,
    data: Vec<u8>,
    stored: bool,
}

fn random_data(ctx: &mut Ctx, max: usize) -> Vec<u8> {
    let len = match ctx.rng.random_range(0..10) {
        0 => 0,
        1..=6 => ctx.rng.random_range(1..2000),
        _ => ctx.rng.random_range(1..max.max(2)),
    };
    if ctx.rng.random_bool(0.5) {
        let words = ["alpha ", "beta ", "lib", ".so ", "android\n", "zip ", "align "];
        let mut v = Vec::with_capacity(len);
        while v.len() < len {
            v.extend_from_slice(words[ctx.rng.random_range(0..words.len())].as_bytes());
        }
        v.truncate(len);
        v
    } else {
        (0..len).map(|_| ctx.rng.random::<u8>()).collect()
    }
}

fn random_specs(ctx: &mut Ctx, ascii_only: bool, max: usize) -> Vec<Spec> {
    let n = ctx.rng.random_range(1..12);
    let mut specs: Vec<Spec> = Vec::new();
    let ascii: Vec<char> = "abcdefghijklmnopqrstuvwxyz0123456789_-".chars().collect();
    let wide: Vec<char> = "abcxyz_-\u{e9}\u{fc}\u{540d}\u{442}".chars().collect();
    for i in 0..n {
        let alphabet = if ascii_only { &ascii } else { &wide };
        let stem_len = ctx.rng.random_range(1..12);
        // Names start with a letter, so no tool takes them for options.
        let mut name = format!("n{}", ctx.random_string(alphabet, stem_len));
        if ctx.rng.random_bool(0.3) {
            name = format!("d.{}/{name}", ctx.random_string(&ascii, 3));
        }
        let ext = [".so", ".txt", ".bin", ".dex", "", ".so.1", ".arsc"][ctx.rng.random_range(0..7)];
        name = format!("{name}{i}{ext}");
        let data = random_data(ctx, max);
        let stored = ctx.rng.random_bool(0.5);
        specs.push(Spec { name, data, stored });
    }
    specs
}

fn py_bytes(b: &[u8]) -> String {
    let mut s = String::from("b'");
    for &c in b {
        let _ = write!(s, "\\x{c:02x}");
    }
    s.push('\'');
    s
}

fn py_str(s: &str) -> String {
    let mut o = String::from("'");
    for c in s.chars() {
        let _ = write!(o, "\\u{:04x}", u32::from(c));
    }
    o.push('\'');
    o
}

/// An archive written by Python's zipfile (to a seekable file, or to an
/// unseekable stream, which gives data descriptors), with random extras,
/// entry comments and an archive comment.
fn python_zip(ctx: &mut Ctx, dir: &Path, specs: &[Spec]) -> anyhow::Result<PathBuf> {
    let stream = ctx.rng.random_bool(0.4);
    let mut script = String::from(
        "import zipfile\nclass W:\n    def __init__(s): s.b=bytearray()\n    def write(s,d): s.b+=d; return len(d)\n    def flush(s): pass\n",
    );
    script.push_str(if stream {
        "w=W()\nz=zipfile.ZipFile(w,'w')\n"
    } else {
        "z=zipfile.ZipFile('in.zip','w')\n"
    });
    if ctx.rng.random_bool(0.3) {
        let _ = writeln!(script, "z.comment={}", py_bytes(b"an archive comment"));
    }
    for s in specs {
        let (y, mo, d) = (
            ctx.rng.random_range(1980..2100),
            ctx.rng.random_range(1..13),
            ctx.rng.random_range(1..29),
        );
        let _ = writeln!(script, "zi=zipfile.ZipInfo({},({y},{mo},{d},1,2,4))", py_str(&s.name));
        let _ = writeln!(
            script,
            "zi.compress_type=zipfile.{}",
            if s.stored { "ZIP_STORED" } else { "ZIP_DEFLATED" }
        );
        if ctx.rng.random_bool(0.3) {
            let len = ctx.rng.random_range(0..9u8);
            let mut extra = vec![0x99, 0x99, len, 0];
            extra.extend((0..len).map(|i| i.wrapping_mul(37)));
            let _ = writeln!(script, "zi.extra={}", py_bytes(&extra));
        }
        if ctx.rng.random_bool(0.2) {
            let _ = writeln!(script, "zi.comment={}", py_bytes(b"entry comment"));
        }
        if stream {
            let _ = writeln!(script, "with z.open(zi,'w') as f: f.write({})", py_bytes(&s.data));
        } else {
            let _ = writeln!(
                script,
                "z.writestr(zi,{},compresslevel={})",
                py_bytes(&s.data),
                ctx.rng.random_range(1..10)
            );
        }
    }
    script.push_str("z.close()\n");
    if stream {
        script.push_str("open('in.zip','wb').write(bytes(w.b))\n");
    }
    std::fs::write(dir.join("gen.py"), script)?;
    let out = tools::run(
        {
            let mut c = Command::new("python3");
            c.current_dir(dir).arg("gen.py");
            c
        },
        None,
    )?;
    anyhow::ensure!(
        out.status.success(),
        "python zipfile failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(dir.join("in.zip"))
}

fn write_files(dir: &Path, specs: &[Spec]) -> anyhow::Result<PathBuf> {
    let files = dir.join("files");
    for s in specs {
        let p = files.join(&s.name);
        std::fs::create_dir_all(p.parent().context("no parent")?)?;
        std::fs::write(&p, &s.data)?;
    }
    Ok(files)
}

/// An archive made by Info-ZIP `zip` (to a file, or through a pipe, which
/// gives data descriptors), `.so`/`.bin` stored.
fn info_zip(ctx: &mut Ctx, dir: &Path, specs: &[Spec]) -> anyhow::Result<PathBuf> {
    let files = write_files(dir, specs)?;
    let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    let mut flags = vec!["-q".to_owned(), "-n".to_owned(), ".so:.bin".to_owned()];
    if ctx.rng.random_bool(0.3) {
        flags.push("-X".into());
    }
    if ctx.rng.random_bool(0.2) {
        flags.push("-0".into());
    }
    let pipe = ctx.rng.random_bool(0.4);
    let mut c = Command::new("sh");
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    let target = if pipe { "- ".to_owned() } else { "../in.zip ".to_owned() };
    let script = format!(
        "zip {} {target}{}{}",
        flags.join(" "),
        quoted.join(" "),
        if pipe { " | cat > ../in.zip" } else { "" }
    );
    c.current_dir(&files).args(["-c", &script]);
    let out = tools::run(c, None)?;
    anyhow::ensure!(out.status.success(), "zip failed: {}", String::from_utf8_lossy(&out.stderr));
    if ctx.rng.random_bool(0.3) {
        let mut c = Command::new("sh");
        c.current_dir(dir).args(["-c", "echo 'a zip comment' | zip -q -z in.zip"]);
        let out = tools::run(c, None)?;
        anyhow::ensure!(
            out.status.success(),
            "zip -z failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(dir.join("in.zip"))
}

/// An archive made by the JDK's `jar` (data descriptors, the JAR magic).
fn jar(ctx: &mut Ctx, dir: &Path, specs: &[Spec]) -> anyhow::Result<PathBuf> {
    let files = write_files(dir, specs)?;
    let flag = if ctx.rng.random_bool(0.3) { "cf0" } else { "cf" };
    let mut c = ctx.tools.jdk("jar");
    c.current_dir(&files).arg(flag).arg("../in.zip").args(specs.iter().map(|s| s.name.as_str()));
    let out = tools::run(c, None)?;
    anyhow::ensure!(out.status.success(), "jar failed: {}", String::from_utf8_lossy(&out.stderr));
    Ok(dir.join("in.zip"))
}

fn le16(v: &mut Vec<u8>, x: usize) {
    v.extend_from_slice(&u16::try_from(x).unwrap_or(u16::MAX).to_le_bytes());
}

fn le32(v: &mut Vec<u8>, x: u64) {
    v.extend_from_slice(&u32::try_from(x).unwrap_or(u32::MAX).to_le_bytes());
}

/// A hand-made archive: stored entries with a deflate-looking method byte
/// only where valid, gaps between records, local headers that differ from
/// the central ones (time, extra), data descriptors with and without
/// signature, central records in a different order than the data, entry and
/// archive comments.
fn handmade(ctx: &mut Ctx, dir: &Path, specs: &[Spec]) -> anyhow::Result<PathBuf> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    if ctx.rng.random_bool(0.3) {
        out.extend(std::iter::repeat_n(0u8, ctx.rng.random_range(1..40)));
    }
    for s in specs {
        if ctx.rng.random_bool(0.3) {
            out.extend(std::iter::repeat_n(0xAAu8, ctx.rng.random_range(1..9)));
        }
        let crc = crc32(&s.data);
        let dd = ctx.rng.random_bool(0.25);
        let dd_sig = ctx.rng.random_bool(0.7);
        let time_lfh = if ctx.rng.random_bool(0.2) { 0x1111 } else { 0x2222 };
        let lfh_extra: Vec<u8> =
            if ctx.rng.random_bool(0.4) { vec![0; ctx.rng.random_range(0..7)] } else { Vec::new() };
        let cd_extra: Vec<u8> =
            if ctx.rng.random_bool(0.3) { vec![0x55, 0x54, 1, 0, 1] } else { Vec::new() };
        let flags: usize =
            if dd { 8 } else { 0 } | if ctx.rng.random_bool(0.3) { 0x800 } else { 0 };
        let offset = out.len() as u64;
        let size = s.data.len() as u64;
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        le16(&mut out, 10);
        le16(&mut out, flags);
        le16(&mut out, 0);
        le16(&mut out, time_lfh);
        le16(&mut out, 0x5678);
        le32(&mut out, if dd { 0 } else { u64::from(crc) });
        le32(&mut out, if dd { 0 } else { size });
        le32(&mut out, if dd { 0 } else { size });
        le16(&mut out, s.name.len());
        le16(&mut out, lfh_extra.len());
        out.extend_from_slice(s.name.as_bytes());
        out.extend_from_slice(&lfh_extra);
        out.extend_from_slice(&s.data);
        if dd {
            if dd_sig {
                out.extend_from_slice(&0x0807_4b50u32.to_le_bytes());
            }
            le32(&mut out, u64::from(crc));
            le32(&mut out, size);
            le32(&mut out, size);
        }
        let mut c = Vec::new();
        c.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        le16(&mut c, 0x031e);
        le16(&mut c, 10);
        le16(&mut c, flags);
        le16(&mut c, 0);
        le16(&mut c, 0x2222);
        le16(&mut c, 0x5678);
        le32(&mut c, u64::from(crc));
        le32(&mut c, size);
        le32(&mut c, size);
        le16(&mut c, s.name.len());
        le16(&mut c, cd_extra.len());
        let comment: &[u8] = if ctx.rng.random_bool(0.2) { b"cd comment" } else { b"" };
        le16(&mut c, comment.len());
        le16(&mut c, 0);
        le16(&mut c, 0);
        le32(&mut c, 0o100_644 << 16);
        le32(&mut c, offset);
        c.extend_from_slice(s.name.as_bytes());
        c.extend_from_slice(&cd_extra);
        c.extend_from_slice(comment);
        central.push(c);
    }
    if ctx.rng.random_bool(0.3) {
        central.reverse();
    }
    let cd_offset = out.len() as u64;
    for c in &central {
        out.extend_from_slice(c);
    }
    let cd_size = out.len() as u64 - cd_offset;
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    le16(&mut out, 0);
    le16(&mut out, 0);
    le16(&mut out, central.len());
    le16(&mut out, central.len());
    le32(&mut out, cd_size);
    le32(&mut out, cd_offset);
    let comment: &[u8] = if ctx.rng.random_bool(0.3) { b"hand-made comment" } else { b"" };
    le16(&mut out, comment.len());
    out.extend_from_slice(comment);
    let path = dir.join("in.zip");
    std::fs::write(&path, out)?;
    Ok(path)
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Every option combination of the align mode (`-z` is refused: see `zopfli_refused`).
const ALIGN_FLAGS: &[&[&str]] =
    &[&[], &["-p"], &["-v"], &["-p", "-v"], &["-pv"], &["-f", "-p", "-v"]];
/// Every option combination of the check mode (zipalign ignores `-z` and `-f` there).
const CHECK_FLAGS: &[&[&str]] =
    &[&["-c"], &["-c", "-v"], &["-c", "-p"], &["-c", "-p", "-v"], &["-cpvz"]];

fn align_and_check(ctx: &mut Ctx, case: &str, dir: &Path) -> anyhow::Result<()> {
    let alignments = [1, 2, 3, 4, 8, 16, 4096];
    let alignment = if ctx.rng.random_bool(0.2) {
        ctx.rng.random_range(1..70_000)
    } else {
        alignments[ctx.rng.random_range(0..alignments.len())]
    };
    let a = alignment.to_string();
    for (i, flags) in ALIGN_FLAGS.iter().enumerate() {
        let out = format!("out{i}.zip");
        let mut args: Vec<String> = flags.iter().map(|s| (*s).to_owned()).collect();
        args.extend([a.clone(), "in.zip".into(), out.clone()]);
        compare(ctx, case, dir, &args, Some(&out))?;
        // The check of the reference's output, by both tools.
        if dir.join(format!("ref-{out}")).exists() {
            for cf in CHECK_FLAGS {
                let mut args: Vec<String> = cf.iter().map(|s| (*s).to_owned()).collect();
                args.extend([a.clone(), format!("ref-{out}")]);
                compare(ctx, case, dir, &args, None)?;
            }
        }
    }
    for cf in CHECK_FLAGS {
        let mut args: Vec<String> = cf.iter().map(|s| (*s).to_owned()).collect();
        args.extend([a.clone(), "in.zip".into()]);
        compare(ctx, case, dir, &args, None)?;
    }
    Ok(())
}

fn fixed_cases(ctx: &mut Ctx) -> anyhow::Result<()> {
    let dir = ctx.case_dir("fixed")?;
    let specs = vec![
        Spec { name: "a.txt".into(), data: b"hello".repeat(50), stored: false },
        Spec { name: "lib/x86/libz.so".into(), data: vec![7; 300], stored: true },
    ];
    handmade(ctx, &dir, &specs)?;
    std::fs::write(dir.join("junk.zip"), b"this is not a zip file at all, no end record here")?;
    std::fs::write(dir.join("ref-exists.zip"), b"old")?;
    std::fs::write(dir.join("our-exists.zip"), b"old")?;
    // The first entry claims more data than the file has: the records parse,
    // the copy fails ("copy of ... failed", "failed rewriting").
    let mut short = std::fs::read(dir.join("in.zip"))?;
    let cd = short.windows(4).position(|w| w == b"PK\x01\x02").context("no central record")?;
    short[cd + 20..cd + 28].copy_from_slice(&[0, 0, 0, 0x10, 0, 0, 0, 0x10]);
    std::fs::write(dir.join("short.zip"), short)?;
    let cases: &[(&[&str], Option<&str>)] = &[
        (&[], None),
        (&["4"], None),
        (&["4", "in.zip"], None),
        (&["-x", "4", "in.zip", "o.zip"], None),
        (&["-c", "4", "in.zip", "extra"], None),
        (&["0", "in.zip", "o.zip"], None),
        (&["-4", "in.zip", "o.zip"], None),
        (&["4k", "in.zip", "o.zip"], None),
        (&["-c", "abc", "in.zip"], None),
        (&["4", "in.zip", "in.zip"], None),
        (&["4", "in.zip", "exists.zip"], Some("exists.zip")),
        (&["-f", "4", "in.zip", "exists.zip"], Some("exists.zip")),
        (&["4", "missing.zip", "o1.zip"], Some("o1.zip")),
        (&["4", "junk.zip", "o2.zip"], Some("o2.zip")),
        (&["-c", "-v", "4", "junk.zip"], None),
        (&["-c", "4", "missing.zip"], None),
        (&["-v", "4", "in.zip", "no-such-dir/o.zip"], None),
        (&["-", "-v", "4", "in.zip", "o3.zip"], Some("o3.zip")),
        (&["-c", "-v", "4294967300", "in.zip"], None),
        (&["4", "short.zip", "o4.zip"], Some("o4.zip")),
        (&["-c", "-v", "4", "short.zip"], None),
    ];
    for (args, out) in cases {
        let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        compare(ctx, &format!("fixed {args:?}"), &dir, &args, *out)?;
    }
    zopfli_refused(ctx, &dir)
}

/// `-z` recompresses with Zopfli; no Zopfli available to us writes libzopfli
/// 1.0.3's bytes, so ours refuses it (exit 1, a message, no output file).
fn zopfli_refused(ctx: &mut Ctx, dir: &Path) -> anyhow::Result<()> {
    let o = run_tool(
        ctx.tools.ours("zipalign"),
        dir,
        &["-z".into(), "4".into(), "in.zip".into(), "z.zip".into()],
    )?;
    let case = "fixed -z refused";
    ctx.check(case, o.code == Some(1), || format!("exit code {:?}", o.code));
    ctx.check(
        case,
        String::from_utf8_lossy(&o.stderr)
            .contains("-z (recompress using Zopfli) is not supported"),
        || format!("stderr {:?}", String::from_utf8_lossy(&o.stderr)),
    );
    ctx.check(case, !dir.join("z.zip").exists(), || "output written".into());
    Ok(())
}

pub(crate) fn run(ctx: &mut Ctx) -> anyhow::Result<()> {
    tools::which("zipalign")?;
    fixed_cases(ctx)?;
    let cases = ctx.random_cases(36);
    for i in 0..cases {
        let kind = i % 4;
        let dir = ctx.case_dir(&format!("random{i}"))?;
        let max = if ctx.rng.random_bool(0.5) { 20_000 } else { 300_000 };
        let specs = random_specs(ctx, kind != 0, max);
        let made = match kind {
            0 => python_zip(ctx, &dir, &specs),
            1 => info_zip(ctx, &dir, &specs),
            2 => jar(ctx, &dir, &specs),
            _ => handmade(ctx, &dir, &specs),
        };
        let case = format!("random #{i} ({})", ["python", "zip", "jar", "hand-made"][kind]);
        match made {
            Ok(_) => align_and_check(ctx, &case, &dir)?,
            Err(e) => ctx.fail(&case, format!("making the input: {e:#}")),
        }
    }
    Ok(())
}
