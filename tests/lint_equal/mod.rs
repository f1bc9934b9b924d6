//! What the offline/online equality tests share (tests/lint_cluster.rs,
//! tests/lint_charts.rs): status on manifests with no cluster, and the
//! comparison of its codes with the live report's minus the runtime-only ones
//! (the catalogue's `live_only`, which the offline report names once).

use std::collections::BTreeSet;
use std::process::{Command, Output};

use crate::common::*;
use serde_json::Value;

pub const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");

pub fn report_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {}", stderr(output)))
}

/// `code kind/name` of every finding.
pub fn findings(report: &Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}/{}",
                f["code"].as_str().unwrap(),
                f["object"]["kind"].as_str().unwrap(),
                f["object"]["name"].as_str().unwrap()
            )
        })
        .collect()
}

/// Status on `manifests` (standard input) with no cluster at all.
pub fn offline(manifests: &str, namespace: &str) -> Value {
    let mut command = Command::new(STATUS);
    command
        .args(["-f", "-", "-n", namespace, "-o", "json"])
        .env("KUBECONFIG", "/nonexistent")
        .env("NO_COLOR", "1");
    let output = run_with_stdin(command, Some(manifests));
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        stderr(&output)
    );
    report_of(&output)
}

/// Asserts that `manifests` judged offline give `online`'s findings but the runtime ones.
pub fn compare(example: &str, online: &Value, manifests: &str, namespace: &str) {
    let offline = offline(manifests, namespace);
    let runtime: Vec<&str> = offline["manifests"]["notCheckedOffline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    // Services the manifests name in namespaces they do not hold: listed as
    // not checked offline (`ConfigMap ns/name key` names who refers to them).
    let unresolved: Vec<(String, String)> = offline["coverage"]["references"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            assert_eq!(r["state"], "notChecked", "{r}");
            let by = r["referencedBy"].as_str().unwrap();
            let mut words = by.split(' ');
            let kind = words.next().unwrap();
            let name = words.next().unwrap().rsplit('/').next().unwrap();
            (
                format!("{kind}/{name}"),
                r["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let about_unresolved = |f: &Value| {
        let object = format!(
            "{}/{}",
            f["object"]["kind"].as_str().unwrap(),
            f["object"]["name"].as_str().unwrap()
        );
        let message = f["message"].as_str().unwrap();
        unresolved
            .iter()
            .any(|(by, service)| *by == object && message.contains(&format!("Service {service} ")))
    };
    let judged_online: BTreeSet<String> = findings(online)
        .into_iter()
        .filter(|f| !runtime.contains(&f.split(' ').next().unwrap()))
        .filter(|f| {
            !online["findings"].as_array().unwrap().iter().any(|o| {
                about_unresolved(o)
                    && f == &format!(
                        "{} {}/{}",
                        o["code"].as_str().unwrap(),
                        o["object"]["kind"].as_str().unwrap(),
                        o["object"]["name"].as_str().unwrap()
                    )
            })
        })
        .collect();
    assert_eq!(
        findings(&offline),
        judged_online,
        "{example}: offline (left) against online minus {runtime:?} (right)"
    );
    // Every offline finding points into the manifests.
    for finding in offline["findings"].as_array().unwrap() {
        assert_eq!(finding["source"]["file"], "<stdin>", "{finding}");
    }
}
