//! Limited RBAC never yields a wrong answer, against the real API server (RBAC on):
//! every command run as a user bound to deploy/rbac/kubectl-dp-read.yaml, to it plus
//! deploy/rbac/kubectl-dp-write.yaml, with no rights, and with the narrow Roles
//! people really have. What could not be read is "not checked", never zero,
//! none or healthy; nothing readable is exit 2 in one line.

mod common;

use std::process::Output;

use common::rbac::*;
use common::*;
use serde_json::Value;

const BUCKETS: &str = env!("CARGO_BIN_EXE_kubectl-dp-buckets");

const PERF: &str = env!("CARGO_BIN_EXE_kubectl-dp-perf");

/// ClusterRoleBindings (cluster-scoped: they do not go with a test namespace),
/// deleted when the test ends.
struct Bindings(Vec<String>);

impl Bindings {
    /// Binds `user` to each ClusterRole cluster-wide.
    fn cluster(&mut self, user: &str, roles: &[&str]) {
        for role in roles {
            let name = format!("{user}-{role}");
            kubectl(&[
                "create",
                "clusterrolebinding",
                &name,
                "--clusterrole",
                role,
                "--user",
                user,
            ]);
            self.0.push(name);
        }
    }
}

impl Drop for Bindings {
    fn drop(&mut self) {
        for name in &self.0 {
            let _ = kubectl_output(
                &["delete", "clusterrolebinding", name, "--ignore-not-found"],
                None,
            );
        }
    }
}

/// Applies the shipped ClusterRoles (idempotent; every test may do it).
fn apply_shipped_roles() {
    let dir = repo_root().join("deploy/rbac");
    kubectl(&["apply", "-f", path_str(&dir)]);
}

/// Runs a binary as `user` (impersonated by the test cluster's admin).
fn run_as(binary: &str, user: &str, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--as", user]);
    let mut command = std::process::Command::new(binary);
    command
        .args(&all)
        .env("KUBECONFIG", kubeconfig())
        .env("KUBECTL", kubectl_path())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null());
    command.output().expect("run")
}

/// Every object of the namespace the commands could write, with its resourceVersion.
fn versions(namespace: &str) -> String {
    kubectl(&[
        "get",
        "configmaps,deployments,resourcequotas,limitranges,objectbucketclaims,sparkapplications",
        "-n",
        namespace,
        "-o",
        "jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion} {end}",
    ])
}

/// `--yes` and `--force-conflicts` where the command has them (the mutating
/// commands ask on a terminal, and apply without force).
fn with_yes<'a>(binary: &str, sub: &str, args: &[&'a str]) -> Vec<&'a str> {
    let help = std::process::Command::new(binary)
        .args([sub, "--help"])
        .output()
        .expect("help");
    let mut all = args.to_vec();
    // Unattended, and taking over fields the test's plain `kubectl apply` owns
    // (the forbidden-write checks must reach the API server, not stop at a
    // conflict).
    for flag in ["--yes", "--force-conflicts"] {
        if stdout(&help).contains(flag) {
            all.push(flag);
        }
    }
    all
}

/// A forbidden write: one line naming the write role, and nothing changed.
fn assert_forbidden_write(output: &Output, before: &str, namespace: &str) {
    assert_eq!(output.status.code(), Some(2), "{}", show(output));
    let err = stderr(output);
    assert!(
        err.contains("forbidden") && err.contains("deploy/rbac/kubectl-dp-write.yaml"),
        "{}",
        show(output)
    );
    assert_eq!(err.trim().lines().count(), 1, "{}", show(output));
    assert_eq!(versions(namespace), before, "a forbidden command wrote");
}

/// A read with no rights: exit 2 and one line naming the read role.
fn assert_forbidden_read(output: &Output) {
    assert_eq!(output.status.code(), Some(2), "{}", show(output));
    let err = stderr(output);
    assert!(
        err.contains("forbidden") && err.contains("deploy/rbac/kubectl-dp-read.yaml"),
        "{}",
        show(output)
    );
    assert_eq!(err.trim().lines().count(), 1, "{}", show(output));
}

