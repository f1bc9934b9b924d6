//! Node pools in `kubectl dp quota`: `-l` for one pool's view, and `check`
//! placing pods only where their nodeSelector, affinity and tolerations allow,
//! against the real local control plane (its kwok nodes are labelled by zone).

mod common;

use common::*;

/// Runs quota with `-o json` (and `stdin`): its exit code and report.
fn quota_json(args: &[&str], stdin: Option<&str>) -> (i32, serde_json::Value) {
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    let output = common::quota::quota(&all, stdin);
    (
        output.status.code().unwrap_or(-1),
        common::quota::json(&output),
    )
}

#[test]
fn a_node_selector_shows_one_pool() {
    let zone = "topology.kubernetes.io/zone=eu-west-1a";
    let nodes = kubectl(&["get", "nodes", "-l", zone, "-o", "name"]);
    let expected: Vec<String> = nodes
        .lines()
        .map(|l| l.trim_start_matches("node/").to_string())
        .collect();
    assert!(
        !expected.is_empty(),
        "the test cluster labels its nodes by zone"
    );
    let (code, pool) = quota_json(&["-A", "--by", "node", "--node-selector", zone], None);
    assert_eq!(code, 0);
    let rows: Vec<String> = pool["cluster"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(rows, expected, "only the pool's nodes");
    assert_eq!(pool["cluster"]["nodeSelector"], zone);
    let (_, all) = quota_json(&["-A", "--by", "node"], None);
    assert!(
        all["cluster"]["rows"].as_array().unwrap().len() > rows.len(),
        "the whole cluster has more nodes than one zone"
    );
    // A pod on a node of another zone counts in that zone's view only.
    let ns = TestNamespace::new("quota-pool-view");
    let other = kubectl(&[
        "get",
        "nodes",
        "-l",
        "topology.kubernetes.io/zone=eu-west-1b",
        "-o",
        "jsonpath={.items[0].metadata.name}",
    ]);
    apply(&format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: pinned, namespace: {}}}\nspec:\n  nodeName: {other}\n  containers: [{{name: c, image: busybox, resources: {{requests: {{cpu: 100m, memory: 1Gi}}, limits: {{memory: 1Gi}}}}}}]\n",
        ns.name
    ));
    let pods_of = |report: &serde_json::Value| -> (u64, u64) {
        let rows: u64 = report["cluster"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["pods"].as_u64().unwrap())
            .sum();
        (report["cluster"]["total"]["pods"].as_u64().unwrap(), rows)
    };
    let (_, pool_a) = quota_json(&["-A", "--by", "node", "--node-selector", zone], None);
    let (total, rows) = pods_of(&pool_a);
    assert_eq!(
        total, rows,
        "the pool's total is its nodes' pods, no other node's"
    );
    let (_, pool_b) = quota_json(
        &[
            "-A",
            "--by",
            "node",
            "--node-selector",
            "topology.kubernetes.io/zone=eu-west-1b",
        ],
        None,
    );
    let (total, rows) = pods_of(&pool_b);
    assert!(total >= 1, "the pinned pod counts in its zone: {pool_b:#}");
    assert_eq!(total, rows);
    let pinned_row = pool_b["cluster"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == other.as_str())
        .expect("the pinned pod's node");
    assert!(pinned_row["pods"].as_u64().unwrap() >= 1);
}

#[test]
fn check_places_pods_only_where_their_selector_allows() {
    let ns = TestNamespace::new("quota-pool");
    let manifest = |selector: &str| {
        format!(
            "apiVersion: apps/v1
kind: Deployment
metadata: {{name: trino-worker}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: w}}}}
  template:
    metadata: {{labels: {{app: w}}}}
    spec:
      nodeSelector: {{{selector}}}
      containers:
      - name: w
        image: trinodb/trino:476
        resources: {{requests: {{cpu: 100m, memory: 1Gi}}, limits: {{memory: 1Gi}}}}
"
        )
    };
    let (code, fits) = quota_json(
        &["check", "-n", &ns.name, "-f", "-"],
        Some(&manifest("topology.kubernetes.io/zone: eu-west-1b")),
    );
    assert_eq!(code, 0, "{fits:#}");
    let node = fits["nodes"]["largestPodNode"]
        .as_str()
        .unwrap()
        .to_string();
    let zone = kubectl(&[
        "get",
        "node",
        &node,
        "-o",
        "jsonpath={.metadata.labels.topology\\.kubernetes\\.io/zone}",
    ]);
    assert_eq!(zone, "eu-west-1b", "placed on {node}, in the selected zone");
    let (code, nowhere) = quota_json(
        &["check", "-n", &ns.name, "-f", "-"],
        Some(&manifest("topology.kubernetes.io/zone: mars-1a")),
    );
    assert_eq!(code, 1, "{nowhere:#}");
    let reasons = nowhere["reasons"].to_string();
    assert!(
        reasons.contains("may run on none of the")
            && reasons.contains("nodeSelector topology.kubernetes.io/zone=mars-1a does not match"),
        "{reasons}"
    );
}
