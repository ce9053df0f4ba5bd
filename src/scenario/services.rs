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
    /// The share of a provider's places other users' demand leaves to offenders: other users
    /// (the public) arrive in a steady stream that on its own would keep `1 - open_share` of
    /// the places full (under `open` and `statutory` access; under a protocol they fill the
    /// places it does not reserve).
    #[param(
        default = 0.3,
        unit = "share of places",
        min = 0,
        max = 1,
        label = "places other users leave to offenders",
        source = "assumption: no figures exist for the share of places offenders reach; \
                  services are \"often ... prioritised for other user groups\" (DOMICE 2011b)"
    )]
    pub open_share: f64,
    /// `open` access: probability that a free place an offender would get goes to another
    /// user waiting that week instead (the provider ranks offenders below other users).
    #[param(
        default = 1.0,
        unit = "probability",
        min = 0,
        max = 1,
        label = "offenders passed over for other users",
        source = "DOMICE 2011b: services are \"prioritised for other user groups\"; 1 (always \
                  passed over while another user waits) is an assumption"
    )]
    pub open_deprioritisation: f64,
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
    /// `protocol` access: the agreed maximum wait. A referral that has waited this long is
    /// escalated: it is served ahead of the waiting list and may take a place outside the
    /// reserved share, ahead of other users.
    #[param(
        default = 6,
        unit = "weeks",
        min = 1,
        max = MAX_WEEKS,
        label = "agreed maximum wait under a protocol",
        source = "assumption: DOMICE 2011b names protocols \"designed to ensure that sentence \
                  plans can be implemented properly\" but gives no terms; half the longest wait \
                  a case manager accepts"
    )]
    pub protocol_max_wait_weeks: u32,
    /// `statutory` access: the provider's duty to assess a referral within this many weeks; a
    /// place can be offered only once it is assessed.
    #[param(
        default = 1,
        unit = "weeks",
        max = MAX_WEEKS,
        label = "weeks to assess under a statutory duty",
        source = "assumption: DOMICE 2011a names a \"mandatory or statutory duty to co-operate \
                  with the plan\" without its terms; a week to assess"
    )]
    pub statutory_assessment_weeks: u32,
    /// `statutory` access: the severity of the referred need at or above which the referral is
    /// eligible; the provider must accept an eligible referral and refuses the others
    /// (advocacy cannot overturn the rule).
    #[param(
        default = 2,
        unit = "level of need",
        min = 1,
        max = MAX_SEVERITY,
        label = "need eligible under a statutory duty",
        source = "assumption: a duty is owed to those whose need meets its threshold; moderate \
                  need and above"
    )]
    pub statutory_eligibility: u8,
    /// The order a provider's waiting list is served in (ties: first come, then the case's
    /// place in the caseload).
    #[param(
        default = ServicePriority::FirstCome,
        label = "order of the waiting list",
        source = "assumption: first come, first served; DOMICE 2011b finds \"only a minority\" \
                  set priorities in a structured way"
    )]
    pub priority: ServicePriority,
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

/// Access to services (DOMICE 2011a, 2011b). Every provider's places are shared with a steady
/// stream of other users; the access decides who gets a free place first and whether a
/// referral is accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Offenders compete with other users: the provider may refuse a referral
    /// (`open_acceptance`), and gives a free place to another user waiting that week before an
    /// offender (`open_deprioritisation`).
    Open,
    /// A protocol reserves `protocol_share` of places for offenders and accepts every
    /// referral; one that has waited `protocol_max_wait_weeks` is escalated: served first, and
    /// given a place outside the reserved share ahead of other users.
    Protocol,
    /// A statutory duty: the provider assesses a referral within `statutory_assessment_weeks`,
    /// accepts it if its need is at `statutory_eligibility` or above (and refuses it if not),
    /// and an accepted referral takes a free place ahead of other users.
    Statutory,
}

/// The order a provider's waiting list is served in; ties go to the earlier referral, then to
/// the case earlier in the caseload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "snake_case")]
pub enum ServicePriority {
    /// First come, first served: in order of referral.
    FirstCome,
    /// The highest risk tier first.
    HighestRisk,
    /// The lowest risk tier first.
    LowestRisk,
    /// The most severe referred need first.
    MostSevereNeed,
    /// Cases in custody first, the soonest released first; a place that comes to one is held
    /// for it from its release. Cases in the community after them.
    NearestRelease,
}

