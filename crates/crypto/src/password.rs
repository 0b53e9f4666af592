//! Passwords as zeroizing secrets.

use core::fmt;

use zeroize::Zeroizing;

/// A keystore or key password.
///
/// The characters are held in memory that is wiped on drop. There is no
/// `Display` and `Debug` prints `[password elided]`; reading the secret goes
/// through the greppable [`Password::expose_secret`].
/// Cloning is explicit ([`Password::duplicate`]) so copies are deliberate.
pub struct Password(Zeroizing<String>);

impl Password {
    /// Takes ownership of a password string.
    #[must_use]
    pub fn new(password: String) -> Self {
        Self(Zeroizing::new(password))
    }

    /// The empty password (keytool's "RETURN" answer, pyjks' empty stores).
    #[must_use]
    pub fn empty() -> Self {
        Self::new(String::new())
    }

    /// The password as text. Every read of the secret goes through here.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// A second copy of the secret, wiped on drop like the first.
    #[must_use]
    pub fn duplicate(&self) -> Self {
        Self::new(self.0.as_str().to_owned())
    }

    /// Number of UTF-16 code units, which is what Java calls the length.
    #[must_use]
    pub fn java_len(&self) -> usize {
        self.0.encode_utf16().count()
    }

    /// `true` when the password has no characters.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The UTF-16BE bytes of the characters, as JKS and JCEKS feed a
    /// `char[]` password into their digests.
    #[must_use]
    pub fn to_utf16be(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(self.0.len() * 2));
        for unit in self.0.encode_utf16() {
            out.extend_from_slice(&unit.to_be_bytes());
        }
        out
    }

    /// The PKCS#12 password form: UTF-16BE (BMPString) followed by two zero
    /// bytes. The empty password is the two zero bytes.
    #[must_use]
    pub fn to_bmp_with_nul(&self) -> Zeroizing<Vec<u8>> {
        let mut out = self.to_utf16be();
        out.extend_from_slice(&[0, 0]);
        out
    }

    /// The low byte of each UTF-16 unit, as `PBEWithMD5AndTripleDES` and
    /// `PBEKeySpec` users in the JDK turn a `char[]` into key bytes.
    #[must_use]
    pub fn to_ascii_low_bytes(&self) -> Zeroizing<Vec<u8>> {
        // JDK compat: com.sun.crypto.provider.PBEKey keeps `(byte) (c & 0x7f)`.
        let bytes = self.0.encode_utf16().map(|u| (u & 0x7f) as u8).collect();
        Zeroizing::new(bytes)
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[password elided]")
    }
}

impl PartialEq for Password {
    fn eq(&self, other: &Self) -> bool {
        use subtle_eq::ct_eq;
        ct_eq(self.0.as_bytes(), other.0.as_bytes())
    }
}

impl Eq for Password {}

mod subtle_eq {
    /// Comparison whose time depends only on the lengths.
    pub(super) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let p = Password::new("hunter22".into());
        assert_eq!(format!("{p:?}"), "[password elided]");
    }

    #[test]
    fn encodings() {
        let p = Password::new("ab\u{10da}".into());
        assert_eq!(&*p.to_utf16be(), &[0, b'a', 0, b'b', 0x10, 0xda]);
        assert_eq!(&*p.to_bmp_with_nul(), &[0, b'a', 0, b'b', 0x10, 0xda, 0, 0]);
        assert_eq!(&*Password::empty().to_bmp_with_nul(), &[0, 0]);
        assert_eq!(p.java_len(), 3);
        let astral = Password::new("\u{1F600}".into());
        assert_eq!(astral.java_len(), 2);
    }
}
