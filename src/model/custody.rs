//! Custody (the custodial leg of DOMICE 2011a's journey; Jardine & Rigby 2010's ICM): sentencing to custody, release on
//! licence with whatever the case conferences arranged, recall, and through-the-gate
//! continuity.
//!
//! - **Sentence.** Each new case is sent to custody with the probability its tier and offence
//!   give (`sentencing.custody_share` times `custody_offence_factor`), for a drawn length; it
//!   serves `custody.release_fraction` of it in custody and the rest on licence. A case with
//!   a pre-sentence report is sentenced at the hearing, on the report: written in full, it
//!   keeps borderline cases out of custody (`reports.custody_odds`) and may give the order a
//!   treatment requirement for the need it assessed (`reports.requirement_share`).
//! - **Release.** What the conferences planned (see `icm`) decides whether housing and a service
//!   are in place: housing in place takes the accommodation provider's `severity_reduction` off the accommodation
//!   need; release without it makes the need a level worse. A service in place is an accepted
//!   referral waiting since the pre-release conference (first in the queue), or the engaged case
//!   manager's own referral.
//! - **Without ICM** (`custody.icm = false`: sentence management as before ICM, Jardine & Rigby
//!   2010, 1.16) no conference is held: nothing is planned, so housing is in place only with
//!   `in_place_if_unplanned`, and a service only when the case already waits for or attends
//!   one (the engaged case manager's own referral); no pre-release referral is made.
//! - **Through the gate.** With `custody.through_the_gate`, a community case manager takes the
//!   case `engage_weeks_before_release` before release: prison visits build the working
//!   relationship, the assessment and plan are done inside, and the first appointment is the
//!   week after release. Without it, nobody from the community holds the case until release;
//!   the first appointment comes `handover_gap_weeks` later, with a stranger and no plan.
//! - **Recall.** Breach of licence or a new proven offence may recall the licensee to custody
//!   for `recall_weeks`; the licence then resumes to the sentence's end.

use serde::{Deserialize, Serialize};

use crate::model::journey::{Disposal, OrderOutcome, Stage, leave_supervision};
use crate::model::offender::{
    MAX_SEVERITY, NEVER, Need, OffenceType, Offender, RiskTier, at_release, cumulative, pick,
};
use crate::model::organisation::{HandoffCause, release};
use crate::model::services::{ServiceState, ServiceSystem};
use crate::model::workforce::CaseManager;
use crate::rng::Decision;
use crate::scenario::{Custody, Scenario};

/// Custodial sentences shorter than this (12 months) are "short" in the MoJ's proven
/// reoffending statistics.
pub const SHORT_SENTENCE_WEEKS: i32 = 52;

/// The court's choice between a community order and custody, worked out once.
pub struct Sentencer {
    /// Probability of custody by tier and offence.
    custody_share: [[f64; OffenceType::COUNT]; RiskTier::COUNT],
    lengths: Vec<u16>,
    /// Cumulative weights of the lengths, by tier.
    length_cumulative: [Vec<f64>; RiskTier::COUNT],
    release_fraction: f64,
    /// `reports.custody_odds` by tier.
    report_custody_odds: [f64; RiskTier::COUNT],
}

impl Sentencer {
    pub fn new(s: &Scenario) -> Self {
        let sentencing = &s.sentencing;
        let factor = sentencing.custody_offence_factor.as_array();
        Sentencer {
            custody_share: sentencing
                .custody_share
                .as_array()
                .map(|p| factor.map(|f| (p * f).min(1.0))),
            lengths: sentencing.sentence_length.weeks.clone(),
            length_cumulative: sentencing.short_sentence_odds.as_array().map(|odds| {
                let lengths = &sentencing.sentence_length;
                let weights: Vec<f64> = lengths
                    .weeks
                    .iter()
                    .zip(&lengths.weights)
                    .map(|(&weeks, &w)| {
                        if i32::from(weeks) < SHORT_SENTENCE_WEEKS {
                            w * odds
                        } else {
                            w
                        }
                    })
                    .collect();
                cumulative(&weights)
            }),
            release_fraction: s.custody.release_fraction,
            report_custody_odds: s.reports.custody_odds.as_array(),
        }
    }

