//! The scenario: every parameter of a simulation, read from TOML.
//!
//! Each section is a struct with `deny_unknown_fields` (a misspelt key is an error, never a
//! silent default) and a `Default` that carries its source: a study or statistic where one
//! exists, "assumption" where none does. `docs/parameters.md` lists the same defaults with the
//! same sources; keep the two in step.

mod categories;
mod custody;
mod load;
mod modes;
mod services;
mod sweep;
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
pub use validate::{Problem, validate};

use serde::{Deserialize, Serialize};

/// The shipped baseline scenario, compiled in: what reports compare settings with, and what
/// `casesim validate` checks.
pub const BASELINE_TOML: &str = include_str!("../../scenarios/baseline.toml");

/// One value per risk tier.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerTier<T> {
    pub low: T,
    pub medium: T,
    pub high: T,
    pub very_high: T,
}

impl<T: Copy> PerTier<T> {
    pub fn as_array(&self) -> [T; 4] {
        [self.low, self.medium, self.high, self.very_high]
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

impl<T: Copy> PerNeed<T> {
    pub fn as_array(&self) -> [T; 7] {
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

/// A whole scenario. Sections may be omitted; every key has a default.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
    /// Name of the scenario; the default output directory is `output/<name>/`.
    /// Defaults to the file name without `.toml`.
    pub name: String,
    /// What question the scenario answers, in a sentence or two.
    pub description: String,
    pub simulation: Simulation,
    pub population: Population,
    pub workforce: Workforce,
    pub organisation: Organisation,
    pub modes: Modes,
    pub supervision: Supervision,
    pub relationship: Relationship,
    pub compliance: Compliance,
    pub enforcement: Enforcement,
    pub needs: NeedDynamics,
    pub reoffending: Reoffending,
    pub reports: Reports,
    pub team: TeamWork,
    pub services: Services,
    pub sentencing: Sentencing,
    pub custody: Custody,
    pub costs: Costs,
    /// Keys to run the scenario at several values of (`casesim sweep`); ignored by `run`.
    #[serde(skip_serializing_if = "Sweep::is_empty")]
    pub sweep: Sweep,
}

/// Pre-sentence reports: the court asks the service to assess the offender before sentence
/// (the PRE-SENTENCE stage of the journey, seed 001). The report's interview is the offender's
/// first contact, and its assessment is the order's starting assessment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Reports {
    /// Share of new orders preceded by a pre-sentence report from the service.
    pub share: f64,
    /// Weeks from the court's request to sentence.
    pub weeks: u32,
    /// Hours to prepare the report, interview included.
    pub hours: f64,
}

impl Default for Reports {
    fn default() -> Self {
        Reports {
            // Assumption: about half of community orders follow a written report; the rest are
            // sentenced on an oral report or none.
            share: 0.5,
            // National Standards for the Management of Offenders (2007): a standard delivery
            // report within 15 working days.
            weeks: 3,
            // Assumption: of the order of HMPPS workload-measurement times for a written report.
            hours: 6.0,
        }
    }
}

/// How a team (the `team` and `hybrid` approaches) works a case (seed 001).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TeamWork {
    /// Staff on a case's team, the lead included (2 to 4).
    pub size: u32,
    /// Hours for each member's own assessment at the start, before the plan is agreed.
    pub member_assessment_hours: f64,
    /// Weeks between case conferences, which review the whole plan.
    pub conference_interval_weeks: u32,
    /// Hours each member spends on a conference (preparation included).
    pub conference_hours: f64,
    /// Hours of the senior who chairs each conference (not a case manager's hours).
    pub chair_hours: f64,
    /// Probability that a member attends a conference.
    pub conference_attendance: f64,
}

impl Default for TeamWork {
    fn default() -> Self {
        TeamWork {
            // Assumption: the case manager and two members from other disciplines.
            size: 3,
            // Assumptions: a shorter assessment from each other discipline, a quarterly
            // conference, an hour and a half for each member, an hour for the chair.
            member_assessment_hours: 2.0,
            conference_interval_weeks: 12,
            conference_hours: 1.5,
            chair_hours: 1.0,
            // Seed 004 (Scottish ICM survey, 4.1): four-fifths of social workers said case
            // conferences were always well attended, while other professionals attended "far
            // fewer"; 0.8 is the social workers' figure, generous for other disciplines.
            conference_attendance: 0.8,
        }
    }
}

/// Horizon, measurement window, replications and seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Simulation {
    /// Weeks simulated in all, warm-up included.
    pub weeks: u32,
    /// Weeks before measurement starts, so that caseloads, relationships and waiting lists reach
    /// a steady state. Outcomes are measured for orders ending, and cohorts starting, after it.
    pub warmup_weeks: u32,
    /// Independent replications (each with its own random stream).
    pub replications: u32,
    /// Master seed; replication r uses streams derived from (seed, r).
    pub seed: u64,
    /// Follow-up period for proven reoffending, in weeks from the start of the order.
    pub follow_up_weeks: u32,
}

