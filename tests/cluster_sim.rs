//! What the local cluster simulates beyond Running pods, through the real API
//! server and kwok's kubelet API: `kubectl port-forward` to a process on this
//! machine, `kubectl logs` from a file, and `kubectl top` from usage figures the
//! test sets, scraped by a real metrics-server.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;

use common::{
    PortForward, TestNamespace, apply, eventually, forward_port, http_get, kubectl, kubectl_output,
    set_logs, usage_annotations,
};

/// A tiny HTTP server on a free loopback port that answers every request with
/// `body`; it runs until the test process ends.
fn local_http_server(body: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = write!(
                stream,
                "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

/// A one-replica Deployment `name` with the given labels, container and port,
/// and pod annotations; waits until it is available.
fn deployment(ns: &str, name: &str, labels: &str, container: &str, annotations: &str) {
    apply(&format!(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {ns}}}
spec:
  replicas: 1
  selector: {{matchLabels: {labels}}}
  template:
    metadata:
      labels: {labels}
      annotations: {annotations}
    spec:
      containers:
      - name: {container}
        image: trinodb/trino:476
        ports: [{{containerPort: 8080}}]
        resources:
          requests: {{cpu: 500m, memory: 512Mi}}
          limits: {{cpu: "1", memory: 1Gi}}
"#
    ));
    kubectl(&[
        "wait",
        "-n",
        ns,
        "--for=condition=Available",
        &format!("deployment/{name}"),
        "--timeout=60s",
    ]);
}

fn pod_of(ns: &str, selector: &str) -> String {
    let name = kubectl(&[
        "get",
        "pods",
        "-n",
        ns,
        "-l",
        selector,
        "-o",
        "jsonpath={.items[0].metadata.name}",
    ]);
    assert!(!name.is_empty(), "no pod matches {selector} in {ns}");
    name
}

#[test]
fn port_forward_to_a_deployment_reaches_a_local_process() {
    let ns = TestNamespace::new("sim-forward");
    let body = r#"{"nodeVersion":{"version":"local-process"},"starting":false}"#;
    let local = local_http_server(body);
    deployment(
        &ns.name,
        "trino-coordinator",
        "{app: trino, component: coordinator}",
        "trino",
        "{}",
    );
    forward_port(
        &ns.name,
        "-l app=trino,component=coordinator",
        8080,
        &format!("127.0.0.1:{local}"),
    );

    // kwok reads the ClusterPortForward through a watch: retry until it has.
    let mut last = String::new();
    eventually(30, "kubectl port-forward to reach the local server", || {
        let forward = PortForward::start(&ns.name, "deploy/trino-coordinator", 8080);
        match http_get(forward.local_port, "/v1/info") {
            Ok(response) => last = response,
            Err(e) => last = e.to_string(),
        }
        last.contains(body)
    });
    assert!(last.starts_with("HTTP/1.0 200 OK"), "{last}");

    // --all: every pod of the namespace, including pods created later.
    let all_body = r#"{"forwarded":"namespace-wide"}"#;
    let all_local = local_http_server(all_body);
    forward_port(&ns.name, "--all", 9090, &format!("127.0.0.1:{all_local}"));
    kubectl(&[
        "rollout",
        "restart",
        "-n",
        &ns.name,
        "deployment/trino-coordinator",
    ]);
    kubectl(&[
        "rollout",
        "status",
        "-n",
        &ns.name,
        "deployment/trino-coordinator",
        "--timeout=60s",
    ]);
    eventually(
        30,
        "port 9090 of the new pod to reach the second server",
        || {
            let forward = PortForward::start(&ns.name, "deploy/trino-coordinator", 9090);
            http_get(forward.local_port, "/").is_ok_and(|r| r.contains(all_body))
        },
    );

    // A port without a forward is refused by kwok, not connected elsewhere.
    let forward = PortForward::start(&ns.name, "deploy/trino-coordinator", 9999);
    let other = http_get(forward.local_port, "/").unwrap_or_default();
    assert!(
        !other.contains(body),
        "port 9999 reached the server: {other}"
    );
}

