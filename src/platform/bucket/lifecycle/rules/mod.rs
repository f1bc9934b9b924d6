//! What S3 and Ceph's RGW refuse in a lifecycle document Rook could read. Every
//! bound is S3's (the API's documentation) and RGW's (its source, `rgw_lc.cc`,
//! `rgw_lc_s3.cc`, and its answers in tests/buckets_*.rs); where they differ the
//! message says what RGW 16.2 does instead and [`Problem::rgw`] records its
//! answer, which `cases` checks against the real gateway. docs/findings.md
//! explains each choice.

mod filter;

use std::collections::BTreeSet;

use super::{Expiration, Lifecycle, LifecycleRule, NoncurrentExpiration, Problem, ProblemKind};

/// The most rules in one configuration (S3; RGW's `rgw_lc_max_rules` default).
pub(crate) const MAX_RULES: usize = 1000;
/// The longest rule ID: 255 (S3 says characters, RGW counts bytes: bytes it is).
pub(crate) const MAX_ID_BYTES: usize = 255;
/// S3's numbers of days are `Integer`s; RGW reads them with `atoi`, which keeps
/// the low 32 bits of a larger one.
pub(crate) const MAX_DAYS: i64 = i32::MAX as i64;
/// `NewerNoncurrentVersions`: S3 keeps 1 to 100 versions.
pub(crate) const MAX_NEWER_VERSIONS: i64 = 100;

/// The problems of the rules not in `skip` (rules Rook could not read), then
/// those of the whole document.
pub fn check(lifecycle: &Lifecycle, skip: &BTreeSet<usize>) -> Vec<Problem> {
    let mut checker = Checker::default();
    checker.document(lifecycle);
    let mut ids = std::collections::BTreeMap::new();
    for (index, rule) in lifecycle.rules.iter().enumerate() {
        if skip.contains(&index) {
            continue;
        }
        checker.rule = Some(index);
        checker.rule_id = rule.id.clone();
        checker.lifecycle_rule(rule);
        if let Some(id) = rule.id.as_deref().filter(|id| !id.is_empty())
            && let Some(earlier) = ids.insert(id, index)
        {
            let message = format!(
                "is also the ID of Rules[{earlier}]; S3 and RGW refuse the whole document (InvalidArgument), so Rook applies none of it"
            );
            checker.push(
                ProblemKind::DuplicateId,
                "ID",
                Some("InvalidArgument"),
                message,
                "give every rule its own ID",
            );
        }
    }
    checker.problems
}

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
    rule: Option<usize>,
    rule_id: Option<String>,
}

impl Checker {
    fn push(
        &mut self,
        kind: ProblemKind,
        field: &str,
        rgw: Option<&'static str>,
        message: String,
        fix: &str,
    ) {
        self.problems.push(Problem {
            kind,
            rule: self.rule,
            rule_id: self.rule_id.clone(),
            field: field.to_string(),
            message,
            fix: fix.to_string(),
            rgw,
        });
    }

    /// S3 and RGW both refuse it, RGW with `rgw`.
    fn refused(&mut self, field: &str, rgw: &'static str, message: String, fix: &str) {
        let message = format!(
            "{message}; S3 and RGW refuse the whole document ({rgw}), so Rook applies none of it"
        );
        self.push(ProblemKind::Refused, field, Some(rgw), message, fix);
    }

    /// S3 refuses it; RGW 16.2 accepts it and does what `instead` says.
    fn refused_by_s3(&mut self, field: &str, message: String, instead: &str, fix: &str) {
        let message = format!("{message}; S3 refuses the document, and RGW 16.2 {instead}");
        self.push(ProblemKind::Refused, field, None, message, fix);
    }

    /// aws-sdk-go refuses to send it (a required field), so Rook applies nothing.
    fn unsendable(&mut self, field: &str, rgw: Option<&'static str>, message: String, fix: &str) {
        let message = format!(
            "{message}; aws-sdk-go refuses to send the document, so Rook applies no lifecycle"
        );
        self.push(ProblemKind::Unreadable, field, rgw, message, fix);
    }

