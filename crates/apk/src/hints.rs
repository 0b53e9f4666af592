//! Pinning hints (apksig `Hints`): when an APK carries
//! `assets/com.android.hints.pins.txt`, signapk adds `pinlist.meta`, the byte
//! ranges of the output that the device should keep in memory.
//!
//! ```text
//! pins.txt     one rule per line: `<Java regex>` or `<Java regex> <start> <end>`;
//!              `#` starts a comment
//! pinlist.meta for every entry whose name a rule matches: its data range
//!              (clamped by the rule's start/end) then its local header, then
//!              the Central Directory's start; each as big-endian
//!              `i32 start, i32 length`, clamped to 0..=i32::MAX
//! ```
//!
//! The rules are Java regular expressions matched against the whole name.
//! They are compiled with the `regex` crate after turning Java's `.` (which
//! does not match line terminators) and `\Q...\E` quoting into its syntax;
//! Java-only constructs (back references, look-around, possessive
//! quantifiers) are refused.

use crate::error::{Error, Result};

/// The asset that asks for pinning hints.
pub const PIN_HINT_ASSET: &str = "assets/com.android.hints.pins.txt";
/// The entry signapk writes them to.
pub const PIN_BYTE_RANGE_ENTRY: &str = "pinlist.meta";

/// One rule: a pattern and the part of a matching entry's data it pins.
#[derive(Debug, Clone)]
pub struct PinPattern {
    regex: regex::Regex,
    offset: i64,
    size: i64,
}

impl PinPattern {
    /// `Pattern.matcher(name).matches()`.
    #[must_use]
    pub fn matches(&self, name: &str) -> bool {
        self.regex.is_match(name)
    }

    /// `ClampToAbsoluteByteRange`: the part of `start..end` the rule pins,
    /// with Java's `long` arithmetic.
    #[must_use]
    pub fn clamp(&self, start: i64, end: i64) -> Option<(i64, i64)> {
        if end.wrapping_sub(start) < self.offset {
            return None;
        }
        let out_start = start.wrapping_add(self.offset);
        let size = end.wrapping_sub(out_start).min(self.size);
        Some((out_start, out_start.wrapping_add(size)))
    }
}

/// Java's `.` outside a character class: anything but a line terminator.
const JAVA_DOT: &str = r"[^\n\r\x{85}\x{2028}\x{2029}]";

/// The members of Java's ASCII `\d`, `\w` and `\s`, for use inside a class.
fn ascii_class(c: char) -> &'static str {
    match c {
        'd' => "0-9",
        'w' => "A-Za-z0-9_",
        _ => r"\t\n\x0B\x0C\r ",
    }
}

