//! S3 lifecycle documents (`bucketLifecycle`) against the real RGW of
//! tests/s3/up and through every command that reads them: the table of
//! `platform::bucket::lifecycle::cases` sent to the gateway, and one invalid
//! claim as `buckets list`, `check`, `describe`, `create` and `status` see it.
//! Reads the environment of tests/s3/up (or target/s3/env) and the cluster of
//! tests/cluster/up, like tests/buckets_*.rs.

mod common;

use common::s3env::{block_on, client, provision, s3_env};
use common::{TestNamespace, apply, dp, kubectl_output, stderr, stdout};
use kubectl_dp::platform::bucket::lifecycle::{self, cases::Gateway};
use kubectl_dp::s3::{S3Error, lifecycle_document};
use serde_json::Value;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

const BUCKETS: &str = env!("CARGO_BIN_EXE_kubectl-dp-buckets");
const STATUS: &str = env!("CARGO_BIN_EXE_kubectl-dp-status");

/// A document Rook could not decode, written element for element as it
/// stands (numbers as their text, a list's items under the singular name), to
/// learn what the gateway alone would make of it. Not JSON: the text itself.
fn literal_document(json: &str) -> String {
    fn singular(name: &str) -> &str {
        match name {
            "Rules" => "Rule",
            "Tags" => "Tag",
            "Transitions" => "Transition",
            "NoncurrentVersionTransitions" => "NoncurrentVersionTransition",
            other => other,
        }
    }
    fn escape(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }
    /// An object's members, values as written (RGW does not mind their order).
    fn members(text: &str) -> BTreeMap<String, Box<RawValue>> {
        serde_json::from_str(text).unwrap_or_default()
    }
    /// One member as element `name`; a list as one element per item.
    fn element(name: &str, raw: &RawValue, xml: &mut String) {
        let text = raw.get().trim();
        if text.starts_with('{') {
            xml.push_str(&format!("<{}>", singular(name)));
            for (key, value) in members(text) {
                element(&key, &value, xml);
            }
            xml.push_str(&format!("</{}>", singular(name)));
        } else if text.starts_with('[') {
            let items: Vec<Box<RawValue>> = serde_json::from_str(text).unwrap_or_default();
            for item in items {
                element(singular(name), &item, xml);
            }
        } else if text.starts_with('"') {
            let value: String = serde_json::from_str(text).unwrap_or_default();
            xml.push_str(&format!("<{name}>{}</{name}>", escape(&value)));
        } else if text != "null" {
            xml.push_str(&format!("<{name}>{text}</{name}>"));
        }
    }
    if serde_json::from_str::<Value>(json).is_err() {
        return json.to_string();
    }
    let mut xml =
        String::from(r#"<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#);
    if json.trim_start().starts_with('{') {
        for (key, value) in members(json) {
            element(&key, &value, &mut xml);
        }
    }
    xml.push_str("</LifecycleConfiguration>");
    xml
}

/// Builds tests/lifecycle/rook-decode (Rook's decoding with the aws-sdk-go it
/// builds with; the module comes from the Go module proxy on first use) into
/// target/rook-decode, and runs it over the documents: for each, the XML Rook
/// sends, or `Err` with why Rook refuses it.
fn rook_decode(documents: &[&str]) -> Vec<Result<String, String>> {
    let source = common::repo_root().join("tests/lifecycle/rook-decode");
    let binary = common::repo_root().join("target/rook-decode/rook-decode");
    let built = Command::new("go")
        .arg("build")
        .arg("-o")
        .arg(&binary)
        .arg(".")
        .current_dir(&source)
        .output()
        .expect("go (the test cluster is built with it) is on PATH");
    assert!(
        built.status.success(),
        "building rook-decode: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    let mut child = Command::new(&binary)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input: String = documents.iter().map(|d| format!("{d}\n")).collect();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let answer: Value = serde_json::from_str(line).unwrap();
            match answer["sends"].as_str() {
                Some(xml) => Ok(xml.to_string()),
                None => Err(answer["refused"].as_str().unwrap_or_default().to_string()),
            }
        })
        .collect()
}

