//! What `kubectl dp perf` asks the API server: its version, the node count,
//! SparkApplications it submits and deletes (the port-forward to the Trino
//! coordinator is in `forward.rs`, pod metrics in `metrics.rs`).

use k8s_openapi::api::core::v1::Node;
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, PostParams};

use crate::cli::ClusterArgs;
use crate::error::{Error, Result};

use super::{Cluster, FIELD_MANAGER, resources};

/// The kubeconfig context a run used: `--context`, else the current one.
pub fn context_name(args: &ClusterArgs) -> Option<String> {
    if let Some(context) = &args.context {
        return Some(context.clone());
    }
    let config = match &args.kubeconfig {
        Some(path) => kube::config::Kubeconfig::read_from(path).ok()?,
        None => kube::config::Kubeconfig::read().ok()?,
    };
    config.current_context
}

impl Cluster {
    /// `v1.36.3`.
    pub async fn server_version(&self) -> Result<String> {
        match self.call(self.client.apiserver_version()).await? {
            Ok(info) => Ok(info.git_version),
            Err(e) => Err(self.object_error("get", "/version", e)),
        }
    }

    /// How many Nodes the cluster has (`None`-worthy errors are the caller's choice).
    pub async fn node_count(&self) -> Result<usize> {
        let listing = self.list_cluster::<Node>(&ListParams::default()).await?;
        if !listing.is_available() {
            return Err(Error::Api {
                what: "list nodes".into(),
                reason: listing.availability.describe(),
            });
        }
        Ok(listing.items.len())
    }

    /// Creates a SparkApplication (the name may be generated) and returns its name.
    pub async fn create_spark_application(
        &self,
        namespace: &str,
        manifest: &serde_json::Value,
    ) -> Result<String> {
        let api: Api<DynamicObject> = Api::namespaced_with(
            self.client.clone(),
            namespace,
            &resources::spark_application(),
        );
        let object: DynamicObject =
            serde_json::from_value(manifest.clone()).map_err(|e| Error::Api {
                what: "reading the SparkApplication manifest".into(),
                reason: e.to_string(),
            })?;
        let params = PostParams {
            dry_run: false,
            field_manager: Some(FIELD_MANAGER.into()),
        };
        match self.call(api.create(&params, &object)).await? {
            Ok(created) => Ok(created.metadata.name.unwrap_or_default()),
            Err(e) => Err(self.object_error(
                "create",
                &format!("sparkapplication in namespace {namespace}"),
                e,
            )),
        }
    }

    /// One SparkApplication; `None` when it does not exist.
    pub async fn spark_application(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<Option<crate::platform::crds::SparkApplication>> {
        let api: Api<DynamicObject> = Api::namespaced_with(
            self.client.clone(),
            namespace,
            &resources::spark_application(),
        );
        match self.call(api.get(name)).await? {
            Ok(object) => serde_json::to_value(object)
                .and_then(serde_json::from_value)
                .map(Some)
                .map_err(|e| Error::Api {
                    what: format!("reading sparkapplication {namespace}/{name}"),
                    reason: e.to_string(),
                }),
            Err(kube::Error::Api(status)) if status.code == 404 => Ok(None),
            Err(e) => {
                Err(self.object_error("get", &format!("sparkapplication {namespace}/{name}"), e))
            }
        }
    }

    /// Deletes a SparkApplication (already gone is fine).
    pub async fn delete_spark_application(&self, namespace: &str, name: &str) -> Result<()> {
        let api: Api<DynamicObject> = Api::namespaced_with(
            self.client.clone(),
            namespace,
            &resources::spark_application(),
        );
        match self
            .call(api.delete(name, &DeleteParams::background()))
            .await?
        {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(status)) if status.code == 404 => Ok(()),
            Err(e) => {
                Err(self.object_error("delete", &format!("sparkapplication {namespace}/{name}"), e))
            }
        }
    }
}
