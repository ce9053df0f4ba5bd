//! The `[sentencing]` and `[custody]` sections: who the court sends to custody, how long for,
//! and Integrated Case Management (ICM) while they are there (seed 004): case conferences, the
//! agencies that attend them, the Community Integration Plan (CIP), families, through-the-gate
//! continuity, release on licence and recall.
//!
//! Seed 004 is a survey of 40 Scottish criminal justice social workers (Jardine & Rigby 2010).
//! Its answers come as frequency words ("always", "most of the time", "sometimes", "never");
//! where a probability is needed they are turned into one with the scale always 1, most of
//! the time (or almost always) 0.8, sometimes 0.4, rarely 0.2, never 0 (an assumption, the same
//! for every question). docs/parameters.md sets each default beside the survey's figures.

use serde::{Deserialize, Serialize};

use super::{OrderLength, PerTier};

/// Sentencing: community order or custody, and how long.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Sentencing {
    /// Probability that a new case is sentenced to custody rather than a community order, by
    /// risk tier (before the offence factor).
    pub custody_share: PerTier<f64>,
    /// Multiplier of `custody_share` by principal offence (the product is capped at 1).
    pub custody_offence_factor: OffenceFactor,
    /// Lengths of custodial sentences (the whole sentence: custody and licence) in weeks, and
    /// their relative weights.
    pub sentence_length: OrderLength,
    /// Odds multiplier of a sentence under 12 months against a longer one, by risk tier: the
    /// weights of `sentence_length`'s lengths under 52 weeks are multiplied by it.
    pub short_sentence_odds: PerTier<f64>,
    /// Weeks in custody after the court revokes a community order (for breach or on a new
    /// conviction) and resentences to custody; released without licence afterwards.
    pub revocation_custody_weeks: u32,
}

impl Default for Sentencing {
    fn default() -> Self {
        Sentencing {
            // Assumption: the shipped baseline is a community caseload, so no one is sentenced
            // to custody unless a scenario says so (icm_throughcare.toml does, with its sources).
            custody_share: PerTier {
                low: 0.0,
                medium: 0.0,
                high: 0.0,
                very_high: 0.0,
            },
            custody_offence_factor: OffenceFactor::default(),
            // Assumption, of the order of MoJ Criminal Justice Statistics: the average custodial
            // sentence length for indictable offences was about 20 months in 2023; this mix has
            // a mean of 81 weeks (18.6 months).
            sentence_length: OrderLength {
                weeks: vec![26, 52, 104, 208],
                weights: vec![0.30, 0.30, 0.25, 0.15],
            },
            // Calibrated to the MoJ's proven reoffending statistics (adults, Apr-Jun 2023
            // cohort): 59.2% of adults released from custodial sentences under 12 months
            // reoffend within a year, against 35.2% of all adults starting a court order or
            // released. Short sentences go mostly to prolific offenders, whom the OGRS-type
            // banding puts at high risk; the odds are set so that `casesim validate`'s
            // short-sentence check lands near 59.2% (docs/validation.md).
            short_sentence_odds: PerTier {
                low: 0.1,
                medium: 0.3,
                high: 2.0,
                very_high: 6.0,
            },
            // Assumption: a short custodial term, half of it served (it was the cost model's
            // `custody_weeks_per_revocation` before custody was simulated).
            revocation_custody_weeks: 8,
        }
    }
}

/// A multiplier for each principal offence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OffenceFactor {
    pub violent: f64,
    pub sexual: f64,
    pub acquisitive: f64,
    pub drug: f64,
    pub other: f64,
}

impl Default for OffenceFactor {
    fn default() -> Self {
        // No effect of offence by default.
        OffenceFactor {
            violent: 1.0,
            sexual: 1.0,
            acquisitive: 1.0,
            drug: 1.0,
            other: 1.0,
        }
    }
}

