//! A Trino catalog file's findings: property names Trino does not have, values
//! of the wrong type or out of bounds (Iceberg catalogs), the Nessie and S3
//! Services it points at, and credentials written as literals.

use crate::findings::{Component, FieldRef, Finding, ObjectRef, Severity};
use crate::platform::properties::Properties;
use crate::platform::trino::layout::TrinoFile;
use crate::platform::trino::values::{self, Table};
use crate::platform::trino::{invented_property, unknown_iceberg_property};
use crate::platform::urls::ConfiguredUrl;
use crate::snapshot::Snapshot;

use super::super::urls::{Reader, service_finding};

pub(super) fn catalog_findings(
    snapshot: &Snapshot,
    namespace: &str,
    catalog_file: &TrinoFile,
) -> Vec<Finding> {
    let object = ObjectRef::namespaced("ConfigMap", namespace, &catalog_file.source.config_map);
    let mut out = Vec::new();
    // The ConfigMap key: what a user edits, and what messages name.
    let file = &catalog_file.source.key;
    {
        let Some(text) = catalog_file.text.as_deref() else {
            return out;
        };
        let props = Properties::parse(text);
        let Some(connector) = props.get("connector.name") else {
            return out;
        };
        let catalog = catalog_file.catalog_name();
        out.extend(super::malformed_lines(
            &props,
            &object,
            file,
            &format!("catalog {file}"),
        ));
        for (key, value, line) in props.entries() {
            if crate::platform::credentials::is_credential_key(key)
                && crate::platform::credentials::is_literal(value)
            {
                out.push(Finding::new(
                    "trino.catalog-literal-secret",
                    Severity::Critical,
                    Component::Trino,
                    object.clone(),
                    format!("catalog {catalog} line {line}: {key} is a credential written in a ConfigMap, readable by anyone who may read ConfigMaps"),
                    format!("move the value to a Secret, expose it to Trino as an environment variable and write {key}=${{ENV:NAME}} in {file}"),
                ).with_field(FieldRef::config_map_line(&object, file, line)));
            }
        }
        if connector != "iceberg" {
            // Every connector's URLs (a PostgreSQL catalog's connection-url) must resolve.
            out.extend(service_references(
                snapshot, namespace, &object, catalog, file, &props,
            ));
            return out;
        }
        for (key, _, line) in props.entries() {
            if let Some(why) = invented_property(key) {
                out.push(Finding::new(
                    "trino.catalog-unknown-property",
                    Severity::Critical,
                    Component::Trino,
                    object.clone(),
                    format!("catalog {catalog} line {line}: {key} does not exist in Trino ({why}); the catalog fails to load"),
                    format!("remove or rename {key} in {file}"),
                ).with_field(FieldRef::config_map_line(&object, file, line)));
            } else if unknown_iceberg_property(key) {
                out.push(Finding::new(
                    "trino.catalog-unverified-property",
                    Severity::Info,
                    Component::Trino,
                    object.clone(),
                    format!("catalog {catalog} line {line}: {key} is not an Iceberg property kubectl-dp knows"),
                    "check the name against the Trino Iceberg connector docs for your version",
                ).with_field(FieldRef::config_map_line(&object, file, line)));
            }
        }
        for refusal in values::check(&props, Table::Iceberg, &[]) {
            out.push(Finding::new(
                "trino.config-invalid-value",
                Severity::Critical,
                Component::Trino,
                object.clone(),
                refusal.message(&format!("catalog {catalog}"), "the catalog fails to load"),
                format!("{} in {file} of ConfigMap {}", refusal.fix(), object.name),
            ));
        }
        out.extend(service_references(
            snapshot, namespace, &object, catalog, file, &props,
        ));
    }
    out
}

