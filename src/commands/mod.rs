//! What each subcommand does, apart from argument parsing (in `main.rs`).
//!
//! Every input is resolved and validated before anything runs, so bad input never leaves a
//! half-written output; results are written only once every replication has finished.

pub mod cluster;

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::error::{Error, InputError, InputProblem, Origin};
use crate::experiment::ReplicationResult;
use crate::experiment::checkpoint::{self, Checkpoint};
use crate::experiment::posterior::Posterior;
use crate::experiment::resources::{self, Estimate, Limits};
use crate::experiment::{
    Arm, Kind, Plan, RunResults, by_arm, independent_seed, paired_differences,
    run_plan_jobs_keeping, work_list,
};
use crate::files::{lock_dir, safe_file_name};
use crate::model::unit::UnitSummary;
use crate::output::metric_intervals;
use crate::output::table::{
    compare_table, headline_table, headline_table_with_intervals, sweep_table,
};
use crate::output::{
    ArmRecord, ExperimentRecord, Grouped, PosteriorRecord, RunRecord, compare_csv,
    compare_csv_with_intervals, cost_effectiveness_csv, draw_outputs, json_file, result_files,
    stats_csv_with_intervals, write_outputs,
};
use crate::scenario::{
    Override, Scenario, Sweep, line_of_key, load_scenario, parse_override, parse_vary_args,
    read_source, scenario_from_source, sweep_points, value_text,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Reads a scenario and applies `--set` arguments.
pub fn resolve_scenario(path: &Path, set: &[String]) -> Result<Scenario, Error> {
    Ok(with_unit(load_scenario(path, &parse_overrides(set)?)?))
}

/// A scenario as loaded with what `population.cases_in_force` works out set in it (the inflow
/// and the initial cases; see `model::unit`).
fn with_unit(mut scenario: Scenario) -> Scenario {
    crate::experiment::steady::resolve(&mut scenario);
    scenario
}

/// What the unit is expected to come to (the inflow worked out, the capacity warning), one
/// line each.
pub fn unit_lines(scenario: &Scenario) -> Vec<String> {
    UnitSummary::expected(scenario).lines()
}

/// Parses `--set` arguments, every problem at once.
pub fn parse_overrides(set: &[String]) -> Result<Vec<Override>, InputError> {
    let mut overrides = Vec::new();
    let mut problems = Vec::new();
    for arg in set {
        match parse_override(arg) {
            Ok(ov) => overrides.push(ov),
            Err(e) => problems.extend(e.0),
        }
    }
    if problems.is_empty() {
        Ok(overrides)
    } else {
        Err(InputError(problems))
    }
}

/// `casesim check`: the resolved scenario as TOML (every key, defaults included).
pub fn check(path: &Path, set: &[String]) -> Result<String, Error> {
    let scenario = resolve_scenario(path, set)?;
    check_focus(path, &scenario)?;
    let mut text = String::new();
    for line in unit_lines(&scenario) {
        text.push_str(&format!("# {line}\n"));
    }
    text.push_str(&crate::scenario::docs::annotated_toml(&scenario));
    Ok(text)
}

/// The options `run`, `sweep` and `compare` share.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--set KEY=VALUE` arguments, applied to every arm.
    pub set: Vec<String>,
    pub replications: Option<u32>,
    pub seed: Option<u64>,
    pub out: Option<PathBuf>,
    /// Draw progress bars on stderr (when it is a terminal).
    pub progress: bool,
    /// The command line, recorded in run.json.
    pub command: String,
    /// Run even when the estimate of memory or time is above the limits
    /// ([`crate::experiment::resources`]).
    pub force: bool,
    /// Write into an output directory that holds another experiment's outputs, replacing them
    /// (`--replace`); without it such a directory is refused.
    pub replace: bool,
    /// `--cases PATH`: write every case's record there (gzip when it ends in `.gz`), and
    /// `timeseries_by_replication.csv` in the output directory.
    pub cases: Option<PathBuf>,
    /// `--posterior FILE`: each replication draws its parameters from this posterior (the
    /// same draw in every arm); see [`crate::experiment::posterior`].
    pub posterior: Option<PathBuf>,
}

impl Options {
    /// Applies `--reps` and `--seed`, after validation: clap has range-checked --reps, and
    /// every u64 is a valid seed (one above 2^63 would not survive a round trip through a TOML
    /// integer).
    fn apply(&self, scenario: &mut Scenario) {
        if let Some(reps) = self.replications {
            scenario.simulation.replications = reps;
        }
        if let Some(seed) = self.seed {
            scenario.simulation.seed = seed;
        }
    }
}

/// A progress bar on stderr counting replications: done, rate and time left. Hidden when not
/// asked for, and by indicatif when stderr is not a terminal.
pub fn progress_bar(total: u64, show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:30} {pos}/{len} replications  {rate}  {eta} left  {elapsed} elapsed",
        )
        .expect("a valid template")
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.1}/s", state.per_sec());
            },
        ),
    );
    bar
}

