//! The court at breach proceedings, and the custodial term after a revoked order.
//!
//! The Sentencing Council's breach guideline (2018) has the court weigh the offender's overall
//! compliance with the order: at high compliance a curfew of 6-10 days or a fine; at medium or
//! low compliance revocation and resentence, or a longer curfew, or a fine; at wilful and
//! persistent non-compliance revocation and custody. Here the band comes from the share of
//! offered appointments kept on the order (see [`compliance_share`]; `court.high_compliance`,
//! `medium_compliance`); it is
//! wilful and persistent when the person's whereabouts became unknown or the order is back for
//! breach a second time. The band gives the probability of revocation (`court.revocation`),
//! whose odds rise if the person has been convicted of a new offence during the order and with
//! the risk the breach report assesses. An order that continues gets a curfew (the band's
//! `curfew_weeks`, which, like a graduated sanction's restriction, watches compliance more
//! closely and cuts offending) or a fine.
//!
//! A revoked order is resentenced to custody for a term drawn from the original offence and
//! the part of the order still to run, with credit for the part complied with (see
//! [`revocation_custody_weeks`]).

use serde::{Deserialize, Serialize};

use crate::model::offender::Offender;
use crate::rng::Decision;
use crate::scenario::Scenario;

/// How the court sees the offender's compliance with the order at breach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComplianceBand {
    High,
    Medium,
    Low,
    /// Whereabouts unknown, or back for breach a second time.
    Wilful,
}

/// What the court decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreachOutcome {
    /// The order continues; the offender is fined.
    Fine,
    /// The order continues with a curfew added for this many weeks.
    Curfew(u32),
    /// The order is revoked and the offender resentenced to custody.
    Revoked,
}

/// The court's decisions this week.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourtCounts {
    /// Orders continued with a fine, and with a curfew added.
    pub fines: u32,
    pub curfews: u32,
}

/// The band of compliance the court sees at breach of this order.
pub fn compliance_band(o: &Offender, s: &Scenario) -> ComplianceBand {
    let c = &s.court;
    if o.events.whereabouts_unknown || o.supervision.breaches > 1 {
        return ComplianceBand::Wilful;
    }
    let complied = compliance_share(o);
    if complied >= c.high_compliance {
        ComplianceBand::High
    } else if complied >= c.medium_compliance {
        ComplianceBand::Medium
    } else {
        ComplianceBand::Low
    }
}

/// Compliance with the order as the court sees it: the share of offered appointments kept
/// (all of them when none was offered). Other requirements broken count through persistence:
/// a second breach is wilful and persistent.
pub fn compliance_share(o: &Offender) -> f64 {
    match o.tallies.contacts_delivered {
        0 => 1.0,
        offered => f64::from(o.tallies.contacts_kept) / f64::from(offered),
    }
}

/// The probability the court revokes the order at this breach, the case's compliance being
/// in `band`.
pub fn revocation_probability(o: &Offender, s: &Scenario, band: ComplianceBand) -> f64 {
    let c = &s.court;
    let p = c.revocation.as_array()[band as usize];
    if p <= 0.0 || p >= 1.0 {
        return p;
    }
    let mut odds = p / (1.0 - p) * c.risk_odds[o.risk];
    if o.tallies.offences_on_sentence > 0 {
        odds *= c.new_offence_odds;
    }
    odds / (1.0 + odds)
}

/// The court's decision at breach proceedings in `week` (the breach already counted in
/// `supervision.breaches`).
pub fn breach_decision(o: &Offender, s: &Scenario, week: i32) -> BreachOutcome {
    let d = o.draws;
    let band = compliance_band(o, s);
    if d.uniform(week, Decision::CourtOnBreach, 0) < revocation_probability(o, s, band) {
        return BreachOutcome::Revoked;
    }
    if d.uniform(week, Decision::CourtAddsRequirement, 0) < s.court.curfew_share {
        BreachOutcome::Curfew(s.court.curfew_weeks.as_array()[band as usize])
    } else {
        BreachOutcome::Fine
    }
}