    /// Whether any case can be sent to custody.
    pub fn sends_anyone(&self) -> bool {
        self.custody_share.iter().flatten().any(|&p| p > 0.0)
    }

    /// Weeks in custody for a sentence of `length` weeks (at least one, at most all of it).
    pub fn custody_weeks(&self, length: i32) -> i32 {
        ((f64::from(length) * self.release_fraction).round() as i32).clamp(1, length)
    }

    /// The court's decision on a case that arrived at `arrival`: the length of a custodial
    /// sentence, or `None` for a community order. Sentenced on the offence and risk alone, the
    /// probability of custody is `custody_share` (times the offence factor); on a full report
    /// its odds are multiplied by the tier's `reports.custody_odds`. The same draw decides
    /// either way, so a report changes the sentence only of a case near the threshold.
    fn decide(&self, o: &Offender, arrival: i32, full_report: bool) -> Option<i32> {
        let d = o.draws;
        let share = self.custody_share[o.risk.index()][o.offence as usize];
        let p = if full_report {
            with_odds_ratio(share, self.report_custody_odds[o.risk.index()])
        } else {
            share
        };
        if d.uniform(arrival, Decision::Disposal, 0) >= p {
            return None;
        }
        let cumulative = &self.length_cumulative[o.risk.index()];
        let v = d.uniform(arrival, Decision::SentenceLength, 0);
        Some(i32::from(self.lengths[pick(cumulative, v)]))
    }

    /// Decides a new case's disposal at `week`, its arrival, from the case's own numbers (so
    /// that changing the custody shares changes no one else's). A case of the initial caseload
    /// (`initial`) is part-way through its sentence at `week`: still in custody, or already on
    /// licence. A case awaiting a pre-sentence report is sentenced at the hearing
    /// ([`Sentencer::sentence_on_report`]), when the report is in.
    pub fn sentence(&self, o: &mut Offender, week: i32, initial: bool, c: &Custody) {
        if o.journey.stage == Stage::PreSentence {
            return;
        }
        let Some(length) = self.decide(o, week, false) else {
            return;
        };
        if initial {
            let custody = self.custody_weeks(length);
            o.journey.disposal = Disposal::Custody;
            let elapsed_fraction = o.draws.uniform(week, Decision::TimeServed, 0);
            o.journey.order_start = week - (elapsed_fraction * f64::from(length)) as i32;
            o.journey.order_due_end = o.journey.order_start + length;
            let release = o.journey.order_start + custody;
            if release <= week {
                // Released before the simulation began: on licence, already assessed.
                o.journey.stage = Stage::Licence;
                o.journey.released = release;
                o.journey.latest_release = release;
            } else {
                o.journey.release_due = release;
                begin_custody(o, week, c);
            }
            return;
        }
        // No report: straight to custody at sentence.
        self.pass_custodial_sentence(o, length);
        begin_custody(o, o.journey.order_start, c);
    }

    /// A custodial sentence of `length` weeks from the order's start: custody to the release
    /// point, licence to the end.
    fn pass_custodial_sentence(&self, o: &mut Offender, length: i32) {
        o.journey.disposal = Disposal::Custody;
        o.journey.order_due_end = o.journey.order_start + length;
        o.journey.release_due = o.journey.order_start + self.custody_weeks(length);
    }

    /// The hearing after a pre-sentence report: custody, or a community order. A full
    /// report can keep a borderline case out of custody (see [`Sentencer::decide`]), and the
    /// order it informs may carry a treatment requirement for the need it assessed
    /// (`reports.requirement_share`). Without a full report the court decides on the offence
    /// and risk, and the order's requirements follow the offence.
    pub fn sentence_on_report(&self, o: &mut Offender, managers: &mut [CaseManager], s: &Scenario) {
        let arrival = o.journey.stage_started;
        match self.decide(o, arrival, o.report.done) {
            Some(length) => {
                self.pass_custodial_sentence(o, length);
                sentence_to_custody(o, managers, &s.custody);
            }
            None => {
                o.journey.stage = Stage::Order;
                o.journey.stage_started = o.journey.order_start;
                o.supervision.next_contact = o.journey.order_start;
                o.report.treatment_requirement = o.report.done
                    && o.needs
                        .most_severe()
                        .is_some_and(Need::has_treatment_requirement)
                    && o.draws.uniform(arrival, Decision::TreatmentRequirement, 0)
                        < s.reports.requirement_share;
            }
        }
    }
}

