//! Area `keytool`: signkit's keytool against JDK 17's, output byte for byte.
//!
//! - Fixed cases: error, usage and prompt paths (stdout, stderr and exit
//!   code), each run as a real `keytool` process next to ours.
//! - Random stores: JDK-made PKCS12/JKS/JCEKS stores with RSA/DSA/EC/Ed25519
//!   keys of random sizes and curves, chains, trusted certificates, secret
//!   keys, mixed-case and non-ASCII aliases and random passwords; each is
//!   listed by both tools (`-list`, `-list -v`, `-list -rfc`, `-list` without
//!   a password, `-list -alias`, `-exportcert -rfc`, `-printcert -file`) and
//!   the outputs are diffed with only the `Keystore provider:` line masked.
//! - Conversions: our `-importkeystore` into each of the three types, next to
//!   the JDK's; the outputs are diffed, both results are listed by the JDK
//!   and diffed, and JDK `jarsigner` signs a jar with converted keys and
//!   verifies it.
//!
//! JDK commands that do not exercise process-level behaviour run in one JVM
//! through `KeytoolDriver.java`, which calls `sun.security.tools.keytool.Main`
//! once per command (a JVM start costs ~0.4 s).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use rand::RngExt as _;

use crate::compat::Ctx;
use crate::tools;

const DRIVER_SOURCE: &str = include_str!("keytool/KeytoolDriver.java");

/// The outcome of one keytool run.
#[derive(Debug, Clone)]
struct Run {
    out: Vec<u8>,
    err: Vec<u8>,
    rc: i32,
}

/// JDK keytool commands to run in one JVM.
struct Batch {
    dir: PathBuf,
    lines: String,
    count: usize,
}

impl Batch {
    fn new(dir: &Path) -> Self {
        Self { dir: dir.to_path_buf(), lines: String::new(), count: 0 }
    }

    /// Queues `keytool <args>` with `stdin`; returns its index.
    fn add(&mut self, stdin: &str, args: &[String]) -> usize {
        let prefix = self.dir.join(format!("jdk-{:05}", self.count));
        self.lines.push_str(&prefix.to_string_lossy());
        self.lines.push('\t');
        self.lines.push_str(&stdin.replace('\n', "\\n"));
        for a in args {
            debug_assert!(!a.contains(['\t', '\n']));
            self.lines.push('\t');
            self.lines.push_str(a);
        }
        self.lines.push('\n');
        self.count += 1;
        self.count - 1
    }

    fn run(self, ctx: &Ctx) -> anyhow::Result<Vec<Run>> {
        if self.count == 0 {
            return Ok(Vec::new());
        }
        let driver = self.dir.join("KeytoolDriver.java");
        std::fs::write(&driver, DRIVER_SOURCE)?;
        let batch = self.dir.join("batch.txt");
        std::fs::write(&batch, &self.lines)?;
        let mut cmd = ctx.tools.jdk("java");
        cmd.args([
            "--add-exports",
            "java.base/sun.security.tools.keytool=ALL-UNNAMED",
            "-Djava.security.manager=allow",
        ])
        .arg(&driver)
        .arg(&batch);
        let out = tools::run(cmd, None)?;
        if !out.status.success() {
            bail!("keytool driver failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        (0..self.count)
            .map(|i| {
                let p = self.dir.join(format!("jdk-{i:05}"));
                let read = |ext: &str| {
                    std::fs::read(p.with_extension(ext))
                        .with_context(|| format!("{}.{ext}", p.display()))
                };
                Ok(Run {
                    out: read("out")?,
                    err: read("err")?,
                    rc: String::from_utf8_lossy(&read("rc")?).trim().parse().unwrap_or(-1),
                })
            })
            .collect()
    }
}

/// Runs our keytool in `dir` with `stdin`.
fn ours(ctx: &Ctx, dir: &Path, stdin: &str, args: &[String]) -> anyhow::Result<Run> {
    let mut cmd = ctx.tools.ours("keytool");
    cmd.current_dir(dir).args(args);
    let o = tools::run(cmd, Some(stdin.as_bytes()))?;
    Ok(Run { out: o.stdout, err: o.stderr, rc: o.status.code().unwrap_or(-1) })
}

/// Runs the JDK's keytool as a process in `dir`.
fn jdk_process(ctx: &Ctx, dir: &Path, stdin: &str, args: &[String]) -> anyhow::Result<Run> {
    let mut cmd = ctx.tools.jdk("keytool");
    cmd.current_dir(dir).args(args);
    let o = tools::run(cmd, Some(stdin.as_bytes()))?;
    Ok(Run { out: o.stdout, err: o.stderr, rc: o.status.code().unwrap_or(-1) })
}

/// keytool's `Keystore provider:` line, which signkit need not match.
fn mask_provider(b: &[u8]) -> Vec<u8> {
    let s = String::from_utf8_lossy(b);
    let mut out = String::with_capacity(s.len());
    for line in s.split_inclusive('\n') {
        if line.starts_with("Keystore provider: ") {
            out.push_str("Keystore provider: *\n");
        } else {
            out.push_str(line);
        }
    }
    out.into_bytes()
}

/// Compares two runs: exit code, stdout (provider masked), stderr.
fn compare(ctx: &mut Ctx, case: &str, ours: &Run, reference: &Run) {
    if ours.rc != reference.rc {
        ctx.fail(
            case,
            format!(
                "exit code {} vs JDK {}\n  ours: {}\n  jdk:  {}",
                ours.rc,
                reference.rc,
                String::from_utf8_lossy(&ours.out).lines().next().unwrap_or(""),
                String::from_utf8_lossy(&reference.out).lines().next().unwrap_or("")
            ),
        );
        return;
    }
    let (a, b) = (mask_provider(&ours.out), mask_provider(&reference.out));
    if !ctx.check_same(case, "stdout", &a, &b) {
        return;
    }
    ctx.check_same(case, "stderr", &ours.err, &reference.err);
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| (*x).to_owned()).collect()
}

fn pick<'a, T>(ctx: &mut Ctx, items: &'a [T]) -> &'a T {
    &items[ctx.rng.random_range(0..items.len())]
}

