//! Who else owns what the plan would change (pure): `tune apply` writes with
//! server-side apply, never forced, so a field another field manager set (Flux,
//! Argo CD, `kubectl edit`, or `kubectl-client-side-apply` for objects created
//! with plain `kubectl apply`) stops the apply. `tune plan` reads the objects'
//! `managedFields` and says so before the first apply fails, with the command
//! that takes the fields over (`--force-conflicts`).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value;

use super::model::{Edit, Plan};
use super::plan::Inputs;

/// One field the plan changes that another field manager owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owned {
    /// `configmap/trino-worker`.
    pub object: String,
    /// `.data.jvm.config`.
    pub field: String,
    /// The other managers (`kubectl-client-side-apply`).
    pub managers: Vec<String>,
}

/// Every field a server-side apply of `plan` would take from another manager.
/// SparkApplications are merge-patched (no ownership conflict), so only
/// ConfigMap files and Deployment sizing count.
pub fn conflicts(inputs: &Inputs, plan: &Plan) -> Vec<Owned> {
    let mut owned: Vec<Owned> = Vec::new();
    for change in &plan.changes {
        let name = &change.object.name;
        let (meta, paths): (Option<&ObjectMeta>, Vec<(String, Vec<String>)>) =
            match change.object.kind.as_str() {
                "ConfigMap" => (
                    inputs
                        .config_maps
                        .iter()
                        .find(|c| c.metadata.name.as_ref() == Some(name))
                        .map(|c| &c.metadata),
                    vec![(
                        format!(".data.{}", change.file),
                        vec!["f:data".into(), format!("f:{}", change.file)],
                    )],
                ),
                "Deployment" => (
                    inputs
                        .deployments
                        .iter()
                        .find(|d| d.metadata.name.as_ref() == Some(name))
                        .map(|d| &d.metadata),
                    deployment_paths(change.edit.as_ref()),
                ),
                _ => (None, Vec::new()),
            };
        let Some(meta) = meta else { continue };
        let object = format!("{}/{name}", change.object.kind.to_lowercase());
        for (field, path) in paths {
            let managers = managers_of(meta, &path);
            if managers.is_empty() || owned.iter().any(|o| o.object == object && o.field == field) {
                continue;
            }
            owned.push(Owned {
                object: object.clone(),
                field,
                managers,
            });
        }
    }
    owned
}

