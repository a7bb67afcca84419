//! Binding redirects of a .NET application configuration file (the MIM
//! Service's `Microsoft.ResourceManagement.Service.exe.config`):
//!
//! ```xml
//! <runtime><assemblyBinding xmlns="urn:schemas-microsoft-com:asm.v1">
//!   <dependentAssembly>
//!     <assemblyIdentity name="Contoso.Sms" publicKeyToken="e94679b0ccbc885a" />
//!     <bindingRedirect oldVersion="0.0.0.0-1.9.9.9" newVersion="2.0.0.0" />
//!   </dependentAssembly>
//! </assemblyBinding></runtime>
//! ```
//!
//! The CLR applies them to strong-named references before it probes.

use crate::formats::win_version::Version;
use quick_xml::Reader;
use quick_xml::events::Event;

/// One `bindingRedirect` of one `dependentAssembly`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub name: String,
    /// Lowercase hex.
    pub public_key_token: String,
    pub old_low: Version,
    pub old_high: Version,
    pub new_version: Version,
}

/// The version the CLR binds a reference of `name`/`token`/`version` to.
pub fn redirected(redirects: &[Redirect], name: &str, token: &str, version: Version) -> Version {
    redirects
        .iter()
        .find(|r| {
            r.name.eq_ignore_ascii_case(name)
                && r.public_key_token.eq_ignore_ascii_case(token)
                && r.old_low <= version
                && version <= r.old_high
        })
        .map_or(version, |r| r.new_version)
}

/// Every binding redirect of the file; an unreadable file has none (the
/// service would not start with it, which is not this check's to say).
pub fn redirects(bytes: &[u8]) -> Vec<Redirect> {
    let mut reader = Reader::from_reader(bytes);
    let mut out = Vec::new();
    let mut identity: Option<(String, String)> = None;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let attr = |key: &str| {
                    e.attributes().flatten().find_map(|a| {
                        (a.key.local_name().as_ref() == key.as_bytes())
                            .then(|| String::from_utf8_lossy(&a.value).into_owned())
                    })
                };
                match e.local_name().as_ref() {
                    b"dependentAssembly" => identity = None,
                    b"assemblyIdentity" => {
                        identity = attr("name").zip(attr("publicKeyToken"));
                    }
                    b"bindingRedirect" => {
                        let (Some((name, token)), Some(old), Some(new)) =
                            (&identity, attr("oldVersion"), attr("newVersion"))
                        else {
                            continue;
                        };
                        let (low, high) = old.split_once('-').unwrap_or((&old, &old));
                        if let (Some(old_low), Some(old_high), Some(new_version)) =
                            (parse_version(low), parse_version(high), parse_version(&new))
                        {
                            out.push(Redirect {
                                name: name.clone(),
                                public_key_token: token.to_ascii_lowercase(),
                                old_low,
                                old_high,
                                new_version,
                            });
                        }
                    }
                    _ => {}
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

/// `1.2.3.4` (missing parts are 0, as the CLR reads `2.0`).
pub fn parse_version(s: &str) -> Option<Version> {
    let mut parts = [0u16; 4];
    let mut n = 0;
    for (i, p) in s.trim().split('.').enumerate() {
        *parts.get_mut(i)? = p.parse().ok()?;
        n = i + 1;
    }
    (n >= 2).then_some(Version(parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_redirects_and_applies_them_by_range() {
        let config = br#"<?xml version="1.0"?><configuration><runtime>
          <assemblyBinding xmlns="urn:schemas-microsoft-com:asm.v1">
            <dependentAssembly>
              <assemblyIdentity name="Contoso.Sms" publicKeyToken="E94679B0CCBC885A" culture="neutral" />
              <bindingRedirect oldVersion="0.0.0.0-1.9.9.9" newVersion="2.0.0.0" />
            </dependentAssembly>
          </assemblyBinding></runtime></configuration>"#;
        let r = redirects(config);
        assert_eq!(r.len(), 1);
        let v = |s| parse_version(s).unwrap();
        assert_eq!(
            redirected(&r, "contoso.sms", "e94679b0ccbc885a", v("1.0.0.0")),
            v("2.0.0.0")
        );
        assert_eq!(
            redirected(&r, "Contoso.Sms", "e94679b0ccbc885a", v("3.0.0.0")),
            v("3.0.0.0")
        );
        assert_eq!(
            redirected(&r, "Other", "e94679b0ccbc885a", v("1.0.0.0")),
            v("1.0.0.0")
        );
        assert!(redirects(b"<not xml").is_empty());
    }
}
