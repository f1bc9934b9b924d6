//! Pure arithmetic of requests and limits: what one pod asks for, what a
//! ResourceQuota counts, which platform component a pod belongs to, and how the
//! nodes' allocatable is shared out. No I/O here; everything is tested below.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Pod, PodSpec, ResourceQuota, ResourceRequirements};
use serde::Serialize;

use crate::platform::quantity::Quantity;

mod component;
#[cfg(test)]
pub(crate) mod fixtures;
mod nodes;

pub use component::{PodGroup, missing_resources, pod_group_of};
pub use nodes::{Capacity, Totals, free_per_node, node_allocatable, percent, shortfall};

/// Resource name → amount (`cpu`, `memory`, `ephemeral-storage`, `hugepages-2Mi`).
pub(crate) type Resources = BTreeMap<String, Quantity>;

/// What a pod asks the scheduler for and what it may use at most.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct PodResources {
    /// What the containers request.
    pub requests: Resources,
    /// What the containers are limited to.
    pub limits: Resources,
}

pub(super) fn container_map(container: &Container, limits: bool) -> Resources {
    requirements_map(container.resources.as_ref(), limits)
}

/// The requests (or limits) of a container's or a pod's `resources`.
fn requirements_map(resources: Option<&ResourceRequirements>, limits: bool) -> Resources {
    let Some(resources) = resources else {
        return Resources::new();
    };
    let map = if limits {
        &resources.limits
    } else {
        &resources.requests
    };
    let mut out = Resources::new();
    for (name, value) in map.iter().flatten() {
        if let Ok(q) = value.0.parse::<Quantity>() {
            out.insert(name.clone(), q);
        }
    }
    // The API server copies limits into missing requests (SetDefaults_Pod).
    if !limits && let Some(limit_map) = &resources.limits {
        for (name, value) in limit_map {
            if !out.contains_key(name)
                && let Ok(q) = value.0.parse::<Quantity>()
            {
                out.insert(name.clone(), q);
            }
        }
    }
    out
}

fn add_into(total: &mut Resources, other: &Resources) {
    for (name, q) in other {
        *total.entry(name.clone()).or_default() += *q;
    }
}

fn max_into(total: &mut Resources, other: &Resources) {
    for (name, q) in other {
        let entry = total.entry(name.clone()).or_default();
        if *q > *entry {
            *entry = *q;
        }
    }
}

/// The effective requests (or limits) of a pod spec, as the scheduler and the
/// quota controller compute them (k8s `resourcehelper.PodRequests`): the larger
/// of the app containers' sum (plus restartable sidecar init containers) and
/// each ordinary init container (plus the sidecars started before it), or the
/// pod-level `resources` where set, then the pod overhead on top.
pub(crate) fn effective(spec: &PodSpec, limits: bool) -> Resources {
    let mut apps = Resources::new();
    for container in &spec.containers {
        add_into(&mut apps, &container_map(container, limits));
    }
    let mut sidecars = Resources::new();
    let mut init_peak = Resources::new();
    for container in spec.init_containers.iter().flatten() {
        let own = container_map(container, limits);
        if container.restart_policy.as_deref() == Some("Always") {
            add_into(&mut sidecars, &own);
            // A sidecar runs next to every later init container too.
            max_into(&mut init_peak, &sidecars);
        } else {
            let mut with_sidecars = sidecars.clone();
            add_into(&mut with_sidecars, &own);
            max_into(&mut init_peak, &with_sidecars);
        }
    }
    add_into(&mut apps, &sidecars);
    let mut total = apps;
    max_into(&mut total, &init_peak);
    // Pod-level resources (PodLevelResources, on by default since 1.34) replace
    // the containers' figures for the resources they name (k8s supports cpu and
    // memory there).
    let pod_level = requirements_map(spec.resources.as_ref(), limits);
    for name in ["cpu", "memory"] {
        if let Some(q) = pod_level.get(name) {
            total.insert(name.to_string(), *q);
        }
    }
    for (name, value) in spec.overhead.iter().flatten() {
        if let Ok(q) = value.0.parse::<Quantity>() {
            *total.entry(name.clone()).or_default() += q;
        }
    }
    total
}

/// A pod's effective requests and limits (init containers and overhead as the scheduler counts them).
pub(crate) fn pod_resources(spec: &PodSpec) -> PodResources {
    PodResources {
        requests: effective(spec, false),
        limits: effective(spec, true),
    }
}

/// Whether a pod still holds resources: not Succeeded/Failed and not past its
/// deletion grace period (the quota controller's `QuotaV1Pod`).
pub(crate) fn is_active(pod: &Pod, now: jiff::Timestamp) -> bool {
    let phase = pod
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("");
    if phase == "Succeeded" || phase == "Failed" {
        return false;
    }
    if let (Some(deleted), Some(grace)) = (
        pod.metadata.deletion_timestamp.as_ref(),
        pod.metadata.deletion_grace_period_seconds,
    ) && let Ok(deadline) = deleted
        .0
        .checked_add(jiff::SignedDuration::from_secs(grace))
        && now > deadline
    {
        return false;
    }
    true
}

