//! Where a URL in the platform's configuration leads: the cluster Service it
//! names (by name and namespace, from `svc`, `svc.ns`, `svc.ns.svc[.cluster.local]`)
//! and the port it uses (written, or the scheme's default), and whether that
//! Service serves that port. A catalog whose Service exists but listens on
//! another port fails just as surely as one whose Service is gone.

use k8s_openapi::api::core::v1::Service;

use crate::platform::trino::{service_of_host, url_host};

/// A Service a URL points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServiceTarget<'a> {
    /// The Service's name.
    pub service: &'a str,
    /// Its namespace.
    pub namespace: &'a str,
    /// The port the client connects to.
    pub port: i32,
    /// Whether the URL wrote the port (else it is the scheme's default).
    pub port_written: bool,
}

/// The scheme of a URL, `jdbc:` stripped (`jdbc:postgresql://…` → `postgresql`).
fn scheme(url: &str) -> Option<&str> {
    let url = url.strip_prefix("jdbc:").unwrap_or(url);
    url.split_once("://").map(|(s, _)| s)
}

/// The port a client of `scheme` uses when none is written.
pub(crate) fn default_port(scheme: Option<&str>) -> i32 {
    match scheme {
        Some("https") | Some("s3") => 443,
        Some("postgresql") | Some("postgres") => 5432,
        Some("mysql") | Some("mariadb") => 3306,
        Some("sqlserver") => 1433,
        Some("oracle") => 1521,
        _ => 80,
    }
}

/// The port written in a URL's authority (`host:19120`), if any.
pub(crate) fn written_port(url: &str) -> Option<i32> {
    let url = url.strip_prefix("jdbc:").unwrap_or(url);
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', ';']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (_, port) = host_port.rsplit_once(':')?;
    port.parse().ok()
}

/// The cluster Service `url` names, resolved against `namespace`; `None` for
/// hosts outside the cluster (public names, IPs).
pub(crate) fn service_target<'a>(url: &'a str, namespace: &'a str) -> Option<ServiceTarget<'a>> {
    let without_jdbc = url.strip_prefix("jdbc:").unwrap_or(url);
    let host = url_host(without_jdbc)?;
    let (service, namespace) = service_of_host(host, namespace)?;
    let written = written_port(url);
    Some(ServiceTarget {
        service,
        namespace,
        port: written.unwrap_or(default_port(scheme(url))),
        port_written: written.is_some(),
    })
}

/// The ports a Service serves, or `Ok` when it serves `port`.
pub fn serves(service: &Service, port: i32) -> Result<(), Vec<i32>> {
    let ports: Vec<i32> = service
        .spec
        .iter()
        .flat_map(|s| s.ports.iter().flatten())
        .map(|p| p.port)
        .collect();
    // A headless Service without ports forwards any port to its pods.
    if ports.is_empty() || ports.contains(&port) {
        Ok(())
    } else {
        Err(ports)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_ports() {
        let t = service_target("http://nessie:19121/api/v2", "dp").unwrap();
        assert_eq!(
            (t.service, t.namespace, t.port, t.port_written),
            ("nessie", "dp", 19121, true)
        );
        let t = service_target(
            "jdbc:postgresql://pg.db.svc.cluster.local/nessie?ssl=true",
            "dp",
        )
        .unwrap();
        assert_eq!(
            (t.service, t.namespace, t.port, t.port_written),
            ("pg", "db", 5432, false)
        );
        let t = service_target("https://rgw.rook-ceph.svc", "dp").unwrap();
        assert_eq!(t.port, 443);
        let t = service_target("http://user:pw@minio:9000", "dp").unwrap();
        assert_eq!(t.port, 9000);
        assert!(service_target("https://s3.amazonaws.com", "dp").is_none());
    }

    #[test]
    fn a_service_serves_its_ports() {
        let svc: Service = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "nessie"}, "spec": {"ports": [{"port": 19120}, {"port": 9000, "name": "mgmt"}]}
        }))
        .unwrap();
        assert_eq!(serves(&svc, 19120), Ok(()));
        assert_eq!(serves(&svc, 19121), Err(vec![19120, 9000]));
    }
}
