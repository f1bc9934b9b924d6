//! One output path: every command honours `--fail-on` (at every level, the exit
//! code follows the most severe graded item) and `-o name|jsonpath=` the same
//! way; one test per command, each in a namespace of its own.

use super::common::*;
use super::{BUCKETS, QUOTA, SMALL_DEPLOYMENT, STATUS, TUNE, json_of, run, run_stdin};

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

/// A saved perf report of one query whose runs took `first`..`first + 9` ms of
/// Trino CPU time (what perf compares by default) and of elapsed time.
fn perf_report(first: u32) -> String {
    let samples: Vec<serde_json::Value> = (first..first + 10)
        .map(|ms| {
            serde_json::json!({"wallMs": ms, "elapsedMs": ms, "queuedMs": 0, "planningMs": null,
                "cpuMs": ms, "peakMemoryBytes": 1, "processedRows": 1, "processedBytes": 1, "rows": 1})
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
        ("{.rows[0].verdict}", "slower"),
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
