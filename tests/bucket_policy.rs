//! Bucket policies (`additionalConfig.bucketPolicy`) and the other
//! `additionalConfig` values against the real RGW of tests/s3/up and through
//! the commands that read them: the table of `platform::bucket::policy::cases`
//! sent to the gateway as Rook sends it (the string as written, with
//! PutBucketPolicy), what RGW does with a policy S3 would refuse, and claims
//! with a refused policy and an unparsable quota as `status` and
//! `buckets check` report them.

mod common;

use common::s3env::{block_on, client, provision, s3_env};
use common::{TestNamespace, apply, dp, stderr, stdout};
use kubectl_dp::platform::bucket::policy::{self, cases::Gateway};
use kubectl_dp::s3::S3Error;
use serde_json::Value;

const BUCKETS: &str = env!("CARGO_BIN_EXE_kubectl-dp-buckets");
const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");

/// Every document of the table goes to the real RGW with PutBucketPolicy,
/// which must answer exactly what the table says: it refuses every document
/// the checks call critical, and stores every other one.
#[test]
fn policy_cases_against_rgw() {
    let env = s3_env();
    let admin = client(&env.endpoint, &env.access_key, &env.secret_key);
    let bucket = policy::cases::BUCKET;
    let cases = policy::cases::cases();
    let mut wrong = Vec::new();
    block_on(async {
        // A run that died half way leaves the bucket behind: reuse it.
        let _ = admin.create_bucket(bucket).await;
        for case in &cases {
            let answer = admin.put_bucket_policy(bucket, &case.document).await;
            let matches = match (&answer, case.rgw) {
                (Ok(()), Gateway::Accepts) => true,
                (
                    Err(S3Error::Server {
                        status: 400, code, ..
                    }),
                    Gateway::Refuses(expected),
                ) => code == expected,
                _ => false,
            };
            if !matches {
                wrong.push(format!(
                    "{}: table says {:?}, RGW answered {answer:?}",
                    case.name, case.rgw
                ));
            }
            let _ = admin.delete_bucket_policy(bucket).await;
        }
        admin.delete_bucket(bucket).await.unwrap();
    });
    assert!(cases.len() > 30, "only {} cases", cases.len());
    assert!(
        wrong.is_empty(),
        "the table and RGW disagree:\n{}",
        wrong.join("\n")
    );
}

/// The status line of an anonymous (unsigned) GET of `path` on the gateway.
fn anonymous_get(endpoint: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let authority = endpoint.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(authority).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.lines().next().unwrap_or_default().to_string()
}

