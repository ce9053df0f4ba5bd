//! The `[services]` and `[costs]` sections: the providers case managers broker to (DOMICE
//! 2011b: services "often do not exist or are prioritised for other user groups") and the unit
//! costs.

use serde::{Deserialize, Serialize};

use crate::scenario::table::{Choice, Params};
use crate::scenario::{MAX_CASES, MAX_SEVERITY, MAX_UNIT_COST, MAX_WEEKS, PerNeed};

/// Services for criminogenic needs: one provider per need type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Services {
    /// How offenders reach providers' places.
    #[param(
        default = Access::Open,
        label = "access to services",
        source = "DOMICE 2011b: services \"often do not exist or are prioritised for other user \
                  groups\"; protocols exist only in \"some jurisdictions\""
    )]
    pub access: Access,
    /// Multiplies every provider's places (0.25 = a quarter of the places).
    #[param(
        default = 1.0,
        unit = "multiplier of places",
        min = 0,
        max = 10_000,
        label = "service places",
        source = "a lever: 1 is the providers' places below; scenarios/service_scarcity.toml \
                  sweeps it"
    )]
    pub capacity_scale: f64,
    /// `open` access: share of a provider's places offenders can reach, competing with the
    /// public.
    #[param(
        default = 0.3,
        unit = "share of places",
        min = 0,
        max = 1,
        label = "places offenders reach under open access",
        source = "assumption: no figures exist for the share of places offenders reach; \
                  services are \"often ... prioritised for other user groups\" (DOMICE 2011b)"
    )]
    pub open_share: f64,
    /// `open` access: probability a provider accepts a referral.
    #[param(
        default = 0.75,
        unit = "probability",
        min = 0,
        max = 1,
        label = "referrals accepted under open access",
        source = "assumption"
    )]
    pub open_acceptance: f64,
    /// `protocol` access: share of a provider's places reserved for offenders.
    #[param(
        default = 0.8,
        unit = "share of places",
        min = 0,
        max = 1,
        label = "places reserved under a protocol",
        source = "assumption"
    )]
    pub protocol_share: f64,
    /// Weeks on a waiting list after which the case manager stops waiting and, if
    /// `substitute`, works on the need personally.
    #[param(
        default = 12,
        unit = "weeks",
        max = MAX_WEEKS,
        label = "longest wait for a service",
        source = "assumption"
    )]
    pub max_wait_weeks: u32,
    /// Whether the case manager substitutes own work for a service that does not come.
    #[param(
        default = true,
        label = "case manager stands in for a missing service",
        source = "DOMICE 2011b: case managers are \"left trying to provide an equivalent service \
                  themselves\""
    )]
    pub substitute: bool,
    /// Own work on a substituted need achieves this share of a kept appointment's own work on
    /// it ("does less").
    #[param(
        default = 0.25,
        unit = "share",
        min = 0,
        max = 100,
        label = "effect of standing in",
        source = "assumption"
    )]
    pub substitute_effect: f64,
    /// Extra hours per contact while substituting for a service.
    #[param(
        default = 0.5,
        unit = "hours per contact",
        min = 0,
        max = 100,
        label = "hours of standing in",
        source = "assumption"
    )]
    pub substitute_hours: f64,
    /// Hours to make a referral (linking).
    #[param(
        default = 1.0,
        unit = "hours",
        min = 0,
        max = 100,
        label = "hours of a referral",
        source = "assumption"
    )]
    pub referral_hours: f64,
    /// Hours to advocate for a refused referral.
    #[param(
        default = 1.0,
        unit = "hours",
        min = 0,
        max = 100,
        label = "hours of advocacy",
        source = "assumption"
    )]
    pub advocacy_hours: f64,
    /// Probability that advocacy overturns a refusal.
    #[param(
        default = 0.4,
        unit = "probability",
        min = 0,
        max = 1,
        label = "refusals overturned by advocacy",
        source = "assumption"
    )]
    pub advocacy_success: f64,
    /// Probability that a person takes up a place when it comes, at motivation 0.5 and no
    /// working relationship.
    #[param(
        default = 0.6,
        unit = "probability",
        min = 0,
        max = 1,
        label = "places taken up",
        source = "calibration of the MoJ's figure that 60% of accredited programmes imposed on \
                  community orders and licences ending 2021-2025 commenced (Ministry of Justice \
                  2025, accredited programme commencements)"
    )]
    pub uptake: f64,
    /// Change in the log-odds of taking up a place per unit of motivation (centred on 0.5).
    #[param(
        default = 2.0,
        unit = "log-odds per unit",
        min = -20,
        max = 20,
        label = "effect of motivation on take-up",
        source = "assumption"
    )]
    pub uptake_motivation_effect: f64,
    /// Change in the log-odds of taking up a place, and of completing it, at a full working
    /// relationship.
    #[param(
        default = 1.0,
        unit = "log-odds",
        min = -20,
        max = 20,
        label = "effect of the relationship on take-up and completion",
        source = "assumption: the working relationship works through engagement (Kennealy et al. \
                  2012); with one officer throughout, completion was 58% more likely (Clark-Miller \
                  & Stevens 2011)"
    )]
    pub relationship_effect: f64,
    /// Change in the log-odds of completing a service per unit of motivation (centred on 0.5).
    #[param(
        default = 2.0,
        unit = "log-odds per unit",
        min = -20,
        max = 20,
        label = "effect of motivation on completing a service",
        source = "assumption"
    )]
    pub motivation_effect: f64,
    /// One provider per need: places, treatment length, completion, cost.
    #[param(
        section,
        default = PerNeed::new(
            Provider::new(120, 12, 0.45, 60.0).meeting(1, 4.0).in_groups(),
            Provider::new(80, 12, 0.5, 50.0).meeting(1, 3.0).in_groups(),
            Provider::new(60, 16, 0.55, 80.0).meeting(2, 1.5),
            Provider::new(80, 8, 0.7, 120.0).meeting(2, 2.0),
            Provider::new(100, 12, 0.5, 40.0).meeting(1, 4.0),
            Provider::new(40, 10, 0.6, 50.0).meeting(1, 1.5),
            Provider::new(100, 20, 0.6, 45.0).meeting(1, 5.0).in_groups(),
        ),
        label = "service",
        source = "places are sized for the baseline unit (about 2,500 cases): assumptions, since \
                  no figures for places available to probation exist. Lengths are of the order \
                  of the programmes (about 12 weeks of structured drug treatment; accredited \
                  thinking-skills programmes run about 19 sessions). Completion of drug \
                  treatment 0.45: over half of those starting it drop out (National Treatment \
                  Agency 2012); the other completions and every cost are assumptions of the \
                  order of community treatment. Effects (levels of need met): drug treatment one \
                  (completers' hazard about 0.78 of others', Duwe 2010, with the needs effect \
                  of 0.28 a level), thinking skills one (about six points less reconviction, \
                  Sadlier 2010), alcohol one (no significant effect in an evaluation of alcohol \
                  treatment requirements, McSweeney 2015), the others assumptions. Hours a week \
                  and group delivery: accredited programmes and structured drug and alcohol \
                  treatment meet in groups; assumptions of the order of their timetables"
    )]
    pub providers: PerNeed<Provider>,
}