// ---------------------------------------------------------------------------
// Random stores.

const TYPES: [&str; 3] = ["pkcs12", "jks", "jceks"];

/// Letters for aliases: mixed case ASCII and non-ASCII letters.
const ALIAS_CHARS: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'k', 'm', 'q', 'x', 'z', 'A', 'B', 'K', 'M', 'Q', 'Z', '0', '7', '-',
    '_', '\u{e4}', '\u{c9}', '\u{f1}', '\u{fc}', '\u{d6}', '\u{3b1}', '\u{416}', '\u{5bf8}',
];
const PASS_CHARS: &[char] = &[
    'a', 'b', 'c', 'x', 'y', 'z', 'A', 'B', 'Q', 'Z', '0', '1', '5', '9', '!', '%', '+', '.', '=',
    '_', '-',
];

#[derive(Clone, Debug)]
enum Entry {
    Key {
        alias: String,
        keyalg: Vec<String>,
        sigalg: Option<&'static str>,
        dname: String,
        exts: Vec<String>,
        validity: u32,
    },
    Trusted {
        alias: String,
        of: String,
    },
    Chained {
        alias: String,
        signer: String,
    },
    Secret {
        alias: String,
        alg: &'static str,
        size: u32,
    },
}

#[derive(Clone, Debug)]
struct Store {
    dir: PathBuf,
    name: String,
    kind: &'static str,
    pass: String,
    entries: Vec<Entry>,
}

impl Store {
    fn path(&self) -> String {
        self.dir.join(&self.name).to_string_lossy().into_owned()
    }
    fn key_aliases(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter_map(|e| match e {
                Entry::Key { alias, .. } | Entry::Chained { alias, .. } => Some(alias.clone()),
                _ => None,
            })
            .collect()
    }
}

fn random_alias(ctx: &mut Ctx, taken: &mut Vec<String>) -> String {
    loop {
        let len = ctx.rng.random_range(1..10);
        let a = ctx.random_string(ALIAS_CHARS, len);
        let folded = a.to_lowercase();
        if !taken.contains(&folded) {
            taken.push(folded);
            return a;
        }
    }
}

fn random_key(ctx: &mut Ctx) -> (Vec<String>, Option<&'static str>) {
    match ctx.rng.random_range(0..10) {
        0..=3 => {
            let bits = *pick(ctx, &[1024u32, 2048, 2048, 2048, 3072]);
            let sig = *pick(
                ctx,
                &[None, None, Some("SHA1withRSA"), Some("SHA384withRSA"), Some("SHA512withRSA")],
            );
            (s(&["-keyalg", "RSA", "-keysize", &bits.to_string()]), sig)
        }
        4..=5 => {
            let bits = *pick(ctx, &[1024u32, 2048]);
            let sig = if bits == 1024 { *pick(ctx, &[None, Some("SHA1withDSA")]) } else { None };
            (s(&["-keyalg", "DSA", "-keysize", &bits.to_string()]), sig)
        }
        6..=8 => {
            let curve = *pick(ctx, &["secp256r1", "secp384r1", "secp521r1"]);
            let sig = *pick(ctx, &[None, None, Some("SHA1withECDSA"), Some("SHA512withECDSA")]);
            (s(&["-keyalg", "EC", "-groupname", curve]), sig)
        }
        _ => (s(&["-keyalg", "Ed25519"]), None),
    }
}

