//! `kubectl dp status` when it cannot read everything: a reader of one namespace
//! gets a partial report; an unreachable or slow API server, a bad flag or
//! context is one line and exit 2.

mod common;

use common::status::*;
use common::*;

#[test]
fn a_reader_of_one_namespace_gets_a_partial_report() {
    let ns = TestNamespace::new("dp-rbac");
    let n = &ns.name;
    apply(&format!(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: reader, namespace: {n}}}
rules:
- apiGroups: ["", "apps", "batch", "networking.k8s.io", "objectbucket.io", "sparkoperator.k8s.io", "external-secrets.io", "monitoring.coreos.com"]
  resources: ["*"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: reader, namespace: {n}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}}
subjects: [{{kind: User, name: dp-reader, apiGroup: rbac.authorization.k8s.io}}]
"#
    ));
    pending_claim(n, "scratch");
    // Cluster-scoped ClusterSecretStores are forbidden to this user: the report still comes.
    let (code, report) = status_json(&["-n", n, "--as", "dp-reader"]);
    assert_ne!(code, 2, "{report:#}");
    assert!(report["components"].as_array().unwrap().len() >= 7);

    // In a namespace it may not read at all, nothing can be checked: exit 2, one line.
    let output = dp(STATUS, &["-n", "default", "--as", "dp-reader"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("forbidden") && err.contains("dp-reader"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn unreachable_and_slow_api_servers_fail_with_one_line() {
    let dir = std::env::temp_dir().join(format!("dp-kubeconfig-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A port nothing listens on.
    let refused = dir.join("refused");
    std::fs::write(&refused, kubeconfig_for("https://127.0.0.1:1")).unwrap();
    let output = std::process::Command::new(STATUS)
        .args(["--kubeconfig", path_str(&refused), "-n", "x"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("could not reach the API server at https://127.0.0.1:1"),
        "{err}"
    );
    assert!(
        !err.contains("panicked") && err.trim().lines().count() == 1,
        "{err}"
    );

    // A server that accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let slow = dir.join("slow");
    std::fs::write(&slow, kubeconfig_for(&format!("https://127.0.0.1:{port}"))).unwrap();
    let started = std::time::Instant::now();
    let output = std::process::Command::new(STATUS)
        .args([
            "--kubeconfig",
            path_str(&slow),
            "-n",
            "x",
            "--request-timeout",
            "2s",
        ])
        .output()
        .unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    // The stated limit is the one applied.
    assert!(err.contains("did not answer within 2s;"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn bad_flags_and_contexts_exit_two() {
    let output = dp(STATUS, &["--fail-on", "sometimes"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--fail-on"), "{}", stderr(&output));

    let output = dp(STATUS, &["--context", "no-such-context"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("context 'no-such-context' is not in the kubeconfig"),
        "{}",
        stderr(&output)
    );

    let output = dp(STATUS, &["-n", "Not_A_Namespace"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not a valid namespace name"),
        "{}",
        stderr(&output)
    );

    let output = std::process::Command::new(STATUS)
        .args(["--kubeconfig", "/nonexistent/kubeconfig"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("/nonexistent/kubeconfig"),
        "{}",
        stderr(&output)
    );
}

fn kubeconfig_for(server: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n"
    )
}
