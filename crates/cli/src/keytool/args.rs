//! keytool's command line, parsed as JDK 17's `Main.parseArgs` parses it.
//!
//! The grammar is a table: [`COMMANDS`] (name, legacy name, description,
//! options shown by `-help`) and [`OPTIONS`] (the `Option` enum of
//! `sun.security.tools.keytool.Main`). Flags are matched with the JDK's
//! collator at primary strength ([`collator_eq`]); a `:modifier` after a
//! flag is split off (`-storepass:env`); options may come in any order, and
//! the JDK does not check which options a command accepts.

use signkit_crypto::Password;

use crate::common::password::PasswordSource;
use crate::keytool::messages;

/// keytool's commands, in the JDK's order (the `-help` order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cmd {
    CertReq,
    ChangeAlias,
    Delete,
    ExportCert,
    GenKeyPair,
    GenSecKey,
    GenCert,
    ImportCert,
    ImportPass,
    ImportKeystore,
    KeyPasswd,
    List,
    PrintCert,
    PrintCertReq,
    PrintCrl,
    StorePasswd,
    ShowInfo,
    KeyClone,
    SelfCert,
    GenCrl,
    IdentityDb,
}

/// keytool's options (`Main.Option`), in the JDK's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Opt {
    Alias,
    CurveName,
    DestAlias,
    DestKeyPass,
    DestKeystore,
    DestProtected,
    DestProviderName,
    DestStorePass,
    DestStoreType,
    DName,
    Ext,
    FileOut,
    FileIn,
    Id,
    InFile,
    KeyAlg,
    KeyPass,
    KeySize,
    Keystore,
    Cacerts,
    New,
    NoPrompt,
    OutFile,
    Protected,
    ProviderClass,
    AddProvider,
    ProviderName,
    ProviderPath,
    Rfc,
    SigAlg,
    Signer,
    SignerKeyPass,
    SrcAlias,
    SrcKeyPass,
    SrcKeystore,
    SrcProtected,
    SrcProviderName,
    SrcStorePass,
    SrcStoreType,
    SslServer,
    JarFile,
    StartDate,
    StorePass,
    StoreType,
    Tls,
    TrustCacerts,
    V,
    Validity,
}

/// One option: name (without the dash), argument placeholder, description.
pub(crate) struct OptSpec {
    pub(crate) name: &'static str,
    pub(crate) arg: Option<&'static str>,
    pub(crate) description: &'static str,
}

