//! Reoffending: a weekly hazard, and whether a reoffence is proven.
//!
//! hazard = h0(tier) · exp(β_need · (needs − typical needs of the tier)
//!                          − β_family · (family support − mean family support))
//!        · (1 − β_relationship · relationship, while under supervision)
//!
//! h0 is set so that an offender with the tier's typical needs, average family support and no
//! working relationship is proven to reoffend within a year at the scenario's
//! `proven_rate_by_tier`. A reoffence is proven with `detection_prob`. A proven reoffence during
//! the order goes to court, which may revoke the order.
//!
//! Two further factors:
//! - the risk principle: a low-risk case managed in an intrusive mode has its hazard multiplied
//!   by exp(`low_risk_intensity_effect` · intensity of the mode), from the start of the order to
//!   the end of the follow-up (intensive programmes disrupt the low-risk's protective ties and
//!   mix them with higher-risk peers: Lowenkamp & Latessa 2005);
//! - a curfew-like restriction in force (graduated sanctions) cuts it by `restriction_effect`.
//!
//! In custody the hazard is multiplied by `custody.hazard_factor` (near zero). The follow-up of
//! a custodial sentence starts at release, so offences before it do not count towards the
//! measure. A proven reoffence on licence may bring recall (`custody.recall_on_reoffence`).

use serde::{Deserialize, Serialize};

use crate::model::custody::{recall_possible, recall_to_custody};
use crate::model::journey::{OrderOutcome, Stage, end_order, follow_up_start};
use crate::model::offender::{MAX_SEVERITY, NEVER, Need, Offender, RiskTier};
use crate::model::workforce::CaseManager;
use crate::rng::Decision;
use crate::scenario::Scenario;

/// The hazard model with its per-tier constants worked out once.
pub struct HazardModel {
    base_weekly: [f64; RiskTier::COUNT],
    typical_needs: [f64; RiskTier::COUNT],
    mean_family_support: f64,
    need_effect: f64,
    family_support_effect: f64,
    relationship_effect: f64,
    detection_prob: f64,
    /// The risk principle's multiplier for each tier under the mode policy.
    risk_principle: [f64; RiskTier::COUNT],
    restriction_effect: f64,
    custody_factor: f64,
    /// For each tier, a number no case's weekly hazard reaches (with a margin for rounding): a
    /// draw at or above it decides the week without looking at the case.
    ceiling: [f64; RiskTier::COUNT],
}

impl HazardModel {
    pub fn new(
        s: &Scenario,
        typical_needs: [f64; RiskTier::COUNT],
        mean_family_support: f64,
    ) -> Self {
        let r = &s.reoffending;
        let risk_principle = RiskTier::ALL.map(|tier| {
            if tier == RiskTier::Low {
                (r.low_risk_intensity_effect * s.modes.for_tier(tier).intensity).exp()
            } else {
                1.0
            }
        });
        let base_weekly = r
            .proven_rate_by_tier
            .as_array()
            .map(|p| -(1.0 - p).ln() / 52.0 / r.detection_prob);
        let mut model = HazardModel {
            base_weekly,
            typical_needs,
            mean_family_support,
            need_effect: r.need_effect,
            family_support_effect: r.family_support_effect,
            relationship_effect: r.relationship_effect,
            detection_prob: r.detection_prob,
            risk_principle,
            restriction_effect: s.enforcement.restriction_effect,
            custody_factor: s.custody.hazard_factor,
            ceiling: [f64::INFINITY; RiskTier::COUNT],
        };
        model.ceiling = std::array::from_fn(|t| model.tier_ceiling(t));
        model
    }