fn random_dname(ctx: &mut Ctx, n: usize) -> String {
    let templates = [
        format!("CN=Key {n}, OU=Dev, O=Example, L=City, ST=State, C=US"),
        format!("CN=J\u{fc}rgen M\u{fc}ller {n}, O=B\u{e4}ckerei\\, GmbH, C=DE"),
        format!("CN=signer{n}"),
        format!("CN=\"quoted, name {n}\", OU=a+OU=b, O=x"),
        format!("EMAILADDRESS=u{n}@example.com, CN=mail {n}, DC=example, DC=com"),
        format!("CN=\u{65e5}\u{672c} {n}, O=Kaisha"),
    ];
    pick(ctx, &templates).clone()
}

fn random_exts(ctx: &mut Ctx) -> Vec<String> {
    let all = [
        "san=dns:example.com,ip:10.0.0.1,email:a@example.com,uri:https://example.com/x",
        "ku:c=digitalSignature,keyEncipherment",
        "eku=serverAuth,clientAuth",
        "eku=codeSigning",
        "bc:c=ca:true,pathlen:2",
        "aia=ocsp:uri:http://ocsp.example.com,caIssuers:uri:http://ca.example.com/ca.cer",
        "1.2.3.4.5=04:03:01:02:03",
        "ian=dns:issuer.example.com",
    ];
    let mut out = Vec::new();
    for e in all {
        if ctx.rng.random_range(0..5) == 0 {
            out.push("-ext".to_owned());
            out.push(e.to_owned());
        }
    }
    out
}

fn random_store(ctx: &mut Ctx, i: usize) -> anyhow::Result<Store> {
    let dir = ctx.case_dir(&format!("store-{i}"))?;
    let kind = TYPES[(i + ctx.rng.random_range(0..3)) % 3];
    let plen = ctx.rng.random_range(6..14);
    let pass = ctx.random_string(PASS_CHARS, plen);
    let mut taken = Vec::new();
    let mut entries = Vec::new();
    let keys = ctx.rng.random_range(1..4);
    for k in 0..keys {
        let alias = random_alias(ctx, &mut taken);
        let (keyalg, sigalg) = random_key(ctx);
        let dname = random_dname(ctx, k);
        let exts = random_exts(ctx);
        let validity = ctx.rng.random_range(1..4000);
        entries.push(Entry::Key { alias, keyalg, sigalg, dname, exts, validity });
    }
    let first_key = match &entries[0] {
        Entry::Key { alias, .. } => alias.clone(),
        _ => unreachable!("the first entry is a key"),
    };
    if ctx.rng.random_range(0..2) == 0 {
        let alias = random_alias(ctx, &mut taken);
        entries.push(Entry::Trusted { alias, of: first_key.clone() });
    }
    if ctx.rng.random_range(0..3) == 0 {
        let alias = random_alias(ctx, &mut taken);
        entries.push(Entry::Chained { alias, signer: first_key });
    }
    if kind != "jks" && ctx.rng.random_range(0..2) == 0 {
        let alias = random_alias(ctx, &mut taken);
        let (alg, size) =
            *pick(ctx, &[("AES", 128u32), ("AES", 256), ("HmacSHA256", 256), ("DESede", 168)]);
        entries.push(Entry::Secret { alias, alg, size });
    }
    Ok(Store { dir, name: format!("store.{kind}"), kind, pass, entries })
}

