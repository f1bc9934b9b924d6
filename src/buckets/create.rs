//! `kubectl dp buckets create NAME`: an ObjectBucketClaim with a lifecycle policy,
//! printed for Git (`-o yaml` without a cluster) or server-side applied.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use crate::cli::{Go, OutputFormat};
use crate::error::{Error, Exit, Result};
use crate::kube::{Cluster, WriteMode};
use crate::platform::bucket::ProblemKind;
use crate::platform::crds::ObjectBucketClaim;

use super::analyse::{self, ClaimSpec, LifecycleChoice};
use super::{Args, CreateArgs, print_value};

/// The claim `create` would write (pure): checks the name and `--max-size` first.
pub(crate) fn claim_manifest(create: &CreateArgs, namespace: &str) -> Result<serde_json::Value> {
    if !create.generate_name && !crate::cli::is_dns_name(&create.name) {
        return Err(Error::Usage(format!(
            "'{}' is not a valid claim name (lowercase letters, digits, '-' and '.', at most 63 characters)",
            create.name
        )));
    }
    // As Rook reads it (Go's ParseQuantity takes no surrounding space) and as
    // RGW does (a negative quota is no limit).
    if let Some(size) = &create.max_size
        && (size.trim() != size
            || size
                .parse::<crate::platform::quantity::Quantity>()
                .map_or(true, |q| q < crate::platform::quantity::Quantity::ZERO))
    {
        return Err(Error::Usage(format!(
            "--max-size '{size}' is not a quantity of 0 or more like 100Gi or 500M"
        )));
    }
    let lifecycle = analyse::build_lifecycle(
        create.lifecycle,
        LifecycleChoice {
            expire_days: create.expire_days,
            abort_multipart_days: create.abort_multipart_days,
            noncurrent_expire_days: create.noncurrent_expire_days,
        },
    );
    // The same checks as a claim's lifecycle: nothing is written that Rook or
    // the gateway would refuse.
    if let Some(lifecycle) = &lifecycle {
        let json = serde_json::to_string(lifecycle).unwrap_or_default();
        let reading = crate::platform::bucket::lifecycle::check(&json);
        if let Some(p) = reading.problems.iter().find(|p| {
            matches!(
                p.kind,
                ProblemKind::Unreadable | ProblemKind::Refused | ProblemKind::DuplicateId
            )
        }) {
            return Err(Error::Usage(format!(
                "the lifecycle asked for is not valid: {} {}; nothing written; {}",
                p.place(),
                p.message,
                lifecycle_flag_fix(&p.field)
            )));
        }
    }
    Ok(analyse::build_claim(&ClaimSpec {
        name: &create.name,
        generate_name: create.generate_name,
        namespace,
        storage_class: &create.storage_class,
        lifecycle: lifecycle.as_ref(),
        max_size: create.max_size.as_deref(),
        max_objects: create.max_objects,
    }))
}

/// The flag that sets a lifecycle field, and S3's bounds for it.
fn lifecycle_flag_fix(field: &str) -> &'static str {
    match field {
        "Expiration.Days" => "pass --expire-days from 1 to 2147483647",
        "AbortIncompleteMultipartUpload.DaysAfterInitiation" => {
            "pass --abort-multipart-days from 1 to 2147483647"
        }
        "NoncurrentVersionExpiration.NoncurrentDays" => {
            "pass --noncurrent-expire-days from 1 to 2147483647"
        }
        _ => "see kubectl dp buckets create --help",
    }
}

/// What `--update` must not change on a Bound claim (pure): its storage class and
/// its bucket's name, which Rook fixed when it made the bucket. One line each.
pub(crate) fn immutable_changes(
    existing: &ObjectBucketClaim,
    manifest: &serde_json::Value,
) -> Vec<String> {
    if existing.phase() != "Bound" {
        return Vec::new();
    }
    let mut changes = Vec::new();
    let wanted = |field: &str| manifest["spec"][field].as_str().map(str::to_string);
    let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
    let class = wanted("storageClassName");
    if class.is_some() && class != existing.spec.storage_class_name {
        changes.push(format!(
            "storageClassName {} → {}",
            shown(&existing.spec.storage_class_name),
            shown(&class)
        ));
    }
    let generate = wanted("generateBucketName");
    let named = existing.spec.bucket_name.is_some() || existing.spec.generate_bucket_name.is_some();
    if named && generate.is_some() && generate != existing.spec.generate_bucket_name {
        changes.push(match &existing.spec.bucket_name {
            Some(bucket) => format!(
                "the bucket is named by bucketName {bucket}; generateBucketName would become {}",
                shown(&generate)
            ),
            None => format!(
                "generateBucketName {} → {}",
                shown(&existing.spec.generate_bucket_name),
                shown(&generate)
            ),
        });
    }
    changes
}

