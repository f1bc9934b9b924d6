//! `kubectl dp buckets`: Rook-Ceph ObjectBucketClaims with lifecycle policies:
//! list, create, describe, check against S3, delete safely.

pub mod analyse;

use std::io::{IsTerminal, Write};
use std::time::Duration;

use bytes::Bytes;
use clap::{Parser, Subcommand};
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret};
use kube::api::ListParams;
use serde::Serialize;

use crate::cli::{ClusterArgs, OutputArgs, OutputFormat};
use crate::error::{Error, Exit, Result};
use crate::findings::{Finding, Severity};
use crate::kube::{Cluster, Scope, resources};
use crate::platform::bucket::{self, ClaimContext, Lifecycle, check_claim};
use crate::platform::crds::ObjectBucketClaim;
use crate::s3;

use analyse::{ClaimRow, ClaimSpec, Drift, LifecycleChoice, Preset};

/// Rook-Ceph ObjectBucketClaims with lifecycle policies: list, create, describe,
/// check against S3, delete without losing data by accident.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-dp-buckets",
    bin_name = "kubectl dp buckets",
    version,
    after_help = "Exit codes: 0 all good, 1 problems found (warnings, drift, refused delete), 2 could not run.\n\nExamples:\n  kubectl dp buckets list -A\n  kubectl dp buckets create scratch --storage-class ceph-bucket --lifecycle test -o yaml > obc.yaml\n  kubectl dp buckets check --all -n data-platform --s3-endpoint http://127.0.0.1:8080"
)]
pub struct Args {
    #[command(flatten)]
    pub cluster: ClusterArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List claims with phase, bucket, quota, lifecycle and warnings
    List(ListArgs),
    /// Create (server-side apply) or print a claim with a lifecycle policy
    Create(CreateArgs),
    /// Everything about one claim
    Describe(DescribeArgs),
    /// Talk S3 to the bucket with the claim's own credentials
    Check(CheckArgs),
    /// Delete a claim, refusing while its bucket holds data or pods use it
    Delete(DeleteArgs),
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Namespace of the Rook operator (for rook-ceph-operator-config)
    #[arg(long, default_value = "rook-ceph", value_name = "NAMESPACE")]
    pub operator_namespace: String,
}

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
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub expire_days: Option<u32>,
    /// Abort incomplete multipart uploads after N days
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub abort_multipart_days: Option<u32>,
    /// Expire noncurrent object versions after N days
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub noncurrent_expire_days: Option<u32>,
    /// Bucket quota in bytes (e.g. 100Gi)
    #[arg(long, value_name = "SIZE")]
    pub max_size: Option<String>,
    /// Bucket quota in objects
    #[arg(long, value_name = "N")]
    pub max_objects: Option<u64>,
    /// Treat NAME as a prefix and let the API server add a suffix
    #[arg(long)]
    pub generate_name: bool,
    /// `server`: send to the API server without persisting
    #[arg(long, value_name = "MODE", value_parser = ["none", "server"], default_value = "none")]
    pub dry_run: String,
    /// Wait until the claim is Bound
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits
    #[arg(long, default_value = "2m", value_parser = crate::cli::parse_duration)]
    pub timeout: Duration,
}

#[derive(Debug, clap::Args)]
pub struct DescribeArgs {
    /// Claim to describe
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::cli::values::bucket_claims))]
    pub name: String,
    /// Namespace of the Rook operator (for rook-ceph-operator-config)
    #[arg(long, default_value = "rook-ceph", value_name = "NAMESPACE")]
    pub operator_namespace: String,
}

#[derive(Debug, clap::Args)]
pub struct S3Args {
    /// Use this S3 endpoint instead of the claim ConfigMap's BUCKET_HOST:BUCKET_PORT
    #[arg(long, value_name = "URL")]
    pub s3_endpoint: Option<String>,
    /// Timeout of each S3 request
    #[arg(long, default_value = "10s", value_parser = crate::cli::parse_duration, value_name = "DURATION")]
    pub s3_timeout: Duration,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Claim to check
    #[arg(required_unless_present = "all", conflicts_with = "all", add = clap_complete::engine::ArgValueCompleter::new(crate::cli::values::bucket_claims))]
    pub name: Option<String>,
    /// Check every claim in the namespace (or all with -A)
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub s3: S3Args,
}

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// Claim to delete
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::cli::values::bucket_claims))]
    pub name: String,
    /// Delete even though the bucket holds objects or pods use its credentials
    #[arg(long)]
    pub force: bool,
    /// Do not ask for confirmation
    #[arg(short = 'y', long)]
    pub yes: bool,
    #[command(flatten)]
    pub s3: S3Args,
}

