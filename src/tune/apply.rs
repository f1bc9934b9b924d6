//! `kubectl dp tune apply`: writes exactly the diff that was shown and
//! confirmed, or nothing.
//!
//! - Every write carries the resourceVersion the diff was computed from: an
//!   object changed since (a colleague's edit while `[y/N]` waited) refuses
//!   the write, and the new diff is shown instead.
//! - Everything passes the API server's dry run first (conflicts with other
//!   field managers stop here unless `--force-conflicts`).
//! - The backup (only the fields tune changes, `backup.rs`) is created before
//!   the writes, and each written object is sealed with its digest.
//! - A write that fails undoes the ones before it (`kube::Undo`), and the
//!   error names what was undone.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;

use crate::cli::{Go, OutputFormat};
use crate::error::{Error, Exit, Result};
use crate::kube::{Cluster, Precondition, Undo, WriteMode};
use crate::platform::crds::SparkApplication;
use crate::render::Metadata;

use super::backup::{
    Backup, Direction, FileChange, MemoryChange, SizeChange, SparkChange, ValueChange,
};
use super::gather::{gather, sized_plan};
use super::plan::{self, Inputs};
use super::rollback::{affected_deployments, backup_config_map, restart};
use super::{ApplyArgs, model, render, write_failures};
use crate::platform::rules;

/// What a Deployment's sizing changes become in a backup (pure).
fn size_change(d: &Deployment, changes: &[&model::Change]) -> SizeChange {
    let mut size = SizeChange::default();
    for change in changes {
        match &change.edit {
            Some(model::Edit::Replicas { replicas }) => {
                size.replicas = Some((d.spec.as_ref().and_then(|s| s.replicas), *replicas));
            }
            Some(model::Edit::Memory { container, bytes }) => {
                let live = d
                    .spec
                    .as_ref()
                    .and_then(|s| s.template.spec.as_ref())
                    .and_then(|s| s.containers.iter().find(|x| &x.name == container))
                    .and_then(|x| x.resources.as_ref());
                let memory = |map: Option<
                    &BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>,
                >| {
                    map.and_then(|m| m.get("memory")).map(|q| q.0.clone())
                };
                size.memory = Some(MemoryChange {
                    container: container.clone(),
                    limit_before: memory(live.and_then(|r| r.limits.as_ref())),
                    request_before: memory(live.and_then(|r| r.requests.as_ref())),
                    after: rules::gib(*bytes),
                });
            }
            _ => {}
        }
    }
    size
}

/// What a SparkApplication's changes become in a backup (pure).
fn spark_change(old: &SparkApplication, new: &SparkApplication) -> SparkChange {
    let diff = |before: &BTreeMap<String, String>, after: &BTreeMap<String, String>| {
        before
            .keys()
            .chain(after.keys())
            .filter(|k| before.get(*k) != after.get(*k))
            .map(|k| {
                (
                    k.clone(),
                    ValueChange {
                        before: before.get(k).cloned(),
                        after: after.get(k).cloned(),
                    },
                )
            })
            .collect()
    };
    let overhead = |before: &Option<String>, after: &Option<String>| {
        (before != after).then(|| ValueChange {
            before: before.clone(),
            after: after.clone(),
        })
    };
    SparkChange {
        spark_conf: diff(&old.spec.spark_conf, &new.spec.spark_conf),
        hadoop_conf: diff(&old.spec.hadoop_conf, &new.spec.hadoop_conf),
        driver_memory_overhead: overhead(
            &old.spec.driver.memory_overhead,
            &new.spec.driver.memory_overhead,
        ),
        executor_memory_overhead: overhead(
            &old.spec.executor.memory_overhead,
            &new.spec.executor.memory_overhead,
        ),
    }
}

/// The backup of what `plan` changes in `inputs` (pure): only tune's fields.
pub(crate) fn backup_of(inputs: &Inputs, plan: &model::Plan) -> Backup {
    let mut backup = Backup::new(&inputs.namespace);
    for ((cm, file), (before, after)) in plan::new_files(inputs, plan) {
        backup
            .config_maps
            .entry(cm)
            .or_default()
            .insert(file, FileChange { before, after });
    }
    for (name, new) in plan::new_spark_applications(inputs, plan) {
        if let Some(old) = inputs
            .spark_applications
            .iter()
            .find(|a| a.metadata.name.as_ref() == Some(&name))
        {
            backup
                .spark_applications
                .insert(name, spark_change(old, &new));
        }
    }
    for d in inputs.deployments.iter().filter(|d| plan::is_trino(d)) {
        let name = d.metadata.name.clone().unwrap_or_default();
        let changes: Vec<&model::Change> = plan
            .changes
            .iter()
            .filter(|c| c.object.kind == "Deployment" && c.object.name == name)
            .collect();
        if !changes.is_empty() {
            backup.deployments.insert(name, size_change(d, &changes));
        }
    }
    backup
}

