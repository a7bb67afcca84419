//! `sdk inspect ZIP` and `sdk apply ZIP`.

use super::Committed;
use crate::checks::audit::country_code_problem;
use crate::checks::finding::{Finding, tally};
use crate::checks::sdk_files::{EXPIRY_WARNING_DAYS, Examination, examine};
use crate::cli::ChangeArgs;
use crate::context::Ctx;
use crate::error::{exit, refused, usage};
use crate::formats::pf_auth::SdkKeys;
use crate::formats::pkcs12::CertInfo;
use crate::formats::secret::Secret;
use crate::formats::settings_xml::*;
use crate::output::prompt;
use crate::output::{Body, Part, Report, Ui};
use crate::store::change;
use crate::store::plan::{Request, SideFile};
use crate::store::snapshots::Role;
use anyhow::Result;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;
use std::path::Path;

/// Used when the file has no Username, none is given and no one can be
/// asked: the SDK accepts "any username" (Microsoft's docs).
pub const DEFAULT_USERNAME: &str = "MIMService";

/// What the zip holds: `"sdk"` and `"certificate"` in JSON, a table for a
/// person. Secrets are masked unless `--show-secrets`.
#[derive(Serialize)]
struct Inspected<'a> {
    sdk: Sdk<'a>,
    certificate: &'a Option<CertInfo>,
    /// What its checks found.
    #[serde(skip)]
    findings: &'a [Finding],
    /// `sdk inspect`'s answer: can MIM use the zip?
    #[serde(skip)]
    judged: bool,
}

/// `sdk apply`: its keys are the pipeline's.
#[derive(Serialize)]
struct Applied<'a> {
    #[serde(skip)]
    committed: &'a Committed,
}

impl Body for Applied<'_> {
    fn message(&self) -> String {
        super::done(
            "Azure MFA SDK settings written",
            "to use them",
            self.committed,
        )
    }
}

#[derive(Serialize)]
struct Sdk<'a> {
    zip: String,
    language: &'static str,
    pf_auth_entry: &'a str,
    cert_entry: &'a str,
    license_key: Option<String>,
    group_key: Option<String>,
    cert_password: Option<String>,
}

impl Body for Inspected<'_> {
    fn human(&self, _: &Ui) -> String {
        let sdk = &self.sdk;
        let mut table = Table::new();
        table.load_style(UTF8_FULL_CONDENSED);
        table.add_row(["zip", &sdk.zip]);
        table.add_row(["pf_auth.cs", sdk.pf_auth_entry]);
        table.add_row(["certificate", sdk.cert_entry]);
        for (name, value) in [
            ("LICENSE_KEY", &sdk.license_key),
            ("GROUP_KEY", &sdk.group_key),
            ("CERT_PASSWORD", &sdk.cert_password),
        ] {
            if let Some(v) = value {
                table.add_row([name, v]);
            }
        }
        if let Some(c) = self.certificate {
            table.add_row(["subject", &c.subject]);
            table.add_row(["issuer", &c.issuer]);
            table.add_row(["valid", &format!("{} .. {}", c.not_before, c.not_after)]);
            table.add_row(["private key", if c.has_private_key { "yes" } else { "NO" }]);
            table.add_row(["encryption", &c.encryption]);
        }
        format!("{table}\n")
    }

    /// The zip's table, then what its checks found.
    fn parts(&self, ui: &Ui) -> Vec<Part> {
        vec![
            Part::Text(self.human(ui)),
            Part::Findings {
                findings: self.findings.to_vec(),
                detail: false,
            },
        ]
    }

    fn message(&self) -> String {
        if !self.judged {
            return String::new();
        }
        match tally(self.findings) {
            (0, warnings) => format!(
                "the SDK zip is usable by MIM ({warnings} warning(s)); Microsoft retired the Azure MFA SDK in 2018: plan a move to a custom phone provider"
            ),
            (errors, warnings) => {
                format!("MIM cannot use this SDK zip: {errors} error(s), {warnings} warning(s)")
            }
        }
    }
}

