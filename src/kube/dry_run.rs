//! Server-side dry runs of manifests, as `kubectl apply --server-side
//! --dry-run=server` makes them: the API server validates each object against its
//! schema (a CRD's OpenAPI schema included) and runs admission, and stores
//! nothing. `quota check` counts only what the server would accept.

use std::collections::BTreeMap;

use kube::Resource;
use kube::api::{Api, DynamicObject, GroupVersionKind, Patch, PostParams, ValidationDirective};
use kube::discovery::{ApiCapabilities, ApiResource, Scope};
use serde_json::Value;

use crate::error::Result;

use super::{Cluster, WriteMode};

/// What the API server said about one object.
#[derive(Debug, Clone, PartialEq)]
pub enum DryRun {
    /// Accepted: the object as the server would store it (defaults filled in).
    Accepted(Value),
    /// Refused by validation or admission: the server's message.
    Rejected(String),
    /// The server could not judge it (this user may not write it, its namespace
    /// does not exist yet, the server failed): why.
    NotChecked(String),
}

/// A kind as discovery found it: `None` when the server does not serve it.
type Served = Option<(ApiResource, ApiCapabilities)>;

impl Cluster {
    /// Dry-runs each object (server-side apply, forced, so other field managers
    /// never make it fail; a create for an object with only `generateName`).
    /// Objects without a namespace go to `default_namespace` when their kind is
    /// namespaced. Fails only when the server cannot be reached.
    pub(crate) async fn dry_run_apply(
        &self,
        objects: &[Value],
        default_namespace: &str,
    ) -> Result<Vec<DryRun>> {
        let mut kinds: BTreeMap<(String, String), Served> = BTreeMap::new();
        let mut out = Vec::with_capacity(objects.len());
        for object in objects {
            let api_version = object
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let kind = object
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if api_version.is_empty() || kind.is_empty() {
                out.push(DryRun::Rejected(
                    "the object has no apiVersion or kind".into(),
                ));
                continue;
            }
            let key = (api_version.to_string(), kind.to_string());
            if !kinds.contains_key(&key) {
                let served = self.discover(api_version, kind).await?;
                kinds.insert(key.clone(), served);
            }
            let Some((resource, caps)) = kinds.get(&key).cloned().flatten() else {
                out.push(DryRun::Rejected(format!(
                    "no kind {kind} is served in {api_version}: is its CRD installed?"
                )));
                continue;
            };
            out.push(
                self.dry_run_one(object, &resource, &caps, default_namespace)
                    .await?,
            );
        }
        Ok(out)
    }

    /// The resource serving `kind` in `api_version`, `None` when none does.
    async fn discover(&self, api_version: &str, kind: &str) -> Result<Served> {
        let (group, version) = match api_version.split_once('/') {
            Some((group, version)) => (group, version),
            None => ("", api_version),
        };
        let gvk = GroupVersionKind::gvk(group, version, kind);
        let client = self.client.clone();
        let found = self
            .call(async move {
                match kube::discovery::pinned_kind(&client, &gvk).await {
                    // A kind missing from a served group: not an error of the call.
                    Err(kube::Error::Discovery(_)) => Ok(None),
                    other => other.map(Some),
                }
            })
            .await?;
        match found {
            Ok(served) => Ok(served),
            // The group/version is not served at all.
            Err(kube::Error::Api(status)) if status.code == 404 => Ok(None),
            Err(other) => Err(self.refused("discover", &format!("{kind} {api_version}"), other)),
        }
    }

    /// Like `kubectl apply --dry-run=server`: a dry-run create (the whole object
    /// validated against the schema), and for an object that exists already a
    /// forced server-side apply; both with strict field validation, so an unknown
    /// field is refused rather than dropped.
    async fn dry_run_one(
        &self,
        object: &Value,
        resource: &ApiResource,
        caps: &ApiCapabilities,
        default_namespace: &str,
    ) -> Result<DryRun> {
        let meta = object.get("metadata");
        let field = |name: &str| {
            meta.and_then(|m| m.get(name))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        };
        let namespace = match caps.scope {
            Scope::Namespaced => Some(field("namespace").unwrap_or(default_namespace)),
            Scope::Cluster => None,
        };
        let url = DynamicObject::url_path(resource, namespace);
        let created = match self.create_dry_run(&url, object).await? {
            Err(kube::Error::Api(status))
                if status.code == 409 && status.reason == "AlreadyExists" =>
            {
                None
            }
            other => Some(other),
        };
        let outcome = match (created, field("name")) {
            (Some(outcome), _) => outcome,
            (None, Some(name)) => {
                let api: Api<DynamicObject> = match namespace {
                    Some(ns) => Api::namespaced_with(self.client.clone(), ns, resource),
                    None => Api::all_with(self.client.clone(), resource),
                };
                let mut params = WriteMode::new(true).dry_run().apply_params();
                params.field_validation = Some(ValidationDirective::Strict);
                self.call(api.patch(name, &params, &Patch::Apply(object)))
                    .await?
            }
            (None, None) => return Ok(DryRun::Rejected("the object has no name".into())),
        };
        Ok(match outcome {
            Ok(accepted) => DryRun::Accepted(serde_json::to_value(accepted).unwrap_or_default()),
            Err(kube::Error::Api(status)) => judge(status.code, status.reason, status.message),
            Err(other) => DryRun::NotChecked(other.to_string()),
        })
    }

