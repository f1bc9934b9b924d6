//! The S3 bucket policy a claim carries in `additionalConfig.bucketPolicy`,
//! judged by its readers. Rook (1.18, `setBucketPolicy`) does not read it: it
//! sends the string as it stands with `PutBucketPolicy` whenever it differs
//! from the bucket's live policy. So the first reader is the gateway: RGW
//! (16.2 in tests/s3) parses it (`rgw_iam_policy.cc`) and refuses what it cannot
//! read, and then Rook's provisioner stops at `failed to set bucket policy`.
//! RGW accepts some documents S3 refuses (a statement without `Effect`,
//! `Principal`, `Action` or `Resource`, no statement at all, a bare user name
//! as a principal): [`check`] flags those too and says what RGW does with them
//! (tests/bucket_policy.rs: a statement without Principal, Action or Resource,
//! or naming another bucket, grants nothing; one without `Effect` denies).
//! [`cases`] is the table of documents the checks are proven on, against the
//! real RGW by tests/bucket_policy.rs.

pub mod cases;

use serde_json::{Map, Value};

/// The actions RGW 16.2 knows (`rgw_iam_policy.cc`), the names an `Action`
/// pattern must match (case-insensitively, `*` and `?` as wildcards); RGW
/// refuses a policy naming anything else.
pub(crate) const RGW_ACTIONS: &[&str] = &[
    "s3:AbortMultipartUpload",
    "s3:BypassGovernanceRetention",
    "s3:CreateBucket",
    "s3:DeleteBucket",
    "s3:DeleteBucketPolicy",
    "s3:DeleteBucketWebsite",
    "s3:DeleteObject",
    "s3:DeleteObjectTagging",
    "s3:DeleteObjectVersion",
    "s3:DeleteObjectVersionTagging",
    "s3:DeleteReplicationConfiguration",
    "s3:GetAccelerateConfiguration",
    "s3:GetBucketAcl",
    "s3:GetBucketCORS",
    "s3:GetBucketLocation",
    "s3:GetBucketLogging",
    "s3:GetBucketNotification",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketPolicy",
    "s3:GetBucketPolicyStatus",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketRequestPayment",
    "s3:GetBucketTagging",
    "s3:GetBucketVersioning",
    "s3:GetBucketWebsite",
    "s3:GetLifecycleConfiguration",
    "s3:GetObject",
    "s3:GetObjectAcl",
    "s3:GetObjectLegalHold",
    "s3:GetObjectRetention",
    "s3:GetObjectTagging",
    "s3:GetObjectTorrent",
    "s3:GetObjectVersion",
    "s3:GetObjectVersionAcl",
    "s3:GetObjectVersionTagging",
    "s3:GetObjectVersionTorrent",
    "s3:GetPublicAccessBlock",
    "s3:GetReplicationConfiguration",
    "s3:ListAllMyBuckets",
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
    "s3:ListBucketVersions",
    "s3:ListMultipartUploadParts",
    "s3:PutAccelerateConfiguration",
    "s3:PutBucketAcl",
    "s3:PutBucketCORS",
    "s3:PutBucketLogging",
    "s3:PutBucketNotification",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketRequestPayment",
    "s3:PutBucketTagging",
    "s3:PutBucketVersioning",
    "s3:PutBucketWebsite",
    "s3:PutLifecycleConfiguration",
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:PutObjectLegalHold",
    "s3:PutObjectRetention",
    "s3:PutObjectTagging",
    "s3:PutObjectVersionAcl",
    "s3:PutObjectVersionTagging",
    "s3:PutPublicAccessBlock",
    "s3:PutReplicationConfiguration",
    "s3:RestoreObject",
];

/// The policy versions S3 and RGW read.
const VERSIONS: &[&str] = &["2012-10-17", "2008-10-17"];
/// The members a policy may have.
const POLICY_KEYS: &[&str] = &["Version", "Id", "Statement"];
/// The members a statement may have.
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// One thing wrong with a bucket policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyProblem {
    /// Where: `Statement[0].Effect`, or empty for the whole document.
    pub path: String,
    /// What is wrong and who refuses it.
    pub message: String,
    /// What to write instead.
    pub fix: String,
    /// RGW refuses the document (critical: Rook applies no policy); otherwise
    /// only S3 refuses it and RGW stores it (a warning saying what RGW does).
    pub rgw_refuses: bool,
}

