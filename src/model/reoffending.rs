//! Reoffending: a weekly hazard, and whether a reoffence is proven.
//!
//! hazard = h0(tier) · shape(weeks at risk)
//!        · exp(β_age · (age − typical age of the tier)
//!            + β_need · (needs − typical needs of the tier)
//!            + β_work · (in work − typical share of the tier)
//!            + β_unsettled · (unsettled − typical share of the tier)
//!            − β_family · (family support − mean family support))
//!        · (in custody: `custody.hazard_factor`) · (under a restriction: 1 − `restriction_effect`)
//!
//! Static risk is the tier; the hazard is front-loaded within a person (`time_shape`, a
//! Weibull hazard in the weeks since the start of the order or since release, scaled to average
//! 1 over the first year), falls as the person ages (`age_effect`: desistance), rises with
//! unmet criminogenic needs and falls with the protective states of work, settled
//! accommodation and family support. h0 is set so that a case with its tier's typical age,
//! needs and circumstances is proven to reoffend within a year at `proven_rate_by_tier`.
//!
//! Supervision has no term of its own here: it changes the hazard only through what it changes
//! — needs met by services and skilled one-to-one work, work and accommodation found or kept,
//! or lost to intensive requirements (`circumstances`) — as the evidence says contact and
//! surveillance alone do not lower offending (Lipsey & Cullen 2007; Petersilia & Turner 1993).
//! What surveillance changes is detection: a reoffence is proven by the police with
//! `detection_prob`, and a supervised case's other reoffences come to light with
//! `supervision_detection` times its mode's monitoring. A proven reoffence during an order goes
//! to court, which may revoke it; on licence it may bring recall.
//!
//! In custody the hazard is multiplied by `custody.hazard_factor` (near zero). The follow-up of
//! a custodial sentence starts at release, so offences before it do not count towards the
//! measure.

use serde::{Deserialize, Serialize};

use crate::model::court::revocation_custody_weeks;
use crate::model::custody::{RecallCounts, recall_possible, recall_reasons, recall_to_custody};
use crate::model::journey::{OrderOutcome, Stage, end_order, follow_up_start};
use crate::model::modes::ModeTable;
use crate::model::offender::{MAX_SEVERITY, NEVER, Need, Offender, OffenderFactory, RiskTier};
use crate::model::workforce::CaseManager;
use crate::rng::Decision;
use crate::scenario::{MAX_WEEKS, Scenario};

/// The hazard model with its per-tier constants worked out once.
pub struct HazardModel {
    base_weekly: [f64; RiskTier::COUNT],
    /// The time shape by weeks at risk (the last entry serves every later week).
    shape: Vec<f64>,
    /// The tier's typical age, needs, share in work and share unsettled: the reference point.
    typical_age: [f64; RiskTier::COUNT],
    typical_needs: [f64; RiskTier::COUNT],
    typical_employed: [f64; RiskTier::COUNT],
    typical_unsettled: [f64; RiskTier::COUNT],
    mean_family_support: f64,
    age_effect: f64,
    need_effect: f64,
    employment_effect: f64,
    unsettled_effect: f64,
    family_support_effect: f64,
    detection_prob: f64,
    supervision_detection: f64,
    /// Each tier's mode's monitoring (the closeness of supervision's watch).
    monitoring: [f64; RiskTier::COUNT],
    restriction_effect: f64,
    custody_factor: f64,
    /// For each tier and each total of need severities (0 to [`MOST_NEEDS`]), a number no
    /// case's weekly hazard reaches (with a margin for rounding): a draw at or above it decides
    /// the week without the rest of the hazard.
    ceiling: [[f64; MOST_NEEDS + 1]; RiskTier::COUNT],
}

/// The largest total of need severities a case can have.
const MOST_NEEDS: usize = MAX_SEVERITY as usize * Need::COUNT;

/// The Weibull hazard of shape `k` in each week at risk, scaled to average 1 over the first 52
/// weeks: week t gets (t + 1)^k − t^k, the cumulative hazard's increase over it, times 52^(1−k).
fn weekly_shape(k: f64, weeks: usize) -> Vec<f64> {
    let scale = 52f64.powf(1.0 - k);
    (0..weeks)
        .map(|t| {
            let t = t as f64;
            scale * ((t + 1.0).powf(k) - t.powf(k))
        })
        .collect()
}

