//! Reads and server-side applies of single namespaced objects (field manager `kubectl-dp`), shared by the commands that write.

use kube::api::{Api, Patch};
use serde::Serialize;

use crate::error::Result;

use super::apply::apply_params;
use super::{Cluster, Namespaced};

impl Cluster {
    /// One namespaced object, `None` when it does not exist.
    pub async fn get_namespaced_object<K>(&self, namespace: &str, name: &str) -> Result<Option<K>>
    where
        K: Namespaced,
    {
        let api: Api<K> = Api::namespaced(self.client.clone(), namespace);
        match self.call(api.get_opt(name)).await? {
            Ok(found) => Ok(found),
            Err(e) => {
                Err(self.object_error("get", &format!("{} {namespace}/{name}", K::kind(&())), e))
            }
        }
    }

    /// Server-side applies `object`, optionally as a server dry run; a field
    /// another manager owns is a [`crate::error::Error::Conflict`] unless `force`
    /// (`kubectl apply --server-side --force-conflicts`).
    pub async fn apply_namespaced_object<K>(
        &self,
        namespace: &str,
        name: &str,
        object: &K,
        dry_run: bool,
        force: bool,
    ) -> Result<K>
    where
        K: Namespaced + Serialize,
    {
        let api: Api<K> = Api::namespaced(self.client.clone(), namespace);
        let params = apply_params(dry_run, force);
        match self
            .call(api.patch(name, &params, &Patch::Apply(object)))
            .await?
        {
            Ok(applied) => Ok(applied),
            Err(e) => {
                Err(self.write_error("apply", &format!("{} {namespace}/{name}", K::kind(&())), e))
            }
        }
    }
}