/// What ran this time: the replications run (not those resumed from a checkpoint), the
/// offender-weeks they simulated and the wall time they took.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ran {
    pub replications: usize,
    /// Replications taken from the checkpoint instead of run.
    pub resumed: usize,
    pub offender_weeks: u64,
    pub seconds: f64,
}

/// The speed line of the printed report: time and speed of the replications run this time
/// (a resumed run's speed counts only those, not the ones it found done).
fn rate_text(ran: &Ran) -> String {
    let speed = format!(
        "{:.1} s, {:.1} million offender-weeks per second",
        ran.seconds,
        ran.offender_weeks as f64 / ran.seconds.max(1e-9) / 1e6
    );
    if ran.resumed == 0 {
        speed
    } else {
        format!(
            "{speed}, for the {} replications run this time ({} resumed from the checkpoint)",
            ran.replications, ran.resumed
        )
    }
}

/// What a finished run reports.
pub struct RunReport {
    pub scenario: Scenario,
    pub results: RunResults,
    pub out: PathBuf,
    pub ran: Ran,
    /// The `--set` arguments, `key=value`.
    pub settings: Vec<String>,
    /// `--posterior`: the posterior the replications drew their parameters from.
    pub posterior: Option<Posterior>,
}

/// What the printed report says of a posterior: where the intervals' parameter uncertainty
/// comes from, and what the two intervals are.
fn posterior_text(posterior: &Posterior) -> String {
    format!(
        "Parameters drawn from the posterior {} ({} particles; keys {}): each replication \
         runs on one particle, the same in every arm. The 95% CI of the mean is the luck of \
         the draw; the 95% interval over replications includes parameter uncertainty from \
         the posterior (docs/posterior.md).\n",
        posterior.path.display(),
        posterior.particles.len(),
        posterior.keys.join(", ")
    )
}

impl RunReport {
    /// The text printed at the end of a run.
    pub fn text(&self) -> String {
        let sim = &self.scenario.simulation;
        let set = if self.settings.is_empty() {
            String::new()
        } else {
            format!(" with {}", self.settings.join(", "))
        };
        let unit: String = crate::experiment::steady::measured(&self.scenario, &self.results)
            .lines()
            .iter()
            .map(|l| format!("{l}\n"))
            .collect();
        let table = match &self.posterior {
            None => headline_table(&self.results.stats()),
            Some(p) => format!(
                "{}\n{}",
                posterior_text(p),
                headline_table_with_intervals(
                    &self.results.stats(),
                    &metric_intervals(&self.results)
                )
            ),
        };
        format!(
            "casesim run: {}{set} — {} replications of {} weeks (measured from week {}), seed {}\n\
             {}\n{unit}\n{}\nOutputs in {}\n",
            self.scenario.name,
            sim.replications,
            sim.weeks,
            sim.warmup_weeks,
            sim.seed,
            rate_text(&self.ran),
            table,
            self.out.display()
        )
    }
}

/// What a finished run, sweep or comparison reports.
pub enum Report {
    Run(Box<RunReport>),
    Experiment(ExperimentReport),
}

impl Report {
    /// The text printed at the end.
    pub fn text(&self) -> String {
        match self {
            Report::Run(r) => r.text(),
            Report::Experiment(e) => e.text(),
        }
    }

    pub fn notes(&self) -> &[String] {
        match self {
            Report::Run(_) => &[],
            Report::Experiment(e) => &e.notes,
        }
    }
}

/// The `--set` arguments as `key=value`, in their order, for `run.json` and the report.
fn settings_text(set: &[Override]) -> Vec<String> {
    set.iter()
        .map(|o| format!("{}={}", o.key, value_text(&o.value)))
        .collect()
}

