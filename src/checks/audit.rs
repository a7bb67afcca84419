//! Every check of checks.md on one service folder. Never writes, never
//! needs the network; reuses the readers of the other commands.

use crate::checks::catalogue::{self as check, Check};
use crate::checks::finding::Finding;
use crate::checks::provider_dll::{Kind, SMS_DLL_NAME, check_dll_with};
use crate::checks::sdk_files::{certificate_findings, shape_hint, shape_ok};
use crate::checks::view::View;
use crate::formats::pe_version::FileVersion;
use crate::formats::secret::{Secret, sha256_hex};
use crate::formats::settings_xml::*;
use crate::site::Site;
use crate::site::paths::is_absolute_windows;
use crate::store::permissions::{Reader, fix_hint, readable_by_others};
use crate::store::snapshots::{WayBack, way_back};
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
            expiry_warning_days: i64::from(crate::checks::sdk_files::EXPIRY_WARNING_DAYS),
            deep: false,
        }
    }
}

/// How many of this settings file's newest snapshots every `validate`
/// verifies (MFA051, MFA061): the ones a roll-back reaches for. Older ones
/// and other servers' are verified by `validate --deep`, and every restore
/// verifies what it restores before writing anything.
pub const VERIFIED_SNAPSHOTS: usize = 10;

/// Assigned ITU-T E.164 country calling codes, as listed by Google's
/// libphonenumber metadata (PhoneNumberMetadata.xml, the copy shipped in the
/// phonenumber crate 0.3.10+9.0.33). Refresh: see docs/checks.md.
const CALLING_CODES: &[u16] = &[
    1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54,
    55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98, 211,
    212, 213, 216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234,
    235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253,
    254, 255, 256, 257, 258, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 290, 291, 297, 298,
    299, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374, 375, 376, 377,
    378, 380, 381, 382, 383, 385, 386, 387, 389, 420, 421, 423, 500, 501, 502, 503, 504, 505, 506,
    507, 508, 509, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599, 670, 672, 673, 674, 675, 676,
    677, 678, 679, 680, 681, 682, 683, 685, 686, 687, 688, 689, 690, 691, 692, 800, 808, 850, 852,
    853, 855, 856, 870, 878, 880, 881, 882, 883, 886, 888, 960, 961, 962, 963, 964, 965, 966, 967,
    968, 970, 971, 972, 973, 974, 975, 976, 977, 979, 992, 993, 994, 995, 996, 998,
];

/// Why a DefaultCountryCode cannot be used, if it cannot.
pub fn country_code_problem(value: &str) -> Option<String> {
    if value.is_empty() || value.len() > 3 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Some("must be 1-3 digits with no + (e.g. 1, 44, 353)".into());
    }
    // No calling code starts with 0 (`00` is the international dialling
    // prefix): `044` is not 44 to the service, it is a wrong number.
    if value.starts_with('0') {
        return Some(format!(
            "\"{value}\" starts with 0: no calling code does (00 is a dialling prefix); write it without the leading zeros, e.g. 44"
        ));
    }
    let code: u16 = value.parse().ok()?;
    (!CALLING_CODES.contains(&code)).then(|| format!("{code} is not an assigned ITU calling code"))
}

/// Levenshtein distance, for "did you mean" on misspelt element names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The known setting an unknown element name was probably meant to be.
pub fn near_known_name(name: &str) -> Option<&'static str> {
    fn fold(s: &str) -> String {
        s.to_ascii_lowercase().replace(['_', '-'], "")
    }
    // Folded once per run, not once per element of the file.
    static FOLDED: std::sync::LazyLock<Vec<(&'static str, String)>> =
        std::sync::LazyLock::new(|| KNOWN_SETTINGS.iter().map(|k| (*k, fold(k))).collect());
    let folded = fold(name);
    let chars = folded.chars().count();
    FOLDED.iter().find_map(|(known, k)| {
        let max = if k.len() > 6 { 2 } else { 1 };
        // Names whose lengths differ by more than `max` cannot be that near,
        // so a long unknown name costs no edit-distance table.
        let near = k.len().abs_diff(chars) <= max && edit_distance(k, &folded) <= max;
        (*k == folded || near).then_some(*known)
    })
}

