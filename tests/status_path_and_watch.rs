//! `kubectl dp status` as kubectl runs it: kubectl finds the plugins on PATH, and
//! `--watch` redraws when the platform changes.

mod common;

use common::status::*;
use common::*;
use serde_json::Value;

#[test]
fn kubectl_finds_the_plugins_on_path() {
    let ns = TestNamespace::new("dp-plugin");
    pending_claim(&ns.name, "scratch");
    let bin_dir = std::path::Path::new(STATUS).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |args: &[&str]| {
        std::process::Command::new(kubectl_path())
            .args(args)
            .env("PATH", &path)
            .env("KUBECONFIG", kubeconfig())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    // `kubectl dp status` resolves to kubectl-dp-status.
    let output = run(&["dp", "status", "-n", &ns.name]);
    assert!(
        stdout(&output).contains("Data platform status"),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    // `kubectl dp` alone lists the suite.
    let output = run(&["dp"]);
    let text = stdout(&output);
    for command in ["status", "tune", "perf", "quota", "buckets"] {
        assert!(text.contains(command), "{text}");
    }
    // `kubectl dp version` reports the suite and its commands.
    let output = run(&["dp", "version"]);
    assert!(
        stdout(&output).starts_with("kubectl-dp 0.") && stdout(&output).contains("status"),
        "{}",
        stdout(&output)
    );
    // A flag before the command reaches kubectl-dp, which dispatches.
    let output = run(&["dp", "-n", &ns.name, "status"]);
    assert!(
        stdout(&output).contains(&ns.name),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
}

#[test]
fn watch_redraws_when_the_platform_changes() {
    use std::io::Read;
    let ns = TestNamespace::new("dp-watch");
    // The root CA ConfigMap lands just after the namespace; wait for it so that
    // the first report is of a namespace that no controller is still changing.
    eventually(20, "kube-root-ca.crt", || {
        kubectl_output(
            &["get", "configmap", "kube-root-ca.crt", "-n", &ns.name],
            None,
        )
        .status
        .success()
    });
    let mut child = std::process::Command::new(STATUS)
        .args([
            "-n",
            &ns.name,
            "--watch",
            "--interval",
            "500ms",
            "-o",
            "json",
        ])
        .env("KUBECONFIG", kubeconfig())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reports = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Value>::new()));
    let collected = reports.clone();
    let reader = std::thread::spawn(move || {
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
    let count = || reports.lock().unwrap().len();
    eventually(20, "the first report", || count() >= 1);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(count(), 1, "no change, no redraw");
    // A hand-written credential appears: the next report shows it.
    kubectl(&[
        "create",
        "secret",
        "generic",
        "leaked",
        "-n",
        &ns.name,
        "--from-literal=password=x",
    ]);
    eventually(20, "a redraw after the change", || count() >= 2);
    let last = reports.lock().unwrap().last().cloned().unwrap();
    assert!(
        last["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "secrets.hand-written")
    );
    child.kill().unwrap();
    child.wait().unwrap();
    reader.join().unwrap();
}
