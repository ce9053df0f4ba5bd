//! A room: one browser's session of the training room — its runs, their progress and the
//! history of what it tried — and the runs themselves.
//!
//! **Superseded, never queued.** Each room has a generation counter. A change starts a run of
//! the next generation; every replication checks, before it starts, that its generation is
//! still the room's latest, so a run overtaken by a newer change stops within one
//! replication and answers "superseded". A room therefore has at most one run doing work,
//! whatever the room sends.
//!
//! **Common random numbers, and the baseline once.** The baseline (the question as its file
//! writes it) and the change share the seed and replications, so replication r of both draws
//! the same people with the same luck and the differences are paired
//! ([`crate::experiment::paired_differences`], via `compare.csv`). The baseline's results
//! depend only on its scenario, so they are kept ([`Baselines`]) and a change runs only its
//! own replications; a change that changes nothing runs none.
//!
//! **What is shown is what is downloaded.** A finished run's outputs are made by the same
//! code as `casesim compare` ([`crate::commands::output_files`]), read back as `casesim plot`
//! reads them, and the page, the history and the downloaded files are drawn from those.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use crate::commands::output_files;
use crate::error::Error;
use crate::experiment::{Arm, Kind, Plan, RunResults, Workers, by_arm, work_list};
use crate::output::plots::{Figure, svg_figures};
use crate::output::results::{OutputDir, parse_output};
use crate::scenario::Scenario;
use crate::serve::settings::{Change, Settings};

/// Tries kept in a room's history.
pub const HISTORY: usize = 40;
/// Tries whose output files are kept for "download the results" (the latest few).
pub const KEPT_FILES: usize = 3;
/// Baselines whose results are kept.
pub const BASELINES: usize = 12;

/// Locks a mutex, recovering the data if a thread panicked while holding it: the room's
/// state is whole after every step, so it stays usable.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The rooms the server holds, the least recently used dropped first beyond `capacity`.
pub struct Rooms {
    rooms: Mutex<Vec<(String, Arc<Room>, Instant)>>,
    capacity: usize,
}

impl Rooms {
    pub fn new(capacity: usize) -> Rooms {
        Rooms {
            rooms: Mutex::new(Vec::new()),
            capacity: capacity.max(1),
        }
    }

    /// The room of session `id`, made when new.
    pub fn get(&self, id: &str) -> Arc<Room> {
        let mut rooms = lock(&self.rooms);
        let now = Instant::now();
        if let Some(entry) = rooms.iter_mut().find(|(k, _, _)| k == id) {
            entry.2 = now;
            return entry.1.clone();
        }
        let oldest = rooms
            .iter()
            .enumerate()
            .min_by_key(|(_, (_, _, used))| *used)
            .map(|(i, _)| i);
        if let Some(oldest) = oldest.filter(|_| rooms.len() >= self.capacity) {
            let (_, dropped, _) = rooms.remove(oldest);
            // A run of a dropped room gives up at its next replication.
            dropped.generation.fetch_add(1, Ordering::SeqCst);
        }
        let room = Arc::new(Room::default());
        rooms.push((id.to_string(), room.clone(), now));
        room
    }

    /// The room of session `id` if the server holds it.
    pub fn find(&self, id: &str) -> Option<Arc<Room>> {
        lock(&self.rooms)
            .iter()
            .find(|(k, _, _)| k == id)
            .map(|(_, r, _)| r.clone())
    }

