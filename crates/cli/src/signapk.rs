//! `signapk`, a drop-in for AOSP signapk as Debian ships it (`java -jar
//! /usr/share/signapk/signapk.jar`, Android 10.0.0_r36 with apksig 31.0.2):
//! the same command line, usage text, exit codes and output bytes.
//!
//! ```text
//! signapk [-w] [-a <alignment>] [--min-sdk-version <n>] [--disable-v2]
//!         publickey.x509[.pem] privatekey.pk8 [publickey2 privatekey2 ...] input.jar output.jar
//! ```
//!
//! The signing is `signkit_apk`; this module parses the command line as
//! `SignApk.main` does, reads the keys and files, and prints failures the way
//! the JVM prints signapk's exceptions (the exception's first line, without
//! the stack frames), with exit code 1; usage errors exit 2.
//!
//! Deliberate differences, all on failure paths: the output is written
//! atomically, so a failed run leaves no output file (signapk leaves an
//! empty or partial one); a private key that does not match its certificate
//! is refused before anything is written (signapk fails late, or with `-w`
//! writes an invalid signature); `-providerClass` and encrypted PKCS#8 keys
//! are refused (there is no JCA provider to load, and no PBE decryption).

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use signkit_apk::{Error as ApkError, Resources, Scratch, SignApkOptions, SignerKey};
use signkit_crypto::{Certificate, PrivateKey, pem};
use signkit_zip::FileSource;

use crate::common::fsutil::AtomicFile;

/// The usage line of Debian's signapk (10.0.0_r36).
pub const USAGE: &str = "Usage: signapk [-w] [-a <alignment>] [-providerClass <className>] [--min-sdk-version <n>] [--disable-v2] publickey.x509[.pem] privatekey.pk8 [publickey2.x509[.pem] privatekey2.pk8 ...] input.jar output.jar\n";

/// The process entry point.
#[must_use]
pub fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let stderr = io::stderr();
    ExitCode::from(run(&args, &mut stderr.lock()))
}

/// A failure: the lines to print on stderr and the exit code.
#[derive(Debug)]
struct Failure {
    lines: Vec<String>,
    code: u8,
}

impl Failure {
    fn usage() -> Self {
        Self { lines: vec![USAGE.trim_end().to_owned()], code: 2 }
    }

    /// An exception caught by `SignApk.main` (`e.printStackTrace(); System.exit(1)`).
    fn exception(first: impl Into<String>) -> Self {
        Self { lines: vec![first.into()], code: 1 }
    }

    /// An exception that escapes `main` (the JVM prefixes the thread name).
    fn uncaught(first: impl Into<String>) -> Self {
        Self { lines: vec![format!("Exception in thread \"main\" {}", first.into())], code: 1 }
    }

    fn caused_by(mut self, cause: impl Into<String>) -> Self {
        self.lines.push(format!("Caused by: {}", cause.into()));
        self
    }
}

/// The parsed command line.
#[derive(Debug, Default)]
struct Args {
    whole_file: bool,
    alignment: i32,
    min_sdk_version: Option<i32>,
    v2: bool,
    keys: Vec<(PathBuf, PathBuf)>,
    input: PathBuf,
    output: PathBuf,
}

/// `Integer.parseInt`: an optional sign and ASCII digits within `i32`.
fn parse_int(s: &str) -> Option<i32> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.strip_prefix('+').unwrap_or(s).parse().ok()
}

fn number_format(s: &str) -> String {
    format!("java.lang.NumberFormatException: For input string: \"{s}\"")
}

