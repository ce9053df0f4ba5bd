//! The model's mechanisms move outcomes the right way, and switched off change nothing.
//! Arms share seeds, so the same people arrive in both (common random numbers), and each
//! assertion is on a paired difference whose 95% CI must exclude zero. Each arm runs once.

use crate::common::{
    assert_higher, assert_lower, metric, per_replication, replicate, small_scenario,
};
use casesim::scenario::Prioritisation;
use casesim::simulate;

#[test]
fn a_lower_caseload_cap_with_enough_staff_gives_more_contact_and_less_reoffending() {
    // About 1,000 orders. Low caps: 60 posts capped at 25 (about 17 cases each, hours to
    // spare). High caps: 20 posts capped at 60 (about 50 cases each, more demand than hours).
    // Neither arm leaves cases unallocated, so only the caseload differs.
    let mut low = small_scenario();
    low.simulation.replications = 16;
    low.workforce.case_managers = 60;
    low.workforce.caseload_cap = 25;
    let mut high = low.clone();
    high.workforce.case_managers = 22;
    high.workforce.caseload_cap = 60;

    let (low, high) = (replicate(&low), replicate(&high));

    assert_higher(
        &metric(&low, "contacts_per_case_week"),
        &metric(&high, "contacts_per_case_week"),
        "contacts per case-week, low cap minus high cap",
    );
    assert_lower(
        &metric(&low, "reoffending_rate"),
        &metric(&high, "reoffending_rate"),
        "reoffending, low cap minus high cap",
    );
    for arm in [&low, &high] {
        let unallocated = metric(arm, "unallocated_cases");
        let mean = unallocated.iter().sum::<f64>() / unallocated.len() as f64;
        // Only the leavers' cases awaiting next week's reallocation.
        assert!(mean < 10.0, "unallocated {mean}");
    }
}

#[test]
fn with_no_case_managers_every_case_waits_unallocated() {
    let mut s = small_scenario();
    s.workforce.case_managers = 0;
    s.simulation.replications = 2;
    for r in 0..2 {
        let result = simulate(&s, r);
        for w in &result.weeks {
            assert_eq!(w.cases.allocated, 0, "week {}", w.week);
            assert_eq!(
                w.cases.unallocated,
                w.cases.active_orders + w.cases.pre_sentence,
                "week {}: orders and reports both wait",
                w.week
            );
            assert_eq!(w.cases.contacts_delivered, 0);
            // Nobody supervises, so the office checks on people unseen for weeks and
            // enforces: every warning, breach and check is the office's.
            let e = &w.steps.enforcement;
            assert_eq!(e.office_actions, e.warnings + e.breaches, "week {}", w.week);
            assert_eq!(e.office_checks, e.checks, "week {}", w.week);
            assert_eq!(e.sanctions, 0, "nobody to run a sanction");
        }
        let m = result.metrics;
        assert_eq!(m.contacts_per_case_week, Some(0.0));
        // Breach changes form rather than vanishing: failures to keep in touch.
        assert!(m.breach_rate.unwrap() > 0.0);
        let checks: u32 = result
            .weeks
            .iter()
            .map(|w| w.steps.enforcement.checks)
            .sum();
        assert!(checks > 0);
        assert_eq!(
            m.mean_caseload, None,
            "no case managers: undefined, not zero"
        );
        assert!(m.unallocated_cases.unwrap() > 500.0);
    }
}

#[test]
fn invariants_hold_every_week() {
    // Tight caps, high turnover and absence: the hardest case for the bookkeeping.
    let mut s = small_scenario();
    s.workforce.case_managers = 18;
    s.workforce.caseload_cap = 45;
    s.workforce.turnover_rate = 0.5;
    s.workforce.absence_rate = 0.2;
    for r in 0..3 {
        casesim::experiment::simulate_with(&s, r, |world| {
            if let Err(broken) = world.check_invariants() {
                panic!("week {}: {broken}", world.week() - 1);
            }
        });
    }
}

#[test]
fn without_turnover_there_are_no_handoffs_and_with_it_relationships_weaken() {
    let mut none = small_scenario();
    none.workforce.turnover_rate = 0.0;
    let mut high = none.clone();
    high.workforce.turnover_rate = 0.5;
    let (none, high) = (replicate(&none), replicate(&high));

    let handoffs = metric(&none, "mean_handoffs");
    assert!(handoffs.iter().all(|&h| h == 0.0), "{handoffs:?}");
    assert_lower(
        &metric(&high, "mean_relationship"),
        &metric(&none, "mean_relationship"),
        "relationship, high turnover minus none",
    );
}

#[test]
fn structured_prioritisation_protects_high_risk_contact() {
    // Overloaded: 16 posts for about 1,000 orders.
    let mut discretionary = small_scenario();
    discretionary.workforce.case_managers = 16;
    discretionary.workforce.caseload_cap = 80;
    discretionary.organisation.prioritisation = Prioritisation::Discretionary;
    let mut structured = discretionary.clone();
    structured.organisation.prioritisation = Prioritisation::Structured;
    let (structured, discretionary) = (replicate(&structured), replicate(&discretionary));
    let delivery =
        |results, tier: usize| per_replication(results, |r| r.by_tier[tier].contact_delivery_rate);
    assert_higher(
        &delivery(&structured, 3),
        &delivery(&discretionary, 3),
        "very high risk delivery, structured minus discretionary",
    );
    assert_lower(
        &delivery(&structured, 0),
        &delivery(&discretionary, 0),
        "low risk delivery, structured minus discretionary",
    );
}

#[test]
fn perfect_compliance_means_no_enforcement() {
    let mut s = small_scenario();
    s.simulation.replications = 3;
    s.compliance.base_attendance = 1.0;
    s.compliance.chaotic_needs_effect = 0.0;
    s.compliance.violation_rate_per_week = 0.0;
    for r in replicate(&s) {
        assert_eq!(r.metrics.breach_rate, Some(0.0));
        assert_eq!(r.metrics.attendance_rate, Some(1.0));
        assert!(
            r.weeks
                .iter()
                .all(|w| w.steps.enforcement.warnings == 0 && w.steps.enforcement.breaches == 0)
        );
    }
}

#[test]
fn the_working_relationship_lowers_reoffending_only_through_engagement() {
    // The relationship acts on attendance, on take-up and completion of services, on the
    // motivation a contact builds and on what one-to-one work achieves, never on the hazard
    // itself: with every one of those channels shut, a stronger relationship changes nothing.
    let mut off = small_scenario();
    off.compliance.relationship_effect = 0.0;
    off.services.relationship_effect = 0.0;
    off.engagement.gain_per_contact = 0.0;
    off.needs.work_per_contact = 0.0;
    let mut faster_bonding = off.clone();
    faster_bonding.relationship.growth_per_contact = 0.5;
    assert_eq!(
        metric(&replicate(&off), "reoffending_rate"),
        metric(&replicate(&faster_bonding), "reoffending_rate"),
        "with every channel off, a stronger relationship must change nothing"
    );

    // With the channels open, faster bonding lowers reoffending.
    let on = small_scenario();
    let mut on_faster = on.clone();
    on_faster.relationship.growth_per_contact = 0.5;
    assert_lower(
        &metric(&replicate(&on_faster), "reoffending_rate"),
        &metric(&replicate(&on), "reoffending_rate"),
        "reoffending, faster bonding minus baseline",
    );
}
