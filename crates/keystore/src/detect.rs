//! Recognising a keystore from its content.

use crate::model::StoreType;

/// `0xFEEDFEED`, the JKS magic number.
pub(crate) const JKS_MAGIC: u32 = 0xfeed_feed;
/// `0xCECECECE`, the JCEKS magic number.
pub(crate) const JCEKS_MAGIC: u32 = 0xcece_cece;

/// The first 24 bytes of the DER encodings of a PKCS#12 `PFX` (version 3,
/// `data` content) with each length form, and the bits to compare.
/// JDK compat: sun.security.pkcs12.PKCS12KeyStore.PKCS12_HEADER_PATTERNS / _MASKS.
const PKCS12_HEADER_PATTERNS: [[u64; 3]; 9] = [
    [0x3080_0201_0330_8006, 0x092A_8648_86F7_0D01, 0x0701_A080_2480_0400],
    [0x3082_0000_0201_0330, 0x8200_0006_092A_8648, 0x86F7_0D01_0701_A080],
    [0x3000_0201_0330_0006, 0x092A_8648_86F7_0D01, 0x0701_A000_0400_0000],
    [0x3081_0002_0103_3081, 0x0006_092A_8648_86F7, 0x0D01_0701_A081_0004],
    [0x3082_0000_0201_0330, 0x8100_0609_2A86_4886, 0xF70D_0107_01A0_8100],
    [0x3083_0000_0002_0103, 0x3082_0000_0609_2A86, 0x4886_F70D_0107_01A0],
    [0x3083_0000_0002_0103, 0x3083_0000_0006_092A, 0x8648_86F7_0D01_0701],
    [0x3084_0000_0000_0201, 0x0330_8300_0000_0609, 0x2A86_4886_F70D_0107],
    [0x3084_0000_0000_0201, 0x0330_8400_0000_0006, 0x092A_8648_86F7_0D01],
];
const PKCS12_HEADER_MASKS: [[u64; 3]; 9] = [
    [0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FF00],
    [0xFFFF_0000_FFFF_FFFF, 0xFF00_00FF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFF0],
    [0xFF00_FFFF_FFFF_00FF, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FF00_FF00_0000],
    [0xFFFF_00FF_FFFF_FFFF, 0x00FF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_00FF],
    [0xFFFF_0000_FFFF_FFFF, 0xFF00_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FF00],
    [0xFFFF_0000_00FF_FFFF, 0xFFFF_0000_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF],
    [0xFFFF_0000_00FF_FFFF, 0xFFFF_0000_00FF_FFFF, 0xFFFF_FFFF_FFFF_FFFF],
    [0xFFFF_0000_0000_FFFF, 0xFFFF_FF00_0000_FFFF, 0xFFFF_FFFF_FFFF_FFFF],
    [0xFFFF_0000_0000_FFFF, 0xFFFF_FF00_0000_00FF, 0xFFFF_FFFF_FFFF_FFFF],
];

fn be_u32(bytes: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?))
}

