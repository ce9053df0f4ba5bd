//! The cost of calibration (docs/calibration.md, "Speed"):
//!
//! - `evidence_particle`: one particle of `scenarios/calibration_evidence.toml` (every fitted
//!   arm simulated once at the priors' means, on one thread), in offender-weeks per second;
//! - `evidence_particles_on_the_pool`: a batch of particles as a generation runs them, on the
//!   rayon pool (every core), to compare with the single particle in the same run.
//!
//! A whole calibration is a few thousand particles: the time of a generation is its
//! simulations times the particle's time, divided by the cores.

use std::path::Path;

use casesim::calibration::{Options, Prior, load};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;

fn one_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool")
        .install(f)
}

fn evidence(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/calibration_evidence.toml");
    let options = Options {
        out: None,
        progress: false,
        replace: false,
        particles: None,
        max_generations: None,
        command: String::new(),
    };
    let problem = load(&path, &options).expect("the shipped calibration file is valid");
    let means: Vec<f64> = problem.file.priors.iter().map(Prior::mean).collect();
    let before = problem.offender_weeks();
    problem.summaries(&means, 1).expect("the means simulate");
    let per_particle = problem.offender_weeks() - before;
    let mut group = c.benchmark_group("calibration");
    group.sample_size(10);
    group.throughput(Throughput::Elements(per_particle));
    group.bench_function("evidence_particle", |b| {
        b.iter(|| one_thread(|| problem.summaries(&means, 1)))
    });
    let batch = 2 * rayon::current_num_threads() as u64;
    group.throughput(Throughput::Elements(per_particle * batch));
    group.bench_function("evidence_particles_on_the_pool", |b| {
        b.iter(|| {
            (0..batch)
                .into_par_iter()
                .map(|seed| problem.summaries(&means, seed))
                .collect::<Vec<_>>()
        })
    });
    group.finish();
}

criterion_group!(benches, evidence);
criterion_main!(benches);
