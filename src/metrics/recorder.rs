//! What is recorded as a replication runs: each week's record (the time series) and each case's
//! outcome when its order ends or its follow-up closes. Collection only: nothing here changes the
//! model.
//!
//! Measurement follows the published statistics:
//! - order outcomes (completion, breach) over orders **terminated** in the measurement window
//!   (weeks from `warmup_weeks` to the end), as the MoJ counts terminations; orders of the
//!   initial caseload, which started before the simulation, are left out;
//! - proven reoffending over the **cohort starting** orders, or **released** from custody, in
//!   the window whose follow-up (`follow_up_weeks`, one year) ends within the horizon, as the
//!   MoJ proven reoffending measure does;
//! - recall over licences that ended in the window; what was in place at release, and the
//!   first appointment after it, over prisoners released in the window;
//! - workload and staffing as means over the weeks of the window.

use serde::{Deserialize, Serialize};

use crate::engine::{Observer, StepCounts};
use crate::metrics::cases::CaseLog;
use crate::metrics::costs::{CostBreakdown, UnitCosts};
use crate::metrics::groups::GroupTallies;
use crate::metrics::{Metrics, Window};
use crate::model::custody::SHORT_SENTENCE_WEEKS;
use crate::model::journey::{Disposal, OrderOutcome, Stage, follow_up_start, last_follow_up_week};
use crate::model::offender::{NEVER, Offender, RiskTier, at_release};
use crate::model::organisation::HandoffCause;
use crate::model::services::service_history;
use crate::model::workforce::{CaseManager, StaffStatus};
use crate::scenario::Scenario;

/// Age bands at sentence, as the Ministry of Justice's statistics band adults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgeBand {
    From18To24,
    From25To29,
    From30To39,
    From40To49,
    From50,
}

impl AgeBand {
    pub const ALL: [AgeBand; 5] = [
        AgeBand::From18To24,
        AgeBand::From25To29,
        AgeBand::From30To39,
        AgeBand::From40To49,
        AgeBand::From50,
    ];
    pub const COUNT: usize = 5;

    /// The band of an age in years (ages under 18 count with 18-24).
    pub fn of(age: f64) -> AgeBand {
        match age {
            a if a < 25.0 => AgeBand::From18To24,
            a if a < 30.0 => AgeBand::From25To29,
            a if a < 40.0 => AgeBand::From30To39,
            a if a < 50.0 => AgeBand::From40To49,
            _ => AgeBand::From50,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The name in output files.
    pub fn name(self) -> &'static str {
        match self {
            AgeBand::From18To24 => "18-24",
            AgeBand::From25To29 => "25-29",
            AgeBand::From30To39 => "30-39",
            AgeBand::From40To49 => "40-49",
            AgeBand::From50 => "50+",
        }
    }
}

/// Counted case by case at the end of the week.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseCounts {
    pub active_orders: u32,
    pub allocated: u32,
    /// Cases waiting for a case manager (reports, orders, licences, and prisoners due one
    /// through the gate).
    pub unallocated: u32,
    pub in_follow_up: u32,
    /// Cases awaiting sentence while a pre-sentence report is written.
    pub pre_sentence: u32,
    /// Cases (reports and orders) held by paid staff, and by volunteers.
    pub held_by_staff: u32,
    pub held_by_volunteers: u32,
    pub contacts_due: u32,
    pub contacts_delivered: u32,
    pub contacts_attended: u32,
    /// Contacts offered by cover for an absent case manager (a colleague in the cover group or
    /// the duty rota).
    #[serde(default)]
    pub contacts_covered: u32,
    /// People in custody (serving a sentence, recalled, or after a revoked order), and on
    /// licence.
    pub in_custody: u32,
    pub on_licence: u32,
    /// Proven offences committed in custody.
    pub proven_in_custody: u32,
    /// Sum of relationship scores over allocated cases on an order or licence (for the mean).
    pub relationship_sum: f64,
}

/// Paid staff at the end of the week (volunteers are counted apart, as cases they hold).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StaffCounts {
    pub managers_in_post: u32,
    pub managers_present: u32,
    pub hours_available: f64,
    pub hours_delivered: f64,
}

