//! Opening, reading and writing the keystore as `Main.doCommands` does:
//! the file checks and their messages, type probing (`keystore.type.compat`),
//! the password prompts and reload, the source store of `-importkeystore`,
//! the atomic write and the end-of-run format warnings.

use std::path::{Path, PathBuf};

use signkit_crypto::Password;
use signkit_keystore::{EncodeOptions, EntryKind, Keystore, StoreType};

use crate::common::fsutil;
use crate::keytool::args::Cmd;
use crate::keytool::{Fail, Res, Tool, exception, is_windows_store, java, messages};
use crate::x509_text::der;

/// A loaded source keystore of `-importkeystore`.
pub(crate) struct Loaded {
    /// The store.
    pub(crate) ks: Keystore,
    /// The type name the JDK reports for it.
    pub(crate) type_name: String,
}

/// The JDK's message for a keystore library error.
pub(crate) fn keystore_error(e: &signkit_keystore::Error) -> Fail {
    match e.jdk_message() {
        Some(m) => Fail::Java(format!("{}: {m}", e.jdk_exception_class())),
        None => Fail::Java(e.jdk_exception_class().to_owned()),
    }
}

/// The JDK's message for a store that did not load: as [`keystore_error`],
/// except that signkit's own explanation of a BouncyCastle store (which
/// the JDK cannot read either) is replaced by what the JDK says.
pub(crate) fn decode_error(
    e: &signkit_keystore::Error,
    bytes: &[u8],
    requested: Option<StoreType>,
) -> Fail {
    if !matches!(e, signkit_keystore::Error::UnsupportedStoreFormat { .. }) {
        return keystore_error(e);
    }
    match requested {
        None => java(
            "java.security.KeyStoreException",
            "Unrecognized keystore format. Please load it with a specified type",
        ),
        Some(StoreType::Pkcs12) => java(
            "java.io.IOException",
            format!(
                "toDerInputStream rejects tag type {}",
                der::java_byte(bytes.first().copied().unwrap_or(0))
            ),
        ),
        Some(_) => java("java.io.IOException", "Invalid keystore format"),
    }
}

/// Decodes a store, with the JDK's error texts.
pub(crate) fn decode(
    bytes: &[u8],
    pass: Option<&Password>,
    requested: Option<StoreType>,
) -> Res<Keystore> {
    signkit_keystore::decode(bytes, pass, requested).map_err(|e| decode_error(&e, bytes, requested))
}

/// The path of the JDK's `cacerts`: `$JAVA_HOME/lib/security/cacerts`, else
/// Debian's shared `/etc/ssl/certs/java/cacerts`.
pub(crate) fn cacerts_path() -> String {
    if let Some(home) = std::env::var_os("JAVA_HOME") {
        let p = Path::new(&home).join("lib/security/cacerts");
        if p.exists() {
            return p.to_string_lossy().into_owned();
        }
    }
    "/etc/ssl/certs/java/cacerts".to_owned()
}

/// `true` when `path` is the `cacerts` file (`Main.parseArgs` warns then).
pub(crate) fn is_cacerts_file(path: &str) -> bool {
    let a = canonical(path);
    a == canonical(&cacerts_path())
}

