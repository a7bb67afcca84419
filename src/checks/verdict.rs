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
