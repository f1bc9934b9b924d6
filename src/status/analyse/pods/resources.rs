//! How much cpu or memory a pod misses on the best node, and a crashed JVM's
//! memory limit and heap.

use k8s_openapi::api::core::v1::{Pod, PodSpec};

use crate::platform::jvm::{JvmConfig, readable_jvm_size};
use crate::platform::resources;
use crate::platform::workload::{self as spec_refs, all_containers};
use crate::snapshot::Snapshot;

/// ` (needs 40Gi memory; the node with the most free memory, n1, has 3Gi: 37Gi missing)`
/// when the scheduler lacks cpu or memory and the nodes were read.
pub(super) fn missing_capacity(snapshot: &Snapshot, spec: &PodSpec, message: &str) -> String {
    let (Some(nodes), Some(pods)) = (&snapshot.nodes, &snapshot.scheduled_pods) else {
        return String::new();
    };
    if !nodes.is_available() {
        return " (node capacity not readable, so the shortfall is not known)".into();
    }
    let now = snapshot.taken_at.unwrap_or_else(jiff::Timestamp::now);
    let free = resources::free_per_node(&nodes.items, &pods.items, now, |_| false);
    let requests = resources::effective(spec, false);
    let mut parts = Vec::new();
    for (resource, words) in [
        ("memory", "Insufficient memory"),
        ("cpu", "Insufficient cpu"),
    ] {
        if !message.contains(words) {
            continue;
        }
        let Some((node, has, missing)) = resources::shortfall(&free, &requests, resource) else {
            continue;
        };
        let wanted = requests.get(resource).copied().unwrap_or_default();
        parts.push(format!(
            "needs {} {resource}; the node with the most free {resource}, {node}, has {}: {} missing",
            wanted.display_for(resource),
            has.display_for(resource),
            missing.display_for(resource)
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

/// `, memory limit 16Gi, -Xmx24G (jvm.config in ConfigMap x)` for an OOM kill.
pub(super) fn memory_context(snapshot: &Snapshot, pod: &Pod, container: &str) -> String {
    let Some(spec) = pod.spec.as_ref() else {
        return String::new();
    };
    let Some(c) = all_containers(spec).find(|c| c.name == container) else {
        return String::new();
    };
    let mut out = match spec_refs::memory_limit(c) {
        Some(limit) => format!("; memory limit {}", limit.display_bytes()),
        None => "; no memory limit (the node ran out)".into(),
    };
    if let Some((heap, source)) = jvm_heap(snapshot, pod, spec, c) {
        out.push_str(&format!(
            ", JVM heap -Xmx{} ({source})",
            readable_jvm_size(heap)
        ));
    }
    out
}

/// The -Xmx of a JVM container: from a mounted `jvm.config`, else from
/// JAVA_OPTS-style env vars.
pub fn jvm_heap(
    snapshot: &Snapshot,
    pod: &Pod,
    spec: &PodSpec,
    c: &k8s_openapi::api::core::v1::Container,
) -> Option<(u64, String)> {
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    for cm_name in spec_refs::config_maps(spec) {
        let Some(text) = snapshot
            .config_map(ns, &cm_name)
            .and_then(|cm| cm.data.as_ref()?.get("jvm.config"))
        else {
            continue;
        };
        if let Some((heap, _)) = JvmConfig::parse(text).max_heap() {
            return Some((heap, format!("jvm.config in ConfigMap {cm_name}")));
        }
    }
    for var in [
        "JAVA_OPTS",
        "JAVA_TOOL_OPTIONS",
        "JDK_JAVA_OPTIONS",
        "JAVA_OPTS_APPEND",
    ] {
        if let Some(value) = spec_refs::env_value(c, var) {
            let lines = value.split_whitespace().collect::<Vec<_>>().join("\n");
            if let Some((heap, _)) = JvmConfig::parse(&lines).max_heap() {
                return Some((heap, format!("env {var}")));
            }
        }
    }
    None
}
