//! The S3 lifecycle document a claim carries in `additionalConfig.bucketLifecycle`,
//! read the way its first reader reads it. Rook (1.18, `setBucketLifecycle`)
//! decodes the JSON with Go's `encoding/json` into aws-sdk-go v1's
//! `s3.BucketLifecycleConfiguration` and sends it with `PutBucketLifecycleConfiguration`;
//! so keys match their field case-insensitively, unknown keys are dropped, a
//! number must be a whole int64, a date an RFC 3339 string, and a value of the
//! wrong JSON type makes Rook give up on the whole document. [`read`] does the
//! same and says what it refused or dropped ([`decode`]); the gateway's own
//! rules are in [`rules`], and [`cases`] is the table of documents both are
//! proven on (against the real RGW by tests/buckets_*.rs).

pub mod cases;
mod decode;
pub mod rules;

pub(crate) use decode::parse_rfc3339;
pub use decode::{Reading, read};

use serde::Serialize;

/// An S3 `LifecycleConfiguration` as Rook takes it in `bucketLifecycle`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Lifecycle {
    /// The rules, in the order written.
    pub rules: Vec<LifecycleRule>,
}

/// One lifecycle rule. Every field is optional as in aws-sdk-go: what S3 and
/// RGW require is checked by `lifecycle_rules`, not by the shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LifecycleRule {
    /// The rule's ID (optional: RGW gives a rule without one a random ID).
    #[serde(rename = "ID", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Enabled` or `Disabled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The legacy top-level prefix (not together with `Filter`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Which objects the rule applies to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<Filter>,
    /// Expire current objects (or their lone delete markers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration: Option<Expiration>,
    /// Move current objects to another storage class.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub transitions: Vec<Transition>,
    /// Expire noncurrent versions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noncurrent_version_expiration: Option<NoncurrentExpiration>,
    /// Move noncurrent versions to another storage class.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub noncurrent_version_transitions: Vec<NoncurrentTransition>,
    /// Abort incomplete multipart uploads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abort_incomplete_multipart_upload: Option<AbortMultipart>,
}

/// `Filter`: S3 takes exactly one of its members (a union).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Filter {
    /// Objects whose key starts with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Objects carrying this tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<Tag>,
    /// Several conditions at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub and: Option<FilterAnd>,
    /// Objects larger than this many bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_size_greater_than: Option<i64>,
    /// Objects smaller than this many bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_size_less_than: Option<i64>,
}

/// `Filter.And`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FilterAnd {
    /// Key prefix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Tags, all of which must match.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// Objects larger than this many bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_size_greater_than: Option<i64>,
    /// Objects smaller than this many bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_size_less_than: Option<i64>,
}

/// An object tag in a filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    /// The tag's key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Its value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// `Expiration`: exactly one of its three members.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Expiration {
    /// Days after creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
    /// A day (midnight UTC) from which objects expire.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<jiff::Timestamp>,
    /// Remove delete markers that have no noncurrent versions left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expired_object_delete_marker: Option<bool>,
}

/// One `Transition`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Transition {
    /// Days after creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
    /// The day (midnight UTC) of the move.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<jiff::Timestamp>,
    /// Where to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
}

/// `NoncurrentVersionExpiration`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NoncurrentExpiration {
    /// Days after a version became noncurrent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noncurrent_days: Option<i64>,
    /// How many noncurrent versions to keep anyway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newer_noncurrent_versions: Option<i64>,
}

/// One `NoncurrentVersionTransition`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NoncurrentTransition {
    /// Days after a version became noncurrent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noncurrent_days: Option<i64>,
    /// How many noncurrent versions to leave where they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newer_noncurrent_versions: Option<i64>,
    /// Where to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
}

/// `AbortIncompleteMultipartUpload`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AbortMultipart {
    /// Days after the upload started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_after_initiation: Option<i64>,
}

