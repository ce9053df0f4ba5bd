//! One scenario's replications on one thread, with nothing written: the workload to profile,
//! and where a week's time goes, pass by pass (`engine::PASSES`).
//!
//! `cargo run --release -p casesim-tools --bin profile -- scenarios/baseline.toml 20`, or under perf:
//! `cargo build --release -p casesim-tools --bin profile && perf record target/release/profile scenarios/baseline.toml 20`
//!
//! With link-time optimisation the passes are inlined into one function, so `perf` can no
//! longer tell them apart; the times printed here can. The clock is read a dozen times a week,
//! which costs little beside a week's work. `--untimed` runs the same weeks without the clock
//! (for `valgrind --tool=callgrind`, whose count of instructions per offender-week is then the
//! engine's alone).

use std::path::Path;
use std::time::Instant;

use casesim::engine::{Clock, PASSES, World};
use casesim::metrics::Recorder;
use casesim::scenario::load_scenario;

/// Seconds spent in each pass (when `enabled`: one instantiation of the week serves both
/// modes, so that the compiler inlines it as it does in `casesim` itself).
struct Laps {
    enabled: bool,
    seconds: [f64; PASSES.len()],
    last: Instant,
}

impl Clock for Laps {
    fn lap(&mut self, pass: &'static str) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let i = PASSES.iter().position(|p| *p == pass).expect("a pass");
        self.seconds[i] += (now - self.last).as_secs_f64();
        self.last = now;
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let untimed = args.iter().any(|a| a == "--untimed");
    let args: Vec<&String> = args.iter().filter(|a| *a != "--untimed").collect();
    let path = args
        .get(1)
        .map_or("scenarios/baseline.toml", |s| s.as_str());
    let reps: u32 = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(8);
    let scenario = load_scenario(Path::new(path), &[]).expect("a valid scenario");
    let mut laps = Laps {
        enabled: !untimed,
        seconds: [0.0; PASSES.len()],
        last: Instant::now(),
    };
    let mut offender_weeks = 0u64;
    let started = Instant::now();
    for rep in 0..reps {
        let mut world = World::new(&scenario, rep);
        let mut recorder = Recorder::new(&scenario);
        for _ in 0..scenario.simulation.weeks {
            offender_weeks += world.case_count() as u64;
            if !untimed {
                laps.last = Instant::now();
            }
            world.step_timed(&mut recorder, &mut laps);
        }
    }
    let total = if untimed {
        started.elapsed().as_secs_f64()
    } else {
        laps.seconds.iter().sum()
    };
    let per_week = |s: f64| s * 1e9 / offender_weeks as f64;
    if !untimed {
        for (name, s) in PASSES.iter().zip(laps.seconds) {
            println!(
                "{name:<24} {:6.1} ns per offender-week {:5.1}%",
                per_week(s),
                100.0 * s / total
            );
        }
    }
    println!("{:<24} {:6.1} ns per offender-week", "all", per_week(total));
    println!(
        "{reps} replications, {offender_weeks} offender-weeks, {total:.2} s in the weekly step, \
         {:.2e} offender-weeks/s",
        offender_weeks as f64 / total
    );
}
