//! The flows the platform needs, checked against its NetworkPolicies: Trino ->
//! Nessie, Nessie -> Postgres, Trino and Spark -> the S3 endpoint, coordinator
//! <-> workers. A blocked flow is a finding of the component it breaks, naming
//! the policies that isolate the pod and the rule that is missing.

use std::collections::BTreeMap;

use crate::findings::{ChainLink, Component, Finding, ObjectRef, Severity};
use crate::platform::netpol::{self, Endpoint, Port};
use crate::platform::properties::Properties;
use crate::platform::trino::{service_of_host, url_host};
use crate::platform::workload;
use crate::snapshot::Snapshot;

use super::workloads::{self, Workload};

/// Where a flow goes: pods (labels when known) and the pod port.
struct Target {
    what: String,
    namespace: String,
    labels: Option<BTreeMap<String, String>>,
    port: i32,
    port_name: Option<String>,
}

/// A flow's source: a workload or a SparkApplication's pods.
struct Source {
    object: ObjectRef,
    what: String,
    namespace: String,
    labels: BTreeMap<String, String>,
}

impl Source {
    fn of(w: &Workload, what: &str) -> Source {
        Source {
            object: w.object(),
            what: what.to_string(),
            namespace: w.namespace().to_string(),
            labels: template_labels(w),
        }
    }
}

fn template_labels(w: &Workload) -> BTreeMap<String, String> {
    w.template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default()
}

/// The blocked flows whose source belongs to `component`.
pub fn findings(snapshot: &Snapshot, component: Component) -> Vec<Finding> {
    if !snapshot.network_policies.is_available() || snapshot.network_policies.items.is_empty() {
        return Vec::new();
    }
    let mut flows: Vec<(Source, Target)> = Vec::new();
    match component {
        Component::Trino => trino_flows(snapshot, &mut flows),
        Component::Nessie => nessie_flows(snapshot, &mut flows),
        Component::Spark => spark_flows(snapshot, &mut flows),
        _ => {}
    }
    let mut out = Vec::new();
    for (source, target) in flows {
        let from = Endpoint {
            namespace: &source.namespace,
            labels: Some(&source.labels),
        };
        let to = Endpoint {
            namespace: &target.namespace,
            labels: target.labels.as_ref(),
        };
        let port = Port {
            number: target.port,
            name: target.port_name.as_deref(),
        };
        let Some(blocked) = netpol::flow(
            &snapshot.network_policies.items,
            &from,
            &to,
            &port,
            snapshot.covers(&target.namespace),
        ) else {
            continue;
        };
        let pods = |labels: Option<&BTreeMap<String, String>>| match labels {
            Some(l) if !l.is_empty() => format!("pods {}", netpol::describe_labels(l)),
            _ => "any pod".to_string(),
        };
        let (policy_ns, missing) = if blocked.direction == "egress" {
            (
                source.namespace.clone(),
                format!(
                    "an egress rule for {} to {} in namespace {} on TCP {}",
                    pods(Some(&source.labels)),
                    pods(target.labels.as_ref()),
                    target.namespace,
                    target.port
                ),
            )
        } else {
            (
                target.namespace.clone(),
                format!(
                    "an ingress rule for {} from {} in namespace {} on TCP {}",
                    pods(target.labels.as_ref()),
                    pods(Some(&source.labels)),
                    source.namespace,
                    target.port
                ),
            )
        };
        let set = blocked.policies.join(", ");
        let policy_object = ObjectRef::namespaced(
            "NetworkPolicy",
            &policy_ns,
            blocked.policies.first().map_or("", String::as_str),
        );
        let mut finding = Finding::new(
            "network.flow-blocked",
            Severity::Critical,
            component,
            source.object.clone(),
            format!(
                "{} -> {} (TCP {}) is blocked: the {} of those pods is limited by NetworkPolicy {set}, and none allows it; missing: {missing}",
                source.what, target.what, target.port, blocked.direction
            ),
            format!("add {missing} (a NetworkPolicy in namespace {policy_ns})"),
        );
        finding.chain = vec![
            ChainLink {
                object: policy_object,
                problem: format!("policy set {set} lacks {missing}"),
            },
            ChainLink {
                object: source.object,
                problem: format!("cannot reach {}", target.what),
            },
        ];
        out.push(finding);
    }
    out
}

