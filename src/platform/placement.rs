//! Which nodes a pod may run on, as the scheduler decides before it looks at
//! free resources (pure): taints against tolerations, `nodeSelector`, and
//! required node affinity. Node pools for Trino or Spark are the norm on
//! shared clusters, so free capacity on another pool is no capacity at all.

use k8s_openapi::api::core::v1::{
    Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, Taint, Toleration,
};

/// Why `spec` may not run on `node`, or `None` when it may (resources aside).
pub fn refuses(spec: &PodSpec, node: &Node) -> Option<String> {
    let node_labels = node.metadata.labels.clone().unwrap_or_default();
    let node_name = node.metadata.name.as_deref().unwrap_or_default();
    let taints = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_deref())
        .unwrap_or_default();
    let tolerations = spec.tolerations.as_deref().unwrap_or_default();
    if let Some(taint) = taints
        .iter()
        .filter(|t| matches!(t.effect.as_str(), "NoSchedule" | "NoExecute"))
        .find(|t| !tolerations.iter().any(|tol| tolerates(tol, t)))
    {
        return Some(format!(
            "taint {}{}:{} not tolerated",
            taint.key,
            taint
                .value
                .as_deref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("={v}"))
                .unwrap_or_default(),
            taint.effect
        ));
    }
    if let Some((key, want)) = spec
        .node_selector
        .iter()
        .flatten()
        .find(|(k, v)| node_labels.get(*k) != Some(*v))
    {
        return Some(format!("nodeSelector {key}={want} does not match"));
    }
    let terms = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .map(|r| r.node_selector_terms.as_slice())
        .unwrap_or_default();
    // Terms are ORed; an empty list of terms matches nothing (the API server rejects it).
    if !terms.is_empty()
        && !terms
            .iter()
            .any(|t| term_matches(t, &node_labels, node_name))
    {
        return Some("required node affinity does not match".into());
    }
    None
}

/// Why no node at all accepts `spec` (resources aside), in terms of what to
/// fix: the label no node has, the taint every candidate node carries, or the
/// affinity no node meets. `None` when some node accepts it, or no node was read.
pub(crate) fn no_node_for(spec: &PodSpec, nodes: &[Node]) -> Option<Unplaceable> {
    if nodes.is_empty() || nodes.iter().any(|n| refuses(spec, n).is_none()) {
        return None;
    }
    let labels_of = |n: &Node| n.metadata.labels.clone().unwrap_or_default();
    for (key, want) in spec.node_selector.iter().flatten() {
        if !nodes.iter().any(|n| labels_of(n).get(key) == Some(want)) {
            let values: std::collections::BTreeSet<String> = nodes
                .iter()
                .filter_map(|n| labels_of(n).get(key).cloned())
                .collect();
            let seen = if values.is_empty() {
                format!("no node has a {key} label")
            } else {
                format!(
                    "nodes have {key}={}",
                    values.into_iter().collect::<Vec<_>>().join(",")
                )
            };
            return Some(Unplaceable::Label {
                label: format!("{key}={want}"),
                detail: format!(
                    "no node has the label {key}={want} its nodeSelector asks for ({seen})"
                ),
            });
        }
    }
    // The nodes the selector and affinity allow: every one has a taint the pod does not tolerate.
    let candidates: Vec<&Node> = nodes
        .iter()
        .filter(|n| {
            refuses(
                &PodSpec {
                    tolerations: Some(everything()),
                    ..spec.clone()
                },
                n,
            )
            .is_none()
        })
        .collect();
    if candidates.is_empty() {
        let unmet = unmet_affinity(spec, nodes);
        return Some(Unplaceable::Affinity {
            detail: if unmet.is_empty() {
                "no node meets its required node affinity".into()
            } else {
                format!(
                    "no node meets its required node affinity: {}",
                    unmet.join("; nor ")
                )
            },
        });
    }
    let why = refuses(spec, candidates[0]).unwrap_or_default();
    Some(Unplaceable::Taint {
        detail: format!(
            "every node its selector allows has a taint it does not tolerate (node {}: {why})",
            candidates[0].metadata.name.as_deref().unwrap_or_default()
        ),
    })
}

