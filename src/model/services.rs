//! Services: the providers a case manager brokers to (linking), their waiting lists, and what
//! a completed service does.
//!
//! One provider per need type, with places, a treatment length and a completion probability
//! that rises with motivation. Seed 002: services "often do not exist or are prioritised for
//! other user groups"; some jurisdictions have protocols about access; in others providers
//! must accept offenders. The access in force sets the share of places offenders reach and
//! whether a provider may refuse (see [`Services::reach`]). A refused referral can be
//! overturned by advocacy; a referral that waits longer than `max_wait_weeks`, or to a service
//! with no places at all, leaves the case manager to provide "an equivalent service
//! themselves": own work on the need, which costs extra hours at each contact and does less.
//!
//! A case has at most one referral at a time, for its most severe need: sentence plans
//! sequence their objectives. Referrals are made when the plan is drawn up or reviewed (see
//! `workload`); waiting lists are first come, first served.

use serde::{Deserialize, Serialize};

use crate::model::engagement::after_progress;
use crate::model::journey::Stage;
use crate::model::offender::{MAX_SEVERITY, NEVER, Need, Offender, RiskTier};
use crate::model::workforce::CaseManager;
use crate::rng::Decision;
use crate::scenario::{Mode, Scenario, Services};

/// Flags of what a case has done with services ([`SupervisionState::service_history`]).
pub mod service_history {
    /// Completed a service.
    pub const COMPLETED: u8 = 1;
    /// Dropped out of one.
    pub const DROPPED_OUT: u8 = 2;
}

/// Where a case stands with services.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ServiceState {
    /// No referral in progress.
    #[default]
    None,
    /// Referred and accepted, waiting for a place since week `since`.
    Waiting { need: Need, since: i32 },
    /// In treatment until week `until`.
    Attending { need: Need, until: i32 },
    /// No service came: the case manager works on the need personally.
    Substituting { need: Need },
}

impl ServiceState {
    /// The need a provider is treating, if any.
    pub fn in_treatment(self) -> Option<Need> {
        match self {
            ServiceState::Attending { need, .. } => Some(need),
            _ => None,
        }
    }

    /// The need the case manager is substituting for a service, if any.
    pub fn substituting(self) -> Option<Need> {
        match self {
            ServiceState::Substituting { need } => Some(need),
            _ => None,
        }
    }
}

/// What services did this week, for the time series and the measures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceCounts {
    pub waiting: u32,
    pub attending: u32,
    pub starts: u32,
    pub completions: u32,
    pub dropouts: u32,
    /// Waits that ended this week (a place, substitution, or the order's end), and their
    /// total length in weeks.
    pub waits_ended: u32,
    pub wait_weeks: u64,
    pub substitutions: u32,
    /// Places that came but were not taken up.
    pub declined: u32,
    /// Cost of the places in use this week.
    pub cost: f64,
}

/// The providers of one replication: places and waiting lists.
pub struct ServiceSystem {
    /// Places offenders can reach at each provider, after `capacity_scale` and access.
    pub reachable: [u32; Need::COUNT],
    /// Places in use by offenders (counted each week).
    pub attending: [u32; Need::COUNT],
    acceptance: f64,
    weeks: [u32; Need::COUNT],
    completion_log_odds: [f64; Need::COUNT],
    cost_per_week: [f64; Need::COUNT],
    /// Levels of need a completed course meets.
    severity_reduction: [u8; Need::COUNT],
    /// Hours a week of a person's time each service takes.
    pub hours_per_week: [f64; Need::COUNT],
    /// Whether each service is delivered in groups.
    group: [bool; Need::COUNT],
    /// Who attends each service this week so far, by risk tier (a group's make-up), and the
    /// share of last week's group of a higher tier than each tier (worked out once a week).
    attending_by_tier: [[u32; RiskTier::COUNT]; Need::COUNT],
    group_higher_share: [[f64; RiskTier::COUNT]; Need::COUNT],
    /// The same for the group requirements of each mode (everyone under the mode, when it has
    /// other requirement hours).
    requirement_by_tier: [[u32; RiskTier::COUNT]; Mode::COUNT],
    requirement_higher_share: [[f64; RiskTier::COUNT]; Mode::COUNT],
    /// The log-odds of taking up a place at motivation 0.5 and no relationship.
    uptake_log_odds: f64,
    /// For each service, a number no case's weekly dropout hazard reaches: a draw at or above
    /// it decides the week without working the hazard out.
    dropout_ceiling: [f64; Need::COUNT],
    /// This week's waiting list: (week referred, position in the caseload, need).
    queue: Vec<(i32, u32, u8)>,
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln().clamp(-40.0, 40.0)
}

