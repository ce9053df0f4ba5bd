//! No heap allocation per agent per week: in steady state the weekly step allocates only when
//! a vector grows (rarely), however many cases and case managers there are. A counting
//! allocator wraps the system's for the test binary; it counts only on a thread that asks it
//! to, so the tests running beside this one on other threads are not counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use casesim::World;
use casesim::scenario::Scenario;

struct Counting;

thread_local! {
    /// Allocations on this thread while counting (`None`: not counting). Const-initialised
    /// with no destructor, so reading it never allocates.
    static ALLOCATIONS: Cell<Option<u64>> = const { Cell::new(None) };
}

fn count_one() {
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get().map(|n| n + 1)));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations on this thread while `f` runs.
fn allocations_during(f: impl FnOnce()) -> u64 {
    ALLOCATIONS.with(|n| n.set(Some(0)));
    f();
    ALLOCATIONS.with(|n| n.replace(None)).unwrap_or(0)
}

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
        world.step(&mut ());
    }
    let cases = world.case_count();
    let allocations = allocations_during(|| {
        for _ in 0..50 {
            world.step(&mut ());
        }
    });
    (allocations, cases)
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
