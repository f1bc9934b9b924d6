//! `perf run`: checks every input before any request, connects, runs each
//! suite in turn (a suite asked for with `--suite` that cannot run is an
//! error, a default one is skipped with why and whether its target is absent
//! or unavailable), compares against `--baseline`, writes the report and
//! decides the exit ([`gate::decide`]).

use std::io::Write;

use crate::cli::ClusterArgs;
use crate::error::{Error, Exit, Result};
use crate::kube::{Cluster, Scope};
use crate::render::{Envelope, Metadata, Output};
use crate::snapshot::Snapshot;

use super::report::{
    Environment, PerfBody, PerfReport, RunSettings, SkipCause, Skipped, TrinoResult,
};
use super::schedule::{self, Warmup};
use super::{
    Progress, RunArgs, Suite, compare, finish, gate, junit, load, output, platform, preflight,
    queries, reach, report, resources, spark, storage, trino, write_file,
};

/// Runs the suites `args` asks for and writes the report into `out`.
pub(super) async fn run_suites(
    args: &RunArgs,
    cluster_args: &ClusterArgs,
    output: &Output,
    out: &mut dyn Write,
) -> Result<Exit> {
    let inputs = read_inputs(args)?;
    let reached = reach_cluster(cluster_args, args, &inputs).await?;
    let environment = environment(&reached).await;

    let progress = Progress::new();
    let started_at = jiff::Timestamp::now();
    let mut report = empty_body(args, environment, inputs.seed);
    let mut skips = Skips::new(inputs.explicit, reached.cluster_error.as_ref());
    let run = SuiteRun {
        args,
        inputs: &inputs,
        reached: &reached,
        progress: &progress,
    };
    let mut ran = Vec::new();
    for suite in &inputs.wanted {
        let measured = match suite {
            Suite::Trino => match run.trino(&mut skips).await? {
                Some(measured) => {
                    report.settings.warmup = measured
                        .result
                        .queries
                        .iter()
                        .map(|q| q.warmup_runs)
                        .max()
                        .unwrap_or(0);
                    report.environment.trino_version = Some(measured.version);
                    report.environment.trino_endpoint = Some(measured.endpoint);
                    report.trino = Some(measured.result);
                    true
                }
                None => false,
            },
            Suite::Storage => {
                report.storage = run.storage(&mut skips).await?;
                report.storage.is_some()
            }
            Suite::Spark => {
                report.spark = run.spark(&mut skips).await?;
                report.spark.is_some()
            }
            Suite::Resources => {
                report.resources = run.resources(&mut skips).await?;
                report.resources.is_some()
            }
        };
        if measured {
            ran.push(*suite);
        }
    }
    report.settings.suites = ran.iter().map(|s| s.name().to_string()).collect();
    report.skipped = skips.skipped;
    let metadata = metadata_of(&reached, cluster_args, started_at);
    write_report(
        args,
        inputs.baseline.as_ref(),
        &report,
        metadata,
        output,
        out,
    )
}

/// What the flags say, read and checked before any request.
struct Inputs {
    query_set: Vec<queries::Query>,
    password: Option<String>,
    baseline: Option<PerfReport>,
    seed: u64,
    /// The user named the suites with `--suite`: one that cannot run is an
    /// error, where a default one is skipped.
    explicit: bool,
    /// Sorted and without repeats: the order the suites run and report in.
    wanted: Vec<Suite>,
}

/// Everything the user typed is checked before any request.
fn read_inputs(args: &RunArgs) -> Result<Inputs> {
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
    Ok(Inputs {
        query_set,
        password,
        baseline,
        seed,
        explicit,
        wanted,
    })
}

/// The cluster as far as it answered: absent, unreachable (`cluster_error`
/// is then every suite's reason to skip) or read into a snapshot.
struct Reached {
    cluster: Option<Cluster>,
    cluster_error: Option<Error>,
    scope: Option<Scope>,
    snapshot: Option<Snapshot>,
    namespace: String,
}

