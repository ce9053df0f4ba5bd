//! Sobol' variance-based sensitivity indices (`casesim sensitivity --method sobol`), as pure
//! functions of a sample design and the model's outputs at its points, so that they can be
//! tested on functions whose indices are known (the Ishigami function, below).
//!
//! **Design** (Saltelli et al. 2010, the "radial" scheme of their Table 2, as SALib's
//! `sample.sobol` with `calc_second_order=False`): two N × k matrices A and B of quasi-random
//! points in the unit cube (the first k and the next k dimensions of one 2k-dimensional
//! Owen-scrambled Sobol' sequence), and for each parameter i the matrix A_B^(i): A with its
//! column i taken from B. The model is run at the N × (k + 2) points; [`Design::points`] lists
//! them row by row: A_j, B_j, A_B^(1)_j, ..., A_B^(k)_j for j = 1..N.
//!
//! **Estimators**, with V the variance of the 2N outputs at A and B:
//! - first order (Saltelli et al. 2010, their eq. (b) of Table 2):
//!   S_i = mean_j( f(B)_j · (f(A_B^(i))_j − f(A)_j) ) / V;
//! - total (Jansen 1999; Saltelli et al. 2010 Table 2 eq. (f)):
//!   S_Ti = mean_j( (f(A)_j − f(A_B^(i))_j)² ) / 2 / V.
//!
//! These are SALib's `first_order` and `total_order` (Herman & Usher 2017), with V the
//! population variance of A's and B's outputs together as there, and f(B) centred on the mean
//! of A's and B's outputs in the first-order sum (SALib standardises every output first, to
//! the same end: the uncentred sum multiplies noise by the output's level). The 95% intervals are
//! percentile bootstrap intervals over the N rows (each resample draws N rows with
//! replacement and recomputes V and both indices from them); SALib gives a normal interval
//! from the bootstrap's standard deviation instead, which can reach below zero.
//!
//! The quasi-random points come from the `sobol_burley` crate (Burley 2020's hash-based Owen
//! scrambling of Sobol' points with Joe & Kuo's direction numbers; MIT or Apache-2.0):
//! scrambled points need no skipped prefix and give unbiased estimates, and the seed gives
//! independent designs. It supports up to 2^16 points and 256 dimensions: N ≤ 65,536 and
//! k ≤ 128. The design's layout, the estimators and the bootstrap are written here: they are
//! a few lines each, and no maintained Rust crate offers them.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The most base points (`sobol_burley` indexes up to 2^16 points).
pub const MAX_SAMPLES: usize = 1 << 16;
/// The most parameters (`sobol_burley` has 256 dimensions; the design uses 2k).
pub const MAX_PARAMETERS: usize = 128;

/// A Saltelli design: `n` base rows of `k` parameters, N × (k + 2) points in [0, 1)^k.
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    pub k: usize,
    pub n: usize,
    /// Row by row: A_j, B_j, then A_B^(i)_j for each parameter i.
    pub points: Vec<Vec<f64>>,
}

impl Design {
    /// Points per base row: A, B and one A_B^(i) per parameter.
    pub fn per_row(&self) -> usize {
        self.k + 2
    }
}

/// The Saltelli design for `k` parameters and `n` base rows, from the scrambled Sobol'
/// sequence with `seed`. `k` must be 1..=[`MAX_PARAMETERS`] and `n` 1..=[`MAX_SAMPLES`].
pub fn design(k: usize, n: usize, seed: u32) -> Design {
    assert!((1..=MAX_PARAMETERS).contains(&k), "{k} parameters");
    assert!((1..=MAX_SAMPLES).contains(&n), "{n} samples");
    let mut points = Vec::with_capacity(n * (k + 2));
    for j in 0..n {
        let sample = |d: usize| f64::from(sobol_burley::sample(j as u32, d as u32, seed));
        let a: Vec<f64> = (0..k).map(sample).collect();
        let b: Vec<f64> = (k..2 * k).map(sample).collect();
        points.push(a.clone());
        points.push(b.clone());
        for i in 0..k {
            let mut ab = a.clone();
            ab[i] = b[i];
            points.push(ab);
        }
    }
    Design { k, n, points }
}

/// An index with its 95% bootstrap interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// The first-order and total indices of each parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Indices {
    pub first: Vec<Interval>,
    pub total: Vec<Interval>,
}

/// Bootstrap resamples for the intervals.
pub const RESAMPLES: usize = 500;

/// Both indices of every parameter from the rows `rows` (indices into the design's base rows,
/// with repeats in a bootstrap resample). `None` when the outputs do not vary.
fn estimate(k: usize, outputs: &[f64], rows: &[usize]) -> Option<(Vec<f64>, Vec<f64>)> {
    let per_row = k + 2;
    let f = |j: usize, column: usize| outputs[j * per_row + column];
    let n = rows.len() as f64;
    // V: the population variance of f(A) and f(B) together.
    let mean = rows.iter().map(|&j| f(j, 0) + f(j, 1)).sum::<f64>() / (2.0 * n);
    let variance = rows
        .iter()
        .map(|&j| (f(j, 0) - mean).powi(2) + (f(j, 1) - mean).powi(2))
        .sum::<f64>()
        / (2.0 * n);
    if !(variance > 0.0 && variance.is_finite()) {
        return None;
    }
    let mut first = Vec::with_capacity(k);
    let mut total = Vec::with_capacity(k);
    for i in 0..k {
        let (mut s, mut t) = (0.0, 0.0);
        for &j in rows {
            let (a, b, ab) = (f(j, 0), f(j, 1), f(j, 2 + i));
            // f(B) centred on the mean: the same estimator in expectation (the mean of
            // f(A_B^(i)) − f(A) is zero), without the noise that an output far from zero
            // (a rate near 70%) multiplies into it. SALib centres the outputs likewise.
            s += (b - mean) * (ab - a);
            t += (a - ab).powi(2);
        }
        first.push(s / n / variance);
        total.push(t / n / 2.0 / variance);
    }
    Some((first, total))
}

