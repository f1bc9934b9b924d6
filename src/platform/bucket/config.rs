//! The `additionalConfig` of an ObjectBucketClaim read the way Rook 1.18 reads it
//! (`additionalConfigSpecFromMap` in pkg/operator/ceph/object/bucket/util.go,
//! then `setAdditionalSettings` in provisioner.go):
//!
//! - it knows seven keys ([`ROOK_KEYS`]) and ignores every other key;
//! - a known key the operator does not allow (`ROOK_OBC_ALLOW_ADDITIONAL_CONFIG_FIELDS`,
//!   default `maxObjects,maxSize`) is an error: `OBC config "…" is not allowed`;
//! - `maxObjects`, `maxSize`, `bucketMaxObjects` and `bucketMaxSize` are Kubernetes
//!   quantities (`resource.ParseQuantity`, then `Value()`, rounded up to a whole
//!   number); one that does not parse is an error (`failed to parse maxSize quota`);
//!   RGW reads a negative quota as no limit (Rook itself writes -1 to lift one);
//! - `bucketOwner` names an existing RGW user; when it is set Rook manages no
//!   user quota, so `maxObjects` and `maxSize` are dropped without a word;
//! - `bucketPolicy` is sent as written ([`super::policy`]); `bucketLifecycle` is
//!   decoded ([`super::lifecycle`]).
//!
//! Any error makes Provision or Grant fail with `failed to process
//! additionalConfig`: a new claim is not provisioned, an edit is not applied.

use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::platform::crds::ObjectBucketClaim;
use crate::platform::quantity::Quantity;

/// Every key Rook reads from `additionalConfig`.
pub(crate) const ROOK_KEYS: &[&str] = &[
    "maxObjects",
    "maxSize",
    "bucketMaxObjects",
    "bucketMaxSize",
    "bucketPolicy",
    "bucketLifecycle",
    "bucketOwner",
];

/// The quota keys, each with what it limits.
const QUOTA_KEYS: &[(&str, &str)] = &[
    ("maxObjects", "objects of the owner"),
    ("maxSize", "bytes of the owner"),
    ("bucketMaxObjects", "objects in the bucket"),
    ("bucketMaxSize", "bytes in the bucket"),
];

/// The findings about the quota keys and `bucketOwner`.
pub(crate) fn value_findings(claim: &ObjectBucketClaim, object: &ObjectRef) -> Vec<Finding> {
    let mut findings = Vec::new();
    let finding = |code, severity, message: String, hint: String| {
        Finding::new(
            code,
            severity,
            Component::Buckets,
            object.clone(),
            message,
            hint,
        )
    };
    for (key, limits) in QUOTA_KEYS {
        let Some(text) = claim.config(key) else {
            continue;
        };
        match quota_value(&text) {
            Err(()) => findings.push(finding(
                "bucket.config-invalid",
                Severity::Critical,
                format!("additionalConfig.{key} '{text}' is not a Kubernetes quantity; Rook stops at 'failed to parse {key} quota', so the claim is not provisioned (an edit is not applied)"),
                format!("write {key} as a quantity: {}", if key.ends_with("Size") { "100Gi, 500M" } else { "100000, 10k" }),
            )),
            Ok(value) if value < Quantity::ZERO => findings.push(finding(
                "bucket.quota-negative",
                Severity::Warning,
                format!("additionalConfig.{key} is {text}: RGW reads a negative quota as no limit on the {limits} (Rook writes -1 to lift one)"),
                format!("set {key} to the limit you mean, or remove it"),
            )),
            Ok(_) => {}
        }
    }
    if let Some(owner) = claim.config("bucketOwner") {
        if owner.trim().is_empty() {
            findings.push(finding(
                "bucket.config-invalid",
                Severity::Critical,
                "additionalConfig.bucketOwner is empty; Rook looks up RGW user '' and stops at 'Ceph object user \"\" not found', so the claim is not provisioned".into(),
                "name an existing CephObjectStoreUser, or remove bucketOwner to let Rook create one".into(),
            ));
        }
        let dropped: Vec<&str> = ["maxObjects", "maxSize"]
            .into_iter()
            .filter(|k| claim.config(k).is_some())
            .collect();
        if !dropped.is_empty() {
            findings.push(finding(
                "bucket.quota-ignored",
                Severity::Warning,
                format!("additionalConfig.{} is ignored: with bucketOwner set Rook manages no user quota, so the bucket has no such limit", dropped.join(" and ")),
                format!("use {} (a quota on the bucket itself), or a quota on the CephObjectStoreUser", dropped.iter().map(|k| format!("bucket{}{}", &k[..1].to_uppercase(), &k[1..])).collect::<Vec<_>>().join(" and ")),
            ));
        }
    }
    findings
}