/// What one audit of a folder found, and what it read on the way (so
/// `status` need not open the certificate or the DLL a second time).
#[derive(Debug, Default)]
pub struct SiteAudit {
    pub findings: Vec<Finding>,
    pub certificate: Option<crate::formats::pkcs12::CertInfo>,
    pub provider: Option<ProviderSeen>,
    /// The MIM build (`mim_build`), read once for the checks and the report.
    pub mim_build: Option<FileVersion>,
    /// The checks that ran and found nothing (what `-v` lists).
    pub passed: Vec<&'static Check>,
}

/// The provider DLL CustomPhoneProvider names, as the audit read it.
#[derive(Debug, Clone)]
pub struct ProviderSeen {
    pub file: PathBuf,
    pub sha256: String,
    pub check: crate::checks::provider_dll::DllCheck,
}

/// Collects findings about one folder; `on` places one on an element.
struct Audit<'a> {
    site: &'a Site,
    /// The disk, or the state a plan would leave.
    view: &'a View,
    file: String,
    findings: Vec<Finding>,
    certificate: Option<crate::formats::pkcs12::CertInfo>,
    provider: Option<ProviderSeen>,
    mim_build: Option<FileVersion>,
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

/// The findings of every check on one folder.
pub fn validate_site(site: &Site, opts: Options) -> Vec<Finding> {
    audit_site(site, opts).findings
}

/// Every check on one folder, with the certificate and DLL it read.
pub fn audit_site(site: &Site, opts: Options) -> SiteAudit {
    audit_read(site, read_settings_file(&site.settings), opts)
}

/// Every check on the state `view` shows: the one a plan would leave
/// (settings, certificate and DLL as planned, the rest as on disk).
pub fn audit_view(site: &Site, view: &View, opts: Options) -> SiteAudit {
    let read = view.read(&site.settings, crate::formats::bounded::SETTINGS_CAP);
    audit_with(site, view, read, opts)
}

/// The audit of a settings file the caller has already read (or failed to).
pub fn audit_read(site: &Site, read: std::io::Result<Vec<u8>>, opts: Options) -> SiteAudit {
    audit_with(site, &View::default(), read, opts)
}

