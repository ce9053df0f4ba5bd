//! The core functions of case management as hours of work, and what gets done when the hours
//! run out.
//!
//! Every allocated case asks for hours each week: assessment and planning at the start, contacts
//! at its tier's interval, reviews of the plan, and paperwork for any enforcement. A case manager
//! meets the demand in a fixed order — enforcement paperwork (a legal duty), then assessments,
//! then contacts, then reviews — and when the hours run short the prioritisation rule decides
//! whose contacts go (seed 002): `structured` cuts the lowest-risk cases' contact first;
//! `discretionary` cuts every case's contact with the same probability. This is the channel by
//! which caseload reaches outcomes.

use crate::model::journey::Stage;
use crate::model::offender::{NEVER, Offender, RiskTier};
use crate::model::workforce::{CaseManager, DeliveryShares, StaffStatus};
use crate::scenario::{Prioritisation, Scenario};

/// Share of `demand` met by `hours` (1 when there is no demand).
fn share(hours: f64, demand: f64) -> f64 {
    if demand <= 0.0 {
        1.0
    } else {
        (hours / demand).clamp(0.0, 1.0)
    }
}

/// Opens each case manager's weekly account: hours available, and the paperwork backlog paid
/// first.
fn open_accounts(managers: &mut [CaseManager], hours_per_week: f64) {
    for m in managers.iter_mut() {
        m.hours_available = if m.status == StaffStatus::Present {
            hours_per_week
        } else {
            0.0
        };
        m.hours_used = 0.0;
        m.demand = Default::default();
        let paid = m.paperwork_backlog.min(m.hours_available);
        m.hours_used = paid;
        m.paperwork_backlog -= paid;
        m.demand.paperwork = paid;
    }
}

/// Adds up each case manager's demand and marks the cases whose contact is due.
fn add_up_demand(
    offenders: &mut [Offender],
    managers: &mut [CaseManager],
    s: &Scenario,
    week: i32,
) {
    let sup = &s.supervision;
    for o in offenders.iter_mut() {
        o.events = Default::default();
        if o.stage != Stage::Order {
            continue;
        }
        o.supervised_weeks += 1;
        if !o.is_allocated() {
            o.weeks_unallocated += 1;
        }
        o.events.contact_due = week >= o.next_contact;
        if o.events.contact_due {
            o.contacts_due += 1;
        }
        let Some(index) = o.manager.index() else {
            continue;
        };
        let d = &mut managers[index].demand;
        if !o.assessed {
            d.assessment += sup.assessment_hours + sup.planning_hours;
        }
        if o.events.contact_due {
            d.contacts_by_tier[o.risk.index()] += sup.hours_per_contact;
        }
        if o.assessed && week >= o.next_review {
            d.reviews += sup.review_hours;
        }
    }
}

/// Splits each case manager's remaining hours over the demand, by the prioritisation rule.
fn decide_shares(managers: &mut [CaseManager], rule: Prioritisation) {
    for m in managers.iter_mut() {
        let mut left = m.hours_left();
        let d = m.demand;
        let assessment = share(left, d.assessment);
        left -= assessment * d.assessment;
        let mut contacts = [0.0; 4];
        match rule {
            Prioritisation::Structured => {
                for tier in RiskTier::ALL.iter().rev() {
                    let t = tier.index();
                    contacts[t] = share(left, d.contacts_by_tier[t]);
                    left -= contacts[t] * d.contacts_by_tier[t];
                }
            }
            Prioritisation::Discretionary => {
                let total: f64 = d.contacts_by_tier.iter().sum();
                let common = share(left, total);
                contacts = [common; 4];
                left -= common * total;
            }
        }
        let reviews = share(left, d.reviews);
        m.shares = DeliveryShares {
            assessment,
            contacts_by_tier: contacts,
            reviews,
        };
    }
}

/// Delivers this week's work case by case: a task is done when the case is within its
/// manager's share for that kind of work and the hours are still there.
fn deliver(offenders: &mut [Offender], managers: &mut [CaseManager], s: &Scenario, week: i32) {
    let sup = &s.supervision;
    for o in offenders.iter_mut() {
        if o.stage != Stage::Order {
            continue;
        }
        let Some(index) = o.manager.index() else {
            continue;
        };
        let m = &mut managers[index];
        // One draw ranks the case for all its tasks: a manager who cuts a case's contact
        // also puts off its review.
        let rank = f64::from(o.draws.contact_delivery);
        if !o.assessed
            && rank < m.shares.assessment
            && m.try_use(sup.assessment_hours + sup.planning_hours)
        {
            o.assessed = true;
            o.next_review = week + sup.review_interval_weeks as i32;
        }
        if o.events.contact_due
            && rank < m.shares.contacts_by_tier[o.risk.index()]
            && m.try_use(sup.hours_per_contact)
        {
            o.events.contact_offered = true;
            o.contacts_delivered += 1;
            o.next_contact = week + sup.contact_interval_weeks.as_array()[o.risk.index()] as i32;
        }
        if o.assessed
            && o.next_review != NEVER
            && week >= o.next_review
            && rank < m.shares.reviews
            && m.try_use(sup.review_hours)
        {
            o.next_review = week + sup.review_interval_weeks as i32;
        }
    }
}

/// The workload phase: demand, shares, delivery.
pub fn plan_and_deliver(
    offenders: &mut [Offender],
    managers: &mut [CaseManager],
    s: &Scenario,
    week: i32,
) {
    open_accounts(managers, s.workforce.hours_per_week);
    add_up_demand(offenders, managers, s, week);
    decide_shares(managers, s.organisation.prioritisation);
    deliver(offenders, managers, s, week);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manager_with(hours: f64, contacts_by_tier: [f64; 4]) -> CaseManager {
        let mut m = CaseManager::new(0);
        m.hours_available = hours;
        m.demand.contacts_by_tier = contacts_by_tier;
        m
    }

    #[test]
    fn structured_cuts_lowest_risk_first() {
        let mut ms = [manager_with(10.0, [4.0, 4.0, 4.0, 4.0])];
        decide_shares(&mut ms, Prioritisation::Structured);
        assert_eq!(ms[0].shares.contacts_by_tier, [0.0, 0.5, 1.0, 1.0]);
    }

    #[test]
    fn discretionary_cuts_every_tier_alike() {
        let mut ms = [manager_with(8.0, [4.0, 4.0, 4.0, 4.0])];
        decide_shares(&mut ms, Prioritisation::Discretionary);
        assert_eq!(ms[0].shares.contacts_by_tier, [0.5; 4]);
    }

    #[test]
    fn enough_hours_means_everything_is_done() {
        for rule in [Prioritisation::Structured, Prioritisation::Discretionary] {
            let mut ms = [manager_with(30.0, [4.0, 4.0, 4.0, 4.0])];
            ms[0].demand.reviews = 3.0;
            ms[0].demand.assessment = 6.0;
            decide_shares(&mut ms, rule);
            let s = ms[0].shares;
            assert_eq!(
                (s.assessment, s.contacts_by_tier, s.reviews),
                (1.0, [1.0; 4], 1.0)
            );
        }
    }
}
