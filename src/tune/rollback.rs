//! `kubectl dp tune rollback`: restores what an apply changed, and nothing else.
//!
//! - The backup is trusted only when every object it covers carries its seal
//!   (`backup.rs`): a ConfigMap that merely looks like a backup is refused.
//! - Only tune's fields are written back (ConfigMap files tune rewrites, its
//!   Spark settings, a Deployment's replicas and Trino memory), built from the
//!   backup's types: never an image, command, security context or account.
//! - An object changed since the apply is shown with what would be lost, and
//!   kept unless `--force`.
//! - Every write carries the resourceVersion read for the diff, and one that
//!   fails undoes the ones before it.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::ListParams;
use serde_json::Value;

use crate::cli::{Go, Palette};
use crate::error::{Error, Exit, Result};
use crate::kube::{Cluster, Precondition, Scope, TUNE_BACKUP_LABEL, Undo, WriteMode, resources};

use super::apply::{Read, write_all};
use super::backup::{self, Backup, Direction};
use super::{RollbackArgs, plan};

/// An object changed since the apply: restoring it would lose that change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// `ConfigMap x file jvm.config`, `SparkApplication y sparkConf k`.
    pub object: String,
    /// What the apply left.
    pub applied: String,
    /// What the object holds now.
    pub now: String,
}

/// The objects a backup covers, as they are now.
#[derive(Debug, Default)]
pub struct Live {
    /// ConfigMaps by name.
    pub config_maps: BTreeMap<String, ConfigMap>,
    /// SparkApplications by name (as JSON).
    pub spark_applications: BTreeMap<String, Value>,
    /// Deployments by name.
    pub deployments: BTreeMap<String, Deployment>,
}

fn missing(kind: &str, namespace: &str, name: &str, backup: &str) -> Error {
    Error::NotFound {
        kind: kind.into(),
        name: name.to_string(),
        scope: format!(" in namespace {namespace}"),
        hint: format!(
            "kubectl get {}s -n {namespace}; backup {backup} is kept",
            kind.to_ascii_lowercase()
        ),
    }
}

impl Live {
    /// Reads every object `backup` (stored as `name`) covers; a missing one is an error.
    async fn read(cluster: &Cluster, backup: &Backup, name: &str) -> Result<Live> {
        let ns = backup.namespace.as_str();
        let mut live = Live::default();
        for cm in backup.config_maps.keys() {
            let found = cluster.get_opt::<ConfigMap>(ns, cm).await?;
            live.config_maps.insert(
                cm.clone(),
                found.ok_or_else(|| missing("ConfigMap", ns, cm, name))?,
            );
        }
        for app in backup.spark_applications.keys() {
            let found = cluster
                .get_opt_as::<Value>(&resources::spark_application(), ns, app)
                .await?;
            live.spark_applications.insert(
                app.clone(),
                found.ok_or_else(|| missing("SparkApplication", ns, app, name))?,
            );
        }
        for d in backup.deployments.keys() {
            let found = cluster.get_opt::<Deployment>(ns, d).await?;
            live.deployments.insert(
                d.clone(),
                found.ok_or_else(|| missing("Deployment", ns, d, name))?,
            );
        }
        Ok(live)
    }

    /// Every covered object with its metadata (for the seal check).
    fn metas(&self) -> Vec<(String, ObjectMeta)> {
        let mut out: Vec<(String, ObjectMeta)> = Vec::new();
        for (name, cm) in &self.config_maps {
            out.push((format!("ConfigMap {name}"), cm.metadata.clone()));
        }
        for (name, app) in &self.spark_applications {
            let meta = serde_json::from_value(app["metadata"].clone()).unwrap_or_default();
            out.push((format!("SparkApplication {name}"), meta));
        }
        for (name, d) in &self.deployments {
            out.push((format!("Deployment {name}"), d.metadata.clone()));
        }
        out
    }

