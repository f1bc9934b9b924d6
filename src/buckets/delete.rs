//! `kubectl dp buckets delete NAME`: deletes a claim without losing data by
//! accident: counts the bucket's objects and the pods that use it first.

use std::io::Write;

use k8s_openapi::api::core::v1::Pod;
use kube::api::ListParams;

use crate::error::{Exit, Result};
use crate::kube::{Cluster, Deleted, Precondition, Scope, WriteMode};
use crate::platform::crds::ObjectBucketClaim;

use super::analyse;
use super::describe::load_claim;
use super::{Args, DeleteArgs, key};
use crate::s3::claim::target_for;

/// Deletes a claim after saying what is lost; refuses while its bucket holds
/// data or pods use it, unless `--force`.
pub(super) async fn run(
    cluster: &Cluster,
    args: &Args,
    delete: &DeleteArgs,
    namespace: &str,
    out: &mut dyn Write,
) -> Result<Exit> {
    let name = delete.name.as_str();
    let access = delete.s3.access()?;
    let claim = load_claim(cluster, namespace, name).await?;
    let pods = cluster
        .list::<Pod>(
            &Scope::Namespace(namespace.to_string()),
            &ListParams::default(),
        )
        .await?;
    let users = analyse::pods_using(&pods.items, namespace, name);
    let usage = match target_for(cluster, namespace, &claim, &access).await {
        Ok(target) => target
            .client
            .usage(&target.bucket)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e),
    };
    writeln!(
        out,
        "Deleting ObjectBucketClaim {} loses:",
        key(namespace, name)
    )?;
    match &usage {
        Ok(u) => writeln!(
            out,
            "  bucket contents: {} objects, {}",
            u.objects,
            crate::platform::quantity::Quantity::from_bytes(u.bytes as i128).display_bytes()
        )?,
        Err(e) => writeln!(out, "  bucket contents: unknown ({e})")?,
    }
    if users.is_empty() {
        writeln!(out, "  pods using its credentials: none")?;
    } else {
        writeln!(out, "  pods using its credentials: {}", users.join(", "))?;
    }
    let mut reasons = Vec::new();
    if let Ok(u) = &usage
        && u.objects > 0
    {
        reasons.push(format!("the bucket holds {} objects", u.objects));
    }
    if usage.is_err() && claim.phase() == "Bound" {
        reasons.push("the bucket's contents could not be counted".to_string());
    }
    if !users.is_empty() {
        reasons.push(format!("{} pod(s) use its credentials", users.len()));
    }
    if !reasons.is_empty() && !delete.force {
        writeln!(
            out,
            "Refusing to delete: {}. Pass --force to delete anyway.",
            reasons.join(" and ")
        )?;
        return Ok(Exit::Problems);
    }
    out.flush()?;
    let dry_run = delete.write.server_dry_run();
    if !dry_run
        && !crate::cli::confirm_typed(
            &format!("Type the claim name ({name}) to delete it:"),
            name,
            delete.write.yes,
        )?
    {
        writeln!(out, "Not deleted.")?;
        return Ok(Exit::Problems);
    }
    // Only the claim that was counted and confirmed: one recreated since is not deleted.
    let precondition = Precondition {
        uid: claim.metadata.uid.clone(),
        resource_version: claim.metadata.resource_version.clone(),
    };
    let mode = WriteMode {
        dry_run,
        ..WriteMode::default()
    };
    if cluster
        .delete::<ObjectBucketClaim>(namespace, name, Some(precondition), mode)
        .await?
        == Deleted::Gone
    {
        writeln!(
            out,
            "objectbucketclaim.objectbucket.io/{name} was deleted by someone else meanwhile"
        )?;
        return Ok(Exit::Ok);
    }
    if dry_run {
        writeln!(
            out,
            "objectbucketclaim.objectbucket.io/{name} deleted (server dry run); nothing deleted"
        )?;
        return Ok(Exit::Ok);
    }
    writeln!(out, "objectbucketclaim.objectbucket.io/{name} deleted")?;
    if args.output.verbose > 0 {
        writeln!(
            out,
            "The Rook provisioner deletes or keeps the bucket according to the StorageClass reclaimPolicy."
        )?;
    }
    Ok(Exit::Ok)
}