/// `SignApk.main`'s argument handling.
fn parse_args(raw: &[OsString]) -> Result<Args, Failure> {
    let args: Vec<String> = raw.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    if args.len() < 4 {
        return Err(Failure::usage());
    }
    let out_of_bounds = |i: usize| {
        Failure::uncaught(format!(
            "java.lang.ArrayIndexOutOfBoundsException: Index {i} out of bounds for length {}",
            args.len()
        ))
    };
    let mut a = Args { alignment: 4, v2: true, ..Args::default() };
    let mut provider = None;
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') {
        match args[i].as_str() {
            "-w" => a.whole_file = true,
            "-providerClass" => {
                if i + 1 >= args.len() {
                    return Err(Failure::usage());
                }
                i += 1;
                provider = Some(args[i].clone());
            }
            "-a" => {
                i += 1;
                let v = args.get(i).ok_or_else(|| out_of_bounds(i))?;
                a.alignment = parse_int(v).ok_or_else(|| Failure::uncaught(number_format(v)))?;
            }
            "--min-sdk-version" => {
                i += 1;
                let v = args.get(i).ok_or_else(|| out_of_bounds(i))?;
                a.min_sdk_version = Some(parse_int(v).ok_or_else(|| {
                    Failure::uncaught(format!(
                        "java.lang.IllegalArgumentException: --min-sdk-version must be a decimal number: {v}"
                    ))
                })?);
            }
            "--disable-v2" => a.v2 = false,
            // Options of newer signapk versions (--enable-v4, --align-file-size,
            // --lineage, --rotation-min-sdk-version) are unknown to this one.
            _ => return Err(Failure::usage()),
        }
        i += 1;
    }
    let rest = args.len() - i;
    if rest % 2 == 1 {
        return Err(Failure::usage());
    }
    let num_keys = (rest / 2).checked_sub(1);
    if a.whole_file && num_keys.is_some_and(|n| n > 1) {
        return Err(Failure { lines: vec!["Only one key may be used with -w.".into()], code: 2 });
    }
    if let Some(class) = provider {
        return Err(Failure::exception(format!(
            "java.lang.ClassNotFoundException: {class} (signkit signapk cannot load JCA provider classes: -providerClass is not supported)"
        )));
    }
    let Some(num_keys) = num_keys else {
        return Err(Failure::exception("java.lang.NegativeArraySizeException: -1"));
    };
    for k in 0..num_keys {
        a.keys.push((PathBuf::from(&raw[i + 2 * k]), PathBuf::from(&raw[i + 2 * k + 1])));
    }
    a.input = PathBuf::from(&raw[raw.len() - 2]);
    a.output = PathBuf::from(&raw[raw.len() - 1]);
    Ok(a)
}

/// `FileInputStream`/`FileOutputStream`'s message for an open failure.
fn file_not_found(path: &Path, e: &io::Error) -> String {
    let reason = match e.kind() {
        io::ErrorKind::NotFound => "No such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "Permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "Is a directory".to_owned(),
        _ => e.to_string(),
    };
    format!("java.io.FileNotFoundException: {} ({reason})", path.display())
}

fn read_file(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::exception(file_not_found(path, &e)))
}

/// `readPublicKey`: the first certificate of a PEM or DER file, as
/// `CertificateFactory.generateCertificate` reads it.
fn read_certificate(path: &Path) -> Result<(Certificate, Vec<u8>), Failure> {
    let bytes = read_file(path)?;
    let parsed = if pem::looks_like_pem(&bytes) {
        pem::parse_all(&bytes)
            .map_err(|e| e.to_string())
            .and_then(|blocks| {
                blocks
                    .into_iter()
                    .find(|b| b.label == "CERTIFICATE" || b.label == "X509 CERTIFICATE")
                    .ok_or_else(|| "no certificate in the PEM file".to_owned())
            })
            .and_then(|b| Certificate::from_der(&b.der).map_err(|e| e.to_string()))
    } else {
        certificate_from_der_prefix(&bytes)
    };
    let cert = parsed.map_err(|detail| {
        Failure::exception(format!(
            "java.security.cert.CertificateException: {}: {detail}",
            path.display()
        ))
    })?;
    Ok((cert, bytes))
}

/// The first DER certificate of `bytes` (trailing data is ignored, as the JDK does).
fn certificate_from_der_prefix(bytes: &[u8]) -> Result<Certificate, String> {
    let len = der_length(bytes)
        .ok_or_else(|| "Could not parse certificate: not a DER certificate".to_owned())?;
    Certificate::from_der(&bytes[..len]).map_err(|e| e.to_string())
}

/// Total length of the DER TLV at the start of `b`.
fn der_length(b: &[u8]) -> Option<usize> {
    let first = *b.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for k in 0..n {
            len = (len << 8) | usize::from(*b.get(2 + k)?);
        }
        (len, 2 + n)
    };
    let total = header.checked_add(len)?;
    (total <= b.len()).then_some(total)
}

/// `readPrivateKey`: an unencrypted PKCS#8 `PrivateKeyInfo` in DER.
fn read_private_key(path: &Path) -> Result<PrivateKey, Failure> {
    let bytes = zeroize::Zeroizing::new(read_file(path)?);
    match PrivateKey::from_pkcs8_der(&bytes) {
        Ok(k) => Ok(k),
        Err(e) => {
            if is_encrypted_pkcs8(&bytes) {
                return Err(Failure::exception(format!(
                    "signapk: {}: encrypted PKCS#8 private keys are not supported; decrypt it first \
                     (openssl pkcs8 -inform DER -in {0} -outform DER -nocrypt -out key.pk8)",
                    path.display()
                )));
            }
            Err(Failure::exception(format!(
                "java.security.spec.InvalidKeySpecException: {}: {e}",
                path.display()
            )))
        }
    }
}

