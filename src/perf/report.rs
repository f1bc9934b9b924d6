//! The perf report: what `-o json|yaml` prints, `--save` writes and
//! `perf compare` reads back. Raw samples are kept so that a later comparison
//! can test significance on them; see docs/perf.md for the schema.

// Every field here is a field of the JSON/YAML report, documented in docs/perf.md
// ("Output"); the names say what they hold.
#![allow(missing_docs)]

use serde::{Deserialize, Serialize};

use super::stats::Distribution;

pub use crate::render::API_VERSION;
pub(crate) const KIND: &str = "PerfReport";

/// A report as saved and read back: the suite's envelope (`apiVersion`, `kind`,
/// `metadata`, written through [`crate::render::Envelope`]) around [`PerfBody`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PerfReport {
    pub api_version: String,
    pub kind: String,
    pub metadata: SavedMetadata,
    #[serde(flatten)]
    pub body: PerfBody,
}

impl std::ops::Deref for PerfReport {
    type Target = PerfBody;
    fn deref(&self) -> &PerfBody {
        &self.body
    }
}

/// The envelope's metadata as read back from a file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedMetadata {
    pub generated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(default)]
    pub scope: serde_json::Value,
    pub tool_version: String,
}

/// What perf measured: everything below the envelope.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PerfBody {
    pub environment: Environment,
    pub settings: RunSettings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trino: Option<TrinoResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<StorageResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spark: Option<SparkResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourcesResult>,
    /// Suites that did not run, each with why.
    #[serde(default)]
    pub skipped: Vec<Skipped>,
    /// Against `--baseline`, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    #[serde(default)]
    pub cluster_version: Option<String>,
    #[serde(default)]
    pub node_count: Option<usize>,
    #[serde(default)]
    pub trino_version: Option<String>,
    /// How Trino was reached: `--trino-url`, or the port-forward to which pod.
    #[serde(default)]
    pub trino_endpoint: Option<String>,
    /// The platform's settings that tuning changes, as read from the cluster.
    #[serde(default)]
    pub tuned_settings: Vec<Setting>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Setting {
    /// `ConfigMap data-platform/trino-coordinator`.
    pub object: String,
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunSettings {
    pub suites: Vec<String>,
    /// Measured rounds (each query once per round).
    pub iterations: usize,
    /// Warm-up rounds that ran (trino), or the fixed warm-up (storage).
    pub warmup: usize,
    /// `--warmup` as given: `auto` or a number of rounds.
    #[serde(default)]
    pub warmup_rule: String,
    /// Seed of the per-round query order (`--seed` reproduces it).
    #[serde(default)]
    pub seed: Option<u64>,
    pub concurrency: usize,
    pub timeout_seconds: f64,
    #[serde(default)]
    pub scale: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    pub suite: String,
    pub reason: String,
    /// Whether the suite's target is absent from this platform (fine without
    /// `--suite`) or there but could not be measured (not a pass).
    #[serde(default)]
    pub cause: SkipCause,
}

/// Why a suite did not run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SkipCause {
    /// This platform has no such component (no coordinator, no Bound claim, no metrics API).
    #[default]
    Absent,
    /// It is there but could not be measured (cluster unreachable, coordinator not ready or not answering).
    Unavailable,
}

// ------------------------------------------------------------------ trino ---

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrinoResult {
    pub queries: Vec<QueryResult>,
    /// The fixed query run in every round to measure the machines' speed
    /// (`perf::trino::YARDSTICK`); its failure fails nothing, comparisons then
    /// use absolute CPU time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yardstick: Option<QueryResult>,
    pub throughput: Throughput,
    /// The client machine while measuring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientLoad>,
}

