//! The scenario: every parameter of a simulation, read from TOML.
//!
//! Each section is a struct with `deny_unknown_fields` (a misspelt key is an error, never a
//! silent default) that derives [`table::Params`]: every field carries its declaration — default,
//! unit, valid range, plain-language label and source (an author-year citation, or
//! "assumption") — and that one declaration drives validation, `casesim check`,
//! `docs/parameters.md` and `scenarios/casesim.schema.json` (see [`table`]). Rules that relate
//! several keys are in `validate.rs`.

mod categories;
mod court;
mod custody;
pub mod docs;
mod load;
mod modes;
pub mod schema;
mod services;
mod sweep;
pub mod table;
pub mod unit;
mod validate;

pub use categories::{MAX_SEVERITY, Mode, ModePolicy, Need, OffenceType, RiskTier};
pub use court::{ByCompliance, Court, CurfewWeeks};
pub use custody::{Agencies, Agency, Custody, Family, OffenceFactor, Preparation, Sentencing};
pub use load::{
    Override, ScenarioSource, is_dotted_key, line_of_key, load_scenario, parse_override,
    read_source, scenario_from_source,
};
pub use modes::{ModeSettings, Modes};
pub use services::{Access, Costs, Provider, ServiceContract, ServicePriority, Services};
pub use sweep::{Sweep, SweepPoint, Vary, parse_vary_args, sweep_points, value_text};
pub use table::Problem;
pub use unit::{CaseRow, InflowWorkedOut, InitialStage, PostGrade, PostRow, UnitData};
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
    /// Every need's value, to change them all alike.
    pub fn each_mut(&mut self) -> [&mut T; Need::COUNT] {
        [
            &mut self.drugs,
            &mut self.alcohol,
            &mut self.mental_health,
            &mut self.accommodation,
            &mut self.employment,
            &mut self.family,
            &mut self.thinking,
        ]
    }

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
    /// The value for `need`.
    pub fn get(&self, need: Need) -> T {
        match need {
            Need::Drugs => self.drugs,
            Need::Alcohol => self.alcohol,
            Need::MentalHealth => self.mental_health,
            Need::Accommodation => self.accommodation,
            Need::Employment => self.employment,
            Need::Family => self.family,
            Need::Thinking => self.thinking,
        }
    }

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
    /// The measures the scenario's question is about (names of the measure table, as
    /// `summary.csv`'s columns): the report puts them first in its findings, tables and plots.
    #[param(
        default = Vec::new(),
        label = "measures the question is about",
        source = "written by the scenario's author"
    )]
    pub focus: Vec<String>,
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
    pub court: Court,
    #[param(section)]
    pub needs: NeedDynamics,
    #[param(section)]
    pub circumstances: Circumstances,
    #[param(section)]
    pub practice: Practice,
    #[param(section)]
    pub engagement: Engagement,
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
    /// The rows of `population.initial_caseload` and `workforce.posts`, read when the scenario
    /// is loaded (not a key: the files are).
    #[serde(skip)]
    #[param(skip)]
    pub unit: UnitData,
    /// Keep a record of every case (`--cases`): not a key, a choice of output.
    #[serde(skip)]
    #[param(skip)]
    pub record_cases: bool,
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
    /// Odds of a custodial sentence for a case sentenced on a full report, relative to one
    /// sentenced on the offence and risk alone (`sentencing.custody_share`), by risk tier.
    /// The same draw decides both, so the cases a report keeps out of custody are the
    /// borderline ones, those nearest the custody threshold.
    #[param(
        default = PerTier::new(0.5, 0.5, 0.7, 1.0),
        unit = "odds ratio",
        min = 0,
        max = 10,
        label = "custody odds with a full report",
        source = "assumption, in the direction of Centre for Justice Innovation 2018 (cases \
                  with a report were more than ten times as likely to get a community \
                  sentence, a correlation that includes the courts' choice of whom to ask a \
                  report for) and of Sentencing Council 2017 (a report before any community or \
                  custodial sentence); smaller at high risk, none at very high risk, where a \
                  report rarely proposes a community sentence"
    )]
    pub custody_odds: PerTier<f64>,
    /// Share of community orders sentenced on a full report whose requirements include
    /// treatment for the most severe need the report assessed (a drug rehabilitation, alcohol
    /// treatment or mental health treatment requirement, or an accredited programme): the plan
    /// refers that need to its service whether or not the mode brokers. Without a full report
    /// the order's requirements follow the offence, and referral is the mode's alone.
    #[param(
        default = 0.6,
        unit = "share of orders on a full report",
        min = 0,
        max = 1,
        label = "orders with a treatment requirement matching the report",
        source = "assumption; in the direction of Gray et al. 2023 (of adults given a \
                  community or suspended sentence order in 2016, 80% completed after a \
                  fast-delivery report against 73% of similar offenders with no report) and of \
                  Sentencing Council 2017 (a treatment requirement only where the need calls \
                  for it and arrangements can be made)"
    )]
    pub requirement_share: f64,
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
    /// How much more a member's work on the need of their own discipline achieves (a drug
    /// worker on a drugs or alcohol need, a housing officer on accommodation, an employment
    /// adviser on employment...), as a multiplier on the chance that the work lowers the need.
    /// 1: a member's work is a generalist's.
    #[param(
        default = 1.5,
        unit = "multiplier",
        above = 0,
        max = 10,
        label = "member's advantage on their own need",
        source = "assumption: DOMICE 2011a: team members \"are (or who represent) providers of \
                  services\" and are assigned the plan's tasks in their field; own work reaches \
                  addiction, mental health and housing least because they take a specialist \
                  (`needs.own_work_reach`), so a specialist's work on them is taken to do half \
                  as much again"
    )]
    pub member_expertise_effect: f64,
    /// After a case conference at which the member of the discipline for the plan's first
    /// need was present, the chance that the plan refers that need, as a multiplier on the
    /// mode's `referral_share` (at most 1). 1: a conference refers as a review does.
    #[param(
        default = 1.5,
        unit = "multiplier",
        min = 1,
        max = 10,
        label = "referral from an agreed plan",
        source = "assumption; Scottish Executive 2007 (ICM Practice Guidance, quoted by Jardine \
                  & Rigby 2010, 1.15): the conference involves \"all relevant service \
                  providers\" to \"facilitate fully integrated service provision\""
    )]
    pub plan_referral_effect: f64,
    /// Log-odds added to taking up a place referred from a plan agreed at a conference with
    /// that service's member present. 0: no more than any referral.
    #[param(
        default = 0.5,
        unit = "log-odds",
        min = 0,
        max = 5,
        label = "take-up of a service from an agreed plan",
        source = "assumption; Scottish Executive 2007 (ICM Practice Guidance, quoted by Jardine \
                  & Rigby 2010, 1.15): the conference \"should encourage greater engagement with \
                  the action planning process\"; DOMICE 2011a: the plan is \"arrived at in \
                  collaboration with the offender\""
    )]
    pub plan_uptake_effect: f64,
    /// Whether a plan agreed at a conference refers needs in their order (drugs, alcohol,
    /// mental health and accommodation, which stabilise a life, before employment, family and
    /// thinking), the first present need with its member at the conference; `false`: the most
    /// severe need, as a review does.
    #[param(
        default = true,
        label = "the agreed plan sequences services",
        source = "Scottish Executive 2007 (ICM Practice Guidance, quoted by Jardine & Rigby \
                  2010, 1.15): \"sequence interventions appropriately\"; Jardine & Rigby 2010 \
                  (1.8): \"coordination and sequencing of work through the Order\""
    )]
    pub plan_sequencing: bool,
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
    /// Age at sentence.
    #[param(section, label = "age")]
    pub age: AgeProfile,
    /// Work and accommodation at the start of the order.
    #[param(section, label = "at the start")]
    pub circumstances: StartingCircumstances,
    /// Your own caseload: a CSV file with one row per case under supervision at week 0 (its
    /// path relative to the scenario file; docs/inputs.md gives the columns). It replaces
    /// `initial_cases` (which then counts its rows). Empty: the initial caseload is drawn from
    /// this section.
    #[param(
        default = String::new(),
        unit = "CSV file",
        label = "initial caseload file",
        source = "the planner's own data (docs/inputs.md)"
    )]
    pub initial_caseload: String,
    /// Cases in force to hold in the steady state, as an alternative to `inflow_per_week`:
    /// when above 0, the inflow that holds this many cases on case managers' books (orders,
    /// licences, reports in preparation and prisoners held through the gate) is worked out
    /// from the order-length and sentencing distributions, and `initial_cases` is set to the
    /// sentences in force that go with it (unless `initial_caseload` gives them). `casesim
    /// check` and `run` print what was worked out. 0: `inflow_per_week` is used.
    #[param(
        default = 0,
        unit = "cases",
        max = MAX_CASES,
        label = "cases in force",
        source = "the planner's own count of cases held"
    )]
    pub cases_in_force: u32,
}

