//! `kubectl dp tune plan` against the local cluster: the reference platform
//! needs nothing, broken by hand-tuning it gets every fault with numbers, bad
//! input is one line, and sizing refuses what cannot fit and says why.

mod common;

use common::tune::*;
use common::*;

fn rules(plan: &serde_json::Value) -> Vec<String> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn healthy_platform_needs_nothing() {
    let ns = platform("tune-healthy", false);
    let output = dp(BIN, &["plan", "-n", &ns.name]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("nothing to change"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn plan_finds_every_tuning_fault_with_numbers() {
    let ns = platform("tune-plan", true);
    let (plan, code) = plan_json(&ns.name);
    assert_eq!(code, 1);
    let rules = rules(&plan);
    for rule in [
        "trino.heap-share",
        "trino.g1",
        "trino.g1-region",
        "trino.legacy-jvm-flag",
        "trino.documented-jvm-flag",
        "trino.removed-property",
        "trino.query-memory-per-node",
        "trino.heap-headroom",
        "trino.query-max-memory",
        "trino.query-max-total-memory",
        "iceberg.invented-property",
        "iceberg.file-format",
        "iceberg.native-s3",
        "iceberg.s3-connections",
        "iceberg.metadata-cache",
        "iceberg.parquet-vectorized",
        "spark.aqe-parallelism-first",
        "spark.kryo-buffer",
        "spark.s3a-connections",
        "spark.memory-overhead",
    ] {
        assert!(
            rules.iter().any(|r| r == rule),
            "plan lacks {rule}: {rules:?}"
        );
    }
    let changes = plan["changes"].as_array().unwrap();
    let heap = changes
        .iter()
        .find(|c| c["object"]["name"] == "trino-coordinator" && c["setting"] == "-Xmx")
        .unwrap();
    assert_eq!(heap["current"], "-Xmx12G");
    assert_eq!(heap["proposed"], "-Xmx8G");
    assert_eq!(heap["line"], 3);
    assert!(heap["reason"].as_str().unwrap().contains("10Gi"), "{heap}");
    let worker = changes
        .iter()
        .find(|c| c["object"]["name"] == "trino-worker" && c["setting"] == "-Xmx")
        .unwrap();
    assert_eq!(worker["proposed"], "-Xmx12G");
    let invented = changes
        .iter()
        .find(|c| c["setting"] == "iceberg.split-size")
        .unwrap();
    assert!(invented["proposed"].is_null());
    // Garbage is a note naming file and line, not a crash.
    let notes = plan["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["file"] == "config.properties" && n["line"] == 10),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n["code"] == "spark.jars-packages"),
        "{notes:?}"
    );
    // The table says the same for people.
    let table = stdout(&dp(BIN, &["plan", "-n", &ns.name]));
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("configmap/trino-coordinator ")
                && l.contains(" jvm.config:3 ")
                && l.contains("-Xmx8G")),
        "{table}"
    );
    assert!(table.contains("config.properties line 10"), "{table}");
    let diff = stdout(&dp(BIN, &["plan", "-n", &ns.name, "-o", "diff"]));
    assert!(diff.contains("-Xmx12G\n+-Xmx8G\n"), "{diff}");
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let wrong_format = dp(BIN, &["plan", "-o", "csv"]);
    assert_eq!(wrong_format.status.code(), Some(2));
    let wrong_profile = dp(BIN, &["plan", "--profile", "fast"]);
    assert_eq!(wrong_profile.status.code(), Some(2));
    let all = dp(BIN, &["plan", "-A"]);
    assert_eq!(all.status.code(), Some(2));
    assert!(stderr(&all).contains("-n NAME"), "{}", stderr(&all));
    let bad_ns = dp(BIN, &["plan", "-n", "Not_A_Namespace"]);
    assert_eq!(bad_ns.status.code(), Some(2));
    assert_eq!(stderr(&bad_ns).lines().count(), 1, "{}", stderr(&bad_ns));
}

#[test]
fn sizing_refuses_what_cannot_fit_the_96gib_cluster_and_says_why() {
    let ns = broken_example("tune-size");
    // 10Gi + 6 x 28Gi = 178Gi: more than the 80Gi quota and than three 32Gi nodes hold.
    let output = dp(
        BIN,
        &[
            "plan",
            "-n",
            &ns.name,
            "--workers",
            "6",
            "--worker-memory",
            "28Gi",
            "-o",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let answer: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(answer["fits"], false);
    let failures = answer["failures"].to_string();
    assert!(
        failures
            .contains("ResourceQuota data-platform-quota limits.memory: Trino would need 178Gi"),
        "{failures}"
    );
    assert!(failures.contains("short by"), "{failures}");
    assert!(failures.contains("nodes: "), "{failures}");
    // A pod larger than any node is named as such.
    let output = dp(BIN, &["plan", "-n", &ns.name, "--worker-memory", "40Gi"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("larger than any node (32Gi allocatable at most): short by 8Gi"),
        "{}",
        stdout(&output)
    );
    // apply refuses the same request and writes nothing.
    let before = config_maps(&ns.name);
    let refused = dp(
        BIN,
        &[
            "apply",
            "-n",
            &ns.name,
            "--workers",
            "6",
            "--worker-memory",
            "28Gi",
            "--yes",
        ],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("does not fit"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(config_maps(&ns.name), before);
    let bad = dp(BIN, &["plan", "-n", &ns.name, "--budget", "lots"]);
    assert_eq!(bad.status.code(), Some(2));
}
