//! The scenario: every parameter of a simulation, read from TOML.
//!
//! Each section is a struct with `deny_unknown_fields` (a misspelt key is an error, never a
//! silent default) that derives [`table::Params`]: every field carries its declaration — default,
//! unit, valid range, plain-language label and source (an author-year citation, or
//! "assumption") — and that one declaration drives validation, `casesim check`,
//! `docs/parameters.md` and `scenarios/casesim.schema.json` (see [`table`]). Rules that relate
//! several keys are in `validate.rs`.

mod categories;
mod custody;
pub mod docs;
mod load;
mod modes;
pub mod schema;
mod services;
mod sweep;
pub mod table;
mod validate;

pub use categories::{MAX_SEVERITY, Mode, ModePolicy, Need, OffenceType, RiskTier};
pub use custody::{Agencies, Agency, Custody, Family, OffenceFactor, Preparation, Sentencing};
pub use load::{
    Override, ScenarioSource, line_of_key, load_scenario, parse_override, read_source,
    scenario_from_source,
};
pub use modes::{ModeSettings, Modes};
pub use services::{Access, Costs, Provider, Services};
pub use sweep::{Sweep, SweepPoint, Vary, parse_vary_args, sweep_points, value_text};
pub use table::Problem;
pub use validate::validate;

use std::ops::{Index, IndexMut};

use serde::{Deserialize, Serialize};

use table::{Choice, Params};

/// The shipped baseline scenario, compiled in: what reports compare settings with, and what
/// `casesim validate` checks.
pub const BASELINE_TOML: &str = include_str!("../../scenarios/baseline.toml");

/// Longest horizon accepted: 100 years of weeks. Week numbers are kept in 32 bits.
pub const MAX_WEEKS: u32 = 5_200;
/// Most case-manager posts, patches or volunteers accepted: far above a national service, low
/// enough that counters cannot overflow.
pub const MAX_POSTS: u32 = 1_000_000;
/// Most cases (initial caseload, or service places) accepted.
pub const MAX_CASES: u32 = 50_000_000;
/// Most any unit cost may be: with it every cost total stays a finite number.
pub const MAX_UNIT_COST: f64 = 1e7;

/// One value per risk tier.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerTier<T> {
    pub low: T,
    pub medium: T,
    pub high: T,
    pub very_high: T,
}

impl<T> PerTier<T> {
    pub const fn new(low: T, medium: T, high: T, very_high: T) -> Self {
        PerTier {
            low,
            medium,
            high,
            very_high,
        }
    }
}

impl<T: Copy> PerTier<T> {
    pub fn as_array(&self) -> [T; RiskTier::COUNT] {
        [self.low, self.medium, self.high, self.very_high]
    }
}

impl<T> Index<RiskTier> for PerTier<T> {
    type Output = T;
    fn index(&self, tier: RiskTier) -> &T {
        match tier {
            RiskTier::Low => &self.low,
            RiskTier::Medium => &self.medium,
            RiskTier::High => &self.high,
            RiskTier::VeryHigh => &self.very_high,
        }
    }
}

impl<T> IndexMut<RiskTier> for PerTier<T> {
    fn index_mut(&mut self, tier: RiskTier) -> &mut T {
        match tier {
            RiskTier::Low => &mut self.low,
            RiskTier::Medium => &mut self.medium,
            RiskTier::High => &mut self.high,
            RiskTier::VeryHigh => &mut self.very_high,
        }
    }
}

/// One value per criminogenic need.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerNeed<T> {
    pub drugs: T,
    pub alcohol: T,
    pub mental_health: T,
    pub accommodation: T,
    pub employment: T,
    pub family: T,
    pub thinking: T,
}

impl<T> PerNeed<T> {
    #[allow(clippy::too_many_arguments)]
    pub const fn new(
        drugs: T,
        alcohol: T,
        mental_health: T,
        accommodation: T,
        employment: T,
        family: T,
        thinking: T,
    ) -> Self {
        PerNeed {
            drugs,
            alcohol,
            mental_health,
            accommodation,
            employment,
            family,
            thinking,
        }
    }
}

impl<T: Copy> PerNeed<T> {
    pub fn as_array(&self) -> [T; Need::COUNT] {
        [
            self.drugs,
            self.alcohol,
            self.mental_health,
            self.accommodation,
            self.employment,
            self.family,
            self.thinking,
        ]
    }
}

impl<T> Index<Need> for PerNeed<T> {
    type Output = T;
    fn index(&self, need: Need) -> &T {
        match need {
            Need::Drugs => &self.drugs,
            Need::Alcohol => &self.alcohol,
            Need::MentalHealth => &self.mental_health,
            Need::Accommodation => &self.accommodation,
            Need::Employment => &self.employment,
            Need::Family => &self.family,
            Need::Thinking => &self.thinking,
        }
    }
}

