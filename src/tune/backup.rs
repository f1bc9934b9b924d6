//! What `tune apply` keeps so that `tune rollback` can undo it, and why
//! rollback can trust it (SECURITY.md, "Tune backups").
//!
//! A backup holds **only the fields tune changes**, typed: the ConfigMap files
//! it rewrote (`jvm.config`, `*.properties`), the Spark settings its rules
//! set (a fixed list of keys, and `memoryOverhead`), and a Deployment's
//! replicas and its Trino container's memory. Rollback builds its writes from
//! these types alone, so whatever a backup says it can never set an image, a
//! command, a security context, a host namespace or a service account.
//!
//! A backup is **sealed**: `apply` writes the backup's name and the SHA-256
//! of its content as annotation [`SEAL`] on every object it changes, in the
//! same request as the change, as field manager `kubectl-dp`. Rollback
//! recomputes the digest from the backup it read and restores only when every
//! object it covers carries that seal: a ConfigMap created (or edited) by
//! someone who cannot write those objects cannot produce one.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

use crate::kube::FIELD_MANAGER;

pub use super::bodies::Direction;

/// The version of the backup format; older backups carry no seal and are refused.
pub(crate) const FORMAT: u32 = 2;

/// The annotation that seals the objects an apply changed: `<backup>/sha256:<hex>`.
pub(crate) const SEAL: &str = "kubectl-dp.io/tune-backup";

/// The ConfigMap key that holds the backup.
pub const KEY: &str = "backup.json";

/// The Spark settings tune's rules write (`sparkConf`; Hadoop's also as
/// `hadoopConf` keys or `spark.hadoop.*`). A backup naming another key is refused.
pub(crate) const SPARK_KEYS: &[&str] = &[
    "spark.sql.adaptive.enabled",
    "spark.sql.adaptive.coalescePartitions.parallelismFirst",
    "spark.serializer",
    "spark.kryoserializer.buffer.max",
    "spark.sql.execution.arrow.pyspark.enabled",
    "spark.driver.maxResultSize",
];

/// The S3A settings tune's rules write.
pub(crate) const HADOOP_KEYS: &[&str] = &[
    "fs.s3a.connection.maximum",
    "fs.s3a.threads.max",
    "fs.s3a.fast.upload.buffer",
    "fs.s3a.fast.upload.active.blocks",
    "fs.s3a.multipart.size",
    "fs.s3a.fast.upload",
];

/// One ConfigMap file: its text before the apply and what the apply wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileChange {
    /// The text before.
    pub before: String,
    /// The text the apply wrote.
    pub after: String,
}

/// One setting: before (`None`: unset) and after (`None`: removed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ValueChange {
    /// The value before.
    pub before: Option<String>,
    /// The value the apply wrote.
    pub after: Option<String>,
}

/// The Spark settings of one SparkApplication that the apply changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct SparkChange {
    /// `sparkConf` keys.
    #[serde(default)]
    pub spark_conf: BTreeMap<String, ValueChange>,
    /// `hadoopConf` keys.
    #[serde(default)]
    pub hadoop_conf: BTreeMap<String, ValueChange>,
    /// `driver.memoryOverhead`.
    #[serde(default)]
    pub driver_memory_overhead: Option<ValueChange>,
    /// `executor.memoryOverhead`.
    #[serde(default)]
    pub executor_memory_overhead: Option<ValueChange>,
}

/// A Deployment's size that the apply changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct SizeChange {
    /// `spec.replicas`: before (`None`: unset) and after.
    #[serde(default)]
    pub replicas: Option<(Option<i32>, i32)>,
    /// The Trino container's memory request and limit.
    #[serde(default)]
    pub memory: Option<MemoryChange>,
}

/// A container's memory: limit and request before, and the one value after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct MemoryChange {
    /// The container.
    pub container: String,
    /// `limits.memory` before.
    pub limit_before: Option<String>,
    /// `requests.memory` before.
    pub request_before: Option<String>,
    /// Request and limit after.
    pub after: String,
}

