//! `kubectl dp perf`: query latency, Spark job time, S3 throughput and resource
//! use, saved as a report that a later run is compared against.
//!
//! Stages as everywhere: gather (the Trino client, S3, the API server) →
//! pure statistics ([`stats`], [`compare`], [`trino::summarise`]) → render
//! ([`render`]) into the caller's writer.

mod args;
pub mod compare;
#[cfg(test)]
mod compare_tests;
pub mod gate;
mod junit;
mod load;
mod output;
pub mod platform;
pub mod queries;
mod reach;
mod render;
mod render_compare;
mod render_engine;
pub mod report;
mod resources;
pub mod schedule;
pub(crate) mod significance;
mod spark;
pub mod stats;
pub mod storage;
mod trino;

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::cli::{ClusterArgs, FormatKind};
use crate::error::{Error, Exit, Result};
use crate::kube::Cluster;
use crate::render::{Envelope, Metadata, Output};
use crate::snapshot::Snapshot;

pub use args::{Args, Command, CompareArgs, RunArgs, Suite};
use gate::Decision;
use report::{Environment, PerfBody, PerfReport, RunSettings, SkipCause, Skipped};
use schedule::Warmup;

/// The `-o` values perf writes (docs/flags.md).
const FORMATS: [FormatKind; 6] = [
    FormatKind::Table,
    FormatKind::Wide,
    FormatKind::Json,
    FormatKind::Yaml,
    FormatKind::Name,
    FormatKind::JsonPath,
];

/// Refuses what the subcommand cannot honour, before any request (docs/flags.md).
pub fn check_flags(args: &Args) -> Result<()> {
    args.cluster.validate()?;
    args.output.accept("perf", &FORMATS)?;
    match &args.command {
        Command::Run(_) => args
            .cluster
            .refuse_all_namespaces("perf run", "it measures the platform of one namespace"),
        Command::Compare(_) => match args.cluster.first_given() {
            Some(flag) => Err(Error::Usage(format!(
                "`kubectl dp perf compare` cannot take {flag}: it compares two saved files and never reads the cluster"
            ))),
            None => Ok(()),
        },
    }
}

/// Runs `perf run` or `perf compare` and writes the result into `out`.
pub async fn run(args: Args, out: &mut dyn Write) -> Result<Exit> {
    check_flags(&args)?;
    let output = args.output.start(gate::DEFAULT_FAIL_ON);
    match &args.command {
        Command::Compare(c) => run_compare(c, &output, out),
        Command::Run(r) => run_suites(r, &args.cluster, &output, out).await,
    }
}

fn run_compare(args: &CompareArgs, output: &Output, out: &mut dyn Write) -> Result<Exit> {
    let old = load(&args.old)?;
    let new = load(&args.new)?;
    let settings = compare::Settings {
        metric: args.metric,
        alpha: compare::ALPHA,
        threshold_percent: args.threshold,
    };
    let comparison = compare::compare(&old, &new, settings);
    if let Some(path) = &args.junit {
        write_file(path, &junit::comparison(&comparison))?;
    }
    let metadata = Metadata::of(None, &crate::kube::Scope::All, jiff::Timestamp::now());
    crate::render::write(out, output, metadata, &output::CompareView(&comparison))?;
    out.flush()?;
    finish(gate::decide(
        &gate::comparison_problems(&comparison),
        &comparison.not_measured,
        output.fail_on,
        args.allow_missing,
    ))
}

