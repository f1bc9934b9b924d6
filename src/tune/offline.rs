//! `tune plan -f/-R/-k`: the plan for manifests, with no cluster at all. The
//! manifests are read and made a snapshot exactly as `status -f/-k` makes one
//! ([`crate::snapshot::offline`]); the namespace's part of it becomes the
//! plan's inputs, so the same rules propose the same edits `tune export`
//! writes from the cluster, each pointed at its file and line. What only the
//! cluster knows (node sizes, other pods, who owns a field) is said, never
//! silently assumed.

use std::collections::BTreeSet;
use std::io::Write;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Exit, Result};
use crate::findings::{FieldRef, ObjectRef, SourceLocation};
use crate::kube::Scope;
use crate::manifests::{Locator, Manifest};
use crate::platform::trino::layout;
use crate::render::{Metadata, Output};
use crate::snapshot::{Snapshot, offline};

use super::model::{Change, Edit, Note, Plan, Profile};
use super::plan::{self, Inputs};
use super::{ManifestArgs, PlanArgs, PlanReport, SizingReport};

/// Where Rook's operator settings would live: tune reads none of them.
const OPERATOR_NAMESPACE: &str = "rook-ceph";

/// What a plan made from manifests adds to the plan: what it was read from,
/// where each change and note is written, and what could not be known.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OfflinePlan {
    /// `-f FILE`, `-k DIR`, as given.
    pub sources: Vec<String>,
    /// How many objects the manifests held.
    pub objects: usize,
    /// Where each change (in the plan's order) is written; `None`: not found.
    #[serde(skip)]
    pub changes: Vec<Option<SourceLocation>>,
    /// Where each note (in the plan's order) is about.
    #[serde(skip)]
    pub notes: Vec<Option<SourceLocation>>,
    /// What the plan could not know without the cluster, and what it did instead.
    pub not_known_offline: Vec<String>,
}

/// Plans for the manifests `-f`/`-R`/`-k` name and renders the plan.
pub(crate) fn run(
    namespace_flag: Option<&str>,
    args: &PlanArgs,
    output: &Output,
    out: &mut dyn Write,
) -> Result<Exit> {
    let now = jiff::Timestamp::now();
    let m = &args.manifests;
    let read = crate::manifests::read(
        &m.files,
        m.recursive,
        m.kustomize.as_deref(),
        &mut std::io::stdin(),
    )?;
    let sources = sources(m);
    if read.manifests.is_empty() {
        return Err(Error::Usage(format!(
            "no Kubernetes object in {}: nothing to plan",
            sources.join(", ")
        )));
    }
    let default_namespace = namespace_flag.unwrap_or("default");
    let (snapshot, _) = offline::snapshot(&read.manifests, default_namespace, OPERATOR_NAMESPACE);
    let namespace = namespace(&snapshot, namespace_flag, &sources)?;
    let inputs = inputs(&snapshot, &read.manifests, &namespace, default_namespace);
    let metadata = Metadata::of(None, &Scope::Namespace(namespace.clone()), now);
    let plan = match sized(&inputs, args.profile, &args.sizing.request())? {
        Ok(plan) => plan,
        Err(failures) => {
            return crate::render::emit(out, output, metadata, &SizingReport::new(failures));
        }
    };
    let offline = OfflinePlan {
        objects: read.manifests.len(),
        changes: plan
            .changes
            .iter()
            .map(|c| locate_change(&read.locator, c))
            .collect(),
        notes: plan
            .notes
            .iter()
            .map(|n| locate_note(&read.locator, n))
            .collect(),
        not_known_offline: not_known(&args.sizing.request()),
        sources,
    };
    let report = PlanReport {
        plan: &plan,
        inputs: &inputs,
        apply_command: String::new(),
        conflicts: Vec::new(),
        offline: Some(offline),
    };
    crate::render::emit(out, output, metadata, &report)
}

