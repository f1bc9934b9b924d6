//! The rule's scope: `Filter` or the legacy `Prefix`, the filter's own form
//! (S3's union of Prefix, Tag, And and object sizes), its tags and sizes.

use std::collections::BTreeSet;

use super::super::{Filter, LifecycleRule, Tag};
use super::Checker;

impl Checker {
    /// `Filter` or the legacy `Prefix`, and the filter's own form.
    pub(super) fn scope(&mut self, rule: &LifecycleRule) {
        match (&rule.filter, &rule.prefix) {
            (Some(_), Some(prefix)) => self.refused_by_s3(
                "Prefix",
                format!("'{prefix}' is given beside Filter"),
                "accepts it but ignores this Prefix, so the rule applies to everything the Filter selects",
                "move the prefix into Filter.Prefix (or Filter.And.Prefix) and remove the top-level Prefix",
            ),
            (None, None) => self.refused(
                "Filter",
                "MalformedXML",
                "is missing, and so is Prefix".into(),
                "add \"Filter\": {} for the whole bucket, or \"Filter\": {\"Prefix\": \"logs/\"}",
            ),
            _ => {}
        }
        if let Some(filter) = &rule.filter {
            self.filter(filter);
            let has_tags =
                filter.tag.is_some() || filter.and.as_ref().is_some_and(|a| !a.tags.is_empty());
            if has_tags {
                let eodm = rule
                    .expiration
                    .as_ref()
                    .and_then(|e| e.expired_object_delete_marker)
                    == Some(true);
                if rule.abort_incomplete_multipart_upload.is_some() || eodm {
                    let action = if eodm {
                        "Expiration.ExpiredObjectDeleteMarker"
                    } else {
                        "AbortIncompleteMultipartUpload"
                    };
                    self.refused(
                        action,
                        "InvalidRequest",
                        "is combined with a tag filter (uploads and delete markers have no tags)"
                            .into(),
                        "move this action into a rule without tags in its filter",
                    );
                }
            }
        }
    }

    fn filter(&mut self, filter: &Filter) {
        let members: Vec<&str> = [
            ("Prefix", filter.prefix.is_some()),
            ("Tag", filter.tag.is_some()),
            ("And", filter.and.is_some()),
            (
                "ObjectSizeGreaterThan",
                filter.object_size_greater_than.is_some(),
            ),
            ("ObjectSizeLessThan", filter.object_size_less_than.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect();
        if members.len() > 1 {
            self.refused_by_s3(
                "Filter",
                format!("has {} together; S3 takes exactly one of Prefix, Tag, ObjectSizeGreaterThan, ObjectSizeLessThan or And", members.join(" and ")),
                "accepts it but reads only And when And is there, and otherwise combines Prefix and Tag",
                "put the conditions together in Filter.And",
            );
        }
        if let Some(tag) = &filter.tag {
            self.tag(tag, "Filter.Tag");
        }
        self.sizes(
            "Filter",
            filter.object_size_greater_than,
            filter.object_size_less_than,
        );
        if let Some(and) = &filter.and {
            let mut keys = BTreeSet::new();
            for (i, tag) in and.tags.iter().enumerate() {
                let path = format!("Filter.And.Tags[{i}]");
                self.tag(tag, &path);
                if let Some(key) = tag.key.as_deref().filter(|k| !k.is_empty())
                    && !keys.insert(key)
                {
                    self.refused_by_s3(
                        &format!("{path}.Key"),
                        format!(
                            "'{key}' is a tag key used twice; tag keys in a filter must be unique"
                        ),
                        "accepts it and requires both values at once, which no object can have",
                        "keep one tag per key",
                    );
                }
            }
            self.sizes(
                "Filter.And",
                and.object_size_greater_than,
                and.object_size_less_than,
            );
        }
    }

    fn tag(&mut self, tag: &Tag, path: &str) {
        match tag.key.as_deref() {
            None => self.unsendable(
                &format!("{path}.Key"),
                None,
                "is missing".into(),
                "give the tag a Key",
            ),
            Some("") => self.unsendable(
                &format!("{path}.Key"),
                None,
                "is empty".into(),
                "give the tag a non-empty Key",
            ),
            Some(_) => {}
        }
        if tag.value.is_none() {
            self.unsendable(
                &format!("{path}.Value"),
                None,
                "is missing".into(),
                "give the tag a Value (\"\" for a tag without one)",
            );
        }
    }

    fn sizes(&mut self, path: &str, greater: Option<i64>, less: Option<i64>) {
        let instead = "ignores object size filters altogether (RGW 17.2 and later read them), so the rule applies to objects of every size";
        for (name, value) in [
            ("ObjectSizeGreaterThan", greater),
            ("ObjectSizeLessThan", less),
        ] {
            if let Some(v) = value.filter(|v| *v < 0) {
                self.refused_by_s3(
                    &format!("{path}.{name}"),
                    format!("is {v} bytes"),
                    instead,
                    "write a size of 0 bytes or more",
                );
            }
        }
        if let (Some(g), Some(l)) = (greater, less)
            && l <= g
        {
            self.refused_by_s3(
                &format!("{path}.ObjectSizeLessThan"),
                format!("is {l}, not above ObjectSizeGreaterThan {g}, so no object fits"),
                instead,
                "make ObjectSizeLessThan larger than ObjectSizeGreaterThan",
            );
        }
    }
}
