//! The suite as one tool, against the local cluster: every `-o json` matches its
//! schema in docs/schema/, `-v`, `--color` and `--fail-on` visibly work in every
//! command, kubectl's output habits (`--no-headers`, `-o name`, `-o jsonpath=`,
//! `-l`), unsupported `-o` values are refused, and the human tables match the
//! golden files under tests/golden/ (`KUBECTL_DP_UPDATE_GOLDEN=1` regenerates them).

mod common;

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

// --- One output path: every command honours --fail-on and -o name|jsonpath= -------

const PERF: &str = env!("CARGO_BIN_EXE_kubectl-dp-perf");

/// The severities in order, as `--fail-on` takes them.
const LEVELS: [&str; 3] = ["info", "warning", "critical"];

fn rank(severity: &str) -> usize {
    LEVELS
        .iter()
        .position(|l| *l == severity)
        .map_or(0, |i| i + 1)
}

/// `args` with `--fail-on L` exits 1 exactly when `worst` (the most severe graded
/// item, `ok` for none) is at least L, else 0; without it, as `default` would.
/// Both outcomes must occur, so the test shows --fail-on deciding.
fn honours_fail_on(binary: &str, args: &[&str], stdin: Option<&str>, worst: &str, default: &str) {
    let run_with = |extra: &[&str]| {
        let mut all = args.to_vec();
        all.extend(extra);
        match stdin {
            Some(text) => run_stdin(binary, &all, text),
            None => run(binary, &all),
        }
    };
    let mut seen = std::collections::BTreeSet::new();
    for level in LEVELS {
        let output = run_with(&["--fail-on", level]);
        let expected = if rank(worst) >= rank(level) { 1 } else { 0 };
        assert_eq!(
            output.status.code(),
            Some(expected),
            "{args:?} --fail-on {level} with worst {worst}: {}{}",
            stdout(&output),
            stderr(&output)
        );
        seen.insert(expected);
    }
    let output = run_with(&[]);
    let expected = if rank(worst) >= rank(default) { 1 } else { 0 };
    assert_eq!(
        output.status.code(),
        Some(expected),
        "{args:?} (default {default})"
    );
    assert_eq!(seen.len(), 2, "{args:?}: --fail-on made no difference");
}

/// `args -o name` prints exactly `names`, and `-o jsonpath=EXPR` prints `selected`.
fn names_and_jsonpath(
    binary: &str,
    args: &[&str],
    stdin: Option<&str>,
    names: &[String],
    (expr, selected): (&str, &str),
) {
    let run_with = |extra: &[&str]| {
        let mut all = args.to_vec();
        all.extend(extra);
        match stdin {
            Some(text) => run_stdin(binary, &all, text),
            None => run(binary, &all),
        }
    };
    let listed = run_with(&["-o", "name"]);
    assert_ne!(listed.status.code(), Some(2), "{}", stderr(&listed));
    let got: Vec<String> = stdout(&listed).lines().map(str::to_string).collect();
    assert_eq!(got, names, "{args:?} -o name");
    let path = format!("jsonpath={expr}");
    let picked = run_with(&["-o", &path]);
    assert_eq!(
        stdout(&picked),
        format!("{selected}\n"),
        "{args:?} -o {path}: {}",
        stderr(&picked)
    );
}

