//! `kubectl dp tune`: memory-safe Trino, Iceberg and Spark settings, explained
//! (`plan`), applied with a backup (`apply`) and undone (`rollback`).
//!
//! `args` holds the flags, `gather` the reads, `rules/` and `plan` the pure
//! decisions, `render` the text, `apply` the writes, `export` the files for Git.

pub mod apply;
pub mod args;
pub mod backup;
mod bodies;
pub mod export;
pub mod gather;
mod live;
pub mod model;
mod offline;
pub mod outcome;
pub mod owners;
pub mod plan;
mod render;
mod restart;
pub mod rollback;
pub mod sizing;
mod values;

pub use args::*;
pub use gather::{gather, sized_plan};

use std::io::Write;

use crate::cli::{ClusterArgs, OutputFormat};
use crate::error::{Error, Exit, Result};
use crate::kube::{Cluster, Scope};
use crate::render::{Metadata, Output};

pub use offline::OfflinePlan;
pub use render::{PlanReport, SizingReport};

/// Refuses what the subcommand cannot honour, before any request (docs/flags.md).
pub fn check_flags(args: &Args) -> Result<()> {
    args.cluster.validate()?;
    let name = match &args.command {
        Command::Plan(_) => "tune plan",
        Command::Apply(_) => "tune apply",
        Command::Rollback(_) => "tune rollback",
        Command::Export(_) => "tune export",
    };
    args.cluster
        .refuse_all_namespaces(name, "it tunes one namespace at a time")?;
    match &args.command {
        Command::Plan(_) => args.output.accept(name, &PLAN_FORMATS),
        _ => {
            args.output.accept(name, &ACTION_FORMATS)?;
            args.output
                .refuse_fail_on(name, "it writes, and grades nothing (tune plan does)")
        }
    }
}

/// Runs `kubectl dp tune` (plan, apply, rollback, export).
pub async fn run(args: Args, out: &mut dyn Write) -> Result<Exit> {
    check_flags(&args)?;
    let output = args.output.start(DEFAULT_FAIL_ON);
    if let Command::Plan(plan_args) = &args.command
        && plan_args.manifests.wanted()
    {
        return offline::run(args.cluster.namespace.as_deref(), plan_args, &output, out);
    }
    let cluster = Cluster::connect(&args.cluster).await?;
    let namespace = cluster.namespace().to_string();
    let scope = Scope::Namespace(namespace.clone());
    crate::cli::namespace::require_existing(&cluster, &scope).await?;
    match &args.command {
        Command::Plan(plan_args) => {
            plan(&cluster, &namespace, plan_args, &args.cluster, &output, out).await
        }
        Command::Apply(apply_args) => {
            require_something(&cluster, &namespace).await?;
            apply::apply(&cluster, &namespace, apply_args, out).await
        }
        Command::Rollback(rollback_args) => {
            rollback::rollback(&cluster, &namespace, rollback_args, &output.palette, out).await
        }
        Command::Export(export_args) => {
            require_something(&cluster, &namespace).await?;
            export(&cluster, &namespace, export_args, out).await
        }
    }
}

/// `tune plan`: the plan (or why the requested size does not fit), with the
/// apply command that does what the plan says.
async fn plan(
    cluster: &Cluster,
    namespace: &str,
    args: &PlanArgs,
    connection: &ClusterArgs,
    output: &Output,
    out: &mut dyn Write,
) -> Result<Exit> {
    let now = jiff::Timestamp::now();
    let inputs = gather(cluster, namespace).await?;
    if holds_nothing(&inputs) {
        return Err(nothing_to_tune(cluster, namespace).await);
    }
    let metadata = Metadata::new(cluster, &Scope::Namespace(namespace.to_string()), now);
    let plan = match sized_plan(cluster, &inputs, args.profile, &args.sizing.request()).await? {
        Ok(plan) => plan,
        Err(failures) => {
            return crate::render::emit(out, output, metadata, &SizingReport::new(failures));
        }
    };
    let conflicts = owners::conflicts(&inputs, &plan);
    let apply = apply_command(namespace, args, connection, !conflicts.is_empty());
    let report = PlanReport {
        plan: &plan,
        inputs: &inputs,
        apply_command: apply,
        conflicts: owners::describe(&conflicts),
        offline: None,
    };
    crate::render::emit(out, output, metadata, &report)
}

/// The `tune apply` command that applies exactly this plan: the same namespace,
/// profile and sizing (and connection, when one was named), and
/// `--force-conflicts` when another field manager owns what it changes.
pub(crate) fn apply_command(
    namespace: &str,
    args: &PlanArgs,
    connection: &ClusterArgs,
    force_conflicts: bool,
) -> String {
    let mut words = vec!["kubectl dp tune apply".to_string()];
    if let Some(path) = &connection.kubeconfig {
        words.push(format!("--kubeconfig {}", path.display()));
    }
    if let Some(context) = &connection.context {
        words.push(format!("--context {context}"));
    }
    words.push(format!("-n {namespace}"));
    if args.profile != model::Profile::default() {
        use clap::ValueEnum;
        if let Some(value) = args.profile.to_possible_value() {
            words.push(format!("--profile {}", value.get_name()));
        }
    }
    let sizing = &args.sizing;
    if let Some(workers) = sizing.workers {
        words.push(format!("--workers {workers}"));
    }
    for (flag, bytes) in [
        ("--worker-memory", sizing.worker_memory),
        ("--coordinator-memory", sizing.coordinator_memory),
        ("--budget", sizing.budget),
    ] {
        if let Some(bytes) = bytes {
            words.push(format!("{flag} {}", exact_size(bytes)));
        }
    }
    if force_conflicts {
        words.push("--force-conflicts".into());
    }
    words.join(" ")
}

