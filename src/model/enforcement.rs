//! Enforcement: what a case manager does about a failure to comply.
//!
//! `strict` (the foundation's only policy): each unacceptable failure earns a formal warning
//! until the warnings allowed within the warning period are used up; the next failure starts
//! breach proceedings. The court then revokes the order (it ends as breached) or lets it
//! continue with the slate wiped. Warnings and breaches cost the case manager paperwork hours,
//! done first thing the following week.

use crate::model::journey::{OrderOutcome, Stage, end_order};
use crate::model::offender::Offender;
use crate::model::workforce::CaseManager;
use crate::scenario::{Enforcement, Supervision};

/// What enforcement did this week, for the time series.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EnforcementCounts {
    pub warnings: u32,
    pub breaches: u32,
    pub revocations: u32,
}

/// The enforcement phase for every allocated case with failures this week.
pub fn enforce(
    offenders: &mut [Offender],
    managers: &mut [CaseManager],
    e: &Enforcement,
    sup: &Supervision,
    week: i32,
) -> EnforcementCounts {
    let mut counts = EnforcementCounts::default();
    for o in offenders.iter_mut() {
        if o.stage != Stage::Order || o.events.failures == 0 {
            continue;
        }
        let Some(index) = o.manager.index() else {
            continue;
        };
        for _ in 0..o.events.failures {
            if o.warnings > 0 && week - o.last_warning >= e.warning_period_weeks as i32 {
                o.warnings = 0;
            }
            if o.warnings < e.warnings_before_breach {
                o.warnings += 1;
                o.last_warning = week;
                managers[index].paperwork_backlog += sup.warning_hours;
                counts.warnings += 1;
                continue;
            }
            managers[index].paperwork_backlog += sup.breach_hours;
            counts.breaches += 1;
            if f64::from(o.draws.court) < e.breach_revocation_prob {
                end_order(o, OrderOutcome::Breached, managers, week);
                counts.revocations += 1;
                break;
            }
            // The order continues: the court's warning replaces the case manager's.
            o.warnings = 0;
        }
    }
    counts
}
