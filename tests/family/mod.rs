//! The harness of tests/families.rs: a platform of tests/families read,
//! moved to a test's namespace and applied; `status`'s findings compared with
//! the platform's expected-findings.txt; and the agreement of `status`,
//! `tune plan` and `quota check` on every size violation.

use std::collections::BTreeSet;

use serde_json::Value;

use super::common::*;

pub const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");
pub const TUNE: &str = env!("CARGO_BIN_EXE_kubectl-dp-tune");
pub const QUOTA: &str = env!("CARGO_BIN_EXE_kubectl-dp-quota");

/// `(code, kind, name)` of a finding or note.
pub type Found = (String, String, String);

/// A platform of tests/families, with its namespace moved to a test's own.
pub struct Platform {
    pub family: &'static str,
    pub namespace: String,
    pub manifests: String,
}

impl Platform {
    pub fn read(family: &'static str, namespace: &str) -> Platform {
        let path = repo_root()
            .join("tests/families")
            .join(family)
            .join("platform.yaml");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        Platform {
            family,
            namespace: namespace.to_string(),
            manifests: text
                .replace("namespace: lakehouse", &format!("namespace: {namespace}"))
                .replace(".lakehouse.svc", &format!(".{namespace}.svc"))
                .replace(
                    "namespace=\"lakehouse\"",
                    &format!("namespace=\"{namespace}\""),
                ),
        }
    }

    /// Applies the platform (the bounds first, as Argo CD's sync waves would),
    /// then plays the controllers with its set-status script, if any.
    pub fn apply(&self) {
        apply(&self.manifests);
        let script = repo_root()
            .join("tests/families")
            .join(self.family)
            .join("set-status");
        if script.exists() {
            let output = std::process::Command::new(&script)
                .args([
                    "-n",
                    &self.namespace,
                    "--kubeconfig",
                    path_str(&kubeconfig()),
                ])
                .env("KUBECTL", kubectl_path())
                .output()
                .expect("run set-status");
            assert!(
                output.status.success(),
                "set-status failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }

    /// Waits until the workloads named `kind/name` have all their replicas
    /// ready (kwok runs their pods), so that no finding is about pods starting.
    pub fn wait_ready(&self, workloads: &[&str]) {
        eventually(120, "the platform's admitted workloads to be ready", || {
            workloads.iter().all(|w| {
                let out = kubectl(&[
                    "get",
                    w,
                    "-n",
                    &self.namespace,
                    "-o",
                    "jsonpath={.spec.replicas}/{.status.readyReplicas}",
                ]);
                let (want, have) = out.trim().split_once('/').unwrap_or(("1", "0"));
                want == have
            })
        });
    }

    /// The expected findings: `expected-findings.txt`, one `code kind name` a
    /// line (a finding that occurs twice is written twice), sorted.
    pub fn expected(&self) -> Vec<Found> {
        let path = repo_root()
            .join("tests/families")
            .join(self.family)
            .join("expected-findings.txt");
        let found = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{path:?}: {e}"))
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                let parts: Vec<&str> = l.split_whitespace().collect();
                assert_eq!(parts.len(), 3, "{path:?}: '{l}' is not `code kind name`");
                let name = if parts[2] == "$NAMESPACE" {
                    self.namespace.clone()
                } else {
                    parts[2].to_string()
                };
                (parts[0].to_string(), parts[1].to_string(), name)
            })
            .collect::<Vec<_>>();
        sorted(found)
    }

    pub fn manifest_file(&self) -> tempfile_path::TempManifest {
        tempfile_path::TempManifest::new(&self.manifests)
    }
}

/// A manifest written to a file for `quota check -f`, removed when dropped.
mod tempfile_path {
    pub struct TempManifest {
        pub path: std::path::PathBuf,
    }
    impl TempManifest {
        pub fn new(text: &str) -> TempManifest {
            let path = std::env::temp_dir().join(format!(
                "kubectl-dp-families-{}-{}.yaml",
                std::process::id(),
                super::next_file_id()
            ));
            std::fs::write(&path, text).expect("write manifest");
            TempManifest { path }
        }
    }
    impl Drop for TempManifest {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

pub fn next_file_id() -> u32 {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
}

pub fn json_of(binary: &str, args: &[&str]) -> Value {
    let output = dp(binary, args);
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{binary} {args:?} -o json is not JSON ({e}); stderr: {}",
            stderr(&output)
        )
    })
}

