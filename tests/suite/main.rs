//! The suite as one tool, against the local cluster: every `-o json` matches its
//! schema in docs/schema/, `-v`, `--color` and `--fail-on` visibly work in every
//! command, kubectl's output habits (`--no-headers`, `-o name`, `-o jsonpath=`,
//! `-l`), unsupported `-o` values are refused, and the human tables match the
//! golden files under tests/golden/ (`KUBECTL_DP_UPDATE_GOLDEN=1` regenerates them).

#[path = "../common/mod.rs"]
mod common;
mod output;

use std::process::Output;

use common::golden::{assert_golden, mask, mask_age_column};
use common::*;
use serde_json::Value;

const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");
const QUOTA: &str = env!("CARGO_BIN_EXE_kubectl-dp-quota");
const BUCKETS: &str = env!("CARGO_BIN_EXE_kubectl-dp-buckets");
const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");

/// A small Deployment for `quota check`.
const SMALL_DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: small
spec:
  replicas: 1
  selector: {matchLabels: {app: small}}
  template:
    metadata: {labels: {app: small}}
    spec:
      containers:
      - name: c
        image: busybox
        resources:
          requests: {cpu: 10m, memory: 16Mi}
          limits: {cpu: 10m, memory: 16Mi}
";

fn run(binary: &str, args: &[&str]) -> Output {
    dp(binary, args)
}

