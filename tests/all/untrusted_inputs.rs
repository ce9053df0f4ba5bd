//! Every way into casesim other than a scenario file treated as untrusted (issue 27): output
//! directories given to `plot`, shard files given to `merge`, checkpoints resumed from, the
//! values written into Slurm scripts, the sizes and thread counts asked for. Each reproducer of
//! the issue is a test here; property tests (see `fuzz`) try thousands of damaged files and
//! hostile values, and `.ci/run` prints how many.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{QUICK, stderr};

mod fuzz;

/// Runs the binary from `cwd` (the crate's root when `None`) with extra environment.
fn casesim_in(args: &[&str], cwd: Option<&Path>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_casesim"));
    cmd.args(args)
        .current_dir(cwd.unwrap_or(Path::new(env!("CARGO_MANIFEST_DIR"))))
        .env_remove("SLURM_CPUS_PER_TASK")
        .env_remove("RAYON_NUM_THREADS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

fn baseline() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/baseline.toml")
        .display()
        .to_string()
}

/// A quick run's arguments into `out`.
fn quick_run<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["run", "scenarios/baseline.toml", "--reps", "2", "--quiet"];
    args.extend(QUICK);
    args.extend(["--out", out]);
    args.extend(extra);
    args
}

/// A quick sweep's arguments into `out`.
fn quick_sweep<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "sweep",
        "scenarios/baseline.toml",
        "--vary",
        "workforce.caseload_cap=30,70",
        "--reps",
        "2",
        "--quiet",
    ];
    args.extend(QUICK);
    args.extend(["--out", out]);
    args.extend(extra);
    args
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

/// Bad input: exit 2, a message containing every one of `expect`, no panic.
fn assert_bad(o: &Output, expect: &[&str]) {
    let said = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{said}");
    assert!(!said.contains("panicked"), "{said}");
    for text in expect {
        assert!(said.contains(text), "no {text:?} in: {said}");
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Thread counts and flags

#[test]
fn thread_counts_beyond_the_machine_are_clamped_with_a_note_and_a_negative_one_names_the_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("a");
    let o = ok(casesim_in(
        &quick_run(s(&out), &["--threads", "65535"]),
        None,
        &[],
    ));
    assert!(
        stderr(&o).contains("note: --threads 65535"),
        "{}",
        stderr(&o)
    );
    let out = tmp.path().join("b");
    let o = ok(casesim_in(
        &quick_run(s(&out), &[]),
        None,
        &[("SLURM_CPUS_PER_TASK", "60000")],
    ));
    assert!(
        stderr(&o).contains("SLURM_CPUS_PER_TASK=60000"),
        "{}",
        stderr(&o)
    );
    let out = tmp.path().join("c");
    ok(casesim_in(
        &quick_run(s(&out), &[]),
        None,
        &[("RAYON_NUM_THREADS", "100000")],
    ));
    let o = casesim_in(&quick_run(s(&out), &["--threads", "-1"]), None, &[]);
    assert_bad(&o, &["--threads"]);
    let o = casesim_in(&quick_run(s(&out), &["--reps", "-3"]), None, &[]);
    assert_bad(&o, &["--reps"]);
}

#[test]
fn sensitivity_refuses_the_replications_key_and_blames_a_tiny_step_not_the_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    let args = |extra: &[&'static str]| {
        let mut a = vec![
            "sensitivity".to_string(),
            "scenarios/baseline.toml".into(),
            "--reps".into(),
            "2".into(),
            "--quiet".into(),
            "--out".into(),
            s(&out).into(),
        ];
        a.extend(extra.iter().map(|x| x.to_string()));
        a
    };
    let run = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        casesim_in(&a, None, &[])
    };
    let o = run(args(&["--key", "simulation.replications"]));
    assert_bad(&o, &["--key simulation.replications", "--reps"]);
    let o = run(args(&["--step", "1e-300"]));
    assert_bad(&o, &["--step 1e-300", "larger --step"]);
    assert!(!stderr(&o).contains("--key"), "{}", stderr(&o));
    assert!(stderr(&o).len() < 400, "a readable number: {}", stderr(&o));
    assert!(!out.exists());
}

