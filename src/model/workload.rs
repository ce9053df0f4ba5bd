//! The core functions of case management as hours of work, and what gets done when the hours
//! run out.
//!
//! Every allocated case asks for hours each week: a pre-sentence report before sentence,
//! assessment and planning at the start of the order (planning only when a report's assessment
//! stands), contacts at its mode's interval and length (longer while the case manager
//! substitutes for a service), reviews of the plan, linking (a referral to a service when the
//! plan is drawn up or reviewed, and advocacy when a provider refuses), and paperwork for any
//! enforcement. A case manager meets the demand in a fixed order — enforcement paperwork (a
//! legal duty), then reports (a court deadline), then assessments, then contacts, then reviews —
//! and when the hours run short the prioritisation rule decides whose contacts go (DOMICE 2011b):
//! `structured` cuts the lowest-risk cases' contact first; `discretionary` leaves it to each
//! case manager, who protects the tiers they personally weight more (`discretion_spread`).
//! This is the channel by which caseload reaches outcomes.
//!
//! The shares are decided before delivery, from the demand; a case's work is done when its
//! rank (its `Priority` draw) falls within its manager's share for that kind of work. Hours the
//! shares leave unused (a kind of work needed fewer than its share, or the draws fell short)
//! are passed on (`organisation.unused_hours = "passed_on"`): after the first pass each case
//! manager's hours left are shared again, in the same order and under the same rule, over the
//! work the first pass cut, and a second pass over the cut cases only delivers it, reading the
//! same rank; what the draws still leave is filled case by case while the hours last. So no
//! hours sit idle while a due contact, assessment or review of the manager's goes undone, and
//! no task is done twice (each cut task is marked on the cut list and cleared when done).
//!
//! An absent case manager's due contacts and report work are covered after everyone's own
//! work: by whichever present colleague in the cover group has the most hours left, and
//! failing them by the unit's duty rota (`workforce.duty_hours_per_week`); report work first
//! (a court deadline), then contacts, under `structured` the highest tier first.
//! Under a team, a member present stands in for an absent lead, within their own hours.
//!
//! Teams (team and hybrid approaches, DOMICE 2011a): members make their own assessments, and
//! case conferences review the plan. A conference agrees a plan with the members who attend:
//! it takes first the need whose member attended, in the plan's order (under
//! `team.plan_sequencing`, the needs that stabilise a life first), and refers it through that
//! member more readily (`team.plan_referral_effect`), to a place more readily taken up
//! (`team.plan_uptake_effect`). A no-show's need is missing from the plan.

use serde::{Deserialize, Serialize};

use crate::model::journey::Stage;
use crate::model::modes::{ModeTable, contact_interval};
use crate::model::offender::{NEVER, Need, Offender, RiskTier};
use crate::model::organisation::{discipline, plan_rank};
use crate::model::services::{Referral, ServiceState, ServiceSystem, refer};
use crate::model::workforce::{
    CaseManager, DeliveryShares, Demand, ManagerId, NO_GROUP, StaffStatus,
};
use crate::rng::Decision;
use crate::scenario::{Approach, Practice, Prioritisation, Scenario, Supervision};

/// What the workload's steps need to know of the week, worked out once for it.
pub struct WorkloadWeek<'a> {
    pub modes: &'a ModeTable,
    pub scenario: &'a Scenario,
    pub week: i32,
    /// Report writing spread evenly over the weeks before sentence.
    pub report_weekly: f64,
    /// Whether cases have teams (the team and hybrid approaches).
    pub teams: bool,
}

impl<'a> WorkloadWeek<'a> {
    pub fn new(modes: &'a ModeTable, scenario: &'a Scenario, week: i32) -> Self {
        WorkloadWeek {
            modes,
            scenario,
            week,
            report_weekly: report_hours_per_week(scenario),
            teams: scenario.organisation.approach != Approach::Individual,
        }
    }
}

/// Hours of this case's contact: the mode's, plus the extra while substituting for a service;
/// in custody, a prison visit.
pub(crate) fn contact_hours(o: &Offender, modes: &ModeTable, s: &Scenario) -> f64 {
    if o.journey.stage == Stage::Custody {
        return s.custody.prison_visit_hours;
    }
    let mode = modes.get(o.risk).hours_per_contact;
    match o.supervision.service {
        ServiceState::Substituting { .. } => mode + s.services.substitute_hours,
        _ => mode,
    }
}

/// Linking hours expected when the plan is drawn up or reviewed: a referral for certain when
/// the order requires treatment, otherwise as often as the mode brokers. (Only the first plan
/// must refer a required treatment; at a review this overstates the hours.)
fn expected_linking(o: &Offender, modes: &ModeTable, s: &Scenario) -> f64 {
    if o.supervision.service != ServiceState::None {
        return 0.0;
    }
    let share = if o.report.treatment_requirement {
        1.0
    } else {
        modes.get(o.risk).referral_share
    };
    share * s.services.referral_hours
}

