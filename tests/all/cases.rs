//! Case-level data (`--cases`): one row per case, gzip, the per-replication series, the same
//! for any thread count, nothing recorded without it, and the documented R and Python
//! examples run on it.

use std::io::Read as _;
use std::path::Path;
use std::process::Command;

use casesim::experiment::run_replications;

use crate::common::{QUICK, casesim, small_scenario, stderr};

fn run_with_cases(out: &Path, cases: &Path, threads: &str, extra: &[&str]) {
    let mut args = vec![
        "run",
        "scenarios/baseline.toml",
        "--quiet",
        "--reps",
        "2",
        "--out",
    ];
    args.push(out.to_str().unwrap());
    args.extend(["--cases", cases.to_str().unwrap()]);
    args.extend(QUICK);
    args.extend(extra);
    let o = casesim(&args, Some(threads));
    assert!(o.status.success(), "{}", stderr(&o));
}

fn gunzip(path: &Path) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn cases_csv_has_one_row_per_case_and_is_the_same_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    let (gz, plain) = (
        dir.path().join("cases.csv.gz"),
        dir.path().join("cases.csv"),
    );
    run_with_cases(&one, &gz, "1", &[]);
    run_with_cases(&two, &plain, "2", &[]);
    let text = gunzip(&gz);
    assert_eq!(
        text,
        std::fs::read_to_string(&plain).unwrap(),
        "gzip or not, threads 1 or 2"
    );
    for name in [
        "timeseries_by_replication.csv",
        "summary.csv",
        "timeseries.csv",
    ] {
        assert_eq!(
            std::fs::read(one.join(name)).unwrap(),
            std::fs::read(two.join(name)).unwrap(),
            "{name}"
        );
    }
    // One row per case: the initial caseload and every arrival, in each replication.
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "arm");
    assert_eq!(&header[1], "replication");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let series = std::fs::read_to_string(one.join("timeseries_by_replication.csv")).unwrap();
    let mut series = csv::Reader::from_reader(series.as_bytes());
    let sh = series.headers().unwrap().clone();
    let new_orders = sh.iter().position(|h| h == "new_orders").unwrap();
    let mut arrivals = [0u64; 2];
    let mut weeks = [0u32; 2];
    for r in series.records().map(|r| r.unwrap()) {
        let rep: usize = r[1].parse().unwrap();
        arrivals[rep] += r[new_orders].parse::<f64>().unwrap() as u64;
        weeks[rep] += 1;
    }
    assert_eq!(weeks, [120, 120]);
    for rep in 0..2 {
        let of_rep: Vec<&csv::StringRecord> =
            rows.iter().filter(|r| r[1] == *rep.to_string()).collect();
        assert_eq!(
            of_rep.len() as u64,
            600 + arrivals[rep],
            "replication {rep}"
        );
        let initial = of_rep
            .iter()
            .filter(|r| &r[col("initial_caseload")] == "TRUE")
            .count();
        assert_eq!(initial, 600);
        // Case numbers run from 0 in arrival order.
        for (i, r) in of_rep.iter().enumerate() {
            assert_eq!(r[col("case")], i.to_string());
        }
    }
    // Every row has every column, and the columns hold what they say.
    for r in &rows {
        assert_eq!(r.len(), header.len());
        assert!(
            ["completed", "breached", "revoked_on_reconviction", "open"]
                .contains(&&r[col("outcome")])
        );
        let kept: u32 = r[col("contacts_kept")].parse().unwrap();
        let delivered: u32 = r[col("contacts_delivered")].parse().unwrap();
        assert!(kept <= delivered);
        let handoffs: u32 = r[col("handoffs")].parse().unwrap();
        let by_cause: u32 = [
            "handoffs_stage_change",
            "handoffs_staff_left",
            "handoffs_type_change",
        ]
        .iter()
        .map(|c| r[col(c)].parse::<u32>().unwrap())
        .sum();
        assert_eq!(handoffs, by_cause);
        let censored = &r[col("reoffence_censored")];
        let first = &r[col("weeks_to_first_proven_reoffence")];
        match censored {
            "TRUE" => assert!(first.is_empty()),
            "FALSE" => {
                let t: i32 = first.parse().unwrap();
                let observed: i32 = r[col("follow_up_weeks_observed")].parse().unwrap();
                assert!((1..=observed).contains(&t));
            }
            "" => assert!(r[col("follow_up_start_week")].is_empty()),
            other => panic!("reoffence_censored {other}"),
        }
    }
}

