//! The JDK 17 algorithm constraints keytool and jarsigner use to mark
//! algorithms `(weak)` or `(disabled)` and to print their security warnings.
//!
//! The values are JDK 17's defaults (and this machine's
//! `/etc/java-17-openjdk/security/java.security`):
//!
//! ```text
//! jdk.certpath.disabledAlgorithms=MD2, MD5, SHA1 jdkCA & usage TLSServer, \
//!     RSA keySize < 1024, DSA keySize < 1024, EC keySize < 224, \
//!     SHA1 usage SignedJAR & denyAfter 2019-01-01
//! jdk.security.legacyAlgorithms=SHA1, RSA keySize < 2048, DSA keySize < 2048
//! ```
//!
//! `jdkCA` never matches here: keytool only has a trust anchor with
//! `-trustcacerts`, which signkit does not load (see `docs/compat.md`).

use crate::x509_text::key::KeyInfo;

/// The validator variant keytool derives from a certificate's extended key
/// usage (`Main.buildCertPathConstraint`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// No EKU, or none of the ones below.
    Generic,
    /// `codeSigning`.
    CodeSigning,
    /// `clientAuth`.
    TlsClient,
    /// `serverAuth`.
    TlsServer,
    /// `timeStamping`.
    TsaServer,
}

impl Variant {
    /// From the certificate's EKU OIDs, with keytool's precedence.
    #[must_use]
    pub fn from_eku(eku: Option<&[String]>) -> Self {
        let Some(eku) = eku else { return Self::Generic };
        let has = |o: &str| eku.iter().any(|e| e == o);
        if has("1.3.6.1.5.5.7.3.3") {
            Self::CodeSigning
        } else if has("1.3.6.1.5.5.7.3.2") {
            Self::TlsClient
        } else if has("1.3.6.1.5.5.7.3.1") {
            Self::TlsServer
        } else if has("1.3.6.1.5.5.7.3.8") {
            Self::TsaServer
        } else {
            Self::Generic
        }
    }
}

/// What the constraints say about an algorithm or key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Permitted.
    Ok,
    /// Permitted but listed in `jdk.security.legacyAlgorithms`.
    Weak,
    /// Disabled.
    Disabled,
    /// Disabled for signed JARs after the given date (`SHA1 usage SignedJAR
    /// & denyAfter`): printed as disabled, warned about with the date.
    DisabledForJarsAfter(&'static str),
}

/// `AlgorithmDecomposer.decomposeOneHash` plus the name itself, upper-cased
/// for the case-insensitive constraint lookup.
fn components(alg: &str) -> Vec<String> {
    let mut out = vec![alg.to_ascii_uppercase()];
    for part in alg.split('/') {
        // Split on "with", "and" and "in" (not after "padd"), case-insensitively.
        let lower = part.to_ascii_lowercase();
        let mut start = 0;
        let mut i = 0;
        let b = lower.as_bytes();
        while i < b.len() {
            let tok = if lower[i..].starts_with("with") {
                4
            } else if lower[i..].starts_with("and") {
                3
            } else if lower[i..].starts_with("in") && !lower[..i].ends_with("padd") {
                2
            } else {
                0
            };
            if tok > 0 {
                if i > start {
                    out.push(part[start..i].to_ascii_uppercase());
                }
                i += tok;
                start = i;
            } else {
                i += 1;
            }
        }
        if start < part.len() {
            out.push(part[start..].to_ascii_uppercase());
        }
    }
    for c in &mut out {
        if let Some(rest) = c.strip_prefix("SHA-") {
            *c = format!("SHA{rest}");
        }
    }
    out
}

/// Checks a signature algorithm name (`DISABLED_CHECK` then `LEGACY_CHECK`,
/// without key-size constraints).
#[must_use]
pub fn check_signature_algorithm(alg: &str, variant: Variant) -> Verdict {
    let parts = components(alg);
    let has = |n: &str| parts.iter().any(|p| p == n);
    if has("MD2") || has("MD5") {
        return Verdict::Disabled;
    }
    if has("SHA1") {
        // SHA1 usage SignedJAR & denyAfter 2019-01-01: the date has passed.
        if matches!(variant, Variant::CodeSigning | Variant::TsaServer) {
            return Verdict::DisabledForJarsAfter("2019-01-01");
        }
        return Verdict::Weak;
    }
    Verdict::Ok
}

/// Checks a public key (`DISABLED_CHECK` then `LEGACY_CHECK` with key sizes).
#[must_use]
pub fn check_key(key: &KeyInfo) -> Verdict {
    let Some(size) = key.size else { return Verdict::Ok };
    match key.algorithm.to_ascii_uppercase().as_str() {
        "RSA" | "DSA" if size < 1024 => Verdict::Disabled,
        "RSA" | "DSA" if size < 2048 => Verdict::Weak,
        "EC" if size < 224 => Verdict::Disabled,
        _ => Verdict::Ok,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_algorithms() {
        assert_eq!(check_signature_algorithm("SHA256withRSA", Variant::Generic), Verdict::Ok);
        assert_eq!(check_signature_algorithm("SHA1withRSA", Variant::Generic), Verdict::Weak);
        assert_eq!(
            check_signature_algorithm("SHA1withRSA", Variant::CodeSigning),
            Verdict::DisabledForJarsAfter("2019-01-01")
        );
        assert_eq!(check_signature_algorithm("MD5withRSA", Variant::Generic), Verdict::Disabled);
        assert_eq!(check_signature_algorithm("Ed25519", Variant::Generic), Verdict::Ok);
        assert_eq!(check_signature_algorithm("SHA1withECDSA", Variant::TlsServer), Verdict::Weak);
    }
}