/// `Main.Option` with the descriptions from `Resources`.
pub(crate) fn opt_spec(o: Opt) -> OptSpec {
    let s = |name, arg, description| OptSpec { name, arg, description };
    use Opt as O;
    match o {
        O::Alias => s("alias", Some("<alias>"), "alias name of the entry to process"),
        O::CurveName => {
            s("groupname", Some("<name>"), "Group name. For example, an Elliptic Curve name.")
        }
        O::DestAlias => s("destalias", Some("<alias>"), "destination alias"),
        O::DestKeyPass => s("destkeypass", Some("<arg>"), "destination key password"),
        O::DestKeystore => s("destkeystore", Some("<keystore>"), "destination keystore name"),
        O::DestProtected => s("destprotected", None, "destination keystore password protected"),
        O::DestProviderName => {
            s("destprovidername", Some("<name>"), "destination keystore provider name")
        }
        O::DestStorePass => s("deststorepass", Some("<arg>"), "destination keystore password"),
        O::DestStoreType => s("deststoretype", Some("<type>"), "destination keystore type"),
        O::DName => s("dname", Some("<name>"), "distinguished name"),
        O::Ext => s("ext", Some("<value>"), "X.509 extension"),
        O::FileOut => s("file", Some("<file>"), "output file name"),
        O::FileIn => s("file", Some("<file>"), "input file name"),
        O::Id => s("id", Some("<id:reason>"), "Serial ID of cert to revoke"),
        O::InFile => s("infile", Some("<file>"), "input file name"),
        O::KeyAlg => s("keyalg", Some("<alg>"), "key algorithm name"),
        O::KeyPass => s("keypass", Some("<arg>"), "key password"),
        O::KeySize => s("keysize", Some("<size>"), "key bit size"),
        O::Keystore => s("keystore", Some("<keystore>"), "keystore name"),
        O::Cacerts => s("cacerts", None, "access the cacerts keystore"),
        O::New => s("new", Some("<arg>"), "new password"),
        O::NoPrompt => s("noprompt", None, "do not prompt"),
        O::OutFile => s("outfile", Some("<file>"), "output file name"),
        O::Protected => s("protected", None, "password through protected mechanism"),
        O::ProviderClass => s(
            "providerclass",
            Some("<class>\n[-providerarg <arg>]"),
            "add security provider by fully-qualified class name\nconfigure argument for -providerclass",
        ),
        O::AddProvider => s(
            "addprovider",
            Some("<name>\n[-providerarg <arg>]"),
            "add security provider by name (e.g. SunPKCS11)\nconfigure argument for -addprovider",
        ),
        O::ProviderName => s("providername", Some("<name>"), "provider name"),
        O::ProviderPath => s("providerpath", Some("<list>"), "provider classpath"),
        O::Rfc => s("rfc", None, "output in RFC style"),
        O::SigAlg => s("sigalg", Some("<alg>"), "signature algorithm name"),
        O::Signer => s("signer", Some("<alias>"), "signer alias"),
        O::SignerKeyPass => s("signerkeypass", Some("<arg>"), "signer key password"),
        O::SrcAlias => s("srcalias", Some("<alias>"), "source alias"),
        O::SrcKeyPass => s("srckeypass", Some("<arg>"), "source key password"),
        O::SrcKeystore => s("srckeystore", Some("<keystore>"), "source keystore name"),
        O::SrcProtected => s("srcprotected", None, "source keystore password protected"),
        O::SrcProviderName => s("srcprovidername", Some("<name>"), "source keystore provider name"),
        O::SrcStorePass => s("srcstorepass", Some("<arg>"), "source keystore password"),
        O::SrcStoreType => s("srcstoretype", Some("<type>"), "source keystore type"),
        O::SslServer => s("sslserver", Some("<server[:port]>"), "SSL server host and port"),
        O::JarFile => s("jarfile", Some("<file>"), "signed jar file"),
        O::StartDate => s("startdate", Some("<date>"), "certificate validity start date/time"),
        O::StorePass => s("storepass", Some("<arg>"), "keystore password"),
        O::StoreType => s("storetype", Some("<type>"), "keystore type"),
        O::Tls => s("tls", None, "Displays TLS configuration information"),
        O::TrustCacerts => s("trustcacerts", None, "trust certificates from cacerts"),
        O::V => s("v", None, "verbose output"),
        O::Validity => s("validity", Some("<days>"), "validity number of days"),
    }
}

/// Every option, in `Main.Option.values()` order.
pub(crate) const OPTIONS: [Opt; 48] = {
    use Opt as O;
    [
        O::Alias,
        O::CurveName,
        O::DestAlias,
        O::DestKeyPass,
        O::DestKeystore,
        O::DestProtected,
        O::DestProviderName,
        O::DestStorePass,
        O::DestStoreType,
        O::DName,
        O::Ext,
        O::FileOut,
        O::FileIn,
        O::Id,
        O::InFile,
        O::KeyAlg,
        O::KeyPass,
        O::KeySize,
        O::Keystore,
        O::Cacerts,
        O::New,
        O::NoPrompt,
        O::OutFile,
        O::Protected,
        O::ProviderClass,
        O::AddProvider,
        O::ProviderName,
        O::ProviderPath,
        O::Rfc,
        O::SigAlg,
        O::Signer,
        O::SignerKeyPass,
        O::SrcAlias,
        O::SrcKeyPass,
        O::SrcKeystore,
        O::SrcProtected,
        O::SrcProviderName,
        O::SrcStorePass,
        O::SrcStoreType,
        O::SslServer,
        O::JarFile,
        O::StartDate,
        O::StorePass,
        O::StoreType,
        O::Tls,
        O::TrustCacerts,
        O::V,
        O::Validity,
    ]
};

/// One command: `-name`, legacy name, description and the options `-help` lists.
pub(crate) struct CmdSpec {
    pub(crate) cmd: Cmd,
    pub(crate) name: &'static str,
    pub(crate) alt: Option<&'static str>,
    pub(crate) description: &'static str,
    pub(crate) options: &'static [Opt],
}