/// After a contact this week, the next is due at the mode's interval (or sooner under a
/// sanction of increased reporting); in custody, at the prison visit interval.
fn schedule_next_contact(o: &mut Offender, modes: &ModeTable, s: &Scenario, week: i32) {
    o.supervision.next_contact = if o.journey.stage == Stage::Custody {
        week + s.custody.prison_visit_interval_weeks as i32
    } else {
        week + contact_interval(o, modes.get(o.risk), week)
    };
}

/// Share of `demand` met by `hours` (1 when there is no demand).
fn share(hours: f64, demand: f64) -> f64 {
    if demand <= 0.0 {
        1.0
    } else {
        (hours / demand).clamp(0.0, 1.0)
    }
}

/// Opens each case manager's weekly account: hours available, and the paperwork backlog paid
/// first.
pub fn open_accounts(managers: &mut [CaseManager], week: i32, practice: &Practice) {
    for m in managers.iter_mut() {
        m.skill_this_week = m.skill(week, practice);
        m.hours_available = if m.status == StaffStatus::Present {
            m.weekly_hours
        } else {
            0.0
        };
        m.hours_used = 0.0;
        m.demand = Default::default();
        m.unmet = Default::default();
        let paid = m.paperwork_backlog.min(m.hours_available);
        m.hours_used = paid;
        m.paperwork_backlog -= paid;
        m.demand.paperwork = paid;
    }
}

/// The case's week begins: its events are cleared, and what it asks of its case manager (or
/// team) this week is added to their demand; a contact due is marked.
pub fn add_demand(o: &mut Offender, managers: &mut [CaseManager], w: &WorkloadWeek) {
    let (modes, s, week) = (w.modes, w.scenario, w.week);
    let sup = &s.supervision;
    let (report_weekly, teams) = (w.report_weekly, w.teams);
    o.events = Default::default();
    if o.journey.stage == Stage::PreSentence {
        if let Some(index) = o.supervision.manager.index() {
            managers[index].demand.reports += report_weekly;
        }
        return;
    }
    if o.journey.stage == Stage::Custody {
        // Through the gate: the engaged case manager visits, assesses and plans, and goes
        // to the case conferences.
        let Some(index) = o.supervision.manager.index() else {
            return;
        };
        if o.supervision.next_contact == NEVER {
            o.supervision.next_contact = week;
        }
        o.events.contact_due = week >= o.supervision.next_contact;
        let d = &mut managers[index].demand;
        if o.events.contact_due {
            d.contacts_by_tier[o.risk.index()] += contact_hours(o, modes, s);
        }
        if !o.supervision.assessed {
            d.assessment += assessment_hours(o, s) - f64::from(o.supervision.assessment_hours_done)
                + expected_linking(o, modes, s);
        }
        if week >= o.icm.next_conference {
            d.team += s.custody.conference_hours * s.custody.attendance.community_social_work;
        }
        return;
    }
    if !o.journey.stage.is_supervised() {
        return;
    }
    o.tallies.supervised_weeks += 1;
    if !o.is_allocated() {
        o.tallies.weeks_unallocated += 1;
    }
    o.events.contact_due = week >= o.supervision.next_contact;
    if o.events.contact_due {
        o.tallies.contacts_due += 1;
    }
    let Some(index) = o.supervision.manager.index() else {
        return;
    };
    if o.events.contact_due {
        let (holder, _) = contact_holder(o, managers, s, teams);
        managers[holder].demand.contacts_by_tier[o.risk.index()] += contact_hours(o, modes, s);
    }
    if teams {
        // A team's work is planned with the same priority as the individual approach's: each
        // member's own assessment with the assessments, the case conference (the team's review
        // of the plan) with the reviews, for the members expected to attend.
        let conference = o.supervision.assessed && week >= o.team.next_conference;
        let expected = s.team.conference_hours * s.team.conference_attendance;
        if conference {
            managers[index].demand.reviews += expected;
        }
        for (slot, member) in o.team.members.iter().enumerate() {
            let Some(m) = member.index() else { continue };
            if o.team.assessed & (1 << slot) == 0 {
                managers[m].demand.assessment += s.team.member_assessment_hours;
            }
            if conference {
                managers[m].demand.reviews += expected;
            }
        }
    }
    let d = &mut managers[index].demand;
    if !o.supervision.assessed {
        d.assessment += assessment_hours(o, s) - f64::from(o.supervision.assessment_hours_done)
            + expected_linking(o, modes, s);
    }
    // Under a team, the case conference reviews the plan.
    if !teams && o.supervision.assessed && week >= o.supervision.next_review {
        d.reviews += sup.review_hours + expected_linking(o, modes, s);
    }
}

