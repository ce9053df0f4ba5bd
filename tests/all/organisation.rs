//! Organisation models (seeds 001 and 002): streaming, grades and volunteers, cover groups,
//! prioritisation. Each mechanism is switched on against a paired arm on common random
//! numbers and must move its outcome the right way; each switched off must change nothing.

use crate::common::{
    assert_higher, assert_lower, metric, per_replication, replicate, small_scenario,
};
use casesim::Scenario;
use casesim::experiment::simulate_with;
use casesim::scenario::{Prioritisation, Streaming};

#[test]
fn task_streaming_hands_cases_over_at_sentence_and_generic_does_not() {
    let generic = small_scenario();
    let mut task = small_scenario();
    task.organisation.streaming = Streaming::Task;
    let (g, t) = (replicate(&generic), replicate(&task));
    assert_higher(
        &metric(&t, "mean_handoffs"),
        &metric(&g, "mean_handoffs"),
        "handoffs per order, task vs generic",
    );
    assert!(
        metric(&g, "handoffs_stage_change")
            .iter()
            .all(|&h| h == 0.0)
    );
    // About every case with a report changes hands at sentence (half of them by default).
    let at_sentence = metric(&t, "handoffs_stage_change");
    let mean = at_sentence.iter().sum::<f64>() / at_sentence.len() as f64;
    assert!((0.4..0.55).contains(&mean), "stage-change handoffs {mean}");
}

#[test]
fn need_streaming_moves_cases_when_their_main_need_changes() {
    let mut need = small_scenario();
    need.organisation.streaming = Streaming::Need;
    let results = replicate(&need);
    let moved = metric(&results, "handoffs_type_change");
    assert!(moved.iter().all(|&h| h > 0.05), "{moved:?}");
    for streaming in [Streaming::Generic, Streaming::Task, Streaming::Risk] {
        let mut s = small_scenario();
        s.organisation.streaming = streaming;
        s.simulation.replications = 2;
        let r = replicate(&s);
        assert!(metric(&r, "handoffs_type_change").iter().all(|&h| h == 0.0));
    }
}

#[test]
fn specialists_meet_more_needs_when_they_are_more_effective() {
    let mut plain = small_scenario();
    plain.organisation.streaming = Streaming::Need;
    plain.organisation.specialist_effect = 1.0;
    let mut better = plain.clone();
    better.organisation.specialist_effect = 1.5;
    assert_higher(
        &metric(&replicate(&better), "needs_met_rate"),
        &metric(&replicate(&plain), "needs_met_rate"),
        "needs met, specialist effect 1.5 vs 1",
    );
    // Under generic streaming nobody is a specialist: the effect changes nothing.
    let generic = small_scenario();
    let mut generic_effect = small_scenario();
    generic_effect.organisation.specialist_effect = 1.5;
    generic_effect.simulation.replications = 2;
    let mut generic_two = generic.clone();
    generic_two.simulation.replications = 2;
    assert_eq!(
        metric(&replicate(&generic_two), "needs_met_rate"),
        metric(&replicate(&generic_effect), "needs_met_rate")
    );
}

#[test]
fn higher_turnover_lowers_the_working_relationship() {
    let mut low = small_scenario();
    low.workforce.turnover_rate = 0.05;
    let mut high = small_scenario();
    high.workforce.turnover_rate = 0.4;
    let (l, h) = (replicate(&low), replicate(&high));
    assert_lower(
        &metric(&h, "mean_relationship"),
        &metric(&l, "mean_relationship"),
        "relationship, turnover 40% vs 5% a year",
    );
    assert_higher(
        &metric(&h, "handoffs_staff_left"),
        &metric(&l, "handoffs_staff_left"),
        "handoffs after a leaver",
    );
}

/// Share of contacts due that were delivered, with and without absence, for a cover-group size.
/// The effect is small (a colleague covers from spare hours only), so 24 replications.
fn delivery_lost_to_absence(group: u32) -> Vec<f64> {
    let mut present = small_scenario();
    present.simulation.replications = 24;
    present.organisation.cover_group_size = group;
    present.workforce.absence_rate = 0.0;
    let mut absent = present.clone();
    absent.workforce.absence_rate = 0.2;
    let (p, a) = (replicate(&present), replicate(&absent));
    metric(&p, "contact_delivery_rate")
        .iter()
        .zip(metric(&a, "contact_delivery_rate"))
        .map(|(x, y)| x - y)
        .collect()
}

#[test]
fn a_cover_group_reduces_the_contacts_lost_to_absence() {
    let alone = delivery_lost_to_absence(1);
    let covered = delivery_lost_to_absence(4);
    assert!(
        alone.iter().all(|&d| d > 0.0),
        "absence costs contacts: {alone:?}"
    );
    assert_lower(
        &covered,
        &alone,
        "contacts lost to absence, cover groups of 4 vs none",
    );
}

#[test]
fn with_no_absence_a_cover_group_changes_nothing() {
    let mut none = small_scenario();
    none.workforce.absence_rate = 0.0;
    none.workforce.turnover_rate = 0.0;
    none.simulation.replications = 2;
    let mut grouped = none.clone();
    grouped.organisation.cover_group_size = 4;
    let (a, b) = (replicate(&none), replicate(&grouped));
    for name in [
        "completion_rate",
        "breach_rate",
        "contact_delivery_rate",
        "mean_relationship",
    ] {
        assert_eq!(metric(&a, name), metric(&b, name), "{name}");
    }
}

/// A unit whose hours fall well short of the demand.
fn overloaded() -> Scenario {
    let mut s = small_scenario();
    s.workforce.hours_per_week = 14.0;
    s
}

