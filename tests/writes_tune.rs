//! Tune's writes surprise no one, against the local control plane: `tune apply`
//! never takes fields another field manager owns without `--force-conflicts`,
//! and `tune rollback` asks, dry-runs, restarts and never silently loses an edit.

mod common;

use common::writes::*;
use common::*;

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
