//! `perf compare`: the same measurements of two reports side by side, the
//! change of the median in percent, and a Mann–Whitney U test on the raw
//! samples. A change counts as a regression only when it is both significant
//! and beyond `--max-regression`, so an unchanged rerun on a noisy machine passes.

use super::report::{Comparison, ComparisonRow, PerfReport};
use super::stats::{change_percent, mann_whitney_u, median};

/// Significance level of the test.
pub const ALPHA: f64 = 0.05;

/// Below this many samples on a side the test cannot reach significance at 5%.
pub const MIN_SAMPLES: usize = 3;

/// One comparable measurement of a report: its samples, larger is worse.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// `trino`, `storage` or `spark`.
    pub suite: &'static str,
    /// The query, `PUT 1MiB`, or `application`.
    pub name: String,
    /// `ms` or `s`.
    pub unit: &'static str,
    /// The raw measured samples.
    pub samples: Vec<f64>,
}

/// Every latency series a report holds.
pub fn series(report: &PerfReport) -> Vec<Series> {
    let mut out = Vec::new();
    if let Some(trino) = &report.trino {
        for q in &trino.queries {
            out.push(Series {
                suite: "trino",
                name: q.name.clone(),
                unit: "ms",
                samples: q.samples.iter().map(|s| s.wall_ms).collect(),
            });
        }
    }
    if let Some(storage) = &report.storage {
        for op in &storage.operations {
            out.push(Series {
                suite: "storage",
                name: format!(
                    "{} {}",
                    op.operation,
                    super::storage::size_label(op.object_size)
                ),
                unit: "ms",
                samples: op.samples.clone(),
            });
        }
    }
    if let Some(spark) = &report.spark {
        let samples: Vec<f64> = spark
            .runs
            .iter()
            .filter_map(|r| r.duration_seconds)
            .collect();
        if !spark.runs.is_empty() {
            out.push(Series {
                suite: "spark",
                name: "application".into(),
                unit: "s",
                samples,
            });
        }
    }
    out
}

/// Every series of `old` against the same series of `new` (pure).
pub fn compare(old: &PerfReport, new: &PerfReport, max_regression_percent: f64) -> Comparison {
    let old_series = series(old);
    let new_series = series(new);
    let mut rows = Vec::new();
    for o in &old_series {
        let n = new_series
            .iter()
            .find(|n| n.suite == o.suite && n.name == o.name);
        rows.push(row(o, n, max_regression_percent));
    }
    for n in &new_series {
        if !old_series
            .iter()
            .any(|o| o.suite == n.suite && o.name == n.name)
        {
            rows.push(ComparisonRow {
                suite: n.suite.into(),
                name: n.name.clone(),
                unit: n.unit.into(),
                old_n: 0,
                new_n: n.samples.len(),
                old_median: None,
                new_median: (!n.samples.is_empty()).then(|| median(&n.samples)),
                change_percent: None,
                p_value: None,
                significant: false,
                regression: false,
                verdict: "only in new".into(),
            });
        }
    }
    let regressions = rows.iter().filter(|r| r.regression).count();
    Comparison {
        old_generated_at: old.metadata.generated_at.clone(),
        new_generated_at: new.metadata.generated_at.clone(),
        max_regression_percent,
        alpha: ALPHA,
        rows,
        regressions,
    }
}

fn row(old: &Series, new: Option<&Series>, max_regression_percent: f64) -> ComparisonRow {
    let old_median = (!old.samples.is_empty()).then(|| median(&old.samples));
    let mut row = ComparisonRow {
        suite: old.suite.into(),
        name: old.name.clone(),
        unit: old.unit.into(),
        old_n: old.samples.len(),
        new_n: 0,
        old_median,
        new_median: None,
        change_percent: None,
        p_value: None,
        significant: false,
        regression: false,
        verdict: "only in old".into(),
    };
    let Some(new) = new else {
        return row;
    };
    row.new_n = new.samples.len();
    row.new_median = (!new.samples.is_empty()).then(|| median(&new.samples));
    if let (Some(o), Some(n)) = (row.old_median, row.new_median) {
        row.change_percent = change_percent(o, n);
    }
    if row.old_n < MIN_SAMPLES || row.new_n < MIN_SAMPLES {
        row.verdict = "n too small".into();
        return row;
    }
    let test = mann_whitney_u(&old.samples, &new.samples);
    row.p_value = test.map(|t| t.p_value);
    row.significant = row.p_value.is_some_and(|p| p < ALPHA);
    let change = row.change_percent.unwrap_or(0.0);
    row.regression = row.significant && change > max_regression_percent;
    row.verdict = match (row.significant, change > 0.0) {
        (false, _) => "no significant change",
        (true, true) if row.regression => "regression",
        (true, true) => "slower (within --max-regression)",
        (true, false) => "faster",
    }
    .into();
    row
}

