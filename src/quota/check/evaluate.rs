//! The analysis of `quota check` (pure): would the workloads fit the quotas, the
//! LimitRanges and the nodes, after replacing what they replace.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Node, Pod, PodSpec, ResourceQuota};

use crate::platform::quantity::Quantity;
use crate::platform::resources::{self, PodResources};
use crate::quota::manifests::{self, Workload};

use super::limits::apply_limit_ranges;
use super::{
    CheckReport, NamespaceState, NodeCheck, QuotaCheck, QuotaCheckRow, Violation, WorkloadRow,
};
use crate::platform::placement;

/// Everything `check` needs from the cluster, read once.
pub struct Live {
    /// The quotas and LimitRanges of each target namespace.
    pub namespaces: BTreeMap<String, NamespaceState>,
    /// The live pods of those namespaces (the ones a change replaces).
    pub pods: Vec<Pod>,
    /// The nodes (empty when they may not be read).
    pub nodes: Vec<Node>,
    /// The nodes could be read: without them the node check is not made (a
    /// cluster of no nodes would fit nothing).
    pub nodes_read: bool,
    /// What could not be read (`nodes`, `resourcequotas in NS`), for the report.
    pub not_checked: Vec<String>,
    /// What could not be read, and so was not checked.
    pub notes: Vec<String>,
}

struct Placed<'a> {
    label: String,
    requests: &'a PodResources,
    spec: &'a PodSpec,
}

/// A new pod's shape: (object, namespace, label, count, resources after defaults, spec).
type Shaped = (String, String, String, i64, PodResources, PodSpec);

/// The analysis: workloads with their target namespace against the live state.
/// Reasons come in a fixed order: admission refusals, then quotas, then nodes.
pub fn evaluate(
    workloads: &[(Workload, String)],
    live: &Live,
    now: jiff::Timestamp,
) -> CheckReport {
    let replaced_pods = replaced_pods(workloads, live, now);
    let Shapes {
        rows,
        violations,
        applied,
        shaped,
    } = shape_workloads(workloads, live, &replaced_pods);
    let mut reasons = violation_reasons(&violations);
    let mut notes = live.notes.clone();
    let quotas = check_quotas(live, &replaced_pods, &shaped, now, &mut reasons, &mut notes);
    let nodes = if live.nodes_read {
        let mut nodes = check_nodes(&shaped, live, &replaced_pods, now, &mut reasons);
        nodes.checked = true;
        nodes
    } else {
        NodeCheck::default()
    };
    CheckReport {
        not_checked: live.not_checked.clone(),
        fits: reasons.is_empty(),
        reasons,
        workloads: rows,
        quotas,
        limit_range_violations: violations,
        defaults_applied: applied,
        nodes,
        notes,
        // Filled by the caller from the server-side dry run.
        rejected: Vec::new(),
    }
}

/// The live pods, still active, that the workloads replace (same namespace,
/// owner kind and name).
fn replaced_pods<'a>(
    workloads: &[(Workload, String)],
    live: &'a Live,
    now: jiff::Timestamp,
) -> Vec<&'a Pod> {
    let replaced_keys: BTreeSet<(String, String, String)> = workloads
        .iter()
        .map(|(w, ns)| (ns.clone(), w.kind.clone(), w.name.clone()))
        .collect();
    live.pods
        .iter()
        .filter(|p| resources::is_active(p, now))
        .filter(|p| {
            let (kind, name) = manifests::owner_of(p);
            replaced_keys.contains(&(p.metadata.namespace.clone().unwrap_or_default(), kind, name))
        })
        .collect()
}

/// The workloads' pods as admission leaves them.
struct Shapes {
    /// One row per workload and pod shape, for the report.
    rows: Vec<WorkloadRow>,
    /// What the LimitRanges and quotas refuse at admission.
    violations: Vec<Violation>,
    /// The LimitRange defaults filled in.
    applied: Vec<String>,
    /// The pods admission lets in, with their resources after defaults.
    shaped: Vec<Shaped>,
}

