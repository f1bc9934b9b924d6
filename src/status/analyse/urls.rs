//! Every URL a platform process connects to must lead somewhere: to a Service
//! that exists, on a port it serves (by number; a URL cannot name a port).
//! The URLs are found wherever the configuration writes them
//! ([`crate::platform::urls`]): container `env`, the `.properties` files a
//! workload mounts or reads through `envFrom` (Trino's `discovery.uri`,
//! Nessie's `quarkus.datasource.jdbc.url`), a SparkApplication's `sparkConf`,
//! `hadoopConf` and `env`. Trino catalogs are judged by the catalog rules
//! (their Nessie and S3 endpoints have codes of their own) with the same
//! [`service_finding`].

use std::collections::BTreeSet;

use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::platform::endpoint::{serves, service_target};
use crate::platform::properties::Properties;
use crate::platform::urls::{self, ConfiguredUrl};
use crate::platform::workload::config_maps;
use crate::snapshot::Snapshot;

use super::workloads;

/// Who reads a URL, for the messages: the object, the component it belongs to,
/// and a description (`Deployment data/nessie`).
pub(super) struct Reader<'a> {
    pub object: ObjectRef,
    pub component: Component,
    pub described: &'a str,
    /// The namespace short Service names resolve in.
    pub namespace: &'a str,
    /// Where a user edits the URL, for the hint: `billing.properties`,
    /// `Deployment/nessie -n dp`.
    pub edit_in: String,
}

/// `network.service-missing` (or `missing_code`) when the Service a URL names
/// is not there, `network.service-port-not-served` when it does not serve the
/// URL's port; nothing when the Service is elsewhere and unread (not known).
pub(super) fn service_finding(
    snapshot: &Snapshot,
    reader: &Reader<'_>,
    url: &ConfiguredUrl<'_>,
    missing_code: &'static str,
    fix_missing: &str,
) -> Option<Finding> {
    let target = service_target(url.url, reader.namespace)?;
    let (service, service_ns, port) = (target.service, target.namespace, target.port);
    let described = reader.described;
    let place = &url.place;
    match snapshot.service_exists(service_ns, service)? {
        false => Some(Finding::new(
            missing_code,
            Severity::Critical,
            reader.component,
            reader.object.clone(),
            format!(
                "{described}: {place} points at Service {service} in namespace {service_ns}, which does not exist"
            ),
            format!("fix {} in {}, or {fix_missing}", url.key, reader.edit_in),
        )),
        true => {
            let served = serves(snapshot.service(service_ns, service)?, port).err()?;
            let served: Vec<String> = served.iter().map(i32::to_string).collect();
            let how = if target.port_written {
                ""
            } else {
                " (the scheme's default)"
            };
            Some(Finding::new(
                "network.service-port-not-served",
                Severity::Critical,
                reader.component,
                reader.object.clone(),
                format!(
                    "{described}: {place} uses port {port}{how} of Service {service} in namespace {service_ns}, which serves {}: the connection is refused",
                    served.join(", ")
                ),
                format!(
                    "use a port the Service serves in {} of {} (e.g. {}), or add the port to Service {service}",
                    url.key, reader.edit_in, served[0]
                ),
            ))
        }
    }
}

