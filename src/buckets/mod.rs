//! `kubectl dp buckets`: Rook-Ceph ObjectBucketClaims with lifecycle policies:
//! list, create, describe, check against S3, delete safely.
//!
//! The flags and the dispatch are here; each subcommand has its own file
//! (gather and decide), `analyse` holds the pure claim logic and `render` the text.

pub mod analyse;
pub mod check;
pub mod create;
pub mod delete;
pub mod describe;
pub mod list;
pub mod render;

use std::io::Write;
use std::time::Duration;

use clap::{Parser, Subcommand};
use kube::api::ListParams;
use serde::Serialize;

use crate::cli::watch::WatchArgs;
use crate::cli::{ClusterArgs, FormatKind, OutputArgs, OutputFormat};
use crate::error::{Error, Exit, Result};
use crate::findings::Severity;
use crate::kube::{Cluster, Scope};
use crate::platform::crds::ObjectBucketClaim;

use analyse::Preset;

/// Rook-Ceph ObjectBucketClaims with lifecycle policies: list, create, describe,
/// check against S3, delete without losing data by accident.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-dp-buckets",
    bin_name = "kubectl dp buckets",
    version,
    after_help = "Exit codes: 0 all good, 1 problems at or above --fail-on (default warning: warnings, drift, failed checks) or a refused delete, 2 could not run (also: a namespace that does not exist or holds no claim, a claim that does not exist).\n\nExamples:\n  kubectl dp buckets list -A\n  kubectl dp buckets list -n data-platform -l team=analytics -o name\n  kubectl dp buckets list -n data-platform --watch\n  kubectl dp buckets create scratch --storage-class ceph-bucket --lifecycle test -o yaml > obc.yaml\n  kubectl dp buckets create scratch --storage-class ceph-bucket -n data-platform --dry-run=server\n  kubectl dp buckets create scratch --storage-class ceph-bucket -n data-platform --update --max-size 50Gi --yes\n  kubectl dp buckets check --all -n data-platform --s3-endpoint http://127.0.0.1:8080"
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

/// The subcommands of `kubectl dp buckets`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List claims with phase, bucket, quota, lifecycle and warnings
    List(ListArgs),
    /// Create (server-side apply, after a diff and a confirmation) or print a claim with a lifecycle policy
    Create(CreateArgs),
    /// Everything about one claim
    Describe(DescribeArgs),
    /// Talk S3 to the bucket with the claim's own credentials
    Check(CheckArgs),
    /// Delete a claim, refusing while its bucket holds data or pods use it
    Delete(DeleteArgs),
}

/// Flags of `buckets list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Namespace of the Rook operator (for rook-ceph-operator-config)
    #[arg(long, default_value = "rook-ceph", value_name = "NAMESPACE")]
    pub operator_namespace: String,
    /// Only claims with these labels (kubectl's label selector, e.g. team=data,tier!=test)
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// `--watch` and `--interval`.
    #[command(flatten)]
    pub watch: WatchArgs,
}

/// Flags of `buckets create`.
#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// Claim name (the bucket name prefix too); a prefix with --generate-name
    pub name: String,
    /// StorageClass of the Rook object store
    #[arg(long, value_name = "CLASS")]
    pub storage_class: String,
    /// Lifecycle preset
    #[arg(long, value_enum, default_value_t = Preset::None)]
    pub lifecycle: Preset,
    /// Expire objects after N days
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub expire_days: Option<i64>,
    /// Abort incomplete multipart uploads after N days
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub abort_multipart_days: Option<i64>,
    /// Expire noncurrent object versions after N days
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub noncurrent_expire_days: Option<i64>,
    /// Bucket quota in bytes (e.g. 100Gi)
    #[arg(long, value_name = "SIZE")]
    pub max_size: Option<String>,
    /// Bucket quota in objects
    #[arg(long, value_name = "N")]
    pub max_objects: Option<u64>,
    /// Treat NAME as a prefix and let the API server add a suffix
    #[arg(long)]
    pub generate_name: bool,
    /// `--yes` and `--dry-run`.
    #[command(flatten)]
    pub write: crate::cli::WriteArgs,
    /// Change the claim when it exists already (never its storage class or bucket name once Bound)
    #[arg(long)]
    pub update: bool,
    /// Take fields another field manager (Flux, Argo CD, kubectl edit) owns
    #[arg(long)]
    pub force_conflicts: bool,
    /// Wait until the claim is Bound
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits
    #[arg(long, default_value = "2m", value_parser = crate::cli::parse_duration)]
    pub timeout: Duration,
}

/// Flags of `buckets describe`.
#[derive(Debug, clap::Args)]
pub struct DescribeArgs {
    /// The claim to describe
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::cli::values::bucket_claims))]
    pub name: String,
    /// Namespace of the Rook operator (for rook-ceph-operator-config)
    #[arg(long, default_value = "rook-ceph", value_name = "NAMESPACE")]
    pub operator_namespace: String,
}

