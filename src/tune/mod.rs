//! `kubectl dp tune`: memory-safe Trino, Iceberg and Spark settings, explained
//! (`plan`), applied with a backup (`apply`) and undone (`rollback`).

pub mod diff;
pub mod export;
pub mod model;
pub mod plan;
mod render;
pub mod rules;
pub mod sizing;

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

    #[command(flatten)]
    pub sizing: SizingArgs,
}

/// Resize the Trino pods; the plan then fits heaps and query memory to the new sizes.
#[derive(Debug, Clone, Default, ClapArgs)]
#[command(next_help_heading = "Sizing")]
pub struct SizingArgs {
    /// Number of Trino workers
    #[arg(long, value_name = "N")]
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
}

impl SizingArgs {
    pub fn request(&self) -> sizing::Request {
        sizing::Request {
            workers: self.workers,
            worker_memory: self.worker_memory,
            coordinator_memory: self.coordinator_memory,
            budget: self.budget,
        }
    }
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

    #[command(flatten)]
    pub sizing: SizingArgs,
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
                    write_failures(&failures, args.output.format, out)?;
                    return Ok(Exit::Problems);
                }
            };
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
    #[serde(default)]
    deployments: BTreeMap<String, serde_json::Value>,
}

/// The server-side apply body that gives Deployment `d` the sizing of `changes`, and the one that restores it.
fn deployment_bodies(
    d: &Deployment,
    changes: &[&model::Change],
) -> (serde_json::Value, serde_json::Value) {
    let name = d.metadata.name.clone().unwrap_or_default();
    let namespace = d.metadata.namespace.clone().unwrap_or_default();
    let body = |replicas: Option<serde_json::Value>,
                container: Option<(String, serde_json::Value)>| {
        let mut spec = serde_json::Map::new();
        if let Some(r) = replicas {
            spec.insert("replicas".into(), r);
        }
        if let Some((c, resources)) = container {
            spec.insert(
                "template".into(),
                serde_json::json!({"spec": {"containers": [{"name": c, "resources": resources}]}}),
            );
        }
        serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": namespace}, "spec": spec})
    };
    let (mut replicas, mut old_replicas, mut container, mut old_container) =
        (None, None, None, None);
    for change in changes {
        match &change.edit {
            Some(model::Edit::Replicas { replicas: r }) => {
                replicas = Some(serde_json::json!(r));
                old_replicas = Some(serde_json::json!(
                    d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
                ));
            }
            Some(model::Edit::Memory {
                container: c,
                bytes,
            }) => {
                let q = rules::gib(*bytes);
                container = Some((
                    c.clone(),
                    serde_json::json!({"limits": {"memory": q}, "requests": {"memory": q}}),
                ));
                let live = d
                    .spec
                    .as_ref()
                    .and_then(|s| s.template.spec.as_ref())
                    .and_then(|s| s.containers.iter().find(|x| &x.name == c))
                    .and_then(|x| x.resources.as_ref());
                let get = |kind: &str| {
                    live.and_then(|r| {
                        if kind == "limits" {
                            r.limits.as_ref()
                        } else {
                            r.requests.as_ref()
                        }
                    })
                    .and_then(|m| m.get("memory"))
                    .map(|q| q.0.clone())
                };
                let mut old = serde_json::Map::new();
                if let Some(l) = get("limits") {
                    old.insert("limits".into(), serde_json::json!({"memory": l}));
                }
                if let Some(r) = get("requests") {
                    old.insert("requests".into(), serde_json::json!({"memory": r}));
                }
                old_container = Some((c.clone(), serde_json::Value::Object(old)));
            }
            _ => {}
        }
    }
    (body(replicas, container), body(old_replicas, old_container))
}

