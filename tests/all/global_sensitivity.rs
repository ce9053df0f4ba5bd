//! `casesim sensitivity --method sobol|morris`: global sensitivity on a small population. The
//! estimators themselves are tested on functions with known indices in src/analysis/sobol.rs
//! (Ishigami) and morris.rs (a linear function).

use std::path::Path;
use std::process::Output;

use crate::common::{QUICK, casesim, stderr};

/// A small unit: 600 cases, 12 case managers, 12 new cases a week.
const SMALL: [&str; 6] = [
    "--set",
    "population.inflow_per_week=12",
    "--set",
    "workforce.case_managers=12",
    "--set",
    "simulation.replications=2",
];

fn sensitivity(method: &str, out: &Path, extra: &[&str], threads: &str) -> Output {
    let mut args = vec![
        "sensitivity",
        "scenarios/baseline.toml",
        "--method",
        method,
        // Case managers matter; the price of a senior's hour moves no case outcome.
        "--key",
        "workforce.case_managers",
        "--key",
        "costs.staff_hour",
        "--key",
        "compliance.base_attendance=0.7..0.95",
        "--reps",
        "2",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(QUICK);
    args.extend(SMALL);
    args.extend(extra);
    casesim(&args, Some(threads))
}

/// The CSV's rows for a measure: key → the numbers.
fn rows(csv: &str, measure: &str) -> Vec<(String, Vec<f64>)> {
    csv.lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (cells[1] == measure).then(|| {
                let numbers = cells[2..]
                    .iter()
                    .map(|c| c.parse::<f64>().unwrap_or_else(|_| panic!("{line}")))
                    .collect();
                (cells[0].to_string(), numbers)
            })
        })
        .collect()
}

fn check(method: &str, header: &str, extra: &[&str]) {
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let o = sensitivity(method, one.path(), extra, "1");
    assert!(o.status.success(), "{}", stderr(&o));
    let csv_name = format!("{method}.csv");
    let csv = std::fs::read_to_string(one.path().join(&csv_name)).unwrap();
    assert!(csv.starts_with(header), "{csv}");
    // Three keys, five measures, every number finite.
    assert_eq!(csv.lines().count(), 1 + 3 * 5, "{csv}");
    for measure in ["completion_rate", "breach_rate", "reoffending_rate"] {
        let rows = rows(&csv, measure);
        assert!(rows.iter().all(|(_, v)| v.iter().all(|x| x.is_finite())));
        let size = |key: &str| {
            rows.iter().find(|(k, _)| k == key).unwrap().1[
            // Sobol's total index, Morris's mu*.
            if method == "sobol" { 3 } else { 0 }
        ]
        };
        assert!(
            size("workforce.case_managers") > size("costs.staff_hour"),
            "{measure}: {csv}"
        );
        assert_eq!(size("costs.staff_hour"), 0.0, "{measure}: {csv}");
        assert!(size("compliance.base_attendance") > size("workforce.case_managers"));
    }
    for m in ["breach_rate", "cost"] {
        for ext in ["png", "svg"] {
            let f = one.path().join(format!("{method}_{m}.{ext}"));
            assert!(
                std::fs::metadata(&f).unwrap().len() > 1000,
                "{}",
                f.display()
            );
        }
    }
    let report = std::fs::read_to_string(one.path().join("report.html")).unwrap();
    assert!(report.contains("<svg") && report.contains("workforce.case_managers"));
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("breach_rate:"), "{table}");
    // The ranking starts with the key that matters most.
    let first = table
        .lines()
        .skip_while(|l| !l.starts_with("breach_rate:"))
        .nth(1)
        .unwrap();
    assert!(first.contains("compliance.base_attendance"), "{table}");

    // The same files, whatever the number of threads.
    let o = sensitivity(method, two.path(), extra, "2");
    assert!(o.status.success(), "{}", stderr(&o));
    for name in [
        csv_name,
        format!("{method}_breach_rate.svg"),
        "report.html".into(),
    ] {
        assert_eq!(
            std::fs::read(one.path().join(&name)).unwrap(),
            std::fs::read(two.path().join(&name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn sobol_indices_rank_a_key_that_matters_above_one_that_does_not_whatever_the_threads() {
    check(
        "sobol",
        "key,measure,first_order,first_low,first_high,total,total_low,total_high\n",
        &["--samples", "16"],
    );
}

#[test]
fn morris_effects_rank_a_key_that_matters_above_one_that_does_not_whatever_the_threads() {
    check(
        "morris",
        "key,measure,mu_star,mu_star_low,mu_star_high,sigma,mu\n",
        &["--trajectories", "8"],
    );
}

#[test]
fn bad_arguments_of_a_global_sensitivity_exit_2_naming_the_argument() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let refused = |args: &[&str], names: &str| {
        let mut all = vec![
            "sensitivity",
            "scenarios/baseline.toml",
            "--quiet",
            "--out",
            out,
        ];
        all.extend(args);
        let o = casesim(&all, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(names), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    };
    refused(&["--method", "anova"], "--method");
    refused(
        &[
            "--method",
            "sobol",
            "--key",
            "compliance.base_attendance=0.9..0.5",
        ],
        "--key compliance.base_attendance=0.9..0.5",
    );
    refused(
        &[
            "--method",
            "morris",
            "--key",
            "compliance.base_attendance=0.5..1.5",
        ],
        "outside the range",
    );
    refused(
        &[
            "--method",
            "sobol",
            "--key",
            "compliance.base_attendance=low..high",
        ],
        "--key compliance.base_attendance=low..high",
    );
    refused(&["--method", "sobol", "--samples", "0"], "--samples");
    refused(&["--method", "morris", "--levels", "3"], "--levels 3");
    refused(
        &["--method", "sobol", "--key", "organisation.streaming"],
        "--key organisation.streaming",
    );
    refused(
        &["--key", "compliance.base_attendance=0.5..0.9"],
        "--key compliance.base_attendance=0.5..0.9",
    );
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing written"
    );
}
