//! Nessie read the three ways it is configured: the chart's ConfigMap plus
//! env from a Secret, env alone, and both at once.

use serde_json::{Value, json};

use super::*;
use crate::findings::Finding;
use crate::kube::Listing;

fn from<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("fixture")
}

/// A Nessie Deployment as the chart renders it (ConfigMap `nessie` mounted as
/// `/deployments/config/application.properties`), with `env`, the ConfigMap
/// holding `properties` (`None`: no ConfigMap) and Secret `nessie-db`.
fn snapshot(properties: Option<&str>, env: Value) -> Snapshot {
    let mut s = Snapshot {
        scope: Some(crate::kube::Scope::Namespace("dp".into())),
        ..Snapshot::default()
    };
    s.deployments = Listing::available(vec![from(json!({
        "metadata": {"name": "nessie", "namespace": "dp"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app.kubernetes.io/name": "nessie"}},
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": "nessie"}},
                "spec": {
                    "containers": [{
                        "name": "nessie",
                        "image": "ghcr.io/projectnessie/nessie:0.108.4",
                        "env": env,
                        "volumeMounts": [{"name": "nessie-config", "mountPath": "/deployments/config/application.properties", "subPath": "application.properties", "readOnly": true}]
                    }],
                    "volumes": [{"name": "nessie-config", "configMap": {"name": "nessie"}}]
                }
            }
        },
        "status": {"readyReplicas": 1}
    }))]);
    s.config_maps = Listing::available(
        properties
            .map(|p| {
                from(json!({
                    "metadata": {"name": "nessie", "namespace": "dp"},
                    "data": {"application.properties": p}
                }))
            })
            .into_iter()
            .collect(),
    );
    s.secrets = Listing::available(vec![from(json!({
        "metadata": {"name": "nessie-db", "namespace": "dp", "labels": {"reconcile.external-secrets.io/managed": "true"}},
        "data": {"username": "", "password": ""}
    }))]);
    s
}

/// What the chart writes for `versionStoreType: JDBC2` (abridged: the keys that matter).
const CHART_JDBC2: &str = "nessie.version.store.persist.jdbc.datasource=postgresql\nnessie.version.store.type=JDBC2\nquarkus.datasource.postgresql.jdbc.url=jdbc:postgresql://postgres-postgresql:5432/nessie?currentSchema=nessie\nquarkus.http.port=19120\n";

fn chart_env() -> Value {
    json!([
        {"name": "quarkus.datasource.postgresql.username", "valueFrom": {"secretKeyRef": {"name": "nessie-db", "key": "username"}}},
        {"name": "quarkus.datasource.postgresql.password", "valueFrom": {"secretKeyRef": {"name": "nessie-db", "key": "password"}}}
    ])
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code).collect()
}

#[test]
fn the_charts_standard_install_is_healthy_and_says_where_its_settings_are() {
    let s = snapshot(Some(CHART_JDBC2), chart_env());
    let section = analyse_nessie(&s);
    assert_eq!(codes(&section.findings), Vec::<&str>::new());
    assert_eq!(
        section.status.summary,
        "nessie 1/1, nessie 0.108.4, store JDBC2, credentials from Secret nessie-db (External Secrets), settings from ConfigMap nessie (application.properties) and env"
    );
    let detail = |label: &str| {
        section
            .status
            .details
            .iter()
            .find(|d| d.label == label)
            .map(|d| d.value.clone())
    };
    assert_eq!(
        detail("version store").as_deref(),
        Some("JDBC2 (ConfigMap nessie (application.properties line 2))")
    );
    // The query string can carry a password: it is left out.
    assert_eq!(
        detail("database").as_deref(),
        Some("jdbc:postgresql://postgres-postgresql:5432/nessie")
    );
}

