//! Case-level records (`--cases`): one record per case of a replication, for researchers to
//! regress on. Kept only when asked for: without `--cases` the recorder holds no log and the
//! weekly count pays one untaken branch.
//!
//! A record is opened when the case arrives (or, for the initial caseload, at week 0) with the
//! person's attributes at the start, follows the case week by week for what no running total
//! of the case keeps (contacts kept, services started and ended, the first contact on an
//! order), and is closed with the case's totals when the case closes (its follow-up over) or
//! at the horizon. Columns are documented in docs/outputs.md.

use serde::{Deserialize, Serialize};

use crate::model::journey::{Disposal, OrderOutcome, Stage, follow_up_start, last_follow_up_week};
use crate::model::offender::{NEVER, Need, OffenceType, Offender, RiskTier};
use crate::model::organisation::HandoffCause;
use crate::model::services::ServiceState;

/// One case of one replication.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseRecord {
    pub case: u32,
    /// Part of the caseload at week 0 (already under way).
    pub initial_caseload: bool,
    /// The week the case arrived (0 for the initial caseload).
    pub arrival_week: i32,
    // The person at the start.
    pub risk: RiskTier,
    pub offence: OffenceType,
    pub needs_at_start: [u8; Need::COUNT],
    pub age_at_start: f64,
    /// 1-based, as in the input files.
    pub patch: u16,
    pub motivation_at_start: f32,
    pub family_support_at_start: f32,
    pub employed_at_start: bool,
    pub settled_at_start: bool,
    pub pre_sentence_report: bool,
    // What the case came to (set when it closes or at the horizon).
    pub disposal: Disposal,
    pub sentence_start_week: i32,
    pub sentence_weeks: i32,
    pub handoffs: u16,
    pub handoffs_by_cause: [u16; HandoffCause::COUNT],
    pub weeks_supervised: u16,
    pub weeks_unallocated: u16,
    pub contacts_due: u16,
    pub contacts_delivered: u16,
    pub contacts_kept: u16,
    /// Weeks from the start of a community order to its first contact (`None`: none, or a
    /// case of the initial caseload, sentenced before the run).
    pub weeks_sentence_to_first_contact: Option<i32>,
    /// Weeks from release to the first kept appointment (custodial sentences).
    pub weeks_release_to_first_contact: Option<i32>,
    pub relationship_at_end: f32,
    pub services_started: u16,
    pub services_completed: u16,
    pub services_left_early: u16,
    pub needs_met_share: Option<f64>,
    pub outcome: Option<OrderOutcome>,
    pub sentence_end_week: Option<i32>,
    pub recalls: u8,
    pub violations: u16,
    /// Where the case was at the end: closed, or the stage it was in at the horizon.
    pub status_at_end: Stage,
    /// The reoffending follow-up: its first week (the order's start, or release), weeks of it
    /// observed by the end (or the horizon), and weeks from its start to the first proven
    /// reoffence in it (`None`: none observed, censored at the weeks observed).
    pub follow_up_start_week: Option<i32>,
    pub follow_up_weeks_observed: Option<i32>,
    pub weeks_to_first_proven_reoffence: Option<i32>,
    /// Open while following the case.
    #[serde(skip)]
    attending_until: Option<i32>,
    #[serde(skip)]
    closed: bool,
}

impl CaseRecord {
    /// No proven reoffence was observed in the follow-up: the time is censored.
    pub fn censored(&self) -> Option<bool> {
        self.follow_up_weeks_observed
            .map(|_| self.weeks_to_first_proven_reoffence.is_none())
    }
}

fn stage_name(s: Stage) -> &'static str {
    match s {
        Stage::PreSentence => "pre_sentence",
        Stage::Order => "order",
        Stage::Custody => "custody",
        Stage::Licence => "licence",
        Stage::FollowUp => "follow_up",
        Stage::Closed => "closed",
    }
}

/// The case records of one replication, by case id (ids run from 0 in arrival order).
#[derive(Clone, Debug, Default)]
pub struct CaseLog {
    follow_up_weeks: u32,
    pub records: Vec<CaseRecord>,
}

impl CaseLog {
    pub fn new(follow_up_weeks: u32) -> Self {
        CaseLog {
            follow_up_weeks,
            records: Vec::new(),
        }
    }

