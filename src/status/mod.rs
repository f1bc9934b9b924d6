//! `kubectl dp status`: the health of the whole platform on one screen.

pub mod analyse;
mod manifests;
mod render;
pub mod report;

use std::io::Write;
use std::time::Duration;

use clap::Parser;

use crate::cli::watch::{Watch, WatchArgs};
use crate::cli::{ClusterArgs, FormatKind, OutputArgs};
use crate::error::{Error, Exit, Result};
use crate::findings::Severity;
use crate::kube::{Cluster, Scope};
use crate::render::Metadata;
use crate::snapshot::Snapshot;

use report::Report;

/// The `kind` of the status report envelope.
pub(crate) const KIND: &str = "StatusReport";

/// The `-o` values status can write (docs/flags.md).
pub(crate) const FORMATS: [FormatKind; 8] = [
    FormatKind::Table,
    FormatKind::Wide,
    FormatKind::Json,
    FormatKind::Yaml,
    FormatKind::Name,
    FormatKind::JsonPath,
    FormatKind::Sarif,
    FormatKind::Junit,
];

/// `--fail-on` when not given: only critical findings fail the command.
pub(crate) const DEFAULT_FAIL_ON: Severity = Severity::Critical;

/// Show the health of the data platform: Trino, Nessie, Postgres, Spark, buckets,
/// secrets, and GitOps/security compliance, with a fix for every finding.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-dp-status",
    bin_name = "kubectl dp status",
    version,
    after_help = "Exit codes: 0 healthy, 1 findings at or above --fail-on (default critical), 2 could not run (also: a namespace that does not exist or holds no platform component).\n\nExamples:\n  kubectl dp status -n data-platform\n  kubectl dp status -A -o json | jq '.findings[] | select(.severity==\"critical\")'\n  kubectl dp status -A -o json | jq '.coverage.namespaces'   # what -A covered and why\n  kubectl dp status -n data-platform -o name   # the objects with findings\n  kubectl dp status --namespace-selector team=data\n  kubectl dp status --fail-on warning   # in CI"
)]
pub struct Args {
    /// kubectl's connection flags.
    #[command(flatten)]
    pub cluster: ClusterArgs,

    /// The shared output flags.
    #[command(flatten)]
    pub output: OutputArgs,

    /// With -A: cover the namespaces whose labels match this selector
    /// (`team=data,env in (prod)`) instead of those holding platform components
    #[arg(long, value_name = "SELECTOR", conflicts_with = "namespace")]
    pub namespace_selector: Option<String>,

    /// `--watch` and `--interval`.
    #[command(flatten)]
    pub watch: WatchArgs,

    /// Namespace of the Rook operator (where rook-ceph-operator-config says which
    /// bucket settings it accepts)
    #[arg(
        long,
        default_value = "rook-ceph",
        value_name = "NAMESPACE",
        hide_short_help = true
    )]
    pub operator_namespace: String,

    /// Also ask the Trino coordinator what it sees (version, starting, registered
    /// workers, loaded catalogs) and compare it with the cluster: at --trino-url,
    /// else through a port-forward over the API server to a coordinator pod
    #[arg(long, conflicts_with = "watch")]
    pub probe: bool,

    /// The coordinator's HTTP URL for --probe (default: port-forward to its pod)
    #[arg(long, value_name = "URL", requires = "probe")]
    pub trino_url: Option<String>,

    /// Judge manifests instead of the cluster, with no cluster at all: a file, a
    /// directory, or - for standard input (repeatable; `helm template ... | kubectl dp status -f -`)
    #[arg(
        short = 'f',
        long = "filename",
        value_name = "FILE|DIR|-",
        help_heading = "Manifests (no cluster)"
    )]
    pub files: Vec<std::path::PathBuf>,

    /// With -f: read directories' subdirectories too
    #[arg(
        short = 'R',
        long,
        requires = "files",
        help_heading = "Manifests (no cluster)"
    )]
    pub recursive: bool,

    /// Judge a kustomization directory (built with `kubectl kustomize`), with no cluster at all
    #[arg(
        short = 'k',
        long = "kustomize",
        value_name = "DIR",
        help_heading = "Manifests (no cluster)"
    )]
    pub kustomize: Option<std::path::PathBuf>,

    /// With -f/-k: judge the platform after the change, the live cluster with the
    /// manifests in place of the objects they replace (needs the cluster)
    #[arg(long, help_heading = "Manifests (no cluster)")]
    pub cluster_state: bool,

    /// How many of a crashed container's last lines to show under its finding
    /// (from its previous run, as `kubectl logs --previous`); 0 reads no logs
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u16).range(0..=200), hide_short_help = true)]
    pub log_lines: u16,
}

/// Refuses what status cannot honour, before any request (docs/flags.md).
pub fn check_flags(args: &Args) -> Result<()> {
    args.cluster.validate()?;
    args.output.accept("status", &FORMATS)?;
    manifests::check_flags(args)
}

