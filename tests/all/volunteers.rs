//! Grades and volunteers (issue 23, item 5): volunteers hold only the tiers the scenario allows
//! and take qualified staff's hours to oversee; each setting moves what it acts on, paired on
//! common random numbers.

use crate::common::{
    assert_higher, assert_lower, metric, per_replication, replicate, small_scenario,
};
use casesim::Scenario;
use casesim::experiment::simulate_with;
use casesim::model::offender::RiskTier;

fn with_volunteers() -> Scenario {
    let mut s = small_scenario();
    s.workforce.volunteers = 30;
    s
}

#[test]
fn volunteers_hold_only_the_tiers_the_scenario_allows() {
    let mut s = with_volunteers();
    s.workforce.volunteer_highest_tier = RiskTier::Medium;
    s.simulation.replications = 1;
    let mut medium_on_volunteers = 0;
    simulate_with(&s, 0, |world| {
        // The invariants include the tiers and stages volunteers may hold.
        world.check_invariants().unwrap();
        medium_on_volunteers += world
            .cases()
            .filter(|o| o.risk == RiskTier::Medium)
            .filter_map(|o| o.supervision.manager.index())
            .filter(|&m| !world.managers()[m].is_staff())
            .count();
    });
    assert!(
        medium_on_volunteers > 0,
        "volunteers held no medium-risk case"
    );
    // Allowed medium-risk cases, volunteers give medium-risk orders more contact.
    let mut low_only = with_volunteers();
    low_only.workforce.volunteer_highest_tier = RiskTier::Low;
    let mut medium = low_only.clone();
    medium.workforce.volunteer_highest_tier = RiskTier::Medium;
    let held = |s: &Scenario| {
        per_replication(&replicate(s), |r| {
            Some(
                r.weeks
                    .iter()
                    .map(|w| f64::from(w.cases.held_by_volunteers))
                    .sum(),
            )
        })
    };
    assert_higher(
        &held(&medium),
        &held(&low_only),
        "cases held by volunteers, up to medium vs low",
    );
}

#[test]
fn overseeing_volunteers_takes_qualified_staff_hours() {
    let mut none = with_volunteers();
    none.workforce.volunteer_oversight_hours = 0.0;
    let mut oversight = none.clone();
    oversight.workforce.volunteer_oversight_hours = 3.0;
    let (n, o) = (replicate(&none), replicate(&oversight));
    // The hours go on oversight, so fewer contacts are delivered by the staff.
    assert_lower(
        &metric(&o, "contact_delivery_rate"),
        &metric(&n, "contact_delivery_rate"),
        "contact delivery, 3 hours of oversight a volunteer vs none",
    );
    // Without volunteers the oversight hours change nothing.
    let mut plain = small_scenario();
    plain.simulation.replications = 2;
    let mut plain_oversight = plain.clone();
    plain_oversight.workforce.volunteer_oversight_hours = 3.0;
    assert_eq!(
        metric(&replicate(&plain), "contact_delivery_rate"),
        metric(&replicate(&plain_oversight), "contact_delivery_rate")
    );
}