/// Rewrites a Java pattern into `regex` syntax, anchored for `matches()`.
fn translate(java: &str) -> Result<String> {
    let unsupported =
        |what: &str| Error::Unsupported(format!("pin pattern {java:?}: {what} is not supported"));
    let mut out = String::with_capacity(java.len() + 16);
    out.push_str("^(?:");
    let mut chars = java.chars().peekable();
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else { return Err(unsupported("a trailing backslash")) };
                match n {
                    'Q' => {
                        // Literal text up to \E (or the end).
                        let mut lit = String::new();
                        while let Some(q) = chars.next() {
                            if q == '\\' && chars.peek() == Some(&'E') {
                                chars.next();
                                break;
                            }
                            lit.push(q);
                        }
                        out.push_str(&regex::escape(&lit));
                    }
                    '1'..='9' | 'k' => return Err(unsupported("a back reference")),
                    'G' | 'Z' => return Err(unsupported("this anchor")),
                    // Java's predefined classes and word boundaries are ASCII.
                    'd' | 'w' | 's' if class_depth > 0 => out.push_str(ascii_class(n)),
                    'D' | 'W' | 'S' if class_depth > 0 => {
                        return Err(unsupported("a negated class inside a class"));
                    }
                    'd' | 'w' | 's' => {
                        out.push('[');
                        out.push_str(ascii_class(n));
                        out.push(']');
                    }
                    'D' | 'W' | 'S' => {
                        out.push_str("[^");
                        out.push_str(ascii_class(n.to_ascii_lowercase()));
                        out.push(']');
                    }
                    'b' | 'B' if class_depth == 0 => {
                        out.push_str("(?-u:\\");
                        out.push(n);
                        out.push(')');
                    }
                    _ => {
                        out.push('\\');
                        out.push(n);
                    }
                }
            }
            '[' => {
                class_depth += 1;
                out.push('[');
                // A `]` or `^]` right after the bracket is literal.
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                if chars.peek() == Some(&']') {
                    chars.next();
                    out.push_str(r"\]");
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(']');
            }
            '.' if class_depth == 0 => out.push_str(JAVA_DOT),
            '(' if chars.peek() == Some(&'?') => {
                let mut look = chars.clone();
                look.next();
                match look.next() {
                    Some('=' | '!' | '>') => {
                        return Err(unsupported("look-around or an atomic group"));
                    }
                    Some('<') if matches!(look.next(), Some('=' | '!')) => {
                        return Err(unsupported("look-behind"));
                    }
                    _ => out.push('('),
                }
            }
            '+' if class_depth == 0
                && out.ends_with(['*', '+', '?', '}'])
                && !out.ends_with("\\+") =>
            {
                return Err(unsupported("a possessive quantifier"));
            }
            other => out.push(other),
        }
    }
    out.push_str(")$");
    Ok(out)
}

/// `String.split(" ")`: trailing empty strings removed; `""` gives `[""]`.
fn java_split_space(line: &str) -> Vec<&str> {
    if line.is_empty() {
        return vec![""];
    }
    let mut parts: Vec<&str> = line.split(' ').collect();
    while parts.last() == Some(&"") {
        parts.pop();
    }
    parts
}

/// `Long.parseLong`.
fn parse_long(s: &str) -> Result<i64> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::PinHints(format!("For input string: \"{s}\"")));
    }
    s.strip_prefix('+')
        .unwrap_or(s)
        .parse()
        .map_err(|_| Error::PinHints(format!("For input string: \"{s}\"")))
}

/// `Hints.parsePinPatterns`.
///
/// # Errors
/// A line that is neither one nor three fields (`bad pin pattern line`), a
/// bad number, a pattern that does not compile or uses Java-only syntax.
pub fn parse_pin_patterns(blob: &[u8]) -> Result<Vec<PinPattern>> {
    let text = String::from_utf8_lossy(blob);
    let mut lines: Vec<&str> = text.split('\n').collect();
    // JDK compat: String.split drops trailing empty strings.
    while lines.len() > 1 && lines.last() == Some(&"") {
        lines.pop();
    }
    let mut out = Vec::new();
    for raw in lines {
        // `replaceFirst("#.*", "")`: `.` stops at line terminators.
        let line = match raw.find('#') {
            None => raw.to_owned(),
            Some(i) => {
                let rest = &raw[i..];
                let stop =
                    rest.find(['\r', '\u{0085}', '\u{2028}', '\u{2029}']).unwrap_or(rest.len());
                format!("{}{}", &raw[..i], &rest[stop..])
            }
        };
        let fields = java_split_space(&line);
        let (pattern, offset, size) = match fields.as_slice() {
            [p] => (*p, 0, i64::MAX),
            [p, start, end] => {
                let (start, end) = (parse_long(start)?, parse_long(end)?);
                (*p, start, end.wrapping_sub(start))
            }
            _ => return Err(Error::PinHints(format!("bad pin pattern line {line}"))),
        };
        let regex = regex::Regex::new(&translate(pattern)?)
            .map_err(|e| Error::Unsupported(format!("pin pattern {pattern:?}: {e}")))?;
        out.push(PinPattern { regex, offset, size });
    }
    Ok(out)
}

