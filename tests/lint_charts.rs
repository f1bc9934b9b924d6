//! The chart-rendered platforms (tests/platforms/: the upstream Trino, Nessie,
//! Bitnami PostgreSQL and spark-operator charts rendered with Helm) judged both
//! ways: `status -f -` on the rendered manifests with no cluster gives the
//! live report's codes minus the runtime-only ones, and `tune plan -f -`
//! proposes exactly the changes `tune plan` proposes on the live platform.

mod common;
mod lint_equal;

use std::process::Command;

use common::platforms::*;
use common::*;
use lint_equal::*;
use serde_json::Value;

const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");

/// The platform's objects as `deploy` applies them: the rendered charts, then
/// manifests.yaml (labelled as Flux's kustomize-controller labels them when
/// the platform says `gitops: flux`) and the spark-operator examples it names.
/// (tests/common/platforms.rs keeps its own copy private.)
fn platform_objects(platform: &str, namespace: &str) -> Vec<Value> {
    let mut objects = render(platform, namespace, &[]);
    let flux = settings(platform).get("gitops").and_then(Value::as_str) == Some("flux");
    let path = platform_dir(platform).join("manifests.yaml");
    if let Ok(text) = std::fs::read_to_string(&path) {
        for mut object in parse_documents(&text.replace("NAMESPACE", namespace)) {
            if flux {
                let labels = &mut object["metadata"]["labels"];
                if !labels.is_object() {
                    *labels = Value::Object(Default::default());
                }
                labels["kustomize.toolkit.fluxcd.io/name"] = "data-platform".into();
                labels["kustomize.toolkit.fluxcd.io/namespace"] = "flux-system".into();
            }
            objects.push(object);
        }
    }
    for example in settings(platform)["spark-examples"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let file = charts()
            .join("spark-examples")
            .join(example.as_str().unwrap());
        for mut object in parse_documents(&std::fs::read_to_string(&file).unwrap()) {
            object["metadata"]["namespace"] = Value::String(namespace.to_string());
            objects.push(object);
        }
    }
    objects
}

/// Each tune change but where it is written (only the offline plan knows).
fn changes(plan: &Value) -> Vec<Value> {
    plan["changes"]
        .as_array()
        .unwrap_or_else(|| panic!("not a plan: {plan}"))
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.as_object_mut().unwrap().remove("source");
            c
        })
        .collect()
}

/// Deploys `platform`, judges and plans it live and from its rendered
/// manifests with no cluster, and compares.
fn judged_alike(platform: &str) {
    let _lock = platform_lock();
    let ns = TestNamespace::waited(&format!("lint-{platform}"));
    let _volumes = Volumes(ns.name.clone());
    deploy(platform, &ns.name, &[]);
    let objects = platform_objects(platform, &ns.name);
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": objects});
    let manifests = serde_json::to_string_pretty(&list).unwrap();
    let online = status_json(STATUS, &ns.name);
    compare(platform, &online, &manifests, &ns.name);

    let live = dp(TUNE, &["plan", "-n", &ns.name, "-o", "json"]);
    let mut command = Command::new(TUNE);
    command
        .args(["plan", "-f", "-", "-n", &ns.name, "-o", "json"])
        .env("KUBECONFIG", "/nonexistent")
        .env("NO_COLOR", "1");
    let files = run_with_stdin(command, Some(&manifests));
    assert_eq!(
        files.status.code(),
        live.status.code(),
        "{}",
        stderr(&files)
    );
    let planned: Value = serde_json::from_slice(&files.stdout).unwrap();
    let applied: Value = serde_json::from_slice(&live.stdout).unwrap();
    assert_eq!(
        changes(&planned),
        changes(&applied),
        "{platform}: tune plan offline (left) against online (right)"
    );
    for change in planned["changes"].as_array().unwrap() {
        assert_eq!(change["source"]["file"], "<stdin>", "{change}");
    }
}

#[test]
fn lint_charts_with_their_default_values_are_judged_alike_offline_and_online() {
    judged_alike("defaults");
}

#[test]
fn lint_charts_at_the_seeds_sizes_are_judged_alike_offline_and_online() {
    judged_alike("seed");
}

#[test]
fn lint_charts_with_faults_are_judged_alike_offline_and_online() {
    judged_alike("faults");
}
