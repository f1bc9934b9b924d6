//! How the spark-operator (v2) and Spark on Kubernetes turn a SparkApplication
//! into pods: the driver and executor memory (`memory` plus `memoryOverhead`, or
//! `memoryOverheadFactor` x memory — 10%, 40% for Python and R jobs — but at least
//! 384MiB; PySpark and off-heap memory on top for executors), their CPU request
//! and limit, how many executors, and the pod templates' sidecars. Memory
//! requests equal limits. `quota check`, `status` and `tune` size Spark pods here.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, PodSpec, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use serde_json::Value;

use crate::platform::quantity::Quantity;

/// Spark's minimum memory overhead (`spark.{driver,executor}.minMemoryOverhead`, 384m).
pub(crate) const MIN_OVERHEAD_MIB: u64 = 384;
/// Spark's default overhead factor for JVM jobs.
pub(crate) const JVM_OVERHEAD_FACTOR: f64 = 0.10;
/// Spark's default overhead factor for Python and R jobs (their interpreters live off-heap).
pub(crate) const NON_JVM_OVERHEAD_FACTOR: f64 = 0.40;
/// Executors Spark starts when neither `instances` nor dynamic allocation says
/// (`SchedulerBackendUtils.DEFAULT_NUMBER_EXECUTORS`).
pub(crate) const DEFAULT_EXECUTORS: i64 = 2;
/// The most executors counted when dynamic allocation has no `maxExecutors`
/// (Spark's own bound is `Int.MaxValue`).
pub(crate) const UNBOUNDED_EXECUTORS: i64 = i32::MAX as i64;

/// The driver or an executor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SparkRole {
    /// The driver pod.
    Driver,
    /// An executor pod.
    Executor,
}

impl SparkRole {
    /// `driver` or `executor`, as the SparkApplication's fields are named.
    pub fn as_str(self) -> &'static str {
        match self {
            SparkRole::Driver => "driver",
            SparkRole::Executor => "executor",
        }
    }
}

/// One kind of pod the application starts.
#[derive(Debug, Clone)]
pub struct SparkPod {
    /// Driver or executor.
    pub role: SparkRole,
    /// How many such pods (executors: at most this many).
    pub count: i64,
    /// The pod memory in MiB (request = limit).
    pub memory_mib: u64,
    /// How the memory adds up: `15g + 1536m overhead (10% of 15g)`.
    pub memory_parts: String,
    /// The pod as the operator builds it (the Spark container, then template sidecars).
    pub spec: PodSpec,
}

/// A Spark memory setting in MiB, read as Spark reads it
/// ([`crate::platform::spark_conf::byte_string`]: `4g`, `512m`, `4gb`, any
/// case; a bare number means MiB). `None` for text Spark refuses, a
/// negative size, or one of 2^63 bytes or more (no pod can hold it).
pub(crate) fn size_mib(text: &str) -> Option<u64> {
    crate::platform::spark_conf::byte_string(text, crate::platform::spark_conf::ByteUnit::MiB)
        .ok()
        .filter(|mib| mib.checked_mul(1 << 20).is_some())
        .and_then(|mib| u64::try_from(mib).ok())
}

/// The application's settings, looked up the way the operator passes them to Spark.
struct Settings<'a> {
    spec: &'a Value,
}

impl<'a> Settings<'a> {
    fn conf(&self, key: &str) -> Option<String> {
        self.spec
            .pointer("/sparkConf")
            .and_then(|c| c.get(key))
            .and_then(Value::as_str)
            .map(String::from)
    }

    /// A field of `driver`/`executor` (a number or a string), as text.
    fn field(&self, role: SparkRole, key: &str) -> Option<String> {
        let value = self.spec.get(role.as_str())?.get(key)?;
        value
            .as_str()
            .map(String::from)
            .or_else(|| value.as_i64().map(|n| n.to_string()))
            .or_else(|| value.as_f64().map(|n| n.to_string()))
    }

    fn is_non_jvm(&self) -> bool {
        matches!(
            self.spec.get("type").and_then(Value::as_str),
            Some("Python" | "R")
        )
    }

