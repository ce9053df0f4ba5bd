//! Type specialisation as a mechanism (issue 23, item 3): specialists trained in their type
//! achieve more with its cases, specialists have a caseload cap of their own, and specialist
//! posts are re-divided between types as demand moves. Each is switched on against a paired
//! arm on common random numbers; under generic streaming none changes anything.

use crate::common::{assert_higher, assert_lower, metric, replicate, small_scenario};
use casesim::Scenario;
use casesim::experiment::simulate_with;
use casesim::model::journey::Stage;
use casesim::scenario::Streaming;

fn need_streamed() -> Scenario {
    let mut s = small_scenario();
    s.organisation.streaming = Streaming::Need;
    s
}

#[test]
fn re_dividing_specialist_posts_lets_fewer_cases_wait_for_a_case_manager() {
    let mut once = need_streamed();
    once.organisation.redivision_interval_weeks = 0;
    let mut quarterly = once.clone();
    quarterly.organisation.redivision_interval_weeks = 13;
    let (o, q) = (replicate(&once), replicate(&quarterly));
    assert_lower(
        &metric(&q, "unallocated_cases"),
        &metric(&o, "unallocated_cases"),
        "cases waiting for a case manager, posts re-divided quarterly vs once",
    );
    assert_lower(
        &metric(&q, "mean_weeks_unallocated"),
        &metric(&o, "mean_weeks_unallocated"),
        "weeks a case waits unallocated, re-divided quarterly vs once",
    );
    let moved: u32 = q
        .iter()
        .flat_map(|r| &r.weeks)
        .map(|w| w.steps.posts_redivided)
        .sum();
    assert!(moved > 0, "no post was ever moved");
    let never: u32 = o
        .iter()
        .flat_map(|r| &r.weeks)
        .map(|w| w.steps.posts_redivided)
        .sum();
    assert_eq!(never, 0, "posts moved with re-division off");
}

#[test]
fn trained_specialists_meet_more_needs_than_untrained_ones() {
    let mut untrained = need_streamed();
    untrained.practice.specialist_trained_share = 0.0;
    let mut trained = untrained.clone();
    trained.practice.specialist_trained_share = 1.0;
    assert_higher(
        &metric(&replicate(&trained), "needs_met_rate"),
        &metric(&replicate(&untrained), "needs_met_rate"),
        "needs met, specialists trained in their type vs none",
    );
}

#[test]
fn a_lower_specialist_cap_gives_specialists_fewer_cases_each() {
    let mut same = need_streamed();
    same.workforce.specialist_caseload_cap = 0;
    let mut lower = same.clone();
    lower.workforce.specialist_caseload_cap = 35;
    let (s, l) = (replicate(&same), replicate(&lower));
    assert_lower(
        &metric(&l, "mean_caseload"),
        &metric(&s, "mean_caseload"),
        "mean caseload, specialist cap 35 vs the general 50",
    );
    // Fewer places for the same cases: more wait.
    assert_higher(
        &metric(&l, "unallocated_cases"),
        &metric(&s, "unallocated_cases"),
        "cases waiting, specialist cap 35 vs 50",
    );
}

/// Under generic streaming nobody specialises: the specialist settings change nothing.
#[test]
fn specialist_settings_change_nothing_without_type_streaming() {
    let mut base = small_scenario();
    base.simulation.replications = 2;
    let mut changed = base.clone();
    changed.organisation.redivision_interval_weeks = 4;
    changed.organisation.specialist_effect = 2.0;
    changed.workforce.specialist_caseload_cap = 10;
    changed.practice.specialist_trained_share = 0.0;
    let (b, c) = (replicate(&base), replicate(&changed));
    for m in [
        "reoffending_rate",
        "needs_met_rate",
        "mean_caseload",
        "unallocated_cases",
    ] {
        assert_eq!(metric(&b, m), metric(&c, m), "{m}");
    }
}

/// A post moved to another type keeps the cases it holds (they were allocated with its former
/// type), and the world's invariants hold through the re-divisions.
#[test]
fn a_post_moved_to_another_type_keeps_its_cases() {
    let mut s = need_streamed();
    s.organisation.redivision_interval_weeks = 4;
    let (mut kept, mut held) = (0, 0);
    simulate_with(&s, 0, |world| {
        world.check_invariants().unwrap();
        for o in world.cases().filter(|o| o.journey.stage == Stage::Order) {
            if let Some(m) = o.supervision.manager.index() {
                held += 1;
                kept += usize::from(world.managers()[m].specialism != o.supervision.allocated_type);
            }
        }
    });
    assert!(held > 10_000, "{held}");
    assert!(kept > 0, "no post was moved with cases");
}