/// A whole scenario. Sections may be omitted; every key has a default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
    /// Name of the scenario; the default output directory is `output/<name>/`.
    #[param(
        default = String::new(),
        label = "scenario name",
        source = "the scenario file's name without .toml when not given"
    )]
    pub name: String,
    /// What question the scenario answers, in a sentence or two.
    #[param(
        default = String::new(),
        label = "question the scenario answers",
        source = "written by the scenario's author"
    )]
    pub description: String,
    #[param(section)]
    pub simulation: Simulation,
    #[param(section)]
    pub population: Population,
    #[param(section)]
    pub workforce: Workforce,
    #[param(section)]
    pub organisation: Organisation,
    #[param(section)]
    pub modes: Modes,
    #[param(section)]
    pub supervision: Supervision,
    #[param(section)]
    pub relationship: Relationship,
    #[param(section)]
    pub compliance: Compliance,
    #[param(section)]
    pub enforcement: Enforcement,
    #[param(section)]
    pub needs: NeedDynamics,
    #[param(section)]
    pub reoffending: Reoffending,
    #[param(section)]
    pub reports: Reports,
    #[param(section)]
    pub team: TeamWork,
    #[param(section)]
    pub services: Services,
    #[param(section)]
    pub sentencing: Sentencing,
    #[param(section)]
    pub custody: Custody,
    #[param(section)]
    pub costs: Costs,
    /// Keys to run the scenario at several values of (`casesim sweep`); ignored by `run`.
    #[serde(skip_serializing_if = "Sweep::is_empty")]
    #[param(skip)]
    pub sweep: Sweep,
}

/// Pre-sentence reports: the court asks the service to assess the offender before sentence
/// (the pre-sentence stage of the journey, DOMICE 2011a). The report's interview is the
/// offender's first contact, and its assessment is the order's starting assessment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Reports {
    /// Share of new orders preceded by a pre-sentence report from the service.
    #[param(
        default = 0.5,
        unit = "share of new orders",
        min = 0,
        max = 1,
        label = "orders with a pre-sentence report",
        source = "assumption: about half of community orders follow a written report; the rest \
                  are sentenced on an oral report or none"
    )]
    pub share: f64,
    /// Weeks from the court's request to sentence.
    #[param(
        default = 3,
        unit = "weeks",
        min = 1,
        max = 52,
        label = "weeks to write a report",
        source = "NOMS 2007 (National Standards for the Management of Offenders): a \
                  standard delivery report within 15 working days"
    )]
    pub weeks: u32,
    /// Hours to prepare the report, interview included.
    #[param(
        default = 6.0,
        unit = "hours",
        min = 0,
        max = 100,
        label = "hours to write a report",
        source = "assumption: of the order of HMPPS workload-measurement times for a written \
                  report"
    )]
    pub hours: f64,
}

/// How a team (the `team` and `hybrid` approaches) works a case (DOMICE 2011a).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct TeamWork {
    /// Staff on a case's team, the lead included.
    #[param(
        default = 3,
        unit = "staff",
        min = 2,
        max = 4,
        label = "team size",
        source = "assumption: the case manager and two members from other disciplines"
    )]
    pub size: u32,
    /// Hours for each member's own assessment at the start, before the plan is agreed.
    #[param(
        default = 2.0,
        unit = "hours per member",
        min = 0,
        max = 100,
        label = "hours of each member's assessment",
        source = "assumption; DOMICE 2011a: \"an assessment is agreed, usually by drawing \
                  together separate assessments made from different professional perspectives\""
    )]
    pub member_assessment_hours: f64,
    /// Weeks between case conferences, which review the whole plan.
    #[param(
        default = 12,
        unit = "weeks",
        min = 1,
        max = MAX_WEEKS,
        label = "weeks between team case conferences",
        source = "assumption: quarterly; DOMICE 2011a: review \"by periodically reconvening a \
                  meeting of the team\""
    )]
    pub conference_interval_weeks: u32,
    /// Hours each member spends on a conference (preparation included).
    #[param(
        default = 1.5,
        unit = "hours per attending member",
        min = 0,
        max = 100,
        label = "hours of a member at a conference",
        source = "assumption"
    )]
    pub conference_hours: f64,
    /// Hours of the senior who chairs each conference (not a case manager's hours).
    #[param(
        default = 1.0,
        unit = "hours per conference",
        min = 0,
        max = 100,
        label = "hours of the chair at a conference",
        source = "assumption; DOMICE 2011a: the meeting is \"chaired by someone who has more \
                  authority than team members\""
    )]
    pub chair_hours: f64,
    /// Probability that a member attends a conference.
    #[param(
        default = 0.8,
        unit = "probability",
        min = 0,
        max = 1,
        label = "members attending a conference",
        source = "Jardine & Rigby 2010 (4.1): four-fifths of social workers said case \
                  conferences were always well attended, while other professionals attended \
                  \"far fewer\"; the social workers' figure, generous for other disciplines"
    )]
    pub conference_attendance: f64,
}

