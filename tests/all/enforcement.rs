//! Enforcement as a probation service lives it (issue 22): keeping in touch with people unseen
//! for weeks, the court at breach, licence conditions, fixed-term and standard recall, and the
//! new keys' answers to bad input. Arms share seeds (common random numbers) and each assertion
//! on a difference is on a paired difference whose 95% CI must exclude zero.

use std::path::Path;

use crate::common::{
    QUICK, assert_higher, assert_lower, casesim, metric, per_replication, replicate,
    small_scenario, stderr,
};
use casesim::engine::StepCounts;
use casesim::model::custody::RecallReason;
use casesim::scenario::{MAX_WEEKS, PerTier};
use casesim::{ReplicationResult, Scenario};

/// A quick unit: about 600 orders over three years (the first a warm-up), 12 replications.
fn quick() -> Scenario {
    let mut s = small_scenario();
    s.simulation.weeks = 156;
    s.simulation.warmup_weeks = 52;
    s.population.initial_cases = 600;
    s.population.inflow_per_week = 12.0;
    s.workforce.case_managers = 15;
    s
}

/// The quick unit with supervision collapsed: three case managers with room for 150 cases
/// each, so most cases wait unallocated and those allocated are barely seen.
fn collapsed() -> Scenario {
    let mut s = quick();
    s.workforce.case_managers = 3;
    s.workforce.caseload_cap = 150;
    s
}

/// Keeping in touch switched off as far as its keys allow: nobody goes unseen for longer than
/// the run before a check (the key has no off value; the least weeks are 1).
fn without_keeping_in_touch(s: &mut Scenario) {
    s.enforcement.unseen_weeks_before_check = MAX_WEEKS;
}

/// The quick unit with a third to a half of cases sent to custody, and staff for their
/// licences.
fn with_licences() -> Scenario {
    let mut s = quick();
    s.simulation.weeks = 208;
    s.population.initial_cases = 900;
    s.workforce.case_managers = 26;
    let share = &mut s.sentencing.custody_share;
    (share.low, share.medium, share.high, share.very_high) = (0.2, 0.35, 0.5, 0.6);
    s
}

/// A step count summed over every week, one value per replication.
fn total(results: &[ReplicationResult], count: impl Fn(&StepCounts) -> u32) -> Vec<f64> {
    per_replication(results, |r| {
        Some(r.weeks.iter().map(|w| f64::from(count(&w.steps))).sum())
    })
}

/// People in custody, summed over the weeks: the person-weeks served.
fn custody_weeks(results: &[ReplicationResult]) -> Vec<f64> {
    per_replication(results, |r| {
        Some(r.weeks.iter().map(|w| f64::from(w.cases.in_custody)).sum())
    })
}

/// Asserts `ok` of every replication's value.
fn every(values: &[f64], what: &str, ok: impl Fn(f64) -> bool) {
    assert!(values.iter().all(|&v| ok(v)), "{what}: {values:?}");
}

// Keeping in touch.

#[test]
fn keeping_in_touch_switched_off_its_other_keys_change_nothing() {
    let run = |dir: &Path, extra: &[&str]| {
        let mut args = vec!["run", "scenarios/baseline.toml", "--quiet", "--out"];
        args.push(dir.to_str().unwrap());
        args.extend(QUICK);
        args.extend(["--reps", "3"]);
        args.extend(["--set", "enforcement.unseen_weeks_before_check=5200"]);
        args.extend(extra);
        let o = casesim(&args, None);
        assert!(o.status.success(), "{extra:?}: {}", stderr(&o));
    };
    let dir = tempfile::tempdir().unwrap();
    let (off, changed) = (dir.path().join("off"), dir.path().join("changed"));
    run(&off, &[]);
    run(
        &changed,
        &[
            "--set",
            "enforcement.check_interval_weeks=9",
            "--set",
            "enforcement.check_hours=7",
        ],
    );
    for file in ["summary.csv", "timeseries.csv"] {
        assert!(
            std::fs::read(off.join(file)).unwrap() == std::fs::read(changed.join(file)).unwrap(),
            "{file} differs with keeping in touch off"
        );
    }

    // Nobody is checked, by a case manager or the office.
    let mut s = collapsed();
    without_keeping_in_touch(&mut s);
    s.simulation.replications = 2;
    let off = replicate(&s);
    every(&total(&off, |c| c.enforcement.checks), "checks", |v| {
        v == 0.0
    });
}

