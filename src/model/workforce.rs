//! Case managers: their posts, hours, caseloads, absence and turnover.
//!
//! A leaver's post stays vacant for `workforce.vacancy_weeks`. Under `vacancy_cover = "agency"`
//! an agency worker covers it from `agency_start_weeks` after the leaver until the replacement
//! starts: a new holder (trained or not by the post's own draw, new to the post's cases),
//! present every week (an agency worker away is replaced by the agency: an assumption) and
//! never leaving before the replacement comes, who then takes over the agency worker's cases,
//! each a handoff, as after any leaver.

use crate::rng::{Decision, Draws, Entity};
use crate::scenario::{Practice, RiskTier, VacancyCover, Workforce};

/// Index of a case manager's post, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ManagerId(u32);

impl ManagerId {
    pub const NONE: ManagerId = ManagerId(u32::MAX);

    pub fn new(index: usize) -> Self {
        ManagerId(u32::try_from(index).expect("fewer than 2^32 posts (validated)"))
    }

    pub fn index(self) -> Option<usize> {
        (self != ManagerId::NONE).then_some(self.0 as usize)
    }

    pub fn is_some(self) -> bool {
        self != ManagerId::NONE
    }
}

/// Whether the post-holder is at work this week.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffStatus {
    Present,
    /// Off sick or otherwise away; keeps the caseload, delivers nothing.
    Absent,
    /// The post-holder has left; a replacement starts in week `until`, and agency cover (if
    /// any) in week `cover_from` ([`NO_COVER`]: none).
    Vacant {
        until: i32,
        cover_from: i32,
    },
}

/// The hours one case manager needs this week, by core function.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Demand {
    pub paperwork: f64,
    /// Overseeing the patch's volunteers' cases (qualified staff; done first, like paperwork).
    pub oversight: f64,
    /// Pre-sentence report writing (a court deadline, so done before casework).
    pub reports: f64,
    /// Case conferences in custody (ICM: meetings at set times, so done before casework). A
    /// team's members' assessments and conferences are planned with the assessments and the
    /// reviews (see `workload::add_demand`).
    pub team: f64,
    pub assessment: f64,
    pub contacts_by_tier: [f64; RiskTier::COUNT],
    pub reviews: f64,
}

/// Share of each kind of demand a case manager can meet this week (0..1), decided from the
/// hours available and the prioritisation rule.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DeliveryShares {
    pub reports: f64,
    pub team: f64,
    pub assessment: f64,
    pub contacts_by_tier: [f64; RiskTier::COUNT],
    pub reviews: f64,
}

/// A post's grade (DOMICE 2011b: two grades of case manager in some places, and volunteers for
/// some lower-risk cases).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grade {
    /// A qualified officer: may hold any case.
    Qualified,
    /// The lower grade: holds cases below `workforce.qualified_from_tier`.
    Assistant,
    /// A volunteer: holds a few low-risk cases.
    Volunteer,
}

/// The part of the journey a post works on (DOMICE 2011a: task specialisation, "vertical
/// segmentation").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    /// Every stage (generic, patch work).
    All,
    /// Pre-sentence reports.
    Reports,
    /// Supervision in the community: community orders, and under type streaming also licences
    /// and the through-the-gate work before release.
    Supervision,
    /// Task streaming: through-the-gate work with prisoners before release.
    Custody,
    /// Task streaming: supervision of licences.
    Licence,
}

/// No type specialism.
pub const NO_SPECIALISM: u8 = u8::MAX;

/// No cover group.
pub const NO_GROUP: u32 = u32::MAX;

/// No agency cover of a vacancy, or a post not held by an agency worker.
pub const NO_COVER: i32 = i32::MAX;

