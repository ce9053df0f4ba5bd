//! Property tests over the readers of untrusted files and the Slurm script writer: damaged
//! output directories (`casesim plot`), damaged shard files (`casesim merge`), damaged
//! checkpoints (a resumed run), and hostile values for the scripts (`casesim slurm`). Each
//! input must end in a result or in bad input naming the file or argument; a panic fails the
//! property (and proptest shrinks it), and a hang would stop the test. The generator is fixed
//! (see `check_property`), so CI tries the same inputs every time; `.ci/run` prints how many.

use std::path::{Path, PathBuf};

use casesim::commands::cluster::{SlurmOptions, read_shards, run_shard, slurm_scripts};
use casesim::commands::{Options, output_files, plan_sweep};
use casesim::error::Error;
use casesim::experiment::checkpoint::Checkpoint;
use casesim::experiment::{Kind, Plan, Shard};
use casesim::output::render;
use casesim::output::results::{READ_FILES, parse_output};
use proptest::prelude::*;
use serde_json::Value;

use crate::common::check_property_with;

/// A sweep small enough to run in milliseconds: 2 arms x 2 replications of 30 weeks.
fn tiny_options(out: &Path) -> Options {
    Options {
        set: [
            "simulation.weeks=30",
            "simulation.warmup_weeks=10",
            "population.initial_cases=120",
            "population.inflow_per_week=3",
            "workforce.case_managers=6",
        ]
        .map(String::from)
        .to_vec(),
        replications: Some(2),
        out: Some(out.to_path_buf()),
        ..Options::default()
    }
}

fn tiny_plan(out: &Path) -> Plan {
    plan_sweep(
        Path::new("scenarios/baseline.toml"),
        &["workforce.caseload_cap=30,70".to_string()],
        &tiny_options(out),
    )
    .expect("the tiny sweep is valid")
}

/// Values that damage a file where a number, a name or a list belongs.
const CELLS: [&str; 18] = [
    "inf",
    "-inf",
    "NaN",
    "1e308",
    "-1.7976931348623157e308",
    "5e-324",
    "",
    "x",
    "-1",
    "18446744073709551616",
    "4294967296",
    "0",
    "1",
    "0.5",
    "1e15",
    "7",
    "\"",
    "a,b",
];

fn json_values() -> Vec<Value> {
    vec![
        Value::from(0),
        Value::from(-1),
        Value::from(1),
        Value::from(7),
        Value::from(1e308),
        Value::from(-1e308),
        Value::from(u64::MAX),
        Value::from(i64::MIN),
        Value::from(0.5),
        Value::Null,
        Value::from(""),
        Value::from("x"),
        Value::Array(Vec::new()),
        Value::Object(Default::default()),
        Value::from(true),
    ]
}

/// One damage to a JSON document: at the node reached by following `path` (each number picks
/// a child, modulo their number), replace it, remove it, cut a list short or repeat an element.
#[derive(Clone, Debug)]
enum JsonEdit {
    Replace(Vec<usize>, usize),
    Remove(Vec<usize>),
    Truncate(Vec<usize>, usize),
    Repeat(Vec<usize>),
}

fn json_edit() -> impl Strategy<Value = JsonEdit> {
    let path = prop::collection::vec(any::<usize>(), 0..9);
    prop_oneof![
        4 => (path.clone(), 0..json_values().len()).prop_map(|(p, v)| JsonEdit::Replace(p, v)),
        1 => path.clone().prop_map(JsonEdit::Remove),
        1 => (path.clone(), 0usize..5).prop_map(|(p, n)| JsonEdit::Truncate(p, n)),
        1 => path.prop_map(JsonEdit::Repeat),
    ]
}

/// The parent of the node `path` leads to and the node's place in it (none at the root).
fn walk<'v>(v: &'v mut Value, path: &[usize]) -> (&'v mut Value, Option<usize>) {
    let mut node = v;
    let mut place = None;
    for (depth, &choice) in path.iter().enumerate() {
        let children = match &*node {
            Value::Array(a) => a.len(),
            Value::Object(o) => o.len(),
            _ => 0,
        };
        if children == 0 || depth + 1 == path.len() {
            if children > 0 {
                place = Some(choice % children);
            }
            break;
        }
        let i = choice % children;
        node = match node {
            Value::Array(a) => &mut a[i],
            Value::Object(o) => o.values_mut().nth(i).expect("in range"),
            _ => unreachable!(),
        };
    }
    (node, place)
}

