//! What the report could not check. A list that RBAC forbade (or the API server
//! failed) is never read as "none": the component that needs it is at most
//! `partly checked`, its summary names what was not read, and one info finding
//! (`cluster.not-checked`) lists every such read with the role that grants it.

use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::kube::{Availability, Scope};
use crate::snapshot::Snapshot;
use crate::status::report::{ComponentStatus, State};

/// The lists each component's answer depends on.
fn reads(snapshot: &Snapshot, component: Component) -> Vec<(&'static str, &Availability)> {
    let s = snapshot;
    match component {
        Component::Trino => vec![
            ("deployments", &s.deployments.availability),
            ("configmaps", &s.config_maps.availability),
            ("pods", &s.pods.availability),
        ],
        Component::Nessie => vec![
            ("deployments", &s.deployments.availability),
            ("pods", &s.pods.availability),
        ],
        Component::Postgres => vec![
            ("statefulsets", &s.stateful_sets.availability),
            ("pods", &s.pods.availability),
        ],
        Component::Spark => vec![("sparkapplications", &s.spark_applications.availability)],
        Component::Buckets => vec![("objectbucketclaims", &s.bucket_claims.availability)],
        Component::Secrets => {
            let mut reads = vec![
                ("externalsecrets", &s.external_secrets.availability),
                ("secrets", &s.secrets.availability),
                ("secretstores", &s.secret_stores.availability),
            ];
            // A ClusterSecretStore matters to a namespace only when its
            // ExternalSecrets use one (or when those could not be read).
            let uses_cluster_store = matches!(s.scope, Some(Scope::All))
                || !s.external_secrets.is_available()
                || s.external_secrets
                    .items
                    .iter()
                    .any(|es| es.store_kind() == "ClusterSecretStore");
            if uses_cluster_store {
                reads.push(("clustersecretstores", &s.cluster_secret_stores.availability));
            }
            reads
        }
        Component::Compliance => vec![
            ("deployments", &s.deployments.availability),
            ("statefulsets", &s.stateful_sets.availability),
            ("services", &s.services.availability),
            ("configmaps", &s.config_maps.availability),
            ("secrets", &s.secrets.availability),
            ("jobs", &s.jobs.availability),
            ("cronjobs", &s.cron_jobs.availability),
            ("pods", &s.pods.availability),
            ("resourcequotas", &s.resource_quotas.availability),
            ("limitranges", &s.limit_ranges.availability),
            ("networkpolicies", &s.network_policies.availability),
            ("objectbucketclaims", &s.bucket_claims.availability),
            ("sparkapplications", &s.spark_applications.availability),
            ("externalsecrets", &s.external_secrets.availability),
            ("prometheusrules", &s.prometheus_rules.availability),
        ],
    }
}

/// Whether a list was left unread (forbidden or failed; a missing CRD is an answer).
fn unread(availability: &Availability) -> bool {
    matches!(
        availability,
        Availability::Forbidden(_) | Availability::Failed(_)
    )
}

/// The plurals `component` needed and could not read.
pub fn unchecked(snapshot: &Snapshot, component: Component) -> Vec<&'static str> {
    reads(snapshot, component)
        .into_iter()
        .filter(|(_, a)| unread(a))
        .map(|(plural, _)| plural)
        .collect()
}

/// `forbidden` when every unread list was forbidden, else `forbidden or failed`.
fn why(snapshot: &Snapshot, plurals: &[&str]) -> &'static str {
    let all = snapshot_reads(snapshot);
    let failed = all
        .iter()
        .any(|(p, a)| plurals.contains(p) && matches!(a, Availability::Failed(_)));
    if failed {
        "forbidden or failed"
    } else {
        "forbidden"
    }
}

fn snapshot_reads(snapshot: &Snapshot) -> Vec<(&'static str, &Availability)> {
    Component::ALL
        .iter()
        .flat_map(|c| reads(snapshot, *c))
        .collect()
}

/// Marks each component whose reads were incomplete: never `healthy` for what
/// was not read, and the summary says what was not checked.
pub(crate) fn mark(snapshot: &Snapshot, components: &mut [ComponentStatus]) {
    for status in components.iter_mut() {
        let missing = unchecked(snapshot, status.component);
        if missing.is_empty() {
            continue;
        }
        if status.state == State::Healthy {
            status.state = State::PartlyChecked;
        }
        if status.state == State::Forbidden {
            // Nothing of it was read: counts like "0/0" would read as answers.
            status.summary = format!(
                "not checked: {} ({})",
                missing.join(", "),
                why(snapshot, &missing)
            );
            continue;
        }
        status.summary = format!(
            "{}; not checked: {} ({})",
            status.summary,
            missing.join(", "),
            why(snapshot, &missing)
        );
    }
}

/// One info finding naming every list the report needed and could not read.
pub fn finding(snapshot: &Snapshot) -> Option<Finding> {
    let mut missing: Vec<&str> = snapshot_reads(snapshot)
        .into_iter()
        .filter(|(_, a)| unread(a))
        .map(|(p, _)| p)
        .collect();
    missing.sort_unstable();
    missing.dedup();
    if missing.is_empty() {
        return None;
    }
    let (object, scope) = match &snapshot.scope {
        Some(Scope::Namespace(ns)) => (
            ObjectRef::new("Namespace", None, ns),
            format!("in namespace {ns}"),
        ),
        _ => (
            ObjectRef::new("Cluster", None, "all-namespaces"),
            "in all namespaces".to_string(),
        ),
    };
    Some(Finding::new(
        "cluster.not-checked",
        Severity::Info,
        Component::Compliance,
        object,
        format!(
            "could not read {} {scope} ({}): what they would show is not checked, and the sections that need them are not reported healthy",
            missing.join(", "),
            why(snapshot, &missing)
        ),
        "bind the read-only ClusterRole in deploy/rbac/kubectl-dp-read.yaml (see SECURITY.md), or run with -v to see each refusal",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::Listing;

    #[test]
    fn forbidden_reads_are_never_healthy() {
        let mut snapshot = Snapshot {
            scope: Some(Scope::Namespace("dp".into())),
            ..Default::default()
        };
        snapshot.resource_quotas = Listing {
            availability: Availability::Forbidden("u cannot list resourcequotas".into()),
            ..Default::default()
        };
        snapshot.cluster_secret_stores = Listing {
            availability: Availability::Forbidden("u cannot list clustersecretstores".into()),
            ..Default::default()
        };
        let mut components = vec![
            ComponentStatus {
                component: Component::Compliance,
                state: State::Healthy,
                summary: "all in place".into(),
                details: Vec::new(),
            },
            ComponentStatus {
                component: Component::Secrets,
                state: State::Healthy,
                summary: "0/0 external secrets synced".into(),
                details: Vec::new(),
            },
        ];
        mark(&snapshot, &mut components);
        assert_eq!(components[0].state, State::PartlyChecked);
        assert!(
            components[0]
                .summary
                .ends_with("not checked: resourcequotas (forbidden)"),
            "{}",
            components[0].summary
        );
        // No ExternalSecret uses a ClusterSecretStore: the forbidden list does not matter here.
        assert_eq!(components[1].state, State::Healthy);
        let finding = finding(&snapshot).unwrap();
        assert_eq!(finding.code, "cluster.not-checked");
        assert!(finding.message.contains("resourcequotas in namespace dp"));
        assert!(!finding.message.contains("clustersecretstores"));
        // With -A every store matters.
        snapshot.scope = Some(Scope::All);
        assert_eq!(
            unchecked(&snapshot, Component::Secrets),
            ["clustersecretstores"]
        );
    }
}
