//! NetworkPolicy semantics, as the API documents them: a pod is isolated in a
//! direction when a policy of that type selects it, and then only the union of
//! those policies' rules is allowed. Pure: pods are described by labels and ports.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// One side of a flow: pods of a namespace with these labels. `labels` is
/// `None` when the pods are not known (a Service in a namespace not read):
/// pod selectors are then given the benefit of the doubt.
#[derive(Debug, Clone)]
pub struct Endpoint<'a> {
    /// The pod's namespace.
    pub namespace: &'a str,
    /// The pod's labels.
    pub labels: Option<&'a BTreeMap<String, String>>,
}

/// The destination port: its number and, when the container names it, its name.
#[derive(Debug, Clone)]
pub struct Port<'a> {
    /// The port number.
    pub number: i32,
    /// The port's name, when the container names it.
    pub name: Option<&'a str>,
}

/// Why a flow is blocked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    /// `egress` (the source may not send) or `ingress` (the destination may not receive).
    pub direction: &'static str,
    /// The policies that isolate that side, none of which allows the flow.
    pub policies: Vec<String>,
}

/// Whether a label selector selects these labels (matchLabels and matchExpressions).
pub(crate) fn selector_matches(
    selector: &LabelSelector,
    labels: &BTreeMap<String, String>,
) -> bool {
    let by_labels = selector
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let by_expressions = selector.match_expressions.iter().flatten().all(|e| {
        let value = labels.get(&e.key);
        let values = e.values.as_deref().unwrap_or_default();
        match e.operator.as_str() {
            "In" => value.is_some_and(|v| values.contains(v)),
            "NotIn" => value.is_none_or(|v| !values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        }
    });
    by_labels && by_expressions
}

fn types(policy: &NetworkPolicy) -> (bool, bool) {
    let Some(spec) = &policy.spec else {
        return (false, false);
    };
    match &spec.policy_types {
        Some(types) => (
            types.iter().any(|t| t == "Ingress"),
            types.iter().any(|t| t == "Egress"),
        ),
        None => (true, spec.egress.is_some()),
    }
}

fn selects(policy: &NetworkPolicy, endpoint: &Endpoint) -> bool {
    policy.metadata.namespace.as_deref() == Some(endpoint.namespace)
        && policy.spec.as_ref().is_some_and(|s| match endpoint.labels {
            Some(labels) => s
                .pod_selector
                .as_ref()
                .is_none_or(|selector| selector_matches(selector, labels)),
            None => true,
        })
}

/// Whether a peer of a policy in `policy_namespace` covers `other`.
fn peer_matches(peer: &NetworkPolicyPeer, policy_namespace: &str, other: &Endpoint) -> bool {
    if peer.ip_block.is_some() {
        // Pod IPs are not known here; an ipBlock may cover them.
        return true;
    }
    let namespace_ok = match &peer.namespace_selector {
        None => other.namespace == policy_namespace,
        Some(selector) => {
            // Only the label every namespace carries is known.
            let labels = BTreeMap::from([(
                "kubernetes.io/metadata.name".to_string(),
                other.namespace.to_string(),
            )]);
            selector_matches(selector, &labels)
        }
    };
    let pods_ok = match (&peer.pod_selector, other.labels) {
        (None, _) | (_, None) => true,
        (Some(selector), Some(labels)) => selector_matches(selector, labels),
    };
    namespace_ok && pods_ok
}

/// Whether a rule's peers (`to` or `from`; none or empty is everyone) of a
/// policy in `policy_namespace` cover `other`.
fn peers_allow(
    peers: Option<&Vec<NetworkPolicyPeer>>,
    policy_namespace: &str,
    other: &Endpoint,
) -> bool {
    match peers {
        None => true,
        Some(peers) if peers.is_empty() => true,
        Some(peers) => peers
            .iter()
            .any(|peer| peer_matches(peer, policy_namespace, other)),
    }
}

fn port_matches(ports: Option<&Vec<NetworkPolicyPort>>, port: &Port) -> bool {
    let Some(ports) = ports.filter(|p| !p.is_empty()) else {
        return true;
    };
    ports.iter().any(|p| {
        if p.protocol.as_deref().unwrap_or("TCP") != "TCP" {
            return false;
        }
        match &p.port {
            None => true,
            Some(IntOrString::Int(n)) => {
                let end = p.end_port.unwrap_or(*n);
                (*n..=end).contains(&port.number)
            }
            Some(IntOrString::String(name)) => port.name == Some(name.as_str()),
        }
    })
}

/// Whether TCP traffic from `from` to `to` on `port` is allowed by `policies`.
/// The ingress side is checked only when `check_ingress` (its namespace's
/// policies were read).
pub fn flow(
    policies: &[NetworkPolicy],
    from: &Endpoint,
    to: &Endpoint,
    port: &Port,
    check_ingress: bool,
) -> Option<Blocked> {
    let egress: Vec<&NetworkPolicy> = policies
        .iter()
        .filter(|p| types(p).1 && selects(p, from))
        .collect();
    if !egress.is_empty() {
        let allowed = egress.iter().any(|p| {
            p.spec
                .as_ref()
                .into_iter()
                .flat_map(|s| s.egress.iter().flatten())
                .any(|rule| {
                    peers_allow(rule.to.as_ref(), from.namespace, to)
                        && port_matches(rule.ports.as_ref(), port)
                })
        });
        if !allowed {
            return Some(Blocked {
                direction: "egress",
                policies: names(&egress),
            });
        }
    }
    if check_ingress && to.labels.is_some() {
        let ingress: Vec<&NetworkPolicy> = policies
            .iter()
            .filter(|p| types(p).0 && selects(p, to))
            .collect();
        if !ingress.is_empty() {
            let allowed = ingress.iter().any(|p| {
                p.spec
                    .as_ref()
                    .into_iter()
                    .flat_map(|s| s.ingress.iter().flatten())
                    .any(|rule| {
                        peers_allow(rule.from.as_ref(), to.namespace, from)
                            && port_matches(rule.ports.as_ref(), port)
                    })
            });
            if !allowed {
                return Some(Blocked {
                    direction: "ingress",
                    policies: names(&ingress),
                });
            }
        }
    }
    None
}

fn names(policies: &[&NetworkPolicy]) -> Vec<String> {
    let mut names: Vec<String> = policies
        .iter()
        .filter_map(|p| p.metadata.name.clone())
        .collect();
    names.sort();
    names
}

/// `app.kubernetes.io/name=nessie,app.kubernetes.io/instance=analytics`
pub(crate) fn describe_labels(labels: &BTreeMap<String, String>) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn policies(value: serde_json::Value) -> Vec<NetworkPolicy> {
        serde_json::from_value(value).unwrap()
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn default_deny_blocks_until_both_sides_allow() {
        let trino = labels(&[("app.kubernetes.io/name", "trino")]);
        let nessie = labels(&[("app.kubernetes.io/name", "nessie")]);
        let from = Endpoint {
            namespace: "dp",
            labels: Some(&trino),
        };
        let to = Endpoint {
            namespace: "dp",
            labels: Some(&nessie),
        };
        let port = Port {
            number: 19120,
            name: Some("http"),
        };
        let deny = json!({"metadata": {"name": "default-deny", "namespace": "dp"},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}});
        let egress = json!({"metadata": {"name": "trino-to-nessie", "namespace": "dp"},
            "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "trino"}}, "policyTypes": ["Egress"],
                "egress": [{"to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "nessie"}}}], "ports": [{"port": 19120}]}]}});
        let ingress = json!({"metadata": {"name": "nessie-in", "namespace": "dp"},
            "spec": {"podSelector": {"matchExpressions": [{"key": "app.kubernetes.io/name", "operator": "In", "values": ["nessie"]}]},
                "ingress": [{"from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "trino"}}}], "ports": [{"port": "http"}]}]}});

        let only_deny = policies(json!([deny]));
        assert_eq!(
            flow(&only_deny, &from, &to, &port, true),
            Some(Blocked {
                direction: "egress",
                policies: vec!["default-deny".into()]
            })
        );
        let with_egress = policies(json!([deny, egress]));
        assert_eq!(
            flow(&with_egress, &from, &to, &port, true).map(|b| b.direction),
            Some("ingress")
        );
        // Not checked when the destination's namespace was not read.
        assert_eq!(flow(&with_egress, &from, &to, &port, false), None);
        let all = policies(json!([deny, egress, ingress]));
        assert_eq!(flow(&all, &from, &to, &port, true), None);
        // The wrong port is blocked again.
        let other = Port {
            number: 8080,
            name: None,
        };
        assert!(flow(&all, &from, &to, &other, true).is_some());
        // No policy at all: everything is allowed.
        assert_eq!(flow(&[], &from, &to, &port, true), None);
    }

    #[test]
    fn namespace_selectors_use_the_name_label() {
        let trino = labels(&[("app.kubernetes.io/name", "trino")]);
        let from = Endpoint {
            namespace: "dp",
            labels: Some(&trino),
        };
        let rgw = Endpoint {
            namespace: "rook-ceph",
            labels: None,
        };
        let port = Port {
            number: 80,
            name: None,
        };
        let set = policies(json!([
            {"metadata": {"name": "default-deny", "namespace": "dp"}, "spec": {"podSelector": {}, "policyTypes": ["Egress"]}},
            {"metadata": {"name": "s3", "namespace": "dp"}, "spec": {"podSelector": {}, "policyTypes": ["Egress"],
                "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "rook-ceph"}}, "podSelector": {"matchLabels": {"app": "rook-ceph-rgw"}}}],
                            "ports": [{"port": 80}, {"port": 8080}]}]}}
        ]));
        assert_eq!(flow(&set, &from, &rgw, &port, true), None);
        let elsewhere = Endpoint {
            namespace: "minio",
            labels: None,
        };
        assert!(flow(&set, &from, &elsewhere, &port, true).is_some());
    }
}
