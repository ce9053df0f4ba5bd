//! The `[sentencing]` and `[custody]` sections: who the court sends to custody, how long for,
//! and Integrated Case Management (ICM) while they are there: case conferences, the agencies
//! that attend them, the Community Integration Plan (CIP), families, through-the-gate
//! continuity, release on licence and recall.
//!
//! Jardine & Rigby 2010 surveyed 40 Scottish criminal justice social workers about ICM. Their
//! answers come as frequency words ("always", "most of the time", "sometimes", "never"); where
//! a probability is needed they are turned into one with the scale always 1, most of the time
//! (or almost always) 0.8, sometimes 0.4, rarely 0.2, never 0 (an assumption, the same for
//! every question). docs/parameters.md sets each default beside the survey's figures.

use serde::{Deserialize, Serialize};

use super::{MAX_WEEKS, OffenceType, OrderLength, PerTier};
use crate::scenario::table::Params;

/// Sentencing: community order or custody, and how long.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Sentencing {
    /// Probability that a new case is sentenced to custody rather than a community order, by
    /// risk tier (before the offence factor).
    #[param(
        default = PerTier::new(0.0, 0.0, 0.0, 0.0),
        unit = "probability",
        min = 0,
        max = 1,
        label = "sent to custody",
        source = "assumption: the shipped baseline is a community caseload, so no one is \
                  sentenced to custody unless a scenario says so (icm_throughcare.toml does, \
                  with its sources)"
    )]
    pub custody_share: PerTier<f64>,
    /// Multiplier of `custody_share` by principal offence (the product is capped at 1).
    #[param(
        section,
        label = "custody by offence",
        source = "no effect of offence by default; the ICM scenario makes custody likelier for \
                  violent and sexual offences (assumption)"
    )]
    pub custody_offence_factor: OffenceFactor,
    /// Lengths of custodial sentences (the whole sentence: custody and licence) in weeks, and
    /// their relative weights. Every length is at least 2 weeks (a week in custody and one on
    /// licence).
    #[param(
        section,
        default = OrderLength {
            weeks: vec![26, 52, 104, 208],
            weights: vec![0.30, 0.30, 0.25, 0.15],
        },
        label = "sentence length",
        source = "assumption, of the order of the Ministry of Justice's Criminal Justice \
                  Statistics: the average custodial sentence for indictable offences was about 20 \
                  months in 2023; this mix has a mean of 81 weeks (18.6 months)"
    )]
    pub sentence_length: OrderLength,
    /// Odds multiplier of a sentence under 12 months against a longer one, by risk tier: the
    /// weights of `sentence_length`'s lengths under 52 weeks are multiplied by it.
    #[param(
        default = PerTier::new(0.1, 0.3, 2.0, 6.0),
        unit = "odds multiplier",
        min = 1e-6,
        max = 1e6,
        label = "odds of a short sentence",
        source = "calibration to the Ministry of Justice's proven reoffending statistics \
                  (Ministry of Justice 2025): 59.2% of adults released from custodial sentences \
                  under 12 months reoffend within a year, against 35.2% of all adults. Short \
                  sentences go mostly to prolific offenders, whom OGRS-type banding puts at high \
                  risk; the odds are set so that casesim validate's short-sentence check lands \
                  near 59.2%"
    )]
    pub short_sentence_odds: PerTier<f64>,
    /// Weeks in custody after the court revokes a community order (for breach or on a new
    /// conviction) and resentences to custody; released without licence afterwards.
    #[param(
        default = 8,
        unit = "weeks",
        max = MAX_WEEKS,
        label = "weeks in custody after a revoked order",
        source = "assumption: a short custodial term, half of it served"
    )]
    pub revocation_custody_weeks: u32,
}

/// A multiplier for each principal offence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct OffenceFactor {
    /// Multiplier for violent offences.
    #[param(
        default = 1.0,
        unit = "multiplier",
        min = 0,
        max = 1000,
        label = "violent"
    )]
    pub violent: f64,
    /// Multiplier for sexual offences.
    #[param(
        default = 1.0,
        unit = "multiplier",
        min = 0,
        max = 1000,
        label = "sexual"
    )]
    pub sexual: f64,
    /// Multiplier for acquisitive offences.
    #[param(
        default = 1.0,
        unit = "multiplier",
        min = 0,
        max = 1000,
        label = "acquisitive"
    )]
    pub acquisitive: f64,
    /// Multiplier for drug offences.
    #[param(
        default = 1.0,
        unit = "multiplier",
        min = 0,
        max = 1000,
        label = "drug"
    )]
    pub drug: f64,
    /// Multiplier for other offences.
    #[param(
        default = 1.0,
        unit = "multiplier",
        min = 0,
        max = 1000,
        label = "other"
    )]
    pub other: f64,
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