pub async fn run(args: Args, out: &mut dyn Write) -> Result<Exit> {
    if let Command::Create(create) = &args.command
        && matches!(args.output.format, OutputFormat::Yaml | OutputFormat::Json)
        && create.dry_run == "none"
        && !create.wait
    {
        // Printing for the Git repo needs no cluster; without -n the manifest has
        // no namespace, so kustomize or `kubectl apply -n` decides.
        let namespace = args.cluster.namespace.clone().unwrap_or_default();
        let claim = claim_manifest(create, &namespace)?;
        return print_value(out, args.output.format, &claim).map(|_| Exit::Ok);
    }
    let cluster = Cluster::connect(&args.cluster).await?;
    let namespace = args
        .cluster
        .namespace
        .clone()
        .unwrap_or_else(|| cluster.default_namespace().to_string());
    match &args.command {
        Command::List(list) => run_list(&cluster, &args, list, out).await,
        Command::Create(create) => run_create(&cluster, &args, create, &namespace, out).await,
        Command::Describe(d) => run_describe(&cluster, &args, &namespace, d, out).await,
        Command::Check(check) => run_check(&cluster, &args, check, &namespace, out).await,
        Command::Delete(delete) => run_delete(&cluster, &args, delete, &namespace, out).await,
    }
}

fn print_value<T: Serialize>(out: &mut dyn Write, format: OutputFormat, value: &T) -> Result<()> {
    match format {
        OutputFormat::Json => crate::render::json(out, value),
        _ => crate::render::yaml(out, value),
    }
}

fn claim_manifest(create: &CreateArgs, namespace: &str) -> Result<serde_json::Value> {
    if !create.generate_name && !is_dns_name(&create.name) {
        return Err(Error::Usage(format!(
            "'{}' is not a valid claim name (lowercase letters, digits, '-' and '.', at most 63 characters)",
            create.name
        )));
    }
    if let Some(size) = &create.max_size
        && size.parse::<crate::platform::quantity::Quantity>().is_err()
    {
        return Err(Error::Usage(format!(
            "--max-size '{size}' is not a quantity like 100Gi or 500M"
        )));
    }
    let lifecycle = analyse::build_lifecycle(
        create.lifecycle,
        LifecycleChoice {
            expire_days: create.expire_days,
            abort_multipart_days: create.abort_multipart_days,
            noncurrent_expire_days: create.noncurrent_expire_days,
        },
    );
    Ok(analyse::build_claim(&ClaimSpec {
        name: &create.name,
        generate_name: create.generate_name,
        namespace,
        storage_class: &create.storage_class,
        lifecycle: lifecycle.as_ref(),
        max_size: create.max_size.as_deref(),
        max_objects: create.max_objects,
    }))
}

fn is_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

fn age_of(claim: &ObjectBucketClaim, now: jiff::Timestamp) -> Option<i64> {
    claim
        .metadata
        .creation_timestamp
        .as_ref()
        .map(|t| (now.as_second() - t.0.as_second()).max(0))
}

fn key(namespace: &str, name: &str) -> String {
    format!("{namespace}/{name}")
}

// ------------------------------------------------------------------- list ---

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListReport {
    claims: Vec<ClaimRow>,
    findings: Vec<Finding>,
    operator_config: String,
}

/// The operator's allowed `additionalConfig` keys: `None` (Rook's defaults) when
/// its ConfigMap is missing or may not be read.
async fn operator_allowed_fields(
    cluster: &Cluster,
    namespace: &str,
) -> (Option<Vec<String>>, String) {
    match cluster
        .config_map(namespace, "rook-ceph-operator-config")
        .await
    {
        Ok(Some(cm)) => (
            Some(bucket::allowed_fields(cm.data.as_ref())),
            format!("read rook-ceph-operator-config in {namespace}"),
        ),
        Ok(None) => (
            None,
            format!(
                "rook-ceph-operator-config not found in {namespace}; assuming Rook's default fields"
            ),
        ),
        Err(e) => (
            None,
            format!(
                "could not read rook-ceph-operator-config ({e}); assuming Rook's default fields"
            ),
        ),
    }
}

