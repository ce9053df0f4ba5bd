//! Work and settled accommodation: protective states that are found and lost week by week.
//!
//! Being in work and in settled accommodation protect against reoffending (the hazard's
//! `employment_effect` and `unsettled_effect`). An unemployed person finds work each week with
//! `job_finding`, less often the greater their employment need (education, training and
//! employability); work is lost at `job_loss`, and more often when the requirements of
//! supervision — appointments with their travel, the mode's other requirements, a service's
//! sessions — take more hours a week than work can absorb (`requirement_hours_tolerated`): the
//! mechanism by which intensive supervision harms low-risk people who have work to lose
//! (Lowenkamp & Latessa 2004). Settled accommodation is found with `housing_finding`, less often
//! with an accommodation need, and lost at `housing_loss`, more often with chaotic needs.
//! Losing either raises the related need a level. Requirements beyond those tolerated also take
//! time from family and prosocial activity (`prosocial_loss_per_requirement_hour` of family
//! support a week per hour), and a mode's other requirements are done in groups with everyone
//! else under the mode, where higher-risk peers may entrench antisocial thinking
//! (`needs.peer_influence`): the other two costs of intensive supervision to low-risk people
//! that Lowenkamp & Latessa 2004 name. Going into custody costs work, accommodation and family
//! contact, each with its probability.

use crate::model::journey::Stage;
use crate::model::modes::{ModeTable, contact_interval};
use crate::model::offender::{MAX_SEVERITY, Need, Offender};
use crate::model::services::ServiceSystem;
use crate::rng::Decision;
use crate::scenario::Scenario;

/// Hours a week the requirements of supervision take of the person's time: the mode's
/// appointments with travel, its other requirements, and the sessions of a service attended.
pub fn requirement_hours(
    o: &Offender,
    modes: &ModeTable,
    services: &ServiceSystem,
    s: &Scenario,
    week: i32,
) -> f64 {
    if !o.journey.stage.is_supervised() || !o.is_allocated() {
        return 0.0;
    }
    let mode = modes.get(o.risk);
    let appointments = (mode.hours_per_contact + s.compliance.travel_hours)
        / f64::from(contact_interval(o, mode, week));
    let service = o
        .supervision
        .service
        .in_treatment()
        .map_or(0.0, |need| services.hours_per_week[need as usize]);
    appointments + mode.requirement_hours + service
}

/// The weekly chances of finding work and settled accommodation at each level of the related
/// need (`job_finding × job_finding_need_factor^level`, and the same for housing), worked out
/// once: the week's step reads them instead of raising a factor to a power per case.
#[derive(Clone, Debug)]
pub struct FindingChances {
    job: [f64; MAX_SEVERITY as usize + 1],
    housing: [f64; MAX_SEVERITY as usize + 1],
}

impl FindingChances {
    pub fn new(s: &Scenario) -> Self {
        let c = &s.circumstances;
        FindingChances {
            job: std::array::from_fn(|l| c.job_finding * c.job_finding_need_factor.powi(l as i32)),
            housing: std::array::from_fn(|l| {
                c.housing_finding * c.housing_finding_need_factor.powi(l as i32)
            }),
        }
    }
}

/// Raises `need` a level (at most the top).
fn worsen(o: &mut Offender, need: Need) {
    let level = &mut o.needs.0[need as usize];
    *level = (*level + 1).min(MAX_SEVERITY);
}

/// The week's changes to work, accommodation and family contact.
pub fn circumstances_week(
    o: &mut Offender,
    chances: &FindingChances,
    modes: &ModeTable,
    services: &mut ServiceSystem,
    s: &Scenario,
    week: i32,
) {
    let stage = o.journey.stage;
    if stage == Stage::Closed {
        return;
    }
    let c = &s.circumstances;
    let d = o.draws;
    let inside = stage == Stage::Custody;
    if inside {
        if !o.was_in_custody {
            // Going into custody.
            if o.employed && d.uniform(week, Decision::JobLost, 1) < c.job_loss_on_custody {
                o.employed = false;
                worsen(o, Need::Employment);
            }
            if o.settled && d.uniform(week, Decision::HousingLost, 1) < c.housing_loss_on_custody {
                o.settled = false;
                worsen(o, Need::Accommodation);
            }
            if d.uniform(week, Decision::FamilyContactLost, 0) < c.family_loss_on_custody {
                o.family_support *= 0.5;
            }
        }
        o.was_in_custody = true;
        return;
    }
    o.was_in_custody = false;
    let over =
        (requirement_hours(o, modes, services, s, week) - c.requirement_hours_tolerated).max(0.0);
    if over > 0.0 {
        o.family_support *= (1.0 - c.prosocial_loss_per_requirement_hour * over).max(0.0) as f32;
    }
    if stage.is_supervised() && o.is_allocated() && modes.get(o.risk).requirement_hours > 0.0 {
        let exposure = services.join_requirement_group(modes.mode(o.risk), o.risk);
        let p = s.needs.peer_influence * exposure;
        if p > 0.0 && d.uniform(week, Decision::PeerInfluence, 1) < p {
            worsen(o, Need::Thinking);
        }
    }
    if o.employed {
        let loss = c.job_loss + c.job_loss_per_requirement_hour * over;
        if d.uniform(week, Decision::JobLost, 0) < loss {
            o.employed = false;
            worsen(o, Need::Employment);
        }
    } else {
        let level = usize::from(o.needs.severity(Need::Employment));
        if d.uniform(week, Decision::JobFound, 0) < chances.job[level] {
            o.employed = true;
        }
    }
    if o.settled {
        let chaotic = [Need::Drugs, Need::Alcohol, Need::MentalHealth]
            .map(|n| f64::from(o.needs.severity(n)))
            .iter()
            .sum::<f64>();
        let loss = c.housing_loss + c.housing_loss_per_chaotic_level * chaotic;
        if d.uniform(week, Decision::HousingLost, 0) < loss {
            o.settled = false;
            o.events.housing_lost = true;
            worsen(o, Need::Accommodation);
        }
    } else {
        let level = usize::from(o.needs.severity(Need::Accommodation));
        if d.uniform(week, Decision::HousingFound, 0) < chances.housing[level] {
            o.settled = true;
        }
    }
}
