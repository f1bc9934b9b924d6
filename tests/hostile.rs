//! Hostile-but-fair cluster data (issue 12) against the local control plane
//! (tests/cluster/up): absurd sizes, undecodable objects, terminal escapes,
//! literal credentials in catalogs, broken kubeconfigs, closed pipes. Every
//! case asserts an exit code of 0, 1 or 2 (never a panic's 101 or an abort's
//! 134) and what the user is told.

mod common;

use std::process::Output;

use common::{TestNamespace, apply, dp, stderr, stdout};

const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");
const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");
const BUCKETS: &str = env!("CARGO_BIN_EXE_kubectl-dp-buckets");

/// The exit code, asserting it is one of the suite's (0 ok, 1 findings, 2 error).
fn code(output: &Output, what: &str) -> i32 {
    let code = output.status.code().unwrap_or(-1);
    assert!(
        (0..=2).contains(&code),
        "{what}: exit {code}\nstdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
    code
}

/// `{"a":{"a":…{}}}` nested `depth` deep.
fn nested(depth: usize) -> String {
    format!("{}{{}}{}", "{\"a\":".repeat(depth), "}".repeat(depth))
}

#[test]
fn undecodable_objects_are_named_not_fatal() {
    let ns = TestNamespace::new("hostile-decode");
    let n = &ns.name;
    let deep = nested(140);
    apply(&format!(
        r#"{{"apiVersion":"v1","kind":"List","items":[
{{"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication","metadata":{{"name":"deep-app","namespace":"{n}"}},"spec":{{"type":"Scala","deep":{deep}}}}},
{{"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication","metadata":{{"name":"wrong-types","namespace":"{n}"}},"spec":{{"type":"Scala","sparkConf":"x","driver":5}}}},
{{"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication","metadata":{{"name":"good-app","namespace":"{n}"}},"spec":{{"type":"Scala","sparkConf":{{"spark.sql.adaptive.enabled":"false"}}}}}},
{{"apiVersion":"objectbucket.io/v1alpha1","kind":"ObjectBucketClaim","metadata":{{"name":"deep-claim","namespace":"{n}"}},"spec":{{"bucketName":"b","storageClassName":"s","deep":{deep}}}}},
{{"apiVersion":"objectbucket.io/v1alpha1","kind":"ObjectBucketClaim","metadata":{{"name":"good-claim","namespace":"{n}"}},"spec":{{"bucketName":"g","storageClassName":"s"}}}}
]}}"#
    ));

    let status = dp(STATUS, &["-n", n, "-o", "json"]);
    let exit = code(&status, "status");
    assert_ne!(exit, 2, "status failed: {}", stderr(&status));
    let json = stdout(&status);
    for name in ["deep-app", "wrong-types", "deep-claim"] {
        assert!(
            json.contains(&format!("\"name\": \"{name}\""))
                && json.contains("cluster.undecodable-object"),
            "status does not name {name}:\n{json}"
        );
    }
    let table = dp(STATUS, &["-n", n]);
    code(&table, "status table");
    assert!(stdout(&table).contains("deep-claim"), "{}", stdout(&table));

    let buckets = dp(BUCKETS, &["list", "-n", n]);
    assert_ne!(code(&buckets, "buckets list"), 2, "{}", stderr(&buckets));
    let listed = stdout(&buckets);
    assert!(listed.contains("good-claim"), "{listed}");
    assert!(
        listed.contains("deep-claim"),
        "the broken claim is not named:\n{listed}"
    );

    let plan = dp(TUNE, &["plan", "-n", n, "-o", "json"]);
    assert_ne!(code(&plan, "tune plan"), 2, "{}", stderr(&plan));
    let plan = stdout(&plan);
    assert!(plan.contains("good-app"), "{plan}");
    for name in ["deep-app", "wrong-types"] {
        assert!(
            plan.contains(name),
            "tune plan does not name {name}:\n{plan}"
        );
    }
}

#[test]
fn absurd_memory_sizes_are_findings_not_panics() {
    let ns = TestNamespace::new("hostile-size");
    let n = &ns.name;
    apply(&format!(
        r#"
apiVersion: v1
kind: ConfigMap
metadata: {{name: trino-config, namespace: {n}}}
data:
  jvm.config: "-Xmx8G\n"
  config.properties: "coordinator=true\nquery.max-memory-per-node=99999999999999PB\nmemory.heap-headroom-per-node=99999999999999PB\nquery.max-memory=99999999999999PB\n"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: trino-coordinator
  namespace: {n}
  labels: {{app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}}
spec:
  replicas: 0
  selector: {{matchLabels: {{app: trino-coordinator}}}}
  template:
    metadata:
      labels: {{app: trino-coordinator, app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator}}
    spec:
      containers:
      - name: trino
        image: trinodb/trino:476
        resources: {{limits: {{memory: 10Gi}}}}
        volumeMounts: [{{name: config, mountPath: /etc/trino}}]
      volumes: [{{name: config, configMap: {{name: trino-config}}}}]
"#
    ));
    let status = dp(STATUS, &["-n", n, "-o", "json"]);
    code(&status, "status");
    assert!(
        stdout(&status).contains("trino.config-invalid-size"),
        "{}",
        stdout(&status)
    );
    for args in [
        vec!["plan", "-n", n.as_str()],
        vec!["plan", "-n", n.as_str(), "-o", "diff"],
    ] {
        let plan = dp(TUNE, &args);
        code(&plan, "tune plan");
        assert!(!stderr(&plan).contains("panicked"), "{}", stderr(&plan));
    }
}

#[test]
fn a_non_utf8_kubeconfig_is_one_line_naming_the_file() {
    let dir = std::env::temp_dir().join(format!("hostile-kubeconfig-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let utf16 = dir.join("utf16-config");
    let text = std::fs::read_to_string(common::kubeconfig()).unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    std::fs::write(&utf16, &bytes).unwrap();
    let latin1 = dir.join("latin1-config");
    std::fs::write(&latin1, b"apiVersion: v1\nkind: Config\n# caf\xe9\n").unwrap();
    for path in [&utf16, &latin1] {
        for (binary, args) in [
            (STATUS, vec![]),
            (TUNE, vec!["plan"]),
            (BUCKETS, vec!["list"]),
        ] {
            let mut command = std::process::Command::new(binary);
            command
                .args(&args)
                .env("KUBECONFIG", path)
                .env("NO_COLOR", "1");
            let output = command.output().unwrap();
            assert_eq!(code(&output, "kubeconfig"), 2, "{}", stderr(&output));
            let err = stderr(&output);
            assert_eq!(err.trim_end().lines().count(), 1, "{err}");
            assert!(err.contains(path.to_str().unwrap()), "{err}");
            assert!(err.contains("UTF-8"), "{err}");
            // Never its content (a token could be there).
            assert!(
                !err.contains("apiVersion") && !err.contains("certificate"),
                "{err}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
