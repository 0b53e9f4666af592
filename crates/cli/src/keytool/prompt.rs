//! keytool's questions: passwords (`Password.readPassword(System.in)`,
//! byte by byte), yes/no answers and names (a fresh
//! `BufferedReader(InputStreamReader(System.in))` each time).
//!
//! JDK compat: a `BufferedReader` fills its buffer from stdin before it
//! returns a line, so when the answers are piped in, everything after the
//! line it read is gone for later questions. signkit reads the same way: an
//! answer consumes what one buffered read gets (the whole pipe when it was
//! written at once), which keeps scripted sessions behaving as with the JDK.

use std::io::Read as _;

use signkit_crypto::Password;

use crate::common::password;
use crate::keytool::{Fail, Res, Tool, exception, messages};

/// `StreamDecoder`'s default buffer.
const READER_BUFFER: usize = 8192;

/// Reads one line as a fresh `BufferedReader` over stdin would, decoding
/// with the console charset; `None` at end of input.
fn read_buffered_line() -> std::io::Result<Option<String>> {
    let mut stdin = std::io::stdin().lock();
    let mut got = Vec::new();
    let mut chunk = vec![0u8; READER_BUFFER];
    loop {
        let n = match stdin.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            break;
        }
        got.extend_from_slice(&chunk[..n]);
        if got.contains(&b'\n') || got.contains(&b'\r') {
            break;
        }
    }
    if got.is_empty() {
        return Ok(None);
    }
    let end = got.iter().position(|&b| b == b'\n' || b == b'\r').unwrap_or(got.len());
    let line = &got[..end];
    let charset = crate::jdk_io::Charset::from_environment();
    Ok(Some(match charset {
        crate::jdk_io::Charset::Utf8 => String::from_utf8_lossy(line).into_owned(),
        crate::jdk_io::Charset::Latin1 => line.iter().map(|&b| char::from(b)).collect(),
        crate::jdk_io::Charset::Ascii => {
            line.iter().map(|&b| if b < 0x80 { char::from(b) } else { '\u{fffd}' }).collect()
        }
    }))
}

fn io_fail(e: &std::io::Error) -> Fail {
    Fail::Java(format!("java.io.IOException: {e}"))
}

impl Tool {
    /// `Password.readPassword(System.in)` after the caller printed the prompt:
    /// hidden input on a terminal, else one line of stdin; `None` for an
    /// empty answer or end of input.
    pub(crate) fn read_password(&mut self) -> Res<Option<Password>> {
        self.con.flush();
        password::prompt_password("").map_err(|e| io_fail(&e))
    }

    /// `inputStringFromStdin(prompt)`.
    pub(crate) fn input_string(&mut self, prompt: &str) -> Res<Option<String>> {
        self.con.err(prompt);
        read_buffered_line().map_err(|e| io_fail(&e))
    }

    /// `getYesNoReply(prompt)`: `true` for yes.
    pub(crate) fn yes_no(&mut self, prompt: &str) -> Res<bool> {
        use crate::keytool::args::collator_eq;
        for _ in 0..21 {
            let reply = self.input_string(prompt)?;
            match reply.as_deref() {
                None => return Ok(false),
                Some(r) if collator_eq(r, "") || collator_eq(r, "n") || collator_eq(r, "no") => {
                    return Ok(false);
                }
                Some(r) if collator_eq(r, "y") || collator_eq(r, "yes") => return Ok(true),
                Some(_) => self.con.errln(messages::WRONG_ANSWER),
            }
        }
        Err(Fail::Java(format!("java.lang.RuntimeException: {}", messages::TOO_MANY_RETRIES)))
    }

    /// `getKeyPasswd(alias, null, null)`: up to three tries.
    pub(crate) fn get_key_passwd(&mut self, alias: &str) -> Res<Password> {
        for _ in 0..3 {
            let prompt = messages::enter_key_password_for(alias);
            self.con.err(&prompt);
            if let Some(p) = self.read_password()? {
                return Ok(p);
            }
        }
        Err(exception(messages::TOO_MANY_FAILURES))
    }
}
