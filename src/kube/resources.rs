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

pub fn object_bucket_claim() -> ApiResource {
    resource(
        "objectbucket.io",
        "v1alpha1",
        "ObjectBucketClaim",
        "objectbucketclaims",
    )
}

pub fn object_bucket() -> ApiResource {
    resource(
        "objectbucket.io",
        "v1alpha1",
        "ObjectBucket",
        "objectbuckets",
    )
}

pub fn spark_application() -> ApiResource {
    resource(
        "sparkoperator.k8s.io",
        "v1beta2",
        "SparkApplication",
        "sparkapplications",
    )
}

pub fn external_secret() -> ApiResource {
    resource(
        "external-secrets.io",
        "v1",
        "ExternalSecret",
        "externalsecrets",
    )
}

pub fn secret_store() -> ApiResource {
    resource("external-secrets.io", "v1", "SecretStore", "secretstores")
}

pub fn cluster_secret_store() -> ApiResource {
    resource(
        "external-secrets.io",
        "v1",
        "ClusterSecretStore",
        "clustersecretstores",
    )
}

pub fn prometheus_rule() -> ApiResource {
    resource(
        "monitoring.coreos.com",
        "v1",
        "PrometheusRule",
        "prometheusrules",
    )
}
