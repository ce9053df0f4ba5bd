//! Your own unit in the model: the planner's caseload made into cases, the inflow that holds a
//! given number of cases in force, and whether the posts can hold the caseload expected.
//!
//! - A row of `population.initial_caseload` (see `scenario::unit`) becomes a case part-way
//!   through its sentence at week 0, as a drawn case of the initial caseload is: already
//!   assessed, not yet allocated, its next review where the cycle from its start puts it. What
//!   the row leaves empty is drawn from the case's own numbers, one named decision each
//!   (`Decision::Given*`, week 0), from the scenario's distributions: so a row's values change
//!   no other case, and loading is deterministic.
//! - `population.cases_in_force = N`: the inflow that holds N cases on case managers' books in
//!   the steady state is N over the weeks each new case is held (reports in preparation,
//!   orders, licences, prisoners held through the gate), estimated from the population and
//!   sentencing sections as the posts are divided (`organisation::expected_caseload`); the
//!   sentences in force at the start are that inflow times the mean sentence.
//! - The capacity check: the posts hold at most the sum of their caps, less the share of posts
//!   vacant in the steady state (each post's holder leaves at the turnover rate and the post
//!   stays empty for `vacancy_weeks`). Above that, cases wait, however the work is divided.

use serde::Serialize;
use statrs::distribution::{Beta, ContinuousCDF};

use crate::model::custody::{Sentencer, begin_custody};
use crate::model::journey::{Disposal, Stage};
use crate::model::offender::{Need, Needs, Offender, OffenderFactory, Person};
use crate::model::organisation::{Establishment, expected_caseload};
use crate::rng::{Decision, Draws, Entity};
use crate::scenario::{BetaParams, CaseRow, InflowWorkedOut, InitialStage, Scenario};
use crate::text::thousands;

/// Weeks in a year, for ages.
const WEEKS_A_YEAR: f64 = 52.0;

/// A value from a beta distribution given by its mean and concentration, at probability `u`.
fn beta_at(b: &BetaParams, u: f64) -> f64 {
    Beta::new(b.mean * b.concentration, (1.0 - b.mean) * b.concentration)
        .map(|d| d.inverse_cdf(u.clamp(1e-12, 1.0 - 1e-12)))
        .unwrap_or(b.mean)
}

/// The case of row `row` of the planner's initial caseload, at week 0.
pub fn case_from_row(
    factory: &mut OffenderFactory,
    sentencer: &Sentencer,
    s: &Scenario,
    row: &CaseRow,
    seed: u64,
    replication: u32,
) -> Offender {
    let p = &s.population;
    let mut needs = Needs::default();
    needs.0 = row.severities();
    // The case's own numbers for what the row leaves empty: the id the factory gives next.
    let draws = Draws::new(
        seed,
        replication,
        Entity::Case,
        u64::from(factory.next_id()),
    );
    let u = |d: Decision| draws.uniform(0, d, 0);
    let c = factory.circumstances();
    let employed = row.employed.unwrap_or_else(|| {
        u(Decision::GivenEmployed)
            < if needs.severity(Need::Employment) > 0 {
                c.employed_with_need
            } else {
                c.employed_without_need
            }
    });
    let settled = row.settled.unwrap_or_else(|| {
        u(Decision::GivenSettled)
            < if needs.severity(Need::Accommodation) > 0 {
                c.settled_with_need
            } else {
                c.settled_without_need
            }
    });
    let patch = match row.patch {
        Some(patch) => patch - 1,
        None => ((u(Decision::GivenPatch) * f64::from(p.patches)) as u16).min(p.patches - 1),
    };
    let motivation = row
        .motivation
        .unwrap_or_else(|| beta_at(&p.motivation, u(Decision::GivenMotivation)));
    let family_support = row
        .family_support
        .unwrap_or_else(|| beta_at(&p.family_support, u(Decision::GivenFamilySupport)));
    let length = row.sentence_weeks as i32;
    let order_start = -(row.weeks_served as i32);
    let person = Person {
        risk: row.risk,
        offence: row.offence,
        patch,
        needs,
        motivation: motivation as f32,
        family_support: family_support as f32,
        birth_week: -(row.age * WEEKS_A_YEAR).round() as i32,
        employed,
        settled,
    };
    let mut o = factory
        .assemble(person)
        .starting(0, order_start, length, false, true);
    if row.stage != InitialStage::Order {
        // A custodial sentence: custody, then licence from the release. Where the row leaves
        // the custodial part empty, the scenario's release fraction, moved to agree with the
        // stage the row gives.
        let served = row.weeks_served as i32;
        let custody = row.custody_weeks.map_or_else(
            || {
                let c = sentencer.custody_weeks(length);
                match row.stage {
                    InitialStage::Custody => c.max(served + 1).min(length - 1).max(1),
                    _ => c.min(served).max(1),
                }
            },
            |c| c as i32,
        );
        let release = order_start + custody;
        o.journey.disposal = Disposal::Custody;
        if row.stage == InitialStage::Licence || release <= 0 {
            o.journey.stage = Stage::Licence;
            o.journey.released = release;
            o.journey.latest_release = release;
        } else {
            o.journey.release_due = release;
            begin_custody(&mut o, 0, &s.custody);
        }
    }
    o
}

