//! The custodial journey and Integrated Case Management (seed 004): through-the-gate
//! continuity, case conferences, families, release and recall. Arms share seeds (common random
//! numbers) and each assertion is on a paired difference whose 95% CI must exclude zero.

use crate::common::{
    QUICK, assert_higher, assert_lower, casesim, per_replication, replicate, small_scenario,
};
use casesim::experiment::simulate_with;
use casesim::model::journey::{Disposal, Stage};
use casesim::scenario::{Agencies, Streaming};
use casesim::{ReplicationResult, Scenario, simulate};

/// The small unit, with a third to a half of cases sent to custody and room on the caseloads
/// for the licences that follow.
fn custody_scenario() -> Scenario {
    let mut s = small_scenario();
    s.simulation.weeks = 312;
    s.simulation.warmup_weeks = 130;
    s.simulation.replications = 16;
    s.population.initial_cases = 1_300;
    s.workforce.case_managers = 34;
    let share = &mut s.sentencing.custody_share;
    (share.low, share.medium, share.high, share.very_high) = (0.2, 0.35, 0.5, 0.6);
    s
}

/// A custodial-sentence measure (by_disposal's `custody` row), one value per replication.
fn custody_metric(results: &[ReplicationResult], name: &str) -> Vec<f64> {
    per_replication(results, |r| {
        r.by_disposal[Disposal::Custody.index()].get(name)
    })
}

#[test]
fn through_the_gate_lowers_post_release_reoffending_and_missed_first_appointments() {
    let mut gate = custody_scenario();
    gate.custody.through_the_gate = true;
    let mut after = gate.clone();
    after.custody.through_the_gate = false;
    let (gate, after) = (replicate(&gate), replicate(&after));
    assert_lower(
        &custody_metric(&gate, "reoffending_rate"),
        &custody_metric(&after, "reoffending_rate"),
        "reoffending within a year of release, through the gate minus first met after",
    );
    assert_lower(
        &custody_metric(&gate, "missed_first_appointment_rate"),
        &custody_metric(&after, "missed_first_appointment_rate"),
        "missed first appointments after release",
    );
    assert_lower(
        &custody_metric(&gate, "mean_weeks_to_first_contact"),
        &custody_metric(&after, "mean_weeks_to_first_contact"),
        "weeks from release to the first kept appointment",
    );
}

#[test]
fn better_conference_attendance_raises_services_and_housing_in_place_at_release() {
    // Without through-the-gate, only the conferences arrange anything before release.
    let mut good = custody_scenario();
    good.custody.through_the_gate = false;
    good.custody.attendance = Agencies {
        prison_case_management: 1.0,
        prison_social_work: 1.0,
        community_social_work: 1.0,
        health: 0.9,
        psychology: 0.9,
        addictions: 0.9,
        housing: 0.9,
        police: 0.9,
        personal_officer: 0.9,
    };
    let mut poor = good.clone();
    poor.custody.attendance = Agencies {
        health: 0.1,
        psychology: 0.1,
        addictions: 0.1,
        housing: 0.1,
        police: 0.1,
        personal_officer: 0.1,
        ..good.custody.attendance.clone()
    };
    let (good, poor) = (replicate(&good), replicate(&poor));
    assert_higher(
        &custody_metric(&good, "services_in_place_at_release"),
        &custody_metric(&poor, "services_in_place_at_release"),
        "services in place at release, good attendance minus poor",
    );
    assert_higher(
        &custody_metric(&good, "housing_in_place_at_release"),
        &custody_metric(&poor, "housing_in_place_at_release"),
        "housing in place at release, good attendance minus poor",
    );
    assert_lower(
        &custody_metric(&good, "reoffending_rate"),
        &custody_metric(&poor, "reoffending_rate"),
        "reoffending within a year of release, good attendance minus poor",
    );
}

#[test]
fn family_involvement_lowers_reoffending_after_release() {
    let mut involved = custody_scenario();
    involved.custody.family_involvement = 2.0;
    let mut never = involved.clone();
    never.custody.family_involvement = 0.0;
    let (involved, never) = (replicate(&involved), replicate(&never));
    assert!(
        crate::common::metric(&never, "icm_family_attendance")
            .iter()
            .all(|&a| a == 0.0),
        "no family attends when families are never involved"
    );
    assert_lower(
        &custody_metric(&involved, "reoffending_rate"),
        &custody_metric(&never, "reoffending_rate"),
        "reoffending within a year of release, families involved minus never",
    );
}