impl Sentencing {
    /// Whether any case can be sent to custody: some tier's share times some offence's factor
    /// is above 0.
    pub fn sends_anyone(&self) -> bool {
        let factors = self.custody_offence_factor.as_array();
        self.custody_share
            .as_array()
            .iter()
            .any(|&p| factors.iter().any(|&f| (p * f).min(1.0) > 0.0))
    }
}

impl OffenceFactor {
    pub fn as_array(&self) -> [f64; 5] {
        [
            self.violent,
            self.sexual,
            self.acquisitive,
            self.drug,
            self.other,
        ]
    }
}

/// Custody, ICM, release on licence and recall.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Custody {
    /// Share of the sentence served in custody before release on licence, which runs to the
    /// sentence's end.
    pub release_fraction: f64,
    /// Multiplier on the weekly reoffending hazard while in custody (offences inside prison).
    pub hazard_factor: f64,
    /// Probability that breach of licence (after the warnings) ends in recall to custody.
    pub recall_on_breach: f64,
    /// Probability that a proven reoffence on licence ends in recall.
    pub recall_on_reoffence: f64,
    /// Weeks in custody after a recall, by tier (capped at the sentence's end).
    pub recall_weeks: PerTier<u32>,

    /// Through-the-gate continuity: the community case manager who will supervise the licence
    /// takes the case `engage_weeks_before_release` weeks before release, visits, attends the
    /// conferences and has the plan ready on the day of release. `false`: no community case
    /// manager until release; the case is allocated afterwards and first seen after a gap.
    pub through_the_gate: bool,
    pub engage_weeks_before_release: u32,
    /// Weeks between the engaged case manager's prison visits.
    pub prison_visit_interval_weeks: u32,
    /// Hours of a prison visit, travel and security included.
    pub prison_visit_hours: f64,
    /// Without through-the-gate: weeks from release to the first appointment.
    pub handover_gap_weeks: u32,

    /// Weeks between ICM case conferences in custody (the first is held this long after
    /// sentence); a pre-release conference is held `pre_release_conference_weeks` before
    /// release whatever the interval.
    pub conference_interval_weeks: u32,
    pub pre_release_conference_weeks: u32,
    /// Hours of the engaged community case manager at a conference (travel included).
    pub conference_hours: f64,
    /// Probability that each agency attends a conference.
    pub attendance: Agencies,
    /// Probability that the Community Integration Plan is available before a conference.
    pub cip_available: f64,
    /// Without the CIP beforehand, the probability that an attending agency's part of the plan
    /// is agreed (with it: certain).
    pub cip_absent_effect: f64,
    /// Probability that a service (or housing) is in place at release for a need that a
    /// conference planned with the right agency present.
    pub in_place_if_planned: f64,
    /// The same for a need no conference planned for.
    pub in_place_if_unplanned: f64,
    /// Probability that a conference is useful to the prisoner with their personal officer
    /// there, and without; a useful one raises motivation by `motivation_gain` of the way to 1.
    pub useful_with_personal_officer: f64,
    pub useful_without_personal_officer: f64,
    pub motivation_gain: f64,
    /// Multiplier on the detection of licence violations for a case whose risk plan the police
    /// agreed at a conference (sexual offences, and violent offences at high risk and above:
    /// the cases MAPPA covers).
    pub police_monitoring: f64,

    /// Scales the chance that families are invited and prepared (0: never involved; 1: the
    /// practice seed 004 describes).
    pub family_involvement: f64,
    pub family: Family,
}

/// One probability per agency at an ICM case conference (seed 004, 4.1-4.2, figure 4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Agencies {
    pub prison_case_management: f64,
    pub prison_social_work: f64,
    pub community_social_work: f64,
    pub health: f64,
    pub psychology: f64,
    pub addictions: f64,
    pub housing: f64,
    pub police: f64,
    pub personal_officer: f64,
}

/// The agencies, in the order of [`Agencies::as_array`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agency {
    PrisonCaseManagement,
    PrisonSocialWork,
    CommunitySocialWork,
    Health,
    Psychology,
    Addictions,
    Housing,
    Police,
    PersonalOfficer,
}

