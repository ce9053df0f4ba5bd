//! Enforcement: what a case manager, or the office, does about a failure to comply.
//!
//! `strict`: each unacceptable failure earns a formal warning until the warnings allowed within
//! the warning period are used up; the next failure starts breach proceedings. The court then
//! decides on the case's history (see `court`): it revokes the order (it ends as breached, and
//! custody follows), or lets it continue with a curfew or a fine, the slate wiped. A breach of
//! licence goes to recall instead (see `custody`), with its reasons recorded.
//!
//! `graduated` (Healey 1999: "the use of graduated sanctions for offenders who fail to comply",
//! "to maximize service participation while avoiding unnecessary incarceration"): after the
//! warnings, escalating sanctions come before breach. The first is increased reporting (weekly
//! contact for `sanction_weeks`); the second and later add a curfew-like restriction, which
//! watches compliance more closely and cuts the chance of reoffending while in force. Sanctions,
//! like warnings, lapse after the warning period.
//!
//! **Failure to keep in touch.** Someone not seen for weeks is instructed to report (see
//! `compliance::keep_in_touch`): an unanswered instruction is a failure like a missed
//! appointment, and missed contacts in a row make the whereabouts unknown, which starts breach
//! proceedings, or recall, at once. A case nobody holds is checked and enforced by the office,
//! so when supervision collapses breach changes form (failures to keep in touch, laid by the
//! office) instead of vanishing.
//!
//! On licence, a relapse into drugs or alcohol and the loss of the approved address break its
//! conditions when the supervisor finds them out.
//!
//! Checks, warnings, sanctions and breaches cost the case manager paperwork hours, done first
//! thing the following week; the office's are counted apart.

use serde::{Deserialize, Serialize};

use crate::model::compliance::{detection_probability, how_closely_watched};
use crate::model::court::{BreachOutcome, CourtCounts, breach_decision, revocation_custody_weeks};
use crate::model::custody::{
    RecallCounts, RecallReason, recall_possible, recall_reasons, recall_to_custody,
};
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
    /// Instructions to report sent to people unseen for weeks, and those the office sent for
    /// unallocated cases.
    #[serde(default)]
    pub checks: u32,
    #[serde(default)]
    pub office_checks: u32,
    /// People whose whereabouts became unknown.
    #[serde(default)]
    pub whereabouts_unknown: u32,
    /// Warnings and breaches the office gave or laid for unallocated cases.
    #[serde(default)]
    pub office_actions: u32,
    /// Breaches of licence conditions found: a drugs or alcohol relapse, a home lost.
    #[serde(default)]
    pub condition_failures: u32,
    /// What the court decided for orders it let continue.
    #[serde(default)]
    pub court: CourtCounts,
}

/// A licence's conditions besides reporting: a relapse into drugs or alcohol, or losing the
/// approved address, is a failure when the supervisor finds it out, as likely as another
/// violation is detected (as closely watched: the mode, a restriction, the police). Returns
/// the recall reasons found.
fn licence_conditions(o: &Offender, s: &Scenario, week: i32) -> u8 {
    if o.journey.stage != Stage::Licence
        || !o.is_allocated()
        || !(o.events.relapsed || o.events.housing_lost)
    {
        return 0;
    }
    let watch = how_closely_watched(o, s.modes.for_tier(o.risk).monitoring, s, week);
    let detection = detection_probability(o, &s.compliance, watch);
    let mut found = 0;
    let d = o.draws;
    if o.events.relapsed && d.uniform(week, Decision::ViolationDetected, 1) < detection {
        found |= RecallReason::DrugsOrAlcohol.bit();
    }
    if o.events.housing_lost && d.uniform(week, Decision::ViolationDetected, 2) < detection {
        found |= RecallReason::FailureToReside.bit();
    }
    found
}

