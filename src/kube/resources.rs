//! The custom resources of the operators the platform runs on. Group, version
//! and plural are the upstream ones (REFERENCE.md).

use kube::discovery::ApiResource;

fn resource(group: &str, version: &str, kind: &str, plural: &str) -> ApiResource {
    ApiResource {
        group: group.into(),
        version: version.into(),
        api_version: format!("{group}/{version}"),
        kind: kind.into(),
        plural: plural.into(),
    }
}

/// ObjectBucketClaims (`objectbucket.io/v1alpha1`).
pub(crate) fn object_bucket_claim() -> ApiResource {
    resource(
        "objectbucket.io",
        "v1alpha1",
        "ObjectBucketClaim",
        "objectbucketclaims",
    )
}

/// ObjectBuckets, the cluster-scoped buckets Rook makes for claims.
pub(crate) fn object_bucket() -> ApiResource {
    resource(
        "objectbucket.io",
        "v1alpha1",
        "ObjectBucket",
        "objectbuckets",
    )
}

/// SparkApplications (`sparkoperator.k8s.io/v1beta2`).
pub(crate) fn spark_application() -> ApiResource {
    resource(
        "sparkoperator.k8s.io",
        "v1beta2",
        "SparkApplication",
        "sparkapplications",
    )
}

/// ExternalSecrets (`external-secrets.io/v1`).
pub(crate) fn external_secret() -> ApiResource {
    resource(
        "external-secrets.io",
        "v1",
        "ExternalSecret",
        "externalsecrets",
    )
}

/// SecretStores (`external-secrets.io/v1`).
pub(crate) fn secret_store() -> ApiResource {
    resource("external-secrets.io", "v1", "SecretStore", "secretstores")
}

/// ClusterSecretStores (`external-secrets.io/v1`).
pub(crate) fn cluster_secret_store() -> ApiResource {
    resource(
        "external-secrets.io",
        "v1",
        "ClusterSecretStore",
        "clustersecretstores",
    )
}

/// PrometheusRules (`monitoring.coreos.com/v1`).
pub(crate) fn prometheus_rule() -> ApiResource {
    resource(
        "monitoring.coreos.com",
        "v1",
        "PrometheusRule",
        "prometheusrules",
    )
}
