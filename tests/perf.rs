//! `kubectl dp perf` against its real peers: a real Trino 476 (tests/trino/up),
//! the local control plane (tests/cluster/up) and Ceph's RADOS Gateway
//! (tests/s3/up). Spark has no operator here: the spark test writes the status
//! the spark-operator would write, as examples/platform/set-status does.
//!
//! Trino tests read KUBECTL_DP_TEST_TRINO_URL (or target/trino/env). The
//! regression gate (compare, nothing measured) is tested in tests/perf_gate.rs.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::s3env::{block_on, client, provision, s3_env};
use common::{TestNamespace, apply, dp, kubectl, stderr, stdout};

const BIN: &str = env!("CARGO_BIN_EXE_kubectl-dp-perf");

fn trino_url() -> String {
    if let Ok(url) = std::env::var("KUBECTL_DP_TEST_TRINO_URL") {
        return url;
    }
    let text =
        std::fs::read_to_string(common::repo_root().join("target/trino/env")).unwrap_or_default();
    let vars: BTreeMap<&str, &str> = text
        .lines()
        .filter_map(|l| l.trim_start_matches("export ").split_once('='))
        .collect();
    vars.get("KUBECTL_DP_TEST_TRINO_URL")
        .map(|s| s.to_string())
        .unwrap_or_else(|| {
            panic!("KUBECTL_DP_TEST_TRINO_URL is not set: start Trino with `eval \"$(tests/trino/up)\"`")
        })
}

/// A scratch directory for files a test writes, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("kubectl-dp-perf-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs perf without any cluster (KUBECONFIG points nowhere): only --trino-url.
fn perf_without_cluster(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run kubectl-dp-perf")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The output as JSON; a report (PerfReport, PerfComparison) must also match
/// its schema in docs/schema/.
fn json(output: &Output) -> serde_json::Value {
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            stdout(output),
            stderr(output)
        )
    });
    if value.get("apiVersion").is_some() {
        common::schema::assert_valid(&value);
    }
    value
}

/// Tests that time queries take turns on the one Trino, so that they do not
/// add each other's load to what they measure.
fn trino_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

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

// ------------------------------------------------------------ with the cluster ---

/// A claim bound to a real RGW bucket (tests/s3/up), as Rook would leave it.
fn bound_claim(ns: &str, name: &str) -> common::s3env::Provisioned {
    let env = s3_env();
    apply(&format!(
        "apiVersion: objectbucket.io/v1alpha1\nkind: ObjectBucketClaim\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  generateBucketName: {name}\n  storageClassName: ceph-bucket\n"
    ));
    provision(&env, ns, name, true)
}

fn unfinished_uploads(bucket: &str, provisioned: &common::s3env::Provisioned) -> usize {
    let env = s3_env();
    let owner = client(&env.endpoint, &provisioned.access, &provisioned.secret);
    block_on(owner.multipart_uploads(bucket, ""))
        .expect("list uploads")
        .len()
}

fn objects_in(bucket: &str, provisioned: &common::s3env::Provisioned) -> u64 {
    let env = s3_env();
    let owner = client(&env.endpoint, &provisioned.access, &provisioned.secret);
    block_on(owner.usage(bucket)).expect("list bucket").objects
}

