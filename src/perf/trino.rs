//! The trino suite, in rounds: every round runs each query once, in an order
//! shuffled per round (see [`super::schedule`]). Warm-up rounds come first and
//! are not measured; with `--warmup auto` they go on until every query's
//! timings settle. `concurrency` clients pull from the same interleaved
//! schedule. A failed query is kept with Trino's error and never counted as a
//! latency; one that fails in warm-up is not measured.
//!
//! Every round also runs the **yardstick** ([`YARDSTICK`]), a fixed query whose
//! CPU time measures how fast the engine's machines are in that round: on a
//! shared machine the CPU time of every query drifts together by ±30% from
//! minute to minute, and a query's CPU time divided by the yardstick's in the
//! same round does not (docs/perf.md, "What is compared").

use std::time::{Duration, Instant};

use futures::StreamExt;

use crate::trino::{Client, Outcome, QueryStats, TrinoError};

use super::Progress;
use super::compare::Metric;
use super::load;
use super::queries::Query;
use super::report::{
    ClientLoad, EngineStats, QueryFailure, QueryResult, QuerySample, QuerySummary, Throughput,
    TrinoResult,
};
use super::schedule::{Warmup, round_order, settled};
use super::stats::{Distribution, median};

/// The yardstick: the same work on every platform with the tpch catalog
/// (60,175 generated rows filtered and summed), tens of ms of CPU time.
pub(crate) const YARDSTICK: &str = "SELECT count(*), sum(quantity), sum(extendedprice * discount) \
     FROM tpch.tiny.lineitem WHERE shipdate >= DATE '1994-01-01'";

pub struct Plan {
    /// The queries, the yardstick last when it runs.
    pub queries: Vec<Query>,
    /// Whether the last query is the yardstick (reported apart).
    pub with_yardstick: bool,
    /// Measured rounds.
    pub iterations: usize,
    pub warmup: Warmup,
    pub concurrency: usize,
    pub timeout: Duration,
    /// Of the per-round order.
    pub seed: u64,
    /// The statistic whose settling ends `--warmup auto`.
    pub metric: Metric,
}

/// One scheduled run: (round, query index).
type Slot = (usize, usize);
/// A run's slot, the load when it started, and how it ended with the client's wall time.
type Timed = (Slot, Option<f64>, Result<(Duration, Outcome), TrinoError>);

/// Runs `slots` with `concurrency` clients, started in schedule order.
async fn execute(
    client: &Client,
    plan: &Plan,
    slots: Vec<Slot>,
    progress: &Progress,
    phase: &str,
) -> Vec<Timed> {
    let total = slots.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    futures::stream::iter(slots)
        .map(|slot| {
            let done = &done;
            async move {
                let load1 = load::load_average().map(load::LoadAverage::one);
                let t0 = Instant::now();
                let outcome = client
                    .execute(&plan.queries[slot.1].sql, plan.timeout)
                    .await;
                let wall = t0.elapsed();
                let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress.show(&format!(
                    "trino {phase} round {} ({finished}/{total}): {}",
                    slot.0 + 1,
                    plan.queries[slot.1].name
                ));
                (slot, load1, outcome.map(|o| (wall, o)))
            }
        })
        .buffer_unordered(plan.concurrency.max(1))
        .collect()
        .await
}

/// Per query: its warm-up timings, failures, and whether it still runs.
struct State {
    history: Vec<f64>,
    failures: Vec<QueryFailure>,
    settled: bool,
    active: bool,
    warmup_runs: usize,
}

impl Default for State {
    fn default() -> State {
        State {
            history: vec![],
            failures: vec![],
            settled: false,
            active: true,
            warmup_runs: 0,
        }
    }
}

fn failure(iteration: usize, outcome: Outcome) -> Option<QueryFailure> {
    match outcome {
        Outcome::Failed {
            query_id,
            error_name,
            message,
        } => Some(QueryFailure {
            iteration,
            query_id,
            error_name,
            message,
        }),
        Outcome::Finished { .. } => None,
    }
}

