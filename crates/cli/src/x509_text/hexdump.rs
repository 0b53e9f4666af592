//! The JDK's hex dump (`sun.security.util.HexDumpEncoder.encodeBuffer`).

use core::fmt::Write as _;

/// Formats `data` as `HexDumpEncoder.encodeBuffer` does: lines of 16 bytes,
/// `OFFS: XX XX ... XX  XX ...  ascii`, each ended by `\n`; nothing for
/// empty input.
///
/// JDK compat: the offset is printed as 4 hex digits and wraps at 64 KiB;
/// the ASCII column shows bytes 0x20..=0x7a and `.` for the rest (Java
/// compares signed bytes, so everything from 0x80 up is a dot too).
#[must_use]
pub fn encode_buffer(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() / 16 * 80 + 80);
    let mut offset: usize = 0;
    for line in data.chunks(16) {
        let _ = write!(out, "{:02X}{:02X}: ", (offset >> 8) & 0xff, offset & 0xff);
        for (i, b) in line.iter().enumerate() {
            let _ = write!(out, "{b:02X} ");
            if i == 7 {
                out.push_str("  ");
            }
        }
        for i in line.len()..16 {
            out.push_str("   ");
            if i == 7 {
                out.push_str("  ");
            }
        }
        out.push(' ');
        for &b in line {
            out.push(if (0x20..=0x7a).contains(&b) { char::from(b) } else { '.' });
        }
        out.push('\n');
        offset += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_keytool() {
        // From `keytool -list -v` (SubjectKeyIdentifier of a JDK-made key).
        let d = [
            0x5D, 0x3B, 0xD0, 0xFB, 0x92, 0x72, 0x99, 0x08, 0x5A, 0x41, 0xD1, 0xDA, 0x19, 0x9E,
            0xAA, 0x6C, 0xAC, 0x1C, 0x8D, 0xCB,
        ];
        assert_eq!(
            encode_buffer(&d),
            "0000: 5D 3B D0 FB 92 72 99 08   5A 41 D1 DA 19 9E AA 6C  ];...r..ZA.....l\n\
             0010: AC 1C 8D CB                                        ....\n"
        );
        assert_eq!(encode_buffer(&[]), "");
        assert_eq!(
            encode_buffer(&[0]),
            "0000: 00                                                 .\n"
        );
    }
}
