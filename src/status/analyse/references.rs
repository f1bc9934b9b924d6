//! Every key a pod template reads must be there before its pods start: a
//! Secret or ConfigMap key named by `env.valueFrom`, by a volume's or projected
//! source's `items`, and every ConfigMap an `envFrom` or volume names. A missing
//! Secret is `secrets.missing` (with the chain of what should have written it);
//! a missing Trino ConfigMap is `trino.configmap-missing`. Optional references
//! are skipped, as the kubelet skips them.

use k8s_openapi::api::core::v1::{KeyToPath, PodSpec};

use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::platform::workload::all_containers;
use crate::snapshot::Snapshot;

use super::workloads;

/// What a template reads: a key of an object, or a whole ConfigMap.
struct Reference<'a> {
    kind: &'static str,
    name: &'a str,
    /// `None`: the whole object (envFrom, a volume without items).
    key: Option<&'a str>,
    by: String,
}

fn items<'a>(
    out: &mut Vec<Reference<'a>>,
    kind: &'static str,
    name: &'a str,
    list: Option<&'a Vec<KeyToPath>>,
    by: &str,
) {
    match list {
        Some(list) => out.extend(list.iter().map(|i| Reference {
            kind,
            name,
            key: Some(&i.key),
            by: by.to_string(),
        })),
        None => out.push(Reference {
            kind,
            name,
            key: None,
            by: by.to_string(),
        }),
    }
}

/// Every non-optional reference of a pod spec.
fn references(spec: &PodSpec) -> Vec<Reference<'_>> {
    let mut out = Vec::new();
    for c in all_containers(spec) {
        for env in c.env.iter().flatten() {
            let Some(from) = &env.value_from else {
                continue;
            };
            let by = format!("env {} of container {}", env.name, c.name);
            if let Some(r) = from
                .secret_key_ref
                .as_ref()
                .filter(|r| r.optional != Some(true))
            {
                out.push(Reference {
                    kind: "Secret",
                    name: &r.name,
                    key: Some(&r.key),
                    by: by.clone(),
                });
            }
            if let Some(r) = from
                .config_map_key_ref
                .as_ref()
                .filter(|r| r.optional != Some(true))
            {
                out.push(Reference {
                    kind: "ConfigMap",
                    name: &r.name,
                    key: Some(&r.key),
                    by,
                });
            }
        }
        for from in c.env_from.iter().flatten() {
            if let Some(r) = from
                .config_map_ref
                .as_ref()
                .filter(|r| r.optional != Some(true))
            {
                let by = format!("envFrom of container {}", c.name);
                out.push(Reference {
                    kind: "ConfigMap",
                    name: &r.name,
                    key: None,
                    by,
                });
            }
        }
    }
    for v in spec.volumes.iter().flatten() {
        let by = format!("volume {}", v.name);
        if let Some(cm) = v.config_map.as_ref().filter(|c| c.optional != Some(true)) {
            items(&mut out, "ConfigMap", &cm.name, cm.items.as_ref(), &by);
        }
        if let Some(s) = v.secret.as_ref().filter(|s| s.optional != Some(true))
            && let Some(name) = &s.secret_name
            && s.items.is_some()
        {
            items(&mut out, "Secret", name, s.items.as_ref(), &by);
        }
        for source in v.projected.iter().flat_map(|p| p.sources.iter().flatten()) {
            if let Some(cm) = source
                .config_map
                .as_ref()
                .filter(|c| c.optional != Some(true))
            {
                items(&mut out, "ConfigMap", &cm.name, cm.items.as_ref(), &by);
            }
            if let Some(s) = source.secret.as_ref().filter(|s| s.optional != Some(true))
                && s.items.is_some()
            {
                items(&mut out, "Secret", &s.name, s.items.as_ref(), &by);
            }
        }
    }
    out
}

/// Whether a key a template reads will be there.
enum Verdict {
    Holds,
    /// The object is there without the key.
    Lacks,
    /// The Secret is not written yet and the ExternalSecret that writes it
    /// will not write the key: (its name, the keys it writes).
    NotWritten(String, Vec<String>),
    /// Not known (the object is missing: `secrets.missing` says so; or the vault decides).
    Unknown,
}

