//! The Warning events that say what conditions do not.

use k8s_openapi::api::core::v1::Event;

use crate::snapshot::Snapshot;

/// The most recent Warning event of an object of `kind` in `namespace` whose
/// name passes `name`.
pub(super) fn latest_event<'s>(
    snapshot: &'s Snapshot,
    kind: &str,
    namespace: &str,
    name: impl Fn(&str) -> bool,
) -> Option<&'s Event> {
    snapshot
        .events
        .items
        .iter()
        .filter(|e| {
            e.type_.as_deref() == Some("Warning")
                && e.involved_object.kind.as_deref() == Some(kind)
                && e.involved_object
                    .namespace
                    .as_deref()
                    .or(e.metadata.namespace.as_deref())
                    == Some(namespace)
                && e.involved_object.name.as_deref().is_some_and(&name)
        })
        .max_by_key(|e| event_time(e))
}

pub(super) fn event_time(e: &Event) -> Option<jiff::Timestamp> {
    e.last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| e.event_time.as_ref().map(|t| t.0))
        .or_else(|| e.first_timestamp.as_ref().map(|t| t.0))
        .or_else(|| e.metadata.creation_timestamp.as_ref().map(|t| t.0))
}

/// `FailedScheduling: 0/3 nodes ... (x12)`
pub(super) fn describe_event(e: &Event) -> String {
    let count = e
        .count
        .or_else(|| e.series.as_ref().and_then(|s| s.count))
        .filter(|c| *c > 1)
        .map(|c| format!(" (x{c})"))
        .unwrap_or_default();
    format!(
        "{}: {}{count}",
        e.reason.as_deref().unwrap_or("Warning"),
        first_line(e.message.as_deref().unwrap_or(""))
            // The event recorder's prefix when it folds similar events into one.
            .trim_start_matches("(combined from similar events): ")
    )
}

pub(super) fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim()
}
