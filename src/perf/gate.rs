//! perf's exit decision, in one small function ([`decide`]) that the suite's
//! common exit rule can call: what a report found, graded by severity and
//! compared with `--fail-on`, and what it did not measure, which is never a
//! pass unless `--allow-missing`.
//!
//! | outcome | severity |
//! |---|---|
//! | a query, S3 operation or Spark run failed; clean-up left objects; a significant regression beyond `--threshold` | critical |
//! | significantly slower, within `--threshold`; a component above 90% of its memory limit | warning |
//! | warm-up hit its ceiling before settling; a component over-requested or without limits | info |

use crate::error::Exit;
use crate::findings::{Component, Finding, ObjectRef, Severity};

use super::report::{PerfReport, SkipCause};

/// perf's `--fail-on` when not given: what failed or regressed.
pub(crate) const DEFAULT_FAIL_ON: Severity = Severity::Critical;

/// Something the report found, graded: a [`Finding`] on the measurement
/// (`Measurement/trino q1`), with a catalogued `perf.*` code.
pub type Problem = Finding;

/// How a run or comparison ends: the exit for what was found, or the one line
/// saying what was not measured (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Everything wanted was measured; 0 or 1 by `--fail-on`.
    Measured(Exit),
    /// Something was not measured and `--allow-missing` was not given.
    NotMeasured(String),
}

/// The decision for what a report found and did not measure.
pub(crate) fn decide(
    problems: &[Problem],
    not_measured: &[String],
    fail_on: Severity,
    allow_missing: bool,
) -> Decision {
    if !not_measured.is_empty() && !allow_missing {
        return Decision::NotMeasured(format!(
            "not measured: {}; pass --allow-missing to accept that",
            not_measured.join("; ")
        ));
    }
    let threshold = fail_on.max(Severity::Info);
    Decision::Measured(if problems.iter().any(|p| p.severity >= threshold) {
        Exit::Problems
    } else {
        Exit::Ok
    })
}

/// A problem about the measurement `what` (`trino q1`).
fn problem(code: &'static str, severity: Severity, what: String) -> Problem {
    let component = match what.split(' ').next() {
        Some("spark") => Component::Spark,
        Some("storage") => Component::Buckets,
        Some("trino") => Component::Trino,
        _ => Component::Compliance,
    };
    Finding::new(
        code,
        severity,
        component,
        ObjectRef::new("Measurement", None, &what),
        what.clone(),
        "see the perf report (docs/perf.md)",
    )
}

/// What a report found, graded (its comparison included).
pub fn problems(report: &PerfReport) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Some(trino) = &report.trino {
        for q in &trino.queries {
            if !q.failures.is_empty() {
                out.push(problem(
                    "perf.query-failed",
                    Severity::Critical,
                    format!("trino {} failed", q.name),
                ));
            }
            if q.settled == Some(false) {
                out.push(problem(
                    "perf.warmup-unsettled",
                    Severity::Info,
                    format!("trino {} did not settle in warm-up", q.name),
                ));
            }
        }
    }
    if let Some(storage) = &report.storage {
        if !storage.cleanup_errors.is_empty() {
            out.push(problem(
                "perf.cleanup-failed",
                Severity::Critical,
                "storage clean-up left objects".into(),
            ));
        }
        for o in storage.operations.iter().filter(|o| !o.failures.is_empty()) {
            out.push(problem(
                "perf.operation-failed",
                Severity::Critical,
                format!("storage {} failed", o.operation),
            ));
        }
    }
    if let Some(spark) = &report.spark {
        for r in spark.runs.iter().filter(|r| r.state != "COMPLETED") {
            out.push(problem(
                "perf.spark-run-failed",
                Severity::Critical,
                format!("spark {} {}", r.name, r.state),
            ));
        }
    }
    if let Some(resources) = &report.resources {
        for c in &resources.components {
            for flag in &c.flags {
                let (code, severity) = if flag == "near-memory-limit" {
                    ("perf.near-memory-limit", Severity::Warning)
                } else {
                    ("perf.resource-flag", Severity::Info)
                };
                out.push(problem(
                    code,
                    severity,
                    format!("resources {} {flag}", c.component),
                ));
            }
        }
    }
    if let Some(c) = &report.comparison {
        out.extend(comparison_problems(c));
    }
    out
}

