//! The perf report and comparison as tables for people.

use std::io::Write;

use crate::cli::Palette;
use crate::error::Result;
use crate::render::table;

use super::report::{Comparison, PerfReport};
use super::stats::Distribution;
use super::storage::size_label;

fn ms(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

fn p99(d: &Distribution) -> String {
    d.p99.map_or_else(|| "n too small".into(), ms)
}

/// The N, P50, P90, P99 and MAX columns of a latency in ms (`0` and dashes
/// when nothing was measured).
fn latency_cells(latency: Option<&Distribution>) -> [String; 5] {
    match latency {
        Some(d) => [d.n.to_string(), ms(d.p50), ms(d.p90), p99(d), ms(d.max)],
        None => ["0".into(), "-".into(), "-".into(), "-".into(), "-".into()],
    }
}

fn bytes(value: f64) -> String {
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

pub fn report(out: &mut dyn Write, report: &PerfReport, palette: &Palette) -> Result<()> {
    let env = &report.environment;
    writeln!(
        out,
        "Performance report ({}, cluster {}, {} nodes, trino {})",
        report.metadata.generated_at,
        env.cluster_version.as_deref().unwrap_or("unknown"),
        env.node_count.map_or("?".into(), |n| n.to_string()),
        env.trino_version.as_deref().unwrap_or("-"),
    )?;
    writeln!(
        out,
        "{} iterations after {} warm-up, concurrency {}",
        report.settings.iterations, report.settings.warmup, report.settings.concurrency
    )?;
    if let Some(trino) = &report.trino {
        writeln!(out)?;
        writeln!(
            out,
            "Trino ({}): times in ms; OVERHEAD = client wall time minus Trino's elapsed time",
            env.trino_endpoint.as_deref().unwrap_or("")
        )?;
        let mut rows = Vec::new();
        for q in &trino.queries {
            let mut row = vec![q.name.clone()];
            row.extend(latency_cells(q.summary.as_ref().map(|s| &s.wall)));
            match &q.summary {
                Some(s) => row.extend([
                    ms(s.elapsed.p50),
                    ms(s.client_overhead.p50),
                    ms(s.queued.p50),
                    s.planning.as_ref().map_or("-".into(), |p| ms(p.p50)),
                    ms(s.execution.p50),
                    ms(s.cpu.p50),
                    bytes(s.peak_memory_bytes as f64),
                    s.rows_per_second.map_or("-".into(), rate),
                ]),
                None => row.extend(std::iter::repeat_n("-".to_string(), 8)),
            }
            row.push(q.failures.len().to_string());
            rows.push(row);
        }
        table(
            out,
            &[
                "QUERY",
                "N",
                "P50",
                "P90",
                "P99",
                "MAX",
                "TRINO",
                "OVERHEAD",
                "QUEUED",
                "PLANNING",
                "EXECUTION",
                "CPU",
                "PEAK MEM",
                "ROWS/S",
                "FAILED",
            ],
            rows,
        )?;
        let t = &trino.throughput;
        writeln!(
            out,
            "Throughput: {:.1} queries/min ({} finished, {} failed, {} clients, {:.1}s)",
            t.queries_per_minute, t.completed, t.failed, t.concurrency, t.wall_seconds
        )?;
        for q in &trino.queries {
            for f in &q.failures {
                writeln!(
                    out,
                    "{} {} (iteration {}): {}: {}",
                    palette.critical("FAILED"),
                    q.name,
                    f.iteration,
                    f.error_name,
                    f.message
                )?;
            }
        }
    }
    if let Some(storage) = &report.storage {
        writeln!(out)?;
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
                row.extend(latency_cells(o.latency.as_ref()));
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
            &[
                "OP",
                "SIZE",
                "N",
                "P50",
                "P90",
                "P99",
                "MAX",
                "THROUGHPUT",
                "FAILED",
            ],
            rows,
        )?;
        writeln!(
            out,
            "Clean-up: deleted {} of {} objects written",
            storage.objects_deleted, storage.objects_written
        )?;
        for e in &storage.cleanup_errors {
            writeln!(out, "{} {e}", palette.critical("NOT DELETED"))?;
        }
        for o in &storage.operations {
            for f in o.failures.iter().take(3) {
                writeln!(out, "{} {f}", palette.critical("FAILED"))?;
            }
        }
    }
    if let Some(spark) = &report.spark {
        writeln!(out)?;
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
                    "Duration: n {} p50 {:.1}s p90 {:.1}s max {:.1}s",
                    d.n, d.p50, d.p90, d.max
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
    }
    if let Some(resources) = &report.resources {
        writeln!(out)?;
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
                vec![
                    c.component.clone(),
                    c.pods.to_string(),
                    format!("{}m", c.cpu_millis),
                    opt_cpu(c.cpu_request_millis),
                    opt_cpu(c.cpu_limit_millis),
                    bytes(c.memory_bytes as f64),
                    opt_bytes(c.memory_request_bytes),
                    opt_bytes(c.memory_limit_bytes),
                    c.memory_headroom
                        .map_or("-".into(), |h| format!("{:.0}%", h * 100.0)),
                    c.flags.join(","),
                ]
            })
            .collect();
        table(
            out,
            &[
                "COMPONENT",
                "PODS",
                "CPU",
                "CPU REQ",
                "CPU LIM",
                "MEMORY",
                "MEM REQ",
                "MEM LIM",
                "HEADROOM",
                "FLAGS",
            ],
            rows,
        )?;
    }
    for s in &report.skipped {
        writeln!(out, "Skipped {}: {}", s.suite, s.reason)?;
    }
    if let Some(c) = &report.comparison {
        writeln!(out)?;
        comparison(out, c, palette)?;
    }
    Ok(())
}