/// `File.getCanonicalFile()`: symlinks resolved as far as the path exists.
pub(crate) fn canonical(path: &str) -> PathBuf {
    let p = Path::new(path);
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    let parent = p.parent().filter(|x| !x.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let base = std::fs::canonicalize(parent).unwrap_or_else(|_| {
        std::env::current_dir().map(|d| d.join(parent)).unwrap_or_else(|_| parent.to_path_buf())
    });
    match p.file_name() {
        Some(n) => base.join(n),
        None => base,
    }
}

/// `KeyStore.getInstance(type)` for the types signkit reads and writes.
///
/// # Errors
/// `<TYPE> not found` for a type no JDK provider has here (PKCS11 has no
/// configured token, Windows stores exist only on Windows), and a refusal
/// for the JDK types signkit does not implement.
pub(crate) fn store_type(name: &str) -> Res<StoreType> {
    if let Some(t) = StoreType::from_jdk_name(name) {
        return Ok(t);
    }
    if name.eq_ignore_ascii_case("DKS") || name.eq_ignore_ascii_case("CaseExactJKS") {
        return Err(java(
            "java.security.KeyStoreException",
            format!("{name} keystores are not supported by this version of signkit keytool"),
        ));
    }
    Err(java("java.security.KeyStoreException", format!("{name} not found")))
}

/// The provider keytool prints for a store type name.
pub(crate) fn provider_of(type_name: &str) -> &'static str {
    if type_name.eq_ignore_ascii_case("JCEKS") { "SunJCE" } else { "SUN" }
}

/// `PKCS12KeyStore.isPasswordless`: no encrypted content and no MAC.
fn pkcs12_is_passwordless(bytes: &[u8]) -> bool {
    let check = || -> der::Result<bool> {
        let pfx = der::Reader::new(bytes).read()?;
        let mut r = pfx.reader();
        r.read()?.int()?;
        let auth_safe = r.read()?;
        let mut ar = auth_safe.reader();
        ar.read()?.oid()?;
        let wrapped = ar.read()?;
        let octets = der::Reader::new(wrapped.content).read()?.octet_string()?;
        let safes = der::Reader::new(&octets).read()?;
        for ci in safes.subs(None)? {
            if ci.reader().read()?.oid()? == "1.2.840.113549.1.7.6" {
                return Ok(false);
            }
        }
        Ok(r.available() == 0)
    };
    check().unwrap_or(false)
}

/// Reads a file for a keystore: `Ok(None)` when `FileInputStream` would throw
/// `FileNotFoundException` (missing, a directory, unreadable).
fn read_store_file(path: &str) -> Option<Vec<u8>> {
    if Path::new(path).is_dir() {
        return None;
    }
    std::fs::read(path).ok()
}

fn file_len(path: &str) -> Option<u64> {
    std::fs::metadata(path).ok().filter(std::fs::Metadata::is_file).map(|m| m.len())
}

impl Tool {
    /// `inplaceImportCheck()`.
    pub(crate) fn inplace_import_check(&mut self) -> Res<bool> {
        let src_type = self.a.src_storetype.as_deref();
        if src_type.is_some_and(|t| t.eq_ignore_ascii_case("PKCS11")) || is_windows_store(src_type)
        {
            return Ok(false);
        }
        let Some(src) = self.a.src_keystore.clone() else {
            return Err(exception(messages::SPECIFY_SRCKEYSTORE));
        };
        if file_len(&src) == Some(0) {
            return Err(exception(format!("{}{src}", messages::SOURCE_KEYSTORE_EMPTY)));
        }
        if canonical(&src) == canonical(&self.ksfname) {
            Ok(true)
        } else {
            let text = messages::importing_keystore(&src, &self.ksfname);
            self.con.errln(&text);
            Ok(false)
        }
    }

