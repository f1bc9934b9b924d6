//! `kubectl dp perf`'s Spark suite on the local control plane. Spark has no
//! operator here: the tests write the status the spark-operator would write, as
//! examples/platform/set-status does.

mod common;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::perf::*;
use common::{TestNamespace, apply, dp, kubectl, stderr};

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
