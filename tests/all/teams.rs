//! Teams (DOMICE 2011a: the `team` approach, and `hybrid`, where one member "drives the
//! plan"): what a team brings (its members' expertise on the needs of their disciplines, a
//! plan agreed at the case conference, cover for an absent lead) and what it costs
//! (coordination hours, a relationship spread over several people). Each mechanism is
//! switched on against a paired arm on common random numbers.

use crate::common::{metric, paired_difference, replicate, small_scenario};
use casesim::Scenario;
use casesim::World;
use casesim::engine::{Observer, StepCounts};
use casesim::model::offender::{Need, Offender};
use casesim::model::organisation::discipline;
use casesim::model::workforce::{CaseManager, StaffStatus};
use casesim::scenario::Approach;

/// Asserts that `a - b`, paired by replication, is above zero with 95% confidence, and prints
/// the difference (`--nocapture`).
fn assert_higher(a: &[f64], b: &[f64], what: &str) {
    let (d, lo, hi) = paired_difference(a, b);
    eprintln!("{what}: {d:.4} ({lo:.4} to {hi:.4})");
    assert!(lo > 0.0, "{what}: difference {d:.4}, CI low {lo:.4}");
}

/// Asserts that `a - b`, paired by replication, is below zero with 95% confidence, and prints
/// the difference.
fn assert_lower(a: &[f64], b: &[f64], what: &str) {
    let (d, lo, hi) = paired_difference(a, b);
    eprintln!("{what}: {d:.4} ({lo:.4} to {hi:.4})");
    assert!(hi < 0.0, "{what}: difference {d:.4}, CI high {hi:.4}");
}

/// A small unit with hours to spare, under `approach`, so that what a team asks for is what it
/// spends.
fn unhurried(approach: Approach) -> Scenario {
    let mut s = small_scenario();
    s.workforce.hours_per_week = 60.0;
    s.organisation.approach = approach;
    s
}

/// One value per replication from a world run `weeks` weeks and read by `read`.
fn per_world(s: &Scenario, weeks: u32, read: impl Fn(&World) -> f64) -> Vec<f64> {
    (0..s.simulation.replications)
        .map(|r| {
            let mut world = World::new(s, r);
            for _ in 0..weeks {
                world.step(&mut ());
            }
            read(&world)
        })
        .collect()
}

/// The supervised cases that have a team.
fn team_cases<'w>(world: &'w World) -> impl Iterator<Item = &'w Offender> {
    world
        .cases()
        .filter(|o| o.journey.stage.is_supervised() && o.team.members.iter().any(|m| m.is_some()))
}

/// Mean severity, over the supervised team cases, of the needs a member's discipline covers.
fn severity_of_matched_needs(world: &World) -> f64 {
    let (mut sum, mut n) = (0.0, 0.0);
    for o in team_cases(world) {
        for need in o.team.members.iter().filter_map(|&m| discipline(m)) {
            sum += f64::from(o.needs.severity(need));
            n += 1.0;
        }
    }
    sum / n
}

/// Share of the needs present in supervised team cases that a member's discipline covers.
fn expertise_coverage(world: &World) -> f64 {
    let (mut covered, mut present) = (0.0, 0.0);
    for o in team_cases(world) {
        for need in Need::ALL.into_iter().filter(|&n| o.needs.severity(n) > 0) {
            present += 1.0;
            if o.team.members.iter().any(|&m| discipline(m) == Some(need)) {
                covered += 1.0;
            }
        }
    }
    covered / present
}

#[test]
fn a_members_expertise_lowers_the_needs_of_their_own_discipline() {
    let mut generalist = unhurried(Approach::Hybrid);
    generalist.team.member_expertise_effect = 1.0;
    let mut expert = generalist.clone();
    expert.team.member_expertise_effect = 3.0;
    assert_lower(
        &per_world(&expert, 200, severity_of_matched_needs),
        &per_world(&generalist, 200, severity_of_matched_needs),
        "severity of the needs the members cover, expertise 3 vs 1",
    );
}

#[test]
fn a_plan_agreed_at_the_conference_raises_take_up_of_services() {
    let mut without = unhurried(Approach::Hybrid);
    without.services.capacity_scale = 5.0;
    without.team.plan_referral_effect = 1.0;
    without.team.plan_uptake_effect = 0.0;
    without.team.plan_sequencing = false;
    let mut with = without.clone();
    with.team.plan_referral_effect = 2.0;
    with.team.plan_uptake_effect = 1.0;
    with.team.plan_sequencing = true;
    assert_higher(
        &metric(&replicate(&with), "service_starts_per_week"),
        &metric(&replicate(&without), "service_starts_per_week"),
        "places taken up, conferences with vs without the plan's effect",
    );
}