fn trino_flows(snapshot: &Snapshot, flows: &mut Vec<(Source, Target)>) {
    let trino = workloads::named(snapshot, &["trino"]);
    for w in &trino {
        let own = role(w);
        // Coordinator <-> workers, on the HTTP port of the other side.
        for other in &trino {
            if other.namespace() != w.namespace() || role(other) == own {
                continue;
            }
            let (number, name) = first_port(other).unwrap_or((8080, None));
            flows.push((
                Source::of(w, &format!("Trino {own}")),
                Target {
                    what: format!("Trino {}", role(other)),
                    namespace: other.namespace().to_string(),
                    labels: Some(template_labels(other)),
                    port: number,
                    port_name: name,
                },
            ));
        }
        // Catalogs: Nessie and the S3 endpoint.
        let Some(spec) = &w.template.spec else {
            continue;
        };
        let mut seen = Vec::new();
        for cm_name in workload::config_maps(spec) {
            let Some(cm) = snapshot.config_map(w.namespace(), &cm_name) else {
                continue;
            };
            for (file, text) in cm.data.iter().flatten() {
                if !file.ends_with(".properties") {
                    continue;
                }
                let props = Properties::parse(text);
                for (key, what) in [
                    ("iceberg.nessie-catalog.uri", "Nessie"),
                    ("iceberg.rest-catalog.uri", "the REST catalog"),
                    ("s3.endpoint", "the S3 endpoint"),
                    ("hive.s3.endpoint", "the S3 endpoint"),
                ] {
                    let Some(url) = props.get(key) else {
                        continue;
                    };
                    if seen.contains(&url.to_string()) {
                        continue;
                    }
                    seen.push(url.to_string());
                    if let Some(target) = resolve(snapshot, url, w.namespace(), what) {
                        flows.push((Source::of(w, &format!("Trino {own}")), target));
                    }
                }
            }
        }
    }
}

fn nessie_flows(snapshot: &Snapshot, flows: &mut Vec<(Source, Target)>) {
    for w in workloads::named(snapshot, &["nessie"]) {
        // Env or the chart's application.properties, as Nessie reads it.
        if let Some(url) = super::nessie::jdbc_url(snapshot, &w)
            && let Some(target) = resolve(snapshot, &url, w.namespace(), "Postgres")
        {
            flows.push((Source::of(&w, "Nessie"), target));
        }
    }
}

fn spark_flows(snapshot: &Snapshot, flows: &mut Vec<(Source, Target)>) {
    for app in &snapshot.spark_applications.items {
        let Some(url) = app.conf("spark.hadoop.fs.s3a.endpoint") else {
            continue;
        };
        let ns = app.metadata.namespace.clone().unwrap_or_default();
        let name = app.metadata.name.clone().unwrap_or_default();
        // The labels the operator gives the driver, plus the application's own.
        let mut labels = app.spec.driver.labels.clone();
        labels.insert("spark-role".into(), "driver".into());
        labels.insert("sparkoperator.k8s.io/app-name".into(), name.clone());
        if let Some(target) = resolve(snapshot, url, &ns, "the S3 endpoint") {
            flows.push((
                Source {
                    object: ObjectRef::namespaced("SparkApplication", &ns, &name),
                    what: format!("Spark driver of {name}"),
                    namespace: ns.clone(),
                    labels,
                },
                target,
            ));
        }
    }
}

fn role(w: &Workload) -> &'static str {
    match w
        .label("app.kubernetes.io/component")
        .or_else(|| w.label("component"))
    {
        Some("coordinator") => "coordinator",
        Some("worker") => "workers",
        _ if w.name().contains("coordinator") => "coordinator",
        _ => "workers",
    }
}

fn first_port(w: &Workload) -> Option<(i32, Option<String>)> {
    let c = w.template.spec.as_ref()?.containers.first()?;
    let p = c.ports.as_ref()?.first()?;
    Some((p.container_port, p.name.clone()))
}