/// Collects problems with a path prefix.
struct Problems {
    found: Vec<PolicyProblem>,
}

impl Problems {
    fn refused(&mut self, path: String, what: String, fix: impl Into<String>) {
        self.found.push(PolicyProblem {
            path,
            message: format!("{what}; RGW refuses the policy, so Rook sets none of it"),
            fix: fix.into(),
            rgw_refuses: true,
        });
    }

    fn s3_only(&mut self, path: String, what: String, fix: impl Into<String>) {
        self.found.push(PolicyProblem {
            path,
            message: what,
            fix: fix.into(),
            rgw_refuses: false,
        });
    }
}

/// The problems of a `bucketPolicy` for `bucket` (its name when known: a
/// `Resource` naming another bucket applies to nothing here).
pub fn check(text: &str, bucket: Option<&str>) -> Vec<PolicyProblem> {
    let mut problems = Problems { found: Vec::new() };
    let document: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            problems.refused(
                String::new(),
                format!("is not JSON ({error})"),
                "write a JSON policy document: {\"Version\":\"2012-10-17\",\"Statement\":[...]}",
            );
            return problems.found;
        }
    };
    let Some(policy) = document.as_object() else {
        problems.refused(
            String::new(),
            format!("is a JSON {}, not an object", kind(&document)),
            "write one object with Version and Statement",
        );
        return problems.found;
    };
    check_policy(policy, bucket, &mut problems);
    problems.found
}

/// The top level: its members, Version and Statement.
fn check_policy(policy: &Map<String, Value>, bucket: Option<&str>, problems: &mut Problems) {
    for key in policy.keys().filter(|k| !POLICY_KEYS.contains(&k.as_str())) {
        problems.refused(
            key.clone(),
            format!("'{key}' is not a policy member (Version, Id, Statement)"),
            format!("remove '{key}' or correct its spelling"),
        );
    }
    if let Some(version) = policy.get("Version")
        && !version.as_str().is_some_and(|v| VERSIONS.contains(&v))
    {
        problems.refused(
            "Version".into(),
            format!("Version is {version}, not \"2012-10-17\" or \"2008-10-17\""),
            "set Version to \"2012-10-17\"",
        );
    }
    let statements: Vec<(String, &Value)> = match policy.get("Statement") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("Statement[{i}]"), s))
            .collect(),
        Some(one @ Value::Object(_)) => vec![("Statement".to_string(), one)],
        Some(other) => {
            problems.refused(
                "Statement".into(),
                format!(
                    "Statement is a JSON {}, not a statement or a list of them",
                    kind(other)
                ),
                "make Statement a list of objects",
            );
            return;
        }
        None => Vec::new(),
    };
    if statements.is_empty() {
        problems.s3_only(
            "Statement".into(),
            "has no statement; S3 refuses it (MalformedPolicy), RGW 16.2 stores a policy that grants and denies nothing".into(),
            "add the statements the policy is for, or remove bucketPolicy",
        );
    }
    for (path, statement) in statements {
        match statement.as_object() {
            Some(members) => check_statement(&path, members, bucket, problems),
            None => problems.refused(
                path.clone(),
                format!("{path} is a JSON {}, not an object", kind(statement)),
                "write each statement as an object with Effect, Principal, Action and Resource",
            ),
        }
    }
}

