//! `keytool`: JDK 17's `sun.security.tools.keytool.Main`, command for
//! command, message for message.
//!
//! The flow is the JDK's: [`args::parse`] (`parseArgs`), then
//! [`Tool::do_commands`] (`doCommands`): the option checks, the keystore
//! opened and loaded ([`store`]), the password prompts, the command, the store
//! written back, and the warnings collected on the way printed at the end.
//!
//! Implemented: `-list`, `-printcert` (files and stdin), `-exportcert`,
//! `-importkeystore`, `-showinfo` without `-tls`, and every `-help`. The other
//! commands are refused with a message saying so (see [`unsupported`]).

mod args;
mod conf;
mod exportcert;
mod help;
mod importkeystore;
mod list;
mod messages;
mod printcert;
mod prompt;
mod store;

use std::process::ExitCode;

use signkit_crypto::Password;
use signkit_keystore::Keystore;

use crate::jdk_io::Console;
use crate::keytool::args::{Args, Cmd, ParseStop};
use crate::x509_text::TimeZone;

/// How a keytool run stops early.
#[derive(Debug)]
pub(crate) enum Fail {
    /// An exception: `keytool error: <text>` on stdout, exit 1.
    Java(String),
    /// `tinyHelp()`: these lines, then the command's usage on stderr, exit 1.
    Usage(Vec<String>),
    /// `doCommands` returned early without error (exit 0, warnings printed).
    Return,
}

/// Result of keytool steps.
pub(crate) type Res<T> = Result<T, Fail>;

/// A `java.lang.Exception` with `msg`.
pub(crate) fn exception(msg: impl core::fmt::Display) -> Fail {
    Fail::Java(format!("java.lang.Exception: {msg}"))
}

/// An exception of class `class` with `msg`.
pub(crate) fn java(class: &str, msg: impl core::fmt::Display) -> Fail {
    Fail::Java(format!("{class}: {msg}"))
}

/// The `FileNotFoundException` text of `FileInputStream(path)`.
pub(crate) fn file_not_found(path: &str, err: &std::io::Error) -> Fail {
    Fail::Java(format!("java.io.FileNotFoundException: {path} ({})", io_reason(path, err)))
}

/// The reason text the JVM puts in parentheses (the C library's `strerror`).
pub(crate) fn io_reason(path: &str, err: &std::io::Error) -> String {
    if std::path::Path::new(path).is_dir() {
        return "Is a directory".to_owned();
    }
    match err.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".to_owned(),
        _ => {
            let s = err.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_owned()
        }
    }
}

/// `System.getProperty("user.home")`: the home directory of the user's
/// passwd entry (not `$HOME`), as the JVM reads it.
pub(crate) fn user_home() -> String {
    let uid = std::fs::read_to_string("/proc/self/status").ok().and_then(|s| {
        s.lines().find_map(|l| {
            l.strip_prefix("Uid:").and_then(|r| r.split_whitespace().next().map(str::to_owned))
        })
    });
    if let (Some(uid), Ok(passwd)) = (uid, std::fs::read_to_string("/etc/passwd")) {
        for line in passwd.lines() {
            let f: Vec<&str> = line.split(':').collect();
            if f.len() >= 6 && f[2] == uid {
                return f[5].to_owned();
            }
        }
    }
    std::env::var("HOME").unwrap_or_else(|_| "?".to_owned())
}

/// The state of one keytool run (`Main`'s fields).
pub(crate) struct Tool {
    pub(crate) con: Console,
    pub(crate) tz: TimeZone,
    pub(crate) a: Args,
    /// `weakWarnings`: printed after `\nWarning:` at the end of a run.
    pub(crate) warnings: Vec<String>,
    pub(crate) store_pass: Option<Password>,
    pub(crate) key_pass: Option<Password>,
    pub(crate) new_pass: Option<Password>,
    pub(crate) dest_key_pass: Option<Password>,
    pub(crate) src_store_pass: Option<Password>,
    pub(crate) src_key_pass: Option<Password>,
    /// `ksfname`.
    pub(crate) ksfname: String,
    /// `storetype` as the JDK reports it (`-storetype` or the probed type).
    pub(crate) storetype: Option<String>,
    /// The keystore being worked on.
    pub(crate) keystore: Option<Keystore>,
    /// `true` when the keystore file existed and was read (`ksStream != null`).
    pub(crate) ks_stream: bool,
    /// `-keystore NONE`.
    pub(crate) null_stream: bool,
    /// A PKCS12 store without MAC and with unencrypted certificates.
    pub(crate) passwordless: bool,
    /// `inplaceImport` and the backup written for it.
    pub(crate) inplace: bool,
    pub(crate) inplace_backup: Option<String>,
    /// The clock, in epoch milliseconds.
    pub(crate) now: i64,
}