/// Weeks in custody after the court revokes the order in `week` (for breach or on a new
/// conviction): `sentencing.revocation_custody_weeks` times the original offence's factor
/// (`court.term_by_offence`), times one half plus the share of the order still to run, times
/// a draw from 0.5 to 1.5; at least one week, at most `court.longest_term_weeks`.
pub fn revocation_custody_weeks(o: &Offender, s: &Scenario, week: i32) -> u32 {
    let base = f64::from(s.sentencing.revocation_custody_weeks);
    if base == 0.0 {
        return 0;
    }
    let length = f64::from((o.journey.order_due_end - o.journey.order_start).max(1));
    let remaining = (f64::from(o.journey.order_due_end - week - 1) / length).clamp(0.0, 1.0);
    let offence = s.court.term_by_offence.as_array()[o.offence as usize];
    let spread = 0.5 + o.draws.uniform(week, Decision::RevocationTerm, 0);
    let weeks = (base * offence * (0.5 + remaining) * spread).round();
    (weeks as u32).clamp(1, s.court.longest_term_weeks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::offender::OffenderFactory;
    use crate::scenario::Population;

    fn case() -> Offender {
        let mut o = OffenderFactory::new(&Population::default()).draw(
            &mut rand_pcg::Pcg32::new(7, 9),
            0,
            false,
        );
        o.journey.order_start = 0;
        o.journey.order_due_end = 52;
        o
    }

    #[test]
    fn the_band_follows_appointments_kept_and_wilful_non_compliance() {
        let s = Scenario::default();
        let mut o = case();
        o.supervision.breaches = 1;
        o.tallies.contacts_delivered = 40;
        o.tallies.contacts_kept = 39;
        assert_eq!(compliance_band(&o, &s), ComplianceBand::High);
        o.tallies.contacts_kept = 36;
        assert_eq!(compliance_band(&o, &s), ComplianceBand::Medium);
        o.tallies.contacts_kept = 30;
        assert_eq!(compliance_band(&o, &s), ComplianceBand::Low);
        o.tallies.contacts_kept = 39;
        o.supervision.breaches = 2;
        assert_eq!(compliance_band(&o, &s), ComplianceBand::Wilful);
        o.supervision.breaches = 1;
        o.events.whereabouts_unknown = true;
        assert_eq!(compliance_band(&o, &s), ComplianceBand::Wilful);
    }

    #[test]
    fn revocation_is_likelier_at_lower_compliance_after_a_new_offence_and_at_higher_risk() {
        let mut s = Scenario::default();
        s.court.revocation.high = 0.1;
        let mut o = case();
        o.supervision.breaches = 1;
        o.tallies.contacts_delivered = 40;
        let at = |o: &Offender, missed: u16| {
            let mut o = o.clone();
            o.tallies.contacts_kept = 40 - missed;
            revocation_probability(&o, &s, compliance_band(&o, &s))
        };
        let (high, medium, low) = (at(&o, 1), at(&o, 4), at(&o, 10));
        assert!(high < medium && medium < low, "{high} {medium} {low}");
        o.tallies.offences_on_sentence = 1;
        assert!(at(&o, 1) > high);
        o.tallies.offences_on_sentence = 0;
        o.risk = crate::scenario::RiskTier::Low;
        let low_risk = at(&o, 4);
        o.risk = crate::scenario::RiskTier::VeryHigh;
        assert!(at(&o, 4) > low_risk);
    }

    #[test]
    fn the_term_after_revocation_grows_with_the_order_left_and_the_offence() {
        let s = Scenario::default();
        let mut o = case();
        o.offence = crate::scenario::OffenceType::Other;
        // The same week's draw, with most of the order to run and with little of it.
        let mut late = o.clone();
        late.journey.order_start = -40;
        late.journey.order_due_end = 12;
        for w in 0..10 {
            let (t_early, t_late) = (
                revocation_custody_weeks(&o, &s, w),
                revocation_custody_weeks(&late, &s, w),
            );
            assert!(t_early > t_late, "{t_early} {t_late}");
        }
        let early: u32 = (0..10).map(|w| revocation_custody_weeks(&o, &s, w)).sum();
        o.offence = crate::scenario::OffenceType::Sexual;
        let sexual: u32 = (0..10).map(|w| revocation_custody_weeks(&o, &s, w)).sum();
        assert!(sexual > early);
        for w in 0..52 {
            let t = revocation_custody_weeks(&o, &s, w);
            assert!((1..=s.court.longest_term_weeks).contains(&t));
        }
    }
}
