//! `kubectl dp tune apply` and `rollback`: writes the plan with a backup (never
//! half applied), and restores exactly what an apply replaced.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use k8s_openapi::api::apps::v1::Deployment;

use crate::cli::{Go, OutputFormat};
use crate::error::{Error, Exit, Result};
use crate::kube::Cluster;
use crate::platform::crds::SparkApplication;
use crate::render::Metadata;

use super::gather::{gather, sized_plan};
use super::plan::{self, Inputs};
use super::rollback::{Backup, affected_deployments, restart, restore};
use super::{ApplyArgs, model, render, write_failures};
use crate::platform::rules;

/// The server-side apply body that gives Deployment `d` the sizing of `changes`, and the one that restores it.
fn deployment_bodies(
    d: &Deployment,
    changes: &[&model::Change],
) -> (serde_json::Value, serde_json::Value) {
    let name = d.metadata.name.clone().unwrap_or_default();
    let namespace = d.metadata.namespace.clone().unwrap_or_default();
    let body = |replicas: Option<serde_json::Value>,
                container: Option<(String, serde_json::Value)>| {
        let mut spec = serde_json::Map::new();
        if let Some(r) = replicas {
            spec.insert("replicas".into(), r);
        }
        if let Some((c, resources)) = container {
            spec.insert(
                "template".into(),
                serde_json::json!({"spec": {"containers": [{"name": c, "resources": resources}]}}),
            );
        }
        serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": namespace}, "spec": spec})
    };
    let (mut replicas, mut old_replicas, mut container, mut old_container) =
        (None, None, None, None);
    for change in changes {
        match &change.edit {
            Some(model::Edit::Replicas { replicas: r }) => {
                replicas = Some(serde_json::json!(r));
                old_replicas = Some(serde_json::json!(
                    d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
                ));
            }
            Some(model::Edit::Memory {
                container: c,
                bytes,
            }) => {
                let q = rules::gib(*bytes);
                container = Some((
                    c.clone(),
                    serde_json::json!({"limits": {"memory": q}, "requests": {"memory": q}}),
                ));
                let live = d
                    .spec
                    .as_ref()
                    .and_then(|s| s.template.spec.as_ref())
                    .and_then(|s| s.containers.iter().find(|x| &x.name == c))
                    .and_then(|x| x.resources.as_ref());
                let get = |kind: &str| {
                    live.and_then(|r| {
                        if kind == "limits" {
                            r.limits.as_ref()
                        } else {
                            r.requests.as_ref()
                        }
                    })
                    .and_then(|m| m.get("memory"))
                    .map(|q| q.0.clone())
                };
                let mut old = serde_json::Map::new();
                if let Some(l) = get("limits") {
                    old.insert("limits".into(), serde_json::json!({"memory": l}));
                }
                if let Some(r) = get("requests") {
                    old.insert("requests".into(), serde_json::json!({"memory": r}));
                }
                old_container = Some((c.clone(), serde_json::Value::Object(old)));
            }
            _ => {}
        }
    }
    (body(replicas, container), body(old_replicas, old_container))
}