/// `p` with its odds multiplied by `ratio` (0 and 1 stay where they are, unless the ratio is 0).
fn with_odds_ratio(p: f64, ratio: f64) -> f64 {
    if p >= 1.0 && ratio > 0.0 {
        return 1.0;
    }
    let odds = p / (1.0 - p) * ratio;
    odds / (1.0 + odds)
}

/// A custodial sentence (or a recall) begins at `start`: no assessment for the community yet,
/// and the case conferences are scheduled.
pub fn begin_custody(o: &mut Offender, start: i32, c: &Custody) {
    o.journey.stage = Stage::Custody;
    o.journey.stage_started = start;
    if o.journey.released == NEVER {
        // The plan for the community is made before release (through the gate) or after it.
        o.supervision.assessed = false;
        o.supervision.assessment_hours_done = 0.0;
    }
    o.supervision.next_contact = NEVER;
    o.supervision.next_review = NEVER;
    o.icm.planned = 0;
    // Without ICM (`custody.icm = false`) no conference is ever due.
    o.icm.next_conference = if c.icm {
        (start + c.conference_interval_weeks as i32).min(pre_release_conference_week(o, start, c))
    } else {
        NEVER
    };
}

/// Week of the pre-release conference of the spell in custody that began at `start`.
pub fn pre_release_conference_week(o: &Offender, start: i32, c: &Custody) -> i32 {
    (o.journey.release_due - c.pre_release_conference_weeks as i32).max(start)
}

/// Whether a community case manager should hold the case this week: always under supervision
/// or awaiting sentence; in custody only through the gate, from the engagement point before
/// release.
pub fn wants_case_manager(o: &Offender, s: &Scenario, week: i32) -> bool {
    match o.journey.stage {
        Stage::PreSentence | Stage::Order | Stage::Licence => true,
        Stage::Custody => {
            s.custody.through_the_gate
                && o.under_custodial_sentence()
                && week >= o.journey.release_due - s.custody.engage_weeks_before_release as i32
        }
        Stage::FollowUp | Stage::Closed => false,
    }
}

/// At sentence, a case with a report goes to custody: the report writer hands the case back
/// (whoever takes it next is a handoff) and the custodial sentence begins.
pub fn sentence_to_custody(o: &mut Offender, managers: &mut [CaseManager], c: &Custody) {
    release(o, managers, HandoffCause::StageChange);
    begin_custody(o, o.journey.order_start, c);
}

/// Release at the end of `week` from a spell in custody: onto licence (with what is in place),
/// or, for a revoked order's custody or a recall that ran to the sentence's end, into the
/// follow-up. `events.released` is set for a release onto licence.
pub fn release_from_custody(
    o: &mut Offender,
    managers: &mut [CaseManager],
    services: &ServiceSystem,
    s: &Scenario,
    week: i32,
) {
    let c = &s.custody;
    let next = week + 1;
    o.journey.release_due = NEVER;
    o.icm.next_conference = NEVER;
    if !o.under_custodial_sentence() {
        // Out after a revoked order, with no licence.
        o.journey.latest_release = next;
        o.journey.stage = Stage::FollowUp;
        return;
    }
    let first = o.journey.released == NEVER;
    if first {
        o.journey.released = next;
    }
    o.journey.latest_release = next;
    if next >= o.journey.order_due_end {
        o.journey.outcome = Some(OrderOutcome::Completed);
        o.journey.order_ended = week;
        leave_supervision(o, managers);
        o.journey.stage = Stage::FollowUp;
        return;
    }
    o.journey.stage = Stage::Licence;
    o.journey.stage_started = next;
    o.events.released = true;
    let flags = arrange_release(o, services, s, week);
    if first {
        o.journey.at_release = flags;
        o.journey.awaiting_first_appointment = true;
    }
    o.supervision.next_contact = if o.is_allocated() {
        next
    } else {
        next + c.handover_gap_weeks as i32
    };
    // A plan made before release (through the gate, or before a recall) is reviewed on licence
    // at the usual interval; otherwise the reviews start once the plan is made.
    if o.supervision.assessed {
        o.supervision.next_review = next + s.supervision.review_interval_weeks as i32;
        o.team.next_conference = next + s.team.conference_interval_weeks as i32;
    } else {
        o.supervision.next_review = NEVER;
    }
    o.icm.planned = 0;
}

