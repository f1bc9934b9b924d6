//! What every `kubectl dp` binary shares on its command line: the kubectl
//! connection flags, the output flags, and how they resolve before any work starts.

mod color;
mod confirm;
pub mod namespace;
mod output;
pub mod values;
pub mod watch;

pub use crate::render::{FormatKind, OutputFormat, Palette};
pub use color::ColorChoice;
pub use confirm::{DryRun, Go, WriteArgs, confirm, confirm_typed, go_ahead};
pub use output::{OutputArgs, normalize_args};

use std::time::Duration;

use clap::Args;

use crate::error::{Error, Result};

/// kubectl's connection flags (cli-runtime `ConfigFlags`), parsed by every binary.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Cluster connection")]
pub struct ClusterArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<std::path::PathBuf>,

    /// The kubeconfig context to use
    #[arg(long, global = true, value_name = "NAME", add = clap_complete::engine::ArgValueCompleter::new(values::contexts))]
    pub context: Option<String>,

    /// The kubeconfig cluster to use
    #[arg(long, global = true, value_name = "NAME", hide_short_help = true)]
    pub cluster: Option<String>,

    /// The kubeconfig user to use
    #[arg(long, global = true, value_name = "NAME", hide_short_help = true)]
    pub user: Option<String>,

    /// Namespace to look in (default: the context's namespace)
    #[arg(short = 'n', long, global = true, value_name = "NAME", add = clap_complete::engine::ArgValueCompleter::new(values::namespaces))]
    pub namespace: Option<String>,

    /// Look in every namespace
    #[arg(short = 'A', long, global = true, conflicts_with = "namespace")]
    pub all_namespaces: bool,

    /// User to impersonate
    #[arg(
        long = "as",
        global = true,
        value_name = "USER",
        hide_short_help = true
    )]
    pub as_user: Option<String>,

    /// Group to impersonate (repeatable)
    #[arg(
        long = "as-group",
        global = true,
        value_name = "GROUP",
        hide_short_help = true
    )]
    pub as_group: Vec<String>,

    /// UID to impersonate
    #[arg(
        long = "as-uid",
        global = true,
        value_name = "UID",
        hide_short_help = true
    )]
    pub as_uid: Option<String>,

    /// How long to wait for the API server (e.g. 10s, 1m; 0 = no limit)
    #[arg(long, global = true, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    pub request_timeout: Timeout,

    /// Do not verify the API server's certificate (insecure)
    #[arg(long, global = true, hide_short_help = true)]
    pub insecure_skip_tls_verify: bool,

    /// Path to a CA certificate file for the API server
    #[arg(long, global = true, value_name = "PATH", hide_short_help = true)]
    pub certificate_authority: Option<std::path::PathBuf>,

    /// Bearer token for the API server
    #[arg(long, global = true, value_name = "TOKEN", hide_short_help = true)]
    pub token: Option<String>,

    /// The API server's address
    #[arg(
        short = 's',
        long,
        global = true,
        value_name = "URL",
        hide_short_help = true
    )]
    pub server: Option<String>,
}

/// `--request-timeout`: kubectl's "0" means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeout(pub Option<Duration>);

impl Default for Timeout {
    fn default() -> Self {
        Timeout(Some(Duration::from_secs(30)))
    }
}

/// Parses kubectl's durations: `30s`, `1m`, `1m30s`, `500ms`, `2h`, a bare number of seconds, or `0`.
pub(crate) fn parse_duration(text: &str) -> std::result::Result<Duration, String> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(Duration::from_secs(seconds));
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    if rest.is_empty() {
        return Err("empty duration".into());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, tail) = rest.split_at(digits);
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(tail.len());
        let (unit, next) = tail.split_at(unit_len);
        let value: f64 = number
            .parse()
            .map_err(|_| format!("'{text}' is not a duration (use e.g. 30s, 1m, 500ms)"))?;
        let seconds = match unit {
            "ms" => value / 1000.0,
            "s" => value,
            "m" => value * 60.0,
            "h" => value * 3600.0,
            _ => {
                return Err(format!(
                    "'{text}' is not a duration (use e.g. 30s, 1m, 500ms)"
                ));
            }
        };
        // Checked: `Duration::from_secs_f64` and `+=` panic past u64::MAX seconds.
        let too_long = || format!("'{text}' is too long a duration");
        let part = Duration::try_from_secs_f64(seconds).map_err(|_| too_long())?;
        total = total.checked_add(part).ok_or_else(too_long)?;
        rest = next;
    }
    Ok(total)
}

fn parse_timeout(text: &str) -> std::result::Result<Timeout, String> {
    let duration = parse_duration(text)?;
    Ok(Timeout((!duration.is_zero()).then_some(duration)))
}