fn sources(m: &ManifestArgs) -> Vec<String> {
    let mut sources: Vec<String> = m
        .files
        .iter()
        .map(|f| format!("-f {}", f.display()))
        .collect();
    sources.extend(m.kustomize.iter().map(|k| format!("-k {}", k.display())));
    sources
}

/// The namespaces of the manifests that hold Trino (a coordinator or worker
/// Deployment or StatefulSet) or a SparkApplication.
fn holders(snapshot: &Snapshot) -> BTreeSet<String> {
    let workloads = crate::platform::workload::workloads(
        &snapshot.deployments.items,
        &snapshot.stateful_sets.items,
    );
    let trino = workloads
        .iter()
        .filter(|w| layout::is_trino(w))
        .map(|w| w.namespace().to_string());
    let spark = snapshot
        .spark_applications
        .items
        .iter()
        .filter_map(|a| a.metadata.namespace.clone());
    trino.chain(spark).collect()
}

/// The namespace to plan: `-n`, else the one namespace of the manifests that
/// holds something to tune (tune plans one namespace at a time).
fn namespace(snapshot: &Snapshot, asked: Option<&str>, sources: &[String]) -> Result<String> {
    let holders = holders(snapshot);
    let listed = || holders.iter().cloned().collect::<Vec<_>>().join(", ");
    match asked {
        Some(ns) if holders.contains(ns) => Ok(ns.to_string()),
        Some(ns) if holders.is_empty() => Err(nothing_to_tune(&format!(
            "namespace {ns} of {}",
            sources.join(", ")
        ))),
        Some(ns) => Err(Error::Usage(format!(
            "namespace {ns} of the manifests holds no Trino or SparkApplication; they are in {}: pass -n with one of them",
            listed()
        ))),
        None => match holders.len() {
            0 => Err(nothing_to_tune(&sources.join(", "))),
            1 => Ok(listed()),
            n => Err(Error::Usage(format!(
                "the manifests hold Trino or SparkApplications in {n} namespaces ({}); tune plans one at a time: pass -n NAMESPACE",
                listed()
            ))),
        },
    }
}

fn nothing_to_tune(place: &str) -> Error {
    Error::Usage(format!(
        "no Trino (coordinator or worker Deployment or StatefulSet) or SparkApplication in {place}: nothing to tune"
    ))
}

/// The part of the snapshot `tune` reads from a namespace, as [`super::gather`]
/// reads it from the cluster: its workloads, ConfigMaps, LimitRanges, quotas
/// and SparkApplications (as written, for export).
fn inputs(
    snapshot: &Snapshot,
    manifests: &[Manifest],
    namespace: &str,
    default_namespace: &str,
) -> Inputs {
    fn of<T: Clone>(items: &[T], meta: impl Fn(&T) -> &ObjectMeta, ns: &str) -> Vec<T> {
        items
            .iter()
            .filter(|i| meta(i).namespace.as_deref() == Some(ns))
            .cloned()
            .collect()
    }
    let s = snapshot;
    let undecodable = [
        &s.deployments.undecodable,
        &s.stateful_sets.undecodable,
        &s.config_maps.undecodable,
        &s.limit_ranges.undecodable,
        &s.resource_quotas.undecodable,
        &s.spark_applications.undecodable,
    ]
    .into_iter()
    .flatten()
    .filter(|u| u.namespace.as_deref() == Some(namespace))
    .cloned()
    .collect();
    let text = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_str).map(String::from);
    let spark_raw = manifests
        .iter()
        .filter(|m| m.value["kind"] == "SparkApplication")
        .filter(|m| {
            text(&m.value, "/metadata/namespace")
                .as_deref()
                .unwrap_or(default_namespace)
                == namespace
        })
        .filter_map(|m| Some((text(&m.value, "/metadata/name")?, m.value.clone())))
        .collect();
    Inputs {
        namespace: namespace.to_string(),
        deployments: of(&s.deployments.items, |d| &d.metadata, namespace),
        stateful_sets: of(&s.stateful_sets.items, |d| &d.metadata, namespace),
        config_maps: of(&s.config_maps.items, |c| &c.metadata, namespace),
        limit_ranges: of(&s.limit_ranges.items, |l| &l.metadata, namespace),
        quotas: of(&s.resource_quotas.items, |q| &q.metadata, namespace),
        spark_applications: of(&s.spark_applications.items, |a| &a.metadata, namespace),
        spark_raw,
        undecodable,
        unreadable: Vec::new(),
    }
}

