//! ObjectBucketClaim checks shared by `kubectl dp status` and `kubectl dp buckets`:
//! the S3 lifecycle document a claim carries, and what a healthy claim has.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::platform::crds::ObjectBucketClaim;

/// The `additionalConfig` keys Rook accepts unless the operator allows more
/// through `ROOK_OBC_ALLOW_ADDITIONAL_CONFIG_FIELDS` (Rook 1.17+).
pub const ROOK_DEFAULT_ALLOWED_FIELDS: &[&str] = &["maxObjects", "maxSize"];

/// An S3 `LifecycleConfiguration` as Rook takes it in `bucketLifecycle`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Lifecycle {
    /// The rules, in the order S3 returns them.
    pub rules: Vec<LifecycleRule>,
}

/// One S3 lifecycle rule (the JSON Rook takes in `bucketLifecycle`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LifecycleRule {
    /// The rule's ID.
    #[serde(rename = "ID")]
    pub id: String,
    /// `Enabled` or `Disabled`.
    pub status: String,
    /// The legacy top-level prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// The filter (`{"Prefix": ...}`), as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<serde_json::Value>,
    /// Expire current objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<Expiration>,
    /// Abort incomplete multipart uploads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abort_incomplete_multipart_upload: Option<AbortMultipart>,
    /// Expire noncurrent versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noncurrent_version_expiration: Option<NoncurrentExpiration>,
}

/// `Expiration`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Expiration {
    /// Days after creation.
    pub days: u32,
}

/// `AbortIncompleteMultipartUpload`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AbortMultipart {
    /// Days after the upload started.
    pub days_after_initiation: u32,
}

/// `NoncurrentVersionExpiration`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NoncurrentExpiration {
    /// Days after a version became noncurrent.
    pub noncurrent_days: u32,
}

impl LifecycleRule {
    /// The prefix the rule applies to (`Filter.Prefix`, else the legacy `Prefix`);
    /// empty for the whole bucket.
    pub fn effective_prefix(&self) -> String {
        self.filter
            .as_ref()
            .and_then(|f| f.get("Prefix").and_then(|p| p.as_str()).map(str::to_string))
            .or_else(|| self.prefix.clone())
            .unwrap_or_default()
    }
}

impl Lifecycle {
    /// Parses the lifecycle JSON of a claim; `Err` says what is wrong in one line.
    pub fn parse(json: &str) -> Result<Lifecycle, String> {
        serde_json::from_str(json)
            .map_err(|e| format!("bucketLifecycle is not a valid S3 lifecycle document: {e}"))
    }

    /// Rook re-applies the lifecycle on every reconcile; rules out of ID order make
    /// the document differ each time, so Rook's docs ask for them sorted.
    pub fn unsorted_ids(&self) -> Option<(String, String)> {
        self.rules
            .windows(2)
            .find(|pair| pair[0].id > pair[1].id)
            .map(|pair| (pair[0].id.clone(), pair[1].id.clone()))
    }

    /// Rule IDs used more than once.
    pub fn duplicate_ids(&self) -> Vec<String> {
        let mut seen = BTreeSet::new();
        self.rules
            .iter()
            .filter(|r| !seen.insert(r.id.clone()))
            .map(|r| r.id.clone())
            .collect()
    }

    /// One line for a table: `2 rules: expire 30d, abort multipart 1d`.
    pub fn summary(&self) -> String {
        let mut actions = Vec::new();
        for rule in self.rules.iter().filter(|r| r.status == "Enabled") {
            if let Some(e) = &rule.expiration {
                actions.push(format!("expire {}d", e.days));
            }
            if let Some(a) = &rule.abort_incomplete_multipart_upload {
                actions.push(format!("abort multipart {}d", a.days_after_initiation));
            }
            if let Some(n) = &rule.noncurrent_version_expiration {
                actions.push(format!("noncurrent {}d", n.noncurrent_days));
            }
        }
        let count = self.rules.len();
        let noun = if count == 1 { "rule" } else { "rules" };
        if actions.is_empty() {
            format!("{count} {noun}")
        } else {
            format!("{count} {noun}: {}", actions.join(", "))
        }
    }
}

/// `ROOK_OBC_ALLOW_ADDITIONAL_CONFIG_FIELDS` from the data of `rook-ceph-operator-config`;
/// Rook's defaults when the key is absent.
pub fn allowed_fields(data: Option<&std::collections::BTreeMap<String, String>>) -> Vec<String> {
    data.and_then(|d| d.get("ROOK_OBC_ALLOW_ADDITIONAL_CONFIG_FIELDS"))
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_else(|| {
            ROOK_DEFAULT_ALLOWED_FIELDS
                .iter()
                .map(|s| s.to_string())
                .collect()
        })
}

