//! Set-up shared by the perf tests (tests/perf_*.rs): the Trino URL of
//! tests/trino/up, scratch directories, perf run without a cluster, its JSON
//! output checked against docs/schema/, and one Trino at a time for timings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::{stderr, stdout};

/// The perf binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_kubectl-dp-perf");

/// The Trino of tests/trino/up: `$KUBECTL_DP_TEST_TRINO_URL`, else target/trino/env.
pub fn trino_url() -> String {
    if let Ok(url) = std::env::var("KUBECTL_DP_TEST_TRINO_URL") {
        return url;
    }
    let text =
        std::fs::read_to_string(super::repo_root().join("target/trino/env")).unwrap_or_default();
    let vars: BTreeMap<&str, &str> = text
        .lines()
        .filter_map(|l| l.trim_start_matches("export ").split_once('='))
        .collect();
    vars.get("KUBECTL_DP_TEST_TRINO_URL")
        .map(|s| s.to_string())
        .unwrap_or_else(|| {
            panic!("KUBECTL_DP_TEST_TRINO_URL is not set: start Trino with `eval \"$(tests/trino/up)\"`")
        })
}

/// A scratch directory for files a test writes, removed at the end.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("kubectl-dp-perf-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs perf without any cluster (KUBECONFIG points nowhere): only --trino-url.
pub fn perf_without_cluster(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run kubectl-dp-perf")
}

/// A path as the `&str` an argument list takes.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The output as JSON; a report (PerfReport, PerfComparison) must also match
/// its schema in docs/schema/.
pub fn json(output: &Output) -> serde_json::Value {
    let value = parse_json(output);
    if value.get("apiVersion").is_some() {
        super::schema::assert_valid(&value);
    }
    value
}

/// The output as JSON, whatever it is (panics with stdout and stderr when it is not JSON).
pub fn parse_json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            stdout(output),
            stderr(output)
        )
    })
}

/// Tests that time queries take turns on the one Trino, so that they do not
/// add each other's load to what they measure.
pub fn trino_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
