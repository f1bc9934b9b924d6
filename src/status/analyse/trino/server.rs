//! A Trino node's config.properties: lines that do not parse, removed
//! properties, values Trino does not accept (by type and bound, memory sizes
//! among them: [`values`]), and the memory checks Trino makes at
//! start-up (per node against the heap; on the coordinator, cluster query memory
//! against its total and against what the workers hold).

use crate::findings::{Component, FieldRef, Finding, ObjectRef, Severity};
use crate::platform::properties::{Properties, readable_data_size};
use crate::platform::trino::memory::{
    self, HEADROOM, MAX_MEMORY, MAX_TOTAL, PER_NODE, effective_headroom, effective_per_node,
    memory_exceeds_heap,
};
use crate::platform::trino::values::{self, Table};
use crate::platform::trino::{Role, TrinoNode, removed_server_property};

/// One `trino.config-malformed` finding per line of `file` that is not a
/// property; `named` is how the message names the file.
pub(super) fn malformed_lines(
    props: &Properties,
    object: &ObjectRef,
    file: &str,
    named: &str,
) -> Vec<Finding> {
    props
        .problems()
        .into_iter()
        .map(|problem| {
            Finding::new(
                "trino.config-malformed",
                Severity::Critical,
                Component::Trino,
                object.clone(),
                format!("{named} line {}: {}", problem.line, problem.reason),
                format!("fix {file} in ConfigMap {}", object.name),
            )
            .with_field(FieldRef::config_map_line(object, file, problem.line))
        })
        .collect()
}

/// Findings about one node's config.properties, held in key `key` of ConfigMap `object`.
pub(super) fn findings(
    node: &TrinoNode,
    object: &ObjectRef,
    key: &str,
    props: &Properties,
    heap: Option<u64>,
) -> Vec<Finding> {
    let line_of =
        |name: &str| FieldRef::config_map_line(object, key, props.line_of(name).unwrap_or(1));
    let mut out = malformed_lines(props, object, key, "config.properties");
    let mut removed = std::collections::BTreeSet::new();
    for (name, _, _) in props.entries() {
        let Some(why) = removed_server_property(name) else {
            continue;
        };
        if removed.insert(name) {
            let line = props.line_of(name).unwrap_or_default();
            out.push(
                Finding::new(
                    "trino.removed-property",
                    Severity::Critical,
                    Component::Trino,
                    object.clone(),
                    format!(
                        "config.properties line {line}: {name} is {why}; Trino refuses to start"
                    ),
                    format!("remove {name} from ConfigMap {}", object.name),
                )
                .with_field(line_of(name)),
            );
        }
    }
    for refusal in values::check(props, Table::Server, &[]) {
        out.push(
            Finding::new(
                refusal.code(),
                Severity::Critical,
                Component::Trino,
                object.clone(),
                refusal.message("config.properties", "Trino refuses to start"),
                format!("{} in ConfigMap {}", refusal.fix(), object.name),
            )
            .with_field(FieldRef::config_map_line(object, key, refusal.line)),
        );
    }
    if let Some(heap) = heap {
        let set = [PER_NODE, HEADROOM]
            .into_iter()
            .find(|k| props.get(k).is_some());
        out.extend(memory_against_heap(node, props, heap).map(|f| match set {
            Some(name) => f.with_field(line_of(name)),
            None => f,
        }));
    }
    if node.role == Role::Coordinator && memory::total_below_max(props) {
        let set = [MAX_TOTAL, MAX_MEMORY]
            .into_iter()
            .find(|k| props.get(k).is_some());
        let finding = total_below_max(object, props);
        out.push(match set {
            Some(name) => finding.with_field(line_of(name)),
            None => finding,
        });
    }
    out
}

fn memory_against_heap(node: &TrinoNode, props: &Properties, heap: u64) -> Option<Finding> {
    let per_node = effective_per_node(props, heap);
    let headroom = effective_headroom(props, heap);
    memory_exceeds_heap(per_node, headroom, heap).then(|| Finding::new(
        "trino.query-memory-exceeds-heap",
        Severity::Critical,
        Component::Trino,
        node.workload.object(),
        format!(
            "{}: {PER_NODE} {} + {HEADROOM} {} = {} is more than the heap {}; Trino refuses to start",
            node.role,
            readable_data_size(per_node),
            readable_data_size(headroom),
            readable_data_size(per_node.saturating_add(headroom)),
            // However the heap is written (a percentage, MaxRAM, the env), say how.
            node.heap().describe()
        ),
        "keep their sum below the heap (e.g. 30% + 30%); `kubectl dp tune plan` proposes values",
    ))
}

