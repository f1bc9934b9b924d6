//! Writes that surprise no one, against the local control plane: every mutating
//! command shows what it changes, asks (refuses without a terminal unless
//! `--yes`), has a server dry run, never takes fields another field manager owns
//! without `--force-conflicts`, and `tune rollback` never silently loses an edit.

mod common;

use common::*;

const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");
const BUCKETS: &str = env!("CARGO_BIN_EXE_kubectl-dp-buckets");
const QUOTA: &str = env!("CARGO_BIN_EXE_kubectl-dp-quota");

/// A Trino coordinator whose 4G heap does not fit its 2Gi container: `tune`
/// rewrites `-Xmx4G` to `-Xmx1638M`. The ConfigMap is server-side applied by
/// `manager` (a GitOps controller, as Flux does).
fn small_trino(ns: &str, manager: &str) {
    let config_map = format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"small-trino","namespace":"{ns}"}},"data":{{"jvm.config":"-server\n-Xmx4G\n","config.properties":"coordinator=true\n"}}}}"#
    );
    let field_manager = format!("--field-manager={manager}");
    let output = kubectl_output(
        &["apply", "--server-side", &field_manager, "-f", "-"],
        Some(&config_map),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let deployment = format!(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: small-trino
  namespace: {ns}
  labels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}}
spec:
  replicas: 1
  selector:
    matchLabels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}}
    spec:
      containers:
      - name: trino
        image: trinodb/trino:476
        resources:
          requests: {{cpu: 100m, memory: 256Mi}}
          limits: {{cpu: 100m, memory: 2Gi}}
        volumeMounts:
        - {{name: config, mountPath: /etc/trino}}
      volumes:
      - name: config
        configMap: {{name: small-trino}}
"#
    );
    apply(&deployment);
}

fn trino_data(ns: &str) -> serde_json::Value {
    let text = kubectl(&["get", "configmap", "small-trino", "-n", ns, "-o", "json"]);
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["data"].clone()
}

fn backups(ns: &str) -> String {
    kubectl(&[
        "get",
        "configmaps",
        "-n",
        ns,
        "-l",
        "kubectl-dp.io/tune-backup=true",
        "-o",
        "name",
    ])
}

fn both(output: &std::process::Output) -> String {
    format!("{}{}", stdout(output), stderr(output))
}

#[test]
fn tune_apply_never_takes_a_field_flux_owns_without_force_conflicts() {
    let ns = TestNamespace::new("writes-conflict");
    let n = ns.name.as_str();
    small_trino(n, "flux");
    let before = trino_data(n);

    let refused = dp(TUNE, &["apply", "-n", n, "--yes"]);
    assert_eq!(refused.status.code(), Some(2), "{}", both(&refused));
    let line = stderr(&refused);
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(
        line.contains("ConfigMap") && line.contains("small-trino"),
        "{line}"
    );
    assert!(line.contains("\"flux\""), "{line}");
    assert!(line.contains(".data.jvm.config"), "{line}");
    assert!(line.contains("--force-conflicts"), "{line}");
    assert_eq!(trino_data(n), before, "nothing written");
    assert_eq!(backups(n), "", "no backup left behind");

    // A server dry run meets the same conflict.
    let dry = dp(TUNE, &["apply", "-n", n, "--dry-run=server"]);
    assert_eq!(dry.status.code(), Some(2), "{}", both(&dry));
    assert!(stderr(&dry).contains("\"flux\""), "{}", stderr(&dry));

    let forced = dp(TUNE, &["apply", "-n", n, "--yes", "--force-conflicts"]);
    assert_eq!(forced.status.code(), Some(0), "{}", both(&forced));
    assert!(
        trino_data(n)["jvm.config"]
            .as_str()
            .unwrap()
            .contains("-Xmx1638M"),
        "{}",
        trino_data(n)
    );
    let managed = kubectl(&[
        "get",
        "configmap",
        "small-trino",
        "-n",
        n,
        "--show-managed-fields",
        "-o",
        "json",
    ]);
    let managed: serde_json::Value = serde_json::from_str(&managed).unwrap();
    let owner_of_jvm = managed["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fieldsV1"]["f:data"].get("f:jvm.config").is_some())
        .map(|f| f["manager"].as_str().unwrap().to_string());
    assert_eq!(owner_of_jvm.as_deref(), Some("kubectl-dp"), "{managed}");
}