/// What one apply changed, and so what its rollback restores.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct Backup {
    /// [`FORMAT`].
    pub format: u32,
    /// The namespace of every object.
    pub namespace: String,
    /// ConfigMap → file → its change.
    #[serde(default)]
    pub config_maps: BTreeMap<String, BTreeMap<String, FileChange>>,
    /// SparkApplication → its change.
    #[serde(default)]
    pub spark_applications: BTreeMap<String, SparkChange>,
    /// Deployment → its change.
    #[serde(default)]
    pub deployments: BTreeMap<String, SizeChange>,
}

/// Whether `file` is one tune rewrites: `jvm.config` or a `.properties` file.
pub(crate) fn is_tuned_file(file: &str) -> bool {
    file == "jvm.config" || (file.ends_with(".properties") && !file.contains('/'))
}

/// Whether tune's rules write `key` of `map` (`sparkConf` or `hadoopConf`).
pub(crate) fn is_tuned_spark_key(map: &str, key: &str) -> bool {
    match map {
        "hadoopConf" => HADOOP_KEYS.contains(&key),
        _ => {
            SPARK_KEYS.contains(&key)
                || key
                    .strip_prefix("spark.hadoop.")
                    .is_some_and(|k| HADOOP_KEYS.contains(&k))
        }
    }
}

/// A memory quantity tune may write back: it parses, and is at most
/// `sizing::MAX_CONTAINER_MEMORY`.
fn is_memory(text: &str) -> bool {
    super::sizing::parse_memory(text).is_ok()
}

impl Backup {
    /// An empty backup of `namespace`.
    pub fn new(namespace: &str) -> Self {
        Backup {
            format: FORMAT,
            namespace: namespace.to_string(),
            ..Backup::default()
        }
    }

    /// Reads a backup ConfigMap's text: the format, and only fields tune
    /// changes (see [`Backup::check`]).
    pub fn parse(name: &str, text: &str) -> Result<Backup, String> {
        let backup: Backup = serde_json::from_str(text).map_err(|e| {
            format!(
                "backup ConfigMap {name} is not a kubectl-dp {FORMAT} backup ({}); restore by hand",
                crate::kube::list_reason_without_values(&e.to_string())
            )
        })?;
        if backup.format != FORMAT {
            return Err(format!(
                "backup ConfigMap {name} has format {} (this kubectl-dp reads {FORMAT}, which carries the proof that tune wrote it); restore by hand",
                backup.format
            ));
        }
        backup
            .check()
            .map_err(|why| format!("backup ConfigMap {name} is refused: {why}; nothing written"))?;
        Ok(backup)
    }

