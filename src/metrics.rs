//! What is recorded: each week's state (the time series) and each case's outcome when its order
//! ends or its follow-up closes. Collection only: nothing here changes the model.
//!
//! Measurement follows the published statistics:
//! - order outcomes (completion, breach) over orders **terminated** in the measurement window
//!   (weeks from `warmup_weeks` to the end), as the MoJ counts terminations; orders of the
//!   initial caseload, which started before the simulation, are left out;
//! - proven reoffending over the **cohort starting** orders in the window whose follow-up
//!   (`follow_up_weeks`, one year) ends within the horizon, as the MoJ proven reoffending
//!   measure does;
//! - workload and staffing as means over the weeks of the window.

use serde::{Deserialize, Serialize};

use crate::model::journey::{OrderOutcome, Stage, last_follow_up_week};
use crate::model::offender::{NEVER, Offender, RiskTier};
use crate::model::organisation::HandoffCause;
use crate::model::workforce::{CaseManager, StaffStatus};
use crate::scenario::Scenario;

/// Unit costs of the `cost` measure, worked out from the scenario once.
#[derive(Clone, Copy, Debug, Default)]
struct UnitCosts {
    staff_hour: f64,
    /// Custody after a revocation.
    revocation: f64,
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
    /// Cost of the week: staff hours, service places, modes' non-staff costs and custody
    /// after revocation, at the scenario's unit costs.
    pub cost: f64,
}

impl WeekRecord {
    /// Names of the per-week quantities written to `timeseries.csv`, after `week`.
    pub const COLUMNS: [&'static str; 34] = [
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
    ];

    /// Values in the order of [`WeekRecord::COLUMNS`]; `None` where a ratio is undefined.
    pub fn values(&self) -> [Option<f64>; 34] {
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
        ]
    }
}

/// Outcome counts for one risk tier (or all tiers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OutcomeTally {
    pub terminated: u64,
    pub completed: u64,
    pub breached: u64,
    pub revoked_on_reconviction: u64,
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
    /// Orders that started in the measurement window, by where they stood at the horizon.
    pub cohort: CohortTally,
}

/// Orders that started in the measurement window, by how they ended or whether they were still
/// running at the horizon: the denominator every order started, unlike the order-outcome rates,
/// whose denominator is the orders that ended in the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CohortTally {
    pub started: u64,
    pub completed: u64,
    pub breached: u64,
    pub revoked_on_reconviction: u64,
    pub still_open: u64,
}

impl OutcomeTally {
    fn add(&mut self, other: &OutcomeTally) {
        self.terminated += other.terminated;
        self.completed += other.completed;
        self.breached += other.breached;
        self.revoked_on_reconviction += other.revoked_on_reconviction;
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
        let (c, o) = (&mut self.cohort, &other.cohort);
        c.started += o.started;
        c.completed += o.completed;
        c.breached += o.breached;
        c.revoked_on_reconviction += o.revoked_on_reconviction;
        c.still_open += o.still_open;
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

/// The time-to-event cohorts: orders starting in the measurement window.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Survival {
    /// Time to the first proven reoffence, within the follow-up period.
    pub reoffence: TimeToEvent,
    /// Time to revocation for breach, while on the order; the order ending otherwise
    /// (completion, revocation on reconviction) censors it.
    pub breach: TimeToEvent,
}

impl Survival {
    /// Records the end of `o`'s reoffending follow-up, last seen at the end of `last_seen`: an
    /// event at the first proven reoffence, if any, else a censored time.
    fn follow_up_ends(&mut self, o: &Offender, last_seen: i32) {
        if o.first_proven_reoffence == NEVER {
            self.reoffence.censor(weeks_since_start(o, last_seen));
        } else {
            self.reoffence
                .event(weeks_since_start(o, o.first_proven_reoffence));
        }
    }