/// `http://svc.ns.svc:19120/api` or `jdbc:postgresql://svc:5432/db` -> the pods
/// behind the Service (when it was read) and their port.
fn resolve(snapshot: &Snapshot, url: &str, namespace: &str, what: &str) -> Option<Target> {
    let url = url.trim().strip_prefix("jdbc:").unwrap_or(url.trim());
    let host = url_host(url)?;
    let scheme = url.split_once("://").map_or("http", |(s, _)| s);
    let port = url
        .split_once("://")
        .map_or(url, |(_, r)| r)
        .split(['/', '?'])
        .next()
        .and_then(|authority| authority.rsplit_once(':'))
        .and_then(|(_, p)| p.parse::<i32>().ok())
        .unwrap_or(match scheme {
            "https" => 443,
            "postgresql" => 5432,
            _ => 80,
        });
    let (service, service_ns) = service_of_host(host, namespace)?;
    let Some(svc) = snapshot.service(service_ns, service) else {
        // Another namespace, or not read: the pods are not known.
        return Some(Target {
            what: format!("{what} ({service}.{service_ns}:{port})"),
            namespace: service_ns.to_string(),
            labels: None,
            port,
            port_name: None,
        });
    };
    let spec = svc.spec.as_ref()?;
    let selector = spec.selector.clone().filter(|s| !s.is_empty());
    let service_port = spec.ports.iter().flatten().find(|p| p.port == port);
    let (number, name) = match service_port.and_then(|p| p.target_port.as_ref()) {
        Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(n)) => (*n, None),
        Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(name)) => {
            // A named target port: its number in the pods behind the Service.
            let number = workloads::all(snapshot)
                .iter()
                .filter(|w| w.namespace() == service_ns)
                .filter(|w| {
                    let labels = template_labels(w);
                    selector
                        .as_ref()
                        .is_some_and(|s| s.iter().all(|(k, v)| labels.get(k) == Some(v)))
                })
                .flat_map(|w| w.template.spec.iter().flat_map(|s| s.containers.clone()))
                .flat_map(|c| c.ports.unwrap_or_default())
                .find(|p| p.name.as_deref() == Some(name.as_str()))
                .map(|p| p.container_port)
                .unwrap_or(port);
            (number, Some(name.clone()))
        }
        None => (port, None),
    };
    // The pods' full labels, when a workload behind the Service is known.
    let labels = selector.map(|selector| {
        workloads::all(snapshot)
            .iter()
            .filter(|w| w.namespace() == service_ns)
            .map(template_labels)
            .find(|labels| selector.iter().all(|(k, v)| labels.get(k) == Some(v)))
            .unwrap_or(selector)
    });
    Some(Target {
        what: format!("{what} (Service {service}, port {port})"),
        namespace: service_ns.to_string(),
        labels,
        port: number,
        port_name: name,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::kube::Listing;
    use crate::status::analyse::fixtures::trino_snapshot;

    fn from<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_default_deny_without_the_nessie_rule_blocks_trino() {
        let mut s = trino_snapshot("8G", "10Gi", "24G", "28Gi", "");
        s.services = Listing::available(vec![from(json!({
            "metadata": {"name": "nessie", "namespace": "dp"},
            "spec": {"selector": {"app.kubernetes.io/name": "nessie"}, "ports": [{"port": 19120, "targetPort": 19120}]}
        }))]);
        s.network_policies = Listing::available(vec![
            from(
                json!({"metadata": {"name": "default-deny", "namespace": "dp"},
                "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}),
            ),
            from(
                json!({"metadata": {"name": "trino-internal", "namespace": "dp"},
                "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "trino"}}, "policyTypes": ["Ingress", "Egress"],
                    "ingress": [{"from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "trino"}}}]}],
                    "egress": [{"to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "trino"}}}]}]}}),
            ),
        ]);
        let found = findings(&s, Component::Trino);
        // Coordinator <-> workers are allowed; both roles are cut off from Nessie.
        assert_eq!(found.len(), 2, "{found:#?}");
        let f = &found[0];
        assert_eq!(f.code, "network.flow-blocked");
        assert!(
            f.message
                .contains("-> Nessie (Service nessie, port 19120) (TCP 19120) is blocked"),
            "{}",
            f.message
        );
        assert!(
            f.message
                .contains("NetworkPolicy default-deny, trino-internal"),
            "{}",
            f.message
        );
        assert!(
            f.message.contains("missing: an egress rule for pods app.kubernetes.io/component=coordinator,app.kubernetes.io/name=trino to pods app.kubernetes.io/name=nessie in namespace dp on TCP 19120"),
            "{}",
            f.message
        );
        assert_eq!(f.chain[0].object.kind, "NetworkPolicy");
        assert_eq!(f.chain[1].object.name, "trino-coordinator");
        // Without the internal rule, coordinator <-> workers is blocked too.
        s.network_policies.items.truncate(1);
        let found = findings(&s, Component::Trino);
        assert!(
            found
                .iter()
                .any(|f| f.message.contains("Trino coordinator -> Trino workers")),
            "{found:#?}"
        );
    }
}
