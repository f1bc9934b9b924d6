//! `kubectl dp tune rollback`: restores exactly what an apply replaced, after
//! checking that nobody changed those objects since (their edit would be lost),
//! and the restart of the Trino Deployments both `apply` and `rollback` offer.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::ListParams;
use serde_json::Value;

use crate::cli::{Go, Palette};
use crate::error::{Error, Exit, Result};
use crate::kube::{Cluster, Scope};

use super::{RollbackArgs, plan};

/// The backup's contents: the previous `data` of every changed ConfigMap and the
/// previous value of every changed SparkApplication field, and what the apply
/// wrote (to see later edits; absent in backups of older versions).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Backup {
    /// ConfigMap name → its `data` before the apply.
    pub config_maps: BTreeMap<String, BTreeMap<String, String>>,
    /// SparkApplication name → the merge patch that restores it.
    pub spark_applications: BTreeMap<String, Value>,
    /// Deployment name → the server-side apply body that restores its size.
    #[serde(default)]
    pub deployments: BTreeMap<String, Value>,
    /// ConfigMap name → the files (keys) the apply wrote.
    #[serde(default)]
    pub applied_config_maps: BTreeMap<String, BTreeMap<String, String>>,
    /// SparkApplication name → the merge patch the apply made.
    #[serde(default)]
    pub applied_spark_applications: BTreeMap<String, Value>,
}

/// An object changed since the apply: restoring it would lose that change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// `ConfigMap x` or `SparkApplication y`.
    pub object: String,
    /// What the apply left, as YAML.
    pub applied: String,
    /// What the object holds now, as YAML.
    pub now: String,
}

/// The ConfigMap edits made since the apply (pure): a ConfigMap whose data is
/// neither what the apply left nor what it had before was changed by someone
/// else. Backups without the record of what the apply wrote show none.
pub fn config_map_edits(
    backup: &Backup,
    current: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<Vec<Edit>> {
    let mut edits = Vec::new();
    for (cm, written) in &backup.applied_config_maps {
        let Some(before) = backup.config_maps.get(cm) else {
            continue;
        };
        let mut after = before.clone();
        after.extend(written.iter().map(|(k, v)| (k.clone(), v.clone())));
        let now = current.get(cm).cloned().unwrap_or_default();
        if now != after && &now != before {
            edits.push(Edit {
                object: format!("ConfigMap {cm}"),
                applied: crate::render::yaml_string(&after)?,
                now: crate::render::yaml_string(&now)?,
            });
        }
    }
    Ok(edits)
}

/// The SparkApplication edits made since the apply (pure): a patched field whose
/// value is neither what the apply set nor what it had before.
pub fn spark_edits(backup: &Backup, current: &BTreeMap<String, Value>) -> Result<Vec<Edit>> {
    let mut edits = Vec::new();
    for (app, forward) in &backup.applied_spark_applications {
        let Some(backward) = backup.spark_applications.get(app) else {
            continue;
        };
        let spec = current.get(app).cloned().unwrap_or(Value::Null);
        let now = pick(&spec, forward);
        if &now != forward && &now != backward {
            edits.push(Edit {
                object: format!("SparkApplication {app}"),
                applied: crate::render::yaml_string(forward)?,
                now: crate::render::yaml_string(&now)?,
            });
        }
    }
    Ok(edits)
}

/// The values of `spec` at the leaves of `patch` (a missing one as null).
fn pick(spec: &Value, patch: &Value) -> Value {
    match patch {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), pick(spec.get(k).unwrap_or(&Value::Null), v)))
                .collect(),
        ),
        _ => spec.clone(),
    }
}

/// The Trino Deployments whose pods mount one of `config_maps`.
pub fn affected_deployments<'a>(
    deployments: &[Deployment],
    config_maps: impl Iterator<Item = &'a String> + Clone,
) -> Vec<String> {
    deployments
        .iter()
        .filter(|d| plan::is_trino(d))
        .filter(|d| {
            d.spec
                .as_ref()
                .and_then(|s| s.template.spec.as_ref())
                .is_some_and(|s| {
                    crate::platform::workload::config_maps(s)
                        .iter()
                        .any(|c| config_maps.clone().any(|m| m == c))
                })
        })
        .filter_map(|d| d.metadata.name.clone())
        .collect()
}

