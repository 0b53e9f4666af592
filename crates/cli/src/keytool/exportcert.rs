//! `-exportcert` (`Main.doExportCert`): the certificate of an entry, as DER
//! or `-rfc` PEM, to stdout or `-file`.
//!
//! Unlike the JDK, which opens (and truncates) `-file` before it looks the
//! alias up, signkit writes the file atomically and only on success.

use crate::keytool::{Res, Tool, exception, list, messages};
use crate::x509_text;

impl Tool {
    /// `doExportCert`, with the `-file` handling of `doCommands`.
    pub(crate) fn do_export_cert(&mut self) -> Res<()> {
        if self.store_pass.is_none() && !self.a.protected && !self.passwordless {
            self.print_no_integrity_warning();
        }
        let alias = self.a.alias.clone().unwrap_or_else(|| "mykey".to_owned());
        let cert = {
            let ks = self.keystore.as_ref().ok_or_else(|| exception("no keystore"))?;
            let entry =
                ks.get(&alias).ok_or_else(|| exception(messages::alias_does_not_exist(&alias)))?;
            entry
                .certificate()
                .cloned()
                .ok_or_else(|| exception(messages::alias_has_no_certificate(&alias)))?
        };
        let parsed = list::parse_cert(self, &cert)?;
        let bytes = if self.a.rfc {
            x509_text::rfc_pem(cert.der()).into_bytes()
        } else {
            cert.der().to_vec()
        };
        match self.a.file.clone() {
            Some(file) => {
                crate::common::fsutil::write_atomic(std::path::Path::new(&file), &bytes, None)
                    .map_err(|e| crate::keytool::file_not_found(&file, &e))?;
                self.con.errln(&messages::certificate_stored_in_file(&file));
            }
            None => {
                if self.a.rfc {
                    self.con.out(&x509_text::rfc_pem(cert.der()));
                } else {
                    self.con.out_bytes(cert.der());
                }
            }
        }
        let variant = parsed.print_variant();
        self.check_weak(messages::THE_CERTIFICATE, &parsed, variant);
        Ok(())
    }
}
