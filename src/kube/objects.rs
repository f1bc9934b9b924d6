//! Reads and server-side applies of single namespaced objects (field manager `kubectl-dp`), shared by the commands that write.

use kube::api::{Api, Patch, PatchParams};
use serde::Serialize;

use crate::error::Result;

use super::{Cluster, FIELD_MANAGER, Namespaced};

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

    /// Server-side applies `object` (forcing conflicts, as `kubectl apply
    /// --server-side --force-conflicts`), optionally as a server dry run.
    pub async fn apply_namespaced_object<K>(
        &self,
        namespace: &str,
        name: &str,
        object: &K,
        dry_run: bool,
    ) -> Result<K>
    where
        K: Namespaced + Serialize,
    {
        let api: Api<K> = Api::namespaced(self.client.clone(), namespace);
        let mut params = PatchParams::apply(FIELD_MANAGER).force();
        params.dry_run = dry_run;
        match self
            .call(api.patch(name, &params, &Patch::Apply(object)))
            .await?
        {
            Ok(applied) => Ok(applied),
            Err(e) => {
                Err(self.object_error("apply", &format!("{} {namespace}/{name}", K::kind(&())), e))
            }
        }
    }
}