/// Whether housing and a service are in place at release; returns the [`at_release`] flags.
fn arrange_release(o: &mut Offender, services: &ServiceSystem, s: &Scenario, week: i32) -> u8 {
    let c = &s.custody;
    let d = o.draws;
    let planned = |need: Need| o.icm.planned & (1 << need as u8) != 0;
    let chance = |need: Need| {
        if planned(need) {
            c.in_place_if_planned
        } else {
            c.in_place_if_unplanned
        }
    };
    let mut flags = 0;
    let home = Need::Accommodation as usize;
    if o.needs.0[home] > 0 {
        flags |= at_release::HOUSING_NEED;
        if d.uniform(week, Decision::InPlaceAtRelease, Need::Accommodation as u32)
            < chance(Need::Accommodation)
        {
            flags |= at_release::HOUSING_IN_PLACE;
            let housing = s.services.providers.accommodation.severity_reduction;
            o.needs.0[home] = o.needs.0[home].saturating_sub(housing);
            o.settled = true;
        } else {
            o.needs.0[home] = (o.needs.0[home] + 1).min(MAX_SEVERITY);
            o.settled = false;
        }
    }
    let mut others = o.needs;
    others.0[home] = 0;
    if let Some(need) = others.most_severe() {
        flags |= at_release::SERVICE_NEED;
        match o.supervision.service {
            ServiceState::Waiting { .. } | ServiceState::Attending { .. } => {
                flags |= at_release::SERVICE_IN_PLACE;
            }
            ServiceState::None => {
                // Without ICM there is no pre-release conference to refer at.
                if c.icm
                    && services.reachable[need as usize] > 0
                    && d.uniform(week, Decision::InPlaceAtRelease, need as u32) < chance(need)
                {
                    // Referred and accepted at the pre-release conference.
                    let since = week + 1 - c.pre_release_conference_weeks as i32;
                    o.supervision.service = ServiceState::Waiting { need, since };
                    flags |= at_release::SERVICE_IN_PLACE;
                }
            }
            ServiceState::Substituting { .. } => {}
        }
    }
    flags
}

/// Recall weeks for this licensee.
pub fn recall_weeks(o: &Offender, c: &Custody) -> u32 {
    c.recall_weeks.as_array()[o.risk.index()]
}

/// Whether a licensee can still be recalled at the end of `week`: not in the licence's last
/// week, which ends the sentence anyway.
pub fn recall_possible(o: &Offender, week: i32) -> bool {
    o.journey.stage == Stage::Licence && o.journey.order_due_end > week + 1
}

/// Why a licensee was recalled, as the Ministry of Justice's recall statistics record it: more
/// than one reason may apply to a recall.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecallReason {
    /// Charged with a further offence (here: a proven reoffence this week).
    FurtherCharge,
    /// The person's whereabouts became unknown (see `compliance::keep_in_touch`).
    FailureToKeepInTouch,
    /// Missed appointments, instructions to report or other conditions, enforced.
    NonCompliance,
    /// The residence condition broken: settled accommodation lost on licence, or none at
    /// recall.
    FailureToReside,
    /// A drugs or alcohol relapse on licence, found by the supervisor.
    DrugsOrAlcohol,
}

impl RecallReason {
    pub const COUNT: usize = 5;
    pub const ALL: [RecallReason; RecallReason::COUNT] = [
        RecallReason::FurtherCharge,
        RecallReason::FailureToKeepInTouch,
        RecallReason::NonCompliance,
        RecallReason::FailureToReside,
        RecallReason::DrugsOrAlcohol,
    ];