    pub fn len(&self) -> usize {
        lock(&self.rooms).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One browser's session.
#[derive(Default)]
pub struct Room {
    /// The latest change's number; a run of an older one gives up.
    generation: AtomicU64,
    /// Replications finished and to do in the latest run.
    done: AtomicU32,
    total: AtomicU32,
    state: Mutex<History>,
}

/// What a room has tried.
#[derive(Default)]
struct History {
    next_try: u32,
    tries: VecDeque<Arc<Try>>,
}

/// Where the latest run of a room stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub generation: u64,
    pub done: u32,
    pub total: u32,
}

/// Output files in memory: name, contents.
pub type Files = Vec<(String, Vec<u8>)>;

/// A kept baseline: its scenario, and its results once run.
type Kept = (Scenario, Arc<OnceLock<Arc<RunResults>>>);

/// One finished try: what was changed, and its outputs.
pub struct Try {
    /// 1, 2, 3, ... in the room.
    pub number: u32,
    pub question: String,
    pub changes: Vec<Change>,
    /// The scenario fields as sent, to download the scenario again.
    pub fields: Vec<(String, String)>,
    pub replications: u32,
    pub seed: u64,
    pub variant: Scenario,
    /// The outputs read back: stats, differences, series.
    pub outputs: OutputDir,
    /// The CSV files and run.json, while the try is among the latest [`KEPT_FILES`].
    pub files: Mutex<Option<Files>>,
    /// Replications run for it (the baseline's when not already kept, and the change's).
    pub replications_run: u32,
    pub seconds: f64,
}

/// A finished run: the try, and its plots as SVG.
pub struct Finished {
    pub r#try: Arc<Try>,
    pub figures: Vec<Figure>,
}

/// What a run came to.
pub enum Outcome {
    Finished(Finished),
    /// A newer change arrived while it ran.
    Superseded,
    /// The outputs could not be made (numbers that are not finite).
    Failed(Error),
}

impl Room {
    /// Where the latest run stands.
    pub fn progress(&self) -> Progress {
        Progress {
            generation: self.generation.load(Ordering::SeqCst),
            done: self.done.load(Ordering::SeqCst),
            total: self.total.load(Ordering::SeqCst),
        }
    }

    /// The tries, oldest first.
    pub fn tries(&self) -> Vec<Arc<Try>> {
        lock(&self.state).tries.iter().cloned().collect()
    }

    /// A try still in the history.
    pub fn find_try(&self, number: u32) -> Option<Arc<Try>> {
        lock(&self.state)
            .tries
            .iter()
            .find(|t| t.number == number)
            .cloned()
    }

    /// Starts a run: a new generation, which supersedes any run going.
    fn begin(&self) -> u64 {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        self.done.store(0, Ordering::SeqCst);
        self.total.store(0, Ordering::SeqCst);
        generation
    }

    fn current(&self, generation: u64) -> bool {
        self.generation.load(Ordering::SeqCst) == generation
    }