impl HazardModel {
    pub fn new(s: &Scenario, factory: &OffenderFactory, modes: &ModeTable) -> Self {
        let r = &s.reoffending;
        let base_weekly = r
            .proven_rate_by_tier
            .as_array()
            .map(|p| -(1.0 - p).ln() / 52.0 / r.detection_prob);
        // Weeks at risk reach at most the run, plus the longest sentence or order already
        // under way at the start.
        let longest = (MAX_WEEKS as usize).min(s.simulation.weeks as usize) + 2 * 52 * 5;
        let (employed, settled) = factory.expected_circumstances();
        let mut model = HazardModel {
            base_weekly,
            shape: weekly_shape(r.time_shape, longest),
            typical_age: factory.expected_age(),
            typical_needs: factory.expected_need_total(),
            typical_employed: employed,
            typical_unsettled: settled.map(|p| 1.0 - p),
            mean_family_support: s.population.family_support.mean,
            age_effect: r.age_effect,
            need_effect: r.need_effect,
            employment_effect: r.employment_effect,
            unsettled_effect: r.unsettled_effect,
            family_support_effect: r.family_support_effect,
            detection_prob: r.detection_prob,
            supervision_detection: r.supervision_detection,
            monitoring: RiskTier::ALL.map(|t| modes.get(t).monitoring),
            restriction_effect: s.enforcement.restriction_effect,
            custody_factor: s.custody.hazard_factor,
            ceiling: [[f64::INFINITY; MOST_NEEDS + 1]; RiskTier::COUNT],
        };
        let ages = (
            f64::from(*s.population.age.bands_from.first().unwrap_or(&18)),
            f64::from(s.population.age.oldest) + f64::from(s.simulation.weeks) / 52.0 + 5.0,
        );
        model.ceiling = std::array::from_fn(|t| {
            std::array::from_fn(|needs| model.tier_ceiling(t, ages, needs))
        });
        model
    }

    /// The largest hazard a case of tier `t` whose needs add up to `needs` can have, with a
    /// margin: the shape at its largest, each other term of the exponent at the end of its
    /// range that the effect favours (ages from `ages.0` to `ages.1`, in work or not, settled
    /// or not, family support 0 to 1), and the custody and restriction multipliers at 1, their
    /// largest (they are validated to lie in 0..1). Rounding is monotone, so no case's computed
    /// exponent passes the one computed here.
    ///
    /// One ceiling per tier over every total of needs (the ceiling of the most needs) lay above
    /// 1 in the baseline, so it settled no case-week; by the total it settles 88% of them
    /// (callgrind: the proven draw went from 2.1 M to 0.26 M instructions; a baseline
    /// replication from 960.7 M to 897.8 M).
    fn tier_ceiling(&self, t: usize, ages: (f64, f64), needs: usize) -> f64 {
        let largest = |values: [f64; 2], effect: f64, centre: f64| {
            values
                .map(|v| effect * (v - centre))
                .into_iter()
                .fold(f64::NEG_INFINITY, f64::max)
        };
        let needs = needs as f64;
        let exponent = largest([ages.0, ages.1], self.age_effect, self.typical_age[t])
            + largest([needs, needs], self.need_effect, self.typical_needs[t])
            + largest([0.0, 1.0], self.employment_effect, self.typical_employed[t])
            + largest([0.0, 1.0], self.unsettled_effect, self.typical_unsettled[t])
            + largest(
                [0.0, 1.0],
                -self.family_support_effect,
                self.mean_family_support,
            );
        let shape = self.shape.iter().copied().fold(0.0, f64::max);
        let ceiling = self.scaled(t, shape, exponent.exp(), 1.0);
        ceiling * (1.0 + 1e-6) + 1e-12
    }

