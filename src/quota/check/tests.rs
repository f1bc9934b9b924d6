use super::*;
use crate::platform::resources;
use crate::platform::resources::fixtures::{container, k8s_map, node, q};
use crate::quota::manifests::parse_documents;
use k8s_openapi::api::core::v1::{LimitRangeItem, LimitRangeSpec, PodStatus, ResourceQuotaSpec};
use k8s_openapi::api::core::v1::{Pod, PodSpec};
use std::path::Path;

fn limit_range() -> LimitRange {
    let mut lr = LimitRange::default();
    lr.metadata.name = Some("limits".into());
    lr.spec = Some(LimitRangeSpec {
        limits: vec![LimitRangeItem {
            type_: "Container".into(),
            default: Some(k8s_map(&[("cpu", "1"), ("memory", "2Gi")])),
            default_request: Some(k8s_map(&[("cpu", "250m"), ("memory", "512Mi")])),
            max: Some(k8s_map(&[("memory", "16Gi")])),
            ..Default::default()
        }],
    });
    lr
}

fn live(pods: Vec<Pod>) -> Live {
    let mut quota = ResourceQuota::default();
    quota.metadata.name = Some("compute".into());
    quota.spec = Some(ResourceQuotaSpec {
        hard: Some(k8s_map(&[
            ("requests.memory", "10Gi"),
            ("limits.memory", "20Gi"),
        ])),
        ..Default::default()
    });
    Live {
        namespaces: [(
            "ns".to_string(),
            NamespaceState {
                quotas: vec![quota],
                limit_ranges: vec![limit_range()],
            },
        )]
        .into(),
        pods,
        nodes: vec![node("n1")],
        nodes_read: true,
        not_checked: vec![],
        notes: vec![],
    }
}

fn deployment(name: &str, replicas: i64, memory: &str) -> Vec<(Workload, String)> {
    let yaml = format!(
        "kind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n  template:\n    spec:\n      containers:\n      - name: app\n        resources: {{requests: {{memory: {memory}}}, limits: {{memory: {memory}}}}}\n"
    );
    let m = parse_documents(Path::new("t.yaml"), &yaml).unwrap();
    manifests::workloads(&m, 1)
        .unwrap()
        .into_iter()
        .map(|w| (w, "ns".to_string()))
        .collect()
}

fn live_pod(name: &str, owner_rs: Option<(&str, &str)>, memory: &str) -> Pod {
    let mut p = Pod::default();
    p.metadata.namespace = Some("ns".into());
    p.metadata.name = Some(name.into());
    if let Some((rs, hash)) = owner_rs {
        p.metadata.labels = Some([("pod-template-hash".to_string(), hash.to_string())].into());
        p.metadata.owner_references = Some(vec![
            k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference {
                kind: "ReplicaSet".into(),
                name: rs.into(),
                controller: Some(true),
                ..Default::default()
            },
        ]);
    }
    p.spec = Some(PodSpec {
        node_name: Some("n1".into()),
        containers: vec![container(
            "app",
            &[("memory", memory)],
            &[("memory", memory)],
        )],
        ..Default::default()
    });
    p.status = Some(PodStatus {
        phase: Some("Running".into()),
        ..Default::default()
    });
    p
}