#[test]
fn without_cases_nothing_is_recorded_and_the_outputs_are_unchanged() {
    let mut s = small_scenario();
    s.simulation.replications = 2;
    s.simulation.weeks = 80;
    s.simulation.warmup_weeks = 20;
    let off = run_replications(&s);
    assert!(off.replications.iter().all(|r| r.cases.is_none()));
    s.record_cases = true;
    let on = run_replications(&s);
    for (a, b) in off.replications.iter().zip(&on.replications) {
        assert_eq!(a.metrics, b.metrics);
        assert_eq!(a.weeks, b.weeks);
        let cases = b.cases.as_ref().unwrap();
        let arrived: u64 = b.weeks.iter().map(|w| u64::from(w.steps.new_orders)).sum();
        assert_eq!(cases.len() as u64, 1_000 + arrived);
    }
    // The contract's files are byte-identical with and without --cases.
    let dir = tempfile::tempdir().unwrap();
    let (with, without) = (dir.path().join("with"), dir.path().join("without"));
    run_with_cases(&with, &dir.path().join("c.csv.gz"), "2", &[]);
    let mut args = vec![
        "run",
        "scenarios/baseline.toml",
        "--quiet",
        "--reps",
        "2",
        "--out",
    ];
    args.push(without.to_str().unwrap());
    args.extend(QUICK);
    let o = casesim(&args, Some("2"));
    assert!(o.status.success(), "{}", stderr(&o));
    for name in crate::common::SWEEP_CSVS
        .iter()
        .filter(|n| **n != "compare.csv")
    {
        assert_eq!(
            std::fs::read(with.join(name)).unwrap(),
            std::fs::read(without.join(name)).unwrap(),
            "{name}"
        );
    }
    assert!(!without.join("timeseries_by_replication.csv").exists());
}

#[test]
fn a_sweep_writes_every_arms_cases_and_bad_paths_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("sweep.csv");
    let out = dir.path().join("sweep");
    let mut args = vec![
        "sweep",
        "scenarios/baseline.toml",
        "--quiet",
        "--reps",
        "1",
        "--vary",
        "workforce.caseload_cap=30,60",
        "--out",
    ];
    args.push(out.to_str().unwrap());
    args.extend(["--cases", cases.to_str().unwrap()]);
    args.extend(QUICK);
    let o = casesim(&args, None);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&cases).unwrap();
    let arms: std::collections::BTreeSet<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(arms.len(), 2, "{arms:?}");
    // A folder that does not exist, or a directory: refused before anything runs.
    for bad in [
        dir.path().join("no/such/cases.csv"),
        dir.path().to_path_buf(),
    ] {
        let fresh = dir.path().join("fresh");
        let mut args = vec!["run", "scenarios/baseline.toml", "--quiet", "--out"];
        args.push(fresh.to_str().unwrap());
        args.extend(["--cases", bad.to_str().unwrap()]);
        args.extend(QUICK);
        let o = casesim(&args, None);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("--cases"), "{}", stderr(&o));
        assert!(!fresh.exists());
    }
}

/// Whether a program runs here (`--version` succeeds).
fn have(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn cases_examples_in_the_docs_run_where_python_or_r_is_installed() {
    let doc = std::fs::read_to_string("docs/cases.md").unwrap();
    for script in ["docs/examples/cases.py", "docs/examples/cases.R"] {
        let text = std::fs::read_to_string(script).unwrap();
        assert!(
            doc.contains(&text),
            "docs/cases.md does not show {script} as it is"
        );
    }
    let python = have("python3", &["-c", "import pandas, numpy"]);
    let r = have("Rscript", &["--version"]);
    if !python && !r {
        eprintln!("skipped: neither python3 with pandas nor Rscript is installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases.csv.gz");
    run_with_cases(&dir.path().join("out"), &cases, "2", &[]);
    let mut coefficients = Vec::new();
    for (present, program, script, plot) in [
        (python, "python3", "docs/examples/cases.py", "p.png"),
        (r, "Rscript", "docs/examples/cases.R", "p.pdf"),
    ] {
        if !present {
            eprintln!("skipped {script}: {program} is not installed");
            continue;
        }
        let o = Command::new(program)
            .args([
                script,
                cases.to_str().unwrap(),
                dir.path().join(plot).to_str().unwrap(),
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(o.status.success(), "{script}: {out}{}", stderr(&o));
        assert!(out.contains("followed up for a year"), "{script}: {out}");
        // The handoffs coefficient, for comparing the two.
        let line = out
            .lines()
            .find(|l| l.trim_start().starts_with("handoffs"))
            .unwrap();
        let value: f64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        coefficients.push(value);
    }
    if let [a, b] = coefficients[..] {
        assert!((a - b).abs() < 0.002, "python {a}, R {b}");
    }
}
