//! How perf reaches Trino: `--trino-url`, or a port-forward to the
//! coordinator pod found in the platform snapshot; and the password, read
//! from a file or an environment variable, never from a flag value.

use std::time::Duration;

use crate::error::{Error, Result};
use crate::kube::Cluster;
use crate::snapshot::Snapshot;

use super::RunArgs;
use super::platform;
use super::report::SkipCause;

/// Reads the Trino password from where the flags say; never from a flag value.
pub(super) fn trino_password(args: &RunArgs) -> Result<Option<String>> {
    if let Some(path) = &args.trino_password_file {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Input {
            path: path.clone(),
            reason: format!("cannot read the Trino password file: {e}"),
        })?;
        return Ok(Some(text.trim_end_matches(['\n', '\r']).to_string()));
    }
    if let Some(var) = &args.trino_password_env {
        return match std::env::var(var) {
            Ok(value) if !value.is_empty() => Ok(Some(value)),
            _ => Err(Error::Usage(format!(
                "--trino-password-env {var}: the variable is not set (or empty)"
            ))),
        };
    }
    Ok(None)
}

pub(super) enum TrinoTarget {
    Url(String),
    Forward(Box<(Cluster, platform::Coordinator)>),
}

/// Where Trino is: `Err(None)` without a cluster to look in, `Err(Some(why))`
/// when the snapshot has no coordinator to reach.
pub(super) fn target(
    args: &RunArgs,
    cluster: Option<&Cluster>,
    snapshot: Option<&Snapshot>,
) -> std::result::Result<TrinoTarget, Option<(String, SkipCause)>> {
    match (&args.trino_url, cluster, snapshot) {
        (Some(url), _, _) => Ok(TrinoTarget::Url(url.clone())),
        (None, Some(c), Some(s)) => match platform::find_coordinator(s) {
            Ok(coordinator) => Ok(TrinoTarget::Forward(Box::new((c.clone(), coordinator)))),
            // platform.rs words "there is none" this way; anything else (no
            // ready pod) is a coordinator that is there but down.
            Err(reason) if reason.starts_with("no Trino coordinator") => Err(Some((
                format!("{reason}; pass --trino-url"),
                SkipCause::Absent,
            ))),
            Err(reason) => Err(Some((
                format!("{reason}; pass --trino-url"),
                SkipCause::Unavailable,
            ))),
        },
        (None, _, _) => Err(None),
    }
}

/// A client that reached the coordinator (`GET /v1/info`), how it was reached,
/// the port-forward guard, and what the coordinator said about itself.
pub(super) async fn connect(
    target: TrinoTarget,
    args: &RunArgs,
    password: Option<&str>,
) -> Result<(
    crate::trino::Client,
    String,
    Option<crate::kube::PortForward>,
    crate::trino::Info,
)> {
    let (client, endpoint, forward) = connect_trino(target, args, password).await?;
    match client.info().await {
        Ok(info) => Ok((client, endpoint, forward, info)),
        Err(e) if args.trino_url.is_some() => Err(Error::Config(format!(
            "{e}; is the coordinator up? (perf trino needs it)"
        ))),
        Err(e) => Err(Error::Config(format!(
            "{e} ({endpoint}); is the coordinator up? pass --trino-url to reach Trino another way"
        ))),
    }
}

/// A Trino client for the target; the port-forward (if any) lives as long as the guard.
async fn connect_trino(
    target: TrinoTarget,
    args: &RunArgs,
    password: Option<&str>,
) -> Result<(
    crate::trino::Client,
    String,
    Option<crate::kube::PortForward>,
)> {
    // Each HTTP exchange of the protocol is short; the query deadline is --timeout.
    let exchange_timeout = args.timeout.min(Duration::from_secs(60));
    match target {
        TrinoTarget::Url(url) => {
            let client =
                crate::trino::Client::new(&url, &args.trino_user, password, exchange_timeout)
                    .map_err(|e| Error::Usage(format!("--trino-url: {e}")))?;
            Ok((client, url, None))
        }
        TrinoTarget::Forward(target) => {
            let (cluster, coordinator) = *target;
            let forward = cluster
                .port_forward(&coordinator.namespace, &coordinator.pod, coordinator.port)
                .await
                .map_err(|e| {
                    Error::Config(format!("{e}; pass --trino-url to reach Trino another way"))
                })?;
            let url = format!("http://{}", forward.local_addr());
            let client =
                crate::trino::Client::new(&url, &args.trino_user, password, exchange_timeout)
                    .map_err(|e| Error::Config(e.to_string()))?
                    .rebasing();
            let endpoint = format!(
                "port-forward to pod {}/{}:{} ({} {})",
                coordinator.namespace,
                coordinator.pod,
                coordinator.port,
                coordinator.kind,
                coordinator.workload
            );
            Ok((client, endpoint, Some(forward)))
        }
    }
}
