//! Workloads (Deployments and StatefulSets seen the same way), their pod
//! templates and pods: what they mount, reference and ask for.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::CronJob;
use k8s_openapi::api::core::v1::{Container, Pod, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::quantity::Quantity;
use crate::findings::ObjectRef;

/// The controllers the platform's components run under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkloadKind {
    /// `apps/v1` Deployment.
    Deployment,
    /// `apps/v1` StatefulSet.
    StatefulSet,
    /// `batch/v1` CronJob: its job template's pods, judged like a workload's
    /// (sizes, references, URLs); it has no replicas to be ready.
    CronJob,
}

impl WorkloadKind {
    /// The Kubernetes kind.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::CronJob => "CronJob",
        }
    }
}

impl fmt::Display for WorkloadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Deployment or StatefulSet, seen the same way.
#[derive(Debug, Clone, Copy)]
pub struct Workload<'a> {
    /// Which controller.
    pub kind: WorkloadKind,
    /// Its metadata.
    pub meta: &'a ObjectMeta,
    /// Its pod template.
    pub template: &'a PodTemplateSpec,
    /// `spec.selector.matchLabels`.
    pub selector: Option<&'a BTreeMap<String, String>>,
    /// `spec.replicas` (1 when absent, as the API server defaults it).
    pub desired: i32,
    /// `status.readyReplicas`.
    pub ready: i32,
}

impl<'a> Workload<'a> {
    /// A Deployment's view.
    pub(crate) fn of_deployment(d: &'a Deployment) -> Option<Workload<'a>> {
        let spec = d.spec.as_ref()?;
        Some(Workload {
            kind: WorkloadKind::Deployment,
            meta: &d.metadata,
            template: &spec.template,
            selector: spec.selector.match_labels.as_ref(),
            desired: spec.replicas.unwrap_or(1),
            ready: d
                .status
                .as_ref()
                .and_then(|s| s.ready_replicas)
                .unwrap_or(0),
        })
    }

    /// A StatefulSet's view.
    pub(crate) fn of_stateful_set(s: &'a StatefulSet) -> Option<Workload<'a>> {
        let spec = s.spec.as_ref()?;
        Some(Workload {
            kind: WorkloadKind::StatefulSet,
            meta: &s.metadata,
            template: &spec.template,
            selector: spec.selector.match_labels.as_ref(),
            desired: spec.replicas.unwrap_or(1),
            ready: s
                .status
                .as_ref()
                .and_then(|s| s.ready_replicas)
                .unwrap_or(0),
        })
    }

    /// A CronJob's view: the pods its jobs run. No selector (its pods are its
    /// jobs'), and nothing desired, so no readiness is judged.
    pub(crate) fn of_cron_job(c: &'a CronJob) -> Option<Workload<'a>> {
        let spec = &c.spec;
        Some(Workload {
            kind: WorkloadKind::CronJob,
            meta: &c.metadata,
            template: &spec.job_template.spec.as_ref()?.template,
            selector: None,
            desired: 0,
            ready: 0,
        })
    }

    /// Its namespace.
    pub fn namespace(&self) -> &'a str {
        self.meta.namespace.as_deref().unwrap_or_default()
    }

    /// Its name.
    pub fn name(&self) -> &'a str {
        self.meta.name.as_deref().unwrap_or_default()
    }

    /// A reference for findings.
    pub fn object(&self) -> ObjectRef {
        ObjectRef::namespaced(self.kind.as_str(), self.namespace(), self.name())
    }

    /// A label of its pod template, else of the object itself.
    pub fn label(&self, key: &str) -> Option<&'a str> {
        let template = self
            .template
            .metadata
            .as_ref()
            .and_then(|m| m.labels.as_ref());
        [template, self.meta.labels.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|labels| labels.get(key))
            .map(String::as_str)
    }

    /// The application it runs: `app.kubernetes.io/name`, else the older `app` label.
    pub(crate) fn app_name(&self) -> Option<&'a str> {
        self.label("app.kubernetes.io/name")
            .or_else(|| self.label("app"))
    }

    /// Its pod spec.
    pub(crate) fn pod_spec(&self) -> Option<&'a PodSpec> {
        self.template.spec.as_ref()
    }

    /// The desired replica count, never negative.
    pub fn replicas(&self) -> u64 {
        u64::try_from(self.desired).unwrap_or(0)
    }

    /// Its pods among `pods`, by namespace and selector (none without a selector).
    pub fn pods<'s>(&self, pods: &'s [Pod]) -> Vec<&'s Pod> {
        let Some(selector) = self.selector.filter(|s| !s.is_empty()) else {
            return Vec::new();
        };
        pods.iter()
            .filter(|p| p.metadata.namespace.as_deref() == Some(self.namespace()))
            .filter(|p| {
                let labels = p.metadata.labels.as_ref();
                selector
                    .iter()
                    .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
            })
            .collect()
    }

    /// `ready/desired`.
    pub(crate) fn readiness(&self) -> String {
        format!("{}/{}", self.ready, self.desired)
    }
}

