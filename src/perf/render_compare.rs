//! `perf compare` (and `run --baseline`) as a table for people: 100 columns at
//! most, numbers rounded (JSON keeps them exact); `-o wide` adds the suite, the
//! raw p-value, the interval's ends apart and the other statistic's change.

use std::io::Write;

use crate::cli::Palette;
use crate::error::Result;
use crate::render::{count, table};

use super::render::{cut, ms};
use super::report::{Comparison, ComparisonRow};

/// Measurement names in the default table.
const NAME_WIDTH: usize = 24;

/// `+12%`, `-3.4%`: whole percent from 10 up, one decimal below.
pub(crate) fn percent(value: f64) -> String {
    if value.abs() >= 9.95 {
        format!("{value:+.0}%")
    } else {
        format!("{value:+.1}%")
    }
}

/// The change with its interval: `+12% [+9.1, +15]`.
fn change(row: &ComparisonRow) -> String {
    let Some(c) = row.change_percent else {
        return "-".into();
    };
    match (row.change_low_percent, row.change_high_percent) {
        (Some(low), Some(high)) => format!(
            "{} [{}, {}]",
            percent(c),
            percent(low).trim_end_matches('%'),
            percent(high).trim_end_matches('%')
        ),
        _ => percent(c),
    }
}

/// A p-value for people: `<0.001`, `0.023`, `1`.
fn p(value: Option<f64>) -> String {
    match value {
        None => "-".into(),
        Some(v) if v < 0.001 => "<0.001".into(),
        Some(v) if v >= 0.9995 => "1".into(),
        Some(v) => format!("{v:.3}"),
    }
}

fn time(value: Option<f64>, unit: &str) -> String {
    value.map_or("-".into(), |v| format!("{}{unit}", ms(v)))
}

/// `pricing-summary` for trino, `storage PUT 1MiB`, `spark application`.
fn measurement(row: &ComparisonRow) -> String {
    if row.suite == "trino" {
        row.name.clone()
    } else {
        format!("{} {}", row.suite, row.name)
    }
}

pub fn comparison(
    out: &mut dyn Write,
    c: &Comparison,
    palette: &Palette,
    wide: bool,
) -> Result<()> {
    let tested = c.rows.iter().filter(|r| r.p_value.is_some()).count();
    let basis = match (c.metric.as_str(), c.basis.as_str()) {
        ("cpu", "yardstick") => " relative to the yardstick",
        ("cpu", _) => ", absolute (no yardstick)",
        _ => "",
    };
    writeln!(
        out,
        "Comparison {} -> {}: {}{basis}",
        c.old_generated_at,
        c.new_generated_at,
        metric_label(&c.metric)
    )?;
    writeln!(
        out,
        "Mann-Whitney rank-sum (exact up to {} runs), Holm over {}, alpha {}, regression above +{}%",
        super::significance::EXACT_LIMIT,
        tested,
        c.alpha,
        c.threshold_percent
    )?;
    if c.old_load1.is_some() || c.new_load1.is_some() {
        let load = |l: Option<f64>| l.map_or("unknown".into(), |l| format!("{l:.2}"));
        writeln!(
            out,
            "Client machine load (1-minute average, median): {} old, {} new",
            load(c.old_load1),
            load(c.new_load1)
        )?;
    }
    let mut headers = vec![
        "MEASUREMENT",
        "RUNS",
        "OLD P50",
        "NEW P50",
        "CHANGE [95% CI]",
        "P (HOLM)",
        "VERDICT",
    ];
    if wide {
        headers = vec![
            "SUITE",
            "NAME",
            "METRIC",
            "RUNS",
            "OLD P50",
            "NEW P50",
            "CHANGE",
            "LOW",
            "HIGH",
            "P",
            "EXACT",
            "P (HOLM)",
            "OTHER",
            "OTHER CHANGE",
            "FAILED",
            "VERDICT",
        ];
    }
    let rows = c.rows.iter().map(|r| row(r, palette, wide)).collect();
    table(out, &headers, rows)?;
    if let Some(y) = &c.yardstick {
        writeln!(
            out,
            "Yardstick (how fast the machines were): {} -> {}, {}: {}",
            time(y.old_median, &y.unit),
            time(y.new_median, &y.unit),
            change(y),
            y.verdict
        )?;
    }
    notes(out, c, palette)?;
    Ok(())
}

fn metric_label(metric: &str) -> &str {
    match metric {
        "cpu" => "Trino CPU time",
        "cpu-absolute" => "Trino CPU time (absolute)",
        "elapsed" => "Trino elapsed time",
        "wall" => "client wall time",
        other => other,
    }
}

fn row(r: &ComparisonRow, palette: &Palette, wide: bool) -> Vec<String> {
    let runs = format!("{}/{}", r.old_n, r.new_n);
    let (old, new) = (time(r.old_median, &r.unit), time(r.new_median, &r.unit));
    if !wide {
        return vec![
            cut(&measurement(r), NAME_WIDTH),
            runs,
            old,
            new,
            change(r),
            p(r.adjusted_p_value),
            verdict(r, palette),
        ];
    }
    let opt_percent = |v: Option<f64>| v.map_or("-".into(), percent);
    vec![
        r.suite.clone(),
        r.name.clone(),
        r.metric.clone(),
        runs,
        old,
        new,
        opt_percent(r.change_percent),
        opt_percent(r.change_low_percent),
        opt_percent(r.change_high_percent),
        p(r.p_value),
        if r.p_value.is_none() {
            "-"
        } else if r.exact {
            "yes"
        } else {
            "no"
        }
        .into(),
        p(r.adjusted_p_value),
        r.other.as_ref().map_or("-".into(), |o| o.metric.clone()),
        r.other.as_ref().map_or("-".into(), |o| {
            format!("{} (p {})", opt_percent(o.change_percent), p(o.p_value))
        }),
        r.new_failures.to_string(),
        verdict(r, palette),
    ]
}

