//! `monitoring.rule-invalid`: what the API server or the Prometheus Operator
//! refuses in a PrometheusRule (see `platform::alert_rules`), one finding per
//! field, pointing at that field.

use crate::findings::{Component, FieldRef, Finding, ObjectRef, Severity};
use crate::platform::alert_rules::{Refuser, problems};
use crate::snapshot::Snapshot;

pub(crate) fn findings(snapshot: &Snapshot) -> Vec<Finding> {
    let rules = &snapshot.prometheus_rules;
    if !rules.is_available() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for rule in &rules.items {
        let object = ObjectRef::from_meta("PrometheusRule", &rule.metadata);
        for problem in problems(&rule.spec.groups) {
            let place = match &problem.rule {
                Some(name) => format!("group {} rule {name}", problem.group),
                None => format!("group {}", problem.group),
            };
            let hint = match problem.refuser {
                Refuser::ApiServer => {
                    "fix the field in the manifest: `kubectl apply --dry-run=server -f FILE` shows the API server's answer"
                }
                Refuser::Operator => {
                    "fix the rule (`promtool check rules` on the group gives Prometheus' answer); the operator's log names the rejected PrometheusRule"
                }
            };
            let path: Vec<&str> = problem.path.iter().map(String::as_str).collect();
            out.push(
                Finding::new(
                    "monitoring.rule-invalid",
                    Severity::Warning,
                    Component::Compliance,
                    object.clone(),
                    format!(
                        "{place}: {}; {}",
                        problem.what,
                        problem.refuser.consequence()
                    ),
                    hint,
                )
                .with_field(FieldRef::at(&path)),
            );
        }
    }
    out
}
