//! The correctional journey (DOMICE 2011a: pre-sentence, non-custodial, custody, supervised release).
//!
//! A case may start with a pre-sentence report. At sentence the court makes a community order
//! or sends the offender to custody (the case's [`Disposal`]):
//!
//! - a **community order** runs to its end (completion) unless the court revokes it for breach
//!   or on a new conviction; a revoked order is followed by a spell in custody
//!   (`sentencing.revocation_custody_weeks`) and release without licence;
//! - a **custodial sentence** is served in custody to the release point, then on licence in the
//!   community to the sentence's end. Breach of licence, or a new offence, may bring recall to
//!   custody for a while, after which the licence resumes.
//!
//! Proven reoffending is followed for a year from the start of a community order, or from
//! release for a custodial sentence (the MoJ measure), whatever happens in between.

use serde::{Deserialize, Serialize};

use crate::model::custody::{Sentencer, release_from_custody};
use crate::model::offender::{NEVER, Offender};
use crate::model::organisation::HandoffCause;
use crate::model::services::ServiceSystem;
use crate::model::workforce::{CaseManager, ManagerId};
use crate::scenario::Scenario;

/// Where a case is in its journey. Every case is in exactly one stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Awaiting sentence while a pre-sentence report is written.
    PreSentence,
    /// Serving a community order under supervision (allocated to a case manager or waiting).
    Order,
    /// In prison: the custodial part of a sentence, a recall, or custody after a revoked order.
    Custody,
    /// Released on licence, supervised in the community until the sentence ends.
    Licence,
    /// The sentence has ended; the reoffending follow-up is still running.
    FollowUp,
    /// Sentence and follow-up both over; removed at the end of the week.
    Closed,
}

impl Stage {
    /// Supervised in the community: a community order or a licence.
    pub fn is_supervised(self) -> bool {
        matches!(self, Stage::Order | Stage::Licence)
    }
}

/// What the court sentenced the case to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposal {
    /// A community order.
    Community,
    /// A custodial sentence, released on licence.
    Custody,
}

impl Disposal {
    pub const ALL: [Disposal; Disposal::COUNT] = [Disposal::Community, Disposal::Custody];
    pub const COUNT: usize = 2;

    pub fn index(self) -> usize {
        self as usize
    }

    /// The name used in output files.
    pub fn name(self) -> &'static str {
        match self {
            Disposal::Community => "community",
            Disposal::Custody => "custody",
        }
    }
}

/// How an order ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderOutcome {
    /// Ran its full length: "terminated successfully" (a licence: reached the sentence's end).
    Completed,
    /// Revoked by the court after breach proceedings for failure to comply.
    Breached,
    /// Revoked by the court on conviction for a new offence.
    RevokedOnReconviction,
}

impl OrderOutcome {
    pub const ALL: [OrderOutcome; 3] = [
        OrderOutcome::Completed,
        OrderOutcome::Breached,
        OrderOutcome::RevokedOnReconviction,
    ];
}

/// Takes a case off its case manager's caseload and its team members' teams, with no handoff
/// to follow (the case leaves supervision).
pub fn leave_supervision(offender: &mut Offender, managers: &mut [CaseManager]) {
    if let Some(index) = offender.supervision.manager.index() {
        managers[index].caseload -= 1;
        offender.supervision.manager = ManagerId::NONE;
    }
    for member in &mut offender.team.members {
        if let Some(index) = member.index() {
            managers[index].memberships -= 1;
            *member = ManagerId::NONE;
        }
    }
    offender.team.assessed = 0;
}

/// Ends an offender's community order: the outcome is set and the case leaves its case
/// manager's caseload. A revoked order is followed by `custody_weeks` in custody (none: straight
/// to follow-up).
pub fn end_order(
    offender: &mut Offender,
    outcome: OrderOutcome,
    managers: &mut [CaseManager],
    week: i32,
    custody_weeks: u32,
) {
    debug_assert_eq!(offender.journey.stage, Stage::Order);
    offender.journey.outcome = Some(outcome);
    offender.journey.order_ended = week;
    leave_supervision(offender, managers);
    if outcome != OrderOutcome::Completed && custody_weeks > 0 {
        offender.journey.stage = Stage::Custody;
        offender.journey.release_due = week + 1 + custody_weeks as i32;
    } else {
        offender.journey.stage = Stage::FollowUp;
    }
}

