//! Outcomes by primary need and by offence type (`by_need.csv`, `by_offence.csv`): the files
//! have the documented columns, their counts add up to the totals, and the table answers
//! "does specialising by need help that need?".

use casesim::metrics::groups::{NEED_GROUPS, need_group_name};
use casesim::metrics::{GROUP_MEASURES, GroupTally};
use casesim::scenario::{Need, Streaming};
use casesim::{ReplicationResult, simulate};

use crate::common::{QUICK, assert_higher, casesim, per_replication, replicate, small_scenario};

/// The totals a group's counts sum to, from the headline measures.
fn totals(r: &ReplicationResult) -> (f64, f64, f64) {
    let m = |name: &str| r.metrics.get(name).unwrap_or(0.0);
    let followed = m("cohort_followed_up");
    (
        m("orders_terminated") + m("licences_ended"),
        followed,
        (followed * m("reoffending_rate")).round(),
    )
}

fn sums(groups: &[GroupTally]) -> (f64, f64, f64) {
    let sum = |f: fn(&GroupTally) -> u64| groups.iter().map(f).sum::<u64>() as f64;
    (
        sum(|t| t.cases),
        sum(|t| t.followed_up),
        sum(|t| t.reoffenders),
    )
}

#[test]
fn the_cases_reoffenders_and_breaches_by_need_and_by_offence_sum_to_the_totals() {
    let mut s = small_scenario();
    let share = &mut s.sentencing.custody_share;
    (share.low, share.medium, share.high, share.very_high) = (0.1, 0.2, 0.3, 0.4);
    let r = simulate(&s, 0);
    let (cases, followed, reoffenders) = totals(&r);
    assert!(cases > 100.0 && followed > 100.0 && reoffenders > 10.0);
    for groups in [&r.by_group.by_need[..], &r.by_group.by_offence[..]] {
        assert_eq!(sums(groups), (cases, followed, reoffenders));
        let terminated: u64 = groups.iter().map(|t| t.terminated).sum();
        let breached: u64 = groups.iter().map(|t| t.breached).sum();
        assert_eq!(
            terminated as f64,
            r.metrics.get("orders_terminated").unwrap()
        );
        let rate = r.metrics.get("breach_rate").unwrap();
        assert!((breached as f64 - rate * terminated as f64).abs() < 1e-6);
    }
    // A case with no need at the start has no primary need (it may gain a need later).
    let none = &r.by_group.by_need[Need::COUNT];
    assert_eq!(none.with_primary_need, 0);
    for t in &r.by_group.by_need[..Need::COUNT] {
        assert_eq!(
            t.with_primary_need, t.cases,
            "every case of a need's group has it"
        );
    }
    assert!(
        r.by_group.by_need[..Need::COUNT]
            .iter()
            .any(|t| t.referrals > 0)
    );
}

#[test]
fn by_need_and_by_offence_csv_have_the_documented_columns_and_every_group() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let mut args = vec!["run", "scenarios/baseline.toml", "--quiet", "--reps", "2"];
    args.extend(QUICK);
    args.extend(["--out", out.to_str().unwrap()]);
    let o = casesim(&args, None);
    assert!(o.status.success(), "{}", crate::common::stderr(&o));
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/outputs.md"),
    )
    .unwrap();
    let groups: Vec<String> = (0..NEED_GROUPS)
        .map(|g| need_group_name(g).into())
        .collect();
    let offences: Vec<String> = casesim::scenario::OffenceType::ALL
        .iter()
        .map(|o| o.name().into())
        .collect();
    for (file, column, names) in [
        ("by_need.csv", "need", &groups),
        ("by_offence.csv", "offence", &offences),
    ] {
        assert!(docs.contains(&format!("## {file}")), "{file} is documented");
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            format!("{column},metric,mean,ci_low,ci_high,n")
        );
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        assert_eq!(rows.len(), names.len() * GROUP_MEASURES.len());
        for (row, (g, m)) in rows.iter().zip(
            names
                .iter()
                .flat_map(|g| GROUP_MEASURES.iter().map(move |m| (g, m))),
        ) {
            assert_eq!((row[0], row[1]), (g.as_str(), m.name));
            assert!(docs.contains(&format!("| `{}` |", m.name)), "{}", m.name);
        }
        // The means of the counts sum to the totals' means in stats.csv.
        let stats = std::fs::read_to_string(out.join("stats.csv")).unwrap();
        let mean = |metric: &str| -> f64 {
            stats
                .lines()
                .find(|l| l.starts_with(&format!("{metric},")))
                .and_then(|l| l.split(',').nth(1)?.parse().ok())
                .unwrap()
        };
        let cases: f64 = rows
            .iter()
            .filter(|r| r[1] == "cases")
            .map(|r| r[2].parse::<f64>().unwrap())
            .sum();
        let want = mean("orders_terminated") + mean("licences_ended");
        assert!(
            (cases - want).abs() < 1e-6,
            "{file}: {cases} against {want}"
        );
    }
}

#[test]
fn a_more_effective_need_specialist_meets_more_of_the_need_it_specialises_in() {
    let mut streamed = small_scenario();
    streamed.organisation.streaming = Streaming::Need;
    let mut plain = streamed.clone();
    streamed.organisation.specialist_effect = 2.0;
    plain.organisation.specialist_effect = 1.0;
    let (streamed, plain) = (replicate(&streamed), replicate(&plain));
    // The largest group of cases with a need.
    let largest = (0..Need::COUNT)
        .max_by_key(|&g| plain[0].by_group.by_need[g].cases)
        .unwrap();
    let lowered = |results: &[ReplicationResult]| {
        per_replication(results, |r| {
            let t = &r.by_group.by_need[largest];
            (t.with_primary_need > 0)
                .then(|| t.primary_need_lowered as f64 / t.with_primary_need as f64)
        })
    };
    assert_higher(
        &lowered(&streamed),
        &lowered(&plain),
        &format!(
            "primary need ({}) lowered, specialist effect 2 minus 1",
            need_group_name(largest)
        ),
    );
}

#[test]
fn the_case_record_stays_within_its_size_with_the_tallies_by_need() {
    let size = std::mem::size_of::<casesim::model::offender::Offender>();
    eprintln!("Offender: {size} bytes");
    assert!(size <= 240, "{size}");
}

#[test]
fn the_report_shows_outcomes_by_need_where_streaming_varies_and_not_otherwise() {
    let tmp = tempfile::tempdir().unwrap();
    let (sweep, run) = (tmp.path().join("sweep"), tmp.path().join("run"));
    let mut args = vec![
        "sweep",
        "scenarios/baseline.toml",
        "--vary",
        "organisation.streaming=generic,need",
        "--quiet",
        "--reps",
        "2",
    ];
    args.extend(QUICK);
    args.extend(["--out", sweep.to_str().unwrap()]);
    let o = casesim(&args, None);
    assert!(o.status.success(), "{}", crate::common::stderr(&o));
    let report = std::fs::read_to_string(sweep.join("report.html")).unwrap();
    assert!(report.contains("<h2>By need and offence type</h2>"));
    assert!(report.contains("Primary need met, by primary need"));
    assert!(report.contains("href=\"#by-need\""));
    let mut args = vec!["run", "scenarios/baseline.toml", "--quiet", "--reps", "2"];
    args.extend(QUICK);
    args.extend(["--out", run.to_str().unwrap()]);
    let o = casesim(&args, None);
    assert!(o.status.success(), "{}", crate::common::stderr(&o));
    let report = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert!(
        !report.contains("by-need"),
        "a generic run keeps the report as it was"
    );
}