/// `Main.Command.values()`; entries from `KeyClone` on are hidden from `-help`.
pub(crate) const COMMANDS: &[CmdSpec] = {
    use Opt as O;
    &[
        CmdSpec {
            cmd: Cmd::CertReq,
            name: "-certreq",
            alt: None,
            description: "Generates a certificate request",
            options: &[
                O::Alias,
                O::SigAlg,
                O::FileOut,
                O::KeyPass,
                O::Keystore,
                O::DName,
                O::Ext,
                O::StorePass,
                O::StoreType,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
                O::Protected,
            ],
        },
        CmdSpec {
            cmd: Cmd::ChangeAlias,
            name: "-changealias",
            alt: None,
            description: "Changes an entry's alias",
            options: &[
                O::Alias,
                O::DestAlias,
                O::KeyPass,
                O::Keystore,
                O::Cacerts,
                O::StorePass,
                O::StoreType,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
                O::Protected,
            ],
        },
        CmdSpec {
            cmd: Cmd::Delete,
            name: "-delete",
            alt: None,
            description: "Deletes an entry",
            options: &[
                O::Alias,
                O::Keystore,
                O::Cacerts,
                O::StorePass,
                O::StoreType,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
                O::Protected,
            ],
        },
        CmdSpec {
            cmd: Cmd::ExportCert,
            name: "-exportcert",
            alt: Some("-export"),
            description: "Exports certificate",
            options: &[
                O::Rfc,
                O::Alias,
                O::FileOut,
                O::Keystore,
                O::Cacerts,
                O::StorePass,
                O::StoreType,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
                O::Protected,
            ],
        },
        CmdSpec {
            cmd: Cmd::GenKeyPair,
            name: "-genkeypair",
            alt: Some("-genkey"),
            description: "Generates a key pair",
            options: &[
                O::Alias,
                O::KeyAlg,
                O::KeySize,
                O::CurveName,
                O::SigAlg,
                O::DName,
                O::StartDate,
                O::Ext,
                O::Validity,
                O::KeyPass,
                O::Keystore,
                O::Signer,
                O::SignerKeyPass,
                O::StorePass,
                O::StoreType,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
                O::Protected,
            ],
        },
        CmdSpec {
            cmd: Cmd::GenSecKey,
            name: "-genseckey",
            alt: None,
            description: "Generates a secret key",
            options: &[
                O::Alias,
                O::KeyPass,
                O::KeyAlg,
                O::KeySize,
                O::Keystore,
                O::StorePass,
                O::StoreType,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
                O::Protected,
            ],
        },
        CmdSpec {
            cmd: Cmd::GenCert,
            name: "-gencert",
            alt: None,
            description: "Generates certificate from a certificate request",
            options: &[
                O::Rfc,
                O::InFile,
                O::OutFile,
                O::Alias,
                O::SigAlg,
                O::DName,
                O::StartDate,
                O::Ext,
                O::Validity,
                O::KeyPass,
                O::Keystore,
                O::StorePass,
                O::StoreType,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
                O::Protected,
            ],
        },
        CmdSpec {
            cmd: Cmd::ImportCert,
            name: "-importcert",
            alt: Some("-import"),
            description: "Imports a certificate or a certificate chain",
            options: &[
                O::NoPrompt,
                O::TrustCacerts,
                O::Protected,
                O::Alias,
                O::FileIn,
                O::KeyPass,
                O::Keystore,
                O::Cacerts,
                O::StorePass,
                O::StoreType,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
            ],
        },
        CmdSpec {
            cmd: Cmd::ImportPass,
            name: "-importpass",
            alt: Some("-importpassword"),
            description: "Imports a password",
            options: &[
                O::Alias,
                O::KeyPass,
                O::KeyAlg,
                O::KeySize,
                O::Keystore,
                O::StorePass,
                O::StoreType,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
                O::Protected,
            ],
        },
        CmdSpec {
            cmd: Cmd::ImportKeystore,
            name: "-importkeystore",
            alt: None,
            description: "Imports one or all entries from another keystore",
            options: &[
                O::SrcKeystore,
                O::DestKeystore,
                O::SrcStoreType,
                O::DestStoreType,
                O::SrcStorePass,
                O::DestStorePass,
                O::SrcProtected,
                O::DestProtected,
                O::SrcProviderName,
                O::DestProviderName,
                O::SrcAlias,
                O::DestAlias,
                O::SrcKeyPass,
                O::DestKeyPass,
                O::NoPrompt,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
            ],
        },
        CmdSpec {
            cmd: Cmd::KeyPasswd,
            name: "-keypasswd",
            alt: None,
            description: "Changes the key password of an entry",
            options: &[
                O::Alias,
                O::KeyPass,
                O::New,
                O::Keystore,
                O::StorePass,
                O::StoreType,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
            ],
        },
        CmdSpec {
            cmd: Cmd::List,
            name: "-list",
            alt: None,
            description: "Lists entries in a keystore",
            options: &[
                O::Rfc,
                O::Alias,
                O::Keystore,
                O::Cacerts,
                O::StorePass,
                O::StoreType,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
                O::Protected,
            ],
        },
        CmdSpec {
            cmd: Cmd::PrintCert,
            name: "-printcert",
            alt: None,
            description: "Prints the content of a certificate",
            options: &[
                O::Rfc,
                O::FileIn,
                O::SslServer,
                O::JarFile,
                O::Keystore,
                O::StorePass,
                O::StoreType,
                O::TrustCacerts,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
                O::Protected,
            ],
        },
        CmdSpec {
            cmd: Cmd::PrintCertReq,
            name: "-printcertreq",
            alt: None,
            description: "Prints the content of a certificate request",
            options: &[O::FileIn, O::V],
        },
        CmdSpec {
            cmd: Cmd::PrintCrl,
            name: "-printcrl",
            alt: None,
            description: "Prints the content of a CRL file",
            options: &[
                O::FileIn,
                O::Keystore,
                O::StorePass,
                O::StoreType,
                O::TrustCacerts,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
                O::Protected,
            ],
        },
        CmdSpec {
            cmd: Cmd::StorePasswd,
            name: "-storepasswd",
            alt: None,
            description: "Changes the store password of a keystore",
            options: &[
                O::New,
                O::Keystore,
                O::Cacerts,
                O::StorePass,
                O::StoreType,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
            ],
        },
        CmdSpec {
            cmd: Cmd::ShowInfo,
            name: "-showinfo",
            alt: None,
            description: "Displays security-related information",
            options: &[O::Tls, O::V],
        },
        CmdSpec {
            cmd: Cmd::KeyClone,
            name: "-keyclone",
            alt: None,
            description: "Clones a key entry",
            options: &[
                O::Alias,
                O::DestAlias,
                O::KeyPass,
                O::New,
                O::StoreType,
                O::Keystore,
                O::StorePass,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
            ],
        },
        CmdSpec {
            cmd: Cmd::SelfCert,
            name: "-selfcert",
            alt: None,
            description: "Generates a self-signed certificate",
            options: &[
                O::Alias,
                O::SigAlg,
                O::DName,
                O::StartDate,
                O::Ext,
                O::Validity,
                O::KeyPass,
                O::StoreType,
                O::Keystore,
                O::StorePass,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
            ],
        },
        CmdSpec {
            cmd: Cmd::GenCrl,
            name: "-gencrl",
            alt: None,
            description: "Generates CRL",
            options: &[
                O::Rfc,
                O::FileOut,
                O::Id,
                O::Alias,
                O::SigAlg,
                O::KeyPass,
                O::Keystore,
                O::StorePass,
                O::StoreType,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
                O::Protected,
            ],
        },
        CmdSpec {
            cmd: Cmd::IdentityDb,
            name: "-identitydb",
            alt: None,
            description: "Imports entries from a JDK 1.1.x-style identity database",
            options: &[
                O::FileIn,
                O::StoreType,
                O::Keystore,
                O::StorePass,
                O::ProviderName,
                O::AddProvider,
                O::ProviderClass,
                O::ProviderPath,
                O::V,
            ],
        },
    ]
};

