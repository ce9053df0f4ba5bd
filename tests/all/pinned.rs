//! Pinned results: one replication of two configurations gives exactly these totals.
//!
//! A change meant to leave the model alone (a faster schedule, a new layout of the case record,
//! another way to read the random numbers) must leave these untouched. A change to the model
//! changes them: update the numbers deliberately, in the same commit, and say why.

use std::path::Path;

use casesim::scenario::{load_scenario, parse_override};
use casesim::{ReplicationResult, simulate};

/// Totals over every week of the replication, and the offender-weeks simulated.
fn totals(r: &ReplicationResult) -> [u64; 8] {
    let sum = |f: fn(&casesim::metrics::WeekRecord) -> u64| r.weeks.iter().map(f).sum::<u64>();
    [
        r.offender_weeks,
        sum(|w| u64::from(w.cases.contacts_delivered)),
        sum(|w| u64::from(w.cases.contacts_attended)),
        sum(|w| u64::from(w.steps.reoffending.proven)),
        sum(|w| u64::from(w.steps.enforcement.breaches)),
        sum(|w| u64::from(w.steps.transitions.completions)),
        sum(|w| u64::from(w.steps.services.starts)),
        sum(|w| u64::from(w.steps.reoffending.recalls + w.steps.enforcement.recalls)),
    ]
}

fn run(name: &str, sets: &[&str]) -> [u64; 8] {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
    let overrides: Vec<_> = sets
        .iter()
        .map(|s| parse_override(s).expect("a valid override"))
        .collect();
    let scenario = load_scenario(&path, &overrides).expect("a valid scenario");
    totals(&simulate(&scenario, 0))
}

#[test]
fn baseline_totals_are_pinned() {
    assert_eq!(
        run("baseline", &[]),
        [913_263, 310_091, 290_358, 11_233, 3_506, 11_070, 5_841, 0]
    );
}

#[test]
fn custody_teams_and_streaming_totals_are_pinned() {
    let sets = [
        "custody.through_the_gate=true",
        "organisation.approach=hybrid",
        "organisation.streaming=task",
        "simulation.weeks=260",
    ];
    assert_eq!(
        run("icm_throughcare", &sets),
        [
            897_643, 235_842, 219_954, 10_616, 2_608, 7_511, 4_939, 1_592
        ]
    );
}
