//! Set-up shared by the buckets tests (tests/buckets_*.rs). The harness plays
//! Rook's bucket provisioner: it creates an RGW user and bucket for a claim, the
//! Secret and ConfigMap named like the claim (owned by it), the ObjectBucket
//! `obc-<ns>-<name>`, applies the claim's lifecycle to the bucket and marks the
//! claim Bound through the status subresource.

pub const BIN: &str = env!("CARGO_BIN_EXE_kubectl-dp-buckets");

/// A claim as a user (or `buckets create`) writes it.
pub fn claim(ns: &str, name: &str, lifecycle: Option<&str>) -> String {
    let config = match lifecycle {
        Some(json) => {
            format!("  additionalConfig:\n    maxSize: 1Gi\n    bucketLifecycle: '{json}'\n")
        }
        None => "  additionalConfig:\n    maxSize: 1Gi\n".to_string(),
    };
    format!(
        "apiVersion: objectbucket.io/v1alpha1\nkind: ObjectBucketClaim\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  generateBucketName: {name}\n  storageClassName: ceph-bucket\n{config}"
    )
}

pub const TEST_LIFECYCLE: &str = r#"{"Rules":[{"ID":"abort-multipart","Status":"Enabled","Prefix":"","AbortIncompleteMultipartUpload":{"DaysAfterInitiation":1}},{"ID":"expire-7d","Status":"Enabled","Prefix":"","Expiration":{"Days":7}}]}"#;