/// Warm-up rounds until the plan's rule is met; returns the rounds run.
async fn warm_up(
    client: &Client,
    plan: &Plan,
    states: &mut [State],
    progress: &Progress,
) -> Result<usize, TrinoError> {
    let mut round = 0;
    loop {
        let all_settled = states.iter().all(|s| !s.active || s.settled);
        if !plan.warmup.wants_more(round, all_settled) || !states.iter().any(|s| s.active) {
            return Ok(round);
        }
        // A different stream of orders from the measured rounds.
        let order = round_order(plan.queries.len(), round, plan.seed ^ 0x5741_524D);
        let slots = order
            .into_iter()
            .filter(|&q| states[q].active)
            .map(|q| (round, q))
            .collect();
        let mut outcomes = execute(client, plan, slots, progress, "warm-up").await;
        outcomes.sort_by_key(|(slot, _, _)| *slot);
        for ((_, q), _, outcome) in outcomes {
            let (_, outcome) = outcome?;
            let state = &mut states[q];
            state.warmup_runs += 1;
            match &outcome {
                Outcome::Finished { stats, .. } => {
                    state.history.push(plan.metric_of(stats));
                    state.settled = state.settled || settled(&state.history);
                }
                Outcome::Failed { .. } => {
                    // It cannot run: measuring it would only repeat the failure.
                    state.failures.extend(failure(0, outcome));
                    state.active = false;
                }
            }
        }
        round += 1;
    }
}

impl Plan {
    fn metric_of(&self, stats: &QueryStats) -> f64 {
        match self.metric {
            Metric::Cpu | Metric::CpuAbsolute => stats.cpu_ms as f64,
            // The client's wall time is not known here; Trino's elapsed is close to it.
            Metric::Elapsed | Metric::Wall => stats.elapsed_ms as f64,
        }
    }
}

/// Runs the plan. Only a failure to talk to Trino at all is an error; failed
/// queries are results.
pub async fn run(
    client: &Client,
    plan: &Plan,
    progress: &Progress,
) -> Result<TrinoResult, TrinoError> {
    let load_before = load::load_average();
    let mut states: Vec<State> = plan.queries.iter().map(|_| State::default()).collect();
    warm_up(client, plan, &mut states, progress).await?;

    let cpu_before = load::process_cpu_ms();
    let started = Instant::now();
    let slots: Vec<Slot> = (0..plan.iterations)
        .flat_map(|round| {
            round_order(plan.queries.len(), round, plan.seed)
                .into_iter()
                .filter(|&q| states[q].active)
                .map(move |q| (round, q))
        })
        .collect();
    let mut outcomes = execute(client, plan, slots, progress, "measured").await;
    let measured_wall = started.elapsed();
    let process_cpu_ms = match (cpu_before, load::process_cpu_ms()) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    progress.clear();
    outcomes.sort_by_key(|(slot, _, _)| *slot);
    let mut samples: Vec<Vec<QuerySample>> = vec![vec![]; plan.queries.len()];
    let mut loads = Vec::new();
    for ((round, q), load1, outcome) in outcomes {
        let (wall, outcome) = outcome?;
        loads.extend(load1);
        match outcome {
            Outcome::Finished { rows, stats, .. } => {
                samples[q].push(sample(round + 1, load1, wall, rows, &stats))
            }
            failed => states[q].failures.extend(failure(round + 1, failed)),
        }
    }
    let mut queries: Vec<QueryResult> = plan
        .queries
        .iter()
        .zip(states)
        .zip(samples)
        .map(|((query, state), samples)| QueryResult {
            name: query.name.clone(),
            sql: query.sql.clone(),
            warmup_runs: state.warmup_runs,
            settled: (plan.warmup == Warmup::Auto && state.active).then_some(state.settled),
            summary: summarise(&samples),
            samples,
            failures: state.failures,
        })
        .collect();
    let yardstick = if plan.with_yardstick {
        queries.pop()
    } else {
        None
    };
    Ok(TrinoResult {
        throughput: throughput(&queries, plan.concurrency, measured_wall),
        queries,
        yardstick,
        client: Some(ClientLoad {
            cpus: load::cpus(),
            load_before: load_before.map(|l| l.0),
            load_after: load::load_average().map(|l| l.0),
            load1_median: (!loads.is_empty()).then(|| median(&loads)),
            process_cpu_ms,
        }),
    })
}