/// Custody, ICM, release on licence and recall.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Custody {
    /// Share of the sentence served in custody before release on licence, which runs to the
    /// sentence's end.
    #[param(
        default = 0.5,
        unit = "share of the sentence",
        above = 0,
        max = 1,
        why = "some of the sentence is served in custody",
        label = "share of a sentence served in custody",
        source = "Criminal Justice Act 2003 s.244: automatic release at the halfway point of a \
                  standard determinate sentence, on licence to its end (s.249)"
    )]
    pub release_fraction: f64,
    /// Multiplier on the weekly reoffending hazard while in custody (offences inside prison).
    #[param(
        default = 0.05,
        unit = "multiplier",
        min = 0,
        max = 1,
        label = "offending in custody",
        source = "assumption: near zero in custody; proven offences in prison are rare"
    )]
    pub hazard_factor: f64,
    /// Probability that breach of licence (after the warnings) ends in recall to custody.
    #[param(
        default = 0.9,
        unit = "probability",
        min = 0,
        max = 1,
        label = "recall at a breach of licence",
        source = "assumption: breach of licence reported to the Public Protection Casework \
                  Section is usually recalled"
    )]
    pub recall_on_breach: f64,
    /// Probability that a proven reoffence on licence ends in recall.
    #[param(
        default = 0.6,
        unit = "probability",
        min = 0,
        max = 1,
        label = "recall on a further offence",
        source = "assumption: a further charge often is recalled"
    )]
    pub recall_on_reoffence: f64,
    /// Weeks in custody after a standard recall, by tier (capped at the sentence's end).
    #[param(
        default = PerTier::new(4, 4, 26, 26),
        unit = "weeks",
        min = 1,
        max = MAX_WEEKS,
        label = "weeks in custody after a standard recall",
        source = "assumption: a standard recall is served until the Parole Board (or the \
                  Secretary of State) re-releases, often months; 26 weeks"
    )]
    pub recall_weeks: PerTier<u32>,
    /// Probability a recall is a fixed-term one (released automatically after
    /// `fixed_term_weeks`) rather than a standard one (`recall_weeks`), by tier, when no
    /// further charge is among its reasons and the sentence is short enough; otherwise the
    /// recall is standard.
    #[param(
        default = PerTier::new(1.0, 1.0, 0.8, 0.0),
        unit = "probability",
        min = 0,
        max = 1,
        label = "fixed-term recalls",
        source = "Criminal Justice Act 2003 s.255A-C: a fixed-term recall where the person \
                  would not present a risk of serious harm on release at its end, and not \
                  when recalled on being charged with an offence; since SI 2024/408 the \
                  default, except for those managed at MAPPA level 2 or 3. The shares by tier \
                  (none for very high, standing for MAPPA levels 2-3; 0.8 for high) are an \
                  assumption"
    )]
    pub fixed_term_share: PerTier<f64>,
    /// Weeks in custody after a fixed-term recall.
    #[param(
        default = 8,
        unit = "weeks",
        min = 1,
        max = MAX_WEEKS,
        label = "weeks of a fixed-term recall",
        source = "Criminal Justice Act 2003 s.255BA, inserted by the Sentencing Act 2026 s.32: \
                  56 days for adults (before it, s.255B: 14 days for a sentence under 12 \
                  months, 28 days otherwise)"
    )]
    pub fixed_term_weeks: u32,
    /// Sentences this long or longer get a standard recall, whatever the reasons.
    #[param(
        default = 208,
        unit = "weeks",
        min = 1,
        max = MAX_WEEKS,
        label = "no fixed-term recall from sentences of",
        source = "Criminal Justice Act 2003 s.255A(4ZA) as amended (Recall Suitability Order, \
                  SI 2024/408): fixed-term recall for sentences of less than four years"
    )]
    pub fixed_term_below_sentence_weeks: u32,

    /// Through-the-gate continuity: the community case manager who will supervise the licence
    /// takes the case `engage_weeks_before_release` weeks before release, visits, attends the
    /// conferences and has the plan ready on the day of release. `false`: no community case
    /// manager until release; the case is allocated afterwards and first seen after a gap.
    #[param(
        default = true,
        label = "through-the-gate continuity",
        source = "Jardine & Rigby 2010 (1.14-1.16): ICM unites prison sentence management with \
                  community throughcare for prisoners subject to supervision on release"
    )]
    pub through_the_gate: bool,
    /// Weeks before release that the community case manager takes the case.
    #[param(
        default = 12,
        unit = "weeks",
        max = MAX_WEEKS,
        label = "weeks engaged before release",
        source = "after the Through the Gate resettlement services in England & Wales, which \
                  began 12 weeks before release (HM Inspectorate of Probation 2016)"
    )]
    pub engage_weeks_before_release: u32,
    /// Weeks between the engaged case manager's prison visits.
    #[param(
        default = 4,
        unit = "weeks",
        min = 1,
        max = MAX_WEEKS,
        label = "weeks between prison visits",
        source = "assumption: a visit a month"
    )]
    pub prison_visit_interval_weeks: u32,
    /// Hours of a prison visit, travel and security included.
    #[param(
        default = 3.0,
        unit = "hours",
        min = 0,
        max = 100,
        label = "hours of a prison visit",
        source = "assumption: half a day with travel and prison security (Jardine & Rigby 2010, \
                  6.6: \"a delay for workers entering the prison\")"
    )]
    pub prison_visit_hours: f64,
    /// Without through-the-gate: weeks from release to the first appointment.
    #[param(
        default = 2,
        unit = "weeks",
        max = MAX_WEEKS,
        label = "weeks from release to the first appointment",
        source = "assumption: two weeks to allocate and see a licensee nobody met before release"
    )]
    pub handover_gap_weeks: u32,

    /// Integrated Case Management in custody: multi-agency case conferences, the Community
    /// Integration Plan and families at the conferences (the keys below, to `family`).
    /// `false`: sentence management without them, as before ICM: prisoners serve their
    /// sentence and are released on licence, but no conference is held, so nothing is planned
    /// with an agency, no family is invited, no police risk plan is agreed and nobody is
    /// referred at a pre-release conference; a service is in place at release only when the
    /// case already waits for or attends one (a through-the-gate case manager's own referral),
    /// and housing with `in_place_if_unplanned`. The other ICM keys are then ignored.
    #[param(
        default = true,
        label = "Integrated Case Management (ICM)",
        source = "Jardine & Rigby 2010 (1.14-1.16): ICM superseded SPS Sentence Management on 1 \
                  June 2006 with a case conference approach involving all relevant service \
                  providers, every prisoner leaving with a Community Integration Plan"
    )]
    pub icm: bool,
    /// Weeks between ICM case conferences in custody (the first is held this long after
    /// sentence); a pre-release conference is held `pre_release_conference_weeks` before
    /// release whatever the interval.
    #[param(
        default = 26,
        unit = "weeks",
        min = 1,
        max = MAX_WEEKS,
        label = "weeks between ICM conferences",
        source = "assumption: the ICM manual's schedule is not in Jardine & Rigby 2010; twice a \
                  year"
    )]
    pub conference_interval_weeks: u32,
    /// Weeks before release of the pre-release conference.
    #[param(
        default = 8,
        unit = "weeks",
        max = MAX_WEEKS,
        label = "weeks before release of the pre-release conference",
        source = "assumption: two months before release"
    )]
    pub pre_release_conference_weeks: u32,
    /// Hours of the engaged community case manager at a conference (travel included).
    #[param(
        default = 2.0,
        unit = "hours",
        min = 0,
        max = 100,
        label = "hours at an ICM conference",
        source = "assumption"
    )]
    pub conference_hours: f64,
    /// Probability that each agency attends a conference.
    #[param(section, label = "attends an ICM conference")]
    pub attendance: Agencies,
    /// Probability that the Community Integration Plan is available before a conference.
    #[param(
        default = 0.62,
        unit = "probability",
        min = 0,
        max = 1,
        label = "plan available before a conference",
        source = "Jardine & Rigby 2010 (2.1): the CIP available before the conference always \
                  18%, almost always 41%, sometimes 29%, never 12%: 0.18 + 0.8 x 0.41 + 0.4 x \
                  0.29 = 0.62"
    )]
    pub cip_available: f64,
    /// Without the CIP beforehand, the probability that an attending agency's part of the plan
    /// is agreed (with it: certain).
    #[param(
        default = 0.7,
        unit = "probability",
        min = 0,
        max = 1,
        label = "plan agreed without the CIP",
        source = "assumption; Jardine & Rigby 2010 (3.2): 86% felt preparation sufficient even \
                  though 41% only sometimes or never had the CIP, so the CIP matters, but not \
                  all-or-nothing"
    )]
    pub cip_absent_effect: f64,
    /// Probability that a service (or housing) is in place at release for a need that a
    /// conference planned with the right agency present.
    #[param(
        default = 0.7,
        unit = "probability",
        min = 0,
        max = 1,
        label = "service in place at release if planned",
        source = "assumption: a plan agreed with the agency that provides the service makes a \
                  place at release likely"
    )]
    pub in_place_if_planned: f64,
    /// The same for a need no conference planned for.
    #[param(
        default = 0.15,
        unit = "probability",
        min = 0,
        max = 1,
        label = "service in place at release if not planned",
        source = "assumption: without a plan a place at release is unlikely"
    )]
    pub in_place_if_unplanned: f64,
    /// Probability that a conference is useful to the prisoner with their personal officer
    /// there; a useful one raises motivation by `motivation_gain` of the way to 1.
    #[param(
        default = 0.95,
        unit = "probability",
        min = 0,
        max = 1,
        label = "conference useful with the personal officer",
        source = "Jardine & Rigby 2010 (5.1-5.2): conferences useful to the prisoner always 44%, \
                  most of the time 39%, sometimes 18%: 0.82 on the frequency scale. The split by \
                  the personal officer's presence is an assumption (4.2: \"more often or not it \
                  is a stand in, who knows little or nothing about the prisoner\") with the same \
                  mean at the default attendance of 0.4"
    )]
    pub useful_with_personal_officer: f64,
    /// The same without the personal officer.
    #[param(
        default = 0.73,
        unit = "probability",
        min = 0,
        max = 1,
        label = "conference useful without the personal officer",
        source = "Jardine & Rigby 2010 (5.1-5.2), as for useful_with_personal_officer"
    )]
    pub useful_without_personal_officer: f64,
    /// Share of the way to full motivation gained at a useful conference.
    #[param(
        default = 0.1,
        unit = "share of the distance to 1",
        min = 0,
        max = 1,
        label = "motivation gained at a useful conference",
        source = "assumption"
    )]
    pub motivation_gain: f64,
    /// Multiplier on the detection of licence violations for a case whose risk plan the police
    /// agreed at a conference (sexual offences, and violent offences at high risk and above:
    /// the cases MAPPA covers).
    #[param(
        default = 1.5,
        unit = "multiplier",
        min = 0,
        max = 100,
        label = "detection with a police risk plan",
        source = "assumption"
    )]
    pub police_monitoring: f64,

    /// Scales the chance that families are invited and prepared (0: never involved; 1: the
    /// practice Jardine & Rigby 2010 describe).
    #[param(
        default = 1.0,
        unit = "multiplier",
        min = 0,
        max = 100,
        label = "family involvement",
        source = "the practice Jardine & Rigby 2010 describe"
    )]
    pub family_involvement: f64,
    #[param(section, label = "family")]
    pub family: Family,
}

