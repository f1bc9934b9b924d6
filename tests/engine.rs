//! The engine loop of docs/perf.md ("On the real engine"), short, so that the
//! path cannot rot: the untuned platform (tests/engine/platform) on the local
//! cluster, a real multi-node Trino 476 started with the files its ConfigMaps
//! hold (scaled by one factor, tests/engine/etc.rs), TPC-H Iceberg tables on the
//! Ceph RGW, `perf run` through the cluster's port-forward, `tune apply`, the
//! engine restarted with the tuned files, `perf run --baseline`. One query, four
//! rounds a side. It asserts that every step did its part (the plan, the files
//! the engine ran, Trino's statistics, the comparison), never a speed: how much
//! faster the tuned engine is, is bench/engine-ab.sh's question (BENCHMARKS.md).
//!
//! Needs tests/cluster/up and tests/s3/up (tests/run starts both); starts and
//! stops its own Trino and catalog database in target/engine-test/.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{
    TestNamespace, apply, dp, forward_port, kubectl, render_example, repo_root, stderr, stdout,
};
use serde_json::Value;

const PERF: &str = env!("CARGO_BIN_EXE_kubectl-dp-perf");
const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");
/// A 16Gi worker becomes 1 GiB here.
const FACTOR: &str = "1/16";

fn state() -> PathBuf {
    repo_root().join("target/engine-test")
}

/// The engine-etc example, built beside this test by `cargo build --all-targets`
/// (tests/run), else built now.
fn engine_etc() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let built = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples/engine-etc");
    if !built.is_file() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--example", "engine-etc"])
            .current_dir(repo_root())
            .status()
            .expect("cargo build --example engine-etc");
        assert!(status.success());
    }
    built
}