#[test]
fn env_alone_as_hand_written_manifests_set_it() {
    let env = json!([
        {"name": "NESSIE_VERSION_STORE_TYPE", "value": "JDBC2"},
        {"name": "NESSIE_VERSION_STORE_PERSIST_JDBC_DATASOURCE", "value": "postgresql"},
        {"name": "QUARKUS_DATASOURCE_POSTGRESQL_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "nessie-db", "key": "password"}}}
    ]);
    let section = analyse_nessie(&snapshot(None, env));
    assert_eq!(codes(&section.findings), Vec::<&str>::new());
    assert!(
        section.status.summary.ends_with(
            "store JDBC2, credentials from Secret nessie-db (External Secrets), settings from env"
        ),
        "{}",
        section.status.summary
    );
}

#[test]
fn env_overrides_the_charts_default_in_memory_file() {
    // The chart's default values render IN_MEMORY; an env var set through
    // extraEnv wins (env vars rank above application.properties).
    let file = "nessie.version.store.type=IN_MEMORY\nquarkus.http.port=19120\n";
    let mut env = chart_env();
    env.as_array_mut().unwrap().extend([
        json!({"name": "NESSIE_VERSION_STORE_TYPE", "value": "JDBC2"}),
        json!({"name": "NESSIE_VERSION_STORE_PERSIST_JDBC_DATASOURCE", "value": "postgresql"}),
    ]);
    let section = analyse_nessie(&snapshot(Some(file), env));
    assert_eq!(codes(&section.findings), Vec::<&str>::new());
    assert!(section.status.summary.contains("store JDBC2"));
}

#[test]
fn in_memory_names_what_set_it() {
    let file = "nessie.version.store.type=IN_MEMORY\n";
    let section = analyse_nessie(&snapshot(Some(file), json!([])));
    assert_eq!(codes(&section.findings), ["nessie.in-memory-store"]);
    assert_eq!(
        section.findings[0].message,
        "Nessie keeps its commits in memory (nessie.version.store.type=IN_MEMORY in ConfigMap nessie (application.properties line 1)): every restart loses the catalog"
    );
    // No database: no credentials to speak of.
    assert!(!section.status.summary.contains("credentials"));
    let section = analyse_nessie(&snapshot(None, json!([])));
    assert_eq!(
        section.findings[0].message,
        "Nessie keeps its commits in memory (nothing sets nessie.version.store.type, and IN_MEMORY is the default): every restart loses the catalog"
    );
    assert!(
        section
            .status
            .summary
            .ends_with("store IN_MEMORY, settings from the image's defaults")
    );
}

#[test]
fn a_store_set_in_a_file_that_is_not_read_is_no_finding() {
    // application.properties from a Secret: its contents are never read, so
    // the store is not known and nothing is claimed about it.
    let mut s = snapshot(None, json!([]));
    let deployment = &mut s.deployments.items[0];
    let spec = deployment
        .spec
        .as_mut()
        .unwrap()
        .template
        .spec
        .as_mut()
        .unwrap();
    spec.volumes = Some(vec![from(
        json!({"name": "nessie-config", "secret": {"secretName": "nessie-db"}}),
    )]);
    s.secrets.items[0].data.as_mut().unwrap().insert(
        "application.properties".into(),
        k8s_openapi::ByteString(Vec::new()),
    );
    let section = analyse_nessie(&s);
    assert_eq!(codes(&section.findings), Vec::<&str>::new());
    assert!(
        section.status.summary.contains(
            "store not known, settings from /deployments/config/application.properties (not read)"
        ),
        "{}",
        section.status.summary
    );
}

#[test]
fn a_password_in_the_configmap_or_the_pod_spec_is_critical() {
    let file = format!("{CHART_JDBC2}quarkus.datasource.postgresql.password=hunter2\n");
    let section = analyse_nessie(&snapshot(Some(&file), json!([])));
    assert_eq!(codes(&section.findings), ["nessie.password-in-configmap"]);
    assert!(
        section.findings[0]
            .message
            .contains("ConfigMap nessie (application.properties line 5)"),
        "{}",
        section.findings[0].message
    );
    assert!(!section.findings[0].message.contains("hunter2"));
    let env = json!([{"name": "quarkus.datasource.postgresql.password", "value": "hunter2"}]);
    let section = analyse_nessie(&snapshot(Some(CHART_JDBC2), env));
    assert_eq!(codes(&section.findings), ["nessie.password-in-env"]);
    assert!(!section.findings[0].message.contains("hunter2"));
    // Hidden by an env var from the Secret (env wins), still written down.
    let file = format!("{CHART_JDBC2}quarkus.datasource.postgresql.password=changeme\n");
    let section = analyse_nessie(&snapshot(Some(&file), chart_env()));
    assert_eq!(codes(&section.findings), ["nessie.password-in-configmap"]);
    assert!(
        section
            .status
            .summary
            .contains("credentials from Secret nessie-db (External Secrets)"),
        "{}",
        section.status.summary
    );
    // The file names an env var that a Secret fills: fine.
    let file = format!("{CHART_JDBC2}quarkus.datasource.postgresql.password=${{DB_PASSWORD}}\n");
    let env = json!([{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "nessie-db", "key": "password"}}}]);
    let section = analyse_nessie(&snapshot(Some(&file), env));
    assert_eq!(codes(&section.findings), Vec::<&str>::new());
    assert!(
        section
            .status
            .summary
            .contains("credentials from Secret nessie-db")
    );
}

