//! The table of `bucketPolicy` documents the policy checks are proven on: for
//! each, the paths the checks flag and what the RGW of tests/s3 (Ceph 16.2)
//! answers to a PutBucketPolicy of it (Rook sends the string as it stands).
//! The unit test in `super` runs the checks over it; tests/bucket_policy.rs
//! sends every document to the real gateway and expects exactly that answer.
//! docs/findings.md names each case under the row it proves.

/// The bucket every document is written for (and sent to).
pub const BUCKET: &str = "policy-cases";

/// What the gateway answers to a PutBucketPolicy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gateway {
    /// 204: the policy is set.
    Accepts,
    /// 400 with this S3 error code.
    Refuses(&'static str),
}

/// One document of the table.
#[derive(Debug, Clone)]
pub struct Case {
    /// A short name (docs/findings.md lists it under its row).
    pub name: &'static str,
    /// The claim's `bucketPolicy`.
    pub document: String,
    /// The paths the checks flag; empty when valid.
    pub flagged: &'static [&'static str],
    /// What RGW 16.2 answers.
    pub rgw: Gateway,
}

use Gateway::{Accepts, Refuses};

const INVALID: Gateway = Refuses("InvalidArgument");

/// A policy of one statement with these members.
fn one(members: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{{{members}}}]}}"#)
}