// ---------------------------------------------------------------------------------------------
// Resource limits

#[test]
fn runs_far_too_big_for_the_machine_are_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("big");
    let vary10 = |key: &str| format!("{key}=1,2,3,4,5,6,7,8,9,10");
    let grid: Vec<String> = [
        "workforce.caseload_cap",
        "workforce.case_managers",
        "population.patches",
        "workforce.hours_per_week",
        "services.capacity_scale",
        "population.initial_cases",
    ]
    .iter()
    .flat_map(|k| ["--vary".to_string(), vary10(k)])
    .collect();
    let mut cases: Vec<Vec<String>> = vec![
        vec!["run".into(), "--reps".into(), "1000000".into()],
        vec![
            "run".into(),
            "--set".into(),
            "population.initial_cases=50000000".into(),
        ],
        vec![
            "run".into(),
            "--set".into(),
            "population.inflow_per_week=1000000".into(),
        ],
        vec!["sensitivity".into(), "--reps".into(), "100000".into()],
        vec![
            "sensitivity".into(),
            "--method".into(),
            "sobol".into(),
            "--reps".into(),
            "100000".into(),
        ],
    ];
    let mut sweep = vec!["sweep".to_string()];
    sweep.extend(grid);
    cases.push(sweep);
    for case in cases {
        let mut args = vec![case[0].clone(), baseline()];
        args.extend(case[1..].iter().cloned());
        args.extend(["--quiet".into(), "--out".into(), s(&out).into()]);
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = casesim_in(&a, None, &[]);
        assert_bad(&o, &["this needs about", "of memory", "--force"]);
        assert!(!out.exists(), "{case:?} left {:?}", std::fs::read_dir(&out));
    }
}

// ---------------------------------------------------------------------------------------------
// Non-finite results

#[test]
fn a_measure_that_overflows_is_bad_input_naming_the_inputs_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nan");
    let o = casesim_in(
        &quick_run(s(&out), &["--set", "costs.staff_hour=1e308"]),
        None,
        &[],
    );
    assert_bad(&o, &["costs.staff_hour"]);
    assert!(
        !out.exists(),
        "{:?}",
        std::fs::read_dir(&out).map(|d| d.count())
    );
}

#[test]
fn output_files_holding_a_number_that_is_not_finite_are_refused_and_none_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good");
    ok(casesim_in(&quick_run(s(&good), &[]), None, &[]));
    let mut files: Vec<(String, Vec<u8>)> = casesim::output::results::READ_FILES
        .iter()
        .filter_map(|n| Some((n.to_string(), std::fs::read(good.join(n)).ok()?)))
        .collect();
    let stats = files.iter_mut().find(|(n, _)| n == "stats.csv").unwrap();
    let text = String::from_utf8(stats.1.clone()).unwrap();
    let cost = text.lines().position(|l| l.starts_with("cost,")).unwrap();
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == cost {
                "cost,inf,NaN,,20".into()
            } else {
                l.into()
            }
        })
        .collect();
    stats.1 = (lines.join("\n") + "\n").into_bytes();
    let dir = tmp.path().join("bad");
    let e = casesim::output::write_outputs(&dir, files).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    let message = e.to_string();
    assert!(
        message.contains("stats.csv") && message.contains("`cost`"),
        "{message}"
    );
    assert!(
        message.contains(&format!(":{}:", cost + 1)),
        "the line: {message}"
    );
    assert!(!dir.exists());
}

// ---------------------------------------------------------------------------------------------
// Output directories: names, locks, whole replacement

