//! Contacts and compliance: whether an offered appointment is kept, what that does to the
//! working relationship, and which failures to comply are detected.
//!
//! Attendance follows a logistic model: log-odds rise with motivation and with the working
//! relationship, and fall with chaotic needs (drugs, alcohol, mental health, accommodation).
//! The relationship grows at each kept appointment with the case manager and decays in weeks
//! without one; a handoff sets it back (see `organisation::allocate`). An appointment kept with
//! a colleague covering an absence holds the relationship where it is: the bond is with the
//! named case manager. The pre-sentence report's interview is kept or missed like any
//! appointment, but missing it is not a failure to comply with an order.
//!
//! How closely other requirements are watched depends on the mode (`monitoring`) and on any
//! curfew-like restriction in force (graduated sanctions): both multiply the chance that a
//! violation is detected, as does, on licence, a risk management plan agreed with the police
//! at a case conference in custody (see `icm`).
//!
//! Someone not seen for weeks is instructed to report ([`keep_in_touch`]); missed contacts in
//! a row make their whereabouts unknown (see `enforcement`).
//!
//! A prison visit by the engaged community case manager (through the gate) is kept or not like
//! an appointment and builds the relationship the same way; missing it is no failure. The first
//! appointment after release is recorded, kept or missed.

use crate::model::engagement::{after_contact, drift};
use crate::model::journey::Stage;
use crate::model::modes::ModeTable;
use crate::model::offender::{NEVER, Offender};
use crate::rng::Decision;
use crate::scenario::{Compliance, Scenario};

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Attendance probabilities precomputed from the scenario.
pub struct AttendanceModel {
    base_log_odds: f64,
    motivation_effect: f64,
    relationship_effect: f64,
    chaotic_needs_effect: f64,
    thresholds: LogisticThresholds,
}

/// Decides `u < logistic(x)` exactly, nearly always without the exponential, for draws `u` in
/// 0..1. The draws fall in [`BANDS`] equal bands; for each band, log-odds at or above
/// `keep_from` give a probability above the band's top, and log-odds at or below `miss_to` one
/// at or below its bottom, whatever the draw inside the band. Only log-odds between the two,
/// about one case in a thousand, need the logistic itself.
struct LogisticThresholds {
    keep_from: [f64; BANDS],
    miss_to: [f64; BANDS],
}

const BANDS: usize = 1024;

impl LogisticThresholds {
    fn new() -> Self {
        // The true logistic is within a few units of the last place of the computed one, and
        // within the bands (probabilities 1/1024 to 1023/1024) a margin of 1e-9 in log-odds
        // moves it by at least 1e-12: far more.
        let margin = |x: f64| 1e-9 * (1.0 + x.abs());
        let edge = |k: usize| logit(k as f64 / BANDS as f64);
        LogisticThresholds {
            keep_from: std::array::from_fn(|j| match j + 1 {
                BANDS => f64::INFINITY,
                top => edge(top) + margin(edge(top)),
            }),
            miss_to: std::array::from_fn(|j| match j {
                0 => f64::NEG_INFINITY,
                bottom => edge(bottom) - margin(edge(bottom)),
            }),
        }
    }

    /// The band of the draw `u`.
    fn band(u: f64) -> usize {
        ((u * BANDS as f64) as usize).min(BANDS - 1)
    }

    /// `u < logistic(x)`, as computed in full.
    fn below(&self, u: f64, x: f64) -> bool {
        let band = Self::band(u);
        if x >= self.keep_from[band] {
            true
        } else if x <= self.miss_to[band] {
            false
        } else {
            u < logistic(x)
        }
    }
}

impl AttendanceModel {
    pub fn new(c: &Compliance) -> Self {
        // Probabilities of exactly 0 or 1 stay exact: clamp the log-odds far out.
        let base = logit(c.base_attendance).clamp(-40.0, 40.0);
        AttendanceModel {
            base_log_odds: base,
            motivation_effect: c.motivation_effect,
            relationship_effect: c.relationship_effect,
            chaotic_needs_effect: c.chaotic_needs_effect,
            thresholds: LogisticThresholds::new(),
        }
    }