/// One week of one replication.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WeekRecord {
    pub week: i32,
    pub steps: StepCounts,
    pub cases: CaseCounts,
    pub staff: StaffCounts,
    /// Cost of the week: the sum of `costs` (posts, agency cover, recruitment, volunteers,
    /// chairs, service places, requirements, custody), at the scenario's unit costs.
    pub cost: f64,
    /// The week's cost, part by part.
    #[serde(default)]
    pub costs: CostBreakdown,
}

/// Outcome counts for one risk tier and disposal (or several).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OutcomeTally {
    /// Community orders terminated, by outcome.
    pub terminated: u64,
    pub completed: u64,
    pub breached: u64,
    pub revoked_on_reconviction: u64,
    /// Licences that reached the sentence's end, and those of them recalled at least once.
    pub licences_ended: u64,
    pub licences_recalled: u64,
    /// Prisoners released (first release) in the window, with what was in place.
    pub released: u64,
    pub service_need: u64,
    pub service_in_place: u64,
    pub housing_need: u64,
    pub housing_in_place: u64,
    /// First appointments after release offered in the window, and missed.
    pub first_appointments: u64,
    pub first_appointments_missed: u64,
    /// First kept appointments after release in the window, and the weeks from release to them.
    pub first_contacts: u64,
    pub first_contact_weeks: u64,
    /// Community orders started in the window whose first contact on the order was offered in
    /// the window, and the weeks from sentence (the order's start) to it.
    #[serde(default)]
    pub orders_first_contacted: u64,
    #[serde(default)]
    pub sentence_to_first_contact_weeks: u64,
    /// The case measures below are summed over community orders terminated and licences
    /// ended.
    pub handoffs: u64,
    pub handoffs_by_cause: [u64; HandoffCause::COUNT],
    pub weeks_unallocated: u64,
    pub needs_met_sum: f64,
    pub needs_met_cases: u64,
    /// Sentences ended with at least one detected failure to comply (a technical violation).
    pub violated: u64,
    pub supervised_weeks: u64,
    pub contacts_due: u64,
    pub contacts_delivered: u64,
    pub followed_up: u64,
    pub proven_in_follow_up: u64,
    /// Of those followed up, people who completed a service, and people who dropped out of one
    /// without completing any (the retention comparison of NTA 2012), and of each the proven.
    pub followed_up_completed_service: u64,
    pub proven_completed_service: u64,
    pub followed_up_dropped_out: u64,
    pub proven_dropped_out: u64,
    /// Of those followed up after release from a custodial sentence, sentences under 12 months
    /// and of 12 months or more (MoJ's bands), and of each the proven.
    pub followed_up_short_sentence: u64,
    pub proven_short_sentence: u64,
    pub followed_up_longer_sentence: u64,
    pub proven_longer_sentence: u64,
    /// Orders that started in the measurement window, by where they stood at the horizon.
    pub cohort: CohortTally,
}

/// Orders that started in the measurement window, by how they ended or whether they were still
/// running at the horizon: the denominator every order started, unlike the order-outcome rates,
/// whose denominator is the orders that ended in the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CohortTally {
    pub started: u64,
    /// Community orders completed, and licences that ran to the sentence's end without recall.
    pub completed: u64,
    pub breached: u64,
    pub revoked_on_reconviction: u64,
    /// Custodial sentences that ended with at least one recall.
    pub recalled: u64,
    pub still_open: u64,
    /// Of those started, custodial sentences.
    pub custodial: u64,
    /// Of those started, sentenced on a full pre-sentence report.
    pub on_full_report: u64,
    /// Of those started, community orders with a treatment requirement for the need the
    /// report assessed.
    pub treatment_required: u64,
}