/// The zip as a person reads it; `inspect` also says whether MIM can use it.
fn describe(ui: &Ui, report: &mut Report, zip: &Path, ex: &Examination, inspect: bool) {
    let shown = |s: &Secret| s.shown(ui.show_secrets);
    let keys = ex.keys.as_ref();
    let inspected = Inspected {
        sdk: Sdk {
            zip: zip.display().to_string(),
            language: "C#",
            pf_auth_entry: &ex.files.pf_auth_entry,
            cert_entry: &ex.files.cert_entry,
            license_key: keys.map(|k| shown(&k.license_key)),
            group_key: keys.map(|k| shown(&k.group_key)),
            cert_password: keys.map(|k| shown(&k.cert_password)),
        },
        certificate: &ex.certificate,
        findings: &ex.findings,
        judged: inspect,
    };
    report.body(ui, &inspected);
}

pub fn inspect(ctx: &Ctx, zip: &Path) -> Result<Report> {
    let mut report = ctx.report();
    let ex = examine(zip, i64::from(EXPIRY_WARNING_DAYS)).map_err(|e| refused(e.to_string()))?;
    describe(&ctx.ui, &mut report, zip, &ex, true);
    if tally(&ex.findings).0 > 0 {
        report.exit = exit::FINDINGS;
    }
    report.findings = ex.findings;
    Ok(report)
}

pub struct ApplyArgs<'a> {
    pub zip: &'a Path,
    pub username: Option<&'a str>,
    pub country_code: Option<&'a str>,
    pub cert_dir: Option<&'a Path>,
    pub change: ChangeArgs,
}

pub fn apply(ctx: &Ctx, args: ApplyArgs<'_>) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = ctx.report();
    if let Some(cc) = args.country_code
        && let Some(problem) = country_code_problem(cc)
    {
        return Err(usage(format!("--country-code {cc}: {problem}")));
    }
    let dry_run = args.change.dry_run;
    let _lock = super::begin(&site, dry_run, &mut report)?;
    let ex =
        examine(args.zip, i64::from(EXPIRY_WARNING_DAYS)).map_err(|e| refused(e.to_string()))?;
    describe(&ctx.ui, &mut report, args.zip, &ex, false);
    let (errors, _) = tally(&ex.findings);
    report.findings = ex.findings.clone();
    let Some(keys) = ex.keys.as_ref().filter(|_| errors == 0) else {
        report.refuse(format!(
            "{} has problems (see above); nothing was changed",
            args.zip.display()
        ));
        return Ok(report);
    };

    let cert_dir = args
        .cert_dir
        .map(Path::to_path_buf)
        .unwrap_or_else(|| site.cert_dir());
    let before = site.read_settings()?;
    let preferred = std::path::absolute(cert_dir.join("cert_key.p12"))?;
    // The certificate the settings use already, if it holds these bytes;
    // else a name the current settings do not use (change::place).
    let cert_path = change::place(
        &site,
        &before,
        Role::Certificate,
        preferred,
        &ex.files.cert,
        args.cert_dir.is_none(),
    );
    let cert_windows = site.mapper.to_windows(&cert_path).ok_or_else(|| {
            refused(format!(
                "--cert-dir {} is outside the service folder; off the server mimmfa cannot know its Windows path (map it with --path-map WINDOWS_FOLDER={})",
                cert_dir.display(),
                cert_dir.display()
            ))
        })?;
    super::say_windows_path(&ctx.ui, &mut report, CERT_FILE_PATH, &cert_windows);

    let doc = site.parse(&before)?;
    let username = pick_username(ctx, &doc, args.username, &mut report);
    let country = pick_country_code(ctx, &doc, args.country_code, &mut report)?;
    let after = write_keys(&doc, keys, &cert_windows, &username, &country, &mut report)?;
    let side = SideFile {
        target: cert_path,
        bytes: ex.files.cert.clone(),
        role: Role::Certificate,
        origin: format!(
            "the certificate of {} ({}), which opens with its CERT_PASSWORD",
            args.zip.display(),
            ex.files.cert_entry
        ),
    };
    let request = Request {
        before: before.clone(),
        after,
        side_files: vec![side],
        reason: "before sdk apply".into(),
        before_restore: false,
        force: args.change.force,
    };
    let committed = super::commit(&site, &ctx.ui, &mut report, request, dry_run)?;
    super::warn_if_guessed(
        &site,
        &mut report,
        &committed,
        &before,
        CERT_FILE_PATH,
        &cert_windows,
    );
    report.body(
        &ctx.ui,
        &Applied {
            committed: &committed,
        },
    );
    Ok(report)
}