/// The exit for a decision: what was not measured is an error (exit 2), one line.
fn finish(decision: Decision) -> Result<Exit> {
    match decision {
        Decision::Measured(exit) => Ok(exit),
        Decision::NotMeasured(line) => Err(Error::Config(line)),
    }
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
    crate::redact::write_file(path, text).map_err(|e| Error::Input {
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

/// `perf run`: checks every input before any request, connects, runs each
/// suite in turn (a suite asked for with `--suite` that cannot run is an
/// error, a default one is skipped with why and whether its target is absent
/// or unavailable), compares against `--baseline`, writes the report and
/// decides the exit ([`gate::decide`]). One long function on purpose: the
/// suites share the skip bookkeeping and the connection state, and each
/// branch is short and delegates to its module.
async fn run_suites(
    args: &RunArgs,
    cluster_args: &ClusterArgs,
    output: &Output,
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
    let password = reach::trino_password(args)?;
    let baseline = args.baseline.as_deref().map(load).transpose()?;
    if let Some(old) = &baseline {
        preflight(old, args)?;
    }
    let seed = args.seed.unwrap_or_else(schedule::fresh_seed);
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
    let scope = cluster.as_ref().map(|c| c.scope());
    // A namespace that does not exist is a typo: one line, with the closest
    // name. An API server that does not answer is the gate's to report: every
    // suite then says what it could not measure.
    if let (Some(c), Some(s)) = (&cluster, &scope)
        && let Err(e @ Error::NoNamespace { .. }) =
            crate::cli::namespace::require_existing(c, s).await
    {
        return Err(e);
    }
    // Connecting is lazy: the first request (the snapshot) is where an
    // unreachable API server shows; its error is every suite's reason.
    let (snapshot, cluster_error) = match (&cluster, &scope) {
        (Some(c), Some(s)) => match Snapshot::gather(c, s, "rook-ceph").await {
            Ok(snapshot) => (Some(snapshot), cluster_error),
            Err(e) if explicit => return Err(e),
            Err(e) => (None, Some(e)),
        },
        _ => (None, cluster_error),
    };
    let namespace = cluster_args
        .namespace
        .clone()
        .or_else(|| cluster.as_ref().map(|c| c.default_namespace().to_string()))
        .unwrap_or_else(|| "default".into());

    let mut environment = Environment::default();
    if let Some(c) = &cluster {
        environment.cluster_version = c.server_version().await.ok();
        environment.node_count = c
            .list_cluster::<k8s_openapi::api::core::v1::Node>(&Default::default())
            .await
            .ok()
            .filter(|nodes| nodes.is_available())
            .map(|nodes| nodes.items.len());
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
            warmup: 0,
            warmup_rule: args.warmup.label(),
            seed: Some(seed),
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
    // A configured cluster that does not answer is unavailable; none configured is absent.
    let cluster_cause = match &cluster_error {
        Some(Error::Unreachable { .. } | Error::Timeout { .. }) => SkipCause::Unavailable,
        _ => SkipCause::Absent,
    };
    let no_cluster = |suite: Suite| -> (String, SkipCause) {
        match &cluster_error {
            Some(e) => (format!("needs the cluster: {e}"), cluster_cause),
            None => (
                format!("needs the cluster ({} suite)", suite.name()),
                SkipCause::Absent,
            ),
        }
    };
    // A suite the user asked for that cannot run is an error; a default one is skipped.
    let mut skip = |suite: Suite, (reason, cause): (String, SkipCause)| -> Result<()> {
        if explicit {
            return Err(Error::Usage(format!("perf {}: {reason}", suite.name())));
        }
        report.skipped.push(Skipped {
            suite: suite.name().into(),
            reason,
            cause,
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
                let target = match reach::target(args, cluster.as_ref(), snapshot.as_ref()) {
                    Ok(t) => t,
                    Err(None) => {
                        skip(Suite::Trino, no_cluster(Suite::Trino))?;
                        continue;
                    }
                    Err(Some(reason)) => {
                        skip(Suite::Trino, reason)?;
                        continue;
                    }
                };
                let (client, endpoint, _forward, info) =
                    match reach::connect(target, args, password.as_deref()).await {
                        Ok(connected) => connected,
                        // Asked for: the one-line error. By default: skipped, with why.
                        Err(e) if explicit => return Err(e),
                        Err(e) => {
                            skip(Suite::Trino, (e.to_string(), SkipCause::Unavailable))?;
                            continue;
                        }
                    };
                trino_version = Some(info.version);
                trino_endpoint = Some(endpoint);
                let mut queries = query_set.clone();
                queries.push(queries::Query {
                    name: "yardstick".into(),
                    sql: trino::YARDSTICK.into(),
                });
                let plan = trino::Plan {
                    queries,
                    with_yardstick: true,
                    iterations: args.iterations as usize,
                    warmup: args.warmup,
                    concurrency: args.concurrency as usize,
                    timeout: args.timeout,
                    seed,
                    metric: args.metric,
                };
                let result = trino::run(&client, &plan, &progress)
                    .await
                    .map_err(|e| Error::Config(e.to_string()))?;
                report.settings.warmup = result
                    .queries
                    .iter()
                    .map(|q| q.warmup_runs)
                    .max()
                    .unwrap_or(0);
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
                        skip(Suite::Storage, (reason, SkipCause::Absent))?;
                        continue;
                    }
                };
                let plan = storage::Plan {
                    sizes: args.object_size.clone(),
                    iterations: args.iterations as usize,
                    // Storage warms up by a fixed count; auto is one object per size.
                    warmup: match args.warmup {
                        Warmup::Auto => 1,
                        Warmup::Rounds(n) => n,
                    },
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
                    let cause = match s.spark_applications.availability {
                        crate::kube::Availability::NotInstalled => SkipCause::Absent,
                        _ => SkipCause::Unavailable,
                    };
                    skip(
                        Suite::Spark,
                        (
                            format!(
                                "SparkApplications cannot be read ({}); is the spark-operator installed?",
                                s.spark_applications.availability.describe()
                            ),
                            cause,
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
                let (Some(c), None) = (&cluster, &cluster_error) else {
                    skip(Suite::Resources, no_cluster(Suite::Resources))?;
                    continue;
                };
                match resources::run(c, &namespace, snapshot.as_ref()).await? {
                    Ok(result) => {
                        resources_result = Some(result);
                        ran.push(Suite::Resources);
                    }
                    Err(reason) => skip(Suite::Resources, (reason, SkipCause::Absent))?,
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
        .or_else(|| crate::kube::context_name(&cluster_args.into()));
    let scope = scope.unwrap_or_else(|| crate::kube::Scope::Namespace(namespace.clone()));
    let metadata = Metadata::of(context, &scope, started_at);
    let envelope = |body: &PerfBody| Envelope::new(report::KIND, metadata.clone(), body.clone());
    let mut saved: PerfReport = serde_json::to_value(envelope(&report))
        .and_then(serde_json::from_value)
        .map_err(|e| Error::Output(e.into()))?;
    if let Some(old) = &baseline {
        let settings = compare::Settings {
            metric: args.metric,
            alpha: compare::ALPHA,
            threshold_percent: args.threshold,
        };
        saved.body.comparison = Some(compare::compare(old, &saved, settings));
    }
    let envelope = envelope(&saved.body);

    if let Some(path) = &args.save {
        let text = serde_json::to_string_pretty(&envelope).map_err(|e| Error::Output(e.into()))?;
        write_file(path, &(text + "\n"))?;
    }
    if let Some(path) = &args.junit {
        write_file(path, &junit::report(&saved))?;
    }
    crate::render::write(
        out,
        output,
        envelope.metadata.clone(),
        &output::RunView(&saved),
    )?;
    out.flush()?;
    finish(gate::decide(
        &gate::problems(&saved),
        &gate::not_measured(&saved),
        output.fail_on,
        args.allow_missing,
    ))
}

/// Refuses `--iterations` below what a significant change against `old` needs.
fn preflight(old: &PerfReport, args: &RunArgs) -> Result<()> {
    let comparisons = compare::series(old, args.metric, None).len().max(1);
    let min = compare::min_runs(compare::ALPHA, comparisons);
    if (args.iterations as usize) < min {
        return Err(Error::Usage(format!(
            "--iterations {} cannot show a significant change against the baseline's {}: the rank test needs at least {min} runs on each side (alpha {}, Holm); pass --iterations {min} or more",
            args.iterations,
            crate::render::count(comparisons, "measurement", "measurements"),
            compare::ALPHA
        )));
    }
    Ok(())
}
