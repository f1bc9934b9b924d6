//! The resources suite: CPU and memory use per component from the metrics API
//! (`metrics.k8s.io`, served by metrics-server) against the pods' requests and
//! limits. Without the metrics API the suite is skipped with the reason.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;

use crate::error::Result;
use crate::kube::metrics::PodUsage;
use crate::kube::{Availability, Cluster, Scope};
use crate::platform::quantity::Quantity;
use crate::platform::workload;
use crate::snapshot::Snapshot;

use super::report::{ComponentUsage, ResourcesResult};

/// Memory use above this share of the limit is "near the limit".
pub(crate) const NEAR_LIMIT: f64 = 0.9;
/// Use below this share of the request is "over-requested".
pub(crate) const OVER_REQUESTED: f64 = 0.25;

/// `Ok(Err(reason))` when the suite cannot run here.
pub async fn run(
    cluster: &Cluster,
    namespace: &str,
    snapshot: Option<&Snapshot>,
) -> Result<std::result::Result<ResourcesResult, String>> {
    let Some(snapshot) = snapshot else {
        return Ok(Err("the platform's pods could not be read".into()));
    };
    let metrics = cluster
        .pod_usage(&Scope::Namespace(namespace.to_string()))
        .await?;
    match &metrics.availability {
        Availability::Available => {}
        Availability::NotInstalled => {
            return Ok(Err(
                "the metrics API (metrics.k8s.io) is not served; install metrics-server".into(),
            ));
        }
        other => return Ok(Err(other.describe())),
    }
    let metrics = metrics.items;
    let pods: Vec<&Pod> = snapshot
        .pods
        .items
        .iter()
        .filter(|p| p.metadata.namespace.as_deref() == Some(namespace))
        .collect();
    Ok(Ok(ResourcesResult {
        namespace: namespace.to_string(),
        components: usage(&pods, &metrics),
    }))
}

/// The workload a pod belongs to: its controller's name without the hashes
/// a ReplicaSet or StatefulSet adds, else the pod's name.
pub(crate) fn controller_of(pod: &Pod) -> String {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let owner = pod
        .metadata
        .owner_references
        .as_ref()
        .and_then(|o| o.iter().find(|o| o.controller == Some(true)));
    match owner {
        Some(o) if o.kind == "ReplicaSet" => o
            .name
            .rsplit_once('-')
            .map_or(o.name.clone(), |(base, _)| base.to_string()),
        Some(o) => o.name.clone(),
        None => name,
    }
}

fn quantity(value: Option<&String>) -> Option<Quantity> {
    value?.parse().ok()
}

