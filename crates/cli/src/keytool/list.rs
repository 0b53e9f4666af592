//! `-list` (`Main.doPrintEntries` and `doPrintEntry`), and the weak-algorithm
//! checks keytool runs on the certificates it prints.

use signkit_crypto::Certificate;
use signkit_keystore::{Entry, EntryKind, Keystore, StoreType};

use crate::keytool::{Fail, Res, Tool, exception, messages, store};
use crate::x509_text::{self, X509Cert};

/// Parses a certificate from a keystore for printing.
pub(crate) fn parse_cert(tool: &Tool, cert: &Certificate) -> Res<X509Cert> {
    X509Cert::parse(cert.der(), &tool.tz).map_err(|e| Fail::Java(e.to_string()))
}

/// `isTrustedCert(cert)`: the first entry whose certificate is `cert`
/// (`KeyStore.getCertificateAlias`) is a trusted certificate entry.
pub(crate) fn is_trusted(ks: &Keystore, der: &[u8]) -> bool {
    ks.entries()
        .iter()
        .find(|e| e.certificate().is_some_and(|c| c.der() == der))
        .is_some_and(|e| matches!(e.kind, EntryKind::TrustedCert { .. }))
}

impl Tool {
    fn trusted(&self, der: &[u8]) -> bool {
        self.keystore.as_ref().is_some_and(|ks| is_trusted(ks, der))
    }

    /// `checkWeakConstraint(label, cert, cpcp)`.
    pub(crate) fn check_weak(&mut self, label: &str, cert: &X509Cert, variant: x509_text::Variant) {
        let trusted = self.trusted(&cert.der);
        let w = x509_text::weak_warnings(label, cert, variant, trusted);
        self.warnings.extend(w);
    }

    /// keytool's `printX509Cert`.
    pub(crate) fn print_x509(&mut self, cert: &X509Cert) {
        let trusted = self.trusted(&cert.der);
        let text = x509_text::print_x509_cert(cert, &self.tz, trusted);
        self.con.out(&text);
    }

    /// `dumpCert` with `-rfc` (PEM) or without (DER bytes).
    pub(crate) fn dump_cert(&mut self, der: &[u8]) {
        if self.a.rfc {
            self.con.out(&x509_text::rfc_pem(der));
        } else {
            self.con.out_bytes(der);
        }
    }

    /// `doPrintEntries`.
    pub(crate) fn do_print_entries(&mut self) -> Res<()> {
        let (type_name, size, mut aliases) = {
            let ks = self.keystore.as_ref().ok_or_else(|| exception("no keystore"))?;
            let aliases: Vec<String> = ks.aliases().map(str::to_owned).collect();
            (self.storetype.clone().unwrap_or_default(), ks.len(), aliases)
        };
        self.con.outln(&format!("{}{type_name}", messages::KEYSTORE_TYPE));
        self.con.outln(&format!(
            "{}{}",
            messages::KEYSTORE_PROVIDER,
            store::provider_of(&type_name)
        ));
        self.con.outln("");
        self.con.outln(&messages::keystore_contains(size));
        self.con.outln("");
        // JDK compat: aliases.sort(String::compareTo), UTF-16 order.
        aliases.sort_by(|a, b| x509_text::java_cmp(a, b));
        for alias in aliases {
            self.do_print_entry(&format!("<{alias}>"), &alias)?;
            if self.a.verbose || self.a.rfc {
                self.con.outln("\n");
                self.con.outln(messages::STAR);
                self.con.outln(&format!("{}\n\n", messages::STAR));
            }
        }
        Ok(())
    }

    fn print_secret_type(&mut self, long: bool) {
        if long {
            self.con.outln(&messages::entry_type("SecretKeyEntry"));
        } else {
            self.con.outln("SecretKeyEntry, ");
        }
    }

    /// `doPrintEntry(label, alias)`.
    pub(crate) fn do_print_entry(&mut self, label: &str, alias: &str) -> Res<()> {
        let (entry, legacy): (Entry, bool) = {
            let ks = self.keystore.as_ref().ok_or_else(|| exception("no keystore"))?;
            let e = ks
                .get(alias)
                .cloned()
                .ok_or_else(|| exception(messages::alias_does_not_exist(alias)))?;
            (e, ks.store_type() != StoreType::Pkcs12)
        };
        // JDK compat: JKS and JCEKS use KeyStoreSpi.engineEntryInstanceOf,
        // which calls a key entry without a certificate a SecretKeyEntry.
        let shown_as_secret = match &entry.kind {
            EntryKind::SecretKey { .. } => true,
            EntryKind::PrivateKey { chain, .. } => legacy && chain.is_empty(),
            EntryKind::TrustedCert { .. } => false,
        };
        let long = self.a.verbose || self.a.rfc || self.a.debug;
        let created = x509_text::medium_date(entry.created.unwrap_or(self.now), &self.tz);
        if long {
            self.con.outln(&messages::alias_name(alias));
            self.con.outln(&messages::creation_date(&created));
        } else {
            self.con.out(&format!("{alias}, {created}, "));
        }
        match &entry.kind {
            EntryKind::SecretKey { .. } => self.print_secret_type(long),
            EntryKind::PrivateKey { .. } if shown_as_secret => self.print_secret_type(long),
            EntryKind::PrivateKey { chain, .. } => {
                if long {
                    self.con.outln(&messages::entry_type("PrivateKeyEntry"));
                } else {
                    self.con.outln("PrivateKeyEntry, ");
                }
                if chain.is_empty() {
                    self.con.outln(&format!("{}0", messages::CERTIFICATE_CHAIN_LENGTH));
                    return Ok(());
                }
                let certs: Vec<X509Cert> =
                    chain.iter().map(|c| parse_cert(self, c)).collect::<Res<_>>()?;
                if long {
                    self.con.outln(&format!(
                        "{}{}",
                        messages::CERTIFICATE_CHAIN_LENGTH,
                        chain.len()
                    ));
                    for (i, cert) in certs.iter().enumerate() {
                        self.con.outln(&messages::certificate_i(i + 1));
                        if self.a.verbose {
                            self.print_x509(cert);
                        } else {
                            self.dump_cert(&cert.der);
                        }
                        self.check_weak(label, cert, cert.chain_variant(i));
                    }
                } else {
                    let fp = x509_text::fingerprint(
                        &certs[0].der,
                        signkit_crypto::DigestAlgorithm::Sha256,
                    );
                    self.con.outln(&format!("{}{fp}", messages::CERTIFICATE_FINGERPRINT_SHA256));
                    let n = certs.len();
                    for (i, cert) in certs.iter().enumerate() {
                        self.check_weak(
                            &messages::one_in_many(label, i, n),
                            cert,
                            cert.chain_variant(i),
                        );
                    }
                }
            }
            EntryKind::TrustedCert { cert } => {
                let cert = parse_cert(self, cert)?;
                let mf = format!("{}\n", messages::entry_type("trustedCertEntry"));
                if self.a.verbose {
                    self.con.outln(&mf);
                    self.print_x509(&cert);
                } else if self.a.rfc {
                    self.con.outln(&mf);
                    self.dump_cert(&cert.der);
                } else {
                    self.con.outln("trustedCertEntry, ");
                    let fp =
                        x509_text::fingerprint(&cert.der, signkit_crypto::DigestAlgorithm::Sha256);
                    self.con.outln(&format!("{}{fp}", messages::CERTIFICATE_FINGERPRINT_SHA256));
                }
                let variant = cert.print_variant();
                self.check_weak(label, &cert, variant);
            }
        }
        Ok(())
    }
}
