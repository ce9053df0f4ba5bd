//! The `casesim` command line: parse arguments, call the library, print, exit with the
//! contract's code (0 success, 1 failed validation, 2 bad input, 3 outputs not written).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use casesim::Error;
use casesim::commands::{self, Options};
use casesim::error::{InputProblem, Origin};
use casesim::experiment::{Plan, Shard};

#[derive(Parser)]
#[command(
    name = "casesim",
    version,
    about = "Agent-based simulator of offender case management",
    long_about = "Runs synthetic offender populations week by week through a case-management \
                  model and reports completion, breach and reoffending with 95% confidence \
                  intervals. See README.md and docs/."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run replications of one scenario and write the results.
    Run(RunArgs),
    /// Run one scenario at every combination of the values of one or more keys.
    Sweep(SweepArgs),
    /// Run several scenarios on common random numbers and report paired differences.
    Compare(CompareArgs),
    /// Parse and validate a scenario without running it; print it as resolved.
    Check(CheckArgs),
    /// Rank parameters by their effect on the headline measures: each moved down and up by a
    /// share of its value, one at a time, on common random numbers; elasticities with 95% CIs
    /// (--method oat); or varied over ranges all at once: Sobol' indices (--method sobol) or
    /// Morris elementary effects (--method morris).
    Sensitivity(SensitivityArgs),
    /// Estimate uncertain parameters from observed figures (published or a unit's own) by
    /// approximate Bayesian computation (ABC-SMC); write posterior.csv, the fit to each
    /// target, plots and a report (docs/calibration.md).
    Calibrate(CalibrateArgs),
    /// Run the built-in checks of the model against published base rates and research
    /// findings; print a pass/fail table, write validation.csv, exit 1 if a check fails.
    Validate(ValidateArgs),
    /// Redraw the plots and report.html of an output directory from its files, without running.
    Plot(PlotArgs),
    /// Combine the shard files in DIR/shards (from --shard) into DIR's outputs, exactly as an
    /// unsharded run would have written them.
    Merge(MergeArgs),
    /// Write a Slurm job array running a run or sweep in shards, and a merge job that waits
    /// for it; print the sbatch command that submits both.
    Slurm(SlurmArgs),
    /// Serve the training room: a page in the browser with the main levers, where every change
    /// is run against the question's baseline on common random numbers (docs/serve.md).
    Serve(ServeArgs),
}

#[derive(Args)]
struct ServeArgs {
    /// A scenario file to serve as the room's only question [default: the shipped questions:
    /// caseload, individual vs team, generic vs specialised, modes, continuity of care, ICM and
    /// throughcare, service scarcity, intensive supervision].
    scenario: Option<PathBuf>,
    /// Port to listen on (0: any free port; the address is printed).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on. Anything but a loopback address lets other machines use the
    /// room (and run the model here); a warning says so.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Threads running the model [default: one per core]. Results do not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
}

#[derive(Args)]
struct SlurmArgs {
    /// Scenario file (TOML). A sweep when --vary is given or the file has [[sweep.vary]];
    /// else a run.
    scenario: PathBuf,
    /// As for sweep: --vary KEY=V1,V2,... (repeatable).
    #[arg(long, value_name = "KEY=V1,V2,...", allow_hyphen_values = true)]
    vary: Vec<String>,
    /// Array tasks, one shard of the replications each.
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    shards: u32,
    /// Slurm partition (--partition).
    #[arg(long)]
    partition: Option<String>,
    /// Time limit per task (--time), e.g. 01:00:00.
    #[arg(long)]
    time: Option<String>,
    /// Memory per task (--mem), e.g. 4G.
    #[arg(long)]
    mem: Option<String>,
    /// Cores per task (--cpus-per-task); casesim uses that many threads.
    #[arg(long, default_value_t = 2, allow_negative_numbers = true, value_parser = clap::value_parser!(u16).range(1..))]
    cpus_per_task: u16,
    #[arg(long = "set", value_name = "KEY=VALUE", help = SET_HELP)]
    set: Vec<String>,
    /// Replications (overrides simulation.replications).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    reps: Option<u32>,
    /// Master seed (overrides simulation.seed).
    #[arg(long, allow_negative_numbers = true)]
    seed: Option<u64>,
    /// Output directory for the shards, the merged results and the scripts (in slurm/)
    /// [default: as run or sweep].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Plan a sweep whose estimate of memory or time is above the limit, and pass --force to
    /// the shards (docs/robustness.md).
    #[arg(long)]
    force: bool,
    /// Write into an output directory that holds another experiment's outputs, replacing
    /// them (and pass --replace to the shards); without it such a directory is refused.
    #[arg(long)]
    replace: bool,
    /// As for run and sweep: draw each replication's parameters from a posterior file (passed
    /// on to the shards, which must see the same file: the merge refuses shards of another).
    #[arg(long, value_name = "FILE")]
    posterior: Option<PathBuf>,
}

