//! Engagement: how motivation (readiness to change) moves under supervision.
//!
//! A kept appointment with a skilled case manager the person has a working relationship with
//! builds motivation (`gain_per_contact`, scaled by skill and relationship); meeting a need
//! builds it (`gain_on_progress`); a warning, sanction or breach costs some
//! (`loss_on_enforcement`); and each week it drifts back towards the person's own level. The
//! relationship and motivation act through engagement — attendance, the take-up and completion
//! of services, what one-to-one work achieves — never on the reoffending hazard directly
//! (Kennealy et al. 2012).

use crate::model::offender::Offender;
use crate::scenario::Engagement;

fn towards(value: f32, target: f64, share: f64) -> f32 {
    let v = f64::from(value);
    (v + share * (target - v)).clamp(0.0, 1.0) as f32
}

/// A kept appointment with a case manager of `skill`.
pub fn after_contact(o: &mut Offender, skill: f64, e: &Engagement) {
    let gain = e.gain_per_contact * skill * f64::from(o.supervision.relationship);
    o.motivation = towards(o.motivation, 1.0, gain);
}

/// A need met, or a level of one.
pub fn after_progress(o: &mut Offender, e: &Engagement) {
    o.motivation = towards(o.motivation, 1.0, e.gain_on_progress);
}

/// A warning, sanction or breach.
pub fn after_enforcement(o: &mut Offender, e: &Engagement) {
    o.motivation = towards(o.motivation, 0.0, e.loss_on_enforcement);
}

/// A week's drift back towards the person's own motivation.
pub fn drift(o: &mut Offender, e: &Engagement) {
    o.motivation = towards(o.motivation, f64::from(o.own_motivation), e.drift_per_week);
}
