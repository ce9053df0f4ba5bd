//! The `casesim` command line: parse arguments, call the library, print, exit with the
//! contract's code (0 success, 1 failed validation, 2 bad input, 3 outputs not written).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use casesim::commands::{self, RunRequest};

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
    /// Parse and validate a scenario without running it; print it as resolved.
    Check(ScenarioArgs),
}

#[derive(Args)]
struct ScenarioArgs {
    /// Scenario file (TOML), e.g. scenarios/baseline.toml.
    scenario: PathBuf,
    /// Override a scenario key: --set workforce.caseload_cap=40. The value is TOML
    /// (0.3, true, [1, 2], "text"); a bare word is a string. Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
}

#[derive(Args)]
struct RunArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Replications (overrides simulation.replications).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    reps: Option<u32>,
    /// Master seed (overrides simulation.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Output directory [default: output/<scenario name>/].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads [default: RAYON_NUM_THREADS, else one per core]. Results do not depend
    /// on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Check(args) => commands::check(&args.scenario, &args.set).map(|resolved| {
            eprintln!("{}: valid", args.scenario.display());
            print!("{resolved}");
        }),
        Command::Run(args) => {
            if let Some(threads) = args.threads {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads.into())
                    .build_global()
                    .expect("the global pool is built once, before any use");
            }
            let request = RunRequest {
                scenario: args.scenario.scenario,
                set: args.scenario.set,
                replications: args.reps,
                seed: args.seed,
                out: args.out,
                command: std::env::args().collect::<Vec<_>>().join(" "),
            };
            commands::run(&request).map(|report| {
                if !args.quiet {
                    print!("{}", report.text());
                }
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
