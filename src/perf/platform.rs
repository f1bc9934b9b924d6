//! What perf reads from the platform snapshot: where the Trino coordinator
//! runs (found as `kubectl dp status` finds it) and the settings tuning changes.

use k8s_openapi::api::core::v1::Pod;

use crate::platform::jvm::JvmConfig;
use crate::platform::properties::Properties;
use crate::platform::workload;
use crate::snapshot::Snapshot;
use crate::status::analyse::trino::{role_of, trino_container};
use crate::status::analyse::workloads;

use super::report::Setting;

/// Trino's default HTTP port.
pub const TRINO_PORT: u16 = 8080;

/// The coordinator pod perf port-forwards to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coordinator {
    /// `Deployment` or `StatefulSet`.
    pub kind: &'static str,
    /// The workload's name.
    pub workload: String,
    /// Its namespace.
    pub namespace: String,
    /// A ready pod of it.
    pub pod: String,
    /// The Trino container's http port.
    pub port: u16,
}

/// The coordinator's ready pod, or why there is none.
pub fn find_coordinator(snapshot: &Snapshot) -> Result<Coordinator, String> {
    let trino = workloads::named(snapshot, &["trino"]);
    let Some(w) = trino.iter().find(|w| role_of(w) == "coordinator") else {
        return Err(format!(
            "no Trino coordinator (a Deployment or StatefulSet labelled app.kubernetes.io/name=trino, component coordinator) in {}",
            snapshot
                .scope
                .as_ref()
                .map(|s| s.describe())
                .unwrap_or_else(|| "the scope".into())
        ));
    };
    let pods = w.pods(&snapshot.pods.items);
    let Some(pod) = pods.iter().find(|p| is_ready(p)) else {
        return Err(format!(
            "{} {}/{} has no ready pod ({} ready)",
            w.kind,
            w.namespace(),
            w.name(),
            w.readiness()
        ));
    };
    let port = trino_container(w)
        .and_then(|c| {
            let ports = c.ports.as_ref()?;
            ports
                .iter()
                .find(|p| p.name.as_deref() == Some("http"))
                .or_else(|| ports.first())
                .map(|p| p.container_port)
        })
        .and_then(|p| u16::try_from(p).ok())
        .unwrap_or(TRINO_PORT);
    Ok(Coordinator {
        kind: w.kind.as_str(),
        workload: w.name().to_string(),
        namespace: w.namespace().to_string(),
        pod: pod.metadata.name.clone().unwrap_or_default(),
        port,
    })
}

fn is_ready(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_none()
        && pod
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// The keys of Trino's config files that `kubectl dp tune` sets.
const TUNED_PROPERTIES: &[&str] = &[
    "query.max-memory",
    "query.max-memory-per-node",
    "query.max-total-memory",
    "memory.heap-headroom-per-node",
    "task.concurrency",
];

/// Heap, memory limit and the tuned properties of each Trino workload, read
/// from the ConfigMaps its pods mount.
pub fn tuned_settings(snapshot: &Snapshot) -> Vec<Setting> {
    let mut settings = Vec::new();
    for w in workloads::named(snapshot, &["trino"]) {
        let object = format!("{} {}/{}", w.kind, w.namespace(), w.name());
        if let Some(container) = trino_container(&w)
            && let Some(limit) = workload::memory_limit(container)
        {
            settings.push(Setting {
                object: object.clone(),
                key: "resources.limits.memory".into(),
                value: limit.to_string(),
            });
        }
        let Some(spec) = w.template.spec.as_ref() else {
            continue;
        };
        for name in workload::config_maps(spec) {
            let Some(cm) = snapshot.config_map(w.namespace(), &name) else {
                continue;
            };
            let cm_object = format!("ConfigMap {}/{name}", w.namespace());
            let data = cm.data.clone().unwrap_or_default();
            if let Some(jvm) = data.get("jvm.config") {
                let jvm = JvmConfig::parse(jvm);
                if let Some(xmx) = jvm.options().find(|(o, _)| o.starts_with("-Xmx")) {
                    settings.push(Setting {
                        object: cm_object.clone(),
                        key: "jvm.config -Xmx".into(),
                        value: xmx.0.trim_start_matches("-Xmx").to_string(),
                    });
                }
            }
            if let Some(config) = data.get("config.properties") {
                let properties = Properties::parse(config);
                for key in TUNED_PROPERTIES {
                    if let Some(value) = properties.get(key) {
                        settings.push(Setting {
                            object: cm_object.clone(),
                            key: format!("config.properties {key}"),
                            value: value.to_string(),
                        });
                    }
                }
            }
        }
    }
    settings.dedup();
    settings
}