/// One probability per agency at an ICM case conference (Jardine & Rigby 2010, 4.1-4.2). Figure
/// 4's numbers are not in the paper's text, so most values are assumptions that keep the order
/// it reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Agencies {
    /// The prison's case management staff.
    #[param(
        default = 1.0,
        unit = "probability",
        min = 0,
        max = 1,
        label = "prison case management",
        source = "Jardine & Rigby 2010 (4.1): \"it is assumed SPS case management staff were in \
                  attendance at all meetings\""
    )]
    pub prison_case_management: f64,
    /// The prison-based social worker.
    #[param(
        default = 0.9,
        unit = "probability",
        min = 0,
        max = 1,
        label = "prison social work",
        source = "Jardine & Rigby 2010 (4.1): social workers \"were present at substantially \
                  more conferences than other professionals\"; 0.9 is an assumption in that \
                  order"
    )]
    pub prison_social_work: f64,
    /// The community-based social worker.
    #[param(
        default = 0.8,
        unit = "probability",
        min = 0,
        max = 1,
        label = "community social work",
        source = "Jardine & Rigby 2010 (4.1): 80% of social workers said conferences were \
                  always well attended; assumption near that figure"
    )]
    pub community_social_work: f64,
    /// Health care.
    #[param(
        default = 0.3,
        unit = "probability",
        min = 0,
        max = 1,
        label = "health",
        source = "Jardine & Rigby 2010 (4.2, 4.7): attendance by health \"could be sporadic\", \
                  more wanted \"particularly from health and addictions\"; assumption"
    )]
    pub health: f64,
    /// Psychology.
    #[param(
        default = 0.25,
        unit = "probability",
        min = 0,
        max = 1,
        label = "psychology",
        source = "Jardine & Rigby 2010 (4.2): attendance by psychology \"could be sporadic\"; \
                  assumption"
    )]
    pub psychology: f64,
    /// Addictions services.
    #[param(
        default = 0.3,
        unit = "probability",
        min = 0,
        max = 1,
        label = "addictions",
        source = "Jardine & Rigby 2010 (4.7): more attendance wanted from addictions; assumption"
    )]
    pub addictions: f64,
    /// Housing.
    #[param(
        default = 0.2,
        unit = "probability",
        min = 0,
        max = 1,
        label = "housing",
        source = "assumption: housing is named only in a wish for more attendance (Jardine & \
                  Rigby 2010, 6.2)"
    )]
    pub housing: f64,
    /// The police.
    #[param(
        default = 0.15,
        unit = "probability",
        min = 0,
        max = 1,
        label = "police",
        source = "Jardine & Rigby 2010 (4.2): the police absent \"even with sex offenders\"; \
                  assumption"
    )]
    pub police: f64,
    /// The prisoner's personal officer.
    #[param(
        default = 0.4,
        unit = "probability",
        min = 0,
        max = 1,
        label = "personal officer",
        source = "Jardine & Rigby 2010 (4.2): the personal officer is often \"a stand in\"; \
                  assumption"
    )]
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

