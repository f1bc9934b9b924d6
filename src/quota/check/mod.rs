//! `kubectl dp quota check`: would applying these manifests fit the namespace
//! quotas, its LimitRange and the nodes? Meant for a GitOps pipeline: exit 1
//! when it does not fit.

mod evaluate;
mod fences;
mod limits;
mod nodes;
mod render;
pub mod spark;

pub use evaluate::{Live, evaluate};
pub use limits::apply_limit_ranges;
pub use render::{csv, table};

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;

use k8s_openapi::api::core::v1::{LimitRange, Node, ResourceQuota};
use kube::api::ListParams;
use serde::Serialize;

use crate::cli::ClusterArgs;
use crate::error::{Error, Exit, Result};
use crate::kube::{Cluster, Listing, Scope};
use crate::platform::quantity::Quantity;
use crate::render::{Metadata, Output};

use super::manifests::{self, Workload};

/// The `kind` of `kubectl dp quota check -o json`.
pub(crate) const KIND: &str = "QuotaCheck";

/// Flags of `quota check`.
#[derive(Debug, Clone, clap::Args)]
#[command(group = clap::ArgGroup::new("input").required(true).multiple(true))]
pub struct CheckArgs {
    /// Manifest file, directory (read recursively) or - for stdin (repeatable)
    #[arg(
        short = 'f',
        long = "filename",
        value_name = "FILE|DIR|-",
        group = "input"
    )]
    pub files: Vec<PathBuf>,

    /// Kustomization directory, built with `kubectl kustomize` ($KUBECTL or kubectl on PATH)
    #[arg(short = 'k', long = "kustomize", value_name = "DIR", group = "input")]
    pub kustomize: Option<PathBuf>,
}

/// The state of one target namespace.
#[derive(Debug, Clone, Default)]
pub struct NamespaceState {
    /// Its ResourceQuotas.
    pub quotas: Vec<ResourceQuota>,
    /// Its LimitRanges.
    pub limit_ranges: Vec<LimitRange>,
}

/// What `quota check` reports (kind `QuotaCheck`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    /// Everything fits.
    pub fits: bool,
    /// One line per reason it does not fit.
    pub reasons: Vec<String>,
    /// The workloads of the manifests, after LimitRange defaults.
    pub workloads: Vec<WorkloadRow>,
    /// Each quota of the target namespaces, before and after.
    pub quotas: Vec<QuotaCheck>,
    /// Containers that break a LimitRange.
    pub limit_range_violations: Vec<Violation>,
    /// LimitRange defaults that were applied, one line each.
    pub defaults_applied: Vec<String>,
    /// Whether the pods fit on the nodes.
    pub nodes: NodeCheck,
    /// What could not be read and so was not checked (`nodes`,
    /// `resourcequotas in NS`): the verdict covers only the rest.
    pub not_checked: Vec<String>,
    /// What could not be checked.
    pub notes: Vec<String>,
    /// Manifests the API server refused in a server-side dry run (schema,
    /// admission): not counted, and the change does not fit.
    pub rejected: Vec<Rejected>,
}

/// A manifest the API server refused.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rejected {
    /// `Kind/name` (`Kind namespace/name` when namespaced).
    pub object: String,
    /// The file it came from.
    pub source: PathBuf,
    /// What the server said.
    pub message: String,
}

/// One workload of the manifests.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadRow {
    /// Its kind.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// The namespace it goes to.
    pub namespace: String,
    /// `pod`, or `driver` / `executor` for Spark.
    pub role: String,
    /// How many such pods.
    pub count: i64,
    /// Per pod, after LimitRange defaults.
    pub requests: BTreeMap<String, Quantity>,
    /// Per pod, after LimitRange defaults.
    pub limits: BTreeMap<String, Quantity>,
    /// Live pods this object replaces.
    pub replaces_pods: usize,
}

/// One quota before and after the change.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotaCheck {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// One row per resource it limits.
    pub resources: Vec<QuotaCheckRow>,
}