/// Findings for every URL of the workloads and SparkApplications.
pub fn findings(snapshot: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    // A ConfigMap two workloads mount is judged once.
    let mut judged_files = BTreeSet::new();
    let fix = "deploy the Service it names";
    for w in workloads::with_cron_jobs(snapshot) {
        let Some(spec) = w.pod_spec() else {
            continue;
        };
        let described = w.object().to_string();
        let reader = Reader {
            object: w.object(),
            component: Component::of_app(w.app_name(), Component::Compliance),
            described: &described,
            namespace: w.namespace(),
            edit_in: w.object().to_string(),
        };
        for url in urls::in_env(spec) {
            out.extend(service_finding(
                snapshot,
                &reader,
                &url,
                "network.service-missing",
                fix,
            ));
        }
        for name in config_maps(spec) {
            let Some(cm) = snapshot.config_map(w.namespace(), &name) else {
                continue;
            };
            for (file, text) in cm.data.iter().flatten() {
                // Catalogs are the catalog rules' (trino/catalog.rs).
                let catalog = text.contains("connector.name");
                if !file.ends_with(".properties")
                    || catalog
                    || !judged_files.insert((w.namespace().to_string(), name.clone(), file.clone()))
                {
                    continue;
                }
                let props = Properties::parse(text);
                let described = format!("ConfigMap {name} {file}, read by {}", w.object());
                let reader = Reader {
                    object: ObjectRef::namespaced("ConfigMap", w.namespace(), &name),
                    component: reader.component,
                    described: &described,
                    namespace: reader.namespace,
                    edit_in: format!("{file} of ConfigMap {name}"),
                };
                for url in urls::in_properties(&props) {
                    out.extend(service_finding(
                        snapshot,
                        &reader,
                        &url,
                        "network.service-missing",
                        fix,
                    ));
                }
            }
        }
    }
    out.extend(spark_findings(snapshot, fix));
    out
}

