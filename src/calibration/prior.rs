//! Priors over the parameters a calibration estimates: uniform, normal, beta and log-normal,
//! each cut to the parameter's range in the parameter table (a prior cannot put a value where
//! the scenario would refuse it).

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::Distribution as _;
use serde::{Deserialize, Serialize};
use statrs::distribution::{Continuous, ContinuousCDF};

/// A prior's family and parameters, as a calibration file gives them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "distribution", rename_all = "snake_case", deny_unknown_fields)]
pub enum Distribution {
    /// Uniform on `low..high`.
    Uniform { low: f64, high: f64 },
    /// Normal with `mean` and standard deviation `sd`.
    Normal { mean: f64, sd: f64 },
    /// Beta(`alpha`, `beta`) stretched onto `low..high` (default 0 to 1).
    Beta {
        alpha: f64,
        beta: f64,
        #[serde(default)]
        low: Option<f64>,
        #[serde(default)]
        high: Option<f64>,
    },
    /// Log-normal: the log is normal with mean `mu` and standard deviation `sigma` (its median
    /// is e^mu).
    LogNormal { mu: f64, sigma: f64 },
}

/// One parameter's prior, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Prior {
    pub key: String,
    pub distribution: Distribution,
    /// The parameter table's range: the prior is cut to it.
    pub range: (f64, f64),
    /// Whether the key takes whole numbers (values are rounded when applied).
    pub integer: bool,
}

impl Distribution {
    /// Why the parameters are not a distribution, if they are not.
    pub fn problem(&self) -> Option<String> {
        let finite = |x: f64| x.is_finite();
        match *self {
            Distribution::Uniform { low, high } => (!(finite(low) && finite(high) && low < high))
                .then(|| "a uniform prior needs low < high, both finite".into()),
            Distribution::Normal { mean, sd } => (!(finite(mean) && finite(sd) && sd > 0.0))
                .then(|| "a normal prior needs a finite mean and sd > 0".into()),
            Distribution::Beta {
                alpha,
                beta,
                low,
                high,
            } => {
                let (lo, hi) = (low.unwrap_or(0.0), high.unwrap_or(1.0));
                if !(finite(alpha) && finite(beta) && alpha > 0.0 && beta > 0.0) {
                    Some("a beta prior needs alpha > 0 and beta > 0".into())
                } else if !(finite(lo) && finite(hi) && lo < hi) {
                    Some("a beta prior's low must be below its high".into())
                } else {
                    None
                }
            }
            Distribution::LogNormal { mu, sigma } => {
                (!(finite(mu) && finite(sigma) && sigma > 0.0))
                    .then(|| "a log-normal prior needs a finite mu and sigma > 0".into())
            }
        }
    }

    /// Where the distribution has density (before the cut to the parameter's range).
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Distribution::Uniform { low, high } => (low, high),
            Distribution::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Distribution::Beta { low, high, .. } => (low.unwrap_or(0.0), high.unwrap_or(1.0)),
            Distribution::LogNormal { .. } => (0.0, f64::INFINITY),
        }
    }

    /// Its name in the calibration file.
    pub fn name(&self) -> &'static str {
        match self {
            Distribution::Uniform { .. } => "uniform",
            Distribution::Normal { .. } => "normal",
            Distribution::Beta { .. } => "beta",
            Distribution::LogNormal { .. } => "log_normal",
        }
    }

    /// The distribution in words, for tables: `uniform(0.2, 0.8)`.
    pub fn text(&self) -> String {
        let r = crate::scenario::table::readable;
        match *self {
            Distribution::Uniform { low, high } => format!("uniform({}, {})", r(low), r(high)),
            Distribution::Normal { mean, sd } => format!("normal({}, {})", r(mean), r(sd)),
            Distribution::Beta {
                alpha,
                beta,
                low,
                high,
            } => match (low, high) {
                (None, None) => format!("beta({}, {})", r(alpha), r(beta)),
                _ => format!(
                    "beta({}, {}) on {} to {}",
                    r(alpha),
                    r(beta),
                    r(low.unwrap_or(0.0)),
                    r(high.unwrap_or(1.0))
                ),
            },
            Distribution::LogNormal { mu, sigma } => {
                format!("log_normal({}, {})", r(mu), r(sigma))
            }
        }
    }

    /// The log density at `x` (of the distribution before the cut); valid parameters only.
    fn log_pdf(&self, x: f64) -> f64 {
        match *self {
            Distribution::Uniform { low, high } => {
                if (low..=high).contains(&x) {
                    -(high - low).ln()
                } else {
                    f64::NEG_INFINITY
                }
            }
            Distribution::Normal { mean, sd } => statrs::distribution::Normal::new(mean, sd)
                .map_or(f64::NEG_INFINITY, |d| d.ln_pdf(x)),
            Distribution::Beta {
                alpha,
                beta,
                low,
                high,
            } => {
                let (lo, hi) = (low.unwrap_or(0.0), high.unwrap_or(1.0));
                let u = (x - lo) / (hi - lo);
                if !(0.0..=1.0).contains(&u) {
                    return f64::NEG_INFINITY;
                }
                statrs::distribution::Beta::new(alpha, beta)
                    .map_or(f64::NEG_INFINITY, |d| d.ln_pdf(u) - (hi - lo).ln())
            }
            Distribution::LogNormal { mu, sigma } => {
                statrs::distribution::LogNormal::new(mu, sigma)
                    .map_or(f64::NEG_INFINITY, |d| d.ln_pdf(x))
            }
        }
    }

    /// The probability mass in `lo..=hi`.
    pub fn mass_within(&self, lo: f64, hi: f64) -> f64 {
        let cdf = |x: f64| -> f64 {
            match *self {
                Distribution::Uniform { low, high } => ((x - low) / (high - low)).clamp(0.0, 1.0),
                Distribution::Normal { mean, sd } => {
                    statrs::distribution::Normal::new(mean, sd).map_or(0.0, |d| d.cdf(x))
                }
                Distribution::Beta {
                    alpha,
                    beta,
                    low,
                    high,
                } => {
                    let (l, h) = (low.unwrap_or(0.0), high.unwrap_or(1.0));
                    let u = ((x - l) / (h - l)).clamp(0.0, 1.0);
                    statrs::distribution::Beta::new(alpha, beta).map_or(0.0, |d| d.cdf(u))
                }
                Distribution::LogNormal { mu, sigma } => {
                    if x <= 0.0 {
                        0.0
                    } else {
                        statrs::distribution::LogNormal::new(mu, sigma).map_or(0.0, |d| d.cdf(x))
                    }
                }
            }
        };
        (cdf(hi) - cdf(lo)).max(0.0)
    }

    /// A draw (before the cut).
    fn draw(&self, rng: &mut ChaCha8Rng) -> f64 {
        match *self {
            Distribution::Uniform { low, high } => low + (high - low) * rng.random::<f64>(),
            Distribution::Normal { mean, sd } => {
                rand_distr::Normal::new(mean, sd).map_or(mean, |d| d.sample(rng))
            }
            Distribution::Beta {
                alpha,
                beta,
                low,
                high,
            } => {
                let (lo, hi) = (low.unwrap_or(0.0), high.unwrap_or(1.0));
                let u = rand_distr::Beta::new(alpha, beta).map_or(0.5, |d| d.sample(rng));
                lo + (hi - lo) * u
            }
            Distribution::LogNormal { mu, sigma } => {
                rand_distr::LogNormal::new(mu, sigma).map_or(mu.exp(), |d| d.sample(rng))
            }
        }
    }
}

