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