/// The S3 gateway's variables: the environment (tests/run), else target/s3/env.
fn s3_env() -> Vec<(String, String)> {
    if let Ok(endpoint) = std::env::var("KUBECTL_DP_TEST_S3_ENDPOINT") {
        let var = |k: &str| std::env::var(k).unwrap_or_default();
        return [
            ("KUBECTL_DP_TEST_S3_ENDPOINT", endpoint),
            (
                "KUBECTL_DP_TEST_S3_ACCESS_KEY",
                var("KUBECTL_DP_TEST_S3_ACCESS_KEY"),
            ),
            (
                "KUBECTL_DP_TEST_S3_SECRET_KEY",
                var("KUBECTL_DP_TEST_S3_SECRET_KEY"),
            ),
            ("KUBECTL_DP_TEST_S3_CONF", var("KUBECTL_DP_TEST_S3_CONF")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    }
    let text = std::fs::read_to_string(repo_root().join("target/s3/env"))
        .expect("no S3 gateway: start it with tests/s3/up (tests/run does)");
    text.lines()
        .filter_map(|l| l.strip_prefix("export ")?.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A script of tests/ with the engine's environment; its stdout, or a panic with its stderr.
fn script(path: &str, args: &[&str], etc: Option<&Path>) -> String {
    let mut command = Command::new(repo_root().join(path));
    command
        .args(args)
        .envs(s3_env())
        .env("KUBECTL_DP_TRINO_STATE", state().join("trino"))
        .env("KUBECTL_DP_TRINO_WORKERS", "2")
        .env("KUBECTL_DP_TRINO_ICEBERG", "1");
    if let Some(etc) = etc {
        command.env("KUBECTL_DP_TRINO_ETC", etc);
    }
    let output = command.output().expect(path);
    assert!(
        output.status.success(),
        "{path} {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// tests/trino/up with these files, once more after a failed start: three
/// JVMs starting at once on a shared 2-core machine have lost one before it
/// wrote a line of log (CI, 2026-12-06), as tests/run retries its own Trino.
/// A second failure is the test's.
fn start_engine(etc: &Path) -> String {
    let first = Command::new(repo_root().join("tests/trino/up"))
        .envs(s3_env())
        .env("KUBECTL_DP_TRINO_STATE", state().join("trino"))
        .env("KUBECTL_DP_TRINO_WORKERS", "2")
        .env("KUBECTL_DP_TRINO_ICEBERG", "1")
        .env("KUBECTL_DP_TRINO_ETC", etc)
        .output()
        .expect("tests/trino/up");
    if first.status.success() {
        return String::from_utf8_lossy(&first.stdout).into_owned();
    }
    eprintln!(
        "tests/trino/up failed once; stopping what it left and starting again: {}",
        String::from_utf8_lossy(&first.stderr)
    );
    let _ = Command::new(repo_root().join("tests/trino/down"))
        .env("KUBECTL_DP_TRINO_STATE", state().join("trino"))
        .output();
    script("tests/trino/up", &[], Some(etc))
}

/// Stops the engine's Trino and catalog database, also when the test fails.
struct Engine;

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = Command::new(repo_root().join("tests/trino/down"))
            .env("KUBECTL_DP_TRINO_STATE", state().join("trino"))
            .output();
    }
}

/// The cluster's Trino files now, scaled into `state/etc-NAME`; the local engine
/// restarted with them and the namespace's port-forward pointed at it.
fn restart_from_cluster(ns: &str, name: &str) -> PathBuf {
    let dump = state().join(format!("{name}-cluster.json"));
    let list = kubectl(&[
        "get",
        "deployments,statefulsets,configmaps",
        "-n",
        ns,
        "-o",
        "json",
    ]);
    std::fs::write(&dump, list).unwrap();
    let etc = state().join(format!("etc-{name}"));
    let _ = std::fs::remove_dir_all(&etc);
    let out = Command::new(engine_etc())
        .args(["--cluster", dump.to_str().unwrap(), "--factor", FACTOR])
        .args(["--out", etc.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "engine-etc: {}", stderr(&out));
    let _ = Command::new(repo_root().join("tests/trino/down"))
        .env("KUBECTL_DP_TRINO_STATE", state().join("trino"))
        .output();
    let env = start_engine(&etc);
    // A coordinator and two workers, all active (tests/trino/up waits for them).
    assert!(env.contains("KUBECTL_DP_TEST_TRINO_NODES=3\n"), "{env}");
    let url = env
        .lines()
        .find_map(|l| l.strip_prefix("export KUBECTL_DP_TEST_TRINO_URL=http://"))
        .expect("tests/trino/up printed the URL")
        .to_string();
    forward_port(ns, "--all", 8080, &url);
    etc
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `perf run` through the cluster: one query, four rounds after one warm-up round.
fn perf(ns: &str, sql: &Path, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["run", "-n", ns, "--suite", "trino", "--sql-file"];
    args.push(sql.to_str().unwrap());
    args.extend(["--iterations", "4", "--warmup", "1", "-o", "json"]);
    args.extend(extra);
    // kwok reads a new forward rule through a watch: the first connection may miss it.
    let mut output = dp(PERF, &args);
    for _ in 0..5 {
        if output.status.code() != Some(2) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
        output = dp(PERF, &args);
    }
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "perf run: not JSON ({e}): {}\n{}",
            stdout(&output),
            stderr(&output)
        )
    });
    common::schema::assert_valid(&report);
    (output.status.code(), report)
}

fn setting<'a>(report: &'a Value, object: &str, key: &str) -> Option<&'a str> {
    report["environment"]["tunedSettings"]
        .as_array()?
        .iter()
        .find(|s| s["object"].as_str().is_some_and(|o| o.ends_with(object)) && s["key"] == key)
        .and_then(|s| s["value"].as_str())
}

/// Waits until every Deployment and StatefulSet of `ns` has its replicas ready
/// (kwok plays the kubelets), naming the pods that are not when it gives up.
fn workloads_ready(ns: &str) {
    let ready = || {
        let out = kubectl(&[
            "get",
            "deployments,statefulsets",
            "-n",
            ns,
            "-o",
            "jsonpath={range .items[*]}{.spec.replicas}/{.status.readyReplicas} {end}",
        ]);
        !out.trim().is_empty()
            && out.split_whitespace().all(|pair| {
                let (want, have) = pair.split_once('/').unwrap_or(("1", "0"));
                want == have
            })
    };
    for _ in 0..240 {
        if ready() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    panic!(
        "the workloads of {ns} are not ready after 120 s:\n{}",
        kubectl(&[
            "get",
            "deployments,statefulsets,pods",
            "-n",
            ns,
            "-o",
            "wide"
        ])
    );
}

#[test]
fn tune_then_perf_on_the_real_engine() {
    let _turn = common::platform_lock();
    let ns = TestNamespace::waited("engine");
    std::fs::create_dir_all(state()).unwrap();
    apply(&render_example("tests/engine/platform", &ns.name));
    let set_status = Command::new(repo_root().join("examples/platform/set-status"))
        .args([
            "-n",
            &ns.name,
            "--kubeconfig",
            common::path_str(&common::kubeconfig()),
        ])
        .env("KUBECTL", common::kubectl_path())
        .output()
        .unwrap();
    assert!(set_status.status.success(), "{}", stderr(&set_status));
    workloads_ready(&ns.name);

    // The plan: exactly the untuned platform's differences from the reference.
    let plan = dp(TUNE, &["plan", "-n", &ns.name, "-o", "json"]);
    let plan: Value = serde_json::from_slice(&plan.stdout).expect("tune plan JSON");
    let mut changes: Vec<String> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {}",
                c["object"]["name"].as_str().unwrap(),
                c["setting"].as_str().unwrap(),
                c["proposed"].as_str().unwrap_or("-")
            )
        })
        .collect();
    changes.sort();
    assert_eq!(
        changes,
        [
            "tpch-report sparkConf.spark.serializer org.apache.spark.serializer.KryoSerializer",
            "tpch-report sparkConf.spark.sql.adaptive.coalescePartitions.parallelismFirst false",
            "tpch-report sparkConf.spark.sql.adaptive.enabled true",
            "trino-catalog iceberg.metadata-cache.enabled true",
            "trino-catalog parquet.experimental.vectorized-decoding.enabled true",
            "trino-catalog s3.max-connections 500",
            "trino-coordinator -Xmx -Xmx8G",
            "trino-coordinator query.max-memory 10GB",
            "trino-worker -Xmx -Xmx12G",
        ]
    );

    // The engine runs what the ConfigMaps hold, scaled: 9G of a 16Gi worker is 576M here.
    let _engine = Engine;
    let etc = restart_from_cluster(&ns.name, "before");
    assert!(read(etc.join("worker/jvm.config")).contains("-Xmx576M\n"));
    assert!(read(etc.join("worker/config.properties")).contains("query.max-memory-per-node=320MB"));
    let catalog = read(state().join("trino/catalog/iceberg.properties"));
    assert!(
        catalog.contains("iceberg.metadata-cache.enabled=false"),
        "{catalog}"
    );
    assert!(catalog.contains("iceberg.catalog.type=jdbc"), "{catalog}");
    assert!(!catalog.contains("nessie"), "{catalog}");

    let schema = script("tests/engine/load", &["tiny"], None);
    let sql = state().join("query.sql");
    std::fs::write(
        &sql,
        format!(
            "-- name: q06-forecast-revenue\nSELECT sum(extendedprice * discount) FROM {}.lineitem WHERE shipdate >= DATE '1994-01-01' AND shipdate < DATE '1995-01-01' AND discount BETWEEN 0.05 AND 0.07 AND quantity < 24;\n",
            schema.trim()
        ),
    )
    .unwrap();
    let before = state().join("before.json");
    let (code, report) = perf(&ns.name, &sql, &["--save", before.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{report}");
    assert!(
        report["environment"]["trinoEndpoint"]
            .as_str()
            .is_some_and(|e| e.starts_with("port-forward to pod")),
        "{report}"
    );
    assert_eq!(
        setting(&report, "trino-worker", "heap"),
        Some("9G"),
        "{report}"
    );
    // Trino's own statistics: the workers read the table's files from the RGW.
    let engine = &report["trino"]["queries"][0]["summary"]["engine"];
    assert!(
        (1.0..=2.0).contains(&engine["nodes"].as_f64().unwrap()),
        "{engine}"
    );
    assert!(engine["splits"].as_f64().unwrap() >= 1.0, "{engine}");
    assert!(
        engine["physicalInputBytes"].as_f64().unwrap() > 0.0,
        "{engine}"
    );
    // tpch.tiny.lineitem has 60,175 rows; Parquet statistics may skip some.
    let rows = engine["inputRows"].as_f64().unwrap();
    assert!(rows > 0.0 && rows <= 60175.0, "{engine}");

    // tune apply writes the ConfigMaps; the engine restarts with the new files.
    let applied = dp(
        TUNE,
        &[
            "apply",
            "-n",
            &ns.name,
            "--yes",
            "--force-conflicts",
            "--restart",
        ],
    );
    assert!(applied.status.success(), "tune apply: {}", stderr(&applied));
    workloads_ready(&ns.name);
    let etc = restart_from_cluster(&ns.name, "after");
    assert!(read(etc.join("worker/jvm.config")).contains("-Xmx768M\n"));
    assert!(read(etc.join("coordinator/config.properties")).contains("query.max-memory=640MB"));
    let catalog = read(state().join("trino/catalog/iceberg.properties"));
    assert!(
        catalog.contains("iceberg.metadata-cache.enabled=true"),
        "{catalog}"
    );
    assert!(catalog.contains("s3.max-connections=500"), "{catalog}");

    // perf against the baseline: a comparison of the one query, whatever its verdict.
    let (code, report) = perf(&ns.name, &sql, &["--baseline", before.to_str().unwrap()]);
    assert!(matches!(code, Some(0 | 1)), "exit {code:?}: {report}");
    assert_eq!(
        setting(&report, "trino-worker", "heap"),
        Some("12G"),
        "{report}"
    );
    let rows = report["comparison"]["rows"].as_array().unwrap();
    let row = rows
        .iter()
        .find(|r| r["name"] == "q06-forecast-revenue")
        .unwrap();
    assert_eq!(
        (row["oldN"].as_u64(), row["newN"].as_u64()),
        (Some(4), Some(4)),
        "{row}"
    );
    assert!(row["changePercent"].is_number(), "{row}");
    assert!(
        ["faster", "slower", "within noise", "regression"]
            .contains(&row["verdict"].as_str().unwrap()),
        "{row}"
    );
}
