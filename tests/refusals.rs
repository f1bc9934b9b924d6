//! Pods refused by admission other than quota and LimitRange, planted for real
//! on the test control plane (kube-apiserver runs Pod Security admission and
//! ValidatingAdmissionPolicy in-tree): `status` quotes the ReplicaSet's
//! FailedCreate message and its fix names what to change. A validating
//! webhook needs a server the API server calls over TLS, which this control
//! plane does not run: its message form is proven by the unit tests of
//! `platform::refusal` only. Each namespace is deleted before the test ends:
//! its refusal events say "forbidden", which tests reading `status -A` as a
//! restricted role must not mistake for their own.

mod common;

use common::{TestNamespace, apply, dp, eventually, kubectl, kubectl_output, stdout};
use serde_json::Value;

const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");

/// A Nessie Deployment (as the chart labels it) with this container spec.
fn nessie(ns: &str, container: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: catalog\n  namespace: {ns}\n  labels:\n    app.kubernetes.io/name: nessie\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: nessie\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: nessie\n    spec:\n      containers:\n      - name: nessie\n{container}"
    )
}

/// `status -o json` once the Deployment's refusal is in it.
fn refused_report(ns: &str) -> Value {
    let mut report = Value::Null;
    eventually(60, "the ReplicaSet's FailedCreate in status", || {
        let output = dp(STATUS, &["-n", ns, "-o", "json"]);
        report = serde_json::from_str(&stdout(&output)).unwrap_or(Value::Null);
        report["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["cause"] == "pod.not-created"))
    });
    report
}

/// Every finding as `code Kind/name`, sorted.
fn codes(report: &Value) -> Vec<String> {
    let mut codes: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}/{}",
                f["code"].as_str().unwrap(),
                f["object"]["kind"].as_str().unwrap(),
                f["object"]["name"].as_str().unwrap()
            )
        })
        .collect();
    codes.sort();
    codes
}

/// The refusal finding, its generated pod name replaced by `<pod>`.
fn refusal(report: &Value) -> (String, String, String) {
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["cause"] == "pod.not-created")
        .unwrap();
    let message = finding["message"].as_str().unwrap();
    let pod_start = message.find("pods \"catalog-").map(|i| i + 6);
    let message = match pod_start.and_then(|s| message[s..].find('"').map(|e| (s, s + e))) {
        Some((s, e)) => format!("{}<pod>{}", &message[..s], &message[e..]),
        None => message.to_string(),
    };
    let replica_set = finding["chain"][0]["object"]["name"].as_str().unwrap();
    (
        finding["code"].as_str().unwrap().to_string(),
        message.replace(replica_set, "<rs>"),
        finding["hint"].as_str().unwrap().to_string(),
    )
}

const ROOT: &str = "        image: ghcr.io/projectnessie/nessie:0.104.1\n        securityContext:\n          runAsUser: 0\n";

/// A root container in a namespace enforcing `restricted`: Pod Security
/// admission refuses every pod, and status quotes the refusal and lists the
/// securityContext fields it names.
#[test]
fn a_pod_security_refusal_is_quoted_with_the_fields_to_set() {
    let ns = TestNamespace::waited("refused-pss");
    let n = &ns.name;
    kubectl(&[
        "label",
        "namespace",
        n,
        "pod-security.kubernetes.io/enforce=restricted",
    ]);
    apply(&nessie(n, ROOT));
    let report = refused_report(n);
    let checks = r#"allowPrivilegeEscalation != false (container "nessie" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "nessie" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "nessie" must set securityContext.runAsNonRoot=true), runAsUser=0 (container "nessie" must not set runAsUser=0), seccompProfile (pod or container "nessie" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#;
    assert_eq!(
        refusal(&report),
        (
            "nessie.not-ready".to_string(),
            format!("Nessie 0/1 ready: Iceberg tables cannot be read or committed: no pod exists: ReplicaSet/<rs> -n {n}: FailedCreate: Error creating: pods \"<pod>\" is forbidden: violates PodSecurity \"restricted:latest\": {checks}"),
            r#"in the pod template, to meet Pod Security "restricted:latest": container "nessie" must set securityContext.allowPrivilegeEscalation=false; container "nessie" must set securityContext.capabilities.drop=["ALL"]; pod or container "nessie" must set securityContext.runAsNonRoot=true; container "nessie" must not set runAsUser=0; pod or container "nessie" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"; or relax the namespace's pod-security.kubernetes.io/enforce label"#.to_string(),
        )
    );
    let found: Vec<String> = codes(&report)
        .into_iter()
        .map(|c| c.replace(n.as_str(), "<ns>"))
        .collect();
    assert_eq!(found, EXPECTED_PSS, "{report}");
}