    /// A case arrives in week `week` (the initial caseload in week 0, before it starts).
    pub fn arrives(&mut self, o: &Offender, week: i32, initial: bool) {
        debug_assert_eq!(o.id as usize, self.records.len(), "ids in arrival order");
        self.records.push(CaseRecord {
            case: o.id,
            initial_caseload: initial,
            arrival_week: week,
            risk: o.risk,
            offence: o.offence,
            needs_at_start: o.needs.0,
            age_at_start: o.age(o.journey.order_start.min(week)),
            patch: o.patch + 1,
            motivation_at_start: o.motivation,
            family_support_at_start: o.family_support,
            employed_at_start: o.employed,
            settled_at_start: o.settled,
            pre_sentence_report: o.journey.stage == Stage::PreSentence,
            disposal: o.journey.disposal,
            sentence_start_week: o.journey.order_start,
            sentence_weeks: o.journey.order_due_end - o.journey.order_start,
            handoffs: 0,
            handoffs_by_cause: [0; HandoffCause::COUNT],
            weeks_supervised: 0,
            weeks_unallocated: 0,
            contacts_due: 0,
            contacts_delivered: 0,
            contacts_kept: 0,
            weeks_sentence_to_first_contact: None,
            weeks_release_to_first_contact: None,
            relationship_at_end: 0.0,
            services_started: 0,
            services_completed: 0,
            services_left_early: 0,
            needs_met_share: None,
            outcome: None,
            sentence_end_week: None,
            recalls: 0,
            violations: 0,
            status_at_end: Stage::Order,
            follow_up_start_week: None,
            follow_up_weeks_observed: None,
            weeks_to_first_proven_reoffence: None,
            attending_until: None,
            closed: false,
        });
    }

    /// The case at the end of week `week`, after every step; closes its record if it closed.
    #[inline]
    pub fn week(&mut self, o: &Offender, week: i32) {
        let Some(r) = self.records.get_mut(o.id as usize) else {
            return;
        };
        // A kept contact of those the case's totals count as delivered (under supervision).
        let delivered_now = o.tallies.contacts_delivered > r.contacts_delivered;
        r.contacts_kept += u16::from(o.events.contact_attended && delivered_now);
        r.contacts_delivered = o.tallies.contacts_delivered;
        if r.weeks_sentence_to_first_contact.is_none()
            && !r.initial_caseload
            && o.journey.stage == Stage::Order
            && o.events.contact_offered
            && o.tallies.contacts_delivered >= 1
        {
            r.weeks_sentence_to_first_contact = Some((week - o.journey.order_start).max(0));
        }
        let until = match o.supervision.service {
            ServiceState::Attending { until, .. } => Some(until),
            _ => None,
        };
        match (r.attending_until, until) {
            (None, Some(_)) => r.services_started += 1,
            (Some(was), None) => {
                if week + 1 >= was {
                    r.services_completed += 1;
                } else {
                    r.services_left_early += 1;
                }
            }
            _ => {}
        }
        r.attending_until = until;
        if o.journey.stage == Stage::Closed {
            close(r, o, week, self.follow_up_weeks);
        }
    }

    /// At the horizon (the end of `last_week`): the records of cases still open are closed
    /// there, their follow-up censored.
    pub fn finish<'a>(&mut self, cases: impl IntoIterator<Item = &'a Offender>, last_week: i32) {
        for o in cases {
            if let Some(r) = self.records.get_mut(o.id as usize) {
                if !r.closed {
                    close(r, o, last_week, self.follow_up_weeks);
                }
            }
        }
    }
}

