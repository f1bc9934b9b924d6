//! `kubectl dp buckets check`: talks S3 to each claim's bucket with the claim's
//! own credentials (exists, write/read/delete a probe object, lifecycle drift).

use std::io::Write;

use bytes::Bytes;
use serde::Serialize;

use crate::error::{Exit, Result};
use crate::kube::{Cluster, Scope, resources};
use crate::platform::bucket::{Lifecycle, ProblemKind};
use crate::platform::crds::ObjectBucketClaim;
use crate::render::{Metadata, Output};

use super::analyse::{self, Drift};
use super::describe::load_claim;
use super::{CheckArgs, selector_params};
use crate::s3::claim::{self, target_for};

/// The `kind` of `kubectl dp buckets check -o json`.
pub(crate) const KIND: &str = "BucketCheck";

/// What `buckets check` reports (kind `BucketCheck`).
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Every claim passed.
    pub passed: bool,
    /// One result per claim checked.
    pub claims: Vec<CheckResult>,
}

/// One claim's S3 check (an item of the `BucketCheck` report).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    /// The claim's namespace.
    pub namespace: String,
    /// The claim's name.
    pub name: String,
    /// The bucket, once the claim's ConfigMap named it.
    pub bucket: Option<String>,
    /// The S3 endpoint used.
    pub endpoint: Option<String>,
    /// Each step in order; the first failed one ends the check.
    pub steps: Vec<Step>,
    /// Differences between the claim's lifecycle and the bucket's.
    pub drift: Vec<Drift>,
    /// Every step passed.
    pub passed: bool,
}

/// One step of a claim's check.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// `phase`, `credentials`, `bucket`, `probe object`, `lifecycle` or `policy`.
    pub check: String,
    /// Whether it passed.
    pub ok: bool,
    /// What was seen, or why it failed.
    pub detail: String,
}

/// Checks one claim's bucket step by step; never fails, it records why.
async fn check_one(
    cluster: &Cluster,
    namespace: &str,
    claim: &ObjectBucketClaim,
    access: &claim::Access,
) -> CheckResult {
    let name = claim.metadata.name.clone().unwrap_or_default();
    let mut result = CheckResult {
        namespace: namespace.to_string(),
        name: name.clone(),
        bucket: None,
        endpoint: None,
        steps: Vec::new(),
        drift: Vec::new(),
        passed: false,
    };
    if claim.phase() != "Bound" {
        result.step(
            "phase",
            Err(format!(
                "the claim is {}, so there is no bucket to check yet; see kubectl dp buckets describe {name} -n {namespace}",
                claim.phase()
            )),
        );
        return result;
    }
    let target = match target_for(cluster, namespace, claim, access).await {
        Ok(t) => t,
        Err(e) => {
            result.step("credentials", Err(e));
            return result;
        }
    };
    result.bucket = Some(target.bucket.clone());
    result.endpoint = Some(target.client.endpoint().to_string());
    let (client, bucket) = (&target.client, target.bucket.as_str());
    if !result.step("bucket", bucket_exists(client, bucket).await) {
        return result;
    }
    let probe_ok = result.step("probe object", probe_object(client, bucket).await);
    let lifecycle = lifecycle_matches(client, bucket, claim, &mut result.drift).await;
    let lifecycle_ok = result.step("lifecycle", lifecycle);
    let policy_ok = match claim.config("bucketPolicy") {
        Some(policy) => {
            let outcome = policy_matches(client, bucket, &policy, claim).await;
            result.step("policy", outcome)
        }
        None => true,
    };
    result.passed = probe_ok && lifecycle_ok && policy_ok;
    result
}

impl CheckResult {
    /// Records one step's outcome (what was seen, or why it failed); returns whether it passed.
    fn step(&mut self, check: &str, outcome: std::result::Result<String, String>) -> bool {
        let ok = outcome.is_ok();
        self.steps.push(Step {
            check: check.to_string(),
            ok,
            detail: outcome.unwrap_or_else(|e| e),
        });
        ok
    }
}

