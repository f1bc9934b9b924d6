//! The spark suite: submit a SparkApplication (a manifest or the built-in
//! SparkPi template) and time it from its status (terminationTime −
//! lastSubmissionAttemptTime), with a timeout and deletion at the end, also on
//! Ctrl-C; or summarise recent applications (`--history`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::kube::{Cluster, WriteMode};
use crate::platform::crds::SparkApplication;
use crate::snapshot::Snapshot;

use super::Progress;
use super::report::{SparkHistory, SparkResult, SparkRun};
use super::stats::Distribution;

pub struct Plan {
    pub manifest: Option<PathBuf>,
    pub image: String,
    /// 0: history only.
    pub iterations: usize,
    pub timeout: Duration,
}

/// States after which the operator does nothing more.
const FINAL_STATES: &[&str] = &["COMPLETED", "FAILED", "SUBMISSION_FAILED"];

/// The built-in job: SparkPi from the image's examples jar, small driver and executor.
pub fn template(namespace: &str, image: &str) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "sparkoperator.k8s.io/v1beta2",
        "kind": "SparkApplication",
        "metadata": {
            "generateName": "kubectl-dp-perf-spark-pi-",
            "namespace": namespace,
            "labels": {"app.kubernetes.io/managed-by": "kubectl-dp-perf"}
        },
        "spec": {
            "type": "Scala",
            "mode": "cluster",
            "image": image,
            "mainClass": "org.apache.spark.examples.SparkPi",
            "mainApplicationFile": "local:///opt/spark/examples/jars/spark-examples.jar",
            "arguments": ["100"],
            "sparkVersion": "3.5.3",
            "restartPolicy": {"type": "Never"},
            "driver": {"cores": 1, "memory": "512m", "serviceAccount": "spark"},
            "executor": {"cores": 1, "instances": 1, "memory": "512m"}
        }
    })
}

/// A manifest file made into a fresh application per run: `generateName` from its name.
pub(crate) fn prepare(
    manifest: &serde_json::Value,
    namespace: &str,
) -> std::result::Result<serde_json::Value, String> {
    let mut m = manifest.clone();
    if m["kind"] != "SparkApplication" {
        return Err(format!("kind is {}, not SparkApplication", m["kind"]));
    }
    let base = m["metadata"]["name"]
        .as_str()
        .or_else(|| m["metadata"]["generateName"].as_str())
        .unwrap_or("spark")
        .trim_end_matches('-')
        .to_string();
    let meta = m["metadata"]
        .as_object_mut()
        .ok_or("the manifest has no metadata")?;
    meta.remove("name");
    meta.remove("resourceVersion");
    meta.remove("uid");
    meta.insert("generateName".into(), format!("{base}-perf-").into());
    meta.insert("namespace".into(), namespace.into());
    if let Some(obj) = m.as_object_mut() {
        obj.remove("status");
    }
    Ok(m)
}

/// terminationTime − lastSubmissionAttemptTime in seconds.
pub(crate) fn duration_seconds(app: &SparkApplication) -> Option<f64> {
    let status = app.status.as_ref()?;
    let start: jiff::Timestamp = status
        .last_submission_attempt_time
        .as_deref()?
        .parse()
        .ok()?;
    let end: jiff::Timestamp = status.termination_time.as_deref()?.parse().ok()?;
    let seconds = end.duration_since(start).as_secs_f64();
    (seconds >= 0.0).then_some(seconds)
}

/// `etl-daily-29301` and `etl-daily-7f3c9` → `etl-daily`; perf's own runs → their base.
pub(crate) fn application_of(name: &str) -> String {
    let name = name.split("-perf-").next().unwrap_or(name);
    match name.rsplit_once('-') {
        Some((base, suffix))
            if !base.is_empty()
                && suffix.len() >= 4
                && suffix
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                && suffix.bytes().any(|b| b.is_ascii_digit()) =>
        {
            base.to_string()
        }
        _ => name.to_string(),
    }
}

/// Durations and failure rate per application among those that ended.
pub fn history(apps: &[SparkApplication]) -> Vec<SparkHistory> {
    let mut groups: BTreeMap<String, (usize, usize, Vec<f64>)> = BTreeMap::new();
    for app in apps {
        let state = app.state();
        if !FINAL_STATES.contains(&state) {
            continue;
        }
        let entry = groups
            .entry(application_of(
                app.metadata.name.as_deref().unwrap_or_default(),
            ))
            .or_default();
        entry.0 += 1;
        if state != "COMPLETED" {
            entry.1 += 1;
        }
        if let Some(d) = duration_seconds(app) {
            entry.2.push(d);
        }
    }
    groups
        .into_iter()
        .map(|(application, (runs, failed, durations))| SparkHistory {
            application,
            runs,
            failed,
            failure_rate: failed as f64 / runs as f64,
            duration: Distribution::of(&durations),
        })
        .collect()
}

