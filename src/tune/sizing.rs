//! Sizing the Trino pods (`--workers`, `--worker-memory`, `--coordinator-memory`,
//! `--budget`): container memory that fits the budget, the namespace quota and
//! the nodes, or the constraint that fails and by how much.

use crate::platform::rules::gib;

/// What the user asked for; `None` keeps the current value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Request {
    /// `--workers`.
    pub workers: Option<u64>,
    /// `--worker-memory`, in bytes.
    pub worker_memory: Option<u64>,
    /// `--coordinator-memory`, in bytes.
    pub coordinator_memory: Option<u64>,
    /// `--budget`, in bytes.
    pub budget: Option<u64>,
    /// `--unchecked`: size even when a constraint could not be read.
    pub unchecked: bool,
}

impl Request {
    /// No sizing flag was given.
    pub fn is_empty(&self) -> bool {
        Request {
            unchecked: false,
            ..*self
        } == Request::default()
    }
}

/// Trino's shape: worker count and container memory (requests = limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Number of workers.
    pub workers: u64,
    /// Memory of each worker, in bytes.
    pub worker_memory: u64,
    /// Memory of the coordinator, in bytes.
    pub coordinator_memory: u64,
}

impl Shape {
    /// Memory of all Trino pods together; `None` when it does not fit in 64
    /// bits (only absurd flags get there: they are refused, never wrapped).
    pub fn total(&self) -> Option<u64> {
        self.workers
            .checked_mul(self.worker_memory)?
            .checked_add(self.coordinator_memory)
    }
}

/// A node's allocatable memory and what pods other than Trino's already request there.
#[derive(Debug, Clone)]
pub struct NodeRoom {
    /// The node's name.
    pub name: String,
    /// Its allocatable memory.
    pub allocatable: u64,
    /// What other pods request on it.
    pub used: u64,
}

impl NodeRoom {
    fn free(&self) -> u64 {
        self.allocatable.saturating_sub(self.used)
    }
}

/// One memory line of a ResourceQuota, with what everything but Trino uses.
#[derive(Debug, Clone)]
pub struct QuotaRoom {
    /// The quota's name.
    pub quota: String,
    /// `limits.memory`, `requests.memory` or `memory`.
    pub resource: String,
    /// Its hard limit.
    pub hard: u64,
    /// What other pods of the namespace use of it.
    pub used_by_others: u64,
}

/// The smallest worker worth running.
pub(crate) const MIN_WORKER: u64 = 4 << 30;

/// The most workers `--workers` accepts: Kubernetes is tested up to 5,000
/// nodes, and a Trino worker is one pod per node in practice. Also what keeps
/// the placement check (one entry per pod) small.
pub(crate) const MAX_WORKERS: u64 = 5_000;

/// The most memory one Trino container may be given (`--worker-memory`,
/// `--coordinator-memory`): 1 PiB, far above any node.
pub(crate) const MAX_CONTAINER_MEMORY: u64 = 1 << 50;

/// The shape to run, or every constraint that fails with its numbers.
pub fn size(
    request: &Request,
    current: Shape,
    nodes: &[NodeRoom],
    quotas: &[QuotaRoom],
) -> Result<Shape, Vec<String>> {
    let workers = request.workers.unwrap_or(current.workers);
    let coordinator_memory = request
        .coordinator_memory
        .unwrap_or(current.coordinator_memory);
    let worker_memory = match (request.worker_memory, request.budget) {
        (Some(memory), _) => memory,
        (None, Some(budget)) if workers > 0 => {
            let share = budget.saturating_sub(coordinator_memory) / workers;
            share / (1 << 30) * (1 << 30)
        }
        _ => current.worker_memory,
    };
    let shape = Shape {
        workers,
        worker_memory,
        coordinator_memory,
    };
    if workers > MAX_WORKERS {
        return Err(vec![format!(
            "workers: {workers} is more than the {MAX_WORKERS} workers a Kubernetes cluster can place (its tested limit is 5,000 nodes)"
        )]);
    }
    let Some(total) = shape.total() else {
        return Err(vec![format!(
            "memory: {workers} x {} + {} is too large to add up; ask for less",
            gib(worker_memory),
            gib(coordinator_memory)
        )]);
    };
    let mut failures = Vec::new();
    if workers > 0 && worker_memory < MIN_WORKER {
        failures.push(format!(
            "workers: {} per worker is below the {} a Trino worker needs",
            gib(worker_memory),
            gib(MIN_WORKER)
        ));
    }
    if let Some(budget) = request.budget
        && total > budget
    {
        failures.push(format!(
            "budget: coordinator {} + {workers} x {} = {} exceeds --budget {} by {}",
            gib(coordinator_memory),
            gib(worker_memory),
            gib(total),
            gib(budget),
            gib(total - budget)
        ));
    }
    for q in quotas {
        let free = q.hard.saturating_sub(q.used_by_others);
        if total > free {
            failures.push(format!(
                "ResourceQuota {} {}: Trino would need {} but only {} is left (hard {}, {} used by other pods): short by {}",
                q.quota,
                q.resource,
                gib(total),
                gib(free),
                gib(q.hard),
                gib(q.used_by_others),
                gib(total - free)
            ));
        }
    }
    if !nodes.is_empty() {
        failures.extend(pack(&shape, nodes));
    }
    if failures.is_empty() {
        Ok(shape)
    } else {
        Err(failures)
    }
}

