//! config.properties: per-node query memory and headroom below the heap, cluster
//! query memory consistent with the workers, removed properties.

use super::proposal::{Edit, Profile, Proposal};
use crate::platform::properties::{Properties, format_data_size, readable_data_size};
use crate::platform::trino::memory::{self, workers_capacity};
pub use crate::platform::trino::memory::{
    DEFAULT_MAX_MEMORY, HEADROOM, MAX_MEMORY, MAX_TOTAL, PER_NODE, effective_headroom,
    effective_per_node, memory_exceeds_heap,
};
use crate::platform::trino::removed_server_property;
use crate::platform::trino::values::{HeapSize, heap_size};

use super::round_size;

/// Sets `key` to `value` in a properties file ([`super::iceberg::proposal`]).
fn set(
    props: &Properties,
    key: &str,
    value: String,
    rule: &'static str,
    reason: String,
) -> Proposal {
    super::iceberg::proposal(props, key, Some(&value), rule, reason)
}

/// Per-node rules; returns the proposals and the per-node query memory after them.
pub(crate) fn node_rules(
    props: &Properties,
    heap: Option<u64>,
    profile: Profile,
) -> (Vec<Proposal>, Option<u64>) {
    let mut out = Vec::new();
    let mut removed = std::collections::BTreeSet::new();
    for (key, _, _) in props.entries() {
        let Some(why) = removed_server_property(key) else {
            continue;
        };
        if removed.insert(key) {
            out.push(Proposal {
                setting: key.to_string(),
                line: props.line_of(key),
                current: props.get(key).map(str::to_string),
                proposed: None,
                rule: "trino.removed-property",
                reason: format!("{why}; Trino refuses to start"),
                edit: Edit::PropRemove {
                    key: key.to_string(),
                },
            });
        }
    }
    let Some(heap) = heap else {
        let per_node = match props.get(PER_NODE).map(heap_size) {
            Some(Ok(HeapSize::Bytes(bytes))) => Some(bytes),
            _ => None,
        };
        return (out, per_node);
    };
    let per_node = effective_per_node(props, heap);
    let headroom = effective_headroom(props, heap);
    // A value that is set but is no size Trino accepts (`lots`, `99999999999999PB`,
    // `0GB`, `150%`) is replaced too: Trino refuses to start with it.
    let invalid: Vec<&str> = [PER_NODE, HEADROOM]
        .into_iter()
        .filter(|key| props.get(key).is_some_and(|v| heap_size(v).is_err()))
        .collect();
    if invalid.is_empty() && !memory_exceeds_heap(per_node, headroom, heap) {
        return (out, Some(per_node));
    }
    let (num, den) = profile.query_share();
    let new_per_node = round_size((heap as u128 * num as u128 / den as u128) as u64);
    let new_headroom = round_size(heap / 10 * 3);
    let why = if invalid.is_empty() {
        format!(
            // The heap may be a percentage or the JVM's default: its size, not a flag.
            "{PER_NODE} {} + {HEADROOM} {} = {} is more than the {} heap (Trino refuses to start)",
            readable_data_size(per_node),
            readable_data_size(headroom),
            readable_data_size(per_node.saturating_add(headroom)),
            crate::platform::quantity::readable_bytes(heap)
        )
    } else {
        format!(
            "{} is not a data size Trino accepts (a size such as 8GB below 8192PB, or a share of the heap such as 30%; Trino refuses to start)",
            invalid.join(" and "),
        )
    };
    if new_per_node != per_node || props.get(PER_NODE).is_none() || invalid.contains(&PER_NODE) {
        out.push(set(
            props,
            PER_NODE,
            format_data_size(new_per_node),
            "trino.query-memory-per-node",
            format!(
                "{why}; {}% of the heap = {}",
                num * 100 / den,
                readable_data_size(new_per_node)
            ),
        ));
    }
    if new_headroom != headroom || props.get(HEADROOM).is_none() || invalid.contains(&HEADROOM) {
        out.push(set(
            props,
            HEADROOM,
            format_data_size(new_headroom),
            "trino.heap-headroom",
            format!(
                "{why}; 30% of the heap = {}",
                readable_data_size(new_headroom)
            ),
        ));
    }
    (out, Some(new_per_node))
}

/// Cluster-wide query memory: at most `workers` x per-node query memory, and
/// query.max-total-memory at least query.max-memory.
pub(crate) fn cluster_rules(
    props: &Properties,
    workers: u64,
    worker_per_node: Option<u64>,
) -> Vec<Proposal> {
    let mut out = Vec::new();
    if !memory::cluster_sizes_readable(props) {
        // Noted as refused values (`tune::values`), as status reports them.
        return out;
    }
    let mut max_memory = memory::effective_max_memory(props);
    if let Some(per_node) = worker_per_node
        && workers > 0
    {
        let capacity = workers_capacity(workers, per_node);
        if max_memory > capacity {
            out.push(set(
                props,
                MAX_MEMORY,
                format_data_size(capacity),
                "trino.query-max-memory",
                format!(
                    "{} is more than the workers can hold: {workers} workers x {} per node = {}",
                    readable_data_size(max_memory),
                    readable_data_size(per_node),
                    readable_data_size(capacity)
                ),
            ));
            max_memory = capacity;
        }
    }
    // Trino's default total is twice query.max-memory: only a total that is
    // set (or a query.max-memory raised above twice its default) can be short.
    let total = memory::effective_max_total(props);
    if total < max_memory {
        out.push(set(
            props,
            MAX_TOTAL,
            format_data_size(max_memory),
            "trino.query-max-total-memory",
            format!(
                "{} is below {MAX_MEMORY} {}; it must be at least as large",
                readable_data_size(total),
                readable_data_size(max_memory)
            ),
        ));
    }
    out
}

