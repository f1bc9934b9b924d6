//! `kubectl dp quota plan --apply` (and `--dry-run=server`): the proposal through
//! the API server's dry run first, the diff against what the namespace has, the
//! confirmation, then the server-side apply of both objects.

use std::io::Write;

use k8s_openapi::api::core::v1::{LimitRange, ResourceQuota};

use crate::cli::{Go, Palette};
use crate::error::{Exit, Result};
use crate::kube::Cluster;

use super::plan::{DryRun, Plan, PlanArgs, comparable_limit_range, comparable_quota};

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
    let force = args.force_conflicts;
    for line in &plan.summary {
        writeln!(out, "# {line}")?;
    }
    let quota_name = plan.quota.metadata.name.clone().unwrap_or_default();
    let range_name = plan.limit_range.metadata.name.clone().unwrap_or_default();
    let (old_quota, old_range) = tokio::try_join!(
        cluster.get_namespaced_object::<ResourceQuota>(namespace, &quota_name),
        cluster.get_namespaced_object::<LimitRange>(namespace, &range_name),
    )?;
    // Both objects pass the API server's dry run before either is written, so a
    // rejected LimitRange never leaves a new quota behind (no half-applied plan),
    // and a field another manager owns stops here (unless --force-conflicts).
    let (quota_preview, range_preview) = tokio::try_join!(
        cluster.apply_namespaced_object(namespace, &quota_name, &plan.quota, true, force),
        cluster.apply_namespaced_object(namespace, &range_name, &plan.limit_range, true, force),
    )?;
    crate::render::diff::write_change(
        out,
        palette,
        &format!("ResourceQuota {namespace}/{quota_name}"),
        &yaml(old_quota.as_ref().map(comparable_quota))?,
        &yaml(Some(comparable_quota(&quota_preview)))?,
    )?;
    crate::render::diff::write_change(
        out,
        palette,
        &format!("LimitRange {namespace}/{range_name}"),
        &yaml(old_range.as_ref().map(comparable_limit_range))?,
        &yaml(Some(comparable_limit_range(&range_preview)))?,
    )?;
    out.flush()?;
    let suffix = match crate::cli::go_ahead(
        &format!(
            "Apply resourcequota/{quota_name} and limitrange/{range_name} to namespace {namespace}?"
        ),
        args.yes,
        server_dry_run,
    )? {
        Go::DryRun => " (server dry run)",
        Go::Declined => {
            writeln!(out, "not applied")?;
            return Ok(Exit::Ok);
        }
        Go::Write => {
            cluster
                .apply_namespaced_object(namespace, &quota_name, &plan.quota, false, force)
                .await?;
            ""
        }
    };
    writeln!(out, "resourcequota/{quota_name} serverside-applied{suffix}")?;
    if suffix.is_empty() {
        cluster
            .apply_namespaced_object(namespace, &range_name, &plan.limit_range, false, force)
            .await?;
    }
    writeln!(out, "limitrange/{range_name} serverside-applied{suffix}")?;
    Ok(Exit::Ok)
}

/// An object as YAML for the diff; none is the empty text.
fn yaml<K: serde::Serialize>(object: Option<K>) -> Result<String> {
    object
        .map(|o| crate::render::yaml_string(&o))
        .transpose()
        .map(Option::unwrap_or_default)
}