/// Restores the latest (or the named) backup and removes it: refuses when the
/// objects changed since the apply (unless `--force`), shows the diff, asks.
pub(super) async fn rollback(
    cluster: &Cluster,
    namespace: &str,
    args: &RollbackArgs,
    palette: &Palette,
    out: &mut dyn Write,
) -> Result<Exit> {
    let backups = cluster.backups(namespace).await?;
    let chosen = match &args.backup {
        Some(name) => backups
            .iter()
            .find(|b| b.metadata.name.as_ref() == Some(name)),
        None => backups.last(),
    };
    let Some(chosen) = chosen else {
        return Err(Error::NotFound {
            kind: "tune backup".into(),
            name: args
                .backup
                .clone()
                .unwrap_or_else(|| "kubectl-dp-tune-backup-*".into()),
            scope: format!(" in namespace {namespace}"),
            hint: format!(
                "kubectl get configmaps -n {namespace} -l kubectl-dp.io/tune-backup=true"
            ),
        });
    };
    let name = chosen.metadata.name.clone().unwrap_or_default();
    let text = chosen
        .data
        .as_ref()
        .and_then(|d| d.get("backup.json"))
        .cloned()
        .unwrap_or_default();
    let backup: Backup = serde_json::from_str(&text).map_err(|e| {
        Error::Config(format!(
            "backup ConfigMap {name} is not readable: {e}; restore by hand"
        ))
    })?;

    // What the objects hold now.
    let mut live: BTreeMap<String, ConfigMap> = BTreeMap::new();
    for cm in backup.config_maps.keys() {
        let current =
            backed_up_config_map(cluster, namespace, cm, &format!("the backup {name}")).await?;
        live.insert(cm.clone(), current);
    }
    let data: BTreeMap<String, BTreeMap<String, String>> = live
        .iter()
        .map(|(n, c)| (n.clone(), c.data.clone().unwrap_or_default()))
        .collect();
    let mut specs: BTreeMap<String, Value> = BTreeMap::new();
    for app in backup.applied_spark_applications.keys() {
        if let Some(spec) = cluster.spark_application_spec(namespace, app).await? {
            specs.insert(app.clone(), spec);
        }
    }
    let mut edits = config_map_edits(&backup, &data)?;
    edits.extend(spark_edits(&backup, &specs)?);
    if !edits.is_empty() {
        for edit in &edits {
            writeln!(out)?;
            let labels = crate::render::diff::Labels {
                old: format!("{} (as tune apply left it)", edit.object),
                new: format!("{} (now: lost by the rollback)", edit.object),
                unchanged: None,
            };
            let context = crate::render::diff::CONTEXT;
            crate::render::diff::write(out, palette, &labels, &edit.applied, &edit.now, context)?;
        }
        let names: Vec<&str> = edits.iter().map(|e| e.object.as_str()).collect();
        if !args.force {
            out.flush()?;
            return Err(Error::Config(format!(
                "{} changed since the apply (diff above): restoring {name} would lose those changes; nothing written; pass --force to restore anyway",
                names.join(", ")
            )));
        }
        writeln!(
            out,
            "warning: --force: restoring over the changes to {} shown above",
            names.join(", ")
        )?;
    }

    // What the rollback changes.
    for (cm, restored) in &backup.config_maps {
        let title = format!("ConfigMap {namespace}/{cm}");
        let labels = crate::render::diff::Labels {
            old: format!("{title} (cluster)"),
            new: format!("{title} (backup {name})"),
            unchanged: Some(format!("{title}: no change")),
        };
        writeln!(out)?;
        crate::render::diff::write(
            out,
            palette,
            &labels,
            &crate::render::yaml_string(&data.get(cm).cloned().unwrap_or_default())?,
            &crate::render::yaml_string(restored)?,
            crate::render::diff::CONTEXT,
        )?;
    }
    for (app, patch) in &backup.spark_applications {
        writeln!(
            out,
            "\nSparkApplication {namespace}/{app}: merge patch {patch}"
        )?;
    }
    for (deployment, body) in &backup.deployments {
        writeln!(
            out,
            "\nDeployment {namespace}/{deployment}: apply {}",
            body["spec"]
        )?;
    }
    out.flush()?;

    // Every write through the API server's dry run first.
    for cm in live.values() {
        let mut restored = cm.clone();
        let cm_name = cm.metadata.name.clone().unwrap_or_default();
        restored.data = backup.config_maps.get(&cm_name).cloned();
        cluster.replace_config_map(&restored, true).await?;
    }
    for (app, patch) in &backup.spark_applications {
        cluster
            .patch_spark_application(namespace, app, patch, true)
            .await?;
    }
    for (deployment, body) in &backup.deployments {
        cluster
            .apply_deployment(namespace, deployment, body, true, args.force)
            .await?;
    }
    match args.write.go_ahead(&format!(
        "Restore {} ConfigMap(s), {} SparkApplication(s) and {} Deployment(s) from {name}?",
        backup.config_maps.len(),
        backup.spark_applications.len(),
        backup.deployments.len()
    ))? {
        Go::DryRun => {
            writeln!(
                out,
                "dry run (server): {} ConfigMap(s), {} SparkApplication(s) and {} Deployment(s) would be restored from {name}; nothing written",
                backup.config_maps.len(),
                backup.spark_applications.len(),
                backup.deployments.len()
            )?;
            return Ok(Exit::Ok);
        }
        Go::Declined => {
            writeln!(out, "not restored")?;
            return Ok(Exit::Ok);
        }
        Go::Write => {}
    }
    // Replacing what was read (its resourceVersion): an edit made since then fails
    // with a conflict instead of being lost.
    for cm in live.values() {
        let mut restored = cm.clone();
        let cm_name = cm.metadata.name.clone().unwrap_or_default();
        restored.data = backup.config_maps.get(&cm_name).cloned();
        cluster.replace_config_map(&restored, false).await?;
        writeln!(out, "configmap/{cm_name} restored")?;
    }
    let rest = Backup {
        config_maps: BTreeMap::new(),
        spark_applications: backup.spark_applications.clone(),
        deployments: backup.deployments.clone(),
        ..Backup::default()
    };
    restore(cluster, namespace, &rest, args.force, out).await?;
    cluster.delete_config_map(namespace, &name).await?;
    writeln!(out, "backup configmap/{name} used and removed")?;
    if args.restart {
        let deployments = cluster
            .list::<Deployment>(
                &Scope::Namespace(namespace.to_string()),
                &ListParams::default().labels("app.kubernetes.io/name=trino"),
            )
            .await?
            .require("deployments", &Scope::Namespace(namespace.to_string()))?;
        let affected = affected_deployments(&deployments, backup.config_maps.keys());
        restart(cluster, namespace, &affected, args.timeout, out).await?;
    }
    Ok(Exit::Ok)
}

