//! Shared harness for the integration tests: they run against the real local
//! control plane that `tests/cluster/up` starts (kube-apiserver, etcd,
//! controllers, kwok), never a mock. Each test works in namespaces of its own,
//! so tests run in parallel and leave nothing behind.

#![allow(dead_code)]

pub mod buckets;
pub mod golden;
pub mod local_trino;
pub mod perf;
pub mod platforms;
pub mod quota;
pub mod rbac;
pub mod s3env;
pub mod scale;
pub mod schema;
pub mod status;
pub mod tune;
pub mod writes;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The kubeconfig of the local cluster: `$KUBECTL_DP_TEST_KUBECONFIG`, else
/// `target/cluster/kubeconfig` as `tests/cluster/up` writes it.
pub fn kubeconfig() -> PathBuf {
    let path = std::env::var_os("KUBECTL_DP_TEST_KUBECONFIG")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/cluster/kubeconfig"));
    assert!(
        path.is_file(),
        "no test cluster: {} is missing; start one with tests/cluster/up (or run .ci/run)",
        path.display()
    );
    path
}

/// The kubectl built with the control plane (same version as the API server).
pub fn kubectl_path() -> PathBuf {
    // tests/cluster/up links the control plane's bin dir beside the kubeconfig.
    let built = kubeconfig()
        .parent()
        .map(|d| d.join("bin/kubectl"))
        .unwrap_or_default();
    if built.is_file() {
        built
    } else {
        PathBuf::from("kubectl")
    }
}

