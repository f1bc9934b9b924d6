//! External Secrets and the credentials in the platform namespaces.

use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::platform::crds::readiness;
use crate::platform::ownership::{SecretSource, credential_keys, secret_source};
use crate::snapshot::Snapshot;
use crate::status::report::{ComponentStatus, state_of};

use super::Section;

pub fn analyse(snapshot: &Snapshot) -> Section {
    let mut findings = Vec::new();
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
        // by its object instead.
        let field = crate::findings::FieldRef::at(&["data", keys[0].as_str()]);
        findings.push(Finding::new(
            "secrets.hand-written",
            Severity::Critical,
            Component::Secrets,
            ObjectRef::from_meta("Secret", &secret.metadata),
            // Key names only: a value is never printed.
            format!("holds credentials ({}) but is not managed by External Secrets, the bucket provisioner or a service account", keys.join(", ")),
            format!("move the value to 1Password and replace Secret {name} with an ExternalSecret of the same target name; then rotate it"),
        ).with_field(field));
    }
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
