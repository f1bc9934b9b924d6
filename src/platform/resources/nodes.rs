//! Totals of requests and limits against the nodes' allocatable: what is free
//! on each node and what a pod would miss.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use serde::Serialize;

use crate::platform::quantity::Quantity;

use super::{PodResources, Resources, effective, is_scheduled};

/// Requests, limits and pod count of a group of pods.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    /// Sum of CPU requests.
    pub cpu_requests: Quantity,
    /// Sum of CPU limits.
    pub cpu_limits: Quantity,
    /// Sum of memory requests.
    pub memory_requests: Quantity,
    /// Sum of memory limits.
    pub memory_limits: Quantity,
    /// How many pods.
    pub pods: i64,
}

impl Totals {
    /// Adds one pod's resources.
    pub(crate) fn add_pod(&mut self, pod: &PodResources) {
        let get = |m: &Resources, k: &str| m.get(k).copied().unwrap_or_default();
        self.cpu_requests += get(&pod.requests, "cpu");
        self.cpu_limits += get(&pod.limits, "cpu");
        self.memory_requests += get(&pod.requests, "memory");
        self.memory_limits += get(&pod.limits, "memory");
        self.pods += 1;
    }

    /// Adds another total.
    pub fn add(&mut self, other: &Totals) {
        self.cpu_requests += other.cpu_requests;
        self.cpu_limits += other.cpu_limits;
        self.memory_requests += other.memory_requests;
        self.memory_limits += other.memory_limits;
        self.pods += other.pods;
    }
}

/// A node's allocatable cpu, memory and pod slots.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Capacity {
    /// Allocatable CPU.
    pub cpu: Quantity,
    /// Allocatable memory.
    pub memory: Quantity,
    /// Allocatable pods.
    pub pods: i64,
}

impl Capacity {
    /// Adds another node's capacity.
    pub fn add(&mut self, other: &Capacity) {
        self.cpu += other.cpu;
        self.memory += other.memory;
        self.pods += other.pods;
    }
}

/// A node's allocatable CPU, memory and pods.
pub fn node_allocatable(node: &k8s_openapi::api::core::v1::Node) -> Capacity {
    let allocatable = node
        .status
        .as_ref()
        .and_then(|s| s.allocatable.as_ref().or(s.capacity.as_ref()));
    let get = |k: &str| {
        allocatable
            .and_then(|m| m.get(k))
            .and_then(|q| q.0.parse::<Quantity>().ok())
            .unwrap_or_default()
    };
    Capacity {
        cpu: get("cpu"),
        memory: get("memory"),
        pods: get("pods").units_ceil() as i64,
    }
}

/// Free allocatable per schedulable node: allocatable minus the effective
/// requests of the active pods scheduled on it (as the scheduler's fit check
/// counts). `skip` leaves pods out (pods about to be replaced).
pub fn free_per_node(
    nodes: &[k8s_openapi::api::core::v1::Node],
    pods: &[Pod],
    now: jiff::Timestamp,
    skip: impl Fn(&Pod) -> bool,
) -> BTreeMap<String, Capacity> {
    let mut free: BTreeMap<String, Capacity> = BTreeMap::new();
    for node in nodes {
        let unschedulable = node
            .spec
            .as_ref()
            .and_then(|s| s.unschedulable)
            .unwrap_or(false);
        if !unschedulable {
            free.insert(
                node.metadata.name.clone().unwrap_or_default(),
                node_allocatable(node),
            );
        }
    }
    for pod in pods {
        if !is_scheduled(pod, now) || skip(pod) {
            continue;
        }
        let Some(spec) = pod.spec.as_ref() else {
            continue;
        };
        let Some(entry) = spec.node_name.as_ref().and_then(|n| free.get_mut(n)) else {
            continue;
        };
        let r = effective(spec, false);
        entry.cpu = entry.cpu - r.get("cpu").copied().unwrap_or_default();
        entry.memory = entry.memory - r.get("memory").copied().unwrap_or_default();
        entry.pods -= 1;
    }
    free
}

/// What one pod asking for `requests` lacks on the node with the most free
/// `resource` (`cpu` or `memory`): that node, its free amount and the shortfall
/// (zero when it fits there).
pub fn shortfall(
    free: &BTreeMap<String, Capacity>,
    requests: &Resources,
    resource: &str,
) -> Option<(String, Quantity, Quantity)> {
    let wanted = requests.get(resource).copied().unwrap_or_default();
    let amount = |c: &Capacity| if resource == "cpu" { c.cpu } else { c.memory };
    let (node, cap) = free.iter().max_by_key(|(_, c)| amount(c))?;
    let has = amount(cap).max(Quantity::ZERO);
    Some((node.clone(), has, wanted.saturating_sub(has)))
}

/// Percent of `part` in `whole`, one decimal, None when `whole` is zero.
pub fn percent(part: Quantity, whole: Quantity) -> Option<f64> {
    part.ratio(whole).map(|r| (r * 1000.0).round() / 10.0)
}