    /// `POST url?dryRun=All&fieldValidation=Strict` (kube's PostParams has no
    /// field validation).
    async fn create_dry_run(
        &self,
        url: &str,
        object: &Value,
    ) -> Result<kube::Result<DynamicObject>> {
        let params = PostParams {
            dry_run: true,
            field_manager: Some(super::FIELD_MANAGER.into()),
        };
        let body = serde_json::to_vec(object).unwrap_or_default();
        let mut request = match kube::core::Request::new(url).create(&params, body) {
            Ok(request) => request,
            Err(e) => return Ok(Err(kube::Error::BuildRequest(e))),
        };
        // The URI kube built plus one query parameter parses as well as it did.
        if let Ok(uri) = format!("{}&fieldValidation=Strict", request.uri()).parse() {
            *request.uri_mut() = uri;
        }
        self.call(self.client.request::<DynamicObject>(request))
            .await
    }
}

/// Whether an error answer is the server refusing the object (validation,
/// admission) or not judging it at all (RBAC, a namespace not there yet, a
/// failing server).
fn judge(code: u16, reason: String, message: String) -> DryRun {
    let rbac = code == 403 && message.contains(" cannot ") && message.contains("User \"");
    let missing_namespace = code == 404 && message.starts_with("namespaces ");
    // A server-side apply whose fields have the wrong types comes back as a 500.
    let typed = message.starts_with("failed to create typed patch object");
    if rbac {
        // Without the object's name, so that one note covers every object of a kind.
        let why = message
            .split_once("is forbidden: ")
            .map_or(message.as_str(), |(_, rest)| rest);
        DryRun::NotChecked(format!("forbidden: {why}"))
    } else if missing_namespace || (code >= 500 && !typed) || code == 429 {
        let why = if reason.is_empty() {
            message
        } else {
            format!("{reason}: {message}")
        };
        DryRun::NotChecked(why)
    } else {
        DryRun::Rejected(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_and_answers_that_judge_nothing() {
        let schema = "SparkApplication.sparkoperator.k8s.io \"x\" is invalid: spec.driver: Invalid value: \"integer\": spec.driver in body must be of type object: \"integer\"";
        assert_eq!(
            judge(422, "Invalid".into(), schema.into()),
            DryRun::Rejected(schema.into())
        );
        // Server-side apply answers wrong types with a 500.
        let typed = "failed to create typed patch object (dp/x; sparkoperator.k8s.io/v1beta2, Kind=SparkApplication): errors:\n  .spec.driver: expected map, got &{5}";
        assert_eq!(
            judge(500, "".into(), typed.into()),
            DryRun::Rejected(typed.into())
        );
        let admission = "pods \"p\" is forbidden: violates PodSecurity \"restricted:latest\": runAsNonRoot != true";
        assert_eq!(
            judge(403, "Forbidden".into(), admission.into()),
            DryRun::Rejected(admission.into())
        );
        let rbac = "deployments.apps \"d\" is forbidden: User \"ci\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"dp\"";
        assert_eq!(
            judge(403, "Forbidden".into(), rbac.into()),
            DryRun::NotChecked("forbidden: User \"ci\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"dp\"".into())
        );
        assert!(matches!(
            judge(
                404,
                "NotFound".into(),
                "namespaces \"new\" not found".into()
            ),
            DryRun::NotChecked(_)
        ));
        assert!(matches!(
            judge(500, "InternalError".into(), "failed calling webhook".into()),
            DryRun::NotChecked(_)
        ));
    }
}