/// First-fit decreasing of the Trino pods onto the nodes' free memory.
fn pack(shape: &Shape, nodes: &[NodeRoom]) -> Vec<String> {
    let mut pods: Vec<(&str, u64)> = vec![("coordinator", shape.coordinator_memory)];
    pods.extend((0..shape.workers).map(|_| ("worker", shape.worker_memory)));
    pods.sort_by_key(|p| std::cmp::Reverse(p.1));
    let largest = nodes.iter().map(NodeRoom::free).max().unwrap_or(0);
    let largest_allocatable = nodes.iter().map(|n| n.allocatable).max().unwrap_or(0);
    let mut out = Vec::new();
    for (role, memory) in [
        ("coordinator", shape.coordinator_memory),
        ("worker", shape.worker_memory),
    ] {
        if memory > largest_allocatable {
            out.push(format!(
                "nodes: a {role} pod of {} is larger than any node ({} allocatable at most): short by {}",
                gib(memory),
                gib(largest_allocatable),
                gib(memory - largest_allocatable)
            ));
        }
    }
    if !out.is_empty() {
        return out;
    }
    let mut free: Vec<u64> = nodes.iter().map(NodeRoom::free).collect();
    let mut left = Vec::new();
    for (role, memory) in pods {
        match free.iter_mut().find(|f| **f >= memory) {
            Some(slot) => *slot -= memory,
            None => left.push((role, memory)),
        }
    }
    if !left.is_empty() {
        // Saturating: node figures come from the cluster and may be absurd.
        let missing = left.iter().fold(0u64, |sum, (_, m)| sum.saturating_add(*m));
        let total_free = nodes
            .iter()
            .fold(0u64, |sum, n| sum.saturating_add(n.free()));
        out.push(format!(
            "nodes: {} pod(s) ({}) find no node with room beside what already runs there (free per node: {}; {} free in all, largest {}): short by {}",
            left.len(),
            left.iter().map(|(r, m)| format!("{r} {}", gib(*m))).collect::<Vec<_>>().join(", "),
            nodes.iter().map(|n| format!("{} {}", n.name, gib(n.free()))).collect::<Vec<_>>().join(", "),
            gib(total_free),
            gib(largest),
            gib(missing)
        ));
    }
    out
}

/// Parses a memory quantity flag (`80Gi`, `28Gi`), at most
/// [`MAX_CONTAINER_MEMORY`] (checked, never wrapped into 64 bits).
pub(crate) fn parse_memory(text: &str) -> Result<u64, String> {
    let bytes = crate::platform::quantity::parse_positive(text)?.units_ceil();
    match u64::try_from(bytes.max(1)) {
        Ok(bytes) if bytes <= MAX_CONTAINER_MEMORY => Ok(bytes),
        _ => Err(format!(
            "'{text}' is more memory than any node has (at most {} per container)",
            gib(MAX_CONTAINER_MEMORY)
        )),
    }
}

