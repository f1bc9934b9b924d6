//! The perf report as tables for people: numbers rounded to what a person
//! reads (JSON keeps them exact), percentiles only where the sample supports
//! them, and 100 columns at most by default; `-o wide` adds the detail.

use std::io::Write;

use crate::cli::Palette;
use crate::error::Result;
use crate::render::{count, table};

use super::report::{PerfReport, ResourcesResult, SparkResult, StorageResult, TrinoResult};
use super::stats::{Distribution, MIN_SAMPLES_FOR_P90, MIN_SAMPLES_FOR_P99};
use super::storage::size_label;

pub use super::render_compare::comparison;

/// A time in ms with three significant digits at most: `1234`, `56.7`, `8.9`, `0.12`.
pub(crate) fn ms(value: f64) -> String {
    match value.abs() {
        v if v >= 100.0 => format!("{value:.0}"),
        v if v >= 1.0 || v == 0.0 => format!("{value:.1}"),
        _ => format!("{value:.2}"),
    }
}

/// `-` when the sample is too small for the percentile.
fn quantile(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), ms)
}

/// The N, P50, P90, (P99) and MAX cells of a latency in ms (dashes when
/// nothing was measured or too little for the percentile).
fn latency_cells(latency: Option<&Distribution>, p99_shown: bool) -> Vec<String> {
    let mut cells = match latency {
        Some(d) => vec![d.n.to_string(), ms(d.p50), quantile(d.p90)],
        None => vec!["0".into(), "-".into(), "-".into()],
    };
    if p99_shown {
        cells.push(latency.map_or("-".into(), |d| quantile(d.p99)));
    }
    cells.push(latency.map_or("-".into(), |d| ms(d.max)));
    cells
}

