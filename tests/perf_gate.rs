//! `kubectl dp perf` as a regression gate, against the real Trino 476 of
//! tests/trino/up: unchanged reruns pass, a real slowdown fails, and nothing
//! measured is never a pass (exit 2, one line) unless `--allow-missing`.
//!
//! The timed tests are built with margin for a loaded 2-core machine: they
//! compare Trino's CPU time relative to the yardstick (the default), which
//! moved by a few percent between unchanged runs at a load of 15 to 25
//! (bench/perf-gate.sh, BENCHMARKS.md), against the default 10% threshold; the
//! injected slowdown doubles the rows one query generates (about +130% CPU). Trino tests read KUBECTL_DP_TEST_TRINO_URL (or
//! target/trino/env).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::perf::*;
use common::{TestNamespace, dp, stderr, stdout};

/// The output as JSON, which must be a report matching its schema in docs/schema/.
fn json(output: &Output) -> serde_json::Value {
    let value = parse_json(output);
    common::schema::assert_valid(&value);
    value
}

/// Exit 2 and exactly one line on stderr, which is returned.
fn one_line_exit_2(output: &Output) -> String {
    let err = stderr(output);
    assert_eq!(
        output.status.code(),
        Some(2),
        "stdout: {}\nstderr: {err}",
        stdout(output)
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// Three queries of the built-in tiny set, each with tens of ms of CPU time.
fn query_set(forecast_extra: Option<&str>) -> String {
    let forecast = "SELECT sum(extendedprice * discount) AS revenue FROM tpch.tiny.lineitem \
        WHERE shipdate >= DATE '1994-01-01' AND shipdate < DATE '1995-01-01' \
        AND discount BETWEEN 0.05 AND 0.07 AND quantity < 24";
    let forecast = match forecast_extra {
        // The same filter over a second, generated lineitem: real extra work in the engine.
        Some(schema) => format!(
            "SELECT sum(revenue) FROM ({forecast} UNION ALL {})",
            forecast.replace("tpch.tiny.lineitem", &format!("tpch.\"{schema}\".lineitem"))
        ),
        None => forecast.to_string(),
    };
    format!(
        "-- name: pricing-summary\nSELECT returnflag, linestatus, sum(quantity), sum(extendedprice), count(*) \
         FROM tpch.tiny.lineitem WHERE shipdate <= DATE '1998-09-02' GROUP BY returnflag, linestatus;\n\
         -- name: forecast-revenue\n{forecast};\n\
         -- name: order-priorities\nSELECT orderpriority, count(*) FROM tpch.tiny.orders \
         WHERE orderdate >= DATE '1993-07-01' GROUP BY orderpriority;\n"
    )
}

/// A run at the default settings (10 rounds, --warmup auto), saved.
fn saved_run(url: &str, sql: &Path, save: &Path) {
    let output = perf_without_cluster(&[
        "run",
        "--suite",
        "trino",
        "--trino-url",
        url,
        "--sql-file",
        s(sql),
        "--save",
        s(save),
        "-o",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    let queries = report["trino"]["queries"].as_array().unwrap();
    for q in queries {
        assert_eq!(q["samples"].as_array().unwrap().len(), 10, "{}", q["name"]);
        // Auto warm-up: at least two windows of three.
        assert!(q["warmupRuns"].as_u64().unwrap() >= 6, "{q}");
    }
    // Interleaved: every round runs every query, rounds 1..=10.
    let rounds: Vec<u64> = queries[0]["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["round"].as_u64().unwrap())
        .collect();
    assert_eq!(rounds, (1..=10).collect::<Vec<u64>>());
    assert!(report["settings"]["seed"].is_u64());
    // The yardstick ran in every measured round.
    let yardstick = report["trino"]["yardstick"]["samples"].as_array().unwrap();
    assert_eq!(yardstick.len(), 10, "{}", report["trino"]["yardstick"]);
    assert!(report["trino"]["client"]["cpus"].as_u64().unwrap() >= 1);
}

fn compare(old: &Path, new: &Path, extra: &[&str]) -> Output {
    Command::new(BIN)
        .args(["compare", s(old), s(new)])
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn unchanged_reruns_pass_and_a_real_slowdown_fails() {
    let _turn = trino_lock();
    let url = trino_url();
    let scratch = Scratch::new("ab");
    let same = scratch.file("a.sql", &query_set(None));
    // Twice the rows for forecast-revenue to generate and filter.
    let heavier = scratch.file("b.sql", &query_set(Some("sf0.01")));
    let runs: Vec<PathBuf> = (1..=3)
        .map(|i| {
            let path = scratch.path(&format!("a{i}.json"));
            saved_run(&url, &same, &path);
            path
        })
        .collect();

    // A/A: two pairs of unchanged runs, no regression verdict at the defaults.
    for pair in runs.windows(2) {
        let output = compare(&pair[0], &pair[1], &["-o", "json"]);
        let comparison = json(&output);
        let rows = comparison["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 3);
        assert!(
            rows.iter().all(|r| r["verdict"] != "regression"),
            "A/A flagged a regression: {comparison}"
        );
        assert_eq!(output.status.code(), Some(0), "{comparison}");
        assert_eq!(comparison["metric"], "cpu");
        assert_eq!(comparison["basis"], "yardstick");
        assert_eq!(comparison["correction"], "holm");
        assert_eq!(comparison["minRuns"], 5, "three measurements at 5%, Holm");
    }

    // A/B: the heavier forecast-revenue is a regression; the others are not.
    let slow = scratch.path("b.json");
    saved_run(&url, &heavier, &slow);
    let junit = scratch.path("compare.xml");
    let output = compare(&runs[2], &slow, &["--junit", s(&junit)]);
    let table = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{table}");
    let line = table
        .lines()
        .find(|l| l.starts_with("forecast-revenue "))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(line.ends_with("regression"), "{table}");
    assert!(
        table.contains("1 significant regression beyond 10%"),
        "{table}"
    );
    for line in table.lines() {
        assert!(line.chars().count() <= 100, "{line:?}");
    }
    let comparison = json(&compare(&runs[2], &slow, &["-o", "json"]));
    for row in comparison["rows"].as_array().unwrap() {
        let regression = row["name"] == "forecast-revenue";
        assert_eq!(row["regression"], regression, "{row}");
        if regression {
            assert!(row["changePercent"].as_f64().unwrap() > 40.0, "{row}");
            assert!(row["changeLowPercent"].as_f64().unwrap() > 10.0, "{row}");
            assert!(row["adjustedPValue"].as_f64().unwrap() <= 0.05, "{row}");
            assert_eq!(row["exact"], true);
        }
    }
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("valid JUnit XML");
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("the regression fails its case");
    assert_eq!(
        failure.parent().unwrap().attribute("name"),
        Some("trino forecast-revenue")
    );
    assert!(!xml.contains("-0.000"), "{xml}");
    // --color always paints it red, into a pipe too.
    let painted = stdout(&compare(&runs[2], &slow, &["--color", "always"]));
    assert!(painted.contains("\x1b[31"), "{painted}");
    // A threshold above the change passes it; --fail-on warning fails it again
    // as a significant slowdown within the threshold.
    let lenient = compare(&runs[2], &slow, &["--threshold", "1000%"]);
    assert_eq!(lenient.status.code(), Some(0), "{}", stdout(&lenient));
    let strict = compare(
        &runs[2],
        &slow,
        &["--threshold", "1000%", "--fail-on", "warning"],
    );
    assert_eq!(strict.status.code(), Some(1), "{}", stdout(&strict));

    // run --baseline does the same comparison and exits 1.
    let again = perf_without_cluster(&[
        "run",
        "--suite",
        "trino",
        "--trino-url",
        &url,
        "--sql-file",
        s(&heavier),
        "--baseline",
        s(&runs[2]),
    ]);
    assert_eq!(again.status.code(), Some(1), "{}", stdout(&again));
    assert!(
        stdout(&again).contains("1 significant regression"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn compare_rejects_what_is_not_a_report() {
    let scratch = Scratch::new("notreport");
    let bad = scratch.file("bad.json", "{\"kind\": \"StatusReport\"}");
    let output = Command::new(BIN)
        .args(["compare", s(&bad), s(&bad)])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("bad.json") && err.contains("perf run --save"),
        "{err}"
    );
}

/// A saved report with these queries and CPU samples, written by hand.
fn report_file(scratch: &Scratch, name: &str, queries: &[(&str, usize)]) -> PathBuf {
    let queries: Vec<serde_json::Value> = queries
        .iter()
        .map(|(query, runs)| {
            let samples: Vec<serde_json::Value> = (0..*runs)
                .map(|i| {
                    serde_json::json!({"round": i + 1, "wallMs": 12.0, "elapsedMs": 10.0,
                        "queuedMs": 0.0, "planningMs": null, "cpuMs": 5.0 + i as f64,
                        "peakMemoryBytes": 0, "processedRows": 0, "processedBytes": 0, "rows": 1})
                })
                .collect();
            serde_json::json!({"name": query, "sql": "SELECT 1", "samples": samples,
                "failures": [], "summary": null})
        })
        .collect();
    let report = serde_json::json!({
        "apiVersion": "kubectl-dp.io/v1alpha1", "kind": "PerfReport",
        "metadata": {"generatedAt": "2026-12-01T00:00:00Z", "toolVersion": "0.1.0"},
        "environment": {}, "settings": {"suites": ["trino"], "iterations": 10, "warmup": 6,
            "concurrency": 1, "timeoutSeconds": 300.0},
        "trino": {"queries": queries, "throughput": {"concurrency": 1, "completed": 0,
            "failed": 0, "wallSeconds": 1.0, "queriesPerMinute": 0.0}},
        "skipped": []
    });
    scratch.file(name, &report.to_string())
}

#[test]
fn compare_refuses_what_was_not_measured() {
    let scratch = Scratch::new("missing");
    let both = report_file(&scratch, "both.json", &[("q1", 10), ("q2", 10)]);
    let one = report_file(&scratch, "one.json", &[("q1", 10)]);
    let err = one_line_exit_2(&compare(&both, &one, &[]));
    assert_eq!(
        err.trim_end(),
        "error: not measured: trino q2 of the baseline (not in the new report); pass --allow-missing to accept that"
    );
    let allowed = compare(&both, &one, &["--allow-missing"]);
    assert_eq!(allowed.status.code(), Some(0), "{}", stderr(&allowed));
    assert!(
        stdout(&allowed).contains("NOT MEASURED trino q2"),
        "{}",
        stdout(&allowed)
    );

    // Too few runs to ever be significant: one line saying how many are needed.
    let few = report_file(&scratch, "few.json", &[("q1", 3)]);
    let err = one_line_exit_2(&compare(&few, &few, &[]));
    assert!(
        err.contains("trino q1 (3/3 runs): significance needs at least 4 runs on each side")
            && err.contains("--iterations 4"),
        "{err}"
    );

    // No measurement in common.
    let other = report_file(&scratch, "other.json", &[("q9", 10)]);
    let err = one_line_exit_2(&compare(&one, &other, &[]));
    assert!(err.contains("trino q1 of the baseline"), "{err}");
    let empty = report_file(&scratch, "empty.json", &[]);
    let err = one_line_exit_2(&compare(&empty, &other, &[]));
    assert!(err.contains("no measurement is in both reports"), "{err}");
}

/// A kubeconfig whose API server is a loopback port nobody listens on.
fn unreachable_kubeconfig(scratch: &Scratch) -> PathBuf {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    scratch.file(
        "kubeconfig",
        &format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster:\n    server: https://127.0.0.1:{port}\n    insecure-skip-tls-verify: true\ncontexts:\n- name: gone\n  context:\n    cluster: gone\n    user: gone\ncurrent-context: gone\nusers:\n- name: gone\n  user:\n    token: not-a-secret\n"
        ),
    )
}

#[test]
fn a_run_that_measures_nothing_exits_2() {
    let scratch = Scratch::new("nothing");
    let baseline = report_file(&scratch, "baseline.json", &[("q1", 10)]);

    // An unreachable cluster with --baseline: every suite skipped.
    let kubeconfig = unreachable_kubeconfig(&scratch);
    let run = |extra: &[&str]| {
        Command::new(BIN)
            .args(["run", "--baseline", s(&baseline), "--request-timeout", "5s"])
            .args(extra)
            .env("KUBECONFIG", &kubeconfig)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let err = one_line_exit_2(&run(&[]));
    assert!(
        err.starts_with("error: not measured: nothing was measured (trino: needs the cluster: could not reach the API server at https://127.0.0.1:"),
        "{err}"
    );
    let allowed = run(&["--allow-missing"]);
    assert_eq!(allowed.status.code(), Some(0), "{}", stderr(&allowed));
    assert!(
        stdout(&allowed)
            .contains("NOT MEASURED trino q1 of the baseline (skipped: needs the cluster")
    );

    // Trino down without --suite (and no cluster configured).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = one_line_exit_2(&perf_without_cluster(&[
        "run",
        "--trino-url",
        &format!("http://127.0.0.1:{port}"),
    ]));
    assert!(
        err.starts_with("error: not measured: nothing was measured (trino: could not reach Trino at http://127.0.0.1:"),
        "{err}"
    );

    // Too few iterations for the baseline's comparison: refused before any query.
    let err = one_line_exit_2(&perf_without_cluster(&[
        "run",
        "--suite",
        "trino",
        "--trino-url",
        "http://127.0.0.1:1",
        "--baseline",
        s(&baseline),
        "--iterations",
        "3",
    ]));
    assert!(
        err.contains("--iterations 3 cannot show a significant change against the baseline's 1 measurement: the rank test needs at least 4 runs on each side"),
        "{err}"
    );
}

#[test]
fn a_mistyped_namespace_measures_nothing_and_exits_2() {
    // A namespace that exists but holds no platform: nothing measured.
    let empty = TestNamespace::new("perf-nothing");
    {
        let namespace = empty.name.as_str();
        let err = one_line_exit_2(&dp(BIN, &["run", "-n", namespace]));
        assert!(
            err.starts_with(
                "error: not measured: nothing was measured (trino: no Trino coordinator"
            ),
            "{err}"
        );
        assert!(err.contains(namespace), "{err}");
        let allowed = dp(BIN, &["run", "-n", namespace, "--allow-missing"]);
        assert_eq!(allowed.status.code(), Some(0), "{}", stderr(&allowed));
        assert!(stdout(&allowed).contains("Skipped trino: no Trino coordinator"));
    }
    // One that does not exist is a typo, whatever --allow-missing says.
    for extra in [&[][..], &["--allow-missing"][..]] {
        let mut args = vec!["run", "-n", "no-such-namespace-perf"];
        args.extend(extra);
        let err = one_line_exit_2(&dp(BIN, &args));
        assert!(
            err.starts_with("error: namespace no-such-namespace-perf not found"),
            "{err}"
        );
    }
}