/// Connects when a wanted suite needs the cluster (all but trino with
/// `--trino-url`) and reads the snapshot the suites share.
async fn reach_cluster(
    cluster_args: &ClusterArgs,
    args: &RunArgs,
    inputs: &Inputs,
) -> Result<Reached> {
    let needs_cluster = inputs
        .wanted
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
            Err(e) if inputs.explicit => return Err(e),
            Err(e) => (None, Some(e)),
        },
        _ => (None, cluster_error),
    };
    let namespace = cluster_args
        .namespace
        .clone()
        .or_else(|| cluster.as_ref().map(|c| c.default_namespace().to_string()))
        .unwrap_or_else(|| "default".into());
    Ok(Reached {
        cluster,
        cluster_error,
        scope,
        snapshot,
        namespace,
    })
}

/// The cluster's version, node count and tuned settings, as far as they can be read.
async fn environment(reached: &Reached) -> Environment {
    let mut environment = Environment::default();
    if let Some(c) = &reached.cluster {
        environment.cluster_version = c.server_version().await.ok();
        environment.node_count = c
            .list_cluster::<k8s_openapi::api::core::v1::Node>(&Default::default())
            .await
            .ok()
            .filter(|nodes| nodes.is_available())
            .map(|nodes| nodes.items.len());
    }
    if let Some(s) = &reached.snapshot {
        environment.tuned_settings = platform::tuned_settings(s);
    }
    environment
}

/// The report before any suite ran: the environment and the run's settings.
fn empty_body(args: &RunArgs, environment: Environment, seed: u64) -> PerfBody {
    PerfBody {
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
    }
}

/// The suites that did not run, each with why. A suite the user asked for
/// that cannot run is an error instead.
struct Skips {
    explicit: bool,
    /// Why the cluster could not be used, when it was configured but failed.
    cluster_error: Option<String>,
    /// A configured cluster that does not answer is unavailable; none configured is absent.
    cluster_cause: SkipCause,
    skipped: Vec<Skipped>,
}

impl Skips {
    fn new(explicit: bool, cluster_error: Option<&Error>) -> Skips {
        let cluster_cause = match cluster_error {
            Some(Error::Unreachable { .. } | Error::Timeout { .. }) => SkipCause::Unavailable,
            _ => SkipCause::Absent,
        };
        Skips {
            explicit,
            cluster_error: cluster_error.map(|e| e.to_string()),
            cluster_cause,
            skipped: vec![],
        }
    }

    /// Records `suite` as skipped (or refuses, when it was asked for); never a result.
    fn skip<T>(&mut self, suite: Suite, (reason, cause): (String, SkipCause)) -> Result<Option<T>> {
        if self.explicit {
            return Err(Error::Usage(format!("perf {}: {reason}", suite.name())));
        }
        self.skipped.push(Skipped {
            suite: suite.name().into(),
            reason,
            cause,
        });
        Ok(None)
    }

    /// Skips `suite` because it needs the cluster and there is none to use.
    fn no_cluster<T>(&mut self, suite: Suite) -> Result<Option<T>> {
        let reason = match &self.cluster_error {
            Some(e) => (format!("needs the cluster: {e}"), self.cluster_cause),
            None => (
                format!("needs the cluster ({} suite)", suite.name()),
                SkipCause::Absent,
            ),
        };
        self.skip(suite, reason)
    }
}

/// What the Trino suite measured and where.
struct TrinoMeasured {
    result: TrinoResult,
    version: String,
    endpoint: String,
}

/// What every suite reads: the flags, the checked inputs, the cluster.
struct SuiteRun<'a> {
    args: &'a RunArgs,
    inputs: &'a Inputs,
    reached: &'a Reached,
    progress: &'a Progress,
}

