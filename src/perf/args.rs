//! The flags of `kubectl dp perf run` and `perf compare`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::cli::{ClusterArgs, OutputArgs};

use super::compare::{self, Metric};
use super::schedule::Warmup;
use super::storage;

/// Measure the data platform: Trino query latency, Spark job time, S3
/// throughput and resource use; compare against a saved baseline.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-dp-perf",
    bin_name = "kubectl dp perf",
    version,
    after_help = "Exit codes: 0 all good, 1 a failed query/operation or a significant regression beyond --threshold (more with --fail-on warning|info), 2 could not run or something was not measured (--allow-missing accepts that).\n\nExamples:\n  kubectl dp perf run -n data-platform --suite trino --save before.json\n  kubectl dp tune apply -n data-platform && kubectl dp perf run -n data-platform --suite trino --baseline before.json\n  kubectl dp perf run --suite trino --trino-url http://127.0.0.1:8080 --iterations 20 --junit perf.xml\n  kubectl dp perf compare before.json after.json --threshold 10%"
)]
pub struct Args {
    /// kubectl's connection flags.
    #[command(flatten)]
    pub cluster: ClusterArgs,

    /// The suite's output flags.
    #[command(flatten)]
    pub output: OutputArgs,

    /// `run` or `compare`.
    #[command(subcommand)]
    pub command: Command,
}

/// The perf subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the suites and report (and save) the figures
    Run(Box<RunArgs>),
    /// Compare two saved reports: change per query and whether it is significant
    Compare(CompareArgs),
}

/// What `perf run` can measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Suite {
    /// Trino query latency through the client protocol
    Trino,
    /// SparkApplication run time (submit a job, or --history)
    Spark,
    /// S3 PUT/GET latency and throughput in a claim's bucket
    Storage,
    /// CPU and memory use per component from metrics.k8s.io against requests and limits
    Resources,
}

impl Suite {
    /// The suite's name as `--suite` and the report spell it.
    pub fn name(self) -> &'static str {
        match self {
            Suite::Trino => "trino",
            Suite::Spark => "spark",
            Suite::Storage => "storage",
            Suite::Resources => "resources",
        }
    }
}

/// The flags of `perf run`.
#[derive(Debug, Clone, clap::Args)]
#[allow(missing_docs)] // each field's doc comment is its --help text
pub struct RunArgs {
    /// Suites to run, comma-separated (default: every suite whose target the platform has)
    #[arg(long, value_enum, value_delimiter = ',', value_name = "SUITES")]
    pub suite: Vec<Suite>,

    /// Measured rounds: each query (object size, Spark job) runs this many times, queries interleaved
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub iterations: u32,

    /// Unmeasured rounds first: auto (until each query's timings settle, 6 to 30 rounds) or a number
    #[arg(long, default_value = "auto", value_parser = Warmup::parse, value_name = "auto|N")]
    pub warmup: Warmup,

    /// Seed of the per-round query order (default: fresh, recorded in the report)
    #[arg(long, value_name = "N", hide_short_help = true)]
    pub seed: Option<u64>,

    /// Clients running at once
    #[arg(long, default_value_t = 1, value_name = "C", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,

    /// Longest one query, S3 request or Spark job may take
    #[arg(long, default_value = "5m", value_parser = crate::cli::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,

    /// Write the report as JSON to FILE (for a later --baseline or `perf compare`)
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,

    /// Compare against this saved report; exit 1 on a significant regression
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// With --baseline: the smallest significant slowdown that is a regression
    #[arg(long, visible_alias = "max-regression", default_value = "10%", value_parser = compare::parse_percent, value_name = "PERCENT")]
    pub threshold: f64,

    /// With --baseline: what is compared for Trino queries
    #[arg(long, value_enum, default_value_t = Metric::Cpu)]
    pub metric: Metric,

    /// Exit 0 or 1 even when something was not measured (a suite skipped, a query the baseline has)
    #[arg(long)]
    pub allow_missing: bool,

    /// Write the results as JUnit XML to FILE (one test case per query / operation)
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Trino: tpch schema of the built-in query set (tiny, sf1, sf10, …)
    #[arg(long, default_value = "tiny", help_heading = "Trino")]
    pub scale: String,

