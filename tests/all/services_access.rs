//! Access to services as the seeds describe it (DOMICE 2011a, 2011b): open access where other
//! users come first and a provider may refuse, a protocol's reserved places and agreed maximum
//! wait, a statutory duty to assess in time and accept the eligible; and the order a waiting
//! list is served in. Arms share seeds (common random numbers); each assertion is on a paired
//! difference whose 95% CI must exclude zero.

use crate::common::{
    assert_higher, assert_lower, casesim, metric, per_replication, replicate, small_scenario,
    stderr,
};
use casesim::experiment::simulate_with;
use casesim::model::journey::Stage;
use casesim::model::services::ServiceState;
use casesim::scenario::{Access, RiskTier, ServicePriority};
use casesim::{ReplicationResult, Scenario};

/// The small unit with providers' places scaled to its size (as in modes_and_services.rs).
fn unit() -> Scenario {
    let mut s = small_scenario();
    s.simulation.replications = 12;
    s.services.capacity_scale = 0.4;
    s
}

/// Referrals refused (after advocacy), of those made, in the window.
fn refused_share(results: &[ReplicationResult]) -> Vec<f64> {
    per_replication(results, |r| {
        let (refused, made) = r.weeks.iter().fold((0, 0), |(f, m), w| {
            (f + w.steps.work.refusals, m + w.steps.work.referrals)
        });
        (made > 0).then(|| f64::from(refused) / f64::from(made))
    })
}

/// What each replication's waits came to, followed case by case after the warm-up.
#[derive(Default)]
struct Waits {
    /// Weeks from referral to the end of the wait (a place, the case manager's own work or a
    /// lapse), and waits ended, by the case's risk tier.
    weeks_by_tier: [f64; RiskTier::COUNT],
    ended_by_tier: [f64; RiskTier::COUNT],
    /// The same by the severity of the need referred (index: severity).
    weeks_by_severity: [f64; 4],
    ended_by_severity: [f64; 4],
    /// Releases onto licence with a referral in hand, and those with its place held.
    released_referred: f64,
    released_placed: f64,
}

impl Waits {
    fn mean_wait_of_tiers(&self, tiers: std::ops::Range<usize>) -> Option<f64> {
        let weeks: f64 = self.weeks_by_tier[tiers.clone()].iter().sum();
        let ended: f64 = self.ended_by_tier[tiers].iter().sum();
        (ended > 0.0).then(|| weeks / ended)
    }
}