/// Each object an apply writes, as it was read: its resourceVersion (the
/// write's precondition) and the whole object (what an undo puts back).
pub(super) struct Read {
    pub config_maps: BTreeMap<String, (String, serde_json::Value)>,
    pub spark_applications: BTreeMap<String, (String, serde_json::Value)>,
    pub deployments: BTreeMap<String, (String, serde_json::Value)>,
}

impl Read {
    /// The objects of `inputs` that `backup` covers.
    fn of(inputs: &Inputs, backup: &Backup) -> Read {
        let version = |meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta| {
            meta.resource_version.clone().unwrap_or_default()
        };
        let config_maps = inputs
            .config_maps
            .iter()
            .filter_map(|c| Some((c.metadata.name.clone()?, c)))
            .filter(|(n, _)| backup.config_maps.contains_key(n))
            .map(|(n, c)| {
                (
                    n,
                    (
                        version(&c.metadata),
                        serde_json::to_value(c).unwrap_or_default(),
                    ),
                )
            })
            .collect();
        let spark_applications = inputs
            .spark_raw
            .iter()
            .filter(|(n, _)| backup.spark_applications.contains_key(*n))
            .map(|(n, raw)| {
                let rv = raw
                    .pointer("/metadata/resourceVersion")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default();
                (n.clone(), (rv.to_string(), raw.clone()))
            })
            .collect();
        let deployments = inputs
            .deployments
            .iter()
            .filter_map(|d| Some((d.metadata.name.clone()?, d)))
            .filter(|(n, _)| backup.deployments.contains_key(n))
            .map(|(n, d)| {
                (
                    n,
                    (
                        version(&d.metadata),
                        serde_json::to_value(d).unwrap_or_default(),
                    ),
                )
            })
            .collect();
        Read {
            config_maps,
            spark_applications,
            deployments,
        }
    }
}

/// Writes `backup` in `direction` at the versions in `read` (sealed with
/// `seal` forward); with `undo`, each write is recorded so a later failure can
/// take it back, and reported on `out`.
pub(super) async fn write_all(
    cluster: &Cluster,
    backup: &Backup,
    read: &Read,
    (direction, seal): (Direction, Option<&str>),
    mode: WriteMode,
    mut undo: Option<&mut Undo>,
    out: &mut dyn Write,
) -> Result<()> {
    let ns = backup.namespace.as_str();
    let report = !mode.dry_run;
    for (name, (rv, previous)) in &read.config_maps {
        let body = backup.config_map_body(name, direction, rv, seal);
        let written: ConfigMap = cluster.apply(ns, name, &body, mode).await?;
        if let Some(undo) = undo.as_deref_mut() {
            undo.changed::<ConfigMap>(ns, previous, &written)?;
        }
        if report {
            writeln!(
                out,
                "configmap/{name} {}",
                if direction == Direction::Forward {
                    "applied"
                } else {
                    "restored"
                }
            )?;
        }
    }
    for (name, (rv, previous)) in &read.spark_applications {
        let patch = backup.spark_patch(name, direction, rv, seal);
        let written: SparkApplication = cluster.patch_merge(ns, name, &patch, mode).await?;
        if let Some(undo) = undo.as_deref_mut() {
            undo.changed::<SparkApplication>(ns, previous, &written)?;
        }
        if report {
            writeln!(
                out,
                "sparkapplication/{name} {}",
                if direction == Direction::Forward {
                    "patched"
                } else {
                    "restored"
                }
            )?;
        }
    }
    for (name, (rv, previous)) in &read.deployments {
        let body = backup.deployment_body(name, direction, rv, seal);
        let written: Deployment = cluster.apply(ns, name, &body, mode).await?;
        if let Some(undo) = undo.as_deref_mut() {
            undo.changed::<Deployment>(ns, previous, &written)?;
        }
        if report {
            writeln!(
                out,
                "deployment/{name} {}",
                if direction == Direction::Forward {
                    "resized"
                } else {
                    "restored"
                }
            )?;
        }
    }
    Ok(())
}