/// An XML document with every element's children sorted (aws-sdk-go writes a
/// struct's fields in no fixed order; RGW does not mind the order).
fn canonical(xml: &str) -> String {
    fn node(n: roxmltree::Node) -> String {
        let mut children: Vec<String> = n.children().filter(|c| c.is_element()).map(node).collect();
        children.sort();
        let name = n.tag_name().name();
        let text = if children.is_empty() {
            n.text().unwrap_or_default()
        } else {
            ""
        };
        format!("<{name}>{text}{}</{name}>", children.concat())
    }
    node(roxmltree::Document::parse(xml).unwrap().root_element())
}

/// Every document of the table, through Rook's real decoding and then the
/// real RGW: Rook refuses exactly the documents the checks call unreadable; for
/// the others the suite's XML is Rook's (`s3::lifecycle_document`), and RGW
/// answers Rook's bytes exactly what the table says (and holds every rule of an
/// accepted document); a document Rook refuses goes to RGW as written, to show
/// what the gateway alone would do.
#[test]
fn lifecycle_cases_against_rgw() {
    let env = s3_env();
    let admin = client(&env.endpoint, &env.access_key, &env.secret_key);
    let bucket = format!("lifecycle-cases-{}", std::process::id());
    let cases = lifecycle::cases::cases();
    let documents: Vec<&str> = cases.iter().map(|c| c.document.as_str()).collect();
    assert!(documents.iter().all(|d| !d.contains('\n')));
    let rook = rook_decode(&documents);
    assert_eq!(rook.len(), cases.len());
    let mut wrong = Vec::new();
    block_on(async {
        admin.create_bucket(&bucket).await.unwrap();
        for (case, rook) in cases.iter().zip(&rook) {
            let reading = lifecycle::check(&case.document);
            let readable = reading
                .lifecycle
                .as_ref()
                .filter(|_| !reading.is_unreadable());
            let body = match (rook, readable) {
                (Ok(sent), Some(l)) => {
                    let ours = lifecycle_document(l);
                    if canonical(sent) != canonical(&ours) {
                        wrong.push(format!(
                            "{}: Rook sends {sent}\n  the suite writes {ours}",
                            case.name
                        ));
                    }
                    sent.clone()
                }
                (Err(_), None) => literal_document(&case.document),
                (rook, _) => {
                    wrong.push(format!(
                        "{}: Rook says {rook:?}, the checks say {:?}",
                        case.name, reading.problems
                    ));
                    continue;
                }
            };
            let answer = admin.put_lifecycle_document(&bucket, body).await;
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
                continue;
            }
            if let (Ok(()), Some(l)) = (&answer, readable) {
                let stored = admin
                    .get_lifecycle(&bucket)
                    .await
                    .unwrap()
                    .unwrap_or_default();
                if stored.rules.len() != l.rules.len() {
                    wrong.push(format!(
                        "{}: sent {} rules, RGW holds {}",
                        case.name,
                        l.rules.len(),
                        stored.rules.len()
                    ));
                }
            }
        }
        admin.delete_lifecycle(&bucket).await.unwrap();
        admin.delete_bucket(&bucket).await.unwrap();
    });
    assert!(cases.len() > 80, "only {} cases", cases.len());
    assert!(
        wrong.is_empty(),
        "the table, Rook and RGW disagree:\n{}",
        wrong.join("\n")
    );
}

/// A claim as a user writes it.
fn claim(ns: &str, name: &str, lifecycle: &str) -> String {
    format!(
        "apiVersion: objectbucket.io/v1alpha1\nkind: ObjectBucketClaim\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  generateBucketName: {name}\n  storageClassName: ceph-bucket\n  additionalConfig:\n    bucketLifecycle: '{lifecycle}'\n"
    )
}

const DAYS_0: &str =
    r#"{"Rules":[{"ID":"expire-0d","Status":"Enabled","Filter":{},"Expiration":{"Days":0}}]}"#;
const DAYS_0_MESSAGE: &str = "bucketLifecycle rule 'expire-0d' Expiration.Days is 0, below 1; S3 and RGW refuse the whole document (InvalidArgument), so Rook applies none of it";

/// The claim's bucket findings in a report, as (code, severity, message)
/// (status also judges every object for GitOps: those are not this test's).
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

