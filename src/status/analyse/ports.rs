//! A port named instead of numbered must be a port the container declares.
//! The API server checks only the name's spelling, so the mistake shows
//! later: the kubelet fails a probe whose port it cannot find ("port … not
//! found"), which keeps the pod unready (readiness, startup) or restarts it
//! (liveness); a Service whose named `targetPort` no selected container
//! declares gets no endpoints, and every client of it is refused.

use k8s_openapi::api::core::v1::{Container, Probe, Service};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::platform::workload::{Workload, all_containers};
use crate::snapshot::Snapshot;

use super::workloads;

/// The named port of each of a container's probes: (probe kind, name).
fn probe_port_names(c: &Container) -> Vec<(&'static str, &str)> {
    fn named(p: &Option<Probe>) -> Option<&str> {
        let p = p.as_ref()?;
        let port = p
            .http_get
            .as_ref()
            .map(|h| &h.port)
            .or_else(|| p.tcp_socket.as_ref().map(|t| &t.port))?;
        match port {
            IntOrString::String(name) => Some(name.as_str()),
            IntOrString::Int(_) => None,
        }
    }
    [
        ("readiness", named(&c.readiness_probe)),
        ("liveness", named(&c.liveness_probe)),
        ("startup", named(&c.startup_probe)),
    ]
    .into_iter()
    .filter_map(|(kind, name)| Some((kind, name?)))
    .collect()
}

fn declares(c: &Container, name: &str) -> bool {
    c.ports
        .iter()
        .flatten()
        .any(|p| p.name.as_deref() == Some(name))
}

fn probe_findings(w: &Workload<'_>) -> Vec<Finding> {
    let Some(spec) = w.pod_spec() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for c in all_containers(spec) {
        for (kind, name) in probe_port_names(c) {
            if declares(c, name) {
                continue;
            }
            let effect = match kind {
                "liveness" => "the kubelet restarts it on every probe period",
                _ => "its pods never become ready",
            };
            out.push(Finding::new(
                "references.port-name-missing",
                Severity::Critical,
                Component::of_app(w.app_name(), Component::Compliance),
                w.object(),
                format!(
                    "{}: the {kind} probe of container {} uses port {name}, which the container does not declare: the probe fails and {effect}",
                    w.object(),
                    c.name
                ),
                format!(
                    "name a port of container {} in the probe (declared: {}), or declare port {name} under its ports",
                    c.name,
                    declared(c)
                ),
            ));
        }
    }
    out
}

fn declared(c: &Container) -> String {
    let names: Vec<&str> = c
        .ports
        .iter()
        .flatten()
        .filter_map(|p| p.name.as_deref())
        .collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// The workloads a Service's selector selects, by their pod templates' labels.
pub(super) fn selected<'a, 'w>(
    service: &Service,
    all: &'a [Workload<'w>],
) -> Vec<&'a Workload<'w>> {
    let Some(selector) = service.spec.as_ref().and_then(|s| s.selector.as_ref()) else {
        return Vec::new();
    };
    if selector.is_empty() {
        return Vec::new();
    }
    let namespace = service.metadata.namespace.as_deref().unwrap_or_default();
    all.iter()
        .filter(|w| w.namespace() == namespace)
        .filter(|w| {
            let labels = w.template.metadata.as_ref().and_then(|m| m.labels.as_ref());
            selector
                .iter()
                .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
        })
        .collect()
}

fn service_findings(snapshot: &Snapshot, all: &[Workload<'_>]) -> Vec<Finding> {
    let mut out = Vec::new();
    for service in &snapshot.services.items {
        let pods = selected(service, all);
        // A Service nobody here backs (a Job's, a Spark driver's) is not judged.
        let Some(first) = pods.first() else {
            continue;
        };
        for port in service.spec.iter().flat_map(|s| s.ports.iter().flatten()) {
            let Some(IntOrString::String(name)) = &port.target_port else {
                continue;
            };
            let declared_somewhere = pods.iter().any(|w| {
                w.pod_spec()
                    .is_some_and(|spec| spec.containers.iter().any(|c| declares(c, name)))
            });
            if declared_somewhere {
                continue;
            }
            let object = ObjectRef::from_meta("Service", &service.metadata);
            out.push(Finding::new(
                "references.port-name-missing",
                Severity::Critical,
                Component::of_app(first.app_name(), Component::Compliance),
                object.clone(),
                format!(
                    "{object}: port {} sends to targetPort {name}, which no container of {} declares: the Service has no endpoints on it and connections are refused",
                    port.port,
                    pods.iter().map(|w| w.object().to_string()).collect::<Vec<_>>().join(", ")
                ),
                format!("set targetPort to a port the pods declare, or declare a port named {name} in {}", first.object()),
            ));
        }
    }
    out
}

/// Named ports of probes and Services that lead nowhere.
pub fn findings(snapshot: &Snapshot) -> Vec<Finding> {
    let all = workloads::with_cron_jobs(snapshot);
    let mut out: Vec<Finding> = all.iter().flat_map(probe_findings).collect();
    if snapshot.services.is_available() {
        out.extend(service_findings(snapshot, &all));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::codes;
    use super::*;
    use crate::kube::Listing;

    fn snapshot(service_target: &str, probe_port: &str) -> Snapshot {
        let deployments = Listing::available(vec![
            serde_json::from_value(serde_json::json!({
                "metadata": {"name": "nessie", "namespace": "dp"},
                "spec": {"selector": {"matchLabels": {"app": "nessie"}}, "template": {
                    "metadata": {"labels": {"app": "nessie", "app.kubernetes.io/name": "nessie"}},
                    "spec": {"containers": [{"name": "nessie",
                        "ports": [{"name": "nessie-http", "containerPort": 19120}],
                        "readinessProbe": {"httpGet": {"path": "/q/health/ready", "port": probe_port}},
                        "livenessProbe": {"tcpSocket": {"port": 19120}}
                    }]}}}
            }))
            .unwrap(),
        ]);
        let services = Listing::available(vec![
            serde_json::from_value(serde_json::json!({
                "metadata": {"name": "nessie", "namespace": "dp"},
                "spec": {"selector": {"app": "nessie"}, "ports": [{"port": 19120, "targetPort": service_target}]}
            }))
            .unwrap(),
            // Selects nothing here: not judged.
            serde_json::from_value(serde_json::json!({
                "metadata": {"name": "spark-ui", "namespace": "dp"},
                "spec": {"selector": {"spark-role": "driver"}, "ports": [{"port": 4040, "targetPort": "ui"}]}
            }))
            .unwrap(),
        ]);
        Snapshot {
            deployments,
            services,
            ..Snapshot::default()
        }
    }

    #[test]
    fn named_ports_must_be_declared() {
        assert!(findings(&snapshot("nessie-http", "nessie-http")).is_empty());
        let found = findings(&snapshot("http", "nessie-http"));
        assert_eq!(codes(&found), ["references.port-name-missing"]);
        assert_eq!(found[0].object.kind, "Service");
        assert!(
            found[0].message.contains("targetPort http"),
            "{}",
            found[0].message
        );
        let found = findings(&snapshot("nessie-http", "http"));
        assert_eq!(codes(&found), ["references.port-name-missing"]);
        assert!(
            found[0]
                .message
                .contains("readiness probe of container nessie uses port http")
        );
        assert!(
            found[0].hint.contains("declared: nessie-http"),
            "{}",
            found[0].hint
        );
    }
}
