//! Nessie (the Iceberg catalog) and the Postgres that holds its commits.

use crate::findings::{Component, Finding, Severity};
use crate::platform::ownership::secret_source;
use crate::platform::workload;
use crate::snapshot::Snapshot;
use crate::status::report::{ComponentStatus, Detail, state_of};

use super::Section;
use super::pods;
use super::workloads;

pub fn analyse_nessie(snapshot: &Snapshot) -> Section {
    let nessie = workloads::named(snapshot, &["nessie"]);
    let mut findings = Vec::new();
    let mut details = Vec::new();
    let mut parts = Vec::new();
    for w in &nessie {
        parts.push(format!("{} {}", w.name(), w.readiness()));
        if w.ready < w.desired {
            findings.push(pods::not_ready(
                snapshot,
                w,
                "nessie.not-ready",
                Component::Nessie,
                format!(
                    "Nessie {} ready: Iceberg tables cannot be read or committed",
                    w.readiness()
                ),
            ));
        }
        let Some(container) = w.template.spec.as_ref().and_then(|s| s.containers.first()) else {
            continue;
        };
        parts.push(format!(
            "nessie {}",
            workload::image_tag(container.image.as_deref().unwrap_or_default())
        ));
        let store = workload::env_value(container, "NESSIE_VERSION_STORE_TYPE")
            .unwrap_or("IN_MEMORY (default)");
        details.push(Detail {
            label: "version store".into(),
            value: store.to_string(),
        });
        if store.starts_with("IN_MEMORY") {
            findings.push(Finding::new(
                "nessie.in-memory-store",
                Severity::Warning,
                Component::Nessie,
                w.object(),
                "Nessie keeps its commits in memory: every restart loses the catalog",
                "set NESSIE_VERSION_STORE_TYPE=JDBC2 with a Postgres datasource",
            ));
        }
        let password_secret = [
            "QUARKUS_DATASOURCE_POSTGRESQL_PASSWORD",
            "QUARKUS_DATASOURCE_PASSWORD",
        ]
        .iter()
        .find_map(|name| workload::env_secret(container, name));
        let literal_password = [
            "QUARKUS_DATASOURCE_POSTGRESQL_PASSWORD",
            "QUARKUS_DATASOURCE_PASSWORD",
        ]
        .iter()
        .any(|name| workload::env_value(container, name).is_some());
        let credentials = match password_secret {
            Some(secret) => match snapshot.secret(w.namespace(), secret) {
                Some(s) => format!("Secret {secret} ({})", secret_source(s).describe()),
                None if snapshot.secrets.is_available() => format!("Secret {secret} (missing)"),
                None => format!("Secret {secret}"),
            },
            None if literal_password => {
                findings.push(Finding::new(
                    "nessie.password-in-env",
                    Severity::Critical,
                    Component::Nessie,
                    w.object(),
                    "the database password is written into the pod spec as a literal env value",
                    "move it to a Secret synced by an ExternalSecret and use secretKeyRef",
                ));
                "literal env value".into()
            }
            None => "none configured".into(),
        };
        details.push(Detail {
            label: "database credentials".into(),
            value: credentials,
        });
    }
    findings.extend(super::network::findings(snapshot, Component::Nessie));
    let found = !nessie.is_empty();
    Section {
        status: ComponentStatus {
            component: Component::Nessie,
            state: state_of(
                Component::Nessie,
                found,
                &findings,
                &[&snapshot.deployments.availability],
            ),
            summary: if found {
                let mut s = parts.join(", ");
                if let Some(d) = details.iter().find(|d| d.label == "version store") {
                    s.push_str(&format!(", store {}", d.value));
                }
                if let Some(d) = details.iter().find(|d| d.label == "database credentials") {
                    s.push_str(&format!(", credentials from {}", d.value));
                }
                s
            } else {
                "no workload labelled app.kubernetes.io/name=nessie".into()
            },
            details,
        },
        findings,
    }
}

pub fn analyse_postgres(snapshot: &Snapshot) -> Section {
    let postgres = workloads::named(snapshot, &["postgresql", "postgres"]);
    let mut findings = Vec::new();
    let mut parts = Vec::new();
    for w in &postgres {
        parts.push(format!("{} {}", w.name(), w.readiness()));
        if let Some(image) = w
            .template
            .spec
            .as_ref()
            .and_then(|s| s.containers.first())
            .and_then(|c| c.image.as_deref())
        {
            parts.push(format!("postgres {}", workload::image_tag(image)));
        }
        if w.ready < w.desired {
            findings.push(pods::not_ready(
                snapshot,
                w,
                "postgres.not-ready",
                Component::Postgres,
                format!(
                    "Postgres {} ready: Nessie cannot read or write the catalog",
                    w.readiness()
                ),
            ));
        }
    }
    let found = !postgres.is_empty();
    Section {
        status: ComponentStatus {
            component: Component::Postgres,
            state: state_of(
                Component::Postgres,
                found,
                &findings,
                &[&snapshot.stateful_sets.availability],
            ),
            summary: if found {
                parts.join(", ")
            } else {
                "no workload labelled app.kubernetes.io/name=postgresql".into()
            },
            details: Vec::new(),
        },
        findings,
    }
}