    fn document(&mut self, lifecycle: &Lifecycle) {
        if lifecycle.rules.is_empty() {
            self.refused(
                "Rules",
                "MalformedXML",
                "is empty".into(),
                "write at least one rule, or remove bucketLifecycle to have no lifecycle",
            );
        }
        if lifecycle.rules.len() > MAX_RULES {
            self.refused(
                "Rules",
                "MalformedXML",
                format!("has {} rules, more than {MAX_RULES}", lifecycle.rules.len()),
                "merge rules that share a filter; one configuration holds at most 1,000",
            );
        }
    }

    fn lifecycle_rule(&mut self, rule: &LifecycleRule) {
        match rule.id.as_deref() {
            None | Some("") => self.push(
                ProblemKind::MissingId,
                "ID",
                None,
                "is missing; RGW gives the rule a random one, so the bucket never matches the claim: Rook re-applies the lifecycle on every reconcile and `buckets check` reports drift".into(),
                "give the rule an ID (sorted with the others)",
            ),
            Some(id) if id.len() > MAX_ID_BYTES => self.refused(
                "ID",
                "InvalidArgument",
                format!("is {} bytes long, more than {MAX_ID_BYTES}", id.len()),
                "shorten the ID to 255 bytes or fewer",
            ),
            Some(_) => {}
        }
        match rule.status.as_deref() {
            None => self.unsendable(
                "Status",
                Some("MalformedXML"),
                "is missing".into(),
                "add \"Status\": \"Enabled\" (or \"Disabled\")",
            ),
            Some("Enabled" | "Disabled") => {}
            Some(other) => self.refused(
                "Status",
                "MalformedXML",
                format!("is '{other}', not exactly Enabled or Disabled"),
                "write \"Enabled\" or \"Disabled\" (capital first letter)",
            ),
        }
        self.scope(rule);
        self.actions(rule);
    }

    /// A number of days against S3's bounds and RGW's `atoi`.
    fn days(&mut self, field: &str, value: i64, min: i64, fix: &str) {
        if value < min {
            self.refused(
                field,
                "InvalidArgument",
                format!("is {value}, below {min}"),
                fix,
            );
        } else if value > MAX_DAYS {
            // RGW's atoi keeps the low 32 bits: 4294967297 becomes 1.
            let wrapped = value as i32 as i64;
            if wrapped < min {
                self.refused(
                    field,
                    "InvalidArgument",
                    format!("is {value}, above S3's largest ({MAX_DAYS})"),
                    fix,
                );
            } else {
                self.refused_by_s3(
                    field,
                    format!("is {value}, above S3's largest ({MAX_DAYS})"),
                    &format!("keeps only its low 32 bits and reads {wrapped}"),
                    fix,
                );
            }
        }
    }

    fn date(&mut self, field: &str, date: &jiff::Timestamp) {
        // aws-sdk-go writes the time in UTC, cut to milliseconds.
        let millis = date.as_millisecond();
        if millis.rem_euclid(86_400_000) != 0 {
            self.refused(
                field,
                "MalformedXML",
                format!("is {date} (UTC), not midnight UTC"),
                "write the day at midnight UTC, e.g. \"2027-01-01T00:00:00Z\"",
            );
        }
    }

