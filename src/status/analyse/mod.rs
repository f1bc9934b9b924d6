//! Pure analysis: a snapshot in, component states and findings out. Nothing here
//! talks to the cluster, so every rule is tested on hand-built snapshots.

mod admission;
mod alert_rules;
mod buckets;
mod chains;
mod compliance;
pub mod coverage;
pub mod crash_logs;
pub mod engine;
mod env;
mod literals;
mod named_objects;
mod nessie;
mod network;
pub mod pods;
mod ports;
mod postgres;
mod pss;
mod references;
mod secrets;
mod spark;
pub mod trino;
mod urls;
pub(crate) mod workloads;

use crate::findings::{self, Component, Finding};
use crate::snapshot::Snapshot;

use super::report::{ComponentStatus, Summary};

/// One component's share of the report.
pub(crate) struct Section {
    /// The component's state and one-line summary.
    pub status: ComponentStatus,
    /// The component's findings.
    pub findings: Vec<Finding>,
}

/// Analyses the whole snapshot: every component, then links failures into chains.
pub(crate) fn analyse(
    snapshot: &Snapshot,
    now: jiff::Timestamp,
) -> (Vec<ComponentStatus>, Vec<Finding>, Summary) {
    let sections = [
        trino::analyse(snapshot),
        nessie::analyse_nessie(snapshot),
        postgres::analyse_postgres(snapshot),
        spark::analyse(snapshot),
        buckets::analyse(snapshot, now),
        secrets::analyse(snapshot),
        compliance::analyse(snapshot),
    ];
    let mut components = Vec::new();
    let mut all_findings = Vec::new();
    for section in sections {
        components.push(section.status);
        all_findings.extend(section.findings);
    }
    // Refusals and missing keys cut across components: each lands in its
    // component's section.
    let mut refused = admission::findings(snapshot);
    refused.extend(references::findings(snapshot));
    refused.extend(urls::findings(snapshot));
    refused.extend(ports::findings(snapshot));
    refused.extend(named_objects::findings(snapshot));
    for status in &mut components {
        for f in refused.iter().filter(|f| f.component == status.component) {
            status.state = status.state.worsened_by(f.severity);
        }
    }
    all_findings.extend(refused);
    coverage::mark(snapshot, &mut components);
    all_findings.extend(coverage::finding(snapshot));
    all_findings.extend(literals::findings(snapshot));
    all_findings.extend(snapshot.undecodable().into_iter().map(Finding::undecodable));
    // System namespaces (kube-*, operators') hold platform objects but answer
    // to their operators, not to the platform's compliance rules (unless named with -n).
    all_findings.retain(|f| {
        let namespace = match (&f.object.namespace, f.object.kind.as_str()) {
            (Some(ns), _) => ns.as_str(),
            (None, "Namespace") => f.object.name.as_str(),
            (None, _) => return true,
        };
        f.component != Component::Compliance || !snapshot.coverage.is_system(namespace)
    });
    let mut all_findings = chains::link(snapshot, all_findings);
    findings::sort(&mut all_findings);
    let summary = Summary::of(&all_findings);
    (components, all_findings, summary)
}

