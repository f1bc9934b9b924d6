//! ObjectBucketClaim checks shared by `kubectl dp status` and `kubectl dp buckets`:
//! the `additionalConfig` a claim carries, read as Rook reads it ([`config`]:
//! keys and quota values; [`lifecycle`]: the S3 lifecycle document; [`policy`]:
//! the bucket policy), and what a healthy claim has.

pub(crate) mod config;
pub mod lifecycle;
pub mod policy;

use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::platform::crds::ObjectBucketClaim;

pub use lifecycle::{
    AbortMultipart, Expiration, Filter, FilterAnd, Lifecycle, LifecycleRule, NoncurrentExpiration,
    NoncurrentTransition, Problem, ProblemKind, Tag, Transition,
};

/// The `additionalConfig` keys Rook accepts unless the operator allows more
/// through `ROOK_OBC_ALLOW_ADDITIONAL_CONFIG_FIELDS` (Rook 1.17+).
pub(crate) const ROOK_DEFAULT_ALLOWED_FIELDS: &[&str] = &["maxObjects", "maxSize"];

/// `ROOK_OBC_ALLOW_ADDITIONAL_CONFIG_FIELDS` from the data of `rook-ceph-operator-config`;
/// Rook's defaults when the key is absent.
pub(crate) fn allowed_fields(
    data: Option<&std::collections::BTreeMap<String, String>>,
) -> Vec<String> {
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
pub(crate) struct ClaimContext<'a> {
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
pub(crate) const PENDING_TOO_LONG_SECONDS: i64 = 300;

/// The findings about one claim.
pub(crate) fn check_claim(claim: &ObjectBucketClaim, ctx: &ClaimContext) -> Vec<Finding> {
    let object = ObjectRef::from_meta("ObjectBucketClaim", &claim.metadata);
    let mut findings = phase_findings(claim, ctx, &object);
    if let Some(json) = claim.config("bucketLifecycle") {
        findings.extend(lifecycle_findings(&object, &json));
    }
    if let Some(json) = claim.config("bucketPolicy") {
        findings.extend(policy_findings(
            &object,
            &json,
            claim.spec.bucket_name.as_deref(),
        ));
    }
    findings.extend(config::value_findings(claim, &object));
    findings.extend(config::unknown_key_findings(claim, &object));
    findings.extend(refused_config_finding(claim, ctx, &object));
    findings
}

/// The findings about a claim's `bucketPolicy`: each problem RGW or S3 has
/// with it, naming the statement and the field, capped like the lifecycle's.
pub(crate) fn policy_findings(
    object: &ObjectRef,
    json: &str,
    bucket: Option<&str>,
) -> Vec<Finding> {
    let mut findings: Vec<Finding> = policy::check(json, bucket)
        .into_iter()
        .map(|p| {
            let message = if p.path.is_empty() {
                format!("bucketPolicy {}", p.message)
            } else {
                format!("bucketPolicy {}: {}", p.path, p.message)
            };
            Finding::new(
                "bucket.policy-invalid",
                if p.rgw_refuses {
                    Severity::Critical
                } else {
                    Severity::Warning
                },
                Component::Buckets,
                object.clone(),
                message,
                format!("{} in spec.additionalConfig.bucketPolicy", p.fix),
            )
        })
        .collect();
    if findings.len() > MAX_LIFECYCLE_FINDINGS {
        let more = findings.len() - MAX_LIFECYCLE_FINDINGS;
        findings.truncate(MAX_LIFECYCLE_FINDINGS);
        if let Some(last) = findings.last_mut() {
            last.message
                .push_str(&format!(" ({more} more policy problems not shown)"));
        }
    }
    findings
}

/// What the claim's phase says: Pending (too long), Failed, or Bound without
/// its Secret or ConfigMap.
fn phase_findings(
    claim: &ObjectBucketClaim,
    ctx: &ClaimContext,
    object: &ObjectRef,
) -> Vec<Finding> {
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
    findings
}

/// `bucket.config-field-refused`: keys Rook reads but its operator does not
/// allow. Rook then refuses the whole claim (`OBC config "bucketPolicy" is not
/// allowed`, from `additionalConfigSpecFromMap`): critical when the operator's
/// ConfigMap was read, a warning against Rook's defaults (the operator may
/// allow more). Keys Rook does not read at all are `config::unknown_key_findings`.
fn refused_config_finding(
    claim: &ObjectBucketClaim,
    ctx: &ClaimContext,
    object: &ObjectRef,
) -> Option<Finding> {
    let default_allowed: Vec<String> = ROOK_DEFAULT_ALLOWED_FIELDS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let (allowed, source) = match ctx.allowed_fields {
        Some(fields) => (fields, "rook-ceph-operator-config allows"),
        None => (default_allowed.as_slice(), "Rook 1.17+ allows by default"),
    };
    let refused: Vec<&str> = claim
        .spec
        .additional_config
        .keys()
        .filter(|k| config::ROOK_KEYS.contains(&k.as_str()) && !allowed.contains(k))
        .map(String::as_str)
        .collect();
    let first = refused.first()?;
    Some(Finding::new(
        "bucket.config-field-refused",
        if ctx.allowed_fields.is_some() {
            Severity::Critical
        } else {
            Severity::Warning
        },
        Component::Buckets,
        object.clone(),
        format!(
            "additionalConfig {} not among the fields {source} ({}); Rook refuses the claim (OBC config \"{first}\" is not allowed), so it is not provisioned and an edit is not applied",
            refused.join(", "),
            allowed.join(","),
        ),
        format!(
            "add {} to ROOK_OBC_ALLOW_ADDITIONAL_CONFIG_FIELDS in ConfigMap rook-ceph-operator-config, or remove {} from the claim",
            refused.join(","),
            if refused.len() == 1 { "it" } else { "them" }
        ),
    ))
}

/// The most lifecycle findings one claim gets; the last says how many more.
pub(crate) const MAX_LIFECYCLE_FINDINGS: usize = 10;

/// The findings about a claim's `bucketLifecycle`: each problem Rook, S3 or
/// RGW has with it (naming the rule, the field and the fix), and rules out of
/// ID order.
pub(crate) fn lifecycle_findings(object: &ObjectRef, json: &str) -> Vec<Finding> {
    let reading = lifecycle::check(json);
    let mut findings: Vec<Finding> = reading
        .problems
        .iter()
        .map(|p| {
            let (code, severity) = match p.kind {
                ProblemKind::Unreadable => ("bucket.lifecycle-invalid", Severity::Critical),
                // Refused by S3 while RGW accepts it (with another meaning): a warning.
                ProblemKind::Refused if p.rgw.is_none() => {
                    ("bucket.lifecycle-invalid", Severity::Warning)
                }
                ProblemKind::Refused => ("bucket.lifecycle-invalid", Severity::Critical),
                ProblemKind::DuplicateId => ("bucket.lifecycle-duplicate-id", Severity::Critical),
                ProblemKind::IgnoredField => ("bucket.lifecycle-ignored-field", Severity::Warning),
                ProblemKind::MissingId => ("bucket.lifecycle-rule-without-id", Severity::Warning),
            };
            let place = p.place();
            let message = if place.is_empty() {
                format!("bucketLifecycle {}", p.message)
            } else {
                format!("bucketLifecycle {place} {}", p.message)
            };
            Finding::new(
                code,
                severity,
                Component::Buckets,
                object.clone(),
                message,
                format!("{} in spec.additionalConfig.bucketLifecycle", p.fix),
            )
        })
        .collect();
    if findings.len() > MAX_LIFECYCLE_FINDINGS {
        let more = findings.len() - MAX_LIFECYCLE_FINDINGS;
        findings.truncate(MAX_LIFECYCLE_FINDINGS);
        if let Some(last) = findings.last_mut() {
            last.message
                .push_str(&format!(" ({more} more lifecycle problems not shown)"));
        }
    }
    let readable = reading
        .lifecycle
        .as_ref()
        .filter(|_| !reading.is_unreadable());
    if let Some((first, second)) = readable.and_then(Lifecycle::unsorted_ids) {
        findings.push(Finding::new(
            "bucket.lifecycle-unsorted",
            Severity::Warning,
            Component::Buckets,
            object.clone(),
            format!("lifecycle rules are not sorted by ID ('{first}' before '{second}'), so Rook sees a change on every reconcile"),
            "sort the Rules array by ID",
        ));
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

    /// The issue's fault: `Days: 0` is one critical finding naming the rule, the
    /// field and the fix; many problems are capped, the last saying how many more.
    #[test]
    fn invalid_lifecycle_findings_are_exact_and_capped() {
        let days_0 = r#"{"Rules":[{"ID":"expire-0d","Status":"Enabled","Filter":{},"Expiration":{"Days":0}}]}"#;
        let findings = check_claim(
            &claim("Bound", &[("bucketLifecycle", days_0)]),
            &ctx(true, true),
        );
        let codes_only: Vec<_> = codes(&findings)
            .into_iter()
            .filter(|c| c.starts_with("bucket.lifecycle"))
            .collect();
        assert_eq!(codes_only, ["bucket.lifecycle-invalid"]);
        let finding = &findings[0];
        assert_eq!(finding.severity, Severity::Critical);
        assert_eq!(
            finding.message,
            "bucketLifecycle rule 'expire-0d' Expiration.Days is 0, below 1; S3 and RGW refuse the whole document (InvalidArgument), so Rook applies none of it"
        );
        assert_eq!(
            finding.hint,
            "set Expiration.Days to 1 or more, or use an Expiration.Date at midnight UTC in spec.additionalConfig.bucketLifecycle"
        );
        let rules: Vec<String> = (0..15)
            .map(|i| format!(r#"{{"ID":"r{i:02}","Status":"Enabled","Filter":{{}},"Expiration":{{"Days":0}}}}"#))
            .collect();
        let many = format!(r#"{{"Rules":[{}]}}"#, rules.join(","));
        let object = ObjectRef::namespaced("ObjectBucketClaim", "ns", "c");
        let findings = lifecycle_findings(&object, &many);
        assert_eq!(findings.len(), MAX_LIFECYCLE_FINDINGS);
        assert!(
            findings[9]
                .message
                .ends_with("(5 more lifecycle problems not shown)"),
            "{}",
            findings[9].message
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
        assert_eq!(findings[0].severity, Severity::Warning);
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