    /// The hazard's time shape, its exponent, and its multiplier in custody or under a
    /// restriction.
    fn hazard_parts(&self, o: &Offender, week: i32) -> (f64, f64, f64) {
        let t = o.risk.index();
        // Weeks at risk count from the start of the sentence or the follow-up, and again from
        // each release from custody (the post-release peak: after a recall, or a revoked
        // order's custody, too).
        let start = match follow_up_start(o) {
            NEVER => o.journey.order_start,
            start => start,
        }
        .max(o.journey.latest_release);
        let at_risk = (week - start).max(0) as usize;
        let shape = self.shape[at_risk.min(self.shape.len() - 1)];
        let dynamic = self.age_effect * (o.age(week) - self.typical_age[t])
            + self.need_effect * (f64::from(o.needs.total()) - self.typical_needs[t])
            + self.employment_effect * (f64::from(u8::from(o.employed)) - self.typical_employed[t])
            + self.unsettled_effect * (f64::from(u8::from(!o.settled)) - self.typical_unsettled[t])
            - self.family_support_effect * (f64::from(o.family_support) - self.mean_family_support);
        let mut factor = if o.journey.stage == Stage::Custody {
            self.custody_factor
        } else {
            1.0
        };
        if o.restricted(week) {
            factor *= 1.0 - self.restriction_effect;
        }
        (shape, dynamic, factor)
    }

    /// Weekly hazard of (any, proven or not) reoffending.
    pub fn hazard(&self, o: &Offender, week: i32) -> f64 {
        let (shape, dynamic, factor) = self.hazard_parts(o, week);
        self.scaled(o.risk.index(), shape, dynamic.exp(), factor)
    }

    /// The hazard of tier `t` with `exp` in place of e^dynamic (the product in one order, so
    /// that the bound and the hazard round alike).
    fn scaled(&self, t: usize, shape: f64, exp: f64, factor: f64) -> f64 {
        self.base_weekly[t] * shape * exp * factor
    }

    /// Probability that a reoffence is proven: by the police, or brought to light by the
    /// supervision of a case that a case manager holds, watched as closely as its mode says.
    pub fn proven_probability(&self, o: &Offender) -> f64 {
        let supervised = o.journey.stage.is_supervised() && o.is_allocated();
        if !supervised {
            return self.detection_prob;
        }
        let watch = (self.supervision_detection * self.monitoring[o.risk.index()]).min(1.0);
        1.0 - (1.0 - self.detection_prob) * (1.0 - watch)
    }

