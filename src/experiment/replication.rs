//! One replication: the world run week by week to the horizon, its recorder counting each
//! week, and the results.

use serde::{Deserialize, Serialize};

use crate::engine::World;
use crate::metrics::cases::CaseRecord;
use crate::metrics::recorder::AgeBand;
use crate::metrics::{GroupTallies, Metrics, RecallTally, Recorder, Survival, WeekRecord};
use crate::model::journey::Disposal;
use crate::scenario::{RiskTier, Scenario};

/// One replication's results.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReplicationResult {
    pub replication: u32,
    pub metrics: Metrics,
    pub by_tier: [Metrics; RiskTier::COUNT],
    /// Case-outcome measures for community orders and for custodial sentences.
    pub by_disposal: [Metrics; Disposal::COUNT],
    /// Case-outcome measures by age band at sentence.
    pub by_age: [Metrics; AgeBand::COUNT],
    pub weeks: Vec<WeekRecord>,
    /// Times to first proven reoffence and to breach of the cohort starting in the window.
    pub survival: Survival,
    /// Recalls to custody in the measurement window, by reason and type (`recalls.csv`); the
    /// sum of the window's weekly records, which [`crate::experiment::check_result`] checks it
    /// against when it is read back.
    #[serde(default)]
    pub recalls: RecallTally,
    /// Outcomes by primary need and by principal offence (`by_need.csv`, `by_offence.csv`).
    #[serde(default)]
    pub by_group: GroupTallies,
    /// Offender-weeks simulated (cases present, summed over weeks): the unit of throughput.
    pub offender_weeks: u64,
    /// Every case's record (`--cases`), in arrival order; absent unless asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cases: Option<Vec<CaseRecord>>,
}

/// Runs replication `replication` of a (validated) scenario to the horizon.
pub fn simulate(scenario: &Scenario, replication: u32) -> ReplicationResult {
    simulate_with(scenario, replication, |_| {})
}

/// As [`simulate`], calling `inspect` after every week (the tests check invariants this way).
pub fn simulate_with(
    scenario: &Scenario,
    replication: u32,
    mut inspect: impl FnMut(&World),
) -> ReplicationResult {
    let mut world = World::new(scenario, replication);
    let mut recorder = Recorder::new(scenario);
    recorder.initial_caseload(world.cases());
    let mut offender_weeks = 0u64;
    for _ in 0..scenario.simulation.weeks {
        offender_weeks += world.case_count() as u64;
        world.step(&mut recorder);
        if cfg!(debug_assertions) {
            if let Err(broken) = world.check_invariants() {
                panic!("invariant broken in week {}: {broken}", world.week() - 1);
            }
        }
        inspect(&world);
    }
    let last_week = world.week() - 1;
    world.compact();
    recorder.finish(world.cases(), last_week);
    let recalls = RecallTally::of(recorder.window().weeks);
    recorder.groups.finish();
    ReplicationResult {
        replication,
        metrics: recorder.metrics(),
        by_tier: recorder.metrics_by_tier(),
        by_disposal: recorder.metrics_by_disposal(),
        by_age: recorder.metrics_by_age(),
        weeks: recorder.weeks,
        survival: recorder.survival,
        recalls,
        by_group: recorder.groups,
        offender_weeks,
        cases: recorder.cases.map(|log| log.records),
    }
}
