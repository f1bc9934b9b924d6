//! `kubectl dp status`: the health of the whole platform on one screen.

pub mod analyse;
mod render;
pub mod report;

use std::io::Write;
use std::time::Duration;

use clap::Parser;

use crate::cli::{ClusterArgs, FormatKind, OutputArgs, OutputFormat, Palette};
use crate::error::{Exit, Result};
use crate::findings::Severity;
use crate::kube::Cluster;
use crate::render::{Envelope, Metadata};
use crate::snapshot::Snapshot;

use report::Report;

/// The `kind` of the status report envelope.
pub const KIND: &str = "StatusReport";

/// The `-o` values status can write.
pub const FORMATS: [FormatKind; 5] = [
    FormatKind::Table,
    FormatKind::Wide,
    FormatKind::Json,
    FormatKind::Yaml,
    FormatKind::JsonPath,
];

/// `--fail-on` when not given: only critical findings fail the command.
pub const DEFAULT_FAIL_ON: Severity = Severity::Critical;

/// Show the health of the data platform: Trino, Nessie, Postgres, Spark, buckets,
/// secrets, and GitOps/security compliance, with a fix for every finding.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-dp-status",
    bin_name = "kubectl dp status",
    version,
    after_help = "Exit codes: 0 healthy, 1 findings at or above --fail-on, 2 could not run.\n\nExamples:\n  kubectl dp status -n data-platform\n  kubectl dp status -A -o json | jq '.findings[] | select(.severity==\"critical\")'\n  kubectl dp status -A -o json | jq '.coverage.namespaces'   # what -A covered and why\n  kubectl dp status --namespace-selector team=data\n  kubectl dp status --fail-on warning   # in CI"
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

    /// Keep running and redraw when the platform changes
    #[arg(short = 'w', long)]
    pub watch: bool,

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

    /// How many of a crashed container's last lines to show under its finding
    /// (from its previous run, as `kubectl logs --previous`); 0 reads no logs
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u16).range(0..=200), hide_short_help = true)]
    pub log_lines: u16,

    /// How often --watch looks for changes
    #[arg(long, default_value = "5s", value_parser = crate::cli::parse_duration, requires = "watch", hide_short_help = true)]
    pub interval: Duration,
}

/// Gathers, analyses and renders once, or keeps doing so with `--watch`.
pub async fn run(args: Args, out: &mut dyn Write) -> Result<Exit> {
    let palette = args.output.start();
    args.output.accept("status", &FORMATS)?;
    let fail_on = args.output.fail_on_or(DEFAULT_FAIL_ON);
    let cluster = Cluster::connect(&args.cluster).await?;
    let scope = match &args.namespace_selector {
        Some(_) => crate::kube::Scope::All,
        None => cluster.scope(),
    };
    let selector = args.namespace_selector.as_deref();
    cluster.require_namespace(&scope).await?;
    if !args.watch {
        let now = jiff::Timestamp::now();
        let mut snapshot =
            Snapshot::gather_selected(&cluster, &scope, &args.operator_namespace, selector).await?;
        if args.probe {
            snapshot.engine = Some(probe(&cluster, &snapshot, args.trino_url.as_deref()).await);
        }
        let report = with_crash_logs(&cluster, &mut snapshot, now, args.log_lines).await;
        let metadata = Metadata::new(&cluster, &scope, now);
        write_report(&report, metadata, &args, &palette, out)?;
        return Ok(exit_for(&report, fail_on));
    }
    let mut cluster = cluster;
    let mut last_shown: Option<u64> = None;
    let mut exit = Exit::Ok;
    loop {
        let now = jiff::Timestamp::now();
        let gathered =
            Snapshot::gather_selected(&cluster, &scope, &args.operator_namespace, selector).await;
        let mut snapshot = match gathered {
            Ok(snapshot) => snapshot,
            // An exec plugin's credential expired during the watch: run the
            // plugin again (connect) and retry once; a second 401 is the error.
            Err(crate::error::Error::Unauthorized { .. }) if cluster.refreshable() => {
                tracing::info!("the credential expired; running the exec plugin again");
                cluster = Cluster::connect(&args.cluster).await?;
                Snapshot::gather_selected(&cluster, &scope, &args.operator_namespace, selector)
                    .await?
            }
            Err(other) => return Err(other),
        };
        let report = with_crash_logs(&cluster, &mut snapshot, now, args.log_lines).await;
        // Redraw only when what the report says changes, not on every poll and
        // not on churn in objects the report does not show.
        let content = content_hash(&report);
        if last_shown != Some(content) {
            if matches!(args.output.format, OutputFormat::Table | OutputFormat::Wide) {
                use std::io::IsTerminal;
                if std::io::stdout().is_terminal() {
                    // Clear the screen and home the cursor, like `watch`.
                    write!(out, "{}", crate::render::terminal::CLEAR_SCREEN)?;
                } else if last_shown.is_some() {
                    // Redirected: one report after another, never terminal codes.
                    writeln!(out, "---")?;
                }
            }
            last_shown = Some(content);
            let metadata = Metadata::new(&cluster, &scope, now);
            write_report(&report, metadata, &args, &palette, out)?;
            out.flush()?;
            exit = exit_for(&report, fail_on);
        }
        tokio::select! {
            _ = tokio::time::sleep(args.interval) => {}
            _ = tokio::signal::ctrl_c() => return Ok(exit),
        }
    }
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

/// A hash of the report without its timestamp.
fn content_hash(report: &Report) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(&(
        &report.components,
        &report.findings,
        &report.summary,
        &report.coverage,
    ))
    .unwrap_or_default()
    .hash(&mut hasher);
    hasher.finish()
}

/// Analyses a snapshot into the report (pure: the same snapshot and time give the same report).
pub fn build_report(snapshot: &Snapshot, now: jiff::Timestamp) -> Report {
    let (components, findings, summary) = analyse::analyse(snapshot, now);
    Report {
        generated_at: crate::render::envelope::timestamp(now),
        scope: snapshot.scope.clone().unwrap_or(crate::kube::Scope::All),
        coverage: snapshot.coverage.clone(),
        components,
        findings,
        summary,
    }
}

fn write_report(
    report: &Report,
    metadata: Metadata,
    args: &Args,
    palette: &Palette,
    out: &mut dyn Write,
) -> Result<()> {
    let format = &args.output.format;
    if format.is_structured() {
        return crate::render::structured(out, format, &Envelope::new(KIND, metadata, report));
    }
    render::table(out, report, palette, format.is_wide())
}

/// Exit 1 when a finding is at least `fail_on` ([`crate::findings::exit_for`]).
pub fn exit_for(report: &Report, fail_on: Severity) -> Exit {
    crate::findings::exit_for(&report.findings, fail_on)
}
