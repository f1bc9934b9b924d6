//! Statistics for benchmark samples: percentiles that refuse to invent a p90
//! or p99 from a handful of samples. Whether two runs differ is
//! [`super::significance`]. Pure functions, tested on known values.

use serde::{Deserialize, Serialize};

/// Fewer samples than this and a p90 is only the maximum under another name:
/// the q-quantile needs at least 1 / (1 − q) samples to lie below the top one.
pub(crate) const MIN_SAMPLES_FOR_P90: usize = 10;
/// Likewise for the p99.
pub(crate) const MIN_SAMPLES_FOR_P99: usize = 100;

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
    /// The 90th percentile; `None` below [`MIN_SAMPLES_FOR_P90`] samples.
    #[serde(default)]
    pub p90: Option<f64>,
    /// The 99th percentile; `None` below [`MIN_SAMPLES_FOR_P99`] samples.
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
            p90: (n >= MIN_SAMPLES_FOR_P90).then(|| percentile_sorted(&sorted, 0.90)),
            p99: (n >= MIN_SAMPLES_FOR_P99).then(|| percentile_sorted(&sorted, 0.99)),
            max: sorted[n - 1],
            stddev,
        })
    }
}

/// The `q` quantile (0..=1) of sorted samples, interpolating linearly between
/// the two nearest ranks (numpy's default, Hyndman–Fan type 7).
pub(crate) fn percentile_sorted(sorted: &[f64], q: f64) -> f64 {
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
pub(crate) fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    percentile_sorted(&sorted, 0.5)
}

/// Relative change from `old` to `new` in percent (positive = larger).
pub(crate) fn change_percent(old: f64, new: f64) -> Option<f64> {
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
    fn changes_in_percent() {
        assert_eq!(change_percent(100.0, 120.0), Some(20.0));
        assert_eq!(change_percent(100.0, 80.0), Some(-20.0));
        assert_eq!(change_percent(0.0, 1.0), None);
    }
}
