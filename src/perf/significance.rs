//! Whether two sets of timings differ by more than noise, and by how much.
//!
//! - [`rank_sum_test`]: the two-sided Wilcoxon–Mann–Whitney rank-sum test,
//!   **exact** (the permutation distribution of the rank sum, ties given their
//!   mid-ranks) up to [`EXACT_LIMIT`] samples in all, the normal approximation
//!   with tie and continuity correction above (where it is accurate).
//! - [`slower_beyond`]: the one-sided test that the new timings are slower
//!   than the old ones by more than a margin (the old scaled by it), which is
//!   what "a regression beyond the threshold" claims.
//! - [`min_samples_per_side`]: the fewest runs per side with which the test can
//!   reach significance at all, given α and the number of comparisons.
//! - [`holm`]: Holm's step-down correction for testing several queries at once.
//! - [`shift_ratio`]: the Hodges–Lehmann estimate of the change as a ratio
//!   (on log timings), with the distribution-free (Moses) confidence interval.
//!
//! Pure functions, checked against values computed by hand and by scipy.

use statrs::distribution::{ContinuousCDF, Normal};

/// Up to this many samples (both sides together) the p-value is exact.
/// The counting table then has at most 30 × 3,660 cells per sample.
pub(crate) const EXACT_LIMIT: usize = 60;

/// The outcome of the two-sided rank-sum test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RankSum {
    /// Mann–Whitney U of the first sample (pairs in which it is larger, ties ½).
    pub u: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Whether `p_value` is exact (else the normal approximation).
    pub exact: bool,
}

/// Mid-ranks (1-based) of every value of `a` followed by `b`, doubled so that
/// they are integers (a tie of ranks 3 and 4 gets 7 each).
fn doubled_ranks(a: &[f64], b: &[f64]) -> Vec<(u64, bool)> {
    let mut all: Vec<(f64, bool)> = a
        .iter()
        .map(|v| (*v, true))
        .chain(b.iter().map(|v| (*v, false)))
        .collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut ranked = Vec::with_capacity(all.len());
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        // Ranks i+1 ..= j+1 share their mean, (i + j + 2) / 2; doubled: i + j + 2.
        let doubled = (i + j + 2) as u64;
        ranked.extend(all[i..=j].iter().map(|(_, from_a)| (doubled, *from_a)));
        i = j + 1;
    }
    ranked
}

/// How many ways `k` of the `ranks` can be chosen to sum to each total: the
/// permutation distribution of a rank sum (index = sum of doubled ranks).
fn rank_sum_counts(ranks: &[u64], k: usize) -> Vec<f64> {
    let total: u64 = ranks.iter().sum();
    let width = total as usize + 1;
    // counts[j][s]: subsets of size j of the ranks seen so far with sum s.
    let mut counts = vec![vec![0.0f64; width]; k + 1];
    counts[0][0] = 1.0;
    for (seen, &rank) in ranks.iter().enumerate() {
        let rank = rank as usize;
        for j in (1..=k.min(seen + 1)).rev() {
            let (lower, upper) = counts.split_at_mut(j);
            let (from, to) = (&lower[j - 1], &mut upper[0]);
            for s in (rank..width).rev() {
                to[s] += from[s - rank];
            }
        }
    }
    counts.swap_remove(k)
}