/// The `keytool` binary.
#[must_use]
pub fn main() -> ExitCode {
    let argv: Vec<String> =
        std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect();
    ExitCode::from(run(&argv))
}

/// Runs keytool with `argv` (without the program name) and returns the exit code.
#[must_use]
pub fn run(argv: &[String]) -> u8 {
    let mut con = Console::new();
    let parsed = args::parse(argv, &mut |file, cmd, alt, a| conf::expand_args(file, cmd, alt, a));
    let mut a = match parsed {
        Ok((a, _)) => a,
        Err(ParseStop::Usage { lines, command, code }) => {
            for l in lines {
                con.errln(&l);
            }
            con.err(&help::usage(command));
            return code;
        }
        Err(ParseStop::Exception(text)) => {
            con.outln(&format!("{}{text}", messages::KEYTOOL_ERROR));
            return 1;
        }
    };
    if a.debug {
        let list: Vec<&str> = argv.iter().map(String::as_str).collect();
        con.outln(&format!("Command line args: [{}]", list.join(", ")));
    }
    let warnings = core::mem::take(&mut a.warnings);
    let mut tool = Tool {
        con,
        tz: TimeZone::from_environment(),
        store_pass: a.store_pass.take(),
        key_pass: a.key_pass.take(),
        new_pass: a.new_pass.take(),
        dest_key_pass: a.dest_key_pass.take(),
        src_store_pass: a.src_store_pass.take(),
        src_key_pass: a.src_key_pass.take(),
        storetype: a.storetype.clone(),
        a,
        warnings,
        ksfname: String::new(),
        keystore: None,
        ks_stream: false,
        null_stream: false,
        passwordless: false,
        inplace: false,
        inplace_backup: None,
        now: crate::common::runtime::now_millis(),
    };
    let result = tool.do_commands();
    match result {
        Ok(()) | Err(Fail::Return) => {
            tool.print_warnings();
            0
        }
        Err(Fail::Java(text)) => {
            tool.con.outln(&format!("{}{text}", messages::KEYTOOL_ERROR));
            1
        }
        Err(Fail::Usage(lines)) => {
            for l in lines {
                tool.con.errln(&l);
            }
            let cmd = tool.a.command;
            tool.con.err(&help::usage(cmd));
            1
        }
    }
}

/// Commands signkit does not implement yet: refused before anything is read
/// or written, never imitated.
fn unsupported(cmd: Cmd) -> bool {
    !matches!(
        cmd,
        Cmd::List | Cmd::PrintCert | Cmd::ExportCert | Cmd::ImportKeystore | Cmd::ShowInfo
    )
}

/// Providers the JDK 17 runtime has registered (`-addprovider` names) and
/// their classes (`-providerclass`): naming them changes nothing.
const JDK_PROVIDERS: [(&str, &str); 12] = [
    ("SUN", "sun.security.provider.Sun"),
    ("SunRsaSign", "sun.security.rsa.SunRsaSign"),
    ("SunEC", "sun.security.ec.SunEC"),
    ("SunJSSE", "sun.security.ssl.SunJSSE"),
    ("SunJCE", "com.sun.crypto.provider.SunJCE"),
    ("SunJGSS", "sun.security.jgss.SunProvider"),
    ("SunSASL", "com.sun.security.sasl.Provider"),
    ("XMLDSig", "org.jcp.xml.dsig.internal.dom.XMLDSigRI"),
    ("SunPCSC", "sun.security.smartcardio.SunPCSC"),
    ("JdkLDAP", "sun.security.provider.certpath.ldap.JdkLDAP"),
    ("JdkSASL", "com.sun.security.sasl.gsskerb.JdkSASL"),
    ("SunPKCS11", "sun.security.pkcs11.SunPKCS11"),
];

