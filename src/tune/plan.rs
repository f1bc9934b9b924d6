//! Builds the plan from what was read (pure). What the plan makes of the files
//! and objects, and its validation, are in `outcome`.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Container};

use crate::findings::ObjectRef;
use crate::platform::crds::SparkApplication;
use crate::platform::jvm::JvmConfig;
use crate::platform::properties::Properties;
use crate::platform::workload;

use super::model::{Change, Edit, Note, Plan, Profile};
use super::rules::{catalog, jvm, server, spark};

pub use super::outcome::{after, new_files, new_spark_applications, validate};

/// What the plan reads: one namespace's Trino Deployments, ConfigMaps and SparkApplications.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// The namespace read.
    pub namespace: String,
    /// Its Trino Deployments (`app.kubernetes.io/name=trino`).
    pub deployments: Vec<Deployment>,
    /// Its ConfigMaps (Trino's files among them).
    pub config_maps: Vec<ConfigMap>,
    /// Its SparkApplications our model can read.
    pub spark_applications: Vec<SparkApplication>,
    /// The SparkApplications as read, by name (for export).
    pub spark_raw: BTreeMap<String, serde_json::Value>,
    /// Objects that could not be decoded (left out of the plan, named in its notes).
    pub undecodable: Vec<crate::kube::Undecodable>,
    /// Lists that could not be read (`sparkapplications: forbidden …`): what
    /// they hold is not tuned, and the plan's notes say so.
    pub unreadable: Vec<String>,
}

const SERVER_FILES: &[&str] = &[
    "config.properties",
    "node.properties",
    "log.properties",
    "jvm.config",
];

/// `coordinator` or `worker`, from the Deployment's labels.
pub fn role(d: &Deployment) -> &'static str {
    let labels = d.metadata.labels.as_ref();
    let template = d
        .spec
        .as_ref()
        .and_then(|s| s.template.metadata.as_ref())
        .and_then(|m| m.labels.as_ref());
    let component = [labels, template].into_iter().flatten().find_map(|l| {
        l.get("app.kubernetes.io/component")
            .or_else(|| l.get("component"))
    });
    match component.map(String::as_str) {
        Some("coordinator") => "coordinator",
        Some("worker") => "worker",
        _ if d
            .metadata
            .name
            .as_deref()
            .unwrap_or_default()
            .contains("coordinator") =>
        {
            "coordinator"
        }
        _ => "worker",
    }
}

/// The Trino container of a Deployment.
pub fn trino_container(d: &Deployment) -> Option<&Container> {
    let containers = &d.spec.as_ref()?.template.spec.as_ref()?.containers;
    containers
        .iter()
        .find(|c| c.name.starts_with("trino"))
        .or_else(|| containers.first())
}

fn mounted(d: &Deployment) -> BTreeSet<String> {
    d.spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .map(workload::config_maps)
        .unwrap_or_default()
}

/// Whether a Deployment runs Trino.
pub fn is_trino(d: &Deployment) -> bool {
    d.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get("app.kubernetes.io/name"))
        .map(String::as_str)
        == Some("trino")
}

