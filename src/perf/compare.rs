//! `perf compare`: the same measurements of two reports side by side, tested
//! for a change beyond noise (see docs/perf.md, "Statistics").
//!
//! For each measurement both sides need at least [`min_runs`] runs; the
//! two-sided rank-sum test ([`significance::rank_sum_test`], exact at small
//! samples) gives a p-value, Holm's correction adjusts the p-values of all
//! measurements together, and the Hodges–Lehmann estimate with its confidence
//! interval says by how much. A measurement is a **regression** when it is
//! significantly slower *by more than* `--threshold`: the one-sided rank-sum
//! test of the new runs against the old ones scaled by 1 + threshold
//! ([`significance::slower_beyond`]), Holm-adjusted like the other. Comparing
//! only the estimate with the threshold flagged unchanged reruns whose
//! estimate happened to land just past it (+11% [+2.6, +23]).
//! What the baseline measured and the new report did not is listed in
//! `not_measured`: the caller turns it into exit 2 unless `--allow-missing`.

use std::collections::BTreeMap;

use clap::ValueEnum;

use super::report::{Comparison, ComparisonRow, OtherChange, PerfReport};
use super::significance::{holm, min_samples_per_side, rank_sum_test, shift_ratio, slower_beyond};
use super::stats::median;

/// Significance level of the gate as a whole.
pub(crate) const ALPHA: f64 = 0.05;

/// What is compared for a Trino query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Metric {
    /// Trino's CPU time (`cpuTimeMillis`, the work the query took) relative to
    /// the yardstick query of the same round, which takes out how fast the
    /// machines were; absolute when a report has no yardstick
    #[default]
    Cpu,
    /// Trino's CPU time as it is, for a change that slows every query alike
    /// (a Trino release, JVM flags) on a quiet, dedicated machine
    CpuAbsolute,
    /// Trino's elapsed time (`elapsedTimeMillis`): what a user waits, including
    /// queueing and waiting for CPU, I/O or other tasks
    Elapsed,
    /// The client's wall time: elapsed plus the client, network and polling
    Wall,
}

impl Metric {
    /// How reports spell it.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Cpu => "cpu",
            Metric::CpuAbsolute => "cpu-absolute",
            Metric::Elapsed => "elapsed",
            Metric::Wall => "wall",
        }
    }

    /// For people: `Trino CPU time`.
    pub fn label(self) -> &'static str {
        match self {
            Metric::Cpu => "Trino CPU time",
            Metric::CpuAbsolute => "Trino CPU time (absolute)",
            Metric::Elapsed => "Trino elapsed time",
            Metric::Wall => "client wall time",
        }
    }

    fn of(self, s: &super::report::QuerySample) -> f64 {
        match self {
            Metric::Cpu | Metric::CpuAbsolute => s.cpu_ms,
            Metric::Elapsed => s.elapsed_ms,
            Metric::Wall => s.wall_ms,
        }
    }

    /// The statistic shown beside this one (CPU beside elapsed or wall, elapsed beside CPU).
    fn other(self) -> Metric {
        match self {
            Metric::Cpu | Metric::CpuAbsolute => Metric::Elapsed,
            Metric::Elapsed | Metric::Wall => Metric::CpuAbsolute,
        }
    }
}

/// How to compare: the statistic, alpha and the smallest slowdown that counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// What is compared for Trino queries.
    pub metric: Metric,
    /// Significance level of the gate.
    pub alpha: f64,
    /// `--threshold`, in percent.
    pub threshold_percent: f64,
}

/// One comparable measurement of a report: its samples, larger is worse.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    /// `trino`, `storage` or `spark`.
    pub suite: &'static str,
    /// The query, `PUT 1MiB`, or `application`.
    pub name: String,
    /// The statistic (`cpu`, `latency`, `duration`).
    pub metric: &'static str,
    /// `ms` or `s`.
    pub unit: &'static str,
    /// The samples tested (relative to the yardstick where that is the basis).
    pub samples: Vec<f64>,
    /// The samples as measured, for the medians people read.
    pub display: Vec<f64>,
    /// Runs that failed.
    pub failures: usize,
    /// Trino: the other statistic's samples.
    pub other: Option<(&'static str, Vec<f64>)>,
}