#[test]
fn status_honours_fail_on_and_names() {
    let ns = TestNamespace::new("dp-out-status");
    let n = ns.name.as_str();
    pending_claim(n, "scratch");
    let report = json_of(&run(STATUS, &["-n", n, "-o", "json"]), "status");
    let worst = report["summary"]["worst"].as_str().unwrap().to_string();
    assert!(rank(&worst) >= rank("warning"), "{report:#}");
    if worst != "critical" {
        honours_fail_on(STATUS, &["-n", n], None, &worst, "critical");
    } else {
        // Compliance findings can be critical on an unmanaged namespace: the
        // default still fails then, and ok/info/warning still fail too.
        assert_eq!(run(STATUS, &["-n", n]).status.code(), Some(1));
    }
    let mut names: Vec<String> = Vec::new();
    for finding in report["findings"].as_array().unwrap() {
        let object = &finding["object"];
        let kind = object["kind"].as_str().unwrap().to_lowercase();
        let group = match kind.as_str() {
            "objectbucketclaim" => ".objectbucket.io",
            _ => "",
        };
        let name = format!("{kind}{group}/{}", object["name"].as_str().unwrap());
        if !names.contains(&name) {
            names.push(name);
        }
    }
    assert!(names.contains(&"objectbucketclaim.objectbucket.io/scratch".to_string()));
    names_and_jsonpath(
        STATUS,
        &["-n", n],
        None,
        &names,
        ("{.summary.worst}", &worst),
    );
}

#[test]
fn quota_honours_fail_on_and_names() {
    let ns = TestNamespace::new("dp-out-quota");
    let n = ns.name.as_str();
    apply(&format!(
        "apiVersion: v1
kind: ResourceQuota
metadata: {{name: compute, namespace: {n}, labels: {{team: data}}}}
spec: {{hard: {{requests.memory: 1Gi}}}}
---
apiVersion: v1
kind: LimitRange
metadata: {{name: defaults, namespace: {n}}}
spec:
  limits:
  - type: Container
    default: {{memory: 256Mi}}
    defaultRequest: {{memory: 128Mi}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: quota-reader, namespace: {n}}}
rules:
- apiGroups: ['']
  resources: [resourcequotas, limitranges, pods]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: quota-reader, namespace: {n}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: quota-reader}}
subjects: [{{kind: User, name: dp-out-quota-reader, apiGroup: rbac.authorization.k8s.io}}]
"
    ));
    // A user who may not list nodes: the node view is "not checked" (info).
    let reader = ["-n", n, "--as", "dp-out-quota-reader"];
    honours_fail_on(QUOTA, &reader, None, "info", "critical");
    // -l selects the quotas and LimitRanges, never the nodes.
    names_and_jsonpath(
        QUOTA,
        &["-n", n],
        None,
        &["resourcequota/compute".into(), "limitrange/defaults".into()],
        ("{.quotas[0].resources[0].resource}", "requests.memory"),
    );
    names_and_jsonpath(
        QUOTA,
        &["-n", n, "-l", "team=data"],
        None,
        &["resourcequota/compute".into()],
        ("{.metadata.scope.namespace}", n),
    );
    let none = stdout(&run(QUOTA, &["-n", n, "-l", "pool=trino"]));
    assert!(none.contains("none with -l pool=trino"), "{none}");

    // quota check: fits, but what could not be read is a note (info).
    honours_fail_on(
        QUOTA,
        &["check", "-f", "-", "-n", n, "--as", "dp-out-quota-reader"],
        Some(SMALL_DEPLOYMENT),
        "info",
        "critical",
    );
    names_and_jsonpath(
        QUOTA,
        &["check", "-f", "-", "-n", n],
        Some(SMALL_DEPLOYMENT),
        &["deployment.apps/small".into()],
        ("{.fits}", "true"),
    );
}

#[test]
fn buckets_honour_fail_on_and_names() {
    let ns = TestNamespace::new("dp-out-buckets");
    let n = ns.name.as_str();
    pending_claim(n, "scratch");
    pending_claim(n, "archive");
    // list: Pending and no lifecycle are warnings (the default fails on them).
    honours_fail_on(BUCKETS, &["list", "-n", n], None, "warning", "warning");
    let claim = |name: &str| format!("objectbucketclaim.objectbucket.io/{name}");
    names_and_jsonpath(
        BUCKETS,
        &["list", "-n", n],
        None,
        &[claim("archive"), claim("scratch")],
        ("{.claims[*].phase}", "Pending Pending"),
    );
    // check: a claim that is not Bound yet is a warning, not a failed S3 check.
    honours_fail_on(
        BUCKETS,
        &["check", "--all", "-n", n],
        None,
        "warning",
        "warning",
    );
    names_and_jsonpath(
        BUCKETS,
        &["check", "--all", "-n", n, "-l", "team=analytics"],
        None,
        &[claim("archive"), claim("scratch")],
        ("{.passed}", "false"),
    );
    honours_fail_on(
        BUCKETS,
        &["describe", "scratch", "-n", n],
        None,
        "warning",
        "warning",
    );
    names_and_jsonpath(
        BUCKETS,
        &["describe", "scratch", "-n", n],
        None,
        &[claim("scratch")],
        ("{.claim.phase}", "Pending"),
    );
}

