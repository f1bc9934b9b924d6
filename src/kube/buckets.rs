//! Single-object reads and the writes `kubectl dp buckets` makes: one claim, its
//! ObjectBucket, Secret and ConfigMap, server-side apply and delete of a claim.

use k8s_openapi::api::core::v1::{ConfigMap, Event, Secret};
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, Patch};
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::platform::crds::{ObjectBucket, ObjectBucketClaim};

use super::apply::apply_params;
use super::{Cluster, FIELD_MANAGER, Listing, Scope, resources};

impl Cluster {
    /// GET that turns 404 into `None` and 403 into a one-line error.
    async fn get_opt_api<K>(
        &self,
        api: &Api<K>,
        name: &str,
        resource: &str,
        scope: &str,
    ) -> Result<Option<K>>
    where
        K: Clone + DeserializeOwned + std::fmt::Debug,
    {
        match self.call(api.get(name)).await? {
            Ok(object) => Ok(Some(object)),
            Err(kube::Error::Api(status)) if status.code == 404 => Ok(None),
            Err(other) => {
                Err(self.object_error("get", &format!("{resource} {name}{scope}"), other))
            }
        }
    }

    /// One ObjectBucketClaim; `None` when it does not exist.
    pub async fn bucket_claim(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<Option<ObjectBucketClaim>> {
        let api: Api<DynamicObject> = Api::namespaced_with(
            self.client.clone(),
            namespace,
            &resources::object_bucket_claim(),
        );
        let object = self
            .get_opt_api(
                &api,
                name,
                "objectbucketclaim",
                &format!(" in namespace {namespace}"),
            )
            .await?;
        object.map(convert).transpose()
    }

    /// One ObjectBucket (cluster-scoped); `None` when it does not exist.
    pub async fn object_bucket(&self, name: &str) -> Result<Option<ObjectBucket>> {
        let api: Api<DynamicObject> =
            Api::all_with(self.client.clone(), &resources::object_bucket());
        let object = self.get_opt_api(&api, name, "objectbucket", "").await?;
        object.map(convert).transpose()
    }

    /// One ConfigMap; `None` when it does not exist.
    pub async fn config_map(&self, namespace: &str, name: &str) -> Result<Option<ConfigMap>> {
        self.get_namespaced_object(namespace, name).await
    }

    /// One Secret; `None` when it does not exist (the value is never logged).
    pub async fn secret(&self, namespace: &str, name: &str) -> Result<Option<Secret>> {
        self.get_namespaced_object(namespace, name).await
    }

    /// Events about one object, oldest first.
    pub async fn events_for(
        &self,
        namespace: &str,
        kind: &str,
        name: &str,
    ) -> Result<Listing<Event>> {
        let params = ListParams::default().fields(&format!(
            "involvedObject.kind={kind},involvedObject.name={name}"
        ));
        let mut listing = self
            .list::<Event>(&Scope::Namespace(namespace.to_string()), &params)
            .await?;
        listing.items.sort_by_key(|e| {
            e.last_timestamp
                .as_ref()
                .map(|t| t.0.as_second())
                .unwrap_or_default()
        });
        Ok(listing)
    }

    /// Server-side apply of a claim (field manager `kubectl-dp`), optionally as a
    /// server dry run; `force` takes fields another field manager owns.
    pub async fn apply_bucket_claim(
        &self,
        namespace: &str,
        claim: &serde_json::Value,
        dry_run: bool,
        force: bool,
    ) -> Result<ObjectBucketClaim> {
        let resource = resources::object_bucket_claim();
        let api: Api<DynamicObject> =
            Api::namespaced_with(self.client.clone(), namespace, &resource);
        let params = apply_params(dry_run, force);
        let name = claim["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let written = if name.is_empty() {
            // generateName cannot be applied: create it instead.
            let object: DynamicObject =
                serde_json::from_value(claim.clone()).map_err(|e| Error::Api {
                    what: "building the claim".into(),
                    reason: e.to_string(),
                })?;
            let post = kube::api::PostParams {
                dry_run,
                field_manager: Some(FIELD_MANAGER.into()),
            };
            self.call(api.create(&post, &object)).await?
        } else {
            self.call(api.patch(&name, &params, &Patch::Apply(claim)))
                .await?
        };
        match written {
            Ok(object) => convert(object),
            Err(kube::Error::Api(status)) if status.code == 403 => Err(Error::Forbidden {
                user: self.user.clone(),
                verb: "create".into(),
                resource: "objectbucketclaims".into(),
                scope: format!(" in namespace {namespace}"),
            }),
            Err(kube::Error::Api(status)) if status.code == 404 => Err(Error::Api {
                what: format!("creating objectbucketclaim {name} in namespace {namespace}"),
                reason: format!(
                    "{}; is the ObjectBucketClaim CRD installed (Rook-Ceph) and does the namespace exist?",
                    status.message
                ),
            }),
            Err(kube::Error::Api(status)) if super::apply::conflict(&status).is_some() => Err(self
                .write_error(
                    "apply",
                    &format!("ObjectBucketClaim {namespace}/{name}"),
                    kube::Error::Api(status),
                )),
            Err(other) => Err(Error::Api {
                what: format!("applying objectbucketclaim {name} in namespace {namespace}"),
                reason: other.to_string(),
            }),
        }
    }

    /// Deletes an ObjectBucketClaim (Rook then deletes or keeps its bucket),
    /// optionally as a server dry run.
    pub async fn delete_bucket_claim(
        &self,
        namespace: &str,
        name: &str,
        dry_run: bool,
    ) -> Result<()> {
        let api: Api<DynamicObject> = Api::namespaced_with(
            self.client.clone(),
            namespace,
            &resources::object_bucket_claim(),
        );
        match self
            .call(api.delete(
                name,
                &DeleteParams {
                    dry_run,
                    ..DeleteParams::default()
                },
            ))
            .await?
        {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(status)) if status.code == 403 => Err(Error::Forbidden {
                user: self.user.clone(),
                verb: "delete".into(),
                resource: format!("objectbucketclaim {name}"),
                scope: format!(" in namespace {namespace}"),
            }),
            Err(other) => Err(Error::Api {
                what: format!("deleting objectbucketclaim {name} in namespace {namespace}"),
                reason: other.to_string(),
            }),
        }
    }
}

fn convert<T: DeserializeOwned>(object: DynamicObject) -> Result<T> {
    serde_json::to_value(object)
        .and_then(serde_json::from_value)
        .map_err(|e| Error::Api {
            what: "reading the object".into(),
            reason: e.to_string(),
        })
}