/// What RGW 16.2 does with the statements S3 refuses and it stores, as the
/// findings say: a statement without Principal, Action or Resource, or naming
/// another bucket, applies to no request (an Allow lets no anonymous read
/// through where the complete statement does; a Deny leaves the owner's read
/// alone), and one without Effect denies (even the bucket owner is refused).
#[test]
fn what_rgw_does_with_statements_s3_refuses() {
    let env = s3_env();
    let admin = client(&env.endpoint, &env.access_key, &env.secret_key);
    let bucket = format!("policy-meaning-{}", std::process::id());
    let statement =
        |members: &str| format!(r#"{{"Version":"2012-10-17","Statement":[{{{members}}}]}}"#);
    let objects = format!(r#""Resource":"arn:aws:s3:::{bucket}/*""#);
    let path = format!("/{bucket}/o");
    let anonymous_reads = |policy: &str| {
        block_on(admin.put_bucket_policy(&bucket, policy)).unwrap();
        anonymous_get(&env.endpoint, &path)
    };
    block_on(async {
        admin.create_bucket(&bucket).await.unwrap();
        admin
            .put_object(&bucket, "o", bytes::Bytes::from_static(b"data"))
            .await
            .unwrap();
    });
    let complete = statement(&format!(
        r#""Effect":"Allow","Principal":"*","Action":"s3:GetObject",{objects}"#
    ));
    assert!(anonymous_reads(&complete).contains(" 200 "));
    for incomplete in [
        statement(&format!(
            r#""Effect":"Allow","Action":"s3:GetObject",{objects}"#
        )),
        statement(&format!(r#""Effect":"Allow","Principal":"*",{objects}"#)),
        statement(r#""Effect":"Allow","Principal":"*","Action":"s3:GetObject""#),
        statement(
            r#""Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::another-bucket/*""#,
        ),
    ] {
        assert!(
            anonymous_reads(&incomplete).contains(" 403 "),
            "{incomplete} granted a read"
        );
    }
    // A Deny without one of them does not apply either: the owner still reads.
    for incomplete in [
        statement(&format!(
            r#""Effect":"Deny","Action":"s3:GetObject",{objects}"#
        )),
        statement(&format!(r#""Effect":"Deny","Principal":"*",{objects}"#)),
        statement(r#""Effect":"Deny","Principal":"*","Action":"s3:GetObject""#),
    ] {
        block_on(async {
            admin.put_bucket_policy(&bucket, &incomplete).await.unwrap();
            let read = admin.get_object(&bucket, "o").await;
            assert!(read.is_ok(), "{incomplete} denied the owner: {read:?}");
        });
    }
    let no_effect = statement(&format!(
        r#""Principal":"*","Action":"s3:GetObject",{objects}"#
    ));
    block_on(async {
        admin.put_bucket_policy(&bucket, &no_effect).await.unwrap();
        let owner_read = admin.get_object(&bucket, "o").await;
        assert!(
            matches!(owner_read, Err(S3Error::Credentials { ref code, .. }) if code == "AccessDenied"),
            "{owner_read:?}"
        );
        admin.delete_bucket_policy(&bucket).await.unwrap();
        admin.delete_object(&bucket, "o").await.unwrap();
        admin.delete_bucket(&bucket).await.unwrap();
    });
}

/// A claim carrying these `additionalConfig` entries (values single-quoted).
fn claim(ns: &str, name: &str, config: &[(&str, &str)]) -> String {
    let entries: String = config
        .iter()
        .map(|(k, v)| format!("    {k}: '{v}'\n"))
        .collect();
    format!(
        "apiVersion: objectbucket.io/v1alpha1\nkind: ObjectBucketClaim\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  generateBucketName: {name}\n  storageClassName: ceph-bucket\n  additionalConfig:\n{entries}"
    )
}

/// The claim's bucket findings in a report, as (code, severity, message).
fn findings_of(report: &Value, claim: &str) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["object"]["kind"] == "ObjectBucketClaim" && f["object"]["name"] == claim)
        .filter(|f| f["code"].as_str().is_some_and(|c| c.starts_with("bucket.")))
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (text("code"), text("severity"), text("message"))
        })
        .collect()
}

fn finding(code: &str, severity: &str, message: &str) -> (String, String, String) {
    (code.into(), severity.into(), message.into())
}

const PERMIT: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"read","Effect":"Permit","Principal":{"AWS":["arn:aws:iam:::user/reader"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::*"}]}"#;
const PERMIT_MESSAGE: &str = "bucketPolicy Statement[0].Effect: Effect is \"Permit\", neither \"Allow\" nor \"Deny\" (exactly so written); RGW refuses the policy, so Rook sets none of it";
const HELD: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"read","Effect":"Allow","Principal":{"AWS":["arn:aws:iam:::user/reader"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::*"]}]}"#;

/// A refused policy, an unparsable and a negative quota: `status` and
/// `buckets list` report the same exact findings, and `buckets check` fails
/// the policy step of the refused claim and passes the one whose bucket holds
/// its policy.
#[test]
fn additional_config_values_are_reported_by_status_and_check() {
    let env = s3_env();
    let ns = TestNamespace::new("bkt-policy");
    let n = &ns.name;
    apply(&format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rook-ceph-operator-config\n  namespace: {n}\ndata:\n  ROOK_OBC_ALLOW_ADDITIONAL_CONFIG_FIELDS: maxObjects,maxSize,bucketMaxObjects,bucketMaxSize,bucketPolicy,bucketLifecycle,bucketOwner\n"
    ));
    apply(&claim(n, "permit", &[("bucketPolicy", PERMIT)]));
    apply(&claim(
        n,
        "quota",
        &[("maxSize", "10GB"), ("bucketMaxObjects", "-1")],
    ));
    apply(&claim(n, "held", &[("bucketPolicy", HELD)]));
    provision(&env, n, "permit", true);
    provision(&env, n, "quota", true);
    let held = provision(&env, n, "held", true);
    // Rook's part for the valid policy: it sets the string as written.
    let owner = client(&env.endpoint, &held.access, &held.secret);
    block_on(owner.put_bucket_policy(&held.bucket, HELD)).unwrap();

    let permit = vec![finding("bucket.policy-invalid", "critical", PERMIT_MESSAGE)];
    let quota = vec![
        finding(
            "bucket.config-invalid",
            "critical",
            "additionalConfig.maxSize '10GB' is not a Kubernetes quantity; Rook stops at 'failed to parse maxSize quota', so the claim is not provisioned (an edit is not applied)",
        ),
        finding(
            "bucket.quota-negative",
            "warning",
            "additionalConfig.bucketMaxObjects is -1: RGW reads a negative quota as no limit on the objects in the bucket (Rook writes -1 to lift one)",
        ),
    ];
    for (binary, args) in [
        (
            STATUS,
            vec!["-n", n, "--operator-namespace", n, "-o", "json"],
        ),
        (
            BUCKETS,
            vec!["list", "-n", n, "--operator-namespace", n, "-o", "json"],
        ),
    ] {
        let output = dp(binary, &args);
        let report: Value = serde_json::from_str(&stdout(&output))
            .unwrap_or_else(|e| panic!("{e}: {}", stderr(&output)));
        assert_eq!(findings_of(&report, "permit"), permit, "{args:?}");
        assert_eq!(findings_of(&report, "quota"), quota, "{args:?}");
        assert_eq!(findings_of(&report, "held"), vec![], "{args:?}");
    }

    let output = dp(BUCKETS, &["check", "permit", "-n", n]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    assert!(
        text.contains("the claim's bucketPolicy is not a policy RGW accepts: Statement[0].Effect Effect is \"Permit\""),
        "{text}"
    );
    let output = dp(BUCKETS, &["check", "held", "-n", n, "-o", "json"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let steps = &report["claims"][0]["steps"];
    let policy = steps
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["check"] == "policy")
        .unwrap_or_else(|| panic!("{steps}"));
    assert_eq!(policy["ok"], true, "{steps}");
    assert_eq!(policy["detail"], "matches the claim");
}