#[test]
fn kubectl_logs_returns_the_configured_lines() {
    let ns = TestNamespace::new("sim-logs");
    deployment(&ns.name, "worker", "{app: worker}", "trino", "{}");
    let pod = pod_of(&ns.name, "app=worker");
    let current = "2026-12-01T10:00:00Z INFO main io.trino.server.Server ======== SERVER STARTED ========\nsecond line\n";
    let previous =
        "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space\nterminating\n";
    set_logs(&ns.name, &pod, "trino", current, Some(previous));

    let mut last = String::new();
    eventually(30, "kubectl logs to return the configured lines", || {
        let output = kubectl_output(&["logs", "-n", &ns.name, &pod, "-c", "trino"], None);
        last = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output.status.success() && last == current
    });
    let previous_out = kubectl(&["logs", "-n", &ns.name, &pod, "-c", "trino", "--previous"]);
    assert_eq!(previous_out, previous);
    let tail = kubectl(&["logs", "-n", &ns.name, &pod, "--tail=1"]);
    assert_eq!(tail, "second line\n");

    // New lines replace the old ones.
    set_logs(&ns.name, &pod, "trino", "replaced\n", None);
    eventually(30, "kubectl logs to return the new lines", || {
        let output = kubectl_output(&["logs", "-n", &ns.name, &pod], None);
        output.status.success() && output.stdout == b"replaced\n"
    });
    // No previous run configured: --previous fails, as a kubelet's does.
    let output = kubectl_output(&["logs", "-n", &ns.name, &pod, "--previous"], None);
    assert!(
        !output.status.success(),
        "--previous without a previous run succeeded"
    );
}

#[test]
fn kubectl_top_shows_the_configured_usage() {
    let ns = TestNamespace::new("sim-top");
    deployment(
        &ns.name,
        "busy",
        "{app: busy}",
        "main",
        &usage_annotations("250m", "300Mi"),
    );
    let pod = pod_of(&ns.name, "app=busy");

    // metrics-server needs two scrapes (10 s apart) to compute a CPU rate.
    let mut last = String::new();
    eventually(90, "kubectl top pods to show the pod's usage", || {
        let output = kubectl_output(&["top", "pods", "-n", &ns.name, "--no-headers"], None);
        last = String::from_utf8_lossy(&output.stdout).into_owned();
        last.split_whitespace().next() == Some(pod.as_str())
    });
    let fields: Vec<&str> = last.split_whitespace().collect();
    let cpu: u32 = fields[1].trim_end_matches('m').parse().expect("millicores");
    assert!((249..=251).contains(&cpu), "cpu {}: {last}", fields[1]);
    assert_eq!(fields[2], "300Mi", "{last}");

    let nodes = kubectl(&["top", "nodes", "--no-headers"]);
    for node in ["dp-node-1", "dp-node-2", "dp-node-3"] {
        assert!(
            nodes.contains(node),
            "{node} missing from kubectl top nodes:\n{nodes}"
        );
    }
}

