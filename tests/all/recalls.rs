//! Recalls by reason and the enforcement measures: `recalls.csv` is written by every run,
//! sweep and merge with the header docs/outputs.md documents; in a unit with custody the
//! reasons add up as the Ministry of Justice counts them (each reason at most every recall,
//! together at least every recall, a fixed-term recall never on a further charge), agree with
//! the weekly series and with the summary measures; the file is byte-identical for any thread
//! count and across shards; a shard whose recall tallies do not add up is refused.

use std::collections::BTreeMap;
use std::path::Path;

use casesim::experiment::run_replications;
use casesim::metrics::{RecallGroup, RecallMetric, RecallTally};
use casesim::model::custody::RecallReason;
use casesim::scenario::{load_scenario, parse_override};

use crate::common::{QUICK, casesim, stderr};

const HEADER: &str = "reason,metric,mean,ci_low,ci_high,n";

/// The new columns of summary.csv (and rows of stats.csv).
const MEASURES: [&str; 11] = [
    "keep_in_touch_checks_per_week",
    "office_checks_per_week",
    "whereabouts_unknown_per_week",
    "office_actions_per_week",
    "licence_condition_failures_per_week",
    "breach_hearings_per_week",
    "court_revoked_at_breach",
    "court_curfew_at_breach",
    "court_fine_at_breach",
    "recalls_per_week",
    "recall_fixed_term_share",
];

/// `scenarios/continuity_of_care.toml` (a quarter of cases to custody) at the tests' QUICK
/// settings.
const CUSTODY: &str = "scenarios/continuity_of_care.toml";

