//! Measures what the resource estimate before a run (`casesim::experiment::resources`) is
//! built on: the heap a replication holds while it runs, per case present; the heap its result
//! keeps once it has finished, per week simulated; and offender-weeks per second on one core.
//!
//! `cargo run --release -p casesim-tools --bin resources`
//!
//! A counting allocator records the live heap and its peak. Each line is one replication of a
//! scaled baseline on one thread: the peak while it ran (over what was live before), the cases
//! present at the end, the bytes its result keeps, and the speed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use casesim::scenario::load_scenario;
use casesim::{World, simulate};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        let live = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let baseline = load_scenario(&path, &[]).expect("the shipped baseline is valid");
    println!(
        "{:>8} {:>9} {:>6} {:>10} {:>12} {:>11} {:>13} {:>12} {:>14}",
        "initial",
        "inflow",
        "weeks",
        "present",
        "peak bytes",
        "per case",
        "result bytes",
        "per week",
        "o-weeks/s"
    );
    for (scale, inflow_scale, weeks) in [
        (1.0, 1.0, 312),
        (1.0, 1.0, 1040),
        (10.0, 10.0, 312),
        (10.0, 0.0, 104),
        (0.0, 10.0, 312),
        (0.0, 40.0, 156),
        (40.0, 40.0, 156),
    ] {
        let mut s = baseline.clone();
        s.simulation.weeks = weeks;
        s.simulation.warmup_weeks = weeks / 3;
        s.population.initial_cases = (f64::from(s.population.initial_cases) * scale) as u32;
        s.population.inflow_per_week *= inflow_scale;
        let grow = scale.max(inflow_scale);
        s.workforce.case_managers = (f64::from(s.workforce.case_managers) * grow) as u32;
        s.services.capacity_scale *= grow;
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let started = Instant::now();
        let result = simulate(&s, 0);
        let seconds = started.elapsed().as_secs_f64();
        let peak = PEAK.load(Ordering::Relaxed) - before;
        let kept = LIVE.load(Ordering::Relaxed) - before + std::mem::size_of_val(&result);
        // The cases present at the end, from a world run again without measuring.
        let mut world = World::new(&s, 0);
        let mut most = 0;
        for _ in 0..weeks {
            world.step(&mut ());
            most = most.max(world.case_count());
        }
        println!(
            "{:>8} {:>9} {:>6} {:>10} {:>12} {:>11.0} {:>13} {:>12.0} {:>14.3e}",
            s.population.initial_cases,
            s.population.inflow_per_week,
            weeks,
            most,
            peak,
            peak as f64 / most.max(1) as f64,
            kept,
            kept as f64 / f64::from(weeks),
            result.offender_weeks as f64 / seconds
        );
        drop(result);
    }
    println!(
        "size_of ReplicationResult: {} bytes",
        std::mem::size_of::<casesim::ReplicationResult>()
    );
}