impl JsonEdit {
    fn apply(&self, v: &mut Value) {
        let (path, _) = match self {
            JsonEdit::Replace(p, _)
            | JsonEdit::Remove(p)
            | JsonEdit::Truncate(p, _)
            | JsonEdit::Repeat(p) => (p, ()),
        };
        let (parent, place) = walk(v, path);
        match (self, place) {
            (JsonEdit::Replace(_, k), Some(i)) => match parent {
                Value::Array(a) => a[i] = json_values()[*k].clone(),
                Value::Object(o) => {
                    *o.values_mut().nth(i).expect("in range") = json_values()[*k].clone()
                }
                _ => {}
            },
            (JsonEdit::Replace(_, k), None) => *parent = json_values()[*k].clone(),
            (JsonEdit::Remove(_), Some(i)) => match parent {
                Value::Array(a) => {
                    a.remove(i);
                }
                Value::Object(o) => {
                    let key = o.keys().nth(i).expect("in range").clone();
                    o.remove(&key);
                }
                _ => {}
            },
            (JsonEdit::Truncate(_, n), _) => {
                if let Value::Array(a) = parent {
                    a.truncate(*n);
                }
            }
            (JsonEdit::Repeat(_), Some(i)) => {
                if let Value::Array(a) = parent {
                    let copy = a[i].clone();
                    a.insert(i, copy);
                }
            }
            _ => {}
        }
    }
}

/// What a damaged input must end in: accepted, or bad input whose message names `names`.
fn accepted_or_bad<T>(
    outcome: Result<T, Error>,
    names: &str,
    input: &dyn std::fmt::Debug,
) -> Result<Option<T>, TestCaseError> {
    match outcome {
        Ok(v) => Ok(Some(v)),
        Err(e @ Error::Input(_)) => {
            let message = e.to_string();
            prop_assert!(
                message.contains(names),
                "{:?}: the message {:?} does not name {}",
                input,
                message,
                names
            );
            Ok(None)
        }
        Err(other) => Err(TestCaseError::fail(format!(
            "{input:?} ended in {other} (exit {}) rather than bad input",
            other.exit_code()
        ))),
    }
}

// ---------------------------------------------------------------------------------------------
// Output directories

/// One damage to an output directory's files.
#[derive(Clone, Debug)]
enum DirEdit {
    DeleteFile,
    DropColumn(usize),
    SwapColumns(usize, usize),
    SetCell(usize, usize, &'static str),
    DuplicateRow(usize),
    DeleteRow(usize),
    CutAt(usize),
    Json(JsonEdit),
}

fn dir_edit() -> impl Strategy<Value = (bool, usize, Vec<DirEdit>)> {
    let one = prop_oneof![
        1 => Just(DirEdit::DeleteFile),
        2 => any::<usize>().prop_map(DirEdit::DropColumn),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| DirEdit::SwapColumns(a, b)),
        8 => (any::<usize>(), any::<usize>(), prop::sample::select(CELLS.to_vec()))
            .prop_map(|(r, c, v)| DirEdit::SetCell(r, c, v)),
        1 => any::<usize>().prop_map(DirEdit::DuplicateRow),
        1 => any::<usize>().prop_map(DirEdit::DeleteRow),
        1 => any::<usize>().prop_map(DirEdit::CutAt),
        3 => json_edit().prop_map(DirEdit::Json),
    ];
    (
        any::<bool>(),
        0..READ_FILES.len(),
        prop::collection::vec(one, 1..4),
    )
}