    /// What an undo of the rollback puts back, and the versions its writes need.
    fn as_read(&self) -> Read {
        let version = |meta: &ObjectMeta| meta.resource_version.clone().unwrap_or_default();
        Read {
            config_maps: self
                .config_maps
                .iter()
                .map(|(n, c)| {
                    (
                        n.clone(),
                        (
                            version(&c.metadata),
                            serde_json::to_value(c).unwrap_or_default(),
                        ),
                    )
                })
                .collect(),
            spark_applications: self
                .spark_applications
                .iter()
                .map(|(n, a)| {
                    let rv = a
                        .pointer("/metadata/resourceVersion")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    (n.clone(), (rv.to_string(), a.clone()))
                })
                .collect(),
            deployments: self
                .deployments
                .iter()
                .map(|(n, d)| {
                    (
                        n.clone(),
                        (
                            version(&d.metadata),
                            serde_json::to_value(d).unwrap_or_default(),
                        ),
                    )
                })
                .collect(),
        }
    }
}

/// Why the backup cannot be trusted: each covered object that does not carry
/// its seal (pure). Empty when every one does.
pub fn unsealed(live: &Live, seal: &str) -> Vec<String> {
    live.metas()
        .into_iter()
        .filter_map(|(object, meta)| {
            backup::unsealed(&meta, seal).map(|why| format!("{object} {why}"))
        })
        .collect()
}

/// A Deployment's size now: replicas and the container's memory limit and request.
fn size_now(
    d: &Deployment,
    container: Option<&str>,
) -> (Option<i32>, Option<String>, Option<String>) {
    let c = d
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|s| {
            s.containers
                .iter()
                .find(|c| Some(c.name.as_str()) == container)
        })
        .and_then(|c| c.resources.as_ref());
    let memory = |m: Option<
        &BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>,
    >| { m.and_then(|m| m.get("memory")).map(|q| q.0.clone()) };
    (
        d.spec.as_ref().and_then(|s| s.replicas),
        memory(c.and_then(|r| r.limits.as_ref())),
        memory(c.and_then(|r| r.requests.as_ref())),
    )
}

/// The changes made since the apply (pure): a tuned field whose value is
/// neither what the apply wrote nor what it had before.
pub fn edits(backup: &Backup, live: &Live) -> Vec<Edit> {
    let mut out = Vec::new();
    let mut check =
        |object: String, before: Option<&str>, after: Option<&str>, now: Option<&str>| {
            if now != after && now != before {
                let shown = |v: Option<&str>| v.unwrap_or("(unset)").to_string();
                out.push(Edit {
                    object,
                    applied: shown(after),
                    now: shown(now),
                });
            }
        };
    for (cm, files) in &backup.config_maps {
        let data = live.config_maps.get(cm).and_then(|c| c.data.as_ref());
        // A file as YAML (`jvm.config: |` and its lines), as the diffs show it.
        let yaml = |file: &str, text: Option<&str>| {
            text.map(|t| {
                crate::render::yaml_string(&BTreeMap::from([(file, t)])).unwrap_or_default()
            })
        };
        for (file, change) in files {
            let now = yaml(file, data.and_then(|d| d.get(file)).map(String::as_str));
            check(
                format!("ConfigMap {cm} {file}"),
                yaml(file, Some(&change.before)).as_deref(),
                yaml(file, Some(&change.after)).as_deref(),
                now.as_deref(),
            );
        }
    }
    for (app, change) in &backup.spark_applications {
        let spec = live.spark_applications.get(app).map(|a| &a["spec"]);
        for (map, keys) in [
            ("sparkConf", &change.spark_conf),
            ("hadoopConf", &change.hadoop_conf),
        ] {
            for (key, value) in keys {
                let now = spec.and_then(|s| s[map].get(key)).and_then(Value::as_str);
                check(
                    format!("SparkApplication {app} {map} {key}"),
                    value.before.as_deref(),
                    value.after.as_deref(),
                    now,
                );
            }
        }
        for (role, overhead) in [
            ("driver", &change.driver_memory_overhead),
            ("executor", &change.executor_memory_overhead),
        ] {
            if let Some(value) = overhead {
                let now = spec.and_then(|s| s[role]["memoryOverhead"].as_str());
                check(
                    format!("SparkApplication {app} {role}.memoryOverhead"),
                    value.before.as_deref(),
                    value.after.as_deref(),
                    now,
                );
            }
        }
    }
    for (name, change) in &backup.deployments {
        let Some(d) = live.deployments.get(name) else {
            continue;
        };
        let container = change.memory.as_ref().map(|m| m.container.as_str());
        let (replicas, limit, _) = size_now(d, container);
        if let Some((before, after)) = change.replicas {
            let text = |r: Option<i32>| r.map(|r| r.to_string());
            check(
                format!("Deployment {name} replicas"),
                text(before).as_deref(),
                Some(&after.to_string()),
                text(replicas).as_deref(),
            );
        }
        if let Some(memory) = &change.memory {
            check(
                format!("Deployment {name} {} memory limit", memory.container),
                memory.limit_before.as_deref(),
                Some(&memory.after),
                limit.as_deref(),
            );
        }
    }
    out
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

/// The tune backups in a namespace, oldest first.
async fn backups(cluster: &Cluster, namespace: &str) -> Result<Vec<ConfigMap>> {
    let scope = Scope::Namespace(namespace.to_string());
    let params = ListParams::default().labels(&format!("{TUNE_BACKUP_LABEL}=true"));
    let mut items = cluster
        .list::<ConfigMap>(&scope, &params)
        .await?
        .require("configmaps", &scope)?;
    items.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    Ok(items)
}

/// The backup ConfigMap that `tune rollback` restores from.
pub(super) fn backup_config_map(namespace: &str, name: &str, backup: &Backup) -> Value {
    serde_json::json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {TUNE_BACKUP_LABEL: "true", "app.kubernetes.io/managed-by": crate::kube::FIELD_MANAGER},
        },
        "data": {backup::KEY: backup.to_text()},
    })
}