/// The plan with Trino resized to `shape`: Deployment changes first, then every
/// rule evaluated against the new sizes.
pub fn build_sized(inputs: &Inputs, profile: Profile, shape: &super::sizing::Shape) -> Plan {
    let mut sizing_changes = Vec::new();
    let ns = inputs.namespace.as_str();
    for d in inputs.deployments.iter().filter(|d| is_trino(d)) {
        let object = ObjectRef::namespaced(
            "Deployment",
            ns,
            d.metadata.name.as_deref().unwrap_or_default(),
        );
        let (memory, replicas) = if role(d) == "coordinator" {
            (shape.coordinator_memory, None)
        } else {
            (shape.worker_memory, Some(shape.workers))
        };
        let Some(container) = trino_container(d) else {
            continue;
        };
        let current = workload::memory_limit(container).map(|q| q.units_ceil().max(0) as u64);
        let request = workload::resource(container, "requests", "memory")
            .map(|q| q.units_ceil().max(0) as u64);
        if current != Some(memory) || request != Some(memory) {
            sizing_changes.push(Change {
                object: object.clone(),
                file: format!("spec.template.spec.containers[{}]", container.name),
                setting: "resources.memory".into(),
                line: None,
                current: current.map(super::rules::gib),
                proposed: Some(super::rules::gib(memory)),
                rule: "trino.sizing".into(),
                reason: format!(
                    "sizing: coordinator {} + {} workers x {} = {} (requests = limits)",
                    super::rules::gib(shape.coordinator_memory),
                    shape.workers,
                    super::rules::gib(shape.worker_memory),
                    super::rules::gib(shape.total().unwrap_or(u64::MAX))
                ),
                edit: Some(Edit::Memory {
                    container: container.name.clone(),
                    bytes: memory,
                }),
            });
        }
        let now = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        if let Some(replicas) = replicas
            && now as u64 != replicas
        {
            sizing_changes.push(Change {
                object: object.clone(),
                file: "spec".into(),
                setting: "replicas".into(),
                line: None,
                current: Some(now.to_string()),
                proposed: Some(replicas.to_string()),
                rule: "trino.sizing".into(),
                reason: format!("--workers {replicas}"),
                edit: Some(Edit::Replicas {
                    replicas: replicas as i32,
                }),
            });
        }
    }
    let sized = Inputs {
        deployments: resized(&inputs.deployments, &sizing_changes),
        ..inputs.clone()
    };
    let mut plan = build(&sized, profile);
    sizing_changes.append(&mut plan.changes);
    plan.changes = sizing_changes;
    plan
}

/// Deployments with the sizing edits of `changes` applied.
pub fn resized(deployments: &[Deployment], changes: &[Change]) -> Vec<Deployment> {
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
    let mut out = deployments.to_vec();
    for change in changes.iter().filter(|c| c.object.kind == "Deployment") {
        let Some(d) = out
            .iter_mut()
            .find(|d| d.metadata.name.as_deref() == Some(change.object.name.as_str()))
        else {
            continue;
        };
        let Some(spec) = d.spec.as_mut() else {
            continue;
        };
        match &change.edit {
            Some(Edit::Replicas { replicas }) => spec.replicas = Some(*replicas),
            Some(Edit::Memory { container, bytes }) => {
                let Some(pod) = spec.template.spec.as_mut() else {
                    continue;
                };
                if let Some(c) = pod.containers.iter_mut().find(|c| &c.name == container) {
                    let resources = c.resources.get_or_insert_with(Default::default);
                    let value = K8sQuantity(super::rules::gib(*bytes));
                    resources
                        .limits
                        .get_or_insert_with(Default::default)
                        .insert("memory".into(), value.clone());
                    resources
                        .requests
                        .get_or_insert_with(Default::default)
                        .insert("memory".into(), value);
                }
            }
            _ => {}
        }
    }
    out
}

