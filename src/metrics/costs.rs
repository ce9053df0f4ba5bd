//! The budget: what a week costs, part by part, at the scenario's unit costs (`[costs]`,
//! docs/ODD.md "The budget"). Counting only: nothing here changes the model.
//!
//! Posts are paid whether their holders are busy or idle, present or absent: a post-week costs
//! its grade's pay and on-costs ([`crate::scenario::Costs::post_week`]), in proportion to its
//! hours against the full-time casework hours (`workforce.hours_per_week`). A vacant post is
//! unpaid; an agency worker covering one costs the post's pay and the agency premium. Each
//! leaver costs a recruitment; each volunteer, a coordinator's hours and expenses. Services,
//! the modes' requirements and custody are paid as the week used them.

use serde::{Deserialize, Serialize};

use crate::model::offender::RiskTier;
use crate::model::services::reachable_places;
use crate::model::workforce::{CaseManager, Grade, StaffStatus};
use crate::scenario::{Scenario, ServiceContract};

/// A week's cost, part by part; [`CostBreakdown::total`] is the `cost` measure's week.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CostBreakdown {
    /// Pay and on-costs of the posts held by employed staff (present or absent).
    pub posts: f64,
    /// Agency workers covering vacant posts: the posts' pay and the agency premium.
    pub agency: f64,
    /// Recruiting replacements for the week's leavers.
    pub recruitment: f64,
    /// Volunteers: their coordinators' hours and their expenses.
    pub volunteers: f64,
    /// Seniors' hours chairing team case conferences.
    pub chairs: f64,
    /// The duty rota's hours (`workforce.duty_hours_per_week`), paid whether used or not.
    pub duty: f64,
    /// Service places.
    pub services: f64,
    /// The modes' non-staff costs of allocated orders and licences (requirements).
    pub requirements: f64,
    /// People in custody.
    pub custody: f64,
}

impl CostBreakdown {
    /// The week's whole cost.
    pub fn total(&self) -> f64 {
        self.posts
            + self.agency
            + self.recruitment
            + self.volunteers
            + self.chairs
            + self.duty
            + self.services
            + self.requirements
            + self.custody
    }

    /// The workforce's part: posts, agency cover, recruitment, volunteers, chairs and the duty
    /// rota.
    pub fn staff(&self) -> f64 {
        self.posts + self.agency + self.recruitment + self.volunteers + self.chairs + self.duty
    }
}

/// Unit costs worked out from the scenario once.
#[derive(Clone, Copy, Debug, Default)]
pub struct UnitCosts {
    /// A full-time post-week of each paid grade: qualified, support.
    post_week: [f64; 2],
    /// The full-time casework hours a week a post's hours are set against.
    full_time_hours: f64,
    agency_premium: f64,
    recruitment: f64,
    /// A volunteer in post for a week.
    volunteer_week: f64,
    staff_hour: f64,
    /// The duty rota's hours for a week, at `staff_hour`.
    duty_week: f64,
    custody_week: f64,
    /// A mode's non-staff cost for a case-week on an order or licence, by tier.
    pub case_week: [f64; RiskTier::COUNT],
    /// Under block contracts, the week's cost of every reachable place; else none.
    block_services: Option<f64>,
}

impl UnitCosts {
    pub fn new(s: &Scenario) -> Self {
        let c = &s.costs;
        let block_services = (c.service_contract == ServiceContract::Block).then(|| {
            let places = reachable_places(&s.services);
            let providers = s.services.providers.as_array();
            places
                .iter()
                .zip(providers)
                .map(|(&n, p)| f64::from(n) * p.cost_per_week)
                .sum()
        });
        UnitCosts {
            post_week: [
                c.post_week(c.qualified_salary),
                c.post_week(c.support_salary),
            ],
            full_time_hours: s.workforce.hours_per_week,
            agency_premium: c.agency_premium,
            recruitment: c.recruitment_per_leaver,
            volunteer_week: c.volunteer_coordination_hours * c.staff_hour + c.volunteer_expenses,
            staff_hour: c.staff_hour,
            duty_week: s.workforce.duty_hours_per_week * c.staff_hour,
            custody_week: c.custody_week,
            case_week: RiskTier::ALL.map(|t| s.modes.for_tier(t).cost_per_week),
            block_services,
        }
    }