/// The backup to restore: `--backup NAME`, else the latest; read and checked.
async fn chosen(
    cluster: &Cluster,
    namespace: &str,
    args: &RollbackArgs,
) -> Result<(ConfigMap, Backup)> {
    let backups = backups(cluster, namespace).await?;
    let chosen = match &args.backup {
        Some(name) => backups
            .into_iter()
            .find(|b| b.metadata.name.as_ref() == Some(name)),
        None => backups.into_iter().last(),
    };
    let Some(chosen) = chosen else {
        return Err(Error::NotFound {
            kind: "tune backup".into(),
            name: args
                .backup
                .clone()
                .unwrap_or_else(|| "kubectl-dp-tune-backup-*".into()),
            scope: format!(" in namespace {namespace}"),
            hint: format!("kubectl get configmaps -n {namespace} -l {TUNE_BACKUP_LABEL}=true"),
        });
    };
    let name = chosen.metadata.name.clone().unwrap_or_default();
    let text = chosen
        .data
        .as_ref()
        .and_then(|d| d.get(backup::KEY))
        .cloned()
        .unwrap_or_default();
    let backup = Backup::parse(&name, &text).map_err(Error::Config)?;
    if backup.namespace != namespace {
        return Err(Error::Config(format!(
            "backup ConfigMap {name} is about namespace {}, not {namespace}; nothing written",
            backup.namespace
        )));
    }
    Ok((chosen, backup))
}

