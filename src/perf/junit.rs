//! JUnit XML for CI: one test suite per perf suite, one test case per query /
//! operation / run; a failure carries Trino's (or S3's) message; a regression
//! against the baseline fails its case.

use std::fmt::Write;

use super::report::{Comparison, PerfReport};

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

struct Case {
    name: String,
    seconds: f64,
    failure: Option<(String, String)>,
}

fn suite(xml: &mut String, name: &str, cases: &[Case]) {
    let failures = cases.iter().filter(|c| c.failure.is_some()).count();
    let time: f64 = cases.iter().map(|c| c.seconds).sum();
    let _ = writeln!(
        xml,
        r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="0" time="{time:.3}">"#,
        escape(name),
        cases.len()
    );
    for c in cases {
        let _ = write!(
            xml,
            r#"    <testcase classname="kubectl-dp.perf.{}" name="{}" time="{:.3}""#,
            escape(name),
            escape(&c.name),
            c.seconds
        );
        match &c.failure {
            None => xml.push_str("/>\n"),
            Some((kind, message)) => {
                let _ = writeln!(
                    xml,
                    ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                    escape(kind),
                    escape(message),
                    escape(message)
                );
            }
        }
    }
    xml.push_str("  </testsuite>\n");
}

fn document(suites: Vec<(String, Vec<Case>)>) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kubectl dp perf\">\n",
    );
    for (name, cases) in &suites {
        suite(&mut xml, name, cases);
    }
    xml.push_str("</testsuites>\n");
    xml
}

fn comparison_cases(c: &Comparison) -> Vec<Case> {
    c.rows
        .iter()
        .map(|r| Case {
            name: format!("{} {}", r.suite, r.name),
            seconds: 0.0,
            failure: r.regression.then(|| {
                (
                    "regression".into(),
                    format!(
                        "median {:+.1}% (p = {:.4}), beyond --max-regression {}%",
                        r.change_percent.unwrap_or(0.0),
                        r.p_value.unwrap_or(1.0),
                        c.max_regression_percent
                    ),
                )
            }),
        })
        .collect()
}

pub fn report(report: &PerfReport) -> String {
    let mut suites = Vec::new();
    if let Some(trino) = &report.trino {
        let cases = trino
            .queries
            .iter()
            .map(|q| Case {
                name: q.name.clone(),
                seconds: q.samples.iter().map(|s| s.wall_ms).sum::<f64>() / 1000.0,
                failure: q.failures.first().map(|f| {
                    (
                        f.error_name.clone(),
                        format!(
                            "{} of {} runs failed; {}: {}",
                            q.failures.len(),
                            q.failures.len() + q.samples.len(),
                            f.error_name,
                            f.message
                        ),
                    )
                }),
            })
            .collect();
        suites.push(("trino".to_string(), cases));
    }
    if let Some(storage) = &report.storage {
        let mut cases: Vec<Case> = storage
            .operations
            .iter()
            .map(|o| Case {
                name: format!(
                    "{} {}",
                    o.operation,
                    super::storage::size_label(o.object_size)
                ),
                seconds: o.samples.iter().sum::<f64>() / 1000.0,
                failure: o.failures.first().map(|f| ("s3".to_string(), f.clone())),
            })
            .collect();
        cases.push(Case {
            name: "clean-up".into(),
            seconds: 0.0,
            failure: (!storage.cleanup_errors.is_empty())
                .then(|| ("cleanup".to_string(), storage.cleanup_errors.join("; "))),
        });
        suites.push(("storage".to_string(), cases));
    }
    if let Some(spark) = &report.spark {
        let cases = spark
            .runs
            .iter()
            .map(|r| Case {
                name: r.name.clone(),
                seconds: r.duration_seconds.unwrap_or(r.wait_seconds),
                failure: (r.state != "COMPLETED").then(|| {
                    (
                        r.state.clone(),
                        r.error
                            .clone()
                            .unwrap_or_else(|| format!("ended {}", r.state)),
                    )
                }),
            })
            .collect();
        suites.push(("spark".to_string(), cases));
    }
    if let Some(c) = &report.comparison {
        suites.push(("baseline".to_string(), comparison_cases(c)));
    }
    document(suites)
}

pub fn comparison(c: &Comparison) -> String {
    document(vec![("compare".to_string(), comparison_cases(c))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_structure() {
        let xml = document(vec![(
            "trino".into(),
            vec![
                Case {
                    name: "q<1>".into(),
                    seconds: 1.5,
                    failure: Some((
                        "TABLE_NOT_FOUND".into(),
                        "Table 'x' & \"y\" does not exist\u{1}".into(),
                    )),
                },
                Case {
                    name: "q2".into(),
                    seconds: 0.5,
                    failure: None,
                },
            ],
        )]);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let suite = doc
            .descendants()
            .find(|n| n.has_tag_name("testsuite"))
            .unwrap();
        assert_eq!(suite.attribute("tests"), Some("2"));
        assert_eq!(suite.attribute("failures"), Some("1"));
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
        let case = doc
            .descendants()
            .find(|n| n.has_tag_name("testcase"))
            .unwrap();
        assert_eq!(case.attribute("name"), Some("q<1>"));
    }
}
