//! The table of `bucketLifecycle` documents every lifecycle rule is proven on:
//! for each, the fields the checks flag and what the RGW of tests/s3 (Ceph
//! 16.2) answers when it receives the document. The unit test below runs the
//! checks over it (and checks they predict RGW's answer); tests/buckets_*.rs
//! (`lifecycle_cases_against_rgw`) sends every document to the real gateway as
//! Rook would and expects exactly that answer, so the checks and the gateway
//! cannot drift apart. docs/findings.md names each case under the row it proves.
//!
//! Where the checks flag a document RGW 16.2 accepts, it is because S3 or Rook
//! refuses it (the finding says which, and what RGW does instead): a document
//! Rook cannot decode is sent as written, to show the gateway alone would not
//! have stopped it.

/// What the gateway answers to a PutBucketLifecycleConfiguration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gateway {
    /// 200: the lifecycle is set.
    Accepts,
    /// 400 with this S3 error code.
    Refuses(&'static str),
}

/// One document of the table.
#[derive(Debug, Clone)]
pub struct Case {
    /// A short name (docs/findings.md lists it under its row).
    pub name: &'static str,
    /// The claim's `bucketLifecycle`.
    pub document: String,
    /// The paths the checks flag (`Rules[0].Expiration.Days`); empty when valid.
    pub flagged: &'static [&'static str],
    /// What RGW 16.2 answers.
    pub rgw: Gateway,
}

mod actions;
mod documents;

use Gateway::{Accepts, Refuses};

const MALFORMED: Gateway = Refuses("MalformedXML");
const INVALID: Gateway = Refuses("InvalidArgument");
const REQUEST: Gateway = Refuses("InvalidRequest");

/// A document of one rule `{"ID":"r","Status":"Enabled",<body>}`.
fn one(body: &str) -> String {
    format!(r#"{{"Rules":[{{"ID":"r","Status":"Enabled",{body}}}]}}"#)
}

/// One rule for the whole bucket with these actions.
fn acting(actions: &str) -> String {
    one(&format!(r#""Filter":{{}},{actions}"#))
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

/// Every case, valid ones first.
pub fn cases() -> Vec<Case> {
    let mut all = documents::valid();
    all.extend(documents::document_and_rule());
    all.extend(actions::filters());
    all.extend(actions::actions());
    all.extend(documents::values());
    all
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::{ProblemKind, check, rgw_answer};
    use super::*;

    /// The checks flag exactly the case's fields, and for a document Rook can
    /// send they predict the gateway's answer.
    #[test]
    fn checks_flag_each_case_and_predict_rgw() {
        let mut names = BTreeSet::new();
        for case in cases() {
            assert!(names.insert(case.name), "case {} twice", case.name);
            let reading = check(&case.document);
            let flagged: BTreeSet<String> = reading.problems.iter().map(|p| p.path()).collect();
            let wanted: BTreeSet<String> = case.flagged.iter().map(|p| p.to_string()).collect();
            assert_eq!(flagged, wanted, "{}: {:#?}", case.name, reading.problems);
            if !reading.is_unreadable() {
                let predicted = match rgw_answer(&reading.problems) {
                    None => Gateway::Accepts,
                    Some(code) => Gateway::Refuses(code),
                };
                assert_eq!(
                    predicted, case.rgw,
                    "{}: {:#?}",
                    case.name, reading.problems
                );
            }
            for p in &reading.problems {
                assert!(
                    !p.message.is_empty() && !p.fix.is_empty(),
                    "{}: {p:?}",
                    case.name
                );
            }
        }
    }

    /// Every invalid case is named in docs/findings.md, under the row it proves.
    #[test]
    fn every_case_is_in_the_docs() {
        let docs = include_str!("../../../../../docs/findings.md");
        for case in cases() {
            assert!(
                docs.contains(&format!("`{}`", case.name)),
                "docs/findings.md does not name case {}",
                case.name
            );
        }
    }

    #[test]
    fn rook_reads_what_the_gateway_would_misread() {
        // RGW's atoi would read 1.5 as 1 day and 4294967297 as 1 day: the first
        // Rook refuses, the second S3 refuses.
        let fraction = check(&acting(r#""Expiration":{"Days":1.5}"#));
        assert_eq!(fraction.problems[0].kind, ProblemKind::Unreadable);
        let wraps = check(&acting(r#""Expiration":{"Days":4294967297}"#));
        assert!(
            wraps.problems[0].message.contains("reads 1"),
            "{:?}",
            wraps.problems
        );
    }
}