impl Cmd {
    /// The command's table entry.
    pub(crate) fn spec(self) -> &'static CmdSpec {
        COMMANDS.iter().find(|c| c.cmd == self).unwrap_or(&COMMANDS[0])
    }

    /// `-list`, `-genkeypair`, ...
    pub(crate) fn name(self) -> &'static str {
        self.spec().name
    }

    /// `Main.Command.getCommand`.
    fn lookup(flag: &str) -> Option<Self> {
        COMMANDS
            .iter()
            .find(|c| collator_eq(flag, c.name) || c.alt.is_some_and(|a| collator_eq(flag, a)))
            .map(|c| c.cmd)
    }
}

/// Characters the JDK's collation rules ignore entirely.
fn ignorable(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{ad}' | '\u{200b}'..='\u{200f}')
        || ('\u{300}'..='\u{36f}').contains(&c)
}

/// The base letter of a precomposed Latin letter with diacritics (Latin-1
/// Supplement and Latin Extended-A), which differs from it only at the
/// collator's secondary strength.
fn base_letter(c: char) -> char {
    const TABLE: &str = "AAAAAA\u{c6}CEEEEIIII\u{d0}NOOOOO\u{d7}\u{d8}UUUUY\u{de}\u{df}aaaaaa\u{e6}ceeeeiiii\u{f0}nooooo\u{f7}\u{f8}uuuuy\u{fe}y\
AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiI\u{131}\u{132}\u{133}JjKk\u{138}LlLlLlL\u{140}L\u{142}NnNnNn\u{149}\u{14a}\u{14b}OoOoOo\u{152}\u{153}RrRrRrSsSsSsSsTtTt\u{166}\u{167}UuUuUuUuUuUuWwYyYZzZzZz\u{17f}";
    let code = c as u32;
    if (0xc0..=0x17f).contains(&code) {
        let idx = (code - 0xc0) as usize;
        return TABLE.chars().nth(idx).unwrap_or(c);
    }
    c
}

