//! Turning each workload of the manifests `quota check` reads
//! ([`crate::manifests`]) into the pods it will create.

use std::path::PathBuf;

use k8s_openapi::api::core::v1::{Pod, PodSpec, PodTemplateSpec};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};

pub use crate::manifests::{Manifest, parse_documents};

/// Pods of one shape that a workload creates.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodShape {
    /// `pod`, or `driver` / `executor` for Spark.
    pub role: String,
    /// How many such pods run at once (replicas, parallelism, executors).
    pub count: i64,
    /// The pod spec they run.
    #[serde(skip)]
    pub spec: PodSpec,
}

/// A workload from the manifests and the pods it will run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Workload {
    /// `Deployment`, `StatefulSet`, `Job`, `SparkApplication`...
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Its namespace, when the manifest sets one.
    pub namespace: Option<String>,
    /// The file it came from.
    pub source: PathBuf,
    /// The pods it runs, by role.
    pub pods: Vec<PodShape>,
}

fn input_error(m: &Manifest, reason: String) -> Error {
    Error::Input {
        path: m.source.clone(),
        reason,
    }
}

fn template(m: &Manifest, pointer: &str) -> Result<PodSpec> {
    let value = m.value.pointer(pointer).cloned().unwrap_or(Value::Null);
    let template: PodTemplateSpec = serde_json::from_value(value).map_err(|e| {
        input_error(
            m,
            format!(
                "{} {}: pod template is not valid: {e}",
                kind_of(m),
                name_of(m)
            ),
        )
    })?;
    template.spec.ok_or_else(|| {
        input_error(
            m,
            format!("{} {} has no pod template spec", kind_of(m), name_of(m)),
        )
    })
}

fn kind_of(m: &Manifest) -> &str {
    m.value.get("kind").and_then(Value::as_str).unwrap_or("")
}

