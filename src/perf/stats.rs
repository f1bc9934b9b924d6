//! Statistics for benchmark samples: percentiles that refuse to invent a p99
//! from a handful of samples, and the Mann–Whitney U test that decides whether
//! two runs differ by more than noise. Pure functions, tested on known values.

use serde::{Deserialize, Serialize};

/// Fewer samples than this and a p99 is only the maximum under another name.
pub const MIN_SAMPLES_FOR_P99: usize = 100;

/// A summary of one set of samples (milliseconds, bytes/s, …: the caller's unit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Distribution {
    /// How many samples.
    pub n: usize,
    /// The smallest.
    pub min: f64,
    /// The arithmetic mean.
    pub mean: f64,
    /// The median.
    pub p50: f64,
    /// The 90th percentile.
    pub p90: f64,
    /// `None` below [`MIN_SAMPLES_FOR_P99`] samples ("n too small").
    pub p99: Option<f64>,
    /// The largest.
    pub max: f64,
    /// Sample standard deviation (n − 1); 0 for a single sample.
    pub stddev: f64,
}

impl Distribution {
    /// `None` for no samples.
    pub fn of(samples: &[f64]) -> Option<Distribution> {
        if samples.is_empty() {
            return None;
        }
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|v| v.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let mean = sorted.iter().sum::<f64>() / n as f64;
        let stddev = if n > 1 {
            (sorted.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        Some(Distribution {
            n,
            min: sorted[0],
            mean,
            p50: percentile_sorted(&sorted, 0.50),
            p90: percentile_sorted(&sorted, 0.90),
            p99: (n >= MIN_SAMPLES_FOR_P99).then(|| percentile_sorted(&sorted, 0.99)),
            max: sorted[n - 1],
            stddev,
        })
    }
}

/// The `q` quantile (0..=1) of sorted samples, interpolating linearly between
/// the two nearest ranks (numpy's default, Hyndman–Fan type 7).
pub fn percentile_sorted(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let position = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let lower = position.floor() as usize;
            let upper = position.ceil() as usize;
            let weight = position - lower as f64;
            sorted[lower] + (sorted[upper] - sorted[lower]) * weight
        }
    }
}

/// The median of unsorted samples (NaN for none).
pub fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    percentile_sorted(&sorted, 0.5)
}

/// The outcome of a two-sided Mann–Whitney U test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MannWhitney {
    /// U of the first sample (the number of pairs in which it is larger, ties counting ½).
    pub u: f64,
    /// The normal approximation's z (with tie and continuity correction).
    pub z: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// Two-sided Mann–Whitney U test of `a` against `b` with the normal
/// approximation, tie correction and continuity correction (as
/// `scipy.stats.mannwhitneyu(method="asymptotic")`). `None` when either side
/// has no samples.
pub fn mann_whitney_u(a: &[f64], b: &[f64]) -> Option<MannWhitney> {
    let (n1, n2) = (a.len(), b.len());
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let mut all: Vec<(f64, bool)> = a
        .iter()
        .map(|v| (*v, true))
        .chain(b.iter().map(|v| (*v, false)))
        .collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    let n = all.len();
    let mut rank_sum_a = 0.0;
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        // Ranks i+1 ..= j+1 share their average.
        let average_rank = (i + j + 2) as f64 / 2.0;
        let tied = (j - i + 1) as f64;
        tie_term += tied.powi(3) - tied;
        rank_sum_a += all[i..=j].iter().filter(|(_, from_a)| *from_a).count() as f64 * average_rank;
        i = j + 1;
    }
    let (n1f, n2f, nf) = (n1 as f64, n2 as f64, n as f64);
    let u = rank_sum_a - n1f * (n1f + 1.0) / 2.0;
    let mean = n1f * n2f / 2.0;
    let variance = n1f * n2f / 12.0 * ((nf + 1.0) - tie_term / (nf * (nf - 1.0)));
    if variance <= 0.0 {
        // Every value is the same: no evidence of any difference.
        return Some(MannWhitney {
            u,
            z: 0.0,
            p_value: 1.0,
        });
    }
    let distance = ((u - mean).abs() - 0.5).max(0.0);
    let z = distance / variance.sqrt() * if u < mean { -1.0 } else { 1.0 };
    let p_value = (2.0 * normal_sf(z.abs())).min(1.0);
    Some(MannWhitney { u, z, p_value })
}

/// The standard normal's survival function, 1 − Φ(x), through erfc.
pub fn normal_sf(x: f64) -> f64 {
    0.5 * erfc(x / std::f64::consts::SQRT_2)
}

/// The complementary error function, with the Chebyshev fit from Numerical
/// Recipes (`erfcc`): relative error below 1.2e-7 everywhere.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let result = t * poly.exp();
    if x >= 0.0 { result } else { 2.0 - result }
}