impl Services {
    /// Share of places contracted for offenders (the places a block contract pays for) and
    /// the probability a provider accepts a referral, under the access in force: `open` the
    /// share other users leave and `open_acceptance`; a protocol its reserved share; a
    /// statutory duty every place and (for an eligible referral) acceptance.
    pub fn reach(&self) -> (f64, f64) {
        match self.access {
            Access::Open => (self.open_share, self.open_acceptance),
            Access::Protocol => (self.protocol_share, 1.0),
            Access::Statutory => (1.0, 1.0),
        }
    }

    /// The share of a provider's places other users' steady demand would keep full on its
    /// own (under a protocol, the places it does not reserve).
    pub fn other_users_share(&self) -> f64 {
        match self.access {
            Access::Open | Access::Statutory => 1.0 - self.open_share,
            Access::Protocol => 1.0 - self.protocol_share,
        }
    }
}

/// Unit costs of the budget (the `cost` measure and its parts, docs/ODD.md "The budget"). Prices
/// of 2023-24 unless a key's source says otherwise. A week's cost is
///
/// - **posts**: every paid post held, present or absent, its grade's pay and on-costs for the
///   week (`qualified_salary` or `support_salary`, with `pension_rate` and employer National
///   Insurance at `ni_rate` above `ni_threshold`, over 52 weeks), in proportion to its hours
///   against `workforce.hours_per_week` (a posts file's part-time rows); a vacant post is
///   unpaid, and one covered by an agency worker costs its pay and `agency_premium` more;
/// - **recruitment**: `recruitment_per_leaver` for each post-holder who left that week;
/// - **volunteers**: each volunteer in post, `volunteer_coordination_hours` of a coordinator at
///   `staff_hour` and `volunteer_expenses`;
/// - **chairs**: the seniors' hours chairing team case conferences, at `staff_hour` (chairs are
///   not among the posts);
/// - **services**: places in use at their `cost_per_week` (`service_contract = "per_use"`), or
///   every place offenders can reach, used or not (`"block"`);
/// - **requirements**: allocated orders and licences at their mode's `cost_per_week`;
/// - **custody**: people in custody that week at `custody_week`.
///
/// Case managers' hours at ICM conferences in custody are inside their posts' pay; the prison's
/// own staff at the conferences are inside the cost of a prison place; other agencies' time
/// (health, housing, police, addictions) falls on their own budgets and is not counted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Costs {
    /// Cost of an hour of staff outside the case-manager posts: the seniors chairing team case
    /// conferences, and the coordinators of volunteers.
    #[param(
        default = 35.0,
        unit = "£ an hour",
        min = 0,
        max = MAX_UNIT_COST,
        label = "cost of a senior's hour",
        source = "a senior probation officer (band 5, £40,000-46,000 in the HMPPS pay table of \
                  publicsectorcalculators.co.uk, marked illustrative; mid-point £43,000) with the \
                  on-costs below, about £55,800 a year, over about 1,600 working hours (37 hours \
                  for about 43 weeks after leave, bank holidays and training: an assumption): \
                  about £35 an hour, 2023-24 prices"
    )]
    pub staff_hour: f64,
    /// Salary of a qualified officer's post (probation officer, band 4) for a year.
    #[param(
        default = 37_250.0,
        unit = "£ a year",
        min = 0,
        max = MAX_UNIT_COST,
        label = "salary of a qualified officer",
        source = "mid-point of the band 4 probation officer scale £35,130-39,379 in the HMPPS pay \
                  table of publicsectorcalculators.co.uk (marked illustrative; taken as 2023-24 \
                  prices, an assumption); the Probation Service's recruitment pages give \
                  £28,000-35,000 as the starting range"
    )]
    pub qualified_salary: f64,
    /// Salary of a support-grade post (probation services officer, band 3) for a year.
    #[param(
        default = 28_600.0,
        unit = "£ a year",
        min = 0,
        max = MAX_UNIT_COST,
        label = "salary of a support-grade officer",
        source = "mid-point of the band 3 probation services officer scale £26,474-30,724 in the \
                  same table (taken as 2023-24 prices); the Probation Service's recruitment pages \
                  give £24,000-26,500 as the starting range"
    )]
    pub support_salary: f64,
    /// Employer's pension contribution, as a share of salary.
    #[param(
        default = 0.19,
        unit = "share of salary",
        min = 0,
        max = 10,
        label = "employer's pension contribution",
        source = "assumption: probation staff are members of the Local Government Pension Scheme \
                  through the Greater Manchester Pension Fund (HMPPS staff-transfer guidance, \
                  2021); no published employer rate for the Probation Service was found, so a \
                  rate of the order of LGPS funds' (18.8% of pay in total at the Hampshire fund's \
                  2019 valuation, Aon 2020)"
    )]
    pub pension_rate: f64,
    /// Employer's National Insurance, as a share of salary above `ni_threshold`.
    #[param(
        default = 0.138,
        unit = "share of salary",
        min = 0,
        max = 1,
        label = "employer's National Insurance",
        source = "HMRC rates for 2023-24: employer (secondary Class 1) contributions 13.8% of \
                  earnings above the secondary threshold"
    )]
    pub ni_rate: f64,
    /// Salary a year below which no employer's National Insurance is due.
    #[param(
        default = 9_100.0,
        unit = "£ a year",
        min = 0,
        max = MAX_UNIT_COST,
        label = "National Insurance threshold",
        source = "HMRC rates for 2023-24: secondary threshold £175 a week, £9,100 a year"
    )]
    pub ni_threshold: f64,
    /// Under `workforce.vacancy_cover = "agency"`, what an agency worker costs above the pay
    /// and on-costs of the post they cover, as a share of them.
    #[param(
        default = 0.4,
        unit = "share of the post's cost",
        min = 0,
        max = 100,
        label = "agency premium",
        source = "assumption: agency charge rates for probation staff cover the worker's pay, the \
                  agency's on-costs and its margin; no published HMPPS figure was found"
    )]
    pub agency_premium: f64,
    /// Cost of recruiting a replacement, for each post-holder who leaves.
    #[param(
        default = 1_500.0,
        unit = "£ a leaver",
        min = 0,
        max = MAX_UNIT_COST,
        label = "cost of recruiting a replacement",
        source = "CIPD/Omni Resourcing and talent planning 2022: median cost of recruiting an \
                  employee other than a senior manager £1,500 (2022 prices). The new starter's \
                  lower skill and the vacancy are in the model, not in this cost"
    )]
    pub recruitment_per_leaver: f64,
    /// Hours of a paid coordinator's time a week for each volunteer in post (at `staff_hour`).
    #[param(
        default = 0.5,
        unit = "hours a week per volunteer",
        min = 0,
        max = 168,
        label = "coordination of a volunteer",
        source = "assumption: recruiting, vetting, training and supervising volunteers takes a \
                  coordinator about half an hour a week for each"
    )]
    pub volunteer_coordination_hours: f64,
    /// Expenses paid to each volunteer in post, a week (travel, subsistence).
    #[param(
        default = 5.0,
        unit = "£ a week per volunteer",
        min = 0,
        max = MAX_UNIT_COST,
        label = "a volunteer's expenses",
        source = "assumption: travel to about one meeting a week"
    )]
    pub volunteer_expenses: f64,
    /// How services' places are paid for.
    #[param(
        default = ServiceContract::PerUse,
        label = "payment for service places",
        source = "assumption: places paid as they are used (spot purchase); `block` pays for every \
                  place offenders can reach whether used or not"
    )]
    pub service_contract: ServiceContract,
    /// Cost of a week in custody, charged for every simulated week anyone spends there.
    #[param(
        default = 995.0,
        unit = "£ a week",
        min = 0,
        max = MAX_UNIT_COST,
        label = "cost of a week in custody",
        source = "Ministry of Justice, Costs per place and costs per prisoner by individual \
                  prison, HMPPS Annual Report and Accounts 2022-23 management information \
                  addendum (published 21 March 2024): overall cost per prisoner £51,724 a year \
                  in 2022-23, £995 a week (2022-23 prices)"
    )]
    pub custody_week: f64,
}

/// How services' places are paid for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "snake_case")]
pub enum ServiceContract {
    /// Each place-week in use is paid at the provider's `cost_per_week` (spot purchase).
    PerUse,
    /// Every place offenders can reach (after `capacity_scale` and access) is paid every week,
    /// used or not (a block contract).
    Block,
}

impl Costs {
    /// Pay and on-costs of a full-time post for a week at `salary` a year: salary, employer's
    /// pension and employer's National Insurance above the threshold, over 52 weeks.
    pub fn post_week(&self, salary: f64) -> f64 {
        let pension = salary * self.pension_rate;
        let national_insurance = (salary - self.ni_threshold).max(0.0) * self.ni_rate;
        (salary + pension + national_insurance) / 52.0
    }
}
