//! The platforms people really deploy: the upstream Trino, Nessie, Bitnami
//! PostgreSQL and spark-operator charts rendered with Helm (tests/platforms/),
//! applied to the local cluster against the operators' real CRDs, and status
//! compared with each platform's expected findings exactly.

mod common;

use common::platforms::*;
use common::*;

const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");

/// Deploys a platform in a namespace of its own and compares status.
fn check_platform(platform: &str) {
    let _lock = platform_lock();
    let ns = TestNamespace::waited(&format!("charts-{platform}"));
    let _volumes = Volumes(ns.name.clone());
    deploy(platform, &ns.name, &[]);
    let status = status_json(STATUS, &ns.name);
    assert_expected(platform, &status_lines(&status, &ns.name));
}

#[test]
fn charts_with_their_default_values() {
    check_platform("defaults");
}

#[test]
fn charts_at_the_seeds_sizes() {
    check_platform("seed");
}

#[test]
fn charts_with_faults() {
    check_platform("faults");
}

/// Not a check: deploys `$KUBECTL_DP_PLATFORM` into `$KUBECTL_DP_NAMESPACE` and
/// leaves it there, to explore with `kubectl dp` by hand:
/// `KUBECTL_DP_PLATFORM=seed KUBECTL_DP_NAMESPACE=seed cargo test --test charts -- --ignored explore`
#[test]
#[ignore]
fn explore() {
    let platform = std::env::var("KUBECTL_DP_PLATFORM").expect("KUBECTL_DP_PLATFORM");
    let namespace = std::env::var("KUBECTL_DP_NAMESPACE").expect("KUBECTL_DP_NAMESPACE");
    let _ = kubectl_output(&["create", "namespace", &namespace], None);
    deploy(&platform, &namespace, &[]);
}

const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");

/// The ConfigMap `name` among rendered objects: its data.
fn rendered_data(
    objects: &[serde_json::Value],
    name: &str,
) -> serde_json::Map<String, serde_json::Value> {
    objects
        .iter()
        .find(|o| o["kind"] == "ConfigMap" && o["metadata"]["name"] == name)
        .and_then(|o| o["data"].as_object().cloned())
        .unwrap_or_else(|| panic!("the chart rendered no ConfigMap {name}"))
}

/// The heap the JVM of rendered Deployment `name` gets: its jvm.config's
/// options resolved against its container's memory limit (the chart's
/// `maxHeapPercent` is a share of it).
fn rendered_heap(objects: &[serde_json::Value], name: &str, jvm_config: &str) -> u64 {
    use kubectl_dp::platform::jvm::{JvmConfig, heap};
    let deployment = objects
        .iter()
        .find(|o| o["kind"] == "Deployment" && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("the chart rendered no Deployment {name}"));
    let limit =
        deployment["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"]
            .as_str()
            .and_then(|q| q.parse::<kubectl_dp::platform::quantity::Quantity>().ok())
            .map(|q| q.units_ceil() as u64);
    let options = heap::options_in_order(None, None, Some(&JvmConfig::parse(jvm_config)));
    heap::resolve(&options, limit)
        .max
        .unwrap_or_else(|| panic!("{name}: no heap size in\n{jvm_config}"))
}

/// Each name given twice in a rendered file (JVM flags by name, properties by key).
fn repeated(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    names.filter(|n| !seen.insert(n.clone())).collect()
}

#[test]
fn charts_with_tune_exported_values_reach_a_fixpoint_and_start_trino() {
    let _lock = platform_lock();
    let ns = TestNamespace::waited("charts-export");
    let n = ns.name.as_str();
    let _volumes = Volumes(ns.name.clone());
    deploy("faults", n, &[]);

    // The plan as values of the chart, given after the platform's own.
    let dir = std::env::temp_dir().join(format!("kubectl-dp-export-{n}"));
    let _ = std::fs::remove_dir_all(&dir);
    let out = dp(
        TUNE,
        &[
            "export",
            "-n",
            n,
            "--format",
            "helm-values",
            "--dir",
            path_str(&dir),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let exported = std::fs::read_to_string(dir.join("values.yaml")).unwrap();
    assert!(
        exported.contains("maxMemoryPerNode") && !exported.contains("additionalConfigProperties"),
        "{exported}"
    );
    let objects = render("faults", n, &[("trino", dir.join("values.yaml"))]);
    apply_objects(&objects, n);

    // What the chart renders from both repeats no flag and no property.
    for role in ["trino-coordinator", "trino-worker"] {
        let data = rendered_data(&objects, role);
        let jvm = data["jvm.config"].as_str().unwrap();
        let flags = repeated(
            jvm.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(|l| {
                    l.split('=')
                        .next()
                        .unwrap()
                        .trim_start_matches("-XX:+")
                        .trim_start_matches("-XX:-")
                        .to_string()
                })
                .map(|l| {
                    if l.starts_with("-Xmx") {
                        "-Xmx".into()
                    } else {
                        l
                    }
                }),
        );
        assert!(
            flags.is_empty(),
            "{role} jvm.config repeats {flags:?}:\n{jvm}"
        );
        let props = data["config.properties"].as_str().unwrap();
        let keys = repeated(
            props
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, _)| k.trim().to_string()),
        );
        assert!(
            keys.is_empty(),
            "{role} config.properties repeats {keys:?}:\n{props}"
        );
    }

    // Applied, the plan has nothing left to propose.
    let out = dp(TUNE, &["plan", "-n", n, "-o", "json"]);
    let plan: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    assert_eq!(
        plan["changes"],
        serde_json::json!([]),
        "values.yaml:\n{exported}\nplan: {plan:#}"
    );

    // The rendered coordinator and worker files run a real Trino 476 (sizes x 1/16).
    use common::local_trino::*;
    let coordinator_files = rendered_data(&objects, "trino-coordinator");
    let worker_files = rendered_data(&objects, "trino-worker");
    let catalogs: Vec<(String, String)> = rendered_data(&objects, "trino-catalog")
        .iter()
        .filter(|(key, _)| key.as_str() == "tpch.properties")
        .map(|(key, text)| {
            (
                key.trim_end_matches(".properties").to_string(),
                text.as_str().unwrap().to_string(),
            )
        })
        .collect();
    let (coordinator_port, worker_port) = (free_port(), free_port());
    let base = std::env::temp_dir().join(format!("kubectl-dp-trino-{n}"));
    let node = |name: &str, files: &serde_json::Map<String, serde_json::Value>, port: u16| {
        let jvm = files["jvm.config"].as_str().unwrap();
        let (jvm, properties) = on_this_machine(
            jvm,
            rendered_heap(&objects, &format!("trino-{name}"), jvm),
            files["config.properties"].as_str().unwrap(),
            common::scale::Factor { num: 1, den: 16 },
            port,
            coordinator_port,
        );
        LocalTrino::start(base.join(name), port, &jvm, &properties, &catalogs)
    };
    let coordinator = node("coordinator", &coordinator_files, coordinator_port);
    let worker = node("worker", &worker_files, worker_port);
    // The coordinator schedules no work on itself: an answer means the worker runs it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    let answer = loop {
        if let Some(rows) = coordinator.query("SELECT count(*) FROM tpch.tiny.region") {
            break rows;
        }
        assert!(
            coordinator.alive() && worker.alive() && std::time::Instant::now() < deadline,
            "Trino did not answer from the rendered files\ncoordinator {}\nworker {}",
            coordinator.log(),
            worker.log()
        );
        std::thread::sleep(std::time::Duration::from_secs(2));
    };
    assert_eq!(answer, "5");
}