impl OutcomeTally {
    fn add(&mut self, other: &OutcomeTally) {
        self.terminated += other.terminated;
        self.completed += other.completed;
        self.breached += other.breached;
        self.revoked_on_reconviction += other.revoked_on_reconviction;
        self.licences_ended += other.licences_ended;
        self.licences_recalled += other.licences_recalled;
        self.released += other.released;
        self.service_need += other.service_need;
        self.service_in_place += other.service_in_place;
        self.housing_need += other.housing_need;
        self.housing_in_place += other.housing_in_place;
        self.first_appointments += other.first_appointments;
        self.first_appointments_missed += other.first_appointments_missed;
        self.first_contacts += other.first_contacts;
        self.first_contact_weeks += other.first_contact_weeks;
        self.orders_first_contacted += other.orders_first_contacted;
        self.sentence_to_first_contact_weeks += other.sentence_to_first_contact_weeks;
        self.handoffs += other.handoffs;
        for (a, b) in self
            .handoffs_by_cause
            .iter_mut()
            .zip(other.handoffs_by_cause)
        {
            *a += b;
        }
        self.weeks_unallocated += other.weeks_unallocated;
        self.needs_met_sum += other.needs_met_sum;
        self.violated += other.violated;
        self.needs_met_cases += other.needs_met_cases;
        self.supervised_weeks += other.supervised_weeks;
        self.contacts_due += other.contacts_due;
        self.contacts_delivered += other.contacts_delivered;
        self.followed_up += other.followed_up;
        self.proven_in_follow_up += other.proven_in_follow_up;
        self.followed_up_completed_service += other.followed_up_completed_service;
        self.proven_completed_service += other.proven_completed_service;
        self.followed_up_dropped_out += other.followed_up_dropped_out;
        self.proven_dropped_out += other.proven_dropped_out;
        self.followed_up_short_sentence += other.followed_up_short_sentence;
        self.proven_short_sentence += other.proven_short_sentence;
        self.followed_up_longer_sentence += other.followed_up_longer_sentence;
        self.proven_longer_sentence += other.proven_longer_sentence;
        let (c, o) = (&mut self.cohort, &other.cohort);
        c.started += o.started;
        c.completed += o.completed;
        c.breached += o.breached;
        c.revoked_on_reconviction += o.revoked_on_reconviction;
        c.recalled += o.recalled;
        c.still_open += o.still_open;
        c.custodial += o.custodial;
        c.on_full_report += o.on_full_report;
        c.treatment_required += o.treatment_required;
    }

    /// The sum of several tallies (tiers, disposals).
    pub fn sum<'a>(tallies: impl IntoIterator<Item = &'a OutcomeTally>) -> OutcomeTally {
        let mut sum = OutcomeTally::default();
        for t in tallies {
            sum.add(t);
        }
        sum
    }

    /// Sentences ended (community orders terminated and licences ended): the denominator of
    /// the per-case measures.
    pub fn ended(&self) -> u64 {
        self.terminated + self.licences_ended
    }
}

/// Times to an event for a cohort, in whole weeks since the order started (1 = within its first
/// week): how many cases had the event at each time, and how many were last seen then without
/// it (censored). Index 0 is unused. Summed over replications, these are what the
/// Kaplan-Meier estimator needs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TimeToEvent {
    pub events: Vec<u64>,
    pub censored: Vec<u64>,
}

impl TimeToEvent {
    fn grow(&mut self, weeks: usize) {
        if self.events.len() <= weeks {
            self.events.resize(weeks + 1, 0);
            self.censored.resize(weeks + 1, 0);
        }
    }

    pub fn event(&mut self, weeks: i32) {
        let t = weeks.max(1) as usize;
        self.grow(t);
        self.events[t] += 1;
    }

    pub fn censor(&mut self, weeks: i32) {
        let t = weeks.max(1) as usize;
        self.grow(t);
        self.censored[t] += 1;
    }

    /// Adds another cohort's counts (another replication's).
    pub fn add(&mut self, other: &TimeToEvent) {
        self.grow(other.events.len().saturating_sub(1));
        for (t, (e, c)) in other.events.iter().zip(&other.censored).enumerate() {
            self.events[t] += e;
            self.censored[t] += c;
        }
    }

    pub fn cases(&self) -> u64 {
        self.events.iter().sum::<u64>() + self.censored.iter().sum::<u64>()
    }
}

