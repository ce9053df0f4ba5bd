//! The weekly step: an ordered list of phases, each a plain function of the world.
//!
//! Later parts of the model (team approaches, modes, services, custody) slot in as phases or
//! inside them; the order below is the model's schedule, documented in docs/ODD.md. No I/O here.

use rand_distr::{Distribution, Poisson};

use crate::metrics::{Metrics, Recorder, StepCounts, Survival, WeekRecord};
use crate::model::compliance::{AttendanceModel, ContactsWeek, contacts_and_compliance};
use crate::model::custody::Sentencer;
use crate::model::enforcement::{EnforcementCounts, enforce};
use crate::model::icm::{ConferenceCounts, case_conference};
use crate::model::journey::{Disposal, Stage, TransitionCounts, stage_transition};
use crate::model::modes::ModeTable;
use crate::model::needs::needs_week;
use crate::model::offender::{Need, Offender, OffenderFactory};
use crate::model::organisation::{
    Establishment, HandoffCause, allocate_if_waiting, discretion_weights, release, release_member,
    transfer_if_misfit,
};
use crate::model::reoffending::{HazardModel, ReoffendingCounts, reoffending_week};
use crate::model::services::{ServiceCounts, ServiceSystem, case_services, fill_places};
use crate::model::workforce::{CaseManager, StaffEvent, StaffEventRates, staff_week};
use crate::model::workload::plan_and_deliver;
use crate::rng::{Stream, StreamRng, replication_stream};
use crate::scenario::{Approach, Scenario};

/// Everything one replication's simulation holds.
pub struct World<'s> {
    pub scenario: &'s Scenario,
    /// The current week (0-based).
    pub week: i32,
    /// Cases on an order or in follow-up, in order of arrival, with the records of cases
    /// closed in earlier weeks (`removed`) until the array is next compacted. See [`World::cases`].
    offenders: Vec<Offender>,
    /// How many records in `offenders` are removed.
    removed: usize,
    pub managers: Vec<CaseManager>,
    pub establishment: Establishment,
    pub services: ServiceSystem,
    /// Each tier's mode settings under the scenario's policy.
    modes: ModeTable,
    factory: OffenderFactory,
    sentencer: Sentencer,
    inflow: Option<Poisson<f64>>,
    arrivals: StreamRng,
    sentencing_rng: StreamRng,
    staff_rng: StreamRng,
    /// Draws each new post-holder's discretion weights.
    discretion_rng: StreamRng,
    attendance: AttendanceModel,
    hazard: HazardModel,
    staff_rates: StaffEventRates,
    /// Which posts' holders left this week (kept to avoid allocating every week).
    left_this_week: Vec<bool>,
    /// Counts the phases report for this week's record.
    this_week: StepCounts,
    pub recorder: Recorder,
}

/// A phase of the weekly step.
pub type Phase = fn(&mut World);

/// The weekly schedule, in order.
pub const PHASES: [(&str, Phase); 6] = [
    ("intake", intake),
    ("allocation_and_workload", allocation_and_workload),
    ("supervision", supervision),
    ("outcomes", outcomes),
    ("staff_events", staff_events),
    ("close_week", close_week),
];

/// New cases: a Poisson number of arrivals drawn from the population, each sentenced to a
/// community order or custody.
fn intake(w: &mut World) {
    let arrivals = match &w.inflow {
        Some(poisson) => poisson.sample(&mut w.arrivals) as u64,
        None => 0,
    };
    for _ in 0..arrivals {
        let mut o = w.factory.draw(&mut w.arrivals, w.week, false);
        w.sentencer.sentence(
            &mut o,
            &mut w.sentencing_rng,
            w.week,
            false,
            &w.scenario.custody,
        );
        w.offenders.push(o);
    }
    w.this_week.new_orders = arrivals as u32;
}