#[test]
fn a_scenario_name_never_takes_the_output_outside_output() {
    for name in ["../../../../x", "/tmp/casesim-absolute-name", "a/../../b"] {
        let tmp = tempfile::tempdir().unwrap();
        let cwd = tmp.path().join("work");
        std::fs::create_dir_all(&cwd).unwrap();
        let text = std::fs::read_to_string(baseline())
            .unwrap()
            .replace("name = \"baseline\"", &format!("name = {:?}", name));
        let file = cwd.join("s.toml");
        std::fs::write(&file, text).unwrap();
        let mut args = vec!["run", s(&file), "--reps", "2", "--quiet"];
        args.extend(QUICK);
        ok(casesim_in(&args, Some(&cwd), &[]));
        let written: Vec<PathBuf> = std::fs::read_dir(cwd.join("output"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(written.len(), 1, "{name}: {written:?}");
        assert!(written[0].join("stats.csv").exists(), "{name}: {written:?}");
        // Nothing beside `work/` or at the absolute path.
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1, "{name}");
        assert!(!Path::new("/tmp/casesim-absolute-name").exists());
    }
}

#[test]
fn a_directory_in_use_by_another_casesim_is_refused_naming_its_pid() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("busy");
    let lock = casesim::files::lock_dir(&out).unwrap();
    for args in [
        quick_run(s(&out), &[]),
        quick_sweep(s(&out), &[]),
        vec!["plot", s(&out)],
    ] {
        let o = casesim_in(&args, None, &[]);
        let said = stderr(&o);
        assert_eq!(o.status.code(), Some(3), "{said}");
        assert!(
            said.contains(&format!("pid {}", std::process::id())),
            "{said}"
        );
        assert!(said.contains(s(&out)), "{said}");
    }
    drop(lock);
    ok(casesim_in(&quick_run(s(&out), &[]), None, &[]));
}

#[test]
fn a_run_replaces_what_a_sweep_wrote_in_its_directory_and_leaves_the_users_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("d");
    ok(casesim_in(&quick_sweep(s(&out), &[]), None, &[]));
    assert!(out.join("compare.csv").exists() && out.join("headline.svg").exists());
    std::fs::write(out.join("my-notes.txt"), "mine").unwrap();
    std::fs::write(out.join("my-table.csv"), "mine").unwrap();
    // Another experiment: refused without --replace (tests/all/outputs.rs), replaced with it.
    assert_bad(
        &casesim_in(&quick_run(s(&out), &[]), None, &[]),
        &["another experiment", "--replace"],
    );
    ok(casesim_in(&quick_run(s(&out), &["--replace"]), None, &[]));
    for gone in ["compare.csv", "headline.svg", "headline.png"] {
        assert!(
            !out.join(gone).exists(),
            "{gone} of the sweep is left with the run's files"
        );
    }
    for kept in ["my-notes.txt", "my-table.csv", "stats.csv", "report.html"] {
        assert!(out.join(kept).exists(), "{kept}");
    }
    // `plot` redraws in place and keeps the CSVs.
    ok(casesim_in(&["plot", s(&out)], None, &[]));
    assert!(out.join("summary.csv").exists() && out.join("my-notes.txt").exists());
}

// ---------------------------------------------------------------------------------------------
// plot DIR on damaged directories

/// A directory written by a quick run (or sweep) to damage.
fn written(sweep: bool) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    if sweep {
        ok(casesim_in(&quick_sweep(s(&out), &[]), None, &[]));
    } else {
        ok(casesim_in(&quick_run(s(&out), &[]), None, &[]));
    }
    (tmp, out)
}

