//! No heap allocation per agent per week: in steady state the weekly step allocates only when
//! a vector grows (rarely), however many cases and case managers there are. A counting allocator wraps the system's
//! for this test binary only.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use casesim::World;
use casesim::scenario::Scenario;

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations in 50 weeks of steady state, for a unit `scale` times the small one, with
/// prisoners, teams and services at work.
fn allocations_in_steady_state(scale: u32) -> (u64, usize) {
    let mut s = Scenario::default();
    s.simulation.weeks = 400;
    s.simulation.warmup_weeks = 100;
    s.population.initial_cases = 1_000 * scale;
    s.population.inflow_per_week = 20.0 * f64::from(scale);
    s.population.patches = 3 * scale as u16;
    s.workforce.case_managers = 24 * scale;
    s.services.capacity_scale = 0.4 * f64::from(scale);
    s.sentencing.custody_share.high = 0.4;
    s.sentencing.custody_share.very_high = 0.6;
    s.organisation.approach = casesim::scenario::Approach::Hybrid;
    let mut world = World::new(&s, 0);
    for _ in 0..150 {
        world.step();
    }
    let cases = world.case_count();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..50 {
        world.step();
    }
    (ALLOCATIONS.load(Ordering::Relaxed) - before, cases)
}

#[test]
fn the_weekly_step_allocates_nothing_per_case() {
    let (small, small_cases) = allocations_in_steady_state(1);
    let (large, large_cases) = allocations_in_steady_state(10);
    eprintln!(
        "allocations in 50 weeks: {small} with {small_cases} cases, {large} with {large_cases}"
    );
    assert!(large_cases > 8 * small_cases);
    // A few in 50 weeks (a vector growing now and then), and no more with ten times the cases:
    // nothing per case or per case manager.
    assert!(
        large <= 10,
        "{large} allocations in 50 weeks of {large_cases} cases"
    );
    assert!(
        large <= small + 2,
        "allocations grow with cases: {small} then {large}"
    );
}
