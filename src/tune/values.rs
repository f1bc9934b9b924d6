//! Values Trino or Spark refuses, as `tune plan` sees them. A value of the
//! wrong type has no meaning tune could keep, so the plan notes it with the
//! code, message and fix `status` reports (unless one of its proposals
//! rewrites that setting), and a plan that would itself write a refused value
//! is invalid ([`refused_write`]): status and tune judge values by the same
//! readers ([`crate::platform::trino::values`], [`crate::platform::spark_conf`]).

use crate::findings::ObjectRef;
use crate::platform::crds::SparkApplication;
use crate::platform::properties::Properties;
use crate::platform::rules::proposal::{Edit, Proposal};
use crate::platform::spark_conf;
use crate::platform::trino::values::{self, Table};

use super::model::{Note, Plan};

/// The keys a list of proposals sets or removes.
pub(crate) fn rewritten(proposals: &[Proposal]) -> Vec<String> {
    proposals
        .iter()
        .filter_map(|p| match &p.edit {
            Edit::PropSet { key, .. } | Edit::PropRemove { key } => Some(key.clone()),
            _ => None,
        })
        .collect()
}

/// A note for each value of a Trino properties file that Trino refuses and
/// the plan leaves as it is. `label` names the file as status does
/// (`config.properties`, `catalog lakehouse`).
pub(crate) fn trino_notes(
    cm: &ObjectRef,
    key: &str,
    (label, consequence): (&str, &str),
    props: &Properties,
    table: Table,
    rewritten: &[String],
) -> Vec<Note> {
    values::check(props, table, &[])
        .into_iter()
        .filter(|r| !rewritten.contains(&r.key))
        .map(|r| Note {
            object: cm.clone(),
            file: Some(key.to_string()),
            line: Some(r.line),
            code: r.code().into(),
            message: format!("{}; {}", r.message(label, consequence), r.fix()),
        })
        .collect()
}

/// A note for each value of a SparkApplication that Spark refuses and the
/// plan leaves as it is.
pub(crate) fn spark_notes(
    object: &ObjectRef,
    app: &SparkApplication,
    proposals: &[Proposal],
) -> Vec<Note> {
    let rewritten: Vec<String> = proposals.iter().map(|p| p.setting.clone()).collect();
    spark_conf::check(app)
        .into_iter()
        .filter(|r| !rewritten.contains(&r.setting))
        .map(|r| Note {
            object: object.clone(),
            file: None,
            line: None,
            code: "spark.conf-invalid-value".into(),
            message: format!("{}; {}", r.message(), r.fix()),
        })
        .collect()
}

