//! One scenario's replications on one thread, with nothing written: the workload to profile,
//! and where a week's time goes, phase by phase (`engine::PHASES`).
//!
//! `cargo run --release --example profile -- scenarios/baseline.toml 20`, or under perf:
//! `cargo build --release --example profile && perf record target/release/examples/profile scenarios/baseline.toml 20`
//!
//! With link-time optimisation the phases are inlined into one function, so `perf` can no
//! longer tell them apart; the times printed here can. The clock is read twelve times a week,
//! which costs little beside a week's work.

use std::path::Path;
use std::time::Instant;

use casesim::engine::{PHASES, World};
use casesim::scenario::load_scenario;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .map_or("scenarios/baseline.toml", String::as_str);
    let reps: u32 = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(8);
    let scenario = load_scenario(Path::new(path), &[]).expect("a valid scenario");
    let mut seconds = [0.0; PHASES.len()];
    let mut offender_weeks = 0u64;
    for rep in 0..reps {
        let mut world = World::new(&scenario, rep);
        for _ in 0..scenario.simulation.weeks {
            offender_weeks += world.case_count() as u64;
            for (spent, (_, phase)) in seconds.iter_mut().zip(PHASES) {
                let started = Instant::now();
                phase(&mut world);
                *spent += started.elapsed().as_secs_f64();
            }
            world.week += 1;
        }
    }
    let total: f64 = seconds.iter().sum();
    let per_week = |s: f64| s * 1e9 / offender_weeks as f64;
    for ((name, _), s) in PHASES.iter().zip(seconds) {
        println!(
            "{name:<24} {:6.1} ns per offender-week {:5.1}%",
            per_week(s),
            100.0 * s / total
        );
    }
    println!("{:<24} {:6.1} ns per offender-week", "all", per_week(total));
    println!(
        "{reps} replications, {total:.2} s in the weekly step, {:.2e} offender-weeks/s",
        offender_weeks as f64 / total
    );
}