/// The post that stands in for an absent lead under a team (team and hybrid approaches): the
/// first member present, who takes the lead's contacts ("cover for one another", DOMICE
/// 2011a). `None` when the lead is present, under the individual approach, outside the
/// supervised stages (where cases have no team), or when no member is present either.
fn standing_in(o: &Offender, managers: &[CaseManager], teams: bool) -> Option<(usize, usize)> {
    let lead = o.supervision.manager.index()?;
    if !teams || !o.journey.stage.is_supervised() || managers[lead].status == StaffStatus::Present {
        return None;
    }
    o.team.members.iter().enumerate().find_map(|(slot, m)| {
        let m = m.index()?;
        (managers[m].status == StaffStatus::Present).then_some((m, slot))
    })
}

/// The post that makes a case's contact this week, and its member place (`None`: the lead):
/// the lead, except under the team approach, where contacts rotate among the members present
/// (each monitoring their own tasks); when the post whose turn it is is away, a member present
/// stands in for an absent lead.
fn contact_holder(
    o: &Offender,
    managers: &[CaseManager],
    s: &Scenario,
    teams: bool,
) -> (usize, Option<usize>) {
    let lead = o.supervision.manager.index().expect("an allocated case");
    let lead_or_stand_in = match standing_in(o, managers, teams) {
        Some((m, slot)) => (m, Some(slot)),
        None => (lead, None),
    };
    if s.organisation.approach != Approach::Team {
        return lead_or_stand_in;
    }
    let k = usize::from(o.tallies.contacts_delivered) % s.team.size as usize;
    match k.checked_sub(1).and_then(|slot| {
        let m = o.team.members.get(slot)?.index()?;
        Some((m, slot))
    }) {
        Some((m, slot)) if managers[m].status == StaffStatus::Present => (m, Some(slot)),
        _ => lead_or_stand_in,
    }
}

/// A case conference (team and hybrid approaches): the lead and each member attend if present,
/// drawn to attend, within their share of reviews (the conference is the team's review) and
/// with the hours. It reviews the plan if anyone attends; the senior chairing spends
/// `chair_hours`. The members who attend are kept (`events.conference_members`): a no-show's
/// discipline is missing from the plan. Returns the chair's hours.
fn hold_conference(o: &mut Offender, managers: &mut [CaseManager], s: &Scenario, week: i32) -> f64 {
    let t = &s.team;
    let rank = o.draws.uniform(week, Decision::Priority, 0);
    let lead = o.supervision.manager.index().expect("an allocated case");
    let participants = std::iter::once(Some(lead)).chain(o.team.members.iter().map(|m| m.index()));
    let mut lead_attended = false;
    let mut members = 0u8;
    for (j, post) in participants.enumerate() {
        let Some(p) = post else { continue };
        let m = &mut managers[p];
        if m.status == StaffStatus::Present
            && o.draws
                .uniform(week, Decision::ConferenceAttendance, j as u32)
                < t.conference_attendance
            && rank < m.shares.reviews
            && m.try_use(t.conference_hours)
        {
            if j == 0 {
                lead_attended = true;
            } else {
                members |= 1 << (j - 1);
            }
        }
    }
    o.team.next_conference = week + t.conference_interval_weeks as i32;
    if !lead_attended && members == 0 {
        return 0.0;
    }
    o.events.reviewed = true;
    o.events.conference_members = members;
    o.supervision.next_review = week + s.supervision.review_interval_weeks as i32;
    t.chair_hours
}

/// The need a plan agreed at this week's case conference refers, and the attending member of
/// its discipline (DOMICE 2011a: "tasks from within the plan are assigned to each member of the
/// team"): under `team.plan_sequencing`, the first need in the plan's order (see
/// [`plan_rank`]) whose member attended; otherwise the most severe need, when its member
/// attended. `None`: no member for it came, and the conference refers as a review does.
fn plan_need(o: &Offender, s: &Scenario) -> Option<(Need, usize)> {
    let attended = o.events.conference_members;
    if attended == 0 {
        return None;
    }
    let member_for = |need: Need| {
        o.team
            .members
            .iter()
            .enumerate()
            .find(|&(slot, &m)| {
                // A member brings their discipline to the plan through their own assessment.
                let present = attended & o.team.assessed & (1 << slot) != 0;
                present && discipline(m) == Some(need)
            })
            .and_then(|(_, m)| m.index())
    };
    if !s.team.plan_sequencing {
        // Referral follows severity, as at a review.
        let need = o.needs.most_severe()?;
        return member_for(need).map(|m| (need, m));
    }
    Need::ALL
        .into_iter()
        .filter(|&need| plan_rank(o, need, true).is_some())
        .find_map(|need| member_for(need).map(|m| (need, m)))
}

/// Report writing spread evenly over the weeks before sentence.
pub fn report_hours_per_week(s: &Scenario) -> f64 {
    s.reports.hours / f64::from(s.reports.weeks)
}

