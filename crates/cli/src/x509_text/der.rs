//! A DER reader with the JDK's leniency (`sun.security.util.DerValue` with
//! `allowBER`), so the same inputs parse here as in the JDK, and the same
//! ones fail with the same exception text where that text is printed
//! (unparseable extensions show it).

use core::fmt;

/// A Java exception as the JDK would have thrown it: class and message.
/// `Display` is `Throwable.toString()`: `java.io.IOException: msg`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JavaException {
    /// Fully qualified class name.
    pub class: &'static str,
    /// The message (`None` prints the class name alone).
    pub message: Option<String>,
}

impl JavaException {
    /// A `java.io.IOException` with `msg`.
    pub fn io(msg: impl Into<String>) -> Self {
        Self { class: "java.io.IOException", message: Some(msg.into()) }
    }

    /// An exception of `class` with `msg`.
    pub fn new(class: &'static str, msg: impl Into<String>) -> Self {
        Self { class, message: Some(msg.into()) }
    }
}

impl fmt::Display for JavaException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(m) => write!(f, "{}: {m}", self.class),
            None => f.write_str(self.class),
        }
    }
}

impl std::error::Error for JavaException {}

/// Result with a [`JavaException`].
pub type Result<T> = core::result::Result<T, JavaException>;

/// ASN.1 universal tags used here.
pub mod tag {
    /// BOOLEAN.
    pub const BOOLEAN: u8 = 0x01;
    /// INTEGER.
    pub const INTEGER: u8 = 0x02;
    /// BIT STRING.
    pub const BIT_STRING: u8 = 0x03;
    /// OCTET STRING.
    pub const OCTET_STRING: u8 = 0x04;
    /// OBJECT IDENTIFIER.
    pub const OID: u8 = 0x06;
    /// UTF8String.
    pub const UTF8_STRING: u8 = 0x0c;
    /// PrintableString.
    pub const PRINTABLE_STRING: u8 = 0x13;
    /// T61String.
    pub const T61_STRING: u8 = 0x14;
    /// IA5String.
    pub const IA5_STRING: u8 = 0x16;
    /// UTCTime.
    pub const UTC_TIME: u8 = 0x17;
    /// GeneralizedTime.
    pub const GENERALIZED_TIME: u8 = 0x18;
    /// GeneralString.
    pub const GENERAL_STRING: u8 = 0x1b;
    /// UniversalString.
    pub const UNIVERSAL_STRING: u8 = 0x1c;
    /// BMPString.
    pub const BMP_STRING: u8 = 0x1e;
    /// SEQUENCE (constructed).
    pub const SEQUENCE: u8 = 0x30;
    /// SET (constructed).
    pub const SET: u8 = 0x31;
}

/// One TLV: its tag byte, its content and its whole encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Value<'a> {
    /// The identifier octet.
    pub tag: u8,
    /// The content octets.
    pub content: &'a [u8],
    /// Identifier, length and content.
    pub encoded: &'a [u8],
}

/// Reads TLVs one after the other (`DerInputStream`).
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    data: &'a [u8],
}

/// Parses one TLV at the start of `buf`; returns it and the rest.
///
/// JDK compat: `DerValue(byte[], int, int, allowBER = true, allowMore)`, with
/// its messages. Indefinite lengths (which the JDK converts) are refused.
fn parse_tlv(buf: &[u8]) -> Result<(Value<'_>, &[u8])> {
    if buf.len() < 2 {
        return Err(JavaException::io("Too short"));
    }
    let tag = buf[0];
    if tag & 0x1f == 0x1f {
        return Err(JavaException::io("Tag number over 30 at 0 is not supported"));
    }
    let len_byte = buf[1];
    let mut pos = 2usize;
    let length: usize = if len_byte == 0x80 {
        return Err(JavaException::io("Indefinite length encoding not supported"));
    } else if len_byte & 0x80 == 0 {
        usize::from(len_byte)
    } else {
        let n = usize::from(len_byte & 0x7f);
        if n > 4 {
            return Err(JavaException::io("Invalid lenByte"));
        }
        if buf.len() < 2 + n {
            return Err(JavaException::io("Not enough length bytes"));
        }
        let mut v: u64 = 0;
        for &b in &buf[2..2 + n] {
            v = (v << 8) | u64::from(b);
        }
        pos += n;
        if v > i32::MAX as u64 {
            return Err(JavaException::io("Invalid length bytes"));
        }
        usize::try_from(v).map_err(|_| JavaException::io("Invalid length bytes"))?
    };
    let end = pos.checked_add(length).filter(|&e| e <= buf.len());
    let Some(end) = end else {
        return Err(JavaException::new("java.io.EOFException", "not enough content"));
    };
    Ok((Value { tag, content: &buf[pos..end], encoded: &buf[..end] }, &buf[end..]))
}