/// Ends a licence at the sentence's end.
pub fn end_licence(offender: &mut Offender, managers: &mut [CaseManager], week: i32) {
    debug_assert_eq!(offender.journey.stage, Stage::Licence);
    offender.journey.outcome = Some(OrderOutcome::Completed);
    offender.journey.order_ended = week;
    leave_supervision(offender, managers);
    offender.journey.stage = Stage::FollowUp;
}

/// Recalls a licensee to custody from next week for `weeks` (not past the sentence's end).
/// The case leaves its case manager unless `keep_manager` (through-the-gate continuity keeps
/// the community case manager responsible during a recall).
pub fn recall(
    offender: &mut Offender,
    managers: &mut [CaseManager],
    week: i32,
    weeks: u32,
    keep_manager: bool,
) {
    debug_assert_eq!(offender.journey.stage, Stage::Licence);
    if keep_manager {
        for member in &mut offender.team.members {
            if let Some(index) = member.index() {
                managers[index].memberships -= 1;
                *member = ManagerId::NONE;
            }
        }
        offender.team.assessed = 0;
    } else {
        leave_supervision(offender, managers);
        // Whoever supervises the licence after release takes it at a change of stage.
        offender.supervision.pending_handoff = HandoffCause::StageChange;
    }
    offender.journey.recalls = offender.journey.recalls.saturating_add(1);
    offender.journey.stage = Stage::Custody;
    offender.journey.stage_started = week + 1;
    offender.journey.release_due = (week + 1 + weeks as i32).min(offender.journey.order_due_end);
    offender.supervision.warnings = 0;
    offender.supervision.sanctions = Default::default();
    offender.supervision.unanswered = 0;
}

/// First week of the reoffending follow-up: the start of a community order, or the first
/// release from a custodial sentence ([`NEVER`] before it).
pub fn follow_up_start(offender: &Offender) -> i32 {
    match offender.journey.disposal {
        Disposal::Community => offender.journey.order_start,
        Disposal::Custody => offender.journey.released,
    }
}

/// Last week of the reoffending follow-up (inclusive); [`NEVER`] before it has started.
pub fn last_follow_up_week(offender: &Offender, follow_up_weeks: u32) -> i32 {
    let start = follow_up_start(offender);
    if start == NEVER {
        NEVER
    } else {
        start + follow_up_weeks as i32 - 1
    }
}

/// Orders completed and prisoners released this week.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitionCounts {
    pub completions: u32,
    pub releases: u32,
}

/// Sentence: at the hearing after a report, the court passes sentence (see
/// [`Sentencer::sentence_on_report`]) and the order or the custodial sentence starts; an order
/// reaching its end completes; a prisoner due for release goes out on licence (or, after a
/// revoked order, without one); a licence reaching the sentence's end ends; a case whose
/// sentence and follow-up are both over closes.
pub fn stage_transition(
    o: &mut Offender,
    managers: &mut [CaseManager],
    services: &ServiceSystem,
    sentencer: &Sentencer,
    s: &Scenario,
    week: i32,
    counts: &mut TransitionCounts,
) {
    if o.journey.stage == Stage::PreSentence && week + 1 >= o.journey.order_start {
        // The report's assessment stands if the report was written in full.
        o.report.done =
            o.report.interviewed && o.report.hours_done >= s.reports.hours as f32 * 0.999;
        sentencer.sentence_on_report(o, managers, s);
    }
    match o.journey.stage {
        Stage::Order if week + 1 >= o.journey.order_due_end => {
            end_order(o, OrderOutcome::Completed, managers, week, 0);
            counts.completions += 1;
        }
        Stage::Custody if week + 1 >= o.journey.release_due => {
            release_from_custody(o, managers, services, s, week);
            counts.releases += u32::from(o.events.released);
        }
        Stage::Licence if week + 1 >= o.journey.order_due_end => {
            end_licence(o, managers, week);
        }
        _ => {}
    }
    if o.journey.stage == Stage::FollowUp
        && week >= last_follow_up_week(o, s.simulation.follow_up_weeks)
    {
        o.journey.stage = Stage::Closed;
    }
}