#[test]
fn storage_suite_measures_rgw_and_deletes_what_it_wrote() {
    let ns = TestNamespace::new("perf-storage");
    let claim = bound_claim(&ns.name, "bench");
    let scratch = Scratch::new("storage");
    let junit = scratch.path("storage.xml");
    let output = dp(
        BIN,
        &[
            "run",
            "-n",
            &ns.name,
            "--suite",
            "storage",
            "--object-size",
            "64KiB,1MiB,10MiB",
            "--multipart-threshold",
            "6MiB",
            "--iterations",
            "5",
            "--concurrency",
            "2",
            "-o",
            "json",
            "--junit",
            s(&junit),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    let storage = &report["storage"];
    assert_eq!(storage["bucket"], claim.bucket.as_str());
    assert_eq!(storage["claim"], format!("{}/bench", ns.name));
    let ops = storage["operations"].as_array().unwrap();
    assert_eq!(ops.len(), 6, "PUT and GET for each size");
    for op in ops {
        assert_eq!(op["samples"].as_array().unwrap().len(), 5, "{op}");
        assert!(op["failures"].as_array().unwrap().is_empty(), "{op}");
        assert!(op["throughputBytesPerSecond"].as_f64().unwrap() > 0.0);
        assert!(op["latency"]["p99"].is_null());
        // From the threshold up, objects go in parts (8MiB + 2MiB); GET checks
        // that the whole object came back.
        let large = op["objectSize"] == 10 << 20;
        assert_eq!(op["multipart"], large, "{op}");
    }
    // 5 measured + 1 warm-up object per size, every one deleted again.
    assert_eq!(storage["objectsWritten"], 18);
    assert_eq!(storage["objectsDeleted"], 18);
    assert_eq!(unfinished_uploads(&claim.bucket, &claim), 0);
    assert_eq!(
        objects_in(&claim.bucket, &claim),
        0,
        "the bucket is empty again"
    );
    assert!(
        report["environment"]["clusterVersion"]
            .as_str()
            .unwrap()
            .starts_with("v1.")
    );
    assert!(report["environment"]["nodeCount"].as_u64().unwrap() >= 1);
    let xml = std::fs::read_to_string(&junit).unwrap();
    roxmltree::Document::parse(&xml).expect("valid JUnit XML");
}

#[test]
fn an_interrupted_storage_run_leaves_no_objects() {
    interrupt_storage_run("perf-interrupt", "256KiB");
}

#[test]
fn an_interrupted_multipart_run_leaves_no_objects_and_no_parts() {
    interrupt_storage_run("perf-interrupt-parts", "10MiB");
}

/// Interrupts a storage run of `size` objects (multipart from 6MiB up) once
/// it has written five, and checks that it cleaned up.
fn interrupt_storage_run(prefix: &str, size: &str) {
    let ns = TestNamespace::new(prefix);
    let claim = bound_claim(&ns.name, "bench");
    let mut child = Command::new(BIN)
        .args([
            "run",
            "-n",
            &ns.name,
            "--suite",
            "storage",
            "--object-size",
            size,
            "--multipart-threshold",
            "6MiB",
            "--iterations",
            "100000",
            "--warmup",
            "0",
        ])
        .env("KUBECONFIG", common::kubeconfig())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until objects are being written, then Ctrl-C.
    let started = Instant::now();
    while objects_in(&claim.bucket, &claim) < 5 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "perf wrote nothing within 60s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "perf did not stop after SIGINT");
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = child.wait_with_output().unwrap();
    assert_eq!(exit.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("interrupted") && err.contains("deleted"),
        "{err}"
    );
    assert_eq!(
        objects_in(&claim.bucket, &claim),
        0,
        "an interrupted run leaves no objects"
    );
    assert_eq!(
        unfinished_uploads(&claim.bucket, &claim),
        0,
        "an interrupted run leaves no multipart upload"
    );
}

#[test]
fn spark_suite_times_an_application_from_its_status() {
    let ns = TestNamespace::new("perf-spark");
    let scratch = Scratch::new("spark");
    let app = scratch.file(
        "app.yaml",
        "apiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication\nmetadata:\n  name: nightly\nspec:\n  type: Scala\n  mode: cluster\n  image: spark:3.5.3\n  mainApplicationFile: local:///opt/spark/examples/jars/spark-examples.jar\n  sparkVersion: 3.5.3\n  driver:\n    cores: 1\n    memory: 512m\n  executor:\n    instances: 1\n    cores: 1\n    memory: 512m\n",
    );
    let mut child = Command::new(BIN)
        .args([
            "run",
            "-n",
            &ns.name,
            "--suite",
            "spark",
            "--spark-app",
            s(&app),
            "--iterations",
            "1",
            "--timeout",
            "60s",
            "-o",
            "json",
        ])
        .env("KUBECONFIG", common::kubeconfig())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Play the spark-operator: the application ran 42 s.
    let started = Instant::now();
    let name = loop {
        let names = kubectl(&[
            "get",
            "sparkapplications",
            "-n",
            &ns.name,
            "-o",
            "jsonpath={.items[*].metadata.name}",
        ]);
        if let Some(name) = names.split_whitespace().next() {
            break name.to_string();
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no SparkApplication was submitted"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(name.starts_with("nightly-perf-"), "{name}");
    kubectl(&[
        "patch",
        "sparkapplication",
        &name,
        "-n",
        &ns.name,
        "--subresource=status",
        "--type=merge",
        "-p",
        r#"{"status":{"driverInfo":{},"applicationState":{"state":"COMPLETED"},"lastSubmissionAttemptTime":"2026-12-01T10:00:00Z","terminationTime":"2026-12-01T10:00:42Z","executionAttempts":1}}"#,
    ]);
    let output = child_output(&mut child, 60);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    let run = &report["spark"]["runs"][0];
    assert_eq!(run["name"], name.as_str());
    assert_eq!(run["state"], "COMPLETED");
    assert_eq!(run["durationSeconds"], 42.0);
    assert_eq!(report["spark"]["duration"]["n"], 1);
    // Cleaned up.
    let left = kubectl(&["get", "sparkapplications", "-n", &ns.name, "-o", "name"]);
    assert!(left.trim().is_empty(), "left behind: {left}");
}

#[test]
fn spark_history_summarises_durations_and_failures() {
    let ns = TestNamespace::new("perf-history");
    for (name, state, end) in [
        ("ingest-29301", "COMPLETED", "2026-12-01T10:01:00Z"),
        ("ingest-29302", "FAILED", "2026-12-01T10:00:10Z"),
        ("compaction-29301", "COMPLETED", "2026-12-01T10:30:00Z"),
    ] {
        apply(&format!(
            "apiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication\nmetadata:\n  name: {name}\n  namespace: {}\nspec:\n  type: Scala\n  mode: cluster\n  sparkVersion: 3.5.3\n  mainApplicationFile: local:///opt/spark/examples/jars/spark-examples.jar\n  driver: {{cores: 1, memory: 512m}}\n  executor: {{cores: 1, instances: 1, memory: 512m}}\n",
            ns.name
        ));
        kubectl(&[
            "patch",
            "sparkapplication",
            name,
            "-n",
            &ns.name,
            "--subresource=status",
            "--type=merge",
            "-p",
            &format!(
                r#"{{"status":{{"driverInfo":{{}},"applicationState":{{"state":"{state}"}},"lastSubmissionAttemptTime":"2026-12-01T10:00:00Z","terminationTime":"{end}"}}}}"#
            ),
        ]);
    }
    let output = dp(
        BIN,
        &[
            "run",
            "-n",
            &ns.name,
            "--suite",
            "spark",
            "--history",
            "-o",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    let history = report["spark"]["history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{history:?}");
    assert_eq!(history[0]["application"], "compaction");
    assert_eq!(history[0]["duration"]["p50"], 1800.0);
    assert_eq!(history[1]["application"], "ingest");
    assert_eq!(history[1]["runs"], 2);
    assert_eq!(history[1]["failed"], 1);
    assert_eq!(history[1]["failureRate"], 0.5);
    assert!(
        report["spark"]["runs"].as_array().unwrap().is_empty(),
        "--history submits nothing"
    );
}

fn child_output(child: &mut std::process::Child, seconds: u64) -> Output {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while child.try_wait().unwrap().is_none() {
        assert!(
            Instant::now() < deadline,
            "perf did not finish within {seconds}s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut out = Vec::new();
    let mut err = Vec::new();
    use std::io::Read;
    child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
    child.stderr.take().unwrap().read_to_end(&mut err).unwrap();
    Output {
        status: child.wait().unwrap(),
        stdout: out,
        stderr: err,
    }
}

/// Whether the test cluster serves metrics.k8s.io (a real metrics-server).
fn metrics_api_served() -> bool {
    let output = common::kubectl_output(&["get", "--raw", "/apis/metrics.k8s.io/v1beta1"], None);
    output.status.success()
}

#[test]
fn resources_suite_without_the_metrics_api_says_why() {
    if metrics_api_served() {
        // Covered by the end-to-end test below.
        return;
    }
    let ns = TestNamespace::new("perf-resources");
    let output = dp(BIN, &["run", "-n", &ns.name, "--suite", "resources"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("(metrics.k8s.io) is not served"), "{err}");
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

#[test]
fn resources_suite_measures_use_against_requests_and_limits() {
    if !metrics_api_served() {
        panic!("metrics.k8s.io is not served: tests/cluster/up starts metrics-server");
    }
    let ns = TestNamespace::new("perf-usage");
    let deployment = |name: &str, cpu: &str, memory: &str, requests: &str, limits: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n      annotations: {annotations}\n    spec:\n      containers:\n      - name: main\n        image: example/{name}:1\n        resources:\n          requests: {requests}\n          limits: {limits}\n",
            ns = ns.name,
            annotations = common::usage_annotations(cpu, memory)
        )
    };
    apply(&deployment(
        "nessie",
        "100m",
        "950Mi",
        "{cpu: '1', memory: 1Gi}",
        "{memory: 1Gi}",
    ));
    apply(&deployment(
        "trino-coordinator",
        "1500m",
        "4Gi",
        "{cpu: '2', memory: 4Gi}",
        "{memory: 8Gi}",
    ));
    // metrics-server scrapes kwok's kubelets every few seconds.
    common::eventually(90, "metrics for both pods", || {
        let out = common::kubectl_output(
            &[
                "get",
                "--raw",
                &format!("/apis/metrics.k8s.io/v1beta1/namespaces/{}/pods", ns.name),
            ],
            None,
        );
        let text = String::from_utf8_lossy(&out.stdout);
        text.contains("nessie") && text.contains("trino-coordinator")
    });
    let output = dp(
        BIN,
        &["run", "-n", &ns.name, "--suite", "resources", "-o", "json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    let components = report["resources"]["components"].as_array().unwrap();
    let by_name = |n: &str| {
        components
            .iter()
            .find(|c| c["component"] == n)
            .unwrap_or_else(|| panic!("{n} in {components:?}"))
    };
    let nessie = by_name("nessie");
    let flags: Vec<&str> = nessie["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(flags.contains(&"near-memory-limit"), "{nessie}");
    assert!(flags.contains(&"over-requested-cpu"), "{nessie}");
    let memory = nessie["memoryBytes"].as_u64().unwrap();
    assert!((900 << 20..=1000 << 20).contains(&memory), "{nessie}");
    let trino = by_name("trino-coordinator");
    let cpu = trino["cpuMillis"].as_u64().unwrap();
    assert!((1300..=1700).contains(&cpu), "{trino}");
    assert_eq!(trino["memoryLimitBytes"], 8u64 << 30);
    let headroom = trino["memoryHeadroom"].as_f64().unwrap();
    assert!((0.45..0.55).contains(&headroom), "{trino}");
    let table = dp(BIN, &["run", "-n", &ns.name, "--suite", "resources"]);
    assert!(
        stdout(&table).contains("near-memory-limit"),
        "{}",
        stdout(&table)
    );
}
