//! What is recorded: each week's state (the time series) and each case's outcome when its order
//! ends or its follow-up closes. Collection only: nothing here changes the model.
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

use crate::model::custody::SHORT_SENTENCE_WEEKS;
use crate::model::journey::{Disposal, OrderOutcome, Stage, follow_up_start, last_follow_up_week};
use crate::model::offender::{NEVER, Offender, RiskTier, at_release};
use crate::model::organisation::HandoffCause;
use crate::model::services::service_history;
use crate::model::workforce::{CaseManager, StaffStatus};
use crate::scenario::Scenario;

/// Unit costs of the `cost` measure, worked out from the scenario once.
#[derive(Clone, Copy, Debug, Default)]
struct UnitCosts {
    staff_hour: f64,
    /// A week in custody.
    custody_week: f64,
    /// A mode's non-staff cost for a case-week on an order, by tier.
    case_week: [f64; RiskTier::COUNT],
}

/// One week of one replication.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WeekRecord {
    pub week: i32,
    pub active_orders: u32,
    pub allocated: u32,
    pub unallocated: u32,
    pub in_follow_up: u32,
    pub managers_in_post: u32,
    pub managers_present: u32,
    pub hours_available: f64,
    pub hours_delivered: f64,
    pub contacts_due: u32,
    pub contacts_delivered: u32,
    pub contacts_attended: u32,
    pub new_orders: u32,
    pub completions: u32,
    pub warnings: u32,
    pub breaches: u32,
    pub revocations: u32,
    pub proven_reoffences: u32,
    /// Sum of relationship scores over allocated cases on an order (for the mean).
    pub relationship_sum: f64,
    /// Cases awaiting sentence while a pre-sentence report is written.
    pub pre_sentence: u32,
    /// Cases (reports and orders) held by paid staff, and by volunteers.
    pub held_by_staff: u32,
    pub held_by_volunteers: u32,
    /// Hours of seniors chairing case conferences (team and hybrid approaches).
    pub senior_hours: f64,
    /// Referrals to services made, and refused after advocacy.
    pub referrals: u32,
    pub referrals_refused: u32,
    /// Cases on a waiting list, and in treatment, after this week's admissions.
    pub service_waiting: u32,
    pub in_service: u32,
    pub service_starts: u32,
    pub service_completions: u32,
    pub service_dropouts: u32,
    /// Waits that ended this week, and their total length in weeks.
    pub service_waits_ended: u32,
    pub service_wait_weeks: u64,
    /// Needs the case manager took on personally for want of a service.
    pub substitutions: u32,
    /// Graduated sanctions imposed.
    pub sanctions: u32,
    /// Cost of service places used this week.
    pub service_cost: f64,
    /// Cost of the week: staff hours, service places, modes' non-staff costs and custody, at
    /// the scenario's unit costs.
    pub cost: f64,
    /// People in custody (serving a sentence, recalled, or after a revoked order), and on
    /// licence.
    pub in_custody: u32,
    pub on_licence: u32,
    /// Releases onto licence, and recalls to custody.
    pub releases: u32,
    pub recalls: u32,
    /// Proven offences committed in custody.
    pub proven_in_custody: u32,
    /// ICM case conferences held, agencies present at them (summed), families invited and
    /// attending.
    pub icm_conferences: u32,
    pub icm_agencies_present: u32,
    pub families_invited: u32,
    pub families_attended: u32,
}

impl WeekRecord {
    /// Names of the per-week quantities written to `timeseries.csv`, after `week`.
    pub const COLUMNS: [&'static str; 41] = [
        "active_orders",
        "allocated",
        "unallocated",
        "in_follow_up",
        "managers_in_post",
        "managers_present",
        "mean_caseload",
        "hours_available",
        "hours_delivered",
        "staff_utilisation",
        "contacts_due",
        "contacts_delivered",
        "contacts_attended",
        "new_orders",
        "completions",
        "warnings",
        "breaches",
        "revocations",
        "proven_reoffences",
        "pre_sentence",
        "held_by_staff",
        "held_by_volunteers",
        "senior_hours",
        "referrals",
        "referrals_refused",
        "service_waiting",
        "in_service",
        "service_starts",
        "service_completions",
        "service_dropouts",
        "mean_service_wait_weeks",
        "substitutions",
        "sanctions",
        "cost",
        "in_custody",
        "on_licence",
        "releases",
        "recalls",
        "proven_in_custody",
        "icm_conferences",
        "families_attended",
    ];