/// Closes a record with the case's totals, last seen at the end of `last_seen`.
fn close(r: &mut CaseRecord, o: &Offender, last_seen: i32, follow_up_weeks: u32) {
    let j = &o.journey;
    r.closed = true;
    r.disposal = j.disposal;
    r.sentence_start_week = j.order_start;
    r.sentence_weeks = j.order_due_end - j.order_start;
    r.handoffs = o.supervision.handoffs;
    r.handoffs_by_cause = o.supervision.handoffs_by_cause;
    r.weeks_supervised = o.tallies.supervised_weeks;
    r.weeks_unallocated = o.tallies.weeks_unallocated;
    r.contacts_due = o.tallies.contacts_due;
    r.contacts_delivered = o.tallies.contacts_delivered;
    r.weeks_release_to_first_contact =
        (j.first_contact_after_release != NEVER).then_some(j.first_contact_after_release);
    r.relationship_at_end = o.supervision.relationship;
    r.needs_met_share = o.share_of_needs_met();
    r.outcome = j.outcome;
    r.sentence_end_week = (j.order_ended != NEVER).then_some(j.order_ended);
    r.recalls = j.recalls;
    r.violations = o.tallies.violations;
    r.status_at_end = j.stage;
    let start = follow_up_start(o);
    if start != NEVER && start <= last_seen {
        let end = last_follow_up_week(o, follow_up_weeks).min(last_seen);
        r.follow_up_start_week = Some(start);
        r.follow_up_weeks_observed = Some(end - start + 1);
        let first = o.tallies.first_proven_reoffence;
        r.weeks_to_first_proven_reoffence =
            (first != NEVER && first <= end).then(|| (first - start + 1).max(1));
    }
}

/// The columns of `cases.csv` after `arm` and `replication`, in order: name, type and
/// meaning (docs/outputs.md).
pub const CASE_COLUMNS: &[(&str, &str, &str)] = &[
    (
        "case",
        "integer",
        "the case's number in its replication, from 0 in arrival order (the initial caseload first)",
    ),
    (
        "initial_caseload",
        "TRUE/FALSE",
        "part of the caseload at week 0 (sentenced before the run; its sentence start is negative)",
    ),
    (
        "arrival_week",
        "integer",
        "the week the case arrived (0 for the initial caseload)",
    ),
    ("risk", "low, medium, high, very_high", "static risk tier"),
    (
        "offence",
        "violent, sexual, acquisitive, drug, other",
        "principal offence",
    ),
    (
        "drugs",
        "integer 0-3",
        "severity of the need at the start (0 none, 1 mild, 2 moderate, 3 severe); likewise the next six columns",
    ),
    ("alcohol", "integer 0-3", ""),
    ("mental_health", "integer 0-3", ""),
    ("accommodation", "integer 0-3", ""),
    ("employment", "integer 0-3", ""),
    ("family", "integer 0-3", ""),
    ("thinking", "integer 0-3", ""),
    (
        "age_at_start",
        "number",
        "age in years at sentence (the initial caseload: at week 0)",
    ),
    ("patch", "integer", "the patch, from 1"),
    (
        "motivation_at_start",
        "number 0-1",
        "readiness to change at the start",
    ),
    (
        "family_support_at_start",
        "number 0-1",
        "support from family and friends at the start",
    ),
    ("employed_at_start", "TRUE/FALSE", "in work at the start"),
    (
        "settled_at_start",
        "TRUE/FALSE",
        "in settled accommodation at the start",
    ),
    (
        "pre_sentence_report",
        "TRUE/FALSE",
        "arrived as a court's request for a pre-sentence report",
    ),
    (
        "disposal",
        "community, custody",
        "the sentence: a community order, or custody then licence",
    ),
    (
        "sentence_start_week",
        "integer",
        "week the sentence started (negative for the initial caseload)",
    ),
    (
        "sentence_weeks",
        "integer",
        "length of the order, or of the whole custodial sentence",
    ),
    (
        "handoffs",
        "integer",
        "changes of case manager (or team member)",
    ),
    (
        "handoffs_stage_change",
        "integer",
        "of them, at a change of stage",
    ),
    (
        "handoffs_staff_left",
        "integer",
        "of them, after a case manager left",
    ),
    (
        "handoffs_type_change",
        "integer",
        "of them, as the case's type changed (need streaming)",
    ),
    (
        "weeks_supervised",
        "integer",
        "weeks on an order or licence in the run",
    ),
    (
        "weeks_unallocated",
        "integer",
        "of them, weeks with no case manager",
    ),
    (
        "contacts_due",
        "integer",
        "contacts due while supervised (a contact put off stays due and counts again)",
    ),
    ("contacts_delivered", "integer", "contacts offered"),
    ("contacts_kept", "integer", "contacts kept"),
    (
        "weeks_sentence_to_first_contact",
        "integer or empty",
        "weeks from the start of a community order to its first contact offered (0: the week of sentence); empty for custody, the initial caseload, or no contact",
    ),
    (
        "weeks_release_to_first_contact",
        "integer or empty",
        "weeks from release to the first kept appointment (custodial sentences)",
    ),
    (
        "relationship_at_end",
        "number 0-1",
        "working relationship with the case manager at the end",
    ),
    ("services_started", "integer", "service places taken up"),
    ("services_completed", "integer", "services completed"),
    (
        "services_left_early",
        "integer",
        "services left before their end (dropped out, or the sentence ended)",
    ),
    (
        "needs_met_share",
        "number 0-1 or empty",
        "share of the needs present at the start met (severity 0) at the end; empty with no needs",
    ),
    (
        "outcome",
        "completed, breached, revoked_on_reconviction, open",
        "how the sentence ended (`open`: still running at the horizon)",
    ),
    (
        "sentence_end_week",
        "integer or empty",
        "week the order or licence ended",
    ),
    ("recalls", "integer", "recalls to custody"),
    ("recalled", "TRUE/FALSE", "recalled at least once"),
    (
        "violations",
        "integer",
        "detected failures to comply that were enforced",
    ),
    (
        "status_at_end",
        "pre_sentence, order, custody, licence, follow_up, closed",
        "where the case was at the end of the run (`closed`: its follow-up over)",
    ),
    (
        "follow_up_start_week",
        "integer or empty",
        "first week of the reoffending follow-up (the order's start, or release); empty if never released",
    ),
    (
        "follow_up_weeks_observed",
        "integer or empty",
        "weeks of the follow-up observed (at most `simulation.follow_up_weeks`; fewer when the run ended first)",
    ),
    (
        "weeks_to_first_proven_reoffence",
        "integer or empty",
        "weeks from the follow-up's start to the first proven reoffence in it (1: its first week); empty: none observed",
    ),
    (
        "reoffence_censored",
        "TRUE/FALSE or empty",
        "no proven reoffence observed in the follow-up: the time is censored at `follow_up_weeks_observed`",
    ),
];

