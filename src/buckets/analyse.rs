//! Pure parts of `kubectl dp buckets`: building a claim, rows for the list,
//! which pods use a claim, and lifecycle drift between the claim and the bucket.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use serde::Serialize;

use crate::platform::bucket::lifecycle::{self, ProblemKind};
use crate::platform::bucket::{
    AbortMultipart, Expiration, Lifecycle, LifecycleRule, NoncurrentExpiration,
};
use crate::platform::crds::ObjectBucketClaim;
use crate::platform::workload;

/// `--lifecycle` presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Preset {
    /// Analytics data: keep objects, abort stale multipart uploads after 1 day, drop old versions after 7 days
    Analytics,
    /// Test data: expire objects after 7 days, abort stale multipart uploads after 1 day
    Test,
    /// No lifecycle rules
    None,
}

/// The explicit day counts, on top of a preset (any number: the lifecycle's
/// own checks judge them, as they judge a claim's).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LifecycleChoice {
    /// `--expire-days`: expire objects after N days.
    pub expire_days: Option<i64>,
    /// `--abort-multipart-days`: abort incomplete uploads after N days.
    pub abort_multipart_days: Option<i64>,
    /// `--noncurrent-expire-days`: expire old versions after N days.
    pub noncurrent_expire_days: Option<i64>,
}

fn rule(id: &str) -> LifecycleRule {
    LifecycleRule {
        id: Some(id.to_string()),
        status: Some("Enabled".into()),
        prefix: Some(String::new()),
        ..Default::default()
    }
}

/// The lifecycle a preset plus explicit flags give: one rule per action, sorted by ID.
pub(crate) fn build_lifecycle(preset: Preset, choice: LifecycleChoice) -> Option<Lifecycle> {
    let (mut expire, mut abort, mut noncurrent) = match preset {
        Preset::Analytics => (None, Some(1), Some(7)),
        Preset::Test => (Some(7), Some(1), None),
        Preset::None => (None, None, None),
    };
    expire = choice.expire_days.or(expire);
    abort = choice.abort_multipart_days.or(abort);
    noncurrent = choice.noncurrent_expire_days.or(noncurrent);
    let mut rules = Vec::new();
    if let Some(days) = abort {
        rules.push(LifecycleRule {
            abort_incomplete_multipart_upload: Some(AbortMultipart {
                days_after_initiation: Some(days),
            }),
            ..rule("abort-multipart")
        });
    }
    if let Some(days) = expire {
        rules.push(LifecycleRule {
            expiration: Some(Expiration {
                days: Some(days),
                ..Default::default()
            }),
            ..rule(&format!("expire-{days}d"))
        });
    }
    if let Some(days) = noncurrent {
        rules.push(LifecycleRule {
            noncurrent_version_expiration: Some(NoncurrentExpiration {
                noncurrent_days: Some(days),
                ..Default::default()
            }),
            ..rule(&format!("noncurrent-expire-{days}d"))
        });
    }
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    (!rules.is_empty()).then_some(Lifecycle { rules })
}

/// What `buckets create` asks for, before it becomes a manifest.
pub(crate) struct ClaimSpec<'a> {
    /// The claim's name (a prefix with `generate_name`).
    pub name: &'a str,
    /// Let the API server add a suffix to `name`.
    pub generate_name: bool,
    /// Its namespace (empty: left to `kubectl apply -n`).
    pub namespace: &'a str,
    /// The Rook object store's StorageClass.
    pub storage_class: &'a str,
    /// The lifecycle policy, if any.
    pub lifecycle: Option<&'a Lifecycle>,
    /// Bucket quota in bytes (`100Gi`).
    pub max_size: Option<&'a str>,
    /// Bucket quota in objects.
    pub max_objects: Option<u64>,
}

