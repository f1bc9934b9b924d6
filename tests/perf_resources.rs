//! `kubectl dp perf`'s resources suite on the local control plane: use against
//! requests and limits from the metrics API, and one clear reason when the
//! metrics API is not served.

mod common;

use common::perf::*;
use common::{TestNamespace, apply, dp, stderr, stdout};

/// Whether the test cluster serves metrics.k8s.io (a real metrics-server).
fn metrics_api_served() -> bool {
    let output = common::kubectl_output(&["get", "--raw", "/apis/metrics.k8s.io/v1beta1"], None);
    output.status.success()
}

#[test]
fn resources_suite_without_the_metrics_api_says_why() {
    if metrics_api_served() {
        // Covered by the end-to-end test below.
        return;
    }
    let ns = TestNamespace::new("perf-resources");
    let output = dp(BIN, &["run", "-n", &ns.name, "--suite", "resources"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("(metrics.k8s.io) is not served"), "{err}");
}

#[test]
fn resources_suite_measures_use_against_requests_and_limits() {
    if !metrics_api_served() {
        panic!("metrics.k8s.io is not served: tests/cluster/up starts metrics-server");
    }
    let ns = TestNamespace::new("perf-usage");
    let deployment = |name: &str, cpu: &str, memory: &str, requests: &str, limits: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n      annotations: {annotations}\n    spec:\n      containers:\n      - name: main\n        image: example/{name}:1\n        resources:\n          requests: {requests}\n          limits: {limits}\n",
            ns = ns.name,
            annotations = common::usage_annotations(cpu, memory)
        )
    };
    apply(&deployment(
        "nessie",
        "100m",
        "950Mi",
        "{cpu: '1', memory: 1Gi}",
        "{memory: 1Gi}",
    ));
    apply(&deployment(
        "trino-coordinator",
        "1500m",
        "4Gi",
        "{cpu: '2', memory: 4Gi}",
        "{memory: 8Gi}",
    ));
    // metrics-server scrapes kwok's kubelets every few seconds.
    common::eventually(90, "metrics for both pods", || {
        let out = common::kubectl_output(
            &[
                "get",
                "--raw",
                &format!("/apis/metrics.k8s.io/v1beta1/namespaces/{}/pods", ns.name),
            ],
            None,
        );
        let text = String::from_utf8_lossy(&out.stdout);
        text.contains("nessie") && text.contains("trino-coordinator")
    });
    let output = dp(
        BIN,
        &["run", "-n", &ns.name, "--suite", "resources", "-o", "json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    let components = report["resources"]["components"].as_array().unwrap();
    let by_name = |n: &str| {
        components
            .iter()
            .find(|c| c["component"] == n)
            .unwrap_or_else(|| panic!("{n} in {components:?}"))
    };
    let nessie = by_name("nessie");
    let flags: Vec<&str> = nessie["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(flags.contains(&"near-memory-limit"), "{nessie}");
    assert!(flags.contains(&"over-requested-cpu"), "{nessie}");
    let memory = nessie["memoryBytes"].as_u64().unwrap();
    assert!((900 << 20..=1000 << 20).contains(&memory), "{nessie}");
    let trino = by_name("trino-coordinator");
    let cpu = trino["cpuMillis"].as_u64().unwrap();
    assert!((1300..=1700).contains(&cpu), "{trino}");
    assert_eq!(trino["memoryLimitBytes"], 8u64 << 30);
    let headroom = trino["memoryHeadroom"].as_f64().unwrap();
    assert!((0.45..0.55).contains(&headroom), "{trino}");
    let table = dp(BIN, &["run", "-n", &ns.name, "--suite", "resources"]);
    assert!(
        stdout(&table).contains("near-memory-limit"),
        "{}",
        stdout(&table)
    );
}