/// Parses exactly one TLV (`new DerValue(byte[])`): trailing bytes are an error.
///
/// # Errors
/// Malformed DER, with the JDK's message.
pub fn parse_one(buf: &[u8]) -> Result<Value<'_>> {
    let (v, rest) = parse_tlv(buf)?;
    if !rest.is_empty() {
        return Err(JavaException::io("extra data at the end"));
    }
    Ok(v)
}

impl<'a> Reader<'a> {
    /// Reads from `data`.
    #[must_use]
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    /// Bytes not read yet.
    #[must_use]
    pub fn available(&self) -> usize {
        self.data.len()
    }

    /// The unread bytes (`DerInputStream.toByteArray()`).
    #[must_use]
    pub fn rest(&self) -> &'a [u8] {
        self.data
    }

    /// The next TLV.
    ///
    /// # Errors
    /// Malformed DER or end of input.
    pub fn read(&mut self) -> Result<Value<'a>> {
        let (v, rest) = parse_tlv(self.data)?;
        self.data = rest;
        Ok(v)
    }

    /// The next byte without consuming it.
    ///
    /// # Errors
    /// At end of input.
    pub fn peek_tag(&self) -> Result<u8> {
        self.data.first().copied().ok_or_else(|| JavaException::io("At end"))
    }
}

impl<'a> Value<'a> {
    /// A reader over the content.
    #[must_use]
    pub fn reader(&self) -> Reader<'a> {
        Reader::new(self.content)
    }

    /// `true` for a context-specific tag number `n`.
    #[must_use]
    pub fn is_context(&self, n: u8) -> bool {
        self.tag & 0xc0 == 0x80 && self.tag & 0x1f == n
    }

    /// `true` when the constructed bit is set.
    #[must_use]
    pub fn is_constructed(&self) -> bool {
        self.tag & 0x20 != 0
    }

    /// The elements of a SEQUENCE (or of any constructed value when
    /// `expected` is `None`), as `DerValue.subs`.
    ///
    /// # Errors
    /// A different tag or malformed content.
    pub fn subs(&self, expected: Option<u8>) -> Result<Vec<Value<'a>>> {
        if let Some(t) = expected
            && t != self.tag
        {
            return Err(JavaException::io("Not the correct tag"));
        }
        let mut r = self.reader();
        let mut out = Vec::new();
        while r.available() > 0 {
            out.push(r.read()?);
        }
        Ok(out)
    }

    /// An OBJECT IDENTIFIER in dotted form.
    ///
    /// # Errors
    /// Not an OID, or a malformed one.
    pub fn oid(&self) -> Result<String> {
        if self.tag != tag::OID {
            return Err(JavaException::io(format!(
                "DerValue.getOID, not an OID {}",
                java_byte(self.tag)
            )));
        }
        crate::x509_text::oid::decode(self.content)
    }

    /// BOOLEAN.
    ///
    /// # Errors
    /// Not a BOOLEAN or a wrong length.
    pub fn boolean(&self) -> Result<bool> {
        if self.tag != tag::BOOLEAN {
            return Err(JavaException::io(format!(
                "DerValue.getBoolean, not a BOOLEAN {}",
                java_byte(self.tag)
            )));
        }
        if self.content.len() != 1 {
            return Err(JavaException::io(format!(
                "DerValue.getBoolean, invalid length {}",
                self.content.len()
            )));
        }
        Ok(self.content[0] != 0)
    }

    /// OCTET STRING content (constructed ones concatenated).
    ///
    /// # Errors
    /// Not an OCTET STRING.
    pub fn octet_string(&self) -> Result<Vec<u8>> {
        if self.tag != tag::OCTET_STRING && self.tag != (tag::OCTET_STRING | 0x20) {
            return Err(JavaException::io(format!(
                "DerValue.getOctetString, not an Octet String: {}",
                java_byte(self.tag)
            )));
        }
        if !self.is_constructed() {
            return Ok(self.content.to_vec());
        }
        let mut out = Vec::new();
        for v in self.subs(None)? {
            out.extend(v.octet_string()?);
        }
        Ok(out)
    }

    /// INTEGER content as two's-complement bytes, with the JDK's checks,
    /// for any tag (implicitly tagged integers are read after a tag reset).
    ///
    /// # Errors
    /// Empty content.
    pub fn integer_bytes_any_tag(&self) -> Result<&'a [u8]> {
        if self.content.is_empty() {
            return Err(JavaException::io("Invalid encoding: zero length Int value"));
        }
        Ok(self.content)
    }

    /// INTEGER as two's-complement bytes.
    ///
    /// # Errors
    /// Not an INTEGER, or empty.
    pub fn integer_bytes(&self) -> Result<&'a [u8]> {
        if self.tag != tag::INTEGER {
            return Err(JavaException::io(format!(
                "DerValue.getBigIntegerInternal, not expected {}",
                java_byte(self.tag)
            )));
        }
        self.integer_bytes_any_tag()
    }

    /// INTEGER that fits a Java `int` (`getInteger`), any tag.
    ///
    /// # Errors
    /// Empty content or out of range.
    pub fn int_any_tag(&self) -> Result<i32> {
        let bytes = self.integer_bytes_any_tag()?;
        int_from_be(bytes)
    }

    /// INTEGER that fits a Java `int`.
    ///
    /// # Errors
    /// Not an INTEGER, empty, or out of range.
    pub fn int(&self) -> Result<i32> {
        int_from_be(self.integer_bytes()?)
    }

    /// A BIT STRING that need not be byte-aligned, as booleans
    /// (`getUnalignedBitString().toBooleanArray()`), for any tag.
    ///
    /// # Errors
    /// Malformed padding.
    pub fn unaligned_bits_any_tag(&self) -> Result<Vec<bool>> {
        let Some((&pad, data)) = self.content.split_first() else {
            return Err(JavaException::io("Invalid encoding: zero length bit string"));
        };
        if pad > 7 {
            return Err(JavaException::io("Invalid number of padding bits"));
        }
        let total = data.len() * 8;
        let bits = total
            .checked_sub(usize::from(pad))
            .ok_or_else(|| JavaException::io("Not enough bytes in BitString"))?;
        Ok((0..bits).map(|i| data[i / 8] & (0x80 >> (i % 8)) != 0).collect())
    }

    /// A BIT STRING that need not be byte-aligned.
    ///
    /// # Errors
    /// Not a BIT STRING or malformed padding.
    pub fn unaligned_bits(&self) -> Result<Vec<bool>> {
        if self.tag != tag::BIT_STRING {
            return Err(JavaException::io(format!(
                "DerValue.getBitString, not a bit string {}",
                java_byte(self.tag)
            )));
        }
        self.unaligned_bits_any_tag()
    }

    /// The value as text for the string types (`DerValue.getAsString`),
    /// `None` for any other tag.
    #[must_use]
    pub fn as_string(&self) -> Option<String> {
        decode_string(self.tag, self.content)
    }
}