/// The claim as a manifest (for `-o yaml` and for server-side apply).
pub(crate) fn build_claim(spec: &ClaimSpec) -> serde_json::Value {
    let mut config = serde_json::Map::new();
    if let Some(lifecycle) = spec.lifecycle {
        config.insert(
            "bucketLifecycle".into(),
            serde_json::Value::String(serde_json::to_string(lifecycle).unwrap_or_default()),
        );
    }
    if let Some(size) = spec.max_size {
        config.insert("maxSize".into(), size.into());
    }
    if let Some(objects) = spec.max_objects {
        config.insert("maxObjects".into(), objects.to_string().into());
    }
    let mut metadata = serde_json::json!({});
    if !spec.namespace.is_empty() {
        metadata["namespace"] = spec.namespace.into();
    }
    let mut claim_spec = serde_json::json!({ "storageClassName": spec.storage_class });
    if spec.generate_name {
        metadata["generateName"] = format!("{}-", spec.name.trim_end_matches('-')).into();
        claim_spec["generateBucketName"] = spec.name.trim_end_matches('-').into();
    } else {
        metadata["name"] = spec.name.into();
        claim_spec["generateBucketName"] = spec.name.into();
    }
    if !config.is_empty() {
        claim_spec["additionalConfig"] = serde_json::Value::Object(config);
    }
    serde_json::json!({
        "apiVersion": "objectbucket.io/v1alpha1",
        "kind": "ObjectBucketClaim",
        "metadata": metadata,
        "spec": claim_spec,
    })
}

/// One row of `buckets list`, also its JSON/YAML form.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimRow {
    /// The claim's namespace.
    pub namespace: String,
    /// The claim's name.
    pub name: String,
    /// `Bound`, `Pending`, `Failed`, or `-` before Rook saw it.
    pub phase: String,
    /// The bucket's name, from the ConfigMap or the claim.
    pub bucket: Option<String>,
    /// The claim's StorageClass.
    pub storage_class: Option<String>,
    /// The ObjectBucket Rook bound it to.
    pub object_bucket: Option<String>,
    /// Bucket quota in bytes, as written on the claim.
    pub max_size: Option<String>,
    /// Bucket quota in objects, as written on the claim.
    pub max_objects: Option<String>,
    /// The lifecycle in a few words (`expire 7d`), `-` for none.
    pub lifecycle: String,
    /// How many lifecycle rules.
    pub lifecycle_rules: usize,
    /// Days until objects expire, when a valid rule says so.
    pub expire_days: Option<i64>,
    /// Its Secret (S3 credentials) exists.
    pub has_secret: bool,
    /// Its ConfigMap (endpoint, bucket name) exists.
    pub has_config_map: bool,
    /// Seconds since it was created.
    pub age_seconds: Option<i64>,
}

/// The list row of a claim, from the claim and its ConfigMap.
pub(crate) fn claim_row(
    claim: &ObjectBucketClaim,
    config_map: Option<&ConfigMap>,
    has_secret: bool,
    age_seconds: Option<i64>,
) -> ClaimRow {
    let bucket = config_map
        .and_then(|cm| cm.data.as_ref())
        .and_then(|d| d.get("BUCKET_NAME").cloned())
        .or_else(|| claim.spec.bucket_name.clone());
    let (lifecycle, rules, expire) = match claim.config("bucketLifecycle") {
        None => ("-".to_string(), 0, None),
        Some(json) => lifecycle_cell(&json),
    };
    ClaimRow {
        namespace: claim.metadata.namespace.clone().unwrap_or_default(),
        name: claim.metadata.name.clone().unwrap_or_default(),
        phase: claim.phase().to_string(),
        bucket,
        storage_class: claim.spec.storage_class_name.clone(),
        object_bucket: claim.spec.object_bucket_name.clone(),
        max_size: claim
            .config("maxSize")
            .or_else(|| claim.config("bucketMaxSize")),
        max_objects: claim
            .config("maxObjects")
            .or_else(|| claim.config("bucketMaxObjects")),
        lifecycle,
        lifecycle_rules: rules,
        expire_days: expire,
        has_secret,
        has_config_map: config_map.is_some(),
        age_seconds,
    }
}

