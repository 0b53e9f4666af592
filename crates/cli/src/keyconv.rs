//! `keyconv`: keystore entries to and from the `pk8` + `x509.pem` pair of
//! Android platform builds, and AOSP `make_key` without openssl.
//!
//! ```text
//! keyconv to-pk8 --keystore KS [--storetype pkcs12|jks|jceks] --storepass P [--keypass P]
//!                --alias A --key OUT.pk8 --cert OUT.x509.pem [--chain] [--key-format der|pem] [--force]
//! keyconv to-keystore --key KEY [--key-pass P] --cert CERT [--cert MORE...] --keystore OUT
//!                [--storetype pkcs12|jks|jceks] --storepass P [--keypass P] --alias A [--force]
//! keyconv make-key NAME SUBJECT [rsa|ec] [--keyalg rsa|ec] [--force] [--key-pass P | --no-password]
//! ```
//!
//! Every password option has `-env VAR` and `-file F` forms
//! (`--storepass-env`, `--keypass-file`, `--key-pass-env`, ...); a missing
//! password is prompted for on stderr (hidden on a terminal, a line of stdin
//! otherwise).
//!
//! Passwords:
//! - `to-pk8`: the key password defaults to the store password; when that
//!   does not open the key, keyconv asks for it (`Enter key password for <A>: `).
//! - `to-keystore`: a new store needs a store password of at least 6
//!   characters, as keytool requires (it asks twice when prompting). The entry
//!   is protected with `--keypass`, or the store password by default; PKCS12
//!   entries always take the store password, as keytool gives them (a
//!   different `--keypass` is ignored with keytool's warning). An explicit
//!   `--keypass` for JKS/JCEKS needs 6 characters too.
//! - An encrypted input key without `--key-pass` is prompted for
//!   (`Enter pass phrase for KEY:`).
//!
//! Outputs: `to-pk8` writes both files or neither, each atomically (temporary
//! file, fsync, rename); the key file gets mode 0600. Existing files are
//! replaced only with `--force`. `to-keystore` rewrites the store atomically,
//! keeping its mode (a new store gets 0600); a failure leaves it unchanged.
//!
//! Exit codes:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | an I/O error, or an internal check failed |
//! | 2 | bad command line (unknown option, bad subject, password source missing, short password) |
//! | 3 | wrong or missing password (store, key entry, or encrypted key file) |
//! | 4 | the key does not match its certificate, or the certificates do not form its chain |
//! | 5 | an input that is damaged, not a key/certificate/keystore, or of an unsupported kind |
//! | 6 | the alias does not exist in the store, or is not a private key entry with a certificate |
//! | 7 | an output file or alias exists and `--force` was not given |
//!
//! Errors are printed on stderr as `keyconv: error: <message>`.

#![expect(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "the keyconv binary reports on the terminal"
)]

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use signkit_crypto::Password;
use signkit_keyconv::{self as keyconv, KeyPair, MakeKeyAlgorithm, StoreTarget};
use signkit_keystore::StoreType;
use zeroize::Zeroizing;

use crate::common::fsutil::{self, AtomicFile};
use crate::common::password::{PasswordSource, prompt_password};
use crate::common::runtime;

/// Runs `keyconv` with the process's arguments.
#[must_use]
pub fn main() -> ExitCode {
    run(std::env::args_os())
}

