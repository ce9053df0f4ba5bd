//! Integrated Case Management in custody (Jardine & Rigby 2010): case conferences, the agencies that come
//! to them, the Community Integration Plan, and families.
//!
//! A prisoner serving a custodial sentence has a case conference every
//! `custody.conference_interval_weeks` and a pre-release conference before release. At each:
//!
//! - every agency attends with its own probability (`custody.attendance`). Community social
//!   work is the engaged community case manager when there is one (through the gate), who
//!   attends only if present and with the hours;
//! - the Community Integration Plan is available beforehand with `cip_available`; without it an
//!   attending agency's part of the plan is agreed only with `cip_absent_effect`;
//! - each need is planned for when an agency that provides for it is there ([`providers_for`]);
//!   a planned need is more likely to have its service or housing in place at release (see
//!   `custody`). With sexual offences, or violent offences at high risk and above, the police
//!   there agree a risk management plan that watches the licence more closely;
//! - the conference is useful to the prisoner more often with their personal officer there; a
//!   useful one raises motivation;
//! - the family is invited unless nobody does (the confusion over whose job it is), prepared by
//!   letter, phone, home visit or not at all, attends, and follows the discussion or not;
//!   attending strengthens family support, a protective factor. `family_involvement` scales
//!   invitation and preparation.

use serde::{Deserialize, Serialize};

use crate::model::custody::pre_release_conference_week;
use crate::model::journey::Stage;
use crate::model::offender::{NEVER, Need, OffenceType, Offender, RiskTier};
use crate::model::workforce::{CaseManager, StaffStatus};
use crate::rng::Decision;
use crate::scenario::{Agency, Custody};

/// The agencies that provide for a need at a conference.
pub fn providers_for(need: Need) -> u16 {
    match need {
        Need::Drugs | Need::Alcohol => Agency::Addictions.bit(),
        Need::MentalHealth => Agency::Health.bit() | Agency::Psychology.bit(),
        Need::Accommodation => Agency::Housing.bit(),
        // Seed 004, 1.16: ICM integrates "learning skills & employability" in prison.
        Need::Employment => Agency::PrisonCaseManagement.bit(),
        Need::Family => Agency::PrisonSocialWork.bit() | Agency::CommunitySocialWork.bit(),
        // Offending behaviour work is assessed and delivered by psychology.
        Need::Thinking => Agency::Psychology.bit(),
    }
}

/// Cases whose risk is managed with the police (MAPPA in England & Wales and Scotland).
pub fn is_mappa_case(o: &Offender) -> bool {
    o.offence == OffenceType::Sexual
        || (o.offence == OffenceType::Violent && o.risk >= RiskTier::High)
}

/// What the conferences did this week, for the time series and the measures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConferenceCounts {
    pub conferences: u32,
    /// Agencies present, summed over the conferences.
    pub agencies_present: u32,
    pub families_invited: u32,
    pub families_attended: u32,
    /// Hours of engaged community case managers at conferences.
    pub manager_hours: f64,
}

/// Holds this case's ICM case conference if one is due this week.
pub fn case_conference(
    o: &mut Offender,
    managers: &mut [CaseManager],
    c: &Custody,
    week: i32,
    counts: &mut ConferenceCounts,
) {
    if o.journey.stage != Stage::Custody
        || !o.under_custodial_sentence()
        || week < o.icm.next_conference
    {
        return;
    }
    hold_conference(o, managers, c, week, counts);
    let pre_release = pre_release_conference_week(o, o.journey.stage_started, c);
    o.icm.next_conference = if week >= pre_release {
        NEVER
    } else {
        (week + c.conference_interval_weeks as i32).min(pre_release)
    };
}

fn hold_conference(
    o: &mut Offender,
    managers: &mut [CaseManager],
    c: &Custody,
    week: i32,
    counts: &mut ConferenceCounts,
) {
    let d = o.draws;
    let attendance = c.attendance.as_array();
    let mut present: u16 = 0;
    for (j, agency) in Agency::ALL.into_iter().enumerate() {
        let drawn = d.uniform(week, Decision::AgencyAttends, j as u32) < attendance[j];
        let here = match (agency, o.supervision.manager.index()) {
            (Agency::CommunitySocialWork, Some(m)) => {
                let m = &mut managers[m];
                drawn
                    && m.status == StaffStatus::Present
                    && d.uniform(week, Decision::Priority, 0) < m.shares.team
                    && m.try_use(c.conference_hours)
                    && {
                        counts.manager_hours += c.conference_hours;
                        true
                    }
            }
            _ => drawn,
        };
        if here {
            present |= agency.bit();
        }
    }
    let cip = d.uniform(week, Decision::PlanAvailable, 0) < c.cip_available;
    let agreed = if cip { 1.0 } else { c.cip_absent_effect };
    for (k, need) in Need::ALL.into_iter().enumerate() {
        if o.needs.severity(need) > 0
            && present & providers_for(need) != 0
            && d.uniform(week, Decision::PlanAgreed, k as u32) < agreed
        {
            o.icm.planned |= 1 << need as u8;
        }
    }
    if is_mappa_case(o)
        && present & Agency::Police.bit() != 0
        && d.uniform(week, Decision::PlanAgreed, Need::COUNT as u32) < agreed
    {
        o.icm.risk_plan = true;
    }
    let useful = if present & Agency::PersonalOfficer.bit() != 0 {
        c.useful_with_personal_officer
    } else {
        c.useful_without_personal_officer
    };
    if d.uniform(week, Decision::ConferenceUseful, 0) < useful {
        let m = f64::from(o.motivation);
        o.motivation = (m + c.motivation_gain * (1.0 - m)) as f32;
    }
    family(o, c, week);
    o.events.icm_conference = true;
    o.events.icm_agencies = present.count_ones() as u8;
    counts.conferences += 1;
    counts.agencies_present += present.count_ones();
    counts.families_invited += u32::from(o.events.family_invited);
    counts.families_attended += u32::from(o.events.family_attended);
}

/// The family at a conference: invited, prepared, attending, understanding.
fn family(o: &mut Offender, c: &Custody, week: i32) {
    let f = &c.family;
    let scale = c.family_involvement;
    let d = o.draws;
    if d.uniform(week, Decision::FamilyNotInvited, 0) >= ((1.0 - f.no_one_invites) * scale).min(1.0)
    {
        return;
    }
    o.events.family_invited = true;
    // Preparation: none, letter, phone or visit. Involvement scales the chance of any.
    let shares = f.preparation.as_array();
    let prepared = ((1.0 - shares[0]) * scale).min(1.0);
    let v = d.uniform(week, Decision::FamilyPrepared, 0);
    let method = if v < prepared && shares[0] < 1.0 {
        // Given v < prepared, v / prepared is uniform: it picks the method by the shares.
        let w = v / prepared * (1.0 - shares[0]);
        let mut acc = 0.0;
        (1..4)
            .find(|&i| {
                acc += shares[i];
                w < acc
            })
            .unwrap_or(3)
    } else {
        0
    };
    if d.uniform(week, Decision::FamilyAttends, 0) >= f.attends_if_invited {
        return;
    }
    o.events.family_attended = true;
    let understands =
        d.uniform(week, Decision::FamilyUnderstands, 0) < f.understands.as_array()[method];
    let gain = f.support_gain * if understands { 1.0 } else { 0.5 };
    let support = f64::from(o.family_support);
    o.family_support = (support + gain * (1.0 - support)) as f32;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_need_has_an_agency_that_provides_for_it() {
        for need in Need::ALL {
            assert_ne!(providers_for(need), 0, "{need:?}");
        }
    }
}