/// The LIFECYCLE cell, the rule count and the days to expiry. A lifecycle
/// Rook or the gateway refuses is never summarised as if it worked
/// (`expire 0d`): the cell says `invalid:` and where.
fn lifecycle_cell(json: &str) -> (String, usize, Option<i64>) {
    let reading = lifecycle::check(json);
    let Some(l) = reading.lifecycle.as_ref() else {
        return ("invalid JSON".to_string(), 0, None);
    };
    let broken: Vec<&lifecycle::Problem> = reading
        .problems
        .iter()
        .filter(|p| {
            matches!(
                p.kind,
                ProblemKind::Unreadable | ProblemKind::Refused | ProblemKind::DuplicateId
            )
        })
        .collect();
    if let Some(first) = broken.first() {
        let more = match broken.len() {
            1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        let place = first.place();
        let place = if place.is_empty() {
            first.path()
        } else {
            place
        };
        return (format!("invalid: {place}{more}"), l.rules.len(), None);
    }
    let expire = l
        .rules
        .iter()
        .filter(|r| r.is_enabled())
        .filter_map(|r| r.expiration.as_ref()?.days)
        .min();
    (l.summary(), l.rules.len(), expire)
}

/// Pods that mount or read the claim's Secret or ConfigMap (both are named like the claim).
pub(crate) fn pods_using(pods: &[Pod], namespace: &str, claim: &str) -> Vec<String> {
    let mut names: Vec<String> = pods
        .iter()
        .filter(|p| p.metadata.namespace.as_deref() == Some(namespace))
        .filter(|p| {
            p.spec.as_ref().is_some_and(|spec| {
                workload::config_maps(spec).contains(claim)
                    || workload::secrets(spec).iter().any(|(s, _)| s == claim)
            })
        })
        .filter_map(|p| p.metadata.name.clone())
        .collect();
    names.sort();
    names
}

/// One difference between the claim's lifecycle and what the bucket holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Drift {
    /// The rule's ID.
    pub rule: String,
    /// The field that differs (`Expiration.Days`).
    pub field: String,
    /// The value on the claim.
    pub claim: String,
    /// The value on the bucket.
    pub bucket: String,
}

fn rule_fields(rule: &LifecycleRule) -> BTreeMap<&'static str, String> {
    let shown = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let expiration = rule.expiration.as_ref();
    let mut fields = BTreeMap::new();
    fields.insert("Status", shown(rule.status.clone()));
    fields.insert("Prefix", rule.effective_prefix());
    fields.insert(
        "Expiration.Days",
        shown(expiration.and_then(|e| e.days).map(|d| d.to_string())),
    );
    fields.insert(
        "Expiration.Date",
        shown(expiration.and_then(|e| e.date.as_ref()).map(lifecycle::day)),
    );
    fields.insert(
        "Expiration.ExpiredObjectDeleteMarker",
        shown(
            expiration
                .and_then(|e| e.expired_object_delete_marker)
                .map(|b| b.to_string()),
        ),
    );
    fields.insert(
        "AbortIncompleteMultipartUpload.DaysAfterInitiation",
        shown(
            rule.abort_incomplete_multipart_upload
                .as_ref()
                .and_then(|a| a.days_after_initiation)
                .map(|d| d.to_string()),
        ),
    );
    fields.insert(
        "NoncurrentVersionExpiration.NoncurrentDays",
        shown(
            rule.noncurrent_version_expiration
                .as_ref()
                .and_then(|n| n.noncurrent_days)
                .map(|d| d.to_string()),
        ),
    );
    let transitions: Vec<String> = rule
        .actions()
        .into_iter()
        .filter(|a| a.contains("transition"))
        .collect();
    fields.insert("Transitions", transitions.join(", "));
    fields
}

