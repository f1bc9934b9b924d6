//! The last lines of a container's previous run (`kubectl logs --previous`), read
//! only for the few crash-looping or OOM-killed containers a status report explains.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, LogParams};

use super::Cluster;

/// A container of a pod: the key of a log excerpt.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContainerRef {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod's name.
    pub pod: String,
    /// The container's name.
    pub container: String,
    /// Its previous run (`--previous`: it was restarted) rather than the current,
    /// terminated one.
    pub previous: bool,
}

/// The most bytes read of one previous run: a tail of short lines, never a whole log.
const LIMIT_BYTES: i64 = 16 * 1024;

impl Cluster {
    /// The last `lines` lines of each container's ended run, concurrently, for
    /// those the API server (through the kubelet) has. A container whose log
    /// cannot be read (no previous run, forbidden, node unreachable) is left out:
    /// the finding's hint already says how to read it by hand.
    pub async fn previous_runs(
        &self,
        containers: &[ContainerRef],
        lines: i64,
    ) -> BTreeMap<ContainerRef, String> {
        let reads = containers.iter().map(|c| async move {
            let api: Api<Pod> = Api::namespaced(self.client.clone(), &c.namespace);
            let params = LogParams {
                container: Some(c.container.clone()),
                previous: c.previous,
                tail_lines: Some(lines),
                limit_bytes: Some(LIMIT_BYTES),
                ..LogParams::default()
            };
            match self.call(api.logs(&c.pod, &params)).await {
                Ok(Ok(text)) => Some((c.clone(), text)),
                Ok(Err(e)) => {
                    tracing::info!("logs of {}/{} --previous: {e}", c.pod, c.container);
                    None
                }
                Err(e) => {
                    tracing::info!("logs of {}/{} --previous: {e}", c.pod, c.container);
                    None
                }
            }
        });
        futures::future::join_all(reads)
            .await
            .into_iter()
            .flatten()
            .collect()
    }
}
