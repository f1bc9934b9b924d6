use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use crate::error::{Error, Result};

use super::{ConnectOptions, Scope};

/// How long connecting may take when `--request-timeout 0` lifts the request limit.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// A connected API client plus what error messages and scoping need to know.
#[derive(Clone)]
pub struct Cluster {
    pub(super) client: Client,
    pub(super) server: String,
    pub(super) user: String,
    pub(super) default_namespace: String,
    pub(super) context: Option<String>,
    /// What the command asked for: `-n`, `-A`.
    pub(super) asked: Scope,
    pub(super) timeout: Option<Duration>,
    /// The credential came from an exec plugin (it expires; see `refreshable`).
    pub(super) from_exec_plugin: bool,
}

impl Cluster {
    /// Builds a client the way kubectl would from the same flags: `--kubeconfig`,
    /// then `$KUBECONFIG`, then `~/.kube/config`, then the in-cluster service account.
    /// `options` are [`ConnectOptions`] or anything that converts into them (the
    /// command line's flags, which convert themselves).
    pub async fn connect(options: impl Into<ConnectOptions>) -> Result<Cluster> {
        let args = &options.into();
        args.validate()?;
        let (mut config, context) = load_config(args).await?;
        apply_overrides(&mut config, args)?;
        let timeout = args.request_timeout;
        // An exec credential plugin runs under the same limit as every request.
        let from_exec_plugin = super::exec::resolve(&mut config.auth_info, timeout).await?;
        config.read_timeout = timeout;
        config.write_timeout = timeout;
        // The same limit for connecting, so that a timeout error states the limit
        // that was applied (`--request-timeout 0`: no request limit, connecting
        // still gives up after CONNECT_TIMEOUT).
        config.connect_timeout = Some(timeout.unwrap_or(CONNECT_TIMEOUT));
        // Audit logs then tell which of our commands made a request.
        let agent = format!("{}/{}", command_name(), env!("CARGO_PKG_VERSION"));
        if let Ok(value) = http::HeaderValue::from_str(&agent) {
            config.headers.push((http::header::USER_AGENT, value));
        }
        // One try only: a retry loop would stretch a dead cluster past --request-timeout.
        config.default_retry = false;

        let server = config
            .cluster_url
            .to_string()
            .trim_end_matches('/')
            .to_string();
        let user = config
            .auth_info
            .impersonate
            .clone()
            .or_else(|| args.user.clone())
            .unwrap_or_else(|| "the current user".to_string());
        let default_namespace = config.default_namespace.clone();
        let asked = args.scope(&default_namespace);
        let client = kube::client::ClientBuilder::try_from(config)
            .map_err(|e| {
                Error::Config(format!(
                    "could not build a client for {server}: {e}; check the kubeconfig's certificates"
                ))
            })?
            .with_layer(&super::limits::ResponseLimitLayer::new(
                super::limits::MAX_API_RESPONSE,
            ))
            // -v=6 and above: one line per request (and bodies at 8 and 9), redacted.
            .with_layer(&super::trace::RequestLogLayer::new(&server))
            .build();
        Ok(Cluster {
            client,
            server,
            user,
            default_namespace,
            context,
            asked,
            timeout,
            from_exec_plugin,
        })
    }

    /// Whether connecting again can bring a new credential: the current one came
    /// from an exec plugin (`aws eks get-token` tokens last 15 minutes), which a
    /// long `status --watch` outlives.
    pub(crate) fn refreshable(&self) -> bool {
        self.from_exec_plugin
    }

    /// The namespaces a command looks at: `-A`, `-n`, else the context's namespace.
    pub fn scope(&self) -> Scope {
        self.asked.clone()
    }

    /// The one namespace a command works in: `-n`, else the context's (also
    /// under `-A`, for commands that refuse it themselves).
    pub fn namespace(&self) -> &str {
        match &self.asked {
            Scope::Namespace(ns) => ns,
            Scope::All => &self.default_namespace,
        }
    }

    /// Who the requests run as, for messages (`--as`, `--user`, or "the current user").
    pub(crate) fn user_name(&self) -> &str {
        &self.user
    }

    /// The API server's URL.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The context's namespace (`default` when it has none).
    pub(crate) fn default_namespace(&self) -> &str {
        &self.default_namespace
    }

    /// The kubeconfig context in use (`--context`, else the current one); `None` in a pod.
    pub fn context(&self) -> Option<&str> {
        self.context.as_deref()
    }

    /// Runs one request under `--request-timeout` and turns transport failures into
    /// the suite's one-line errors.
    pub(super) async fn call<T>(
        &self,
        request: impl Future<Output = kube::Result<T>>,
    ) -> Result<kube::Result<T>> {
        let outcome = match self.timeout {
            Some(limit) => {
                tokio::time::timeout(limit, request)
                    .await
                    .map_err(|_| Error::Timeout {
                        server: self.server.clone(),
                        timeout: limit,
                    })?
            }
            None => request.await,
        };
        match outcome {
            Err(kube::Error::Api(status)) if status.code == 401 => Err(Error::Unauthorized {
                server: self.server.clone(),
            }),
            Err(kube::Error::Api(status)) => Ok(Err(kube::Error::Api(status))),
            Err(other) => Err(self.transport_error(other)),
            Ok(value) => Ok(Ok(value)),
        }
    }

