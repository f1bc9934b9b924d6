//! Spark applications run by the spark-operator.

use std::collections::BTreeMap;

use crate::findings::{ChainLink, Component, Finding, ObjectRef, Severity};
use crate::kube::Availability;
use crate::platform::crds::SparkApplication;
use crate::snapshot::Snapshot;
use crate::status::report::{ComponentStatus, Detail, state_of};

use super::Section;
use super::pods::{self, Cause, is_admission_refusal, refusal_fix};

pub(crate) fn analyse(snapshot: &Snapshot) -> Section {
    let apps = &snapshot.spark_applications;
    let mut findings = Vec::new();
    let mut by_state: BTreeMap<&str, usize> = BTreeMap::new();
    for app in &apps.items {
        let state = app.state();
        *by_state.entry(state).or_default() += 1;
        let object = ObjectRef::from_meta("SparkApplication", &app.metadata);
        findings.extend(run_finding(snapshot, app, state, &object));
        findings.extend(conf_values(app, &object));
        findings.extend(tuning_rule_findings(app, &object));
        findings.extend(conf_findings(app, object));
    }
    findings.extend(super::network::findings(snapshot, Component::Spark));
    let found = !apps.items.is_empty();
    let summary = match &apps.availability {
        Availability::NotInstalled => {
            "spark-operator CRD (sparkapplications.sparkoperator.k8s.io) is not installed"
                .to_string()
        }
        _ if !found => "no SparkApplications".to_string(),
        _ => by_state
            .iter()
            .map(|(s, n)| format!("{n} {}", s.to_lowercase()))
            .collect::<Vec<_>>()
            .join(", "),
    };
    Section {
        status: ComponentStatus {
            component: Component::Spark,
            state: state_of(Component::Spark, found, &findings, &[&apps.availability]),
            summary,
            details: by_state
                .iter()
                .map(|(s, n)| Detail {
                    label: s.to_string(),
                    value: n.to_string(),
                })
                .collect(),
        },
        findings,
    }
}

/// An application that failed, or that is running while its driver cannot run.
fn run_finding(
    snapshot: &Snapshot,
    app: &SparkApplication,
    state: &str,
    object: &ObjectRef,
) -> Option<Finding> {
    let ns = object.namespace.clone().unwrap_or_default();
    if matches!(state, "FAILED" | "SUBMISSION_FAILED") {
        return Some(failed_finding(snapshot, app, state, object));
    }
    if !matches!(state, "SUBMITTED" | "RUNNING" | "PENDING_RERUN" | "UNKNOWN") {
        return None;
    }
    let cause = driver_cause(snapshot, app, &ns)?;
    let mut finding = Finding::new(
        "spark.driver-not-running",
        Severity::Warning,
        Component::Spark,
        object.clone(),
        format!("{state}, but the driver is not running: {}", cause.summary),
        cause.hint,
    );
    finding.cause = Some(cause.code);
    finding.chain = cause.links;
    finding.chain.push(ChainLink {
        object: object.clone(),
        problem: format!("{state}; its driver cannot run"),
    });
    Some(finding)
}

/// `spark.application-failed`, with the driver pod's cause when the pod is still there.
fn failed_finding(
    snapshot: &Snapshot,
    app: &SparkApplication,
    state: &str,
    object: &ObjectRef,
) -> Finding {
    let name = object.name.clone();
    let ns = object.namespace.clone().unwrap_or_default();
    let error = app
        .status
        .as_ref()
        .and_then(|s| s.application_state.error_message.clone())
        .unwrap_or_else(|| "no error message recorded".into());
    let mut finding = Finding::new(
        "spark.application-failed",
        Severity::Warning,
        Component::Spark,
        object.clone(),
        // spark-submit's output is long: the line with the refusal says why.
        format!(
            "{state}: {}",
            error
                .lines()
                .find(|l| is_admission_refusal(l))
                .map_or_else(|| first_line(&error), str::trim)
        ),
        format!(
            "driver logs: kubectl logs {name}-driver -n {ns}; rerun with kubectl delete sparkapp {name} -n {ns} && kubectl apply -f ..."
        ),
    );
    // The operator could not create the driver pod: admission said why,
    // and the fix is the refusal's, not the driver's logs (there are none).
    if is_admission_refusal(&error) {
        finding.hint = refusal_fix(&error);
    }
    if let Some(cause) = driver_cause(snapshot, app, &ns) {
        finding.message = format!("{}: {}", finding.message, cause.summary);
        finding.cause = Some(cause.code);
        finding.chain = cause.links;
        finding.chain.push(ChainLink {
            object: object.clone(),
            problem: state.to_string(),
        });
    }
    finding
}