/// How to reach S3 for `check` and `delete`.
#[derive(Debug, clap::Args)]
pub struct S3Args {
    /// Use this S3 endpoint instead of the claim ConfigMap's BUCKET_HOST:BUCKET_PORT
    #[arg(long, value_name = "URL")]
    pub s3_endpoint: Option<String>,
    /// Timeout of each S3 request
    #[arg(long, default_value = "10s", value_parser = crate::cli::parse_duration, value_name = "DURATION")]
    pub s3_timeout: Duration,
    /// Trust only this CA bundle (PEM) for an https endpoint, instead of the system's roots
    /// and of a CA in the claim's ConfigMap
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub s3_ca_file: Option<std::path::PathBuf>,
    /// Where the bucket goes in a request: path (https://host/bucket) or virtual-host
    /// (https://bucket.host); auto is virtual-host for AWS endpoints, path elsewhere
    #[arg(long, value_enum, default_value_t, value_name = "STYLE")]
    pub s3_addressing: crate::s3::Addressing,
    /// The name the gateway's certificate must carry, when the endpoint's host is
    /// another one (a port-forward to localhost)
    #[arg(long, value_name = "NAME")]
    pub s3_tls_server_name: Option<String>,
}

impl S3Args {
    /// What the flags say about reaching S3, the CA file read once: a file that
    /// cannot be read is one line naming it (a bad flag: exit 2 before any claim).
    pub fn access(&self) -> Result<crate::s3::claim::Access> {
        let ca = self
            .s3_ca_file
            .as_deref()
            .map(|path| crate::s3::CaBundle::from_file(path).map_err(crate::error::Error::Usage))
            .transpose()?;
        Ok(crate::s3::claim::Access {
            endpoint: self.s3_endpoint.clone(),
            timeout: self.s3_timeout,
            ca,
            addressing: self.s3_addressing,
            tls_server_name: self.s3_tls_server_name.clone(),
        })
    }
}

/// Flags of `buckets check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Claim to check
    #[arg(required_unless_present = "all", conflicts_with = "all", add = clap_complete::engine::ArgValueCompleter::new(crate::cli::values::bucket_claims))]
    pub name: Option<String>,
    /// Check every claim in the namespace (or all with -A)
    #[arg(long)]
    pub all: bool,
    /// With --all: only claims with these labels (kubectl's label selector)
    #[arg(short = 'l', long, value_name = "SELECTOR", requires = "all")]
    pub selector: Option<String>,
    /// How to reach S3.
    #[command(flatten)]
    pub s3: S3Args,
}

/// Flags of `buckets delete`.
#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// The claim to delete
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::cli::values::bucket_claims))]
    pub name: String,
    /// Delete even though the bucket holds objects or pods use its credentials
    #[arg(long)]
    pub force: bool,
    /// `--yes` and `--dry-run`.
    #[command(flatten)]
    pub write: crate::cli::WriteArgs,
    /// How to reach S3 (to count what the bucket holds).
    #[command(flatten)]
    pub s3: S3Args,
}

/// `--fail-on` of `buckets list` and `describe` when not given: warnings fail.
pub(crate) const DEFAULT_FAIL_ON: Severity = Severity::Warning;

/// The `-o` values of `list` and `describe` (docs/flags.md).
pub(crate) const REPORT_FORMATS: [FormatKind; 6] = [
    FormatKind::Table,
    FormatKind::Wide,
    FormatKind::Json,
    FormatKind::Yaml,
    FormatKind::Name,
    FormatKind::JsonPath,
];

/// The `-o` values of `check`: its steps are one list, there is nothing to widen.
pub(crate) const CHECK_FORMATS: [FormatKind; 5] = [
    FormatKind::Table,
    FormatKind::Json,
    FormatKind::Yaml,
    FormatKind::Name,
    FormatKind::JsonPath,
];

/// The `-o` values of `create`: progress, or the claim as applied (or, without a
/// cluster, as it would be).
pub(crate) const CREATE_FORMATS: [FormatKind; 3] =
    [FormatKind::Table, FormatKind::Json, FormatKind::Yaml];