/// The fields a sizing edit sets on a Deployment, as `.a.b` and as a managedFields path.
fn deployment_paths(edit: Option<&Edit>) -> Vec<(String, Vec<String>)> {
    match edit {
        Some(Edit::Replicas { .. }) => vec![(
            ".spec.replicas".into(),
            vec!["f:spec".into(), "f:replicas".into()],
        )],
        Some(Edit::Memory { container, .. }) => ["limits", "requests"]
            .iter()
            .map(|kind| {
                let key = format!("k:{}", serde_json::json!({ "name": container }));
                (
                    format!(
                        ".spec.template.spec.containers[name={container}].resources.{kind}.memory"
                    ),
                    ["f:spec", "f:template", "f:spec", "f:containers"]
                        .iter()
                        .map(|s| s.to_string())
                        .chain([
                            key,
                            "f:resources".into(),
                            format!("f:{kind}"),
                            "f:memory".into(),
                        ])
                        .collect(),
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The managers other than kubectl-dp whose `fieldsV1` hold `path`.
fn managers_of(meta: &ObjectMeta, path: &[String]) -> Vec<String> {
    let mut managers: Vec<String> = meta
        .managed_fields
        .iter()
        .flatten()
        .filter(|entry| entry.manager.as_deref() != Some(crate::kube::FIELD_MANAGER))
        .filter(|entry| {
            entry
                .fields_v1
                .as_ref()
                .is_some_and(|fields| holds(&fields.0, path))
        })
        .filter_map(|entry| entry.manager.clone())
        .collect();
    managers.sort();
    managers.dedup();
    managers
}

fn holds(fields: &Value, path: &[String]) -> bool {
    path.iter()
        .try_fold(fields, |node, step| node.get(step))
        .is_some()
}

/// What `tune plan` prints about them before anyone applies: one line per set
/// of other managers, naming every field they hold.
pub fn describe(owned: &[Owned]) -> Vec<String> {
    let mut groups: Vec<(&[String], Vec<String>)> = Vec::new();
    for o in owned {
        let field = format!("{} {}", o.object, o.field);
        match groups.iter_mut().find(|(m, _)| *m == o.managers.as_slice()) {
            Some((_, fields)) => fields.push(field),
            None => groups.push((&o.managers, vec![field])),
        }
    }
    groups
        .into_iter()
        .map(|(managers, mut fields)| {
            fields.sort();
            let why = if managers.iter().any(|m| m == "kubectl-client-side-apply") {
                "the objects were applied with kubectl apply; change the values where you keep the manifests too, or the next kubectl apply sets them back"
            } else {
                "the other manager may set them back; change them where it takes them from"
            };
            format!(
                "apply needs --force-conflicts: {} {} {} ({why})",
                managers.join(", "),
                if managers.len() == 1 { "manages" } else { "manage" },
                fields.join(", ")
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::ObjectRef;
    use crate::tune::model::{Change, Profile};
    use k8s_openapi::api::core::v1::ConfigMap;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{FieldsV1, ManagedFieldsEntry};

    fn entry(manager: &str, fields: Value) -> ManagedFieldsEntry {
        ManagedFieldsEntry {
            manager: Some(manager.into()),
            operation: Some("Update".into()),
            fields_v1: Some(FieldsV1(fields)),
            ..Default::default()
        }
    }

    fn change(kind: &str, name: &str, file: &str, edit: Option<Edit>) -> Change {
        Change {
            object: ObjectRef::namespaced(kind, "dp", name),
            file: file.into(),
            setting: "-Xmx".into(),
            line: None,
            current: None,
            proposed: Some("x".into()),
            rule: "r".into(),
            reason: "why".into(),
            edit,
        }
    }

    #[test]
    fn fields_applied_with_kubectl_are_named_before_the_apply() {
        let mut cm = ConfigMap::default();
        cm.metadata.name = Some("trino-worker".into());
        cm.metadata.managed_fields = Some(vec![
            entry(
                "kubectl-client-side-apply",
                serde_json::json!({"f:data": {".": {}, "f:jvm.config": {}, "f:config.properties": {}}}),
            ),
            entry(
                crate::kube::FIELD_MANAGER,
                serde_json::json!({"f:data": {"f:jvm.config": {}}}),
            ),
        ]);
        let inputs = Inputs {
            namespace: "dp".into(),
            deployments: vec![],
            stateful_sets: vec![],
            limit_ranges: vec![],
            quotas: vec![],
            config_maps: vec![cm],
            spark_applications: vec![],
            spark_raw: Default::default(),
            undecodable: vec![],
            unreadable: vec![],
        };
        let plan = Plan {
            namespace: "dp".into(),
            profile: Profile::Balanced,
            changes: vec![
                change("ConfigMap", "trino-worker", "jvm.config", None),
                change("ConfigMap", "trino-worker", "jvm.config", None),
                change("ConfigMap", "trino-worker", "log.properties", None),
            ],
            notes: vec![],
        };
        let owned = conflicts(&inputs, &plan);
        assert_eq!(
            owned,
            vec![Owned {
                object: "configmap/trino-worker".into(),
                field: ".data.jvm.config".into(),
                managers: vec!["kubectl-client-side-apply".into()],
            }]
        );
        assert_eq!(
            describe(&owned),
            [
                "apply needs --force-conflicts: kubectl-client-side-apply manages configmap/trino-worker .data.jvm.config (the objects were applied with kubectl apply; change the values where you keep the manifests too, or the next kubectl apply sets them back)"
            ]
        );
    }

    #[test]
    fn deployment_sizing_paths_match_the_api_servers_keys() {
        let paths = deployment_paths(Some(&Edit::Memory {
            container: "trino".into(),
            bytes: 1,
        }));
        let fields = serde_json::json!({"f:spec": {"f:template": {"f:spec": {"f:containers": {
            "k:{\"name\":\"trino\"}": {"f:resources": {"f:limits": {"f:memory": {}}}}}}}}});
        assert!(holds(&fields, &paths[0].1));
        assert!(!holds(&fields, &paths[1].1));
    }
}
