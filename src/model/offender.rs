//! Offenders: the people under supervision, with their static risk, offence, criminogenic needs,
//! motivation and family support, and the state that the weekly step changes.
//!
//! Vocabulary from the seeds: a *case* is one offender's order; *risk tier* comes from a static
//! risk score (the OGRS-style banding used in England & Wales); *criminogenic needs* are the
//! dynamic factors case managers work on (the OASys sections, grouped).

use rand::Rng;
use rand_distr::{Beta, Distribution};

use crate::model::enforcement::Sanctions;
use crate::model::journey::{Disposal, OrderOutcome, Stage};
use crate::model::organisation::HandoffCause;
use crate::model::services::ServiceState;
use crate::model::workforce::{ManagerId, NO_GROUP};
use crate::rng::{Draws, Entity};
use crate::scenario::{AgeProfile, Population, StartingCircumstances};
pub use crate::scenario::{MAX_SEVERITY, Need, OffenceType, RiskTier};

/// Severity of each criminogenic need, indexed by `Need as usize`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs(pub [u8; Need::COUNT]);

impl Needs {
    pub fn severity(&self, need: Need) -> u8 {
        self.0[need as usize]
    }

    /// Sum of severities over all needs: the dynamic-risk load in the reoffending hazard.
    pub fn total(&self) -> u32 {
        self.0.iter().map(|&s| u32::from(s)).sum()
    }

    /// Sum of severities of the chaotic needs: lowers attendance.
    pub fn chaotic_total(&self) -> u32 {
        Need::ALL
            .iter()
            .filter(|n| n.is_chaotic())
            .map(|&n| u32::from(self.severity(n)))
            .sum()
    }

    /// Bit i set when need i is present (severity > 0).
    pub fn present_mask(&self) -> u8 {
        self.0.iter().enumerate().fold(
            0,
            |mask, (i, &s)| if s > 0 { mask | (1 << i) } else { mask },
        )
    }

    /// The need a case manager works on first: the most severe, ties to the earlier in
    /// [`Need::ALL`] (chaotic needs come first there, as stabilising them comes first in practice).
    pub fn most_severe(&self) -> Option<Need> {
        let (i, &s) = self
            .0
            .iter()
            .enumerate()
            .max_by_key(|&(i, &s)| (s, std::cmp::Reverse(i)))?;
        (s > 0).then_some(Need::ALL[i])
    }
}

/// What happened to a case this week (reset at the start of each week).
#[derive(Clone, Copy, Debug, Default)]
pub struct WeekEvents {
    pub contact_due: bool,
    pub contact_offered: bool,
    pub contact_attended: bool,
    /// The contact was delivered by a colleague covering an absent case manager.
    pub contact_by_cover: bool,
    /// The plan was reviewed this week.
    pub reviewed: bool,
    /// Team members other than the lead who attended a case conference this week (bit i:
    /// member place i).
    pub conference_members: u8,
    /// The team member who made this week's contact under the `team` approach (member place
    /// + 1; 0: the lead).
    pub contact_by_member: u8,
    /// Unacceptable failures to comply detected this week (missed appointments, violations).
    pub failures: u8,
    /// An ICM case conference was held this week (custody), with this many agencies present.
    pub icm_conference: bool,
    pub icm_agencies: u8,
    /// The family was invited to it, and attended.
    pub family_invited: bool,
    pub family_attended: bool,
    /// The first appointment after release was offered this week, and kept or missed.
    pub first_appointment: Option<bool>,
    /// The first kept appointment after release was this week.
    pub first_contact_after_release: bool,
    /// Released from custody at the end of this week, or recalled to it.
    pub released: bool,
    pub recalled: bool,
    /// A proven offence committed in custody this week.
    pub proven_in_custody: bool,
    /// Missed appointments and unanswered instructions to report reached the number at which
    /// the person's whereabouts are unknown (see `compliance::keep_in_touch`).
    pub whereabouts_unknown: bool,
    /// The person was instructed to report after weeks unseen (see `compliance::keep_in_touch`).
    pub checked: bool,
    /// A drugs or alcohol need flared up this week (see `needs`), and settled accommodation
    /// was lost (see `circumstances`): on licence, both break its conditions.
    pub relapsed: bool,
    pub housing_lost: bool,
    /// A proven reoffence this week.
    pub proven: bool,
}

