//! Running one experiment as many jobs: shard files, and merging them into the outputs the
//! unsharded command would have written.
//!
//! `casesim run|sweep|compare ... --shard I/N` runs only shard I's replications (see
//! [`Shard`]) and writes them, with the command's whole [`Plan`], to
//! `DIR/shards/shard-IIII-of-NNNN.json`. `casesim merge DIR` checks that every shard of one plan
//! is there exactly once and complete, puts the replications back in run-id order, and writes
//! the same files as the unsharded command: byte-identical CSVs, plots and report.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::commands::{Options, Plan, write_results};
use crate::engine::ReplicationResult;
use crate::error::{Error, InputProblem, Origin};
use crate::experiment::{Shard, by_arm, run_jobs, work_list};
use crate::output::write_atomically;

/// Identifies the file format; a file without it is not a shard.
const FORMAT: &str = "casesim shard 1";

/// One shard's results and everything needed to merge them.
#[derive(Serialize, Deserialize)]
pub struct ShardFile {
    pub format: String,
    pub casesim_version: String,
    pub shard: u32,
    pub shards: u32,
    /// Run ids in the whole work list.
    pub runs: u64,
    pub plan: Plan,
    pub threads: usize,
    pub wall_time_seconds: f64,
    /// This shard's replications, in run-id order: (arm, result).
    pub results: Vec<(usize, ReplicationResult)>,
}

/// What a finished shard reports.
pub struct ShardReport {
    pub shard: Shard,
    pub runs: usize,
    pub total_runs: usize,
    pub path: PathBuf,
    pub seconds: f64,
}

impl ShardReport {
    pub fn text(&self) -> String {
        format!(
            "casesim shard {}: {} of {} replications in {:.1} s -> {}\n",
            self.shard,
            self.runs,
            self.total_runs,
            self.seconds,
            self.path.display()
        )
    }
}

/// Runs shard `shard` of a plan and writes its shard file into `plan.out/shards/`.
pub fn run_shard(plan: Plan, shard: Shard, options: &Options) -> Result<ShardReport, Error> {
    let scenarios: Vec<_> = plan.arms.iter().map(|a| &a.scenario).collect();
    let all = work_list(&scenarios);
    let jobs: Vec<(usize, u32)> = shard.run_ids(all.len()).map(|k| all[k]).collect();
    let bar = crate::commands::progress_bar(jobs.len() as u64, options.progress);
    let started = Instant::now();
    let results = run_jobs(&scenarios, &jobs, &|| bar.inc(1));
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let file = ShardFile {
        format: FORMAT.into(),
        casesim_version: env!("CARGO_PKG_VERSION").into(),
        shard: shard.index,
        shards: shard.count,
        runs: all.len() as u64,
        threads: rayon::current_num_threads(),
        wall_time_seconds: seconds,
        results,
        plan,
    };
    let dir = file.plan.out.join("shards");
    std::fs::create_dir_all(&dir).map_err(|source| Error::Output {
        path: dir.clone(),
        source,
    })?;
    let bytes = serde_json::to_vec(&file).expect("a shard serialises");
    let path = write_atomically(&dir, &shard.file_name(), &bytes)?;
    Ok(ShardReport {
        shard,
        runs: jobs.len(),
        total_runs: all.len(),
        path,
        seconds,
    })
}

/// What a finished merge reports.
pub struct MergeReport {
    pub dir: PathBuf,
    pub shards: u32,
    pub runs: u64,
}

fn problem(path: &Path, message: impl Into<String>) -> Error {
    InputProblem {
        origin: Origin::File {
            path: path.to_path_buf(),
            line: None,
        },
        key: None,
        message: message.into(),
    }
    .into()
}

/// The plan with what may differ between shards of one experiment blanked: the command line
/// (`--shard 3/8` or `auto`) and the output directory as given.
fn comparable(plan: &Plan) -> Plan {
    Plan {
        command: String::new(),
        out: PathBuf::new(),
        ..plan.clone()
    }
}