/// Allocation and the workload. Waiting cases, oldest first, are allocated (cases that no
/// longer fit their holder were handed over in the last pass of the week before,
/// [`close_week`]); then each case manager's demand is added up, shared out and delivered. The
/// allocation runs case by case in the same pass as adding up demand (see `plan_and_deliver`).
fn allocation_and_workload(w: &mut World) {
    let (establishment, s, week) = (&w.establishment, w.scenario, w.week);
    let work = plan_and_deliver(
        &mut w.offenders,
        &mut w.managers,
        &w.establishment.cover_groups,
        &w.services,
        &w.modes,
        s,
        week,
        |o, managers| allocate_if_waiting(o, managers, establishment, s, week),
    );
    w.this_week.work = work;
}

/// Supervision, case by case: ICM case conferences for prisoners (after the workload, whose
/// shares decide whether an engaged case manager has the hours to attend; none when nobody is
/// sent to custody), contacts and compliance, needs, and the case's week with services; then
/// free service places go to the waiting list.
///
/// The four steps run one case at a time in a single pass, which reads each case record from
/// memory once instead of four times. The results are those of four separate passes: each step
/// reads and writes only the case itself, except the conferences, which use case managers'
/// hours in the same case order either way, and the waiting list, which is filled after the
/// pass.
fn supervision(w: &mut World) {
    let s = w.scenario;
    // Under the team approach contacts rotate among the members: each kept appointment builds
    // the bond with one of them, so the relationship with the team grows by a member's share.
    let growth_scale = match s.organisation.approach {
        Approach::Team => 1.0 / f64::from(s.team.size),
        Approach::Individual | Approach::Hybrid => 1.0,
    };
    let contacts = ContactsWeek {
        attendance: &w.attendance,
        modes: &w.modes,
        scenario: s,
        growth: s.relationship.growth_per_contact * growth_scale,
        week: w.week,
    };
    let icm = w.sentencer.sends_anyone();
    let mut conferences = ConferenceCounts::default();
    let mut services = ServiceCounts::default();
    w.services.begin_week();
    let present = w.offenders.iter_mut().enumerate();
    for (i, o) in present.filter(|(_, o)| !o.removed) {
        if icm {
            case_conference(o, &mut w.managers, &s.custody, w.week, &mut conferences);
        }
        contacts_and_compliance(o, &contacts);
        needs_week(o, &w.managers, &w.modes, s, w.week);
        case_services(i, o, &mut w.services, &s.services, w.week, &mut services);
    }
    fill_places(
        &mut w.offenders,
        &mut w.services,
        &s.services,
        w.week,
        &mut services,
    );
    w.this_week.conferences = conferences;
    w.this_week.services = services;
}

/// Outcomes, case by case: reoffending (a proven reoffence may revoke an order or recall a
/// licence), enforcement of failures to comply, and stage transitions.
///
/// As in [`supervision`], the three steps run one case at a time in one pass, with the results
/// of three passes: each reads and writes only the case itself, and changes the case managers'
/// caseloads and paperwork only by adding and subtracting, which nothing in the pass reads.
fn outcomes(w: &mut World) {
    let s = w.scenario;
    let week = w.week;
    let mut reoffending = ReoffendingCounts::default();
    let mut enforcement = EnforcementCounts::default();
    let mut transitions = TransitionCounts::default();
    for o in w.offenders.iter_mut().filter(|o| !o.removed) {
        reoffending_week(o, &mut w.managers, &w.hazard, s, week, &mut reoffending);
        enforce(o, &mut w.managers, s, week, &mut enforcement);
        stage_transition(o, &mut w.managers, &w.services, s, week, &mut transitions);
    }
    w.this_week.reoffending = reoffending;
    w.this_week.enforcement = enforcement;
    w.this_week.transitions = transitions;
}

