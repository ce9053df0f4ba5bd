//! Experiments: sweeps and comparisons on common random numbers, and survival curves. The
//! library is driven directly where a statistical property is checked, and through the binary
//! where the contract (files, columns, determinism, bad input) is.

use std::path::Path;
use std::process::Output;

use crate::common::{QUICK, casesim, metric, small_scenario, stderr};
use casesim::Scenario;
use casesim::experiment::{independent_seed, kaplan_meier, paired_differences, run_arms};
use casesim::metrics::Metrics;

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A small scenario file for sweeps from the file.
const SMALL: &str = "[simulation]\nweeks = 120\nwarmup_weeks = 52\nreplications = 2\n\n\
                     [population]\ninitial_cases = 600\n";

fn widths(reference: &Scenario, arm: &Scenario, names: &[&str]) -> f64 {
    let results = run_arms(&[reference, arm], &|| {});
    let differences = paired_differences(&results[0], &results[1]);
    names
        .iter()
        .map(|name| {
            let (_, d) = differences.iter().find(|(n, _)| n == name).unwrap();
            d.ci_high.unwrap() - d.ci_low.unwrap()
        })
        .sum()
}

#[test]
fn common_random_numbers_narrow_the_interval_on_a_difference() {
    // Two near-identical arms: attendance a point lower in the second.
    let reference = small_scenario();
    let mut arm = small_scenario();
    arm.compliance.base_attendance -= 0.01;
    let names = [
        "completion_rate",
        "breach_rate",
        "reoffending_rate",
        "contact_delivery_rate",
    ];
    let common = widths(&reference, &arm, &names);
    arm.simulation.seed = independent_seed(arm.simulation.seed, 1);
    let independent = widths(&reference, &arm, &names);
    // Measured: common random numbers give intervals a third to a sixth as wide.
    assert!(
        common < 0.6 * independent,
        "summed CI widths: common {common:.4}, independent {independent:.4}"
    );
}

#[test]
fn identical_arms_on_common_random_numbers_do_not_differ_at_all() {
    let s = small_scenario();
    let results = run_arms(&[&s, &s], &|| {});
    for (name, d) in paired_differences(&results[0], &results[1]) {
        if let Some(mean) = d.mean {
            assert_eq!(
                (mean, d.ci_low, d.ci_high),
                (0.0, Some(0.0), Some(0.0)),
                "{name}"
            );
        }
    }
}

#[test]
fn kaplan_meier_at_one_year_agrees_with_the_reoffending_rate() {
    let s = small_scenario();
    let results = run_arms(&[&s], &|| {}).pop().unwrap();
    let curve = kaplan_meier(&results.survival().reoffence);
    let one_year = curve
        .iter()
        .find(|row| row.week == s.simulation.follow_up_weeks as usize)
        .expect("the curve reaches the end of the follow-up");
    let rate = metric(&results.replications, "reoffending_rate");
    let mean_rate = rate.iter().sum::<f64>() / rate.len() as f64;
    // The same quantity estimated two ways (the curve also uses the censored late starters).
    assert!(
        (1.0 - one_year.survival - mean_rate).abs() < 0.015,
        "KM {:.4}, rate {mean_rate:.4}",
        1.0 - one_year.survival
    );
    assert!(one_year.ci_low < one_year.survival && one_year.survival < one_year.ci_high);
    // Nobody is followed beyond the follow-up period.
    assert_eq!(
        curve.last().unwrap().week,
        s.simulation.follow_up_weeks as usize
    );
    // Breach curve: falls, and ends where the orders end.
    let breach = kaplan_meier(&results.survival().breach);
    assert!(breach.windows(2).all(|w| w[1].survival <= w[0].survival));
    assert!(breach.last().unwrap().survival < 1.0);
}

fn sweep_into(out: &Path, extra: &[&str], threads: Option<&str>) -> Output {
    let mut args = vec![
        "sweep",
        "scenarios/baseline.toml",
        "--quiet",
        "--reps",
        "2",
        "--out",
        out.to_str().unwrap(),
        "--vary",
        "workforce.caseload_cap=30,50",
        "--vary",
        "organisation.prioritisation=structured,discretionary",
    ];
    args.extend(QUICK);
    args.extend(extra);
    casesim(&args, threads)
}

