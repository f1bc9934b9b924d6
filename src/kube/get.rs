//! Reading one object by name, with one policy for what the answer means:
//!
//! - found: the object, decoded (a field our model cannot read is an error that
//!   names the object, never its values);
//! - 404 for the object (the server names it): it does not exist;
//! - 404 for the kind (the server does not serve the type): a custom kind's CRD
//!   is not installed; for a built-in kind the server is not a Kubernetes API
//!   server (`Error::NotKubernetes`);
//! - 403 and every other refusal: [`Cluster::get_opt`] fails with one line
//!   (`forbidden: alice cannot get ConfigMap ns/x; needs ...`), while
//!   [`Cluster::fetch`] answers `Unknown` with the same reason, for optional
//!   context a command can do without.
//!
//! Transport failures (unreachable, timeout, 401) end the command in both.

use kube::api::{DynamicObject, GetParams};
use kube::core::Status;
use kube::discovery::ApiResource;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

use super::{Cluster, Kind};

/// One object read by name, or why it is not known.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched<K> {
    /// It exists.
    Found(K),
    /// The API server says it does not exist.
    Absent,
    /// It could not be read (forbidden, an error): its existence is not known.
    Unknown(String),
}

impl<K> Fetched<K> {
    /// The object when it was found; `None` when absent or not known.
    pub fn found(self) -> Option<K> {
        match self {
            Fetched::Found(object) => Some(object),
            Fetched::Absent | Fetched::Unknown(_) => None,
        }
    }
}

/// One object of a kind: where it is, for requests and for messages.
#[derive(Debug, Clone)]
pub(crate) struct Target<'a> {
    pub(crate) resource: ApiResource,
    pub(crate) builtin: bool,
    pub(crate) namespace: Option<&'a str>,
    pub(crate) name: &'a str,
}

impl<'a> Target<'a> {
    /// Object `name` of kind `K` (in `namespace` when the kind is namespaced).
    pub(crate) fn of<K: Kind>(namespace: &'a str, name: &'a str) -> Self {
        Target {
            resource: K::resource(),
            builtin: K::builtin(),
            namespace: K::namespaced().then_some(namespace),
            name,
        }
    }

    /// Object `name` of a custom resource given by its API resource.
    pub(crate) fn custom(resource: &ApiResource, namespace: &'a str, name: &'a str) -> Self {
        Target {
            resource: resource.clone(),
            builtin: false,
            namespace: Some(namespace),
            name,
        }
    }

    /// `ConfigMap data-platform/trino`, for messages.
    pub(crate) fn describe(&self) -> String {
        match self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.resource.kind, self.name),
            None => format!("{} {}", self.resource.kind, self.name),
        }
    }

    /// The collection's path (`/api/v1/namespaces/ns/configmaps`).
    pub(crate) fn collection(&self) -> String {
        <DynamicObject as kube::Resource>::url_path(&self.resource, self.namespace)
    }

    /// The request builder of the collection.
    pub(crate) fn request(&self) -> kube::core::Request {
        kube::core::Request::new(self.collection())
    }
}

/// Why one object could not be read, before a caller decides whether that
/// ends the command ([`Cluster::get_opt`]) or is an answer ([`Cluster::fetch`]).
enum Refusal {
    /// The API server refused (403, 5xx, ...).
    Api(Box<Status>),
    /// The server does not serve the custom kind: its CRD is not installed.
    NotServed,
    /// The object came back but our model cannot read it (the reason quotes no value).
    Undecodable(String),
}

/// A 404 is about the object when the server names it in the Status details; a
/// 404 without a name is for the path (a type the server does not serve).
pub(crate) fn names_the_object(status: &Status) -> bool {
    status.reason == "NotFound"
        && status
            .details
            .as_ref()
            .is_some_and(|details| !details.name.is_empty())
}