/// Age at sentence: bands, each a range of whole years, with the share of medium-risk cases in
/// each; a tier's shares lean younger or older by its tilt (OGRS-type scores fall with age,
/// Howard et al. 2009). Within a band, ages are spread evenly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct AgeProfile {
    /// The youngest age of each band, in increasing order; the last band runs to `oldest`.
    #[param(
        default = vec![18, 25, 40, 50],
        unit = "years",
        min = 10,
        max = 100,
        label = "bands from",
        source = "the bands of the sources below"
    )]
    pub bands_from: Vec<u16>,
    /// Relative share of each band among medium-risk cases.
    #[param(
        default = vec![0.20, 0.48, 0.20, 0.12],
        unit = "relative weight",
        min = 0,
        max = 1e9,
        label = "shares of the bands",
        source = "18-24 about a fifth of the probation caseload (HM Inspectorate of Probation \
                  2024, young adults thematic: 19.5%; a quarter of community and suspended \
                  sentence orders in 2016, MoJ Offender Management Statistics); the other \
                  bands are an assumption, the MoJ's age table not having been found"
    )]
    pub weights: Vec<f64>,
    /// The oldest age at sentence (the last band's end).
    #[param(
        default = 70,
        unit = "years",
        min = 11,
        max = 110,
        label = "oldest age",
        source = "assumption"
    )]
    pub oldest: u16,
    /// How a tier's ages lean: the log-odds of each band move by this per ten years of its
    /// middle age above 35 (negative: younger).
    #[param(
        default = PerTier::new(0.3, 0.0, -0.3, -0.5),
        unit = "log-odds per ten years",
        min = -5,
        max = 5,
        label = "age tilt",
        source = "assumption: OGRS-type scores are built from age and criminal history and \
                  fall with age (Howard et al. 2009), so higher tiers are younger"
    )]
    pub risk_tilt: PerTier<f64>,
}

