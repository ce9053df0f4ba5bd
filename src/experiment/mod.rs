//! Experiments: replications of one or several scenarios (the arms of a comparison, the points
//! of a sweep), run in parallel, and their summaries.
//!
//! This is the only place that uses rayon. Replication r of every arm draws from the streams of
//! (seed, r), so arms that share a seed run on common random numbers: the same offenders arrive
//! with the same luck, and only what the arms change differs. Results are collected in arm and
//! replication order, so outputs do not depend on the number of threads.

pub mod checkpoint;
pub mod compare;
pub mod plan;
pub mod posterior;
pub mod replication;
pub mod resources;
pub mod shard;
pub mod stats;
pub mod steady;
pub mod survival;

use rayon::prelude::*;

use crate::metrics::recorder::AgeBand;
use crate::metrics::{
    COLUMNS, GROUP_MEASURES, GroupMeasure, GroupTally, Metrics, RecallGroup, RecallMetric,
    RecallTally, Survival,
};
use crate::model::journey::Disposal;
use crate::model::offender::RiskTier;
use crate::scenario::{OffenceType, Scenario};
pub use compare::{
    COST_EFFECTS, CostEffect, cost_effect, cost_effectiveness, independent_seed, paired_differences,
};
pub use plan::{Arm, Kind, Plan};
pub use replication::{ReplicationResult, simulate, simulate_with};
pub use shard::Shard;
pub use stats::{Summary, summarise};
pub use survival::{KaplanMeierRow, kaplan_meier};

/// All replications of one scenario.
#[derive(Clone)]
pub struct RunResults {
    pub replications: Vec<ReplicationResult>,
}

/// Runs the scenario's replications on the current rayon pool.
pub fn run_replications(scenario: &Scenario) -> RunResults {
    run_arms(&[scenario], &|| {})
        .pop()
        .expect("one result per arm")
}

/// Every replication of every arm, in run-id order: arm by arm, replication by replication.
/// Run id k is the k-th entry; shards deal run ids round-robin.
pub fn work_list(arms: &[&Scenario]) -> Vec<(usize, u32)> {
    arms.iter()
        .enumerate()
        .flat_map(|(a, s)| (0..s.simulation.replications).map(move |r| (a, r)))
        .collect()
}

/// Runs the given (arm, replication) jobs on the current rayon pool, as one pool of jobs (so a
/// sweep keeps every core busy to its end), calling `replication_done` after each. Results come
/// back in the jobs' order, whatever the number of threads.
pub fn run_jobs(
    arms: &[&Scenario],
    jobs: &[(usize, u32)],
    replication_done: &(dyn Fn() + Sync),
) -> Vec<(usize, ReplicationResult)> {
    jobs.par_iter()
        .map(|&(a, r)| {
            let result = simulate(arms[a], r);
            replication_done();
            (a, result)
        })
        .collect()
}

/// As [`run_jobs`], keeping of each replication only what `measure` takes from it (a few
/// numbers), so that an experiment of many thousand points (`casesim sensitivity --method
/// sobol`) does not hold every replication's weekly series. Results come back in the jobs'
/// order, whatever the number of threads.
pub fn run_jobs_measured<T: Send>(
    arms: &[&Scenario],
    jobs: &[(usize, u32)],
    measure: &(dyn Fn(&ReplicationResult) -> T + Sync),
    replication_done: &(dyn Fn() + Sync),
) -> Vec<T> {
    jobs.par_iter()
        .map(|&(a, r)| {
            let result = measure(&simulate(arms[a], r));
            replication_done();
            result
        })
        .collect()
}

/// As [`run_jobs`], handing each result to `keep` as it finishes (to keep a checkpoint); the
/// first error `keep` returns stops the run and is returned.
pub fn run_jobs_keeping<E: Send>(
    arms: &[&Scenario],
    jobs: &[(usize, u32)],
    keep: &(dyn Fn(usize, u32, &ReplicationResult) -> Result<(), E> + Sync),
) -> Result<Vec<(usize, ReplicationResult)>, E> {
    jobs.par_iter()
        .map(|&(a, r)| {
            let result = simulate(arms[a], r);
            keep(a, r, &result)?;
            Ok((a, result))
        })
        .collect()
}