/// Every Deployment and StatefulSet, Deployments first.
pub fn workloads<'a>(
    deployments: &'a [Deployment],
    stateful_sets: &'a [StatefulSet],
) -> Vec<Workload<'a>> {
    deployments
        .iter()
        .filter_map(Workload::of_deployment)
        .chain(stateful_sets.iter().filter_map(Workload::of_stateful_set))
        .collect()
}

/// ConfigMaps a pod spec mounts as volumes or reads through env.
pub fn config_maps(spec: &PodSpec) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for volume in spec.volumes.iter().flatten() {
        if let Some(cm) = &volume.config_map {
            names.insert(cm.name.clone());
        }
        for source in volume
            .projected
            .iter()
            .flat_map(|p| p.sources.iter().flatten())
        {
            if let Some(cm) = &source.config_map {
                names.insert(cm.name.clone());
            }
        }
    }
    for container in all_containers(spec) {
        for from in container.env_from.iter().flatten() {
            if let Some(cm) = &from.config_map_ref {
                names.insert(cm.name.clone());
            }
        }
        for env in container.env.iter().flatten() {
            if let Some(cm) = env
                .value_from
                .as_ref()
                .and_then(|v| v.config_map_key_ref.as_ref())
            {
                names.insert(cm.name.clone());
            }
        }
    }
    names
}

/// Secrets a pod spec mounts or reads through env, each marked optional or not.
pub fn secrets(spec: &PodSpec) -> Vec<(String, bool)> {
    let mut refs: Vec<(String, bool)> = Vec::new();
    for volume in spec.volumes.iter().flatten() {
        if let Some(s) = &volume.secret
            && let Some(name) = &s.secret_name
        {
            refs.push((name.clone(), s.optional.unwrap_or(false)));
        }
        for source in volume
            .projected
            .iter()
            .flat_map(|p| p.sources.iter().flatten())
        {
            if let Some(s) = &source.secret {
                refs.push((s.name.clone(), s.optional.unwrap_or(false)));
            }
        }
    }
    for container in all_containers(spec) {
        for from in container.env_from.iter().flatten() {
            if let Some(s) = &from.secret_ref {
                refs.push((s.name.clone(), s.optional.unwrap_or(false)));
            }
        }
        for env in container.env.iter().flatten() {
            if let Some(s) = env
                .value_from
                .as_ref()
                .and_then(|v| v.secret_key_ref.as_ref())
            {
                refs.push((s.name.clone(), s.optional.unwrap_or(false)));
            }
        }
    }
    refs.sort();
    refs.dedup();
    refs
}

/// Init and regular containers of a pod spec.
pub(crate) fn all_containers(spec: &PodSpec) -> impl Iterator<Item = &Container> {
    spec.init_containers
        .iter()
        .flatten()
        .chain(spec.containers.iter())
}

/// A container's memory limit.
pub(crate) fn memory_limit(container: &Container) -> Option<Quantity> {
    resource(container, "limits", "memory")
}

/// `resources.<kind>.<name>` of a container, parsed.
pub fn resource(container: &Container, kind: &str, name: &str) -> Option<Quantity> {
    let resources = container.resources.as_ref()?;
    let map = match kind {
        "limits" => resources.limits.as_ref()?,
        _ => resources.requests.as_ref()?,
    };
    map.get(name).and_then(|q| q.0.parse().ok())
}

/// The value of an env var set literally on a container.
pub(crate) fn env_value<'a>(container: &'a Container, name: &str) -> Option<&'a str> {
    container
        .env
        .iter()
        .flatten()
        .find(|e| e.name == name)
        .and_then(|e| e.value.as_deref())
}

/// The tag of an image reference (`trinodb/trino:476` → `476`), or `latest`.
pub(crate) fn image_tag(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split_once(':').map_or("latest", |(_, tag)| tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(image_tag("trinodb/trino:476"), "476");
        assert_eq!(image_tag("localhost:5000/trino"), "latest");
        assert_eq!(
            image_tag("ghcr.io/projectnessie/nessie:0.104.2@sha256:abc"),
            "0.104.2"
        );
    }
}