    /// Values in the order of [`WeekRecord::COLUMNS`]; `None` where a ratio is undefined.
    pub fn values(&self) -> [Option<f64>; 41] {
        let ratio = |a: f64, b: f64| (b > 0.0).then(|| a / b);
        [
            Some(self.active_orders.into()),
            Some(self.allocated.into()),
            Some(self.unallocated.into()),
            Some(self.in_follow_up.into()),
            Some(self.managers_in_post.into()),
            Some(self.managers_present.into()),
            ratio(self.held_by_staff.into(), self.managers_in_post.into()),
            Some(self.hours_available),
            Some(self.hours_delivered),
            ratio(self.hours_delivered, self.hours_available),
            Some(self.contacts_due.into()),
            Some(self.contacts_delivered.into()),
            Some(self.contacts_attended.into()),
            Some(self.new_orders.into()),
            Some(self.completions.into()),
            Some(self.warnings.into()),
            Some(self.breaches.into()),
            Some(self.revocations.into()),
            Some(self.proven_reoffences.into()),
            Some(self.pre_sentence.into()),
            Some(self.held_by_staff.into()),
            Some(self.held_by_volunteers.into()),
            Some(self.senior_hours),
            Some(self.referrals.into()),
            Some(self.referrals_refused.into()),
            Some(self.service_waiting.into()),
            Some(self.in_service.into()),
            Some(self.service_starts.into()),
            Some(self.service_completions.into()),
            Some(self.service_dropouts.into()),
            ratio(
                self.service_wait_weeks as f64,
                self.service_waits_ended.into(),
            ),
            Some(self.substitutions.into()),
            Some(self.sanctions.into()),
            Some(self.cost),
            Some(self.in_custody.into()),
            Some(self.on_licence.into()),
            Some(self.releases.into()),
            Some(self.recalls.into()),
            Some(self.proven_in_custody.into()),
            Some(self.icm_conferences.into()),
            Some(self.families_attended.into()),
        ]
    }
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
    /// The case measures below are summed over community orders terminated and licences
    /// ended.
    pub handoffs: u64,
    pub handoffs_by_cause: [u64; HandoffCause::COUNT],
    pub weeks_unallocated: u64,
    pub needs_met_sum: f64,
    pub needs_met_cases: u64,
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
    }

    /// The sum of several tallies (tiers, disposals).
    fn sum<'a>(tallies: impl IntoIterator<Item = &'a OutcomeTally>) -> OutcomeTally {
        let mut sum = OutcomeTally::default();
        for t in tallies {
            sum.add(t);
        }
        sum
    }

    /// Sentences ended (community orders terminated and licences ended): the denominator of
    /// the per-case measures.
    fn ended(&self) -> u64 {
        self.terminated + self.licences_ended
    }
}

/// Sums over the weeks of the measurement window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WindowTally {
    pub weeks: u64,
    pub hours_available: f64,
    pub hours_delivered: f64,
    pub senior_hours: f64,
    pub allocated_case_weeks: u64,
    pub staff_held_case_weeks: u64,
    pub manager_weeks_in_post: u64,
    pub unallocated_case_weeks: u64,
    pub relationship_sum: f64,
    pub contacts_delivered: u64,
    pub contacts_attended: u64,
    pub referrals: u64,
    pub service_starts: u64,
    pub service_completions: u64,
    pub service_dropouts: u64,
    pub service_waits_ended: u64,
    pub service_wait_weeks: u64,
    pub substitutions: u64,
    pub sanctions: u64,
    pub cost: f64,
    pub in_custody_weeks: u64,
    pub on_licence_weeks: u64,
    pub icm_conferences: u64,
    pub icm_agencies_present: u64,
    pub families_attended: u64,
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
    week - o.order_start + 1
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
        if o.first_proven_reoffence == NEVER {
            self.reoffence
                .censor(weeks_since_follow_up_start(o, last_seen));
        } else {
            self.reoffence
                .event(weeks_since_follow_up_start(o, o.first_proven_reoffence));
        }
    }

    pub fn add(&mut self, other: &Survival) {
        self.reoffence.add(&other.reoffence);
        self.breach.add(&other.breach);
    }
}