/// Horizon, measurement window, replications and seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Simulation {
    /// Weeks simulated in all, warm-up included.
    #[param(
        default = 312,
        unit = "weeks",
        min = 1,
        max = MAX_WEEKS,
        label = "weeks simulated",
        source = "assumption: six years, of which two are warm-up"
    )]
    pub weeks: u32,
    /// Weeks before measurement starts, so that caseloads, relationships and waiting lists reach
    /// a steady state. Outcomes are measured for orders ending, and cohorts starting, after it.
    #[param(
        default = 104,
        unit = "weeks",
        max = MAX_WEEKS,
        label = "warm-up weeks",
        source = "assumption: longer than the longest default order, so the initial caseload \
                  has turned over before measurement starts"
    )]
    pub warmup_weeks: u32,
    /// Independent replications (each with its own random stream).
    #[param(
        default = 20,
        unit = "replications",
        min = 1,
        max = 1_000_000,
        label = "replications",
        source = "assumption: enough for 95% CIs of a few tenths of a point on the headline \
                  rates at the baseline's size"
    )]
    pub replications: u32,
    /// Master seed; replication r uses streams derived from (seed, r).
    #[param(
        default = 20_261_124,
        unit = "seed",
        label = "random seed",
        source = "arbitrary"
    )]
    pub seed: u64,
    /// Follow-up period for proven reoffending, in weeks from the start of the order.
    #[param(
        default = 52,
        unit = "weeks",
        min = 1,
        max = MAX_WEEKS,
        label = "reoffending follow-up",
        source = "Ministry of Justice 2025 (proven reoffending statistics): one-year follow-up"
    )]
    pub follow_up_weeks: u32,
}

/// Who comes under supervision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Population {
    /// Orders already under way at week 0 (part-served, already assessed).
    #[param(
        default = 2_700,
        unit = "orders",
        max = MAX_CASES,
        label = "cases at the start",
        source = "assumption: a probation delivery unit of about 60 case managers; inflow times \
                  mean order length (about 55 weeks) gives about 2,750 orders in steady state"
    )]
    pub initial_cases: u32,
    /// Mean new orders per week (Poisson).
    #[param(
        default = 50.0,
        unit = "orders a week",
        min = 0,
        max = 1_000_000,
        label = "new cases a week",
        source = "assumption: a probation delivery unit"
    )]
    pub inflow_per_week: f64,
    /// Localities ("patches"); each offender lives in one and each case manager covers one.
    #[param(
        default = 3,
        unit = "patches",
        min = 1,
        label = "patches",
        source = "assumption"
    )]
    pub patches: u16,
    /// Shares of new cases in each risk tier (they must sum to 1).
    #[param(
        default = PerTier::new(0.30, 0.40, 0.22, 0.08),
        unit = "share of cases",
        min = 0,
        max = 1,
        label = "risk mix",
        source = "assumption: no published split of community caseloads by OGRS band was found"
    )]
    pub risk_mix: PerTier<f64>,
    /// Shares of principal offence types (they must sum to 1).
    #[param(
        section,
        label = "offence mix",
        source = "assumption, in the proportions of community-order starts by offence group \
                  that the Ministry of Justice's Offender Management Statistics report only \
                  roughly; offence type has no effect unless streaming is by offence"
    )]
    pub offence_mix: OffenceMix,
    #[param(section, label = "needs")]
    pub needs: NeedProfile,
    /// Readiness to change, drawn for each new case.
    #[param(
        section,
        default = BetaParams { mean: 0.5, concentration: 4.0 },
        label = "motivation",
        source = "assumption: mean motivation 0.5 with a wide spread"
    )]
    pub motivation: BetaParams,
    /// Support from family and friends, drawn for each new case.
    #[param(
        section,
        default = BetaParams { mean: 0.5, concentration: 4.0 },
        label = "family support",
        source = "assumption"
    )]
    pub family_support: BetaParams,
    /// Lengths of community orders.
    #[param(
        section,
        default = OrderLength { weeks: vec![26, 52, 78, 104], weights: vec![0.25, 0.50, 0.10, 0.15] },
        label = "order length",
        source = "community orders run up to three years (Criminal Justice Act 2003 s.177); the \
                  weights are an assumption centred on twelve months"
    )]
    pub order_length: OrderLength,
}

/// Shares of principal offence types (they must sum to 1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct OffenceMix {
    /// Share of cases whose principal offence is violent.
    #[param(default = 0.30, unit = "share", min = 0, max = 1, label = "violent")]
    pub violent: f64,
    /// Share of cases whose principal offence is sexual.
    #[param(default = 0.04, unit = "share", min = 0, max = 1, label = "sexual")]
    pub sexual: f64,
    /// Share of cases whose principal offence is acquisitive (theft, burglary, fraud).
    #[param(
        default = 0.25,
        unit = "share",
        min = 0,
        max = 1,
        label = "acquisitive"
    )]
    pub acquisitive: f64,
    /// Share of cases whose principal offence is a drug offence.
    #[param(default = 0.12, unit = "share", min = 0, max = 1, label = "drug")]
    pub drug: f64,
    /// Share of cases with any other principal offence.
    #[param(default = 0.29, unit = "share", min = 0, max = 1, label = "other")]
    pub other: f64,
}

