//! A small BER reader and DER writer for the PKCS#12 and key-protection
//! structures.
//!
//! Reading is as lenient as the JDK's `DerValue`: indefinite lengths and
//! constructed OCTET STRINGs are accepted (old PKCS#12 files use them), while
//! non-minimal definite lengths are refused as the JDK refuses them.
//! Writing produces DER with the element order the caller gives, because the
//! JDK writes some `SET`s unsorted and signkit reproduces its bytes.

use std::borrow::Cow;

use const_oid::ObjectIdentifier;

use crate::error::{Error, Result};

/// Universal tags used here.
pub(crate) mod tag {
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const NULL: u8 = 0x05;
    pub(crate) const OID: u8 = 0x06;
    pub(crate) const UTF8_STRING: u8 = 0x0c;
    pub(crate) const PRINTABLE_STRING: u8 = 0x13;
    pub(crate) const T61_STRING: u8 = 0x14;
    pub(crate) const IA5_STRING: u8 = 0x16;
    pub(crate) const GENERAL_STRING: u8 = 0x1b;
    pub(crate) const BMP_STRING: u8 = 0x1e;
    pub(crate) const SEQUENCE: u8 = 0x30;
    pub(crate) const SET: u8 = 0x31;
    /// `[0]` constructed (EXPLICIT).
    pub(crate) const CONTEXT_0: u8 = 0xa0;
    /// `[0]` primitive (IMPLICIT OCTET STRING).
    pub(crate) const CONTEXT_0_PRIM: u8 = 0x80;
}

/// Nesting deeper than this is refused, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 48;

/// One element: its tag and the bytes of its content.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    /// The identifier octet (class, constructed bit and tag number).
    pub(crate) tag: u8,
    /// The content octets. For an indefinite length this is everything up to
    /// (not including) the end-of-contents marker.
    pub(crate) body: &'a [u8],
    /// The whole element as it appears in the input.
    pub(crate) raw: &'a [u8],
    depth: usize,
}

/// Reads consecutive elements from a byte slice.
#[derive(Clone, Debug)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    depth: usize,
}

fn short() -> Error {
    Error::corrupt("DER input too short")
}

impl<'a> Reader<'a> {
    /// A reader over `data` at the top level.
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { data, depth: 0 }
    }

    /// `true` when every element has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The tag of the next element, without consuming it.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.data.first().copied()
    }

    /// Reads the next element.
    pub(crate) fn read(&mut self) -> Result<Tlv<'a>> {
        let (tlv, rest) = parse_one(self.data, self.depth)?;
        self.data = rest;
        Ok(tlv)
    }

    /// Reads the next element and checks its tag.
    pub(crate) fn read_tag(&mut self, expected: u8, what: &str) -> Result<Tlv<'a>> {
        let tlv = self.read()?;
        if tlv.tag != expected {
            return Err(Error::corrupt(format!("{what}: unexpected tag 0x{:02x}", tlv.tag)));
        }
        Ok(tlv)
    }

    /// Fails unless every element has been read.
    pub(crate) fn finish(&self, what: &str) -> Result<()> {
        if self.data.is_empty() {
            Ok(())
        } else {
            Err(Error::corrupt(format!("{what}: extra data")))
        }
    }
}

/// Splits the first element off `data`.
fn parse_one(data: &[u8], depth: usize) -> Result<(Tlv<'_>, &[u8])> {
    if depth > MAX_DEPTH {
        return Err(Error::corrupt("DER nesting too deep"));
    }
    let (&tag, rest) = data.split_first().ok_or_else(short)?;
    if tag & 0x1f == 0x1f {
        return Err(Error::corrupt("DER high tag numbers are not supported"));
    }
    let (&len0, mut rest) = rest.split_first().ok_or_else(short)?;
    let header_len;
    let body_len = if len0 == 0x80 {
        // JDK compat: sun.security.util.DerValue accepts indefinite lengths
        // (through DerIndefLenConverter); only constructed elements may use them.
        if tag & 0x20 == 0 {
            return Err(Error::corrupt("indefinite length on a primitive element"));
        }
        header_len = 2;
        let mut inner = rest;
        loop {
            if inner.len() >= 2 && inner[0] == 0 && inner[1] == 0 {
                break;
            }
            let (_, after) = parse_one(inner, depth + 1)?;
            inner = after;
        }
        let body_len = rest.len() - inner.len();
        let body = &rest[..body_len];
        let raw_len = header_len + body_len + 2;
        let tlv = Tlv { tag, body, raw: &data[..raw_len], depth };
        return Ok((tlv, &inner[2..]));
    } else if len0 & 0x80 == 0 {
        header_len = 2;
        usize::from(len0)
    } else {
        let n = usize::from(len0 & 0x7f);
        if n > 4 {
            return Err(Error::corrupt(format!(
                "DerInputStream.getLength(): lengthTag={n}, too big."
            )));
        }
        let (bytes, after) = rest.split_at_checked(n).ok_or_else(short)?;
        rest = after;
        if bytes.first() == Some(&0) {
            return Err(Error::corrupt("DerInputStream.getLength(): Redundant length bytes found"));
        }
        let value = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        if value > i32::MAX as u64 {
            return Err(Error::corrupt("DerInputStream.getLength(): Invalid length bytes"));
        }
        if value <= 127 {
            return Err(Error::corrupt(
                "DerInputStream.getLength(): Should use short form for length",
            ));
        }
        header_len = 2 + n;
        usize::try_from(value).map_err(|_| short())?
    };
    let (body, after) = rest.split_at_checked(body_len).ok_or_else(short)?;
    let raw = &data[..header_len + body_len];
    Ok((Tlv { tag, body, raw, depth }, after))
}

