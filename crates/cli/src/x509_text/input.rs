//! Reading certificates as `CertificateFactory.getInstance("X.509")
//! .generateCertificates` does (`sun.security.provider.X509Factory`): DER or
//! PEM blocks one after the other, text around PEM blocks ignored, or one
//! PKCS#7 `SignedData` (or Netscape certificate sequence) holding them.

use base64ct::{Base64, Encoding as _};

use crate::x509_text::der::{self, JavaException, Result, tag};

/// Splits `data` into certificate encodings (not yet parsed as certificates).
/// An empty input gives an empty list.
///
/// # Errors
/// Input that is neither PEM, DER nor PKCS#7, with the JDK's message.
pub fn split_certificates(data: &[u8]) -> Result<Vec<Vec<u8>>> {
    if data.is_empty() {
        return Ok(Vec::new());
    }
    let mut pos = 0usize;
    let Some(first) = read_one_block(data, &mut pos)? else {
        return Err(JavaException::new(
            "java.security.cert.CertificateException",
            "No certificate data found",
        ));
    };
    if let Some(certs) = pkcs7_certificates(&first) {
        return Ok(certs);
    }
    let mut out = vec![first];
    while let Some(block) = read_one_block(data, &mut pos)? {
        out.push(block);
    }
    Ok(out)
}

/// `X509Factory.readOneBlock`: one BER SEQUENCE, or one PEM block decoded.
fn read_one_block(data: &[u8], pos: &mut usize) -> Result<Option<Vec<u8>>> {
    let next = |pos: &mut usize| -> Option<u8> {
        let b = data.get(*pos).copied();
        if b.is_some() {
            *pos += 1;
        }
        b
    };
    let Some(c) = next(pos) else { return Ok(None) };
    if c == tag::SEQUENCE {
        let start = *pos - 1;
        read_ber(data, pos, Some(c), 2048)?;
        return Ok(Some(data[start..*pos].to_vec()));
    }
    // Step 1: find five hyphens at the start of a line.
    let mut hyphens = usize::from(c == b'-');
    let mut last: Option<u8> = if c == b'-' { None } else { Some(c) };
    loop {
        let Some(n) = next(pos) else { return Ok(None) };
        if n == b'-' {
            hyphens += 1;
        } else {
            hyphens = 0;
            last = Some(n);
        }
        if hyphens == 5 && matches!(last, None | Some(b'\r' | b'\n')) {
            break;
        }
    }
    let incomplete = || JavaException::io("Incomplete data");
    // Step 2: the rest of the header line.
    let mut header = String::from("-----");
    let mut body = Vec::new();
    let end;
    loop {
        let n = next(pos).ok_or_else(incomplete)?;
        if n == b'\n' {
            end = b'\n';
            break;
        }
        if n == b'\r' {
            let n2 = next(pos).ok_or_else(incomplete)?;
            if n2 == b'\n' {
                end = b'\n';
            } else {
                end = b'\r';
                if !matches!(n2, 9 | 10 | 13 | 32) {
                    body.push(n2);
                }
            }
            break;
        }
        header.push(char::from(n));
    }
    // Step 3: base64 up to the next hyphen.
    loop {
        let n = next(pos).ok_or_else(incomplete)?;
        if n == b'-' {
            break;
        }
        if !matches!(n, 9 | 10 | 13 | 32) {
            body.push(n);
        }
    }
    // Step 4: the footer line.
    let mut footer = String::from("-");
    loop {
        match next(pos) {
            None => break,
            Some(n) if n == end || n == b'\n' => break,
            Some(b'\r') => {}
            Some(n) => footer.push(char::from(n)),
        }
    }
    check_header_footer(header.trim_end(), footer.trim_end())?;
    decode_base64(&body).map(Some)
}

fn check_header_footer(header: &str, footer: &str) -> Result<()> {
    if header.len() < 16 || !header.starts_with("-----BEGIN ") || !header.ends_with("-----") {
        return Err(JavaException::io(format!("Illegal header: {header}")));
    }
    if footer.len() < 14 || !footer.starts_with("-----END ") || !footer.ends_with("-----") {
        return Err(JavaException::io(format!("Illegal footer: {footer}")));
    }
    let ht = &header[11..header.len() - 5];
    let ft = &footer[9..footer.len() - 5];
    if ht != ft {
        return Err(JavaException::io(format!(
            "Header and footer do not match: {header} {footer}"
        )));
    }
    Ok(())
}

/// `Base64.getDecoder()`: strict alphabet, padding optional.
fn decode_base64(body: &[u8]) -> Result<Vec<u8>> {
    let bad = || JavaException::io("java.lang.IllegalArgumentException: Illegal base64 character");
    let text = core::str::from_utf8(body).map_err(|_| bad())?;
    let trimmed = text.trim_end_matches('=');
    let pad = (4 - trimmed.len() % 4) % 4;
    if pad == 3 {
        return Err(JavaException::io(
            "java.lang.IllegalArgumentException: Last unit does not have enough valid bits",
        ));
    }
    let mut padded = trimmed.to_owned();
    padded.extend(core::iter::repeat_n('=', pad));
    Base64::decode_vec(&padded).map_err(|_| bad())
}

