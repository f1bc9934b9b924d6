//! `kubectl dp tune`: memory-safe Trino, Iceberg and Spark settings, explained
//! (`plan`), applied with a backup (`apply`) and undone (`rollback`).

pub mod diff;
pub mod export;
pub mod model;
pub mod plan;
mod render;
pub mod rules;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::ListParams;

use crate::cli::{ClusterArgs, ColorChoice};
use crate::error::{Error, Exit, Result};
use crate::kube::{Availability, Cluster, resources};
use crate::platform::crds::SparkApplication;

use model::{Plan, Profile};
use plan::Inputs;

/// Memory-safe JVM, Trino, Iceberg and Spark settings: see the plan with its
/// reasons, apply it (with a backup), roll it back.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-dp-tune",
    bin_name = "kubectl dp tune",
    version,
    after_help = "Exit codes: plan 0 nothing to change, 1 changes proposed; apply/rollback 0 done; 2 could not run.\n\nExamples:\n  kubectl dp tune plan -n data-platform\n  kubectl dp tune plan -n data-platform -o diff\n  kubectl dp tune apply -n data-platform --dry-run=server\n  kubectl dp tune apply -n data-platform --yes --restart\n  kubectl dp tune rollback -n data-platform --yes"
)]
pub struct Args {
    #[command(flatten)]
    pub cluster: ClusterArgs,

    #[command(flatten)]
    pub output: TuneOutput,

    #[command(subcommand)]
    pub command: Command,
}

/// `-o`, `--color` and `-v` for tune (its `-o` also offers `diff`).
#[derive(Debug, Clone, Default, ClapArgs)]
#[command(next_help_heading = "Output")]
pub struct TuneOutput {
    /// Output format
    #[arg(short = 'o', long = "output", global = true, value_enum, default_value_t = TuneFormat::Table)]
    pub format: TuneFormat,

    /// When to use colours (auto: only on a terminal, never when NO_COLOR is set)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Say more
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TuneFormat {
    /// One row per setting: current, proposed, reason
    #[default]
    Table,
    /// JSON, in the documented schema
    Json,
    /// YAML, in the documented schema
    Yaml,
    /// A unified diff of every file and object the plan changes
    Diff,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what should change, with the rule and the numbers behind each change
    Plan(PlanArgs),
    /// Apply the plan (server-side apply, field manager kubectl-dp) after a backup
    Apply(ApplyArgs),
    /// Restore the ConfigMaps and SparkApplications the last apply changed
    Rollback(RollbackArgs),
    /// Write the plan's result for Git: kustomize files or Trino chart values
    Export(ExportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A kustomization (ConfigMap generators over the tuned files, SparkApplications) for `kubectl apply -k`
    Kustomize,
    /// values.yaml for the trinodb/charts Trino chart
    HelmValues,
}

#[derive(Debug, ClapArgs)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value_t = Profile::Balanced)]
    pub profile: Profile,

    /// Directory to write into (created if missing)
    #[arg(long, value_name = "DIR")]
    pub dir: std::path::PathBuf,

    /// What to write
    #[arg(long = "format", id = "export_format", value_enum, default_value_t = ExportFormat::Kustomize)]
    pub format: ExportFormat,
}

#[derive(Debug, ClapArgs)]
pub struct PlanArgs {
    /// How hard to push: balanced fixes what is wrong; throughput also enables optional speed-ups
    #[arg(long, value_enum, default_value_t = Profile::Balanced)]
    pub profile: Profile,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DryRun {
    /// Do not dry-run: write
    None,
    /// Send every change to the API server as a dry run; write nothing
    Server,
}

#[derive(Debug, ClapArgs)]
pub struct ApplyArgs {
    #[arg(long, value_enum, default_value_t = Profile::Balanced)]
    pub profile: Profile,

