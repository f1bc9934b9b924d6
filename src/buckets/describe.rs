//! `kubectl dp buckets describe NAME`: everything about one claim, kubectl-describe
//! style: its bucket, endpoint, credentials (present or not, never the values),
//! lifecycle, the pods that use it, events and findings.

use std::collections::BTreeMap;
use std::io::Write;

use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret};
use kube::api::ListParams;
use serde::Serialize;

use crate::error::{Exit, Result};
use crate::findings::Finding;
use crate::kube::{Cluster, Scope};
use crate::platform::bucket::{ClaimContext, Lifecycle, check_claim};
use crate::platform::crds::{ObjectBucket, ObjectBucketClaim};
use crate::render::{Metadata, Output};

use super::analyse::{self, ClaimRow};
use super::list::operator_allowed_fields;
use super::{DescribeArgs, age_of};

/// The `kind` of `kubectl dp buckets describe -o json`.
pub(crate) const KIND: &str = "BucketDescription";

/// Everything about one claim, as `buckets describe` reports it (kind `BucketDescription`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Description {
    /// The claim's row, as `list` shows it.
    pub claim: ClaimRow,
    /// The ObjectBucket Rook made for it (name, spec, status), when readable.
    pub object_bucket: Option<serde_json::Value>,
    /// The name of that ObjectBucket (from the claim, or Rook's default).
    #[serde(skip)]
    pub object_bucket_name: String,
    /// Why the ObjectBucket could not be read, if it could not.
    #[serde(skip)]
    pub object_bucket_error: Option<String>,
    /// `http://BUCKET_HOST:BUCKET_PORT` from the claim's ConfigMap.
    pub endpoint: Option<String>,
    /// Whether each credential key is present, never its value.
    pub credentials: BTreeMap<String, String>,
    /// The lifecycle policy on the claim.
    pub lifecycle: Option<Lifecycle>,
    /// Why the claim's lifecycle JSON could not be read, if it could not.
    pub lifecycle_error: Option<String>,
    /// Pods that use the claim's Secret or ConfigMap.
    pub pods: Vec<String>,
    /// Events about the claim, one line each.
    pub events: Vec<String>,
    /// Problems found on the claim.
    pub findings: Vec<Finding>,
}

/// Reads one claim, or says how to list the ones that exist.
pub(super) async fn load_claim(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
) -> Result<ObjectBucketClaim> {
    match cluster
        .get_opt::<ObjectBucketClaim>(namespace, name)
        .await?
    {
        Some(claim) => Ok(claim),
        None => Err(super::no_such_claim(cluster, namespace, name).await),
    }
}

/// How a credential is shown: that it is there and how long, never its value.
pub fn masked(value: &[u8]) -> String {
    format!("present ({} bytes, ****)", value.len())
}

/// Whether each credential key is present, and how long, never its value.
fn credentials_of(secret: Option<&k8s_openapi::api::core::v1::Secret>) -> BTreeMap<String, String> {
    let mut credentials = BTreeMap::new();
    for k in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
        let state = match secret {
            None => "Secret missing".to_string(),
            Some(s) => match s.data.as_ref().and_then(|d| d.get(k)) {
                Some(v) => masked(&v.0),
                None => "missing".into(),
            },
        };
        credentials.insert(k.to_string(), state);
    }
    credentials
}

/// The claim's lifecycle policy, or why its JSON could not be read.
fn lifecycle_of(claim: &ObjectBucketClaim) -> (Option<Lifecycle>, Option<String>) {
    match claim.config("bucketLifecycle") {
        None => (None, None),
        Some(json) => match Lifecycle::parse(&json) {
            Ok(l) => (Some(l), None),
            Err(e) => (None, Some(e)),
        },
    }
}

/// An event as one line: `Warning Reason: message`.
fn event_line(e: &k8s_openapi::api::core::v1::Event) -> String {
    format!(
        "{} {}: {}",
        e.type_.as_deref().unwrap_or("Normal"),
        e.reason.as_deref().unwrap_or_default(),
        e.message.as_deref().unwrap_or_default()
    )
}

/// Reads the claim and everything around it, checks it, and writes the description.
pub(super) async fn run(
    cluster: &Cluster,
    namespace: &str,
    describe: &DescribeArgs,
    output: &Output,
    out: &mut dyn Write,
) -> Result<Exit> {
    let name = describe.name.as_str();
    let claim = load_claim(cluster, namespace, name).await?;
    let ob_name = claim
        .spec
        .object_bucket_name
        .clone()
        .unwrap_or_else(|| format!("obc-{namespace}-{name}"));
    let scope = Scope::Namespace(namespace.to_string());
    let all = ListParams::default();
    let (cm, secret, ob, pods, events, (allowed, _)) = tokio::join!(
        cluster.get_opt::<ConfigMap>(namespace, name),
        cluster.get_opt::<Secret>(namespace, name),
        cluster.get_opt::<ObjectBucket>(namespace, &ob_name),
        cluster.list::<Pod>(&scope, &all),
        cluster.events_for(namespace, "ObjectBucketClaim", name),
        operator_allowed_fields(cluster, &describe.operator_namespace),
    );
    let cm = cm?;
    let secret = secret.unwrap_or(None);
    let (ob, ob_error) = match ob {
        Ok(ob) => (ob, None),
        Err(e) => (None, Some(e.to_string())),
    };
    let pods = pods?;
    let events = events?;
    let now = jiff::Timestamp::now();
    let age = age_of(&claim, now);
    let findings = check_claim(
        &claim,
        &ClaimContext {
            has_secret: secret.is_some(),
            has_config_map: cm.is_some(),
            age_seconds: age,
            allowed_fields: allowed.as_deref(),
        },
    );
    let endpoint = cm.as_ref().and_then(|c| c.data.as_ref()).and_then(|d| {
        let host = d.get("BUCKET_HOST")?;
        let port = d.get("BUCKET_PORT").map(String::as_str).unwrap_or("80");
        Some(format!("http://{host}:{port}"))
    });
    let credentials = credentials_of(secret.as_ref());
    let (lifecycle, lifecycle_error) = lifecycle_of(&claim);
    let description = Description {
        claim: analyse::claim_row(&claim, cm.as_ref(), secret.is_some(), age),
        object_bucket: ob.as_ref().map(
            |o| serde_json::json!({"name": o.metadata.name, "spec": o.spec, "status": o.status}),
        ),
        object_bucket_name: ob_name,
        object_bucket_error: ob_error,
        endpoint,
        credentials,
        lifecycle,
        lifecycle_error,
        pods: analyse::pods_using(&pods.items, namespace, name),
        events: events.items.iter().map(event_line).collect(),
        findings,
    };
    let scope = Scope::Namespace(namespace.to_string());
    let metadata = Metadata::new(cluster, &scope, now);
    crate::render::emit(out, output, metadata, &description)
}

#[cfg(test)]
mod tests {
    #[test]
    fn credentials_are_never_shown() {
        assert_eq!(super::masked(b"secret-key"), "present (10 bytes, ****)");
    }
}