/// The two-sided rank-sum test of `a` against `b`; `None` when a side is empty.
pub(crate) fn rank_sum_test(a: &[f64], b: &[f64]) -> Option<RankSum> {
    let (n1, n2) = (a.len(), b.len());
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let ranked = doubled_ranks(a, b);
    let doubled_sum: u64 = ranked.iter().filter(|(_, a)| *a).map(|(r, _)| r).sum();
    let u = doubled_sum as f64 / 2.0 - (n1 * (n1 + 1)) as f64 / 2.0;
    let n = n1 + n2;
    if ranked.first().map(|r| r.0) == ranked.last().map(|r| r.0) {
        // Every value the same: no evidence of any difference.
        return Some(RankSum {
            u,
            p_value: 1.0,
            exact: true,
        });
    }
    if n <= EXACT_LIMIT {
        let ranks: Vec<u64> = ranked.iter().map(|(r, _)| *r).collect();
        let counts = rank_sum_counts(&ranks, n1);
        let all: f64 = counts.iter().sum();
        // The mean doubled rank sum is n1 (n + 1); as extreme = as far from it.
        let mean = (n1 * (n + 1)) as f64;
        let distance = (doubled_sum as f64 - mean).abs();
        let extreme: f64 = counts
            .iter()
            .enumerate()
            .filter(|(s, c)| **c > 0.0 && (*s as f64 - mean).abs() >= distance - 1e-9)
            .map(|(_, c)| c)
            .sum();
        return Some(RankSum {
            u,
            p_value: (extreme / all).min(1.0),
            exact: true,
        });
    }
    // Normal approximation with tie and continuity correction
    // (scipy.stats.mannwhitneyu(method="asymptotic")).
    let tie_term = tie_term(&ranked);
    let (n1f, n2f, nf) = (n1 as f64, n2 as f64, n as f64);
    let variance = n1f * n2f / 12.0 * ((nf + 1.0) - tie_term / (nf * (nf - 1.0)));
    let distance = ((u - n1f * n2f / 2.0).abs() - 0.5).max(0.0);
    let z = distance / variance.sqrt();
    Some(RankSum {
        u,
        p_value: (2.0 * standard_normal().sf(z)).min(1.0),
        exact: false,
    })
}

/// The one-sided p-value that `new` is slower than `old` × `margin`: the
/// rank-sum test of `new` against the old timings scaled by the margin, with
/// the alternative "new is larger". Testing against the margin, rather than
/// testing for any change and then comparing the estimate with the margin,
/// keeps a change that is only about as large as the margin (an unchanged
/// rerun on a machine whose speed drifted) from counting as a regression.
/// `None` when a side is empty.
pub(crate) fn slower_beyond(old: &[f64], new: &[f64], margin: f64) -> Option<f64> {
    let (n1, n2) = (old.len(), new.len());
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let scaled: Vec<f64> = old.iter().map(|v| v * margin).collect();
    let ranked = doubled_ranks(&scaled, new);
    let doubled_sum: u64 = ranked.iter().filter(|(_, a)| *a).map(|(r, _)| r).sum();
    if ranked.first().map(|r| r.0) == ranked.last().map(|r| r.0) {
        return Some(1.0);
    }
    let n = n1 + n2;
    if n <= EXACT_LIMIT {
        // New slower = the scaled old side ranks low: P(its sum <= observed).
        let ranks: Vec<u64> = ranked.iter().map(|(r, _)| *r).collect();
        let counts = rank_sum_counts(&ranks, n1);
        let all: f64 = counts.iter().sum();
        let as_low: f64 = counts.iter().take(doubled_sum as usize + 1).sum();
        return Some((as_low / all).min(1.0));
    }
    let (n1f, n2f, nf) = (n1 as f64, n2 as f64, n as f64);
    let tie_term = tie_term(&ranked);
    let variance = n1f * n2f / 12.0 * ((nf + 1.0) - tie_term / (nf * (nf - 1.0)));
    let u = doubled_sum as f64 / 2.0 - (n1 * (n1 + 1)) as f64 / 2.0;
    let z = (n1f * n2f / 2.0 - u - 0.5) / variance.sqrt();
    Some(standard_normal().sf(z).min(1.0))
}

/// Σ (t³ − t) over the groups of tied values, for the normal approximation.
fn tie_term(ranked: &[(u64, bool)]) -> f64 {
    let mut term = 0.0;
    let mut i = 0;
    while i < ranked.len() {
        let j = ranked[i..]
            .iter()
            .take_while(|r| r.0 == ranked[i].0)
            .count();
        term += (j as f64).powi(3) - j as f64;
        i += j;
    }
    term
}

fn standard_normal() -> Normal {
    Normal::standard()
}

/// The smallest two-sided p-value the exact test can give with `n` runs on
/// each side: every run of one side beyond every run of the other, 2 / C(2n, n).
pub(crate) fn smallest_p(n: usize) -> f64 {
    // C(2n, n) grows past f64 precision only far beyond where this is asked.
    let mut ways = 1.0f64;
    for i in 1..=n {
        ways = ways * (n + i) as f64 / i as f64;
    }
    (2.0 / ways).min(1.0)
}