    /// Do not ask for confirmation
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// `server`: validate everything with the API server, write nothing
    #[arg(long, value_enum, default_value_t = DryRun::None, num_args = 0..=1, default_missing_value = "server", require_equals = true)]
    pub dry_run: DryRun,

    /// Roll the Trino Deployments whose ConfigMaps changed and wait until they are ready
    #[arg(long)]
    pub restart: bool,

    /// How long --restart waits
    #[arg(long, default_value = "5m", value_parser = crate::cli::parse_duration)]
    pub timeout: Duration,
}

#[derive(Debug, ClapArgs)]
pub struct RollbackArgs {
    /// Do not ask for confirmation
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// The backup to restore (default: the latest kubectl-dp-tune-backup-*)
    #[arg(long, value_name = "NAME")]
    pub backup: Option<String>,
}

pub async fn run(args: Args, out: &mut dyn Write) -> Result<Exit> {
    if args.cluster.all_namespaces {
        return Err(Error::Usage(
            "tune works on one namespace at a time: pass -n NAME instead of -A".into(),
        ));
    }
    let cluster = Cluster::connect(&args.cluster).await?;
    let namespace = args
        .cluster
        .namespace
        .clone()
        .unwrap_or_else(|| cluster.default_namespace().to_string());
    match &args.command {
        Command::Plan(plan_args) => {
            let inputs = gather(&cluster, &namespace).await?;
            let plan = plan::build(&inputs, plan_args.profile);
            write_plan(&inputs, &plan, args.output.format, out)?;
            Ok(if plan.changes.is_empty() && plan.notes.is_empty() {
                Exit::Ok
            } else {
                Exit::Problems
            })
        }
        Command::Apply(apply_args) => apply(&cluster, &namespace, apply_args, out).await,
        Command::Rollback(rollback_args) => {
            rollback(&cluster, &namespace, rollback_args, out).await
        }
        Command::Export(export_args) => export(&cluster, &namespace, export_args, out).await,
    }
}

/// Reads the Trino Deployments, ConfigMaps and SparkApplications of a namespace.
pub async fn gather(cluster: &Cluster, namespace: &str) -> Result<Inputs> {
    let scope = crate::kube::Scope::Namespace(namespace.to_string());
    let trino = ListParams::default().labels("app.kubernetes.io/name=trino");
    let apps = resources::spark_application();
    let all = ListParams::default();
    let (deployments, config_maps, spark) = tokio::try_join!(
        cluster.list::<Deployment>(&scope, &trino),
        cluster.list::<ConfigMap>(&scope, &all),
        cluster.list_custom::<serde_json::Value>(&apps, Some(&scope), &all),
    )?;
    for (what, availability) in [
        ("deployments", &deployments.availability),
        ("configmaps", &config_maps.availability),
    ] {
        match availability {
            Availability::Available => {}
            Availability::Forbidden(_) => {
                return Err(Error::Forbidden {
                    user: cluster.user_name().to_string(),
                    verb: "list".into(),
                    resource: what.into(),
                    scope: format!(" in namespace {namespace}"),
                });
            }
            Availability::NotInstalled | Availability::Failed(_) => {
                return Err(Error::Api {
                    what: format!("listing {what} in namespace {namespace}"),
                    reason: format!("{availability:?}"),
                });
            }
        }
    }
    Ok(Inputs {
        namespace: namespace.to_string(),
        deployments: deployments.items,
        config_maps: config_maps.items,
        // A missing SparkApplication CRD or a forbidden read means no Spark to tune;
        // an object our model cannot read is skipped.
        spark_applications: spark
            .items
            .iter()
            .filter_map(|v| serde_json::from_value(v.clone()).ok())
            .collect(),
        spark_raw: spark
            .items
            .into_iter()
            .filter_map(|v| Some((v.pointer("/metadata/name")?.as_str()?.to_string(), v)))
            .collect(),
    })
}

fn write_plan(inputs: &Inputs, plan: &Plan, format: TuneFormat, out: &mut dyn Write) -> Result<()> {
    match format {
        TuneFormat::Json => crate::render::json(out, plan),
        TuneFormat::Yaml => crate::render::yaml(out, plan),
        TuneFormat::Table => render::table(out, plan),
        TuneFormat::Diff => render::diff(out, inputs, plan),
    }
}

fn confirm(question: &str, yes: bool) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Usage(
            "stdin is not a terminal, so I cannot ask for confirmation: pass --yes".into(),
        ));
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// The backup's contents: the previous `data` of every changed ConfigMap and the
/// previous value of every changed SparkApplication field.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Backup {
    config_maps: BTreeMap<String, BTreeMap<String, String>>,
    spark_applications: BTreeMap<String, serde_json::Value>,
}

