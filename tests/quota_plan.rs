//! `kubectl dp quota plan` against the local control plane: the YAML it prints
//! applies, and `--apply` writes it server-side.

mod common;

use common::quota::*;
use common::{kubectl, kubectl_output, stderr, stdout};

#[test]
fn plan_prints_applicable_yaml_and_applies_server_side() {
    let ns = fenced_namespace();
    let n = ns.name.as_str();
    let out = quota(&["plan", "-n", n, "--memory", "16Gi", "--cpu", "8"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let yaml = stdout(&out);
    // Sized from web (2 × 2Gi request/limit, 250m/500m): defaults at the lower
    // quartile (requests capped at 1Gi), max = 2Gi + 20% rounded up to 3Gi.
    assert!(yaml.contains("requests.memory: 16Gi"), "{yaml}");
    assert!(
        yaml.contains("# requests.memory: 4Gi of 16Gi used, headroom 12Gi (75%)"),
        "{yaml}"
    );
    assert!(yaml.contains("    defaultRequest:\n      cpu: 250m\n      memory: 1Gi\n    max:\n      cpu: \"1\"\n      memory: 3Gi"), "{yaml}");
    // What it prints is valid for the API server.
    let check = kubectl_output(&["apply", "--dry-run=server", "-f", "-"], Some(&yaml));
    assert!(check.status.success(), "{}", stderr(&check));

    // --dry-run=server changes nothing.
    let out = quota(
        &[
            "plan",
            "-n",
            n,
            "--memory",
            "16Gi",
            "--cpu",
            "8",
            "--dry-run=server",
            // The quota was made by `kubectl apply`: kubectl-client-side-apply owns it.
            "--force-conflicts",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("\n-    requests.memory: 10Gi\n"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("\n+    requests.memory: 16Gi\n"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("resourcequota/compute serverside-applied (server dry run)"));
    let hard = kubectl(&[
        "get",
        "resourcequota",
        "compute",
        "-n",
        n,
        "-o",
        "jsonpath={.spec.hard.requests\\.memory}",
    ]);
    assert_eq!(hard.trim(), "10Gi");

    // --apply writes it with field manager kubectl-dp.
    let out = quota(
        &[
            "plan",
            "-n",
            n,
            "--memory",
            "16Gi",
            "--cpu",
            "8",
            "--apply",
            "--yes",
            "--force-conflicts",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("limitrange/limits serverside-applied\n"),
        "{}",
        stdout(&out)
    );
    let hard = kubectl(&[
        "get",
        "resourcequota",
        "compute",
        "-n",
        n,
        "-o",
        "jsonpath={.spec.hard.requests\\.memory}",
    ]);
    assert_eq!(hard.trim(), "16Gi");
    let managers = kubectl(&[
        "get",
        "limitrange",
        "limits",
        "-n",
        n,
        "--show-managed-fields",
        "-o",
        "jsonpath={.metadata.managedFields[*].manager}",
    ]);
    assert!(
        managers.split_whitespace().any(|m| m == "kubectl-dp"),
        "{managers}"
    );

    let out = quota(&["plan", "-n", n, "--memory", "lots"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("'lots' is not a Kubernetes quantity"),
        "{}",
        stderr(&out)
    );
}