impl Default for Simulation {
    fn default() -> Self {
        Simulation {
            // Assumption: six years, of which two are warm-up (longer than the longest default
            // order, so the initial caseload has turned over before measurement starts).
            weeks: 312,
            warmup_weeks: 104,
            // Assumption: enough for 95% CIs of about ±1 point on the headline rates.
            replications: 20,
            seed: 20_261_124,
            // MoJ proven reoffending statistics: one-year follow-up.
            follow_up_weeks: 52,
        }
    }
}

/// Who comes under supervision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Population {
    /// Orders already under way at week 0 (part-served, already assessed).
    pub initial_cases: u32,
    /// Mean new orders per week (Poisson).
    pub inflow_per_week: f64,
    /// Localities ("patches"); each offender lives in one and each case manager covers one.
    pub patches: u16,
    pub risk_mix: PerTier<f64>,
    pub offence_mix: OffenceMix,
    pub needs: NeedProfile,
    pub motivation: BetaParams,
    pub family_support: BetaParams,
    pub order_length: OrderLength,
}

impl Default for Population {
    fn default() -> Self {
        Population {
            // Assumption: a probation delivery unit of about 60 case managers; inflow times mean
            // order length (about 55 weeks) gives about 2,750 orders in steady state.
            initial_cases: 2_700,
            inflow_per_week: 50.0,
            patches: 3,
            // Assumption: no published split of community caseloads by OGRS band was found;
            // see docs/parameters.md. Shares sum to 1.
            risk_mix: PerTier {
                low: 0.30,
                medium: 0.40,
                high: 0.22,
                very_high: 0.08,
            },
            offence_mix: OffenceMix::default(),
            needs: NeedProfile::default(),
            // Assumption: mean motivation 0.5 with wide spread (concentration 4).
            motivation: BetaParams {
                mean: 0.5,
                concentration: 4.0,
            },
            // Assumption.
            family_support: BetaParams {
                mean: 0.5,
                concentration: 4.0,
            },
            order_length: OrderLength::default(),
        }
    }
}

/// Shares of principal offence types (they must sum to 1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OffenceMix {
    pub violent: f64,
    pub sexual: f64,
    pub acquisitive: f64,
    pub drug: f64,
    pub other: f64,
}

impl Default for OffenceMix {
    fn default() -> Self {
        // Assumption, in the proportions of community-order starts by offence group that MoJ
        // Offender Management Statistics report only roughly; offence type has no effect in the
        // foundation model (it will steer type-specialised streaming).
        OffenceMix {
            violent: 0.30,
            sexual: 0.04,
            acquisitive: 0.25,
            drug: 0.12,
            other: 0.29,
        }
    }
}

/// Criminogenic needs at the start of an order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NeedProfile {
    /// Probability that a medium-risk offender has each need.
    pub prevalence: PerNeed<f64>,
    /// Multiplier of prevalence by tier (capped at 0.95): higher risk, more needs.
    pub risk_gradient: PerTier<f64>,
    /// Severity of a need that is present.
    pub severity_mix: SeverityMix,
}

impl Default for NeedProfile {
    fn default() -> Self {
        NeedProfile {
            // Assumption, of the order of the OASys need prevalences reported for community
            // caseloads (thinking and behaviour and employment most common, drugs and alcohol in
            // about a third); see docs/parameters.md.
            prevalence: PerNeed {
                drugs: 0.35,
                alcohol: 0.35,
                mental_health: 0.30,
                accommodation: 0.30,
                employment: 0.50,
                family: 0.35,
                thinking: 0.60,
            },
            // Assumption.
            risk_gradient: PerTier {
                low: 0.5,
                medium: 1.0,
                high: 1.3,
                very_high: 1.5,
            },
            severity_mix: SeverityMix::default(),
        }
    }
}

/// Shares of mild, moderate and severe among needs present (they must sum to 1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SeverityMix {
    pub mild: f64,
    pub moderate: f64,
    pub severe: f64,
}