    fn actions(&mut self, rule: &LifecycleRule) {
        let expiration = rule.expiration.as_ref();
        let elements = expiration.is_some()
            || rule.noncurrent_version_expiration.is_some()
            || rule.abort_incomplete_multipart_upload.is_some()
            || !rule.transitions.is_empty()
            || !rule.noncurrent_version_transitions.is_empty();
        let others = rule.noncurrent_version_expiration.is_some()
            || rule.abort_incomplete_multipart_upload.is_some()
            || !rule.transitions.is_empty()
            || !rule.noncurrent_version_transitions.is_empty();
        if !elements {
            self.refused(
                "",
                "MalformedXML",
                "has no action (Expiration, Transitions, NoncurrentVersionExpiration, NoncurrentVersionTransitions or AbortIncompleteMultipartUpload)".into(),
                "add the action the rule is for, e.g. \"Expiration\": {\"Days\": 30}",
            );
        } else if expiration.is_some_and(|e| {
            e.expired_object_delete_marker == Some(false) && e.days.is_none() && e.date.is_none()
        }) && !others
        {
            self.refused(
                "Expiration.ExpiredObjectDeleteMarker",
                "InvalidArgument",
                "is false and the rule has no other action, so it does nothing".into(),
                "set it to true, or give the rule another action",
            );
        }
        if let Some(e) = expiration {
            self.expiration(e);
        }
        if let Some(n) = &rule.noncurrent_version_expiration {
            self.noncurrent_expiration(n);
        }
        if let Some(a) = &rule.abort_incomplete_multipart_upload {
            match a.days_after_initiation {
                None => self.refused(
                    "AbortIncompleteMultipartUpload.DaysAfterInitiation",
                    "MalformedXML",
                    "is missing".into(),
                    "add \"DaysAfterInitiation\": 1 (or more)",
                ),
                Some(d) => self.days(
                    "AbortIncompleteMultipartUpload.DaysAfterInitiation",
                    d,
                    1,
                    "abort uploads after 1 day or more",
                ),
            }
        }
        self.transitions(rule);
    }

    fn expiration(&mut self, e: &Expiration) {
        let members: Vec<&str> = [
            ("Days", e.days.is_some()),
            ("Date", e.date.is_some()),
            (
                "ExpiredObjectDeleteMarker",
                e.expired_object_delete_marker.is_some(),
            ),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect();
        if members.len() != 1 {
            let has = if members.is_empty() {
                "none of them".to_string()
            } else {
                members.join(" and ")
            };
            self.refused(
                "Expiration",
                "MalformedXML",
                format!("has {has}; it takes exactly one of Days, Date or ExpiredObjectDeleteMarker"),
                "keep one of Days, Date or ExpiredObjectDeleteMarker (put the others in a rule of their own)",
            );
        }
        if let Some(days) = e.days {
            self.days(
                "Expiration.Days",
                days,
                1,
                "set Expiration.Days to 1 or more, or use an Expiration.Date at midnight UTC",
            );
        }
        if let Some(date) = &e.date {
            self.date("Expiration.Date", date);
        }
    }

    fn noncurrent_expiration(&mut self, n: &NoncurrentExpiration) {
        match n.noncurrent_days {
            None => self.refused(
                "NoncurrentVersionExpiration.NoncurrentDays",
                "MalformedXML",
                "is missing".into(),
                "add \"NoncurrentDays\": 1 (or more)",
            ),
            Some(d) => self.days(
                "NoncurrentVersionExpiration.NoncurrentDays",
                d,
                1,
                "expire noncurrent versions after 1 day or more",
            ),
        }
        self.newer_versions(
            "NoncurrentVersionExpiration.NewerNoncurrentVersions",
            n.newer_noncurrent_versions,
        );
    }

    fn newer_versions(&mut self, field: &str, value: Option<i64>) {
        if let Some(v) = value.filter(|v| !(1..=MAX_NEWER_VERSIONS).contains(v)) {
            self.refused_by_s3(
                field,
                format!("is {v}; S3 keeps 1 to {MAX_NEWER_VERSIONS} newer noncurrent versions"),
                "ignores NewerNoncurrentVersions altogether (RGW 17.2 and later read it), so no version is kept",
                "write a number from 1 to 100, or remove it",
            );
        }
    }

    /// `Transitions` and `NoncurrentVersionTransitions`, and how they sit with `Expiration`.
    fn transitions(&mut self, rule: &LifecycleRule) {
        let mut classes = BTreeSet::new();
        for (i, t) in rule.transitions.iter().enumerate() {
            let base = format!("Transitions[{i}]");
            if t.days.is_some() == t.date.is_some() {
                let has = if t.days.is_some() {
                    "both Days and Date"
                } else {
                    "neither Days nor Date"
                };
                self.refused(
                    &base,
                    "MalformedXML",
                    format!("has {has}; a transition takes exactly one"),
                    "keep one of Days or Date",
                );
            }
            if let Some(d) = t.days {
                self.days(
                    &format!("{base}.Days"),
                    d,
                    0,
                    "move objects after 0 days or more",
                );
            }
            if let Some(date) = &t.date {
                self.date(&format!("{base}.Date"), date);
            }
            self.storage_class(&base, t.storage_class.as_deref(), &mut classes);
        }
        let mut classes = BTreeSet::new();
        for (i, t) in rule.noncurrent_version_transitions.iter().enumerate() {
            let base = format!("NoncurrentVersionTransitions[{i}]");
            match t.noncurrent_days {
                None => self.refused(
                    &format!("{base}.NoncurrentDays"),
                    "MalformedXML",
                    "is missing".into(),
                    "add \"NoncurrentDays\"",
                ),
                Some(d) => self.days(
                    &format!("{base}.NoncurrentDays"),
                    d,
                    0,
                    "move noncurrent versions after 0 days or more",
                ),
            }
            self.newer_versions(
                &format!("{base}.NewerNoncurrentVersions"),
                t.newer_noncurrent_versions,
            );
            self.storage_class(&base, t.storage_class.as_deref(), &mut classes);
        }
        self.timeline(rule);
    }

    fn storage_class<'a>(
        &mut self,
        base: &str,
        class: Option<&'a str>,
        seen: &mut BTreeSet<&'a str>,
    ) {
        let field = format!("{base}.StorageClass");
        match class {
            None => self.refused(
                &field,
                "MalformedXML",
                "is missing".into(),
                "name the storage class to move objects to",
            ),
            Some("") => self.refused_by_s3(
                &field,
                "is empty".into(),
                "accepts it and moves objects to a class named ''",
                "name the storage class to move objects to",
            ),
            Some(c) if !seen.insert(c) => self.refused(
                &field,
                "MalformedXML",
                format!("'{c}' is the target of an earlier transition of this rule too"),
                "keep one transition per storage class",
            ),
            Some(_) => {}
        }
    }

