//! `network.port-not-listened`: a probe or a Service aims at a port of the
//! Trino container on which Trino does not listen. Trino's HTTP server listens
//! on `http-server.http.port` of config.properties (8080 when unset; none when
//! `http-server.http.enabled=false`) and, with `http-server.https.enabled=true`,
//! on `http-server.https.port` (8443). A readiness or liveness probe on
//! another port fails, so the pod never becomes ready or is restarted; a
//! Service port meant for Trino's HTTP server (named `http`/`https`, on
//! either side) that reaches another port is refused, and the workers'
//! `discovery.uri` with it.

use k8s_openapi::api::core::v1::{Container, Probe, Service};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::findings::{Component, FieldRef, Finding, ObjectRef, Severity};
use crate::platform::properties::Properties;
use crate::platform::trino::TrinoNode;
use crate::snapshot::Snapshot;

/// The ports Trino listens on, and the property (and its line) each comes from.
struct Listening {
    ports: Vec<(i32, String)>,
    /// The config.properties line that set the HTTP port, for the finding's field.
    line: Option<usize>,
}

fn listening(config: &Properties) -> Listening {
    let mut ports = Vec::new();
    let port = |key: &str, default: i32| -> Option<i32> {
        match config.get(key) {
            None => Some(default),
            Some(text) => text.trim().parse().ok(),
        }
    };
    let enabled = |key: &str, default: bool| {
        config
            .get(key)
            .map_or(default, |v| v.trim().eq_ignore_ascii_case("true"))
    };
    if enabled("http-server.http.enabled", true)
        && let Some(p) = port("http-server.http.port", 8080)
    {
        let how = if config.get("http-server.http.port").is_some() {
            "http-server.http.port"
        } else {
            "the default of http-server.http.port"
        };
        ports.push((p, how.to_string()));
    }
    if enabled("http-server.https.enabled", false)
        && let Some(p) = port("http-server.https.port", 8443)
    {
        ports.push((p, "http-server.https.port".to_string()));
    }
    Listening {
        ports,
        line: config.line_of("http-server.http.port"),
    }
}

/// The number a port reference reaches in `container`: a number as it is, a
/// name through the container's declared ports (`None`: not declared, which
/// `references.port-name-missing` reports).
fn resolve(container: &Container, port: &IntOrString) -> Option<(i32, Option<String>)> {
    match port {
        IntOrString::Int(n) => {
            let name = container
                .ports
                .iter()
                .flatten()
                .find(|p| p.container_port == *n)
                .and_then(|p| p.name.clone());
            Some((*n, name))
        }
        IntOrString::String(name) => container
            .ports
            .iter()
            .flatten()
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .map(|p| (p.container_port, Some(name.clone()))),
    }
}

fn probe_port(probe: &Option<Probe>) -> Option<&IntOrString> {
    let probe = probe.as_ref()?;
    probe
        .http_get
        .as_ref()
        .map(|h| &h.port)
        .or_else(|| probe.tcp_socket.as_ref().map(|t| &t.port))
}

fn describe(listening: &Listening) -> String {
    listening
        .ports
        .iter()
        .map(|(p, how)| format!("{p} ({how})"))
        .collect::<Vec<_>>()
        .join(" and ")
}