// Sets of agencies present are kept as bit masks in a u16.
const _: () = assert!(Agency::COUNT <= u16::BITS as usize);

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
}

/// Families at ICM case conferences (Jardine & Rigby 2010, section 5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Family {
    /// Probability that nobody invites the family, for confusion over whose job it is.
    #[param(
        default = 0.3,
        unit = "probability",
        min = 0,
        max = 1,
        label = "nobody invites the family",
        source = "Jardine & Rigby 2010 (5.6-5.8): respondents named the prison (38%), prison-based \
                  social work (34%), the prisoner (20%) or community social work as the one who \
                  should invite; \"confusion over whose responsibility this was\". The share of \
                  invitations that fall between them is not measured: 0.3 is an assumption"
    )]
    pub no_one_invites: f64,
    /// How an invited family is prepared (shares summing to 1).
    #[param(
        section,
        default = Preparation { none: 0.56, letter: 0.29, phone: 0.05, visit: 0.10 },
        label = "family prepared",
        source = "Jardine & Rigby 2010 (5.9): preparation done always 18%, most of the time 10%, \
                  sometimes 19%, rarely 38%, never 9% (94% answering): 0.44 on the frequency \
                  scale. (5.11): when done, by letter 57% (information sheets 10% counted with \
                  letters), home visit 21%, phone 12%. So none 0.56, letter 0.29, phone 0.05, \
                  visit 0.10"
    )]
    pub preparation: Preparation,
    /// Probability that an invited family attends (the prisoner agreeing).
    #[param(
        default = 0.6,
        unit = "probability",
        min = 0,
        max = 1,
        label = "invited family attends",
        source = "assumption: some prisoners do not want their family there (Jardine & Rigby \
                  2010, 5.7, 7.6)"
    )]
    pub attends_if_invited: f64,
    /// Probability that an attending family follows the discussion, by how it was prepared.
    #[param(
        section,
        default = Preparation { none: 0.4, letter: 0.6, phone: 0.7, visit: 0.85 },
        label = "family follows the discussion",
        source = "Jardine & Rigby 2010 (5.13): families followed the discussion in 23% of answers, \
                  \"only sometimes\" in 70%, not in 6%: 0.51 on the frequency scale. The rise \
                  with preparation is an assumption (5.12 links poor understanding to poor \
                  preparation), set so that the mean under the shares of preparation is 0.52"
    )]
    pub understands: Preparation,
    /// Share of the way to full family support gained when the family attends and understands;
    /// half of it when they attend without following the discussion.
    #[param(
        default = 0.2,
        unit = "share of the distance to 1",
        min = 0,
        max = 1,
        label = "family support gained",
        source = "assumption; Jardine & Rigby 2010 (5.3-5.4): \"supportive contact between \
                  prisoners and their families is a protective factor against reoffending\""
    )]
    pub support_gain: f64,
}

/// One value for each way of preparing a family: none, a letter (or an information sheet), a
/// phone call, a home visit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct Preparation {
    /// Not prepared.
    #[param(unit = "probability", min = 0, max = 1, label = "not prepared")]
    pub none: f64,
    /// By letter or information sheet.
    #[param(unit = "probability", min = 0, max = 1, label = "by letter")]
    pub letter: f64,
    /// By a phone call.
    #[param(unit = "probability", min = 0, max = 1, label = "by phone")]
    pub phone: f64,
    /// By a home visit.
    #[param(unit = "probability", min = 0, max = 1, label = "by a home visit")]
    pub visit: f64,
}

impl Preparation {
    pub fn as_array(&self) -> [f64; 4] {
        [self.none, self.letter, self.phone, self.visit]
    }
}
