//! The steady state of a planner's unit: the inflow that holds `population.cases_in_force`
//! cases, and, after a run, whether the posts held its caseload.
//!
//! Cases in force are the inflow times the weeks each new case stays on case managers' books
//! (Little's law). The weeks a case is due to be held follow from the order-length and
//! sentencing distributions (`organisation::expected_caseload`), but orders revoked early, and
//! prisoners held through the gate only near release, are held less: so the weeks are measured
//! on a pilot of the scenario itself (its replication 0's people, at the inflow the due weeks
//! suggest, over its warm-up and a year), and the inflow set to the cases asked for over them.
//! The pilot is deterministic, as every run is.

use crate::engine::{Observer, StepCounts, World};
use crate::experiment::RunResults;
use crate::model::journey::Stage;
use crate::model::offender::Offender;
use crate::model::organisation::expected_caseload;
use crate::model::unit::{UnitSummary, capacity_check};
use crate::model::workforce::CaseManager;
use crate::scenario::{InflowWorkedOut, Scenario};

/// Counts the cases on case managers' books each week of a pilot: reports in preparation,
/// orders and licences (held or waiting), and prisoners held through the gate.
struct InForce {
    from_week: i32,
    counting: bool,
    case_weeks: u64,
    weeks: u64,
}

impl Observer for InForce {
    fn open_week(&mut self, week: i32, _: &StepCounts) {
        self.counting = week >= self.from_week;
        self.weeks += u64::from(self.counting);
    }

    fn count_case(&mut self, o: &Offender, _: &[CaseManager]) {
        let on_books = match o.journey.stage {
            Stage::PreSentence | Stage::Order | Stage::Licence => true,
            Stage::Custody => o.is_allocated(),
            Stage::FollowUp | Stage::Closed => false,
        };
        self.case_weeks += u64::from(self.counting && on_books);
    }

    fn close_week(&mut self, _: &[CaseManager]) {}
}

/// Longest pilot, in weeks.
const PILOT_WEEKS: u32 = 312;

/// Largest pilot, in cases in force: a larger unit is piloted at this size, its posts scaled
/// alike (the weeks a case is held depend on caseloads, not on the unit's size), so that
/// working out the inflow of a national service takes a moment, not a run.
const PILOT_CASES: f64 = 20_000.0;

/// Mean cases on the books over the year after the warm-up of a pilot of `s`.
fn pilot_cases_in_force(s: &Scenario) -> f64 {
    let sim = &s.simulation;
    // At most six years: the weeks held settle within the longest orders.
    let weeks = (sim.warmup_weeks + 52)
        .min(sim.weeks.max(52))
        .min(PILOT_WEEKS);
    let mut observer = InForce {
        from_week: weeks.saturating_sub(52) as i32,
        counting: false,
        case_weeks: 0,
        weeks: 0,
    };
    let mut world = World::new(s, 0);
    for _ in 0..weeks {
        world.step(&mut observer);
    }
    observer.case_weeks as f64 / observer.weeks.max(1) as f64
}

/// Sets the inflow (and, without an initial caseload file, the initial cases) that hold
/// `population.cases_in_force` cases, if it is given, and records what was worked out in
/// `s.unit`. Call once, on the scenario as loaded.
pub fn resolve(s: &mut Scenario) {
    let n = s.population.cases_in_force;
    if n == 0 {
        return;
    }
    let target = f64::from(n);
    let mut per_arrival = s.clone();
    per_arrival.population.inflow_per_week = 1.0;
    let due = expected_caseload(&per_arrival);
    let due_weeks = due.weeks_held_per_case.max(1.0);
    // The pilot, at the inflow the due weeks suggest; scaled down, posts with cases, when the
    // unit is large and its posts are not given row by row.
    let mut pilot = s.clone();
    let scale =
        if target > PILOT_CASES && s.unit.posts.is_none() && s.unit.initial_caseload.is_none() {
            PILOT_CASES / target
        } else {
            1.0
        };
    let w = &mut pilot.workforce;
    let scaled = |n: u32| ((f64::from(n) * scale).round() as u32).max(u32::from(n > 0));
    w.case_managers = scaled(w.case_managers);
    w.volunteers = scaled(w.volunteers);
    let target = target * scale;
    let guess = target / due_weeks;
    pilot.population.inflow_per_week = guess;
    let initial = |inflow: f64| {
        (inflow * due.sentence_weeks_per_case)
            .round()
            .min(f64::from(crate::scenario::MAX_CASES)) as u32
    };
    if pilot.unit.initial_caseload.is_none() {
        // The sentences in force that go with the cases asked for.
        pilot.population.initial_cases = initial(target / due_weeks);
    }
    let measured = pilot_cases_in_force(&pilot);
    let weeks_held = if measured > 0.0 {
        measured / guess
    } else {
        due_weeks
    };
    let target = f64::from(n);
    // Two decimals: the inflow as printed and recorded is the inflow run.
    let inflow = (target / weeks_held * 100.0).round() / 100.0;
    s.population.inflow_per_week = inflow;
    if s.unit.initial_caseload.is_none() {
        s.population.initial_cases = initial(target / due_weeks);
    }
    s.unit.inflow_worked_out = Some(InflowWorkedOut {
        cases_in_force: n,
        weeks_held_per_case: weeks_held,
        weeks_due_per_case: due_weeks,
        inflow_per_week: inflow,
        initial_cases: s.population.initial_cases,
        initial_cases_from_file: s.unit.initial_caseload.is_some(),
    });
}

/// After a run: the caseload the posts held, and how many cases waited, measured over the
/// window's weeks of every replication (cases held by staff and volunteers, and those waiting
/// after the week's allocation).
pub fn measured(s: &Scenario, results: &RunResults) -> UnitSummary {
    let start = s.simulation.warmup_weeks as i32;
    let (mut in_force, mut waiting, mut weeks) = (0u64, 0u64, 0u64);
    for r in &results.replications {
        for w in r.weeks.iter().filter(|w| w.week >= start) {
            let held = u64::from(w.cases.held_by_staff) + u64::from(w.cases.held_by_volunteers);
            let wait = u64::from(w.steps.waiting_at_allocation);
            in_force += held + wait;
            waiting += wait;
            weeks += 1;
        }
    }
    let per_week = |n: u64| n as f64 / weeks.max(1) as f64;
    UnitSummary {
        inflow_worked_out: s.unit.inflow_worked_out.clone(),
        capacity: capacity_check(s, per_week(in_force), Some(per_week(waiting))),
    }
}