/// Parses `--workers`: 0 to [`MAX_WORKERS`].
pub(crate) fn parse_workers(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(n) if n <= MAX_WORKERS => Ok(n),
        Ok(n) => Err(format!(
            "{n} workers is more than a Kubernetes cluster can place (at most {MAX_WORKERS})"
        )),
        Err(_) => Err(format!("'{text}' is not a number of workers")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GI: u64 = 1 << 30;

    fn cluster() -> Vec<NodeRoom> {
        // 3 nodes x 32Gi; Nessie and Postgres already use 4Gi on the first.
        vec![
            NodeRoom {
                name: "n1".into(),
                allocatable: 32 * GI,
                used: 4 * GI,
            },
            NodeRoom {
                name: "n2".into(),
                allocatable: 32 * GI,
                used: 0,
            },
            NodeRoom {
                name: "n3".into(),
                allocatable: 32 * GI,
                used: 0,
            },
        ]
    }

    fn quota() -> Vec<QuotaRoom> {
        vec![QuotaRoom {
            quota: "data-platform-quota".into(),
            resource: "limits.memory".into(),
            hard: 80 * GI,
            used_by_others: 8 * GI,
        }]
    }

    /// `--budget` alone.
    fn budget(bytes: u64) -> Request {
        Request {
            budget: Some(bytes),
            ..Default::default()
        }
    }

    /// `--worker-memory`, with `--workers` when given.
    fn workers(count: Option<u64>, memory: u64) -> Request {
        Request {
            workers: count,
            worker_memory: Some(memory),
            ..Default::default()
        }
    }

    const NOW: Shape = Shape {
        workers: 3,
        worker_memory: 16 * GI,
        coordinator_memory: 10 * GI,
    };

    #[test]
    fn budget_of_80gi_gives_the_reference_sizes_when_the_quota_allows() {
        // (80 - 10) / 3 = 23.3Gi -> 23Gi workers: within the budget...
        let shape = size(&budget(80 * GI), NOW, &[], &[]).unwrap();
        assert_eq!(shape.worker_memory, 23 * GI);
        // ...but three 23Gi workers leave no node with 10Gi for the coordinator.
        let failures = size(&budget(80 * GI), NOW, &cluster(), &[]).unwrap_err();
        assert!(
            failures[0].contains("coordinator 10Gi") && failures[0].contains("short by 10Gi"),
            "{failures:?}"
        );
        // The reference platform: 2 workers of 28Gi and a 10Gi coordinator fit.
        let two = size(&workers(Some(2), 28 * GI), NOW, &cluster(), &quota()).unwrap();
        assert_eq!(two.total(), Some(66 * GI));
    }

    #[test]
    fn too_many_workers_say_which_constraint_fails_and_by_how_much() {
        let failures = size(&workers(Some(6), 28 * GI), NOW, &cluster(), &quota()).unwrap_err();
        let text = failures.join("\n");
        // 10 + 6 x 28 = 178Gi against 72Gi left in the quota.
        assert!(text.contains("ResourceQuota data-platform-quota limits.memory: Trino would need 178Gi but only 72Gi is left"), "{text}");
        assert!(text.contains("short by 106Gi"), "{text}");
        assert!(text.contains("nodes: 4 pod(s)"), "{text}");
        let failures = size(&workers(None, 40 * GI), NOW, &cluster(), &[]).unwrap_err();
        assert!(
            failures[0].contains("larger than any node (32Gi allocatable at most): short by 8Gi"),
            "{failures:?}"
        );
    }

    #[test]
    fn absurd_sizes_are_one_clear_error_not_an_overflow() {
        assert!(
            parse_workers("2147483647")
                .unwrap_err()
                .contains("at most 5000")
        );
        assert_eq!(parse_workers("4"), Ok(4));
        assert!(
            parse_memory("8Ei")
                .unwrap_err()
                .contains("more memory than any node")
        );
        assert!(parse_memory("100Ei").is_err());
        assert_eq!(parse_memory("28Gi"), Ok(28 * GI));
        // The pure function holds on its own, whatever its caller passed.
        let huge = Request {
            workers: Some(2_147_483_647),
            worker_memory: Some(8 << 60),
            ..Default::default()
        };
        let failures = size(&huge, NOW, &cluster(), &quota()).unwrap_err();
        assert!(
            failures[0].starts_with("workers: 2147483647"),
            "{failures:?}"
        );
        let wide = Request {
            workers: Some(MAX_WORKERS),
            worker_memory: Some(u64::MAX / 2),
            ..Default::default()
        };
        let failures = size(&wide, NOW, &[], &[]).unwrap_err();
        assert!(failures[0].contains("too large to add up"), "{failures:?}");
    }

    #[test]
    fn a_budget_below_the_coordinator_is_refused() {
        let failures = size(&budget(12 * GI), NOW, &[], &[]).unwrap_err();
        assert!(
            failures[0].starts_with("workers: 0B per worker") || failures[0].contains("below"),
            "{failures:?}"
        );
    }
}