/// Runs `keyconv` with `args` (the first is the program name).
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { Failure::USAGE } else { 0 });
        }
    };
    let result = match cli.command {
        Command::ToPk8(a) => to_pk8(&a),
        Command::ToKeystore(a) => to_keystore(&a),
        Command::MakeKey(a) => make_key(&a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("keyconv: error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "keyconv",
    version,
    about = "Convert keys between Java keystores and the pk8 + x509.pem pair of Android builds",
    after_help = "Exit codes: 0 ok, 1 I/O, 2 usage, 3 password, 4 key/certificate mismatch, \
                  5 bad or unsupported input, 6 alias missing, 7 output exists (use --force)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write a keystore key entry as an unencrypted PKCS#8 key and a PEM certificate
    #[command(name = "to-pk8")]
    ToPk8(ToPk8Args),
    /// Put a private key and its certificate chain into a new or existing keystore
    #[command(name = "to-keystore")]
    ToKeystore(ToKeystoreArgs),
    /// Generate NAME.pk8 and NAME.x509.pem as AOSP development/tools/make_key does
    #[command(name = "make-key")]
    MakeKey(MakeKeyArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum StoreTypeArg {
    #[value(name = "pkcs12", alias = "PKCS12")]
    Pkcs12,
    #[value(name = "jks", alias = "JKS")]
    Jks,
    #[value(name = "jceks", alias = "JCEKS")]
    Jceks,
}

impl From<StoreTypeArg> for StoreType {
    fn from(t: StoreTypeArg) -> Self {
        match t {
            StoreTypeArg::Pkcs12 => Self::Pkcs12,
            StoreTypeArg::Jks => Self::Jks,
            StoreTypeArg::Jceks => Self::Jceks,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum KeyFormatArg {
    Der,
    Pem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum KeyAlgArg {
    Rsa,
    Ec,
}

/// `--storepass`, `--storepass-env`, `--storepass-file`.
#[derive(Args, Debug)]
struct StorePass {
    /// Keystore password
    #[arg(long, value_name = "PASSWORD", conflicts_with_all = ["storepass_env", "storepass_file"])]
    storepass: Option<String>,
    /// Read the keystore password from this environment variable
    #[arg(long = "storepass-env", value_name = "VAR", conflicts_with = "storepass_file")]
    storepass_env: Option<String>,
    /// Read the keystore password from the first line of this file
    #[arg(long = "storepass-file", value_name = "FILE")]
    storepass_file: Option<String>,
}

/// `--keypass`, `--keypass-env`, `--keypass-file`.
#[derive(Args, Debug)]
struct KeyPass {
    /// Password of the key entry in the keystore
    #[arg(long, value_name = "PASSWORD", conflicts_with_all = ["keypass_env", "keypass_file"])]
    keypass: Option<String>,
    /// Read the key entry password from this environment variable
    #[arg(long = "keypass-env", value_name = "VAR", conflicts_with = "keypass_file")]
    keypass_env: Option<String>,
    /// Read the key entry password from the first line of this file
    #[arg(long = "keypass-file", value_name = "FILE")]
    keypass_file: Option<String>,
}

/// `--key-pass`, `--key-pass-env`, `--key-pass-file`: the key file's password.
#[derive(Args, Debug)]
struct KeyFilePass {
    /// Password of an encrypted key file
    #[arg(long = "key-pass", value_name = "PASSWORD", conflicts_with_all = ["key_pass_env", "key_pass_file"])]
    key_pass: Option<String>,
    /// Read the key file password from this environment variable
    #[arg(long = "key-pass-env", value_name = "VAR", conflicts_with = "key_pass_file")]
    key_pass_env: Option<String>,
    /// Read the key file password from the first line of this file
    #[arg(long = "key-pass-file", value_name = "FILE")]
    key_pass_file: Option<String>,
}

#[derive(Args, Debug)]
struct ToPk8Args {
    /// The keystore to read
    #[arg(long, value_name = "KEYSTORE")]
    keystore: PathBuf,
    /// The keystore type (probed from the content when not given)
    #[arg(long, value_enum, ignore_case = true)]
    storetype: Option<StoreTypeArg>,
    #[command(flatten)]
    storepass: StorePass,
    #[command(flatten)]
    keypass: KeyPass,
    /// The alias of the key entry
    #[arg(long)]
    alias: String,
    /// Where to write the private key (unencrypted PKCS#8)
    #[arg(long, value_name = "OUT.pk8")]
    key: PathBuf,
    /// Where to write the certificate (PEM, as keytool -exportcert -rfc)
    #[arg(long, value_name = "OUT.x509.pem")]
    cert: PathBuf,
    /// Write the whole certificate chain into the certificate file
    #[arg(long)]
    chain: bool,
    /// The key file's encoding
    #[arg(long = "key-format", value_enum, default_value = "der")]
    key_format: KeyFormatArg,
    /// Replace existing output files
    #[arg(long)]
    force: bool,
}

#[derive(Args, Debug)]
struct ToKeystoreArgs {
    /// The private key: PKCS#8 (plain or encrypted), PKCS#1, SEC1 or DSA, PEM or DER
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    #[command(flatten)]
    key_pass: KeyFilePass,
    /// Certificates (PEM or DER, one or more per file), in any order; repeatable
    #[arg(long, value_name = "CERT", required = true, num_args = 1)]
    cert: Vec<PathBuf>,
    /// The keystore to create or add to
    #[arg(long, value_name = "KEYSTORE")]
    keystore: PathBuf,
    /// The type of a new keystore (default pkcs12); an existing one keeps its type
    #[arg(long, value_enum, ignore_case = true)]
    storetype: Option<StoreTypeArg>,
    #[command(flatten)]
    storepass: StorePass,
    #[command(flatten)]
    keypass: KeyPass,
    /// The alias of the new entry
    #[arg(long)]
    alias: String,
    /// Replace an entry with the same alias
    #[arg(long)]
    force: bool,
}

#[derive(Args, Debug)]
struct MakeKeyArgs {
    /// Writes NAME.pk8 and NAME.x509.pem
    name: PathBuf,
    /// The certificate subject in openssl -subj form: /C=US/ST=California/L=Mountain View/O=Android/OU=Android/CN=Android/emailAddress=android@android.com
    subject: String,
    /// make_key's optional third argument: rsa or ec
    #[arg(value_enum, value_name = "KEYTYPE")]
    keytype: Option<KeyAlgArg>,
    /// The key type: RSA 2048 or EC P-256
    #[arg(long, value_enum, conflicts_with = "keytype")]
    keyalg: Option<KeyAlgArg>,
    #[command(flatten)]
    key_pass: KeyFilePass,
    /// Do not ask for a password; write the key unencrypted
    #[arg(long = "no-password", conflicts_with_all = ["key_pass", "key_pass_env", "key_pass_file"])]
    no_password: bool,
    /// Replace existing NAME.pk8 and NAME.x509.pem
    #[arg(long)]
    force: bool,
}

/// A failed command: its exit code and message.
#[derive(Debug)]
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    const IO: u8 = 1;
    const USAGE: u8 = 2;
    const PASSWORD: u8 = 3;
    const MISMATCH: u8 = 4;
    const INPUT: u8 = 5;
    const ALIAS: u8 = 6;
    const EXISTS: u8 = 7;

    fn new(code: u8, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    fn io(what: &Path, e: &io::Error) -> Self {
        Self::new(Self::IO, format!("{}: {e}", what.display()))
    }

    /// A library error, with `context` (a file name) before it.
    fn from_keyconv(context: Option<&Path>, e: &keyconv::Error) -> Self {
        use keyconv::Error as E;
        let code = match e {
            E::PasswordRequired(_) | E::WrongKeyPassword => Self::PASSWORD,
            E::KeyMismatch(_) | E::Chain(_) => Self::MISMATCH,
            E::AliasNotFound(_) | E::NotPrivateKeyEntry { .. } | E::NoChain(_) => Self::ALIAS,
            E::AliasExists(_) => Self::EXISTS,
            E::Subject(_) => Self::USAGE,
            E::Keystore(k) => keystore_code(k),
            E::SelfCheck(_) => Self::IO,
            _ => Self::INPUT,
        };
        let message = match context {
            Some(path) => format!("{}: {e}", path.display()),
            None => e.to_string(),
        };
        Self::new(code, message)
    }
}

fn keystore_code(e: &signkit_keystore::Error) -> u8 {
    use signkit_keystore::Error as K;
    if e.is_store_password_error() || matches!(e, K::UnrecoverableKey(_)) {
        Failure::PASSWORD
    } else if matches!(e, K::CannotStore(_)) {
        Failure::IO
    } else {
        Failure::INPUT
    }
}

type CmdResult = Result<(), Failure>;

/// Resolves one of the `--x`, `--x-env`, `--x-file` triples.
fn password_option(
    literal: Option<&String>,
    env: Option<&String>,
    file: Option<&String>,
) -> Result<Option<Password>, Failure> {
    let source = match (literal, env, file) {
        (Some(p), _, _) => PasswordSource::Literal(Zeroizing::new(p.clone())),
        (None, Some(v), _) => PasswordSource::Env(v.clone()),
        (None, None, Some(f)) => PasswordSource::File(f.clone()),
        (None, None, None) => return Ok(None),
    };
    source.resolve().map(Some).map_err(|e| Failure::new(Failure::USAGE, e.to_string()))
}

impl StorePass {
    fn resolve(&self) -> Result<Option<Password>, Failure> {
        password_option(
            self.storepass.as_ref(),
            self.storepass_env.as_ref(),
            self.storepass_file.as_ref(),
        )
    }
}

impl KeyPass {
    fn resolve(&self) -> Result<Option<Password>, Failure> {
        password_option(
            self.keypass.as_ref(),
            self.keypass_env.as_ref(),
            self.keypass_file.as_ref(),
        )
    }
}

impl KeyFilePass {
    fn resolve(&self) -> Result<Option<Password>, Failure> {
        password_option(
            self.key_pass.as_ref(),
            self.key_pass_env.as_ref(),
            self.key_pass_file.as_ref(),
        )
    }
}

/// Prompts on stderr; `None` for an empty answer or end of input.
fn ask(prompt: &str) -> Result<Option<Password>, Failure> {
    prompt_password(prompt)
        .map_err(|e| Failure::new(Failure::IO, format!("reading a password: {e}")))
}

fn read_input(path: &Path) -> Result<Zeroizing<Vec<u8>>, Failure> {
    std::fs::read(path).map(Zeroizing::new).map_err(|e| Failure::io(path, &e))
}

fn refuse_existing(paths: &[&Path], force: bool) -> CmdResult {
    if force {
        return Ok(());
    }
    for p in paths {
        if p.exists() {
            return Err(Failure::new(
                Failure::EXISTS,
                format!("{} already exists (use --force to replace it)", p.display()),
            ));
        }
    }
    Ok(())
}

fn to_pk8(a: &ToPk8Args) -> CmdResult {
    if same_file(&a.key, &a.cert) {
        return Err(Failure::new(Failure::USAGE, "--key and --cert name the same file"));
    }
    refuse_existing(&[&a.key, &a.cert], a.force)?;
    let store = read_input(&a.keystore)?;
    let store_password = match a.storepass.resolve()? {
        Some(p) => p,
        // JDK compat: keytool's prompt (sun.security.tools.keytool.Resources "Enter.keystore.password.").
        None => ask("Enter keystore password:  ")?.unwrap_or_else(Password::empty),
    };
    let key_password = a.keypass.resolve()?;
    let store_type = a.storetype.map(StoreType::from);
    let keystore = signkit_keystore::decode(&store, Some(&store_password), store_type)
        .map_err(|e| Failure::from_keyconv(Some(&a.keystore), &keyconv::Error::Keystore(e)))?;
    let pair = match keyconv::extract(
        &keystore,
        &a.alias,
        key_password.as_ref().unwrap_or(&store_password),
    ) {
        Err(e) if key_password.is_none() && is_key_password_error(&e) => {
            // The key has a password of its own: ask for it, as keytool does.
            let asked = ask(&format!("Enter key password for <{}>: ", a.alias))?
                .ok_or_else(|| Failure::from_keyconv(Some(&a.keystore), &e))?;
            keyconv::extract(&keystore, &a.alias, &asked)
        }
        other => other,
    }
    .map_err(|e| Failure::from_keyconv(Some(&a.keystore), &e))?;

    let key_bytes = match a.key_format {
        KeyFormatArg::Der => pair.key.secret_pkcs8_der_copy(),
        KeyFormatArg::Pem => Zeroizing::new(pair.key.secret_pkcs8_pem().as_bytes().to_vec()),
    };
    let cert_bytes = Zeroizing::new(pair.certificate_pem(a.chain).into_bytes());
    write_all_or_nothing(
        &[
            Output { path: &a.key, bytes: &key_bytes, mode: Some(0o600) },
            Output { path: &a.cert, bytes: &cert_bytes, mode: None },
        ],
        a.force,
    )
}

fn is_key_password_error(e: &keyconv::Error) -> bool {
    matches!(e, keyconv::Error::Keystore(signkit_keystore::Error::UnrecoverableKey(_)))
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

/// Reads a key file, asking for its password when it is encrypted and none was given.
fn read_key_file(path: &Path, given: Option<Password>) -> Result<keyconv::Pkcs8Key, Failure> {
    let input = read_input(path)?;
    let fail = |e: &keyconv::Error| Failure::from_keyconv(Some(path), e);
    match keyconv::read_private_key(&input, given.as_ref()) {
        Err(keyconv::Error::PasswordRequired(scheme)) if given.is_none() => {
            // The prompt openssl shows for an encrypted key.
            let asked = ask(&format!("Enter pass phrase for {}:", path.display()))?
                .ok_or_else(|| fail(&keyconv::Error::PasswordRequired(scheme)))?;
            keyconv::read_private_key(&input, Some(&asked)).map_err(|e| fail(&e))
        }
        other => other.map_err(|e| fail(&e)),
    }
}

fn to_keystore(a: &ToKeystoreArgs) -> CmdResult {
    let key = read_key_file(&a.key, a.key_pass.resolve()?)?;
    let mut certs = Vec::new();
    for path in &a.cert {
        let input = read_input(path)?;
        certs.extend(
            keyconv::read_certificates(&input)
                .map_err(|e| Failure::from_keyconv(Some(path), &e))?,
        );
    }
    let pair = KeyPair::new(key, certs).map_err(|e| Failure::from_keyconv(None, &e))?;

    let existing = match std::fs::read(&a.keystore) {
        Ok(bytes) if bytes.is_empty() => {
            // JDK compat: keytool's message for this case (sun.security.tools.keytool.Main).
            return Err(Failure::new(
                Failure::INPUT,
                format!("Keystore file exists, but is empty: {}", a.keystore.display()),
            ));
        }
        Ok(bytes) => Some(Zeroizing::new(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(Failure::io(&a.keystore, &e)),
    };
    let store_password = match (a.storepass.resolve()?, &existing) {
        (Some(p), _) => p,
        (None, Some(_)) => ask("Enter keystore password:  ")?.unwrap_or_else(Password::empty),
        (None, None) => ask_new_store_password()?,
    };
    if existing.is_none() && store_password.java_len() < 6 {
        // JDK compat: keytool refuses short passwords for a new store.
        return Err(Failure::new(
            Failure::USAGE,
            "Keystore password must be at least 6 characters",
        ));
    }
    let store_type = a.storetype.map(StoreType::from);
    let effective_type = match &existing {
        Some(bytes) => signkit_keystore::decode(bytes, Some(&store_password), store_type)
            .map_err(|e| Failure::from_keyconv(Some(&a.keystore), &keyconv::Error::Keystore(e)))?
            .store_type(),
        None => store_type.unwrap_or(StoreType::Pkcs12),
    };
    let mut ignored_keypass = false;
    let key_password = match (effective_type, a.keypass.resolve()?) {
        (StoreType::Pkcs12, Some(kp)) => {
            // JDK compat: sun.security.tools.keytool.Main uses the store
            // password for PKCS12 entries and warns (after success here, so
            // a failure stays one line).
            ignored_keypass = kp != store_password;
            store_password.duplicate()
        }
        (_, Some(kp)) => {
            if kp.java_len() < 6 {
                return Err(Failure::new(
                    Failure::USAGE,
                    "Key password must be at least 6 characters",
                ));
            }
            kp
        }
        (_, None) => store_password.duplicate(),
    };

    let target = StoreTarget {
        existing: existing.as_deref().map(Vec::as_slice),
        store_type: if existing.is_some() { store_type } else { Some(effective_type) },
        store_password: &store_password,
        alias: &a.alias,
        replace: a.force,
    };
    let mut rng = runtime::rng();
    let bytes =
        keyconv::pair_to_keystore(&target, &pair, &key_password, &mut rng, runtime::now_millis())
            .map_err(|e| Failure::from_keyconv(Some(&a.keystore), &e))?;
    let mode = existing_mode(&a.keystore).unwrap_or(0o600);
    fsutil::write_atomic(&a.keystore, &bytes, Some(mode))
        .map_err(|e| Failure::io(&a.keystore, &e))?;
    if ignored_keypass {
        eprintln!(
            "Warning:  Different store and key passwords not supported for PKCS12 KeyStores. Ignoring user-specified --keypass value."
        );
    }
    Ok(())
}

/// keytool's two prompts for a new store's password.
fn ask_new_store_password() -> Result<Password, Failure> {
    let first = ask("Enter keystore password:  ")?.unwrap_or_else(Password::empty);
    if first.java_len() < 6 {
        return Err(Failure::new(
            Failure::USAGE,
            "Keystore password must be at least 6 characters",
        ));
    }
    let second = ask("Re-enter new password: ")?.unwrap_or_else(Password::empty);
    if first != second {
        return Err(Failure::new(Failure::USAGE, "They don't match"));
    }
    Ok(first)
}

#[cfg(unix)]
fn existing_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).ok().map(|m| m.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn existing_mode(_path: &Path) -> Option<u32> {
    None
}

fn make_key(a: &MakeKeyArgs) -> CmdResult {
    let with_ext = |ext: &str| {
        let mut s = a.name.clone().into_os_string();
        s.push(ext);
        PathBuf::from(s)
    };
    let (pk8, pem) = (with_ext(".pk8"), with_ext(".x509.pem"));
    if !a.force && (pk8.exists() || pem.exists()) {
        return Err(Failure::new(
            Failure::EXISTS,
            format!(
                "{} and/or {} already exist; please delete them first if you want to replace them (or use --force)",
                pk8.display(),
                pem.display()
            ),
        ));
    }
    let subject =
        keyconv::parse_subject(&a.subject).map_err(|e| Failure::from_keyconv(None, &e))?;
    for warning in &subject.warnings {
        eprintln!("keyconv: {warning}");
    }
    let algorithm = match a.keyalg.or(a.keytype).unwrap_or(KeyAlgArg::Rsa) {
        KeyAlgArg::Rsa => MakeKeyAlgorithm::Rsa,
        KeyAlgArg::Ec => MakeKeyAlgorithm::Ec,
    };
    let password = match a.key_pass.resolve()? {
        Some(p) => Some(p).filter(|p| !p.is_empty()),
        None if a.no_password => None,
        // make_key asks too; here the answer is hidden on a terminal.
        None => ask(&format!("Enter password for '{}' (blank for none): ", a.name.display()))?,
    };
    let mut rng = runtime::rng();
    let now = runtime::now_millis().div_euclid(1000);
    let pair = keyconv::make_key(&mut rng, now, &subject, algorithm)
        .map_err(|e| Failure::from_keyconv(None, &e))?;
    let key_bytes = match &password {
        None => {
            println!("creating {} with no password", pk8.display());
            pair.key.secret_pkcs8_der_copy()
        }
        Some(pw) => {
            println!("creating {} with a password", pk8.display());
            Zeroizing::new(
                keyconv::encrypt_pkcs8(&mut rng, pair.key.secret_pkcs8_der(), pw)
                    .map_err(|e| Failure::from_keyconv(None, &e))?,
            )
        }
    };
    // make_key's certificate comes from `openssl req -out`: PEM with `\n` line ends.
    let leaf = pair.leaf().map(|c| c.der()).unwrap_or_default();
    let cert_bytes = Zeroizing::new(signkit_crypto::pem::encode("CERTIFICATE", leaf).into_bytes());
    write_all_or_nothing(
        &[
            Output { path: &pk8, bytes: &key_bytes, mode: Some(0o600) },
            Output { path: &pem, bytes: &cert_bytes, mode: None },
        ],
        a.force,
    )
}

/// A file's content and mode before it was replaced.
type Previous = (Zeroizing<Vec<u8>>, Option<u32>);

/// One file to write.
struct Output<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    mode: Option<u32>,
}

/// Writes every output or none: each goes to a temporary file beside its
/// target first; the renames happen only when all are written and synced,
/// and a failed rename puts back the files already renamed.
fn write_all_or_nothing(outputs: &[Output<'_>], force: bool) -> CmdResult {
    let mut pending = Vec::with_capacity(outputs.len());
    for out in outputs {
        let mut file =
            AtomicFile::create(out.path, out.mode).map_err(|e| Failure::io(out.path, &e))?;
        io::Write::write_all(file.file(), out.bytes).map_err(|e| Failure::io(out.path, &e))?;
        pending.push((out, file));
    }
    // Re-check just before the renames: a file may have appeared meanwhile.
    let paths: Vec<&Path> = outputs.iter().map(|o| o.path).collect();
    refuse_existing(&paths, force)?;
    // What each target held before, to restore it if a later rename fails.
    let mut done: Vec<(&Output<'_>, Option<Previous>)> = Vec::new();
    for (out, file) in pending {
        let before =
            std::fs::read(out.path).ok().map(|b| (Zeroizing::new(b), existing_mode(out.path)));
        if let Err(e) = file.commit() {
            for (prev, old) in done.into_iter().rev() {
                let _ = match old {
                    Some((bytes, mode)) => fsutil::write_atomic(prev.path, &bytes, mode),
                    None => std::fs::remove_file(prev.path),
                };
            }
            return Err(Failure::io(out.path, &e));
        }
        done.push((out, before));
    }
    Ok(())
}