/// `X509Factory.readBERInternal`: consumes one BER TLV (definite or
/// indefinite length) starting at `pos` (after `tag` if given).
fn read_ber(data: &[u8], pos: &mut usize, tag_byte: Option<u8>, depth: u32) -> Result<u8> {
    if depth == 0 {
        return Err(JavaException::io("Nesting sequence depth limit reached."));
    }
    let mut next = |what: &str| -> Result<u8> {
        let b = data.get(*pos).copied().ok_or_else(|| JavaException::io(what.to_owned()))?;
        *pos += 1;
        Ok(b)
    };
    let t = match tag_byte {
        Some(t) => t,
        None => {
            let t = next("BER/DER tag info absent")?;
            if t & 0x1f == 0x1f {
                return Err(JavaException::io("Multi octets tag not supported"));
            }
            t
        }
    };
    let n = next("BER/DER length info absent")?;
    if n == 0x80 {
        if t & 0x20 != 0x20 {
            return Err(JavaException::io("Non constructed encoding must have definite length"));
        }
        while read_ber(data, pos, None, depth - 1)? != 0 {}
        return Ok(t);
    }
    let length: usize = if n < 0x80 {
        usize::from(n)
    } else {
        let count = usize::from(n & 0x7f);
        if count > 4 {
            return Err(JavaException::io("Invalid BER/DER data (too huge?)"));
        }
        let bytes = data
            .get(*pos..*pos + count)
            .ok_or_else(|| JavaException::io("Incomplete BER/DER length info"))?;
        if count == 4 && bytes[0] > 127 {
            return Err(JavaException::io("Invalid BER/DER data (a little huge?)"));
        }
        *pos += count;
        bytes.iter().fold(0usize, |a, &b| (a << 8) | usize::from(b))
    };
    let end = pos.checked_add(length).filter(|&e| e <= data.len());
    let Some(end) = end else {
        *pos = data.len();
        return Err(JavaException::io("Incomplete BER/DER data"));
    };
    *pos = end;
    Ok(t)
}

/// `new PKCS7(data).getCertificates()`, `None` when `data` is not PKCS#7
/// (the JDK then reads it as certificates).
fn pkcs7_certificates(data: &[u8]) -> Option<Vec<Vec<u8>>> {
    let ci = der::Reader::new(data).read().ok()?;
    if ci.tag != tag::SEQUENCE {
        return None;
    }
    let parts = ci.subs(None).ok()?;
    if parts.is_empty() || parts.len() > 2 {
        return None;
    }
    let content_type = parts[0].oid().ok()?;
    let content = parts.get(1)?;
    // [0] EXPLICIT content.
    let inner = content.subs(None).ok()?;
    if inner.len() != 1 {
        return None;
    }
    let content = inner[0];
    match content_type.as_str() {
        // signedData
        "1.2.840.113549.1.7.2" => {
            let mut r = content.reader();
            r.read().ok()?.integer_bytes().ok()?;
            let digests = r.read().ok()?;
            if digests.tag != tag::SET {
                return None;
            }
            let _content_info = r.read().ok()?;
            let mut certs = Vec::new();
            if r.peek_tag().ok()? == 0xa0 {
                for c in r.read().ok()?.subs(None).ok()? {
                    // Other CertificateChoices are ignored.
                    if c.tag == tag::SEQUENCE {
                        certs.push(c.encoded.to_vec());
                    }
                }
            }
            if r.peek_tag().ok()? == 0xa1 {
                r.read().ok()?;
            }
            let signer_infos = r.read().ok()?;
            if signer_infos.tag != tag::SET {
                return None;
            }
            Some(certs)
        }
        // Netscape certificate sequence.
        "2.16.840.1.113730.2.5" => {
            let seq = content.subs(Some(tag::SEQUENCE)).ok()?;
            Some(seq.iter().map(|c| c.encoded.to_vec()).collect())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_with_text_around() {
        let der = [0x30, 0x03, 0x02, 0x01, 0x05];
        let b64 = Base64::encode_string(&der);
        let text = format!(
            "Bag Attributes\nsome text\n-----BEGIN CERTIFICATE-----\r\n{b64}\r\n-----END CERTIFICATE-----\r\ntrailer\n"
        );
        let certs = split_certificates(text.as_bytes()).unwrap();
        assert_eq!(certs, vec![der.to_vec()]);
        let two = format!("{text}{text}");
        assert_eq!(split_certificates(two.as_bytes()).unwrap().len(), 2);
    }

    #[test]
    fn der_concatenation_and_errors() {
        let der = [0x30, 0x03, 0x02, 0x01, 0x05, 0x30, 0x00];
        assert_eq!(split_certificates(&der).unwrap().len(), 2);
        assert!(split_certificates(b"garbage without armour").is_err());
        assert!(split_certificates(&[0x30, 0x05, 0x00]).is_err());
        assert!(
            split_certificates(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END X-----\n").is_err()
        );
        assert_eq!(split_certificates(b"").unwrap().len(), 0);
    }
}