/// The fewest runs per side with which a change can be significant at `alpha`
/// after Holm's correction over `comparisons` tests: the first Holm step asks
/// for p ≤ alpha / comparisons, so the smallest reachable p must be below it.
pub(crate) fn min_samples_per_side(alpha: f64, comparisons: usize) -> usize {
    let level = alpha / comparisons.max(1) as f64;
    (1..=64).find(|&n| smallest_p(n) <= level).unwrap_or(64)
}

/// Holm's step-down adjusted p-values, in the order given: the i-th smallest
/// p is multiplied by (m − i + 1) and the adjusted values kept monotone.
/// A test is significant at α when its adjusted p ≤ α, which controls the
/// chance of any false regression among the m at α.
pub(crate) fn holm(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
    let mut adjusted = vec![1.0; m];
    let mut running: f64 = 0.0;
    for (step, &index) in order.iter().enumerate() {
        let value = ((m - step) as f64 * p_values[index]).min(1.0);
        running = running.max(value);
        adjusted[index] = running;
    }
    adjusted
}

/// The change from `old` to `new` as a ratio (1.10 = 10% larger): the
/// Hodges–Lehmann estimate (median of every pairwise difference of log
/// timings) and its distribution-free confidence interval at `1 - alpha`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Shift {
    /// The estimated ratio new / old.
    pub ratio: f64,
    /// The interval's lower end.
    pub low: f64,
    /// The interval's upper end.
    pub high: f64,
}

/// Above this many pairs each side is thinned to evenly spaced order
/// statistics first (a million pairs is about 8 MB and a few ms).
const MAX_PAIRS: usize = 1_000_000;

fn thinned(sorted: &[f64], keep: usize) -> Vec<f64> {
    if sorted.len() <= keep {
        return sorted.to_vec();
    }
    (0..keep)
        .map(|i| sorted[i * (sorted.len() - 1) / (keep - 1).max(1)])
        .collect()
}

/// `None` unless both sides have positive timings.
pub(crate) fn shift_ratio(old: &[f64], new: &[f64], alpha: f64) -> Option<Shift> {
    let logs = |v: &[f64]| -> Option<Vec<f64>> {
        let mut out: Vec<f64> = v
            .iter()
            .map(|x| (*x > 0.0 && x.is_finite()).then(|| x.ln()))
            .collect::<Option<_>>()?;
        out.sort_by(f64::total_cmp);
        (!out.is_empty()).then_some(out)
    };
    let (mut a, mut b) = (logs(old)?, logs(new)?);
    if a.len() * b.len() > MAX_PAIRS {
        let keep = (MAX_PAIRS as f64).sqrt() as usize;
        (a, b) = (thinned(&a, keep), thinned(&b, keep));
    }
    let mut differences: Vec<f64> = b
        .iter()
        .flat_map(|y| a.iter().map(move |x| y - x))
        .collect();
    differences.sort_by(f64::total_cmp);
    let k = differences.len();
    let median = if k % 2 == 1 {
        differences[k / 2]
    } else {
        (differences[k / 2 - 1] + differences[k / 2]) / 2.0
    };
    // The interval runs from the c-th smallest to the c-th largest difference,
    // c the largest count with P(U < c) ≤ alpha / 2 (Moses; Hollander & Wolfe 4.3).
    let c = interval_rank(a.len(), b.len(), alpha).clamp(1, k.div_ceil(2));
    Some(Shift {
        ratio: median.exp(),
        low: differences[c - 1].exp(),
        high: differences[k - c].exp(),
    })
}