/// The yardstick's CPU time per measured round, when a report has one.
pub(crate) fn yardstick_by_round(report: &PerfReport) -> Option<BTreeMap<usize, f64>> {
    let yardstick = report.trino.as_ref()?.yardstick.as_ref()?;
    let by_round: BTreeMap<usize, f64> = yardstick
        .samples
        .iter()
        .filter(|s| s.round > 0 && s.cpu_ms > 0.0)
        .map(|s| (s.round, s.cpu_ms))
        .collect();
    (!by_round.is_empty()).then_some(by_round)
}

/// Every comparable series a report holds; with `yardstick`, a query's CPU
/// time in each round divided by the yardstick's in that round.
pub(crate) fn series(
    report: &PerfReport,
    metric: Metric,
    yardstick: Option<&BTreeMap<usize, f64>>,
) -> Vec<Series> {
    let mut out = Vec::new();
    if let Some(trino) = &report.trino {
        for q in &trino.queries {
            let other = metric.other();
            let samples = match yardstick {
                Some(by_round) => q
                    .samples
                    .iter()
                    .filter_map(|s| by_round.get(&s.round).map(|y| metric.of(s) / y))
                    .collect(),
                None => q.samples.iter().map(|s| metric.of(s)).collect(),
            };
            out.push(Series {
                suite: "trino",
                name: q.name.clone(),
                metric: metric.name(),
                unit: "ms",
                samples,
                display: q.samples.iter().map(|s| metric.of(s)).collect(),
                failures: q.failures.len(),
                other: Some((
                    // "cpu" beside elapsed or wall: what people call it.
                    if other == Metric::CpuAbsolute {
                        "cpu"
                    } else {
                        other.name()
                    },
                    q.samples.iter().map(|s| other.of(s)).collect(),
                )),
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
                metric: "latency",
                unit: "ms",
                samples: op.samples.clone(),
                display: op.samples.clone(),
                failures: op.failures.len(),
                other: None,
            });
        }
    }
    if let Some(spark) = &report.spark
        && !spark.runs.is_empty()
    {
        out.push(Series {
            suite: "spark",
            name: "application".into(),
            metric: "duration",
            unit: "s",
            samples: spark
                .runs
                .iter()
                .filter_map(|r| r.duration_seconds)
                .collect(),
            display: spark
                .runs
                .iter()
                .filter_map(|r| r.duration_seconds)
                .collect(),
            failures: spark.runs.iter().filter(|r| r.state != "COMPLETED").count(),
            other: None,
        });
    }
    out
}

/// The fewest runs per side for `comparisons` measurements at `alpha` (Holm).
pub(crate) fn min_runs(alpha: f64, comparisons: usize) -> usize {
    min_samples_per_side(alpha, comparisons)
}

fn empty_row(s: &Series, verdict: &str) -> ComparisonRow {
    ComparisonRow {
        suite: s.suite.into(),
        name: s.name.clone(),
        metric: s.metric.into(),
        unit: s.unit.into(),
        old_n: 0,
        new_n: 0,
        old_median: None,
        new_median: None,
        change_percent: None,
        change_low_percent: None,
        change_high_percent: None,
        p_value: None,
        adjusted_p_value: None,
        exact: false,
        significant: false,
        beyond_threshold_p_value: None,
        regression: false,
        other: None,
        new_failures: 0,
        verdict: verdict.into(),
    }
}

fn percent(ratio: f64) -> f64 {
    (ratio - 1.0) * 100.0
}

fn median_of(samples: &[f64]) -> Option<f64> {
    (!samples.is_empty()).then(|| median(samples))
}

/// Why the new report has no `suite`, from its skipped list.
fn skip_reason(new: &PerfReport, suite: &str) -> String {
    new.skipped.iter().find(|s| s.suite == suite).map_or_else(
        || "not in the new report".to_string(),
        |s| format!("skipped: {}", s.reason),
    )
}

