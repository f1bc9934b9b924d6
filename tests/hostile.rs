//! Hostile-but-fair cluster data (issue 12) against the local control plane
//! (tests/cluster/up): absurd sizes, undecodable objects, terminal escapes,
//! literal credentials in catalogs, broken kubeconfigs, closed pipes. Every
//! case asserts an exit code of 0, 1 or 2 (never a panic's 101 or an abort's
//! 134) and what the user is told.

mod common;

use std::process::Output;

use common::{TestNamespace, apply, dp, kubectl_output, stderr, stdout};

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

/// The fields the real SparkApplication CRD requires besides driver and executor.
const SPARK: &str =
    r#""type":"Scala","sparkVersion":"3.5.5","mainApplicationFile":"local:///opt/job.jar""#;

/// `{"a":{"a":…{}}}` nested `depth` deep.
fn nested(depth: usize) -> String {
    format!("{}{{}}{}", "{\"a\":".repeat(depth), "}".repeat(depth))
}

#[test]
fn undecodable_objects_are_named_not_fatal() {
    let ns = TestNamespace::new("hostile-decode");
    let n = &ns.name;
    let deep = nested(140);
    let spark = SPARK;
    apply(&format!(
        r#"{{"apiVersion":"v1","kind":"List","items":[
{{"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication","metadata":{{"name":"deep-app","namespace":"{n}"}},"spec":{{{spark},"driver":{{"template":{{"deep":{deep}}}}},"executor":{{}}}}}},
{{"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication","metadata":{{"name":"good-app","namespace":"{n}"}},"spec":{{{spark},"driver":{{}},"executor":{{}},"sparkConf":{{"spark.sql.adaptive.enabled":"false"}}}}}},
{{"apiVersion":"objectbucket.io/v1alpha1","kind":"ObjectBucketClaim","metadata":{{"name":"deep-claim","namespace":"{n}"}},"spec":{{"bucketName":"b","storageClassName":"s","additionalConfig":{{"deep":{deep}}}}}}},
{{"apiVersion":"objectbucket.io/v1alpha1","kind":"ObjectBucketClaim","metadata":{{"name":"good-claim","namespace":"{n}"}},"spec":{{"bucketName":"g","storageClassName":"s"}}}}
]}}"#
    ));
    // Wrong types never get that far: the real CRD's schema refuses them.
    let refused = kubectl_output(
        &["apply", "-f", "-"],
        Some(&format!(
            r#"{{"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication","metadata":{{"name":"wrong-types","namespace":"{n}"}},"spec":{{{spark},"sparkConf":"x","driver":5,"executor":{{}}}}}}"#
        )),
    );
    assert!(
        !refused.status.success()
            && String::from_utf8_lossy(&refused.stderr).contains("must be of type object"),
        "the API server accepted a SparkApplication with spec.driver: 5: {}",
        String::from_utf8_lossy(&refused.stderr)
    );

    let status = dp(STATUS, &["-n", n, "-o", "json"]);
    let exit = code(&status, "status");
    assert_ne!(exit, 2, "status failed: {}", stderr(&status));
    let json = stdout(&status);
    for name in ["deep-app", "deep-claim"] {
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
    assert!(
        plan.contains("deep-app"),
        "tune plan does not name deep-app:\n{plan}"
    );
}

/// A Trino coordinator (no replicas) mounting ConfigMap trino-config with `config`
/// as config.properties and `catalog` as lake.properties.
fn trino(n: &str, config: &str, catalog: &str) {
    apply(&format!(
        r#"
apiVersion: v1
kind: ConfigMap
metadata: {{name: trino-config, namespace: {n}}}
data:
  jvm.config: "-Xmx8G\n"
  config.properties: "{config}"
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: trino-catalog, namespace: {n}}}
data:
  lake.properties: "{catalog}"
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
        volumeMounts: [{{name: config, mountPath: /etc/trino}}, {{name: catalog, mountPath: /etc/trino/catalog}}]
      volumes: [{{name: config, configMap: {{name: trino-config}}}}, {{name: catalog, configMap: {{name: trino-catalog}}}}]
"#
    ));
}