/// For each required node-affinity term (they are ORed), its first
/// requirement no node meets, with the values the nodes have for that key:
/// `topology.kubernetes.io/zone In [eu-west-1d] (nodes have eu-west-1a, eu-west-1b)`.
fn unmet_affinity(spec: &PodSpec, nodes: &[Node]) -> Vec<String> {
    let terms = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .map(|r| r.node_selector_terms.as_slice())
        .unwrap_or_default();
    let label = |n: &Node, key: &str| n.metadata.labels.as_ref().and_then(|l| l.get(key)).cloned();
    terms
        .iter()
        .filter_map(|term| {
            let r = term.match_expressions.iter().flatten().find(|r| {
                !nodes
                    .iter()
                    .any(|n| requirement_matches(r, label(n, &r.key).as_deref()))
            })?;
            let have: std::collections::BTreeSet<String> =
                nodes.iter().filter_map(|n| label(n, &r.key)).collect();
            let seen = if have.is_empty() {
                format!("no node has a {} label", r.key)
            } else {
                format!(
                    "nodes have {}",
                    have.into_iter().collect::<Vec<_>>().join(", ")
                )
            };
            let values = r.values.as_deref().unwrap_or_default();
            let values = if values.is_empty() {
                String::new()
            } else {
                format!(" [{}]", values.join(", "))
            };
            Some(format!("{} {}{values} ({seen})", r.key, r.operator))
        })
        .collect()
}

/// A toleration of every taint, to find the nodes the labels alone allow.
fn everything() -> Vec<Toleration> {
    vec![Toleration {
        operator: Some("Exists".into()),
        ..Toleration::default()
    }]
}

/// Why a pod fits no node, whatever the nodes have free.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unplaceable {
    /// A `nodeSelector` label no node has.
    Label {
        /// `key=value`.
        label: String,
        /// The sentence for the message.
        detail: String,
    },
    /// Required node affinity no node meets.
    Affinity {
        /// The sentence for the message.
        detail: String,
    },
    /// Every allowed node has an untolerated taint.
    Taint {
        /// The sentence for the message.
        detail: String,
    },
}

impl Unplaceable {
    /// The sentence for a message.
    pub fn detail(&self) -> &str {
        match self {
            Unplaceable::Label { detail, .. }
            | Unplaceable::Affinity { detail }
            | Unplaceable::Taint { detail } => detail,
        }
    }

    /// What to do about it.
    pub fn fix(&self) -> String {
        match self {
            Unplaceable::Label { label, .. } => format!(
                "label the nodes meant for it ({label}) or fix the pod's nodeSelector; lowering requests does not help"
            ),
            Unplaceable::Affinity { .. } => {
                "fix the required node affinity or the nodes' labels; lowering requests does not help".into()
            }
            Unplaceable::Taint { .. } => {
                "add a toleration for the taint, or remove the taint from a node meant for it".into()
            }
        }
    }
}

/// A toleration matches a taint by key (empty with `Exists`: every key), value
/// (`Equal`, the default) and effect (empty: every effect).
fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    let effect_ok = toleration
        .effect
        .as_deref()
        .is_none_or(|e| e.is_empty() || e == taint.effect);
    let key = toleration.key.as_deref().unwrap_or_default();
    let exists = toleration.operator.as_deref() == Some("Exists");
    if key.is_empty() {
        return exists && effect_ok;
    }
    if key != taint.key || !effect_ok {
        return false;
    }
    exists
        || toleration.value.as_deref().unwrap_or_default()
            == taint.value.as_deref().unwrap_or_default()
}

/// A term's requirements are ANDed; a term without any matches nothing.
fn term_matches(
    term: &NodeSelectorTerm,
    labels: &std::collections::BTreeMap<String, String>,
    node_name: &str,
) -> bool {
    let expressions = term.match_expressions.as_deref().unwrap_or_default();
    let fields = term.match_fields.as_deref().unwrap_or_default();
    if expressions.is_empty() && fields.is_empty() {
        return false;
    }
    expressions
        .iter()
        .all(|r| requirement_matches(r, labels.get(&r.key).map(String::as_str)))
        && fields.iter().all(|r| {
            let value = (r.key == "metadata.name").then_some(node_name);
            requirement_matches(r, value)
        })
}