fn run_stdin(binary: &str, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = std::process::Command::new(binary)
        .args(args)
        .env("KUBECONFIG", kubeconfig())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn json_of(output: &Output, what: &str) -> Value {
    assert_ne!(
        output.status.code(),
        Some(2),
        "{what} could not run: {}",
        stderr(output)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{what} -o json is not JSON ({e}): {}", stdout(output)))
}

fn check_envelope(report: &Value, kind: &str, namespace: &str) {
    assert_eq!(report["apiVersion"], "kubectl-dp.io/v1alpha1", "{report:#}");
    assert_eq!(report["kind"], kind, "{report:#}");
    assert_eq!(report["metadata"]["scope"]["namespace"], namespace);
    assert_eq!(report["metadata"]["toolVersion"], env!("CARGO_PKG_VERSION"));
    schema::assert_valid(report);
}

/// One copy of the reference platform serves every check below: deploying it
/// takes most of a minute and most of the cluster's memory.
#[test]
fn suite_on_the_reference_platform() {
    let _lock = platform_lock();
    let ns = TestNamespace::waited("dp-suite");
    deploy_example("examples/platform", &ns.name);
    let n = ns.name.as_str();

    json_outputs_match_their_schemas(n);
    verbosity_colour_and_fail_on(n);
    kubectl_output_habits(n);
    golden_tables(n);
}

fn json_outputs_match_their_schemas(n: &str) {
    let status = json_of(&run(STATUS, &["-n", n, "-o", "json"]), "status");
    check_envelope(&status, "StatusReport", n);
    // The status fields from before the envelope stay.
    assert!(status["generatedAt"].is_string() && status["scope"].is_object());

    check_envelope(
        &json_of(&run(QUOTA, &["-n", n, "-o", "json"]), "quota"),
        "QuotaReport",
        n,
    );
    check_envelope(
        &json_of(
            &run_stdin(
                QUOTA,
                &["check", "-n", n, "-f", "-", "-o", "json"],
                SMALL_DEPLOYMENT,
            ),
            "quota check",
        ),
        "QuotaCheck",
        n,
    );
    let list = json_of(&run(BUCKETS, &["list", "-n", n, "-o", "json"]), "list");
    check_envelope(&list, "BucketList", n);
    assert!(!list["claims"].as_array().unwrap().is_empty(), "{list:#}");
    check_envelope(
        &json_of(
            &run(BUCKETS, &["describe", "analytics", "-n", n, "-o", "json"]),
            "describe",
        ),
        "BucketDescription",
        n,
    );
    // No S3 behind this endpoint: every claim fails its probe, the report is still whole.
    let check = json_of(
        &run(
            BUCKETS,
            &[
                "check",
                "--all",
                "-n",
                n,
                "--s3-endpoint",
                "http://127.0.0.1:9",
                "--s3-timeout",
                "2s",
                "-o",
                "json",
            ],
        ),
        "buckets check",
    );
    check_envelope(&check, "BucketCheck", n);
    assert_eq!(check["passed"], false);
    check_envelope(
        &json_of(&run(TUNE, &["plan", "-n", n, "-o", "json"]), "tune plan"),
        "TunePlan",
        n,
    );
    check_envelope(
        &json_of(
            &run(TUNE, &["plan", "-n", n, "--workers", "500", "-o", "json"]),
            "tune plan --workers 500",
        ),
        "TuneSizing",
        n,
    );
}

fn verbosity_colour_and_fail_on(n: &str) {
    let commands: [(&str, &str, Vec<&str>); 4] = [
        ("status", STATUS, vec!["-n", n]),
        ("quota", QUOTA, vec!["-n", n]),
        ("buckets list", BUCKETS, vec!["list", "-n", n]),
        ("tune plan", TUNE, vec!["plan", "-n", n]),
    ];
    for (name, binary, args) in &commands {
        // -v (and kubectl's -v=6) say what runs on stderr; without it stderr is quiet.
        let quiet = run(binary, args);
        assert_eq!(stderr(&quiet), "", "{name} without -v");
        for v in ["-v", "-v=6", "--v=2"] {
            let mut with = args.clone();
            with.push(v);
            let loud = run(binary, &with);
            assert_ne!(loud.status.code(), Some(2), "{name} {v}: {}", stderr(&loud));
            assert!(
                stderr(&loud).contains("kubectl-dp"),
                "{name} {v}: {}",
                stderr(&loud)
            );
        }
        // --color always paints (even into a pipe); never and NO_COLOR do not.
        let mut always = args.clone();
        always.extend(["--color", "always"]);
        let painted = stdout(&run(binary, &always));
        assert!(
            painted.contains("\x1b["),
            "{name} --color always: {painted}"
        );
        let mut never = args.clone();
        never.extend(["--color", "never"]);
        let plain = stdout(&run(binary, &never));
        assert!(!plain.contains("\x1b["), "{name} --color never: {plain}");
    }

    // --fail-on: the reference platform has no warnings, but it has info-level
    // findings/notes in some commands; `--fail-on ok` is not a failure level.
    let status_default = run(STATUS, &["-n", n]);
    assert_eq!(
        status_default.status.code(),
        Some(0),
        "{}",
        stdout(&status_default)
    );
    let report = json_of(&run(STATUS, &["-n", n, "-o", "json"]), "status");
    let has_info = report["summary"]["info"].as_u64().unwrap_or(0) > 0;
    let status_info = run(STATUS, &["-n", n, "--fail-on", "info"]);
    assert_eq!(
        status_info.status.code(),
        Some(if has_info { 1 } else { 0 }),
        "{}",
        stdout(&status_info)
    );

    // buckets list: a claim without a lifecycle is a warning (exit 1 by default,
    // 0 with --fail-on critical).
    apply(&format!(
        "apiVersion: objectbucket.io/v1alpha1
kind: ObjectBucketClaim
metadata:
  name: suite-no-lifecycle
  namespace: {n}
spec:
  generateBucketName: suite-no-lifecycle
  storageClassName: rook-ceph-bucket
"
    ));
    let list = run(BUCKETS, &["list", "-n", n]);
    let lax = run(BUCKETS, &["list", "-n", n, "--fail-on", "critical"]);
    assert_eq!(list.status.code(), Some(1), "{}", stdout(&list));
    assert_eq!(lax.status.code(), Some(0), "{}", stdout(&lax));
    kubectl(&["delete", "objectbucketclaim", "suite-no-lifecycle", "-n", n]);

    // quota check: a change that fits exits 0; --fail-on info also fails on notes.
    let fits = run_stdin(QUOTA, &["check", "-n", n, "-f", "-"], SMALL_DEPLOYMENT);
    assert_eq!(fits.status.code(), Some(0), "{}", stdout(&fits));
    let check = json_of(
        &run_stdin(
            QUOTA,
            &["check", "-n", n, "-f", "-", "-o", "json"],
            SMALL_DEPLOYMENT,
        ),
        "quota check",
    );
    let strict = run_stdin(
        QUOTA,
        &["check", "-n", n, "-f", "-", "--fail-on", "info"],
        SMALL_DEPLOYMENT,
    );
    let notes = !check["notes"].as_array().unwrap().is_empty();
    assert_eq!(strict.status.code(), Some(if notes { 1 } else { 0 }));

    // tune plan: nothing to change on the reference platform → 0 at any level but
    // info notes at --fail-on info.
    let plan = json_of(&run(TUNE, &["plan", "-n", n, "-o", "json"]), "tune plan");
    assert!(plan["changes"].as_array().unwrap().is_empty(), "{plan:#}");
    let tune_default = run(TUNE, &["plan", "-n", n]);
    assert_eq!(
        tune_default.status.code(),
        Some(0),
        "{}",
        stdout(&tune_default)
    );
    let tune_info = run(TUNE, &["plan", "-n", n, "--fail-on", "info"]);
    let notes = !plan["notes"].as_array().unwrap().is_empty();
    assert_eq!(tune_info.status.code(), Some(if notes { 1 } else { 0 }));
}

fn kubectl_output_habits(n: &str) {
    // -o name and -l on the command that lists objects.
    let names = stdout(&run(BUCKETS, &["list", "-n", n, "-o", "name"]));
    assert!(
        names
            .lines()
            .any(|l| l == "objectbucketclaim.objectbucket.io/analytics"),
        "{names}"
    );
    let labels = kubectl(&[
        "get",
        "objectbucketclaim",
        "analytics",
        "-n",
        n,
        "-o",
        "jsonpath={.metadata.labels}",
    ]);
    let label: Value = serde_json::from_str(&labels).unwrap_or(Value::Null);
    if let Some((key, value)) = label.as_object().and_then(|m| m.iter().next()) {
        let selector = format!("{key}={}", value.as_str().unwrap());
        let selected = stdout(&run(
            BUCKETS,
            &["list", "-n", n, "-l", &selector, "-o", "name"],
        ));
        assert!(selected.contains("/analytics"), "{selected}");
    }
    let none = stdout(&run(
        BUCKETS,
        &[
            "list",
            "-n",
            n,
            "-l",
            "kubectl-dp.io/no-such-label=x",
            "-o",
            "name",
        ],
    ));
    assert_eq!(none, "");

    // -o jsonpath on the envelope, kubectl's form and RFC 9535's.
    let kind = stdout(&run(STATUS, &["-n", n, "-o", "jsonpath={.kind}"]));
    assert_eq!(kind, "StatusReport\n");
    let scope = stdout(&run(
        QUOTA,
        &["-n", n, "-o", "jsonpath=$.metadata.scope.namespace"],
    ));
    assert_eq!(scope, format!("{n}\n"));
    let bad = run(STATUS, &["-n", n, "-o", "jsonpath={.kind"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(stderr(&bad).lines().count(), 1, "{}", stderr(&bad));

    // --no-headers drops the header row of every table.
    let with = stdout(&run(BUCKETS, &["list", "-n", n]));
    let without = stdout(&run(BUCKETS, &["list", "-n", n, "--no-headers"]));
    assert!(with.starts_with("NAME "), "{with}");
    assert!(!without.contains("NAME "), "{without}");
    assert_eq!(with.lines().count(), without.lines().count() + 1);
    let status = stdout(&run(STATUS, &["-n", n, "--no-headers"]));
    assert!(!status.contains("COMPONENT"), "{status}");

    // An -o a command cannot honour is refused in one line, before any work.
    for (binary, args) in [
        (TUNE, vec!["apply", "-n", n, "-o", "json"]),
        (TUNE, vec!["rollback", "-n", n, "-o", "yaml"]),
        (STATUS, vec!["-n", n, "-o", "csv"]),
        (BUCKETS, vec!["check", "--all", "-n", n, "-o", "wide"]),
        (QUOTA, vec!["plan", "-n", n, "-o", "wide"]),
    ] {
        let refused = run(binary, &args);
        assert_eq!(refused.status.code(), Some(2), "{args:?}");
        let err = stderr(&refused);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("cannot write -o"), "{args:?}: {err}");
    }
}

fn golden_tables(n: &str) {
    let status = stdout(&run(STATUS, &["-n", n, "--color", "never"]));
    assert_golden("status-reference", &mask(&status, n));
    let buckets = stdout(&run(BUCKETS, &["list", "-n", n, "--color", "never"]));
    assert_golden("buckets-list-reference", &mask_age_column(&buckets, n));
    let describe = stdout(&run(BUCKETS, &["describe", "analytics", "-n", n]));
    assert_golden("buckets-describe-reference", &mask(&describe, n));
    let tune = stdout(&run(TUNE, &["plan", "-n", n, "--color", "never"]));
    assert_golden("tune-plan-reference", &mask(&tune, n));
    // quota's node view counts every namespace's pods (other tests run beside this
    // one): the golden file holds the namespace's own sections.
    let quota = stdout(&run(QUOTA, &["-n", n, "--color", "never"]));
    let own: String = quota
        .split("\nNodes")
        .next()
        .unwrap_or_default()
        .to_string();
    assert_golden("quota-reference", &mask(&own, n));
    let check = stdout(&run_stdin(
        QUOTA,
        &["check", "-n", n, "-f", "-", "--color", "never"],
        SMALL_DEPLOYMENT,
    ));
    let own: String = check
        .split("\nNodes")
        .next()
        .unwrap_or_default()
        .to_string();
    assert_golden("quota-check-reference", &mask(&own, n));
}