/// What the checks need to know beyond the claim itself.
pub struct ClaimContext<'a> {
    /// The claim's Secret exists (or could not be read).
    pub has_secret: bool,
    /// The claim's ConfigMap exists (or could not be read).
    pub has_config_map: bool,
    /// Age in seconds, when the claim has a creation time.
    pub age_seconds: Option<i64>,
    /// The keys Rook's operator accepts, when its ConfigMap could be read.
    pub allowed_fields: Option<&'a [String]>,
}

/// A claim Pending longer than this is stuck rather than provisioning.
pub const PENDING_TOO_LONG_SECONDS: i64 = 300;

/// The findings about one claim.
pub fn check_claim(claim: &ObjectBucketClaim, ctx: &ClaimContext) -> Vec<Finding> {
    let object = ObjectRef::from_meta("ObjectBucketClaim", &claim.metadata);
    let name = claim.metadata.name.clone().unwrap_or_default();
    let ns = claim.metadata.namespace.clone().unwrap_or_default();
    let mut findings = Vec::new();
    let mut add = |code, severity, message: String, hint: String| {
        findings.push(Finding::new(
            code,
            severity,
            Component::Buckets,
            object.clone(),
            message,
            hint,
        ));
    };
    match claim.phase() {
        "Pending" => {
            let age = ctx
                .age_seconds
                .map(crate::render::age)
                .unwrap_or_else(|| "unknown time".into());
            let long = ctx
                .age_seconds
                .is_some_and(|a| a >= PENDING_TOO_LONG_SECONDS);
            add(
                if long {
                    "bucket.pending-too-long"
                } else {
                    "bucket.claim-pending"
                },
                Severity::Warning,
                format!("claim is Pending (for {age}); no bucket has been provisioned"),
                format!(
                    "check that StorageClass {} exists and the Rook operator logs: kubectl describe obc {name} -n {ns}",
                    claim.spec.storage_class_name.as_deref().unwrap_or("<none>")
                ),
            );
        }
        "Failed" => add(
            "bucket.claim-failed",
            Severity::Critical,
            "claim is Failed".into(),
            format!("read its events: kubectl describe obc {name} -n {ns}"),
        ),
        "Bound" => {
            if !ctx.has_secret {
                add(
                    "bucket.secret-missing",
                    Severity::Critical,
                    format!("claim is Bound but its Secret {name} (the S3 credentials) is missing"),
                    "pods using the bucket cannot start; the provisioner recreates it when the claim is re-reconciled (annotate or recreate the claim)".into(),
                );
            }
            if !ctx.has_config_map {
                add(
                    "bucket.configmap-missing",
                    Severity::Critical,
                    format!("claim is Bound but its ConfigMap {name} (the endpoint) is missing"),
                    "pods using the bucket cannot start; re-reconcile the claim so the provisioner writes it again".into(),
                );
            }
        }
        _ => {}
    }
    if let Some(json) = claim.config("bucketLifecycle") {
        match Lifecycle::parse(&json) {
            Err(reason) => add(
                "bucket.lifecycle-invalid",
                Severity::Warning,
                reason,
                "fix spec.additionalConfig.bucketLifecycle; `kubectl dp buckets create --lifecycle ... -o yaml` prints a valid one".into(),
            ),
            Ok(lifecycle) => {
                if let Some((first, second)) = lifecycle.unsorted_ids() {
                    add(
                        "bucket.lifecycle-unsorted",
                        Severity::Warning,
                        format!("lifecycle rules are not sorted by ID ('{first}' before '{second}'), so Rook sees a change on every reconcile"),
                        "sort the Rules array by ID".into(),
                    );
                }
                for id in lifecycle.duplicate_ids() {
                    add(
                        "bucket.lifecycle-duplicate-id",
                        Severity::Warning,
                        format!("lifecycle rule ID '{id}' is used twice; S3 rejects the document"),
                        "give every rule a unique ID".into(),
                    );
                }
            }
        }
    }
    let default_allowed: Vec<String> = ROOK_DEFAULT_ALLOWED_FIELDS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let (allowed, source) = match ctx.allowed_fields {
        Some(fields) => (fields, "rook-ceph-operator-config allows"),
        None => (default_allowed.as_slice(), "Rook 1.17+ accepts by default"),
    };
    let refused: Vec<&String> = claim
        .spec
        .additional_config
        .keys()
        .filter(|k| !allowed.contains(k))
        .collect();
    if !refused.is_empty() {
        let keys: Vec<&str> = refused.iter().map(|k| k.as_str()).collect();
        add(
            "bucket.config-field-refused",
            if ctx.allowed_fields.is_some() {
                Severity::Warning
            } else {
                Severity::Info
            },
            format!(
                "additionalConfig {} not among the fields {source} ({}); the operator ignores {}",
                keys.join(", "),
                allowed.join(","),
                if keys.len() == 1 { "it" } else { "them" }
            ),
            format!(
                "add {} to ROOK_OBC_ALLOW_ADDITIONAL_CONFIG_FIELDS in ConfigMap rook-ceph-operator-config",
                keys.join(",")
            ),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    const REFERENCE_LIFECYCLE: &str = r#"{"Rules":[{"ID":"abort-multipart","Status":"Enabled","Prefix":"","AbortIncompleteMultipartUpload":{"DaysAfterInitiation":1}},{"ID":"expire-30d","Status":"Enabled","Prefix":"","Expiration":{"Days":30}}]}"#;

    fn claim(phase: &str, config: &[(&str, &str)]) -> ObjectBucketClaim {
        let mut claim = ObjectBucketClaim::default();
        claim.metadata.name = Some("analytics".into());
        claim.metadata.namespace = Some("data-platform".into());
        claim.status = Some(crate::platform::crds::ObcStatus {
            phase: Some(phase.into()),
        });
        for (k, v) in config {
            claim
                .spec
                .additional_config
                .insert(k.to_string(), serde_json::Value::String(v.to_string()));
        }
        claim
    }

    fn ctx(secret: bool, cm: bool) -> ClaimContext<'static> {
        ClaimContext {
            has_secret: secret,
            has_config_map: cm,
            age_seconds: Some(60),
            allowed_fields: None,
        }
    }

    fn codes(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn reference_lifecycle_parses_sorted() {
        let lifecycle = Lifecycle::parse(REFERENCE_LIFECYCLE).unwrap();
        assert_eq!(lifecycle.rules.len(), 2);
        assert_eq!(lifecycle.unsorted_ids(), None);
        assert_eq!(
            lifecycle.summary(),
            "2 rules: abort multipart 1d, expire 30d"
        );
    }

    #[test]
    fn healthy_bound_claim_has_no_findings() {
        let c = claim("Bound", &[("maxSize", "100Gi")]);
        assert!(check_claim(&c, &ctx(true, true)).is_empty());
    }

    #[test]
    fn bound_claim_without_credentials_is_critical() {
        let findings = check_claim(&claim("Bound", &[]), &ctx(false, false));
        assert_eq!(
            codes(&findings),
            ["bucket.secret-missing", "bucket.configmap-missing"]
        );
        assert!(findings.iter().all(|f| f.severity == Severity::Critical));
    }

    #[test]
    fn pending_claims_escalate_with_age() {
        let c = claim("Pending", &[]);
        assert_eq!(
            codes(&check_claim(&c, &ctx(false, false))),
            ["bucket.claim-pending"]
        );
        let old = ClaimContext {
            age_seconds: Some(3600),
            ..ctx(false, false)
        };
        assert_eq!(codes(&check_claim(&c, &old)), ["bucket.pending-too-long"]);
    }

    #[test]
    fn lifecycle_problems() {
        let broken = claim("Bound", &[("bucketLifecycle", "{not json")]);
        assert!(
            codes(&check_claim(&broken, &ctx(true, true))).contains(&"bucket.lifecycle-invalid")
        );
        let unsorted = claim(
            "Bound",
            &[(
                "bucketLifecycle",
                r#"{"Rules":[{"ID":"b","Status":"Enabled"},{"ID":"a","Status":"Enabled"}]}"#,
            )],
        );
        assert!(
            codes(&check_claim(&unsorted, &ctx(true, true))).contains(&"bucket.lifecycle-unsorted")
        );
    }

    #[test]
    fn refused_fields_follow_the_operator_config() {
        let c = claim(
            "Bound",
            &[("bucketLifecycle", REFERENCE_LIFECYCLE), ("maxSize", "1Gi")],
        );
        let findings = check_claim(&c, &ctx(true, true));
        assert_eq!(codes(&findings), ["bucket.config-field-refused"]);
        assert_eq!(findings[0].severity, Severity::Info);
        let allowed = vec![
            "maxSize".to_string(),
            "maxObjects".to_string(),
            "bucketLifecycle".to_string(),
        ];
        let with_operator = ClaimContext {
            allowed_fields: Some(&allowed),
            ..ctx(true, true)
        };
        assert!(check_claim(&c, &with_operator).is_empty());
    }
}