impl<'a> Tlv<'a> {
    /// A reader over the children of a constructed element.
    pub(crate) fn children(&self) -> Reader<'a> {
        Reader { data: self.body, depth: self.depth + 1 }
    }

    /// `true` for a constructed element.
    pub(crate) fn is_constructed(&self) -> bool {
        self.tag & 0x20 != 0
    }

    /// Checks the tag.
    pub(crate) fn expect(&self, expected: u8, what: &str) -> Result<()> {
        if self.tag == expected {
            Ok(())
        } else {
            Err(Error::corrupt(format!("{what}: unexpected tag 0x{:02x}", self.tag)))
        }
    }

    /// The content of an OCTET STRING (or of an IMPLICIT-tagged one with the
    /// given tag number), joining the pieces of a constructed encoding.
    pub(crate) fn octets(&self) -> Result<Cow<'a, [u8]>> {
        if !self.is_constructed() {
            return Ok(Cow::Borrowed(self.body));
        }
        let mut out = Vec::new();
        let mut r = self.children();
        while !r.is_empty() {
            let piece = r.read()?;
            if piece.tag & 0x1f != tag::OCTET_STRING {
                return Err(Error::corrupt(
                    "constructed OCTET STRING with a non-OCTET STRING piece",
                ));
            }
            out.extend_from_slice(&piece.octets()?);
        }
        Ok(Cow::Owned(out))
    }

    /// An OBJECT IDENTIFIER.
    pub(crate) fn oid(&self) -> Result<ObjectIdentifier> {
        if self.tag != tag::OID {
            return Err(Error::corrupt(format!("expected an OID, found tag 0x{:02x}", self.tag)));
        }
        ObjectIdentifier::from_bytes(self.body).map_err(|e| Error::corrupt(format!("bad OID: {e}")))
    }

    /// A non-negative INTEGER that fits an `i32`, as the JDK's `getInteger`.
    pub(crate) fn small_uint(&self) -> Result<u32> {
        if self.tag != tag::INTEGER {
            return Err(Error::corrupt(format!(
                "expected an INTEGER, found tag 0x{:02x}",
                self.tag
            )));
        }
        let b = self.body;
        if b.is_empty() {
            return Err(Error::corrupt("empty INTEGER"));
        }
        if b[0] & 0x80 != 0 {
            return Err(Error::corrupt("negative INTEGER where a count is expected"));
        }
        let digits: &[u8] = if b.len() > 1 && b[0] == 0 { &b[1..] } else { b };
        if digits.len() > 4 {
            return Err(Error::corrupt("Integer exceeds legal range"));
        }
        let v = digits.iter().fold(0u32, |acc, &d| (acc << 8) | u32::from(d));
        if v > i32::MAX as u32 {
            return Err(Error::corrupt("Integer exceeds legal range"));
        }
        Ok(v)
    }

    /// A BMPString as text (lone surrogates become U+FFFD).
    pub(crate) fn bmp_string(&self) -> Result<String> {
        if self.tag != tag::BMP_STRING {
            return Err(Error::corrupt(format!(
                "expected a BMPString, found tag 0x{:02x}",
                self.tag
            )));
        }
        let bytes = self.octets_of_string()?;
        if bytes.len() % 2 != 0 {
            return Err(Error::corrupt("BMPString of odd length"));
        }
        let units: Vec<u16> =
            bytes.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        Ok(String::from_utf16_lossy(&units))
    }

    fn octets_of_string(&self) -> Result<Cow<'a, [u8]>> {
        if self.is_constructed() { self.octets() } else { Ok(Cow::Borrowed(self.body)) }
    }
}

/// Parses exactly one element from `data` (trailing bytes are an error).
pub(crate) fn parse_exact<'a>(data: &'a [u8], what: &str) -> Result<Tlv<'a>> {
    let mut r = Reader::new(data);
    let tlv = r.read()?;
    r.finish(what)?;
    Ok(tlv)
}

/// An `AlgorithmIdentifier`: the OID and the raw parameters element, if any
/// (an explicit NULL counts as none, as in the JDK).
pub(crate) fn algorithm_identifier<'a>(
    tlv: &Tlv<'a>,
) -> Result<(ObjectIdentifier, Option<Tlv<'a>>)> {
    tlv.expect(tag::SEQUENCE, "AlgorithmIdentifier")?;
    let mut r = tlv.children();
    let oid = r.read()?.oid()?;
    let params = if r.is_empty() {
        None
    } else {
        let p = r.read()?;
        if p.tag == tag::NULL { None } else { Some(p) }
    };
    r.finish("AlgorithmIdentifier")?;
    Ok((oid, params))
}

