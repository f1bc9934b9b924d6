//! `kubectl dp quota` against the local control plane: usage matches the quota
//! controller's status, and `check` accepts and rejects changes with the right numbers.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::{TestNamespace, apply, eventually, kubectl, kubectl_output, stderr, stdout};

const BIN: &str = env!("CARGO_BIN_EXE_kubectl-dp-quota");

/// Runs kubectl-dp-quota with optional stdin; `KUBECTL` points at the test kubectl for `-k`.
fn quota(args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env("KUBECONFIG", common::kubeconfig())
        .env("KUBECTL", common::kubectl_path())
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("spawn kubectl-dp-quota");
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

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(output), stderr(output)))
}

/// A quota (10Gi memory, 4 CPU, 10 pods), a LimitRange (max 4Gi per container,
/// defaults 512Mi/1Gi) and a Deployment `web` of 2 × 2Gi, with its pods counted.
fn fenced_namespace() -> TestNamespace {
    let ns = TestNamespace::new("quota-check");
    let n = &ns.name;
    apply(&format!(
        r#"
apiVersion: v1
kind: ResourceQuota
metadata: {{name: compute, namespace: {n}}}
spec:
  hard: {{requests.memory: 10Gi, limits.memory: 12Gi, requests.cpu: "4", pods: "10"}}
---
apiVersion: v1
kind: LimitRange
metadata: {{name: limits, namespace: {n}}}
spec:
  limits:
  - type: Container
    default: {{cpu: 500m, memory: 1Gi}}
    defaultRequest: {{cpu: 100m, memory: 512Mi}}
    max: {{memory: 4Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: {n}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: web
        image: nginx
        resources:
          requests: {{cpu: 250m, memory: 2Gi}}
          limits: {{cpu: 500m, memory: 2Gi}}
"#
    ));
    eventually(60, "the quota to count web's 2 pods", || {
        kubectl(&[
            "get",
            "resourcequota",
            "compute",
            "-n",
            n,
            "-o",
            "jsonpath={.status.used.pods}",
        ])
        .trim()
            == "2"
    });
    ns
}

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
fn check_accepts_a_change_that_fits_replacing_same_named_objects() {
    let ns = fenced_namespace();
    let dir = tempdir(&ns.name);
    // web grows to 3 × 2Gi (replacing its 2 pods) and a sidecar-less job gets the defaults.
    std::fs::write(
        dir.join("app.yaml"),
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        resources:
          requests: {cpu: 250m, memory: 2Gi}
          limits: {cpu: 500m, memory: 2Gi}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: busybox}]
"#,
    )
    .unwrap();
    std::fs::write(dir.join("kustomization.yaml"), "resources: [app.yaml]\n").unwrap();
    let out = quota(
        &["check", "-n", &ns.name, "-k", dir.to_str().unwrap()],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.starts_with("FITS"), "{text}");
    // 4Gi now − 4Gi replaced + 6Gi + 512Mi (the LimitRange default for migrate).
    assert!(
        squash(&text).contains("requests.memory 4Gi -4Gi +6.5Gi 6.5Gi 10Gi yes"),
        "{text}"
    );
    assert!(
        text.contains(
            "Job/migrate container migrate: requests.memory=512Mi from LimitRange limits"
        ),
        "{text}"
    );
    let report = json(&quota(
        &[
            "check",
            "-n",
            &ns.name,
            "-f",
            dir.join("app.yaml").to_str().unwrap(),
            "-o",
            "json",
        ],
        None,
    ));
    assert_eq!(report["fits"], true);
}

#[test]
fn check_rejects_a_change_over_the_memory_quota() {
    let ns = fenced_namespace();
    let manifest = r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: nginx
        resources: {requests: {cpu: 100m, memory: 3Gi}, limits: {cpu: 200m, memory: 3Gi}}
"#;
    let out = quota(&["check", "-n", &ns.name, "-f", "-"], Some(manifest));
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.starts_with("DOES NOT FIT"), "{text}");
    // 4Gi of web + 9Gi new = 13Gi of 10Gi.
    assert!(
        text.contains(&format!(
            "quota {}/compute: requests.memory would be 13Gi of 10Gi (over by 3Gi); largest contributor: Deployment/api (9Gi)",
            ns.name
        )),
        "{text}"
    );
    assert!(
        text.contains("limits.memory would be 13Gi of 12Gi (over by 1Gi)"),
        "{text}"
    );
}

