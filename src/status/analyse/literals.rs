//! Secrets written as literals in ConfigMaps and SparkApplications (finding
//! `security.literal-secret`): anyone who may read those objects reads the
//! secret. The detection is `crate::redact::literals` (the same rules that mask
//! output); a finding names the object, the place and the key or shape, never
//! the value. Catalog credentials have their own finding
//! (`trino.catalog-literal-secret`) and are not repeated here, nor are the
//! literals Nessie's analysis judges in the files Nessie reads
//! (`nessie::judged_literals`).

use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::redact::Kind;
use crate::redact::literals::{Literal, in_config_map, in_spark_spec};
use crate::snapshot::Snapshot;

/// One finding per literal secret.
pub(super) fn findings(snapshot: &Snapshot) -> Vec<Finding> {
    // The catalog files Trino really loads: their credentials have their own
    // finding. A catalog-looking file no Trino mounts as a catalog is judged here.
    let catalogs: std::collections::BTreeSet<(String, String, String)> =
        super::trino::layout(snapshot)
            .nodes
            .iter()
            .flat_map(|n| {
                n.files.catalogs.iter().map(|f| {
                    (
                        n.workload.namespace().to_string(),
                        f.source.config_map.clone(),
                        f.source.key.clone(),
                    )
                })
            })
            .collect();
    let nessie = super::nessie::judged_literals(snapshot);
    let mut out = Vec::new();
    for cm in &snapshot.config_maps.items {
        let own_backup = cm
            .metadata
            .labels
            .as_ref()
            .is_some_and(|l| l.contains_key(crate::kube::TUNE_BACKUP_LABEL));
        let Some(data) = cm.data.as_ref().filter(|_| !own_backup) else {
            continue;
        };
        let object = ObjectRef::from_meta("ConfigMap", &cm.metadata);
        for literal in in_config_map(data) {
            let file = literal.location.split(" line ").next().unwrap_or_default();
            let catalog = catalogs.contains(&(
                object.namespace.clone().unwrap_or_default(),
                object.name.clone(),
                file.to_string(),
            ));
            if catalog && matches!(literal.kind, Kind::Key(_)) {
                continue;
            }
            let place = (
                object.namespace.clone().unwrap_or_default(),
                object.name.clone(),
                literal.location.clone(),
            );
            if nessie.contains(&place) {
                continue;
            }
            out.push(finding(&object, &literal, "ConfigMap"));
        }
    }
    for app in &snapshot.spark_applications.items {
        let object = ObjectRef::from_meta("SparkApplication", &app.metadata);
        let spec = serde_json::to_value(&app.spec).unwrap_or_default();
        for literal in in_spark_spec(&spec) {
            out.push(finding(&object, &literal, "SparkApplication"));
        }
    }
    out
}

fn finding(object: &ObjectRef, literal: &Literal, kind: &str) -> Finding {
    let fix = if kind == "SparkApplication" {
        "move the value to a Secret and reference it (env valueFrom.secretKeyRef, spark.kubernetes.{driver,executor}.secretKeyRef.NAME); `kubectl dp tune export` writes the references"
    } else {
        "move the value to a Secret and read it from the environment (`${ENV:NAME}` in Trino's .properties files) or a mounted file; `kubectl dp tune export` writes the placeholders"
    };
    Finding::new(
        "security.literal-secret",
        Severity::Critical,
        Component::Secrets,
        object.clone(),
        format!(
            "{}: a secret written as a literal in a {kind}, readable by anyone who may read {kind}s (the value is not shown)",
            literal.describe()
        ),
        fix,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::Listing;

    #[test]
    fn literals_in_config_maps_and_spark_applications_are_findings() {
        let config_map = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "app-config", "namespace": "dp"},
            "data": {
                "application.properties": "quarkus.datasource.jdbc.url=jdbc:postgresql://nessie:hunter2@pg/db\nquarkus.datasource.password=hunter2\n",
                "iceberg.properties": "connector.name=iceberg\ns3.aws-secret-key=hunter2\n"
            }
        }))
        .unwrap();
        let app = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "etl", "namespace": "dp"},
            "spec": {"sparkConf": {"spark.hadoop.fs.s3a.secret.key": "hunter2"},
                     "driver": {"env": [{"name": "DB_PASSWORD", "value": "hunter2"}]}}
        }))
        .unwrap();
        let snapshot = Snapshot {
            config_maps: Listing::available(vec![config_map]),
            spark_applications: Listing::available(vec![app]),
            ..Snapshot::default()
        };
        let found = findings(&snapshot);
        let messages: Vec<String> = found
            .iter()
            .map(|f| format!("{} {}", f.object.name, f.message))
            .collect();
        // No Trino loads iceberg.properties as a catalog (none mounts it): its
        // credential is this finding, not trino.catalog-literal-secret.
        assert_eq!(found.len(), 5, "{messages:#?}");
        assert!(
            messages[2].starts_with("app-config iceberg.properties line 2: s3.aws-secret-key"),
            "{messages:#?}"
        );
        assert!(
            messages[0]
                .starts_with("app-config application.properties line 1: a password in a URL"),
            "{messages:#?}"
        );
        assert!(
            messages[1].starts_with(
                "app-config application.properties line 2: quarkus.datasource.password"
            ),
            "{messages:#?}"
        );
        assert!(
            messages[3].starts_with("etl spec.driver.env[0] DB_PASSWORD: DB_PASSWORD"),
            "{messages:#?}"
        );
        assert!(
            messages[4].starts_with("etl spec.sparkConf.spark.hadoop.fs.s3a.secret.key"),
            "{messages:#?}"
        );
        assert!(found.iter().all(|f| f.code == "security.literal-secret"));
        assert!(!format!("{found:?}").contains("hunter2"));
    }
}
