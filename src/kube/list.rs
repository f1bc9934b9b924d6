use std::fmt::Debug;

use k8s_openapi::ClusterResourceScope;
use kube::api::{Api, DynamicObject, ListParams};
use kube::discovery::ApiResource;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Result;

use super::{Cluster, Namespaced};

/// Which namespaces a command reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "namespace")]
pub enum Scope {
    /// Every namespace (`-A`).
    All,
    /// One namespace (`-n`, or the context's).
    Namespace(String),
}

impl Scope {
    /// Whether objects in `namespace` are in scope.
    pub(crate) fn includes(&self, namespace: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Namespace(ns) => ns == namespace,
        }
    }

    /// `all namespaces` or `namespace NAME`, for messages.
    pub fn describe(&self) -> String {
        match self {
            Scope::All => "all namespaces".into(),
            Scope::Namespace(ns) => format!("namespace {ns}"),
        }
    }
}

/// Whether a list could be read. A missing CRD or a forbidden read is an answer
/// about one section, not a failed command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase", tag = "state", content = "reason")]
pub enum Availability {
    /// The list was read in full.
    #[default]
    Available,
    /// The resource type is not served (its CRD is not installed).
    NotInstalled,
    /// RBAC forbids the read.
    Forbidden(String),
    /// The API server answered with another error.
    Failed(String),
}

impl Availability {
    /// In words, for a skipped section: `not installed`, `forbidden: …`.
    pub fn describe(&self) -> String {
        match self {
            Availability::Available => "available".into(),
            Availability::NotInstalled => "not installed".into(),
            Availability::Forbidden(reason) => format!("forbidden: {reason}"),
            Availability::Failed(reason) => reason.clone(),
        }
    }
}

/// One object of a list that could not be decoded (a field nested too deep, a
/// field of the wrong type): it is named and reported, never silently dropped,
/// and never fails the rest of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Undecodable {
    /// The plural of the resource (`objectbucketclaims`).
    pub resource: String,
    /// Its namespace, when it has one and it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Its name (`?` when even that could not be read).
    pub name: String,
    /// Why it could not be decoded (serde's message, no object content).
    pub reason: String,
}

impl Undecodable {
    /// `objectbucketclaims ns/name`, for messages.
    pub fn describe(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.resource, self.name),
            None => format!("{} {}", self.resource, self.name),
        }
    }

    /// One line for a command's notes or warnings.
    pub fn message(&self) -> String {
        format!(
            "{} could not be read and was left out: {}",
            self.describe(),
            self.reason
        )
    }

    /// Names an object from its raw JSON. Unknown fields are skipped without
    /// recursion, so even a deeply nested object yields its name.
    pub(super) fn from_raw(resource: &str, raw: &str, reason: impl std::fmt::Display) -> Self {
        #[derive(serde::Deserialize, Default)]
        struct Meta {
            name: Option<String>,
            namespace: Option<String>,
        }
        #[derive(serde::Deserialize, Default)]
        struct Named {
            #[serde(default)]
            metadata: Meta,
        }
        let named: Named = serde_json::from_str(raw).unwrap_or_default();
        Undecodable {
            resource: resource.to_string(),
            namespace: named.metadata.namespace,
            name: named.metadata.name.unwrap_or_else(|| "?".into()),
            reason: reason_without_values(&reason.to_string()),
        }
    }
}

/// The items of one list call (all pages), or why there are none.
#[derive(Debug, Clone, Default)]
pub struct Listing<T> {
    /// The objects read (all pages).
    pub items: Vec<T>,
    /// Whether the list could be read, and if not why.
    pub availability: Availability,
    /// Objects of the list that could not be decoded (left out of `items`).
    pub undecodable: Vec<Undecodable>,
}