fn spark_findings(snapshot: &Snapshot, fix: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for app in &snapshot.spark_applications.items {
        let namespace = app.metadata.namespace.as_deref().unwrap_or_default();
        let name = app.metadata.name.as_deref().unwrap_or_default();
        let object = ObjectRef::namespaced("SparkApplication", namespace, name);
        let described = format!("SparkApplication {name}");
        let reader = Reader {
            object,
            component: Component::Spark,
            described: &described,
            namespace,
            edit_in: format!("SparkApplication {name}"),
        };
        let env: Vec<(String, String)> = [
            ("driver", &app.spec.driver),
            ("executor", &app.spec.executor),
        ]
        .into_iter()
        .flat_map(|(role, pod)| {
            pod.env
                .iter()
                .filter_map(|v| v.as_array())
                .flatten()
                .filter_map(move |e| {
                    Some((
                        format!("{role} env {}", e.get("name")?.as_str()?),
                        e.get("value")?.as_str()?.to_string(),
                    ))
                })
        })
        .collect();
        let found = urls::in_settings("sparkConf", &app.spec.spark_conf)
            .into_iter()
            .chain(urls::in_settings("hadoopConf", &app.spec.hadoop_conf))
            .chain(env.iter().filter_map(|(place, value)| {
                Some(ConfiguredUrl {
                    place: place.clone(),
                    key: place,
                    url: urls::as_url(value)?,
                })
            }));
        for url in found {
            out.extend(service_finding(
                snapshot,
                &reader,
                &url,
                "network.service-missing",
                fix,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::codes;
    use super::*;
    use crate::kube::Listing;
    use crate::kube::Scope;

    fn snapshot(objects: serde_json::Value) -> Snapshot {
        let mut s = Snapshot {
            scope: Some(Scope::Namespace("dp".into())),
            ..Snapshot::default()
        };
        let list = |key: &str| objects[key].as_array().cloned().unwrap_or_default();
        s.services = Listing::available(
            list("services")
                .into_iter()
                .map(|v| serde_json::from_value(v).unwrap())
                .collect(),
        );
        s.deployments = Listing::available(
            list("deployments")
                .into_iter()
                .map(|v| serde_json::from_value(v).unwrap())
                .collect(),
        );
        s.config_maps = Listing::available(
            list("configMaps")
                .into_iter()
                .map(|v| serde_json::from_value(v).unwrap())
                .collect(),
        );
        s.spark_applications = Listing::available(
            list("spark")
                .into_iter()
                .map(|v| serde_json::from_value(v).unwrap())
                .collect(),
        );
        s
    }

    fn deployment(
        name: &str,
        env: serde_json::Value,
        config_map: Option<&str>,
    ) -> serde_json::Value {
        let volumes = config_map
            .map(|cm| serde_json::json!([{"name": "conf", "configMap": {"name": cm}}]))
            .unwrap_or(serde_json::json!([]));
        serde_json::json!({
            "metadata": {"name": name, "namespace": "dp", "labels": {"app.kubernetes.io/name": name}},
            "spec": {"selector": {"matchLabels": {"app": name}}, "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": name}},
                "spec": {"volumes": volumes, "containers": [{"name": name, "env": env}]}}}
        })
    }

    fn postgres_service() -> serde_json::Value {
        serde_json::json!({"metadata": {"name": "pg", "namespace": "dp"},
            "spec": {"ports": [{"name": "tcp-postgresql", "port": 5432}]}})
    }

    #[test]
    fn env_urls_must_reach_a_served_port() {
        let ok = snapshot(serde_json::json!({
            "services": [postgres_service()],
            "deployments": [deployment("nessie", serde_json::json!([
                {"name": "QUARKUS_DATASOURCE_JDBC_URL", "value": "jdbc:postgresql://pg:5432/nessie"},
                {"name": "ELSEWHERE", "value": "https://pg.other-ns.svc:5432"},
                {"name": "PUBLIC", "value": "https://s3.eu-west-1.amazonaws.com"}
            ]), None)]
        }));
        assert!(findings(&ok).is_empty(), "{:?}", findings(&ok));

        let wrong_port = snapshot(serde_json::json!({
            "services": [postgres_service()],
            "deployments": [deployment("nessie", serde_json::json!([
                {"name": "QUARKUS_DATASOURCE_JDBC_URL", "value": "jdbc:postgresql://pg:5433/nessie"}
            ]), None)]
        }));
        let found = findings(&wrong_port);
        assert_eq!(codes(&found), ["network.service-port-not-served"]);
        assert!(
            found[0]
                .message
                .contains("env QUARKUS_DATASOURCE_JDBC_URL of container nessie uses port 5433"),
            "{}",
            found[0].message
        );
        assert_eq!(found[0].component, Component::Nessie);

        let missing = snapshot(serde_json::json!({
            "deployments": [deployment("nessie", serde_json::json!([
                {"name": "QUARKUS_DATASOURCE_JDBC_URL", "value": "jdbc:postgresql://pg/nessie"}
            ]), None)]
        }));
        assert_eq!(codes(&findings(&missing)), ["network.service-missing"]);
    }

    #[test]
    fn mounted_properties_are_read_and_catalogs_left_to_the_catalog_rules() {
        let s = snapshot(serde_json::json!({
            "services": [postgres_service()],
            "configMaps": [{"metadata": {"name": "nessie-config", "namespace": "dp"}, "data": {
                "application.properties": "nessie.version.store.type=JDBC2\nquarkus.datasource.jdbc.url=jdbc:postgresql://pg:5432/nessie\nquarkus.otel.endpoint=http://pg\n",
                "iceberg.properties": "connector.name=iceberg\ns3.endpoint=http://nowhere:80\n",
                "notes.txt": "http://nowhere:1"
            }}],
            "deployments": [
                deployment("nessie", serde_json::json!([]), Some("nessie-config")),
                deployment("nessie-gc", serde_json::json!([]), Some("nessie-config"))
            ]
        }));
        let found = findings(&s);
        // http://pg means port 80, which pg does not serve; reported once for both readers.
        assert_eq!(codes(&found), ["network.service-port-not-served"]);
        assert_eq!(found[0].object.kind, "ConfigMap");
        assert!(
            found[0]
                .message
                .contains("quarkus.otel.endpoint (line 3) uses port 80 (the scheme's default)"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn spark_conf_hadoop_conf_and_env_urls_are_judged() {
        let s = snapshot(serde_json::json!({
            "services": [{"metadata": {"name": "rgw", "namespace": "dp"}, "spec": {"ports": [{"port": 80}]}}],
            "spark": [{"metadata": {"name": "ingest", "namespace": "dp"}, "spec": {
                "sparkConf": {"spark.hadoop.fs.s3a.endpoint": "http://rgw:8080"},
                "hadoopConf": {"fs.s3a.endpoint": "http://rgw:80"},
                "driver": {"env": [{"name": "CATALOG", "value": "http://nessie:19120/api/v2"}]},
                "executor": {}
            }}]
        }));
        let found = findings(&s);
        assert_eq!(
            codes(&found),
            ["network.service-port-not-served", "network.service-missing"]
        );
        assert!(
            found[1]
                .message
                .contains("driver env CATALOG points at Service nessie"),
            "{}",
            found[1].message
        );
    }
}