/// Places offenders can reach at each provider: its places, scaled by `capacity_scale`, of
/// which the access in force opens a share.
pub fn reachable_places(s: &Services) -> [u32; Need::COUNT] {
    let (share, _) = s.reach();
    s.providers
        .as_array()
        .map(|p| (f64::from(p.places) * s.capacity_scale * share).round() as u32)
}

impl ServiceSystem {
    pub fn new(s: &Services) -> Self {
        let (_, acceptance) = s.reach();
        let providers = s.providers.as_array();
        let mut system = ServiceSystem {
            reachable: reachable_places(s),
            attending: [0; Need::COUNT],
            acceptance,
            weeks: providers.map(|p| p.weeks),
            completion_log_odds: providers.map(|p| logit(p.completion)),
            cost_per_week: providers.map(|p| p.cost_per_week),
            severity_reduction: providers.map(|p| p.severity_reduction),
            hours_per_week: providers.map(|p| p.hours_per_week),
            group: providers.map(|p| p.group),
            attending_by_tier: [[0; RiskTier::COUNT]; Need::COUNT],
            group_higher_share: [[0.0; RiskTier::COUNT]; Need::COUNT],
            requirement_by_tier: [[0; RiskTier::COUNT]; Mode::COUNT],
            requirement_higher_share: [[0.0; RiskTier::COUNT]; Mode::COUNT],
            uptake_log_odds: logit(s.uptake),
            dropout_ceiling: [f64::INFINITY; Need::COUNT],
            queue: Vec::new(),
        };
        system.dropout_ceiling = Need::ALL.map(|need| {
            // The hazard moves one way with motivation and one way with the relationship, so
            // it is largest at a corner of 0..1 × 0..1; the margin covers rounding.
            [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
                .map(|(motivation, relationship)| {
                    system.dropout_hazard(need, motivation, relationship, s)
                })
                .into_iter()
                .fold(0.0, f64::max)
                * (1.0 + 1e-9)
                + 1e-12
        });
        system
    }

    /// Whether this week's draw `u` takes the case out of `need`'s service. Nearly every week
    /// is settled by the service's ceiling, without the hazard's `exp` and `pow`.
    fn drops_out(&self, o: &Offender, need: Need, s: &Services, u: f64) -> bool {
        u < self.dropout_ceiling[need as usize]
            && u < self.dropout_hazard(
                need,
                f64::from(o.motivation),
                f64::from(o.supervision.relationship),
                s,
            )
    }

    /// Weekly probability of dropping out of `need`'s service: constant over the treatment,
    /// so that the chance of completing it is the provider's, adjusted for motivation and the
    /// working relationship (engagement: Kennealy et al. 2012; Clark-Miller & Stevens 2011).
    fn dropout_hazard(&self, need: Need, motivation: f64, relationship: f64, s: &Services) -> f64 {
        let i = need as usize;
        let x = self.completion_log_odds[i]
            + s.motivation_effect * (motivation - 0.5)
            + s.relationship_effect * relationship;
        let completion = 1.0 / (1.0 + (-x).exp());
        1.0 - completion.powf(1.0 / f64::from(self.weeks[i].max(1)))
    }
}

/// What came of a decision to refer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Referral {
    /// No need, or no hours to make it.
    NotMade,
    /// Accepted: on the waiting list.
    Accepted,
    /// Refused, and advocacy did not overturn the refusal.
    Refused,
    /// No places exist: the case manager substitutes own work.
    Substituted,
}