#[test]
fn recalls_happen_only_to_licensees_and_invariants_hold_every_week() {
    for streaming in [Streaming::Generic, Streaming::Task, Streaming::Risk] {
        let mut s = custody_scenario();
        s.organisation.streaming = streaming;
        s.simulation.replications = 1;
        let mut recalls = 0;
        let mut on_licence_before: std::collections::HashMap<u32, bool> = Default::default();
        simulate_with(&s, 0, |world| {
            if let Err(broken) = world.check_invariants() {
                panic!("{streaming:?}, week {}: {broken}", world.week() - 1);
            }
            for o in world.cases() {
                if o.events.recalled {
                    recalls += 1;
                    assert_eq!(o.journey.disposal, Disposal::Custody, "case {}", o.id);
                    assert_eq!(o.journey.stage, Stage::Custody, "case {}", o.id);
                    if world.week() > 1 {
                        let before = on_licence_before.get(&o.id);
                        assert_eq!(before, Some(&true), "case {} recalled", o.id);
                    }
                }
            }
            on_licence_before = world
                .cases()
                .map(|o| (o.id, o.journey.stage == Stage::Licence))
                .collect();
        });
        assert!(recalls > 50, "{streaming:?}: only {recalls} recalls");
    }
}

#[test]
fn nobody_reoffends_in_custody_except_at_the_configured_rate() {
    let proven_per_prisoner_week = |factor: f64| {
        let mut s = custody_scenario();
        s.simulation.replications = 4;
        s.custody.hazard_factor = factor;
        let (mut proven, mut weeks) = (0u64, 0u64);
        for r in replicate(&s) {
            for w in &r.weeks {
                proven += u64::from(w.cases.proven_in_custody);
                weeks += u64::from(w.cases.in_custody);
            }
        }
        proven as f64 / weeks as f64
    };
    assert_eq!(proven_per_prisoner_week(0.0), 0.0);
    let (full, half) = (proven_per_prisoner_week(1.0), proven_per_prisoner_week(0.5));
    // The weekly hazard is small, so halving it about halves the rate of proven offences.
    let ratio = half / full;
    assert!(
        full > 0.001 && (0.42..0.58).contains(&ratio),
        "proven offences a prisoner-week: {full:.5} at factor 1, ratio {ratio:.3} at 0.5"
    );
}

#[test]
fn with_nobody_sent_to_custody_the_custody_settings_change_nothing() {
    let mut a = small_scenario();
    a.simulation.replications = 2;
    let mut b = a.clone();
    b.custody.through_the_gate = !a.custody.through_the_gate;
    b.custody.family_involvement = 3.0;
    b.custody.attendance.health = 1.0;
    b.custody.recall_weeks.high = 52;
    b.sentencing.sentence_length.weeks = vec![300];
    b.sentencing.sentence_length.weights = vec![1.0];
    for r in 0..2 {
        let (x, y) = (simulate(&a, r), simulate(&b, r));
        assert_eq!(x.metrics, y.metrics);
        assert_eq!(x.weeks, y.weeks);
        assert_eq!(x.by_disposal[Disposal::Custody.index()].recall_rate, None);
        assert!(
            x.weeks
                .iter()
                .all(|w| w.cases.in_custody == 0 || w.steps.transitions.releases == 0)
        );
        assert!(x.weeks.iter().all(|w| {
            w.steps.reoffending.recalls + w.steps.enforcement.recalls == 0
                && w.cases.on_licence == 0
        }));
    }
}

#[test]
fn task_streaming_hands_a_prisoner_over_at_release() {
    let mut generic = custody_scenario();
    generic.simulation.replications = 8;
    let mut task = generic.clone();
    task.organisation.streaming = Streaming::Task;
    let (generic, task) = (replicate(&generic), replicate(&task));
    assert_higher(
        &custody_metric(&task, "handoffs_stage_change"),
        &custody_metric(&generic, "handoffs_stage_change"),
        "handoffs at a change of stage for custodial sentences, task minus generic",
    );
}

#[test]
fn a_custody_sweep_is_byte_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, threads: &str| {
        let out = dir.path().join(name);
        let out = out.to_str().unwrap().to_string();
        let mut args = vec![
            "sweep",
            "scenarios/icm_throughcare.toml",
            "--quiet",
            "--reps",
            "3",
        ];
        args.extend(QUICK);
        args.extend(["--out", &out]);
        let o = casesim(&args, Some(threads));
        assert!(o.status.success(), "{}", crate::common::stderr(&o));
        out
    };
    let (one, two) = (run("one", "1"), run("two", "2"));
    for name in crate::common::SWEEP_CSVS {
        let read = |d: &str| std::fs::read(std::path::Path::new(d).join(name)).unwrap();
        assert!(
            read(&one) == read(&two),
            "{name} differs between 1 and 2 threads"
        );
    }
    let by_disposal =
        std::fs::read_to_string(std::path::Path::new(&one).join("by_disposal.csv")).unwrap();
    assert!(
        by_disposal.contains(",custody,recall_rate,0."),
        "{by_disposal}"
    );
}