impl Default for SeverityMix {
    fn default() -> Self {
        // Assumption.
        SeverityMix {
            mild: 0.4,
            moderate: 0.4,
            severe: 0.2,
        }
    }
}

/// A beta distribution on 0..1 given by its mean and concentration (alpha + beta).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BetaParams {
    pub mean: f64,
    pub concentration: f64,
}

/// Order lengths in weeks and their relative weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OrderLength {
    pub weeks: Vec<u16>,
    pub weights: Vec<f64>,
}

impl Default for OrderLength {
    fn default() -> Self {
        // Community orders in England & Wales run up to three years (Criminal Justice Act 2003
        // s.177); the weights are an assumption centred on twelve months.
        OrderLength {
            weeks: vec![26, 52, 78, 104],
            weights: vec![0.25, 0.50, 0.10, 0.15],
        }
    }
}

/// Case managers: how many, their hours and caseload cap, absence and turnover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Workforce {
    /// Case-manager posts, spread evenly over the patches.
    pub case_managers: u32,
    /// Most cases one case manager may hold; further cases wait unallocated.
    pub caseload_cap: u32,
    /// Hours a week each case manager has for casework (after training, meetings, admin).
    pub hours_per_week: f64,
    /// Long-run share of weeks a case manager is absent (sickness, leave beyond cover).
    pub absence_rate: f64,
    /// Mean length of an absence spell, in weeks.
    pub absence_mean_weeks: f64,
    /// Share of case managers leaving in a year.
    pub turnover_rate: f64,
    /// Weeks a post stays vacant after a leaver before the replacement starts.
    pub vacancy_weeks: u32,
    /// Share of case-manager posts at the higher grade (qualified officers); the rest are
    /// assistants, who hold only cases below `qualified_from_tier` (seed 002: "two grades of
    /// case manager where the most highly trained and paid are assigned the more complex
    /// cases"). 1: one grade.
    pub qualified_share: f64,
    /// The lowest risk tier that only a qualified case manager may hold.
    pub qualified_from_tier: RiskTier,
    /// Volunteer posts, each holding a few low-risk cases (seed 002: "volunteers are
    /// responsible for some lower risk cases"). They take low-risk cases first.
    pub volunteers: u32,
    pub volunteer_hours_per_week: f64,
    pub volunteer_caseload_cap: u32,
}

impl Default for Workforce {
    fn default() -> Self {
        Workforce {
            // Assumption: 60 posts for about 2,750 orders, 46 each, against a cap of 50: near
            // the caseloads of 40-50 commonly reported for probation officers in England & Wales
            // and inside the 12-200 range of the DOMICE survey (seed 002).
            case_managers: 60,
            caseload_cap: 50,
            // Assumption: a 37-hour week less about a fifth for training, supervision and
            // organisational tasks.
            hours_per_week: 30.0,
            // Assumption: about 12 working days lost a year (5%), the order of magnitude of
            // HMPPS staff sickness absence statistics.
            absence_rate: 0.05,
            absence_mean_weeks: 2.0,
            // Assumption: about 12% a year, the order of the leaving rates for probation officers
            // in HMPPS workforce statistics.
            turnover_rate: 0.12,
            // Assumption: three months to recruit and start a replacement.
            vacancy_weeks: 13,
            // One grade by default: seed 002 reports two grades in "some places".
            qualified_share: 1.0,
            // Assumption, after practice in England & Wales, where probation officers hold high
            // and very high risk cases and probation services officers the rest.
            qualified_from_tier: RiskTier::High,
            volunteers: 0,
            // Assumptions: a volunteer gives about half a day a week to a handful of cases.
            volunteer_hours_per_week: 4.0,
            volunteer_caseload_cap: 3,
        }
    }
}

/// How case management is organised (seed 001).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Organisation {
    pub approach: Approach,
    pub streaming: Streaming,
    pub prioritisation: Prioritisation,
    /// Under `discretionary` prioritisation, how unevenly each case manager cuts contact across
    /// risk tiers: the standard deviation of the log of each manager's personal weight for each
    /// tier. 0: every case's contact is equally likely to go.
    pub discretion_spread: f64,
    /// Individual approach: case managers in a cover group, who deliver an absent colleague's
    /// contacts from their spare hours and take a leaver's cases first (seed 001). 1: no cover.
    pub cover_group_size: u32,
    /// Type streaming (`risk`, `offence`, `need`): how much more a specialist's work on a need
    /// achieves with a case of their own type, as a multiplier on `needs.work_per_contact`.
    pub specialist_effect: f64,
}