/// Decodes the content of a string type with the charset the JDK uses.
#[must_use]
pub fn decode_string(tag: u8, content: &[u8]) -> Option<String> {
    Some(match tag {
        tag::UTF8_STRING => String::from_utf8_lossy(content).into_owned(),
        // JDK compat: PrintableString, IA5String and GeneralString decode as
        // US-ASCII (bytes over 0x7f become U+FFFD), T61String as ISO-8859-1.
        tag::PRINTABLE_STRING | tag::IA5_STRING | tag::GENERAL_STRING => {
            content.iter().map(|&b| if b < 0x80 { char::from(b) } else { '\u{fffd}' }).collect()
        }
        tag::T61_STRING => content.iter().map(|&b| char::from(b)).collect(),
        tag::BMP_STRING => {
            let mut units: Vec<u16> =
                content.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            let odd = content.len() % 2 == 1;
            let mut s: String =
                char::decode_utf16(units.drain(..)).map(|r| r.unwrap_or('\u{fffd}')).collect();
            if odd {
                s.push('\u{fffd}');
            }
            s
        }
        tag::UNIVERSAL_STRING => {
            let mut s: String = content
                .chunks_exact(4)
                .map(|c| {
                    char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                        .unwrap_or('\u{fffd}')
                })
                .collect();
            if !content.len().is_multiple_of(4) {
                s.push('\u{fffd}');
            }
            s
        }
        _ => return None,
    })
}

/// Java prints a tag byte as a signed `byte`.
#[must_use]
pub fn java_byte(b: u8) -> i8 {
    i8::from_ne_bytes([b])
}

