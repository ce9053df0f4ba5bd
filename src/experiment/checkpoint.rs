//! Resumable runs: each replication's result is kept in `DIR/.checkpoint/` as it finishes, so
//! a run, sweep or comparison that is killed part-way and started again runs only the
//! replications still missing, and ends with the same outputs as an uninterrupted run.
//!
//! The checkpoint holds the plan it belongs to (`plan.json`, without the command line and the
//! output directory, with a token drawn when the checkpoint was started) and one file per
//! finished replication (`arm-AAAA-rep-RRRR.json`, with the same token), each written to a
//! temporary name and renamed, so a kill leaves whole files or none. The directory is made when
//! the first replication finishes, so a run stopped before that leaves nothing, and removed
//! once the outputs are written.
//!
//! What is read back is checked: a result must carry the checkpoint's token (so a result that
//! another run wrote into the directory is never taken for one of this run's) and be a whole
//! replication of its arm ([`crate::experiment::check_result`]); otherwise the resumed run is
//! refused as bad input naming the file. A checkpoint of a different plan is not deleted but
//! renamed aside (`.checkpoint-set-aside-N`), and the note says where.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::experiment::ReplicationResult;
use crate::experiment::{Plan, check_result};
use crate::files::write_atomically;

/// The name of the checkpoint directory inside an output directory.
pub const DIR_NAME: &str = ".checkpoint";
/// Identifies the format of `plan.json`.
const FORMAT: &str = "casesim checkpoint 2";

/// `plan.json`.
#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    token: String,
    plan: serde_json::Value,
}

/// One kept replication, as written.
#[derive(Serialize)]
struct Kept<'a> {
    token: &'a str,
    result: &'a ReplicationResult,
}

/// One kept replication, as read.
#[derive(Deserialize)]
struct KeptOwned {
    token: String,
    result: ReplicationResult,
}

/// A run's checkpoint, with the replications it already holds.
pub struct Checkpoint {
    dir: PathBuf,
    header: Vec<u8>,
    token: String,
    /// Whether the directory and `plan.json` exist yet.
    started: Mutex<bool>,
    /// Results found when it was opened, by (arm, replication).
    found: BTreeMap<(usize, u32), ReplicationResult>,
    /// Where a checkpoint of another plan was moved to, if there was one.
    pub set_aside: Option<PathBuf>,
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

/// A token for a new checkpoint: the process and the time, which no other checkpoint of the
/// directory shares.
fn new_token() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{}-{nanos}", std::process::id())
}

impl Checkpoint {
    /// Opens the checkpoint of `plan` in its output directory (which the caller has locked),
    /// reading the replications a killed run of the same plan kept there.
    pub fn open(plan: &Plan) -> Result<Self, Error> {
        let dir = plan.out.join(DIR_NAME);
        let ours = serde_json::to_value(plan.comparable()).expect("a plan serialises");
        let plan_path = dir.join("plan.json");
        let mut found = BTreeMap::new();
        let mut set_aside = None;
        let mut token = None;
        if dir.exists() {
            let header = std::fs::read(&plan_path)
                .ok()
                .and_then(|bytes| serde_json::from_slice::<Header>(&bytes).ok())
                .filter(|h| h.format == FORMAT && h.plan == ours);
            match header {
                Some(h) => {
                    found = read_results(&dir, plan, &h.token)?;
                    token = Some(h.token);
                }
                None => set_aside = Some(set_aside_dir(&dir)?),
            }
        }
        let started = token.is_some();
        let token = token.unwrap_or_else(new_token);
        let header = serde_json::to_vec_pretty(&Header {
            format: FORMAT.into(),
            token: token.clone(),
            plan: ours,
        })
        .expect("a header serialises");
        Ok(Checkpoint {
            dir,
            header,
            token,
            started: Mutex::new(started),
            found,
            set_aside,
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

    /// Keeps a finished replication (starting the checkpoint with the first).
    pub fn save(
        &self,
        arm: usize,
        replication: u32,
        result: &ReplicationResult,
    ) -> Result<(), Error> {
        {
            let mut started = self.started.lock().unwrap_or_else(|e| e.into_inner());
            if !*started {
                std::fs::create_dir_all(&self.dir).map_err(output_error(&self.dir))?;
                write_atomically(&self.dir, "plan.json", &self.header)?;
                *started = true;
            }
        }
        let bytes = serde_json::to_vec(&Kept {
            token: &self.token,
            result,
        })
        .expect("a result serialises");
        write_atomically(&self.dir, &file_name(arm, replication), &bytes).map(|_| ())
    }

    /// Removes the checkpoint once the outputs are written.
    pub fn finish(self) -> Result<(), Error> {
        match std::fs::remove_dir_all(&self.dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(output_error(&self.dir)(e)),
            _ => Ok(()),
        }
    }
}

/// Renames a checkpoint of another plan to the first free `.checkpoint-set-aside-N` beside it.
fn set_aside_dir(dir: &Path) -> Result<PathBuf, Error> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    for n in 1.. {
        let aside = parent.join(format!("{DIR_NAME}-set-aside-{n}"));
        if !aside.exists() {
            std::fs::rename(dir, &aside).map_err(output_error(dir))?;
            return Ok(aside);
        }
    }
    unreachable!("some name is free")
}

/// The results in a checkpoint directory of `plan`, each checked; a file that is not a whole
/// replication of this checkpoint is refused, naming it.
fn read_results(
    dir: &Path,
    plan: &Plan,
    token: &str,
) -> Result<BTreeMap<(usize, u32), ReplicationResult>, Error> {
    let mut found = BTreeMap::new();
    for (arm, a) in plan.arms.iter().enumerate() {
        for replication in 0..a.scenario.simulation.replications {
            let path = dir.join(file_name(arm, replication));
            let refuse = |why: String| {
                Error::in_file(
                    &path,
                    format!(
                        "{why}; remove it (or the whole {}) to run that replication again",
                        dir.display()
                    ),
                )
            };
            match std::fs::metadata(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(refuse(format!("cannot be read ({e})"))),
                Ok(m) if !m.is_file() => return Err(refuse("is not a regular file".into())),
                Ok(_) => {}
            }
            let bytes =
                std::fs::read(&path).map_err(|e| refuse(format!("cannot be read ({e})")))?;
            let kept: KeptOwned = serde_json::from_slice(&bytes)
                .map_err(|e| refuse(format!("is not a kept replication ({e})")))?;
            if kept.token != token {
                return Err(refuse(
                    "was kept by another run than the one that started this checkpoint".into(),
                ));
            }
            check_result(&kept.result, &a.scenario, replication)
                .map_err(|why| refuse(format!("is damaged: it {why}")))?;
            found.insert((arm, replication), kept.result);
        }
    }
    Ok(found)
}
