//! Writes over several objects that complete or are undone. Each write that
//! went through is recorded with how to take it back: an object this run
//! created is deleted, an object it changed is put back exactly as it was read
//! (its data, labels, annotations and field ownership). Both are conditional on
//! the object being as this run left it (its uid and resourceVersion), so an
//! undo never overwrites a change someone made in between: that object is
//! named as not undone instead.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::discovery::ApiResource;
use serde::Serialize;

use crate::error::{Error, Result};

use super::get::Target;
use super::{Cluster, Kind, Precondition, WriteMode};

/// How to take one write back.
enum Revert {
    /// The run created it: delete it.
    Delete(Precondition),
    /// The run changed it into `written`: put back `previous` (as it was read).
    Restore {
        previous: serde_json::Value,
        written: serde_json::Value,
    },
}

/// One write of the run.
struct Step {
    resource: ApiResource,
    builtin: bool,
    namespace: String,
    name: String,
    revert: Revert,
}

impl Step {
    fn target(&self) -> Target<'_> {
        Target {
            resource: self.resource.clone(),
            builtin: self.builtin,
            namespace: Some(&self.namespace),
            name: &self.name,
        }
    }
}

/// The writes a run made so far, newest last.
#[derive(Default)]
pub struct Undo {
    steps: Vec<Step>,
}

/// The object without what the API server and controllers change on their
/// own (status, resourceVersion, generation, managedFields, timestamps).
fn content(object: &serde_json::Value) -> serde_json::Value {
    let mut object = object.clone();
    if let Some(fields) = object.as_object_mut() {
        fields.remove("status");
    }
    if let Some(meta) = object.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        for field in [
            "resourceVersion",
            "generation",
            "managedFields",
            "creationTimestamp",
            "uid",
        ] {
            meta.remove(field);
        }
    }
    object
}

/// Whether `current` holds everything `written` says (a model of the object
/// may leave fields out, or show them as null).
fn holds(current: &serde_json::Value, written: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (current, written) {
        (_, Value::Null) => true,
        (Value::Object(have), Value::Object(want)) => want
            .iter()
            .all(|(k, v)| v.is_null() || have.get(k).is_some_and(|h| holds(h, v))),
        (Value::Array(have), Value::Array(want)) => {
            have.len() == want.len() && have.iter().zip(want).all(|(h, w)| holds(h, w))
        }
        (have, want) => have == want,
    }
}

/// Puts `previous` back, conditional on the object being as this run wrote it.
/// A controller that only wrote its status since (a Deployment's, a quota's)
/// changed the resourceVersion, not the object: then the current version is used.
async fn restore(
    cluster: &Cluster,
    target: &Target<'_>,
    previous: &serde_json::Value,
    written: &serde_json::Value,
) -> Result<()> {
    match cluster
        .replace_at::<serde_json::Value>(target, previous, WriteMode::default())
        .await
    {
        Err(Error::Changed { .. }) => {}
        other => return other.map(|_| ()),
    }
    let current = cluster.get_opt_at::<serde_json::Value>(target).await?;
    let Some(current) = current.filter(|c| holds(&content(c), &content(written))) else {
        return Err(Error::Changed {
            object: target.describe(),
            hint: "someone changed it after this run wrote it; it was not put back".into(),
        });
    };
    let mut previous = previous.clone();
    previous["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"].clone();
    cluster
        .replace_at::<serde_json::Value>(target, &previous, WriteMode::default())
        .await
        .map(|_| ())
}

/// What undoing did.
#[derive(Debug, Default)]
pub struct Undone {
    /// The objects put back or deleted (`ResourceQuota ns/q (deleted: it was new)`).
    pub undone: Vec<String>,
    /// The objects that could not be undone, with why.
    pub failed: Vec<String>,
}

impl Undone {
    /// The end of an error message: `; undone: …` and `; NOT undone: …`.
    pub fn describe(&self) -> String {
        let mut text = String::new();
        if !self.undone.is_empty() {
            text.push_str(&format!("; undone: {}", self.undone.join(", ")));
        }
        if !self.failed.is_empty() {
            text.push_str(&format!(
                "; NOT undone (fix by hand): {}",
                self.failed.join(", ")
            ));
        }
        if text.is_empty() {
            text.push_str("; nothing had been written");
        }
        text
    }
}

impl Undo {
    /// No writes yet.
    pub fn new() -> Self {
        Undo::default()
    }

    /// Whether no write was recorded.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// `written` is an object of kind `K` this run created: undoing deletes it
    /// (that object: its uid; a controller may have written its status since).
    pub fn created<K: Kind>(&mut self, namespace: &str, written: &ObjectMeta) {
        self.steps.push(Step {
            resource: K::resource(),
            builtin: K::builtin(),
            namespace: namespace.to_string(),
            name: written.name.clone().unwrap_or_default(),
            revert: Revert::Delete(Precondition {
                uid: written.uid.clone(),
                resource_version: None,
            }),
        });
    }

