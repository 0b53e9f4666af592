//! `-conf <file>`: options prepended from a `java.util.Properties` file
//! (`KeyStoreUtil.expandArgs`): `keytool.all`, then `keytool.<command>`
//! (or the legacy command name), split as `StreamTokenizer` splits them and
//! with `${property}` expanded by `PropertyExpander`.
//!
//! Only the system properties signkit can know are expanded: `user.home`,
//! `user.name`, `user.dir`, `java.io.tmpdir`, `file.separator`,
//! `path.separator`, `line.separator`, `os.name`; `${/}` is `/`. Any other
//! property fails as an undefined one fails in the JDK.

use std::collections::HashMap;

/// Expands `args` with the options configured for `command` in `file`.
///
/// # Errors
/// The exception text keytool prints (`java.io.FileNotFoundException: ...`).
pub(crate) fn expand_args(
    file: &str,
    command: &str,
    alt: Option<&str>,
    args: &[String],
) -> Result<Vec<String>, String> {
    let bytes = std::fs::read(file).map_err(|e| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "No such file or directory".to_owned(),
            std::io::ErrorKind::PermissionDenied => "Permission denied".to_owned(),
            _ if std::path::Path::new(file).is_dir() => "Is a directory".to_owned(),
            _ => e.to_string(),
        };
        format!("java.io.FileNotFoundException: {file} ({reason})")
    })?;
    let props = load_properties(&bytes);
    let mut result = Vec::new();
    if let Some(all) = props.get("keytool.all") {
        parse_args_line(&mut result, all)?;
    }
    let s1 = props.get(&format!("keytool.{}", &command[1..]));
    let s2 = alt.and_then(|a| props.get(&format!("keytool.{}", &a[1..])));
    if let (Some(_), Some(_), Some(a)) = (s1, s2, alt) {
        return Err(format!(
            "java.io.IOException: Cannot have both {command} and {a} as pre-configured options"
        ));
    }
    if let Some(s) = s1.or(s2) {
        parse_args_line(&mut result, s)?;
    }
    if result.is_empty() {
        return Ok(args.to_vec());
    }
    result.extend_from_slice(args);
    Ok(result)
}

/// `java.util.Properties.load(InputStream)`: ISO-8859-1 text, `#`/`!`
/// comments, `key=value`, `key:value` or `key value`, backslash escapes and
/// line continuations.
fn load_properties(bytes: &[u8]) -> HashMap<String, String> {
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    let mut map = HashMap::new();
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).peekable();
    while let Some(first) = lines.next() {
        let trimmed = first.trim_start_matches([' ', '\t', '\x0c']);
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('!') {
            continue;
        }
        // Join continuation lines (an odd number of trailing backslashes).
        let mut logical = trimmed.to_owned();
        while logical.chars().rev().take_while(|&c| c == '\\').count() % 2 == 1 {
            logical.pop();
            match lines.next() {
                Some(next) => logical.push_str(next.trim_start_matches([' ', '\t', '\x0c'])),
                None => break,
            }
        }
        let chars: Vec<char> = logical.chars().collect();
        let mut i = 0;
        let mut key_end = chars.len();
        while i < chars.len() {
            match chars[i] {
                '\\' => i += 2,
                '=' | ':' | ' ' | '\t' | '\x0c' => {
                    key_end = i;
                    break;
                }
                _ => i += 1,
            }
        }
        let key_end = key_end.min(chars.len());
        let mut v = key_end;
        while v < chars.len() && matches!(chars[v], ' ' | '\t' | '\x0c') {
            v += 1;
        }
        if v < chars.len() && matches!(chars[v], '=' | ':') {
            v += 1;
            while v < chars.len() && matches!(chars[v], ' ' | '\t' | '\x0c') {
                v += 1;
            }
        }
        let key: String = chars[..key_end].iter().collect();
        let value: String = chars[v.min(chars.len())..].iter().collect();
        map.insert(unescape(&key), unescape(&value));
    }
    map
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\x0c'),
            Some('u') => {
                let hex: String = it.by_ref().take(4).collect();
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// `KeyStoreUtil.parseArgsLine`: `StreamTokenizer` words and `"`/`'` quoted
/// strings, each expanded.
fn parse_args_line(list: &mut Vec<String>, s: &str) -> Result<(), String> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if u32::from(c) <= 0x20 {
            i += 1;
            continue;
        }
        let mut token = String::new();
        if c == '"' || c == '\'' {
            i += 1;
            while i < chars.len() && chars[i] != c && chars[i] != '\n' && chars[i] != '\r' {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                    let e = chars[i];
                    let mapped = match e {
                        'a' => '\x07',
                        'b' => '\x08',
                        'f' => '\x0c',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        'v' => '\x0b',
                        '0'..='7' => {
                            // Up to three octal digits (the first at most 3).
                            let mut v = e.to_digit(8).unwrap_or(0);
                            let max = if e <= '3' { 2 } else { 1 };
                            for _ in 0..max {
                                match chars.get(i + 1).and_then(|d| d.to_digit(8)) {
                                    Some(d) => {
                                        v = v * 8 + d;
                                        i += 1;
                                    }
                                    None => break,
                                }
                            }
                            char::from_u32(v).unwrap_or('\0')
                        }
                        other => other,
                    };
                    token.push(mapped);
                } else {
                    token.push(chars[i]);
                }
                i += 1;
            }
            i += 1;
        } else {
            while i < chars.len()
                && u32::from(chars[i]) > 0x20
                && chars[i] != '"'
                && chars[i] != '\''
            {
                token.push(chars[i]);
                i += 1;
            }
        }
        list.push(expand(&token)?);
    }
    Ok(())
}