/// Whether the posts can hold the caseload expected under their caps.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CapacityCheck {
    /// Cases on case managers' books (held, or waiting for allocation): expected in the steady
    /// state, or measured by a run.
    pub expected_caseload: f64,
    /// Most cases the posts can hold: the sum of their caps, less the posts vacant in the
    /// steady state.
    pub capacity: f64,
    /// Share of posts vacant in the steady state (turnover times the weeks a post stays
    /// empty).
    pub vacant_share: f64,
    /// Cases waiting for a case manager: measured by a run (the mean of
    /// `waiting_at_allocation`), or expected (the excess over the room; 0: none).
    pub cases_waiting: f64,
    /// Whether the numbers are a run's rather than expected before it.
    pub measured: bool,
    /// Paid posts there are, and paid posts at the caseload cap needed to hold the caseload.
    pub posts: u32,
    pub posts_needed: u32,
    pub caseload_cap: u32,
    /// The warning in words, when cases will wait.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// The share of posts vacant in the steady state: each holder leaves at the turnover rate (a
/// weekly hazard) and the post stays empty for `vacancy_weeks`.
pub fn vacant_share(s: &Scenario) -> f64 {
    let w = &s.workforce;
    let leave = 1.0 - (1.0 - w.turnover_rate).powf(1.0 / 52.0);
    let vacancy = f64::from(w.vacancy_weeks);
    if leave > 0.0 {
        vacancy / (1.0 / leave + vacancy)
    } else {
        0.0
    }
}

/// The share of the cases in force waiting for allocation from which the caseload warning is
/// given.
pub const WARN_WAITING_SHARE: f64 = 0.01;