impl Cluster {
    /// One object of kind `K`: `None` when it does not exist; any refusal
    /// (forbidden, not installed, an error) is the command's error.
    pub(crate) async fn get_opt<K: Kind>(&self, namespace: &str, name: &str) -> Result<Option<K>> {
        self.get_opt_at(&Target::of::<K>(namespace, name)).await
    }

    /// [`Cluster::get_opt`] for a custom resource read as `T` (raw JSON, or a
    /// model that is not a [`Kind`]).
    pub(crate) async fn get_opt_as<T: DeserializeOwned>(
        &self,
        resource: &ApiResource,
        namespace: &str,
        name: &str,
    ) -> Result<Option<T>> {
        self.get_opt_at(&Target::custom(resource, namespace, name))
            .await
    }

    /// One object of kind `K` that must exist: absent is [`Error::NotFound`].
    pub async fn get<K: Kind>(&self, namespace: &str, name: &str) -> Result<K> {
        let target = Target::of::<K>(namespace, name);
        self.get_opt_at(&target).await?.ok_or_else(|| {
            let kind = target.resource.kind.clone();
            Error::NotFound {
                hint: format!(
                    "kubectl get {}{}",
                    target.resource.plural,
                    target
                        .namespace
                        .map(|ns| format!(" -n {ns}"))
                        .unwrap_or_default()
                ),
                kind,
                name: name.to_string(),
                scope: target
                    .namespace
                    .map(|ns| format!(" in namespace {ns}"))
                    .unwrap_or_default(),
            }
        })
    }

    /// One object read for context a command can do without: found, absent, or
    /// not known and why (a forbidden read is an answer, not a failure).
    pub async fn fetch<K: Kind>(&self, namespace: &str, name: &str) -> Result<Fetched<K>> {
        let target = Target::of::<K>(namespace, name);
        Ok(match self.read::<K>(&target).await? {
            Ok(Some(object)) => Fetched::Found(object),
            Ok(None) => Fetched::Absent,
            Err(Refusal::Api(status)) if status.code == 403 => Fetched::Unknown(format!(
                "{} cannot get {}{}",
                self.user,
                target.resource.plural,
                target
                    .namespace
                    .map(|ns| format!(" in namespace {ns}"))
                    .unwrap_or_default()
            )),
            Err(Refusal::Api(status)) => Fetched::Unknown(format!(
                "reading {}: {}",
                target.describe(),
                super::list::reason_without_values(&status.message)
            )),
            Err(Refusal::NotServed) => Fetched::Unknown(format!(
                "{} are not served (their CRD is not installed)",
                target.resource.plural
            )),
            Err(Refusal::Undecodable(reason)) => {
                Fetched::Unknown(format!("{} could not be read: {reason}", target.describe()))
            }
        })
    }

    /// Whether a namespace exists: `Some(false)` only when the API server itself
    /// says it does not, `None` when the user may not read namespaces (a
    /// namespaced Role) so it cannot be told.
    pub(crate) async fn namespace_exists(&self, name: &str) -> Result<Option<bool>> {
        let target = Target::of::<k8s_openapi::api::core::v1::Namespace>("", name);
        Ok(
            match self
                .read::<k8s_openapi::api::core::v1::Namespace>(&target)
                .await?
            {
                Ok(found) => Some(found.is_some()),
                Err(_) => None,
            },
        )
    }

    /// The API server's version (`v1.36.3`).
    pub(crate) async fn server_version(&self) -> Result<String> {
        match self.call(self.client.apiserver_version()).await? {
            Ok(info) => Ok(info.git_version),
            Err(e) => Err(self.refused("get", "/version", e)),
        }
    }