/// One statement: its members, Effect, the required elements, actions,
/// principals and resources.
fn check_statement(
    path: &str,
    statement: &Map<String, Value>,
    bucket: Option<&str>,
    problems: &mut Problems,
) {
    for key in statement
        .keys()
        .filter(|k| !STATEMENT_KEYS.contains(&k.as_str()))
    {
        problems.refused(
            format!("{path}.{key}"),
            format!("'{key}' is not a statement member"),
            format!("remove '{key}' or correct its spelling (Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition)"),
        );
    }
    match statement.get("Effect") {
        None => problems.s3_only(
            format!("{path}.Effect"),
            format!("{path} has no Effect; S3 refuses it (MalformedPolicy), RGW 16.2 stores it and reads it as Deny (even the bucket owner is refused)"),
            "add \"Effect\": \"Allow\" or \"Deny\"",
        ),
        Some(Value::String(e)) if e == "Allow" || e == "Deny" => {}
        Some(other) => problems.refused(
            format!("{path}.Effect"),
            format!("Effect is {other}, neither \"Allow\" nor \"Deny\" (exactly so written)"),
            "set Effect to \"Allow\" or \"Deny\"",
        ),
    }
    let required = [
        (
            "Principal",
            "NotPrincipal",
            "who it is for: {\"AWS\":[\"arn:aws:iam:::user/NAME\"]} or \"*\"",
        ),
        (
            "Action",
            "NotAction",
            "what it allows or denies: \"s3:GetObject\", \"s3:*\"",
        ),
        (
            "Resource",
            "NotResource",
            "which objects: \"arn:aws:s3:::BUCKET/*\"",
        ),
    ];
    for (element, negated, what) in required {
        if !statement.contains_key(element) && !statement.contains_key(negated) {
            problems.s3_only(
                format!("{path}.{element}"),
                format!("{path} has no {element}; S3 refuses it (MalformedPolicy), RGW 16.2 stores it but the statement applies to no request"),
                format!("add {element}: {what}"),
            );
        }
    }
    for element in ["Action", "NotAction"] {
        if let Some(value) = statement.get(element) {
            check_actions(&format!("{path}.{element}"), value, problems);
        }
    }
    for element in ["Resource", "NotResource"] {
        if let Some(value) = statement.get(element) {
            check_resources(&format!("{path}.{element}"), value, bucket, problems);
        }
    }
    for element in ["Principal", "NotPrincipal"] {
        if let Some(value) = statement.get(element) {
            check_principal(&format!("{path}.{element}"), value, problems);
        }
    }
    if let Some(condition) = statement.get("Condition") {
        check_condition(&format!("{path}.Condition"), condition, problems);
    }
}

/// The condition operators RGW 16.2 reads, each also with `IfExists` after it
/// and `ForAnyValue:` or `ForAllValues:` before it (exactly so written).
const CONDITION_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnNotEquals",
    "ArnLike",
    "ArnNotLike",
    "Null",
];

/// `Condition`: an object of operator to an object of key to value(s).
fn check_condition(path: &str, condition: &Value, problems: &mut Problems) {
    let Some(operators) = condition.as_object() else {
        problems.refused(
            path.into(),
            format!(
                "{path} is a JSON {}, not an object of operators",
                kind(condition)
            ),
            "write Condition as {\"StringEquals\": {\"s3:prefix\": \"logs/\"}}",
        );
        return;
    };
    for (operator, keys) in operators {
        let bare = operator
            .strip_prefix("ForAnyValue:")
            .or_else(|| operator.strip_prefix("ForAllValues:"))
            .unwrap_or(operator);
        let bare = bare.strip_suffix("IfExists").unwrap_or(bare);
        if !CONDITION_OPERATORS.contains(&bare) {
            let meant = CONDITION_OPERATORS
                .iter()
                .find(|o| o.eq_ignore_ascii_case(bare) || glob(&format!("{bare}*"), o));
            problems.refused(
                path.into(),
                format!("'{operator}' is no condition operator"),
                match meant {
                    Some(o) => format!("write {o}"),
                    None => "use an IAM condition operator (StringEquals, StringLike, IpAddress, Bool, …)".into(),
                },
            );
        } else if !keys.is_object() {
            problems.refused(
                path.into(),
                format!(
                    "{path}.{operator} is a JSON {}, not an object of condition keys",
                    kind(keys)
                ),
                format!("write {operator} as {{\"KEY\": \"VALUE\"}}"),
            );
        }
    }
}

