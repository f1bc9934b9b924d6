//! In which order the queries run, and when warm-up is over (pure).
//!
//! - Every round runs each query once, in an order shuffled afresh per round
//!   from a recorded seed, so that load on a shared machine, JIT compilation and
//!   garbage collection spread over all queries instead of landing on whichever
//!   query's block happened to run at the time, and no query always follows the
//!   same neighbour.
//! - Warm-up (`--warmup auto`) runs whole rounds until each query's timings
//!   settle: the median of its last [`SETTLE_WINDOW`] runs differs by less than
//!   [`SETTLE_TOLERANCE`] from the median of the [`SETTLE_WINDOW`] runs before
//!   them. At least [`AUTO_MIN_ROUNDS`] rounds (two windows), at most
//!   [`AUTO_MAX_ROUNDS`]; a query that has not settled by then is reported so.

use super::stats::median;

/// Runs per window of the settle rule.
pub(crate) const SETTLE_WINDOW: usize = 3;
/// How far the median may still move between two windows (10%).
pub(crate) const SETTLE_TOLERANCE: f64 = 0.10;
/// The floor of `--warmup auto`: two windows.
pub(crate) const AUTO_MIN_ROUNDS: usize = 2 * SETTLE_WINDOW;
/// The ceiling of `--warmup auto`.
pub(crate) const AUTO_MAX_ROUNDS: usize = 30;

/// `--warmup`: `auto` (until settled, between the floor and the ceiling) or a fixed number of rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warmup {
    /// Until every query settles.
    Auto,
    /// Exactly this many rounds (0: none).
    Rounds(usize),
}

impl Warmup {
    /// `auto` or a round count.
    pub fn parse(text: &str) -> Result<Warmup, String> {
        if text.eq_ignore_ascii_case("auto") {
            return Ok(Warmup::Auto);
        }
        text.trim()
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= 10_000)
            .map(Warmup::Rounds)
            .ok_or_else(|| {
                format!("--warmup '{text}' is neither auto nor a number of rounds (0 to 10000)")
            })
    }

    /// How the report spells it.
    pub fn label(self) -> String {
        match self {
            Warmup::Auto => "auto".into(),
            Warmup::Rounds(n) => n.to_string(),
        }
    }

    /// Whether another warm-up round is needed after `done` rounds, given
    /// whether every query has settled.
    pub(crate) fn wants_more(self, done: usize, all_settled: bool) -> bool {
        match self {
            Warmup::Rounds(n) => done < n,
            Warmup::Auto => done < AUTO_MIN_ROUNDS || (!all_settled && done < AUTO_MAX_ROUNDS),
        }
    }
}

/// Whether a query's warm-up timings (oldest first) have settled.
pub(crate) fn settled(history: &[f64]) -> bool {
    if history.len() < 2 * SETTLE_WINDOW {
        return false;
    }
    let last = &history[history.len() - SETTLE_WINDOW..];
    let before = &history[history.len() - 2 * SETTLE_WINDOW..history.len() - SETTLE_WINDOW];
    let (now, then) = (median(last), median(before));
    if then <= 0.0 {
        return now <= 0.0;
    }
    ((now - then) / then).abs() < SETTLE_TOLERANCE
}

/// splitmix64: a small, well-mixed generator; enough to shuffle a round.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The order of `count` queries in round `round` (Fisher–Yates from `seed` and the round).
pub(crate) fn round_order(count: usize, round: usize, seed: u64) -> Vec<usize> {
    let mut state = seed ^ (round as u64).wrapping_mul(0xA076_1D64_78BD_642F);
    let mut order: Vec<usize> = (0..count).collect();
    for i in (1..count).rev() {
        let j = (splitmix64(&mut state) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

/// A seed from the clock, for when `--seed` is not given (it is recorded).
pub(crate) fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut state = nanos ^ u64::from(std::process::id()).rotate_left(32);
    splitmix64(&mut state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warmup_values() {
        assert_eq!(Warmup::parse("auto"), Ok(Warmup::Auto));
        assert_eq!(Warmup::parse("0"), Ok(Warmup::Rounds(0)));
        assert_eq!(Warmup::parse("12"), Ok(Warmup::Rounds(12)));
        assert!(Warmup::parse("-1").is_err());
        assert!(Warmup::parse("soon").is_err());
    }

    #[test]
    fn auto_warmup_has_a_floor_and_a_ceiling() {
        let auto = Warmup::Auto;
        assert!(auto.wants_more(AUTO_MIN_ROUNDS - 1, true), "floor");
        assert!(!auto.wants_more(AUTO_MIN_ROUNDS, true));
        assert!(auto.wants_more(AUTO_MIN_ROUNDS, false));
        assert!(!auto.wants_more(AUTO_MAX_ROUNDS, false), "ceiling");
        assert!(Warmup::Rounds(2).wants_more(1, true));
        assert!(!Warmup::Rounds(2).wants_more(2, false));
        assert!(!Warmup::Rounds(0).wants_more(0, false));
    }

    #[test]
    fn settling_compares_the_medians_of_two_windows() {
        // A fresh JVM: every run faster than the one before.
        assert!(!settled(&[500.0, 300.0, 200.0, 150.0, 120.0, 100.0]));
        // Flat within noise (medians 100 and 104).
        assert!(settled(&[500.0, 100.0, 98.0, 104.0, 110.0, 90.0]));
        // One outlier in the last window does not move its median.
        assert!(settled(&[100.0, 101.0, 99.0, 100.0, 400.0, 102.0]));
        // Too few runs to tell.
        assert!(!settled(&[100.0, 100.0, 100.0, 100.0, 100.0]));
        assert!(settled(&[0.0; 6]));
    }

    #[test]
    fn every_round_is_a_permutation_and_rounds_differ() {
        let seed = 42;
        let mut seen_orders = std::collections::BTreeSet::new();
        for round in 0..20 {
            let order = round_order(5, round, seed);
            let mut sorted = order.clone();
            sorted.sort();
            assert_eq!(sorted, vec![0, 1, 2, 3, 4]);
            seen_orders.insert(order);
        }
        assert!(seen_orders.len() > 10, "{seen_orders:?}");
        // The same seed gives the same schedule.
        assert_eq!(round_order(5, 3, seed), round_order(5, 3, seed));
        assert_eq!(round_order(1, 0, seed), vec![0]);
        assert!(round_order(0, 0, seed).is_empty());
    }
}
