//! What each subcommand does, apart from argument parsing (in `main.rs`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::error::Error;
use crate::experiment::{RunResults, run_replications};
use crate::output::table::headline_table;
use crate::output::{RunRecord, write_run};
use crate::scenario::{Scenario, load_scenario, parse_override};

/// Reads a scenario and applies `--set` arguments.
pub fn resolve_scenario(path: &Path, set: &[String]) -> Result<Scenario, Error> {
    let overrides = set
        .iter()
        .map(|arg| parse_override(arg))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(load_scenario(path, &overrides)?)
}

/// `casesim check`: the resolved scenario as TOML (every key, defaults included).
pub fn check(path: &Path, set: &[String]) -> Result<String, Error> {
    let scenario = resolve_scenario(path, set)?;
    Ok(toml::to_string_pretty(&scenario).expect("a scenario serialises to TOML"))
}

/// What `casesim run` was asked to do.
pub struct RunRequest {
    pub scenario: PathBuf,
    pub set: Vec<String>,
    pub replications: Option<u32>,
    pub seed: Option<u64>,
    pub out: Option<PathBuf>,
    /// The command line, recorded in run.json.
    pub command: String,
}

/// What a finished run reports.
pub struct RunReport {
    pub scenario: Scenario,
    pub results: RunResults,
    pub out: PathBuf,
    pub seconds: f64,
}

impl RunReport {
    /// The text printed at the end of a run.
    pub fn text(&self) -> String {
        let sim = &self.scenario.simulation;
        let rate = self.results.offender_weeks() as f64 / self.seconds.max(1e-9);
        format!(
            "casesim run: {} — {} replications of {} weeks (measured from week {}), seed {}\n\
             {:.1} s, {:.1} million offender-weeks per second\n\n{}\nOutputs in {}\n",
            self.scenario.name,
            sim.replications,
            sim.weeks,
            sim.warmup_weeks,
            sim.seed,
            self.seconds,
            rate / 1e6,
            headline_table(&self.results.stats()),
            self.out.display()
        )
    }
}

/// `casesim run`: replications of one scenario, written to the output directory.
pub fn run(request: &RunRequest) -> Result<RunReport, Error> {
    let mut scenario = resolve_scenario(&request.scenario, &request.set)?;
    // Applied after validation: clap has range-checked --reps, and every u64 is a valid seed
    // (one above 2^63 would not survive a round trip through a TOML integer).
    if let Some(reps) = request.replications {
        scenario.simulation.replications = reps;
    }
    if let Some(seed) = request.seed {
        scenario.simulation.seed = seed;
    }
    let out = request
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&scenario.name));
    let started = Instant::now();
    let results = run_replications(&scenario);
    let seconds = started.elapsed().as_secs_f64();
    let record = RunRecord {
        casesim_version: env!("CARGO_PKG_VERSION"),
        command: request.command.clone(),
        scenario_file: &request.scenario,
        seed: scenario.simulation.seed,
        replications: scenario.simulation.replications,
        threads: rayon::current_num_threads(),
        wall_time_seconds: seconds,
        offender_weeks: results.offender_weeks(),
        measurement_window_weeks: [scenario.simulation.warmup_weeks, scenario.simulation.weeks],
        scenario: &scenario,
    };
    write_run(&out, &results, &record)?;
    Ok(RunReport {
        scenario,
        results,
        out,
        seconds,
    })
}