/// Counts, over the weeks, the contacts due in supervised team cases whose lead was away while
/// a member was present, and those of them offered. Absences start and end after the week's
/// work (at the staff events), so the posts' status during a week's work is the one at the end
/// of the week before.
#[derive(Default)]
struct AbsentLeads {
    week: i32,
    status: Vec<StaffStatus>,
    due: u64,
    offered: u64,
}

impl Observer for AbsentLeads {
    fn open_week(&mut self, week: i32, _: &StepCounts) {
        self.week = week;
    }
    fn count_case(&mut self, o: &Offender, _: &[CaseManager]) {
        // After the first year: the members' assessments of the initial caseload, all due at
        // the start, take every hour for some weeks.
        if self.week < 52 {
            return;
        }
        let status = |m: usize| self.status.get(m).copied();
        let Some(lead) = o.supervision.manager.index() else {
            return;
        };
        let member_present = o
            .team
            .members
            .iter()
            .filter_map(|m| m.index())
            .any(|m| status(m) == Some(StaffStatus::Present));
        if o.journey.stage.is_supervised()
            && o.events.contact_due
            && status(lead) == Some(StaffStatus::Absent)
            && member_present
        {
            self.due += 1;
            self.offered += u64::from(o.events.contact_offered);
        }
    }
    fn close_week(&mut self, managers: &[CaseManager]) {
        self.status = managers.iter().map(|m| m.status).collect();
    }
}

#[test]
fn a_member_present_makes_an_absent_leads_contacts() {
    for approach in [Approach::Team, Approach::Hybrid] {
        // Hours enough for every contact, so that any contact lost is lost to the absence.
        let mut s = unhurried(approach);
        s.workforce.hours_per_week = 150.0;
        s.workforce.absence_rate = 0.2;
        let mut world = World::new(&s, 0);
        let mut seen = AbsentLeads::default();
        for _ in 0..150 {
            world.step(&mut seen);
        }
        assert!(seen.due > 100, "{approach:?}: {} contacts due", seen.due);
        // Every one, but for at most one in a thousand (1 of 9,208 under `team`): the observer
        // reads the posts' status as of the end of the week before, and does not see a post
        // that changed hands in between (a leaver's, taken off the team).
        eprintln!(
            "{approach:?}: {} of {} contacts of absent leads offered",
            seen.offered, seen.due
        );
        assert!(
            seen.due - seen.offered <= seen.due / 1_000,
            "{approach:?}: {} of {} contacts of absent leads offered",
            seen.offered,
            seen.due
        );
    }
}

#[test]
fn a_bigger_team_covers_more_needs_and_costs_more_coordination_hours() {
    let sized = |size: u32| {
        let mut s = unhurried(Approach::Hybrid);
        s.team.size = size;
        s
    };
    // Same workforce and population: staff hours per case-week differ by the coordination
    // (each member's assessment and conferences).
    let hours = |s: &Scenario| {
        let results = replicate(s);
        let (hours, caseload) = (
            metric(&results, "staff_hours"),
            metric(&results, "mean_caseload"),
        );
        hours
            .iter()
            .zip(&caseload)
            .map(|(h, c)| h / c)
            .collect::<Vec<_>>()
    };
    let sizes = [sized(2), sized(3), sized(4)];
    let hours: Vec<_> = sizes.iter().map(hours).collect();
    let coverage: Vec<_> = sizes
        .iter()
        .map(|s| per_world(s, 150, expertise_coverage))
        .collect();
    for k in 0..2 {
        let what = format!("size {} vs {}", k + 3, k + 2);
        assert_higher(&hours[k + 1], &hours[k], &format!("hours per case, {what}"));
        assert_higher(
            &coverage[k + 1],
            &coverage[k],
            &format!("needs covered, {what}"),
        );
    }
}

#[test]
fn the_member_who_drives_the_plan_holds_the_relationship() {
    let (team, hybrid) = (unhurried(Approach::Team), unhurried(Approach::Hybrid));
    let (t, h) = (replicate(&team), replicate(&hybrid));
    assert_higher(
        &metric(&h, "mean_relationship"),
        &metric(&t, "mean_relationship"),
        "relationship, hybrid vs team",
    );
}
