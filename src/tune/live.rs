//! What a backup covers, as it is now: the objects read for a rollback, the
//! seal check, and the changes made to tune's fields since the apply.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::kube::{Cluster, resources};

use super::apply::Read;
use super::backup::{self, Backup};

/// An object changed since the apply: restoring it would lose that change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// `ConfigMap x file jvm.config`, `SparkApplication y sparkConf k`.
    pub object: String,
    /// What the apply left.
    pub applied: String,
    /// What the object holds now.
    pub now: String,
}

/// The objects a backup covers, as they are now.
#[derive(Debug, Default)]
pub struct Live {
    /// ConfigMaps by name.
    pub config_maps: BTreeMap<String, ConfigMap>,
    /// SparkApplications by name (as JSON).
    pub spark_applications: BTreeMap<String, Value>,
    /// Deployments by name.
    pub deployments: BTreeMap<String, Deployment>,
}

fn missing(kind: &str, namespace: &str, name: &str, backup: &str) -> Error {
    Error::NotFound {
        kind: kind.into(),
        name: name.to_string(),
        scope: format!(" in namespace {namespace}"),
        hint: format!(
            "kubectl get {}s -n {namespace}; backup {backup} is kept",
            kind.to_ascii_lowercase()
        ),
    }
}

impl Live {
    /// Reads every object `backup` (stored as `name`) covers; a missing one is an error.
    pub(super) async fn read(cluster: &Cluster, backup: &Backup, name: &str) -> Result<Live> {
        let ns = backup.namespace.as_str();
        let mut live = Live::default();
        for cm in backup.config_maps.keys() {
            let found = cluster.get_opt::<ConfigMap>(ns, cm).await?;
            live.config_maps.insert(
                cm.clone(),
                found.ok_or_else(|| missing("ConfigMap", ns, cm, name))?,
            );
        }
        for app in backup.spark_applications.keys() {
            let found = cluster
                .get_opt_as::<Value>(&resources::spark_application(), ns, app)
                .await?;
            live.spark_applications.insert(
                app.clone(),
                found.ok_or_else(|| missing("SparkApplication", ns, app, name))?,
            );
        }
        for d in backup.deployments.keys() {
            let found = cluster.get_opt::<Deployment>(ns, d).await?;
            live.deployments.insert(
                d.clone(),
                found.ok_or_else(|| missing("Deployment", ns, d, name))?,
            );
        }
        Ok(live)
    }

    /// Every covered object with its metadata (for the seal check).
    fn metas(&self) -> Vec<(String, ObjectMeta)> {
        let mut out: Vec<(String, ObjectMeta)> = Vec::new();
        for (name, cm) in &self.config_maps {
            out.push((format!("ConfigMap {name}"), cm.metadata.clone()));
        }
        for (name, app) in &self.spark_applications {
            let meta = serde_json::from_value(app["metadata"].clone()).unwrap_or_default();
            out.push((format!("SparkApplication {name}"), meta));
        }
        for (name, d) in &self.deployments {
            out.push((format!("Deployment {name}"), d.metadata.clone()));
        }
        out
    }

    /// What an undo of the rollback puts back, and the versions its writes need.
    pub(super) fn as_read(&self) -> Read {
        let version = |meta: &ObjectMeta| meta.resource_version.clone().unwrap_or_default();
        Read {
            config_maps: self
                .config_maps
                .iter()
                .map(|(n, c)| {
                    (
                        n.clone(),
                        (
                            version(&c.metadata),
                            serde_json::to_value(c).unwrap_or_default(),
                        ),
                    )
                })
                .collect(),
            spark_applications: self
                .spark_applications
                .iter()
                .map(|(n, a)| {
                    let rv = a
                        .pointer("/metadata/resourceVersion")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    (n.clone(), (rv.to_string(), a.clone()))
                })
                .collect(),
            deployments: self
                .deployments
                .iter()
                .map(|(n, d)| {
                    (
                        n.clone(),
                        (
                            version(&d.metadata),
                            serde_json::to_value(d).unwrap_or_default(),
                        ),
                    )
                })
                .collect(),
        }
    }
}

/// Why the backup cannot be trusted: each covered object that does not carry
/// its seal (pure). Empty when every one does.
pub fn unsealed(live: &Live, seal: &str) -> Vec<String> {
    live.metas()
        .into_iter()
        .filter_map(|(object, meta)| {
            backup::unsealed(&meta, seal).map(|why| format!("{object} {why}"))
        })
        .collect()
}

/// A Deployment's size now: replicas and the container's memory limit and request.
fn size_now(
    d: &Deployment,
    container: Option<&str>,
) -> (Option<i32>, Option<String>, Option<String>) {
    let c = d
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|s| {
            s.containers
                .iter()
                .find(|c| Some(c.name.as_str()) == container)
        })
        .and_then(|c| c.resources.as_ref());
    let memory = |m: Option<
        &BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>,
    >| { m.and_then(|m| m.get("memory")).map(|q| q.0.clone()) };
    (
        d.spec.as_ref().and_then(|s| s.replicas),
        memory(c.and_then(|r| r.limits.as_ref())),
        memory(c.and_then(|r| r.requests.as_ref())),
    )
}