fn collation_key(s: &str) -> Vec<char> {
    s.chars().filter(|c| !ignorable(*c)).map(base_letter).flat_map(char::to_lowercase).collect()
}

/// `Collator.getInstance()` (en_US) at `PRIMARY` strength: equal ignoring
/// case, accents and ignorable characters.
pub(crate) fn collator_eq(a: &str, b: &str) -> bool {
    collation_key(a) == collation_key(b)
}

/// Everything the command line says, before any file is touched.
#[derive(Debug, Default)]
pub(crate) struct Args {
    pub(crate) command: Option<Cmd>,
    pub(crate) verbose: bool,
    pub(crate) debug: bool,
    pub(crate) rfc: bool,
    pub(crate) nowarn: bool,
    pub(crate) noprompt: bool,
    pub(crate) trustcacerts: bool,
    pub(crate) protected: bool,
    pub(crate) src_protected: bool,
    pub(crate) cacerts: bool,
    pub(crate) tls: bool,
    pub(crate) keystore: Option<String>,
    pub(crate) keystore_given_as_keystore: bool,
    pub(crate) storetype: Option<String>,
    pub(crate) store_pass: Option<Password>,
    pub(crate) src_keystore: Option<String>,
    pub(crate) src_storetype: Option<String>,
    pub(crate) src_store_pass: Option<Password>,
    pub(crate) src_key_pass: Option<Password>,
    pub(crate) src_provider_name: Option<String>,
    pub(crate) provider_name: Option<String>,
    pub(crate) provider_path: Option<String>,
    pub(crate) key_pass: Option<Password>,
    pub(crate) new_pass: Option<Password>,
    pub(crate) dest_key_pass: Option<Password>,
    pub(crate) alias: Option<String>,
    pub(crate) dest: Option<String>,
    pub(crate) dname: Option<String>,
    pub(crate) keysize: Option<i32>,
    pub(crate) group_name: Option<String>,
    pub(crate) key_alg: Option<String>,
    pub(crate) sig_alg: Option<String>,
    pub(crate) signer: Option<String>,
    pub(crate) signer_key_pass: Option<Password>,
    pub(crate) start_date: Option<String>,
    pub(crate) validity: Option<i64>,
    pub(crate) ext: Vec<String>,
    pub(crate) ids: Vec<String>,
    pub(crate) file: Option<String>,
    pub(crate) infile: Option<String>,
    pub(crate) outfile: Option<String>,
    pub(crate) ssl_server: Option<String>,
    pub(crate) jar_file: Option<String>,
    pub(crate) providers: Vec<(String, Option<String>)>,
    pub(crate) provider_classes: Vec<(String, Option<String>)>,
    /// Warnings collected while parsing ("option set twice"), printed at the end.
    pub(crate) warnings: Vec<String>,
}

/// How parsing ended when it did not produce a command to run.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ParseStop {
    /// Print `lines` on stderr, then the usage of `command` (or the command
    /// list), and exit with `code`: the JDK's `tinyHelp()` and `usage()`.
    Usage { lines: Vec<String>, command: Option<Cmd>, code: u8 },
    /// A Java exception thrown while parsing: `keytool error: ...`, exit 1.
    Exception(String),
}

/// The `-conf` expansion: `(file, command, legacy command, args)` to the
/// expanded arguments, or the exception text.
pub(crate) type ConfExpander<'a> =
    dyn FnMut(&str, &str, Option<&str>, &[String]) -> Result<Vec<String>, String> + 'a;

/// Java's `Integer.parseInt` / `Long.parseLong` failure text.
fn number_format(s: &str) -> ParseStop {
    ParseStop::Exception(format!("java.lang.NumberFormatException: For input string: \"{s}\""))
}

fn parse_java_int<T: core::str::FromStr>(s: &str) -> Result<T, ParseStop> {
    // Java accepts a leading '+' too, and nothing else around the digits.
    let digits = s.strip_prefix('+').filter(|d| !d.starts_with('-')).unwrap_or(s);
    if digits.is_empty() || !digits.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit()) {
        return Err(number_format(s));
    }
    digits.parse().map_err(|_| number_format(s))
}

