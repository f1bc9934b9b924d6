//! Trino's memory arithmetic, as the server checks it at start-up: per-node
//! query memory and heap headroom against the heap (`LocalMemoryManager`),
//! cluster query memory against its total (`ClusterMemoryManager`), and the heap
//! against the container. `status` reports a violation, `tune` proposes values
//! that pass; both call these functions, so they cannot disagree.

use crate::platform::properties::{Properties, parse_data_size};
use crate::platform::trino::values::heap_size;

/// Query memory per node.
pub const PER_NODE: &str = "query.max-memory-per-node";
/// Heap kept free of queries per node.
pub const HEADROOM: &str = "memory.heap-headroom-per-node";
/// User memory per query, cluster-wide.
pub const MAX_MEMORY: &str = "query.max-memory";
/// Total memory per query, cluster-wide.
pub const MAX_TOTAL: &str = "query.max-total-memory";

/// Trino's default for `query.max-memory`.
pub const DEFAULT_MAX_MEMORY: u64 = 20 << 30;

/// Below this share of the container limit the heap wastes the container's memory.
pub(crate) const HEAP_SHARE_MIN: f64 = 0.70;
/// -Xmx above about 85% of the container limit leaves too little for off-heap
/// memory (thread stacks, direct buffers, code cache) and the kernel OOM-kills.
/// 0.86 lets whole-GiB heaps at the top of the range pass: the reference
/// platform's 24G in 28Gi is 85.7%.
pub(crate) const HEAP_SHARE_MAX: f64 = 0.86;

/// 80% of the container limit, rounded down to a whole GiB (MiB below 4GiB):
/// the heap `status` suggests and `tune` proposes with the balanced profile.
pub(crate) fn suggested_heap(limit_bytes: u64) -> u64 {
    round_size(limit_bytes / 10 * 8)
}

/// Rounds down to a whole GiB at 4GiB and above, else to a whole MiB.
pub fn round_size(bytes: u64) -> u64 {
    let unit = if bytes >= 4 << 30 { 1 << 30 } else { 1 << 20 };
    bytes / unit * unit
}

/// 30% of the heap: Trino's default for both per-node query memory and headroom.
fn thirty_percent(heap: u64) -> u64 {
    (u128::from(heap) * 3 / 10) as u64
}

/// A heap-relative setting as Trino reads it (`HeapSizeParser`: a size, or a
/// share of the heap such as `40%`), or its default of 30% of the heap.
fn heap_setting(props: &Properties, key: &str, heap: u64) -> u64 {
    props
        .get(key)
        .and_then(|v| heap_size(v).ok())
        .map_or(thirty_percent(heap), |size| size.of(heap))
}

/// The per-node query memory Trino uses (set, or its default of 30% of the heap).
pub fn effective_per_node(props: &Properties, heap: u64) -> u64 {
    heap_setting(props, PER_NODE, heap)
}

/// The heap headroom Trino keeps (set, or its default of 30% of the heap).
pub fn effective_headroom(props: &Properties, heap: u64) -> u64 {
    heap_setting(props, HEADROOM, heap)
}

/// Whether Trino refuses to start: it checks that query memory per node plus
/// the heap headroom fit the heap the JVM reports (`Runtime.maxMemory()`, which
/// is the maximum heap under G1). A sum equal to the heap starts (proven against
/// Trino 476 by tests/trino_rules.rs); only a larger one is fatal.
pub fn memory_exceeds_heap(per_node: u64, headroom: u64, heap: u64) -> bool {
    per_node.saturating_add(headroom) > heap
}

/// `query.max-memory` as the coordinator uses it (set, or 20GB).
pub(crate) fn effective_max_memory(props: &Properties) -> u64 {
    props
        .get(MAX_MEMORY)
        .and_then(parse_data_size)
        .unwrap_or(DEFAULT_MAX_MEMORY)
}

/// `query.max-total-memory` as the coordinator uses it (set, or twice
/// `query.max-memory`, Trino's `MemoryManagerConfig` default).
pub(crate) fn effective_max_total(props: &Properties) -> u64 {
    props
        .get(MAX_TOTAL)
        .and_then(parse_data_size)
        .unwrap_or(effective_max_memory(props).saturating_mul(2))
}

/// Whether the cluster-wide settings (`query.max-memory`,
/// `query.max-total-memory`) are unset or sizes Trino accepts. When one is
/// not, Trino refuses that value itself (`trino.config-invalid-size`), and the
/// relations between them and the workers are not judged: a default put in
/// its place would give numbers nobody wrote.
pub(crate) fn cluster_sizes_readable(props: &Properties) -> bool {
    [MAX_MEMORY, MAX_TOTAL]
        .iter()
        .all(|key| props.get(key).is_none_or(|v| parse_data_size(v).is_some()))
}

/// Whether the coordinator refuses to start because `query.max-memory` is above
/// `query.max-total-memory` (`ClusterMemoryManager` verifies it, counting the
/// defaults: `query.max-total-memory=10GB` alone is below the 20GB default).
pub(crate) fn total_below_max(props: &Properties) -> bool {
    cluster_sizes_readable(props) && effective_max_total(props) < effective_max_memory(props)
}

/// What the workers can hold of one query: workers x per-node query memory,
/// rounded down as `tune` proposes it.
pub(crate) fn workers_capacity(workers: u64, per_node: u64) -> u64 {
    round_size(per_node.saturating_mul(workers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_count_in_the_cluster_rule() {
        let props = Properties::parse("query.max-total-memory=10GB\n");
        assert!(total_below_max(&props));
        let props = Properties::parse("query.max-memory=50GB\n");
        assert_eq!(effective_max_total(&props), 100 << 30);
        assert!(!total_below_max(&props));
        let props = Properties::parse("query.max-memory=12GB\nquery.max-total-memory=12GB\n");
        assert!(!total_below_max(&props));
    }

    #[test]
    fn heap_defaults_are_thirty_percent() {
        let props = Properties::parse("");
        assert_eq!(effective_per_node(&props, 10 << 30), 3 << 30);
        assert_eq!(effective_headroom(&props, 10 << 30), 3 << 30);
        assert!(!memory_exceeds_heap(3 << 30, 3 << 30, 10 << 30));
        // A share of the heap, as HeapSizeParser reads it.
        let props =
            Properties::parse("query.max-memory-per-node=50%\nmemory.heap-headroom-per-node=1GB\n");
        assert_eq!(effective_per_node(&props, 10 << 30), 5 << 30);
        assert_eq!(effective_headroom(&props, 10 << 30), 1 << 30);
        assert_eq!(suggested_heap(10 << 30), 8 << 30);
        assert_eq!(suggested_heap(28 << 30), 22 << 30);
        assert_eq!(suggested_heap(3 << 30), 2457 << 20);
    }
}