/// What was in place when a prisoner was released (bit flags), for the measures.
pub mod at_release {
    /// Released with a need other than accommodation.
    pub const SERVICE_NEED: u8 = 1;
    /// A service for it was in place (a place, or an accepted referral).
    pub const SERVICE_IN_PLACE: u8 = 2;
    /// Released with an accommodation need.
    pub const HOUSING_NEED: u8 = 4;
    /// Housing was in place.
    pub const HOUSING_IN_PLACE: u8 = 8;
}

/// Integrated Case Management while in custody (see `model::icm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IcmState {
    /// Week of the next case conference ([`NEVER`]: none before release).
    pub next_conference: i32,
    /// Needs that a conference has planned for with the right agency present (bit per need).
    pub planned: u8,
    /// The police agreed a risk management plan at a conference.
    pub risk_plan: bool,
}

impl Default for IcmState {
    fn default() -> Self {
        IcmState {
            next_conference: NEVER,
            planned: 0,
            risk_plan: false,
        }
    }
}

/// Most team members besides the lead.
pub const MAX_MEMBERS: usize = 3;

// Which team members have made their own assessment is kept as a bit mask in a byte (bit i:
// member place i): every place must have its bit.
const _: () = assert!(MAX_MEMBERS <= u8::BITS as usize);

/// Sentinel for "never happened" in week fields.
pub const NEVER: i32 = i32::MAX;

/// One offender and their current case: the person, then the case's state grouped by concern.
///
/// A plain value, kept by the engine in a `Vec` and passed over once per pass: no boxing, so a
/// case is one contiguous record. The fields stay in the order written here (`repr(C)`, as do
/// the journey's), for speed: `removed`, which every pass reads first, sits beside the journey's
/// `stage`, which nearly every step reads next, so that both come in one cache line; what
/// nearly every step reads follows; the groups only some cases use (custody, teams, reports)
/// come last, so that a pass over the others reads fewer cache lines.
#[derive(Clone, Debug)]
#[repr(C)]
pub struct Offender {
    pub id: u32,
    /// Static risk tier.
    pub risk: RiskTier,
    /// Principal offence of the current order.
    pub offence: OffenceType,
    /// The local area (patch) the case lives in.
    pub patch: u16,
    /// Criminogenic needs now.
    pub needs: Needs,
    /// Needs present when the case started (bit mask), for the needs-met rate.
    pub needs_at_start: u8,
    /// Readiness to change, 0..1. Raises attendance and the benefit of individual work.
    pub motivation: f32,
    /// Support from family and friends, 0..1. Protective against reoffending.
    pub family_support: f32,
    /// The week the person was born (negative): their age in a week is
    /// (week − birth_week) / 52.
    pub birth_week: i32,
    /// The person's own motivation, which theirs drifts back towards (see `engagement`).
    pub own_motivation: f32,
    /// In work, and in settled accommodation: protective states, found and lost week by week
    /// (see `circumstances`).
    pub employed: bool,
    pub settled: bool,
    /// In custody last week (so that going in is noticed once).
    pub was_in_custody: bool,
    /// Closed in an earlier week: the record waits in the caseload's array to be compacted
    /// out, and every pass over the cases passes it by (see `engine::move_on`).
    pub removed: bool,
    /// Where the case is in the correctional journey: stage, sentence, release and recall.
    pub journey: Journey,
    /// The case's own random numbers: each decision it makes reads its own, by week
    /// (see `rng::Draws`).
    pub draws: Draws,
    pub events: WeekEvents,
    /// Who supervises the case and how: allocation and handoffs, relationship, assessment,
    /// contacts and reviews, enforcement, services.
    pub supervision: SupervisionState,
    /// Running totals for this case's outcome measures.
    pub tallies: Tallies,
    /// Integrated Case Management while in custody.
    pub icm: IcmState,
    /// The case's team besides its lead (team and hybrid approaches).
    pub team: CaseTeam,
    /// The pre-sentence report.
    pub report: PreSentenceReport,
}

