//! Passwords from the command line, the environment, a file, or a prompt,
//! with the JDK's semantics.

use std::io::{self, IsTerminal as _, Read as _, Write as _};

use signkit_crypto::Password;

/// Where a password option's value comes from (`-storepass`, `-storepass:env`, `-storepass:file`).
#[derive(Clone, PartialEq, Eq)]
pub enum PasswordSource {
    /// The literal value on the command line.
    Literal(zeroize::Zeroizing<String>),
    /// The named environment variable.
    Env(String),
    /// The first line of the named file (or `file:`/`http:` URL in the JDK; a path here).
    File(String),
}

impl core::fmt::Debug for PasswordSource {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Literal(_) => f.write_str("Literal([password elided])"),
            Self::Env(v) => f.debug_tuple("Env").field(v).finish(),
            Self::File(p) => f.debug_tuple("File").field(p).finish(),
        }
    }
}

/// Why a password source could not be read. The `Display` texts are the JDK's
/// (`sun.security.tools.KeyStoreUtil.getPassWithModifier`), which keytool
/// prints on stderr.
#[derive(Debug, PartialEq, Eq)]
pub enum PasswordSourceError {
    /// `-x:env VAR` with `VAR` unset.
    MissingEnv(String),
    /// `-x:file F` with `F` absent.
    MissingFile(String),
    /// The file exists but could not be read.
    Unreadable(String),
    /// `-x:foo` with an unknown modifier.
    UnknownModifier(String),
}

impl core::fmt::Display for PasswordSourceError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::MissingEnv(v) => write!(f, "Cannot find environment variable: {v}"),
            Self::MissingFile(p) => write!(f, "Cannot find file: {p}"),
            Self::Unreadable(e) => f.write_str(e),
            Self::UnknownModifier(m) => write!(f, "Unknown password type: {m}"),
        }
    }
}

impl std::error::Error for PasswordSourceError {}

impl PasswordSource {
    /// Builds a source from an option's modifier (the text after `:` in
    /// `-storepass:env`, compared case-insensitively as the JDK's collator does)
    /// and its argument.
    ///
    /// # Errors
    /// An unknown modifier.
    pub fn from_modifier(modifier: Option<&str>, arg: String) -> Result<Self, PasswordSourceError> {
        match modifier.map(str::to_ascii_lowercase).as_deref() {
            None => Ok(Self::Literal(zeroize::Zeroizing::new(arg))),
            Some("env") => Ok(Self::Env(arg)),
            Some("file") => Ok(Self::File(arg)),
            Some(_) => Err(PasswordSourceError::UnknownModifier(modifier.unwrap_or_default().to_owned())),
        }
    }

    /// Reads the password.
    ///
    /// # Errors
    /// A missing variable or file.
    pub fn resolve(&self) -> Result<Password, PasswordSourceError> {
        match self {
            Self::Literal(s) => Ok(Password::new(s.as_str().to_owned())),
            Self::Env(var) => std::env::var_os(var)
                .map(|v| Password::new(v.to_string_lossy().into_owned()))
                .ok_or_else(|| PasswordSourceError::MissingEnv(var.clone())),
            Self::File(path) => {
                let path = path.strip_prefix("file:").unwrap_or(path);
                if !std::path::Path::new(path).exists() {
                    return Err(PasswordSourceError::MissingFile(path.to_owned()));
                }
                let bytes = zeroize::Zeroizing::new(
                    std::fs::read(path).map_err(|e| PasswordSourceError::Unreadable(format!("java.io.IOException: {e}")))?,
                );
                // JDK compat: BufferedReader.readLine() ends a line at \n, \r or \r\n.
                let text = String::from_utf8_lossy(&bytes);
                let line = text.split(['\n', '\r']).next().unwrap_or_default();
                Ok(Password::new(line.to_owned()))
            }
        }
    }
}

/// `true` when the JDK would have a `System.console()`: both stdin and stdout are terminals.
#[must_use]
pub fn has_console() -> bool {
    io::stdin().is_terminal() && io::stdout().is_terminal()
}

