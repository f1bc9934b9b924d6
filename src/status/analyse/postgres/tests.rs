//! Postgres read as the official image and Bitnami's chart configure it.

use serde_json::{Value, json};

use super::*;
use crate::kube::Listing;

fn from<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("fixture")
}

/// A StatefulSet with `image`, `env`, `volumes`/`mounts`, and Secret `nessie-db`
/// with `keys`.
fn snapshot(image: &str, env: Value, volumes: Value, mounts: Value, keys: &[&str]) -> Snapshot {
    let mut s = Snapshot {
        scope: Some(crate::kube::Scope::Namespace("dp".into())),
        ..Snapshot::default()
    };
    s.stateful_sets = Listing::available(vec![from(json!({
        "metadata": {"name": "postgres-postgresql", "namespace": "dp"},
        "spec": {
            "replicas": 1,
            "serviceName": "postgres-postgresql-hl",
            "selector": {"matchLabels": {"app.kubernetes.io/name": "postgresql"}},
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": "postgresql"}},
                "spec": {
                    "containers": [{"name": "postgresql", "image": image, "env": env, "volumeMounts": mounts}],
                    "volumes": volumes
                }
            }
        },
        "status": {"readyReplicas": 1}
    }))]);
    let data: serde_json::Map<String, Value> =
        keys.iter().map(|k| (k.to_string(), json!(""))).collect();
    s.secrets = Listing::available(vec![from(json!({
        "metadata": {"name": "nessie-db", "namespace": "dp", "labels": {"reconcile.external-secrets.io/managed": "true"}},
        "data": data
    }))]);
    s
}

const BITNAMI: &str = "docker.io/bitnami/postgresql:17.6.0-debian-12-r4";

/// What the chart renders for auth.existingSecret=nessie-db,
/// auth.secretKeys.userPasswordKey=`key` (usePasswordFiles: true, the default).
fn bitnami_files(key: &str, keys: &[&str]) -> Snapshot {
    snapshot(
        BITNAMI,
        json!([
            {"name": "POSTGRES_USER", "value": "nessie"},
            {"name": "POSTGRES_PASSWORD_FILE", "value": format!("/opt/bitnami/postgresql/secrets/{key}")},
            {"name": "POSTGRES_POSTGRES_PASSWORD_FILE", "value": "/opt/bitnami/postgresql/secrets/postgres-password"},
            {"name": "POSTGRES_DATABASE", "value": "nessie"}
        ]),
        json!([{"name": "postgresql-password", "secret": {"secretName": "nessie-db"}}]),
        json!([{"name": "postgresql-password", "mountPath": "/opt/bitnami/postgresql/secrets/"}]),
        keys,
    )
}

fn codes(section: &Section) -> Vec<&'static str> {
    section.findings.iter().map(|f| f.code).collect()
}

#[test]
fn bitnami_password_files_from_an_existing_secret() {
    let section = analyse_postgres(&bitnami_files(
        "password",
        &["password", "postgres-password"],
    ));
    assert_eq!(codes(&section), Vec::<&str>::new());
    assert_eq!(
        section.status.summary,
        "postgres-postgresql 1/1, postgres 17.6.0-debian-12-r4, database nessie, user nessie, credentials from Secret nessie-db (External Secrets, mounted as files), settings from env (Bitnami image)"
    );
}

#[test]
fn a_key_name_the_secret_lacks_is_critical() {
    // auth.secretKeys.userPasswordKey names a key the Secret does not have.
    let section = analyse_postgres(&bitnami_files("pw", &["password", "postgres-password"]));
    assert_eq!(codes(&section), ["postgres.password-file-missing"]);
    assert_eq!(
        section.findings[0].message,
        "POSTGRES_PASSWORD_FILE=/opt/bitnami/postgresql/secrets/pw, but Secret nessie-db mounted at /opt/bitnami/postgresql/secrets has no key pw (it has password, postgres-password): Postgres finds no password and exits at start"
    );
    // Both keys missing: one finding each.
    let section = analyse_postgres(&bitnami_files("pw", &["password"]));
    assert_eq!(
        codes(&section),
        [
            "postgres.password-file-missing",
            "postgres.password-file-missing"
        ]
    );
}

#[test]
fn bitnami_env_from_the_secret_and_the_official_image() {
    // usePasswordFiles: false
    let env = json!([
        {"name": "POSTGRES_USER", "value": "nessie"},
        {"name": "POSTGRES_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "nessie-db", "key": "password"}}},
        {"name": "POSTGRES_POSTGRES_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "nessie-db", "key": "postgres-password"}}},
        {"name": "POSTGRES_DATABASE", "value": "nessie"}
    ]);
    let section = analyse_postgres(&snapshot(BITNAMI, env, json!([]), json!([]), &["password"]));
    assert_eq!(codes(&section), Vec::<&str>::new());
    assert!(
        section
            .status
            .summary
            .contains("credentials from Secret nessie-db (External Secrets), settings")
    );
    // The official image, as examples/platform runs it.
    let env = json!([
        {"name": "POSTGRES_DB", "value": "nessie"},
        {"name": "POSTGRES_USER", "valueFrom": {"secretKeyRef": {"name": "nessie-db", "key": "username"}}},
        {"name": "POSTGRES_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "nessie-db", "key": "password"}}}
    ]);
    let section = analyse_postgres(&snapshot(
        "postgres:16.9",
        env,
        json!([]),
        json!([]),
        &["password"],
    ));
    assert_eq!(
        section.status.summary,
        "postgres-postgresql 1/1, postgres 16.9, database nessie, user and credentials from Secret nessie-db (External Secrets), settings from env"
    );
}

#[test]
fn a_literal_password_or_one_in_a_configmap_is_critical_and_never_printed() {
    let env = json!([{"name": "POSTGRESQL_PASSWORD", "value": "hunter2"}]);
    let section = analyse_postgres(&snapshot(BITNAMI, env, json!([]), json!([]), &[]));
    assert_eq!(codes(&section), ["postgres.password-in-env"]);
    assert!(!section.findings[0].message.contains("hunter2"));
    assert!(
        section
            .status
            .summary
            .contains("credentials from literal env value")
    );
    let env = json!([{"name": "POSTGRES_PASSWORD", "valueFrom": {"configMapKeyRef": {"name": "pg", "key": "pw"}}}]);
    let section = analyse_postgres(&snapshot(BITNAMI, env, json!([]), json!([]), &[]));
    assert_eq!(codes(&section), ["postgres.password-in-configmap"]);
    // No password at all (trust auth): said, not judged.
    let section = analyse_postgres(&snapshot(BITNAMI, json!([]), json!([]), json!([]), &[]));
    assert_eq!(codes(&section), Vec::<&str>::new());
    assert!(
        section
            .status
            .summary
            .contains("user postgres, no password set")
    );
}

#[test]
fn a_secret_the_chart_generated_is_not_called_hand_written() {
    // No auth.existingSecret: Bitnami's chart writes Secret <release>-postgresql.
    let mut s = bitnami_files("password", &["password", "postgres-password"]);
    s.secrets.items[0].metadata.labels = Some(
        [(
            "app.kubernetes.io/managed-by".to_string(),
            "Helm".to_string(),
        )]
        .into(),
    );
    let section = analyse_postgres(&s);
    assert!(
        section.status.summary.contains(
            "credentials from Secret nessie-db (generated by its Helm chart, mounted as files)"
        ),
        "{}",
        section.status.summary
    );
}