/// `10%`, `10`, `7.5 %` → 10.0 / 7.5.
pub fn parse_percent(text: &str) -> Result<f64, String> {
    let trimmed = text.trim().trim_end_matches('%').trim();
    trimmed
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("'{text}' is not a percentage like 10%"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perf::report::*;

    fn report(samples: &[(&str, Vec<f64>)]) -> PerfReport {
        PerfReport {
            api_version: API_VERSION.into(),
            kind: KIND.into(),
            metadata: SavedMetadata {
                generated_at: "2026-12-01T00:00:00Z".into(),
                context: None,
                scope: serde_json::Value::Null,
                tool_version: "0.1.0".into(),
            },
            body: PerfBody {
                environment: Environment::default(),
                settings: RunSettings::default(),
                trino: Some(TrinoResult {
                    queries: samples
                        .iter()
                        .map(|(name, wall)| QueryResult {
                            name: name.to_string(),
                            sql: String::new(),
                            samples: wall
                                .iter()
                                .map(|w| QuerySample {
                                    wall_ms: *w,
                                    elapsed_ms: *w,
                                    queued_ms: 0.0,
                                    planning_ms: None,
                                    cpu_ms: 0.0,
                                    peak_memory_bytes: 0,
                                    processed_rows: 0,
                                    processed_bytes: 0,
                                    rows: 1,
                                })
                                .collect(),
                            failures: vec![],
                            summary: None,
                        })
                        .collect(),
                    throughput: Throughput {
                        concurrency: 1,
                        completed: 0,
                        failed: 0,
                        wall_seconds: 0.0,
                        queries_per_minute: 0.0,
                    },
                }),
                storage: None,
                spark: None,
                resources: None,
                skipped: vec![],
                comparison: None,
            },
        }
    }

    fn noisy(base: f64, n: usize, seed: u64) -> Vec<f64> {
        // A deterministic ±5% jitter.
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let unit = (x >> 11) as f64 / (1u64 << 53) as f64;
                base * (0.95 + 0.10 * unit)
            })
            .collect()
    }

    #[test]
    fn a_twenty_percent_slowdown_is_a_regression() {
        let old = report(&[("q1", noisy(100.0, 10, 1))]);
        let new = report(&[("q1", noisy(120.0, 10, 2))]);
        let c = compare(&old, &new, 10.0);
        let r = &c.rows[0];
        assert!(r.significant, "{r:?}");
        assert!(r.regression);
        assert!(r.change_percent.unwrap() > 10.0);
        assert_eq!(c.regressions, 1);
        // The same change with a higher threshold is reported but passes.
        assert_eq!(compare(&old, &new, 30.0).regressions, 0);
    }

    #[test]
    fn an_unchanged_rerun_passes() {
        let old = report(&[("q1", noisy(100.0, 10, 3)), ("q2", noisy(50.0, 10, 4))]);
        let new = report(&[("q1", noisy(100.0, 10, 5)), ("q2", noisy(50.0, 10, 6))]);
        let c = compare(&old, &new, 10.0);
        assert_eq!(c.regressions, 0, "{:?}", c.rows);
        assert!(c.rows.iter().all(|r| r.p_value.is_some()));
    }

    #[test]
    fn faster_is_never_a_regression_and_few_samples_are_named() {
        let old = report(&[("q1", noisy(100.0, 10, 7)), ("q2", vec![1.0, 2.0])]);
        let new = report(&[
            ("q1", noisy(60.0, 10, 8)),
            ("q2", vec![9.0, 9.0]),
            ("q3", vec![1.0]),
        ]);
        let c = compare(&old, &new, 10.0);
        assert_eq!(c.rows[0].verdict, "faster");
        assert!(!c.rows[0].regression);
        assert_eq!(c.rows[1].verdict, "n too small");
        assert!(!c.rows[1].regression);
        assert_eq!(c.rows[2].verdict, "only in new");
        assert_eq!(c.regressions, 0);
    }

    #[test]
    fn percentages() {
        assert_eq!(parse_percent("10%"), Ok(10.0));
        assert_eq!(parse_percent("7.5"), Ok(7.5));
        assert!(parse_percent("ten").is_err());
        assert!(parse_percent("-5%").is_err());
    }
}
