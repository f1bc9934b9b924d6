//! The Services the platform names outside the namespaces a report covers
//! (pure): Trino catalogs' Nessie and S3 endpoints, Nessie's JDBC URL. They
//! are read one by one (a few GETs, bounded) so that `-n data-platform` and
//! `-A` give the same verdict on a catalog whose S3 endpoint lives in `rook-ceph`.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{ConfigMap, PodTemplateSpec};

use crate::platform::properties::Properties;
use crate::platform::trino::{service_of_host, url_host};
use crate::platform::urls;

use super::coverage::Coverage;

/// At most this many cross-namespace Services are read one by one; the rest are "not checked".
pub(crate) const MAX_REFERENCES: usize = 16;

/// Catalog properties whose value is a URL to a cluster Service.
pub(crate) const CATALOG_URL_KEYS: [&str; 6] = [
    "iceberg.nessie-catalog.uri",
    "iceberg.rest-catalog.uri",
    "iceberg.jdbc-catalog.connection-url",
    "connection-url",
    "s3.endpoint",
    "hive.s3.endpoint",
];

/// `(namespace, name)` of a Service → who names it, for every Service in a
/// namespace `coverage` does not include.
pub fn outside(
    coverage: &Coverage,
    config_maps: &[ConfigMap],
    deployments: &[Deployment],
    stateful_sets: &[StatefulSet],
) -> BTreeMap<(String, String), String> {
    let mut found = BTreeMap::new();
    let mut note = |host: &str, namespace: &str, by: String| {
        if let Some((service, service_ns)) = service_of_host(host, namespace)
            && !coverage.includes(service_ns)
        {
            found
                .entry((service_ns.to_string(), service.to_string()))
                .or_insert(by);
        }
    };
    for cm in config_maps {
        let namespace = cm.metadata.namespace.as_deref().unwrap_or_default();
        let name = cm.metadata.name.as_deref().unwrap_or_default();
        for (file, text) in cm.data.iter().flatten() {
            if !file.ends_with(".properties") {
                continue;
            }
            let props = Properties::parse(text);
            if !text.contains("connector.name") {
                // Any other properties file: URLs whose host can only be a Service.
                for url in urls::in_properties(&props) {
                    if let Some(host) = unambiguous_service_host(url.url) {
                        note(
                            host,
                            namespace,
                            format!("ConfigMap {namespace}/{name} {file} {}", url.key),
                        );
                    }
                }
                continue;
            }
            for key in CATALOG_URL_KEYS {
                if let Some(host) = props
                    .get(key)
                    .and_then(|url| url_host(url.strip_prefix("jdbc:").unwrap_or(url)))
                {
                    note(
                        host,
                        namespace,
                        format!("ConfigMap {namespace}/{name} {file} {key}"),
                    );
                }
            }
        }
    }
    let templates = deployments
        .iter()
        .filter_map(|d| Some(("Deployment", &d.metadata, &d.spec.as_ref()?.template)))
        .chain(
            stateful_sets
                .iter()
                .filter_map(|s| Some(("StatefulSet", &s.metadata, &s.spec.as_ref()?.template))),
        );
    for (kind, meta, template) in templates {
        let namespace = meta.namespace.as_deref().unwrap_or_default();
        let name = meta.name.as_deref().unwrap_or_default();
        for (env, url) in jdbc_urls(template) {
            if let Some(host) = url_host(url) {
                note(
                    host,
                    namespace,
                    format!("{kind} {namespace}/{name} env {env}"),
                );
            }
        }
        for url in template.spec.iter().flat_map(urls::in_env) {
            if let Some(host) = unambiguous_service_host(url.url) {
                note(
                    host,
                    namespace,
                    format!("{kind} {namespace}/{name} {}", url.place),
                );
            }
        }
    }
    found
}

/// The host of a URL when it can only be a cluster Service (`svc.ns.svc`,
/// `svc.ns.svc.cluster.local`): `name.tld` may be a public name, so such a
/// host is not read by name from a namespace that may not exist.
fn unambiguous_service_host(url: &str) -> Option<&str> {
    let host = url_host(url.strip_prefix("jdbc:").unwrap_or(url))?;
    (host.split('.').nth(2) == Some("svc")).then_some(host)
}

/// `(env name, postgresql://…)` of every literal JDBC URL in a pod template.
fn jdbc_urls(template: &PodTemplateSpec) -> Vec<(&str, &str)> {
    template
        .spec
        .iter()
        .flat_map(|s| &s.containers)
        .flat_map(|c| c.env.iter().flatten())
        .filter_map(|e| {
            let url = e.value.as_deref()?.trim().strip_prefix("jdbc:")?;
            url.starts_with("postgresql://")
                .then_some((e.name.as_str(), url))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_endpoints_in_other_namespaces_are_references() {
        let catalog: ConfigMap = serde_json::from_value(serde_json::json!({
            "metadata": {"namespace": "data-platform", "name": "trino-catalog"},
            "data": {
                "iceberg.properties": "connector.name=iceberg\niceberg.nessie-catalog.uri=http://nessie:19120/api/v2\ns3.endpoint=http://rook-ceph-rgw-objectstore.rook-ceph.svc:80\n",
                "public.properties": "connector.name=iceberg\ns3.endpoint=https://s3.eu-west-1.amazonaws.com\n",
                "jvm.config": "-Xmx8G\n"
            }
        }))
        .unwrap();
        let nessie: Deployment = serde_json::from_value(serde_json::json!({
            "metadata": {"namespace": "data-platform", "name": "nessie"},
            "spec": {
                "selector": {},
                "template": {"spec": {"containers": [{"name": "nessie", "env": [
                    {"name": "QUARKUS_DATASOURCE_POSTGRESQL_JDBC_URL", "value": "jdbc:postgresql://pg.catalog-db:5432/nessie"}
                ]}]}}
            }
        }))
        .unwrap();
        let coverage = Coverage::named("data-platform");
        let refs = outside(&coverage, &[catalog], &[nessie], &[]);
        let keys: Vec<(&str, &str)> = refs
            .keys()
            .map(|(ns, name)| (ns.as_str(), name.as_str()))
            .collect();
        // Nessie in the same namespace and the public S3 endpoint are not references.
        assert_eq!(
            keys,
            [
                ("catalog-db", "pg"),
                ("rook-ceph", "rook-ceph-rgw-objectstore")
            ]
        );
        assert_eq!(
            refs[&(
                "rook-ceph".to_string(),
                "rook-ceph-rgw-objectstore".to_string()
            )],
            "ConfigMap data-platform/trino-catalog iceberg.properties s3.endpoint"
        );
    }

    #[test]
    fn other_urls_are_references_only_when_their_host_is_a_service_name() {
        let app: Deployment = serde_json::from_value(serde_json::json!({
            "metadata": {"namespace": "data-platform", "name": "loader"},
            "spec": {"selector": {}, "template": {"spec": {"containers": [{"name": "loader", "env": [
                {"name": "S3", "value": "http://minio.storage.svc:9000"},
                {"name": "DOCS", "value": "https://github.com/trinodb"},
                {"name": "SHORT", "value": "http://minio.storage:9000"}
            ]}]}}}
        }))
        .unwrap();
        let refs = outside(&Coverage::named("data-platform"), &[], &[app], &[]);
        let keys: Vec<&(String, String)> = refs.keys().collect();
        assert_eq!(keys, [&("storage".to_string(), "minio".to_string())]);
        assert_eq!(
            refs.values().next().unwrap(),
            "Deployment data-platform/loader env S3 of container loader"
        );
    }
}