/// The members of a valid statement, the named one replaced (or dropped when
/// `value` is empty).
fn statement_with(name: &str, value: &str) -> String {
    let members = [
        ("Sid", r#""read""#.to_string()),
        ("Effect", r#""Allow""#.to_string()),
        (
            "Principal",
            r#"{"AWS":["arn:aws:iam:::user/reader"]}"#.to_string(),
        ),
        ("Action", r#"["s3:GetObject","s3:ListBucket"]"#.to_string()),
        (
            "Resource",
            format!(r#"["arn:aws:s3:::{BUCKET}","arn:aws:s3:::{BUCKET}/*"]"#),
        ),
    ];
    let mut parts: Vec<String> = members
        .iter()
        .filter(|(n, _)| *n != name)
        .map(|(n, v)| format!(r#""{n}":{v}"#))
        .collect();
    if !value.is_empty() {
        parts.push(format!(r#""{name}":{value}"#));
    }
    one(&parts.join(","))
}

fn case(
    name: &'static str,
    document: String,
    flagged: &'static [&'static str],
    rgw: Gateway,
) -> Case {
    Case {
        name,
        document,
        flagged,
        rgw,
    }
}

/// Every case.
pub fn cases() -> Vec<Case> {
    let s0 = |field: &str| statement_with(field, "");
    let names: Vec<String> = super::RGW_ACTIONS
        .iter()
        .map(|a| format!("\"{a}\""))
        .collect();
    let every_action = statement_with("Action", &format!("[{}]", names.join(",")));
    vec![
        case("valid-reference", statement_with("", ""), &[], Accepts),
        case(
            "valid-2008-version",
            statement_with("", "").replace("2012-10-17", "2008-10-17"),
            &[],
            Accepts,
        ),
        case(
            "valid-no-version",
            statement_with("", "").replace(r#""Version":"2012-10-17","#, ""),
            &[],
            Accepts,
        ),
        case(
            "valid-statement-object",
            format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::{BUCKET}/*"}}}}"#
            ),
            &[],
            Accepts,
        ),
        case(
            "valid-wildcards",
            format!(
                r#"{{"Version":"2012-10-17","Id":"p","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"*"}},"Action":["s3:Get*","s3:*","*","s3:list?ucket"],"Resource":["arn:aws:s3:::{BUCKET}*","*"]}}]}}"#
            ),
            &[],
            Accepts,
        ),
        case(
            "valid-negations-and-condition",
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","NotPrincipal":{{"AWS":"arn:aws:iam::tenant:user/admin"}},"NotAction":"s3:GetObject","NotResource":"arn:aws:s3:::{BUCKET}/public/*","Condition":{{"StringLike":{{"s3:prefix":"logs/*"}}}}}}]}}"#
            ),
            &[],
            Accepts,
        ),
        case("valid-every-action", every_action, &[], Accepts),
        case("not-json", "{not json".into(), &[""], INVALID),
        case("blank", "  ".into(), &[""], INVALID),
        case("not-an-object", "[]".into(), &[""], INVALID),
        case("a-string", r#""policy""#.into(), &[""], INVALID),
        case(
            "unknown-member",
            statement_with("", "").replacen('{', r#"{"Versoin":"2012-10-17","#, 1),
            &["Versoin"],
            INVALID,
        ),
        case(
            "version-unknown",
            statement_with("", "").replace("2012-10-17", "2020-01-01"),
            &["Version"],
            INVALID,
        ),
        case(
            "version-number",
            statement_with("", "").replace(r#""2012-10-17""#, "2012"),
            &["Version"],
            INVALID,
        ),
        case(
            "statement-missing",
            r#"{"Version":"2012-10-17"}"#.into(),
            &["Statement"],
            Accepts,
        ),
        case(
            "statement-empty",
            r#"{"Version":"2012-10-17","Statement":[]}"#.into(),
            &["Statement"],
            Accepts,
        ),
        case("empty-object", "{}".into(), &["Statement"], Accepts),
        case(
            "statement-string",
            r#"{"Version":"2012-10-17","Statement":"allow"}"#.into(),
            &["Statement"],
            INVALID,
        ),
        case(
            "statement-element-string",
            r#"{"Version":"2012-10-17","Statement":["allow"]}"#.into(),
            &["Statement[0]"],
            INVALID,
        ),
        case(
            "statement-unknown-member",
            statement_with("Efect", r#""Allow""#),
            &["Statement[0].Efect"],
            INVALID,
        ),
        case(
            "effect-missing",
            s0("Effect"),
            &["Statement[0].Effect"],
            Accepts,
        ),
        case(
            "effect-permit",
            statement_with("Effect", r#""Permit""#),
            &["Statement[0].Effect"],
            INVALID,
        ),
        case(
            "effect-lowercase",
            statement_with("Effect", r#""allow""#),
            &["Statement[0].Effect"],
            INVALID,
        ),
        case(
            "effect-list",
            statement_with("Effect", r#"["Allow"]"#),
            &["Statement[0].Effect"],
            INVALID,
        ),
        case(
            "principal-missing",
            s0("Principal"),
            &["Statement[0].Principal"],
            Accepts,
        ),
        case(
            "principal-bare-name",
            statement_with("Principal", r#"{"AWS":"reader"}"#),
            &["Statement[0].Principal"],
            Accepts,
        ),
        case(
            "action-missing",
            s0("Action"),
            &["Statement[0].Action"],
            Accepts,
        ),
        case(
            "action-unknown",
            statement_with("Action", r#""s3:GetObjekt""#),
            &["Statement[0].Action"],
            INVALID,
        ),
        case(
            "action-no-service",
            statement_with("Action", r#""GetObject""#),
            &["Statement[0].Action"],
            INVALID,
        ),
        case(
            "action-number",
            statement_with("Action", "1"),
            &["Statement[0].Action"],
            INVALID,
        ),
        case(
            "resource-missing",
            s0("Resource"),
            &["Statement[0].Resource"],
            Accepts,
        ),
        case(
            "valid-condition-operators",
            statement_with(
                "Condition",
                r#"{"StringEqualsIfExists":{"s3:prefix":"a"},"ForAnyValue:StringLike":{"s3:prefix":["a","b"]},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"Null":{"s3:prefix":"true"},"Bool":{"aws:SecureTransport":"false"},"NumericLessThan":{"s3:max-keys":"10"},"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},"ArnLike":{"aws:SourceArn":"arn:aws:s3:::x"},"BinaryEquals":{"k":"QUJD"}}"#,
            ),
            &[],
            Accepts,
        ),
        case(
            "valid-condition-empty",
            statement_with("Condition", "{}"),
            &[],
            Accepts,
        ),
        case(
            "condition-operator-typo",
            statement_with("Condition", r#"{"StringEqual":{"s3:prefix":"a"}}"#),
            &["Statement[0].Condition"],
            INVALID,
        ),
        case(
            "condition-operator-lowercase",
            statement_with("Condition", r#"{"stringequals":{"s3:prefix":"a"}}"#),
            &["Statement[0].Condition"],
            INVALID,
        ),
        case(
            "condition-not-an-object",
            statement_with("Condition", r#""x""#),
            &["Statement[0].Condition"],
            INVALID,
        ),
        case(
            "condition-keys-not-an-object",
            statement_with("Condition", r#"{"StringEquals":"x"}"#),
            &["Statement[0].Condition"],
            INVALID,
        ),
        case(
            "resource-not-an-arn",
            statement_with("Resource", &format!(r#""{BUCKET}/*""#)),
            &["Statement[0].Resource"],
            INVALID,
        ),
        case(
            "resource-other-bucket",
            statement_with("Resource", r#""arn:aws:s3:::another-bucket/*""#),
            &["Statement[0].Resource"],
            Accepts,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_is_in_the_docs() {
        let docs = include_str!("../../../../docs/findings.md");
        for case in cases() {
            assert!(
                docs.contains(&format!("`{}`", case.name)),
                "docs/findings.md does not name case {}",
                case.name
            );
        }
    }
}