/// Parses keytool's arguments (after `-conf` expansion, which `expand` does
/// when given the command's names).
///
/// # Errors
/// Everything `parseArgs` reports, as a [`ParseStop`].
pub(crate) fn parse(
    args: &[String],
    expand: &mut ConfExpander<'_>,
) -> Result<(Args, bool), ParseStop> {
    let mut out = Args::default();
    let mut help = args.is_empty();
    let mut conf_file: Option<String> = None;
    let mut seen: Vec<String> = Vec::new();

    // Pass 1: duplicate options, -conf, and the command.
    let mut i = 0;
    while i < args.len() {
        let flags = &args[i];
        if flags.starts_with('-') {
            let lower = flags.to_lowercase();
            if seen.contains(&lower) {
                if !matches!(
                    lower.as_str(),
                    "-ext"
                        | "-id"
                        | "-provider"
                        | "-addprovider"
                        | "-providerclass"
                        | "-providerarg"
                ) {
                    out.warnings.push(messages::option_set_twice(&lower));
                }
            } else {
                seen.push(lower);
            }
            if collator_eq(flags, "-conf") {
                if i == args.len() - 1 {
                    return Err(need_argument(flags, out.command));
                }
                i += 1;
                conf_file = Some(args[i].clone());
            } else if let Some(c) = Cmd::lookup(flags) {
                if let Some(prev) = out.command {
                    return Err(ParseStop::Exception(format!(
                        "java.lang.Exception: {}",
                        messages::multiple_commands(prev.name(), c.name())
                    )));
                }
                out.command = Some(c);
            }
        }
        i += 1;
    }

    let expanded;
    let args = match (&conf_file, out.command) {
        (Some(file), Some(cmd)) => {
            expanded =
                expand(file, cmd.name(), cmd.spec().alt, args).map_err(ParseStop::Exception)?;
            &expanded[..]
        }
        _ => args,
    };

    out.debug = args.iter().any(|a| collator_eq(a, "-debug"));

    // Pass 2: the options themselves.
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') {
        let mut flags = args[i].as_str();
        if i == args.len() - 1 {
            for o in OPTIONS {
                let spec = opt_spec(o);
                if collator_eq(flags, &format!("-{}", spec.name)) {
                    if spec.arg.is_some() {
                        return Err(need_argument(flags, out.command));
                    }
                    break;
                }
            }
        }
        let mut modifier = None;
        if let Some(pos) = flags.find(':').filter(|&p| p > 0) {
            modifier = Some(&flags[pos + 1..]);
            flags = &flags[..pos];
        }
        // The value after the flag; a missing one is what Java's args[++i]
        // throws.
        let value = |i: &mut usize| -> Result<String, ParseStop> {
            *i += 1;
            args.get(*i).cloned().ok_or_else(|| {
                ParseStop::Exception(format!(
                    "java.lang.ArrayIndexOutOfBoundsException: Index {} out of bounds for length {}",
                    *i,
                    args.len()
                ))
            })
        };
        let is = |name: &str| collator_eq(flags, name);
        let command = out.command;
        let pass = |modifier: Option<&str>, v: String| -> Result<Password, ParseStop> {
            password_source(modifier, v, command)
        };
        if let Some(c) = Cmd::lookup(flags) {
            out.command = Some(c);
        } else if is("--help") || is("-h") || is("-?") || is("-help") {
            help = true;
        } else if is("-conf") {
            i += 1;
        } else if is("-nowarn") {
            out.nowarn = true;
        } else if is("-keystore") {
            out.keystore = Some(value(&mut i)?);
            out.keystore_given_as_keystore = true;
        } else if is("-destkeystore") {
            out.keystore = Some(value(&mut i)?);
        } else if is("-cacerts") {
            out.cacerts = true;
        } else if is("-storepass") || is("-deststorepass") {
            out.store_pass = Some(pass(modifier, value(&mut i)?)?);
        } else if is("-storetype") || is("-deststoretype") {
            out.storetype = Some(nice_store_type_name(&value(&mut i)?));
        } else if is("-srcstorepass") {
            out.src_store_pass = Some(pass(modifier, value(&mut i)?)?);
        } else if is("-srcstoretype") {
            out.src_storetype = Some(nice_store_type_name(&value(&mut i)?));
        } else if is("-srckeypass") {
            out.src_key_pass = Some(pass(modifier, value(&mut i)?)?);
        } else if is("-srcprovidername") {
            out.src_provider_name = Some(value(&mut i)?);
        } else if is("-providername") || is("-destprovidername") {
            out.provider_name = Some(value(&mut i)?);
        } else if is("-providerpath") {
            out.provider_path = Some(value(&mut i)?);
        } else if is("-keypass") {
            out.key_pass = Some(pass(modifier, value(&mut i)?)?);
        } else if is("-new") {
            out.new_pass = Some(pass(modifier, value(&mut i)?)?);
        } else if is("-destkeypass") {
            out.dest_key_pass = Some(pass(modifier, value(&mut i)?)?);
        } else if is("-alias") || is("-srcalias") {
            out.alias = Some(value(&mut i)?);
        } else if is("-dest") || is("-destalias") {
            out.dest = Some(value(&mut i)?);
        } else if is("-dname") {
            out.dname = Some(value(&mut i)?);
        } else if is("-keysize") {
            out.keysize = Some(parse_java_int(&value(&mut i)?)?);
        } else if is("-groupname") {
            out.group_name = Some(value(&mut i)?);
        } else if is("-keyalg") {
            out.key_alg = Some(value(&mut i)?);
        } else if is("-sigalg") {
            out.sig_alg = Some(value(&mut i)?);
        } else if is("-signer") {
            out.signer = Some(value(&mut i)?);
        } else if is("-signerkeypass") {
            out.signer_key_pass = Some(pass(modifier, value(&mut i)?)?);
        } else if is("-startdate") {
            out.start_date = Some(value(&mut i)?);
        } else if is("-validity") {
            out.validity = Some(parse_java_int(&value(&mut i)?)?);
        } else if is("-ext") {
            out.ext.push(value(&mut i)?);
        } else if is("-id") {
            out.ids.push(value(&mut i)?);
        } else if is("-file") {
            out.file = Some(value(&mut i)?);
        } else if is("-infile") {
            out.infile = Some(value(&mut i)?);
        } else if is("-outfile") {
            out.outfile = Some(value(&mut i)?);
        } else if is("-sslserver") {
            out.ssl_server = Some(value(&mut i)?);
        } else if is("-jarfile") {
            out.jar_file = Some(value(&mut i)?);
        } else if is("-srckeystore") {
            out.src_keystore = Some(value(&mut i)?);
        } else if is("-provider") || is("-providerclass") || is("-addprovider") {
            let by_class = !is("-addprovider");
            let name = value(&mut i)?;
            let mut arg = None;
            if let Some(next) = args.get(i + 1)
                && collator_eq(next, "-providerarg")
            {
                if args.len() == i + 2 {
                    return Err(need_argument(next, out.command));
                }
                arg = Some(args[i + 2].clone());
                i += 2;
            }
            // JDK compat: a HashSet of (name, arg) pairs, so exact repeats collapse.
            let list = if by_class { &mut out.provider_classes } else { &mut out.providers };
            if !list.contains(&(name.clone(), arg.clone())) {
                list.push((name, arg));
            }
        } else if is("-v") {
            out.verbose = true;
        } else if is("-debug") {
            // Already handled.
        } else if is("-rfc") {
            out.rfc = true;
        } else if is("-noprompt") {
            out.noprompt = true;
        } else if is("-trustcacerts") {
            out.trustcacerts = true;
        } else if is("-protected") || is("-destprotected") {
            out.protected = true;
        } else if is("-srcprotected") {
            out.src_protected = true;
        } else if is("-tls") {
            out.tls = true;
        } else {
            return Err(ParseStop::Usage {
                lines: vec![format!("{}{flags}", messages::ILLEGAL_OPTION)],
                command: out.command,
                code: 1,
            });
        }
        i += 1;
    }
    if i < args.len() {
        return Err(ParseStop::Usage {
            lines: vec![format!("{}{}", messages::ILLEGAL_OPTION, args[i])],
            command: out.command,
            code: 1,
        });
    }
    match out.command {
        None if help => Err(ParseStop::Usage { lines: Vec::new(), command: None, code: 0 }),
        None => Err(ParseStop::Usage {
            lines: vec![messages::NO_COMMAND.to_owned()],
            command: None,
            code: 1,
        }),
        Some(c) if help => Err(ParseStop::Usage { lines: Vec::new(), command: Some(c), code: 0 }),
        Some(_) => Ok((out, help)),
    }
}