/// Work and settled accommodation at the start of an order, by whether the case has the
/// related criminogenic need (education, training and employment; accommodation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct StartingCircumstances {
    /// Probability of being in work at the start, with an employment need.
    #[param(
        default = 0.1,
        unit = "probability",
        min = 0,
        max = 1,
        label = "in work with an employment need",
        source = "assumption, set with the next so that about 30% are in work at the start: \
                  16% of probation cases were employed at the start of supervision (HM \
                  Inspectorate of Probation 1998) and 31% of prison leavers six months after \
                  release (Ministry of Justice 2024, offender employment outcomes)"
    )]
    pub employed_with_need: f64,
    /// Probability of being in work at the start, without an employment need.
    #[param(
        default = 0.55,
        unit = "probability",
        min = 0,
        max = 1,
        label = "in work without an employment need",
        source = "as above"
    )]
    pub employed_without_need: f64,
    /// Probability of settled accommodation at the start, with an accommodation need.
    #[param(
        default = 0.3,
        unit = "probability",
        min = 0,
        max = 1,
        label = "settled with an accommodation need",
        source = "assumption, set with the next so that about a third lack settled \
                  accommodation at the start, as 39% of the community caseload have an \
                  identified accommodation need (Ministry of Justice 2025, identified needs of \
                  offenders, October 2024)"
    )]
    pub settled_with_need: f64,
    /// Probability of settled accommodation at the start, without an accommodation need.
    #[param(
        default = 0.95,
        unit = "probability",
        min = 0,
        max = 1,
        label = "settled without an accommodation need",
        source = "as above"
    )]
    pub settled_without_need: f64,
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
    /// Type streaming: most cases one specialist may hold (0: the `caseload_cap`).
    #[param(
        default = 0,
        unit = "cases",
        min = 0,
        max = 1_000_000,
        label = "specialist caseload cap",
        source = "0 keeps one cap for all; specialty caseloads are \"meaningfully reduced\" \
                  (Skeem, Emke-Francis & Louden 2006), about 30 to 50 cases against over 130 \
                  on traditional caseloads (Wolff et al. 2014)"
    )]
    pub specialist_caseload_cap: u32,
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
    /// Hours a week of a duty rota in the unit, apart from the case managers' own: when an
    /// absent case manager's cover group has no hours left, the duty officer makes their most
    /// urgent due contacts (and report work) from these hours. 0: no duty rota. The rota is
    /// paid whether its hours are used or not, at `costs.staff_hour` (`duty_cost`).
    #[param(
        default = 0.0,
        unit = "hours a week",
        min = 0,
        max = 100_000,
        label = "duty rota hours a week",
        source = "assumption: no duty rota by default, so that the unit's hours are its case \
                  managers' alone; probation offices commonly keep \
                  a duty officer for absent colleagues' cases, and this is the lever for one"
    )]
    pub duty_hours_per_week: f64,
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
    /// What happens in a post while it is vacant after a leaver: `none`, it stays empty (no
    /// hours, no pay) until the replacement starts; `agency`, an agency worker covers it from
    /// `agency_start_weeks` after the leaver until the replacement starts, working the post's
    /// hours and holding cases (paid at `costs.agency_premium` above the post's pay).
    #[param(
        default = VacancyCover::None,
        label = "cover of a vacant post",
        source = "assumption: vacancies left empty by default, as HM Inspectorate of Probation \
                  reports of staff shortages describe; `agency` is the lever for buying cover"
    )]
    pub vacancy_cover: VacancyCover,
    /// Under `vacancy_cover = "agency"`, weeks from a leaver to the agency worker's start.
    #[param(
        default = 4,
        unit = "weeks",
        max = MAX_WEEKS,
        label = "weeks to start agency cover",
        source = "assumption: about a month to engage and vet an agency worker"
    )]
    pub agency_start_weeks: u32,
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
    /// The highest risk tier a volunteer may hold (orders only: volunteers hold no licences).
    #[param(
        default = RiskTier::Low,
        label = "highest tier volunteers hold",
        source = "DOMICE 2011b: volunteers \"are responsible for some lower risk cases\""
    )]
    pub volunteer_highest_tier: RiskTier,
    /// Hours a week of a qualified case manager in the volunteer's patch for each volunteer
    /// present: overseeing the volunteer's cases (case discussion, sign-off of decisions). The
    /// paid coordinator's recruiting, vetting and training is `costs.volunteer_coordination_hours`.
    #[param(
        default = 0.5,
        unit = "hours a week per volunteer",
        min = 0,
        max = 168,
        why = "there are 168 hours in a week",
        label = "staff oversight of a volunteer",
        source = "assumption: a volunteer's cases stay the service's responsibility, so a \
                  qualified officer discusses them with the volunteer, about half an hour a week"
    )]
    pub volunteer_oversight_hours: f64,
    /// Your own posts: a CSV file with one row per post (grade, hours, patch, specialism,
    /// trained, vacant; its path relative to the scenario file; docs/inputs.md gives the
    /// columns). It replaces `case_managers`, `volunteers` and `qualified_share` (which then
    /// count its rows), and posts are no longer divided between functions by the expected work:
    /// each row says what its post does. Empty: the posts are made from this section.
    #[param(
        default = String::new(),
        unit = "CSV file",
        label = "posts file",
        source = "the planner's own data (docs/inputs.md)"
    )]
    pub posts: String,
}