async fn run_list(
    cluster: &Cluster,
    args: &Args,
    list: &ListArgs,
    out: &mut dyn Write,
) -> Result<Exit> {
    let scope = cluster.scope(&args.cluster);
    let all = ListParams::default();
    let claim_resource = resources::object_bucket_claim();
    let (claims, config_maps, secrets, (allowed, operator_config)) = tokio::join!(
        cluster.list_custom::<ObjectBucketClaim>(&claim_resource, Some(&scope), &all),
        cluster.list::<ConfigMap>(&scope, &all),
        cluster.list::<Secret>(&scope, &all),
        operator_allowed_fields(cluster, &list.operator_namespace),
    );
    let (claims, config_maps, secrets) = (claims?, config_maps?, secrets?);
    match &claims.availability {
        crate::kube::Availability::NotInstalled => {
            return Err(Error::Api {
                what: "listing objectbucketclaims".into(),
                reason: "the ObjectBucketClaim CRD (objectbucket.io) is not installed; install Rook-Ceph's object store".into(),
            });
        }
        crate::kube::Availability::Forbidden(reason)
        | crate::kube::Availability::Failed(reason) => {
            return Err(Error::Api {
                what: format!("listing objectbucketclaims in {}", scope.describe()),
                reason: reason.clone(),
            });
        }
        crate::kube::Availability::Available => {}
    }
    let now = jiff::Timestamp::now();
    let cm_of = |ns: &str, name: &str| {
        config_maps.items.iter().find(|c| {
            c.metadata.namespace.as_deref() == Some(ns) && c.metadata.name.as_deref() == Some(name)
        })
    };
    let secret_of = |ns: &str, name: &str| {
        secrets.items.iter().any(|s| {
            s.metadata.namespace.as_deref() == Some(ns) && s.metadata.name.as_deref() == Some(name)
        })
    };
    let mut rows = Vec::new();
    let mut findings = Vec::new();
    let mut sorted = claims.items.clone();
    sorted.sort_by(|a, b| {
        (&a.metadata.namespace, &a.metadata.name).cmp(&(&b.metadata.namespace, &b.metadata.name))
    });
    for claim in &sorted {
        let ns = claim.metadata.namespace.as_deref().unwrap_or_default();
        let name = claim.metadata.name.as_deref().unwrap_or_default();
        let cm = cm_of(ns, name);
        let has_secret = secret_of(ns, name) || !secrets.is_available();
        let age = age_of(claim, now);
        let ctx = ClaimContext {
            has_secret,
            has_config_map: cm.is_some() || !config_maps.is_available(),
            age_seconds: age,
            allowed_fields: allowed.as_deref(),
        };
        findings.extend(check_claim(claim, &ctx));
        rows.push(analyse::claim_row(claim, cm, secret_of(ns, name), age));
    }
    let exit = if findings.iter().any(|f| f.severity >= Severity::Warning) {
        Exit::Problems
    } else {
        Exit::Ok
    };
    let report = ListReport {
        claims: rows,
        findings,
        operator_config,
    };
    match args.output.format {
        OutputFormat::Json | OutputFormat::Yaml => print_value(out, args.output.format, &report)?,
        format => {
            if report.claims.is_empty() {
                writeln!(out, "No ObjectBucketClaims in {}.", scope.describe())?;
                return Ok(exit);
            }
            let wide = format == OutputFormat::Wide;
            let all_ns = matches!(scope, Scope::All);
            let mut headers = Vec::new();
            if all_ns {
                headers.push("NAMESPACE");
            }
            headers.extend([
                "NAME",
                "PHASE",
                "BUCKET",
                "STORAGECLASS",
                "QUOTA",
                "LIFECYCLE",
                "SECRET",
                "CONFIGMAP",
                "AGE",
            ]);
            if wide {
                headers.push("OBJECTBUCKET");
            }
            let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
            let table_rows = report
                .claims
                .iter()
                .map(|r| {
                    let mut row = Vec::new();
                    if all_ns {
                        row.push(r.namespace.clone());
                    }
                    let quota = match (&r.max_size, &r.max_objects) {
                        (None, None) => "-".to_string(),
                        (Some(size), None) => size.clone(),
                        (None, Some(objects)) => format!("{objects} objects"),
                        (Some(size), Some(objects)) => format!("{size}, {objects} objects"),
                    };
                    row.extend([
                        r.name.clone(),
                        r.phase.clone(),
                        r.bucket.clone().unwrap_or_else(|| "-".into()),
                        r.storage_class.clone().unwrap_or_else(|| "-".into()),
                        quota,
                        r.lifecycle.clone(),
                        yes(r.has_secret),
                        yes(r.has_config_map),
                        r.age_seconds
                            .map(crate::render::age)
                            .unwrap_or_else(|| "-".into()),
                    ]);
                    if wide {
                        row.push(r.object_bucket.clone().unwrap_or_else(|| "-".into()));
                    }
                    row
                })
                .collect();
            crate::render::table(out, &headers, table_rows)?;
            write_findings(out, &report.findings)?;
            if wide || args.output.verbose > 0 {
                writeln!(out, "\nOperator config: {}", report.operator_config)?;
            }
        }
    }
    Ok(exit)
}

