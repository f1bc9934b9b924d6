//! The valid documents, the document and rule level, and values of the wrong
//! JSON type (see the parent module).

use super::{Accepts, Case, INVALID, MALFORMED, acting, case, one};

pub(super) fn valid() -> Vec<Case> {
    let many: Vec<String> = (0..1000)
        .map(|i| {
            format!(
                r#"{{"ID":"r{i:04}","Status":"Enabled","Filter":{{}},"Expiration":{{"Days":1}}}}"#
            )
        })
        .collect();
    vec![
        case("valid-reference", r#"{"Rules":[{"ID":"abort-multipart","Status":"Enabled","Prefix":"","AbortIncompleteMultipartUpload":{"DaysAfterInitiation":1}},{"ID":"expire-30d","Status":"Enabled","Prefix":"","Expiration":{"Days":30}}]}"#.into(), &[], Accepts),
        case("valid-every-action", one(r#""Filter":{"And":{"Prefix":"raw/","Tags":[{"Key":"tier","Value":"bronze"},{"Key":"team","Value":"data"}]}},"Expiration":{"Days":30},"Transitions":[{"Days":7,"StorageClass":"STANDARD"}],"NoncurrentVersionExpiration":{"NoncurrentDays":7,"NewerNoncurrentVersions":3},"NoncurrentVersionTransitions":[{"NoncurrentDays":1,"StorageClass":"STANDARD"}]"#), &[], Accepts),
        case("valid-days-largest", acting(r#""Expiration":{"Days":2147483647}"#), &[], Accepts),
        case("valid-date", acting(r#""Expiration":{"Date":"2027-01-01T00:00:00Z"}"#), &[], Accepts),
        case("valid-date-offset-midnight-utc", acting(r#""Expiration":{"Date":"2027-01-01T02:00:00+02:00"}"#), &[], Accepts),
        case("valid-delete-markers", acting(r#""Expiration":{"ExpiredObjectDeleteMarker":true}"#), &[], Accepts),
        case("valid-delete-marker-false-beside-action", acting(r#""Expiration":{"ExpiredObjectDeleteMarker":false},"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":1}"#), &[], Accepts),
        case("valid-disabled", r#"{"Rules":[{"ID":"r","Status":"Disabled","Filter":{},"Expiration":{"Days":1}}]}"#.into(), &[], Accepts),
        case("valid-legacy-prefix", one(r#""Prefix":"logs/","Expiration":{"Days":1}"#), &[], Accepts),
        case("valid-filter-prefix", one(r#""Filter":{"Prefix":"logs/"},"Expiration":{"Days":1}"#), &[], Accepts),
        case("valid-filter-tag", one(r#""Filter":{"Tag":{"Key":"tier","Value":""}},"Expiration":{"Days":1}"#), &[], Accepts),
        case("valid-filter-size", one(r#""Filter":{"ObjectSizeGreaterThan":1024},"Expiration":{"Days":1}"#), &[], Accepts),
        case("valid-transition-days-0", acting(r#""Transitions":[{"Days":0,"StorageClass":"STANDARD"}]"#), &[], Accepts),
        case("valid-lowercase-keys", r#"{"rules":[{"id":"r","status":"Enabled","filter":{},"expiration":{"days":1}}]}"#.into(), &[], Accepts),
        case("valid-null-is-absent", one(r#""Prefix":null,"Filter":{},"Expiration":{"Days":1,"Date":null}"#), &[], Accepts),
        case("valid-id-255-bytes", format!(r#"{{"Rules":[{{"ID":"{}","Status":"Enabled","Filter":{{}},"Expiration":{{"Days":1}}}}]}}"#, "a".repeat(255)), &[], Accepts),
        case("valid-1000-rules", format!(r#"{{"Rules":[{}]}}"#, many.join(",")), &[], Accepts),
    ]
}

pub(super) fn document_and_rule() -> Vec<Case> {
    let too_many: Vec<String> = (0..1001)
        .map(|i| {
            format!(
                r#"{{"ID":"r{i:04}","Status":"Enabled","Filter":{{}},"Expiration":{{"Days":1}}}}"#
            )
        })
        .collect();
    let rule = |id: &str| {
        format!(r#"{{"ID":"{id}","Status":"Enabled","Filter":{{}},"Expiration":{{"Days":1}}}}"#)
    };
    vec![
        case("not-json", "{not json".into(), &[""], MALFORMED),
        case("not-an-object", "[]".into(), &[""], MALFORMED),
        case("rules-missing", "{}".into(), &["Rules"], MALFORMED),
        case(
            "rules-empty",
            r#"{"Rules":[]}"#.into(),
            &["Rules"],
            MALFORMED,
        ),
        case(
            "rules-1001",
            format!(r#"{{"Rules":[{}]}}"#, too_many.join(",")),
            &["Rules"],
            MALFORMED,
        ),
        case(
            "rule-null",
            r#"{"Rules":[null]}"#.into(),
            &["Rules[0]"],
            MALFORMED,
        ),
        case(
            "id-256-bytes",
            format!(r#"{{"Rules":[{}]}}"#, rule(&"a".repeat(256))),
            &["Rules[0].ID"],
            INVALID,
        ),
        case(
            "id-over-255-bytes-multibyte",
            format!(r#"{{"Rules":[{}]}}"#, rule(&"é".repeat(200))),
            &["Rules[0].ID"],
            INVALID,
        ),
        case(
            "id-duplicate",
            format!(r#"{{"Rules":[{},{}]}}"#, rule("same"), rule("same")),
            &["Rules[1].ID"],
            INVALID,
        ),
        case(
            "id-missing",
            r#"{"Rules":[{"Status":"Enabled","Filter":{},"Expiration":{"Days":1}}]}"#.into(),
            &["Rules[0].ID"],
            Accepts,
        ),
        case(
            "id-empty-twice",
            format!(r#"{{"Rules":[{},{}]}}"#, rule(""), rule("")),
            &["Rules[0].ID", "Rules[1].ID"],
            Accepts,
        ),
        case(
            "status-missing",
            r#"{"Rules":[{"ID":"r","Filter":{},"Expiration":{"Days":1}}]}"#.into(),
            &["Rules[0].Status"],
            MALFORMED,
        ),
        case(
            "status-lowercase",
            r#"{"Rules":[{"ID":"r","Status":"enabled","Filter":{},"Expiration":{"Days":1}}]}"#
                .into(),
            &["Rules[0].Status"],
            MALFORMED,
        ),
        case("no-action", one(r#""Filter":{}"#), &["Rules[0]"], MALFORMED),
    ]
}

/// Values of the wrong JSON type, and keys Rook does not know.
pub(super) fn values() -> Vec<Case> {
    vec![
        case(
            "days-fraction",
            acting(r#""Expiration":{"Days":1.5}"#),
            &["Rules[0].Expiration.Days"],
            Accepts,
        ),
        case(
            "days-string",
            acting(r#""Expiration":{"Days":"7"}"#),
            &["Rules[0].Expiration.Days"],
            Accepts,
        ),
        case(
            "days-exponent",
            acting(r#""Expiration":{"Days":1e3}"#),
            &["Rules[0].Expiration.Days"],
            Accepts,
        ),
        case(
            "days-beyond-int64",
            acting(r#""Expiration":{"Days":99999999999999999999}"#),
            &["Rules[0].Expiration.Days"],
            INVALID,
        ),
        case(
            "date-day-only",
            acting(r#""Expiration":{"Date":"2027-01-01"}"#),
            &["Rules[0].Expiration.Date"],
            Accepts,
        ),
        case(
            "delete-marker-string",
            acting(r#""Expiration":{"ExpiredObjectDeleteMarker":"true"}"#),
            &["Rules[0].Expiration.ExpiredObjectDeleteMarker"],
            Accepts,
        ),
        case(
            "id-number",
            r#"{"Rules":[{"ID":7,"Status":"Enabled","Filter":{},"Expiration":{"Days":1}}]}"#.into(),
            &["Rules[0].ID"],
            Accepts,
        ),
        case(
            "expiration-string",
            acting(r#""Expiration":"30""#),
            &["Rules[0].Expiration"],
            MALFORMED,
        ),
        case(
            "transitions-object",
            acting(r#""Transitions":{"Days":30,"StorageClass":"STANDARD"}"#),
            &["Rules[0].Transitions"],
            Accepts,
        ),
        case(
            "ignored-field",
            acting(
                r#""Expiraton":{"Days":30},"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":1}"#,
            ),
            &["Rules[0].Expiraton"],
            Accepts,
        ),
    ]
}