fn run_into(out: &Path, scenario: &str, threads: Option<&str>) {
    let mut args = vec!["run", scenario, "--quiet", "--reps", "3"];
    args.extend(QUICK);
    args.extend(["--out", out.to_str().unwrap()]);
    let o = casesim(&args, threads);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A CSV file as its header and rows of cells.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|row| row.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// `recalls.csv` of a run: (reason, metric) → (mean, n).
fn recalls_csv(dir: &Path) -> BTreeMap<(String, String), (Option<f64>, u32)> {
    let (header, rows) = read_csv(&dir.join("recalls.csv"));
    assert_eq!(header.join(","), HEADER);
    rows.into_iter()
        .map(|r| {
            (
                (r[0].clone(), r[1].clone()),
                (r[2].parse().ok(), r[5].parse().unwrap()),
            )
        })
        .collect()
}

/// `stats.csv` of a run: metric → mean.
fn stats_csv(dir: &Path) -> BTreeMap<String, Option<f64>> {
    let (_, rows) = read_csv(&dir.join("stats.csv"));
    rows.into_iter()
        .map(|r| (r[0].clone(), r[1].parse().ok()))
        .collect()
}

fn mean(file: &BTreeMap<(String, String), (Option<f64>, u32)>, reason: &str, metric: &str) -> f64 {
    file[&(reason.to_string(), metric.to_string())]
        .0
        .unwrap_or_else(|| panic!("{reason},{metric} is undefined"))
}

#[test]
fn a_run_without_licences_writes_recalls_csv_with_the_documented_header_counts_zero_shares_empty() {
    let tmp = tempfile::tempdir().unwrap();
    run_into(tmp.path(), "scenarios/baseline.toml", None);
    let (header, rows) = read_csv(&tmp.path().join("recalls.csv"));
    assert_eq!(header.join(","), HEADER);
    // Every reason by the enum's own name, then the two types.
    let mut reasons: Vec<&str> = vec!["all"];
    reasons.extend(RecallReason::ALL.map(|r| r.name()));
    reasons.extend(["fixed_term", "standard"]);
    let expected: Vec<(String, String)> = RecallTally::rows()
        .map(|(g, m)| (g.name().to_string(), m.name().to_string()))
        .collect();
    let found: Vec<(String, String)> = rows.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    assert_eq!(found, expected);
    for reason in &reasons {
        assert!(found.iter().any(|(r, _)| r == reason), "{reason} missing");
    }
    for r in &rows {
        match r[1].as_str() {
            // Nobody is sent to custody in the baseline: no recall, counted as zero...
            "recalls" | "recalls_per_week" => assert_eq!(&r[2..], ["0", "0", "0", "3"], "{r:?}"),
            // ...and no share of none.
            "share" => assert_eq!(&r[2..], ["", "", "", "0"], "{r:?}"),
            other => panic!("unexpected metric {other}"),
        }
    }
    let stats = stats_csv(tmp.path());
    assert_eq!(stats["recalls_per_week"], Some(0.0));
    assert_eq!(stats["recall_fixed_term_share"], None);
    // Breach still comes to court on community orders, and the shares of its outcomes add up.
    let court: f64 = [
        "court_revoked_at_breach",
        "court_curfew_at_breach",
        "court_fine_at_breach",
    ]
    .iter()
    .map(|m| stats[*m].unwrap())
    .sum();
    assert!((court - 1.0).abs() < 1e-9, "court shares sum to {court}");
    // The report speaks of breach but shows no recall table without licences.
    let report = std::fs::read_to_string(tmp.path().join("report.html")).unwrap();
    assert!(report.contains("<section id=\"enforcement\">"));
    assert!(!report.contains("Recalls to custody, by reason"));
    // Every new column and the file are documented.
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/outputs.md"))
            .unwrap();
    assert!(docs.contains("## recalls.csv") && docs.contains(&format!("`{HEADER}`")));
    let (summary_header, _) = read_csv(&tmp.path().join("summary.csv"));
    for m in MEASURES {
        assert!(
            summary_header.iter().any(|h| h == m),
            "{m} not in summary.csv"
        );
        assert!(
            docs.contains(&format!("| `{m}` |")),
            "{m} not in docs/outputs.md"
        );
        for reason in &reasons {
            assert!(
                docs.contains(&format!("`{reason}`")),
                "{reason} not documented"
            );
        }
    }
}

#[test]
fn recall_reasons_add_up_agree_with_the_weekly_series_and_the_summary_measures() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(CUSTODY);
    let overrides: Vec<_> = QUICK
        .chunks(2)
        .map(|kv| parse_override(kv[1]).unwrap())
        .chain([parse_override("simulation.replications=4").unwrap()])
        .collect();
    let s = load_scenario(&path, &overrides).unwrap();
    let warmup = s.simulation.warmup_weeks as usize;
    let results = run_replications(&s);
    for r in &results.replications {
        let t = r.recalls;
        let by = |reason: RecallReason| t.by_reason[reason as usize];
        assert!(t.recalls > 0, "replication {}: no recall", r.replication);
        // The weekly series counts recalls where they are made (reoffending, enforcement).
        let weekly: u64 = r.weeks[warmup..]
            .iter()
            .map(|w| u64::from(w.steps.reoffending.recalls + w.steps.enforcement.recalls))
            .sum();
        assert_eq!(t.recalls, weekly, "replication {}", r.replication);
        assert_eq!(t.weeks as usize, r.weeks.len() - warmup);
        for reason in RecallReason::ALL {
            assert!(by(reason) <= t.recalls, "{}: {t:?}", reason.name());
        }
        // Every recall has a reason; several may apply.
        assert!(t.by_reason.iter().sum::<u64>() >= t.recalls, "{t:?}");
        assert!(by(RecallReason::FurtherCharge) > 0 && by(RecallReason::NonCompliance) > 0);
        // A fixed-term recall is never made on a further charge.
        assert!(
            t.fixed_term + by(RecallReason::FurtherCharge) <= t.recalls,
            "{t:?}"
        );
        assert!(t.fixed_term > 0, "{t:?}");
        // The summary measures are the same numbers.
        let m = &r.metrics;
        assert_eq!(m.recalls_per_week, Some(t.recalls as f64 / t.weeks as f64));
        assert_eq!(
            m.recall_fixed_term_share,
            Some(t.fixed_term as f64 / t.recalls as f64)
        );
        assert_eq!(
            t.value(RecallGroup::FixedTerm, RecallMetric::Share),
            m.recall_fixed_term_share
        );
        assert!(m.breach_hearings_per_week.unwrap() > 0.0);
        let court = m.court_revoked_at_breach.unwrap()
            + m.court_curfew_at_breach.unwrap()
            + m.court_fine_at_breach.unwrap();
        assert!((court - 1.0).abs() < 1e-9, "court shares sum to {court}");
        assert!(m.keep_in_touch_checks_per_week.unwrap() >= m.office_checks_per_week.unwrap());
        assert!(m.licence_condition_failures_per_week.unwrap() > 0.0);
    }
}