/// Per component: summed use against summed requests and limits, with flags.
pub fn usage(pods: &[&Pod], metrics: &[PodUsage]) -> Vec<ComponentUsage> {
    #[derive(Default)]
    struct Acc {
        pods: usize,
        cpu: i128,
        memory: i128,
        cpu_request: Option<i128>,
        cpu_limit: Option<i128>,
        memory_request: Option<i128>,
        memory_limit: Option<i128>,
    }
    let add = |slot: &mut Option<i128>, v: Option<i128>| {
        if let Some(v) = v {
            *slot = Some(slot.unwrap_or(0) + v);
        }
    };
    let mut groups: BTreeMap<String, Acc> = BTreeMap::new();
    for m in metrics {
        let name = m.metadata.name.as_str();
        let Some(pod) = pods
            .iter()
            .find(|p| p.metadata.name.as_deref() == Some(name))
        else {
            continue;
        };
        let acc = groups.entry(controller_of(pod)).or_default();
        acc.pods += 1;
        for c in &m.containers {
            acc.cpu += quantity(c.usage.get("cpu")).map_or(0, |q| q.millis_ceil());
            acc.memory += quantity(c.usage.get("memory")).map_or(0, |q| q.units_ceil());
        }
        if let Some(spec) = &pod.spec {
            for c in &spec.containers {
                add(
                    &mut acc.cpu_request,
                    workload::resource(c, "requests", "cpu").map(|q| q.millis_ceil()),
                );
                add(
                    &mut acc.cpu_limit,
                    workload::resource(c, "limits", "cpu").map(|q| q.millis_ceil()),
                );
                add(
                    &mut acc.memory_request,
                    workload::resource(c, "requests", "memory").map(|q| q.units_ceil()),
                );
                add(
                    &mut acc.memory_limit,
                    workload::resource(c, "limits", "memory").map(|q| q.units_ceil()),
                );
            }
        }
    }
    let u = |v: i128| u64::try_from(v.max(0)).unwrap_or(u64::MAX);
    groups
        .into_iter()
        .map(|(component, a)| {
            let mut flags = Vec::new();
            let headroom = a
                .memory_limit
                .filter(|l| *l > 0)
                .map(|l| (l - a.memory) as f64 / l as f64);
            if headroom.is_some_and(|h| h < 1.0 - NEAR_LIMIT) {
                flags.push("near-memory-limit".to_string());
            }
            if a.memory_limit.is_none() && a.cpu_limit.is_none() {
                flags.push("no-limits".to_string());
            }
            if a.cpu_request
                .is_some_and(|r| r > 0 && (a.cpu as f64) < r as f64 * OVER_REQUESTED)
            {
                flags.push("over-requested-cpu".to_string());
            }
            if a.memory_request
                .is_some_and(|r| r > 0 && (a.memory as f64) < r as f64 * OVER_REQUESTED)
            {
                flags.push("over-requested-memory".to_string());
            }
            ComponentUsage {
                component,
                pods: a.pods,
                cpu_millis: u(a.cpu),
                cpu_request_millis: a.cpu_request.map(u),
                cpu_limit_millis: a.cpu_limit.map(u),
                memory_bytes: u(a.memory),
                memory_request_bytes: a.memory_request.map(u),
                memory_limit_bytes: a.memory_limit.map(u),
                memory_headroom: headroom,
                flags,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, owner: &str, req_mem: &str, lim_mem: &str, req_cpu: &str) -> Pod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": owner, "uid": "u", "controller": true}]},
            "spec": {"containers": [{"name": "c", "resources": {
                "requests": {"memory": req_mem, "cpu": req_cpu}, "limits": {"memory": lim_mem}}}]}
        }))
        .unwrap()
    }

    fn metric(name: &str, cpu: &str, memory: &str) -> PodUsage {
        serde_json::from_value(serde_json::json!({"metadata": {"name": name}, "containers": [{"name": "c", "usage": {"cpu": cpu, "memory": memory}}]})).unwrap()
    }

    #[test]
    fn use_against_requests_and_limits() {
        let a = pod(
            "trino-coordinator-7f9-abc",
            "trino-coordinator-7f9",
            "4Gi",
            "8Gi",
            "2",
        );
        let b = pod("nessie-5d4-xyz", "nessie-5d4", "1Gi", "1Gi", "1");
        let rows = usage(
            &[&a, &b],
            &[
                metric("trino-coordinator-7f9-abc", "1500m", "4Gi"),
                metric("nessie-5d4-xyz", "100m", "950Mi"),
            ],
        );
        assert_eq!(rows.len(), 2);
        let nessie = &rows[0];
        assert_eq!(nessie.component, "nessie");
        assert_eq!(nessie.memory_bytes, 950 << 20);
        assert!(
            nessie.flags.contains(&"near-memory-limit".to_string()),
            "{:?}",
            nessie.flags
        );
        assert!(nessie.flags.contains(&"over-requested-cpu".to_string()));
        let trino = &rows[1];
        assert_eq!(trino.component, "trino-coordinator");
        assert_eq!(trino.cpu_millis, 1500);
        assert_eq!(trino.memory_headroom, Some(0.5));
        assert!(trino.flags.is_empty(), "{:?}", trino.flags);
    }
}