/// The enforcement phase for one case under supervision: checks on people unseen for weeks,
/// and, for failures to comply this week, warnings, sanctions, and at a breach an order goes
/// to court and a licence to recall. The case manager enforces; for an unallocated case the
/// office's administration checks, warns and lays the breach (no sanctions: nobody could run
/// them). Whereabouts unknown start breach proceedings or recall at once.
pub fn enforce(
    o: &mut Offender,
    managers: &mut [CaseManager],
    s: &Scenario,
    week: i32,
    counts: &mut EnforcementCounts,
    recalls: &mut RecallCounts,
) {
    if !o.journey.stage.is_supervised() {
        return;
    }
    let (e, sup) = (&s.enforcement, &s.supervision);
    let manager = o.supervision.manager.index();
    let paperwork = |managers: &mut [CaseManager], hours: f64| {
        if let Some(m) = manager {
            managers[m].paperwork_backlog += hours;
        }
    };
    if o.events.checked {
        counts.checks += 1;
        counts.office_checks += u32::from(manager.is_none());
        paperwork(managers, e.check_hours);
    }
    let found = licence_conditions(o, s, week);
    let conditions = found.count_ones() as u8;
    counts.condition_failures += u32::from(conditions);
    let failures = o.events.failures + conditions;
    if failures == 0 && !o.events.whereabouts_unknown {
        return;
    }
    let sanctions_allowed = match (e.policy, manager) {
        (EnforcementPolicy::Graduated, Some(_)) => e.sanctions_before_breach,
        _ => 0,
    };
    let period = e.warning_period_weeks as i32;
    o.tallies.violations = o.tallies.violations.saturating_add(u16::from(failures));
    if o.events.whereabouts_unknown {
        counts.whereabouts_unknown += 1;
    }
    for failure in 0..failures.max(1) {
        if o.supervision.warnings > 0 && week - o.supervision.last_warning >= period {
            o.supervision.warnings = 0;
        }
        if o.supervision.sanctions.level > 0 && week - o.supervision.sanctions.imposed >= period {
            o.supervision.sanctions.level = 0;
        }
        // Whereabouts unknown: breach action at once, without a further warning.
        let unknown = o.events.whereabouts_unknown && failure == 0;
        if !unknown {
            after_enforcement(o, &s.engagement);
        }
        if !unknown && o.supervision.warnings < e.warnings_before_breach {
            o.supervision.warnings += 1;
            o.supervision.last_warning = week;
            paperwork(managers, sup.warning_hours);
            counts.warnings += 1;
            counts.office_actions += u32::from(manager.is_none());
            continue;
        }
        if !unknown && o.supervision.sanctions.level < sanctions_allowed {
            o.supervision.sanctions.level += 1;
            o.supervision.sanctions.imposed = week;
            o.supervision.sanctions.until = week + 1 + e.sanction_weeks as i32;
            // Reporting starts next week.
            o.supervision.next_contact = o.supervision.next_contact.min(week + 1);
            paperwork(managers, e.sanction_hours);
            counts.sanctions += 1;
            continue;
        }
        paperwork(managers, sup.breach_hours);
        counts.breaches += 1;
        counts.office_actions += u32::from(manager.is_none());
        o.supervision.breaches = o.supervision.breaches.saturating_add(1);
        if o.journey.stage == Stage::Licence {
            if recall_possible(o, week)
                && o.draws.uniform(week, Decision::RecallOnBreach, 0) < s.custody.recall_on_breach
            {
                let reasons = recall_reasons(o, found);
                recall_to_custody(o, managers, s, week, reasons, recalls);
                counts.recalls += 1;
                break;
            }
        } else {
            match breach_decision(o, s, week) {
                BreachOutcome::Revoked => {
                    let custody = revocation_custody_weeks(o, s, week);
                    end_order(o, OrderOutcome::Breached, managers, week, custody);
                    counts.revocations += 1;
                    break;
                }
                BreachOutcome::Curfew(weeks) => {
                    o.supervision.curfew_until = week + 1 + weeks as i32;
                    counts.court.curfews += 1;
                }
                BreachOutcome::Fine => counts.court.fines += 1,
            }
        }
        // The order or licence continues, and the court's warning (or the decision not to
        // recall) replaces the case manager's. A person before the court has been found, but
        // has kept no appointment: the contacts missed in a row still count, so someone who
        // goes on missing them after the hearing is soon out of touch.
        if o.journey.stage == Stage::Order {
            o.supervision.last_seen = week;
        }
        o.supervision.warnings = 0;
        o.supervision.sanctions.level = 0;
    }
}
