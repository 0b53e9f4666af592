//! `java.io.DataInputStream` / `DataOutputStream` over byte slices: big-endian
//! integers and the "modified UTF-8" of `readUTF` / `writeUTF`.

use crate::error::{Error, Result};

/// A cursor over input that fails with [`Error::Truncated`] at the end, as
/// `DataInputStream` throws `EOFException`.
#[derive(Debug)]
pub(crate) struct DataInput<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> DataInput<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    /// Bytes consumed so far.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// Everything read so far.
    pub(crate) fn consumed(&self) -> &'a [u8] {
        &self.data[..self.pos]
    }

    /// The bytes not read yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        &self.data[self.pos..]
    }

    /// Skips `n` bytes that a nested parser consumed from [`Self::rest`].
    pub(crate) fn advance(&mut self, n: usize) -> Result<()> {
        self.take(n).map(|_| ())
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or(Error::Truncated)?;
        let bytes = self.data.get(self.pos..end).ok_or(Error::Truncated)?;
        self.pos = end;
        Ok(bytes)
    }

    pub(crate) fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub(crate) fn i32(&mut self) -> Result<i32> {
        let b = self.take(4)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(crate) fn i64(&mut self) -> Result<i64> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(i64::from_be_bytes(a))
    }

    /// `IOUtils.readExactlyNBytes(dis, dis.readInt())`.
    pub(crate) fn length_prefixed(&mut self) -> Result<&'a [u8]> {
        let len = self.i32()?;
        let len = usize::try_from(len)
            .map_err(|_| Error::corrupt(format!("length cannot be negative: {len}")))?;
        self.take(len)
    }

    /// `readUTF`: a 16-bit byte count and modified UTF-8.
    pub(crate) fn utf(&mut self) -> Result<String> {
        let len = self.u16()?;
        let bytes = self.take(usize::from(len))?;
        decode_modified_utf8(bytes)
    }
}

/// Decodes Java's modified UTF-8 (`DataInputStream.readUTF`): one- to
/// three-byte sequences of UTF-16 units; NUL is `C0 80`; supplementary
/// characters are two three-byte surrogates.
pub(crate) fn decode_modified_utf8(bytes: &[u8]) -> Result<String> {
    let mut units: Vec<u16> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let malformed = |at: usize| Error::corrupt(format!("malformed input around byte {at}"));
    while i < bytes.len() {
        let c = bytes[i];
        match c >> 4 {
            0..=7 => {
                units.push(u16::from(c));
                i += 1;
            }
            12 | 13 => {
                let c2 = *bytes
                    .get(i + 1)
                    .ok_or_else(|| Error::corrupt("malformed input: partial character at end"))?;
                if c2 & 0xc0 != 0x80 {
                    return Err(malformed(i + 1));
                }
                units.push((u16::from(c & 0x1f) << 6) | u16::from(c2 & 0x3f));
                i += 2;
            }
            14 => {
                let (c2, c3) = match (bytes.get(i + 1), bytes.get(i + 2)) {
                    (Some(&a), Some(&b)) => (a, b),
                    _ => return Err(Error::corrupt("malformed input: partial character at end")),
                };
                if c2 & 0xc0 != 0x80 || c3 & 0xc0 != 0x80 {
                    return Err(malformed(i + 1));
                }
                units.push(
                    (u16::from(c & 0x0f) << 12)
                        | (u16::from(c2 & 0x3f) << 6)
                        | u16::from(c3 & 0x3f),
                );
                i += 3;
            }
            _ => return Err(malformed(i)),
        }
    }
    // A Java string may hold a lone surrogate; a Rust one cannot.
    String::from_utf16(&units).map_err(|_| Error::corrupt("unpaired UTF-16 surrogate in a name"))
}

/// Encodes `text` as modified UTF-8, the body of `writeUTF`.
pub(crate) fn encode_modified_utf8(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for unit in text.encode_utf16() {
        match unit {
            0x0001..=0x007f => {
                #[expect(clippy::cast_possible_truncation, reason = "below 0x80")]
                out.push(unit as u8);
            }
            0x0000 | 0x0080..=0x07ff => {
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "below 0x800, so the shift leaves 5 bits"
                )]
                out.extend_from_slice(&[0xc0 | (unit >> 6) as u8, 0x80 | (unit & 0x3f) as u8]);
            }
            _ => {
                out.extend_from_slice(&[
                    0xe0 | (unit >> 12) as u8,
                    0x80 | ((unit >> 6) & 0x3f) as u8,
                    0x80 | (unit & 0x3f) as u8,
                ]);
            }
        }
    }
    out
}

/// `DataOutputStream` into a `Vec`.
#[derive(Debug, Default)]
pub(crate) struct DataOutput {
    pub(crate) buf: Vec<u8>,
}

impl DataOutput {
    pub(crate) fn i32(&mut self, v: i32) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    pub(crate) fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    /// `writeInt(len)` then the bytes.
    pub(crate) fn length_prefixed(&mut self, b: &[u8]) -> Result<()> {
        let len =
            i32::try_from(b.len()).map_err(|_| Error::CannotStore("entry too large".into()))?;
        self.i32(len);
        self.bytes(b);
        Ok(())
    }

    /// `writeUTF`; fails like the JDK's `UTFDataFormatException` when the
    /// encoding exceeds 65535 bytes.
    pub(crate) fn utf(&mut self, text: &str) -> Result<()> {
        let enc = encode_modified_utf8(text);
        let len = u16::try_from(enc.len()).map_err(|_| {
            Error::CannotStore(format!("encoded string too long: {} bytes", enc.len()))
        })?;
        self.buf.extend_from_slice(&len.to_be_bytes());
        self.buf.extend_from_slice(&enc);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modified_utf8_round_trip() {
        for s in [
            "",
            "mykey",
            "a\u{0}b",
            "\u{10da}(\u{ca0}\u{76ca}\u{ca0}\u{10da})",
            "\u{1F600}",
            "\u{7ff}\u{800}",
        ] {
            let enc = encode_modified_utf8(s);
            assert_eq!(decode_modified_utf8(&enc).unwrap(), s);
        }
        assert_eq!(encode_modified_utf8("\u{0}"), [0xc0, 0x80]);
        // A supplementary character is two three-byte surrogates, not four bytes.
        assert_eq!(encode_modified_utf8("\u{1F600}").len(), 6);
    }

    #[test]
    fn malformed_utf8() {
        assert!(decode_modified_utf8(&[0x80]).is_err());
        assert!(decode_modified_utf8(&[0xc0]).is_err());
        assert!(decode_modified_utf8(&[0xe0, 0x80]).is_err());
        assert!(decode_modified_utf8(&[0xf0, 0x80, 0x80, 0x80]).is_err());
        // A lone surrogate.
        assert!(decode_modified_utf8(&[0xed, 0xa0, 0x80]).is_err());
    }

    #[test]
    fn truncation() {
        let mut r = DataInput::new(&[0, 0, 0]);
        assert!(matches!(r.i32(), Err(Error::Truncated)));
        let mut r = DataInput::new(&[0xff, 0xff, 0xff, 0xff]);
        assert!(matches!(r.length_prefixed(), Err(Error::Corrupt(_))));
    }
}