impl Workforce {
    /// Most cases a specialist may hold under type streaming.
    pub fn specialist_cap(&self) -> u32 {
        if self.specialist_caseload_cap > 0 {
            self.specialist_caseload_cap
        } else {
            self.caseload_cap
        }
    }
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
    /// What becomes of hours the week's shares leave unused (because a kind of work needed
    /// fewer hours than its share, or a case's rank fell outside it): `passed_on`, they go to
    /// the work that was cut, under the prioritisation rule, in a second pass over the cut
    /// cases; `idle`, the shares are fixed and the hours stay unused (the model before).
    #[param(
        default = UnusedHours::PassedOn,
        label = "unused hours",
        source = "assumption: a case manager with hours left in the week spends them on the \
                  contacts, assessments and reviews they had put off; `idle` keeps the fixed \
                  shares for comparison"
    )]
    pub unused_hours: UnusedHours,
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
    /// Type streaming (`risk`, `offence`, `need`): how much more a specialist trained in their
    /// type (`practice.specialist_trained_share`) achieves by work on a need with a case of
    /// that type, as a multiplier on `needs.work_per_contact`.
    #[param(
        default = 1.3,
        unit = "multiplier",
        above = 0,
        max = 10,
        label = "trained specialist's advantage",
        source = "assumption on the size: specialty officers, trained and expert in their \
                  caseload, participate more in treatment and use more problem-solving \
                  (Skeem, Emke-Francis & Louden 2006; Skeem, Manchak & Montoya 2017, where \
                  the whole specialty package cut re-arrest odds 2.68-fold); no study isolates \
                  the training's part, so 1.3 is modest"
    )]
    pub specialist_effect: f64,
    /// Type streaming: weeks between re-divisions of the specialist posts between types as
    /// demand moves. At each, a post moves from the type with most room to spare to a type
    /// whose cases wait for want of room; it keeps the cases it holds until they end. 0: posts
    /// are divided once, at the start.
    #[param(
        default = 13,
        unit = "weeks",
        max = MAX_WEEKS,
        label = "weeks between re-divisions of specialist posts",
        source = "assumption: services review how posts are divided between teams at planning \
                  intervals (a quarter here); divided once, need streaming stranded up to 140 \
                  cases as needs moved (issue 23)"
    )]
    pub redivision_interval_weeks: u32,
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

