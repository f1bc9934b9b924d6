//! Shared harness for the integration tests: they run against the real local
//! control plane that `tests/cluster/up` starts (kube-apiserver, etcd,
//! controllers, kwok), never a mock. Each test works in namespaces of its own,
//! so tests run in parallel and leave nothing behind.

#![allow(dead_code)]

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
    let built = repo_root().join("target/cluster/bin/kubectl");
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
        TestNamespace { name }
    }
}

impl Drop for TestNamespace {
    fn drop(&mut self) {
        let _ = kubectl_output(&["delete", "namespace", &self.name, "--wait=false"], None);
    }
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
        .replace("name: data-platform\n", &format!("name: {namespace}\n"))
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