impl OffenceMix {
    pub fn as_array(&self) -> [f64; OffenceType::COUNT] {
        [
            self.violent,
            self.sexual,
            self.acquisitive,
            self.drug,
            self.other,
        ]
    }
}

/// Criminogenic needs at the start of an order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct NeedProfile {
    /// Probability that a medium-risk offender has each need.
    #[param(
        default = PerNeed::new(0.35, 0.35, 0.30, 0.30, 0.50, 0.35, 0.60),
        unit = "probability",
        min = 0,
        max = 1,
        label = "prevalence",
        source = "assumption, of the order of the OASys need prevalences reported for community \
                  caseloads (thinking and behaviour and employment most common, drugs and \
                  alcohol in about a third)"
    )]
    pub prevalence: PerNeed<f64>,
    /// Multiplier of prevalence by tier (capped at 0.95): higher risk, more needs.
    #[param(
        default = PerTier::new(0.5, 1.0, 1.3, 1.5),
        unit = "multiplier of prevalence",
        min = 0,
        max = 1000,
        label = "prevalence by risk",
        source = "assumption"
    )]
    pub risk_gradient: PerTier<f64>,
    /// Severity of a need that is present.
    #[param(section, label = "severity", source = "assumption")]
    pub severity_mix: SeverityMix,
}

/// Shares of mild, moderate and severe among needs present (they must sum to 1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct SeverityMix {
    /// Share of needs present that are mild.
    #[param(default = 0.4, unit = "share", min = 0, max = 1, label = "mild")]
    pub mild: f64,
    /// Share of needs present that are moderate.
    #[param(default = 0.4, unit = "share", min = 0, max = 1, label = "moderate")]
    pub moderate: f64,
    /// Share of needs present that are severe.
    #[param(default = 0.2, unit = "share", min = 0, max = 1, label = "severe")]
    pub severe: f64,
}

/// A beta distribution on 0..1 given by its mean and concentration (alpha + beta).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct BetaParams {
    /// The mean of the distribution.
    #[param(unit = "0 to 1", above = 0, below = 1, label = "mean")]
    pub mean: f64,
    /// Alpha plus beta: the higher, the less spread about the mean.
    #[param(unit = "alpha + beta", above = 0, max = 1e6, label = "concentration")]
    pub concentration: f64,
}

/// Lengths in weeks and their relative weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct OrderLength {
    /// The lengths, in weeks.
    #[param(unit = "weeks", min = 1, max = MAX_WEEKS, label = "lengths")]
    pub weeks: Vec<u16>,
    /// The relative weight of each length (one per length, not all zero).
    #[param(unit = "relative weight", min = 0, max = 1e9, label = "weights")]
    pub weights: Vec<f64>,
}