#[test]
fn tune_plan_honours_fail_on_and_names() {
    let ns = TestNamespace::new("dp-out-tune");
    let n = ns.name.as_str();
    kubectl_output(&["apply", "-n", n, "-f", "-"], Some(HOT_TRINO_WORKER));
    // Every proposed change is a warning: the default fails, critical does not.
    honours_fail_on(TUNE, &["plan", "-n", n], None, "warning", "warning");
    names_and_jsonpath(
        TUNE,
        &["plan", "-n", n],
        None,
        &["configmap/trino-worker".into()],
        ("{.changes[0].setting}", "-Xmx"),
    );
    let wide = stdout(&run(TUNE, &["plan", "-n", n, "-o", "wide"]));
    let header: Vec<&str> = wide.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header[header.len() - 2..], ["RULE", "REASON"], "{wide}");
}

/// A saved perf report of one query whose runs took `first`..`first + 9` ms.
fn perf_report(first: u32) -> String {
    let samples: Vec<serde_json::Value> = (first..first + 10)
        .map(|ms| {
            serde_json::json!({"wallMs": ms, "elapsedMs": ms, "queuedMs": 0, "planningMs": null,
                "cpuMs": 1, "peakMemoryBytes": 1, "processedRows": 1, "processedBytes": 1, "rows": 1})
        })
        .collect();
    serde_json::json!({
        "apiVersion": "kubectl-dp.io/v1alpha1", "kind": "PerfReport",
        "metadata": {"generatedAt": "2026-01-01T00:00:00Z", "scope": {}, "toolVersion": "0"},
        "environment": {"tunedSettings": []},
        "settings": {"suites": ["trino"], "iterations": 10, "warmup": 0, "concurrency": 1, "timeoutSeconds": 60.0},
        "trino": {"queries": [{"name": "q1", "sql": "SELECT 1", "samples": samples, "failures": []}],
                  "throughput": {"concurrency": 1, "completed": 10, "failed": 0, "wallSeconds": 1.0, "queriesPerMinute": 600.0}},
        "skipped": []
    })
    .to_string()
}

#[test]
fn perf_honours_fail_on_and_names() {
    let dir = std::env::temp_dir().join(format!("dp-out-perf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (old, new) = (dir.join("old.json"), dir.join("new.json"));
    std::fs::write(&old, perf_report(100)).unwrap();
    std::fs::write(&new, perf_report(110)).unwrap();
    let (old, new) = (path_str(&old), path_str(&new));
    // 10% slower, significantly, within --max-regression 20%: a warning.
    let within = ["compare", old, new, "--max-regression", "20%"];
    honours_fail_on(PERF, &within, None, "warning", "critical");
    names_and_jsonpath(
        PERF,
        &within,
        None,
        &["trino/q1".into()],
        ("{.rows[0].verdict}", "slower (within --max-regression)"),
    );
    // Beyond --max-regression: a regression fails at every level.
    let beyond = run(
        PERF,
        &[
            "compare",
            old,
            new,
            "--max-regression",
            "5%",
            "--fail-on",
            "critical",
        ],
    );
    assert_eq!(beyond.status.code(), Some(1), "{}", stdout(&beyond));
    let _ = std::fs::remove_dir_all(&dir);
}