/// Writes the claim: a new one is created (a claim of that name made by someone
/// else since it was read is an error, never replaced); an existing one
/// (`--update`) is server-side applied at the resourceVersion that was shown,
/// so a change made since the diff refuses the write.
async fn write_claim(
    cluster: &Cluster,
    namespace: &str,
    manifest: &serde_json::Value,
    existing: Option<&ObjectBucketClaim>,
    mode: WriteMode,
) -> Result<ObjectBucketClaim> {
    let Some(existing) = existing else {
        return cluster.create(namespace, manifest, mode).await;
    };
    let name = existing.metadata.name.clone().unwrap_or_default();
    let mut body = manifest.clone();
    body["metadata"]["resourceVersion"] = serde_json::json!(
        existing
            .metadata
            .resource_version
            .clone()
            .unwrap_or_default()
    );
    cluster.apply(namespace, &name, &body, mode).await
}

/// The claim's spec as YAML without unset fields, for the diff (empty for no claim).
fn spec_yaml(claim: Option<&ObjectBucketClaim>) -> Result<String> {
    let Some(claim) = claim else {
        return Ok(String::new());
    };
    let mut spec = serde_json::to_value(&claim.spec)
        .map_err(|e| Error::Output(std::io::Error::other(e.to_string())))?;
    if let Some(fields) = spec.as_object_mut() {
        fields.retain(|_, v| !v.is_null() && v != &serde_json::json!({}));
    }
    crate::render::yaml_string(&spec)
}

/// Applies the claim (server-side) after showing the diff and asking; refuses to
/// touch an existing claim without `--update`; optionally waits until it is Bound.
pub(super) async fn run(
    cluster: &Cluster,
    args: &Args,
    create: &CreateArgs,
    namespace: &str,
    out: &mut dyn Write,
) -> Result<Exit> {
    let manifest = claim_manifest(create, namespace)?;
    let dry_run = create.write.server_dry_run();
    let mode = WriteMode::new(create.force_conflicts);
    let key = format!("{namespace}/{}", create.name);
    let existing = existing_claim(cluster, create, namespace, &key, &manifest).await?;
    // The API server's dry run first: what the claim would become (and any conflict).
    let preview = write_claim(
        cluster,
        namespace,
        &manifest,
        existing.as_ref(),
        mode.dry_run(),
    )
    .await?;
    let table = !matches!(args.output.format, OutputFormat::Json | OutputFormat::Yaml);
    let (old, new) = (spec_yaml(existing.as_ref())?, spec_yaml(Some(&preview))?);
    show_diff(table, out, &key, &old, &new)?;
    let unchanged = existing.is_some() && old == new;
    if unchanged {
        if table {
            writeln!(
                out,
                "objectbucketclaim.objectbucket.io/{} unchanged",
                create.name
            )?;
        }
    } else {
        let verb = if existing.is_some() {
            "Update"
        } else {
            "Create"
        };
        match create
            .write
            .go_ahead(&format!("{verb} ObjectBucketClaim {key}?"))?
        {
            Go::Declined => {
                writeln!(out, "not applied")?;
                return Ok(Exit::Ok);
            }
            Go::DryRun | Go::Write => {}
        }
    }
    let written = if dry_run || unchanged {
        preview
    } else {
        write_claim(cluster, namespace, &manifest, existing.as_ref(), mode).await?
    };
    let name = written.metadata.name.clone().unwrap_or_default();
    if !table {
        print_value(out, &args.output.format, &written)?;
    } else if !unchanged {
        let suffix = if dry_run { " (server dry run)" } else { "" };
        writeln!(
            out,
            "objectbucketclaim.objectbucket.io/{name} applied in {namespace}{suffix}"
        )?;
    }
    if !create.wait || dry_run {
        return Ok(Exit::Ok);
    }
    wait_until_bound(cluster, namespace, &name, create.timeout, out).await
}