/// Case managers: how many, their hours and caseload cap, absence and turnover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Workforce {
    /// Case-manager posts, spread evenly over the patches.
    #[param(
        default = 60,
        unit = "posts",
        max = MAX_POSTS,
        label = "case managers",
        source = "assumption: 60 posts for about 2,750 orders, 46 each, against a cap of 50: \
                  near the caseloads of 40-50 commonly reported for probation officers in \
                  England & Wales and inside the 12-200 range of the DOMICE survey (DOMICE 2011b)"
    )]
    pub case_managers: u32,
    /// Most cases one case manager may hold; further cases wait unallocated.
    #[param(
        default = 50,
        unit = "cases",
        min = 1,
        max = 1_000_000,
        label = "caseload cap",
        source = "assumption, inside the 12-200 range the DOMICE survey reports (DOMICE 2011b) \
                  and at the 50 above which HM Inspectorate of Probation (2021) found the \
                  quality of supervision falls"
    )]
    pub caseload_cap: u32,
    /// Hours a week each case manager has for casework (after training, meetings, admin).
    #[param(
        default = 30.0,
        unit = "hours a week",
        min = 0,
        max = 168,
        why = "there are 168 hours in a week",
        label = "casework hours a week",
        source = "assumption: a 37-hour week less about a fifth for training, supervision and \
                  organisational tasks"
    )]
    pub hours_per_week: f64,
    /// Long-run share of weeks a case manager is absent (sickness, leave beyond cover).
    #[param(
        default = 0.05,
        unit = "share of weeks",
        min = 0,
        below = 1,
        why = "a case manager who is never present holds no cases",
        label = "absence",
        source = "assumption: about 12 working days lost a year, the order of magnitude of \
                  HMPPS staff sickness absence statistics"
    )]
    pub absence_rate: f64,
    /// Mean length of an absence spell, in weeks.
    #[param(
        default = 2.0,
        unit = "weeks",
        min = 1,
        max = MAX_WEEKS,
        label = "length of an absence",
        source = "assumption"
    )]
    pub absence_mean_weeks: f64,
    /// Share of case managers leaving in a year.
    #[param(
        default = 0.12,
        unit = "share a year",
        min = 0,
        max = 1,
        label = "staff turnover",
        source = "assumption: about 12% a year, the order of the leaving rates for probation \
                  officers in HMPPS workforce statistics"
    )]
    pub turnover_rate: f64,
    /// Weeks a post stays vacant after a leaver before the replacement starts.
    #[param(
        default = 13,
        unit = "weeks",
        max = MAX_WEEKS,
        label = "weeks a post stays vacant",
        source = "assumption: three months to recruit and start a replacement"
    )]
    pub vacancy_weeks: u32,
    /// Share of case-manager posts at the higher grade (qualified officers); the rest are
    /// assistants, who hold only cases below `qualified_from_tier`. 1: one grade.
    #[param(
        default = 1.0,
        unit = "share of posts",
        min = 0,
        max = 1,
        label = "qualified officers' share of posts",
        source = "one grade by default; DOMICE 2011b: \"some places have two grades of case \
                  manager where the most highly trained and paid are assigned the more complex \
                  cases\""
    )]
    pub qualified_share: f64,
    /// The lowest risk tier that only a qualified case manager may hold.
    #[param(
        default = RiskTier::High,
        label = "lowest tier only qualified officers hold",
        source = "assumption, after practice in England & Wales, where probation officers hold \
                  high and very high risk cases and probation services officers the rest"
    )]
    pub qualified_from_tier: RiskTier,
    /// Volunteer posts, each holding a few low-risk cases. They take low-risk cases first.
    #[param(
        default = 0,
        unit = "posts",
        max = MAX_POSTS,
        label = "volunteers",
        source = "none by default; DOMICE 2011b: \"in Austria, Baden-Württemberg and Poland, \
                  volunteers are responsible for some lower risk cases\""
    )]
    pub volunteers: u32,
    /// Hours a week each volunteer gives.
    #[param(
        default = 4.0,
        unit = "hours a week",
        min = 0,
        max = 168,
        why = "there are 168 hours in a week",
        label = "volunteer hours a week",
        source = "assumption: about half a day a week"
    )]
    pub volunteer_hours_per_week: f64,
    /// Most cases a volunteer may hold.
    #[param(
        default = 3,
        unit = "cases",
        min = 1,
        max = 1_000_000,
        label = "volunteer caseload cap",
        source = "assumption: a handful of low-risk cases"
    )]
    pub volunteer_caseload_cap: u32,
}

/// How case management is organised (DOMICE 2011a). Streaming divides staff posts by the work
/// expected, estimated from a fixed sample of the population before the run: each function
/// (report writing, supervision) and each specialist type first gets enough posts to hold its
/// expected cases under the cap with 10% to spare (an assumption), then the remaining posts in
/// proportion to its expected hours. Under `generic` all posts do everything in their patch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Organisation {
    /// Who holds responsibility for a case.
    #[param(
        default = Approach::Individual,
        label = "approach",
        source = "DOMICE 2011a: responsibility with a named case manager, with a team unique to \
                  the offender, or a team in which one member \"drives the plan\"; the individual \
                  approach is \"prevalent in non-custodial settings\""
    )]
    pub approach: Approach,
    /// How the caseload is divided among staff.
    #[param(
        default = Streaming::Generic,
        label = "streaming",
        source = "DOMICE 2011a: patch work against task specialisation (\"vertical \
                  segmentation\") against type specialisation by risk, offence or problem"
    )]
    pub streaming: Streaming,
    /// How a case manager cuts work when demand exceeds hours.
    #[param(
        default = Prioritisation::Discretionary,
        label = "prioritisation",
        source = "DOMICE 2011b: \"only a minority provide a consistent, structured way of \
                  setting priorities. In most places managing the demand is left to the \
                  discretion of the individual case manager\""
    )]
    pub prioritisation: Prioritisation,
    /// Under `discretionary` prioritisation, how unevenly each case manager cuts contact across
    /// risk tiers: the standard deviation of the log of each manager's personal weight for each
    /// tier. 0: every case's contact is equally likely to go.
    #[param(
        default = 0.5,
        unit = "sd of log weights",
        min = 0,
        max = 5,
        label = "unevenness of discretion",
        source = "assumption: DOMICE 2011b says discretion is the norm but not how uneven it is; \
                  0.5 gives one manager's weight for a tier about 1.6 times another's"
    )]
    pub discretion_spread: f64,
    /// Individual approach: case managers in a cover group, who deliver an absent colleague's
    /// contacts from their spare hours and take a leaver's cases first. 1: no cover.
    #[param(
        default = 1,
        unit = "posts",
        min = 1,
        max = MAX_POSTS,
        label = "cover group size",
        source = "no cover by default; DOMICE 2011a: \"sometimes\" a small group works together \
                  \"to provide continuity and cover for one another in the event of absence\""
    )]
    pub cover_group_size: u32,
    /// Type streaming (`risk`, `offence`, `need`): how much more a specialist's work on a need
    /// achieves with a case of their own type, as a multiplier on `needs.work_per_contact`.
    #[param(
        default = 1.0,
        unit = "multiplier",
        above = 0,
        max = 10,
        label = "specialist's advantage",
        source = "assumption: no study gives the size of a specialist's advantage; none by \
                  default (the generic_vs_specialised scenario sets one and says so)"
    )]
    pub specialist_effect: f64,
}

