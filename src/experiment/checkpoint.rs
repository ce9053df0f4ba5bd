//! Resumable runs: each replication's result is kept in `DIR/.checkpoint/` as it finishes, so
//! a run, sweep or comparison that is killed part-way and started again runs only the
//! replications still missing, and ends with the same outputs as an uninterrupted run.
//!
//! The checkpoint holds the plan it belongs to (`plan.json`, without the command line and the
//! output directory) and one file per finished replication (`arm-AAAA-rep-RRRR.json`), each
//! written to a temporary name and renamed, so a kill leaves whole files or none. A checkpoint
//! of a different plan is discarded. The directory is removed once the outputs are written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::engine::ReplicationResult;
use crate::error::Error;
use crate::experiment::Plan;
use crate::files::write_atomically;

/// The name of the checkpoint directory inside an output directory.
pub const DIR_NAME: &str = ".checkpoint";

/// A run's checkpoint, with the replications it already holds.
pub struct Checkpoint {
    dir: PathBuf,
    /// Results found when it was opened, by (arm, replication).
    found: BTreeMap<(usize, u32), ReplicationResult>,
    /// Whether a checkpoint of another plan was discarded.
    pub discarded: bool,
}

fn output_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Output {
        path: path.to_path_buf(),
        source,
    }
}

fn file_name(arm: usize, replication: u32) -> String {
    format!("arm-{arm:04}-rep-{replication:04}.json")
}

impl Checkpoint {
    /// Opens (or starts) the checkpoint of `plan` in its output directory.
    pub fn open(plan: &Plan) -> Result<Self, Error> {
        let dir = plan.out.join(DIR_NAME);
        let fingerprint = serde_json::to_vec_pretty(&plan.comparable()).expect("a plan serialises");
        let plan_path = dir.join("plan.json");
        let mut found = BTreeMap::new();
        let mut discarded = false;
        if dir.exists() {
            if std::fs::read(&plan_path).is_ok_and(|bytes| bytes == fingerprint) {
                found = read_results(&dir, plan)?;
            } else {
                std::fs::remove_dir_all(&dir).map_err(output_error(&dir))?;
                discarded = true;
            }
        }
        std::fs::create_dir_all(&dir).map_err(output_error(&dir))?;
        write_atomically(&dir, "plan.json", &fingerprint)?;
        Ok(Checkpoint {
            dir,
            found,
            discarded,
        })
    }

    /// How many replications were already done when the checkpoint was opened.
    pub fn found(&self) -> usize {
        self.found.len()
    }

    /// Takes the result of a replication done before, if there is one.
    pub fn take(&mut self, arm: usize, replication: u32) -> Option<ReplicationResult> {
        self.found.remove(&(arm, replication))
    }

    /// Keeps a finished replication.
    pub fn save(
        &self,
        arm: usize,
        replication: u32,
        result: &ReplicationResult,
    ) -> Result<(), Error> {
        let bytes = serde_json::to_vec(result).expect("a result serialises");
        write_atomically(&self.dir, &file_name(arm, replication), &bytes).map(|_| ())
    }

    /// Removes the checkpoint once the outputs are written.
    pub fn finish(self) -> Result<(), Error> {
        std::fs::remove_dir_all(&self.dir).map_err(output_error(&self.dir))
    }
}

/// The results in a checkpoint directory of `plan`. A file that does not read as a result (it
/// cannot be partial, but it may be foreign) is left out and its replication runs again.
fn read_results(
    dir: &Path,
    plan: &Plan,
) -> Result<BTreeMap<(usize, u32), ReplicationResult>, Error> {
    let mut found = BTreeMap::new();
    for (arm, a) in plan.arms.iter().enumerate() {
        for replication in 0..a.scenario.simulation.replications {
            let path = dir.join(file_name(arm, replication));
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            match serde_json::from_slice::<ReplicationResult>(&bytes) {
                Ok(result) if result.replication == replication => {
                    found.insert((arm, replication), result);
                }
                _ => {}
            }
        }
    }
    Ok(found)
}