    /// `loadSourceKeyStore()`.
    pub(crate) fn load_source_keystore(&mut self) -> Res<Loaded> {
        let src_type = self.a.src_storetype.clone();
        if src_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("PKCS11"))
            || is_windows_store(src_type.as_deref())
        {
            let t = src_type.unwrap_or_default();
            if self.a.src_keystore.as_deref() != Some("NONE") {
                return Err(Fail::Usage(vec![
                    format!("-keystore must be NONE if -storetype is {t}"),
                    String::new(),
                ]));
            }
            return Err(java("java.security.KeyStoreException", format!("{t} not found")));
        }
        let path = self.a.src_keystore.clone().unwrap_or_default();
        let bytes = std::fs::read(&path).map_err(|e| crate::keytool::file_not_found(&path, &e))?;
        if Path::new(&path).is_dir() {
            return Err(Fail::Java(format!(
                "java.io.FileNotFoundException: {path} (Is a directory)"
            )));
        }
        let mut passwordless = false;
        let (explicit, type_name) = match (&src_type, &self.a.src_provider_name) {
            (None, None) => {
                // Probe: KeyStore.getInstance(File, password) loads the store.
                let ks = decode(&bytes, self.src_store_pass.as_ref(), None)?;
                let name = ks.store_type().jdk_name().to_owned();
                if name == "PKCS12" {
                    passwordless = pkcs12_is_passwordless(&bytes);
                }
                (Some(ks.store_type()), name)
            }
            (t, _) => {
                let name = t.clone().unwrap_or_else(|| "PKCS12".to_owned());
                (Some(store_type(&name)?), name)
            }
        };
        if self.src_store_pass.is_none() && !self.a.src_protected && !passwordless {
            self.con.err(messages::ENTER_SOURCE_KEYSTORE_PASSWORD);
            self.src_store_pass = self.read_password()?;
        }
        if type_name.eq_ignore_ascii_case("PKCS12")
            && let (Some(kp), Some(sp)) = (&self.src_key_pass, &self.src_store_pass)
            && kp != sp
        {
            self.con.errln(&messages::pkcs12_keypass_ignored("-srckeypass"));
            self.src_key_pass = Some(sp.duplicate());
        }
        let ks = decode(&bytes, self.src_store_pass.as_ref(), explicit)?;
        if self.src_store_pass.is_none() && !passwordless {
            let text = format!(
                "\n{}\n{}\n{}\n\n",
                messages::WARNING_BANNER,
                messages::SRC_INTEGRITY_NOT_VERIFIED,
                messages::WARNING_BANNER
            );
            self.con.err(&text);
        }
        Ok(Loaded { ks, type_name })
    }

    /// The keystore file checks and the first load of `doCommands`.
    pub(crate) fn open_keystore(&mut self, command: Cmd) -> Res<()> {
        let related = command != Cmd::PrintCertReq && command != Cmd::ShowInfo;
        let mut bytes = None;
        if related && !self.null_stream && !self.inplace {
            if file_len(&self.ksfname) == Some(0) {
                return Err(exception(format!(
                    "{}{}",
                    messages::KEYSTORE_FILE_EMPTY,
                    self.ksfname
                )));
            }
            bytes = read_store_file(&self.ksfname);
            if bytes.is_none()
                && !matches!(
                    command,
                    Cmd::GenKeyPair
                        | Cmd::GenSecKey
                        | Cmd::IdentityDb
                        | Cmd::ImportCert
                        | Cmd::ImportPass
                        | Cmd::ImportKeystore
                        | Cmd::PrintCrl
                        | Cmd::PrintCert
                )
            {
                return Err(exception(format!(
                    "{}{}",
                    messages::KEYSTORE_FILE_MISSING,
                    self.ksfname
                )));
            }
        }
        self.ks_stream = bytes.is_some();
        if let Some(bytes) = bytes.as_deref()
            && self.a.provider_name.is_none()
        {
            let ks = match self.storetype.clone() {
                None => {
                    let ks = decode(bytes, self.store_pass.as_ref(), None)?;
                    self.storetype = Some(ks.store_type().jdk_name().to_owned());
                    ks
                }
                Some(t) => {
                    let st = store_type(&t)?;
                    decode(bytes, self.store_pass.as_ref(), Some(st))?
                }
            };
            if self.is_pkcs12() {
                self.passwordless = pkcs12_is_passwordless(bytes);
            }
            self.keystore = Some(ks);
        } else {
            let t = self.storetype.get_or_insert_with(|| "PKCS12".to_owned()).clone();
            let st = store_type(&t)?;
            if let Some(p) = &self.a.provider_name
                && !crate::keytool::JDK_PROVIDERS.iter().any(|(n, _)| n == p)
            {
                return Err(java(
                    "java.security.NoSuchProviderException",
                    format!("no such provider: {p}"),
                ));
            }
            let ks = match bytes.as_deref() {
                Some(b) if !self.inplace && !self.null_stream => {
                    decode(b, self.store_pass.as_ref(), Some(st))?
                }
                _ => Keystore::new(st),
            };
            self.keystore = Some(ks);
        }
        Ok(())
    }

    /// The store-password part of `doCommands`: the length check for a new
    /// store, the prompts, and the reload with the password.
    pub(crate) fn ask_store_password(&mut self, command: Cmd) -> Res<()> {
        let related = command != Cmd::PrintCertReq && command != Cmd::ShowInfo;
        if self.store_pass.is_some() {
            if !self.null_stream
                && !self.ks_stream
                && self.store_pass.as_ref().is_some_and(|p| p.java_len() < 6)
            {
                return Err(exception(messages::KEYSTORE_PASSWORD_TOO_SHORT));
            }
            return Ok(());
        }
        if !self.a.protected
            && !is_windows_store(self.storetype.as_deref())
            && related
            && !self.passwordless
        {
            if matches!(
                command,
                Cmd::CertReq
                    | Cmd::Delete
                    | Cmd::GenKeyPair
                    | Cmd::GenSecKey
                    | Cmd::ImportCert
                    | Cmd::ImportPass
                    | Cmd::ImportKeystore
                    | Cmd::KeyClone
                    | Cmd::ChangeAlias
                    | Cmd::SelfCert
                    | Cmd::StorePasswd
                    | Cmd::KeyPasswd
                    | Cmd::IdentityDb
            ) {
                let mut count = 0;
                loop {
                    let prompt = if command == Cmd::ImportKeystore {
                        messages::ENTER_DEST_KEYSTORE_PASSWORD
                    } else {
                        messages::ENTER_KEYSTORE_PASSWORD
                    };
                    self.con.err(prompt);
                    let mut pass = self.read_password()?;
                    if !self.null_stream && pass.as_ref().is_none_or(|p| p.java_len() < 6) {
                        self.con.errln(messages::KEYSTORE_PASSWORD_IS_TOO_SHORT);
                        pass = None;
                    }
                    if pass.is_some() && !self.null_stream && !self.ks_stream {
                        self.con.err(messages::REENTER_NEW_PASSWORD);
                        let again = self.read_password()?;
                        if again != pass {
                            self.con.errln(messages::DONT_MATCH);
                            pass = None;
                        }
                    }
                    count += 1;
                    if pass.is_some() || count >= 3 {
                        self.store_pass = pass;
                        break;
                    }
                }
                if self.store_pass.is_none() {
                    self.con.errln(messages::TOO_MANY_FAILURES);
                    return Err(Fail::Return);
                }
            } else if command != Cmd::PrintCrl && command != Cmd::PrintCert {
                self.con.err(messages::ENTER_KEYSTORE_PASSWORD);
                self.store_pass = self.read_password()?;
            }
        }
        // Reload: verify the integrity with the password now known.
        if self.ks_stream && !self.null_stream {
            let bytes = std::fs::read(&self.ksfname)
                .map_err(|e| crate::keytool::file_not_found(&self.ksfname, &e))?;
            let t = self.storetype.clone().unwrap_or_else(|| "PKCS12".to_owned());
            let st = self.keystore.as_ref().map_or(store_type(&t)?, |k| k.store_type());
            let requested = if self.a.storetype.is_some() { store_type(&t)? } else { st };
            let ks = decode(&bytes, self.store_pass.as_ref(), Some(requested))?;
            self.keystore = Some(ks);
        }
        Ok(())
    }

    /// Writes the keystore back (`if (kssave)` in `doCommands`), atomically.
    pub(crate) fn save_keystore(&mut self) -> Res<()> {
        if self.a.verbose {
            let name = if self.null_stream { "keystore".to_owned() } else { self.ksfname.clone() };
            self.con.errln(&messages::storing(&name));
        }
        let Some(ks) = &self.keystore else { return Ok(()) };
        if self.null_stream {
            return Ok(());
        }
        let pass = self.store_pass.as_ref().map_or_else(Password::empty, Password::duplicate);
        let mut options = EncodeOptions::new(self.now);
        options.pkcs12 = ks.pkcs12_resave_options(options.pkcs12);
        let bytes =
            signkit_keystore::encode(ks, &pass, &mut crate::common::runtime::rng(), &options)
                .map_err(|e| keystore_error(&e))?;
        // The JDK writes through a symbolic link; replace its target, not the link.
        let path =
            std::fs::canonicalize(&self.ksfname).unwrap_or_else(|_| PathBuf::from(&self.ksfname));
        let mode = existing_mode(&path);
        fsutil::write_atomic(&path, &bytes, mode)
            .map_err(|e| crate::keytool::file_not_found(&self.ksfname, &e))
    }

    /// The JKS/JCEKS format warning and the in-place migration message at the
    /// end of `doCommands`.
    pub(crate) fn final_store_warnings(&mut self, command: Cmd) -> Res<()> {
        let related = command != Cmd::PrintCertReq && command != Cmd::ShowInfo;
        let token = self.storetype.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("PKCS11"))
            || is_windows_store(self.storetype.as_deref());
        if !related || token || self.null_stream || !Path::new(&self.ksfname).exists() {
            return Ok(());
        }
        let mut real_type = self.storetype.clone().unwrap_or_default();
        if let Some(bytes) = read_store_file(&self.ksfname) {
            match signkit_keystore::decode(&bytes, self.store_pass.as_ref(), None) {
                Ok(ks) => {
                    real_type = ks.store_type().jdk_name().to_owned();
                    let legacy = matches!(ks.store_type(), StoreType::Jks | StoreType::Jceks);
                    let all_certs = ks
                        .entries()
                        .iter()
                        .all(|e| matches!(e.kind, EntryKind::TrustedCert { .. }));
                    if legacy && !all_certs {
                        self.warnings
                            .push(messages::jks_storetype_warning(&real_type, &self.ksfname));
                    }
                }
                // Probing not supported: not a JKS or JCEKS then.
                Err(signkit_keystore::Error::UnrecognizedFormat) => {}
                Err(e) => return Err(keystore_error(&e)),
            }
        }
        if self.inplace
            && let Some(backup) = self.inplace_backup.clone()
        {
            let src = self.a.src_keystore.clone().unwrap_or_default();
            let mut src_type = self.a.src_storetype.clone().unwrap_or_default();
            if let Some(bytes) = read_store_file(&backup)
                && let Ok(ks) = signkit_keystore::decode(&bytes, self.src_store_pass.as_ref(), None)
            {
                src_type = ks.store_type().jdk_name().to_owned();
            }
            let text = if real_type.eq_ignore_ascii_case(&src_type) {
                messages::backup_keystore_warning(&src, &backup)
            } else {
                messages::migrate_keystore_warning(&src, &src_type, &backup, &real_type)
            };
            self.warnings.push(text);
        }
        Ok(())
    }
}

/// The permissions of an existing file, to keep them when it is replaced
/// (`FileOutputStream` truncates in place and keeps them).
fn existing_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(path).ok().map(|m| m.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types() {
        assert_eq!(store_type("PKCS12").unwrap(), StoreType::Pkcs12);
        assert_eq!(store_type("JCEKS").unwrap(), StoreType::Jceks);
        match store_type("FOO") {
            Err(Fail::Java(t)) => assert_eq!(t, "java.security.KeyStoreException: FOO not found"),
            _ => panic!(),
        }
        assert_eq!(provider_of("JCEKS"), "SunJCE");
        assert_eq!(provider_of("PKCS12"), "SUN");
    }
}
