//! Set-up shared by the tune tests (tests/tune_*.rs): the reference platform
//! deployed and broken by hand-tuning, and the plan as JSON.

use super::*;

pub const BIN: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");

pub const SPARK_BREAK: &str = r#"{"spec":{"sparkConf":{"spark.sql.adaptive.coalescePartitions.parallelismFirst":"true","spark.kryoserializer.buffer.max":"4096m","spark.jars.packages":"org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.9.1"},"hadoopConf":{"fs.s3a.connection.maximum":"32","fs.s3a.threads.max":"64"},"executor":{"memoryOverhead":"128m"}}}"#;

/// tune reads objects, not running pods: the copies its tests make are kept off the
/// nodes (an affinity no node matches), leaving the 96 GiB to tests that need pods.
pub fn off_the_nodes(manifests: &str) -> String {
    let replaced = manifests.replace(
        "node-role.dp.example.com/data",
        "kubectl-dp.io/tune-test-never",
    );
    assert_ne!(
        replaced, manifests,
        "the example's node affinity changed: update off_the_nodes"
    );
    replaced
}

/// A copy of examples/platform in its own namespace, healthy or broken.
pub fn platform(prefix: &str, broken: bool) -> TestNamespace {
    let ns = TestNamespace::new(prefix);
    let manifests = off_the_nodes(&render_example("examples/platform", &ns.name));
    // The Namespace object itself is already created by TestNamespace.
    apply(&manifests);
    if broken {
        let text =
            std::fs::read_to_string(repo_root().join("tests/fixtures/tune/broken.yaml")).unwrap();
        apply(&retarget_namespace(&text, &ns.name));
        kubectl(&[
            "patch",
            "sparkapplication",
            "nightly-compaction",
            "-n",
            &ns.name,
            "--type",
            "merge",
            "-p",
            SPARK_BREAK,
        ]);
    }
    ns
}

pub fn config_maps(ns: &str) -> serde_json::Value {
    let text = kubectl(&[
        "get",
        "configmap",
        "trino-coordinator",
        "trino-worker",
        "trino-catalog",
        "-n",
        ns,
        "-o",
        "json",
    ]);
    let list: serde_json::Value = serde_json::from_str(&text).unwrap();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cm| cm["data"].clone())
        .collect()
}

pub fn plan_json(ns: &str) -> (serde_json::Value, i32) {
    let output = dp(BIN, &["plan", "-n", ns, "-o", "json"]);
    assert!(
        output.status.code() != Some(2),
        "plan failed: {}",
        stderr(&output)
    );
    (
        serde_json::from_str(&stdout(&output)).expect("plan JSON"),
        output.status.code().unwrap(),
    )
}

pub fn broken_example(prefix: &str) -> TestNamespace {
    let ns = TestNamespace::new(prefix);
    apply(&off_the_nodes(&render_example("examples/broken", &ns.name)));
    ns
}

pub const SMALL_TRINO: &str = r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: small-trino}
data:
  jvm.config: |
    -server
    -Xmx4G
  config.properties: |
    coordinator=true
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: small-trino
  labels: {app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}
spec:
  replicas: 1
  selector:
    matchLabels: {app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}
  template:
    metadata:
      labels: {app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}
    spec:
      containers:
      - name: trino
        image: trinodb/trino:476
        resources:
          requests: {cpu: 100m, memory: 256Mi}
          limits: {cpu: 100m, memory: 2Gi}
        volumeMounts:
        - {name: config, mountPath: /etc/trino}
      volumes:
      - name: config
        configMap: {name: small-trino}
"#;