/// Cover of a vacant post between a leaver and the replacement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "snake_case")]
pub enum VacancyCover {
    /// The post stays empty: no hours, no pay.
    None,
    /// An agency worker covers the post from `agency_start_weeks` after the leaver until the
    /// replacement starts.
    Agency,
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

/// What becomes of the hours the week's shares leave unused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "snake_case")]
pub enum UnusedHours {
    /// Passed to the work that was cut this week, under the prioritisation rule.
    PassedOn,
    /// Left idle: each kind of work gets its share and no more.
    Idle,
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
        default = 0.935,
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
    /// Hours of a person's time an appointment takes besides its length: travel and waiting.
    #[param(
        default = 1.0,
        unit = "hours",
        min = 0,
        max = 100,
        label = "travel to an appointment",
        source = "assumption"
    )]
    pub travel_hours: f64,
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
    /// Weeks without being seen (no appointment kept) after which the office instructs the
    /// person to report (a letter, a call, a home visit), in a week with no appointment
    /// offered; again every `check_interval_weeks` while unanswered. The case manager checks,
    /// or for an unallocated case the office's administration.
    #[param(
        default = 6,
        unit = "weeks",
        min = 1,
        max = MAX_WEEKS,
        label = "weeks unseen before a check",
        source = "assumption: longer than the monthly contact of the lowest tier (NOMS 2007, \
                  National Standards), so that only a case that has dropped out of contact is \
                  checked"
    )]
    pub unseen_weeks_before_check: u32,
    /// Weeks between instructions to report while they go unanswered.
    #[param(
        default = 1,
        unit = "weeks",
        min = 1,
        max = MAX_WEEKS,
        label = "weeks between checks",
        source = "assumption: a missed instruction is followed up the next week"
    )]
    pub check_interval_weeks: u32,
    /// Missed appointments (without an acceptable reason) and unanswered instructions to
    /// report, in a row, after which the person's whereabouts are unknown: breach proceedings
    /// (or recall on licence) start at once, without a further warning.
    #[param(
        default = 3,
        unit = "contacts in a row",
        min = 1,
        max = 100,
        label = "missed in a row before whereabouts unknown",
        source = "assumption: three attempts to make contact, then the whereabouts are treated \
                  as unknown; NOMS 2007 (National Standards) and the recall guidance make \
                  failure to keep in touch grounds for breach or recall"
    )]
    pub missed_before_unknown: u8,
    /// Staff hours for a check (a letter, a call or a visit): the case manager's paperwork,
    /// or the office's for an unallocated case.
    #[param(
        default = 0.5,
        unit = "hours",
        min = 0,
        max = 100,
        label = "hours for a check",
        source = "assumption"
    )]
    pub check_hours: f64,
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
        default = 0.9,
        unit = "probability",
        min = 0,
        max = 1,
        label = "needs work at a kept appointment",
        source = "assumption"
    )]
    pub work_per_contact: f64,
    /// What a case manager's own work achieves on each need, as a multiplier of
    /// `work_per_contact`: most on antisocial thinking, which structured one-to-one work with
    /// cognitive techniques targets, least on needs that take a specialist service (addiction,
    /// mental health, a place to live). Applies to own work, standing in for a service and work
    /// agreed at a case conference.
    #[param(
        default = PerNeed::new(0.3, 0.3, 0.2, 0.2, 0.5, 0.6, 1.0),
        unit = "multiplier",
        min = 0,
        max = 1,
        label = "reach of own work",
        source = "assumption: officers trained in core correctional practices work on \
                  procriminal attitudes with cognitive techniques (Bonta et al. 2011); where \
                  services do not exist case managers are \"left trying to provide an equivalent \
                  service themselves\" (DOMICE 2011b)"
    )]
    pub own_work_reach: PerNeed<f64>,
    /// Weekly probability that a person's thinking need rises a level when every other member of
    /// their group is of a higher risk tier (scaled by the share who are): a group programme, or
    /// the group requirements (unpaid work, programmes) of a mode with other requirement hours,
    /// whose group is everyone under that mode.
    #[param(
        default = 0.07,
        unit = "probability a week",
        min = 0,
        max = 1,
        label = "influence of higher-risk peers in group work",
        source = "assumption: grouping with more deviant peers raised problem behaviour in \
                  youth interventions (Dishion, McCord & Poulin 1999); no adult effect size was \
                  found"
    )]
    pub peer_influence: f64,
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