    fn log_odds(&self, o: &Offender) -> f64 {
        self.base_log_odds
            + self.motivation_effect * (f64::from(o.motivation) - 0.5)
            + self.relationship_effect * f64::from(o.supervision.relationship)
            - self.chaotic_needs_effect * f64::from(o.needs.chaotic_total())
    }

    /// Probability this offender keeps an offered appointment.
    pub fn probability(&self, o: &Offender) -> f64 {
        logistic(self.log_odds(o))
    }

    /// Whether the draw `u` keeps the appointment: `u` below [`Self::probability`], decided
    /// exactly but mostly without working the probability out.
    pub fn keeps(&self, o: &Offender, u: f64) -> bool {
        self.thresholds.below(u, self.log_odds(o))
    }
}

/// What is fixed for a week's contacts and compliance.
pub struct ContactsWeek<'a> {
    pub attendance: &'a AttendanceModel,
    pub modes: &'a ModeTable,
    pub scenario: &'a Scenario,
    /// How much one kept appointment grows the relationship (a member's share under teams).
    pub growth: f64,
    pub week: i32,
}

/// Contacts and compliance for one case: whether an offered appointment was kept, what that
/// did to the relationship, and which failures to comply were detected.
pub fn contacts_and_compliance(o: &mut Offender, c: &ContactsWeek, skill: f64) {
    if !matches!(
        o.journey.stage,
        Stage::PreSentence | Stage::Order | Stage::Custody | Stage::Licence
    ) {
        return;
    }
    let (attendance, modes, s, growth, week) =
        (c.attendance, c.modes, c.scenario, c.growth, c.week);
    let (compliance, relationship) = (&s.compliance, &s.relationship);
    let d = o.draws;
    let on_order = o.journey.stage.is_supervised();
    if o.events.contact_offered {
        let kept = attendance.keeps(o, d.uniform(week, Decision::Attendance, 0));
        if kept {
            o.events.contact_attended = true;
            if on_order {
                o.tallies.contacts_kept = o.tallies.contacts_kept.saturating_add(1);
                o.seen(week);
            }
            if !o.events.contact_by_cover {
                // A skilled contact builds the bond, and then motivation.
                let r = f64::from(o.supervision.relationship);
                o.supervision.relationship = (r + growth * skill * (1.0 - r)) as f32;
                after_contact(o, skill, &s.engagement);
            }
        } else if on_order
            && d.uniform(week, Decision::AcceptableAbsence, 0)
                >= compliance.acceptable_absence_share
        {
            o.events.failures += 1;
            missed(o, s);
        }
        if o.journey.stage == Stage::Licence {
            if o.journey.awaiting_first_appointment {
                o.journey.awaiting_first_appointment = false;
                o.events.first_appointment = Some(kept);
            }
            if kept && o.journey.first_contact_after_release == NEVER {
                o.journey.first_contact_after_release = week - o.journey.released;
                o.events.first_contact_after_release = true;
            }
        }
    }
    if !o.events.contact_attended {
        o.supervision.relationship *= (1.0 - relationship.weekly_decay) as f32;
    }
    drift(o, &s.engagement);
    if !on_order {
        return;
    }
    keep_in_touch(o, attendance, s, week);
    // Other requirements (residence, activities, conduct). Nobody detects a violation by a
    // case with no case manager.
    if o.is_allocated()
        && d.uniform(week, Decision::Violation, 0) < compliance.violation_rate_per_week
    {
        let watch = how_closely_watched(o, modes.get(o.risk).monitoring, s, week);
        if d.uniform(week, Decision::ViolationDetected, 0)
            < detection_probability(o, compliance, watch)
        {
            o.events.failures += 1;
        }
    }
}

/// How closely the case is watched this week: the mode's `monitoring`, times
/// `enforcement.restriction_monitoring` under a restriction (a sanction or a court's curfew),
/// times `custody.police_monitoring` for a licensee with a risk plan the police share.
pub fn how_closely_watched(o: &Offender, monitoring: f64, s: &Scenario, week: i32) -> f64 {
    let mut watch = monitoring;
    if o.restricted(week) {
        watch *= s.enforcement.restriction_monitoring;
    }
    if o.journey.stage == Stage::Licence && o.icm.risk_plan {
        watch *= s.custody.police_monitoring;
    }
    watch
}