/// Refuses what the subcommand cannot honour, before any request (docs/flags.md).
pub fn check_flags(args: &Args) -> Result<()> {
    args.cluster.validate()?;
    let (name, formats): (&str, &[FormatKind]) = match &args.command {
        Command::List(_) => ("buckets list", &REPORT_FORMATS),
        Command::Describe(_) => ("buckets describe", &REPORT_FORMATS),
        Command::Check(_) => ("buckets check", &CHECK_FORMATS),
        Command::Create(_) => ("buckets create", &CREATE_FORMATS),
        Command::Delete(_) => ("buckets delete", &[FormatKind::Table]),
    };
    args.output.accept(name, formats)?;
    let one_claim = "it works on one claim in one namespace";
    match &args.command {
        Command::List(_) => Ok(()),
        Command::Check(check) if check.all => Ok(()),
        Command::Check(_) | Command::Describe(_) => {
            args.cluster.refuse_all_namespaces(name, one_claim)
        }
        Command::Create(_) | Command::Delete(_) => {
            args.cluster.refuse_all_namespaces(name, one_claim)?;
            args.output
                .refuse_fail_on(name, "it writes, and grades nothing (buckets check does)")
        }
    }
}

/// Runs `kubectl dp buckets`.
pub async fn run(args: Args, out: &mut dyn Write) -> Result<Exit> {
    check_flags(&args)?;
    let output = args.output.start(DEFAULT_FAIL_ON);
    if let Command::Create(create) = &args.command
        && matches!(args.output.format, OutputFormat::Yaml | OutputFormat::Json)
        && !create.write.server_dry_run()
        && !create.update
        && !create.wait
    {
        // Printing for the Git repo needs no cluster; without -n the manifest has
        // no namespace, so kustomize or `kubectl apply -n` decides.
        let namespace = args.cluster.namespace.clone().unwrap_or_default();
        let claim = create::claim_manifest(create, &namespace)?;
        return print_value(out, &args.output.format, &claim).map(|_| Exit::Ok);
    }
    let cluster = Cluster::connect(&args.cluster).await?;
    let namespace = cluster.namespace().to_string();
    crate::cli::namespace::require_existing(&cluster, &cluster.scope()).await?;
    match &args.command {
        Command::List(list) => list::run(&cluster, list, &output, out).await,
        Command::Create(c) => create::run(&cluster, &args, c, &namespace, out).await,
        Command::Describe(d) => describe::run(&cluster, &namespace, d, &output, out).await,
        Command::Check(c) => check::run(&cluster, c, &namespace, &output, out).await,
        Command::Delete(d) => delete::run(&cluster, &args, d, &namespace, out).await,
    }
}

/// A namespace without any claim (and no `-l` to explain it) is a typo or the
/// wrong one: one line naming the namespaces that hold claims.
async fn require_claims(cluster: &Cluster, scope: &Scope, selector: Option<&str>) -> Result<()> {
    let Scope::Namespace(namespace) = scope else {
        return Ok(());
    };
    if selector.is_some() {
        return Ok(());
    }
    let everywhere: Result<crate::kube::Listing<ObjectBucketClaim>> = cluster
        .list_custom(
            &crate::kube::resources::object_bucket_claim(),
            Some(&Scope::All),
            &ListParams::default(),
        )
        .await;
    let holders: Vec<String> = everywhere
        .map(|l| {
            l.items
                .into_iter()
                .filter_map(|c| c.metadata.namespace)
                .collect()
        })
        .unwrap_or_default();
    Err(crate::cli::namespace::nothing_here(
        namespace,
        "ObjectBucketClaims",
        &holders,
        "kubectl get objectbucketclaims -A",
    ))
}

/// A claim that does not exist, with the closest name in its namespace.
async fn no_such_claim(cluster: &Cluster, namespace: &str, name: &str) -> Error {
    let names = cluster
        .custom_object_names(&crate::kube::resources::object_bucket_claim(), namespace)
        .await
        .unwrap_or_default();
    let suggestion = crate::cli::namespace::closest(name, names.iter().map(String::as_str));
    Error::NoSuchObject {
        kind: "ObjectBucketClaim".into(),
        name: name.to_string(),
        namespace: namespace.to_string(),
        suggestion: suggestion.map(str::to_string),
        list: format!("`kubectl dp buckets list -n {namespace}` lists them"),
    }
}

/// A manifest (not a report) as JSON or YAML, for `kubectl apply -f -`.
fn print_value<T: Serialize>(out: &mut dyn Write, format: &OutputFormat, value: &T) -> Result<()> {
    match format {
        OutputFormat::Json => crate::render::json(out, value),
        _ => crate::render::yaml(out, value),
    }
}

/// List parameters for `-l/--selector` (all objects without one).
fn selector_params(selector: Option<&str>) -> ListParams {
    match selector {
        Some(s) => ListParams::default().labels(s),
        None => ListParams::default(),
    }
}

/// Seconds since the claim was created.
fn age_of(claim: &ObjectBucketClaim, now: jiff::Timestamp) -> Option<i64> {
    claim
        .metadata
        .creation_timestamp
        .as_ref()
        .map(|t| (now.as_second() - t.0.as_second()).max(0))
}

/// `namespace/name`, as messages name a claim.
fn key(namespace: &str, name: &str) -> String {
    format!("{namespace}/{name}")
}
