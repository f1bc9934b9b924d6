//! `kubectl dp buckets list`, `describe` and `check` against the local control
//! plane (tests/cluster/up) and Ceph's RADOS Gateway (tests/s3/up): claims in
//! every phase, drift found, bad input as one line, an operator config that
//! refuses lifecycles, and a reader without access to the operator.
//! The harness (tests/common/buckets.rs) plays Rook's bucket provisioner: it
//! creates an RGW user and bucket for a claim, its Secret and ConfigMap, the
//! ObjectBucket, applies the claim's lifecycle and marks the claim Bound.
//!
//! S3 tests read the environment `tests/s3/up` prints (or target/s3/env):
//! KUBECTL_DP_TEST_S3_ENDPOINT, KUBECTL_DP_TEST_S3_ACCESS_KEY,
//! KUBECTL_DP_TEST_S3_SECRET_KEY and KUBECTL_DP_TEST_S3_CONF (ceph.conf for radosgw-admin).

mod common;

use std::time::{Duration, Instant};

use common::buckets::*;
use common::s3env::{block_on, client, provision, s3_env};
use common::{TestNamespace, apply, base64_decode, dp, kubectl, stderr, stdout};
use kubectl_dp::platform::bucket::Lifecycle;

#[test]
fn list_and_describe_claims_in_every_phase() {
    let env = s3_env();
    let ns = TestNamespace::new("bkt-list");
    let n = &ns.name;
    apply(&claim(n, "healthy", Some(TEST_LIFECYCLE)));
    apply(&claim(n, "pending", None));
    apply(&claim(n, "broken-json", Some("{not json")));
    apply(&claim(n, "no-cm", None));
    apply(&claim(n, "failed", None));
    apply(&claim(n, "released", None));
    kubectl(&[
        "patch",
        "obc",
        "released",
        "-n",
        n,
        "--subresource=status",
        "--type=merge",
        "-p",
        "{\"status\":{\"phase\":\"Released\"}}",
    ]);
    provision(&env, n, "healthy", true);
    provision(&env, n, "no-cm", false);
    kubectl(&[
        "patch",
        "obc",
        "failed",
        "-n",
        n,
        "--subresource=status",
        "--type=merge",
        "-p",
        "{\"status\":{\"phase\":\"Failed\"}}",
    ]);
    apply(&format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: reader\n  namespace: {n}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    envFrom:\n    - secretRef:\n        name: healthy\n    - configMapRef:\n        name: healthy\n"
    ));

    // The operator config of this test: allows bucketLifecycle, so only the real
    // problems are reported.
    apply(&format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rook-ceph-operator-config\n  namespace: {n}\ndata:\n  ROOK_OBC_ALLOW_ADDITIONAL_CONFIG_FIELDS: maxObjects,maxSize,bucketLifecycle\n"
    ));
    let output = dp(BIN, &["list", "-n", n, "--operator-namespace", n]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    for expected in [
        "healthy",
        "Bound",
        "2 rules: abort multipart 1d, expire 7d",
        "Pending",
        "Failed",
        "Released",
        "invalid JSON",
        "claim is Bound but its ConfigMap no-cm (the endpoint) is missing",
        "bucketLifecycle is not JSON",
        "claim is Failed",
    ] {
        assert!(text.contains(expected), "missing '{expected}' in:\n{text}");
    }

    assert!(!text.contains("not among the fields"), "{text}");
    let json = dp(
        BIN,
        &[
            "list",
            "-n",
            n,
            "-o",
            "json",
            "--operator-namespace",
            "no-such-operator-ns",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let claims = report["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 6);
    let healthy = claims.iter().find(|c| c["name"] == "healthy").unwrap();
    assert_eq!(healthy["bucket"], format!("{n}-healthy"));
    assert_eq!(healthy["hasSecret"], true);
    assert_eq!(healthy["expireDays"], 7);
    assert!(
        report["operatorConfig"]
            .as_str()
            .unwrap()
            .contains("not found")
    );

    // Rook's defaults (no operator config): bucketLifecycle is ignored, said as info.
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["code"] == "bucket.config-field-refused" && f["object"]["name"] == "healthy"), "{findings:?}");

    let described = dp(
        BIN,
        &["describe", "healthy", "-n", n, "--operator-namespace", n],
    );
    let text = stdout(&described);
    assert_eq!(
        described.status.code(),
        Some(0),
        "{text}{}",
        stderr(&described)
    );
    assert!(
        text.contains(&format!("ObjectBucket:  obc-{n}-healthy")),
        "{text}"
    );
    assert!(text.contains("Endpoint:      http://127.0.0.1:"), "{text}");
    assert!(text.contains("AWS_SECRET_ACCESS_KEY: present"), "{text}");
    assert!(text.contains("expire-7d"), "{text}");
    assert!(text.contains("reader"), "{text}");
    let secret = kubectl(&[
        "get",
        "secret",
        "healthy",
        "-n",
        n,
        "-o",
        "jsonpath={.data.AWS_SECRET_ACCESS_KEY}",
    ]);
    let secret_text = String::from_utf8(base64_decode(&secret)).unwrap();
    assert!(!text.contains(&secret_text), "describe printed the secret");

    let pending = dp(BIN, &["describe", "pending", "-n", n]);
    assert!(stdout(&pending).contains("Phase:         Pending"));
    assert!(stdout(&pending).contains("Secret missing"));
    let missing = dp(BIN, &["describe", "nope", "-n", n]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("ObjectBucketClaim nope not found"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn check_passes_then_reports_drift() {
    let env = s3_env();
    let ns = TestNamespace::new("bkt-check");
    let n = &ns.name;
    apply(&claim(n, "data", Some(TEST_LIFECYCLE)));
    let p = provision(&env, n, "data", true);

    let output = dp(BIN, &["check", "data", "-n", n]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    assert!(text.contains("PASS"), "{text}");
    assert!(text.contains("wrote, read back and deleted"), "{text}");
    assert!(text.contains("matches the claim"), "{text}");

    // Behind the claim's back: expire after 1 day and drop the multipart rule.
    let owner = client(&env.endpoint, &p.access, &p.secret);
    let changed = Lifecycle::parse(
        r#"{"Rules":[{"ID":"expire-7d","Status":"Enabled","Prefix":"","Expiration":{"Days":1}}]}"#,
    )
    .unwrap();
    block_on(owner.put_lifecycle(&p.bucket, &changed)).unwrap();
    let output = dp(BIN, &["check", "--all", "-n", n, "-o", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let results: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(results["kind"], "BucketCheck");
    assert_eq!(results["passed"], false);
    let drift = results["claims"][0]["drift"].as_array().unwrap();
    assert_eq!(drift.len(), 2, "{drift:?}");
    assert_eq!(drift[0]["rule"], "abort-multipart");
    assert_eq!(drift[0]["bucket"], "missing");
    assert_eq!(drift[1]["field"], "Expiration.Days");
    assert_eq!(
        (drift[1]["claim"].as_str(), drift[1]["bucket"].as_str()),
        (Some("7"), Some("1"))
    );
    let table = stdout(&dp(BIN, &["check", "data", "-n", n]));
    assert!(
        table.contains("Expiration.Days") && table.contains("FAIL"),
        "{table}"
    );
}

#[test]
fn check_bad_inputs_fail_clearly() {
    let env = s3_env();
    let ns = TestNamespace::new("bkt-bad");
    let n = &ns.name;
    apply(&claim(n, "no-cm", None));
    provision(&env, n, "no-cm", false);
    let output = dp(BIN, &["check", "no-cm", "-n", n]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains(&format!(
            "ConfigMap {n}/no-cm (the bucket endpoint) is missing"
        )),
        "{}",
        stdout(&output)
    );

    apply(&claim(n, "wrong-creds", None));
    provision(&env, n, "wrong-creds", true);
    kubectl(&[
        "patch",
        "secret",
        "wrong-creds",
        "-n",
        n,
        "--type=merge",
        "-p",
        "{\"stringData\":{\"AWS_SECRET_ACCESS_KEY\":\"not-the-secret\"}}",
    ]);
    let output = dp(BIN, &["check", "wrong-creds", "-n", n]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("S3 refused the credentials"),
        "{}",
        stdout(&output)
    );

    apply(&claim(n, "bad-json", Some("{not json")));
    provision(&env, n, "bad-json", true);
    let output = dp(BIN, &["check", "bad-json", "-n", n]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("bucketLifecycle is not a valid S3 lifecycle document"),
        "{}",
        stdout(&output)
    );

    // An endpoint that accepts connections but never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let started = Instant::now();
    let output = dp(
        BIN,
        &[
            "check",
            "bad-json",
            "-n",
            n,
            "--s3-endpoint",
            &format!("http://127.0.0.1:{port}"),
            "--s3-timeout",
            "2s",
        ],
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("did not answer within 2s"),
        "{}",
        stdout(&output)
    );
    drop(silent);

    let output = dp(
        BIN,
        &["check", "bad-json", "-n", n, "--s3-endpoint", "ftp://x"],
    );
    assert!(
        stdout(&output).contains("is not an http(s) URL"),
        "{}",
        stdout(&output)
    );
    let output = dp(BIN, &["check", "-n", n]);
    assert_eq!(output.status.code(), Some(2), "NAME or --all is required");

    apply(&claim(n, "waiting", None));
    let output = dp(BIN, &["check", "waiting", "-n", n]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("the claim is Pending, so there is no bucket to check yet"),
        "{}",
        stdout(&output)
    );
}

/// A key the operator does not allow fails the whole claim in Rook 1.18
/// (`OBC config "bucketLifecycle" is not allowed`): critical, once the
/// operator's ConfigMap says so.
#[test]
fn operator_config_that_refuses_lifecycle_fails_the_claim() {
    let ns = TestNamespace::new("bkt-operator");
    let n = &ns.name;
    apply(&claim(n, "ignored", Some(TEST_LIFECYCLE)));
    kubectl(&[
        "patch",
        "obc",
        "ignored",
        "-n",
        n,
        "--subresource=status",
        "--type=merge",
        "-p",
        "{\"status\":{\"phase\":\"Bound\"}}",
    ]);
    apply(&format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ignored\n  namespace: {n}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ignored\n  namespace: {n}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rook-ceph-operator-config\n  namespace: {n}\ndata:\n  ROOK_OBC_ALLOW_ADDITIONAL_CONFIG_FIELDS: maxObjects,maxSize\n"
    ));
    let output = dp(BIN, &["list", "-n", n, "--operator-namespace", n]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("CRITICAL ObjectBucketClaim/ignored")
            && text.contains("bucket.config-field-refused")
            && text.contains("Rook refuses the claim")
            && text.contains(
                "additionalConfig bucketLifecycle not among the fields rook-ceph-operator-config allows"
            ),
        "{text}"
    );
}

#[test]
fn a_reader_without_operator_access_still_gets_the_list() {
    let ns = TestNamespace::new("bkt-rbac");
    let n = &ns.name;
    apply(&claim(n, "pending", None));
    apply(&format!(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: bucket-reader, namespace: {n}}}
rules:
- apiGroups: ["", "objectbucket.io"]
  resources: ["*"]
  verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: bucket-reader, namespace: {n}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: bucket-reader}}
subjects: [{{kind: User, name: dp-bucket-reader, apiGroup: rbac.authorization.k8s.io}}]
"#
    ));
    let output = dp(
        BIN,
        &["list", "-n", n, "--as", "dp-bucket-reader", "-o", "json"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["claims"][0]["name"], "pending");
    let operator = report["operatorConfig"].as_str().unwrap();
    assert!(
        operator.contains("could not read rook-ceph-operator-config")
            && operator.contains("default fields"),
        "{operator}"
    );

    let output = dp(BIN, &["list", "-n", "default", "--as", "dp-bucket-reader"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("objectbucketclaims") && err.contains("dp-bucket-reader"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
