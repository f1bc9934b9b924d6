//! `kubectl dp tune`: memory-safe Trino, Iceberg and Spark settings, explained
//! (`plan`), applied with a backup (`apply`) and undone (`rollback`).
//!
//! `args` holds the flags, `gather` the reads, `rules/` and `plan` the pure
//! decisions, `render` the text, `apply` the writes, `export` the files for Git.

pub mod apply;
pub mod args;
pub mod export;
pub mod gather;
pub mod model;
pub mod outcome;
pub mod plan;
mod render;
pub mod rollback;
pub mod sizing;

pub use args::*;
pub use gather::{gather, sized_plan};

use std::io::Write;

use crate::cli::{OutputArgs, OutputFormat};
use crate::error::{Error, Exit, Result};
use crate::findings::exit_for;
use crate::kube::Cluster;
use crate::render::{Envelope, Metadata};

use model::Plan;
use plan::Inputs;

/// Runs `kubectl dp tune` (plan, apply, rollback, export).
pub async fn run(args: Args, out: &mut dyn Write) -> Result<Exit> {
    let palette = args.output.start();
    match &args.command {
        Command::Plan(_) => args.output.accept("tune plan", &PLAN_FORMATS)?,
        Command::Apply(_) => args.output.accept("tune apply", &ACTION_FORMATS)?,
        Command::Rollback(_) => args.output.accept("tune rollback", &ACTION_FORMATS)?,
        Command::Export(_) => args.output.accept("tune export", &ACTION_FORMATS)?,
    }
    if args.cluster.all_namespaces {
        return Err(Error::Usage(
            "tune works on one namespace at a time: pass -n NAME instead of -A".into(),
        ));
    }
    let cluster = Cluster::connect(&args.cluster).await?;
    let namespace = cluster.namespace_or_default(args.cluster.namespace.as_deref());
    match &args.command {
        Command::Plan(plan_args) => {
            let now = jiff::Timestamp::now();
            let inputs = gather(&cluster, &namespace).await?;
            let metadata = Metadata::new(
                &cluster,
                &crate::kube::Scope::Namespace(namespace.clone()),
                now,
            );
            let plan = match sized_plan(
                &cluster,
                &inputs,
                plan_args.profile,
                &plan_args.sizing.request(),
            )
            .await?
            {
                Ok(plan) => plan,
                Err(failures) => {
                    write_failures(&failures, metadata, &args.output.format, out)?;
                    return Ok(Exit::Problems);
                }
            };
            write_plan(&inputs, &plan, metadata, &args.output, &palette, out)?;
            let fail_on = args.output.fail_on_or(DEFAULT_FAIL_ON);
            Ok(exit_for(&plan.changes, fail_on).worst(exit_for(&plan.notes, fail_on)))
        }
        Command::Apply(apply_args) => apply::apply(&cluster, &namespace, apply_args, out).await,
        Command::Rollback(rollback_args) => {
            rollback::rollback(&cluster, &namespace, rollback_args, &palette, out).await
        }
        Command::Export(export_args) => export(&cluster, &namespace, export_args, out).await,
    }
}

fn write_plan(
    inputs: &Inputs,
    plan: &Plan,
    metadata: Metadata,
    output: &OutputArgs,
    palette: &crate::cli::Palette,
    out: &mut dyn Write,
) -> Result<()> {
    match &output.format {
        f if f.is_structured() => {
            crate::render::structured(out, f, &Envelope::new(model::KIND, metadata, plan))
        }
        OutputFormat::Diff => render::diff(out, inputs, plan),
        _ => render::table(out, plan, palette),
    }
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
    export::write(&args.dir, &files)?;
    for file in &files {
        writeln!(out, "wrote {}", args.dir.join(&file.path).display())?;
    }
    Ok(Exit::Ok)
}

/// Why a requested size does not fit, as text or the `TuneSizing` envelope.
fn write_failures(
    failures: &[String],
    metadata: Metadata,
    format: &OutputFormat,
    out: &mut dyn Write,
) -> Result<()> {
    let body = serde_json::json!({"fits": false, "failures": failures});
    match format {
        f if f.is_structured() => {
            crate::render::structured(out, f, &Envelope::new("TuneSizing", metadata, body))
        }
        _ => {
            writeln!(out, "the requested size does not fit:")?;
            for failure in failures {
                writeln!(out, "  {failure}")?;
            }
            Ok(())
        }
    }
}
