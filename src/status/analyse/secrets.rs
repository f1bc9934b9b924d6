//! External Secrets and the credentials in the platform namespaces.

use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::platform::crds::readiness;
use crate::platform::ownership::{SecretSource, credential_keys, secret_source};
use crate::snapshot::Snapshot;
use crate::status::report::{ComponentStatus, state_of};

use super::Section;

pub(crate) fn analyse(snapshot: &Snapshot) -> Section {
    let mut findings = Vec::new();
    let (stores_ready, store_count) = check_stores(snapshot, &mut findings);
    check_refresh_intervals(snapshot, &mut findings);
    let synced = check_external_secrets(snapshot, &mut findings);
    let hand_written = check_hand_written(snapshot, &mut findings);
    let found = store_count > 0
        || !snapshot.external_secrets.items.is_empty()
        || !snapshot.secrets.items.is_empty();
    // Stores that could not be listed are not counted as none (coverage names them).
    let stores = if super::coverage::unchecked(snapshot, Component::Secrets)
        .contains(&"clustersecretstores")
    {
        format!("{stores_ready}/{store_count} SecretStores ready (ClusterSecretStores not checked)")
    } else {
        format!("{stores_ready}/{store_count} stores ready")
    };
    let hand_written = crate::render::count(
        hand_written,
        "hand-written credential secret",
        "hand-written credential secrets",
    );
    let summary = format!(
        "{synced}/{} external secrets synced, {stores}, {hand_written}",
        snapshot.external_secrets.items.len()
    );
    let reads = [
        &snapshot.external_secrets.availability,
        &snapshot.secrets.availability,
    ];
    Section {
        status: ComponentStatus {
            component: Component::Secrets,
            state: state_of(Component::Secrets, found, &findings, &reads),
            summary: if snapshot.external_secrets.availability
                == crate::kube::Availability::NotInstalled
            {
                format!("External Secrets CRDs not installed; {hand_written}")
            } else {
                summary
            },
            details: Vec::new(),
        },
        findings,
    }
}

/// `secrets.store-not-ready` per store that is not Ready; returns (ready, checked).
/// A ClusterSecretStore counts only when this scope's ExternalSecrets use it.
fn check_stores(snapshot: &Snapshot, findings: &mut Vec<Finding>) -> (usize, usize) {
    // A ClusterSecretStore matters to a namespace only when its ExternalSecrets use it.
    let all_namespaces = matches!(snapshot.scope, Some(crate::kube::Scope::All));
    let used_cluster_store = |name: &str| {
        snapshot.external_secrets.items.iter().any(|es| {
            es.store_kind() == "ClusterSecretStore" && es.spec.secret_store_ref.name == name
        })
    };
    let cluster_stores = snapshot.cluster_secret_stores.items.iter().filter(|s| {
        all_namespaces || used_cluster_store(s.metadata.name.as_deref().unwrap_or_default())
    });
    let stores = snapshot.secret_stores.items.iter().chain(cluster_stores);
    let mut stores_ready = 0;
    let mut store_count = 0;
    for store in stores {
        store_count += 1;
        let kind = if store.metadata.namespace.is_some() {
            "SecretStore"
        } else {
            "ClusterSecretStore"
        };
        let (ready, why) = readiness(&store.status.conditions);
        if ready {
            stores_ready += 1;
        } else {
            findings.push(Finding::new(
                "secrets.store-not-ready",
                Severity::Critical,
                Component::Secrets,
                ObjectRef::from_meta(kind, &store.metadata),
                format!(
                    "{kind} ({}) is not Ready: {}",
                    store.provider().unwrap_or_else(|| "no provider".into()),
                    why.unwrap_or_default()
                ),
                "check the provider credentials (for 1Password: the Connect token or service-account Secret) and the operator logs",
            ));
        }
    }
    (stores_ready, store_count)
}

/// `secrets.external-secret-invalid` per ExternalSecret whose `refreshInterval`
/// Go cannot parse: the controller decodes it into a `metav1.Duration`
/// (`time.ParseDuration`), so the object never decodes and is never synced;
/// the API server's schema (a string) lets it in.
fn check_refresh_intervals(snapshot: &Snapshot, findings: &mut Vec<Finding>) {
    for es in &snapshot.external_secrets.items {
        let Some(interval) = &es.spec.refresh_interval else {
            continue;
        };
        let Some(error) = crate::platform::go_duration::problem(interval) else {
            continue;
        };
        findings.push(
            Finding::new(
                "secrets.external-secret-invalid",
                Severity::Critical,
                Component::Secrets,
                ObjectRef::from_meta("ExternalSecret", &es.metadata),
                format!(
                    "refreshInterval {interval:?} is not a Go duration ({error}): the External Secrets controller cannot decode the ExternalSecret, so Secret {} is never written or refreshed",
                    es.spec
                        .target
                        .name
                        .as_deref()
                        .or(es.metadata.name.as_deref())
                        .unwrap_or_default()
                ),
                "write refreshInterval as a Go duration: whole or decimal numbers with h, m, s, ms, us or ns (24h, not 1d; 1h, not 1hour), or 0 to sync once",
            )
            .with_field(crate::findings::FieldRef::at(&["spec", "refreshInterval"])),
        );
    }
}