/// The first value the plan would write that Trino or Spark refuses.
pub(crate) fn refused_write(plan: &Plan) -> Option<String> {
    plan.changes.iter().find_map(|c| {
        let (key, value, why) = match c.edit.as_ref()? {
            Edit::PropSet { key, value } => {
                let table = if c.file.ends_with("config.properties") {
                    Table::Server
                } else {
                    Table::Iceberg
                };
                let property = table.property(key)?;
                (
                    key.clone(),
                    value,
                    values::check_value(&property.kind, value).err()?,
                )
            }
            // sparkConf keys, and hadoopConf's S3A keys (the tables share none).
            Edit::SparkConf {
                key,
                value: Some(value),
                ..
            } => (
                key.clone(),
                value,
                spark_conf::check_value(key, value).err()?,
            ),
            Edit::SparkPod { role, field, value } => {
                let key = format!("spark.{role}.{field}");
                let why = spark_conf::check_value(&key, value).err()?;
                (key, value, why)
            }
            _ => return None,
        };
        Some(format!(
            "the plan would write {key}={value} to {} {}, which {why}",
            c.object.kind, c.object.name
        ))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::model::{Change, Profile};
    use super::super::plan::{Inputs, build, validate};
    use super::*;

    fn inputs(worker_properties: &str, catalog: &str, spark: serde_json::Value) -> Inputs {
        let deployment = |role: &str, cm: &str| {
            serde_json::from_value(serde_json::json!({
                "metadata": {"name": format!("trino-{role}"), "labels": {"app.kubernetes.io/name": "trino", "app.kubernetes.io/component": role}},
                "spec": {"replicas": 2, "selector": {}, "template": {"spec": {
                    "containers": [{"name": "trino", "resources": {"limits": {"memory": "10Gi"}}}],
                    "volumes": [{"name": "c", "configMap": {"name": cm}}, {"name": "k", "configMap": {"name": "catalog"}}]
                }}}
            }))
            .unwrap()
        };
        let config_map = |name: &str, data: serde_json::Value| {
            serde_json::from_value(serde_json::json!({"metadata": {"name": name}, "data": data}))
                .unwrap()
        };
        Inputs {
            namespace: "dp".into(),
            deployments: vec![
                deployment("coordinator", "coord"),
                deployment("worker", "work"),
            ],
            config_maps: vec![
                config_map(
                    "coord",
                    serde_json::json!({"jvm.config": "-Xmx8G\n", "config.properties": "coordinator=true\n"}),
                ),
                config_map(
                    "work",
                    serde_json::json!({"jvm.config": "-Xmx8G\n", "config.properties": worker_properties}),
                ),
                config_map("catalog", serde_json::json!({"lake.properties": catalog})),
            ],
            spark_applications: vec![serde_json::from_value(spark).unwrap()],
            spark_raw: BTreeMap::new(),
            ..Inputs::default()
        }
    }

    #[test]
    fn refused_values_are_noted_as_status_reports_them_and_never_written() {
        let inputs = inputs(
            "task.concurrency=12\nquery.max-memory-per-node=8gb\nspill-enabled=yes\n",
            "connector.name=iceberg\niceberg.catalog.type=nessie\niceberg.max-partitions-per-writer=0\n",
            serde_json::json!({
                "metadata": {"name": "nightly"},
                "spec": {"sparkConf": {"spark.sql.shuffle.partitions": "0", "spark.kryoserializer.buffer.max": "4g"},
                         "executor": {"memory": "4gib"}}
            }),
        );
        let plan = build(&inputs, Profile::Balanced);
        let notes: Vec<(&str, &str)> = plan
            .notes
            .iter()
            .filter(|n| n.code.contains("invalid"))
            .map(|n| (n.code.as_str(), n.message.as_str()))
            .collect();
        // query.max-memory-per-node=8gb is rewritten (the memory rules), the
        // Kryo buffer too (spark.kryo-buffer): neither is noted.
        assert_eq!(
            notes,
            [
                (
                    "trino.config-invalid-value",
                    "config.properties line 1: task.concurrency=12 is not a power of two (TaskManagerConfig); Trino refuses to start; set task.concurrency to a whole number, at least 1, a power of two"
                ),
                (
                    "trino.config-invalid-value",
                    "config.properties line 3: spill-enabled=yes is neither true nor false (FeaturesConfig); Trino refuses to start; set spill-enabled to true or false"
                ),
                (
                    "trino.config-invalid-value",
                    "catalog lake line 3: iceberg.max-partitions-per-writer=0 is below 1 (IcebergConfig); the catalog fails to load; set iceberg.max-partitions-per-writer to a whole number, at least 1"
                ),
                (
                    "spark.conf-invalid-value",
                    "sparkConf.spark.sql.shuffle.partitions=0 is not above 0 (as spark.sql.shuffle.partitions); Spark refuses it and the application fails to start; set sparkConf.spark.sql.shuffle.partitions to a whole number, above 0"
                ),
                (
                    "spark.conf-invalid-value",
                    "executor.memory=4gib has the unknown unit 'gib' (as spark.executor.memory); Spark refuses it and the application fails to start; set executor.memory to a whole number of MiB or with a unit b, k, m, g, t, p (also kb… pb, any case), such as 4g or 512m, at least 450m (UnifiedMemoryManager)"
                ),
            ],
            "{:#?}",
            plan.notes
        );
        assert!(
            plan.changes
                .iter()
                .any(|c| c.setting == "query.max-memory-per-node")
        );
        assert!(
            plan.changes
                .iter()
                .any(|c| c.setting == "sparkConf.spark.kryoserializer.buffer.max")
        );
        // Every value the plan writes is one Trino and Spark accept.
        assert_eq!(refused_write(&plan), None);
        validate(&inputs, &plan).unwrap();
    }

    #[test]
    fn a_plan_that_would_write_a_refused_value_is_invalid() {
        let change = |file: &str, kind: &str, edit: Edit| Change {
            object: ObjectRef::namespaced(kind, "dp", "x"),
            file: file.into(),
            setting: String::new(),
            line: None,
            current: None,
            proposed: None,
            rule: "test".into(),
            reason: String::new(),
            edit: Some(edit),
        };
        let plan = |c: Change| Plan {
            namespace: "dp".into(),
            profile: Profile::Balanced,
            changes: vec![c],
            notes: vec![],
        };
        // A property of a Trino file in ConfigMap x.
        let property = |file: &str, key: &str, value: &str| {
            let edit = Edit::PropSet {
                key: key.into(),
                value: value.into(),
            };
            change(file, "ConfigMap", edit)
        };
        // An entry of SparkApplication x's sparkConf or hadoopConf.
        let spark_conf = |map: &str, key: &str, value: &str| {
            let edit = Edit::SparkConf {
                map: map.into(),
                key: key.into(),
                value: Some(value.into()),
            };
            change("spec", "SparkApplication", edit)
        };
        // SparkApplication x's executor memoryOverhead.
        let overhead = |value: &str| {
            let edit = Edit::SparkPod {
                role: "executor".into(),
                field: "memoryOverhead".into(),
                value: value.into(),
            };
            change("spec", "SparkApplication", edit)
        };
        for (c, want) in [
            (
                property("config.properties", "task.concurrency", "12"),
                Some(
                    "the plan would write task.concurrency=12 to ConfigMap x, which is not a power of two",
                ),
            ),
            (
                property("config.properties", "task.concurrency", "16"),
                None,
            ),
            (
                property("iceberg.properties", "iceberg.file-format", "ORC"),
                None,
            ),
            (
                property("iceberg.properties", "iceberg.file-format", "AVRO2"),
                Some(
                    "the plan would write iceberg.file-format=AVRO2 to ConfigMap x, which is not one of ORC, PARQUET, AVRO",
                ),
            ),
            (
                spark_conf("sparkConf", "spark.network.timeout", "10sec"),
                Some(
                    "the plan would write spark.network.timeout=10sec to SparkApplication x, which has the unknown unit 'sec'",
                ),
            ),
            (
                spark_conf("hadoopConf", "fs.s3a.multipart.size", "64MB"),
                Some(
                    "the plan would write fs.s3a.multipart.size=64MB to SparkApplication x, which has the unknown unit 'B' (Hadoop takes one letter: k, m, g, t, p or e)",
                ),
            ),
            (
                overhead("1.5g"),
                Some(
                    "the plan would write spark.executor.memoryOverhead=1.5g to SparkApplication x, which has a fraction: Spark takes whole numbers only",
                ),
            ),
            (overhead("1536m"), None),
        ] {
            assert_eq!(refused_write(&plan(c)).as_deref(), want);
        }
    }
}