/// One case-manager post.
#[derive(Clone, Debug)]
pub struct CaseManager {
    pub patch: u16,
    pub grade: Grade,
    pub function: Function,
    /// The type of case held under type streaming, else [`NO_SPECIALISM`].
    pub specialism: u8,
    /// The cover group (individual approach), else [`NO_GROUP`].
    pub cover_group: u32,
    /// Most cases this post may hold.
    pub cap: u32,
    /// Casework hours a week when present.
    pub weekly_hours: f64,
    /// How much this post-holder protects each tier's contact when cutting under discretion
    /// (weights, 1 = even).
    pub discretion: [f64; RiskTier::COUNT],
    pub status: StaffStatus,
    /// Cases currently allocated.
    pub caseload: u32,
    /// Teams this post sits on as a member, not the lead.
    pub memberships: u32,
    /// Enforcement paperwork generated but not yet done (hours); done first next week.
    pub paperwork_backlog: f64,
    // This week's accounts.
    pub hours_available: f64,
    pub hours_used: f64,
    pub demand: Demand,
    pub shares: DeliveryShares,
    /// Hours of this week's work cut in the first delivery pass (by the shares, or for want
    /// of hours), by kind: what the hours left over are shared over in the second pass.
    pub unmet: Demand,
    /// The post's own random numbers (absence, leaving, each new holder's ways), by week.
    pub draws: Draws,
    /// Whether the present holder is trained in core correctional practices.
    pub trained: bool,
    /// Whether the present holder is trained in the post's type of case (type streaming).
    pub specialist_trained: bool,
    /// The week the present holder started (negative for those in post before the run).
    pub started: i32,
    /// While an agency worker covers the vacant post: the week the permanent replacement
    /// starts; else [`NO_COVER`].
    pub agency_until: i32,
    /// The holder's [`skill`](CaseManager::skill) this week, worked out when the week's
    /// accounts open (every contact and piece of work of the week reads it).
    pub skill_this_week: f64,
}

impl CaseManager {
    /// A qualified, generic post with the scenario's cap and hours set by the caller.
    pub fn new(patch: u16) -> Self {
        CaseManager {
            patch,
            grade: Grade::Qualified,
            function: Function::All,
            specialism: NO_SPECIALISM,
            cover_group: NO_GROUP,
            cap: u32::MAX,
            weekly_hours: 0.0,
            discretion: [1.0; RiskTier::COUNT],
            status: StaffStatus::Present,
            caseload: 0,
            memberships: 0,
            paperwork_backlog: 0.0,
            hours_available: 0.0,
            hours_used: 0.0,
            demand: Demand::default(),
            shares: DeliveryShares::default(),
            unmet: Demand::default(),
            draws: Draws::new(0, 0, Entity::Post, 0),
            trained: false,
            specialist_trained: false,
            started: i32::MIN / 2,
            agency_until: NO_COVER,
            skill_this_week: 0.0,
        }
    }

    /// Paid staff, as opposed to a volunteer.
    pub fn is_staff(&self) -> bool {
        self.grade != Grade::Volunteer
    }

    /// Whether this post specialises in case type `t` (type streaming).
    pub fn specialises_in(&self, t: usize) -> bool {
        self.specialism != NO_SPECIALISM && usize::from(self.specialism) == t
    }

    /// Whether this post may hold a case of type `t`: any type, unless it specialises.
    pub fn holds_type(&self, t: usize) -> bool {
        self.specialism == NO_SPECIALISM || self.specialises_in(t)
    }

    /// Whether the holder is a specialist in case type `t` trained in it: their work on a
    /// need of such a case achieves `organisation.specialist_effect` times more.
    pub fn trained_specialist_in(&self, t: usize) -> bool {
        self.specialist_trained && self.specialises_in(t)
    }

    /// Whether this post may hold a case: in post, under its cap, and of a grade allowed the
    /// case (`complex`: at or above the tier reserved for qualified staff).
    pub fn can_take(&self, complex: bool) -> bool {
        self.in_post() && self.caseload < self.cap && !(complex && self.grade != Grade::Qualified)
    }

    /// In post (present or absent), and so able to hold cases.
    /// The holder's skill in core correctional practices in week `week`, 0 to 1: trained or
    /// not, the support grade's share, a volunteer's; a new starter's grows to the full over
    /// `experience_weeks`.
    pub fn skill(&self, week: i32, p: &Practice) -> f64 {
        let full = match (self.grade, self.trained) {
            (Grade::Volunteer, _) => return p.volunteer_skill,
            (_, true) => p.trained_skill,
            (_, false) => p.untrained_skill,
        } * if self.grade == Grade::Assistant {
            p.support_grade_skill
        } else {
            1.0
        };
        let served = f64::from((week - self.started).max(0)) / f64::from(p.experience_weeks);
        full * (p.new_starter_skill + (1.0 - p.new_starter_skill) * served.min(1.0))
    }