/// The case manager links the case's most severe need to its provider (called when the plan is
/// drawn up or reviewed and the mode brokers this time, or the order requires treatment); the
/// provider accepts or refuses, and a refusal may be argued against. A referral the order
/// `required` is not refused: the court may make a treatment requirement only when
/// arrangements for the treatment have been or can be made (Sentencing Act 2020, Schedule 9,
/// Parts 9-11; Sentencing Council, Imposition of community and custodial sentences); it still
/// waits for a place like any other.
pub fn refer(
    o: &mut Offender,
    m: &mut CaseManager,
    system: &ServiceSystem,
    s: &Services,
    week: i32,
    required: bool,
) -> Referral {
    let Some(need) = o.needs.most_severe() else {
        return Referral::NotMade;
    };
    if !m.try_use(s.referral_hours) {
        return Referral::NotMade;
    }
    if system.reachable[need as usize] == 0 {
        if s.substitute {
            o.supervision.service = ServiceState::Substituting { need };
            return Referral::Substituted;
        }
        return Referral::Refused;
    }
    let accepted =
        required || o.draws.uniform(week, Decision::ProviderAcceptance, 0) < system.acceptance || {
            // Refused: the case manager argues for a place, if there are hours to.
            m.try_use(s.advocacy_hours)
                && o.draws.uniform(week, Decision::Advocacy, 0) < s.advocacy_success
        };
    if accepted {
        o.supervision.service = ServiceState::Waiting { need, since: week };
        Referral::Accepted
    } else {
        Referral::Refused
    }
}

/// Weeks a referral has waited: from the referral, or from release for one made in custody
/// (a provider cannot take someone in prison). Places still go in order of referral.
fn wait_so_far(o: &Offender, since: i32, week: i32) -> u64 {
    (week - since.max(o.journey.latest_release)).max(0) as u64
}

/// The services phase, in three parts: [`ServiceSystem::begin_week`]; [`case_services`] for
/// each case in turn (treatment goes on, ends in completion or drop-out; referrals join the
/// waiting list); [`fill_places`] (places freed go to the waiting list in order of referral;
/// waits past the limit end in substitution).
#[cfg(test)]
pub fn services_week(
    offenders: &mut [Offender],
    system: &mut ServiceSystem,
    s: &Scenario,
    week: i32,
) -> ServiceCounts {
    let mut counts = ServiceCounts::default();
    system.begin_week();
    for (i, o) in offenders.iter_mut().enumerate() {
        case_services(i, o, system, s, week, &mut counts);
    }
    fill_places(offenders, system, &s.services, week, &mut counts);
    counts
}

impl ServiceSystem {
    /// Clears last week's attendance and waiting list, keeping last week's make-up of each
    /// group.
    pub fn begin_week(&mut self) {
        self.attending = [0; Need::COUNT];
        let shares = |by_tier: &[u32; RiskTier::COUNT]| {
            RiskTier::ALL.map(|tier| higher_share(by_tier, tier))
        };
        self.group_higher_share = self.attending_by_tier.each_ref().map(shares);
        self.attending_by_tier = [[0; RiskTier::COUNT]; Need::COUNT];
        self.requirement_higher_share = self.requirement_by_tier.each_ref().map(shares);
        self.requirement_by_tier = [[0; RiskTier::COUNT]; Mode::COUNT];
        self.queue.clear();
    }

    /// Whether a referred person takes up a place that has come: more likely the more
    /// motivated they are and the better their working relationship.
    fn takes_up(&self, o: &Offender, s: &Services, u: f64) -> bool {
        let x = self.uptake_log_odds
            + s.uptake_motivation_effect * (f64::from(o.motivation) - 0.5)
            + s.relationship_effect * f64::from(o.supervision.relationship);
        u < 1.0 / (1.0 + (-x).exp())
    }

    /// The share of the people in `need`'s group last week who were of a higher risk tier than
    /// `tier`.
    fn higher_risk_share(&self, need: Need, tier: RiskTier) -> f64 {
        self.group_higher_share[need as usize][tier.index()]
    }

    /// Counts a case of `tier` in this week's group requirements of `mode`, and returns the
    /// share of last week's group who were of a higher tier.
    pub fn join_requirement_group(&mut self, mode: Mode, tier: RiskTier) -> f64 {
        self.requirement_by_tier[mode as usize][tier.index()] += 1;
        self.requirement_higher_share[mode as usize][tier.index()]
    }
}

