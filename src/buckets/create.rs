//! `kubectl dp buckets create NAME`: an ObjectBucketClaim with a lifecycle policy,
//! printed for Git (`-o yaml` without a cluster) or server-side applied.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use crate::cli::OutputFormat;
use crate::error::{Error, Exit, Result};
use crate::kube::Cluster;

use super::analyse::{self, ClaimSpec, LifecycleChoice};
use super::{Args, CreateArgs, print_value};

/// The claim `create` would write (pure): checks the name and `--max-size` first.
pub fn claim_manifest(create: &CreateArgs, namespace: &str) -> Result<serde_json::Value> {
    if !create.generate_name && !crate::cli::is_dns_name(&create.name) {
        return Err(Error::Usage(format!(
            "'{}' is not a valid claim name (lowercase letters, digits, '-' and '.', at most 63 characters)",
            create.name
        )));
    }
    if let Some(size) = &create.max_size
        && size.parse::<crate::platform::quantity::Quantity>().is_err()
    {
        return Err(Error::Usage(format!(
            "--max-size '{size}' is not a quantity like 100Gi or 500M"
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

/// Applies the claim (server-side), optionally waiting until it is Bound.
pub(super) async fn run(
    cluster: &Cluster,
    args: &Args,
    create: &CreateArgs,
    namespace: &str,
    out: &mut dyn Write,
) -> Result<Exit> {
    let manifest = claim_manifest(create, namespace)?;
    let dry_run = create.dry_run == "server";
    let written = cluster
        .apply_bucket_claim(namespace, &manifest, dry_run)
        .await?;
    let name = written.metadata.name.clone().unwrap_or_default();
    if matches!(args.output.format, OutputFormat::Json | OutputFormat::Yaml) {
        print_value(out, &args.output.format, &written)?;
    } else {
        let suffix = if dry_run { " (server dry run)" } else { "" };
        writeln!(
            out,
            "objectbucketclaim.objectbucket.io/{name} applied in {namespace}{suffix}"
        )?;
    }
    if !create.wait || dry_run {
        return Ok(Exit::Ok);
    }
    let deadline = tokio::time::Instant::now() + create.timeout;
    let started = tokio::time::Instant::now();
    // The progress line is for a person watching; it is not part of the output.
    let mut stderr = std::io::stderr();
    let progress = stderr.is_terminal();
    loop {
        let phase = cluster
            .bucket_claim(namespace, &name)
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
                create.timeout
            )?;
            return Ok(Exit::Problems);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
