//! How to reach the cluster, as plain data: kubectl's connection options
//! (cli-runtime's `ConfigFlags`) without any command-line parser: the command
//! line converts its flags into them; tests and completion build them directly.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::{Error, Result};

use super::Scope;

/// The default `--request-timeout`, as kubectl's plugins are used to it.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Where and as whom to connect, and which namespaces a command looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectOptions {
    /// A kubeconfig file instead of `$KUBECONFIG` / `~/.kube/config`.
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context (default: its current context).
    pub context: Option<String>,
    /// The kubeconfig cluster (default: the context's).
    pub cluster: Option<String>,
    /// The kubeconfig user (default: the context's).
    pub user: Option<String>,
    /// The namespace asked for (default: the context's).
    pub namespace: Option<String>,
    /// Every namespace (`-A`).
    pub all_namespaces: bool,
    /// Impersonate this user (`--as`).
    pub as_user: Option<String>,
    /// Impersonate these groups (`--as-group`).
    pub as_group: Vec<String>,
    /// Impersonate this UID (`--as-uid`).
    pub as_uid: Option<String>,
    /// The limit of every request and of an exec credential plugin; `None`: no limit.
    pub request_timeout: Option<Duration>,
    /// Do not verify the server's certificate.
    pub insecure_skip_tls_verify: bool,
    /// A CA certificate file for the API server.
    pub certificate_authority: Option<PathBuf>,
    /// A bearer token instead of the kubeconfig's credential.
    pub token: Option<String>,
    /// The API server's URL instead of the kubeconfig's.
    pub server: Option<String>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            kubeconfig: None,
            context: None,
            cluster: None,
            user: None,
            namespace: None,
            all_namespaces: false,
            as_user: None,
            as_group: Vec::new(),
            as_uid: None,
            request_timeout: Some(DEFAULT_REQUEST_TIMEOUT),
            insecure_skip_tls_verify: false,
            certificate_authority: None,
            token: None,
            server: None,
        }
    }
}

impl ConnectOptions {
    /// Rejects what no API server would accept, before any I/O.
    pub fn validate(&self) -> Result<()> {
        if let Some(ns) = &self.namespace
            && !is_dns_label(ns)
        {
            return Err(Error::Usage(format!(
                "'{ns}' is not a valid namespace name (lowercase letters, digits and '-', at most 63 characters)"
            )));
        }
        Ok(())
    }

    /// The namespaces asked for: `-A`, `-n`, else `context_namespace`.
    pub fn scope(&self, context_namespace: &str) -> Scope {
        if self.all_namespaces {
            Scope::All
        } else {
            Scope::Namespace(
                self.namespace
                    .clone()
                    .unwrap_or_else(|| context_namespace.to_string()),
            )
        }
    }
}

/// The kubeconfig context a command would use (`--context`, else the current
/// one) without connecting: for reports made when no cluster could be reached.
pub fn context_name(options: &ConnectOptions) -> Option<String> {
    if let Some(context) = &options.context {
        return Some(context.clone());
    }
    let config = match &options.kubeconfig {
        Some(path) => kube::config::Kubeconfig::read_from(path).ok()?,
        None => kube::config::Kubeconfig::read().ok()?,
    };
    config.current_context
}

/// An RFC 1123 label, as namespace names must be.
pub fn is_dns_label(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// A DNS-1123 subdomain of at most 63 characters, as object names (claims,
/// buckets) must be.
pub fn is_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_names() {
        assert!(is_dns_label("data-platform"));
        assert!(!is_dns_label("Data_Platform"));
        assert!(!is_dns_label("-x"));
        assert!(!is_dns_label(""));
        assert!(is_dns_name("scratch.v2"));
        assert!(!is_dns_name(".x"));
    }

    #[test]
    fn scope_and_validation() {
        let options = ConnectOptions {
            namespace: Some("Bad_Name".into()),
            ..ConnectOptions::default()
        };
        assert!(options.validate().is_err());
        assert_eq!(
            ConnectOptions::default().scope("ctx"),
            Scope::Namespace("ctx".into())
        );
        let all = ConnectOptions {
            all_namespaces: true,
            ..ConnectOptions::default()
        };
        assert_eq!(all.scope("ctx"), Scope::All);
        assert_eq!(
            ConnectOptions::default().request_timeout,
            Some(DEFAULT_REQUEST_TIMEOUT)
        );
    }
}