async fn apply(
    cluster: &Cluster,
    namespace: &str,
    args: &ApplyArgs,
    out: &mut dyn Write,
) -> Result<Exit> {
    let inputs = gather(cluster, namespace).await?;
    let plan = plan::build(&inputs, args.profile);
    for n in &plan.notes {
        writeln!(
            out,
            "note: {} {}: {}",
            n.object.kind, n.object.name, n.message
        )?;
    }
    if plan.changes.is_empty() {
        writeln!(out, "nothing to change in namespace {namespace}")?;
        return Ok(Exit::Ok);
    }
    plan::validate(&inputs, &plan).map_err(|reason| {
        Error::Config(format!(
            "refusing to apply a plan that fails its own validation: {reason}"
        ))
    })?;
    let files = plan::new_files(&inputs, &plan);
    let apps = plan::new_spark_applications(&inputs, &plan);
    render::diff(out, &inputs, &plan)?;

    // GitOps: the controller would revert us.
    let changed_cms: std::collections::BTreeSet<&String> = files.keys().map(|(cm, _)| cm).collect();
    for cm in inputs.config_maps.iter().filter(|c| {
        c.metadata
            .name
            .as_ref()
            .is_some_and(|n| changed_cms.contains(n))
    }) {
        if let Some(manager) = crate::platform::ownership::gitops_manager(&cm.metadata) {
            writeln!(
                out,
                "warning: ConfigMap {} is managed by {manager}: it will revert this change; commit it to Git instead (`kubectl dp tune export`)",
                cm.metadata.name.as_deref().unwrap_or_default()
            )?;
        }
    }
    for app in inputs.spark_applications.iter().filter(|a| {
        a.metadata
            .name
            .as_ref()
            .is_some_and(|n| apps.contains_key(n))
    }) {
        if let Some(manager) = crate::platform::ownership::gitops_manager(&app.metadata) {
            writeln!(
                out,
                "warning: SparkApplication {} is managed by {manager}: it will revert this change; commit it to Git instead (`kubectl dp tune export`)",
                app.metadata.name.as_deref().unwrap_or_default()
            )?;
        }
    }
    out.flush()?;

    // What each object gets, and what it had.
    let mut cm_data: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for ((cm, file), (_, new)) in &files {
        cm_data
            .entry(cm.clone())
            .or_default()
            .insert(file.clone(), new.clone());
    }
    let mut backup = Backup::default();
    for cm in cm_data.keys() {
        if let Some(c) = inputs
            .config_maps
            .iter()
            .find(|c| c.metadata.name.as_ref() == Some(cm))
        {
            backup
                .config_maps
                .insert(cm.clone(), c.data.clone().unwrap_or_default());
        }
    }
    let mut app_patches: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for (name, new) in &apps {
        let Some(old) = inputs
            .spark_applications
            .iter()
            .find(|a| a.metadata.name.as_ref() == Some(name))
        else {
            continue;
        };
        let (forward, backward) = spark_patches(old, new);
        app_patches.insert(name.clone(), forward);
        backup.spark_applications.insert(name.clone(), backward);
    }

    // Everything through the API server's dry run first: never half-applied.
    for (cm, data) in &cm_data {
        cluster
            .apply_config_map_data(namespace, cm, data, true)
            .await?;
    }
    for (name, patch) in &app_patches {
        cluster
            .patch_spark_application(namespace, name, patch, true)
            .await?;
    }
    let backup_name = format!(
        "kubectl-dp-tune-backup-{}",
        jiff::Timestamp::now().strftime("%Y%m%d%H%M%S")
    );
    let backup_json =
        serde_json::to_string_pretty(&backup).map_err(|e| Error::Config(e.to_string()))?;
    let backup_data = BTreeMap::from([("backup.json".to_string(), backup_json)]);
    cluster
        .create_backup(namespace, &backup_name, backup_data.clone(), true)
        .await?;
    if args.dry_run == DryRun::Server {
        writeln!(
            out,
            "dry run (server): {} ConfigMap(s) and {} SparkApplication(s) would change in namespace {namespace}; nothing written",
            cm_data.len(),
            app_patches.len()
        )?;
        return Ok(Exit::Ok);
    }
    if !confirm(
        &format!(
            "Apply {} change(s) to namespace {namespace}?",
            plan.changes.len()
        ),
        args.yes,
    )? {
        writeln!(out, "not applied")?;
        return Ok(Exit::Ok);
    }
    cluster
        .create_backup(namespace, &backup_name, backup_data, false)
        .await?;
    for (cm, data) in &cm_data {
        cluster
            .apply_config_map_data(namespace, cm, data, false)
            .await?;
        writeln!(out, "configmap/{cm} applied ({} file(s))", data.len())?;
    }
    for (name, patch) in &app_patches {
        cluster
            .patch_spark_application(namespace, name, patch, false)
            .await?;
        writeln!(out, "sparkapplication/{name} patched")?;
    }
    writeln!(
        out,
        "backup: configmap/{backup_name} (undo with `kubectl dp tune rollback -n {namespace}`)"
    )?;
    if args.restart {
        let affected: Vec<String> = inputs
            .deployments
            .iter()
            .filter(|d| plan::is_trino(d))
            .filter(|d| {
                d.spec
                    .as_ref()
                    .and_then(|s| s.template.spec.as_ref())
                    .is_some_and(|s| {
                        crate::platform::workload::config_maps(s)
                            .iter()
                            .any(|c| cm_data.contains_key(c))
                    })
            })
            .filter_map(|d| d.metadata.name.clone())
            .collect();
        restart(cluster, namespace, &affected, args.timeout, out).await?;
    }
    Ok(Exit::Ok)
}