/// The c of the Moses interval: from the exact null distribution of U up to
/// [`EXACT_LIMIT`] samples, else the normal approximation.
fn interval_rank(n1: usize, n2: usize, alpha: f64) -> usize {
    let n = n1 + n2;
    if n <= EXACT_LIMIT {
        // U = rank sum − n1(n1+1)/2 with untied ranks 1..=n (doubled: 2, 4, …).
        let ranks: Vec<u64> = (1..=n as u64).map(|r| 2 * r).collect();
        let counts = rank_sum_counts(&ranks, n1);
        let all: f64 = counts.iter().sum();
        let offset = n1 * (n1 + 1);
        let mut below = 0.0;
        // P(U <= u) for u = 0, 1, …: U = u is doubled sum offset + 2u.
        for u in 0..=(n1 * n2) {
            below += counts.get(offset + 2 * u).copied().unwrap_or(0.0);
            if below / all > alpha / 2.0 {
                return u.max(1);
            }
        }
        return 1;
    }
    let (n1f, n2f) = (n1 as f64, n2 as f64);
    let z = standard_normal().inverse_cdf(1.0 - alpha / 2.0);
    let c = n1f * n2f / 2.0 - z * (n1f * n2f * (n1f + n2f + 1.0) / 12.0).sqrt();
    (c.floor() as usize).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn exact_p_of_separated_samples() {
        // Complete separation of 5 and 5: 2 / C(10,5) = 2/252
        // (scipy.stats.mannwhitneyu([1..5], [6..10], method="exact").pvalue = 0.007937).
        let r = rank_sum_test(&[1.0, 2.0, 3.0, 4.0, 5.0], &[6.0, 7.0, 8.0, 9.0, 10.0]).unwrap();
        assert!(r.exact);
        assert_eq!(r.u, 0.0);
        assert!(close(r.p_value, 2.0 / 252.0, 1e-12), "{r:?}");
        let s = rank_sum_test(&[6.0, 7.0, 8.0, 9.0, 10.0], &[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(s.u, 25.0);
        assert!(close(s.p_value, r.p_value, 1e-15));
    }

    #[test]
    fn exact_p_with_overlap() {
        // scipy.stats.mannwhitneyu([1,2,3,5], [4,6,7,8], method="exact"):
        // U = 1, two-sided p = 2 * 2/70 = 0.0571428...
        let r = rank_sum_test(&[1.0, 2.0, 3.0, 5.0], &[4.0, 6.0, 7.0, 8.0]).unwrap();
        assert_eq!(r.u, 1.0);
        assert!(close(r.p_value, 4.0 / 70.0, 1e-12), "{r:?}");
    }

    #[test]
    fn exact_p_with_ties_counts_mid_ranks() {
        // [1,2,2] vs [2,3,3]: mid-ranks 1, 3, 3 | 3, 5.5, 5.5, rank sum of a = 7,
        // 3.5 below the mean 10.5. Of the C(6,3) = 20 subsets of the six ranks, those
        // as far from the mean are {1,3,3} = 7 (3 ways: two of the three 3s) and
        // {3,5.5,5.5} = 14 (3 ways): p = 6/20.
        let r = rank_sum_test(&[1.0, 2.0, 2.0], &[2.0, 3.0, 3.0]).unwrap();
        assert!(r.exact);
        assert!(close(r.p_value, 6.0 / 20.0, 1e-12), "{r:?}");
        assert_eq!(rank_sum_test(&[5.0; 6], &[5.0; 6]).unwrap().p_value, 1.0);
        assert!(rank_sum_test(&[], &[1.0]).is_none());
    }

    #[test]
    fn large_samples_use_the_normal_approximation() {
        // 40 vs 40 with the second shifted by 10: U = 40*40 - sum; compared with the
        // exact-free formula by hand: z = (|U - 800| - 0.5) / sqrt(1600*81/12).
        let a: Vec<f64> = (0..40).map(f64::from).collect();
        let b: Vec<f64> = (10..50).map(f64::from).collect();
        let r = rank_sum_test(&a, &b).unwrap();
        assert!(!r.exact);
        // a beats b in the 30*31/2 = 465 pairs among the overlap [10, 40) … U = 435 + ties ½·30 = 450.
        assert_eq!(r.u, 450.0);
        let z = (350.0f64 - 0.5)
            / (1600.0f64 * 81.0 / 12.0 - 1600.0 / 12.0 * 30.0 * 6.0 / (80.0 * 79.0)).sqrt();
        assert!(
            close(r.p_value, 2.0 * standard_normal().sf(z), 1e-12),
            "{r:?}"
        );
    }

    #[test]
    fn slower_beyond_tests_against_the_margin() {
        let old = [10.0, 11.0, 12.0, 13.0, 14.0];
        // Every new run beyond every scaled old one: 1 / C(10, 5).
        let far = [20.0, 21.0, 22.0, 23.0, 24.0];
        let p = slower_beyond(&old, &far, 1.1).unwrap();
        assert!(close(p, 1.0 / 252.0, 1e-12), "{p}");
        // About the margin itself: no evidence of more (a tie at 11 counts half).
        let at_margin = [11.0, 12.5, 13.0, 14.5, 15.0];
        assert!(slower_beyond(&old, &at_margin, 1.1).unwrap() > 0.4);
        // A change that is significant but not beyond a margin of 2x.
        assert!(slower_beyond(&old, &far, 2.0).unwrap() > 0.5);
        // Faster is never slower.
        assert!(slower_beyond(&far, &old, 1.0).unwrap() > 0.99);
        assert_eq!(slower_beyond(&[], &old, 1.1), None);
        // Above the exact limit: the normal approximation, the same verdicts.
        let old: Vec<f64> = (100..140).map(f64::from).collect();
        let slower: Vec<f64> = old.iter().map(|v| v * 1.3).collect();
        let drifted: Vec<f64> = old.iter().map(|v| v * 1.05).collect();
        assert!(slower_beyond(&old, &slower, 1.1).unwrap() < 0.001);
        assert!(slower_beyond(&old, &drifted, 1.1).unwrap() > 0.5);
    }

    #[test]
    fn minimum_runs_follow_alpha_and_the_number_of_tests() {
        assert!(close(smallest_p(3), 0.1, 1e-12));
        assert!(close(smallest_p(4), 2.0 / 70.0, 1e-12));
        // One test at 5%: 4 runs each (2/70 = 0.029); 3 can never be significant.
        assert_eq!(min_samples_per_side(0.05, 1), 4);
        // Five queries, Holm: the first step needs p <= 0.01: 5 runs (2/252).
        assert_eq!(min_samples_per_side(0.05, 5), 5);
        // At 1% over five: p <= 0.002 needs 7 (2/924 = 0.0022 with 6 is not enough).
        assert_eq!(min_samples_per_side(0.01, 5), 7);
    }

    #[test]
    fn holm_adjusts_step_down_and_stays_monotone() {
        // p = [0.01, 0.04, 0.03, 0.005] -> sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1
        // = 0.02, 0.03, 0.06, 0.04 -> monotone 0.02, 0.03, 0.06, 0.06.
        let adjusted = holm(&[0.01, 0.04, 0.03, 0.005]);
        let expected = [0.03, 0.06, 0.06, 0.02];
        for (a, e) in adjusted.iter().zip(expected) {
            assert!(close(*a, e, 1e-12), "{adjusted:?}");
        }
        assert_eq!(holm(&[0.9, 0.8]), vec![1.0, 1.0]);
        assert!(holm(&[]).is_empty());
    }

    #[test]
    fn hodges_lehmann_ratio_and_interval() {
        // Every new run is exactly twice an old one: the ratio is 2 and the
        // interval contains it.
        let old = [10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0];
        let new: Vec<f64> = old.iter().map(|v| v * 2.0).collect();
        let shift = shift_ratio(&old, &new, 0.05).unwrap();
        assert!(close(shift.ratio, 2.0, 0.05), "{shift:?}");
        assert!(shift.low < shift.ratio && shift.ratio < shift.high);
        assert!(shift.low > 1.5, "{shift:?}");
        // Unchanged: the interval holds 1.
        let same = shift_ratio(&old, &old, 0.05).unwrap();
        assert!(close(same.ratio, 1.0, 1e-12));
        assert!(same.low < 1.0 && same.high > 1.0);
        assert!(shift_ratio(&[0.0], &[1.0], 0.05).is_none());
    }

    #[test]
    fn moses_rank_matches_the_table() {
        // Hollander & Wolfe's table: n = m = 10 at 95% two-sided: U critical 23, c = 24.
        assert_eq!(interval_rank(10, 10, 0.05), 24);
        // n = m = 5: critical 2, c = 3.
        assert_eq!(interval_rank(5, 5, 0.05), 3);
    }
}