    /// The largest hazard a case of tier `t` can have, with a margin: the exponent at its
    /// largest (needs at the extreme of their range the need effect favours, family support at
    /// the extreme the family effect favours), and the supervision and restriction multipliers
    /// at 1, their largest (the relationship and restriction effects and the custody factor are
    /// validated to lie in 0..1). Rounding is monotone, so no case's computed exponent passes
    /// the one computed here.
    fn tier_ceiling(&self, t: usize) -> f64 {
        let most_needs = f64::from(MAX_SEVERITY) * Need::COUNT as f64;
        let needs = [0.0, most_needs]
            .map(|n| self.need_effect * (n - self.typical_needs[t]))
            .into_iter()
            .fold(f64::NEG_INFINITY, f64::max);
        let family = [0.0, 1.0]
            .map(|f| self.family_support_effect * (f - self.mean_family_support))
            .into_iter()
            .fold(f64::INFINITY, f64::min);
        let ceiling = self.scaled(t, (needs - family).exp(), 1.0, 1.0);
        ceiling * (1.0 + 1e-6) + 1e-12
    }

    /// The hazard's exponent and its two multipliers under supervision and restriction.
    fn hazard_parts(&self, o: &Offender, week: i32) -> (f64, f64, f64) {
        let t = o.risk.index();
        let dynamic = self.need_effect * (f64::from(o.needs.total()) - self.typical_needs[t])
            - self.family_support_effect * (f64::from(o.family_support) - self.mean_family_support);
        let supervision = match o.journey.stage {
            Stage::Order | Stage::Licence if o.is_allocated() => {
                1.0 - self.relationship_effect * f64::from(o.supervision.relationship)
            }
            Stage::Custody => self.custody_factor,
            _ => 1.0,
        };
        let restriction = if o.supervision.sanctions.restriction_active(week) {
            1.0 - self.restriction_effect
        } else {
            1.0
        };
        (dynamic, supervision, restriction)
    }

    /// Weekly hazard of (any, proven or not) reoffending.
    pub fn hazard(&self, o: &Offender, week: i32) -> f64 {
        let (dynamic, supervision, restriction) = self.hazard_parts(o, week);
        self.scaled(o.risk.index(), dynamic.exp(), supervision, restriction)
    }

    /// The hazard of tier `t` with `factor` in place of e^dynamic (the product in one order, so
    /// that the bound and the hazard round alike).
    fn scaled(&self, t: usize, factor: f64, supervision: f64, restriction: f64) -> f64 {
        self.base_weekly[t] * factor * supervision * restriction * self.risk_principle[t]
    }

    /// Whether the case's draws this week make a proven reoffence: the reoffence draw below
    /// 1 − e^(−hazard) and the proven draw below the detection probability.
    ///
    /// Most case-weeks are decided without the two exponentials, or even the case's hazard:
    /// the reoffence draw is above the tier's ceiling, or the reoffence is not proven, or the
    /// draw is above a cheap upper bound of the case's hazard (any of which bounds
    /// 1 − e^(−hazard)). The case's bound uses 2^⌈x·log₂e⌉ ≥ e^x, with margins for rounding, so
    /// the answer is exactly the one the full computation gives.
    pub fn proven_reoffence(&self, o: &Offender, week: i32) -> bool {
        let t = o.risk.index();
        // The tier's ceiling first: it settles nearly every case-week with a branch the
        // processor predicts, where the proven draw alone would be a coin toss for it.
        let u_reoffence = o.draws.uniform(week, Decision::Reoffence, 0);
        if u_reoffence >= self.ceiling[t]
            || o.draws.uniform(week, Decision::ReoffenceProven, 0) >= self.detection_prob
        {
            return false;
        }
        let (dynamic, supervision, restriction) = self.hazard_parts(o, week);
        if let Some(power) = power_of_two_above(dynamic) {
            let bound = self.scaled(t, power, supervision, restriction);
            if u_reoffence >= bound * (1.0 + 1e-9) + 1e-12 {
                return false;
            }
        }
        let hazard = self.scaled(t, dynamic.exp(), supervision, restriction);
        u_reoffence < 1.0 - (-hazard).exp()
    }
}

/// A power of two at least e^x, found without calling a library function: 2^(⌊x·log₂e⌋ + 1),
/// with a margin for rounding. `None` when out of range.
fn power_of_two_above(x: f64) -> Option<f64> {
    let y = x * std::f64::consts::LOG2_E * (1.0 + 1e-9) + 1e-9;
    if !(-1000.0..1000.0).contains(&y) {
        return None;
    }
    // Truncation rounds towards zero, so adding one passes ⌈y⌉ on both sides of zero.
    let k = y as i64 + 1;
    Some(f64::from_bits(((k + 1023) as u64) << 52))
}