/// Where the other statistic moved and the compared one did not, what is
/// missing, and the outcome.
fn notes(out: &mut dyn Write, c: &Comparison, palette: &Palette) -> Result<()> {
    for r in &c.rows {
        let Some(other) = &r.other else { continue };
        let (Some(change), Some(p_value)) = (other.change_percent, other.p_value) else {
            continue;
        };
        if r.significant
            || r.p_value.is_none()
            || p_value > c.alpha
            || change.abs() <= c.threshold_percent
        {
            continue;
        }
        let meaning = match (other.metric == "cpu", change > 0.0) {
            (true, true) => "more work, hidden in the noise",
            (true, false) => "less work, hidden in the noise",
            (false, true) => "more waiting, not more work",
            (false, false) => "less waiting, not less work",
        };
        writeln!(
            out,
            "{}: {} {} (p {}) but {} within noise: {meaning}.",
            cut(&r.name, NAME_WIDTH),
            other.metric,
            percent(change),
            self::p(Some(p_value)),
            r.metric
        )?;
    }
    for line in &c.not_measured {
        writeln!(out, "{} {line}", palette.critical("NOT MEASURED"))?;
    }
    let slower = c.rows.iter().filter(|r| r.verdict == "slower").count();
    let within = if slower > 0 {
        format!(
            " ({} within the threshold)",
            count(slower, "significant slowdown", "significant slowdowns")
        )
    } else {
        String::new()
    };
    let line = match c.regressions {
        0 => palette.good(&format!(
            "No significant regression beyond {}%{within}.",
            c.threshold_percent
        )),
        n => palette.critical(&format!(
            "{} beyond {}%{within}.",
            count(n, "significant regression", "significant regressions"),
            c.threshold_percent
        )),
    };
    writeln!(out, "{line}")?;
    Ok(())
}

/// A row's verdict, red for a regression or failure, yellow for slower within
/// the threshold or not measured, green for faster.
fn verdict(row: &ComparisonRow, palette: &Palette) -> String {
    match row.verdict.as_str() {
        "regression" | "failed" => palette.critical(&row.verdict),
        "faster" => palette.good(&row.verdict),
        "slower" | "not measured" | "too few runs" => palette.warning(&row.verdict),
        _ => row.verdict.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perf::compare::{ALPHA, Metric, Settings, compare};
    use crate::perf::compare_tests::{noisy, report};

    fn text(c: &Comparison, wide: bool) -> String {
        let mut out = Vec::new();
        comparison(&mut out, c, &Palette::new(false), wide).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn settings() -> Settings {
        Settings {
            metric: Metric::Cpu,
            alpha: ALPHA,
            threshold_percent: 10.0,
        }
    }

    #[test]
    fn the_table_fits_100_columns_and_rounds_for_people() {
        let long = "local-supplier-volume-with-a-name-longer-than-the-column";
        let old = report(&[
            ("pricing-summary", noisy(1234.5, 100, 1)),
            (long, noisy(80.0, 100, 2)),
            ("gone", noisy(10.0, 10, 3)),
        ]);
        let new = report(&[
            ("pricing-summary", noisy(1851.0, 100, 4)),
            (long, noisy(80.0, 100, 5)),
        ]);
        let c = compare(&old, &new, settings());
        let table = text(&c, false);
        for line in table.lines() {
            assert!(
                line.chars().count() <= 100,
                "wider than 100 columns: {line:?}\n{table}"
            );
        }
        let regression = table
            .lines()
            .find(|l| l.starts_with("pricing-summary"))
            .unwrap();
        // Whole milliseconds above 100, whole percent above 10, Holm's p.
        assert!(
            regression.contains("100/100  12") && regression.contains("ms   18"),
            "{regression}"
        );
        assert!(
            regression.contains("+5") && regression.contains("% [+"),
            "{regression}"
        );
        assert!(regression.contains("<0.001"), "{regression}");
        assert!(regression.ends_with("regression"), "{regression}");
        assert!(table.contains("local-supplier-volume-w…"), "{table}");
        assert!(
            table.contains("NOT MEASURED trino gone of the baseline"),
            "{table}"
        );
        assert!(
            table.contains("1 significant regression beyond 10%."),
            "{table}"
        );
        // Wide keeps the whole name and the raw p-value.
        let wide = text(&c, true);
        assert!(wide.contains(long) && wide.contains("EXACT"), "{wide}");
    }

    #[test]
    fn waiting_is_told_apart_from_work() {
        // CPU unchanged, elapsed doubled: the report says it is waiting.
        let old = report(&[("q1", noisy(100.0, 10, 1))]);
        let mut new = report(&[("q1", noisy(100.0, 10, 2))]);
        for s in &mut new.body.trino.as_mut().unwrap().queries[0].samples {
            s.elapsed_ms *= 2.0;
        }
        let c = compare(&old, &new, settings());
        assert_eq!(c.rows[0].verdict, "within noise");
        let table = text(&c, false);
        assert!(
            table.contains("q1: elapsed +10")
                && table.contains("(p <0.001) but cpu within noise: more waiting, not more work."),
            "{table}"
        );
        assert!(
            table.contains("No significant regression beyond 10%."),
            "{table}"
        );
    }

    #[test]
    fn percents_round_for_people() {
        assert_eq!(percent(12.345), "+12%");
        assert_eq!(percent(-3.456), "-3.5%");
        assert_eq!(percent(0.0), "+0.0%");
        assert_eq!(p(Some(0.0004)), "<0.001");
        assert_eq!(p(Some(0.0234)), "0.023");
        assert_eq!(p(Some(1.0)), "1");
    }
}