fn be_u64(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

/// `PKCS12KeyStore.engineProbe`: the first 24 bytes match one of the patterns.
pub(crate) fn is_pkcs12(bytes: &[u8]) -> bool {
    let (Some(a), Some(b), Some(c)) = (be_u64(bytes, 0), be_u64(bytes, 8), be_u64(bytes, 16))
    else {
        return false;
    };
    PKCS12_HEADER_PATTERNS
        .iter()
        .zip(PKCS12_HEADER_MASKS.iter())
        .any(|(p, m)| p[0] == a & m[0] && p[1] == b & m[1] && p[2] == c & m[2])
}

/// The probing of `KeyStore.getInstance(File, char[])`, in provider order:
/// JKS (SUN), PKCS12 (SUN), JCEKS (SunJCE).
pub(crate) fn detect(bytes: &[u8]) -> Option<StoreType> {
    match be_u32(bytes) {
        Some(JKS_MAGIC) => Some(StoreType::Jks),
        _ if is_pkcs12(bytes) => Some(StoreType::Pkcs12),
        Some(JCEKS_MAGIC) => Some(StoreType::Jceks),
        _ => None,
    }
}

/// Recognises BouncyCastle's BKS (versions 0 to 2) and UBER stores, which the
/// JDK cannot read without the BouncyCastle provider. Returns the format name.
///
/// Both start with `int version, int saltLength, salt, int iterations`. A BKS
/// then lists its entries in the clear and ends with a 20-byte HMAC; an UBER
/// store is Twofish-CBC ciphertext, a whole number of 16-byte blocks.
pub(crate) fn bouncycastle(bytes: &[u8]) -> Option<&'static str> {
    let version = be_u32(bytes)?;
    if version > 2 {
        return None;
    }
    let salt_len = usize::try_from(be_u32(bytes.get(4..)?)?).ok()?;
    if salt_len == 0 || salt_len > 1024 {
        return None;
    }
    let iter_at = 8usize.checked_add(salt_len)?;
    let iterations = be_u32(bytes.get(iter_at..)?)?;
    if iterations == 0 || iterations > 0x7fff_ffff {
        return None;
    }
    let body = bytes.get(iter_at + 4..)?;
    if bks_entries_end(body).is_some_and(|rest| rest >= 20) {
        return Some("BKS");
    }
    if version <= 1 && !body.is_empty() && body.len() % 16 == 0 {
        return Some("UBER");
    }
    None
}

/// Walks the clear BKS entry list (`BcKeyStoreSpi.loadStore`); returns the
/// number of bytes after the terminating zero byte.
fn bks_entries_end(mut body: &[u8]) -> Option<usize> {
    fn take<'a>(b: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (head, tail) = b.split_at_checked(n)?;
        *b = tail;
        Some(head)
    }
    fn int(b: &mut &[u8]) -> Option<usize> {
        usize::try_from(be_u32(take(b, 4)?)?).ok()
    }
    fn utf(b: &mut &[u8]) -> Option<()> {
        let len = take(b, 2)?;
        take(b, usize::from(u16::from_be_bytes([len[0], len[1]]))).map(|_| ())
    }
    fn cert(b: &mut &[u8]) -> Option<()> {
        utf(b)?;
        let n = int(b)?;
        take(b, n).map(|_| ())
    }
    loop {
        let ty = *take(&mut body, 1)?.first()?;
        match ty {
            0 => return Some(body.len()),
            1..=4 => {}
            _ => return None,
        }
        utf(&mut body)?;
        take(&mut body, 8)?;
        let chain = int(&mut body)?;
        if chain > body.len() {
            return None;
        }
        for _ in 0..chain {
            cert(&mut body)?;
        }
        match ty {
            1 => cert(&mut body)?,
            2 => {
                take(&mut body, 1)?;
                utf(&mut body)?;
                utf(&mut body)?;
                let n = int(&mut body)?;
                take(&mut body, n)?;
            }
            _ => {
                let n = int(&mut body)?;
                take(&mut body, n)?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers() {
        assert_eq!(detect(&[0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]), Some(StoreType::Jks));
        assert_eq!(detect(&[0xce, 0xce, 0xce, 0xce]), Some(StoreType::Jceks));
        assert_eq!(detect(&[0xfe, 0xed]), None);
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn pkcs12_header() {
        // 30 82 LL LL 02 01 03 30 82 LL LL 06 09 2A 86 48 86 F7 0D 01 07 01 A0 82
        let hdr = [
            0x30, 0x82, 0x0f, 0x48, 0x02, 0x01, 0x03, 0x30, 0x82, 0x0e, 0xf2, 0x06, 0x09, 0x2a,
            0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01, 0xa0, 0x82,
        ];
        assert!(is_pkcs12(&hdr));
        assert!(!is_pkcs12(&hdr[..23]));
        let mut bad = hdr;
        bad[6] = 2;
        assert!(!is_pkcs12(&bad));
    }
}