/// A string or a list of strings, as every element of a statement is written.
fn strings(value: &Value) -> Option<Vec<&str>> {
    match value {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(items) => items.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

fn check_actions(path: &str, value: &Value, problems: &mut Problems) {
    let Some(actions) = strings(value) else {
        problems.refused(
            path.into(),
            format!("{path} is {value}, not a string or a list of strings"),
            "write actions as strings: \"s3:GetObject\"",
        );
        return;
    };
    for action in actions {
        if action != "*" && !RGW_ACTIONS.iter().any(|known| glob(action, known)) {
            problems.refused(
                path.into(),
                format!("'{action}' is no action RGW knows"),
                "name an S3 action (s3:GetObject, s3:PutObject, s3:ListBucket, s3:*) or correct its spelling",
            );
        }
    }
}

fn check_resources(path: &str, value: &Value, bucket: Option<&str>, problems: &mut Problems) {
    let Some(resources) = strings(value) else {
        problems.refused(
            path.into(),
            format!("{path} is {value}, not a string or a list of strings"),
            "write resources as ARN strings: \"arn:aws:s3:::BUCKET/*\"",
        );
        return;
    };
    for resource in resources {
        let parts: Vec<&str> = resource.splitn(6, ':').collect();
        if resource == "*" {
            continue;
        }
        if parts.len() != 6 || parts[0] != "arn" {
            problems.refused(
                path.into(),
                format!("'{resource}' is not an ARN"),
                format!("write it as arn:aws:s3:::{resource}"),
            );
            continue;
        }
        let bucket_part = parts[5].split('/').next().unwrap_or_default();
        if let Some(bucket) = bucket
            && parts[2] == "s3"
            && !glob(bucket_part, bucket)
        {
            problems.s3_only(
                path.into(),
                format!("'{resource}' names bucket '{bucket_part}', not this claim's bucket '{bucket}'; S3 refuses it (MalformedPolicy: invalid resource), RGW 16.2 stores it but it applies to nothing here"),
                format!("write arn:aws:s3:::{bucket}/* (objects) or arn:aws:s3:::{bucket} (the bucket)"),
            );
        }
    }
}

fn check_principal(path: &str, value: &Value, problems: &mut Problems) {
    let names: Vec<&str> = match value {
        Value::String(s) if s == "*" => return,
        Value::Object(map) => map
            .get("AWS")
            .and_then(strings)
            .unwrap_or_default()
            .into_iter()
            .collect(),
        _ => return,
    };
    for name in names {
        if name != "*" && !name.starts_with("arn:") {
            problems.s3_only(
                path.into(),
                format!("'{name}' is not a principal ARN; S3 refuses it (MalformedPolicy: invalid principal), RGW 16.2 stores it as written"),
                format!("write arn:aws:iam:::user/{name} (or arn:aws:iam::TENANT:user/{name})"),
            );
        }
    }
}

/// `pattern` matches `name` with `*` (any run) and `?` (one character),
/// ignoring case, as RGW matches actions.
pub(crate) fn glob(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let n: Vec<char> = name.to_lowercase().chars().collect();
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// A JSON value's kind, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_like_rgw() {
        assert!(glob("s3:Get*", "s3:GetObject"));
        assert!(glob("S3:getobject", "s3:GetObject"));
        assert!(glob("s3:?etObject", "s3:GetObject"));
        assert!(!glob("s3:GetObjekt", "s3:GetObject"));
        assert!(glob("*", "anything"));
        assert!(!glob("s3:Get", "s3:GetObject"));
    }

    /// The table: the checks flag exactly the listed paths, critical exactly
    /// where the table says RGW refuses the document.
    #[test]
    fn checks_flag_each_case_and_predict_rgw() {
        let mut wrong = Vec::new();
        for case in cases::cases() {
            let problems = check(&case.document, Some(cases::BUCKET));
            let mut paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
            paths.dedup();
            if paths != case.flagged {
                wrong.push(format!(
                    "{}: flagged {paths:?}, table says {:?}",
                    case.name, case.flagged
                ));
            }
            let refuses = problems.iter().any(|p| p.rgw_refuses);
            if refuses != matches!(case.rgw, cases::Gateway::Refuses(_)) {
                wrong.push(format!(
                    "{}: checks predict refusal {refuses}, table says {:?}",
                    case.name, case.rgw
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
