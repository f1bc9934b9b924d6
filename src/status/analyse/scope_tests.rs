//! The report does not depend on how it was scoped: a catalog's S3 endpoint in
//! another namespace, system namespaces, the suite's own objects.

use serde_json::json;

use super::fixtures::*;
use super::*;
use crate::findings::Component;
use crate::kube::{Listing, Scope};
use crate::snapshot::coverage::{Coverage, CoveredNamespace, Mode, Reference, ReferenceState};

fn from<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("fixture")
}

fn with_s3_endpoint(state: Option<ReferenceState>, scope: Scope) -> Snapshot {
    let mut s = trino_snapshot("8G", "10Gi", "24G", "28Gi", "");
    s.scope = Some(scope.clone());
    s.config_maps.items[2] = from(json!({
        "metadata": {"name": "trino-catalog", "namespace": "dp"},
        "data": {
            "iceberg.properties": "connector.name=iceberg\niceberg.catalog.type=nessie\niceberg.nessie-catalog.uri=http://nessie:19120/api/v2\ns3.endpoint=http://rook-ceph-rgw-objectstore.rook-ceph.svc:80\n"
        }
    }));
    s.coverage = Coverage::named("dp");
    if scope == Scope::All {
        s.coverage.mode = Mode::Platform;
        s.coverage.namespaces[0].reasons = vec!["trino".into()];
    }
    if let Some(state) = state {
        s.coverage.references.push(Reference {
            kind: "Service".into(),
            namespace: "rook-ceph".into(),
            name: "rook-ceph-rgw-objectstore".into(),
            referenced_by: "ConfigMap dp/trino-catalog iceberg.properties s3.endpoint".into(),
            state,
            reason: None,
        });
    }
    s
}

fn has_s3_missing(snapshot: &Snapshot) -> bool {
    let (_, findings, _) = analyse(snapshot, jiff::Timestamp::now());
    findings
        .iter()
        .any(|f| f.code == "trino.catalog-s3-missing")
}

#[test]
fn an_s3_endpoint_in_another_namespace_gets_the_same_verdict_with_n_and_a() {
    for scope in [Scope::Namespace("dp".into()), Scope::All] {
        assert!(
            has_s3_missing(&with_s3_endpoint(
                Some(ReferenceState::Absent),
                scope.clone()
            )),
            "{scope:?}: a Service read by name and absent is critical"
        );
        assert!(!has_s3_missing(&with_s3_endpoint(
            Some(ReferenceState::Found),
            scope.clone()
        )));
        // Not readable: not checked (the table and JSON say so), never "missing".
        assert!(!has_s3_missing(&with_s3_endpoint(
            Some(ReferenceState::NotChecked),
            scope.clone()
        )));
    }
}

#[test]
fn system_namespaces_get_no_compliance_findings_unless_named() {
    let named = compliance_snapshot();
    let (_, findings, _) = analyse(&named, jiff::Timestamp::now());
    assert!(
        findings
            .iter()
            .any(|f| f.code == "policy.no-resource-quota")
    );
    let mut found = compliance_snapshot();
    found.scope = Some(Scope::All);
    found.coverage = Coverage {
        mode: Mode::Platform,
        namespaces: vec![CoveredNamespace {
            name: "dp".into(),
            reasons: vec!["sparkapplications".into()],
            system: true,
        }],
        skipped: 4,
        references: Vec::new(),
    };
    let (_, findings, _) = analyse(&found, jiff::Timestamp::now());
    let in_dp = |f: &&crate::findings::Finding| {
        f.object.namespace.as_deref() == Some("dp")
            || (f.object.kind == "Namespace" && f.object.name == "dp")
    };
    assert!(
        !findings
            .iter()
            .filter(in_dp)
            .any(|f| f.component == Component::Compliance),
        "{findings:#?}"
    );
    // The platform's own findings stay.
    assert!(
        findings
            .iter()
            .any(|f| f.code == "spark.application-failed")
    );
}

#[test]
fn tune_backups_are_never_findings() {
    let mut s = compliance_snapshot();
    s.config_maps = Listing::available(vec![
        from(json!({
            "metadata": {"name": "trino-coordinator-backup-20260101", "namespace": "dp",
                         "labels": {"kubectl-dp.io/tune-backup": "true"}},
            "data": {"jvm.config": "-Xmx8G\n"}
        })),
        from(json!({"metadata": {"name": "by-hand", "namespace": "dp"}})),
    ]);
    let (_, findings, _) = analyse(&s, jiff::Timestamp::now());
    let unmanaged: Vec<&str> = findings
        .iter()
        .filter(|f| f.code == "gitops.unmanaged" && f.object.kind == "ConfigMap")
        .map(|f| f.object.name.as_str())
        .collect();
    assert_eq!(unmanaged, ["by-hand"]);
}