/// `secrets.external-secret-not-synced` per ExternalSecret not Ready; returns how many are.
fn check_external_secrets(snapshot: &Snapshot, findings: &mut Vec<Finding>) -> usize {
    let mut synced = 0;
    for es in &snapshot.external_secrets.items {
        let (ready, why) = readiness(&es.status.conditions);
        if ready {
            synced += 1;
            continue;
        }
        findings.push(Finding::new(
            "secrets.external-secret-not-synced",
            Severity::Critical,
            Component::Secrets,
            ObjectRef::from_meta("ExternalSecret", &es.metadata),
            format!(
                "not synced from {} {}: {}",
                es.store_kind(),
                es.spec.secret_store_ref.name,
                why.unwrap_or_default()
            ),
            format!(
                "kubectl describe externalsecret {} -n {}; check the item exists in the vault",
                es.metadata.name.as_deref().unwrap_or_default(),
                es.metadata.namespace.as_deref().unwrap_or_default()
            ),
        ));
    }
    synced
}

/// `secrets.hand-written` per credential Secret no controller manages; returns how many.
fn check_hand_written(snapshot: &Snapshot, findings: &mut Vec<Finding>) -> usize {
    let mut hand_written = 0;
    for secret in &snapshot.secrets.items {
        if secret_source(secret) != SecretSource::HandWritten {
            continue;
        }
        let keys = credential_keys(secret);
        if keys.is_empty() {
            continue;
        }
        hand_written += 1;
        let name = secret.metadata.name.as_deref().unwrap_or_default();
        // The first credential's key; a key written under stringData is found
        // there by the locator.
        let field = crate::findings::FieldRef::at(&["data", keys[0].as_str()]);
        // A chart's generated password (Bitnami's) is not written by hand, but
        // it is no vault's either, and Helm's release record holds it too.
        let (made, fix) = if super::env::generated_by_helm(secret) {
            (
                " generated by its Helm chart (Helm's release record holds them too), but is",
                format!(
                    "give the chart an existing Secret (auth.existingSecret for Bitnami's charts) that an ExternalSecret writes from 1Password, instead of Secret {name}; then rotate it"
                ),
            )
        } else {
            (
                " but is",
                format!(
                    "move the value to 1Password and replace Secret {name} with an ExternalSecret of the same target name; then rotate it"
                ),
            )
        };
        findings.push(Finding::new(
            "secrets.hand-written",
            Severity::Critical,
            Component::Secrets,
            ObjectRef::from_meta("Secret", &secret.metadata),
            // Key names only: a value is never printed.
            format!("holds credentials ({}){made} not managed by External Secrets, the bucket provisioner or a service account", keys.join(", ")),
            fix,
        ).with_field(field));
    }
    hand_written
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::Listing;

    #[test]
    fn a_charts_generated_password_is_named_as_such_and_still_critical() {
        let secret = |name: &str, labels: serde_json::Value| {
            serde_json::from_value(serde_json::json!({
                "metadata": {"name": name, "namespace": "dp", "labels": labels},
                "data": {"postgres-password": ""}
            }))
            .unwrap()
        };
        let snapshot = Snapshot {
            secrets: Listing::available(vec![
                secret(
                    "postgres-postgresql",
                    serde_json::json!({"app.kubernetes.io/managed-by": "Helm"}),
                ),
                secret("by-hand", serde_json::json!({})),
            ]),
            ..Snapshot::default()
        };
        let section = analyse(&snapshot);
        let found: Vec<(&str, Severity, &str, &str)> = section
            .findings
            .iter()
            .map(|f| {
                (
                    f.object.name.as_str(),
                    f.severity,
                    f.message.as_str(),
                    f.hint.as_str(),
                )
            })
            .collect();
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(
            found[0].2,
            "holds credentials (postgres-password) generated by its Helm chart (Helm's release record holds them too), but is not managed by External Secrets, the bucket provisioner or a service account"
        );
        assert!(found[0].3.contains("auth.existingSecret"), "{}", found[0].3);
        assert_eq!(
            found[1].2,
            "holds credentials (postgres-password) but is not managed by External Secrets, the bucket provisioner or a service account"
        );
        assert!(found.iter().all(|f| f.1 == Severity::Critical));
    }
}