fn need_argument(flag: &str, command: Option<Cmd>) -> ParseStop {
    ParseStop::Usage { lines: vec![messages::needs_argument(flag)], command, code: 1 }
}

/// `KeyStoreUtil.getPassWithModifier`: the JDK reads the variable or file
/// while parsing, so a missing one stops the parse (message, usage, exit 1).
fn password_source(
    modifier: Option<&str>,
    value: String,
    command: Option<Cmd>,
) -> Result<Password, ParseStop> {
    let fail = |msg: String| ParseStop::Usage { lines: vec![msg], command, code: 1 };
    let modifier_norm = modifier.map(|m| {
        if collator_eq(m, "env") {
            "env"
        } else if collator_eq(m, "file") {
            "file"
        } else {
            m
        }
    });
    let src =
        PasswordSource::from_modifier(modifier_norm, value).map_err(|e| fail(e.to_string()))?;
    src.resolve().map_err(|e| fail(e.to_string()))
}

/// `KeyStoreUtil.niceStoreTypeName`.
pub(crate) fn nice_store_type_name(t: &str) -> String {
    const WINDOWS: [&str; 6] = [
        "Windows-MY",
        "Windows-ROOT",
        "Windows-MY-CURRENTUSER",
        "Windows-ROOT-CURRENTUSER",
        "Windows-MY-LOCALMACHINE",
        "Windows-ROOT-LOCALMACHINE",
    ];
    WINDOWS
        .iter()
        .find(|w| w.eq_ignore_ascii_case(t))
        .map_or_else(|| t.to_uppercase(), |w| (*w).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<(Args, bool), ParseStop> {
        let v: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        parse(&v, &mut |_, _, _, a| Ok(a.to_vec()))
    }

    #[test]
    fn collator() {
        assert!(collator_eq("-LIST", "-list"));
        assert!(collator_eq("-L\u{cf}ST", "-list"));
        assert!(collator_eq("-li\u{1}st", "-list"));
        assert!(!collator_eq("-l\u{131}st", "-list"));
    }

    #[test]
    fn commands_and_options() {
        let (a, _) = p(&["-List", "-KEYSTORE", "ks", "-v", "-alias", "x"]).unwrap();
        assert_eq!(a.command, Some(Cmd::List));
        assert_eq!(a.keystore.as_deref(), Some("ks"));
        assert!(a.verbose);
        assert_eq!(p(&["-genkey", "-keyalg", "RSA"]).unwrap().0.command, Some(Cmd::GenKeyPair));
        assert_eq!(p(&["-export"]).unwrap().0.command, Some(Cmd::ExportCert));
    }

    #[test]
    fn errors() {
        assert_eq!(
            p(&["-list", "-foo"]).unwrap_err(),
            ParseStop::Usage {
                lines: vec!["Illegal option:  -foo".into()],
                command: Some(Cmd::List),
                code: 1
            }
        );
        assert_eq!(
            p(&["-list", "-keystore"]).unwrap_err(),
            ParseStop::Usage {
                lines: vec!["Command option -keystore needs an argument.".into()],
                command: Some(Cmd::List),
                code: 1
            }
        );
        assert_eq!(
            p(&["-list", "-printcert"]).unwrap_err(),
            ParseStop::Exception(
                "java.lang.Exception: Only one command is allowed: both -list and -printcert were specified.".into()
            )
        );
        assert_eq!(
            p(&["-list", "-dest"]).unwrap_err(),
            ParseStop::Exception(
                "java.lang.ArrayIndexOutOfBoundsException: Index 2 out of bounds for length 2"
                    .into()
            )
        );
        assert_eq!(
            p(&["-genkeypair", "-keysize", "abc"]).unwrap_err(),
            ParseStop::Exception(
                "java.lang.NumberFormatException: For input string: \"abc\"".into()
            )
        );
        assert_eq!(p(&[]).unwrap_err(), ParseStop::Usage { lines: vec![], command: None, code: 0 });
        assert_eq!(
            p(&["-list", "-help"]).unwrap_err(),
            ParseStop::Usage { lines: vec![], command: Some(Cmd::List), code: 0 }
        );
        assert_eq!(
            p(&["-v"]).unwrap_err(),
            ParseStop::Usage {
                lines: vec!["Usage error: no command provided".into()],
                command: None,
                code: 1
            }
        );
        assert_eq!(
            p(&["-list", "stray"]).unwrap_err(),
            ParseStop::Usage {
                lines: vec!["Illegal option:  stray".into()],
                command: Some(Cmd::List),
                code: 1
            }
        );
    }

    #[test]
    fn twice() {
        let (a, _) = p(&["-list", "-v", "-V"]).unwrap();
        assert_eq!(
            a.warnings,
            vec![
                "The -v option is specified multiple times. All except the last one will be ignored."
            ]
        );
    }
}
