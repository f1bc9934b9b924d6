//! Which platform component a pod belongs to (`--by component`), and which
//! containers lack requests or limits.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodSpec;
use serde::Serialize;

use super::container_map;

/// A part of the platform, for `--by component`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PodGroup {
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

impl PodGroup {
    /// The component's name in tables.
    pub fn label(self) -> &'static str {
        match self {
            PodGroup::TrinoCoordinator => "trino coordinator",
            PodGroup::TrinoWorkers => "trino workers",
            PodGroup::SparkDrivers => "spark drivers",
            PodGroup::SparkExecutors => "spark executors",
            PodGroup::Nessie => "nessie",
            PodGroup::Postgres => "postgres",
            PodGroup::Other => "other",
        }
    }
}

/// Which component a pod is, from the labels the charts and operators set.
pub fn pod_group_of(labels: &BTreeMap<String, String>) -> PodGroup {
    let get = |k: &str| labels.get(k).map(String::as_str);
    match get("spark-role") {
        Some("driver") => return PodGroup::SparkDrivers,
        Some("executor") => return PodGroup::SparkExecutors,
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
                PodGroup::TrinoCoordinator
            } else {
                PodGroup::TrinoWorkers
            }
        }
        n if n.contains("nessie") => PodGroup::Nessie,
        n if n.contains("postgres") => PodGroup::Postgres,
        _ if labels.contains_key("cnpg.io/cluster") => PodGroup::Postgres,
        _ => PodGroup::Other,
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