/// Hours to assess and plan a new order: planning only when a completed report's assessment
/// stands.
fn assessment_hours(o: &Offender, s: &Scenario) -> f64 {
    let sup = &s.supervision;
    if o.report.done {
        sup.planning_hours
    } else {
        sup.assessment_hours + sup.planning_hours
    }
}

/// Shares of each tier's contact demand met from `hours` when each tier is protected in
/// proportion to `weights`: share_t = min(1, λ·w_t), with λ such that the hours are used up
/// (or every contact is met). Equal weights cut every tier alike.
fn weighted_shares(
    hours: f64,
    demand: [f64; RiskTier::COUNT],
    weights: [f64; RiskTier::COUNT],
) -> [f64; RiskTier::COUNT] {
    let total: f64 = demand.iter().sum();
    if hours >= total {
        return [1.0; RiskTier::COUNT];
    }
    let mut shares = [0.0; RiskTier::COUNT];
    let mut open = [true; RiskTier::COUNT];
    let mut left = hours.max(0.0);
    // Each pass fills every open tier at λ·w; a tier whose share would pass 1 is met in full
    // and closed, and λ recomputed for the rest. At most four passes.
    for _ in 0..RiskTier::COUNT {
        let weighted: f64 = (0..RiskTier::COUNT)
            .filter(|&t| open[t])
            .map(|t| weights[t] * demand[t])
            .sum();
        if weighted <= 0.0 {
            break;
        }
        let lambda = left / weighted;
        let saturated: [bool; RiskTier::COUNT] =
            std::array::from_fn(|t| open[t] && demand[t] > 0.0 && lambda * weights[t] >= 1.0);
        if !saturated.contains(&true) {
            for t in (0..RiskTier::COUNT).filter(|&t| open[t]) {
                shares[t] = lambda * weights[t];
            }
            break;
        }
        for t in (0..RiskTier::COUNT).filter(|&t| saturated[t]) {
            shares[t] = 1.0;
            open[t] = false;
            left -= demand[t];
        }
    }
    for (t, s) in shares.iter_mut().enumerate() {
        if demand[t] <= 0.0 {
            *s = 1.0;
        }
    }
    shares
}

/// Shares of each kind of `demand` met from `hours`, in order (reports, team, assessment,
/// contacts by the prioritisation rule, reviews), and the hours left over.
fn split(
    hours: f64,
    d: &Demand,
    rule: Prioritisation,
    weights: [f64; RiskTier::COUNT],
) -> (DeliveryShares, f64) {
    let mut left = hours;
    let reports = share(left, d.reports);
    left -= reports * d.reports;
    let team = share(left, d.team);
    left -= team * d.team;
    let assessment = share(left, d.assessment);
    left -= assessment * d.assessment;
    let mut contacts = [0.0; RiskTier::COUNT];
    match rule {
        Prioritisation::Structured => {
            for tier in RiskTier::ALL.iter().rev() {
                let t = tier.index();
                contacts[t] = share(left, d.contacts_by_tier[t]);
                left -= contacts[t] * d.contacts_by_tier[t];
            }
        }
        Prioritisation::Discretionary => {
            contacts = weighted_shares(left, d.contacts_by_tier, weights);
            left -= (0..RiskTier::COUNT)
                .map(|t| contacts[t] * d.contacts_by_tier[t])
                .sum::<f64>();
        }
    }
    let reviews = share(left, d.reviews);
    left -= reviews * d.reviews;
    let shares = DeliveryShares {
        reports,
        team,
        assessment,
        contacts_by_tier: contacts,
        reviews,
    };
    (shares, left.max(0.0))
}

/// Splits each case manager's remaining hours over the demand, by the prioritisation rule.
pub fn decide_shares(managers: &mut [CaseManager], rule: Prioritisation) {
    for m in managers.iter_mut() {
        m.shares = split(m.hours_left(), &m.demand, rule, m.discretion).0;
    }
}

/// The hours the first delivery pass left unused are shared over the work it cut, in the same
/// order and under the same rule: a second share `s2` of the cut work widens each kind's share
/// from `s1` to `s1 + s2·(1 − s1)`, so that the cut cases whose rank falls in the widened part
/// (a share `s2` of them, the rank being uniform above `s1`) are done in the second pass.
pub fn share_unused_hours(managers: &mut [CaseManager], rule: Prioritisation) {
    let widen = |first: &mut f64, second: f64| *first += second * (1.0 - *first);
    for m in managers.iter_mut() {
        if m.status != StaffStatus::Present || m.unmet == Demand::default() {
            continue;
        }
        let (extra, _) = split(m.hours_left(), &m.unmet, rule, m.discretion);
        let s = &mut m.shares;
        widen(&mut s.reports, extra.reports);
        widen(&mut s.assessment, extra.assessment);
        for (first, second) in s.contacts_by_tier.iter_mut().zip(extra.contacts_by_tier) {
            widen(first, second);
        }
        widen(&mut s.reviews, extra.reviews);
    }
}