    /// Runs a change against its baseline and records it in the history, unless a newer
    /// change supersedes it first.
    pub fn run(
        &self,
        question: &str,
        file: &Path,
        settings: Settings,
        baselines: &Baselines,
        workers: &Workers,
    ) -> Outcome {
        let generation = self.begin();
        let started = Instant::now();
        let reps = settings.variant.simulation.replications;
        let same = settings.variant == settings.baseline;
        let kept = baselines.has(&settings.baseline);
        let total = if kept { 0 } else { reps } + if same { 0 } else { reps };
        self.total.store(total, Ordering::SeqCst);
        let tick = || {
            if self.current(generation) {
                self.done.fetch_add(1, Ordering::SeqCst);
            }
        };
        let stop = || !self.current(generation);
        if stop() {
            return Outcome::Superseded;
        }
        // The baseline runs to its end even when superseded: it is kept for the next change.
        let baseline = baselines.results(&settings.baseline, workers, &tick);
        let variant = if same {
            (*baseline).clone()
        } else {
            let arms = [&settings.variant];
            let jobs = work_list(&arms);
            match workers.run_jobs_unless(&arms, &jobs, &tick, &stop) {
                Some(finished) => by_arm(1, finished).pop().unwrap_or(RunResults {
                    replications: Vec::new(),
                }),
                None => return Outcome::Superseded,
            }
        };
        let seconds = started.elapsed().as_secs_f64();
        let number = lock(&self.state).next_try + 1;
        let plan = plan(question, file, number, &settings);
        let files = output_files(
            &plan,
            &[(*baseline).clone(), variant],
            seconds,
            workers.threads(),
            None,
        );
        let outputs = match parse_output(Path::new("training-room"), &files) {
            Ok(o) => o,
            Err(e) => return Outcome::Failed(e),
        };
        let figures = match svg_figures(&outputs) {
            Ok(f) => f,
            Err(e) => return Outcome::Failed(e),
        };
        if stop() {
            return Outcome::Superseded;
        }
        let r#try = Arc::new(Try {
            number,
            question: question.to_string(),
            replications: reps,
            seed: settings.variant.simulation.seed,
            changes: settings.changes,
            fields: settings.fields,
            variant: settings.variant,
            outputs,
            files: Mutex::new(Some(files)),
            replications_run: total,
            seconds,
        });
        let mut history = lock(&self.state);
        history.next_try = number;
        history.tries.push_back(r#try.clone());
        while history.tries.len() > HISTORY {
            history.tries.pop_front();
        }
        let n = history.tries.len();
        for old in history.tries.iter().take(n.saturating_sub(KEPT_FILES)) {
            lock(&old.files).take();
        }
        drop(history);
        Outcome::Finished(Finished { r#try, figures })
    }
}

/// The label of the baseline arm in the outputs and plots.
pub const BASELINE_LABEL: &str = "baseline";

/// The label of try `n`'s arm.
pub fn try_label(n: u32) -> String {
    format!("try {n}")
}

/// A try as `casesim compare` would plan it: the baseline, then the change.
fn plan(question: &str, file: &Path, number: u32, settings: &Settings) -> Plan {
    let file = file.to_path_buf();
    Plan {
        kind: Kind::Compare,
        arms: vec![
            Arm {
                label: BASELINE_LABEL.to_string(),
                scenario_file: file.clone(),
                varied: Vec::new(),
                scenario: settings.baseline.clone(),
            },
            Arm {
                label: try_label(number),
                scenario_file: file,
                varied: Vec::new(),
                scenario: settings.variant.clone(),
            },
        ],
        varied_keys: Vec::new(),
        notes: Vec::new(),
        out: Path::new("training-room").to_path_buf(),
        cases: None,
        posterior: None,
        command: format!(
            "casesim serve: {question}, try {number}{}",
            settings
                .changes
                .iter()
                .map(|c| format!(" --set {}={}", c.key, c.to))
                .collect::<String>()
        ),
        settings: Vec::new(),
        vary: Vec::new(),
    }
}

/// Baselines already run, by scenario: each is run once (concurrent requests for the same
/// one wait for the first), and the oldest is dropped beyond [`BASELINES`].
#[derive(Default)]
pub struct Baselines {
    kept: Mutex<VecDeque<Kept>>,
}

impl Baselines {
    /// Whether the baseline's results are kept.
    pub fn has(&self, s: &Scenario) -> bool {
        lock(&self.kept)
            .iter()
            .any(|(k, cell)| k == s && cell.get().is_some())
    }

    /// The baseline's results, run now if not kept.
    pub fn results(
        &self,
        s: &Scenario,
        workers: &Workers,
        tick: &(dyn Fn() + Sync),
    ) -> Arc<RunResults> {
        let cell = {
            let mut kept = lock(&self.kept);
            match kept.iter().find(|(k, _)| k == s) {
                Some((_, cell)) => cell.clone(),
                None => {
                    let cell = Arc::new(OnceLock::new());
                    kept.push_back((s.clone(), cell.clone()));
                    while kept.len() > BASELINES {
                        kept.pop_front();
                    }
                    cell
                }
            }
        };
        cell.get_or_init(|| {
            let arms = [s];
            let jobs = work_list(&arms);
            let finished = workers
                .run_jobs_unless(&arms, &jobs, tick, &|| false)
                .unwrap_or_default();
            Arc::new(by_arm(1, finished).pop().unwrap_or(RunResults {
                replications: Vec::new(),
            }))
        })
        .clone()
    }
}