/// Finished and failed measured runs per minute of the measured phase.
fn throughput(queries: &[QueryResult], concurrency: usize, wall: Duration) -> Throughput {
    let completed: usize = queries.iter().map(|q| q.samples.len()).sum();
    let failed: usize = queries.iter().map(|q| q.failures.len()).sum();
    let wall_seconds = wall.as_secs_f64();
    Throughput {
        concurrency: concurrency.max(1),
        completed,
        failed,
        wall_seconds,
        queries_per_minute: if wall_seconds > 0.0 {
            completed as f64 / wall_seconds * 60.0
        } else {
            0.0
        },
    }
}

fn sample(
    round: usize,
    load1: Option<f64>,
    wall: Duration,
    rows: u64,
    stats: &QueryStats,
) -> QuerySample {
    QuerySample {
        round,
        load1,
        wall_ms: wall.as_secs_f64() * 1000.0,
        elapsed_ms: stats.elapsed_ms as f64,
        queued_ms: stats.queued_ms as f64,
        planning_ms: stats.planning_ms.map(|p| p as f64),
        cpu_ms: stats.cpu_ms as f64,
        peak_memory_bytes: stats.peak_memory_bytes,
        processed_rows: stats.processed_rows,
        processed_bytes: stats.processed_bytes,
        rows,
        nodes: stats.nodes,
        splits: stats.total_splits,
        physical_input_bytes: stats.physical_input_bytes,
        task_wall_ms: stats.wall_ms as f64,
    }
}

/// Trino's own statistics per run, the median of each; `None` when Trino
/// reported no splits (a report saved before they were kept).
fn engine_stats(samples: &[QuerySample]) -> Option<EngineStats> {
    if samples.is_empty() || samples.iter().all(|s| s.splits == 0) {
        return None;
    }
    let of = |f: &dyn Fn(&QuerySample) -> f64| median(&samples.iter().map(f).collect::<Vec<_>>());
    let task_wall_ms = of(&|s| s.task_wall_ms);
    let cpu_ms = of(&|s| s.cpu_ms);
    let shares: Vec<f64> = samples
        .iter()
        .filter(|s| s.task_wall_ms > 0.0)
        .map(|s| s.cpu_ms / s.task_wall_ms)
        .collect();
    Some(EngineStats {
        nodes: of(&|s| s.nodes as f64),
        splits: of(&|s| s.splits as f64),
        physical_input_bytes: of(&|s| s.physical_input_bytes as f64),
        input_rows: of(&|s| s.processed_rows as f64),
        task_wall_ms,
        cpu_ms,
        cpu_per_wall: (!shares.is_empty()).then(|| median(&shares)),
        peak_memory_bytes: of(&|s| s.peak_memory_bytes as f64),
    })
}

