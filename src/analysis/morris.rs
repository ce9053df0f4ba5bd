//! Morris elementary effects (`casesim sensitivity --method morris`), as pure functions of a
//! design and the model's outputs at its points, testable on functions whose effects are
//! known.
//!
//! **Design** (Morris 1991): `r` trajectories through a grid of `p` levels {0, 1/(p−1), ..., 1}
//! of the unit cube. Each trajectory starts at a random grid point x* from which every
//! coordinate can move by Δ = p / (2(p − 1)) and stay in the cube, each parameter moving up
//! from x* or down to it (a random direction), then moves one parameter at a time, in a random
//! order, by Δ: k + 1 points per trajectory, r(k + 1) in all. p must be even (Morris's
//! choice, which makes every level equally likely).
//!
//! **Measures** (Campolongo, Cariboni & Saltelli 2007): each move gives parameter i one
//! elementary effect, EE = (f(x after) − f(x before)) / (x_i after − x_i before), with x in the
//! unit cube, so an effect is the change in the output over the parameter's whole range (a
//! linear f = c·v on a range of width w has EE = c·w exactly). Over the r trajectories:
//! μ* = mean |EE| (the importance; Campolongo et al.'s measure, which a parameter whose effects
//! change sign cannot hide from as it can from Morris's μ), μ = mean EE and σ = the standard
//! deviation of EE (n − 1 divisor; large σ: interactions or a curved effect). The 95% interval
//! of μ* is a percentile bootstrap over trajectories. The denominators are the design's
//! coordinates as given: the caller may snap them to what was really run (an integer key
//! cannot take every level) before computing the effects.
//!
//! As SALib's `sample.morris` and `analyze.morris` (Herman & Usher 2017) without their
//! optional search for trajectories spread further apart (Campolongo et al. 2007 §3), which is
//! not done here. Written here: the design and the measures are a few lines each, and no
//! maintained Rust crate offers them.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::analysis::sobol::percentile_interval;

/// A Morris design: `r` trajectories of `k + 1` points each.
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    pub k: usize,
    pub r: usize,
    pub levels: usize,
    /// Trajectory by trajectory, k + 1 points each.
    pub points: Vec<Vec<f64>>,
    /// For each trajectory, the parameter moved at each of its k steps.
    pub moved: Vec<Vec<usize>>,
}

/// The Morris design for `k` parameters, `r` trajectories and `levels` grid levels (even, at
/// least 2), drawn with `seed`.
pub fn design(k: usize, r: usize, levels: usize, seed: u64) -> Design {
    assert!(k >= 1 && r >= 1, "{k} parameters, {r} trajectories");
    assert!(levels >= 2 && levels % 2 == 0, "{levels} levels");
    let step = levels as f64 / (2.0 * (levels - 1) as f64);
    // Levels from which a move of Δ stays in the cube: l/(p − 1) for l < p/2.
    let starts = levels / 2;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut points = Vec::with_capacity(r * (k + 1));
    let mut moved = Vec::with_capacity(r);
    for _ in 0..r {
        let mut x: Vec<f64> = Vec::with_capacity(k);
        let mut up = Vec::with_capacity(k);
        for _ in 0..k {
            let low = rng.random_range(0..starts) as f64 / (levels - 1) as f64;
            let rising = rng.random_bool(0.5);
            x.push(if rising { low } else { low + step });
            up.push(rising);
        }
        let mut order: Vec<usize> = (0..k).collect();
        order.shuffle(&mut rng);
        points.push(x.clone());
        for &i in &order {
            x[i] += if up[i] { step } else { -step };
            points.push(x.clone());
        }
        moved.push(order);
    }
    Design {
        k,
        r,
        levels,
        points,
        moved,
    }
}

/// One parameter's measures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Effects {
    pub mu_star: f64,
    pub mu_star_low: f64,
    pub mu_star_high: f64,
    pub mu: f64,
    /// 0 with a single trajectory.
    pub sigma: f64,
}

/// Bootstrap resamples of the trajectories for μ*'s interval.
pub const RESAMPLES: usize = 500;

/// The elementary effects of each parameter, one per trajectory (none where a move did not
/// change the parameter's value).
pub fn elementary_effects(design: &Design, outputs: &[f64]) -> Vec<Vec<f64>> {
    let k = design.k;
    assert_eq!(outputs.len(), design.points.len(), "an output per point");
    let mut effects = vec![Vec::with_capacity(design.r); k];
    for (t, order) in design.moved.iter().enumerate() {
        let first = t * (k + 1);
        for (s, &i) in order.iter().enumerate() {
            let (before, after) = (first + s, first + s + 1);
            let dx = design.points[after][i] - design.points[before][i];
            if dx != 0.0 {
                effects[i].push((outputs[after] - outputs[before]) / dx);
            }
        }
    }
    effects
}

