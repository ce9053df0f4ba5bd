//! The measure table: every output measure declared once — its name (the CSV column), unit,
//! plain-language label, meaning, and how it is computed from the tallies. The declarations
//! generate the [`Metrics`] of a replication (one field each, in the order of `summary.csv`), the
//! CSV columns, the labels of the printed table, plots and report, and `docs/outputs.md`.
//! [`COLUMNS`] does the same for the weekly series of `timeseries.csv`.

use serde::{Deserialize, Serialize};

use crate::metrics::recorder::{OutcomeTally, WeekRecord};
use crate::model::organisation::HandoffCause;
use crate::scenario::Agency;

/// How a measure's values read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A fraction from 0 to 1, shown as a percentage.
    Share,
    /// A score from 0 to 1 (the working relationship).
    Score,
    /// A count or mean of things, with what is counted: "cases", "handoffs per order".
    Count(&'static str),
    /// Weeks.
    Weeks,
    /// Hours a week.
    Hours,
    /// Money in the scenario's cost units (pounds by default), with what it is per: "a week".
    Money(&'static str),
}

impl Unit {
    /// The range a value in this unit can take: shares and scores 0 to 1, every other
    /// measure (counts, weeks, hours, money) 0 and up. Confidence intervals are cut to it.
    pub fn bounds(self) -> (f64, f64) {
        match self {
            Unit::Share | Unit::Score => (0.0, 1.0),
            Unit::Count(_) | Unit::Weeks | Unit::Hours | Unit::Money(_) => (0.0, f64::INFINITY),
        }
    }

    /// The unit in words, for the docs.
    pub fn words(self) -> String {
        match self {
            Unit::Share => "share, 0 to 1".into(),
            Unit::Score => "score, 0 to 1".into(),
            Unit::Count(what) => what.into(),
            Unit::Weeks => "weeks".into(),
            Unit::Hours => "hours a week".into(),
            Unit::Money(per) => format!("£ {per}"),
        }
    }
}

/// What a measure is computed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Case outcomes: computed from the outcome tallies, so also given by risk tier and by
    /// disposal (`by_tier.csv`, `by_disposal.csv`).
    Case,
    /// The weeks of the measurement window (workload, staffing, services, cost).
    Window,
}

/// One measure, as declared.
#[derive(Clone, Copy, Debug)]
pub struct Measure {
    /// Its column in `summary.csv` and row in `stats.csv`.
    pub name: &'static str,
    pub unit: Unit,
    pub scope: Scope,
    /// Plain-language label, for the printed table, plots and the report.
    pub label: &'static str,
    /// What it means, in a sentence (its doc comment).
    pub meaning: &'static [&'static str],
    /// How it is computed from the tallies, in words.
    pub formula: &'static str,
}

impl Measure {
    /// The meaning as one line of text.
    pub fn meaning_text(&self) -> String {
        self.meaning
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A label to start a sentence or title a plot with: "Orders completed".
    pub fn title(&self) -> String {
        let mut chars = self.label.chars();
        match chars.next() {
            Some(c) => c.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    }
}

/// The measure of that name.
pub fn measure(name: &str) -> Option<&'static Measure> {
    MEASURES.iter().find(|m| m.name == name)
}

/// `numerator / denominator`, undefined when there is nothing to divide by.
fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    (denominator > 0.0).then(|| numerator / denominator)
}

/// The weeks of the measurement window, for the window's measures.
#[derive(Clone, Copy)]
pub struct Window<'a> {
    pub weeks: &'a [WeekRecord],
}

impl Window<'_> {
    const NONE: Window<'static> = Window { weeks: &[] };

    /// Sum over the window's weeks of a count.
    fn count(&self, of: impl Fn(&WeekRecord) -> u32) -> f64 {
        self.weeks.iter().map(|w| u64::from(of(w))).sum::<u64>() as f64
    }

    /// Sum over the window's weeks of an amount, in week order.
    fn total(&self, of: impl Fn(&WeekRecord) -> f64) -> f64 {
        self.weeks.iter().fold(0.0, |sum, w| sum + of(w))
    }

    fn len(&self) -> f64 {
        self.weeks.len() as f64
    }
}