/// Every series of `old` against the same series of `new` (pure).
pub fn compare(old: &PerfReport, new: &PerfReport, settings: Settings) -> Comparison {
    let (old_yardstick, new_yardstick) = (yardstick_by_round(old), yardstick_by_round(new));
    let relative =
        settings.metric == Metric::Cpu && old_yardstick.is_some() && new_yardstick.is_some();
    let (old_series, new_series) = if relative {
        (
            series(old, settings.metric, old_yardstick.as_ref()),
            series(new, settings.metric, new_yardstick.as_ref()),
        )
    } else {
        (
            series(old, settings.metric, None),
            series(new, settings.metric, None),
        )
    };
    let find = |s: &Series, among: &[Series]| -> Option<usize> {
        among
            .iter()
            .position(|n| n.suite == s.suite && n.name == s.name)
    };
    let comparable = old_series
        .iter()
        .filter(|o| find(o, &new_series).is_some_and(|i| !new_series[i].samples.is_empty()))
        .count();
    let min = min_runs(settings.alpha, comparable);
    let mut rows = Vec::new();
    let mut missing: Vec<(&'static str, String)> = Vec::new();
    let mut tested = Vec::new();
    for o in &old_series {
        let mut row = empty_row(o, "not measured");
        row.old_n = o.samples.len();
        row.old_median = median_of(&o.display);
        let Some(n) = find(o, &new_series).map(|i| &new_series[i]) else {
            missing.push((o.suite, o.name.clone()));
            rows.push(row);
            continue;
        };
        row.new_n = n.samples.len();
        row.new_median = median_of(&n.display);
        row.new_failures = n.failures;
        if n.samples.is_empty() && n.failures > 0 {
            row.verdict = "failed".into();
        } else if row.old_n < min || row.new_n < min {
            row.verdict = "too few runs".into();
        } else {
            fill_test(&mut row, o, n, settings);
            tested.push(rows.len());
        }
        rows.push(row);
    }
    for n in &new_series {
        if find(n, &old_series).is_none() {
            let mut row = empty_row(n, "new");
            row.new_n = n.samples.len();
            row.new_median = median_of(&n.display);
            row.new_failures = n.failures;
            rows.push(row);
        }
    }
    apply_holm(&mut rows, &tested, settings);
    let not_measured = not_measured(&rows, &missing, new, min);
    let regressions = rows.iter().filter(|r| r.regression).count();
    let load = |r: &PerfReport| r.trino.as_ref()?.client.as_ref()?.load1_median;
    Comparison {
        old_generated_at: old.metadata.generated_at.clone(),
        new_generated_at: new.metadata.generated_at.clone(),
        metric: settings.metric.name().into(),
        basis: if relative { "yardstick" } else { "absolute" }.into(),
        yardstick: yardstick_row(old, new, settings),
        test: format!(
            "Mann-Whitney rank-sum, two-sided, exact up to {} runs",
            super::significance::EXACT_LIMIT
        ),
        correction: "holm".into(),
        alpha: settings.alpha,
        threshold_percent: settings.threshold_percent,
        min_runs: min,
        old_load1: load(old),
        new_load1: load(new),
        rows,
        regressions,
        not_measured,
    }
}

/// Holm's adjustment over the tested rows, then each row's verdict.
fn apply_holm(rows: &mut [ComparisonRow], tested: &[usize], settings: Settings) {
    let adjusted = holm(
        &tested
            .iter()
            .map(|&i| rows[i].p_value.unwrap_or(1.0))
            .collect::<Vec<_>>(),
    );
    let beyond = holm(
        &tested
            .iter()
            .map(|&i| rows[i].beyond_threshold_p_value.unwrap_or(1.0))
            .collect::<Vec<_>>(),
    );
    for ((&i, adjusted), beyond) in tested.iter().zip(adjusted).zip(beyond) {
        let row = &mut rows[i];
        row.adjusted_p_value = Some(adjusted);
        row.significant = adjusted <= settings.alpha;
        let change = row.change_percent.unwrap_or(0.0);
        row.beyond_threshold_p_value = Some(beyond);
        row.regression = row.significant && change > 0.0 && beyond <= settings.alpha;
        row.verdict = match (row.significant, change > 0.0) {
            (false, _) => "within noise",
            (true, true) if row.regression => "regression",
            (true, true) => "slower",
            (true, false) => "faster",
        }
        .into();
    }
}

/// The yardstick's own change (absolute CPU time): how much faster or slower
/// the machines (or the engine as a whole) were. Never a regression by itself.
fn yardstick_row(old: &PerfReport, new: &PerfReport, settings: Settings) -> Option<ComparisonRow> {
    let cpu = |r: &PerfReport| -> Option<Vec<f64>> {
        let y = r.trino.as_ref()?.yardstick.as_ref()?;
        Some(y.samples.iter().map(|s| s.cpu_ms).collect())
    };
    let series = |samples: Vec<f64>| Series {
        suite: "trino",
        name: "yardstick".into(),
        metric: "cpu-absolute",
        unit: "ms",
        display: samples.clone(),
        samples,
        failures: 0,
        other: None,
    };
    let (o, n) = (series(cpu(old)?), series(cpu(new)?));
    let mut row = empty_row(&o, "within noise");
    row.old_n = o.samples.len();
    row.new_n = n.samples.len();
    row.old_median = median_of(&o.samples);
    row.new_median = median_of(&n.samples);
    let min = min_runs(settings.alpha, 1);
    if row.old_n < min || row.new_n < min {
        row.verdict = "too few runs".into();
        return Some(row);
    }
    fill_test(&mut row, &o, &n, settings);
    row.adjusted_p_value = row.p_value;
    row.significant = row.p_value.is_some_and(|p| p <= settings.alpha);
    let change = row.change_percent.unwrap_or(0.0);
    row.verdict = match (row.significant, change > 0.0) {
        (false, _) => "within noise",
        (true, true) => "slower",
        (true, false) => "faster",
    }
    .into();
    Some(row)
}

/// The test, the estimate and its interval, and the other statistic's change.
fn fill_test(row: &mut ComparisonRow, old: &Series, new: &Series, settings: Settings) {
    let alpha = settings.alpha;
    let test = rank_sum_test(&old.samples, &new.samples);
    row.p_value = test.map(|t| t.p_value);
    let margin = 1.0 + settings.threshold_percent / 100.0;
    row.beyond_threshold_p_value = slower_beyond(&old.samples, &new.samples, margin);
    row.exact = test.is_some_and(|t| t.exact);
    if let Some(shift) = shift_ratio(&old.samples, &new.samples, alpha) {
        row.change_percent = Some(percent(shift.ratio));
        row.change_low_percent = Some(percent(shift.low));
        row.change_high_percent = Some(percent(shift.high));
    } else if let (Some(o), Some(n)) = (row.old_median, row.new_median) {
        // A zero timing (a query under 1 ms of CPU): the change of the medians.
        row.change_percent = super::stats::change_percent(o, n);
    }
    if let (Some((metric, a)), Some((_, b))) = (&old.other, &new.other) {
        row.other = Some(OtherChange {
            metric: (*metric).into(),
            change_percent: shift_ratio(a, b, alpha).map(|s| percent(s.ratio)),
            p_value: rank_sum_test(a, b).map(|t| t.p_value),
        });
    }
}

/// One entry per suite of what was not measured, and why.
fn not_measured(
    rows: &[ComparisonRow],
    missing: &[(&'static str, String)],
    new: &PerfReport,
    min: usize,
) -> Vec<String> {
    let mut out = Vec::new();
    for suite in ["trino", "storage", "spark"] {
        let names: Vec<&str> = missing
            .iter()
            .filter(|(s, _)| *s == suite)
            .map(|(_, n)| n.as_str())
            .collect();
        if !names.is_empty() {
            out.push(format!(
                "{suite} {} of the baseline ({})",
                list(&names),
                skip_reason(new, suite)
            ));
        }
    }
    let few: Vec<String> = rows
        .iter()
        .filter(|r| r.verdict == "too few runs")
        .map(|r| format!("{} {} ({}/{} runs)", r.suite, r.name, r.old_n, r.new_n))
        .collect();
    if !few.is_empty() {
        out.push(format!(
            "{}: significance needs at least {min} runs on each side (alpha {ALPHA}, Holm); rerun with --iterations {min} or more",
            few.join(", ")
        ));
    }
    let compared = rows
        .iter()
        .any(|r| r.p_value.is_some() || r.verdict == "failed" || r.verdict == "too few runs");
    if !compared && out.is_empty() {
        out.push("no measurement is in both reports".into());
    }
    out
}

/// `a, b, c` or `a, b and 3 more`.
fn list(names: &[&str]) -> String {
    const SHOWN: usize = 3;
    if names.len() <= SHOWN + 1 {
        return names.join(", ");
    }
    format!(
        "{} and {} more",
        names[..SHOWN].join(", "),
        names.len() - SHOWN
    )
}

/// `10%`, `10`, `7.5 %` → 10.0 / 7.5.
pub(crate) fn parse_percent(text: &str) -> Result<f64, String> {
    let trimmed = text.trim().trim_end_matches('%').trim();
    trimmed
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("'{text}' is not a percentage like 10%"))
}
