//! The analysis of `quota check` (pure): would the workloads fit the quotas, the
//! LimitRanges and the nodes, after replacing what they replace.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Node, Pod, PodSpec};

use crate::platform::quantity::Quantity;
use crate::quota::manifests::{self, Workload};
use crate::quota::usage::{self, PodResources};

use super::limits::apply_limit_ranges;
use super::{CheckReport, NamespaceState, NodeCheck, QuotaCheck, QuotaCheckRow, WorkloadRow};

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
}

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
    let mut shaped: Vec<(String, String, String, i64, PodResources)> = Vec::new(); // (object, namespace, role, count, resources)
    let replaced_keys: BTreeSet<(String, String, String)> = workloads
        .iter()
        .map(|(w, ns)| (ns.clone(), w.kind.clone(), w.name.clone()))
        .collect();
    let replaced_pods: Vec<&Pod> = live
        .pods
        .iter()
        .filter(|p| usage::is_active(p, now))
        .filter(|p| {
            let (kind, name) = manifests::owner_of(p);
            replaced_keys.contains(&(p.metadata.namespace.clone().unwrap_or_default(), kind, name))
        })
        .collect();
    for (w, ns) in workloads {
        let object = format!("{}/{}", w.kind, w.name);
        let ranges = live
            .namespaces
            .get(ns)
            .map(|s| s.limit_ranges.as_slice())
            .unwrap_or_default();
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
            violations.extend(apply_limit_ranges(&mut spec, ranges, &label, &mut applied));
            let resources = usage::pod_resources(&spec);
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
            shaped.push((object.clone(), ns.clone(), label, shape.count, resources));
        }
    }
    applied.dedup();
    for v in &violations {
        reasons.push(format!(
            "{} container {}: {} (LimitRange {})",
            v.object, v.container, v.message, v.limit_range
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
                p.metadata.namespace.as_deref() == Some(ns.as_str()) && usage::is_active(p, now)
            })
            .collect();
        for quota in &state.quotas {
            let qname = quota.metadata.name.clone().unwrap_or_default();
            let hard = crate::platform::quantity::parse_map(
                quota.spec.as_ref().and_then(|s| s.hard.as_ref()),
            );
            let mut resources = Vec::new();
            for (key, hard_value) in &hard {
                if !usage::quota_key_of_pods(key) {
                    continue;
                }
                let counts = |spec: &PodSpec| usage::matches_scopes(quota, spec);
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
                    usage::pod_quota_usage(&usage::pod_resources(spec), key).unwrap_or_default()
                };
                let used: Quantity = ns_pods.iter().map(pod_usage).sum();
                let replaced: Quantity = replaced_pods
                    .iter()
                    .filter(|p| p.metadata.namespace.as_deref() == Some(ns.as_str()))
                    .map(pod_usage)
                    .sum();
                let mut added = Quantity::ZERO;
                let mut by_object: BTreeMap<String, Quantity> = BTreeMap::new();
                for (object, wns, _, count, resources) in &shaped {
                    if wns != ns {
                        continue;
                    }
                    let per_pod = usage::pod_quota_usage(resources, key).unwrap_or_default();
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
    }
}

fn check_nodes(
    shaped: &[(String, String, String, i64, PodResources)],
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
        usage::free_per_node(&live.nodes, &live.pods, now, |pod| {
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
    for (_, _, label, count, resources) in shaped {
        for _ in 0..(*count).max(0) {
            pods.push(Placed {
                label: label.clone(),
                requests: resources,
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
            .filter(|(_, f)| f.0 >= cpu && f.1 >= memory && f.2 >= 1)
            .max_by_key(|(_, f)| f.1)
            .map(|(n, _)| n.clone());
        if check.largest_pod_node.is_none() {
            reasons.push(format!(
                "nodes: the largest pod, {} ({} CPU, {} memory), fits on no node (most free: {} CPU, {} memory)",
                largest.label,
                cpu.display_cpu(),
                memory.display_bytes(),
                check.most_free_cpu.display_cpu(),
                check.most_free_memory.display_bytes()
            ));
        }
    }
    let mut unplaced: BTreeMap<String, i64> = BTreeMap::new();
    for pod in &pods {
        let (cpu, memory) = (get(pod.requests, "cpu"), get(pod.requests, "memory"));
        let target = free
            .iter_mut()
            .filter(|(_, f)| f.0 >= cpu && f.1 >= memory && f.2 >= 1)
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
    check.fits = check.fits && unplaced.is_empty();
    check
}