// ----------------------------------------------------------------------------
// Writing.

/// Appends a DER length.
fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        #[expect(clippy::cast_possible_truncation, reason = "checked < 0x80")]
        out.push(len as u8);
        return;
    }
    let bytes = (len as u64).to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count();
    let n = bytes.len() - skip;
    #[expect(clippy::cast_possible_truncation, reason = "at most 8 length bytes")]
    out.push(0x80 | n as u8);
    out.extend_from_slice(&bytes[skip..]);
}

/// One element from its tag and content.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    push_len(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

/// A constructed element from already-encoded children, in the given order.
pub(crate) fn cons(tag: u8, children: &[&[u8]]) -> Vec<u8> {
    let content: Vec<u8> = children.concat();
    tlv(tag, &content)
}

/// A SEQUENCE of already-encoded children.
pub(crate) fn seq(children: &[&[u8]]) -> Vec<u8> {
    cons(tag::SEQUENCE, children)
}

/// An OBJECT IDENTIFIER.
pub(crate) fn oid(oid: &ObjectIdentifier) -> Vec<u8> {
    tlv(tag::OID, oid.as_bytes())
}

/// An OCTET STRING.
pub(crate) fn octets(content: &[u8]) -> Vec<u8> {
    tlv(tag::OCTET_STRING, content)
}

/// NULL.
pub(crate) fn null() -> Vec<u8> {
    vec![tag::NULL, 0]
}

/// A non-negative INTEGER.
pub(crate) fn uint(value: u64) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count().min(7);
    let mut content = bytes[skip..].to_vec();
    if content[0] & 0x80 != 0 {
        content.insert(0, 0);
    }
    tlv(tag::INTEGER, &content)
}

/// A BMPString of `text` (UTF-16BE code units).
pub(crate) fn bmp_string(text: &str) -> Vec<u8> {
    let content: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    tlv(tag::BMP_STRING, &content)
}

/// An `AlgorithmIdentifier` with the given encoded parameters (or none).
pub(crate) fn algorithm(oid_value: &ObjectIdentifier, params: Option<&[u8]>) -> Vec<u8> {
    match params {
        Some(p) => seq(&[&oid(oid_value), p]),
        None => seq(&[&oid(oid_value)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_round_trip() {
        for len in [0usize, 1, 127, 128, 255, 256, 65535, 65536, 1 << 20] {
            let content = vec![7u8; len];
            let enc = tlv(tag::OCTET_STRING, &content);
            let t = parse_exact(&enc, "t").unwrap();
            assert_eq!(t.body.len(), len);
            assert_eq!(t.raw, &enc[..]);
        }
    }

    #[test]
    fn jdk_length_rules() {
        // Long form for a short length.
        assert!(parse_exact(&[0x04, 0x81, 0x05, 1, 2, 3, 4, 5], "t").is_err());
        // Redundant leading zero.
        assert!(parse_exact(&[0x04, 0x82, 0x00, 0x80], "t").is_err());
        // Truncated.
        assert!(parse_exact(&[0x04, 0x05, 1], "t").is_err());
        assert!(parse_exact(&[0x04], "t").is_err());
    }

    #[test]
    fn indefinite_and_constructed_octets() {
        // 24 80 (04 02 aa bb) (04 01 cc) 00 00 inside a 30 80 ... 00 00.
        let data = [0x30, 0x80, 0x24, 0x80, 0x04, 0x02, 0xaa, 0xbb, 0x04, 0x01, 0xcc, 0, 0, 0, 0];
        let t = parse_exact(&data, "t").unwrap();
        let mut r = t.children();
        let os = r.read().unwrap();
        assert_eq!(&*os.octets().unwrap(), &[0xaa, 0xbb, 0xcc]);
        assert!(r.is_empty());
        // Unterminated.
        assert!(parse_exact(&data[..data.len() - 2], "t").is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut data = Vec::new();
        for _ in 0..1000 {
            data.extend_from_slice(&[0x30, 0x80]);
        }
        assert!(parse_exact(&data, "t").is_err());
    }

    #[test]
    fn integers() {
        for v in [0u64, 1, 127, 128, 255, 256, 10000, 50000, 100_000, 200_000, i32::MAX as u64] {
            let enc = uint(v);
            assert_eq!(u64::from(parse_exact(&enc, "i").unwrap().small_uint().unwrap()), v);
        }
        assert_eq!(uint(10000), [0x02, 0x02, 0x27, 0x10]);
        assert_eq!(uint(200_000), [0x02, 0x03, 0x03, 0x0d, 0x40]);
        assert_eq!(uint(128), [0x02, 0x02, 0x00, 0x80]);
    }
}