#[test]
fn absurd_memory_sizes_are_findings_not_panics() {
    let ns = TestNamespace::new("hostile-size");
    let n = &ns.name;
    trino(
        n,
        "coordinator=true\\nquery.max-memory-per-node=99999999999999PB\\nmemory.heap-headroom-per-node=99999999999999PB\\nquery.max-memory=99999999999999PB\\n",
        "connector.name=tpch\\n",
    );
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

/// Control and bidi characters planted in cluster data, and what must never
/// appear raw in any output.
const PLANTED: &str = "x\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}evil\u{2066}\u{0}\u{9b}y";
const RAW: [&str; 6] = [
    "\u{1b}]", "\u{7}", "\u{202e}", "\u{2066}", "\u{0}", "\u{9b}",
];

fn assert_no_raw_controls(output: &Output, what: &str) {
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        for raw in RAW {
            assert!(
                !text.contains(raw),
                "{what}: raw {raw:?} reached the output:\n{text:?}"
            );
        }
        // Not even the screen-clear sequence from the data (stdout is not a terminal).
        assert!(!text.contains("\u{1b}[2J"), "{what}: {text:?}");
    }
}

#[test]
fn terminal_escapes_in_cluster_data_are_shown_escaped() {
    let ns = TestNamespace::new("hostile-escape");
    let n = &ns.name;
    let planted = serde_json::to_string(PLANTED).unwrap();
    let deep = nested(3);
    let spark = SPARK;
    apply(&format!(
        r#"{{"apiVersion":"v1","kind":"List","items":[
{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"trino-catalog","namespace":"{n}","annotations":{{"note":{planted}}}}},
  "data":{{"iceberg.properties":{catalog}}}}},
{{"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication","metadata":{{"name":"app","namespace":"{n}","annotations":{{"note":{planted}}}}},"spec":{{{spark},"sparkConf":{{"spark.sql.adaptive.enabled":"false","spark.app.name":{planted}}},"driver":{{"template":{{"deep":{deep}}}}},"executor":{{}}}},"status":{{"driverInfo":{{}},"applicationState":{{"state":"FAILED","errorMessage":{planted}}}}}}},
{{"apiVersion":"objectbucket.io/v1alpha1","kind":"ObjectBucketClaim","metadata":{{"name":"claim","namespace":"{n}","annotations":{{"note":{planted}}}}},"spec":{{"bucketName":"b","storageClassName":{planted}}},"status":{{"phase":{planted}}}}},
{{"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication","metadata":{{"name":"wrong","namespace":"{n}"}},"spec":{{{spark},"driver":{{}},"executor":{{}},"sparkConf":{{{planted}:"1"}}}}}}
]}}"#,
        catalog = serde_json::to_string(&format!(
            "connector.name=iceberg\niceberg.bogus-{PLANTED}=1\ns3.endpoint={PLANTED}\n"
        ))
        .unwrap()
    ));
    let mut runs = 0;
    for (binary, args) in [
        (STATUS, vec!["-n", n.as_str()]),
        (STATUS, vec!["-n", n.as_str(), "-o", "wide"]),
        (STATUS, vec!["-n", n.as_str(), "-o", "yaml"]),
        (STATUS, vec!["-n", n.as_str(), "-o", "json"]),
        (STATUS, vec!["-n", n.as_str(), "-v", "--color", "always"]),
        (BUCKETS, vec!["list", "-n", n.as_str()]),
        (BUCKETS, vec!["list", "-n", n.as_str(), "-o", "wide"]),
        (BUCKETS, vec!["list", "-n", n.as_str(), "-o", "yaml"]),
        (BUCKETS, vec!["describe", "claim", "-n", n.as_str()]),
        (TUNE, vec!["plan", "-n", n.as_str()]),
        (TUNE, vec!["plan", "-n", n.as_str(), "-o", "diff"]),
        (TUNE, vec!["plan", "-n", n.as_str(), "-o", "yaml"]),
    ] {
        let output = dp(binary, &args);
        code(&output, &format!("{binary} {args:?}"));
        assert_no_raw_controls(&output, &format!("{binary} {args:?}"));
        runs += 1;
    }
    // The object name is shown, escaped visibly where the data shows up in a table.
    let table = dp(BUCKETS, &["list", "-n", n, "-o", "wide"]);
    assert!(stdout(&table).contains("\\u202eevil"), "{}", stdout(&table));
    assert_eq!(runs, 12);
}

