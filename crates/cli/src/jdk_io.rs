//! Text output the way the JVM writes it: `System.out` and `System.err`
//! encode with the charset of the process locale, so a JDK tool run in the
//! `C` locale prints `?` for every character outside US-ASCII.
//!
//! The JVM takes the codeset of `LC_ALL`, else `LC_CTYPE`, else `LANG`,
//! after `setlocale`; a locale that is not installed falls back to `C`
//! (US-ASCII). signkit checks the locale directories and archive of glibc
//! (`/usr/lib/locale`) the same way; `C.UTF-8` is built in.

use std::io::{self, Write as _};

/// The charset of console output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    /// UTF-8.
    Utf8,
    /// ISO-8859-1: characters above U+00FF print as `?`.
    Latin1,
    /// US-ASCII: characters above U+007F print as `?`.
    Ascii,
}

impl Charset {
    /// The charset the JVM would use in this process's environment.
    #[must_use]
    pub fn from_environment() -> Self {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
        let name =
            var("LC_ALL").or_else(|| var("LC_CTYPE")).or_else(|| var("LANG")).unwrap_or_default();
        Self::for_locale(&name, &|n| locale_installed(n))
    }

    fn for_locale(name: &str, installed: &dyn Fn(&str) -> bool) -> Self {
        let (base, codeset) = match name.split_once('.') {
            Some((b, c)) => (b, Some(c.split('@').next().unwrap_or(c))),
            None => (name.split('@').next().unwrap_or(name), None),
        };
        let norm = codeset.map(|c| c.to_ascii_lowercase().replace(['-', '_'], ""));
        let is_utf8 = norm.as_deref() == Some("utf8");
        if base == "C" || base == "POSIX" || base.is_empty() {
            return if is_utf8 { Self::Utf8 } else { Self::Ascii };
        }
        if !installed(name) {
            return Self::Ascii;
        }
        match norm.as_deref() {
            Some("utf8") => Self::Utf8,
            Some("iso88591") | None => Self::Latin1,
            Some(_) => Self::Ascii,
        }
    }

    /// `text` encoded as the JVM's `PrintStream` would.
    #[must_use]
    pub fn encode(self, text: &str) -> Vec<u8> {
        match self {
            Self::Utf8 => text.as_bytes().to_vec(),
            Self::Latin1 => {
                text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect()
            }
            Self::Ascii => {
                text.chars().map(|c| if c.is_ascii() { c as u8 } else { b'?' }).collect()
            }
        }
    }
}

/// Whether glibc has `name` (`en_US.UTF-8`): a directory under
/// `/usr/lib/locale` or an entry in its locale archive.
fn locale_installed(name: &str) -> bool {
    let (base, codeset) = name.split_once('.').unwrap_or((name, ""));
    let norm = codeset.to_ascii_lowercase().replace('-', "");
    let candidates =
        [name.to_owned(), if norm.is_empty() { base.to_owned() } else { format!("{base}.{norm}") }];
    let dir = std::path::Path::new("/usr/lib/locale");
    if candidates.iter().any(|c| dir.join(c).is_dir()) {
        return true;
    }
    std::fs::read(dir.join("locale-archive")).is_ok_and(|archive| {
        candidates.iter().any(|c| {
            let mut needle = c.as_bytes().to_vec();
            needle.push(0);
            archive.windows(needle.len()).any(|w| w == needle.as_slice())
        })
    })
}

/// The JVM's `System.out` and `System.err`: buffered stdout, unbuffered
/// stderr, both encoded with the locale's charset; write errors are
/// ignored as `PrintStream` ignores them.
#[derive(Debug)]
pub struct Console {
    charset: Charset,
    out: io::BufWriter<io::Stdout>,
}

impl Console {
    /// The process console.
    #[must_use]
    pub fn new() -> Self {
        Self { charset: Charset::from_environment(), out: io::BufWriter::new(io::stdout()) }
    }

    /// `System.out.print(text)`.
    pub fn out(&mut self, text: &str) {
        let _ = self.out.write_all(&self.charset.encode(text));
    }

    /// `System.out.println(text)`.
    pub fn outln(&mut self, text: &str) {
        self.out(text);
        self.out("\n");
    }

    /// Raw bytes on stdout (`out.write(byte[])`, DER certificates).
    pub fn out_bytes(&mut self, bytes: &[u8]) {
        let _ = self.out.write_all(bytes);
    }

    /// `System.err.print(text)`; stdout is flushed first so a terminal shows
    /// both in order.
    pub fn err(&mut self, text: &str) {
        let _ = self.out.flush();
        let mut e = io::stderr().lock();
        let _ = e.write_all(&self.charset.encode(text));
        let _ = e.flush();
    }

    /// `System.err.println(text)`.
    pub fn errln(&mut self, text: &str) {
        self.err(&format!("{text}\n"));
    }

    /// Flushes stdout.
    pub fn flush(&mut self) {
        let _ = self.out.flush();
    }
}

impl Default for Console {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets() {
        let yes = |_: &str| true;
        let no = |_: &str| false;
        assert_eq!(Charset::for_locale("C.UTF-8", &no), Charset::Utf8);
        assert_eq!(Charset::for_locale("C", &yes), Charset::Ascii);
        assert_eq!(Charset::for_locale("", &yes), Charset::Ascii);
        assert_eq!(Charset::for_locale("de_DE.UTF-8", &no), Charset::Ascii);
        assert_eq!(Charset::for_locale("de_DE.UTF-8", &yes), Charset::Utf8);
        assert_eq!(Charset::for_locale("en_US", &yes), Charset::Latin1);
        assert_eq!(Charset::Ascii.encode("J\u{fc}rgen \u{1F600}"), b"J?rgen ?");
        assert_eq!(Charset::Latin1.encode("J\u{fc}rgen \u{65e5}"), b"J\xfcrgen ?");
    }
}
