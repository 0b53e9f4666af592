//! Alignment of STORED entries' data: zipalign's zero padding and apksig's
//! 0xd935 alignment extra field.

use crate::records::{EXTRA_APK_ALIGNMENT, extra_fields};

/// Alignment of `.so` files with page alignment on (zipalign `-p`, signapk, apksig).
pub const PAGE_ALIGNMENT: u64 = 4096;

/// Smallest 0xd935 field: id, size and the alignment value.
pub const APK_ALIGNMENT_FIELD_MIN_LEN: usize = 6;

/// Padding that moves data starting at `offset` to a multiple of `alignment`
/// (`0` or `1` means no alignment).
#[must_use]
pub fn padding_for(offset: u64, alignment: u64) -> u64 {
    if alignment <= 1 { 0 } else { (alignment - offset % alignment) % alignment }
}

/// zipalign's alignment for a STORED entry: 4096 for names ending in `.so`
/// when `page_align_so` (`-p`), else `default`.
#[must_use]
pub fn zipalign_alignment(name: &[u8], default: u64, page_align_so: bool) -> u64 {
    if page_align_so && name.ends_with(b".so") { PAGE_ALIGNMENT } else { default }
}

/// apksig's alignment for an input entry: the value in its 0xd935 field if it
/// has one, else 4096 for `.so` files and 4 for others; compressed entries 1.
#[must_use]
pub fn apk_alignment(name: &[u8], local_extra: &[u8], compressed: bool) -> u64 {
    if compressed {
        return 1;
    }
    for f in extra_fields(local_extra) {
        if f.id == EXTRA_APK_ALIGNMENT {
            return match f.data.get(..2) {
                Some(v) => u64::from(u16::from_le_bytes([v[0], v[1]])),
                None => break,
            };
        }
    }
    if name.ends_with(b".so") { PAGE_ALIGNMENT } else { 4 }
}

/// apksig's `createExtraFieldToAlignData`: `original` without zero-padding
/// and 0xd935 fields (and without a malformed tail), followed by a 0xd935
/// field padded so that data after an extra field starting at
/// `extra_offset` is aligned to `alignment`. Returns `original` unchanged for
/// alignments of 0 or 1.
#[must_use]
pub fn apk_alignment_extra(original: &[u8], extra_offset: u64, alignment: u16) -> Vec<u8> {
    if alignment <= 1 {
        return original.to_vec();
    }
    let mut out = Vec::with_capacity(original.len() + 5 + usize::from(alignment));
    for f in extra_fields(original) {
        if (f.id == 0 && f.data.is_empty()) || f.id == EXTRA_APK_ALIGNMENT {
            continue;
        }
        out.extend_from_slice(&f.id.to_le_bytes());
        out.extend_from_slice(&u16::try_from(f.data.len()).unwrap_or(0).to_le_bytes());
        out.extend_from_slice(f.data);
    }
    let data_min_start = extra_offset + out.len() as u64 + APK_ALIGNMENT_FIELD_MIN_LEN as u64;
    let pad = padding_for(data_min_start, u64::from(alignment));
    out.extend_from_slice(&EXTRA_APK_ALIGNMENT.to_le_bytes());
    // The padding is below `alignment`, itself a u16.
    out.extend_from_slice(&u16::try_from(2 + pad).unwrap_or(u16::MAX).to_le_bytes());
    out.extend_from_slice(&alignment.to_le_bytes());
    out.resize(out.len() + usize::try_from(pad).unwrap_or(0), 0);
    out
}

/// signapk's alignment extra for a STORED entry whose data (without the
/// extra) would start at `offset`: `{0xd935, 2 + pad, alignment, pad zeros}`.
#[must_use]
pub fn signapk_alignment_extra(offset: u64, alignment: u16) -> Vec<u8> {
    let pad = if alignment > 0 {
        padding_for(offset + APK_ALIGNMENT_FIELD_MIN_LEN as u64, u64::from(alignment))
    } else {
        0
    };
    let mut out =
        Vec::with_capacity(APK_ALIGNMENT_FIELD_MIN_LEN + usize::try_from(pad).unwrap_or(0));
    out.extend_from_slice(&EXTRA_APK_ALIGNMENT.to_le_bytes());
    out.extend_from_slice(&u16::try_from(2 + pad).unwrap_or(u16::MAX).to_le_bytes());
    out.extend_from_slice(&alignment.to_le_bytes());
    out.resize(out.len() + usize::try_from(pad).unwrap_or(0), 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paddings() {
        assert_eq!(padding_for(61, 4), 3);
        assert_eq!(padding_for(64, 4), 0);
        assert_eq!(padding_for(5, 1), 0);
        assert_eq!(zipalign_alignment(b"lib/x/libfoo.so", 4, true), 4096);
        assert_eq!(zipalign_alignment(b"lib/x/libfoo.so", 4, false), 4);
        assert_eq!(zipalign_alignment(b"a.so.txt", 4, true), 4);
    }

    #[test]
    fn apk_extra_replaces_old_alignment() {
        // An old 0xd935 field, a zero-padding field and a kept field.
        let old = [0x35, 0xd9, 4, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0x55, 0x54, 1, 0, 1];
        let e = apk_alignment_extra(&old, 100, 4);
        assert_eq!(&e[..5], &[0x55, 0x54, 1, 0, 1]);
        assert_eq!((100 + e.len()) % 4, 0);
        assert_eq!(apk_alignment(b"x", &e, false), 4);
        assert_eq!(apk_alignment(b"x.so", &[], false), 4096);
        assert_eq!(apk_alignment(b"x.so", &[], true), 1);
        let s = signapk_alignment_extra(57, 4);
        assert_eq!((57 + s.len()) % 4, 0);
    }
}