/// Faults the shared Spark rules find: reported under the catalogue's code
/// for the rule, fixed by `tune plan` (src/platform/rules/spark.rs).
fn tuning_rule_findings(app: &SparkApplication, object: &ObjectRef) -> Vec<Finding> {
    let (proposals, _) = crate::platform::rules::spark::rules(
        app,
        crate::platform::rules::proposal::Profile::Balanced,
    );
    let mut findings = Vec::new();
    for p in proposals {
        let Some(rule) = crate::platform::rules::fixed_by(p.rule).find(|r| {
            matches!(
                r.code,
                "spark.s3a-connections-below-threads" | "spark.driver-result-size-too-large"
            )
        }) else {
            continue;
        };
        let code = rule.code;
        findings.push(
            Finding::new(
                code,
                Severity::Warning,
                Component::Spark,
                object.clone(),
                format!("{}: {}", p.setting, p.reason),
                format!(
                    "set {} to {}; `kubectl dp tune plan` proposes it",
                    p.setting,
                    p.proposed.unwrap_or_default()
                ),
            )
            .with_field(spark_setting_field(&p.setting)),
        );
    }
    findings
}

/// Settings in the application's sparkConf that slow every run.
fn conf_findings(app: &SparkApplication, object: ObjectRef) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(packages) = app
        .conf("spark.jars.packages")
        .filter(|p| !p.trim().is_empty())
    {
        findings.push(Finding::new(
            "spark.packages-at-startup",
            Severity::Warning,
            Component::Spark,
            object.clone(),
            format!("spark.jars.packages downloads {packages} at every start (slow, and fails when Maven Central is unreachable)"),
            "bake the jars into the image and drop spark.jars.packages",
        ).with_field(crate::findings::FieldRef::at(&["spec", "sparkConf", "spark.jars.packages"])));
    }
    if app.conf("spark.sql.adaptive.enabled") == Some("false") {
        findings.push(
            Finding::new(
                "spark.aqe-disabled",
                Severity::Warning,
                Component::Spark,
                object.clone(),
                "adaptive query execution is switched off (spark.sql.adaptive.enabled=false)",
                "remove the setting or set it to true; AQE is Spark's default since 3.2",
            )
            .with_field(crate::findings::FieldRef::at(&[
                "spec",
                "sparkConf",
                "spark.sql.adaptive.enabled",
            ])),
        );
    }
    if let Some(serializer) = app
        .conf("spark.serializer")
        .filter(|s| !s.contains("KryoSerializer"))
    {
        findings.push(
            Finding::new(
                "spark.kryo-disabled",
                Severity::Info,
                Component::Spark,
                object,
                format!("spark.serializer is {serializer}, not Kryo"),
                "set spark.serializer=org.apache.spark.serializer.KryoSerializer",
            )
            .with_field(crate::findings::FieldRef::at(&[
                "spec",
                "sparkConf",
                "spark.serializer",
            ])),
        );
    }
    findings
}

/// Values Spark refuses (by type and bound: [`crate::platform::spark_conf`]).
fn conf_values(app: &SparkApplication, object: &ObjectRef) -> Vec<Finding> {
    crate::platform::spark_conf::check(app)
        .into_iter()
        .map(|r| {
            Finding::new(
                "spark.conf-invalid-value",
                Severity::Critical,
                Component::Spark,
                object.clone(),
                r.message(),
                format!("{} in SparkApplication {}", r.fix(), object.name),
            )
        })
        .collect()
}