macro_rules! measures {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident: $scope:ident, $unit:expr, $label:literal, $formula:literal,
            |$t:ident, $w:ident| $compute:expr;
    )*) => {
        /// A replication's measures, one for each entry of [`MEASURES`]. `None` where a measure
        /// is undefined (no orders ended in the window, no cohort followed up, no staff):
        /// written as an empty cell, never as NaN.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
        pub struct Metrics {
            $( $(#[doc = $doc])* pub $name: Option<f64>, )*
        }

        /// Every measure, in the order of `summary.csv`'s columns.
        pub const MEASURES: &[Measure] = &[$(
            Measure {
                name: stringify!($name),
                unit: $unit,
                scope: Scope::$scope,
                label: $label,
                meaning: &[$($doc),*],
                formula: $formula,
            },
        )*];

        impl Metrics {
            /// How many measures there are.
            pub const COUNT: usize = [$(stringify!($name)),*].len();

            /// The values in [`MEASURES`] order.
            pub fn values(&self) -> [Option<f64>; Self::COUNT] {
                [$(self.$name),*]
            }

            /// Every measure from the outcome tallies `t` and, for the window's measures, the
            /// window's weeks (without them those measures are undefined: a tier's or a
            /// disposal's measures are the case measures only).
            pub fn compute(t: &OutcomeTally, window: Option<Window<'_>>) -> Metrics {
                Metrics {$(
                    $name: if Scope::$scope == Scope::Case || window.is_some() {
                        let ($t, $w) = (t, window.unwrap_or(Window::NONE));
                        let _ = (&$t, &$w);
                        $compute
                    } else {
                        None
                    },
                )*}
            }
        }
    };
}

measures! {
    /// Of the community orders that ended in the window (the initial caseload's excluded), the
    /// share that ran their full length.
    completion_rate: Case, Unit::Share, "orders completed",
        "orders completed / orders terminated",
        |t, w| ratio(t.completed as f64, t.terminated as f64);
    /// Of those orders, the share the court revoked after breach proceedings.
    breach_rate: Case, Unit::Share, "orders revoked for breach",
        "orders revoked for breach / orders terminated",
        |t, w| ratio(t.breached as f64, t.terminated as f64);
    /// Of the people who started an order, or were released from custody, in the window and
    /// whose follow-up ended within the run, the share with a proven reoffence within the
    /// follow-up (a year): the basis of the MoJ proven reoffending measure.
    reoffending_rate: Case, Unit::Share, "proven reoffending within a year",
        "people with a proven reoffence in their follow-up / people followed up",
        |t, w| ratio(t.proven_in_follow_up as f64, t.followed_up as f64);
    /// Changes of case manager per sentence ended (community orders terminated and licences
    /// ended).
    mean_handoffs: Case, Unit::Count("handoffs per order"), "handoffs per order",
        "handoffs / sentences ended",
        |t, w| ratio(t.handoffs as f64, t.ended() as f64);
    /// Mean working relationship (0-1) over allocated case-weeks in the window.
    mean_relationship: Window, Unit::Score, "working relationship (0-1)",
        "sum of relationship scores / allocated case-weeks",
        |t, w| ratio(
            w.total(|r| r.cases.relationship_sum),
            w.count(|r| r.cases.allocated),
        );
    /// Mean over terminated orders (that started with a need) of the share of needs present
    /// at the start that were at severity 0 at the end.
    needs_met_rate: Case, Unit::Share, "needs met by the order's end",
        "sum of each ended sentence's share of needs met / sentences ended with a need",
        |t, w| ratio(t.needs_met_sum, t.needs_met_cases as f64);
    /// Hours delivered over hours available (present case managers) in the window.
    staff_utilisation: Window, Unit::Share, "case managers' hours in use",
        "hours delivered / hours available",
        |t, w| ratio(
            w.total(|r| r.staff.hours_delivered),
            w.total(|r| r.staff.hours_available),
        );
    /// Cases (orders and reports in preparation) held by paid staff per case manager in post.
    mean_caseload: Window, Unit::Count("cases"), "cases per case manager",
        "case-weeks held by paid staff / in-post case-manager-weeks",
        |t, w| ratio(
            w.count(|r| r.cases.held_by_staff),
            w.count(|r| r.staff.managers_in_post),
        );
    /// Cases (orders and reports) waiting for a case manager in an average week of the window,
    /// a leaver's cases included in the week they leave (they are reallocated the next week).
    unallocated_cases: Window, Unit::Count("cases"), "cases waiting for allocation",
        "unallocated case-weeks / weeks",
        |t, w| ratio(w.count(|r| r.cases.unallocated), w.len());
    /// Case-management hours delivered a week (paid staff, and seniors chairing conferences).
    staff_hours: Window, Unit::Hours, "case-management hours a week",
        "(hours delivered + chairs' hours) / weeks",
        |t, w| ratio(
            w.total(|r| r.staff.hours_delivered) + w.total(|r| r.steps.work.chair_hours),
            w.len(),
        );
    /// Of the sentences that ended in the window (orders terminated and licences ended), the share
    /// with at least one detected failure to comply that was enforced: a technical violation.
    violation_rate: Case, Unit::Share, "sentences with a technical violation",
        "sentences ended with a detected violation / sentences ended",
        |t, w| ratio(t.violated as f64, t.ended() as f64);
    /// Of the community orders that ended in the window, the share revoked on a new conviction.
    revocation_on_reconviction_rate: Case, Unit::Share, "orders revoked on a new conviction",
        "orders revoked on reconviction / orders terminated",
        |t, w| ratio(t.revoked_on_reconviction as f64, t.terminated as f64);
    /// Contacts delivered per week under supervision, over sentences ended.
    contacts_per_case_week: Case, Unit::Count("contacts a week"), "contacts a week per case",
        "contacts delivered / weeks under supervision",
        |t, w| ratio(t.contacts_delivered as f64, t.supervised_weeks as f64);
    /// Contacts delivered of those due, over sentences ended (an undelivered contact stays
    /// due, so a contact cut twice counts twice).
    contact_delivery_rate: Case, Unit::Share, "contacts due that were delivered",
        "contacts delivered / contacts due",
        |t, w| ratio(t.contacts_delivered as f64, t.contacts_due as f64);
    /// Contacts kept of those delivered in the window.
    attendance_rate: Window, Unit::Share, "contacts attended",
        "contacts kept / contacts delivered",
        |t, w| ratio(
            w.count(|r| r.cases.contacts_attended),
            w.count(|r| r.cases.contacts_delivered),
        );
    /// Weeks waiting for a case manager per sentence ended.
    mean_weeks_unallocated: Case, Unit::Weeks, "weeks unallocated per order",
        "weeks unallocated / sentences ended",
        |t, w| ratio(t.weeks_unallocated as f64, t.ended() as f64);
    /// Community orders terminated in the window: the denominator of the order-outcome rates.
    orders_terminated: Case, Unit::Count("orders"), "orders terminated",
        "orders terminated",
        |t, w| Some(t.terminated as f64);
    /// People followed up: the denominator of `reoffending_rate`.
    cohort_followed_up: Case, Unit::Count("people"), "people followed up",
        "people whose follow-up ended in the run",
        |t, w| Some(t.followed_up as f64);
    /// `mean_handoffs` at a change of stage: a report writer handing the order to a
    /// supervisor at sentence (task and type streaming).
    handoffs_stage_change: Case, Unit::Count("handoffs per order"),
        "handoffs at a change of stage per order",
        "handoffs at a change of stage / sentences ended",
        |t, w| ratio(
            t.handoffs_by_cause[HandoffCause::StageChange as usize] as f64,
            t.ended() as f64,
        );
    /// `mean_handoffs` after a case manager or team member left.
    handoffs_staff_left: Case, Unit::Count("handoffs per order"),
        "handoffs after a case manager left per order",
        "handoffs after a leaver / sentences ended",
        |t, w| ratio(
            t.handoffs_by_cause[HandoffCause::StaffLeft as usize] as f64,
            t.ended() as f64,
        );
    /// `mean_handoffs` when the case moved to another specialist as its type changed (need
    /// streaming).
    handoffs_type_change: Case, Unit::Count("handoffs per order"),
        "handoffs at a change of type per order",
        "handoffs at a change of type / sentences ended",
        |t, w| ratio(
            t.handoffs_by_cause[HandoffCause::TypeChange as usize] as f64,
            t.ended() as f64,
        );
    /// Weeks from referral to the end of the wait (a place, the case manager's own work, or
    /// the order's end), over waits ending in the window; undefined when no referral waited.
    mean_service_wait_weeks: Window, Unit::Weeks, "weeks waiting for a service",
        "weeks waited / waits ended",
        |t, w| ratio(
            w.weeks.iter().map(|r| r.steps.services.wait_weeks).sum::<u64>() as f64,
            w.count(|r| r.steps.services.waits_ended),
        );
    /// Services completed of those ended (completed or dropped out of) in the window.
    service_completion_rate: Window, Unit::Share, "services completed",
        "services completed / services ended",
        |t, w| ratio(
            w.count(|r| r.steps.services.completions),
            w.count(|r| r.steps.services.completions + r.steps.services.dropouts),
        );
    /// Places taken up a week in the window.
    service_starts_per_week: Window, Unit::Count("starts a week"), "service starts a week",
        "places taken up / weeks",
        |t, w| ratio(w.count(|r| r.steps.services.starts), w.len());
    /// Referrals that ended in the case manager's own work for want of a service, of the
    /// referrals made in the window.
    substitution_rate: Window, Unit::Share, "referrals the case manager stood in for",
        "substitutions / referrals",
        |t, w| ratio(
            w.count(|r| r.steps.work.substitutions + r.steps.services.substitutions),
            w.count(|r| r.steps.work.referrals),
        );
    /// Graduated sanctions imposed in the window per order terminated in it.
    sanctions_per_order: Window, Unit::Count("sanctions per order"), "sanctions per order",
        "sanctions / orders terminated",
        |t, w| ratio(w.count(|r| r.steps.enforcement.sanctions), t.terminated as f64);
    /// Mean cost a week in the window, the budget: paid posts (present or absent), agency
    /// cover, recruitment, volunteers, chairs, service places, the modes' requirements and
    /// every week anyone spends in custody (docs/ODD.md "The budget"; the sum of the
    /// `*_cost` measures; before the budget it counted only the staff hours worked).
    cost: Window, Unit::Money("a week"), "cost a week",
        "cost of the window / weeks",
        |t, w| ratio(w.total(|r| r.cost), w.len());
    /// The window's cost per sentence ended in it (orders terminated and licences ended).
    cost_per_order: Window, Unit::Money("per order"), "cost per order",
        "cost of the window / sentences ended",
        |t, w| ratio(w.total(|r| r.cost), t.ended() as f64);
    /// Sentences started in the window that were completed by the horizon (a custodial
    /// sentence: ended without recall). With the other `cohort_*` shares it sums to 1; unlike
    /// `completion_rate`, orders still open are in the denominator.
    cohort_completed: Case, Unit::Share, "sentences started: completed",
        "completed / sentences started in the window",
        |t, w| ratio(t.cohort.completed as f64, t.cohort.started as f64);
    /// Sentences started in the window revoked for breach by the horizon.
    cohort_breached: Case, Unit::Share, "sentences started: revoked for breach",
        "revoked for breach / sentences started in the window",
        |t, w| ratio(t.cohort.breached as f64, t.cohort.started as f64);
    /// Sentences started in the window revoked on a new conviction by the horizon.
    cohort_revoked_on_reconviction: Case, Unit::Share,
        "sentences started: revoked on a new conviction",
        "revoked on reconviction / sentences started in the window",
        |t, w| ratio(t.cohort.revoked_on_reconviction as f64, t.cohort.started as f64);
    /// Sentences started in the window still running at the horizon (more often those that
    /// started late in it).
    cohort_still_open: Case, Unit::Share, "sentences started: still running",
        "still running / sentences started in the window",
        |t, w| ratio(t.cohort.still_open as f64, t.cohort.started as f64);
    /// Licences that ended in the window with at least one recall to custody.
    recall_rate: Case, Unit::Share, "licences recalled to custody",
        "licences recalled / licences ended",
        |t, w| ratio(t.licences_recalled as f64, t.licences_ended as f64);
    /// Licences that ended in the window: the denominator of `recall_rate`.
    licences_ended: Case, Unit::Count("licences"), "licences ended",
        "licences ended",
        |t, w| Some(t.licences_ended as f64);
    /// Custodial sentences started in the window that ended with a recall (undefined when
    /// nobody was sent to custody).
    cohort_recalled: Case, Unit::Share, "sentences started: recalled",
        "recalled / sentences started in the window",
        |t, w| (t.cohort.custodial > 0)
            .then(|| t.cohort.recalled as f64 / t.cohort.started as f64);
    /// Sentences started in the window that were custodial (by_disposal.csv splits the
    /// rest of the measures by it; this is the court's split itself).
    custodial_share: Case, Unit::Share, "sentences started: custodial",
        "custodial sentences / sentences started in the window",
        |t, w| ratio(t.cohort.custodial as f64, t.cohort.started as f64);
    /// Sentences started in the window passed on a full pre-sentence report.
    sentenced_on_full_report: Case, Unit::Share, "sentences started: on a full report",
        "sentenced on a full report / sentences started in the window",
        |t, w| ratio(t.cohort.on_full_report as f64, t.cohort.started as f64);
    /// Community orders started in the window with a treatment requirement for the need
    /// their report assessed.
    treatment_requirement_rate: Case, Unit::Share, "orders with a treatment requirement",
        "orders with a treatment requirement / orders started in the window",
        |t, w| ratio(
            t.cohort.treatment_required as f64,
            (t.cohort.started - t.cohort.custodial) as f64
        );
    /// Prisoners released (first release) in the window.
    prisoners_released: Case, Unit::Count("people"), "prisoners released",
        "first releases",
        |t, w| Some(t.released as f64);
    /// Of the prisoners released in the window with a need other than accommodation, the
    /// share with a service in place (an accepted referral or a place).
    services_in_place_at_release: Case, Unit::Share, "released with a service in place",
        "released with a service in place / released with a need for one",
        |t, w| ratio(t.service_in_place as f64, t.service_need as f64);
    /// Of those released with an accommodation need, the share with housing in place.
    housing_in_place_at_release: Case, Unit::Share, "released with housing in place",
        "released with housing in place / released needing housing",
        |t, w| ratio(t.housing_in_place as f64, t.housing_need as f64);
    /// First appointments after release, offered in the window, that were missed.
    missed_first_appointment_rate: Case, Unit::Share, "first appointments after release missed",
        "first appointments missed / first appointments offered",
        |t, w| ratio(t.first_appointments_missed as f64, t.first_appointments as f64);
    /// Weeks from release to the first kept appointment, over those kept in the window.
    mean_weeks_to_first_contact: Case, Unit::Weeks, "weeks from release to first contact",
        "weeks from release to the first kept appointment / first kept appointments",
        |t, w| ratio(t.first_contact_weeks as f64, t.first_contacts as f64);
    /// People in custody (sentenced, recalled, or after a revoked order) a week in the window.
    mean_in_custody: Window, Unit::Count("people"), "people in custody",
        "people-weeks in custody / weeks",
        |t, w| ratio(w.count(|r| r.cases.in_custody), w.len());
    /// People on licence a week in the window.
    mean_on_licence: Window, Unit::Count("people"), "people on licence",
        "people-weeks on licence / weeks",
        |t, w| ratio(w.count(|r| r.cases.on_licence), w.len());
    /// Mean share of the nine agencies present at the ICM case conferences of the window.
    icm_agency_attendance: Window, Unit::Share, "agencies at ICM conferences",
        "agencies present / (conferences x 9)",
        |t, w| ratio(
            w.count(|r| r.steps.conferences.agencies_present),
            w.count(|r| r.steps.conferences.conferences) * Agency::COUNT as f64,
        );
    /// ICM case conferences of the window with the family present.
    icm_family_attendance: Window, Unit::Share, "ICM conferences with the family there",
        "conferences with the family / conferences",
        |t, w| ratio(
            w.count(|r| r.steps.conferences.families_attended),
            w.count(|r| r.steps.conferences.conferences),
        );
    /// `reoffending_rate` of the people followed up who completed a service (the retention
    /// comparison of docs/validation.md).
    reoffending_after_service_completion: Case, Unit::Share,
        "reoffending after completing a service",
        "proven / followed up, of those who completed a service",
        |t, w| ratio(
            t.proven_completed_service as f64,
            t.followed_up_completed_service as f64,
        );
    /// `reoffending_rate` of the people followed up who dropped out of a service without
    /// completing any.
    reoffending_after_service_dropout: Case, Unit::Share,
        "reoffending after dropping out of a service",
        "proven / followed up, of those who dropped out and completed none",
        |t, w| ratio(t.proven_dropped_out as f64, t.followed_up_dropped_out as f64);
    /// `reoffending_rate` of the people released from a custodial sentence under 12 months (as
    /// in the MoJ's bands); undefined without custody.
    reoffending_after_short_sentence: Case, Unit::Share,
        "reoffending after a sentence under 12 months",
        "proven / followed up, of those released from a sentence under 52 weeks",
        |t, w| ratio(t.proven_short_sentence as f64, t.followed_up_short_sentence as f64);
    /// `reoffending_rate` of the people released from a custodial sentence of 12 months or
    /// more.
    reoffending_after_longer_sentence: Case, Unit::Share,
        "reoffending after a sentence of 12 months or more",
        "proven / followed up, of those released from a sentence of 52 weeks or more",
        |t, w| ratio(t.proven_longer_sentence as f64, t.followed_up_longer_sentence as f64);
    /// Cases waiting for a case manager just after the week's allocation, a week in the window:
    /// what a planner means by the allocation queue. Last week's leavers' cases that found
    /// room this week are not counted (see `leavers_cases_per_week` for them).
    waiting_at_allocation: Window, Unit::Count("cases"), "cases waiting after allocation",
        "cases still unallocated after the allocation step / weeks",
        |t, w| ratio(w.count(|r| r.steps.waiting_at_allocation), w.len());
    /// Cases released by case managers who left, a week in the window: the leaver spike that
    /// `unallocated_cases` includes in the week the case manager leaves.
    leavers_cases_per_week: Window, Unit::Count("cases"), "leavers' cases a week",
        "cases released by leavers / weeks",
        |t, w| ratio(w.count(|r| r.steps.leavers_cases), w.len());
    /// Weeks from sentence (the start of a community order) to the first contact offered on
    /// it, over orders started in the window whose first contact came in it (0: in the week of
    /// sentence).
    mean_weeks_sentence_to_first_contact: Case, Unit::Weeks,
        "weeks from sentence to first contact",
        "weeks from the order's start to its first contact / orders first contacted",
        |t, w| ratio(
            t.sentence_to_first_contact_weeks as f64,
            t.orders_first_contacted as f64,
        );    /// The workforce's part of `cost`: `post_cost`, `agency_cost`, `recruitment_cost`,
    /// `volunteer_cost`, `chair_cost` and `duty_cost`.
    staff_cost: Window, Unit::Money("a week"), "staff cost a week",
        "(posts + agency + recruitment + volunteers + chairs + duty rota) / weeks",
        |t, w| ratio(w.total(|r| r.costs.staff()), w.len());
    /// Pay and on-costs of the case-manager posts held by employed staff, present or absent
    /// (a vacant post is unpaid), by grade.
    post_cost: Window, Unit::Money("a week"), "pay of the posts a week",
        "pay and on-costs of held posts / weeks",
        |t, w| ratio(w.total(|r| r.costs.posts), w.len());
    /// Agency workers covering vacant posts (`workforce.vacancy_cover = "agency"`): the posts'
    /// pay with the agency premium.
    agency_cost: Window, Unit::Money("a week"), "agency cover a week",
        "agency cover of vacant posts / weeks",
        |t, w| ratio(w.total(|r| r.costs.agency), w.len());
    /// Recruiting replacements for the post-holders who left.
    recruitment_cost: Window, Unit::Money("a week"), "recruitment a week",
        "leavers x cost of recruiting / weeks",
        |t, w| ratio(w.total(|r| r.costs.recruitment), w.len());
    /// Volunteers in post: their coordinators' hours and their expenses.
    volunteer_cost: Window, Unit::Money("a week"), "volunteers a week",
        "volunteers in post x (coordination + expenses) / weeks",
        |t, w| ratio(w.total(|r| r.costs.volunteers), w.len());
    /// Seniors' hours chairing team case conferences.
    chair_cost: Window, Unit::Money("a week"), "chairs of conferences a week",
        "chairs' hours x cost of a senior's hour / weeks",
        |t, w| ratio(w.total(|r| r.costs.chairs), w.len());
    /// The duty rota covering absent case managers' work (`workforce.duty_hours_per_week`),
    /// paid whether its hours are used or not.
    duty_cost: Window, Unit::Money("a week"), "duty rota a week",
        "duty hours a week x cost of a senior's hour",
        |t, w| ratio(w.total(|r| r.costs.duty), w.len());
    /// Service places: those in use, or under block contracts every place offenders can
    /// reach.
    service_cost: Window, Unit::Money("a week"), "service places a week",
        "cost of places / weeks",
        |t, w| ratio(w.total(|r| r.costs.services), w.len());
    /// The modes' non-staff costs of allocated orders and licences (requirements, testing).
    requirement_cost: Window, Unit::Money("a week"), "requirements a week",
        "allocated case-weeks x their mode's cost / weeks",
        |t, w| ratio(w.total(|r| r.costs.requirements), w.len());
    /// People in custody at the cost of a prisoner-week.
    custody_cost: Window, Unit::Money("a week"), "custody a week",
        "people-weeks in custody x cost of a prisoner-week / weeks",
        |t, w| ratio(w.total(|r| r.costs.custody), w.len());
    /// Community orders completed a week in the window (the initial caseload's included).
    completions_per_week: Window, Unit::Count("orders a week"), "orders completed a week",
        "orders completed in the window / weeks",
        |t, w| ratio(w.count(|r| r.steps.transitions.completions), w.len());
    /// Proven reoffences a week in the window (outside custody, everyone under supervision
    /// or followed up).
    proven_reoffences_per_week: Window, Unit::Count("offences a week"),
        "proven reoffences a week",
        "proven reoffences in the window / weeks",
        |t, w| ratio(w.count(|r| r.steps.reoffending.proven), w.len());
    /// The window's cost per community order completed in it.
    cost_per_completed_order: Window, Unit::Money("per completed order"),
        "cost per completed order",
        "cost of the window / orders completed in it",
        |t, w| ratio(w.total(|r| r.cost), w.count(|r| r.steps.transitions.completions));
    /// Instructions to report sent a week in the window to people under supervision not seen
    /// for weeks (`enforcement.unseen_weeks_before_check`), by case managers and
    /// by the office. A week, as a planner counts the work; divide by `active_orders` plus
    /// `on_licence` in timeseries.csv for a rate per case.
    keep_in_touch_checks_per_week: Window, Unit::Count("checks a week"),
        "keep-in-touch checks a week",
        "instructions to report sent to people unseen for weeks / weeks",
        |t, w| ratio(w.count(|r| r.steps.enforcement.checks), w.len());
    /// Of those checks, the ones the office sent for cases nobody held, a week in the window.
    office_checks_per_week: Window, Unit::Count("checks a week"),
        "keep-in-touch checks by the office a week",
        "instructions to report the office sent for unallocated cases / weeks",
        |t, w| ratio(w.count(|r| r.steps.enforcement.office_checks), w.len());
    /// People whose whereabouts became unknown a week in the window (missed contacts in a row
    /// after an instruction to report): breach proceedings, or recall, start at once.
    whereabouts_unknown_per_week: Window, Unit::Count("people a week"),
        "whereabouts unknown a week",
        "people whose whereabouts became unknown / weeks",
        |t, w| ratio(w.count(|r| r.steps.enforcement.whereabouts_unknown), w.len());
    /// Warnings given and breaches laid by the office for unallocated cases, a week in the
    /// window.
    office_actions_per_week: Window, Unit::Count("actions a week"),
        "warnings and breaches by the office a week",
        "warnings and breaches the office gave or laid for unallocated cases / weeks",
        |t, w| ratio(w.count(|r| r.steps.enforcement.office_actions), w.len());
    /// Breaches of licence conditions other than reporting found a week in the window: a
    /// drugs or alcohol relapse, or the approved address lost, found out by the supervisor.
    licence_condition_failures_per_week: Window, Unit::Count("failures a week"),
        "licence condition failures found a week",
        "drugs or alcohol relapses and lost addresses found on licence / weeks",
        |t, w| ratio(w.count(|r| r.steps.enforcement.condition_failures), w.len());
    /// Community orders before the court for breach a week in the window (each hearing ends
    /// in revocation, a curfew added or a fine; licences go to recall instead).
    breach_hearings_per_week: Window, Unit::Count("hearings a week"),
        "breach hearings a week",
        "orders revoked for breach + continued with a curfew + continued with a fine / weeks",
        |t, w| ratio(w.count(breach_hearings), w.len());
    /// Of the breach hearings of the window, the share where the court revoked the order
    /// (custody follows). With `court_curfew_at_breach` and `court_fine_at_breach` it sums to
    /// 1.
    court_revoked_at_breach: Window, Unit::Share, "breach hearings: order revoked",
        "orders revoked for breach / breach hearings",
        |t, w| ratio(
            w.count(|r| r.steps.enforcement.revocations),
            w.count(breach_hearings),
        );
    /// Of the breach hearings, the share where the order continued with a curfew added.
    court_curfew_at_breach: Window, Unit::Share, "breach hearings: curfew added",
        "orders continued with a curfew / breach hearings",
        |t, w| ratio(
            w.count(|r| r.steps.enforcement.court.curfews),
            w.count(breach_hearings),
        );
    /// Of the breach hearings, the share where the order continued with a fine.
    court_fine_at_breach: Window, Unit::Share, "breach hearings: fined",
        "orders continued with a fine / breach hearings",
        |t, w| ratio(
            w.count(|r| r.steps.enforcement.court.fines),
            w.count(breach_hearings),
        );
    /// Recalls to custody a week in the window, for any reason (`recalls.csv` gives them by
    /// reason and type).
    recalls_per_week: Window, Unit::Count("recalls a week"), "recalls to custody a week",
        "recalls in the window / weeks",
        |t, w| ratio(w.count(|r| r.steps.recalls.recalls), w.len());
    /// Of the recalls of the window, the share that were fixed-term (undefined with no
    /// recall).
    recall_fixed_term_share: Window, Unit::Share, "recalls that were fixed-term",
        "fixed-term recalls / recalls",
        |t, w| ratio(
            w.count(|r| r.steps.recalls.fixed_term),
            w.count(|r| r.steps.recalls.recalls),
        );
}

/// Community orders before the court for breach in a week: revoked, or continued with a
/// curfew or a fine.
fn breach_hearings(r: &WeekRecord) -> u32 {
    let e = &r.steps.enforcement;
    e.revocations + e.court.curfews + e.court.fines
}

impl Metrics {
    /// The names of the measures, in [`MEASURES`] order (the columns of `summary.csv`).
    pub const NAMES: [&'static str; Metrics::COUNT] = {
        let mut names = [""; Metrics::COUNT];
        let mut i = 0;
        while i < Metrics::COUNT {
            names[i] = MEASURES[i].name;
            i += 1;
        }
        names
    };

    /// Value of a named measure.
    pub fn get(&self, name: &str) -> Option<f64> {
        let i = MEASURES.iter().position(|m| m.name == name)?;
        self.values()[i]
    }

    /// The case measures, in [`MEASURES`] order: the rows of `by_tier.csv` and
    /// `by_disposal.csv`.
    pub fn case_measures() -> impl Iterator<Item = (usize, &'static Measure)> {
        MEASURES
            .iter()
            .enumerate()
            .filter(|(_, m)| m.scope == Scope::Case)
    }
}

/// One column of `timeseries.csv`: a quantity of each week.
#[derive(Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub unit: Unit,
    /// What it is, for the docs.
    pub meaning: &'static str,
    pub value: fn(&WeekRecord) -> Option<f64>,
}

