//! JUnit XML for CI through `quick-junit` (the writer cargo-nextest uses): one
//! test suite per perf suite, one test case per query / operation / run with
//! the time it took; a failure carries Trino's (or S3's) message; against a
//! baseline, one case per measurement that fails on a regression and is
//! skipped when it was not measured.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::report::{Comparison, PerfReport};

/// A case's time: never negative (an empty sum of `f64` is `-0.0`), never NaN.
fn seconds(value: f64) -> Duration {
    if value.is_finite() && value > 0.0 {
        Duration::from_secs_f64(value)
    } else {
        Duration::ZERO
    }
}

fn case(suite: &str, name: &str, time: f64, status: TestCaseStatus) -> TestCase {
    let mut case = TestCase::new(name, status);
    case.set_classname(format!("kubectl-dp.perf.{suite}"));
    case.set_time(seconds(time));
    case
}

fn failure(kind: &str, message: &str) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    status
        .set_type(kind)
        .set_message(message)
        .set_description(message);
    status
}

fn suite(name: &str, cases: Vec<TestCase>) -> TestSuite {
    let mut suite = TestSuite::new(name);
    let time: Duration = cases.iter().filter_map(|c| c.time).sum();
    suite.add_test_cases(cases);
    suite.set_time(time);
    suite
}

fn document(suites: Vec<TestSuite>) -> String {
    let mut report = Report::new("kubectl dp perf");
    report.add_test_suites(suites);
    // Serialising into a String cannot fail for want of space; an error here
    // would be a bug in the writer, and the file then says so.
    report
        .to_string()
        .unwrap_or_else(|e| format!("<!-- could not write JUnit XML: {e} -->\n"))
}

fn comparison_cases(c: &Comparison) -> Vec<TestCase> {
    c.rows
        .iter()
        .map(|r| {
            let name = format!("{} {}", r.suite, r.name);
            let status = match r.verdict.as_str() {
                "regression" => failure(
                    "regression",
                    &format!(
                        "{} {:+.1}% (95% CI {:+.1}% to {:+.1}%), slower beyond --threshold {}% at Holm-adjusted p = {:.4}",
                        r.metric,
                        r.change_percent.unwrap_or(0.0),
                        r.change_low_percent.unwrap_or(0.0),
                        r.change_high_percent.unwrap_or(0.0),
                        c.threshold_percent,
                        r.beyond_threshold_p_value.or(r.adjusted_p_value).unwrap_or(1.0)
                    ),
                ),
                "failed" => failure("failed", &format!("{} failed runs", r.new_failures)),
                "not measured" | "too few runs" => {
                    let mut status = TestCaseStatus::skipped();
                    status.set_message(format!(
                        "{} ({}/{} runs; at least {} per side needed)",
                        r.verdict, r.old_n, r.new_n, c.min_runs
                    ));
                    status
                }
                _ => TestCaseStatus::success(),
            };
            case("compare", &name, 0.0, status)
        })
        .collect()
}

pub fn report(report: &PerfReport) -> String {
    let mut suites = Vec::new();
    if let Some(trino) = &report.trino {
        let cases = trino
            .queries
            .iter()
            .map(|q| {
                let status = match q.failures.first() {
                    None => TestCaseStatus::success(),
                    Some(f) => failure(
                        &f.error_name,
                        &format!(
                            "{} of {} runs failed; {}: {}",
                            q.failures.len(),
                            q.failures.len() + q.samples.len(),
                            f.error_name,
                            f.message
                        ),
                    ),
                };
                let time = q.samples.iter().map(|s| s.wall_ms).sum::<f64>() / 1000.0;
                case("trino", &q.name, time, status)
            })
            .collect();
        suites.push(suite("trino", cases));
    }
    if let Some(storage) = &report.storage {
        let mut cases: Vec<TestCase> = storage
            .operations
            .iter()
            .map(|o| {
                let name = format!(
                    "{} {}",
                    o.operation,
                    super::storage::size_label(o.object_size)
                );
                let status = o
                    .failures
                    .first()
                    .map_or_else(TestCaseStatus::success, |f| failure("s3", f));
                case(
                    "storage",
                    &name,
                    o.samples.iter().sum::<f64>() / 1000.0,
                    status,
                )
            })
            .collect();
        let cleanup = if storage.cleanup_errors.is_empty() {
            TestCaseStatus::success()
        } else {
            failure("cleanup", &storage.cleanup_errors.join("; "))
        };
        cases.push(case("storage", "clean-up", 0.0, cleanup));
        suites.push(suite("storage", cases));
    }
    if let Some(spark) = &report.spark {
        let cases = spark
            .runs
            .iter()
            .map(|r| {
                let status = if r.state == "COMPLETED" {
                    TestCaseStatus::success()
                } else {
                    failure(
                        &r.state,
                        &r.error
                            .clone()
                            .unwrap_or_else(|| format!("ended {}", r.state)),
                    )
                };
                case(
                    "spark",
                    &r.name,
                    r.duration_seconds.unwrap_or(r.wait_seconds),
                    status,
                )
            })
            .collect();
        suites.push(suite("spark", cases));
    }
    if let Some(c) = &report.comparison {
        suites.push(suite("baseline", comparison_cases(c)));
    }
    document(suites)
}

pub fn comparison(c: &Comparison) -> String {
    document(vec![suite("compare", comparison_cases(c))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_structure_and_times() {
        let mut bad = failure("TABLE_NOT_FOUND", "Table 'x' & \"y\" does not exist\u{1}");
        bad.set_description("Table 'x' & \"y\" does not exist");
        let xml = document(vec![suite(
            "trino",
            vec![
                case("trino", "q<1>", 1.5, bad),
                case("trino", "q2", 0.5, TestCaseStatus::success()),
                // An empty sum of f64 is -0.0: it must read 0.000.
                case(
                    "trino",
                    "q3",
                    [].iter().sum::<f64>(),
                    TestCaseStatus::success(),
                ),
            ],
        )]);
        assert!(!xml.contains("-0.000"), "{xml}");
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let suite = doc
            .descendants()
            .find(|n| n.has_tag_name("testsuite"))
            .unwrap();
        assert_eq!(suite.attribute("tests"), Some("3"));
        assert_eq!(suite.attribute("failures"), Some("1"));
        assert_eq!(suite.attribute("time"), Some("2.000"));
        let failure = doc
            .descendants()
            .find(|n| n.has_tag_name("failure"))
            .unwrap();
        assert!(
            failure
                .attribute("message")
                .unwrap()
                .contains("Table 'x' & \"y\"")
        );
        let cases: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(cases[0].attribute("name"), Some("q<1>"));
        assert_eq!(cases[0].attribute("time"), Some("1.500"));
        assert_eq!(cases[2].attribute("time"), Some("0.000"));
    }
}
