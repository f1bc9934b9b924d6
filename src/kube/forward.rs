//! Port-forwards over the API server (what `kubectl port-forward` does), to reach
//! the Trino coordinator from `perf` and `status --probe`.

use std::net::SocketAddr;

use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use tokio::net::TcpListener;

use crate::error::{Error, Result};

use super::Cluster;

/// A local listener whose connections are each carried to a pod's port over
/// the API server (the same as `kubectl port-forward`). Stops when dropped.
pub struct PortForward {
    local: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl PortForward {
    /// The loopback address that reaches the pod's port.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }
}

impl Drop for PortForward {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Cluster {
    /// Forwards a free loopback port to `pod:port`. The first connection is opened
    /// right away so that a pod that cannot be reached fails here, in one line.
    pub(crate) async fn port_forward(
        &self,
        namespace: &str,
        pod: &str,
        port: u16,
    ) -> Result<PortForward> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let what = format!("port-forward to pod {namespace}/{pod}:{port}");
        // Probe: the API server must agree to forward before we promise a URL.
        let mut probe = match self.call(api.portforward(pod, &[port])).await? {
            Ok(forwarder) => forwarder,
            Err(e) => {
                return Err(self.refused(
                    "create",
                    &format!("pods/portforward {namespace}/{pod}"),
                    e,
                ));
            }
        };
        if probe.take_stream(port).is_none() {
            return Err(Error::Api {
                what,
                reason: "the API server opened no stream".into(),
            });
        }
        drop(probe);
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| Error::Api {
                what: what.clone(),
                reason: format!("cannot listen on loopback: {e}"),
            })?;
        let local = listener.local_addr().map_err(Error::Output)?;
        let pod = pod.to_string();
        tracing::info!(
            "port-forward 127.0.0.1:{} -> {namespace}/{pod}:{port}",
            local.port()
        );
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let api = api.clone();
                let pod = pod.clone();
                tokio::spawn(async move {
                    let Ok(mut forwarder) = api.portforward(&pod, &[port]).await else {
                        tracing::warn!("port-forward to {pod}:{port} failed");
                        return;
                    };
                    let Some(mut upstream) = forwarder.take_stream(port) else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut socket, &mut upstream).await;
                    drop(upstream);
                    let _ = forwarder.join().await;
                });
            }
        });
        Ok(PortForward { local, task })
    }
}