/// Shows what the rollback restores: each tuned file's diff, Spark settings, sizes.
fn write_restores(
    backup: &Backup,
    live: &Live,
    name: &str,
    palette: &Palette,
    out: &mut dyn Write,
) -> Result<()> {
    let ns = &backup.namespace;
    for (cm, files) in &backup.config_maps {
        let data = live
            .config_maps
            .get(cm)
            .and_then(|c| c.data.clone())
            .unwrap_or_default();
        // Only the files tune wrote, as YAML: what the rollback changes.
        let now: BTreeMap<&String, String> = files
            .keys()
            .map(|f| (f, data.get(f).cloned().unwrap_or_default()))
            .collect();
        let before: BTreeMap<&String, &String> =
            files.iter().map(|(f, c)| (f, &c.before)).collect();
        let title = format!("ConfigMap {ns}/{cm}");
        let diff = crate::render::diff::unified(
            &format!("{title} (cluster)"),
            &format!("{title} (backup {name})"),
            &crate::render::yaml_string(&now)?,
            &crate::render::yaml_string(&before)?,
            crate::render::diff::CONTEXT,
        );
        writeln!(out)?;
        if diff.is_empty() {
            writeln!(out, "{}", palette.bold(&format!("{title}: no change")))?;
        } else {
            crate::render::diff::write_painted(out, &diff, palette)?;
        }
    }
    for app in backup.spark_applications.keys() {
        let patch = backup.spark_patch(app, Direction::Backward, "", None);
        writeln!(
            out,
            "\nSparkApplication {ns}/{app}: merge patch {}",
            patch["spec"]
        )?;
    }
    for d in backup.deployments.keys() {
        let body = backup.deployment_body(d, Direction::Backward, "", None);
        writeln!(out, "\nDeployment {ns}/{d}: apply {}", body["spec"])?;
    }
    Ok(())
}