#[test]
fn fits_and_replaces_same_named_objects() {
    // 2 × 3Gi live in web; the new web is 3 × 3Gi: 9Gi − 6Gi + 9Gi... only if replaced.
    let pods = vec![
        live_pod("web-1", Some(("web-abc", "abc")), "3Gi"),
        live_pod("web-2", Some(("web-abc", "abc")), "3Gi"),
    ];
    let report = evaluate(
        &deployment("web", 3, "3Gi"),
        &live(pods),
        jiff::Timestamp::now(),
    );
    assert!(report.fits, "{:?}", report.reasons);
    let row = &report.quotas[0]
        .resources
        .iter()
        .find(|r| r.resource == "requests.memory")
        .unwrap();
    assert_eq!(row.used, q("6Gi"));
    assert_eq!(row.replaced, q("6Gi"));
    assert_eq!(row.after, q("9Gi"));
    // As an addition it would not fit: another name.
    let pods = vec![
        live_pod("web-1", Some(("web-abc", "abc")), "3Gi"),
        live_pod("web-2", Some(("web-abc", "abc")), "3Gi"),
    ];
    let report = evaluate(
        &deployment("api", 3, "3Gi"),
        &live(pods),
        jiff::Timestamp::now(),
    );
    assert!(!report.fits);
    let row = report.quotas[0]
        .resources
        .iter()
        .find(|r| r.resource == "requests.memory")
        .unwrap();
    assert_eq!(row.after, q("15Gi"));
    assert_eq!(row.over_by, q("5Gi"));
    assert_eq!(
        row.largest_contributor.as_deref(),
        Some("Deployment/api (9Gi)")
    );
}

#[test]
fn a_defaulted_limit_below_the_request_is_a_violation() {
    // A Spark executor with 4 cores and no coreLimit gets the default limit of 1 CPU.
    let mut spec = PodSpec {
        containers: vec![container("exec", &[("cpu", "4")], &[])],
        ..Default::default()
    };
    let v = apply_limit_ranges(
        &mut spec,
        &[limit_range()],
        &[],
        "SparkApplication/x executor",
        &mut Vec::new(),
    );
    assert_eq!(v.len(), 1);
    assert!(
        v[0].message
            .starts_with("requests.cpu 4 is above limits.cpu 1"),
        "{}",
        v[0].message
    );
}

#[test]
fn limit_range_defaults_and_max() {
    let mut spec = PodSpec {
        containers: vec![
            container("a", &[], &[]),
            container("b", &[], &[("memory", "20Gi")]),
        ],
        ..Default::default()
    };
    let mut applied = Vec::new();
    let v = apply_limit_ranges(
        &mut spec,
        &[limit_range()],
        &[],
        "Deployment/x",
        &mut applied,
    );
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].container, "b");
    assert!(
        v[0].message
            .contains("limits.memory 20Gi is above the LimitRange maximum 16Gi (by 4Gi)"),
        "{}",
        v[0].message
    );
    let r = resources::pod_resources(&spec);
    // a: defaults 512Mi request; b: request copied from its limit.
    assert_eq!(r.requests["memory"], q("512Mi") + q("20Gi"));
    assert_eq!(r.limits["cpu"], q("2"));
    assert!(applied.iter().any(|l| l.contains("requests.memory=512Mi")));
}

/// A pod admission refuses is never created: the refusal is the reason, and
/// it counts toward neither the quota nor the nodes.
#[test]
fn a_refused_pod_takes_no_quota_and_no_node() {
    let report = evaluate(
        &deployment("big", 1, "40Gi"),
        &live(vec![]),
        jiff::Timestamp::now(),
    );
    assert!(!report.fits);
    assert_eq!(report.reasons.len(), 1, "{:?}", report.reasons);
    assert!(report.reasons[0].contains("above the LimitRange maximum 16Gi"));
    assert!(report.quotas[0].resources.iter().all(|r| r.added.is_zero()));
}

#[test]
fn a_pod_larger_than_any_node_does_not_fit() {
    // Without the LimitRange (its 16Gi max would refuse the pod, and a refused
    // pod takes no node).
    let mut unbounded = live(vec![]);
    for state in unbounded.namespaces.values_mut() {
        state.limit_ranges.clear();
    }
    let report = evaluate(
        &deployment("big", 1, "40Gi"),
        &unbounded,
        jiff::Timestamp::now(),
    );
    assert!(!report.fits);
    assert!(report.nodes.largest_pod_node.is_none());
    assert!(
        report.reasons.iter().any(|r| r.contains("fits on no node")),
        "{:?}",
        report.reasons
    );
}
