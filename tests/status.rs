//! `kubectl dp status` against the real local control plane.

mod common;

use common::*;
use serde_json::Value;

const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");

fn status_json(args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    let output = dp(STATUS, &all);
    let code = output.status.code().unwrap_or(-1);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "status -o json is not JSON ({e}); stderr: {}",
            stderr(&output)
        )
    });
    (code, report)
}

fn codes(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["object"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn component_state(report: &Value, component: &str) -> String {
    report["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["component"] == component)
        .map(|c| c["state"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

#[test]
fn healthy_reference_platform_exits_zero() {
    let _lock = platform_lock();
    let ns = TestNamespace::waited("dp-healthy");
    deploy_example("examples/platform", &ns.name);

    let (code, report) = status_json(&["-n", &ns.name]);
    assert_eq!(code, 0, "findings: {:#?}", codes(&report));
    assert_eq!(report["apiVersion"], "kubectl-dp.io/v1alpha1");
    assert_eq!(report["kind"], "StatusReport");
    assert_eq!(report["summary"]["critical"], 0, "{:#?}", codes(&report));
    assert_eq!(report["summary"]["warning"], 0, "{:#?}", codes(&report));
    for component in [
        "trino",
        "nessie",
        "postgres",
        "spark",
        "buckets",
        "secrets",
        "compliance",
    ] {
        assert_eq!(
            component_state(&report, component),
            "healthy",
            "{component}: {report:#}"
        );
    }

    let table = dp(STATUS, &["-n", &ns.name]);
    let text = stdout(&table);
    assert!(text.contains("coordinator 1/1, workers 3/3"), "{text}");
    assert!(
        text.contains("credentials from Secret nessie-postgres-credentials (External Secrets)"),
        "{text}"
    );

    let yaml = dp(STATUS, &["-n", &ns.name, "-o", "yaml"]);
    assert!(
        stdout(&yaml).contains("kind: StatusReport"),
        "{}",
        stdout(&yaml)
    );
}

#[test]
fn broken_platform_reports_every_documented_fault() {
    let _lock = platform_lock();
    let ns = TestNamespace::waited("dp-broken");
    deploy_example("examples/broken", &ns.name);

    let (code, report) = status_json(&["-n", &ns.name]);
    assert_eq!(code, 1, "a critical finding must exit 1");
    let found = codes(&report);
    let expect = [
        ("secrets.hand-written", "trino-db-password"),
        ("trino.heap-above-limit", "trino-worker"),
        ("trino.catalog-unknown-property", "trino-catalog"),
        ("trino.removed-property", "trino-coordinator"),
        ("bucket.claim-pending", "scratch"),
        ("spark.application-failed", "failed-report"),
        ("policy.no-limit-range", ns.name.as_str()),
        ("spark.packages-at-startup", "daily-ingest"),
    ];
    for (code, object) in expect {
        assert!(
            found.iter().any(|(c, o)| c == code && o == object),
            "missing {code} on {object}; found {found:#?}"
        );
    }
    // Findings are sorted problems first.
    assert_eq!(report["findings"][0]["severity"], "critical");

    // The human view of the broken platform, grouped findings and all (golden).
    let table = stdout(&dp(STATUS, &["-n", &ns.name, "--color", "never"]));
    common::golden::assert_golden("status-broken", &common::golden::mask(&table, &ns.name));

    // The hand-written Secret's value never appears in any output.
    let secret = kubectl(&[
        "get",
        "secret",
        "trino-db-password",
        "-n",
        &ns.name,
        "-o",
        "jsonpath={.data.password}",
    ]);
    let value = String::from_utf8(base64_decode(secret.trim())).unwrap();
    for format in ["table", "wide", "json", "yaml"] {
        let out = dp(STATUS, &["-n", &ns.name, "-o", format]);
        assert!(
            !stdout(&out).contains(&value),
            "-o {format} printed the secret value"
        );
    }

    // --fail-on decides the exit code; warning-level findings exist too.
    let (warning_code, _) = status_json(&["-n", &ns.name, "--fail-on", "warning"]);
    assert_eq!(warning_code, 1);
}

#[test]
fn missing_secret_is_reported_as_one_chain_from_the_store() {
    let ns = TestNamespace::new("dp-chain");
    let n = &ns.name;
    apply(&format!(
        r#"
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {{name: vault, namespace: {n}}}
spec: {{provider: {{onepassword: {{connectHost: "http://onepassword-connect:8080", vaults: {{dp: 1}}, auth: {{secretRef: {{connectTokenSecretRef: {{name: op-token, key: token}}}}}}}}}}}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {{name: nessie-db, namespace: {n}}}
spec:
  secretStoreRef: {{name: vault, kind: SecretStore}}
  target: {{name: nessie-db}}
  data: [{{secretKey: password, remoteRef: {{key: nessie, property: password}}}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: nessie, namespace: {n}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app.kubernetes.io/name: nessie}}}}
  template:
    metadata: {{labels: {{app.kubernetes.io/name: nessie}}}}
    spec:
      containers:
      - name: nessie
        image: ghcr.io/projectnessie/nessie:0.104.3
        env:
        - {{name: NESSIE_VERSION_STORE_TYPE, value: JDBC2}}
        - name: QUARKUS_DATASOURCE_POSTGRESQL_PASSWORD
          valueFrom: {{secretKeyRef: {{name: nessie-db, key: password}}}}
        resources: {{requests: {{cpu: 100m, memory: 128Mi}}, limits: {{memory: 128Mi}}}}
"#
    ));
    let not_ready = |reason: &str| {
        format!(
            r#"{{"status":{{"conditions":[{{"type":"Ready","status":"False","reason":"{reason}","message":"1Password rejected the token"}}]}}}}"#
        )
    };
    kubectl(&[
        "patch",
        "secretstore",
        "vault",
        "-n",
        n,
        "--subresource=status",
        "--type=merge",
        "-p",
        &not_ready("InvalidProviderConfig"),
    ]);
    kubectl(&[
        "patch",
        "externalsecret",
        "nessie-db",
        "-n",
        n,
        "--subresource=status",
        "--type=merge",
        "-p",
        &not_ready("SecretSyncedError"),
    ]);

    let (code, report) = status_json(&["-n", n]);
    assert_eq!(code, 1);
    let chains: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "secrets.missing")
        .collect();
    assert_eq!(chains.len(), 1, "{report:#}");
    let kinds: Vec<&str> = chains[0]["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["object"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["SecretStore", "ExternalSecret", "Secret", "Deployment"]
    );
    assert!(
        chains[0]["message"]
            .as_str()
            .unwrap()
            .contains("1Password rejected the token")
    );
    // The store and the ExternalSecret are not repeated as separate findings.
    assert!(
        !codes(&report)
            .iter()
            .any(|(c, o)| (c == "secrets.store-not-ready" && o == "vault")
                || (c == "secrets.external-secret-not-synced" && o == "nessie-db"))
    );
}

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

#[test]
fn kubectl_finds_the_plugins_on_path() {
    let ns = TestNamespace::new("dp-plugin");
    pending_claim(&ns.name, "scratch");
    let bin_dir = std::path::Path::new(STATUS).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |args: &[&str]| {
        std::process::Command::new(kubectl_path())
            .args(args)
            .env("PATH", &path)
            .env("KUBECONFIG", kubeconfig())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    // `kubectl dp status` resolves to kubectl-dp-status.
    let output = run(&["dp", "status", "-n", &ns.name]);
    assert!(
        stdout(&output).contains("Data platform status"),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    // `kubectl dp` alone lists the suite.
    let output = run(&["dp"]);
    let text = stdout(&output);
    for command in ["status", "tune", "perf", "quota", "buckets"] {
        assert!(text.contains(command), "{text}");
    }
    // `kubectl dp version` reports the suite and its commands.
    let output = run(&["dp", "version"]);
    assert!(
        stdout(&output).starts_with("kubectl-dp 0.") && stdout(&output).contains("status"),
        "{}",
        stdout(&output)
    );
    // A flag before the command reaches kubectl-dp, which dispatches.
    let output = run(&["dp", "-n", &ns.name, "status"]);
    assert!(
        stdout(&output).contains(&ns.name),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
}

fn kubeconfig_for(server: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n"
    )
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

#[test]
fn watch_redraws_when_the_platform_changes() {
    use std::io::Read;
    let ns = TestNamespace::new("dp-watch");
    // The root CA ConfigMap lands just after the namespace; wait for it so that
    // the first report is of a namespace that no controller is still changing.
    eventually(20, "kube-root-ca.crt", || {
        kubectl_output(
            &["get", "configmap", "kube-root-ca.crt", "-n", &ns.name],
            None,
        )
        .status
        .success()
    });
    let mut child = std::process::Command::new(STATUS)
        .args([
            "-n",
            &ns.name,
            "--watch",
            "--interval",
            "500ms",
            "-o",
            "json",
        ])
        .env("KUBECONFIG", kubeconfig())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reports = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Value>::new()));
    let collected = reports.clone();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            text.push_str(&String::from_utf8_lossy(&buf[..n]));
            let parsed: Vec<Value> = serde_json::Deserializer::from_str(&text)
                .into_iter::<Value>()
                .filter_map(|v| v.ok())
                .collect();
            *collected.lock().unwrap() = parsed;
        }
    });
    let count = || reports.lock().unwrap().len();
    eventually(20, "the first report", || count() >= 1);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(count(), 1, "no change, no redraw");
    // A hand-written credential appears: the next report shows it.
    kubectl(&[
        "create",
        "secret",
        "generic",
        "leaked",
        "-n",
        &ns.name,
        "--from-literal=password=x",
    ]);
    eventually(20, "a redraw after the change", || count() >= 2);
    let last = reports.lock().unwrap().last().cloned().unwrap();
    assert!(
        last["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "secrets.hand-written")
    );
    child.kill().unwrap();
    child.wait().unwrap();
    reader.join().unwrap();
}

/// The Helm-shaped release in examples/analytics: every not-ready component's
/// finding states its pod-level cause, written by the real scheduler and PV
/// controller (workers, Postgres) or by set-status playing the kubelet.
#[test]
fn analytics_release_states_every_pod_level_cause() {
    let _lock = platform_lock();
    let ns = TestNamespace::waited("dp-analytics");
    let release = std::fs::read_to_string(repo_root().join("examples/analytics/release.yaml"))
        .unwrap()
        .replace("namespace: analytics", &format!("namespace: {}", ns.name));
    apply(&release);
    let output = std::process::Command::new(repo_root().join("examples/analytics/set-status"))
        .args(["-n", &ns.name, "--kubeconfig", path_str(&kubeconfig())])
        .env("KUBECTL", kubectl_path())
        .output()
        .expect("run set-status");
    assert!(output.status.success(), "set-status: {}", stderr(&output));

    let finding = |report: &Value, code: &str, object: &str| -> Option<Value> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code && f["object"]["name"] == object)
            .cloned()
    };
    // The scheduler and the PV controller answer within seconds.
    let mut report = Value::Null;
    eventually(60, "the scheduler's and PV controller's verdicts", || {
        report = status_json(&["-n", &ns.name]).1;
        let cause = |code: &str, object: &str| {
            finding(&report, code, object).map(|f| f["cause"].as_str().unwrap_or("").to_string())
        };
        cause("trino.not-ready", "analytics-trino-worker").as_deref() == Some("pod.unschedulable")
            && cause("postgres.not-ready", "analytics-postgresql").as_deref()
                == Some("pod.claim-unbound")
            && finding(&report, "postgres.not-ready", "analytics-postgresql").is_some_and(|f| {
                f["message"]
                    .as_str()
                    .unwrap()
                    .contains("ProvisioningFailed")
            })
    });
    let message = |code: &str, object: &str| -> String {
        let f = finding(&report, code, object)
            .unwrap_or_else(|| panic!("no {code} on {object}: {:#?}", codes(&report)));
        f["message"].as_str().unwrap().to_string()
    };

    let workers = message("trino.not-ready", "analytics-trino-worker");
    assert!(
        workers.starts_with("workers 0/2 ready: pod analytics-trino-worker-"),
        "{workers}"
    );
    assert!(workers.contains("Insufficient memory"), "{workers}");
    // 40Gi asked, 32Gi nodes: at least 8Gi missing on the best node.
    assert!(
        workers.contains("needs 40Gi memory; the node with the most free memory"),
        "{workers}"
    );
    assert!(workers.contains("missing"), "{workers}");
    assert!(workers.contains("and 1 more pod alike"), "{workers}");

    let coordinator = message("trino.not-ready", "analytics-trino-coordinator");
    assert!(
        coordinator.contains("OOMKilled (exit code 137, 6 restarts)"),
        "{coordinator}"
    );
    assert!(coordinator.contains("memory limit 8Gi"), "{coordinator}");
    assert!(
        coordinator.contains("-Xmx12G (jvm.config in ConfigMap analytics-trino-coordinator)"),
        "{coordinator}"
    );

    let nessie = finding(&report, "nessie.not-ready", "analytics-nessie").expect("nessie");
    assert_eq!(nessie["cause"], "pod.config-missing");
    assert!(
        nessie["message"].as_str().unwrap().contains(&format!(
            "couldn't find key nessie-password in Secret {}/analytics-postgresql",
            ns.name
        )),
        "{nessie:#}"
    );
    assert_eq!(nessie["chain"][0]["object"]["kind"], "Secret");
    assert_eq!(nessie["chain"][0]["object"]["name"], "analytics-postgresql");
    assert!(
        nessie["chain"][0]["problem"]
            .as_str()
            .unwrap()
            .contains("has no key nessie-password"),
        "{nessie:#}"
    );
    assert_eq!(nessie["chain"][2]["object"]["kind"], "Deployment");

    let postgres = message("postgres.not-ready", "analytics-postgresql");
    assert!(
        postgres.contains("data-analytics-postgresql-0"),
        "{postgres}"
    );
    assert!(postgres.contains("storageClassName fast-ssd"), "{postgres}");

    let driver = finding(&report, "spark.driver-not-running", "analytics-nightly").expect("driver");
    assert_eq!(driver["cause"], "pod.image-pull-failed");
    assert!(
        driver["message"]
            .as_str()
            .unwrap()
            .contains("cannot pull image registry.example.com/analytics/spark:3.5.6-iceberg"),
        "{driver:#}"
    );

    // Every not-ready finding has a cause; the config faults are there too.
    for f in report["findings"].as_array().unwrap() {
        let code = f["code"].as_str().unwrap();
        if code.ends_with(".not-ready") || code == "trino.degraded" {
            assert!(f["cause"].is_string(), "no cause: {f:#}");
        }
    }
    let found = codes(&report);
    for (code, object) in [
        ("trino.heap-above-limit", "analytics-trino-coordinator"),
        (
            "trino.query-memory-exceeds-heap",
            "analytics-trino-coordinator",
        ),
        ("trino.catalog-unknown-property", "analytics-trino-catalog"),
    ] {
        assert!(
            found.iter().any(|(c, o)| c == code && o == object),
            "missing {code} on {object}: {found:#?}"
        );
    }
    // The default-deny cuts Trino off from Nessie: the finding names the policy
    // set and the missing rule, and joins the coordinator's chain.
    let blocked = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["code"] == "network.flow-blocked"
                && f["object"]["name"] == "analytics-trino-coordinator"
                && f["message"].as_str().unwrap().contains("-> Nessie")
        })
        .unwrap_or_else(|| panic!("no blocked Trino -> Nessie flow: {:#?}", codes(&report)));
    let text = blocked["message"].as_str().unwrap();
    assert!(
        text.contains("NetworkPolicy analytics-trino, default-deny"),
        "{text}"
    );
    assert!(text.contains("missing: an egress rule for pods"), "{text}");
    assert!(text.contains("on TCP 19120"), "{text}");
    assert_eq!(blocked["chain"][0]["object"]["kind"], "NetworkPolicy");
    assert!(
        codes(&report)
            .iter()
            .any(|(c, o)| c == "network.flow-blocked" && o == "analytics-nessie")
    );
    // The table shows the cause too.
    let table = stdout(&dp(STATUS, &["-n", &ns.name]));
    assert!(table.contains("Insufficient memory"), "{table}");

    // The OOM-killed coordinator's previous run, as the kubelet serves it: its
    // last lines (10 by default) appear under the finding, escaped, credentials masked.
    let coordinator_pod = kubectl(&[
        "get",
        "pods",
        "-n",
        &ns.name,
        "-l",
        "app.kubernetes.io/instance=analytics,app.kubernetes.io/component=coordinator",
        "-o",
        "jsonpath={.items[0].metadata.name}",
    ]);
    let mut previous: String = (1..=12)
        .map(|i| format!("INFO startup step {i}\n"))
        .collect();
    previous.push_str("connecting to nessie with password=hunter2\n");
    previous.push_str("\x1b[2J\x1b]0;pwned\x07 planted escape\n");
    previous.push_str("Terminating due to java.lang.OutOfMemoryError: Java heap space\n");
    set_logs(
        &ns.name,
        &coordinator_pod,
        "trino-coordinator",
        "",
        Some(&previous),
    );
    let coordinator_run = |report: &Value| {
        finding(report, "trino.not-ready", "analytics-trino-coordinator")
            .map(|f| f["previousRun"].clone())
            .unwrap_or(Value::Null)
    };
    eventually(30, "the coordinator's previous run in the report", || {
        report = status_json(&["-n", &ns.name]).1;
        coordinator_run(&report)["lines"].is_array()
    });
    let run = coordinator_run(&report);
    assert_eq!(run["pod"], coordinator_pod.as_str());
    assert_eq!(run["container"], "trino-coordinator");
    assert_eq!(run["previous"], true);
    let lines: Vec<&str> = run["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(lines.len(), 10, "{lines:#?}");
    assert_eq!(lines[0], "INFO startup step 6");
    assert_eq!(
        lines[9],
        "Terminating due to java.lang.OutOfMemoryError: Java heap space"
    );
    assert!(lines.contains(&"connecting to nessie with password=****"));
    assert!(!run.to_string().contains("hunter2"), "{run}");
    let table = stdout(&dp(STATUS, &["-n", &ns.name, "--log-lines", "3"]));
    assert!(
        table.contains(&format!(
            "last lines of {coordinator_pod}/trino-coordinator (previous run):"
        )),
        "{table}"
    );
    assert!(
        table.contains("│ connecting to nessie with password=****"),
        "{table}"
    );
    assert!(
        !table.contains("startup step 12"),
        "--log-lines 3 showed more: {table}"
    );
    assert!(
        table.contains("\\x1b[2J\\x1b]0;pwned\\x07 planted escape"),
        "{table}"
    );
    assert!(
        !table.contains('\x1b') && !table.contains('\x07'),
        "raw escape in: {table:?}"
    );
    assert!(!table.contains("hunter2"));
    // --log-lines 0 reads no log.
    let quiet = status_json(&["-n", &ns.name, "--log-lines", "0"]).1;
    assert!(coordinator_run(&quiet).is_null(), "{quiet:#}");
}

/// `status` and `tune plan` agree on every config fault of both faulty platforms:
/// each status finding the rule catalogue says tune fixes (src/platform/rules/mod.rs) has
/// that rule's proposal, and each proposal of a fault-detecting rule has its
/// finding. Only objects are read, so the pods are kept off the nodes.
#[test]
fn status_and_tune_agree_on_every_config_fault() {
    use kubectl_dp::platform::rules::{Tune, fixed_by, rules};
    const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");
    let broken = TestNamespace::new("dp-agree-broken");
    let manifests = render_example("examples/broken", &broken.name).replace(
        "node-role.dp.example.com/data",
        "kubectl-dp.io/agreement-test-never",
    );
    apply(&manifests);
    let analytics = TestNamespace::new("dp-agree-analytics");
    let release = std::fs::read_to_string(repo_root().join("examples/analytics/release.yaml"))
        .unwrap()
        .replace(
            "namespace: analytics",
            &format!("namespace: {}", analytics.name),
        );
    apply(&release);

    for (ns, expected) in [
        (
            &broken.name,
            &[
                "trino.heap-above-limit",
                "trino.catalog-unknown-property",
                "trino.removed-property",
                "spark.packages-at-startup",
                "spark.driver-result-size-too-large",
            ][..],
        ),
        (
            &analytics.name,
            &[
                "trino.heap-above-limit",
                "trino.query-memory-exceeds-heap",
                "trino.query-memory-above-workers",
                "trino.catalog-unknown-property",
            ][..],
        ),
    ] {
        let (_, report) = status_json(&["-n", ns]);
        let status: Vec<String> = codes(&report).into_iter().map(|(c, _)| c).collect();
        let plan = dp(TUNE, &["plan", "-n", ns, "-o", "json"]);
        assert_ne!(plan.status.code(), Some(2), "tune plan: {}", stderr(&plan));
        let plan: Value = serde_json::from_str(&stdout(&plan)).expect("plan JSON");
        let mut tune: Vec<String> = plan["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["rule"].as_str().unwrap().to_string())
            .collect();
        tune.extend(
            plan["notes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|n| n["code"].as_str().unwrap().to_string()),
        );
        for code in expected {
            assert!(
                status.iter().any(|c| c == code),
                "{ns}: status lacks {code}: {status:?}"
            );
        }
        for rule in rules() {
            let Tune::Fixes(rules) = rule.tune else {
                continue;
            };
            let code = rule.code;
            if status.iter().any(|c| c == code) {
                assert!(
                    rules.iter().any(|r| tune.iter().any(|t| t == r)),
                    "{ns}: status reports {code} but tune plan has none of {rules:?}: {tune:?}"
                );
            }
        }
        for rule in &tune {
            let codes: Vec<&str> = fixed_by(rule).map(|r| r.code).collect();
            if !codes.is_empty() {
                assert!(
                    codes.iter().any(|c| status.iter().any(|s| s == c)),
                    "{ns}: tune proposes {rule} but status reports none of {codes:?}: {status:?}"
                );
            }
        }
    }
}
