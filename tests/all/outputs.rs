//! Where outputs go: a run with `--set` and no `--out` writes to a directory of its own, named
//! from the scenario and its settings, never over the scenario's own outputs; a directory
//! holding another experiment's outputs is refused (exit 2, nothing changed) unless
//! `--replace`; the same experiment run again replaces its own. Intervals of measures that
//! cannot be negative do not go below zero.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{QUICK, stderr};

/// Runs the binary in `dir` (so `output/` is there), on the shipped scenarios by full path.
fn casesim_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casesim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

fn baseline() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/baseline.toml")
        .display()
        .to_string()
}

/// Every file under `dir` and its bytes.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            out.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    out
}

fn quick_run<'a>(scenario: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["run", scenario, "--quiet", "--reps", "2"];
    args.extend(QUICK);
    args.extend(extra);
    args
}

#[test]
fn a_run_with_settings_writes_its_own_directory_named_from_them_and_titled_with_them() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = baseline();
    // QUICK are --set arguments themselves: the run goes to a directory named from them.
    let o = casesim_in(tmp.path(), &quick_run(&scenario, &[]));
    assert!(o.status.success(), "{}", stderr(&o));
    let quick = tmp
        .path()
        .join("output/baseline-weeks=120,warmup_weeks=52,initial_cases=600");
    assert!(
        quick.join("stats.csv").exists(),
        "{:?}",
        std::fs::read_dir(tmp.path().join("output"))
            .unwrap()
            .collect::<Vec<_>>()
    );
    let before = contents(&quick);
    let o = casesim_in(
        tmp.path(),
        &quick_run(&scenario, &["--set", "workforce.caseload_cap=40"]),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let capped = tmp
        .path()
        .join("output/baseline-weeks=120,warmup_weeks=52,initial_cases=600,caseload_cap=40");
    assert!(capped.join("stats.csv").exists());
    assert_eq!(
        contents(&quick),
        before,
        "the first run's outputs were touched"
    );
    assert!(!tmp.path().join("output/baseline").exists());
    let html = std::fs::read_to_string(capped.join("report.html")).unwrap();
    assert!(html.contains("caseload cap set to 40"), "{html}");
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(capped.join("run.json")).unwrap()).unwrap();
    assert!(
        record["experiment"]
            .as_str()
            .unwrap()
            .ends_with("--set workforce.caseload_cap=40"),
        "{record}"
    );
}

#[test]
fn a_directory_of_another_experiment_is_refused_unless_replace_and_the_same_one_is_rerun() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("mine");
    let out_arg = out.to_str().unwrap();
    let scenario = baseline();
    let o = casesim_in(tmp.path(), &quick_run(&scenario, &["--out", out_arg]));
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let before = contents(&out);

    // The same experiment again (another seed, more replications): it replaces its own.
    let o = casesim_in(
        tmp.path(),
        &quick_run(&scenario, &["--out", out_arg, "--seed", "9"]),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rerun = contents(&out);
    assert_ne!(rerun, before, "the rerun replaced nothing");

    // Another experiment (a further --set) into it: refused, naming both, nothing changed.
    let other = quick_run(
        &scenario,
        &["--out", out_arg, "--set", "workforce.caseload_cap=40"],
    );
    let o = casesim_in(tmp.path(), &other);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(
        said.contains("another experiment") && said.contains("--replace"),
        "{said}"
    );
    assert!(said.contains("caseload_cap=40"), "{said}");
    assert_eq!(contents(&out), rerun, "a refused run changed the directory");

    // A compare into a run's directory: refused too.
    let team = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/individual_vs_team.toml")
        .display()
        .to_string();
    let o = casesim_in(
        tmp.path(),
        &[
            "compare", &scenario, &team, "--reps", "2", "--quiet", "--out", out_arg,
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(contents(&out), rerun);

    // Told to replace: it does, and the user's own file stays.
    let mut replace = other.clone();
    replace.push("--replace");
    let o = casesim_in(tmp.path(), &replace);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert!(
        record["experiment"]
            .as_str()
            .unwrap()
            .contains("caseload_cap=40")
    );
}

#[test]
fn slurm_refuses_another_experiments_directory_before_writing_its_scripts_and_passes_replace_on() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("mine");
    let out_arg = out.to_str().unwrap();
    let scenario = baseline();
    let o = casesim_in(tmp.path(), &quick_run(&scenario, &["--out", out_arg]));
    assert!(o.status.success(), "{}", stderr(&o));
    let before = contents(&out);
    let mut slurm = vec![
        "slurm",
        scenario.as_str(),
        "--shards",
        "2",
        "--out",
        out_arg,
        "--set",
        "workforce.caseload_cap=40",
    ];
    slurm.extend(QUICK);
    let o = casesim_in(tmp.path(), &slurm);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--replace"), "{}", stderr(&o));
    assert!(
        !out.join("slurm").exists(),
        "a refused plan wrote its scripts"
    );
    assert_eq!(
        contents(&out),
        before,
        "a refused plan changed the directory"
    );

    slurm.push("--replace");
    let o = casesim_in(tmp.path(), &slurm);
    assert!(o.status.success(), "{}", stderr(&o));
    let array = std::fs::read_to_string(out.join("slurm/array.sh")).unwrap();
    assert!(
        array.contains(" --replace"),
        "the shards are not told: {array}"
    );
}

#[test]
fn no_interval_of_a_measure_that_cannot_be_negative_goes_below_zero_nor_a_share_above_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let scenario = baseline();
    let o = casesim_in(
        tmp.path(),
        &quick_run(&scenario, &["--out", out.to_str().unwrap()]),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for file in ["stats.csv", "by_tier.csv", "by_disposal.csv", "by_age.csv"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let (metric, lo, hi) = (col("metric"), col("ci_low"), col("ci_high"));
        for line in lines {
            let row: Vec<&str> = line.split(',').collect();
            let unit = casesim::metrics::measure(row[metric]).unwrap().unit;
            let (min, max) = unit.bounds();
            for c in [lo, hi] {
                if let Ok(v) = row[c].parse::<f64>() {
                    assert!(v >= min && v <= max, "{file}: {line}");
                }
            }
        }
    }
}