    /// Trino: run the statements of this file instead (`;`-separated, `-- name: X` names the next)
    #[arg(long, value_name = "FILE", help_heading = "Trino")]
    pub sql_file: Option<PathBuf>,

    /// Trino: the coordinator's URL (default: port-forward to the coordinator pod over the API server)
    #[arg(long, value_name = "URL", help_heading = "Trino")]
    pub trino_url: Option<String>,

    /// Trino: the user queries run as (X-Trino-User)
    #[arg(
        long,
        default_value = "kubectl-dp",
        value_name = "USER",
        help_heading = "Trino"
    )]
    pub trino_user: String,

    /// Trino: read the password from this file (HTTP basic authentication)
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "trino_password_env",
        help_heading = "Trino"
    )]
    pub trino_password_file: Option<PathBuf>,

    /// Trino: read the password from this environment variable
    #[arg(long, value_name = "VAR", help_heading = "Trino")]
    pub trino_password_env: Option<String>,

    /// Storage: the ObjectBucketClaim whose bucket and credentials to use (default: the only Bound claim)
    #[arg(long, value_name = "NAME", help_heading = "Storage")]
    pub bucket_claim: Option<String>,

    /// Storage: object sizes, comma-separated (from --multipart-threshold up, uploaded in parts)
    #[arg(long, value_delimiter = ',', default_value = "1MiB", value_parser = storage::parse_size, value_name = "SIZES", help_heading = "Storage")]
    pub object_size: Vec<u64>,

    /// Storage: objects of this size or larger are written as multipart uploads
    /// of 8MiB parts, as S3A and Trino write large files
    #[arg(long, default_value = "16MiB", value_parser = storage::parse_size, value_name = "SIZE", help_heading = "Storage")]
    pub multipart_threshold: u64,

    /// Storage: use this S3 endpoint instead of the claim's BUCKET_HOST:BUCKET_PORT
    #[arg(long, value_name = "URL", help_heading = "Storage")]
    pub s3_endpoint: Option<String>,

    /// Storage: trust only this CA bundle (PEM) for an https S3 endpoint
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, help_heading = "Storage")]
    pub s3_ca_file: Option<PathBuf>,

    /// Storage: where the bucket goes in a request (path, virtual-host; auto: virtual-host on AWS)
    #[arg(
        long,
        value_enum,
        default_value_t,
        value_name = "STYLE",
        help_heading = "Storage"
    )]
    pub s3_addressing: crate::s3::Addressing,

    /// Storage: the name the gateway's certificate must carry (a port-forward to localhost)
    #[arg(long, value_name = "NAME", help_heading = "Storage")]
    pub s3_tls_server_name: Option<String>,

    /// Spark: submit this SparkApplication manifest (default: a built-in SparkPi template)
    #[arg(long, value_name = "FILE", help_heading = "Spark")]
    pub spark_app: Option<PathBuf>,

    /// Spark: summarise recent SparkApplications (durations, failure rate) instead of submitting
    #[arg(long, help_heading = "Spark")]
    pub history: bool,

    /// Spark: image of the built-in template
    #[arg(
        long,
        default_value = "docker.io/apache/spark:3.5.3",
        value_name = "IMAGE",
        help_heading = "Spark",
        hide_short_help = true
    )]
    pub spark_image: String,
}

/// The arguments of `perf compare`.
#[derive(Debug, Clone, clap::Args)]
#[allow(missing_docs)] // each field's doc comment is its --help text
pub struct CompareArgs {
    /// The earlier report (`perf run --save`)
    pub old: PathBuf,
    /// The later report
    pub new: PathBuf,
    /// The smallest significant slowdown that is a regression
    #[arg(long, visible_alias = "max-regression", default_value = "10%", value_parser = compare::parse_percent, value_name = "PERCENT")]
    pub threshold: f64,
    /// What is compared for Trino queries
    #[arg(long, value_enum, default_value_t = Metric::Cpu)]
    pub metric: Metric,
    /// Exit 0 or 1 even when a measurement of OLD is missing from NEW or has too few runs
    #[arg(long)]
    pub allow_missing: bool,
    /// Write the comparison as JUnit XML to FILE (one test case per measurement)
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}