/// The per-query figures from its finished samples; `None` when there are none.
pub(crate) fn summarise(samples: &[QuerySample]) -> Option<QuerySummary> {
    let of = |f: &dyn Fn(&QuerySample) -> f64| {
        Distribution::of(&samples.iter().map(f).collect::<Vec<_>>())
    };
    let wall = of(&|s| s.wall_ms)?;
    let elapsed = of(&|s| s.elapsed_ms)?;
    let planning_values: Vec<f64> = samples.iter().filter_map(|s| s.planning_ms).collect();
    let planning = (planning_values.len() == samples.len())
        .then(|| Distribution::of(&planning_values))
        .flatten();
    let median_elapsed_s =
        median(&samples.iter().map(|s| s.elapsed_ms).collect::<Vec<_>>()) / 1000.0;
    let per_second = |f: &dyn Fn(&QuerySample) -> u64| {
        let total = median(&samples.iter().map(|s| f(s) as f64).collect::<Vec<_>>());
        (median_elapsed_s > 0.0).then(|| total / median_elapsed_s)
    };
    Some(QuerySummary {
        client_overhead: of(&|s| (s.wall_ms - s.elapsed_ms).max(0.0))?,
        queued: of(&|s| s.queued_ms)?,
        execution: of(&|s| (s.elapsed_ms - s.queued_ms - s.planning_ms.unwrap_or(0.0)).max(0.0))?,
        cpu: of(&|s| s.cpu_ms)?,
        peak_memory_bytes: samples
            .iter()
            .map(|s| s.peak_memory_bytes)
            .max()
            .unwrap_or(0),
        rows_per_second: per_second(&|s| s.processed_rows),
        bytes_per_second: per_second(&|s| s.processed_bytes),
        engine: engine_stats(samples),
        wall,
        elapsed,
        planning,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(wall: f64, elapsed: f64, planning: Option<f64>) -> QuerySample {
        QuerySample {
            round: 1,
            load1: None,
            wall_ms: wall,
            elapsed_ms: elapsed,
            queued_ms: 1.0,
            planning_ms: planning,
            cpu_ms: 10.0,
            peak_memory_bytes: elapsed as u64,
            processed_rows: 1000,
            processed_bytes: 2000,
            rows: 4,
            nodes: 3,
            splits: 12,
            physical_input_bytes: 500,
            task_wall_ms: 40.0,
        }
    }

    #[test]
    fn overhead_is_wall_minus_trino_elapsed() {
        let summary = summarise(&[
            s(110.0, 100.0, Some(20.0)),
            s(125.0, 120.0, Some(20.0)),
            s(203.0, 200.0, Some(20.0)),
        ])
        .unwrap();
        assert_eq!(summary.wall.n, 3);
        assert_eq!(summary.client_overhead.p50, 5.0);
        assert_eq!(summary.client_overhead.max, 10.0);
        assert_eq!(summary.elapsed.p50, 120.0);
        // execution = elapsed - queued - planning
        assert_eq!(summary.execution.p50, 99.0);
        assert_eq!(summary.planning.unwrap().p50, 20.0);
        assert_eq!(summary.peak_memory_bytes, 200);
        // 1000 rows in the median elapsed 0.12 s
        assert!((summary.rows_per_second.unwrap() - 1000.0 / 0.12).abs() < 1e-6);
        assert_eq!(summary.wall.p99, None, "n too small for p99");
    }

    #[test]
    fn engine_statistics_are_medians_per_run() {
        let mut slow = s(300.0, 290.0, None);
        slow.splits = 40;
        slow.cpu_ms = 30.0;
        slow.task_wall_ms = 120.0;
        let engine = summarise(&[s(110.0, 100.0, None), s(120.0, 110.0, None), slow])
            .unwrap()
            .engine
            .unwrap();
        assert_eq!(engine.splits, 12.0);
        assert_eq!(engine.nodes, 3.0);
        assert_eq!(engine.physical_input_bytes, 500.0);
        assert_eq!(engine.input_rows, 1000.0);
        assert_eq!(engine.task_wall_ms, 40.0);
        // 10/40, 10/40, 30/120: a quarter of the task time was CPU.
        assert_eq!(engine.cpu_per_wall, Some(0.25));
        // Reports from before the statistics were kept have none.
        let mut old = s(10.0, 9.0, None);
        old.splits = 0;
        assert!(summarise(&[old]).unwrap().engine.is_none());
    }

    #[test]
    fn planning_only_when_every_sample_has_it_and_nothing_from_nothing() {
        let summary = summarise(&[s(10.0, 9.0, None), s(10.0, 9.0, Some(1.0))]).unwrap();
        assert!(summary.planning.is_none());
        assert!(summarise(&[]).is_none());
    }
}
