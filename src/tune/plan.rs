//! Builds the plan from what was read (pure). What the plan makes of the files
//! and objects, and its validation, are in `outcome`.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{ConfigMap, Container, LimitRange, PodSpec, ResourceQuota};

use crate::findings::ObjectRef;
use crate::platform::crds::SparkApplication;
use crate::platform::properties::Properties;
use crate::platform::trino::layout::{self, TrinoFile};
use crate::platform::trino::values::Table;
use crate::platform::trino::{Role, TrinoLayout, TrinoNode};
use crate::platform::workload::{self, Workload};

use super::model::{Change, Edit, IntoChange, Note, Plan, Profile};
use crate::platform::rules::{iceberg as catalog, jvm, server, spark};

pub use super::outcome::{after, new_files, new_spark_applications, validate};

/// What the plan reads: one namespace's Trino Deployments, ConfigMaps and SparkApplications.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// The namespace read.
    pub namespace: String,
    /// Its Trino Deployments (`app.kubernetes.io/name=trino`).
    pub deployments: Vec<Deployment>,
    /// Its Trino StatefulSets (read and tuned like Deployments; sizing edits
    /// only Deployments).
    pub stateful_sets: Vec<StatefulSet>,
    /// Its ConfigMaps (Trino's files among them).
    pub config_maps: Vec<ConfigMap>,
    /// Its LimitRanges (pods the plan leaves refused are noted).
    pub limit_ranges: Vec<LimitRange>,
    /// Its ResourceQuotas.
    pub quotas: Vec<ResourceQuota>,
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

/// `coordinator` or `worker`, for a Deployment whose config is not at hand
/// (labels, then name: [`layout`] decides the same way when config.properties
/// does not say).
pub fn role(d: &Deployment) -> &'static str {
    Workload::of_deployment(d)
        .map(|w| layout::role_by_labels(&w))
        .unwrap_or(Role::Worker)
        .as_str()
}

/// The Trino container of a Deployment.
pub(crate) fn trino_container(d: &Deployment) -> Option<&Container> {
    layout::trino_container(d.spec.as_ref()?.template.spec.as_ref()?)
}

/// Whether a Deployment runs Trino.
pub(crate) fn is_trino(d: &Deployment) -> bool {
    Workload::of_deployment(d).is_some_and(|w| layout::is_trino(&w))
}

/// The Trino layout of the inputs.
pub(crate) fn trino_layout(inputs: &Inputs) -> TrinoLayout<'_> {
    let workloads = workload::workloads(&inputs.deployments, &inputs.stateful_sets);
    TrinoLayout::read(&workloads, &|_, name| {
        inputs
            .config_maps
            .iter()
            .find(|c| c.metadata.name.as_deref() == Some(name))
    })
}

/// The plan with Trino resized to `shape`: Deployment changes first, then every
/// rule evaluated against the new sizes.
pub(crate) fn build_sized(inputs: &Inputs, profile: Profile, shape: &super::sizing::Shape) -> Plan {
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
                current: current.map(crate::platform::rules::gib),
                proposed: Some(crate::platform::rules::gib(memory)),
                rule: "trino.sizing".into(),
                reason: format!(
                    "sizing: coordinator {} + {} workers x {} = {} (requests = limits)",
                    crate::platform::rules::gib(shape.coordinator_memory),
                    shape.workers,
                    crate::platform::rules::gib(shape.worker_memory),
                    crate::platform::rules::gib(shape.total().unwrap_or(u64::MAX))
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
pub(crate) fn resized(deployments: &[Deployment], changes: &[Change]) -> Vec<Deployment> {
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
                    let value = K8sQuantity(crate::platform::rules::gib(*bytes));
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

/// Notes for what the plan could not read: undecodable objects, forbidden lists.
fn unread_notes(inputs: &Inputs) -> Vec<Note> {
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
        object: ObjectRef::new("Namespace", None, &inputs.namespace),
        file: None,
        line: None,
        code: "cluster.not-checked".into(),
        message: format!(
            "{what}: not checked, so nothing of it is tuned; bind deploy/rbac/kubectl-dp-read.yaml to include it"
        ),
    }));
    notes
}

/// What planning one namespace carries from node to node.
struct Planner {
    profile: Profile,
    changes: Vec<Change>,
    notes: Vec<Note>,
    /// (ConfigMap, key) already planned: a file shared by several nodes is edited once.
    done: BTreeSet<(String, String)>,
    workers: u64,
    worker_per_node: Option<u64>,
}

