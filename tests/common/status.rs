//! Set-up shared by the status tests (tests/status_*.rs): the status binary's
//! JSON report and its finding codes.

use super::*;
use serde_json::Value;

pub const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");

pub fn status_json(args: &[&str]) -> (i32, Value) {
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

/// `status -f - -o json` on `manifests` with no cluster at all (a kubeconfig
/// that does not exist): what status judges from the files alone.
pub fn status_offline_json(manifests: &str) -> Value {
    let mut command = std::process::Command::new(STATUS);
    command
        .args(["-f", "-", "-o", "json"])
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .env("NO_COLOR", "1");
    let output = run_with_stdin(command, Some(manifests));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "status -f - -o json is not JSON ({e}); stderr: {}",
            stderr(&output)
        )
    })
}
