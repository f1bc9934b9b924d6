//! Finding the platform's workloads by the labels of their upstream charts.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::findings::ObjectRef;
use crate::snapshot::Snapshot;

/// A Deployment or StatefulSet, seen the same way.
pub struct Workload<'a> {
    pub kind: &'static str,
    pub meta: &'a ObjectMeta,
    pub template: &'a PodTemplateSpec,
    pub selector: Option<&'a BTreeMap<String, String>>,
    pub desired: i32,
    pub ready: i32,
}

impl<'a> Workload<'a> {
    pub fn namespace(&self) -> &'a str {
        self.meta.namespace.as_deref().unwrap_or_default()
    }

    pub fn name(&self) -> &'a str {
        self.meta.name.as_deref().unwrap_or_default()
    }

    pub fn object(&self) -> ObjectRef {
        ObjectRef::namespaced(self.kind, self.namespace(), self.name())
    }

    pub fn label(&self, key: &str) -> Option<&'a str> {
        self.template
            .metadata
            .as_ref()?
            .labels
            .as_ref()?
            .get(key)
            .map(String::as_str)
    }

    pub fn pods<'s>(&self, snapshot: &'s Snapshot) -> Vec<&'s Pod> {
        let Some(selector) = self.selector.filter(|s| !s.is_empty()) else {
            return Vec::new();
        };
        snapshot
            .pods
            .items
            .iter()
            .filter(|p| p.metadata.namespace.as_deref() == Some(self.namespace()))
            .filter(|p| {
                let labels = p.metadata.labels.as_ref();
                selector
                    .iter()
                    .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
            })
            .collect()
    }

    pub fn readiness(&self) -> String {
        format!("{}/{}", self.ready, self.desired)
    }
}

pub fn all(snapshot: &Snapshot) -> Vec<Workload<'_>> {
    let deployments = snapshot
        .deployments
        .items
        .iter()
        .filter_map(|d: &Deployment| {
            let spec = d.spec.as_ref()?;
            Some(Workload {
                kind: "Deployment",
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
        });
    let stateful_sets = snapshot
        .stateful_sets
        .items
        .iter()
        .filter_map(|s: &StatefulSet| {
            let spec = s.spec.as_ref()?;
            Some(Workload {
                kind: "StatefulSet",
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
        });
    deployments.chain(stateful_sets).collect()
}

/// Workloads of one app, by `app.kubernetes.io/name` (or the older `app` label).
pub fn named<'a>(snapshot: &'a Snapshot, names: &[&str]) -> Vec<Workload<'a>> {
    all(snapshot)
        .into_iter()
        .filter(|w| {
            let name = w.label("app.kubernetes.io/name").or_else(|| w.label("app"));
            name.is_some_and(|n| names.contains(&n))
        })
        .collect()
}

/// Restarts and OOM kills of a workload's pods.
pub fn restarts_and_oom_kills(pods: &[&Pod]) -> (i32, usize) {
    let statuses = pods.iter().flat_map(|p| {
        p.status
            .iter()
            .flat_map(|s| s.container_statuses.iter().flatten())
    });
    statuses.fold((0, 0), |(restarts, ooms), c| {
        let oom = c
            .last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .is_some_and(|t| t.reason.as_deref() == Some("OOMKilled"));
        (restarts + c.restart_count, ooms + usize::from(oom))
    })
}
