//! A changing command's whole plan, made before anything is touched
//! (docs/design.md, "Plan, judge, then act"): every file it will store,
//! place, write or retire, each with why and the evidence that makes it
//! safe. The plan is checked against the invariants below, judged by an
//! audit of the state it leaves (commands::commit), shown by `--dry-run`,
//! and executed exactly as it stands (change::execute).

use crate::error::refused;
use crate::formats::secret::sha256_hex;
use crate::formats::settings_xml::{CERT_FILE_PATH, CUSTOM_PHONE_PROVIDER};
use crate::formats::{bounded, pkcs12};
use crate::site::Site;
use crate::store::change::{
    capture, check_replaceable, inside, pointers, read_side, resolved, same_file,
};
use crate::store::journal;
use crate::store::safe_write::lock_path;
use crate::store::snapshots::{Role, State};
use anyhow::Result;
use serde::Serialize;
use std::fs;
use std::path::{Path, PathBuf};

/// `path` made absolute with `.` and `..` folded as text (what the path
/// says, before any link is followed).
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// What a command asks for: the settings as they are and as they should
/// be, and the files besides them to put in place.
pub struct Request {
    pub before: Vec<u8>,
    pub after: Vec<u8>,
    pub side_files: Vec<SideFile>,
    /// Recorded with the snapshot, e.g. `before sdk apply`.
    pub reason: String,
    /// A restore: its snapshot is the state it undid (`latest` skips it).
    pub before_restore: bool,
    /// `--force`: replace read-only files, accept new errors.
    pub force: bool,
}

/// A file besides the settings that the change writes (a certificate, a DLL).
pub struct SideFile {
    pub target: PathBuf,
    pub bytes: Vec<u8>,
    pub role: Role,
    /// Where the bytes come from, for the plan's `why`.
    pub origin: String,
}

/// One file operation. `path`s are absolute, as on this machine.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// Store the state before (the settings and the files named) and add
    /// an index entry: the way back.
    Snapshot { into: String, holds: Vec<String> },
    /// Write a file besides the settings where the settings in force do
    /// not name it.
    Place {
        path: String,
        role: Role,
        sha256: String,
        size: u64,
        /// The bytes there now (kept in the snapshot), if any.
        replaces: Option<String>,
    },
    /// Replace the settings file: a commit point.
    WriteSettings {
        path: String,
        sha256: String,
        size: u64,
        replaces: Option<String>,
    },
    /// Remove a file the new settings no longer name; the snapshot has it.
    Retire {
        path: String,
        role: Role,
        sha256: String,
    },
}

/// An operation with its reason and its evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    #[serde(flatten)]
    pub op: Op,
    pub why: String,
    pub evidence: String,
    #[serde(skip)]
    pub target: PathBuf,
    /// What a Place or WriteSettings writes.
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

pub struct Plan {
    pub steps: Vec<Step>,
    pub before: Vec<u8>,
    pub after: Vec<u8>,
    /// The settings or a side file differ from what is there.
    pub changed: bool,
    pub force: bool,
    pub reason: String,
    pub before_restore: bool,
    /// The state the snapshot step stores (read when the plan was made).
    pub state: Option<State>,
    /// What the planner chose not to do, and why.
    pub notes: Vec<String>,
}

impl Plan {
    /// The files as the executed plan leaves them, for the judging audit:
    /// path → bytes, or `None` for a file it removes.
    pub fn planned_files(&self) -> Vec<(PathBuf, Option<Vec<u8>>)> {
        self.steps
            .iter()
            .filter_map(|s| match s.op {
                Op::Place { .. } | Op::WriteSettings { .. } => {
                    Some((s.target.clone(), Some(s.bytes.clone())))
                }
                Op::Retire { .. } => Some((s.target.clone(), None)),
                Op::Snapshot { .. } => None,
            })
            .collect()
    }

    pub fn snapshots(&self) -> bool {
        self.steps
            .iter()
            .any(|s| matches!(s.op, Op::Snapshot { .. }))
    }