/// A decode error without the values it quotes (`invalid type: string "…"`):
/// a wrong-typed field may hold a credential.
pub fn reason_without_values(error: &str) -> String {
    let mut out = String::with_capacity(error.len());
    let mut quoted = false;
    for c in error.chars() {
        if c == '"' {
            if !quoted {
                out.push_str("\"…\"");
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

impl<T> Listing<T> {
    /// A listing of `items` that was read in full.
    pub fn available(items: Vec<T>) -> Self {
        Listing {
            items,
            availability: Availability::Available,
            undecodable: Vec::new(),
        }
    }

    /// The list was read in full.
    pub(crate) fn is_available(&self) -> bool {
        self.availability == Availability::Available
    }

    /// RBAC forbade the list.
    pub(crate) fn is_forbidden(&self) -> bool {
        matches!(self.availability, Availability::Forbidden(_))
    }

    /// The items of a list the command cannot do without: a list that could not
    /// be read (CRD missing, forbidden, API error) becomes the one error every
    /// command reports for it. `what` is the plural as kubectl says it (`configmaps`).
    pub(crate) fn require(self, what: &str, scope: &Scope) -> Result<Vec<T>> {
        let (reason, hint) = match self.availability {
            Availability::Available => return Ok(self.items),
            Availability::NotInstalled => (
                "the API server does not serve them (their CRD is not installed)".to_string(),
                "install the operator that provides them, or check the cluster with `kubectl api-resources`".to_string(),
            ),
            Availability::Forbidden(reason) => (
                format!("forbidden: {reason}"),
                crate::error::rbac_hint("list"),
            ),
            Availability::Failed(reason) => (
                reason,
                "check the API server (`kubectl get --raw /readyz`) and retry".to_string(),
            ),
        };
        Err(crate::error::Error::Unreadable {
            what: what.to_string(),
            scope: scope.describe(),
            reason,
            hint,
        })
    }
}

impl Cluster {
    /// Lists a namespaced built-in kind in the scope, following `continue` tokens.
    pub async fn list<K>(&self, scope: &Scope, params: &ListParams) -> Result<Listing<K>>
    where
        K: Namespaced,
    {
        self.paginate::<K, K>(&self.api_in(scope), params, K::plural(&()).as_ref(), true)
            .await
    }

    /// The API of a namespaced built-in kind in the scope.
    pub(super) fn api_in<K: Namespaced>(&self, scope: &Scope) -> Api<K> {
        match scope {
            Scope::All => Api::all(self.client.clone()),
            Scope::Namespace(ns) => Api::namespaced(self.client.clone(), ns),
        }
    }

    /// Lists a cluster-scoped built-in kind (nodes, namespaces).
    pub(crate) async fn list_cluster<K>(&self, params: &ListParams) -> Result<Listing<K>>
    where
        K: kube::Resource<Scope = ClusterResourceScope, DynamicType = ()>
            + Clone
            + DeserializeOwned
            + Debug,
    {
        let api: Api<K> = Api::all(self.client.clone());
        self.paginate::<K, K>(&api, params, K::plural(&()).as_ref(), true)
            .await
    }

    /// Lists a custom resource and converts each object into our own model type.
    /// `scope` is `None` for cluster-scoped kinds.
    pub(crate) async fn list_custom<T: DeserializeOwned>(
        &self,
        resource: &ApiResource,
        scope: Option<&Scope>,
        params: &ListParams,
    ) -> Result<Listing<T>> {
        let api: Api<DynamicObject> = match scope {
            Some(Scope::Namespace(ns)) => Api::namespaced_with(self.client.clone(), ns, resource),
            Some(Scope::All) | None => Api::all_with(self.client.clone(), resource),
        };
        let listing: Listing<serde_json::Value> =
            self.paginate(&api, params, &resource.plural, false).await?;
        let mut items = Vec::with_capacity(listing.items.len());
        let mut undecodable = listing.undecodable;
        for value in listing.items {
            // An object our model cannot read (a hand-edited CR with wrong types)
            // is named and left out rather than failing the whole section.
            let name = |field: &str| {
                value
                    .pointer(&format!("/metadata/{field}"))
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let (namespace, object_name) = (name("namespace"), name("name"));
            match T::deserialize(&value) {
                Ok(item) => items.push(item),
                Err(e) => {
                    let skipped = Undecodable {
                        resource: resource.plural.clone(),
                        namespace,
                        name: object_name.unwrap_or_else(|| "?".into()),
                        reason: reason_without_values(&e.to_string()),
                    };
                    tracing::warn!("{}", skipped.message());
                    undecodable.push(skipped);
                }
            }
        }
        Ok(Listing {
            items,
            availability: listing.availability,
            undecodable,
        })
    }
}

impl Cluster {
    /// Names of the namespaces the user may list (for shell completion).
    pub(crate) async fn namespace_names(&self) -> Result<Vec<String>> {
        let listing = self
            .list_cluster::<k8s_openapi::api::core::v1::Namespace>(&ListParams::default())
            .await?;
        Ok(listing
            .items
            .into_iter()
            .filter_map(|n| n.metadata.name)
            .collect())
    }
}

impl Cluster {
    /// Events about one object, oldest first.
    pub(crate) async fn events_for(
        &self,
        namespace: &str,
        kind: &str,
        name: &str,
    ) -> Result<Listing<k8s_openapi::api::core::v1::Event>> {
        let params = ListParams::default().fields(&format!(
            "involvedObject.kind={kind},involvedObject.name={name}"
        ));
        let mut listing = self
            .list::<k8s_openapi::api::core::v1::Event>(
                &Scope::Namespace(namespace.to_string()),
                &params,
            )
            .await?;
        listing.items.sort_by_key(|e| {
            e.last_timestamp
                .as_ref()
                .map(|t| t.0.as_second())
                .unwrap_or_default()
        });
        Ok(listing)
    }

    /// Names of one custom resource's objects in a namespace (for shell completion);
    /// empty when the kind is not installed or not readable.
    pub(crate) async fn custom_object_names(
        &self,
        resource: &ApiResource,
        namespace: &str,
    ) -> Result<Vec<String>> {
        let api: Api<DynamicObject> =
            Api::namespaced_with(self.client.clone(), namespace, resource);
        let listing: Listing<DynamicObject> = self
            .paginate(&api, &ListParams::default(), &resource.plural, false)
            .await?;
        Ok(listing
            .items
            .into_iter()
            .filter_map(|o| o.metadata.name)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_errors_never_quote_values() {
        let reason =
            reason_without_values("invalid type: string \"hunter2\", expected a map at line 1");
        assert_eq!(
            reason,
            "invalid type: string \"…\", expected a map at line 1"
        );
        let named = Undecodable::from_raw(
            "sparkapplications",
            r#"{"metadata":{"name":"a","namespace":"n"},"spec":{"sparkConf":"hunter2"}}"#,
            "invalid type: string \"hunter2\", expected a map",
        );
        assert_eq!(named.describe(), "sparkapplications n/a");
        assert!(!named.message().contains("hunter2"));
        let deep = format!("{}{{}}{}", "{\"a\":".repeat(500), "}".repeat(500));
        let unnamed = Undecodable::from_raw("objectbucketclaims", &deep, "recursion limit");
        assert_eq!(unnamed.name, "?");
    }
}
