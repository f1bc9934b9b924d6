//! The analysis of `quota check` (pure): would the workloads fit the quotas, the
//! LimitRanges and the nodes, after replacing what they replace (the node
//! placement is in `nodes.rs`).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Node, Pod, PodSpec, ResourceQuota};

use crate::platform::quantity::Quantity;
use crate::platform::resources::{self, PodResources};
use crate::quota::manifests::{self, Workload};

use super::limits::apply_limit_ranges;
use super::{
    CheckReport, NamespaceState, NodeCheck, QuotaCheck, QuotaCheckRow, Violation, WorkloadRow,
};

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

/// A new pod's shape: (object, namespace, label, count, resources after defaults, spec).
pub(super) type Shaped = (String, String, String, i64, PodResources, PodSpec);

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
        let mut nodes = super::nodes::check_nodes(&shaped, live, &replaced_pods, now, &mut reasons);
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