#[test]
fn recalls_csv_of_a_custody_run_matches_stats_csv_and_the_report_shows_the_reasons() {
    let tmp = tempfile::tempdir().unwrap();
    run_into(tmp.path(), CUSTODY, None);
    let f = recalls_csv(tmp.path());
    let stats = stats_csv(tmp.path());
    let all = mean(&f, "all", "recalls");
    assert!(all > 0.0);
    let mut sum = 0.0;
    for reason in RecallReason::ALL {
        let n = mean(&f, reason.name(), "recalls");
        assert!(n <= all, "{}: {n} of {all}", reason.name());
        sum += n;
    }
    assert!(sum >= all, "reasons {sum}, recalls {all}");
    let (fixed, standard) = (
        mean(&f, "fixed_term", "recalls"),
        mean(&f, "standard", "recalls"),
    );
    assert!(fixed <= all && fixed > 0.0);
    assert!((fixed + standard - all).abs() < 1e-9 * all);
    assert!(mean(&f, "fixed_term", "share") + mean(&f, "standard", "share") > 0.999);
    assert_eq!(
        Some(mean(&f, "all", "recalls_per_week")),
        stats["recalls_per_week"]
    );
    assert_eq!(
        Some(mean(&f, "fixed_term", "share")),
        stats["recall_fixed_term_share"]
    );
    // The weekly series, averaged over replications, counts the same recalls.
    let (header, rows) = read_csv(&tmp.path().join("timeseries.csv"));
    let column = header.iter().position(|h| h == "recalls").unwrap();
    let warmup = 52;
    let weekly: f64 = rows[warmup..]
        .iter()
        .map(|r| r[column].parse::<f64>().unwrap())
        .sum();
    assert!((weekly - all).abs() < 1e-6 * all, "{weekly} against {all}");
    let report = std::fs::read_to_string(tmp.path().join("report.html")).unwrap();
    assert!(report.contains("Recalls to custody, by reason"));
    assert!(report.contains("Failure to reside (share of recalls)"));
    assert!(report.contains("Fixed-term recall (share of recalls)"));
    assert!(report.contains("href=\"#enforcement\""));
}

#[test]
fn recalls_csv_is_byte_identical_for_one_and_four_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, four) = (tmp.path().join("one"), tmp.path().join("four"));
    run_into(&one, CUSTODY, Some("1"));
    run_into(&four, CUSTODY, Some("4"));
    for name in ["recalls.csv", "summary.csv", "stats.csv"] {
        assert!(
            std::fs::read(one.join(name)).unwrap() == std::fs::read(four.join(name)).unwrap(),
            "{name} differs between 1 and 4 threads"
        );
    }
    assert!(mean(&recalls_csv(&one), "all", "recalls") > 0.0);
}

fn sweep_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "sweep",
        "scenarios/baseline.toml",
        "--vary",
        "custody.recall_on_breach=0.5,1.0",
        "--reps",
        "3",
        "--quiet",
        "--out",
        out,
        "--set",
        "sentencing.custody_share.low=0.3",
        "--set",
        "sentencing.custody_share.medium=0.3",
        "--set",
        "sentencing.custody_share.high=0.3",
        "--set",
        "sentencing.custody_share.very_high=0.3",
    ];
    args.extend(QUICK);
    args.extend(extra);
    args
}

#[test]
fn a_sweep_writes_recalls_csv_with_its_grouping_columns_and_shards_merge_to_the_same_file() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    let o = casesim(&sweep_args(whole.to_str().unwrap(), &[]), None);
    assert!(o.status.success(), "{}", stderr(&o));
    let (header, rows) = read_csv(&whole.join("recalls.csv"));
    assert_eq!(
        header.join(","),
        format!("arm,custody.recall_on_breach,{HEADER}")
    );
    assert_eq!(rows.len(), 2 * RecallTally::rows().count());
    let recalls = |value: &str| -> f64 {
        rows.iter()
            .find(|r| r[1] == value && r[2] == "all" && r[3] == "recalls")
            .unwrap()[4]
            .parse()
            .unwrap()
    };
    // Recalling every breach of licence recalls more than recalling half of them.
    assert!(recalls("1.0") > recalls("0.5") && recalls("0.5") > 0.0);

    let sharded = tmp.path().join("sharded");
    for shard in ["0/2", "1/2"] {
        let o = casesim(
            &sweep_args(sharded.to_str().unwrap(), &["--shard", shard]),
            None,
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o = casesim(&["merge", sharded.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::read(whole.join("recalls.csv")).unwrap()
            == std::fs::read(sharded.join("recalls.csv")).unwrap(),
        "recalls.csv differs between the sweep and its merged shards"
    );

    // A shard whose recall tallies are not its weekly records' is refused, naming it.
    let damaged = tmp.path().join("damaged");
    for shard in ["0/2", "1/2"] {
        let o = casesim(
            &sweep_args(damaged.to_str().unwrap(), &["--shard", shard]),
            None,
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let shard = damaged.join("shards/shard-0000-of-0002.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&shard).unwrap()).unwrap();
    let n = v["results"][0][1]["recalls"]["recalls"].as_u64().unwrap();
    v["results"][0][1]["recalls"]["recalls"] = (n + 1).into();
    std::fs::write(&shard, serde_json::to_vec(&v).unwrap()).unwrap();
    let o = casesim(&["merge", damaged.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("recall tallies"), "{}", stderr(&o));
    assert!(!damaged.join("recalls.csv").exists());
}
