//! Objects the resource and quota tests build again and again (compiled for tests only).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Node, NodeStatus, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use crate::platform::quantity::Quantity;

/// A quantity from its text (`"1Gi"`, `"500m"`).
pub fn q(s: &str) -> Quantity {
    s.parse().unwrap()
}

/// A resource list as the API has it, from `(name, quantity)` pairs.
pub(crate) fn k8s_map(pairs: &[(&str, &str)]) -> BTreeMap<String, K8sQuantity> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), K8sQuantity(v.to_string())))
        .collect()
}

/// A container with these requests and limits (an empty list is none at all).
pub fn container(name: &str, requests: &[(&str, &str)], limits: &[(&str, &str)]) -> Container {
    let map = |pairs: &[(&str, &str)]| (!pairs.is_empty()).then(|| k8s_map(pairs));
    Container {
        name: name.into(),
        resources: Some(ResourceRequirements {
            requests: map(requests),
            limits: map(limits),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A node with 16 CPU, 32Gi of memory and 110 pods allocatable.
pub fn node(name: &str) -> Node {
    let mut node = Node::default();
    node.metadata.name = Some(name.into());
    node.status = Some(NodeStatus {
        allocatable: Some(k8s_map(&[
            ("cpu", "16"),
            ("memory", "32Gi"),
            ("pods", "110"),
        ])),
        ..Default::default()
    });
    node
}
