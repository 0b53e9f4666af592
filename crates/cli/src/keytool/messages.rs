//! Every text keytool prints, verbatim from JDK 17's
//! `sun.security.tools.keytool.Resources` (en), under names derived from the
//! JDK's resource keys. Texts with arguments are functions.
//!
//! Only the English texts exist: on a machine without other locales
//! installed the JDK prints these too.

/// `keytool.error.`
pub(crate) const KEYTOOL_ERROR: &str = "keytool error: ";
/// `Illegal.option.`
pub(crate) const ILLEGAL_OPTION: &str = "Illegal option:  ";
/// `Usage.error.no.command.provided`
pub(crate) const NO_COMMAND: &str = "Usage error: no command provided";
/// `.OPTION.`
pub(crate) const OPTION_SUFFIX: &str = " [OPTION]...";
/// `Options.`
pub(crate) const OPTIONS: &str = "Options:";
/// `Use.keytool.help.for.all.available.commands`
pub(crate) const USE_HELP: &str = "Use \"keytool -?, -h, or --help\" for this help message";
/// `Key.and.Certificate.Management.Tool`
pub(crate) const TOOL_TITLE: &str = "Key and Certificate Management Tool";
/// `Commands.`
pub(crate) const COMMANDS: &str = "Commands:";
/// `Use.keytool.command.name.help.for.usage.of.command.name`
pub(crate) const USE_COMMAND_HELP: &str = "Use \"keytool -command_name --help\" for usage of command_name.\nUse the -conf <url> option to specify a pre-configured options file.";
/// `Must.not.specify.both.v.and.rfc.with.list.command`
pub(crate) const V_AND_RFC: &str = "Must not specify both -v and -rfc with 'list' command";
/// `warning.cacerts.option`
pub(crate) const WARNING_CACERTS_OPTION: &str =
    "Warning: use -cacerts option to access cacerts keystore";

/// `Command.option.flag.needs.an.argument.`
pub(crate) fn needs_argument(flag: &str) -> String {
    format!("Command option {flag} needs an argument.")
}

/// `option.1.set.twice`
pub(crate) fn option_set_twice(flag: &str) -> String {
    format!(
        "The {flag} option is specified multiple times. All except the last one will be ignored."
    )
}

/// `multiple.commands.1.2`
pub(crate) fn multiple_commands(a: &str, b: &str) -> String {
    format!("Only one command is allowed: both {a} and {b} were specified.")
}

// Errors of doCommands.

/// `the.keystore.or.storetype.option.cannot.be.used.with.the.cacerts.option`
pub(crate) const KEYSTORE_WITH_CACERTS: &str =
    "The -keystore or -storetype option cannot be used with the -cacerts option";
/// `if.protected.is.specified.then.storepass.keypass.and.new.must.not.be.specified`
pub(crate) const PROTECTED_WITH_PASSWORDS: &str =
    "if -protected is specified, then -storepass, -keypass, and -new must not be specified";
/// `if.srcprotected.is.specified.then.srcstorepass.and.srckeypass.must.not.be.specified`
pub(crate) const SRCPROTECTED_WITH_PASSWORDS: &str =
    "if -srcprotected is specified, then -srcstorepass and -srckeypass must not be specified";
/// `Validity.must.be.greater.than.zero`
pub(crate) const VALIDITY_POSITIVE: &str = "Validity must be greater than zero";
/// `provider.name.not.found`
pub(crate) fn provider_name_not_found(name: &str) -> String {
    format!("Provider named \"{name}\" not found")
}
/// `provider.class.not.found`
pub(crate) fn provider_class_not_found(name: &str) -> String {
    format!("Provider \"{name}\" not found")
}
/// `New.password.must.be.at.least.6.characters`
pub(crate) const NEW_PASSWORD_TOO_SHORT: &str = "New password must be at least 6 characters";
/// `Keystore.password.must.be.at.least.6.characters`
pub(crate) const KEYSTORE_PASSWORD_TOO_SHORT: &str =
    "Keystore password must be at least 6 characters";