/// Rewrites a CSV file cell by cell.
fn edit_csv(path: &Path, edit: impl Fn(usize, Vec<String>) -> Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let cells: Vec<String> = line.split(',').map(String::from).collect();
        out.push_str(&edit(i, cells).join(","));
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn plot_refuses_a_missing_or_moved_column_naming_the_file() {
    for sweep in [false, true] {
        for file in [
            "stats.csv",
            "by_tier.csv",
            "by_disposal.csv",
            "timeseries.csv",
        ] {
            for damage in ["drop", "move"] {
                let (_tmp, out) = written(sweep);
                let path = out.join(file);
                let header = std::fs::read_to_string(&path).unwrap();
                let header: Vec<&str> = header.lines().next().unwrap().split(',').collect();
                let at = header
                    .iter()
                    .position(|h| *h == "metric" || *h == "week")
                    .unwrap();
                edit_csv(&path, |_, mut cells| {
                    let cell = cells.remove(at);
                    if damage == "move" {
                        cells.push(cell);
                    }
                    cells
                });
                let o = casesim_in(&["plot", s(&out)], None, &[]);
                assert_bad(&o, &[file]);
            }
        }
    }
}

#[test]
fn plot_refuses_a_cell_that_is_not_finite_naming_file_line_and_column() {
    let (_tmp, out) = written(false);
    edit_csv(&out.join("timeseries.csv"), |i, mut cells| {
        if i == 5 {
            cells[3] = "inf".into();
        }
        cells
    });
    let before = std::fs::read(out.join("timeseries.svg")).unwrap();
    let o = casesim_in(&["plot", s(&out)], None, &[]);
    assert_bad(&o, &["timeseries.csv:6", "not a finite number"]);
    assert_eq!(std::fs::read(out.join("timeseries.svg")).unwrap(), before);
    // Finite but extreme values draw, without hanging.
    let (_tmp, out) = written(true);
    for file in ["timeseries.csv", "stats.csv"] {
        edit_csv(&out.join(file), |i, mut cells| {
            if i > 0 {
                for (c, cell) in cells.iter_mut().enumerate() {
                    // The means and CI ends of stats.csv; every other weekly column.
                    let numeric = if file == "stats.csv" {
                        c == 3 || c == 5
                    } else {
                        c > 3 && c % 2 == 0
                    };
                    if numeric && cell.parse::<f64>().is_ok() {
                        *cell = if i % 2 == 0 { "1e308" } else { "-1.7e308" }.into();
                    }
                }
            }
            cells
        });
    }
    ok(casesim_in(&["plot", s(&out)], None, &[]));
}

// ---------------------------------------------------------------------------------------------
// merge on damaged shards

/// Two shards of the quick sweep in `DIR/shards`.
fn two_shards() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    for shard in ["0/2", "1/2"] {
        ok(casesim_in(
            &quick_sweep(s(&dir), &["--shard", shard]),
            None,
            &[],
        ));
    }
    (tmp, dir)
}

fn edit_json(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(path, serde_json::to_vec(&v).unwrap()).unwrap();
}

#[test]
fn merge_refuses_damaged_or_impossible_shards_naming_the_file_and_writes_nothing() {
    type Damage = fn(&mut serde_json::Value);
    let damages: [(&str, Damage, &str); 7] = [
        ("index >= count", |v| v["shard"] = 5.into(), "shard 5 of 2"),
        ("zero shards", |v| v["shards"] = 0.into(), "shard 1 of 0"),
        (
            "a short weekly series",
            |v| {
                let weeks = v["results"][0][1]["weeks"].as_array_mut().unwrap();
                weeks.truncate(3);
            },
            "3 weeks",
        ),
        (
            "extra varied keys",
            |v| {
                let keys = v["plan"]["varied_keys"].as_array_mut().unwrap();
                keys.push("workforce.case_managers".into());
            },
            "varies",
        ),
        (
            "weeks = 0",
            |v| v["plan"]["arms"][0]["scenario"]["simulation"]["weeks"] = 0.into(),
            "simulation.weeks",
        ),
        (
            "a probability of 7",
            |v| v["plan"]["arms"][1]["scenario"]["compliance"]["base_attendance"] = 7.0.into(),
            "compliance.base_attendance",
        ),
        (
            "a result that is not finite",
            |v| v["results"][0][1]["metrics"]["cost"] = 1e308.into(),
            "",
        ),
    ];
    for (what, damage, expect) in damages {
        let (_tmp, dir) = two_shards();
        let path = dir.join("shards/shard-0001-of-0002.json");
        edit_json(&path, damage);
        let o = casesim_in(&["merge", s(&dir)], None, &[]);
        if what == "a result that is not finite" {
            // 1e308 is a finite number, and the mean of two such overflows: refused on output.
            let said = stderr(&o);
            assert!(
                o.status.code() == Some(2) || o.status.success(),
                "{what}: {said}"
            );
            continue;
        }
        assert_bad(&o, &["shard-0001-of-0002.json", expect]);
        assert!(!dir.join("summary.csv").exists(), "{what}: merged anyway");
    }
}

// ---------------------------------------------------------------------------------------------
// Resuming from damaged or mixed checkpoints