/// Rule-by-rule comparison, matched by ID.
pub(crate) fn lifecycle_drift(claim: Option<&Lifecycle>, bucket: Option<&Lifecycle>) -> Vec<Drift> {
    let empty = Lifecycle::default();
    let claim = claim.unwrap_or(&empty);
    let bucket = bucket.unwrap_or(&empty);
    let by_id = |l: &Lifecycle| -> BTreeMap<String, LifecycleRule> {
        l.rules
            .iter()
            .map(|r| (r.id_or_empty().to_string(), r.clone()))
            .collect()
    };
    let (wanted, actual) = (by_id(claim), by_id(bucket));
    let mut drift = Vec::new();
    let ids: std::collections::BTreeSet<&String> = wanted.keys().chain(actual.keys()).collect();
    for id in ids {
        match (wanted.get(id), actual.get(id)) {
            (Some(_), None) => drift.push(Drift {
                rule: id.clone(),
                field: "rule".into(),
                claim: "present".into(),
                bucket: "missing".into(),
            }),
            (None, Some(_)) => drift.push(Drift {
                rule: id.clone(),
                field: "rule".into(),
                claim: "missing".into(),
                bucket: "present".into(),
            }),
            (Some(w), Some(a)) => {
                let (wf, af) = (rule_fields(w), rule_fields(a));
                for (field, value) in &wf {
                    if af.get(field) != Some(value) {
                        drift.push(Drift {
                            rule: id.clone(),
                            field: field.to_string(),
                            claim: value.clone(),
                            bucket: af.get(field).cloned().unwrap_or_default(),
                        });
                    }
                }
            }
            (None, None) => {}
        }
    }
    drift
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_sorted_and_valid() {
        let analytics = build_lifecycle(Preset::Analytics, LifecycleChoice::default()).unwrap();
        assert_eq!(
            serde_json::to_string(&analytics).unwrap(),
            r#"{"Rules":[{"ID":"abort-multipart","Status":"Enabled","Prefix":"","AbortIncompleteMultipartUpload":{"DaysAfterInitiation":1}},{"ID":"noncurrent-expire-7d","Status":"Enabled","Prefix":"","NoncurrentVersionExpiration":{"NoncurrentDays":7}}]}"#
        );
        let test = build_lifecycle(
            Preset::Test,
            LifecycleChoice {
                expire_days: Some(30),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(test.summary(), "2 rules: abort multipart 1d, expire 30d");
        assert_eq!(test.unsorted_ids(), None);
        assert!(build_lifecycle(Preset::None, LifecycleChoice::default()).is_none());
        let explicit = build_lifecycle(
            Preset::None,
            LifecycleChoice {
                abort_multipart_days: Some(2),
                ..Default::default()
            },
        );
        assert_eq!(explicit.unwrap().rules.len(), 1);
    }

    #[test]
    fn claim_manifest() {
        let lifecycle = build_lifecycle(Preset::Test, LifecycleChoice::default());
        let claim = build_claim(&ClaimSpec {
            name: "scratch",
            generate_name: false,
            namespace: "data-platform",
            storage_class: "ceph-bucket",
            lifecycle: lifecycle.as_ref(),
            max_size: Some("10Gi"),
            max_objects: Some(1000),
        });
        assert_eq!(claim["metadata"]["name"], "scratch");
        assert_eq!(claim["spec"]["additionalConfig"]["maxObjects"], "1000");
        let json = claim["spec"]["additionalConfig"]["bucketLifecycle"]
            .as_str()
            .unwrap();
        assert_eq!(Lifecycle::parse(json).unwrap(), lifecycle.unwrap());
    }

    #[test]
    fn drift_rule_by_rule() {
        let wanted = build_lifecycle(Preset::Test, LifecycleChoice::default()).unwrap();
        assert!(lifecycle_drift(Some(&wanted), Some(&wanted)).is_empty());
        let mut changed = wanted.clone();
        changed.rules[1].expiration = Some(Expiration {
            days: Some(1),
            ..Default::default()
        });
        changed.rules.remove(0);
        let drift = lifecycle_drift(Some(&wanted), Some(&changed));
        assert_eq!(drift.len(), 2);
        assert_eq!(drift[0].rule, "abort-multipart");
        assert_eq!(drift[0].bucket, "missing");
        assert_eq!(
            (
                drift[1].field.as_str(),
                drift[1].claim.as_str(),
                drift[1].bucket.as_str()
            ),
            ("Expiration.Days", "7", "1")
        );
        assert_eq!(lifecycle_drift(Some(&wanted), None).len(), 2);
    }
}