#[derive(Args)]
struct MergeArgs {
    /// The output directory the shards were written to (--out of the sharded command).
    dir: PathBuf,
}

#[derive(Args)]
struct PlotArgs {
    /// An output directory written by run, sweep or compare, e.g. output/baseline.
    dir: PathBuf,
}

#[derive(Args)]
struct CheckArgs {
    /// Scenario file (TOML), e.g. scenarios/baseline.toml.
    scenario: PathBuf,
    #[arg(long = "set", value_name = "KEY=VALUE", help = SET_HELP)]
    set: Vec<String>,
}

#[derive(Args)]
struct SensitivityArgs {
    /// Scenario file (TOML), e.g. scenarios/baseline.toml.
    scenario: PathBuf,
    /// How: `oat` moves each parameter down and up by --step, one at a time (elasticities);
    /// `sobol` gives Sobol' first-order and total indices (Saltelli's design, N × (k + 2)
    /// points); `morris` gives elementary effects μ*, σ and μ (r × (k + 1) points). Each point
    /// is run --reps times (docs/validation.md).
    #[arg(long, value_enum, default_value_t = Method::Oat)]
    method: Method,
    /// Parameters to screen (dotted numeric keys; repeatable). For sobol and morris,
    /// KEY=LOW..HIGH gives the range to vary it over; KEY alone, its value ± --step of it.
    /// Default: the model's main assumptions and levers (docs/validation.md): 35 for oat, 8
    /// for sobol and morris.
    #[arg(long = "key", value_name = "KEY")]
    keys: Vec<String>,
    /// Share of each value to move it down and up by (oat), or to vary it over either side
    /// of its value (sobol and morris, for a --key given without a range).
    #[arg(long, default_value_t = 0.2, allow_negative_numbers = true)]
    step: f64,
    /// sobol: base sample size N (a power of two is best); N × (k + 2) points.
    #[arg(long, default_value_t = 64, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(2..=65_536))]
    samples: u32,
    /// morris: trajectories r; r × (k + 1) points.
    #[arg(long, default_value_t = 10, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    trajectories: u32,
    /// morris: levels of the grid p (even).
    #[arg(long, default_value_t = 4, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(2..=100))]
    levels: u32,
    /// Parameters listed for each measure in the printed ranking.
    #[arg(long, default_value_t = 8, allow_negative_numbers = true)]
    top: usize,
    #[arg(long = "set", value_name = "KEY=VALUE", help = SET_HELP)]
    set: Vec<String>,
    /// Replications per arm (default 10: arms are paired, so few are needed).
    #[arg(long, default_value_t = 10, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    reps: u32,
    /// Worker threads (default: all cores).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Where to write sensitivity.csv, or sobol.csv or morris.csv with plots and report.html
    /// (default: output/<scenario name>-sensitivity/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Run even when the estimate of memory or time before the run is above the limit
    /// (docs/robustness.md).
    #[arg(long)]
    force: bool,
}

/// `casesim sensitivity --method`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Method {
    Oat,
    Sobol,
    Morris,
}

