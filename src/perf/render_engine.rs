//! The table of Trino's own statistics under the trino table: per query, the
//! median run's nodes, splits, what the table scans read (bytes as stored,
//! rows), the tasks' wall time against their CPU time, and peak memory. It says
//! why a query takes its time (how much it read, whether it computed or waited),
//! which the latency table alone cannot.

use std::io::Write;

use crate::error::Result;
use crate::render::table;

use super::render::{bytes, cut, ms};
use super::report::{QueryResult, TrinoResult};

/// Query names in the default table (as in the latency table).
const NAME_WIDTH: usize = 24;

/// Rows and splits: `6.0M`, `12.3k`, `17`.
fn count(value: f64) -> String {
    match value {
        v if v >= 1e6 => format!("{:.1}M", v / 1e6),
        v if v >= 1e4 => format!("{:.1}k", v / 1e3),
        v => format!("{v:.0}"),
    }
}

/// Writes the table when some query has Trino's statistics (reports saved
/// before they were kept have none: nothing is written).
pub(crate) fn engine(out: &mut dyn Write, trino: &TrinoResult, wide: bool) -> Result<()> {
    let measured: Vec<&QueryResult> = trino
        .queries
        .iter()
        .filter(|q| q.summary.as_ref().is_some_and(|s| s.engine.is_some()))
        .collect();
    if measured.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\nTrino's statistics per run (median): INPUT = bytes the scans read from storage; CPU/WALL = CPU time over the tasks' wall time (low: they waited)"
    )?;
    let headers = [
        "QUERY",
        "NODES",
        "SPLITS",
        "INPUT",
        "INPUT ROWS",
        "TASK WALL",
        "CPU",
        "CPU/WALL",
        "PEAK MEM",
    ];
    let rows = measured
        .into_iter()
        .filter_map(|q| {
            let e = q.summary.as_ref()?.engine.as_ref()?;
            Some(vec![
                if wide {
                    q.name.clone()
                } else {
                    cut(&q.name, NAME_WIDTH)
                },
                count(e.nodes),
                count(e.splits),
                bytes(e.physical_input_bytes),
                count(e.input_rows),
                ms(e.task_wall_ms),
                ms(e.cpu_ms),
                e.cpu_per_wall.map_or("-".into(), |r| format!("{r:.2}")),
                bytes(e.peak_memory_bytes),
            ])
        })
        .collect();
    table(out, &headers, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_short() {
        assert_eq!(count(6_001_215.0), "6.0M");
        assert_eq!(count(12_345.0), "12.3k");
        assert_eq!(count(17.0), "17");
    }
}