    pub fn add(&mut self, other: &Survival) {
        self.reoffence.add(&other.reoffence);
        self.breach.add(&other.breach);
    }
}

/// Collects a replication's records as it runs.
pub struct Recorder {
    window_start: i32,
    follow_up_weeks: u32,
    costs: UnitCosts,
    pub by_tier: [OutcomeTally; RiskTier::COUNT],
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
                revocation: c.custody_weeks_per_revocation * c.custody_week,
                case_week: RiskTier::ALL.map(|t| s.modes.for_tier(t).cost_per_week),
            },
            by_tier: Default::default(),
            window: WindowTally::default(),
            weeks: Vec::with_capacity(sim.weeks as usize),
            survival: Survival::default(),
        }
    }

    /// At the horizon (the end of week `last_week`): cases of the cohort still on their order or
    /// in follow-up are censored there.
    pub fn finish(&mut self, offenders: &[Offender], last_week: i32) {
        for o in offenders {
            if o.order_start < self.window_start || o.stage == Stage::PreSentence {
                continue;
            }
            if o.stage == Stage::Order {
                self.survival.breach.censor(weeks_since_start(o, last_week));
                let cohort = &mut self.by_tier[o.risk.index()].cohort;
                cohort.started += 1;
                cohort.still_open += 1;
            }
            if last_follow_up_week(o, self.follow_up_weeks) > last_week {
                self.survival.follow_up_ends(o, last_week);
            }
        }
    }

    /// Records this week: outcomes of orders that ended and follow-ups that closed this week,
    /// and the week's totals. `partial` holds the counts the phases reported.
    pub fn record_week(
        &mut self,
        week: i32,
        offenders: &[Offender],
        managers: &[CaseManager],
        partial: WeekRecord,
    ) {
        let in_window = week >= self.window_start;
        let mut rec = WeekRecord { week, ..partial };
        let mut case_costs = 0.0;
        for o in offenders {
            if let Some(m) = o.manager.index() {
                if managers[m].is_staff() {
                    rec.held_by_staff += 1;
                } else {
                    rec.held_by_volunteers += 1;
                }
            }
            match o.stage {
                Stage::PreSentence => {
                    rec.pre_sentence += 1;
                    if !o.is_allocated() {
                        rec.unallocated += 1;
                    }
                }
                Stage::Order if o.is_allocated() => {
                    rec.active_orders += 1;
                    rec.allocated += 1;
                    rec.relationship_sum += f64::from(o.relationship);
                    case_costs += self.costs.case_week[o.risk.index()];
                }
                Stage::Order => {
                    rec.active_orders += 1;
                    rec.unallocated += 1;
                }
                Stage::FollowUp => rec.in_follow_up += 1,
                Stage::Closed => {}
            }
            if o.stage != Stage::PreSentence {
                rec.contacts_due += u32::from(o.events.contact_due);
                rec.contacts_delivered += u32::from(o.events.contact_offered);
                rec.contacts_attended += u32::from(o.events.contact_attended);
            }
            if !in_window {
                continue;
            }
            let tally = &mut self.by_tier[o.risk.index()];
            let in_cohort = o.order_start >= self.window_start;
            if in_cohort && o.order_ended == week {
                let t = weeks_since_start(o, week);
                if o.outcome == Some(OrderOutcome::Breached) {
                    self.survival.breach.event(t);
                } else {
                    self.survival.breach.censor(t);
                }
                let cohort = &mut tally.cohort;
                cohort.started += 1;
                match o.outcome.expect("an ended order has an outcome") {
                    OrderOutcome::Completed => cohort.completed += 1,
                    OrderOutcome::Breached => cohort.breached += 1,
                    OrderOutcome::RevokedOnReconviction => cohort.revoked_on_reconviction += 1,
                }
            }
            if o.order_ended == week && o.order_start >= 0 {
                let outcome = o.outcome.expect("an ended order has an outcome");
                tally.terminated += 1;
                match outcome {
                    OrderOutcome::Completed => tally.completed += 1,
                    OrderOutcome::Breached => tally.breached += 1,
                    OrderOutcome::RevokedOnReconviction => tally.revoked_on_reconviction += 1,
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
            if in_cohort && last_follow_up_week(o, self.follow_up_weeks) == week {
                tally.followed_up += 1;
                if o.first_proven_reoffence != NEVER {
                    tally.proven_in_follow_up += 1;
                }
                self.survival.follow_up_ends(o, week);
            }
        }
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
            + f64::from(rec.revocations) * self.costs.revocation;
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
        }
        self.weeks.push(rec);
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
}

fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    (denominator > 0.0).then(|| numerator / denominator)
}

impl Metrics {
    /// Column names, in the order of [`Metrics::values`]. The first ten are the contract's.
    pub const NAMES: [&'static str; 31] = [
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
    ];

    /// Metrics that depend only on case outcomes, and so can be given per risk tier.
    pub const CASE_NAMES: [&'static str; 17] = [
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
    ];

    pub fn values(&self) -> [Option<f64>; 31] {
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
        ]
    }

    /// Value of a named metric.
    pub fn get(&self, name: &str) -> Option<f64> {
        let i = Self::NAMES.iter().position(|n| *n == name)?;
        self.values()[i]
    }

    /// The case-outcome measures from a tally (one tier's or all tiers').
    fn from_outcomes(t: &OutcomeTally) -> Self {
        let ended = t.terminated as f64;
        Metrics {
            completion_rate: ratio(t.completed as f64, ended),
            breach_rate: ratio(t.breached as f64, ended),
            reoffending_rate: ratio(t.proven_in_follow_up as f64, t.followed_up as f64),
            mean_handoffs: ratio(t.handoffs as f64, ended),
            needs_met_rate: ratio(t.needs_met_sum, t.needs_met_cases as f64),
            revocation_on_reconviction_rate: ratio(t.revoked_on_reconviction as f64, ended),
            contacts_per_case_week: ratio(t.contacts_delivered as f64, t.supervised_weeks as f64),
            contact_delivery_rate: ratio(t.contacts_delivered as f64, t.contacts_due as f64),
            mean_weeks_unallocated: ratio(t.weeks_unallocated as f64, ended),
            orders_terminated: Some(ended),
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
            ..Metrics::default()
        }
    }

    /// All measures of a replication.
    pub fn from_recorder(r: &Recorder) -> Self {
        let mut all = OutcomeTally::default();
        for t in &r.by_tier {
            all.add(t);
        }
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
            cost_per_order: ratio(w.cost, all.terminated as f64),
            ..Self::from_outcomes(&all)
        }
    }

    /// Case-outcome measures by risk tier.
    pub fn by_tier(r: &Recorder) -> [Metrics; RiskTier::COUNT] {
        r.by_tier.map(|t| Self::from_outcomes(&t))
    }
}
