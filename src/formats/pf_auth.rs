//! Reading LICENSE_KEY, GROUP_KEY and CERT_PASSWORD out of the SDK's
//! `pf_auth.cs` without a C# compiler: a small lexer that drops comments
//! (declarations inside them are decoys) and keeps string literals whole.
//! Errors name the constant and line, never the value.

use crate::formats::secret::Secret;
use crate::formats::settings_xml::{CERT_PASSWORD, GROUP_KEY, LICENSE_KEY};

pub const KEY_NAMES: [&str; 3] = [LICENSE_KEY, GROUP_KEY, CERT_PASSWORD];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PfAuthError {
    #[error("pf_auth.cs declares no {0}; is this the Azure MFA \"SDK for ASP.net 2.0 C#\" zip?")]
    Missing(&'static str),
    #[error(
        "{name} in pf_auth.cs (line {line}) is empty or a placeholder; download the SDK again from the MFA provider"
    )]
    Placeholder { name: &'static str, line: usize },
    #[error(
        "{name} is declared twice in pf_auth.cs with different values (lines {first} and {second}); keep one"
    )]
    Conflict {
        name: &'static str,
        first: usize,
        second: usize,
    },
    #[error("pf_auth.cs has an unterminated {0} starting on line {1}")]
    Unterminated(&'static str, usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdkKeys {
    pub license_key: Secret,
    pub group_key: Secret,
    pub cert_password: Secret,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    Str(String),
    Punct(char),
}

/// Tokens with their 1-based line; comments dropped.
fn lex(src: &str) -> Result<Vec<(Token, usize)>, PfAuthError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() || c == '\u{feff}' => i += 1,
            '/' if next == Some('/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if next == Some('*') => {
                let start = line;
                i += 2;
                loop {
                    match (chars.get(i), chars.get(i + 1)) {
                        (Some('*'), Some('/')) => break i += 2,
                        (Some(ch), _) => {
                            if *ch == '\n' {
                                line += 1;
                            }
                            i += 1;
                        }
                        (None, _) => return Err(PfAuthError::Unterminated("comment", start)),
                    }
                }
            }
            '@' if next == Some('"') => {
                // Verbatim string: "" is a quote, no other escapes.
                let start = line;
                let mut s = String::new();
                i += 2;
                loop {
                    match (chars.get(i), chars.get(i + 1)) {
                        (Some('"'), Some('"')) => {
                            s.push('"');
                            i += 2;
                        }
                        (Some('"'), _) => break i += 1,
                        (Some(ch), _) => {
                            if *ch == '\n' {
                                line += 1;
                            }
                            s.push(*ch);
                            i += 1;
                        }
                        (None, _) => return Err(PfAuthError::Unterminated("string", start)),
                    }
                }
                out.push((Token::Str(s), start));
            }
            '"' => {
                let start = line;
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        Some('"') => break i += 1,
                        Some('\\') => {
                            let esc = chars.get(i + 1).copied();
                            s.push(match esc {
                                Some('n') => '\n',
                                Some('t') => '\t',
                                Some('r') => '\r',
                                Some('0') => '\0',
                                Some(other) => other,
                                None => return Err(PfAuthError::Unterminated("string", start)),
                            });
                            i += 2;
                        }
                        Some('\n') | None => {
                            return Err(PfAuthError::Unterminated("string", start));
                        }
                        Some(ch) => {
                            s.push(*ch);
                            i += 1;
                        }
                    }
                }
                out.push((Token::Str(s), start));
            }
            '\'' => {
                // A char literal: skip it so '"' cannot open a string.
                i += 1;
                while i < chars.len() && chars[i] != '\'' && chars[i] != '\n' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
            }
            c if c.is_alphanumeric() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push((Token::Ident(chars[start..i].iter().collect()), line));
            }
            c => {
                out.push((Token::Punct(c), line));
                i += 1;
            }
        }
    }
    Ok(out)
}