    /// The files it writes (places and the settings), in order.
    pub fn writes(&self) -> Vec<String> {
        self.steps
            .iter()
            .filter_map(|s| match &s.op {
                Op::Place { path, .. } | Op::WriteSettings { path, .. } => Some(path.clone()),
                _ => None,
            })
            .collect()
    }
}

fn show(p: &Path) -> String {
    std::path::absolute(p)
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}

fn short(sha: &str) -> String {
    format!("sha256:{}", &sha[..16.min(sha.len())])
}

/// The settings element that names a file of `role`.
fn element_of(role: Role) -> Option<&'static str> {
    match role {
        Role::Certificate => Some(CERT_FILE_PATH),
        Role::Provider => Some(CUSTOM_PHONE_PROVIDER),
        Role::Replaced | Role::Sms | Role::Unknown => None,
    }
}

/// Make the whole plan for `req`. Reads what is there (the evidence) and
/// writes nothing. In order: the snapshot, the copies moved aside, the
/// files placed, the settings (the commit point), the files retired.
pub fn build(site: &Site, req: Request) -> Result<Plan> {
    let mut plan = Plan {
        steps: Vec::new(),
        before: req.before,
        after: req.after,
        changed: false,
        force: req.force,
        reason: req.reason,
        before_restore: req.before_restore,
        state: None,
        notes: Vec::new(),
    };
    let places = differing(req.side_files)?;
    let settings_change = plan.before != plan.after;
    plan.changed = settings_change || !places.is_empty();
    if !plan.changed {
        return Ok(plan);
    }
    let named_before = pointers(site, &plan.before);
    let (aside, intermediate) = move_aside(site, &plan.before, &places, &named_before)?;
    snapshot_step(site, &mut plan, &places);
    let aside_paths: Vec<PathBuf> = aside.iter().map(|s| s.target.clone()).collect();
    plan.steps.extend(aside);
    write_steps(site, &mut plan, intermediate, places, settings_change);
    retire_steps(site, &mut plan, &named_before, &aside_paths);
    Ok(plan)
}

/// A side file to place, with the bytes there now (none: a new file).
type Place = (SideFile, Option<Vec<u8>>);

/// Each side file that differs from what is there, with what is there.
fn differing(side_files: Vec<SideFile>) -> Result<Vec<Place>> {
    let mut places = Vec::new();
    for f in side_files {
        let old = read_side(&f.target, f.role)?;
        if old.as_deref() != Some(f.bytes.as_slice()) {
            places.push((f, old));
        }
    }
    Ok(places)
}

/// A file the current settings name is never overwritten while they are
/// in force: its bytes first go to a free name beside it, and settings
/// naming that copy are written (a consistent state of their own); then
/// the file is free to take the new bytes. Returns the copies' steps and
/// those intermediate settings.
fn move_aside(
    site: &Site,
    before: &[u8],
    places: &[Place],
    named_before: &[(Role, PathBuf)],
) -> Result<(Vec<Step>, Option<Vec<u8>>)> {
    let mut aside: Vec<Step> = Vec::new();
    let mut intermediate: Option<Vec<u8>> = None;
    for (f, old) in places {
        let Some(old) = old else { continue };
        let Some((role, _)) = named_before.iter().find(|(_, p)| same_file(p, &f.target)) else {
            continue;
        };
        let Some(element) = element_of(*role) else {
            continue;
        };
        let copy = free_name(&f.target, old);
        let windows = site.mapper.to_windows(&copy).ok_or_else(|| {
            refused(format!(
                "{} is in use by the current settings and holds other bytes; mimmfa cannot move it aside safely \
                 because it cannot tell the Windows path of {} (map it with --path-map); nothing was changed",
                f.target.display(),
                copy.display()
            ))
        })?;
        let base = intermediate.as_deref().unwrap_or(before);
        let doc = site
            .settings_doc(base)
            .map_err(|e| refused(format!("{}: {}", site.settings_display(), e.message)))?;
        let mut edit = doc.edit();
        edit.set(element, &windows)?;
        intermediate = Some(site.finish(edit)?);
        let sha = sha256_hex(old);
        aside.push(Step {
            op: Op::Place {
                path: show(&copy),
                role: *role,
                sha256: sha.clone(),
                size: old.len() as u64,
                replaces: None,
            },
            why: format!(
                "{} is in use and must take other bytes: its current bytes move aside first",
                f.target.display()
            ),
            evidence: format!("a copy of the file {element} names now ({})", short(&sha)),
            target: copy,
            bytes: old.clone(),
        });
    }

    Ok((aside, intermediate))
}