/// One provider: places, treatment length, completion.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Places (people in treatment at once) before `capacity_scale` and access.
    #[param(unit = "places", max = MAX_CASES, label = "places")]
    pub places: u32,
    /// Weeks of treatment to complete.
    #[param(unit = "weeks", min = 1, max = MAX_WEEKS, label = "weeks of treatment")]
    pub weeks: u32,
    /// Probability of completing, at motivation 0.5.
    #[param(unit = "probability", min = 0, max = 1, label = "completion")]
    pub completion: f64,
    /// Cost of a place for a week, in cost units.
    #[param(unit = "£ a place-week", min = 0, max = MAX_UNIT_COST, label = "cost of a place")]
    pub cost_per_week: f64,
    /// Levels of severity a completed course takes off the need it treats.
    #[param(unit = "levels", min = 0, max = MAX_SEVERITY, label = "need met by completing")]
    pub severity_reduction: u8,
    /// Hours a week of the person's time the service takes.
    #[param(unit = "hours a week", min = 0, max = 168, label = "hours a week")]
    pub hours_per_week: f64,
    /// Whether the service is delivered in groups (its participants meet each other).
    #[param(label = "delivered in groups")]
    pub group: bool,
}

impl Provider {
    /// A provider with its places, length, completion and cost, meeting two levels of need
    /// in two hours a week of one-to-one work; see [`Provider::meeting`] and
    /// [`Provider::in_groups`].
    pub const fn new(places: u32, weeks: u32, completion: f64, cost_per_week: f64) -> Self {
        Provider {
            places,
            weeks,
            completion,
            cost_per_week,
            severity_reduction: 2,
            hours_per_week: 2.0,
            group: false,
        }
    }

    /// The same, meeting `levels` of need in `hours` a week.
    pub const fn meeting(mut self, levels: u8, hours: f64) -> Self {
        self.severity_reduction = levels;
        self.hours_per_week = hours;
        self
    }

    /// The same, delivered in groups.
    pub const fn in_groups(mut self) -> Self {
        self.group = true;
        self
    }
}

/// Access to services (DOMICE 2011b).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Choice)]
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

/// Unit costs for the `cost` measure. Cost a week = (hours delivered + chairs' hours) ·
/// `staff_hour` + places in use · their `cost_per_week` + allocated orders and licences · their
/// mode's `cost_per_week` + people in custody that week · `custody_week`. Volunteers' hours
/// are not costed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Costs {
    /// Cost of an hour of case managers' (and chairs') time.
    #[param(
        default = 35.0,
        unit = "£ an hour",
        min = 0,
        max = MAX_UNIT_COST,
        label = "cost of a staff hour",
        source = "assumption: a probation officer's salary with on-costs over working hours, \
                  about £35 an hour"
    )]
    pub staff_hour: f64,
    /// Cost of a week in custody, charged for every simulated week anyone spends there.
    #[param(
        default = 900.0,
        unit = "£ a week",
        min = 0,
        max = MAX_UNIT_COST,
        label = "cost of a week in custody",
        source = "of the order of the Ministry of Justice's published cost per prison place \
                  (about £45,000-50,000 a year in 2022-23; Ministry of Justice 2024), to the \
                  nearest £50 a week"
    )]
    pub custody_week: f64,
}