/// A true/false cell as R's `read.csv` and pandas both read it as logical.
fn flag(b: bool) -> String {
    if b { "TRUE" } else { "FALSE" }.to_string()
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

impl CaseRecord {
    /// The record's cells, in [`CASE_COLUMNS`] order (empty where undefined).
    pub fn cells(&self) -> Vec<String> {
        let mut c = vec![
            self.case.to_string(),
            flag(self.initial_caseload),
            self.arrival_week.to_string(),
            self.risk.name().to_string(),
            self.offence.name().to_string(),
        ];
        c.extend(self.needs_at_start.iter().map(|s| s.to_string()));
        c.extend([
            format!("{:.2}", self.age_at_start),
            self.patch.to_string(),
            format!("{:.4}", self.motivation_at_start),
            format!("{:.4}", self.family_support_at_start),
            flag(self.employed_at_start),
            flag(self.settled_at_start),
            flag(self.pre_sentence_report),
            self.disposal.name().to_string(),
            self.sentence_start_week.to_string(),
            self.sentence_weeks.to_string(),
            self.handoffs.to_string(),
        ]);
        c.extend(self.handoffs_by_cause.iter().map(|h| h.to_string()));
        c.extend([
            self.weeks_supervised.to_string(),
            self.weeks_unallocated.to_string(),
            self.contacts_due.to_string(),
            self.contacts_delivered.to_string(),
            self.contacts_kept.to_string(),
            opt(self.weeks_sentence_to_first_contact),
            opt(self.weeks_release_to_first_contact),
            format!("{:.4}", self.relationship_at_end),
            self.services_started.to_string(),
            self.services_completed.to_string(),
            self.services_left_early.to_string(),
            opt(self.needs_met_share.map(|v| format!("{v:.4}"))),
            match self.outcome {
                Some(OrderOutcome::Completed) => "completed".into(),
                Some(OrderOutcome::Breached) => "breached".into(),
                Some(OrderOutcome::RevokedOnReconviction) => "revoked_on_reconviction".into(),
                None => "open".into(),
            },
            opt(self.sentence_end_week),
            self.recalls.to_string(),
            flag(self.recalls > 0),
            self.violations.to_string(),
            stage_name(self.status_at_end).to_string(),
            opt(self.follow_up_start_week),
            opt(self.follow_up_weeks_observed),
            opt(self.weeks_to_first_proven_reoffence),
            self.censored().map(flag).unwrap_or_default(),
        ]);
        c
    }
}