    /// A new holder starts in the post in week `week`: trained or not, by the post's number for
    /// the week.
    pub fn new_holder(&mut self, week: i32, p: &Practice) {
        self.started = week;
        self.trained = self.draws.uniform(week, Decision::Training, 0) < p.trained_share;
        self.specialist_trained = self.specialism != NO_SPECIALISM
            && self.draws.uniform(week, Decision::SpecialistTraining, 0)
                < p.specialist_trained_share;
    }

    /// Whether an agency worker holds the post (covering a vacancy).
    pub fn is_agency(&self) -> bool {
        self.agency_until != NO_COVER
    }

    pub fn in_post(&self) -> bool {
        !matches!(self.status, StaffStatus::Vacant { .. })
    }

    pub fn hours_left(&self) -> f64 {
        self.hours_available - self.hours_used
    }

    /// Uses `hours` if they fit in what is left this week.
    pub fn try_use(&mut self, hours: f64) -> bool {
        // A small tolerance so that rounding in the shares never refuses the last task.
        if self.hours_used + hours <= self.hours_available + 1e-9 {
            self.hours_used += hours;
            true
        } else {
            false
        }
    }
}

/// Weekly probabilities of the staff events, derived once from the scenario's rates.
#[derive(Clone, Copy, Debug)]
pub struct StaffEventRates {
    /// Probability a present case manager leaves this week.
    pub leave: f64,
    /// Probability a present case manager starts an absence this week.
    pub absence_start: f64,
    /// Probability an absent case manager returns this week.
    pub absence_end: f64,
    pub vacancy_weeks: i32,
    /// Weeks from a leaver to agency cover of the post, if vacancies are covered.
    pub agency_start_weeks: Option<i32>,
}

impl StaffEventRates {
    pub fn new(w: &Workforce) -> Self {
        // Annual turnover as a constant weekly hazard.
        let leave = 1.0 - (1.0 - w.turnover_rate).powf(1.0 / 52.0);
        // Absence as a two-state Markov chain: spells end with probability 1/mean length, and
        // start at the rate that makes the long-run absent share equal `absence_rate`.
        let absence_end = 1.0 / w.absence_mean_weeks;
        let absence_start = (w.absence_rate * absence_end / (1.0 - w.absence_rate)).min(1.0);
        StaffEventRates {
            leave,
            absence_start,
            absence_end,
            vacancy_weeks: w.vacancy_weeks as i32,
            agency_start_weeks: (w.vacancy_cover == VacancyCover::Agency)
                .then_some(w.agency_start_weeks as i32),
        }
    }
}

/// What happened to one post this week.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffEvent {
    None,
    /// The post-holder left: their cases must be reallocated.
    Left,
    /// A replacement started in the vacant post (or an agency worker, to cover it).
    Joined,
    /// The agency worker covering the post left and the replacement started: the agency
    /// worker's cases must be reallocated, and the post has a new holder.
    CoverEnded,
}

/// The status of a post left vacant from week `from`: the replacement starts `vacancy_weeks`
/// later, and agency cover (if vacancies are covered) `agency_start_weeks` later.
pub fn vacancy(from: i32, rates: &StaffEventRates) -> StaffStatus {
    StaffStatus::Vacant {
        until: from + rates.vacancy_weeks,
        cover_from: rates
            .agency_start_weeks
            .map_or(NO_COVER, |weeks| from + weeks),
    }
}