#[test]
fn when_supervision_collapses_breach_changes_form_instead_of_vanishing() {
    let on = collapsed();
    let mut off = on.clone();
    without_keeping_in_touch(&mut off);
    let (on, off) = (replicate(&on), replicate(&off));
    every(
        &metric(&on, "unallocated_cases"),
        "unallocated cases",
        |v| v > 50.0,
    );
    // The office checks the cases nobody holds, and warns and breaches them.
    every(
        &total(&on, |c| c.enforcement.office_checks),
        "office checks",
        |v| v > 100.0,
    );
    every(
        &total(&on, |c| c.enforcement.office_actions),
        "office warnings and breaches",
        |v| v > 10.0,
    );
    assert_higher(
        &metric(&on, "breach_rate"),
        &metric(&off, "breach_rate"),
        "breach rate at collapsed supervision, keeping in touch minus not",
    );
    assert_higher(
        &total(&on, |c| c.enforcement.breaches),
        &total(&off, |c| c.enforcement.breaches),
        "breach proceedings, keeping in touch minus not",
    );
}

#[test]
fn unanswered_instructions_make_whereabouts_unknown_and_the_court_sees_wilful_non_compliance() {
    // Under strict enforcement with one warning the second failure is a breach; the court
    // finds the person but they have kept no appointment, so a third miss in a row (the
    // default `missed_before_unknown`) puts them out of touch, as does an earlier limit or a
    // graduated policy's longer road to breach.
    let at_three = collapsed();
    let mut at_two = at_three.clone();
    at_two.enforcement.missed_before_unknown = 2;
    let mut graduated = at_three.clone();
    graduated.enforcement.policy = casesim::scenario::EnforcementPolicy::Graduated;
    let mut off = at_three.clone();
    without_keeping_in_touch(&mut off);
    off.enforcement.missed_before_unknown = 100;
    let (at_three, at_two, graduated, off) = (
        replicate(&at_three),
        replicate(&at_two),
        replicate(&graduated),
        replicate(&off),
    );
    let whereabouts = |r: &[ReplicationResult]| total(r, |c| c.enforcement.whereabouts_unknown);
    every(
        &whereabouts(&at_three),
        "whereabouts unknown at the default three misses",
        |v| v > 0.0,
    );
    every(
        &whereabouts(&graduated),
        "whereabouts unknown, graduated",
        |v| v > 0.0,
    );
    every(&whereabouts(&off), "whereabouts never unknown, off", |v| {
        v == 0.0
    });
    assert_higher(
        &whereabouts(&at_two),
        &whereabouts(&at_three),
        "whereabouts unknown, at two misses minus three",
    );
    // Wilful and persistent non-compliance: revoked more often than the compliance band's.
    assert_higher(
        &total(&at_two, |c| c.enforcement.revocations),
        &total(&at_three, |c| c.enforcement.revocations),
        "revocations at breach, whereabouts unknown at two misses minus three",
    );
}

#[test]
fn sooner_checks_find_more_people_out_of_touch() {
    let mut soon = collapsed();
    soon.enforcement.unseen_weeks_before_check = 3;
    let mut late = soon.clone();
    late.enforcement.unseen_weeks_before_check = 20;
    let (soon, late) = (replicate(&soon), replicate(&late));
    assert_higher(
        &total(&soon, |c| c.enforcement.checks),
        &total(&late, |c| c.enforcement.checks),
        "checks, after 3 weeks unseen minus after 20",
    );
    assert_higher(
        &metric(&soon, "breach_rate"),
        &metric(&late, "breach_rate"),
        "breach rate, checks after 3 weeks unseen minus after 20",
    );
}

// The court.

#[test]
fn a_harsher_court_revokes_more_orders_and_fewer_complete() {
    let mut harsh = quick();
    (harsh.court.revocation.medium, harsh.court.revocation.low) = (0.8, 0.95);
    let mut lenient = harsh.clone();
    (
        lenient.court.revocation.medium,
        lenient.court.revocation.low,
    ) = (0.05, 0.1);
    let (harsh, lenient) = (replicate(&harsh), replicate(&lenient));
    assert_higher(
        &metric(&harsh, "breach_rate"),
        &metric(&lenient, "breach_rate"),
        "orders revoked for breach, harsh court minus lenient",
    );
    assert_lower(
        &metric(&harsh, "completion_rate"),
        &metric(&lenient, "completion_rate"),
        "orders completed, harsh court minus lenient",
    );
    // An order the court lets continue gets a curfew or a fine.
    assert_higher(
        &total(&lenient, |c| {
            c.enforcement.court.curfews + c.enforcement.court.fines
        }),
        &total(&harsh, |c| {
            c.enforcement.court.curfews + c.enforcement.court.fines
        }),
        "orders continued with a curfew or fine, lenient court minus harsh",
    );
}

