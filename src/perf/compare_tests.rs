//! Unit tests of `perf compare` on reports built in memory.

use super::compare::*;
use super::report::*;

/// A report whose trino queries have these CPU samples (elapsed = 2 × CPU).
pub(crate) fn report(samples: &[(&str, Vec<f64>)]) -> PerfReport {
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
                    .map(|(name, cpu)| QueryResult {
                        name: name.to_string(),
                        sql: String::new(),
                        warmup_runs: 0,
                        settled: None,
                        samples: cpu
                            .iter()
                            .map(|c| QuerySample {
                                round: 0,
                                load1: None,
                                wall_ms: 2.0 * c + 1.0,
                                elapsed_ms: 2.0 * c,
                                queued_ms: 0.0,
                                planning_ms: None,
                                cpu_ms: *c,
                                peak_memory_bytes: 0,
                                processed_rows: 0,
                                processed_bytes: 0,
                                rows: 1,
                                nodes: 1,
                                splits: 1,
                                physical_input_bytes: 0,
                                task_wall_ms: *c,
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
                client: None,
                yardstick: None,
            }),
            storage: None,
            spark: None,
            resources: None,
            skipped: vec![],
            comparison: None,
        },
    }
}

/// `n` values around `base` with a deterministic ±5% jitter.
pub(crate) fn noisy(base: f64, n: usize, seed: u64) -> Vec<f64> {
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

const SETTINGS: Settings = Settings {
    metric: Metric::Cpu,
    alpha: ALPHA,
    threshold_percent: 10.0,
};

#[test]
fn a_twenty_percent_slowdown_is_a_regression_with_its_interval() {
    let old = report(&[("q1", noisy(100.0, 10, 1))]);
    let new = report(&[("q1", noisy(120.0, 10, 2))]);
    let c = compare(&old, &new, SETTINGS);
    let r = &c.rows[0];
    assert!(r.significant && r.regression, "{r:?}");
    assert!(r.exact);
    assert_eq!(r.verdict, "regression");
    let change = r.change_percent.unwrap();
    assert!((12.0..28.0).contains(&change), "{r:?}");
    assert!(r.change_low_percent.unwrap() < change && change < r.change_high_percent.unwrap());
    assert_eq!(c.regressions, 1);
    assert!(c.not_measured.is_empty());
    // Elapsed moved with CPU: the other statistic says so.
    let other = r.other.as_ref().unwrap();
    assert_eq!(other.metric, "elapsed");
    assert!(other.change_percent.unwrap() > 10.0);
    // The same change with a higher threshold is significant but passes.
    let lenient = compare(
        &old,
        &new,
        Settings {
            threshold_percent: 30.0,
            ..SETTINGS
        },
    );
    assert_eq!(lenient.regressions, 0);
    assert_eq!(lenient.rows[0].verdict, "slower");
}

#[test]
fn a_significant_change_about_the_size_of_the_threshold_is_not_a_regression() {
    // An unchanged rerun on a machine whose speed drifted by about the
    // threshold (the CI run that read +11% [+2.6, +23], p 0.019): significant,
    // so a warning, but nothing shows it is slower by more than 10%.
    let old = report(&[("q1", noisy(100.0, 10, 7))]);
    let new = report(&[("q1", noisy(111.0, 10, 8))]);
    let c = compare(&old, &new, SETTINGS);
    let r = &c.rows[0];
    assert!(r.significant, "{r:?}");
    assert!(r.change_percent.unwrap() > 10.0, "{r:?}");
    assert!(r.beyond_threshold_p_value.unwrap() > ALPHA, "{r:?}");
    assert!(!r.regression);
    assert_eq!(r.verdict, "slower");
    assert_eq!(c.regressions, 0);
    // Clearly beyond it, it is one.
    let slower = report(&[("q1", noisy(130.0, 10, 8))]);
    let c = compare(&old, &slower, SETTINGS);
    assert!(c.rows[0].beyond_threshold_p_value.unwrap() <= ALPHA);
    assert_eq!(c.rows[0].verdict, "regression");
}

#[test]
fn an_unchanged_rerun_is_within_noise() {
    let old = report(&[("q1", noisy(100.0, 10, 3)), ("q2", noisy(50.0, 10, 4))]);
    let new = report(&[("q1", noisy(100.0, 10, 5)), ("q2", noisy(50.0, 10, 6))]);
    let c = compare(&old, &new, SETTINGS);
    assert_eq!(c.regressions, 0, "{:?}", c.rows);
    for r in &c.rows {
        assert!(r.p_value.is_some() && r.adjusted_p_value.is_some());
        assert!(r.adjusted_p_value >= r.p_value);
        assert!(r.change_low_percent.unwrap() < 0.0 && r.change_high_percent.unwrap() > 0.0);
    }
}

#[test]
fn holm_keeps_a_borderline_change_among_many_from_counting() {
    // q1 differs with p about 0.03 alone; with four unchanged neighbours Holm
    // multiplies it by five and it is no longer significant.
    let old_q1 = vec![10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0];
    let new_q1 = vec![13.0, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5, 20.5, 21.5, 22.5];
    let alone = compare(
        &report(&[("q1", old_q1.clone())]),
        &report(&[("q1", new_q1.clone())]),
        SETTINGS,
    );
    assert!(alone.rows[0].p_value.unwrap() < 0.05, "{:?}", alone.rows[0]);
    assert!(alone.rows[0].significant);
    let mut old = vec![("q1", old_q1)];
    let mut new = vec![("q1", new_q1)];
    for (i, name) in ["q2", "q3", "q4", "q5"].iter().enumerate() {
        old.push((name, noisy(50.0, 10, 10 + i as u64)));
        new.push((name, noisy(50.0, 10, 20 + i as u64)));
    }
    let together = compare(&report(&old), &report(&new), SETTINGS);
    assert_eq!(together.correction, "holm");
    assert!(!together.rows[0].significant, "{:?}", together.rows[0]);
    assert_eq!(together.rows[0].verdict, "within noise");
}

#[test]
fn faster_is_never_a_regression() {
    let old = report(&[("q1", noisy(100.0, 10, 7))]);
    let new = report(&[("q1", noisy(60.0, 10, 8))]);
    let c = compare(&old, &new, SETTINGS);
    assert_eq!(c.rows[0].verdict, "faster");
    assert!(!c.rows[0].regression);
}

#[test]
fn too_few_runs_are_not_measured_and_say_how_many_are_needed() {
    let old = report(&[("q1", noisy(100.0, 3, 1))]);
    let new = report(&[("q1", noisy(1000.0, 3, 2))]);
    let c = compare(&old, &new, SETTINGS);
    // One comparison at 5%: 4 runs per side.
    assert_eq!(c.min_runs, 4);
    assert_eq!(c.rows[0].verdict, "too few runs");
    assert_eq!(c.regressions, 0);
    assert_eq!(
        c.not_measured,
        vec![
            "trino q1 (3/3 runs): significance needs at least 4 runs on each side (alpha 0.05, Holm); rerun with --iterations 4 or more"
        ]
    );
}

#[test]
fn what_the_baseline_has_and_the_new_report_lacks_is_not_measured() {
    let old = report(&[("q1", noisy(100.0, 10, 1)), ("q2", noisy(100.0, 10, 2))]);
    let mut new = report(&[("q1", noisy(100.0, 10, 3)), ("q3", noisy(100.0, 10, 4))]);
    let c = compare(&old, &new, SETTINGS);
    let verdicts: Vec<&str> = c.rows.iter().map(|r| r.verdict.as_str()).collect();
    assert_eq!(verdicts, ["within noise", "not measured", "new"]);
    assert_eq!(
        c.not_measured,
        vec!["trino q2 of the baseline (not in the new report)"]
    );
    // A whole suite skipped: its reason is named.
    new.body.trino = None;
    new.body.skipped.push(Skipped {
        suite: "trino".into(),
        reason: "could not reach Trino at http://127.0.0.1:1".into(),
        cause: SkipCause::Unavailable,
    });
    let c = compare(&old, &new, SETTINGS);
    assert_eq!(
        c.not_measured,
        vec!["trino q1, q2 of the baseline (skipped: could not reach Trino at http://127.0.0.1:1)"]
    );
    // Nothing in common at all.
    let c = compare(
        &report(&[]),
        &report(&[("q1", noisy(1.0, 10, 1))]),
        SETTINGS,
    );
    assert_eq!(c.not_measured, vec!["no measurement is in both reports"]);
}

#[test]
fn a_query_that_only_failed_is_failed_not_missing() {
    let old = report(&[("q1", noisy(100.0, 10, 1))]);
    let mut new = report(&[("q1", vec![])]);
    new.body.trino.as_mut().unwrap().queries[0]
        .failures
        .push(QueryFailure {
            iteration: 1,
            query_id: String::new(),
            error_name: "TABLE_NOT_FOUND".into(),
            message: "gone".into(),
        });
    let c = compare(&old, &new, SETTINGS);
    assert_eq!(c.rows[0].verdict, "failed");
    assert_eq!(c.rows[0].new_failures, 1);
    assert!(c.not_measured.is_empty());
}

#[test]
fn the_metric_picks_the_samples() {
    let r = report(&[("q1", vec![10.0, 20.0])]);
    assert_eq!(series(&r, Metric::Cpu, None)[0].samples, vec![10.0, 20.0]);
    assert_eq!(
        series(&r, Metric::Elapsed, None)[0].samples,
        vec![20.0, 40.0]
    );
    assert_eq!(series(&r, Metric::Wall, None)[0].samples, vec![21.0, 41.0]);
    assert_eq!(
        series(&r, Metric::Elapsed, None)[0]
            .other
            .as_ref()
            .unwrap()
            .0,
        "cpu"
    );
}

#[test]
fn percentages() {
    assert_eq!(parse_percent("10%"), Ok(10.0));
    assert_eq!(parse_percent("7.5"), Ok(7.5));
    assert!(parse_percent("ten").is_err());
    assert!(parse_percent("-5%").is_err());
}

/// Gives `report` a yardstick whose CPU time per round is `cpu`, and numbers
/// the rounds of every query's samples 1, 2, …
fn with_yardstick(mut report: PerfReport, cpu: Vec<f64>) -> PerfReport {
    let trino = report.body.trino.as_mut().unwrap();
    for q in &mut trino.queries {
        for (i, s) in q.samples.iter_mut().enumerate() {
            s.round = i + 1;
        }
    }
    let mut yardstick = super::compare_tests::report(&[("yardstick", cpu)]);
    let mut y = yardstick.body.trino.as_mut().unwrap().queries.remove(0);
    for (i, s) in y.samples.iter_mut().enumerate() {
        s.round = i + 1;
    }
    trino.yardstick = Some(y);
    report
}

#[test]
fn the_yardstick_takes_out_how_fast_the_machine_was() {
    // The machine is 30% slower in the new run: every query and the yardstick
    // with it. Absolute CPU time calls that a regression of every query; relative
    // to the yardstick nothing changed, and the yardstick row says the machine did.
    let old_y = noisy(25.0, 10, 1);
    let new_y: Vec<f64> = old_y.iter().map(|v| v * 1.3).collect();
    let old_q = noisy(60.0, 10, 2);
    let mut new_q: Vec<f64> = old_q.iter().map(|v| v * 1.3).collect();
    let old = with_yardstick(
        report(&[("q1", old_q.clone()), ("q2", old_q.clone())]),
        old_y,
    );
    let new = with_yardstick(
        report(&[("q1", new_q.clone()), ("q2", new_q.clone())]),
        new_y.clone(),
    );
    let absolute = compare(
        &old,
        &new,
        Settings {
            metric: Metric::CpuAbsolute,
            ..SETTINGS
        },
    );
    assert_eq!(absolute.basis, "absolute");
    assert_eq!(absolute.regressions, 2);
    let relative = compare(&old, &new, SETTINGS);
    assert_eq!(relative.basis, "yardstick");
    assert_eq!(relative.regressions, 0, "{:?}", relative.rows);
    let yardstick = relative.yardstick.as_ref().unwrap();
    assert_eq!(yardstick.verdict, "slower");
    assert!((25.0..35.0).contains(&yardstick.change_percent.unwrap()));
    // Medians are shown as measured, not as ratios.
    assert!(relative.rows[0].new_median.unwrap() > 70.0);
    // q1 doing 40% more work on top of the slower machine is a regression of q1 alone.
    for v in &mut new_q {
        *v *= 1.4;
    }
    let new = with_yardstick(
        report(&[
            ("q1", new_q),
            ("q2", old_q.iter().map(|v| v * 1.3).collect()),
        ]),
        new_y,
    );
    let c = compare(&old, &new, SETTINGS);
    let verdicts: Vec<&str> = c.rows.iter().map(|r| r.verdict.as_str()).collect();
    assert_eq!(verdicts, ["regression", "within noise"]);
    assert!(
        (30.0..50.0).contains(&c.rows[0].change_percent.unwrap()),
        "{:?}",
        c.rows[0]
    );
}