    /// What a post costs this week: nothing while vacant; a volunteer's coordination and
    /// expenses; else its grade's pay for its share of full-time hours, with the agency premium
    /// while an agency worker covers it. Returns (employed staff's part, agency's part,
    /// volunteers' part).
    pub fn post(&self, m: &CaseManager) -> (f64, f64, f64) {
        if !m.in_post() {
            return (0.0, 0.0, 0.0);
        }
        let grade = match m.grade {
            Grade::Volunteer => return (0.0, 0.0, self.volunteer_week),
            Grade::Qualified => 0,
            Grade::Assistant => 1,
        };
        // Generated posts work the full-time hours (a share of exactly 1); a posts file's rows
        // may be part-time.
        let fte = if self.full_time_hours > 0.0 {
            m.weekly_hours / self.full_time_hours
        } else {
            1.0
        };
        let pay = self.post_week[grade] * fte;
        debug_assert!(matches!(
            m.status,
            StaffStatus::Present | StaffStatus::Absent
        ));
        if m.is_agency() {
            (0.0, pay * (1.0 + self.agency_premium), 0.0)
        } else {
            (pay, 0.0, 0.0)
        }
    }

    /// The week's cost: the posts (`managers`), `leavers` recruitments, the chairs' hours, the
    /// places in use costing `services_in_use` (or the block of places), the requirements of
    /// the allocated cases (`requirements`, summed case by case) and `in_custody` people.
    pub fn week(
        &self,
        managers: &[CaseManager],
        leavers: u32,
        chair_hours: f64,
        services_in_use: f64,
        requirements: f64,
        in_custody: u32,
    ) -> CostBreakdown {
        let mut cost = CostBreakdown::default();
        for m in managers {
            let (posts, agency, volunteers) = self.post(m);
            cost.posts += posts;
            cost.agency += agency;
            cost.volunteers += volunteers;
        }
        cost.recruitment = f64::from(leavers) * self.recruitment;
        cost.chairs = chair_hours * self.staff_hour;
        cost.duty = self.duty_week;
        cost.services = self.block_services.unwrap_or(services_in_use);
        cost.requirements = requirements;
        cost.custody = f64::from(in_custody) * self.custody_week;
        cost
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::workforce::NO_COVER;

    fn post(grade: Grade, status: StaffStatus, hours: f64) -> CaseManager {
        let mut m = CaseManager::new(0);
        m.grade = grade;
        m.status = status;
        m.weekly_hours = hours;
        m
    }

    #[test]
    fn a_post_week_is_salary_pension_and_national_insurance_over_52_weeks() {
        let s = Scenario::default();
        let c = &s.costs;
        // £37,250 + 19% pension + 13.8% of (37,250 - 9,100), over 52 weeks.
        let by_hand = (37_250.0 + 0.19 * 37_250.0 + 0.138 * (37_250.0 - 9_100.0)) / 52.0;
        assert!((c.post_week(c.qualified_salary) - by_hand).abs() < 1e-9);
        assert!((by_hand - 927.16).abs() < 0.01, "{by_hand}");
        // Below the threshold no National Insurance is due.
        assert!((c.post_week(5_200.0) - 5_200.0 * 1.19 / 52.0).abs() < 1e-9);
    }

    #[test]
    fn posts_are_paid_by_grade_present_or_absent_and_not_while_vacant() {
        let s = Scenario::default();
        let u = UnitCosts::new(&s);
        let c = &s.costs;
        let full = s.workforce.hours_per_week;
        let qualified = c.post_week(c.qualified_salary);
        let support = c.post_week(c.support_salary);
        assert!(support < qualified);
        let present = post(Grade::Qualified, StaffStatus::Present, full);
        let absent = post(Grade::Qualified, StaffStatus::Absent, full);
        let vacant = post(
            Grade::Qualified,
            StaffStatus::Vacant {
                until: 5,
                cover_from: NO_COVER,
            },
            full,
        );
        assert_eq!(u.post(&present), (qualified, 0.0, 0.0));
        assert_eq!(u.post(&absent), (qualified, 0.0, 0.0));
        assert_eq!(u.post(&vacant), (0.0, 0.0, 0.0));
        let psa = post(Grade::Assistant, StaffStatus::Present, full);
        assert_eq!(u.post(&psa), (support, 0.0, 0.0));
        // Half the hours, half the pay.
        let half = post(Grade::Assistant, StaffStatus::Present, full / 2.0);
        assert!((u.post(&half).0 - support / 2.0).abs() < 1e-9);
        // An agency worker: the post's pay and the premium, counted apart.
        let mut agency = post(Grade::Qualified, StaffStatus::Present, full);
        agency.agency_until = 40;
        let (employed, charged, _) = u.post(&agency);
        assert_eq!(employed, 0.0);
        assert!((charged - qualified * (1.0 + c.agency_premium)).abs() < 1e-9);
        // A volunteer: coordination at the senior's hour and expenses.
        let volunteer = post(Grade::Volunteer, StaffStatus::Present, 4.0);
        assert_eq!(u.post(&volunteer), (0.0, 0.0, 0.5 * 35.0 + 5.0));
    }

    #[test]
    fn the_week_adds_up_its_parts() {
        let s = Scenario::default();
        let u = UnitCosts::new(&s);
        let full = s.workforce.hours_per_week;
        let managers = [
            post(Grade::Qualified, StaffStatus::Present, full),
            post(Grade::Qualified, StaffStatus::Absent, full),
        ];
        let week = u.week(&managers, 2, 3.0, 400.0, 50.0, 10);
        let post_week = s.costs.post_week(s.costs.qualified_salary);
        assert!((week.posts - 2.0 * post_week).abs() < 1e-9);
        assert_eq!(week.recruitment, 3_000.0);
        assert_eq!(week.chairs, 105.0);
        assert_eq!(week.services, 400.0);
        assert_eq!(week.requirements, 50.0);
        assert_eq!(week.custody, 9_950.0);
        let sum = 2.0 * post_week + 3_000.0 + 105.0 + 400.0 + 50.0 + 9_950.0;
        assert!((week.total() - sum).abs() < 1e-9);
        assert!((week.staff() - (2.0 * post_week + 3_105.0)).abs() < 1e-9);
        assert_eq!(week.duty, 0.0);
        // A duty rota of 20 hours a week is paid at the senior's hour, used or not.
        let mut rota = Scenario::default();
        rota.workforce.duty_hours_per_week = 20.0;
        let with_rota = UnitCosts::new(&rota).week(&managers, 2, 3.0, 400.0, 50.0, 10);
        assert_eq!(with_rota.duty, 20.0 * 35.0);
        assert!((with_rota.total() - week.total() - 700.0).abs() < 1e-9);
        assert!((with_rota.staff() - week.staff() - 700.0).abs() < 1e-9);
    }

    #[test]
    fn block_contracts_pay_every_reachable_place_used_or_not() {
        let mut s = Scenario::default();
        s.costs.service_contract = ServiceContract::Block;
        let u = UnitCosts::new(&s);
        let places = reachable_places(&s.services);
        let block: f64 = places
            .iter()
            .zip(s.services.providers.as_array())
            .map(|(&n, p)| f64::from(n) * p.cost_per_week)
            .sum();
        assert!(block > 0.0);
        assert_eq!(u.week(&[], 0, 0.0, 0.0, 0.0, 0).services, block);
        assert_eq!(u.week(&[], 0, 0.0, 123.0, 0.0, 0).services, block);
    }
}