#[test]
fn the_court_revokes_more_when_it_sees_compliance_as_lower() {
    // The same people and misses; only the bands the court puts them in differ.
    let mut strict_bands = quick();
    (
        strict_bands.court.high_compliance,
        strict_bands.court.medium_compliance,
    ) = (1.0, 0.99);
    let mut loose_bands = quick();
    (
        loose_bands.court.high_compliance,
        loose_bands.court.medium_compliance,
    ) = (0.5, 0.3);
    let (strict_bands, loose_bands) = (replicate(&strict_bands), replicate(&loose_bands));
    assert_higher(
        &metric(&strict_bands, "breach_rate"),
        &metric(&loose_bands, "breach_rate"),
        "orders revoked for breach, compliance seen as low minus as high",
    );
}

#[test]
fn a_new_offence_during_the_order_raises_the_odds_of_revocation() {
    let mut weighed = quick();
    weighed.court.new_offence_odds = 4.0;
    let mut ignored = weighed.clone();
    ignored.court.new_offence_odds = 1.0;
    let (weighed, ignored) = (replicate(&weighed), replicate(&ignored));
    assert_higher(
        &total(&weighed, |c| c.enforcement.revocations),
        &total(&ignored, |c| c.enforcement.revocations),
        "revocations at breach, new offences' odds 4 minus 1",
    );
    assert_higher(
        &metric(&weighed, "breach_rate"),
        &metric(&ignored, "breach_rate"),
        "breach rate, new offences' odds 4 minus 1",
    );
}

#[test]
fn custody_after_revocation_grows_with_the_term_for_the_offence() {
    // A community caseload: everyone in custody is there after a revoked order.
    let base = quick();
    let mut doubled = base.clone();
    for f in [
        &mut doubled.court.term_by_offence.violent,
        &mut doubled.court.term_by_offence.sexual,
        &mut doubled.court.term_by_offence.acquisitive,
        &mut doubled.court.term_by_offence.drug,
        &mut doubled.court.term_by_offence.other,
    ] {
        *f *= 2.0;
    }
    let mut longer = base.clone();
    longer.sentencing.revocation_custody_weeks = 16;
    let mut none = base.clone();
    none.sentencing.revocation_custody_weeks = 0;
    let (base, doubled, longer, none) = (
        replicate(&base),
        replicate(&doubled),
        replicate(&longer),
        replicate(&none),
    );
    every(&custody_weeks(&none), "custody without a term", |v| {
        v == 0.0
    });
    every(&custody_weeks(&base), "custody after revocation", |v| {
        v > 0.0
    });
    assert_higher(
        &custody_weeks(&doubled),
        &custody_weeks(&base),
        "custody weeks, every offence's term doubled minus as shipped",
    );
    assert_higher(
        &custody_weeks(&longer),
        &custody_weeks(&base),
        "custody weeks, 16 weeks after revocation minus 8",
    );
}

// Licence conditions and recall.

/// Recalls with `reason` among their reasons, one value per replication.
fn recalls_for(results: &[ReplicationResult], reason: RecallReason) -> Vec<f64> {
    total(results, |c| c.recalls.by_reason[reason as usize])
}