/// Who holds responsibility for a case (DOMICE 2011a).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "snake_case")]
pub enum Approach {
    /// One named case manager (optionally in a cover group).
    Individual,
    /// A team unique to the offender: members' own assessments, tasks shared among them,
    /// progress reviewed at case conferences chaired by a senior.
    Team,
    /// A team in which one member "drives the plan": day-to-day contact and support.
    Hybrid,
}

/// How the caseload is divided among staff (DOMICE 2011a).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "snake_case")]
pub enum Streaming {
    /// Locality ("patch") work: one case manager from the case's patch at every stage.
    Generic,
    /// Vertical segmentation: report writers and supervising case managers are different
    /// staff, so a case changes hands at sentence (and at each later stage change).
    Task,
    /// Type specialisation by risk tier: supervising case managers hold one tier only.
    Risk,
    /// Type specialisation by offence type.
    Offence,
    /// Type specialisation by the most severe criminogenic need; a case moves to another
    /// specialist when a review finds its most severe need has changed.
    Need,
}

impl Streaming {
    /// Number of case types under a streaming (1 when staff do not specialise by type).
    pub fn type_count(self) -> usize {
        match self {
            Streaming::Generic | Streaming::Task => 1,
            Streaming::Risk => RiskTier::COUNT,
            Streaming::Offence => OffenceType::COUNT,
            // Each need, and cases with none.
            Streaming::Need => Need::COUNT + 1,
        }
    }

    /// Whether supervising staff specialise in a type of case.
    pub fn by_type(self) -> bool {
        matches!(self, Streaming::Risk | Streaming::Offence | Streaming::Need)
    }
}

/// How a case manager cuts work when demand exceeds hours (DOMICE 2011b).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "snake_case")]
pub enum Prioritisation {
    /// A published rule: contact for the lowest-risk cases is cut first.
    Structured,
    /// Each case manager cuts as they see fit: every case's contact is equally likely to go.
    Discretionary,
}

/// The work each case generates besides contacts and referrals (which the mode and the
/// services set): the core functions assess, plan, review and enforce as hours.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Supervision {
    /// Hours for the assessment at the start of the case.
    #[param(
        default = 4.0,
        unit = "hours",
        min = 0,
        max = 100,
        label = "hours of an assessment",
        source = "assumption: of the order of the per-task times in HMPPS workload measurement"
    )]
    pub assessment_hours: f64,
    /// Hours to draw up the sentence plan after assessment.
    #[param(
        default = 2.0,
        unit = "hours",
        min = 0,
        max = 100,
        label = "hours to draw up a plan",
        source = "assumption: of the order of the per-task times in HMPPS workload measurement"
    )]
    pub planning_hours: f64,
    /// Weeks between reviews of the plan.
    #[param(
        default = 16,
        unit = "weeks",
        min = 1,
        max = MAX_WEEKS,
        label = "weeks between reviews",
        source = "assumption"
    )]
    pub review_interval_weeks: u32,
    /// Hours of a review of the plan.
    #[param(
        default = 1.5,
        unit = "hours",
        min = 0,
        max = 100,
        label = "hours of a review",
        source = "assumption"
    )]
    pub review_hours: f64,
    /// Paperwork for a formal warning.
    #[param(
        default = 0.5,
        unit = "hours",
        min = 0,
        max = 100,
        label = "hours of a warning",
        source = "assumption"
    )]
    pub warning_hours: f64,
    /// Paperwork and court time for breach proceedings.
    #[param(
        default = 3.0,
        unit = "hours",
        min = 0,
        max = 100,
        label = "hours of breach proceedings",
        source = "assumption: paperwork and court"
    )]
    pub breach_hours: f64,
}

/// The working relationship between offender and case manager.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Relationship {
    /// Share of the remaining distance to 1 gained at each attended contact.
    #[param(
        default = 0.15,
        unit = "share of the distance to 1",
        min = 0,
        max = 1,
        label = "relationship built by a kept appointment",
        source = "assumption: about ten attended contacts to build a good relationship"
    )]
    pub growth_per_contact: f64,
    /// Share lost each week without an attended contact.
    #[param(
        default = 0.02,
        unit = "share a week",
        min = 0,
        max = 1,
        label = "relationship lost a week without contact",
        source = "assumption"
    )]
    pub weekly_decay: f64,
    /// Share kept when the responsible case manager changes (a handoff).
    #[param(
        default = 0.3,
        unit = "share",
        min = 0,
        max = 1,
        label = "relationship kept at a handoff",
        source = "assumption: no study gives the effect of a change of officer; the \
                  continuity-of-care scenarios show how much it matters"
    )]
    pub retained_on_handoff: f64,
}