fn write_keys(
    doc: &SettingsDoc,
    keys: &SdkKeys,
    cert_windows: &str,
    username: &str,
    country: &str,
    report: &mut Report,
) -> Result<Vec<u8>> {
    let mut edit = doc.edit();
    edit.set(LICENSE_KEY, keys.license_key.expose())?
        .set(GROUP_KEY, keys.group_key.expose())?
        .set(CERT_PASSWORD, keys.cert_password.expose())?
        .set(CERT_FILE_PATH, cert_windows)?
        .set(USERNAME, username)?
        .set(DEFAULT_COUNTRY_CODE, country)?;
    if doc.is_filled(CUSTOM_PHONE_PROVIDER) {
        edit.clear(CUSTOM_PHONE_PROVIDER)?;
        report.warn(format!(
            "emptied CustomPhoneProvider (was {})",
            doc.value(CUSTOM_PHONE_PROVIDER)
        ));
    }
    if doc.get(LOCMFA).is_some() && doc.value(LOCMFA) != "false" {
        edit.set(LOCMFA, "false")?;
        report.warn("set LOCMFA to false (the local MFA Server is off)");
    }
    Ok(edit.finish()?)
}

fn pick_username(ctx: &Ctx, doc: &SettingsDoc, flag: Option<&str>, report: &mut Report) -> String {
    let existing = doc.value(USERNAME).trim();
    // A flag is an order: it replaces the file's value (the diff shows it).
    if let Some(f) = flag {
        if !existing.is_empty() && f != existing {
            report.warn(format!(
                "--username replaces the existing Username \"{existing}\""
            ));
        }
        return f.to_string();
    }
    if !existing.is_empty() {
        return existing.to_string();
    }
    prompt::ask(&ctx.ui, "Username for the Azure MFA SDK (any name; e.g. the MIM service account)", |s| {
        if s.is_empty() { Err("a username is needed".into()) } else { Ok(()) }
    })
    .unwrap_or_else(|| {
        report.warn(format!("no Username in the file and none given: using \"{DEFAULT_USERNAME}\" (pass --username to choose)"));
        DEFAULT_USERNAME.to_string()
    })
}

fn pick_country_code(
    ctx: &Ctx,
    doc: &SettingsDoc,
    flag: Option<&str>,
    report: &mut Report,
) -> Result<String> {
    let existing = doc.value(DEFAULT_COUNTRY_CODE).trim();
    if let Some(f) = flag {
        if !existing.is_empty() && f != existing {
            report.warn(format!(
                "--country-code replaces the existing DefaultCountryCode {existing}"
            ));
        }
        return Ok(f.to_string());
    }
    if !existing.is_empty() {
        return Ok(existing.to_string());
    }
    prompt::ask(
        &ctx.ui,
        "DefaultCountryCode (calling code for numbers stored without one, e.g. 1)",
        |s| country_code_problem(s).map_or(Ok(()), Err),
    )
    .ok_or_else(|| {
        usage("the file has no DefaultCountryCode: pass --country-code N (e.g. --country-code 1)")
    })
}
