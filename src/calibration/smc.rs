//! Approximate Bayesian computation by sequential Monte Carlo: population Monte Carlo with
//! adaptive tolerances (Beaumont, Cornuet, Marin & Robert 2009; Toni et al. 2009; the
//! adaptive tolerance of Del Moral, Doucet & Jasra 2012 and pyABC, Klinger et al. 2018).
//!
//! Generation 0 draws its particles from the prior and accepts them all. Each later
//! generation `t`:
//! 1. sets its tolerance to a quantile (`quantile`, default the median) of the distances of
//!    generation `t − 1`'s particles, weighted;
//! 2. proposes: picks a particle of `t − 1` by weight and moves it by a multivariate normal
//!    kernel whose covariance is twice the particles' weighted covariance (Beaumont et al.
//!    2009; Filippi et al. 2013 for the full covariance); a proposal where the prior has no
//!    density is drawn again without simulating;
//! 3. simulates each proposal once and accepts it if its distance is within the tolerance,
//!    until it has as many particles as the first;
//! 4. weighs particle `i` by `prior(θᵢ) / Σⱼ Wⱼ K(θᵢ | θⱼ)`, normalised.
//!
//! The run stops when a generation's tolerance fell by less than `min_tolerance_drop` of the
//! one before (the tolerance has stopped falling: more generations would cost simulations and
//! move the posterior by less than its own Monte Carlo error), when acceptance falls below
//! `min_acceptance`, after `max_generations`, or once `max_simulations` are used.
//!
//! Determinism: proposal `i` of generation `t` draws from its own stream (seed, t, i), and
//! proposals are simulated in batches of a fixed size whatever the number of threads; the
//! first particles accepted in proposal order are kept. So the posterior is the same for any
//! thread count, and a run resumed from its checkpoint (finished generations and batches) ends
//! as an uninterrupted one.

use nalgebra::{DMatrix, DVector};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// JSON has no infinity: an infinite distance or tolerance is kept as `null` in checkpoints.
mod infinite_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            s.serialize_f64(*v)
        } else {
            s.serialize_none()
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
    }
}

/// What the algorithm needs of a prior: draws and a density (up to a constant).
pub trait Prior: Sync {
    /// Number of parameters.
    fn dimension(&self) -> usize;
    /// A draw of every parameter.
    fn sample(&self, rng: &mut ChaCha8Rng) -> Vec<f64>;
    /// The log density at `values` (up to a constant); `None` outside the support.
    fn log_density(&self, values: &[f64]) -> Option<f64>;
}

/// The settings of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Particles in each generation.
    pub particles: usize,
    /// Most generations, the prior's included.
    pub max_generations: u32,
    /// The tolerance of a generation: this quantile of the last generation's distances.
    pub quantile: f64,
    /// Stop when a generation accepts fewer than this share of its simulations.
    pub min_acceptance: f64,
    /// Stop when the tolerance falls by less than this share from one generation to the next.
    pub min_tolerance_drop: f64,
    /// Stop once this many simulations have been run.
    pub max_simulations: u64,
    /// Proposals simulated together (and checkpointed together); results do not depend on the
    /// number of threads, only on this.
    pub batch: usize,
    pub seed: u64,
}

/// One simulated proposal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub values: Vec<f64>,
    /// The simulated summaries (one per target), `None` when the simulator gave none (e.g. an
    /// invalid parameter set, or a measure with no cases).
    pub summaries: Option<Vec<f64>>,
    #[serde(with = "infinite_as_null")]
    pub distance: f64,
    /// Proposals drawn again because the prior had no density there (not simulated).
    pub redrawn: u32,
}

/// An accepted particle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Particle {
    pub values: Vec<f64>,
    pub weight: f64,
    pub distance: f64,
    pub summaries: Vec<f64>,
}

/// A finished generation and its diagnostics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Generation {
    pub index: u32,
    /// The largest distance accepted (infinite for the prior's generation).
    #[serde(with = "infinite_as_null")]
    pub tolerance: f64,
    pub particles: Vec<Particle>,
    /// Simulations run for this generation (batches whole).
    pub simulations: u64,
    /// Accepted among them (at least `particles`; the last batch may accept more, which are
    /// counted but not kept).
    pub accepted: u64,
    /// Proposals outside the prior's support, drawn again without simulating.
    pub redrawn: u64,
}

impl Generation {
    /// Accepted over simulated.
    pub fn acceptance_rate(&self) -> f64 {
        if self.simulations == 0 {
            0.0
        } else {
            self.accepted as f64 / self.simulations as f64
        }
    }

