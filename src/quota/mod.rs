//! `kubectl dp quota`: where the capacity went (ResourceQuotas, LimitRanges,
//! nodes) and, with `check`, whether a change about to be merged fits.

mod apply;
pub mod check;
pub mod manifests;
pub mod measured;
pub mod plan;
pub mod show;

use std::io::Write;

use clap::{Parser, Subcommand, ValueEnum};

use k8s_openapi::api::core::v1::{LimitRange, Node, ResourceQuota};
use kube::api::ListParams;
use serde::Serialize;

use crate::cli::watch::{Watch, WatchArgs};
use crate::cli::{ClusterArgs, FormatKind, OutputArgs};
use crate::error::{Exit, Result};
use crate::findings::Severity;
use crate::kube::metrics::PodUsage;
use crate::kube::{Cluster, Listing, Scope};

/// The `-o` values of `quota` and `quota check`: the suite's formats plus CSV.
pub(crate) const TABLE_FORMATS: [FormatKind; 7] = [
    FormatKind::Table,
    FormatKind::Wide,
    FormatKind::Json,
    FormatKind::Yaml,
    FormatKind::Name,
    FormatKind::JsonPath,
    FormatKind::Csv,
];

/// `--fail-on` of `quota` and `quota check` when not given: only critical
/// findings (a change that does not fit) fail; `--fail-on info` also fails on
/// what could not be read.
pub(crate) const DEFAULT_FAIL_ON: Severity = Severity::Critical;

/// Show ResourceQuota and LimitRange usage and the nodes' allocatable against
/// what the pods ask for; `check` tells whether manifests would fit.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-dp-quota",
    bin_name = "kubectl dp quota",
    version,
    args_conflicts_with_subcommands = false,
    after_help = "Exit codes: 0 ok (check: fits), 1 check: does not fit, or anything at or above --fail-on (info: also what could not be read), 2 could not run, bad input, or a namespace that does not exist or holds nothing quota counts.\n\nExamples:\n  kubectl dp quota -n data-platform\n  kubectl dp quota -A --by node\n  kubectl dp quota -A --by node --node-selector pool=trino   # one node pool\n  kubectl dp quota -A -l team=data -o name   # the quotas and limit ranges labelled team=data\n  kubectl dp quota -n data-platform --watch\n  kubectl dp quota -n data-platform --usage   # what pods use now (metrics-server)\n  kubectl dp quota --by component -o csv > usage.csv\n  kubectl dp quota check -n data-platform -k overlays/prod   # in CI, before merge\n  kubectl dp quota plan -n data-platform --memory 80Gi --cpu 30 > policies/quota.yaml\n  kubectl dp quota plan -n data-platform --apply --dry-run=server"
)]
pub struct Args {
    /// kubectl's connection flags.
    #[command(flatten)]
    pub cluster: ClusterArgs,

    /// The shared output flags.
    #[command(flatten)]
    pub output: OutputArgs,

    /// Break the node view down by node, namespace, platform component or pod
    #[arg(long, value_enum, value_name = "GROUP", help_heading = "Options")]
    pub by: Option<By>,

    /// Also show what pods use now (metrics.k8s.io, from metrics-server) against
    /// their requests and limits, per node, namespace and pod
    #[arg(short = 'u', long, help_heading = "Options")]
    pub usage: bool,

    /// Only the ResourceQuotas and LimitRanges with these labels (kubectl's label
    /// selector, e.g. team=data); the node view still counts every pod
    #[arg(short = 'l', long, value_name = "SELECTOR", help_heading = "Options")]
    pub selector: Option<String>,

    /// Only the nodes whose labels match (a node pool: `pool=trino`); the node
    /// view then counts only the pods scheduled on them
    #[arg(long, value_name = "SELECTOR", help_heading = "Options")]
    pub node_selector: Option<String>,

    /// `--watch` and `--interval`.
    #[command(flatten)]
    pub watch: WatchArgs,

    /// `check` or `plan`; none shows the usage.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands of `kubectl dp quota`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Would applying these manifests fit the quotas, the LimitRange and the nodes?
    Check(check::CheckArgs),
    /// Propose a ResourceQuota and LimitRange for the namespace (YAML; --apply to apply)
    Plan(plan::PlanArgs),
}

/// How `--by` groups the node view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    /// One row per node, against its own allocatable
    Node,
    /// One row per namespace
    Namespace,
    /// Trino coordinator/workers, Spark drivers/executors, Nessie, Postgres, other
    Component,
    /// One row per pod
    Pod,
}

impl By {
    /// How `--by` is written.
    pub fn name(self) -> &'static str {
        match self {
            By::Node => "node",
            By::Namespace => "namespace",
            By::Component => "component",
            By::Pod => "pod",
        }
    }
}

pub use crate::kube::active_pods;

/// Reads quotas, LimitRanges, active pods and nodes concurrently. Pods are
/// read cluster-wide (node usage needs every pod) and fall back to the scope
/// when that is forbidden.
/// `selector` (a label selector) limits the quotas and LimitRanges,
/// `node_selector` the nodes to a pool.
pub async fn gather(
    cluster: &Cluster,
    scope: &Scope,
    selector: Option<&str>,
    node_selector: Option<&str>,
) -> Result<show::Gathered> {
    let all = match selector {
        Some(selector) => ListParams::default().labels(selector),
        None => ListParams::default(),
    };
    let active = active_pods();
    let node_params = match node_selector {
        Some(selector) => ListParams::default().labels(selector),
        None => ListParams::default(),
    };
    let (quotas, limit_ranges, pods, nodes) = tokio::try_join!(
        cluster.list::<ResourceQuota>(scope, &all),
        cluster.list::<LimitRange>(scope, &all),
        cluster.list_pod_resources(&Scope::All, &active),
        cluster.list_cluster::<Node>(&node_params),
    )?;
    let (pods, pods_cluster_wide) = if pods.is_forbidden() && *scope != Scope::All {
        (
            cluster.list_pod_resources(scope, &active_pods()).await?,
            false,
        )
    } else {
        (pods, true)
    };
    Ok(show::Gathered {
        scope: scope.clone(),
        quotas,
        limit_ranges,
        pods,
        pods_cluster_wide,
        nodes,
        selector: selector.map(str::to_string),
        node_selector: node_selector.map(str::to_string),
    })
}

