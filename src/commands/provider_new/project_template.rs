//! The C# project `provider new` writes: the text templates beside this
//! file, filled in with the project's names and the contract assembly found
//! in the Service folder. No clock, no randomness, no machine state: the
//! same inputs give the same bytes.

use crate::checks::provider_dll::{Contract, Kind, SMS_DLL_NAME};
use crate::output::printable;

/// What the project is made from.
pub struct Project<'a> {
    /// A C# identifier (check_name): the project, its namespace and, for a
    /// phone provider, the class and the DLL.
    pub name: &'a str,
    pub kind: Kind,
    pub contract: &'a Contract,
    /// The contract's path here, for the csproj's HintPath.
    pub hint_path: &'a str,
    /// The contract's path on the MIM server, for Test-Provider.ps1.
    pub contract_windows_path: &'a str,
    /// The Service folder on the MIM server, for the README's commands.
    pub windows_service_dir: &'a str,
}

/// The SSPR SMS provider's class, by the name of its fixed DLL.
const SMS_CLASS: &str = "SmsServiceProvider";

const CSPROJ: &str = include_str!("project.csproj");
const PHONE_CLASS: &str = include_str!("PhoneProvider.cs");
const SMS_CLASS_SOURCE: &str = include_str!("SmsProvider.cs");
const SETTINGS_CLASS: &str = include_str!("ProviderSettings.cs");
const LOG_CLASS: &str = include_str!("ProviderLog.cs");
const SETTINGS_FILE: &str = include_str!("provider.settings");
const PHONE_README: &str = include_str!("README.phone.md");
const SMS_README: &str = include_str!("README.sms.md");
const PHONE_SCRIPT: &str = include_str!("Test-PhoneProvider.ps1");
const SMS_SCRIPT: &str = include_str!("Test-SmsProvider.ps1");
const GITIGNORE: &str = include_str!("gitignore");

impl Project<'_> {
    /// The DLL's name without `.dll`: the SMS provider's is fixed.
    pub fn assembly(&self) -> &str {
        match self.kind {
            Kind::Phone => self.name,
            Kind::Sms => SMS_DLL_NAME.trim_end_matches(".dll"),
        }
    }

    /// The provider class's full name.
    pub fn class(&self) -> String {
        let class = match self.kind {
            Kind::Phone => self.name,
            Kind::Sms => SMS_CLASS,
        };
        format!("{}.{class}", self.name)
    }

    /// The provider class's source file.
    pub fn source_file(&self) -> String {
        match self.kind {
            Kind::Phone => format!("{}.cs", self.name),
            Kind::Sms => format!("{SMS_CLASS}.cs"),
        }
    }

    /// The files, by path inside the project folder, in the order written;
    /// Windows line endings (Notepad on Windows Server 2016 shows a file
    /// without them as one line). An identity or path from the Service
    /// folder that cannot be written into these files safely is refused.
    pub fn files(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        let c = self.contract;
        let plain_name = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '-'))
        };
        let token_ok = c
            .public_key_token
            .as_deref()
            .is_none_or(|t| t.len() == 16 && t.chars().all(|ch| ch.is_ascii_hexdigit()));
        if !plain_name(&c.assembly)
            || !c.version.chars().all(|ch| ch.is_ascii_digit() || ch == '.')
            || !token_ok
        {
            return Err(format!(
                "{}: the contract assembly's name or version ({:?}, {:?}) is not one a project can reference; is it Microsoft's?",
                c.path.display(),
                c.assembly,
                c.version
            ));
        }
        for path in [
            self.hint_path,
            self.contract_windows_path,
            self.windows_service_dir,
        ] {
            if path.chars().any(char::is_control) {
                return Err(format!(
                    "{}: a path with control characters cannot go into the project's files",
                    printable(path)
                ));
            }
        }
        let reference = format!(
            "{}, Version={}, Culture=neutral, PublicKeyToken={}",
            c.assembly,
            c.version,
            c.public_key_token.as_deref().unwrap_or("null")
        );
        let (kind, class) = match self.kind {
            Kind::Phone => ("phone", self.name),
            Kind::Sms => ("SMS", SMS_CLASS),
        };
        let assembly = self.assembly();
        let fill = |template: &str| -> Vec<u8> {
            let text = template
                .replace("{{NAME}}", self.name)
                .replace("{{CLASS}}", class)
                .replace("{{ASSEMBLY}}", assembly)
                .replace("{{KIND}}", kind)
                .replace("{{CONTRACT_REFERENCE}}", &reference)
                .replace("{{CONTRACT_HINT_PATH}}", &xml_escape(self.hint_path))
                .replace("{{CONTRACT_HINT_PATH_TEXT}}", self.hint_path)
                .replace(
                    "{{CONTRACT_WINDOWS_PATH}}",
                    &powershell_quoted(self.contract_windows_path),
                )
                .replace(
                    "{{SERVICE_DIR}}",
                    &powershell_quoted(self.windows_service_dir),
                );
            debug_assert!(!text.contains("{{"), "a placeholder left: {text}");
            text.replace('\n', "\r\n").into_bytes()
        };
        let (source, readme, script) = match self.kind {
            Kind::Phone => (PHONE_CLASS, PHONE_README, PHONE_SCRIPT),
            Kind::Sms => (SMS_CLASS_SOURCE, SMS_README, SMS_SCRIPT),
        };
        // Windows PowerShell 5.1 reads a script without a byte-order mark
        // in the ANSI code page: a path outside ASCII would be misread.
        let mut script_bytes = "\u{feff}".as_bytes().to_vec();
        script_bytes.extend(fill(script));
        Ok(vec![
            (format!("{}.csproj", self.name), fill(CSPROJ)),
            (self.source_file(), fill(source)),
            ("ProviderSettings.cs".into(), fill(SETTINGS_CLASS)),
            ("ProviderLog.cs".into(), fill(LOG_CLASS)),
            (format!("{assembly}.settings"), fill(SETTINGS_FILE)),
            ("README.md".into(), fill(readme)),
            ("Test-Provider.ps1".into(), script_bytes),
            (".gitignore".into(), fill(GITIGNORE)),
        ])
    }
}