/// Runs every replication, following each case's referral from the week it is first seen
/// waiting to the week it holds a place.
fn follow_waits(s: &Scenario) -> Vec<Waits> {
    let reps: Vec<u32> = (0..s.simulation.replications).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = reps
            .chunks(reps.len().div_ceil(2))
            .map(|chunk| {
                scope.spawn(move || chunk.iter().map(|&r| follow_one(s, r)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a replication runs"))
            .collect()
    })
}

fn follow_one(s: &Scenario, replication: u32) -> Waits {
    let warmup = s.simulation.warmup_weeks as i32;
    let mut waits = Waits::default();
    // By case: the week it was first seen waiting (or none) and the need's severity then.
    let mut seen: Vec<Option<(i32, u8)>> = Vec::new();
    simulate_with(s, replication, |world| {
        let week = world.week();
        for o in world.cases() {
            let id = o.id as usize;
            if seen.len() <= id {
                seen.resize(id + 1, None);
            }
            if let ServiceState::Waiting { need, .. } = o.supervision.service {
                seen[id].get_or_insert((week, o.needs.severity(need)));
            } else if let Some((since, severity)) = seen[id].take()
                && week > warmup
            {
                // The wait ended: a place, the case manager's own work, or a lapse.
                let wait = f64::from(week - since);
                waits.weeks_by_tier[o.risk.index()] += wait;
                waits.ended_by_tier[o.risk.index()] += 1.0;
                waits.weeks_by_severity[usize::from(severity)] += wait;
                waits.ended_by_severity[usize::from(severity)] += 1.0;
            }
            if o.events.released && o.journey.stage == Stage::Licence && week > warmup {
                match o.supervision.service {
                    ServiceState::Waiting { .. } => waits.released_referred += 1.0,
                    ServiceState::Attending { .. } => {
                        waits.released_referred += 1.0;
                        waits.released_placed += 1.0;
                    }
                    _ => {}
                }
            }
        }
    });
    waits
}

fn values(waits: &[Waits], value: impl Fn(&Waits) -> Option<f64>) -> Vec<f64> {
    waits
        .iter()
        .map(|w| value(w).expect("defined in every replication"))
        .collect()
}

#[test]
fn open_access_places_fewer_offenders_the_more_other_users_want_the_places() {
    let mut little = unit();
    little.services.open_share = 0.5;
    let mut much = unit();
    much.services.open_share = 0.15;
    let mut first = unit();
    first.services.open_deprioritisation = 0.0;
    let (little, much, first) = (replicate(&little), replicate(&much), replicate(&first));
    let base = replicate(&unit());
    assert_lower(
        &metric(&much, "service_starts_per_week"),
        &metric(&little, "service_starts_per_week"),
        "services started, more competing demand minus less",
    );
    assert_lower(
        &metric(&base, "service_starts_per_week"),
        &metric(&first, "service_starts_per_week"),
        "services started, passed over for other users minus never passed over",
    );
    assert_higher(
        &metric(&base, "mean_service_wait_weeks"),
        &metric(&first, "mean_service_wait_weeks"),
        "wait, passed over minus never passed over",
    );
}

#[test]
fn a_protocols_agreed_maximum_wait_gives_up_fewer_waits_than_the_protocol_without_it() {
    let mut with = unit();
    with.services.access = Access::Protocol;
    with.services.protocol_share = 0.3;
    with.services.protocol_max_wait_weeks = 3;
    let mut without = with.clone();
    // Escalated only in the week the case manager gives up anyway.
    without.services.protocol_max_wait_weeks = without.services.max_wait_weeks;
    let (with, without) = (replicate(&with), replicate(&without));
    assert_lower(
        &metric(&with, "substitution_rate"),
        &metric(&without, "substitution_rate"),
        "waits given up for the case manager's own work, maximum wait minus none",
    );
    assert_lower(
        &metric(&with, "mean_service_wait_weeks"),
        &metric(&without, "mean_service_wait_weeks"),
        "wait, maximum wait minus none",
    );
}

#[test]
fn a_statutory_duty_accepts_the_eligible_assesses_in_time_and_refuses_the_rest() {
    // Every need eligible: the duty accepts every referral that open access may refuse.
    let open = unit();
    let mut duty = unit();
    duty.services.access = Access::Statutory;
    duty.services.statutory_eligibility = 1;
    let mut strict = duty.clone();
    strict.services.statutory_eligibility = 3;
    let mut slow = duty.clone();
    slow.services.statutory_assessment_weeks = 4;
    let (open, duty, strict, slow) = (
        replicate(&open),
        replicate(&duty),
        replicate(&strict),
        replicate(&slow),
    );
    assert_lower(
        &refused_share(&duty),
        &refused_share(&open),
        "referrals refused, statutory duty minus open access",
    );
    assert_higher(
        &refused_share(&strict),
        &refused_share(&duty),
        "referrals refused, severe needs only eligible minus every need",
    );
    assert_higher(
        &metric(&slow, "mean_service_wait_weeks"),
        &metric(&duty, "mean_service_wait_weeks"),
        "wait, four weeks to assess minus one",
    );
}

#[test]
fn the_risk_priorities_shorten_the_waits_of_the_tiers_they_serve_first() {
    let mut s = unit();
    s.services.capacity_scale = 0.25;
    let mut highest = s.clone();
    highest.services.priority = ServicePriority::HighestRisk;
    let mut lowest = s.clone();
    lowest.services.priority = ServicePriority::LowestRisk;
    let (first, highest, lowest) = (
        follow_waits(&s),
        follow_waits(&highest),
        follow_waits(&lowest),
    );
    let higher = |w: &Waits| w.mean_wait_of_tiers(2..RiskTier::COUNT);
    let low = |w: &Waits| w.mean_wait_of_tiers(0..1);
    assert_lower(
        &values(&highest, higher),
        &values(&first, higher),
        "high and very high risk cases' wait, highest risk first minus first come",
    );
    assert_higher(
        &values(&lowest, higher),
        &values(&first, higher),
        "high and very high risk cases' wait, lowest risk first minus first come",
    );
    assert_lower(
        &values(&lowest, low),
        &values(&first, low),
        "low risk cases' wait, lowest risk first minus first come",
    );
}

#[test]
fn most_severe_need_first_shortens_the_waits_of_the_most_severe_needs() {
    let mut s = unit();
    s.services.capacity_scale = 0.25;
    let mut severe = s.clone();
    severe.services.priority = ServicePriority::MostSevereNeed;
    let (first, severe) = (follow_waits(&s), follow_waits(&severe));
    let wait = |w: &Waits| {
        (w.ended_by_severity[3] > 0.0).then(|| w.weeks_by_severity[3] / w.ended_by_severity[3])
    };
    assert_lower(
        &values(&severe, wait),
        &values(&first, wait),
        "severe needs' wait, most severe first minus first come",
    );
}

#[test]
fn nearest_release_has_more_places_held_for_release() {
    let mut s = unit();
    s.simulation.weeks = 208;
    let share = &mut s.sentencing.custody_share;
    (share.low, share.medium, share.high, share.very_high) = (0.2, 0.35, 0.5, 0.6);
    s.workforce.case_managers = 30;
    let mut release = s.clone();
    release.services.priority = ServicePriority::NearestRelease;
    let (first, release) = (follow_waits(&s), follow_waits(&release));
    let placed =
        |w: &Waits| (w.released_referred > 0.0).then(|| w.released_placed / w.released_referred);
    assert_higher(
        &values(&release, placed),
        &values(&first, placed),
        "releases with the referred place held, nearest release first minus first come",
    );
}

#[test]
fn a_bad_value_of_each_access_key_exits_2_naming_it() {
    for (set, key) in [
        ("services.priority=soonest", "services.priority"),
        (
            "services.open_deprioritisation=1.5",
            "services.open_deprioritisation",
        ),
        (
            "services.protocol_max_wait_weeks=0",
            "services.protocol_max_wait_weeks",
        ),
        (
            "services.statutory_assessment_weeks=-1",
            "services.statutory_assessment_weeks",
        ),
        (
            "services.statutory_eligibility=4",
            "services.statutory_eligibility",
        ),
    ] {
        let o = casesim(&["check", "scenarios/baseline.toml", "--set", set], None);
        assert_eq!(o.status.code(), Some(2), "{set}: {}", stderr(&o));
        assert!(stderr(&o).contains(key), "{set}: {}", stderr(&o));
    }
    // Relations: an escalation or an assessment due after the wait is given up.
    for (sets, key) in [
        (
            [
                "services.access=protocol",
                "services.protocol_max_wait_weeks=13",
            ],
            "services.protocol_max_wait_weeks",
        ),
        (
            [
                "services.access=statutory",
                "services.statutory_assessment_weeks=13",
            ],
            "services.statutory_assessment_weeks",
        ),
    ] {
        let o = casesim(
            &[
                "check",
                "scenarios/baseline.toml",
                "--set",
                sets[0],
                "--set",
                sets[1],
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(2), "{sets:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(key), "{sets:?}: {}", stderr(&o));
    }
}
