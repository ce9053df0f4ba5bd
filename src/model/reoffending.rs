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

use crate::model::journey::{OrderOutcome, Stage, end_order};
use crate::model::offender::{NEVER, Offender, RiskTier};
use crate::model::workforce::CaseManager;
use crate::scenario::{Enforcement, Scenario};

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
}

impl HazardModel {
    pub fn new(s: &Scenario, typical_needs: [f64; 4], mean_family_support: f64) -> Self {
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
        HazardModel {
            base_weekly,
            typical_needs,
            mean_family_support,
            need_effect: r.need_effect,
            family_support_effect: r.family_support_effect,
            relationship_effect: r.relationship_effect,
            detection_prob: r.detection_prob,
            risk_principle,
            restriction_effect: s.enforcement.restriction_effect,
        }
    }

    /// Weekly hazard of (any, proven or not) reoffending.
    pub fn hazard(&self, o: &Offender, week: i32) -> f64 {
        let t = o.risk.index();
        let dynamic = self.need_effect * (f64::from(o.needs.total()) - self.typical_needs[t])
            - self.family_support_effect * (f64::from(o.family_support) - self.mean_family_support);
        let supervision = if o.stage == Stage::Order && o.is_allocated() {
            1.0 - self.relationship_effect * f64::from(o.relationship)
        } else {
            1.0
        };
        let restriction = if o.sanctions.restriction_active(week) {
            1.0 - self.restriction_effect
        } else {
            1.0
        };
        self.base_weekly[t] * dynamic.exp() * supervision * restriction * self.risk_principle[t]
    }
}

/// What reoffending did this week, for the time series.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReoffendingCounts {
    pub proven: u32,
    pub revocations: u32,
}

/// The reoffending phase for every case on an order or in follow-up.
pub fn reoffending_week(
    offenders: &mut [Offender],
    managers: &mut [CaseManager],
    model: &HazardModel,
    e: &Enforcement,
    week: i32,
) -> ReoffendingCounts {
    let mut counts = ReoffendingCounts::default();
    // Reoffending is counted from the start of the order, as the proven reoffending measure
    // does; offences while awaiting sentence are not followed.
    for o in offenders
        .iter_mut()
        .filter(|o| matches!(o.stage, Stage::Order | Stage::FollowUp))
    {
        let d = o.draws;
        let p = 1.0 - (-model.hazard(o, week)).exp();
        if f64::from(d.reoffence) >= p || f64::from(d.reoffence_proven) >= model.detection_prob {
            continue;
        }
        counts.proven += 1;
        if o.first_proven_reoffence == NEVER {
            o.first_proven_reoffence = week;
        }
        if o.stage == Stage::Order && f64::from(d.court) < e.reconviction_revocation_prob {
            end_order(o, OrderOutcome::RevokedOnReconviction, managers, week);
            counts.revocations += 1;
        }
    }
    counts
}