fn verdict(snapshot: &Snapshot, namespace: &str, kind: &str, name: &str, key: &str) -> Verdict {
    let present = match kind {
        "Secret" => snapshot.secret(namespace, name).map(|s| {
            s.data.as_ref().is_some_and(|d| d.contains_key(key))
                || s.string_data.as_ref().is_some_and(|d| d.contains_key(key))
        }),
        _ => snapshot.config_map(namespace, name).map(|cm| {
            cm.data.as_ref().is_some_and(|d| d.contains_key(key))
                || cm.binary_data.as_ref().is_some_and(|d| d.contains_key(key))
        }),
    };
    match present {
        Some(true) => return Verdict::Holds,
        Some(false) => return Verdict::Lacks,
        None if kind != "Secret" => return Verdict::Unknown,
        None => {}
    }
    let writer = snapshot.external_secrets.items.iter().find(|es| {
        es.metadata.namespace.as_deref() == Some(namespace) && es.target_secret() == name
    });
    let Some((es, keys)) = writer.and_then(|es| Some((es, es.written_keys()?))) else {
        return Verdict::Unknown;
    };
    if keys.contains(key) {
        Verdict::Holds
    } else {
        Verdict::NotWritten(
            es.metadata.name.clone().unwrap_or_default(),
            keys.iter().map(|k| k.to_string()).collect(),
        )
    }
}

/// The keys and ConfigMaps the workloads read that are not there.
pub fn findings(snapshot: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for w in workloads::with_cron_jobs(snapshot) {
        let Some(spec) = w.pod_spec() else {
            continue;
        };
        let ns = w.namespace();
        let mut seen = std::collections::BTreeSet::new();
        for r in references(spec) {
            let readable = match r.kind {
                "Secret" => snapshot.secrets.is_available(),
                _ => snapshot.config_maps.is_available(),
            };
            if !readable || !seen.insert((r.kind, r.name, r.key)) {
                continue;
            }
            let object = ObjectRef::namespaced(r.kind, ns, r.name);
            let finding = match r.key {
                Some(key) => match verdict(snapshot, ns, r.kind, r.name, key) {
                    Verdict::NotWritten(es, keys) => Finding::new(
                        "references.key-missing",
                        Severity::Critical,
                        Component::of_app(w.app_name(), Component::Secrets),
                        object,
                        format!(
                            "{} reads key {key} of Secret {} ({}), which ExternalSecret {es} does not write (its keys: {}): its pods cannot start once it syncs",
                            w.object(),
                            r.name,
                            r.by,
                            if keys.is_empty() {
                                "none".to_string()
                            } else {
                                keys.join(", ")
                            }
                        ),
                        format!(
                            "add a data entry with secretKey: {key} to ExternalSecret {es}, or fix the reference"
                        ),
                    ),
                    Verdict::Lacks => Finding::new(
                        "references.key-missing",
                        Severity::Critical,
                        Component::of_app(w.app_name(), Component::Secrets),
                        object,
                        format!(
                            "{} reads key {key} of {} {} ({}), which has no such key: its pods cannot start",
                            w.object(),
                            r.kind,
                            r.name,
                            r.by
                        ),
                        format!(
                            "add key {key} to {} {} (through its ExternalSecret when it is a credential), or fix the reference",
                            r.kind, r.name
                        ),
                    ),
                    // A missing Secret is secrets.missing (chains.rs), with what should write it.
                    _ => continue,
                },
                None if r.kind == "ConfigMap"
                    && snapshot.config_map(ns, r.name).is_none()
                    && w.app_name() != Some("trino") =>
                {
                    Finding::new(
                        "references.configmap-missing",
                        Severity::Critical,
                        Component::of_app(w.app_name(), Component::Secrets),
                        object,
                        format!(
                            "{} reads ConfigMap {} ({}), which does not exist: its pods cannot start",
                            w.object(),
                            r.name,
                            r.by
                        ),
                        format!(
                            "create ConfigMap {} in namespace {ns}, or mark the reference optional",
                            r.name
                        ),
                    )
                }
                None => continue,
            };
            out.push(finding);
        }
    }
    out.extend(store_findings(snapshot));
    out
}