/// Where a case is in the correctional journey (see `model::journey`): its stage, sentence,
/// release from custody and recalls. In this order (`repr(C)`): the stage first, beside the
/// case's `removed` (see [`Offender`]).
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct Journey {
    pub stage: Stage,
    pub disposal: Disposal,
    pub outcome: Option<OrderOutcome>,
    /// Recalls to custody so far.
    pub recalls: u8,
    /// Week the current stage started.
    pub stage_started: i32,
    /// Week the sentence started: a community order, or a custodial sentence (negative for the
    /// initial caseload, already under way at week 0).
    pub order_start: i32,
    /// Week the order (or, for custody, the whole sentence, licence included) is due to end.
    pub order_due_end: i32,
    /// Week the order or licence ended ([`NEVER`] while it runs).
    pub order_ended: i32,
    /// Week the current spell in custody ends ([`NEVER`] when not due in custody).
    pub release_due: i32,
    /// Week of the first release from a custodial sentence ([`NEVER`] before it).
    pub released: i32,
    /// Week of the latest release (`i32::MIN` when never in custody): service waits count from
    /// it, as a provider cannot take someone in prison.
    pub latest_release: i32,
    /// Weeks from release to the first kept appointment ([`NEVER`] until then).
    pub first_contact_after_release: i32,
    /// What was in place at the first release ([`at_release`] flags).
    pub at_release: u8,
    /// Released and not yet offered a first appointment.
    pub awaiting_first_appointment: bool,
}

/// Supervision of the case by its case manager (the lead under teams): who holds it and how it
/// came to them, the working relationship, the assessment and plan, contacts and reviews,
/// enforcement, and services.
#[derive(Clone, Copy, Debug)]
pub struct SupervisionState {
    /// The case manager holding the case ([`ManagerId::NONE`]: unallocated).
    pub manager: ManagerId,
    /// Whether the case has had a case manager before (so that the next is a handoff).
    pub ever_allocated: bool,
    /// Working relationship with the current case manager, 0..1.
    pub relationship: f32,
    /// Whether the assessment and sentence plan have been done.
    pub assessed: bool,
    /// Hours of assessment and planning done so far.
    pub assessment_hours_done: f32,
    /// Week the next contact is due ([`NEVER`]: none scheduled).
    pub next_contact: i32,
    /// Week the next review of the plan is due ([`NEVER`]: none scheduled).
    pub next_review: i32,
    /// Formal warnings currently live (expire after the scenario's warning period).
    pub warnings: u8,
    /// Week of the latest warning (meaningful while `warnings > 0`).
    pub last_warning: i32,
    /// Graduated sanctions in force.
    pub sanctions: Sanctions,
    /// Where the case stands with services.
    pub service: ServiceState,
    /// Services completed or dropped out of so far (`services::service_history` flags).
    pub service_history: u8,
    /// Handoffs so far: changes of the person (or a team member) responsible.
    pub handoffs: u16,
    /// Handoffs by cause, in [`HandoffCause`] order.
    pub handoffs_by_cause: [u16; HandoffCause::COUNT],
    /// Why the case is waiting for a new case manager, for the next handoff.
    pub pending_handoff: HandoffCause,
    /// The cover group of a case manager who left, whose members take the case first.
    pub cover_hint: u32,
    /// Week the person was last seen: an appointment kept, an instruction to report answered,
    /// a court hearing ([`NEVER`]: not yet in this stage; the stage's start counts).
    pub last_seen: i32,
    /// Missed appointments and unanswered instructions to report in a row, since last seen.
    pub unanswered: u8,
    /// Breach proceedings so far on this sentence.
    pub breaches: u8,
    /// The case's type (under the streaming) when it was allocated to its case manager: a post
    /// moved to another type at a re-division keeps the cases it holds while their type stays.
    pub allocated_type: u8,
    /// First week after a curfew the court added at breach ([`NEVER`]: none yet).
    pub curfew_until: i32,
}