/// The reoffending hazard and its detection: static risk (the tier) × time at risk × age ×
/// criminogenic needs × protective states (work, settled accommodation, family support).
/// Supervision lowers it only through what it changes — needs met by services and skilled
/// one-to-one work, work and accommodation found or kept — never by a direct discount; closer
/// watching raises the share of offending that is proven.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Reoffending {
    /// One-year proven reoffending rate by tier for an offender with the tier's typical needs,
    /// average family support and no working relationship.
    #[param(
        default = PerTier::new(0.15, 0.37, 0.59, 0.73),
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
        default = 0.28,
        unit = "log-hazard per point",
        min = -20,
        max = 20,
        label = "effect of needs on reoffending",
        source = "assumption"
    )]
    pub need_effect: f64,
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
    /// How the hazard falls with weeks at risk within one person: the shape of a Weibull
    /// hazard (1: constant; below 1: front-loaded), from the start of an order or from release.
    #[param(
        default = 0.8,
        unit = "Weibull shape",
        above = 0,
        max = 3,
        label = "front-loading of the hazard",
        source = "assumption informed by the pooled shape of about 0.65 of one- and two-year \
                  reconviction (New Zealand prison releases, Morrison & Bowman 2017; England & \
                  Wales probation starts of 1992, Hansard 11 June 1996): the pooled curve also \
                  reflects differences between people, which the tiers carry, so the \
                  within-person shape is nearer 1"
    )]
    pub time_shape: f64,
    /// Log-hazard per year of age, as a person ages (desistance), centred on the tier's typical
    /// age.
    #[param(
        default = -0.015,
        unit = "log-hazard per year",
        min = -1,
        max = 1,
        label = "effect of age on reoffending",
        source = "between the gradients of one-year reoffending by age of people starting \
                  community orders (39% at 18-20 against 28% at 40 and over; Wood et al. 2015) \
                  and of reconviction after release (almost 5% lower a year of age; Bowles & \
                  Florackis 2007)"
    )]
    pub age_effect: f64,
    /// Log-hazard of being in work, against not (centred on the tier's typical share).
    #[param(
        default = -0.35,
        unit = "log-hazard",
        min = -20,
        max = 20,
        label = "protection by work",
        source = "ln 0.8: employment in the year after release was associated with up to nine \
                  points less reoffending (Ministry of Justice 2013, propensity score \
                  matching), shrunk for selection, as community employment programmes did not \
                  cut recidivism in trials (Visher, Winterfield & Coggeshall 2005)"
    )]
    pub employment_effect: f64,
    /// Log-hazard of lacking settled accommodation, against having it (centred on the tier's
    /// typical share).
    #[param(
        default = 0.26,
        unit = "log-hazard",
        min = -20,
        max = 20,
        label = "harm of unsettled accommodation",
        source = "ln 1.3: 66% against 51% reoffended from unstable and stable accommodation after \
                  release (Brunton-Smith & Hopkins 2013), shrunk for the selection in that \
                  comparison"
    )]
    pub unsettled_effect: f64,
    /// Probability, per unit of the mode's `monitoring`, that supervision brings to light a
    /// reoffence the police would not have proven (drug tests, home visits, checks with the
    /// police): surveillance raises the share of offending that is proven, not the offending.
    #[param(
        default = 0.05,
        unit = "probability per unit of monitoring",
        min = 0,
        max = 1,
        label = "reoffences brought to light by supervision",
        source = "assumption; closer monitoring raised detected violations without lowering \
                  arrests in the HOPE multi-site trial (Lattimore et al. 2016)"
    )]
    pub supervision_detection: f64,
}

