//! A Trino node's JVM: options the JVM refuses, the heap (however it is set)
//! against the container limit, and legacy flags.

use crate::findings::{Component, FieldRef, Finding, ObjectRef, Severity};
use crate::platform::jvm::heap::{Heap, HeapSetting, Origin};
use crate::platform::jvm::{JvmConfig, format_jvm_size};
use crate::platform::quantity::readable_bytes;
use crate::platform::trino::TrinoNode;
use crate::platform::trino::memory::{HEAP_SHARE_MAX, suggested_heap};

/// Findings about one node's JVM; `jvm_object` is the ConfigMap holding its jvm.config.
pub(super) fn findings(node: &TrinoNode, heap: &Heap, limit: Option<u64>) -> Vec<Finding> {
    let role = node.role;
    let jvm_object = node
        .files
        .jvm_config
        .as_ref()
        .map(|f| {
            ObjectRef::namespaced("ConfigMap", node.workload.namespace(), &f.source.config_map)
        })
        .unwrap_or_else(|| node.workload.object());
    let mut out: Vec<Finding> = heap
        .refused
        .iter()
        .map(|refusal| {
            Finding::new(
                "trino.jvm-option-refused",
                Severity::Critical,
                Component::Trino,
                jvm_object.clone(),
                format!(
                    "{role}: the JVM refuses {} ({}): {}; it will not start",
                    refusal.option, refusal.origin, refusal.reason
                ),
                format!(
                    "fix {} (one option per line, e.g. -Xmx8G or -XX:MaxRAMPercentage=80)",
                    refusal.origin
                ),
            )
            .with_field(origin_field(node, &refusal.origin))
        })
        .collect();
    // The heap's own setting when it has one, else the container's limit.
    let heap_field = heap
        .origin()
        .map(|origin| origin_field(node, origin))
        .unwrap_or_else(|| container_field(node, &["resources", "limits", "memory"]));
    // A JVM that refuses an option never starts: its heap share is moot, and
    // "no heap set" beside a refused -Xmx80% would send the user the wrong way.
    if heap.refused.is_empty() {
        out.extend(heap_share(node, heap, limit).map(|f| f.with_field(heap_field)));
    }
    if let Some(jvm) = node.jvm_config() {
        let first_line = jvm.legacy_flags().first().map(|(_, _, line)| *line);
        out.extend(legacy_flags(&jvm, &jvm_object).map(|f| {
            match (first_line, &node.files.jvm_config) {
                (Some(line), Some(file)) => f.with_field(FieldRef::config_map_line(
                    &jvm_object,
                    &file.source.key,
                    line,
                )),
                _ => f,
            }
        }));
    }
    out
}

/// A field of the node's Trino container (`resources.limits.memory`).
fn container_field(node: &TrinoNode, path: &[&str]) -> FieldRef {
    let name = node.container.map(|c| c.name.as_str()).unwrap_or_default();
    let mut full = vec!["spec", "template", "spec", "containers"];
    let selector = format!("name={name}");
    full.push(&selector);
    full.extend_from_slice(path);
    FieldRef::at(&full)
}

/// Where a JVM option was written: its line of jvm.config, or the env var.
fn origin_field(node: &TrinoNode, origin: &Origin) -> FieldRef {
    match (origin, &node.files.jvm_config) {
        (Origin::JvmConfig { line }, Some(file)) => {
            let object = ObjectRef::namespaced(
                "ConfigMap",
                node.workload.namespace(),
                &file.source.config_map,
            );
            FieldRef::config_map_line(&object, &file.source.key, *line)
        }
        (Origin::JavaToolOptions, _) => {
            container_field(node, &["env", "name=JAVA_TOOL_OPTIONS", "value"])
        }
        (Origin::JdkJavaOptions, _) => {
            container_field(node, &["env", "name=JDK_JAVA_OPTIONS", "value"])
        }
        (Origin::JvmConfig { .. }, None) => container_field(node, &[]),
    }
}

/// The heap against the container limit: above it (OOM kill), near it (no room
/// off-heap), left to the JVM's default, or a fixed heap with no limit at all.
fn heap_share(node: &TrinoNode, heap: &Heap, limit: Option<u64>) -> Option<Finding> {
    let role = node.role;
    let object = node.workload.object();
    let Some(limit) = limit else {
        return heap.is_set().then(|| {
            Finding::new(
                "trino.no-memory-limit",
                Severity::Warning,
                Component::Trino,
                object,
                format!("{role} sets its heap ({}) but has no container memory limit", heap.describe()),
                "set resources.limits.memory so the heap share can be checked and the quota can count it",
            )
        });
    };
    let safe = format_jvm_size(suggested_heap(limit));
    let max = heap.max?;
    let share = max as f64 / limit as f64;
    if let HeapSetting::Default { .. } = heap.setting {
        return Some(Finding::new(
            "trino.heap-not-set",
            Severity::Warning,
            Component::Trino,
            object,
            format!(
                "{role}: {}; Trino needs most of the container for its heap",
                heap.describe()
            ),
            format!(
                "set -Xmx to 70-85% of the {} limit (about -Xmx{safe}), or -XX:MaxRAMPercentage=80",
                readable_bytes(limit)
            ),
        ));
    }
    if max > limit {
        return Some(Finding::new(
            "trino.heap-above-limit",
            Severity::Critical,
            Component::Trino,
            object,
            format!(
                "{role} {} exceeds its container memory limit {}: the kernel will OOM-kill it",
                heap.describe(),
                readable_bytes(limit)
            ),
            format!(
                "set -Xmx to 70-85% of the limit (about -Xmx{safe}) or raise the limit; `kubectl dp tune plan` does the arithmetic"
            ),
        ));
    }
    (share > HEAP_SHARE_MAX).then(|| {
        Finding::new(
            "trino.heap-near-limit",
            Severity::Warning,
            Component::Trino,
            object,
            format!(
                "{role} {} is {:.0}% of its container limit {} (keep it at 70-85% for off-heap memory)",
                heap.describe(),
                share * 100.0,
                readable_bytes(limit)
            ),
            format!("lower the heap to about -Xmx{safe} or raise the limit"),
        )
    })
}

fn legacy_flags(jvm: &JvmConfig, object: &ObjectRef) -> Option<Finding> {
    let legacy = jvm.legacy_flags();
    (!legacy.is_empty()).then(|| {
        let list: Vec<String> = legacy
            .iter()
            .map(|(flag, why, line)| format!("{flag} (line {line}: {why})"))
            .collect();
        Finding::new(
            "trino.legacy-jvm-flag",
            Severity::Warning,
            Component::Trino,
            object.clone(),
            format!("jvm.config uses legacy JVM flags: {}", list.join("; ")),
            "remove them; `kubectl dp tune plan` proposes the documented flag set",
        )
    })
}