impl Prior {
    /// The mean of the prior, cut to the range (by sampling-free quadrature is not needed:
    /// a fixed stream of draws, the same each time).
    pub fn mean(&self) -> f64 {
        use rand::SeedableRng;
        let mut rng = ChaCha8Rng::seed_from_u64(0x5eed);
        let n = 4000;
        (0..n).map(|_| self.sample(&mut rng)).sum::<f64>() / n as f64
    }

    /// A draw, within the parameter's range (drawn again until it is: a prior is refused at
    /// load unless most of its mass is in the range, see [`Distribution::mass_within`]).
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        let (lo, hi) = self.range;
        for _ in 0..10_000 {
            let x = self.distribution.draw(rng);
            if (lo..=hi).contains(&x) {
                return x;
            }
        }
        self.distribution.draw(rng).clamp(lo, hi)
    }

    /// The log density at `x` (up to the cut's constant); `None` outside the prior's support
    /// or the parameter's range.
    pub fn log_density(&self, x: f64) -> Option<f64> {
        let (lo, hi) = self.range;
        if !(lo..=hi).contains(&x) {
            return None;
        }
        let l = self.distribution.log_pdf(x);
        l.is_finite().then_some(l)
    }
}

/// The joint prior: independent parameters.
pub struct Joint<'a>(pub &'a [Prior]);

impl super::smc::Prior for Joint<'_> {
    fn dimension(&self) -> usize {
        self.0.len()
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> Vec<f64> {
        self.0.iter().map(|p| p.sample(rng)).collect()
    }

    fn log_density(&self, values: &[f64]) -> Option<f64> {
        self.0
            .iter()
            .zip(values)
            .map(|(p, x)| p.log_density(*x))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn prior(distribution: Distribution, range: (f64, f64)) -> Prior {
        Prior {
            key: "k".into(),
            distribution,
            range,
            integer: false,
        }
    }

    #[test]
    fn draws_follow_the_distribution_and_stay_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let beta = prior(
            Distribution::Beta {
                alpha: 2.0,
                beta: 6.0,
                low: None,
                high: None,
            },
            (0.0, 1.0),
        );
        let draws: Vec<f64> = (0..20_000).map(|_| beta.sample(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((mean - 0.25).abs() < 0.01, "{mean}");
        // A normal cut at zero: no draw below it, and none has density there.
        let cut = prior(Distribution::Normal { mean: 0.1, sd: 0.2 }, (0.0, 1.0));
        assert!((0..5000).all(|_| cut.sample(&mut rng) >= 0.0));
        assert_eq!(cut.log_density(-0.01), None);
        assert!(cut.log_density(0.2).is_some());
        let lognormal = prior(
            Distribution::LogNormal {
                mu: 0.0,
                sigma: 0.5,
            },
            (0.0, 100.0),
        );
        let mut logs: Vec<f64> = (0..20_001).map(|_| lognormal.sample(&mut rng)).collect();
        logs.sort_by(f64::total_cmp);
        assert!((logs[10_000] - 1.0).abs() < 0.03, "median {}", logs[10_000]);
    }

    #[test]
    fn bad_parameters_are_named() {
        assert!(
            Distribution::Uniform {
                low: 1.0,
                high: 1.0
            }
            .problem()
            .is_some()
        );
        assert!(
            Distribution::Normal { mean: 0.0, sd: 0.0 }
                .problem()
                .is_some()
        );
        assert!(
            Distribution::Beta {
                alpha: -1.0,
                beta: 1.0,
                low: None,
                high: None
            }
            .problem()
            .is_some()
        );
        assert!(
            Distribution::LogNormal {
                mu: 0.0,
                sigma: f64::NAN
            }
            .problem()
            .is_some()
        );
        assert_eq!(
            Distribution::Uniform {
                low: 0.0,
                high: 1.0
            }
            .problem(),
            None
        );
    }
}