/// Work of a case left undone by the week's first delivery pass (bits of [`CutWork::mask`]):
/// cut by its case manager's shares or for want of hours.
pub const CUT_REPORT: u8 = 1;
pub const CUT_ASSESSMENT: u8 = 2;
pub const CUT_CONTACT: u8 = 4;
pub const CUT_REVIEW: u8 = 8;
/// An absent case manager's report work and due contact, awaiting cover.
pub const UNCOVERED_REPORT: u8 = 16;
pub const UNCOVERED_CONTACT: u8 = 32;

/// One case's work left undone by the first delivery pass; a bit is cleared when the task is
/// done, so that no task is done twice.
#[derive(Clone, Copy, Debug)]
pub struct CutWork {
    /// The case's position in the cases' array.
    pub case: u32,
    /// Its case manager's post.
    pub post: u32,
    /// Hours of the smallest task cut (0 for an assessment, which takes any hours): a case
    /// whose case manager has fewer left is passed by.
    pub least_hours: f32,
    pub mask: u8,
    /// The case's risk tier (cover takes the most urgent contacts first).
    pub tier: u8,
}

/// What the workload phase did besides casework, for the time series.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkCounts {
    /// Hours of the seniors chairing case conferences.
    pub chair_hours: f64,
    /// Referrals made, refused (after advocacy), and turned at once into own work because
    /// the service has no places.
    pub referrals: u32,
    pub refusals: u32,
    pub substitutions: u32,
}

/// The report's work of the week; the first is its interview, the offender's first contact
/// with the service.
fn write_report(o: &mut Offender, hours: f64, by_cover: bool) {
    o.report.hours_done += hours as f32;
    if !o.report.interviewed {
        o.report.interviewed = true;
        o.events.contact_offered = true;
        o.events.contact_by_cover = by_cover;
    }
}

/// A due contact is offered (by the case's own post, or by cover).
fn make_contact(o: &mut Offender, modes: &ModeTable, s: &Scenario, week: i32, by_cover: bool) {
    o.events.contact_offered = true;
    o.events.contact_by_cover = by_cover;
    o.tallies.contacts_delivered += u16::from(o.journey.stage.is_supervised());
    schedule_next_contact(o, modes, s, week);
}

/// Marks a contact made by a team member (`slot`) rather than the lead: under `team` the
/// relationship is with the whole team and the member works on their tasks; under `hybrid` the
/// relationship is the lead's, so a member standing in covers.
fn by_member(o: &mut Offender, slot: Option<usize>, s: &Scenario) {
    if let Some(slot) = slot {
        if s.organisation.approach == Approach::Team {
            o.events.contact_by_member = slot as u8 + 1;
        } else {
            o.events.contact_by_cover = true;
        }
    }
}

/// Assessment and planning, which may take more than a week's hours: work done is kept.
/// Returns whether the plan was drawn up.
fn assess(o: &mut Offender, m: &mut CaseManager, s: &Scenario, week: i32) -> bool {
    let needed = assessment_hours(o, s) - f64::from(o.supervision.assessment_hours_done);
    let used = needed.min(m.hours_left()).max(0.0);
    m.hours_used += used;
    o.supervision.assessment_hours_done += used as f32;
    if used < needed - 1e-6 {
        return false;
    }
    o.supervision.assessed = true;
    // In custody the reviews start at release.
    if o.journey.stage.is_supervised() {
        o.supervision.next_review = week + s.supervision.review_interval_weeks as i32;
        o.team.next_conference = week + s.team.conference_interval_weeks as i32;
    }
    true
}

/// Whether the plan is due its review by the case manager this week (under a team, the case
/// conference reviews it).
fn review_due(o: &Offender, teams: bool, week: i32) -> bool {
    !teams
        && o.journey.stage.is_supervised()
        && o.supervision.assessed
        && o.supervision.next_review != NEVER
        && week >= o.supervision.next_review
}

fn review(o: &mut Offender, sup: &Supervision, week: i32) {
    o.supervision.next_review = week + sup.review_interval_weeks as i32;
    o.events.reviewed = true;
}

/// Linking: a new or reviewed plan refers the most severe need to a service when the mode
/// brokers it this time, and a new plan always does when the order requires treatment (the
/// court made the requirement on the report's assessment).
///
/// Most case-weeks have no new or reviewed plan: that test is made where the case's work is
/// delivered, and only a plan calls the referral (`link_plan`, not inlined). The call for every
/// case-week cost 36 instructions; without it a baseline replication takes 1.6% fewer
/// (callgrind: 897.8 M to 883.2 M).
#[inline(always)]
fn link(
    o: &mut Offender,
    managers: &mut [CaseManager],
    index: usize,
    (planned, reviewed): (bool, bool),
    w: &WorkloadWeek,
    services: &ServiceSystem,
    work: &mut WorkCounts,
) {
    if !(planned || reviewed) || o.supervision.service != ServiceState::None {
        return;
    }
    link_plan(o, managers, index, planned, w, services, work);
}

