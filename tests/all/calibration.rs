//! `casesim calibrate`: parameter recovery (targets the model itself produced at known values
//! are calibrated back to them), determinism for any thread count, resuming after a kill, and
//! bad calibration files refused naming the key.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{casesim, stderr};

/// A small unit (about 500 orders) that runs in a few milliseconds a replication.
const SMALL_UNIT: &str = r#"
name = "calibration_small"
[simulation]
weeks = 200
warmup_weeks = 80
[population]
initial_cases = 500
inflow_per_week = 10.0
[workforce]
case_managers = 12
"#;

/// The values the targets are made at.
const TRUTH: [(&str, f64); 2] = [
    ("court.revocation.medium", 0.55),
    ("reoffending.proven_rate_by_tier.medium", 0.30),
];

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Reads a CSV into its header and rows of cells.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    (header, rows)
}

/// The mean and the replications' standard deviation of each measure, from `stats.csv`
/// (the CI's half-width is t × sd / √n).
fn observed(stats: &Path, names: &[&str]) -> Vec<(f64, f64)> {
    let (header, rows) = read_csv(stats);
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    names
        .iter()
        .map(|name| {
            let row = rows.iter().find(|r| r[col("metric")] == *name).unwrap();
            let num = |c: &str| row[col(c)].parse::<f64>().unwrap();
            let n = num("n");
            let half = (num("ci_high") - num("ci_low")) / 2.0;
            let t = casesim::experiment::stats::t_quantile_975(n as usize - 1);
            (num("mean"), half / t * n.sqrt())
        })
        .collect()
}

fn calibration_file(scenario: &Path, targets: &[(&str, f64, f64)], smc: &str) -> String {
    let mut text = format!(
        "name = \"recovery\"\nscenario = {:?}\nseed = 11\n\n[smc]\n{smc}\n\n",
        scenario.display().to_string()
    );
    text.push_str(
        "[[prior]]\nkey = \"court.revocation.medium\"\ndistribution = \"uniform\"\nlow = 0.1\n\
         high = 0.9\n\n[[prior]]\nkey = \"reoffending.proven_rate_by_tier.medium\"\n\
         distribution = \"uniform\"\nlow = 0.15\nhigh = 0.6\n\n",
    );
    for (measure, value, se) in targets {
        text.push_str(&format!(
            "[[target]]\nname = \"{measure}\"\nmeasure = \"{measure}\"\nobserved = {value}\n\
             standard_error = {se}\n\n"
        ));
    }
    text
}