/// One resource of a quota before and after the change.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotaCheckRow {
    /// The resource (`limits.memory`).
    pub resource: String,
    /// Used now.
    pub used: Quantity,
    /// Freed by the objects the change replaces.
    pub replaced: Quantity,
    /// Added by the change.
    pub added: Quantity,
    /// Used after the change.
    pub after: Quantity,
    /// The quota's hard limit.
    pub hard: Quantity,
    /// `after` is within `hard`.
    pub fits: bool,
    /// How far over `hard` (zero when it fits).
    pub over_by: Quantity,
    /// The object adding most of this resource.
    pub largest_contributor: Option<String>,
}

/// A container that breaks a LimitRange.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    /// The workload (`Deployment/x`).
    pub object: String,
    /// The container.
    pub container: String,
    /// The LimitRange.
    pub limit_range: String,
    /// What is broken (`memory limit 8Gi above max 4Gi`).
    pub message: String,
}

/// Whether the new pods fit on the nodes.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeCheck {
    /// The largest new pod (`Deployment/x`).
    pub largest_pod: Option<String>,
    /// Its CPU requests.
    pub largest_pod_cpu: Quantity,
    /// Its memory requests.
    pub largest_pod_memory: Quantity,
    /// A node the largest pod fits on, if any.
    pub largest_pod_node: Option<String>,
    /// The most CPU free on one node.
    pub most_free_cpu: Quantity,
    /// The most memory free on one node.
    pub most_free_memory: Quantity,
    /// CPU the new pods request together.
    pub requested_cpu: Quantity,
    /// Memory the new pods request together.
    pub requested_memory: Quantity,
    /// CPU free on all nodes together.
    pub free_cpu: Quantity,
    /// Memory free on all nodes together.
    pub free_memory: Quantity,
    /// How many new pods.
    pub pods: i64,
    /// Pods that fit on no node.
    pub unplaced: Vec<String>,
    /// Every new pod has a node.
    pub fits: bool,
    /// The nodes could be read and the check ran (false: `fits` says nothing).
    pub checked: bool,
}

