//! Pods admission will refuse, found before the controller tries: each
//! workload's pod template and each active SparkApplication's driver and
//! executors, sized as the operator sizes them, against the LimitRanges and
//! ResourceQuotas of their namespace ([`crate::platform::admission`], the same
//! arithmetic `quota check` and `tune plan` use).

use k8s_openapi::api::core::v1::PodSpec;

use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::platform::admission::{self, Policy, Refusal};
use crate::platform::spark::{self, SparkPod};
use crate::snapshot::Snapshot;

use super::workloads;

/// Every refusal, one finding per (object, pods, policy bound).
pub fn findings(snapshot: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for w in workloads::with_cron_jobs(snapshot) {
        let Some(spec) = w.pod_spec() else {
            continue;
        };
        let refusals = refusals_in(snapshot, w.namespace(), spec);
        let pods = format!("the pods of {} {}", w.kind, w.name());
        out.extend(refusals.iter().map(|r| {
            finding(
                Component::of_app(w.app_name(), Component::Compliance),
                w.object(),
                &pods,
                r,
                None,
            )
        }));
    }
    for app in &snapshot.spark_applications.items {
        if !spark::creates_pods(app.state()) {
            continue;
        }
        let object = ObjectRef::from_meta("SparkApplication", &app.metadata);
        let namespace = object.namespace.clone().unwrap_or_default();
        let Ok(pods) = spark::pods(&app.spec.to_json()) else {
            // A spec Spark cannot size is the CRD's or the operator's to refuse.
            continue;
        };
        for pod in &pods {
            let what = format!("its {} pods", pod.role.as_str());
            for r in refusals_in(snapshot, &namespace, &pod.spec) {
                out.push(finding(
                    Component::Spark,
                    object.clone(),
                    &what,
                    &r,
                    Some(pod),
                ));
            }
        }
    }
    out
}

fn refusals_in(snapshot: &Snapshot, namespace: &str, spec: &PodSpec) -> Vec<Refusal> {
    let in_namespace = |ns: &Option<String>| ns.as_deref() == Some(namespace);
    let ranges: Vec<_> = snapshot
        .limit_ranges
        .items
        .iter()
        .filter(|r| in_namespace(&r.metadata.namespace))
        .cloned()
        .collect();
    let quotas: Vec<_> = snapshot
        .resource_quotas
        .items
        .iter()
        .filter(|q| in_namespace(&q.metadata.namespace))
        .cloned()
        .collect();
    admission::admit(spec, &ranges, &quotas).refusals
}

fn finding(
    component: Component,
    object: ObjectRef,
    pods: &str,
    refusal: &Refusal,
    spark_pod: Option<&SparkPod>,
) -> Finding {
    let container = refusal
        .container
        .as_deref()
        .map(|c| format!(" (container {c})"))
        .unwrap_or_default();
    let sized = spark_pod
        .map(|p| format!("; memory {}", p.memory_parts))
        .unwrap_or_default();
    let (code, hint) = match &refusal.policy {
        Policy::LimitRange(name) => (
            "resources.refused-by-limit-range",
            match spark_pod {
                Some(p) => format!(
                    "size the {} within LimitRange {name} ({}: memory plus overhead must fit), or raise the LimitRange",
                    p.role.as_str(),
                    refusal.bound
                ),
                None => format!(
                    "bring the container's resources within LimitRange {name} ({}), or change the LimitRange",
                    refusal.bound
                ),
            },
        ),
        Policy::ResourceQuota(name) => (
            "resources.refused-by-quota",
            format!(
                "set {} on every container{}, or give the namespace a LimitRange default for it (ResourceQuota {name} makes it mandatory)",
                refusal.bound,
                if spark_pod.is_some() {
                    " (coreLimit / coreRequest for Spark)"
                } else {
                    ""
                }
            ),
        ),
    };
    Finding::new(
        code,
        Severity::Critical,
        component,
        object,
        format!(
            "{pods}{container} are refused by {}: {}{sized}",
            refusal.policy.describe(),
            refusal.message
        ),
        hint,
    )
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{codes, trino_snapshot};
    use super::*;
    use crate::kube::Listing;

    fn from<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn spark_executors_above_the_limit_range_max() {
        let mut s = trino_snapshot("8G", "10Gi", "24G", "28Gi", "");
        s.limit_ranges = Listing::available(vec![from(serde_json::json!({
            "metadata": {"name": "limits", "namespace": "dp"},
            "spec": {"limits": [{"type": "Container", "max": {"memory": "32Gi"}, "default": {"cpu": "2"}, "defaultRequest": {"cpu": "1"}}]}
        }))]);
        s.spark_applications = Listing::available(vec![from(serde_json::json!({
            "metadata": {"name": "etl", "namespace": "dp"},
            "spec": {"type": "Scala", "driver": {"memory": "2g"}, "executor": {"memory": "31g", "instances": 2}},
            "status": {"applicationState": {"state": "RUNNING"}}
        }))]);
        let found = findings(&s);
        assert_eq!(
            codes(&found),
            ["resources.refused-by-limit-range"],
            "{found:#?}"
        );
        let f = &found[0];
        assert_eq!(f.component, Component::Spark);
        assert!(f.message.starts_with("its executor pods (container spark-kubernetes-executor) are refused by LimitRange limits: limits.memory 34.09Gi is above the LimitRange maximum 32Gi (by 2150Mi)"), "{}", f.message);
        assert!(
            f.message.contains("31g + 3174m overhead (10% of 31g)"),
            "{}",
            f.message
        );
        // A completed application creates no more pods.
        s.spark_applications.items[0]
            .status
            .as_mut()
            .unwrap()
            .application_state
            .state = "COMPLETED".into();
        assert!(findings(&s).is_empty());
    }

    #[test]
    fn a_cpu_limit_quota_refuses_containers_without_one() {
        let mut s = trino_snapshot("8G", "10Gi", "24G", "28Gi", "");
        s.resource_quotas = Listing::available(vec![from(serde_json::json!({
            "metadata": {"name": "platform", "namespace": "dp"},
            "spec": {"hard": {"limits.cpu": "30", "requests.memory": "80Gi"}}
        }))]);
        let found = findings(&s);
        // Both Trino workloads set no CPU limit; no LimitRange defaults one.
        assert_eq!(
            codes(&found),
            ["resources.refused-by-quota", "resources.refused-by-quota"]
        );
        assert_eq!(found[0].component, Component::Trino);
        assert!(
            found[0].message.contains("must specify limits.cpu"),
            "{}",
            found[0].message
        );
    }
}