/// Reads ConfigMap `name`, which a backup holds; when it is gone, the error's
/// hint says that `backup` (how the message names it) is kept.
async fn backed_up_config_map(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    backup: &str,
) -> Result<ConfigMap> {
    cluster
        .config_map(namespace, name)
        .await?
        .ok_or_else(|| Error::NotFound {
            kind: "ConfigMap".into(),
            name: name.to_string(),
            scope: format!(" in namespace {namespace}"),
            hint: format!("kubectl get configmaps -n {namespace}; {backup} is kept"),
        })
}

/// Puts back every object a backup holds: ConfigMaps byte for byte, the Spark
/// keys and Deployment sizes (`force`: taking fields other managers own). Used
/// by `rollback`, and by `apply` when a write fails.
pub(super) async fn restore(
    cluster: &Cluster,
    namespace: &str,
    backup: &Backup,
    force: bool,
    out: &mut dyn Write,
) -> Result<()> {
    for (cm, data) in &backup.config_maps {
        let mut current = backed_up_config_map(cluster, namespace, cm, "the backup").await?;
        current.data = Some(data.clone());
        cluster.replace_config_map(&current, false).await?;
        writeln!(out, "configmap/{cm} restored")?;
    }
    for (app, patch) in &backup.spark_applications {
        cluster
            .patch_spark_application(namespace, app, patch, false)
            .await?;
        writeln!(out, "sparkapplication/{app} restored")?;
    }
    for (deployment, body) in &backup.deployments {
        cluster
            .apply_deployment(namespace, deployment, body, false, force)
            .await?;
        writeln!(out, "deployment/{deployment} restored")?;
    }
    Ok(())
}