#[derive(Args)]
struct CalibrateArgs {
    /// Calibration file (TOML): the base scenario, the arms, the targets and the priors, e.g.
    /// scenarios/calibration_local_example.toml.
    file: PathBuf,
    /// Output directory [default: output/<name>-calibration/]. A calibration killed part-way
    /// and started again with the same file resumes from the generations it finished.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Particles per generation (overrides the file's smc.particles).
    #[arg(long, allow_negative_numbers = true)]
    particles: Option<usize>,
    /// Most generations, the prior's included (overrides smc.max_generations).
    #[arg(long, allow_negative_numbers = true)]
    generations: Option<u32>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Write into an output directory that holds another experiment's outputs, replacing them.
    #[arg(long)]
    replace: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(Args)]
struct ValidateArgs {
    /// Replications per arm of each check (default: the baseline's).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    reps: Option<u32>,
    /// Worker threads (default: all cores).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Where to write validation.csv (default: output/validation/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Check a variant: the override applied to every shipped scenario the checks start from
    /// (--set KEY=VALUE, repeatable, as for run).
    #[arg(long, value_name = "KEY=VALUE", allow_hyphen_values = true)]
    set: Vec<String>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

const SET_HELP: &str = "Override a scenario key: --set workforce.caseload_cap=40. The value is \
                        TOML (0.3, true, [1, 2], \"text\"); a bare word is a string. Repeatable.";

/// Sizes the global thread pool: the number asked for (`--threads`, else `SLURM_CPUS_PER_TASK`
/// where `slurm` is true, else `RAYON_NUM_THREADS`), at most one per core this process may run
/// on; else rayon's default, one per core. More threads than cores would not run faster (and
/// results do not depend on the number), while tens of thousands of threads cannot all be
/// started: rayon would then fail. Notes on stderr say what was clamped and why.
fn threads(flag: Option<u16>, slurm: bool) -> usize {
    let from_env = |name: &str| {
        let value = std::env::var(name).ok()?;
        match value.trim().parse::<usize>() {
            Ok(0) => None,
            Ok(n) => Some((n, format!("{name}={n}"))),
            Err(_) => {
                eprintln!("note: {name}={value} is not a whole number; ignored");
                None
            }
        }
    };
    let asked = flag
        .map(|n| (usize::from(n), format!("--threads {n}")))
        .or_else(|| {
            if slurm {
                from_env("SLURM_CPUS_PER_TASK")
            } else {
                None
            }
        })
        .or_else(|| from_env("RAYON_NUM_THREADS"));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = match asked {
        Some((n, _)) if n <= cores => n,
        Some((n, source)) => {
            eprintln!(
                "note: {source}: this machine lets casesim run on {cores} cores, so it uses \
                 {cores} threads, not {n} (results are the same for any number)"
            );
            cores
        }
        None => cores,
    };
    threads
}

/// Runs `work` on a pool of `threads` threads (see [`threads`]). A pool of its own rather than
/// rayon's global one: a global pool that fails to start cannot be built again, and rayon
/// would panic at the first parallel loop; this one falls back to a single thread.
fn on_threads<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> T {
    let pool = |n| rayon::ThreadPoolBuilder::new().num_threads(n).build();
    match pool(threads) {
        Ok(pool) => pool.install(work),
        Err(e) => {
            eprintln!("note: cannot start {threads} threads ({e}); running on one");
            match pool(1) {
                Ok(pool) => pool.install(work),
                Err(_) => work(),
            }
        }
    }
}

/// Options every running command takes.
#[derive(Args)]
struct Common {
    #[arg(long = "set", value_name = "KEY=VALUE", help = SET_HELP)]
    set: Vec<String>,
    /// Replications (overrides simulation.replications).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    reps: Option<u32>,
    /// Master seed (overrides simulation.seed).
    #[arg(long, allow_negative_numbers = true)]
    seed: Option<u64>,
    /// Output directory [default: output/<scenario name>/ for run, output/<name>-sweep/ for
    /// sweep, output/<name>-vs-<name>/ for compare; with --set (or --vary), a label of the
    /// settings after a dash: output/baseline-caseload_cap=60/].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write into an output directory that holds another experiment's outputs (another
    /// scenario, or other --set or --vary), replacing them. Without it such a directory is
    /// refused (exit 2); the same experiment run again always replaces its own outputs.
    #[arg(long)]
    replace: bool,
    /// Worker threads [default: SLURM_CPUS_PER_TASK inside a Slurm job, else
    /// RAYON_NUM_THREADS, else one per core]. Results do not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Print nothing but errors (no progress bar, no table).
    #[arg(long)]
    quiet: bool,
    /// Run even when the estimate of memory or time before the run is above the limit
    /// (docs/robustness.md).
    #[arg(long)]
    force: bool,
    /// Run only shard I of N of the replications (0-based; run ids dealt round-robin) and
    /// write DIR/shards/shard-IIII-of-NNNN.json; `casesim merge DIR` combines the shards.
    /// `auto` reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (a Slurm job array).
    #[arg(long, value_name = "I/N|auto")]
    shard: Option<String>,
    /// Write one row per case (per replication and arm) to PATH, gzipped when PATH ends in
    /// .gz, and timeseries_by_replication.csv to the output directory (docs/outputs.md).
    #[arg(long, value_name = "PATH")]
    cases: Option<PathBuf>,
    /// Draw each replication's parameters from a posterior (posterior.csv, as `casesim
    /// calibrate` writes it): the same particle in replication r of every arm, so differences
    /// stay paired. stats.csv and compare.csv then add interval_low and interval_high, the
    /// 95% interval over replications including parameter uncertainty (docs/posterior.md).
    #[arg(long, value_name = "FILE")]
    posterior: Option<PathBuf>,
}

#[derive(Args)]
struct RunArgs {
    /// Scenario file (TOML), e.g. scenarios/baseline.toml.
    scenario: PathBuf,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct SweepArgs {
    /// Scenario file (TOML), e.g. scenarios/caseload_sweep.toml.
    scenario: PathBuf,
    /// A key and its values: --vary workforce.caseload_cap=30,40,50. Repeat for a full grid of
    /// every combination. Prefix the key with + to move it in step with the --vary before it
    /// instead (--vary +workforce.case_managers=80,60,48). Values are TOML, as for --set.
    /// Replaces the file's [[sweep.vary]] entries.
    #[arg(long, value_name = "KEY=V1,V2,...", allow_hyphen_values = true)]
    vary: Vec<String>,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct CompareArgs {
    /// Two or more scenario files; the first is the reference the others are compared with.
    #[arg(required = true, num_args = 2..)]
    scenarios: Vec<PathBuf>,
    /// Give each arm its own random numbers instead of common ones (to see what pairing
    /// gains; the intervals are wider).
    #[arg(long)]
    independent: bool,
    #[command(flatten)]
    common: Common,
}

impl Common {
    /// The library's options.
    fn options(&self) -> Options {
        Options {
            set: self.set.clone(),
            replications: self.reps,
            seed: self.seed,
            out: self.out.clone(),
            progress: !self.quiet,
            command: std::env::args().collect::<Vec<_>>().join(" "),
            force: self.force,
            replace: self.replace,
            cases: self.cases.clone(),
            posterior: self.posterior.clone(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Check(args) => commands::check(&args.scenario, &args.set).map(|resolved| {
            eprintln!("{}: valid", args.scenario.display());
            print!("{resolved}");
        }),
        Command::Plot(args) => commands::plot(&args.dir).map(|written| {
            for path in written {
                println!("{}", path.display());
            }
        }),
        Command::Merge(args) => casesim::commands::cluster::merge(&args.dir).map(|m| {
            println!(
                "casesim merge: {} shards, {} replications -> {}",
                m.shards,
                m.runs,
                m.dir.display()
            );
        }),
        Command::Slurm(args) => slurm(&args),
        Command::Serve(args) => serve(&args),
        Command::Sensitivity(args) => {
            on_threads(threads(args.threads, false), || sensitivity(&args))
        }
        Command::Calibrate(args) => on_threads(threads(args.threads, true), || calibrate(&args)),
        Command::Validate(args) => {
            return match on_threads(threads(args.threads, false), || validate(&args)) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(1),
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(e.exit_code())
                }
            };
        }
        Command::Run(args) => {
            let options = args.common.options();
            on_threads(threads(args.common.threads, true), || {
                commands::plan_run(&args.scenario, &options)
                    .and_then(|plan| execute(plan, &args.common, &options))
            })
        }
        Command::Sweep(args) => {
            let options = args.common.options();
            on_threads(threads(args.common.threads, true), || {
                commands::plan_sweep(&args.scenario, &args.vary, &options)
                    .and_then(|plan| execute(plan, &args.common, &options))
            })
        }
        Command::Compare(args) => {
            let options = args.common.options();
            on_threads(threads(args.common.threads, true), || {
                commands::plan_compare(&args.scenarios, args.independent, &options)
                    .and_then(|plan| execute(plan, &args.common, &options))
            })
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            for line in e.to_string().lines() {
                eprintln!("error: {line}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}

/// `casesim serve`: loads the questions (bad input stops here, exit 2), listens, prints the
/// address and answers until stopped.
fn serve(args: &ServeArgs) -> Result<(), Error> {
    use casesim::serve;
    let questions = serve::questions_for(args.scenario.as_deref())?;
    let config = serve::Config {
        host: args.host.clone(),
        port: args.port,
        threads: threads(args.threads, false),
        ..serve::Config::default()
    };
    let app = serve::App::new(questions, config.limits.clone(), config.threads);
    let running = serve::start(app, &config)?;
    if !serve::is_loopback(&config.host) {
        eprintln!(
            "warning: listening on {}, not on 127.0.0.1: anyone who can reach this machine on \
             port {} can open the training room and run the model here (it has no login)",
            config.host,
            running.address.port()
        );
    }
    println!(
        "casesim serve: the training room is at {} (Ctrl-C to stop)",
        running.url()
    );
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    running.wait();
    Ok(())
}

/// Screens the parameters of a scenario, prints the ranking and writes sensitivity.csv.
fn sensitivity(args: &SensitivityArgs) -> Result<(), Error> {
    let bad = |argument: &str, message: String| {
        Error::Input(
            InputProblem {
                origin: Origin::Argument(argument.to_string()),
                key: None,
                message,
            }
            .into(),
        )
    };
    if !(args.step > 0.0 && args.step < 1.0) {
        return Err(bad(
            &format!(
                "--step {}",
                casesim::analysis::sensitivity::readable(args.step)
            ),
            "must be between 0 and 1".into(),
        ));
    }
    if args.method != Method::Oat {
        return global_sensitivity(args);
    }
    if let Some(spec) = args.keys.iter().find(|k| k.contains('=')) {
        return Err(bad(
            &format!("--key {spec}"),
            "a range KEY=LOW..HIGH is for --method sobol or morris; one-at-a-time screening \
             (--method oat) moves a key by --step"
                .into(),
        ));
    }
    let mut base = commands::resolve_scenario(&args.scenario, &args.set)?;
    base.simulation.replications = args.reps;
    let keys: Vec<String> = if args.keys.is_empty() {
        casesim::analysis::sensitivity::DEFAULT_KEYS
            .iter()
            .map(|k| k.to_string())
            .collect()
    } else {
        args.keys.clone()
    };
    let started = std::time::Instant::now();
    let bar = commands::progress_bar(
        (1 + 2 * keys.len() as u64) * u64::from(args.reps),
        !args.quiet,
    );
    let origin = casesim::analysis::sensitivity::Origins {
        scenario: args.scenario.clone(),
        keys_given: !args.keys.is_empty(),
        step: format!(
            "--step {}",
            casesim::analysis::sensitivity::readable(args.step)
        ),
    };
    let screened = casesim::analysis::sensitivity::screen_checked(
        &base,
        &keys,
        args.step,
        &origin,
        args.force,
        &|| bar.inc(1),
    )?;
    bar.finish_and_clear();
    let dir = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(casesim::files::safe_file_name(&format!(
            "{}-sensitivity",
            base.name
        )))
    });
    let path = casesim::analysis::sensitivity::write(&dir, &screened)?;
    println!(
        "casesim sensitivity: {} — {} parameters moved by ±{:.0}%, {} replications per arm, \
         {:.1} s\n",
        base.name,
        keys.len(),
        args.step * 100.0,
        args.reps,
        started.elapsed().as_secs_f64()
    );
    print!(
        "{}",
        casesim::analysis::sensitivity::table(&screened, args.top)
    );
    println!("Every parameter and measure: {}", path.display());
    Ok(())
}

/// Runs a calibration and prints what it found.
fn calibrate(args: &CalibrateArgs) -> Result<(), Error> {
    use casesim::calibration;
    let options = calibration::Options {
        out: args.out.clone(),
        progress: !args.quiet,
        replace: args.replace,
        particles: args.particles,
        max_generations: args.generations,
        command: std::env::args().collect::<Vec<_>>().join(" "),
    };
    let problem = calibration::load(&args.file, &options)?;
    let done = calibration::calibrate(&problem, &options)?;
    if args.quiet {
        return Ok(());
    }
    print!("{}", calibration::report::summary_text(&problem, &done));
    Ok(())
}

/// `casesim sensitivity --method sobol|morris`: varies the parameters over their ranges, all
/// at once, prints the ranking and writes the CSV, plots and report.html.
fn global_sensitivity(args: &SensitivityArgs) -> Result<(), Error> {
    use casesim::analysis::global;
    let bad = |argument: &str, message: String| {
        Error::Input(
            InputProblem {
                origin: Origin::Argument(argument.to_string()),
                key: None,
                message,
            }
            .into(),
        )
    };
    let method = match args.method {
        Method::Morris => global::Method::Morris,
        _ => global::Method::Sobol,
    };
    if args.levels % 2 != 0 {
        return Err(bad(
            &format!("--levels {}", args.levels),
            "must be even (Morris 1991: every level then equally likely)".into(),
        ));
    }
    let mut base = commands::resolve_scenario(&args.scenario, &args.set)?;
    base.simulation.replications = args.reps;
    let keys: Vec<String> = if args.keys.is_empty() {
        global::DEFAULT_KEYS.iter().map(|k| k.to_string()).collect()
    } else {
        args.keys.clone()
    };
    if method == global::Method::Sobol && keys.len() > casesim::analysis::sobol::MAX_PARAMETERS {
        return Err(bad(
            "--key",
            format!(
                "{} keys: Sobol' indices take at most {}",
                keys.len(),
                casesim::analysis::sobol::MAX_PARAMETERS
            ),
        ));
    }
    let ranges = global::ranges(
        &base,
        &keys,
        args.step,
        !args.keys.is_empty(),
        &args.scenario,
    )?;
    let sizes = global::Sizes {
        samples: args.samples as usize,
        trajectories: args.trajectories as usize,
        levels: args.levels as usize,
    };
    let points = global::points(method, ranges.len(), &sizes);
    let started = std::time::Instant::now();
    let bar = commands::progress_bar(points as u64 * u64::from(args.reps), !args.quiet);
    let analysis = global::analyse(&base, ranges, method, sizes, args.force, &|| bar.inc(1))?;
    bar.finish_and_clear();
    let dir = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(casesim::files::safe_file_name(&format!(
            "{}-sensitivity",
            base.name
        )))
    });
    let path = global::write(&dir, &analysis, &base.name)?;
    println!(
        "casesim sensitivity --method {}: {} — {} parameters, {} points, {} replications \
         each, {:.1} s\n",
        method.name(),
        base.name,
        keys.len(),
        points,
        args.reps,
        started.elapsed().as_secs_f64()
    );
    print!("{}", global::table(&analysis, args.top));
    println!(
        "Every parameter and measure: {} (plots and report.html beside it)",
        path.display()
    );
    Ok(())
}

/// Runs the validation checks, prints the table and writes validation.csv; whether all passed.
fn validate(args: &ValidateArgs) -> Result<bool, Error> {
    let overrides = commands::parse_overrides(&args.set)?;
    let scenarios = casesim::analysis::validation::Scenarios::shipped(&overrides, args.reps)?;
    let reps = scenarios.baseline.simulation.replications;
    let started = std::time::Instant::now();
    let bar = commands::progress_bar(
        casesim::analysis::validation::ARMS * u64::from(reps),
        !args.quiet,
    );
    let findings = casesim::analysis::validation::run_checks(&scenarios, &|| bar.inc(1));
    bar.finish_and_clear();
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output/validation"));
    let path = casesim::analysis::validation::write(&dir, &findings)?;
    let passed = findings.iter().filter(|f| f.passed).count();
    println!(
        "casesim validate: {} checks, {reps} replications per arm, {:.1} s\n",
        findings.len(),
        started.elapsed().as_secs_f64()
    );
    print!("{}", casesim::analysis::validation::table(&findings));
    println!(
        "\n{passed} of {} passed; written to {}",
        findings.len(),
        path.display()
    );
    Ok(passed == findings.len())
}

/// Runs a plan whole, or one shard of it, and prints what it did.
fn execute(plan: Plan, common: &Common, options: &Options) -> Result<(), Error> {
    let quiet = common.quiet;
    if let Some(text) = &common.shard {
        if common.cases.is_some() {
            return Err(InputProblem {
                origin: Origin::Argument(format!("--shard {text}")),
                key: None,
                message: "--cases is not written by shards: run without --shard to get the \
                          case records"
                    .into(),
            }
            .into());
        }
        let shard = Shard::parse(text, |name| std::env::var(name).ok()).map_err(|message| {
            InputProblem {
                origin: Origin::Argument(format!("--shard {text}")),
                key: None,
                message,
            }
        })?;
        let report = casesim::commands::cluster::run_shard(plan, shard, options)?;
        if !quiet {
            print!("{}", report.text());
        }
        return Ok(());
    }
    let report = commands::execute(plan, options)?;
    if !quiet {
        for note in report.notes() {
            eprintln!("note: {note}");
        }
        print!("{}", report.text());
    }
    Ok(())
}

/// `casesim slurm`: plans the run or sweep (so bad input stops here, not on the cluster), then
/// writes the scripts.
fn slurm(args: &SlurmArgs) -> Result<(), Error> {
    let options = Options {
        set: args.set.clone(),
        replications: args.reps,
        seed: args.seed,
        out: args.out.clone(),
        progress: false,
        command: std::env::args().collect::<Vec<_>>().join(" "),
        force: args.force,
        replace: args.replace,
        cases: None,
        posterior: args.posterior.clone(),
    };
    let scenario = args.scenario.display().to_string();
    let is_sweep = !args.vary.is_empty()
        || !commands::resolve_scenario(&args.scenario, &args.set)?
            .sweep
            .is_empty();
    let plan = if is_sweep {
        commands::plan_sweep(&args.scenario, &args.vary, &options)?
    } else {
        commands::plan_run(&args.scenario, &options)?
    };
    let mut command = vec![plan.kind.name().to_string(), scenario];
    for v in &args.vary {
        command.extend(["--vary".to_string(), v.clone()]);
    }
    for s in &args.set {
        command.extend(["--set".to_string(), s.clone()]);
    }
    if let Some(r) = args.reps {
        command.extend(["--reps".to_string(), r.to_string()]);
    }
    if let Some(seed) = args.seed {
        command.extend(["--seed".to_string(), seed.to_string()]);
    }
    if args.force {
        command.push("--force".to_string());
    }
    if let Some(p) = &args.posterior {
        command.extend(["--posterior".to_string(), p.display().to_string()]);
    }
    // Refused here, before the scripts go into the directory, as each shard would refuse it.
    commands::check_experiment(&plan, args.replace)?;
    if args.replace {
        command.push("--replace".to_string());
    }
    let report = casesim::commands::cluster::slurm_scripts(
        &plan,
        &command,
        &casesim::commands::cluster::SlurmOptions {
            shards: args.shards,
            partition: args.partition.clone(),
            time: args.time.clone(),
            mem: args.mem.clone(),
            cpus_per_task: args.cpus_per_task,
        },
    )?;
    println!(
        "Wrote {} (a job array of {} shards) and {} (the merge, after the array \
         succeeds).\nSubmit both with:\n\n  sh {}\n\nor:\n\n  {}",
        report.array_script.display(),
        args.shards,
        report.merge_script.display(),
        report.submit_script.display(),
        report.submit
    );
    Ok(())
}
