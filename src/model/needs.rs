//! How criminogenic needs change: individual work by the case manager at attended contacts
//! lowers them, and chaotic needs can flare up.
//!
//! Seed 003: case managers in criminal justice "broker services but also are likely to provide
//! informal guidance"; DOMICE 2011b: where services do not exist, case managers "are often left
//! trying to provide an equivalent service themselves". The mode sets how much own work a
//! kept appointment carries (`own_work`); it goes to the most severe need that no provider is
//! treating. A need the case manager is substituting for a service gets a second piece of work
//! at each kept appointment, achieving `services.substitute_effect` of the first. Services
//! themselves are in `services`.

use crate::model::journey::Stage;
use crate::model::modes::ModeTable;
use crate::model::offender::{MAX_SEVERITY, Need, Offender};
use crate::model::organisation::case_type;
use crate::model::workforce::CaseManager;
use crate::rng::Decision;
use crate::scenario::{NeedDynamics, Scenario};

/// Probability that one attended contact's work lowers the most severe need by a level;
/// `specialist` multiplies it when the case manager specialises in the case's type.
pub fn work_success_probability(o: &Offender, n: &NeedDynamics, specialist: f64) -> f64 {
    n.work_per_contact
        * specialist
        * (0.5 + 0.5 * f64::from(o.motivation))
        * (0.5 + 0.5 * f64::from(o.supervision.relationship))
}

/// The most severe need present that no provider is treating.
fn own_work_target(o: &Offender) -> Option<Need> {
    let mut needs = o.needs;
    if let Some(treated) = o.supervision.service.in_treatment() {
        needs.0[treated as usize] = 0;
    }
    needs.most_severe()
}

/// The needs phase for one case still in the follow-up: work at attended contacts and
/// conferences lowers needs; chaotic needs may flare up.
pub fn needs_week(
    o: &mut Offender,
    managers: &[CaseManager],
    modes: &ModeTable,
    s: &Scenario,
    week: i32,
) {
    if o.journey.stage == Stage::Closed {
        return;
    }
    let (n, org) = (&s.needs, &s.organisation);
    let d = o.draws;
    // Work agreed at a case conference: each member who attended works on the most severe
    // need, as at an attended contact.
    let members = i32::from(o.events.conference_members);
    if o.journey.stage.is_supervised() && members > 0 {
        let p = 1.0 - (1.0 - work_success_probability(o, n, 1.0).min(1.0)).powi(members);
        if d.uniform(week, Decision::TeamWork, 0) < p {
            if let Some(need) = own_work_target(o) {
                o.needs.0[need as usize] -= 1;
            }
        }
    }
    if o.journey.stage.is_supervised() && o.events.contact_attended {
        // Work at a covered contact is not the specialist's.
        let specialist = match o.supervision.manager.index() {
            Some(i)
                if !o.events.contact_by_cover
                    && managers[i].specialises_in(case_type(o, org.streaming)) =>
            {
                org.specialist_effect
            }
            _ => 1.0,
        };
        let own_work = modes.get(o.risk).own_work;
        let p = work_success_probability(o, n, specialist) * own_work;
        if d.uniform(week, Decision::NeedWork, 0) < p {
            if let Some(need) = own_work_target(o) {
                o.needs.0[need as usize] -= 1;
            }
        }
        if let Some(need) = o.supervision.service.substituting() {
            let p = work_success_probability(o, n, 1.0) * s.services.substitute_effect;
            let severity = &mut o.needs.0[need as usize];
            if *severity > 0 && d.uniform(week, Decision::SubstituteWork, 0) < p {
                *severity -= 1;
            }
        }
    }
    // A flare-up of one chaotic need present, chosen by the same draw: given u < p,
    // u / p is uniform on 0..1.
    let u = d.uniform(week, Decision::Relapse, 0);
    if u < n.relapse_per_week {
        let needs = o.needs;
        let chaotic_present = || {
            Need::ALL
                .into_iter()
                .filter(move |need| need.is_chaotic() && needs.severity(*need) > 0)
        };
        let present = chaotic_present().count();
        if present > 0 {
            let pick = ((u / n.relapse_per_week) * present as f64) as usize;
            let need = chaotic_present()
                .nth(pick.min(present - 1))
                .expect("pick < present");
            let s = &mut o.needs.0[need as usize];
            *s = (*s + 1).min(MAX_SEVERITY);
            // An acute need: a contact is due next week, whatever the schedule (a cover
            // group responds if the case manager is away).
            if o.journey.stage.is_supervised() {
                o.supervision.next_contact = o.supervision.next_contact.min(week + 1);
            }
        }
    }
}
