//! The writes `kubectl dp tune` makes: server-side apply of ConfigMap files,
//! merge patches of SparkApplications, backups, rollback and restarts.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams, PostParams};

use crate::error::{Error, Result};

use super::apply::apply_params;
use super::{Cluster, FIELD_MANAGER, resources};

/// The label that marks `tune apply`'s backup ConfigMaps.
pub const BACKUP_LABEL: &str = "kubectl-dp.io/tune-backup";

impl Cluster {
    /// Server-side applies `data` (only the keys given) to ConfigMap `name`;
    /// `force` takes keys another field manager owns (`--force-conflicts`).
    pub async fn apply_config_map_data(
        &self,
        namespace: &str,
        name: &str,
        data: &BTreeMap<String, String>,
        dry_run: bool,
        force: bool,
    ) -> Result<()> {
        let api: Api<ConfigMap> = Api::namespaced(self.client.clone(), namespace);
        let body = serde_json::json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": namespace},
            "data": data,
        });
        self.call(api.patch(name, &apply_params(dry_run, force), &Patch::Apply(&body)))
            .await?
            .map(|_| ())
            .map_err(|e| self.write_error("apply", &format!("ConfigMap {namespace}/{name}"), e))
    }

    /// JSON merge patch of a SparkApplication's spec (a `null` value removes a key).
    pub async fn patch_spark_application(
        &self,
        namespace: &str,
        name: &str,
        spec: &serde_json::Value,
        dry_run: bool,
    ) -> Result<()> {
        let resource = resources::spark_application();
        let api: Api<DynamicObject> =
            Api::namespaced_with(self.client.clone(), namespace, &resource);
        let params = PatchParams {
            dry_run,
            field_manager: Some(FIELD_MANAGER.into()),
            ..Default::default()
        };
        let body = serde_json::json!({ "spec": spec });
        self.call(api.patch(name, &params, &Patch::Merge(&body)))
            .await?
            .map(|_| ())
            .map_err(|e| {
                self.object_error("patch", &format!("SparkApplication {namespace}/{name}"), e)
            })
    }

    /// A SparkApplication's `spec` as JSON, `None` when it does not exist.
    pub async fn spark_application_spec(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<Option<serde_json::Value>> {
        let resource = resources::spark_application();
        let api: Api<DynamicObject> =
            Api::namespaced_with(self.client.clone(), namespace, &resource);
        self.call(api.get_opt(name))
            .await?
            .map(|found| found.map(|o| o.data["spec"].clone()))
            .map_err(|e| {
                self.object_error("get", &format!("SparkApplication {namespace}/{name}"), e)
            })
    }

    /// Creates the backup ConfigMap that `tune rollback` restores from.
    pub async fn create_backup(
        &self,
        namespace: &str,
        name: &str,
        data: BTreeMap<String, String>,
        dry_run: bool,
    ) -> Result<()> {
        let api: Api<ConfigMap> = Api::namespaced(self.client.clone(), namespace);
        let backup: ConfigMap = serde_json::from_value(serde_json::json!({
            "metadata": {
                "name": name,
                "namespace": namespace,
                "labels": {BACKUP_LABEL: "true", "app.kubernetes.io/managed-by": FIELD_MANAGER},
            },
            "data": data,
        }))
        .map_err(|e| Error::Config(e.to_string()))?;
        let params = PostParams {
            dry_run,
            field_manager: Some(FIELD_MANAGER.into()),
        };
        self.call(api.create(&params, &backup))
            .await?
            .map(|_| ())
            .map_err(|e| {
                self.object_error("create", &format!("backup ConfigMap {namespace}/{name}"), e)
            })
    }

    /// The tune backups in a namespace, oldest first.
    pub async fn backups(&self, namespace: &str) -> Result<Vec<ConfigMap>> {
        let api: Api<ConfigMap> = Api::namespaced(self.client.clone(), namespace);
        let params = kube::api::ListParams::default().labels(&format!("{BACKUP_LABEL}=true"));
        let mut items = self
            .call(api.list(&params))
            .await?
            .map_err(|e| {
                self.object_error(
                    "list",
                    &format!("tune backup ConfigMaps in namespace {namespace}"),
                    e,
                )
            })?
            .items;
        items.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
        Ok(items)
    }

    /// Replaces a ConfigMap (keeping its metadata and resourceVersion, so a
    /// change made since it was read fails with a conflict) with `data` exactly.
    pub async fn replace_config_map(&self, cm: &ConfigMap, dry_run: bool) -> Result<()> {
        let namespace = cm.metadata.namespace.clone().unwrap_or_default();
        let name = cm.metadata.name.clone().unwrap_or_default();
        let api: Api<ConfigMap> = Api::namespaced(self.client.clone(), &namespace);
        let params = PostParams {
            dry_run,
            field_manager: Some(FIELD_MANAGER.into()),
        };
        self.call(api.replace(&name, &params, cm))
            .await?
            .map(|_| ())
            .map_err(|e| self.object_error("update", &format!("ConfigMap {namespace}/{name}"), e))
    }

    /// Deletes a ConfigMap (a used backup).
    pub async fn delete_config_map(&self, namespace: &str, name: &str) -> Result<()> {
        let api: Api<ConfigMap> = Api::namespaced(self.client.clone(), namespace);
        self.call(api.delete(name, &DeleteParams::default()))
            .await?
            .map(|_| ())
            .map_err(|e| self.object_error("delete", &format!("ConfigMap {namespace}/{name}"), e))
    }

    /// Rolls a Deployment like `kubectl rollout restart` (a template annotation).
    pub async fn restart_deployment(&self, namespace: &str, name: &str, at: &str) -> Result<()> {
        let api: Api<Deployment> = Api::namespaced(self.client.clone(), namespace);
        let body = serde_json::json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": at}}}}});
        let params = PatchParams {
            field_manager: Some(FIELD_MANAGER.into()),
            ..Default::default()
        };
        self.call(api.patch(name, &params, &Patch::Merge(&body)))
            .await?
            .map(|_| ())
            .map_err(|e| self.object_error("patch", &format!("Deployment {namespace}/{name}"), e))
    }

    /// One Deployment that `tune` resizes or restarts; an error when missing.
    pub async fn tune_deployment(&self, namespace: &str, name: &str) -> Result<Deployment> {
        let api: Api<Deployment> = Api::namespaced(self.client.clone(), namespace);
        self.call(api.get(name))
            .await?
            .map_err(|e| self.object_error("get", &format!("Deployment {namespace}/{name}"), e))
    }
}

impl Cluster {
    /// Server-side applies a partial Deployment (replicas, container resources);
    /// `force` takes fields another field manager owns.
    pub async fn apply_deployment(
        &self,
        namespace: &str,
        name: &str,
        body: &serde_json::Value,
        dry_run: bool,
        force: bool,
    ) -> Result<()> {
        let api: Api<Deployment> = Api::namespaced(self.client.clone(), namespace);
        self.call(api.patch(name, &apply_params(dry_run, force), &Patch::Apply(body)))
            .await?
            .map(|_| ())
            .map_err(|e| self.write_error("apply", &format!("Deployment {namespace}/{name}"), e))
    }
}