/// A week's record while its cases are counted.
pub struct OpenWeek {
    record: WeekRecord,
    case_costs: f64,
    in_window: bool,
}

/// Collects a replication's records as it runs.
pub struct Recorder {
    window_start: i32,
    follow_up_weeks: u32,
    costs: UnitCosts,
    /// Weeks before release that a community case manager takes a prisoner (through the gate),
    /// or none.
    engage_weeks: Option<i32>,
    /// Outcome tallies by disposal and tier.
    pub tallies: [[OutcomeTally; RiskTier::COUNT]; Disposal::COUNT],
    pub window: WindowTally,
    pub weeks: Vec<WeekRecord>,
    pub survival: Survival,
}

impl Recorder {
    pub fn new(s: &Scenario) -> Self {
        let (sim, c) = (&s.simulation, &s.costs);
        Recorder {
            window_start: sim.warmup_weeks as i32,
            follow_up_weeks: sim.follow_up_weeks,
            costs: UnitCosts {
                staff_hour: c.staff_hour,
                custody_week: c.custody_week,
                case_week: RiskTier::ALL.map(|t| s.modes.for_tier(t).cost_per_week),
            },
            engage_weeks: s
                .custody
                .through_the_gate
                .then_some(s.custody.engage_weeks_before_release as i32),
            tallies: Default::default(),
            window: WindowTally::default(),
            weeks: Vec::with_capacity(sim.weeks as usize),
            survival: Survival::default(),
        }
    }

