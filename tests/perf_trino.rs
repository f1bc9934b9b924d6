//! `kubectl dp perf`'s Trino suite against a real Trino 476 (tests/trino/up):
//! queries measured, the built-in TPC-H set, a failing query, a coordinator that
//! is down, the password never printed, and the default path through a port
//! forward to the coordinator pod on the local control plane.
//!
//! Trino tests read KUBECTL_DP_TEST_TRINO_URL (or target/trino/env). The
//! regression gate (compare, nothing measured) is tested in tests/perf_gate.rs.

mod common;

use std::time::Duration;

use common::perf::*;
use common::{TestNamespace, apply, dp, kubectl, stderr, stdout};

const SMALL_SET: &str = "-- name: nations\nSELECT count(*) FROM tpch.tiny.nation;\n-- name: orders-by-status\nSELECT orderstatus, count(*) FROM tpch.tiny.orders GROUP BY orderstatus;\n";

#[test]
fn trino_suite_measures_real_queries() {
    let _turn = trino_lock();
    let url = trino_url();
    let scratch = Scratch::new("trino");
    let sql = scratch.file("set.sql", SMALL_SET);
    let junit = scratch.path("perf.xml");
    let output = perf_without_cluster(&[
        "run",
        "--suite",
        "trino",
        "--trino-url",
        &url,
        "--sql-file",
        s(&sql),
        "--iterations",
        "4",
        "--warmup",
        "1",
        "--concurrency",
        "2",
        "-o",
        "json",
        "--junit",
        s(&junit),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["apiVersion"], "kubectl-dp.io/v1alpha1");
    assert_eq!(report["kind"], "PerfReport");
    assert!(report["metadata"]["generatedAt"].is_string());
    assert_eq!(report["environment"]["trinoVersion"], "476");
    let queries = report["trino"]["queries"].as_array().unwrap();
    assert_eq!(queries.len(), 2);
    for q in queries {
        let samples = q["samples"].as_array().unwrap();
        assert_eq!(samples.len(), 4, "warm-up is not measured: {q}");
        let summary = &q["summary"];
        assert_eq!(summary["wall"]["n"], 4);
        assert!(summary["wall"]["p99"].is_null(), "no p99 from 4 samples");
        assert!(summary["elapsed"]["p50"].as_f64().unwrap() > 0.0);
        assert!(summary["clientOverhead"]["p50"].as_f64().unwrap() >= 0.0);
        for sample in samples {
            assert!(
                sample["wallMs"].as_f64().unwrap() >= sample["elapsedMs"].as_f64().unwrap() - 1.0
            );
        }
    }
    // The first query returns one row per run; Trino processed the 25 nations.
    assert_eq!(queries[0]["samples"][0]["rows"], 1);
    assert_eq!(queries[1]["samples"][0]["rows"], 3);
    assert_eq!(report["trino"]["throughput"]["completed"], 8);
    assert_eq!(report["trino"]["throughput"]["concurrency"], 2);
    assert!(
        report["trino"]["throughput"]["queriesPerMinute"]
            .as_f64()
            .unwrap()
            > 0.0
    );

    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("valid JUnit XML");
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 2);
    assert!(doc.descendants().all(|n| !n.has_tag_name("failure")));

    // The table names the columns people read.
    let table = perf_without_cluster(&[
        "run",
        "--suite",
        "trino",
        "--trino-url",
        &url,
        "--sql-file",
        s(&sql),
        "--iterations",
        "2",
    ]);
    assert_eq!(table.status.code(), Some(0), "{}", stderr(&table));
    let text = stdout(&table);
    assert!(
        text.contains("OVERHEAD") && text.contains("'-': too few runs for the percentile"),
        "{text}"
    );
    assert!(text.contains("nations") && text.contains("orders-by-status"));
}