#[test]
fn a_closed_pipe_never_panics() {
    use std::process::{Command, Stdio};
    for verbosity in ["-v", "-vv", "-vvv"] {
        // `status -vv 2>&1 >/dev/null | head -1`: stderr closes after one line.
        let mut child = Command::new(STATUS)
            .args(["-A", verbosity])
            .env("KUBECONFIG", common::kubeconfig())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = child.stderr.take().unwrap();
        let mut first = [0u8; 16];
        let _ = std::io::Read::read(&mut stderr, &mut first);
        drop(stderr);
        let status = child.wait().unwrap();
        let code = status.code().unwrap_or(-1);
        assert!((0..=2).contains(&code), "{verbosity}: exit {status:?}");
    }
    // And stdout closed early (`status | head -1`).
    let mut child = Command::new(STATUS)
        .args(["-A", "-o", "yaml"])
        .env("KUBECONFIG", common::kubeconfig())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert!(
        (0..=2).contains(&output.status.code().unwrap_or(-1)),
        "{output:?}"
    );
}

#[test]
fn watch_into_a_file_writes_no_terminal_codes() {
    use std::process::{Command, Stdio};
    let ns = TestNamespace::new("hostile-watch");
    let file = std::env::temp_dir().join(format!("hostile-watch-{}", std::process::id()));
    let mut child = Command::new(STATUS)
        .args(["-n", &ns.name, "--watch", "--interval", "1s"])
        .env("KUBECONFIG", common::kubeconfig())
        .stdout(Stdio::from(std::fs::File::create(&file).unwrap()))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    common::eventually(30, "the first report in the file", || {
        std::fs::metadata(&file)
            .map(|m| m.len() > 0)
            .unwrap_or(false)
    });
    apply(&format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: trino-catalog, namespace: {}}}\ndata: {{iceberg.properties: \"connector.name=iceberg\\niceberg.bogus=1\\n\"}}\n",
        ns.name
    ));
    std::thread::sleep(std::time::Duration::from_secs(3));
    let _ = child.kill();
    let _ = child.wait();
    let text = std::fs::read_to_string(&file).unwrap();
    let _ = std::fs::remove_file(&file);
    assert!(!text.contains('\u{1b}'), "{text:?}");
}

#[test]
fn literal_catalog_credentials_are_a_finding_and_never_shown() {
    let ns = TestNamespace::new("hostile-cred");
    let n = &ns.name;
    // A per-node size above the heap so that tune has config.properties to diff.
    trino(
        n,
        "coordinator=true\\nquery.max-memory-per-node=16GB\\n",
        "connector.name=iceberg\\ns3.aws-secret-key=hunter2-s3\\niceberg.jdbc-catalog.connection-password=hunter2-pg\\ns3.endpoint=${ENV:S3}\\n",
    );
    let status = dp(STATUS, &["-n", n, "-o", "json"]);
    code(&status, "status");
    let json = stdout(&status);
    assert_eq!(
        json.matches("trino.catalog-literal-secret").count(),
        2,
        "{json}"
    );
    let dir = std::env::temp_dir().join(format!("hostile-cred-{}", std::process::id()));
    let mut runs = 0;
    for (binary, args) in [
        (STATUS, vec!["-n", n.as_str()]),
        (STATUS, vec!["-n", n.as_str(), "-o", "wide"]),
        (STATUS, vec!["-n", n.as_str(), "-o", "yaml"]),
        (STATUS, vec!["-n", n.as_str(), "-v=9"]),
        (TUNE, vec!["plan", "-n", n.as_str()]),
        (TUNE, vec!["plan", "-n", n.as_str(), "-o", "diff"]),
        (TUNE, vec!["plan", "-n", n.as_str(), "-o", "json"]),
        (TUNE, vec!["plan", "-n", n.as_str(), "-o", "yaml"]),
        (TUNE, vec!["plan", "-n", n.as_str(), "-v=9"]),
        (
            TUNE,
            vec!["export", "-n", n.as_str(), "--dir", dir.to_str().unwrap()],
        ),
        (
            TUNE,
            vec![
                "export",
                "-n",
                n.as_str(),
                "--dir",
                dir.to_str().unwrap(),
                "--format",
                "helm-values",
            ],
        ),
    ] {
        let output = dp(binary, &args);
        code(&output, &format!("{args:?}"));
        for stream in [stdout(&output), stderr(&output)] {
            assert!(
                !stream.contains("hunter2"),
                "{args:?} printed a credential:\n{stream}"
            );
        }
        runs += 1;
    }
    let mut files = 0;
    for entry in walk(&dir) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        assert!(
            !text.contains("hunter2"),
            "{} holds a credential",
            entry.display()
        );
        files += 1;
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(files > 0, "tune export wrote nothing");
    assert_eq!(runs, 11);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
