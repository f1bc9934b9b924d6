//! Trino: coordinator and workers, their JVM against the container, their memory
//! properties against the heap, and the catalogs they load. Where everything is
//! comes from the one model, [`crate::platform::trino::TrinoLayout`].

use std::collections::BTreeSet;

use crate::findings::{Component, FieldRef, Finding, ObjectRef, Severity};
use crate::platform::properties::{Properties, format_data_size, readable_data_size};
use crate::platform::quantity::readable_bytes;
use crate::platform::trino::memory::{self, MAX_MEMORY, PER_NODE};
use crate::platform::trino::{Role, TrinoLayout, TrinoNode};
use crate::platform::workload;
use crate::snapshot::Snapshot;
use crate::status::report::{ComponentStatus, Detail, state_of};

use super::Section;
use super::pods;
use super::workloads;

mod catalog;
mod jvm;
mod server;

use catalog::catalog_findings;
use server::malformed_lines;

/// The Trino layout of the snapshot.
pub fn layout(snapshot: &Snapshot) -> TrinoLayout<'_> {
    TrinoLayout::read(&workloads::all(snapshot), &|ns, name| {
        snapshot.config_map(ns, name)
    })
}

/// What one node contributes to the cluster-wide rule.
#[derive(Default)]
struct Cluster {
    /// The coordinator's ConfigMap, its config.properties, the key holding
    /// them, and its namespace.
    coordinator: Option<(ObjectRef, Properties, String, String)>,
    worker_per_node: Option<u64>,
}

/// Trino's state and findings from the snapshot.
pub(crate) fn analyse(snapshot: &Snapshot) -> Section {
    let layout = layout(snapshot);
    let mut findings = Vec::new();
    let mut details = Vec::new();
    let mut parts = Vec::new();
    let mut catalogs_seen = BTreeSet::new();
    let mut versions = BTreeSet::new();
    let mut cluster = Cluster::default();
    for node in &layout.nodes {
        parts.push(format!("{} {}", node.role, node.workload.readiness()));
        findings.extend(runtime_findings(snapshot, node));
        if let Some(image) = node.container.and_then(|c| c.image.as_deref()) {
            versions.insert(workload::image_tag(image).to_string());
        }
        findings.extend(node_findings(snapshot, node, &mut details, &mut cluster));
        for file in &node.files.catalogs {
            let key = (
                node.workload.namespace().to_string(),
                file.source.path.clone(),
                file.source.config_map.clone(),
            );
            if catalogs_seen.insert(key) {
                findings.extend(catalog_findings(snapshot, node.workload.namespace(), file));
            }
        }
    }
    findings.extend(cluster_findings(&layout, &cluster));
    findings.extend(super::network::findings(snapshot, Component::Trino));
    findings.extend(super::engine::findings(snapshot, &layout));
    if let Some(engine) = snapshot.engine.as_ref().and_then(super::engine::summary) {
        parts.push(engine);
    }
    if !versions.is_empty() {
        parts.push(format!(
            "trino {}",
            versions.into_iter().collect::<Vec<_>>().join(",")
        ));
    }
    if let Some(source) = settings_source(&layout) {
        parts.push(source);
    }
    let found = !layout.is_empty();
    let reads = [
        &snapshot.deployments.availability,
        &snapshot.config_maps.availability,
    ];
    Section {
        status: ComponentStatus {
            component: Component::Trino,
            state: state_of(Component::Trino, found, &findings, &reads),
            summary: if found {
                parts.join(", ")
            } else {
                "no pods labelled app.kubernetes.io/name=trino".into()
            },
            details,
        },
        findings,
    }
}

/// Where the settings were read from, for the summary: `config from ConfigMaps
/// trino-coordinator, trino-worker, trino-catalog`.
fn settings_source(layout: &TrinoLayout) -> Option<String> {
    let maps: BTreeSet<&str> = layout
        .nodes
        .iter()
        .flat_map(|n| {
            n.files
                .jvm_config
                .iter()
                .chain(&n.files.config_properties)
                .chain(&n.files.catalogs)
        })
        .map(|f| f.source.config_map.as_str())
        .collect();
    (!maps.is_empty()).then(|| {
        format!(
            "config from ConfigMap{} {}",
            if maps.len() == 1 { "" } else { "s" },
            maps.into_iter().collect::<Vec<_>>().join(", ")
        )
    })
}

/// Not ready, OOM kills: what the pods say.
fn runtime_findings(snapshot: &Snapshot, node: &TrinoNode) -> Vec<Finding> {
    let w = &node.workload;
    let mut out = Vec::new();
    if let Some(mut finding) = readiness_finding(node) {
        pods::explain(&mut finding, snapshot, w);
        out.push(finding);
    }
    let pods = w.pods(&snapshot.pods.items);
    let (restarts, ooms) = workloads::restarts_and_oom_kills(&pods);
    if ooms > 0 {
        out.push(Finding::new(
            "trino.oom-killed",
            Severity::Warning,
            Component::Trino,
            w.object(),
            format!("{ooms} container(s) of the {} were OOM-killed recently ({restarts} restarts)", node.role),
            "the heap plus off-heap memory exceeds the container limit: `kubectl dp tune plan` proposes a safe -Xmx",
        ));
    }
    out
}

