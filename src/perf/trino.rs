//! The trino suite: each query `warmup` times unmeasured, then `iterations`
//! times measured by `concurrency` clients at once. A failed query is kept with
//! Trino's error and never counted as a latency.

use std::time::{Duration, Instant};

use futures::StreamExt;

use crate::trino::{Client, Outcome, QueryStats, TrinoError};

use super::Progress;
use super::queries::Query;
use super::report::{
    QueryFailure, QueryResult, QuerySample, QuerySummary, Throughput, TrinoResult,
};
use super::stats::{Distribution, median};

/// An iteration's number and how it ended, with the client's wall time.
type Timed = (usize, Result<(Duration, Outcome), TrinoError>);

pub struct Plan {
    pub queries: Vec<Query>,
    pub iterations: usize,
    pub warmup: usize,
    pub concurrency: usize,
    pub timeout: Duration,
}

/// Runs the plan. Only a failure to talk to Trino at all is an error; failed
/// queries are results.
pub async fn run(
    client: &Client,
    plan: &Plan,
    progress: &Progress,
) -> Result<TrinoResult, TrinoError> {
    let mut queries = Vec::new();
    let mut measured_wall = Duration::ZERO;
    for query in &plan.queries {
        let mut failures = Vec::new();
        for round in 0..plan.warmup {
            progress.show(&format!(
                "trino {} warm-up {}/{}",
                query.name,
                round + 1,
                plan.warmup
            ));
            // A warm-up failure is not measured, but a query that cannot run is worth saying.
            if let Outcome::Failed {
                query_id,
                error_name,
                message,
            } = client.execute(&query.sql, plan.timeout).await?
            {
                failures.push(QueryFailure {
                    iteration: 0,
                    query_id,
                    error_name,
                    message,
                });
                break;
            }
        }
        if !failures.is_empty() {
            // It failed in warm-up: measuring it would only repeat the failure.
            queries.push(QueryResult {
                name: query.name.clone(),
                sql: query.sql.clone(),
                samples: vec![],
                failures,
                summary: None,
            });
            continue;
        }
        let started = Instant::now();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let outcomes: Vec<Timed> = futures::stream::iter(1..=plan.iterations)
            .map(|iteration| {
                let done = &done;
                async move {
                    let t0 = Instant::now();
                    let outcome = client.execute(&query.sql, plan.timeout).await;
                    let wall = t0.elapsed();
                    let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    progress.show(&format!(
                        "trino {} {finished}/{}",
                        query.name, plan.iterations
                    ));
                    (iteration, outcome.map(|o| (wall, o)))
                }
            })
            .buffer_unordered(plan.concurrency.max(1))
            .collect()
            .await;
        measured_wall += started.elapsed();
        let mut samples = Vec::new();
        let mut sorted = outcomes;
        sorted.sort_by_key(|(i, _)| *i);
        for (iteration, outcome) in sorted {
            match outcome? {
                (wall, Outcome::Finished { rows, stats, .. }) => {
                    samples.push(sample(wall, rows, &stats))
                }
                (
                    _,
                    Outcome::Failed {
                        query_id,
                        error_name,
                        message,
                    },
                ) => failures.push(QueryFailure {
                    iteration,
                    query_id,
                    error_name,
                    message,
                }),
            }
        }
        queries.push(QueryResult {
            name: query.name.clone(),
            sql: query.sql.clone(),
            summary: summarise(&samples),
            samples,
            failures,
        });
    }
    progress.clear();
    let completed: usize = queries.iter().map(|q| q.samples.len()).sum();
    let failed: usize = queries.iter().map(|q| q.failures.len()).sum();
    let wall_seconds = measured_wall.as_secs_f64();
    Ok(TrinoResult {
        queries,
        throughput: Throughput {
            concurrency: plan.concurrency.max(1),
            completed,
            failed,
            wall_seconds,
            queries_per_minute: if wall_seconds > 0.0 {
                completed as f64 / wall_seconds * 60.0
            } else {
                0.0
            },
        },
    })
}

fn sample(wall: Duration, rows: u64, stats: &QueryStats) -> QuerySample {
    QuerySample {
        wall_ms: wall.as_secs_f64() * 1000.0,
        elapsed_ms: stats.elapsed_ms as f64,
        queued_ms: stats.queued_ms as f64,
        planning_ms: stats.planning_ms.map(|p| p as f64),
        cpu_ms: stats.cpu_ms as f64,
        peak_memory_bytes: stats.peak_memory_bytes,
        processed_rows: stats.processed_rows,
        processed_bytes: stats.processed_bytes,
        rows,
    }
}

/// The per-query figures from its finished samples; `None` when there are none.
pub fn summarise(samples: &[QuerySample]) -> Option<QuerySummary> {
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
            wall_ms: wall,
            elapsed_ms: elapsed,
            queued_ms: 1.0,
            planning_ms: planning,
            cpu_ms: 10.0,
            peak_memory_bytes: elapsed as u64,
            processed_rows: 1000,
            processed_bytes: 2000,
            rows: 4,
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
    fn planning_only_when_every_sample_has_it_and_nothing_from_nothing() {
        let summary = summarise(&[s(10.0, 9.0, None), s(10.0, 9.0, Some(1.0))]).unwrap();
        assert!(summary.planning.is_none());
        assert!(summarise(&[]).is_none());
    }
}
