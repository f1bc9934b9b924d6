//! `kubectl dp quota plan --apply` (and `--dry-run=server`): the proposal through
//! the API server's dry run first, the diff against what the namespace has, the
//! confirmation, then the writes of both objects, each exactly as confirmed:
//!
//! - an object that did not exist is created (one someone made since the diff
//!   is an error, never replaced);
//! - an object that existed is server-side applied at the resourceVersion the
//!   diff was computed from (a change since then refuses the write);
//! - when the second write fails, the first is undone and the error names it.

use std::io::Write;

use k8s_openapi::api::core::v1::{LimitRange, ResourceQuota};
use serde::Serialize;

use crate::cli::{Go, Palette};
use crate::error::{Exit, Result};
use crate::kube::{Cluster, Kind, Undo, WriteMode};

use super::plan::{DryRun, Plan, PlanArgs, comparable_limit_range, comparable_quota};

/// One object of the plan: what is proposed and what the namespace has.
struct Proposal<'a, K> {
    name: String,
    proposed: &'a K,
    existing: Option<K>,
}

impl<K> Proposal<'_, K>
where
    K: Kind + Serialize + kube::Resource + Clone,
{
    /// Writes the proposal as the diff showed it (see the module) and records
    /// how to undo it.
    async fn write(
        &self,
        cluster: &Cluster,
        namespace: &str,
        mode: WriteMode,
        undo: Option<&mut Undo>,
    ) -> Result<K> {
        let written: K = match &self.existing {
            None => cluster.create(namespace, self.proposed, mode).await?,
            Some(existing) => {
                let mut body = serde_json::to_value(self.proposed).map_err(|e| {
                    crate::error::Error::Output(std::io::Error::other(e.to_string()))
                })?;
                body["metadata"]["resourceVersion"] =
                    serde_json::json!(existing.meta().resource_version.clone().unwrap_or_default());
                cluster.apply(namespace, &self.name, &body, mode).await?
            }
        };
        if let Some(undo) = undo {
            match &self.existing {
                None => undo.created::<K>(namespace, written.meta()),
                Some(existing) => undo.changed::<K>(namespace, existing, &written)?,
            }
        }
        Ok(written)
    }
}

/// Shows what `plan` changes in `namespace`, asks, and applies it (or only dry-runs it).
pub(super) async fn apply(
    cluster: &Cluster,
    namespace: &str,
    plan: &Plan,
    args: &PlanArgs,
    palette: &Palette,
    out: &mut dyn Write,
) -> Result<Exit> {
    let server_dry_run = args.dry_run == Some(DryRun::Server);
    let mode = WriteMode::new(args.force_conflicts);
    for line in &plan.summary {
        writeln!(out, "# {line}")?;
    }
    let quota_name = plan.quota.metadata.name.clone().unwrap_or_default();
    let range_name = plan.limit_range.metadata.name.clone().unwrap_or_default();
    let (old_quota, old_range) = tokio::try_join!(
        cluster.get_opt::<ResourceQuota>(namespace, &quota_name),
        cluster.get_opt::<LimitRange>(namespace, &range_name),
    )?;
    let quota = Proposal {
        name: quota_name.clone(),
        proposed: &plan.quota,
        existing: old_quota,
    };
    let range = Proposal {
        name: range_name.clone(),
        proposed: &plan.limit_range,
        existing: old_range,
    };
    // Both objects pass the API server's dry run before either is written, and
    // a field another manager owns stops here (unless --force-conflicts).
    let (quota_preview, range_preview) = tokio::try_join!(
        quota.write(cluster, namespace, mode.dry_run(), None),
        range.write(cluster, namespace, mode.dry_run(), None),
    )?;
    crate::render::diff::write_change(
        out,
        palette,
        &format!("ResourceQuota {namespace}/{quota_name}"),
        &yaml(quota.existing.as_ref().map(comparable_quota))?,
        &yaml(Some(comparable_quota(&quota_preview)))?,
    )?;
    crate::render::diff::write_change(
        out,
        palette,
        &format!("LimitRange {namespace}/{range_name}"),
        &yaml(range.existing.as_ref().map(comparable_limit_range))?,
        &yaml(Some(comparable_limit_range(&range_preview)))?,
    )?;
    out.flush()?;
    match crate::cli::go_ahead(
        &format!(
            "Apply resourcequota/{quota_name} and limitrange/{range_name} to namespace {namespace}?"
        ),
        args.yes,
        server_dry_run,
    )? {
        Go::DryRun => {
            writeln!(
                out,
                "resourcequota/{quota_name} serverside-applied (server dry run)"
            )?;
            writeln!(
                out,
                "limitrange/{range_name} serverside-applied (server dry run)"
            )?;
            return Ok(Exit::Ok);
        }
        Go::Declined => {
            writeln!(out, "not applied")?;
            return Ok(Exit::Ok);
        }
        Go::Write => {}
    }
    let mut undo = Undo::new();
    quota
        .write(cluster, namespace, mode, Some(&mut undo))
        .await?;
    writeln!(out, "resourcequota/{quota_name} serverside-applied")?;
    if let Err(error) = range.write(cluster, namespace, mode, Some(&mut undo)).await {
        return Err(undo.fail(cluster, error).await);
    }
    writeln!(out, "limitrange/{range_name} serverside-applied")?;
    Ok(Exit::Ok)
}

/// An object as YAML for the diff; none is the empty text.
fn yaml<K: serde::Serialize>(object: Option<K>) -> Result<String> {
    object
        .map(|o| crate::render::yaml_string(&o))
        .transpose()
        .map(Option::unwrap_or_default)
}