/// Everything status says about the namespace: the refusal, and the warnings
/// any hand-made Nessie without policies gets (the static Pod Security check
/// agrees with the admission).
const EXPECTED_PSS: &[&str] = &[
    "gitops.unmanaged Deployment/catalog",
    "monitoring.missing-rules PrometheusRule/(nessie)",
    "nessie.in-memory-store Deployment/catalog",
    "nessie.not-ready Deployment/catalog",
    "policy.no-default-deny Namespace/<ns>",
    "policy.no-limit-range Namespace/<ns>",
    "policy.no-resource-quota Namespace/<ns>",
    "resources.missing Deployment/catalog",
    "security.pss-restricted Deployment/catalog",
];

/// Deletes the cluster-scoped policy and binding of a test.
struct ClusterObjects(Vec<String>);

impl Drop for ClusterObjects {
    fn drop(&mut self) {
        for object in &self.0 {
            let _ = kubectl_output(&["delete", object, "--wait=false"], None);
        }
    }
}

/// A ValidatingAdmissionPolicy (CEL, in-tree) refusing `:latest` images,
/// bound to the test's namespace only: status quotes the policy and its
/// message.
#[test]
fn a_validating_admission_policy_refusal_is_quoted() {
    let ns = TestNamespace::waited("refused-vap");
    let n = &ns.name;
    let name = format!("dp-test-pinned-{n}");
    let _cleanup = ClusterObjects(vec![
        format!("validatingadmissionpolicybinding/{name}"),
        format!("validatingadmissionpolicy/{name}"),
    ]);
    apply(&format!(
        "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: {name}\nspec:\n  failurePolicy: Fail\n  matchConstraints:\n    resourceRules:\n    - apiGroups: [\"\"]\n      apiVersions: [\"v1\"]\n      operations: [\"CREATE\"]\n      resources: [\"pods\"]\n  validations:\n  - expression: \"object.spec.containers.all(c, !c.image.endsWith(':latest'))\"\n    message: images must be pinned, not :latest\n---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata:\n  name: {name}\nspec:\n  policyName: {name}\n  validationActions: [Deny]\n  matchResources:\n    namespaceSelector:\n      matchLabels:\n        kubernetes.io/metadata.name: {n}\n"
    ));
    // The API server compiles a new policy before it enforces it: wait until a
    // dry-run pod is refused, so the Deployment's first pod already is.
    eventually(30, "the policy to be enforced", || {
        let probe = kubectl_output(
            &[
                "run",
                "probe",
                "-n",
                n,
                "--image=busybox:latest",
                "--dry-run=server",
            ],
            None,
        );
        !probe.status.success()
    });
    apply(&nessie(
        n,
        "        image: ghcr.io/projectnessie/nessie:latest\n",
    ));
    let report = refused_report(n);
    let (code, message, hint) = refusal(&report);
    assert_eq!(code, "nessie.not-ready");
    assert!(
        message.ends_with(&format!("FailedCreate: Error creating: pods \"<pod>\" is forbidden: ValidatingAdmissionPolicy '{name}' with binding '{name}' denied request: images must be pinned, not :latest")),
        "{message}"
    );
    assert_eq!(
        hint,
        format!(
            "ValidatingAdmissionPolicy '{name}' refuses the pod (images must be pinned, not :latest): change the pod template to meet it, or the policy behind it"
        )
    );
}