/// Prints `prompt` on stderr and reads a password the way
/// `sun.security.util.Password.readPassword(System.in)` does: hidden input on a
/// console, otherwise one line of stdin. Returns `None` for an empty line or
/// end of input (the JDK's `null`).
///
/// # Errors
/// I/O errors on the terminal or stdin.
pub fn prompt_password(prompt: &str) -> io::Result<Option<Password>> {
    let mut err = io::stderr().lock();
    err.write_all(prompt.as_bytes())?;
    err.flush()?;
    drop(err);
    if has_console() {
        let line = zeroize::Zeroizing::new(rpassword::read_password()?);
        return Ok((!line.is_empty()).then(|| Password::new(line.to_string())));
    }
    let line = read_stdin_line()?;
    Ok(line.filter(|l| !l.is_empty()).map(|l| Password::new(l.to_string())))
}

/// Reads one line from stdin without buffering beyond it, so later prompts
/// read the following lines. `None` at end of input with nothing read.
///
/// JDK compat: `Password.readPassword` turns each *byte* into a char, so
/// non-ASCII bytes arrive as Latin-1 characters; so do they here. A line ends
/// at `\n`, `\r\n`, a lone `\r` followed by anything but `\n` is kept.
///
/// # Errors
/// I/O errors on stdin.
pub fn read_stdin_line() -> io::Result<Option<zeroize::Zeroizing<String>>> {
    let mut stdin = io::stdin().lock();
    let mut line = zeroize::Zeroizing::new(String::new());
    let mut byte = [0u8; 1];
    let mut pending_cr = false;
    let mut any = false;
    loop {
        if stdin.read(&mut byte)? == 0 {
            // End of input ends the line (after a pending `\r` too).
            break;
        }
        any = true;
        let b = byte[0];
        if pending_cr {
            if b == b'\n' {
                break;
            }
            line.push('\r');
            pending_cr = false;
        }
        match b {
            b'\n' => break,
            b'\r' => pending_cr = true,
            other => line.push(char::from(other)),
        }
    }
    Ok(if any { Some(line) } else { None })
}

/// Reads one line of stdin as text (for yes/no questions and DN answers):
/// as the JDK's `BufferedReader(InputStreamReader(System.in))`, decoded as UTF-8.
/// `None` at end of input.
///
/// # Errors
/// I/O errors on stdin.
pub fn read_answer_line() -> io::Result<Option<String>> {
    let mut stdin = io::stdin().lock();
    let mut bytes = Vec::new();
    let mut byte = [0u8; 1];
    let mut any = false;
    loop {
        if stdin.read(&mut byte)? == 0 {
            break;
        }
        any = true;
        if byte[0] == b'\n' {
            break;
        }
        bytes.push(byte[0]);
    }
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    Ok(any.then(|| String::from_utf8_lossy(&bytes).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modifiers() {
        let lit = PasswordSource::from_modifier(None, "secret".into()).unwrap();
        assert_eq!(lit.resolve().unwrap().expose_secret(), "secret");
        assert!(!format!("{lit:?}").contains("secret"));
        assert_eq!(
            PasswordSource::from_modifier(Some("ENV"), "X".into()).unwrap(),
            PasswordSource::Env("X".into())
        );
        let err = PasswordSource::from_modifier(Some("bogus"), "x".into()).unwrap_err();
        assert_eq!(err.to_string(), "Unknown password type: bogus");
        let err = PasswordSource::Env("SIGNKIT_SURELY_UNSET_VAR".into()).resolve().unwrap_err();
        assert_eq!(err.to_string(), "Cannot find environment variable: SIGNKIT_SURELY_UNSET_VAR");
    }

    #[test]
    fn file_source_reads_first_line() {
        let dir = std::env::temp_dir().join(format!("signkit-pw-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("pw");
        std::fs::write(&f, "first\r\nsecond\n").unwrap();
        let src = PasswordSource::File(f.to_string_lossy().into_owned());
        assert_eq!(src.resolve().unwrap().expose_secret(), "first");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