    fn transport_error(&self, error: kube::Error) -> Error {
        let reason = root_cause(&error);
        if super::limits::is_over_limit(&reason) {
            return Error::TooLarge {
                what: format!("a response of the API server at {}", self.server),
                limit: super::limits::describe(super::limits::MAX_API_RESPONSE),
                hint: "narrow the request with -n or -l, or check that --server is the API server"
                    .into(),
            };
        }
        if reason.contains("timed out") || reason.contains("deadline") {
            return Error::Timeout {
                server: self.server.clone(),
                timeout: self.timeout.unwrap_or(CONNECT_TIMEOUT),
            };
        }
        Error::Unreachable {
            server: self.server.clone(),
            reason,
        }
    }
}

/// `kubectl-dp-status` and friends, from the executable's name.
/// The command this process runs (`kubectl-dp-status`), set once by the suite's
/// dispatcher: the binary's own name is `kubectl-dp` for every command.
static COMMAND_NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Names the running command for the user agent (audit logs show which command
/// made a request). The first call wins.
pub fn set_command_name(name: &str) {
    let _ = COMMAND_NAME.set(name.to_string());
}

fn command_name() -> String {
    COMMAND_NAME.get().cloned().unwrap_or_else(|| {
        std::env::current_exe()
            .ok()
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .filter(|n| n.starts_with("kubectl-dp"))
            .unwrap_or_else(|| "kubectl-dp".into())
    })
}

/// The innermost cause, which is the part a person can act on ("connection refused").
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    let text = current.to_string();
    let lower = text.to_lowercase();
    if lower.contains("connection refused") {
        "connection refused".into()
    } else if lower.contains("certificate") || lower.contains("unknownissuer") {
        format!("TLS: {text} (check --certificate-authority or the kubeconfig's CA)")
    } else {
        text
    }
}

/// The client configuration and the name of the context it came from.
async fn load_config(args: &ConnectOptions) -> Result<(Config, Option<String>)> {
    let options = KubeConfigOptions {
        context: args.context.clone(),
        cluster: args.cluster.clone(),
        user: args.user.clone(),
    };
    let kubeconfig = match &args.kubeconfig {
        Some(path) => {
            check_kubeconfig_text(path)?;
            Some(Kubeconfig::read_from(path).map_err(|e| Error::Kubeconfig {
                path: path.display().to_string(),
                reason: parse_reason(&e),
            })?)
        }
        None => {
            for path in default_kubeconfig_paths() {
                check_kubeconfig_text(&path)?;
            }
            match Kubeconfig::read() {
                Ok(config) => Some(config),
                Err(e) => {
                    let explicit = std::env::var_os("KUBECONFIG").is_some_and(|v| !v.is_empty());
                    if explicit {
                        return Err(Error::Kubeconfig {
                            path: std::env::var("KUBECONFIG").unwrap_or_default(),
                            reason: parse_reason(&e),
                        });
                    }
                    None
                }
            }
        }
    };
    match kubeconfig {
        Some(kubeconfig) => {
            if let Some(context) = &args.context
                && !kubeconfig.contexts.iter().any(|c| &c.name == context)
            {
                let known: Vec<&str> = kubeconfig
                    .contexts
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect();
                return Err(Error::Config(format!(
                    "context '{context}' is not in the kubeconfig (known: {}); pick one with --context",
                    known.join(", ")
                )));
            }
            let context = args
                .context
                .clone()
                .or_else(|| kubeconfig.current_context.clone());
            let config = Config::from_custom_kubeconfig(kubeconfig, &options)
                .await
                .map_err(|e| {
                    Error::Config(format!("could not use the kubeconfig: {}", one_line(&e)))
                })?;
            Ok((config, context))
        }
        None => Config::incluster()
            .map(|c| (c, None))
            .map_err(|_| Error::NoConfig),
    }
}

fn apply_overrides(config: &mut Config, args: &ConnectOptions) -> Result<()> {
    if let Some(server) = &args.server {
        config.cluster_url = server.parse().map_err(|_| {
            Error::Usage(format!(
                "--server '{server}' is not a URL (e.g. https://127.0.0.1:6443)"
            ))
        })?;
    }
    if args.insecure_skip_tls_verify {
        config.accept_invalid_certs = true;
    }
    if let Some(path) = &args.certificate_authority {
        let pem = std::fs::read(path).map_err(|e| Error::Input {
            path: path.clone(),
            reason: format!("could not read the CA certificate: {e}"),
        })?;
        let certs = pem_certificates(&pem).ok_or_else(|| Error::Input {
            path: path.clone(),
            reason: "holds no PEM certificate".into(),
        })?;
        config.root_cert = Some(certs);
    }
    if let Some(token) = &args.token {
        config.auth_info.token = Some(token.clone().into());
    }
    if let Some(user) = &args.as_user {
        config.auth_info.impersonate = Some(user.clone());
    }
    if !args.as_group.is_empty() {
        config.auth_info.impersonate_groups = Some(args.as_group.clone());
    }
    if let Some(uid) = &args.as_uid {
        config.auth_info.impersonate_uid = Some(uid.clone());
    }
    Ok(())
}