/// Applies each namespace's LimitRanges to each pod shape: the rows, the
/// refusals, the defaults applied and the admitted shapes.
fn shape_workloads(
    workloads: &[(Workload, String)],
    live: &Live,
    replaced_pods: &[&Pod],
) -> Shapes {
    let mut out = Shapes {
        rows: Vec::new(),
        violations: Vec::new(),
        applied: Vec::new(),
        shaped: Vec::new(),
    };
    for (w, ns) in workloads {
        let object = format!("{}/{}", w.kind, w.name);
        let state = live.namespaces.get(ns);
        let ranges = state.map(|s| s.limit_ranges.as_slice()).unwrap_or_default();
        let ns_quotas = state.map(|s| s.quotas.as_slice()).unwrap_or_default();
        let replaces = replaced_pods
            .iter()
            .filter(|p| {
                p.metadata.namespace.as_deref() == Some(ns.as_str())
                    && manifests::owner_of(p) == (w.kind.clone(), w.name.clone())
            })
            .count();
        for shape in &w.pods {
            let mut spec = shape.spec.clone();
            let label = if shape.role == "pod" {
                object.clone()
            } else {
                format!("{object} {}", shape.role)
            };
            let refused =
                apply_limit_ranges(&mut spec, ranges, ns_quotas, &label, &mut out.applied);
            // A pod admission refuses is never created: it takes no quota and no
            // node (its refusal is the reason), as `status` sees it.
            let admitted = refused.is_empty();
            out.violations.extend(refused);
            let resources = resources::pod_resources(&spec);
            out.rows.push(WorkloadRow {
                kind: w.kind.clone(),
                name: w.name.clone(),
                namespace: ns.clone(),
                role: shape.role.clone(),
                count: shape.count,
                requests: resources.requests.clone(),
                limits: resources.limits.clone(),
                replaces_pods: replaces,
            });
            if admitted {
                out.shaped.push((
                    object.clone(),
                    ns.clone(),
                    label,
                    shape.count,
                    resources,
                    spec,
                ));
            }
        }
    }
    out.applied.dedup();
    out
}

/// One reason per admission refusal, naming the policy that refused.
fn violation_reasons(violations: &[Violation]) -> Vec<String> {
    violations
        .iter()
        .map(|v| {
            let policy = if v.limit_range.starts_with("ResourceQuota ") {
                v.limit_range.clone()
            } else {
                format!("LimitRange {}", v.limit_range)
            };
            format!(
                "{} container {}: {} ({policy})",
                v.object, v.container, v.message
            )
        })
        .collect()
}

/// Quotas: now − replaced + new, per namespace and resource.
fn check_quotas(
    live: &Live,
    replaced_pods: &[&Pod],
    shaped: &[Shaped],
    now: jiff::Timestamp,
    reasons: &mut Vec<String>,
    notes: &mut Vec<String>,
) -> Vec<QuotaCheck> {
    let mut quotas = Vec::new();
    for (ns, state) in &live.namespaces {
        let ns_pods: Vec<&Pod> = live
            .pods
            .iter()
            .filter(|p| {
                p.metadata.namespace.as_deref() == Some(ns.as_str()) && resources::is_active(p, now)
            })
            .collect();
        let ns_replaced: Vec<&Pod> = replaced_pods
            .iter()
            .copied()
            .filter(|p| p.metadata.namespace.as_deref() == Some(ns.as_str()))
            .collect();
        for quota in &state.quotas {
            quotas.push(check_quota(
                ns,
                quota,
                &ns_pods,
                &ns_replaced,
                shaped,
                reasons,
                notes,
            ));
        }
    }
    quotas
}

/// One quota of namespace `ns`: a row per pod resource it limits, a reason per
/// row over the hard limit. A scopeSelector this check cannot match stops it
/// with a note (the rows so far stay).
fn check_quota(
    ns: &str,
    quota: &ResourceQuota,
    ns_pods: &[&Pod],
    ns_replaced: &[&Pod],
    shaped: &[Shaped],
    reasons: &mut Vec<String>,
    notes: &mut Vec<String>,
) -> QuotaCheck {
    let qname = quota.metadata.name.clone().unwrap_or_default();
    let hard =
        crate::platform::quantity::parse_map(quota.spec.as_ref().and_then(|s| s.hard.as_ref()));
    let counts = |spec: &PodSpec| resources::matches_scopes(quota, spec);
    let mut rows = Vec::new();
    for (key, hard_value) in &hard {
        if !resources::quota_key_of_pods(key) {
            continue;
        }
        if ns_pods
            .iter()
            .filter_map(|p| p.spec.as_ref())
            .any(|s| counts(s).is_none())
        {
            notes.push(format!(
                "quota {ns}/{qname} has a scopeSelector; not checked"
            ));
            break;
        }
        let pod_usage = |p: &&Pod| -> Quantity {
            let Some(spec) = p.spec.as_ref() else {
                return Quantity::ZERO;
            };
            if counts(spec) != Some(true) {
                return Quantity::ZERO;
            }
            resources::pod_quota_usage(&resources::pod_resources(spec), key).unwrap_or_default()
        };
        let used: Quantity = ns_pods.iter().map(pod_usage).sum();
        let replaced: Quantity = ns_replaced.iter().map(pod_usage).sum();
        let row = quota_row(ns, key, *hard_value, used, replaced, shaped);
        if !row.fits {
            reasons.push(format!(
                "quota {ns}/{qname}: {key} would be {} of {} (over by {}); largest contributor: {}",
                row.after.display_for(key),
                hard_value.display_for(key),
                row.over_by.display_for(key),
                row.largest_contributor
                    .clone()
                    .unwrap_or_else(|| "-".into())
            ));
        }
        rows.push(row);
    }
    QuotaCheck {
        namespace: ns.to_string(),
        name: qname,
        resources: rows,
    }
}

