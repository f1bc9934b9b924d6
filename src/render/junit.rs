//! JUnit XML for CI test reports (GitLab's `artifacts:reports:junit`, Jenkins,
//! Azure): one test suite per run, one failed test case per finding at or
//! above `--fail-on` (its object, location, message and fix), one passed case
//! per finding below it and per rule applied without a finding, and one
//! skipped case per rule that could not be checked. Written with `quick-junit`,
//! as perf's reports are.

use std::collections::BTreeSet;
use std::io::Write;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::sarif::LintRun;
use crate::error::Result;
use crate::findings::{Finding, Severity};

fn case_name(finding: &Finding) -> String {
    match &finding.source {
        Some(source) => format!("{} {} ({source})", finding.code, finding.object),
        None => format!("{} {}", finding.code, finding.object),
    }
}

fn text(finding: &Finding) -> String {
    let mut text = format!("{}\nfix: {}", finding.message, finding.hint);
    if let Some(source) = &finding.source {
        text = format!("{source}: {text}");
    }
    text
}

/// The JUnit XML of `run`: failures are the findings at or above `fail_on`.
pub fn document(run: &LintRun, fail_on: Severity) -> String {
    let threshold = fail_on.max(Severity::Info);
    let classname = format!("kubectl-dp.{}", run.command);
    let mut suite = TestSuite::new(format!("kubectl dp {}", run.command));
    let mut found = BTreeSet::new();
    for finding in run.findings {
        found.insert(finding.code);
        let status = if finding.severity >= threshold {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_type(finding.severity.label())
                .set_message(format!("{}: {}", finding.object, finding.message))
                .set_description(text(finding));
            status
        } else {
            TestCaseStatus::success()
        };
        let mut case = TestCase::new(case_name(finding), status);
        case.set_classname(format!("{classname}.{}", finding.code));
        if finding.severity < threshold {
            case.set_system_out(text(finding));
        }
        suite.add_test_case(case);
    }
    for rule in &run.rules {
        if found.contains(rule.code) {
            continue;
        }
        let skipped = run
            .not_checked
            .as_ref()
            .filter(|(codes, _)| codes.contains(&rule.code));
        let status = match skipped {
            Some((_, why)) => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(why.clone());
                status
            }
            None => TestCaseStatus::success(),
        };
        let mut case = TestCase::new(rule.code, status);
        case.set_classname(format!("{classname}.{}", rule.code));
        suite.add_test_case(case);
    }
    let mut report = Report::new(format!("kubectl dp {}", run.command));
    report.add_test_suite(suite);
    report
        .to_string()
        .unwrap_or_else(|e| format!("<!-- could not write JUnit XML: {e} -->\n"))
}

/// Writes the JUnit XML of `run`.
pub fn write(out: &mut dyn Write, run: &LintRun, fail_on: Severity) -> Result<()> {
    out.write_all(document(run, fail_on).as_bytes())?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{Component, ObjectRef};
    use crate::platform::rules::rule;

    #[test]
    fn failures_passes_and_skips() {
        let finding = |code, severity| {
            Finding::new(
                code,
                severity,
                Component::Trino,
                ObjectRef::namespaced("ConfigMap", "dp", "trino-worker"),
                "msg <&>",
                "fix it",
            )
        };
        let findings = [
            finding("trino.heap-above-limit", Severity::Critical),
            finding("trino.legacy-jvm-flag", Severity::Warning),
        ];
        let run = LintRun {
            command: "status",
            findings: &findings,
            rules: [
                "trino.heap-above-limit",
                "trino.legacy-jvm-flag",
                "trino.heap-not-set",
                "trino.not-ready",
            ]
            .iter()
            .filter_map(|c| rule(c))
            .collect(),
            not_checked: Some((vec!["trino.not-ready"], "not checked offline".into())),
            root: None,
        };
        let xml = document(&run, Severity::Critical);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let cases: Vec<roxmltree::Node> = doc
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(cases.len(), 4);
        let failures = doc
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count();
        assert_eq!(failures, 1, "{xml}");
        assert_eq!(
            doc.descendants()
                .filter(|n| n.has_tag_name("skipped"))
                .count(),
            1
        );
        assert!(xml.contains("msg &lt;&amp;&gt;"), "{xml}");
        // With --fail-on warning the warning fails too.
        let xml = document(&run, Severity::Warning);
        assert_eq!(xml.matches("<failure").count(), 2);
    }
}