/// Scheduled and active: counts against its node's allocatable.
pub(crate) fn is_scheduled(pod: &Pod, now: jiff::Timestamp) -> bool {
    pod.spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .is_some_and(|n| !n.is_empty())
        && is_active(pod, now)
}

/// The resources a quota can compute from pods: `pods`, `count/pods`, and
/// `cpu|memory|ephemeral-storage|hugepages-*` as bare, `requests.` and `limits.`.
pub(crate) fn quota_key_of_pods(key: &str) -> bool {
    key == "pods" || key == "count/pods" || compute_name(key).is_some()
}

fn compute_name(key: &str) -> Option<(&str, bool)> {
    let (name, limits) = if let Some(rest) = key.strip_prefix("requests.") {
        (rest, false)
    } else if let Some(rest) = key.strip_prefix("limits.") {
        (rest, true)
    } else {
        (key, false)
    };
    let known = name == "cpu"
        || name == "memory"
        || name == "ephemeral-storage"
        || name.starts_with("hugepages-");
    // Bare hugepages and `requests.hugepages-*` only; kubernetes has no limits.hugepages quota.
    known.then_some((name, limits))
}

/// What one pod adds to a quota resource key (None when the key is not about pods).
pub(crate) fn pod_quota_usage(pod: &PodResources, key: &str) -> Option<Quantity> {
    if key == "pods" || key == "count/pods" {
        return Some(Quantity::from_units(1));
    }
    let (name, limits) = compute_name(key)?;
    let map = if limits { &pod.limits } else { &pod.requests };
    Some(map.get(name).copied().unwrap_or_default())
}

