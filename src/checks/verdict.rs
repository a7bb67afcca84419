//! The judge of a plan: the full audit of the state it would leave (the
//! planned bytes over the real files), compared with the audit of today's
//! state. A plan that brings an error the folder does not have now is
//! refused unless `--force`; a state with any error is never called ready
//! for a restart (docs/design.md, "Plan, judge, then act").

use crate::checks::audit::{Options, audit_site, audit_view};
use crate::checks::finding::{Finding, Severity};
use crate::checks::view::View;
use crate::site::Site;
use crate::store::plan::Plan;

pub struct Verdict {
    /// Every finding of the planned state, as `validate` would give them.
    pub findings: Vec<Finding>,
    /// Findings of the planned state that today's state does not have.
    pub new: Vec<Finding>,
    /// Errors among `new`: what the plan would break.
    pub new_errors: Vec<Finding>,
    /// Errors of the planned state, new or not.
    pub errors: usize,
}

/// A finding "is the same" across the two states when its code and the
/// element it sits on are (messages name paths, which a plan changes).
fn key(f: &Finding) -> (&str, Option<&str>) {
    (f.code, f.element.as_deref())
}

pub fn judge(site: &Site, plan: &Plan) -> Verdict {
    let opts = Options::default();
    let now = audit_site(site, opts).findings;
    let view = View::planned(plan.planned_files(), plan.snapshots());
    let findings = audit_view(site, &view, opts).findings;
    let new: Vec<Finding> = findings
        .iter()
        .filter(|f| !now.iter().any(|n| key(n) == key(f)))
        .cloned()
        .collect();
    let new_errors = new
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .cloned()
        .collect();
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    Verdict {
        findings,
        new,
        new_errors,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::settings_xml::{DEFAULT_COUNTRY_CODE, parses_on_this_thread};
    use crate::site::PathMapper;
    use crate::store::plan::{Request, build, check_invariants};

    /// A change as `provider set` makes it parses each distinct settings
    /// file once: its own read, its edit's proof, the plan's pointers and
    /// invariants and the judge's audits of both states share them (9
    /// parses of two byte strings without the run's cache).
    #[test]
    fn a_change_parses_each_settings_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let settings = dir.path().join("MfaSettings.xml");
        let example = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/service/MfaSettings.xml"
        );
        std::fs::copy(example, &settings).unwrap();
        let mapper = PathMapper::new(dir.path().into(), None, vec![]);
        let site = Site::new(dir.path().into(), settings, dir.path().join("B"), mapper);
        let start = parses_on_this_thread();

        let before = site.read_settings().unwrap();
        let doc = site.parse(&before).unwrap();
        let mut edit = doc.edit();
        edit.set(DEFAULT_COUNTRY_CODE, "44").unwrap();
        let after = site.finish(edit).unwrap();
        let plan = build(
            &site,
            Request {
                before,
                after,
                side_files: vec![],
                reason: "test".into(),
                before_restore: false,
                force: false,
            },
        )
        .unwrap();
        check_invariants(&site, &plan).unwrap();
        judge(&site, &plan);

        assert_eq!(parses_on_this_thread() - start, 2, "before and after");
    }
}