    /// Whether the case's draws this week make a proven reoffence: the reoffence draw below
    /// 1 − e^(−hazard) and the proven draw below the probability of proof.
    ///
    /// Most case-weeks are decided without the two exponentials, or even the case's hazard:
    /// the reoffence draw is above the ceiling of the tier and the case's total of needs, or
    /// the reoffence is not proven, or the
    /// draw is above a cheap upper bound of the case's hazard (any of which bounds
    /// 1 − e^(−hazard)). The case's bound uses 2^⌈x·log₂e⌉ ≥ e^x, with margins for rounding, so
    /// the answer is exactly the one the full computation gives.
    pub fn proven_reoffence(&self, o: &Offender, week: i32) -> bool {
        let t = o.risk.index();
        // The ceiling of the tier and the case's total of needs first: it settles nearly
        // every case-week with a branch the processor predicts, where the proven draw alone
        // would be a coin toss for it.
        let u_reoffence = o.draws.uniform(week, Decision::Reoffence, 0);
        let ceiling = self.ceiling[t]
            .get(o.needs.total() as usize)
            .copied()
            .unwrap_or(f64::INFINITY);
        if u_reoffence >= ceiling
            || o.draws.uniform(week, Decision::ReoffenceProven, 0) >= self.proven_probability(o)
        {
            return false;
        }
        let (shape, dynamic, factor) = self.hazard_parts(o, week);
        if let Some(power) = power_of_two_above(dynamic) {
            let bound = self.scaled(t, shape, power, factor);
            if u_reoffence >= bound * (1.0 + 1e-9) + 1e-12 {
                return false;
            }
        }
        let hazard = self.scaled(t, shape, dynamic.exp(), factor);
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
    recalls: &mut RecallCounts,
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
    o.events.proven = true;
    if o.journey.stage.is_supervised() {
        o.tallies.offences_on_sentence = o.tallies.offences_on_sentence.saturating_add(1);
    }
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
            let custody = revocation_custody_weeks(o, s, week);
            end_order(
                o,
                OrderOutcome::RevokedOnReconviction,
                managers,
                week,
                custody,
            );
            counts.revocations += 1;
        }
        Stage::Licence
            if recall_possible(o, week)
                && d.uniform(week, Decision::RecallOnReoffence, 0)
                    < s.custody.recall_on_reoffence =>
        {
            let reasons = recall_reasons(o, 0);
            recall_to_custody(o, managers, s, week, reasons, recalls);
            counts.recalls += 1;
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::offender::Needs;
    use crate::scenario::Population;

    /// No case's hazard reaches the ceiling of its tier and total of needs, whichever way the
    /// need and family effects point: every total of needs, family support, age, work and
    /// accommodation at both ends of their ranges, in every stage.
    #[test]
    fn no_hazard_reaches_the_tier_ceiling() {
        let mut o = OffenderFactory::new(&Population::default()).draw(
            &mut rand_pcg::Pcg32::new(1, 2),
            0,
            false,
        );
        o.journey.order_start = 0;
        for (need_effect, family_effect, age_effect, work_effect) in [
            (0.2, 0.5, -0.03, -0.2),
            (-0.3, -0.8, 0.05, 0.3),
            (0.0, 0.0, 0.0, 0.0),
            (2.0, -3.0, -0.5, 1.0),
        ] {
            let mut s = Scenario::default();
            s.reoffending.need_effect = need_effect;
            s.reoffending.family_support_effect = family_effect;
            s.reoffending.age_effect = age_effect;
            s.reoffending.employment_effect = work_effect;
            s.reoffending.unsettled_effect = -work_effect;
            let factory = OffenderFactory::new(&s.population);
            let model = HazardModel::new(&s, &factory, &ModeTable::new(&s.modes));
            let youngest = f64::from(s.population.age.bands_from[0]);
            let oldest =
                f64::from(s.population.age.oldest) + f64::from(s.simulation.weeks) / 52.0 + 5.0;
            for (tier, total) in RiskTier::ALL
                .into_iter()
                .flat_map(|t| (0..=MOST_NEEDS).map(move |n| (t, n)))
            {
                o.risk = tier;
                let mut highest: f64 = 0.0;
                // Needs adding up to `total`, filled need by need.
                o.needs = Needs(std::array::from_fn(|i| {
                    (total.saturating_sub(i * MAX_SEVERITY as usize)).min(MAX_SEVERITY as usize)
                        as u8
                }));
                assert_eq!(o.needs.total() as usize, total);
                {
                    for (family, age, employed, settled) in [0.0, 1.0]
                        .into_iter()
                        .flat_map(|f| [youngest, oldest].map(move |a| (f, a)))
                        .flat_map(|(f, a)| [(f, a, false), (f, a, true)])
                        .flat_map(|(f, a, e)| [(f, a, e, false), (f, a, e, true)])
                    {
                        o.family_support = family;
                        o.birth_week = -(age * 52.0) as i32;
                        o.employed = employed;
                        o.settled = settled;
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
                let ceiling = model.ceiling[tier.index()][total];
                assert!(
                    highest < ceiling && ceiling < highest * 1.001 + 1e-9,
                    "{tier:?} {total}: {highest} {ceiling}"
                );
            }
        }
    }

    /// The time shape averages 1 over the first year and falls within a person when its shape
    /// is below 1.
    #[test]
    fn the_hazard_is_front_loaded_and_the_first_year_keeps_its_rate() {
        for k in [0.5, 0.8, 1.0, 1.3] {
            let shape = weekly_shape(k, 300);
            let first_year: f64 = shape[..52].iter().sum::<f64>() / 52.0;
            assert!((first_year - 1.0).abs() < 1e-9, "{k}: {first_year}");
            if k < 1.0 {
                assert!(shape[0] > shape[51] && shape[51] > shape[155]);
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
