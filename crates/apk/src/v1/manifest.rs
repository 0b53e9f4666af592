//! Reading an input `META-INF/MANIFEST.MF` the way `java.util.jar.Manifest`
//! (JDK 17) reads it: signapk keeps the input's main section, and rejects
//! the input when the JDK's parser would throw.

use crate::error::{Error, Result};

/// `Manifest.FastInputStream` line buffer size: a line with its terminator
/// must fit in it.
const LINE_BUFFER: usize = 512;

/// The main attributes of a manifest, in insertion order, with
/// `java.util.jar.Attributes` semantics: names are compared without case, the
/// first spelling of a name is kept and the last value wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MainAttributes {
    entries: Vec<(String, String)>,
}

impl MainAttributes {
    /// Puts a value; returns `true` when the name was already present.
    pub(crate) fn put(&mut self, name: &str, value: String) -> bool {
        if let Some(e) = self.entries.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            e.1 = value;
            return true;
        }
        self.entries.push((name.to_owned(), value));
        false
    }

    /// The value of `name` (compared without case).
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The attributes, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Number of attributes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// `Manifest.FastInputStream.readLine` with a 512-byte buffer: the bytes of
/// one line including its terminator (LF, CRLF or a lone CR), at most 512.
fn read_line(data: &[u8], pos: &mut usize) -> Option<(usize, usize)> {
    if *pos >= data.len() {
        return None;
    }
    let start = *pos;
    let limit = (start + LINE_BUFFER).min(data.len());
    let mut i = start;
    while i < limit {
        let c = data[i];
        i += 1;
        if c == b'\n' {
            break;
        }
        if c == b'\r' {
            if i < limit && data[i] == b'\n' {
                i += 1;
            }
            break;
        }
    }
    *pos = i;
    Some((start, i))
}

/// A line without its terminator, or the JDK's "line too long" when it has none.
fn content(data: &[u8], (s, e): (usize, usize), what: &str) -> Result<usize> {
    let last = data[e - 1];
    if last != b'\n' && last != b'\r' {
        return Err(Error::Manifest(format!("{what} too long")));
    }
    let mut len = e - s - 1;
    if len > 0 && data[s + len - 1] == b'\r' {
        len -= 1;
    }
    Ok(len)
}

/// `Attributes.Name` validity: 1 to 70 characters from `[A-Za-z0-9_-]`.
fn valid_name(name: &str) -> bool {
    let len = name.encode_utf16().count();
    (1..=70).contains(&len)
        && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
}

/// `Attributes.read`: one section's attributes, up to an empty line or the end.
fn read_attributes(data: &[u8], pos: &mut usize, attrs: &mut MainAttributes) -> Result<()> {
    let mut name: Option<String> = None;
    let mut full_line: Vec<u8> = Vec::new();
    while let Some(range) = read_line(data, pos) {
        let len = content(data, range, "line")?;
        if len == 0 {
            break;
        }
        let line = &data[range.0..range.0 + len];
        let peek_space = data.get(*pos) == Some(&b' ');
        let value;
        if line[0] == b' ' {
            if name.is_none() {
                return Err(Error::Manifest("misplaced continuation line".into()));
            }
            full_line.extend_from_slice(&line[1..]);
            if peek_space {
                continue;
            }
            value = String::from_utf8_lossy(&full_line).into_owned();
            full_line.clear();
        } else {
            let colon = line
                .iter()
                .position(|&c| c == b':')
                .ok_or_else(|| Error::Manifest("invalid header field".into()))?;
            if line.get(colon + 1) != Some(&b' ') {
                return Err(Error::Manifest("invalid header field".into()));
            }
            let n = String::from_utf8_lossy(&line[..colon]).into_owned();
            let rest = &line[colon + 2..];
            name = Some(n);
            if peek_space {
                full_line.clear();
                full_line.extend_from_slice(rest);
                continue;
            }
            value = String::from_utf8_lossy(rest).into_owned();
        }
        let n = name.as_deref().unwrap_or_default();
        if !valid_name(n) {
            return Err(Error::Manifest(format!("invalid header field name: {n}")));
        }
        // JDK compat: a duplicate name only logs a warning (java.util.jar.Attributes);
        // the last value wins.
        attrs.put(n, value);
    }
    Ok(())
}

/// Parses a manifest as `new java.util.jar.Manifest(InputStream)` does and
/// returns its main attributes.
///
/// # Errors
/// [`Error::Manifest`] wherever the JDK throws an `IOException` (apksig then
/// reports "Malformed source META-INF/MANIFEST.MF").
pub fn parse_main_attributes(data: &[u8]) -> Result<MainAttributes> {
    let mut pos = 0;
    let mut main = MainAttributes::default();
    read_attributes(data, &mut pos, &mut main)?;
    // The individual sections are parsed only for their errors.
    let mut name: Option<Vec<u8>> = None;
    let mut skip_empty = true;
    while let Some(range) = read_line(data, &mut pos) {
        let len = content(data, range, "manifest line")?;
        if len == 0 && skip_empty {
            continue;
        }
        skip_empty = false;
        let line = &data[range.0..range.0 + len];
        let peek_space = data.get(pos) == Some(&b' ');
        match name.take() {
            None => {
                let is_name = line.len() >= 6
                    && line[..4].eq_ignore_ascii_case(b"name")
                    && line[4] == b':'
                    && line[5] == b' ';
                if !is_name {
                    return Err(Error::Manifest("invalid manifest format".into()));
                }
                if peek_space {
                    name = Some(line[6..].to_vec());
                    continue;
                }
            }
            Some(mut previous) => {
                if line.is_empty() {
                    return Err(Error::Manifest("invalid manifest format".into()));
                }
                previous.extend_from_slice(&line[1..]);
                if peek_space {
                    name = Some(previous);
                    continue;
                }
            }
        }
        let mut section = MainAttributes::default();
        read_attributes(data, &mut pos, &mut section)?;
        skip_empty = true;
    }
    Ok(main)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_section_semantics() {
        let m = parse_main_attributes(b"Manifest-Version: 1.0\r\nCreated-By: a\r\n b\r\ncreated-by: c\r\n\r\nName: x\r\nA: 1\r\n\r\n")
            .unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m.get("CREATED-BY"), Some("c"));
        assert_eq!(m.iter().nth(1).map(|(n, _)| n), Some("Created-By"));
    }

    #[test]
    fn jdk_errors() {
        // No terminator on the last line.
        assert!(parse_main_attributes(b"Manifest-Version: 1.0").is_err());
        assert!(parse_main_attributes(b"Manifest-Version 1.0\n").is_err());
        assert!(parse_main_attributes(b" cont\n").is_err());
        assert!(parse_main_attributes(b"Bad Name: x\n").is_err());
        assert!(parse_main_attributes(b"A: 1\n\nNot-a-name: x\n").is_err());
        let long = [b"A: ".as_slice(), &[b'x'; 600], b"\n"].concat();
        assert!(parse_main_attributes(&long).is_err());
        assert!(parse_main_attributes(b"").unwrap().is_empty());
        assert!(parse_main_attributes(b"\n\nName: a\n").is_ok());
    }
}