/// `[modifiers] string NAME = "value";` with `const` or `static readonly`.
pub fn read_keys(source: &str) -> Result<SdkKeys, PfAuthError> {
    let tokens = lex(source)?;
    let mut found: [Option<(String, usize)>; 3] = [None, None, None];
    for (i, (tok, line)) in tokens.iter().enumerate() {
        let Token::Ident(name) = tok else { continue };
        let Some(slot) = KEY_NAMES.iter().position(|k| k == name) else {
            continue;
        };
        let is_string_type =
            i >= 1 && matches!(&tokens[i - 1].0, Token::Ident(t) if t == "string" || t == "String");
        let value = match (tokens.get(i + 1), tokens.get(i + 2), tokens.get(i + 3)) {
            (
                Some((Token::Punct('='), _)),
                Some((Token::Str(v), _)),
                Some((Token::Punct(';'), _)),
            ) => v,
            _ => continue,
        };
        if !is_string_type {
            continue;
        }
        let key = KEY_NAMES[slot];
        if is_placeholder(value) {
            return Err(PfAuthError::Placeholder {
                name: key,
                line: *line,
            });
        }
        match &found[slot] {
            Some((old, first)) if old != value => {
                return Err(PfAuthError::Conflict {
                    name: key,
                    first: *first,
                    second: *line,
                });
            }
            Some(_) => {}
            None => found[slot] = Some((value.clone(), *line)),
        }
    }
    let mut take = |slot: usize| {
        found[slot]
            .take()
            .map(|(v, _)| Secret::new(v))
            .ok_or(PfAuthError::Missing(KEY_NAMES[slot]))
    };
    Ok(SdkKeys {
        license_key: take(0)?,
        group_key: take(1)?,
        cert_password: take(2)?,
    })
}

fn is_placeholder(v: &str) -> bool {
    let t = v.trim();
    t.is_empty()
        || t.contains(['<', '>', ' '])
        || t.chars().all(|c| c == 'x' || c == 'X' || c == '*')
        || ["todo", "changeme", "your_key", "yourkey"]
            .iter()
            .any(|p| t.eq_ignore_ascii_case(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STOCK: &str = "// pf_auth.cs: An SDK for authenticating with PhoneFactor for .NET 2.0\r\n\
        public static class pf_auth\r\n{\r\n\
        \x20 private const string LICENSE_KEY = \"ABCDEF123456\";\r\n\
        \x20 private const string GROUP_KEY = \"0123456789abcdef0123456789abcdef\";\r\n\
        \x20 private const string CERT_PASSWORD = \"ABCDEFGH12345678\";\r\n}\r\n";

    #[test]
    fn reads_the_stock_layout() {
        let k = read_keys(STOCK).unwrap();
        assert_eq!(k.license_key.expose(), "ABCDEF123456");
        assert_eq!(k.group_key.expose(), "0123456789abcdef0123456789abcdef");
        assert_eq!(k.cert_password.expose(), "ABCDEFGH12345678");
    }

    #[test]
    fn reads_variants_and_ignores_decoys_in_comments() {
        let src = "\u{feff}// private const string LICENSE_KEY = \"DECOY0000000\";\n\
            /* internal const string GROUP_KEY = \"decoy\";\n   still comment */\n\
            internal   static readonly\n string LICENSE_KEY\n =\n \"REAL00000001\" ; // trailing\n\
            public const String GROUP_KEY = @\"0123456789abcdef0123456789abcdef\";\n\
            char q = '\"'; string url = \"http://x//y\";\n\
            private const string CERT_PASSWORD = \"PW\\\"X0000000000\";\n";
        let k = read_keys(src).unwrap();
        assert_eq!(k.license_key.expose(), "REAL00000001");
        assert_eq!(k.group_key.expose(), "0123456789abcdef0123456789abcdef");
        assert_eq!(k.cert_password.expose(), "PW\"X0000000000");
    }

    #[test]
    fn refuses_missing_placeholder_and_conflicts_without_the_value() {
        let missing = STOCK.replace("GROUP_KEY", "GROUPKEY");
        assert_eq!(read_keys(&missing), Err(PfAuthError::Missing("GROUP_KEY")));
        let placeholder = STOCK.replace("ABCDEF123456", "<Enter key here>");
        assert_eq!(
            read_keys(&placeholder),
            Err(PfAuthError::Placeholder {
                name: "LICENSE_KEY",
                line: 4
            })
        );
        let empty = STOCK.replace("ABCDEFGH12345678", "");
        assert!(matches!(
            read_keys(&empty),
            Err(PfAuthError::Placeholder {
                name: "CERT_PASSWORD",
                ..
            })
        ));
        let twice = format!("{STOCK}\nprivate const string LICENSE_KEY = \"OTHER0000000\";\n");
        let err = read_keys(&twice).unwrap_err();
        assert_eq!(
            err,
            PfAuthError::Conflict {
                name: "LICENSE_KEY",
                first: 4,
                second: 9
            }
        );
        assert!(!err.to_string().contains("OTHER") && !err.to_string().contains("ABCDEF"));
        let same_twice = format!("{STOCK}\nprivate const string LICENSE_KEY = \"ABCDEF123456\";\n");
        assert!(read_keys(&same_twice).is_ok());
    }

    #[test]
    fn unterminated_input_is_an_error() {
        assert!(matches!(
            read_keys("/* never closed"),
            Err(PfAuthError::Unterminated("comment", 1))
        ));
        assert!(matches!(
            read_keys("string LICENSE_KEY = \"abc"),
            Err(PfAuthError::Unterminated("string", 1))
        ));
    }
}