    /// The overhead factor: the role's own, else the application's, else 10%
    /// (40% for Python and R jobs), as Spark's BasicDriverFeatureStep picks it.
    /// The driver passes the factor it used to its executors as
    /// `spark.kubernetes.memoryOverheadFactor`, so an executor without its own
    /// factor takes the driver's (`spark.driver.memoryOverheadFactor` too).
    fn overhead_factor(&self, role: SparkRole) -> Result<f64, String> {
        let own = self
            .conf(&format!("spark.{}.memoryOverheadFactor", role.as_str()))
            .or_else(|| {
                (role == SparkRole::Executor)
                    .then(|| self.conf("spark.driver.memoryOverheadFactor"))
                    .flatten()
            });
        let app = self
            .spec
            .get("memoryOverheadFactor")
            .and_then(|v| {
                v.as_str()
                    .map(String::from)
                    .or_else(|| v.as_f64().map(|f| f.to_string()))
            })
            .or_else(|| self.conf("spark.kubernetes.memoryOverheadFactor"));
        match own.or(app) {
            Some(text) => text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .ok_or_else(|| format!("memoryOverheadFactor '{text}' is not a number")),
            None if self.is_non_jvm() => Ok(NON_JVM_OVERHEAD_FACTOR),
            None => Ok(JVM_OVERHEAD_FACTOR),
        }
    }

    /// Memory of one pod in MiB, and how it adds up.
    fn memory(&self, role: SparkRole) -> Result<(u64, String), String> {
        let r = role.as_str();
        let memory = self
            .field(role, "memory")
            .or_else(|| self.conf(&format!("spark.{r}.memory")))
            .unwrap_or_else(|| "1g".into());
        let not_size = |what: &str, text: &str| {
            format!("{r} {what} '{text}' is not a Spark size (e.g. 4g, 512m)")
        };
        let memory_mib = size_mib(&memory).ok_or_else(|| not_size("memory", &memory))?;
        let overhead = self
            .field(role, "memoryOverhead")
            .or_else(|| self.conf(&format!("spark.{r}.memoryOverhead")));
        let (overhead_mib, how) = match overhead {
            Some(text) => (
                size_mib(&text).ok_or_else(|| not_size("memoryOverhead", &text))?,
                "overhead".to_string(),
            ),
            None => {
                let factor = self.overhead_factor(role)?;
                let min = match self.conf(&format!("spark.{r}.minMemoryOverhead")) {
                    Some(text) => {
                        size_mib(&text).ok_or_else(|| not_size("minMemoryOverhead", &text))?
                    }
                    None => MIN_OVERHEAD_MIB,
                };
                let scaled = (memory_mib as f64 * factor) as u64;
                let how = if scaled >= min {
                    format!("overhead ({:.0}% of {memory})", factor * 100.0)
                } else {
                    format!("overhead (the {min}m minimum)")
                };
                (scaled.max(min), how)
            }
        };
        let mut total = memory_mib.saturating_add(overhead_mib);
        let mut parts = format!("{memory} + {overhead_mib}m {how}");
        if role == SparkRole::Executor {
            if let Some(text) = self.conf("spark.executor.pyspark.memory") {
                let mib = size_mib(&text).ok_or_else(|| not_size("pyspark.memory", &text))?;
                total = total.saturating_add(mib);
                parts.push_str(&format!(" + {mib}m PySpark"));
            }
            if self.conf("spark.memory.offHeap.enabled").as_deref() == Some("true")
                && let Some(text) = self.conf("spark.memory.offHeap.size")
            {
                let mib = size_mib(&text).ok_or_else(|| not_size("offHeap.size", &text))?;
                total = total.saturating_add(mib);
                parts.push_str(&format!(" + {mib}m off-heap"));
            }
        }
        Ok((total, parts))
    }

    /// CPU request and limit of one pod.
    fn cpu(&self, role: SparkRole) -> Result<(String, Option<String>), String> {
        let r = role.as_str();
        let request = self
            .field(role, "coreRequest")
            .or_else(|| self.conf(&format!("spark.kubernetes.{r}.request.cores")))
            .or_else(|| self.field(role, "cores"))
            .or_else(|| self.conf(&format!("spark.{r}.cores")))
            .unwrap_or_else(|| "1".into());
        let limit = self
            .field(role, "coreLimit")
            .or_else(|| self.conf(&format!("spark.kubernetes.{r}.limit.cores")));
        for text in std::iter::once(&request).chain(limit.as_ref()) {
            text.parse::<Quantity>()
                .map_err(|_| format!("{r} cores '{text}' is not a CPU quantity"))?;
        }
        Ok((request, limit))
    }

