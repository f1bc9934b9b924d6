//! Rolling the Trino Deployments whose configuration changed (`apply
//! --restart`, `rollback --restart`) and waiting until they are ready.

use std::io::Write;
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;

use crate::error::{Error, Result};
use crate::kube::{Cluster, WriteMode};

use super::plan;

/// The Trino Deployments whose pods mount one of `config_maps`.
pub(crate) fn affected_deployments<'a>(
    deployments: &[Deployment],
    config_maps: impl Iterator<Item = &'a String> + Clone,
) -> Vec<String> {
    deployments
        .iter()
        .filter(|d| plan::is_trino(d))
        .filter(|d| {
            d.spec
                .as_ref()
                .and_then(|s| s.template.spec.as_ref())
                .is_some_and(|s| {
                    crate::platform::workload::config_maps(s)
                        .iter()
                        .any(|c| config_maps.clone().any(|m| m == c))
                })
        })
        .filter_map(|d| d.metadata.name.clone())
        .collect()
}

/// Rolls the named Deployments and waits until each is updated and ready.
pub(super) async fn restart(
    cluster: &Cluster,
    namespace: &str,
    names: &[String],
    timeout: Duration,
    out: &mut dyn Write,
) -> Result<()> {
    let at = jiff::Timestamp::now().to_string();
    for name in names {
        let body = serde_json::json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": at}}}}});
        cluster
            .patch_merge::<Deployment>(namespace, name, &body, WriteMode::default())
            .await?;
        writeln!(out, "deployment/{name} restarting")?;
    }
    let deadline = tokio::time::Instant::now() + timeout;
    for name in names {
        loop {
            let d: Deployment = cluster.get(namespace, name).await?;
            let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let status = d.status.clone().unwrap_or_default();
            let updated = status.updated_replicas.unwrap_or(0);
            let ready = status.ready_replicas.unwrap_or(0);
            let observed =
                status.observed_generation.unwrap_or(0) >= d.metadata.generation.unwrap_or(0);
            writeln!(
                out,
                "deployment/{name}: {updated}/{want} updated, {ready}/{want} ready"
            )?;
            out.flush()?;
            if observed && updated >= want && ready >= want && status.replicas.unwrap_or(0) == want
            {
                break;
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::Config(format!(
                    "deployment/{name} was not ready within {timeout:?}; look at `kubectl rollout status deployment/{name} -n {namespace}` (undo with `kubectl dp tune rollback`)"
                )));
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    }
    Ok(())
}