#[cfg(test)]
pub(crate) mod fixtures;

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use crate::findings::{Component, Severity};
    use crate::kube::{Availability, Listing};
    use crate::status::report::State;

    fn state(components: &[ComponentStatus], component: Component) -> State {
        components
            .iter()
            .find(|c| c.component == component)
            .unwrap()
            .state
    }

    #[test]
    fn undecodable_objects_are_findings() {
        let mut snapshot = compliance_snapshot();
        snapshot
            .spark_applications
            .undecodable
            .push(crate::kube::Undecodable {
                resource: "sparkapplications".into(),
                namespace: Some("team-a".into()),
                name: "broken".into(),
                reason: "invalid type: string \"x\", expected a map".into(),
            });
        let (_, findings, _) = analyse(&snapshot, jiff::Timestamp::now());
        let finding = findings
            .iter()
            .find(|f| f.code == "cluster.undecodable-object")
            .expect("finding");
        assert_eq!(finding.component, Component::Spark);
        assert_eq!(finding.object.name, "broken");
        assert!(finding.message.contains("sparkapplications team-a/broken"));
        assert!(
            finding
                .hint
                .contains("kubectl get sparkapplications broken -n team-a")
        );
    }

    #[test]
    fn compliance_spark_and_secret_findings() {
        let (components, findings, summary) =
            analyse(&compliance_snapshot(), jiff::Timestamp::now());
        let found = codes(&findings);
        for code in [
            "secrets.hand-written",
            "spark.application-failed",
            "spark.aqe-disabled",
            "spark.packages-at-startup",
            "gitops.unmanaged",
            "gitops.orphan-job",
            "policy.no-resource-quota",
            "policy.no-limit-range",
            "policy.no-default-deny",
            "resources.missing",
        ] {
            assert!(found.contains(&code), "{code} missing from {found:?}");
        }
        // The cert-manager Secret is tooling, not a hand-written credential.
        assert_eq!(
            found
                .iter()
                .filter(|c| **c == "secrets.hand-written")
                .count(),
            1
        );
        // Only the first line of a multi-line Spark error is shown.
        let failed = findings
            .iter()
            .find(|f| f.code == "spark.application-failed")
            .unwrap();
        assert_eq!(failed.message, "FAILED: driver OOMKilled");
        // Never a secret value.
        assert!(
            findings
                .iter()
                .all(|f| !f.message.contains("hunter2") && !f.message.contains("aHVudGVyMg"))
        );
        assert_eq!(state(&components, Component::Secrets), State::Failing);
        assert_eq!(state(&components, Component::Spark), State::Degraded);
        assert_eq!(summary.worst, Some(Severity::Critical));
        assert_eq!(findings[0].severity, Severity::Critical, "problems first");
    }

    #[test]
    fn missing_crds_and_forbidden_reads_are_section_states() {
        let mut snapshot = compliance_snapshot();
        snapshot.spark_applications = Listing {
            items: Vec::new(),
            availability: Availability::NotInstalled,
            undecodable: Vec::new(),
        };
        snapshot.bucket_claims = Listing {
            items: Vec::new(),
            availability: Availability::Forbidden("u cannot list objectbucketclaims".into()),
            undecodable: Vec::new(),
        };
        let (components, findings, _) = analyse(&snapshot, jiff::Timestamp::now());
        assert_eq!(state(&components, Component::Spark), State::NotInstalled);
        assert_eq!(state(&components, Component::Buckets), State::Forbidden);
        assert!(!findings.iter().any(|f| f.component == Component::Spark));
    }

    #[test]
    fn an_empty_namespace_is_not_found_not_failing() {
        let snapshot = crate::snapshot::Snapshot {
            scope: Some(crate::kube::Scope::Namespace("empty".into())),
            ..Default::default()
        };
        let (components, _, _) = analyse(&snapshot, jiff::Timestamp::now());
        assert_eq!(state(&components, Component::Trino), State::NotFound);
        assert_eq!(state(&components, Component::Nessie), State::NotFound);
    }
}

#[cfg(test)]
mod store_scope_tests {
    use super::fixtures::*;
    use super::*;

    #[test]
    fn an_unused_cluster_store_is_not_a_namespace_problem() {
        let mut snapshot = nessie_chain_snapshot(true);
        // The namespace's ExternalSecret uses another store: onepassword is none of its business.
        snapshot.external_secrets.items[0]
            .spec
            .secret_store_ref
            .name = "vault".into();
        snapshot.external_secrets.items[0]
            .spec
            .secret_store_ref
            .kind = Some("SecretStore".into());
        let (_, findings, _) = analyse(&snapshot, jiff::Timestamp::now());
        assert!(
            !findings.iter().any(|f| f.object.name == "onepassword"),
            "{findings:#?}"
        );
        // With -A every store is reported.
        snapshot.scope = Some(crate::kube::Scope::All);
        let (_, findings, _) = analyse(&snapshot, jiff::Timestamp::now());
        assert!(
            findings
                .iter()
                .any(|f| f.code == "secrets.store-not-ready" && f.object.name == "onepassword")
        );
    }
}

#[cfg(test)]
mod scope_tests;