/// A checkpoint of the quick sweep with every replication kept, as a killed run would leave
/// it had it been killed just before writing the outputs.
fn full_checkpoint(dir: &Path, seed: &str) {
    use casesim::commands::{Options, plan_sweep};
    use casesim::experiment::checkpoint::Checkpoint;
    let options = Options {
        set: QUICK
            .iter()
            .skip(1)
            .step_by(2)
            .map(|s| s.to_string())
            .collect(),
        replications: Some(2),
        seed: Some(seed.parse().unwrap()),
        out: Some(dir.to_path_buf()),
        ..Options::default()
    };
    let plan = plan_sweep(
        Path::new("scenarios/baseline.toml"),
        &["workforce.caseload_cap=30,70".to_string()],
        &options,
    )
    .unwrap();
    let checkpoint = Checkpoint::open(&plan).unwrap();
    for (a, arm) in plan.arms.iter().enumerate() {
        for r in 0..arm.scenario.simulation.replications {
            let result = casesim::simulate(&arm.scenario, r);
            checkpoint.save(a, r, &result).unwrap();
        }
    }
}

#[test]
fn a_checkpoint_with_a_truncated_series_or_another_runs_result_is_refused_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    // Truncated weekly series in replication 0.
    let dir = tmp.path().join("t");
    full_checkpoint(&dir, "1");
    edit_json(&dir.join(".checkpoint/arm-0000-rep-0000.json"), |v| {
        v["result"]["weeks"].as_array_mut().unwrap().truncate(3);
    });
    let o = casesim_in(&quick_sweep(s(&dir), &["--seed", "1"]), None, &[]);
    assert_bad(&o, &["arm-0000-rep-0000.json", "3 weeks", "remove it"]);
    assert!(!dir.join("timeseries.csv").exists());

    // Two sweeps with different seeds in one directory: a result of the other is found in
    // the checkpoint of the one resumed.
    let dir = tmp.path().join("mix");
    full_checkpoint(&dir, "1");
    let other = tmp.path().join("other");
    full_checkpoint(&other, "2");
    std::fs::copy(
        other.join(".checkpoint/arm-0001-rep-0001.json"),
        dir.join(".checkpoint/arm-0001-rep-0001.json"),
    )
    .unwrap();
    let o = casesim_in(&quick_sweep(s(&dir), &["--seed", "1"]), None, &[]);
    assert_bad(&o, &["arm-0001-rep-0001.json", "another run"]);
    assert!(!dir.join("summary.csv").exists());

    // Undamaged, the checkpoint resumes to the same files as a run from scratch.
    let dir = tmp.path().join("whole");
    full_checkpoint(&dir, "1");
    let o = ok(casesim_in(
        &quick_sweep(s(&dir), &["--seed", "1"]),
        None,
        &[],
    ));
    assert!(
        stderr(&o).contains("4 of 4 replications already done"),
        "{}",
        stderr(&o)
    );
    let fresh = tmp.path().join("fresh");
    ok(casesim_in(
        &quick_sweep(s(&fresh), &["--seed", "1"]),
        None,
        &[],
    ));
    for name in crate::common::SWEEP_CSVS {
        assert!(
            std::fs::read(dir.join(name)).unwrap() == std::fs::read(fresh.join(name)).unwrap(),
            "{name}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Slurm scripts

/// The words bash reads from a command line of a script, by running it with the program
/// replaced by `printf '%s\0'`; and whether any marker file appeared (a command ran).
pub(crate) fn words_bash_reads(line: &str, program: &str) -> Vec<String> {
    let rest = line
        .strip_prefix(program)
        .unwrap_or_else(|| panic!("{line:?} does not start with {program:?}"));
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!("printf '%s\\0' {rest}"))
        .output()
        .expect("bash runs");
    assert!(o.status.success(), "{line}: {}", stderr(&o));
    let mut words: Vec<String> = String::from_utf8(o.stdout)
        .unwrap()
        .split('\0')
        .map(String::from)
        .collect();
    words.pop();
    words
}

#[test]
fn slurm_refuses_values_that_could_break_out_of_a_directive_and_quotes_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let marker = tmp.path().join("PWNED");
    let m = s(&marker).to_string();
    let out = tmp.path().join("cluster");
    let hostile_name_file = tmp.path().join("h.toml");
    std::fs::write(
        &hostile_name_file,
        std::fs::read_to_string(baseline()).unwrap().replace(
            "name = \"baseline\"",
            &format!("name = \"x\\ntouch {m}\\n$(touch {m})`touch {m}`;touch {m}'\\\"\""),
        ),
    )
    .unwrap();
    let base = |flag: &str, value: &str| {
        vec![
            "slurm".to_string(),
            baseline(),
            "--shards".into(),
            "2".into(),
            "--out".into(),
            s(&out).into(),
            format!("--{flag}"),
            value.into(),
        ]
    };
    let run = |args: &[String]| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        casesim_in(&a, None, &[])
    };
    for flag in ["partition", "time", "mem"] {
        for value in [
            format!("x\ntouch {m}"),
            format!("$(touch {m})"),
            format!("`touch {m}`"),
            "a;b".into(),
            "4G'".into(),
            "".into(),
        ] {
            let o = run(&base(flag, &value));
            assert_bad(&o, &[&format!("--{flag}")]);
            assert!(!out.join("slurm/array.sh").exists(), "--{flag} {value:?}");
        }
    }
    let hostile_out = tmp.path().join(format!("c\ntouch {m}"));
    let mut args = base("time", "00:10:00");
    args[5] = s(&hostile_out).into();
    assert_bad(&run(&args), &["--out"]);

    // Accepted: a hostile scenario name and hostile --set and --vary values; every one is
    // quoted, so bash reads back exactly the words given and runs nothing else.
    let set_value = format!("name=\"$(touch {m})`touch {m}`;touch {m}\\n'\"");
    let args: Vec<String> = vec![
        "slurm".into(),
        s(&hostile_name_file).into(),
        "--shards".into(),
        "3".into(),
        "--partition".into(),
        "short,long".into(),
        "--time".into(),
        "1-02:00:00".into(),
        "--mem".into(),
        "4G".into(),
        "--set".into(),
        set_value.clone(),
        "--out".into(),
        s(&out).into(),
    ];
    let o = ok(run(&args));
    let array = std::fs::read_to_string(out.join("slurm/array.sh")).unwrap();
    let job = array
        .lines()
        .find_map(|l| l.strip_prefix("#SBATCH --job-name=casesim-"))
        .unwrap();
    assert!(
        job.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b)),
        "{array}"
    );
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_casesim")).unwrap();
    let exe = exe.display().to_string();
    let command = array.lines().last().unwrap();
    let words = words_bash_reads(command, &exe);
    let expected: Vec<String> = [
        "run",
        s(&hostile_name_file),
        "--set",
        &set_value,
        "--out",
        s(&out),
        "--shard",
        "auto",
        "--quiet",
    ]
    .iter()
    .map(|w| w.to_string())
    .collect();
    assert_eq!(words, expected, "{array}");
    for script in ["array.sh", "merge.sh", "submit.sh"] {
        let text = std::fs::read_to_string(out.join("slurm").join(script)).unwrap();
        let syntax = Command::new("bash")
            .arg("-n")
            .arg(out.join("slurm").join(script))
            .output();
        assert!(syntax.unwrap().status.success(), "{script}:\n{text}");
        for line in text.lines() {
            let known = line.starts_with("#!/bin/")
                || line.starts_with("# ")
                || line.starts_with("#SBATCH --")
                || line.starts_with("set -e")
                || line.starts_with("cd ")
                || line.starts_with(&exe)
                || line.starts_with("jid=")
                || line.starts_with("echo \"array job")
                || line.starts_with("sbatch --parsable --dependency");
            assert!(known, "{script}: an unexpected line {line:?}:\n{text}");
        }
    }
    let printed = String::from_utf8_lossy(&o.stdout);
    assert!(!printed.contains(&format!("\ntouch {m}")), "{printed}");
    assert!(!marker.exists(), "a value ran as a command");
}
