//! Which platform component a pod belongs to (`--by component`), and which
//! containers lack requests or limits.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodSpec;
use serde::Serialize;

use super::container_map;

/// A part of the platform, for `--by component`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Component {
    /// The Trino coordinator.
    TrinoCoordinator,
    /// Trino workers.
    TrinoWorkers,
    /// Spark drivers.
    SparkDrivers,
    /// Spark executors.
    SparkExecutors,
    /// Nessie.
    Nessie,
    /// Postgres.
    Postgres,
    /// Anything else.
    Other,
}

impl Component {
    /// The component's name in tables.
    pub fn label(self) -> &'static str {
        match self {
            Component::TrinoCoordinator => "trino coordinator",
            Component::TrinoWorkers => "trino workers",
            Component::SparkDrivers => "spark drivers",
            Component::SparkExecutors => "spark executors",
            Component::Nessie => "nessie",
            Component::Postgres => "postgres",
            Component::Other => "other",
        }
    }
}

/// Which component a pod is, from the labels the charts and operators set.
pub fn component_of(labels: &BTreeMap<String, String>) -> Component {
    let get = |k: &str| labels.get(k).map(String::as_str);
    match get("spark-role") {
        Some("driver") => return Component::SparkDrivers,
        Some("executor") => return Component::SparkExecutors,
        _ => {}
    }
    let name = get("app.kubernetes.io/name")
        .or_else(|| get("app"))
        .unwrap_or("");
    let component = get("app.kubernetes.io/component")
        .or_else(|| get("component"))
        .unwrap_or("");
    match name {
        n if n.contains("trino") => {
            if component == "coordinator" || n.contains("coordinator") {
                Component::TrinoCoordinator
            } else {
                Component::TrinoWorkers
            }
        }
        n if n.contains("nessie") => Component::Nessie,
        n if n.contains("postgres") => Component::Postgres,
        _ if labels.contains_key("cnpg.io/cluster") => Component::Postgres,
        _ => Component::Other,
    }
}

/// Containers that declare no request or no limit for cpu or memory.
pub fn missing_resources(spec: &PodSpec) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for container in spec
        .init_containers
        .iter()
        .flatten()
        .chain(spec.containers.iter())
    {
        let requests = container_map(container, false);
        let limits = container_map(container, true);
        let mut missing = Vec::new();
        for name in ["cpu", "memory"] {
            if !requests.contains_key(name) {
                missing.push(format!("requests.{name}"));
            }
            if !limits.contains_key(name) {
                missing.push(format!("limits.{name}"));
            }
        }
        if !missing.is_empty() {
            out.push((container.name.clone(), missing));
        }
    }
    out
}