fn is_windows_store(t: Option<&str>) -> bool {
    t.is_some_and(|t| {
        [
            "Windows-MY",
            "Windows-ROOT",
            "Windows-MY-CURRENTUSER",
            "Windows-ROOT-CURRENTUSER",
            "Windows-MY-LOCALMACHINE",
            "Windows-ROOT-LOCALMACHINE",
        ]
        .iter()
        .any(|w| w.eq_ignore_ascii_case(t))
    })
}

impl Tool {
    /// `printWeakWarnings(false)`.
    fn print_warnings(&mut self) {
        if self.warnings.is_empty() || self.a.nowarn {
            return;
        }
        let mut text = String::from("\nWarning:\n");
        for w in &self.warnings {
            text.push_str(w);
            text.push('\n');
        }
        self.con.err(&text);
        self.warnings.clear();
    }

    /// `Main.doCommands`.
    fn do_commands(&mut self) -> Res<()> {
        let Some(command) = self.a.command else { return Ok(()) };
        if unsupported(command) {
            return Err(java(
                "java.lang.UnsupportedOperationException",
                messages::unsupported_command(command.name()),
            ));
        }
        let unsupported_form = match command {
            Cmd::PrintCert if self.a.jar_file.is_some() => Some("-printcert -jarfile"),
            Cmd::PrintCert if self.a.ssl_server.is_some() => Some("-printcert -sslserver"),
            Cmd::ShowInfo if self.a.tls => Some("-showinfo -tls"),
            _ => None,
        };
        if let Some(form) = unsupported_form {
            return Err(java(
                "java.lang.UnsupportedOperationException",
                messages::unsupported_command(form),
            ));
        }
        if self.a.cacerts {
            if self.a.keystore.is_some() || self.storetype.is_some() {
                return Err(java(
                    "java.lang.IllegalArgumentException",
                    messages::KEYSTORE_WITH_CACERTS,
                ));
            }
            self.a.keystore = Some(store::cacerts_path());
        }
        let token = self.storetype.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("PKCS11"))
            || is_windows_store(self.storetype.as_deref());
        if token && self.a.keystore.is_none() {
            self.a.keystore = Some("NONE".to_owned());
        }
        self.null_stream = self.a.keystore.as_deref() == Some("NONE");
        if token && !self.null_stream {
            let t = self.storetype.clone().unwrap_or_default();
            return Err(Fail::Usage(vec![
                format!("-keystore must be NONE if -storetype is {t}"),
                String::new(),
            ]));
        }
        if token
            && (self.key_pass.is_some() || self.new_pass.is_some() || self.dest_key_pass.is_some())
        {
            let t = self.storetype.clone().unwrap_or_default();
            return Err(java(
                "java.lang.IllegalArgumentException",
                format!("-keypass and -new can not be specified if -storetype is {t}"),
            ));
        }
        if self.a.protected
            && (self.store_pass.is_some()
                || self.key_pass.is_some()
                || self.new_pass.is_some()
                || self.dest_key_pass.is_some())
        {
            return Err(java(
                "java.lang.IllegalArgumentException",
                messages::PROTECTED_WITH_PASSWORDS,
            ));
        }
        if self.a.src_protected && (self.src_store_pass.is_some() || self.src_key_pass.is_some()) {
            return Err(java(
                "java.lang.IllegalArgumentException",
                messages::SRCPROTECTED_WITH_PASSWORDS,
            ));
        }
        if is_windows_store(self.storetype.as_deref())
            && (self.store_pass.is_some()
                || self.key_pass.is_some()
                || self.new_pass.is_some()
                || self.dest_key_pass.is_some())
        {
            return Err(java(
                "java.lang.IllegalArgumentException",
                "if keystore is not password protected, then -storepass, -keypass, and -new must not be specified",
            ));
        }
        if is_windows_store(self.a.src_storetype.as_deref())
            && (self.src_store_pass.is_some() || self.src_key_pass.is_some())
        {
            return Err(java(
                "java.lang.IllegalArgumentException",
                "if source keystore is not password protected, then -srcstorepass and -srckeypass must not be specified",
            ));
        }
        if self.a.validity.is_some_and(|v| v <= 0) {
            return Err(exception(messages::VALIDITY_POSITIVE));
        }
        for (name, _) in &self.a.providers {
            if !JDK_PROVIDERS.iter().any(|(n, _)| n == name) {
                return Err(exception(messages::provider_name_not_found(name)));
            }
        }
        for (class, _) in &self.a.provider_classes {
            if !JDK_PROVIDERS.iter().any(|(_, c)| c == class) {
                return Err(exception(messages::provider_class_not_found(class)));
            }
        }
        if command == Cmd::List && self.a.verbose && self.a.rfc {
            return Err(Fail::Usage(vec![messages::V_AND_RFC.to_owned()]));
        }
        if self.new_pass.as_ref().is_some_and(|p| p.java_len() < 6)
            || self.dest_key_pass.as_ref().is_some_and(|p| p.java_len() < 6)
        {
            return Err(exception(messages::NEW_PASSWORD_TOO_SHORT));
        }
        self.ksfname = match &self.a.keystore {
            Some(k) => k.clone(),
            None => format!("{}/.keystore", user_home()),
        };
        if self.a.keystore_given_as_keystore && store::is_cacerts_file(&self.ksfname) {
            self.con.errln(messages::WARNING_CACERTS_OPTION);
        }