/// The snapshot: the settings as they are, what they name, and every
/// existing file the plan overwrites.
fn snapshot_step(site: &Site, plan: &mut Plan, places: &[Place]) {
    let replaced: Vec<(Role, PathBuf)> = places
        .iter()
        .filter(|(_, old)| old.is_some())
        .map(|(f, _)| (Role::Replaced, f.target.clone()))
        .collect();
    let mut warnings = Vec::new();
    let state = capture(site, &plan.before, &replaced, &mut warnings);
    plan.notes.extend(warnings);
    // No settings file (a restore of a deleted one) and nothing else to
    // keep: a snapshot of nothing would restore an empty file.
    if site.settings.exists() || !state.files.is_empty() {
        plan.steps
            .push(snapshot_of(site, &state, plan.reason.clone()));
        plan.state = Some(state);
    }
}

/// The step that stores `state` (the settings and the files they name)
/// into the site's backup folder (`backup` plans it alone).
pub fn snapshot_of(site: &Site, state: &State, why: String) -> Step {
    let mut holds = vec![site.settings_display()];
    holds.extend(state.files.iter().map(|f| show(&f.path)));
    Step {
        op: Op::Snapshot {
            into: show(site.backups().dir()),
            holds,
        },
        why,
        evidence: "the bytes read now; the store keeps each file once, by its sha256".into(),
        target: site.backups().dir().to_path_buf(),
        bytes: Vec::new(),
    }
}

/// The intermediate settings (if files move aside), each file placed, then
/// the settings themselves: the one commit point. Each write names the
/// bytes it replaces, checked right before its rename.
fn write_steps(
    site: &Site,
    plan: &mut Plan,
    intermediate: Option<Vec<u8>>,
    places: Vec<Place>,
    settings_change: bool,
) {
    let settings_sha = site.settings.exists().then(|| sha256_hex(&plan.before));
    let mut in_force = settings_sha.clone();
    if let Some(mid) = &intermediate {
        let sha = sha256_hex(mid);
        plan.steps.push(Step {
            op: Op::WriteSettings {
                path: show(&site.settings),
                sha256: sha.clone(),
                size: mid.len() as u64,
                replaces: in_force.clone(),
            },
            why: "point the current settings at the copies, so the files they name now can change"
                .into(),
            evidence: "the current settings with only the path changed; re-parsed after the edit"
                .into(),
            target: site.settings.clone(),
            bytes: mid.clone(),
        });
        in_force = Some(sha);
    }
    for (f, old) in places {
        let sha = sha256_hex(&f.bytes);
        plan.steps.push(Step {
            op: Op::Place {
                path: show(&f.target),
                role: f.role,
                sha256: sha.clone(),
                size: f.bytes.len() as u64,
                replaces: old.as_deref().map(sha256_hex),
            },
            why: f.origin.clone(),
            evidence: match &old {
                Some(_) => format!(
                    "{}; the file there is not named by the settings in force, and the snapshot keeps it",
                    short(&sha)
                ),
                None => format!("{}; a new file", short(&sha)),
            },
            target: f.target,
            bytes: f.bytes,
        });
    }
    if settings_change || intermediate.is_some() {
        let sha = sha256_hex(&plan.after);
        plan.steps.push(Step {
            op: Op::WriteSettings {
                path: show(&site.settings),
                sha256: sha,
                size: plan.after.len() as u64,
                replaces: in_force,
            },
            why: "the change itself: the one commit point".into(),
            evidence: "re-parsed after the edit; the file must still hold the bytes read, checked right before the rename".into(),
            target: site.settings.clone(),
            bytes: plan.after.clone(),
        });
    }
}

