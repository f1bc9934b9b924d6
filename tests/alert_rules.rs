//! `monitoring.rule-invalid` proven against the parties that read a
//! PrometheusRule: each case is judged offline by `status -f -` (exactly the
//! fields listed, at the line of the key), sent to the real API server of
//! tests/cluster/up as a server-side dry run (refused exactly when a field the
//! CRD's schema forbids is listed), and, when the API server would store it,
//! given to the real `promtool check rules` (Prometheus' rulefmt, as the
//! operator validates; built by tests/tools/promtool), which must refuse it
//! exactly when an operator-class field is listed.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::status::status_offline_json;
use common::{TestNamespace, kubectl_output};
use serde_json::{Value, json};

/// Who must refuse a case's listed field.
#[derive(Debug, Clone, Copy, PartialEq)]
enum By {
    ApiServer,
    Operator,
}

/// A case: its name, the groups, and each field that must be reported (its
/// path under `spec.groups` as status shows it) with who refuses it.
type Case = (&'static str, Value, Vec<(&'static str, By)>);

fn cases() -> Vec<Case> {
    use By::{ApiServer as Api, Operator as Op};
    let alert = |extra: Value| {
        let mut rule = json!({"alert": "TrinoDown", "expr": "up{job=\"trino\"} == 0"});
        rule.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!([{"name": "g", "rules": [rule]}])
    };
    let record = |extra: Value| {
        let mut rule = json!({"record": "job:up:sum", "expr": "sum by (job) (up)"});
        rule.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!([{"name": "g", "rules": [rule]}])
    };
    vec![
        // Valid: every party accepts them, and nothing is reported.
        (
            "valid-alert",
            alert(
                json!({"for": "1h30m", "keep_firing_for": "0", "labels": {"severity": "page"},
                "annotations": {"summary": "{{ $labels.instance }}: {{ $value | humanizePercentage }}",
                    "description": "{{ if gt $value 1.0 }}high{{ else }}low{{ end }}"}}),
            ),
            vec![],
        ),
        (
            "valid-record",
            record(json!({"labels": {"team": "data"}})),
            vec![],
        ),
        (
            "valid-group-fields",
            json!([{"name": "g", "interval": "30s", "query_offset": "1m", "limit": 5,
                "rules": [{"alert": "A", "expr": 1, "for": "90s"}]}]),
            vec![],
        ),
        // The API server (the CRD's schema).
        (
            "for-5min",
            alert(json!({"for": "5min"})),
            vec![("g.rules.0.for", Api)],
        ),
        (
            "for-decimal",
            alert(json!({"for": "1.5h"})),
            vec![("g.rules.0.for", Api)],
        ),
        (
            "for-units-out-of-order",
            alert(json!({"for": "30s1m"})),
            vec![("g.rules.0.for", Api)],
        ),
        (
            "for-a-number",
            alert(json!({"for": 5})),
            vec![("g.rules.0.for", Api)],
        ),
        (
            "keep-firing-for-uppercase",
            alert(json!({"keep_firing_for": "1H"})),
            vec![("g.rules.0.keep_firing_for", Api)],
        ),
        (
            "interval",
            json!([{"name": "g", "interval": "1 minute", "rules": [{"alert": "A", "expr": "up"}]}]),
            vec![("g.interval", Api)],
        ),
        (
            "query-offset-a-number",
            json!([{"name": "g", "query_offset": 30, "rules": [{"alert": "A", "expr": "up"}]}]),
            vec![("g.query_offset", Api)],
        ),
        (
            "limit-a-string",
            json!([{"name": "g", "limit": "ten", "rules": [{"alert": "A", "expr": "up"}]}]),
            vec![("g.limit", Api)],
        ),
        (
            "label-a-number",
            alert(json!({"labels": {"severity": 1}})),
            vec![("g.rules.0.labels.severity", Api)],
        ),
        (
            "annotation-a-boolean",
            alert(json!({"annotations": {"runbook": true}})),
            vec![("g.rules.0.annotations.runbook", Api)],
        ),
        (
            "expr-missing",
            json!([{"name": "g", "rules": [{"alert": "A"}]}]),
            vec![("g.rules.0", Api)],
        ),
        (
            "group-repeated",
            json!([{"name": "g", "rules": [{"alert": "A", "expr": "up"}]},
                   {"name": "g", "rules": [{"alert": "B", "expr": "up"}]}]),
            vec![("1.name", Api)],
        ),
        // The operator (Prometheus' rulefmt).
        (
            "alert-and-record",
            alert(json!({"record": "job:up"})),
            vec![("g.rules.0.record", Op)],
        ),
        (
            "neither",
            json!([{"name": "g", "rules": [{"expr": "up"}]}]),
            vec![("g.rules.0", Op)],
        ),
        (
            "expr-empty",
            alert(json!({"expr": ""})),
            vec![("g.rules.0.expr", Op)],
        ),
        (
            "record-with-for",
            record(json!({"for": "5m"})),
            vec![("g.rules.0.for", Op)],
        ),
        (
            "record-with-keep-firing-for",
            record(json!({"keep_firing_for": "5m"})),
            vec![("g.rules.0.keep_firing_for", Op)],
        ),
        (
            "record-with-annotations",
            record(json!({"annotations": {"summary": "x"}})),
            vec![("g.rules.0.annotations", Op)],
        ),
        (
            "record-with-braces",
            record(json!({"record": "up{job=\"trino\"}"})),
            vec![("g.rules.0.record", Op)],
        ),
        (
            "label-named-__name__",
            alert(json!({"labels": {"__name__": "x"}})),
            vec![("g.rules.0.labels.__name__", Op)],
        ),
        (
            "template-unclosed",
            alert(json!({"annotations": {"summary": "{{ $labels.instance down"}})),
            vec![("g.rules.0.annotations.summary", Op)],
        ),
        (
            "template-undefined-variable",
            alert(json!({"annotations": {"summary": "{{ $label.instance }}"}})),
            vec![("g.rules.0.annotations.summary", Op)],
        ),
        (
            "template-undefined-function",
            alert(json!({"labels": {"value": "{{ $value | humanise }}"}})),
            vec![("g.rules.0.labels.value", Op)],
        ),
        (
            "template-if-without-end",
            alert(json!({"annotations": {"description": "{{ if gt $value 1.0 }}high"}})),
            vec![("g.rules.0.annotations.description", Op)],
        ),
        (
            "template-end-without-if",
            alert(json!({"annotations": {"description": "high{{ end }}"}})),
            vec![("g.rules.0.annotations.description", Op)],
        ),
    ]
}

