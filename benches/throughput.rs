//! Throughput of the model in offender-weeks per second (cases present × weeks simulated).
//!
//! - `baseline_replication`: one replication of scenarios/baseline.toml on one thread.
//! - `baseline_run_20_replications`: the whole baseline run on the rayon pool, to compare with
//!   the single replication in the same run (parallel efficiency = ratio of the two rates
//!   divided by the thread count).
//! - `caseload_sweep`: scenarios/caseload_sweep.toml's nine points, 4 replications each, on the
//!   pool (a sweep's cells share the pool as one list of jobs).
//! - `national_replication`: one replication of scenarios/national.toml (about 240,000 cases)
//!   on one thread, sampled with the fewest iterations Criterion allows.
//!
//! `cargo bench -- baseline` runs only the first two. docs/performance.md gives the figures.

use std::path::Path;
use std::time::Duration;

use casesim::commands::{Options, plan_sweep};
use casesim::experiment::{run_arms, run_replications};
use casesim::scenario::load_scenario;
use casesim::{Scenario, simulate};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

fn shipped(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
    load_scenario(&path, &[]).expect("the shipped scenario is valid")
}

/// Runs `f` on a pool of one thread: a single replication's rate on one core.
fn one_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool")
        .install(f)
}

fn baseline(c: &mut Criterion) {
    let scenario = shipped("baseline");
    let offender_weeks = simulate(&scenario, 0).offender_weeks;
    let mut group = c.benchmark_group("throughput");
    group.sample_size(20);
    group.throughput(Throughput::Elements(offender_weeks));
    group.bench_function("baseline_replication", |b| {
        b.iter(|| one_thread(|| simulate(&scenario, 0)))
    });

    let all: u64 = run_replications(&scenario).offender_weeks();
    group.throughput(Throughput::Elements(all));
    group.sample_size(10);
    group.bench_function("baseline_run_20_replications", |b| {
        b.iter(|| run_replications(&scenario))
    });
    group.finish();
}

fn sweep(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/caseload_sweep.toml");
    let options = Options {
        replications: Some(4),
        ..Options::default()
    };
    let plan = plan_sweep(&path, &[], &options).expect("the shipped sweep is valid");
    let refs: Vec<&Scenario> = plan.arms.iter().map(|a| &a.scenario).collect();
    let all: u64 = run_arms(&refs, &|| {})
        .iter()
        .map(|r| r.offender_weeks())
        .sum();
    let mut group = c.benchmark_group("throughput");
    group.sample_size(10);
    group.throughput(Throughput::Elements(all));
    group.bench_function("caseload_sweep", |b| b.iter(|| run_arms(&refs, &|| {})));
    group.finish();
}

fn national(c: &mut Criterion) {
    let scenario = shipped("national");
    let offender_weeks = one_thread(|| simulate(&scenario, 0)).offender_weeks;
    let mut group = c.benchmark_group("throughput");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(offender_weeks));
    group.bench_function("national_replication", |b| {
        b.iter(|| one_thread(|| simulate(&scenario, 0)))
    });
    group.finish();
}

criterion_group!(benches, baseline, sweep, national);
criterion_main!(benches);
