//! What the engine itself says (`status --probe`): Trino's `/v1/info`, the nodes
//! registered with the coordinator and the catalogs it loaded, over Trino's
//! client protocol. The only HTTP `status` does besides the API server; it never
//! fails the command: an unreachable engine is a note in the report.

use std::time::Duration;

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

/// Asks the coordinator at `base` (`http://host:port`) what it is, with the
/// suite's Trino client. `forwarded`: `base` is a local port-forward, so the
/// `nextUri`s the coordinator hands out (its in-cluster address) are followed on
/// `base` instead.
pub(crate) async fn probe_trino(base: &str, timeout: Duration, forwarded: bool) -> EngineProbe {
    let client = match super::Client::new(base, "kubectl-dp", None, timeout) {
        Ok(client) if forwarded => client.rebasing(),
        Ok(client) => client,
        Err(e) => return EngineProbe::skipped(base, e.to_string()),
    };
    let client = client.source("kubectl-dp-status");
    let mut probe = EngineProbe {
        url: client.url().to_string(),
        ..EngineProbe::default()
    };
    match client.info().await {
        Ok(info) => {
            probe.version = Some(info.version);
            probe.starting = Some(info.starting);
        }
        Err(e) => {
            probe.error = Some(e.to_string());
            return probe;
        }
    }
    if probe.starting == Some(true) {
        return probe;
    }
    let text = |row: &[Value], i: usize| {
        row.get(i)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    match client
        .rows(
            "SELECT node_id, coordinator, state FROM system.runtime.nodes",
            timeout,
        )
        .await
    {
        Ok(rows) => {
            probe.nodes = Some(
                rows.iter()
                    .map(|r| EngineNode {
                        id: text(r, 0),
                        coordinator: r.get(1).and_then(Value::as_bool).unwrap_or(false),
                        state: text(r, 2),
                    })
                    .collect(),
            )
        }
        Err(e) => probe.error = Some(format!("system.runtime.nodes: {e}")),
    }
    match client
        .rows("SELECT catalog_name FROM system.metadata.catalogs", timeout)
        .await
    {
        Ok(rows) => probe.catalogs = Some(rows.iter().map(|r| text(r, 0)).collect()),
        Err(e) => probe.error = Some(format!("system.metadata.catalogs: {e}")),
    }
    probe
}