/// The members of a case's team besides its lead (team and hybrid approaches; none under the
/// individual approach), and their case conferences.
#[derive(Clone, Copy, Debug)]
pub struct CaseTeam {
    /// The members, in their places ([`ManagerId::NONE`]: an empty place).
    pub members: [ManagerId; MAX_MEMBERS],
    /// Which members have made their own assessment (bit i: `members[i]`).
    pub assessed: u8,
    /// The referral waiting or in treatment was made from a plan agreed at a case conference
    /// with its service's member present (see `workload`): taken up more readily.
    pub plan_referral: bool,
    /// Week of the next case conference.
    pub next_conference: i32,
}

/// The pre-sentence report written before the court sentences (see `workload`).
#[derive(Clone, Copy, Debug)]
pub struct PreSentenceReport {
    /// Hours of report writing done so far.
    pub hours_done: f32,
    /// The report was written in full: its assessment stands for the order's.
    pub done: bool,
    /// The report's interview has taken place (or been offered and missed).
    pub interviewed: bool,
    /// The order the report informed carries a treatment requirement for the most severe
    /// need the report assessed: the plan refers it to its service.
    pub treatment_requirement: bool,
}

/// Running totals for this case's outcome measures (read by the metrics' recorder).
#[derive(Clone, Copy, Debug)]
pub struct Tallies {
    /// Weeks under supervision in the community (on an order or licence).
    pub supervised_weeks: u16,
    /// Of those, weeks with no case manager.
    pub weeks_unallocated: u16,
    /// Contacts due, and delivered (offered), while under supervision.
    pub contacts_due: u16,
    pub contacts_delivered: u16,
    /// Unacceptable failures to comply that were detected and enforced (technical violations).
    pub violations: u16,
    /// Appointments kept while under supervision (with `contacts_delivered`, the compliance the
    /// court weighs at breach).
    pub contacts_kept: u16,
    /// Proven offences during the current order or licence.
    pub offences_on_sentence: u8,
    /// Referrals to services made (accepted, refused or ending in the case manager's own
    /// work), and the weeks waited for a place in all, each counted to 255: counted where they
    /// happen (`workload`, `services`), read at the sentence's end for `by_need.csv` and
    /// `by_offence.csv`. (Bytes, so that the case record keeps its size.)
    pub referrals: u8,
    pub service_wait_weeks: u8,
    /// The most severe need at the start (the first of equals, as [`Needs::most_severe`]) and
    /// its severity then, as one byte ([`Tallies::primary_need`]): the case's group in
    /// `by_need.csv`.
    pub primary_need_code: u8,
    /// Week of the first proven reoffence in the follow-up ([`NEVER`]: none yet).
    pub first_proven_reoffence: i32,
}

impl Tallies {
    /// A referral to a service was made.
    pub fn referred(&mut self) {
        self.referrals = self.referrals.saturating_add(1);
    }

    /// A wait for a service ended after `weeks`.
    pub fn wait_ended(&mut self, weeks: u64) {
        let weeks = u8::try_from(weeks).unwrap_or(u8::MAX);
        self.service_wait_weeks = self.service_wait_weeks.saturating_add(weeks);
    }

    /// `primary_need_code` of a case starting with `needs`: the need's index times 4 plus its
    /// severity, or [`u8::MAX`] for none.
    pub fn primary_need_code(needs: &Needs) -> u8 {
        needs.most_severe().map_or(u8::MAX, |need| {
            need.index() as u8 * (MAX_SEVERITY + 1) + needs.severity(need)
        })
    }

    /// The most severe need at the start and its severity then, if any.
    pub fn primary_need(&self) -> Option<(Need, u8)> {
        let code = self.primary_need_code;
        let need = Need::ALL.get(usize::from(code / (MAX_SEVERITY + 1)))?;
        Some((*need, code % (MAX_SEVERITY + 1)))
    }
}

impl Offender {
    /// Weeks since the order started.
    pub fn weeks_on_order(&self, week: i32) -> i32 {
        week - self.journey.order_start
    }

    /// Serving a custodial sentence (in custody or on licence), not a revoked order's custody.
    pub fn under_custodial_sentence(&self) -> bool {
        self.journey.disposal == Disposal::Custody && self.journey.outcome.is_none()
    }

    /// Age in years in week `week`.
    pub fn age(&self, week: i32) -> f64 {
        f64::from(week - self.birth_week) / 52.0
    }