/// The bucket exists at the endpoint the claim's credentials reach.
async fn bucket_exists(
    client: &crate::s3::Client,
    bucket: &str,
) -> std::result::Result<String, String> {
    match client.bucket_exists(bucket).await {
        Ok(true) => Ok(format!("bucket {bucket} exists")),
        Ok(false) => Err(format!(
            "bucket {bucket} does not exist at {}",
            client.endpoint()
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// Writes, reads back and deletes a probe object; the delete is tried even
/// when the read failed, so no probe is left behind.
async fn probe_object(
    client: &crate::s3::Client,
    bucket: &str,
) -> std::result::Result<String, String> {
    let probe_key = format!(
        ".kubectl-dp-probe-{}",
        jiff::Timestamp::now().as_millisecond()
    );
    let payload = Bytes::from(format!("kubectl dp buckets check {probe_key}"));
    client
        .put_object(bucket, &probe_key, payload.clone())
        .await
        .map_err(|e| format!("write: {e}"))?;
    let read = client
        .get_object(bucket, &probe_key)
        .await
        .map_err(|e| format!("read: {e}"));
    let deleted = client
        .delete_object(bucket, &probe_key)
        .await
        .map_err(|e| format!("delete: {e}"));
    let read = read?;
    deleted?;
    if read != payload {
        return Err("read back different bytes than written".to_string());
    }
    Ok(format!("wrote, read back and deleted {probe_key}"))
}

/// The bucket's lifecycle against the claim's; the differences go into `drift`.
async fn lifecycle_matches(
    client: &crate::s3::Client,
    bucket: &str,
    claim: &ObjectBucketClaim,
    drift: &mut Vec<Drift>,
) -> std::result::Result<String, String> {
    let wanted = claim
        .config("bucketLifecycle")
        .map(|json| claim_lifecycle(&json));
    match wanted {
        Some(Err(e)) => Err(e),
        wanted => match client.get_lifecycle(bucket).await {
            Err(e) => Err(format!("could not read the bucket's lifecycle: {e}")),
            Ok(actual) => {
                let wanted = wanted.and_then(|w| w.ok());
                *drift = analyse::lifecycle_drift(wanted.as_ref(), actual.as_ref());
                if drift.is_empty() {
                    Ok(match &wanted {
                        Some(l) => format!("matches the claim ({})", l.summary()),
                        None => "none on the claim, none on the bucket".into(),
                    })
                } else {
                    Err(format!(
                        "{} difference(s) between the claim and the bucket",
                        drift.len()
                    ))
                }
            }
        },
    }
}

/// The claim's `bucketPolicy` against the bucket's: refused when RGW would
/// refuse it (the first problem; `buckets list` and `status` show them all),
/// else the bucket must hold the same document (Rook sets it whenever the two
/// differ; compared as JSON, so spacing does not count).
async fn policy_matches(
    client: &crate::s3::Client,
    bucket: &str,
    policy: &str,
    claim: &ObjectBucketClaim,
) -> std::result::Result<String, String> {
    let problems =
        crate::platform::bucket::policy::check(policy, claim.spec.bucket_name.as_deref());
    let refused: Vec<_> = problems.iter().filter(|p| p.rgw_refuses).collect();
    if let Some(first) = refused.first() {
        return Err(format!(
            "the claim's bucketPolicy is not a policy RGW accepts: {} ({} problem{} in all; Rook cannot apply it)",
            format!("{} {}", first.path, first.message).trim_start(),
            refused.len(),
            if refused.len() == 1 { "" } else { "s" }
        ));
    }
    let as_json = |text: &str| serde_json::from_str::<serde_json::Value>(text).ok();
    match client.get_bucket_policy(bucket).await {
        Err(e) => Err(format!("could not read the bucket's policy: {e}")),
        Ok(None) => Err("the bucket has no policy; Rook has not applied the claim's bucketPolicy (see the operator's log)".into()),
        Ok(Some(live)) if as_json(&live) == as_json(policy) => Ok("matches the claim".into()),
        Ok(Some(_)) => Err("the bucket's policy differs from the claim's bucketPolicy; Rook has not applied it (see the operator's log)".into()),
    }
}

/// The claim's lifecycle as Rook reads it, or why the bucket cannot hold it:
/// Rook cannot decode it, or the gateway refuses it (the first problem, with
/// its rule and field; `buckets list` and `status` show them all).
fn claim_lifecycle(json: &str) -> std::result::Result<Lifecycle, String> {
    let reading = crate::platform::bucket::lifecycle::check(json);
    let broken: Vec<_> = reading
        .problems
        .iter()
        .filter(|p| {
            matches!(
                p.kind,
                ProblemKind::Unreadable | ProblemKind::Refused | ProblemKind::DuplicateId
            )
        })
        .collect();
    match (broken.first(), reading.lifecycle) {
        (Some(p), _) => Err(format!(
            "the claim's bucketLifecycle is not a valid S3 lifecycle document: {} ({} problem{} in all; Rook cannot apply it)",
            format!("{} {}", p.path(), p.message).trim_start(),
            broken.len(),
            if broken.len() == 1 { "" } else { "s" }
        )),
        (None, Some(lifecycle)) => Ok(lifecycle),
        (None, None) => {
            Err("the claim's bucketLifecycle is not a valid S3 lifecycle document".into())
        }
    }
}

/// Checks one claim or every claim of the scope, and writes the results.
pub(super) async fn run(
    cluster: &Cluster,
    check: &CheckArgs,
    namespace: &str,
    output: &Output,
    out: &mut dyn Write,
) -> Result<Exit> {
    let access = check.s3.access()?;
    let claims: Vec<ObjectBucketClaim> = if let Some(name) = &check.name {
        vec![load_claim(cluster, namespace, name).await?]
    } else {
        let scope = cluster.scope();
        let listing = cluster
            .list_custom::<ObjectBucketClaim>(
                &resources::object_bucket_claim(),
                Some(&scope),
                &selector_params(check.selector.as_deref()),
            )
            .await?;
        let claims = listing.require("objectbucketclaims", &scope)?;
        if claims.is_empty() {
            super::require_claims(cluster, &scope, check.selector.as_deref()).await?;
        }
        claims
    };
    let mut results = Vec::new();
    for claim in &claims {
        let ns = claim
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| namespace.to_string());
        results.push(check_one(cluster, &ns, claim, &access).await);
    }
    let scope = if check.name.is_some() {
        Scope::Namespace(namespace.to_string())
    } else {
        cluster.scope()
    };
    let metadata = Metadata::new(cluster, &scope, jiff::Timestamp::now());
    let report = CheckReport {
        passed: results.iter().all(|r| r.passed),
        claims: results,
    };
    crate::render::emit(out, output, metadata, &report)
}