#[test]
fn the_builtin_tpch_set_runs_on_tiny() {
    let _turn = trino_lock();
    let output = perf_without_cluster(&[
        "run",
        "--suite",
        "trino",
        "--trino-url",
        &trino_url(),
        "--iterations",
        "1",
        "--warmup",
        "0",
        "-o",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    let queries = report["trino"]["queries"].as_array().unwrap();
    assert_eq!(queries.len(), 5);
    for q in queries {
        assert_eq!(q["failures"].as_array().unwrap().len(), 0, "{q}");
        assert!(q["samples"][0]["rows"].as_u64().unwrap() > 0, "{q}");
        assert!(q["sql"].as_str().unwrap().contains("tpch.tiny."));
    }
    assert_eq!(report["settings"]["scale"], "tiny");
}

#[test]
fn a_failing_query_is_reported_with_trinos_message() {
    let _turn = trino_lock();
    let scratch = Scratch::new("failing");
    let sql = scratch.file(
        "bad.sql",
        "-- name: good\nSELECT 1;\n-- name: missing-table\nSELECT * FROM tpch.tiny.no_such_table;\n",
    );
    let junit = scratch.path("perf.xml");
    let output = perf_without_cluster(&[
        "run",
        "--suite",
        "trino",
        "--trino-url",
        &trino_url(),
        "--sql-file",
        s(&sql),
        "--iterations",
        "2",
        "--junit",
        s(&junit),
    ]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a failed query exits 1: {}",
        stderr(&output)
    );
    let text = stdout(&output);
    assert!(
        text.contains("FAILED missing-table")
            && text.contains("TABLE_NOT_FOUND")
            && text.contains("does not exist"),
        "{text}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("valid JUnit XML");
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("a failure");
    assert_eq!(failure.attribute("type"), Some("TABLE_NOT_FOUND"));
    assert!(
        failure
            .attribute("message")
            .unwrap()
            .contains("no_such_table")
    );
    assert_eq!(
        failure.parent().unwrap().attribute("name"),
        Some("missing-table")
    );
    // A failed query is never a latency.
    let json_out = perf_without_cluster(&[
        "run",
        "--suite",
        "trino",
        "--trino-url",
        &trino_url(),
        "--sql-file",
        s(&sql),
        "--iterations",
        "2",
        "--warmup",
        "0",
        "-o",
        "json",
    ]);
    let report = json(&json_out);
    let missing = &report["trino"]["queries"][1];
    assert_eq!(missing["samples"].as_array().unwrap().len(), 0);
    assert!(missing["summary"].is_null());
    assert_eq!(missing["failures"].as_array().unwrap().len(), 2);
    assert_eq!(missing["failures"][0]["errorName"], "TABLE_NOT_FOUND");
}

#[test]
fn a_coordinator_that_is_down_is_one_line_and_exit_2() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = perf_without_cluster(&[
        "run",
        "--suite",
        "trino",
        "--trino-url",
        &format!("http://127.0.0.1:{port}"),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: could not reach Trino at http://127.0.0.1:"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
    assert!(stdout(&output).is_empty());
}

#[test]
fn the_password_is_never_printed() {
    let scratch = Scratch::new("password");
    let password = scratch.file("password", "s3cr3t-Pa55\n");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = perf_without_cluster(&[
        "run",
        "--suite",
        "trino",
        "--trino-url",
        &format!("http://127.0.0.1:{port}"),
        "--trino-password-file",
        s(&password),
        "-v",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!stderr(&output).contains("s3cr3t") && !stdout(&output).contains("s3cr3t"));
    let missing = perf_without_cluster(&[
        "run",
        "--suite",
        "trino",
        "--trino-url",
        "http://127.0.0.1:1",
        "--trino-password-env",
        "KUBECTL_DP_NO_SUCH_VAR",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("KUBECTL_DP_NO_SUCH_VAR"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn the_default_path_names_the_coordinator_pod_it_cannot_reach() {
    // A coordinator as the Trino chart deploys it; kwok makes its pod Running and Ready.
    let ns = TestNamespace::new("perf-forward");
    apply(&format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: trino-coordinator\n  namespace: {ns}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}}\n  template:\n    metadata:\n      labels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}}\n    spec:\n      containers:\n      - name: trino-coordinator\n        image: trinodb/trino:476\n        ports:\n        - {{name: http, containerPort: 8080}}\n",
        ns = ns.name
    ));
    common::eventually(60, "the coordinator to be ready", || {
        kubectl(&[
            "get",
            "deployment",
            "trino-coordinator",
            "-n",
            &ns.name,
            "-o",
            "jsonpath={.status.readyReplicas}",
        ]) == "1"
    });
    let pod = kubectl(&[
        "get",
        "pods",
        "-n",
        &ns.name,
        "-o",
        "jsonpath={.items[0].metadata.name}",
    ]);
    let output = dp(
        BIN,
        &[
            "run",
            "-n",
            &ns.name,
            "--suite",
            "trino",
            "--iterations",
            "1",
            "--timeout",
            "20s",
            "-o",
            "json",
        ],
    );
    // No forward target for this pod: the one-line error names the pod it found.
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let err = stderr(&output);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains(&pod),
        "the error names the coordinator pod it found: {err}"
    );
    assert!(err.contains("--trino-url"), "{err}");

    // Without --suite the unreachable coordinator is Trino down: not measured,
    // which is never a pass (exit 2, one line naming the pod).
    let default = dp(BIN, &["run", "-n", &ns.name, "-o", "json"]);
    assert_eq!(default.status.code(), Some(2), "{}", stdout(&default));
    let err = stderr(&default);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: not measured: ") && err.contains(&pod),
        "{err}"
    );
    // --allow-missing: the run goes on and lists the skipped suites.
    let default = dp(
        BIN,
        &["run", "-n", &ns.name, "-o", "json", "--allow-missing"],
    );
    assert_eq!(default.status.code(), Some(0), "{}", stderr(&default));
    let report = json(&default);
    let skipped = report["skipped"].as_array().unwrap();
    let trino = skipped
        .iter()
        .find(|s| s["suite"] == "trino")
        .expect("trino skipped");
    assert!(trino["reason"].as_str().unwrap().contains(&pod), "{trino}");
    assert_eq!(trino["cause"], "unavailable");
    assert!(
        skipped.iter().any(|s| s["suite"] == "storage"),
        "no claim here: {skipped:?}"
    );
    assert!(report["spark"]["history"].as_array().unwrap().is_empty());

    // No coordinator at all: the suite says so and how to point at one.
    let empty = TestNamespace::new("perf-nocoord");
    let output = dp(BIN, &["run", "-n", &empty.name, "--suite", "trino"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("no Trino coordinator") && err.contains("--trino-url"),
        "{err}"
    );
}

#[test]
fn the_default_path_runs_queries_through_the_port_forward() {
    // kwok's kubelet connects the API server's port-forward to the real Trino.
    let ns = TestNamespace::new("perf-e2e");
    apply(&format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: trino-coordinator\n  namespace: {ns}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}}\n  template:\n    metadata:\n      labels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}}\n    spec:\n      containers:\n      - name: trino-coordinator\n        image: trinodb/trino:476\n        ports:\n        - {{name: http, containerPort: 8080}}\n",
        ns = ns.name
    ));
    common::eventually(60, "the coordinator to be ready", || {
        kubectl(&[
            "get",
            "deployment",
            "trino-coordinator",
            "-n",
            &ns.name,
            "-o",
            "jsonpath={.status.readyReplicas}",
        ]) == "1"
    });
    let pod = kubectl(&[
        "get",
        "pods",
        "-n",
        &ns.name,
        "-o",
        "jsonpath={.items[0].metadata.name}",
    ]);
    let target = trino_url().trim_start_matches("http://").to_string();
    common::forward_port(&ns.name, &pod, 8080, &target);
    let scratch = Scratch::new("e2e");
    let sql = scratch.file("set.sql", SMALL_SET);
    let _turn = trino_lock();
    // kwok picks the forward rule up through a watch: give it a moment.
    let mut output = dp(
        BIN,
        &[
            "run",
            "-n",
            &ns.name,
            "--suite",
            "trino",
            "--sql-file",
            s(&sql),
            "--iterations",
            "3",
            "-o",
            "json",
        ],
    );
    for _ in 0..10 {
        if output.status.code() == Some(0) {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
        output = dp(
            BIN,
            &[
                "run",
                "-n",
                &ns.name,
                "--suite",
                "trino",
                "--sql-file",
                s(&sql),
                "--iterations",
                "3",
                "-o",
                "json",
            ],
        );
    }
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    let endpoint = report["environment"]["trinoEndpoint"].as_str().unwrap();
    assert!(
        endpoint.starts_with("port-forward to pod")
            && endpoint.contains(&pod)
            && endpoint.contains(":8080"),
        "{endpoint}"
    );
    assert_eq!(report["environment"]["trinoVersion"], "476");
    assert!(
        report["environment"]["clusterVersion"]
            .as_str()
            .unwrap()
            .starts_with("v1.36")
    );
    let queries = report["trino"]["queries"].as_array().unwrap();
    assert_eq!(queries.len(), 2);
    for q in queries {
        assert_eq!(q["samples"].as_array().unwrap().len(), 3, "{q}");
        assert!(q["failures"].as_array().unwrap().is_empty(), "{q}");
    }
}