        if command == Cmd::ShowInfo {
            // Only the form without -tls (refused above): the TLS report is the JSSE's.
            self.con.outln("Missing option for -showinfo. Try \"keytool -showinfo -tls\".");
            return Ok(());
        }

        let mut src: Option<store::Loaded> = None;
        if command == Cmd::ImportKeystore {
            self.inplace = self.inplace_import_check()?;
            if self.inplace {
                src = Some(self.load_source_keystore()?);
                if self.store_pass.is_none() {
                    self.store_pass = self.src_store_pass.as_ref().map(Password::duplicate);
                }
            }
        }

        self.open_keystore(command)?;
        self.ask_store_password(command)?;

        if let Some(sp) = &self.store_pass
            && self.is_pkcs12()
        {
            if self.key_pass.as_ref().is_some_and(|k| k != sp) {
                self.con.errln(&messages::pkcs12_keypass_ignored("-keypass"));
                self.key_pass = Some(sp.duplicate());
            }
            if self.dest_key_pass.as_ref().is_some_and(|k| k != sp) {
                self.con.errln(&messages::pkcs12_keypass_ignored("-destkeypass"));
                self.dest_key_pass = Some(sp.duplicate());
            }
        }

        let mut save = false;
        match command {
            Cmd::ExportCert => self.do_export_cert()?,
            Cmd::List => {
                if self.store_pass.is_none() && !self.a.protected && !self.passwordless {
                    self.print_no_integrity_warning();
                }
                match self.a.alias.clone() {
                    Some(alias) => self.do_print_entry(messages::THE_CERTIFICATE, &alias)?,
                    None => self.do_print_entries()?,
                }
            }
            Cmd::PrintCert => self.do_print_cert()?,
            Cmd::ImportKeystore => {
                let src = match src {
                    Some(s) => s,
                    None => self.load_source_keystore()?,
                };
                self.do_import_keystore(src)?;
                save = true;
            }
            _ => {}
        }
        if save {
            self.save_keystore()?;
        }
        self.final_store_warnings(command)?;
        Ok(())
    }

    /// `printNoIntegrityWarning()`.
    fn print_no_integrity_warning(&mut self) {
        let text = format!(
            "\n{}\n{}\n{}\n\n",
            messages::WARNING_BANNER,
            messages::INTEGRITY_NOT_VERIFIED,
            messages::WARNING_BANNER
        );
        self.con.err(&text);
    }

    fn is_pkcs12(&self) -> bool {
        self.storetype.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("PKCS12"))
    }
}