/// Whether a pod falls into a quota's scopes (`Terminating`, `NotTerminating`,
/// `BestEffort`, `NotBestEffort`). `None`: the quota has scopes we cannot
/// evaluate (a scopeSelector), so its usage must come from the API server.
pub(crate) fn matches_scopes(quota: &ResourceQuota, spec: &PodSpec) -> Option<bool> {
    let qspec = quota.spec.as_ref()?;
    if qspec.scope_selector.as_ref().is_some_and(|s| {
        !s.match_expressions
            .as_deref()
            .unwrap_or_default()
            .is_empty()
    }) {
        return None;
    }
    let resources = pod_resources(spec);
    let best_effort = resources.requests.is_empty() && resources.limits.is_empty();
    let terminating = spec.active_deadline_seconds.is_some();
    for scope in qspec.scopes.iter().flatten() {
        let ok = match scope.as_str() {
            "Terminating" => terminating,
            "NotTerminating" => !terminating,
            "BestEffort" => best_effort,
            "NotBestEffort" => !best_effort,
            _ => return None,
        };
        if !ok {
            return Some(false);
        }
    }
    Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::resources::fixtures::{container, k8s_map, q};

    #[test]
    fn init_containers_count_as_their_maximum_and_overhead_adds() {
        let spec = PodSpec {
            containers: vec![
                container(
                    "a",
                    &[("cpu", "500m"), ("memory", "1Gi")],
                    &[("memory", "2Gi")],
                ),
                container(
                    "b",
                    &[("cpu", "250m"), ("memory", "512Mi")],
                    &[("memory", "1Gi")],
                ),
            ],
            init_containers: Some(vec![container(
                "init",
                &[("cpu", "2"), ("memory", "256Mi")],
                &[],
            )]),
            overhead: Some(k8s_map(&[("memory", "64Mi")])),
            ..Default::default()
        };
        let r = pod_resources(&spec);
        assert_eq!(r.requests["cpu"], q("2"));
        assert_eq!(r.requests["memory"], q("1536Mi") + q("64Mi"));
        assert_eq!(r.limits["memory"], q("3Gi") + q("64Mi"));
        assert!(!r.limits.contains_key("cpu"));
    }

    #[test]
    fn sidecars_add_to_the_app_containers() {
        let mut sidecar = container("proxy", &[("memory", "100Mi")], &[]);
        sidecar.restart_policy = Some("Always".into());
        let spec = PodSpec {
            containers: vec![container("app", &[("memory", "1Gi")], &[])],
            init_containers: Some(vec![
                sidecar,
                container("migrate", &[("memory", "1Gi")], &[]),
            ]),
            ..Default::default()
        };
        // migrate runs next to the sidecar: 1Gi + 100Mi either way.
        assert_eq!(effective(&spec, false)["memory"], q("1Gi") + q("100Mi"));
    }

    #[test]
    fn pod_level_resources_replace_the_containers_cpu_and_memory() {
        let mut spec = PodSpec {
            containers: vec![
                container(
                    "a",
                    &[("cpu", "1"), ("memory", "1Gi")],
                    &[("memory", "2Gi")],
                ),
                container("b", &[("cpu", "1"), ("ephemeral-storage", "1Gi")], &[]),
            ],
            resources: Some(ResourceRequirements {
                // Pod-level limits only: requests default to them.
                limits: Some(k8s_map(&[("memory", "4Gi")])),
                ..Default::default()
            }),
            overhead: Some(k8s_map(&[("memory", "128Mi")])),
            ..Default::default()
        };
        let r = pod_resources(&spec);
        assert_eq!(r.requests["memory"], q("4Gi") + q("128Mi"));
        assert_eq!(r.limits["memory"], q("4Gi") + q("128Mi"));
        // What the pod level does not name stays the containers' sum.
        assert_eq!(r.requests["cpu"], q("2"));
        assert_eq!(r.requests["ephemeral-storage"], q("1Gi"));
        spec.resources.as_mut().unwrap().requests = Some(k8s_map(&[("cpu", "500m")]));
        assert_eq!(pod_resources(&spec).requests["cpu"], q("500m"));
    }

    #[test]
    fn limits_become_missing_requests() {
        let spec = PodSpec {
            containers: vec![container("a", &[], &[("cpu", "1"), ("memory", "1Gi")])],
            ..Default::default()
        };
        assert_eq!(effective(&spec, false)["memory"], q("1Gi"));
        assert!(missing_resources(&spec).is_empty());
        let bare = PodSpec {
            containers: vec![container("a", &[("cpu", "1")], &[])],
            ..Default::default()
        };
        assert_eq!(
            missing_resources(&bare),
            vec![(
                "a".to_string(),
                vec![
                    "limits.cpu".into(),
                    "requests.memory".into(),
                    "limits.memory".into()
                ]
            )]
        );
    }

    #[test]
    fn quota_keys() {
        let pod = PodResources {
            requests: [("memory".to_string(), q("1Gi"))].into(),
            limits: [("memory".to_string(), q("2Gi"))].into(),
        };
        assert_eq!(pod_quota_usage(&pod, "requests.memory"), Some(q("1Gi")));
        assert_eq!(pod_quota_usage(&pod, "memory"), Some(q("1Gi")));
        assert_eq!(pod_quota_usage(&pod, "limits.memory"), Some(q("2Gi")));
        assert_eq!(pod_quota_usage(&pod, "requests.cpu"), Some(Quantity::ZERO));
        assert_eq!(pod_quota_usage(&pod, "pods"), Some(q("1")));
        assert_eq!(pod_quota_usage(&pod, "count/deployments.apps"), None);
        assert!(!quota_key_of_pods("requests.storage"));
    }

    #[test]
    fn components_from_labels() {
        let l = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            pod_group_of(&l(&[
                ("app.kubernetes.io/name", "trino"),
                ("app.kubernetes.io/component", "coordinator")
            ])),
            PodGroup::TrinoCoordinator
        );
        assert_eq!(
            pod_group_of(&l(&[
                ("app.kubernetes.io/name", "trino"),
                ("app.kubernetes.io/component", "worker")
            ])),
            PodGroup::TrinoWorkers
        );
        assert_eq!(
            pod_group_of(&l(&[("spark-role", "executor")])),
            PodGroup::SparkExecutors
        );
        assert_eq!(
            pod_group_of(&l(&[("spark-role", "driver")])),
            PodGroup::SparkDrivers
        );
        assert_eq!(
            pod_group_of(&l(&[("app.kubernetes.io/name", "nessie")])),
            PodGroup::Nessie
        );
        assert_eq!(
            pod_group_of(&l(&[("app.kubernetes.io/name", "postgresql")])),
            PodGroup::Postgres
        );
        assert_eq!(pod_group_of(&l(&[("app", "redis")])), PodGroup::Other);
    }

    #[test]
    fn terminal_and_deleted_pods_do_not_count() {
        let now: jiff::Timestamp = "2026-01-01T00:10:00Z".parse().unwrap();
        let mut pod = Pod::default();
        assert!(is_active(&pod, now));
        pod.status = Some(k8s_openapi::api::core::v1::PodStatus {
            phase: Some("Succeeded".into()),
            ..Default::default()
        });
        assert!(!is_active(&pod, now));
        let mut deleted = Pod::default();
        deleted.metadata.deletion_timestamp =
            Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                "2026-01-01T00:00:00Z".parse().unwrap(),
            ));
        deleted.metadata.deletion_grace_period_seconds = Some(30);
        assert!(!is_active(&deleted, now));
        deleted.metadata.deletion_grace_period_seconds = Some(3600);
        assert!(is_active(&deleted, now));
    }

    #[test]
    fn percents() {
        assert_eq!(percent(q("7.5Gi"), q("10Gi")), Some(75.0));
        assert_eq!(percent(q("1"), q("3")), Some(33.3));
        assert_eq!(percent(q("1"), Quantity::ZERO), None);
    }
}
