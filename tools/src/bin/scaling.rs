//! How the cost of one replication grows with the population, and of a run with replications:
//! the scaling table in docs/performance.md.
//!
//! `cargo run --release -p casesim-tools --bin scaling`
//!
//! Population: scenarios/national.toml scaled by 1/100, 1/10, 2/5 and 1 (cases, inflow, case
//! managers, patches and service places together), one replication on one thread each.
//! Replications: the baseline with 1, 2, 4, 8 and 16 replications on the machine's threads.

use std::path::Path;
use std::time::Instant;

use casesim::experiment::run_replications;
use casesim::scenario::load_scenario;
use casesim::{Scenario, simulate};

fn shipped(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
    load_scenario(&path, &[]).expect("the shipped scenario is valid")
}

fn main() {
    let national = shipped("national");
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    println!("population (one replication, one thread):");
    println!(
        "{:>10} {:>14} {:>10} {:>22}",
        "scale", "mean cases", "seconds", "offender-weeks/s"
    );
    for scale in [0.01, 0.1, 0.4, 1.0] {
        let mut s = national.clone();
        let p = &mut s.population;
        p.initial_cases = (f64::from(p.initial_cases) * scale) as u32;
        p.inflow_per_week *= scale;
        p.patches = ((f64::from(p.patches) * scale).round() as u16).max(3);
        s.workforce.case_managers = (f64::from(s.workforce.case_managers) * scale) as u32;
        s.services.capacity_scale *= scale;
        let started = Instant::now();
        let r = one.install(|| simulate(&s, 0));
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{scale:>10} {:>14.0} {seconds:>10.2} {:>22.2e}",
            r.offender_weeks as f64 / f64::from(s.simulation.weeks),
            r.offender_weeks as f64 / seconds
        );
    }
    let threads = rayon::current_num_threads();
    println!("\nreplications (baseline, {threads} threads):");
    println!(
        "{:>12} {:>10} {:>22}",
        "replications", "seconds", "offender-weeks/s"
    );
    let mut baseline = shipped("baseline");
    for reps in [1, 2, 4, 8, 16] {
        baseline.simulation.replications = reps;
        let started = Instant::now();
        let results = run_replications(&baseline);
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{reps:>12} {seconds:>10.2} {:>22.2e}",
            results.offender_weeks() as f64 / seconds
        );
    }
}