async fn read_live(cluster: &Cluster, namespaces: &BTreeSet<String>) -> Result<Live> {
    let all = ListParams::default();
    let active = super::active_pods();
    let mut notes = Vec::new();
    let (pods, nodes) = tokio::try_join!(
        cluster.list_pod_resources(&Scope::All, &active),
        cluster.list_cluster::<Node>(&all),
    )?;
    let all_readable = pods.is_available();
    let mut pod_items = pods.items;
    let mut unread = Vec::new();
    // Namespaces whose pods cannot be read: their quota usage is unknown.
    let mut pods_unread = BTreeSet::new();
    if !all_readable {
        notes.push("pods of other namespaces could not be read: node free space counts only the target namespaces".into());
        pod_items.clear();
        for ns in namespaces {
            let scope = Scope::Namespace(ns.clone());
            let listing = cluster
                .list_pod_resources(&scope, &super::active_pods())
                .await?;
            if !listing.is_available() {
                unread.push(format!("pods in {ns}"));
                pods_unread.insert(ns.clone());
            }
            pod_items.extend(listing.items);
        }
    }
    let nodes_read = nodes.is_available();
    if !nodes_read {
        unread.push("nodes".to_string());
        notes.push(format!(
            "nodes: not checked ({}): whether the pods fit on the nodes is unknown",
            nodes.availability.describe()
        ));
    }
    let states = read_fences(cluster, namespaces, &pods_unread, &mut unread, &mut notes).await?;
    // Nothing needed could be read: a verdict would be a guess.
    // Per namespace: its quotas (unknown without its pods) and its LimitRanges.
    let fences_unchecked: usize = namespaces
        .iter()
        .map(|ns| {
            let quotas =
                unread.contains(&format!("resourcequotas in {ns}")) || pods_unread.contains(ns);
            let ranges = unread.contains(&format!("limitranges in {ns}"));
            usize::from(quotas) + usize::from(ranges)
        })
        .sum();
    if !nodes_read && fences_unchecked == 2 * namespaces.len() {
        return Err(Error::Forbidden {
            user: cluster.user_name().to_string(),
            verb: "list".into(),
            resource: "resourcequotas, limitranges or nodes".into(),
            scope: format!(
                " in namespace {}",
                namespaces.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
        });
    }
    Ok(Live {
        namespaces: states,
        pods: pod_items,
        nodes: nodes.items,
        nodes_read,
        not_checked: unread,
        notes,
    })
}

/// The quotas and LimitRanges of each target namespace. What cannot be read goes
/// to `unread` and `notes`; a namespace whose pods could not be read keeps no
/// quotas (what they have left is unknown).
async fn read_fences(
    cluster: &Cluster,
    namespaces: &BTreeSet<String>,
    pods_unread: &BTreeSet<String>,
    unread: &mut Vec<String>,
    notes: &mut Vec<String>,
) -> Result<BTreeMap<String, NamespaceState>> {
    let all = ListParams::default();
    let mut states = BTreeMap::new();
    for ns in namespaces {
        let scope = Scope::Namespace(ns.clone());
        let (quotas, ranges) = tokio::try_join!(
            cluster.list::<ResourceQuota>(&scope, &all),
            cluster.list::<LimitRange>(&scope, &all)
        )?;
        let quotas_read = quotas.is_available();
        let mut quota_items = quotas.items;
        if !quotas_read {
            unread.push(format!("resourcequotas in {ns}"));
            notes.push(format!(
                "resourcequotas in {ns} could not be read: quota not checked"
            ));
        } else if pods_unread.contains(ns) {
            notes.push(format!(
                "pods in {ns} could not be read: what its quotas have left is unknown, quota not checked"
            ));
            quota_items.clear();
        }
        if !ranges.is_available() {
            unread.push(format!("limitranges in {ns}"));
            notes.push(format!(
                "limitranges in {ns} could not be read: LimitRange not checked"
            ));
        }
        states.insert(
            ns.clone(),
            NamespaceState {
                quotas: quota_items,
                limit_ranges: ranges.items,
            },
        );
    }
    Ok(states)
}

/// Runs `quota check`: reads the manifests, then the cluster, then decides.
/// Its flags were checked by `quota::check_flags`.
pub async fn run(
    cluster_args: &ClusterArgs,
    output: &Output,
    args: CheckArgs,
    out: &mut dyn Write,
) -> Result<Exit> {
    // Input first: a bad file is exit 2 before any cluster access.
    // Directories are read with their subdirectories, as quota check always has.
    let found = crate::manifests::read(
        &args.files,
        true,
        args.kustomize.as_deref(),
        &mut std::io::stdin(),
    )?
    .manifests;
    let cluster = Cluster::connect(cluster_args).await?;
    let default_ns = cluster.namespace().to_string();
    // The API server judges the manifests first (schema, admission), as
    // `kubectl apply --dry-run=server` would: what it refuses is not counted.
    let (found, rejected, unjudged) = server_dry_run(&cluster, found, &default_ns).await?;
    // DaemonSets make one pod per node; count nodes only when there is one.
    let has_daemonset = found
        .iter()
        .any(|m| m.value.get("kind").and_then(|k| k.as_str()) == Some("DaemonSet"));
    let mut daemonset_note = None;
    let node_count = if has_daemonset {
        let nodes: Listing<Node> = cluster.list_cluster(&ListParams::default()).await?;
        if !nodes.is_available() {
            daemonset_note = Some(format!(
                "DaemonSets: not checked, the nodes could not be read ({}): their pods are not counted",
                nodes.availability.describe()
            ));
        }
        nodes.items.len() as i64
    } else {
        0
    };
    let workloads = manifests::workloads(&found, node_count)?;
    if workloads.is_empty() && rejected.is_empty() {
        return Err(Error::Usage(
            "no workloads in the manifests (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, SparkApplication); nothing to check".into(),
        ));
    }
    let targeted: Vec<(Workload, String)> = workloads
        .into_iter()
        .map(|w| {
            let ns = w.namespace.clone().unwrap_or_else(|| default_ns.clone());
            (w, ns)
        })
        .collect();
    let namespaces: BTreeSet<String> = targeted.iter().map(|(_, ns)| ns.clone()).collect();
    // A mistyped -n (or manifest namespace) is one line, unless the change creates it.
    for ns in &namespaces {
        let created = found.iter().any(|m| {
            m.value.get("kind").and_then(|k| k.as_str()) == Some("Namespace")
                && m.value.pointer("/metadata/name").and_then(|n| n.as_str()) == Some(ns)
        });
        if !created {
            crate::cli::namespace::require_existing(&cluster, &Scope::Namespace(ns.clone()))
                .await?;
        }
    }
    let (targeted, spark_notes) =
        spark::drop_finished_applications(&cluster, &found, targeted, &default_ns).await?;
    let mut live = read_live(&cluster, &namespaces).await?;
    fences::overlay(&mut live, &found, &default_ns);
    live.notes.extend(spark_notes);
    live.notes.extend(daemonset_note);
    live.notes.extend(unjudged);
    let now = jiff::Timestamp::now();
    let mut report = evaluate(&targeted, &live, now);
    if !rejected.is_empty() {
        report.fits = false;
        for r in &rejected {
            report.reasons.push(format!(
                "{} ({}) was rejected by the API server: {}",
                r.object,
                r.source.display(),
                r.message
            ));
        }
        report.rejected = rejected;
    }
    let scope = crate::kube::Scope::Namespace(default_ns.clone());
    crate::render::emit(out, output, Metadata::new(&cluster, &scope, now), &report)
}

/// Sends every manifest to the API server as a server-side dry run; returns the
/// accepted ones, the refused ones, and a note for each the server did not judge
/// (counted, as without a server).
async fn server_dry_run(
    cluster: &Cluster,
    found: Vec<manifests::Manifest>,
    default_ns: &str,
) -> Result<(Vec<manifests::Manifest>, Vec<Rejected>, Vec<String>)> {
    let objects: Vec<serde_json::Value> = found.iter().map(|m| m.value.clone()).collect();
    let answers = cluster.dry_run_apply(&objects, default_ns).await?;
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    // Objects the server did not judge, by why (one note per reason).
    let mut unjudged: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (manifest, answer) in found.into_iter().zip(answers) {
        match answer {
            crate::kube::DryRun::Accepted(_) => accepted.push(manifest),
            crate::kube::DryRun::Rejected(message) => rejected.push(Rejected {
                object: object_name(&manifest.value),
                source: manifest.source,
                message,
            }),
            crate::kube::DryRun::NotChecked(why) => {
                unjudged
                    .entry(why)
                    .or_default()
                    .push(object_name(&manifest.value));
                accepted.push(manifest);
            }
        }
    }
    let notes = unjudged
        .into_iter()
        .map(|(why, objects)| {
            let which = match objects.as_slice() {
                [one] => one.clone(),
                [first, rest @ ..] => format!("{first} and {} more", rest.len()),
                [] => String::new(),
            };
            // The object's name never ends in a colon: `…-credentials: x` reads
            // as a secret setting to the redactor, which would mask the next word.
            format!("not checked by the API server, counted as written: {which} ({why})")
        })
        .collect();
    Ok((accepted, rejected, notes))
}

/// `Kind namespace/name`, `Kind name` or `Kind` of a manifest.
fn object_name(value: &serde_json::Value) -> String {
    let kind = value
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or("object");
    let meta = value.get("metadata");
    let field = |f: &str| meta.and_then(|m| m.get(f)).and_then(|v| v.as_str());
    match (field("namespace"), field("name").or(field("generateName"))) {
        (Some(ns), Some(name)) => format!("{kind} {ns}/{name}"),
        (None, Some(name)) => format!("{kind} {name}"),
        _ => kind.to_string(),
    }
}

#[cfg(test)]
mod tests;