/// Applies the plan: dry run of every write first, a sealed backup, then the
/// writes at the versions the diff was computed from (undone if one fails),
/// then `--restart`.
pub(super) async fn apply(
    cluster: &Cluster,
    namespace: &str,
    args: &ApplyArgs,
    out: &mut dyn Write,
) -> Result<Exit> {
    let Some((inputs, plan)) = checked_plan(cluster, namespace, args, out).await? else {
        return Ok(Exit::Ok);
    };
    show_plan(out, &inputs, &plan)?;

    let backup = backup_of(&inputs, &plan);
    backup
        .check()
        .map_err(|why| Error::Config(format!("refusing to apply: {why}")))?;
    let read = Read::of(&inputs, &backup);
    let name = format!(
        "kubectl-dp-tune-backup-{}",
        jiff::Timestamp::now().strftime("%Y%m%d%H%M%S")
    );
    let seal = backup.seal(&name);
    let backup_object = backup_config_map(namespace, &name, &backup);
    let mode = WriteMode::new(args.force_conflicts);
    // Everything through the API server's dry run first: never half-applied, and
    // a field another manager owns stops the apply here (unless --force-conflicts).
    write_all(
        cluster,
        &backup,
        &read,
        (Direction::Forward, Some(&seal)),
        mode.dry_run(),
        None,
        out,
    )
    .await?;
    cluster
        .create::<ConfigMap>(namespace, &backup_object, mode.dry_run())
        .await?;
    if !confirmed(args, namespace, &plan, &read, out)? {
        return Ok(Exit::Ok);
    }
    let created: ConfigMap = cluster
        .create(namespace, &backup_object, WriteMode::default())
        .await?;
    let mut undo = Undo::new();
    let written = write_all(
        cluster,
        &backup,
        &read,
        (Direction::Forward, Some(&seal)),
        mode,
        Some(&mut undo),
        out,
    )
    .await;
    if let Err(error) = written {
        return Err(undo_apply(cluster, args, (&name, &created), undo, error, out).await);
    }
    // The exact undo: this backup (a later apply makes another the latest), and
    // --restart when this apply restarted, so the pods run the old files again.
    writeln!(
        out,
        "backup: configmap/{name} (undo with `kubectl dp tune rollback -n {namespace} --backup {name}{}`)",
        if args.restart { " --restart" } else { "" }
    )?;
    if args.restart {
        let affected = affected_deployments(&inputs.deployments, backup.config_maps.keys());
        restart(cluster, namespace, &affected, args.timeout, out).await?;
    }
    Ok(Exit::Ok)
}

/// The plan at the sizes asked for, after the notes; `None` when there is
/// nothing to change. Refuses a size that does not fit and a plan that fails
/// its own validation.
async fn checked_plan(
    cluster: &Cluster,
    namespace: &str,
    args: &ApplyArgs,
    out: &mut dyn Write,
) -> Result<Option<(Inputs, model::Plan)>> {
    let inputs = gather(cluster, namespace).await?;
    let plan = match sized_plan(cluster, &inputs, args.profile, &args.sizing.request()).await? {
        Ok(plan) => plan,
        Err(failures) => {
            let metadata = Metadata::new(
                cluster,
                &crate::kube::Scope::Namespace(namespace.to_string()),
                jiff::Timestamp::now(),
            );
            write_failures(&failures, metadata, &OutputFormat::Table, out)?;
            return Err(Error::Config(
                "refusing to apply a size that does not fit or could not be checked (see above)"
                    .into(),
            ));
        }
    };
    for n in &plan.notes {
        writeln!(
            out,
            "note: {} {}: {}",
            n.object.kind, n.object.name, n.message
        )?;
    }
    if plan.changes.is_empty() {
        writeln!(out, "nothing to change in namespace {namespace}")?;
        return Ok(None);
    }
    plan::validate(&inputs, &plan).map_err(|reason| {
        Error::Config(format!(
            "refusing to apply a plan that fails its own validation: {reason}"
        ))
    })?;
    Ok(Some((inputs, plan)))
}

/// The diff, and a warning for each object a GitOps controller would revert.
fn show_plan(out: &mut dyn Write, inputs: &Inputs, plan: &model::Plan) -> Result<()> {
    render::diff(out, inputs, plan, &crate::render::Palette::default())?;
    let files = plan::new_files(inputs, plan);
    let apps = plan::new_spark_applications(inputs, plan);
    // GitOps: the controller would revert us.
    for warning in gitops_warnings(inputs, &files, &apps) {
        writeln!(out, "warning: {warning}")?;
    }
    out.flush()?;
    Ok(())
}

