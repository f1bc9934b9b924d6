//! perf's hooks into the suite's one output path ([`crate::render::emit`]): the
//! saved run and the comparison as [`crate::render::Report`]s, so that `-o`,
//! `--fail-on` and the exit code work as in every other command. The tables are
//! perf's own ([`super::render`]).
//!
//! Graded: a failed query, S3 operation or clean-up, a Spark run that did not
//! complete, and a significant regression beyond `--max-regression` are critical
//! (the default `--fail-on critical` fails on them, as perf always did); a
//! significant slowdown within the threshold is a warning. A suite that was
//! skipped is "not checked" (fails only with `--fail-on info`).

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

use crate::error::Result;
use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::render::{Unread, View};

use super::report::{Comparison, PerfBody, PerfReport};

/// `--fail-on` of perf when not given.
pub const DEFAULT_FAIL_ON: Severity = Severity::Critical;

/// A saved run, as `perf run` writes it (kind `PerfReport`).
pub struct RunView<'a>(pub &'a PerfReport);

/// A comparison of two runs (kind `PerfComparison`).
pub struct CompareView<'a>(pub &'a Comparison);

impl Serialize for RunView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let body: &PerfBody = &self.0.body;
        body.serialize(serializer)
    }
}

impl Serialize for CompareView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

fn finding(code: &'static str, severity: Severity, what: &str, message: String) -> Finding {
    Finding::new(
        code,
        severity,
        Component::Trino,
        ObjectRef::new("Measurement", None, what),
        message,
        "see the perf report",
    )
}

/// A comparison's regressions (critical) and slowdowns within the threshold (warnings).
fn comparison_findings(comparison: &Comparison) -> Vec<Finding> {
    comparison
        .rows
        .iter()
        .filter(|r| r.significant && r.change_percent.unwrap_or(0.0) > 0.0)
        .map(|r| {
            let (code, severity) = if r.regression {
                ("perf.regression", Severity::Critical)
            } else {
                ("perf.slower", Severity::Warning)
            };
            finding(
                code,
                severity,
                &measurement(&r.suite, &r.name),
                format!("{} {}: {}", r.suite, r.name, r.verdict),
            )
        })
        .collect()
}

/// `suite/name` with spaces as dashes (`storage/put-1MiB`): what `-o name` prints.
fn measurement(suite: &str, name: &str) -> String {
    format!("{suite}/{}", name.replace(' ', "-"))
}

impl crate::render::Report for RunView<'_> {
    fn kind(&self) -> &'static str {
        super::report::KIND
    }

    fn findings(&self) -> Cow<'_, [Finding]> {
        let report = self.0;
        let mut findings = Vec::new();
        for q in report.trino.iter().flat_map(|t| &t.queries) {
            if let Some(first) = q.failures.first() {
                let what = measurement("trino", &q.name);
                let message = format!("{} of the runs failed: {}", q.failures.len(), first.message);
                findings.push(finding(
                    "perf.query-failed",
                    Severity::Critical,
                    &what,
                    message,
                ));
            }
        }
        if let Some(storage) = &report.storage {
            for op in storage.operations.iter().filter(|o| !o.failures.is_empty()) {
                let name = format!(
                    "{} {}",
                    op.operation,
                    super::storage::size_label(op.object_size)
                );
                let message = op.failures.join("; ");
                let what = measurement("storage", &name);
                findings.push(finding(
                    "perf.operation-failed",
                    Severity::Critical,
                    &what,
                    message,
                ));
            }
            for error in &storage.cleanup_errors {
                let what = measurement("storage", "cleanup");
                findings.push(finding(
                    "perf.cleanup-failed",
                    Severity::Critical,
                    &what,
                    error.clone(),
                ));
            }
        }
        for run in report.spark.iter().flat_map(|s| &s.runs) {
            if run.state != "COMPLETED" {
                let what = measurement("spark", &run.name);
                let message = format!("{} ended {}", run.name, run.state);
                findings.push(finding(
                    "perf.spark-run-failed",
                    Severity::Critical,
                    &what,
                    message,
                ));
            }
        }
        if let Some(comparison) = &report.comparison {
            findings.extend(comparison_findings(comparison));
        }
        Cow::Owned(findings)
    }

    fn unread(&self) -> Vec<Unread> {
        self.0
            .skipped
            .iter()
            .map(|s| {
                Unread::new(
                    format!("suite {}", s.suite),
                    crate::kube::Availability::Failed(s.reason.clone()),
                )
            })
            .collect()
    }

    fn table(&self, out: &mut dyn Write, view: &View) -> Result<()> {
        super::render::report(out, self.0, &view.palette)
    }

    /// What was measured: `trino/QUERY`, `storage/OPERATION-SIZE`, `spark/application`.
    fn names(&self) -> Vec<String> {
        super::compare::series(self.0)
            .iter()
            .map(|s| measurement(s.suite, &s.name))
            .collect()
    }
}

impl crate::render::Report for CompareView<'_> {
    fn kind(&self) -> &'static str {
        "PerfComparison"
    }

    fn findings(&self) -> Cow<'_, [Finding]> {
        Cow::Owned(comparison_findings(self.0))
    }

    fn table(&self, out: &mut dyn Write, view: &View) -> Result<()> {
        super::render::comparison(out, self.0, &view.palette)
    }

    /// The measurements compared.
    fn names(&self) -> Vec<String> {
        self.0
            .rows
            .iter()
            .map(|r| measurement(&r.suite, &r.name))
            .collect()
    }
}
