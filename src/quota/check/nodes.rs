//! The node half of `quota check` (pure): would the new pods fit the nodes'
//! free allocatable, placed as the scheduler would (taints, nodeSelector and
//! required affinity first, then room), largest first.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Node, Pod, PodSpec};

use crate::platform::placement;
use crate::platform::quantity::Quantity;
use crate::platform::resources::{self, PodResources};

use super::NodeCheck;
use super::evaluate::{Live, Shaped};

struct Placed<'a> {
    label: String,
    requests: &'a PodResources,
    spec: &'a PodSpec,
}

/// Free allocatable per node: CPU, memory and pod slots.
type Free = BTreeMap<String, (Quantity, Quantity, i64)>;

/// The nodes: would the new pods fit the free allocatable (the replaced pods
/// given back), placed largest first, each onto the admitting node with the most
/// free memory.
pub(super) fn check_nodes(
    shaped: &[Shaped],
    live: &Live,
    replaced: &[&Pod],
    now: jiff::Timestamp,
    reasons: &mut Vec<String>,
) -> NodeCheck {
    let mut check = NodeCheck::default();
    let mut free = free_allocatable(live, replaced, now);
    check.free_cpu = free.values().map(|f| f.0.max(Quantity::ZERO)).sum();
    check.free_memory = free.values().map(|f| f.1.max(Quantity::ZERO)).sum();
    check.most_free_cpu = free.values().map(|f| f.0).max().unwrap_or_default();
    check.most_free_memory = free.values().map(|f| f.1).max().unwrap_or_default();

    let mut pods = new_pods(shaped);
    check.pods = pods.len() as i64;
    check.requested_cpu = pods.iter().map(|p| request(p.requests, "cpu")).sum();
    check.requested_memory = pods.iter().map(|p| request(p.requests, "memory")).sum();
    // Taints, nodeSelector and required affinity first: free capacity on a
    // node pool the pod may not use is no capacity for it.
    let by_name: BTreeMap<&str, &Node> = live
        .nodes
        .iter()
        .filter_map(|n| Some((n.metadata.name.as_deref()?, n)))
        .collect();
    let nowhere = drop_pods_no_node_admits(&mut pods, &live.nodes, &by_name);
    for (label, (count, why)) in &nowhere {
        reasons.push(format!(
            "nodes: {label} may run on none of the {count} nodes ({why}"
        ));
    }
    if let Some(largest) = pods.first() {
        check_largest_pod(&mut check, largest, &free, &by_name, reasons);
    }
    let unplaced = place_pods(&pods, &mut free, &by_name);
    check.unplaced = unplaced
        .iter()
        .map(|(label, n)| format!("{n} × {label}"))
        .collect();
    if !unplaced.is_empty() && check.largest_pod_node.is_some() {
        reasons.push(format!(
            "nodes: {} of {} new pods do not fit the free allocatable ({} CPU, {} memory free; {} CPU, {} memory requested): {}",
            unplaced.values().sum::<i64>(),
            check.pods,
            check.free_cpu.display_cpu(),
            check.free_memory.display_bytes(),
            check.requested_cpu.display_cpu(),
            check.requested_memory.display_bytes(),
            check.unplaced.join(", ")
        ));
    }
    check.fits = check.largest_pod_node.is_some() || pods.is_empty();
    check.fits = check.fits && unplaced.is_empty() && nowhere.is_empty();
    check
}

/// A pod's request for `resource` (zero when it asks for none).
fn request(requests: &PodResources, resource: &str) -> Quantity {
    requests.requests.get(resource).copied().unwrap_or_default()
}

/// Free allocatable per node, the replaced pods given back.
fn free_allocatable(live: &Live, replaced: &[&Pod], now: jiff::Timestamp) -> Free {
    let replaced_names: BTreeSet<(Option<&str>, Option<&str>)> = replaced
        .iter()
        .map(|p| (p.metadata.namespace.as_deref(), p.metadata.name.as_deref()))
        .collect();
    resources::free_per_node(&live.nodes, &live.pods, now, |pod| {
        replaced_names.contains(&(
            pod.metadata.namespace.as_deref(),
            pod.metadata.name.as_deref(),
        ))
    })
    .into_iter()
    .map(|(name, c)| (name, (c.cpu, c.memory, c.pods)))
    .collect()
}

/// Every new pod (a shape counted `count` times), largest first: memory, then CPU.
fn new_pods(shaped: &[Shaped]) -> Vec<Placed<'_>> {
    let mut pods: Vec<Placed> = Vec::new();
    for (_, _, label, count, resources, spec) in shaped {
        for _ in 0..(*count).max(0) {
            pods.push(Placed {
                label: label.clone(),
                requests: resources,
                spec,
            });
        }
    }
    pods.sort_by(|a, b| {
        (request(b.requests, "memory"), request(b.requests, "cpu"))
            .cmp(&(request(a.requests, "memory"), request(a.requests, "cpu")))
    });
    pods
}

