//! Every write the suite makes, by verb (`apply`, `create`, `replace`,
//! `patch_merge`, `delete`), with one [`WriteMode`] and one policy for what a
//! refusal means:
//!
//! - a server-side apply conflict names the other field managers and fields
//!   ([`Error::Conflict`]; `--force-conflicts` takes them);
//! - an object that changed since it was read (a `resourceVersion` in the body
//!   that is no longer current) is [`Error::Changed`]: nothing was written;
//! - a create of a name that exists is [`Error::Exists`]: never a silent replace;
//! - 403 is [`Error::Forbidden`] naming the write role; anything else the
//!   server's message for that object.

use kube::api::{DeleteParams, Patch, PatchParams, PostParams, Preconditions};
use kube::core::Status;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

use super::get::{Target, names_the_object};
use super::{Cluster, FIELD_MANAGER, Kind};

/// How a write is made: persisted or only checked by the API server, whether
/// fields other managers own are taken, and as which field manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteMode {
    /// The API server checks the write (admission, validation, conflicts) and
    /// persists nothing (`--dry-run=server`).
    pub dry_run: bool,
    /// A server-side apply takes fields other managers own (`--force-conflicts`).
    pub force_conflicts: bool,
    /// The field manager recorded in `managedFields`.
    pub field_manager: &'static str,
}

impl Default for WriteMode {
    fn default() -> Self {
        WriteMode {
            dry_run: false,
            force_conflicts: false,
            field_manager: FIELD_MANAGER,
        }
    }
}

impl WriteMode {
    /// A persisted write as `kubectl-dp`; `force_conflicts` as the flag says.
    pub fn new(force_conflicts: bool) -> Self {
        WriteMode {
            force_conflicts,
            ..WriteMode::default()
        }
    }

    /// The same write as a server dry run.
    pub(crate) fn dry_run(self) -> Self {
        WriteMode {
            dry_run: true,
            ..self
        }
    }

    pub(super) fn apply_params(&self) -> PatchParams {
        let mut params = PatchParams::apply(self.field_manager);
        if self.force_conflicts {
            params = params.force();
        }
        params.dry_run = self.dry_run;
        params
    }

    fn patch_params(&self) -> PatchParams {
        PatchParams {
            dry_run: self.dry_run,
            field_manager: Some(self.field_manager.into()),
            ..PatchParams::default()
        }
    }

    fn post_params(&self) -> PostParams {
        PostParams {
            dry_run: self.dry_run,
            field_manager: Some(self.field_manager.into()),
        }
    }
}

/// What a delete found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    /// The object was deleted (or, in a dry run, would be).
    Deleted,
    /// It was gone already.
    Gone,
}

/// Only delete the object that was read: its uid and resourceVersion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Precondition {
    /// The uid read.
    pub uid: Option<String>,
    /// The resourceVersion read.
    pub resource_version: Option<String>,
}

impl Cluster {
    /// Server-side apply of `body` (a partial object: only the fields given are
    /// owned) to object `name` of kind `K`. A `metadata.resourceVersion` in the
    /// body makes it a write of exactly that version ([`Error::Changed`] otherwise).
    pub async fn apply<K: Kind>(
        &self,
        namespace: &str,
        name: &str,
        body: &impl Serialize,
        mode: WriteMode,
    ) -> Result<K> {
        let target = Target::of::<K>(namespace, name);
        let request = target
            .request()
            .patch(name, &mode.apply_params(), &Patch::Apply(body));
        self.write(&target, "apply", request).await
    }

    /// JSON merge patch of object `name` (`null` removes a key); a
    /// `metadata.resourceVersion` in the patch makes it conditional.
    pub(crate) async fn patch_merge<K: Kind>(
        &self,
        namespace: &str,
        name: &str,
        patch: &serde_json::Value,
        mode: WriteMode,
    ) -> Result<K> {
        let target = Target::of::<K>(namespace, name);
        let request = target
            .request()
            .patch(name, &mode.patch_params(), &Patch::Merge(patch));
        self.write(&target, "patch", request).await
    }