    /// Executors at most: dynamic allocation's maximum, else `instances`, else Spark's 2.
    fn executors(&self) -> i64 {
        let dynamic = self.spec.get("dynamicAllocation");
        let enabled = dynamic
            .and_then(|d| d.get("enabled"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
            || self.conf("spark.dynamicAllocation.enabled").as_deref() == Some("true");
        if enabled {
            return dynamic
                .and_then(|d| d.get("maxExecutors"))
                .and_then(Value::as_i64)
                .or_else(|| {
                    self.conf("spark.dynamicAllocation.maxExecutors")?
                        .parse()
                        .ok()
                })
                .unwrap_or(UNBOUNDED_EXECUTORS);
        }
        self.spec
            .pointer("/executor/instances")
            .and_then(Value::as_i64)
            .or_else(|| self.conf("spark.executor.instances")?.parse().ok())
            .unwrap_or(DEFAULT_EXECUTORS)
    }

    /// The pod template's spec (`driver.template` / `executor.template`), if any.
    fn template(&self, role: SparkRole) -> Result<PodSpec, String> {
        match self
            .spec
            .get(role.as_str())
            .and_then(|r| r.pointer("/template/spec"))
        {
            Some(spec) => serde_json::from_value(spec.clone())
                .map_err(|e| format!("{} template is not a pod spec: {e}", role.as_str())),
            None => Ok(PodSpec::default()),
        }
    }
}

/// Spark states in which the operator still creates pods (`NEW` for one it has
/// not picked up yet); a finished application creates none.
pub(crate) fn creates_pods(state: &str) -> bool {
    matches!(
        state,
        "NEW"
            | "SUBMITTED"
            | "RUNNING"
            | "PENDING_RERUN"
            | "UNKNOWN"
            | "INVALIDATING"
            | "SUCCEEDING"
            | "FAILING"
    )
}

/// The pods a SparkApplication's `spec` starts; `Err` says which field is wrong.
pub fn pods(spec: &Value) -> Result<Vec<SparkPod>, String> {
    let settings = Settings { spec };
    let mut out = Vec::new();
    for role in [SparkRole::Driver, SparkRole::Executor] {
        let (memory_mib, memory_parts) = settings.memory(role)?;
        let (cpu, cpu_limit) = settings.cpu(role)?;
        let memory = K8sQuantity(format!("{memory_mib}Mi"));
        let mut requests = BTreeMap::from([
            ("cpu".to_string(), K8sQuantity(cpu)),
            ("memory".to_string(), memory.clone()),
        ]);
        let mut limits = BTreeMap::from([("memory".to_string(), memory)]);
        if let Some(limit) = cpu_limit {
            limits.insert("cpu".into(), K8sQuantity(limit));
        }
        // v2's memoryLimit: the operator's webhook makes it the container's
        // memory limit (the request stays memory + overhead).
        if let Some(text) = settings.field(role, "memoryLimit") {
            let mib = size_mib(&text).ok_or_else(|| {
                format!(
                    "{} memoryLimit '{text}' is not a Spark size (e.g. 4g, 512m)",
                    role.as_str()
                )
            })?;
            limits.insert("memory".into(), K8sQuantity(format!("{mib}Mi")));
        }
        // gpu {name, quantity}: the webhook adds it as an extended resource limit
        // (its request is the same).
        let gpu = spec.get(role.as_str()).and_then(|r| r.get("gpu"));
        if let (Some(name), Some(quantity)) = (
            gpu.and_then(|g| g.get("name")).and_then(Value::as_str),
            gpu.and_then(|g| g.get("quantity")).and_then(Value::as_i64),
        ) && !name.is_empty()
            && quantity > 0
        {
            limits.insert(name.into(), K8sQuantity(quantity.to_string()));
            requests.insert(name.into(), K8sQuantity(quantity.to_string()));
        }
        let mut spec = settings.template(role)?;
        // The operator's container comes first; the template's others are sidecars.
        let name = format!("spark-kubernetes-{}", role.as_str());
        spec.containers
            .retain(|c| c.name != name && c.name != role.as_str());
        spec.containers.insert(
            0,
            Container {
                name,
                resources: Some(ResourceRequirements {
                    requests: Some(requests),
                    limits: Some(limits),
                    ..Default::default()
                }),
                ..Default::default()
            },
        );
        out.push(SparkPod {
            role,
            count: match role {
                SparkRole::Driver => 1,
                SparkRole::Executor => settings.executors(),
            },
            memory_mib,
            memory_parts,
            spec,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(spec: serde_json::Value) -> Vec<SparkPod> {
        pods(&spec).unwrap()
    }

    #[test]
    fn memory_as_spark_computes_it() {
        // 15g executors: 15360 + 1536 (10%) = 16896Mi = 16.5Gi.
        let p = app(
            serde_json::json!({"type": "Scala", "driver": {"memory": "2g"}, "executor": {"memory": "15g", "instances": 3}}),
        );
        assert_eq!(p[0].memory_mib, 2048 + 384);
        assert_eq!(p[1].memory_mib, 16896);
        assert_eq!(p[1].count, 3);
        assert_eq!(p[1].memory_parts, "15g + 1536m overhead (10% of 15g)");
        // Python: 40%.
        let p = app(serde_json::json!({"type": "Python", "executor": {"memory": "10g"}}));
        assert_eq!(p[1].memory_mib, 10240 + 4096);
        assert_eq!(p[1].count, DEFAULT_EXECUTORS);
        // An explicit overhead, a factor, PySpark and off-heap memory.
        let p = app(serde_json::json!({
            "memoryOverheadFactor": "0.2",
            "driver": {"memory": "4g", "memoryOverhead": "1g"},
            "executor": {"memory": "4g"},
            "sparkConf": {"spark.executor.pyspark.memory": "512m", "spark.memory.offHeap.enabled": "true", "spark.memory.offHeap.size": "1g"}
        }));
        assert_eq!(p[0].memory_mib, 4096 + 1024);
        assert_eq!(p[1].memory_mib, 4096 + 819 + 512 + 1024);
        // The driver's own factor reaches the executors (it is passed on as
        // spark.kubernetes.memoryOverheadFactor), unless they set their own.
        let p = app(serde_json::json!({
            "type": "Python",
            "executor": {"memory": "10g"},
            "sparkConf": {"spark.driver.memoryOverheadFactor": "0.2"}
        }));
        assert_eq!(p[0].memory_mib, 1024 + 384);
        assert_eq!(p[1].memory_mib, 10240 + 2048);
    }

    #[test]
    fn memory_limit_and_gpus_of_the_v2_webhook() {
        let pods = app(serde_json::json!({
            "type": "Scala",
            "driver": {"memory": "2g", "memoryLimit": "3g"},
            "executor": {"memory": "4g", "instances": 2, "gpu": {"name": "nvidia.com/gpu", "quantity": 1}}
        }));
        let container = |i: usize| pods[i].spec.containers[0].resources.clone().unwrap();
        let driver = container(0);
        assert_eq!(driver.limits.unwrap()["memory"].0, "3072Mi");
        assert_eq!(driver.requests.unwrap()["memory"].0, "2432Mi");
        let executor = container(1);
        assert_eq!(executor.limits.unwrap()["nvidia.com/gpu"].0, "1");
        assert_eq!(executor.requests.unwrap()["nvidia.com/gpu"].0, "1");
    }

    #[test]
    fn cores_executors_and_templates() {
        let p = app(serde_json::json!({
            "driver": {"cores": 2, "coreLimit": "2500m"},
            "executor": {"cores": 4, "coreRequest": "3500m", "template": {"spec": {"containers": [
                {"name": "log-shipper", "resources": {"requests": {"memory": "128Mi"}}}]}}},
            "dynamicAllocation": {"enabled": true, "maxExecutors": 10}
        }));
        let cpu = |pod: &SparkPod, kind: &str| {
            let r = pod.spec.containers[0].resources.as_ref().unwrap();
            let map = if kind == "limits" {
                r.limits.as_ref()
            } else {
                r.requests.as_ref()
            };
            map.and_then(|m| m.get("cpu")).map(|q| q.0.clone())
        };
        assert_eq!(cpu(&p[0], "requests").as_deref(), Some("2"));
        assert_eq!(cpu(&p[0], "limits").as_deref(), Some("2500m"));
        assert_eq!(cpu(&p[1], "requests").as_deref(), Some("3500m"));
        assert_eq!(cpu(&p[1], "limits"), None);
        assert_eq!(p[1].count, 10);
        assert_eq!(p[1].spec.containers.len(), 2);
    }

    #[test]
    fn wrong_fields_are_named() {
        assert!(
            pods(&serde_json::json!({"executor": {"memory": "lots"}}))
                .unwrap_err()
                .contains("executor memory 'lots'")
        );
        assert!(
            pods(&serde_json::json!({"driver": {"cores": "x"}}))
                .unwrap_err()
                .contains("driver cores 'x'")
        );
    }
}