/// The JDK commands that make `st`.
fn generate(st: &Store, batch: &mut Batch) -> Vec<usize> {
    let ks = st.path();
    let common = |extra: &[String]| {
        let mut v = s(&[
            "-keystore",
            &ks,
            "-storetype",
            st.kind,
            "-storepass",
            &st.pass,
            "-keypass",
            &st.pass,
        ]);
        v.extend_from_slice(extra);
        v
    };
    let mut ids = Vec::new();
    for e in &st.entries {
        match e {
            Entry::Key { alias, keyalg, sigalg, dname, exts, validity } => {
                let mut a = s(&[
                    "-genkeypair",
                    "-alias",
                    alias,
                    "-dname",
                    dname,
                    "-validity",
                    &validity.to_string(),
                ]);
                a.extend(keyalg.iter().cloned());
                if let Some(sig) = sigalg {
                    a.extend(s(&["-sigalg", sig]));
                }
                a.extend(exts.iter().cloned());
                ids.push(batch.add("", &common(&a)));
            }
            Entry::Trusted { alias, of } => {
                let cer = st.dir.join("exported.cer").to_string_lossy().into_owned();
                ids.push(batch.add("", &common(&s(&["-exportcert", "-alias", of, "-file", &cer]))));
                ids.push(batch.add(
                    "",
                    &common(&s(&["-importcert", "-noprompt", "-alias", alias, "-file", &cer])),
                ));
            }
            Entry::Chained { alias, signer } => {
                let csr = st.dir.join("req.csr").to_string_lossy().into_owned();
                let pem = st.dir.join("issued.pem").to_string_lossy().into_owned();
                ids.push(batch.add(
                    "",
                    &common(&s(&[
                        "-genkeypair",
                        "-alias",
                        alias,
                        "-keyalg",
                        "EC",
                        "-dname",
                        "CN=issued leaf, O=Chain",
                    ])),
                ));
                ids.push(batch.add("", &common(&s(&["-certreq", "-alias", alias, "-file", &csr]))));
                ids.push(batch.add(
                    "",
                    &common(&s(&[
                        "-gencert",
                        "-rfc",
                        "-alias",
                        signer,
                        "-infile",
                        &csr,
                        "-outfile",
                        &pem,
                        "-ext",
                        "eku=codeSigning",
                    ])),
                ));
                ids.push(batch.add(
                    "",
                    &common(&s(&["-importcert", "-noprompt", "-alias", alias, "-file", &pem])),
                ));
            }
            Entry::Secret { alias, alg, size } => {
                ids.push(batch.add(
                    "",
                    &common(&s(&[
                        "-genseckey",
                        "-alias",
                        alias,
                        "-keyalg",
                        alg,
                        "-keysize",
                        &size.to_string(),
                    ])),
                ));
            }
        }
    }
    // A certificate file for -printcert: the first key's certificate, DER.
    let cer = st.dir.join("printme.cer").to_string_lossy().into_owned();
    if let Some(first) = st.key_aliases().first() {
        ids.push(batch.add("", &common(&s(&["-exportcert", "-alias", first, "-file", &cer]))));
    }
    ids
}

/// The read-side commands run on every store.
fn listings(st: &Store) -> Vec<(&'static str, String, Vec<String>)> {
    let ks = st.path();
    let p = &st.pass;
    let first = st.key_aliases().first().cloned().unwrap_or_default();
    let mut v = vec![
        ("list", String::new(), s(&["-list", "-keystore", &ks, "-storepass", p])),
        ("list -v", String::new(), s(&["-list", "-v", "-keystore", &ks, "-storepass", p])),
        ("list -rfc", String::new(), s(&["-list", "-rfc", "-keystore", &ks, "-storepass", p])),
        ("list, no password", "\n".to_owned(), s(&["-list", "-keystore", &ks])),
        (
            "list -v -alias",
            String::new(),
            s(&["-list", "-v", "-alias", &first, "-keystore", &ks, "-storepass", p]),
        ),
        (
            "exportcert -rfc",
            String::new(),
            s(&["-exportcert", "-rfc", "-alias", &first, "-keystore", &ks, "-storepass", p]),
        ),
    ];
    let cer = st.dir.join("printme.cer").to_string_lossy().into_owned();
    v.push(("printcert -file", String::new(), s(&["-printcert", "-file", &cer])));
    if st.entries.iter().any(|e| matches!(e, Entry::Chained { .. })) {
        let pem = st.dir.join("issued.pem").to_string_lossy().into_owned();
        v.push(("printcert -rfc chain", String::new(), s(&["-printcert", "-rfc", "-file", &pem])));
    }
    v
}

/// Area entry point.
pub(crate) fn run(ctx: &mut Ctx) -> anyhow::Result<()> {
    fixed_cases(ctx)?;

    let n = ctx.random_cases(50);
    let work = ctx.case_dir("batches")?;
    let mut stores = Vec::with_capacity(n);
    for i in 0..n {
        stores.push(random_store(ctx, i)?);
    }

    // 1. The JDK makes the stores.
    let mut gen_batch = Batch::new(&work.join("gen"));
    std::fs::create_dir_all(work.join("gen"))?;
    let gen_ids: Vec<Vec<usize>> = stores.iter().map(|st| generate(st, &mut gen_batch)).collect();
    let generated = gen_batch.run(ctx)?;
    let mut good = Vec::new();
    for (st, ids) in stores.iter().zip(&gen_ids) {
        let failed = ids.iter().find(|&&i| generated[i].rc != 0);
        match failed {
            Some(&i) => ctx.fail(
                &format!("generate {}", st.dir.display()),
                format!(
                    "JDK keytool failed: {}{}",
                    String::from_utf8_lossy(&generated[i].out),
                    String::from_utf8_lossy(&generated[i].err)
                ),
            ),
            None => good.push(st.clone()),
        }
    }

    // 2. Both tools read every store.
    let mut list_batch = Batch::new(&work.join("list"));
    std::fs::create_dir_all(work.join("list"))?;
    let mut planned = Vec::new();
    for st in &good {
        for (what, stdin, args) in listings(st) {
            let id = list_batch.add(&stdin, &args);
            planned.push((st.clone(), what, stdin, args, id));
        }
    }
    let listed = list_batch.run(ctx)?;
    for (st, what, stdin, args, id) in &planned {
        let o = ours(ctx, &st.dir, stdin, args)?;
        compare(ctx, &format!("{} {} {what}", st.kind, st.dir.display()), &o, &listed[*id]);
    }

    // 3. Conversions: ours and the JDK's -importkeystore into every type.
    conversions(ctx, &good, &work)?;
    Ok(())
}