#[test]
fn broken_licence_conditions_bring_recalls_for_drugs_or_alcohol_and_failure_to_reside() {
    let base = with_licences();
    let results = replicate(&base);
    every(
        &total(&results, |c| c.enforcement.condition_failures),
        "licence conditions broken",
        |v| v > 0.0,
    );
    // Rare in a small unit (a few a replication): present over the replications together.
    for reason in [RecallReason::DrugsOrAlcohol, RecallReason::FailureToReside] {
        let all: f64 = recalls_for(&results, reason).iter().sum();
        assert!(all > 10.0, "{}: {all} over the replications", reason.name());
    }

    // Watched more closely, more relapses and lost homes are found.
    let mut watched = base.clone();
    watched.compliance.detection_unsupervised =
        (base.compliance.detection_unsupervised * 2.0).min(1.0);
    watched.compliance.detection_with_contact =
        (base.compliance.detection_with_contact * 2.0).min(1.0);
    let watched = replicate(&watched);
    assert_higher(
        &total(&watched, |c| c.enforcement.condition_failures),
        &total(&results, |c| c.enforcement.condition_failures),
        "licence conditions found broken, detection doubled minus as shipped",
    );
    assert_higher(
        &recalls_for(&watched, RecallReason::DrugsOrAlcohol),
        &recalls_for(&results, RecallReason::DrugsOrAlcohol),
        "recalls for drugs or alcohol, detection doubled minus as shipped",
    );

    // More relapse, more recalls for drugs or alcohol; more homes lost, more for residence.
    let mut relapsing = base.clone();
    relapsing.needs.relapse_per_week = (base.needs.relapse_per_week * 3.0).min(1.0);
    let mut homeless = base.clone();
    homeless.circumstances.housing_loss = (base.circumstances.housing_loss * 3.0).min(1.0);
    let (relapsing, homeless) = (replicate(&relapsing), replicate(&homeless));
    assert_higher(
        &recalls_for(&relapsing, RecallReason::DrugsOrAlcohol),
        &recalls_for(&results, RecallReason::DrugsOrAlcohol),
        "recalls for drugs or alcohol, relapse tripled minus as shipped",
    );
    assert_higher(
        &recalls_for(&homeless, RecallReason::FailureToReside),
        &recalls_for(&results, RecallReason::FailureToReside),
        "recalls for failure to reside, housing loss tripled minus as shipped",
    );
}

#[test]
fn fixed_term_recalls_are_shorter_than_standard_ones_and_none_are_made_at_share_zero() {
    // Standard recalls held until re-release months later, for every tier; every sentence
    // short enough for a fixed-term recall.
    let mut fixed = with_licences();
    fixed.custody.recall_weeks = PerTier::new(26, 26, 26, 26);
    fixed.custody.fixed_term_below_sentence_weeks = MAX_WEEKS;
    fixed.custody.fixed_term_share = PerTier::new(1.0, 1.0, 1.0, 1.0);
    let mut standard = fixed.clone();
    standard.custody.fixed_term_share = PerTier::new(0.0, 0.0, 0.0, 0.0);
    let (fixed, standard) = (replicate(&fixed), replicate(&standard));
    every(
        &total(&standard, |c| c.recalls.fixed_term),
        "fixed-term recalls at share 0",
        |v| v == 0.0,
    );
    every(&total(&standard, |c| c.recalls.recalls), "recalls", |v| {
        v > 20.0
    });
    // Every recall without a further charge is fixed-term at share 1.
    for r in &fixed {
        let (all, fixed_term, charged) = r.weeks.iter().fold((0, 0, 0), |(a, f, c), w| {
            let recalls = &w.steps.recalls;
            (
                a + recalls.recalls,
                f + recalls.fixed_term,
                c + recalls.by_reason[RecallReason::FurtherCharge as usize],
            )
        });
        assert_eq!(fixed_term, all - charged, "replication {}", r.replication);
    }
    assert_lower(
        &custody_weeks(&fixed),
        &custody_weeks(&standard),
        "weeks in custody, fixed-term recalls minus standard",
    );
}

#[test]
fn a_longer_fixed_term_keeps_the_recalled_in_custody_longer() {
    let mut long = with_licences();
    long.custody.fixed_term_share = PerTier::new(1.0, 1.0, 1.0, 1.0);
    long.custody.fixed_term_weeks = 16;
    let mut short = long.clone();
    short.custody.fixed_term_weeks = 2;
    let (long, short) = (replicate(&long), replicate(&short));
    assert_higher(
        &custody_weeks(&long),
        &custody_weeks(&short),
        "weeks in custody, 16-week fixed-term recalls minus 2-week",
    );
}

// Bad input.

/// `casesim check` with `--set KEY=VALUE` is bad input (exit 2) with a message naming the key
/// and containing `expect`.
fn assert_refused(set: &str, expect: &str) {
    let o = casesim(&["check", "scenarios/baseline.toml", "--set", set], None);
    let message = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "--set {set}: {message}");
    let key = set.split('=').next().unwrap();
    assert!(
        message.contains(key),
        "--set {set}: key not named: {message}"
    );
    assert!(
        message.contains(expect),
        "--set {set}: `{expect}` not in: {message}"
    );
    assert!(!message.contains("panicked"), "--set {set}: {message}");
}