/// Shows the edits made since the apply; refuses (unless `--force`) to lose them.
fn refuse_edits(
    edits: &[Edit],
    name: &str,
    force: bool,
    palette: &Palette,
    out: &mut dyn Write,
) -> Result<()> {
    if edits.is_empty() {
        return Ok(());
    }
    for edit in edits {
        writeln!(out)?;
        let line = |text: &str| {
            if text.ends_with('\n') {
                text.to_string()
            } else {
                format!("{text}\n")
            }
        };
        let diff = crate::render::diff::unified(
            &format!("{} (as tune apply left it)", edit.object),
            &format!("{} (now: lost by the rollback)", edit.object),
            &line(&edit.applied),
            &line(&edit.now),
            crate::render::diff::CONTEXT,
        );
        crate::render::diff::write_painted(out, &diff, palette)?;
    }
    let mut names: Vec<String> = edits
        .iter()
        .map(|e| e.object.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    names.dedup();
    if !force {
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
    Ok(())
}

/// Restores the latest (or the named) sealed backup and removes it: refuses a
/// backup tune did not write, and changes made since the apply (unless
/// `--force`); shows the diff, asks, writes at the versions read.
pub(super) async fn rollback(
    cluster: &Cluster,
    namespace: &str,
    args: &RollbackArgs,
    palette: &Palette,
    out: &mut dyn Write,
) -> Result<Exit> {
    let (stored, backup) = chosen(cluster, namespace, args).await?;
    let name = stored.metadata.name.clone().unwrap_or_default();
    let live = Live::read(cluster, &backup, &name).await?;
    let forged = unsealed(&live, &backup.seal(&name));
    if !forged.is_empty() {
        return Err(Error::Config(format!(
            "backup ConfigMap {name} is refused: {}; a backup is restored only when every object it covers carries its seal (SECURITY.md, \"Tune backups\"); nothing written",
            forged.join("; ")
        )));
    }
    refuse_edits(&edits(&backup, &live), &name, args.force, palette, out)?;
    write_restores(&backup, &live, &name, palette, out)?;
    out.flush()?;
    let read = live.as_read();
    let mode = WriteMode::new(args.force);
    write_all(
        cluster,
        &backup,
        &read,
        (Direction::Backward, None),
        mode.dry_run(),
        None,
        out,
    )
    .await?;
    let counts = format!(
        "{} ConfigMap(s), {} SparkApplication(s) and {} Deployment(s)",
        read.config_maps.len(),
        read.spark_applications.len(),
        read.deployments.len()
    );
    match args
        .write
        .go_ahead(&format!("Restore {counts} from {name}?"))?
    {
        Go::DryRun => {
            writeln!(
                out,
                "dry run (server): {counts} would be restored from {name}; nothing written"
            )?;
            return Ok(Exit::Ok);
        }
        Go::Declined => {
            writeln!(out, "not restored")?;
            return Ok(Exit::Ok);
        }
        Go::Write => {}
    }
    let mut undo = Undo::new();
    if let Err(error) = write_all(
        cluster,
        &backup,
        &read,
        (Direction::Backward, None),
        mode,
        Some(&mut undo),
        out,
    )
    .await
    {
        return Err(undo.fail(cluster, error).await);
    }
    let precondition = Precondition {
        uid: stored.metadata.uid.clone(),
        resource_version: stored.metadata.resource_version.clone(),
    };
    cluster
        .delete::<ConfigMap>(namespace, &name, Some(precondition), WriteMode::default())
        .await?;
    writeln!(out, "backup configmap/{name} used and removed")?;
    if args.restart {
        let scope = Scope::Namespace(namespace.to_string());
        let deployments = cluster
            .list::<Deployment>(
                &scope,
                &ListParams::default().labels("app.kubernetes.io/name=trino"),
            )
            .await?
            .require("deployments", &scope)?;
        let affected = affected_deployments(&deployments, backup.config_maps.keys());
        restart(cluster, namespace, &affected, args.timeout, out).await?;
    }
    Ok(Exit::Ok)
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
        let body = serde_json::json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": at}}}}});
        cluster
            .patch_merge::<Deployment>(namespace, name, &body, WriteMode::default())
            .await?;
        writeln!(out, "deployment/{name} restarting")?;
    }
    let deadline = tokio::time::Instant::now() + timeout;
    for name in names {
        loop {
            let d: Deployment = cluster.get(namespace, name).await?;
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
                    "deployment/{name} was not ready within {timeout:?}; look at `kubectl rollout status deployment/{name} -n {namespace}` (undo with `kubectl dp tune rollback`)"
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
    use crate::tune::backup::{FileChange, SparkChange, ValueChange};

    fn backup() -> Backup {
        let mut b = Backup::new("dp");
        b.config_maps.insert(
            "w".into(),
            BTreeMap::from([(
                "jvm.config".into(),
                FileChange {
                    before: "-Xmx9G\n".into(),
                    after: "-Xmx6G\n".into(),
                },
            )]),
        );
        b.spark_applications.insert(
            "app".into(),
            SparkChange {
                spark_conf: BTreeMap::from([(
                    "spark.serializer".into(),
                    ValueChange {
                        before: Some("java".into()),
                        after: Some("kryo".into()),
                    },
                )]),
                ..SparkChange::default()
            },
        );
        b
    }

    fn live(jvm: &str, extra: Option<(&str, &str)>, serializer: &str) -> Live {
        let mut data = BTreeMap::from([("jvm.config".to_string(), jvm.to_string())]);
        if let Some((k, v)) = extra {
            data.insert(k.into(), v.into());
        }
        let mut live = Live::default();
        live.config_maps.insert(
            "w".into(),
            ConfigMap {
                data: Some(data),
                ..ConfigMap::default()
            },
        );
        live.spark_applications.insert(
            "app".into(),
            serde_json::json!({"spec": {"sparkConf": {"spark.serializer": serializer}}}),
        );
        live
    }

    #[test]
    fn as_applied_or_as_before_is_no_edit_and_other_keys_never_are() {
        let b = backup();
        assert_eq!(edits(&b, &live("-Xmx6G\n", None, "kryo")), []);
        assert_eq!(edits(&b, &live("-Xmx9G\n", None, "java")), []);
        // A key tune does not manage is neither restored nor lost.
        assert_eq!(
            edits(&b, &live("-Xmx6G\n", Some(("extra", "theirs")), "kryo")),
            []
        );
    }

    #[test]
    fn a_tuned_field_changed_since_the_apply_is_an_edit() {
        let found = edits(&backup(), &live("-Xmx7G\n", None, "other"));
        let objects: Vec<&str> = found.iter().map(|e| e.object.as_str()).collect();
        assert_eq!(
            objects,
            [
                "ConfigMap w jvm.config",
                "SparkApplication app sparkConf spark.serializer"
            ]
        );
        assert_eq!(found[0].now, "jvm.config: |\n  -Xmx7G\n");
    }
}