/// A quota value as Rook reads it: Go's `resource.ParseQuantity`, which takes
/// no surrounding space; `Err` when it does not parse.
fn quota_value(text: &str) -> Result<Quantity, ()> {
    if text != text.trim() {
        return Err(());
    }
    text.parse::<Quantity>().map_err(|_| ())
}

/// `bucket.config-field-unknown`: keys Rook does not read at all (typos,
/// other provisioners' keys), with the key meant when only its case differs.
pub(crate) fn unknown_key_findings(claim: &ObjectBucketClaim, object: &ObjectRef) -> Vec<Finding> {
    claim
        .spec
        .additional_config
        .keys()
        .filter(|k| !ROOK_KEYS.contains(&k.as_str()))
        .map(|key| {
            let meant = ROOK_KEYS.iter().find(|k| k.eq_ignore_ascii_case(key));
            Finding::new(
                "bucket.config-field-unknown",
                Severity::Warning,
                Component::Buckets,
                object.clone(),
                format!("additionalConfig.{key} is no key Rook reads; it is ignored"),
                match meant {
                    Some(k) => format!("rename it to {k}"),
                    None => format!("remove it; Rook reads {}", ROOK_KEYS.join(", ")),
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(config: &[(&str, &str)]) -> ObjectBucketClaim {
        let mut claim = ObjectBucketClaim::default();
        claim.metadata.name = Some("c".into());
        for (k, v) in config {
            claim
                .spec
                .additional_config
                .insert(k.to_string(), serde_json::Value::String(v.to_string()));
        }
        claim
    }

    fn codes(config: &[(&str, &str)]) -> Vec<&'static str> {
        let c = claim(config);
        let object = ObjectRef::namespaced("ObjectBucketClaim", "ns", "c");
        let mut found = value_findings(&c, &object);
        found.extend(unknown_key_findings(&c, &object));
        found.iter().map(|f| f.code).collect()
    }

    /// Every form Go's ParseQuantity takes is a quota; the rest is refused.
    #[test]
    fn quota_values_as_rook_parses_them() {
        for ok in ["100Gi", "500M", "1e3", "10k", "0", "1.5", "+5", "1500m"] {
            assert_eq!(codes(&[("maxSize", ok)]), Vec::<&str>::new(), "{ok}");
        }
        for bad in ["ten", "10GB", "10 Gi", " 10Gi", "", "1.2.3", "Gi", "10gi"] {
            assert_eq!(
                codes(&[("bucketMaxSize", bad)]),
                ["bucket.config-invalid"],
                "{bad}"
            );
        }
        assert_eq!(codes(&[("maxObjects", "-1")]), ["bucket.quota-negative"]);
        assert_eq!(
            codes(&[("bucketMaxObjects", "-5k")]),
            ["bucket.quota-negative"]
        );
    }

    #[test]
    fn owner_rules() {
        assert_eq!(codes(&[("bucketOwner", "")]), ["bucket.config-invalid"]);
        assert_eq!(codes(&[("bucketOwner", "alice")]), Vec::<&str>::new());
        assert_eq!(
            codes(&[
                ("bucketOwner", "alice"),
                ("maxSize", "1Gi"),
                ("bucketMaxObjects", "10")
            ]),
            ["bucket.quota-ignored"]
        );
    }

    #[test]
    fn unknown_keys_name_the_key_meant() {
        let c = claim(&[("maxsize", "1Gi"), ("retention", "7d")]);
        let object = ObjectRef::namespaced("ObjectBucketClaim", "ns", "c");
        let hints: Vec<String> = unknown_key_findings(&c, &object)
            .into_iter()
            .map(|f| f.hint)
            .collect();
        assert_eq!(hints[0], "rename it to maxSize");
        assert!(hints[1].starts_with("remove it; Rook reads maxObjects"));
    }
}
