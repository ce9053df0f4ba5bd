//! Enforcement: what a case manager does about a failure to comply.
//!
//! `strict`: each unacceptable failure earns a formal warning until the warnings allowed within
//! the warning period are used up; the next failure starts breach proceedings. The court then
//! revokes the order (it ends as breached) or lets it continue with the slate wiped.
//!
//! `graduated` (Healey 1999: "the use of graduated sanctions for offenders who fail to comply",
//! "to maximize service participation while avoiding unnecessary incarceration"): after the
//! warnings, escalating sanctions come before breach. The first is increased reporting (weekly
//! contact for `sanction_weeks`); the second and later add a curfew-like restriction, which
//! watches compliance more closely and cuts the chance of reoffending while in force. Sanctions,
//! like warnings, lapse after the warning period.
//!
//! Warnings, sanctions and breaches cost the case manager paperwork hours, done first thing
//! the following week.

use serde::{Deserialize, Serialize};

use crate::model::custody::{recall_possible, recall_to_custody};
use crate::model::engagement::after_enforcement;
use crate::model::journey::{OrderOutcome, Stage, end_order};
use crate::model::offender::{NEVER, Offender};
use crate::model::workforce::CaseManager;
use crate::rng::Decision;
use crate::scenario::{EnforcementPolicy, Scenario};

/// Graduated sanctions imposed on a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sanctions {
    /// Steps of the ladder taken (0: none).
    pub level: u8,
    /// Week the latest sanction was imposed.
    pub imposed: i32,
    /// First week after the latest sanction's term.
    pub until: i32,
}

impl Default for Sanctions {
    fn default() -> Self {
        Sanctions {
            level: 0,
            imposed: NEVER,
            until: 0,
        }
    }
}

impl Sanctions {
    /// Increased reporting (weekly contact) is in force.
    pub fn reporting_active(&self, week: i32) -> bool {
        self.level >= 1 && week < self.until
    }

    /// A curfew-like restriction is in force.
    pub fn restriction_active(&self, week: i32) -> bool {
        self.level >= 2 && week < self.until
    }
}

/// What enforcement did this week, for the time series.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnforcementCounts {
    pub warnings: u32,
    pub sanctions: u32,
    pub breaches: u32,
    pub revocations: u32,
    pub recalls: u32,
}

/// The enforcement phase for one case: if it is allocated and had failures this week, warnings,
/// sanctions, and at a breach an order goes to court and a licence to recall.
pub fn enforce(
    o: &mut Offender,
    managers: &mut [CaseManager],
    s: &Scenario,
    week: i32,
    counts: &mut EnforcementCounts,
) {
    if !o.journey.stage.is_supervised() || o.events.failures == 0 {
        return;
    }
    let Some(index) = o.supervision.manager.index() else {
        return;
    };
    let (e, sup) = (&s.enforcement, &s.supervision);
    let sanctions_allowed = match e.policy {
        EnforcementPolicy::Strict => 0,
        EnforcementPolicy::Graduated => e.sanctions_before_breach,
    };
    let period = e.warning_period_weeks as i32;
    o.tallies.violations = o
        .tallies
        .violations
        .saturating_add(u16::from(o.events.failures));
    for _ in 0..o.events.failures {
        if o.supervision.warnings > 0 && week - o.supervision.last_warning >= period {
            o.supervision.warnings = 0;
        }
        if o.supervision.sanctions.level > 0 && week - o.supervision.sanctions.imposed >= period {
            o.supervision.sanctions.level = 0;
        }
        after_enforcement(o, &s.engagement);
        if o.supervision.warnings < e.warnings_before_breach {
            o.supervision.warnings += 1;
            o.supervision.last_warning = week;
            managers[index].paperwork_backlog += sup.warning_hours;
            counts.warnings += 1;
            continue;
        }
        if o.supervision.sanctions.level < sanctions_allowed {
            o.supervision.sanctions.level += 1;
            o.supervision.sanctions.imposed = week;
            o.supervision.sanctions.until = week + 1 + e.sanction_weeks as i32;
            // Reporting starts next week.
            o.supervision.next_contact = o.supervision.next_contact.min(week + 1);
            managers[index].paperwork_backlog += e.sanction_hours;
            counts.sanctions += 1;
            continue;
        }
        managers[index].paperwork_backlog += sup.breach_hours;
        counts.breaches += 1;
        if o.journey.stage == Stage::Licence {
            if recall_possible(o, week)
                && o.draws.uniform(week, Decision::RecallOnBreach, 0) < s.custody.recall_on_breach
            {
                recall_to_custody(o, managers, s, week);
                counts.recalls += 1;
                break;
            }
        } else if o.draws.uniform(week, Decision::CourtOnBreach, 0) < e.breach_revocation_prob {
            end_order(
                o,
                OrderOutcome::Breached,
                managers,
                week,
                s.sentencing.revocation_custody_weeks,
            );
            counts.revocations += 1;
            break;
        }
        // The order continues: the court's warning replaces the case manager's.
        o.supervision.warnings = 0;
        o.supervision.sanctions.level = 0;
    }
}