/// μ*, μ and σ of each parameter from the outputs at the design's points (in
/// [`Design::points`] order), with μ*'s 95% percentile bootstrap interval from `resamples`
/// resamples of the trajectories drawn with `seed`. `None` when an output is not finite.
pub fn indices(
    design: &Design,
    outputs: &[f64],
    resamples: usize,
    seed: u64,
) -> Option<Vec<Effects>> {
    if outputs.iter().any(|y| !y.is_finite()) {
        return None;
    }
    let effects = elementary_effects(design, outputs);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mean_abs = |e: &[f64], picks: &mut dyn Iterator<Item = usize>| {
        let (mut sum, mut n) = (0.0, 0usize);
        for j in picks {
            sum += e[j].abs();
            n += 1;
        }
        sum / n.max(1) as f64
    };
    Some(
        effects
            .iter()
            .map(|e| {
                let n = e.len();
                if n == 0 {
                    return Effects {
                        mu_star: 0.0,
                        mu_star_low: 0.0,
                        mu_star_high: 0.0,
                        mu: 0.0,
                        sigma: 0.0,
                    };
                }
                let mu_star = mean_abs(e, &mut (0..n));
                let mu = e.iter().sum::<f64>() / n as f64;
                let sigma = if n > 1 {
                    (e.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
                } else {
                    0.0
                };
                let mut boot: Vec<f64> = (0..resamples)
                    .map(|_| mean_abs(e, &mut (0..n).map(|_| rng.random_range(0..n))))
                    .collect();
                let (mu_star_low, mu_star_high) = if boot.is_empty() {
                    (mu_star, mu_star)
                } else {
                    percentile_interval(&mut boot)
                };
                Effects {
                    mu_star,
                    mu_star_low,
                    mu_star_high,
                    mu,
                    sigma,
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_linear_function_has_mu_star_its_coefficient_times_the_range_and_no_spread() {
        // f = 3 v1 − 0.5 v2 + 0 v3 on ranges of width 2, 10 and 4.
        let ranges = [(1.0, 3.0), (0.0, 10.0), (-2.0, 2.0)];
        let coefficients = [3.0, -0.5, 0.0];
        let d = design(3, 12, 4, 5);
        assert_eq!(d.points.len(), 12 * 4);
        let outputs: Vec<f64> = d
            .points
            .iter()
            .map(|u| {
                (0..3)
                    .map(|i| {
                        let (lo, hi) = ranges[i];
                        coefficients[i] * (lo + u[i] * (hi - lo))
                    })
                    .sum()
            })
            .collect();
        let e = indices(&d, &outputs, RESAMPLES, 9).unwrap();
        let expected = [6.0, 5.0, 0.0];
        for i in 0..3 {
            assert!((e[i].mu_star - expected[i]).abs() < 1e-9, "{i}: {:?}", e[i]);
            assert!((e[i].mu - coefficients[i] * (ranges[i].1 - ranges[i].0)).abs() < 1e-9);
            assert!(e[i].sigma < 1e-9, "{i}: {:?}", e[i]);
            assert!((e[i].mu_star_low - expected[i]).abs() < 1e-9);
            assert!((e[i].mu_star_high - expected[i]).abs() < 1e-9);
        }
        // The ranking: v1 above v2 above the parameter with no effect.
        assert!(e[0].mu_star > e[1].mu_star && e[1].mu_star > e[2].mu_star);
    }

    #[test]
    fn each_trajectory_moves_every_parameter_once_by_delta_within_the_grid() {
        let (k, levels) = (5, 4);
        let d = design(k, 20, levels, 1);
        let delta = 4.0 / 6.0;
        for (t, order) in d.moved.iter().enumerate() {
            let mut sorted = order.clone();
            sorted.sort();
            assert_eq!(sorted, (0..k).collect::<Vec<_>>());
            for (s, &i) in order.iter().enumerate() {
                let (a, b) = (&d.points[t * (k + 1) + s], &d.points[t * (k + 1) + s + 1]);
                assert!(((b[i] - a[i]).abs() - delta).abs() < 1e-12);
                for c in (0..k).filter(|&c| c != i) {
                    assert_eq!(a[c], b[c]);
                }
            }
        }
        for p in &d.points {
            for &u in p {
                let level = u * (levels - 1) as f64;
                assert!((0.0..=1.0).contains(&u) && (level - level.round()).abs() < 1e-9);
            }
        }
        assert_eq!(design(k, 20, levels, 1), d);
    }

    #[test]
    fn an_interaction_shows_as_spread() {
        // f = v1 · v2: each effect of v1 is v2, which varies between trajectories.
        let d = design(2, 30, 4, 2);
        let outputs: Vec<f64> = d.points.iter().map(|u| u[0] * u[1]).collect();
        let e = indices(&d, &outputs, 200, 3).unwrap();
        assert!(e[0].sigma > 0.1 && e[1].sigma > 0.1, "{e:?}");
        assert!(e[0].mu_star_low <= e[0].mu_star && e[0].mu_star <= e[0].mu_star_high);
    }
}