    /// Days and dates not mixed in one rule, and expiry after every transition.
    fn timeline(&mut self, rule: &LifecycleRule) {
        let expiration = rule.expiration.as_ref();
        // A transition with both (or neither) is refused above already.
        let single = |t: &&super::Transition| t.days.is_some() != t.date.is_some();
        let by_days = expiration.is_some_and(|e| e.days.is_some())
            || rule
                .transitions
                .iter()
                .filter(single)
                .any(|t| t.days.is_some());
        let by_date = expiration.is_some_and(|e| e.date.is_some())
            || rule
                .transitions
                .iter()
                .filter(single)
                .any(|t| t.date.is_some());
        if by_days && by_date && !rule.transitions.is_empty() {
            self.refused(
                "Transitions",
                "InvalidArgument",
                "mix Days and Date with the rule's other actions; one rule counts in days or in dates".into(),
                "use Days everywhere in this rule, or Date everywhere",
            );
            return;
        }
        let Some(e) = expiration else { return };
        for (i, t) in rule.transitions.iter().enumerate() {
            let too_late = match (e.days, t.days, &e.date, &t.date) {
                (Some(expire), Some(moved), _, _) => expire <= moved,
                (_, _, Some(expire), Some(moved)) => expire <= moved,
                _ => false,
            };
            if too_late {
                self.refused_by_s3(
                    &format!("Transitions[{i}]"),
                    "comes no earlier than Expiration, so objects are gone before they move".into(),
                    "accepts it, and the transition never happens",
                    "expire after the last transition, or drop the transition",
                );
            }
        }
    }
}