pub fn object_of(item: &Value) -> (String, String) {
    (
        item["object"]["kind"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        item["object"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

pub fn sorted(mut found: Vec<Found>) -> Vec<Found> {
    found.sort();
    found
}

/// Every finding of `status -o json`, as `(code, kind, name)`, sorted (a
/// finding that occurs twice is there twice).
pub fn status_findings(report: &Value) -> Vec<Found> {
    let found = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let (kind, name) = object_of(f);
            (f["code"].as_str().unwrap().to_string(), kind, name)
        })
        .collect::<Vec<_>>();
    sorted(found)
}

pub fn message_of<'a>(report: &'a Value, code: &str, name: &str) -> &'a str {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code && f["object"]["name"] == name)
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no {code} on {name}"))
}

/// Admission refusals: `status`, `tune plan` (a note) and `quota check` (a reason).
pub const REFUSALS: &[&str] = &[
    "resources.refused-by-limit-range",
    "resources.refused-by-quota",
];

/// Heap sizes `status` reports on a workload and the `tune plan` rules that fix
/// them in the ConfigMap it mounts (`quota check` sizes pods, not heaps).
pub const HEAP_SIZES: &[(&str, &[&str])] = &[
    ("trino.heap-above-limit", &["trino.heap-share"]),
    (
        "trino.query-memory-exceeds-heap",
        &["trino.query-memory-per-node", "trino.heap-headroom"],
    ),
];

/// The ConfigMaps a workload's pods mount (volumes and projected sources).
pub fn mounted_config_maps(namespace: &str, kind: &str, name: &str) -> BTreeSet<String> {
    let spec: Value = serde_json::from_str(&kubectl(&[
        "get",
        &kind.to_lowercase(),
        name,
        "-n",
        namespace,
        "-o",
        "json",
    ]))
    .expect("workload JSON");
    let mut out = BTreeSet::new();
    for volume in spec["spec"]["template"]["spec"]["volumes"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if let Some(n) = volume["configMap"]["name"].as_str() {
            out.insert(n.to_string());
        }
        for source in volume["projected"]["sources"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Some(n) = source["configMap"]["name"].as_str() {
                out.insert(n.to_string());
            }
        }
    }
    out
}