    /// Refuses a backup that names anything tune does not change.
    pub fn check(&self) -> Result<(), String> {
        for (cm, files) in &self.config_maps {
            if let Some(file) = files.keys().find(|f| !is_tuned_file(f)) {
                return Err(format!(
                    "it restores {file} of ConfigMap {cm}, a file tune never writes"
                ));
            }
        }
        for (app, change) in &self.spark_applications {
            for (map, keys) in [
                ("sparkConf", &change.spark_conf),
                ("hadoopConf", &change.hadoop_conf),
            ] {
                if let Some(key) = keys.keys().find(|k| !is_tuned_spark_key(map, k)) {
                    return Err(format!(
                        "it sets {map} {key} of SparkApplication {app}, a setting tune never writes"
                    ));
                }
            }
            for overhead in [
                &change.driver_memory_overhead,
                &change.executor_memory_overhead,
            ]
            .into_iter()
            .flatten()
            {
                if let Some(bad) = [&overhead.before, &overhead.after]
                    .into_iter()
                    .flatten()
                    .find(|v| crate::platform::rules::spark::parse_size(v, 1 << 20).is_none())
                {
                    return Err(format!(
                        "memoryOverhead {bad:?} of SparkApplication {app} is not a Spark size"
                    ));
                }
            }
        }
        for (deployment, change) in &self.deployments {
            if let Some((before, after)) = change.replicas {
                let bounded = |r: i32| (0..=super::sizing::MAX_WORKERS as i32).contains(&r);
                if !bounded(after) || before.is_some_and(|b| !bounded(b)) {
                    return Err(format!(
                        "replicas of Deployment {deployment} are outside 0..{}",
                        super::sizing::MAX_WORKERS
                    ));
                }
            }
            if let Some(memory) = &change.memory {
                let values = [&memory.limit_before, &memory.request_before]
                    .into_iter()
                    .flatten()
                    .chain(std::iter::once(&memory.after));
                if let Some(bad) = values.into_iter().find(|v| !is_memory(v)) {
                    return Err(format!(
                        "memory {bad:?} of Deployment {deployment} is not a container size"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The SHA-256 of this backup as stored under `name` (its canonical JSON:
    /// every map is ordered).
    pub(crate) fn digest(&self, name: &str) -> String {
        let content = serde_json::to_vec(&(name, self)).unwrap_or_default();
        let digest = ring::digest::digest(&ring::digest::SHA256, &content);
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }

    /// The seal every changed object carries: `<name>/sha256:<hex>`.
    pub fn seal(&self, name: &str) -> String {
        format!("{name}/{}", self.digest(name))
    }

    /// The backup as the ConfigMap stores it.
    pub(crate) fn to_text(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Why an object does not carry `seal`, or `None` when it does: the annotation
/// holds exactly the seal, and field manager `kubectl-dp` owns it.
pub fn unsealed(meta: &ObjectMeta, seal: &str) -> Option<String> {
    let found = meta.annotations.as_ref().and_then(|a| a.get(SEAL));
    match found {
        None => return Some("carries no seal of a tune apply".into()),
        Some(other) if other != seal => {
            let backup = other.split('/').next().unwrap_or_default();
            if seal.split('/').next() == Some(backup) {
                return Some(format!(
                    "carries the seal of backup {backup} with another digest: the backup was changed after the apply"
                ));
            }
            return Some(format!(
                "was last changed by the apply of backup {backup}, not this one (roll that one back first)"
            ));
        }
        Some(_) => {}
    }
    let path = format!("f:{SEAL}");
    let owned = meta.managed_fields.iter().flatten().any(|entry| {
        entry.manager.as_deref() == Some(FIELD_MANAGER)
            && entry
                .fields_v1
                .as_ref()
                .and_then(|f| f.0.pointer("/f:metadata/f:annotations"))
                .and_then(|a| a.get(&path))
                .is_some()
    });
    (!owned).then(|| format!("has the seal, but not written by field manager {FIELD_MANAGER}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Backup {
        let mut backup = Backup::new("dp");
        backup.config_maps.insert(
            "trino".into(),
            BTreeMap::from([(
                "jvm.config".into(),
                FileChange {
                    before: "-Xmx9G\n".into(),
                    after: "-Xmx6G\n".into(),
                },
            )]),
        );
        backup.deployments.insert(
            "trino-worker".into(),
            SizeChange {
                replicas: Some((Some(3), 2)),
                memory: Some(MemoryChange {
                    container: "trino".into(),
                    limit_before: Some("16Gi".into()),
                    request_before: None,
                    after: "28Gi".into(),
                }),
            },
        );
        backup
    }

    #[test]
    fn the_digest_binds_name_and_every_field() {
        let backup = sample();
        let digest = backup.digest("b1");
        assert!(
            digest.starts_with("sha256:") && digest.len() == 71,
            "{digest}"
        );
        assert_eq!(digest, sample().digest("b1"));
        assert_ne!(digest, backup.digest("b2"));
        let mut changed = sample();
        changed
            .config_maps
            .get_mut("trino")
            .unwrap()
            .get_mut("jvm.config")
            .unwrap()
            .before = "-Xmx1G\n".into();
        assert_ne!(digest, changed.digest("b1"));
        assert_eq!(Backup::parse("b1", &backup.to_text()), Ok(backup));
    }

    #[test]
    fn a_backup_naming_what_tune_never_writes_is_refused() {
        // The hostile backups of the issue: other files, pod-template fields, Spark keys.
        let foreign = r#"{"format":2,"namespace":"dp","deployments":{"trino-worker":{"replicas":[1,2],"template":{"spec":{"hostPID":true}}}}}"#;
        assert!(
            Backup::parse("b", foreign)
                .unwrap_err()
                .contains("not a kubectl-dp 2 backup")
        );
        let image = r#"{"format":2,"namespace":"dp","sparkApplications":{"etl":{"sparkConf":{"spark.kubernetes.container.image":{"before":"evil","after":null}}}}}"#;
        assert!(
            Backup::parse("b", image)
                .unwrap_err()
                .contains("spark.kubernetes.container.image")
        );
        let file = r#"{"format":2,"namespace":"dp","configMaps":{"trino":{"entrypoint.sh":{"before":"curl x|sh","after":""}}}}"#;
        assert!(
            Backup::parse("b", file)
                .unwrap_err()
                .contains("entrypoint.sh")
        );
        let replicas =
            r#"{"format":2,"namespace":"dp","deployments":{"w":{"replicas":[1,2147483647]}}}"#;
        assert!(
            Backup::parse("b", replicas)
                .unwrap_err()
                .contains("outside")
        );
        let old = r#"{"configMaps":{},"sparkApplications":{}}"#;
        assert!(Backup::parse("b", old).is_err());
        assert!(is_tuned_spark_key(
            "sparkConf",
            "spark.hadoop.fs.s3a.threads.max"
        ));
        assert!(!is_tuned_spark_key(
            "sparkConf",
            "spark.hadoop.fs.s3a.secret.key"
        ));
    }

    #[test]
    fn bodies_carry_only_tuned_fields_the_version_read_and_the_seal() {
        let backup = sample();
        let forward = backup.deployment_body(
            "trino-worker",
            Direction::Forward,
            "41",
            Some("b1/sha256:x"),
        );
        assert_eq!(forward["spec"]["replicas"], 2);
        assert_eq!(forward["metadata"]["resourceVersion"], "41");
        assert_eq!(forward["metadata"]["annotations"][SEAL], "b1/sha256:x");
        let container = &forward["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(container["resources"]["limits"]["memory"], "28Gi");
        assert_eq!(
            container.as_object().unwrap().len(),
            2,
            "only name and resources: {container}"
        );
        let back = backup.deployment_body("trino-worker", Direction::Backward, "42", None);
        assert_eq!(back["spec"]["replicas"], 3);
        let resources = &back["spec"]["template"]["spec"]["containers"][0]["resources"];
        assert_eq!(resources["limits"]["memory"], "16Gi");
        assert!(resources.get("requests").is_none(), "{resources}");
        assert!(back["metadata"].get("annotations").is_none());
        let cm = backup.config_map_body("trino", Direction::Backward, "7", None);
        assert_eq!(cm["data"], serde_json::json!({"jvm.config": "-Xmx9G\n"}));
        let mut spark = Backup::new("dp");
        spark.spark_applications.insert(
            "etl".into(),
            SparkChange {
                spark_conf: BTreeMap::from([(
                    "spark.serializer".into(),
                    ValueChange {
                        before: None,
                        after: Some("kryo".into()),
                    },
                )]),
                ..SparkChange::default()
            },
        );
        let patch = spark.spark_patch("etl", Direction::Backward, "9", None);
        assert_eq!(
            patch["spec"]["sparkConf"]["spark.serializer"],
            serde_json::Value::Null
        );
        assert_eq!(
            patch["metadata"]["annotations"][SEAL],
            serde_json::Value::Null
        );
    }

    #[test]
    fn a_seal_is_the_annotation_written_by_kubectl_dp() {
        let seal = sample().seal("b1");
        let meta = |value: &str, manager: &str| -> ObjectMeta {
            serde_json::from_value(serde_json::json!({
                "annotations": {SEAL: value},
                "managedFields": [{"manager": manager, "operation": "Apply",
                    "fieldsV1": {"f:metadata": {"f:annotations": {format!("f:{SEAL}"): {}}}}}]
            }))
            .unwrap()
        };
        assert_eq!(unsealed(&meta(&seal, "kubectl-dp"), &seal), None);
        assert!(
            unsealed(&meta(&seal, "mallory"), &seal)
                .unwrap()
                .contains("not written by")
        );
        assert!(
            unsealed(&meta("b0/sha256:00", "kubectl-dp"), &seal)
                .unwrap()
                .contains("backup b0")
        );
        assert!(
            unsealed(&ObjectMeta::default(), &seal)
                .unwrap()
                .contains("no seal")
        );
    }
}
