//! What a command will run: its arms, each a resolved scenario, and where the results go.
//! Plans are made (and every input validated) before anything runs; shards and checkpoints
//! carry them, so `casesim merge` and a resumed run write what the whole command would have.

use std::borrow::Cow;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::experiment::posterior::Posterior;
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
    /// The `--set` arguments applied to every arm, as `key=value` (empty when none): part of
    /// what the experiment is (its default directory, its report's title).
    #[serde(default)]
    pub settings: Vec<String>,
    /// A sweep's `--vary` arguments as given (empty when the sweep is the file's own).
    #[serde(default)]
    pub vary: Vec<String>,
    /// Where `--cases` writes the case records (not part of what shards and checkpoints
    /// agree on: it changes what is written, not what is run).
    #[serde(skip)]
    pub cases: Option<PathBuf>,
    /// `--posterior FILE`: the particles replication r of every arm draws its parameters from
    /// (part of what shards and checkpoints agree on: its contents, not only its name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posterior: Option<Posterior>,
}

impl Plan {
    pub fn scenarios(&self) -> Vec<&Scenario> {
        self.arms.iter().map(|a| &a.scenario).collect()
    }

    /// What the experiment is, in one line, as `run.json` records it: the command, the
    /// scenario names, and the `--set` and `--vary` arguments (`run baseline --set
    /// workforce.caseload_cap=60`). Two plans with the same are the same experiment (run
    /// again, perhaps with more replications or another seed, or after the file was edited),
    /// so one may replace the other's outputs; an output directory holding another is not
    /// written over unless asked (`--replace`).
    pub fn experiment(&self) -> String {
        let mut names: Vec<&str> = Vec::new();
        for arm in &self.arms {
            let name = arm.scenario.name.as_str();
            if self.kind == Kind::Compare || !names.contains(&name) {
                names.push(name);
            }
        }
        let mut text = format!("{} {}", self.kind.name(), names.join(" vs "));
        for v in &self.vary {
            text.push_str(&format!(" --vary {v}"));
        }
        for s in &self.settings {
            text.push_str(&format!(" --set {s}"));
        }
        if let Some(p) = &self.posterior {
            text.push_str(&format!(" --posterior {}", p.path.display()));
        }
        text
    }

    /// The scenario replication `replication` of arm `arm` runs: the arm's own, or, with a
    /// posterior, the arm's with the values of the particle the replication draws (the same
    /// particle in every arm). The plan's particles were checked against every arm when it was
    /// made ([`Posterior::check_against`]); a particle that still fails runs the arm's own.
    pub fn scenario_for(&self, arm: usize, replication: u32) -> Cow<'_, Scenario> {
        let scenario = &self.arms[arm].scenario;
        match &self.posterior {
            None => Cow::Borrowed(scenario),
            Some(p) => match p.apply(scenario, p.particle(replication)) {
                Ok(drawn) => Cow::Owned(drawn),
                Err(_) => Cow::Borrowed(scenario),
            },
        }
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

impl Plan {
    /// Checks a plan read back from a file (a shard file): its shape, and every arm's scenario
    /// with [`crate::scenario::validate`], as the command that made it validated them, so a
    /// plan edited or damaged on the way (weeks = 0, a probability of 7, a varied key that
    /// no arm has) is refused rather than run or merged. Says what is wrong.
    pub fn check(&self) -> Result<(), String> {
        let arms = self.arms.len();
        let shape = match self.kind {
            Kind::Run => arms == 1 && self.varied_keys.is_empty(),
            Kind::Compare => arms >= 2 && self.varied_keys.is_empty(),
            Kind::Sweep => arms >= 1 && !self.varied_keys.is_empty(),
        };
        if !shape {
            return Err(format!(
                "its plan is a {} with {arms} arms and {} varied keys, which no casesim command \
                 makes",
                self.kind.name(),
                self.varied_keys.len()
            ));
        }
        let mut keys = self.varied_keys.clone();
        keys.sort();
        keys.dedup();
        if keys.len() != self.varied_keys.len() {
            return Err("its plan varies a key twice".into());
        }
        let mut labels = std::collections::BTreeSet::new();
        for arm in &self.arms {
            if !labels.insert(arm.label.as_str()) {
                return Err(format!("its plan has two arms labelled `{}`", arm.label));
            }
            let varied: Vec<&String> = arm.varied.iter().map(|(k, _)| k).collect();
            if varied.len() != self.varied_keys.len()
                || varied.iter().zip(&self.varied_keys).any(|(a, b)| *a != b)
            {
                return Err(format!(
                    "arm `{}` of its plan varies {:?}, not the plan's keys {:?}",
                    arm.label, varied, self.varied_keys
                ));
            }
            if let Some(p) = crate::scenario::validate(&arm.scenario).first() {
                return Err(format!(
                    "arm `{}` of its plan is not a valid scenario: key `{}`: {}",
                    arm.label, p.key, p.message
                ));
            }
            if let Some(posterior) = &self.posterior {
                if let Some(p) = posterior.check_against(&arm.scenario, &arm.label).first() {
                    return Err(format!("its plan's posterior: {p}"));
                }
            }
        }
        if let Some(p) = &self.posterior {
            let total: f64 = p.particles.iter().map(|x| x.weight).sum();
            let sound = !p.particles.is_empty()
                && total > 0.0
                && total.is_finite()
                && p.particles
                    .iter()
                    .all(|x| x.weight >= 0.0 && x.values.len() == p.keys.len());
            if !sound {
                return Err(
                    "its plan's posterior has no particles, a weight that is not a                      non-negative number, or a particle without a value of every key"
                        .into(),
                );
            }
        }
        Ok(())
    }
}