/// `true` when `der` is an `EncryptedPrivateKeyInfo` (`SEQUENCE { SEQUENCE
/// algorithm, OCTET STRING }`) rather than a `PrivateKeyInfo`.
fn is_encrypted_pkcs8(der: &[u8]) -> bool {
    let Some(total) = der_length(der) else { return false };
    if der[0] != 0x30 {
        return false;
    }
    let header = total - content_len(der).unwrap_or(total);
    let body = &der[header..total];
    let Some(alg_len) = der_length(body) else { return false };
    body.first() == Some(&0x30) && body.get(alg_len) == Some(&0x04)
}

fn content_len(b: &[u8]) -> Option<usize> {
    let total = der_length(b)?;
    let first = *b.get(1)?;
    let header = if first < 0x80 { 2 } else { 2 + usize::from(first & 0x7f) };
    total.checked_sub(header)
}

/// How signapk's exceptions read for each of our errors.
fn describe(e: &ApkError) -> Failure {
    match e {
        ApkError::MinSdkVersion(m) => {
            Failure::exception("java.lang.IllegalArgumentException: Cannot detect minSdkVersion. Use --min-sdk-version to override")
                .caused_by(format!("com.android.apksig.apk.MinSdkVersionException: {m}"))
        }
        // JDK compat: java.util.zip.ZipEntry's setters throw IllegalArgumentException,
        // ZipOutputStream and ZipFile throw ZipException.
        ApkError::Zip(signkit_zip::Error::Java(m))
            if matches!(
                m.as_str(),
                "entry name too long"
                    | "invalid entry size"
                    | "invalid entry crc-32"
                    | "invalid compression method"
                    | "invalid extra field length"
                    | "invalid compression level"
            ) =>
        {
            Failure::exception(format!("java.lang.IllegalArgumentException: {m}"))
        }
        ApkError::Zip(z) => Failure::exception(format!("java.util.zip.ZipException: {z}")),
        ApkError::Manifest(m) => {
            Failure::exception("com.android.apksig.apk.ApkFormatException: Malformed source META-INF/MANIFEST.MF")
                .caused_by(format!("java.io.IOException: {m}"))
        }
        ApkError::InvalidKey(m) => Failure::exception(format!("java.security.InvalidKeyException: {m}")),
        ApkError::Signing { signer, detail } => {
            Failure::exception(format!("java.security.SignatureException: Failed to sign using signer \"{signer}\""))
                .caused_by(format!("java.security.SignatureException: {detail}"))
        }
        ApkError::Ota(m) => Failure::exception(format!("java.lang.IllegalArgumentException: {m}")),
        // JDK compat: Hints.parsePinPatterns throws an AssertionError, which
        // SignApk.main does not catch, and Long.parseLong's exception.
        ApkError::PinHints(m) if m.starts_with("bad pin pattern line") => {
            Failure::uncaught(format!("java.lang.AssertionError: {m}"))
        }
        ApkError::PinHints(m) => Failure::exception(format!("java.lang.NumberFormatException: {m}")),
        ApkError::Io(io) => Failure::exception(format!("java.io.IOException: {io}")),
        ApkError::Crypto(c) => Failure::exception(format!("java.security.GeneralSecurityException: {c}")),
        other => Failure::exception(format!("signapk: {other}")),
    }
}

fn sign(a: &Args) -> Result<(), Failure> {
    let mut certs = Vec::with_capacity(a.keys.len());
    for (cert, _) in &a.keys {
        certs.push(read_certificate(cert)?);
    }
    let mut keys = Vec::with_capacity(a.keys.len());
    for (_, key) in &a.keys {
        keys.push(read_private_key(key)?);
    }
    let signers: Vec<SignerKey<'_>> =
        certs.iter().zip(&keys).map(|((cert, _), key)| SignerKey { key, cert }).collect();
    for (s, (cert_path, key_path)) in signers.iter().zip(&a.keys) {
        if s.check().is_err() {
            return Err(Failure::exception(format!(
                "signapk: {}: the private key does not match the certificate {}",
                key_path.display(),
                cert_path.display()
            )));
        }
    }
    let input = File::open(&a.input).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            Failure::exception(format!("java.nio.file.NoSuchFileException: {}", a.input.display()))
        } else {
            Failure::exception(format!("java.io.IOException: {}: {e}", a.input.display()))
        }
    })?;
    let src = FileSource::new(&input).map_err(|e| describe(&e.into()))?;
    let mut out = AtomicFile::create(&a.output, None)
        .map_err(|e| Failure::exception(file_not_found(&a.output, &e)))?;
    let scratch = DirScratch::beside(&a.output);
    let resources = Resources { workers: workers(), scratch: Some(&scratch) };
    let result = if a.whole_file {
        let (Some(signer), Some((_, cert_file))) = (signers.first(), certs.first()) else {
            return Err(Failure::exception(
                "java.lang.ArrayIndexOutOfBoundsException: Index 0 out of bounds for length 0",
            ));
        };
        signkit_apk::sign_whole_file(&src, signer, cert_file, resources, out.file()).map(|_| ())
    } else {
        if signers.is_empty() {
            return Err(Failure::exception(
                "java.lang.IllegalArgumentException: At least one signer config must be provided",
            ));
        }
        let options =
            SignApkOptions { alignment: a.alignment, min_sdk_version: a.min_sdk_version, v2: a.v2 };
        signkit_apk::sign_apk(&src, &signers, &options, resources, out.file()).map(|_| ())
    };
    result.map_err(|e| match e {
        // JDK compat: under -w the hints are read inside BouncyCastle's
        // CMSTypedData.write, which wraps the exception.
        ApkError::PinHints(m) if a.whole_file && !m.starts_with("bad pin pattern line") => Failure::exception(
            format!("org.bouncycastle.cms.CMSException: data processing exception: java.lang.NumberFormatException: {m}"),
        ),
        other => describe(&other),
    })?;
    out.commit().map_err(|e| Failure::exception(format!("java.io.IOException: {e}")))
}

