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

use crate::commands::{Options, write_results};
use crate::error::{Error, InputProblem, Origin};
use crate::experiment::ReplicationResult;
use crate::experiment::{Plan, Shard, by_arm, check_result, run_plan_jobs, work_list};
use crate::files::{lock_dir, safe_file_name, write_atomically};
use std::collections::BTreeMap;

/// Identifies the file format; a file without it is not a shard.
const FORMAT: &str = "casesim shard 2";

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
    let threads = rayon::current_num_threads();
    let mut estimate = crate::experiment::resources::estimate_arms(&scenarios, threads);
    // This shard's share of the replications.
    let share = jobs.len() as f64 / all.len().max(1) as f64;
    estimate.replications = jobs.len() as u64;
    estimate.bytes *= share.max(threads as f64 / all.len().max(1) as f64).min(1.0);
    estimate.seconds *= share;
    crate::commands::check_resources(&plan, estimate, options.force)?;
    // The merge will write the outputs here: refuse now, before any shard runs, a directory
    // holding another experiment's.
    crate::commands::check_experiment(&plan, options.replace)?;
    let bar = crate::commands::progress_bar(jobs.len() as u64, options.progress);
    let started = Instant::now();
    let results = run_plan_jobs(&plan, &jobs, &|| bar.inc(1));
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
    Error::in_file(path, message)
}

/// Reads one shard file and checks it on its own: the format, a shard index below a count of
/// at least one, a plan that [`Plan::check`] accepts, and the number of run ids of that plan.
fn read_shard(path: &Path) -> Result<ShardFile, Error> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => return Err(problem(path, "is not a regular file")),
        Err(e) => return Err(problem(path, format!("cannot read: {e}"))),
        Ok(_) => {}
    }
    let bytes = std::fs::read(path).map_err(|e| problem(path, format!("cannot read: {e}")))?;
    let file: ShardFile = serde_json::from_slice(&bytes)
        .map_err(|e| problem(path, format!("is not a casesim shard file: {e}")))?;
    if file.format != FORMAT {
        return Err(problem(path, format!("is not a `{FORMAT}` file")));
    }
    if file.shards == 0 || file.shard >= file.shards {
        return Err(problem(
            path,
            format!(
                "says it is shard {} of {}: shards are numbered from 0 to one less than their \
                 number, which is at least 1",
                file.shard, file.shards
            ),
        ));
    }
    file.plan.check().map_err(|why| problem(path, why))?;
    let runs: u64 = file
        .plan
        .arms
        .iter()
        .map(|a| u64::from(a.scenario.simulation.replications))
        .sum();
    if file.runs != runs {
        return Err(problem(
            path,
            format!(
                "says the experiment has {} replications, but its plan has {runs}",
                file.runs
            ),
        ));
    }
    if !file.wall_time_seconds.is_finite() || file.wall_time_seconds < 0.0 {
        return Err(problem(
            path,
            "has a wall time that is not a number of seconds",
        ));
    }
    Ok(file)
}

/// `casesim merge DIR`: combines `DIR/shards/*.json` into DIR's outputs. Refuses, naming the
/// files, when a shard is missing, present twice, incomplete, damaged or from another
/// experiment; every shard's plan and every replication in it is checked before anything is
/// written.
pub fn merge(dir: &Path) -> Result<MergeReport, Error> {
    let merged = read_shards(dir)?;
    let lock = lock_dir(dir)?;
    write_results(
        &merged.plan,
        &merged.results,
        merged.seconds,
        merged.threads,
        Some(merged.shards),
    )?;
    drop(lock);
    Ok(MergeReport {
        dir: dir.to_path_buf(),
        shards: merged.shards,
        runs: merged
            .results
            .iter()
            .map(|r| r.replications.len() as u64)
            .sum(),
    })
}

/// The shards of `DIR/shards/`, read, checked and put back together.
pub struct Merged {
    /// The plan, with `DIR` as its output directory.
    pub plan: Plan,
    pub results: Vec<crate::experiment::RunResults>,
    pub shards: u32,
    /// The shards' wall times added up, and the most threads one used.
    pub seconds: f64,
    pub threads: usize,
}

