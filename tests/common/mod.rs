//! Shared harness for the integration tests: they run against the real local
//! control plane that `tests/cluster/up` starts (kube-apiserver, etcd,
//! controllers, kwok), never a mock. Each test works in namespaces of its own,
//! so tests run in parallel and leave nothing behind.

#![allow(dead_code)]

pub mod golden;
pub mod schema;

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

fn run_with_stdin(mut command: Command, stdin: Option<&str>) -> Output {
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