/// What is wrong with a lifecycle document, and whose rule says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProblemKind {
    /// Rook cannot decode it (a value of the wrong JSON type, a fraction, a
    /// date that is not RFC 3339) or aws-sdk-go refuses it before sending (a
    /// required field missing): nothing is applied.
    Unreadable,
    /// S3 refuses it, and RGW too unless the message says otherwise: nothing is applied.
    Refused,
    /// Two rules share an ID (S3 and RGW refuse the document).
    DuplicateId,
    /// A key Rook's decoder does not know: dropped without a word, so the rule
    /// does less than it says.
    IgnoredField,
    /// A rule without an ID: valid, but RGW invents a random one, so Rook sees a
    /// change on every reconcile and `buckets check` cannot match it.
    MissingId,
}

/// One thing wrong with a lifecycle document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Whose rule it breaks.
    pub kind: ProblemKind,
    /// The rule's position in `Rules`, when it is about one rule.
    pub rule: Option<usize>,
    /// The rule's ID, when it has one.
    pub rule_id: Option<String>,
    /// The field inside the rule (`Expiration.Days`), or in the document (`Rules`).
    pub field: String,
    /// What is wrong, and who refuses it.
    pub message: String,
    /// How to fix it.
    pub fix: String,
    /// What RGW 16.2 answers to the document Rook sends for it
    /// (`InvalidArgument`, `MalformedXML`, `InvalidRequest`), `None` when RGW
    /// accepts it (or never sees it: Rook refused it first).
    pub rgw: Option<&'static str>,
}

impl Problem {
    /// The field's full path in the document: `Rules[0].Expiration.Days`.
    pub fn path(&self) -> String {
        match self.rule {
            Some(index) if self.field.is_empty() => format!("Rules[{index}]"),
            Some(index) => format!("Rules[{index}].{}", self.field),
            None => self.field.clone(),
        }
    }

    /// Where it is, for a message: `rule 'expire-7d' Expiration.Days`.
    pub fn place(&self) -> String {
        let rule = match (&self.rule_id, self.rule) {
            (Some(id), _) if !id.is_empty() => format!("rule '{id}'"),
            (_, Some(index)) if self.field == "ID" => format!("rule Rules[{index}]"),
            (_, Some(index)) => format!("rule Rules[{index}] (no ID)"),
            _ => String::new(),
        };
        match (rule.is_empty(), self.field.is_empty()) {
            (true, _) => self.field.clone(),
            (false, true) => rule,
            (false, false) => format!("{rule} {}", self.field),
        }
    }
}

/// The answer RGW 16.2 gives to a document with these problems: `None` when it
/// accepts it. Its XML parse comes first (`MalformedXML`), then its rule checks
/// (`InvalidArgument` before `InvalidRequest`).
#[cfg(test)] // only the tests use it
pub(crate) fn rgw_answer(problems: &[Problem]) -> Option<&'static str> {
    ["MalformedXML", "InvalidArgument", "InvalidRequest"]
        .into_iter()
        .find(|code| problems.iter().any(|p| p.rgw == Some(*code)))
}

/// Everything wrong with a `bucketLifecycle` text: what Rook's decoder refuses
/// or drops, then what S3 and RGW refuse in the rules Rook could read.
pub fn check(json: &str) -> Reading {
    let mut reading = read(json);
    // Rook refused the document itself (no Rules): nothing reaches the gateway.
    let refused_whole = reading
        .problems
        .iter()
        .any(|p| p.kind == ProblemKind::Unreadable && p.rule.is_none());
    if let Some(lifecycle) = reading.lifecycle.as_ref().filter(|_| !refused_whole) {
        let unreadable = reading.unreadable_rules();
        let found = rules::check(lifecycle, &unreadable);
        reading.problems.extend(found);
    }
    reading
}

impl Lifecycle {
    /// The document as Rook reads it; `Err` (one line) when Rook cannot.
    pub fn parse(json: &str) -> Result<Lifecycle, String> {
        let reading = read(json);
        match reading
            .problems
            .iter()
            .find(|p| p.kind == ProblemKind::Unreadable)
        {
            Some(p) => Err(format!(
                "bucketLifecycle is not a valid S3 lifecycle document: {} {}",
                p.path(),
                p.message
            )
            .replace(":  ", ": ")),
            None => Ok(reading.lifecycle.unwrap_or_default()),
        }
    }

