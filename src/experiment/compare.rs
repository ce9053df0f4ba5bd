//! Comparing arms: paired differences on common random numbers.
//!
//! Replication r of every arm uses the streams of (seed, r), so arm B's replication r differs
//! from arm A's only through what the scenarios change. The difference B − A is therefore
//! computed replication by replication, and its 95% CI is the t interval on those paired
//! differences: much narrower than comparing two independent means when the arms are alike.
//! With `--independent`, each arm gets its own seed instead (for teaching, and to measure what
//! common random numbers gain); the pairs are then independent and the same interval is valid,
//! only wider.

use crate::experiment::stats::t_quantile_975;
use crate::experiment::{RunResults, Summary, summarise};
use crate::metrics::Metrics;

/// Mean and 95% CI of `arm − reference` for every metric, in [`Metrics::NAMES`] order, over the
/// replications where both define it.
pub fn paired_differences(
    reference: &RunResults,
    arm: &RunResults,
) -> Vec<(&'static str, Summary)> {
    Metrics::NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let differences = reference
                .replications
                .iter()
                .zip(&arm.replications)
                .map(|(a, b)| Some(b.metrics.values()[i]? - a.metrics.values()[i]?));
            (*name, summarise(differences))
        })
        .collect()
}

/// The seed of arm `index` when arms are to be independent: the master seed moved by a large
/// odd constant (the 64-bit golden ratio), which ChaCha's seeding turns into unrelated streams.
pub fn independent_seed(seed: u64, index: usize) -> u64 {
    seed.wrapping_add((index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// What an arm's extra spending buys against the reference, paired by replication: the mean
/// extra cost a week, the mean effect a week (orders completed more, or proven reoffences
/// fewer), and their ratio (£ per extra completed order, £ per proven reoffence avoided) with
/// Fieller's 95% interval. The interval treats the two paired means as jointly normal and is
/// the set of ratios R for which `extra cost − R · effect` is not distinguishable from zero:
/// bounded only when the effect itself is (its own 95% CI excludes zero), else `None` (any
/// ratio fits).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CostEffect {
    pub extra_cost: Summary,
    pub effect: Summary,
    pub ratio: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Replications where both arms define the cost and the effect.
    pub n: usize,
}

/// The cost-effectiveness measures: name, the measure whose change is the effect, and its
/// sign (+1: the arm's value less the reference's; −1: the reference's less the arm's, what
/// the arm avoids).
pub const COST_EFFECTS: [(&str, &str, f64); 2] = [
    (
        "cost_per_extra_completed_order",
        "completions_per_week",
        1.0,
    ),
    (
        "cost_per_proven_reoffence_avoided",
        "proven_reoffences_per_week",
        -1.0,
    ),
];

/// [`CostEffect`] of paired (extra cost, effect) values, one pair a replication.
pub fn cost_effect(pairs: &[(f64, f64)]) -> CostEffect {
    let n = pairs.len();
    let extra_cost = summarise(pairs.iter().map(|p| Some(p.0)));
    let effect = summarise(pairs.iter().map(|p| Some(p.1)));
    let none = CostEffect {
        extra_cost,
        effect,
        ratio: None,
        ci_low: None,
        ci_high: None,
        n,
    };
    let (Some(c), Some(e)) = (extra_cost.mean, effect.mean) else {
        return none;
    };
    let ratio = (e != 0.0).then(|| c / e);
    if n < 2 {
        return CostEffect { ratio, ..none };
    }
    let nf = n as f64;
    let (mut vc, mut ve, mut vce) = (0.0, 0.0, 0.0);
    for &(x, y) in pairs {
        vc += (x - c) * (x - c);
        ve += (y - e) * (y - e);
        vce += (x - c) * (y - e);
    }
    // Variances and covariance of the two means.
    let denominator = (nf - 1.0) * nf;
    let (vc, ve, vce) = (vc / denominator, ve / denominator, vce / denominator);
    let t2 = t_quantile_975(n - 1).powi(2);
    // R in the interval where (c − R e)² ≤ t² Var(c − R e): a R² − 2 b R + k ≤ 0.
    let a = e * e - t2 * ve;
    let b = c * e - t2 * vce;
    let k = c * c - t2 * vc;
    if a <= 0.0 {
        return CostEffect { ratio, ..none };
    }
    let root = (b * b - a * k).max(0.0).sqrt();
    CostEffect {
        ratio,
        ci_low: Some((b - root) / a),
        ci_high: Some((b + root) / a),
        ..none
    }
}

/// Every cost-effectiveness measure of `arm` against `reference`, from the replications'
/// `cost` and effect measures, paired by replication.
pub fn cost_effectiveness(
    reference: &RunResults,
    arm: &RunResults,
) -> Vec<(&'static str, CostEffect)> {
    COST_EFFECTS
        .iter()
        .map(|&(name, effect, sign)| {
            let pairs: Vec<(f64, f64)> = reference
                .replications
                .iter()
                .zip(&arm.replications)
                .filter_map(|(a, b)| {
                    let cost = b.metrics.cost? - a.metrics.cost?;
                    let change = sign * (b.metrics.get(effect)? - a.metrics.get(effect)?);
                    Some((cost, change))
                })
                .collect();
            (name, cost_effect(&pairs))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ratio_of_exact_pairs_has_its_interval_at_the_ratio() {
        // Every replication costs £100 more and avoids 2 reoffences, give or take the same
        // share: the ratio is £50 in each, so the interval closes on 50.
        let pairs = [(100.0, 2.0), (110.0, 2.2), (90.0, 1.8), (105.0, 2.1)];
        let r = cost_effect(&pairs);
        assert!((r.ratio.unwrap() - 50.0).abs() < 1e-9);
        assert!((r.ci_low.unwrap() - 50.0).abs() < 1e-4);
        assert!((r.ci_high.unwrap() - 50.0).abs() < 1e-4);
        assert_eq!(r.n, 4);
    }

    #[test]
    fn fieller_interval_by_hand() {
        // Extra cost 10, 12, 14 (mean 12); effect 1, 2, 3 (mean 2). Means' variances: 4/3
        // and 1/3, covariance 2/3; t(2)² = 18.478. a = 4 − 6.159 < 0: the effect's CI
        // includes zero, so no interval.
        let r = cost_effect(&[(10.0, 1.0), (12.0, 2.0), (14.0, 3.0)]);
        assert_eq!(r.ratio, Some(6.0));
        assert_eq!((r.ci_low, r.ci_high), (None, None));
        // Effect 1.9, 2.0, 2.1: a = 4 − 18.478 · 0.01/3 > 0.
        let r = cost_effect(&[(10.0, 1.9), (12.0, 2.0), (14.0, 2.1)]);
        let t2 = t_quantile_975(2).powi(2);
        let (vc, ve, vce) = (4.0 / 3.0, 0.01 / 3.0, 0.2 / 3.0);
        let (a, b, k) = (4.0 - t2 * ve, 24.0 - t2 * vce, 144.0 - t2 * vc);
        let root = (b * b - a * k).sqrt();
        assert!((r.ci_low.unwrap() - (b - root) / a).abs() < 1e-9);
        assert!((r.ci_high.unwrap() - (b + root) / a).abs() < 1e-9);
        assert!(r.ci_low.unwrap() < 6.0 && 6.0 < r.ci_high.unwrap());
    }

    #[test]
    fn no_effect_no_ratio() {
        let r = cost_effect(&[(10.0, 0.0), (12.0, 0.0)]);
        assert_eq!((r.ratio, r.ci_low), (None, None));
        let r = cost_effect(&[]);
        assert_eq!((r.ratio, r.n), (None, 0));
    }
}