/// Text for an XML attribute or element.
fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The inside of a single-quoted PowerShell string: every quote PowerShell
/// takes for a single quote (it counts the typographic ones too) doubled.
fn powershell_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}') {
            out.push(c);
        }
        out.push(c);
    }
    out
}

/// C#'s reserved keywords (contextual ones such as `var` are identifiers).
const KEYWORDS: &[&str] = &[
    "abstract",
    "as",
    "base",
    "bool",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "checked",
    "class",
    "const",
    "continue",
    "decimal",
    "default",
    "delegate",
    "do",
    "double",
    "else",
    "enum",
    "event",
    "explicit",
    "extern",
    "false",
    "finally",
    "fixed",
    "float",
    "for",
    "foreach",
    "goto",
    "if",
    "implicit",
    "in",
    "int",
    "interface",
    "internal",
    "is",
    "lock",
    "long",
    "namespace",
    "new",
    "null",
    "object",
    "operator",
    "out",
    "override",
    "params",
    "private",
    "protected",
    "public",
    "readonly",
    "ref",
    "return",
    "sbyte",
    "sealed",
    "short",
    "sizeof",
    "stackalloc",
    "static",
    "string",
    "struct",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "uint",
    "ulong",
    "unchecked",
    "unsafe",
    "ushort",
    "using",
    "virtual",
    "void",
    "volatile",
    "while",
];

/// Names the generated code itself uses: a namespace or class of that name
/// would hide them (`System.IO` would then mean a member of class System).
const TAKEN: &[&str] = &[
    "System",
    "Microsoft",
    "ProviderSettings",
    "ProviderLog",
    "CallState",
    "PhoneCallStatus",
    "IPhoneServiceProvider",
    "ISmsServiceProvider",
    "var",
    "dynamic",
];

/// Names Windows refuses as file names, whatever the extension.
const DEVICES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Whether `name` can be the project's namespace, class, assembly and file
/// names: a C# identifier in ASCII (any code page and file system keeps
/// it), not a keyword, not a name the code uses, not a Windows device.
pub fn check_name(name: &str) -> Result<(), String> {
    const MAX: usize = 64;
    let shown = printable(name);
    let rule = "letters A-Z a-z, digits and _, starting with a letter or _, e.g. ContosoPhoneGate";
    let mut chars = name.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !starts_well || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!(
            "{shown:?} is not a C# identifier this project can use: {rule}"
        ));
    }
    if name.len() > MAX {
        return Err(format!(
            "{shown:?} is {} characters long; at most {MAX}, so the paths stay short on Windows",
            name.len()
        ));
    }
    if name.chars().all(|c| c == '_') {
        return Err(format!("{shown:?} is a discard in C#, not a name: {rule}"));
    }
    if KEYWORDS.contains(&name) {
        return Err(format!(
            "{name:?} is a C# keyword and cannot name a class or namespace: choose another, e.g. Contoso{}",
            upper_first(name)
        ));
    }
    if let Some(taken) = TAKEN.iter().find(|t| t.eq_ignore_ascii_case(name)) {
        return Err(format!(
            "{name:?} would hide {taken}, which the provider's code uses: choose another, e.g. Contoso{}",
            upper_first(name)
        ));
    }
    if DEVICES.iter().any(|d| d.eq_ignore_ascii_case(name)) {
        return Err(format!(
            "{name:?} is a device name on Windows and cannot name a file: choose another, e.g. Contoso{}",
            upper_first(name)
        ));
    }
    Ok(())
}

fn upper_first(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_as_csharp_identifiers() {
        for good in ["ContosoPhoneGate", "_Gate", "Gate2", "a", "var1"] {
            assert_eq!(check_name(good), Ok(()), "{good}");
        }
        for (bad, says) in [
            ("", "not a C# identifier"),
            ("2Gate", "not a C# identifier"),
            ("Contoso.Gate", "not a C# identifier"),
            ("Contoso-Gate", "not a C# identifier"),
            ("Gäte", "not a C# identifier"),
            ("@class", "not a C# identifier"),
            ("../x", "not a C# identifier"),
            ("_", "discard"),
            ("class", "C# keyword"),
            ("namespace", "C# keyword"),
            ("System", "would hide System"),
            ("system", "would hide System"),
            ("ProviderLog", "would hide ProviderLog"),
            ("CON", "device name"),
            ("lpt1", "device name"),
        ] {
            let err = check_name(bad).expect_err(bad);
            assert!(err.contains(says), "{bad}: {err}");
        }
        assert!(
            check_name(&"G".repeat(65))
                .unwrap_err()
                .contains("at most 64")
        );
        assert!(check_name("\u{1b}[31m").unwrap_err().contains("\\u{1b}"));
    }

    #[test]
    fn quotes_are_escaped_for_their_file() {
        assert_eq!(
            powershell_quoted("C:\\O'Brien\u{2019}s"),
            "C:\\O''Brien\u{2019}\u{2019}s"
        );
        assert_eq!(xml_escape("a&b<c>\"'"), "a&amp;b&lt;c&gt;&quot;&apos;");
    }
}