impl Agency {
    pub const COUNT: usize = 9;
    pub const ALL: [Agency; Agency::COUNT] = [
        Agency::PrisonCaseManagement,
        Agency::PrisonSocialWork,
        Agency::CommunitySocialWork,
        Agency::Health,
        Agency::Psychology,
        Agency::Addictions,
        Agency::Housing,
        Agency::Police,
        Agency::PersonalOfficer,
    ];

    pub fn bit(self) -> u16 {
        1 << self as u16
    }
}

impl Agencies {
    pub fn as_array(&self) -> [f64; Agency::COUNT] {
        [
            self.prison_case_management,
            self.prison_social_work,
            self.community_social_work,
            self.health,
            self.psychology,
            self.addictions,
            self.housing,
            self.police,
            self.personal_officer,
        ]
    }

    /// The keys, in the same order.
    pub const NAMES: [&'static str; Agency::COUNT] = [
        "prison_case_management",
        "prison_social_work",
        "community_social_work",
        "health",
        "psychology",
        "addictions",
        "housing",
        "police",
        "personal_officer",
    ];
}

impl Default for Agencies {
    fn default() -> Self {
        // Seed 004, 4.1: "it is assumed SPS case management staff were in attendance at all
        // meetings"; prison and community social workers "were present at substantially more
        // conferences than other professionals"; attendance by "health, psychology, personal
        // officers and the police could be sporadic" (4.2), and more was wanted "particularly
        // from health and addictions" (4.7). Figure 4's numbers are not in the seed's text, so
        // the values below are assumptions that keep its order; 80% of social workers said
        // conferences were always well attended (4.1). Housing is not named in the survey's
        // attendance findings (a respondent asks for it, 6.2): assumption.
        Agencies {
            prison_case_management: 1.0,
            prison_social_work: 0.9,
            community_social_work: 0.8,
            health: 0.3,
            psychology: 0.25,
            addictions: 0.3,
            housing: 0.2,
            police: 0.15,
            personal_officer: 0.4,
        }
    }
}

/// Families at ICM case conferences (seed 004, section 5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Family {
    /// Probability that nobody invites the family, for confusion over whose job it is.
    pub no_one_invites: f64,
    /// How an invited family is prepared (shares summing to 1).
    pub preparation: Preparation,
    /// Probability that an invited family attends (the prisoner agreeing).
    pub attends_if_invited: f64,
    /// Probability that an attending family follows the discussion, by how it was prepared.
    pub understands: Preparation,
    /// Share of the way to full family support gained when the family attends and understands;
    /// half of it when they attend without following the discussion.
    pub support_gain: f64,
}

/// One value for each way of preparing a family: none, a letter (or an information sheet), a
/// phone call, a home visit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preparation {
    pub none: f64,
    pub letter: f64,
    pub phone: f64,
    pub visit: f64,
}

impl Preparation {
    pub fn as_array(&self) -> [f64; 4] {
        [self.none, self.letter, self.phone, self.visit]
    }
}

impl Default for Family {
    fn default() -> Self {
        Family {
            // Seed 004, 5.6-5.8: respondents named the prison (38%), prison-based social work
            // (34%), the prisoner (20%) or community social work as the one who should invite;
            // "confusion over whose responsibility this was". The share of invitations that
            // fall between them is not measured: 0.3 is an assumption.
            no_one_invites: 0.3,
            // Seed 004, 5.9: preparation done always 18%, most of the time 10%, sometimes 19%,
            // rarely 38%, never 9% (94% answering): 0.44 on the frequency scale. 5.11: when
            // done, by letter 57% (information sheets 10% counted with letters), home visit
            // 21%, phone 12%. So none 0.56, letter 0.29, phone 0.05, visit 0.10.
            preparation: Preparation {
                none: 0.56,
                letter: 0.29,
                phone: 0.05,
                visit: 0.10,
            },
            // Assumption: some prisoners do not want their family there (seed 004, 5.7, 7.6).
            attends_if_invited: 0.6,
            // Seed 004, 5.13: families followed the discussion in 23% of answers, "only
            // sometimes" in 70%, not in 6%: 0.51 on the frequency scale. The rise with
            // preparation is an assumption (5.12 links poor understanding to poor
            // preparation), set so that the mean under the shares above is 0.52.
            understands: Preparation {
                none: 0.4,
                letter: 0.6,
                phone: 0.7,
                visit: 0.85,
            },
            // Assumption. Seed 004, 5.3-5.4: "supportive contact between prisoners and their
            // families is a protective factor against reoffending".
            support_gain: 0.2,
        }
    }
}