    /// Kish's effective sample size of the weights, `1 / Σ w²` (weights summing to one).
    pub fn effective_sample_size(&self) -> f64 {
        let squares: f64 = self.particles.iter().map(|p| p.weight * p.weight).sum();
        if squares > 0.0 { 1.0 / squares } else { 0.0 }
    }
}

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// The tolerance fell by less than `min_tolerance_drop`.
    ToleranceSettled,
    /// Acceptance fell below `min_acceptance`.
    AcceptanceLow,
    MaxGenerations,
    MaxSimulations,
}

impl Stop {
    pub fn words(self) -> &'static str {
        match self {
            Stop::ToleranceSettled => "the tolerance stopped falling",
            Stop::AcceptanceLow => "acceptance fell below the minimum",
            Stop::MaxGenerations => "the last generation allowed was reached",
            Stop::MaxSimulations => "the budget of simulations was used",
        }
    }
}

/// Where finished generations and batches are kept, so a killed run can resume.
pub trait Store: Sync {
    fn generation(&self, index: u32) -> Option<Generation>;
    fn save_generation(&self, generation: &Generation) -> Result<(), String>;
    fn batch(&self, generation: u32, batch: u32) -> Option<Vec<Evaluation>>;
    fn save_batch(
        &self,
        generation: u32,
        batch: u32,
        evaluations: &[Evaluation],
    ) -> Result<(), String>;
}

/// A store that keeps nothing (tests, and runs that need no resuming).
pub struct NoStore;

impl Store for NoStore {
    fn generation(&self, _: u32) -> Option<Generation> {
        None
    }
    fn save_generation(&self, _: &Generation) -> Result<(), String> {
        Ok(())
    }
    fn batch(&self, _: u32, _: u32) -> Option<Vec<Evaluation>> {
        None
    }
    fn save_batch(&self, _: u32, _: u32, _: &[Evaluation]) -> Result<(), String> {
        Ok(())
    }
}

/// Where a run is, for a progress bar.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    pub generation: u32,
    pub accepted: u64,
    pub needed: usize,
    pub simulations: u64,
    pub tolerance: f64,
}

/// The result of a run: every generation, the last being the posterior.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub generations: Vec<Generation>,
    pub stop: Stop,
}

impl Outcome {
    pub fn posterior(&self) -> &Generation {
        self.generations.last().expect("a run has a generation")
    }

    pub fn simulations(&self) -> u64 {
        self.generations.iter().map(|g| g.simulations).sum()
    }
}

/// The simulator: summaries of one simulation at `values` with random numbers from `seed`.
pub type Simulate<'a> = dyn Fn(&[f64], u64) -> Option<Vec<f64>> + Sync + 'a;
/// The distance of simulated summaries from the observed ones.
pub type Distance<'a> = dyn Fn(&[f64]) -> f64 + Sync + 'a;

/// The stream of proposal `proposal` of generation `generation`.
fn proposal_rng(seed: u64, generation: u32, proposal: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream((u64::from(generation) << 40) | proposal);
    rng
}

/// The perturbation kernel of a generation: a multivariate normal around a particle of the
/// last, with twice their weighted covariance.
struct Kernel {
    /// Lower Cholesky factor of the covariance.
    chol: DMatrix<f64>,
}

impl Kernel {
    fn of(previous: &[Particle], dimension: usize) -> Kernel {
        let mut mean = DVector::zeros(dimension);
        for p in previous {
            mean += DVector::from_column_slice(&p.values) * p.weight;
        }
        let mut cov = DMatrix::zeros(dimension, dimension);
        for p in previous {
            let d = DVector::from_column_slice(&p.values) - &mean;
            cov += &d * d.transpose() * p.weight;
        }
        cov *= 2.0;
        // A parameter the particles all share (a point mass) would leave the matrix singular:
        // a ridge a millionth of each variance (or of one, for a zero variance) keeps the
        // kernel proper without moving it visibly.
        for i in 0..dimension {
            let v = cov[(i, i)];
            cov[(i, i)] = v + 1e-6 * if v > 0.0 { v } else { 1.0 };
        }
        let chol = match nalgebra::Cholesky::new(cov.clone()) {
            Some(c) => c.l(),
            // Not positive definite by rounding: fall back to the diagonal.
            None => DMatrix::from_diagonal(&cov.diagonal().map(f64::sqrt)),
        };
        Kernel { chol }
    }