/// Linking for a new or reviewed plan of a case with no service (see [`link`]).
#[inline(never)]
fn link_plan(
    o: &mut Offender,
    managers: &mut [CaseManager],
    index: usize,
    planned: bool,
    w: &WorkloadWeek,
    services: &ServiceSystem,
    work: &mut WorkCounts,
) {
    let (modes, s, week) = (w.modes, w.scenario, w.week);
    let broker = modes.get(o.risk).referral_share;
    let required = planned && o.report.treatment_requirement;
    // A plan agreed at a case conference refers the need it takes first, by the member of its
    // discipline who was there, more readily; otherwise the most severe need, by the lead.
    let plan = if w.teams && !planned {
        plan_need(o, s)
    } else {
        None
    };
    let (need, referrer, chance) = match plan {
        Some((need, member)) => (
            Some(need),
            member,
            (broker * s.team.plan_referral_effect).min(1.0),
        ),
        None => (o.needs.most_severe(), index, broker),
    };
    if required || o.draws.uniform(week, Decision::Referral, 0) < chance {
        o.team.plan_referral = plan.is_some();
        let m = &mut managers[referrer];
        let referral = refer(o, m, services, &s.services, week, required, need);
        if !matches!(referral, Referral::NotMade) {
            o.tallies.referred();
        }
        match referral {
            Referral::NotMade => {}
            Referral::Accepted => work.referrals += 1,
            Referral::Refused => {
                work.referrals += 1;
                work.refusals += 1;
            }
            Referral::Substituted => {
                work.referrals += 1;
                work.substitutions += 1;
            }
        }
    }
}

/// Delivers this week's work for one case (the first pass): a task is done when the case is
/// within its manager's share for that kind of work and the hours are still there. Returns the
/// work left undone (bits `CUT_*`, added to the manager's `unmet` hours), or, for a case whose
/// case manager is absent, the work awaiting cover (`UNCOVERED_*`); and the hours of the
/// smallest task cut.
pub fn deliver(
    o: &mut Offender,
    managers: &mut [CaseManager],
    w: &WorkloadWeek,
    services: &ServiceSystem,
    work: &mut WorkCounts,
) -> (u8, f64) {
    let (modes, s, week) = (w.modes, w.scenario, w.week);
    let sup = &s.supervision;
    let (report_weekly, teams) = (w.report_weekly, w.teams);
    let Some(index) = o.supervision.manager.index() else {
        return (0, 0.0);
    };
    let supervised = o.journey.stage.is_supervised();
    if !supervised && !matches!(o.journey.stage, Stage::Custody | Stage::PreSentence) {
        return (0, 0.0);
    }
    // An absent case manager's contacts and report work wait for cover, after everyone's own
    // work.
    // Under a team, a member present stands in for an absent lead instead (see
    // `contact_holder`): the contacts, the members' own work and the conferences go on, and
    // the lead's assessment and reviews wait (an absent lead has no hours).
    if managers[index].status == StaffStatus::Absent && standing_in(o, managers, teams).is_none() {
        let uncovered = match o.journey.stage {
            Stage::PreSentence => UNCOVERED_REPORT,
            _ if o.events.contact_due => UNCOVERED_CONTACT,
            _ => 0,
        };
        return (uncovered, 0.0);
    }
    // One draw ranks the case for all its tasks: a manager who cuts a case's contact
    // also puts off its review.
    let rank = o.draws.uniform(week, Decision::Priority, 0);
    let m = &mut managers[index];
    if o.journey.stage == Stage::PreSentence {
        if rank < m.shares.reports && m.try_use(report_weekly) {
            write_report(o, report_weekly, false);
            return (0, 0.0);
        }
        m.unmet.reports += report_weekly;
        return (CUT_REPORT, report_weekly);
    }
    let (mut cut, mut least) = (0, f64::INFINITY);
    let mut planned = false;
    if !o.supervision.assessed {
        if rank < m.shares.assessment {
            planned = assess(o, m, s, week);
        } else {
            m.unmet.assessment += assessment_hours(o, s)
                - f64::from(o.supervision.assessment_hours_done)
                + expected_linking(o, modes, s);
            cut |= CUT_ASSESSMENT;
            least = 0.0;
        }
    }
    if teams && supervised {
        if o.supervision.service == ServiceState::None {
            o.team.plan_referral = false;
        }
        for slot in 0..o.team.members.len() {
            let Some(p) = o.team.members[slot].index() else {
                continue;
            };
            let member = &mut managers[p];
            if o.team.assessed & (1 << slot) == 0
                && member.status == StaffStatus::Present
                && rank < member.shares.assessment
                && member.try_use(s.team.member_assessment_hours)
            {
                o.team.assessed |= 1 << slot;
            }
        }
        if o.supervision.assessed && week >= o.team.next_conference {
            work.chair_hours += hold_conference(o, managers, s, week);
        }
    }
    if o.events.contact_due {
        let (holder, slot) = contact_holder(o, managers, s, teams);
        let h = &mut managers[holder];
        let hours = contact_hours(o, modes, s);
        if rank < h.shares.contacts_by_tier[o.risk.index()] && h.try_use(hours) {
            make_contact(o, modes, s, week, false);
            by_member(o, slot, s);
        } else {
            h.unmet.contacts_by_tier[o.risk.index()] += hours;
            cut |= CUT_CONTACT;
            least = least.min(hours);
        }
    }
    let m = &mut managers[index];
    if review_due(o, teams, week) {
        if rank < m.shares.reviews && m.try_use(sup.review_hours) {
            review(o, sup, week);
        } else {
            m.unmet.reviews += sup.review_hours + expected_linking(o, modes, s);
            cut |= CUT_REVIEW;
            least = least.min(sup.review_hours);
        }
    }
    let reviewed = o.events.reviewed;
    link(o, managers, index, (planned, reviewed), w, services, work);
    (cut, least)
}