pub(super) fn findings(snapshot: &Snapshot, node: &TrinoNode) -> Vec<Finding> {
    let (Some(container), Some(config)) = (node.container, node.config_properties()) else {
        return Vec::new();
    };
    let listening = listening(&config);
    if listening.ports.is_empty() {
        return Vec::new();
    }
    let listens = |n: i32| listening.ports.iter().any(|(p, _)| *p == n);
    let config_field = node.files.config_properties.as_ref().map(|file| {
        let object = ObjectRef::namespaced(
            "ConfigMap",
            node.workload.namespace(),
            &file.source.config_map,
        );
        match listening.line {
            Some(line) => FieldRef::config_map_line(&object, &file.source.key, line),
            None => FieldRef {
                object: Some(object),
                path: vec!["data".into(), file.source.key.clone()],
                line: None,
            },
        }
    });
    let mut out = Vec::new();
    for (kind, probe) in [
        ("readiness", &container.readiness_probe),
        ("liveness", &container.liveness_probe),
        ("startup", &container.startup_probe),
    ] {
        let Some((number, _)) = probe_port(probe).and_then(|p| resolve(container, p)) else {
            continue;
        };
        if listens(number) {
            continue;
        }
        let effect = match kind {
            "liveness" => "the kubelet restarts it on every probe period",
            _ => "its pods never become ready",
        };
        let mut finding = Finding::new(
            "network.port-not-listened",
            Severity::Critical,
            Component::Trino,
            node.workload.object(),
            format!(
                "{}: the {kind} probe of container {} uses port {number}, but Trino listens on {}: the probe fails and {effect}",
                node.role,
                container.name,
                describe(&listening)
            ),
            format!(
                "point the probe at port {} or set http-server.http.port to {number} in config.properties",
                listening.ports[0].0
            ),
        );
        if let Some(field) = &config_field {
            finding = finding.with_field(field.clone());
        }
        out.push(finding);
    }
    for service in services_of(snapshot, node) {
        out.extend(service_findings(
            service, node, container, &listening, &listens,
        ));
    }
    out
}

/// The Services whose selector selects the node's pods (as `ports` decides it).
fn services_of<'s>(snapshot: &'s Snapshot, node: &TrinoNode) -> Vec<&'s Service> {
    let node = [node.workload];
    snapshot
        .services
        .items
        .iter()
        .filter(|s| !super::super::ports::selected(s, &node).is_empty())
        .collect()
}

fn service_findings(
    service: &Service,
    node: &TrinoNode,
    container: &Container,
    listening: &Listening,
    listens: &dyn Fn(i32) -> bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (index, port) in service
        .spec
        .iter()
        .flat_map(|s| s.ports.iter().flatten())
        .enumerate()
    {
        let target = port
            .target_port
            .clone()
            .unwrap_or(IntOrString::Int(port.port));
        let Some((number, container_name)) = resolve(container, &target) else {
            continue;
        };
        let http = |name: Option<&str>| {
            name.is_some_and(|n| {
                let n = n.to_ascii_lowercase();
                n == "http" || n == "https" || n == "trino-http" || n == "trino"
            })
        };
        // Only a port meant for Trino's HTTP server: another (a JMX exporter's)
        // is no business of this rule.
        if listens(number) || !(http(port.name.as_deref()) || http(container_name.as_deref())) {
            continue;
        }
        let object = ObjectRef::from_meta("Service", &service.metadata);
        out.push(
            Finding::new(
                "network.port-not-listened",
                Severity::Critical,
                Component::Trino,
                object.clone(),
                format!(
                    "{object}: port {} sends to port {number} of the {} pods, but Trino listens on {}: connections are refused",
                    port.port,
                    node.role,
                    describe(listening)
                ),
                format!(
                    "set the Service's targetPort (or the container's port) to {}, or http-server.http.port to {number}",
                    listening.ports[0].0
                ),
            )
            .with_field(FieldRef::at(&[
                "spec",
                "ports",
                &port
                    .name
                    .clone()
                    .map_or_else(|| index.to_string(), |n| format!("name={n}")),
                "targetPort",
            ])),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ports_trino_listens_on() {
        let ports = |text: &str| {
            listening(&Properties::parse(text))
                .ports
                .into_iter()
                .map(|(p, _)| p)
                .collect::<Vec<_>>()
        };
        assert_eq!(ports("coordinator=true\n"), [8080]);
        assert_eq!(ports("http-server.http.port=8081\n"), [8081]);
        assert_eq!(
            ports("http-server.https.enabled=true\nhttp-server.https.port=9443\n"),
            [8080, 9443]
        );
        assert_eq!(
            ports("http-server.http.enabled=false\nhttp-server.https.enabled=true\n"),
            [8443]
        );
        // Not a number: config-invalid-value says so; nothing to compare with.
        assert_eq!(
            ports("http-server.http.port=${ENV:PORT}\n"),
            Vec::<i32>::new()
        );
    }
}