/// The plan, resized when sizing flags were given. Without the cluster the
/// nodes and the pods already on them are unknown: sizing then needs
/// `--unchecked` (as online when RBAC hides them), and the plan says what it
/// did not check. `Err` lists the constraints that fail.
fn sized(
    inputs: &Inputs,
    profile: Profile,
    request: &super::sizing::Request,
) -> Result<std::result::Result<Plan, Vec<String>>> {
    if request.is_empty() {
        return Ok(Ok(plan::build(inputs, profile)));
    }
    if !request.unchecked {
        return Ok(Err(vec![format!(
            "not checked: {NODES_UNKNOWN}; without them the size cannot be said to fit; pass --unchecked to size without them, or plan against the cluster (without -f/-k)"
        )]));
    }
    let (current, quotas) = super::gather::sizing_from_inputs(inputs)?;
    Ok(
        super::sizing::size(request, current, &[], &quotas).map(|shape| {
            let mut plan = plan::build_sized(inputs, profile, &shape);
            plan.notes.push(Note {
                object: ObjectRef::new("Namespace", None, &inputs.namespace),
                file: None,
                line: None,
                code: "cluster.not-checked".into(),
                message: format!(
                    "{NODES_UNKNOWN}: not checked (--unchecked): the size was not checked against them"
                ),
            });
            plan
        }),
    )
}

/// What sizing needs that manifests do not hold.
const NODES_UNKNOWN: &str =
    "nodes and the pods already on them (not in manifests: the cluster's own)";

/// What the plan could not know offline, and what it did instead.
fn not_known(request: &super::sizing::Request) -> Vec<String> {
    let nodes = if request.is_empty() {
        "node sizes and the pods on them: not needed (no sizing flag; --workers, --worker-memory, --coordinator-memory and --budget need --unchecked offline)".to_string()
    } else {
        format!(
            "{NODES_UNKNOWN}: the size was checked against --budget and the manifests' ResourceQuotas only, on no node"
        )
    };
    vec![
        nodes,
        "LimitRanges and ResourceQuotas: only those in the manifests, with no other pod's usage (the cluster's own are not read)".into(),
        "field managers: whether Flux, Argo CD or another manager owns a changed field is not known (tune plan against the cluster names them)".into(),
    ]
}

/// Where a change is written: the line of a file a ConfigMap holds, the
/// SparkApplication's or Deployment's field, else the object.
fn locate_change(locator: &Locator, change: &Change) -> Option<SourceLocation> {
    let name = |c: &str| format!("name={c}");
    let field = match &change.edit {
        Some(Edit::SparkConf { map, key, .. }) => Some(FieldRef::at(&["spec", map, key])),
        Some(Edit::SparkPod { role, field, .. }) => Some(FieldRef::at(&["spec", role, field])),
        Some(Edit::Memory { container, .. }) => Some(FieldRef::at(&[
            "spec",
            "template",
            "spec",
            "containers",
            &name(container),
            "resources",
        ])),
        Some(Edit::Replicas { .. }) => Some(FieldRef::at(&["spec", "replicas"])),
        _ => file_field(&change.object, Some(&change.file), change.line),
    };
    locator.locate(&change.object, field.as_ref())
}

/// Where a note is about: its file's line when it names one, else its object.
fn locate_note(locator: &Locator, note: &Note) -> Option<SourceLocation> {
    let field = file_field(&note.object, note.file.as_deref(), note.line);
    locator.locate(&note.object, field.as_ref())
}

