//! A container's environment and mounted files as the kubelet builds them, with
//! where each value comes from: what Nessie's and Postgres's readers need to say
//! "the password comes from Secret X" whichever way a chart wrote it (`env`
//! entries, `envFrom`, a `*_FILE` variable naming a mounted Secret key).

use k8s_openapi::api::core::v1::{Container, KeyToPath, PodSpec, VolumeMount};

use crate::snapshot::Snapshot;

/// Where one environment variable's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EnvSource<'a> {
    /// A literal `value` in the pod spec.
    Literal(&'a str),
    /// A Secret key (`valueFrom.secretKeyRef`, or `envFrom.secretRef`).
    Secret { secret: &'a str, key: String },
    /// A ConfigMap key; its value when the ConfigMap was read.
    ConfigMap {
        config_map: &'a str,
        key: String,
        value: Option<&'a str>,
    },
    /// A field or resource of the pod (`fieldRef`, `resourceFieldRef`).
    Downward,
}

/// One environment variable of a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EnvVar<'a> {
    /// Its name.
    pub name: String,
    /// Where its value comes from.
    pub source: EnvSource<'a>,
}

/// The container's environment as the kubelet builds it: `envFrom` sources in
/// order (a later one overrides an earlier one), then `env` entries (which
/// override `envFrom`; a later duplicate wins). A Secret or ConfigMap read
/// through `envFrom` contributes the keys the snapshot knows of it (none when it
/// was not read).
pub(crate) fn environment<'a>(
    snapshot: &'a Snapshot,
    namespace: &str,
    container: &'a Container,
) -> Vec<EnvVar<'a>> {
    let mut vars: Vec<EnvVar<'a>> = Vec::new();
    let mut set = |var: EnvVar<'a>| match vars.iter_mut().find(|v| v.name == var.name) {
        Some(existing) => *existing = var,
        None => vars.push(var),
    };
    for from in container.env_from.iter().flatten() {
        let prefix = from.prefix.as_deref().unwrap_or_default();
        if let Some(secret_ref) = &from.secret_ref
            && let Some(secret) = snapshot.secret(namespace, &secret_ref.name)
        {
            let keys = secret.data.iter().flat_map(|d| d.keys());
            for key in keys.chain(secret.string_data.iter().flat_map(|d| d.keys())) {
                set(EnvVar {
                    name: format!("{prefix}{key}"),
                    source: EnvSource::Secret {
                        secret: &secret_ref.name,
                        key: key.clone(),
                    },
                });
            }
        }
        if let Some(cm_ref) = &from.config_map_ref
            && let Some(cm) = snapshot.config_map(namespace, &cm_ref.name)
        {
            for (key, value) in cm.data.iter().flatten() {
                set(EnvVar {
                    name: format!("{prefix}{key}"),
                    source: EnvSource::ConfigMap {
                        config_map: &cm_ref.name,
                        key: key.clone(),
                        value: Some(value),
                    },
                });
            }
        }
    }
    for env in container.env.iter().flatten() {
        let source = match (&env.value, &env.value_from) {
            (_, Some(from)) => {
                if let Some(s) = &from.secret_key_ref {
                    EnvSource::Secret {
                        secret: &s.name,
                        key: s.key.clone(),
                    }
                } else if let Some(c) = &from.config_map_key_ref {
                    EnvSource::ConfigMap {
                        config_map: &c.name,
                        key: c.key.clone(),
                        value: snapshot
                            .config_map(namespace, &c.name)
                            .and_then(|cm| cm.data.as_ref()?.get(&c.key))
                            .map(String::as_str),
                    }
                } else {
                    EnvSource::Downward
                }
            }
            (value, None) => EnvSource::Literal(value.as_deref().unwrap_or_default()),
        };
        set(EnvVar {
            name: env.name.clone(),
            source,
        });
    }
    vars
}

/// Whether a ConfigMap or a Secret provides a mounted file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// A ConfigMap key.
    ConfigMap,
    /// A Secret key.
    Secret,
}

/// The object and key behind a file in a container's filesystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MountedFile<'a> {
    /// ConfigMap or Secret.
    pub kind: FileKind,
    /// The object's name.
    pub name: &'a str,
    /// The key whose value is the file.
    pub key: String,
}

