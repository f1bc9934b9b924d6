//! Reading `bucketLifecycle` the way Rook does: Go's `encoding/json` into
//! aws-sdk-go v1's types (keys matched ignoring ASCII case, unknown keys
//! dropped, an int64 only from a whole number, a `time.Time` only from an
//! RFC 3339 string, a value of another JSON type refusing the whole document),
//! then aws-sdk-go's check of required fields before it sends anything.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{
    AbortMultipart, Expiration, Filter, FilterAnd, Lifecycle, LifecycleRule, NoncurrentExpiration,
    NoncurrentTransition, Problem, ProblemKind, Tag, Transition,
};

/// What Rook's decoder makes of a `bucketLifecycle` text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reading {
    /// The document, when the text is a JSON object (values Rook refuses are left out).
    pub lifecycle: Option<Lifecycle>,
    /// What the decoder refuses or drops.
    pub problems: Vec<Problem>,
}

impl Reading {
    /// Rules the gateway's rules are not judged on: those with a value Rook
    /// refuses, and null ones (refused as they are).
    pub(crate) fn unreadable_rules(&self) -> BTreeSet<usize> {
        self.problems
            .iter()
            .filter(|p| {
                p.kind == ProblemKind::Unreadable
                    || (p.kind == ProblemKind::Refused && p.field.is_empty())
            })
            .filter_map(|p| p.rule)
            .collect()
    }

    /// Whether Rook refuses the document as a whole.
    pub fn is_unreadable(&self) -> bool {
        self.problems
            .iter()
            .any(|p| p.kind == ProblemKind::Unreadable)
    }
}

/// Reads `bucketLifecycle` as Rook does (see the module comment).
pub fn read(json: &str) -> Reading {
    let value: Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => {
            let mut decoder = Decoder::default();
            decoder.unreadable(
                "",
                format!("is not JSON ({e}); Rook cannot decode it and applies no lifecycle"),
                "write the LifecycleConfiguration as JSON, e.g. {\"Rules\":[{\"ID\":\"expire-30d\",\"Status\":\"Enabled\",\"Filter\":{},\"Expiration\":{\"Days\":30}}]}",
            );
            return Reading {
                lifecycle: None,
                problems: decoder.problems,
            };
        }
    };
    let mut decoder = Decoder::default();
    let lifecycle = decoder.document(&value);
    Reading {
        lifecycle,
        problems: decoder.problems,
    }
}

/// The JSON type of a value, for messages.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Go's `encoding/json` into aws-sdk-go's types, remembering what it refuses.
#[derive(Default)]
struct Decoder {
    problems: Vec<Problem>,
    rule: Option<usize>,
    rule_id: Option<String>,
}

type Fields<'a> = Vec<(&'static str, &'a Value)>;

impl Decoder {
    fn push(&mut self, kind: ProblemKind, field: &str, message: String, fix: &str) {
        self.problems.push(Problem {
            kind,
            rule: self.rule,
            rule_id: self.rule_id.clone(),
            field: field.to_string(),
            message,
            fix: fix.to_string(),
            rgw: None,
        });
    }

    fn unreadable(&mut self, field: &str, message: String, fix: &str) {
        self.push(ProblemKind::Unreadable, field, message, fix);
    }

    fn wrong_type(&mut self, field: &str, value: &Value, wanted: &str) {
        let shown = value.to_string();
        let shown = if shown.len() > 40 {
            format!("{}…", shown.chars().take(40).collect::<String>())
        } else {
            shown
        };
        self.unreadable(
            field,
            format!(
                "is {} ({shown}) where S3 takes {wanted}; Rook's decoder refuses the whole document, so no lifecycle is applied",
                json_type(value)
            ),
            &format!("write {wanted} here"),
        );
    }