/// How work and settled accommodation are found and lost, week by week. Both protect against
/// reoffending (`reoffending.employment_effect`, `reoffending.unsettled_effect`); losing either
/// raises the related need. Intensive requirements take time a job needs: hours of appointments,
/// programmes and other requirements beyond what an employer tolerates raise the chance of losing
/// the job (the mechanism Lowenkamp & Latessa 2004 give for harm to low-risk people).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Circumstances {
    /// Weekly probability that an unemployed person with no employment need finds work.
    #[param(
        default = 0.012,
        unit = "probability a week",
        min = 0,
        max = 1,
        label = "finding work a week",
        source = "assumption: about half find work within a year; unemployed probation cases \
                  given help with employment found work twice as often as those given none \
                  (40% against 20%; HM Inspectorate of Probation 1998)"
    )]
    pub job_finding: f64,
    /// Multiplier of `job_finding` per level of employment need.
    #[param(
        default = 0.5,
        unit = "multiplier per level",
        min = 0,
        max = 1,
        label = "finding work with an employment need",
        source = "assumption: a level of need halves the chance, so meeting a moderate need \
                  doubles it, as help with employment did (HM Inspectorate of Probation 1998)"
    )]
    pub job_finding_need_factor: f64,
    /// Weekly probability that an employed person loses their job, whatever supervision asks.
    #[param(
        default = 0.004,
        unit = "probability a week",
        min = 0,
        max = 1,
        label = "losing work a week",
        source = "assumption: about a fifth of jobs a year"
    )]
    pub job_loss: f64,
    /// Hours a week of requirements (appointments with travel, programmes, other requirements)
    /// that work can absorb.
    #[param(
        default = 3.0,
        unit = "hours a week",
        min = 0,
        max = 168,
        label = "requirement hours work can absorb",
        source = "assumption: about half a working day a week"
    )]
    pub requirement_hours_tolerated: f64,
    /// Added weekly probability of losing work per hour of requirements beyond those tolerated.
    #[param(
        default = 0.02,
        unit = "probability a week per hour",
        min = 0,
        max = 1,
        label = "losing work to requirements",
        source = "assumption: the mechanism of Lowenkamp & Latessa 2004 (intensive \
                  requirements disrupt a low-risk person's work); no figure was found"
    )]
    pub job_loss_per_requirement_hour: f64,
    /// Weekly share of family and prosocial support lost per hour of requirements beyond those
    /// tolerated: time taken from family and prosocial activity.
    #[param(
        default = 0.004,
        unit = "share a week per hour",
        min = 0,
        max = 1,
        label = "prosocial time lost to requirements",
        source = "assumption: the mechanism of Lowenkamp & Latessa 2004 (intensive \
                  interventions disrupt the prosocial networks that make low-risk people low \
                  risk); no figure was found"
    )]
    pub prosocial_loss_per_requirement_hour: f64,
    /// Probability that a job is lost on going into custody.
    #[param(
        default = 0.6,
        unit = "probability",
        min = 0,
        max = 1,
        label = "work lost on custody",
        source = "assumption: of prisoners in work before custody, 59% had work, training or \
                  education arranged on release (Niven & Stewart 2005)"
    )]
    pub job_loss_on_custody: f64,
    /// Weekly probability that a person without settled accommodation and no accommodation
    /// need finds it.
    #[param(
        default = 0.02,
        unit = "probability a week",
        min = 0,
        max = 1,
        label = "finding settled accommodation a week",
        source = "assumption: 73.5% of prison leavers were in settled accommodation three months \
                  after release (Ministry of Justice 2024, offender accommodation outcomes)"
    )]
    pub housing_finding: f64,
    /// Multiplier of `housing_finding` per level of accommodation need.
    #[param(
        default = 0.5,
        unit = "multiplier per level",
        min = 0,
        max = 1,
        label = "finding accommodation with an accommodation need",
        source = "assumption"
    )]
    pub housing_finding_need_factor: f64,
    /// Weekly probability of losing settled accommodation.
    #[param(
        default = 0.002,
        unit = "probability a week",
        min = 0,
        max = 1,
        label = "losing accommodation a week",
        source = "assumption"
    )]
    pub housing_loss: f64,
    /// Added weekly probability of losing it per level of chaotic need (drugs, alcohol, mental
    /// health).
    #[param(
        default = 0.001,
        unit = "probability a week per level",
        min = 0,
        max = 1,
        label = "losing accommodation to chaotic needs",
        source = "assumption"
    )]
    pub housing_loss_per_chaotic_level: f64,
    /// Probability that settled accommodation is lost on going into custody.
    #[param(
        default = 0.3,
        unit = "probability",
        min = 0,
        max = 1,
        label = "accommodation lost on custody",
        source = "\"up to one-third of people lose their housing while in custody\" (Centre for \
                  Homelessness Impact 2025, criminal justice rapid evidence assessment)"
    )]
    pub housing_loss_on_custody: f64,
    /// Probability that family contact is lost on going into custody (family support halves).
    #[param(
        default = 0.4,
        unit = "probability",
        min = 0,
        max = 1,
        label = "family contact lost on custody",
        source = "over 40% of prisoners lose contact with family or friends (House of Commons \
                  Home Affairs Committee 2005, HC 193)"
    )]
    pub family_loss_on_custody: f64,
}