impl Default for Organisation {
    fn default() -> Self {
        Organisation {
            approach: Approach::Individual,
            streaming: Streaming::Generic,
            // Seed 002: "only a minority provide a consistent, structured way of setting
            // priorities. In most places managing the demand is left to the discretion of the
            // individual case manager".
            prioritisation: Prioritisation::Discretionary,
            // Assumption: seed 002 says discretion is the norm but not how uneven it is. A
            // spread of 0.5 gives one manager's weight for a tier about 1.6 times another's.
            discretion_spread: 0.5,
            // Seed 001 describes cover groups as something that happens "sometimes": none by
            // default.
            cover_group_size: 1,
            // Assumption: no study gives the size of a specialist's advantage; none by default
            // (the generic_vs_specialised scenario sets one and says so).
            specialist_effect: 1.0,
        }
    }
}

/// Who holds responsibility for a case (seed 001).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// How the caseload is divided among staff (seed 001).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// How a case manager cuts work when demand exceeds hours (seed 002).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prioritisation {
    /// A published rule: contact for the lowest-risk cases is cut first.
    Structured,
    /// Each case manager cuts as they see fit: every case's contact is equally likely to go.
    Discretionary,
}

/// The work each case generates besides contacts and referrals (which the mode and the
/// services set): the core functions assess, plan, review and enforce as hours.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Supervision {
    /// Hours for the assessment at the start of the case.
    pub assessment_hours: f64,
    /// Hours to draw up the sentence plan after assessment.
    pub planning_hours: f64,
    /// Weeks between reviews of the plan.
    pub review_interval_weeks: u32,
    pub review_hours: f64,
    /// Paperwork for a formal warning.
    pub warning_hours: f64,
    /// Paperwork and court time for breach proceedings.
    pub breach_hours: f64,
}

impl Default for Supervision {
    fn default() -> Self {
        Supervision {
            // Assumptions: of the order of the per-task times in HMPPS workload measurement.
            assessment_hours: 4.0,
            planning_hours: 2.0,
            review_interval_weeks: 16,
            review_hours: 1.5,
            warning_hours: 0.5,
            breach_hours: 3.0,
        }
    }
}

/// The working relationship between offender and case manager.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Relationship {
    /// Share of the remaining distance to 1 gained at each attended contact.
    pub growth_per_contact: f64,
    /// Share lost each week without an attended contact.
    pub weekly_decay: f64,
    /// Share kept when the responsible case manager changes (a handoff).
    pub retained_on_handoff: f64,
}

impl Default for Relationship {
    fn default() -> Self {
        // Assumptions: about ten attended contacts to build a good relationship; a handoff keeps
        // a third of it. No study gives these numbers; the continuity-of-care scenarios show how
        // much they matter.
        Relationship {
            growth_per_contact: 0.15,
            weekly_decay: 0.02,
            retained_on_handoff: 0.3,
        }
    }
}

/// Keeping appointments and other requirements of the order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Compliance {
    /// Probability of keeping an appointment at motivation 0.5, no relationship, no chaotic needs.
    pub base_attendance: f64,
    /// Change in log-odds of attendance per unit of motivation (centred on 0.5).
    pub motivation_effect: f64,
    /// Change in log-odds of attendance at a full relationship.
    pub relationship_effect: f64,
    /// Change in log-odds of attendance per point of chaotic-need severity.
    pub chaotic_needs_effect: f64,
    /// Share of missed appointments with an acceptable reason (no enforcement).
    pub acceptable_absence_share: f64,
    /// Weekly probability of a violation other than a missed appointment.
    pub violation_rate_per_week: f64,
    /// Probability such a violation is detected in a week without an attended contact.
    pub detection_unsupervised: f64,
    /// Probability it is detected in a week with an attended contact.
    pub detection_with_contact: f64,
}

impl Default for Compliance {
    fn default() -> Self {
        // Assumptions, set so that the baseline's completion rate is near the 70-74% of
        // community sentences completed in England & Wales 2018-2023 (parliamentary written
        // answer, Dec 2023).
        Compliance {
            base_attendance: 0.92,
            motivation_effect: 2.0,
            relationship_effect: 1.0,
            chaotic_needs_effect: 0.15,
            acceptable_absence_share: 0.5,
            violation_rate_per_week: 0.01,
            detection_unsupervised: 0.1,
            detection_with_contact: 0.4,
        }
    }
}