/// `Keystore.file.exists.but.is.empty.`
pub(crate) const KEYSTORE_FILE_EMPTY: &str = "Keystore file exists, but is empty: ";
/// `Keystore.file.does.not.exist.`
pub(crate) const KEYSTORE_FILE_MISSING: &str = "Keystore file does not exist: ";
/// `Source.keystore.file.exists.but.is.empty.`
pub(crate) const SOURCE_KEYSTORE_EMPTY: &str = "Source keystore file exists, but is empty: ";
/// `Please.specify.srckeystore`
pub(crate) const SPECIFY_SRCKEYSTORE: &str = "Please specify -srckeystore";
/// `Alias.alias.does.not.exist`
pub(crate) fn alias_does_not_exist(alias: &str) -> String {
    format!("Alias <{alias}> does not exist")
}
/// `Alias.alias.has.no.certificate`
pub(crate) fn alias_has_no_certificate(alias: &str) -> String {
    format!("Alias <{alias}> has no certificate")
}
/// `Failed.to.parse.input`
pub(crate) const FAILED_TO_PARSE_INPUT: &str = "Failed to parse input";
/// `Empty.input`
pub(crate) const EMPTY_INPUT: &str = "Empty input";
/// `if.alias.not.specified.destalias.and.srckeypass.must.not.be.specified`
pub(crate) const ALIAS_NOT_SPECIFIED: &str =
    "if alias not specified, destalias and srckeypass must not be specified";
/// `The.destination.pkcs12.keystore.has.different.storepass.and.keypass.Please.retry.with.destkeypass.specified.`
pub(crate) const PKCS12_DIFFERENT_KEYPASS: &str = "The destination pkcs12 keystore has different storepass and keypass. Please retry with -destkeypass specified.";
/// `Too.many.retries.program.terminated`
pub(crate) const TOO_MANY_RETRIES: &str = "Too many retries, program terminated";

// Prompts and progress (stderr).

/// `Enter.keystore.password.`
pub(crate) const ENTER_KEYSTORE_PASSWORD: &str = "Enter keystore password:  ";
/// `Enter.source.keystore.password.`
pub(crate) const ENTER_SOURCE_KEYSTORE_PASSWORD: &str = "Enter source keystore password:  ";
/// `Enter.destination.keystore.password.`
pub(crate) const ENTER_DEST_KEYSTORE_PASSWORD: &str = "Enter destination keystore password:  ";
/// `Keystore.password.is.too.short.must.be.at.least.6.characters`
pub(crate) const KEYSTORE_PASSWORD_IS_TOO_SHORT: &str =
    "Keystore password is too short - must be at least 6 characters";
/// `Re.enter.new.password.`
pub(crate) const REENTER_NEW_PASSWORD: &str = "Re-enter new password: ";
/// `They.don.t.match.Try.again`
pub(crate) const DONT_MATCH: &str = "They don't match. Try again";
/// `Too.many.failures.try.later`
pub(crate) const TOO_MANY_FAILURES: &str = "Too many failures - try later";
/// `Enter.key.password.for.alias.`
pub(crate) fn enter_key_password_for(alias: &str) -> String {
    format!("Enter key password for <{alias}>")
}
/// `Warning.Different.store.and.key.passwords.not.supported.for.PKCS12.KeyStores.Ignoring.user.specified.command.value.`
pub(crate) fn pkcs12_keypass_ignored(option: &str) -> String {
    format!(
        "Warning:  Different store and key passwords not supported for PKCS12 KeyStores. Ignoring user-specified {option} value."
    )
}
/// `.WARNING.WARNING.WARNING.`
pub(crate) const WARNING_BANNER: &str =
    "*****************  WARNING WARNING WARNING  *****************";
/// `.The.integrity.of.the.information.stored.in.your.keystore.`
pub(crate) const INTEGRITY_NOT_VERIFIED: &str = "* The integrity of the information stored in your keystore  *\n* has NOT been verified!  In order to verify its integrity, *\n* you must provide your keystore password.                  *";
/// `.The.integrity.of.the.information.stored.in.the.srckeystore.`
pub(crate) const SRC_INTEGRITY_NOT_VERIFIED: &str = "* The integrity of the information stored in the srckeystore*\n* has NOT been verified!  In order to verify its integrity, *\n* you must provide the srckeystore password.                *";
/// `Certificate.stored.in.file.filename.`
pub(crate) fn certificate_stored_in_file(file: &str) -> String {
    format!("Certificate stored in file <{file}>")
}
/// `.Storing.ksfname.`
pub(crate) fn storing(name: &str) -> String {
    format!("[Storing {name}]")
}
/// `importing.keystore.status`
pub(crate) fn importing_keystore(src: &str, dest: &str) -> String {
    format!("Importing keystore {src} to {dest}...")
}
/// `Warning.Overwriting.existing.alias.alias.in.destination.keystore`
pub(crate) fn overwriting_alias(alias: &str) -> String {
    format!("Warning: Overwriting existing alias {alias} in destination keystore")
}
/// `Existing.entry.alias.alias.exists.overwrite.no.`
pub(crate) fn existing_entry_overwrite(alias: &str) -> String {
    format!("Existing entry alias {alias} exists, overwrite? [no]:  ")
}
/// `Enter.new.alias.name.RETURN.to.cancel.import.for.this.entry.`
pub(crate) const ENTER_NEW_ALIAS: &str =
    "Enter new alias name\t(RETURN to cancel import for this entry):  ";
