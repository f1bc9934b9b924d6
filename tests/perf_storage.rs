//! `kubectl dp perf`'s storage suite against Ceph's RADOS Gateway (tests/s3/up)
//! and the local control plane (tests/cluster/up): it measures reads and writes
//! and deletes what it wrote, even when interrupted (no objects, no multipart
//! parts left behind).

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::perf::*;
use common::s3env::{block_on, client, s3_env};
use common::{TestNamespace, dp, stderr};

/// A claim bound to a real RGW bucket (tests/s3/up), as Rook would leave it.
fn bound_claim(ns: &str, name: &str) -> common::s3env::Provisioned {
    common::s3env::bound_claim(&s3_env(), ns, name)
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
