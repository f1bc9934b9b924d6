//! `kubectl dp perf`: query latency, Spark job time, S3 throughput and resource
//! use, saved as a report that a later run is compared against.
//!
//! Stages as everywhere: gather (the Trino client, S3, the API server) →
//! pure statistics ([`stats`], [`compare`], [`trino::summarise`]) → render
//! ([`render`]) into the caller's writer.

mod args;
pub mod compare;
mod junit;
pub mod platform;
pub mod queries;
mod render;
pub mod report;
mod resources;
mod spark;
pub mod stats;
pub mod storage;
mod trino;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use crate::cli::{ClusterArgs, FormatKind, OutputArgs, OutputFormat, Palette};
use crate::error::{Error, Exit, Result};
use crate::kube::Cluster;
use crate::render::{Envelope, Metadata};
use crate::snapshot::Snapshot;

pub use args::{Args, Command, CompareArgs, RunArgs, Suite};
use report::{Environment, PerfBody, PerfReport, RunSettings, Skipped};

/// The `-o` values perf writes.
const FORMATS: [FormatKind; 4] = [
    FormatKind::Table,
    FormatKind::Json,
    FormatKind::Yaml,
    FormatKind::JsonPath,
];

/// Runs `perf run` or `perf compare` and writes the result into `out`.
pub async fn run(args: Args, out: &mut dyn Write) -> Result<Exit> {
    let palette = args.output.start();
    args.output.accept("perf", &FORMATS)?;
    match &args.command {
        Command::Compare(c) => run_compare(c, &args.output, &palette, out),
        Command::Run(r) => run_suites(r, &args.cluster, &args.output, &palette, out).await,
    }
}

fn run_compare(
    args: &CompareArgs,
    output: &OutputArgs,
    palette: &Palette,
    out: &mut dyn Write,
) -> Result<Exit> {
    let old = load(&args.old)?;
    let new = load(&args.new)?;
    let comparison = compare::compare(&old, &new, args.max_regression);
    if let Some(path) = &args.junit {
        write_file(path, &junit::comparison(&comparison))?;
    }
    match &output.format {
        OutputFormat::Table => render::comparison(out, &comparison, palette)?,
        format => {
            let metadata = Metadata::of(None, &crate::kube::Scope::All, jiff::Timestamp::now());
            crate::render::structured(
                out,
                format,
                &Envelope::new("PerfComparison", metadata, &comparison),
            )?
        }
    }
    Ok(if comparison.regressions > 0 {
        Exit::Problems
    } else {
        Exit::Ok
    })
}

/// Reads a saved report, with one line naming the file when it is not one.
pub fn load(path: &Path) -> Result<PerfReport> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        reason: format!("cannot read it: {e}"),
    })?;
    // JSON as --save writes it; YAML as -o yaml prints it.
    let parsed: std::result::Result<PerfReport, String> = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        serde_saphyr::from_str(&text).map_err(|e| e.to_string())
    };
    let report = parsed.map_err(|e| Error::Input {
        path: path.to_path_buf(),
        reason: format!(
            "not a perf report (from `kubectl dp perf run --save`): {}",
            e.lines().next().unwrap_or_default()
        ),
    })?;
    if report.kind != report::KIND {
        return Err(Error::Input {
            path: path.to_path_buf(),
            reason: format!("kind is {}, not {}", report.kind, report::KIND),
        });
    }
    Ok(report)
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        reason: format!("cannot write it: {e}"),
    })
}

/// A one-line progress display on stderr, only when stderr is a terminal.
pub struct Progress {
    enabled: bool,
}

impl Progress {
    /// Drawn only when stderr is a terminal.
    pub fn new() -> Progress {
        Progress {
            enabled: std::io::stderr().is_terminal(),
        }
    }

