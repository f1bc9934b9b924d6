//! What refuses a PrometheusRule, field by field, and who does.
//!
//! Three parties read a PrometheusRule, each with its own rules:
//!
//! - **The API server**, by the CRD's schema (prometheus-operator v0.85):
//!   `for`, `keep_firing_for`, a group's `interval` and `query_offset` are
//!   strings matching the Prometheus duration pattern; `expr` is required;
//!   labels and annotations are maps of strings; `limit` is an integer; a
//!   group's `name` is not empty and (the groups are a list keyed by name)
//!   not repeated. An object that breaks one is never stored: `kubectl apply`,
//!   Flux or Argo CD fail on it.
//! - **The Prometheus Operator**, which validates every rule as Prometheus'
//!   `rulefmt` does before it writes the rule file, and leaves out the whole
//!   PrometheusRule when one rule is invalid: exactly one of `alert` and
//!   `record`; a non-empty `expr`; no `for`, `keep_firing_for` or
//!   annotations on a recording rule; no braces in a recorded name; no label
//!   named `__name__` or empty; the Go templates of an alert's labels and
//!   annotations parse ([`template`]).
//! - **Prometheus** parses the PromQL (`alerts::parse`, reported as
//!   `monitoring.rule-unparsable`).
//!
//! Pure functions over the rule's fields as given.

mod template;

use serde_json::Value;

use super::crds::{Rule, RuleGroup};

/// Who refuses a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refuser {
    /// The API server, by the CRD's schema: the object is never stored.
    ApiServer,
    /// The Prometheus Operator, validating as Prometheus does: the object is
    /// left out of the rule files, so none of its alerts fire.
    Operator,
}

impl Refuser {
    /// What happens, for a message.
    pub(crate) fn consequence(self) -> &'static str {
        match self {
            Refuser::ApiServer => {
                "the API server refuses the PrometheusRule (its CRD's schema), so it is never applied"
            }
            Refuser::Operator => {
                "the Prometheus Operator leaves the whole PrometheusRule out of Prometheus, so none of its alerts fire"
            }
        }
    }
}

/// One thing a party refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuleProblem {
    /// The group it is in.
    pub group: String,
    /// The rule it is about (alert or record name, else `rule N`), when it is
    /// about one rule rather than the group.
    pub rule: Option<String>,
    /// Keys from the PrometheusRule's root to the field (`spec`, `groups`,
    /// `name=G`, `rules`, `2`, `for`).
    pub path: Vec<String>,
    /// What is wrong.
    pub what: String,
    /// Who refuses it.
    pub refuser: Refuser,
}

/// Every problem of a PrometheusRule's groups, in order.
pub(crate) fn problems(groups: &[RuleGroup]) -> Vec<RuleProblem> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (g, group) in groups.iter().enumerate() {
        // A group is found by its name, unless it has none or shares it.
        let repeated = !group.name.is_empty() && !seen.insert(group.name.as_str());
        let at = if group.name.is_empty() || repeated {
            g.to_string()
        } else {
            format!("name={}", group.name)
        };
        let base = vec!["spec".to_string(), "groups".into(), at];
        let mut push = |rule: Option<String>, field: &[&str], what: String, refuser| {
            let mut path = base.clone();
            path.extend(field.iter().map(|f| f.to_string()));
            out.push(RuleProblem {
                group: group.name.clone(),
                rule,
                path,
                what,
                refuser,
            });
        };
        if group.name.is_empty() {
            push(
                None,
                &["name"],
                "the group has no name".into(),
                Refuser::ApiServer,
            );
        } else if repeated {
            push(
                None,
                &["name"],
                format!("a second group is named {}", group.name),
                Refuser::ApiServer,
            );
        }
        for (field, value) in [
            ("interval", &group.interval),
            ("query_offset", &group.query_offset),
        ] {
            if let Some(what) = value.as_ref().and_then(|v| duration_problem(field, v)) {
                push(None, &[field], what, Refuser::ApiServer);
            }
        }
        if let Some(limit) = &group.limit
            && !(limit.is_i64() || limit.is_u64() || limit.is_null())
        {
            push(
                None,
                &["limit"],
                format!("limit {limit} is not a whole number"),
                Refuser::ApiServer,
            );
        }
        if let Some(labels) = &group.labels {
            for (key, what, refuser) in map_problems("labels", labels, true) {
                push(None, &["labels", &key], what, refuser);
            }
        }
        for (i, rule) in group.rules.iter().enumerate() {
            let index = i.to_string();
            for (field, what, refuser) in rule_problems(rule) {
                let mut path = vec!["rules", index.as_str()];
                path.extend(field.iter().map(String::as_str));
                push(Some(rule_name(rule, i)), &path, what, refuser);
            }
        }
    }
    out
}

/// The rule's name for a message: its alert or record, else its position.
fn rule_name(rule: &Rule, index: usize) -> String {
    rule.alert
        .as_deref()
        .or(rule.record.as_deref())
        .filter(|n| !n.is_empty())
        .map_or_else(|| format!("rule {}", index + 1), str::to_string)
}

type FieldProblem = (Vec<String>, String, Refuser);