impl Default for Custody {
    fn default() -> Self {
        Custody {
            // Criminal Justice Act 2003 s.244: automatic release at the halfway point of a
            // standard determinate sentence, on licence to its end (s.249).
            release_fraction: 0.5,
            // Assumption: "near zero in custody" (SPEC); proven offences in prison are rare.
            hazard_factor: 0.05,
            // Assumptions: breach of licence reported to the Public Protection Casework Section
            // is usually recalled; a further charge often is.
            recall_on_breach: 0.9,
            recall_on_reoffence: 0.6,
            // Criminal Justice Act 2003 s.255B-C: fixed-term recall of 28 days; higher-risk
            // cases get a standard recall, released by the Parole Board: 26 weeks is an
            // assumption.
            recall_weeks: PerTier {
                low: 4,
                medium: 4,
                high: 26,
                very_high: 26,
            },
            // Seed 004, 1.14-1.16: ICM unites prison sentence management with community
            // throughcare for prisoners subject to supervision on release; community-based
            // social workers attend the conferences (4.1). On by default.
            through_the_gate: true,
            // Assumption, after the "Through the Gate" resettlement services in England & Wales,
            // which began 12 weeks before release (HM Inspectorate of Probation, 2016).
            engage_weeks_before_release: 12,
            // Assumptions: a visit a month, half a day with travel and prison security
            // (seed 004, 6.6: "a delay for workers entering the prison").
            prison_visit_interval_weeks: 4,
            prison_visit_hours: 3.0,
            // Assumption: two weeks to allocate and see a licensee nobody met before release.
            handover_gap_weeks: 2,
            // Assumptions: the ICM manual's schedule is not in seed 004; twice a year, and a
            // pre-release conference two months before release.
            conference_interval_weeks: 26,
            pre_release_conference_weeks: 8,
            conference_hours: 2.0,
            attendance: Agencies::default(),
            // Seed 004, 2.1: the CIP available before the conference always 18%, almost always
            // 41%, sometimes 29%, never 12%: 0.18 + 0.8 x 0.41 + 0.4 x 0.29 = 0.62.
            cip_available: 0.62,
            // Assumption. Seed 004, 3.2: 86% felt preparation sufficient even though 41% only
            // sometimes or never had the CIP, so the CIP matters, but not all-or-nothing.
            cip_absent_effect: 0.7,
            // Assumptions: no study gives these; a plan agreed with the agency that provides
            // the service makes a place at release likely, and without one it is unlikely.
            in_place_if_planned: 0.7,
            in_place_if_unplanned: 0.15,
            // Seed 004, 5.1-5.2: conferences useful to the prisoner always 44%, most of the
            // time 39%, sometimes 18%: 0.82 on the frequency scale. The split by the personal
            // officer's presence is an assumption (4.2: "more often or not it is a stand in,
            // who knows little or nothing about the prisoner") with the same mean at the
            // default attendance of 0.4.
            useful_with_personal_officer: 0.95,
            useful_without_personal_officer: 0.73,
            // Assumption.
            motivation_gain: 0.1,
            // Assumption.
            police_monitoring: 1.5,
            // Seed 004's practice.
            family_involvement: 1.0,
            family: Family::default(),
        }
    }
}