/// Runs kubectl against the test cluster; panics with its stderr when it fails.
pub fn kubectl(args: &[&str]) -> String {
    let output = kubectl_output(args, None);
    assert!(
        output.status.success(),
        "kubectl {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn kubectl_output(args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = Command::new(kubectl_path());
    command.arg("--kubeconfig").arg(kubeconfig()).args(args);
    run_with_stdin(command, stdin)
}

/// Applies a manifest given as text.
pub fn apply(manifest: &str) {
    let output = kubectl_output(&["apply", "-f", "-"], Some(manifest));
    assert!(
        output.status.success(),
        "apply failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

pub fn run_with_stdin(mut command: Command, stdin: Option<&str>) -> Output {
    use std::io::Write;
    command.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("spawn");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    child.wait_with_output().expect("wait")
}

/// A namespace that is deleted (without waiting) when the test ends.
pub struct TestNamespace {
    pub name: String,
    wait_on_drop: bool,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestNamespace {
    pub fn new(prefix: &str) -> TestNamespace {
        let name = format!(
            "{prefix}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        kubectl(&["create", "namespace", &name]);
        TestNamespace {
            name,
            wait_on_drop: false,
        }
    }

    /// A namespace whose deletion is waited for, so that the capacity its pods
    /// held is free for the next test (see `platform_lock`).
    pub fn waited(prefix: &str) -> TestNamespace {
        let mut namespace = TestNamespace::new(prefix);
        namespace.wait_on_drop = true;
        namespace
    }
}

impl Drop for TestNamespace {
    fn drop(&mut self) {
        let wait = if self.wait_on_drop {
            "--timeout=120s"
        } else {
            "--wait=false"
        };
        let _ = kubectl_output(&["delete", "namespace", &self.name, wait], None);
    }
}

/// The reference platform requests 60Gi of the cluster's 96Gi: only one copy fits
/// at a time, so tests that deploy it take this lock for their whole run.
pub fn platform_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Deploys an example (`examples/platform` or `examples/broken`) into `namespace`,
/// plays the operators with its set-status script, and waits until every
/// Deployment and StatefulSet is ready.
pub fn deploy_example(example: &str, namespace: &str) {
    apply(&render_example(example, namespace));
    let script = repo_root().join(example).join("set-status");
    let output = Command::new(&script)
        .args(["-n", namespace, "--kubeconfig", path_str(&kubeconfig())])
        .env("KUBECTL", kubectl_path())
        .output()
        .expect("run set-status");
    assert!(
        output.status.success(),
        "set-status failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    eventually(120, "the example's workloads to be ready", || {
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

/// Renders an example kustomization with its namespace replaced, so that a test
/// gets its own copy of the reference platform.
pub fn render_example(dir: &str, namespace: &str) -> String {
    let path = repo_root().join(dir);
    let built = kubectl(&["kustomize", path.to_str().unwrap()]);
    retarget_namespace(&built, namespace)
}

/// Moves every `data-platform` reference (namespace fields, service hosts) to `namespace`.
pub fn retarget_namespace(manifests: &str, namespace: &str) -> String {
    manifests
        .replace(
            "namespace: data-platform",
            &format!("namespace: {namespace}"),
        )
        .replace(".data-platform.svc", &format!(".{namespace}.svc"))
        // The Namespace object itself (indented exactly once under metadata).
        .replace(
            "\n  name: data-platform\n",
            &format!("\n  name: {namespace}\n"),
        )
}

/// A Pending ObjectBucketClaim (no provisioner binds it): the smallest platform
/// component, for a namespace that must hold something (an empty one is a typo
/// to every command).
pub fn pending_claim(namespace: &str, name: &str) {
    apply(&format!(
        "apiVersion: objectbucket.io/v1alpha1
kind: ObjectBucketClaim
metadata:
  name: {name}
  namespace: {namespace}
  labels: {{team: analytics}}
spec:
  generateBucketName: {name}
  storageClassName: rook-ceph-bucket
"
    ));
}

/// A Trino worker whose heap is above its container limit (`tune plan` proposes
/// changes), kept off the nodes with no replicas: tune reads objects, not pods.
pub const HOT_TRINO_WORKER: &str = "apiVersion: v1
kind: ConfigMap
metadata: {name: trino-worker}
data:
  jvm.config: |
    -server
    -Xmx6G
    -XX:+UseG1GC
  config.properties: |
    query.max-memory-per-node=1GB
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: trino-worker
  labels: {app.kubernetes.io/name: trino, app.kubernetes.io/component: worker}
spec:
  replicas: 0
  selector: {matchLabels: {app: trino-worker}}
  template:
    metadata: {labels: {app: trino-worker}}
    spec:
      containers:
      - name: trino
        image: trinodb/trino:476
        resources: {limits: {memory: 4Gi}, requests: {memory: 4Gi}}
        volumeMounts: [{name: config, mountPath: /etc/trino}]
      volumes: [{name: config, configMap: {name: trino-worker}}]
";

/// A Pending claim and a LimitRange: something for `status` and for `quota` alike.
pub fn claim_and_limits(namespace: &str) {
    pending_claim(namespace, "scratch");
    apply(&format!(
        "apiVersion: v1\nkind: LimitRange\nmetadata: {{name: defaults, namespace: {namespace}}}\nspec:\n  limits:\n  - type: Container\n    default: {{memory: 256Mi}}\n"
    ));
}

/// Runs one of the suite's binaries against the test cluster.
pub fn dp(binary: &str, args: &[&str]) -> Output {
    let mut command = Command::new(binary);
    command
        .args(args)
        .env("KUBECONFIG", kubeconfig())
        .env("NO_COLOR", "1");
    run_with_stdin(command, None)
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Polls `check` every 500ms until it is true or `seconds` pass.
pub fn eventually(seconds: u64, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while std::time::Instant::now() < deadline {
        if check() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    panic!("timed out after {seconds}s waiting for {what}");
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

// ------------------------------------------------------------------------------
// What kwok simulates beyond Running pods (tests/cluster/forward, tests/cluster/logs,
// kwok-usage.yaml): port-forwards to local processes, container logs, usage figures.

/// Runs one of the scripts in tests/cluster/ against the test cluster.
fn cluster_script(name: &str, args: &[&str], stdin: Option<&str>) {
    let mut command = Command::new(repo_root().join("tests/cluster").join(name));
    command.args(args).env("KUBECONFIG", kubeconfig());
    let output = run_with_stdin(command, stdin);
    assert!(
        output.status.success(),
        "tests/cluster/{name} {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Makes the API server's port-forward to `port` of the pods that `pods` names
/// (a pod name, `-l SELECTOR`, or `--all`) reach `target` (`127.0.0.1:PORT`).
pub fn forward_port(namespace: &str, pods: &str, port: u16, target: &str) {
    let port = port.to_string();
    let mut args = vec![namespace];
    args.extend(pods.split_whitespace());
    args.extend([port.as_str(), target]);
    cluster_script("forward", &args, None);
}

/// Sets the lines `kubectl logs` returns for `container` of `pod`, and with
/// `previous` those of its last terminated run (`kubectl logs --previous`).
pub fn set_logs(namespace: &str, pod: &str, container: &str, lines: &str, previous: Option<&str>) {
    let dir = std::env::temp_dir().join(format!(
        "kubectl-dp-logs-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let current = dir.join("current.log");
    std::fs::write(&current, lines).expect("write log lines");
    let mut args = vec![namespace, pod, container, path_str(&current)];
    let previous_path = dir.join("previous.log");
    if let Some(previous) = previous {
        std::fs::write(&previous_path, previous).expect("write previous log lines");
        args.push(path_str(&previous_path));
    }
    cluster_script("logs", &args, None);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The pod annotations from which kwok reports a pod's usage (per container), as
/// `kubectl top` and the metrics API then show it: e.g. `usage_annotations("250m", "300Mi")`
/// inside a pod template's `metadata.annotations`.
pub fn usage_annotations(cpu: &str, memory: &str) -> String {
    format!("{{kwok.x-k8s.io/usage-cpu: \"{cpu}\", kwok.x-k8s.io/usage-memory: \"{memory}\"}}")
}

/// A running `kubectl port-forward`; stopped when dropped.
pub struct PortForward {
    child: std::process::Child,
    /// The local port kubectl listens on.
    pub local_port: u16,
}

impl PortForward {
    /// Starts `kubectl port-forward -n NAMESPACE TARGET :REMOTE` (a free local port)
    /// and waits until it listens.
    pub fn start(namespace: &str, target: &str, remote: u16) -> PortForward {
        use std::io::BufRead;
        let mut child = Command::new(kubectl_path())
            .arg("--kubeconfig")
            .arg(kubeconfig())
            .args(["port-forward", "-n", namespace, target])
            .arg(format!(":{remote}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn kubectl port-forward");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        let mut reader = std::io::BufReader::new(stdout);
        // "Forwarding from 127.0.0.1:41235 -> 8080"
        let read = reader.read_line(&mut line).unwrap_or(0);
        let local_port = line
            .split("127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|port| port.parse().ok());
        let Some(local_port) = local_port.filter(|_| read > 0) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("kubectl port-forward -n {namespace} {target} printed {line:?}");
        };
        // Keep draining stdout ("Handling connection for ...") so kubectl never blocks.
        std::thread::spawn(move || for _ in reader.lines() {});
        PortForward { child, local_port }
    }
}

impl Drop for PortForward {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A GET over plain HTTP/1.0 to 127.0.0.1:`port`; the response (head and body)
/// once `Content-Length` bytes of body arrived or the peer closed, or the error.
/// (Through `kubectl port-forward` the local connection may stay open after the
/// server closed its end, so the length decides.)
pub fn http_get(port: u16, path: &str) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
    let mut response = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&response);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head.lines().find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            });
            if length.is_some_and(|len| body.len() >= len) {
                break;
            }
        }
    }
    Ok(String::from_utf8_lossy(&response).into_owned())
}

/// Decodes standard base64 (a Secret's value as kubectl prints it), ignoring the
/// whitespace around it.
pub fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .unwrap()
}