/// Applies the plan: dry run of every write first, a backup ConfigMap, then the
/// writes (undone from the backup if one fails), then `--restart`.
pub(super) async fn apply(
    cluster: &Cluster,
    namespace: &str,
    args: &ApplyArgs,
    out: &mut dyn Write,
) -> Result<Exit> {
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
                "refusing to apply a size that does not fit (see above)".into(),
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
        return Ok(Exit::Ok);
    }
    plan::validate(&inputs, &plan).map_err(|reason| {
        Error::Config(format!(
            "refusing to apply a plan that fails its own validation: {reason}"
        ))
    })?;
    let files = plan::new_files(&inputs, &plan);
    let apps = plan::new_spark_applications(&inputs, &plan);
    render::diff(out, &inputs, &plan, &crate::render::Palette::default())?;

    // GitOps: the controller would revert us.
    for warning in gitops_warnings(&inputs, &files, &apps) {
        writeln!(out, "warning: {warning}")?;
    }
    out.flush()?;

    // What each object gets, and what it had.
    let mut cm_data: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for ((cm, file), (_, new)) in &files {
        cm_data
            .entry(cm.clone())
            .or_default()
            .insert(file.clone(), new.clone());
    }
    let mut backup = Backup::default();
    for cm in cm_data.keys() {
        if let Some(c) = inputs
            .config_maps
            .iter()
            .find(|c| c.metadata.name.as_ref() == Some(cm))
        {
            backup
                .config_maps
                .insert(cm.clone(), c.data.clone().unwrap_or_default());
        }
    }
    // What this apply writes, so that `rollback` sees edits made after it.
    backup.applied_config_maps = cm_data.clone();
    let mut app_patches: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for (name, new) in &apps {
        let Some(old) = inputs
            .spark_applications
            .iter()
            .find(|a| a.metadata.name.as_ref() == Some(name))
        else {
            continue;
        };
        let (forward, backward) = spark_patches(old, new);
        backup
            .applied_spark_applications
            .insert(name.clone(), forward.clone());
        app_patches.insert(name.clone(), forward);
        backup.spark_applications.insert(name.clone(), backward);
    }

    let mut deployment_bodies_by_name: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for d in inputs.deployments.iter().filter(|d| plan::is_trino(d)) {
        let name = d.metadata.name.clone().unwrap_or_default();
        let changes: Vec<&model::Change> = plan
            .changes
            .iter()
            .filter(|c| c.object.kind == "Deployment" && c.object.name == name)
            .collect();
        if changes.is_empty() {
            continue;
        }
        let (forward, backward) = deployment_bodies(d, &changes);
        deployment_bodies_by_name.insert(name.clone(), forward);
        backup.deployments.insert(name, backward);
    }

    // Everything through the API server's dry run first: never half-applied, and
    // a field another manager owns stops the apply here (unless --force-conflicts).
    let force = args.force_conflicts;
    for (name, body) in &deployment_bodies_by_name {
        cluster
            .apply_deployment(namespace, name, body, true, force)
            .await?;
    }
    for (cm, data) in &cm_data {
        cluster
            .apply_config_map_data(namespace, cm, data, true, force)
            .await?;
    }
    for (name, patch) in &app_patches {
        cluster
            .patch_spark_application(namespace, name, patch, true)
            .await?;
    }
    let backup_name = format!(
        "kubectl-dp-tune-backup-{}",
        jiff::Timestamp::now().strftime("%Y%m%d%H%M%S")
    );
    let backup_json =
        serde_json::to_string_pretty(&backup).map_err(|e| Error::Config(e.to_string()))?;
    let backup_data = BTreeMap::from([("backup.json".to_string(), backup_json)]);
    cluster
        .create_backup(namespace, &backup_name, backup_data.clone(), true)
        .await?;
    match args.write.go_ahead(&format!(
        "Apply {} change(s) to namespace {namespace}?",
        plan.changes.len()
    ))? {
        Go::DryRun => {
            writeln!(
                out,
                "dry run (server): {} ConfigMap(s), {} SparkApplication(s) and {} Deployment(s) would change in namespace {namespace}; nothing written",
                cm_data.len(),
                app_patches.len(),
                deployment_bodies_by_name.len()
            )?;
            return Ok(Exit::Ok);
        }
        Go::Declined => {
            writeln!(out, "not applied")?;
            return Ok(Exit::Ok);
        }
        Go::Write => {}
    }
    cluster
        .create_backup(namespace, &backup_name, backup_data, false)
        .await?;
    let written = async {
        for (cm, data) in &cm_data {
            cluster
                .apply_config_map_data(namespace, cm, data, false, force)
                .await?;
            writeln!(out, "configmap/{cm} applied ({} file(s))", data.len())?;
        }
        for (name, patch) in &app_patches {
            cluster
                .patch_spark_application(namespace, name, patch, false)
                .await?;
            writeln!(out, "sparkapplication/{name} patched")?;
        }
        for (name, body) in &deployment_bodies_by_name {
            cluster
                .apply_deployment(namespace, name, body, false, force)
                .await?;
            writeln!(out, "deployment/{name} resized")?;
        }
        Ok::<(), Error>(())
    }
    .await;
    if let Err(error) = written {
        // A write failed after the dry run passed (a conflict, a webhook, a lost
        // connection): put back what went through, so nothing stays half applied.
        writeln!(out, "apply failed; restoring from configmap/{backup_name}")?;
        return match restore(cluster, namespace, &backup, true, out).await {
            Ok(()) => {
                cluster.delete_config_map(namespace, &backup_name).await?;
                Err(error)
            }
            Err(undo) => Err(Error::Config(format!(
                "{error}; restoring also failed: {undo}; run `kubectl dp tune rollback -n {namespace} --backup {backup_name}`"
            ))),
        };
    }
    // The exact undo: this backup (a later apply makes another the latest), and
    // --restart when this apply restarted, so the pods run the old files again.
    writeln!(
        out,
        "backup: configmap/{backup_name} (undo with `kubectl dp tune rollback -n {namespace} --backup {backup_name}{}`)",
        if args.restart { " --restart" } else { "" }
    )?;
    if args.restart {
        let affected = affected_deployments(&inputs.deployments, cm_data.keys());
        restart(cluster, namespace, &affected, args.timeout, out).await?;
    }
    Ok(Exit::Ok)
}

/// A merge patch that turns `old` into `new`, and the one that turns it back.
fn spark_patches(
    old: &SparkApplication,
    new: &SparkApplication,
) -> (serde_json::Value, serde_json::Value) {
    use serde_json::{Map, Value};
    let mut forward = Map::new();
    let mut backward = Map::new();
    for (field, before, after) in [
        ("sparkConf", &old.spec.spark_conf, &new.spec.spark_conf),
        ("hadoopConf", &old.spec.hadoop_conf, &new.spec.hadoop_conf),
    ] {
        let mut f = Map::new();
        let mut b = Map::new();
        for key in before.keys().chain(after.keys()) {
            if before.get(key) != after.get(key) {
                f.insert(
                    key.clone(),
                    after
                        .get(key)
                        .map_or(Value::Null, |v| Value::String(v.clone())),
                );
                b.insert(
                    key.clone(),
                    before
                        .get(key)
                        .map_or(Value::Null, |v| Value::String(v.clone())),
                );
            }
        }
        if !f.is_empty() {
            forward.insert(field.into(), Value::Object(f));
            backward.insert(field.into(), Value::Object(b));
        }
    }
    for (role, before, after) in [
        ("driver", &old.spec.driver, &new.spec.driver),
        ("executor", &old.spec.executor, &new.spec.executor),
    ] {
        if before.memory_overhead != after.memory_overhead {
            let value = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
            forward.insert(
                role.into(),
                serde_json::json!({"memoryOverhead": value(&after.memory_overhead)}),
            );
            backward.insert(
                role.into(),
                serde_json::json!({"memoryOverhead": value(&before.memory_overhead)}),
            );
        }
    }
    (Value::Object(forward), Value::Object(backward))
}

/// Warnings for changed objects a GitOps controller manages (pure): it would
/// revert the change, so the user should commit it to Git instead.
pub fn gitops_warnings(
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