    /// An object's members by their aws-sdk-go field names: a key matches its
    /// field exactly or, like Go, ignoring ASCII case; the last duplicate wins.
    /// `None` for null (Go leaves the field unset) and for another type (refused).
    fn object<'a>(
        &mut self,
        value: &'a Value,
        path: &str,
        known: &[&'static str],
    ) -> Option<Fields<'a>> {
        let map = match value {
            Value::Null => return None,
            Value::Object(map) => map,
            other => {
                self.wrong_type(path, other, "an object");
                return None;
            }
        };
        let mut fields: Fields<'a> = Vec::new();
        for (key, member) in map {
            let name = known
                .iter()
                .find(|k| **k == key)
                .or_else(|| known.iter().find(|k| k.eq_ignore_ascii_case(key)));
            match name {
                Some(name) => {
                    fields.retain(|(n, _)| n != name);
                    fields.push((name, member));
                }
                None => {
                    let field = join(path, key);
                    self.push(
                        ProblemKind::IgnoredField,
                        &field,
                        format!(
                            "is not a field of an S3 lifecycle {}; Rook's decoder drops it without a word (it knows {})",
                            if path.is_empty() { "rule" } else { "element here" },
                            known.join(", ")
                        ),
                        "rename it to the field you meant, or remove it",
                    );
                }
            }
        }
        Some(fields)
    }

    fn int(&mut self, value: &Value, path: &str) -> Option<i64> {
        match value {
            Value::Null => None,
            Value::Number(n) => match n.as_i64() {
                Some(v) => Some(v),
                None => {
                    self.unreadable(
                        path,
                        format!(
                            "is {n}, which Go's decoder cannot read into an int64 (a fraction, an exponent, or beyond ±9.2e18); Rook refuses the whole document (RGW alone would have read only its leading digits)"
                        ),
                        "write a whole number of days without a fraction or exponent",
                    );
                    None
                }
            },
            other => {
                self.wrong_type(path, other, "a whole number (no quotes)");
                None
            }
        }
    }

    fn string(&mut self, value: &Value, path: &str) -> Option<String> {
        match value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => {
                self.wrong_type(path, other, "a string");
                None
            }
        }
    }

    fn boolean(&mut self, value: &Value, path: &str) -> Option<bool> {
        match value {
            Value::Null => None,
            Value::Bool(b) => Some(*b),
            other => {
                self.wrong_type(path, other, "true or false (no quotes)");
                None
            }
        }
    }

    /// A `time.Time`: Go takes only an RFC 3339 string.
    fn date(&mut self, value: &Value, path: &str) -> Option<jiff::Timestamp> {
        let text = match value {
            Value::Null => return None,
            Value::String(s) => s,
            other => {
                self.wrong_type(
                    path,
                    other,
                    "an RFC 3339 date like \"2027-01-01T00:00:00Z\"",
                );
                return None;
            }
        };
        match parse_rfc3339(text) {
            Some(ts) => Some(ts),
            None => {
                self.unreadable(
                    path,
                    format!(
                        "'{text}' is not an RFC 3339 time, the only form Go's decoder reads; Rook refuses the whole document"
                    ),
                    "write the day as midnight UTC, e.g. \"2027-01-01T00:00:00Z\"",
                );
                None
            }
        }
    }

    fn array<'a>(&mut self, value: &'a Value, path: &str) -> Vec<(usize, &'a Value)> {
        match value {
            Value::Null => Vec::new(),
            Value::Array(items) => items.iter().enumerate().collect(),
            other => {
                self.wrong_type(path, other, "an array");
                Vec::new()
            }
        }
    }

    fn document(&mut self, value: &Value) -> Option<Lifecycle> {
        if !value.is_object() {
            self.wrong_type("", value, "an object with Rules");
            return None;
        }
        let fields = self.object(value, "", &["Rules"])?;
        let Some((_, rules)) = fields.into_iter().next() else {
            self.unreadable(
                "Rules",
                "is missing; aws-sdk-go refuses to send a lifecycle without Rules, so Rook applies none".into(),
                "add \"Rules\": [...] with at least one rule",
            );
            return Some(Lifecycle::default());
        };
        if rules.is_null() {
            self.unreadable(
                "Rules",
                "is null; aws-sdk-go refuses to send a lifecycle without Rules, so Rook applies none".into(),
                "add at least one rule to Rules",
            );
        }
        let mut lifecycle = Lifecycle::default();
        for (index, rule) in self.array(rules, "Rules") {
            self.rule = Some(index);
            self.rule_id = rule
                .as_object()
                .and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case("ID")))
                .and_then(|(_, v)| v.as_str())
                .map(str::to_string);
            // A rule Rook cannot read keeps its place, so every index stays the
            // document's; the gateway's rules skip it.
            let decoded = if rule.is_null() {
                // aws-sdk-go skips a nil rule when it validates and writes it as
                // an empty <Rule/>, which the gateway refuses.
                self.problems.push(Problem {
                    kind: ProblemKind::Refused,
                    rule: Some(index),
                    rule_id: None,
                    field: String::new(),
                    message: "is null; Rook sends it as an empty rule, and S3 and RGW refuse the whole document (MalformedXML), so Rook applies none of it".into(),
                    fix: "remove it or write the rule".into(),
                    rgw: Some("MalformedXML"),
                });
                None
            } else {
                self.lifecycle_rule(rule)
            };
            lifecycle.rules.push(decoded.unwrap_or_default());
        }
        self.rule = None;
        self.rule_id = None;
        Some(lifecycle)
    }

    fn lifecycle_rule(&mut self, value: &Value) -> Option<LifecycleRule> {
        const KNOWN: &[&str] = &[
            "ID",
            "Status",
            "Prefix",
            "Filter",
            "Expiration",
            "Transitions",
            "NoncurrentVersionExpiration",
            "NoncurrentVersionTransitions",
            "AbortIncompleteMultipartUpload",
        ];
        let fields = self.object(value, "", KNOWN)?;
        let mut rule = LifecycleRule::default();
        for (name, v) in fields {
            match name {
                "ID" => rule.id = self.string(v, name),
                "Status" => rule.status = self.string(v, name),
                "Prefix" => rule.prefix = self.string(v, name),
                "Filter" => rule.filter = self.filter(v),
                "Expiration" => rule.expiration = self.expiration(v),
                "Transitions" => rule.transitions = self.transitions(v),
                "NoncurrentVersionExpiration" => {
                    rule.noncurrent_version_expiration = self.noncurrent_expiration(v)
                }
                "NoncurrentVersionTransitions" => {
                    rule.noncurrent_version_transitions = self.noncurrent_transitions(v)
                }
                _ => rule.abort_incomplete_multipart_upload = self.abort_multipart(v),
            }
        }
        Some(rule)
    }

    fn abort_multipart(&mut self, value: &Value) -> Option<AbortMultipart> {
        let base = "AbortIncompleteMultipartUpload";
        let fields = self.object(value, base, &["DaysAfterInitiation"])?;
        let mut abort = AbortMultipart::default();
        for (name, v) in fields {
            abort.days_after_initiation = self.int(v, &join(base, name));
        }
        Some(abort)
    }

    fn filter(&mut self, value: &Value) -> Option<Filter> {
        let known = &[
            "Prefix",
            "Tag",
            "And",
            "ObjectSizeGreaterThan",
            "ObjectSizeLessThan",
        ];
        let fields = self.object(value, "Filter", known)?;
        let mut filter = Filter::default();
        for (name, v) in fields {
            let path = join("Filter", name);
            match name {
                "Prefix" => filter.prefix = self.string(v, &path),
                "Tag" => filter.tag = self.tag(v, &path),
                "ObjectSizeGreaterThan" => filter.object_size_greater_than = self.int(v, &path),
                "ObjectSizeLessThan" => filter.object_size_less_than = self.int(v, &path),
                _ => filter.and = self.filter_and(v),
            }
        }
        Some(filter)
    }

    fn filter_and(&mut self, value: &Value) -> Option<FilterAnd> {
        let known = &[
            "Prefix",
            "Tags",
            "ObjectSizeGreaterThan",
            "ObjectSizeLessThan",
        ];
        let fields = self.object(value, "Filter.And", known)?;
        let mut and = FilterAnd::default();
        for (name, v) in fields {
            let path = join("Filter.And", name);
            match name {
                "Prefix" => and.prefix = self.string(v, &path),
                "ObjectSizeGreaterThan" => and.object_size_greater_than = self.int(v, &path),
                "ObjectSizeLessThan" => and.object_size_less_than = self.int(v, &path),
                _ => {
                    for (i, tag) in self.array(v, &path) {
                        if let Some(tag) = self.tag(tag, &format!("{path}[{i}]")) {
                            and.tags.push(tag);
                        }
                    }
                }
            }
        }
        Some(and)
    }

    fn tag(&mut self, value: &Value, path: &str) -> Option<Tag> {
        let fields = self.object(value, path, &["Key", "Value"])?;
        let mut tag = Tag::default();
        for (name, v) in fields {
            let field = join(path, name);
            match name {
                "Key" => tag.key = self.string(v, &field),
                _ => tag.value = self.string(v, &field),
            }
        }
        Some(tag)
    }

    fn expiration(&mut self, value: &Value) -> Option<Expiration> {
        let known = &["Days", "Date", "ExpiredObjectDeleteMarker"];
        let fields = self.object(value, "Expiration", known)?;
        let mut expiration = Expiration::default();
        for (name, v) in fields {
            let path = join("Expiration", name);
            match name {
                "Days" => expiration.days = self.int(v, &path),
                "Date" => expiration.date = self.date(v, &path),
                _ => expiration.expired_object_delete_marker = self.boolean(v, &path),
            }
        }
        Some(expiration)
    }

    fn transitions(&mut self, value: &Value) -> Vec<Transition> {
        let known = &["Days", "Date", "StorageClass"];
        let mut transitions = Vec::new();
        for (i, item) in self.array(value, "Transitions") {
            let base = format!("Transitions[{i}]");
            let Some(fields) = self.object(item, &base, known) else {
                continue;
            };
            let mut transition = Transition::default();
            for (name, v) in fields {
                let path = join(&base, name);
                match name {
                    "Days" => transition.days = self.int(v, &path),
                    "Date" => transition.date = self.date(v, &path),
                    _ => transition.storage_class = self.string(v, &path),
                }
            }
            transitions.push(transition);
        }
        transitions
    }

    fn noncurrent_expiration(&mut self, value: &Value) -> Option<NoncurrentExpiration> {
        let base = "NoncurrentVersionExpiration";
        let known = &["NoncurrentDays", "NewerNoncurrentVersions"];
        let fields = self.object(value, base, known)?;
        let mut expiration = NoncurrentExpiration::default();
        for (name, v) in fields {
            let path = join(base, name);
            match name {
                "NoncurrentDays" => expiration.noncurrent_days = self.int(v, &path),
                _ => expiration.newer_noncurrent_versions = self.int(v, &path),
            }
        }
        Some(expiration)
    }

    fn noncurrent_transitions(&mut self, value: &Value) -> Vec<NoncurrentTransition> {
        let known = &["NoncurrentDays", "NewerNoncurrentVersions", "StorageClass"];
        let mut transitions = Vec::new();
        for (i, item) in self.array(value, "NoncurrentVersionTransitions") {
            let base = format!("NoncurrentVersionTransitions[{i}]");
            let Some(fields) = self.object(item, &base, known) else {
                continue;
            };
            let mut transition = NoncurrentTransition::default();
            for (name, v) in fields {
                let path = join(&base, name);
                match name {
                    "NoncurrentDays" => transition.noncurrent_days = self.int(v, &path),
                    "NewerNoncurrentVersions" => {
                        transition.newer_noncurrent_versions = self.int(v, &path)
                    }
                    _ => transition.storage_class = self.string(v, &path),
                }
            }
            transitions.push(transition);
        }
        transitions
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// Go's strict RFC 3339 (`time.Time.UnmarshalJSON`): `2027-01-01T00:00:00Z`,
/// an optional fraction, `Z` or `±hh:mm`; a capital `T`, no date alone.
pub(crate) fn parse_rfc3339(text: &str) -> Option<jiff::Timestamp> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
    };
    let shape = bytes.len() >= 20
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10)
        && bytes[10] == b'T'
        && digits(11..13)
        && bytes[13] == b':'
        && digits(14..16)
        && bytes[16] == b':'
        && digits(17..19);
    if !shape {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let end = fraction
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(fraction.len());
        if end == 0 {
            return None;
        }
        rest = &fraction[end..];
    }
    let zone_ok = rest == "Z"
        || (rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && digits(text.len() - 5..text.len() - 3)
            && rest.as_bytes()[3] == b':'
            && digits(text.len() - 2..text.len()));
    if !zone_ok {
        return None;
    }
    text.parse().ok()
}