    fn perturb(&self, centre: &[f64], rng: &mut ChaCha8Rng) -> Vec<f64> {
        let z = DVector::from_iterator(
            centre.len(),
            (0..centre.len()).map(|_| rng.sample::<f64, _>(StandardNormal)),
        );
        let step = &self.chol * z;
        centre.iter().zip(step.iter()).map(|(c, s)| c + s).collect()
    }

    /// The log density of a move from `from` to `to`, up to a constant.
    fn log_density(&self, from: &[f64], to: &[f64]) -> f64 {
        let d = DVector::from_iterator(from.len(), to.iter().zip(from).map(|(t, f)| t - f));
        let solved = self
            .chol
            .solve_lower_triangular(&d)
            .unwrap_or_else(|| DVector::from_element(from.len(), f64::INFINITY));
        -0.5 * solved.norm_squared()
    }
}

/// Picks an index by weight (weights summing to one), from a uniform.
fn by_weight(particles: &[Particle], u: f64) -> usize {
    let mut total = 0.0;
    for (i, p) in particles.iter().enumerate() {
        total += p.weight;
        if u < total {
            return i;
        }
    }
    particles.len() - 1
}

/// The `q` quantile of the particles' distances, weighted.
pub fn weighted_quantile(particles: &[Particle], q: f64) -> f64 {
    let mut sorted: Vec<(f64, f64)> = particles.iter().map(|p| (p.distance, p.weight)).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut total = 0.0;
    for (d, w) in &sorted {
        total += w;
        if total >= q {
            return *d;
        }
    }
    sorted.last().map_or(f64::INFINITY, |(d, _)| *d)
}

/// Draws proposal `proposal` of generation `generation` and simulates it.
fn evaluate(
    settings: &Settings,
    prior: &dyn Prior,
    previous: Option<(&[Particle], &Kernel)>,
    generation: u32,
    proposal: u64,
    simulate: &Simulate<'_>,
    distance: &Distance<'_>,
) -> Evaluation {
    let mut rng = proposal_rng(settings.seed, generation, proposal);
    let seed: u64 = rng.random();
    let mut redrawn = 0;
    let values = loop {
        let values = match previous {
            None => prior.sample(&mut rng),
            Some((particles, kernel)) => {
                let i = by_weight(particles, rng.random());
                kernel.perturb(&particles[i].values, &mut rng)
            }
        };
        if prior.log_density(&values).is_some() || redrawn >= 10_000 {
            break values;
        }
        redrawn += 1;
    };
    let summaries = prior
        .log_density(&values)
        .and_then(|_| simulate(&values, seed));
    let d = summaries.as_deref().map_or(f64::INFINITY, distance);
    Evaluation {
        values,
        summaries,
        distance: if d.is_nan() { f64::INFINITY } else { d },
        redrawn,
    }
}

