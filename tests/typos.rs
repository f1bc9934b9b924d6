//! A typo is an error in every command: a namespace that does not exist, or that
//! holds none of what the command works on, is one line on stderr and exit 2,
//! naming the closest namespace that would work; never an empty report that
//! exits 0.

mod common;

use common::*;

const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");
const QUOTA: &str = env!("CARGO_BIN_EXE_kubectl-dp-quota");
const BUCKETS: &str = env!("CARGO_BIN_EXE_kubectl-dp-buckets");
const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");
const PERF: &str = env!("CARGO_BIN_EXE_kubectl-dp-perf");

/// Every command that works in a namespace, with `NS` where the namespace goes.
fn commands() -> Vec<(&'static str, Vec<&'static str>, Option<&'static str>)> {
    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: small}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: s}}\n  template:\n    metadata: {labels: {app: s}}\n    spec: {containers: [{name: c, image: busybox, resources: {requests: {cpu: 10m, memory: 16Mi}}}]}\n";
    vec![
        (STATUS, vec!["-n", "NS"], None),
        (QUOTA, vec!["-n", "NS"], None),
        (
            QUOTA,
            vec!["check", "-n", "NS", "-f", "-"],
            Some(DEPLOYMENT),
        ),
        (QUOTA, vec!["plan", "-n", "NS"], None),
        (BUCKETS, vec!["list", "-n", "NS"], None),
        (BUCKETS, vec!["describe", "scratch", "-n", "NS"], None),
        (BUCKETS, vec!["check", "--all", "-n", "NS"], None),
        (
            BUCKETS,
            vec![
                "create",
                "scratch",
                "--storage-class",
                "c",
                "-n",
                "NS",
                "--dry-run=server",
            ],
            None,
        ),
        (
            BUCKETS,
            vec!["delete", "scratch", "-n", "NS", "--yes"],
            None,
        ),
        (TUNE, vec!["plan", "-n", "NS"], None),
        (TUNE, vec!["apply", "-n", "NS", "--yes"], None),
        (TUNE, vec!["rollback", "-n", "NS", "--yes"], None),
        (
            TUNE,
            vec!["export", "-n", "NS", "--dir", "/tmp/dp-typo-export"],
            None,
        ),
        (PERF, vec!["run", "-n", "NS"], None),
    ]
}

fn run_in(
    binary: &str,
    args: &[&str],
    namespace: &str,
    stdin: Option<&str>,
) -> std::process::Output {
    let args: Vec<&str> = args
        .iter()
        .map(|a| if *a == "NS" { namespace } else { a })
        .collect();
    let mut command = std::process::Command::new(binary);
    command
        .args(&args)
        .env("KUBECONFIG", kubeconfig())
        .env("NO_COLOR", "1");
    run_with_stdin(command, stdin)
}

fn one_line_exit_2(output: &std::process::Output, what: &str) -> String {
    let err = stderr(output);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{what}: {}{err}",
        stdout(output)
    );
    assert_eq!(err.lines().count(), 1, "{what}: {err}");
    assert!(err.starts_with("error: "), "{what}: {err}");
    err
}

#[test]
fn a_mistyped_namespace_names_the_one_that_exists() {
    let ns = TestNamespace::new("dp-typos");
    let real = ns.name.clone();
    // One transposition away: "dp-tyops-…".
    let typo = real.replacen("typos", "tyops", 1);
    for (binary, args, stdin) in commands() {
        let what = format!("{} {}", binary.rsplit('/').next().unwrap(), args.join(" "));
        let err = one_line_exit_2(&run_in(binary, &args, &typo, stdin), &what);
        assert!(
            err.contains(&format!("namespace {typo} not found; did you mean {real}?")),
            "{what}: {err}"
        );
    }
}

#[test]
fn a_namespace_that_holds_nothing_is_not_an_empty_report() {
    let ns = TestNamespace::new("dp-empty");
    let n = ns.name.as_str();
    // Commands that make things for a namespace (quota plan, quota check,
    // buckets create) need it to exist, not to hold anything; those about one
    // named claim say the claim is not found.
    let expected: &[(&str, &[&str], &str)] = &[
        (STATUS, &["-n", "NS"], "holds no platform component"),
        (
            QUOTA,
            &["-n", "NS"],
            "holds no ResourceQuota, LimitRange or pod",
        ),
        (
            BUCKETS,
            &["list", "-n", "NS"],
            "holds no ObjectBucketClaims",
        ),
        (
            BUCKETS,
            &["check", "--all", "-n", "NS"],
            "holds no ObjectBucketClaims",
        ),
        (
            BUCKETS,
            &["describe", "scratch", "-n", "NS"],
            "ObjectBucketClaim scratch not found in namespace",
        ),
        (TUNE, &["plan", "-n", "NS"], "holds no Trino"),
        (TUNE, &["apply", "-n", "NS", "--yes"], "holds no Trino"),
        (
            TUNE,
            &["export", "-n", "NS", "--dir", "/tmp/dp-empty-export"],
            "holds no Trino",
        ),
        (
            PERF,
            &["run", "-n", "NS"],
            "not measured: nothing was measured (trino: no Trino coordinator",
        ),
    ];
    for (binary, args, message) in expected {
        let what = format!("{} {}", binary.rsplit('/').next().unwrap(), args.join(" "));
        let err = one_line_exit_2(&run_in(binary, args, n, None), &what);
        assert!(err.contains(message), "{what}: {err}");
        assert!(err.contains(&format!("namespace {n}")), "{what}: {err}");
    }
    // With a selector the namespace may hold claims none of which match: that is
    // an answer, not a typo.
    let selected = run_in(BUCKETS, &["list", "-n", "NS", "-l", "team=none"], n, None);
    assert_eq!(selected.status.code(), Some(0), "{}", stderr(&selected));
}

#[test]
fn a_mistyped_claim_names_the_one_that_exists() {
    let ns = TestNamespace::new("dp-claim-typo");
    pending_claim(&ns.name, "analytics");
    for args in [
        vec!["describe", "analytcs", "-n", "NS"],
        vec!["check", "analytcs", "-n", "NS"],
        vec!["delete", "analytcs", "-n", "NS", "--yes"],
    ] {
        let err = one_line_exit_2(&run_in(BUCKETS, &args, &ns.name, None), &args.join(" "));
        assert!(
            err.contains("ObjectBucketClaim analytcs not found")
                && err.contains("did you mean analytics?"),
            "{err}"
        );
    }
}
