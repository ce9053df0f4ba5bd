//! Services: the providers a case manager brokers to (linking), their waiting lists, and what
//! a completed service does.
//!
//! One provider per need type, with places, a treatment length and a completion probability
//! that rises with motivation. Seed 002 (DOMICE 2011b): services "often do not exist or are
//! prioritised for other user groups"; some jurisdictions have "protocols about access to
//! services"; in others (DOMICE 2011a) providers have "a mandatory or statutory duty to
//! co-operate with the plan".
//!
//! Every provider's places are shared with other users, who arrive in a steady stream (each
//! holds a place for the provider's weeks of treatment; those not placed in their week go
//! elsewhere). The access in force is a mechanism, not a share of places:
//!
//! - `open`: the provider may refuse a referral (`open_acceptance`; advocacy may overturn the
//!   refusal), and a free place the next offender would get goes, with probability
//!   `open_deprioritisation`, to another user waiting that week instead;
//! - `protocol`: `protocol_share` of the places is reserved for offenders, other users fill
//!   the rest, and every referral is accepted; a referral that has waited the agreed maximum
//!   (`protocol_max_wait_weeks`) is escalated: served ahead of the waiting list, and given a
//!   place outside the reserved share ahead of other users;
//! - `statutory`: the provider must assess a referral within `statutory_assessment_weeks` (no
//!   place before), accepts it when its need is at `statutory_eligibility` or above and refuses
//!   it otherwise; an accepted referral takes any free place ahead of other users.
//!
//! A referral that waits longer than `max_wait_weeks`, or to a service with no places at all,
//! leaves the case manager to provide "an equivalent service themselves": own work on the
//! need, which costs extra hours at each contact and does less.
//!
//! A case has at most one referral at a time, for its most severe need: sentence plans
//! sequence their objectives. Referrals are made when the plan is drawn up or reviewed (see
//! `workload`); the waiting list is served in the order `services.priority` sets (first come,
//! first served by default; ties first come, then by place in the caseload). Under
//! `nearest_release` cases in custody join the list, the soonest released first, and a place
//! that comes to one is held for it from its release.

use serde::{Deserialize, Serialize};

use crate::model::engagement::after_progress;
use crate::model::journey::Stage;
use crate::model::offender::{MAX_SEVERITY, NEVER, Need, Offender, RiskTier};
use crate::model::workforce::CaseManager;
use crate::rng::Decision;
use crate::scenario::{Access, Mode, Scenario, ServicePriority, Services};

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

/// One entry of a week's waiting list.
#[derive(Clone, Copy, Debug)]
struct Waiting {
    /// The order it is served in: its rank under the priority rule (escalated referrals
    /// first), then the week referred, then the case's place in the caseload.
    key: u128,
    /// The case's place in the caseload.
    case: u32,
    /// The week referred.
    since: i32,
    need: u8,
}

/// The providers of one replication: places shared with other users, and waiting lists.
pub struct ServiceSystem {
    /// The most places offenders can hold at each provider at once (its places after
    /// `capacity_scale`: other users and the access decide how many they get).
    pub reachable: [u32; Need::COUNT],
    /// Places in use by offenders (counted each week).
    pub attending: [u32; Need::COUNT],
    acceptance: f64,
    access: Access,
    priority: ServicePriority,
    /// Places reserved for offenders under a protocol.
    reserved: [u32; Need::COUNT],
    /// Places held by other users, and how many of them leave in each week of the provider's
    /// course (a ring of `weeks` slots per provider, from `others_slot[n]`).
    others: [u32; Need::COUNT],
    others_leaving: Vec<u32>,
    others_slot: [usize; Need::COUNT],
    /// Other users arriving a week (a steady stream), the fraction of one carried to the next
    /// week, and those arrived this week and not yet placed.
    others_per_week: [f64; Need::COUNT],
    others_carried: [f64; Need::COUNT],
    others_pending: [u32; Need::COUNT],
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
    /// Log-odds added for a place referred from a plan agreed at a team's case conference
    /// (`team.plan_uptake_effect`; set by the engine under the team approaches).
    pub plan_uptake_effect: f64,
    /// For each service, a number no case's weekly dropout hazard reaches: a draw at or above
    /// it decides the week without working the hazard out.
    dropout_ceiling: [f64; Need::COUNT],
    /// This week's waiting list.
    queue: Vec<Waiting>,
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln().clamp(-40.0, 40.0)
}