/// Relative change from `old` to `new` in percent (positive = larger).
pub fn change_percent(old: f64, new: f64) -> Option<f64> {
    (old.is_finite() && new.is_finite() && old != 0.0).then(|| (new - old) / old * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn percentiles_interpolate_like_numpy() {
        let sorted: Vec<f64> = (1..=10).map(f64::from).collect();
        // numpy.percentile(range(1, 11), [50, 90, 99]) = 5.5, 9.1, 9.91
        assert!(close(percentile_sorted(&sorted, 0.5), 5.5, 1e-12));
        assert!(close(percentile_sorted(&sorted, 0.9), 9.1, 1e-12));
        assert!(close(percentile_sorted(&sorted, 0.99), 9.91, 1e-12));
        assert_eq!(percentile_sorted(&[7.0], 0.9), 7.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
    }

    #[test]
    fn no_p99_from_fewer_than_100_samples() {
        let few: Vec<f64> = (0..99).map(f64::from).collect();
        let d = Distribution::of(&few).unwrap();
        assert_eq!(d.n, 99);
        assert_eq!(d.p99, None);
        let enough: Vec<f64> = (0..100).map(f64::from).collect();
        let d = Distribution::of(&enough).unwrap();
        // numpy.percentile(range(100), 99) = 98.01
        assert!(close(d.p99.unwrap(), 98.01, 1e-9));
        assert_eq!(d.max, 99.0);
        assert!(Distribution::of(&[]).is_none());
    }

    #[test]
    fn mean_and_sample_stddev() {
        let d = Distribution::of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert!(close(d.mean, 5.0, 1e-12));
        // sample standard deviation (n-1) = sqrt(32/7)
        assert!(close(d.stddev, (32.0f64 / 7.0).sqrt(), 1e-12));
        assert_eq!(Distribution::of(&[3.0]).unwrap().stddev, 0.0);
    }

    #[test]
    fn normal_tail_matches_tables() {
        assert!(close(normal_sf(0.0), 0.5, 1e-7));
        assert!(close(normal_sf(1.959_964), 0.025, 1e-6));
        assert!(close(normal_sf(-1.0), 0.841_344_746, 1e-6));
        assert!(close(normal_sf(3.0), 0.001_349_898, 1e-7));
    }

    #[test]
    fn mann_whitney_on_separated_samples() {
        // scipy.stats.mannwhitneyu([1,2,3,4,5],[6,7,8,9,10], method="asymptotic")
        // -> U = 0, p = 0.012185...
        let r = mann_whitney_u(&[1.0, 2.0, 3.0, 4.0, 5.0], &[6.0, 7.0, 8.0, 9.0, 10.0]).unwrap();
        assert_eq!(r.u, 0.0);
        assert!(close(r.p_value, 0.012_185, 1e-5), "{r:?}");
        assert!(r.z < 0.0);
        // symmetric
        let s = mann_whitney_u(&[6.0, 7.0, 8.0, 9.0, 10.0], &[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(s.u, 25.0);
        assert!(close(s.p_value, r.p_value, 1e-12));
    }

    #[test]
    fn mann_whitney_with_ties_and_overlap() {
        // scipy.stats.mannwhitneyu([1,2,2,3,4],[2,3,3,5,6], method="asymptotic")
        // -> U = 6.0, p = 0.199... (tie-corrected, continuity-corrected)
        let r = mann_whitney_u(&[1.0, 2.0, 2.0, 3.0, 4.0], &[2.0, 3.0, 3.0, 5.0, 6.0]).unwrap();
        assert_eq!(r.u, 6.0);
        // By hand: ties {2,2,2} and {3,3,3}: sum(t^3-t) = 48; var = 25/12*(11-48/90) = 21.8056;
        // z = (12.5-6-0.5)/4.6696 = 1.2849; p = 2*(1-Phi(1.2849)) = 0.19882
        assert!(close(r.p_value, 0.198_8, 1e-3), "{r:?}");
    }

    #[test]
    fn identical_samples_are_not_different() {
        let r = mann_whitney_u(&[5.0; 10], &[5.0; 10]).unwrap();
        assert_eq!(r.p_value, 1.0);
        let same: Vec<f64> = (0..20).map(f64::from).collect();
        let r = mann_whitney_u(&same, &same).unwrap();
        assert!(r.p_value > 0.9);
        assert!(mann_whitney_u(&[], &[1.0]).is_none());
    }

    #[test]
    fn changes_in_percent() {
        assert_eq!(change_percent(100.0, 120.0), Some(20.0));
        assert_eq!(change_percent(100.0, 80.0), Some(-20.0));
        assert_eq!(change_percent(0.0, 1.0), None);
    }
}