/// Gathers, analyses and renders once, or keeps doing so with `--watch`.
pub async fn run(args: Args, out: &mut dyn Write) -> Result<Exit> {
    check_flags(&args)?;
    let output = args.output.start(DEFAULT_FAIL_ON);
    if manifests::wanted(&args) {
        return manifests::run(&args, &output, out).await;
    }
    let mut cluster = Cluster::connect(&args.cluster).await?;
    let scope = match &args.namespace_selector {
        Some(_) => crate::kube::Scope::All,
        None => cluster.scope(),
    };
    crate::cli::namespace::require_existing(&cluster, &scope).await?;
    let mut watch = Watch::new(args.watch.interval);
    let mut first = true;
    loop {
        let now = jiff::Timestamp::now();
        let mut snapshot = match gather(&cluster, &scope, &args).await {
            Ok(snapshot) => snapshot,
            // An exec plugin's credential expired during the watch: run the
            // plugin again (connect) and retry once; a second 401 is the error.
            Err(Error::Unauthorized { .. }) if args.watch.watch && cluster.refreshable() => {
                tracing::info!("the credential expired; running the exec plugin again");
                cluster = Cluster::connect(&args.cluster).await?;
                gather(&cluster, &scope, &args).await?
            }
            Err(other) => return Err(other),
        };
        if args.probe {
            snapshot.engine = Some(probe(&cluster, &snapshot, args.trino_url.as_deref()).await);
        }
        let report = with_crash_logs(&cluster, &mut snapshot, now, args.log_lines).await;
        // --watch may wait for a platform on its way; a one-off report of an
        // empty namespace is a typo or the wrong context.
        if first && !args.watch.watch && args.namespace_selector.is_none() {
            require_platform(&cluster, &scope, &report, &args.operator_namespace).await?;
        }
        first = false;
        let metadata = Metadata::new(&cluster, &scope, now);
        if !args.watch.watch {
            return crate::render::emit(out, &output, metadata, &report);
        }
        watch.show(out, &output, metadata, &report)?;
        if !watch.next().await {
            return Ok(watch.exit());
        }
    }
}

async fn gather(cluster: &Cluster, scope: &Scope, args: &Args) -> Result<Snapshot> {
    let selector = args.namespace_selector.as_deref();
    Snapshot::gather_selected(cluster, scope, &args.operator_namespace, selector).await
}

/// A namespace that holds no platform component is a typo or the wrong
/// context, not a healthy platform: one line naming the namespaces that do
/// (found as `status -A` finds them).
async fn require_platform(
    cluster: &Cluster,
    scope: &Scope,
    report: &Report,
    operator_namespace: &str,
) -> Result<()> {
    let Scope::Namespace(namespace) = scope else {
        return Ok(());
    };
    if !report::holds_nothing(report) {
        return Ok(());
    }
    let holders = match Snapshot::gather(cluster, &Scope::All, operator_namespace).await {
        Ok(all) => all.coverage.names(),
        Err(_) => Vec::new(),
    };
    Err(crate::cli::namespace::nothing_here(
        namespace,
        "platform component (Trino, Nessie, Postgres, SparkApplications, ObjectBucketClaims)",
        &holders,
        "kubectl dp status -A",
    ))
}

/// The report, with the last `lines` lines of every crashed container it
/// explains: a first analysis names them, their logs are read (concurrently,
/// only those), and the report is made again with them.
async fn with_crash_logs(
    cluster: &Cluster,
    snapshot: &mut Snapshot,
    now: jiff::Timestamp,
    lines: u16,
) -> Report {
    let report = build_report(snapshot, now);
    let sources = analyse::crash_logs::sources(&report.findings);
    if lines == 0 || sources.is_empty() {
        return report;
    }
    snapshot.previous_runs = cluster.previous_runs(&sources, i64::from(lines)).await;
    if snapshot.previous_runs.is_empty() {
        return report;
    }
    build_report(snapshot, now)
}

/// Asks the coordinator at `url`, or through a port-forward over the API
/// server to a coordinator pod when no URL is given.
async fn probe(
    cluster: &Cluster,
    snapshot: &Snapshot,
    url: Option<&str>,
) -> crate::trino::probe::EngineProbe {
    use crate::trino::probe::{EngineProbe, probe_trino};
    let timeout = Duration::from_secs(10);
    if let Some(url) = url {
        return probe_trino(url, timeout, false).await;
    }
    let Some((namespace, pod, port)) = analyse::engine::coordinator_target(snapshot) else {
        return EngineProbe::skipped("", "no Trino coordinator pod to port-forward to");
    };
    match cluster.port_forward(&namespace, &pod, port).await {
        Ok(forward) => {
            let local = format!("http://{}", forward.local_addr());
            let mut probe = probe_trino(&local, timeout, true).await;
            probe.url = format!("pod/{pod}:{port} (port-forward)");
            if let Some(error) = &mut probe.error {
                *error = format!("through a port-forward to pod {pod} port {port}: {error}");
            }
            probe
        }
        Err(e) => EngineProbe::skipped("", format!("no port-forward to pod {pod}: {e}")),
    }
}

/// Analyses a snapshot into the report (pure: the same snapshot and time give the same report).
pub(crate) fn build_report(snapshot: &Snapshot, now: jiff::Timestamp) -> Report {
    let (components, findings, summary) = analyse::analyse(snapshot, now);
    Report {
        generated_at: crate::render::envelope::timestamp(now),
        scope: snapshot.scope.clone().unwrap_or(crate::kube::Scope::All),
        coverage: snapshot.coverage.clone(),
        components,
        findings,
        summary,
        manifests: None,
    }
}