/// Absence and turnover among the posts. A leaver's cases return to the allocation queue in
/// the week's last pass ([`close_week`]); whoever takes them next week is a handoff.
fn staff_events(w: &mut World) {
    let spread = w.scenario.organisation.discretion_spread;
    for (m, left) in w.managers.iter_mut().zip(w.left_this_week.iter_mut()) {
        let event = staff_week(m, &w.staff_rates, w.week, &mut w.staff_rng);
        *left = event == StaffEvent::Left;
        if *left {
            m.paperwork_backlog = 0.0;
        }
        if event == StaffEvent::Joined {
            m.discretion = discretion_weights(spread, &mut w.discretion_rng);
        }
    }
}

/// The week's last pass over the cases, one case at a time: a leaver's cases (and team places)
/// are released; the case is counted in the week's record; a closed case is marked removed,
/// and the others move on to next week's random numbers. Last, the first step of next week's
/// allocation: a case whose holder does not work on the stage it starts next week, or on the
/// type a review gave it, is handed over.
///
/// One pass instead of four gives the same results as separate passes: a release changes only
/// the case and the case managers' caseload counts, which neither the record nor the check of
/// fit reads (a post's function and specialism are fixed), and each step reads a case after
/// the steps before it have dealt with it. Nothing between here and the allocation of waiting
/// cases next week (the intake) reads a case manager.
///
/// Removed records stay in the array, passed by, until they are an eighth of it: then the
/// array is compacted, keeping arrival order. Moving every case behind a closed one down the
/// array each week cost more than passing the removed by.
fn close_week(w: &mut World) {
    let partial = std::mem::take(&mut w.this_week);
    let mut record = w.recorder.open_week(w.week, partial);
    let (retained, size) = (
        w.scenario.relationship.retained_on_handoff,
        w.scenario.team.size,
    );
    let anyone_left = w.left_this_week.contains(&true);
    let (managers, left, recorder) = (&mut w.managers, &w.left_this_week, &mut w.recorder);
    let (establishment, next_week) = (&w.establishment, w.week + 1);
    for o in w.offenders.iter_mut().filter(|o| !o.removed) {
        if anyone_left {
            if o.manager.index().is_some_and(|m| left[m]) {
                release(o, managers, HandoffCause::StaffLeft);
            }
            for slot in 0..o.team.len() {
                if o.team[slot].index().is_some_and(|m| left[m]) {
                    release_member(o, slot, managers, retained, size);
                }
            }
        }
        recorder.count_case(&mut record, o, managers);
        if o.stage == Stage::Closed {
            o.removed = true;
            w.removed += 1;
            continue;
        }
        o.draws.next_week();
        transfer_if_misfit(o, managers, establishment, next_week);
    }
    if w.removed > w.offenders.len() / 8 {
        w.compact();
    }
    w.recorder.close_week(record, &w.managers);
}

/// A case of the initial caseload, already assessed, is part-way through its review cycle: its
/// next review (and, under teams, case conference) falls where the cycle from its start puts it.
fn schedule_initial_reviews(o: &mut Offender, s: &Scenario) {
    if !o.assessed {
        return;
    }
    let started = if o.stage == Stage::Licence {
        o.released
    } else {
        o.order_start
    };
    let next = |interval: u32| {
        let interval = interval as i32;
        interval - (-started).rem_euclid(interval)
    };
    o.next_review = next(s.supervision.review_interval_weeks);
    o.next_conference = next(s.team.conference_interval_weeks);
}

