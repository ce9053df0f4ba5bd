//! Experiments: replications of a scenario, run in parallel, and their summaries.
//!
//! This is the only place that uses rayon. Replication r always draws from the streams of
//! (seed, r), and results are collected in replication order, so outputs do not depend on the
//! number of threads.

pub mod stats;

use rayon::prelude::*;

use crate::engine::{ReplicationResult, simulate};
use crate::metrics::{Metrics, WeekRecord};
use crate::model::offender::RiskTier;
use crate::scenario::Scenario;
pub use stats::{Summary, summarise};

/// All replications of one scenario.
pub struct RunResults {
    pub replications: Vec<ReplicationResult>,
}

/// Runs the scenario's replications on the current rayon pool.
pub fn run_replications(scenario: &Scenario) -> RunResults {
    let replications = (0..scenario.simulation.replications)
        .into_par_iter()
        .map(|r| simulate(scenario, r))
        .collect();
    RunResults { replications }
}

impl RunResults {
    /// Mean and CI of every metric, in [`Metrics::NAMES`] order.
    pub fn stats(&self) -> Vec<(&'static str, Summary)> {
        Metrics::NAMES
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let values = self.replications.iter().map(|r| r.metrics.values()[i]);
                (*name, summarise(values))
            })
            .collect()
    }

    /// Mean and CI of every case-outcome metric, by risk tier.
    pub fn stats_by_tier(&self) -> Vec<(RiskTier, &'static str, Summary)> {
        let mut out = Vec::new();
        for tier in RiskTier::ALL {
            for name in Metrics::CASE_NAMES {
                let values = self
                    .replications
                    .iter()
                    .map(|r| r.by_tier[tier.index()].get(name));
                out.push((tier, name, summarise(values)));
            }
        }
        out
    }

    /// Mean of each weekly quantity across replications, week by week.
    pub fn mean_timeseries(&self) -> Vec<(i32, [Option<f64>; WeekRecord::COLUMNS.len()])> {
        let weeks = self.replications.first().map_or(0, |r| r.weeks.len());
        (0..weeks)
            .map(|w| {
                let values: Vec<_> = self
                    .replications
                    .iter()
                    .map(|r| r.weeks[w].values())
                    .collect();
                let means = std::array::from_fn(|c| summarise(values.iter().map(|v| v[c])).mean);
                (self.replications[0].weeks[w].week, means)
            })
            .collect()
    }

    /// Offender-weeks simulated in all replications.
    pub fn offender_weeks(&self) -> u64 {
        self.replications.iter().map(|r| r.offender_weeks).sum()
    }
}