fn int_from_be(bytes: &[u8]) -> Result<i32> {
    // Strip redundant sign-extension bytes, then fit in 32 bits.
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let fill = if negative { 0xff } else { 0x00 };
    let mut b = bytes;
    while b.len() > 1 && b[0] == fill && (b[1] & 0x80 != 0) == negative {
        b = &b[1..];
    }
    if b.len() > 4 {
        return Err(JavaException::io(if negative {
            "Integer below minimum valid value"
        } else {
            "Integer exceeds maximum valid value"
        }));
    }
    let mut v: i64 = if negative { -1 } else { 0 };
    for &x in b {
        v = (v << 8) | i64::from(x);
    }
    i32::try_from(v).map_err(|_| JavaException::io("Integer exceeds maximum valid value"))
}

/// `BigInteger(bytes).toString(radix)` for radix 10 or 16: the signed value.
#[must_use]
pub fn big_integer_to_string(bytes: &[u8], radix: u32) -> String {
    if bytes.is_empty() {
        return "0".to_owned();
    }
    let negative = bytes[0] & 0x80 != 0;
    // Magnitude, big-endian.
    let mut mag: Vec<u8> = if negative {
        // Two's complement negate.
        let mut m: Vec<u8> = bytes.iter().map(|b| !b).collect();
        for byte in m.iter_mut().rev() {
            let (v, carry) = byte.overflowing_add(1);
            *byte = v;
            if !carry {
                break;
            }
        }
        m
    } else {
        bytes.to_vec()
    };
    while mag.len() > 1 && mag[0] == 0 {
        mag.remove(0);
    }
    let digits = if radix == 16 {
        let mut s: String = mag.iter().map(|b| format!("{b:02x}")).collect();
        let trimmed = s.trim_start_matches('0').to_owned();
        s = if trimmed.is_empty() { "0".to_owned() } else { trimmed };
        s
    } else {
        // Repeated division by 10 on the big-endian magnitude.
        let mut out = Vec::new();
        let mut cur = mag;
        while !(cur.is_empty() || cur.iter().all(|&b| b == 0)) {
            let mut rem = 0u32;
            let mut next = Vec::with_capacity(cur.len());
            for &b in &cur {
                let acc = (rem << 8) | u32::from(b);
                let q = acc / 10;
                rem = acc % 10;
                if !(next.is_empty() && q == 0) {
                    next.push(u8::try_from(q).unwrap_or(0));
                }
            }
            out.push(char::from_digit(rem, 10).unwrap_or('0'));
            cur = next;
        }
        if out.is_empty() { "0".to_owned() } else { out.iter().rev().collect() }
    };
    if negative && digits != "0" { format!("-{digits}") } else { digits }
}

/// `BigInteger.toByteArray()` of the value encoded by `bytes`: the minimal
/// two's-complement form.
#[must_use]
pub fn minimal_twos_complement(bytes: &[u8]) -> &[u8] {
    let mut b = bytes;
    while b.len() > 1 && ((b[0] == 0 && b[1] & 0x80 == 0) || (b[0] == 0xff && b[1] & 0x80 != 0)) {
        b = &b[1..];
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_integers() {
        assert_eq!(big_integer_to_string(&[0x00, 0xff, 0x80], 16), "ff80");
        assert_eq!(big_integer_to_string(&[0xff], 16), "-1");
        assert_eq!(big_integer_to_string(&[0x80], 10), "-128");
        assert_eq!(big_integer_to_string(&[0x01, 0x00], 10), "256");
        assert_eq!(big_integer_to_string(&[0x00], 10), "0");
        assert_eq!(big_integer_to_string(&[0xfe, 0x00], 16), "-200");
    }

    #[test]
    fn ints() {
        assert_eq!(int_from_be(&[0x00, 0x80]).unwrap(), 128);
        assert_eq!(int_from_be(&[0xff]).unwrap(), -1);
        assert_eq!(int_from_be(&[0x7f, 0xff, 0xff, 0xff]).unwrap(), i32::MAX);
        assert!(int_from_be(&[0x00, 0x80, 0, 0, 0]).is_err());
        assert_eq!(int_from_be(&[0xff, 0x80, 0, 0, 0]).unwrap(), i32::MIN);
        assert!(int_from_be(&[0x01, 0, 0, 0, 0]).is_err());
    }

    #[test]
    fn lengths() {
        assert_eq!(parse_one(&[0x04, 0x81, 0x01, 0xaa]).unwrap().content, &[0xaa]);
        assert_eq!(
            parse_one(&[0x04, 0x02, 0xaa]).unwrap_err().to_string(),
            "java.io.EOFException: not enough content"
        );
        assert_eq!(
            parse_one(&[0x04, 0x00, 0x00]).unwrap_err().to_string(),
            "java.io.IOException: extra data at the end"
        );
        assert!(parse_one(&[0x04, 0x85, 0, 0, 0, 0, 1]).is_err());
    }
}