pub fn comparison(out: &mut dyn Write, c: &Comparison, palette: &Palette) -> Result<()> {
    writeln!(
        out,
        "Comparison {} -> {} (Mann-Whitney U, alpha {}, max regression {}%)",
        c.old_generated_at, c.new_generated_at, c.alpha, c.max_regression_percent
    )?;
    let rows = c
        .rows
        .iter()
        .map(|r| {
            vec![
                r.suite.clone(),
                r.name.clone(),
                format!("{}/{}", r.old_n, r.new_n),
                r.old_median
                    .map_or("-".into(), |v| format!("{}{}", ms(v), r.unit)),
                r.new_median
                    .map_or("-".into(), |v| format!("{}{}", ms(v), r.unit)),
                r.change_percent.map_or("-".into(), |v| format!("{v:+.1}%")),
                r.p_value.map_or("-".into(), |p| format!("{p:.4}")),
                verdict(r, palette),
            ]
        })
        .collect();
    table(
        out,
        &[
            "SUITE",
            "NAME",
            "N OLD/NEW",
            "OLD P50",
            "NEW P50",
            "CHANGE",
            "P-VALUE",
            "VERDICT",
        ],
        rows,
    )?;
    writeln!(
        out,
        "{}",
        match c.regressions {
            0 => palette.good("No significant regression."),
            n => palette.critical(&format!(
                "{} beyond {}%.",
                crate::render::count(n, "significant regression", "significant regressions"),
                c.max_regression_percent
            )),
        }
    )?;
    Ok(())
}

/// A row's verdict, red for a regression, yellow for slower within the
/// threshold, green for faster.
fn verdict(row: &super::report::ComparisonRow, palette: &Palette) -> String {
    if row.regression {
        palette.critical(&row.verdict)
    } else if row.verdict == "faster" {
        palette.good(&row.verdict)
    } else if row.verdict.starts_with("slower") {
        palette.warning(&row.verdict)
    } else {
        row.verdict.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report with a measured query and one that never succeeded, and a
    /// storage operation with and one without latency.
    fn sample() -> PerfReport {
        let d = |n: usize, base: f64| {
            serde_json::json!({"n": n, "min": base, "mean": base * 1.2, "p50": base * 1.1,
                "p90": base * 1.5, "p99": if n >= 100 { Some(base * 2.0) } else { None }, "max": base * 3.0, "stddev": 1.0})
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
                        {"iteration": 1, "errorName": "SYNTAX_ERROR", "message": "bad"}], "summary": null}
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

    #[test]
    fn latency_columns_of_measured_and_unmeasured_rows() {
        let mut out = Vec::new();
        report(&mut out, &sample(), &Palette::new(false)).unwrap();
        let text = String::from_utf8(out).unwrap();
        for line in [
            "QUERY  N    P50   P90   P99   MAX  TRINO  OVERHEAD  QUEUED  PLANNING  EXECUTION  CPU   PEAK MEM  ROWS/S  FAILED",
            "q1     120  44.0  60.0  80.0  120  33.0   11.0      1.1     2.2       27.5       55.0  2.9MiB    12.3k   0",
            "q2     0    -     -     -     -    -      -         -       -         -          -     -         -       1",
            "OP   SIZE  N   P50   P90   P99          MAX   THROUGHPUT  FAILED",
            "PUT  1MiB  10  13.2  18.0  n too small  36.0  76.3MiB/s   0",
            "GET  1MiB  0   -     -     -            -     -           1",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line:?} missing in\n{text}"
            );
        }
    }
}