/// Places contracted for offenders at each provider (what a block contract pays for): its
/// places, scaled by `capacity_scale`, of which the access in force gives offenders a share
/// (see [`Services::reach`]).
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
        let places = providers.map(|p| (f64::from(p.places) * s.capacity_scale).round() as u32);
        let weeks = providers.map(|p| p.weeks.max(1));
        let reserved = match s.access {
            Access::Protocol => {
                places.map(|p| (f64::from(p) * s.protocol_share).round().min(f64::from(p)) as u32)
            }
            _ => [0; Need::COUNT],
        };
        // Other users' steady demand, and the places it holds at the start (as if it had
        // always run: an equal number leaving in each week of the course).
        let others_places: [u32; Need::COUNT] = std::array::from_fn(|n| match s.access {
            Access::Protocol => places[n] - reserved[n],
            _ => (f64::from(places[n]) * s.other_users_share()).round() as u32,
        });
        let mut others_slot = [0; Need::COUNT];
        let mut others_leaving = Vec::new();
        for n in 0..Need::COUNT {
            others_slot[n] = others_leaving.len();
            let (held, w) = (u64::from(others_places[n]), u64::from(weeks[n]));
            others_leaving.extend((0..w).map(|k| ((k + 1) * held / w - k * held / w) as u32));
        }
        let mut system = ServiceSystem {
            reachable: places,
            attending: [0; Need::COUNT],
            acceptance,
            access: s.access,
            priority: s.priority,
            reserved,
            others: others_places,
            others_leaving,
            others_slot,
            others_per_week: std::array::from_fn(|n| {
                f64::from(others_places[n]) / f64::from(weeks[n])
            }),
            others_carried: [0.0; Need::COUNT],
            others_pending: [0; Need::COUNT],
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
            plan_uptake_effect: 0.0,
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

/// The case manager links `need` (the case's most severe need, or under a team the need its
/// agreed plan takes first; none: no referral) to its provider (called when the plan is
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
    need: Option<Need>,
) -> Referral {
    let Some(need) = need else {
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
    let accepted = required
        || match system.access {
            // A provider open to all may refuse; the case manager argues for a place, if
            // there are hours to.
            Access::Open => {
                o.draws.uniform(week, Decision::ProviderAcceptance, 0) < system.acceptance || {
                    m.try_use(s.advocacy_hours)
                        && o.draws.uniform(week, Decision::Advocacy, 0) < s.advocacy_success
                }
            }
            // A protocol accepts every referral.
            Access::Protocol => true,
            // A duty is owed to the eligible: the provider's assessment (which the place waits
            // for, see `fill_places`) accepts a need at the threshold and refuses the rest.
            Access::Statutory => o.needs.severity(need) >= s.statutory_eligibility,
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
            + s.relationship_effect * f64::from(o.supervision.relationship)
            + if o.team.plan_referral {
                self.plan_uptake_effect
            } else {
                0.0
            };
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
            if in_custody && week < until - system.weeks[n] as i32 {
                // A place held from release (`nearest_release`): in use, not yet begun.
                system.attending[n] += 1;
                return;
            }
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
            let before_release = o.journey.stage == Stage::Custody && o.under_custodial_sentence();
            if o.journey.stage.is_supervised()
                || (before_release && system.priority == ServicePriority::NearestRelease)
            {
                system.enqueue(i, o, need, since, week, s);
            } else if before_release {
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

impl ServiceSystem {
    /// Puts a waiting referral on this week's list, with its place in the order: escalated
    /// referrals (a protocol's maximum wait passed) first, then the priority rule's rank, then
    /// first come, then the case's place in the caseload.
    fn enqueue(&mut self, i: usize, o: &Offender, need: Need, since: i32, week: i32, s: &Services) {
        let rank: u64 = if self.escalated(wait_so_far(o, since, week), s) {
            0
        } else {
            1 + match self.priority {
                ServicePriority::FirstCome => 0,
                ServicePriority::HighestRisk => (RiskTier::COUNT - 1 - o.risk.index()) as u64,
                ServicePriority::LowestRisk => o.risk.index() as u64,
                ServicePriority::MostSevereNeed => {
                    u64::from(MAX_SEVERITY - o.needs.severity(need).min(MAX_SEVERITY))
                }
                ServicePriority::NearestRelease => {
                    if o.journey.stage == Stage::Custody {
                        (o.journey.release_due - week).max(0) as u64
                    } else {
                        1 << 40
                    }
                }
            }
        };
        // The week with its sign bit flipped orders as unsigned; a case waits for one service
        // at a time, so the keys are distinct.
        let key = (u128::from(rank) << 64)
            | (u128::from(since as u32 ^ 1 << 31) << 32)
            | u128::from(i as u32);
        self.queue.push(Waiting {
            key,
            case: i as u32,
            since,
            need: need as u8,
        });
    }

    /// Whether a referral that has waited `waited` weeks is escalated under a protocol.
    fn escalated(&self, waited: u64, s: &Services) -> bool {
        self.access == Access::Protocol && waited >= u64::from(s.protocol_max_wait_weeks)
    }

    /// Other users' week at the providers: those whose course ends leave, and this week's
    /// stream arrives.
    fn other_users_week(&mut self, week: i32) {
        for n in 0..Need::COUNT {
            let slot = self.others_slot[n] + week.rem_euclid(self.weeks[n].max(1) as i32) as usize;
            self.others[n] -= self.others_leaving[slot];
            self.others_leaving[slot] = 0;
            let due = self.others_carried[n] + self.others_per_week[n];
            self.others_pending[n] = due as u32;
            self.others_carried[n] = due.fract();
        }
    }

    /// Another user takes a place at `n` this week, for the course's weeks.
    fn place_other_user(&mut self, n: usize, week: i32) {
        let slot = self.others_slot[n] + week.rem_euclid(self.weeks[n].max(1) as i32) as usize;
        self.others[n] += 1;
        self.others_leaving[slot] += 1;
        self.others_pending[n] -= 1;
    }

    /// Whether a place at `n` is free for an offender's referral (`escalated`: past a
    /// protocol's agreed maximum wait).
    fn free_for_offender(&self, n: usize, escalated: bool) -> bool {
        let free = self.attending[n] + self.others[n] < self.reachable[n];
        match self.access {
            Access::Protocol if !escalated => free && self.attending[n] < self.reserved[n],
            _ => free,
        }
    }

    /// Whether a place at `n` is free for another user waiting this week (never one a
    /// protocol reserves).
    fn free_for_other_user(&self, n: usize) -> bool {
        self.others_pending[n] > 0
            && match self.access {
                Access::Protocol => {
                    self.others[n] + self.attending[n].max(self.reserved[n]) < self.reachable[n]
                }
                _ => self.attending[n] + self.others[n] < self.reachable[n],
            }
    }
}

/// Places freed go to the waiting list in the priority rule's order, and to other users as
/// the access in force says; waits past the limit end in substitution (or lapse).
pub fn fill_places(
    offenders: &mut [Offender],
    system: &mut ServiceSystem,
    s: &Services,
    week: i32,
    counts: &mut ServiceCounts,
) {
    system.other_users_week(week);
    system.queue.sort_unstable_by_key(|w| w.key);
    for q in 0..system.queue.len() {
        let Waiting {
            case, since, need, ..
        } = system.queue[q];
        let o = &mut offenders[case as usize];
        let need = Need::ALL[usize::from(need)];
        let n = need as usize;
        let waited = wait_so_far(o, since, week);
        let in_custody = o.journey.stage == Stage::Custody;
        // A statutory duty: no place before the provider's assessment.
        let assessed = system.access != Access::Statutory
            || week - since >= s.statutory_assessment_weeks as i32;
        let escalated = system.escalated(waited, s);
        let mut placed = assessed && system.free_for_offender(n, escalated);
        if system.access == Access::Open {
            // Open access: each other user still waiting this week is served first with the
            // chance the provider ranks offenders below them (one draw per other user the
            // case meets), until a free place is left for the case or none is.
            let mut passed = 0;
            while placed
                && system.free_for_other_user(n)
                && o.draws.uniform(week, Decision::PassedOver, passed) < s.open_deprioritisation
            {
                system.place_other_user(n, week);
                passed += 1;
                placed = system.free_for_offender(n, escalated);
            }
        }
        if placed {
            if system.takes_up(o, s, o.draws.uniform(week, Decision::Uptake, 0)) {
                system.attending[n] += 1;
                system.attending_by_tier[n][o.risk.index()] += 1;
                // In custody, the place is held from release.
                let start = if in_custody {
                    o.journey.release_due
                } else {
                    week + 1
                };
                o.supervision.service = ServiceState::Attending {
                    need,
                    until: start + system.weeks[n] as i32,
                };
                counts.starts += 1;
            } else {
                // Offered a place and not taking it up: the referral lapses.
                o.supervision.service = ServiceState::None;
                counts.declined += 1;
            }
        } else if waited >= u64::from(s.max_wait_weeks) && !in_custody {
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
        counts.wait_weeks += waited;
        o.tallies.wait_ended(waited);
    }
    // Other users take the places left (those not placed go elsewhere).
    for n in 0..Need::COUNT {
        while system.free_for_other_user(n) {
            system.place_other_user(n, week);
        }
        system.others_pending[n] = 0;
    }
    counts.attending = system.attending.iter().sum();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::journey::Disposal;
    use crate::model::offender::OffenderFactory;
    use crate::scenario::{Access, Population, ServicePriority};

    fn waiting(o: &mut Offender, need: Need, since: i32) {
        o.supervision.service = ServiceState::Waiting { need, since };
    }

    fn offenders(n: usize) -> Vec<Offender> {
        let mut factory = OffenderFactory::new(&Population::default());
        let mut rng = rand_pcg::Pcg32::new(7, 9);
        (0..n).map(|_| factory.draw(&mut rng, 0, false)).collect()
    }

    /// Statutory access to one drugs place, everything else closed and no other users; a
    /// place that comes is always taken up.
    fn one_drugs_place() -> Scenario {
        let mut s = Scenario::default();
        s.services.access = Access::Statutory;
        s.services.open_share = 1.0;
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

    /// One drugs place a week: the course lasts a week, so other users' places turn over
    /// weekly.
    fn weekly_drugs_place(access: Access) -> Scenario {
        let mut s = one_drugs_place();
        s.services.access = access;
        s.services.providers.drugs.weeks = 1;
        s
    }

    #[test]
    fn open_access_gives_a_free_place_to_a_waiting_other_user_first() {
        let mut s = weekly_drugs_place(Access::Open);
        // Other users' demand would fill the place on its own.
        s.services.open_share = 0.0;
        for (deprioritisation, placed) in [(1.0, false), (0.0, true)] {
            s.services.open_deprioritisation = deprioritisation;
            let mut system = ServiceSystem::new(&s.services);
            let mut os = offenders(1);
            waiting(&mut os[0], Need::Drugs, 3);
            let counts = services_week(&mut os, &mut system, &s, 6);
            assert_eq!(counts.starts, u32::from(placed), "{deprioritisation}");
            assert_eq!(system.others[Need::Drugs as usize], u32::from(!placed));
        }
    }

    #[test]
    fn a_protocol_escalates_a_referral_past_the_agreed_wait_into_an_unreserved_place() {
        let mut s = weekly_drugs_place(Access::Protocol);
        s.services.providers.drugs.places = 2;
        s.services.protocol_share = 0.5;
        let max = s.services.protocol_max_wait_weeks as i32;
        for (since, placed) in [(10 - max + 1, false), (10 - max, true)] {
            let mut system = ServiceSystem::new(&s.services);
            assert_eq!(system.reserved[Need::Drugs as usize], 1);
            let mut os = offenders(2);
            // The reserved place is taken; other users hold the other.
            os[0].supervision.service = ServiceState::Attending {
                need: Need::Drugs,
                until: 100,
            };
            waiting(&mut os[1], Need::Drugs, since);
            let counts = services_week(&mut os, &mut system, &s, 10);
            assert_eq!(counts.starts, u32::from(placed), "waited {}", 10 - since);
            assert_eq!(system.others[Need::Drugs as usize], u32::from(!placed));
        }
    }

    #[test]
    fn a_statutory_duty_offers_no_place_before_the_assessment_and_refuses_the_ineligible() {
        let mut s = one_drugs_place();
        s.services.statutory_assessment_weeks = 2;
        let mut system = ServiceSystem::new(&s.services);
        let mut os = offenders(1);
        waiting(&mut os[0], Need::Drugs, 5);
        assert_eq!(services_week(&mut os, &mut system, &s, 6).starts, 0);
        assert_eq!(services_week(&mut os, &mut system, &s, 7).starts, 1);

        let mut m = CaseManager::new(0);
        m.hours_available = 100.0;
        let mut os = offenders(1);
        os[0].needs.0 = [0; Need::COUNT];
        os[0].needs.0[Need::Drugs as usize] = s.services.statutory_eligibility - 1;
        let refused = refer(
            &mut os[0],
            &mut m,
            &system,
            &s.services,
            8,
            false,
            Some(Need::Drugs),
        );
        assert_eq!(refused, Referral::Refused);
        os[0].needs.0[Need::Drugs as usize] = s.services.statutory_eligibility;
        let accepted = refer(
            &mut os[0],
            &mut m,
            &system,
            &s.services,
            8,
            false,
            Some(Need::Drugs),
        );
        assert_eq!(accepted, Referral::Accepted);
    }

    #[test]
    fn the_priority_rule_orders_the_waiting_list_ties_first_come() {
        let cases = |priority| {
            let mut s = one_drugs_place();
            s.services.priority = priority;
            let mut system = ServiceSystem::new(&s.services);
            let mut os = offenders(3);
            // Case 0 came first, case 1 is of the highest tier, case 2 has the most severe
            // need; cases 0 and 2 are of the lowest tier.
            for (o, (since, risk, severity)) in os.iter_mut().zip([
                (1, RiskTier::Low, 1),
                (2, RiskTier::VeryHigh, 1),
                (3, RiskTier::Low, 3),
            ]) {
                o.risk = risk;
                o.needs.0[Need::Drugs as usize] = severity;
                waiting(o, Need::Drugs, since);
            }
            services_week(&mut os, &mut system, &s, 6);
            os.iter()
                .position(|o| o.supervision.service.in_treatment().is_some())
        };
        assert_eq!(cases(ServicePriority::FirstCome), Some(0));
        assert_eq!(cases(ServicePriority::HighestRisk), Some(1));
        assert_eq!(
            cases(ServicePriority::LowestRisk),
            Some(0),
            "a tie: first come"
        );
        assert_eq!(cases(ServicePriority::MostSevereNeed), Some(2));
        assert_eq!(cases(ServicePriority::NearestRelease), Some(0));
    }

    #[test]
    fn nearest_release_holds_a_place_for_a_case_in_custody_from_its_release() {
        let mut s = one_drugs_place();
        s.services.priority = ServicePriority::NearestRelease;
        let mut system = ServiceSystem::new(&s.services);
        let mut os = offenders(2);
        waiting(&mut os[0], Need::Drugs, 1);
        let prisoner = &mut os[1];
        prisoner.journey.stage = Stage::Custody;
        prisoner.journey.disposal = Disposal::Custody;
        prisoner.journey.outcome = None;
        prisoner.journey.release_due = 10;
        waiting(prisoner, Need::Drugs, 4);
        let counts = services_week(&mut os, &mut system, &s, 6);
        assert_eq!(counts.starts, 1);
        let weeks = s.services.providers.drugs.weeks as i32;
        assert_eq!(
            os[1].supervision.service,
            ServiceState::Attending {
                need: Need::Drugs,
                until: 10 + weeks
            }
        );
        // Held, not dropped, while the case is still inside.
        let counts = services_week(&mut os, &mut system, &s, 7);
        assert_eq!((counts.dropouts, counts.attending), (0, 1));
        assert!(os[1].supervision.service.in_treatment().is_some());
    }
}