/// `Entry.for.alias.alias.not.imported.`
pub(crate) fn entry_not_imported(alias: &str) -> String {
    format!("Entry for alias {alias} not imported.")
}
/// `Entry.for.alias.alias.successfully.imported.`
pub(crate) fn entry_imported(alias: &str) -> String {
    format!("Entry for alias {alias} successfully imported.")
}
/// `Problem.importing.entry.for.alias.alias.exception.Entry.for.alias.alias.not.imported.`
pub(crate) fn problem_importing(alias: &str, exception: &str) -> String {
    format!(
        "Problem importing entry for alias {alias}: {exception}.\nEntry for alias {alias} not imported."
    )
}
/// The question doImportKeyStoreAll asks after a failed entry (not localized in the JDK).
pub(crate) const QUIT_IMPORT: &str = "Do you want to quit the import process? [no]:  ";
/// `Import.command.completed.ok.entries.successfully.imported.fail.entries.failed.or.cancelled`
pub(crate) fn import_completed(ok: usize, failed: usize) -> String {
    format!(
        "Import command completed:  {} entries successfully imported, {} entries failed or cancelled",
        group(ok),
        group(failed)
    )
}
/// `Wrong.answer.try.again`
pub(crate) const WRONG_ANSWER: &str = "Wrong answer, try again";

// Warnings collected for the end of the run.

/// `jks.storetype.warning`
pub(crate) fn jks_storetype_warning(kind: &str, file: &str) -> String {
    format!(
        "The {kind} keystore uses a proprietary format. It is recommended to migrate to PKCS12 which is an industry standard format using \"keytool -importkeystore -srckeystore {file} -destkeystore {file} -deststoretype pkcs12\"."
    )
}
/// `migrate.keystore.warning`
pub(crate) fn migrate_keystore_warning(
    src: &str,
    src_type: &str,
    backup: &str,
    new_type: &str,
) -> String {
    format!(
        "Migrated \"{src}\" to {new_type}. The {src_type} keystore is backed up as \"{backup}\"."
    )
}
/// `backup.keystore.warning`
pub(crate) fn backup_keystore_warning(src: &str, backup: &str) -> String {
    format!("The original keystore \"{src}\" is backed up as \"{backup}\"...")
}

// Listing.

/// `Keystore.type.`
pub(crate) const KEYSTORE_TYPE: &str = "Keystore type: ";
/// `Keystore.provider.`
pub(crate) const KEYSTORE_PROVIDER: &str = "Keystore provider: ";
/// `Your.keystore.contains.keyStore.size.entry` / `...entries`
pub(crate) fn keystore_contains(n: usize) -> String {
    if n == 1 {
        "Your keystore contains 1 entry".to_owned()
    } else {
        format!("Your keystore contains {} entries", group(n))
    }
}
/// `Alias.name.alias`
pub(crate) fn alias_name(alias: &str) -> String {
    format!("Alias name: {alias}")
}
/// `Creation.date.keyStore.getCreationDate.alias.`
pub(crate) fn creation_date(date: &str) -> String {
    format!("Creation date: {date}")
}
/// `Entry.type.type.`
pub(crate) fn entry_type(kind: &str) -> String {
    format!("Entry type: {kind}")
}
/// `Certificate.chain.length.`
pub(crate) const CERTIFICATE_CHAIN_LENGTH: &str = "Certificate chain length: ";
/// `Certificate.i.1.`
pub(crate) fn certificate_i(i: usize) -> String {
    format!("Certificate[{}]:", group(i))
}
/// `Certificate.fingerprint.SHA.256.`
pub(crate) const CERTIFICATE_FINGERPRINT_SHA256: &str = "Certificate fingerprint (SHA-256): ";
/// `STAR`
pub(crate) const STAR: &str = "*******************************************";
/// `the.certificate`
pub(crate) const THE_CERTIFICATE: &str = "The certificate";
/// `one.in.many`
pub(crate) fn one_in_many(label: &str, i: usize, n: usize) -> String {
    if n == 1 { label.to_owned() } else { format!("{label} #{} of {n}", i + 1) }
}

/// Java's `NumberFormat` for en_US integers: `1,234`.
pub(crate) fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The text of a command that signkit has not implemented yet: keytool
/// refuses it instead of doing something different from the JDK.
pub(crate) fn unsupported_command(cmd: &str) -> String {
    format!("The {cmd} command is not supported by this version of signkit keytool")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(1234567), "1,234,567");
        assert_eq!(keystore_contains(1), "Your keystore contains 1 entry");
        assert_eq!(keystore_contains(0), "Your keystore contains 0 entries");
    }
}