fn write_findings(out: &mut dyn Write, findings: &[Finding]) -> Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    for f in findings {
        let ns = f.object.namespace.as_deref().unwrap_or_default();
        writeln!(
            out,
            "{}: {}/{}: {} ({})",
            f.severity.label(),
            ns,
            f.object.name,
            f.message,
            f.hint
        )?;
    }
    Ok(())
}

// ----------------------------------------------------------------- create ---

async fn run_create(
    cluster: &Cluster,
    args: &Args,
    create: &CreateArgs,
    namespace: &str,
    out: &mut dyn Write,
) -> Result<Exit> {
    let manifest = claim_manifest(create, namespace)?;
    let dry_run = create.dry_run == "server";
    let written = cluster
        .apply_bucket_claim(namespace, &manifest, dry_run)
        .await?;
    let name = written.metadata.name.clone().unwrap_or_default();
    if matches!(args.output.format, OutputFormat::Json | OutputFormat::Yaml) {
        print_value(out, args.output.format, &written)?;
    } else {
        let suffix = if dry_run { " (server dry run)" } else { "" };
        writeln!(
            out,
            "objectbucketclaim.objectbucket.io/{name} applied in {namespace}{suffix}"
        )?;
    }
    if !create.wait || dry_run {
        return Ok(Exit::Ok);
    }
    let deadline = tokio::time::Instant::now() + create.timeout;
    let started = tokio::time::Instant::now();
    // The progress line is for a person watching; it is not part of the output.
    let mut stderr = std::io::stderr();
    let progress = stderr.is_terminal();
    loop {
        let phase = cluster
            .bucket_claim(namespace, &name)
            .await?
            .map(|c| c.phase().to_string())
            .unwrap_or_else(|| "Gone".into());
        if progress {
            let _ = write!(
                stderr,
                "\rwaiting for {namespace}/{name}: {phase} ({}s)   ",
                started.elapsed().as_secs()
            );
        }
        if phase == "Bound" {
            if progress {
                let _ = writeln!(stderr);
            }
            writeln!(out, "objectbucketclaim.objectbucket.io/{name} Bound")?;
            return Ok(Exit::Ok);
        }
        if phase == "Failed" || phase == "Gone" {
            if progress {
                let _ = writeln!(stderr);
            }
            writeln!(
                out,
                "objectbucketclaim.objectbucket.io/{name} {phase}: see kubectl dp buckets describe {name} -n {namespace}"
            )?;
            return Ok(Exit::Problems);
        }
        if tokio::time::Instant::now() >= deadline {
            if progress {
                let _ = writeln!(stderr);
            }
            writeln!(
                out,
                "objectbucketclaim.objectbucket.io/{name} still {phase} after {:?}; see kubectl dp buckets describe {name} -n {namespace}",
                create.timeout
            )?;
            return Ok(Exit::Problems);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

// --------------------------------------------------------------- describe ---

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Description {
    claim: ClaimRow,
    object_bucket: Option<serde_json::Value>,
    endpoint: Option<String>,
    credentials: BTreeMapStr,
    lifecycle: Option<Lifecycle>,
    lifecycle_error: Option<String>,
    pods: Vec<String>,
    events: Vec<String>,
    findings: Vec<Finding>,
}

type BTreeMapStr = std::collections::BTreeMap<String, String>;

async fn load_claim(cluster: &Cluster, namespace: &str, name: &str) -> Result<ObjectBucketClaim> {
    cluster
        .bucket_claim(namespace, name)
        .await?
        .ok_or_else(|| Error::NotFound {
            kind: "ObjectBucketClaim".into(),
            name: name.to_string(),
            scope: format!(" in namespace {namespace}"),
            hint: format!("kubectl dp buckets list -n {namespace}"),
        })
}

fn masked(value: &[u8]) -> String {
    format!("present ({} bytes, ****)", value.len())
}

async fn run_describe(
    cluster: &Cluster,
    args: &Args,
    namespace: &str,
    describe: &DescribeArgs,
    out: &mut dyn Write,
) -> Result<Exit> {
    let name = describe.name.as_str();
    let claim = load_claim(cluster, namespace, name).await?;
    let ob_name = claim
        .spec
        .object_bucket_name
        .clone()
        .unwrap_or_else(|| format!("obc-{namespace}-{name}"));
    let scope = Scope::Namespace(namespace.to_string());
    let all = ListParams::default();
    let (cm, secret, ob, pods, events, (allowed, _)) = tokio::join!(
        cluster.config_map(namespace, name),
        cluster.secret(namespace, name),
        cluster.object_bucket(&ob_name),
        cluster.list::<Pod>(&scope, &all),
        cluster.events_for(namespace, "ObjectBucketClaim", name),
        operator_allowed_fields(cluster, &describe.operator_namespace),
    );
    let cm = cm?;
    let secret = secret.unwrap_or(None);
    let (ob, ob_error) = match ob {
        Ok(ob) => (ob, None),
        Err(e) => (None, Some(e.to_string())),
    };
    let pods = pods?;
    let events = events?;
    let now = jiff::Timestamp::now();
    let age = age_of(&claim, now);
    let findings = check_claim(
        &claim,
        &ClaimContext {
            has_secret: secret.is_some(),
            has_config_map: cm.is_some(),
            age_seconds: age,
            allowed_fields: allowed.as_deref(),
        },
    );
    let endpoint = cm.as_ref().and_then(|c| c.data.as_ref()).and_then(|d| {
        let host = d.get("BUCKET_HOST")?;
        let port = d.get("BUCKET_PORT").map(String::as_str).unwrap_or("80");
        Some(format!("http://{host}:{port}"))
    });
    let mut credentials = BTreeMapStr::new();
    for k in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
        let state = match &secret {
            None => "Secret missing".to_string(),
            Some(s) => match s.data.as_ref().and_then(|d| d.get(k)) {
                Some(v) => masked(&v.0),
                None => "missing".into(),
            },
        };
        credentials.insert(k.to_string(), state);
    }
    let (lifecycle, lifecycle_error) = match claim.config("bucketLifecycle") {
        None => (None, None),
        Some(json) => match Lifecycle::parse(&json) {
            Ok(l) => (Some(l), None),
            Err(e) => (None, Some(e)),
        },
    };
    let description = Description {
        claim: analyse::claim_row(&claim, cm.as_ref(), secret.is_some(), age),
        object_bucket: ob.as_ref().map(
            |o| serde_json::json!({"name": o.metadata.name, "spec": o.spec, "status": o.status}),
        ),
        endpoint,
        credentials,
        lifecycle,
        lifecycle_error,
        pods: analyse::pods_using(&pods.items, namespace, name),
        events: events
            .items
            .iter()
            .map(|e| {
                format!(
                    "{} {}: {}",
                    e.type_.as_deref().unwrap_or("Normal"),
                    e.reason.as_deref().unwrap_or_default(),
                    e.message.as_deref().unwrap_or_default()
                )
            })
            .collect(),
        findings,
    };
    let exit = if description
        .findings
        .iter()
        .any(|f| f.severity >= Severity::Warning)
    {
        Exit::Problems
    } else {
        Exit::Ok
    };
    if matches!(args.output.format, OutputFormat::Json | OutputFormat::Yaml) {
        print_value(out, args.output.format, &description)?;
        return Ok(exit);
    }
    let d = &description;
    let c = &d.claim;
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    writeln!(out, "Name:          {}", c.name)?;
    writeln!(out, "Namespace:     {}", c.namespace)?;
    writeln!(out, "Phase:         {}", c.phase)?;
    writeln!(out, "StorageClass:  {}", dash(&c.storage_class))?;
    writeln!(out, "Bucket:        {}", dash(&c.bucket))?;
    writeln!(out, "Endpoint:      {}", dash(&d.endpoint))?;
    match &d.object_bucket {
        Some(ob) => writeln!(
            out,
            "ObjectBucket:  {} ({})",
            ob["name"].as_str().unwrap_or_default(),
            ob["status"]["phase"].as_str().unwrap_or("no phase")
        )?,
        None => match &ob_error {
            Some(e) => writeln!(out, "ObjectBucket:  {ob_name} (could not be read: {e})")?,
            None => writeln!(out, "ObjectBucket:  {ob_name} (not found)")?,
        },
    }
    writeln!(
        out,
        "Quota:         maxSize {}, maxObjects {}",
        dash(&c.max_size),
        dash(&c.max_objects)
    )?;
    writeln!(
        out,
        "Age:           {}",
        c.age_seconds
            .map(crate::render::age)
            .unwrap_or_else(|| "-".into())
    )?;
    writeln!(out, "Credentials (Secret {}):", c.name)?;
    for (k, v) in &d.credentials {
        writeln!(out, "  {k}: {v}")?;
    }
    writeln!(out, "Lifecycle:")?;
    match (&d.lifecycle, &d.lifecycle_error) {
        (_, Some(e)) => writeln!(out, "  {e}")?,
        (None, None) => writeln!(out, "  none")?,
        (Some(l), None) => {
            let rows = l.rules.iter().map(lifecycle_row).collect();
            let mut buffer = Vec::new();
            crate::render::table(
                &mut buffer,
                &[
                    "ID",
                    "STATUS",
                    "PREFIX",
                    "EXPIRE",
                    "ABORT MULTIPART",
                    "NONCURRENT",
                ],
                rows,
            )?;
            for line in String::from_utf8_lossy(&buffer).lines() {
                writeln!(out, "  {line}")?;
            }
        }
    }
    writeln!(out, "Pods using its Secret or ConfigMap:")?;
    if d.pods.is_empty() {
        writeln!(out, "  none")?;
    }
    for p in &d.pods {
        writeln!(out, "  {p}")?;
    }
    writeln!(out, "Events:")?;
    if d.events.is_empty() {
        writeln!(out, "  none")?;
    }
    for e in &d.events {
        writeln!(out, "  {e}")?;
    }
    write_findings(out, &d.findings)?;
    Ok(exit)
}

fn lifecycle_row(rule: &bucket::LifecycleRule) -> Vec<String> {
    let days = |d: Option<u32>| d.map(|d| format!("{d}d")).unwrap_or_else(|| "-".into());
    let prefix = rule
        .filter
        .as_ref()
        .and_then(|f| f.get("Prefix").and_then(|p| p.as_str()).map(str::to_string))
        .or_else(|| rule.prefix.clone())
        .unwrap_or_default();
    vec![
        rule.id.clone(),
        rule.status.clone(),
        if prefix.is_empty() {
            "(all)".into()
        } else {
            prefix
        },
        days(rule.expiration.as_ref().map(|e| e.days)),
        days(
            rule.abort_incomplete_multipart_upload
                .as_ref()
                .map(|a| a.days_after_initiation),
        ),
        days(
            rule.noncurrent_version_expiration
                .as_ref()
                .map(|n| n.noncurrent_days),
        ),
    ]
}

// ------------------------------------------------------------------ check ---

/// How to reach one claim's bucket: its endpoint, bucket name and credentials.
struct Target {
    client: s3::Client,
    bucket: String,
}

async fn target_for(
    cluster: &Cluster,
    namespace: &str,
    claim: &ObjectBucketClaim,
    s3args: &S3Args,
) -> std::result::Result<Target, String> {
    let name = claim.metadata.name.as_deref().unwrap_or_default();
    let (cm, secret) = tokio::join!(
        cluster.config_map(namespace, name),
        cluster.secret(namespace, name)
    );
    let cm = cm.map_err(|e| e.to_string())?.ok_or_else(|| {
        format!(
            "ConfigMap {namespace}/{name} (the bucket endpoint) is missing; the claim is {}",
            claim.phase()
        )
    })?;
    let secret = secret.map_err(|e| e.to_string())?.ok_or_else(|| {
        format!(
            "Secret {namespace}/{name} (the S3 credentials) is missing; the claim is {}",
            claim.phase()
        )
    })?;
    let data = cm.data.unwrap_or_default();
    let bucket = data
        .get("BUCKET_NAME")
        .cloned()
        .ok_or_else(|| format!("ConfigMap {namespace}/{name} has no BUCKET_NAME"))?;
    let endpoint = match &s3args.s3_endpoint {
        Some(url) => url.clone(),
        None => {
            let host = data.get("BUCKET_HOST").ok_or_else(|| {
                format!("ConfigMap {namespace}/{name} has no BUCKET_HOST; pass --s3-endpoint")
            })?;
            let port = data.get("BUCKET_PORT").map(String::as_str).unwrap_or("80");
            format!("http://{host}:{port}")
        }
    };
    let secret_data = secret.data.unwrap_or_default();
    let field = |k: &str| {
        secret_data
            .get(k)
            .map(|v| String::from_utf8_lossy(&v.0).trim().to_string())
            .ok_or_else(|| format!("Secret {namespace}/{name} has no {k}"))
    };
    let credentials = s3::Credentials {
        access_key: field("AWS_ACCESS_KEY_ID")?,
        secret_key: field("AWS_SECRET_ACCESS_KEY")?,
    };
    let client =
        s3::Client::new(&endpoint, credentials, s3args.s3_timeout).map_err(|e| e.to_string())?;
    Ok(Target { client, bucket })
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct CheckResult {
    namespace: String,
    name: String,
    bucket: Option<String>,
    endpoint: Option<String>,
    steps: Vec<Step>,
    drift: Vec<Drift>,
    passed: bool,
}

#[derive(Debug, Clone, Serialize)]
struct Step {
    check: String,
    ok: bool,
    detail: String,
}

async fn check_one(
    cluster: &Cluster,
    namespace: &str,
    claim: &ObjectBucketClaim,
    s3args: &S3Args,
) -> CheckResult {
    let name = claim.metadata.name.clone().unwrap_or_default();
    let mut result = CheckResult {
        namespace: namespace.to_string(),
        name: name.clone(),
        bucket: None,
        endpoint: None,
        steps: Vec::new(),
        drift: Vec::new(),
        passed: false,
    };
    let step =
        |result: &mut CheckResult, check: &str, outcome: std::result::Result<String, String>| {
            let ok = outcome.is_ok();
            result.steps.push(Step {
                check: check.to_string(),
                ok,
                detail: outcome.unwrap_or_else(|e| e),
            });
            ok
        };
    if claim.phase() != "Bound" {
        step(
            &mut result,
            "phase",
            Err(format!(
                "the claim is {}, so there is no bucket to check yet; see kubectl dp buckets describe {name} -n {namespace}",
                claim.phase()
            )),
        );
        return result;
    }
    let target = match target_for(cluster, namespace, claim, s3args).await {
        Ok(t) => t,
        Err(e) => {
            step(&mut result, "credentials", Err(e));
            return result;
        }
    };
    result.bucket = Some(target.bucket.clone());
    result.endpoint = Some(target.client.endpoint().to_string());
    let (client, bucket) = (&target.client, target.bucket.as_str());
    let exists = match client.bucket_exists(bucket).await {
        Ok(true) => Ok(format!("bucket {bucket} exists")),
        Ok(false) => Err(format!(
            "bucket {bucket} does not exist at {}",
            client.endpoint()
        )),
        Err(e) => Err(e.to_string()),
    };
    if !step(&mut result, "bucket", exists) {
        return result;
    }
    let probe_key = format!(
        ".kubectl-dp-probe-{}",
        jiff::Timestamp::now().as_millisecond()
    );
    let payload = Bytes::from(format!("kubectl dp buckets check {probe_key}"));
    let probe = async {
        client
            .put_object(bucket, &probe_key, payload.clone())
            .await
            .map_err(|e| format!("write: {e}"))?;
        let read = client
            .get_object(bucket, &probe_key)
            .await
            .map_err(|e| format!("read: {e}"));
        let deleted = client
            .delete_object(bucket, &probe_key)
            .await
            .map_err(|e| format!("delete: {e}"));
        let read = read?;
        deleted?;
        if read != payload {
            return Err("read back different bytes than written".to_string());
        }
        Ok(format!("wrote, read back and deleted {probe_key}"))
    }
    .await;
    let probe_ok = step(&mut result, "probe object", probe);
    let wanted = claim
        .config("bucketLifecycle")
        .map(|json| Lifecycle::parse(&json));
    let lifecycle = match wanted {
        Some(Err(e)) => Err(e),
        wanted => match client.get_lifecycle(bucket).await {
            Err(e) => Err(format!("could not read the bucket's lifecycle: {e}")),
            Ok(actual) => {
                let wanted = wanted.and_then(|w| w.ok());
                result.drift = analyse::lifecycle_drift(wanted.as_ref(), actual.as_ref());
                if result.drift.is_empty() {
                    Ok(match &wanted {
                        Some(l) => format!("matches the claim ({})", l.summary()),
                        None => "none on the claim, none on the bucket".into(),
                    })
                } else {
                    Err(format!(
                        "{} difference(s) between the claim and the bucket",
                        result.drift.len()
                    ))
                }
            }
        },
    };
    let lifecycle_ok = step(&mut result, "lifecycle", lifecycle);
    result.passed = probe_ok && lifecycle_ok;
    result
}

async fn run_check(
    cluster: &Cluster,
    args: &Args,
    check: &CheckArgs,
    namespace: &str,
    out: &mut dyn Write,
) -> Result<Exit> {
    let claims: Vec<ObjectBucketClaim> = if let Some(name) = &check.name {
        vec![load_claim(cluster, namespace, name).await?]
    } else {
        let scope = cluster.scope(&args.cluster);
        let listing = cluster
            .list_custom::<ObjectBucketClaim>(
                &resources::object_bucket_claim(),
                Some(&scope),
                &ListParams::default(),
            )
            .await?;
        if let crate::kube::Availability::Forbidden(r) | crate::kube::Availability::Failed(r) =
            &listing.availability
        {
            return Err(Error::Api {
                what: "listing objectbucketclaims".into(),
                reason: r.clone(),
            });
        }
        listing.items
    };
    let mut results = Vec::new();
    for claim in &claims {
        let ns = claim
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| namespace.to_string());
        results.push(check_one(cluster, &ns, claim, &check.s3).await);
    }
    let passed = results.iter().all(|r| r.passed);
    if matches!(args.output.format, OutputFormat::Json | OutputFormat::Yaml) {
        print_value(out, args.output.format, &results)?;
    } else {
        if results.is_empty() {
            writeln!(out, "No ObjectBucketClaims to check.")?;
        }
        for r in &results {
            writeln!(
                out,
                "{}/{}: {} (bucket {}, endpoint {})",
                r.namespace,
                r.name,
                if r.passed { "PASS" } else { "FAIL" },
                r.bucket.as_deref().unwrap_or("-"),
                r.endpoint.as_deref().unwrap_or("-")
            )?;
            for s in &r.steps {
                writeln!(
                    out,
                    "  {:<4} {:<13} {}",
                    if s.ok { "ok" } else { "FAIL" },
                    s.check,
                    s.detail
                )?;
            }
            if !r.drift.is_empty() {
                let rows = r
                    .drift
                    .iter()
                    .map(|d| {
                        vec![
                            d.rule.clone(),
                            d.field.clone(),
                            d.claim.clone(),
                            d.bucket.clone(),
                        ]
                    })
                    .collect();
                let mut buffer = Vec::new();
                crate::render::table(&mut buffer, &["RULE", "FIELD", "CLAIM", "BUCKET"], rows)?;
                for line in String::from_utf8_lossy(&buffer).lines() {
                    writeln!(out, "    {line}")?;
                }
            }
        }
    }
    Ok(if passed { Exit::Ok } else { Exit::Problems })
}

// ----------------------------------------------------------------- delete ---

async fn run_delete(
    cluster: &Cluster,
    args: &Args,
    delete: &DeleteArgs,
    namespace: &str,
    out: &mut dyn Write,
) -> Result<Exit> {
    let name = delete.name.as_str();
    let claim = load_claim(cluster, namespace, name).await?;
    let pods = cluster
        .list::<Pod>(
            &Scope::Namespace(namespace.to_string()),
            &ListParams::default(),
        )
        .await?;
    let users = analyse::pods_using(&pods.items, namespace, name);
    let usage = match target_for(cluster, namespace, &claim, &delete.s3).await {
        Ok(target) => target
            .client
            .usage(&target.bucket)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e),
    };
    writeln!(
        out,
        "Deleting ObjectBucketClaim {} loses:",
        key(namespace, name)
    )?;
    match &usage {
        Ok(u) => writeln!(
            out,
            "  bucket contents: {} objects, {}",
            u.objects,
            crate::platform::quantity::Quantity::from_bytes(u.bytes as i128).display_bytes()
        )?,
        Err(e) => writeln!(out, "  bucket contents: unknown ({e})")?,
    }
    if users.is_empty() {
        writeln!(out, "  pods using its credentials: none")?;
    } else {
        writeln!(out, "  pods using its credentials: {}", users.join(", "))?;
    }
    let mut reasons = Vec::new();
    if let Ok(u) = &usage
        && u.objects > 0
    {
        reasons.push(format!("the bucket holds {} objects", u.objects));
    }
    if usage.is_err() && claim.phase() == "Bound" {
        reasons.push("the bucket's contents could not be counted".to_string());
    }
    if !users.is_empty() {
        reasons.push(format!("{} pod(s) use its credentials", users.len()));
    }
    if !reasons.is_empty() && !delete.force {
        writeln!(
            out,
            "Refusing to delete: {}. Pass --force to delete anyway.",
            reasons.join(" and ")
        )?;
        return Ok(Exit::Problems);
    }
    if !delete.yes {
        if !std::io::stdin().is_terminal() {
            return Err(Error::Usage(format!(
                "not deleting {}: stdin is not a terminal to confirm on; pass --yes",
                key(namespace, name)
            )));
        }
        write!(out, "Type the claim name ({name}) to delete it: ")?;
        out.flush()?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if answer.trim() != name {
            writeln!(out, "Not deleted.")?;
            return Ok(Exit::Problems);
        }
    }
    cluster.delete_bucket_claim(namespace, name).await?;
    writeln!(out, "objectbucketclaim.objectbucket.io/{name} deleted")?;
    if args.output.verbose > 0 {
        writeln!(
            out,
            "The Rook provisioner deletes or keeps the bucket according to the StorageClass reclaimPolicy."
        )?;
    }
    Ok(Exit::Ok)
}