/// Targets the model produced at [`TRUTH`] (20 replications), calibrated from wide priors:
/// each true value lies inside its 90% posterior interval, and the posterior is narrower than
/// the prior.
#[test]
fn calibration_recovers_the_parameters_that_made_its_targets() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "unit.toml", SMALL_UNIT);
    let truth_out = dir.path().join("truth");
    let mut args = vec![
        "run".to_string(),
        scenario.display().to_string(),
        "--reps".into(),
        "20".into(),
        "--quiet".into(),
        "--out".into(),
        truth_out.display().to_string(),
    ];
    for (k, v) in TRUTH {
        args.extend(["--set".into(), format!("{k}={v}")]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = casesim(&args, None);
    assert!(o.status.success(), "{}", stderr(&o));
    let obs = observed(
        &truth_out.join("stats.csv"),
        &["breach_rate", "reoffending_rate"],
    );
    let targets = [
        ("breach_rate", obs[0].0, obs[0].1),
        ("reoffending_rate", obs[1].0, obs[1].1),
    ];
    // And a held-out target: not fitted, measured on the posterior afterwards.
    let held_out = "[[target]]\nname = \"completion_check\"\nmeasure = \"completion_rate\"\n\
                    observed = 0.7\nstandard_error = 0.02\nhold_out = true\n";
    let file = write(
        dir.path(),
        "recovery.toml",
        &(calibration_file(
            &scenario,
            &targets,
            "particles = 80\nmax_generations = 6\nmin_tolerance_drop = 0.0",
        ) + held_out),
    );
    let out = dir.path().join("calibrated");
    let o = casesim(
        &[
            "calibrate",
            file.to_str().unwrap(),
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let (header, rows) = read_csv(&out.join("posterior.csv"));
    assert_eq!(&header[..3], ["particle", "weight", "distance"]);
    assert_eq!(rows.len(), 80);
    let weights: Vec<f64> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    assert!((weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    for (k, truth) in TRUTH {
        let c = header.iter().position(|h| h == k).unwrap();
        let mut values: Vec<(f64, f64)> = rows
            .iter()
            .zip(&weights)
            .map(|(r, w)| (r[c].parse().unwrap(), *w))
            .collect();
        values.sort_by(|a, b| a.0.total_cmp(&b.0));
        let quantile = |q: f64| {
            let mut total = 0.0;
            values
                .iter()
                .find(|(_, w)| {
                    total += w;
                    total >= q
                })
                .map_or(values.last().unwrap().0, |v| v.0)
        };
        let (lo, hi) = (quantile(0.05), quantile(0.95));
        assert!(
            lo <= truth && truth <= hi,
            "{k}: truth {truth} outside the 90% interval {lo:.3} to {hi:.3}"
        );
    }
    // The targets narrowed the priors: parameters.csv's shrinkage is above zero for both.
    let (header, rows) = read_csv(&out.join("parameters.csv"));
    let shrink = header.iter().position(|h| h == "shrinkage").unwrap();
    for r in &rows {
        let s: f64 = r[shrink].parse().unwrap();
        assert!(s > 0.2, "{}: shrinkage {s}", r[0]);
    }
    // Tolerance falls from generation to generation.
    let (header, rows) = read_csv(&out.join("generations.csv"));
    let t = header.iter().position(|h| h == "tolerance").unwrap();
    let tolerances: Vec<f64> = rows.iter().skip(1).map(|r| r[t].parse().unwrap()).collect();
    assert!(
        tolerances.windows(2).all(|w| w[1] <= w[0]),
        "{tolerances:?}"
    );
    for name in [
        "report.html",
        "marginals.png",
        "pairs.svg",
        "fit.png",
        "fit.csv",
    ] {
        assert!(out.join(name).exists(), "{name}");
    }
}

/// A small calibration's file (two generations of 20 particles).
fn quick_file(dir: &Path) -> PathBuf {
    let scenario = write(dir, "unit.toml", SMALL_UNIT);
    write(
        dir,
        "quick.toml",
        &calibration_file(
            &scenario,
            &[
                ("breach_rate", 0.15, 0.02),
                ("reoffending_rate", 0.35, 0.02),
            ],
            "particles = 20\nmax_generations = 3\nbatch = 10",
        ),
    )
}

const OUTPUTS: [&str; 4] = [
    "posterior.csv",
    "generations.csv",
    "parameters.csv",
    "fit.csv",
];

#[test]
fn the_same_posterior_for_any_number_of_threads_and_after_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    let file = quick_file(dir.path());
    let run = |out: &Path, threads: &str| {
        let o = casesim(
            &[
                "calibrate",
                file.to_str().unwrap(),
                "--quiet",
                "--out",
                out.to_str().unwrap(),
            ],
            Some(threads),
        );
        assert!(o.status.success(), "{}", stderr(&o));
    };
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    run(&one, "1");
    run(&two, "2");
    for name in OUTPUTS {
        assert_eq!(
            std::fs::read(one.join(name)).unwrap(),
            std::fs::read(two.join(name)).unwrap(),
            "{name}"
        );
    }
    // Killed once the first generation is kept, then started again: the same outputs.
    let killed = dir.path().join("killed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_casesim"))
        .args([
            "calibrate",
            file.to_str().unwrap(),
            "--quiet",
            "--out",
            killed.to_str().unwrap(),
        ])
        .spawn()
        .unwrap();
    let kept = killed
        .join(".checkpoint")
        .join("generation-001-batch-00000.json");
    let started = std::time::Instant::now();
    while !kept.exists() && started.elapsed().as_secs() < 120 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(kept.exists(), "no batch was kept");
    if !killed.join("posterior.csv").exists() {
        assert!(
            killed.join(".checkpoint/generation-000.json").exists(),
            "the first generation was not kept"
        );
    }
    run(&killed, "2");
    for name in OUTPUTS {
        assert_eq!(
            std::fs::read(one.join(name)).unwrap(),
            std::fs::read(killed.join(name)).unwrap(),
            "{name} after a resume"
        );
    }
    assert!(!killed.join(".checkpoint").exists());
}

/// A bad calibration file exits 2 naming the key (and writes nothing).
#[test]
fn bad_calibration_files_are_refused_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = quick_file(dir.path());
    let good = std::fs::read_to_string(&file).unwrap();
    let cases: [(&str, &str, &str); 12] = [
        (
            "key = \"court.revocation.medium\"",
            "key = \"court.revocation.middling\"",
            "prior[1].key",
        ),
        (
            "low = 0.1\nhigh = 0.9",
            "low = 0.1\nhigh = 1.5",
            "prior[1].distribution",
        ),
        (
            "distribution = \"uniform\"\nlow = 0.1",
            "distribution = \"triangular\"\nlow = 0.1",
            "prior[1].distribution",
        ),
        (
            "low = 0.1\nhigh = 0.9",
            "mean = 0.1\nhigh = 0.9",
            "prior[1]",
        ),
        (
            "measure = \"breach_rate\"",
            "measure = \"breech_rate\"",
            "target[1].measure",
        ),
        (
            "standard_error = 0.02\n\n[[target]]",
            "\n[[target]]",
            "target[1].standard_error",
        ),
        (
            "standard_error = 0.02\n\n[[target]]",
            "standard_error = -1\n\n[[target]]",
            "target[1].standard_error",
        ),
        (
            "observed = 0.15",
            "observed = 0.15\nversus = \"elsewhere\"\ncontrast = \"ratio\"",
            "target[1].versus",
        ),
        (
            "observed = 0.15",
            "observed = 0.15\ncontrast = \"ratio\"",
            "target[1].contrast",
        ),
        ("particles = 20", "particles = 2", "smc.particles"),
        ("seed = 11", "seed = 11\ncolour = \"blue\"", "colour"),
        ("seed = 11", "seed = 11\nscale = 2", "scale"),
    ];
    for (from, to, key) in cases {
        assert!(good.contains(from), "{from}");
        let bad = write(dir.path(), "bad.toml", &good.replacen(from, to, 1));
        let out = dir.path().join("bad-out");
        let o = casesim(
            &[
                "calibrate",
                bad.to_str().unwrap(),
                "--quiet",
                "--out",
                out.to_str().unwrap(),
            ],
            None,
        );
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{to}: {err}");
        assert!(
            err.contains(key),
            "{to}: the message does not name {key}: {err}"
        );
        assert!(
            err.contains("bad.toml"),
            "{to}: the message does not name the file: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        assert!(!out.exists(), "{to}: an output directory was made");
    }
    // A missing file, and a scenario that is not there.
    let o = casesim(&["calibrate", "no/such/calibration.toml", "--quiet"], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let moved = write(
        dir.path(),
        "moved.toml",
        &good.replacen("unit.toml", "elsewhere.toml", 1),
    );
    let o = casesim(&["calibrate", moved.to_str().unwrap(), "--quiet"], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("scenario"), "{}", stderr(&o));
    // --particles out of range names the argument.
    let o = casesim(
        &[
            "calibrate",
            file.to_str().unwrap(),
            "--particles",
            "3",
            "--quiet",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--particles"), "{}", stderr(&o));
}

/// The shipped calibration files (`scenarios/calibration_*.toml`) load, and their arms build
/// with the priors' means.
#[test]
fn the_shipped_calibration_files_are_valid() {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| crate::common::is_calibration_file(p))
            .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    for path in files {
        let file = path.display().to_string();
        let options = casesim::calibration::Options {
            out: None,
            progress: false,
            replace: false,
            particles: None,
            max_generations: None,
            command: String::new(),
        };
        let problem =
            casesim::calibration::load(&path, &options).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(problem.file.priors.len() >= 3, "{file}");
        assert!(!problem.file.targets.is_empty(), "{file}");
    }
}