#[test]
fn every_command_with_the_read_role_the_write_role_and_no_rights() {
    let _lock = platform_lock();
    let ns = TestNamespace::waited("dp-roles");
    let n = ns.name.as_str();
    deploy_example("examples/platform", n);
    apply_shipped_roles();
    let (reader, writer, nobody) = (user("read"), user("write"), user("none"));
    let mut bindings = Bindings(Vec::new());
    bindings.cluster(&reader, &["kubectl-dp-read"]);
    bindings.cluster(&writer, &["kubectl-dp-read", "kubectl-dp-write"]);
    let manifests = std::env::temp_dir().join(format!("dp-roles-{n}.yaml"));
    std::fs::write(&manifests, render_example("examples/platform", n)).unwrap();
    let export_dir = std::env::temp_dir().join(format!("dp-roles-export-{n}"));
    let _ = std::fs::remove_dir_all(&export_dir);

    // Every read path: the read role is enough (no "forbidden", no "not checked");
    // with no rights, one line naming the read role.
    let reads: Vec<(&str, Vec<&str>)> = vec![
        (STATUS, vec!["-n", n]),
        (STATUS, vec!["-A"]),
        (QUOTA, vec!["-n", n]),
        (QUOTA, vec!["-A", "--by", "node"]),
        (QUOTA, vec!["check", "-n", n, "-f", path_str(&manifests)]),
        (QUOTA, vec!["plan", "-n", n]),
        (BUCKETS, vec!["list", "-n", n]),
        (BUCKETS, vec!["describe", "analytics", "-n", n]),
        (TUNE, vec!["plan", "-n", n]),
        (
            TUNE,
            vec!["export", "-n", n, "--dir", path_str(&export_dir)],
        ),
        // No pod here has metrics: nothing measured, accepted (the test is about RBAC).
        (
            PERF,
            vec!["run", "-n", n, "--suite", "resources", "--allow-missing"],
        ),
    ];
    for (binary, args) in &reads {
        let output = run_as(binary, &reader, args);
        let what = format!("{} {}", binary.rsplit('/').next().unwrap(), args.join(" "));
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{what} as the read role: {}",
            show(&output)
        );
        let text = format!("{}{}", stdout(&output), stderr(&output));
        // quota check's server-side dry run is a write in RBAC's eyes (as
        // `kubectl apply --dry-run=server`): the read role gets one note per kind.
        let text: String = text
            .lines()
            .filter(|l| {
                !(binary == &QUOTA
                    && l.contains("not checked by the API server, counted as written:")
                    && l.contains("(forbidden: User"))
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            !text.contains("forbidden") && !text.contains("not checked"),
            "{what} as the read role: {}",
            show(&output)
        );
        let output = run_as(binary, &nobody, args);
        assert_forbidden_read(&output);
    }
    // buckets check gets past RBAC (it reads the claim's Secret) and then asks S3,
    // which does not run at the claim's address here.
    let output = run_as(BUCKETS, &reader, &["check", "analytics", "-n", n]);
    assert!(!stderr(&output).contains("forbidden"), "{}", show(&output));
    assert_forbidden_read(&run_as(BUCKETS, &nobody, &["check", "analytics", "-n", n]));

    // A no-op GitOps change fits: the platform as applied, checked against itself.
    // Its two SparkApplications are COMPLETED: re-applied unchanged they do not start.
    let output = run_as(
        QUOTA,
        &reader,
        &["check", "-n", n, "-f", path_str(&manifests), "-o", "json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["fits"], true, "{report:#}");
    let notes = report["notes"].to_string();
    assert!(notes.contains("is finished and unchanged"), "{report:#}");
    assert!(
        !report["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["kind"] == "SparkApplication"),
        "{report:#}"
    );
    // A changed application is submitted again: its pods count.
    let changed =
        std::fs::read_to_string(&manifests)
            .unwrap()
            .replacen("instances: 2", "instances: 3", 1);
    let changed_path = std::env::temp_dir().join(format!("dp-roles-changed-{n}.yaml"));
    std::fs::write(&changed_path, changed).unwrap();
    let output = run_as(
        QUOTA,
        &reader,
        &[
            "check",
            "-n",
            n,
            "-f",
            path_str(&changed_path),
            "-o",
            "json",
        ],
    );
    let report: Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", show(&output)));
    assert!(
        report["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["kind"] == "SparkApplication"),
        "{report:#}"
    );

    // Mutating commands with only the read role: one forbidden line naming the
    // write role, and nothing written. The hand-tuning mistakes of the tune tests
    // give `tune apply` something to change.
    let broken =
        std::fs::read_to_string(repo_root().join("tests/fixtures/tune/broken.yaml")).unwrap();
    apply(&retarget_namespace(&broken, n));
    apply(&format!(
        "apiVersion: objectbucket.io/v1alpha1\nkind: ObjectBucketClaim\nmetadata: {{name: scratch-del, namespace: {n}}}\nspec: {{storageClassName: rook-ceph-bucket, generateBucketName: scratch}}\n"
    ));
    let writes: Vec<(&str, Vec<&str>)> = vec![
        (TUNE, with_yes(TUNE, "apply", &["apply", "-n", n])),
        (
            BUCKETS,
            with_yes(
                BUCKETS,
                "create",
                &[
                    "create",
                    "scratch",
                    "-n",
                    n,
                    "--storage-class",
                    "rook-ceph-bucket",
                ],
            ),
        ),
        (
            BUCKETS,
            with_yes(BUCKETS, "delete", &["delete", "scratch-del", "-n", n]),
        ),
        (
            QUOTA,
            with_yes(QUOTA, "plan", &["plan", "-n", n, "--apply"]),
        ),
    ];
    for (binary, args) in &writes {
        let before = versions(n);
        let output = run_as(binary, &reader, args);
        assert_forbidden_write(&output, &before, n);
    }
    // With the write role they run; then rollback is forbidden to the reader too.
    let output = run_as(TUNE, &writer, &writes[0].1);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    let rollback = with_yes(TUNE, "rollback", &["rollback", "-n", n]);
    let before = versions(n);
    assert_forbidden_write(&run_as(TUNE, &reader, &rollback), &before, n);
    let output = run_as(TUNE, &writer, &rollback);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    for (binary, args) in &writes[1..] {
        let output = run_as(binary, &writer, args);
        assert!(
            !stderr(&output).contains("forbidden"),
            "{}: {}",
            args.join(" "),
            show(&output)
        );
    }

    // A namespace `view` user (Kubernetes' own role: no SparkApplications) gets a
    // plan that says what it left out, never a silent "no Spark".
    let viewer = user("view");
    kubectl(&[
        "create",
        "rolebinding",
        "viewer",
        "-n",
        n,
        "--clusterrole",
        "view",
        "--user",
        &viewer,
    ]);
    let output = run_as(TUNE, &viewer, &["plan", "-n", n]);
    assert_ne!(output.status.code(), Some(2), "{}", show(&output));
    assert!(
        stdout(&output).contains("sparkapplications") && stdout(&output).contains("not checked"),
        "{}",
        show(&output)
    );
    // status as that user: stores and fences it could not read are not "ready"
    // or "in place".
    let output = run_as(STATUS, &viewer, &["-n", n]);
    let text = stdout(&output);
    assert!(!text.contains("in place"), "{}", show(&output));
    assert!(!text.contains("0/0 stores ready"), "{}", show(&output));
    assert!(text.contains("not checked"), "{}", show(&output));
    let _ = std::fs::remove_dir_all(&export_dir);
}

#[test]
fn a_pods_deployments_configmaps_role_never_reports_healthy_fences() {
    let ns = TestNamespace::new("dp-narrow");
    let n = &ns.name;
    let who = user("narrow");
    apply(&format!(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: narrow, namespace: {n}}}
rules:
- apiGroups: [""]
  resources: ["pods", "configmaps"]
  verbs: ["get", "list"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: narrow, namespace: {n}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: narrow}}
subjects: [{{kind: User, name: {who}, apiGroup: rbac.authorization.k8s.io}}]
"#
    ));
    let output = run_as(STATUS, &who, &["-n", n]);
    let text = stdout(&output);
    assert!(
        !text.contains("in place") && !text.contains("the platform is healthy"),
        "{}",
        show(&output)
    );
    assert!(
        text.contains("not checked: ") && text.contains("resourcequotas"),
        "{}",
        show(&output)
    );
    let output = run_as(STATUS, &who, &["-n", n, "-o", "json"]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let compliance = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["component"] == "compliance")
        .unwrap()
        .clone();
    assert_ne!(compliance["state"], "healthy", "{compliance:#}");
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "cluster.not-checked")
        .unwrap_or_else(|| panic!("{report:#}"));
    for plural in [
        "resourcequotas",
        "limitranges",
        "networkpolicies",
        "secrets",
    ] {
        assert!(
            finding["message"].as_str().unwrap().contains(plural),
            "{finding:#}"
        );
    }
}

#[test]
fn quota_check_without_nodes_decides_on_what_was_read() {
    let ns = TestNamespace::new("dp-nonodes");
    let n = &ns.name;
    let who = user("nonodes");
    apply(&format!(
        r#"
apiVersion: v1
kind: ResourceQuota
metadata: {{name: compute, namespace: {n}}}
spec:
  hard: {{requests.memory: 4Gi, limits.memory: 4Gi}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: quota-reader, namespace: {n}}}
rules:
- apiGroups: [""]
  resources: ["pods", "resourcequotas", "limitranges"]
  verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: quota-reader, namespace: {n}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: quota-reader}}
subjects: [{{kind: User, name: {who}, apiGroup: rbac.authorization.k8s.io}}]
"#
    ));
    let deployment = |memory: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, namespace: {n}}}\nspec:\n  replicas: 1\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        resources: {{requests: {{memory: {memory}, cpu: 100m}}, limits: {{memory: {memory}}}}}\n"
        )
    };
    let dir = std::env::temp_dir().join(format!("dp-nonodes-{n}"));
    std::fs::create_dir_all(&dir).unwrap();
    let small = dir.join("small.yaml");
    std::fs::write(&small, deployment("1Gi")).unwrap();
    // Nodes forbidden: the verdict rests on the quota; the node fit is "not checked".
    let output = run_as(QUOTA, &who, &["check", "-n", n, "-f", path_str(&small)]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    let text = stdout(&output);
    assert!(!text.contains("DOES NOT FIT"), "{}", show(&output));
    assert!(!text.contains("most free: 0"), "{}", show(&output));
    assert!(text.contains("not checked: nodes"), "{}", show(&output));
    // Over the quota: does not fit, for the quota alone.
    let big = dir.join("big.yaml");
    std::fs::write(&big, deployment("8Gi")).unwrap();
    let output = run_as(
        QUOTA,
        &who,
        &["check", "-n", n, "-f", path_str(&big), "-o", "json"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", show(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let reasons = report["reasons"].to_string();
    assert!(reasons.contains("quota"), "{report:#}");
    assert!(!reasons.contains("nodes:"), "{report:#}");
    assert_eq!(report["nodes"]["checked"], false, "{report:#}");
    assert_eq!(
        report["notChecked"],
        serde_json::json!(["nodes"]),
        "{report:#}"
    );
    // quota (show) with that Role: nodes are "not checked", never "allocatable 0 CPU".
    let output = run_as(QUOTA, &who, &["-n", n]);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    let text = stdout(&output);
    assert!(!text.contains("allocatable 0"), "{}", show(&output));
    assert!(text.contains("not checked (nodes"), "{}", show(&output));
    // ... and in JSON the allocatable is null, not zero.
    let output = run_as(QUOTA, &who, &["-n", n, "-o", "json"]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["cluster"]["allocatable"], Value::Null, "{report:#}");
    assert!(
        report["notChecked"].to_string().contains("nodes"),
        "{report:#}"
    );
    // Nothing readable at all: exit 2, one line.
    let output = run_as(
        QUOTA,
        "system:serviceaccount:nobody:nobody",
        &["check", "-n", n, "-f", path_str(&small)],
    );
    assert_forbidden_read(&output);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_namespace_that_does_not_exist_is_one_line() {
    let missing = format!("no-such-namespace-{}", std::process::id());
    for binary in [STATUS, QUOTA] {
        let output = dp(binary, &["-n", &missing]);
        assert_eq!(output.status.code(), Some(2), "{}", show(&output));
        let err = stderr(&output);
        assert!(
            err.contains(&format!("namespace {missing} not found")),
            "{}",
            show(&output)
        );
        assert_eq!(err.trim().lines().count(), 1, "{}", show(&output));
        assert!(stdout(&output).is_empty(), "{}", show(&output));
    }
}