/// `casesim merge DIR`: combines `DIR/shards/*.json` into DIR's outputs. Refuses, naming the
/// files, when a shard is missing, present twice, incomplete or from another experiment.
pub fn merge(dir: &Path) -> Result<MergeReport, Error> {
    let shard_dir = dir.join("shards");
    let entries = std::fs::read_dir(&shard_dir).map_err(|e| {
        problem(
            &shard_dir,
            format!("cannot read it ({e}): merge expects the shard files of `--shard` here"),
        )
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(problem(&shard_dir, "holds no shard files (*.json)"));
    }
    let mut files: Vec<(PathBuf, ShardFile)> = Vec::new();
    for path in paths {
        let bytes =
            std::fs::read(&path).map_err(|e| problem(&path, format!("cannot read: {e}")))?;
        let file: ShardFile = serde_json::from_slice(&bytes)
            .map_err(|e| problem(&path, format!("is not a casesim shard file: {e}")))?;
        if file.format != FORMAT {
            return Err(problem(&path, format!("is not a `{FORMAT}` file")));
        }
        files.push((path, file));
    }
    let (first_path, first) = &files[0];
    let count = first.shards;
    let reference = comparable(&first.plan);
    for (path, f) in &files[1..] {
        if f.shards != count {
            return Err(problem(
                path,
                format!(
                    "is a shard of {} but {} is a shard of {count}: shards of different runs",
                    f.shards,
                    first_path.display()
                ),
            ));
        }
        if comparable(&f.plan) != reference || f.runs != first.runs {
            return Err(problem(
                path,
                format!(
                    "comes from a different experiment than {} (scenario, arms or replications \
                     differ)",
                    first_path.display()
                ),
            ));
        }
    }
    // Every shard exactly once.
    let mut by_index: Vec<Vec<&Path>> = vec![Vec::new(); count as usize];
    for (path, f) in &files {
        by_index[f.shard as usize].push(path);
    }
    let duplicates: Vec<String> = by_index
        .iter()
        .filter(|p| p.len() > 1)
        .map(|p| {
            p.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    if !duplicates.is_empty() {
        return Err(problem(
            &shard_dir,
            format!(
                "the same shard is here twice: {}; remove one",
                duplicates.join("; ")
            ),
        ));
    }
    let missing: Vec<String> = (0..count)
        .filter(|&i| by_index[i as usize].is_empty())
        .map(|i| Shard { index: i, count }.file_name())
        .collect();
    if !missing.is_empty() {
        return Err(problem(
            &shard_dir,
            format!(
                "{} of {count} shards missing: {}; run them (--shard I/{count}) before merging",
                missing.len(),
                missing.join(", ")
            ),
        ));
    }
    // Every run id, in order, from the shard that owns it.
    let plan = Plan {
        out: dir.to_path_buf(),
        ..first.plan.clone()
    };
    let scenarios: Vec<_> = plan.arms.iter().map(|a| &a.scenario).collect();
    let all = work_list(&scenarios);
    let mut slots: Vec<Option<(usize, ReplicationResult)>> = vec![None; all.len()];
    let mut seconds = 0.0;
    let mut threads = 0;
    for (path, f) in files {
        let shard = Shard {
            index: f.shard,
            count,
        };
        let ids: Vec<usize> = shard.run_ids(all.len()).collect();
        let complete = ids.len() == f.results.len()
            && ids
                .iter()
                .zip(&f.results)
                .all(|(&k, (a, r))| all[k] == (*a, r.replication));
        if !complete {
            return Err(problem(
                &path,
                format!(
                    "is incomplete or damaged: it should hold {} replications and holds {}",
                    ids.len(),
                    f.results.len()
                ),
            ));
        }
        seconds += f.wall_time_seconds;
        threads = threads.max(f.threads);
        for (k, result) in ids.into_iter().zip(f.results) {
            slots[k] = Some(result);
        }
    }
    let finished: Vec<(usize, ReplicationResult)> = slots
        .into_iter()
        .map(|s| s.expect("every run id was filled"))
        .collect();
    let results = by_arm(plan.arms.len(), finished);
    write_results(&plan, &results, seconds, threads, Some(count))?;
    Ok(MergeReport {
        dir: dir.to_path_buf(),
        shards: count,
        runs: all.len() as u64,
    })
}