/// Probability that a violation this week is detected: as likely at an attended contact as
/// `detection_with_contact` says, otherwise as `detection_unsupervised`, times how closely the
/// case is watched (`watch`: the mode's monitoring and whatever adds to it).
pub fn detection_probability(o: &Offender, c: &Compliance, watch: f64) -> f64 {
    let detection = if o.events.contact_attended {
        c.detection_with_contact
    } else {
        c.detection_unsupervised
    };
    detection * watch
}

/// A contact missed without an acceptable reason: one more in a row, and at
/// `enforcement.missed_before_unknown` the whereabouts are unknown.
fn missed(o: &mut Offender, s: &Scenario) {
    o.supervision.unanswered = o.supervision.unanswered.saturating_add(1);
    if o.supervision.unanswered >= s.enforcement.missed_before_unknown {
        o.events.whereabouts_unknown = true;
    }
}

/// Keeping in touch: in a week with no appointment offered, someone unseen for
/// `enforcement.unseen_weeks_before_check` weeks is instructed to report (by letter, call or
/// visit; by the office when nobody holds the case), and again every `check_interval_weeks`
/// while unanswered. The instruction is answered as an appointment is kept (the same
/// attendance model: motivation, relationship, chaotic needs); an unanswered one is a failure to
/// comply and one more contact missed in a row.
pub fn keep_in_touch(o: &mut Offender, attendance: &AttendanceModel, s: &Scenario, week: i32) {
    let e = &s.enforcement;
    if o.events.contact_offered {
        return;
    }
    let overdue = o.weeks_unseen(week) - e.unseen_weeks_before_check as i32;
    if overdue < 0 || overdue % e.check_interval_weeks as i32 != 0 {
        return;
    }
    o.events.checked = true;
    if attendance.keeps(o, o.draws.uniform(week, Decision::KeepInTouchCheck, 0)) {
        o.seen(week);
    } else {
        o.events.failures += 1;
        missed(o, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::offender::{Needs, OffenderFactory};
    use crate::scenario::Population;

    /// The thresholds give the full computation's answer, at band edges, at the thresholds
    /// themselves and between them, over the whole range of log-odds.
    #[test]
    fn thresholds_decide_as_the_logistic_does() {
        use rand::Rng;
        let t = LogisticThresholds::new();
        let mut rng = rand_pcg::Pcg32::new(11, 13);
        let mut shortcuts = 0;
        let draws = 200_000;
        for _ in 0..draws {
            let u = f64::from(rng.random::<f32>());
            let x = rng.random_range(-45.0..45.0);
            assert_eq!(t.below(u, x), u < logistic(x), "u {u} x {x}");
            let band = LogisticThresholds::band(u);
            shortcuts += usize::from(x >= t.keep_from[band] || x <= t.miss_to[band]);
            // On both sides of each threshold, and on a draw at the band's edges.
            for edge in [t.keep_from[band], t.miss_to[band]]
                .into_iter()
                .filter(|e| e.is_finite())
            {
                for x in [edge.next_down(), edge, edge.next_up()] {
                    assert_eq!(t.below(u, x), u < logistic(x));
                }
            }
            let bottom = band as f64 / BANDS as f64;
            for u in [bottom, (bottom + 1.0 / BANDS as f64).next_down()] {
                let x = logit(u);
                for x in [x.next_down(), x, x.next_up()] {
                    assert_eq!(t.below(u, x), u < logistic(x), "u {u} x {x}");
                }
            }
        }
        assert!(shortcuts > draws * 99 / 100, "{shortcuts}");
    }

    #[test]
    fn attendance_rises_with_motivation_and_relationship_and_falls_with_chaos() {
        let model = AttendanceModel::new(&Compliance::default());
        let mut o = OffenderFactory::new(&Population::default()).draw(
            &mut rand_pcg::Pcg32::new(3, 5),
            0,
            false,
        );
        o.needs = Needs::default();
        o.motivation = 0.5;
        o.supervision.relationship = 0.0;
        let base = model.probability(&o);
        assert!((base - Compliance::default().base_attendance).abs() < 1e-12);
        o.motivation = 0.9;
        let motivated = model.probability(&o);
        o.supervision.relationship = 0.8;
        let engaged = model.probability(&o);
        o.needs.0[0] = 3;
        let chaotic = model.probability(&o);
        assert!(motivated > base && engaged > motivated && chaotic < engaged);
    }
}
