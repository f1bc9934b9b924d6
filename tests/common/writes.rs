//! Set-up shared by the write tests (tests/writes_*.rs): a small Trino to
//! tune, its data and backups.

use super::*;

pub const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");

/// A Trino coordinator whose 4G heap does not fit its 2Gi container: `tune`
/// rewrites `-Xmx4G` to `-Xmx1638M`. The ConfigMap is server-side applied by
/// `manager` (a GitOps controller, as Flux does).
pub fn small_trino(ns: &str, manager: &str) {
    let config_map = format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"small-trino","namespace":"{ns}"}},"data":{{"jvm.config":"-server\n-Xmx4G\n","config.properties":"coordinator=true\n"}}}}"#
    );
    let field_manager = format!("--field-manager={manager}");
    let output = kubectl_output(
        &["apply", "--server-side", &field_manager, "-f", "-"],
        Some(&config_map),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let deployment = small_trino_deployment(ns);
    apply(&deployment);
}

pub fn trino_data(ns: &str) -> serde_json::Value {
    let text = kubectl(&["get", "configmap", "small-trino", "-n", ns, "-o", "json"]);
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["data"].clone()
}

pub fn backups(ns: &str) -> String {
    kubectl(&[
        "get",
        "configmaps",
        "-n",
        ns,
        "-l",
        "kubectl-dp.io/tune-backup=true",
        "-o",
        "name",
    ])
}

pub fn both(output: &std::process::Output) -> String {
    format!("{}{}", stdout(output), stderr(output))
}

/// The Deployment of [`small_trino`]: a coordinator with a 2Gi limit that
/// mounts ConfigMap `small-trino` at /etc/trino.
pub fn small_trino_deployment(ns: &str) -> String {
    format!(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: small-trino
  namespace: {ns}
  labels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}}
spec:
  replicas: 1
  selector:
    matchLabels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}}
    spec:
      containers:
      - name: trino
        image: trinodb/trino:476
        resources:
          requests: {{cpu: 100m, memory: 256Mi}}
          limits: {{cpu: 100m, memory: 2Gi}}
        volumeMounts:
        - {{name: config, mountPath: /etc/trino}}
      volumes:
      - name: config
        configMap: {{name: small-trino}}
"#
    )
}