/// One quota resource: what the new pods of namespace `ns` add to what is used
/// less what they replace, against the hard limit, and which object adds most.
fn quota_row(
    ns: &str,
    key: &str,
    hard_value: Quantity,
    used: Quantity,
    replaced: Quantity,
    shaped: &[Shaped],
) -> QuotaCheckRow {
    let mut added = Quantity::ZERO;
    let mut by_object: BTreeMap<String, Quantity> = BTreeMap::new();
    for (object, wns, _, count, resources, _) in shaped {
        if wns != ns {
            continue;
        }
        let per_pod = resources::pod_quota_usage(resources, key).unwrap_or_default();
        added += per_pod * i128::from(*count);
        *by_object.entry(object.clone()).or_default() += per_pod * i128::from(*count);
    }
    let after = used - replaced + added;
    let fits = after <= hard_value || added <= replaced;
    let largest = by_object
        .iter()
        .max_by_key(|(_, q)| **q)
        .filter(|(_, q)| !q.is_zero());
    QuotaCheckRow {
        resource: key.to_string(),
        used,
        replaced,
        added,
        after,
        hard: hard_value,
        fits,
        over_by: after.saturating_sub(hard_value),
        largest_contributor: largest.map(|(o, q)| format!("{o} ({})", q.display_for(key))),
    }
}

/// Free allocatable per node: CPU, memory and pod slots.
type Free = BTreeMap<String, (Quantity, Quantity, i64)>;

/// The nodes: would the new pods fit the free allocatable (the replaced pods
/// given back), placed largest first, each onto the admitting node with the most
/// free memory.
fn check_nodes(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quota::manifests::parse_documents;

    fn node(name: &str, taint: Option<&str>) -> Node {
        let taints = taint.map_or(
            serde_json::json!([]),
            |t| serde_json::json!([{"key": "dedicated", "value": t, "effect": "NoSchedule"}]),
        );
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "labels": {"pool": taint.unwrap_or("general")}},
            "spec": {"taints": taints},
            "status": {"allocatable": {"cpu": "16", "memory": "64Gi", "pods": "110"}}
        }))
        .unwrap()
    }

    fn workers(replicas: i64, pod_spec_extra: &str) -> Vec<(Workload, String)> {
        let yaml = format!(
            "kind: Deployment\nmetadata: {{name: trino-worker}}\nspec:\n  replicas: {replicas}\n  template:\n    spec:\n{pod_spec_extra}      containers:\n      - name: w\n        resources: {{requests: {{cpu: '4', memory: 40Gi}}, limits: {{memory: 40Gi}}}}\n"
        );
        let m = parse_documents(std::path::Path::new("t.yaml"), &yaml).unwrap();
        manifests::workloads(&m, 1)
            .unwrap()
            .into_iter()
            .map(|w| (w, "dp".to_string()))
            .collect()
    }

    fn live(nodes: Vec<Node>) -> Live {
        Live {
            namespaces: BTreeMap::new(),
            pods: Vec::new(),
            nodes,
            nodes_read: true,
            notes: Vec::new(),
            not_checked: Vec::new(),
        }
    }

    #[test]
    fn a_tainted_pool_holds_only_the_pods_that_tolerate_it() {
        let cluster = live(vec![
            node("trino-1", Some("trino")),
            node("general-1", None),
        ]);
        let now = jiff::Timestamp::now();
        // Without the toleration only the general node is usable: one of two fits.
        let plain = evaluate(&workers(2, ""), &cluster, now);
        assert!(!plain.fits);
        assert_eq!(plain.nodes.largest_pod_node.as_deref(), Some("general-1"));
        assert_eq!(plain.nodes.unplaced, ["1 × Deployment/trino-worker"]);
        // Tolerating the taint and selecting the pool: one fits, on trino-1 only.
        let pool = "      tolerations: [{key: dedicated, value: trino, effect: NoSchedule}]\n      nodeSelector: {pool: trino}\n";
        let pinned = evaluate(&workers(1, pool), &cluster, now);
        assert!(pinned.fits, "{:?}", pinned.reasons);
        assert_eq!(pinned.nodes.largest_pod_node.as_deref(), Some("trino-1"));
        let two = evaluate(&workers(2, pool), &cluster, now);
        assert!(!two.fits, "the general node's room is not the pool's");
        // A selector no node matches: the reason names the refusal.
        let nowhere = evaluate(
            &workers(1, "      nodeSelector: {pool: spark}\n"),
            &cluster,
            now,
        );
        assert!(
            nowhere
                .reasons
                .iter()
                .any(|r| r.contains("may run on none of the 2 nodes")
                    && r.contains("nodeSelector pool=spark does not match")),
            "{:?}",
            nowhere.reasons
        );
    }
}
