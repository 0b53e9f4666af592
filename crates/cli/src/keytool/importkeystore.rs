//! `-importkeystore` (`Main.doImportKeyStore`, `doImportKeyStoreSingle`,
//! `doImportKeyStoreAll`, `recoverEntry`) and `KeyStore.setEntry` as the
//! three JDK keystore classes implement it.

use signkit_crypto::{Certificate, Password};
use signkit_keystore::{Entry, EntryKind, Keystore, ProtectedKey, StoreType};
use zeroize::Zeroizing;

use crate::keytool::store::{Loaded, keystore_error};
use crate::keytool::{Fail, Res, Tool, exception, messages};

/// An entry read out of the source store with its secrets in the clear.
enum Recovered {
    Private { pkcs8: Zeroizing<Vec<u8>>, chain: Vec<Certificate> },
    Secret { algorithm: String, key: Zeroizing<Vec<u8>> },
    Trusted { cert: Certificate },
}

/// What `doImportKeyStoreSingle` returns.
enum Outcome {
    Imported,
    Skipped,
    Failed,
}

fn unrecover(e: &signkit_keystore::Error) -> Fail {
    keystore_error(e)
}

/// `ks.getEntry(alias, new PasswordProtection(password))`.
fn get_entry(entry: &Entry, password: &Password) -> Result<Recovered, signkit_keystore::Error> {
    Ok(match &entry.kind {
        EntryKind::PrivateKey { key, chain } => {
            Recovered::Private { pkcs8: key.unseal(password)?, chain: chain.clone() }
        }
        EntryKind::SecretKey { key } => {
            let m = key.unseal_secret(password)?;
            Recovered::Secret { algorithm: m.algorithm, key: m.key }
        }
        EntryKind::TrustedCert { cert } => Recovered::Trusted { cert: cert.clone() },
    })
}

impl Tool {
    /// `doImportKeyStore`.
    pub(crate) fn do_import_keystore(&mut self, src: Loaded) -> Res<()> {
        if let Some(alias) = self.a.alias.clone() {
            self.import_single(&src, &alias)?;
        } else {
            if self.a.dest.is_some() || self.src_key_pass.is_some() {
                return Err(exception(messages::ALIAS_NOT_SPECIFIED));
            }
            self.import_all(&src)?;
        }
        if self.inplace {
            let base = self.a.src_keystore.clone().unwrap_or_default();
            for n in 1u32.. {
                let name = if n == 1 { format!("{base}.old") } else { format!("{base}.old{n}") };
                if !std::path::Path::new(&name).exists() {
                    let bytes = std::fs::read(&base)
                        .map_err(|e| crate::keytool::file_not_found(&base, &e))?;
                    crate::common::fsutil::write_atomic(std::path::Path::new(&name), &bytes, None)
                        .map_err(|e| {
                            Fail::Java(format!("java.nio.file.FileSystemException: {name}: {e}"))
                        })?;
                    self.inplace_backup = Some(name);
                    break;
                }
            }
        }
        Ok(())
    }

    /// `doImportKeyStoreAll`.
    fn import_all(&mut self, src: &Loaded) -> Res<()> {
        let aliases: Vec<String> = src.ks.aliases().map(str::to_owned).collect();
        let count = aliases.len();
        let mut ok = 0;
        for alias in aliases {
            match self.import_single(src, &alias)? {
                Outcome::Imported => {
                    ok += 1;
                    self.con.errln(&messages::entry_imported(&alias));
                }
                Outcome::Failed => {
                    if !self.a.noprompt && self.yes_no(messages::QUIT_IMPORT)? {
                        break;
                    }
                }
                Outcome::Skipped => {}
            }
        }
        self.con.errln(&messages::import_completed(ok, count - ok));
        Ok(())
    }

    /// `recoverEntry(srckeystore, alias, srcstorePass, srckeyPass)`.
    fn recover_entry(&mut self, src: &Loaded, alias: &str) -> Res<(Recovered, Option<Password>)> {
        let entry = src
            .ks
            .get(alias)
            .cloned()
            .ok_or_else(|| exception(messages::alias_does_not_exist(alias)))?;
        // Step 1: without a password (trusted certificates).
        if let EntryKind::TrustedCert { cert } = &entry.kind {
            return Ok((Recovered::Trusted { cert: cert.clone() }, None));
        }
        // Step 2: the key password given.
        if let Some(pkey) = &self.src_key_pass {
            let r = get_entry(&entry, pkey).map_err(|e| unrecover(&e))?;
            return Ok((r, Some(pkey.duplicate())));
        }
        // Step 3: the store password.
        if let Some(pstore) = &self.src_store_pass {
            match get_entry(&entry, pstore) {
                Ok(r) => return Ok((r, Some(pstore.duplicate()))),
                Err(e) if src.type_name.eq_ignore_ascii_case("PKCS12") => {
                    return Err(unrecover(&e));
                }
                Err(_) => {}
            }
        }
        // Step 4: ask.
        let pkey = self.get_key_passwd(alias)?;
        let r = get_entry(&entry, &pkey).map_err(|e| unrecover(&e))?;
        Ok((r, Some(pkey)))
    }