/// Every ExternalSecret's store must exist: the controller cannot sync one
/// whose SecretStore or ClusterSecretStore is not there.
fn store_findings(snapshot: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for es in &snapshot.external_secrets.items {
        let ns = es.metadata.namespace.as_deref().unwrap_or_default();
        let store = &es.spec.secret_store_ref.name;
        let (stores, exists) = match es.store_kind() {
            "ClusterSecretStore" => (
                &snapshot.cluster_secret_stores,
                snapshot
                    .cluster_secret_stores
                    .items
                    .iter()
                    .any(|s| s.metadata.name.as_deref() == Some(store)),
            ),
            _ => (
                &snapshot.secret_stores,
                snapshot.secret_stores.items.iter().any(|s| {
                    s.metadata.name.as_deref() == Some(store)
                        && s.metadata.namespace.as_deref() == Some(ns)
                }),
            ),
        };
        if exists || !stores.is_available() || !snapshot.covers(ns) {
            continue;
        }
        let kind = es.store_kind();
        out.push(Finding::new(
            "references.secret-store-missing",
            Severity::Critical,
            Component::Secrets,
            ObjectRef::from_meta("ExternalSecret", &es.metadata),
            format!(
                "reads from {kind} {store}, which does not exist: Secret {} is never written",
                es.target_secret()
            ),
            format!("create {kind} {store}, or point secretStoreRef at a store that exists (kubectl get {}s -A)", kind.to_lowercase()),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{codes, nessie_chain_snapshot};
    use super::*;
    use crate::kube::Listing;

    #[test]
    fn keys_read_through_env_and_volume_items_must_exist() {
        let mut s = nessie_chain_snapshot(true);
        // The Secret exists but holds `password`; the template also reads `user`
        // through a volume item and a ConfigMap that is not there through envFrom.
        let spec = s.deployments.items[0]
            .spec
            .as_mut()
            .unwrap()
            .template
            .spec
            .as_mut()
            .unwrap();
        spec.volumes = Some(vec![serde_json::from_value(serde_json::json!({
            "name": "creds", "secret": {"secretName": "nessie-db", "items": [{"key": "user", "path": "user"}]}
        }))
        .unwrap()]);
        spec.containers[0].env_from = Some(vec![
            serde_json::from_value(serde_json::json!({
                "configMapRef": {"name": "nessie-settings"}
            }))
            .unwrap(),
        ]);
        s.config_maps = Listing::available(Vec::new());
        let found = findings(&s);
        assert_eq!(
            codes(&found),
            ["references.configmap-missing", "references.key-missing"],
            "{found:#?}"
        );
        assert!(
            found[1]
                .message
                .contains("reads key user of Secret nessie-db (volume creds)"),
            "{}",
            found[1].message
        );
        // Optional references are not required.
        let spec = s.deployments.items[0]
            .spec
            .as_mut()
            .unwrap()
            .template
            .spec
            .as_mut()
            .unwrap();
        spec.containers[0].env_from = Some(vec![
            serde_json::from_value(serde_json::json!({
                "configMapRef": {"name": "nessie-settings", "optional": true}
            }))
            .unwrap(),
        ]);
        assert_eq!(codes(&findings(&s)), ["references.key-missing"]);
    }

    #[test]
    fn keys_of_a_secret_not_written_yet_come_from_its_external_secret() {
        let mut s = nessie_chain_snapshot(false);
        let es = &mut s.external_secrets.items[0];
        es.spec.data =
            serde_json::from_value(serde_json::json!([{"secretKey": "pasword"}])).unwrap();
        let found = findings(&s);
        assert_eq!(codes(&found), ["references.key-missing"], "{found:#?}");
        assert!(
            found[0]
                .message
                .contains("which ExternalSecret nessie-db does not write (its keys: pasword)"),
            "{}",
            found[0].message
        );
        // The right key, a template that writes it, or keys the vault decides: nothing.
        let es = &mut s.external_secrets.items[0];
        es.spec.data =
            serde_json::from_value(serde_json::json!([{"secretKey": "password"}])).unwrap();
        assert!(findings(&s).is_empty());
        let es = &mut s.external_secrets.items[0];
        es.spec.data = serde_json::from_value(serde_json::json!([{"secretKey": "pw"}])).unwrap();
        es.spec.target.template = Some(serde_json::json!({"data": {"password": "{{ .pw }}"}}));
        assert!(findings(&s).is_empty());
        let es = &mut s.external_secrets.items[0];
        es.spec.target.template = Some(serde_json::json!({"data": {"url": "{{ .pw }}"}}));
        assert_eq!(codes(&findings(&s)), ["references.key-missing"]);
        let es = &mut s.external_secrets.items[0];
        es.spec.data_from = vec![serde_json::json!({"extract": {"key": "nessie"}})];
        assert!(findings(&s).is_empty());
    }

    #[test]
    fn an_external_secret_needs_its_store() {
        let mut s = nessie_chain_snapshot(true);
        assert!(findings(&s).is_empty());
        s.external_secrets.items[0].spec.secret_store_ref.name = "1password".into();
        let found = findings(&s);
        assert_eq!(codes(&found), ["references.secret-store-missing"]);
        assert!(
            found[0]
                .message
                .contains("ClusterSecretStore 1password, which does not exist")
        );
        // A namespaced store is looked up in the ExternalSecret's namespace.
        s.external_secrets.items[0].spec.secret_store_ref.kind = None;
        s.external_secrets.items[0].spec.secret_store_ref.name = "onepassword".into();
        assert_eq!(codes(&findings(&s)), ["references.secret-store-missing"]);
        // Stores that could not be listed: not judged.
        s.secret_stores.availability = crate::kube::Availability::Forbidden("no".into());
        assert!(findings(&s).is_empty());
    }
}
