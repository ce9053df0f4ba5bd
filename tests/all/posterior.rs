//! `--posterior FILE`: each replication draws its parameters from a posterior, the same
//! particle in replication r of every arm. One particle is `--set` of its values; particles
//! far apart widen the spread of the replications, and the interval columns say so; outputs
//! do not depend on threads or shards; bad files are refused naming file, line and column,
//! before anything is written; without `--posterior` nothing changes.

use std::path::{Path, PathBuf};

use casesim::commands::{Options, plan_compare};

use crate::common::{QUICK, SWEEP_CSVS, casesim, stderr};

fn baseline() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml")
}

fn scenario(name: &str) -> String {
    baseline()
        .with_file_name(name)
        .to_string_lossy()
        .into_owned()
}

/// `casesim <command> <files> QUICK --reps N --quiet --out OUT [extra]`.
fn run(
    command: &str,
    files: &[&str],
    reps: &str,
    out: &Path,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec![command];
    args.extend(files);
    args.extend(QUICK);
    args.extend(["--reps", reps, "--quiet", "--out", out.to_str().unwrap()]);
    args.extend(extra);
    casesim(&args, None)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A column of a CSV file by name, one text per row.
fn column(csv: &str, name: &str) -> Vec<String> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header
        .iter()
        .position(|h| *h == name)
        .unwrap_or_else(|| panic!("no {name}"));
    lines
        .map(|l| l.split(',').nth(i).unwrap().to_string())
        .collect()
}

fn numbers(csv: &str, name: &str) -> Vec<f64> {
    column(csv, name)
        .iter()
        .map(|v| v.parse().unwrap())
        .collect()
}

fn sd(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

#[test]
fn a_posterior_of_one_particle_runs_as_set_of_its_values() {
    let tmp = tempfile::tempdir().unwrap();
    let posterior = write(
        tmp.path(),
        "one.csv",
        "particle,weight,distance,reoffending.need_effect,workforce.caseload_cap\n\
         0,3,0.01,0.5,45.2\n",
    );
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let base = baseline();
    let base = base.to_str().unwrap();
    let o = run("run", &[base], "3", &a, &["--posterior", &posterior]);
    assert!(o.status.success(), "{}", stderr(&o));
    let set = [
        "--set",
        "reoffending.need_effect=0.5",
        "--set",
        "workforce.caseload_cap=45",
    ];
    let o = run("run", &[base], "3", &b, &set);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&a, "summary.csv"), read(&b, "summary.csv"));
    // stats.csv is the --set run's, with the two interval columns after it.
    let with: Vec<String> = read(&a, "stats.csv")
        .lines()
        .map(|l| l.rsplitn(3, ',').nth(2).unwrap().to_string())
        .collect();
    let without = read(&b, "stats.csv");
    let without: Vec<&str> = without.lines().collect();
    assert_eq!(with, without);
    let record: serde_json::Value = serde_json::from_str(&read(&a, "run.json")).unwrap();
    assert_eq!(record["posterior"]["particles"], 1);
    assert_eq!(
        record["posterior"]["keys"],
        serde_json::json!(["reoffending.need_effect", "workforce.caseload_cap"])
    );
    assert!(
        record["experiment"]
            .as_str()
            .unwrap()
            .contains("--posterior")
    );
}