fn requirement_matches(r: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let values = r.values.as_deref().unwrap_or_default();
    let number = |v: &str| v.parse::<i64>().ok();
    match r.operator.as_str() {
        "In" => value.is_some_and(|v| values.iter().any(|w| w == v)),
        "NotIn" => value.is_none_or(|v| !values.iter().any(|w| w == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(have), Some(bound)) = (
                value.and_then(number),
                values.first().and_then(|v| number(v)),
            ) else {
                return false;
            };
            if r.operator == "Gt" {
                have > bound
            } else {
                have < bound
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(labels: serde_json::Value, taints: serde_json::Value) -> Node {
        serde_json::from_value(json!({
            "metadata": {"name": "n1", "labels": labels},
            "spec": {"taints": taints}
        }))
        .unwrap()
    }

    fn spec(value: serde_json::Value) -> PodSpec {
        let mut value = value;
        value["containers"] = json!([{"name": "c"}]);
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn taints_need_tolerations() {
        let pool = node(
            json!({"pool": "trino"}),
            json!([{"key": "dedicated", "value": "trino", "effect": "NoSchedule"},
                   {"key": "maintenance", "effect": "PreferNoSchedule"}]),
        );
        let plain = spec(json!({}));
        assert_eq!(
            refuses(&plain, &pool).as_deref(),
            Some("taint dedicated=trino:NoSchedule not tolerated")
        );
        let equal = spec(
            json!({"tolerations": [{"key": "dedicated", "value": "trino", "effect": "NoSchedule"}]}),
        );
        assert_eq!(
            refuses(&equal, &pool),
            None,
            "PreferNoSchedule never refuses"
        );
        let wrong_value = spec(json!({"tolerations": [{"key": "dedicated", "value": "spark"}]}));
        assert!(refuses(&wrong_value, &pool).is_some());
        let exists = spec(json!({"tolerations": [{"key": "dedicated", "operator": "Exists"}]}));
        assert_eq!(refuses(&exists, &pool), None);
        let everything = spec(json!({"tolerations": [{"operator": "Exists"}]}));
        assert_eq!(refuses(&everything, &pool), None);
        let other_effect = spec(
            json!({"tolerations": [{"key": "dedicated", "operator": "Exists", "effect": "NoExecute"}]}),
        );
        assert!(refuses(&other_effect, &pool).is_some());
    }

    #[test]
    fn node_selector_and_required_affinity_pick_the_pool() {
        let trino = node(json!({"pool": "trino", "cpus": "32"}), json!([]));
        let by_selector = spec(json!({"nodeSelector": {"pool": "spark"}}));
        assert_eq!(
            refuses(&by_selector, &trino).as_deref(),
            Some("nodeSelector pool=spark does not match")
        );
        assert_eq!(
            refuses(&spec(json!({"nodeSelector": {"pool": "trino"}})), &trino),
            None
        );
        let affinity = |terms: serde_json::Value| {
            spec(
                json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}}),
            )
        };
        // Terms are ORed, requirements within one ANDed.
        let either = affinity(json!([
            {"matchExpressions": [{"key": "pool", "operator": "In", "values": ["spark"]}]},
            {"matchExpressions": [{"key": "pool", "operator": "In", "values": ["trino"]},
                                  {"key": "cpus", "operator": "Gt", "values": ["16"]}]}
        ]));
        assert_eq!(refuses(&either, &trino), None);
        let both = affinity(json!([
            {"matchExpressions": [{"key": "pool", "operator": "In", "values": ["trino"]},
                                  {"key": "cpus", "operator": "Lt", "values": ["16"]}]}
        ]));
        assert_eq!(
            refuses(&both, &trino).as_deref(),
            Some("required node affinity does not match")
        );
        let not_in = affinity(json!([{"matchExpressions": [
            {"key": "pool", "operator": "NotIn", "values": ["spark"]},
            {"key": "gpu", "operator": "DoesNotExist"}
        ]}]));
        assert_eq!(refuses(&not_in, &trino), None);
        let by_name = affinity(json!([{"matchFields": [
            {"key": "metadata.name", "operator": "In", "values": ["n2"]}
        ]}]));
        assert!(refuses(&by_name, &trino).is_some());
    }

    /// The affinity no node meets is named, with what the nodes have.
    #[test]
    fn unmet_affinity_names_the_requirement() {
        let nodes = [
            node(json!({"zone": "a"}), json!([])),
            node(json!({"zone": "b"}), json!([])),
        ];
        let pod = spec(
            json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["d"]}]},
                {"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}
            ]}}}}),
        );
        let why = no_node_for(&pod, &nodes).unwrap();
        assert_eq!(
            why.detail(),
            "no node meets its required node affinity: zone In [d] (nodes have a, b); nor gpu Exists (no node has a gpu label)"
        );
    }
}