#[test]
fn the_new_enforcement_court_and_recall_keys_refuse_bad_values_naming_the_key() {
    for (set, expect) in [
        ("court.high_compliance=1.5", "from 0 to 1 (got 1.5)"),
        ("court.high_compliance=high", "invalid type"),
        ("court.medium_compliance=-0.1", "from 0 to 1 (got -0.1)"),
        ("court.revocation.high=2", "probability from 0 to 1 (got 2)"),
        (
            "court.revocation.medium=-1",
            "probability from 0 to 1 (got -1)",
        ),
        (
            "court.revocation.low=1.01",
            "probability from 0 to 1 (got 1.01)",
        ),
        ("court.revocation.wilful=\"always\"", "invalid type"),
        ("court.new_offence_odds=0", "at least 1e-6 (got 0)"),
        ("court.risk_odds.high=-2", "at least 1e-6 (got -2)"),
        ("court.curfew_share=1.2", "from 0 to 1 (got 1.2)"),
        ("court.curfew_weeks.low=0", "at least 1 (got 0)"),
        ("court.curfew_weeks.wilful=53", "at most 52 (got 53)"),
        ("court.term_by_offence.violent=-1", "at least 0 (got -1)"),
        ("court.longest_term_weeks=0", "at least 1 (got 0)"),
        ("court.longest_term_weeks=2.5", "invalid type"),
        (
            "enforcement.unseen_weeks_before_check=0",
            "at least 1 (got 0)",
        ),
        ("enforcement.unseen_weeks_before_check=six", "invalid type"),
        ("enforcement.check_interval_weeks=0", "at least 1 (got 0)"),
        (
            "enforcement.check_interval_weeks=5201",
            "at most 5200 (got 5201)",
        ),
        ("enforcement.missed_before_unknown=0", "at least 1 (got 0)"),
        (
            "enforcement.missed_before_unknown=101",
            "at most 100 (got 101)",
        ),
        ("enforcement.missed_before_unknown=300", "invalid value"),
        ("enforcement.check_hours=-0.5", "at least 0 (got -0.5)"),
        ("enforcement.check_hours=true", "invalid type"),
        (
            "custody.fixed_term_share.low=1.5",
            "probability from 0 to 1 (got 1.5)",
        ),
        (
            "custody.fixed_term_share.very_high=-0.2",
            "probability from 0 to 1 (got -0.2)",
        ),
        ("custody.fixed_term_share=0.5", "invalid type"),
        ("custody.fixed_term_weeks=0", "at least 1 (got 0)"),
        ("custody.fixed_term_weeks=-8", "invalid value"),
        (
            "custody.fixed_term_below_sentence_weeks=0",
            "at least 1 (got 0)",
        ),
        (
            "custody.fixed_term_below_sentence_weeks=5201",
            "at most 5200 (got 5201)",
        ),
    ] {
        assert_refused(set, expect);
    }
}

#[test]
fn the_court_refuses_medium_compliance_above_high() {
    let o = casesim(
        &[
            "check",
            "scenarios/baseline.toml",
            "--set",
            "court.high_compliance=0.8",
            "--set",
            "court.medium_compliance=0.9",
        ],
        None,
    );
    let message = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{message}");
    for needle in [
        "court.medium_compliance",
        "court.high_compliance",
        "at most",
    ] {
        assert!(message.contains(needle), "`{needle}` not in: {message}");
    }
    // Equal bands are allowed: no medium band.
    let o = casesim(
        &[
            "check",
            "scenarios/baseline.toml",
            "--set",
            "court.high_compliance=0.9",
            "--set",
            "court.medium_compliance=0.9",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn the_retired_breach_revocation_probability_is_refused_naming_the_court_shares() {
    // Through `--set`.
    let o = casesim(
        &[
            "check",
            "scenarios/baseline.toml",
            "--set",
            "enforcement.breach_revocation_prob=0.7",
        ],
        None,
    );
    let message = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{message}");
    for needle in [
        "--set enforcement.breach_revocation_prob=0.7",
        "breach_revocation_prob",
        "[court]",
        "court.revocation",
    ] {
        assert!(message.contains(needle), "`{needle}` not in: {message}");
    }
    // In a scenario file, with its line.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.toml");
    std::fs::write(&file, "[enforcement]\nbreach_revocation_prob = 0.5\n").unwrap();
    let o = casesim(&["check", file.to_str().unwrap()], None);
    let message = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{message}");
    for needle in ["old.toml:2", "breach_revocation_prob", "court.revocation"] {
        assert!(message.contains(needle), "`{needle}` not in: {message}");
    }
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn every_shipped_scenario_still_loads() {
    let mut checked = 0;
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")).unwrap()
    {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml")
            && !crate::common::is_calibration_file(&path)
        {
            let o = casesim(&["check", path.to_str().unwrap()], None);
            assert!(o.status.success(), "{}: {}", path.display(), stderr(&o));
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} scenarios");
}