    /// Weeks since the person was last seen in the current stage (its start counts as seen).
    pub fn weeks_unseen(&self, week: i32) -> i32 {
        let seen = match self.supervision.last_seen {
            NEVER => self.journey.stage_started,
            w => w.max(self.journey.stage_started),
        };
        week - seen
    }

    /// The person was seen in `week` (an appointment kept, an instruction to report answered,
    /// a court hearing): back in touch.
    pub fn seen(&mut self, week: i32) {
        self.supervision.last_seen = week;
        self.supervision.unanswered = 0;
    }

    /// A curfew-like restriction is in force: a graduated sanction's, or one the court added at
    /// breach.
    pub fn restricted(&self, week: i32) -> bool {
        self.supervision.sanctions.restriction_active(week)
            || (self.supervision.curfew_until != NEVER && week < self.supervision.curfew_until)
    }

    pub fn is_allocated(&self) -> bool {
        self.supervision.manager.is_some()
    }

    /// Share of the needs present at the start of the order that are now met (severity 0);
    /// `None` when the case started with no needs.
    pub fn share_of_needs_met(&self) -> Option<f64> {
        let at_start = self.needs_at_start.count_ones();
        if at_start == 0 {
            return None;
        }
        let still_present = self.needs_at_start & self.needs.present_mask();
        Some(f64::from(at_start - still_present.count_ones()) / f64::from(at_start))
    }
}

/// Draws new offenders from the scenario's population section.
///
/// All draws come from the replication's arrivals stream and depend only on the population
/// section, so every arm of a comparison that shares a population gets the same people.
pub struct OffenderFactory {
    risk_cumulative: Vec<f64>,
    offence_cumulative: Vec<f64>,
    need_prevalence: [[f64; Need::COUNT]; RiskTier::COUNT],
    severity_cumulative: Vec<f64>,
    motivation: Beta<f64>,
    family_support: Beta<f64>,
    order_weeks: Vec<u16>,
    order_cumulative: Vec<f64>,
    /// Age bands (first and one past the last year) and, for each tier, the running shares
    /// of its bands.
    age_bands: Vec<(u16, u16)>,
    age_cumulative: [Vec<f64>; RiskTier::COUNT],
    circumstances: StartingCircumstances,
    patches: u16,
    report_share: f64,
    report_weeks: i32,
    next_id: u32,
    /// The master seed and replication the cases' own random numbers are keyed by.
    seed: u64,
    replication: u32,
}

/// Running shares of the weights (the last is 1): the thresholds for a categorical draw.
pub(crate) fn cumulative(weights: &[f64]) -> Vec<f64> {
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    weights
        .iter()
        .map(|w| {
            acc += w / total;
            acc
        })
        .collect()
}

/// Index of the first cumulative weight above `u` (the last one if rounding leaves a gap).
pub(crate) fn pick(cumulative: &[f64], u: f64) -> usize {
    cumulative
        .iter()
        .position(|&c| u < c)
        .unwrap_or(cumulative.len() - 1)
}

/// The age bands of a profile: each band's first year and one past its last.
fn age_bands(a: &AgeProfile) -> Vec<(u16, u16)> {
    let ends = a.bands_from.iter().skip(1).copied().chain([a.oldest + 1]);
    a.bands_from.iter().copied().zip(ends).collect()
}

/// The weights of the age bands for a tier: the profile's, leaning by the tier's tilt per ten
/// years of each band's middle age above 35.
fn age_weights(a: &AgeProfile, tier: RiskTier) -> Vec<f64> {
    let tilt = a.risk_tilt[tier];
    age_bands(a)
        .iter()
        .zip(&a.weights)
        .map(|(&(from, to), &w)| {
            let middle = (f64::from(from) + f64::from(to)) / 2.0;
            w * (tilt * (middle - 35.0) / 10.0).exp()
        })
        .collect()
}

/// A beta distribution from its mean and concentration (alpha + beta).
pub fn beta_from_mean(mean: f64, concentration: f64) -> Beta<f64> {
    Beta::new(mean * concentration, (1.0 - mean) * concentration)
        .expect("validated: 0 < mean < 1 and concentration > 0")
}