/// Keeping appointments and other requirements of the order. The attendance defaults are
/// assumptions set so that the baseline's completion rate is near the 70-74% of community
/// sentences completed in England & Wales 2018-2023 (UK Parliament 2023).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Compliance {
    /// Probability of keeping an appointment at motivation 0.5, no relationship, no chaotic needs.
    #[param(
        default = 0.92,
        unit = "probability",
        min = 0,
        max = 1,
        label = "appointments kept",
        source = "calibration: set so that the baseline's completion and breach rates are near \
                  the published ones (UK Parliament 2023)"
    )]
    pub base_attendance: f64,
    /// Change in log-odds of attendance per unit of motivation (centred on 0.5).
    #[param(
        default = 2.0,
        unit = "log-odds per unit",
        min = -20,
        max = 20,
        label = "effect of motivation on attendance",
        source = "assumption"
    )]
    pub motivation_effect: f64,
    /// Change in log-odds of attendance at a full relationship.
    #[param(
        default = 1.0,
        unit = "log-odds",
        min = -20,
        max = 20,
        label = "effect of the relationship on attendance",
        source = "assumption"
    )]
    pub relationship_effect: f64,
    /// Change in log-odds of attendance per point of chaotic-need severity.
    #[param(
        default = 0.15,
        unit = "log-odds per point",
        min = -20,
        max = 20,
        label = "effect of chaotic needs on attendance",
        source = "assumption"
    )]
    pub chaotic_needs_effect: f64,
    /// Share of missed appointments with an acceptable reason (no enforcement).
    #[param(
        default = 0.5,
        unit = "share",
        min = 0,
        max = 1,
        label = "missed appointments excused",
        source = "assumption"
    )]
    pub acceptable_absence_share: f64,
    /// Weekly probability of a violation other than a missed appointment.
    #[param(
        default = 0.01,
        unit = "probability a week",
        min = 0,
        max = 1,
        label = "other violations a week",
        source = "assumption"
    )]
    pub violation_rate_per_week: f64,
    /// Probability such a violation is detected in a week without an attended contact (times
    /// the mode's `monitoring`).
    #[param(
        default = 0.1,
        unit = "probability",
        min = 0,
        max = 1,
        label = "violations detected without contact",
        source = "assumption"
    )]
    pub detection_unsupervised: f64,
    /// Probability it is detected in a week with an attended contact (times the mode's
    /// `monitoring`).
    #[param(
        default = 0.4,
        unit = "probability",
        min = 0,
        max = 1,
        label = "violations detected at a contact",
        source = "assumption"
    )]
    pub detection_with_contact: f64,
}

/// Enforcement of the order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Enforcement {
    /// What follows the warnings.
    #[param(
        default = EnforcementPolicy::Strict,
        label = "enforcement",
        source = "strict is the statutory default in England & Wales (Criminal Justice Act 2003, \
                  Schedule 8); Healey 1999: graduated sanctions"
    )]
    pub policy: EnforcementPolicy,
    /// Formal warnings allowed within the warning period before breach action.
    #[param(
        default = 1,
        unit = "warnings",
        max = 100,
        label = "warnings before breach",
        source = "Criminal Justice Act 2003, Schedule 8: one warning within twelve months, then \
                  the responsible officer must start breach proceedings"
    )]
    pub warnings_before_breach: u8,
    /// Weeks a warning stays live.
    #[param(
        default = 52,
        unit = "weeks",
        min = 1,
        label = "weeks a warning stays live",
        source = "Criminal Justice Act 2003, Schedule 8: twelve months"
    )]
    pub warning_period_weeks: u32,
    /// Probability the court revokes the order at a breach (otherwise the order continues).
    #[param(
        default = 0.7,
        unit = "probability",
        min = 0,
        max = 1,
        label = "orders revoked at a breach",
        source = "assumption"
    )]
    pub breach_revocation_prob: f64,
    /// Probability the court revokes the order on a new proven offence during it.
    #[param(
        default = 0.4,
        unit = "probability",
        min = 0,
        max = 1,
        label = "orders revoked on a new conviction",
        source = "assumption"
    )]
    pub reconviction_revocation_prob: f64,
    /// `graduated`: sanctions, after the warnings, before breach proceedings: the first is
    /// increased reporting (weekly contact), the second and later add a curfew-like
    /// restriction.
    #[param(
        default = 2,
        unit = "sanctions",
        max = 100,
        label = "sanctions before breach",
        source = "Healey 1999 names more contact and restrictions; the number is an assumption"
    )]
    pub sanctions_before_breach: u8,
    /// `graduated`: weeks a sanction stays in force.
    #[param(
        default = 8,
        unit = "weeks",
        min = 1,
        max = MAX_WEEKS,
        label = "weeks a sanction lasts",
        source = "assumption: two months"
    )]
    pub sanction_weeks: u32,
    /// `graduated`: paperwork hours to impose a sanction.
    #[param(
        default = 1.0,
        unit = "hours",
        min = 0,
        max = 100,
        label = "hours to impose a sanction",
        source = "assumption"
    )]
    pub sanction_hours: f64,
    /// `graduated`: proportional cut in the reoffending hazard while a restriction is in force.
    #[param(
        default = 0.2,
        unit = "proportion of the hazard",
        min = 0,
        max = 1,
        label = "offending prevented by a restriction",
        source = "assumption"
    )]
    pub restriction_effect: f64,
    /// `graduated`: multiplier on the detection of violations while a restriction is in force.
    #[param(
        default = 2.0,
        unit = "multiplier",
        min = 0,
        max = 100,
        label = "detection under a restriction",
        source = "assumption"
    )]
    pub restriction_monitoring: f64,
}