/// The value of a system property signkit can know.
fn system_property(name: &str) -> Option<String> {
    Some(match name {
        "user.home" => crate::keytool::user_home(),
        "user.name" => std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).ok()?,
        "user.dir" => std::env::current_dir().ok()?.to_string_lossy().into_owned(),
        "java.io.tmpdir" => "/tmp".to_owned(),
        "file.separator" => "/".to_owned(),
        "path.separator" => ":".to_owned(),
        "line.separator" => "\n".to_owned(),
        "os.name" => "Linux".to_owned(),
        _ => return None,
    })
}

/// `PropertyExpander.expand`.
fn expand(value: &str) -> Result<String, String> {
    let Some(mut p) = value.find("${") else { return Ok(value.to_owned()) };
    let mut sb = String::new();
    let mut i = 0;
    loop {
        if p > i {
            sb.push_str(&value[i..p]);
        }
        let mut pe = p + 2;
        if value[pe..].starts_with('{') {
            match value[pe..].find("}}").map(|x| x + pe) {
                Some(end) if end + 2 != value.len() => {
                    pe = end + 1;
                    sb.push_str(&value[p..=pe]);
                }
                _ => {
                    sb.push_str(&value[p..]);
                    return Ok(sb);
                }
            }
        } else {
            let Some(end) = value[pe..].find('}').map(|x| x + pe) else {
                sb.push_str(&value[p..]);
                return Ok(sb);
            };
            pe = end;
            let prop = &value[p + 2..pe];
            if prop == "/" {
                sb.push('/');
            } else {
                match system_property(prop) {
                    Some(v) => sb.push_str(&v),
                    None => {
                        return Err(format!(
                            "sun.security.util.PropertyExpander$ExpandException: unable to expand property {prop}"
                        ));
                    }
                }
            }
        }
        i = pe + 1;
        match value[i.min(value.len())..].find("${") {
            Some(x) => p = x + i,
            None => {
                if i < value.len() {
                    sb.push_str(&value[i..]);
                }
                return Ok(sb);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_and_tokens() {
        let p = load_properties(b"# comment\nkeytool.all = -storepass changeit \\\n   -v\nkeytool.list: -rfc \"a b\" 'c'\n");
        assert_eq!(p.get("keytool.all").map(String::as_str), Some("-storepass changeit -v"));
        let mut v = Vec::new();
        parse_args_line(&mut v, p.get("keytool.list").unwrap()).unwrap();
        assert_eq!(v, ["-rfc", "a b", "c"]);
        assert_eq!(expand("${/}x${{y}}z").unwrap(), "/x${{y}}z");
        assert!(expand("${java.home}").is_err());
        assert_eq!(expand("a${unterminated").unwrap(), "a${unterminated");
    }
}