/// Delivers the work the first pass cut from one case (`mask`), from the hours its case
/// manager has left: within the widened shares of [`share_unused_hours`], reading the same
/// rank as the first pass, or with `fill`, any task that still fits. Clears each task done.
pub fn deliver_cut(
    o: &mut Offender,
    managers: &mut [CaseManager],
    w: &WorkloadWeek,
    services: &ServiceSystem,
    work: &mut WorkCounts,
    mask: &mut u8,
    fill: bool,
) {
    let (modes, s, week) = (w.modes, w.scenario, w.week);
    let index = o.supervision.manager.index().expect("a case with cut work");
    let rank = o.draws.uniform(week, Decision::Priority, 0);
    let within = |share: f64| fill || rank < share;
    let m = &mut managers[index];
    if *mask & CUT_REPORT != 0 {
        if within(m.shares.reports) && m.try_use(w.report_weekly) {
            write_report(o, w.report_weekly, false);
            *mask &= !CUT_REPORT;
        }
        return;
    }
    let mut planned = false;
    if *mask & CUT_ASSESSMENT != 0 && within(m.shares.assessment) && m.hours_left() > 1e-9 {
        planned = assess(o, m, s, week);
        *mask &= !CUT_ASSESSMENT;
    }
    if *mask & CUT_CONTACT != 0 {
        let (holder, slot) = contact_holder(o, managers, s, w.teams);
        let h = &mut managers[holder];
        if within(h.shares.contacts_by_tier[o.risk.index()])
            && h.try_use(contact_hours(o, modes, s))
        {
            make_contact(o, modes, s, week, false);
            by_member(o, slot, s);
            *mask &= !CUT_CONTACT;
        }
    }
    let m = &mut managers[index];
    let mut reviewed = false;
    if *mask & CUT_REVIEW != 0 && within(m.shares.reviews) && m.try_use(s.supervision.review_hours)
    {
        review(o, &s.supervision, week);
        *mask &= !CUT_REVIEW;
        reviewed = true;
    }
    link(o, managers, index, (planned, reviewed), w, services, work);
}

/// Hours of cover for one task of an absent case manager's case: from the present colleague in
/// the cover group with the most hours left (the lowest post on a tie), else from the duty
/// rota's hours, if either has the hours. Returns whether the task is covered.
fn take_cover(
    lead: usize,
    hours: f64,
    managers: &mut [CaseManager],
    groups: &[Vec<ManagerId>],
    duty: &mut f64,
) -> bool {
    let group = managers[lead].cover_group;
    if group != NO_GROUP {
        let best = groups[group as usize]
            .iter()
            .filter_map(|id| id.index())
            .filter(|&c| {
                managers[c].status == StaffStatus::Present
                    && managers[c].hours_left() + 1e-9 >= hours
            })
            .max_by(|&x, &y| {
                (managers[x].hours_left())
                    .total_cmp(&managers[y].hours_left())
                    .then(y.cmp(&x))
            });
        if let Some(c) = best {
            return managers[c].try_use(hours);
        }
    }
    if *duty + 1e-9 >= hours {
        *duty = (*duty - hours).max(0.0);
        return true;
    }
    false
}

