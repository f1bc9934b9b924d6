//! Which SparkApplications of a change would start pods. The
//! spark-operator submits an application when it is created or its spec
//! changes; a finished application re-applied unchanged stays finished, so its
//! driver and executors are not new pods. A no-op GitOps change must fit.
//! [`stays_finished`] decides (pure); [`drop_finished_applications`] reads the
//! live applications and applies it.

use std::collections::{BTreeMap, BTreeSet};

use kube::api::ListParams;
use serde_json::Value;

use crate::error::Result;
use crate::kube::{Cluster, Listing, Scope};
use crate::quota::manifests::{self, Workload};

/// Whether applying `manifest` over the live object `live` leaves a finished
/// application finished: its state is terminal, its restart policy does not
/// restart it, and every field the manifest sets in `spec` already has that
/// value in the live spec (the live object may carry defaults the manifest omits).
pub(crate) fn stays_finished(manifest: &Value, live: &Value) -> bool {
    let state = live
        .pointer("/status/applicationState/state")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let restart = manifest
        .pointer("/spec/restartPolicy/type")
        .and_then(Value::as_str)
        .unwrap_or("Never");
    let finished = match state {
        "COMPLETED" => restart != "Always",
        "FAILED" | "SUBMISSION_FAILED" => restart == "Never",
        _ => false,
    };
    let unchanged = match (manifest.get("spec"), live.get("spec")) {
        (Some(wanted), Some(have)) => is_subset(wanted, have),
        _ => false,
    };
    finished && unchanged
}

/// Every value `wanted` sets is in `have` (objects by key, arrays item by item,
/// numbers by value so that `1` and `1.0` agree).
fn is_subset(wanted: &Value, have: &Value) -> bool {
    match (wanted, have) {
        (Value::Object(w), Value::Object(h)) => w
            .iter()
            .all(|(k, v)| v.is_null() || h.get(k).is_some_and(|hv| is_subset(v, hv))),
        (Value::Array(w), Value::Array(h)) => {
            w.len() == h.len() && w.iter().zip(h).all(|(a, b)| is_subset(a, b))
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) => a == b,
    }
}

/// Leaves out the SparkApplications that would not start: a finished application
/// re-applied unchanged stays finished (see [`stays_finished`]). Returns
/// the workloads that count and a note for each one left out or not knowable.
pub(crate) async fn drop_finished_applications(
    cluster: &Cluster,
    found: &[manifests::Manifest],
    targeted: Vec<(Workload, String)>,
    default_ns: &str,
) -> Result<(Vec<(Workload, String)>, Vec<String>)> {
    let spark_namespaces: BTreeSet<&String> = targeted
        .iter()
        .filter(|(w, _)| w.kind == "SparkApplication")
        .map(|(_, ns)| ns)
        .collect();
    let mut notes = Vec::new();
    let mut live: BTreeMap<(String, String), serde_json::Value> = BTreeMap::new();
    let apps = crate::kube::resources::spark_application();
    for ns in spark_namespaces {
        let scope = Scope::Namespace(ns.clone());
        let listing: Listing<serde_json::Value> = cluster
            .list_custom(&apps, Some(&scope), &ListParams::default())
            .await?;
        if matches!(
            listing.availability,
            crate::kube::Availability::Forbidden(_) | crate::kube::Availability::Failed(_)
        ) {
            notes.push(format!(
                "sparkapplications in {ns} could not be read ({}): every SparkApplication is counted as starting",
                listing.availability.describe()
            ));
        }
        for item in listing.items {
            if let Some(name) = item.pointer("/metadata/name").and_then(|n| n.as_str()) {
                live.insert((ns.clone(), name.to_string()), item);
            }
        }
    }
    let manifest_of = |name: &str, ns: &str| {
        found.iter().find(|m| {
            m.value.get("kind").and_then(|k| k.as_str()) == Some("SparkApplication")
                && m.value.pointer("/metadata/name").and_then(|n| n.as_str()) == Some(name)
                && m.value
                    .pointer("/metadata/namespace")
                    .and_then(|n| n.as_str())
                    .unwrap_or(default_ns)
                    == ns
        })
    };
    let mut kept = Vec::new();
    for (workload, ns) in targeted {
        let finished = workload.kind == "SparkApplication"
            && match (
                manifest_of(&workload.name, &ns),
                live.get(&(ns.clone(), workload.name.clone())),
            ) {
                (Some(manifest), Some(current)) => stays_finished(&manifest.value, current),
                _ => false,
            };
        if finished {
            notes.push(format!(
                "SparkApplication {ns}/{} is finished and unchanged: applying it again does not start it, so its pods are not counted",
                workload.name
            ));
        } else {
            kept.push((workload, ns));
        }
    }
    Ok((kept, notes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn app(state: &str, instances: u64) -> Value {
        json!({
            "spec": {"type": "Scala", "driver": {"cores": 1, "memory": "2g"},
                     "executor": {"cores": 2, "instances": instances, "memory": "4g"},
                     "sparkConf": {"spark.sql.adaptive.enabled": "true"}},
            "status": {"applicationState": {"state": state}}
        })
    }

    #[test]
    fn only_applications_that_would_start_count() {
        let manifest = json!({"spec": {"type": "Scala", "driver": {"cores": 1, "memory": "2g"},
            "executor": {"cores": 2, "instances": 2, "memory": "4g"},
            "sparkConf": {"spark.sql.adaptive.enabled": "true"}}});
        // Re-applied unchanged: stays COMPLETED, the live object may hold defaults.
        let mut live = app("COMPLETED", 2);
        live["spec"]["mode"] = json!("cluster");
        assert!(stays_finished(&manifest, &live));
        // A changed spec is submitted again.
        assert!(!stays_finished(&manifest, &app("COMPLETED", 3)));
        // Running: its pods are live (replaced, not added); not "finished".
        assert!(!stays_finished(&manifest, &app("RUNNING", 2)));
        // restartPolicy Always restarts a completed application anyway.
        let mut always = manifest.clone();
        always["spec"]["restartPolicy"] = json!({"type": "Always"});
        let mut live_always = app("COMPLETED", 2);
        live_always["spec"]["restartPolicy"] = json!({"type": "Always"});
        assert!(!stays_finished(&always, &live_always));
        // A failed application with OnFailure is retried; with Never it stays failed.
        assert!(stays_finished(&manifest, &app("FAILED", 2)));
        let mut on_failure = manifest.clone();
        on_failure["spec"]["restartPolicy"] = json!({"type": "OnFailure"});
        let mut live_failed = app("FAILED", 2);
        live_failed["spec"]["restartPolicy"] = json!({"type": "OnFailure"});
        assert!(!stays_finished(&on_failure, &live_failed));
        // Numbers compare by value.
        assert!(is_subset(&json!({"a": 1}), &json!({"a": 1.0})));
    }
}
