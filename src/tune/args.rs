//! The flags of `kubectl dp tune` and its subcommands.

use std::time::Duration;

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};

use crate::cli::{ClusterArgs, FormatKind, OutputArgs, WriteArgs};
use crate::findings::Severity;

use super::model::Profile;
use super::sizing;

/// Memory-safe JVM, Trino, Iceberg and Spark settings: see the plan with its
/// reasons, apply it (with a backup), roll it back.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-dp-tune",
    bin_name = "kubectl dp tune",
    version,
    after_help = "Exit codes: plan 0 nothing to change, 1 changes proposed (or notes, with --fail-on info); apply/rollback 0 done; 2 could not run (also: a namespace that does not exist or holds no Trino or SparkApplication).\n\nExamples:\n  kubectl dp tune plan -n data-platform\n  kubectl dp tune plan -n data-platform -o diff\n  kubectl dp tune plan -k overlays/prod   (no cluster: the edits to the files)\n  kubectl dp tune apply -n data-platform --dry-run=server\n  kubectl dp tune apply -n data-platform --yes --restart\n  kubectl dp tune rollback -n data-platform --dry-run=server\n  kubectl dp tune rollback -n data-platform --yes --restart"
)]
pub struct Args {
    /// kubectl's connection flags.
    #[command(flatten)]
    pub cluster: ClusterArgs,

    /// The shared output flags.
    #[command(flatten)]
    pub output: OutputArgs,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The `-o` values of `tune plan` (docs/flags.md).
pub(crate) const PLAN_FORMATS: [FormatKind; 7] = [
    FormatKind::Table,
    FormatKind::Wide,
    FormatKind::Json,
    FormatKind::Yaml,
    FormatKind::Name,
    FormatKind::JsonPath,
    FormatKind::Diff,
];

/// `tune apply`, `rollback` and `export` report progress as text only.
pub(crate) const ACTION_FORMATS: [FormatKind; 1] = [FormatKind::Table];

/// `--fail-on` of `tune plan` when not given: a proposed change fails, a note does not.
pub(crate) const DEFAULT_FAIL_ON: Severity = Severity::Warning;

/// The subcommands of `kubectl dp tune`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what should change, with the rule and the numbers behind each change
    Plan(PlanArgs),
    /// Apply the plan (server-side apply, field manager kubectl-dp, never forced) after a backup
    Apply(ApplyArgs),
    /// Restore what the last apply changed; refuses when it was edited since (see --force)
    Rollback(RollbackArgs),
    /// Write the plan's result for Git: kustomize files or Trino chart values
    Export(ExportArgs),
}

/// What `tune export --format` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A kustomization (ConfigMap generators over the tuned files, SparkApplications) for `kubectl apply -k`
    Kustomize,
    /// values.yaml for the trinodb/charts Trino chart
    HelmValues,
}

/// Flags of `tune export`.
#[derive(Debug, ClapArgs)]
pub struct ExportArgs {
    /// How hard to push (see `tune plan --help`)
    #[arg(long, value_enum, default_value_t = Profile::Balanced)]
    pub profile: Profile,

    /// Directory to write into (created if missing)
    #[arg(long, value_name = "DIR")]
    pub dir: std::path::PathBuf,

    /// What to write
    #[arg(long = "format", id = "export_format", value_enum, default_value_t = ExportFormat::Kustomize)]
    pub format: ExportFormat,
}

/// Flags of `tune plan`.
#[derive(Debug, ClapArgs)]
pub struct PlanArgs {
    /// How hard to push: balanced fixes what is wrong; throughput also enables optional speed-ups
    #[arg(long, value_enum, default_value_t = Profile::Balanced)]
    pub profile: Profile,

    /// Resize the Trino pods.
    #[command(flatten)]
    pub sizing: SizingArgs,

    /// The manifests to plan for, with no cluster at all.
    #[command(flatten)]
    pub manifests: ManifestArgs,
}

