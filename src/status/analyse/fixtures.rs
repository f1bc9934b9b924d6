//! Hand-built snapshots for the analysis tests.

use serde_json::json;

use crate::findings::Finding;
use crate::kube::{Listing, Scope};
use crate::snapshot::Snapshot;

pub fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code).collect()
}

fn from<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("fixture")
}

fn empty() -> Snapshot {
    Snapshot {
        scope: Some(Scope::Namespace("dp".into())),
        ..Snapshot::default()
    }
}

fn trino_deployment(role: &str, replicas: i32, memory_limit: &str) -> serde_json::Value {
    json!({
        "metadata": {"name": format!("trino-{role}"), "namespace": "dp"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app.kubernetes.io/name": "trino", "app.kubernetes.io/component": role}},
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": "trino", "app.kubernetes.io/component": role}},
                "spec": {
                    "containers": [{
                        "name": format!("trino-{role}"),
                        "image": "trinodb/trino:476",
                        "resources": {"requests": {"cpu": "1", "memory": memory_limit}, "limits": {"memory": memory_limit}}
                    }],
                    "volumes": [
                        {"name": "config", "configMap": {"name": format!("trino-{role}")}},
                        {"name": "catalog", "configMap": {"name": "trino-catalog"}}
                    ]
                }
            }
        },
        "status": {"readyReplicas": replicas}
    })
}

fn trino_config_map(role: &str, heap: &str, extra_properties: &str) -> serde_json::Value {
    json!({
        "metadata": {"name": format!("trino-{role}"), "namespace": "dp"},
        "data": {
            "jvm.config": format!("-server\n-Xmx{heap}\n-XX:+UseG1GC\n-XX:G1HeapRegionSize=32M\n-XX:+ExitOnOutOfMemoryError\n"),
            "config.properties": format!("coordinator={}\nhttp-server.http.port=8080\n{extra_properties}", role == "coordinator"),
        }
    })
}

/// A Trino coordinator and three workers with the given heaps and limits.
pub(crate) fn trino_snapshot(
    coordinator_heap: &str,
    coordinator_limit: &str,
    worker_heap: &str,
    worker_limit: &str,
    extra_worker_properties: &str,
) -> Snapshot {
    let mut s = empty();
    s.deployments = Listing::available(vec![
        from(trino_deployment("coordinator", 1, coordinator_limit)),
        from(trino_deployment("worker", 3, worker_limit)),
    ]);
    s.config_maps = Listing::available(vec![
        from(trino_config_map("coordinator", coordinator_heap, "")),
        from(trino_config_map(
            "worker",
            worker_heap,
            extra_worker_properties,
        )),
        from(json!({
            "metadata": {"name": "trino-catalog", "namespace": "dp"},
            "data": {
                "iceberg.properties": "connector.name=iceberg\niceberg.catalog.type=nessie\niceberg.nessie-catalog.uri=http://nessie:19120/api/v2\n",
                "tpch.properties": "connector.name=tpch\n"
            }
        })),
    ]);
    s.services = Listing::available(vec![from(
        json!({"metadata": {"name": "nessie", "namespace": "dp"}}),
    )]);
    s
}

/// Nessie reading its database password from a Secret that an ExternalSecret
/// should write from a ClusterSecretStore that is not Ready.
pub(crate) fn nessie_chain_snapshot(secret_exists: bool) -> Snapshot {
    let mut s = empty();
    s.deployments = Listing::available(vec![from(json!({
        "metadata": {"name": "nessie", "namespace": "dp"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app.kubernetes.io/name": "nessie"}},
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": "nessie"}},
                "spec": {"containers": [{
                    "name": "nessie",
                    "image": "ghcr.io/projectnessie/nessie:0.104.2",
                    "env": [
                        {"name": "NESSIE_VERSION_STORE_TYPE", "value": "JDBC2"},
                        {"name": "QUARKUS_DATASOURCE_POSTGRESQL_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "nessie-db", "key": "password"}}}
                    ]
                }]}
            }
        },
        "status": {"readyReplicas": 0}
    }))]);
    let secrets = if secret_exists {
        vec![from(json!({
            "metadata": {"name": "nessie-db", "namespace": "dp", "labels": {"reconcile.external-secrets.io/managed": "true"}},
            "data": {"password": "eA=="}
        }))]
    } else {
        Vec::new()
    };
    s.secrets = Listing::available(secrets);
    s.external_secrets = Listing::available(vec![from(json!({
        "metadata": {"name": "nessie-db", "namespace": "dp"},
        "spec": {"secretStoreRef": {"name": "onepassword", "kind": "ClusterSecretStore"}, "target": {"name": "nessie-db"}},
        "status": {"conditions": [{"type": "Ready", "status": "False", "reason": "SecretSyncedError"}]}
    }))]);
    s.cluster_secret_stores = Listing::available(vec![from(json!({
        "kind": "ClusterSecretStore",
        "metadata": {"name": "onepassword"},
        "spec": {"provider": {"onepasswordSDK": {"vault": "data-platform"}}},
        "status": {"conditions": [{"type": "Ready", "status": "False", "reason": "InvalidProviderConfig", "message": "token rejected"}]}
    }))]);
    s
}

/// A namespace with one hand-written credential Secret, one failed and one
/// package-downloading SparkApplication, and no quota, limits or network policy.
pub(crate) fn compliance_snapshot() -> Snapshot {
    let mut s = empty();
    s.deployments = Listing::available(vec![from(json!({
        "metadata": {"name": "adhoc", "namespace": "dp"},
        "spec": {
            "selector": {"matchLabels": {"app": "adhoc"}},
            "template": {"metadata": {"labels": {"app": "adhoc"}}, "spec": {"containers": [{"name": "main", "image": "busybox"}]}}
        }
    }))]);
    s.secrets = Listing::available(vec![
        from(
            json!({"metadata": {"name": "db-password", "namespace": "dp"}, "data": {"password": "aHVudGVyMg=="}}),
        ),
        from(
            json!({"metadata": {"name": "tls", "namespace": "dp", "annotations": {"cert-manager.io/certificate-name": "x"}}, "data": {"tls.key": "eA=="}}),
        ),
    ]);
    s.spark_applications = Listing::available(vec![
        from(json!({
            "metadata": {"name": "report", "namespace": "dp"},
            "spec": {"sparkConf": {"spark.sql.adaptive.enabled": "false"}},
            "status": {"applicationState": {"state": "FAILED", "errorMessage": "driver OOMKilled\nstack..."}}
        })),
        from(json!({
            "metadata": {"name": "ingest", "namespace": "dp"},
            "spec": {"sparkConf": {"spark.jars.packages": "org.apache.hadoop:hadoop-aws:3.3.4"}},
            "status": {"applicationState": {"state": "COMPLETED"}}
        })),
    ]);
    s.jobs = Listing::available(vec![from(
        json!({"metadata": {"name": "one-off", "namespace": "dp"}}),
    )]);
    s.resource_quotas = Listing::available(Vec::new());
    s.limit_ranges = Listing::available(Vec::new());
    s.network_policies = Listing::available(Vec::new());
    s.prometheus_rules = Listing {
        items: Vec::new(),
        availability: crate::kube::Availability::NotInstalled,
        undecodable: Vec::new(),
    };
    s
}