pub async fn run(
    cluster: &Cluster,
    namespace: &str,
    snapshot: &Snapshot,
    plan: &Plan,
    progress: &Progress,
) -> Result<SparkResult> {
    let in_scope: Vec<SparkApplication> = snapshot.spark_applications.items.clone();
    let mut result = SparkResult {
        runs: vec![],
        duration: None,
        history: history(&in_scope),
    };
    if plan.iterations == 0 {
        return Ok(result);
    }
    let manifest = match &plan.manifest {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| Error::Input {
                path: path.clone(),
                reason: format!("cannot read it: {e}"),
            })?;
            let value: serde_json::Value =
                serde_saphyr::from_str(&text).map_err(|e| Error::Input {
                    path: path.clone(),
                    reason: format!("not a YAML/JSON manifest: {e}"),
                })?;
            prepare(&value, namespace).map_err(|reason| Error::Input {
                path: path.clone(),
                reason,
            })?
        }
        None => template(namespace, &plan.image),
    };
    for i in 0..plan.iterations {
        progress.show(&format!("spark submit {}/{}", i + 1, plan.iterations));
        let created: SparkApplication = cluster
            .create(namespace, &manifest, WriteMode::default())
            .await?;
        let name = created.metadata.name.unwrap_or_default();
        let started = Instant::now();
        let waited = tokio::select! {
            outcome = wait(cluster, namespace, &name, plan.timeout, progress) => Some(outcome),
            _ = tokio::signal::ctrl_c() => None,
        };
        // Deleted whatever happened: a finished run, a timeout, an error or Ctrl-C.
        let deleted = cluster
            .delete::<SparkApplication>(namespace, &name, None, WriteMode::default())
            .await
            .map(|_| ());
        let Some(outcome) = waited else {
            progress.clear();
            return Err(Error::Config(format!(
                "perf spark interrupted; SparkApplication {namespace}/{name} {}",
                match deleted {
                    Ok(()) => "was deleted".to_string(),
                    Err(e) => format!("could not be deleted: {e}"),
                }
            )));
        };
        let app = outcome?;
        let wait_seconds = started.elapsed().as_secs_f64();
        result.runs.push(match app {
            Some(app) => SparkRun {
                name: name.clone(),
                state: app.state().to_string(),
                duration_seconds: duration_seconds(&app),
                wait_seconds,
                error: app
                    .status
                    .as_ref()
                    .and_then(|s| s.application_state.error_message.clone()),
            },
            None => SparkRun {
                name: name.clone(),
                state: "TIMEOUT".into(),
                duration_seconds: None,
                wait_seconds,
                error: Some(format!(
                    "not finished within {:?} (--timeout)",
                    plan.timeout
                )),
            },
        });
        deleted?;
    }
    progress.clear();
    let durations: Vec<f64> = result
        .runs
        .iter()
        .filter(|r| r.state == "COMPLETED")
        .filter_map(|r| r.duration_seconds)
        .collect();
    result.duration = Distribution::of(&durations);
    Ok(result)
}

/// Polls the application until a final state; `None` at the timeout.
async fn wait(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    timeout: Duration,
    progress: &Progress,
) -> Result<Option<SparkApplication>> {
    let started = Instant::now();
    loop {
        if let Some(app) = cluster.get_opt::<SparkApplication>(namespace, name).await? {
            let state = app.state().to_string();
            progress.show(&format!(
                "spark {name} {state} {:.0}s",
                started.elapsed().as_secs_f64()
            ));
            if FINAL_STATES.contains(&state.as_str()) {
                return Ok(Some(app));
            }
        }
        if started.elapsed() >= timeout {
            return Ok(None);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(name: &str, state: &str, start: &str, end: &str) -> SparkApplication {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name},
            "spec": {},
            "status": {
                "applicationState": {"state": state},
                "lastSubmissionAttemptTime": start,
                "terminationTime": end
            }
        }))
        .unwrap()
    }

    #[test]
    fn durations_come_from_the_status() {
        let a = app(
            "etl-29301",
            "COMPLETED",
            "2026-12-01T10:00:00Z",
            "2026-12-01T10:01:30Z",
        );
        assert_eq!(duration_seconds(&a), Some(90.0));
    }

    #[test]
    fn history_groups_runs_and_counts_failures() {
        let apps = vec![
            app(
                "etl-29301",
                "COMPLETED",
                "2026-12-01T10:00:00Z",
                "2026-12-01T10:01:00Z",
            ),
            app(
                "etl-29302",
                "FAILED",
                "2026-12-01T11:00:00Z",
                "2026-12-01T11:00:10Z",
            ),
            app("etl-29303", "RUNNING", "2026-12-01T12:00:00Z", ""),
            app(
                "report",
                "COMPLETED",
                "2026-12-01T10:00:00Z",
                "2026-12-01T10:00:20Z",
            ),
        ];
        let h = history(&apps);
        assert_eq!(h.len(), 2);
        assert_eq!(h[0].application, "etl");
        assert_eq!(h[0].runs, 2);
        assert_eq!(h[0].failed, 1);
        assert_eq!(h[0].failure_rate, 0.5);
        assert_eq!(h[0].duration.as_ref().unwrap().n, 2);
        assert_eq!(h[1].application, "report");
    }

    #[test]
    fn names_and_manifests() {
        assert_eq!(application_of("etl-daily-29301"), "etl-daily");
        assert_eq!(application_of("spark-pi-perf-x7k2p"), "spark-pi");
        assert_eq!(application_of("ingest"), "ingest");
        assert_eq!(application_of("ingest-orders"), "ingest-orders");
        let m = serde_json::json!({"kind": "SparkApplication", "metadata": {"name": "etl", "namespace": "x"}, "spec": {}, "status": {}});
        let p = prepare(&m, "dp").unwrap();
        assert_eq!(p["metadata"]["generateName"], "etl-perf-");
        assert_eq!(p["metadata"]["namespace"], "dp");
        assert!(p["metadata"].get("name").is_none());
        assert!(p.get("status").is_none());
        assert!(prepare(&serde_json::json!({"kind": "Pod"}), "dp").is_err());
    }
}
