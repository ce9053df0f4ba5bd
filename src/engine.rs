//! The weekly step: an ordered list of phases, each a plain function of the world.
//!
//! Later parts of the model (team approaches, modes, services, custody) slot in as phases or
//! inside them; the order below is the model's schedule, documented in docs/ODD.md. No I/O here.

use rand_distr::{Distribution, Poisson};

use crate::metrics::{Metrics, Recorder, Survival, WeekRecord};
use crate::model::compliance::{AttendanceModel, contacts_and_compliance};
use crate::model::custody::{Sentencer, release_from_custody, sentence_to_custody};
use crate::model::enforcement::enforce;
use crate::model::icm::case_conferences;
use crate::model::journey::{
    Disposal, OrderOutcome, Stage, end_licence, end_order, last_follow_up_week,
};
use crate::model::modes::ModeTable;
use crate::model::needs::needs_week;
use crate::model::offender::{Need, Offender, OffenderFactory, WeeklyDraws};
use crate::model::organisation::{
    Establishment, HandoffCause, allocate_waiting, discretion_weights, release, release_member,
    transfer_misfits,
};
use crate::model::reoffending::{HazardModel, reoffending_week};
use crate::model::services::{ServiceSystem, services_week};
use crate::model::workforce::{CaseManager, StaffEvent, StaffEventRates, staff_week};
use crate::model::workload::plan_and_deliver;
use crate::rng::{Stream, StreamRng, replication_stream};
use crate::scenario::{Approach, Scenario};

/// Everything one replication's simulation holds.
pub struct World<'s> {
    pub scenario: &'s Scenario,
    /// The current week (0-based).
    pub week: i32,
    /// Cases on an order or in follow-up, in order of arrival.
    pub offenders: Vec<Offender>,
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
    this_week: WeekRecord,
    pub recorder: Recorder,
}

/// A phase of the weekly step.
pub type Phase = fn(&mut World);