async fn apply(
    cluster: &Cluster,
    namespace: &str,
    args: &ApplyArgs,
    out: &mut dyn Write,
) -> Result<Exit> {
    let inputs = gather(cluster, namespace).await?;
    let plan = match sized_plan(cluster, &inputs, args.profile, &args.sizing.request()).await? {
        Ok(plan) => plan,
        Err(failures) => {
            write_failures(&failures, TuneFormat::Table, out)?;
            return Err(Error::Config(
                "refusing to apply a size that does not fit (see above)".into(),
            ));
        }
    };
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

    let mut deployment_bodies_by_name: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for d in inputs.deployments.iter().filter(|d| plan::is_trino(d)) {
        let name = d.metadata.name.clone().unwrap_or_default();
        let changes: Vec<&model::Change> = plan
            .changes
            .iter()
            .filter(|c| c.object.kind == "Deployment" && c.object.name == name)
            .collect();
        if changes.is_empty() {
            continue;
        }
        let (forward, backward) = deployment_bodies(d, &changes);
        deployment_bodies_by_name.insert(name.clone(), forward);
        backup.deployments.insert(name, backward);
    }

    // Everything through the API server's dry run first: never half-applied.
    for (name, body) in &deployment_bodies_by_name {
        cluster
            .apply_deployment(namespace, name, body, true)
            .await?;
    }
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
    let written = async {
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
        for (name, body) in &deployment_bodies_by_name {
            cluster
                .apply_deployment(namespace, name, body, false)
                .await?;
            writeln!(out, "deployment/{name} resized")?;
        }
        Ok::<(), Error>(())
    }
    .await;
    if let Err(error) = written {
        // A write failed after the dry run passed (a conflict, a webhook, a lost
        // connection): put back what went through, so nothing stays half applied.
        writeln!(out, "apply failed; restoring from configmap/{backup_name}")?;
        return match restore(cluster, namespace, &backup, out).await {
            Ok(()) => {
                cluster.delete_config_map(namespace, &backup_name).await?;
                Err(error)
            }
            Err(undo) => Err(Error::Config(format!(
                "{error}; restoring also failed: {undo}; run `kubectl dp tune rollback -n {namespace} --backup {backup_name}`"
            ))),
        };
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
            let d = cluster.tune_deployment(namespace, name).await?;
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
    restore(cluster, namespace, &backup, out).await?;
    cluster.delete_config_map(namespace, &name).await?;
    writeln!(out, "backup configmap/{name} used and removed")?;
    Ok(Exit::Ok)
}

/// Puts back every object a backup holds: ConfigMaps byte for byte, the Spark
/// keys and Deployment sizes. Used by `rollback`, and by `apply` when a write fails.
async fn restore(
    cluster: &Cluster,
    namespace: &str,
    backup: &Backup,
    out: &mut dyn Write,
) -> Result<()> {
    for (cm, data) in &backup.config_maps {
        let mut current =
            cluster
                .config_map(namespace, cm)
                .await?
                .ok_or_else(|| Error::NotFound {
                    kind: "ConfigMap".into(),
                    name: cm.clone(),
                    scope: format!(" in namespace {namespace}"),
                    hint: format!("kubectl get configmaps -n {namespace}; the backup is kept"),
                })?;
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
    for (deployment, body) in &backup.deployments {
        cluster
            .apply_deployment(namespace, deployment, body, false)
            .await?;
        writeln!(out, "deployment/{deployment} restored")?;
    }
    Ok(())
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

/// The plan, resized when sizing flags were given; `Err` lists the constraints that fail.
pub async fn sized_plan(
    cluster: &Cluster,
    inputs: &Inputs,
    profile: Profile,
    request: &sizing::Request,
) -> Result<std::result::Result<Plan, Vec<String>>> {
    if request.is_empty() {
        return Ok(Ok(plan::build(inputs, profile)));
    }
    let (current, nodes, quotas) = sizing_context(cluster, inputs).await?;
    Ok(sizing::size(request, current, &nodes, &quotas)
        .map(|shape| plan::build_sized(inputs, profile, &shape)))
}

fn memory_of(d: &Deployment, kind: &str) -> u64 {
    plan::trino_container(d)
        .and_then(|c| crate::platform::workload::resource(c, kind, "memory"))
        .map(|q| q.units_ceil().max(0) as u64)
        .unwrap_or(0)
}

/// Trino's current shape, each node's room beside other pods, and the quota left to Trino.
async fn sizing_context(
    cluster: &Cluster,
    inputs: &Inputs,
) -> Result<(sizing::Shape, Vec<sizing::NodeRoom>, Vec<sizing::QuotaRoom>)> {
    use k8s_openapi::api::core::v1::{Node, Pod, ResourceQuota};
    let ns = inputs.namespace.as_str();
    let trino: Vec<&Deployment> = inputs
        .deployments
        .iter()
        .filter(|d| plan::is_trino(d))
        .collect();
    if trino.is_empty() {
        return Err(Error::NotFound {
            kind: "Trino Deployment".into(),
            name: "app.kubernetes.io/name=trino".into(),
            scope: format!(" in namespace {ns}"),
            hint: format!("kubectl get deployments -n {ns} -l app.kubernetes.io/name=trino"),
        });
    }
    let replicas =
        |d: &Deployment| d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1).max(0) as u64;
    let workers: Vec<&&Deployment> = trino.iter().filter(|d| plan::role(d) == "worker").collect();
    let coordinator = trino.iter().find(|d| plan::role(d) == "coordinator");
    let current = sizing::Shape {
        workers: workers.iter().map(|d| replicas(d)).sum(),
        worker_memory: workers.first().map(|d| memory_of(d, "limits")).unwrap_or(0),
        coordinator_memory: coordinator.map(|d| memory_of(d, "limits")).unwrap_or(0),
    };
    let all = ListParams::default();
    let scope = crate::kube::Scope::Namespace(ns.to_string());
    let (nodes, pods, quotas) = tokio::try_join!(
        cluster.list_cluster::<Node>(&all),
        cluster.list::<Pod>(&crate::kube::Scope::All, &all),
        cluster.list::<ResourceQuota>(&scope, &all),
    )?;
    let bytes = |q: Option<&k8s_openapi::apimachinery::pkg::api::resource::Quantity>| {
        q.and_then(|q| q.0.parse::<crate::platform::quantity::Quantity>().ok())
            .map(|q| q.units_ceil().max(0) as u64)
            .unwrap_or(0)
    };
    let mut rooms: Vec<sizing::NodeRoom> = nodes
        .items
        .iter()
        .filter(|n| {
            !n.spec
                .as_ref()
                .and_then(|s| s.unschedulable)
                .unwrap_or(false)
        })
        .map(|n| sizing::NodeRoom {
            name: n.metadata.name.clone().unwrap_or_default(),
            allocatable: bytes(
                n.status
                    .as_ref()
                    .and_then(|s| s.allocatable.as_ref())
                    .and_then(|a| a.get("memory")),
            ),
            used: 0,
        })
        .collect();
    for pod in &pods.items {
        let is_trino = pod.metadata.namespace.as_deref() == Some(ns)
            && pod
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get("app.kubernetes.io/name"))
                .map(String::as_str)
                == Some("trino");
        let phase = pod
            .status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or_default();
        if is_trino || matches!(phase, "Succeeded" | "Failed") {
            continue;
        }
        let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) else {
            continue;
        };
        let requested: u64 = pod
            .spec
            .iter()
            .flat_map(|s| s.containers.iter())
            .map(|c| {
                bytes(
                    c.resources
                        .as_ref()
                        .and_then(|r| r.requests.as_ref())
                        .and_then(|r| r.get("memory")),
                )
            })
            .sum();
        if let Some(room) = rooms.iter_mut().find(|r| r.name == node) {
            room.used += requested;
        }
    }
    let trino_usage =
        |kind: &str| -> u64 { trino.iter().map(|d| replicas(d) * memory_of(d, kind)).sum() };
    let mut rooms_quota = Vec::new();
    for q in &quotas.items {
        let hard = q
            .status
            .as_ref()
            .and_then(|s| s.hard.clone())
            .or_else(|| q.spec.as_ref().and_then(|s| s.hard.clone()))
            .unwrap_or_default();
        let used = q
            .status
            .as_ref()
            .and_then(|s| s.used.clone())
            .unwrap_or_default();
        for (resource, kind) in [
            ("limits.memory", "limits"),
            ("requests.memory", "requests"),
            ("memory", "requests"),
        ] {
            if let Some(h) = hard.get(resource) {
                rooms_quota.push(sizing::QuotaRoom {
                    quota: q.metadata.name.clone().unwrap_or_default(),
                    resource: resource.into(),
                    hard: bytes(Some(h)),
                    used_by_others: bytes(used.get(resource)).saturating_sub(trino_usage(kind)),
                });
            }
        }
    }
    Ok((current, rooms, rooms_quota))
}

fn write_failures(failures: &[String], format: TuneFormat, out: &mut dyn Write) -> Result<()> {
    let value = serde_json::json!({"apiVersion": model::API_VERSION, "kind": "TuneSizing", "fits": false, "failures": failures});
    match format {
        TuneFormat::Json => crate::render::json(out, &value),
        TuneFormat::Yaml => crate::render::yaml(out, &value),
        _ => {
            writeln!(out, "the requested size does not fit:")?;
            for failure in failures {
                writeln!(out, "  {failure}")?;
            }
            Ok(())
        }
    }
}