/// Why the application's driver pod is not running, when the pod is still there.
fn driver_cause(snapshot: &Snapshot, app: &SparkApplication, ns: &str) -> Option<Cause> {
    let pod_name = app.status.as_ref()?.driver_info.pod_name.as_deref()?;
    let pod = snapshot.pods.items.iter().find(|p| {
        p.metadata.namespace.as_deref() == Some(ns) && p.metadata.name.as_deref() == Some(pod_name)
    })?;
    pods::pod_cause(snapshot, pod)
}

/// A tune setting's place in the SparkApplication: `sparkConf.KEY` or `hadoopConf.KEY`.
fn spark_setting_field(setting: &str) -> crate::findings::FieldRef {
    match setting.split_once('.') {
        Some((map @ ("sparkConf" | "hadoopConf"), key)) => {
            crate::findings::FieldRef::at(&["spec", map, key])
        }
        _ => crate::findings::FieldRef::at(&["spec", "sparkConf", setting]),
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

#[cfg(test)]
mod refusal_tests {
    use super::*;
    use crate::kube::Listing;

    #[test]
    fn a_driver_refused_by_admission_gets_the_refusals_fix() {
        let app: SparkApplication = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "ingest", "namespace": "dp"},
            "spec": {},
            "status": {"applicationState": {"state": "SUBMISSION_FAILED", "errorMessage":
                "failed to run spark-submit: exit status 1\nException in thread main\n  Failure executing: POST at: https://10.0.0.1/api/v1/namespaces/dp/pods. Message: pods \"ingest-driver\" is forbidden: exceeded quota: compute, requested: limits.memory=5Gi, used: limits.memory=90Gi, limited: limits.memory=92Gi."}}
        }))
        .unwrap();
        let snapshot = Snapshot {
            spark_applications: Listing::available(vec![app]),
            ..Snapshot::default()
        };
        let section = analyse(&snapshot);
        let finding = &section.findings[0];
        assert_eq!(finding.code, "spark.application-failed");
        assert!(
            finding.message.contains("exceeded quota: compute"),
            "{}",
            finding.message
        );
        assert!(finding.hint.contains("raise the quota"), "{}", finding.hint);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::Listing;

    #[test]
    fn values_spark_refuses_are_findings_naming_setting_value_and_fix() {
        let snapshot = Snapshot {
            spark_applications: Listing::available(vec![
            serde_json::from_value(serde_json::json!({
                "metadata": {"name": "nightly", "namespace": "dp"},
                "spec": {
                    "sparkConf": {"spark.executor.memoryOverheadFactor": "0", "spark.network.timeout": "2min"},
                    "executor": {"memory": "4gib"}
                },
                "status": {"applicationState": {"state": "COMPLETED"}}
            }))
            .unwrap(),
            ]),
            ..Snapshot::default()
        };
        let found: Vec<(&str, String, String)> = analyse(&snapshot)
            .findings
            .into_iter()
            .map(|f| (f.code, f.message, f.hint))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "spark.conf-invalid-value",
                    "sparkConf.spark.executor.memoryOverheadFactor=0 is not above 0 (as spark.executor.memoryOverheadFactor); Spark refuses it and the application fails to start".to_string(),
                    "set sparkConf.spark.executor.memoryOverheadFactor to a number, above 0 in SparkApplication nightly".to_string(),
                ),
                (
                    "spark.conf-invalid-value",
                    "executor.memory=4gib has the unknown unit 'gib' (as spark.executor.memory); Spark refuses it and the application fails to start".to_string(),
                    "set executor.memory to a whole number of MiB or with a unit b, k, m, g, t, p (also kb… pb, any case), such as 4g or 512m, at least 450m (UnifiedMemoryManager) in SparkApplication nightly".to_string(),
                ),
            ]
        );
    }
}
