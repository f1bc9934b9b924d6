//! What `kubectl dp tune plan` proposes: one [`Change`] per setting, each with the
//! rule and the numbers behind it, plus findings it cannot fix by itself.

use serde::Serialize;

use crate::findings::ObjectRef;
pub use crate::platform::rules::proposal::{Edit, Profile, Proposal};

/// The `kind` of `kubectl dp tune plan -o json`.
pub(crate) const KIND: &str = "TunePlan";

/// One proposed setting.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// The object changed.
    pub object: ObjectRef,
    /// The ConfigMap key (`jvm.config`, `iceberg.properties`) or `spec.sparkConf`.
    pub file: String,
    /// The setting (`-Xmx`, `query.max-memory-per-node`).
    pub setting: String,
    /// The line in the file, when it already has the setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The value now (absent: not set).
    pub current: Option<String>,
    /// `None` removes the setting.
    pub proposed: Option<String>,
    /// The rule that proposes it (`jvm.heap-share`).
    pub rule: String,
    /// Why, with the numbers.
    pub reason: String,
    /// How to make the change (not in JSON).
    #[serde(skip)]
    pub edit: Option<Edit>,
}

/// A problem the plan reports but does not change (garbage lines, downloads at start).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    /// The object it is about.
    pub object: ObjectRef,
    /// The file, when it is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The line in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// A stable code for the note.
    pub code: String,
    /// What the plan cannot fix by itself, and what to do.
    pub message: String,
}

/// Attaches a rule's proposal to an object and a file.
pub(crate) trait IntoChange {
    /// The change `tune` shows and applies.
    fn into_change(self, object: &ObjectRef, file: &str) -> Change;
}

impl IntoChange for Proposal {
    fn into_change(self, object: &ObjectRef, file: &str) -> Change {
        debug_assert!(
            crate::platform::rules::is_tune_rule(self.rule),
            "tune rule {} is not in the rule catalogue (src/platform/rules/mod.rs)",
            self.rule
        );
        Change {
            object: object.clone(),
            file: file.to_string(),
            setting: self.setting,
            line: self.line,
            current: self.current,
            proposed: self.proposed,
            rule: self.rule.to_string(),
            reason: self.reason,
            edit: Some(self.edit),
        }
    }
}

/// Everything the plan proposes, in the JSON/YAML schema.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// The namespace planned for.
    pub namespace: String,
    /// The profile used.
    pub profile: Profile,
    /// Every proposed change.
    pub changes: Vec<Change>,
    /// What the plan cannot fix by itself.
    pub notes: Vec<Note>,
}
