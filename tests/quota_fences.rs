//! `quota check -f` judges the namespace after the change: a ResourceQuota or
//! LimitRange in the manifests fences the pods the manifests' workloads
//! create, as it will once applied with them, replacing the live one of the
//! same name. Against the real API server of tests/cluster/up; the verdicts
//! agree with what `status -f` says of the same files offline.

mod common;

use std::process::Command;

use common::status::status_offline_json;
use common::{TestNamespace, apply, run_with_stdin, stderr, stdout};
use serde_json::Value;

const QUOTA: &str = env!("CARGO_BIN_EXE_kubectl-dp-quota");

fn quota_check(namespace: &str, manifests: &str) -> std::process::Output {
    let mut command = Command::new(QUOTA);
    command
        .args(["check", "-n", namespace, "-f", "-", "-o", "json"])
        .env("KUBECONFIG", common::kubeconfig())
        .env("NO_COLOR", "1");
    run_with_stdin(command, Some(manifests))
}

fn status_codes(manifests: &str) -> Vec<String> {
    let report = status_offline_json(manifests);
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .filter(|c| c.starts_with("resources."))
        .map(str::to_string)
        .collect()
}

fn deployment(namespace: &str, replicas: u32, memory: &str) -> String {
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {{name: api, namespace: {namespace}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: api}}}}
  template:
    metadata: {{labels: {{app: api}}}}
    spec:
      containers:
      - name: api
        image: api
        resources: {{requests: {{memory: {memory}, cpu: 100m}}, limits: {{memory: {memory}, cpu: 100m}}}}
"#
    )
}

#[test]
fn a_limit_range_in_the_change_fences_its_pods() {
    let ns = TestNamespace::new("fences-lr");
    let manifests = format!(
        "{}---\napiVersion: v1\nkind: LimitRange\nmetadata: {{name: small, namespace: {n}}}\nspec:\n  limits:\n  - type: Container\n    max: {{memory: 1Gi}}\n",
        deployment(&ns.name, 1, "2Gi"),
        n = ns.name
    );
    let out = quota_check(&ns.name, &manifests);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let reasons = report["reasons"].to_string();
    assert!(
        reasons.contains(
            "limits.memory 2Gi is above the LimitRange maximum 1Gi (by 1Gi) (LimitRange small)"
        ),
        "{reasons}"
    );
    assert!(
        report["notes"].to_string().contains(&format!(
            "LimitRange {}/small from the manifests is counted as applied",
            ns.name
        )),
        "{}",
        report["notes"]
    );
    assert_eq!(
        status_codes(&manifests),
        ["resources.refused-by-limit-range"]
    );
}

#[test]
fn a_quota_in_the_change_counts_and_replaces_the_live_one() {
    let ns = TestNamespace::new("fences-rq");
    let quota = |memory: &str| {
        format!(
            "apiVersion: v1\nkind: ResourceQuota\nmetadata: {{name: mem, namespace: {}}}\nspec:\n  hard: {{limits.memory: {memory}}}\n",
            ns.name
        )
    };
    // A new quota the change brings: 3 x 768Mi is over 2Gi.
    let over = format!("{}---\n{}", deployment(&ns.name, 3, "768Mi"), quota("2Gi"));
    let out = quota_check(&ns.name, &over);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let reasons = serde_json::from_str::<Value>(&stdout(&out)).unwrap()["reasons"].to_string();
    assert!(
        reasons.contains(&format!(
            "quota {}/mem: limits.memory would be 2.25Gi of 2Gi (over by 256Mi)",
            ns.name
        )),
        "{reasons}"
    );
    // The live quota is 1Gi; the change raises it to 4Gi: it fits.
    apply(&quota("1Gi"));
    let raised = format!("{}---\n{}", deployment(&ns.name, 3, "768Mi"), quota("4Gi"));
    let out = quota_check(&ns.name, &raised);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        report["notes"]
            .to_string()
            .contains("(it replaces the live one)"),
        "{}",
        report["notes"]
    );
    // Without the change's quota, the live 1Gi refuses it.
    let out = quota_check(&ns.name, &deployment(&ns.name, 3, "768Mi"));
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
}
