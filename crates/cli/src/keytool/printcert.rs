//! `-printcert` (`Main.doPrintCert` / `printCertFromStream`): certificates
//! from a file or stdin, PEM or DER, one or several, or a PKCS#7 block.

use std::io::Read as _;

use crate::keytool::{Res, Tool, exception, file_not_found, messages};
use crate::x509_text::{self, X509Cert};

impl Tool {
    /// `doPrintCert`.
    pub(crate) fn do_print_cert(&mut self) -> Res<()> {
        let data = match self.a.file.clone() {
            Some(f) => {
                if std::path::Path::new(&f).is_dir() {
                    return Err(crate::keytool::Fail::Java(format!(
                        "java.io.FileNotFoundException: {f} (Is a directory)"
                    )));
                }
                std::fs::read(&f).map_err(|e| file_not_found(&f, &e))?
            }
            None => {
                self.con.flush();
                let mut v = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut v)
                    .map_err(|e| crate::keytool::Fail::Java(format!("java.io.IOException: {e}")))?;
                v
            }
        };
        self.print_certs_from(&data)
    }

    /// `printCertFromStream`.
    fn print_certs_from(&mut self, data: &[u8]) -> Res<()> {
        let blocks = x509_text::split_certificates(data)
            .map_err(|_| exception(messages::FAILED_TO_PARSE_INPUT))?;
        let certs: Vec<X509Cert> = blocks
            .iter()
            .map(|b| X509Cert::parse(b, &self.tz))
            .collect::<Result<_, _>>()
            .map_err(|_| exception(messages::FAILED_TO_PARSE_INPUT))?;
        if certs.is_empty() {
            return Err(exception(messages::EMPTY_INPUT));
        }
        let n = certs.len();
        for (i, cert) in certs.iter().enumerate() {
            if n > 1 {
                self.con.outln(&messages::certificate_i(i + 1));
            }
            if self.a.rfc {
                self.dump_cert(&cert.der);
            } else {
                self.print_x509(cert);
            }
            if i < n - 1 {
                self.con.outln("");
            }
            let label = messages::one_in_many(messages::THE_CERTIFICATE, i, n);
            self.check_weak(&label, cert, cert.chain_variant(i));
        }
        Ok(())
    }
}
