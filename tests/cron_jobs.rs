//! CronJobs: the pods their jobs will run are judged like a workload's pod
//! template (LimitRange and quota refusals, URLs to Services, Secret keys),
//! offline (`status -f -`) and on the real API server of tests/cluster/up
//! (`status -n`), with the same findings; a CronJob labelled as a platform
//! component (a Nessie GC job) is not taken for the component's server.

mod common;

use common::status::{status_json, status_offline_json};
use common::{TestNamespace, apply};
use serde_json::Value;
use std::collections::BTreeSet;

fn platform(ns: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: LimitRange
metadata: {{name: small, namespace: {ns}}}
spec:
  limits:
  - type: Container
    max: {{memory: 2Gi}}
---
apiVersion: v1
kind: Service
metadata: {{name: catalog, namespace: {ns}}}
spec:
  selector: {{app: catalog}}
  ports: [{{port: 19120}}]
---
apiVersion: v1
kind: Secret
metadata: {{name: gc-creds, namespace: {ns}}}
stringData: {{user: gc}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {{name: nessie-gc, namespace: {ns}, labels: {{app.kubernetes.io/name: nessie}}}}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        metadata: {{labels: {{app.kubernetes.io/name: nessie}}}}
        spec:
          restartPolicy: OnFailure
          containers:
          - name: gc
            image: ghcr.io/projectnessie/nessie-gc:0.104.1
            env:
            - {{name: NESSIE_URI, value: "http://catalog:19121/api/v2"}}
            - name: GC_PASSWORD
              valueFrom: {{secretKeyRef: {{name: gc-creds, key: password}}}}
            resources: {{requests: {{memory: 3Gi, cpu: 100m}}, limits: {{memory: 3Gi, cpu: 100m}}}}
"#
    )
}

fn cron_job_codes(report: &Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["object"]["kind"] == "CronJob" || f["message"].to_string().contains("CronJob")
        })
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn all_codes(report: &Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_cron_jobs_pods_are_judged_like_a_workloads() {
    let ns = TestNamespace::new("cron");
    let manifests = platform(&ns.name);
    let expected: BTreeSet<String> = [
        "network.service-port-not-served",
        "references.key-missing",
        "resources.refused-by-limit-range",
    ]
    .into_iter()
    .map(str::to_string)
    .collect();

    let report = status_offline_json(&manifests);
    assert_eq!(cron_job_codes(&report), expected, "offline: {report}");
    // A GC job labelled nessie is not the Nessie server.
    assert!(
        !all_codes(&report).iter().any(|c| c.starts_with("nessie.")),
        "{report}"
    );

    apply(&manifests);
    let (_, report) = status_json(&["-n", &ns.name]);
    assert_eq!(
        cron_job_codes(&report),
        expected,
        "on the API server: {report}"
    );
    assert!(
        !all_codes(&report).iter().any(|c| c.starts_with("nessie.")),
        "{report}"
    );
}