#[test]
fn particles_far_apart_widen_the_spread_and_the_interval_brackets_the_mean() {
    let tmp = tempfile::tempdir().unwrap();
    let posterior = write(
        tmp.path(),
        "two.csv",
        "particle,weight,distance,workforce.case_managers\n0,1,0.1,12\n1,1,0.2,60\n",
    );
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let base = baseline();
    let base = base.to_str().unwrap();
    let o = run("run", &[base], "8", &a, &["--posterior", &posterior]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run("run", &[base], "8", &b, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let with = numbers(&read(&a, "summary.csv"), "mean_caseload");
    let without = numbers(&read(&b, "summary.csv"), "mean_caseload");
    assert!(
        sd(&with) > 3.0 * sd(&without),
        "sd {} with the posterior, {} without",
        sd(&with),
        sd(&without)
    );
    // Both particles are drawn.
    let record: serde_json::Value = serde_json::from_str(&read(&a, "run.json")).unwrap();
    let drawn = record["posterior"]["particle_by_replication"]
        .as_array()
        .unwrap();
    assert!(
        drawn.contains(&0.into()) && drawn.contains(&1.into()),
        "{drawn:?}"
    );
    let stats = read(&a, "stats.csv");
    assert!(
        stats
            .lines()
            .next()
            .unwrap()
            .ends_with("metric,mean,ci_low,ci_high,n,interval_low,interval_high")
    );
    for line in stats.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (mean, lo, hi) = (cells[1], cells[5], cells[6]);
        if mean.is_empty() {
            continue;
        }
        let (mean, lo, hi): (f64, f64, f64) = (
            mean.parse().unwrap(),
            lo.parse().unwrap(),
            hi.parse().unwrap(),
        );
        assert!(lo <= mean + 1e-12 && mean <= hi + 1e-12, "{line}");
    }
    // The caseload's interval is wider than its CI of the mean, and the printed table and the
    // report say where the uncertainty comes from.
    let caseload = stats
        .lines()
        .find(|l| l.starts_with("mean_caseload,"))
        .unwrap();
    let c: Vec<f64> = caseload
        .split(',')
        .skip(1)
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(c[5] - c[4] > c[2] - c[1], "{caseload}");
    let report = read(&a, "report.html");
    assert!(report.contains("Parameter uncertainty") && report.contains("two.csv"));
    let printed = casesim(
        &[
            "run",
            base,
            QUICK[0],
            QUICK[1],
            QUICK[2],
            QUICK[3],
            QUICK[4],
            QUICK[5],
            "--reps",
            "2",
            "--out",
            tmp.path().join("c").to_str().unwrap(),
            "--posterior",
            &posterior,
        ],
        None,
    );
    let text = String::from_utf8_lossy(&printed.stdout);
    assert!(
        text.contains("95% interval with parameter uncertainty"),
        "{text}"
    );
    assert!(text.contains("two.csv"), "{text}");
}

#[test]
fn replication_r_runs_the_same_particle_in_every_arm_of_a_comparison() {
    let tmp = tempfile::tempdir().unwrap();
    let posterior = write(
        tmp.path(),
        "p.csv",
        "particle,weight,distance,reoffending.need_effect\n0,1,0,0.1\n1,1,0,0.9\n2,2,0,1.5\n",
    );
    let options = Options {
        replications: Some(12),
        posterior: Some(posterior.clone().into()),
        ..Options::default()
    };
    let files = [baseline(), scenario("individual_vs_team.toml").into()];
    let plan = plan_compare(&files, false, &options).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for r in 0..12 {
        let a = plan.scenario_for(0, r).reoffending.need_effect;
        let b = plan.scenario_for(1, r).reoffending.need_effect;
        assert_eq!(a, b, "replication {r}");
        seen.insert(a.to_bits());
        // The arms still differ in what they compare.
        assert_ne!(
            plan.scenario_for(0, r).organisation,
            plan.scenario_for(1, r).organisation
        );
    }
    assert!(seen.len() >= 2, "one particle drawn in 12 replications");
    // --independent keeps the particles paired.
    let independent = plan_compare(&files, true, &options).unwrap();
    for r in 0..12 {
        assert_eq!(
            independent.scenario_for(1, r).reoffending.need_effect,
            plan.scenario_for(1, r).reoffending.need_effect
        );
    }
    // Visible in the outputs: compare.csv gains the interval of the paired differences.
    let out = tmp.path().join("compare");
    let file_b = scenario("individual_vs_team.toml");
    let o = run(
        "compare",
        &[baseline().to_str().unwrap(), &file_b],
        "3",
        &out,
        &["--posterior", &posterior],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        read(&out, "compare.csv")
            .lines()
            .next()
            .unwrap()
            .ends_with(",n,interval_low,interval_high")
    );
    // A posterior key the arms differ on is refused.
    let differing = write(
        tmp.path(),
        "approach.csv",
        "particle,weight,distance,workforce.case_managers\n0,1,0,50\n",
    );
    let refused = tmp.path().join("refused");
    let o = run(
        "compare",
        &[baseline().to_str().unwrap(), &file_b],
        "2",
        &refused,
        &["--posterior", &differing],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("approach.csv") && e.contains("workforce.case_managers"),
        "{e}"
    );
    assert!(!refused.exists());
}

#[test]
fn posterior_outputs_do_not_depend_on_threads_or_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let posterior = write(
        tmp.path(),
        "p.csv",
        "particle,weight,distance,reoffending.need_effect\n0,1,0,0.1\n1,1,0,1.5\n",
    );
    let base = baseline();
    let sweep = |out: &Path, threads: &str, extra: &[&str]| {
        let mut args = vec!["sweep", base.to_str().unwrap()];
        args.extend(QUICK);
        args.extend([
            "--vary",
            "workforce.caseload_cap=40,60",
            "--reps",
            "3",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
            "--posterior",
            &posterior,
        ]);
        args.extend(extra);
        let o = casesim(&args, Some(threads));
        assert!(o.status.success(), "{}", stderr(&o));
    };
    let (one, two, sharded) = (
        tmp.path().join("one"),
        tmp.path().join("two"),
        tmp.path().join("sharded"),
    );
    sweep(&one, "1", &[]);
    sweep(&two, "2", &[]);
    sweep(&sharded, "1", &["--shard", "0/2"]);
    sweep(&sharded, "2", &["--shard", "1/2"]);
    let o = casesim(&["merge", sharded.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
    for file in SWEEP_CSVS {
        assert_eq!(read(&one, file), read(&two, file), "{file}: threads");
        assert_eq!(read(&one, file), read(&sharded, file), "{file}: shards");
    }
    assert!(
        read(&one, "stats.csv")
            .lines()
            .next()
            .unwrap()
            .ends_with("interval_high")
    );
    // A shard of another posterior is another experiment: the merge refuses it.
    let other = write(
        tmp.path(),
        "p.csv",
        "particle,weight,distance,reoffending.need_effect\n0,1,0,0.2\n1,1,0,1.5\n",
    );
    assert!(other.ends_with("p.csv"));
    sweep(&sharded, "1", &["--shard", "0/2"]);
    let o = casesim(&["merge", sharded.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2), "merged shards of two posteriors");
}

#[test]
fn bad_posterior_files_are_refused_naming_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let head = "particle,weight,distance";
    let cases: [(&str, String, &[&str]); 11] = [
        (
            "missing fixed column",
            "particle,distance,reoffending.need_effect\n0,0,0.3\n".into(),
            &[":1", "weight"],
        ),
        (
            "unknown key",
            format!("{head},reoffending.need_efect\n0,1,0,0.3\n"),
            &[":1", "reoffending.need_efect", "not a key"],
        ),
        (
            "not a number key",
            format!("{head},organisation.approach\n0,1,0,1\n"),
            &[":1", "organisation.approach", "not a numeric"],
        ),
        (
            "a setting of the run",
            format!("{head},simulation.weeks\n0,1,0,100\n"),
            &[":1", "simulation.weeks"],
        ),
        (
            "duplicated column",
            format!("{head},reoffending.need_effect,reoffending.need_effect\n0,1,0,0.3,0.4\n"),
            &[":1", "reoffending.need_effect", "twice"],
        ),
        (
            "out of range",
            format!("{head},workforce.caseload_cap\n0,1,0,40\n1,1,0,0\n"),
            &[":3", "workforce.caseload_cap", "range"],
        ),
        (
            "invalid scenario",
            format!("{head},population.risk_mix.low\n0,1,0,0.9\n"),
            &[":2", "population.risk_mix", "sum to 1"],
        ),
        (
            "NaN weight",
            format!("{head},reoffending.need_effect\n0,NaN,0,0.3\n"),
            &[":2", "weight", "not a finite number"],
        ),
        (
            "negative weight",
            format!("{head},reoffending.need_effect\n0,1,0,0.3\n1,-1,0,0.3\n"),
            &[":3", "weight", "at least 0"],
        ),
        (
            "all weights zero",
            format!("{head},reoffending.need_effect\n0,0,0,0.3\n1,0,0,0.4\n"),
            &["weight", "every weight is 0"],
        ),
        (
            "no rows",
            format!("{head},reoffending.need_effect\n"),
            &["no particles"],
        ),
    ];
    let base = baseline();
    for (what, text, expected) in cases {
        let name = format!("{}.csv", what.replace(' ', "_"));
        let path = write(tmp.path(), &name, &text);
        let out = tmp.path().join(format!("out-{name}"));
        let o = run(
            "run",
            &[base.to_str().unwrap()],
            "2",
            &out,
            &["--posterior", &path],
        );
        assert_eq!(o.status.code(), Some(2), "{what}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains(&name), "{what}: does not name the file: {e}");
        for needle in expected {
            assert!(e.contains(needle), "{what}: no `{needle}` in: {e}");
        }
        assert!(!e.contains("panicked"), "{what}: {e}");
        assert!(!out.exists(), "{what}: wrote {}", out.display());
    }
    // A key that --set or --vary also gives is refused, naming the key and the file.
    let path = write(
        tmp.path(),
        "cap.csv",
        &format!("{head},workforce.caseload_cap\n0,1,0,40\n"),
    );
    let out = tmp.path().join("set");
    let o = run(
        "run",
        &[base.to_str().unwrap()],
        "2",
        &out,
        &["--posterior", &path, "--set", "workforce.caseload_cap=50"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cap.csv") && stderr(&o).contains("workforce.caseload_cap"));
    let o = run(
        "sweep",
        &[base.to_str().unwrap()],
        "2",
        &out,
        &[
            "--posterior",
            &path,
            "--vary",
            "workforce.caseload_cap=40,50",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("varied by the sweep"), "{}", stderr(&o));
    assert!(!out.exists());
    // A file that is not there.
    let o = run(
        "run",
        &[base.to_str().unwrap()],
        "2",
        &out,
        &["--posterior", "no-such-posterior.csv"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-posterior.csv"));
}

#[test]
fn without_a_posterior_the_outputs_keep_their_columns_and_a_posterior_of_the_defaults_changes_no_replication()
 {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let base = baseline();
    let base = base.to_str().unwrap();
    let o = run("run", &[base], "2", &a, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(read(&a, "stats.csv").starts_with("metric,mean,ci_low,ci_high,n\n"));
    let record: serde_json::Value = serde_json::from_str(&read(&a, "run.json")).unwrap();
    assert!(record.get("posterior").is_none());
    assert!(
        !record["experiment"]
            .as_str()
            .unwrap()
            .contains("--posterior")
    );
    assert!(!read(&a, "report.html").contains("Parameter uncertainty"));
    // The scenario's own value of a key, as a posterior: every replication as without.
    let own = casesim::commands::resolve_scenario(Path::new(base), &[])
        .unwrap()
        .reoffending
        .need_effect;
    let posterior = write(
        tmp.path(),
        "own.csv",
        &format!("particle,weight,distance,reoffending.need_effect\n0,1,0,{own}\n"),
    );
    let o = run("run", &[base], "2", &b, &["--posterior", &posterior]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&a, "summary.csv"), read(&b, "summary.csv"));
    assert_eq!(read(&a, "timeseries.csv"), read(&b, "timeseries.csv"));
}