fn prometheus_rule(namespace: &str, groups: &Value) -> Value {
    json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "rules", "namespace": namespace},
        "spec": {"groups": groups},
    })
}

fn promtool() -> PathBuf {
    std::env::var_os("KUBECTL_DP_TEST_PROMTOOL")
        .map(PathBuf::from)
        .expect("KUBECTL_DP_TEST_PROMTOOL is not set: run the tests with tests/run (it builds promtool with tests/tools/promtool)")
}

#[test]
fn prometheus_rules_are_judged_as_the_api_server_and_prometheus_judge_them() {
    let namespace = TestNamespace::new("alert-rules");
    let scratch =
        std::env::temp_dir().join(format!("kubectl-dp-alert-rules-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let mut failures = Vec::new();
    for (name, groups, expected) in cases() {
        let manifest =
            serde_json::to_string_pretty(&prometheus_rule(&namespace.name, &groups)).unwrap();

        // Offline: exactly the listed fields, each at the line of its key.
        let report = status_offline_json(&manifest);
        let lines: Vec<&str> = manifest.lines().collect();
        let mut found = Vec::new();
        for finding in report["findings"].as_array().unwrap() {
            if finding["code"] != "monitoring.rule-invalid" {
                continue;
            }
            let source = &finding["source"];
            let field = source["field"].as_str().unwrap_or_default();
            let field = field
                .strip_prefix("spec.groups.")
                .unwrap_or(field)
                .to_string();
            let key = field.rsplit('.').next().unwrap_or_default();
            let line = lines[source["line"].as_u64().unwrap() as usize - 1];
            // A rule itself (a list item) is pointed at by its first key.
            let item = key.bytes().all(|b| b.is_ascii_digit());
            if !item && !line.contains(&format!("\"{key}\"")) {
                failures.push(format!("{name}: {field} points at line {line:?}"));
            }
            found.push(field);
        }
        let want: Vec<String> = expected.iter().map(|(f, _)| f.to_string()).collect();
        if found != want {
            failures.push(format!("{name}: status found {found:?}, expected {want:?}"));
        }

        // The API server: refused exactly when a schema field is listed.
        let api_refuses = expected.iter().any(|(_, by)| *by == By::ApiServer);
        let applied = kubectl_output(&["apply", "--dry-run=server", "-f", "-"], Some(&manifest));
        if applied.status.success() == api_refuses {
            failures.push(format!(
                "{name}: the API server {} it: {}",
                if api_refuses { "accepted" } else { "refused" },
                String::from_utf8_lossy(&applied.stderr).trim()
            ));
        }

        // Prometheus (rulefmt, as the operator validates), for what the API
        // server stores.
        if !api_refuses {
            let file = scratch.join(format!("{name}.yaml"));
            std::fs::write(
                &file,
                serde_json::to_string_pretty(&json!({"groups": groups})).unwrap(),
            )
            .unwrap();
            let checked = Command::new(promtool())
                .args(["check", "rules"])
                .arg(&file)
                .output()
                .unwrap();
            let operator_refuses = !expected.is_empty();
            if checked.status.success() == operator_refuses {
                failures.push(format!(
                    "{name}: promtool {} it: {}",
                    if operator_refuses {
                        "accepted"
                    } else {
                        "refused"
                    },
                    String::from_utf8_lossy(&checked.stdout).trim()
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