/// Weeks from the start of `o`'s order to the end of `week`.
fn weeks_since_start(o: &Offender, week: i32) -> i32 {
    week - o.journey.order_start + 1
}

/// Weeks from the start of `o`'s reoffending follow-up (the order's start, or release) to the
/// end of `week`.
fn weeks_since_follow_up_start(o: &Offender, week: i32) -> i32 {
    week - follow_up_start(o) + 1
}

/// The time-to-event cohorts: orders starting, and prisoners released, in the measurement
/// window.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Survival {
    /// Time to the first proven reoffence, within the follow-up period (from the start of the
    /// order, or from release).
    pub reoffence: TimeToEvent,
    /// Time to revocation for breach, while on a community order; the order ending otherwise
    /// (completion, revocation on reconviction) censors it.
    pub breach: TimeToEvent,
}

impl Survival {
    /// Records the end of `o`'s reoffending follow-up, last seen at the end of `last_seen`: an
    /// event at the first proven reoffence, if any, else a censored time.
    fn follow_up_ends(&mut self, o: &Offender, last_seen: i32) {
        if o.tallies.first_proven_reoffence == NEVER {
            self.reoffence
                .censor(weeks_since_follow_up_start(o, last_seen));
        } else {
            self.reoffence.event(weeks_since_follow_up_start(
                o,
                o.tallies.first_proven_reoffence,
            ));
        }
    }

    pub fn add(&mut self, other: &Survival) {
        self.reoffence.add(&other.reoffence);
        self.breach.add(&other.breach);
    }
}

/// A week's record while its cases are counted.
#[derive(Default)]
struct OpenWeek {
    record: WeekRecord,
    case_costs: f64,
    in_window: bool,
}

/// Outcome tallies by disposal, tier and age band at sentence.
type Tallies = [[[OutcomeTally; AgeBand::COUNT]; RiskTier::COUNT]; Disposal::COUNT];

/// The tally a case's outcomes count in.
fn tally_of<'a>(tallies: &'a mut Tallies, o: &Offender) -> &'a mut OutcomeTally {
    let band = AgeBand::of(o.age(o.journey.order_start));
    &mut tallies[o.journey.disposal.index()][o.risk.index()][band.index()]
}

/// Collects a replication's records as it runs.
pub struct Recorder {
    window_start: i32,
    follow_up_weeks: u32,
    costs: UnitCosts,
    /// Weeks before release that a community case manager takes a prisoner (through the gate),
    /// or none.
    engage_weeks: Option<i32>,
    /// Outcome tallies by disposal, tier and age band at sentence.
    pub tallies: Tallies,
    /// Outcomes by primary need and by offence (`by_need.csv`, `by_offence.csv`).
    pub groups: GroupTallies,
    pub weeks: Vec<WeekRecord>,
    pub survival: Survival,
    /// The week being counted, between [`Observer::open_week`] and [`Observer::close_week`].
    open: OpenWeek,
    /// Every case's record, when asked for (`--cases`).
    pub cases: Option<CaseLog>,
}

impl Observer for Recorder {
    #[inline]
    fn open_week(&mut self, week: i32, counts: &StepCounts) {
        self.open = self.begin_week(week, *counts);
    }

    #[inline(always)]
    fn count_case(&mut self, o: &Offender, managers: &[CaseManager]) {
        self.count(o, managers);
    }

    #[inline(always)]
    fn case_arrives(&mut self, o: &Offender, week: i32) {
        if let Some(log) = &mut self.cases {
            log.arrives(o, week, false);
        }
    }

    fn close_week(&mut self, managers: &[CaseManager]) {
        let open = std::mem::take(&mut self.open);
        self.end_week(open, managers);
    }
}

impl Recorder {
    pub fn new(s: &Scenario) -> Self {
        let sim = &s.simulation;
        Recorder {
            window_start: sim.warmup_weeks as i32,
            follow_up_weeks: sim.follow_up_weeks,
            costs: UnitCosts::new(s),
            engage_weeks: s
                .custody
                .through_the_gate
                .then_some(s.custody.engage_weeks_before_release as i32),
            tallies: Default::default(),
            groups: GroupTallies::default(),
            weeks: Vec::with_capacity(sim.weeks as usize),
            survival: Survival::default(),
            open: OpenWeek::default(),
            cases: s.record_cases.then(|| CaseLog::new(sim.follow_up_weeks)),
        }
    }