/// Runs generation `index`, from its checkpointed batches where there are some.
#[allow(clippy::too_many_arguments)]
fn run_generation(
    settings: &Settings,
    prior: &dyn Prior,
    previous: Option<&Generation>,
    index: u32,
    simulate: &Simulate<'_>,
    distance: &Distance<'_>,
    store: &dyn Store,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Generation, String> {
    let tolerance = match previous {
        None => f64::INFINITY,
        Some(g) => weighted_quantile(&g.particles, settings.quantile),
    };
    let kernel = previous.map(|g| Kernel::of(&g.particles, prior.dimension()));
    let previous_particles = previous.map(|g| g.particles.as_slice());
    let mut accepted: Vec<Evaluation> = Vec::new();
    let (mut simulations, mut accepted_count, mut redrawn) = (0u64, 0u64, 0u64);
    let mut batch = 0u32;
    while accepted.len() < settings.particles {
        let evaluations = match store.batch(index, batch) {
            Some(kept) => kept,
            None => {
                let start = u64::from(batch) * settings.batch as u64;
                let evaluations: Vec<Evaluation> = (start..start + settings.batch as u64)
                    .into_par_iter()
                    .map(|proposal| {
                        evaluate(
                            settings,
                            prior,
                            previous_particles.zip(kernel.as_ref()),
                            index,
                            proposal,
                            simulate,
                            distance,
                        )
                    })
                    .collect();
                store.save_batch(index, batch, &evaluations)?;
                evaluations
            }
        };
        for e in evaluations {
            redrawn += u64::from(e.redrawn);
            if e.summaries.is_some() {
                simulations += 1;
            }
            if e.summaries.is_some() && e.distance <= tolerance {
                accepted_count += 1;
                if accepted.len() < settings.particles {
                    accepted.push(e);
                }
            }
        }
        progress(Progress {
            generation: index,
            accepted: accepted.len() as u64,
            needed: settings.particles,
            simulations,
            tolerance,
        });
        batch += 1;
        let spent: u64 = simulations;
        // A generation that cannot reach its particles within the budget stops here (the run
        // then ends with the last whole generation).
        if spent >= settings.max_simulations && accepted.len() < settings.particles {
            return Err(format!(
                "generation {index} used the budget of {} simulations with {} of {} particles \
                 accepted",
                settings.max_simulations,
                accepted.len(),
                settings.particles
            ));
        }
    }
    let weights: Vec<f64> = match (previous, &kernel) {
        (Some(prev), Some(kernel)) => {
            let logs: Vec<f64> = accepted
                .iter()
                .map(|e| {
                    let prior_log = prior.log_density(&e.values).unwrap_or(f64::NEG_INFINITY);
                    // log Σⱼ Wⱼ K(θ | θⱼ), by log-sum-exp.
                    let terms: Vec<f64> = prev
                        .particles
                        .iter()
                        .map(|p| p.weight.ln() + kernel.log_density(&p.values, &e.values))
                        .collect();
                    let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let sum: f64 = terms.iter().map(|t| (t - top).exp()).sum();
                    prior_log - (top + sum.ln())
                })
                .collect();
            let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            logs.iter().map(|l| (l - top).exp()).collect()
        }
        _ => vec![1.0; accepted.len()],
    };
    let total: f64 = weights.iter().sum();
    let particles = accepted
        .into_iter()
        .zip(weights)
        .map(|(e, w)| Particle {
            values: e.values,
            weight: w / total,
            distance: e.distance,
            summaries: e.summaries.unwrap_or_default(),
        })
        .collect();
    Ok(Generation {
        index,
        tolerance,
        particles,
        simulations,
        accepted: accepted_count,
        redrawn,
    })
}

/// Runs ABC-SMC to a stop, resuming from `store`.
pub fn run(
    settings: &Settings,
    prior: &dyn Prior,
    simulate: &Simulate<'_>,
    distance: &Distance<'_>,
    store: &dyn Store,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Outcome, String> {
    let mut generations: Vec<Generation> = Vec::new();
    let mut used = 0u64;
    loop {
        let index = generations.len() as u32;
        let generation = match store.generation(index) {
            Some(g) => g,
            None => {
                let budget = Settings {
                    max_simulations: settings.max_simulations.saturating_sub(used),
                    ..settings.clone()
                };
                match run_generation(
                    &budget,
                    prior,
                    generations.last(),
                    index,
                    simulate,
                    distance,
                    store,
                    progress,
                ) {
                    Ok(g) => {
                        store.save_generation(&g)?;
                        g
                    }
                    Err(_) if !generations.is_empty() => {
                        return Ok(Outcome {
                            generations,
                            stop: Stop::MaxSimulations,
                        });
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        used += generation.simulations;
        let acceptance = generation.acceptance_rate();
        let dropped = generations.last().and_then(|last| {
            (last.tolerance.is_finite() && last.tolerance > 0.0)
                .then(|| (last.tolerance - generation.tolerance) / last.tolerance)
        });
        generations.push(generation);
        let index = generations.len() as u32;
        let stop = if index >= settings.max_generations {
            Some(Stop::MaxGenerations)
        } else if index > 1 && acceptance < settings.min_acceptance {
            Some(Stop::AcceptanceLow)
        } else if dropped.is_some_and(|d| d < settings.min_tolerance_drop) {
            Some(Stop::ToleranceSettled)
        } else if used >= settings.max_simulations {
            Some(Stop::MaxSimulations)
        } else {
            None
        };
        if let Some(stop) = stop {
            return Ok(Outcome { generations, stop });
        }
    }
}

/// The weighted mean and standard deviation of parameter `i` over particles.
pub fn weighted_moments(particles: &[Particle], i: usize) -> (f64, f64) {
    let mean: f64 = particles.iter().map(|p| p.weight * p.values[i]).sum();
    let var: f64 = particles
        .iter()
        .map(|p| p.weight * (p.values[i] - mean).powi(2))
        .sum();
    (mean, var.max(0.0).sqrt())
}

/// The weighted `q` quantile of `value(p)` over particles.
pub fn weighted_value_quantile(
    particles: &[Particle],
    value: impl Fn(&Particle) -> f64,
    q: f64,
) -> f64 {
    let mut sorted: Vec<(f64, f64)> = particles.iter().map(|p| (value(p), p.weight)).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut total = 0.0;
    for (v, w) in &sorted {
        total += w;
        if total >= q {
            return *v;
        }
    }
    sorted.last().map_or(f64::NAN, |(v, _)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_distr::{Distribution, Normal};

    /// A uniform prior on a box.
    struct Boxed(Vec<(f64, f64)>);

    impl Prior for Boxed {
        fn dimension(&self) -> usize {
            self.0.len()
        }
        fn sample(&self, rng: &mut ChaCha8Rng) -> Vec<f64> {
            self.0
                .iter()
                .map(|(lo, hi)| rng.random_range(*lo..*hi))
                .collect()
        }
        fn log_density(&self, v: &[f64]) -> Option<f64> {
            v.iter()
                .zip(&self.0)
                .all(|(x, (lo, hi))| (lo..hi).contains(&x))
                .then_some(0.0)
        }
    }

    fn settings(particles: usize) -> Settings {
        Settings {
            particles,
            max_generations: 12,
            quantile: 0.5,
            min_acceptance: 0.02,
            min_tolerance_drop: 0.0,
            max_simulations: 200_000,
            batch: particles,
            seed: 7,
        }
    }

    /// The mean of 20 draws from N(θ, 1), observed 1.0, under a flat prior on (−5, 5): the
    /// posterior of θ is N(1, 1/20) (sd 0.224); ABC with a shrinking tolerance approaches it.
    #[test]
    fn recovers_a_normal_mean_and_its_spread() {
        let prior = Boxed(vec![(-5.0, 5.0)]);
        let simulate = |v: &[f64], seed: u64| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let normal = Normal::new(v[0], 1.0).unwrap();
            let mean = (0..20).map(|_| normal.sample(&mut rng)).sum::<f64>() / 20.0;
            Some(vec![mean])
        };
        let distance = |s: &[f64]| (s[0] - 1.0).abs();
        let outcome = run(
            &settings(400),
            &prior,
            &simulate,
            &distance,
            &NoStore,
            &|_| {},
        )
        .unwrap();
        let posterior = outcome.posterior();
        let (mean, sd) = weighted_moments(&posterior.particles, 0);
        assert!((mean - 1.0).abs() < 0.06, "posterior mean {mean}");
        assert!((sd - 0.224).abs() < 0.05, "posterior sd {sd}");
        // Tolerances fall generation by generation.
        let tolerances: Vec<f64> = outcome.generations.iter().map(|g| g.tolerance).collect();
        assert!(
            tolerances.windows(2).all(|w| w[1] <= w[0]),
            "{tolerances:?}"
        );
        assert!(tolerances.last().unwrap() < &0.05);
    }

    /// The same run on one thread and on many gives the same particles (batches are of a fixed
    /// size and accepted in proposal order).
    #[test]
    fn the_same_for_any_number_of_threads() {
        let prior = Boxed(vec![(0.0, 1.0), (0.0, 1.0)]);
        let simulate = |v: &[f64], seed: u64| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            Some(vec![
                v[0] + v[1] + 0.05 * rng.sample::<f64, _>(StandardNormal),
            ])
        };
        let distance = |s: &[f64]| (s[0] - 0.8).abs();
        let mut s = settings(50);
        s.max_generations = 4;
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| run(&s, &prior, &simulate, &distance, &NoStore, &|_| {}).unwrap());
        let many = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap()
            .install(|| run(&s, &prior, &simulate, &distance, &NoStore, &|_| {}).unwrap());
        assert_eq!(one.generations, many.generations);
    }

    /// Weights undo the kernel: with a prior that is not flat (here the density rises with θ
    /// on (0, 1)) and data that say nothing (distance 0 everywhere), the posterior is the
    /// prior: mean 2/3.
    #[test]
    fn uninformative_data_give_back_the_prior() {
        struct Rising;
        impl Prior for Rising {
            fn dimension(&self) -> usize {
                1
            }
            fn sample(&self, rng: &mut ChaCha8Rng) -> Vec<f64> {
                vec![rng.random::<f64>().sqrt()]
            }
            fn log_density(&self, v: &[f64]) -> Option<f64> {
                (v[0] > 0.0 && v[0] < 1.0).then(|| v[0].ln())
            }
        }
        let simulate = |_: &[f64], seed: u64| Some(vec![(seed % 1000) as f64 / 1000.0]);
        let distance = |s: &[f64]| s[0];
        let mut s = settings(2000);
        s.max_generations = 4;
        let outcome = run(&s, &Rising, &simulate, &distance, &NoStore, &|_| {}).unwrap();
        let (mean, _) = weighted_moments(&outcome.posterior().particles, 0);
        assert!((mean - 2.0 / 3.0).abs() < 0.03, "mean {mean}");
    }
}
