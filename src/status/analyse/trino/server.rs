//! A Trino node's config.properties: lines that do not parse, removed
//! properties, sizes Trino does not accept, and the memory checks Trino makes at
//! start-up (per node against the heap; on the coordinator, cluster query memory
//! against its total and against what the workers hold).

use crate::findings::{Component, FieldRef, Finding, ObjectRef, Severity};
use crate::platform::jvm::format_jvm_size;
use crate::platform::properties::{MAX_DATA_SIZE, Properties, format_data_size, parse_data_size};
use crate::platform::trino::memory::{
    self, HEADROOM, MAX_MEMORY, MAX_TOTAL, PER_NODE, effective_headroom, effective_per_node,
    memory_exceeds_heap,
};
use crate::platform::trino::{REMOVED_SERVER_PROPERTIES, Role, TrinoNode};

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
    for (key, why) in REMOVED_SERVER_PROPERTIES {
        if let Some(line) = props.line_of(key) {
            out.push(
                Finding::new(
                    "trino.removed-property",
                    Severity::Critical,
                    Component::Trino,
                    object.clone(),
                    format!(
                        "config.properties line {line}: {key} is {why}; Trino refuses to start"
                    ),
                    format!("remove {key} from ConfigMap {}", object.name),
                )
                .with_field(line_of(key)),
            );
        }
    }
    for key in [PER_NODE, HEADROOM, MAX_MEMORY, MAX_TOTAL] {
        if let Some(value) = props.get(key)
            && parse_data_size(value).is_none()
        {
            out.push(Finding::new(
                "trino.config-invalid-size",
                Severity::Critical,
                Component::Trino,
                object.clone(),
                format!(
                    "config.properties line {}: {key} is not a data size Trino accepts (at most {}); Trino refuses to start",
                    props.line_of(key).unwrap_or_default(),
                    format_data_size(MAX_DATA_SIZE)
                ),
                format!("set {key} to a size such as 8GB in ConfigMap {}", object.name),
            ).with_field(line_of(key)));
        }
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
            format_data_size(per_node),
            format_data_size(headroom),
            format_data_size(per_node.saturating_add(headroom)),
            format_jvm_size(heap)
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
            format_data_size(memory::effective_max_total(props)),
            set_or_default(MAX_TOTAL),
            format_data_size(memory::effective_max_memory(props)),
            set_or_default(MAX_MEMORY),
        ),
        format!(
            "set {MAX_TOTAL} to at least {MAX_MEMORY} in ConfigMap {}",
            object.name
        ),
    )
}
