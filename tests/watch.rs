//! `--watch` on `quota` and `buckets list` (as on `status`): a first report, no
//! redraw while nothing changes, a new report when something does.

mod common;

use std::io::Read;

use common::*;
use serde_json::Value;

const QUOTA: &str = env!("CARGO_BIN_EXE_kubectl-dp-quota");
const BUCKETS: &str = env!("CARGO_BIN_EXE_kubectl-dp-buckets");

/// Runs `binary args --watch --interval 500ms -o json`, and returns the child and
/// the reports it has written so far (a shared, growing list).
fn watch(
    binary: &str,
    args: &[&str],
) -> (
    std::process::Child,
    std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
) {
    let mut child = std::process::Command::new(binary)
        .args(args)
        .args(["--watch", "--interval", "500ms", "-o", "json"])
        .env("KUBECONFIG", kubeconfig())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reports = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Value>::new()));
    let collected = reports.clone();
    std::thread::spawn(move || {
        let mut text = String::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            text.push_str(&String::from_utf8_lossy(&buf[..n]));
            let parsed: Vec<Value> = serde_json::Deserializer::from_str(&text)
                .into_iter::<Value>()
                .filter_map(|v| v.ok())
                .collect();
            *collected.lock().unwrap() = parsed;
        }
    });
    (child, reports)
}

#[test]
fn buckets_list_redraws_when_a_claim_comes() {
    let ns = TestNamespace::new("dp-watch-buckets");
    let n = ns.name.as_str();
    // An empty namespace is watched, not refused: the claims may be on their way.
    let (mut child, reports) = watch(BUCKETS, &["list", "-n", n]);
    let count = || reports.lock().unwrap().len();
    eventually(20, "the first report", || count() >= 1);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(count(), 1, "no change, no redraw (ages do not count)");
    pending_claim(n, "scratch");
    eventually(20, "a report with the claim", || {
        reports.lock().unwrap().last().is_some_and(|r| {
            r["claims"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c["name"] == "scratch"))
        })
    });
    child.kill().unwrap();
    let _ = child.wait();
}

#[test]
fn quota_redraws_when_a_quota_comes() {
    let ns = TestNamespace::new("dp-watch-quota");
    let n = ns.name.as_str();
    let (mut child, reports) = watch(QUOTA, &["-n", n]);
    let count = || reports.lock().unwrap().len();
    eventually(20, "the first report", || count() >= 1);
    let first = count();
    apply(&format!(
        "apiVersion: v1\nkind: ResourceQuota\nmetadata: {{name: compute, namespace: {n}}}\nspec: {{hard: {{requests.memory: 1Gi}}}}\n"
    ));
    eventually(20, "a report with the quota", || {
        reports.lock().unwrap().last().is_some_and(|r| {
            r["quotas"]
                .as_array()
                .is_some_and(|q| q.iter().any(|q| q["name"] == "compute"))
        })
    });
    assert!(count() > first);
    child.kill().unwrap();
    let _ = child.wait();
}
