//! Resumable calibrations: each finished batch of proposals and each finished generation is
//! kept in `DIR/.checkpoint/` as it ends (written to a temporary name and renamed, so a kill
//! leaves whole files or none), so a calibration killed part-way and started again simulates
//! only what is missing and ends with the same posterior. The checkpoint holds the
//! calibration's identity (its file, the scenarios' texts and the version); a checkpoint of
//! another calibration is set aside (`.checkpoint-set-aside-N`), never deleted. The directory
//! is removed once the outputs are written.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::calibration::Problem;
use crate::calibration::smc::{Evaluation, Generation, Store};
use crate::error::Error;
use crate::files::write_atomically;

const FORMAT: &str = "casesim calibration checkpoint 1";

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    identity: String,
}

/// The checkpoint of a calibration in its output directory (which the caller has locked).
pub struct DirStore {
    dir: PathBuf,
    /// The identity file's bytes, written with the first batch.
    header: Vec<u8>,
    started: std::sync::Mutex<bool>,
    found: usize,
}

fn output_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Output {
        path: path.to_path_buf(),
        source,
    }
}

impl DirStore {
    pub fn open(out: &Path, problem: &Problem) -> Result<DirStore, Error> {
        let dir = out.join(crate::experiment::checkpoint::DIR_NAME);
        let header = serde_json::to_vec_pretty(&Header {
            format: FORMAT.into(),
            identity: problem.identity(),
        })
        .expect("a header serialises");
        let mut started = false;
        if dir.exists() {
            let ours = std::fs::read(dir.join("calibration.json")).is_ok_and(|b| b == header);
            if ours {
                started = true;
            } else {
                let mut n = 1;
                let aside = loop {
                    let candidate = out.join(format!(".checkpoint-set-aside-{n}"));
                    if !candidate.exists() {
                        break candidate;
                    }
                    n += 1;
                };
                std::fs::rename(&dir, &aside).map_err(output_error(&dir))?;
                eprintln!(
                    "note: {} held the checkpoint of another run; moved to {}",
                    dir.display(),
                    aside.display()
                );
            }
        }
        let mut store = DirStore {
            dir,
            header,
            started: std::sync::Mutex::new(started),
            found: 0,
        };
        store.found = (0..).take_while(|g| store.generation(*g).is_some()).count();
        Ok(store)
    }

    /// Finished generations found when opened (a resumed run).
    pub fn generations_found(&self) -> usize {
        self.found
    }

    fn start(&self) -> Result<(), String> {
        let mut started = self.started.lock().unwrap_or_else(|e| e.into_inner());
        if !*started {
            std::fs::create_dir_all(&self.dir).map_err(|e| e.to_string())?;
            write_atomically(&self.dir, "calibration.json", &self.header)
                .map_err(|e| e.to_string())?;
            *started = true;
        }
        Ok(())
    }

    fn read<T: for<'de> Deserialize<'de>>(&self, name: &str) -> Option<T> {
        if !*self.started.lock().unwrap_or_else(|e| e.into_inner()) {
            return None;
        }
        let bytes = std::fs::read(self.dir.join(name)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    fn write(&self, name: &str, value: &impl Serialize) -> Result<(), String> {
        self.start()?;
        let bytes = serde_json::to_vec(value).map_err(|e| e.to_string())?;
        write_atomically(&self.dir, name, &bytes)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Removes the checkpoint (the outputs are written).
    pub fn finish(self) -> Result<(), Error> {
        if self.dir.exists() {
            std::fs::remove_dir_all(&self.dir).map_err(output_error(&self.dir))?;
        }
        Ok(())
    }
}

fn generation_name(g: u32) -> String {
    format!("generation-{g:03}.json")
}

fn batch_name(g: u32, b: u32) -> String {
    format!("generation-{g:03}-batch-{b:05}.json")
}

impl Store for DirStore {
    fn generation(&self, index: u32) -> Option<Generation> {
        self.read::<Generation>(&generation_name(index))
            .filter(|g| g.index == index)
    }

    fn save_generation(&self, generation: &Generation) -> Result<(), String> {
        self.write(&generation_name(generation.index), generation)
    }

    fn batch(&self, generation: u32, batch: u32) -> Option<Vec<Evaluation>> {
        self.read(&batch_name(generation, batch))
    }

    fn save_batch(
        &self,
        generation: u32,
        batch: u32,
        evaluations: &[Evaluation],
    ) -> Result<(), String> {
        self.write(&batch_name(generation, batch), &evaluations)
    }
}
