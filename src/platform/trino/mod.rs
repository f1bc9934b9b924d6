//! What kubectl-dp knows about Trino: where an installation's parts are
//! ([`layout`]), its memory arithmetic ([`memory`]), its property names
//! (REFERENCE.md, "Trino" and "Iceberg catalog in Trino") and the types and
//! bounds of their values ([`values`]).

pub mod layout;
pub mod memory;
pub(crate) mod values;

pub use layout::{Role, TrinoLayout, TrinoNode};

/// Property names that circulate in blog posts and generated configs but do not
/// exist in Trino, with what was probably meant.
pub(crate) const INVENTED_CATALOG_PROPERTIES: &[(&str, &str)] = &[
    (
        "iceberg.split-size",
        "no such property; iceberg.max-split-size exists only from Trino 482",
    ),
    (
        "hive.max-split-size",
        "a Hive connector property; it does nothing in an Iceberg catalog",
    ),
    (
        "iceberg.metadata.cache-ttl",
        "no such property; use iceberg.metadata-cache.enabled",
    ),
    (
        "iceberg.metadata.cache-size",
        "no such property; use iceberg.metadata-cache.enabled",
    ),
    (
        "iceberg.parquet.use-bloom-filter",
        "the real name is parquet.use-bloom-filter",
    ),
    (
        "iceberg.file-system-type",
        "no such property; use fs.native-s3.enabled=true",
    ),
    (
        "iceberg.compression",
        "the real name is iceberg.compression-codec",
    ),
];

/// Server properties Trino removed; a server with them refuses to start.
pub(crate) const REMOVED_SERVER_PROPERTIES: &[(&str, &str)] = &[(
    "query.max-total-memory-per-node",
    "removed from Trino (memory is now capped by query.max-memory-per-node and the heap headroom)",
)];

/// Why `key` in config.properties is a property Trino removed: the list above,
/// then every name Trino 476 declares defunct (`@DefunctConfig`, from
/// [`values`]). Trino refuses to start with any of them.
pub(crate) fn removed_server_property(key: &str) -> Option<&'static str> {
    REMOVED_SERVER_PROPERTIES
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, why)| *why)
        .or_else(|| {
            values::defunct(values::Table::Server, key)
                .then_some("removed from Trino (a defunct property in Trino 476)")
        })
}

/// Iceberg-connector property names known to be real.
pub(crate) const KNOWN_ICEBERG_PROPERTIES: &[&str] = &[
    "connector.name",
    "iceberg.catalog.type",
    "iceberg.nessie-catalog.uri",
    "iceberg.nessie-catalog.ref",
    "iceberg.nessie-catalog.default-warehouse-dir",
    "iceberg.nessie-catalog.read-timeout",
    "iceberg.nessie-catalog.connection-timeout",
    "iceberg.nessie-catalog.authentication.type",
    "iceberg.nessie-catalog.authentication.token",
    "iceberg.nessie-catalog.client-api-version",
    "iceberg.file-format",
    "iceberg.compression-codec",
    "iceberg.target-max-file-size",
    "iceberg.projection-pushdown-enabled",
    "iceberg.metadata-cache.enabled",
    "iceberg.max-partitions-per-writer",
    "iceberg.max-split-size",
    "iceberg.unique-table-location",
    "iceberg.register-table-procedure.enabled",
    "iceberg.expire-snapshots.min-retention",
    "iceberg.remove-orphan-files.min-retention",
    "iceberg.minimum-assigned-split-weight",
    "iceberg.query-partition-filter-required",
    "iceberg.sorted-writing-enabled",
    "iceberg.table-statistics-enabled",
    "iceberg.extended-statistics.enabled",
    "iceberg.dynamic-filtering.wait-timeout",
    "iceberg.delete-schema-locations-fallback",
    "iceberg.hive-catalog-name",
    "iceberg.security",
    "iceberg.rest-catalog.uri",
    "iceberg.rest-catalog.warehouse",
    "iceberg.jdbc-catalog.connection-url",
];

/// Whether `key` in an Iceberg catalog is a property Trino will not accept, and why.
pub(crate) fn invented_property(key: &str) -> Option<&'static str> {
    INVENTED_CATALOG_PROPERTIES
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, why)| *why)
}

/// An `iceberg.*` name we do not know (neither in the list above nor among
/// Trino 476's Iceberg-catalog properties, [`values`]): Trino refuses unknown
/// catalog properties at start-up.
pub(crate) fn unknown_iceberg_property(key: &str) -> bool {
    key.starts_with("iceberg.")
        && !KNOWN_ICEBERG_PROPERTIES.contains(&key)
        && values::Table::Iceberg.property(key).is_none()
        && invented_property(key).is_none()
}

/// The host part of a URL or endpoint (`http://nessie.data-platform.svc:19120/api/v2` → `nessie.data-platform.svc`).
pub(crate) fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split(':').next()?;
    (!host.is_empty()).then_some(host)
}

/// A cluster-internal Service a host names: `svc`, `svc.ns`, `svc.ns.svc`,
/// `svc.ns.svc.cluster.local`. `None` for hosts outside the cluster (IPs, public names).
pub(crate) fn service_of_host<'a>(
    host: &'a str,
    default_namespace: &'a str,
) -> Option<(&'a str, &'a str)> {
    if host.parse::<std::net::IpAddr>().is_ok() || host == "localhost" {
        return None;
    }
    let parts: Vec<&str> = host.split('.').collect();
    match parts.as_slice() {
        [service] => Some((service, default_namespace)),
        [service, namespace] => Some((service, namespace)),
        [service, namespace, "svc", rest @ ..]
            if rest.is_empty() || rest.join(".").starts_with("cluster") =>
        {
            Some((service, namespace))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_services() {
        assert_eq!(url_host("http://nessie:19120/api/v2"), Some("nessie"));
        assert_eq!(
            url_host("http://user@nessie.ns.svc:19120"),
            Some("nessie.ns.svc")
        );
        assert_eq!(url_host("rook-ceph-rgw:80"), Some("rook-ceph-rgw"));
        assert_eq!(service_of_host("nessie", "dp"), Some(("nessie", "dp")));
        assert_eq!(
            service_of_host("nessie.other", "dp"),
            Some(("nessie", "other"))
        );
        assert_eq!(
            service_of_host("rgw.rook-ceph.svc.cluster.local", "dp"),
            Some(("rgw", "rook-ceph"))
        );
        assert_eq!(service_of_host("s3.amazonaws.com", "dp"), None);
        assert_eq!(service_of_host("10.0.0.1", "dp"), None);
    }

    #[test]
    fn property_names() {
        assert!(invented_property("iceberg.split-size").is_some());
        assert!(invented_property("iceberg.file-format").is_none());
        assert!(unknown_iceberg_property("iceberg.made-up"));
        assert!(!unknown_iceberg_property("iceberg.file-format"));
        assert!(!unknown_iceberg_property("iceberg.split-size"));
        // Known from Trino 476's own config classes (values::iceberg_476).
        assert!(!unknown_iceberg_property("iceberg.bucket-execution"));
    }
}
