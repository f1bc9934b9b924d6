//! `kubectl dp quota` (show) against the local control plane: usage matches the
//! quota controller's status and kubectl-view-allocations, the node view and
//! CSV, pod-level resources, and bad input or no rights as one line.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::quota::*;
use common::{TestNamespace, apply, eventually, kubectl_output, stderr, stdout};

#[test]
fn usage_of_the_reference_platform_matches_the_quota_status() {
    let _lock = common::platform_lock();
    let ns = TestNamespace::waited("quota-platform");
    let manifests = common::render_example("examples/platform", &ns.name);
    let output = kubectl_output(&["apply", "-f", "-"], Some(&manifests));
    assert!(output.status.success(), "apply: {}", stderr(&output));
    let mut last = String::new();
    eventually(
        90,
        "computed usage to equal ResourceQuota status.used",
        || {
            let out = quota(&["-n", &ns.name, "-o", "json"], None);
            assert!(out.status.success(), "{}", stderr(&out));
            let report = json(&out);
            let rows = report["quotas"][0]["resources"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            last = serde_json::to_string(&rows).unwrap();
            let row = |k: &str| {
                rows.iter()
                    .find(|r| r["resource"] == k)
                    .cloned()
                    .unwrap_or_default()
            };
            // The reference platform: 6 pods asking 60Gi and 15 CPU of 80Gi / 30.
            !rows.is_empty()
                && rows.iter().all(|r| r["used"] == r["reportedUsed"])
                && row("pods")["used"] == "6"
                && row("requests.memory")["used"] == "64424509440"
        },
    );
    assert!(last.contains("requests.cpu"), "{last}");
    // The table shows the same figures with a bar.
    let table = stdout(&quota(&["-n", &ns.name], None));
    assert!(
        squash(&table).contains("requests.memory 60Gi 80Gi 20Gi [########--] 75%"),
        "{table}"
    );
}

/// Pod-level resources (on by default since 1.34) replace the containers' cpu
/// and memory: quota counts them as the API server's quota controller does,
/// read through the protobuf pod list.
#[test]
fn pod_level_resources_count_as_the_quota_controller_counts_them() {
    let ns = TestNamespace::new("quota-pod-level");
    let n = &ns.name;
    apply(&format!(
        r#"
apiVersion: v1
kind: ResourceQuota
metadata: {{name: compute, namespace: {n}}}
spec:
  hard: {{requests.memory: 10Gi, requests.cpu: "4", pods: "10"}}
---
apiVersion: v1
kind: Pod
metadata: {{name: pod-level, namespace: {n}}}
spec:
  nodeName: dp-node-1
  resources: {{requests: {{cpu: "1", memory: 1Gi}}, limits: {{cpu: "2", memory: 2Gi}}}}
  containers:
  - {{name: a, image: x, resources: {{requests: {{cpu: 100m, memory: 100Mi}}}}}}
  - {{name: b, image: x}}
"#
    ));
    let mut last = String::new();
    eventually(60, "quota's usage to equal the quota controller's", || {
        let out = quota(&["-n", n, "-o", "json"], None);
        assert!(out.status.success(), "{}", stderr(&out));
        let report = json(&out);
        let rows = report["quotas"][0]["resources"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        last = serde_json::to_string(&rows).unwrap();
        let used = |k: &str| {
            rows.iter()
                .find(|r| r["resource"] == k)
                .map(|r| (r["used"].clone(), r["reportedUsed"].clone()))
        };
        used("requests.memory")
            == Some((
                (1u64 << 30).to_string().into(),
                (1u64 << 30).to_string().into(),
            ))
            && used("requests.cpu") == Some(("1".into(), "1".into()))
    });
    assert!(last.contains("requests.memory"), "{last}");
    // The node view counts the pod level too.
    let out = quota(&["-n", n, "--by", "pod", "-o", "json"], None);
    let report = json(&out);
    let row = report["cluster"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"].as_str().is_some_and(|s| s.ends_with("pod-level")))
        .cloned()
        .unwrap_or_else(|| panic!("no pod row: {report}"));
    assert_eq!(row["memoryLimits"], (2u64 << 30).to_string(), "{row}");
    assert_eq!(row["cpuLimits"], "2", "{row}");
}

#[test]
fn node_view_and_csv() {
    let ns = fenced_namespace();
    let out = quota(&["-A", "--by", "node", "-o", "json"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json(&out);
    let rows = report["cluster"]["rows"].as_array().unwrap();
    assert!(rows.len() >= 3, "{rows:?}");
    assert_eq!(
        report["cluster"]["allocatable"]["memory"],
        (3u64 * 32 * (1 << 30)).to_string()
    );
    // Components from labels; pods bound directly so they count as scheduled.
    let n = &ns.name;
    for (name, labels) in [
        (
            "coord",
            "app.kubernetes.io/name: trino, app.kubernetes.io/component: coordinator",
        ),
        ("exec-1", "spark-role: executor"),
        ("exec-2", "spark-role: executor"),
        ("nessie", "app.kubernetes.io/name: nessie"),
    ] {
        apply(&format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {n}, labels: {{{labels}}}}}\nspec:\n  nodeName: dp-node-1\n  containers:\n  - {{name: c, image: x, resources: {{requests: {{cpu: 100m, memory: 100Mi}}, limits: {{cpu: 100m, memory: 100Mi}}}}}}\n"
        ));
    }
    let by = squash(&stdout(&quota(&["-n", n, "--by", "component"], None)));
    assert!(
        by.contains("spark executors 200m (0%) 200m (0%) 200Mi (0%) 200Mi (0%) 2"),
        "{by}"
    );
    assert!(by.contains("trino coordinator 100m (0%)"), "{by}");
    assert!(by.contains("nessie 100m (0%)"), "{by}");
    let csv = stdout(&quota(&["-n", &ns.name, "-o", "csv"], None));
    assert!(
        csv.starts_with("section,namespace,name,resource,used,limit,free,percent\n"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(
            "quota,{},compute,requests.memory,4714397696,10737418240,6023020544,43.9\n",
            ns.name
        )),
        "{csv}"
    );
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let ns = TestNamespace::new("quota-bad");
    let dir = tempdir(&ns.name);
    let bad = dir.join("broken.yaml");
    std::fs::write(&bad, "kind: Deployment\nmetadata: {name: x\n").unwrap();
    let out = quota(
        &["check", "-n", &ns.name, "-f", bad.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!("error: {}: not valid YAML", bad.display())),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    let out = quota(
        &["check", "-n", &ns.name, "-f", "/nonexistent/x.yaml"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/nonexistent/x.yaml: cannot read it"),
        "{}",
        stderr(&out)
    );

    let out = quota(&["--by", "team"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid value 'team'"),
        "{}",
        stderr(&out)
    );

    let out = quota(&["check"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn no_rights_is_one_forbidden_line_never_zeros() {
    // Nothing readable: a report of zeros ("allocatable 0 CPU") would be wrong.
    let ns = fenced_namespace();
    let out = quota(
        &[
            "-n",
            &ns.name,
            "--as",
            "system:serviceaccount:nobody:nobody",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("forbidden") && err.contains("deploy/rbac/kubectl-dp-read.yaml"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
}

/// Requests and limits of cpu and memory as `(requests, limits)` per name, from
/// `kubectl dp quota -A --by <by> -o json` (cores and bytes).
fn quota_totals(by: &str) -> BTreeMap<(String, String), (f64, f64)> {
    let out = quota(&["-A", "--by", by, "-o", "json"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json(&out);
    let mut totals = BTreeMap::new();
    for row in report["cluster"]["rows"].as_array().expect("rows") {
        let name = row["name"].as_str().expect("name").to_string();
        let value = |field: &str| cores_or_bytes(row[field].as_str().unwrap_or("0"));
        totals.insert(
            (name.clone(), "cpu".into()),
            (value("cpuRequests"), value("cpuLimits")),
        );
        totals.insert(
            (name, "memory".into()),
            (value("memoryRequests"), value("memoryLimits")),
        );
    }
    totals
}

/// The same from kubectl-view-allocations' JSON (`-g resource -g <by>`).
fn peer_totals(kva: &str, by: &str, extra: &[&str]) -> BTreeMap<(String, String), (f64, f64)> {
    let output = Command::new(kva)
        .args(["-g", "resource", "-g", by, "-o", "json"])
        .args(extra)
        .env("KUBECONFIG", common::kubeconfig())
        .output()
        .expect("run kubectl-view-allocations");
    assert!(output.status.success(), "{}", stderr(&output));
    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).expect("peer JSON");
    let mut totals = BTreeMap::new();
    for row in rows.as_array().expect("rows") {
        let resource = row["resource"].as_str().unwrap_or_default();
        if row["kind"] != by || !matches!(resource, "cpu" | "memory") {
            continue;
        }
        let name = row[by].as_str().expect("group name").to_string();
        let number = |field: &str| row[field].as_f64().unwrap_or(0.0);
        totals.insert(
            (name, resource.to_string()),
            (number("requested"), number("limit")),
        );
    }
    totals
}

/// `500m` → 0.5, `2` → 2.0, `1073741824` → 1073741824.0 (quota's JSON writes
/// memory in bytes and cpu in cores or millicores).
fn cores_or_bytes(quantity: &str) -> f64 {
    match quantity.strip_suffix('m') {
        Some(millis) => millis.parse::<f64>().expect("millicores") / 1000.0,
        None => quantity.parse().expect("a number"),
    }
}

/// The difference of two sets of totals, ignoring groups that ask for nothing
/// (kubectl-view-allocations leaves those out).
fn differences(
    ours: &BTreeMap<(String, String), (f64, f64)>,
    peer: &BTreeMap<(String, String), (f64, f64)>,
) -> Vec<String> {
    let keys: std::collections::BTreeSet<_> = ours.keys().chain(peer.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let a = ours.get(key).copied().unwrap_or_default();
            let b = peer.get(key).copied().unwrap_or_default();
            let close = |x: f64, y: f64| (x - y).abs() <= 1e-6 * x.abs().max(1.0);
            (!(close(a.0, b.0) && close(a.1, b.1)))
                .then(|| format!("{key:?}: quota {a:?}, kubectl-view-allocations {b:?}"))
        })
        .collect()
}

/// The peer users compare with: on the reference platform, `quota` (pods read
/// in protobuf, `src/kube/protobuf.rs`) shows the same cpu and memory requests
/// and limits as kubectl-view-allocations, per node and for the namespace.
#[test]
fn totals_match_kubectl_view_allocations() {
    let kva = std::env::var("KUBECTL_DP_TEST_KVA")
        .expect("KUBECTL_DP_TEST_KVA: tests/run installs the peer with tests/tools/kva");
    let _lock = common::platform_lock();
    let ns = TestNamespace::waited("quota-peer");
    common::deploy_example("examples/platform", &ns.name);

    let ours = quota_totals("namespace");
    let ours: BTreeMap<_, _> = ours
        .into_iter()
        .filter(|((n, _), _)| *n == ns.name)
        .collect();
    let peer = peer_totals(&kva, "namespace", &["-n", &ns.name]);
    assert_eq!(ours.len(), 2, "{ours:?}");
    // The reference platform asks for 60Gi of memory.
    assert_eq!(ours[&(ns.name.clone(), "memory".into())].0, 64424509440.0);
    let diff = differences(&ours, &peer);
    assert!(diff.is_empty(), "{diff:#?}");

    // The pods came in protobuf (what the comparison is about).
    let verbose = quota(&["-A", "--by", "node", "-v=4"], None);
    assert!(
        stderr(&verbose).contains("pods in protobuf"),
        "{}",
        stderr(&verbose)
    );

    // Every node, against its allocatable too. Other tests start and stop pods
    // meanwhile: the two reads must agree once in a quiet moment.
    let mut last = Vec::new();
    eventually(
        60,
        "quota and kubectl-view-allocations to agree on every node",
        || {
            let ours = quota_totals("node");
            let peer = peer_totals(&kva, "node", &["--ignore-taints"]);
            last = differences(&ours, &peer);
            last.is_empty() && ours.len() >= 6
        },
    );
    assert!(last.is_empty(), "{last:#?}");
}
