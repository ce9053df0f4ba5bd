//! The `[services]` and `[costs]` sections: the providers case managers broker to (seed 002:
//! services "often do not exist or are prioritised for other user groups") and the unit costs.

use serde::{Deserialize, Serialize};

use crate::scenario::PerNeed;

/// Services for criminogenic needs: one provider per need type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Services {
    /// How offenders reach providers' places.
    pub access: Access,
    /// Multiplies every provider's places (0.25 = a quarter of the places).
    pub capacity_scale: f64,
    /// `open` access: share of a provider's places offenders can reach, competing with the
    /// public.
    pub open_share: f64,
    /// `open` access: probability a provider accepts a referral.
    pub open_acceptance: f64,
    /// `protocol` access: share of a provider's places reserved for offenders.
    pub protocol_share: f64,
    /// Weeks on a waiting list after which the case manager stops waiting and, if
    /// `substitute`, works on the need personally.
    pub max_wait_weeks: u32,
    /// Whether the case manager substitutes own work for a service that does not come (seed
    /// 002: "left trying to provide an equivalent service themselves").
    pub substitute: bool,
    /// Own work on a substituted need achieves this share of a kept appointment's own work on
    /// it ("does less").
    pub substitute_effect: f64,
    /// Extra hours per contact while substituting for a service.
    pub substitute_hours: f64,
    /// Hours to make a referral (linking).
    pub referral_hours: f64,
    /// Hours to advocate for a refused referral.
    pub advocacy_hours: f64,
    /// Probability that advocacy overturns a refusal.
    pub advocacy_success: f64,
    /// Levels of severity a completed service takes off its need.
    pub severity_reduction: u8,
    /// Change in the log-odds of completing a service per unit of motivation (centred on 0.5).
    pub motivation_effect: f64,
    pub providers: PerNeed<Provider>,
}

/// One provider: places, treatment length, completion.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Places (people in treatment at once) before `capacity_scale` and access.
    pub places: u32,
    /// Weeks of treatment to complete.
    pub weeks: u32,
    /// Probability of completing, at motivation 0.5.
    pub completion: f64,
    /// Cost of a place for a week, in cost units.
    pub cost_per_week: f64,
}

/// Access to services (seed 002).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Offenders compete with the public: only `open_share` of places is reachable, and a
    /// provider may refuse a referral.
    Open,
    /// A protocol reserves `protocol_share` of places for offenders; referrals are accepted.
    Protocol,
    /// Providers must accept: every place is reachable, though waits are still possible when
    /// all are full.
    Statutory,
}

impl Services {
    /// Share of places reachable and probability of acceptance under the access in force.
    pub fn reach(&self) -> (f64, f64) {
        match self.access {
            Access::Open => (self.open_share, self.open_acceptance),
            Access::Protocol => (self.protocol_share, 1.0),
            Access::Statutory => (1.0, 1.0),
        }
    }
}

impl Default for Services {
    fn default() -> Self {
        let provider = |places, weeks, completion, cost_per_week| Provider {
            places,
            weeks,
            completion,
            cost_per_week,
        };
        Services {
            // Seed 002: services "often do not exist or are prioritised for other user
            // groups"; protocols exist only in "some jurisdictions". Open access by default.
            access: Access::Open,
            capacity_scale: 1.0,
            // Assumptions: no figures exist for the share of places offenders reach.
            open_share: 0.5,
            open_acceptance: 0.75,
            protocol_share: 0.8,
            max_wait_weeks: 12,
            substitute: true,
            substitute_effect: 0.5,
            substitute_hours: 0.5,
            referral_hours: 1.0,
            advocacy_hours: 1.0,
            advocacy_success: 0.4,
            severity_reduction: 2,
            motivation_effect: 2.0,
            // Places are sized for the baseline unit (about 2,500 cases): assumptions. Lengths
            // are of the order of the programmes (e.g. about 12 weeks of structured drug
            // treatment; accredited thinking-skills programmes run about 19 sessions).
            // Completion: NTA (2012) found over half of those starting drug treatment drop out,
            // so drugs 0.45; the others are assumptions. Costs a place-week: assumptions of
            // the order of community treatment costs.
            providers: PerNeed {
                drugs: provider(120, 12, 0.45, 60.0),
                alcohol: provider(80, 12, 0.5, 50.0),
                mental_health: provider(60, 16, 0.55, 80.0),
                accommodation: provider(80, 8, 0.7, 120.0),
                employment: provider(100, 12, 0.5, 40.0),
                family: provider(40, 10, 0.6, 50.0),
                thinking: provider(100, 20, 0.6, 45.0),
            },
        }
    }
}

/// Unit costs for the `cost` measure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Costs {
    /// Cost of an hour of case managers' (and chairs') time.
    pub staff_hour: f64,
    /// Cost of a week in custody, charged for every simulated week anyone spends there.
    pub custody_week: f64,
}

impl Default for Costs {
    fn default() -> Self {
        Costs {
            // Assumption: a probation officer's salary with on-costs over working hours, about
            // £35 an hour.
            staff_hour: 35.0,
            // Of the order of the Ministry of Justice's published cost per prison place (about
            // £45,000-50,000 a year in 2022-23), to the nearest £50 a week.
            custody_week: 900.0,
        }
    }
}
