//! `kubectl dp quota`: where the capacity went (ResourceQuotas, LimitRanges,
//! nodes) and, with `check`, whether a change about to be merged fits.

pub mod check;
pub mod manifests;
pub mod measured;
pub mod plan;
pub mod show;
pub mod usage;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use k8s_openapi::api::core::v1::{LimitRange, Node, Pod, ResourceQuota};
use kube::api::ListParams;
use serde::Serialize;

use crate::cli::{ClusterArgs, ColorChoice, Palette};
use crate::error::{Exit, Result};
use crate::kube::metrics::PodUsage;
use crate::kube::{Cluster, Listing, Scope};

/// Show ResourceQuota and LimitRange usage and the nodes' allocatable against
/// what the pods ask for; `check` tells whether manifests would fit.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-dp-quota",
    bin_name = "kubectl dp quota",
    version,
    args_conflicts_with_subcommands = false,
    after_help = "Exit codes: 0 ok (check: fits), 1 check: does not fit, 2 could not run or bad input.\n\nExamples:\n  kubectl dp quota -n data-platform\n  kubectl dp quota -A --by node\n  kubectl dp quota -n data-platform --usage   # what pods use now (metrics-server)\n  kubectl dp quota --by component -o csv > usage.csv\n  kubectl dp quota check -n data-platform -k overlays/prod   # in CI, before merge\n  kubectl dp quota plan -n data-platform --memory 80Gi --cpu 30 > policies/quota.yaml\n  kubectl dp quota plan -n data-platform --apply --dry-run=server"
)]
pub struct Args {
    #[command(flatten)]
    pub cluster: ClusterArgs,

    #[command(flatten)]
    pub output: QuotaOutputArgs,

    /// Break the node view down by node, namespace, platform component or pod
    #[arg(long, value_enum, value_name = "GROUP", help_heading = "Options")]
    pub by: Option<By>,

    /// Also show what pods use now (metrics.k8s.io, from metrics-server) against
    /// their requests and limits, per node, namespace and pod
    #[arg(short = 'u', long, help_heading = "Options")]
    pub usage: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Would applying these manifests fit the quotas, the LimitRange and the nodes?
    Check(check::CheckArgs),
    /// Propose a ResourceQuota and LimitRange for the namespace (YAML; --apply to apply)
    Plan(plan::PlanArgs),
}

/// `-o`, `--color`, `-v` for quota: the suite's formats plus CSV.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Output")]
pub struct QuotaOutputArgs {
    /// Output format
    #[arg(short = 'o', long = "output", global = true, value_enum, default_value_t = QuotaFormat::Table)]
    pub format: QuotaFormat,

    /// When to use colours (auto: only on a terminal, never when NO_COLOR is set)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Say more
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum QuotaFormat {
    /// Tables for people
    #[default]
    Table,
    /// Tables with more columns (status.used, node free)
    Wide,
    /// JSON (kind QuotaReport / QuotaCheck)
    Json,
    /// YAML, same schema as JSON
    Yaml,
    /// CSV, one row per resource; cells starting with = + - @ are escaped
    Csv,
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
    pub fn name(self) -> &'static str {
        match self {
            By::Node => "node",
            By::Namespace => "namespace",
            By::Component => "component",
            By::Pod => "pod",
        }
    }
}

/// Pods that hold resources: the API server filters out finished ones.
pub fn active_pods() -> ListParams {
    ListParams::default().fields("status.phase!=Succeeded,status.phase!=Failed")
}

/// Reads quotas, LimitRanges, active pods and nodes concurrently. Pods are
/// read cluster-wide (node usage needs every pod) and fall back to the scope
/// when that is forbidden.
pub async fn gather(cluster: &Cluster, scope: &Scope) -> Result<show::Gathered> {
    let all = ListParams::default();
    let active = active_pods();
    let (quotas, limit_ranges, pods, nodes) = tokio::try_join!(
        cluster.list::<ResourceQuota>(scope, &all),
        cluster.list::<LimitRange>(scope, &all),
        cluster.list::<Pod>(&Scope::All, &active),
        cluster.list_cluster::<Node>(&all),
    )?;
    let (pods, pods_cluster_wide) = if pods.is_forbidden() && *scope != Scope::All {
        (cluster.list::<Pod>(scope, &active_pods()).await?, false)
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
    })
}

/// The pods' measured usage, cluster-wide (node rows need every pod) or, when
/// that is forbidden, in the scope.
pub async fn gather_usage(cluster: &Cluster, scope: &Scope) -> Result<Listing<PodUsage>> {
    let all = cluster.pod_usage(&Scope::All).await?;
    if all.is_forbidden() && *scope != Scope::All {
        return cluster.pod_usage(scope).await;
    }
    Ok(all)
}

pub async fn run(args: Args, out: &mut dyn Write) -> Result<Exit> {
    let palette = Palette::new(args.output.color.enabled());
    crate::cli::OutputArgs {
        format: crate::cli::OutputFormat::Table,
        color: args.output.color,
        verbose: args.output.verbose,
    }
    .init_logging();
    match args.command {
        Some(Command::Check(check_args)) => {
            return check::run(&args.cluster, &args.output, check_args, &palette, out).await;
        }
        Some(Command::Plan(plan_args)) => {
            return plan::run(&args.cluster, &args.output, plan_args, &palette, out).await;
        }
        None => {}
    }
    let cluster = Cluster::connect(&args.cluster).await?;
    let scope = cluster.scope(&args.cluster);
    let (gathered, metrics) = if args.usage {
        tokio::try_join!(gather(&cluster, &scope), gather_usage(&cluster, &scope))?
    } else {
        (gather(&cluster, &scope).await?, Listing::default())
    };
    let now = jiff::Timestamp::now();
    let mut report = show::build(&gathered, args.by, now);
    if args.usage {
        report.usage = Some(measured::view(
            &gathered.pods.items,
            &gathered.nodes.items,
            &metrics.items,
            &metrics.availability,
            &scope,
            now,
        ));
    }
    show::render(&report, args.output.format, &palette, out)?;
    Ok(Exit::Ok)
}

/// A path given to `check -f`/`-k`, for error messages.
pub fn display_path(path: &std::path::Path) -> PathBuf {
    path.to_path_buf()
}
