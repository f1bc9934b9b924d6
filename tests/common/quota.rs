//! Set-up shared by the quota tests (tests/quota_*.rs): the binary run against
//! the test cluster, its JSON output and a fenced namespace.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use super::{TestNamespace, apply, eventually, kubectl, stderr, stdout};

pub const BIN: &str = env!("CARGO_BIN_EXE_kubectl-dp-quota");

/// Runs kubectl-dp-quota with optional stdin; `KUBECTL` points at the test kubectl for `-k`.
pub fn quota(args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env("KUBECONFIG", super::kubeconfig())
        .env("KUBECTL", super::kubectl_path())
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("spawn kubectl-dp-quota");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    child.wait_with_output().expect("wait")
}

pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(output), stderr(output)))
}

/// A quota (10Gi memory, 4 CPU, 10 pods), a LimitRange (max 4Gi per container,
/// defaults 512Mi/1Gi) and a Deployment `web` of 2 × 2Gi, with its pods counted.
pub fn fenced_namespace() -> TestNamespace {
    let ns = TestNamespace::new("quota-check");
    let n = &ns.name;
    apply(&format!(
        r#"
apiVersion: v1
kind: ResourceQuota
metadata: {{name: compute, namespace: {n}}}
spec:
  hard: {{requests.memory: 10Gi, limits.memory: 12Gi, requests.cpu: "4", pods: "10"}}
---
apiVersion: v1
kind: LimitRange
metadata: {{name: limits, namespace: {n}}}
spec:
  limits:
  - type: Container
    default: {{cpu: 500m, memory: 1Gi}}
    defaultRequest: {{cpu: 100m, memory: 512Mi}}
    max: {{memory: 4Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: {n}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: web
        image: nginx
        resources:
          requests: {{cpu: 250m, memory: 2Gi}}
          limits: {{cpu: 500m, memory: 2Gi}}
"#
    ));
    eventually(60, "the quota to count web's 2 pods", || {
        kubectl(&[
            "get",
            "resourcequota",
            "compute",
            "-n",
            n,
            "-o",
            "jsonpath={.status.used.pods}",
        ])
        .trim()
            == "2"
    });
    ns
}

/// Collapses runs of spaces, so table assertions do not depend on column widths.
pub fn squash(text: &str) -> String {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kubectl-dp-quota-test-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