    /// `doImportKeyStoreSingle`.
    fn import_single(&mut self, src: &Loaded, alias: &str) -> Res<Outcome> {
        // `None` is Java's null: an answer at end of input.
        let mut new_alias = Some(self.a.dest.clone().unwrap_or_else(|| alias.to_owned()));
        let exists = self
            .keystore
            .as_ref()
            .is_some_and(|k| new_alias.as_deref().is_some_and(|a| k.contains_alias(a)));
        if exists {
            if self.a.noprompt {
                self.con.errln(&messages::overwriting_alias(alias));
            } else if !self.yes_no(&messages::existing_entry_overwrite(alias))? {
                let answer = self.input_string(messages::ENTER_NEW_ALIAS)?;
                if answer.as_deref() == Some("") {
                    self.con.errln(&messages::entry_not_imported(alias));
                    return Ok(Outcome::Skipped);
                }
                new_alias = answer;
            }
        }
        let (recovered, used_pass) = self.recover_entry(src, alias)?;
        let dest_is_pkcs12 = self.is_pkcs12();
        let new_pass: Option<Password> = if let Some(d) = &self.dest_key_pass {
            Some(d.duplicate())
        } else if let Some(p) = used_pass {
            if dest_is_pkcs12 && !self.passwordless {
                self.store_pass.as_ref().map(Password::duplicate)
            } else {
                Some(p)
            }
        } else {
            None
        };

        if let Some(cert) = src.ks.get(alias).and_then(Entry::certificate) {
            let parsed = crate::keytool::list::parse_cert(self, cert)?;
            let variant = parsed.print_variant();
            let label = format!("<{}>", new_alias.as_deref().unwrap_or("null"));
            self.check_weak(&label, &parsed, variant);
        }
        // JDK compat: KeyStore.setEntry refuses a null alias.
        let Some(new_alias) = new_alias else {
            return Err(Fail::Java(
                "java.lang.NullPointerException: invalid null input".to_owned(),
            ));
        };
        match self.set_entry(&new_alias, recovered, new_pass.as_ref()) {
            Ok(()) => {}
            Err(kse) => {
                self.con.errln(&messages::problem_importing(
                    alias,
                    &format!("java.security.KeyStoreException: {kse}"),
                ));
                return Ok(Outcome::Failed);
            }
        }
        if dest_is_pkcs12 && !self.passwordless && new_pass.is_some() && new_pass != self.store_pass
        {
            return Err(exception(messages::PKCS12_DIFFERENT_KEYPASS));
        }
        Ok(Outcome::Imported)
    }

    /// `KeyStore.setEntry(alias, entry, protParam)`; `Err` carries the
    /// `KeyStoreException` message.
    fn set_entry(
        &mut self,
        alias: &str,
        entry: Recovered,
        pass: Option<&Password>,
    ) -> Result<(), String> {
        let now = self.now;
        let Some(ks) = self.keystore.as_mut() else { return Err("Uninitialized keystore".into()) };
        let format = ks.store_type();
        let new = match entry {
            Recovered::Trusted { cert } => {
                if pass.is_some() {
                    return Err("trusted certificate entries are not password-protected".into());
                }
                Entry::trusted_cert(alias, now, cert)
            }
            Recovered::Private { pkcs8, chain } => {
                let Some(p) = pass else {
                    return Err("non-null password required to create PrivateKeyEntry".into());
                };
                Entry::private_key(
                    alias,
                    now,
                    ProtectedKey::new_private(pkcs8, p.duplicate()),
                    chain,
                )
            }
            Recovered::Secret { algorithm, key } => {
                let Some(p) = pass else {
                    return Err("non-null password required to create SecretKeyEntry".into());
                };
                if format == StoreType::Jks {
                    return Err("Cannot store non-PrivateKeys".into());
                }
                Entry::secret_key(
                    alias,
                    now,
                    ProtectedKey::new_secret(algorithm, key, p.duplicate()),
                )
            }
        };
        insert(ks, new);
        Ok(())
    }
}

fn insert(ks: &mut Keystore, entry: Entry) {
    ks.insert(entry);
}