/// Enforcement of the order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Enforcement {
    pub policy: EnforcementPolicy,
    /// Formal warnings allowed within the warning period before breach action.
    pub warnings_before_breach: u8,
    /// Weeks a warning stays live.
    pub warning_period_weeks: u32,
    /// Probability the court revokes the order at a breach (otherwise the order continues).
    pub breach_revocation_prob: f64,
    /// Probability the court revokes the order on a new proven offence during it.
    pub reconviction_revocation_prob: f64,
    /// `graduated`: sanctions, after the warnings, before breach proceedings: the first is
    /// increased reporting (weekly contact), the second and later add a curfew-like
    /// restriction.
    pub sanctions_before_breach: u8,
    /// `graduated`: weeks a sanction stays in force.
    pub sanction_weeks: u32,
    /// `graduated`: paperwork hours to impose a sanction.
    pub sanction_hours: f64,
    /// `graduated`: proportional cut in the reoffending hazard while a restriction is in force.
    pub restriction_effect: f64,
    /// `graduated`: multiplier on the detection of violations while a restriction is in force.
    pub restriction_monitoring: f64,
}

impl Default for Enforcement {
    fn default() -> Self {
        Enforcement {
            policy: EnforcementPolicy::Strict,
            // Criminal Justice Act 2003, Schedule 8: one warning within twelve months, then the
            // responsible officer must start breach proceedings.
            warnings_before_breach: 1,
            warning_period_weeks: 52,
            // Assumptions.
            breach_revocation_prob: 0.7,
            reconviction_revocation_prob: 0.4,
            // Seed 003: graduated sanctions for those "who fail to comply with service plans",
            // to "maximize service participation while avoiding unnecessary incarceration".
            // Assumptions: two steps (more reporting, then a restriction), each for two months.
            sanctions_before_breach: 2,
            sanction_weeks: 8,
            sanction_hours: 1.0,
            restriction_effect: 0.2,
            restriction_monitoring: 2.0,
        }
    }
}

/// Enforcement policy (seed 003).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnforcementPolicy {
    /// Warnings, then breach proceedings.
    Strict,
    /// Warnings, then escalating sanctions (increased reporting, then a curfew-like
    /// restriction), then breach proceedings.
    Graduated,
}

/// How needs change under supervision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NeedDynamics {
    /// Probability that an attended contact's individual work lowers the most severe need by one
    /// level, for a fully motivated offender with a full relationship (scaled down by both).
    pub work_per_contact: f64,
    /// Weekly probability that a chaotic need (drugs, alcohol, mental health, accommodation)
    /// present gets worse by one level.
    pub relapse_per_week: f64,
}

impl Default for NeedDynamics {
    fn default() -> Self {
        // Assumptions.
        NeedDynamics {
            work_per_contact: 0.15,
            relapse_per_week: 0.01,
        }
    }
}

/// The reoffending hazard and its detection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Reoffending {
    /// One-year proven reoffending rate by tier for an offender with the tier's typical needs,
    /// average family support and no working relationship.
    pub proven_rate_by_tier: PerTier<f64>,
    /// Probability that a reoffence is proven (caution or conviction).
    pub detection_prob: f64,
    /// Log-hazard per point of need severity above or below the tier's typical total.
    pub need_effect: f64,
    /// Proportional cut in the hazard at a full working relationship, while under supervision.
    pub relationship_effect: f64,
    /// Log-hazard per unit of family support (centred on the population mean).
    pub family_support_effect: f64,
    /// The risk principle: log-hazard per unit of the mode's intensity for low-risk cases,
    /// from the start of the order to the end of the follow-up. 0 switches it off.
    pub low_risk_intensity_effect: f64,
}

impl Default for Reoffending {
    fn default() -> Self {
        Reoffending {
            // Assumption: rates by risk band are not published. Graded so that the baseline's
            // overall rate is about a third, near the MoJ proven reoffending rate of 35.2% for
            // adults released from custody or starting a court order (Apr-Jun 2023 cohort).
            proven_rate_by_tier: PerTier {
                low: 0.15,
                medium: 0.38,
                high: 0.62,
                very_high: 0.78,
            },
            // Assumptions.
            detection_prob: 0.5,
            need_effect: 0.12,
            relationship_effect: 0.35,
            family_support_effect: 0.8,
            // The risk principle: intensive programmes raised low-risk offenders' recidivism
            // (Lowenkamp & Latessa 2005; Lowenkamp, Latessa & Holsinger 2006). The size is an
            // assumption of the order they report: at full intensity (comprehensive) a low-risk
            // one-year rate of 15% becomes about 20%.
            low_risk_intensity_effect: 0.3,
        }
    }
}