/// After the commit: a certificate no longer named is keying material
/// left lying about, and so is a copy made aside that the new settings do
/// not name. Only a file mimmfa can identify goes.
fn retire_steps(
    site: &Site,
    plan: &mut Plan,
    named_before: &[(Role, PathBuf)],
    aside_paths: &[PathBuf],
) {
    let still = pointers(site, &plan.after);
    let unnamed = |p: &Path| !still.iter().any(|(_, s)| same_file(s, p));
    for (role, path) in named_before {
        if *role != Role::Certificate || !unnamed(path) || !path.is_file() {
            continue;
        }
        if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            plan.notes.push(format!(
                "left {} in place: CertFilePath named it, but it is a symbolic link",
                path.display()
            ));
            continue;
        }
        if !inside(path, &site.service_dir) {
            continue;
        }
        if let Some(what) = protected(site, path) {
            plan.notes.push(format!(
                "left {} in place: CertFilePath named it, but it is {what}",
                path.display()
            ));
            continue;
        }
        match bounded::read_file(path, bounded::P12_CAP) {
            Ok(bytes) if pkcs12::looks_like_pkcs12(&bytes) => {
                plan.steps.push(retire(path, *role, &bytes, "the new settings no longer name this certificate (keying material is not left lying about)", "a PKCS#12 file, named by CertFilePath before; the snapshot holds its bytes"));
            }
            _ => plan.notes.push(format!(
                "left {} in place: CertFilePath named it, but it is not a PKCS#12 file, so mimmfa cannot tell it is the certificate",
                path.display()
            )),
        }
    }
    for copy in aside_paths.iter().filter(|p| unnamed(p)) {
        let step = plan
            .steps
            .iter()
            .find(|s| &s.target == copy)
            .map(|s| (s.bytes.clone(), s.op.clone()));
        if let Some((bytes, Op::Place { role, .. })) = step {
            plan.steps.push(retire(
                copy,
                role,
                &bytes,
                "the copy made aside for this change; the new settings do not name it",
                "written by this plan; the snapshot holds its bytes",
            ));
        }
    }
}

fn retire(path: &Path, role: Role, bytes: &[u8], why: &str, evidence: &str) -> Step {
    Step {
        op: Op::Retire {
            path: show(path),
            role,
            sha256: sha256_hex(bytes),
        },
        why: why.into(),
        evidence: evidence.into(),
        target: path.to_path_buf(),
        bytes: Vec::new(),
    }
}

/// `<stem>.<sha256 prefix of old>.<ext>` beside `path`: a name that is free
/// or already holds `old`.
fn free_name(path: &Path, old: &[u8]) -> PathBuf {
    let sha = sha256_hex(old);
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let (stem, ext) = name.rsplit_once('.').unwrap_or((&name, "bin"));
    let holds = |p: &Path| bounded::read_file(p, bounded::DLL_CAP).ok().as_deref() == Some(old);
    [8, 16, 64]
        .iter()
        .map(|n| path.with_file_name(format!("{stem}.{}.{ext}", &sha[..*n])))
        .find(|p| !p.exists() || holds(p))
        .unwrap_or_else(|| path.with_file_name(format!("{stem}.{sha}.{ext}")))
}

