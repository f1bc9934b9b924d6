//! PrometheusRule expressions: parsed with `promql-parser`, and classified by
//! what they watch (query latency, memory, failures, resource exhaustion) from
//! the metric names and label matchers they select.

use std::collections::BTreeSet;

use promql_parser::parser::{self, Expr};

/// What an alert watches: the four kinds every component's rules must cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Query latency.
    QueryLatency,
    /// Memory pressure (OOM kills, near the limit).
    Memory,
    /// Failed jobs or queries.
    JobFailures,
    /// Resources running out (quota, disk, CPU).
    ResourceExhaustion,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 4] = [
        Kind::QueryLatency,
        Kind::Memory,
        Kind::JobFailures,
        Kind::ResourceExhaustion,
    ];

    /// The words a report uses for the kind.
    pub fn label(self) -> &'static str {
        match self {
            Kind::QueryLatency => "query latency",
            Kind::Memory => "memory",
            Kind::JobFailures => "job failures",
            Kind::ResourceExhaustion => "resource exhaustion",
        }
    }
}

/// Metric names and `label=value` matcher values an expression selects.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Selected {
    /// The metric names the expression reads.
    pub metrics: Vec<String>,
    /// The label matchers it uses (name, value).
    pub matchers: Vec<(String, String)>,
}

/// Parses an expression; the error is the parser's own message.
pub fn parse(expr: &str) -> Result<Selected, String> {
    let ast = parser::parse(expr)?;
    let mut selected = Selected::default();
    walk(&ast, &mut selected);
    Ok(selected)
}

fn walk(expr: &Expr, out: &mut Selected) {
    match expr {
        Expr::Aggregate(a) => {
            walk(&a.expr, out);
            if let Some(p) = &a.param {
                walk(p, out);
            }
        }
        Expr::Unary(u) => walk(&u.expr, out),
        Expr::Binary(b) => {
            walk(&b.lhs, out);
            walk(&b.rhs, out);
        }
        Expr::Paren(p) => walk(&p.expr, out),
        Expr::Subquery(s) => walk(&s.expr, out),
        Expr::VectorSelector(vs) => selector(vs, out),
        Expr::MatrixSelector(ms) => selector(&ms.vs, out),
        Expr::Call(c) => {
            for arg in &c.args.args {
                walk(arg, out);
            }
        }
        _ => {}
    }
}

fn selector(vs: &parser::VectorSelector, out: &mut Selected) {
    if let Some(name) = &vs.name {
        out.metrics.push(name.clone());
    }
    for m in vs
        .matchers
        .matchers
        .iter()
        .chain(vs.matchers.or_matchers.iter().flatten())
    {
        if m.name == "__name__" {
            out.metrics.push(m.value.clone());
        } else {
            out.matchers.push((m.name.clone(), m.value.clone()));
        }
    }
}

/// The kinds an expression watches.
pub fn kinds(selected: &Selected) -> BTreeSet<Kind> {
    let mut kinds = BTreeSet::new();
    let has = |words: &[&str]| {
        selected.metrics.iter().any(|m| {
            let m = m.to_lowercase();
            words.iter().any(|w| m.contains(w))
        })
    };
    let value = |words: &[&str]| {
        selected.matchers.iter().any(|(_, v)| {
            let v = v.to_lowercase();
            words.iter().any(|w| v.contains(w))
        })
    };
    if has(&[
        "latency",
        "duration",
        "elapsed",
        "executiontime",
        "_seconds_bucket",
        "queuedtime",
        "start_time",
    ]) {
        kinds.insert(Kind::QueryLatency);
    }
    if has(&["memory", "heap", "oom"]) || value(&["oomkilled"]) {
        kinds.insert(Kind::Memory);
    }
    let server_errors = selected.matchers.iter().any(|(k, v)| {
        matches!(k.as_str(), "status" | "code" | "outcome")
            && (v.starts_with('5') || v.eq_ignore_ascii_case("server_error"))
    });
    if has(&["fail", "error"]) || value(&["failed", "error"]) || server_errors {
        kinds.insert(Kind::JobFailures);
    }
    if has(&[
        "cpu",
        "throttl",
        "quota",
        "filesystem",
        "disk",
        "volume",
        "replicas_available",
        "replicas_ready",
        "unavailable",
        "runningqueries",
        "queuedqueries",
        "blocked",
    ]) || value(&["pending", "evicted"])
    {
        kinds.insert(Kind::ResourceExhaustion);
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_classifies() {
        let s = parse(r#"max by (pod) (container_memory_working_set_bytes{container=~"trino-.*"}) / on (pod) kube_pod_container_resource_limits{resource="memory"} > 0.9"#).unwrap();
        assert_eq!(
            s.metrics,
            [
                "container_memory_working_set_bytes",
                "kube_pod_container_resource_limits"
            ]
        );
        assert_eq!(kinds(&s), BTreeSet::from([Kind::Memory]));
        let s = parse(r#"histogram_quantile(0.95, sum by (le) (rate(http_server_requests_seconds_bucket{job="nessie"}[5m]))) > 2"#).unwrap();
        assert_eq!(kinds(&s), BTreeSet::from([Kind::QueryLatency]));
        let s = parse(r#"kube_pod_status_phase{pod=~".+-driver", phase="Failed"} == 1"#).unwrap();
        assert_eq!(kinds(&s), BTreeSet::from([Kind::JobFailures]));
        let s =
            parse(r#"kube_deployment_status_replicas_available{deployment="trino-worker"} < 2"#)
                .unwrap();
        assert_eq!(kinds(&s), BTreeSet::from([Kind::ResourceExhaustion]));
    }

    #[test]
    fn a_broken_expression_gives_the_parser_error() {
        let err = parse("sum(rate(trino_failed_queries[5m]) > ").unwrap_err();
        assert!(!err.is_empty());
    }
}