/// The node's configuration: ConfigMaps it needs, its JVM, its config.properties.
fn node_findings(
    snapshot: &Snapshot,
    node: &TrinoNode,
    details: &mut Vec<Detail>,
    cluster: &mut Cluster,
) -> Vec<Finding> {
    let w = &node.workload;
    let mut out = Vec::new();
    if snapshot.config_maps.is_available() {
        for name in &node.missing_config_maps {
            out.push(Finding::new(
                "trino.configmap-missing",
                Severity::Critical,
                Component::Trino,
                w.object(),
                format!(
                    "the {} mounts ConfigMap {name}, which does not exist",
                    node.role
                ),
                format!(
                    "create ConfigMap {name} in namespace {} (it holds Trino's config files)",
                    w.namespace()
                ),
            ));
        }
    }
    let Some(container) = node.container else {
        return out;
    };
    let limit =
        workload::memory_limit(container).map(|q| u64::try_from(q.units_ceil()).unwrap_or(0));
    details.push(Detail {
        label: format!("{} memory limit", node.role),
        value: limit.map(readable_bytes).unwrap_or_else(|| "none".into()),
    });
    let heap = node.heap_with_limit(limit);
    if node.files.jvm_config.is_some() || heap.is_set() {
        details.push(Detail {
            label: format!("{} heap", node.role),
            value: heap.describe(),
        });
        out.extend(jvm::findings(node, &heap, limit));
    }
    let Some(file) = &node.files.config_properties else {
        return out;
    };
    let Some(props) = node.config_properties() else {
        return out;
    };
    let object = ObjectRef::namespaced("ConfigMap", w.namespace(), &file.source.config_map);
    let heap_bytes = heap.max.filter(|_| heap.refused.is_empty());
    out.extend(server::findings(
        node,
        &object,
        &file.source.key,
        &props,
        heap_bytes,
    ));
    match node.role {
        Role::Coordinator => {
            let key = file.source.key.clone();
            cluster.coordinator = Some((object, props, key, w.namespace().to_string()))
        }
        Role::Worker => {
            if let Some(heap) = heap_bytes {
                let per_node = memory::effective_per_node(&props, heap);
                cluster.worker_per_node = cluster.worker_per_node.max(Some(per_node));
            }
        }
    }
    out
}

/// `query.max-memory` against what the workers can hold.
fn cluster_findings(layout: &TrinoLayout, cluster: &Cluster) -> Option<Finding> {
    let (object, props, key, namespace) = cluster.coordinator.as_ref()?;
    let per_node = cluster.worker_per_node?;
    if !memory::cluster_sizes_readable(props) {
        return None;
    }
    let workers = layout.worker_count(namespace);
    if workers == 0 {
        return None;
    }
    let max_memory = memory::effective_max_memory(props);
    let capacity = memory::workers_capacity(workers, per_node);
    (max_memory > capacity).then(|| Finding::new(
        "trino.query-memory-above-workers",
        Severity::Warning,
        Component::Trino,
        object.clone(),
        format!(
            "{MAX_MEMORY} {} is more than the workers can hold: {workers} workers x {} {PER_NODE} = {}",
            readable_data_size(max_memory),
            readable_data_size(per_node),
            readable_data_size(capacity)
        ),
        format!(
            "set {MAX_MEMORY}={} in ConfigMap {} or add workers; `kubectl dp tune plan` proposes it",
            format_data_size(capacity),
            object.name
        ),
    ).with_field(FieldRef::config_map_line(object, key, props.line_of(MAX_MEMORY).unwrap_or(1))))
}