/// Catalog properties that name a Service: (key, what the Service is).
const SERVICE_URL_KEYS: &[(&str, &str)] = &[
    ("iceberg.nessie-catalog.uri", "Nessie"),
    ("iceberg.rest-catalog.uri", "the REST catalog"),
    (
        "iceberg.jdbc-catalog.connection-url",
        "the catalog database",
    ),
    ("connection-url", "the database"),
    ("s3.endpoint", "S3 endpoint"),
    ("hive.s3.endpoint", "S3 endpoint"),
];

/// Every Service a catalog names must exist and serve the port the URL uses
/// (judged as every other URL of the platform is: `super::super::urls`).
fn service_references(
    snapshot: &Snapshot,
    namespace: &str,
    object: &ObjectRef,
    catalog: &str,
    file: &str,
    props: &Properties,
) -> Vec<Finding> {
    let described = format!("catalog {catalog}");
    let reader = Reader {
        object: object.clone(),
        component: Component::Trino,
        described: &described,
        namespace,
        edit_in: file.to_string(),
    };
    SERVICE_URL_KEYS
        .iter()
        .filter_map(|(key, what)| {
            let url = ConfiguredUrl {
                place: (*key).to_string(),
                key,
                url: props.get(key)?,
            };
            let missing_code = match *what {
                "Nessie" => "trino.catalog-nessie-missing",
                "S3 endpoint" => "trino.catalog-s3-missing",
                _ => "network.service-missing",
            };
            service_finding(
                snapshot,
                &reader,
                &url,
                missing_code,
                &format!("deploy {what}"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::super::fixtures::{codes, trino_snapshot};
    use super::super::analyse;
    use crate::kube::Listing;

    fn with_catalog(uri: &str) -> Vec<&'static str> {
        with_catalog_file(&format!(
            "connector.name=iceberg\niceberg.catalog.type=nessie\niceberg.nessie-catalog.uri={uri}\n"
        ))
    }

    fn with_catalog_file(text: &str) -> Vec<&'static str> {
        let mut s = trino_snapshot("8G", "10Gi", "24G", "28Gi", "");
        s.services = Listing::available(vec![
            serde_json::from_value(serde_json::json!({
                "metadata": {"name": "nessie", "namespace": "dp"},
                "spec": {"ports": [{"name": "http", "port": 19120, "targetPort": 19120}]}
            }))
            .unwrap(),
        ]);
        let catalog = s
            .config_maps
            .items
            .iter_mut()
            .find(|c| c.metadata.name.as_deref() == Some("trino-catalog"))
            .unwrap();
        catalog
            .data
            .get_or_insert_default()
            .insert("iceberg.properties".into(), text.to_string());
        codes(&analyse(&s).findings)
    }

    #[test]
    fn a_service_must_serve_the_port_the_url_uses() {
        assert!(with_catalog("http://nessie:19120/api/v2").is_empty());
        assert!(with_catalog("http://nessie.dp.svc.cluster.local:19120/api/v2").is_empty());
        assert_eq!(
            with_catalog("http://nessie:19121/api/v2"),
            ["network.service-port-not-served"]
        );
        // No port written: http means 80, which the Service does not serve.
        assert_eq!(
            with_catalog("http://nessie/api/v2"),
            ["network.service-port-not-served"]
        );
        assert_eq!(
            with_catalog("http://nessy:19120/api/v2"),
            ["trino.catalog-nessie-missing"]
        );
    }

    /// Not only Iceberg's: every connector's URL names a Service that must exist.
    #[test]
    fn a_jdbc_connector_url_must_resolve() {
        let postgres = |url: &str| {
            with_catalog_file(&format!(
                "connector.name=postgresql\nconnection-url={url}\nconnection-user=trino\n"
            ))
        };
        assert_eq!(
            postgres("jdbc:postgresql://billing-db:5432/billing"),
            ["network.service-missing"]
        );
        assert_eq!(
            postgres("jdbc:postgresql://nessie:5432/billing"),
            ["network.service-port-not-served"]
        );
        assert!(postgres("jdbc:postgresql://db.example.com:5432/billing").is_empty());
    }
}
