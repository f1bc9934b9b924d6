//! The writes a backup turns into, both ways: what `apply` writes (forward)
//! and what `rollback` (or an apply's undo) writes back (backward). Built from
//! the backup's types alone, so they hold only tune's fields.

use std::collections::BTreeMap;

use super::backup::{Backup, SEAL, ValueChange};

/// Which way a body goes: to what the apply writes, or back to what was before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `apply`: the values after.
    Forward,
    /// `rollback` (and an apply's undo): the values before.
    Backward,
}

/// `metadata` of a body: the object, the resourceVersion the diff was computed
/// from (the write fails if it changed since), and the seal (forward) or its
/// removal (backward: an apply body leaves it out, a merge patch nulls it).
fn metadata(
    namespace: &str,
    name: &str,
    resource_version: &str,
    seal: Option<&str>,
    merge: bool,
) -> serde_json::Value {
    let mut meta = serde_json::json!({"name": name, "namespace": namespace, "resourceVersion": resource_version});
    match (seal, merge) {
        (Some(seal), _) => meta["annotations"] = serde_json::json!({SEAL: seal}),
        (None, true) => meta["annotations"] = serde_json::json!({SEAL: null}),
        (None, false) => {}
    }
    meta
}

impl Backup {
    /// The server-side apply body of ConfigMap `cm`: only its tuned files.
    pub(crate) fn config_map_body(
        &self,
        cm: &str,
        direction: Direction,
        resource_version: &str,
        seal: Option<&str>,
    ) -> serde_json::Value {
        let data: BTreeMap<&String, &String> = self
            .config_maps
            .get(cm)
            .into_iter()
            .flatten()
            .map(|(file, change)| {
                (
                    file,
                    if direction == Direction::Forward {
                        &change.after
                    } else {
                        &change.before
                    },
                )
            })
            .collect();
        serde_json::json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": metadata(&self.namespace, cm, resource_version, seal, false),
            "data": data,
        })
    }

    /// The merge patch of SparkApplication `app`: only its tuned settings
    /// (`null` removes a key that was unset before).
    pub(crate) fn spark_patch(
        &self,
        app: &str,
        direction: Direction,
        resource_version: &str,
        seal: Option<&str>,
    ) -> serde_json::Value {
        let pick = |change: &ValueChange| {
            let value = if direction == Direction::Forward {
                &change.after
            } else {
                &change.before
            };
            value
                .clone()
                .map_or(serde_json::Value::Null, serde_json::Value::String)
        };
        let mut spec = serde_json::Map::new();
        if let Some(change) = self.spark_applications.get(app) {
            for (map, keys) in [
                ("sparkConf", &change.spark_conf),
                ("hadoopConf", &change.hadoop_conf),
            ] {
                if !keys.is_empty() {
                    let values: serde_json::Map<String, serde_json::Value> =
                        keys.iter().map(|(k, c)| (k.clone(), pick(c))).collect();
                    spec.insert(map.into(), values.into());
                }
            }
            for (role, overhead) in [
                ("driver", &change.driver_memory_overhead),
                ("executor", &change.executor_memory_overhead),
            ] {
                if let Some(overhead) = overhead {
                    spec.insert(
                        role.into(),
                        serde_json::json!({"memoryOverhead": pick(overhead)}),
                    );
                }
            }
        }
        serde_json::json!({
            "metadata": metadata(&self.namespace, app, resource_version, seal, true),
            "spec": spec,
        })
    }

    /// The server-side apply body of Deployment `name`: only replicas and the
    /// Trino container's memory (a value unset before is left out, and so
    /// given back).
    pub(crate) fn deployment_body(
        &self,
        name: &str,
        direction: Direction,
        resource_version: &str,
        seal: Option<&str>,
    ) -> serde_json::Value {
        let mut spec = serde_json::Map::new();
        if let Some(change) = self.deployments.get(name) {
            let replicas = change.replicas.and_then(|(before, after)| {
                if direction == Direction::Forward {
                    Some(after)
                } else {
                    before
                }
            });
            if let Some(replicas) = replicas {
                spec.insert("replicas".into(), replicas.into());
            }
            if let Some(memory) = &change.memory {
                let (limit, request) = match direction {
                    Direction::Forward => (Some(&memory.after), Some(&memory.after)),
                    Direction::Backward => {
                        (memory.limit_before.as_ref(), memory.request_before.as_ref())
                    }
                };
                let mut resources = serde_json::Map::new();
                if let Some(limit) = limit {
                    resources.insert("limits".into(), serde_json::json!({"memory": limit}));
                }
                if let Some(request) = request {
                    resources.insert("requests".into(), serde_json::json!({"memory": request}));
                }
                spec.insert(
                    "template".into(),
                    serde_json::json!({"spec": {"containers": [{"name": memory.container, "resources": resources}]}}),
                );
            }
        }
        serde_json::json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": metadata(&self.namespace, name, resource_version, seal, false),
            "spec": spec,
        })
    }
}