impl<'s> World<'s> {
    /// The world at week 0 of replication `replication`: the workforce in post and the initial
    /// caseload part-way through its orders, not yet allocated.
    pub fn new(scenario: &'s Scenario, replication: u32) -> Self {
        let seed = scenario.simulation.seed;
        let mut arrivals = replication_stream(seed, replication, Stream::Arrivals);
        let mut factory = OffenderFactory::new(&scenario.population)
            .with_reports(scenario.reports.share, scenario.reports.weeks);
        let sentencer = Sentencer::new(scenario);
        let mut sentencing_rng = replication_stream(seed, replication, Stream::Sentencing);
        let offenders = (0..scenario.population.initial_cases)
            .map(|_| {
                let mut o = factory.draw(&mut arrivals, 0, true);
                sentencer.sentence(&mut o, &mut sentencing_rng, 0, true, &scenario.custody);
                schedule_initial_reviews(&mut o, scenario);
                o
            })
            .collect();
        let mut discretion_rng = replication_stream(seed, replication, Stream::Discretion);
        let (managers, establishment) = Establishment::establish(scenario, &mut discretion_rng);
        let inflow = (scenario.population.inflow_per_week > 0.0).then(|| {
            Poisson::new(scenario.population.inflow_per_week).expect("validated: finite and > 0")
        });
        let hazard = HazardModel::new(
            scenario,
            factory.expected_need_total(),
            scenario.population.family_support.mean,
        );
        World {
            scenario,
            week: 0,
            offenders,
            removed: 0,
            left_this_week: vec![false; managers.len()],
            managers,
            establishment,
            services: ServiceSystem::new(&scenario.services),
            modes: ModeTable::new(&scenario.modes),
            factory,
            sentencer,
            inflow,
            arrivals,
            sentencing_rng,
            staff_rng: replication_stream(seed, replication, Stream::Staff),
            discretion_rng,
            attendance: AttendanceModel::new(&scenario.compliance),
            hazard,
            staff_rates: StaffEventRates::new(&scenario.workforce),
            this_week: StepCounts::default(),
            recorder: Recorder::new(scenario),
        }
    }

    /// The cases present: on an order, in custody, on licence or in follow-up, in order of
    /// arrival.
    pub fn cases(&self) -> impl Iterator<Item = &Offender> {
        self.offenders.iter().filter(|o| !o.removed)
    }

    /// How many cases are present.
    pub fn case_count(&self) -> usize {
        self.offenders.len() - self.removed
    }

    /// Drops the removed records from the array, keeping the others in arrival order.
    fn compact(&mut self) {
        self.offenders.retain(|o| !o.removed);
        self.removed = 0;
    }

    /// Runs one week: every phase in order.
    pub fn step(&mut self) {
        for (_, phase) in PHASES {
            phase(self);
        }
        self.week += 1;
    }

