//! What perf reads from the platform snapshot: where the Trino coordinator
//! runs (found as `kubectl dp status` finds it) and the settings tuning changes.

use k8s_openapi::api::core::v1::Pod;

use crate::platform::jvm::readable_jvm_size;
use crate::platform::trino::{Role, TrinoLayout};
use crate::platform::workload;
use crate::snapshot::Snapshot;

use super::report::Setting;

/// Trino's default HTTP port.
pub(crate) const TRINO_PORT: u16 = 8080;

/// The coordinator pod perf port-forwards to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coordinator {
    /// `Deployment` or `StatefulSet`.
    pub kind: &'static str,
    /// The workload's name.
    pub workload: String,
    /// Its namespace.
    pub namespace: String,
    /// A ready pod of it.
    pub pod: String,
    /// The Trino container's http port.
    pub port: u16,
}

/// The coordinator's ready pod, or why there is none.
pub(crate) fn find_coordinator(snapshot: &Snapshot) -> Result<Coordinator, String> {
    let layout = layout(snapshot);
    let Some(w) = layout
        .with_role(Role::Coordinator)
        .next()
        .map(|n| n.workload)
    else {
        return Err(format!(
            "no Trino coordinator (a Deployment or StatefulSet labelled app.kubernetes.io/name=trino, component coordinator) in {}",
            snapshot
                .scope
                .as_ref()
                .map(|s| s.describe())
                .unwrap_or_else(|| "the scope".into())
        ));
    };
    let pods = w.pods(&snapshot.pods.items);
    let Some(pod) = pods.iter().find(|p| is_ready(p)) else {
        return Err(format!(
            "{} {}/{} has no ready pod ({} ready)",
            w.kind,
            w.namespace(),
            w.name(),
            w.readiness()
        ));
    };
    let port = w
        .pod_spec()
        .and_then(crate::platform::trino::layout::trino_container)
        .and_then(|c| {
            let ports = c.ports.as_ref()?;
            ports
                .iter()
                .find(|p| p.name.as_deref() == Some("http"))
                .or_else(|| ports.first())
                .map(|p| p.container_port)
        })
        .and_then(|p| u16::try_from(p).ok())
        .unwrap_or(TRINO_PORT);
    Ok(Coordinator {
        kind: w.kind.as_str(),
        workload: w.name().to_string(),
        namespace: w.namespace().to_string(),
        pod: pod.metadata.name.clone().unwrap_or_default(),
        port,
    })
}

fn is_ready(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_none()
        && pod
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// The keys of Trino's config files that `kubectl dp tune` sets.
const TUNED_PROPERTIES: &[&str] = &[
    "query.max-memory",
    "query.max-memory-per-node",
    "query.max-total-memory",
    "memory.heap-headroom-per-node",
    "task.concurrency",
];

/// The Trino installation of the snapshot.
fn layout(snapshot: &Snapshot) -> TrinoLayout<'_> {
    let workloads = workload::workloads(&snapshot.deployments.items, &snapshot.stateful_sets.items);
    TrinoLayout::read(&workloads, &|ns, name| snapshot.config_map(ns, name))
}

/// Heap, memory limit and the tuned properties of each Trino workload, read
/// from the files its Trino container reads.
pub(crate) fn tuned_settings(snapshot: &Snapshot) -> Vec<Setting> {
    let mut settings = Vec::new();
    for node in &layout(snapshot).nodes {
        let w = &node.workload;
        let object = format!("{} {}/{}", w.kind, w.namespace(), w.name());
        if let Some(limit) = node.container.and_then(workload::memory_limit) {
            settings.push(Setting {
                object: object.clone(),
                key: "resources.limits.memory".into(),
                value: limit.to_string(),
            });
        }
        let heap = node.heap();
        if let Some(max) = heap.max.filter(|_| heap.is_set()) {
            settings.push(Setting {
                object: object.clone(),
                key: "heap".into(),
                value: readable_jvm_size(max),
            });
        }
        let Some(file) = &node.files.config_properties else {
            continue;
        };
        let cm_object = format!("ConfigMap {}/{}", w.namespace(), file.source.config_map);
        for key in TUNED_PROPERTIES {
            if let Some(value) = node
                .config_properties()
                .as_ref()
                .and_then(|p| p.get(key).map(str::to_string))
            {
                settings.push(Setting {
                    object: cm_object.clone(),
                    key: format!("config.properties {key}"),
                    value,
                });
            }
        }
    }
    settings.dedup();
    settings
}