/// What provides the file at `path` in `container`: the volume mounted at the
/// deepest directory holding it (or exactly at it, with `subPath`), when that is a
/// ConfigMap, Secret or projected volume. `items` map keys to paths; without them
/// every key is a file named like the key. `None`: no such volume mount, or the
/// volume holds no file of that name (a missing Secret key shows here).
pub(crate) fn mounted_file<'a>(
    snapshot: &Snapshot,
    namespace: &str,
    spec: &'a PodSpec,
    container: &'a Container,
    path: &str,
) -> Option<MountedFile<'a>> {
    let mount = deepest_mount(container, path)?;
    let relative = match mount.sub_path.as_deref().filter(|s| !s.is_empty()) {
        // With subPath the mount is the one file (or directory) named by it.
        Some(sub) => {
            let rest = path.strip_prefix(mount.mount_path.trim_end_matches('/'))?;
            let rest = rest.trim_start_matches('/');
            if rest.is_empty() {
                sub.to_string()
            } else {
                format!("{}/{rest}", sub.trim_end_matches('/'))
            }
        }
        None => path
            .strip_prefix(mount.mount_path.trim_end_matches('/'))?
            .trim_start_matches('/')
            .to_string(),
    };
    let volume = spec
        .volumes
        .iter()
        .flatten()
        .find(|v| v.name == mount.name)?;
    // Whether the object has the key: `None` when its kind could not be read
    // (an object that is not there, of a kind that was read, has no keys).
    let has_key = |kind: FileKind, name: &str, key: &str| -> Option<bool> {
        match kind {
            FileKind::ConfigMap => match snapshot.config_map(namespace, name) {
                Some(cm) => Some(cm.data.iter().flatten().any(|(k, _)| k == key)),
                None => snapshot.config_maps.is_available().then_some(false),
            },
            FileKind::Secret => match snapshot.secret(namespace, name) {
                Some(s) => Some(
                    s.data.iter().flat_map(|d| d.keys()).any(|k| k == key)
                        || s.string_data
                            .iter()
                            .flat_map(|d| d.keys())
                            .any(|k| k == key),
                ),
                None => snapshot.secrets.is_available().then_some(false),
            },
        }
    };
    let mut sources: Vec<(FileKind, &'a str, Option<&'a Vec<KeyToPath>>)> = Vec::new();
    if let Some(cm) = &volume.config_map {
        sources.push((FileKind::ConfigMap, &cm.name, cm.items.as_ref()));
    }
    if let Some(s) = &volume.secret {
        sources.push((
            FileKind::Secret,
            s.secret_name.as_deref().unwrap_or_default(),
            s.items.as_ref(),
        ));
    }
    for source in volume
        .projected
        .iter()
        .flat_map(|p| p.sources.iter().flatten())
    {
        if let Some(cm) = &source.config_map {
            sources.push((FileKind::ConfigMap, &cm.name, cm.items.as_ref()));
        }
        if let Some(s) = &source.secret {
            sources.push((FileKind::Secret, &s.name, s.items.as_ref()));
        }
    }
    // A projected volume's file is the first source that has it; a source not
    // read (unknown keys) is taken when nothing else matches.
    let mut unknown = None;
    for (kind, name, items) in sources {
        let key = match items.filter(|i| !i.is_empty()) {
            Some(items) => match items.iter().find(|i| i.path == relative) {
                Some(item) => item.key.clone(),
                None => continue,
            },
            None => relative.clone(),
        };
        match has_key(kind, name, &key) {
            Some(true) => return Some(MountedFile { kind, name, key }),
            Some(false) => {}
            None => {
                unknown.get_or_insert(MountedFile { kind, name, key });
            }
        }
    }
    unknown
}

