//! One scenario's replications on one thread, with nothing written: the workload to profile.
//!
//! `cargo build --release --example profile && perf record -g target/release/examples/profile scenarios/baseline.toml 8`

use std::path::Path;
use std::time::Instant;

use casesim::scenario::load_scenario;
use casesim::simulate;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .map_or("scenarios/baseline.toml", String::as_str);
    let reps: u32 = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(8);
    let scenario = load_scenario(Path::new(path), &[]).expect("a valid scenario");
    let started = Instant::now();
    let mut offender_weeks = 0;
    for rep in 0..reps {
        offender_weeks += simulate(&scenario, rep).offender_weeks;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{reps} replications, {seconds:.2} s, {:.2e} offender-weeks/s",
        offender_weeks as f64 / seconds
    );
}