/// A service has ended: the plan is reviewed next week (and the next need may be referred),
/// not at the next routine review (assumption: a plan is revisited when an intervention ends).
fn review_after_service(o: &mut Offender, week: i32) {
    if o.journey.stage.is_supervised() && o.supervision.next_review != NEVER {
        o.supervision.next_review = o.supervision.next_review.min(week + 1);
    }
}

/// The share of a group, counted by tier, who were of a higher tier than `tier`.
fn higher_share(by_tier: &[u32; RiskTier::COUNT], tier: RiskTier) -> f64 {
    let all: u32 = by_tier.iter().sum();
    let higher: u32 = by_tier[tier.index() + 1..].iter().sum();
    if all == 0 {
        0.0
    } else {
        f64::from(higher) / f64::from(all)
    }
}

/// One case's week with services: treatment goes on, or ends in completion or drop-out; a
/// referral still wanted joins this week's waiting list (`i` is the case's place in the
/// array); one no longer wanted lapses.
pub fn case_services(
    i: usize,
    o: &mut Offender,
    system: &mut ServiceSystem,
    scenario: &Scenario,
    week: i32,
    counts: &mut ServiceCounts,
) {
    let s = &scenario.services;
    match o.supervision.service {
        ServiceState::None => {}
        ServiceState::Attending { need, until } => {
            let n = need as usize;
            counts.cost += system.cost_per_week[n];
            // A community service cannot be attended from prison.
            let in_custody = o.journey.stage == Stage::Custody;
            let u = o.draws.uniform(week, Decision::Dropout, 0);
            if in_custody || system.drops_out(o, need, s, u) {
                o.supervision.service = ServiceState::None;
                counts.dropouts += 1;
                o.supervision.service_history |= service_history::DROPPED_OUT;
                review_after_service(o, week);
                return;
            }
            // Treatment works as it goes (a dose): each week attended lowers the need a level
            // with the chance that spreads the provider's reduction over the course, so those
            // who stay longer gain more and drop-outs gain some (NTA 2012: convictions fell
            // 47-48% for those retained or completing, 15% for those who dropped out).
            let per_week =
                f64::from(system.severity_reduction[n]) / f64::from(system.weeks[n].max(1));
            let u = o.draws.uniform(week, Decision::TreatmentProgress, 0);
            if u < per_week && o.needs.0[n] > 0 {
                o.needs.0[n] -= 1;
                after_progress(o, &scenario.engagement);
            }
            if week + 1 >= until {
                if need == Need::Accommodation {
                    // Housing support ends with somewhere settled to live.
                    o.settled = true;
                }
                o.supervision.service = ServiceState::None;
                counts.completions += 1;
                o.supervision.service_history |= service_history::COMPLETED;
                review_after_service(o, week);
            } else {
                system.attending[n] += 1;
                system.attending_by_tier[n][o.risk.index()] += 1;
                // In a group, higher-risk peers may entrench antisocial thinking (Dishion,
                // McCord & Poulin 1999): the more of them, the likelier.
                if system.group[n] {
                    let exposure = system.higher_risk_share(need, o.risk);
                    let p = scenario.needs.peer_influence * exposure;
                    if p > 0.0 && o.draws.uniform(week, Decision::PeerInfluence, 0) < p {
                        let thinking = &mut o.needs.0[Need::Thinking as usize];
                        *thinking = (*thinking + 1).min(MAX_SEVERITY);
                    }
                }
            }
        }
        ServiceState::Waiting { need, since } => {
            if o.journey.stage.is_supervised() {
                system.queue.push((since, i as u32, need as u8));
            } else if o.journey.stage == Stage::Custody && o.under_custodial_sentence() {
                // Referred before release: the place is taken up after release.
                counts.waiting += 1;
            } else {
                // The order ended: the referral lapses.
                o.supervision.service = ServiceState::None;
                counts.waits_ended += 1;
                counts.wait_weeks += wait_so_far(o, since, week);
                o.tallies.wait_ended(wait_so_far(o, since, week));
            }
        }
        ServiceState::Substituting { need } => {
            if !o.journey.stage.is_supervised() || o.needs.severity(need) == 0 {
                o.supervision.service = ServiceState::None;
            }
        }
    }
}