#[test]
fn the_unnamed_datasource_and_other_stores() {
    // No datasource named: Nessie uses the unnamed (default) one.
    let env = json!([
        {"name": "NESSIE_VERSION_STORE_TYPE", "value": "JDBC"},
        {"name": "QUARKUS_DATASOURCE_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "nessie-db", "key": "password"}}}
    ]);
    let section = analyse_nessie(&snapshot(None, env));
    assert!(
        section
            .status
            .summary
            .contains("store JDBC, credentials from Secret nessie-db")
    );
    // A JDBC store without any password says so.
    let env = json!([{"name": "NESSIE_VERSION_STORE_TYPE", "value": "JDBC2"}]);
    let section = analyse_nessie(&snapshot(None, env));
    assert!(
        section
            .status
            .summary
            .contains("credentials from none configured")
    );
    // RocksDB: persistent, no database credentials.
    let section = analyse_nessie(&snapshot(
        Some("nessie.version.store.type=ROCKSDB\n"),
        json!([]),
    ));
    assert_eq!(codes(&section.findings), Vec::<&str>::new());
    assert!(!section.status.summary.contains("credentials"));
}

#[test]
fn the_jdbc_url_for_the_network_rules_comes_from_either_place() {
    let s = snapshot(Some(CHART_JDBC2), chart_env());
    let w = &workloads::named(&s, &["nessie"])[0];
    assert_eq!(
        jdbc_url(&s, w).as_deref(),
        Some("jdbc:postgresql://postgres-postgresql:5432/nessie?currentSchema=nessie")
    );
}

#[test]
fn literals_nessie_judges_are_not_repeated_as_literal_secrets() {
    // The chart writes its cache-invalidation token into the ConfigMap: chart
    // configuration, no secret. A password beside it is Nessie's own finding.
    let file = format!(
        "{CHART_JDBC2}nessie.version.store.persist.cache-invalidations.valid-tokens=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c\nquarkus.datasource.postgresql.password=hunter2\n"
    );
    let s = snapshot(Some(&file), chart_env());
    assert_eq!(
        codes(&analyse_nessie(&s).findings),
        ["nessie.password-in-configmap"]
    );
    assert_eq!(
        codes(&super::super::literals::findings(&s)),
        Vec::<&str>::new()
    );
    // In memory, the password is no store credential Nessie judges: it is a
    // literal secret still; the token never is.
    let file = file.replace("JDBC2", "IN_MEMORY");
    let s = snapshot(Some(&file), chart_env());
    let literals = super::super::literals::findings(&s);
    assert_eq!(codes(&literals), ["security.literal-secret"]);
    assert!(
        literals[0]
            .message
            .starts_with("application.properties line 6: quarkus.datasource.postgresql.password"),
        "{}",
        literals[0].message
    );
}

#[test]
fn a_store_nessie_does_not_have_stops_it_and_spellings_smallrye_reads_are_judged() {
    // "postgres" is no VersionStoreType: Nessie fails at start-up.
    let env = json!([{"name": "NESSIE_VERSION_STORE_TYPE", "value": "postgres"}]);
    let section = analyse_nessie(&snapshot(None, env));
    assert_eq!(codes(&section.findings), ["nessie.config-invalid-value"]);
    assert!(
        section.findings[0]
            .message
            .starts_with("nessie.version.store.type=postgres in env NESSIE_VERSION_STORE_TYPE"),
        "{}",
        section.findings[0].message
    );
    // SmallRye Config reads "in-memory" as IN_MEMORY: the in-memory warning, not an unknown store.
    let file = "nessie.version.store.type=in-memory\n";
    let section = analyse_nessie(&snapshot(Some(file), json!([])));
    assert_eq!(codes(&section.findings), ["nessie.in-memory-store"]);
    // Every type Nessie has is accepted, in either case.
    for store in ["ROCKSDB", "jdbc2", "Mongodb2", "BIGTABLE"] {
        let env = json!([{"name": "NESSIE_VERSION_STORE_TYPE", "value": store}]);
        let section = analyse_nessie(&snapshot(None, env));
        assert!(
            !codes(&section.findings).contains(&"nessie.config-invalid-value"),
            "{store}"
        );
    }
}
