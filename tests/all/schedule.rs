//! The weekly step runs steps of one case together, case by case, in a few passes; running
//! every step as its own pass over all the cases must give the same weeks.

use casesim::World;
use casesim::metrics::Recorder;
use casesim::scenario::{Approach, Scenario, Streaming};

use crate::common::small_scenario;

/// Every week's record, run with the merged passes and with one pass per step.
fn both_ways(s: &Scenario) -> (Recorder, Recorder) {
    let mut merged = (World::new(s, 1), Recorder::new(s));
    let mut separate = (World::new(s, 1), Recorder::new(s));
    for _ in 0..s.simulation.weeks {
        merged.0.step(&mut merged.1);
        separate.0.step_one_pass_per_step(&mut separate.1);
    }
    (merged.1, separate.1)
}

fn assert_same_weeks(what: &str, s: &Scenario) {
    let (merged, separate) = both_ways(s);
    assert_eq!(merged.weeks.len(), s.simulation.weeks as usize);
    for (a, b) in merged.weeks.iter().zip(&separate.weeks) {
        assert_eq!(a, b, "{what}: week {} differs", a.week);
    }
    assert_eq!(merged.metrics(), separate.metrics(), "{what}");
    // The scenario did something worth comparing.
    let delivered: u32 = merged
        .weeks
        .iter()
        .map(|w| w.cases.contacts_delivered)
        .sum();
    assert!(delivered > 1000, "{what}: {delivered} contacts");
}

fn short() -> Scenario {
    let mut s = small_scenario();
    s.simulation.weeks = 150;
    s.simulation.warmup_weeks = 50;
    s
}

#[test]
fn the_baseline_week_is_the_same_run_either_way() {
    assert_same_weeks("baseline", &short());
}

#[test]
fn a_team_week_is_the_same_run_either_way() {
    let mut s = short();
    s.organisation.approach = Approach::Team;
    assert_same_weeks("team", &s);
}

#[test]
fn a_need_streaming_week_is_the_same_run_either_way() {
    let mut s = short();
    s.organisation.streaming = Streaming::Need;
    s.workforce.case_managers = 40;
    assert_same_weeks("need streaming", &s);
}

#[test]
fn a_week_with_custody_and_task_streaming_is_the_same_run_either_way() {
    let mut s = short();
    s.sentencing.custody_share.high = 0.4;
    s.sentencing.custody_share.very_high = 0.6;
    s.organisation.streaming = Streaming::Task;
    s.organisation.approach = Approach::Hybrid;
    s.workforce.case_managers = 40;
    s.workforce.turnover_rate = 0.3;
    assert_same_weeks("custody, task streaming, hybrid", &s);
}