    /// `previous` (an object of kind `K` as it was read) became `written`:
    /// undoing puts `previous` back.
    pub fn changed<K: Kind + Serialize>(
        &mut self,
        namespace: &str,
        previous: &impl Serialize,
        written: &K,
    ) -> Result<()> {
        self.changed_as(&K::resource(), K::builtin(), namespace, previous, written)
    }

    /// [`Undo::changed`] for a kind given by its API resource (a custom
    /// resource read as raw JSON).
    pub(crate) fn changed_as(
        &mut self,
        resource: &ApiResource,
        builtin: bool,
        namespace: &str,
        previous: &impl Serialize,
        written: &impl Serialize,
    ) -> Result<()> {
        let recorded = |e: serde_json::Error| Error::Api {
            what: "recording what to undo".into(),
            reason: e.to_string(),
        };
        let mut previous = serde_json::to_value(previous).map_err(recorded)?;
        let written_value = serde_json::to_value(written).map_err(recorded)?;
        let written: ObjectMeta =
            serde_json::from_value(written_value["metadata"].clone()).unwrap_or_default();
        // The put-back is conditional on the object being as this run left it.
        previous["metadata"]["resourceVersion"] =
            serde_json::json!(written.resource_version.clone().unwrap_or_default());
        if let Some(object) = previous.as_object_mut() {
            object.remove("status");
        }
        self.steps.push(Step {
            resource: resource.clone(),
            builtin,
            namespace: namespace.to_string(),
            name: written.name.clone().unwrap_or_default(),
            revert: Revert::Restore {
                previous,
                written: written_value,
            },
        });
        Ok(())
    }

    /// Takes back every recorded write, newest first, and says what it did.
    pub async fn undo(self, cluster: &Cluster) -> Undone {
        let mut undone = Undone::default();
        for step in self.steps.into_iter().rev() {
            let target = step.target();
            let name = target.describe();
            let outcome = match &step.revert {
                Revert::Delete(precondition) => cluster
                    .delete_at(&target, Some(precondition.clone()), WriteMode::default())
                    .await
                    .map(|_| format!("{name} (deleted: it was new)")),
                Revert::Restore { previous, written } => {
                    restore(cluster, &target, previous, written)
                        .await
                        .map(|_| format!("{name} (put back as it was)"))
                }
            };
            match outcome {
                Ok(line) => undone.undone.push(line),
                Err(e) => undone.failed.push(format!("{name}: {e}")),
            }
        }
        undone
    }

    /// Ends a failed run: undoes what went through and returns `error` with
    /// what was undone (and what could not be) named.
    pub async fn fail(self, cluster: &Cluster, error: Error) -> Error {
        let undone = self.undo(cluster).await;
        Error::Undone {
            cause: Box::new(error),
            undone: undone.describe(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_controller_writes_is_not_a_change() {
        let written = serde_json::json!({"metadata": {"name": "d", "resourceVersion": "5", "labels": null}, "spec": {"replicas": 2, "paused": null}});
        let current = serde_json::json!({"metadata": {"name": "d", "resourceVersion": "6", "generation": 2}, "spec": {"replicas": 2}, "status": {"readyReplicas": 1}});
        assert!(holds(&content(&current), &content(&written)));
        let edited = serde_json::json!({"metadata": {"name": "d"}, "spec": {"replicas": 3}});
        assert!(!holds(&content(&edited), &content(&written)));
    }

    #[test]
    fn undone_names_what_was_and_was_not_put_back() {
        let nothing = Undone::default();
        assert_eq!(nothing.describe(), "; nothing had been written");
        let some = Undone {
            undone: vec!["ResourceQuota ns/q (deleted: it was new)".into()],
            failed: vec!["ConfigMap ns/c: changed".into()],
        };
        assert_eq!(
            some.describe(),
            "; undone: ResourceQuota ns/q (deleted: it was new); NOT undone (fix by hand): ConfigMap ns/c: changed"
        );
    }

    #[test]
    fn a_restore_is_conditional_on_what_the_run_wrote() {
        let mut undo = Undo::new();
        let previous = serde_json::json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "resourceVersion": "5"},
            "data": {"a": "1"}, "status": {"x": 1}
        });
        let written = ObjectMeta {
            name: Some("c".into()),
            resource_version: Some("9".into()),
            ..ObjectMeta::default()
        };
        let written = k8s_openapi::api::core::v1::ConfigMap {
            metadata: written,
            ..Default::default()
        };
        undo.changed::<k8s_openapi::api::core::v1::ConfigMap>("ns", &previous, &written)
            .unwrap();
        let Revert::Restore { previous: body, .. } = &undo.steps[0].revert else {
            panic!("a restore");
        };
        assert_eq!(body["metadata"]["resourceVersion"], "9");
        assert_eq!(body["data"]["a"], "1");
        assert!(body.get("status").is_none());
        assert_eq!(undo.steps[0].target().describe(), "ConfigMap ns/c");
    }
}