impl OffenderFactory {
    pub fn new(population: &Population) -> Self {
        let risk = &population.risk_mix;
        let offence = &population.offence_mix;
        let prevalence = population.needs.prevalence.as_array();
        let gradient = population.needs.risk_gradient.as_array();
        let need_prevalence = gradient.map(|g| prevalence.map(|p| (p * g).min(0.95)));
        let severity = &population.needs.severity_mix;
        let order = &population.order_length;
        OffenderFactory {
            risk_cumulative: cumulative(&risk.as_array()),
            offence_cumulative: cumulative(&[
                offence.violent,
                offence.sexual,
                offence.acquisitive,
                offence.drug,
                offence.other,
            ]),
            need_prevalence,
            severity_cumulative: cumulative(&[severity.mild, severity.moderate, severity.severe]),
            motivation: beta_from_mean(
                population.motivation.mean,
                population.motivation.concentration,
            ),
            family_support: beta_from_mean(
                population.family_support.mean,
                population.family_support.concentration,
            ),
            order_weeks: order.weeks.clone(),
            order_cumulative: cumulative(&order.weights),
            age_bands: age_bands(&population.age),
            age_cumulative: RiskTier::ALL
                .map(|tier| cumulative(&age_weights(&population.age, tier))),
            circumstances: population.circumstances.clone(),
            patches: population.patches,
            report_share: 0.0,
            report_weeks: 0,
            next_id: 0,
            seed: 0,
            replication: 0,
        }
    }

    /// Cases' own random numbers are keyed by the master seed and the replication.
    pub fn with_draws(mut self, seed: u64, replication: u32) -> Self {
        self.seed = seed;
        self.replication = replication;
        self
    }

    /// New orders are preceded by a pre-sentence report with probability `share`, requested
    /// `weeks` before sentence.
    pub fn with_reports(mut self, share: f64, weeks: u32) -> Self {
        self.report_share = share;
        self.report_weeks = weeks as i32;
        self
    }

    /// Expected age at sentence by tier, in years.
    pub fn expected_age(&self) -> [f64; RiskTier::COUNT] {
        std::array::from_fn(|t| {
            let c = &self.age_cumulative[t];
            let mut previous = 0.0;
            self.age_bands
                .iter()
                .zip(c)
                .map(|(&(from, to), &cum)| {
                    let share = cum - previous;
                    previous = cum;
                    share * (f64::from(from) + f64::from(to)) / 2.0
                })
                .sum()
        })
    }

    /// Expected shares of cases in work and in settled accommodation at the start, by tier.
    pub fn expected_circumstances(&self) -> ([f64; RiskTier::COUNT], [f64; RiskTier::COUNT]) {
        let c = &self.circumstances;
        let mix = |p_need: f64, with: f64, without: f64| p_need * with + (1.0 - p_need) * without;
        let by_tier = |need: Need, with: f64, without: f64| {
            std::array::from_fn(|t| mix(self.need_prevalence[t][need as usize], with, without))
        };
        (
            by_tier(
                Need::Employment,
                c.employed_with_need,
                c.employed_without_need,
            ),
            by_tier(
                Need::Accommodation,
                c.settled_with_need,
                c.settled_without_need,
            ),
        )
    }

    /// Expected sum of need severities at the start of an order, by risk tier: the reference
    /// point of the reoffending hazard (a case with typical needs for its tier has the tier's
    /// base rate).
    pub fn expected_need_total(&self) -> [f64; RiskTier::COUNT] {
        let mean_severity = {
            let c = &self.severity_cumulative;
            c[0] + 2.0 * (c[1] - c[0]) + 3.0 * (c[2] - c[1])
        };
        self.need_prevalence
            .map(|row| row.iter().sum::<f64>() * mean_severity)
    }

