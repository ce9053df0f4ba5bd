//! Summaries across replications: the mean and its 95% confidence interval from the t
//! distribution (replications are independent, so the t interval on their mean is exact under
//! normality and close to it otherwise at the numbers of replications we use).

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Mean and 95% CI of one metric across replications.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// `None` when no replication defined the metric.
    pub mean: Option<f64>,
    /// `None` with fewer than two values (no spread to estimate).
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Replications in which the metric was defined.
    pub n: usize,
}

impl Summary {
    /// The interval cut to the range the measure can take (`lo` to `hi`): a t interval is
    /// symmetric, so on a measure that cannot be negative (weeks unallocated, mostly 0 with a
    /// few long waits) its lower end can fall below 0, and on a share near 1 its upper end
    /// above 1, where no value lies. The mean is untouched, and an interval already inside
    /// the range is unchanged. A bootstrap or log-scale interval would respect the bound
    /// without the cut, but would change every interval of every output; the cut changes only
    /// the ends that crossed it, and docs/outputs.md says so.
    pub fn within(self, lo: f64, hi: f64) -> Summary {
        Summary {
            ci_low: self.ci_low.map(|v| v.clamp(lo, hi)),
            ci_high: self.ci_high.map(|v| v.clamp(lo, hi)),
            ..self
        }
    }
}

/// The standard normal's 97.5% quantile: the half-width, in standard errors, of a 95% interval
/// on a normal scale.
pub const Z_975: f64 = 1.959_963_984_540_054;

/// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom.
pub fn t_quantile_975(df: usize) -> f64 {
    StudentsT::new(0.0, 1.0, df as f64)
        .expect("df >= 1")
        .inverse_cdf(0.975)
}

/// Summarises the defined values; undefined ones (`None`) are left out and not counted.
pub fn summarise(values: impl IntoIterator<Item = Option<f64>>) -> Summary {
    let xs: Vec<f64> = values.into_iter().flatten().collect();
    let n = xs.len();
    if n == 0 {
        return Summary {
            mean: None,
            ci_low: None,
            ci_high: None,
            n,
        };
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return Summary {
            mean: Some(mean),
            ci_low: None,
            ci_high: None,
            n,
        };
    }
    let variance = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half_width = t_quantile_975(n - 1) * (variance / n as f64).sqrt();
    Summary {
        mean: Some(mean),
        ci_low: Some(mean - half_width),
        ci_high: Some(mean + half_width),
        n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        // Standard t tables: df 1 -> 12.706, 4 -> 2.776, 19 -> 2.093, 1000 -> 1.962.
        for (df, expected) in [(1, 12.706), (4, 2.776), (19, 2.093), (1000, 1.962)] {
            assert!((t_quantile_975(df) - expected).abs() < 1e-3, "df {df}");
        }
    }

    #[test]
    fn z_is_the_normal_quantile() {
        use statrs::distribution::Normal;
        let z = Normal::new(0.0, 1.0).unwrap().inverse_cdf(0.975);
        assert!((z - Z_975).abs() < 1e-9);
    }

    #[test]
    fn interval_by_hand() {
        // Values 1..=5: mean 3, sd sqrt(2.5), se sqrt(0.5), t(4) = 2.7764.
        let s = summarise([1.0, 2.0, 3.0, 4.0, 5.0].map(Some));
        assert_eq!(s.mean, Some(3.0));
        let half = 2.776_445 * 0.5f64.sqrt();
        assert!((s.ci_low.unwrap() - (3.0 - half)).abs() < 1e-4);
        assert!((s.ci_high.unwrap() - (3.0 + half)).abs() < 1e-4);
        assert_eq!(s.n, 5);
    }

    #[test]
    fn an_interval_is_cut_to_the_range_of_the_measure_and_only_there() {
        // Mostly 0 with one long wait: the t interval's lower end is below 0.
        let s = summarise([0.0, 0.0, 0.0, 0.0, 4.0].map(Some));
        assert!(s.ci_low.unwrap() < 0.0);
        let cut = s.within(0.0, f64::INFINITY);
        assert_eq!(cut.ci_low, Some(0.0));
        assert_eq!((cut.mean, cut.ci_high, cut.n), (s.mean, s.ci_high, s.n));
        let share = summarise([1.0, 1.0, 1.0, 0.9].map(Some)).within(0.0, 1.0);
        assert_eq!(share.ci_high, Some(1.0));
        assert!(share.ci_low.unwrap() < 1.0);
        let inside = summarise([10.0, 11.0, 12.0].map(Some));
        assert_eq!(inside.within(0.0, f64::INFINITY), inside);
    }

    #[test]
    fn undefined_values_are_left_out() {
        let s = summarise([Some(2.0), None, Some(4.0)]);
        assert_eq!((s.mean, s.n), (Some(3.0), 2));
        let s = summarise([None, None]);
        assert_eq!((s.mean, s.ci_low, s.n), (None, None, 0));
        let s = summarise([Some(1.0)]);
        assert_eq!((s.mean, s.ci_low, s.n), (Some(1.0), None, 1));
    }
}