/// The volume mount of `container` that holds `path`: the one mounted exactly
/// there, else at its deepest parent directory.
pub(crate) fn deepest_mount<'a>(container: &'a Container, path: &str) -> Option<&'a VolumeMount> {
    container
        .volume_mounts
        .iter()
        .flatten()
        .filter(|m| {
            let dir = m.mount_path.trim_end_matches('/');
            path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
        })
        .max_by_key(|m| m.mount_path.trim_end_matches('/').len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::Listing;
    use serde_json::json;

    fn snapshot() -> Snapshot {
        Snapshot {
            secrets: Listing::available(vec![
                serde_json::from_value(json!({
                    "metadata": {"name": "db", "namespace": "ns"},
                    "data": {"password": "", "postgres-password": ""}
                }))
                .unwrap(),
            ]),
            config_maps: Listing::available(vec![
                serde_json::from_value(json!({
                    "metadata": {"name": "settings", "namespace": "ns"},
                    "data": {"A": "from-configmap", "application.properties": "x=1\n"}
                }))
                .unwrap(),
            ]),
            ..Snapshot::default()
        }
    }

    fn container(value: serde_json::Value) -> Container {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn env_overrides_env_from_and_the_last_duplicate_wins() {
        let s = snapshot();
        let c = container(json!({
            "name": "c",
            "envFrom": [{"configMapRef": {"name": "settings"}}, {"secretRef": {"name": "db"}, "prefix": "DB_"}],
            "env": [
                {"name": "A", "value": "literal"},
                {"name": "B", "value": "first"},
                {"name": "B", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
                {"name": "C", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}
            ]
        }));
        let env = environment(&s, "ns", &c);
        let get = |n: &str| env.iter().find(|v| v.name == n).map(|v| v.source.clone());
        assert_eq!(get("A"), Some(EnvSource::Literal("literal")));
        assert_eq!(
            get("B"),
            Some(EnvSource::Secret {
                secret: "db",
                key: "password".into()
            })
        );
        assert_eq!(
            get("DB_postgres-password"),
            Some(EnvSource::Secret {
                secret: "db",
                key: "postgres-password".into()
            })
        );
        assert_eq!(
            get("application.properties"),
            Some(EnvSource::ConfigMap {
                config_map: "settings",
                key: "application.properties".into(),
                value: Some("x=1\n")
            })
        );
        assert_eq!(get("C"), Some(EnvSource::Downward));
    }

    fn pod(volumes: serde_json::Value, mounts: serde_json::Value) -> (PodSpec, Container) {
        let c = container(json!({"name": "c", "volumeMounts": mounts}));
        let spec: PodSpec =
            serde_json::from_value(json!({"containers": [c.clone()], "volumes": volumes})).unwrap();
        (spec, c)
    }

    #[test]
    fn files_from_directories_sub_paths_items_and_projections() {
        let s = snapshot();
        // Bitnami: the Secret mounted as a directory, one file per key.
        let (spec, c) = pod(
            json!([{"name": "pw", "secret": {"secretName": "db"}}]),
            json!([{"name": "pw", "mountPath": "/opt/bitnami/postgresql/secrets/"}]),
        );
        let file = mounted_file(
            &s,
            "ns",
            &spec,
            &c,
            "/opt/bitnami/postgresql/secrets/postgres-password",
        );
        assert_eq!(
            file,
            Some(MountedFile {
                kind: FileKind::Secret,
                name: "db",
                key: "postgres-password".into()
            })
        );
        // A key the Secret lacks is no file.
        assert_eq!(
            mounted_file(&s, "ns", &spec, &c, "/opt/bitnami/postgresql/secrets/pw"),
            None
        );
        // Nessie's chart: one ConfigMap key mounted as a file with subPath.
        let (spec, c) = pod(
            json!([{"name": "cfg", "configMap": {"name": "settings"}}]),
            json!([{"name": "cfg", "mountPath": "/deployments/config/application.properties", "subPath": "application.properties"}]),
        );
        let file = mounted_file(
            &s,
            "ns",
            &spec,
            &c,
            "/deployments/config/application.properties",
        )
        .unwrap();
        assert_eq!((file.kind, file.name), (FileKind::ConfigMap, "settings"));
        // items rename keys; a projected volume takes the source that has the file.
        let (spec, c) = pod(
            json!([{"name": "all", "projected": {"sources": [
                {"configMap": {"name": "settings", "items": [{"key": "A", "path": "a.txt"}]}},
                {"secret": {"name": "db"}}
            ]}}]),
            json!([{"name": "all", "mountPath": "/etc/all"}]),
        );
        assert_eq!(
            mounted_file(&s, "ns", &spec, &c, "/etc/all/a.txt").map(|f| f.key),
            Some("A".to_string())
        );
        assert_eq!(
            mounted_file(&s, "ns", &spec, &c, "/etc/all/password").map(|f| f.kind),
            Some(FileKind::Secret)
        );
        assert_eq!(
            mounted_file(&s, "ns", &spec, &c, "/etc/other/password"),
            None
        );
    }
}
