//! How criminogenic needs change: individual work by the case manager at attended contacts
//! lowers them, and chaotic needs can flare up.
//!
//! Healey 1999: case managers in criminal justice "broker services but also are likely to provide
//! informal guidance"; DOMICE 2011b: where services do not exist, case managers "are often left
//! trying to provide an equivalent service themselves". The mode sets how much own work a
//! kept appointment carries (`own_work`); it goes to the need, of those no provider is
//! treating, where it does most: what one-to-one work can reach differs by need
//! (`own_work_reach`: most on antisocial thinking, the target of structured work with cognitive
//! techniques, Bonta et al. 2011; least on addiction, mental health and a place to live, which
//! take a specialist service). A need the case manager is substituting for a service gets a
//! second piece of work at each kept appointment, achieving `services.substitute_effect` of the
//! first. Services themselves are in `services`.
//!
//! Under a team (DOMICE 2011a: members "are (or who represent) providers of services", and
//! "tasks from within the plan are assigned to each member"), each member brings the need of
//! their discipline (`organisation::discipline`): their work on it, at the conferences they
//! attend and (under `team`) at the contacts they make, achieves `team.member_expertise_effect`
//! times a generalist's.

use crate::model::engagement::after_progress;
use crate::model::journey::Stage;
use crate::model::modes::ModeTable;
use crate::model::offender::{MAX_SEVERITY, Need, Offender};
use crate::model::organisation::{case_type, discipline};
use crate::model::workforce::CaseManager;
use crate::rng::Decision;
use crate::scenario::{NeedDynamics, Scenario, TeamWork};

/// Probability that one attended contact's work lowers `need` by a level (times the reach of
/// own work on that need), by a case manager of `skill` in core correctional practices (structuring, cognitive techniques):
/// what the work achieves grows with skill, and with the person's motivation and the working
/// relationship; `specialist` multiplies it when the case manager specialises in the case's
/// type.
pub fn work_success_probability(
    o: &Offender,
    n: &NeedDynamics,
    need: Need,
    skill: f64,
    specialist: f64,
) -> f64 {
    n.work_per_contact
        * n.own_work_reach.get(need)
        * skill
        * specialist
        * (0.5 + 0.5 * f64::from(o.motivation))
        * (0.5 + 0.5 * f64::from(o.supervision.relationship))
}

/// Lowers `need` a level, a step of progress that builds motivation.
fn meet_a_level(o: &mut Offender, need: Need, s: &Scenario) {
    let level = &mut o.needs.0[need as usize];
    if *level > 0 {
        *level -= 1;
        after_progress(o, &s.engagement);
    }
}

/// The need present, and not in a provider's treatment, where the case manager's own work
/// does most: the largest severity times the reach of own work on it (the first such need on a
/// tie).
fn own_work_target(o: &Offender, n: &NeedDynamics) -> Option<Need> {
    let treated = o.supervision.service.in_treatment();
    let mut best: Option<(Need, f64)> = None;
    for need in Need::ALL {
        let severity = o.needs.severity(need);
        if severity == 0 || Some(need) == treated {
            continue;
        }
        let gain = f64::from(severity) * n.own_work_reach.get(need);
        if best.is_none_or(|(_, b)| gain > b) {
            best = Some((need, gain));
        }
    }
    best.map(|(need, _)| need)
}

/// The task of the member in place `slot` of a case's team (team and hybrid approaches) and how
/// much their expertise adds to it: once they have made their own assessment, the need of their
/// discipline when the case has it and no provider is treating it, where their work achieves
/// `team.member_expertise_effect` times a generalist's; otherwise the need where own work does
/// most, as a generalist.
fn member_task(o: &Offender, n: &NeedDynamics, slot: usize, t: &TeamWork) -> Option<(Need, f64)> {
    let treated = o.supervision.service.in_treatment();
    let assessed = o.team.assessed & (1 << slot) != 0;
    match discipline(o.team.members[slot]).filter(|_| assessed) {
        Some(need) if o.needs.severity(need) > 0 && Some(need) != treated => {
            Some((need, t.member_expertise_effect))
        }
        _ => own_work_target(o, n).map(|need| (need, 1.0)),
    }
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
    // The skill of the case manager who holds the case (work at a covered contact is a
    // colleague's: taken to be as skilled).
    let skill = o
        .supervision
        .manager
        .index()
        .map_or(1.0, |i| managers[i].skill_this_week);
    // Work agreed at a case conference: each member who attended takes a task of the plan
    // (DOMICE 2011a), on the need of their own discipline where they can (see `member_task`),
    // as at an attended contact.
    let attended = o.events.conference_members;
    if o.journey.stage.is_supervised() && attended != 0 {
        for slot in 0..o.team.members.len() {
            let member = o.team.members[slot].index();
            let Some(m) = member.filter(|_| attended & (1 << slot) != 0) else {
                continue;
            };
            if let Some((need, expertise)) = member_task(o, n, slot, &s.team) {
                let p =
                    work_success_probability(o, n, need, managers[m].skill_this_week, expertise)
                        .min(1.0);
                if d.uniform(week, Decision::TeamWork, slot as u32) < p {
                    meet_a_level(o, need, s);
                }
            }
        }
    }
    if o.journey.stage.is_supervised() && o.events.contact_attended {
        let own_work = modes.get(o.risk).own_work;
        // Under the team approach, a member who made the contact does its work, on their own
        // task (see `member_task`), with their skill.
        let member = (o.events.contact_by_member)
            .checked_sub(1)
            .map(usize::from)
            .and_then(|slot| Some((slot, o.team.members[slot].index()?)));
        let work = match member {
            Some((slot, m)) => member_task(o, n, slot, &s.team).map(|(need, expertise)| {
                let skill = managers[m].skill_this_week;
                (need, work_success_probability(o, n, need, skill, expertise))
            }),
            None => {
                // Work at a covered contact is not the specialist's.
                let specialist = match o.supervision.manager.index() {
                    Some(i)
                        if !o.events.contact_by_cover
                            && managers[i].trained_specialist_in(case_type(o, org.streaming)) =>
                    {
                        org.specialist_effect
                    }
                    _ => 1.0,
                };
                own_work_target(o, n).map(|need| {
                    (
                        need,
                        work_success_probability(o, n, need, skill, specialist),
                    )
                })
            }
        };
        if let Some((need, p)) = work {
            if d.uniform(week, Decision::NeedWork, 0) < p * own_work {
                meet_a_level(o, need, s);
            }
        }
        if let Some(need) = o.supervision.service.substituting() {
            let p = work_success_probability(o, n, need, skill, 1.0) * s.services.substitute_effect;
            if d.uniform(week, Decision::SubstituteWork, 0) < p {
                meet_a_level(o, need, s);
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
            o.events.relapsed = matches!(need, Need::Drugs | Need::Alcohol);
            // An acute need: a contact is due next week, whatever the schedule (a cover
            // group responds if the case manager is away).
            if o.journey.stage.is_supervised() {
                o.supervision.next_contact = o.supervision.next_contact.min(week + 1);
            }
        }
    }
}