/// The claim as it is now (none with `--generate-name`); refuses to go on
/// without `--update`, or when the change touches what a Bound claim fixed.
async fn existing_claim(
    cluster: &Cluster,
    create: &CreateArgs,
    namespace: &str,
    key: &str,
    manifest: &serde_json::Value,
) -> Result<Option<ObjectBucketClaim>> {
    if create.generate_name {
        return Ok(None);
    }
    let existing = cluster
        .get_opt::<ObjectBucketClaim>(namespace, &create.name)
        .await?;
    if let Some(claim) = &existing {
        if !create.update {
            return Err(Error::Usage(format!(
                "ObjectBucketClaim {key} exists already ({}); nothing written; pass --update to change it",
                claim.phase()
            )));
        }
        let changes = immutable_changes(claim, manifest);
        if !changes.is_empty() {
            return Err(Error::Usage(format!(
                "ObjectBucketClaim {key} is Bound: refusing to change {} (Rook made its bucket from them); nothing written; create a new claim instead",
                changes.join(", ")
            )));
        }
    }
    Ok(existing)
}

/// The diff is for the person deciding; with -o json/yaml it goes to stderr.
fn show_diff(table: bool, out: &mut dyn Write, key: &str, old: &str, new: &str) -> Result<()> {
    let mut stderr = std::io::stderr();
    let diff_out: &mut dyn Write = if table { out } else { &mut stderr };
    let palette = crate::cli::Palette::new(false);
    let title = format!("ObjectBucketClaim {key}");
    crate::render::diff::write_change(diff_out, &palette, &title, old, new)?;
    diff_out.flush()?;
    Ok(())
}

/// Polls the claim until it is Bound (exit 0), Failed or gone, or `timeout`
/// passes (exit 1, naming the command that says why).
async fn wait_until_bound(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    timeout: Duration,
    out: &mut dyn Write,
) -> Result<Exit> {
    let deadline = tokio::time::Instant::now() + timeout;
    let started = tokio::time::Instant::now();
    // The progress line is for a person watching; it is not part of the output.
    let mut stderr = std::io::stderr();
    let progress = stderr.is_terminal();
    loop {
        let phase = cluster
            .get_opt::<ObjectBucketClaim>(namespace, name)
            .await?
            .map(|c| c.phase().to_string())
            .unwrap_or_else(|| "Gone".into());
        if progress {
            let _ = write!(
                stderr,
                "\rwaiting for {namespace}/{name}: {phase} ({}s)   ",
                started.elapsed().as_secs()
            );
        }
        if phase == "Bound" {
            if progress {
                let _ = writeln!(stderr);
            }
            writeln!(out, "objectbucketclaim.objectbucket.io/{name} Bound")?;
            return Ok(Exit::Ok);
        }
        if phase == "Failed" || phase == "Gone" {
            if progress {
                let _ = writeln!(stderr);
            }
            writeln!(
                out,
                "objectbucketclaim.objectbucket.io/{name} {phase}: see kubectl dp buckets describe {name} -n {namespace}"
            )?;
            return Ok(Exit::Problems);
        }
        if tokio::time::Instant::now() >= deadline {
            if progress {
                let _ = writeln!(stderr);
            }
            writeln!(
                out,
                "objectbucketclaim.objectbucket.io/{name} still {phase} after {:?}; see kubectl dp buckets describe {name} -n {namespace}",
                timeout
            )?;
            return Ok(Exit::Problems);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(
        phase: &str,
        class: &str,
        generate: Option<&str>,
        bucket: Option<&str>,
    ) -> ObjectBucketClaim {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "c", "namespace": "n"},
            "spec": {"storageClassName": class, "generateBucketName": generate, "bucketName": bucket},
            "status": {"phase": phase},
        }))
        .unwrap()
    }

    fn manifest(class: &str, generate: &str) -> serde_json::Value {
        serde_json::json!({"spec": {"storageClassName": class, "generateBucketName": generate}})
    }

    #[test]
    fn a_bound_claim_keeps_its_class_and_bucket_name() {
        let bound = claim("Bound", "ceph-bucket", Some("c"), None);
        assert_eq!(
            immutable_changes(&bound, &manifest("ceph-bucket", "c")),
            Vec::<String>::new()
        );
        assert_eq!(
            immutable_changes(&bound, &manifest("other", "c")),
            ["storageClassName ceph-bucket → other"]
        );
        assert_eq!(
            immutable_changes(&bound, &manifest("ceph-bucket", "d")),
            ["generateBucketName c → d"]
        );
        let fixed = claim("Bound", "ceph-bucket", None, Some("warehouse"));
        assert!(
            immutable_changes(&fixed, &manifest("ceph-bucket", "c"))[0]
                .contains("bucketName warehouse")
        );
    }

    #[test]
    fn a_pending_claim_may_change() {
        let pending = claim("Pending", "ceph-bucket", Some("c"), None);
        assert!(immutable_changes(&pending, &manifest("other", "d")).is_empty());
    }
}
