//! What `kubectl dp tune` reads: the namespace's Trino Deployments, ConfigMaps and
//! SparkApplications, and for sizing the nodes, other pods and quotas.

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{ConfigMap, LimitRange, Node, Pod, ResourceQuota};
use kube::api::ListParams;

use crate::error::{Error, Result};
use crate::kube::{Cluster, resources};

use super::model::{Plan, Profile};
use super::plan::{self, Inputs};
use super::sizing;

/// Reads the Trino Deployments and StatefulSets, ConfigMaps and SparkApplications of a namespace.
pub async fn gather(cluster: &Cluster, namespace: &str) -> Result<Inputs> {
    let scope = crate::kube::Scope::Namespace(namespace.to_string());
    // Every workload: the Trino model recognises both app.kubernetes.io/name=trino
    // and the older app=trino, which one label selector cannot ask for.
    let trino = ListParams::default();
    let apps = resources::spark_application();
    let all = ListParams::default();
    let (deployments, stateful_sets, config_maps, spark, limit_ranges, quotas) = tokio::try_join!(
        cluster.list::<Deployment>(&scope, &trino),
        cluster.list::<StatefulSet>(&scope, &trino),
        cluster.list::<ConfigMap>(&scope, &all),
        cluster.list_custom::<serde_json::Value>(&apps, Some(&scope), &all),
        cluster.list::<LimitRange>(&scope, &all),
        cluster.list::<ResourceQuota>(&scope, &all),
    )?;
    let deployments = deployments.require("deployments", &scope)?;
    let config_maps = config_maps.require("configmaps", &scope)?;
    // A missing SparkApplication CRD means no Spark to tune; a forbidden or failed
    // read is named in the plan's notes (never a silent "no Spark"), and so is an
    // object our model cannot read.
    let unread = |what: &str, availability: &crate::kube::Availability| match availability {
        crate::kube::Availability::Forbidden(_) | crate::kube::Availability::Failed(_) => {
            Some(format!("{what} ({})", availability.describe()))
        }
        _ => None,
    };
    let unreadable: Vec<String> = [
        // Trino usually runs as Deployments: StatefulSets a role may not read
        // are noted, not fatal (what they hold is not tuned).
        unread("statefulsets", &stateful_sets.availability),
        unread("sparkapplications", &spark.availability),
        unread("limitranges", &limit_ranges.availability),
        unread("resourcequotas", &quotas.availability),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut undecodable = spark.undecodable.clone();
    let mut spark_applications = Vec::new();
    for value in &spark.items {
        match serde_json::from_value(value.clone()) {
            Ok(app) => spark_applications.push(app),
            Err(e) => undecodable.push(crate::kube::Undecodable {
                resource: apps.plural.clone(),
                namespace: Some(namespace.to_string()),
                name: value
                    .pointer("/metadata/name")
                    .and_then(|n| n.as_str())
                    .unwrap_or("?")
                    .to_string(),
                reason: crate::kube::list_reason_without_values(&e.to_string()),
            }),
        }
    }
    Ok(Inputs {
        namespace: namespace.to_string(),
        deployments,
        stateful_sets: stateful_sets.items,
        config_maps,
        limit_ranges: limit_ranges.items,
        quotas: quotas.items,
        undecodable,
        unreadable,
        spark_applications,
        spark_raw: spark
            .items
            .into_iter()
            .filter_map(|v| Some((v.pointer("/metadata/name")?.as_str()?.to_string(), v)))
            .collect(),
    })
}

/// The plan, resized when sizing flags were given; `Err` lists the constraints that fail.
pub async fn sized_plan(
    cluster: &Cluster,
    inputs: &Inputs,
    profile: Profile,
    request: &sizing::Request,
) -> Result<std::result::Result<Plan, Vec<String>>> {
    if request.is_empty() {
        return Ok(Ok(plan::build(inputs, profile)));
    }
    let (current, nodes, quotas, not_checked) = sizing_context(cluster, inputs).await?;
    // What RBAC hid is never "fits": refused, unless --unchecked (then named).
    if !not_checked.is_empty() && !request.unchecked {
        return Ok(Err(vec![format!(
            "not checked: {}; without them the size cannot be said to fit; bind deploy/rbac/kubectl-dp-read.yaml, or pass --unchecked to size without them",
            not_checked.join(", ")
        )]));
    }
    Ok(
        sizing::size(request, current, &nodes, &quotas).map(|shape| {
            let mut plan = plan::build_sized(inputs, profile, &shape);
            plan.notes
                .extend(not_checked.iter().map(|what| super::model::Note {
                    object: crate::findings::ObjectRef::new("Namespace", None, &inputs.namespace),
                    file: None,
                    line: None,
                    code: "cluster.not-checked".into(),
                    message: format!(
                        "{what}: not checked (--unchecked): the size was not checked against it"
                    ),
                }));
            plan
        }),
    )
}

/// A Trino Deployment's container memory (`limits` or `requests`), in bytes.
fn memory_of(d: &Deployment, kind: &str) -> u64 {
    plan::trino_container(d)
        .and_then(|c| crate::platform::workload::resource(c, kind, "memory"))
        .map(|q| u64::try_from(q.units_ceil().max(0)).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// The namespace's Trino Deployments; an error naming the selector when there is none.
fn trino_deployments(inputs: &Inputs) -> Result<Vec<&Deployment>> {
    let trino: Vec<&Deployment> = inputs
        .deployments
        .iter()
        .filter(|d| plan::is_trino(d))
        .collect();
    if trino.is_empty() {
        let ns = inputs.namespace.as_str();
        return Err(Error::NotFound {
            kind: "Trino Deployment".into(),
            name: "app.kubernetes.io/name=trino".into(),
            scope: format!(" in namespace {ns}"),
            hint: format!("kubectl get deployments -n {ns} -l app.kubernetes.io/name=trino"),
        });
    }
    Ok(trino)
}

fn replicas(d: &Deployment) -> u64 {
    d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1).max(0) as u64
}

/// Trino's current shape (workers, worker and coordinator memory limits).
fn current_shape(trino: &[&Deployment]) -> sizing::Shape {
    let workers: Vec<&&Deployment> = trino.iter().filter(|d| plan::role(d) == "worker").collect();
    let coordinator = trino.iter().find(|d| plan::role(d) == "coordinator");
    sizing::Shape {
        workers: workers
            .iter()
            .fold(0u64, |sum, d| sum.saturating_add(replicas(d))),
        worker_memory: workers.first().map(|d| memory_of(d, "limits")).unwrap_or(0),
        coordinator_memory: coordinator.map(|d| memory_of(d, "limits")).unwrap_or(0),
    }
}

/// What Trino's pods take of `kind` (`limits` or `requests`) memory together.
/// Saturating: replicas and sizes come from the cluster and may be absurd.
fn trino_usage(trino: &[&Deployment], kind: &str) -> u64 {
    trino.iter().fold(0u64, |sum, d| {
        sum.saturating_add(replicas(d).saturating_mul(memory_of(d, kind)))
    })
}

/// Trino's current shape and the room its namespace's quotas leave, from the
/// inputs alone (`tune plan -f/-k`: no nodes, no other pods; a quota's usage
/// is what its manifest's status says, usually nothing).
pub(crate) fn sizing_from_inputs(
    inputs: &Inputs,
) -> Result<(sizing::Shape, Vec<sizing::QuotaRoom>)> {
    let trino = trino_deployments(inputs)?;
    let rooms = quota_rooms(&inputs.quotas, &|kind| trino_usage(&trino, kind));
    Ok((current_shape(&trino), rooms))
}

/// Trino's current shape, each node's room beside other pods, and the quota left to Trino.
async fn sizing_context(
    cluster: &Cluster,
    inputs: &Inputs,
) -> Result<(
    sizing::Shape,
    Vec<sizing::NodeRoom>,
    Vec<sizing::QuotaRoom>,
    Vec<String>,
)> {
    let ns = inputs.namespace.as_str();
    let trino = trino_deployments(inputs)?;
    let current = current_shape(&trino);
    let all = ListParams::default();
    let active = crate::kube::active_pods();
    let scope = crate::kube::Scope::Namespace(ns.to_string());
    let (nodes, pods, quotas) = tokio::try_join!(
        cluster.list_cluster::<Node>(&all),
        cluster.list_pod_resources(&crate::kube::Scope::All, &active),
        cluster.list::<ResourceQuota>(&scope, &all),
    )?;
    let rooms = node_rooms(&nodes.items, &pods.items, ns);
    let rooms_quota = quota_rooms(&quotas.items, &|kind| trino_usage(&trino, kind));
    let not_checked: Vec<String> = [
        ("nodes", &nodes.availability),
        ("pods", &pods.availability),
        ("resourcequotas", &quotas.availability),
    ]
    .into_iter()
    .filter(|(_, a)| **a != crate::kube::Availability::Available)
    .map(|(what, a)| format!("{what} ({})", a.describe()))
    .collect();
    Ok((current, rooms, rooms_quota, not_checked))
}

/// A quantity in bytes (0 when absent or unreadable).
fn bytes(q: Option<&k8s_openapi::apimachinery::pkg::api::resource::Quantity>) -> u64 {
    q.and_then(|q| q.0.parse::<crate::platform::quantity::Quantity>().ok())
        .map(|q| u64::try_from(q.units_ceil().max(0)).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Each schedulable node's memory and what pods other than the namespace's Trino
/// already request on it (pure; `pods` are the active ones).
pub(crate) fn node_rooms(nodes: &[Node], pods: &[Pod], ns: &str) -> Vec<sizing::NodeRoom> {
    let mut rooms: Vec<sizing::NodeRoom> = nodes
        .iter()
        .filter(|n| {
            !n.spec
                .as_ref()
                .and_then(|s| s.unschedulable)
                .unwrap_or(false)
        })
        .map(|n| sizing::NodeRoom {
            name: n.metadata.name.clone().unwrap_or_default(),
            allocatable: bytes(
                n.status
                    .as_ref()
                    .and_then(|s| s.allocatable.as_ref())
                    .and_then(|a| a.get("memory")),
            ),
            used: 0,
        })
        .collect();
    for pod in pods {
        let is_trino = pod.metadata.namespace.as_deref() == Some(ns)
            && pod
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get("app.kubernetes.io/name"))
                .map(String::as_str)
                == Some("trino");
        let phase = pod
            .status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or_default();
        if is_trino || matches!(phase, "Succeeded" | "Failed") {
            continue;
        }
        let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) else {
            continue;
        };
        let requested = pod
            .spec
            .iter()
            .flat_map(|s| s.containers.iter())
            .map(|c| {
                bytes(
                    c.resources
                        .as_ref()
                        .and_then(|r| r.requests.as_ref())
                        .and_then(|r| r.get("memory")),
                )
            })
            .fold(0u64, u64::saturating_add);
        if let Some(room) = rooms.iter_mut().find(|r| r.name == node) {
            room.used = room.used.saturating_add(requested);
        }
    }
    rooms
}

/// The memory each quota of the namespace leaves to Trino: hard minus what
/// others use (`trino_usage(kind)` is Trino's own `limits`/`requests` share). Pure.
pub(crate) fn quota_rooms(
    quotas: &[ResourceQuota],
    trino_usage: &dyn Fn(&str) -> u64,
) -> Vec<sizing::QuotaRoom> {
    let mut rooms_quota = Vec::new();
    for q in quotas {
        let hard = q
            .status
            .as_ref()
            .and_then(|s| s.hard.clone())
            .or_else(|| q.spec.as_ref().and_then(|s| s.hard.clone()))
            .unwrap_or_default();
        let used = q
            .status
            .as_ref()
            .and_then(|s| s.used.clone())
            .unwrap_or_default();
        for (resource, kind) in [
            ("limits.memory", "limits"),
            ("requests.memory", "requests"),
            ("memory", "requests"),
        ] {
            if let Some(h) = hard.get(resource) {
                rooms_quota.push(sizing::QuotaRoom {
                    quota: q.metadata.name.clone().unwrap_or_default(),
                    resource: resource.into(),
                    hard: bytes(Some(h)),
                    used_by_others: bytes(used.get(resource)).saturating_sub(trino_usage(kind)),
                });
            }
        }
    }
    rooms_quota
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, memory: &str) -> Node {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name},
            "status": {"allocatable": {"memory": memory}}
        }))
        .unwrap()
    }

    fn pod(ns: &str, app: &str, node: &str, memory: &str) -> Pod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p", "namespace": ns, "labels": {"app.kubernetes.io/name": app}},
            "spec": {"nodeName": node, "containers": [
                {"name": "c", "resources": {"requests": {"memory": memory}}}]}
        }))
        .unwrap()
    }

    #[test]
    fn room_on_nodes_leaves_out_the_trino_being_resized() {
        let gi = 1u64 << 30;
        let rooms = node_rooms(
            &[node("n1", "32Gi"), node("n2", "32Gi")],
            &[
                pod("data", "trino", "n1", "16Gi"),
                pod("data", "nessie", "n1", "2Gi"),
                pod("other", "trino", "n2", "4Gi"),
            ],
            "data",
        );
        assert_eq!(rooms[0].allocatable, 32 * gi);
        assert_eq!(rooms[0].used, 2 * gi);
        assert_eq!(rooms[1].used, 4 * gi);
    }

    #[test]
    fn quota_room_subtracts_trinos_own_share() {
        let quota: ResourceQuota = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "q"},
            "spec": {"hard": {"limits.memory": "64Gi"}},
            "status": {"hard": {"limits.memory": "64Gi"}, "used": {"limits.memory": "40Gi"}}
        }))
        .unwrap();
        let gi = 1u64 << 30;
        let rooms = quota_rooms(&[quota], &|_| 30 * gi);
        assert_eq!(rooms.len(), 1);
        assert_eq!(rooms[0].hard, 64 * gi);
        assert_eq!(rooms[0].used_by_others, 10 * gi);
    }
}