/// A short label of the `--set` arguments for a directory name: `caseload_cap=60`, each key
/// by its last part unless two share it, joined by commas (empty when none).
fn settings_label(set: &[Override]) -> String {
    set.iter()
        .map(|o| {
            let last = o.key.rsplit('.').next().unwrap_or(&o.key);
            let clashes = set
                .iter()
                .filter(|p| p.key != o.key && p.key.rsplit('.').next() == Some(last))
                .count();
            let key = if clashes > 0 { o.key.as_str() } else { last };
            format!("{key}={}", value_text(&o.value))
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The default output directory: `output/<name>`, and the label of the settings after a
/// dash when there are any (`output/baseline-caseload_cap=60`), so that a run with `--set`
/// never writes over the scenario's own outputs.
fn default_out(name: &str, label: &str) -> PathBuf {
    let stem = if label.is_empty() {
        name.to_string()
    } else {
        format!("{name}-{label}")
    };
    Path::new("output").join(safe_file_name(&stem))
}

/// `casesim run`: the plan for replications of one scenario.
pub fn plan_run(path: &Path, options: &Options) -> Result<Plan, Error> {
    let set = parse_overrides(&options.set)?;
    let mut scenario = load_scenario(path, &set)?;
    check_focus(path, &scenario)?;
    options.apply(&mut scenario);
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| default_out(&scenario.name, &settings_label(&set)));
    with_posterior(
        Plan {
            kind: Kind::Run,
            arms: vec![Arm {
                label: scenario.name.clone(),
                scenario_file: path.to_path_buf(),
                varied: Vec::new(),
                scenario,
            }],
            varied_keys: Vec::new(),
            notes: Vec::new(),
            out,
            command: options.command.clone(),
            settings: settings_text(&set),
            vary: Vec::new(),
            cases: options.cases.clone(),
            posterior: None,
        },
        options,
        &set,
    )
}

/// Adds `--posterior` to a plan: reads the file, refuses a key the user sets (`--set`),
/// varies (`--vary`, a sweep's entries) or compares (arms that differ on it), since the
/// posterior would override it in every replication, and checks every particle the
/// replications draw against every arm. The draws are keyed by the first arm's seed (the
/// master seed every arm shares; the first arm keeps it under `--independent`). Without
/// `--out`, the default directory gets `-posterior=<file name>` after its name.
fn with_posterior(mut plan: Plan, options: &Options, set: &[Override]) -> Result<Plan, Error> {
    let Some(path) = &options.posterior else {
        return Ok(plan);
    };
    let seed = plan.arms[0].scenario.simulation.seed;
    let posterior = crate::experiment::posterior::Posterior::read(path, seed)?;
    let mut problems = Vec::new();
    for key in &posterior.keys {
        if let Some(ov) = set.iter().find(|o| &o.key == key) {
            problems.push(posterior.refuse_key(key, &format!("is set by {}", ov.origin)));
        } else if plan.varied_keys.contains(key) {
            problems.push(posterior.refuse_key(key, "is varied by the sweep"));
        } else if plan.kind == Kind::Compare {
            let values: Vec<_> = plan
                .arms
                .iter()
                .map(|a| crate::experiment::posterior::value_at(&a.scenario, key))
                .collect();
            if values.iter().any(|v| v != &values[0]) {
                let shown: Vec<String> = plan
                    .arms
                    .iter()
                    .zip(&values)
                    .map(|(a, v)| {
                        format!(
                            "{} has {}",
                            a.scenario_file.display(),
                            v.as_ref().map_or("none".into(), value_text)
                        )
                    })
                    .collect();
                problems.push(posterior.refuse_key(
                    key,
                    &format!(
                        "differs between the compared scenarios ({})",
                        shown.join(", ")
                    ),
                ));
            }
        }
    }
    if problems.is_empty() {
        for arm in &plan.arms {
            problems.extend(posterior.check_against(&arm.scenario, &arm.label));
            if !problems.is_empty() {
                break;
            }
        }
    }
    if !problems.is_empty() {
        return Err(InputError(problems).into());
    }
    if options.out.is_none() {
        let stem = path
            .file_stem()
            .map_or("posterior".into(), |s| s.to_string_lossy().into_owned());
        let name = plan
            .out
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        plan.out = plan
            .out
            .with_file_name(safe_file_name(&format!("{name}-posterior={stem}")));
    }
    plan.posterior = Some(posterior);
    Ok(plan)
}

/// Refuses a scenario whose `focus` names something that is not a measure.
fn check_focus(path: &Path, scenario: &Scenario) -> Result<(), Error> {
    let problems: Vec<InputProblem> = scenario
        .focus
        .iter()
        .enumerate()
        .filter(|(_, name)| crate::metrics::measure(name).is_none())
        .map(|(i, name)| InputProblem {
            origin: Origin::File {
                path: path.to_path_buf(),
                line: read_source(path)
                    .ok()
                    .and_then(|source| line_of_key(&source, "focus")),
            },
            key: Some(format!("focus[{i}]")),
            message: format!(
                "`{name}` is not a measure: focus takes measure names as summary.csv's columns \
                 are named (docs/outputs.md), e.g. \"mean_handoffs\", \"reoffending_rate\""
            ),
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(InputError(problems).into())
    }
}

/// Refuses to write into a directory that holds the outputs of another experiment (another
/// scenario, or the same with other `--set` or `--vary` arguments: see
/// [`Plan::experiment`]) unless `replace`; the same experiment run again replaces its own.
/// Nothing is written or deleted before this check. Outputs written before `run.json`
/// recorded the experiment are taken as the experiment of their kind and scenario names.
pub fn check_experiment(plan: &Plan, replace: bool) -> Result<(), Error> {
    let manifest = plan.out.join(crate::files::MANIFEST_NAME);
    let listed = std::fs::read_to_string(&manifest)
        .map(|text| text.lines().any(|l| l == "run.json"))
        .unwrap_or(false);
    if replace || !listed {
        return Ok(());
    }
    let record = plan.out.join("run.json");
    let held = std::fs::read(&record)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .map(|json| experiment_of_record(&json));
    let wanted = plan.experiment();
    match held {
        Some(Some(held)) if held == wanted => Ok(()),
        held => {
            let what = match held {
                Some(Some(held)) => format!("the outputs of another experiment (`{held}`)"),
                _ => "outputs whose run.json cannot be read".to_string(),
            };
            Err(Error::in_file(
                &plan.out,
                format!(
                    "holds {what}, not of this one (`{wanted}`); nothing was run or changed. \
                     Give another --out, or --replace to replace those outputs with these"
                ),
            ))
        }
    }
}

/// The experiment a `run.json` records (see [`Plan::experiment`]); for one written before the
/// field existed, its kind and scenario names.
fn experiment_of_record(json: &serde_json::Value) -> Option<String> {
    if let Some(e) = json.get("experiment").and_then(|e| e.as_str()) {
        return Some(e.to_string());
    }
    let kind = json.get("kind").and_then(|k| k.as_str()).unwrap_or("run");
    let name = |s: &serde_json::Value| s.pointer("/scenario/name")?.as_str().map(String::from);
    let names: Vec<String> = match kind {
        "run" => vec![name(json)?],
        _ => {
            let mut names: Vec<String> = Vec::new();
            for arm in json.get("arms")?.as_array()? {
                let n = name(arm)?;
                if kind == "compare" || !names.contains(&n) {
                    names.push(n);
                }
            }
            names
        }
    };
    Some(format!("{kind} {}", names.join(" vs ")))
}

/// Runs a plan whole and writes every output.
///
/// Before anything runs, the memory and time it needs are estimated and checked against the
/// machine's ([`check_resources`]); then the output directory is locked for the run, so no
/// other casesim process writes it meanwhile.
pub fn execute(mut plan: Plan, options: &Options) -> Result<Report, Error> {
    let threads = rayon::current_num_threads();
    if let Some(path) = &plan.cases {
        check_cases_path(path)?;
    }
    let record_cases = plan.cases.is_some();
    for arm in &mut plan.arms {
        arm.scenario.record_cases = record_cases;
    }
    check_resources(
        &plan,
        resources::estimate_arms(&plan.scenarios(), threads),
        options.force,
    )?;
    let lock = lock_dir(&plan.out)?;
    check_experiment(&plan, options.replace)?;
    let mut checkpoint = Checkpoint::open(&plan)?;
    if let Some(aside) = &checkpoint.set_aside {
        eprintln!(
            "note: {} held the checkpoint of a different experiment; it is kept, renamed {} \
             (delete it if you do not need it)",
            plan.out.join(checkpoint::DIR_NAME).display(),
            aside.display()
        );
    }
    let (results, ran) = run_resumably(&plan, &mut checkpoint, options.progress)?;
    match write_results(&plan, &results, ran.seconds, threads, None) {
        // Results that cannot be written (not finite) would be the same on a resumed run:
        // the checkpoint holds nothing worth keeping.
        Err(e @ Error::Input(_)) => {
            checkpoint.finish()?;
            return Err(e);
        }
        other => other?,
    }
    if let Some(path) = &plan.cases {
        write_cases(path, &plan, &results)?;
    }
    checkpoint.finish()?;
    drop(lock);
    Ok(report(plan, results, ran))
}

/// Refuses a `--cases` path that cannot be written before anything runs: its folder must
/// exist, and it must not be a directory.
fn check_cases_path(path: &Path) -> Result<(), Error> {
    let problem = |message: &str| {
        Error::from(InputProblem {
            origin: Origin::Argument(format!("--cases {}", path.display())),
            key: None,
            message: message.to_string(),
        })
    };
    if path.is_dir() {
        return Err(problem(
            "is a directory: give a file name such as cases.csv.gz",
        ));
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if parent.is_some_and(|p| !p.is_dir()) {
        return Err(problem("names a folder that does not exist"));
    }
    Ok(())
}

/// Writes the case records of every arm and replication to `path` (gzip when its name ends
/// in `.gz`), whole or not at all: written beside it and renamed into place.
fn write_cases(path: &Path, plan: &Plan, results: &[RunResults]) -> Result<(), Error> {
    let fail = |e: std::io::Error| Error::Output {
        path: path.to_path_buf(),
        source: e,
    };
    let labels: Vec<&str> = plan.arms.iter().map(|a| a.label.as_str()).collect();
    let gzip = path.extension().is_some_and(|x| x == "gz");
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".casesim-cases");
    // Readable as any output file is (a temporary file is private by default).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut file = builder.tempfile_in(dir).map_err(fail)?;
    crate::output::write_cases_csv(file.as_file_mut(), &labels, results, gzip).map_err(fail)?;
    file.as_file().sync_all().map_err(fail)?;
    file.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Refuses a plan whose estimate is above the machine's limits unless `force`, naming the
/// scenario; prints a warning when it is big.
pub fn check_resources(plan: &Plan, estimate: Estimate, force: bool) -> Result<(), Error> {
    match estimate.check(&Limits::of_this_machine(), force) {
        Ok(Some(warning)) => {
            eprintln!("warning: {warning}");
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(message) => Err(too_big(plan, message)),
    }
}

/// A refusal for size, naming where the plan came from.
fn too_big(plan: &Plan, message: String) -> Error {
    let file = plan
        .arms
        .first()
        .map(|a| a.scenario_file.clone())
        .unwrap_or_default();
    Error::in_file(&file, message)
}

/// Runs every replication of a plan not already in its checkpoint, keeping each as it
/// finishes; returns every arm's results, in order, as an uninterrupted run would.
fn run_resumably(
    plan: &Plan,
    checkpoint: &mut Checkpoint,
    show: bool,
) -> Result<(Vec<RunResults>, Ran), Error> {
    let arms = plan.scenarios();
    let jobs = work_list(&arms);
    if checkpoint.found() > 0 {
        eprintln!(
            "resuming: {} of {} replications already done ({})",
            checkpoint.found(),
            jobs.len(),
            plan.out.join(checkpoint::DIR_NAME).display()
        );
    }
    // A replication kept without its case records is run again when they are asked for.
    let mut done: Vec<Option<ReplicationResult>> = jobs
        .iter()
        .map(|&(a, r)| {
            checkpoint
                .take(a, r)
                .filter(|kept| !arms[a].record_cases || kept.cases.is_some())
        })
        .collect();
    let missing: Vec<(usize, u32)> = jobs
        .iter()
        .zip(&done)
        .filter(|(_, d)| d.is_none())
        .map(|(j, _)| *j)
        .collect();
    let bar = progress_bar(missing.len() as u64, show);
    let started = Instant::now();
    let keep = |a: usize, r: u32, result: &ReplicationResult| {
        bar.inc(1);
        checkpoint.save(a, r, result)
    };
    let fresh = run_plan_jobs_keeping(plan, &missing, &keep)?;
    bar.finish_and_clear();
    let ran = Ran {
        replications: fresh.len(),
        resumed: jobs.len() - missing.len(),
        offender_weeks: fresh.iter().map(|(_, r)| r.offender_weeks).sum(),
        seconds: started.elapsed().as_secs_f64(),
    };
    let mut fresh = fresh.into_iter();
    for slot in done.iter_mut().filter(|d| d.is_none()) {
        *slot = fresh.next().map(|(_, result)| result);
    }
    let finished = jobs
        .iter()
        .zip(done)
        .map(|(&(a, _), result)| (a, result.expect("every replication has run")))
        .collect();
    Ok((by_arm(arms.len(), finished), ran))
}

fn report(plan: Plan, mut results: Vec<RunResults>, ran: Ran) -> Report {
    if plan.kind == Kind::Run {
        let arm = plan.arms.into_iter().next().expect("a run has one arm");
        Report::Run(Box::new(RunReport {
            scenario: arm.scenario,
            results: results.pop().expect("one arm"),
            out: plan.out,
            ran,
            settings: plan.settings,
            posterior: plan.posterior,
        }))
    } else {
        Report::Experiment(ExperimentReport {
            kind: plan.kind.name(),
            arms: plan.arms,
            results,
            notes: plan.notes,
            out: plan.out,
            ran,
            posterior: plan.posterior,
        })
    }
}

/// `casesim run`: replications of one scenario, written to the output directory.
pub fn run(path: &Path, options: &Options) -> Result<RunReport, Error> {
    match execute(plan_run(path, options)?, options)? {
        Report::Run(r) => Ok(*r),
        Report::Experiment(_) => unreachable!("a run plan reports a run"),
    }
}

/// Writes every output of a plan's results: the contract's files (grouped by arm, and by the
/// varied keys in a sweep), `compare.csv` against the first arm in a sweep or comparison,
/// `run.json`, then the plots and `report.html`. `shards` is the number of shards merged, if
/// the results came from shards.
pub(crate) fn write_results(
    plan: &Plan,
    results: &[RunResults],
    seconds: f64,
    threads: usize,
    shards: Option<u32>,
) -> Result<(), Error> {
    let files = output_files(plan, results, seconds, threads, shards);
    write_outputs(&plan.out, files).map_err(|e| match e {
        Error::Input(problems) => not_finite(plan, problems),
        other => other,
    })
}

/// The CSV files and `run.json` of a plan's results, in memory (see [`write_results`]).
pub fn output_files(
    plan: &Plan,
    results: &[RunResults],
    seconds: f64,
    threads: usize,
    shards: Option<u32>,
) -> Vec<(String, Vec<u8>)> {
    let arms = &plan.arms;
    let offender_weeks = results
        .iter()
        .map(|r| r.offender_weeks())
        .fold(0u64, u64::saturating_add);
    let mut files;
    let by_replication = plan.cases.is_some().then(|| {
        let labels: Vec<&str> = arms.iter().map(|a| a.label.as_str()).collect();
        (
            "timeseries_by_replication.csv".to_string(),
            crate::output::timeseries_by_replication_csv(&labels, results),
        )
    });
    if plan.kind == Kind::Run {
        let (arm, results) = (&arms[0], &results[0]);
        let scenario = &arm.scenario;
        files = result_files(&Grouped::single(results));
        files.push(json_file(&RunRecord {
            casesim_version: env!("CARGO_PKG_VERSION"),
            experiment: plan.experiment(),
            settings: plan.settings.clone(),
            command: plan.command.clone(),
            scenario_file: &arm.scenario_file,
            seed: scenario.simulation.seed,
            replications: scenario.simulation.replications,
            threads,
            shards,
            wall_time_seconds: seconds,
            offender_weeks,
            measurement_window_weeks: [scenario.simulation.warmup_weeks, scenario.simulation.weeks],
            scenario,
            unit: crate::experiment::steady::measured(scenario, results),
            posterior: posterior_record(plan),
        }));
        if plan.posterior.is_some() {
            replace_file(
                &mut files,
                "stats.csv",
                stats_csv_with_intervals(&Grouped::single(results)),
            );
        }
    } else {
        let grouped = Grouped {
            columns: std::iter::once("arm".to_string())
                .chain(plan.varied_keys.iter().cloned())
                .collect(),
            arms: arms
                .iter()
                .zip(results)
                .map(|(arm, r)| {
                    let groups = std::iter::once(arm.label.clone())
                        .chain(arm.varied.iter().map(|(_, v)| value_text(v)))
                        .collect();
                    (groups, r)
                })
                .collect(),
        };
        files = result_files(&grouped);
        let compared = if plan.posterior.is_some() {
            replace_file(&mut files, "stats.csv", stats_csv_with_intervals(&grouped));
            compare_csv_with_intervals(&labels(arms), &results.iter().collect::<Vec<_>>())
        } else {
            compare_csv(&labels(arms), &results.iter().collect::<Vec<_>>())
        };
        files.push(("compare.csv".to_string(), compared));
        files.push((
            "cost_effectiveness.csv".to_string(),
            cost_effectiveness_csv(&labels(arms), &results.iter().collect::<Vec<_>>()),
        ));
        let units: Vec<UnitSummary> = arms
            .iter()
            .zip(results)
            .map(|(a, r)| crate::experiment::steady::measured(&a.scenario, r))
            .collect();
        files.push(json_file(&ExperimentRecord {
            casesim_version: env!("CARGO_PKG_VERSION"),
            experiment: plan.experiment(),
            settings: plan.settings.clone(),
            kind: plan.kind.name(),
            command: plan.command.clone(),
            common_random_numbers: share_random_numbers(arms),
            replications: arms[0].scenario.simulation.replications,
            threads,
            shards,
            wall_time_seconds: seconds,
            offender_weeks,
            arms: arms
                .iter()
                .zip(units)
                .map(|(a, unit)| ArmRecord {
                    arm: &a.label,
                    scenario_file: &a.scenario_file,
                    varied: a.varied.clone(),
                    seed: a.scenario.simulation.seed,
                    measurement_window_weeks: [
                        a.scenario.simulation.warmup_weeks,
                        a.scenario.simulation.weeks,
                    ],
                    scenario: &a.scenario,
                    unit,
                })
                .collect(),
            posterior: posterior_record(plan),
        }));
    }
    files.extend(by_replication);
    files
}

/// What run.json records of the plan's posterior, if it has one.
fn posterior_record(plan: &Plan) -> Option<PosteriorRecord> {
    let replications = plan.arms.first()?.scenario.simulation.replications;
    plan.posterior
        .as_ref()
        .map(|p| PosteriorRecord::of(p, replications))
}

/// Puts `bytes` in place of the file named `name`.
fn replace_file(files: &mut [(String, Vec<u8>)], name: &str, bytes: Vec<u8>) {
    if let Some(slot) = files.iter_mut().find(|(n, _)| n == name) {
        slot.1 = bytes;
    }
}

/// The results of a plan could not be read back (a number that is not finite, from inputs so
/// large that the arithmetic overflows): nothing is written, and the message names the inputs.
fn not_finite(plan: &Plan, problems: InputError) -> Error {
    let inputs = if plan.command.is_empty() {
        let mut files: Vec<String> = plan
            .arms
            .iter()
            .map(|a| a.scenario_file.display().to_string())
            .collect();
        files.dedup();
        files.join(", ")
    } else {
        plan.command.clone()
    };
    InputProblem {
        origin: Origin::Argument(inputs),
        key: None,
        message: format!(
            "the results are not all finite numbers, so nothing was written ({problems}). \
             Inputs this large overflow the arithmetic: bring them down"
        ),
    }
    .into()
}

/// What a finished sweep or comparison reports.
pub struct ExperimentReport {
    pub kind: &'static str,
    pub arms: Vec<Arm>,
    pub results: Vec<RunResults>,
    /// Things the user should know that are not errors (a seed aligned across arms).
    pub notes: Vec<String>,
    pub out: PathBuf,
    pub ran: Ran,
    /// `--posterior`: the posterior the replications drew their parameters from.
    pub posterior: Option<Posterior>,
}

/// The arms' labels, in order.
fn labels(arms: &[Arm]) -> Vec<String> {
    arms.iter().map(|a| a.label.clone()).collect()
}

/// Whether every arm runs on the same seed (common random numbers).
fn share_random_numbers(arms: &[Arm]) -> bool {
    let seed = arms[0].scenario.simulation.seed;
    arms.iter().all(|a| a.scenario.simulation.seed == seed)
}

impl ExperimentReport {
    /// The text printed at the end of a sweep or comparison.
    pub fn text(&self) -> String {
        let first = &self.arms[0].scenario.simulation;
        let stats: Vec<_> = self.results.iter().map(|r| r.stats()).collect();
        let table = match self.kind {
            "sweep" => sweep_table(&labels(&self.arms), &stats, &self.arms[0].scenario.focus),
            _ => {
                let differences: Vec<_> = self.results[1..]
                    .iter()
                    .map(|r| paired_differences(&self.results[0], r))
                    .collect();
                compare_table(
                    &labels(&self.arms),
                    &stats,
                    &differences,
                    share_random_numbers(&self.arms),
                )
            }
        };
        // Each arm's unit: the inflow worked out, and the caseload warning, named by arm.
        let unit: String = self
            .arms
            .iter()
            .zip(&self.results)
            .flat_map(|(arm, r)| {
                crate::experiment::steady::measured(&arm.scenario, r)
                    .lines()
                    .into_iter()
                    .map(move |line| format!("{}: {line}\n", arm.label))
            })
            .collect();
        let mut table = table;
        if let Some(p) = &self.posterior {
            table.push_str(&format!("\n{}", posterior_text(p)));
            for (arm, r) in self.arms.iter().zip(&self.results) {
                table.push_str(&format!(
                    "\n{}:\n{}",
                    arm.label,
                    headline_table_with_intervals(&r.stats(), &metric_intervals(r))
                ));
            }
        }
        format!(
            "casesim {}: {} arms x {} replications of {} weeks (measured from week {}), seed {}\n\
             {}\n{unit}\n{}\nOutputs in {}\n",
            self.kind,
            self.arms.len(),
            first.replications,
            first.weeks,
            first.warmup_weeks,
            first.seed,
            rate_text(&self.ran),
            table,
            self.out.display()
        )
    }
}

/// `casesim sweep`: the scenario at every point of its sweep (from `--vary`, else the file's
/// `[[sweep.vary]]` entries), all points on the same seed (common random numbers).
pub fn sweep(path: &Path, vary: &[String], options: &Options) -> Result<ExperimentReport, Error> {
    experiment(plan_sweep(path, vary, options)?, options)
}

fn experiment(plan: Plan, options: &Options) -> Result<ExperimentReport, Error> {
    match execute(plan, options)? {
        Report::Experiment(e) => Ok(e),
        Report::Run(_) => unreachable!("a sweep or comparison plan reports an experiment"),
    }
}

/// The plan of a sweep.
pub fn plan_sweep(path: &Path, vary: &[String], options: &Options) -> Result<Plan, Error> {
    let source = read_source(path)?;
    let set = parse_overrides(&options.set)?;
    let base = with_unit(scenario_from_source(&source, &set)?);
    check_focus(path, &base)?;
    let from_arguments = !vary.is_empty();
    let spec: Sweep = if from_arguments {
        parse_vary_args(vary)?
    } else {
        base.sweep.clone()
    };
    if spec.is_empty() {
        return Err(InputProblem {
            origin: Origin::File {
                path: path.to_path_buf(),
                line: None,
            },
            key: None,
            message: "nothing to vary: give --vary KEY=V1,V2,... or [[sweep.vary]] entries in \
                      the file"
                .into(),
        }
        .into());
    }
    // Where each entry's values came from, for messages about them.
    let entry_origin = |i: usize| {
        if from_arguments {
            Origin::Argument(format!("--vary {}", vary[i]))
        } else {
            Origin::File {
                path: path.to_path_buf(),
                line: line_of_key(&source, &format!("sweep.vary[{i}].values")),
            }
        }
    };
    let mut problems = Vec::new();
    // Each distinct problem once, however many points share it (a set: linear in points).
    let mut seen = std::collections::HashSet::new();
    for ov in &set {
        if spec.vary.iter().any(|v| v.key == ov.key) {
            problems.push(InputProblem {
                origin: ov.origin.clone(),
                key: Some(ov.key.clone()),
                message: "is varied by the sweep, so it cannot also be set to one value".into(),
            });
        }
    }
    check_grid(path, &base, &spec, options)?;
    let mut arms = Vec::new();
    for point in sweep_points(&spec) {
        let mut overrides: Vec<Override> = point
            .values
            .iter()
            .map(|(i, value)| Override {
                key: spec.vary[*i].key.clone(),
                value: value.clone(),
                origin: entry_origin(*i),
            })
            .collect();
        overrides.extend(set.iter().cloned());
        match scenario_from_source(&source, &overrides).map(with_unit) {
            Ok(mut scenario) => {
                options.apply(&mut scenario);
                scenario.sweep = Sweep::default();
                let varied: Vec<(String, toml::Value)> = point
                    .values
                    .iter()
                    .map(|(i, v)| (spec.vary[*i].key.clone(), v.clone()))
                    .collect();
                let label = varied
                    .iter()
                    .map(|(k, v)| format!("{}={}", short_key(k, &spec), value_text(v)))
                    .collect::<Vec<_>>()
                    .join(" ");
                arms.push(Arm {
                    label,
                    scenario_file: path.to_path_buf(),
                    varied,
                    scenario,
                });
            }
            Err(e) => {
                for p in e.0 {
                    if seen.insert(p.to_string()) {
                        problems.push(p);
                    }
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(InputError(problems).into());
    }
    let varied_keys: Vec<String> = spec.vary.iter().map(|v| v.key.clone()).collect();
    let out = options.out.clone().unwrap_or_else(|| {
        let mut label = vary.join(";");
        let settings = settings_label(&set);
        if !settings.is_empty() {
            if !label.is_empty() {
                label.push(';');
            }
            label.push_str(&settings);
        }
        default_out(&format!("{}-sweep", base.name), &label)
    });
    with_posterior(
        Plan {
            kind: Kind::Sweep,
            arms,
            varied_keys,
            notes: Vec::new(),
            out,
            command: options.command.clone(),
            settings: settings_text(&set),
            vary: vary.to_vec(),
            cases: options.cases.clone(),
            posterior: None,
        },
        options,
        &set,
    )
}

/// Checks a sweep's size before its points are made: a grid of many keys with many values
/// each can have millions of points, each a whole scenario; the estimate for them all (the
/// base scenario at every point) is checked against the machine's limits.
fn check_grid(path: &Path, base: &Scenario, spec: &Sweep, options: &Options) -> Result<(), Error> {
    let points = spec
        .vary
        .iter()
        .filter(|v| v.with.is_none())
        .fold(1u64, |n, v| n.saturating_mul(v.values.len() as u64));
    let replications = u64::from(options.replications.unwrap_or(base.simulation.replications));
    let estimate = resources::estimate(
        &[(base, points)],
        |_| replications,
        rayon::current_num_threads(),
    );
    match estimate.check(&Limits::of_this_machine(), options.force) {
        Err(message) => Err(Error::in_file(
            path,
            format!("the sweep has {points} points: {message}"),
        )),
        Ok(_) => Ok(()),
    }
}

/// A varied key as an arm's label shows it: its last part (`caseload_cap`) when no other
/// varied key ends the same way, else in full.
fn short_key<'k>(key: &'k str, spec: &Sweep) -> &'k str {
    let last = key.rsplit('.').next().unwrap_or(key);
    let clashes = spec
        .vary
        .iter()
        .filter(|v| v.key.rsplit('.').next() == Some(last))
        .count();
    if clashes > 1 { key } else { last }
}

/// `casesim compare`: several scenarios on common random numbers (the first arm's seed and
/// number of replications for all), unless `independent` gives each arm its own seed.
pub fn compare(
    paths: &[PathBuf],
    independent: bool,
    options: &Options,
) -> Result<ExperimentReport, Error> {
    experiment(plan_compare(paths, independent, options)?, options)
}

/// The plan of a comparison.
pub fn plan_compare(
    paths: &[PathBuf],
    independent: bool,
    options: &Options,
) -> Result<Plan, Error> {
    let set = parse_overrides(&options.set)?;
    let mut problems = Vec::new();
    let mut scenarios = Vec::new();
    for path in paths {
        match load_scenario(path, &set)
            .map_err(Error::from)
            .and_then(|s| check_focus(path, &s).map(|()| s))
        {
            Ok(s) => scenarios.push(s),
            Err(Error::Input(e)) => problems.extend(e.0),
            Err(other) => return Err(other),
        }
    }
    if !problems.is_empty() {
        return Err(InputError(problems).into());
    }
    let mut notes = Vec::new();
    let (seed, replications) = {
        let first = &scenarios[0].simulation;
        (
            options.seed.unwrap_or(first.seed),
            options.replications.unwrap_or(first.replications),
        )
    };
    let mut arms: Vec<Arm> = Vec::new();
    for (k, (path, mut scenario)) in paths.iter().zip(scenarios).enumerate() {
        let sim = &mut scenario.simulation;
        if options.seed.is_none() && sim.seed != seed && !independent {
            notes.push(format!(
                "{}: seed {} replaced by {seed}, the first arm's, so the arms share random numbers",
                path.display(),
                sim.seed
            ));
        }
        if options.replications.is_none() && sim.replications != replications {
            notes.push(format!(
                "{}: {} replications replaced by {replications}, the first arm's, so \
                 replications pair up",
                path.display(),
                sim.replications
            ));
        }
        sim.seed = if independent {
            independent_seed(seed, k)
        } else {
            seed
        };
        sim.replications = replications;
        let mut label = scenario.name.clone();
        if arms.iter().any(|a| a.label == label) {
            label = format!("{label}#{}", k + 1);
        }
        arms.push(Arm {
            label,
            scenario_file: path.clone(),
            varied: Vec::new(),
            scenario,
        });
    }
    let out = options.out.clone().unwrap_or_else(|| {
        let names: Vec<&str> = arms.iter().map(|a| a.scenario.name.as_str()).collect();
        default_out(&names.join("-vs-"), &settings_label(&set))
    });
    with_posterior(
        Plan {
            kind: Kind::Compare,
            arms,
            varied_keys: Vec::new(),
            notes,
            out,
            command: options.command.clone(),
            settings: settings_text(&set),
            vary: Vec::new(),
            cases: options.cases.clone(),
            posterior: None,
        },
        options,
        &set,
    )
}

/// `casesim plot DIR`: redraws the plots and `report.html` of an existing output directory from
/// its files, without running anything. Returns the files written.
pub fn plot(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    draw_outputs(dir)
}