/// The load of the machine the client ran on, so that a report taken on a busy
/// machine says so (see `perf::load`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientLoad {
    /// Logical CPUs of the client.
    pub cpus: usize,
    /// 1-, 5- and 15-minute load averages before the warm-up.
    #[serde(default)]
    pub load_before: Option<[f64; 3]>,
    /// … and after the last measured query.
    #[serde(default)]
    pub load_after: Option<[f64; 3]>,
    /// The median of the 1-minute load average at the start of each measured query.
    #[serde(default)]
    pub load1_median: Option<f64>,
    /// CPU time the client process used while measuring (ms).
    #[serde(default)]
    pub process_cpu_ms: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Throughput {
    pub concurrency: usize,
    /// Measured (not warm-up) queries that finished.
    pub completed: usize,
    pub failed: usize,
    pub wall_seconds: f64,
    pub queries_per_minute: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryResult {
    pub name: String,
    pub sql: String,
    /// Unmeasured warm-up runs of this query.
    #[serde(default)]
    pub warmup_runs: usize,
    /// With `--warmup auto`: whether its timings settled before the ceiling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled: Option<bool>,
    /// Measured iterations that finished (warm-up excluded).
    pub samples: Vec<QuerySample>,
    pub failures: Vec<QueryFailure>,
    /// `None` when no iteration finished.
    pub summary: Option<QuerySummary>,
}

/// One finished, measured run of a query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuerySample {
    /// The measured round it ran in (1-based; 0 in reports before rounds).
    #[serde(default)]
    pub round: usize,
    /// The client machine's 1-minute load average when it started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load1: Option<f64>,
    /// What the client saw: from POST to the last page.
    pub wall_ms: f64,
    /// Trino's own `elapsedTimeMillis`.
    pub elapsed_ms: f64,
    pub queued_ms: f64,
    #[serde(default)]
    pub planning_ms: Option<f64>,
    pub cpu_ms: f64,
    pub peak_memory_bytes: u64,
    pub processed_rows: u64,
    pub processed_bytes: u64,
    pub rows: u64,
    /// Trino's own statistics of the run (0 in reports from before they were kept).
    #[serde(default)]
    pub nodes: u64,
    /// Splits of all stages.
    #[serde(default)]
    pub splits: u64,
    /// Bytes the table scans read from storage.
    #[serde(default)]
    pub physical_input_bytes: u64,
    /// Wall time of all tasks summed (ms): CPU time plus waiting (I/O, exchanges).
    #[serde(default)]
    pub task_wall_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryFailure {
    pub iteration: usize,
    #[serde(default)]
    pub query_id: String,
    pub error_name: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuerySummary {
    /// Client wall time (ms).
    pub wall: Distribution,
    /// Trino's elapsed time (ms).
    pub elapsed: Distribution,
    /// Client wall time minus Trino's elapsed time (ms): the client, the network and polling.
    pub client_overhead: Distribution,
    pub queued: Distribution,
    #[serde(default)]
    pub planning: Option<Distribution>,
    /// Elapsed minus queued minus planning (ms).
    pub execution: Distribution,
    pub cpu: Distribution,
    pub peak_memory_bytes: u64,
    /// Processed rows per second of Trino elapsed time (median run).
    pub rows_per_second: Option<f64>,
    pub bytes_per_second: Option<f64>,
    /// Trino's own statistics, median per run; `None` in reports from before
    /// they were kept (see [`EngineStats`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<EngineStats>,
}

/// What Trino says one run of a query did, the median over the measured runs:
/// how the work was cut up and spread, what it read, and where the time went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EngineStats {
    pub nodes: f64,
    pub splits: f64,
    /// Bytes the table scans read from storage (compressed, as stored).
    pub physical_input_bytes: f64,
    /// Rows the table scans produced (Trino's `processedRows`).
    pub input_rows: f64,
    /// Wall time of all tasks summed (ms).
    pub task_wall_ms: f64,
    pub cpu_ms: f64,
    /// CPU time over task wall time: near 1 the tasks computed, well below 1
    /// they waited (storage, exchanges, memory).
    pub cpu_per_wall: Option<f64>,
    pub peak_memory_bytes: f64,
}

// ---------------------------------------------------------------- storage ---

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageResult {
    pub claim: String,
    pub bucket: String,
    pub endpoint: String,
    pub operations: Vec<StorageOperation>,
    /// Objects written and deleted again (should equal the objects written).
    pub objects_written: usize,
    pub objects_deleted: usize,
    #[serde(default)]
    pub cleanup_errors: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageOperation {
    /// `PUT` or `GET`.
    pub operation: String,
    pub object_size: u64,
    pub multipart: bool,
    /// Latency per object (ms).
    pub samples: Vec<f64>,
    pub failures: Vec<String>,
    pub latency: Option<Distribution>,
    /// Bytes per second over the whole phase (all clients).
    pub throughput_bytes_per_second: Option<f64>,
}

// ------------------------------------------------------------------ spark ---

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SparkResult {
    #[serde(default)]
    pub runs: Vec<SparkRun>,
    /// Submission to termination (s) of the measured runs that completed.
    #[serde(default)]
    pub duration: Option<Distribution>,
    #[serde(default)]
    pub history: Vec<SparkHistory>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SparkRun {
    pub name: String,
    pub state: String,
    /// terminationTime − lastSubmissionAttemptTime from the status (s).
    pub duration_seconds: Option<f64>,
    /// What the client waited, from create to the final state (s).
    pub wait_seconds: f64,
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SparkHistory {
    /// The application, with a generated or numbered suffix removed.
    pub application: String,
    pub runs: usize,
    pub failed: usize,
    pub failure_rate: f64,
    pub duration: Option<Distribution>,
}

// -------------------------------------------------------------- resources ---

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcesResult {
    pub namespace: String,
    pub components: Vec<ComponentUsage>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentUsage {
    /// The workload (Deployment/StatefulSet owner) or the pod.
    pub component: String,
    pub pods: usize,
    pub cpu_millis: u64,
    pub cpu_request_millis: Option<u64>,
    pub cpu_limit_millis: Option<u64>,
    pub memory_bytes: u64,
    pub memory_request_bytes: Option<u64>,
    pub memory_limit_bytes: Option<u64>,
    /// Limit minus use, as a fraction of the limit.
    pub memory_headroom: Option<f64>,
    /// `near-memory-limit`, `over-requested-cpu`, `over-requested-memory`, `no-limits`.
    pub flags: Vec<String>,
}

// ------------------------------------------------------------- comparison ---

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    pub old_generated_at: String,
    pub new_generated_at: String,
    /// What is compared for Trino queries: `cpu`, `elapsed` or `wall`.
    pub metric: String,
    /// `yardstick`: Trino CPU time divided by the yardstick's in the same
    /// round (both reports have one); `absolute` otherwise.
    #[serde(default)]
    pub basis: String,
    /// The yardstick's own change in absolute CPU time: the machines' (or the
    /// whole engine's) speed between the two runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yardstick: Option<ComparisonRow>,
    /// `Mann-Whitney rank-sum (two-sided, exact up to 60 runs)`.
    pub test: String,
    /// `holm`.
    pub correction: String,
    /// Significance level of the whole gate (Holm keeps the chance of any false regression at or below it).
    pub alpha: f64,
    /// The smallest slowdown (percent) that is a regression: `--threshold`.
    pub threshold_percent: f64,
    /// The fewest runs per side with which significance is reachable here.
    pub min_runs: usize,
    /// The client machine's median 1-minute load during each side (trino).
    #[serde(default)]
    pub old_load1: Option<f64>,
    #[serde(default)]
    pub new_load1: Option<f64>,
    pub rows: Vec<ComparisonRow>,
    pub regressions: usize,
    /// What the baseline measured and this run did not, each with why.
    #[serde(default)]
    pub not_measured: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComparisonRow {
    pub suite: String,
    pub name: String,
    /// The compared statistic of this row (`cpu`, `elapsed`, `wall`, `latency`, `duration`).
    pub metric: String,
    pub unit: String,
    pub old_n: usize,
    pub new_n: usize,
    pub old_median: Option<f64>,
    pub new_median: Option<f64>,
    /// Hodges–Lehmann estimate of the change in percent; positive means slower.
    pub change_percent: Option<f64>,
    /// Its confidence interval at 1 − alpha.
    pub change_low_percent: Option<f64>,
    pub change_high_percent: Option<f64>,
    /// Two-sided rank-sum p-value, and Holm's adjusted value that decides.
    pub p_value: Option<f64>,
    pub adjusted_p_value: Option<f64>,
    /// Whether `pValue` is exact.
    #[serde(default)]
    pub exact: bool,
    pub significant: bool,
    /// One-sided rank-sum p-value that the new side is slower than the old
    /// one by more than `--threshold`, Holm-adjusted over the measurements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beyond_threshold_p_value: Option<f64>,
    /// Significantly slower by more than `--threshold`:
    /// `beyondThresholdPValue` ≤ alpha.
    pub regression: bool,
    /// Trino: the other of CPU and elapsed time, to tell a change in work from a change in waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<OtherChange>,
    /// Failed runs on the new side.
    #[serde(default)]
    pub new_failures: usize,
    /// `regression`, `slower`, `faster`, `within noise`, `failed`, `too few runs`, `not measured`, `new`.
    pub verdict: String,
}

/// The change of the statistic that is not compared (unadjusted, for reading only).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OtherChange {
    pub metric: String,
    pub change_percent: Option<f64>,
    pub p_value: Option<f64>,
}
