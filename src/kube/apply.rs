//! What every server-side apply the suite makes shares: the parameters (never
//! forced unless `--force-conflicts`), and the one-line error for a conflict
//! with another field manager (Flux, Argo CD, a person with `kubectl edit`).

use kube::api::PatchParams;
use kube::core::Status;

use crate::error::Error;

use super::{Cluster, FIELD_MANAGER};

/// Server-side apply as field manager `kubectl-dp`: `force` takes fields other
/// managers own (`--force-conflicts`), `dry_run` persists nothing.
pub(super) fn apply_params(dry_run: bool, force: bool) -> PatchParams {
    let mut params = PatchParams::apply(FIELD_MANAGER);
    if force {
        params = params.force();
    }
    params.dry_run = dry_run;
    params
}

/// The managers and fields of a server-side apply conflict (pure), from the
/// Status's causes, else from its message; `None` when it is no conflict.
pub fn conflict(status: &Status) -> Option<(Vec<String>, Vec<String>)> {
    if status.code != 409 {
        return None;
    }
    let mut managers: Vec<String> = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let causes = status.details.as_ref().map(|d| d.causes.as_slice());
    for cause in causes.unwrap_or_default() {
        if cause.reason != "FieldManagerConflict" {
            continue;
        }
        if let Some(manager) = quoted(&cause.message) {
            add(&mut managers, manager);
        }
        add(&mut fields, cause.field.clone());
    }
    if managers.is_empty() {
        // "Apply failed with 2 conflicts: conflicts with \"flux\" using v1:\n- .data.a\n- .data.b"
        // or "Apply failed with 1 conflict: conflict with \"flux\" using v1: .data.a".
        if !status.message.starts_with("Apply failed with") {
            return None;
        }
        for line in status.message.lines() {
            if let Some(field) = line.strip_prefix("- ") {
                add(&mut fields, field.trim().to_string());
            } else if let Some(at) = line.find("with \"") {
                if let Some(manager) = quoted(&line[at..]) {
                    add(&mut managers, manager);
                }
                if let Some((_, field)) = line.rsplit_once(": ")
                    && field.starts_with('.')
                {
                    add(&mut fields, field.trim().to_string());
                }
            }
        }
    }
    (!managers.is_empty()).then_some((managers, fields))
}

/// Adds `item` to `list` once (an empty one never).
fn add(list: &mut Vec<String>, item: String) {
    if !item.is_empty() && !list.contains(&item) {
        list.push(item);
    }
}

/// The first `"…"` in `text`, without the quotes.
fn quoted(text: &str) -> Option<String> {
    let start = text.find('"')? + 1;
    let len = text[start..].find('"')?;
    Some(text[start..start + len].to_string())
}

impl Cluster {
    /// The one-line error for a failed write of `object`: a server-side apply
    /// conflict names the other managers and the fields, anything else as
    /// [`Cluster::object_error`].
    pub(super) fn write_error(&self, verb: &str, object: &str, error: kube::Error) -> Error {
        if let kube::Error::Api(status) = &error
            && let Some((managers, fields)) = conflict(status)
        {
            let managers: Vec<String> = managers.iter().map(|m| format!("\"{m}\"")).collect();
            let fields = if fields.is_empty() {
                "fields".to_string()
            } else {
                format!(
                    "{} {}",
                    if fields.len() == 1 { "field" } else { "fields" },
                    fields.join(", ")
                )
            };
            return Error::Conflict {
                object: object.to_string(),
                managers: managers.join(", "),
                fields: format!(
                    "{fields} {}",
                    if managers.len() == 1 { "is" } else { "are" }
                ),
            };
        }
        self.object_error(verb, object, error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(value: serde_json::Value) -> Status {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn managers_and_fields_from_the_causes() {
        let s = status(serde_json::json!({
            "status": "Failure", "code": 409, "reason": "Conflict",
            "message": "Apply failed with 2 conflicts: conflicts with \"flux\" using v1:\n- .data.a\n- .data.b",
            "details": {"causes": [
                {"reason": "FieldManagerConflict", "message": "conflict with \"flux\" using v1", "field": ".data.a"},
                {"reason": "FieldManagerConflict", "message": "conflict with \"flux\" using v1", "field": ".data.b"},
                {"reason": "FieldManagerConflict", "message": "conflict with \"kubectl-edit\" with subresource \"\" using v1", "field": ".data.c"}
            ]}
        }));
        let (managers, fields) = conflict(&s).unwrap();
        assert_eq!(managers, ["flux", "kubectl-edit"]);
        assert_eq!(fields, [".data.a", ".data.b", ".data.c"]);
    }

    #[test]
    fn managers_and_fields_from_the_message_alone() {
        let s = status(serde_json::json!({
            "code": 409, "reason": "Conflict",
            "message": "Apply failed with 1 conflict: conflict with \"flux\" using v1: .data.config.properties"
        }));
        assert_eq!(
            conflict(&s).unwrap(),
            (
                vec!["flux".to_string()],
                vec![".data.config.properties".to_string()]
            )
        );
        let s = status(serde_json::json!({
            "code": 409, "reason": "Conflict",
            "message": "Apply failed with 2 conflicts: conflicts with \"argocd-controller\" using apps/v1:\n- .spec.replicas\n- .spec.template"
        }));
        assert_eq!(
            conflict(&s).unwrap().1,
            [".spec.replicas", ".spec.template"]
        );
    }

    #[test]
    fn other_409s_are_no_conflict() {
        let s = status(serde_json::json!({
            "code": 409, "reason": "AlreadyExists", "message": "configmaps \"x\" already exists"
        }));
        assert_eq!(conflict(&s), None);
        let s = status(serde_json::json!({"code": 404, "message": "Apply failed with"}));
        assert_eq!(conflict(&s), None);
    }
}
