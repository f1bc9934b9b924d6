//! `kubectl dp quota check` against the local control plane: it accepts and
//! rejects changes with the right numbers (quota, LimitRange, what the API server
//! rejects, Spark executors that fit on no node).

mod common;

use common::quota::*;
use common::{TestNamespace, stderr, stdout};

#[test]
fn check_accepts_a_change_that_fits_replacing_same_named_objects() {
    let ns = fenced_namespace();
    let dir = tempdir(&ns.name);
    // web grows to 3 × 2Gi (replacing its 2 pods) and a sidecar-less job gets the defaults.
    std::fs::write(
        dir.join("app.yaml"),
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        resources:
          requests: {cpu: 250m, memory: 2Gi}
          limits: {cpu: 500m, memory: 2Gi}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: busybox}]
"#,
    )
    .unwrap();
    std::fs::write(dir.join("kustomization.yaml"), "resources: [app.yaml]\n").unwrap();
    let out = quota(
        &["check", "-n", &ns.name, "-k", dir.to_str().unwrap()],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.starts_with("FITS"), "{text}");
    // 4Gi now − 4Gi replaced + 6Gi + 512Mi (the LimitRange default for migrate).
    assert!(
        squash(&text).contains("requests.memory 4Gi -4Gi +6.5Gi 6.5Gi 10Gi yes"),
        "{text}"
    );
    assert!(
        text.contains(
            "Job/migrate container migrate: requests.memory=512Mi from LimitRange limits"
        ),
        "{text}"
    );
    let report = json(&quota(
        &[
            "check",
            "-n",
            &ns.name,
            "-f",
            dir.join("app.yaml").to_str().unwrap(),
            "-o",
            "json",
        ],
        None,
    ));
    assert_eq!(report["fits"], true);
}

#[test]
fn check_rejects_a_change_over_the_memory_quota() {
    let ns = fenced_namespace();
    let manifest = r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: nginx
        resources: {requests: {cpu: 100m, memory: 3Gi}, limits: {cpu: 200m, memory: 3Gi}}
"#;
    let out = quota(&["check", "-n", &ns.name, "-f", "-"], Some(manifest));
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.starts_with("DOES NOT FIT"), "{text}");
    // 4Gi of web + 9Gi new = 13Gi of 10Gi.
    assert!(
        text.contains(&format!(
            "quota {}/compute: requests.memory would be 13Gi of 10Gi (over by 3Gi); largest contributor: Deployment/api (9Gi)",
            ns.name
        )),
        "{text}"
    );
    assert!(
        text.contains("limits.memory would be 13Gi of 12Gi (over by 1Gi)"),
        "{text}"
    );
}

#[test]
fn check_rejects_a_container_over_the_limit_range_maximum() {
    let ns = fenced_namespace();
    let dir = tempdir(&ns.name);
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    std::fs::write(
        dir.join("nested/cache.yaml"),
        r#"apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cache}
spec:
  serviceName: cache
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers:
      - name: redis
        image: redis
        resources: {requests: {memory: 1Gi}, limits: {memory: 6Gi}}
"#,
    )
    .unwrap();
    let out = quota(
        &["check", "-n", &ns.name, "-f", dir.to_str().unwrap()],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.contains("StatefulSet/cache container redis: limits.memory 6Gi is above the LimitRange maximum 4Gi (by 2Gi) (LimitRange limits)"),
        "{text}"
    );
}

#[test]
fn check_reports_what_the_api_server_rejects_and_does_not_count_it() {
    // The real SparkApplication CRD refuses `spec.driver: 5`: once counted as two
    // default-sized pods that fit, now rejected with the server's own words.
    let ns = TestNamespace::new("quota-rejected");
    let manifest = r#"apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: {name: wrong-types}
spec: {type: Scala, sparkVersion: 3.5.5, mainApplicationFile: "local:///opt/job.jar", sparkConf: "x", driver: 5, executor: {}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: nginx, resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 64Mi}}}
"#;
    let out = quota(
        &["check", "-n", &ns.name, "-f", "-", "-o", "json"],
        Some(manifest),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let report = json(&out);
    assert_eq!(report["fits"], false, "{report:#}");
    let rejected = report["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1, "{report:#}");
    assert_eq!(
        rejected[0]["object"], "SparkApplication wrong-types",
        "{report:#}"
    );
    let message = rejected[0]["message"].as_str().unwrap();
    assert!(
        message.contains("spec.driver") && message.contains("must be of type object"),
        "{message}"
    );
    let kinds: Vec<&str> = report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Deployment"], "{report:#}");
    // The table says it first, with the server's message.
    let out = quota(&["check", "-n", &ns.name, "-f", "-"], Some(manifest));
    let text = stdout(&out);
    assert!(
        text.contains("DOES NOT FIT:")
            && text
                .contains("SparkApplication wrong-types (<stdin>) was rejected by the API server:"),
        "{text}"
    );
    // A kind the cluster does not serve is rejected too, as kubectl would.
    let unknown = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {}\n";
    let out = quota(
        &["check", "-n", &ns.name, "-f", "-", "-o", "json"],
        Some(&format!(
            "{unknown}---\n{}",
            manifest.split("---\n").nth(1).unwrap()
        )),
    );
    let report = json(&out);
    assert_eq!(
        report["rejected"][0]["message"],
        "no kind Widget is served in example.com/v1: is its CRD installed?",
        "{report:#}"
    );
}

#[test]
fn check_rejects_spark_executors_that_fit_on_no_node() {
    let ns = TestNamespace::new("quota-spark");
    let manifest = r#"apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: {name: huge-join}
spec:
  type: Scala
  mode: cluster
  sparkVersion: 3.5.5
  mainApplicationFile: local:///opt/job.jar
  driver: {cores: 1, memory: 2g}
  executor: {cores: 4, memory: 40g, instances: 3}
"#;
    let out = quota(
        &["check", "-n", &ns.name, "-f", "-", "-o", "json"],
        Some(manifest),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let report = json(&out);
    // 40g + max(10%, 384MiB) = 40960MiB + 4096MiB = 44Gi per executor; nodes have 32Gi.
    assert_eq!(
        report["nodes"]["largestPod"],
        "SparkApplication/huge-join executor"
    );
    assert_eq!(
        report["nodes"]["largestPodMemory"],
        (44u64 << 30).to_string()
    );
    assert_eq!(report["nodes"]["largestPodNode"], serde_json::Value::Null);
    let executors = report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["role"] == "executor")
        .unwrap();
    assert_eq!(executors["count"], 3);
    let table = stdout(&quota(
        &["check", "-n", &ns.name, "-f", "-"],
        Some(manifest),
    ));
    assert!(table.contains("the largest pod, SparkApplication/huge-join executor (4 CPU, 44Gi memory), fits on no node"), "{table}");
}