macro_rules! columns {
    ($( $name:ident, $unit:expr, $meaning:literal, |$r:ident| $value:expr; )*) => {
        /// The weekly series of `timeseries.csv`, after `week`, in order.
        pub const COLUMNS: &[Column] = &[$(
            Column {
                name: stringify!($name),
                unit: $unit,
                meaning: $meaning,
                value: |$r: &WeekRecord| $value,
            },
        )*];
    };
}

fn count(n: u32) -> Option<f64> {
    Some(n.into())
}

columns! {
    active_orders, Unit::Count("orders"), "community orders running", |r| count(r.cases.active_orders);
    allocated, Unit::Count("cases"), "orders and licences with a case manager", |r| count(r.cases.allocated);
    unallocated, Unit::Count("cases"), "cases waiting for a case manager (reports, orders, licences, prisoners due one through the gate)", |r| count(r.cases.unallocated);
    in_follow_up, Unit::Count("people"), "people whose sentence has ended, still followed up for reoffending", |r| count(r.cases.in_follow_up);
    managers_in_post, Unit::Count("posts"), "case-manager posts filled (paid staff)", |r| count(r.staff.managers_in_post);
    managers_present, Unit::Count("posts"), "case managers at work (not absent)", |r| count(r.staff.managers_present);
    mean_caseload, Unit::Count("cases"), "cases held by paid staff per case manager in post", |r| ratio(r.cases.held_by_staff.into(), r.staff.managers_in_post.into());
    hours_available, Unit::Hours, "case managers' hours available", |r| Some(r.staff.hours_available);
    hours_delivered, Unit::Hours, "case managers' hours used", |r| Some(r.staff.hours_delivered);
    staff_utilisation, Unit::Share, "hours used / hours available", |r| ratio(r.staff.hours_delivered, r.staff.hours_available);
    contacts_due, Unit::Count("contacts"), "contacts due (prison visits under through-the-gate work included)", |r| count(r.cases.contacts_due);
    contacts_delivered, Unit::Count("contacts"), "contacts offered", |r| count(r.cases.contacts_delivered);
    contacts_attended, Unit::Count("contacts"), "contacts kept", |r| count(r.cases.contacts_attended);
    new_orders, Unit::Count("cases"), "new cases arriving", |r| count(r.steps.new_orders);
    completions, Unit::Count("orders"), "community orders completed", |r| count(r.steps.transitions.completions);
    warnings, Unit::Count("warnings"), "formal warnings given", |r| count(r.steps.enforcement.warnings);
    breaches, Unit::Count("breaches"), "breach proceedings started (and licences breached)", |r| count(r.steps.enforcement.breaches);
    revocations, Unit::Count("orders"), "orders revoked (for breach or on reconviction)", |r| count(r.steps.reoffending.revocations + r.steps.enforcement.revocations);
    proven_reoffences, Unit::Count("offences"), "proven reoffences (outside custody)", |r| count(r.steps.reoffending.proven);
    pre_sentence, Unit::Count("cases"), "cases awaiting sentence with a report in preparation", |r| count(r.cases.pre_sentence);
    held_by_staff, Unit::Count("cases"), "cases held by paid staff, reports included", |r| count(r.cases.held_by_staff);
    held_by_volunteers, Unit::Count("cases"), "cases held by volunteers", |r| count(r.cases.held_by_volunteers);
    senior_hours, Unit::Hours, "seniors' hours chairing team case conferences", |r| Some(r.steps.work.chair_hours);
    referrals, Unit::Count("referrals"), "referrals to services made", |r| count(r.steps.work.referrals);
    referrals_refused, Unit::Count("referrals"), "referrals refused (after advocacy)", |r| count(r.steps.work.refusals);
    service_waiting, Unit::Count("people"), "people on a service's waiting list after the week's admissions", |r| count(r.steps.services.waiting);
    in_service, Unit::Count("people"), "people in treatment", |r| count(r.steps.services.attending);
    service_starts, Unit::Count("people"), "places taken up", |r| count(r.steps.services.starts);
    service_completions, Unit::Count("people"), "services completed", |r| count(r.steps.services.completions);
    service_dropouts, Unit::Count("people"), "services dropped out of", |r| count(r.steps.services.dropouts);
    mean_service_wait_weeks, Unit::Weeks, "mean wait of the waits ending that week", |r| ratio(r.steps.services.wait_weeks as f64, r.steps.services.waits_ended.into());
    substitutions, Unit::Count("needs"), "needs the case manager took on for want of a service", |r| count(r.steps.work.substitutions + r.steps.services.substitutions);
    sanctions, Unit::Count("sanctions"), "graduated sanctions imposed", |r| count(r.steps.enforcement.sanctions);
    cost, Unit::Money("a week"), "cost of the week (the sum of the `*_cost` columns)", |r| Some(r.cost);
    in_custody, Unit::Count("people"), "people in custody (sentenced, recalled, or after a revoked order)", |r| count(r.cases.in_custody);
    on_licence, Unit::Count("people"), "people on licence", |r| count(r.cases.on_licence);
    releases, Unit::Count("people"), "releases onto licence", |r| count(r.steps.transitions.releases);
    recalls, Unit::Count("people"), "recalls to custody", |r| count(r.steps.reoffending.recalls + r.steps.enforcement.recalls);
    proven_in_custody, Unit::Count("offences"), "proven offences committed in custody", |r| count(r.cases.proven_in_custody);
    icm_conferences, Unit::Count("conferences"), "ICM case conferences held", |r| count(r.steps.conferences.conferences);
    families_attended, Unit::Count("conferences"), "ICM conferences with the family there", |r| count(r.steps.conferences.families_attended);
    waiting_at_allocation, Unit::Count("cases"), "cases still waiting for a case manager after the week's allocation", |r| count(r.steps.waiting_at_allocation);
    leavers_cases, Unit::Count("cases"), "cases released this week by case managers who left (reallocated from next week)", |r| count(r.steps.leavers_cases);
    post_cost, Unit::Money("a week"), "pay and on-costs of the posts held", |r| Some(r.costs.posts);
    agency_cost, Unit::Money("a week"), "agency cover of vacant posts", |r| Some(r.costs.agency);
    recruitment_cost, Unit::Money("a week"), "recruiting replacements for leavers", |r| Some(r.costs.recruitment);
    volunteer_cost, Unit::Money("a week"), "volunteers' coordination and expenses", |r| Some(r.costs.volunteers);
    chair_cost, Unit::Money("a week"), "seniors chairing team case conferences", |r| Some(r.costs.chairs);
    duty_cost, Unit::Money("a week"), "the duty rota's hours (paid whether used or not)", |r| Some(r.costs.duty);
    service_cost, Unit::Money("a week"), "service places", |r| Some(r.costs.services);
    requirement_cost, Unit::Money("a week"), "the modes' non-staff costs of allocated cases", |r| Some(r.costs.requirements);
    custody_cost, Unit::Money("a week"), "people in custody", |r| Some(r.costs.custody);
    leavers, Unit::Count("posts"), "post-holders who left", |r| count(r.steps.leavers);
    posts_redivided, Unit::Count("posts"), "specialist posts moved to another type of case at a re-division of posts", |r| count(r.steps.posts_redivided);
    contacts_covered, Unit::Count("contacts"), "contacts offered by cover for an absent case manager (a colleague in the cover group, or the duty rota)", |r| count(r.cases.contacts_covered);
}