/// The pods' measured usage, cluster-wide (node rows need every pod) or, when
/// that is forbidden, in the scope.
pub(crate) async fn gather_usage(cluster: &Cluster, scope: &Scope) -> Result<Listing<PodUsage>> {
    let all = cluster.pod_usage(&Scope::All).await?;
    if all.is_forbidden() && *scope != Scope::All {
        return cluster.pod_usage(scope).await;
    }
    Ok(all)
}

/// Refuses what the subcommand cannot honour, before any request (docs/flags.md).
pub fn check_flags(args: &Args) -> Result<()> {
    args.cluster.validate()?;
    match &args.command {
        None => args.output.accept("quota", &show::FORMATS),
        Some(Command::Check(_)) => {
            args.output.accept("quota check", &TABLE_FORMATS)?;
            args.cluster.refuse_all_namespaces(
                "quota check",
                "it works on the manifests' namespaces (use -n for objects without one)",
            )
        }
        Some(Command::Plan(_)) => {
            args.output.accept("quota plan", &plan::FORMATS)?;
            args.cluster
                .refuse_all_namespaces("quota plan", "it sizes one namespace")?;
            args.output.refuse_fail_on(
                "quota plan",
                "it proposes objects and grades nothing (quota check does)",
            )
        }
    }
}

/// Runs `kubectl dp quota` (show, check or plan).
pub async fn run(args: Args, out: &mut dyn Write) -> Result<Exit> {
    check_flags(&args)?;
    let output = args.output.start(DEFAULT_FAIL_ON);
    match args.command {
        Some(Command::Check(check_args)) => {
            return check::run(&args.cluster, &output, check_args, out).await;
        }
        Some(Command::Plan(plan_args)) => {
            return plan::run(&args.cluster, &output, plan_args, out).await;
        }
        None => {}
    }
    let cluster = Cluster::connect(&args.cluster).await?;
    let scope = cluster.scope();
    crate::cli::namespace::require_existing(&cluster, &scope).await?;
    let mut watch = Watch::new(args.watch.interval);
    let mut first = true;
    loop {
        let now = jiff::Timestamp::now();
        let report = show_report(&cluster, &scope, &args, now).await?;
        // --watch may wait for a namespace to fill; a one-off view of an empty one is a typo.
        if first && !args.watch.watch {
            require_something(&report)?;
        }
        first = false;
        let metadata = crate::render::Metadata::new(&cluster, &scope, now);
        if !args.watch.watch {
            return crate::render::emit(out, &output, metadata, &report);
        }
        watch.show(out, &output, metadata, &report)?;
        if !watch.next().await {
            return Ok(watch.exit());
        }
    }
}

/// A namespace with no ResourceQuota, no LimitRange and no pod (all read, no
/// `-l`) is a typo or the wrong one: one line naming the namespaces that hold pods.
fn require_something(report: &show::QuotaReport) -> Result<()> {
    let Scope::Namespace(namespace) = &report.scope else {
        return Ok(());
    };
    let read_all = ["resourcequotas", "limitranges", "pods"]
        .iter()
        .all(|plural| !report.not_checked.iter().any(|n| n == plural));
    let empty =
        report.quotas.is_empty() && report.limit_ranges.is_empty() && !report.scope_has_pods;
    if report.selector.is_some() || !read_all || !empty {
        return Ok(());
    }
    Err(crate::cli::namespace::nothing_here(
        namespace,
        "ResourceQuota, LimitRange or pod",
        &report.pod_namespaces,
        "kubectl get pods -A",
    ))
}

/// Reads and builds the quota view once.
async fn show_report(
    cluster: &Cluster,
    scope: &Scope,
    args: &Args,
    now: jiff::Timestamp,
) -> Result<show::QuotaReport> {
    let (selector, node_selector) = (args.selector.as_deref(), args.node_selector.as_deref());
    let (gathered, metrics) = if args.usage {
        tokio::try_join!(
            gather(cluster, scope, selector, node_selector),
            gather_usage(cluster, scope)
        )?
    } else {
        (
            gather(cluster, scope, selector, node_selector).await?,
            Listing::default(),
        )
    };
    if gathered.nothing_readable() {
        // A list that failed for another reason than RBAC says that reason.
        if let crate::kube::Availability::Failed(_) = &gathered.pods.availability {
            gathered.pods.clone().require("pods", scope)?;
        }
        return Err(crate::error::Error::Forbidden {
            user: cluster.user_name().to_string(),
            verb: "list".into(),
            resource: "resourcequotas, limitranges, pods or nodes".into(),
            scope: format!(" in {}", scope.describe()),
        });
    }
    let mut report = show::build(&gathered, args.by, now);
    if args.usage {
        report.usage = Some(measured::view(
            &gathered.pods.items,
            &gathered.nodes.items,
            &metrics.items,
            &metrics.availability,
            scope,
            now,
        ));
    }
    Ok(report)
}
