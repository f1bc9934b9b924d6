//! `kubectl dp status` on whole platforms on the real local control plane: the
//! healthy reference exits 0, the broken one reports every documented fault, a
//! missing Secret is one chain from its store, the analytics release states
//! every pod-level cause, and status and tune agree on every config fault.

mod common;

use common::status::*;
use common::*;
use serde_json::Value;

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
