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

/// Whether the object holds the key: `None` when the object itself is not there.
fn holds(snapshot: &Snapshot, namespace: &str, kind: &str, name: &str, key: &str) -> Option<bool> {
    match kind {
        "Secret" => snapshot.secret(namespace, name).map(|s| {
            s.data.as_ref().is_some_and(|d| d.contains_key(key))
                || s.string_data.as_ref().is_some_and(|d| d.contains_key(key))
        }),
        _ => snapshot.config_map(namespace, name).map(|cm| {
            cm.data.as_ref().is_some_and(|d| d.contains_key(key))
                || cm.binary_data.as_ref().is_some_and(|d| d.contains_key(key))
        }),
    }
}

fn component_of(app: Option<&str>) -> Component {
    match app.unwrap_or_default() {
        "trino" => Component::Trino,
        n if n.contains("nessie") => Component::Nessie,
        n if n.contains("postgres") => Component::Postgres,
        _ => Component::Secrets,
    }
}

/// The keys and ConfigMaps the workloads read that are not there.
pub fn findings(snapshot: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for w in workloads::all(snapshot) {
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
                Some(key) => match holds(snapshot, ns, r.kind, r.name, key) {
                    Some(false) => Finding::new(
                        "references.key-missing",
                        Severity::Critical,
                        component_of(w.app_name()),
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
                        component_of(w.app_name()),
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
}