/// Removes the pods no node admits whatever is free, and gives each such label
/// its own reason (node count and text), with the fix for its cause (a label,
/// an affinity, a taint), never "lower the requests".
fn drop_pods_no_node_admits(
    pods: &mut Vec<Placed>,
    nodes: &[Node],
    by_name: &BTreeMap<&str, &Node>,
) -> BTreeMap<String, (usize, String)> {
    let mut nowhere: BTreeMap<String, (usize, String)> = BTreeMap::new();
    pods.retain(|p| match placement::no_node_for(p.spec, nodes) {
        Some(why) => {
            let first = by_name
                .iter()
                .find_map(|(n, node)| Some(format!("{n}: {}", placement::refuses(p.spec, node)?)))
                .unwrap_or_default();
            nowhere.entry(p.label.clone()).or_insert_with(|| {
                (
                    nodes.len(),
                    format!("{first}): {}; {}", why.detail(), why.fix()),
                )
            });
            false
        }
        None => true,
    });
    nowhere
}

/// Whether the node named `node` admits the pod (an unknown node does).
fn admits(by_name: &BTreeMap<&str, &Node>, spec: &PodSpec, node: &str) -> bool {
    by_name
        .get(node)
        .is_none_or(|n| placement::refuses(spec, n).is_none())
}

/// The largest pod: the node it would go to, or the reason it fits on none
/// (every node refuses it, or none has room).
fn check_largest_pod(
    check: &mut NodeCheck,
    largest: &Placed,
    free: &Free,
    by_name: &BTreeMap<&str, &Node>,
    reasons: &mut Vec<String>,
) {
    let (cpu, memory) = (
        request(largest.requests, "cpu"),
        request(largest.requests, "memory"),
    );
    check.largest_pod = Some(largest.label.clone());
    check.largest_pod_cpu = cpu;
    check.largest_pod_memory = memory;
    check.largest_pod_node = free
        .iter()
        .filter(|(n, f)| {
            f.0 >= cpu && f.1 >= memory && f.2 >= 1 && admits(by_name, largest.spec, n)
        })
        .max_by_key(|(_, f)| f.1)
        .map(|(n, _)| n.clone());
    let refusals: Vec<String> = free
        .keys()
        .filter_map(|n| {
            let why = placement::refuses(largest.spec, by_name.get(n.as_str())?)?;
            Some(format!("{n}: {why}"))
        })
        .collect();
    if check.largest_pod_node.is_none() && !free.is_empty() && refusals.len() == free.len() {
        reasons.push(format!(
            "nodes: the largest pod, {}, may run on none of the {} nodes ({}{})",
            largest.label,
            free.len(),
            refusals[0],
            if refusals.len() > 1 {
                format!(", and {} more", refusals.len() - 1)
            } else {
                String::new()
            }
        ));
    } else if check.largest_pod_node.is_none() {
        let eligible = free
            .iter()
            .filter(|(n, _)| admits(by_name, largest.spec, n));
        let (most_cpu, most_memory) = eligible
            .fold((Quantity::ZERO, Quantity::ZERO), |(c, m), (_, f)| {
                (c.max(f.0), m.max(f.1))
            });
        reasons.push(format!(
            "nodes: the largest pod, {} ({} CPU, {} memory), fits on no node (most free: {} CPU, {} memory{})",
            largest.label,
            cpu.display_cpu(),
            memory.display_bytes(),
            most_cpu.display_cpu(),
            most_memory.display_bytes(),
            if refusals.is_empty() {
                String::new()
            } else {
                format!("; {} nodes excluded by taints, nodeSelector or affinity", refusals.len())
            }
        ));
    }
}

/// Places the pods in order, each onto the admitting node with the most free
/// memory that holds it (taking its share of `free`); counts, per label, those
/// that fit nowhere.
fn place_pods(
    pods: &[Placed],
    free: &mut Free,
    by_name: &BTreeMap<&str, &Node>,
) -> BTreeMap<String, i64> {
    let mut unplaced: BTreeMap<String, i64> = BTreeMap::new();
    for pod in pods {
        let (cpu, memory) = (
            request(pod.requests, "cpu"),
            request(pod.requests, "memory"),
        );
        let target = free
            .iter_mut()
            .filter(|(n, f)| {
                f.0 >= cpu && f.1 >= memory && f.2 >= 1 && admits(by_name, pod.spec, n)
            })
            .max_by_key(|(_, f)| f.1);
        match target {
            Some((_, f)) => {
                f.0 = f.0 - cpu;
                f.1 = f.1 - memory;
                f.2 -= 1;
            }
            None => *unplaced.entry(pod.label.clone()).or_default() += 1,
        }
    }
    unplaced
}