/// The 2.5% and 97.5% points of `values` (sorted here), interpolating between order
/// statistics.
pub fn percentile_interval(values: &mut [f64]) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (values.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        values[lo] + (values[hi] - values[lo]) * (pos - lo as f64)
    };
    (at(0.025), at(0.975))
}

/// The first-order and total indices of each of `k` parameters from the outputs at the
/// design's points (in [`Design::points`] order), with 95% percentile bootstrap intervals
/// from `resamples` resamples of the base rows drawn with `seed`. `None` when the outputs
/// are not all finite or do not vary.
pub fn indices(k: usize, outputs: &[f64], resamples: usize, seed: u64) -> Option<Indices> {
    let per_row = k + 2;
    assert_eq!(outputs.len() % per_row, 0, "outputs of whole rows");
    let n = outputs.len() / per_row;
    if n < 2 || outputs.iter().any(|y| !y.is_finite()) {
        return None;
    }
    let all: Vec<usize> = (0..n).collect();
    let (first, total) = estimate(k, outputs, &all)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut boot_first = vec![Vec::with_capacity(resamples); k];
    let mut boot_total = vec![Vec::with_capacity(resamples); k];
    let mut rows = vec![0; n];
    for _ in 0..resamples {
        for r in rows.iter_mut() {
            *r = rng.random_range(0..n);
        }
        // A resample whose outputs happen not to vary says nothing; it is left out.
        if let Some((s, t)) = estimate(k, outputs, &rows) {
            for i in 0..k {
                boot_first[i].push(s[i]);
                boot_total[i].push(t[i]);
            }
        }
    }
    let with_interval = |values: &[f64], boot: &mut [Vec<f64>]| -> Vec<Interval> {
        values
            .iter()
            .zip(boot.iter_mut())
            .map(|(&value, b)| {
                let (low, high) = if b.is_empty() {
                    (value, value)
                } else {
                    percentile_interval(b)
                };
                Interval { value, low, high }
            })
            .collect()
    };
    Some(Indices {
        first: with_interval(&first, &mut boot_first),
        total: with_interval(&total, &mut boot_total),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// Ishigami & Homma (1990): f = sin x1 + a sin² x2 + b x3⁴ sin x1, x uniform on [−π, π].
    fn ishigami(u: &[f64]) -> f64 {
        let (a, b) = (7.0, 0.1);
        let x: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    #[test]
    fn the_estimates_of_the_ishigami_function_are_its_known_indices() {
        // The analytic indices for a = 7, b = 0.1 (Saltelli et al. 2008, Global Sensitivity
        // Analysis: The Primer, §4.9; SALib's tests use the same values).
        let first = [0.3139, 0.4424, 0.0];
        let total = [0.5576, 0.4424, 0.2437];
        let d = design(3, 4096, 7);
        assert_eq!(d.points.len(), 4096 * 5);
        let outputs: Vec<f64> = d.points.iter().map(|p| ishigami(p)).collect();
        let s = indices(3, &outputs, RESAMPLES, 11).unwrap();
        for i in 0..3 {
            let (f, t) = (s.first[i], s.total[i]);
            eprintln!(
                "x{}: S1 {:.4} ({:.4} to {:.4}), true {}; ST {:.4} ({:.4} to {:.4}), true {}",
                i + 1,
                f.value,
                f.low,
                f.high,
                first[i],
                t.value,
                t.low,
                t.high,
                total[i]
            );
            assert!((f.value - first[i]).abs() < 0.05, "S1 of x{}: {f:?}", i + 1);
            assert!((t.value - total[i]).abs() < 0.05, "ST of x{}: {t:?}", i + 1);
            assert!(f.low <= first[i] && first[i] <= f.high, "S1 CI x{}", i + 1);
            assert!(t.low <= total[i] && total[i] <= t.high, "ST CI x{}", i + 1);
        }
    }

    #[test]
    fn the_design_swaps_one_column_of_a_for_b_in_each_radial_point() {
        let d = design(4, 8, 1);
        for j in 0..8 {
            let row = &d.points[j * 6..(j + 1) * 6];
            let (a, b) = (&row[0], &row[1]);
            for i in 0..4 {
                for c in 0..4 {
                    let expected = if c == i { b[c] } else { a[c] };
                    assert_eq!(row[2 + i][c], expected);
                }
            }
            assert!(a.iter().chain(b).all(|u| (0.0..1.0).contains(u)));
        }
        assert_eq!(design(4, 8, 1), d, "the same seed, the same design");
        assert_ne!(design(4, 8, 2).points, d.points);
    }

    #[test]
    fn a_parameter_with_no_effect_has_zero_indices_and_flat_outputs_have_none() {
        let d = design(2, 256, 3);
        let outputs: Vec<f64> = d.points.iter().map(|p| 3.0 * p[0]).collect();
        let s = indices(2, &outputs, 100, 1).unwrap();
        assert!((s.first[0].value - 1.0).abs() < 0.05, "{:?}", s.first[0]);
        assert!((s.total[0].value - 1.0).abs() < 0.05, "{:?}", s.total[0]);
        assert_eq!(s.first[1].value, 0.0);
        assert_eq!(s.total[1].value, 0.0);
        assert_eq!(indices(2, &vec![1.0; 256 * 4], 100, 1), None);
    }
}
