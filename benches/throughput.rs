//! Throughput of the model in offender-weeks per second (cases present × weeks simulated).
//!
//! `baseline_replication`: one replication of scenarios/baseline.toml on one core.
//! `baseline_run_20_replications`: the whole baseline run on the rayon pool, to compare with
//! the single replication in the same run (parallel efficiency = ratio of the two rates
//! divided by the thread count).

use std::path::Path;

use casesim::experiment::run_replications;
use casesim::scenario::load_scenario;
use casesim::simulate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn baseline() -> casesim::Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    load_scenario(&path, &[]).expect("the shipped baseline is valid")
}

fn replication(c: &mut Criterion) {
    let scenario = baseline();
    let offender_weeks = simulate(&scenario, 0).offender_weeks;
    let mut group = c.benchmark_group("throughput");
    group.sample_size(20);
    group.throughput(Throughput::Elements(offender_weeks));
    group.bench_function("baseline_replication", |b| {
        b.iter(|| simulate(&scenario, 0))
    });

    let all: u64 = run_replications(&scenario).offender_weeks();
    group.throughput(Throughput::Elements(all));
    group.sample_size(10);
    group.bench_function("baseline_run_20_replications", |b| {
        b.iter(|| run_replications(&scenario))
    });
    group.finish();
}

criterion_group!(benches, replication);
criterion_main!(benches);