    pub(crate) async fn get_opt_at<T: DeserializeOwned>(
        &self,
        target: &Target<'_>,
    ) -> Result<Option<T>> {
        match self.read::<T>(target).await? {
            Ok(found) => Ok(found),
            Err(Refusal::Api(status)) => {
                Err(self.refused("get", &target.describe(), kube::Error::Api(status)))
            }
            Err(Refusal::NotServed) => Err(Error::Unreadable {
                what: target.resource.plural.clone(),
                scope: target
                    .namespace
                    .map(|ns| format!("namespace {ns}"))
                    .unwrap_or_else(|| "the cluster".into()),
                reason: "the API server does not serve them (their CRD is not installed)".into(),
                hint: "install the operator that provides them, or check the cluster with `kubectl api-resources`".into(),
            }),
            Err(Refusal::Undecodable(reason)) => Err(Error::Api {
                what: format!("reading {}", target.describe()),
                reason,
            }),
        }
    }

    /// The one GET: the object, `None` when absent, or why it was refused.
    async fn read<T: DeserializeOwned>(
        &self,
        target: &Target<'_>,
    ) -> Result<std::result::Result<Option<T>, Refusal>> {
        let request = target
            .request()
            .get(target.name, &GetParams::default())
            .map_err(|e| Error::Usage(e.to_string()))?;
        match self.call(self.client.request_text(request)).await? {
            Ok(text) => {
                if target.builtin && target.resource.kind == "Secret" {
                    crate::redact::learn_secret_object(&text);
                }
                Ok(serde_json::from_str(&text).map(Some).map_err(|e| {
                    Refusal::Undecodable(super::list::reason_without_values(&e.to_string()))
                }))
            }
            Err(kube::Error::Api(status)) if status.code == 404 => {
                if names_the_object(&status) {
                    Ok(Ok(None))
                } else if target.builtin {
                    Err(Error::NotKubernetes {
                        server: self.server.clone(),
                        path: format!("{}/{}", target.collection(), target.name),
                    })
                } else {
                    Ok(Err(Refusal::NotServed))
                }
            }
            Err(kube::Error::Api(status)) => Ok(Err(Refusal::Api(status))),
            Err(other) => Ok(Err(Refusal::Api(
                Status::failure(&other.to_string(), "ClientError")
                    .with_code(0)
                    .boxed(),
            ))),
        }
    }

    /// The one-line error for a refused read or write of one object: 403 is
    /// [`Error::Forbidden`] (naming the role that grants it), anything else
    /// [`Error::Api`] with the server's message.
    pub(crate) fn refused(&self, verb: &str, object: &str, error: kube::Error) -> Error {
        match error {
            kube::Error::Api(status) if status.code == 403 => Error::Forbidden {
                user: self.user.clone(),
                verb: verb.into(),
                resource: object.to_string(),
                scope: String::new(),
            },
            kube::Error::Api(status) => Error::Api {
                what: format!("{verb} {object}"),
                reason: status.message,
            },
            other => Error::Api {
                what: format!("{verb} {object}"),
                reason: other.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::ConfigMap;

    fn status(value: serde_json::Value) -> Status {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_404_names_the_object_or_the_path() {
        let object = status(serde_json::json!({
            "code": 404, "reason": "NotFound", "message": "configmaps \"x\" not found",
            "details": {"name": "x", "kind": "configmaps"}
        }));
        assert!(names_the_object(&object));
        let path = status(serde_json::json!({
            "code": 404, "reason": "NotFound",
            "message": "the server could not find the requested resource", "details": {}
        }));
        assert!(!names_the_object(&path));
        let proxy = status(
            serde_json::json!({"code": 404, "reason": "Failed to parse error data", "message": "404 page not found"}),
        );
        assert!(!names_the_object(&proxy));
    }

    #[test]
    fn targets_name_and_locate_objects() {
        let cm = Target::of::<ConfigMap>("ns", "trino");
        assert_eq!(cm.describe(), "ConfigMap ns/trino");
        assert_eq!(cm.collection(), "/api/v1/namespaces/ns/configmaps");
        let ob = Target::of::<crate::platform::crds::ObjectBucket>("ns", "obc-ns-x");
        assert_eq!(ob.describe(), "ObjectBucket obc-ns-x");
        assert_eq!(
            ob.collection(),
            "/apis/objectbucket.io/v1alpha1/objectbuckets"
        );
    }
}