    /// Replaces the progress line.
    pub fn show(&self, text: &str) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{text}");
            let _ = err.flush();
        }
    }

    /// Removes the progress line.
    pub fn clear(&self) {
        if self.enabled {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

impl Default for Progress {
    fn default() -> Self {
        Progress::new()
    }
}

/// Reads the Trino password from where the flags say; never from a flag value.
fn trino_password(args: &RunArgs) -> Result<Option<String>> {
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

async fn run_suites(
    args: &RunArgs,
    cluster_args: &ClusterArgs,
    output: &OutputArgs,
    palette: &Palette,
    out: &mut dyn Write,
) -> Result<Exit> {
    // Everything the user typed is checked before any request.
    let schema = queries::schema_for_scale(&args.scale).map_err(Error::Usage)?;
    let query_set = match &args.sql_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| Error::Input {
                path: path.clone(),
                reason: format!("cannot read it: {e}"),
            })?;
            queries::parse_sql_file(&text).map_err(|reason| Error::Input {
                path: path.clone(),
                reason,
            })?
        }
        None => queries::builtin(&schema),
    };
    let password = trino_password(args)?;
    let baseline = args.baseline.as_deref().map(load).transpose()?;
    let explicit = !args.suite.is_empty();
    let mut wanted: Vec<Suite> = if explicit {
        args.suite.clone()
    } else {
        vec![Suite::Trino, Suite::Spark, Suite::Storage, Suite::Resources]
    };
    wanted.sort();
    wanted.dedup();

    // The cluster is needed by every suite except trino with --trino-url.
    let needs_cluster = wanted
        .iter()
        .any(|s| *s != Suite::Trino || args.trino_url.is_none());
    let (cluster, cluster_error) = if needs_cluster {
        match Cluster::connect(cluster_args).await {
            Ok(c) => (Some(c), None),
            Err(e) => (None, Some(e)),
        }
    } else {
        (None, None)
    };
    let scope = cluster.as_ref().map(|c| c.scope(cluster_args));
    let snapshot = match (&cluster, &scope) {
        (Some(c), Some(s)) => match Snapshot::gather(c, s, "rook-ceph").await {
            Ok(snapshot) => Some(snapshot),
            Err(e) if explicit => return Err(e),
            Err(_) => None,
        },
        _ => None,
    };
    let namespace = cluster_args
        .namespace
        .clone()
        .or_else(|| cluster.as_ref().map(|c| c.default_namespace().to_string()))
        .unwrap_or_else(|| "default".into());

    let mut environment = Environment::default();
    if let Some(c) = &cluster {
        environment.cluster_version = c.server_version().await.ok();
        environment.node_count = c.node_count().await.ok();
    }
    if let Some(s) = &snapshot {
        environment.tuned_settings = platform::tuned_settings(s);
    }

    let progress = Progress::new();
    let started_at = jiff::Timestamp::now();
    let mut report = PerfBody {
        environment,
        settings: RunSettings {
            suites: vec![],
            iterations: args.iterations as usize,
            warmup: args.warmup as usize,
            concurrency: args.concurrency as usize,
            timeout_seconds: args.timeout.as_secs_f64(),
            scale: args.sql_file.is_none().then(|| args.scale.clone()),
        },
        trino: None,
        storage: None,
        spark: None,
        resources: None,
        skipped: vec![],
        comparison: None,
    };
    let no_cluster = |suite: Suite| -> String {
        match &cluster_error {
            Some(e) => format!("needs the cluster: {e}"),
            None => format!("needs the cluster ({} suite)", suite.name()),
        }
    };
    // A suite the user asked for that cannot run is an error; a default one is skipped.
    let mut skip = |suite: Suite, reason: String| -> Result<()> {
        if explicit {
            return Err(Error::Usage(format!("perf {}: {reason}", suite.name())));
        }
        report.skipped.push(Skipped {
            suite: suite.name().into(),
            reason,
        });
        Ok(())
    };

    let mut ran = Vec::new();
    let mut trino_result = None;
    let mut storage_result = None;
    let mut spark_result = None;
    let mut resources_result = None;
    let mut trino_version = None;
    let mut trino_endpoint = None;
    for suite in &wanted {
        match suite {
            Suite::Trino => {
                let target = match (&args.trino_url, &cluster, &snapshot) {
                    (Some(url), _, _) => Ok(TrinoTarget::Url(url.clone())),
                    (None, Some(c), Some(s)) => match platform::find_coordinator(s) {
                        Ok(coordinator) => {
                            Ok(TrinoTarget::Forward(Box::new((c.clone(), coordinator))))
                        }
                        Err(reason) => Err(format!("{reason}; pass --trino-url")),
                    },
                    (None, _, _) => Err(no_cluster(Suite::Trino)),
                };
                let target = match target {
                    Ok(t) => t,
                    Err(reason) => {
                        skip(Suite::Trino, reason)?;
                        continue;
                    }
                };
                let connected = match connect_trino(target, args, password.as_deref()).await {
                    Ok((client, endpoint, forward)) => match client.info().await {
                        Ok(info) => Ok((client, endpoint, forward, info)),
                        Err(e) if args.trino_url.is_some() => Err(Error::Config(format!(
                            "{e}; is the coordinator up? (perf trino needs it)"
                        ))),
                        Err(e) => Err(Error::Config(format!(
                            "{e} ({endpoint}); is the coordinator up? pass --trino-url to reach Trino another way"
                        ))),
                    },
                    Err(e) => Err(e),
                };
                let (client, endpoint, _forward, info) = match connected {
                    Ok(connected) => connected,
                    // Asked for: the one-line error. By default: skipped, with why.
                    Err(e) if explicit => return Err(e),
                    Err(e) => {
                        skip(Suite::Trino, e.to_string())?;
                        continue;
                    }
                };
                trino_version = Some(info.version);
                trino_endpoint = Some(endpoint);
                let plan = trino::Plan {
                    queries: query_set.clone(),
                    iterations: args.iterations as usize,
                    warmup: args.warmup as usize,
                    concurrency: args.concurrency as usize,
                    timeout: args.timeout,
                };
                let result = trino::run(&client, &plan, &progress)
                    .await
                    .map_err(|e| Error::Config(e.to_string()))?;
                trino_result = Some(result);
                ran.push(Suite::Trino);
            }
            Suite::Storage => {
                let (Some(c), Some(s)) = (&cluster, &snapshot) else {
                    skip(Suite::Storage, no_cluster(Suite::Storage))?;
                    continue;
                };
                let claim = match storage::pick_claim(s, &namespace, args.bucket_claim.as_deref()) {
                    Ok(claim) => claim,
                    Err(reason) => {
                        skip(Suite::Storage, reason)?;
                        continue;
                    }
                };
                let plan = storage::Plan {
                    sizes: args.object_size.clone(),
                    iterations: args.iterations as usize,
                    warmup: args.warmup as usize,
                    concurrency: args.concurrency as usize,
                    timeout: args.timeout,
                    s3_endpoint: args.s3_endpoint.clone(),
                    s3_ca_file: args.s3_ca_file.clone(),
                    s3_addressing: args.s3_addressing,
                    s3_tls_server_name: args.s3_tls_server_name.clone(),
                    multipart_threshold: args.multipart_threshold,
                };
                let result = storage::run(c, &namespace, &claim, &plan, &progress).await?;
                storage_result = Some(result);
                ran.push(Suite::Storage);
            }
            Suite::Spark => {
                let (Some(c), Some(s)) = (&cluster, &snapshot) else {
                    skip(Suite::Spark, no_cluster(Suite::Spark))?;
                    continue;
                };
                if !s.spark_applications.is_available() {
                    skip(
                        Suite::Spark,
                        format!(
                            "SparkApplications cannot be read ({}); is the spark-operator installed?",
                            s.spark_applications.availability.describe()
                        ),
                    )?;
                    continue;
                }
                let submit = explicit || args.spark_app.is_some();
                let plan = spark::Plan {
                    manifest: args.spark_app.clone(),
                    image: args.spark_image.clone(),
                    iterations: if submit && !args.history {
                        args.iterations as usize
                    } else {
                        0
                    },
                    timeout: args.timeout,
                };
                let result = spark::run(c, &namespace, s, &plan, &progress).await?;
                spark_result = Some(result);
                ran.push(Suite::Spark);
            }
            Suite::Resources => {
                let Some(c) = &cluster else {
                    skip(Suite::Resources, no_cluster(Suite::Resources))?;
                    continue;
                };
                match resources::run(c, &namespace, snapshot.as_ref()).await? {
                    Ok(result) => {
                        resources_result = Some(result);
                        ran.push(Suite::Resources);
                    }
                    Err(reason) => skip(Suite::Resources, reason)?,
                }
            }
        }
    }
    report.environment.trino_version = trino_version;
    report.environment.trino_endpoint = trino_endpoint;
    report.settings.suites = ran.iter().map(|s| s.name().to_string()).collect();
    report.trino = trino_result;
    report.storage = storage_result;
    report.spark = spark_result;
    report.resources = resources_result;
    // The suite's envelope: apiVersion, kind PerfReport, metadata.
    let context = cluster
        .as_ref()
        .and_then(|c| c.context().map(str::to_string))
        .or_else(|| crate::kube::perf::context_name(cluster_args));
    let scope = scope.unwrap_or_else(|| crate::kube::Scope::Namespace(namespace.clone()));
    let metadata = Metadata::of(context, &scope, started_at);
    let envelope = |body: &PerfBody| Envelope::new(report::KIND, metadata.clone(), body.clone());
    let mut saved: PerfReport = serde_json::to_value(envelope(&report))
        .and_then(serde_json::from_value)
        .map_err(|e| Error::Output(e.into()))?;
    if let Some(old) = &baseline {
        saved.body.comparison = Some(compare::compare(old, &saved, args.max_regression));
    }
    let envelope = envelope(&saved.body);

    if let Some(path) = &args.save {
        let text = serde_json::to_string_pretty(&envelope).map_err(|e| Error::Output(e.into()))?;
        write_file(path, &(text + "\n"))?;
    }
    if let Some(path) = &args.junit {
        write_file(path, &junit::report(&saved))?;
    }
    match &output.format {
        OutputFormat::Table => render::report(out, &saved, palette)?,
        format => crate::render::structured(out, format, &envelope)?,
    }
    Ok(exit_for(&saved))
}

/// 1 when a query or S3 operation failed, a Spark job did not complete, clean-up
/// left something behind, or a significant regression beyond the threshold.
pub fn exit_for(report: &PerfReport) -> Exit {
    let trino_failed = report
        .trino
        .as_ref()
        .is_some_and(|t| t.queries.iter().any(|q| !q.failures.is_empty()));
    let storage_failed = report.storage.as_ref().is_some_and(|s| {
        !s.cleanup_errors.is_empty() || s.operations.iter().any(|o| !o.failures.is_empty())
    });
    let spark_failed = report
        .spark
        .as_ref()
        .is_some_and(|s| s.runs.iter().any(|r| r.state != "COMPLETED"));
    let regressed = report
        .comparison
        .as_ref()
        .is_some_and(|c| c.regressions > 0);
    if trino_failed || storage_failed || spark_failed || regressed {
        Exit::Problems
    } else {
        Exit::Ok
    }
}

enum TrinoTarget {
    Url(String),
    Forward(Box<(Cluster, platform::Coordinator)>),
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