/// The issue's fault (`Days: 0`) through every command: `list` no longer
/// prints "expire 0d", `status` and `list` report the same exact finding,
/// `describe` shows it, and `check` fails the lifecycle step.
#[test]
fn an_invalid_lifecycle_is_reported_by_every_command() {
    let env = s3_env();
    let ns = TestNamespace::new("bkt-lc");
    let n = &ns.name;
    let valid =
        r#"{"Rules":[{"ID":"expire-7d","Status":"Enabled","Filter":{},"Expiration":{"Days":7}}]}"#;
    apply(&claim(n, "zero", valid));
    apply(&claim(
        n,
        "typo",
        r#"{"Rules":[{"ID":"abort","Status":"Enabled","Filter":{},"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":1},"Expiraton":{"Days":30}}]}"#,
    ));
    apply(&format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rook-ceph-operator-config\n  namespace: {n}\ndata:\n  ROOK_OBC_ALLOW_ADDITIONAL_CONFIG_FIELDS: maxObjects,maxSize,bucketLifecycle\n"
    ));
    provision(&env, n, "zero", true);
    provision(&env, n, "typo", true);
    // Then someone edits the Bound claim to expire after 0 days: Rook fails to
    // set it (the gateway refuses it) and the bucket keeps the old lifecycle.
    apply(&claim(n, "zero", DAYS_0));

    let output = dp(BUCKETS, &["list", "-n", n, "--operator-namespace", n]);
    let table = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{table}{}", stderr(&output));
    assert!(!table.contains("expire 0d"), "{table}");
    assert!(
        table.contains("invalid: rule 'expire-0d' Expiration.Days"),
        "{table}"
    );
    assert!(table.contains("1 rule: abort multipart 1d"), "{table}");

    let output = dp(
        BUCKETS,
        &["list", "-n", n, "--operator-namespace", n, "-o", "json"],
    );
    let listed: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let zero_findings = vec![(
        "bucket.lifecycle-invalid".to_string(),
        "critical".to_string(),
        DAYS_0_MESSAGE.to_string(),
    )];
    assert_eq!(findings_of(&listed, "zero"), zero_findings);
    assert_eq!(
        findings_of(&listed, "typo"),
        vec![(
            "bucket.lifecycle-ignored-field".to_string(),
            "warning".to_string(),
            "bucketLifecycle rule 'abort' Expiraton is not a field of an S3 lifecycle rule; Rook's decoder drops it without a word (it knows ID, Status, Prefix, Filter, Expiration, Transitions, NoncurrentVersionExpiration, NoncurrentVersionTransitions, AbortIncompleteMultipartUpload)".to_string()
        )]
    );
    let zero = listed["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "zero")
        .unwrap();
    assert_eq!(zero["expireDays"], Value::Null);

    // status reads the same claims through the same checks.
    let output = dp(STATUS, &["-n", n, "-o", "json"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        findings_of(&report, "zero"),
        zero_findings,
        "{}",
        stderr(&output)
    );

    let output = dp(
        BUCKETS,
        &["describe", "zero", "-n", n, "--operator-namespace", n],
    );
    let text = stdout(&output);
    assert!(text.contains(DAYS_0_MESSAGE), "{text}");
    assert!(text.contains("set Expiration.Days to 1 or more"), "{text}");

    let output = dp(BUCKETS, &["check", "zero", "-n", n]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    assert!(
        text.contains("the claim's bucketLifecycle is not a valid S3 lifecycle document: Rules[0].Expiration.Days is 0, below 1"),
        "{text}"
    );
}

/// `buckets create` judges the lifecycle it builds like a claim's: one line
/// naming the field and the flag, exit 2, and nothing written (the claim does
/// not exist afterwards).
#[test]
fn create_refuses_an_invalid_lifecycle() {
    let ns = TestNamespace::new("bkt-lc-create");
    let n = &ns.name;
    for (flag, value, field) in [
        ("--expire-days", "0", "Expiration.Days is 0, below 1"),
        (
            "--abort-multipart-days",
            "-1",
            "DaysAfterInitiation is -1, below 1",
        ),
        (
            "--noncurrent-expire-days",
            "2147483648",
            "NoncurrentDays is 2147483648, above S3's largest (2147483647)",
        ),
    ] {
        let arg = format!("{flag}={value}");
        let output = dp(
            BUCKETS,
            &[
                "create",
                "refused",
                "--storage-class",
                "ceph-bucket",
                &arg,
                "-n",
                n,
                "--yes",
            ],
        );
        let err = stderr(&output);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{flag}: {err}{}",
            stdout(&output)
        );
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(
            err.contains(field) && err.contains("nothing written") && err.contains(flag),
            "{err}"
        );
        let get = kubectl_output(&["get", "obc", "refused", "-n", n], None);
        assert!(!get.status.success(), "{flag}: the claim was written");
    }
}