/// The plan for `inputs`.
pub fn build(inputs: &Inputs, profile: Profile) -> Plan {
    let ns = inputs.namespace.as_str();
    let layout = trino_layout(inputs);
    let mut planner = Planner {
        profile,
        changes: Vec::new(),
        notes: unread_notes(inputs),
        done: BTreeSet::new(),
        // The inputs are one namespace's: every worker counts.
        workers: layout
            .with_role(Role::Worker)
            .map(|n| n.workload.replicas())
            .sum(),
        worker_per_node: None,
    };
    // Workers first: the coordinator's cluster-wide memory depends on theirs.
    let mut nodes: Vec<&TrinoNode> = layout.nodes.iter().collect();
    nodes.sort_by_key(|n| (n.role == Role::Coordinator, n.workload.name()));
    for node in nodes {
        planner.node(ns, node);
    }
    for app in &inputs.spark_applications {
        let object = ObjectRef::namespaced(
            "SparkApplication",
            ns,
            app.metadata.name.as_deref().unwrap_or_default(),
        );
        let (proposals, spark_notes) = spark::rules(app, profile);
        planner
            .notes
            .extend(super::values::spark_notes(&object, app, &proposals));
        planner.changes.extend(
            proposals
                .into_iter()
                .map(|p| p.into_change(&object, "spec")),
        );
        planner.notes.extend(spark_notes.into_iter().map(|n| Note {
            object: object.clone(),
            file: None,
            line: None,
            code: n.code.into(),
            message: n.message,
        }));
    }
    planner.notes.extend(admission_notes(inputs));
    Plan {
        namespace: ns.to_string(),
        profile,
        changes: planner.changes,
        notes: planner.notes,
    }
}

/// Pods admission refuses, which no edit of a file fixes: noted with status's
/// codes, for every workload of the namespace (as `status` reports them), not
/// only Trino's.
fn admission_notes(inputs: &Inputs) -> Vec<Note> {
    let refused = |spec: &PodSpec| {
        crate::platform::admission::admit(spec, &inputs.limit_ranges, &inputs.quotas).refusals
    };
    let note = |object: ObjectRef, pods: &str, r: crate::platform::admission::Refusal| {
        let code = match r.policy {
            crate::platform::admission::Policy::LimitRange(_) => "resources.refused-by-limit-range",
            crate::platform::admission::Policy::ResourceQuota(_) => "resources.refused-by-quota",
        };
        Note {
            object,
            file: None,
            line: None,
            code: code.into(),
            message: format!(
                "{pods} are refused by {}: {}",
                r.policy.describe(),
                r.message
            ),
        }
    };
    let mut notes = Vec::new();
    for workload in crate::platform::workload::workloads(&inputs.deployments, &inputs.stateful_sets)
    {
        if let Some(spec) = workload.pod_spec() {
            for r in refused(spec) {
                notes.push(note(workload.object(), "its pods", r));
            }
        }
    }
    for app in &inputs.spark_applications {
        if !crate::platform::spark::creates_pods(app.state()) {
            continue;
        }
        let object = ObjectRef::namespaced(
            "SparkApplication",
            &inputs.namespace,
            app.metadata.name.as_deref().unwrap_or_default(),
        );
        for pod in crate::platform::spark::pods(&app.spec.to_json()).unwrap_or_default() {
            for r in refused(&pod.spec) {
                notes.push(note(
                    object.clone(),
                    &format!("its {} pods", pod.role.as_str()),
                    r,
                ));
            }
        }
    }
    notes
}

