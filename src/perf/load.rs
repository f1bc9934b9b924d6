//! The load of the machine the client runs on, read from Linux's `/proc`, so
//! that a report says whether its timings were taken on a busy machine: the
//! load averages (`/proc/loadavg`) and the CPU time this process used
//! (`/proc/self/stat`). Elsewhere (or when `/proc` is not mounted) both are
//! `None` and the report says "unknown".

use serde::{Deserialize, Serialize};

/// The 1-, 5- and 15-minute load averages.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct LoadAverage(pub [f64; 3]);

impl LoadAverage {
    /// The 1-minute average.
    pub fn one(self) -> f64 {
        self.0[0]
    }
}

/// `/proc/loadavg`: `0.52 0.58 0.59 2/123 4567`.
pub(crate) fn parse_loadavg(text: &str) -> Option<LoadAverage> {
    let mut fields = text.split_ascii_whitespace().map(|f| f.parse::<f64>().ok());
    let mut next = || {
        fields
            .next()
            .flatten()
            .filter(|v| v.is_finite() && *v >= 0.0)
    };
    Some(LoadAverage([next()?, next()?, next()?]))
}

/// The machine's load averages now.
pub(crate) fn load_average() -> Option<LoadAverage> {
    parse_loadavg(&std::fs::read_to_string("/proc/loadavg").ok()?)
}

/// User + system CPU time (in clock ticks) from `/proc/self/stat`: fields 14
/// and 15, counted after the `)` that closes the command name (which may hold spaces).
pub(crate) fn parse_stat_ticks(text: &str) -> Option<u64> {
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_ascii_whitespace().collect();
    // After ")": state is field 3, so utime (14) and stime (15) are at 11 and 12.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// Linux reports CPU times in USER_HZ, which is 100 on every architecture it supports.
const TICKS_PER_SECOND: f64 = 100.0;

/// CPU time this process has used so far (ms), at 10 ms resolution.
pub(crate) fn process_cpu_ms() -> Option<f64> {
    let ticks = parse_stat_ticks(&std::fs::read_to_string("/proc/self/stat").ok()?)?;
    Some(ticks as f64 * 1000.0 / TICKS_PER_SECOND)
}

/// Logical CPUs this process may use.
pub(crate) fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_averages() {
        let load = parse_loadavg("0.52 1.58 2.59 2/123 4567\n").unwrap();
        assert_eq!(load.0, [0.52, 1.58, 2.59]);
        assert_eq!(load.one(), 0.52);
        assert!(parse_loadavg("").is_none());
        assert!(parse_loadavg("0.5 x 1").is_none());
        assert!(parse_loadavg("-1 0 0").is_none());
    }

    #[test]
    fn cpu_ticks_after_a_command_name_with_spaces() {
        let stat = "4567 (kubectl dp (x)) S 1 4567 4567 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 3 0";
        assert_eq!(parse_stat_ticks(stat), Some(300));
        assert!(parse_stat_ticks("4567 (x) S 1").is_none());
    }

    #[test]
    fn this_machine_answers_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(load_average().is_some());
            assert!(process_cpu_ms().is_some());
        }
        assert!(cpus() >= 1);
    }
}