/// The practice of case managers: skill in core correctional practices (structuring,
/// relationship skills, cognitive techniques), which sets the quality of a contact — how much
/// one-to-one work on needs achieves, and how much a kept appointment builds the working
/// relationship and motivation. Trained officers' clients reoffend less (Chadwick, DeWolf &
/// Serin 2015; Trotter 1996; Bonta et al. 2011).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Practice {
    /// Share of qualified and support-grade post-holders trained in core correctional
    /// practices.
    #[param(
        default = 0.5,
        unit = "share of posts",
        min = 0,
        max = 1,
        label = "case managers trained in core correctional practices",
        source = "assumption: no figure for England & Wales was found; the SEED training was \
                  piloted in three areas (Sorsby et al. 2013)"
    )]
    pub trained_share: f64,
    /// Type streaming: share of specialist post-holders trained in their type of case (a new
    /// holder is trained with this chance). A trained specialist's work on a case of their type
    /// achieves `organisation.specialist_effect` times more.
    #[param(
        default = 1.0,
        unit = "share of specialist posts",
        min = 0,
        max = 1,
        label = "specialists trained in their type",
        source = "sustained officer training is a defining feature of the prototypic specialty \
                  agency (Skeem, Emke-Francis & Louden 2006); lower it for specialists \
                  designated without training"
    )]
    pub specialist_trained_share: f64,
    /// Skill of an experienced case manager trained in core correctional practices (0 to 1).
    #[param(
        default = 1.0,
        unit = "0 to 1",
        min = 0,
        max = 1,
        label = "skill of a trained case manager",
        source = "the scale's top"
    )]
    pub trained_skill: f64,
    /// Skill of an experienced case manager without that training.
    #[param(
        default = 0.25,
        unit = "0 to 1",
        min = 0,
        max = 1,
        label = "skill of an untrained case manager",
        source = "assumption, of the size of the difference between trained and untrained \
                  officers' clients (recidivism 43% against 61% over two years in British \
                  Columbia, Lee et al. 2021)"
    )]
    pub untrained_skill: f64,
    /// A new starter's skill as a share of an experienced colleague's; it grows to the full
    /// skill over `experience_weeks`.
    #[param(
        default = 0.6,
        unit = "share",
        min = 0,
        max = 1,
        label = "new starter's skill",
        source = "assumption: no study of officers' experience and outcomes was found"
    )]
    pub new_starter_skill: f64,
    /// Weeks in post until a new starter's skill is full.
    #[param(
        default = 104,
        unit = "weeks",
        min = 1,
        max = MAX_WEEKS,
        label = "weeks to full experience",
        source = "assumption: two years (probation officers qualify over 15-21 months)"
    )]
    pub experience_weeks: u32,
    /// Skill of the support grade as a share of a qualified officer's (see
    /// `workforce.qualified_share`).
    #[param(
        default = 0.85,
        unit = "share",
        min = 0,
        max = 1,
        label = "support grade's skill",
        source = "assumption: no comparison of probation officers' and probation services \
                  officers' outcomes was found"
    )]
    pub support_grade_skill: f64,
    /// A volunteer's skill.
    #[param(
        default = 0.5,
        unit = "0 to 1",
        min = 0,
        max = 1,
        label = "volunteer's skill",
        source = "assumption"
    )]
    pub volunteer_skill: f64,
}

/// How engagement changes: motivation (readiness to change) rises with skilled contact and
/// with progress on needs, falls with sanctions, and drifts back towards the person's own level.
/// Motivation raises attendance, the take-up and completion of services, and what one-to-one
/// work achieves; it does not act on the reoffending hazard directly (Kennealy et al. 2012).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Engagement {
    /// Share of the distance to full motivation gained at a kept appointment with a fully
    /// skilled case manager and a full working relationship (scaled by both).
    #[param(
        default = 0.03,
        unit = "share of the distance to 1",
        min = 0,
        max = 1,
        label = "motivation built by a kept appointment",
        source = "assumption: no study of how motivation changes under supervision was found"
    )]
    pub gain_per_contact: f64,
    /// Share of the distance to full motivation gained when a need is met.
    #[param(
        default = 0.05,
        unit = "share of the distance to 1",
        min = 0,
        max = 1,
        label = "motivation built by progress",
        source = "assumption"
    )]
    pub gain_on_progress: f64,
    /// Share of motivation lost at a warning, sanction or breach.
    #[param(
        default = 0.1,
        unit = "share",
        min = 0,
        max = 1,
        label = "motivation lost to enforcement",
        source = "assumption"
    )]
    pub loss_on_enforcement: f64,
    /// Share of the distance back to the person's own motivation closed each week.
    #[param(
        default = 0.02,
        unit = "share a week",
        min = 0,
        max = 1,
        label = "drift back to the person's own motivation",
        source = "assumption"
    )]
    pub drift_per_week: f64,
}
