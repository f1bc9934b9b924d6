use serde_json::json;

use super::*;
use crate::platform::crds::PrometheusRuleSpec;

fn groups(spec: serde_json::Value) -> Vec<RuleGroup> {
    serde_json::from_value::<PrometheusRuleSpec>(spec)
        .unwrap()
        .groups
}

/// (path joined with '.', refuser) of every problem.
fn found(spec: serde_json::Value) -> Vec<(String, Refuser)> {
    problems(&groups(spec))
        .into_iter()
        .map(|p| (p.path.join("."), p.refuser))
        .collect()
}

#[test]
fn durations_as_prometheus_and_the_crd_pattern_read_them() {
    for ok in [
        "0",
        "5m",
        "1h30m",
        "90s",
        "1y2w3d4h5m6s7ms",
        "100ms",
        "1m500ms",
    ] {
        assert!(is_duration(ok), "{ok}");
    }
    for bad in [
        "5min", "1.5h", "30s1m", "1m1m", "5", "-5m", "5 m", "1H", "ms", "1sms",
    ] {
        assert!(!is_duration(bad), "{bad}");
    }
}

#[test]
fn a_valid_rule_file_has_no_problems() {
    let spec = json!({"groups": [
        {"name": "trino", "interval": "30s", "limit": 10, "labels": {"team": "data"}, "rules": [
            {"alert": "TrinoDown", "expr": "up{job=\"trino\"} == 0", "for": "5m",
             "keep_firing_for": "1m", "labels": {"severity": "critical"},
             "annotations": {"summary": "{{ $labels.instance }} down for {{ $value | humanizeDuration }}"}},
            {"record": "trino:queries:rate5m", "expr": "rate(trino_queries_total[5m])", "labels": {"team": "data"}},
            {"alert": "Always", "expr": 1}
        ]},
        {"name": "spark", "query_offset": "1m", "rules": [{"record": "x", "expr": "vector(1)", "for": "0"}]}
    ]});
    assert_eq!(found(spec), vec![]);
}

#[test]
fn every_field_each_party_refuses() {
    let spec = json!({"groups": [
        {"name": "a", "interval": "1 minute", "query_offset": 30, "limit": "ten", "labels": {"__name__": "x"}, "rules": [
            {"alert": "A", "record": "a", "expr": "up"},
            {"expr": "up"},
            {"alert": "B"},
            {"alert": "C", "expr": "  "},
            {"alert": "D", "expr": "up", "for": "5min", "keep_firing_for": 5},
            {"record": "e{job=\"x\"}", "expr": "up", "for": "5m", "keep_firing_for": "1m",
             "annotations": {"summary": "s"}},
            {"alert": "F", "expr": "up", "labels": {"severity": 1, "": "x"},
             "annotations": {"summary": "{{ $labels.instance", "description": "{{ $value | humanise }}"}},
            {"alert": "G", "expr": {"not": "a string"}}
        ]},
        {"name": "a", "rules": []},
        {"name": "", "rules": []}
    ]});
    use Refuser::{ApiServer as Api, Operator as Op};
    let p = |s: &str, r| (s.to_string(), r);
    assert_eq!(
        found(spec),
        vec![
            p("spec.groups.name=a.interval", Api),
            p("spec.groups.name=a.query_offset", Api),
            p("spec.groups.name=a.limit", Api),
            p("spec.groups.name=a.labels.__name__", Op),
            p("spec.groups.name=a.rules.0.record", Op),
            p("spec.groups.name=a.rules.1", Op),
            p("spec.groups.name=a.rules.2", Api),
            p("spec.groups.name=a.rules.3.expr", Op),
            p("spec.groups.name=a.rules.4.for", Api),
            p("spec.groups.name=a.rules.4.keep_firing_for", Api),
            p("spec.groups.name=a.rules.5.for", Op),
            p("spec.groups.name=a.rules.5.keep_firing_for", Op),
            p("spec.groups.name=a.rules.5.annotations", Op),
            p("spec.groups.name=a.rules.5.record", Op),
            p("spec.groups.name=a.rules.6.labels.", Op),
            p("spec.groups.name=a.rules.6.labels.severity", Api),
            p("spec.groups.name=a.rules.6.annotations.description", Op),
            p("spec.groups.name=a.rules.6.annotations.summary", Op),
            p("spec.groups.name=a.rules.7.expr", Api),
            p("spec.groups.1.name", Api),
            p("spec.groups.2.name", Api),
        ]
    );
}

#[test]
fn messages_name_the_field_and_the_value() {
    let spec = json!({"groups": [{"name": "g", "rules": [
        {"alert": "Slow", "expr": "up", "for": "5min",
         "annotations": {"summary": "{{ $label.pod }}"}}
    ]}]});
    let problems = problems(&groups(spec));
    assert_eq!(problems[0].rule.as_deref(), Some("Slow"));
    assert!(
        problems[0]
            .what
            .starts_with("for \"5min\" is not a Prometheus duration"),
        "{}",
        problems[0].what
    );
    assert_eq!(
        problems[1].what,
        "the template of annotation summary does not parse: template: __alert_Slow: 1: undefined variable \"$label\""
    );
}