    /// A new offender starting an order at `week`; `elapsed` weeks of it already served (the
    /// initial caseload is part-way through its orders at week 0).
    pub fn draw(&mut self, rng: &mut impl Rng, week: i32, initial_caseload: bool) -> Offender {
        let risk = RiskTier::ALL[pick(&self.risk_cumulative, rng.random())];
        let offence = OffenceType::ALL[pick(&self.offence_cumulative, rng.random())];
        let mut needs = Needs::default();
        for need in Need::ALL {
            let present = rng.random::<f64>() < self.need_prevalence[risk.index()][need as usize];
            let severity = 1 + pick(&self.severity_cumulative, rng.random()) as u8;
            if present {
                needs.0[need as usize] = severity;
            }
        }
        let motivation = self.motivation.sample(rng) as f32;
        let family_support = self.family_support.sample(rng) as f32;
        let band = pick(&self.age_cumulative[risk.index()], rng.random());
        let (from, to) = self.age_bands[band];
        let age_years = f64::from(from) + rng.random::<f64>() * f64::from(to - from);
        let employment = needs.severity(Need::Employment) > 0;
        let employed = rng.random::<f64>()
            < if employment {
                self.circumstances.employed_with_need
            } else {
                self.circumstances.employed_without_need
            };
        let accommodation = needs.severity(Need::Accommodation) > 0;
        let settled = rng.random::<f64>()
            < if accommodation {
                self.circumstances.settled_with_need
            } else {
                self.circumstances.settled_without_need
            };
        let patch = rng.random_range(0..self.patches);
        let length = i32::from(self.order_weeks[pick(&self.order_cumulative, rng.random())]);
        let elapsed_fraction: f64 = rng.random();
        // Drawn for every case, so that the arrivals stream does not depend on the share.
        let report_draw: f64 = rng.random();
        let with_report = !initial_caseload && report_draw < self.report_share;
        let elapsed = if initial_caseload {
            (elapsed_fraction * f64::from(length)) as i32
        } else {
            0
        };
        // A case with a pre-sentence report arrives as the court's request; the order starts
        // at sentence.
        let order_start = if with_report {
            week + self.report_weeks
        } else {
            week - elapsed
        };
        // Age at sentence; the initial caseload has aged since.
        let birth_week = order_start.min(week) - (age_years * 52.0).round() as i32;
        self.assemble(Person {
            risk,
            offence,
            patch,
            needs,
            motivation,
            family_support,
            birth_week,
            employed,
            settled,
        })
        .starting(week, order_start, length, with_report, initial_caseload)
    }

    /// The case of a person: a new id and the case's own random numbers, its state as at the
    /// start of supervision (see [`Offender::starting`] for the journey).
    pub fn assemble(&mut self, p: Person) -> Offender {
        let id = self.next_id;
        self.next_id += 1;
        let Person {
            risk,
            offence,
            patch,
            needs,
            motivation,
            family_support,
            birth_week,
            employed,
            settled,
        } = p;
        Offender {
            id,
            risk,
            offence,
            patch,
            needs,
            needs_at_start: needs.present_mask(),
            motivation,
            family_support,
            birth_week,
            own_motivation: motivation,
            employed,
            settled,
            was_in_custody: false,
            draws: Draws::new(self.seed, self.replication, Entity::Case, u64::from(id)),
            events: WeekEvents::default(),
            journey: Journey {
                stage: Stage::Order,
                stage_started: 0,
                disposal: Disposal::Community,
                order_start: 0,
                order_due_end: 0,
                outcome: None,
                order_ended: NEVER,
                release_due: NEVER,
                released: NEVER,
                latest_release: i32::MIN,
                recalls: 0,
                at_release: 0,
                awaiting_first_appointment: false,
                first_contact_after_release: NEVER,
            },
            icm: IcmState::default(),
            supervision: SupervisionState {
                manager: ManagerId::NONE,
                ever_allocated: false,
                relationship: 0.0,
                assessed: false,
                assessment_hours_done: 0.0,
                next_contact: 0,
                next_review: NEVER,
                warnings: 0,
                last_warning: NEVER,
                sanctions: Sanctions::default(),
                service: ServiceState::None,
                service_history: 0,
                handoffs: 0,
                handoffs_by_cause: [0; HandoffCause::COUNT],
                pending_handoff: HandoffCause::StaffLeft,
                cover_hint: NO_GROUP,
                last_seen: NEVER,
                unanswered: 0,
                allocated_type: 0,
                breaches: 0,
                curfew_until: NEVER,
            },
            team: CaseTeam {
                members: [ManagerId::NONE; MAX_MEMBERS],
                assessed: 0,
                plan_referral: false,
                next_conference: NEVER,
            },
            report: PreSentenceReport {
                hours_done: 0.0,
                done: false,
                interviewed: false,
                treatment_requirement: false,
            },
            tallies: Tallies {
                supervised_weeks: 0,
                weeks_unallocated: 0,
                contacts_due: 0,
                contacts_delivered: 0,
                violations: 0,
                contacts_kept: 0,
                offences_on_sentence: 0,
                referrals: 0,
                service_wait_weeks: 0,
                primary_need_code: Tallies::primary_need_code(&needs),
                first_proven_reoffence: NEVER,
            },
            removed: false,
        }
    }

