//! What `kubectl dp status -A` covers on a shared cluster, and a verdict that
//! does not depend on `-n` or `-A`, against the real local control plane.

mod common;

use common::*;
use serde_json::Value;

const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");

fn status_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    let output = dp(STATUS, &all);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "status {args:?} failed: {}",
        stderr(&output)
    );
    serde_json::from_slice(&output.stdout).expect("status -o json is JSON")
}

/// The findings whose object is in `namespace` (or is `namespace` itself).
fn findings_in(report: &Value, namespace: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let object = &f["object"];
            object["namespace"] == namespace
                || (object["kind"] == "Namespace" && object["name"] == namespace)
        })
        .map(|f| format!("{} {}", f["code"], f["object"]["name"]))
        .collect()
}

fn covered<'a>(report: &'a Value, namespace: &str) -> Option<&'a Value> {
    report["coverage"]["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == namespace)
}

/// An ordinary application as shared clusters hold hundreds: no quota, no
/// limits, no network policy, not managed by GitOps, no requests.
fn application(namespace: &str, name: &str) {
    apply(&format!(
        "apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec: {{containers: [{{name: web, image: nginx:1.27}}]}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: {name}-settings, namespace: {namespace}}}
data: {{mode: production}}
---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {namespace}}}
spec: {{selector: {{app: {name}}}, ports: [{{port: 80}}]}}
"
    ));
}