/// What reoffending did this week, for the time series.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReoffendingCounts {
    pub proven: u32,
    pub revocations: u32,
    pub recalls: u32,
}

/// The reoffending phase for one sentenced case.
pub fn reoffending_week(
    o: &mut Offender,
    managers: &mut [CaseManager],
    model: &HazardModel,
    s: &Scenario,
    week: i32,
    counts: &mut ReoffendingCounts,
) {
    // Offences while awaiting sentence are not followed.
    if matches!(o.journey.stage, Stage::PreSentence | Stage::Closed) {
        return;
    }
    let e = &s.enforcement;
    let d = o.draws;
    if !model.proven_reoffence(o, week) {
        return;
    }
    counts.proven += 1;
    if o.journey.stage == Stage::Custody {
        o.events.proven_in_custody = true;
    }
    let start = follow_up_start(o);
    if o.tallies.first_proven_reoffence == NEVER && start != NEVER && week >= start {
        o.tallies.first_proven_reoffence = week;
    }
    match o.journey.stage {
        Stage::Order
            if d.uniform(week, Decision::CourtOnConviction, 0) < e.reconviction_revocation_prob =>
        {
            end_order(
                o,
                OrderOutcome::RevokedOnReconviction,
                managers,
                week,
                s.sentencing.revocation_custody_weeks,
            );
            counts.revocations += 1;
        }
        Stage::Licence
            if recall_possible(o, week)
                && d.uniform(week, Decision::RecallOnReoffence, 0)
                    < s.custody.recall_on_reoffence =>
        {
            recall_to_custody(o, managers, s, week);
            counts.recalls += 1;
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::offender::{Needs, OffenderFactory};
    use crate::scenario::Population;

    /// No case's hazard reaches its tier's ceiling, whichever way the need and family effects
    /// point: needs and family support at both ends of their ranges, in every stage.
    #[test]
    fn no_hazard_reaches_the_tier_ceiling() {
        let mut o = OffenderFactory::new(&Population::default()).draw(
            &mut rand_pcg::Pcg32::new(1, 2),
            0,
            false,
        );
        for (need_effect, family_effect) in [(0.2, 0.5), (-0.3, -0.8), (0.0, 0.0), (2.0, -3.0)] {
            let mut s = Scenario::default();
            s.reoffending.need_effect = need_effect;
            s.reoffending.family_support_effect = family_effect;
            let model = HazardModel::new(&s, [1.0, 2.5, 4.0, 6.0], 0.5);
            for tier in RiskTier::ALL {
                o.risk = tier;
                let mut highest: f64 = 0.0;
                for needs in [[0; Need::COUNT], [MAX_SEVERITY; Need::COUNT]] {
                    o.needs = Needs(needs);
                    for family in [0.0, 1.0] {
                        o.family_support = family;
                        for stage in [
                            Stage::Order,
                            Stage::Licence,
                            Stage::Custody,
                            Stage::FollowUp,
                        ] {
                            o.journey.stage = stage;
                            highest = highest.max(model.hazard(&o, 0));
                        }
                    }
                }
                let ceiling = model.ceiling[tier.index()];
                assert!(
                    highest < ceiling && ceiling < highest * 1.001 + 1e-9,
                    "{tier:?}: {highest} {ceiling}"
                );
            }
        }
    }

    #[test]
    fn power_of_two_bounds_the_exponential() {
        for i in -4000..4000 {
            let x = f64::from(i) * 0.01;
            let p = super::power_of_two_above(x).expect("in range");
            assert!(p >= x.exp() && p <= 4.0 * x.exp(), "{x}: {p}");
            assert_eq!(p.log2().fract(), 0.0);
        }
        assert_eq!(super::power_of_two_above(800.0), None);
    }
}
