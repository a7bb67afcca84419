//! The two settings that name a file (CertFilePath, CustomPhoneProvider):
//! is the path absolute, does the file exist after path mapping, and is it
//! in the Service folder where Microsoft's procedures keep it.

use super::Audit;
use crate::checks::catalogue::{self as check, Check};
use crate::checks::finding::Finding;
use crate::formats::settings_xml::{CERT_FILE_PATH, CUSTOM_PHONE_PROVIDER, Element};
use crate::site::CERT_DIR_NAME;
use crate::site::paths::is_absolute_windows;
use std::path::{Path, PathBuf};

/// A setting whose value is a file path, with its own codes and fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PathSetting {
    /// CertFilePath: the SDK's client certificate.
    Certificate,
    /// CustomPhoneProvider: the provider DLL.
    Provider,
}

impl PathSetting {
    fn name(self) -> &'static str {
        match self {
            PathSetting::Certificate => CERT_FILE_PATH,
            PathSetting::Provider => CUSTOM_PHONE_PROVIDER,
        }
    }

    /// The code of a path that is not absolute or names no file.
    fn unusable(self) -> &'static Check {
        match self {
            PathSetting::Certificate => &check::MFA022,
            PathSetting::Provider => &check::MFA040,
        }
    }

    /// The command that rewrites this setting's path.
    fn rewriter(self) -> &'static str {
        match self {
            PathSetting::Certificate => "`mimmfa sdk apply ZIP` rewrites the path",
            PathSetting::Provider => "`mimmfa provider set DLL` rewrites the path",
        }
    }

    /// MFA027 / MFA043: the file is outside the Service folder.
    fn outside(self, value: &str) -> Finding {
        match self {
            PathSetting::Certificate => check::MFA027
                .finding(format!(
                    "the certificate file {value} is outside the Service folder"
                ))
                .hint(format!(
                    "keep it in <Service>\\{CERT_DIR_NAME}, as Microsoft's procedure does"
                )),
            PathSetting::Provider => check::MFA043
                .finding(format!(
                    "the provider DLL {value} is not in the Service folder"
                ))
                .hint("copy it into the Service folder (`mimmfa provider set DLL` does)"),
        }
    }
}

/// Place the setting's outside-the-folder finding on `el` when the path
/// `value` is outside the Service folder. The value is judged without the
/// quotes or blanks MFA009 reports already.
pub(super) fn warn_outside_service_dir(
    a: &mut Audit<'_>,
    el: &Element,
    value: &str,
    setting: PathSetting,
) {
    if !a.site.mapper.is_in_service_dir(unquoted(value)) {
        let f = a.on(el, setting.outside(value));
        a.push(f);
    }
}

/// A path value without the surrounding blanks and quotes of MFA009.
fn unquoted(value: &str) -> &str {
    value.trim().trim_matches(['"', '\''])
}

/// An absolute Windows path naming an existing file (after path mapping);
/// otherwise the setting's finding, placed on `el`, and `None`.
pub(super) fn resolve_file(
    a: &mut Audit<'_>,
    el: &Element,
    value: &str,
    setting: PathSetting,
) -> Option<PathBuf> {
    let v = unquoted(value);
    let finding = if !is_absolute_windows(v) {
        setting.unusable().finding(format!("{} \"{value}\" is not an absolute Windows path", setting.name())).hint("write the full path, e.g. C:\\Program Files\\Microsoft Forefront Identity Manager\\2010\\Service\\...")
    } else {
        match a.site.mapper.resolve(v) {
            Some(p) if a.view.is_file(&p) => return Some(p),
            Some(p) => no_such_file(a, setting, value, &p),
            None if a.site.mapper.names_other_stock_folder(v) => {
                under_other_stock_folder(a, setting, value)
            }
            None => setting
                .unusable()
                .finding(format!(
                    "{} {value} cannot be found from this machine",
                    setting.name()
                ))
                .hint("on another machine, map the folder with --path-map FROM=TO"),
        }
    };
    let f = a.on(el, finding);
    a.push(f);
    None
}

/// The path maps to `p`, and no file is there. The classic non-stock
/// install: the file is in the Service folder, the path names another
/// folder (the stock one).
fn no_such_file(a: &Audit<'_>, setting: PathSetting, value: &str, p: &Path) -> Finding {
    let v = unquoted(value);
    let name = v.rsplit(['\\', '/']).next().unwrap_or(v);
    let beside = [
        a.site.mapper.stock_equivalent(v),
        Some(a.site.service_dir.join(name)),
    ]
    .into_iter()
    .flatten()
    .find(|b| a.view.is_file(b) && *b != p);
    let (more, hint) = if let Some(beside) = beside {
        (
            format!(
                "; a file of that name is in the Service folder: {}",
                beside.display()
            ),
            format!(
                "the MIM Service opens the path literally: write {} instead ({})",
                a.site
                    .mapper
                    .to_windows(&beside)
                    .unwrap_or_else(|| beside.display().to_string()),
                setting.rewriter()
            ),
        )
    } else {
        (
            String::new(),
            "copy the file there, or correct the path".to_string(),
        )
    };
    setting
        .unusable()
        .finding(format!(
            "{} names {value}, and there is no such file (looked at {}){more}",
            setting.name(),
            p.display()
        ))
        .hint(hint)
}

/// The stock path on a server whose MIM is elsewhere: the service opens
/// it literally and finds nothing there.
fn under_other_stock_folder(a: &Audit<'_>, setting: PathSetting, value: &str) -> Finding {
    let v = unquoted(value);
    let server = a.site.mapper.windows_service_dir();
    let beside = a.site.mapper.stock_equivalent(v).filter(|b| b.is_file());
    let hint = match beside.as_ref().and_then(|b| a.site.mapper.to_windows(b)) {
        Some(right) => format!("the MIM Service opens the path literally: write {right} instead"),
        None => {
            "copy the file into the Service folder and write its path there, or correct the path"
                .to_string()
        }
    };
    setting.unusable().finding(format!("{} names {value}, under the stock Service folder, but this server's Service folder is {server} (--windows-service-dir): the MIM Service will not find it there", setting.name()))
        .hint(hint)
}