    /// The model's invariants; an error names the first one broken. Checked after every week
    /// in debug builds and in the tests.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut caseloads = vec![0u32; self.managers.len()];
        let mut memberships = vec![0u32; self.managers.len()];
        for o in self.cases() {
            for member in o.team.iter().filter_map(|m| m.index()) {
                memberships[member] += 1;
                if !o.stage.is_supervised() || Some(member) == o.manager.index() {
                    return Err(format!(
                        "case {} ({:?}) has team member {member} beside lead {:?}",
                        o.id, o.stage, o.manager
                    ));
                }
            }
            let custodial = o.under_custodial_sentence();
            match (o.stage, o.manager.index()) {
                (Stage::PreSentence | Stage::Order | Stage::Licence, Some(m)) => caseloads[m] += 1,
                (Stage::PreSentence | Stage::Order | Stage::Licence, None) => {}
                // Only through the gate does anyone from the community hold a prisoner.
                (Stage::Custody, Some(m))
                    if custodial && self.scenario.custody.through_the_gate =>
                {
                    caseloads[m] += 1
                }
                (Stage::Custody, None) => {}
                (Stage::FollowUp, None) if o.outcome.is_some() => {}
                (stage, manager) => {
                    return Err(format!(
                        "case {} is {stage:?} with manager {manager:?} and outcome {:?}",
                        o.id, o.outcome
                    ));
                }
            }
            if o.disposal == Disposal::Community && (o.stage == Stage::Licence || o.recalls > 0) {
                return Err(format!("case {} on a community order was on licence", o.id));
            }
            if o.stage == Stage::Custody && o.release_due == crate::model::offender::NEVER {
                return Err(format!("case {} is in custody with no release date", o.id));
            }
            if let Some(m) = o.manager.index() {
                let holder = &self.managers[m];
                if crate::model::organisation::is_complex(o, self.scenario)
                    && holder.grade != crate::model::workforce::Grade::Qualified
                {
                    return Err(format!(
                        "complex case {} held by a {:?}",
                        o.id, holder.grade
                    ));
                }
                if !holder.is_staff() && o.risk != crate::model::offender::RiskTier::Low {
                    return Err(format!(
                        "volunteer holds case {} of tier {:?}",
                        o.id, o.risk
                    ));
                }
            }
            if !(0.0..=1.0).contains(&o.relationship) {
                return Err(format!("case {} has relationship {}", o.id, o.relationship));
            }
        }
        for (i, m) in self.managers.iter().enumerate() {
            let cap = m.cap;
            if m.caseload != caseloads[i] {
                return Err(format!(
                    "manager {i} counts {} cases but holds {}",
                    m.caseload, caseloads[i]
                ));
            }
            if m.caseload > cap {
                return Err(format!(
                    "manager {i} holds {} cases over the cap {cap}",
                    m.caseload
                ));
            }
            if m.memberships != memberships[i] {
                return Err(format!(
                    "manager {i} counts {} teams but sits on {}",
                    m.memberships, memberships[i]
                ));
            }
            if !m.in_post() && (m.caseload > 0 || m.memberships > 0) {
                return Err(format!("vacant post {i} holds {} cases", m.caseload));
            }
            if m.hours_used < 0.0 || m.hours_used > m.hours_available + 1e-6 {
                return Err(format!(
                    "manager {i} used {} of {} hours",
                    m.hours_used, m.hours_available
                ));
            }
            if m.paperwork_backlog < 0.0 {
                return Err(format!("manager {i} has negative backlog"));
            }
        }
        let mut in_treatment = [0u32; Need::COUNT];
        for o in self.cases() {
            if let Some(need) = o.service.in_treatment() {
                in_treatment[need as usize] += 1;
            }
        }
        for (n, (&used, &places)) in in_treatment
            .iter()
            .zip(&self.services.reachable)
            .enumerate()
        {
            if used > places {
                return Err(format!(
                    "service {:?} has {used} in treatment over {places} places",
                    Need::ALL[n]
                ));
            }
        }
        Ok(())
    }
}

/// One replication's results.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ReplicationResult {
    pub replication: u32,
    pub metrics: Metrics,
    pub by_tier: [Metrics; 4],
    /// Case-outcome measures for community orders and for custodial sentences.
    pub by_disposal: [Metrics; 2],
    pub weeks: Vec<WeekRecord>,
    /// Times to first proven reoffence and to breach of the cohort starting in the window.
    pub survival: Survival,
    /// Offender-weeks simulated (cases present, summed over weeks): the unit of throughput.
    pub offender_weeks: u64,
}

/// Runs replication `replication` of a (validated) scenario to the horizon.
pub fn simulate(scenario: &Scenario, replication: u32) -> ReplicationResult {
    simulate_with(scenario, replication, |_| {})
}

/// As [`simulate`], calling `inspect` after every week (the tests check invariants this way).
pub fn simulate_with(
    scenario: &Scenario,
    replication: u32,
    mut inspect: impl FnMut(&World),
) -> ReplicationResult {
    let mut world = World::new(scenario, replication);
    let mut offender_weeks = 0u64;
    for _ in 0..scenario.simulation.weeks {
        offender_weeks += world.case_count() as u64;
        world.step();
        if cfg!(debug_assertions) {
            if let Err(broken) = world.check_invariants() {
                panic!("invariant broken in week {}: {broken}", world.week - 1);
            }
        }
        inspect(&world);
    }
    let last_week = world.week - 1;
    world.compact();
    let mut recorder = world.recorder;
    recorder.finish(&world.offenders, last_week);
    ReplicationResult {
        replication,
        metrics: recorder.metrics(),
        by_tier: recorder.metrics_by_tier(),
        by_disposal: recorder.metrics_by_disposal(),
        weeks: recorder.weeks,
        survival: recorder.survival,
        offender_weeks,
    }
}