    /// Creates `body` (named by its `metadata.name`, or `metadata.generateName`):
    /// an object of that name that exists already is [`Error::Exists`].
    pub async fn create<K: Kind>(
        &self,
        namespace: &str,
        body: &impl Serialize,
        mode: WriteMode,
    ) -> Result<K> {
        let value = serde_json::to_value(body).map_err(|e| Error::Api {
            what: "building the object".into(),
            reason: e.to_string(),
        })?;
        let name = value
            .pointer("/metadata/name")
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .to_string();
        let shown = if name.is_empty() {
            value
                .pointer("/metadata/generateName")
                .and_then(|n| n.as_str())
                .map(|prefix| format!("{prefix}*"))
                .unwrap_or_default()
        } else {
            name
        };
        let target = Target::of::<K>(namespace, &shown);
        let bytes = serde_json::to_vec(&value).map_err(|e| Error::Api {
            what: "building the object".into(),
            reason: e.to_string(),
        })?;
        let request = target.request().create(&mode.post_params(), bytes);
        self.write(&target, "create", request).await
    }

    /// Replaces object `name` with `body` (PUT). The body's
    /// `metadata.resourceVersion` is required by the API server, so a change made
    /// since it was read is [`Error::Changed`], never overwritten.
    pub async fn replace<K: Kind>(
        &self,
        namespace: &str,
        name: &str,
        body: &impl Serialize,
        mode: WriteMode,
    ) -> Result<K> {
        self.replace_at(&Target::of::<K>(namespace, name), body, mode)
            .await
    }

    /// [`Cluster::replace`] of the object `target` names.
    pub(crate) async fn replace_at<T: DeserializeOwned>(
        &self,
        target: &Target<'_>,
        body: &impl Serialize,
        mode: WriteMode,
    ) -> Result<T> {
        let name = target.name;
        let bytes = serde_json::to_vec(body).map_err(|e| Error::Api {
            what: format!("building the update of {}", target.describe()),
            reason: e.to_string(),
        })?;
        let request = target.request().replace(name, &mode.post_params(), bytes);
        self.write(target, "update", request).await
    }

    /// Deletes object `name` (in the background: its dependents follow);
    /// `precondition` limits it to the object that was read.
    pub async fn delete<K: Kind>(
        &self,
        namespace: &str,
        name: &str,
        precondition: Option<Precondition>,
        mode: WriteMode,
    ) -> Result<Deleted> {
        self.delete_at(&Target::of::<K>(namespace, name), precondition, mode)
            .await
    }

    /// [`Cluster::delete`] of the object `target` names.
    pub(crate) async fn delete_at(
        &self,
        target: &Target<'_>,
        precondition: Option<Precondition>,
        mode: WriteMode,
    ) -> Result<Deleted> {
        let params = DeleteParams {
            dry_run: mode.dry_run,
            preconditions: precondition.map(|p| Preconditions {
                uid: p.uid,
                resource_version: p.resource_version,
            }),
            ..DeleteParams::background()
        };
        let request = target.request().delete(target.name, &params);
        match self
            .write::<serde_json::Value>(target, "delete", request)
            .await
        {
            Ok(_) => Ok(Deleted::Deleted),
            Err(Error::NotFound { .. }) => Ok(Deleted::Gone),
            Err(other) => Err(other),
        }
    }

    /// Sends one write and maps the answer by the module's policy.
    async fn write<T: DeserializeOwned>(
        &self,
        target: &Target<'_>,
        verb: &str,
        request: std::result::Result<http::Request<Vec<u8>>, kube::core::request::Error>,
    ) -> Result<T> {
        let request = request.map_err(|e| Error::Api {
            what: format!("building the {verb} of {}", target.describe()),
            reason: e.to_string(),
        })?;
        match self.call(self.client.request_text(request)).await? {
            Ok(text) => serde_json::from_str(&text).map_err(|e| Error::Api {
                what: format!("reading the answer to the {verb} of {}", target.describe()),
                reason: super::list::reason_without_values(&e.to_string()),
            }),
            Err(error) => Err(self.write_error(verb, target, error)),
        }
    }