/// A merge patch that turns `old` into `new`, and the one that turns it back.
fn spark_patches(
    old: &SparkApplication,
    new: &SparkApplication,
) -> (serde_json::Value, serde_json::Value) {
    use serde_json::{Map, Value};
    let mut forward = Map::new();
    let mut backward = Map::new();
    for (field, before, after) in [
        ("sparkConf", &old.spec.spark_conf, &new.spec.spark_conf),
        ("hadoopConf", &old.spec.hadoop_conf, &new.spec.hadoop_conf),
    ] {
        let mut f = Map::new();
        let mut b = Map::new();
        for key in before.keys().chain(after.keys()) {
            if before.get(key) != after.get(key) {
                f.insert(
                    key.clone(),
                    after
                        .get(key)
                        .map_or(Value::Null, |v| Value::String(v.clone())),
                );
                b.insert(
                    key.clone(),
                    before
                        .get(key)
                        .map_or(Value::Null, |v| Value::String(v.clone())),
                );
            }
        }
        if !f.is_empty() {
            forward.insert(field.into(), Value::Object(f));
            backward.insert(field.into(), Value::Object(b));
        }
    }
    for (role, before, after) in [
        ("driver", &old.spec.driver, &new.spec.driver),
        ("executor", &old.spec.executor, &new.spec.executor),
    ] {
        if before.memory_overhead != after.memory_overhead {
            let value = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
            forward.insert(
                role.into(),
                serde_json::json!({"memoryOverhead": value(&after.memory_overhead)}),
            );
            backward.insert(
                role.into(),
                serde_json::json!({"memoryOverhead": value(&before.memory_overhead)}),
            );
        }
    }
    (Value::Object(forward), Value::Object(backward))
}