impl WeekRecord {
    /// The week's values, in [`COLUMNS`] order; `None` where a ratio is undefined.
    pub fn values(&self) -> impl Iterator<Item = Option<f64>> + '_ {
        COLUMNS.iter().map(|c| (c.value)(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_measure_is_explained() {
        let mut names: Vec<&str> = MEASURES.iter().map(|m| m.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), MEASURES.len());
        for m in MEASURES {
            assert!(!m.meaning_text().is_empty(), "{}", m.name);
            assert!(!m.label.is_empty() && !m.formula.is_empty(), "{}", m.name);
        }
        assert_eq!(Metrics::NAMES[0], "completion_rate");
    }

    #[test]
    fn the_contract_columns_are_all_there() {
        for name in [
            "completion_rate",
            "breach_rate",
            "reoffending_rate",
            "recall_rate",
            "mean_handoffs",
            "mean_relationship",
            "mean_service_wait_weeks",
            "needs_met_rate",
            "staff_utilisation",
            "mean_caseload",
            "unallocated_cases",
            "staff_hours",
            "cost",
        ] {
            assert!(measure(name).is_some(), "{name}");
        }
    }

    #[test]
    fn a_window_measure_is_undefined_without_the_window() {
        let mut t = OutcomeTally::default();
        t.terminated = 10;
        t.completed = 7;
        let m = Metrics::compute(&t, None);
        assert_eq!(m.completion_rate, Some(0.7));
        assert_eq!(m.cost, None);
        let weeks = [WeekRecord {
            cost: 5.0,
            ..WeekRecord::default()
        }];
        let m = Metrics::compute(&t, Some(Window { weeks: &weeks }));
        assert_eq!(m.cost, Some(5.0));
    }
}
