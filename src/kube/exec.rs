//! Exec credential plugins (kubeconfig `users[].user.exec`, e.g. `aws eks get-token`,
//! `kubelogin`), run by us rather than by kube so that `--request-timeout` bounds
//! them: kube runs the plugin synchronously with no limit, and a plugin that hangs
//! (waiting for a browser login, a dead SSO endpoint) held the command for as long
//! as it liked. Errors name the plugin's command and never quote its output, which
//! may hold the token.

use std::time::Duration;

use base64::Engine;
use kube::config::{AuthInfo, ExecConfig, ExecInteractiveMode};
use serde::Deserialize;

use crate::error::{Error, Result};

/// The most a plugin may print on stdout: an ExecCredential is a token or a
/// certificate and key, a few KiB. A plugin that writes without end is stopped
/// at this size (and killed) instead of being read into memory.
pub(crate) const MAX_PLUGIN_OUTPUT: usize = 1 << 20;

/// What a plugin prints (`client.authentication.k8s.io` ExecCredential); only the
/// fields we use.
#[derive(Deserialize)]
struct ExecCredential {
    status: Option<ExecStatus>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExecStatus {
    token: Option<String>,
    client_certificate_data: Option<String>,
    client_key_data: Option<String>,
}

/// Runs the exec plugin of `auth` (when it has one and no static token) within
/// `timeout`, and puts the credential it returns into `auth` in place of the
/// plugin. The plugin is killed when the limit passes. Returns whether a plugin
/// ran: its credential expires, and a long `--watch` connects again for a new one.
pub(super) async fn resolve(auth: &mut AuthInfo, timeout: Option<Duration>) -> Result<bool> {
    if auth.token.is_some() || auth.token_file.is_some() {
        return Ok(false);
    }
    let Some(exec) = auth.exec.take() else {
        return Ok(false);
    };
    let program = exec.command.clone().unwrap_or_default();
    if program.is_empty() {
        return Err(Error::Config(
            "the kubeconfig's exec credential plugin has no command; fix users[].user.exec.command"
                .into(),
        ));
    }
    let output = run(&exec, &program, timeout).await?;
    let status = parse(&output).map_err(|why| {
        Error::Config(format!(
            "the exec credential plugin '{program}' {why} (its output is not shown: it may hold a credential); run it by hand to see what it prints"
        ))
    })?;
    if let Some(token) = status.token.filter(|t| !t.is_empty()) {
        auth.token = Some(token.into());
        return Ok(true);
    }
    match (status.client_certificate_data, status.client_key_data) {
        (Some(cert), Some(key)) => {
            let encode = |pem: &str| base64::engine::general_purpose::STANDARD.encode(pem);
            auth.client_certificate_data = Some(encode(&cert));
            auth.client_key_data = Some(encode(&key).into());
            Ok(true)
        }
        _ => Err(Error::Config(format!(
            "the exec credential plugin '{program}' returned neither a token nor a client certificate and key; run it by hand to check its login"
        ))),
    }
}

/// Starts the plugin as kubectl does (args, env, `KUBERNETES_EXEC_INFO`) and waits
/// at most `timeout` for it; returns its stdout.
async fn run(exec: &ExecConfig, program: &str, timeout: Option<Duration>) -> Result<Vec<u8>> {
    let mut command = tokio::process::Command::new(program);
    command.args(exec.args.iter().flatten());
    for pair in exec.env.iter().flatten() {
        if let (Some(name), Some(value)) = (pair.get("name"), pair.get("value")) {
            command.env(name, value);
        }
    }
    for name in exec.drop_env.iter().flatten() {
        command.env_remove(name);
    }
    let interactive = exec.interactive_mode != Some(ExecInteractiveMode::Never);
    let info = exec_info(exec, interactive);
    command.env("KUBERNETES_EXEC_INFO", info.to_string());
    // Like kubectl: the plugin's prompts and errors go to our stderr; its stdout
    // (the credential) is read, never shown.
    command
        .stdin(if interactive {
            std::process::Stdio::inherit()
        } else {
            std::process::Stdio::null()
        })
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true);
    let mut child = command.spawn().map_err(|e| {
        let hint = exec
            .install_hint
            .as_deref()
            .map(|h| format!("; {}", h.lines().next().unwrap_or_default()))
            .unwrap_or_default();
        Error::Config(format!(
            "could not start the exec credential plugin '{program}': {e}{hint}"
        ))
    })?;
    let stdout = child.stdout.take();
    let waited = async {
        let mut output = Vec::new();
        if let Some(stdout) = stdout {
            use tokio::io::AsyncReadExt;
            // One byte more than the cap tells "too much" from "exactly the cap".
            stdout
                .take(MAX_PLUGIN_OUTPUT as u64 + 1)
                .read_to_end(&mut output)
                .await?;
        }
        if output.len() > MAX_PLUGIN_OUTPUT {
            return Ok(Err(output.len()));
        }
        child.wait().await.map(|status| Ok((status, output)))
    };
    let waited = match timeout {
        // Dropping the unfinished wait drops the child, which kills it.
        Some(limit) => tokio::time::timeout(limit, waited).await.map_err(|_| {
            Error::Config(format!(
                "the exec credential plugin '{program}' did not finish within {limit:?} (--request-timeout) and was stopped; run it by hand to log in, or raise --request-timeout"
            ))
        })?,
        None => waited.await,
    }
    .map_err(|e| {
        Error::Config(format!(
            "the exec credential plugin '{program}' failed: {e}"
        ))
    })?;
    let (status, output) = waited.map_err(|_| {
        Error::Config(format!(
            "the exec credential plugin '{program}' printed more than {} and was stopped (an ExecCredential is a few KiB); run it by hand to see what it prints",
            super::limits::describe(MAX_PLUGIN_OUTPUT)
        ))
    })?;
    if !status.success() {
        return Err(Error::Config(format!(
            "the exec credential plugin '{program}' failed ({status}); run it by hand to see why"
        )));
    }
    Ok(output)
}