/// `Hints.encodeByteRangeList`: big-endian `i32 start, i32 length` pairs.
#[must_use]
pub fn encode_byte_ranges(ranges: &[(i64, i64)]) -> Vec<u8> {
    let clamp =
        |v: i64| -> i32 { i32::try_from(v.clamp(0, i64::from(i32::MAX))).unwrap_or(i32::MAX) };
    let mut out = Vec::with_capacity(ranges.len() * 8);
    for &(start, end) in ranges {
        out.extend_from_slice(&clamp(start).to_be_bytes());
        out.extend_from_slice(&clamp(end.wrapping_sub(start)).to_be_bytes());
    }
    out
}

/// Where an entry was written: its local header, data and end (after its
/// data descriptor).
#[derive(Debug, Clone)]
pub(crate) struct EntrySpan {
    pub(crate) name: String,
    pub(crate) header: u64,
    pub(crate) data: u64,
    pub(crate) end: u64,
}

/// The byte ranges `copyFiles` collects for `spans` (in output order),
/// ending with the Central Directory's start at `cd_start`.
pub(crate) fn pin_ranges(
    patterns: &[PinPattern],
    spans: &[EntrySpan],
    cd_start: u64,
) -> Vec<(i64, i64)> {
    let l = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let mut out = Vec::new();
    for s in spans {
        let mut pin_header = false;
        for p in patterns.iter().filter(|p| p.matches(&s.name)) {
            if let Some(r) = p.clamp(l(s.data), l(s.end)) {
                pin_header = true;
                out.push(r);
            }
        }
        if pin_header {
            out.push((l(s.header), l(s.data)));
        }
    }
    out.push((l(cd_start), i64::MAX));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_and_lines() {
        // Trailing empty lines are dropped (String.split), inner ones kept.
        let p = parse_pin_patterns(b"AndroidManifest.xml\nlib/.*\\.so 10 20 # comment\n\nx\n\n\n")
            .unwrap();
        assert_eq!(p.len(), 4);
        assert!(p[0].matches("AndroidManifest.xml"));
        assert!(p[0].matches("AndroidManifestXxml"));
        assert!(!p[0].matches("xAndroidManifest.xml"));
        assert!(p[1].matches("lib/x86/libfoo.so"));
        assert!(!p[1].matches("lib/x\n.so"));
        assert_eq!(p[1].clamp(100, 200), Some((110, 120)));
        assert_eq!(p[1].clamp(100, 105), None);
        assert_eq!(p[1].clamp(100, 115), Some((110, 115)));
        // The empty line matches only the empty name.
        assert!(p[2].matches("") && !p[2].matches("a"));
        assert!(p[3].matches("x"));
        assert!(parse_pin_patterns(b"a b\n").is_err());
        assert!(parse_pin_patterns(b"a x 3\n").is_err());
        assert!(parse_pin_patterns(b"(a)\\1\n").is_err());
        assert!(parse_pin_patterns(b"a(?=b)\n").is_err());
        assert!(parse_pin_patterns(b"a*+\n").is_err());
        assert!(parse_pin_patterns(b"a\\+\n").unwrap()[0].matches("a+"));
        let q = parse_pin_patterns(b"\\Qa.b\\E.c\n").unwrap();
        assert!(q[0].matches("a.bxc") && !q[0].matches("axbxc"));
        let w = parse_pin_patterns(b"\\w+\\d\\s?[\\d_]\n").unwrap();
        assert!(w[0].matches("ab1 _") && !w[0].matches("\u{e9}1 _"));
        let cls = parse_pin_patterns(b"[.]x[]a]\n").unwrap();
        assert!(cls[0].matches(".x]") && !cls[0].matches("yx]"));
    }

    #[test]
    fn encoding() {
        let e = encode_byte_ranges(&[(0x245, 0x245 + 0x275), (0x69a, i64::MAX), (-5, 3)]);
        assert_eq!(&e[..8], &[0, 0, 2, 0x45, 0, 0, 2, 0x75]);
        assert_eq!(&e[8..16], &[0, 0, 6, 0x9a, 0x7f, 0xff, 0xff, 0xff]);
        assert_eq!(&e[16..], &[0, 0, 0, 0, 0, 0, 0, 8]);
    }
}