#[test]
fn tune_rollback_refuses_to_lose_an_edit_made_since_the_apply() {
    let ns = TestNamespace::new("writes-edited");
    let n = ns.name.as_str();
    small_trino(n, "gitops");
    let app = format!(
        r#"{{"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication","metadata":{{"name":"etl","namespace":"{n}"}},"spec":{{"type":"Scala","mode":"cluster","image":"spark:3.5.6","mainClass":"org.example.Etl","mainApplicationFile":"local:///opt/etl.jar","sparkVersion":"3.5.6","sparkConf":{{"spark.kryoserializer.buffer.max":"4096m"}},"driver":{{"cores":1,"memory":"2g"}},"executor":{{"instances":2,"cores":2,"memory":"4g"}}}}}}"#
    );
    apply(&app);
    let before = trino_data(n);
    let applied = dp(TUNE, &["apply", "-n", n, "--yes", "--force-conflicts"]);
    assert_eq!(applied.status.code(), Some(0), "{}", both(&applied));
    assert!(
        stdout(&applied).contains("sparkapplication/etl patched"),
        "{}",
        stdout(&applied)
    );
    let buffer = || {
        kubectl(&[
            "get",
            "sparkapplication",
            "etl",
            "-n",
            n,
            "-o",
            "jsonpath={.spec.sparkConf.spark\\.kryoserializer\\.buffer\\.max}",
        ])
    };
    assert_eq!(buffer(), "512m");

    // Someone changes a Spark setting the apply set...
    kubectl(&[
        "patch",
        "sparkapplication",
        "etl",
        "-n",
        n,
        "--type",
        "merge",
        "-p",
        r#"{"spec":{"sparkConf":{"spark.kryoserializer.buffer.max":"1024m"}}}"#,
    ]);
    // ... and edits a file and adds one.
    kubectl(&[
        "patch",
        "configmap",
        "small-trino",
        "-n",
        n,
        "--type",
        "merge",
        "-p",
        r#"{"data":{"jvm.config":"-server\n-Xmx1G\n","node.properties":"node.environment=prod\n"}}"#,
    ]);
    let edited = trino_data(n);

    let refused = dp(TUNE, &["rollback", "-n", n, "--yes"]);
    assert_eq!(refused.status.code(), Some(2), "{}", both(&refused));
    let line = stderr(&refused);
    assert!(
        line.contains("ConfigMap small-trino, SparkApplication etl changed since the apply"),
        "{line}"
    );
    assert!(line.contains("SparkApplication etl"), "{line}");
    assert!(line.contains("--force"), "{line}");
    assert_eq!(buffer(), "1024m", "nothing written");
    // What would be lost is shown as a diff from what the apply left.
    let shown = stdout(&refused);
    assert!(shown.contains("(now: lost by the rollback)"), "{shown}");
    assert!(shown.contains("+  -Xmx1G"), "{shown}");
    // A file tune never wrote is neither lost nor restored.
    assert!(!shown.contains("node.environment=prod"), "{shown}");
    assert_eq!(trino_data(n), edited, "nothing written");
    assert_ne!(backups(n), "", "the backup is kept");

    let forced = dp(TUNE, &["rollback", "-n", n, "--yes", "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", both(&forced));
    assert_eq!(buffer(), "4096m");
    assert!(
        stdout(&forced).contains("warning: --force"),
        "{}",
        stdout(&forced)
    );
    // Tune's files restored byte for byte (their edit to one gone); the file
    // they added, which tune never wrote, kept.
    let mut expected = before.clone();
    expected["node.properties"] = serde_json::json!("node.environment=prod\n");
    assert_eq!(trino_data(n), expected);
    assert_eq!(backups(n), "");
}

#[test]
fn tune_rollback_asks_dry_runs_and_restarts() {
    let ns = TestNamespace::new("writes-rollback");
    let n = ns.name.as_str();
    small_trino(n, "gitops");
    let before = trino_data(n);
    eventually(60, "small-trino ready", || {
        kubectl(&[
            "get",
            "deployment",
            "small-trino",
            "-n",
            n,
            "-o",
            "jsonpath={.status.readyReplicas}",
        ]) == "1"
    });
    let applied = dp(TUNE, &["apply", "-n", n, "--yes", "--force-conflicts"]);
    assert_eq!(applied.status.code(), Some(0), "{}", both(&applied));
    let after = trino_data(n);
    assert_ne!(after, before);

    // No terminal, no --yes: one line, exit 2, nothing written.
    let refused = dp(TUNE, &["rollback", "-n", n]);
    assert_eq!(refused.status.code(), Some(2), "{}", both(&refused));
    assert!(
        stderr(&refused).contains("pass --yes"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(stderr(&refused).lines().count(), 1, "{}", stderr(&refused));
    assert_eq!(trino_data(n), after);

    // A server dry run shows the diff and writes nothing.
    let dry = dp(TUNE, &["rollback", "-n", n, "--dry-run=server"]);
    assert_eq!(dry.status.code(), Some(0), "{}", both(&dry));
    let text = stdout(&dry);
    assert!(
        text.contains("-  -Xmx1638M\n") && text.contains("+  -Xmx4G\n"),
        "{text}"
    );
    assert!(text.contains("(backup kubectl-dp-tune-backup-"), "{text}");
    assert!(text.contains("nothing written"), "{text}");
    assert_eq!(trino_data(n), after);
    assert_ne!(backups(n), "");

    let rolled = dp(
        TUNE,
        &[
            "rollback",
            "-n",
            n,
            "--yes",
            "--restart",
            "--timeout",
            "90s",
        ],
    );
    let text = stdout(&rolled);
    assert_eq!(rolled.status.code(), Some(0), "{}", both(&rolled));
    assert!(text.contains("configmap/small-trino restored"), "{text}");
    assert!(text.contains("deployment/small-trino restarting"), "{text}");
    assert!(
        text.contains("deployment/small-trino: 1/1 updated, 1/1 ready"),
        "{text}"
    );
    assert_eq!(trino_data(n), before);
    let annotation = kubectl(&[
        "get",
        "deployment",
        "small-trino",
        "-n",
        n,
        "-o",
        "jsonpath={.spec.template.metadata.annotations}",
    ]);
    assert!(
        annotation.contains("kubectl.kubernetes.io/restartedAt"),
        "{annotation}"
    );
}

fn claim_field(ns: &str, name: &str, path: &str) -> String {
    kubectl(&[
        "get",
        "obc",
        name,
        "-n",
        ns,
        "-o",
        &format!("jsonpath={{{path}}}"),
    ])
}

#[test]
fn buckets_create_asks_refuses_existing_claims_and_keeps_bound_ones_fixed() {
    let ns = TestNamespace::new("writes-buckets");
    let n = ns.name.as_str();
    let create = |extra: &[&str]| {
        let mut args = vec!["create", "lake", "--storage-class", "ceph-bucket", "-n", n];
        args.extend_from_slice(extra);
        dp(BUCKETS, &args)
    };

    // No terminal, no --yes: the diff, then one line, exit 2, nothing written.
    let refused = create(&[]);
    assert_eq!(refused.status.code(), Some(2), "{}", both(&refused));
    assert!(
        stdout(&refused).contains("+storageClassName: ceph-bucket"),
        "{}",
        stdout(&refused)
    );
    assert!(
        stderr(&refused).contains("pass --yes"),
        "{}",
        stderr(&refused)
    );
    assert!(
        !kubectl_output(&["get", "obc", "lake", "-n", n], None)
            .status
            .success()
    );

    let made = create(&["--yes"]);
    assert_eq!(made.status.code(), Some(0), "{}", both(&made));
    assert!(stdout(&made).contains("objectbucketclaim.objectbucket.io/lake applied"));

    // The same name again: refused, naming the claim and --update.
    let again = create(&["--yes", "--lifecycle", "test"]);
    assert_eq!(again.status.code(), Some(2), "{}", both(&again));
    let line = stderr(&again);
    assert!(
        line.contains(&format!("ObjectBucketClaim {n}/lake exists")),
        "{line}"
    );
    assert!(line.contains("--update"), "{line}");
    assert_eq!(claim_field(n, "lake", ".spec.additionalConfig"), "");

    // Bound: the storage class and the bucket name are fixed.
    kubectl(&[
        "patch",
        "obc",
        "lake",
        "-n",
        n,
        "--subresource=status",
        "--type=merge",
        "-p",
        r#"{"status":{"phase":"Bound"}}"#,
    ]);
    let moved = dp(
        BUCKETS,
        &[
            "create",
            "lake",
            "--storage-class",
            "other-class",
            "-n",
            n,
            "--update",
            "--yes",
        ],
    );
    assert_eq!(moved.status.code(), Some(2), "{}", both(&moved));
    assert!(
        stderr(&moved).contains("storageClassName ceph-bucket → other-class"),
        "{}",
        stderr(&moved)
    );
    assert_eq!(
        claim_field(n, "lake", ".spec.storageClassName"),
        "ceph-bucket"
    );

    // --update may change the rest, after showing it.
    let updated = create(&["--update", "--yes", "--lifecycle", "test"]);
    assert_eq!(updated.status.code(), Some(0), "{}", both(&updated));
    assert!(
        stdout(&updated).contains("+  bucketLifecycle:"),
        "{}",
        stdout(&updated)
    );
    assert!(claim_field(n, "lake", ".spec.additionalConfig.bucketLifecycle").contains("expire"));
    // Nothing to change: said so, nothing asked.
    let same = create(&["--update", "--lifecycle", "test"]);
    assert_eq!(same.status.code(), Some(0), "{}", both(&same));
    assert!(
        stdout(&same).contains("lake unchanged"),
        "{}",
        stdout(&same)
    );

    // A field Flux owns is not taken without --force-conflicts.
    let flux_claim = format!(
        r#"{{"apiVersion":"objectbucket.io/v1alpha1","kind":"ObjectBucketClaim","metadata":{{"name":"raw","namespace":"{n}"}},"spec":{{"generateBucketName":"raw","storageClassName":"ceph-bucket","additionalConfig":{{"maxSize":"1Gi"}}}}}}"#
    );
    let output = kubectl_output(
        &["apply", "--server-side", "--field-manager=flux", "-f", "-"],
        Some(&flux_claim),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let raw = |extra: &[&str]| {
        let mut args = vec![
            "create",
            "raw",
            "--storage-class",
            "ceph-bucket",
            "--max-size",
            "2Gi",
            "-n",
            n,
            "--update",
            "--yes",
        ];
        args.extend_from_slice(extra);
        dp(BUCKETS, &args)
    };
    let conflict = raw(&[]);
    assert_eq!(conflict.status.code(), Some(2), "{}", both(&conflict));
    assert!(
        stderr(&conflict).contains("\"flux\""),
        "{}",
        stderr(&conflict)
    );
    assert!(
        stderr(&conflict).contains("maxSize"),
        "{}",
        stderr(&conflict)
    );
    assert_eq!(
        claim_field(n, "raw", ".spec.additionalConfig.maxSize"),
        "1Gi"
    );
    let forced = raw(&["--force-conflicts"]);
    assert_eq!(forced.status.code(), Some(0), "{}", both(&forced));
    assert_eq!(
        claim_field(n, "raw", ".spec.additionalConfig.maxSize"),
        "2Gi"
    );

    // delete --dry-run=server deletes nothing (a Pending claim needs no --force).
    let dry = dp(BUCKETS, &["delete", "raw", "-n", n, "--dry-run=server"]);
    assert_eq!(dry.status.code(), Some(0), "{}", both(&dry));
    assert!(stdout(&dry).contains("nothing deleted"), "{}", stdout(&dry));
    assert_eq!(claim_field(n, "raw", ".metadata.name"), "raw");
}

#[test]
fn quota_plan_apply_asks_and_respects_other_managers() {
    let ns = TestNamespace::new("writes-quota");
    let n = ns.name.as_str();
    let plan = |extra: &[&str]| {
        let mut args = vec!["plan", "-n", n, "--memory", "16Gi", "--cpu", "8", "--apply"];
        args.extend_from_slice(extra);
        dp(QUOTA, &args)
    };
    let refused = plan(&[]);
    assert_eq!(refused.status.code(), Some(2), "{}", both(&refused));
    assert!(
        stdout(&refused).contains("+    requests.memory: 16Gi"),
        "{}",
        stdout(&refused)
    );
    assert!(
        stderr(&refused).contains("pass --yes"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        kubectl(&["get", "resourcequota,limitrange", "-n", n, "-o", "name"]),
        ""
    );

    // A quota Flux applied: its hard limits are Flux's.
    let quota = format!(
        r#"{{"apiVersion":"v1","kind":"ResourceQuota","metadata":{{"name":"compute","namespace":"{n}"}},"spec":{{"hard":{{"requests.memory":"10Gi"}}}}}}"#
    );
    let output = kubectl_output(
        &["apply", "--server-side", "--field-manager=flux", "-f", "-"],
        Some(&quota),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let hard = || {
        kubectl(&[
            "get",
            "resourcequota",
            "compute",
            "-n",
            n,
            "-o",
            "jsonpath={.spec.hard.requests\\.memory}",
        ])
    };
    let conflict = plan(&["--yes"]);
    assert_eq!(conflict.status.code(), Some(2), "{}", both(&conflict));
    assert!(
        stderr(&conflict).contains("ResourceQuota"),
        "{}",
        stderr(&conflict)
    );
    assert!(
        stderr(&conflict).contains("\"flux\""),
        "{}",
        stderr(&conflict)
    );
    assert!(
        stderr(&conflict).contains("--force-conflicts"),
        "{}",
        stderr(&conflict)
    );
    assert_eq!(hard(), "10Gi");
    assert_eq!(
        kubectl(&["get", "limitrange", "-n", n, "-o", "name"]),
        "",
        "nothing half applied"
    );

    let forced = plan(&["--yes", "--force-conflicts"]);
    assert_eq!(forced.status.code(), Some(0), "{}", both(&forced));
    assert!(
        stdout(&forced).contains("-    requests.memory: 10Gi"),
        "{}",
        stdout(&forced)
    );
    assert_eq!(hard(), "16Gi");
}

/// Runs `args` on a pseudo-terminal (util-linux `script`) and types `answer`
/// once the prompt had time to appear; returns what the terminal showed.
fn on_terminal(binary: &str, args: &[&str], answer: &str) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let command_line = std::iter::once(binary)
        .chain(args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = Command::new("script")
        .args(["-qec", &command_line, "/dev/null"])
        .env("KUBECONFIG", kubeconfig())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs the command on a terminal");
    let mut stdin = child.stdin.take().unwrap();
    std::thread::sleep(std::time::Duration::from_secs(4));
    stdin.write_all(format!("{answer}\n").as_bytes()).unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn on_a_terminal_every_write_asks_first() {
    let ns = TestNamespace::new("writes-terminal");
    let n = ns.name.as_str();
    let kubeconfig = kubeconfig();
    let kc = kubeconfig.to_str().unwrap();

    // buckets create: "n" writes nothing, "y" writes.
    let create = [
        "create",
        "asked",
        "--storage-class",
        "ceph-bucket",
        "-n",
        n,
        "--kubeconfig",
        kc,
    ];
    let screen = on_terminal(BUCKETS, &create, "n");
    assert!(
        screen.contains(&format!("Create ObjectBucketClaim {n}/asked? [y/N]")),
        "{screen}"
    );
    assert!(screen.contains("not applied"), "{screen}");
    assert!(
        !kubectl_output(&["get", "obc", "asked", "-n", n], None)
            .status
            .success()
    );
    let screen = on_terminal(BUCKETS, &create, "y");
    assert!(
        screen.contains("objectbucketclaim.objectbucket.io/asked applied"),
        "{screen}"
    );
    assert_eq!(claim_field(n, "asked", ".metadata.name"), "asked");

    // tune apply: the same prompt after the diff.
    small_trino(n, "gitops");
    let before = trino_data(n);
    let apply = ["apply", "-n", n, "--force-conflicts", "--kubeconfig", kc];
    let screen = on_terminal(TUNE, &apply, "n");
    assert!(
        screen.contains(&format!("change(s) to namespace {n}? [y/N]")),
        "{screen}"
    );
    assert!(screen.contains("not applied"), "{screen}");
    assert_eq!(trino_data(n), before);
    assert_eq!(backups(n), "");
    let screen = on_terminal(TUNE, &apply, "y");
    assert!(screen.contains("configmap/small-trino applied"), "{screen}");
    assert_ne!(trino_data(n), before);

    // quota plan --apply.
    let plan = ["plan", "-n", n, "--apply", "--kubeconfig", kc];
    let screen = on_terminal(QUOTA, &plan, "n");
    assert!(
        screen.contains("? [y/N]") && screen.contains("not applied"),
        "{screen}"
    );
    assert_eq!(
        kubectl(&["get", "resourcequota,limitrange", "-n", n, "-o", "name"]),
        ""
    );
}