#[test]
fn short_sentences_for_the_high_risk_raise_reoffending_after_short_sentences() {
    // Even odds: a short sentence is as likely at every tier. The defaults tilt short sentences
    // towards the high risk (calibrated to the MoJ's 59.2%).
    let tilted = custody_scenario();
    let mut even = tilted.clone();
    even.sentencing.short_sentence_odds.low = 1.0;
    even.sentencing.short_sentence_odds.medium = 1.0;
    even.sentencing.short_sentence_odds.high = 1.0;
    even.sentencing.short_sentence_odds.very_high = 1.0;
    let (tilted, even) = (replicate(&tilted), replicate(&even));
    assert_higher(
        &custody_metric(&tilted, "reoffending_after_short_sentence"),
        &custody_metric(&even, "reoffending_after_short_sentence"),
        "reoffending after sentences under 12 months, tilted minus even odds",
    );
    assert_lower(
        &custody_metric(&tilted, "reoffending_after_longer_sentence"),
        &custody_metric(&even, "reoffending_after_longer_sentence"),
        "reoffending after sentences of 12 months or more",
    );
}

/// The custody scenario with every case awaiting a pre-sentence report, staff enough to
/// write them all, and room at the services.
fn reported_scenario() -> Scenario {
    let mut s = custody_scenario();
    s.reports.share = 1.0;
    s.workforce.case_managers = 60;
    s.services.capacity_scale = 3.0;
    s
}

#[test]
fn without_reports_the_report_settings_change_nothing() {
    let mut s = custody_scenario();
    s.reports.share = 0.0;
    s.simulation.replications = 3;
    let mut other = s.clone();
    other.reports.custody_odds = casesim::scenario::PerTier::new(0.1, 0.2, 0.3, 0.4);
    other.reports.requirement_share = 1.0;
    for (a, b) in replicate(&s).iter().zip(replicate(&other).iter()) {
        assert_eq!(a.metrics, b.metrics);
    }
}

#[test]
fn a_full_report_keeps_borderline_cases_out_of_custody() {
    let informed = reported_scenario();
    let mut offence_and_risk = informed.clone();
    offence_and_risk.reports.custody_odds = casesim::scenario::PerTier::new(1.0, 1.0, 1.0, 1.0);
    let (informed, offence_and_risk) = (replicate(&informed), replicate(&offence_and_risk));
    assert_lower(
        &crate::common::metric(&informed, "custodial_share"),
        &crate::common::metric(&offence_and_risk, "custodial_share"),
        "custodial share of sentences, reports informing the court minus not",
    );
    let on_report = crate::common::metric(&informed, "sentenced_on_full_report");
    assert!(
        on_report.iter().all(|&x| x > 0.5),
        "most on a full report: {on_report:?}"
    );
}

#[test]
fn treatment_required_on_the_report_raises_needs_met_where_there_are_places() {
    let required = reported_scenario();
    let mut not = required.clone();
    not.reports.requirement_share = 0.0;
    let (required, not) = (replicate(&required), replicate(&not));
    let rate = |r: &[ReplicationResult]| crate::common::metric(r, "treatment_requirement_rate");
    assert!(rate(&not).iter().all(|&x| x == 0.0));
    assert!(rate(&required).iter().all(|&x| x > 0.1));
    assert_higher(
        &crate::common::metric(&required, "service_starts_per_week"),
        &crate::common::metric(&not, "service_starts_per_week"),
        "service starts a week, treatment required on the report minus not",
    );
    assert_higher(
        &crate::common::metric(&required, "needs_met_rate"),
        &crate::common::metric(&not, "needs_met_rate"),
        "needs met, treatment required on the report minus not",
    );
}

/// `custody.icm = false`: sentence management without ICM case conferences.
fn without_icm(s: &Scenario) -> Scenario {
    let mut s = s.clone();
    s.custody.icm = false;
    s
}

#[test]
fn switching_icm_off_changes_nothing_when_nobody_is_sent_to_custody() {
    let mut s = crate::common::small_scenario();
    s.simulation.replications = 1;
    let (with, without) = (simulate(&s, 0), simulate(&without_icm(&s), 0));
    assert_eq!(
        serde_json::to_string(&with).unwrap(),
        serde_json::to_string(&without).unwrap()
    );
}

#[test]
fn icm_puts_more_services_and_housing_in_place_at_release_and_lowers_reoffending_after_it() {
    // Without through-the-gate, only the conferences arrange anything before release.
    let mut icm = custody_scenario();
    icm.custody.through_the_gate = false;
    let (with, without) = (replicate(&icm), replicate(&without_icm(&icm)));
    assert!(
        without
            .iter()
            .all(|r| r.metrics.get("icm_agency_attendance").is_none()),
        "no conference is held without ICM"
    );
    assert!(
        without
            .iter()
            .all(|r| r.weeks.iter().all(|w| w.steps.conferences.conferences == 0))
    );
    assert_higher(
        &custody_metric(&with, "services_in_place_at_release"),
        &custody_metric(&without, "services_in_place_at_release"),
        "services in place at release, ICM minus none",
    );
    assert_higher(
        &custody_metric(&with, "housing_in_place_at_release"),
        &custody_metric(&without, "housing_in_place_at_release"),
        "housing in place at release, ICM minus none",
    );
    assert_lower(
        &custody_metric(&with, "reoffending_rate"),
        &custody_metric(&without, "reoffending_rate"),
        "reoffending within a year of release, ICM minus none",
    );
}