    /// At the horizon (the end of week `last_week`): sentences of the cohort still running are
    /// counted open, and follow-ups still running are censored there.
    pub fn finish(&mut self, offenders: &[Offender], last_week: i32) {
        for o in offenders {
            if o.stage == Stage::PreSentence {
                continue;
            }
            if o.order_start >= self.window_start {
                let open = o.stage == Stage::Order || o.under_custodial_sentence();
                if o.stage == Stage::Order {
                    self.survival.breach.censor(weeks_since_start(o, last_week));
                }
                if open {
                    let cohort = &mut self.tallies[o.disposal.index()][o.risk.index()].cohort;
                    cohort.started += 1;
                    cohort.still_open += 1;
                    cohort.custodial += u64::from(o.disposal == Disposal::Custody);
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

    /// Opens this week's record: `partial` holds the counts the phases reported. Then
    /// [`Recorder::count_case`] for every case, and [`Recorder::close_week`].
    pub fn open_week(&self, week: i32, partial: WeekRecord) -> OpenWeek {
        OpenWeek {
            record: WeekRecord { week, ..partial },
            case_costs: 0.0,
            in_window: week >= self.window_start,
        }
    }

    /// Counts one case in this week's totals, and records outcomes of its order or licence if
    /// it ended, its release, and its follow-up if it closed this week.
    pub fn count_case(&mut self, open: &mut OpenWeek, o: &Offender, managers: &[CaseManager]) {
        let week = open.record.week;
        let rec = &mut open.record;
        if let Some(m) = o.manager.index() {
            if managers[m].is_staff() {
                rec.held_by_staff += 1;
            } else {
                rec.held_by_volunteers += 1;
            }
        }
        let allocated = o.is_allocated();
        match o.stage {
            Stage::PreSentence => {
                rec.pre_sentence += 1;
                if !allocated {
                    rec.unallocated += 1;
                }
            }
            Stage::Order | Stage::Licence => {
                if o.stage == Stage::Order {
                    rec.active_orders += 1;
                } else {
                    rec.on_licence += 1;
                }
                if allocated {
                    rec.allocated += 1;
                    rec.relationship_sum += f64::from(o.relationship);
                    open.case_costs += self.costs.case_week[o.risk.index()];
                } else {
                    rec.unallocated += 1;
                }
            }
            Stage::Custody => {
                rec.in_custody += 1;
                let engaged = self.engage_weeks.is_some_and(|weeks| {
                    o.under_custodial_sentence() && week + 1 >= o.release_due - weeks
                });
                if engaged && !allocated {
                    rec.unallocated += 1;
                }
            }
            Stage::FollowUp => rec.in_follow_up += 1,
            Stage::Closed => {}
        }
        if o.stage != Stage::PreSentence {
            rec.contacts_due += u32::from(o.events.contact_due);
            rec.contacts_delivered += u32::from(o.events.contact_offered);
            rec.contacts_attended += u32::from(o.events.contact_attended);
        }
        rec.proven_in_custody += u32::from(o.events.proven_in_custody);
        if !open.in_window {
            return;
        }
        self.record_case(o, week);
    }

    /// Closes this week's record with the staff measures and the cost.
    pub fn close_week(&mut self, open: OpenWeek, managers: &[CaseManager]) {
        let (mut rec, case_costs, in_window) = (open.record, open.case_costs, open.in_window);
        // Staff measures are of paid staff; volunteers are counted apart.
        for m in managers.iter().filter(|m| m.is_staff()) {
            if m.in_post() {
                rec.managers_in_post += 1;
            }
            if m.status == StaffStatus::Present {
                rec.managers_present += 1;
            }
            rec.hours_available += m.hours_available;
            rec.hours_delivered += m.hours_used;
        }
        rec.cost = (rec.hours_delivered + rec.senior_hours) * self.costs.staff_hour
            + rec.service_cost
            + case_costs
            + f64::from(rec.in_custody) * self.costs.custody_week;
        if in_window {
            let w = &mut self.window;
            w.weeks += 1;
            w.hours_available += rec.hours_available;
            w.hours_delivered += rec.hours_delivered;
            w.senior_hours += rec.senior_hours;
            w.allocated_case_weeks += u64::from(rec.allocated);
            w.staff_held_case_weeks += u64::from(rec.held_by_staff);
            w.manager_weeks_in_post += u64::from(rec.managers_in_post);
            w.unallocated_case_weeks += u64::from(rec.unallocated);
            w.relationship_sum += rec.relationship_sum;
            w.contacts_delivered += u64::from(rec.contacts_delivered);
            w.contacts_attended += u64::from(rec.contacts_attended);
            w.referrals += u64::from(rec.referrals);
            w.service_starts += u64::from(rec.service_starts);
            w.service_completions += u64::from(rec.service_completions);
            w.service_dropouts += u64::from(rec.service_dropouts);
            w.service_waits_ended += u64::from(rec.service_waits_ended);
            w.service_wait_weeks += rec.service_wait_weeks;
            w.substitutions += u64::from(rec.substitutions);
            w.sanctions += u64::from(rec.sanctions);
            w.cost += rec.cost;
            w.in_custody_weeks += u64::from(rec.in_custody);
            w.on_licence_weeks += u64::from(rec.on_licence);
            w.icm_conferences += u64::from(rec.icm_conferences);
            w.icm_agencies_present += u64::from(rec.icm_agencies_present);
            w.families_attended += u64::from(rec.families_attended);
        }
        self.weeks.push(rec);
    }

    /// One case's part of this week's outcome tallies (a week in the window).
    fn record_case(&mut self, o: &Offender, week: i32) {
        let tally = &mut self.tallies[o.disposal.index()][o.risk.index()];
        let ended = o.order_ended == week;
        // A community order ended, or a licence reached the sentence's end.
        let custodial = o.disposal == Disposal::Custody;
        if ended && o.order_start >= self.window_start {
            let cohort = &mut tally.cohort;
            cohort.started += 1;
            cohort.custodial += u64::from(custodial);
            match (
                custodial,
                o.outcome.expect("an ended sentence has an outcome"),
            ) {
                (true, _) if o.recalls > 0 => cohort.recalled += 1,
                (_, OrderOutcome::Completed) => cohort.completed += 1,
                (_, OrderOutcome::Breached) => cohort.breached += 1,
                (_, OrderOutcome::RevokedOnReconviction) => cohort.revoked_on_reconviction += 1,
            }
            if !custodial {
                let t = weeks_since_start(o, week);
                if o.outcome == Some(OrderOutcome::Breached) {
                    self.survival.breach.event(t);
                } else {
                    self.survival.breach.censor(t);
                }
            }
        }
        if ended && o.order_start >= 0 {
            if custodial {
                tally.licences_ended += 1;
                tally.licences_recalled += u64::from(o.recalls > 0);
            } else {
                tally.terminated += 1;
                match o.outcome.expect("an ended order has an outcome") {
                    OrderOutcome::Completed => tally.completed += 1,
                    OrderOutcome::Breached => tally.breached += 1,
                    OrderOutcome::RevokedOnReconviction => tally.revoked_on_reconviction += 1,
                }
            }
            tally.handoffs += u64::from(o.handoffs);
            for (a, b) in tally.handoffs_by_cause.iter_mut().zip(o.handoffs_by_cause) {
                *a += u64::from(b);
            }
            tally.weeks_unallocated += u64::from(o.weeks_unallocated);
            if let Some(share) = o.share_of_needs_met() {
                tally.needs_met_sum += share;
                tally.needs_met_cases += 1;
            }
            tally.supervised_weeks += u64::from(o.supervised_weeks);
            tally.contacts_due += u64::from(o.contacts_due);
            tally.contacts_delivered += u64::from(o.contacts_delivered);
        }
        if o.events.released && o.released == week + 1 {
            let f = o.at_release;
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
        if o.events.first_contact_after_release {
            tally.first_contacts += 1;
            tally.first_contact_weeks += o.first_contact_after_release.max(0) as u64;
        }
        let start = follow_up_start(o);
        if start != NEVER
            && start >= self.window_start
            && last_follow_up_week(o, self.follow_up_weeks) == week
        {
            tally.followed_up += 1;
            let proven = u64::from(o.first_proven_reoffence != NEVER);
            tally.proven_in_follow_up += proven;
            if o.service_history & service_history::COMPLETED != 0 {
                tally.followed_up_completed_service += 1;
                tally.proven_completed_service += proven;
            } else if o.service_history & service_history::DROPPED_OUT != 0 {
                tally.followed_up_dropped_out += 1;
                tally.proven_dropped_out += proven;
            }
            if o.disposal == Disposal::Custody {
                if o.order_due_end - o.order_start < SHORT_SENTENCE_WEEKS {
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

/// A replication's headline measures. `None` where a measure is undefined (no orders ended in
/// the window, no cohort followed up, no staff): written as an empty cell, never as NaN.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub completion_rate: Option<f64>,
    pub breach_rate: Option<f64>,
    pub reoffending_rate: Option<f64>,
    pub mean_handoffs: Option<f64>,
    pub mean_relationship: Option<f64>,
    pub needs_met_rate: Option<f64>,
    pub staff_utilisation: Option<f64>,
    pub mean_caseload: Option<f64>,
    pub unallocated_cases: Option<f64>,
    pub staff_hours: Option<f64>,
    pub revocation_on_reconviction_rate: Option<f64>,
    pub contacts_per_case_week: Option<f64>,
    pub contact_delivery_rate: Option<f64>,
    pub attendance_rate: Option<f64>,
    pub mean_weeks_unallocated: Option<f64>,
    pub orders_terminated: Option<f64>,
    pub cohort_followed_up: Option<f64>,
    /// `mean_handoffs` by cause: at a change of stage, after a case manager left, after a
    /// change of case type.
    pub handoffs_stage_change: Option<f64>,
    pub handoffs_staff_left: Option<f64>,
    pub handoffs_type_change: Option<f64>,
    /// Weeks from referral to a place (or to the wait's end otherwise), over waits ending in
    /// the window.
    pub mean_service_wait_weeks: Option<f64>,
    /// Share of services ended in the window that were completed rather than dropped out of.
    pub service_completion_rate: Option<f64>,
    pub service_starts_per_week: Option<f64>,
    /// Share of referrals that ended in the case manager's own work for want of a service.
    pub substitution_rate: Option<f64>,
    /// Graduated sanctions per order terminated.
    pub sanctions_per_order: Option<f64>,
    /// Mean cost a week in the window.
    pub cost: Option<f64>,
    /// Cost in the window per order terminated in it.
    pub cost_per_order: Option<f64>,
    /// Orders started in the measurement window, by where they stood at the horizon: shares
    /// completed, revoked for breach, revoked on a new conviction, and still running. They sum
    /// to one. Orders that start late in the window are more often still running.
    pub cohort_completed: Option<f64>,
    pub cohort_breached: Option<f64>,
    pub cohort_revoked_on_reconviction: Option<f64>,
    pub cohort_still_open: Option<f64>,
    /// Share of licences that ended in the window with at least one recall to custody.
    pub recall_rate: Option<f64>,
    pub licences_ended: Option<f64>,
    /// Custodial sentences started in the window that ended with a recall (with the other
    /// `cohort_*` shares, they sum to one).
    pub cohort_recalled: Option<f64>,
    /// Prisoners released in the window (first release), and the shares of those with a need
    /// who had a service, or housing, in place.
    pub prisoners_released: Option<f64>,
    pub services_in_place_at_release: Option<f64>,
    pub housing_in_place_at_release: Option<f64>,
    /// Share of first appointments after release that were missed, and mean weeks from release
    /// to the first kept appointment.
    pub missed_first_appointment_rate: Option<f64>,
    pub mean_weeks_to_first_contact: Option<f64>,
    /// Mean people in custody, and on licence, a week in the window.
    pub mean_in_custody: Option<f64>,
    pub mean_on_licence: Option<f64>,
    /// ICM case conferences: mean share of the nine agencies present, and share with the
    /// family there.
    pub icm_agency_attendance: Option<f64>,
    pub icm_family_attendance: Option<f64>,
    /// Proven reoffending within the follow-up of people who completed a service, and of people
    /// who dropped out of one without completing any.
    pub reoffending_after_service_completion: Option<f64>,
    pub reoffending_after_service_dropout: Option<f64>,
    /// Proven reoffending within a year of release from a custodial sentence under 12 months,
    /// and from one of 12 months or more.
    pub reoffending_after_short_sentence: Option<f64>,
    pub reoffending_after_longer_sentence: Option<f64>,
}

fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    (denominator > 0.0).then(|| numerator / denominator)
}

impl Metrics {
    /// Column names, in the order of [`Metrics::values`]. The first ten, and `recall_rate`,
    /// are the contract's.
    pub const NAMES: [&'static str; 47] = [
        "completion_rate",
        "breach_rate",
        "reoffending_rate",
        "mean_handoffs",
        "mean_relationship",
        "needs_met_rate",
        "staff_utilisation",
        "mean_caseload",
        "unallocated_cases",
        "staff_hours",
        "revocation_on_reconviction_rate",
        "contacts_per_case_week",
        "contact_delivery_rate",
        "attendance_rate",
        "mean_weeks_unallocated",
        "orders_terminated",
        "cohort_followed_up",
        "handoffs_stage_change",
        "handoffs_staff_left",
        "handoffs_type_change",
        "mean_service_wait_weeks",
        "service_completion_rate",
        "service_starts_per_week",
        "substitution_rate",
        "sanctions_per_order",
        "cost",
        "cost_per_order",
        "cohort_completed",
        "cohort_breached",
        "cohort_revoked_on_reconviction",
        "cohort_still_open",
        "recall_rate",
        "licences_ended",
        "cohort_recalled",
        "prisoners_released",
        "services_in_place_at_release",
        "housing_in_place_at_release",
        "missed_first_appointment_rate",
        "mean_weeks_to_first_contact",
        "mean_in_custody",
        "mean_on_licence",
        "icm_agency_attendance",
        "icm_family_attendance",
        "reoffending_after_service_completion",
        "reoffending_after_service_dropout",
        "reoffending_after_short_sentence",
        "reoffending_after_longer_sentence",
    ];

    /// Metrics that depend only on case outcomes, and so can be given per risk tier and per
    /// disposal.
    pub const CASE_NAMES: [&'static str; 29] = [
        "completion_rate",
        "breach_rate",
        "reoffending_rate",
        "mean_handoffs",
        "needs_met_rate",
        "revocation_on_reconviction_rate",
        "contacts_per_case_week",
        "contact_delivery_rate",
        "mean_weeks_unallocated",
        "orders_terminated",
        "handoffs_stage_change",
        "handoffs_staff_left",
        "handoffs_type_change",
        "cohort_completed",
        "cohort_breached",
        "cohort_revoked_on_reconviction",
        "cohort_still_open",
        "recall_rate",
        "licences_ended",
        "cohort_recalled",
        "prisoners_released",
        "services_in_place_at_release",
        "housing_in_place_at_release",
        "missed_first_appointment_rate",
        "mean_weeks_to_first_contact",
        "reoffending_after_service_completion",
        "reoffending_after_service_dropout",
        "reoffending_after_short_sentence",
        "reoffending_after_longer_sentence",
    ];

    pub fn values(&self) -> [Option<f64>; 47] {
        [
            self.completion_rate,
            self.breach_rate,
            self.reoffending_rate,
            self.mean_handoffs,
            self.mean_relationship,
            self.needs_met_rate,
            self.staff_utilisation,
            self.mean_caseload,
            self.unallocated_cases,
            self.staff_hours,
            self.revocation_on_reconviction_rate,
            self.contacts_per_case_week,
            self.contact_delivery_rate,
            self.attendance_rate,
            self.mean_weeks_unallocated,
            self.orders_terminated,
            self.cohort_followed_up,
            self.handoffs_stage_change,
            self.handoffs_staff_left,
            self.handoffs_type_change,
            self.mean_service_wait_weeks,
            self.service_completion_rate,
            self.service_starts_per_week,
            self.substitution_rate,
            self.sanctions_per_order,
            self.cost,
            self.cost_per_order,
            self.cohort_completed,
            self.cohort_breached,
            self.cohort_revoked_on_reconviction,
            self.cohort_still_open,
            self.recall_rate,
            self.licences_ended,
            self.cohort_recalled,
            self.prisoners_released,
            self.services_in_place_at_release,
            self.housing_in_place_at_release,
            self.missed_first_appointment_rate,
            self.mean_weeks_to_first_contact,
            self.mean_in_custody,
            self.mean_on_licence,
            self.icm_agency_attendance,
            self.icm_family_attendance,
            self.reoffending_after_service_completion,
            self.reoffending_after_service_dropout,
            self.reoffending_after_short_sentence,
            self.reoffending_after_longer_sentence,
        ]
    }

    /// Value of a named metric.
    pub fn get(&self, name: &str) -> Option<f64> {
        let i = Self::NAMES.iter().position(|n| *n == name)?;
        self.values()[i]
    }

    /// The case-outcome measures from a tally (one tier's or all tiers').
    fn from_outcomes(t: &OutcomeTally) -> Self {
        let terminated = t.terminated as f64;
        let ended = t.ended() as f64;
        Metrics {
            completion_rate: ratio(t.completed as f64, terminated),
            breach_rate: ratio(t.breached as f64, terminated),
            reoffending_rate: ratio(t.proven_in_follow_up as f64, t.followed_up as f64),
            mean_handoffs: ratio(t.handoffs as f64, ended),
            needs_met_rate: ratio(t.needs_met_sum, t.needs_met_cases as f64),
            revocation_on_reconviction_rate: ratio(t.revoked_on_reconviction as f64, terminated),
            contacts_per_case_week: ratio(t.contacts_delivered as f64, t.supervised_weeks as f64),
            contact_delivery_rate: ratio(t.contacts_delivered as f64, t.contacts_due as f64),
            mean_weeks_unallocated: ratio(t.weeks_unallocated as f64, ended),
            orders_terminated: Some(terminated),
            handoffs_stage_change: ratio(
                t.handoffs_by_cause[HandoffCause::StageChange as usize] as f64,
                ended,
            ),
            handoffs_staff_left: ratio(
                t.handoffs_by_cause[HandoffCause::StaffLeft as usize] as f64,
                ended,
            ),
            handoffs_type_change: ratio(
                t.handoffs_by_cause[HandoffCause::TypeChange as usize] as f64,
                ended,
            ),
            cohort_followed_up: Some(t.followed_up as f64),
            cohort_completed: ratio(t.cohort.completed as f64, t.cohort.started as f64),
            cohort_breached: ratio(t.cohort.breached as f64, t.cohort.started as f64),
            cohort_revoked_on_reconviction: ratio(
                t.cohort.revoked_on_reconviction as f64,
                t.cohort.started as f64,
            ),
            cohort_still_open: ratio(t.cohort.still_open as f64, t.cohort.started as f64),
            recall_rate: ratio(t.licences_recalled as f64, t.licences_ended as f64),
            licences_ended: Some(t.licences_ended as f64),
            cohort_recalled: (t.cohort.custodial > 0)
                .then(|| t.cohort.recalled as f64 / t.cohort.started as f64),
            prisoners_released: Some(t.released as f64),
            services_in_place_at_release: ratio(t.service_in_place as f64, t.service_need as f64),
            housing_in_place_at_release: ratio(t.housing_in_place as f64, t.housing_need as f64),
            missed_first_appointment_rate: ratio(
                t.first_appointments_missed as f64,
                t.first_appointments as f64,
            ),
            mean_weeks_to_first_contact: ratio(
                t.first_contact_weeks as f64,
                t.first_contacts as f64,
            ),
            reoffending_after_service_completion: ratio(
                t.proven_completed_service as f64,
                t.followed_up_completed_service as f64,
            ),
            reoffending_after_service_dropout: ratio(
                t.proven_dropped_out as f64,
                t.followed_up_dropped_out as f64,
            ),
            reoffending_after_short_sentence: ratio(
                t.proven_short_sentence as f64,
                t.followed_up_short_sentence as f64,
            ),
            reoffending_after_longer_sentence: ratio(
                t.proven_longer_sentence as f64,
                t.followed_up_longer_sentence as f64,
            ),
            ..Metrics::default()
        }
    }

    /// All measures of a replication.
    pub fn from_recorder(r: &Recorder) -> Self {
        let all = OutcomeTally::sum(r.tallies.iter().flatten());
        let w = &r.window;
        let weeks = w.weeks as f64;
        Metrics {
            mean_relationship: ratio(w.relationship_sum, w.allocated_case_weeks as f64),
            staff_utilisation: ratio(w.hours_delivered, w.hours_available),
            mean_caseload: ratio(
                w.staff_held_case_weeks as f64,
                w.manager_weeks_in_post as f64,
            ),
            unallocated_cases: ratio(w.unallocated_case_weeks as f64, weeks),
            staff_hours: ratio(w.hours_delivered + w.senior_hours, weeks),
            attendance_rate: ratio(w.contacts_attended as f64, w.contacts_delivered as f64),
            mean_service_wait_weeks: ratio(
                w.service_wait_weeks as f64,
                w.service_waits_ended as f64,
            ),
            service_completion_rate: ratio(
                w.service_completions as f64,
                (w.service_completions + w.service_dropouts) as f64,
            ),
            service_starts_per_week: ratio(w.service_starts as f64, weeks),
            substitution_rate: ratio(w.substitutions as f64, w.referrals as f64),
            sanctions_per_order: ratio(w.sanctions as f64, all.terminated as f64),
            cost: ratio(w.cost, weeks),
            cost_per_order: ratio(w.cost, all.ended() as f64),
            mean_in_custody: ratio(w.in_custody_weeks as f64, weeks),
            mean_on_licence: ratio(w.on_licence_weeks as f64, weeks),
            icm_agency_attendance: ratio(
                w.icm_agencies_present as f64,
                (w.icm_conferences * crate::scenario::Agency::COUNT as u64) as f64,
            ),
            icm_family_attendance: ratio(w.families_attended as f64, w.icm_conferences as f64),
            ..Self::from_outcomes(&all)
        }
    }

    /// Case-outcome measures by risk tier (both disposals).
    pub fn by_tier(r: &Recorder) -> [Metrics; RiskTier::COUNT] {
        std::array::from_fn(|t| {
            Self::from_outcomes(&OutcomeTally::sum(r.tallies.iter().map(|d| &d[t])))
        })
    }

    /// Case-outcome measures by disposal (all tiers).
    pub fn by_disposal(r: &Recorder) -> [Metrics; Disposal::COUNT] {
        std::array::from_fn(|d| Self::from_outcomes(&OutcomeTally::sum(&r.tallies[d])))
    }
}