    /// Rook re-applies the lifecycle when the bucket's differs from the claim's,
    /// and RGW returns rules sorted by ID: rules out of ID order differ every
    /// time, so Rook's docs ask for them sorted.
    pub fn unsorted_ids(&self) -> Option<(String, String)> {
        self.rules
            .windows(2)
            .find(|pair| pair[0].id_or_empty() > pair[1].id_or_empty())
            .map(|pair| {
                (
                    pair[0].id_or_empty().to_string(),
                    pair[1].id_or_empty().to_string(),
                )
            })
    }

    /// Rule IDs used more than once (an empty or missing ID is not an ID: RGW
    /// gives each such rule its own).
    #[cfg(any(fuzzing, test))] // only the fuzz hooks (src/fuzzing.rs) use it
    pub(crate) fn duplicate_ids(&self) -> Vec<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut duplicates = Vec::new();
        for id in self.rules.iter().map(LifecycleRule::id_or_empty) {
            if !id.is_empty() && !seen.insert(id) && !duplicates.iter().any(|d| d == id) {
                duplicates.push(id.to_string());
            }
        }
        duplicates
    }

    /// One line for a table: `2 rules: expire 30d, abort multipart 1d`.
    pub fn summary(&self) -> String {
        let mut actions = Vec::new();
        for rule in self.rules.iter().filter(|r| r.is_enabled()) {
            actions.extend(rule.actions());
        }
        let count = self.rules.len();
        let noun = if count == 1 { "rule" } else { "rules" };
        if actions.is_empty() {
            format!("{count} {noun}")
        } else {
            format!("{count} {noun}: {}", actions.join(", "))
        }
    }
}

/// A day as S3 writes it in a summary: `2027-01-01`.
pub(crate) fn day(date: &jiff::Timestamp) -> String {
    date.strftime("%Y-%m-%d").to_string()
}

impl LifecycleRule {
    /// The ID, empty when there is none.
    pub(crate) fn id_or_empty(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }

    /// `Status` is exactly `Enabled`.
    pub(crate) fn is_enabled(&self) -> bool {
        self.status.as_deref() == Some("Enabled")
    }

    /// The prefix the rule applies to (`Filter.Prefix`, `Filter.And.Prefix`,
    /// else the legacy `Prefix`); empty for the whole bucket.
    pub(crate) fn effective_prefix(&self) -> String {
        let filter = self.filter.as_ref();
        filter
            .and_then(|f| f.prefix.clone())
            .or_else(|| filter.and_then(|f| f.and.as_ref()?.prefix.clone()))
            .or_else(|| self.prefix.clone())
            .unwrap_or_default()
    }

    /// Its actions in a few words each: `expire 30d`, `abort multipart 1d`.
    pub(crate) fn actions(&self) -> Vec<String> {
        let days = |d: Option<i64>| d.map(|d| format!("{d}d")).unwrap_or_else(|| "?".into());
        let mut actions = Vec::new();
        if let Some(e) = &self.expiration {
            match (e.days, &e.date, e.expired_object_delete_marker) {
                (Some(d), _, _) => actions.push(format!("expire {d}d")),
                (None, Some(date), _) => actions.push(format!("expire on {}", day(date))),
                (None, None, Some(true)) => actions.push("expire delete markers".into()),
                _ => {}
            }
        }
        for t in &self.transitions {
            let when = match (t.days, &t.date) {
                (Some(d), _) => format!("{d}d"),
                (None, Some(date)) => day(date),
                _ => "?".into(),
            };
            let class = t.storage_class.as_deref().unwrap_or("?");
            actions.push(format!("transition {when} to {class}"));
        }
        if let Some(a) = &self.abort_incomplete_multipart_upload {
            actions.push(format!("abort multipart {}", days(a.days_after_initiation)));
        }
        if let Some(n) = &self.noncurrent_version_expiration {
            actions.push(format!("noncurrent {}", days(n.noncurrent_days)));
        }
        for t in &self.noncurrent_version_transitions {
            let class = t.storage_class.as_deref().unwrap_or("?");
            actions.push(format!(
                "noncurrent transition {} to {class}",
                days(t.noncurrent_days)
            ));
        }
        actions
    }
}