/// A comparison's regressions (critical), smaller significant slowdowns
/// (warning), failed queries (critical), and a yardstick that is itself
/// significantly slower beyond the threshold (warning: the machines, or a
/// change that slows every query alike).
pub(crate) fn comparison_problems(c: &super::report::Comparison) -> Vec<Problem> {
    let yardstick = c.yardstick.as_ref().filter(|y| {
        y.verdict == "slower" && y.beyond_threshold_p_value.is_some_and(|p| p <= c.alpha)
    });
    let yardstick = yardstick.map(|y| {
        problem(
            "perf.yardstick-slower",
            Severity::Warning,
            format!(
                "trino yardstick is {:+.0}% slower",
                y.change_percent.unwrap_or(0.0)
            ),
        )
    });
    c.rows
        .iter()
        .filter_map(|r| {
            let what = format!("{} {} {}", r.suite, r.name, r.verdict);
            match r.verdict.as_str() {
                "regression" | "failed" => {
                    Some(problem("perf.regression", Severity::Critical, what))
                }
                "slower" => Some(problem("perf.slower", Severity::Warning, what)),
                _ => None,
            }
        })
        .chain(yardstick)
        .collect()
}

/// What a run did not measure: nothing at all, a suite whose target is there
/// but could not be measured, and what its comparison lacks.
pub(crate) fn not_measured(report: &PerfReport) -> Vec<String> {
    let mut out = Vec::new();
    let measured = report.trino.as_ref().is_some_and(|t| {
        t.queries
            .iter()
            .any(|q| !q.samples.is_empty() || !q.failures.is_empty())
    }) || report
        .storage
        .as_ref()
        .is_some_and(|s| !s.operations.is_empty())
        || report
            .spark
            .as_ref()
            .is_some_and(|s| !s.runs.is_empty() || !s.history.is_empty())
        || report
            .resources
            .as_ref()
            .is_some_and(|r| !r.components.is_empty());
    if !measured {
        let mut reasons: Vec<String> = report
            .skipped
            .iter()
            .map(|s| format!("{}: {}", s.suite, s.reason))
            .collect();
        // Suites that ran and found nothing to measure say so too.
        if report.spark.is_some() {
            reasons.push("spark: no SparkApplication ran or has ended here".into());
        }
        if let Some(r) = &report.resources {
            reasons.push(format!(
                "resources: no pod in namespace {} has metrics",
                r.namespace
            ));
        }
        out.push(if reasons.is_empty() {
            "nothing was measured".to_string()
        } else {
            format!("nothing was measured ({})", reasons.join("; "))
        });
        return out;
    }
    for s in &report.skipped {
        if s.cause == SkipCause::Unavailable {
            out.push(format!("{}: {}", s.suite, s.reason));
        }
    }
    if let Some(c) = &report.comparison {
        out.extend(c.not_measured.iter().cloned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perf::compare_tests::{noisy, report};
    use crate::perf::report::Skipped;

    #[test]
    fn nothing_measured_is_never_a_pass_unless_allowed() {
        let lines = vec!["trino: could not reach Trino".to_string()];
        assert_eq!(
            decide(&[], &lines, Severity::Critical, false),
            Decision::NotMeasured(
                "not measured: trino: could not reach Trino; pass --allow-missing to accept that"
                    .into()
            )
        );
        assert_eq!(
            decide(&[], &lines, Severity::Critical, true),
            Decision::Measured(Exit::Ok)
        );
    }

    #[test]
    fn fail_on_decides_which_problems_fail() {
        let slower = [problem(
            "perf.slower",
            Severity::Warning,
            "trino q1 slower".into(),
        )];
        assert_eq!(
            decide(&slower, &[], Severity::Critical, false),
            Decision::Measured(Exit::Ok)
        );
        assert_eq!(
            decide(&slower, &[], Severity::Warning, false),
            Decision::Measured(Exit::Problems)
        );
    }

    #[test]
    fn an_empty_report_names_every_skipped_suite() {
        let mut empty = report(&[]);
        empty.body.skipped = vec![
            Skipped {
                suite: "trino".into(),
                reason: "no Trino coordinator in namespace typo".into(),
                cause: SkipCause::Absent,
            },
            Skipped {
                suite: "storage".into(),
                reason: "no Bound ObjectBucketClaim in namespace typo".into(),
                cause: SkipCause::Absent,
            },
        ];
        assert_eq!(
            not_measured(&empty),
            vec![
                "nothing was measured (trino: no Trino coordinator in namespace typo; storage: no Bound ObjectBucketClaim in namespace typo)"
            ]
        );
        // Measured, with an absent suite skipped: fine; an unavailable one: not.
        let mut measured = report(&[("q1", noisy(1.0, 3, 1))]);
        measured.body.skipped = empty.body.skipped.clone();
        assert!(not_measured(&measured).is_empty());
        measured.body.skipped[1].cause = SkipCause::Unavailable;
        assert_eq!(
            not_measured(&measured),
            vec!["storage: no Bound ObjectBucketClaim in namespace typo"]
        );
    }
}
