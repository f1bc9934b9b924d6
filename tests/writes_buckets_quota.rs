//! Writes that surprise no one, against the local control plane: `buckets
//! create` and `quota plan --apply` show what they change, ask (refuse without a
//! terminal unless `--yes`), respect other field managers, and on a terminal
//! every write asks first.

mod common;

use common::writes::*;
use common::*;

const BUCKETS: &str = env!("CARGO_BIN_EXE_kubectl-dp-buckets");

const QUOTA: &str = env!("CARGO_BIN_EXE_kubectl-dp-quota");

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