/// Cover of absent case managers' work (`uncovered`, from the first pass) after everyone's own
/// work, from the cover groups' hours left and the duty rota's `duty` hours: report work
/// first (a court deadline), then due contacts, under `structured` the highest tier first
/// (under discretion in arrival order: the tiers alike).
pub fn cover_absent(
    cases: &mut [Offender],
    uncovered: &mut [CutWork],
    managers: &mut [CaseManager],
    groups: &[Vec<ManagerId>],
    duty: &mut f64,
    w: &WorkloadWeek,
) {
    let (modes, s, week) = (w.modes, w.scenario, w.week);
    for e in uncovered.iter_mut() {
        if e.mask & UNCOVERED_REPORT == 0 {
            continue;
        }
        let o = &mut cases[e.case as usize];
        let lead = o.supervision.manager.index().expect("an allocated case");
        if take_cover(lead, w.report_weekly, managers, groups, duty) {
            write_report(o, w.report_weekly, true);
            e.mask &= !UNCOVERED_REPORT;
        }
    }
    let by_tier = s.organisation.prioritisation == Prioritisation::Structured;
    let rounds = if by_tier { RiskTier::COUNT } else { 1 };
    for round in 0..rounds {
        let tier = (RiskTier::COUNT - 1 - round) as u8;
        for e in uncovered.iter_mut() {
            if e.mask & UNCOVERED_CONTACT == 0 || (by_tier && e.tier != tier) {
                continue;
            }
            let o = &mut cases[e.case as usize];
            let lead = o.supervision.manager.index().expect("an allocated case");
            if take_cover(lead, contact_hours(o, modes, s), managers, groups, duty) {
                make_contact(o, modes, s, week, true);
                e.mask &= !UNCOVERED_CONTACT;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manager_with(hours: f64, contacts_by_tier: [f64; RiskTier::COUNT]) -> CaseManager {
        let mut m = CaseManager::new(0);
        m.hours_available = hours;
        m.demand.contacts_by_tier = contacts_by_tier;
        m
    }

    #[test]
    fn structured_cuts_lowest_risk_first() {
        let mut ms = [manager_with(10.0, [4.0, 4.0, 4.0, 4.0])];
        decide_shares(&mut ms, Prioritisation::Structured);
        assert_eq!(ms[0].shares.contacts_by_tier, [0.0, 0.5, 1.0, 1.0]);
    }

    #[test]
    fn discretion_with_even_weights_cuts_every_tier_alike() {
        let mut ms = [manager_with(8.0, [4.0, 4.0, 4.0, 4.0])];
        decide_shares(&mut ms, Prioritisation::Discretionary);
        assert_eq!(ms[0].shares.contacts_by_tier, [0.5; RiskTier::COUNT]);
    }

    #[test]
    fn discretion_protects_the_tiers_a_manager_weights_more() {
        // Weights 1, 1, 1, 3 with 8 hours for 16 of demand: λ = 8 / (4 + 4 + 4 + 12) = 1/3
        // gives the last tier a share of 1, so it is met in full; the other three share the 4
        // hours left: 1/3 each.
        let mut m = manager_with(8.0, [4.0, 4.0, 4.0, 4.0]);
        m.discretion = [1.0, 1.0, 1.0, 3.0];
        let mut ms = [m];
        decide_shares(&mut ms, Prioritisation::Discretionary);
        let s = ms[0].shares.contacts_by_tier;
        assert!((s[3] - 1.0).abs() < 1e-12);
        for t in 0..3 {
            assert!((s[t] - 1.0 / 3.0).abs() < 1e-12, "{s:?}");
        }
        let used: f64 = s.iter().map(|x| x * 4.0).sum();
        assert!((used - 8.0).abs() < 1e-9);
    }

    #[test]
    fn unused_hours_widen_the_shares_of_the_work_cut_in_the_same_order() {
        // 10 hours for 16 of contacts: structured meets the top two tiers and half the second
        // lowest. Say the first pass used only 8 hours and cut 2 hours of tier 1 and all 4 of
        // tier 0: the 2 left go to tier 1 first, which is then met in full.
        let mut ms = [manager_with(10.0, [4.0, 4.0, 4.0, 4.0])];
        decide_shares(&mut ms, Prioritisation::Structured);
        ms[0].hours_used = 8.0;
        ms[0].unmet.contacts_by_tier = [4.0, 2.0, 0.0, 0.0];
        share_unused_hours(&mut ms, Prioritisation::Structured);
        assert_eq!(ms[0].shares.contacts_by_tier, [0.0, 1.0, 1.0, 1.0]);
        // With 4 hours left, tier 0 gets half its cut work: its share widens from 0 to 0.5.
        ms[0].hours_used = 6.0;
        ms[0].shares.contacts_by_tier = [0.0, 0.5, 1.0, 1.0];
        share_unused_hours(&mut ms, Prioritisation::Structured);
        assert_eq!(ms[0].shares.contacts_by_tier, [0.5, 1.0, 1.0, 1.0]);
    }

    #[test]
    fn enough_hours_means_everything_is_done() {
        for rule in [Prioritisation::Structured, Prioritisation::Discretionary] {
            let mut ms = [manager_with(30.0, [4.0, 4.0, 4.0, 4.0])];
            ms[0].demand.reviews = 3.0;
            ms[0].demand.assessment = 6.0;
            decide_shares(&mut ms, rule);
            let s = ms[0].shares;
            assert_eq!(
                (s.assessment, s.contacts_by_tier, s.reviews),
                (1.0, [1.0; RiskTier::COUNT], 1.0)
            );
        }
    }
}