fn latency_headers(
    before: &[&'static str],
    p99_shown: bool,
    after: &[&'static str],
) -> Vec<&'static str> {
    let mut headers = before.to_vec();
    headers.extend(["N", "P50", "P90"]);
    if p99_shown {
        headers.push("P99");
    }
    headers.push("MAX");
    headers.extend(after);
    headers
}

pub(crate) fn bytes(value: f64) -> String {
    let units = [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, factor) in units {
        if value >= factor as f64 {
            return format!("{:.1}{unit}", value / factor as f64);
        }
    }
    format!("{value:.0}B")
}

fn rate(value: f64) -> String {
    match value {
        v if v >= 1e6 => format!("{:.1}M", v / 1e6),
        v if v >= 1e3 => format!("{:.1}k", v / 1e3),
        v => format!("{v:.0}"),
    }
}

/// A name cut to `width` characters with `…`, so that one long query name
/// does not push a table past 100 columns (`-o wide` and JSON keep it whole).
pub(crate) fn cut(name: &str, width: usize) -> String {
    if name.chars().count() <= width {
        return name.to_string();
    }
    let kept: String = name.chars().take(width - 1).collect();
    format!("{kept}…")
}

/// Query names in the default table.
const NAME_WIDTH: usize = 24;

pub fn report(
    out: &mut dyn Write,
    report: &PerfReport,
    palette: &Palette,
    wide: bool,
) -> Result<()> {
    let env = &report.environment;
    writeln!(
        out,
        "Performance report ({}, cluster {}, {}, trino {})",
        report.metadata.generated_at,
        env.cluster_version.as_deref().unwrap_or("unknown"),
        env.node_count
            .map_or("? nodes".into(), |n| count(n, "node", "nodes")),
        env.trino_version.as_deref().unwrap_or("-"),
    )?;
    let settings = &report.settings;
    let rule = match settings.warmup_rule.as_str() {
        "" => String::new(),
        rule => format!(" (--warmup {rule})"),
    };
    writeln!(
        out,
        "{} after {}{rule}, {}",
        count(settings.iterations, "measured round", "measured rounds"),
        count(settings.warmup, "warm-up round", "warm-up rounds"),
        count(settings.concurrency, "client", "clients"),
    )?;
    if let Some(trino) = &report.trino {
        writeln!(out)?;
        self::trino(
            out,
            trino,
            env.trino_endpoint.as_deref().unwrap_or(""),
            palette,
            wide,
        )?;
    }
    if let Some(storage) = &report.storage {
        writeln!(out)?;
        self::storage(out, storage, palette)?;
    }
    if let Some(spark) = &report.spark {
        writeln!(out)?;
        self::spark(out, spark)?;
    }
    if let Some(resources) = &report.resources {
        writeln!(out)?;
        self::resources(out, resources, wide)?;
    }
    for s in &report.skipped {
        writeln!(out, "Skipped {}: {}", s.suite, s.reason)?;
    }
    if let Some(c) = &report.comparison {
        writeln!(out)?;
        comparison(out, c, palette, wide)?;
    }
    Ok(())
}

/// The trino table: Trino's own CPU and elapsed time first (what the gate
/// compares), the client's overhead beside them; `-o wide` adds the rest.
fn trino(
    out: &mut dyn Write,
    trino: &TrinoResult,
    endpoint: &str,
    palette: &Palette,
    wide: bool,
) -> Result<()> {
    writeln!(
        out,
        "Trino ({endpoint}): times in ms; OVERHEAD = client wall time minus Trino's elapsed time"
    )?;
    let p99_shown = trino.queries.iter().any(|q| runs(q) >= MIN_SAMPLES_FOR_P99);
    let mut headers = vec!["QUERY", "RUNS", "CPU P50", "ELAPSED P50", "P90"];
    if p99_shown {
        headers.push("P99");
    }
    headers.push("MAX");
    if wide {
        headers.extend([
            "WARM-UP",
            "CPU P90",
            "CLIENT P50",
            "QUEUED",
            "PLANNING",
            "EXECUTION",
            "ROWS/S",
        ]);
    }
    headers.extend(["OVERHEAD", "PEAK MEM", "FAILED"]);
    let rows = trino
        .queries
        .iter()
        .map(|q| trino_row(q, headers.len(), p99_shown, wide))
        .collect();
    table(out, &headers, rows)?;
    yardstick(out, trino)?;
    footnotes(out, trino, p99_shown)?;
    for q in &trino.queries {
        for f in &q.failures {
            let when = match f.iteration {
                0 => "warm-up".to_string(),
                round => format!("round {round}"),
            };
            writeln!(
                out,
                "{} {} ({when}): {}: {}",
                palette.critical("FAILED"),
                q.name,
                f.error_name,
                f.message
            )?;
        }
    }
    super::render_engine::engine(out, trino, wide)
}

/// One query's cells, `columns` wide.
fn trino_row(
    q: &super::report::QueryResult,
    columns: usize,
    p99_shown: bool,
    wide: bool,
) -> Vec<String> {
    let mut row = vec![
        if wide {
            q.name.clone()
        } else {
            cut(&q.name, NAME_WIDTH)
        },
        runs(q).to_string(),
    ];
    let Some(s) = &q.summary else {
        row.extend(std::iter::repeat_n("-".to_string(), columns - 3));
        row.push(q.failures.len().to_string());
        return row;
    };
    row.extend([ms(s.cpu.p50), ms(s.elapsed.p50), quantile(s.elapsed.p90)]);
    if p99_shown {
        row.push(quantile(s.elapsed.p99));
    }
    row.push(ms(s.elapsed.max));
    if wide {
        row.extend([
            match q.settled {
                Some(false) => format!("{} (unsettled)", q.warmup_runs),
                _ => q.warmup_runs.to_string(),
            },
            quantile(s.cpu.p90),
            ms(s.wall.p50),
            ms(s.queued.p50),
            s.planning.as_ref().map_or("-".into(), |p| ms(p.p50)),
            ms(s.execution.p50),
            s.rows_per_second.map_or("-".into(), rate),
        ]);
    }
    row.extend([
        ms(s.client_overhead.p50),
        bytes(s.peak_memory_bytes as f64),
        q.failures.len().to_string(),
    ]);
    row
}

/// The yardstick's line: its CPU time, or why it could not run.
fn yardstick(out: &mut dyn Write, trino: &TrinoResult) -> Result<()> {
    if let Some(y) = &trino.yardstick {
        let cpu: Vec<f64> = y.samples.iter().map(|s| s.cpu_ms).collect();
        match y.failures.first() {
            Some(f) => writeln!(
                out,
                "Yardstick: could not run ({}: {}); comparisons use absolute CPU time",
                f.error_name, f.message
            )?,
            None if !cpu.is_empty() => writeln!(
                out,
                "Yardstick (how fast the machines were): CPU P50 {}ms over {}",
                ms(super::stats::median(&cpu)),
                count(cpu.len(), "round", "rounds")
            )?,
            None => {}
        }
    }
    Ok(())
}

/// Measured runs of a query that finished.
fn runs(q: &super::report::QueryResult) -> usize {
    q.summary.as_ref().map_or(q.samples.len(), |s| s.elapsed.n)
}

/// Throughput, the client's load, and what the dashes mean.
fn footnotes(out: &mut dyn Write, trino: &TrinoResult, p99_shown: bool) -> Result<()> {
    let t = &trino.throughput;
    writeln!(
        out,
        "Throughput: {:.1} queries/min ({} finished, {} failed, {}, {:.1}s)",
        t.queries_per_minute,
        t.completed,
        t.failed,
        count(t.concurrency, "client", "clients"),
        t.wall_seconds
    )?;
    if let Some(c) = &trino.client {
        let load = |l: Option<[f64; 3]>| l.map_or("unknown".into(), |l| format!("{:.2}", l[0]));
        writeln!(
            out,
            "Client machine: {}, load {} before, {} after{}",
            count(c.cpus, "CPU", "CPUs"),
            load(c.load_before),
            load(c.load_after),
            c.process_cpu_ms.map_or(String::new(), |ms| format!(
                ", this process used {:.1}s CPU",
                ms / 1000.0
            )),
        )?;
    }
    let unsettled: Vec<&str> = trino
        .queries
        .iter()
        .filter(|q| q.settled == Some(false))
        .map(|q| q.name.as_str())
        .collect();
    if !unsettled.is_empty() {
        writeln!(
            out,
            "Warm-up did not settle within {} rounds for {}: measure with care.",
            super::schedule::AUTO_MAX_ROUNDS,
            unsettled.join(", ")
        )?;
    }
    let few = trino.queries.iter().any(|q| {
        let n = runs(q);
        n > 0 && (n < MIN_SAMPLES_FOR_P90 || (p99_shown && n < MIN_SAMPLES_FOR_P99))
    });
    if few {
        writeln!(
            out,
            "'-': too few runs for the percentile (P90 needs {MIN_SAMPLES_FOR_P90}, P99 {MIN_SAMPLES_FOR_P99})."
        )?;
    }
    Ok(())
}

fn storage(out: &mut dyn Write, storage: &StorageResult, palette: &Palette) -> Result<()> {
    let p99_shown = storage.operations.iter().any(|o| {
        o.latency
            .as_ref()
            .is_some_and(|d| d.n >= MIN_SAMPLES_FOR_P99)
    });
    writeln!(
        out,
        "Storage (claim {}, bucket {} at {}): latency in ms",
        storage.claim, storage.bucket, storage.endpoint
    )?;
    let rows = storage
        .operations
        .iter()
        .map(|o| {
            let mut row = vec![o.operation.clone(), size_label(o.object_size)];
            row.extend(latency_cells(o.latency.as_ref(), p99_shown));
            row.push(
                o.throughput_bytes_per_second
                    .map_or("-".into(), |b| format!("{}/s", bytes(b))),
            );
            row.push(o.failures.len().to_string());
            row
        })
        .collect();
    table(
        out,
        &latency_headers(&["OP", "SIZE"], p99_shown, &["THROUGHPUT", "FAILED"]),
        rows,
    )?;
    writeln!(
        out,
        "Clean-up: deleted {} of {} written",
        storage.objects_deleted,
        count(storage.objects_written, "object", "objects")
    )?;
    for e in &storage.cleanup_errors {
        writeln!(out, "{} {e}", palette.critical("NOT DELETED"))?;
    }
    for o in &storage.operations {
        for f in o.failures.iter().take(3) {
            writeln!(out, "{} {f}", palette.critical("FAILED"))?;
        }
    }
    Ok(())
}

fn spark(out: &mut dyn Write, spark: &SparkResult) -> Result<()> {
    if !spark.runs.is_empty() {
        writeln!(out, "Spark runs (seconds, from the application's status)")?;
        let rows = spark
            .runs
            .iter()
            .map(|r| {
                vec![
                    r.name.clone(),
                    r.state.clone(),
                    r.duration_seconds.map_or("-".into(), |d| format!("{d:.1}")),
                    format!("{:.1}", r.wait_seconds),
                    r.error.clone().unwrap_or_default(),
                ]
            })
            .collect();
        table(
            out,
            &["APPLICATION", "STATE", "DURATION", "WAITED", "ERROR"],
            rows,
        )?;
        if let Some(d) = &spark.duration {
            writeln!(
                out,
                "Duration: {} p50 {:.1}s{} max {:.1}s",
                count(d.n, "run", "runs"),
                d.p50,
                d.p90.map_or(String::new(), |p| format!(" p90 {p:.1}s")),
                d.max
            )?;
        }
    }
    writeln!(out, "Spark history (applications that ended)")?;
    let rows = spark
        .history
        .iter()
        .map(|h| {
            vec![
                h.application.clone(),
                h.runs.to_string(),
                h.failed.to_string(),
                format!("{:.0}%", h.failure_rate * 100.0),
                h.duration
                    .as_ref()
                    .map_or("-".into(), |d| format!("{:.1}", d.p50)),
                h.duration
                    .as_ref()
                    .map_or("-".into(), |d| format!("{:.1}", d.max)),
            ]
        })
        .collect();
    table(
        out,
        &[
            "APPLICATION",
            "RUNS",
            "FAILED",
            "FAILURE RATE",
            "P50 S",
            "MAX S",
        ],
        rows,
    )?;
    Ok(())
}

/// Use against requests and limits; the flags go below the table (a column
/// under `-o wide`), so that three flags do not push it past 100 columns.
fn resources(out: &mut dyn Write, resources: &ResourcesResult, wide: bool) -> Result<()> {
    writeln!(
        out,
        "Resources (namespace {}, from metrics.k8s.io)",
        resources.namespace
    )?;
    let opt_bytes = |v: Option<u64>| v.map_or("-".into(), |b| bytes(b as f64));
    let opt_cpu = |v: Option<u64>| v.map_or("-".into(), |m| format!("{m}m"));
    let rows = resources
        .components
        .iter()
        .map(|c| {
            let mut row = vec![
                if wide {
                    c.component.clone()
                } else {
                    cut(&c.component, NAME_WIDTH)
                },
                c.pods.to_string(),
                format!("{}m", c.cpu_millis),
                opt_cpu(c.cpu_request_millis),
                opt_cpu(c.cpu_limit_millis),
                bytes(c.memory_bytes as f64),
                opt_bytes(c.memory_request_bytes),
                opt_bytes(c.memory_limit_bytes),
                c.memory_headroom
                    .map_or("-".into(), |h| format!("{:.0}%", h * 100.0)),
            ];
            if wide {
                row.push(c.flags.join(","));
            }
            row
        })
        .collect();
    let mut headers = vec![
        "COMPONENT",
        "PODS",
        "CPU",
        "CPU REQ",
        "CPU LIM",
        "MEMORY",
        "MEM REQ",
        "MEM LIM",
        "HEADROOM",
    ];
    if wide {
        headers.push("FLAGS");
    }
    table(out, &headers, rows)?;
    if !wide {
        for c in resources.components.iter().filter(|c| !c.flags.is_empty()) {
            writeln!(out, "Flags of {}: {}", c.component, c.flags.join(", "))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report with a measured query and one that never succeeded, and a
    /// storage operation with and one without latency.
    fn sample() -> PerfReport {
        let d = |n: usize, base: f64| {
            serde_json::json!({"n": n, "min": base, "mean": base * 1.2, "p50": base * 1.1,
                "p90": if n >= 10 { Some(base * 1.5) } else { None }, "p99": if n >= 100 { Some(base * 2.0) } else { None }, "max": base * 3.0, "stddev": 1.0})
        };
        serde_json::from_value(serde_json::json!({
            "apiVersion": "dp.io/v1", "kind": "PerfReport",
            "metadata": {"generatedAt": "2026-12-01T00:00:00Z", "toolVersion": "0.1.0"},
            "environment": {"clusterVersion": "v1.34.0", "nodeCount": 3, "trinoVersion": "476", "trinoEndpoint": "http://t:8080"},
            "settings": {"suites": ["trino", "storage"], "iterations": 10, "warmup": 1, "concurrency": 2, "timeoutSeconds": 60.0},
            "trino": {
                "queries": [
                    {"name": "q1", "sql": "", "samples": [], "failures": [], "summary": {
                        "wall": d(120, 40.0), "elapsed": d(120, 30.0), "clientOverhead": d(120, 10.0),
                        "queued": d(120, 1.0), "planning": d(120, 2.0), "execution": d(120, 25.0),
                        "cpu": d(120, 50.0), "peakMemoryBytes": 3_000_000u64, "rowsPerSecond": 12_345.0, "bytesPerSecond": null}},
                    {"name": "q2", "sql": "", "samples": [], "failures": [
                        {"iteration": 1, "errorName": "SYNTAX_ERROR", "message": "bad"}], "summary": null},
                    {"name": "a-query-with-a-very-long-name-indeed", "sql": "", "samples": [], "failures": [], "summary": {
                        "wall": d(9, 40.0), "elapsed": d(9, 30.0), "clientOverhead": d(9, 10.0),
                        "queued": d(9, 1.0), "planning": d(9, 2.0), "execution": d(9, 25.0),
                        "cpu": d(9, 50.0), "peakMemoryBytes": 3_000_000u64, "rowsPerSecond": 12_345.0, "bytesPerSecond": null}}
                ],
                "throughput": {"concurrency": 2, "completed": 120, "failed": 1, "wallSeconds": 30.0, "queriesPerMinute": 240.0}
            },
            "storage": {
                "claim": "c", "bucket": "b", "endpoint": "http://s3:80", "objectsWritten": 4, "objectsDeleted": 4,
                "operations": [
                    {"operation": "PUT", "objectSize": 1_048_576u64, "multipart": false, "samples": [], "failures": [],
                        "latency": d(10, 12.0), "throughputBytesPerSecond": 80_000_000.0},
                    {"operation": "GET", "objectSize": 1_048_576u64, "multipart": false, "samples": [], "failures": ["timeout"],
                        "latency": null, "throughputBytesPerSecond": null}
                ]
            }
        }))
        .unwrap()
    }

    fn text(wide: bool) -> String {
        let mut out = Vec::new();
        report(&mut out, &sample(), &Palette::new(false), wide).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn latency_columns_of_measured_and_unmeasured_rows() {
        let text = text(false);
        for line in [
            "10 measured rounds after 1 warm-up round, 2 clients",
            "QUERY                     RUNS  CPU P50  ELAPSED P50  P90   P99   MAX   OVERHEAD  PEAK MEM  FAILED",
            "q1                        120   55.0     33.0         45.0  60.0  90.0  11.0      2.9MiB    0",
            "q2                        0     -        -            -     -     -     -         -         1",
            "a-query-with-a-very-lon…  9     55.0     33.0         -     -     90.0  11.0      2.9MiB    0",
            "'-': too few runs for the percentile (P90 needs 10, P99 100).",
            "OP   SIZE  N   P50   P90   MAX   THROUGHPUT  FAILED",
            "PUT  1MiB  10  13.2  18.0  36.0  76.3MiB/s   0",
            "GET  1MiB  0   -     -     -     -           1",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line:?} missing in\n{text}"
            );
        }
        for line in text.lines() {
            assert!(
                line.chars().count() <= 100,
                "wider than 100 columns: {line:?}"
            );
        }
    }

    #[test]
    fn wide_adds_the_detail_and_the_whole_name() {
        let text = text(true);
        assert!(
            text.lines().any(|l| l.starts_with("QUERY ")
                && l.contains("WARM-UP  CPU P90  CLIENT P50  QUEUED  PLANNING  EXECUTION  ROWS/S")),
            "{text}"
        );
        assert!(
            text.contains("a-query-with-a-very-long-name-indeed "),
            "{text}"
        );
    }
}
