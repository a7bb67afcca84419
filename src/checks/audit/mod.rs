//! Every check of checks.md on one service folder. Never writes, never
//! needs the network; reuses the readers of the other commands. This file
//! runs the groups in the order their findings are reported; each group of
//! checks is its own file.

mod backup_checks;
mod calling_codes;
mod key_exposure;
mod mim_build;
mod modes;
mod near_names;
mod phone_provider;
mod sdk_mode;
mod setting_paths;
mod settings_file;
mod shared_settings;

pub use calling_codes::country_code_problem;
pub use mim_build::MIM_SERVICE_EXE;

use crate::checks::catalogue::{self as check, Check};
use crate::checks::finding::Finding;
use crate::checks::provider_dll::DllCheck;
use crate::checks::sdk_files::EXPIRY_WARNING_DAYS;
use crate::checks::view::View;
use crate::formats::bounded::SETTINGS_CAP;
use crate::formats::pkcs12::CertInfo;
use crate::formats::settings_xml::{Element, Mode, SettingsDoc, read_settings_file};
use crate::formats::win_version::Version;
use crate::site::Site;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub expiry_warning_days: i64,
    /// Verify every stored file of the backup folder (`--deep`), not only
    /// the newest snapshots of this settings file.
    pub deep: bool,
}

impl Default for Options {
    /// The CLI's default warning window (`--expiry-warning-days`).
    fn default() -> Self {
        Options {
            expiry_warning_days: i64::from(EXPIRY_WARNING_DAYS),
            deep: false,
        }
    }
}

/// How many of this settings file's newest snapshots every `validate`
/// verifies (MFA051, MFA061): the ones a roll-back reaches for. Older ones
/// and other servers' are verified by `validate --deep`, and every restore
/// verifies what it restores before writing anything.
pub const VERIFIED_SNAPSHOTS: usize = 10;

/// What one audit of a folder found, and what it read on the way (so
/// `status` need not open the certificate or the DLL a second time).
#[derive(Debug, Default)]
pub struct SiteAudit {
    pub findings: Vec<Finding>,
    pub certificate: Option<CertInfo>,
    pub provider: Option<ProviderSeen>,
    /// The MIM build (`mim_build`), read once for the checks and the report.
    pub mim_build: Option<Version>,
    /// The checks that ran and found nothing (what `-v` lists).
    pub passed: Vec<&'static Check>,
}

/// The provider DLL CustomPhoneProvider names, as the audit read it.
#[derive(Debug, Clone)]
pub struct ProviderSeen {
    pub file: PathBuf,
    pub sha256: String,
    pub check: DllCheck,
}

/// Collects findings about one folder; `on` places one on an element.
struct Audit<'a> {
    site: &'a Site,
    /// The disk, or the state a plan would leave.
    view: &'a View,
    file: String,
    findings: Vec<Finding>,
    certificate: Option<CertInfo>,
    provider: Option<ProviderSeen>,
    mim_build: Option<Version>,
    /// docs/checks.md sections whose checks ran.
    sections: Vec<&'static str>,
}

impl Audit<'_> {
    fn push(&mut self, f: Finding) {
        self.findings.push(f);
    }
    fn on(&self, el: &Element, f: Finding) -> Finding {
        f.file(&self.file).at(el.line, el.column).element(&el.name)
    }
    fn on_setting(&self, doc: &SettingsDoc, name: &str, f: Finding) -> Finding {
        match doc.get(name) {
            Some(el) => self.on(el, f),
            None => f.file(&self.file).element(name),
        }
    }
}

/// Every check on one folder, with the certificate and DLL it read.
pub fn audit_site(site: &Site, opts: Options) -> SiteAudit {
    audit_read(site, read_settings_file(&site.settings), opts)
}

/// Every check on the state `view` shows: the one a plan would leave
/// (settings, certificate and DLL as planned, the rest as on disk).
pub fn audit_view(site: &Site, view: &View, opts: Options) -> SiteAudit {
    let read = view.read(&site.settings, SETTINGS_CAP);
    audit_with(site, view, read, opts)
}

/// The audit of a settings file the caller has already read (or failed to).
pub fn audit_read(site: &Site, read: io::Result<Vec<u8>>, opts: Options) -> SiteAudit {
    audit_with(site, &View::default(), read, opts)
}

fn audit_with(site: &Site, view: &View, read: io::Result<Vec<u8>>, opts: Options) -> SiteAudit {
    let mut a = Audit {
        site,
        view,
        file: site.settings_display(),
        findings: Vec::new(),
        certificate: None,
        provider: None,
        mim_build: mim_build::mim_build(&site.service_dir),
        sections: vec!["the-settings-file", "security", "backups"],
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            settings_file::unreadable(&mut a, &e);
            security_and_backups(&mut a, None, None, opts);
            return a.finish();
        }
    };
    match site.settings_doc(&bytes) {
        Err(e) => {
            settings_file::unparsable(&mut a, e);
            security_and_backups(&mut a, Some(&bytes), None, opts);
        }
        Ok(doc) => {
            a.sections.extend(["mode", "shared-settings"]);
            let modes = doc.configured_modes();
            if modes.contains(&Mode::AzureMfaSdk) {
                a.sections.push("azure-mfa-sdk-mode");
            }
            if modes.contains(&Mode::CustomProvider) {
                a.sections.push("custom-provider");
            }
            let cert = settings_checks(&mut a, &doc, opts);
            security_and_backups(&mut a, Some(&bytes), cert.as_deref(), opts);
        }
    }
    a.finish()
}

impl Audit<'_> {
    fn finish(self) -> SiteAudit {
        let passed = check::CHECKS
            .iter()
            .copied()
            .filter(|c| self.sections.contains(&c.anchor))
            .filter(|c| !self.findings.iter().any(|f| f.code == c.code))
            .collect();
        SiteAudit {
            passed,
            findings: self.findings,
            certificate: self.certificate,
            provider: self.provider,
            mim_build: self.mim_build,
        }
    }
}

/// The checks of a settings file that parsed, group by group; returns the
/// resolved certificate path, if any.
fn settings_checks(a: &mut Audit<'_>, doc: &SettingsDoc, opts: Options) -> Option<PathBuf> {
    settings_file::encoding(a, doc);
    settings_file::structure(a, doc);
    let modes = doc.configured_modes();
    modes::mode_count(a, &modes);
    let mut cert = None;
    if modes.contains(&Mode::AzureMfaSdk) {
        modes::sdk_retired(a);
        cert = sdk_mode::sdk_checks(a, doc, opts);
    }
    if modes.contains(&Mode::MfaServer) {
        modes::server_retired(a);
    }
    shared_settings::shared_checks(a, doc);
    mim_build::build_checks(a, doc, &modes);
    if modes.contains(&Mode::CustomProvider) {
        phone_provider::provider_checks(a, doc);
    }
    phone_provider::sms_checks(a);
    cert
}

/// The checks that need no parsed settings: who can read the keys, the
/// backup store, and the way back to `current` (the settings bytes).
fn security_and_backups(
    a: &mut Audit<'_>,
    current: Option<&[u8]>,
    cert: Option<&Path>,
    opts: Options,
) {
    key_exposure::readable_keys(a, cert);
    let store = a.site.backups();
    let index = backup_checks::load_index(a, &store);
    let own = store.own(&index);
    backup_checks::stored_files(a, &store, &index, &own, opts);
    backup_checks::side_targets(a, &store, &own, opts);
    key_exposure::stray_sdk_zips(a);
    backup_checks::way_back_check(a, &own, current);
}