/// The plan for `inputs`.
pub fn build(inputs: &Inputs, profile: Profile) -> Plan {
    let mut changes: Vec<Change> = Vec::new();
    let mut notes: Vec<Note> = inputs
        .undecodable
        .iter()
        .map(|object| {
            let finding = crate::findings::Finding::undecodable(object);
            Note {
                object: finding.object,
                file: None,
                line: None,
                code: finding.code.into(),
                message: format!("{}; {}", finding.message, finding.hint),
            }
        })
        .collect();
    notes.extend(inputs.unreadable.iter().map(|what| Note {
        object: crate::findings::ObjectRef::new("Namespace", None, &inputs.namespace),
        file: None,
        line: None,
        code: "cluster.not-checked".into(),
        message: format!(
            "{what}: not checked, so nothing of it is tuned; bind deploy/rbac/kubectl-dp-read.yaml to include it"
        ),
    }));
    let ns = inputs.namespace.as_str();
    let find_cm = |name: &str| {
        inputs
            .config_maps
            .iter()
            .find(|c| c.metadata.name.as_deref() == Some(name))
    };
    let mut trino: Vec<&Deployment> = inputs.deployments.iter().filter(|d| is_trino(d)).collect();
    // Workers first: the coordinator's cluster-wide memory depends on theirs.
    trino.sort_by_key(|d| (role(d) == "coordinator", d.metadata.name.clone()));
    let workers: u64 = trino
        .iter()
        .filter(|d| role(d) == "worker")
        .map(|d| d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1).max(0) as u64)
        .sum();
    let mut worker_per_node: Option<u64> = None;
    let mut done: BTreeSet<(String, String)> = BTreeSet::new();
    for d in &trino {
        let deployment = ObjectRef::namespaced(
            "Deployment",
            ns,
            d.metadata.name.as_deref().unwrap_or_default(),
        );
        let limit = trino_container(d)
            .and_then(workload::memory_limit)
            .map(|q| q.units_ceil().max(0) as u64);
        if limit.is_none() {
            notes.push(Note {
                object: deployment.clone(),
                file: None,
                line: None,
                code: "trino.no-memory-limit".into(),
                message: format!("{} has no container memory limit: the heap cannot be sized against it; set resources.limits.memory", deployment.name),
            });
        }
        let mut heap = None;
        for cm_name in mounted(d) {
            let Some(cm) = find_cm(&cm_name) else {
                notes.push(Note {
                    object: deployment.clone(),
                    file: None,
                    line: None,
                    code: "trino.configmap-missing".into(),
                    message: format!(
                        "{} mounts ConfigMap {cm_name}, which does not exist",
                        deployment.name
                    ),
                });
                continue;
            };
            let object = ObjectRef::namespaced("ConfigMap", ns, &cm_name);
            let data = cm.data.clone().unwrap_or_default();
            if let Some(text) = data.get("jvm.config")
                && done.insert((cm_name.clone(), "jvm.config".into()))
            {
                let parsed = JvmConfig::parse(text);
                for (line, reason) in parsed.problems() {
                    notes.push(note(
                        &object,
                        "jvm.config",
                        line,
                        "trino.config-malformed",
                        reason,
                    ));
                }
                let (proposals, after) = jvm::rules(&parsed, limit, profile);
                heap = after;
                changes.extend(
                    proposals
                        .into_iter()
                        .map(|p| p.into_change(&object, "jvm.config")),
                );
            }
            if let Some(text) = data.get("config.properties")
                && done.insert((cm_name.clone(), "config.properties".into()))
            {
                let props = Properties::parse(text);
                for problem in props.problems() {
                    notes.push(note(
                        &object,
                        "config.properties",
                        problem.line,
                        "trino.config-malformed",
                        problem.reason,
                    ));
                }
                let (proposals, per_node) = server::node_rules(&props, heap, profile);
                changes.extend(
                    proposals
                        .into_iter()
                        .map(|p| p.into_change(&object, "config.properties")),
                );
                if role(d) == "worker" {
                    worker_per_node = worker_per_node.max(per_node);
                }
                let cluster = server::cluster_rules(&props, workers, worker_per_node);
                changes.extend(
                    cluster
                        .into_iter()
                        .map(|p| p.into_change(&object, "config.properties")),
                );
            }
            for (file, text) in &data {
                if !file.ends_with(".properties")
                    || SERVER_FILES.contains(&file.as_str())
                    || !done.insert((cm_name.clone(), file.clone()))
                {
                    continue;
                }
                let props = Properties::parse(text);
                for problem in props.problems() {
                    notes.push(note(
                        &object,
                        file,
                        problem.line,
                        "trino.config-malformed",
                        problem.reason,
                    ));
                }
                changes.extend(
                    catalog::rules(&props, profile)
                        .into_iter()
                        .map(|p| p.into_change(&object, file)),
                );
            }
        }
    }
    for app in &inputs.spark_applications {
        let object = ObjectRef::namespaced(
            "SparkApplication",
            ns,
            app.metadata.name.as_deref().unwrap_or_default(),
        );
        let (proposals, spark_notes) = spark::rules(app, profile);
        changes.extend(
            proposals
                .into_iter()
                .map(|p| p.into_change(&object, "spec")),
        );
        notes.extend(spark_notes.into_iter().map(|n| Note {
            object: object.clone(),
            file: None,
            line: None,
            code: n.code.into(),
            message: n.message,
        }));
    }
    Plan {
        namespace: ns.to_string(),
        profile,
        changes,
        notes,
    }
}