/// Rolls the named Deployments and waits until each is updated and ready.
pub(super) async fn restart(
    cluster: &Cluster,
    namespace: &str,
    names: &[String],
    timeout: Duration,
    out: &mut dyn Write,
) -> Result<()> {
    let at = jiff::Timestamp::now().to_string();
    for name in names {
        cluster.restart_deployment(namespace, name, &at).await?;
        writeln!(out, "deployment/{name} restarting")?;
    }
    let deadline = tokio::time::Instant::now() + timeout;
    for name in names {
        loop {
            let d = cluster.tune_deployment(namespace, name).await?;
            let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let status = d.status.clone().unwrap_or_default();
            let updated = status.updated_replicas.unwrap_or(0);
            let ready = status.ready_replicas.unwrap_or(0);
            let observed =
                status.observed_generation.unwrap_or(0) >= d.metadata.generation.unwrap_or(0);
            writeln!(
                out,
                "deployment/{name}: {updated}/{want} updated, {ready}/{want} ready"
            )?;
            out.flush()?;
            if observed && updated >= want && ready >= want && status.replicas.unwrap_or(0) == want
            {
                break;
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::Config(format!(
                    "deployment/{name} was not ready within {timeout:?}; look at `kubectl rollout status deployment/{name} -n {namespace}` (undo with `kubectl dp tune rollback -n {namespace}`)"
                )));
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn backup() -> Backup {
        Backup {
            config_maps: BTreeMap::from([(
                "w".into(),
                map(&[("jvm.config", "-Xmx9G\n"), ("log", "x")]),
            )]),
            applied_config_maps: BTreeMap::from([("w".into(), map(&[("jvm.config", "-Xmx6G\n")]))]),
            spark_applications: BTreeMap::from([(
                "app".into(),
                serde_json::json!({"sparkConf": {"a": "1", "b": null}}),
            )]),
            applied_spark_applications: BTreeMap::from([(
                "app".into(),
                serde_json::json!({"sparkConf": {"a": "2", "b": "3"}}),
            )]),
            ..Backup::default()
        }
    }

    #[test]
    fn config_maps_as_applied_or_as_before_are_no_edit() {
        let b = backup();
        let applied = BTreeMap::from([(
            "w".to_string(),
            map(&[("jvm.config", "-Xmx6G\n"), ("log", "x")]),
        )]);
        assert_eq!(config_map_edits(&b, &applied).unwrap(), []);
        let before = BTreeMap::from([("w".to_string(), b.config_maps["w"].clone())]);
        assert_eq!(config_map_edits(&b, &before).unwrap(), []);
    }

    #[test]
    fn an_added_key_or_changed_line_is_an_edit_shown_as_lost() {
        let b = backup();
        let edited = BTreeMap::from([(
            "w".to_string(),
            map(&[
                ("jvm.config", "-Xmx6G\n"),
                ("log", "x"),
                ("extra", "theirs"),
            ]),
        )]);
        let edits = config_map_edits(&b, &edited).unwrap();
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].object, "ConfigMap w");
        assert!(edits[0].now.contains("extra: theirs"), "{}", edits[0].now);
        assert!(!edits[0].applied.contains("extra"), "{}", edits[0].applied);
    }

    #[test]
    fn spark_fields_changed_since_the_apply_are_edits() {
        let b = backup();
        let applied = BTreeMap::from([(
            "app".to_string(),
            serde_json::json!({"sparkConf": {"a": "2", "b": "3", "other": "x"}}),
        )]);
        assert_eq!(spark_edits(&b, &applied).unwrap(), []);
        let before = BTreeMap::from([(
            "app".to_string(),
            serde_json::json!({"sparkConf": {"a": "1"}}),
        )]);
        assert_eq!(spark_edits(&b, &before).unwrap(), []);
        let edited = BTreeMap::from([(
            "app".to_string(),
            serde_json::json!({"sparkConf": {"a": "5", "b": "3"}}),
        )]);
        assert_eq!(spark_edits(&b, &edited).unwrap().len(), 1);
    }
}
