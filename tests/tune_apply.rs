//! `kubectl dp tune apply`, `rollback` and `export` against the local cluster:
//! the reference platform broken by hand-tuning, applied, planned again, rolled
//! back to the exact bytes; the Helm values carry only what the plan changes.

mod common;

use common::tune::*;
use common::*;

#[test]
fn apply_is_idempotent_and_rollback_restores_exact_bytes() {
    let ns = platform("tune-apply", true);
    let before = config_maps(&ns.name);
    let spark_before = kubectl(&[
        "get",
        "sparkapplication",
        "nightly-compaction",
        "-n",
        &ns.name,
        "-o",
        "jsonpath={.spec.sparkConf}",
    ]);

    // A server-side dry run writes nothing.
    let dry = dp(
        BIN,
        &[
            "apply",
            "-n",
            &ns.name,
            "--dry-run=server",
            "--force-conflicts",
        ],
    );
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert!(stdout(&dry).contains("nothing written"), "{}", stdout(&dry));
    assert_eq!(config_maps(&ns.name), before);

    // Without a terminal and without --yes it refuses.
    let refused = dp(BIN, &["apply", "-n", &ns.name, "--force-conflicts"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("--yes"), "{}", stderr(&refused));
    assert_eq!(config_maps(&ns.name), before);

    // The example was created by `kubectl apply`: kubectl-client-side-apply owns its keys.
    let applied = dp(
        BIN,
        &["apply", "-n", &ns.name, "--yes", "--force-conflicts"],
    );
    assert_eq!(
        applied.status.code(),
        Some(0),
        "{}{}",
        stdout(&applied),
        stderr(&applied)
    );
    assert!(
        stdout(&applied).contains("backup: configmap/kubectl-dp-tune-backup-"),
        "{}",
        stdout(&applied)
    );

    // Idempotent: nothing more to propose.
    let (plan, _) = plan_json(&ns.name);
    assert_eq!(plan["changes"].as_array().unwrap().len(), 0, "{plan}");
    let after = config_maps(&ns.name);
    let worker_jvm = after
        .as_array()
        .unwrap()
        .iter()
        .find_map(|d| d["jvm.config"].as_str().filter(|t| t.contains("# Workers")))
        .unwrap();
    // Only the lines that had to change: comments and order kept.
    assert!(
        worker_jvm.starts_with(
            "-server\n# Workers: 6G of 16Gi\n-Xmx12G\n-XX:+ExplicitGCInvokesConcurrent\n"
        ),
        "{worker_jvm}"
    );
    assert!(
        worker_jvm.ends_with("-XX:+UseG1GC\n-XX:G1HeapRegionSize=32M\n"),
        "{worker_jvm}"
    );
    let catalog = after
        .as_array()
        .unwrap()
        .iter()
        .find_map(|d| d["iceberg.properties"].as_str())
        .unwrap();
    assert!(
        catalog.contains("# Credentials of the ObjectBucketClaim"),
        "{catalog}"
    );
    assert!(
        !catalog.contains("iceberg.split-size") && catalog.contains("fs.native-s3.enabled=true"),
        "{catalog}"
    );
    assert!(
        catalog.contains("iceberg.compression-codec=zstd")
            && !catalog.contains("iceberg.compression="),
        "{catalog}"
    );
    // Server-side apply under our field manager.
    let managers = kubectl(&[
        "get",
        "configmap",
        "trino-worker",
        "-n",
        &ns.name,
        "--show-managed-fields",
        "-o",
        "jsonpath={.metadata.managedFields[*].manager}",
    ]);
    assert!(managers.contains("kubectl-dp"), "{managers}");
    // status agrees: no Trino heap or memory finding left.
    let status_bin = env!("CARGO_BIN_EXE_kubectl-dp-status");
    let status = stdout(&dp(status_bin, &["-n", &ns.name, "-o", "json"]));
    for code in [
        "trino.heap-above-limit",
        "trino.heap-near-limit",
        "trino.query-memory-exceeds-heap",
        "trino.removed-property",
        "trino.legacy-jvm-flag",
        "trino.catalog-unknown-property",
    ] {
        assert!(
            !status.contains(code),
            "status still reports {code} after apply"
        );
    }

    let rolled = dp(BIN, &["rollback", "-n", &ns.name, "--yes"]);
    assert_eq!(
        rolled.status.code(),
        Some(0),
        "{}{}",
        stdout(&rolled),
        stderr(&rolled)
    );
    assert_eq!(
        config_maps(&ns.name),
        before,
        "rollback must restore byte-identical ConfigMaps"
    );
    let spark_after = kubectl(&[
        "get",
        "sparkapplication",
        "nightly-compaction",
        "-n",
        &ns.name,
        "-o",
        "jsonpath={.spec.sparkConf}",
    ]);
    assert_eq!(spark_after, spark_before);
    // The backup was used up: a second rollback has nothing to restore.
    let again = dp(BIN, &["rollback", "-n", &ns.name, "--yes"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("not found"), "{}", stderr(&again));
}

fn normalised(ns: &str) -> String {
    config_maps(ns).to_string().replace(ns, "NAMESPACE")
}

#[test]
fn examples_broken_apply_and_export_agree_and_rollback_restores() {
    let applied_ns = broken_example("tune-broken-apply");
    let exported_ns = broken_example("tune-broken-export");
    let before = config_maps(&applied_ns.name);

    let (plan, code) = plan_json(&applied_ns.name);
    assert_eq!(code, 1);
    // The human view of the plan on the broken example (golden).
    let table = stdout(&dp(
        BIN,
        &["plan", "-n", &applied_ns.name, "--color", "never"],
    ));
    common::golden::assert_golden(
        "tune-plan-broken",
        &common::golden::mask(&table, &applied_ns.name),
    );
    let changes = plan["changes"].as_array().unwrap();
    let has = |name: &str, setting: &str, proposed: serde_json::Value| {
        changes.iter().any(|c| {
            c["object"]["name"] == name && c["setting"] == setting && c["proposed"] == proposed
        })
    };
    // Faults jvm-heap-exceeds-limit, unknown-catalog-property, removed-trino-property.
    assert!(has("trino-worker", "-Xmx", "-Xmx12G".into()), "{plan}");
    assert!(
        has(
            "trino-catalog",
            "iceberg.split-size",
            serde_json::Value::Null
        ),
        "{plan}"
    );
    assert!(
        has(
            "trino-catalog",
            "iceberg.metadata.cache-ttl",
            serde_json::Value::Null
        ),
        "{plan}"
    );
    assert!(
        has(
            "trino-coordinator",
            "query.max-total-memory-per-node",
            serde_json::Value::Null
        ),
        "{plan}"
    );
    // Fault spark-jars-packages is a warning, and failed-report's driver gets a result size it can hold.
    assert!(
        plan["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["code"] == "spark.jars-packages" && n["object"]["name"] == "daily-ingest")
    );
    assert!(
        has(
            "failed-report",
            "sparkConf.spark.driver.maxResultSize",
            "512m".into()
        ),
        "{plan}"
    );

    let applied = dp(
        BIN,
        &[
            "apply",
            "-n",
            &applied_ns.name,
            "--yes",
            "--force-conflicts",
        ],
    );
    assert_eq!(
        applied.status.code(),
        Some(0),
        "{}{}",
        stdout(&applied),
        stderr(&applied)
    );
    // The overlay carries Flux labels: the user is told to commit the change instead.
    assert!(
        stdout(&applied).contains("managed by Flux")
            && stdout(&applied).contains("kubectl dp tune export"),
        "{}",
        stdout(&applied)
    );
    let (again, code) = plan_json(&applied_ns.name);
    assert_eq!(again["changes"].as_array().unwrap().len(), 0, "{again}");
    // Only the spark.jars.packages note stays: a note alone exits 0 (issue 13),
    // and fails with --fail-on info.
    assert!(!again["notes"].as_array().unwrap().is_empty(), "{again}");
    assert_eq!(code, 0, "notes alone do not fail the plan");
    let strict = dp(BIN, &["plan", "-n", &applied_ns.name, "--fail-on", "info"]);
    assert_eq!(strict.status.code(), Some(1), "{}", stdout(&strict));

    let dir = std::env::temp_dir().join(format!("kubectl-dp-tune-export-{}", exported_ns.name));
    let _ = std::fs::remove_dir_all(&dir);
    let export = dp(
        BIN,
        &[
            "export",
            "-n",
            &exported_ns.name,
            "--dir",
            path_str(&dir),
            "--format",
            "kustomize",
        ],
    );
    assert_eq!(export.status.code(), Some(0), "{}", stderr(&export));
    kubectl(&["apply", "-k", path_str(&dir)]);
    assert_eq!(
        normalised(&exported_ns.name),
        normalised(&applied_ns.name),
        "export + kubectl apply -k must equal tune apply"
    );
    let (exported_plan, _) = plan_json(&exported_ns.name);
    assert_eq!(
        exported_plan["changes"].as_array().unwrap().len(),
        0,
        "{exported_plan}"
    );

    let rolled = dp(BIN, &["rollback", "-n", &applied_ns.name, "--yes"]);
    assert_eq!(rolled.status.code(), Some(0), "{}", stderr(&rolled));
    assert_eq!(config_maps(&applied_ns.name), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn helm_values_carry_only_what_the_plan_changes() {
    let ns = broken_example("tune-helm");
    let dir = std::env::temp_dir().join(format!("kubectl-dp-tune-helm-{}", ns.name));
    let output = dp(
        BIN,
        &[
            "export",
            "-n",
            &ns.name,
            "--dir",
            path_str(&dir),
            "--format",
            "helm-values",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let values = std::fs::read_to_string(dir.join("values.yaml")).unwrap();
    // The worker's heap, in the chart's key; the coordinator's heap, the G1
    // region and the resources the plan leaves alone are what the user's values
    // render anyway, so they are not written.
    assert!(values.contains("maxHeapSize: 12G"), "{values}");
    assert!(!values.contains("maxHeapSize: 8G"), "{values}");
    assert!(!values.contains("heapRegionSize"), "{values}");
    assert!(!values.contains("resources:"), "{values}");
    // No list repeats what the chart writes itself.
    assert!(
        !values.contains("- -Xmx") && !values.contains("- query.max-memory"),
        "{values}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn restart_rolls_the_affected_deployment_and_waits_until_ready() {
    let ns = TestNamespace::new("tune-restart");
    let output = kubectl_output(&["apply", "-n", &ns.name, "-f", "-"], Some(SMALL_TRINO));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    eventually(60, "small-trino ready", || {
        kubectl(&[
            "get",
            "deployment",
            "small-trino",
            "-n",
            &ns.name,
            "-o",
            "jsonpath={.status.readyReplicas}",
        ]) == "1"
    });
    let applied = dp(
        BIN,
        &[
            "apply",
            "-n",
            &ns.name,
            "--yes",
            "--force-conflicts",
            "--restart",
            "--timeout",
            "90s",
        ],
    );
    let text = stdout(&applied);
    assert_eq!(applied.status.code(), Some(0), "{text}{}", stderr(&applied));
    // -Xmx4G in a 2Gi container: 80% of 2Gi = 1638M.
    assert!(text.contains("+-Xmx1638M"), "{text}");
    assert!(text.contains("deployment/small-trino restarting"), "{text}");
    assert!(
        text.contains("deployment/small-trino: 1/1 updated, 1/1 ready"),
        "{text}"
    );
    let annotation = kubectl(&[
        "get",
        "deployment",
        "small-trino",
        "-n",
        &ns.name,
        "-o",
        "jsonpath={.spec.template.metadata.annotations}",
    ]);
    assert!(
        annotation.contains("kubectl.kubernetes.io/restartedAt"),
        "{annotation}"
    );
}