fn readiness_finding(node: &TrinoNode) -> Option<Finding> {
    let w = &node.workload;
    if w.ready >= w.desired {
        return None;
    }
    let (code, severity) = if node.role == Role::Coordinator || w.ready == 0 {
        ("trino.not-ready", Severity::Critical)
    } else {
        ("trino.degraded", Severity::Warning)
    };
    Some(Finding::new(
        code,
        severity,
        Component::Trino,
        w.object(),
        format!("{} {} ready", node.role, w.readiness()),
        format!(
            "look at the pods: kubectl get pods -n {} -l app.kubernetes.io/name=trino",
            w.namespace()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    #[test]
    fn reference_sizes_are_healthy() {
        // The tuned reference platform: 8G heap in 10Gi, 24G heap in 28Gi.
        let snapshot = trino_snapshot("8G", "10Gi", "24G", "28Gi", "");
        let section = analyse(&snapshot);
        assert!(section.findings.is_empty(), "{:#?}", section.findings);
        assert_eq!(section.status.state, crate::status::report::State::Healthy);
        assert!(
            section.status.summary.contains("coordinator 1/1"),
            "{}",
            section.status.summary
        );
    }

    #[test]
    fn heap_above_limit_is_critical() {
        let section = analyse(&trino_snapshot("8G", "10Gi", "24G", "16Gi", ""));
        let finding = section
            .findings
            .iter()
            .find(|f| f.code == "trino.heap-above-limit")
            .expect("finding");
        assert_eq!(finding.severity, Severity::Critical);
        assert!(finding.message.contains("-Xmx24G"), "{}", finding.message);
        assert!(finding.message.contains("16Gi"), "{}", finding.message);
    }

    #[test]
    fn a_refused_heap_option_is_the_one_heap_finding() {
        // -Xmx80% never starts a JVM: "no heap set, 25% by default" beside it
        // would point the wrong way.
        let section = analyse(&trino_snapshot("8G", "10Gi", "80%", "28Gi", ""));
        let codes = codes(&section.findings);
        assert!(codes.contains(&"trino.jvm-option-refused"), "{codes:?}");
        assert!(
            !codes.iter().any(|c| c.starts_with("trino.heap-")),
            "{codes:?}"
        );
    }

    #[test]
    fn heap_near_limit_is_a_warning() {
        // 9G of 10Gi is 90%.
        let section = analyse(&trino_snapshot("9G", "10Gi", "24G", "28Gi", ""));
        assert_eq!(codes(&section.findings), ["trino.heap-near-limit"]);
    }

    #[test]
    fn query_memory_plus_headroom_must_stay_below_heap() {
        let extra = "query.max-memory-per-node=16GB\nmemory.heap-headroom-per-node=9GB\n";
        let section = analyse(&trino_snapshot("8G", "10Gi", "24G", "28Gi", extra));
        assert!(codes(&section.findings).contains(&"trino.query-memory-exceeds-heap"));
        // Equal to the heap is what Trino accepts.
        let extra = "query.max-memory-per-node=16GB\nmemory.heap-headroom-per-node=8GB\n";
        let section = analyse(&trino_snapshot("8G", "10Gi", "24G", "28Gi", extra));
        assert!(!codes(&section.findings).contains(&"trino.query-memory-exceeds-heap"));
    }

    #[test]
    fn literal_credentials_in_a_catalog_are_named_never_shown() {
        let mut snapshot = trino_snapshot("8G", "10Gi", "24G", "28Gi", "");
        let cm = &mut snapshot.config_maps.items[0];
        cm.data.get_or_insert_default().insert(
            "lake.properties".into(),
            "connector.name=iceberg\ns3.aws-secret-key=hunter2\ns3.endpoint=http://s3.x.svc\niceberg.jdbc-catalog.connection-password=${ENV:PG}\n".into(),
        );
        let findings = analyse(&snapshot).findings;
        let secret: Vec<_> = findings
            .iter()
            .filter(|f| f.code == "trino.catalog-literal-secret")
            .collect();
        assert_eq!(secret.len(), 1, "{findings:#?}");
        assert!(secret[0].message.contains("s3.aws-secret-key"));
        assert!(secret[0].hint.contains("${ENV:NAME}"));
        let all = format!("{findings:?}");
        assert!(!all.contains("hunter2"), "{all}");
    }

    #[test]
    fn absurd_sizes_are_a_finding_not_a_panic() {
        for extra in [
            "query.max-memory-per-node=99999999999999PB\n",
            "memory.heap-headroom-per-node=99999999999999PB\nquery.max-memory=1e400GB\n",
            "query.max-memory=99999999999999PB\nquery.max-total-memory=99999999999999PB\n",
        ] {
            let section = analyse(&trino_snapshot("8G", "10Gi", "24G", "28Gi", extra));
            let finding = section
                .findings
                .iter()
                .find(|f| f.code == "trino.config-invalid-size")
                .unwrap_or_else(|| panic!("{extra}: {:#?}", section.findings));
            assert!(
                finding
                    .message
                    .contains("is too large (more than 2^63 − 1 bytes)"),
                "{}",
                finding.message
            );
            assert!(finding.hint.contains("a data size"), "{}", finding.hint);
        }
    }

    #[test]
    fn removed_property_and_garbage_lines_are_named() {
        let extra = "query.max-total-memory-per-node=4GB\nthis line is garbage\n";
        let section = analyse(&trino_snapshot("8G", "10Gi", "24G", "28Gi", extra));
        let codes = codes(&section.findings);
        assert!(codes.contains(&"trino.removed-property"));
        let malformed = section
            .findings
            .iter()
            .find(|f| f.code == "trino.config-malformed")
            .unwrap();
        assert!(malformed.message.contains("line"), "{}", malformed.message);
    }
}