fn note(object: &ObjectRef, file: &str, line: usize, code: &str, reason: String) -> Note {
    Note {
        object: object.clone(),
        file: Some(file.to_string()),
        line: Some(line),
        code: code.into(),
        message: format!("{file} line {line}: {reason}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(name: &str, component: &str, replicas: i32, limit: &str, cm: &str) -> Deployment {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "labels": {"app.kubernetes.io/name": "trino", "app.kubernetes.io/component": component}},
            "spec": {"replicas": replicas, "selector": {}, "template": {"spec": {
                "containers": [{"name": "trino", "resources": {"limits": {"memory": limit}}}],
                "volumes": [{"name": "c", "configMap": {"name": cm}}, {"name": "k", "configMap": {"name": "catalog"}}]
            }}}
        }))
        .unwrap()
    }

    fn config_map(name: &str, data: &[(&str, &str)]) -> ConfigMap {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name},
            "data": data.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<BTreeMap<_, _>>()
        }))
        .unwrap()
    }

    #[test]
    fn the_hand_tuning_mistakes_are_fixed_and_the_result_validates() {
        let inputs = Inputs {
            undecodable: Vec::new(),
            unreadable: Vec::new(),
            namespace: "dp".into(),
            deployments: vec![
                deployment("trino-coordinator", "coordinator", 1, "10Gi", "coord"),
                deployment("trino-worker", "worker", 3, "28Gi", "worker"),
            ],
            config_maps: vec![
                config_map(
                    "coord",
                    &[
                        ("jvm.config", "-Xmx12G\n-XX:+UseG1GC\n"),
                        (
                            "config.properties",
                            "coordinator=true\nquery.max-memory=100GB\nquery.max-total-memory=50GB\n",
                        ),
                    ],
                ),
                config_map(
                    "worker",
                    &[
                        ("jvm.config", "# workers\n-Xmx6G\n-XX:+UseBiasedLocking\n"),
                        (
                            "config.properties",
                            "query.max-memory-per-node=16GB\nmemory.heap-headroom-per-node=8GB\ngarbage line here\n",
                        ),
                    ],
                ),
                config_map(
                    "catalog",
                    &[(
                        "iceberg.properties",
                        "connector.name=iceberg\niceberg.compression=zstd\n",
                    )],
                ),
            ],
            spark_applications: vec![],
            spark_raw: BTreeMap::new(),
        };
        let plan = build(&inputs, Profile::Balanced);
        let find = |cm: &str, setting: &str| {
            plan.changes
                .iter()
                .find(|c| c.object.name == cm && c.setting == setting)
                .cloned()
        };
        assert_eq!(
            find("coord", "-Xmx").unwrap().proposed.as_deref(),
            Some("-Xmx8G")
        );
        assert_eq!(
            find("worker", "-Xmx").unwrap().proposed.as_deref(),
            Some("-Xmx22G")
        );
        // 22G heap: 16GB + 8GB = 24GB is above it; 30% = 6.6GiB rounds down to 6GB.
        assert_eq!(
            find("worker", server::PER_NODE)
                .unwrap()
                .proposed
                .as_deref(),
            Some("6GB")
        );
        // 3 workers x 6GB = 18GB.
        assert_eq!(
            find("coord", server::MAX_MEMORY)
                .unwrap()
                .proposed
                .as_deref(),
            Some("18GB")
        );
        assert!(
            find("catalog", "iceberg.compression")
                .unwrap()
                .proposed
                .is_none()
        );
        assert_eq!(plan.notes.len(), 1);
        assert!(
            plan.notes[0].message.contains("config.properties line 3"),
            "{}",
            plan.notes[0].message
        );
        validate(&inputs, &plan).unwrap();
        let files = new_files(&inputs, &plan);
        let (_, worker_jvm) = &files[&("worker".to_string(), "jvm.config".to_string())];
        assert!(
            worker_jvm.starts_with("# workers\n-Xmx22G\n"),
            "{worker_jvm}"
        );
        // Idempotent: the plan of the result is empty.
        assert!(
            build(&after(&inputs, &plan), Profile::Balanced)
                .changes
                .is_empty()
        );
    }
}