#[test]
fn a_grid_of_two_keys_runs_every_combination_once_in_tidy_tables() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("grid");
    let o = sweep_into(&out, &[], None);
    assert!(o.status.success(), "{}", stderr(&o));

    let summary = read(&out, "summary.csv");
    let mut lines = summary.lines();
    assert!(lines.next().unwrap().starts_with(
        "arm,workforce.caseload_cap,organisation.prioritisation,replication,completion_rate,"
    ));
    let mut combinations: Vec<(String, String, String)> = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[1].into(), cells[2].into(), cells[3].into())
        })
        .collect();
    assert_eq!(combinations.len(), 4 * 2, "4 points x 2 replications");
    combinations.sort();
    combinations.dedup();
    assert_eq!(
        combinations.len(),
        8,
        "every combination and replication once"
    );
    for (cap, rule) in [("30", "structured"), ("50", "discretionary")] {
        assert!(combinations.iter().any(|(c, r, _)| c == cap && r == rule));
    }

    let stats = read(&out, "stats.csv");
    assert!(stats.starts_with(
        "arm,workforce.caseload_cap,organisation.prioritisation,metric,mean,ci_low,ci_high,n\n"
    ));
    assert!(stats.contains("caseload_cap=30 prioritisation=structured,30,structured,"));
    for name in ["by_tier.csv", "timeseries.csv", "survival.csv"] {
        assert!(
            read(&out, name).starts_with("arm,workforce.caseload_cap,"),
            "{name}"
        );
    }
    // Every point against the first: 3 arms x every metric.
    let compare = read(&out, "compare.csv");
    assert!(
        compare.starts_with(
            "arm,reference,metric,reference_mean,arm_mean,difference,ci_low,ci_high,n\n"
        )
    );
    assert_eq!(compare.lines().count(), 1 + 3 * Metrics::NAMES.len());

    let run: serde_json::Value = serde_json::from_str(&read(&out, "run.json")).unwrap();
    assert_eq!(run["kind"], "sweep");
    assert_eq!(run["common_random_numbers"], true);
    let arms = run["arms"].as_array().unwrap();
    assert_eq!(arms.len(), 4);
    assert_eq!(arms[3]["varied"]["workforce.caseload_cap"], 50);
    assert_eq!(arms[3]["scenario"]["workforce"]["caseload_cap"], 50);
    assert_eq!(
        arms[3]["scenario"]["organisation"]["prioritisation"],
        "discretionary"
    );
    assert_eq!(arms[3]["scenario"]["population"]["initial_cases"], 600);
}

#[test]
fn sweep_results_are_byte_identical_for_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    assert!(sweep_into(&one, &[], Some("1")).status.success());
    assert!(sweep_into(&two, &["--threads", "2"], None).status.success());
    for name in crate::common::SWEEP_CSVS {
        assert!(read(&one, name) == read(&two, name), "{name} differs");
    }
}

