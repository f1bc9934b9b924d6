//! One faulty platform per rule family (tests/families/<family>/), applied to
//! the real test cluster: `status` must report exactly the planted faults
//! (README.md of each platform; a false positive fails like a miss), and
//! `status`, `tune plan` and `quota check -f <the platform's manifests>` must
//! agree on every size violation.
//!
//! `tests/run families`.

mod common;
mod family;

use common::*;
use family::*;

/// tests/families/sizes: every way a size is written, against every bound.
#[test]
fn families_sizes_platform() {
    let _lock = platform_lock();
    let ns = TestNamespace::waited("lakehouse-sizes");
    let platform = Platform::read("sizes", &ns.name);
    platform.apply();
    // The other workloads' pods are refused by admission: they never start.
    platform.wait_ready(&[
        "deployment/lh-trino-coordinator",
        "statefulset/lh-trino-worker",
        "deployment/lh-trino-worker-etl",
    ]);

    let report = json_of(STATUS, &["-n", &ns.name, "-o", "json"]);
    let found = status_findings(&report);
    assert_exact(&platform, &found);

    // Each heap is read from where the JVM reads it.
    let worker = message_of(&report, "trino.heap-above-limit", "lh-trino-worker");
    assert!(worker.contains("-XX:MaxRAM"), "{worker}");
    let etl = message_of(&report, "trino.heap-above-limit", "lh-trino-worker-etl");
    assert!(etl.contains("JAVA_TOOL_OPTIONS"), "{etl}");
    let coordinator = message_of(
        &report,
        "trino.query-memory-exceeds-heap",
        "lh-trino-coordinator",
    );
    assert!(coordinator.contains("MaxRAMPercentage"), "{coordinator}");

    assert_sizes_agree(&platform, &report, &found);
}

/// tests/families/references: every reference resolves completely (Service
/// by name and port, number or name; Secret and ConfigMap by name and key, in
/// env, envFrom, volume items and projected volumes).
#[test]
fn families_references_platform() {
    let ns = TestNamespace::new("lakehouse-references");
    let platform = Platform::read("references", &ns.name);
    platform.apply();
    // kwok's kubelets start pods whatever their references: the faults are in
    // the templates and catalogs, not in pods that failed to start.
    platform.wait_ready(&[
        "deployment/lh-nessie",
        "deployment/lh-s3-gateway",
        "deployment/lh-trino-coordinator",
        "statefulset/lh-trino-worker",
        "deployment/lh-table-maintenance",
    ]);

    let report = json_of(STATUS, &["-n", &ns.name, "-o", "json"]);
    let found = status_findings(&report);
    assert_exact(&platform, &found);
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    for expected in [
        "uses port 19121 of Service lh-nessie",
        "sends to targetPort s3-api, which no container of Deployment/lh-s3-gateway",
        "connection-url points at Service lh-billing-db",
        "reads key password of Secret lh-catalog-db (env BILLING_DB_PASSWORD",
        "reads key ca.crt of Secret lh-catalog-db (volume tls)",
        "reads ConfigMap lh-maintenance-env (envFrom",
        "reads key schedule.yaml of ConfigMap lh-maintenance-config",
    ] {
        assert!(
            messages.iter().any(|m| m.contains(expected)),
            "no finding says '{expected}': {messages:#?}"
        );
    }
    // No size violation here: the three commands agree on none.
    assert_sizes_agree(&platform, &report, &found);
}

/// tests/families/refusals: every workload below its desired count says why,
/// with the fix that matches the cause (a quota, a LimitRange, a nodeSelector,
/// a required affinity), and quota check sees the same refusals.
#[test]
fn families_refusals_platform() {
    let _lock = platform_lock();
    let ns = TestNamespace::waited("lakehouse-refusals");
    let platform = Platform::read("refusals", &ns.name);
    platform.apply();
    platform.wait_ready(&["deployment/lh-trino-coordinator"]);
    // The controllers' refusals are events: wait for each before reading.
    eventually(
        120,
        "the StatefulSet's FailedCreate and two pending pools",
        || {
            let events = kubectl(&[
                "get",
                "events",
                "-n",
                &ns.name,
                "--field-selector",
                "reason=FailedCreate",
                "-o",
                "jsonpath={range .items[*]}{.involvedObject.name} {end}",
            ]);
            let pending = kubectl(&[
                "get",
                "pods",
                "-n",
                &ns.name,
                "--field-selector",
                "status.phase=Pending",
                "-o",
                "jsonpath={range .items[*]}{.status.conditions[0].reason} {end}",
            ]);
            events.contains("lh-trino-worker ")
                && events.contains("lh-trino-worker-large-")
                && pending.matches("Unschedulable").count() == 2
        },
    );

    let report = json_of(STATUS, &["-n", &ns.name, "-o", "json"]);
    let found = status_findings(&report);
    assert_exact(&platform, &found);
    let message = |name: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["object"]["name"] == name && f["cause"].is_string())
            .map(|f| {
                format!(
                    "{} || {}",
                    f["message"].as_str().unwrap(),
                    f["hint"].as_str().unwrap()
                )
            })
            .next()
            .unwrap_or_else(|| panic!("no caused finding on {name}"))
    };
    let quota = message("lh-trino-worker");
    assert!(
        quota.contains("1 of 3 pods not created")
            && quota.contains("over the 2.75Gi of ResourceQuota lh-compute"),
        "{quota}"
    );
    let gpu = message("lh-trino-worker-gpu");
    assert!(
        gpu.contains("no node has the label nvidia.com/gpu.present=true")
            && gpu.contains("lowering requests does not help"),
        "{gpu}"
    );
    let zone = message("lh-trino-worker-zone-d");
    assert!(
        zone.contains("topology.kubernetes.io/zone In [eu-west-1d]")
            && zone.contains("nodes have eu-west-1a"),
        "{zone}"
    );
    let large = message("lh-trino-worker-large");
    assert!(
        large.contains("maximum memory usage per Container is 12Gi, but limit is 16Gi"),
        "{large}"
    );
    assert_sizes_agree(&platform, &report, &found);
}

/// tests/families/documents: documents checked by the rules of whoever reads
/// them (S3 lifecycles in claims, a Trino data size).
#[test]
fn families_documents_platform() {
    let ns = TestNamespace::new("lakehouse-documents");
    // The storage team's operator config (as examples/platform ships it) lets
    // claims set bucketLifecycle; applied here so that the verdict does not
    // depend on which test applied it first.
    let operator_config =
        repo_root().join("examples/platform/buckets/rook-ceph-operator-config.yaml");
    kubectl(&["apply", "-f", path_str(&operator_config)]);
    let platform = Platform::read("documents", &ns.name);
    platform.apply();
    platform.wait_ready(&["deployment/lh-trino-coordinator"]);

    let report = json_of(STATUS, &["-n", &ns.name, "-o", "json"]);
    let found = status_findings(&report);
    assert_exact(&platform, &found);
    let messages = report["findings"].to_string();
    for expected in [
        "rule 'expire-0d' Expiration.Days is 0, below 1",
        "rule 'drop-tmp' Expiraton is not a field",
        "rule 'expire' ID is also the ID of Rules[0]",
        "additionalConfig.maxSize '20GB' is not a Kubernetes quantity",
        "bucketPolicy Statement[0].Effect: Effect is",
    ] {
        assert!(messages.contains(expected), "no finding says '{expected}'");
    }
    let size = message_of(&report, "trino.config-invalid-size", "lh-trino-coordinator");
    assert!(size.contains("query.max-memory-per-node"), "{size}");
    assert_sizes_agree(&platform, &report, &found);
}
