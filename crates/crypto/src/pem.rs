//! PEM armour, read leniently (as the JDK and openssl do) and written canonically.

use base64ct::{Base64, Encoding as _};

use crate::error::{Error, Result};

/// One PEM block: its label (`CERTIFICATE`, `PRIVATE KEY`, ...), its headers
/// (RFC 1421 `Proc-Type:` lines, for legacy encrypted keys) and its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct PemBlock {
    /// The label between `-----BEGIN ` and `-----`.
    pub label: String,
    /// `Name: value` header lines before the base64 body.
    pub headers: Vec<(String, String)>,
    /// The decoded body.
    pub der: Vec<u8>,
}

impl core::fmt::Debug for PemBlock {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Bodies can be private keys: print only their size.
        f.debug_struct("PemBlock").field("label", &self.label).field("len", &self.der.len()).finish()
    }
}

impl Drop for PemBlock {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.der);
    }
}

/// `true` when `data` holds a PEM `-----BEGIN` line.
#[must_use]
pub fn looks_like_pem(data: &[u8]) -> bool {
    data.windows(11).any(|w| w == b"-----BEGIN ")
}

/// Every PEM block in `text`, in order. Text around and between blocks is
/// ignored; base64 may be wrapped at any width and use CRLF.
///
/// # Errors
/// A block without its END line, or a body that is not base64.
pub fn parse_all(text: &[u8]) -> Result<Vec<PemBlock>> {
    let text = String::from_utf8_lossy(text);
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let line = line.trim();
        let Some(label) = line.strip_prefix("-----BEGIN ").and_then(|l| l.strip_suffix("-----")) else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut body = String::new();
        let mut headers = Vec::new();
        let mut closed = false;
        for line in lines.by_ref() {
            let line = line.trim();
            if line == end {
                closed = true;
                break;
            }
            if body.is_empty()
                && let Some((k, v)) = line.split_once(": ")
            {
                headers.push((k.to_owned(), v.to_owned()));
                continue;
            }
            body.push_str(line);
        }
        if !closed {
            return Err(Error::malformed("PEM", format!("missing {end}")));
        }
        let der = Base64::decode_vec(&body).map_err(|e| Error::malformed("PEM", e))?;
        blocks.push(PemBlock { label: label.to_owned(), headers, der });
    }
    Ok(blocks)
}

/// PEM with 64-column base64 lines and `\n` line ends, ending in a newline
/// (the form openssl and `keytool -exportcert -rfc` agree on, apart from
/// keytool's own line ends, which the CLI handles).
#[must_use]
pub fn encode(label: &str, der: &[u8]) -> String {
    let b64 = Base64::encode_string(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(core::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let der: Vec<u8> = (0..=200).collect();
        let pem = encode("CERTIFICATE", &der);
        let blocks = parse_all(format!("junk\r\n{pem}more").as_bytes()).unwrap();
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].label, "CERTIFICATE");
        assert_eq!(blocks[0].der, der);
    }

    #[test]
    fn unterminated_is_an_error() {
        assert!(parse_all(b"-----BEGIN CERTIFICATE-----\nAAAA\n").is_err());
    }
}