/// `tune plan -f/-R/-k`: plan for manifests instead of the cluster (kubectl's
/// meaning of the flags, as `status -f/-k`).
#[derive(Debug, Clone, Default, ClapArgs)]
#[command(next_help_heading = "Manifests (no cluster)")]
pub struct ManifestArgs {
    /// Plan for manifests instead of the cluster, with no cluster at all: a file, a
    /// directory, or - for standard input (repeatable)
    #[arg(short = 'f', long = "filename", value_name = "FILE|DIR|-")]
    pub files: Vec<std::path::PathBuf>,

    /// With -f: read directories' subdirectories too
    #[arg(short = 'R', long, requires = "files")]
    pub recursive: bool,

    /// Plan for a kustomization directory (built with `kubectl kustomize`), with no cluster at all
    #[arg(short = 'k', long = "kustomize", value_name = "DIR")]
    pub kustomize: Option<std::path::PathBuf>,
}

impl ManifestArgs {
    /// Whether `-f` or `-k` was given.
    pub(crate) fn wanted(&self) -> bool {
        !self.files.is_empty() || self.kustomize.is_some()
    }
}

/// Resize the Trino pods; the plan then fits heaps and query memory to the new sizes.
#[derive(Debug, Clone, Default, ClapArgs)]
#[command(next_help_heading = "Sizing")]
pub struct SizingArgs {
    /// Number of Trino workers
    #[arg(long, value_name = "N", value_parser = sizing::parse_workers)]
    pub workers: Option<u64>,

    /// Container memory of each worker (requests = limits), e.g. 28Gi
    #[arg(long, value_name = "QUANTITY", value_parser = sizing::parse_memory)]
    pub worker_memory: Option<u64>,

    /// Container memory of the coordinator, e.g. 10Gi
    #[arg(long, value_name = "QUANTITY", value_parser = sizing::parse_memory)]
    pub coordinator_memory: Option<u64>,

    /// Memory for all Trino pods together; sizes the workers when --worker-memory is not given
    #[arg(long, value_name = "QUANTITY", value_parser = sizing::parse_memory)]
    pub budget: Option<u64>,

    /// Size even when nodes, pods or quotas could not be read (RBAC): what was not read is not checked
    #[arg(long)]
    pub unchecked: bool,
}

impl SizingArgs {
    /// The sizing the flags ask for.
    pub fn request(&self) -> sizing::Request {
        sizing::Request {
            workers: self.workers,
            worker_memory: self.worker_memory,
            coordinator_memory: self.coordinator_memory,
            budget: self.budget,
            unchecked: self.unchecked,
        }
    }
}

/// Flags of `tune apply`.
#[derive(Debug, ClapArgs)]
pub struct ApplyArgs {
    /// How hard to push (see `tune plan --help`)
    #[arg(long, value_enum, default_value_t = Profile::Balanced)]
    pub profile: Profile,

    /// `--yes` and `--dry-run`.
    #[command(flatten)]
    pub write: WriteArgs,

    /// Take fields another field manager (Flux, Argo CD, kubectl edit) owns; without it such a conflict stops the apply
    #[arg(long)]
    pub force_conflicts: bool,

    /// Roll the Trino Deployments whose ConfigMaps changed and wait until they are ready
    #[arg(long)]
    pub restart: bool,

    /// How long --restart waits
    #[arg(long, default_value = "5m", value_parser = crate::cli::parse_duration)]
    pub timeout: Duration,

    /// Resize the Trino pods.
    #[command(flatten)]
    pub sizing: SizingArgs,
}

/// Flags of `tune rollback`.
#[derive(Debug, ClapArgs)]
pub struct RollbackArgs {
    /// `--yes` and `--dry-run`.
    #[command(flatten)]
    pub write: WriteArgs,

    /// The backup to restore (default: the latest kubectl-dp-tune-backup-*)
    #[arg(long, value_name = "NAME")]
    pub backup: Option<String>,

    /// Restore even over changes made since the apply (they are shown, then lost), taking fields other field managers own
    #[arg(long)]
    pub force: bool,

    /// Roll the Trino Deployments whose ConfigMaps are restored and wait until they are ready
    #[arg(long)]
    pub restart: bool,

    /// How long --restart waits
    #[arg(long, default_value = "5m", value_parser = crate::cli::parse_duration)]
    pub timeout: Duration,
}
