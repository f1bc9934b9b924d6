//! A Trino catalog file's findings: property names Trino does not have, the
//! Nessie and S3 Services it points at, and credentials written as literals.

use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::platform::properties::Properties;
use crate::platform::trino::layout::TrinoFile;
use crate::platform::trino::{
    invented_property, service_of_host, unknown_iceberg_property, url_host,
};
use crate::snapshot::Snapshot;

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
                ));
            }
        }
        if connector != "iceberg" {
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
                ));
            } else if unknown_iceberg_property(key) {
                out.push(Finding::new(
                    "trino.catalog-unverified-property",
                    Severity::Info,
                    Component::Trino,
                    object.clone(),
                    format!("catalog {catalog} line {line}: {key} is not an Iceberg property kubectl-dp knows"),
                    "check the name against the Trino Iceberg connector docs for your version",
                ));
            }
        }
        for (key, what) in [
            ("iceberg.nessie-catalog.uri", "Nessie"),
            ("s3.endpoint", "S3 endpoint"),
            ("hive.s3.endpoint", "S3 endpoint"),
        ] {
            let Some(host) = props.get(key).and_then(url_host) else {
                continue;
            };
            let Some((service, service_ns)) = service_of_host(host, namespace) else {
                continue;
            };
            // Known when its namespace was read or it was read by name
            // (coverage.references): the same verdict with -n and -A.
            if snapshot.service_exists(service_ns, service) == Some(false) {
                out.push(Finding::new(
                    if what == "Nessie" { "trino.catalog-nessie-missing" } else { "trino.catalog-s3-missing" },
                    Severity::Critical,
                    Component::Trino,
                    object.clone(),
                    format!("catalog {catalog}: {key} points at Service {service} in namespace {service_ns}, which does not exist"),
                    format!("fix {key} in {file} or deploy {what}"),
                ));
            }
        }
    }
    out
}