#[test]
fn all_namespaces_covers_the_platform_not_the_applications() {
    let _lock = platform_lock();
    let platform = TestNamespace::waited("dp-scope");
    deploy_example("examples/platform", &platform.name);
    let shop = TestNamespace::new("shop");
    let blog = TestNamespace::new("blog");
    application(&shop.name, "web");
    application(&blog.name, "blog");
    // A team namespace labelled into the report, with nothing of the platform in it.
    let reports = TestNamespace::new("reports");
    kubectl(&[
        "label",
        "namespace",
        &reports.name,
        "kubectl-dp.io/platform=true",
    ]);
    application(&reports.name, "dashboards");

    let report = status_json(&["-A"]);
    common::schema::assert_valid(&report);
    assert_eq!(report["coverage"]["mode"], "platform");
    // Ordinary applications: not covered, and not one finding about them.
    for app in [&shop.name, &blog.name] {
        assert!(
            covered(&report, app).is_none(),
            "{app}: {:#}",
            report["coverage"]
        );
        assert_eq!(findings_in(&report, app), Vec::<String>::new(), "{app}");
    }
    assert!(report["coverage"]["skipped"].as_u64().unwrap() >= 2);
    // kube-system: never a compliance finding (its ConfigMaps are not the platform's).
    assert_eq!(findings_in(&report, "kube-system"), Vec::<String>::new());
    // The platform: covered, with its reasons, and healthy as with -n.
    let reasons = &covered(&report, &platform.name).expect("platform covered")["reasons"];
    for reason in [
        "trino",
        "nessie",
        "postgres for nessie",
        "objectbucketclaims",
        "sparkapplications",
    ] {
        assert!(
            reasons.as_array().unwrap().iter().any(|r| r == reason),
            "{reason} missing from {reasons}"
        );
    }
    assert_eq!(
        findings_in(&report, &platform.name),
        Vec::<String>::new(),
        "the reference platform is healthy with -A too"
    );
    // The labelled namespace is covered and checked like the platform's.
    assert_eq!(
        covered(&report, &reports.name).expect("labelled namespace")["reasons"][0],
        "label kubectl-dp.io/platform=true"
    );
    assert!(
        findings_in(&report, &reports.name)
            .iter()
            .any(|f| f.starts_with("\"policy.no-resource-quota\"")),
        "{:?}",
        findings_in(&report, &reports.name)
    );
    // The catalog's S3 endpoint in rook-ceph was read by name.
    let rgw = report["coverage"]["references"]
        .as_array()
        .expect("references")
        .iter()
        .find(|r| r["name"] == "rook-ceph-rgw-objectstore")
        .expect("the catalog's S3 endpoint is a reference");
    assert_eq!(rgw["state"], "found", "{rgw}");

    // The table says what was covered.
    let table = stdout(&dp(STATUS, &["-A"]));
    let header = table.lines().nth(1).unwrap_or_default();
    assert!(header.starts_with("Covered: "), "{table}");
    assert!(
        header.contains(&format!("{} (trino, nessie", platform.name)),
        "{header}"
    );
    assert!(!header.contains(&shop.name), "{header}");

    // --namespace-selector: exactly the matching namespaces.
    let selected = status_json(&[
        "--namespace-selector",
        &format!("kubernetes.io/metadata.name={}", shop.name),
    ]);
    assert_eq!(selected["coverage"]["mode"], "selector");
    let names: Vec<&Value> = selected["coverage"]["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["name"])
        .collect();
    assert_eq!(names, [&Value::from(shop.name.as_str())]);
    assert!(
        !findings_in(&selected, &shop.name).is_empty(),
        "selected namespaces are checked"
    );
}

#[test]
fn a_catalog_s3_endpoint_in_another_namespace_gets_one_verdict() {
    let _lock = platform_lock();
    let platform = TestNamespace::waited("dp-s3ref");
    deploy_example("examples/platform", &platform.name);
    let storage = TestNamespace::new("storage");
    // The catalog now names a gateway in `storage`, which has no such Service.
    let catalog = kubectl(&[
        "get",
        "configmap",
        "trino-catalog",
        "-n",
        &platform.name,
        "-o",
        "jsonpath={.data.iceberg\\.properties}",
    ]);
    let moved = catalog.replace(
        "rook-ceph-rgw-objectstore.rook-ceph.svc",
        &format!("gateway.{}.svc", storage.name),
    );
    assert_ne!(
        moved, catalog,
        "the example's catalog names the rook-ceph gateway"
    );
    let patch = serde_json::json!({"data": {"iceberg.properties": moved}}).to_string();
    kubectl(&[
        "patch",
        "configmap",
        "trino-catalog",
        "-n",
        &platform.name,
        "--type=merge",
        "-p",
        &patch,
    ]);
    let missing = |report: &Value| {
        report["findings"].as_array().unwrap().iter().any(|f| {
            f["code"] == "trino.catalog-s3-missing"
                && f["object"]["namespace"] == platform.name.as_str()
        })
    };
    let named = status_json(&["-n", &platform.name]);
    let everywhere = status_json(&["-A"]);
    assert!(missing(&named), "-n: {:#}", named["findings"]);
    assert!(missing(&everywhere), "-A: {:#}", everywhere["coverage"]);
    let reference = named["coverage"]["references"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["namespace"] == storage.name.as_str())
        .expect("reference")
        .clone();
    assert_eq!(reference["state"], "absent");
    assert_eq!(reference["name"], "gateway");

    apply(&format!(
        "apiVersion: v1\nkind: Service\nmetadata: {{name: gateway, namespace: {}}}\nspec: {{ports: [{{port: 80}}]}}\n",
        storage.name
    ));
    assert!(!missing(&status_json(&["-n", &platform.name])));
    assert!(!missing(&status_json(&["-A"])));
}

#[test]
fn what_a_reader_of_one_namespace_cannot_read_is_not_checked() {
    let ns = TestNamespace::new("dp-scope-rbac");
    let n = &ns.name;
    let user = format!("reader-{n}");
    apply(&format!(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: reader, namespace: {n}}}
rules:
- apiGroups: ["", "apps", "batch", "networking.k8s.io", "objectbucket.io", "sparkoperator.k8s.io", "external-secrets.io", "monitoring.coreos.com"]
  resources: ["*"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: reader, namespace: {n}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}}
subjects: [{{kind: User, name: {user}, apiGroup: rbac.authorization.k8s.io}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: trino-catalog, namespace: {n}}}
data:
  iceberg.properties: |
    connector.name=iceberg
    s3.endpoint=http://rook-ceph-rgw-objectstore.rook-ceph.svc:80
"#
    ));
    // The S3 Service in rook-ceph may not be read: "not checked", never "missing".
    let report = status_json(&["-n", n, "--as", &user]);
    let reference = &report["coverage"]["references"][0];
    assert_eq!(reference["name"], "rook-ceph-rgw-objectstore", "{report:#}");
    assert_eq!(reference["state"], "notChecked");
    assert!(
        reference["reason"].as_str().unwrap().contains(&user),
        "{reference}"
    );
    let table = stdout(&dp(STATUS, &["-n", n, "--as", &user]));
    assert!(
        table.contains("Not checked: Service rook-ceph/rook-ceph-rgw-objectstore"),
        "{table}"
    );
    // -A with nothing readable cluster-wide: one line, exit 2 (not an empty, healthy report).
    let output = dp(STATUS, &["-A", "--as", &user]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let err = stderr(&output);
    assert!(err.contains("forbidden") && err.contains(&user), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}