fn total_below_max(object: &ObjectRef, props: &Properties) -> Finding {
    let set_or_default = |key: &str| {
        if props.get(key).is_some() {
            ""
        } else {
            " (default)"
        }
    };
    Finding::new(
        "trino.query-total-below-max",
        Severity::Critical,
        Component::Trino,
        object.clone(),
        format!(
            "{MAX_TOTAL} {}{} is below {MAX_MEMORY} {}{}: the coordinator refuses to start",
            readable_data_size(memory::effective_max_total(props)),
            set_or_default(MAX_TOTAL),
            readable_data_size(memory::effective_max_memory(props)),
            set_or_default(MAX_MEMORY),
        ),
        format!(
            "set {MAX_TOTAL} to at least {MAX_MEMORY} in ConfigMap {}",
            object.name
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::super::super::fixtures::{codes, trino_snapshot};
    use super::super::analyse;

    fn findings(extra: &str) -> Vec<(&'static str, String)> {
        analyse(&trino_snapshot("8G", "10Gi", "24G", "28Gi", extra))
            .findings
            .into_iter()
            .map(|f| (f.code, f.message))
            .collect()
    }

    #[test]
    fn values_trino_refuses_are_named_with_line_value_and_what_it_accepts() {
        let extra = "task.concurrency=12\nspill-enabled=yes\nshutdown.grace-period=2min\nexchange.compression-codec=zstd\nhttp-server.http.port=${ENV:PORT}\nhive.s3.max-connections=10\n";
        let got = findings(extra);
        // The fixture's worker file starts with 2 lines of its own.
        let lines: Vec<&str> = got.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            lines,
            [
                "config.properties line 3: task.concurrency=12 is not a power of two (TaskManagerConfig); Trino refuses to start",
                "config.properties line 4: spill-enabled=yes is neither true nor false (FeaturesConfig); Trino refuses to start",
                "config.properties line 5: shutdown.grace-period=2min has the unknown unit 'min' (ServerConfig); Trino refuses to start",
            ],
            "{got:#?}"
        );
        assert!(got.iter().all(|(c, _)| *c == "trino.config-invalid-value"));
    }

    #[test]
    fn memory_sizes_keep_their_code_and_shares_of_the_heap_are_sizes() {
        let snapshot = trino_snapshot(
            "8G",
            "10Gi",
            "24G",
            "28Gi",
            "query.max-memory-per-node=30%\nmemory.heap-headroom-per-node=10%\n",
        );
        assert!(
            analyse(&snapshot).findings.is_empty(),
            "{:#?}",
            analyse(&snapshot).findings
        );
        let snapshot = trino_snapshot(
            "8G",
            "10Gi",
            "24G",
            "28Gi",
            "query.max-memory-per-node=8gb\nmemory.heap-headroom-per-node=150%\n",
        );
        assert_eq!(
            codes(&analyse(&snapshot).findings),
            ["trino.config-invalid-size", "trino.config-invalid-size"]
        );
        // 70% + 40% of the heap is more than the heap.
        let snapshot = trino_snapshot(
            "8G",
            "10Gi",
            "24G",
            "28Gi",
            "query.max-memory-per-node=70%\nmemory.heap-headroom-per-node=40%\n",
        );
        assert_eq!(
            codes(&analyse(&snapshot).findings),
            ["trino.query-memory-exceeds-heap"]
        );
    }

    #[test]
    fn a_refused_cluster_size_is_reported_once_not_through_defaults() {
        // query.max-memory=50gb is refused; a 20GB default in its place would
        // give "15GB below 20GB" and "20GB above the workers": neither is said.
        let mut snapshot = trino_snapshot("8G", "10Gi", "24G", "28Gi", "");
        let coordinator = &mut snapshot.config_maps.items[0];
        coordinator.data.as_mut().unwrap().insert(
            "config.properties".into(),
            "coordinator=true\nquery.max-memory=50gb\nquery.max-total-memory=15GB\n".into(),
        );
        let found = analyse(&snapshot).findings;
        assert_eq!(codes(&found), ["trino.config-invalid-size"], "{found:#?}");
        assert!(
            found[0]
                .message
                .contains("query.max-memory=50gb has the unknown unit 'gb'"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn every_defunct_property_is_removed() {
        let got = findings("task.max-memory=1GB\n");
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!(got[0].0, "trino.removed-property");
        assert!(
            got[0].1.contains("defunct property in Trino 476"),
            "{}",
            got[0].1
        );
    }
}
