//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;

use casesim::experiment::run_replications;
use casesim::experiment::stats::t_quantile_975;
use casesim::{ReplicationResult, Scenario};

/// The result files a sweep writes, all of which must be byte-identical between runs that
/// should agree (thread counts, shards, resumed runs).
pub const SWEEP_CSVS: [&str; 11] = [
    "summary.csv",
    "stats.csv",
    "by_tier.csv",
    "by_disposal.csv",
    "by_age.csv",
    "recalls.csv",
    "by_need.csv",
    "by_offence.csv",
    "timeseries.csv",
    "survival.csv",
    "compare.csv",
];

/// A small unit (about 1,000 orders) that runs fast but is big enough for stable rates.
pub fn small_scenario() -> Scenario {
    let mut s = Scenario {
        name: "small".into(),
        ..Scenario::default()
    };
    s.simulation.weeks = 260;
    s.simulation.warmup_weeks = 104;
    s.simulation.replications = 12;
    s.population.initial_cases = 1_000;
    s.population.inflow_per_week = 20.0;
    s.workforce.case_managers = 24;
    s
}

/// Mean and 95% t-interval of paired differences `a - b`.
pub fn paired_difference(a: &[f64], b: &[f64]) -> (f64, f64, f64) {
    assert_eq!(a.len(), b.len());
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let half = t_quantile_975(d.len() - 1) * sd / n.sqrt();
    (mean, mean - half, mean + half)
}

/// Runs every replication of a scenario once.
pub fn replicate(s: &Scenario) -> Vec<ReplicationResult> {
    run_replications(s).replications
}

/// One value per replication, from results already run.
pub fn per_replication(
    results: &[ReplicationResult],
    value: impl Fn(&ReplicationResult) -> Option<f64>,
) -> Vec<f64> {
    results
        .iter()
        .map(|r| value(r).expect("defined in every replication"))
        .collect()
}

/// A headline metric, one value per replication.
pub fn metric(results: &[ReplicationResult], name: &str) -> Vec<f64> {
    per_replication(results, |r| r.metrics.get(name))
}

/// Asserts that `a - b`, paired by replication, is above zero with 95% confidence.
pub fn assert_higher(a: &[f64], b: &[f64], what: &str) {
    let (d, lo, _) = paired_difference(a, b);
    assert!(lo > 0.0, "{what}: difference {d:.4}, CI low {lo:.4}");
}

/// Asserts that `a - b`, paired by replication, is below zero with 95% confidence.
pub fn assert_lower(a: &[f64], b: &[f64], what: &str) {
    let (d, _, hi) = paired_difference(a, b);
    assert!(hi < 0.0, "{what}: difference {d:.4}, CI high {hi:.4}");
}

/// Runs the `casesim` binary from the crate's root, with `RAYON_NUM_THREADS` if given.
pub fn casesim(args: &[&str], threads: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_casesim"));
    cmd.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    if let Some(t) = threads {
        cmd.env("RAYON_NUM_THREADS", t);
    }
    cmd.output().expect("the binary runs")
}

/// A calibration file among the shipped scenarios (`scenarios/calibration_*.toml`): not a
/// scenario itself, but names one (tests/all/calibration.rs checks them).
pub fn is_calibration_file(path: &std::path::Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("calibration_"))
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `--set` arguments for a small, quick run with every mechanism at work.
pub const QUICK: [&str; 6] = [
    "--set",
    "simulation.weeks=120",
    "--set",
    "simulation.warmup_weeks=52",
    "--set",
    "population.initial_cases=600",
];

/// Runs a property over `cases` generated inputs (shrinking any failure) and reports how many
/// inputs it tried; `.ci/run` shows these lines.
pub fn check_property<S: Strategy>(
    name: &str,
    strategy: S,
    property: impl Fn(S::Value) -> Result<bool, TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    check_property_with(name, 500, strategy, property)
}

/// As [`check_property`], with `default` inputs unless PROPTEST_CASES says otherwise.
pub fn check_property_with<S: Strategy>(
    name: &str,
    default: u32,
    strategy: S,
    property: impl Fn(S::Value) -> Result<bool, TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    // `default` inputs each in CI; PROPTEST_CASES=N tries more (or fewer) locally.
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    // A fixed generator: CI tries the same inputs every time, so a failure is the change's.
    let rng = proptest::test_runner::TestRng::deterministic_rng(
        proptest::test_runner::RngAlgorithm::ChaCha,
    );
    let mut runner = proptest::test_runner::TestRunner::new_with_rng(config, rng);
    let (tried, accepted) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let outcome = runner.run(&strategy, |input| {
        tried.fetch_add(1, Ordering::Relaxed);
        if property(input)? {
            accepted.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    let (tried, accepted) = (tried.into_inner(), accepted.into_inner());
    eprintln!(
        "robustness: {name}: {tried} inputs tried, {accepted} accepted, {} refused as bad input",
        tried - accepted
    );
    if let Err(e) = outcome {
        panic!("{name}: {e}");
    }
}