    /// The one-line error for a refused write (see the module's policy).
    fn write_error(&self, verb: &str, target: &Target<'_>, error: kube::Error) -> Error {
        let object = target.describe();
        let kube::Error::Api(status) = &error else {
            return self.refused(verb, &object, error);
        };
        if let Some((managers, fields)) = conflict(status) {
            return conflict_error(object, &managers, &fields);
        }
        match (status.code, status.reason.as_str()) {
            (409, "AlreadyExists") => Error::Exists {
                object,
                hint: "it was created by someone else since it was read; nothing written; look at it and run the command again".into(),
            },
            (409, _) if is_stale(status) => Error::Changed {
                object,
                hint: "it was changed since it was read; nothing written; run the command again to see the new diff".into(),
            },
            (404, _) if names_the_object(status) => Error::NotFound {
                kind: target.resource.kind.clone(),
                name: target.name.to_string(),
                scope: target
                    .namespace
                    .map(|ns| format!(" in namespace {ns}"))
                    .unwrap_or_default(),
                hint: format!(
                    "kubectl get {}{}",
                    target.resource.plural,
                    target
                        .namespace
                        .map(|ns| format!(" -n {ns}"))
                        .unwrap_or_default()
                ),
            },
            (404, _) if !target.builtin => Error::Api {
                what: format!("{verb} {object}"),
                reason: format!(
                    "{}; is the {} CRD installed, and does the namespace exist?",
                    status.message, target.resource.kind
                ),
            },
            _ => self.refused(verb, &object, error),
        }
    }
}

/// An optimistic-concurrency failure: the `resourceVersion` (or uid) the write
/// carried is not the object's any more.
fn is_stale(status: &Status) -> bool {
    status.reason == "Conflict"
        && (status.message.contains("has been modified")
            || status.message.contains("Precondition failed"))
}

/// [`Error::Conflict`] from the managers and fields of a conflict.
fn conflict_error(object: String, managers: &[String], fields: &[String]) -> Error {
    let quoted: Vec<String> = managers.iter().map(|m| format!("\"{m}\"")).collect();
    let fields = if fields.is_empty() {
        "fields".to_string()
    } else {
        format!(
            "{} {}",
            if fields.len() == 1 { "field" } else { "fields" },
            fields.join(", ")
        )
    };
    Error::Conflict {
        object,
        managers: quoted.join(", "),
        fields: format!("{fields} {}", if quoted.len() == 1 { "is" } else { "are" }),
    }
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
    fn other_409s_are_no_field_conflict() {
        let exists = status(serde_json::json!({
            "code": 409, "reason": "AlreadyExists", "message": "configmaps \"x\" already exists"
        }));
        assert_eq!(conflict(&exists), None);
        let stale = status(serde_json::json!({
            "code": 409, "reason": "Conflict",
            "message": "Operation cannot be fulfilled on configmaps \"x\": the object has been modified; please apply your changes to the latest version and try again"
        }));
        assert_eq!(conflict(&stale), None);
        assert!(is_stale(&stale));
        let s = status(serde_json::json!({"code": 404, "message": "Apply failed with"}));
        assert_eq!(conflict(&s), None);
    }

    #[test]
    fn modes() {
        let mode = WriteMode::new(true);
        assert!(!mode.dry_run && mode.force_conflicts);
        assert_eq!(mode.field_manager, "kubectl-dp");
        let dry = mode.dry_run();
        assert!(dry.dry_run && dry.force_conflicts);
        assert!(dry.apply_params().force && dry.apply_params().dry_run);
        assert!(!WriteMode::default().apply_params().force);
    }
}