impl SuiteRun<'_> {
    /// The query set (plus the yardstick) against the coordinator.
    async fn trino(&self, skips: &mut Skips) -> Result<Option<TrinoMeasured>> {
        let (args, reached) = (self.args, self.reached);
        let target = match reach::target(args, reached.cluster.as_ref(), reached.snapshot.as_ref())
        {
            Ok(t) => t,
            Err(None) => return skips.no_cluster(Suite::Trino),
            Err(Some(reason)) => return skips.skip(Suite::Trino, reason),
        };
        // `_forward` keeps the port-forward open while the queries run.
        let (client, endpoint, _forward, info) =
            match reach::connect(target, args, self.inputs.password.as_deref()).await {
                Ok(connected) => connected,
                // Asked for: the one-line error. By default: skipped, with why.
                Err(e) if self.inputs.explicit => return Err(e),
                Err(e) => {
                    return skips.skip(Suite::Trino, (e.to_string(), SkipCause::Unavailable));
                }
            };
        let mut queries = self.inputs.query_set.clone();
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
            seed: self.inputs.seed,
            metric: args.metric,
        };
        let result = trino::run(&client, &plan, self.progress)
            .await
            .map_err(|e| Error::Config(e.to_string()))?;
        Ok(Some(TrinoMeasured {
            result,
            version: info.version,
            endpoint,
        }))
    }

    /// PUT and GET per object size in the bucket of a claim.
    async fn storage(&self, skips: &mut Skips) -> Result<Option<report::StorageResult>> {
        let (args, reached) = (self.args, self.reached);
        let (Some(c), Some(s)) = (&reached.cluster, &reached.snapshot) else {
            return skips.no_cluster(Suite::Storage);
        };
        let claim = match storage::pick_claim(s, &reached.namespace, args.bucket_claim.as_deref()) {
            Ok(claim) => claim,
            Err(reason) => return skips.skip(Suite::Storage, (reason, SkipCause::Absent)),
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
        let result = storage::run(c, &reached.namespace, &claim, &plan, self.progress).await?;
        Ok(Some(result))
    }

    /// Spark job times: submitted runs when asked for, else the history.
    async fn spark(&self, skips: &mut Skips) -> Result<Option<report::SparkResult>> {
        let (args, reached) = (self.args, self.reached);
        let (Some(c), Some(s)) = (&reached.cluster, &reached.snapshot) else {
            return skips.no_cluster(Suite::Spark);
        };
        if !s.spark_applications.is_available() {
            let cause = match s.spark_applications.availability {
                crate::kube::Availability::NotInstalled => SkipCause::Absent,
                _ => SkipCause::Unavailable,
            };
            let reason = format!(
                "SparkApplications cannot be read ({}); is the spark-operator installed?",
                s.spark_applications.availability.describe()
            );
            return skips.skip(Suite::Spark, (reason, cause));
        }
        let submit = self.inputs.explicit || args.spark_app.is_some();
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
        let result = spark::run(c, &reached.namespace, s, &plan, self.progress).await?;
        Ok(Some(result))
    }

    /// Requests, limits and use of the platform's pods.
    async fn resources(&self, skips: &mut Skips) -> Result<Option<report::ResourcesResult>> {
        let reached = self.reached;
        let (Some(c), None) = (&reached.cluster, &reached.cluster_error) else {
            return skips.no_cluster(Suite::Resources);
        };
        match resources::run(c, &reached.namespace, reached.snapshot.as_ref()).await? {
            Ok(result) => Ok(Some(result)),
            Err(reason) => skips.skip(Suite::Resources, (reason, SkipCause::Absent)),
        }
    }
}

/// The suite's envelope metadata: the context, the scope, when the run started.
fn metadata_of(
    reached: &Reached,
    cluster_args: &ClusterArgs,
    started_at: jiff::Timestamp,
) -> Metadata {
    let context = reached
        .cluster
        .as_ref()
        .and_then(|c| c.context().map(str::to_string))
        .or_else(|| crate::kube::context_name(&cluster_args.into()));
    let scope = reached
        .scope
        .clone()
        .unwrap_or_else(|| Scope::Namespace(reached.namespace.clone()));
    Metadata::of(context, &scope, started_at)
}

/// Compares against the baseline, saves (`--save`, `--junit`), renders and
/// decides the exit.
fn write_report(
    args: &RunArgs,
    baseline: Option<&PerfReport>,
    report: &PerfBody,
    metadata: Metadata,
    output: &Output,
    out: &mut dyn Write,
) -> Result<Exit> {
    let envelope = |body: &PerfBody| Envelope::new(report::KIND, metadata.clone(), body.clone());
    // The report as read back from its JSON, the form a later run compares against.
    let mut saved: PerfReport = serde_json::to_value(envelope(report))
        .and_then(serde_json::from_value)
        .map_err(|e| Error::Output(e.into()))?;
    if let Some(old) = baseline {
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