/// One rule's problems: (the field path below the rule, what, who).
fn rule_problems(rule: &Rule) -> Vec<FieldProblem> {
    let mut out: Vec<FieldProblem> = Vec::new();
    let field = |f: &str| vec![f.to_string()];
    let alert = rule.alert.as_deref().filter(|a| !a.is_empty());
    let record = rule.record.as_deref().filter(|r| !r.is_empty());
    match (alert, record) {
        (Some(_), Some(_)) => out.push((
            field("record"),
            "it sets both alert and record; a rule is one or the other".into(),
            Refuser::Operator,
        )),
        (None, None) => out.push((
            Vec::new(),
            "it sets neither alert nor record".into(),
            Refuser::Operator,
        )),
        _ => {}
    }
    match &rule.expr {
        Value::Null => out.push((Vec::new(), "it has no expr".into(), Refuser::ApiServer)),
        Value::String(text) if text.trim().is_empty() => {
            out.push((field("expr"), "its expr is empty".into(), Refuser::Operator))
        }
        Value::String(_) | Value::Number(_) => {}
        other => out.push((
            field("expr"),
            format!("expr {other} is neither a string nor a number"),
            Refuser::ApiServer,
        )),
    }
    for (name, value) in [
        ("for", &rule.for_),
        ("keep_firing_for", &rule.keep_firing_for),
    ] {
        if let Some(what) = value.as_ref().and_then(|v| duration_problem(name, v)) {
            out.push((field(name), what, Refuser::ApiServer));
        }
    }
    if let Some(record) = record {
        let set = |v: &Option<Value>| {
            v.as_ref()
                .is_some_and(|v| !v.is_null() && v != "0" && v != "")
        };
        if set(&rule.for_) {
            out.push((
                field("for"),
                format!("recording rule {record} sets for, which only alerts have"),
                Refuser::Operator,
            ));
        }
        if set(&rule.keep_firing_for) {
            out.push((
                field("keep_firing_for"),
                format!("recording rule {record} sets keep_firing_for, which only alerts have"),
                Refuser::Operator,
            ));
        }
        if rule
            .annotations
            .as_ref()
            .and_then(Value::as_object)
            .is_some_and(|a| !a.is_empty())
        {
            out.push((
                field("annotations"),
                format!("recording rule {record} has annotations, which only alerts have"),
                Refuser::Operator,
            ));
        }
        if record.contains('{') || record.contains('}') {
            out.push((
                field("record"),
                format!(
                    "the recorded name {record} has braces: a selector belongs in expr, the name is a metric name"
                ),
                Refuser::Operator,
            ));
        }
    }
    for (key, value, templated) in [
        ("labels", &rule.labels, true),
        ("annotations", &rule.annotations, false),
    ] {
        let Some(value) = value else { continue };
        for (name, what, refuser) in map_problems(key, value, templated) {
            out.push((vec![key.to_string(), name], what, refuser));
        }
        // Only an alert's labels and annotations are templates.
        if let (Some(alert), Some(map)) = (alert, value.as_object()) {
            for (name, text) in map {
                let Some(text) = text.as_str() else { continue };
                if let Err(error) = template::check(text) {
                    out.push((
                        vec![key.to_string(), name.clone()],
                        format!(
                            "the template of {} {name} does not parse: template: __alert_{alert}: {error}",
                            singular(key)
                        ),
                        Refuser::Operator,
                    ));
                }
            }
        }
    }
    out
}

fn singular(key: &str) -> &str {
    key.strip_suffix('s').unwrap_or(key)
}

/// Problems of a map of labels or annotations: not a map, a value that is not
/// a string, a label named `__name__` or nothing.
fn map_problems(key: &str, value: &Value, labels: bool) -> Vec<(String, String, Refuser)> {
    let Some(map) = value.as_object() else {
        if value.is_null() {
            return Vec::new();
        }
        return vec![(
            String::new(),
            format!("{key} is not a map of names to strings"),
            Refuser::ApiServer,
        )];
    };
    let mut out = Vec::new();
    for (name, v) in map {
        if !v.is_string() {
            out.push((
                name.clone(),
                format!("{} {name} is {v}, not a string (quote it)", singular(key)),
                Refuser::ApiServer,
            ));
        }
        if labels && name == "__name__" {
            out.push((
                name.clone(),
                "a label may not be named __name__ (the metric name)".into(),
                Refuser::Operator,
            ));
        }
        if name.is_empty() {
            out.push((
                name.clone(),
                format!("{} with an empty name", singular(key)),
                Refuser::Operator,
            ));
        }
    }
    out
}

/// Why `value` of `field` is not a Prometheus duration, if it is not: a string
/// of whole numbers each followed by a unit, the units in the order
/// y, w, d, h, m, s, ms and each at most once, or `0`.
fn duration_problem(field: &str, value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) if text.is_empty() || is_duration(text) => None,
        Value::String(text) => Some(format!(
            "{field} {text:?} is not a Prometheus duration (whole numbers with the units y, w, d, h, m, s, ms in that order: 5m, 1h30m)"
        )),
        other => Some(format!(
            "{field} {other} is not a string: write it as a duration in quotes (\"5m\")"
        )),
    }
}

/// Prometheus' duration syntax, as the CRD's pattern and
/// `model.ParseDuration` accept it.
pub(crate) fn is_duration(text: &str) -> bool {
    if text == "0" {
        return true;
    }
    const UNITS: [&str; 7] = ["y", "w", "d", "h", "m", "s", "ms"];
    let mut rest = text;
    let mut next_unit = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        // "ms" before "m": the longest unit that matches here.
        let Some(unit) = (next_unit..UNITS.len())
            .filter(|&u| rest.starts_with(UNITS[u]))
            .max_by_key(|&u| UNITS[u].len())
        else {
            return false;
        };
        rest = &rest[UNITS[unit].len()..];
        next_unit = unit + 1;
    }
    !text.is_empty()
}

#[cfg(test)]
mod tests;
