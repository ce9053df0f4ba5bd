//! What a command will run: its arms, each a resolved scenario, and where the results go.
//! Plans are made (and every input validated) before anything runs; shards and checkpoints
//! carry them, so `casesim merge` and a resumed run write what the whole command would have.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::scenario::Scenario;

/// What kind of command wrote the directory (or will run: a command's plan).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Run,
    Sweep,
    Compare,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Sweep => "sweep",
            Kind::Compare => "compare",
        }
    }
}

/// One arm of a run, sweep or comparison, resolved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Arm {
    /// The `arm` column (a run's scenario name).
    pub label: String,
    pub scenario_file: PathBuf,
    /// The varied keys and values (a sweep point); empty in a run or comparison.
    pub varied: Vec<(String, toml::Value)>,
    pub scenario: Scenario,
}

/// What a command will run and where its results go: every input resolved and validated,
/// nothing run yet. A shard file carries its plan, so `casesim merge` writes what the
/// unsharded command would have.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub kind: Kind,
    pub arms: Vec<Arm>,
    /// A sweep's varied keys: the grouping columns after `arm`.
    pub varied_keys: Vec<String>,
    /// Things the user should know that are not errors (a seed aligned across arms).
    pub notes: Vec<String>,
    pub out: PathBuf,
    /// The command line, recorded in run.json.
    pub command: String,
}

impl Plan {
    pub fn scenarios(&self) -> Vec<&Scenario> {
        self.arms.iter().map(|a| &a.scenario).collect()
    }

    /// The plan without what may differ between two invocations of the same experiment (the
    /// command line and the output directory): what shards and checkpoints must agree on.
    pub fn comparable(&self) -> Plan {
        Plan {
            command: String::new(),
            out: PathBuf::new(),
            ..self.clone()
        }
    }
}