/// The `KUBERNETES_EXEC_INFO` a plugin reads, as kubectl writes it.
fn exec_info(exec: &ExecConfig, interactive: bool) -> serde_json::Value {
    let api_version = exec
        .api_version
        .clone()
        .unwrap_or_else(|| "client.authentication.k8s.io/v1".into());
    let mut spec = serde_json::json!({"interactive": interactive});
    // `provideClusterInfo: true`: the cluster as client-go describes it.
    if exec.provide_cluster_info
        && let Some(cluster) = &exec.cluster
    {
        spec["cluster"] = serde_json::json!({
            "server": cluster.server,
            "tlsServerName": cluster.tls_server_name,
            "insecureSkipTLSVerify": cluster.insecure_skip_tls_verify.unwrap_or(false),
            "certificateAuthorityData": cluster
                .certificate_authority_data
                .as_ref()
                .map(|d| base64::engine::general_purpose::STANDARD.encode(d)),
            "proxyURL": cluster.proxy_url,
            "config": cluster.config,
        });
    }
    serde_json::json!({
        "apiVersion": api_version,
        "kind": "ExecCredential",
        "spec": spec,
    })
}

/// The credential in a plugin's output (JSON or YAML), or why there is none, in
/// words that never quote the output.
fn parse(stdout: &[u8]) -> std::result::Result<ExecStatus, &'static str> {
    let credential: ExecCredential =
        serde_saphyr::from_slice(stdout).map_err(|_| "did not print an ExecCredential")?;
    credential
        .status
        .ok_or("printed an ExecCredential without a status")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_read_and_bad_output_is_never_quoted() {
        let status =
            parse(br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"abc"}}"#)
                .unwrap();
        assert_eq!(status.token.as_deref(), Some("abc"));
        let yaml = parse(
            b"kind: ExecCredential\nstatus:\n  clientCertificateData: C\n  clientKeyData: K\n",
        )
        .unwrap();
        assert_eq!(yaml.client_key_data.as_deref(), Some("K"));
        let why = parse(b"token=sekrit-123 and some noise").err().unwrap();
        assert!(!why.contains("sekrit"));
        assert_eq!(
            parse(b"{\"kind\":\"ExecCredential\"}").err().unwrap(),
            "printed an ExecCredential without a status"
        );
    }
}
