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

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::ListParams;
use serde_json::Value;

use crate::cli::{Go, Palette};
use crate::error::{Error, Exit, Result};
use crate::kube::{Cluster, Precondition, Scope, TUNE_BACKUP_LABEL, Undo, WriteMode};

use super::RollbackArgs;
use super::apply::write_all;
use super::backup::{self, Backup, Direction};
pub use super::live::Edit;
use super::live::{Live, edits, unsealed};
pub(super) use super::restart::{affected_deployments, restart};

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
            &crate::render::yaml_string(&now)?,
            &crate::render::yaml_string(&before)?,
            crate::render::diff::CONTEXT,
        )?;
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
        let labels = crate::render::diff::Labels {
            old: format!("{} (as tune apply left it)", edit.object),
            new: format!("{} (now: lost by the rollback)", edit.object),
            unchanged: None,
        };
        crate::render::diff::write(
            out,
            palette,
            &labels,
            &line(&edit.applied),
            &line(&edit.now),
            crate::render::diff::CONTEXT,
        )?;
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
