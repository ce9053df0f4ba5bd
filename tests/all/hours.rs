//! The week's hours flow to the work (issue 23, items 1 and 4): hours the shares leave unused
//! go to the work cut, under the prioritisation rule; absent case managers' contacts are
//! covered from any hours left in their cover group, and failing those from a duty rota.

use crate::common::{metric, paired_difference, per_replication, replicate, small_scenario};
use casesim::engine::World;
use casesim::scenario::{Prioritisation, UnusedHours};
use casesim::{ReplicationResult, Scenario};

/// Asserts that `a - b`, paired by replication, is above zero with 95% confidence, and prints
/// the difference (for the record of what the flow changes).
fn assert_higher(a: &[f64], b: &[f64], what: &str) {
    let (d, lo, hi) = paired_difference(a, b);
    eprintln!("hours: {what}: difference {d:.4} (95% CI {lo:.4} to {hi:.4})");
    assert!(lo > 0.0, "{what}: difference {d:.4}, CI low {lo:.4}");
}

/// A unit where assessment and planning take most of the hours (every new order asks for 24).
fn heavy_assessment() -> Scenario {
    let mut s = small_scenario();
    s.supervision.assessment_hours = 16.0;
    s.supervision.planning_hours = 8.0;
    s
}

/// Contacts made by cover over the replication, one value per replication.
fn covered(results: &[ReplicationResult]) -> Vec<f64> {
    per_replication(results, |r| {
        Some(
            r.weeks
                .iter()
                .map(|w| f64::from(w.cases.contacts_covered))
                .sum(),
        )
    })
}

/// Runs `weeks` of replication 0 checking the invariants every week; returns the due contacts
/// left undone while hours for them sat idle, summed over the weeks.
fn idle_contacts(s: &Scenario, weeks: u32) -> u32 {
    let mut world = World::new(s, 0);
    world.watch_idle_hours();
    let mut idle = 0;
    for _ in 0..weeks {
        world.step(&mut ());
        if let Err(broken) = world.check_invariants() {
            panic!("week {}: {broken}", world.week());
        }
        idle += world.idle_while_due();
    }
    idle
}

#[test]
fn no_case_manager_exceeds_their_hours_or_keeps_hours_idle_while_a_contact_is_due() {
    for rule in [Prioritisation::Structured, Prioritisation::Discretionary] {
        // Heavy assessment, absence, cover groups and a duty rota: every path of the flow.
        let mut s = heavy_assessment();
        s.organisation.prioritisation = rule;
        s.organisation.cover_group_size = 4;
        s.workforce.absence_rate = 0.15;
        s.workforce.duty_hours_per_week = 20.0;
        assert_eq!(idle_contacts(&s, 80), 0, "{rule:?}");
        // Overloaded, and with hours to spare.
        for hours in [14.0, 45.0] {
            let mut t = s.clone();
            t.workforce.hours_per_week = hours;
            assert_eq!(idle_contacts(&t, 60), 0, "{rule:?}, {hours} hours");
        }
    }
    // With the shares fixed, hours do sit idle while contacts go undone: the check measures.
    let mut fixed = heavy_assessment();
    fixed.organisation.unused_hours = UnusedHours::Idle;
    assert!(idle_contacts(&fixed, 80) > 0);
}

#[test]
fn with_heavy_assessment_passing_unused_hours_on_delivers_more_contacts() {
    let passed_on = heavy_assessment();
    let mut idle = heavy_assessment();
    idle.organisation.unused_hours = UnusedHours::Idle;
    let (p, i) = (replicate(&passed_on), replicate(&idle));
    assert_higher(
        &metric(&p, "contact_delivery_rate"),
        &metric(&i, "contact_delivery_rate"),
        "contact delivery, unused hours passed on vs idle",
    );
    let used = |r: &[ReplicationResult]| {
        per_replication(r, |r| {
            let (used, available) = r.weeks.iter().fold((0.0, 0.0), |(u, a), w| {
                (u + w.staff.hours_delivered, a + w.staff.hours_available)
            });
            Some(used / available)
        })
    };
    assert_higher(&used(&p), &used(&i), "share of hours used");
}

/// A unit with hours to spare and frequent absence.
fn absent_often(cover_group: u32) -> Scenario {
    let mut s = small_scenario();
    s.workforce.hours_per_week = 40.0;
    s.workforce.absence_rate = 0.2;
    s.organisation.cover_group_size = cover_group;
    s
}

#[test]
fn a_cover_group_with_spare_hours_makes_absent_colleagues_contacts() {
    let (alone, grouped) = (replicate(&absent_often(1)), replicate(&absent_often(4)));
    assert!(covered(&alone).iter().all(|&c| c == 0.0));
    assert_higher(&covered(&grouped), &covered(&alone), "contacts covered");
    assert_higher(
        &metric(&grouped, "contact_delivery_rate"),
        &metric(&alone, "contact_delivery_rate"),
        "contact delivery, cover groups of 4 vs none",
    );
}

#[test]
fn a_duty_rota_with_hours_covers_absent_case_managers_contacts() {
    let none = absent_often(1);
    let mut duty = none.clone();
    duty.workforce.duty_hours_per_week = 40.0;
    let (n, d) = (replicate(&none), replicate(&duty));
    assert_higher(
        &covered(&d),
        &covered(&n),
        "contacts covered, duty rota vs none",
    );
    assert_higher(
        &metric(&d, "contact_delivery_rate"),
        &metric(&n, "contact_delivery_rate"),
        "contact delivery, duty rota vs none",
    );
}

#[test]
fn with_nobody_absent_a_duty_rota_changes_nothing() {
    let mut present = absent_often(4);
    present.simulation.replications = 2;
    present.workforce.absence_rate = 0.0;
    let mut with_duty = present.clone();
    with_duty.workforce.duty_hours_per_week = 40.0;
    let (a, b) = (replicate(&present), replicate(&with_duty));
    assert!(covered(&a).iter().all(|&c| c == 0.0));
    // The same weeks in everything but the rota's pay (`duty_cost`, paid whether used or not).
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.weeks.len(), y.weeks.len());
        for (u, v) in x.weeks.iter().zip(&y.weeks) {
            assert!(
                u.steps == v.steps && u.cases == v.cases && u.staff == v.staff,
                "week {} differs",
                u.week
            );
            assert_eq!(u.costs.duty, 0.0);
            assert!((v.costs.duty - 40.0 * present.costs.staff_hour).abs() < 1e-9);
            assert!((v.cost - u.cost - v.costs.duty).abs() < 1e-6);
        }
    }
    for name in ["completion_rate", "breach_rate", "contact_delivery_rate"] {
        assert_eq!(metric(&a, name), metric(&b, name), "{name}");
    }
}