/// Asks before writing; `false` (after saying why) for a dry run or a no.
fn confirmed(
    args: &ApplyArgs,
    namespace: &str,
    plan: &model::Plan,
    read: &Read,
    out: &mut dyn Write,
) -> Result<bool> {
    let counts = format!(
        "{} ConfigMap(s), {} SparkApplication(s) and {} Deployment(s)",
        read.config_maps.len(),
        read.spark_applications.len(),
        read.deployments.len()
    );
    match args.write.go_ahead(&format!(
        "Apply {} change(s) to namespace {namespace}?",
        plan.changes.len()
    ))? {
        Go::DryRun => {
            writeln!(
                out,
                "dry run (server): {counts} would change in namespace {namespace}; nothing written"
            )?;
            return Ok(false);
        }
        Go::Declined => {
            writeln!(out, "not applied")?;
            return Ok(false);
        }
        Go::Write => {}
    }
    Ok(true)
}

/// A write failed after the confirmation: takes back what went through and
/// the backup, and when an object changed since the diff, shows the new diff.
async fn undo_apply(
    cluster: &Cluster,
    args: &ApplyArgs,
    (name, created): (&str, &ConfigMap),
    undo: Undo,
    error: Error,
    out: &mut dyn Write,
) -> Error {
    let namespace = created.metadata.namespace.clone().unwrap_or_default();
    let changed = matches!(error, Error::Changed { .. });
    let error = undo.fail(cluster, error).await;
    let precondition = Precondition {
        uid: created.metadata.uid.clone(),
        resource_version: None,
    };
    if let Err(e) = cluster
        .delete::<ConfigMap>(&namespace, name, Some(precondition), WriteMode::default())
        .await
    {
        let _ = writeln!(
            out,
            "warning: the backup configmap/{name} could not be removed: {e}"
        );
    }
    if changed {
        // What the plan is now: the diff the user would have to confirm instead.
        if let Ok(inputs) = gather(cluster, &namespace).await
            && let Ok(Ok(plan)) =
                sized_plan(cluster, &inputs, args.profile, &args.sizing.request()).await
        {
            let _ = writeln!(
                out,
                "\nthe namespace changed since the diff above was shown; the plan is now:"
            );
            let _ = render::diff(out, &inputs, &plan, &crate::render::Palette::default());
        }
    }
    error
}

/// Warnings for changed objects a GitOps controller manages (pure): it would
/// revert the change, so the user should commit it to Git instead.
pub(crate) fn gitops_warnings(
    inputs: &Inputs,
    files: &BTreeMap<(String, String), (String, String)>,
    apps: &BTreeMap<String, SparkApplication>,
) -> Vec<String> {
    let changed_cms: BTreeSet<&String> = files.keys().map(|(cm, _)| cm).collect();
    let mut warnings = Vec::new();
    let objects = inputs
        .config_maps
        .iter()
        .filter(|c| {
            c.metadata
                .name
                .as_ref()
                .is_some_and(|n| changed_cms.contains(n))
        })
        .map(|c| ("ConfigMap", &c.metadata))
        .chain(
            inputs
                .spark_applications
                .iter()
                .filter(|a| {
                    a.metadata
                        .name
                        .as_ref()
                        .is_some_and(|n| apps.contains_key(n))
                })
                .map(|a| ("SparkApplication", &a.metadata)),
        );
    for (kind, meta) in objects {
        if let Some(manager) = crate::platform::ownership::gitops_manager(meta) {
            warnings.push(format!(
                "{kind} {} is managed by {manager}: it will revert this change; commit it to Git instead (`kubectl dp tune export`)",
                meta.name.as_deref().unwrap_or_default()
            ));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spark_changes_keep_only_what_differs() {
        let app = |conf: &[(&str, &str)], overhead: Option<&str>| {
            let mut a = SparkApplication::default();
            a.spec.spark_conf = conf
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            a.spec.executor.memory_overhead = overhead.map(String::from);
            a
        };
        let old = app(
            &[("spark.serializer", "java"), ("spark.app.name", "x")],
            None,
        );
        let new = app(
            &[("spark.serializer", "kryo"), ("spark.app.name", "x")],
            Some("1g"),
        );
        let change = spark_change(&old, &new);
        assert_eq!(change.spark_conf.len(), 1);
        assert_eq!(
            change.spark_conf["spark.serializer"].before.as_deref(),
            Some("java")
        );
        assert_eq!(
            change
                .executor_memory_overhead
                .as_ref()
                .unwrap()
                .after
                .as_deref(),
            Some("1g")
        );
        assert!(change.driver_memory_overhead.is_none());
    }
}