#[test]
fn check_rejects_a_container_over_the_limit_range_maximum() {
    let ns = fenced_namespace();
    let dir = tempdir(&ns.name);
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    std::fs::write(
        dir.join("nested/cache.yaml"),
        r#"apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cache}
spec:
  serviceName: cache
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers:
      - name: redis
        image: redis
        resources: {requests: {memory: 1Gi}, limits: {memory: 6Gi}}
"#,
    )
    .unwrap();
    let out = quota(
        &["check", "-n", &ns.name, "-f", dir.to_str().unwrap()],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.contains("StatefulSet/cache container redis: limits.memory 6Gi is above the LimitRange maximum 4Gi (by 2Gi) (LimitRange limits)"),
        "{text}"
    );
}

#[test]
fn check_reports_what_the_api_server_rejects_and_does_not_count_it() {
    // The real SparkApplication CRD refuses `spec.driver: 5`: once counted as two
    // default-sized pods that fit, now rejected with the server's own words.
    let ns = TestNamespace::new("quota-rejected");
    let manifest = r#"apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: {name: wrong-types}
spec: {type: Scala, sparkVersion: 3.5.5, mainApplicationFile: "local:///opt/job.jar", sparkConf: "x", driver: 5, executor: {}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: nginx, resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 64Mi}}}
"#;
    let out = quota(
        &["check", "-n", &ns.name, "-f", "-", "-o", "json"],
        Some(manifest),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let report = json(&out);
    assert_eq!(report["fits"], false, "{report:#}");
    let rejected = report["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1, "{report:#}");
    assert_eq!(
        rejected[0]["object"], "SparkApplication wrong-types",
        "{report:#}"
    );
    let message = rejected[0]["message"].as_str().unwrap();
    assert!(
        message.contains("spec.driver") && message.contains("must be of type object"),
        "{message}"
    );
    let kinds: Vec<&str> = report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Deployment"], "{report:#}");
    // The table says it first, with the server's message.
    let out = quota(&["check", "-n", &ns.name, "-f", "-"], Some(manifest));
    let text = stdout(&out);
    assert!(
        text.contains("DOES NOT FIT:")
            && text
                .contains("SparkApplication wrong-types (<stdin>) was rejected by the API server:"),
        "{text}"
    );
    // A kind the cluster does not serve is rejected too, as kubectl would.
    let unknown = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {}\n";
    let out = quota(
        &["check", "-n", &ns.name, "-f", "-", "-o", "json"],
        Some(&format!(
            "{unknown}---\n{}",
            manifest.split("---\n").nth(1).unwrap()
        )),
    );
    let report = json(&out);
    assert_eq!(
        report["rejected"][0]["message"],
        "no kind Widget is served in example.com/v1: is its CRD installed?",
        "{report:#}"
    );
}

#[test]
fn check_rejects_spark_executors_that_fit_on_no_node() {
    let ns = TestNamespace::new("quota-spark");
    let manifest = r#"apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: {name: huge-join}
spec:
  type: Scala
  mode: cluster
  sparkVersion: 3.5.5
  mainApplicationFile: local:///opt/job.jar
  driver: {cores: 1, memory: 2g}
  executor: {cores: 4, memory: 40g, instances: 3}
"#;
    let out = quota(
        &["check", "-n", &ns.name, "-f", "-", "-o", "json"],
        Some(manifest),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let report = json(&out);
    // 40g + max(10%, 384MiB) = 40960MiB + 4096MiB = 44Gi per executor; nodes have 32Gi.
    assert_eq!(
        report["nodes"]["largestPod"],
        "SparkApplication/huge-join executor"
    );
    assert_eq!(
        report["nodes"]["largestPodMemory"],
        (44u64 << 30).to_string()
    );
    assert_eq!(report["nodes"]["largestPodNode"], serde_json::Value::Null);
    let executors = report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["role"] == "executor")
        .unwrap();
    assert_eq!(executors["count"], 3);
    let table = stdout(&quota(
        &["check", "-n", &ns.name, "-f", "-"],
        Some(manifest),
    ));
    assert!(table.contains("the largest pod, SparkApplication/huge-join executor (4 CPU, 44Gi memory), fits on no node"), "{table}");
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

/// Collapses runs of spaces, so table assertions do not depend on column widths.
fn squash(text: &str) -> String {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kubectl-dp-quota-test-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

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