fn tier_delivery(results: &[casesim::ReplicationResult], tier: usize) -> Vec<f64> {
    per_replication(results, |r| r.by_tier[tier].contact_delivery_rate)
}

#[test]
fn structured_prioritisation_protects_high_risk_contact_better_than_discretion() {
    let mut structured = overloaded();
    structured.organisation.prioritisation = Prioritisation::Structured;
    let mut discretionary = overloaded();
    discretionary.organisation.prioritisation = Prioritisation::Discretionary;
    let (s, d) = (replicate(&structured), replicate(&discretionary));
    for tier in [2, 3] {
        assert_higher(
            &tier_delivery(&s, tier),
            &tier_delivery(&d, tier),
            &format!("tier {tier} contact delivery, structured vs discretionary"),
        );
    }
    assert_lower(
        &tier_delivery(&s, 0),
        &tier_delivery(&d, 0),
        "low-risk contact delivery, structured vs discretionary",
    );
}

#[test]
fn uneven_discretion_spreads_contact_across_managers_not_in_favour_of_risk() {
    // With no spread every tier is cut alike; with a wide spread the tiers are cut unevenly by
    // each manager, but on average still alike: high-risk delivery gains nothing.
    let mut even = overloaded();
    even.organisation.discretion_spread = 0.0;
    let mut uneven = overloaded();
    uneven.organisation.discretion_spread = 1.5;
    let (e, u) = (replicate(&even), replicate(&uneven));
    for r in &e {
        let rates: Vec<f64> = (0..4)
            .map(|t| r.by_tier[t].contact_delivery_rate.unwrap())
            .collect();
        let spread = rates.iter().cloned().fold(f64::MIN, f64::max)
            - rates.iter().cloned().fold(f64::MAX, f64::min);
        assert!(
            spread < 0.05,
            "even discretion cuts every tier alike: {rates:?}"
        );
    }
    let high_even = tier_delivery(&e, 3);
    let high_uneven = tier_delivery(&u, 3);
    let (me, mu) = (
        high_even.iter().sum::<f64>() / high_even.len() as f64,
        high_uneven.iter().sum::<f64>() / high_uneven.len() as f64,
    );
    assert!(
        (me - mu).abs() < 0.05,
        "very high risk delivery {me:.3} vs {mu:.3}"
    );
}

#[test]
fn volunteers_take_low_risk_cases_and_assistants_never_hold_complex_ones() {
    let mut s = small_scenario();
    s.workforce.volunteers = 40;
    s.workforce.qualified_share = 0.5;
    s.simulation.replications = 2;
    let mut seen_volunteer_cases = 0;
    for r in 0..2 {
        // The invariants include the grade rules; check them every week.
        let result = simulate_with(&s, r, |w| {
            if let Err(broken) = w.check_invariants() {
                panic!("week {}: {broken}", w.week());
            }
        });
        seen_volunteer_cases += result
            .weeks
            .iter()
            .map(|w| w.cases.held_by_volunteers)
            .sum::<u32>();
    }
    assert!(seen_volunteer_cases > 0, "volunteers held no cases");
    // Volunteers add hours: low-risk contact delivery rises.
    let mut without = s.clone();
    without.workforce.volunteers = 0;
    without.simulation.replications = 12;
    let mut with = s.clone();
    with.simulation.replications = 12;
    assert_higher(
        &per_replication(&replicate(&with), |r| r.by_tier[0].contact_delivery_rate),
        &per_replication(&replicate(&without), |r| r.by_tier[0].contact_delivery_rate),
        "low-risk contact delivery with volunteers",
    );
}

/// A unit with hours to spare, so that what a model asks for is what it spends.
fn unhurried() -> Scenario {
    let mut s = small_scenario();
    s.workforce.hours_per_week = 60.0;
    s
}

#[test]
fn a_team_spends_more_staff_hours_per_case_than_an_individual_case_manager() {
    let individual = unhurried();
    let mut team = unhurried();
    team.organisation.approach = casesim::scenario::Approach::Team;
    let (i, t) = (replicate(&individual), replicate(&team));
    let per_case = |results: &[casesim::ReplicationResult]| {
        per_replication(results, |r| {
            Some(r.metrics.staff_hours? / r.metrics.mean_caseload? / 24.0)
        })
    };
    // Same workforce and population, so the same cases: staff hours per case-week differ by
    // what the approach asks for (members' assessments, conferences and their chairs).
    assert_higher(
        &per_case(&t),
        &per_case(&i),
        "staff hours per case, team vs individual",
    );
    assert_eq!(
        metric(&i, "staff_hours").len(),
        metric(&t, "staff_hours").len()
    );
}

#[test]
fn the_member_who_drives_the_plan_keeps_the_relationship_a_rotating_team_spreads() {
    let mut team = small_scenario();
    team.organisation.approach = casesim::scenario::Approach::Team;
    let mut hybrid = small_scenario();
    hybrid.organisation.approach = casesim::scenario::Approach::Hybrid;
    assert_higher(
        &metric(&replicate(&hybrid), "mean_relationship"),
        &metric(&replicate(&team), "mean_relationship"),
        "relationship, hybrid vs team",
    );
}

#[test]
fn members_who_attend_conferences_meet_more_needs() {
    let mut absent = unhurried();
    absent.organisation.approach = casesim::scenario::Approach::Hybrid;
    absent.team.conference_attendance = 0.0;
    let mut present = absent.clone();
    present.team.conference_attendance = 1.0;
    assert_higher(
        &metric(&replicate(&present), "needs_met_rate"),
        &metric(&replicate(&absent), "needs_met_rate"),
        "needs met, full vs no conference attendance",
    );
}
