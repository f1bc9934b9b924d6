//! `tune plan -k/-f` with no cluster against `tune plan` on the real control
//! plane: the same platform planned from its manifests and planned live
//! proposes exactly the same changes, each pointed at the line it edits.

mod common;

use std::process::{Command, Output};

use common::*;
use serde_json::Value;

const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {}", stderr(output)))
}

/// `tune plan` with no cluster at all (`KUBECONFIG=/nonexistent`).
fn offline(args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = Command::new(TUNE);
    command
        .arg("plan")
        .args(args)
        .env("KUBECONFIG", "/nonexistent")
        .env("KUBECTL", kubectl_path())
        .env("NO_COLOR", "1");
    run_with_stdin(command, stdin)
}

/// Each change as the files would be edited: everything but the namespace
/// (the test's own online, the example's offline) and where it is written.
fn changes(plan: &Value) -> Vec<Value> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let mut c = c.clone();
            let map = c.as_object_mut().unwrap();
            map.remove("source");
            map["object"].as_object_mut().unwrap().remove("namespace");
            c
        })
        .collect()
}

/// `code kind/name` of each note.
fn notes(plan: &Value) -> Vec<String> {
    plan["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{} {}/{}",
                n["code"].as_str().unwrap(),
                n["object"]["kind"].as_str().unwrap(),
                n["object"]["name"].as_str().unwrap()
            )
        })
        .collect()
}

/// Deploys `example`, plans it live and from `-k example` offline, compares.
fn offline_plan_equals_online(example: &str) -> Value {
    let _platform = platform_lock();
    let ns = TestNamespace::waited("tune-offline");
    deploy_example(example, &ns.name);
    let online = dp(TUNE, &["plan", "-n", &ns.name, "-o", "json"]);
    let online_plan = json_of(&online);
    let dir = repo_root().join(example);
    let output = offline(&["-k", path_str(&dir), "-o", "json"], None);
    assert_eq!(
        output.status.code(),
        online.status.code(),
        "{}",
        stderr(&output)
    );
    let offline_plan = json_of(&output);
    common::schema::assert_valid(&offline_plan);
    assert_eq!(offline_plan["namespace"], "data-platform");
    assert_eq!(
        changes(&offline_plan),
        changes(&online_plan),
        "{example}: offline (left) against online (right)"
    );
    assert_eq!(notes(&offline_plan), notes(&online_plan), "{example}");
    // What the offline plan did not know is said, in JSON as in the table.
    let not_known = offline_plan["manifests"]["notKnownOffline"]
        .as_array()
        .unwrap();
    assert!(
        not_known[0].as_str().unwrap().starts_with("node sizes"),
        "{not_known:?}"
    );
    offline_plan
}

#[test]
fn tune_offline_the_broken_platform_is_planned_alike_offline_and_online() {
    let plan = offline_plan_equals_online("examples/broken");
    let changes = plan["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 6, "{plan}");
    // Each change in a file points at the line holding the current value.
    for change in changes {
        let source = &change["source"];
        let file = repo_root().join(source["file"].as_str().unwrap());
        let text = std::fs::read_to_string(&file).unwrap();
        let line = text
            .lines()
            .nth(source["line"].as_u64().unwrap() as usize - 1)
            .unwrap();
        if change["object"]["kind"] == "ConfigMap" {
            let current = change["current"].as_str().unwrap();
            assert!(line.contains(current), "{change}: {line}");
        } else {
            assert!(file.ends_with("failed-report.yaml"), "{change}");
        }
    }
}

#[test]
fn tune_offline_the_healthy_platform_has_nothing_to_change_offline_or_online() {
    let plan = offline_plan_equals_online("examples/platform");
    assert_eq!(plan["changes"], Value::Array(Vec::new()));
}

/// With no cluster: the table's SOURCE column, standard input, and the
/// refusals (one line, exit 2) of what manifests cannot answer.
#[test]
fn tune_offline_reads_standard_input_and_refuses_what_it_cannot_know() {
    let broken = kubectl(&["kustomize", path_str(&repo_root().join("examples/broken"))]);
    let table = offline(&["-f", "-"], Some(&broken));
    assert_eq!(table.status.code(), Some(1), "{}", stderr(&table));
    let text = stdout(&table);
    let heap = text
        .lines()
        .find(|l| l.contains("-Xmx24G"))
        .unwrap_or_else(|| panic!("{text}"));
    let at: usize = heap
        .split_whitespace()
        .next()
        .and_then(|s| s.strip_prefix("<stdin>:"))
        .and_then(|l| l.parse().ok())
        .unwrap_or_else(|| panic!("{heap}"));
    assert_eq!(broken.lines().nth(at - 1).unwrap().trim(), "-Xmx24G");
    assert!(text.contains("not known offline:"), "{text}");
    // Two namespaces: tune plans one at a time.
    let two = format!("{broken}\n---\n{}", retarget_namespace(&broken, "other"));
    let refused = offline(&["-f", "-"], Some(&two));
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("pass -n NAMESPACE"),
        "{}",
        stderr(&refused)
    );
    // Sizing needs the nodes: refused offline unless --unchecked.
    let sized = offline(&["-f", "-", "--workers", "5"], Some(&broken));
    assert!(
        stdout(&sized).contains("pass --unchecked"),
        "{}",
        stdout(&sized)
    );
    // The manifests' ResourceQuota (80Gi) is checked: 5 x 16Gi + 10Gi is not.
    let too_big = offline(&["-f", "-", "--workers", "5", "--unchecked"], Some(&broken));
    assert!(
        stdout(&too_big).contains("ResourceQuota data-platform-quota limits.memory: Trino would need 90Gi but only 80Gi is left"),
        "{}",
        stdout(&too_big)
    );
    let unchecked = offline(
        &["-f", "-", "--workers", "2", "--unchecked", "-o", "json"],
        Some(&broken),
    );
    let plan = json_of(&unchecked);
    assert!(
        plan["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["setting"] == "replicas" && c["proposed"] == "2"),
        "{plan}"
    );
}