impl Planner {
    /// The node's files, each planned once: jvm.config, config.properties, catalogs.
    fn node(&mut self, ns: &str, node: &TrinoNode) {
        let object = node.workload.object();
        let limit = node.memory_limit();
        if limit.is_none() {
            self.notes.push(Note {
                object: object.clone(),
                file: None,
                line: None,
                code: "trino.no-memory-limit".into(),
                message: format!("{} has no container memory limit: the heap cannot be sized against it; set resources.limits.memory", object.name),
            });
        }
        for name in &node.missing_config_maps {
            self.notes.push(Note {
                object: object.clone(),
                file: None,
                line: None,
                code: "trino.configmap-missing".into(),
                message: format!(
                    "{} mounts ConfigMap {name}, which does not exist",
                    object.name
                ),
            });
        }
        let heap = node.heap_with_limit(limit);
        let mut heap_after = heap.max.filter(|_| heap.refused.is_empty());
        if let Some((file, text)) = self.first_time(&node.files.jvm_config) {
            let parsed = crate::platform::jvm::JvmConfig::parse(&text);
            let (proposals, after) = jvm::rules(&parsed, &heap, limit, self.profile);
            heap_after = after;
            let cm = ObjectRef::namespaced("ConfigMap", ns, &file.source.config_map);
            self.changes.extend(
                proposals
                    .into_iter()
                    .map(|p| p.into_change(&cm, &file.source.key)),
            );
        }
        if let Some((file, text)) = self.first_time(&node.files.config_properties) {
            self.server_file(ns, node.role, &file, &text, heap_after);
        }
        for file in &node.files.catalogs {
            if let Some((file, text)) = self.first_time(&Some(file.clone())) {
                let props = self.parsed(ns, &file, &text);
                let cm = ObjectRef::namespaced("ConfigMap", ns, &file.source.config_map);
                let proposals = catalog::rules(&props, self.profile);
                if props.get("connector.name") == Some("iceberg") {
                    let label = format!("catalog {}", file.catalog_name());
                    self.notes.extend(super::values::trino_notes(
                        &cm,
                        &file.source.key,
                        (&label, "the catalog fails to load"),
                        &props,
                        Table::Iceberg,
                        &super::values::rewritten(&proposals),
                    ));
                }
                self.changes.extend(
                    proposals
                        .into_iter()
                        .map(|p| p.into_change(&cm, &file.source.key)),
                );
            }
        }
    }

    /// The file and its text, the first time it is seen.
    fn first_time(&mut self, file: &Option<TrinoFile>) -> Option<(TrinoFile, String)> {
        let file = file.as_ref()?;
        let text = file.text.clone()?;
        self.done
            .insert((file.source.config_map.clone(), file.source.key.clone()))
            .then(|| (file.clone(), text))
    }

    /// A properties file parsed, its malformed lines noted.
    fn parsed(&mut self, ns: &str, file: &TrinoFile, text: &str) -> Properties {
        let props = Properties::parse(text);
        let cm = ObjectRef::namespaced("ConfigMap", ns, &file.source.config_map);
        for problem in props.problems() {
            self.notes.push(note(
                &cm,
                &file.source.key,
                problem.line,
                "trino.config-malformed",
                problem.reason,
            ));
        }
        props
    }

    fn server_file(
        &mut self,
        ns: &str,
        role: Role,
        file: &TrinoFile,
        text: &str,
        heap: Option<u64>,
    ) {
        let props = self.parsed(ns, file, text);
        let cm = ObjectRef::namespaced("ConfigMap", ns, &file.source.config_map);
        let key = &file.source.key;
        let (mut proposals, per_node) = server::node_rules(&props, heap, self.profile);
        match role {
            Role::Worker => self.worker_per_node = self.worker_per_node.max(per_node),
            Role::Coordinator => proposals.extend(server::cluster_rules(
                &props,
                self.workers,
                self.worker_per_node,
            )),
        }
        self.notes.extend(super::values::trino_notes(
            &cm,
            key,
            ("config.properties", "Trino refuses to start"),
            &props,
            Table::Server,
            &super::values::rewritten(&proposals),
        ));
        self.changes
            .extend(proposals.into_iter().map(|p| p.into_change(&cm, key)));
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
            stateful_sets: vec![],
            limit_ranges: vec![],
            quotas: vec![],
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
        let proposed = |cm: &str, setting: &str| find(cm, setting).unwrap().proposed;
        assert_eq!(proposed("coord", "-Xmx").as_deref(), Some("-Xmx8G"));
        assert_eq!(proposed("worker", "-Xmx").as_deref(), Some("-Xmx22G"));
        // 22G heap: 16GB + 8GB = 24GB is above it; 30% = 6.6GiB rounds down to 6GB.
        assert_eq!(proposed("worker", server::PER_NODE).as_deref(), Some("6GB"));
        // 3 workers x 6GB = 18GB.
        assert_eq!(
            proposed("coord", server::MAX_MEMORY).as_deref(),
            Some("18GB")
        );
        assert!(proposed("catalog", "iceberg.compression").is_none());
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
