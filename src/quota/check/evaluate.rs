//! The analysis of `quota check` (pure): would the workloads fit the quotas, the
//! LimitRanges and the nodes, after replacing what they replace.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Node, Pod, PodSpec};

use crate::platform::quantity::Quantity;
use crate::platform::resources::{self, PodResources};
use crate::quota::manifests::{self, Workload};

use super::limits::apply_limit_ranges;
use super::{CheckReport, NamespaceState, NodeCheck, QuotaCheck, QuotaCheckRow, WorkloadRow};
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
pub fn evaluate(
    workloads: &[(Workload, String)],
    live: &Live,
    now: jiff::Timestamp,
) -> CheckReport {
    let mut reasons = Vec::new();
    let mut rows = Vec::new();
    let mut violations = Vec::new();
    let mut applied = Vec::new();
    // Pod resources after defaults, per workload and shape.
    let mut shaped: Vec<Shaped> = Vec::new();
    let replaced_keys: BTreeSet<(String, String, String)> = workloads
        .iter()
        .map(|(w, ns)| (ns.clone(), w.kind.clone(), w.name.clone()))
        .collect();
    let replaced_pods: Vec<&Pod> = live
        .pods
        .iter()
        .filter(|p| resources::is_active(p, now))
        .filter(|p| {
            let (kind, name) = manifests::owner_of(p);
            replaced_keys.contains(&(p.metadata.namespace.clone().unwrap_or_default(), kind, name))
        })
        .collect();
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
            let refused = apply_limit_ranges(&mut spec, ranges, ns_quotas, &label, &mut applied);
            // A pod admission refuses is never created: it takes no quota and no
            // node (its refusal is the reason), as `status` sees it.
            let admitted = refused.is_empty();
            violations.extend(refused);
            let resources = resources::pod_resources(&spec);
            rows.push(WorkloadRow {
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
                shaped.push((
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
    applied.dedup();
    for v in &violations {
        let policy = if v.limit_range.starts_with("ResourceQuota ") {
            v.limit_range.clone()
        } else {
            format!("LimitRange {}", v.limit_range)
        };
        reasons.push(format!(
            "{} container {}: {} ({policy})",
            v.object, v.container, v.message
        ));
    }

    // Quotas: now − replaced + new, per namespace and resource.
    let mut quotas = Vec::new();
    let mut notes = live.notes.clone();
    for (ns, state) in &live.namespaces {
        let ns_pods: Vec<&Pod> = live
            .pods
            .iter()
            .filter(|p| {
                p.metadata.namespace.as_deref() == Some(ns.as_str()) && resources::is_active(p, now)
            })
            .collect();
        for quota in &state.quotas {
            let qname = quota.metadata.name.clone().unwrap_or_default();
            let hard = crate::platform::quantity::parse_map(
                quota.spec.as_ref().and_then(|s| s.hard.as_ref()),
            );
            let mut resources = Vec::new();
            for (key, hard_value) in &hard {
                if !resources::quota_key_of_pods(key) {
                    continue;
                }
                let counts = |spec: &PodSpec| resources::matches_scopes(quota, spec);
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
                    resources::pod_quota_usage(&resources::pod_resources(spec), key)
                        .unwrap_or_default()
                };
                let used: Quantity = ns_pods.iter().map(pod_usage).sum();
                let replaced: Quantity = replaced_pods
                    .iter()
                    .filter(|p| p.metadata.namespace.as_deref() == Some(ns.as_str()))
                    .map(pod_usage)
                    .sum();
                let mut added = Quantity::ZERO;
                let mut by_object: BTreeMap<String, Quantity> = BTreeMap::new();
                for (object, wns, _, count, resources, _) in &shaped {
                    if wns != ns {
                        continue;
                    }
                    let per_pod = resources::pod_quota_usage(resources, key).unwrap_or_default();
                    added += per_pod * i128::from(*count);
                    *by_object.entry(object.clone()).or_default() += per_pod * i128::from(*count);
                }
                let after = used - replaced + added;
                let fits = after <= *hard_value || added <= replaced;
                let largest = by_object
                    .iter()
                    .max_by_key(|(_, q)| **q)
                    .filter(|(_, q)| !q.is_zero());
                let row = QuotaCheckRow {
                    resource: key.clone(),
                    used,
                    replaced,
                    added,
                    after,
                    hard: *hard_value,
                    fits,
                    over_by: after.saturating_sub(*hard_value),
                    largest_contributor: largest
                        .map(|(o, q)| format!("{o} ({})", q.display_for(key))),
                };
                if !row.fits {
                    reasons.push(format!(
                        "quota {ns}/{qname}: {key} would be {} of {} (over by {}); largest contributor: {}",
                        after.display_for(key),
                        hard_value.display_for(key),
                        row.over_by.display_for(key),
                        row.largest_contributor.clone().unwrap_or_else(|| "-".into())
                    ));
                }
                resources.push(row);
            }
            quotas.push(QuotaCheck {
                namespace: ns.clone(),
                name: qname,
                resources,
            });
        }
    }

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

fn check_nodes(
    shaped: &[Shaped],
    live: &Live,
    replaced: &[&Pod],
    now: jiff::Timestamp,
    reasons: &mut Vec<String>,
) -> NodeCheck {
    let mut check = NodeCheck::default();
    // Free allocatable per node, the replaced pods given back.
    let replaced_names: BTreeSet<(Option<&str>, Option<&str>)> = replaced
        .iter()
        .map(|p| (p.metadata.namespace.as_deref(), p.metadata.name.as_deref()))
        .collect();
    let mut free: BTreeMap<String, (Quantity, Quantity, i64)> =
        resources::free_per_node(&live.nodes, &live.pods, now, |pod| {
            replaced_names.contains(&(
                pod.metadata.namespace.as_deref(),
                pod.metadata.name.as_deref(),
            ))
        })
        .into_iter()
        .map(|(name, c)| (name, (c.cpu, c.memory, c.pods)))
        .collect();
    check.free_cpu = free.values().map(|f| f.0.max(Quantity::ZERO)).sum();
    check.free_memory = free.values().map(|f| f.1.max(Quantity::ZERO)).sum();
    check.most_free_cpu = free.values().map(|f| f.0).max().unwrap_or_default();
    check.most_free_memory = free.values().map(|f| f.1).max().unwrap_or_default();

    let get = |r: &PodResources, k: &str| r.requests.get(k).copied().unwrap_or_default();
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
    check.pods = pods.len() as i64;
    check.requested_cpu = pods.iter().map(|p| get(p.requests, "cpu")).sum();
    check.requested_memory = pods.iter().map(|p| get(p.requests, "memory")).sum();
    // Largest first, each onto the node with the most free memory that holds it.
    pods.sort_by(|a, b| {
        (get(b.requests, "memory"), get(b.requests, "cpu"))
            .cmp(&(get(a.requests, "memory"), get(a.requests, "cpu")))
    });
    // Taints, nodeSelector and required affinity first: free capacity on a
    // node pool the pod may not use is no capacity for it.
    let by_name: BTreeMap<&str, &Node> = live
        .nodes
        .iter()
        .filter_map(|n| Some((n.metadata.name.as_deref()?, n)))
        .collect();
    // A pod no node admits whatever is free: its own reason, with the fix for
    // its cause (a label, an affinity, a taint), never "lower the requests".
    let mut nowhere: BTreeMap<String, (usize, String)> = BTreeMap::new();
    pods.retain(|p| match placement::no_node_for(p.spec, &live.nodes) {
        Some(why) => {
            let first = by_name
                .iter()
                .find_map(|(n, node)| Some(format!("{n}: {}", placement::refuses(p.spec, node)?)))
                .unwrap_or_default();
            nowhere.entry(p.label.clone()).or_insert_with(|| {
                (
                    live.nodes.len(),
                    format!("{first}): {}; {}", why.detail(), why.fix()),
                )
            });
            false
        }
        None => true,
    });
    for (label, (count, why)) in &nowhere {
        reasons.push(format!(
            "nodes: {label} may run on none of the {count} nodes ({why}"
        ));
    }
    let admits = |spec: &PodSpec, node: &str| {
        by_name
            .get(node)
            .is_none_or(|n| placement::refuses(spec, n).is_none())
    };
    if let Some(largest) = pods.first() {
        let (cpu, memory) = (
            get(largest.requests, "cpu"),
            get(largest.requests, "memory"),
        );
        check.largest_pod = Some(largest.label.clone());
        check.largest_pod_cpu = cpu;
        check.largest_pod_memory = memory;
        check.largest_pod_node = free
            .iter()
            .filter(|(n, f)| f.0 >= cpu && f.1 >= memory && f.2 >= 1 && admits(largest.spec, n))
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
            let eligible = free.iter().filter(|(n, _)| admits(largest.spec, n));
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
    let mut unplaced: BTreeMap<String, i64> = BTreeMap::new();
    for pod in &pods {
        let (cpu, memory) = (get(pod.requests, "cpu"), get(pod.requests, "memory"));
        let target = free
            .iter_mut()
            .filter(|(n, f)| f.0 >= cpu && f.1 >= memory && f.2 >= 1 && admits(pod.spec, n))
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