/// Asserts that `status`, `tune plan` and `quota check -f` agree on every size
/// violation of the platform, both ways:
/// - a refusal `status` reports is a note of `tune plan` with the same code on
///   the same object, and a reason of `quota check` naming the object; every
///   refusal `tune plan` notes and every reason `quota check` gives is one
///   `status` reports;
/// - a heap `status` finds too large for its container or its query memory is
///   a change of `tune plan` (by the rule that fixes it) in a ConfigMap the
///   workload mounts; every such change fixes a finding of `status`.
pub fn assert_sizes_agree(platform: &Platform, report: &Value, status: &[Found]) {
    let ns = platform.namespace.as_str();
    let plan = json_of(TUNE, &["plan", "-n", ns, "-o", "json"]);
    let tune_refusals: BTreeSet<Found> = plan["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter(|n| REFUSALS.contains(&n["code"].as_str().unwrap_or_default()))
        .map(|n| {
            let (kind, name) = object_of(n);
            (n["code"].as_str().unwrap().to_string(), kind, name)
        })
        .collect();
    // (rule, ConfigMap) of each change that fixes a size.
    let tune_fixes: BTreeSet<(String, String)> = plan["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| {
            let rule = c["rule"].as_str().unwrap_or_default();
            let reason = c["reason"].as_str().unwrap_or_default();
            match rule {
                // heap-share also proposes a heap for one that is not set or
                // near its limit: only the one above the limit is a violation.
                "trino.heap-share" => reason.contains("above the container memory limit"),
                // These rules also replace a value that is no size at all
                // (trino.config-invalid-size): only the sum above the heap is a size violation.
                _ => {
                    HEAP_SIZES.iter().any(|(_, rules)| rules.contains(&rule))
                        && reason.contains("is more than the")
                }
            }
        })
        .map(|c| (c["rule"].as_str().unwrap().to_string(), object_of(c).1))
        .collect();

    let manifests = platform.manifest_file();
    let check = json_of(
        QUOTA,
        &[
            "check",
            "-n",
            ns,
            "-f",
            path_str(&manifests.path),
            "-o",
            "json",
        ],
    );
    let reasons: Vec<String> = check["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| r.as_str().unwrap_or_default().to_string())
        .collect();

    let status_refusals: BTreeSet<Found> = status
        .iter()
        .filter(|(code, _, _)| REFUSALS.contains(&code.as_str()))
        .cloned()
        .collect();
    assert_eq!(
        tune_refusals, status_refusals,
        "tune plan's refusal notes differ from status's"
    );
    for (code, kind, name) in &status_refusals {
        let object = format!("{kind}/{name} ");
        assert!(
            reasons.iter().any(|r| r.starts_with(&object)),
            "status: {code} on {kind} {name}; quota check gives no reason for it: {reasons:#?}"
        );
    }
    // What the controllers and the scheduler refused (status reads it from
    // FailedCreate events and pod conditions): a quota overrun, a pod no node admits.
    let caused = |cause: &str| -> Vec<(String, String, String)> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["cause"] == cause)
            .map(|f| {
                let (kind, name) = object_of(f);
                (
                    kind,
                    name,
                    f["message"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    };
    let over_quota: Vec<_> = caused("pod.not-created")
        .into_iter()
        .filter(|(_, _, m)| m.contains("exceeded quota"))
        .collect();
    let nowhere: Vec<_> = caused("pod.unschedulable")
        .into_iter()
        .filter(|(_, _, m)| m.contains("no node"))
        .collect();
    for (kind, name, message) in &over_quota {
        assert!(
            reasons
                .iter()
                .any(|r| r.starts_with("quota ") && r.contains(&format!("{kind}/{name}"))),
            "status: {kind} {name} over its quota ({message}); quota check does not say so: {reasons:#?}"
        );
    }
    for (kind, name, message) in &nowhere {
        assert!(
            reasons
                .iter()
                .any(|r| r.starts_with(&format!("nodes: {kind}/{name} may run on none"))),
            "status: {kind} {name} fits no node ({message}); quota check does not say so: {reasons:#?}"
        );
    }
    for reason in &reasons {
        let known = if reason.starts_with("quota ") {
            !over_quota.is_empty()
        } else if let Some(rest) = reason.strip_prefix("nodes: ") {
            nowhere
                .iter()
                .any(|(kind, name, _)| rest.starts_with(&format!("{kind}/{name} ")))
        } else {
            status_refusals
                .iter()
                .any(|(_, kind, name)| reason.starts_with(&format!("{kind}/{name} ")))
        };
        assert!(
            known,
            "quota check: '{reason}'; status reports no such size violation: {status_refusals:#?} {over_quota:#?} {nowhere:#?}"
        );
    }
    assert_eq!(
        check["fits"],
        status_refusals.is_empty() && over_quota.is_empty() && nowhere.is_empty(),
        "quota check's verdict: {reasons:#?}"
    );

    let mut fixed: BTreeSet<(String, String)> = BTreeSet::new();
    for (code, kind, name) in status {
        let Some((_, rules)) = HEAP_SIZES.iter().find(|(c, _)| c == code) else {
            continue;
        };
        let mounted = mounted_config_maps(ns, kind, name);
        let fix = tune_fixes
            .iter()
            .find(|(rule, cm)| rules.contains(&rule.as_str()) && mounted.contains(cm));
        assert!(
            fix.is_some(),
            "status: {code} on {kind} {name} (ConfigMaps {mounted:?}); tune plan does not fix it: {tune_fixes:#?}"
        );
        fixed.extend(
            tune_fixes
                .iter()
                .filter(|(rule, cm)| rules.contains(&rule.as_str()) && mounted.contains(cm))
                .cloned(),
        );
    }
    assert_eq!(
        fixed, tune_fixes,
        "tune plan fixes sizes status does not report"
    );
}

/// `status` found exactly what the platform's expected-findings.txt lists.
pub fn assert_exact(platform: &Platform, found: &[Found]) {
    let expected = platform.expected();
    let mut missed = expected.clone();
    let mut extra = Vec::new();
    for f in found {
        match missed.iter().position(|e| e == f) {
            Some(i) => {
                missed.remove(i);
            }
            None => extra.push(f),
        }
    }
    assert!(
        missed.is_empty() && extra.is_empty(),
        "{}: missed {missed:#?}\nnot planted (false positives) {extra:#?}",
        platform.family
    );
}