/// Reads and checks every shard file of `DIR/shards/` (see [`merge`]), writing nothing.
pub fn read_shards(dir: &Path) -> Result<Merged, Error> {
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
        let file = read_shard(&path)?;
        files.push((path, file));
    }
    let (first_path, first) = &files[0];
    let count = first.shards;
    let reference = first.plan.comparable();
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
        if f.plan.comparable() != reference || f.runs != first.runs {
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
    // Every shard exactly once (a map: a file may claim millions of shards).
    let mut by_index: BTreeMap<u32, Vec<&Path>> = BTreeMap::new();
    for (path, f) in &files {
        by_index.entry(f.shard).or_default().push(path);
    }
    let duplicates: Vec<String> = by_index
        .values()
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
    let missing_count = u64::from(count) - by_index.len() as u64;
    if missing_count > 0 {
        let missing: Vec<String> = (0..count)
            .filter(|i| !by_index.contains_key(i))
            .take(10)
            .map(|i| Shard { index: i, count }.file_name())
            .collect();
        return Err(problem(
            &shard_dir,
            format!(
                "{missing_count} of {count} shards missing: {}{}; run them (--shard I/{count}) \
                 before merging",
                missing.join(", "),
                if missing_count > 10 { ", ..." } else { "" }
            ),
        ));
    }
    // As many replications in the files as the plan has, before the plan's list of them is made.
    let held: u64 = files.iter().map(|(_, f)| f.results.len() as u64).sum();
    if held != first.runs {
        return Err(problem(
            &shard_dir,
            format!(
                "the shards hold {held} replications and their plan has {}: some are \
                 incomplete or damaged",
                first.runs
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
        for (a, r) in &f.results {
            check_result(r, &plan.arms[*a].scenario, r.replication).map_err(|why| {
                problem(
                    &path,
                    format!(
                        "is damaged: replication {} of arm `{}` {why}",
                        r.replication, plan.arms[*a].label
                    ),
                )
            })?;
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
    Ok(Merged {
        plan,
        results,
        shards: count,
        seconds,
        threads,
    })
}

/// What `casesim slurm` asks of the cluster.
#[derive(Clone, Debug, Default)]
pub struct SlurmOptions {
    /// Array tasks, one shard each.
    pub shards: u32,
    pub partition: Option<String>,
    /// Slurm's time limit per task (`--time`, e.g. `02:00:00`).
    pub time: Option<String>,
    /// Memory per task (`--mem`, e.g. `4G`).
    pub mem: Option<String>,
    pub cpus_per_task: u16,
}

/// The scripts `casesim slurm` wrote and how to submit them.
pub struct SlurmReport {
    pub array_script: PathBuf,
    pub merge_script: PathBuf,
    pub submit_script: PathBuf,
    /// The two sbatch commands, as one shell line.
    pub submit: String,
}

/// A word for a shell command line, quoted so that the shell reads it back as exactly that
/// word: no `$(...)`, backtick, `;`, newline or quote in it can start a command.
fn quote(word: &str) -> String {
    shlex::try_quote(word)
        .map(|q| q.into_owned())
        .unwrap_or_else(|_| format!("'{}'", word.replace('\0', "").replace('\'', "'\\''")))
}

/// Why a value cannot go into a `#SBATCH` line: sbatch reads those lines itself, without a
/// shell's quoting, and a newline would end the comment and make the rest a command. So every
/// value there must match a strict pattern.
fn bad_slurm_value(flag: &str, value: &str, expected: &str) -> Error {
    InputProblem {
        origin: Origin::Argument(format!("--{flag} {value:?}")),
        key: None,
        message: format!("is not {expected}"),
    }
    .into()
}

/// Checks `--partition`, `--time` and `--mem` against the forms Slurm accepts.
fn check_slurm_options(options: &SlurmOptions) -> Result<(), Error> {
    let digits = |t: &str| !t.is_empty() && t.len() <= 9 && t.bytes().all(|b| b.is_ascii_digit());
    if let Some(p) = &options.partition {
        let ok = !p.is_empty()
            && p.len() <= 200
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_-.,".contains(&b));
        if !ok {
            return Err(bad_slurm_value(
                "partition",
                p,
                "a partition name (letters, digits and _ - . , only)",
            ));
        }
    }
    if let Some(t) = &options.time {
        let clock = |t: &str| {
            let parts: Vec<&str> = t.split(':').collect();
            parts.len() <= 3 && parts.iter().all(|p| digits(p))
        };
        let ok = match t.split_once('-') {
            _ if t == "UNLIMITED" || t == "INFINITE" => true,
            Some((days, rest)) => digits(days) && clock(rest),
            None => clock(t),
        };
        if !ok {
            return Err(bad_slurm_value(
                "time",
                t,
                "a Slurm time limit (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, or \
                 UNLIMITED)",
            ));
        }
    }
    if let Some(m) = &options.mem {
        let number = m.trim_end_matches(['K', 'M', 'G', 'T', 'k', 'm', 'g', 't']);
        let ok = digits(number) && m.len() <= number.len() + 1;
        if !ok {
            return Err(bad_slurm_value(
                "mem",
                m,
                "a memory size (a whole number with K, M, G or T after it, e.g. 4G)",
            ));
        }
    }
    Ok(())
}

/// Whether a path may go into a `#SBATCH` line or a comment of a script: letters, digits and
/// `/ . _ - + , = @ :` only (no space, no quote, no `$`, no `%`, which sbatch would replace,
/// no control character).
fn is_plain_path(path: &str) -> bool {
    !path.is_empty()
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+,=@:".contains(&b))
}

/// A scenario name as a Slurm job name: letters, digits and `_ - .`, at most 64 characters.
fn job_name(name: &str) -> String {
    safe_file_name(name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect()
}

/// The `#SBATCH` lines asking for `cpus` cores and the given partition, time and memory
/// (checked by [`check_slurm_options`]).
fn sbatch_resources(options: &SlurmOptions, cpus: u16) -> String {
    let mut lines = format!("#SBATCH --cpus-per-task={cpus}\n");
    for (flag, value) in [
        ("partition", &options.partition),
        ("time", &options.time),
        ("mem", &options.mem),
    ] {
        if let Some(v) = value {
            lines.push_str(&format!("#SBATCH --{flag}={v}\n"));
        }
    }
    lines
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Writes a Slurm job array running `command` (a `casesim run|sweep|compare` argument list,
/// without `--out`, `--shard` or `--quiet`) in `shards` shards, and a merge job that waits for
/// the whole array (`afterok`), into `plan.out/slurm/`.
pub fn slurm_scripts(
    plan: &Plan,
    command: &[String],
    options: &SlurmOptions,
) -> Result<SlurmReport, Error> {
    check_slurm_options(options)?;
    let out = absolute(&plan.out);
    let shown = out.display().to_string();
    if !is_plain_path(&shown) {
        return Err(InputProblem {
            origin: Origin::Argument(format!("--out {shown:?}")),
            key: None,
            message: "cannot go into the #SBATCH lines of a script (sbatch does not read \
                      quotes there): give an output directory whose path has only letters, \
                      digits and / . _ - + , = @ :"
                .into(),
        }
        .into());
    }
    if options.shards == 0 {
        return Err(InputProblem {
            origin: Origin::Argument("--shards 0".into()),
            key: None,
            message: "must be at least 1".into(),
        }
        .into());
    }
    // Quoting makes any word safe for the shell, but a newline would still split the command
    // over lines of the script; no argument needs one (TOML writes it `\n`).
    for (i, word) in command.iter().enumerate() {
        if word.chars().any(char::is_control) {
            let flag = if i > 0 && command[i - 1].starts_with("--") {
                command[i - 1].as_str()
            } else {
                "argument"
            };
            return Err(InputProblem {
                origin: Origin::Argument(format!("{flag} {word:?}")),
                key: None,
                message: "holds a control character (a newline, a tab), which cannot go into \
                          a line of a script; write it as \\n or \\t in the TOML value"
                    .into(),
            }
            .into());
        }
    }
    let slurm_dir = out.join("slurm");
    let logs = slurm_dir.join("logs");
    std::fs::create_dir_all(&logs).map_err(|source| Error::Output {
        path: logs.clone(),
        source,
    })?;
    let exe = std::env::current_exe()
        .map(|p| absolute(&p))
        .unwrap_or_else(|_| PathBuf::from("casesim"));
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let name = job_name(
        &plan
            .arms
            .first()
            .map(|a| a.scenario.name.clone())
            .unwrap_or_else(|| "casesim".into()),
    );
    let runs: u64 = plan
        .arms
        .iter()
        .map(|a| u64::from(a.scenario.simulation.replications))
        .sum();
    let mut args: Vec<String> = command.to_vec();
    args.extend([
        "--out".into(),
        out.display().to_string(),
        "--shard".into(),
        "auto".into(),
        "--quiet".into(),
    ]);
    let line = std::iter::once(quote(&exe.display().to_string()))
        .chain(args.iter().map(|a| quote(a)))
        .collect::<Vec<_>>()
        .join(" ");
    let mut array = format!(
        "#!/bin/bash\n\
         # casesim on Slurm: shard $SLURM_ARRAY_TASK_ID of {n} of {runs} replications.\n\
         # Written by `casesim slurm`; submit with {submit}.\n\
         #SBATCH --job-name=casesim-{name}\n\
         #SBATCH --array=0-{last}\n\
         #SBATCH --output={logs}/shard-%a.out\n",
        n = options.shards,
        last = options.shards - 1,
        logs = logs.display(),
        submit = slurm_dir.join("submit.sh").display(),
    );
    array.push_str(&sbatch_resources(options, options.cpus_per_task));
    array.push_str(&format!(
        "set -euo pipefail\ncd {}\n# Threads default to SLURM_CPUS_PER_TASK; the shard comes from \
         SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT.\n{line}\n",
        quote(&cwd.display().to_string())
    ));
    let mut merge = format!(
        "#!/bin/bash\n\
         # casesim on Slurm: merges the {n} shards into {out} once every array task has \
         succeeded.\n\
         #SBATCH --job-name=casesim-{name}-merge\n\
         #SBATCH --output={logs}/merge.out\n",
        n = options.shards,
        out = out.display(),
        logs = logs.display(),
    );
    merge.push_str(&sbatch_resources(options, 1));
    merge.push_str(&format!(
        "set -euo pipefail\ncd {}\n{} merge {}\n",
        quote(&cwd.display().to_string()),
        quote(&exe.display().to_string()),
        quote(&out.display().to_string())
    ));
    let array_path = slurm_dir.join("array.sh");
    let merge_path = slurm_dir.join("merge.sh");
    let submit = format!(
        "jid=$(sbatch --parsable {}) && sbatch --dependency=afterok:$jid {}",
        quote(&array_path.display().to_string()),
        quote(&merge_path.display().to_string())
    );
    let submit_script = format!(
        "#!/bin/sh\n# Submits the casesim job array and its merge job; prints the job ids.\n\
         set -e\njid=$(sbatch --parsable {})\necho \"array job $jid\"\n\
         sbatch --parsable --dependency=afterok:$jid {}\n",
        quote(&array_path.display().to_string()),
        quote(&merge_path.display().to_string())
    );
    write_atomically(&slurm_dir, "array.sh", array.as_bytes())?;
    write_atomically(&slurm_dir, "merge.sh", merge.as_bytes())?;
    write_atomically(&slurm_dir, "submit.sh", submit_script.as_bytes())?;
    Ok(SlurmReport {
        array_script: array_path,
        merge_script: merge_path,
        submit_script: slurm_dir.join("submit.sh"),
        submit,
    })
}