/// Advances one post's status by a week, from the post's own numbers for the week, so that
/// a post keeps its luck across arms of a comparison.
pub fn staff_week(manager: &mut CaseManager, rates: &StaffEventRates, week: i32) -> StaffEvent {
    let d = manager.draws;
    let u_leave = d.uniform(week, Decision::Leaving, 0);
    match manager.status {
        StaffStatus::Vacant { until, cover_from } => {
            if week + 1 >= until || week + 1 >= cover_from {
                if week + 1 < until {
                    manager.agency_until = until;
                }
                manager.status = StaffStatus::Present;
                manager.paperwork_backlog = 0.0;
                StaffEvent::Joined
            } else {
                StaffEvent::None
            }
        }
        // Agency cover: present until the replacement starts.
        StaffStatus::Present if manager.is_agency() => {
            if week + 1 >= manager.agency_until {
                manager.agency_until = NO_COVER;
                StaffEvent::CoverEnded
            } else {
                StaffEvent::None
            }
        }
        StaffStatus::Present | StaffStatus::Absent if u_leave < rates.leave => {
            manager.status = vacancy(week + 1, rates);
            StaffEvent::Left
        }
        StaffStatus::Present => {
            if d.uniform(week, Decision::Absence, 0) < rates.absence_start {
                manager.status = StaffStatus::Absent;
            }
            StaffEvent::None
        }
        StaffStatus::Absent => {
            if d.uniform(week, Decision::Return, 0) < rates.absence_end {
                manager.status = StaffStatus::Present;
            }
            StaffEvent::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_run_absence_matches_the_rate() {
        let w = Workforce {
            absence_rate: 0.1,
            absence_mean_weeks: 3.0,
            turnover_rate: 0.0,
            ..Workforce::default()
        };
        let rates = StaffEventRates::new(&w);
        let mut m = CaseManager::new(0);
        m.draws = Draws::new(7, 11, Entity::Post, 0);
        let weeks = 200_000;
        let absent = (0..weeks)
            .filter(|&week| {
                staff_week(&mut m, &rates, week);
                m.status == StaffStatus::Absent
            })
            .count();
        let share = absent as f64 / weeks as f64;
        assert!((share - 0.1).abs() < 0.01, "absent share {share}");
    }

    #[test]
    fn a_vacancy_is_filled_after_the_vacancy_period() {
        let w = Workforce {
            turnover_rate: 1.0,
            vacancy_weeks: 5,
            ..Workforce::default()
        };
        let rates = StaffEventRates::new(&w);
        let mut m = CaseManager::new(0);
        assert_eq!(staff_week(&mut m, &rates, 10), StaffEvent::Left);
        assert_eq!(
            m.status,
            StaffStatus::Vacant {
                until: 16,
                cover_from: NO_COVER
            }
        );
        for week in 11..15 {
            staff_week(&mut m, &rates, week);
            assert!(!m.in_post(), "week {week}");
        }
        staff_week(&mut m, &rates, 15);
        assert!(m.in_post());
    }

    #[test]
    fn agency_cover_holds_the_post_from_its_start_until_the_replacement() {
        let w = Workforce {
            turnover_rate: 1.0,
            vacancy_weeks: 10,
            vacancy_cover: VacancyCover::Agency,
            agency_start_weeks: 3,
            ..Workforce::default()
        };
        let rates = StaffEventRates::new(&w);
        let mut m = CaseManager::new(0);
        assert_eq!(staff_week(&mut m, &rates, 10), StaffEvent::Left);
        assert_eq!(
            m.status,
            StaffStatus::Vacant {
                until: 21,
                cover_from: 14
            }
        );
        for week in 11..13 {
            assert_eq!(staff_week(&mut m, &rates, week), StaffEvent::None);
            assert!(!m.in_post(), "week {week}");
        }
        // The agency worker starts in week 14 and, though every holder leaves under a turnover
        // of 1, stays until the replacement starts in week 21.
        assert_eq!(staff_week(&mut m, &rates, 13), StaffEvent::Joined);
        assert!(m.in_post() && m.is_agency());
        for week in 14..20 {
            assert_eq!(staff_week(&mut m, &rates, week), StaffEvent::None);
            assert_eq!(m.status, StaffStatus::Present, "week {week}");
        }
        assert_eq!(staff_week(&mut m, &rates, 20), StaffEvent::CoverEnded);
        assert!(m.in_post() && !m.is_agency());
    }

    #[test]
    fn agency_cover_that_would_start_after_the_replacement_never_starts() {
        let w = Workforce {
            turnover_rate: 1.0,
            vacancy_weeks: 2,
            vacancy_cover: VacancyCover::Agency,
            agency_start_weeks: 5,
            ..Workforce::default()
        };
        let rates = StaffEventRates::new(&w);
        let mut m = CaseManager::new(0);
        assert_eq!(staff_week(&mut m, &rates, 0), StaffEvent::Left);
        assert_eq!(staff_week(&mut m, &rates, 1), StaffEvent::None);
        assert_eq!(staff_week(&mut m, &rates, 2), StaffEvent::Joined);
        assert!(m.in_post() && !m.is_agency());
    }
}