/// DER bodies of the PEM certificates in a file.
fn pem_certificates(pem: &[u8]) -> Option<Vec<Vec<u8>>> {
    use base64::Engine;
    let text = std::str::from_utf8(pem).ok()?;
    let mut certs = Vec::new();
    let mut body = String::new();
    let mut inside = false;
    for line in text.lines() {
        match line.trim() {
            "-----BEGIN CERTIFICATE-----" => {
                inside = true;
                body.clear();
            }
            "-----END CERTIFICATE-----" => {
                inside = false;
                certs.push(
                    base64::engine::general_purpose::STANDARD
                        .decode(&body)
                        .ok()?,
                );
            }
            l if inside => body.push_str(l),
            _ => {}
        }
    }
    (!certs.is_empty()).then_some(certs)
}

/// The files kube reads without `--kubeconfig`: each of `$KUBECONFIG`'s paths,
/// else `~/.kube/config`; only those that exist.
fn default_kubeconfig_paths() -> Vec<std::path::PathBuf> {
    let paths: Vec<std::path::PathBuf> = match std::env::var_os("KUBECONFIG") {
        Some(list) if !list.is_empty() => std::env::split_paths(&list).collect(),
        _ => std::env::var_os("HOME")
            .map(|home| vec![std::path::Path::new(&home).join(".kube").join("config")])
            .unwrap_or_default(),
    };
    paths.into_iter().filter(|p| p.is_file()).collect()
}

/// Refuses a kubeconfig that is not UTF-8 text (UTF-16 with a byte-order mark,
/// Latin-1) before kube's parser sees it: one line naming the file and where,
/// never its content.
fn check_kubeconfig_text(path: &std::path::Path) -> Result<()> {
    let Ok(bytes) = std::fs::read(path) else {
        // Unreadable files get kube's own error (permission, missing) below.
        return Ok(());
    };
    if let Some(reason) = not_utf8(&bytes) {
        return Err(Error::Kubeconfig {
            path: path.display().to_string(),
            reason,
        });
    }
    Ok(())
}

/// Why `bytes` are not UTF-8 text, or `None` when they are (pure, for tests).
pub(crate) fn not_utf8(bytes: &[u8]) -> Option<String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Some(
            "it is UTF-16 text (it starts with a byte-order mark), not UTF-8; save it as UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`)".into(),
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => None,
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            Some(format!(
                "it is not UTF-8 text (invalid byte at line {line}, offset {at}); save it as UTF-8"
            ))
        }
    }
}

/// A kubeconfig parse error as one line that names the place (line and column)
/// but never quotes the file: a YAML error can echo a neighbouring token.
fn parse_reason(error: &dyn std::error::Error) -> String {
    let text = one_line(error);
    let number_after = |word: &str| -> Option<String> {
        let start = text.find(word)? + word.len();
        let digits: String = text[start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        (!digits.is_empty()).then_some(digits)
    };
    let place = number_after("line ").map(|line| match number_after("column ") {
        Some(column) => format!("line {line} column {column}"),
        None => format!("line {line}"),
    });
    if text.contains("No such file") || text.contains("not found") {
        return "the file does not exist".into();
    }
    if text.contains("ermission denied") {
        return "permission denied".into();
    }
    match place {
        Some(place) => format!("it is not a valid kubeconfig (YAML error at {place})"),
        None => "it is not a valid kubeconfig (YAML that does not parse)".into(),
    }
}

fn one_line(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text = format!("{text}: {cause_text}");
        }
        source = cause.source();
    }
    text.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_utf8_kubeconfigs_are_named_not_parsed() {
        assert_eq!(not_utf8(b"apiVersion: v1\n"), None);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("apiVersion: v1".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert!(not_utf8(&utf16).unwrap().contains("UTF-16"));
        assert!(not_utf8(&[0xFE, 0xFF, 0, b'a']).unwrap().contains("UTF-16"));
        let latin1 = not_utf8(b"a: 1\nb: caf\xe9\n").unwrap();
        assert!(latin1.contains("line 2"), "{latin1}");
    }

    #[test]
    fn parse_errors_name_the_place_not_the_content() {
        let error: std::io::Error = std::io::Error::other(
            "did not find expected key at line 7 column 3 near token: sekrit-abc",
        );
        let reason = parse_reason(&error);
        assert_eq!(
            reason,
            "it is not a valid kubeconfig (YAML error at line 7 column 3)"
        );
        assert!(!reason.contains("sekrit"));
    }
}