/// Places freed go to the waiting list in order of referral; waits past the limit end in
/// substitution (or lapse).
pub fn fill_places(
    offenders: &mut [Offender],
    system: &mut ServiceSystem,
    s: &Services,
    week: i32,
    counts: &mut ServiceCounts,
) {
    // In order of referral, then of arrival: one u64 key per entry (the week with its sign bit
    // flipped, so that it orders as unsigned, above the position), which sorts faster than the
    // tuple. A case waits for one service at a time, so the keys are distinct.
    system.queue.sort_unstable_by_key(|&(since, i, _)| {
        (u64::from(since as u32 ^ 1 << 31) << 32) | u64::from(i)
    });
    for &(since, i, need) in &system.queue {
        let o = &mut offenders[i as usize];
        let need = Need::ALL[usize::from(need)];
        let n = need as usize;
        let waited = wait_so_far(o, since, week) as i32;
        if system.attending[n] < system.reachable[n] {
            if system.takes_up(o, s, o.draws.uniform(week, Decision::Uptake, 0)) {
                system.attending[n] += 1;
                system.attending_by_tier[n][o.risk.index()] += 1;
                o.supervision.service = ServiceState::Attending {
                    need,
                    until: week + 1 + system.weeks[n] as i32,
                };
                counts.starts += 1;
            } else {
                // Offered a place and not taking it up: the referral lapses.
                o.supervision.service = ServiceState::None;
                counts.declined += 1;
            }
        } else if waited >= s.max_wait_weeks as i32 {
            o.supervision.service = if s.substitute {
                counts.substitutions += 1;
                ServiceState::Substituting { need }
            } else {
                ServiceState::None
            };
        } else {
            counts.waiting += 1;
            continue;
        }
        counts.waits_ended += 1;
        counts.wait_weeks += waited as u64;
        o.tallies.wait_ended(waited as u64);
    }
    counts.attending = system.attending.iter().sum();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::offender::OffenderFactory;
    use crate::scenario::{Access, Population};

    fn offenders(n: usize) -> Vec<Offender> {
        let mut factory = OffenderFactory::new(&Population::default());
        let mut rng = rand_pcg::Pcg32::new(7, 9);
        (0..n).map(|_| factory.draw(&mut rng, 0, false)).collect()
    }

    /// Statutory access to one drugs place, everything else closed; a place that comes is
    /// always taken up.
    fn one_drugs_place() -> Scenario {
        let mut s = Scenario::default();
        s.services.access = Access::Statutory;
        s.services.uptake = 1.0;
        s.services.providers.drugs.places = 1;
        s.services.providers.drugs.completion = 1.0;
        s
    }

    /// No case's dropout hazard reaches its service's ceiling, whichever way motivation acts.
    #[test]
    fn no_dropout_hazard_reaches_the_ceiling() {
        for effect in [-2.0, 0.0, 0.7, 3.0] {
            let s = Services {
                motivation_effect: effect,
                ..Services::default()
            };
            let system = ServiceSystem::new(&s);
            for need in Need::ALL {
                let ceiling = system.dropout_ceiling[need as usize];
                let highest = (0..=1000)
                    .flat_map(|m| {
                        [0.0, 0.5, 1.0].map(|r| {
                            system.dropout_hazard(need, f64::from(m as f32 / 1000.0), r, &s)
                        })
                    })
                    .fold(0.0, f64::max);
                assert!(
                    highest < ceiling && ceiling < highest * 1.001 + 1e-9,
                    "{need:?}: {highest} {ceiling}"
                );
            }
        }
    }

    #[test]
    fn a_free_place_goes_to_the_longest_waiting_referral() {
        let s = one_drugs_place();
        let mut system = ServiceSystem::new(&s.services);
        assert_eq!(system.reachable[Need::Drugs as usize], 1);
        let mut os = offenders(2);
        os[0].supervision.service = ServiceState::Waiting {
            need: Need::Drugs,
            since: 5,
        };
        os[1].supervision.service = ServiceState::Waiting {
            need: Need::Drugs,
            since: 3,
        };
        let counts = services_week(&mut os, &mut system, &s, 6);
        assert!(matches!(
            os[1].supervision.service,
            ServiceState::Attending { until: 19, .. }
        ));
        assert_eq!(
            os[0].supervision.service,
            ServiceState::Waiting {
                need: Need::Drugs,
                since: 5
            }
        );
        assert_eq!(
            (counts.starts, counts.waiting, counts.wait_weeks),
            (1, 1, 3)
        );
    }

    #[test]
    fn a_service_lowers_its_need_as_it_goes_and_frees_the_place_at_its_end() {
        let mut s = one_drugs_place();
        // A level a week for certain: the course's reduction spread over its weeks.
        s.services.providers.drugs.severity_reduction = s.services.providers.drugs.weeks as u8;
        let mut system = ServiceSystem::new(&s.services);
        let mut os = offenders(1);
        os[0].needs.0[Need::Drugs as usize] = 3;
        os[0].supervision.service = ServiceState::Attending {
            need: Need::Drugs,
            until: 10,
        };
        let counts = services_week(&mut os, &mut system, &s, 8);
        assert_eq!(os[0].needs.severity(Need::Drugs), 2, "a week's progress");
        assert_eq!((counts.completions, counts.attending), (0, 1));
        let counts = services_week(&mut os, &mut system, &s, 9);
        assert_eq!(os[0].needs.severity(Need::Drugs), 1);
        assert_eq!(os[0].supervision.service, ServiceState::None);
        assert_eq!((counts.completions, counts.attending), (1, 0));
    }

    #[test]
    fn a_drop_out_keeps_the_progress_made_and_no_more() {
        let mut s = one_drugs_place();
        s.services.providers.drugs.severity_reduction = s.services.providers.drugs.weeks as u8;
        s.services.providers.drugs.completion = 1e-9;
        let mut system = ServiceSystem::new(&s.services);
        let mut os = offenders(1);
        os[0].needs.0[Need::Drugs as usize] = 3;
        os[0].supervision.service = ServiceState::Attending {
            need: Need::Drugs,
            until: 100,
        };
        // Near-certain drop-out: the week ends the course before its progress.
        let counts = services_week(&mut os, &mut system, &s, 8);
        assert_eq!(counts.dropouts, 1);
        assert_eq!(os[0].needs.severity(Need::Drugs), 3);
    }

    #[test]
    fn a_wait_past_the_limit_ends_in_the_case_managers_own_work() {
        let mut s = one_drugs_place();
        s.services.providers.drugs.places = 0;
        s.services.providers.alcohol.places = 1;
        // The first case completes for certain, so it keeps its place.
        s.services.providers.alcohol.completion = 1.0;
        let mut system = ServiceSystem::new(&s.services);
        let mut os = offenders(2);
        // The alcohol place is taken by the first case; the second waits.
        os[0].supervision.service = ServiceState::Attending {
            need: Need::Alcohol,
            until: 100,
        };
        os[1].supervision.service = ServiceState::Waiting {
            need: Need::Alcohol,
            since: 0,
        };
        let week = s.services.max_wait_weeks as i32;
        let counts = services_week(&mut os, &mut system, &s, week);
        assert_eq!(
            os[1].supervision.service,
            ServiceState::Substituting {
                need: Need::Alcohol
            }
        );
        assert_eq!((counts.substitutions, counts.waits_ended), (1, 1));
    }

    #[test]
    fn motivation_raises_the_chance_of_completing() {
        let s = Services::default();
        let system = ServiceSystem::new(&s);
        let mut os = offenders(1);
        let weeks = f64::from(s.providers.drugs.weeks);
        let completion = |o: &Offender| {
            (1.0 - system.dropout_hazard(Need::Drugs, f64::from(o.motivation), 0.0, &s)).powf(weeks)
        };
        os[0].motivation = 0.5;
        let average = completion(&os[0]);
        assert!((average - s.providers.drugs.completion).abs() < 1e-9);
        os[0].motivation = 0.9;
        assert!(completion(&os[0]) > average);
        let engaged = (1.0 - system.dropout_hazard(Need::Drugs, 0.5, 0.8, &s)).powf(weeks);
        assert!(
            engaged > average,
            "a working relationship keeps people in treatment"
        );
    }
}