fn conversions(ctx: &mut Ctx, stores: &[Store], work: &Path) -> anyhow::Result<()> {
    struct Conv {
        src: Store,
        dest: String,
        dest_type: &'static str,
        args: Vec<String>,
        jdk_id: usize,
    }
    let mut batch = Batch::new(&work.join("import"));
    std::fs::create_dir_all(work.join("import"))?;
    let mut convs = Vec::new();
    for st in stores {
        for dest_type in TYPES {
            let dest = st.dir.join(format!("converted.{dest_type}")).to_string_lossy().into_owned();
            let args = s(&[
                "-importkeystore",
                "-srckeystore",
                &st.path(),
                "-srcstorepass",
                &st.pass,
                "-destkeystore",
                &dest,
                "-deststoretype",
                dest_type,
                "-deststorepass",
                &st.pass,
                "-noprompt",
            ]);
            let jdk_id = batch.add("", &args);
            convs.push(Conv { src: st.clone(), dest, dest_type, args, jdk_id });
        }
    }
    let jdk = batch.run(ctx)?;
    // Keep the JDK's results beside ours.
    for c in &convs {
        let jdk_copy = format!("{}.jdk", c.dest);
        if Path::new(&c.dest).exists() {
            std::fs::rename(&c.dest, &jdk_copy)?;
        }
    }
    let mut list = Batch::new(&work.join("import-list"));
    std::fs::create_dir_all(work.join("import-list"))?;
    let mut listed = Vec::new();
    for c in &convs {
        let case =
            format!("importkeystore {} -> {} ({})", c.src.kind, c.dest_type, c.src.dir.display());
        let o = ours(ctx, &c.src.dir, "", &c.args)?;
        compare(ctx, &case, &o, &jdk[c.jdk_id]);
        if o.rc != 0 {
            continue;
        }
        let a = list.add("", &s(&["-list", "-v", "-keystore", &c.dest, "-storepass", &c.src.pass]));
        let b = list.add(
            "",
            &s(&[
                "-list",
                "-v",
                "-keystore",
                &format!("{}.jdk", c.dest),
                "-storepass",
                &c.src.pass,
            ]),
        );
        listed.push((case, c.dest.clone(), a, b));
    }
    let lists = list.run(ctx)?;
    for (case, dest, a, b) in &listed {
        let ours_listing = &lists[*a];
        let mut jdk_listing = lists[*b].clone();
        // The JDK result sits at "<dest>.jdk": name it as ours in its listing.
        let fix = |v: &[u8]| {
            String::from_utf8_lossy(v).replace(&format!("{dest}.jdk"), dest).into_bytes()
        };
        jdk_listing.out = fix(&jdk_listing.out);
        jdk_listing.err = fix(&jdk_listing.err);
        compare(ctx, &format!("{case}: JDK lists the result"), ours_listing, &jdk_listing);
    }

    // JDK jarsigner signs with converted keys and verifies the result.
    let jar_dir = ctx.case_dir("jarsigner")?;
    std::fs::write(jar_dir.join("hello.txt"), b"hello from signkit compat\n")?;
    let mut jar = ctx.tools.jdk("jar");
    jar.current_dir(&jar_dir).args(["cf", "in.jar", "hello.txt"]);
    let out = tools::run(jar, None)?;
    if !out.status.success() {
        bail!("jar cf failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let mut signed = 0;
    for c in &convs {
        // jarsigner takes the alias as an operand: one that starts with '-' reads as an option.
        let Some(alias) = c.src.key_aliases().into_iter().find(|a| !a.starts_with('-')) else {
            continue;
        };
        if signed >= 9 || !Path::new(&c.dest).exists() {
            continue;
        }
        // One signature per destination type and source type pairing, at most nine.
        if convs
            .iter()
            .take_while(|x| !std::ptr::eq(*x, c))
            .filter(|x| x.dest_type == c.dest_type && x.src.kind == c.src.kind)
            .count()
            > 0
        {
            continue;
        }
        signed += 1;
        let case =
            format!("jarsigner with {} from {} ({})", c.dest_type, c.src.kind, c.src.dir.display());
        let out_jar = jar_dir.join(format!("signed-{signed}.jar"));
        let mut sign = ctx.tools.jdk("jarsigner");
        sign.args(["-keystore", &c.dest, "-storetype", c.dest_type, "-storepass", &c.src.pass])
            .args(["-keypass", &c.src.pass, "-signedjar"])
            .arg(&out_jar)
            .arg(jar_dir.join("in.jar"))
            .arg(&alias);
        let o = tools::run(sign, None)?;
        if !ctx.check(&case, o.status.success(), || {
            format!(
                "jarsigner failed: {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        }) {
            continue;
        }
        let mut verify: Command = ctx.tools.jdk("jarsigner");
        verify.arg("-verify").arg(&out_jar);
        let v = tools::run(verify, None)?;
        let text = String::from_utf8_lossy(&v.stdout).into_owned();
        ctx.check(
            &format!("{case}: verify"),
            v.status.success() && text.contains("jar verified."),
            || format!("jarsigner -verify: {text}"),
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Fixed cases.

/// Error, usage and prompt paths, each run as a JDK process and as ours in
/// copies of the same directory.
fn fixed_cases(ctx: &mut Ctx) -> anyhow::Result<()> {
    let dir = ctx.case_dir("fixed")?;
    let d = dir.to_string_lossy().into_owned();
    // Fixture stores: one of each type, a JKS whose key password differs
    // from the store password, a JCEKS with a secret key.
    let mut b = Batch::new(&dir);
    for t in TYPES {
        let ks = format!("{d}/k.{t}");
        b.add(
            "",
            &s(&[
                "-genkeypair",
                "-keystore",
                &ks,
                "-storetype",
                t,
                "-storepass",
                "changeit",
                "-keypass",
                "changeit",
                "-alias",
                "mykey",
                "-keyalg",
                "EC",
                "-dname",
                "CN=fixed",
            ]),
        );
        b.add(
            "",
            &s(&[
                "-genkeypair",
                "-keystore",
                &ks,
                "-storetype",
                t,
                "-storepass",
                "changeit",
                "-keypass",
                "changeit",
                "-alias",
                "Other",
                "-keyalg",
                "RSA",
                "-keysize",
                "1024",
                "-sigalg",
                "SHA1withRSA",
                "-dname",
                "CN=weak",
                "-ext",
                "eku=codeSigning",
            ]),
        );
    }
    b.add(
        "",
        &s(&[
            "-genkeypair",
            "-keystore",
            &format!("{d}/kp.jks"),
            "-storetype",
            "jks",
            "-storepass",
            "changeit",
            "-keypass",
            "keypass1",
            "-alias",
            "a",
            "-keyalg",
            "EC",
            "-dname",
            "CN=a",
        ]),
    );
    b.add(
        "",
        &s(&[
            "-genseckey",
            "-keystore",
            &format!("{d}/k.jceks"),
            "-storetype",
            "jceks",
            "-storepass",
            "changeit",
            "-keypass",
            "changeit",
            "-alias",
            "aes",
            "-keyalg",
            "AES",
            "-keysize",
            "128",
        ]),
    );
    b.add(
        "",
        &s(&[
            "-exportcert",
            "-keystore",
            &format!("{d}/k.pkcs12"),
            "-storepass",
            "changeit",
            "-alias",
            "mykey",
            "-file",
            &format!("{d}/mykey.cer"),
        ]),
    );
    b.add(
        "",
        &s(&[
            "-exportcert",
            "-rfc",
            "-keystore",
            &format!("{d}/k.jks"),
            "-storepass",
            "changeit",
            "-alias",
            "other",
            "-file",
            &format!("{d}/other.pem"),
        ]),
    );
    let made = b.run(ctx)?;
    if let Some(bad) = made.iter().find(|r| r.rc != 0) {
        bail!("making the fixed-case stores failed: {}", String::from_utf8_lossy(&bad.out));
    }
    std::fs::write(dir.join("empty.p12"), b"")?;
    std::fs::write(dir.join("text.p12"), b"not a keystore\n")?;
    let jks = std::fs::read(dir.join("k.jks"))?;
    std::fs::write(dir.join("trunc.jks"), &jks[..jks.len().min(100)])?;
    std::fs::write(
        dir.join("garbage.pem"),
        b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
    )?;
    let mut two = std::fs::read(dir.join("mykey.cer"))?;
    two.extend(std::fs::read(dir.join("other.pem"))?);
    std::fs::write(dir.join("two.bin"), two)?;
    for f in ["KeytoolDriver.java", "batch.txt"] {
        let _ = std::fs::remove_file(dir.join(f));
    }
    for e in std::fs::read_dir(&dir)? {
        let p = e?.path();
        if p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("jdk-")) {
            std::fs::remove_file(p)?;
        }
    }

    let cases: Vec<(&str, &str)> = vec![
        // Help and usage.
        ("", ""),
        ("-help", ""),
        ("-list -help", ""),
        ("-genkeypair --help", ""),
        ("-importkeystore -h", ""),
        ("-printcert -?", ""),
        ("-exportcert -help", ""),
        ("-v", ""),
        ("-list -foo", ""),
        ("-list stray", ""),
        ("-list -keystore", ""),
        ("-list -list", ""),
        ("-list -printcert", ""),
        ("-list -dest", ""),
        ("-list -keystore k.pkcs12 -storepass changeit -keysize abc", ""),
        ("-list -v -rfc -keystore k.pkcs12 -storepass changeit", ""),
        ("-LIST -KEYSTORE k.pkcs12 -StorePass changeit", ""),
        ("-list -keystore k.pkcs12 -storepass changeit -v -v", ""),
        ("-list -keystore k.pkcs12 -storepass:env SIGNKIT_COMPAT_UNSET_VAR", ""),
        ("-list -keystore k.pkcs12 -storepass:file /nonexistent/pw", ""),
        ("-list -keystore k.pkcs12 -storepass:bogus x", ""),
        ("-list -keystore k.pkcs12 -storepass changeit -addprovider Nope", ""),
        ("-list -keystore k.pkcs12 -storepass changeit -providerclass no.Such", ""),
        ("-list -keystore k.pkcs12 -storepass changeit -cacerts", ""),
        ("-list -keystore k.pkcs12 -storepass changeit -protected", ""),
        ("-showinfo", ""),
        // Stores that do not load.
        ("-list -keystore missing.p12 -storepass changeit", ""),
        ("-list -keystore empty.p12 -storepass changeit", ""),
        ("-list -keystore text.p12 -storepass changeit", ""),
        ("-list -keystore trunc.jks -storepass changeit", ""),
        ("-list -keystore k.pkcs12 -storepass wrongpass", ""),
        ("-list -keystore k.jks -storepass wrongpass", ""),
        ("-list -keystore k.jceks -storepass wrongpass", ""),
        ("-list -keystore k.pkcs12 -storetype FOO -storepass changeit", ""),
        ("-list -keystore k.pkcs12 -storetype jceks -storepass changeit", ""),
        ("-list -keystore k.jks -storetype pkcs12 -storepass changeit", ""),
        ("-list -keystore k.jks -storetype jceks -storepass changeit", ""),
        ("-list -keystore k.pkcs12 -storetype pkcs11 -storepass changeit", ""),
        ("-list -keystore . -storepass changeit", ""),
        // Entries.
        ("-list -keystore k.pkcs12 -storepass changeit -alias nope", ""),
        ("-exportcert -keystore k.pkcs12 -storepass changeit -alias nope", ""),
        ("-exportcert -keystore k.jceks -storepass changeit -alias aes", ""),
        ("-exportcert -keystore k.jks -storepass changeit", ""),
        ("-exportcert -keystore k.jks -storepass changeit -alias other -file out.cer", ""),
        ("-exportcert -rfc -keystore k.pkcs12 -alias mykey", "\n"),
        ("-list -keystore k.pkcs12", "\n"),
        ("-list -v -keystore k.jks", "\n"),
        ("-list -keystore k.jceks", ""),
        ("-list -v -keystore k.jceks -storepass changeit", ""),
        // Certificates.
        ("-printcert -file mykey.cer", ""),
        ("-printcert -rfc -file two.bin", ""),
        ("-printcert -file two.bin", ""),
        ("-printcert -file missing.cer", ""),
        ("-printcert -file .", ""),
        ("-printcert -file empty.p12", ""),
        ("-printcert -file text.p12", ""),
        ("-printcert -file garbage.pem", ""),
        // Conversions.
        (
            "-importkeystore -srckeystore k.jks -destkeystore new.p12 -srcstorepass changeit -deststorepass changeit",
            "",
        ),
        (
            "-importkeystore -srckeystore k.jceks -destkeystore new.jks -deststoretype jks -srcstorepass changeit -deststorepass changeit",
            "yes\n",
        ),
        (
            "-importkeystore -srckeystore k.jceks -destkeystore new.jks -deststoretype jks -srcstorepass changeit -deststorepass changeit",
            "no\n",
        ),
        (
            "-importkeystore -srckeystore k.jks -destkeystore k.pkcs12 -srcstorepass changeit -deststorepass changeit -noprompt",
            "",
        ),
        (
            "-importkeystore -srckeystore k.jks -destkeystore k.pkcs12 -srcstorepass changeit -deststorepass changeit",
            "n\n\n",
        ),
        (
            "-importkeystore -srckeystore k.jks -destkeystore k.pkcs12 -srcstorepass changeit -deststorepass changeit -srcalias mykey",
            "n\nrenamed\n",
        ),
        (
            "-importkeystore -srckeystore k.jks -destkeystore k.pkcs12 -srcstorepass changeit -deststorepass changeit -srcalias mykey -destalias copy",
            "",
        ),
        (
            "-importkeystore -srckeystore k.jks -destkeystore k.jks -deststoretype pkcs12 -srcstorepass changeit",
            "",
        ),
        ("-importkeystore -srckeystore k.jceks -destkeystore k.jceks -srcstorepass changeit", ""),
        (
            "-importkeystore -srckeystore kp.jks -destkeystore kp.p12 -srcstorepass changeit -deststorepass changeit",
            "keypass1\n",
        ),
        (
            "-importkeystore -srckeystore kp.jks -destkeystore kp.p12 -srcstorepass changeit -deststorepass changeit",
            "wrong\n",
        ),
        (
            "-importkeystore -srckeystore kp.jks -destkeystore kp2.jks -deststoretype jks -srcstorepass changeit -deststorepass changeit -srcalias a -srckeypass keypass1 -destkeypass newpass1",
            "",
        ),
        (
            "-importkeystore -srckeystore kp.jks -destkeystore kp.p12 -srcstorepass changeit -deststorepass changeit -srcalias a -srckeypass wrongpass",
            "",
        ),
        (
            "-importkeystore -srckeystore k.jks -destkeystore n.p12",
            "changeit\nchangeit\nchangeit\n",
        ),
        ("-importkeystore -srckeystore k.jks -destkeystore n.p12", "short\nshort\nshort\n"),
        (
            "-importkeystore -srckeystore k.jks -destkeystore n.p12 -srcstorepass changeit -deststorepass changeit -destalias x",
            "",
        ),
        ("-importkeystore -destkeystore n.p12 -srcstorepass changeit -deststorepass changeit", ""),
        (
            "-importkeystore -srckeystore k.jks -destkeystore n.p12 -srcstorepass changeit -deststorepass abc",
            "",
        ),
        (
            "-importkeystore -srckeystore empty.p12 -destkeystore n.p12 -srcstorepass changeit -deststorepass changeit",
            "",
        ),
        (
            "-importkeystore -srckeystore missing.jks -destkeystore n.p12 -srcstorepass changeit -deststorepass changeit",
            "",
        ),
        (
            "-importkeystore -srckeystore k.jks -destkeystore n.p12 -srcstorepass wrongpass -deststorepass changeit",
            "",
        ),
        // Commands signkit has not implemented are refused, not imitated:
        // checked separately below.
    ];
    for (line, stdin) in cases {
        let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        let case = format!("fixed: keytool {line}");
        let (ja, oa) = (ctx.case_dir("fixed-jdk")?, ctx.case_dir("fixed-ours")?);
        copy_dir(&dir, &ja)?;
        copy_dir(&dir, &oa)?;
        let j = jdk_process(ctx, &ja, stdin, &args)?;
        let o = ours(ctx, &oa, stdin, &args)?;
        compare(ctx, &case, &o, &j);
        // What the commands left behind must be the same too: every store
        // the JDK changed or made, listed by the JDK.
        for name in changed_files(&dir, &ja)? {
            let list = |d: &Path| -> anyhow::Result<Run> {
                jdk_process(
                    ctx,
                    d,
                    "",
                    &s(&["-list", "-v", "-keystore", &name, "-storepass", "changeit"]),
                )
            };
            let (jl, ol) = (list(&ja)?, list(&oa)?);
            compare(ctx, &format!("{case}: JDK lists {name}"), &ol, &jl);
        }
    }
    // Unimplemented commands fail clearly.
    for cmd in [
        "-genkeypair",
        "-certreq",
        "-delete",
        "-importcert",
        "-storepasswd",
        "-gencert",
        "-printcrl",
    ] {
        let o = ours(ctx, &dir, "", &s(&[cmd, "-keystore", "k.pkcs12", "-storepass", "changeit"]))?;
        let text = String::from_utf8_lossy(&o.out).into_owned();
        ctx.check(
            &format!("{cmd} refused"),
            o.rc == 1 && text.contains("not supported by this version"),
            || format!("rc {} stdout {text:?}", o.rc),
        );
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        if e.file_type()?.is_file() {
            std::fs::copy(e.path(), to.join(e.file_name()))?;
        }
    }
    Ok(())
}

/// Keystore files in `after` that are new or differ from `before`.
fn changed_files(before: &Path, after: &Path) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(after)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        let is_store =
            [".p12", ".pkcs12", ".jks", ".jceks", ".old"].iter().any(|x| name.ends_with(x));
        if !is_store {
            continue;
        }
        let old = std::fs::read(before.join(&name)).ok();
        if old.as_deref() != Some(&std::fs::read(e.path())?[..]) {
            out.push(name);
        }
    }
    out.sort();
    Ok(out)
}