#[test]
fn quota_usage_shows_the_configured_usage_against_requests_and_limits() {
    let ns = TestNamespace::new("sim-usage");
    // Requests 500m/512Mi, limits 1/1Gi (see `deployment`); usage 250m/384Mi.
    deployment(
        &ns.name,
        "busy",
        "{app: busy}",
        "main",
        &usage_annotations("250m", "384Mi"),
    );
    let pod = pod_of(&ns.name, "app=busy");
    let quota = env!("CARGO_BIN_EXE_kubectl-dp-quota");

    let mut report = serde_json::Value::Null;
    eventually(90, "quota --usage to show the pod's usage", || {
        let output = common::dp(quota, &["-n", &ns.name, "--usage", "-o", "json"]);
        assert!(output.status.success(), "{}", common::stderr(&output));
        report = serde_json::from_slice(&output.stdout).expect("JSON");
        report["usage"]["pods"][0]["memory"]["used"].is_string()
    });
    let usage = &report["usage"];
    assert_eq!(usage["available"], true, "{usage}");
    let row = &usage["pods"][0];
    assert_eq!(row["name"], format!("{}/{pod}", ns.name));
    assert_eq!(row["memory"]["used"], (384u64 << 20).to_string(), "{row}");
    assert_eq!(row["memory"]["requests"], (512u64 << 20).to_string());
    assert_eq!(row["memory"]["percentOfRequests"], 75.0);
    assert_eq!(row["memory"]["percentOfLimits"], 37.5);
    // CPU is a rate over the scrape window: 250m to within a millicore.
    let cpu = quantity_millis(row["cpu"]["used"].as_str().expect("cpu used"));
    assert!((249.0..=251.0).contains(&cpu), "cpu {cpu}m: {row}");
    assert_eq!(row["cpu"]["requests"], "500m");
    let namespace_row = &usage["namespaces"][0];
    assert_eq!(namespace_row["name"], ns.name.as_str());
    assert_eq!(namespace_row["memory"]["used"], row["memory"]["used"]);
    // The node the pod runs on (other tests' pods, without usage, share the
    // cluster and may sit alone on another node).
    let node_name = kubectl(&[
        "get",
        "pod",
        "-n",
        &ns.name,
        &pod,
        "-o",
        "jsonpath={.spec.nodeName}",
    ]);
    let node = report["usage"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["name"] == node_name.as_str())
        .unwrap_or_else(|| panic!("no row for node {node_name:?}: {usage}"));
    assert_eq!(node["memory"]["allocatable"], "34359738368", "{node}");
    assert!(node["pods"].as_i64() >= Some(1), "{node}");
    assert!(node["measuredPods"].as_i64() >= Some(1), "{node}");
    assert!(node["memory"]["used"].is_string(), "{node}");

    // The table: used, then the request and limit with the share used.
    let output = common::dp(quota, &["-n", &ns.name, "--usage"]);
    let table = common::stdout(&output);
    let line = table
        .lines()
        .find(|l| l.starts_with(&format!("{}/{pod}", ns.name)))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| panic!("no pod row in:\n{table}"));
    assert!(line.contains("384Mi 512Mi (75%) 1Gi (38%)"), "{line}");
    assert!(
        line.contains("250m 500m (50%) 1 (25%)")
            || line.contains("249m 500m (50%) 1 (25%)")
            || line.contains("251m 500m (50%) 1 (25%)"),
        "{line}"
    );

    // Without the metrics API's permission (but allowed to read the pods): said,
    // not fatal. (With no rights at all, quota exits 2: tests/rbac_roles.rs.)
    common::apply(&format!(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: pods, namespace: {n}}}\nrules: [{{apiGroups: [\"\"], resources: [pods], verbs: [list]}}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: pods, namespace: {n}}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: pods}}\nsubjects: [{{kind: ServiceAccount, name: default, namespace: {n}}}]\n",
        n = ns.name
    ));
    let output = common::dp(
        quota,
        &[
            "-n",
            &ns.name,
            "--usage",
            "--as",
            &format!("system:serviceaccount:{}:default", ns.name),
        ],
    );
    assert!(output.status.success(), "{}", common::stderr(&output));
    assert!(
        common::stdout(&output).contains("not available: pod metrics: forbidden"),
        "{}",
        common::stdout(&output)
    );
}

/// `250123456n`, `250m`, `1` as millicores.
fn quantity_millis(text: &str) -> f64 {
    if let Some(n) = text.strip_suffix('n') {
        n.parse::<f64>().expect("nanos") / 1e6
    } else if let Some(m) = text.strip_suffix('m') {
        m.parse().expect("millis")
    } else {
        text.parse::<f64>().expect("units") * 1000.0
    }
}