    /// The initial caseload, at week 0 before it starts (for the case records).
    pub fn initial_caseload<'a>(&mut self, cases: impl IntoIterator<Item = &'a Offender>) {
        if let Some(log) = &mut self.cases {
            for o in cases {
                log.arrives(o, 0, true);
            }
        }
    }

    /// At the horizon (the end of week `last_week`): sentences of the cohort still running are
    /// counted open, and follow-ups still running are censored there.
    pub fn finish<'a>(
        &mut self,
        offenders: impl IntoIterator<Item = &'a Offender>,
        last_week: i32,
    ) {
        let offenders: Vec<&Offender> = offenders.into_iter().collect();
        if let Some(log) = &mut self.cases {
            log.finish(offenders.iter().copied(), last_week);
        }
        for o in offenders {
            if o.journey.stage == Stage::PreSentence {
                continue;
            }
            if o.journey.order_start >= self.window_start {
                let open = o.journey.stage == Stage::Order || o.under_custodial_sentence();
                if o.journey.stage == Stage::Order {
                    self.survival.breach.censor(weeks_since_start(o, last_week));
                }
                if open {
                    let cohort = &mut tally_of(&mut self.tallies, o).cohort;
                    cohort.started += 1;
                    cohort.still_open += 1;
                    cohort.custodial += u64::from(o.journey.disposal == Disposal::Custody);
                    cohort.on_full_report += u64::from(o.report.done);
                    cohort.treatment_required += u64::from(o.report.treatment_requirement);
                }
            }
            let start = follow_up_start(o);
            if start != NEVER
                && start >= self.window_start
                && last_follow_up_week(o, self.follow_up_weeks) > last_week
            {
                self.survival.follow_up_ends(o, last_week);
            }
        }
    }

    /// Opens this week's record with the counts the week's steps reported.
    fn begin_week(&self, week: i32, steps: StepCounts) -> OpenWeek {
        OpenWeek {
            record: WeekRecord {
                week,
                steps,
                ..WeekRecord::default()
            },
            case_costs: 0.0,
            in_window: week >= self.window_start,
        }
    }

    /// Counts one case in this week's totals, and records outcomes of its order or licence if
    /// it ended, its release, and its follow-up if it closed this week.
    #[inline(always)]
    fn count(&mut self, o: &Offender, managers: &[CaseManager]) {
        let open = &mut self.open;
        let week = open.record.week;
        if let Some(log) = &mut self.cases {
            log.week(o, week);
        }
        let rec = &mut open.record.cases;
        if let Some(m) = o.supervision.manager.index() {
            if managers[m].is_staff() {
                rec.held_by_staff += 1;
            } else {
                rec.held_by_volunteers += 1;
            }
        }
        let allocated = o.is_allocated();
        match o.journey.stage {
            Stage::PreSentence => {
                rec.pre_sentence += 1;
                if !allocated {
                    rec.unallocated += 1;
                }
            }
            Stage::Order | Stage::Licence => {
                if o.journey.stage == Stage::Order {
                    rec.active_orders += 1;
                } else {
                    rec.on_licence += 1;
                }
                if allocated {
                    rec.allocated += 1;
                    rec.relationship_sum += f64::from(o.supervision.relationship);
                    open.case_costs += self.costs.case_week[o.risk.index()];
                } else {
                    rec.unallocated += 1;
                }
            }
            Stage::Custody => {
                rec.in_custody += 1;
                let engaged = self.engage_weeks.is_some_and(|weeks| {
                    o.under_custodial_sentence() && week + 1 >= o.journey.release_due - weeks
                });
                if engaged && !allocated {
                    rec.unallocated += 1;
                }
            }
            Stage::FollowUp => rec.in_follow_up += 1,
            Stage::Closed => {}
        }
        if o.journey.stage != Stage::PreSentence {
            rec.contacts_due += u32::from(o.events.contact_due);
            rec.contacts_delivered += u32::from(o.events.contact_offered);
            rec.contacts_attended += u32::from(o.events.contact_attended);
            rec.contacts_covered +=
                u32::from(o.events.contact_offered && o.events.contact_by_cover);
        }
        rec.proven_in_custody += u32::from(o.events.proven_in_custody);
        if !open.in_window {
            return;
        }
        self.record_case(o, week);
    }

    /// Closes this week's record with the staff measures and the cost.
    fn end_week(&mut self, open: OpenWeek, managers: &[CaseManager]) {
        let (mut rec, case_costs) = (open.record, open.case_costs);
        // Staff measures are of paid staff; volunteers are counted apart.
        let staff = &mut rec.staff;
        for m in managers.iter().filter(|m| m.is_staff()) {
            if m.in_post() {
                staff.managers_in_post += 1;
            }
            if m.status == StaffStatus::Present {
                staff.managers_present += 1;
            }
            staff.hours_available += m.hours_available;
            staff.hours_delivered += m.hours_used;
        }
        rec.costs = self.costs.week(
            managers,
            rec.steps.leavers,
            rec.steps.work.chair_hours,
            rec.steps.services.cost,
            case_costs,
            rec.cases.in_custody,
        );
        rec.cost = rec.costs.total();
        self.weeks.push(rec);
    }

    /// Every measure of the replication.
    pub fn metrics(&self) -> Metrics {
        let all = OutcomeTally::sum(self.tallies.iter().flatten().flatten());
        Metrics::compute(&all, Some(self.window()))
    }

    /// The case measures by risk tier (both disposals).
    pub fn metrics_by_tier(&self) -> [Metrics; RiskTier::COUNT] {
        std::array::from_fn(|t| {
            Metrics::compute(
                &OutcomeTally::sum(self.tallies.iter().flat_map(|d| d[t].iter())),
                None,
            )
        })
    }

    /// The case measures by disposal (all tiers).
    pub fn metrics_by_disposal(&self) -> [Metrics; Disposal::COUNT] {
        std::array::from_fn(|d| {
            Metrics::compute(&OutcomeTally::sum(self.tallies[d].iter().flatten()), None)
        })
    }

    /// The case measures by age band at sentence (both disposals, all tiers).
    pub fn metrics_by_age(&self) -> [Metrics; AgeBand::COUNT] {
        std::array::from_fn(|a| {
            Metrics::compute(
                &OutcomeTally::sum(self.tallies.iter().flatten().map(|by_age| &by_age[a])),
                None,
            )
        })
    }

    /// The weeks of the measurement window.
    pub fn window(&self) -> Window<'_> {
        let start = (self.window_start.max(0) as usize).min(self.weeks.len());
        Window {
            weeks: &self.weeks[start..],
        }
    }

    /// One case's part of this week's outcome tallies (a week in the window).
    fn record_case(&mut self, o: &Offender, week: i32) {
        let ended = o.journey.order_ended == week;
        let released = o.events.released && o.journey.released == week + 1;
        let start = follow_up_start(o);
        let follow_up_ends = start != NEVER
            && start >= self.window_start
            && last_follow_up_week(o, self.follow_up_weeks) == week;
        // The first contact offered on a community order (the report's interview before
        // sentence is not counted: the tallies count contacts under supervision only).
        let first_order_contact = o.events.contact_offered
            && o.tallies.contacts_delivered == 1
            && o.journey.stage == Stage::Order
            && o.journey.order_start >= self.window_start;
        // Most case-weeks add to no tally: leave before finding the case's.
        if !(ended
            || released
            || follow_up_ends
            || first_order_contact
            || o.events.first_appointment.is_some()
            || o.events.first_contact_after_release)
        {
            return;
        }
        let tally = tally_of(&mut self.tallies, o);
        // A community order ended, or a licence reached the sentence's end.
        let custodial = o.journey.disposal == Disposal::Custody;
        if ended && o.journey.order_start >= self.window_start {
            let cohort = &mut tally.cohort;
            cohort.started += 1;
            cohort.custodial += u64::from(custodial);
            cohort.on_full_report += u64::from(o.report.done);
            cohort.treatment_required += u64::from(o.report.treatment_requirement);
            match (
                custodial,
                o.journey.outcome.expect("an ended sentence has an outcome"),
            ) {
                (true, _) if o.journey.recalls > 0 => cohort.recalled += 1,
                (_, OrderOutcome::Completed) => cohort.completed += 1,
                (_, OrderOutcome::Breached) => cohort.breached += 1,
                (_, OrderOutcome::RevokedOnReconviction) => cohort.revoked_on_reconviction += 1,
            }
            if !custodial {
                let t = weeks_since_start(o, week);
                if o.journey.outcome == Some(OrderOutcome::Breached) {
                    self.survival.breach.event(t);
                } else {
                    self.survival.breach.censor(t);
                }
            }
        }
        if ended && o.journey.order_start >= 0 {
            if custodial {
                tally.licences_ended += 1;
                tally.licences_recalled += u64::from(o.journey.recalls > 0);
            } else {
                tally.terminated += 1;
                match o.journey.outcome.expect("an ended order has an outcome") {
                    OrderOutcome::Completed => tally.completed += 1,
                    OrderOutcome::Breached => tally.breached += 1,
                    OrderOutcome::RevokedOnReconviction => tally.revoked_on_reconviction += 1,
                }
            }
            tally.handoffs += u64::from(o.supervision.handoffs);
            for (a, b) in tally
                .handoffs_by_cause
                .iter_mut()
                .zip(o.supervision.handoffs_by_cause)
            {
                *a += u64::from(b);
            }
            tally.weeks_unallocated += u64::from(o.tallies.weeks_unallocated);
            if let Some(share) = o.share_of_needs_met() {
                tally.needs_met_sum += share;
                tally.needs_met_cases += 1;
            }
            tally.supervised_weeks += u64::from(o.tallies.supervised_weeks);
            tally.violated += u64::from(o.tallies.violations > 0);
            tally.contacts_due += u64::from(o.tallies.contacts_due);
            tally.contacts_delivered += u64::from(o.tallies.contacts_delivered);
            self.groups.sentence_ended(o, custodial);
        }
        if released {
            let f = o.journey.at_release;
            let has = |flag: u8| u64::from(f & flag != 0);
            tally.released += 1;
            tally.service_need += has(at_release::SERVICE_NEED);
            tally.service_in_place += has(at_release::SERVICE_IN_PLACE);
            tally.housing_need += has(at_release::HOUSING_NEED);
            tally.housing_in_place += has(at_release::HOUSING_IN_PLACE);
        }
        if let Some(kept) = o.events.first_appointment {
            tally.first_appointments += 1;
            tally.first_appointments_missed += u64::from(!kept);
        }
        if first_order_contact {
            tally.orders_first_contacted += 1;
            tally.sentence_to_first_contact_weeks += (week - o.journey.order_start).max(0) as u64;
        }
        if o.events.first_contact_after_release {
            tally.first_contacts += 1;
            tally.first_contact_weeks += o.journey.first_contact_after_release.max(0) as u64;
        }
        if follow_up_ends {
            tally.followed_up += 1;
            let proven = u64::from(o.tallies.first_proven_reoffence != NEVER);
            tally.proven_in_follow_up += proven;
            self.groups.follow_up_ended(o, proven > 0);
            if o.supervision.service_history & service_history::COMPLETED != 0 {
                tally.followed_up_completed_service += 1;
                tally.proven_completed_service += proven;
            } else if o.supervision.service_history & service_history::DROPPED_OUT != 0 {
                tally.followed_up_dropped_out += 1;
                tally.proven_dropped_out += proven;
            }
            if o.journey.disposal == Disposal::Custody {
                if o.journey.order_due_end - o.journey.order_start < SHORT_SENTENCE_WEEKS {
                    tally.followed_up_short_sentence += 1;
                    tally.proven_short_sentence += proven;
                } else {
                    tally.followed_up_longer_sentence += 1;
                    tally.proven_longer_sentence += proven;
                }
            }
            self.survival.follow_up_ends(o, week);
        }
    }
}