/// The changes made since the apply (pure): a tuned field whose value is
/// neither what the apply wrote nor what it had before.
pub fn edits(backup: &Backup, live: &Live) -> Vec<Edit> {
    let mut out = Vec::new();
    let mut check =
        |object: String, before: Option<&str>, after: Option<&str>, now: Option<&str>| {
            if now != after && now != before {
                let shown = |v: Option<&str>| v.unwrap_or("(unset)").to_string();
                out.push(Edit {
                    object,
                    applied: shown(after),
                    now: shown(now),
                });
            }
        };
    for (cm, files) in &backup.config_maps {
        let data = live.config_maps.get(cm).and_then(|c| c.data.as_ref());
        // A file as YAML (`jvm.config: |` and its lines), as the diffs show it.
        let yaml = |file: &str, text: Option<&str>| {
            text.map(|t| {
                crate::render::yaml_string(&BTreeMap::from([(file, t)])).unwrap_or_default()
            })
        };
        for (file, change) in files {
            let now = yaml(file, data.and_then(|d| d.get(file)).map(String::as_str));
            check(
                format!("ConfigMap {cm} {file}"),
                yaml(file, Some(&change.before)).as_deref(),
                yaml(file, Some(&change.after)).as_deref(),
                now.as_deref(),
            );
        }
    }
    for (app, change) in &backup.spark_applications {
        let spec = live.spark_applications.get(app).map(|a| &a["spec"]);
        for (map, keys) in [
            ("sparkConf", &change.spark_conf),
            ("hadoopConf", &change.hadoop_conf),
        ] {
            for (key, value) in keys {
                let now = spec.and_then(|s| s[map].get(key)).and_then(Value::as_str);
                check(
                    format!("SparkApplication {app} {map} {key}"),
                    value.before.as_deref(),
                    value.after.as_deref(),
                    now,
                );
            }
        }
        for (role, overhead) in [
            ("driver", &change.driver_memory_overhead),
            ("executor", &change.executor_memory_overhead),
        ] {
            if let Some(value) = overhead {
                let now = spec.and_then(|s| s[role]["memoryOverhead"].as_str());
                check(
                    format!("SparkApplication {app} {role}.memoryOverhead"),
                    value.before.as_deref(),
                    value.after.as_deref(),
                    now,
                );
            }
        }
    }
    for (name, change) in &backup.deployments {
        let Some(d) = live.deployments.get(name) else {
            continue;
        };
        let container = change.memory.as_ref().map(|m| m.container.as_str());
        let (replicas, limit, _) = size_now(d, container);
        if let Some((before, after)) = change.replicas {
            let text = |r: Option<i32>| r.map(|r| r.to_string());
            check(
                format!("Deployment {name} replicas"),
                text(before).as_deref(),
                Some(&after.to_string()),
                text(replicas).as_deref(),
            );
        }
        if let Some(memory) = &change.memory {
            check(
                format!("Deployment {name} {} memory limit", memory.container),
                memory.limit_before.as_deref(),
                Some(&memory.after),
                limit.as_deref(),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tune::backup::{FileChange, SparkChange, ValueChange};

    fn backup() -> Backup {
        let mut b = Backup::new("dp");
        b.config_maps.insert(
            "w".into(),
            BTreeMap::from([(
                "jvm.config".into(),
                FileChange {
                    before: "-Xmx9G\n".into(),
                    after: "-Xmx6G\n".into(),
                },
            )]),
        );
        b.spark_applications.insert(
            "app".into(),
            SparkChange {
                spark_conf: BTreeMap::from([(
                    "spark.serializer".into(),
                    ValueChange {
                        before: Some("java".into()),
                        after: Some("kryo".into()),
                    },
                )]),
                ..SparkChange::default()
            },
        );
        b
    }

    fn live(jvm: &str, extra: Option<(&str, &str)>, serializer: &str) -> Live {
        let mut data = BTreeMap::from([("jvm.config".to_string(), jvm.to_string())]);
        if let Some((k, v)) = extra {
            data.insert(k.into(), v.into());
        }
        let mut live = Live::default();
        live.config_maps.insert(
            "w".into(),
            ConfigMap {
                data: Some(data),
                ..ConfigMap::default()
            },
        );
        live.spark_applications.insert(
            "app".into(),
            serde_json::json!({"spec": {"sparkConf": {"spark.serializer": serializer}}}),
        );
        live
    }

    #[test]
    fn as_applied_or_as_before_is_no_edit_and_other_keys_never_are() {
        let b = backup();
        assert_eq!(edits(&b, &live("-Xmx6G\n", None, "kryo")), []);
        assert_eq!(edits(&b, &live("-Xmx9G\n", None, "java")), []);
        // A key tune does not manage is neither restored nor lost.
        assert_eq!(
            edits(&b, &live("-Xmx6G\n", Some(("extra", "theirs")), "kryo")),
            []
        );
    }

    #[test]
    fn a_tuned_field_changed_since_the_apply_is_an_edit() {
        let found = edits(&backup(), &live("-Xmx7G\n", None, "other"));
        let objects: Vec<&str> = found.iter().map(|e| e.object.as_str()).collect();
        assert_eq!(
            objects,
            [
                "ConfigMap w jvm.config",
                "SparkApplication app sparkConf spark.serializer"
            ]
        );
        assert_eq!(found[0].now, "jvm.config: |\n  -Xmx7G\n");
    }
}