/// The posts against a caseload: `in_force` cases on the books (held or waiting), and, when
/// a run measured it, `waiting` of them waiting for allocation (else the excess over the
/// room under the caps).
pub fn capacity_check(s: &Scenario, in_force: f64, waiting: Option<f64>) -> CapacityCheck {
    let w = &s.workforce;
    let vacant_share = vacant_share(s);
    // The posts as the run establishes them (the planner's own, or divided between functions
    // and types, where specialists may have a cap of their own).
    let (managers, _) = Establishment::establish(s, 0, 0);
    let (staff_caps, volunteer_caps, posts) =
        managers.iter().fold((0.0, 0.0, 0u32), |(st, vo, n), m| {
            if m.is_staff() {
                (st + f64::from(m.cap), vo, n + 1)
            } else {
                (st, vo + f64::from(m.cap), n)
            }
        });
    let capacity = (staff_caps + volunteer_caps) * (1.0 - vacant_share);
    let measured = waiting.is_some();
    let cases_waiting = waiting.unwrap_or((in_force - capacity).max(0.0));
    // Posts needed at the mean cap of the staff posts (the caseload cap unless specialists or
    // the planner's rows have their own).
    let mean_cap = if posts > 0 {
        staff_caps / f64::from(posts)
    } else {
        f64::from(w.caseload_cap)
    };
    let per_post = mean_cap * (1.0 - vacant_share);
    let posts_needed =
        ((in_force - volunteer_caps * (1.0 - vacant_share)).max(0.0) / per_post).ceil() as u32;
    // A case or two waiting in a week is the churn of any unit (new orders, leavers' cases
    // reallocated): the warning is for waiting a planner would act on, at least one case in a
    // hundred in force (assumption).
    let warning =
        (cases_waiting >= WARN_WAITING_SHARE * in_force && cases_waiting >= 1.0).then(|| {
            let room = format!(
                "room for {} under the caps ({:.1}% of posts vacant at a time)",
                thousands(capacity.floor()),
                vacant_share * 100.0
            );
            if measured && in_force <= capacity {
                // Room overall, but not where the cases are.
                return format!(
                    "about {} cases waited for allocation in an average week of the run, though \
                 the {posts} case-manager posts have {room} for the {} cases in force: the \
                 room is not where the cases are (their patch, the grade their risk needs, or \
                 a specialism)",
                    thousands(cases_waiting),
                    thousands(in_force),
                );
            }
            let (how, basis) = if measured {
                (
                    "waited for allocation in an average week of the run",
                    "in force in the run",
                )
            } else {
                (
                    "will wait for allocation, at least",
                    "expected in the steady state",
                )
            };
            format!(
                "the {posts} case-manager posts cannot hold the caseload: about {} cases {basis} \
             against {room}; about {} cases {how}; holding them all takes about {} posts at a \
             cap of {} (or a higher cap)",
                thousands(in_force),
                thousands(cases_waiting),
                posts_needed.max(posts + 1),
                w.caseload_cap,
            )
        });
    CapacityCheck {
        expected_caseload: in_force,
        capacity,
        vacant_share,
        cases_waiting,
        measured,
        posts,
        posts_needed,
        caseload_cap: w.caseload_cap,
        warning,
    }
}

/// What a scenario's unit comes to, for `check`, `run` and run.json.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitSummary {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inflow_worked_out: Option<InflowWorkedOut>,
    pub capacity: CapacityCheck,
}

impl UnitSummary {
    /// Before a run: the caseload expected is `cases_in_force` when given (`worked_out`), else
    /// the inflow times the weeks each new case is due to be held (an upper estimate: orders
    /// revoked early are held less).
    pub fn expected(s: &Scenario) -> UnitSummary {
        let in_force = if s.population.cases_in_force > 0 {
            f64::from(s.population.cases_in_force)
        } else {
            expected_caseload(s).held
        };
        UnitSummary {
            inflow_worked_out: s.unit.inflow_worked_out.clone(),
            capacity: capacity_check(s, in_force, None),
        }
    }

    /// Lines for the terminal: what was worked out, and the warning.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(w) = &self.inflow_worked_out {
            lines.push(format!(
                "population.cases_in_force = {}: each new case is held about {:.1} weeks, so an \
                 inflow of {:.2} cases a week holds it (population.inflow_per_week), with {} \
                 sentences in force at the start (population.initial_cases, {})",
                w.cases_in_force,
                w.weeks_held_per_case,
                w.inflow_per_week,
                w.initial_cases,
                if w.initial_cases_from_file {
                    "the rows of population.initial_caseload"
                } else {
                    "the inflow times the mean sentence"
                }
            ));
        }
        if let Some(warning) = &self.capacity.warning {
            lines.push(format!("warning: {warning}"));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waiting measured in a run: a few cases in a big unit is churn, not a warning; one in a
    /// hundred or more is.
    #[test]
    fn the_warning_is_for_waiting_a_planner_would_act_on() {
        let s = Scenario::default();
        let in_force = 2_000.0;
        let churn = capacity_check(&s, in_force, Some(WARN_WAITING_SHARE * in_force * 0.5));
        assert!(churn.warning.is_none(), "{:?}", churn.warning);
        let real = capacity_check(&s, in_force, Some(WARN_WAITING_SHARE * in_force * 2.0));
        assert!(real.warning.is_some());
    }
}