/// Applies an edit to a properties file.
pub fn apply(props: &mut Properties, edit: &Edit) {
    match edit {
        Edit::PropSet { key, value } => props.set(key, value),
        Edit::PropRemove { key } => {
            props.remove(key);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_worker_settings_pass() {
        // Workers: 24G heap, 7GB + 7GB below it; 3 workers x 7GB = 21GB >= 12GB.
        let props = Properties::parse(
            "query.max-memory=12GB\nquery.max-total-memory=15GB\nquery.max-memory-per-node=7GB\nmemory.heap-headroom-per-node=7GB\n",
        );
        let (proposals, per_node) = node_rules(&props, Some(24 << 30), Profile::Balanced);
        assert!(proposals.is_empty(), "{proposals:#?}");
        assert_eq!(per_node, Some(7 << 30));
        assert!(cluster_rules(&props, 3, per_node).is_empty());
    }

    #[test]
    fn a_refused_cluster_size_gets_no_proposal_from_a_default() {
        // 50gb is refused (noted by tune::values); 20GB in its place would
        // propose a total nobody needs.
        let props = Properties::parse("query.max-memory=50gb\nquery.max-total-memory=15GB\n");
        assert!(cluster_rules(&props, 3, Some(7 << 30)).is_empty());
        let props = Properties::parse("query.max-memory=50GB\nquery.max-total-memory=15GB\n");
        // Written as Trino reads it: cut to 3 x 7GB, and the total raised to it.
        assert_eq!(cluster_rules(&props, 3, Some(7 << 30)).len(), 2);
    }

    #[test]
    fn per_node_plus_headroom_above_heap_is_cut_to_thirty_percent() {
        // 16GB + 9GB = 25GB is more than a 24G heap.
        let props = Properties::parse(
            "query.max-memory-per-node=16GB\nmemory.heap-headroom-per-node=9GB\n",
        );
        let (proposals, per_node) = node_rules(&props, Some(24 << 30), Profile::Balanced);
        assert_eq!(proposals.len(), 2);
        assert_eq!(proposals[0].proposed.as_deref(), Some("7GB"));
        assert!(
            proposals[0]
                .reason
                .contains("16GB + memory.heap-headroom-per-node 9GB = 25GB"),
            "{}",
            proposals[0].reason
        );
        assert_eq!(proposals[1].proposed.as_deref(), Some("7GB"));
        assert_eq!(per_node, Some(7 << 30));
        // Coordinator: 8G heap, 30% = 2.4GB rounds down to 2457MB.
        let (proposals, _) = node_rules(&props, Some(8 << 30), Profile::Balanced);
        assert_eq!(proposals[0].proposed.as_deref(), Some("2457MB"));
    }

    #[test]
    fn a_sum_equal_to_the_heap_starts() {
        // Trino 476 starts with 1GB + 512MB under -Xmx1536M (tests/trino_rules.rs).
        assert!(!memory_exceeds_heap(1 << 30, 512 << 20, 1536 << 20));
        assert!(memory_exceeds_heap(1 << 30, 640 << 20, 1536 << 20));
        let props = Properties::parse(
            "query.max-memory-per-node=16GB\nmemory.heap-headroom-per-node=8GB\n",
        );
        assert!(
            node_rules(&props, Some(24 << 30), Profile::Balanced)
                .0
                .is_empty()
        );
    }

    #[test]
    fn absurd_sizes_are_replaced_not_a_panic() {
        let props = Properties::parse(
            "query.max-memory-per-node=99999999999999PB\nmemory.heap-headroom-per-node=7GB\nquery.max-memory=99999999999999PB\n",
        );
        let (proposals, per_node) = node_rules(&props, Some(24 << 30), Profile::Balanced);
        assert_eq!(proposals[0].setting, PER_NODE);
        assert_eq!(proposals[0].proposed.as_deref(), Some("7GB"));
        assert!(
            proposals[0].reason.contains("not a data size"),
            "{}",
            proposals[0].reason
        );
        // A huge (but valid) per-node size times many workers saturates.
        let _ = cluster_rules(&props, u64::MAX, Some(1 << 62));
        assert_eq!(per_node, Some(7 << 30));
    }

    #[test]
    fn cluster_memory_follows_the_workers() {
        let props = Properties::parse("query.max-memory=100GB\nquery.max-total-memory=50GB\n");
        let proposals = cluster_rules(&props, 3, Some(7 << 30));
        assert_eq!(proposals[0].proposed.as_deref(), Some("21GB"));
        assert!(
            proposals[0]
                .reason
                .contains("3 workers x 7GB per node = 21GB"),
            "{}",
            proposals[0].reason
        );
        // total 50GB is not below the new 21GB: left alone.
        assert_eq!(proposals.len(), 1);
        let props = Properties::parse("query.max-memory=12GB\nquery.max-total-memory=10GB\n");
        let proposals = cluster_rules(&props, 3, Some(7 << 30));
        assert_eq!(proposals.len(), 1);
        assert_eq!(proposals[0].setting, MAX_TOTAL);
        assert_eq!(proposals[0].proposed.as_deref(), Some("12GB"));
    }

    #[test]
    fn removed_property_goes() {
        let mut props = Properties::parse(
            "# keep\nquery.max-total-memory-per-node=4GB\nquery.max-memory-per-node=2GB\n",
        );
        let (proposals, _) = node_rules(&props, Some(8 << 30), Profile::Balanced);
        assert_eq!(proposals.len(), 1);
        apply(&mut props, &proposals[0].edit);
        assert_eq!(props.to_string(), "# keep\nquery.max-memory-per-node=2GB\n");
    }
}