    /// The reason's bit in a set of reasons.
    pub const fn bit(self) -> u8 {
        1 << self as u8
    }

    /// The name used in output files.
    pub fn name(self) -> &'static str {
        match self {
            RecallReason::FurtherCharge => "further_charge",
            RecallReason::FailureToKeepInTouch => "failure_to_keep_in_touch",
            RecallReason::NonCompliance => "non_compliance",
            RecallReason::FailureToReside => "failure_to_reside",
            RecallReason::DrugsOrAlcohol => "drugs_or_alcohol",
        }
    }

    /// In words, for the report.
    pub fn label(self) -> &'static str {
        match self {
            RecallReason::FurtherCharge => "further charge",
            RecallReason::FailureToKeepInTouch => "failure to keep in touch",
            RecallReason::NonCompliance => "non-compliance",
            RecallReason::FailureToReside => "failure to reside",
            RecallReason::DrugsOrAlcohol => "drugs or alcohol",
        }
    }
}

/// Recalls this week: how many, of which type, and for which reasons (a recall with several
/// reasons counts under each).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallCounts {
    pub recalls: u32,
    pub fixed_term: u32,
    pub by_reason: [u32; RecallReason::COUNT],
}

/// The reasons this week's events give for a recall, besides those the enforcement of licence
/// conditions found (`found`, which holds failure to reside: the approved address lost and
/// found out): a proven offence, failures to comply, whereabouts unknown. Being unsettled is
/// not itself a breach of the residence condition.
pub fn recall_reasons(o: &Offender, found: u8) -> u8 {
    let mut reasons = found;
    if o.events.proven {
        reasons |= RecallReason::FurtherCharge.bit();
    }
    if o.events.failures > 0 {
        reasons |= RecallReason::NonCompliance.bit();
    }
    if o.events.whereabouts_unknown {
        reasons |= RecallReason::FailureToKeepInTouch.bit();
    }
    reasons
}