async fn restart(
    cluster: &Cluster,
    namespace: &str,
    names: &[String],
    timeout: Duration,
    out: &mut dyn Write,
) -> Result<()> {
    let at = jiff::Timestamp::now().to_string();
    for name in names {
        cluster.restart_deployment(namespace, name, &at).await?;
        writeln!(out, "deployment/{name} restarting")?;
    }
    let deadline = tokio::time::Instant::now() + timeout;
    for name in names {
        loop {
            let d = cluster.deployment(namespace, name).await?;
            let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let status = d.status.clone().unwrap_or_default();
            let updated = status.updated_replicas.unwrap_or(0);
            let ready = status.ready_replicas.unwrap_or(0);
            let observed =
                status.observed_generation.unwrap_or(0) >= d.metadata.generation.unwrap_or(0);
            writeln!(
                out,
                "deployment/{name}: {updated}/{want} updated, {ready}/{want} ready"
            )?;
            out.flush()?;
            if observed && updated >= want && ready >= want && status.replicas.unwrap_or(0) == want
            {
                break;
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::Config(format!(
                    "deployment/{name} was not ready within {timeout:?}; look at `kubectl rollout status deployment/{name} -n {namespace}` (undo with `kubectl dp tune rollback`)"
                )));
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    }
    Ok(())
}

async fn rollback(
    cluster: &Cluster,
    namespace: &str,
    args: &RollbackArgs,
    out: &mut dyn Write,
) -> Result<Exit> {
    let backups = cluster.backups(namespace).await?;
    let chosen = match &args.backup {
        Some(name) => backups
            .iter()
            .find(|b| b.metadata.name.as_ref() == Some(name)),
        None => backups.last(),
    };
    let Some(chosen) = chosen else {
        return Err(Error::NotFound {
            kind: "tune backup".into(),
            name: args
                .backup
                .clone()
                .unwrap_or_else(|| "kubectl-dp-tune-backup-*".into()),
            scope: format!(" in namespace {namespace}"),
            hint: format!(
                "kubectl get configmaps -n {namespace} -l kubectl-dp.io/tune-backup=true"
            ),
        });
    };
    let name = chosen.metadata.name.clone().unwrap_or_default();
    let text = chosen
        .data
        .as_ref()
        .and_then(|d| d.get("backup.json"))
        .cloned()
        .unwrap_or_default();
    let backup: Backup = serde_json::from_str(&text).map_err(|e| {
        Error::Config(format!(
            "backup ConfigMap {name} is not readable: {e}; restore by hand"
        ))
    })?;
    if !confirm(
        &format!(
            "Restore {} ConfigMap(s) and {} SparkApplication(s) from {name}?",
            backup.config_maps.len(),
            backup.spark_applications.len()
        ),
        args.yes,
    )? {
        writeln!(out, "not restored")?;
        return Ok(Exit::Ok);
    }
    for (cm, data) in &backup.config_maps {
        let mut current = cluster.config_map(namespace, cm).await?;
        current.data = Some(data.clone());
        cluster.replace_config_map(&current).await?;
        writeln!(out, "configmap/{cm} restored")?;
    }
    for (app, patch) in &backup.spark_applications {
        cluster
            .patch_spark_application(namespace, app, patch, false)
            .await?;
        writeln!(out, "sparkapplication/{app} restored")?;
    }
    cluster.delete_config_map(namespace, &name).await?;
    writeln!(out, "backup configmap/{name} used and removed")?;
    Ok(Exit::Ok)
}

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