#[test]
fn a_sweep_table_in_the_file_with_a_linked_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sweep.toml");
    std::fs::write(
        &file,
        format!(
            "{SMALL}\n[[sweep.vary]]\nkey = \"workforce.caseload_cap\"\nvalues = [40, 80]\n\n\
             [[sweep.vary]]\nkey = \"workforce.case_managers\"\nvalues = [30, 15]\n\
             with = \"workforce.caseload_cap\"\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = casesim(
        &[
            "sweep",
            file.to_str().unwrap(),
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let stats = read(&out, "stats.csv");
    assert!(stats.starts_with("arm,workforce.caseload_cap,workforce.case_managers,metric,"));
    let points: Vec<&str> = stats
        .lines()
        .skip(1)
        .filter(|l| l.contains(",completion_rate,"))
        .collect();
    assert_eq!(points.len(), 2, "linked keys add no combinations");
    assert!(points[0].starts_with("caseload_cap=40 case_managers=30,40,30,"));
    assert!(points[1].starts_with("caseload_cap=80 case_managers=15,80,15,"));
}

/// Runs a command expected to fail on bad input: exit 2, the message holds every needle, no
/// panic, and no output directory.
fn assert_bad_input(args: &[&str], scenario_text: Option<&str>, needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, scenario_text.unwrap_or(SMALL)).unwrap();
    let out = dir.path().join("out");
    let mut full: Vec<&str> = args
        .iter()
        .map(|a| {
            if *a == "FILE" {
                file.to_str().unwrap()
            } else {
                a
            }
        })
        .collect();
    full.extend(["--out", out.to_str().unwrap()]);
    let o = casesim(&full, None);
    let message = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {message}");
    for needle in needles {
        assert!(message.contains(needle), "`{needle}` not in: {message}");
    }
    assert!(!message.contains("panicked"), "{message}");
    assert!(!out.exists(), "an output directory was left behind");
}

#[test]
fn bad_sweeps_are_refused_with_the_argument_or_line_named() {
    assert_bad_input(&["sweep", "FILE"], None, &["bad.toml", "nothing to vary"]);
    assert_bad_input(
        &["sweep", "FILE", "--vary", "workforce.caseload_cap"],
        None,
        &["--vary workforce.caseload_cap", "KEY=V1,V2"],
    );
    assert_bad_input(
        &["sweep", "FILE", "--vary", "workforce.caseload_cap=40,0"],
        None,
        &[
            "--vary workforce.caseload_cap=40,0",
            "workforce.caseload_cap",
            "at least 1",
        ],
    );
    assert_bad_input(
        &["sweep", "FILE", "--vary", "workforce.caseload_capp=40,50"],
        None,
        &["workforce.caseload_capp", "unknown field"],
    );
    assert_bad_input(
        &[
            "sweep",
            "FILE",
            "--vary",
            "workforce.caseload_cap=40,50",
            "--vary",
            "+workforce.case_managers=1",
        ],
        None,
        &["+workforce.case_managers=1", "as many values"],
    );
    assert_bad_input(
        &[
            "sweep",
            "FILE",
            "--vary",
            "workforce.caseload_cap=40,50",
            "--set",
            "workforce.caseload_cap=45",
        ],
        None,
        &["--set workforce.caseload_cap=45", "varied by the sweep"],
    );
    // From the file: the entry's line.
    let bad_value = format!(
        "{SMALL}\n[[sweep.vary]]\nkey = \"workforce.caseload_cap\"\nvalues = [40, 80]\n\n\
         [[sweep.vary]]\nkey = \"compliance.base_attendance\"\nvalues = [0.9, 1.5]\n"
    );
    assert_bad_input(
        &["sweep", "FILE"],
        Some(&bad_value),
        &["bad.toml:15", "compliance.base_attendance", "probability"],
    );
    let bad_link = format!(
        "{SMALL}\n[[sweep.vary]]\nkey = \"workforce.caseload_cap\"\nvalues = [40, 80]\n\
         with = \"workforce.case_managers\"\n"
    );
    assert_bad_input(
        &["sweep", "FILE"],
        Some(&bad_link),
        &[
            "bad.toml:12",
            "sweep.vary[0].with",
            "varied before this one",
        ],
    );
    // `run` and `check` refuse the same broken sweep table.
    assert_bad_input(&["run", "FILE"], Some(&bad_link), &["bad.toml:12"]);
}

fn compare_into(out: &Path, files: &[&str], extra: &[&str]) -> Output {
    let mut args = vec!["compare"];
    args.extend(files);
    args.extend(["--reps", "3", "--out", out.to_str().unwrap()]);
    args.extend(QUICK);
    args.extend(extra);
    casesim(&args, None)
}

#[test]
fn compare_pairs_arms_and_reports_every_metric() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.toml");
    std::fs::write(
        &other,
        "name = \"smaller_caseloads\"\n[simulation]\nseed = 7\n[workforce]\ncase_managers = 80\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = compare_into(
        &out,
        &["scenarios/baseline.toml", other.to_str().unwrap()],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let printed = String::from_utf8_lossy(&o.stdout);
    assert!(printed.contains("difference (95% CI)"), "{printed}");
    assert!(
        stderr(&o).contains("seed 7 replaced by 20261124"),
        "{}",
        stderr(&o)
    );

    let compare = read(&out, "compare.csv");
    assert_eq!(compare.lines().count(), 1 + Metrics::NAMES.len());
    assert!(compare.contains("\nsmaller_caseloads,baseline,mean_caseload,"));
    let stats = read(&out, "stats.csv");
    assert!(stats.starts_with("arm,metric,mean,"));
    assert!(
        stats.contains("\nbaseline,completion_rate,") && stats.contains("\nsmaller_caseloads,")
    );
    let run: serde_json::Value = serde_json::from_str(&read(&out, "run.json")).unwrap();
    assert_eq!(run["kind"], "compare");
    assert_eq!(run["common_random_numbers"], true);
    assert_eq!(run["arms"][1]["seed"], run["arms"][0]["seed"]);
    assert_eq!(run["arms"][1]["scenario"]["workforce"]["case_managers"], 80);

    // The same scenario twice: no difference at all on common random numbers ...
    let same = dir.path().join("same");
    let o = compare_into(
        &same,
        &["scenarios/baseline.toml", "scenarios/baseline.toml"],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = read(&same, "compare.csv");
    for row in rows.lines().skip(1) {
        let cells: Vec<&str> = row.split(',').collect();
        assert!(cells[5].is_empty() || cells[5] == "0", "{row}");
    }
    assert!(rows.starts_with("arm,") && rows.contains("\nbaseline#2,baseline,"));
    // ... and some with --independent, which records distinct seeds.
    let apart = dir.path().join("apart");
    let o = compare_into(
        &apart,
        &["scenarios/baseline.toml", "scenarios/baseline.toml"],
        &["--independent"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let run: serde_json::Value = serde_json::from_str(&read(&apart, "run.json")).unwrap();
    assert_eq!(run["common_random_numbers"], false);
    assert_ne!(run["arms"][1]["seed"], run["arms"][0]["seed"]);
}

#[test]
fn compare_needs_two_valid_scenarios() {
    assert_bad_input(&["compare", "scenarios/baseline.toml"], None, &[]);
    assert_bad_input(
        &["compare", "scenarios/baseline.toml", "FILE"],
        Some("[workforce]\ncaseload_cap = 0\n"),
        &["bad.toml:2", "workforce.caseload_cap"],
    );
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut args = vec![
        "run",
        "scenarios/baseline.toml",
        "--reps",
        "2",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(QUICK);
    let o = casesim(&args, None);
    assert!(o.status.success());
    assert_eq!(stderr(&o), "", "stderr is a pipe here, so nothing is drawn");
    assert!(String::from_utf8_lossy(&o.stdout).contains("orders completed"));
}