/// A byte count as a quantity that parses back to exactly the same bytes.
fn exact_size(bytes: u64) -> String {
    const MI: u64 = 1 << 20;
    const GI: u64 = 1 << 30;
    match bytes {
        b if b % GI == 0 => format!("{}Gi", b / GI),
        b if b % MI == 0 => format!("{}Mi", b / MI),
        b => b.to_string(),
    }
}

/// Nothing tune works on: no Trino Deployment and no SparkApplication (and both
/// could be read).
fn holds_nothing(inputs: &plan::Inputs) -> bool {
    inputs.unreadable.is_empty()
        && inputs.spark_applications.is_empty()
        && inputs.undecodable.is_empty()
        && !inputs.deployments.iter().any(plan::is_trino)
}

/// Fails for `apply` and `export` in a namespace without anything to tune.
async fn require_something(cluster: &Cluster, namespace: &str) -> Result<()> {
    let inputs = gather(cluster, namespace).await?;
    if holds_nothing(&inputs) {
        return Err(nothing_to_tune(cluster, namespace).await);
    }
    Ok(())
}

/// "holds no Trino or SparkApplication", naming the namespaces of the platform.
async fn nothing_to_tune(cluster: &Cluster, namespace: &str) -> Error {
    let holders = match crate::snapshot::Snapshot::gather(cluster, &Scope::All, "rook-ceph").await {
        Ok(all) => all.coverage.names(),
        Err(_) => Vec::new(),
    };
    crate::cli::namespace::nothing_here(
        namespace,
        "Trino (coordinator or worker Deployment) or SparkApplication",
        &holders,
        "kubectl dp status -A",
    )
}

/// Writes the plan's result as files for Git.
async fn export(
    cluster: &Cluster,
    namespace: &str,
    args: &ExportArgs,
    out: &mut dyn Write,
) -> Result<Exit> {
    let inputs = gather(cluster, namespace).await?;
    let plan = plan::build(&inputs, args.profile);
    if plan.changes.is_empty() {
        writeln!(
            out,
            "nothing to change in namespace {namespace}: nothing exported"
        )?;
        return Ok(Exit::Ok);
    }
    plan::validate(&inputs, &plan).map_err(|reason| {
        Error::Config(format!(
            "refusing to export a plan that fails its own validation: {reason}"
        ))
    })?;
    let files = match args.format {
        ExportFormat::Kustomize => export::kustomize(&inputs, &plan)?,
        ExportFormat::HelmValues => export::helm_values(&inputs, &plan)?,
    };
    let placeholders = export::write(&args.dir, &files)?;
    for file in &files {
        writeln!(out, "wrote {}", args.dir.join(&file.path).display())?;
    }
    write_placeholders(namespace, &placeholders, out)?;
    Ok(Exit::Ok)
}

/// Says which Secret the exported placeholders read from, and how to make it.
fn write_placeholders(
    namespace: &str,
    placeholders: &[crate::redact::literals::Placeholder],
    out: &mut dyn Write,
) -> Result<()> {
    if placeholders.is_empty() {
        return Ok(());
    }
    let secret = export::secret_name(namespace);
    writeln!(
        out,
        "{} written as placeholders, never copied:",
        crate::render::count(placeholders.len(), "secret value was", "secret values were")
    )?;
    let mut keys: Vec<&str> = Vec::new();
    for p in placeholders {
        writeln!(out, "  {} -> {}", p.replaced, p.env)?;
        if !keys.contains(&p.env.as_str()) {
            keys.push(&p.env);
        }
    }
    let literals: Vec<String> = keys
        .iter()
        .map(|k| format!("--from-literal={k}=..."))
        .collect();
    writeln!(
        out,
        "create Secret {secret} in namespace {namespace} with those keys (`kubectl create secret generic {secret} -n {namespace} {}`) and expose it to the Trino pods as environment variables (envFrom); jvm.config does not read the environment: pass such -D options through JAVA_TOOL_OPTIONS",
        literals.join(" ")
    )?;
    Ok(())
}

/// Why a requested size does not fit, as text or the `TuneSizing` envelope
/// (for `tune apply`, which stops there).
fn write_failures(
    failures: &[String],
    metadata: Metadata,
    format: &OutputFormat,
    out: &mut dyn Write,
) -> Result<()> {
    let output = Output {
        format: format.clone(),
        ..Output::plain(DEFAULT_FAIL_ON)
    };
    let report = SizingReport::new(failures.to_vec());
    crate::render::report::write(out, &output, metadata, &report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_printed_apply_command_carries_what_the_plan_was_made_with() {
        let mut args = PlanArgs {
            profile: model::Profile::Throughput,
            sizing: SizingArgs {
                workers: Some(4),
                worker_memory: Some(20 << 30),
                coordinator_memory: Some(1536 << 20),
                budget: None,
                unchecked: false,
            },
            manifests: ManifestArgs::default(),
        };
        let connection = ClusterArgs {
            context: Some("prod".into()),
            ..ClusterArgs::default()
        };
        assert_eq!(
            apply_command("dp", &args, &connection, true),
            "kubectl dp tune apply --context prod -n dp --profile throughput --workers 4 --worker-memory 20Gi --coordinator-memory 1536Mi --force-conflicts"
        );
        args.profile = model::Profile::LowMemory;
        args.sizing = SizingArgs::default();
        assert_eq!(
            apply_command("dp", &args, &ClusterArgs::default(), false),
            "kubectl dp tune apply -n dp --profile low-memory"
        );
        assert_eq!(exact_size(1000), "1000");
    }
}