/// Enforcement policy (Healey 1999).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "snake_case")]
pub enum EnforcementPolicy {
    /// Warnings, then breach proceedings.
    Strict,
    /// Warnings, then escalating sanctions (increased reporting, then a curfew-like
    /// restriction), then breach proceedings: to "maximize service participation while
    /// avoiding unnecessary incarceration".
    Graduated,
}

/// How needs change under supervision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct NeedDynamics {
    /// Probability that an attended contact's individual work lowers the most severe need by one
    /// level, for a fully motivated offender with a full relationship (scaled down by both, and
    /// times the mode's `own_work`).
    #[param(
        default = 0.15,
        unit = "probability",
        min = 0,
        max = 1,
        label = "needs work at a kept appointment",
        source = "assumption"
    )]
    pub work_per_contact: f64,
    /// Weekly probability that a chaotic need (drugs, alcohol, mental health, accommodation)
    /// present gets worse by one level.
    #[param(
        default = 0.01,
        unit = "probability a week",
        min = 0,
        max = 1,
        label = "relapse of a chaotic need a week",
        source = "assumption"
    )]
    pub relapse_per_week: f64,
}

/// The reoffending hazard and its detection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Reoffending {
    /// One-year proven reoffending rate by tier for an offender with the tier's typical needs,
    /// average family support and no working relationship.
    #[param(
        default = PerTier::new(0.15, 0.38, 0.62, 0.78),
        unit = "share in a year",
        min = 0,
        below = 1,
        why = "a certain reoffence has no weekly hazard",
        label = "proven reoffending in a year",
        source = "calibration: rates by risk band are not published; graded so that the \
                  baseline's overall rate is about a third, near the 35.2% of adults released \
                  from custody or starting a court order who are proven to reoffend within a year \
                  (Ministry of Justice 2025)"
    )]
    pub proven_rate_by_tier: PerTier<f64>,
    /// Probability that a reoffence is proven (caution or conviction).
    #[param(
        default = 0.5,
        unit = "probability",
        above = 0,
        max = 1,
        why = "proven rates are set through it",
        label = "reoffences proven",
        source = "assumption"
    )]
    pub detection_prob: f64,
    /// Log-hazard per point of need severity above or below the tier's typical total.
    #[param(
        default = 0.12,
        unit = "log-hazard per point",
        min = -20,
        max = 20,
        label = "effect of needs on reoffending",
        source = "assumption"
    )]
    pub need_effect: f64,
    /// Proportional cut in the hazard at a full working relationship, while under supervision.
    #[param(
        default = 0.35,
        unit = "proportion of the hazard",
        min = 0,
        max = 1,
        label = "effect of the relationship on reoffending",
        source = "assumption"
    )]
    pub relationship_effect: f64,
    /// Log-hazard per unit of family support (centred on the population mean).
    #[param(
        default = 0.8,
        unit = "log-hazard per unit",
        min = -20,
        max = 20,
        label = "protection by family support",
        source = "assumption"
    )]
    pub family_support_effect: f64,
    /// The risk principle: log-hazard per unit of the mode's intensity for low-risk cases,
    /// from the start of the order to the end of the follow-up. 0 switches it off.
    #[param(
        default = 0.3,
        unit = "log-hazard per unit of intensity",
        min = -5,
        max = 5,
        label = "harm of intensive work to low-risk people",
        source = "the risk principle: intensive programmes raised low-risk offenders' \
                  recidivism (Lowenkamp & Latessa 2004; Lowenkamp, Latessa & Holsinger 2006); \
                  the size is an assumption of the order they report: at full intensity a \
                  low-risk one-year rate of 15% becomes about 20%"
    )]
    pub low_risk_intensity_effect: f64,
}
