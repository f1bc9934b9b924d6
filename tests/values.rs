//! Values by type against the real control plane: `tests/values/platform` (the
//! reference platform with Trino and Spark values rewritten) gives exactly the
//! findings of `tests/values/expected-findings.txt` — a false positive fails
//! like a miss — and `tune plan` notes each of them with the same message, or
//! rewrites that setting, and writes no value Trino or Spark refuses.

mod common;

use common::*;
use serde_json::Value;

const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");
const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");

fn json(binary: &str, args: &[&str]) -> Value {
    let output = dp(binary, args);
    assert_ne!(output.status.code(), Some(2), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(&output)))
}

fn object(v: &Value) -> String {
    format!(
        "{}/{}",
        v["object"]["kind"].as_str().unwrap_or_default(),
        v["object"]["name"].as_str().unwrap_or_default()
    )
}

#[test]
fn values_platform_gives_exactly_its_findings_in_status_and_tune() {
    let _lock = platform_lock();
    let ns = TestNamespace::waited("dp-values");
    deploy_example("tests/values/platform", &ns.name);

    let report = json(STATUS, &["-n", &ns.name, "-o", "json"]);
    let findings = report["findings"].as_array().unwrap();
    let got: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {}: {} | {}",
                f["severity"].as_str().unwrap(),
                f["code"].as_str().unwrap(),
                object(f),
                f["message"].as_str().unwrap(),
                f["hint"].as_str().unwrap()
            )
        })
        .collect();
    let expected =
        std::fs::read_to_string(repo_root().join("tests/values/expected-findings.txt")).unwrap();
    let expected: Vec<&str> = expected.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(got, expected, "status -n {}", ns.name);

    let plan = json(TUNE, &["plan", "-n", &ns.name, "-o", "json"]);
    let notes = plan["notes"].as_array().cloned().unwrap_or_default();
    let changes = plan["changes"].as_array().cloned().unwrap_or_default();
    for finding in findings {
        let message = finding["message"].as_str().unwrap();
        let noted = notes.iter().any(|n| {
            n["code"] == finding["code"]
                && object(n) == object(finding)
                && n["message"].as_str().unwrap().starts_with(message)
        });
        // `config.properties line 8: memory.heap-headroom-per-node=150% …`:
        // the setting is the word before the first `=`.
        let setting = message
            .split('=')
            .next()
            .and_then(|before| before.split_whitespace().last())
            .unwrap();
        let setting = setting.strip_prefix("sparkConf.").unwrap_or(setting);
        let rewritten = changes.iter().any(|c| {
            object(c) == object(finding)
                && c["setting"]
                    .as_str()
                    .is_some_and(|s| s.trim_start_matches("sparkConf.") == setting)
        });
        assert!(
            noted != rewritten,
            "tune plan must note or rewrite (not both, not neither) {message}: notes {notes:#?} changes {changes:#?}"
        );
    }
    // Tune notes no refusal status does not report.
    let refusals = |v: &[Value]| {
        v.iter()
            .filter(|x| {
                x["code"]
                    .as_str()
                    .is_some_and(|c| c.ends_with("invalid-value") || c.ends_with("invalid-size"))
            })
            .count()
    };
    let rewritten = findings.len() - refusals(&notes);
    assert_eq!(
        rewritten, 2,
        "headroom 150% and driver.memoryOverhead 0.5g are rewritten"
    );
    // The rewritten values are ones Trino and Spark accept.
    for c in &changes {
        let proposed = c["proposed"].as_str().unwrap_or_default();
        assert!(!proposed.contains('%') && !proposed.contains('.'), "{c:#}");
    }
}
