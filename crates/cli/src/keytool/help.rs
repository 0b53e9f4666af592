//! `keytool -help` and `keytool -<command> -help` (`Main.usage()`), generated
//! from the command and option tables as the JDK generates them.

use crate::keytool::args::{COMMANDS, Cmd, opt_spec};
use crate::keytool::messages;

/// The usage text `Main.usage()` prints on stderr.
pub(crate) fn usage(command: Option<Cmd>) -> String {
    let mut out = String::new();
    let Some(cmd) = command else {
        out.push_str(messages::TOOL_TITLE);
        out.push_str("\n\n");
        out.push_str(messages::COMMANDS);
        out.push_str("\n\n");
        for c in COMMANDS.iter().take_while(|c| c.cmd != Cmd::KeyClone) {
            out.push_str(&format!(" {:<20}{}\n", c.name, c.description));
        }
        out.push('\n');
        out.push_str(messages::USE_HELP);
        out.push('\n');
        out.push_str(messages::USE_COMMAND_HELP);
        out.push('\n');
        return out;
    };
    let spec = cmd.spec();
    out.push_str(&format!(
        "keytool {}{}\n\n{}\n\n{}\n\n",
        spec.name,
        messages::OPTION_SUFFIX,
        spec.description,
        messages::OPTIONS
    ));
    let rows: Vec<(String, &str)> = spec
        .options
        .iter()
        .map(|&o| {
            let s = opt_spec(o);
            let left = match s.arg {
                Some(a) => format!("-{} {a}", s.name),
                None => format!("-{}", s.name),
            };
            (left, s.description)
        })
        .collect();
    let width =
        rows.iter().flat_map(|(l, _)| l.split('\n')).map(|l| l.chars().count()).max().unwrap_or(0);
    for (left, right) in &rows {
        for (i, (l, r)) in left.split('\n').zip(right.split('\n')).enumerate() {
            let pad = width - l.chars().count();
            let indent = if i == 0 { " " } else { "   " };
            out.push_str(&format!("{indent}{l}{}  {r}\n", " ".repeat(pad)));
        }
    }
    out.push('\n');
    out.push_str(messages::USE_HELP);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_usage_matches_jdk() {
        // `keytool -list -help` (JDK 17.0.19), stderr.
        let expected = "keytool -list [OPTION]...

Lists entries in a keystore

Options:

 -rfc                    output in RFC style
 -alias <alias>          alias name of the entry to process
 -keystore <keystore>    keystore name
 -cacerts                access the cacerts keystore
 -storepass <arg>        keystore password
 -storetype <type>       keystore type
 -providername <name>    provider name
 -addprovider <name>     add security provider by name (e.g. SunPKCS11)
   [-providerarg <arg>]    configure argument for -addprovider
 -providerclass <class>  add security provider by fully-qualified class name
   [-providerarg <arg>]    configure argument for -providerclass
 -providerpath <list>    provider classpath
 -v                      verbose output
 -protected              password through protected mechanism

Use \"keytool -?, -h, or --help\" for this help message
";
        assert_eq!(usage(Some(Cmd::List)), expected);
    }
}