/// As [`run_jobs`], for a plan: each job runs [`Plan::scenario_for`] its arm and replication
/// (the arm's scenario, with the particle of a posterior the replication draws).
pub fn run_plan_jobs(
    plan: &Plan,
    jobs: &[(usize, u32)],
    replication_done: &(dyn Fn() + Sync),
) -> Vec<(usize, ReplicationResult)> {
    jobs.par_iter()
        .map(|&(a, r)| {
            let result = simulate(&plan.scenario_for(a, r), r);
            replication_done();
            (a, result)
        })
        .collect()
}

/// As [`run_jobs_keeping`], for a plan (see [`run_plan_jobs`]).
pub fn run_plan_jobs_keeping<E: Send>(
    plan: &Plan,
    jobs: &[(usize, u32)],
    keep: &(dyn Fn(usize, u32, &ReplicationResult) -> Result<(), E> + Sync),
) -> Result<Vec<(usize, ReplicationResult)>, E> {
    jobs.par_iter()
        .map(|&(a, r)| {
            let result = simulate(&plan.scenario_for(a, r), r);
            keep(a, r, &result)?;
            Ok((a, result))
        })
        .collect()
}

/// Worker threads for experiments that may be given up part way: the training room's re-runs
/// (`casesim serve`), where a run still going when the room changes a control again is of no
/// use. A pool of its own, so that the server's request threads share a fixed number of cores.
pub struct Workers {
    /// `None` when no pool could be started: the jobs then run on rayon's global pool.
    pool: Option<rayon::ThreadPool>,
}

impl Workers {
    /// A pool of `threads` threads (at least one); one thread if that many cannot be started.
    pub fn new(threads: usize) -> Workers {
        let pool = |n: usize| rayon::ThreadPoolBuilder::new().num_threads(n).build().ok();
        Workers {
            pool: pool(threads.max(1)).or_else(|| pool(1)),
        }
    }

    /// The number of threads the jobs run on.
    pub fn threads(&self) -> usize {
        self.pool
            .as_ref()
            .map_or_else(rayon::current_num_threads, |p| p.current_num_threads())
    }