/// The connection as `crate::kube` takes it: the same options, without clap.
impl From<&ClusterArgs> for crate::kube::ConnectOptions {
    fn from(args: &ClusterArgs) -> Self {
        crate::kube::ConnectOptions {
            kubeconfig: args.kubeconfig.clone(),
            context: args.context.clone(),
            cluster: args.cluster.clone(),
            user: args.user.clone(),
            namespace: args.namespace.clone(),
            all_namespaces: args.all_namespaces,
            as_user: args.as_user.clone(),
            as_group: args.as_group.clone(),
            as_uid: args.as_uid.clone(),
            request_timeout: args.request_timeout.0,
            insecure_skip_tls_verify: args.insecure_skip_tls_verify,
            certificate_authority: args.certificate_authority.clone(),
            token: args.token.clone(),
            server: args.server.clone(),
        }
    }
}

impl ClusterArgs {
    /// Refuses what kubectl would refuse before any request (a namespace that
    /// cannot be a name), through the connection options' own check.
    pub fn validate(&self) -> Result<()> {
        crate::kube::ConnectOptions::from(self).validate()
    }

    /// Refuses `-A` in one line where `command` works on one namespace (`why`).
    pub(crate) fn refuse_all_namespaces(&self, command: &str, why: &str) -> Result<()> {
        if self.all_namespaces {
            return Err(Error::Usage(format!(
                "`kubectl dp {command}` cannot take -A: {why}; pass -n NAME"
            )));
        }
        Ok(())
    }

    /// The first connection flag given on the command line, for commands that
    /// never talk to the cluster (`perf compare`).
    pub(crate) fn first_given(&self) -> Option<&'static str> {
        let given = [
            (self.kubeconfig.is_some(), "--kubeconfig"),
            (self.context.is_some(), "--context"),
            (self.cluster.is_some(), "--cluster"),
            (self.user.is_some(), "--user"),
            (self.namespace.is_some(), "-n/--namespace"),
            (self.all_namespaces, "-A/--all-namespaces"),
            (self.as_user.is_some(), "--as"),
            (!self.as_group.is_empty(), "--as-group"),
            (self.as_uid.is_some(), "--as-uid"),
            (
                self.request_timeout != Timeout::default(),
                "--request-timeout",
            ),
            (self.insecure_skip_tls_verify, "--insecure-skip-tls-verify"),
            (
                self.certificate_authority.is_some(),
                "--certificate-authority",
            ),
            (self.token.is_some(), "--token"),
            (self.server.is_some(), "-s/--server"),
        ];
        given
            .into_iter()
            .find(|(set, _)| *set)
            .map(|(_, flag)| flag)
    }
}

/// Kubernetes' name rules (namespaces, object names), where flags check them.
pub use crate::kube::{is_dns_label, is_dns_name};

/// The shared `main` of every binary: runs the command on a Tokio runtime, prints
/// an error as one line on stderr, and maps the outcome to the suite's exit code.
pub fn execute<F, Fut>(command: F) -> std::process::ExitCode
where
    F: FnOnce(Box<dyn std::io::Write>) -> Fut,
    Fut: Future<Output = Result<crate::error::Exit>>,
{
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return crate::error::Exit::Failed.into();
        }
    };
    // Every byte a command writes passes the secret mask (crate::redact) and the
    // terminal guard (crate::render::terminal).
    let stdout: Box<dyn std::io::Write> = Box::new(crate::redact::Redacting::new(
        crate::render::terminal::SafeWriter::new(std::io::BufWriter::new(std::io::stdout())),
    ));
    exit_code(runtime.block_on(command(stdout)))
}

/// Maps a command's outcome to the process exit code, printing an error as one
/// escaped line on stderr; a broken pipe (`| head`) is not an error.
pub(crate) fn exit_code(outcome: Result<crate::error::Exit>) -> std::process::ExitCode {
    match outcome {
        Ok(exit) => exit.into(),
        Err(e) if e.is_broken_pipe() => crate::error::Exit::Ok.into(),
        Err(e) => {
            let line = format!(
                "error: {}\n",
                crate::render::terminal::escape(&crate::redact::text(&e.to_string()))
            );
            // A closed stderr must not turn the exit code into a panic's 101.
            let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
            crate::error::Exit::Failed.into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_like_kubectl() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("5"), Ok(Duration::from_secs(5)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("10x").is_err());
        assert_eq!(parse_timeout("0"), Ok(Timeout(None)));
    }

    #[test]
    fn absurd_durations_are_errors_not_panics() {
        // Found while writing the fuzz targets: `from_secs_f64` and `+=` panicked.
        for text in ["99999999999999999999h", "18446744073709551615s1h", "1e"] {
            assert!(parse_duration(text).is_err(), "{text}");
        }
        assert_eq!(
            parse_duration("18446744073709551615"),
            Ok(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn flags_become_connect_options() {
        let args = ClusterArgs {
            namespace: Some("dp".into()),
            request_timeout: Timeout(None),
            as_group: vec!["g".into()],
            ..ClusterArgs::default()
        };
        let options = crate::kube::ConnectOptions::from(&args);
        assert_eq!(options.namespace.as_deref(), Some("dp"));
        assert_eq!(options.request_timeout, None);
        assert_eq!(options.as_group, ["g"]);
    }
}
