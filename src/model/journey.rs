//! The correctional journey (seed 001: pre-sentence, non-custodial, custody, supervised release).
//!
//! The model covers the pre-sentence and non-custodial legs: a pre-sentence report for some
//! cases, then a community order that runs to its end
//! (completion) unless the court revokes it for breach or for a new offence, then a follow-up
//! period in which proven reoffending is still counted (the one-year measure runs from the start
//! of the order, whatever happens to the order).

use serde::{Deserialize, Serialize};

use crate::model::offender::Offender;
use crate::model::workforce::{CaseManager, ManagerId};

/// Where a case is in its journey. Every case is in exactly one stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Awaiting sentence while a pre-sentence report is written.
    PreSentence,
    /// Serving a community order under supervision (allocated to a case manager or waiting).
    Order,
    /// The order has ended; the reoffending follow-up is still running.
    FollowUp,
    /// Order and follow-up both over; removed at the end of the week.
    Closed,
}

/// How an order ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderOutcome {
    /// Ran its full length: "terminated successfully".
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

/// Ends an offender's order: the outcome is set, the case leaves its case manager's caseload,
/// and the follow-up continues.
pub fn end_order(
    offender: &mut Offender,
    outcome: OrderOutcome,
    managers: &mut [CaseManager],
    week: i32,
) {
    debug_assert_eq!(offender.stage, Stage::Order);
    offender.outcome = Some(outcome);
    offender.order_ended = week;
    offender.stage = Stage::FollowUp;
    if let Some(index) = offender.manager.index() {
        managers[index].caseload -= 1;
        offender.manager = ManagerId::NONE;
    }
    for member in &mut offender.team {
        if let Some(index) = member.index() {
            managers[index].memberships -= 1;
            *member = ManagerId::NONE;
        }
    }
}

/// Last week of the reoffending follow-up (inclusive).
pub fn last_follow_up_week(offender: &Offender, follow_up_weeks: u32) -> i32 {
    offender.order_start + follow_up_weeks as i32 - 1
}
