//! `status -f` against `status` on the real control plane: the same platform
//! judged from its manifests and judged live gives the same codes, except the
//! runtime-only rules (the catalogue's `live_only`, which the offline report
//! names); and `--cluster-state` judges the live platform with the manifests
//! in place of the objects they replace.

mod common;
mod lint_equal;

use std::process::Command;

use common::*;
use lint_equal::*;
use serde_json::Value;

/// Deploys `example`, judges it live and from its manifests, and compares.
fn offline_equals_online_minus_runtime(example: &str) {
    let _platform = platform_lock();
    let ns = TestNamespace::waited("lint-eq");
    deploy_example(example, &ns.name);
    let online = report_of(&dp(STATUS, &["-n", &ns.name, "-o", "json"]));
    let manifests = render_example(example, &ns.name);
    compare(example, &online, &manifests, &ns.name);
}

#[test]
fn lint_the_healthy_platform_is_judged_alike_offline_and_online() {
    offline_equals_online_minus_runtime("examples/platform");
}

#[test]
fn lint_the_broken_platform_is_judged_alike_offline_and_online() {
    offline_equals_online_minus_runtime("examples/broken");
}

/// The Helm-shaped release, most of it not ready (examples/analytics/README.md).
#[test]
fn lint_the_analytics_release_is_judged_alike_offline_and_online() {
    let _platform = platform_lock();
    let ns = TestNamespace::waited("lint-analytics");
    let release = std::fs::read_to_string(repo_root().join("examples/analytics/release.yaml"))
        .unwrap()
        .replace("namespace: analytics", &format!("namespace: {}", ns.name));
    apply(&release);
    let output = Command::new(repo_root().join("examples/analytics/set-status"))
        .args(["-n", &ns.name, "--kubeconfig", path_str(&kubeconfig())])
        .env("KUBECTL", kubectl_path())
        .output()
        .expect("run set-status");
    assert!(output.status.success(), "set-status: {}", stderr(&output));
    // The scheduler and the PV controller answer within seconds.
    let mut online = Value::Null;
    eventually(60, "the scheduler's and PV controller's verdicts", || {
        online = report_of(&dp(STATUS, &["-n", &ns.name, "-o", "json"]));
        let causes: Vec<&str> = online["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["cause"].as_str())
            .collect();
        causes.contains(&"pod.unschedulable") && causes.contains(&"pod.claim-unbound")
    });
    compare("examples/analytics", &online, &release, &ns.name);
}

#[test]
fn lint_cluster_state_judges_the_live_platform_after_the_change() {
    let _platform = platform_lock();
    let ns = TestNamespace::waited("lint-after");
    deploy_example("examples/platform", &ns.name);
    // The change: the broken overlay's Trino worker files.
    let change = render_example("examples/broken", &ns.name);
    let worker: String = change
        .split("\n---\n")
        .filter(|doc| doc.contains("name: trino-worker\n") && doc.contains("kind: ConfigMap"))
        .collect();
    assert!(worker.contains("-Xmx24G"), "{worker}");
    let mut command = Command::new(STATUS);
    command
        .args(["-f", "-", "--cluster-state", "-n", &ns.name, "-o", "json"])
        .env("KUBECONFIG", kubeconfig())
        .env("NO_COLOR", "1");
    let output = run_with_stdin(command, Some(&worker));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = report_of(&output);
    assert_eq!(report["manifests"]["replaced"], 1);
    assert_eq!(report["manifests"]["added"], 0);
    assert!(report["manifests"].get("notCheckedOffline").is_none());
    let heap = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "trino.heap-above-limit")
        .unwrap_or_else(|| panic!("no heap finding: {report}"));
    assert_eq!(heap["source"]["file"], "<stdin>");
    let line = heap["source"]["line"].as_u64().unwrap() as usize;
    assert_eq!(worker.lines().nth(line - 1).unwrap().trim(), "-Xmx24G");
    // The live platform is healthy otherwise: nothing else fails.
    let live = findings(&report_of(&dp(STATUS, &["-n", &ns.name, "-o", "json"])));
    let after = findings(&report);
    let new: Vec<&String> = after.difference(&live).collect();
    assert_eq!(
        new,
        [&"trino.heap-above-limit Deployment/trino-worker".to_string()]
    );
}
