//! What the engine itself says (`status --probe`): Trino's `/v1/info`, the nodes
//! registered with the coordinator and the catalogs it loaded, over Trino's
//! client protocol. The only HTTP `status` does besides the API server; it never
//! fails the command: an unreachable engine is a note in the report.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

/// One node as `system.runtime.nodes` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineNode {
    /// The node id Trino reports.
    pub id: String,
    /// Whether it is the coordinator.
    pub coordinator: bool,
    /// Its state (`active`, `shutting_down`, ...).
    pub state: String,
}

/// The answers of one probe; `error` says why the rest is missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngineProbe {
    /// Where the engine was asked.
    pub url: String,
    /// Why the probe could not answer, when it could not.
    pub error: Option<String>,
    /// Trino's version from `/v1/info`.
    pub version: Option<String>,
    /// Whether the coordinator is still starting.
    pub starting: Option<bool>,
    /// The nodes registered with the coordinator.
    pub nodes: Option<Vec<EngineNode>>,
    /// The catalogs that loaded.
    pub catalogs: Option<Vec<String>>,
}

impl EngineProbe {
    /// A probe that did not run, with the reason.
    pub fn skipped(url: &str, reason: impl Into<String>) -> Self {
        EngineProbe {
            url: url.to_string(),
            error: Some(reason.into()),
            ..EngineProbe::default()
        }
    }
}

type Http = Client<HttpConnector, Full<Bytes>>;

async fn exchange(
    http: &Http,
    method: &str,
    url: &str,
    body: &str,
    timeout: Duration,
) -> Result<Value, String> {
    let request = http::Request::builder()
        .method(method)
        .uri(url)
        .header("X-Trino-User", "kubectl-dp")
        .header("X-Trino-Source", "kubectl-dp-status")
        .body(Full::new(Bytes::from(body.to_string())))
        .map_err(|e| format!("bad URL {url}: {e}"))?;
    let call = async {
        let response = http.request(request).await.map_err(|e| {
            let mut reason = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                reason = s.to_string();
                source = s.source();
            }
            reason
        })?;
        let status = response.status().as_u16();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        if status != 200 {
            return Err(format!("HTTP {status} from {url}"));
        }
        serde_json::from_slice(&bytes).map_err(|_| format!("{url} did not answer JSON"))
    };
    tokio::time::timeout(timeout, call)
        .await
        .map_err(|_| format!("no answer from {url} within {timeout:?}"))?
}

/// Runs one statement and returns its rows (following `nextUri`).
async fn statement(
    http: &Http,
    base: &str,
    sql: &str,
    timeout: Duration,
) -> Result<Vec<Vec<Value>>, String> {
    let mut response =
        exchange(http, "POST", &format!("{base}/v1/statement"), sql, timeout).await?;
    let mut rows = Vec::new();
    loop {
        if let Some(error) = response.get("error") {
            return Err(error["message"]
                .as_str()
                .unwrap_or("query failed")
                .to_string());
        }
        for row in response["data"].as_array().into_iter().flatten() {
            rows.push(row.as_array().cloned().unwrap_or_default());
        }
        let Some(next) = response["nextUri"].as_str().map(str::to_string) else {
            return Ok(rows);
        };
        response = exchange(http, "GET", &next, "", timeout).await?;
    }
}

/// Asks the coordinator at `base` (`http://host:port`) what it is.
pub async fn probe_trino(base: &str, timeout: Duration) -> EngineProbe {
    let base = base.trim_end_matches('/');
    if !base.starts_with("http://") {
        return EngineProbe::skipped(
            base,
            "only http:// URLs are probed (for TLS, port-forward to the coordinator's HTTP port)",
        );
    }
    let mut connector = HttpConnector::new();
    connector.set_connect_timeout(Some(timeout));
    let http: Http = Client::builder(TokioExecutor::new()).build(connector);
    let mut probe = EngineProbe {
        url: base.to_string(),
        ..EngineProbe::default()
    };
    match exchange(&http, "GET", &format!("{base}/v1/info"), "", timeout).await {
        Ok(info) => {
            probe.version = info["nodeVersion"]["version"].as_str().map(str::to_string);
            probe.starting = info["starting"].as_bool();
        }
        Err(e) => {
            probe.error = Some(e);
            return probe;
        }
    }
    if probe.starting == Some(true) {
        return probe;
    }
    match statement(
        &http,
        base,
        "SELECT node_id, coordinator, state FROM system.runtime.nodes",
        timeout,
    )
    .await
    {
        Ok(rows) => {
            probe.nodes = Some(
                rows.iter()
                    .map(|r| EngineNode {
                        id: r
                            .first()
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                        coordinator: r.get(1).and_then(Value::as_bool).unwrap_or(false),
                        state: r
                            .get(2)
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                    })
                    .collect(),
            )
        }
        Err(e) => probe.error = Some(format!("system.runtime.nodes: {e}")),
    }
    match statement(
        &http,
        base,
        "SELECT catalog_name FROM system.metadata.catalogs",
        timeout,
    )
    .await
    {
        Ok(rows) => {
            probe.catalogs = Some(
                rows.iter()
                    .filter_map(|r| r.first().and_then(Value::as_str).map(str::to_string))
                    .collect(),
            )
        }
        Err(e) => probe.error = Some(format!("system.metadata.catalogs: {e}")),
    }
    probe
}

impl super::Cluster {
    /// Forwards a loopback port to `port` of pod `namespace/name` over the API
    /// server (as `kubectl port-forward` does), one port-forward per accepted
    /// connection. Returns the local URL and the task to abort when done.
    pub async fn forward_to_pod(
        &self,
        namespace: &str,
        name: &str,
        port: u16,
    ) -> std::io::Result<(String, tokio::task::JoinHandle<()>)> {
        use k8s_openapi::api::core::v1::Pod;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let local = listener.local_addr()?.port();
        let api: kube::Api<Pod> = kube::Api::namespaced(self.client.clone(), namespace);
        let pod = name.to_string();
        let task = tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                let api = api.clone();
                let pod = pod.clone();
                tokio::spawn(async move {
                    let Ok(mut forwarder) = api.portforward(&pod, &[port]).await else {
                        return;
                    };
                    if let Some(mut upstream) = forwarder.take_stream(port) {
                        let _ = tokio::io::copy_bidirectional(&mut conn, &mut upstream).await;
                    }
                    forwarder.abort();
                });
            }
        });
        Ok((format!("http://127.0.0.1:{local}"), task))
    }
}
