//! The files a container really sees from ConfigMaps: what its volume mounts
//! make of ConfigMap volumes (all keys, or only the `items` mapped to other
//! paths), projected volumes, and `subPath` mounts of a single file. A key that
//! no mount exposes at the path a program reads is not that program's file,
//! however it is named.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Container, KeyToPath, PodSpec, Volume};

/// One file in a container's file system, taken from a ConfigMap key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountedFile {
    /// The absolute path the container sees.
    pub path: String,
    /// The ConfigMap it comes from.
    pub config_map: String,
    /// The key of that ConfigMap.
    pub key: String,
}

impl MountedFile {
    /// The file's name, the last part of its path (`jvm.config`).
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// Its text, from the ConfigMap the lookup finds (`None`: ConfigMap or key missing).
    pub fn text<'a>(&self, lookup: &dyn Fn(&str) -> Option<&'a ConfigMap>) -> Option<&'a str> {
        lookup(&self.config_map)?
            .data
            .as_ref()?
            .get(&self.key)
            .map(String::as_str)
    }
}

/// The files of a ConfigMap volume source before it is mounted: `(path inside
/// the volume, ConfigMap, key)`. Without `items` every key is a file of its
/// own name; with `items` only the listed keys, at their paths.
fn volume_entries<'c>(
    config_map: &str,
    items: Option<&Vec<KeyToPath>>,
    lookup: &dyn Fn(&str) -> Option<&'c ConfigMap>,
) -> Vec<(String, String, String)> {
    match items {
        Some(items) => items
            .iter()
            .map(|i| (i.path.clone(), config_map.to_string(), i.key.clone()))
            .collect(),
        None => lookup(config_map)
            .and_then(|cm| cm.data.as_ref())
            .map(|data| {
                data.keys()
                    .map(|k| (k.clone(), config_map.to_string(), k.clone()))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Every ConfigMap file a volume holds, by its path inside the volume.
fn volume_files<'c>(
    volume: &Volume,
    lookup: &dyn Fn(&str) -> Option<&'c ConfigMap>,
) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    if let Some(cm) = &volume.config_map {
        out.extend(volume_entries(&cm.name, cm.items.as_ref(), lookup));
    }
    for source in volume
        .projected
        .iter()
        .flat_map(|p| p.sources.iter().flatten())
    {
        if let Some(cm) = &source.config_map {
            out.extend(volume_entries(&cm.name, cm.items.as_ref(), lookup));
        }
    }
    out
}

fn join(dir: &str, file: &str) -> String {
    format!(
        "{}/{}",
        dir.trim_end_matches('/'),
        file.trim_start_matches("./")
    )
}

/// Every file `container` sees from ConfigMaps, by absolute path. A later
/// mount at the same path hides an earlier one, as the kubelet mounts them in order.
pub(crate) fn config_map_files<'c>(
    spec: &PodSpec,
    container: &Container,
    lookup: &dyn Fn(&str) -> Option<&'c ConfigMap>,
) -> BTreeMap<String, MountedFile> {
    let mut files = BTreeMap::new();
    for mount in container.volume_mounts.iter().flatten() {
        let Some(volume) = spec.volumes.iter().flatten().find(|v| v.name == mount.name) else {
            continue;
        };
        let entries = volume_files(volume, lookup);
        match mount.sub_path.as_deref().filter(|s| !s.is_empty()) {
            Some(sub_path) => {
                let sub_path = sub_path.trim_end_matches('/');
                for (path, config_map, key) in entries {
                    // The single file at sub_path, or the files under a sub-directory.
                    let target = if path == sub_path {
                        mount.mount_path.clone()
                    } else if let Some(rest) = path.strip_prefix(&format!("{sub_path}/")) {
                        join(&mount.mount_path, rest)
                    } else {
                        continue;
                    };
                    files.insert(
                        target.clone(),
                        MountedFile {
                            path: target,
                            config_map,
                            key,
                        },
                    );
                }
            }
            None => {
                for (path, config_map, key) in entries {
                    let target = join(&mount.mount_path, &path);
                    files.insert(
                        target.clone(),
                        MountedFile {
                            path: target,
                            config_map,
                            key,
                        },
                    );
                }
            }
        }
    }
    files
}

/// The directory part of a path (`/etc/trino/jvm.config` → `/etc/trino`).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cm(name: &str, keys: &[&str]) -> ConfigMap {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name},
            "data": keys.iter().map(|k| (k.to_string(), format!("{name}/{k}"))).collect::<BTreeMap<_, _>>()
        }))
        .unwrap()
    }

    fn spec(volumes: serde_json::Value, mounts: serde_json::Value) -> (PodSpec, Container) {
        let spec: PodSpec = serde_json::from_value(serde_json::json!({
            "containers": [{"name": "trino", "volumeMounts": mounts}],
            "volumes": volumes
        }))
        .unwrap();
        let container = spec.containers[0].clone();
        (spec, container)
    }

    fn files_of(spec: &PodSpec, c: &Container, cms: &[ConfigMap]) -> BTreeMap<String, String> {
        let lookup = |name: &str| -> Option<&ConfigMap> {
            cms.iter()
                .find(|c| c.metadata.name.as_deref() == Some(name))
        };
        config_map_files(spec, c, &lookup)
            .into_iter()
            .map(|(path, f)| (path, format!("{}:{}", f.config_map, f.key)))
            .collect()
    }

    #[test]
    fn whole_volumes_show_every_key() {
        let (spec, c) = spec(
            serde_json::json!([{"name": "cfg", "configMap": {"name": "coord"}}]),
            serde_json::json!([{"name": "cfg", "mountPath": "/etc/trino"}]),
        );
        let files = files_of(
            &spec,
            &c,
            &[cm("coord", &["jvm.config", "config.properties"])],
        );
        assert_eq!(files["/etc/trino/jvm.config"], "coord:jvm.config");
        assert_eq!(files.len(), 2);
    }

    #[test]
    fn items_map_keys_to_other_paths_and_hide_the_rest() {
        // The decoy key `jvm.config` is not mounted; `jvm-prod` is the JVM's file.
        let (spec, c) = spec(
            serde_json::json!([{"name": "cfg", "configMap": {"name": "coord",
                "items": [{"key": "jvm-prod", "path": "jvm.config"}]}}]),
            serde_json::json!([{"name": "cfg", "mountPath": "/etc/trino"}]),
        );
        let files = files_of(&spec, &c, &[cm("coord", &["jvm.config", "jvm-prod"])]);
        assert_eq!(files.len(), 1);
        assert_eq!(files["/etc/trino/jvm.config"], "coord:jvm-prod");
    }

    #[test]
    fn sub_paths_and_projected_volumes() {
        let (spec, c) = spec(
            serde_json::json!([
                {"name": "one", "configMap": {"name": "a"}},
                {"name": "all", "projected": {"sources": [
                    {"configMap": {"name": "b", "items": [{"key": "x", "path": "catalog/lake.properties"}]}},
                    {"configMap": {"name": "c"}}
                ]}}
            ]),
            serde_json::json!([
                {"name": "one", "mountPath": "/etc/trino/jvm.config", "subPath": "jvm.config"},
                {"name": "all", "mountPath": "/etc/trino/extra"},
                {"name": "all", "mountPath": "/etc/trino/catalog", "subPath": "catalog"}
            ]),
        );
        let files = files_of(
            &spec,
            &c,
            &[
                cm("a", &["jvm.config", "other"]),
                cm("b", &["x"]),
                cm("c", &["y"]),
            ],
        );
        assert_eq!(files["/etc/trino/jvm.config"], "a:jvm.config");
        assert_eq!(files["/etc/trino/catalog/lake.properties"], "b:x");
        assert_eq!(files["/etc/trino/extra/y"], "c:y");
        assert!(!files.contains_key("/etc/trino/other"), "{files:?}");
    }
}