/// The weekly schedule, in order.
pub const PHASES: [(&str, Phase); 13] = [
    ("intake", intake),
    ("weekly_draws", weekly_draws),
    ("allocation", allocation),
    ("workload", workload),
    ("case_conferences", conferences),
    ("contacts_and_compliance", contacts),
    ("needs", needs),
    ("services", services),
    ("reoffending", reoffending),
    ("enforcement", enforcement),
    ("stage_transitions", stage_transitions),
    ("staff_events", staff_events),
    ("metrics", metrics),
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

/// Every case draws its week's luck from its own stream (see `WeeklyDraws`).
fn weekly_draws(w: &mut World) {
    for o in &mut w.offenders {
        o.draws = WeeklyDraws::draw(&mut o.rng);
    }
}

/// Cases that no longer fit their holder move on; then waiting cases are allocated.
fn allocation(w: &mut World) {
    transfer_misfits(&mut w.offenders, &mut w.managers, &w.establishment, w.week);
    allocate_waiting(
        &mut w.offenders,
        &mut w.managers,
        &w.establishment,
        w.scenario,
        w.week,
    );
}

fn workload(w: &mut World) {
    let work = plan_and_deliver(
        &mut w.offenders,
        &mut w.managers,
        &w.establishment.cover_groups,
        &w.services,
        &w.modes,
        w.scenario,
        w.week,
    );
    w.this_week.senior_hours = work.chair_hours;
    w.this_week.referrals = work.referrals;
    w.this_week.referrals_refused = work.refusals;
    w.this_week.substitutions = work.substitutions;
}

/// ICM case conferences for prisoners (after the workload, whose shares decide whether an
/// engaged case manager has the hours to attend). Nothing to do when nobody is sent to custody.
fn conferences(w: &mut World) {
    if !w.sentencer.sends_anyone() {
        return;
    }
    let counts = case_conferences(
        &mut w.offenders,
        &mut w.managers,
        &w.scenario.custody,
        w.week,
    );
    let r = &mut w.this_week;
    r.icm_conferences = counts.conferences;
    r.icm_agencies_present = counts.agencies_present;
    r.families_invited = counts.families_invited;
    r.families_attended = counts.families_attended;
}

fn contacts(w: &mut World) {
    let s = w.scenario;
    // Under the team approach contacts rotate among the members: each kept appointment builds
    // the bond with one of them, so the relationship with the team grows by a member's share.
    let growth_scale = match s.organisation.approach {
        Approach::Team => 1.0 / f64::from(s.team.size),
        Approach::Individual | Approach::Hybrid => 1.0,
    };
    contacts_and_compliance(
        &mut w.offenders,
        &w.attendance,
        &w.modes,
        s,
        growth_scale,
        w.week,
    );
}

fn needs(w: &mut World) {
    needs_week(&mut w.offenders, &w.managers, &w.modes, w.scenario, w.week);
}

fn services(w: &mut World) {
    let counts = services_week(
        &mut w.offenders,
        &mut w.services,
        &w.scenario.services,
        w.week,
    );
    let r = &mut w.this_week;
    r.service_waiting = counts.waiting;
    r.in_service = counts.attending;
    r.service_starts = counts.starts;
    r.service_completions = counts.completions;
    r.service_dropouts = counts.dropouts;
    r.service_waits_ended = counts.waits_ended;
    r.service_wait_weeks = counts.wait_weeks;
    r.substitutions += counts.substitutions;
    r.service_cost = counts.cost;
}

fn reoffending(w: &mut World) {
    let counts = reoffending_week(
        &mut w.offenders,
        &mut w.managers,
        &w.hazard,
        w.scenario,
        w.week,
    );
    w.this_week.proven_reoffences = counts.proven;
    w.this_week.revocations += counts.revocations;
    w.this_week.recalls += counts.recalls;
}

fn enforcement(w: &mut World) {
    let counts = enforce(&mut w.offenders, &mut w.managers, w.scenario, w.week);
    w.this_week.warnings = counts.warnings;
    w.this_week.sanctions = counts.sanctions;
    w.this_week.breaches = counts.breaches;
    w.this_week.revocations += counts.revocations;
    w.this_week.recalls += counts.recalls;
}

/// Sentence: the orders whose report is done start, or the custodial sentences; orders reaching
/// their end complete; prisoners due for release go out on licence (or, after a revoked order,
/// without one); licences reaching the sentence's end end; cases whose sentence and follow-up
/// are both over close.
fn stage_transitions(w: &mut World) {
    let s = w.scenario;
    let follow_up = s.simulation.follow_up_weeks;
    let report_hours = s.reports.hours as f32;
    let week = w.week;
    let mut completions = 0;
    let mut releases = 0;
    for o in &mut w.offenders {
        if o.stage == Stage::PreSentence && week + 1 >= o.order_start {
            // The report's assessment stands if the report was written in full.
            o.report_done = o.interviewed && o.report_hours_done >= report_hours * 0.999;
            if o.disposal == Disposal::Custody {
                sentence_to_custody(o, &mut w.managers, &s.custody);
            } else {
                o.stage = Stage::Order;
                o.stage_started = o.order_start;
                o.next_contact = o.order_start;
            }
        }
        match o.stage {
            Stage::Order if week + 1 >= o.order_due_end => {
                end_order(o, OrderOutcome::Completed, &mut w.managers, week, 0);
                completions += 1;
            }
            Stage::Custody if week + 1 >= o.release_due => {
                release_from_custody(o, &mut w.managers, &w.services, s, week);
                releases += u32::from(o.events.released);
            }
            Stage::Licence if week + 1 >= o.order_due_end => {
                end_licence(o, &mut w.managers, week);
            }
            _ => {}
        }
        if o.stage == Stage::FollowUp && week >= last_follow_up_week(o, follow_up) {
            o.stage = Stage::Closed;
        }
    }
    w.this_week.completions = completions;
    w.this_week.releases = releases;
}

/// Absence and turnover. A leaver's cases return to the allocation queue; whoever takes them
/// next week is a handoff.
fn staff_events(w: &mut World) {
    let mut anyone_left = false;
    let spread = w.scenario.organisation.discretion_spread;
    for (m, left) in w.managers.iter_mut().zip(w.left_this_week.iter_mut()) {
        let event = staff_week(m, &w.staff_rates, w.week, &mut w.staff_rng);
        *left = event == StaffEvent::Left;
        if *left {
            m.paperwork_backlog = 0.0;
            anyone_left = true;
        }
        if event == StaffEvent::Joined {
            m.discretion = discretion_weights(spread, &mut w.discretion_rng);
        }
    }
    if anyone_left {
        // One pass over the cases, however many left.
        let retained = w.scenario.relationship.retained_on_handoff;
        let size = w.scenario.team.size;
        for o in &mut w.offenders {
            if o.manager.index().is_some_and(|m| w.left_this_week[m]) {
                release(o, &mut w.managers, HandoffCause::StaffLeft);
            }
            for slot in 0..o.team.len() {
                if o.team[slot].index().is_some_and(|m| w.left_this_week[m]) {
                    release_member(o, slot, &mut w.managers, retained, size);
                }
            }
        }
    }
}

/// Records the week, then removes closed cases (keeping arrival order).
fn metrics(w: &mut World) {
    let partial = std::mem::take(&mut w.this_week);
    w.recorder
        .record_week(w.week, &w.offenders, &w.managers, partial);
    w.offenders.retain(|o| o.stage != Stage::Closed);
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
            this_week: WeekRecord::default(),
            recorder: Recorder::new(scenario),
        }
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
        for o in &self.offenders {
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
        for o in &self.offenders {
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
        offender_weeks += world.offenders.len() as u64;
        world.step();
        if cfg!(debug_assertions) {
            if let Err(broken) = world.check_invariants() {
                panic!("invariant broken in week {}: {broken}", world.week - 1);
            }
        }
        inspect(&world);
    }
    let last_week = world.week - 1;
    let mut recorder = world.recorder;
    recorder.finish(&world.offenders, last_week);
    ReplicationResult {
        replication,
        metrics: Metrics::from_recorder(&recorder),
        by_tier: Metrics::by_tier(&recorder),
        by_disposal: Metrics::by_disposal(&recorder),
        weeks: recorder.weeks,
        survival: recorder.survival,
        offender_weeks,
    }
}