fn audit_with(
    site: &Site,
    view: &View,
    read: std::io::Result<Vec<u8>>,
    opts: Options,
) -> SiteAudit {
    let mut a = Audit {
        site,
        view,
        file: site.settings_display(),
        findings: Vec::new(),
        certificate: None,
        provider: None,
        mim_build: mim_build(&site.service_dir),
        sections: vec!["the-settings-file", "security", "backups"],
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            a.push(
                check::MFA001.finding(format!("cannot read {}: {e}", a.file))
                    .file(&a.file)
                    .hint("check --service-dir; the MIM Service (4.5.202.0+) reads MfaSettings.xml from its Service folder"),
            );
            security_and_backups(&mut a, None, None, opts);
            return a.finish();
        }
    };
    match site.settings_doc(&bytes) {
        Err(e) => {
            let hint = match e.fault {
                Fault::Declaration => "delete the <!DOCTYPE ...> block; the stock file has none",
                Fault::Encoding => "save the file as UTF-8 (Notepad: Save As → Encoding UTF-8)",
                Fault::Malformed => "fix the XML at this place, or `mimmfa restore latest`",
            };
            a.push(
                check::of_fault(e.fault)
                    .finding(e.message)
                    .file(&a.file)
                    .at(e.line, e.column)
                    .hint(hint),
            );
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
            if doc.utf16().is_some() {
                a.push(
                    check::MFA016
                        .finding("the file is UTF-16 (Notepad's \"Unicode\"); the MIM Service reads it, and mimmfa reads it as the same text, but a command that edits it (sdk apply, provider set, provider clear) writes it back as UTF-8 (the snapshot it takes first keeps these bytes; restore puts a snapshot back as it was)")
                        .file(&a.file)
                        .at(1, 1)
                        .hint("nothing to fix; to keep one encoding everywhere, save it as UTF-8 (Notepad: Save As → Encoding UTF-8)"),
                );
            }
            structure(&mut a, &doc);
            let cert = mode_checks(&mut a, &doc, opts);
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

fn structure(a: &mut Audit<'_>, doc: &SettingsDoc) {
    if doc.root_name() != "MfaSettings" {
        a.push(
            check::MFA004
                .finding(format!(
                    "the root element is <{}>, not <MfaSettings>",
                    doc.root_name()
                ))
                .file(&a.file)
                .at(1, 1)
                .hint("the stock file's root is <MfaSettings>; check this is the right file"),
        );
    }
    for name in KNOWN_SETTINGS {
        let all = doc.find_all(name);
        for dup in all.iter().skip(1) {
            // Each spelling with its own line: `<username>` then `<Username>`
            // is what following two of Microsoft's pages produces.
            let f = check::MFA005
                .finding(format!(
                    "<{}> on line {} repeats the setting of <{}> on line {} ({} times in all)",
                    dup.name,
                    dup.line,
                    all[0].name,
                    all[0].line,
                    all.len()
                ))
                .hint("keep one; the MIM Service may read either");
            let f = a.on(dup, f);
            a.push(f);
        }
    }
    for el in doc.elements() {
        if KNOWN_SETTINGS.iter().any(|k| name_matches(k, &el.name)) {
            let v = &el.value;
            let quoted = v.len() >= 2
                && ((v.starts_with('"') && v.ends_with('"'))
                    || (v.starts_with('\'') && v.ends_with('\'')));
            if v.trim() != v || quoted {
                let f = check::MFA009.finding(format!("<{}> has surrounding {} in its value", el.name, if quoted { "quotes" } else { "whitespace" }))
                    .hint("remove them: the MIM Service takes the value literally (a quoted CertFilePath fails with \"Illegal characters in path\")");
                let f = a.on(el, f);
                a.push(f);
            }
            continue;
        }
        let f = match near_known_name(&el.name) {
            Some(right) => check::MFA006
                .finding(format!(
                    "<{}> is not a setting the MIM Service knows; it will be ignored",
                    el.name
                ))
                .hint(format!(
                    "did you mean <{right}>? Element names are case-sensitive"
                )),
            None => check::MFA007
                .finding(format!("<{}> is not a setting mimmfa knows", el.name))
                .hint("it may be newer than mimmfa; otherwise remove it"),
        };
        let f = a.on(el, f);
        a.push(f);
    }
}

/// Mode and per-mode checks; returns the resolved certificate path, if any.
fn mode_checks(a: &mut Audit<'_>, doc: &SettingsDoc, opts: Options) -> Option<PathBuf> {
    let modes = doc.configured_modes();
    match modes.len() {
        0 => a.push(
            check::MFA010.finding("no provider is configured: no Azure MFA SDK keys, no LOCMFA, no CustomPhoneProvider")
                .file(&a.file)
                .hint("`mimmfa provider set DLL` (recommended), or `mimmfa sdk apply ZIP`, or `mimmfa restore`"),
        ),
        1 => {}
        _ => a.push(
            check::MFA011.finding(format!("more than one mode is configured: {}", modes.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", ")),
            )
            .file(&a.file)
            .hint("`mimmfa provider set DLL` clears the SDK entries and LOCMFA; `mimmfa sdk apply ZIP` clears CustomPhoneProvider"),
        ),
    }
    let mut cert = None;
    if modes.contains(&Mode::AzureMfaSdk) {
        a.push(
            check::MFA012.finding("Azure MFA SDK mode: Microsoft retired the cloud SDK (calls announced to fail after 2018-11-14)")
                .file(&a.file)
                .hint("move to a custom phone provider: `mimmfa provider set DLL`"),
        );
        cert = sdk_checks(a, doc, opts);
    }
    if modes.contains(&Mode::MfaServer) {
        a.push(
            check::MFA013.finding("MFA Server mode: Azure MFA Server stopped servicing MFA requests on 2024-09-30",
            )
            .file(&a.file)
            .hint("move to a custom phone provider: `mimmfa provider set DLL`"),
        );
    }
    shared_checks(a, doc);
    build_checks(a, doc, &modes);
    if modes.contains(&Mode::CustomProvider) {
        provider_checks(a, doc);
    }
    let sms = a.site.service_dir.join(SMS_DLL_NAME);
    if let Ok(bytes) = a.view.read(&sms, crate::formats::bounded::DLL_CAP) {
        let check = check_dll_with(
            &bytes,
            &sms.display().to_string(),
            Kind::Sms,
            Some(&binder(a.site)),
        );
        a.findings.extend(check.findings);
    }
    cert
}

fn sdk_checks(a: &mut Audit<'_>, doc: &SettingsDoc, opts: Options) -> Option<PathBuf> {
    for name in SDK_MODE_REQUIRED {
        if !doc.is_filled(name) {
            let f = check::MFA020
                .finding(format!(
                    "Azure MFA SDK mode needs {name}, and it is missing or empty"
                ))
                .hint("`mimmfa sdk apply ZIP` fills every SDK entry from the SDK zip");
            let f = a.on_setting(doc, name, f);
            a.push(f);
        }
    }
    for name in [LICENSE_KEY, GROUP_KEY, CERT_PASSWORD] {
        let v = doc.value(name);
        if !v.is_empty() && !shape_ok(name, v) {
            let f = a.on_setting(
                doc,
                name,
                check::MFA021
                    .finding(format!("{name} does not have the shape seen in real SDKs"))
                    .hint(shape_hint(name)),
            );
            a.push(f);
        }
    }
    let value = doc.value(CERT_FILE_PATH);
    if value.is_empty() {
        return None;
    }
    let el = doc.get(CERT_FILE_PATH)?;
    let path = resolve_file(a, el, value, &check::MFA022, "CertFilePath")?;
    warn_outside_service_dir(
        a,
        el,
        value,
        check::MFA027
            .finding(format!(
                "the certificate file {value} is outside the Service folder"
            ))
            .hint(format!(
                "keep it in <Service>\\{}, as Microsoft's procedure does",
                crate::site::CERT_DIR_NAME
            )),
    );
    let password = doc.value(CERT_PASSWORD);
    if !password.is_empty()
        && let Ok(bytes) = a.view.read(&path, crate::formats::bounded::P12_CAP)
    {
        let (info, found) = certificate_findings(
            &bytes,
            &Secret::new(password),
            &path.display().to_string(),
            &a.file,
            Some((el.line, el.column, &el.name)),
            opts.expiry_warning_days,
        );
        a.findings.extend(found);
        if let Some(cert) = &info {
            let what = path.display().to_string();
            let (license, group) = (doc.value(LICENSE_KEY), doc.value(GROUP_KEY));
            if let Some(f) =
                crate::checks::sdk_files::cert_keys_finding(cert, license, group, &what)
            {
                let f = a.on(el, f);
                a.push(f);
            }
        }
        a.certificate = info;
    }
    Some(path)
}

/// Place `finding` on `el` when the path `value` is outside the Service
/// folder (MFA027 for the certificate, MFA043 for the provider DLL). The
/// value is judged without the quotes or blanks MFA009 reports already.
fn warn_outside_service_dir(a: &mut Audit<'_>, el: &Element, value: &str, finding: Finding) {
    if !a.site.mapper.is_in_service_dir(unquoted(value)) {
        let f = a.on(el, finding);
        a.push(f);
    }
}

/// A path value without the surrounding blanks and quotes of MFA009.
fn unquoted(value: &str) -> &str {
    value.trim().trim_matches(['"', '\''])
}

/// An absolute Windows path naming an existing file (after path mapping).
fn resolve_file(
    a: &mut Audit<'_>,
    el: &Element,
    value: &str,
    code: &'static Check,
    what: &str,
) -> Option<PathBuf> {
    let v = unquoted(value);
    if !is_absolute_windows(v) {
        let f = a.on(el, code.finding(format!("{what} \"{value}\" is not an absolute Windows path")).hint("write the full path, e.g. C:\\Program Files\\Microsoft Forefront Identity Manager\\2010\\Service\\..."));
        a.push(f);
        return None;
    }
    match a.site.mapper.resolve(v) {
        Some(p) if a.view.is_file(&p) => Some(p),
        Some(p) => {
            // The classic non-stock install: the file is in the Service
            // folder, the path names another folder (the stock one).
            let name = v.rsplit(['\\', '/']).next().unwrap_or(v);
            let beside = [
                a.site.mapper.stock_equivalent(v),
                Some(a.site.service_dir.join(name)),
            ]
            .into_iter()
            .flatten()
            .find(|b| a.view.is_file(b) && *b != p);
            let (more, hint) = if let Some(beside) = beside {
                let fix = if *code == check::MFA040 {
                    "`mimmfa provider set DLL` rewrites the path"
                } else {
                    "`mimmfa sdk apply ZIP` rewrites the path"
                };
                (
                    format!(
                        "; a file of that name is in the Service folder: {}",
                        beside.display()
                    ),
                    format!(
                        "the MIM Service opens the path literally: write {} instead ({fix})",
                        a.site
                            .mapper
                            .to_windows(&beside)
                            .unwrap_or_else(|| beside.display().to_string())
                    ),
                )
            } else {
                (
                    String::new(),
                    "copy the file there, or correct the path".to_string(),
                )
            };
            let f = a.on(
                el,
                code.finding(format!(
                    "{what} names {value}, and there is no such file (looked at {}){more}",
                    p.display()
                ))
                .hint(hint),
            );
            a.push(f);
            None
        }
        None if a.site.mapper.names_other_stock_folder(v) => {
            // The stock path on a server whose MIM is elsewhere: the
            // service opens it literally and finds nothing there.
            let server = a.site.mapper.windows_service_dir();
            let beside = a.site.mapper.stock_equivalent(v).filter(|b| b.is_file());
            let hint = match beside.as_ref().and_then(|b| a.site.mapper.to_windows(b)) {
                Some(right) => format!("the MIM Service opens the path literally: write {right} instead"),
                None => "copy the file into the Service folder and write its path there, or correct the path".to_string(),
            };
            let f = a.on(
                el,
                code.finding(format!("{what} names {value}, under the stock Service folder, but this server's Service folder is {server} (--windows-service-dir): the MIM Service will not find it there"))
                    .hint(hint),
            );
            a.push(f);
            None
        }
        None => {
            let f = a.on(
                el,
                code.finding(format!("{what} {value} cannot be found from this machine"))
                    .hint("on another machine, map the folder with --path-map FROM=TO"),
            );
            a.push(f);
            None
        }
    }
}

/// The MIM Service executable, whose file version is the MIM build.
pub const MIM_SERVICE_EXE: &str = "Microsoft.ResourceManagement.Service.exe";
/// The hotfix that brought the custom phone provider and MFA Server
/// support (2018-08-30); Microsoft's custom-provider procedure names it.
const PROVIDER_BUILD: FileVersion = FileVersion([4, 5, 202, 0]);
/// Before this build DefaultCountryCode is ignored for msidmPhoneGatePhoneNumber.
const COUNTRY_CODE_BUILD: FileVersion = FileVersion([4, 4, 1749, 0]);

/// The MIM build of a Service folder: the file version of its service
/// executable; `None` when it is absent (an audit of a partial copy) or has
/// no version resource.
pub fn mim_build(service_dir: &Path) -> Option<FileVersion> {
    let exe = service_dir.join(MIM_SERVICE_EXE);
    let bytes = crate::formats::bounded::read_file(&exe, crate::formats::bounded::DLL_CAP).ok()?;
    crate::formats::pe_version::file_version(&bytes)
}

fn build_checks(a: &mut Audit<'_>, doc: &SettingsDoc, modes: &[Mode]) {
    let Some(build) = a.mim_build else {
        return;
    };
    for (mode, name) in [
        (Mode::CustomProvider, CUSTOM_PHONE_PROVIDER),
        (Mode::MfaServer, LOCMFA),
    ] {
        if modes.contains(&mode) && build < PROVIDER_BUILD {
            let f = check::MFA014.finding(format!("{} mode needs MIM build {PROVIDER_BUILD} or later; {MIM_SERVICE_EXE} is {build}", mode.as_str()),
            )
            .hint(format!("install MIM 2016 SP1 hotfix {PROVIDER_BUILD} (2018-08-30) or later before restarting the MIM Service"));
            let f = a.on_setting(doc, name, f);
            a.push(f);
        }
    }
    if doc.is_filled(DEFAULT_COUNTRY_CODE) && build < COUNTRY_CODE_BUILD {
        let f = check::MFA015.finding(format!("DefaultCountryCode is ignored for msidmPhoneGatePhoneNumber before MIM build {COUNTRY_CODE_BUILD}; {MIM_SERVICE_EXE} is {build}"),
        )
        .hint(format!("store phone numbers with their country code, or install MIM build {COUNTRY_CODE_BUILD} or later"));
        let f = a.on_setting(doc, DEFAULT_COUNTRY_CODE, f);
        a.push(f);
    }
}

fn shared_checks(a: &mut Audit<'_>, doc: &SettingsDoc) {
    let cc = doc.value(DEFAULT_COUNTRY_CODE);
    if !cc.is_empty()
        && let Some(problem) = country_code_problem(cc.trim())
    {
        let f = a.on_setting(doc, DEFAULT_COUNTRY_CODE, check::MFA030.finding(format!("DefaultCountryCode {problem}")).hint("the calling code used for numbers stored without one: digits only, e.g. 1 (US/Canada), 44 (UK)"));
        a.push(f);
    }
    let loc = doc.value(LOCMFA).trim();
    if !loc.is_empty() && !loc.eq_ignore_ascii_case("true") && !loc.eq_ignore_ascii_case("false") {
        let f = a.on_setting(
            doc,
            LOCMFA,
            check::MFA031
                .finding(format!("LOCMFA is \"{loc}\"; it must be true or false"))
                .hint("write true or false"),
        );
        a.push(f);
    }
    if loc.eq_ignore_ascii_case("true") {
        let url = doc.value(LOCMFASRV).trim();
        let problem = if url.is_empty() {
            Some("LOCMFA is true but LOCMFASRV is missing or empty".to_string())
        } else if !url.to_ascii_lowercase().starts_with("https://")
            || url.len() <= "https://".len()
            || url.contains(' ')
        {
            Some(format!("LOCMFASRV \"{url}\" is not an https URL"))
        } else {
            None
        };
        if let Some(p) = problem {
            let f = a.on_setting(
                doc,
                LOCMFASRV,
                check::MFA031.finding(p).hint(
                    "e.g. https://mfa.contoso.com:9999/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx",
                ),
            );
            a.push(f);
        }
        if a.view.is_file(&a.site.service_dir.join(SMS_DLL_NAME)) {
            let f = a.on_setting(doc, LOCMFA, check::MFA032.finding("LOCMFA is true and SmsServiceProvider.dll is present: with the local MFA Server the SSPR one-time-password SMS gate fails (\"Local MFA server is supported only for STANDART mode\")")
                .hint("move to a custom phone provider, or do not offer the SMS gate"));
            a.push(f);
        }
    }
}

fn provider_checks(a: &mut Audit<'_>, doc: &SettingsDoc) {
    let value = doc.value(CUSTOM_PHONE_PROVIDER);
    let Some(el) = doc.get(CUSTOM_PHONE_PROVIDER) else {
        return;
    };
    let Some(path) = resolve_file(a, el, value, &check::MFA040, "CustomPhoneProvider") else {
        return;
    };
    warn_outside_service_dir(
        a,
        el,
        value,
        check::MFA043
            .finding(format!(
                "the provider DLL {value} is not in the Service folder"
            ))
            .hint("copy it into the Service folder (`mimmfa provider set DLL` does)"),
    );
    if let Ok(bytes) = a.view.read(&path, crate::formats::bounded::DLL_CAP) {
        let check = check_dll_with(
            &bytes,
            &path.display().to_string(),
            Kind::Phone,
            Some(&binder(a.site)),
        );
        let placed: Vec<Finding> = check
            .findings
            .iter()
            .cloned()
            .map(|f| a.on(el, f))
            .collect();
        a.findings.extend(placed);
        a.provider = Some(ProviderSeen {
            sha256: sha256_hex(&bytes),
            file: path,
            check,
        });
    }
}

fn security_and_backups(
    a: &mut Audit<'_>,
    current: Option<&[u8]>,
    cert: Option<&Path>,
    opts: Options,
) {
    let site = a.site;
    if let Some(who) = readable_by_others(&site.settings) {
        a.push(
            check::MFA050
                .finding(format!(
                    "the settings file is readable by {who}; it holds the SDK keys"
                ))
                .file(&a.file)
                .hint(fix_hint(&site.settings, Reader::MimService)),
        );
    }
    if let Some(cert) = cert
        && let Some(who) = readable_by_others(cert)
    {
        a.push(
            check::MFA051
                .finding(format!(
                    "the certificate file {} is readable by {who}",
                    cert.display()
                ))
                .file(cert.display().to_string())
                .hint(fix_hint(cert, Reader::MimService)),
        );
    }
    let store = site.backups();
    let index = match store.load() {
        Ok(index) => index,
        Err(e) => {
            a.push(
                check::MFA062.finding(format!("{e:#}"))
                    .file(store.dir().join(crate::store::snapshots::INDEX_FILE).display().to_string())
                    .hint("`mimmfa backup repair` (until then no command can snapshot, so none will change anything)"),
            );
            Default::default()
        }
    };
    // Every stored file once (snapshots share them): private, and intact.
    // Hashing the whole store on every run would grow with its history.
    let own = store.own(&index);
    let checked: Vec<&crate::store::snapshots::BackupEntry> = if opts.deep {
        index.newest_first().collect()
    } else {
        own.iter().take(VERIFIED_SNAPSHOTS).copied().collect()
    };
    let restores = crate::store::snapshots::latest_of(&own);
    let way_back_files: std::collections::HashSet<&str> = restores
        .iter()
        .flat_map(|b| {
            std::iter::once(b.file.as_str()).chain(b.side_files.iter().map(|f| f.file.as_str()))
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    for b in checked {
        let files = std::iter::once((&b.file, &b.sha256))
            .chain(b.side_files.iter().map(|f| (&f.file, &f.sha256)));
        for (file, sha) in files {
            if !seen.insert(file.as_str()) {
                continue;
            }
            let path = store.dir().join(file);
            if let Some(who) = readable_by_others(&path) {
                a.push(
                    check::MFA051
                        .finding(format!("backup {} is readable by {who}", path.display()))
                        .file(path.display().to_string())
                        .hint(fix_hint(&path, Reader::AdminsOnly)),
                );
            }
            if !store.verifies(file, sha) {
                // An error only when it is the way back (the snapshot
                // `restore latest` uses); an older snapshot's is a warning.
                let finding = match &restores {
                    Some(latest) if way_back_files.contains(file.as_str()) => check::MFA061
                        .finding(format!("backup {} (the one `restore latest` uses): {} is missing or does not match its recorded sha256 (changed or damaged)", latest.id, file)),
                    _ => check::MFA063.finding(format!("backup {}: {} is missing or does not match its recorded sha256 (changed or damaged)", b.id, file)),
                };
                a.push(finding
                    .file(path.display().to_string())
                    .hint("do not restore it; `mimmfa backup repair` quarantines the file and says which backups lose what"));
            }
        }
    }
    // Where each of those snapshots would put its side files: only where
    // its own settings say (store::side_targets), else MFA062.
    let reached: Vec<_> = if opts.deep {
        own.clone()
    } else {
        own.iter().take(VERIFIED_SNAPSHOTS).copied().collect()
    };
    for b in reached.into_iter().filter(|b| !b.side_files.is_empty()) {
        let Ok(settings) = store.read_verified(b) else {
            continue; // MFA061 above
        };
        for (_, target) in crate::store::side_targets::targets(a.site, b, &settings) {
            if let Err(r) = target {
                a.push(
                    check::MFA062
                        .finding(r.to_string())
                        .file(store.dir().join(crate::store::snapshots::INDEX_FILE).display().to_string())
                        .hint("`mimmfa backup repair` (drops what cannot be trusted); `mimmfa restore` of that backup refuses until then"),
                );
            }
        }
    }
    for dir in [&site.service_dir, &site.backup_dir] {
        for zip in sdk_zips_in(dir) {
            a.push(
                check::MFA052
                    .finding(format!(
                        "{} is an Azure MFA SDK zip (it holds keying material)",
                        zip.display()
                    ))
                    .file(zip.display().to_string())
                    .hint("move it off the server, or delete it once applied"),
            );
        }
    }
    // MFA060 means "no way back": no snapshot of this settings file, or it
    // was changed outside mimmfa since the newest one (mimmfa records what
    // it wrote after each snapshot).
    // A plan snapshots the state before and records what it writes.
    if let Some(bytes) = current.filter(|_| !a.view.snapshot_planned) {
        let finding = match way_back(&own, &sha256_hex(bytes)) {
            WayBack::NoSnapshot => Some(
                check::MFA060.finding("no backup of this settings file yet: no way back from a change")
                    .hint("`mimmfa backup`"),
            ),
            WayBack::ChangedSince(id) => Some(
                check::MFA060.finding(format!("the settings file was changed outside mimmfa since the newest backup ({id}); no backup holds it"),
                )
                .hint("`mimmfa backup` (`mimmfa diff` shows what changed)"),
            ),
            WayBack::Held(_) | WayBack::WrittenAfter(_) => None,
        };
        if let Some(f) = finding {
            let f = f.file(&a.file);
            a.push(f);
        }
    }
}

/// Where the folder's provider DLLs bind their references.
fn binder(site: &Site) -> crate::checks::clr_binding::Binder {
    crate::checks::clr_binding::Binder::new(&site.service_dir, site.gac.clone())
}

/// Zips in `dir` (not below it) holding `pf/certs/cert_key.p12`.
fn sdk_zips_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("zip")) && p.is_file())
        .filter(|p| {
            let Ok(file) = crate::formats::bounded::open_regular(p) else {
                return false;
            };
            let Ok(mut z) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
                return false;
            };
            (0..z.len()).any(|i| {
                z.by_index_raw(i).is_ok_and(|e| {
                    crate::formats::sdk_zip::normalize(&String::from_utf8_lossy(e.name_raw()))
                        .ends_with("pf/certs/cert_key.p12")
                })
            })
        })
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes() {
        assert_eq!(country_code_problem("1"), None);
        assert_eq!(country_code_problem("353"), None);
        assert!(country_code_problem("+1").is_some());
        assert!(country_code_problem("1234").is_some());
        assert!(country_code_problem("").is_some());
        assert!(
            country_code_problem("999")
                .unwrap()
                .contains("not an assigned")
        );
        assert!(country_code_problem("0").is_some());
        for zero in ["001", "044", "01", "00"] {
            assert!(
                country_code_problem(zero)
                    .unwrap()
                    .contains("starts with 0"),
                "{zero}"
            );
        }
    }

    #[test]
    fn near_names() {
        assert_eq!(near_known_name("CertFilepath"), Some("CertFilePath"));
        assert_eq!(near_known_name("License_Key"), Some("LICENSE_KEY"));
        assert_eq!(near_known_name("LICENCE_KEY"), Some("LICENSE_KEY"));
        assert_eq!(
            near_known_name("CustomPhoneProvidr"),
            Some("CustomPhoneProvider")
        );
        assert_eq!(near_known_name("USERNAME"), Some("Username"));
        assert_eq!(near_known_name("SomethingNew"), None);
    }
}