/// Why `path` is never written, moved or deleted by a side-file step, if
/// it is one of those files: the settings file, its lock and journal, the
/// backup store's own files, or Microsoft's files.
pub fn protected(site: &Site, path: &Path) -> Option<&'static str> {
    if same_file(path, &site.settings) {
        return Some("the settings file itself");
    }
    if same_file(path, &lock_path(&site.settings)) {
        return Some("the settings file's lock");
    }
    if same_file(path, &journal::path(site)) {
        return Some("mimmfa's journal of an unfinished change");
    }
    if inside(path, &site.backup_dir) {
        return Some("a file of the backup store");
    }
    is_microsoft_name(path).then_some("one of Microsoft's files (Microsoft.*.dll, *.exe, *.config)")
}

fn is_microsoft_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_ascii_lowercase();
    (name.starts_with("microsoft.") && name.ends_with(".dll"))
        || name.ends_with(".exe")
        || name.ends_with(".config")
}

/// The invariants, checked on the whole plan before anything is touched:
/// each breach refuses (exit 3) naming the file and why.
pub fn check_invariants(site: &Site, plan: &Plan) -> Result<()> {
    let nothing = "; nothing was changed";
    let named_before = pointers(site, &plan.before);
    let mut in_force = named_before.clone();
    for step in &plan.steps {
        let path = &step.target;
        match &step.op {
            Op::Snapshot { .. } => {}
            Op::Place { replaces, .. } => {
                // A new file may bear a Microsoft-like name; none is overwritten.
                let new_file = replaces.is_none() && !path.exists();
                if let Some(what) = protected(site, path)
                    && !(new_file && is_microsoft_name(path))
                {
                    return Err(refused(format!(
                        "will not write {}: it is {what}{nothing}",
                        path.display()
                    )));
                }
                // A side file is written as a plain file where it is named:
                // never through a link, nor out of the Service folder by one.
                if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                    return Err(refused(format!(
                        "will not write {}: it is a symbolic link (to {}); mimmfa writes certificates and DLLs only as plain files{nothing}",
                        path.display(),
                        fs::read_link(path)
                            .map(|t| t.display().to_string())
                            .unwrap_or_default()
                    )));
                }
                let lexically_in = lexical(path).starts_with(lexical(&site.service_dir));
                if lexically_in && !inside(path, &site.service_dir) {
                    return Err(refused(format!(
                        "will not write {}: a folder on its way is a symbolic link out of the Service folder (it leads to {}){nothing}",
                        path.display(),
                        resolved(path).display()
                    )));
                }
                // The settings in force must keep naming intact bytes.
                if replaces.is_some() && in_force.iter().any(|(_, p)| same_file(p, path)) {
                    return Err(refused(format!(
                        "will not overwrite {}: the settings in force name it{nothing}",
                        path.display()
                    )));
                }
                check_replaceable(path, plan.force)?;
            }
            Op::WriteSettings { size, .. } => {
                if *size > bounded::SETTINGS_CAP {
                    return Err(refused(format!(
                        "the new {} would be {size} bytes, over the {} that mimmfa reads back (and the MIM \
                         stock file is about 1 KB): shorten the file{nothing}",
                        site.settings_display(),
                        bounded::SETTINGS_CAP
                    )));
                }
                check_replaceable(path, plan.force)?;
                in_force = pointers(site, &step.bytes);
            }
            Op::Retire { role, .. } => {
                if let Some(what) = protected(site, path) {
                    return Err(refused(format!(
                        "will not remove {}: it is {what}{nothing}",
                        path.display()
                    )));
                }
                let made_here = plan
                    .steps
                    .iter()
                    .any(|s| matches!(s.op, Op::Place { .. }) && same_file(&s.target, path));
                let named = named_before
                    .iter()
                    .any(|(r, p)| r == role && same_file(p, path));
                let identified = *role == Role::Certificate
                    && bounded::read_file(path, bounded::P12_CAP)
                        .is_ok_and(|b| pkcs12::looks_like_pkcs12(&b));
                if !(made_here || named && identified) {
                    return Err(refused(format!(
                        "will not remove {}: mimmfa cannot identify it as the {} the settings named{nothing}",
                        path.display(),
                        role.as_str()
                    )));
                }
            }
        }
    }
    Ok(())
}