/// The key (and line) of a file a ConfigMap holds.
fn file_field(object: &ObjectRef, file: Option<&str>, line: Option<usize>) -> Option<FieldRef> {
    let file = file?;
    if object.kind != "ConfigMap" {
        return None;
    }
    Some(match line {
        Some(line) => FieldRef::config_map_line(object, file, line),
        None => FieldRef::at(&["data", file]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifests::parse_documents;

    const PLATFORM: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: trino-worker
  namespace: dp
data:
  jvm.config: |
    -server
    -Xmx24G
  config.properties: |
    coordinator=false
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: trino-worker
  namespace: dp
  labels: {app.kubernetes.io/name: trino, app.kubernetes.io/component: worker}
spec:
  replicas: 2
  selector: {matchLabels: {app: w}}
  template:
    metadata: {labels: {app: w}}
    spec:
      containers:
      - name: trino
        image: trinodb/trino:476
        resources: {limits: {memory: 16Gi}, requests: {memory: 16Gi}}
        volumeMounts: [{name: config, mountPath: /etc/trino}]
      volumes: [{name: config, configMap: {name: trino-worker}}]
";

    fn read(text: &str) -> (Vec<Manifest>, Locator) {
        let manifests = parse_documents(std::path::Path::new("platform.yaml"), text).unwrap();
        let locator = Locator::of_files(&manifests);
        (manifests, locator)
    }

    #[test]
    fn a_heap_above_the_limit_is_planned_and_pointed_at_its_line() {
        let (manifests, locator) = read(PLATFORM);
        let (snapshot, _) = offline::snapshot(&manifests, "default", OPERATOR_NAMESPACE);
        assert_eq!(namespace(&snapshot, None, &[]).unwrap(), "dp");
        let inputs = inputs(&snapshot, &manifests, "dp", "default");
        assert!(inputs.deployments.iter().all(plan::is_trino));
        let plan = plan::build(&inputs, Profile::Balanced);
        let heap = plan
            .changes
            .iter()
            .find(|c| c.setting == "-Xmx")
            .unwrap_or_else(|| panic!("no heap change: {plan:?}"));
        let at = locate_change(&locator, heap).unwrap();
        assert_eq!(at.file, "platform.yaml");
        assert_eq!(PLATFORM.lines().nth(at.line - 1).unwrap().trim(), "-Xmx24G");
    }

    #[test]
    fn the_namespace_is_asked_for_when_the_manifests_hold_several() {
        let two = format!(
            "{PLATFORM}---\n{}",
            PLATFORM.replace("namespace: dp", "namespace: other")
        );
        let (manifests, _) = read(&two);
        let (snapshot, _) = offline::snapshot(&manifests, "default", OPERATOR_NAMESPACE);
        let refused = namespace(&snapshot, None, &[]).unwrap_err().to_string();
        assert!(refused.contains("2 namespaces (dp, other)"), "{refused}");
        assert_eq!(namespace(&snapshot, Some("other"), &[]).unwrap(), "other");
        let wrong = namespace(&snapshot, Some("nope"), &[])
            .unwrap_err()
            .to_string();
        assert!(wrong.contains("they are in dp, other"), "{wrong}");
    }

    #[test]
    fn sizing_offline_needs_unchecked_and_says_what_it_did_not_check() {
        let (manifests, _) = read(PLATFORM);
        let (snapshot, _) = offline::snapshot(&manifests, "default", OPERATOR_NAMESPACE);
        let inputs = inputs(&snapshot, &manifests, "dp", "default");
        let mut request = super::super::sizing::Request {
            workers: Some(3),
            ..Default::default()
        };
        let refused = sized(&inputs, Profile::Balanced, &request)
            .unwrap()
            .unwrap_err();
        assert!(refused[0].contains("--unchecked"), "{refused:?}");
        request.unchecked = true;
        let plan = sized(&inputs, Profile::Balanced, &request)
            .unwrap()
            .unwrap();
        assert!(
            plan.changes
                .iter()
                .any(|c| c.setting == "replicas" && c.proposed.as_deref() == Some("3"))
        );
        assert!(plan.notes.iter().any(|n| n.code == "cluster.not-checked"));
        assert!(not_known(&request)[0].contains("on no node"));
    }
}