    /// The id the next case made will have.
    pub fn next_id(&self) -> u32 {
        self.next_id
    }

    /// The probabilities of being in work and in settled accommodation at the start, with
    /// and without the need.
    pub fn circumstances(&self) -> &StartingCircumstances {
        &self.circumstances
    }
}

/// Who a person is, before their case starts.
#[derive(Clone, Copy, Debug)]
pub struct Person {
    pub risk: RiskTier,
    pub offence: OffenceType,
    pub patch: u16,
    pub needs: Needs,
    pub motivation: f32,
    pub family_support: f32,
    pub birth_week: i32,
    pub employed: bool,
    pub settled: bool,
}

impl Offender {
    /// The case's journey begins at `week`: a community order of `length` weeks starting at
    /// `order_start`, awaiting sentence with a report first (`with_report`), or part-way
    /// through and already assessed (`initial_caseload`).
    pub fn starting(
        mut self,
        week: i32,
        order_start: i32,
        length: i32,
        with_report: bool,
        initial_caseload: bool,
    ) -> Offender {
        let j = &mut self.journey;
        j.stage = if with_report {
            Stage::PreSentence
        } else {
            Stage::Order
        };
        j.stage_started = week;
        j.order_start = order_start;
        j.order_due_end = order_start + length;
        // The initial caseload was assessed before the simulation began.
        self.supervision.assessed = initial_caseload;
        self.supervision.next_contact = week;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_severe_need_prefers_severity_then_order() {
        let needs = Needs([0, 2, 0, 2, 3, 0, 0]);
        assert_eq!(needs.most_severe(), Some(Need::Employment));
        let needs = Needs([0, 2, 0, 2, 0, 0, 1]);
        assert_eq!(needs.most_severe(), Some(Need::Alcohol));
        assert_eq!(Needs::default().most_severe(), None);
    }

    #[test]
    fn the_case_record_keeps_the_stage_beside_removed_and_its_size() {
        // Every pass reads `removed` first and nearly every step the stage next (see
        // `Offender`): side by side, one cache line serves both. 240 bytes: the groups' contents
        // and their own padding (the person's age, own motivation, work, accommodation and
        // custody flag added 8; keeping in touch, the court's history and the recall's events
        // 16), in 8-byte units for the random stream.
        use std::mem::{offset_of, size_of};
        let removed = offset_of!(Offender, removed);
        let stage = offset_of!(Offender, journey) + offset_of!(Journey, stage);
        assert!(stage > removed && stage - removed <= 4, "{removed} {stage}");
        assert!(size_of::<Offender>() <= 240, "{}", size_of::<Offender>());
    }

    #[test]
    fn needs_met_share_counts_only_needs_present_at_start() {
        let mut o = OffenderFactory::new(&Population::default()).draw(
            &mut rand_pcg::Pcg32::new(1, 1),
            0,
            false,
        );
        o.needs = Needs([2, 0, 1, 0, 0, 0, 0]);
        o.needs_at_start = o.needs.present_mask();
        assert_eq!(o.share_of_needs_met(), Some(0.0));
        o.needs.0[0] = 0;
        assert_eq!(o.share_of_needs_met(), Some(0.5));
        o.needs.0[5] = 3; // a new need does not count against the start's
        assert_eq!(o.share_of_needs_met(), Some(0.5));
    }
}