/// Recalls a licensee at the end of `week` for `reasons` (a set of [`RecallReason`] bits) and
/// schedules the spell's conferences. A recall is fixed-term (`custody.fixed_term_weeks`) when
/// no further charge is among its reasons, the sentence is short enough and the tier's share
/// says so; otherwise standard (`custody.recall_weeks`).
pub fn recall_to_custody(
    o: &mut Offender,
    managers: &mut [CaseManager],
    s: &Scenario,
    week: i32,
    reasons: u8,
    counts: &mut RecallCounts,
) {
    let c = &s.custody;
    let sentence = o.journey.order_due_end - o.journey.order_start;
    let fixed_term = reasons & RecallReason::FurtherCharge.bit() == 0
        && sentence < c.fixed_term_below_sentence_weeks as i32
        && o.draws.uniform(week, Decision::FixedTermRecall, 0) < c.fixed_term_share[o.risk];
    let weeks = if fixed_term {
        c.fixed_term_weeks
    } else {
        recall_weeks(o, c)
    };
    crate::model::journey::recall(o, managers, week, weeks, c.through_the_gate);
    o.events.recalled = true;
    begin_custody(o, week + 1, c);
    counts.recalls += 1;
    counts.fixed_term += u32::from(fixed_term);
    for reason in RecallReason::ALL {
        if reasons & reason.bit() != 0 {
            counts.by_reason[reason as usize] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::offender::OffenderFactory;
    use crate::scenario::Population;

    fn scenario_with_custody(share: f64) -> Scenario {
        let mut s = Scenario::default();
        s.sentencing.custody_share.low = share;
        s.sentencing.custody_share.medium = share;
        s.sentencing.custody_share.high = share;
        s.sentencing.custody_share.very_high = share;
        s
    }

    #[test]
    fn custody_share_zero_sends_nobody_and_one_sends_everybody() {
        let mut factory = OffenderFactory::new(&Population::default());
        let mut rng = rand_pcg::Pcg32::new(1, 2);
        for (share, want) in [(0.0, Disposal::Community), (1.0, Disposal::Custody)] {
            let s = scenario_with_custody(share);
            let sentencer = Sentencer::new(&s);
            for _ in 0..200 {
                let mut o = factory.draw(&mut rng, 10, false);
                sentencer.sentence(&mut o, 10, false, &s.custody);
                assert_eq!(o.journey.disposal, want);
                if want == Disposal::Custody && o.journey.stage != Stage::PreSentence {
                    assert_eq!(o.journey.stage, Stage::Custody);
                    let length = o.journey.order_due_end - o.journey.order_start;
                    assert_eq!(o.journey.release_due - o.journey.order_start, length / 2);
                }
            }
        }
    }

    /// On a full report the court sends fewer to custody, and only cases it would have sent
    /// without one: the borderline. Without a full report the decision is the offence and
    /// risk's alone, and only an order on a full report carries a treatment requirement.
    #[test]
    fn a_full_report_keeps_borderline_cases_out_of_custody_and_may_require_treatment() {
        let mut s = scenario_with_custody(0.5);
        s.reports.custody_odds = crate::scenario::PerTier::new(0.5, 0.5, 0.5, 0.5);
        s.reports.requirement_share = 1.0;
        let sentencer = Sentencer::new(&s);
        let mut factory = OffenderFactory::new(&Population::default()).with_reports(1.0, 3);
        let mut rng = rand_pcg::Pcg32::new(7, 8);
        let (mut without, mut with, n) = (0, 0, 4_000);
        for _ in 0..n {
            let o = factory.draw(&mut rng, 10, false);
            assert_eq!(o.journey.stage, Stage::PreSentence);
            let plain = sentencer.decide(&o, 10, false);
            let informed = sentencer.decide(&o, 10, true);
            assert!(
                informed.is_none() || informed == plain,
                "a report never adds custody"
            );
            without += usize::from(plain.is_some());
            with += usize::from(informed.is_some());
            for done in [false, true] {
                let mut heard = o.clone();
                heard.report.done = done;
                sentencer.sentence_on_report(&mut heard, &mut [], &s);
                let custody = if done { informed } else { plain };
                assert_eq!(
                    heard.journey.disposal == Disposal::Custody,
                    custody.is_some()
                );
                assert_eq!(
                    heard.report.treatment_requirement,
                    done && custody.is_none()
                        && o.needs
                            .most_severe()
                            .is_some_and(Need::has_treatment_requirement)
                );
            }
        }
        // Odds of 1 halved: a third instead of a half.
        let (without, with) = (without as f64 / n as f64, with as f64 / n as f64);
        assert!((without - 0.5).abs() < 0.03, "{without}");
        assert!((with - 1.0 / 3.0).abs() < 0.03, "{with}");
    }

    #[test]
    fn the_odds_ratio_moves_a_probability_and_keeps_its_ends() {
        assert!((with_odds_ratio(0.5, 0.5) - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(with_odds_ratio(0.0, 3.0), 0.0);
        assert_eq!(with_odds_ratio(1.0, 0.5), 1.0);
        assert_eq!(with_odds_ratio(0.7, 0.0), 0.0);
        assert!((with_odds_ratio(0.3, 1.0) - 0.3).abs() < 1e-12);
    }

    #[test]
    fn release_schedules_the_first_appointment_and_keeps_a_plan_made_inside_under_review() {
        let mut s = scenario_with_custody(1.0);
        s.custody.handover_gap_weeks = 3;
        let sentencer = Sentencer::new(&s);
        let services = ServiceSystem::new(&s.services);
        let mut factory = OffenderFactory::new(&Population::default());
        let mut rng = rand_pcg::Pcg32::new(5, 6);
        let mut o = factory.draw(&mut rng, 10, false);
        sentencer.sentence(&mut o, 10, false, &s.custody);
        assert_eq!(o.journey.stage, Stage::Custody);
        let week = o.journey.release_due - 1;
        // Planned inside (as through the gate), then released with nobody holding the case.
        o.supervision.assessed = true;
        release_from_custody(&mut o, &mut [], &services, &s, week);
        assert_eq!(o.journey.stage, Stage::Licence);
        assert_eq!(
            (o.journey.released, o.journey.latest_release),
            (week + 1, week + 1)
        );
        assert!(o.journey.awaiting_first_appointment && o.events.released);
        assert_eq!(
            o.supervision.next_contact,
            week + 1 + 3,
            "first seen after the handover gap"
        );
        let interval = s.supervision.review_interval_weeks as i32;
        assert_eq!(o.supervision.next_review, week + 1 + interval);
        // A recall: back inside, with the plan kept; released again at the recall's end.
        let recall_week = week + 5;
        let mut standard = s.clone();
        standard.custody.fixed_term_share = crate::scenario::PerTier::new(0.0, 0.0, 0.0, 0.0);
        recall_to_custody(
            &mut o,
            &mut [],
            &standard,
            recall_week,
            RecallReason::NonCompliance.bit(),
            &mut RecallCounts::default(),
        );
        assert_eq!((o.journey.stage, o.journey.recalls), (Stage::Custody, 1));
        assert_eq!(
            o.journey.release_due,
            (recall_week + 1 + recall_weeks(&o, &s.custody) as i32).min(o.journey.order_due_end)
        );
        assert!(o.supervision.assessed, "a recall keeps the plan");
    }

    /// A recall without a further charge, from a sentence under the limit, is fixed-term at
    /// the tier's share; with a further charge, or from a long sentence, it is standard. Each
    /// reason is counted.
    #[test]
    fn a_recall_is_fixed_term_unless_charged_or_long_and_its_reasons_are_counted() {
        let mut s = scenario_with_custody(1.0);
        s.custody.fixed_term_share = crate::scenario::PerTier::new(1.0, 1.0, 1.0, 1.0);
        s.custody.fixed_term_weeks = 8;
        s.custody.recall_weeks = crate::scenario::PerTier::new(30, 30, 30, 30);
        let mut factory = OffenderFactory::new(&Population::default());
        let mut rng = rand_pcg::Pcg32::new(5, 6);
        let on_licence = |rng: &mut rand_pcg::Pcg32, factory: &mut OffenderFactory, length| {
            let mut o = factory.draw(rng, 10, false);
            o.journey.stage = Stage::Licence;
            o.journey.disposal = Disposal::Custody;
            o.journey.order_start = 0;
            o.journey.order_due_end = length;
            o
        };
        let mut counts = RecallCounts::default();
        let non_compliance = RecallReason::NonCompliance.bit();
        let charged = non_compliance | RecallReason::FurtherCharge.bit();
        for (length, reasons, weeks) in [
            (150, non_compliance, 8),
            (150, charged, 30),
            (300, non_compliance, 30),
        ] {
            let mut o = on_licence(&mut rng, &mut factory, length);
            recall_to_custody(&mut o, &mut [], &s, 20, reasons, &mut counts);
            assert_eq!(o.journey.release_due, 21 + weeks, "{length} {reasons}");
        }
        assert_eq!((counts.recalls, counts.fixed_term), (3, 1));
        let by = |r: RecallReason| counts.by_reason[r as usize];
        assert_eq!(by(RecallReason::NonCompliance), 3);
        assert_eq!(by(RecallReason::FurtherCharge), 1);
        assert_eq!(by(RecallReason::DrugsOrAlcohol), 0);
    }

    #[test]
    fn an_initial_prisoner_is_in_custody_or_on_licence_according_to_time_served() {
        let s = scenario_with_custody(1.0);
        let sentencer = Sentencer::new(&s);
        let mut factory = OffenderFactory::new(&Population::default());
        let mut rng = rand_pcg::Pcg32::new(3, 4);
        let (mut inside, mut out) = (0, 0);
        for _ in 0..400 {
            let mut o = factory.draw(&mut rng, 0, true);
            sentencer.sentence(&mut o, 0, true, &s.custody);
            match o.journey.stage {
                Stage::Custody => {
                    inside += 1;
                    assert!(o.journey.release_due > 0 && !o.supervision.assessed);
                }
                Stage::Licence => {
                    out += 1;
                    assert!(o.journey.released <= 0 && o.journey.order_due_end > 0);
                }
                other => panic!("initial prisoner in {other:?}"),
            }
        }
        // Half of each sentence is served inside.
        assert!((150..250).contains(&inside), "{inside} inside, {out} out");
    }
}
