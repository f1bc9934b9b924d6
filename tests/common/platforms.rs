//! Chart-rendered platforms (tests/platforms/<name>/): the upstream charts
//! rendered with Helm and a platform's values files, applied to the local
//! cluster with the platform's other manifests, the controllers that do not run
//! here played by tests/platforms/set-status, and status compared with the
//! platform's expected-findings.txt exactly.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use super::*;

/// The charts a platform may use: (values file, release name, chart folder).
pub const RELEASES: [(&str, &str, &str); 4] = [
    ("trino.yaml", "trino", "trino"),
    ("nessie.yaml", "nessie", "nessie"),
    ("postgres.yaml", "postgres", "postgresql"),
    ("spark-operator.yaml", "spark-operator", "spark-operator"),
];

/// The Kubernetes version the charts are rendered for (the test cluster's).
const KUBE_VERSION: &str = "v1.36.3";

/// Kinds a chart renders that are cluster-wide: left out, so that platforms in
/// parallel namespaces never share (or delete) each other's objects. Nothing in
/// the cluster acts on them (no operator runs).
const CLUSTER_SCOPED: [&str; 4] = [
    "ClusterRole",
    "ClusterRoleBinding",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// A cached tool's path: `$var` (set by tests/run), else what `script` prints
/// last (a warm cache answers at once).
fn cached(var: &str, script: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(var).filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    let output = Command::new(repo_root().join(script))
        .output()
        .unwrap_or_else(|e| panic!("{script}: {e}"));
    assert!(
        output.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    PathBuf::from(text.lines().last().unwrap_or_default().trim())
}

/// Helm v4 (tests/tools/helm).
pub fn helm() -> PathBuf {
    cached("KUBECTL_DP_TEST_HELM", "tests/tools/helm")
}

/// The folder of the upstream charts (tests/tools/charts).
pub fn charts() -> PathBuf {
    cached("KUBECTL_DP_TEST_CHARTS", "tests/tools/charts")
}

/// A platform's folder.
pub fn platform_dir(platform: &str) -> PathBuf {
    repo_root().join("tests/platforms").join(platform)
}

/// Writes `text` with `NAMESPACE` replaced into a file of the test's own.
fn retargeted_file(text: &str, namespace: &str, name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("kubectl-dp-{namespace}-{name}"));
    std::fs::write(&path, text.replace("NAMESPACE", namespace)).unwrap();
    path
}

/// Renders one chart release with the platform's values and `extra` values
/// files (later files win, as with `helm -f a -f b`); the objects as JSON.
pub fn render_release(
    release: &str,
    chart: &str,
    values: &[PathBuf],
    namespace: &str,
) -> Vec<Value> {
    let mut command = Command::new(helm());
    command
        .args(["template", release])
        .arg(charts().join(chart))
        .args([
            "--namespace",
            namespace,
            "--kube-version",
            KUBE_VERSION,
            "--skip-tests",
        ]);
    for file in values {
        command.arg("--values").arg(file);
    }
    let output = command.output().expect("run helm");
    assert!(
        output.status.success(),
        "helm template {release} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    parse_documents(&String::from_utf8_lossy(&output.stdout))
}

/// The objects of a multi-document YAML text.
pub fn parse_documents(text: &str) -> Vec<Value> {
    let docs: Vec<Value> = serde_saphyr::from_multiple(text).expect("rendered YAML parses");
    docs.into_iter().filter(|d| d.is_object()).collect()
}

/// Every chart of `platform` rendered (with `extra` values per release), minus
/// the cluster-scoped kinds; labelled as Flux's helm-controller labels what it
/// installs when the platform says `gitops: flux`.
pub fn render(platform: &str, namespace: &str, extra: &[(&str, PathBuf)]) -> Vec<Value> {
    let dir = platform_dir(platform);
    let flux = settings(platform).get("gitops").and_then(Value::as_str) == Some("flux");
    let mut objects = Vec::new();
    for (file, release, chart) in RELEASES {
        let values = dir.join(file);
        if !values.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&values).unwrap();
        let mut files = vec![retargeted_file(
            &text,
            namespace,
            &format!("{platform}-{file}"),
        )];
        files.extend(
            extra
                .iter()
                .filter(|(r, _)| *r == release)
                .map(|(_, f)| f.clone()),
        );
        for mut object in render_release(release, chart, &files, namespace) {
            if CLUSTER_SCOPED.contains(&object["kind"].as_str().unwrap_or_default()) {
                continue;
            }
            if flux {
                label(&mut object, "helm.toolkit.fluxcd.io/name", release);
                label(&mut object, "helm.toolkit.fluxcd.io/namespace", namespace);
            }
            objects.push(object);
        }
    }
    objects
}

fn label(object: &mut Value, key: &str, value: &str) {
    let labels = &mut object["metadata"]["labels"];
    if !labels.is_object() {
        *labels = Value::Object(Default::default());
    }
    labels[key] = Value::String(value.to_string());
}

/// tests/platforms/<name>/platform.yaml: `gitops` (flux or none) and
/// `spark-examples` (files of the spark-operator module's examples/ to apply).
pub fn settings(platform: &str) -> Value {
    let path = platform_dir(platform).join("platform.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    serde_saphyr::from_str(&text).unwrap_or(Value::Null)
}

/// The platform's other objects: manifests.yaml and the spark-operator examples it names.
fn manifests(platform: &str, namespace: &str) -> Vec<Value> {
    let mut objects = Vec::new();
    let path = platform_dir(platform).join("manifests.yaml");
    let flux = settings(platform).get("gitops").and_then(Value::as_str) == Some("flux");
    if let Ok(text) = std::fs::read_to_string(&path) {
        for mut object in parse_documents(&text.replace("NAMESPACE", namespace)) {
            if flux {
                label(
                    &mut object,
                    "kustomize.toolkit.fluxcd.io/name",
                    "data-platform",
                );
                label(
                    &mut object,
                    "kustomize.toolkit.fluxcd.io/namespace",
                    "flux-system",
                );
            }
            objects.push(object);
        }
    }
    for example in settings(platform)["spark-examples"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let file = charts()
            .join("spark-examples")
            .join(example.as_str().unwrap());
        let text = std::fs::read_to_string(&file).unwrap();
        for mut object in parse_documents(&text) {
            object["metadata"]["namespace"] = Value::String(namespace.to_string());
            objects.push(object);
        }
    }
    objects
}

/// Applies objects (as one List) to `namespace`.
pub fn apply_objects(objects: &[Value], namespace: &str) {
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": objects});
    let output = kubectl_output(
        &["apply", "-n", namespace, "-f", "-"],
        Some(&list.to_string()),
    );
    assert!(
        output.status.success(),
        "apply failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The cluster's Rook (shared with examples/platform): its operator settings,
/// the gateway's Service and the bucket StorageClass.
fn rook() {
    let buckets = repo_root().join("examples/platform/buckets");
    for file in ["rook-ceph-operator-config.yaml", "storageclass.yaml"] {
        kubectl(&["apply", "-f", path_str(&buckets.join(file))]);
    }
}

/// Deploys `platform` into `namespace` (charts with `extra` values), plays the
/// controllers and waits until every Deployment and StatefulSet is ready.
pub fn deploy(platform: &str, namespace: &str, extra: &[(&str, PathBuf)]) {
    rook();
    let mut objects = render(platform, namespace, extra);
    objects.extend(manifests(platform, namespace));
    apply_objects(&objects, namespace);
    play_controllers(namespace);
    eventually(180, "the platform's workloads to be ready", || {
        // Claims made by StatefulSets after the first pass get their volumes too.
        play_controllers(namespace);
        let out = kubectl(&[
            "get",
            "deployments,statefulsets",
            "-n",
            namespace,
            "-o",
            "jsonpath={range .items[*]}{.spec.replicas}/{.status.readyReplicas} {end}",
        ]);
        !out.trim().is_empty()
            && out.split_whitespace().all(|pair| {
                let (want, have) = pair.split_once('/').unwrap_or(("1", "0"));
                want == have
            })
    });
}

/// tests/platforms/set-status for `namespace`.
pub fn play_controllers(namespace: &str) {
    let output = Command::new(repo_root().join("tests/platforms/set-status"))
        .args(["-n", namespace, "--kubeconfig", path_str(&kubeconfig())])
        .env("KUBECTL", kubectl_path())
        .output()
        .expect("run set-status");
    assert!(
        output.status.success(),
        "set-status failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The PersistentVolumes set-status made for `namespace` (cluster-scoped: they
/// do not go with it), deleted when dropped.
pub struct Volumes(pub String);

impl Drop for Volumes {
    fn drop(&mut self) {
        let selector = format!("kubectl-dp.io/test-namespace={}", self.0);
        for kind in ["persistentvolumes", "objectbuckets"] {
            let _ = kubectl_output(&["delete", kind, "-l", &selector, "--wait=false"], None);
        }
    }
}

/// status's findings and component lines as the expected files hold them:
/// `SEVERITY CODE Kind/name: message` and `component NAME STATE: summary`, the
/// namespace written `NAMESPACE`, sorted.
pub fn status_lines(status: &Value, namespace: &str) -> Vec<String> {
    let mut lines: Vec<String> = status["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}/{}: {}",
                f["severity"].as_str().unwrap_or_default(),
                f["code"].as_str().unwrap_or_default(),
                f["object"]["kind"].as_str().unwrap_or_default(),
                f["object"]["name"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default()
            )
        })
        .collect();
    lines.extend(status["components"].as_array().unwrap().iter().map(|c| {
        format!(
            "component {} {}: {}",
            c["component"].as_str().unwrap_or_default(),
            c["state"].as_str().unwrap_or_default(),
            c["summary"].as_str().unwrap_or_default()
        )
    }));
    let mut lines: Vec<String> = lines
        .into_iter()
        .map(|l| l.replace(namespace, "NAMESPACE"))
        .collect();
    lines.sort();
    lines
}

/// Compares `actual` with tests/platforms/<platform>/expected-findings.txt: every
/// line must be expected and every expected line present (a false positive fails
/// like a miss). An expected line whose message is `*` matches any message; `#`
/// starts a comment. `KUBECTL_DP_UPDATE_EXPECTED=1` writes the actual lines.
pub fn assert_expected(platform: &str, actual: &[String]) {
    let path = platform_dir(platform).join("expected-findings.txt");
    if std::env::var_os("KUBECTL_DP_UPDATE_EXPECTED").is_some_and(|v| !v.is_empty()) {
        std::fs::write(&path, actual.join("\n") + "\n").unwrap();
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut expected: Vec<&str> = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut unexpected = Vec::new();
    for line in actual {
        let matching = expected.iter().position(|e| {
            *e == line
                || e.strip_suffix(": *")
                    .is_some_and(|head| line.starts_with(&format!("{head}: ")))
        });
        match matching {
            Some(i) => {
                expected.remove(i);
            }
            None => unexpected.push(line.as_str()),
        }
    }
    assert!(
        unexpected.is_empty() && expected.is_empty(),
        "{platform}: status differs from {}\nreported but not expected (false positives):\n  {}\nexpected but not reported (misses):\n  {}",
        path.display(),
        unexpected.join("\n  "),
        expected.join("\n  ")
    );
}

/// `kubectl dp status -n NAMESPACE -o json`.
pub fn status_json(binary: &str, namespace: &str) -> Value {
    let output = dp(binary, &["-n", namespace, "-o", "json"]);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "status failed: {}",
        stderr(&output)
    );
    serde_json::from_slice(&output.stdout).expect("status JSON")
}

/// A values file of the test's own.
pub fn values_file(namespace: &str, name: &str, text: &str) -> PathBuf {
    retargeted_file(text, namespace, name)
}