fn name_of(m: &Manifest) -> &str {
    m.value
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn int_at(m: &Manifest, pointer: &str, default: i64) -> i64 {
    m.value
        .pointer(pointer)
        .and_then(Value::as_i64)
        .unwrap_or(default)
}

/// The most pods the manifests may ask for, all workloads together: the
/// 150,000 pods Kubernetes is tested to run in one cluster (its scalability
/// thresholds). More can never fit, and the check places pods one by one, so a
/// count is bounded here, before anything is allocated for it.
pub(crate) const MAX_PODS: i64 = 150_000;

/// Refuses a pod count no cluster can run (negative, or above [`MAX_PODS`]
/// with what came before it), in one line naming the object.
fn bounded_count(m: &Manifest, role: &str, count: i64, so_far: &mut i64) -> Result<()> {
    let what = format!("{} {} ({role})", kind_of(m), name_of(m));
    if count < 0 {
        return Err(input_error(
            m,
            format!("{what}: a pod count of {count} is negative"),
        ));
    }
    *so_far = so_far.saturating_add(count);
    if *so_far > MAX_PODS {
        return Err(input_error(
            m,
            format!(
                "{what}: {count} pods ({} with the workloads before it) is more than a Kubernetes cluster runs ({MAX_PODS}, its scalability limit); nothing checked",
                *so_far
            ),
        ));
    }
    Ok(())
}

/// Turns the manifests into workloads. Objects that run no pods (ConfigMaps,
/// Services...) are skipped, except ResourceQuota/LimitRange, returned apart.
/// `node_count` is how many pods a DaemonSet makes. Pod counts are bounded
/// ([`MAX_PODS`]).
pub fn workloads(manifests: &[Manifest], node_count: i64) -> Result<Vec<Workload>> {
    let mut out = Vec::new();
    let mut pods_so_far = 0i64;
    for m in manifests {
        let kind = kind_of(m).to_string();
        let shapes = match kind.as_str() {
            "Deployment" | "StatefulSet" | "ReplicaSet" => vec![PodShape {
                role: "pod".into(),
                count: int_at(m, "/spec/replicas", 1),
                spec: template(m, "/spec/template")?,
            }],
            "DaemonSet" => vec![PodShape {
                role: "pod".into(),
                count: node_count,
                spec: template(m, "/spec/template")?,
            }],
            "Job" => vec![PodShape {
                role: "pod".into(),
                count: int_at(m, "/spec/parallelism", 1),
                spec: template(m, "/spec/template")?,
            }],
            "CronJob" => vec![PodShape {
                role: "pod".into(),
                count: int_at(m, "/spec/jobTemplate/spec/parallelism", 1),
                spec: template(m, "/spec/jobTemplate/spec/template")?,
            }],
            "Pod" => {
                let pod: Pod = serde_json::from_value(m.value.clone())
                    .map_err(|e| input_error(m, format!("Pod {} is not valid: {e}", name_of(m))))?;
                vec![PodShape {
                    role: "pod".into(),
                    count: 1,
                    spec: pod.spec.unwrap_or_default(),
                }]
            }
            "SparkApplication" => spark_pods(m)?,
            _ => continue,
        };
        if name_of(m).is_empty() {
            return Err(input_error(m, format!("a {kind} has no metadata.name")));
        }
        for shape in &shapes {
            bounded_count(m, &shape.role, shape.count, &mut pods_so_far)?;
        }
        out.push(Workload {
            kind,
            name: name_of(m).to_string(),
            namespace: m
                .value
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .map(String::from),
            source: m.source.clone(),
            pods: shapes,
        });
    }
    Ok(out)
}

/// The driver and executor pods of a SparkApplication manifest
/// ([`crate::platform::spark`] sizes them as the operator does).
fn spark_pods(m: &Manifest) -> Result<Vec<PodShape>> {
    let spec = m.value.get("spec").cloned().unwrap_or(Value::Null);
    let pods = crate::platform::spark::pods(&spec)
        .map_err(|reason| input_error(m, format!("SparkApplication {}: {reason}", name_of(m))))?;
    Ok(pods
        .into_iter()
        .map(|pod| PodShape {
            role: pod.role.as_str().into(),
            count: pod.count,
            spec: pod.spec,
        })
        .collect())
}

/// Which workload (kind, name) a live pod belongs to, from its labels and owner.
pub(crate) fn owner_of(pod: &Pod) -> (String, String) {
    let labels = pod.metadata.labels.clone().unwrap_or_default();
    if let Some(app) = labels.get("sparkoperator.k8s.io/app-name") {
        return ("SparkApplication".into(), app.clone());
    }
    let name = pod.metadata.name.clone().unwrap_or_default();
    let Some(owner) = pod
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))
    else {
        return ("Pod".into(), name);
    };
    match owner.kind.as_str() {
        "ReplicaSet" => match labels.get("pod-template-hash") {
            Some(hash) => match owner.name.strip_suffix(&format!("-{hash}")) {
                Some(deployment) => ("Deployment".into(), deployment.to_string()),
                None => ("ReplicaSet".into(), owner.name.clone()),
            },
            None => ("ReplicaSet".into(), owner.name.clone()),
        },
        "Job" => match owner.name.rsplit_once('-') {
            // CronJob jobs are named <cronjob>-<scheduled time in minutes>.
            Some((cron, suffix))
                if suffix.len() >= 8 && suffix.bytes().all(|b| b.is_ascii_digit()) =>
            {
                ("CronJob".into(), cron.to_string())
            }
            _ => ("Job".into(), owner.name.clone()),
        },
        kind => (kind.to_string(), owner.name.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn manifest(yaml: &str) -> Vec<Manifest> {
        parse_documents(Path::new("test.yaml"), yaml).unwrap()
    }

    #[test]
    fn spark_application_becomes_driver_and_executors() {
        let w = workloads(
            &manifest(
                "apiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication\nmetadata: {name: etl}\nspec:\n  driver: {cores: 1, memory: 2g}\n  executor: {cores: 2, coreLimit: '2', memory: 8g, instances: 4}\n",
            ),
            3,
        )
        .unwrap();
        assert_eq!(w.len(), 1);
        let exec = &w[0].pods[1];
        assert_eq!(exec.count, 4);
        let r = crate::platform::resources::pod_resources(&exec.spec);
        assert_eq!(r.requests["memory"], "9011Mi".parse().unwrap()); // 8192 + 819
        assert_eq!(r.requests["cpu"], "2".parse().unwrap());
        assert_eq!(r.limits["cpu"], "2".parse().unwrap());
        let driver = crate::platform::resources::pod_resources(&w[0].pods[0].spec);
        assert_eq!(driver.requests["memory"], "2432Mi".parse().unwrap());
    }

    #[test]
    fn absurd_pod_counts_are_refused_before_anything_is_allocated() {
        let manifest = |replicas: &str| {
            Manifest {
            source: "m.yaml".into(),
            document: None,
            text: None,
            value: serde_saphyr::from_str(&format!(
                "kind: Deployment\nmetadata: {{name: a}}\nspec:\n  replicas: {replicas}\n  template:\n    spec:\n      containers: [{{name: c}}]\n"
            ))
            .unwrap(),
        }
        };
        let error = workloads(&[manifest("2147483647")], 3)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("Deployment a (pod): 2147483647 pods"),
            "{error}"
        );
        assert!(error.contains("150000"), "{error}");
        let negative = workloads(&[manifest("-1")], 3).unwrap_err().to_string();
        assert!(negative.contains("negative"), "{negative}");
        // Together, too: two halves of too many.
        let half = manifest("100000");
        assert!(workloads(&[half.clone(), half], 3).is_err());
        assert_eq!(
            workloads(&[manifest("150000")], 3).unwrap()[0].pods[0].count,
            150_000
        );
        // Absurd Spark sizes are one clear error or saturate, never a panic.
        let app = |memory: &str, factor: &str| {
            let yaml = format!(
                "apiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication\nmetadata: {{name: etl}}\nspec:\n  memoryOverheadFactor: '{factor}'\n  executor: {{memory: '{memory}'}}\n"
            );
            workloads(&parse_documents(Path::new("spark.yaml"), &yaml).unwrap(), 3)
        };
        assert!(app("9223372036854775807", "0.1").is_err());
        let huge = app("1t", "1e20").unwrap();
        assert!(
            crate::platform::resources::pod_resources(&huge[0].pods[1].spec).limits["memory"]
                > "1Ti".parse().unwrap()
        );
    }

    #[test]
    fn workloads_and_replicas() {
        let w = workloads(
            &manifest(
                "kind: Deployment\nmetadata: {name: a}\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers: [{name: c, image: x}]\n---\nkind: ConfigMap\nmetadata: {name: cm}\n---\nkind: DaemonSet\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers: [{name: c}]\n",
            ),
            3,
        )
        .unwrap();
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].pods[0].count, 3);
        assert_eq!(w[1].pods[0].count, 3);
    }

    #[test]
    fn owners() {
        let mut pod = Pod::default();
        pod.metadata.name = Some("web-7d9f-abcde".into());
        pod.metadata.labels = Some([("pod-template-hash".to_string(), "7d9f".to_string())].into());
        pod.metadata.owner_references = Some(vec![
            k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference {
                kind: "ReplicaSet".into(),
                name: "web-7d9f".into(),
                controller: Some(true),
                ..Default::default()
            },
        ]);
        assert_eq!(owner_of(&pod), ("Deployment".into(), "web".into()));
        let bare = Pod::default();
        assert_eq!(owner_of(&bare).0, "Pod");
    }
}