fn edit_table(text: &str, edit: &DirEdit) -> String {
    let mut rows: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    if rows.is_empty() {
        return text.to_string();
    }
    let columns = rows[0].len().max(1);
    match edit {
        DirEdit::DropColumn(c) => {
            for r in &mut rows {
                if c % columns < r.len() {
                    r.remove(c % columns);
                }
            }
        }
        DirEdit::SwapColumns(a, b) => {
            for r in &mut rows {
                let (a, b) = (a % columns, b % columns);
                if a < r.len() && b < r.len() {
                    r.swap(a, b);
                }
            }
        }
        DirEdit::SetCell(r, c, v) => {
            let r = r % rows.len();
            let row = &mut rows[r];
            if !row.is_empty() {
                let c = c % row.len();
                row[c] = v.to_string();
            }
        }
        DirEdit::DuplicateRow(r) => {
            let r = r % rows.len();
            let copy = rows[r].clone();
            rows.insert(r, copy);
        }
        DirEdit::DeleteRow(r) => {
            rows.remove(r % rows.len());
        }
        _ => {}
    }
    let mut out: String = rows
        .iter()
        .map(|r| r.join(","))
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

fn apply_dir_edit(files: &mut Vec<(String, Vec<u8>)>, file: usize, edit: &DirEdit) {
    let name = READ_FILES[file];
    let Some(i) = files.iter().position(|(n, _)| n == name) else {
        return;
    };
    match edit {
        DirEdit::DeleteFile => {
            files.remove(i);
        }
        DirEdit::CutAt(n) => {
            let bytes = &mut files[i].1;
            let at = n % (bytes.len() + 1);
            bytes.truncate(at);
        }
        DirEdit::Json(j) => {
            if let Ok(mut v) = serde_json::from_slice::<Value>(&files[i].1) {
                j.apply(&mut v);
                files[i].1 = serde_json::to_vec(&v).unwrap();
            }
        }
        table => {
            let text = String::from_utf8_lossy(&files[i].1).into_owned();
            files[i].1 = edit_table(&text, table).into_bytes();
        }
    }
}

/// The files of a directory written by the tiny sweep (or a one-arm run of it).
fn written_files(sweep: bool) -> Vec<(String, Vec<u8>)> {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let options = tiny_options(&out);
    if sweep {
        casesim::commands::sweep(
            Path::new("scenarios/baseline.toml"),
            &["workforce.caseload_cap=30,70".to_string()],
            &options,
        )
        .unwrap();
    } else {
        casesim::commands::run(Path::new("scenarios/baseline.toml"), &options).unwrap();
    }
    READ_FILES
        .iter()
        .filter_map(|n| Some((n.to_string(), std::fs::read(out.join(n)).ok()?)))
        .collect()
}

#[test]
fn any_damage_to_an_output_directory_draws_or_is_bad_input_naming_the_file() {
    let originals = [written_files(false), written_files(true)];
    let dir = PathBuf::from("/nonexistent/casesim-fuzz-dir");
    check_property_with(
        "plot directories",
        300,
        dir_edit(),
        |(sweep, file, edits)| {
            let mut files = originals[usize::from(sweep)].clone();
            for edit in &edits {
                apply_dir_edit(&mut files, file, edit);
            }
            let input = (sweep, READ_FILES[file], &edits);
            let read = parse_output(&dir, &files);
            let Some(results) = accepted_or_bad(read, dir.to_str().unwrap(), &input)? else {
                return Ok(false);
            };
            // What is read draws: a failure to draw would be a defect, never bad input.
            if let Err(e) = render(&results) {
                return Err(TestCaseError::fail(format!("{input:?}: {e}")));
            }
            Ok(true)
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Shard files

#[test]
fn any_damage_to_a_shard_file_merges_or_is_bad_input_naming_it() {
    let template = tempfile::tempdir().unwrap();
    let out = template.path().join("m");
    for index in 0..2 {
        let plan = tiny_plan(&out);
        run_shard(plan, Shard { index, count: 2 }, &tiny_options(&out)).unwrap();
    }
    let shard_file = |i: u32| format!("shards/{}", Shard { index: i, count: 2 }.file_name());
    let originals: Vec<Value> = (0..2)
        .map(|i| serde_json::from_slice(&std::fs::read(out.join(shard_file(i))).unwrap()).unwrap())
        .collect();
    let strategy = (
        0u32..2,
        prop::collection::vec(json_edit(), 1..4),
        any::<bool>(),
    );
    check_property_with(
        "shard files",
        500,
        strategy,
        |(which, edits, as_bytes_cut)| {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("m");
            std::fs::create_dir_all(dir.join("shards")).unwrap();
            for i in 0..2u32 {
                let mut v = originals[i as usize].clone();
                let mut bytes;
                if i == which {
                    for e in &edits {
                        e.apply(&mut v);
                    }
                    bytes = serde_json::to_vec(&v).unwrap();
                    if as_bytes_cut {
                        bytes.truncate(bytes.len() / 2);
                    }
                } else {
                    bytes = serde_json::to_vec(&v).unwrap();
                }
                std::fs::write(dir.join(shard_file(i)), bytes).unwrap();
            }
            let input = (which, &edits, as_bytes_cut);
            let merged = accepted_or_bad(read_shards(&dir), "shards", &input)?;
            let Some(merged) = merged else {
                return Ok(false);
            };
            // Accepted shards make output files that read back, or are refused as not finite.
            let files = output_files(&merged.plan, &merged.results, merged.seconds, 1, Some(2));
            accepted_or_bad(parse_output(&dir, &files), "m", &input)?;
            Ok(true)
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Checkpoints

#[derive(Clone, Debug)]
enum CheckpointEdit {
    Json(usize, Vec<JsonEdit>),
    Cut(usize, usize),
    Delete(usize),
    Directory(usize),
}

#[test]
fn any_damage_to_a_checkpoint_resumes_sets_it_aside_or_is_bad_input_naming_the_file() {
    let template = tempfile::tempdir().unwrap();
    let out = template.path().join("c");
    let plan = tiny_plan(&out);
    let checkpoint = Checkpoint::open(&plan).unwrap();
    for (a, arm) in plan.arms.iter().enumerate() {
        for r in 0..arm.scenario.simulation.replications {
            checkpoint
                .save(a, r, &casesim::simulate(&arm.scenario, r))
                .unwrap();
        }
    }
    let mut names: Vec<String> = std::fs::read_dir(out.join(".checkpoint"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let strategy = prop_oneof![
        6 => (any::<usize>(), prop::collection::vec(json_edit(), 1..3))
            .prop_map(|(f, e)| CheckpointEdit::Json(f, e)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(f, n)| CheckpointEdit::Cut(f, n)),
        1 => any::<usize>().prop_map(CheckpointEdit::Delete),
        1 => any::<usize>().prop_map(CheckpointEdit::Directory),
    ];
    check_property_with("checkpoints", 500, strategy, |edit| {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("c");
        let cp = dir.join(".checkpoint");
        std::fs::create_dir_all(&cp).unwrap();
        for n in &names {
            std::fs::copy(out.join(".checkpoint").join(n), cp.join(n)).unwrap();
        }
        let pick = |f: &usize| cp.join(&names[f % names.len()]);
        match &edit {
            CheckpointEdit::Json(f, edits) => {
                let path = pick(f);
                let mut v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
                for e in edits {
                    e.apply(&mut v);
                }
                std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
            }
            CheckpointEdit::Cut(f, n) => {
                let path = pick(f);
                let bytes = std::fs::read(&path).unwrap();
                std::fs::write(&path, &bytes[..n % (bytes.len() + 1)]).unwrap();
            }
            CheckpointEdit::Delete(f) => std::fs::remove_file(pick(f)).unwrap(),
            CheckpointEdit::Directory(f) => {
                let path = pick(f);
                std::fs::remove_file(&path).unwrap();
                std::fs::create_dir(&path).unwrap();
            }
        }
        let plan = Plan {
            out: dir.clone(),
            ..plan.clone()
        };
        let opened = accepted_or_bad(Checkpoint::open(&plan), ".checkpoint", &edit)?;
        let Some(mut opened) = opened else {
            return Ok(false);
        };
        if let Some(aside) = &opened.set_aside {
            prop_assert!(aside.is_dir(), "{:?}: set aside to nowhere", edit);
            prop_assert_eq!(opened.found(), 0);
        }
        // What is taken is a whole replication of its arm.
        for (a, arm) in plan.arms.iter().enumerate() {
            for r in 0..arm.scenario.simulation.replications {
                if let Some(result) = opened.take(a, r) {
                    if let Err(why) = casesim::experiment::check_result(&result, &arm.scenario, r) {
                        return Err(TestCaseError::fail(format!("{edit:?}: taken, but {why}")));
                    }
                }
            }
        }
        Ok(true)
    });
}

// ---------------------------------------------------------------------------------------------
// Slurm scripts

/// Pieces of hostile text.
const HOSTILE: [&str; 20] = [
    "\n",
    "$(",
    ")",
    "`",
    "'",
    "\"",
    ";",
    "&&",
    "|",
    " ",
    "\\",
    "%",
    "x",
    "4G",
    "00:10:00",
    "1-02",
    "touch PWNED",
    "#",
    "\t",
    "${IFS}",
];

fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(prop::sample::select(HOSTILE.to_vec()), 0..6)
            .prop_map(|p| p.concat()),
        1 => "\\PC{0,12}",
    ]
}

/// A value for `--partition`, `--time` or `--mem`: none, a good one, or hostile text.
fn option(good: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        2 => Just(None),
        1 => prop::sample::select(good).prop_map(|g| Some(g.to_string())),
        1 => hostile().prop_map(Some),
    ]
}

#[test]
fn any_values_in_a_slurm_script_are_refused_or_read_back_by_bash_as_given() {
    let tmp = tempfile::tempdir().unwrap();
    let marker = tmp.path().join("PWNED");
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::canonicalize(p).ok())
        .unwrap()
        .display()
        .to_string();
    let strategy = (
        hostile(),
        option(&["short", "gpu,cpu"]),
        option(&["00:30:00", "1-02:00:00", "90", "UNLIMITED"]),
        option(&["4G", "512M", "1000"]),
        prop::collection::vec(hostile(), 0..3),
        prop_oneof![3 => Just("cluster".to_string()), 1 => hostile()],
    );
    check_property_with(
        "Slurm scripts",
        500,
        strategy,
        |(name, partition, time, mem, sets, sub)| {
            // One path component below `runs/` (a hostile `/` could name the root).
            let sub = sub.replace('/', "_");
            let sub = match sub.as_str() {
                "" | "." | ".." => "d".to_string(),
                _ => sub,
            };
            let out = tmp.path().join("runs").join(&sub);
            let mut scenario = casesim::Scenario::default();
            scenario.name = name.replace("PWNED", marker.to_str().unwrap());
            let plan = Plan {
                kind: Kind::Run,
                arms: vec![casesim::experiment::Arm {
                    label: scenario.name.clone(),
                    scenario_file: "scenarios/baseline.toml".into(),
                    varied: Vec::new(),
                    scenario,
                }],
                varied_keys: Vec::new(),
                notes: Vec::new(),
                out: out.clone(),
                command: String::new(),
                settings: Vec::new(),
                vary: Vec::new(),
                cases: None,
                posterior: None,
            };
            let mut command = vec!["run".to_string(), "scenarios/baseline.toml".to_string()];
            for v in &sets {
                command.extend([
                    "--set".to_string(),
                    v.replace("PWNED", marker.to_str().unwrap()),
                ]);
            }
            let options = SlurmOptions {
                shards: 2,
                partition: partition.clone(),
                time: time.clone(),
                mem: mem.clone(),
                cpus_per_task: 1,
            };
            let input = (
                &plan.arms[0].scenario.name,
                &partition,
                &time,
                &mem,
                &sets,
                &sub,
            );
            let written = accepted_or_bad(slurm_scripts(&plan, &command, &options), "--", &input)?;
            if written.is_none() {
                return Ok(false);
            }
            let slurm = std::path::absolute(&out).unwrap().join("slurm");
            let array = std::fs::read_to_string(slurm.join("array.sh")).unwrap();
            let lines: Vec<&str> = array.lines().collect();
            for line in &lines {
                let known = line.starts_with("#!/bin/bash")
                    || line.starts_with("# casesim on Slurm")
                    || line.starts_with("# Written by")
                    || line.starts_with("# Threads default")
                    || line.starts_with("#SBATCH --")
                    || *line == "set -euo pipefail"
                    || line.starts_with("cd ")
                    || line.starts_with(&exe);
                prop_assert!(
                    known,
                    "{:?}: unexpected line {:?} in\n{}",
                    input,
                    line,
                    array
                );
            }
            let words = super::words_bash_reads(lines.last().unwrap(), &exe);
            let mut expected = command.clone();
            expected.extend([
                "--out".to_string(),
                std::path::absolute(&out).unwrap().display().to_string(),
                "--shard".into(),
                "auto".into(),
                "--quiet".into(),
            ]);
            prop_assert_eq!(words, expected, "{:?}", input);
            prop_assert!(!marker.exists(), "{:?}: a value ran as a command", input);
            Ok(true)
        },
    );
}
