//! Secrets that never leave (issue 23): values planted in ConfigMaps and a
//! SparkApplication of a real API server, then every command and output path
//! that shows them (status in every format, tune plan tables and diffs, the
//! apply's dry run, tune export's files for Git) is searched for them.

mod common;

use common::*;

const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");
const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");

/// Planted values: each distinct, none a word the output has anyway.
const PLANTED: [&str; 7] = [
    "pgPw-71c2a9",
    "MIIEvgIBADANBgkqhkiG9w0BAQEFAASC",
    "ksPw-4f19d0",
    "s3aSecret-88e1",
    "repoPw-2b7c",
    "envSecret-5a0f",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcGVyYXRvciJ9.c2lnbmF0dXJl",
];

fn plant(ns: &str) {
    apply(&format!(
        r#"
apiVersion: v1
kind: ConfigMap
metadata: {{name: trino-config, namespace: {ns}}}
data:
  jvm.config: "-server\n-Xmx4G\n"
  config.properties: "coordinator=true\nhttp-server.https.keystore.key=ksPw-4f19d0\nquery.max-memory=1GB\n"
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: trino-catalog, namespace: {ns}}}
data:
  pg.properties: "connector.name=postgresql\nconnection-url=jdbc:postgresql://trino:pgPw-71c2a9@pg:5432/db\n"
  gcs.json: '{{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"}}'
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: trino-coordinator
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
        resources: {{requests: {{cpu: 100m, memory: 256Mi}}, limits: {{memory: 2Gi}}}}
        volumeMounts:
        - {{name: config, mountPath: /etc/trino}}
        - {{name: catalog, mountPath: /etc/trino/catalog}}
      volumes:
      - {{name: config, configMap: {{name: trino-config}}}}
      - {{name: catalog, configMap: {{name: trino-catalog}}}}
---
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: {{name: etl, namespace: {ns}}}
spec:
  type: Scala
  mode: cluster
  image: "spark:3.5.6"
  mainApplicationFile: "local:///opt/etl.jar"
  sparkVersion: "3.5.6"
  sparkConf:
    spark.kryoserializer.buffer.max: "4096m"
    spark.hadoop.fs.s3a.secret.key: "s3aSecret-88e1"
    spark.jars.repositories: "https://builder:repoPw-2b7c@maven.example/m2"
  driver:
    cores: 1
    memory: 2g
    env: [{{name: AWS_SECRET_ACCESS_KEY, value: envSecret-5a0f}}]
  executor: {{instances: 1, cores: 1, memory: 2g}}
"#
    ));
    // The operator's verdict, quoting a token in its error message.
    kubectl(&[
        "patch",
        "sparkapplication",
        "etl",
        "-n",
        ns,
        "--subresource=status",
        "--type=merge",
        "-p",
        r#"{"status":{"driverInfo":{},"applicationState":{"state":"FAILED","errorMessage":"driver: 401 for Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcGVyYXRvciJ9.c2lnbmF0dXJl"}}}"#,
    ]);
}

fn assert_clean(what: &str, text: &str) {
    for value in PLANTED {
        assert!(
            !text.contains(value),
            "{what} shows a planted secret ({value}):\n{text}"
        );
    }
}

#[test]
fn planted_secrets_reach_no_output() {
    let ns = TestNamespace::new("hostile-secrets");
    let n = ns.name.as_str();
    plant(n);
    for args in [
        vec!["-n", n],
        vec!["-n", n, "-o", "wide"],
        vec!["-n", n, "-o", "json"],
        vec!["-n", n, "-o", "yaml"],
        vec!["-n", n, "-v", "-v"],
    ] {
        let output = dp(STATUS, &args);
        assert_clean(
            &format!("status {args:?}"),
            &format!("{}{}", stdout(&output), stderr(&output)),
        );
    }
    let report = stdout(&dp(STATUS, &["-n", n, "-o", "json"]));
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let literal: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "security.literal-secret")
        .map(|f| {
            format!(
                "{} {}",
                f["object"]["name"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    for expected in [
        "trino-catalog pg.properties line 2: a password in a URL",
        "trino-catalog gcs.json line 1: private_key",
        "trino-config config.properties line 2: http-server.https.keystore.key",
        "etl spec.driver.env[0] AWS_SECRET_ACCESS_KEY",
        "etl spec.sparkConf.spark.hadoop.fs.s3a.secret.key",
        "etl spec.sparkConf.spark.jars.repositories: a password in a URL",
    ] {
        assert!(
            literal.iter().any(|l| l.starts_with(expected)),
            "missing {expected}: {literal:#?}"
        );
    }
    for args in [
        vec!["plan", "-n", n],
        vec!["plan", "-n", n, "-o", "diff"],
        vec!["plan", "-n", n, "-o", "json"],
        vec!["plan", "-n", n, "-o", "yaml"],
        vec!["apply", "-n", n, "--dry-run=server", "--force-conflicts"],
    ] {
        let output = dp(TUNE, &args);
        assert_ne!(
            output.status.code(),
            Some(2),
            "tune {args:?}: {}",
            stderr(&output)
        );
        assert_clean(
            &format!("tune {args:?}"),
            &format!("{}{}", stdout(&output), stderr(&output)),
        );
    }
    for format in ["kustomize", "helm-values"] {
        let dir = std::env::temp_dir().join(format!(
            "kubectl-dp-secrets-{}-{format}",
            std::process::id()
        ));
        let output = dp(
            TUNE,
            &[
                "export",
                "-n",
                n,
                "--dir",
                dir.to_str().unwrap(),
                "--format",
                format,
            ],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_clean("tune export", &stdout(&output));
        let mut files = Vec::new();
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap().flatten() {
                if entry.path().is_dir() {
                    stack.push(entry.path())
                } else {
                    files.push(entry.path())
                }
            }
        }
        assert!(!files.is_empty());
        for file in &files {
            assert_clean(
                &file.display().to_string(),
                &std::fs::read_to_string(file).unwrap(),
            );
        }
        if format == "kustomize" {
            let text = stdout(&output);
            assert!(
                text.contains(&format!("create Secret {n}-credentials")),
                "{text}"
            );
            let app = std::fs::read_to_string(dir.join("sparkapplication-etl.yaml")).unwrap();
            assert!(app.contains("secretKeyRef"), "{app}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