/// Scratch files for the compression workers, beside the output (the same
/// file system as the output, so not a memory-backed `/tmp`), unlinked as
/// soon as they are open where the platform allows.
struct DirScratch {
    dir: PathBuf,
    next: std::sync::atomic::AtomicUsize,
}

impl DirScratch {
    fn beside(output: &Path) -> Self {
        let dir = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Self { dir, next: std::sync::atomic::AtomicUsize::new(0) }
    }
}

impl Scratch for DirScratch {
    fn create(&self) -> io::Result<File> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let path = self.dir.join(format!(".signkit-spill-{}-{n}.tmp", std::process::id()));
        let file =
            std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path)?;
        // On Unix the open file outlives its name; elsewhere it stays until removed here.
        if std::fs::remove_file(&path).is_err() {
            return Err(io::Error::other("cannot remove scratch file"));
        }
        Ok(file)
    }
}

/// `SIGNKIT_THREADS`: how many threads recompress entries (the output is the
/// same for any value; 0 keeps everything on one thread).
fn workers() -> Option<usize> {
    std::env::var("SIGNKIT_THREADS").ok().and_then(|v| v.parse().ok())
}

/// Runs signapk with `args` (without the program name); returns the exit code.
pub fn run(args: &[OsString], err: &mut dyn Write) -> u8 {
    let result = parse_args(args).and_then(|a| sign(&a));
    match result {
        Ok(()) => 0,
        Err(f) => {
            for line in &f.lines {
                let _ = writeln!(err, "{line}");
            }
            let _ = err.flush();
            f.code
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<OsString> {
        s.iter().map(OsString::from).collect()
    }

    #[test]
    fn command_lines() {
        assert_eq!(parse_args(&args(&["a", "b", "c"])).unwrap_err().code, 2);
        assert_eq!(parse_args(&args(&["--enable-v4", "c", "k", "i", "o"])).unwrap_err().code, 2);
        assert_eq!(parse_args(&args(&["c", "k", "k", "i", "o"])).unwrap_err().code, 2);
        let f = parse_args(&args(&["-w", "c", "k", "c2", "k2", "i", "o"])).unwrap_err();
        assert_eq!((f.code, f.lines[0].as_str()), (2, "Only one key may be used with -w."));
        let f = parse_args(&args(&["-a", "x", "c", "k", "i", "o"])).unwrap_err();
        assert_eq!(
            f.lines[0],
            "Exception in thread \"main\" java.lang.NumberFormatException: For input string: \"x\""
        );
        let f = parse_args(&args(&["-w", "-w", "-w", "-a"])).unwrap_err();
        assert_eq!(
            f.lines[0],
            "Exception in thread \"main\" java.lang.ArrayIndexOutOfBoundsException: Index 4 out of bounds for length 4"
        );
        let a = parse_args(&args(&[
            "-a",
            "4096",
            "--min-sdk-version",
            "+21",
            "--disable-v2",
            "c",
            "k",
            "c2",
            "k2",
            "i",
            "o",
        ]))
        .unwrap();
        assert_eq!(
            (a.alignment, a.min_sdk_version, a.v2, a.keys.len()),
            (4096, Some(21), false, 2)
        );
        assert_eq!(
            parse_args(&args(&["-providerClass", "x.Y", "c", "k", "i", "o"])).unwrap_err().code,
            1
        );
    }

    #[test]
    fn ints_as_java_parses_them() {
        assert_eq!(parse_int("-4"), Some(-4));
        assert_eq!(parse_int("+4"), Some(4));
        assert_eq!(parse_int("4x"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("99999999999"), None);
    }
}
