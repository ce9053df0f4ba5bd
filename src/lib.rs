//! casesim: an agent-based simulator of offender case management.
//!
//! A synthetic offender population runs week by week through a case-management model —
//! allocation to case managers under a caseload cap, the core functions as hours of work,
//! contacts, compliance and enforcement, needs, and reoffending — and the outcomes that
//! planners and researchers compare (completion, breach, proven reoffending) are measured with
//! confidence intervals across replications.
//!
//! - [`scenario`]: every parameter, read from TOML, with defaults and their sources;
//! - [`model`]: the domain, one module per concept;
//! - [`engine`]: the weekly step as an ordered list of phases;
//! - [`metrics`]: what is recorded;
//! - [`experiment`]: replications in parallel and their summaries;
//! - [`calibration`]: estimating parameters from observed figures (ABC-SMC, `casesim calibrate`);
//! - [`output`]: the files of the contract;
//! - [`commands`]: what each subcommand of the `casesim` binary does;
//! - [`cluster`]: shards of an experiment and merging them (Slurm job arrays);
//! - [`serve`]: the training room, `casesim serve`.

pub mod analysis;
pub mod calibration;
pub mod commands;
pub mod engine;
pub mod error;
pub mod experiment;
pub mod files;
pub mod metrics;
pub mod model;
pub mod output;
pub mod rng;
pub mod scenario;
pub mod serve;
pub mod text;

pub use engine::World;
pub use error::Error;
pub use experiment::{ReplicationResult, simulate};
pub use scenario::Scenario;
