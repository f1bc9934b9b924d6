//! `quota` show's views, from fixed objects.

use super::*;
use crate::platform::resources::fixtures::{container, k8s_map, node, q};
use k8s_openapi::api::core::v1::{PodSpec, PodStatus, ResourceQuotaSpec};

fn pod(ns: &str, name: &str, node: Option<&str>, memory: &str, phase: &str) -> Pod {
    let mut p = Pod::default();
    p.metadata.namespace = Some(ns.into());
    p.metadata.name = Some(name.into());
    p.spec = Some(PodSpec {
        node_name: node.map(String::from),
        containers: vec![container(
            "c",
            &[("memory", memory), ("cpu", "500m")],
            &[("memory", memory)],
        )],
        ..Default::default()
    });
    p.status = Some(PodStatus {
        phase: Some(phase.into()),
        ..Default::default()
    });
    p
}

#[test]
fn quota_usage_from_pods() {
    let mut quota = ResourceQuota::default();
    quota.metadata.namespace = Some("a".into());
    quota.metadata.name = Some("compute".into());
    quota.spec = Some(ResourceQuotaSpec {
        hard: Some(k8s_map(&[
            ("requests.memory", "10Gi"),
            ("pods", "10"),
            ("count/configmaps", "5"),
        ])),
        ..Default::default()
    });
    quota.status = Some(k8s_openapi::api::core::v1::ResourceQuotaStatus {
        used: Some(k8s_map(&[("count/configmaps", "2")])),
        ..Default::default()
    });
    let pods = [
        pod("a", "p1", Some("n1"), "3Gi", "Running"),
        pod("a", "p2", None, "4.5Gi", "Pending"),
        pod("a", "done", Some("n1"), "8Gi", "Succeeded"),
        pod("b", "other", Some("n1"), "8Gi", "Running"),
    ];
    let refs: Vec<&Pod> = pods.iter().collect();
    let view = quota_view(&quota, &refs, jiff::Timestamp::now());
    let row = |k: &str| {
        view.resources
            .iter()
            .find(|r| r.resource == k)
            .unwrap()
            .clone()
    };
    assert_eq!(row("requests.memory").used, q("7.5Gi"));
    assert_eq!(row("requests.memory").free, q("2.5Gi"));
    assert_eq!(row("requests.memory").percent, Some(75.0));
    assert_eq!(row("pods").used, q("2"));
    assert_eq!(row("count/configmaps").used, q("2"));
}

#[test]
fn cluster_by_node_counts_scheduled_pods_only() {
    let pods = [
        pod("a", "p1", Some("n1"), "3Gi", "Running"),
        pod("a", "pending", None, "4Gi", "Pending"),
        pod("b", "p2", Some("n1"), "1Gi", "Running"),
    ];
    let refs: Vec<&Pod> = pods.iter().collect();
    let view = cluster_view(
        &[node("n1")],
        &refs,
        &Scope::All,
        Some(By::Node),
        jiff::Timestamp::now(),
    );
    assert_eq!(view.total.memory_requests, q("4Gi"));
    assert_eq!(view.total.cpu_requests, q("1"));
    assert_eq!(view.rows.len(), 1);
    assert_eq!(view.rows[0].totals.pods, 2);
    assert_eq!(view.rows[0].allocatable.as_ref().unwrap().memory, q("32Gi"));
    let by_ns = cluster_view(
        &[],
        &refs,
        &Scope::Namespace("a".into()),
        Some(By::Namespace),
        jiff::Timestamp::now(),
    );
    assert_eq!(by_ns.rows.len(), 1);
    assert_eq!(by_ns.total.memory_requests, q("4Gi"));
}

#[test]
fn a_node_pool_counts_only_the_pods_on_its_nodes() {
    // The API server matched only trino-1; general-1 holds the other pod.
    let gathered = Gathered {
        scope: Scope::All,
        quotas: Listing::available(Vec::new()),
        limit_ranges: Listing::available(Vec::new()),
        pods: Listing::available(vec![
            pod("dp", "worker", Some("trino-1"), "3Gi", "Running"),
            pod("shop", "web", Some("general-1"), "1Gi", "Running"),
        ]),
        pods_cluster_wide: true,
        nodes: Listing::available(vec![node("trino-1")]),
        selector: None,
        node_selector: Some("pool=trino".into()),
    };
    let report = build(&gathered, Some(By::Node), jiff::Timestamp::now());
    assert_eq!(report.cluster.total.memory_requests, q("3Gi"));
    assert_eq!(report.cluster.rows.len(), 1);
    assert_eq!(report.cluster.rows[0].name, "trino-1");
    assert_eq!(report.cluster.node_selector.as_deref(), Some("pool=trino"));
}