    /// As [`run_jobs`], on this pool, unless `stop` says to give up: it is asked before each
    /// replication starts, and once it says true no further replication starts and the result
    /// is `None` (a replication already running finishes first, so giving up takes at most
    /// one replication's time). Results come back in the jobs' order, as from [`run_jobs`].
    pub fn run_jobs_unless(
        &self,
        arms: &[&Scenario],
        jobs: &[(usize, u32)],
        replication_done: &(dyn Fn() + Sync),
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Vec<(usize, ReplicationResult)>> {
        let work = || {
            jobs.par_iter()
                .map(|&(a, r)| {
                    if stop() {
                        return None;
                    }
                    let result = simulate(arms[a], r);
                    replication_done();
                    Some((a, result))
                })
                .collect::<Option<Vec<_>>>()
        };
        let finished = match &self.pool {
            Some(pool) => pool.install(work),
            None => work(),
        }?;
        // A run given up after its last replication started is still given up.
        (!stop()).then_some(finished)
    }
}

/// Checks a replication's result read back from a file (a checkpoint, a shard) against the
/// scenario it claims to be a replication of: its index, one weekly record per week of the run
/// in order, every number finite, survival tallies of a possible size. Says what is wrong.
pub fn check_result(
    result: &ReplicationResult,
    scenario: &Scenario,
    replication: u32,
) -> Result<(), String> {
    if result.replication != replication {
        return Err(format!(
            "holds replication {} where replication {replication} belongs",
            result.replication
        ));
    }
    let weeks = scenario.simulation.weeks as usize;
    if result.weeks.len() != weeks {
        return Err(format!(
            "holds {} weeks of the weekly series; the scenario runs {weeks}",
            result.weeks.len()
        ));
    }
    if let Some((i, w)) = result
        .weeks
        .iter()
        .enumerate()
        .find(|(i, w)| i64::from(w.week) != *i as i64)
    {
        return Err(format!(
            "its weekly record {i} is of week {}: the weeks are not in order",
            w.week
        ));
    }
    let metrics = std::iter::once(&result.metrics)
        .chain(&result.by_tier)
        .chain(&result.by_disposal)
        .chain(&result.by_age);
    for m in metrics {
        for (name, v) in Metrics::NAMES.iter().zip(m.values()) {
            if v.is_some_and(|v| !v.is_finite()) {
                return Err(format!("measure `{name}` is {v:?}, not a finite number"));
            }
        }
    }
    for w in &result.weeks {
        for (column, v) in COLUMNS.iter().zip(w.values()) {
            if v.is_some_and(|v| !v.is_finite()) {
                return Err(format!(
                    "`{}` of week {} is {v:?}, not a finite number",
                    column.name, w.week
                ));
            }
        }
    }
    // A tally is indexed by weeks since the start of a follow-up: at most the run's length
    // (and the follow-up's). Counts stay far below 2^48, so sums of them cannot overflow.
    let longest = weeks + scenario.simulation.follow_up_weeks as usize + 2;
    for (what, t) in [
        ("reoffence", &result.survival.reoffence),
        ("breach", &result.survival.breach),
    ] {
        if t.events.len() != t.censored.len() || t.events.len() > longest {
            return Err(format!(
                "its {what} survival tallies have {} and {} weeks; at most {longest}, the same \
                 for both",
                t.events.len(),
                t.censored.len()
            ));
        }
        if t.events.iter().chain(&t.censored).any(|&n| n >= 1 << 48) {
            return Err(format!(
                "its {what} survival tallies hold impossible counts"
            ));
        }
    }
    let window = (scenario.simulation.warmup_weeks as usize).min(weeks);
    if result.recalls != RecallTally::of(&result.weeks[window..]) {
        return Err(
            "its recall tallies are not the sum of its weekly records over the measurement \
             window"
                .into(),
        );
    }
    if !result.by_group.is_sound() {
        return Err(
            "its tallies by need and offence hold a number that is not finite or could not \
             have been counted"
                .into(),
        );
    }
    if result.offender_weeks >= 1 << 56 {
        return Err(format!(
            "claims {} offender-weeks, more than could be simulated",
            result.offender_weeks
        ));
    }
    Ok(())
}

/// Groups finished jobs by arm, keeping their order.
pub fn by_arm(arm_count: usize, finished: Vec<(usize, ReplicationResult)>) -> Vec<RunResults> {
    let mut results: Vec<RunResults> = (0..arm_count)
        .map(|_| RunResults {
            replications: Vec::new(),
        })
        .collect();
    for (a, result) in finished {
        results[a].replications.push(result);
    }
    results
}

/// Runs every replication of every arm (see [`run_jobs`]).
pub fn run_arms(arms: &[&Scenario], replication_done: &(dyn Fn() + Sync)) -> Vec<RunResults> {
    let jobs = work_list(arms);
    by_arm(arms.len(), run_jobs(arms, &jobs, replication_done))
}

/// A measure's summary with its interval cut to the values the measure can take
/// ([`Summary::within`], [`crate::metrics::Unit::bounds`]).
fn bounded(name: &str, s: Summary) -> Summary {
    match crate::metrics::measure(name) {
        Some(m) => {
            let (lo, hi) = m.unit.bounds();
            s.within(lo, hi)
        }
        None => s,
    }
}

impl RunResults {
    /// Mean and CI of every metric, in [`Metrics::NAMES`] order.
    pub fn stats(&self) -> Vec<(&'static str, Summary)> {
        Metrics::NAMES
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let values = self.replications.iter().map(|r| r.metrics.values()[i]);
                (*name, bounded(name, summarise(values)))
            })
            .collect()
    }

    /// Mean and CI of every case-outcome metric, by risk tier.
    pub fn stats_by_tier(&self) -> Vec<(RiskTier, &'static str, Summary)> {
        self.case_stats_by(&RiskTier::ALL, |r, tier| &r.by_tier[tier.index()])
    }

    /// Mean and CI of every case-outcome metric, for community orders and custodial sentences.
    pub fn stats_by_disposal(&self) -> Vec<(Disposal, &'static str, Summary)> {
        self.case_stats_by(&Disposal::ALL, |r, disposal| {
            &r.by_disposal[disposal.index()]
        })
    }

    /// Mean and CI of every case-outcome metric, by age band at sentence.
    pub fn stats_by_age(&self) -> Vec<(AgeBand, &'static str, Summary)> {
        self.case_stats_by(&AgeBand::ALL, |r, band| &r.by_age[band.index()])
    }

    /// Mean and CI of every case-outcome metric within each group (a tier, a disposal).
    fn case_stats_by<G: Copy>(
        &self,
        groups: &[G],
        metrics: impl Fn(&ReplicationResult, G) -> &Metrics,
    ) -> Vec<(G, &'static str, Summary)> {
        let mut out = Vec::new();
        for &group in groups {
            for (i, m) in Metrics::case_measures() {
                let values = self
                    .replications
                    .iter()
                    .map(|r| metrics(r, group).values()[i]);
                out.push((group, m.name, bounded(m.name, summarise(values))));
            }
        }
        out
    }

    /// Mean and CI of every measure of `by_need.csv`: each primary need (then `none`) and
    /// its measures, in [`GROUP_MEASURES`] order.
    pub fn stats_by_need(&self) -> Vec<(usize, &'static GroupMeasure, Summary)> {
        self.group_stats(crate::metrics::groups::NEED_GROUPS, |r, g| {
            &r.by_group.by_need[g]
        })
    }

    /// The same for `by_offence.csv`, by principal offence in [`OffenceType::ALL`] order.
    pub fn stats_by_offence(&self) -> Vec<(usize, &'static GroupMeasure, Summary)> {
        self.group_stats(OffenceType::COUNT, |r, g| &r.by_group.by_offence[g])
    }

    fn group_stats(
        &self,
        groups: usize,
        tally: impl Fn(&ReplicationResult, usize) -> &GroupTally,
    ) -> Vec<(usize, &'static GroupMeasure, Summary)> {
        let mut out = Vec::new();
        for g in 0..groups {
            for m in GROUP_MEASURES {
                let values = self.replications.iter().map(|r| (m.value)(tally(r, g)));
                let (lo, hi) = m.unit.bounds();
                out.push((g, m, summarise(values).within(lo, hi)));
            }
        }
        out
    }

    /// Mean and CI of every row of `recalls.csv`: each group of recalls (all, each reason,
    /// fixed-term, standard) and its measures, in [`RecallTally::rows`] order.
    pub fn stats_recalls(&self) -> Vec<(RecallGroup, RecallMetric, Summary)> {
        RecallTally::rows()
            .map(|(group, metric)| {
                let values = self
                    .replications
                    .iter()
                    .map(|r| r.recalls.value(group, metric));
                let (lo, hi) = metric.bounds();
                (group, metric, summarise(values).within(lo, hi))
            })
            .collect()
    }

    /// Mean of each weekly quantity across replications, week by week.
    pub fn mean_timeseries(&self) -> Vec<(i32, Vec<Option<f64>>)> {
        let weeks = self.replications.first().map_or(0, |r| r.weeks.len());
        (0..weeks)
            .map(|w| {
                let means = COLUMNS
                    .iter()
                    .map(|c| {
                        summarise(self.replications.iter().map(|r| (c.value)(&r.weeks[w]))).mean
                    })
                    .collect();
                (self.replications[0].weeks[w].week, means)
            })
            .collect()
    }

    /// The time-to-event cohorts of all replications, pooled.
    pub fn survival(&self) -> Survival {
        let mut pooled = Survival::default();
        for r in &self.replications {
            pooled.add(&r.survival);
        }
        pooled
    }

    /// Offender-weeks simulated in all replications.
    pub fn offender_weeks(&self) -> u64 {
        self.replications.iter().map(|r| r.offender_weeks).sum()
    }
}
