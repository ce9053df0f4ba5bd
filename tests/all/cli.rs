//! The `casesim` binary keeps the contract: its files, its determinism, and its answers to bad
//! input (exit 2, the key and line named, no output left behind, no panic).

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{QUICK, casesim, stderr};

fn run_into(out: &Path, extra: &[&str], threads: Option<&str>) -> Output {
    let mut args = vec!["run", "scenarios/baseline.toml", "--quiet", "--out"];
    args.push(out.to_str().unwrap());
    args.extend(QUICK);
    args.extend(["--reps", "4"]);
    args.extend(extra);
    casesim(&args, threads)
}

const CSVS: [&str; 6] = [
    "summary.csv",
    "stats.csv",
    "by_tier.csv",
    "by_disposal.csv",
    "timeseries.csv",
    "survival.csv",
];

#[test]
fn run_writes_every_output_file_with_the_contract_columns() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("baseline");
    let o = run_into(&out, &[], None);
    assert!(o.status.success(), "{}", stderr(&o));
    for name in CSVS.iter().chain(&["run.json"]) {
        assert!(out.join(name).is_file(), "{name} missing");
    }
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let header = summary.lines().next().unwrap();
    for column in [
        "completion_rate",
        "breach_rate",
        "reoffending_rate",
        "mean_handoffs",
        "mean_relationship",
        "needs_met_rate",
        "staff_utilisation",
        "mean_caseload",
        "unallocated_cases",
        "staff_hours",
        "mean_service_wait_weeks",
        "cost",
    ] {
        assert!(
            header.split(',').any(|c| c == column),
            "summary.csv lacks {column}"
        );
    }
    assert_eq!(summary.lines().count(), 1 + 4, "one row per replication");
    let stats = std::fs::read_to_string(out.join("stats.csv")).unwrap();
    assert!(stats.starts_with("metric,mean,ci_low,ci_high,n\n"));
    let survival = std::fs::read_to_string(out.join("survival.csv")).unwrap();
    assert!(survival.starts_with(
        "event,week,at_risk,events,censored,survival,std_error,ci_low,ci_high\nreoffence,0,"
    ));
    assert!(survival.contains("\nbreach,0,"));
    assert!(!stats.contains("NaN") && !summary.contains("NaN"));
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["replications"], 4);
    assert_eq!(run["scenario"]["workforce"]["caseload_cap"], 50);
    assert_eq!(run["scenario"]["population"]["initial_cases"], 600);
    // No temporary files are left behind: only the list of the files casesim wrote.
    let leftovers: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .filter(|p| !p.ends_with(casesim::files::MANIFEST_NAME))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn same_seed_gives_byte_identical_csvs_for_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    assert!(run_into(&one, &[], Some("1")).status.success());
    assert!(run_into(&two, &[], Some("2")).status.success());
    for name in CSVS {
        let a = std::fs::read(one.join(name)).unwrap();
        let b = std::fs::read(two.join(name)).unwrap();
        assert!(a == b, "{name} differs between 1 and 2 threads");
    }
    // --threads does the same as RAYON_NUM_THREADS.
    let flag = dir.path().join("flag");
    assert!(run_into(&flag, &["--threads", "2"], None).status.success());
    for name in CSVS {
        assert_eq!(
            std::fs::read(one.join(name)).unwrap(),
            std::fs::read(flag.join(name)).unwrap()
        );
    }
}

#[test]
fn a_different_seed_gives_different_results_and_any_u64_is_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    assert!(run_into(&a, &[], None).status.success());
    assert!(
        run_into(&b, &["--seed", "18446744073709551615"], None)
            .status
            .success()
    );
    assert_ne!(
        std::fs::read(a.join("summary.csv")).unwrap(),
        std::fs::read(b.join("summary.csv")).unwrap()
    );
}

/// Runs with a bad scenario text or arguments and checks the contract for bad input.
fn assert_bad_input(scenario_text: &str, extra: &[&str], expect_in_message: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, scenario_text).unwrap();
    let out = dir.path().join("out");
    let mut args = vec![
        "run",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = casesim(&args, None);
    let message = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "exit code for {expect_in_message:?}: {message}"
    );
    for needle in expect_in_message {
        assert!(message.contains(needle), "`{needle}` not in: {message}");
    }
    assert!(!message.contains("panicked"), "{message}");
    assert!(!out.exists(), "an output directory was left behind");

    // `check` says the same, with the same code.
    let mut args = vec!["check", file.to_str().unwrap()];
    args.extend(extra.iter().filter(|a| !a.starts_with("--reps")));
    let o = casesim(&args, None);
    assert_eq!(o.status.code(), Some(2), "check: {}", stderr(&o));
}

#[test]
fn malformed_toml_names_the_file_and_line() {
    assert_bad_input(
        "[simulation]\nweeks = 100\n[workforce\ncaseload_cap = 3\n",
        &[],
        &["bad.toml:3", "not valid TOML"],
    );
}

#[test]
fn unknown_key_names_the_key_and_line() {
    assert_bad_input(
        "[simulation]\nweeks = 100\n\n[workforce]\ncaseload_capp = 30\n",
        &[],
        &["bad.toml:5", "workforce.caseload_capp", "unknown field"],
    );
}

#[test]
fn out_of_range_value_names_the_key_and_line() {
    assert_bad_input(
        "[workforce]\ncase_managers = 10\ncaseload_cap = 0\n",
        &[],
        &["bad.toml:3", "workforce.caseload_cap", "at least 1"],
    );
    assert_bad_input(
        "[population.risk_mix]\nlow = 0.5\nmedium = 0.4\nhigh = 0.22\nvery_high = 0.08\n",
        &[],
        &["bad.toml:1", "population.risk_mix", "sum to 1"],
    );
    assert_bad_input(
        "[compliance]\nbase_attendance = 1.5\n",
        &[],
        &["bad.toml:2", "compliance.base_attendance", "probability"],
    );
}

#[test]
fn wrong_type_names_the_key_and_line() {
    assert_bad_input(
        "[workforce]\ncaseload_cap = \"forty\"\n",
        &[],
        &["bad.toml:2", "workforce.caseload_cap", "invalid type"],
    );
    assert_bad_input(
        "[organisation]\nprioritisation = \"whatever\"\n",
        &[],
        &[
            "bad.toml:2",
            "organisation.prioritisation",
            "unknown variant",
        ],
    );
}

#[test]
fn bad_set_names_the_argument_and_key() {
    assert_bad_input(
        "",
        &["--set", "workforce.caseload_cap"],
        &["--set", "KEY=VALUE"],
    );
    assert_bad_input(
        "",
        &["--set", "workforce.caseload_cap=0"],
        &[
            "--set workforce.caseload_cap=0",
            "workforce.caseload_cap",
            "at least 1",
        ],
    );
    assert_bad_input(
        "",
        &["--set", "workforce.casload_cap=40"],
        &[
            "--set workforce.casload_cap=40",
            "workforce.casload_cap",
            "unknown field",
        ],
    );
    assert_bad_input(
        "",
        &["--set", "workforce.caseload_cap=forty"],
        &["workforce.caseload_cap", "invalid type"],
    );
    assert_bad_input(
        "",
        &["--set", "workforce.caseload_cap=4 0"],
        &["workforce.caseload_cap", "not a TOML value"],
    );
    assert_bad_input(
        "[workforce]\ncaseload_cap = 40\n",
        &["--set", "workforce.caseload_cap.x=1"],
        &["workforce.caseload_cap"],
    );
}

#[test]
fn a_missing_scenario_file_is_bad_input() {
    let o = casesim(&["check", "scenarios/no_such_file.toml"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no_such_file.toml"));
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        vec!["run", "scenarios/baseline.toml", "--reps", "0"],
        vec!["run", "scenarios/baseline.toml", "--threads", "many"],
        vec!["run"],
        vec!["fly"],
    ] {
        let o = casesim(&args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn check_prints_the_resolved_scenario_with_every_section() {
    let o = casesim(
        &[
            "check",
            "scenarios/baseline.toml",
            "--set",
            "organisation.prioritisation=structured",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let resolved: toml::Table = String::from_utf8(o.stdout).unwrap().parse().unwrap();
    for section in [
        "simulation",
        "population",
        "workforce",
        "organisation",
        "supervision",
        "relationship",
        "compliance",
        "enforcement",
        "needs",
        "reoffending",
    ] {
        assert!(resolved.contains_key(section), "{section} missing");
    }
    assert_eq!(
        resolved["organisation"]["prioritisation"].as_str(),
        Some("structured")
    );
}

#[test]
fn check_labels_every_key_and_its_output_reads_back_as_the_same_scenario() {
    let o = casesim(&["check", "scenarios/baseline.toml"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("caseload_cap = 50  # caseload cap [cases]"),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("resolved.toml");
    std::fs::write(&file, &text).unwrap();
    let again = casesim(&["check", file.to_str().unwrap()], None);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(String::from_utf8(again.stdout).unwrap(), text);
}

#[test]
fn every_shipped_scenario_is_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml")
            && !crate::common::is_calibration_file(&path)
        {
            let o = casesim(&["check", path.to_str().unwrap()], None);
            assert!(o.status.success(), "{}: {}", path.display(), stderr(&o));
            seen += 1;
        }
    }
    assert!(seen >= 1);
}

#[test]
fn every_organisation_option_is_reachable_by_set_and_listed_by_check() {
    for (set, section, key, expected) in [
        (
            "organisation.approach=team",
            "organisation",
            "approach",
            "\"team\"",
        ),
        (
            "organisation.approach=hybrid",
            "organisation",
            "approach",
            "\"hybrid\"",
        ),
        (
            "organisation.streaming=task",
            "organisation",
            "streaming",
            "\"task\"",
        ),
        (
            "organisation.streaming=risk",
            "organisation",
            "streaming",
            "\"risk\"",
        ),
        (
            "organisation.streaming=offence",
            "organisation",
            "streaming",
            "\"offence\"",
        ),
        (
            "organisation.streaming=need",
            "organisation",
            "streaming",
            "\"need\"",
        ),
        (
            "organisation.prioritisation=structured",
            "organisation",
            "prioritisation",
            "\"structured\"",
        ),
        (
            "organisation.discretion_spread=1.5",
            "organisation",
            "discretion_spread",
            "1.5",
        ),
        (
            "organisation.cover_group_size=4",
            "organisation",
            "cover_group_size",
            "4",
        ),
        (
            "organisation.specialist_effect=1.25",
            "organisation",
            "specialist_effect",
            "1.25",
        ),
        (
            "workforce.qualified_share=0.5",
            "workforce",
            "qualified_share",
            "0.5",
        ),
        (
            "workforce.qualified_from_tier=very_high",
            "workforce",
            "qualified_from_tier",
            "\"very_high\"",
        ),
        ("workforce.volunteers=6", "workforce", "volunteers", "6"),
        ("team.size=4", "team", "size", "4"),
        (
            "team.conference_attendance=0.5",
            "team",
            "conference_attendance",
            "0.5",
        ),
        ("reports.share=0.8", "reports", "share", "0.8"),
    ] {
        let o = casesim(&["check", "scenarios/baseline.toml", "--set", set], None);
        assert!(o.status.success(), "{set}: {}", stderr(&o));
        let resolved: toml::Table = String::from_utf8(o.stdout).unwrap().parse().unwrap();
        assert_eq!(resolved[section][key].to_string(), expected, "{set}");
    }
}

/// The value at a dotted key of a resolved scenario, as TOML text.
fn resolved_value(resolved: &toml::Table, key: &str) -> String {
    let mut parts = key.split('.');
    let mut value = &resolved[parts.next().unwrap()];
    for part in parts {
        value = &value[part];
    }
    value.to_string()
}

#[test]
fn every_mode_service_and_enforcement_option_is_reachable_by_set_and_listed_by_check() {
    for (set, expected) in [
        ("modes.policy=risk_matched", "\"risk_matched\""),
        ("modes.policy=administrative", "\"administrative\""),
        ("modes.policy=brokerage", "\"brokerage\""),
        ("modes.policy=therapeutic", "\"therapeutic\""),
        ("modes.policy=comprehensive", "\"comprehensive\""),
        ("modes.risk_map.low=brokerage", "\"brokerage\""),
        // One setting of a mode: the mode's other settings keep their defaults.
        ("modes.therapeutic.referral_share=0.9", "0.9"),
        ("modes.comprehensive.monitoring=3.0", "3.0"),
        ("services.access=open", "\"open\""),
        ("services.access=protocol", "\"protocol\""),
        ("services.access=statutory", "\"statutory\""),
        ("services.capacity_scale=0.25", "0.25"),
        ("services.substitute=false", "false"),
        ("services.providers.drugs.places=200", "200"),
        ("enforcement.policy=graduated", "\"graduated\""),
        ("enforcement.policy=strict", "\"strict\""),
        ("enforcement.sanctions_before_breach=3", "3"),
        ("circumstances.job_loss_per_requirement_hour=0.0", "0.0"),
        ("costs.staff_hour=50.0", "50.0"),
    ] {
        let o = casesim(&["check", "scenarios/baseline.toml", "--set", set], None);
        assert!(o.status.success(), "{set}: {}", stderr(&o));
        let resolved: toml::Table = String::from_utf8(o.stdout).unwrap().parse().unwrap();
        let key = set.split('=').next().unwrap();
        assert_eq!(resolved_value(&resolved, key), expected, "{set}");
        if key == "modes.therapeutic.referral_share" {
            let interval = resolved_value(&resolved, "modes.therapeutic.contact_interval_weeks");
            assert_eq!(
                interval, "1",
                "the mode's other settings keep their defaults"
            );
        }
    }
}

#[test]
fn bad_modes_services_and_enforcement_values_name_the_key() {
    assert_bad_input(
        "",
        &["--set", "modes.policy=intensive"],
        &["modes.policy", "unknown variant", "risk_matched"],
    );
    assert_bad_input(
        "[modes.brokerage]\nreferral_share = 1.5\n",
        &[],
        &[
            "bad.toml:2",
            "modes.brokerage.referral_share",
            "probability",
        ],
    );
    assert_bad_input(
        "[services.providers.thinking]\nweeks = 0\n",
        &[],
        &[
            "bad.toml:2",
            "services.providers.thinking.weeks",
            "at least 1",
        ],
    );
    assert_bad_input(
        "",
        &["--set", "services.access=closed"],
        &["services.access", "unknown variant"],
    );
    assert_bad_input(
        "",
        &["--set", "enforcement.policy=lenient"],
        &["enforcement.policy", "unknown variant", "graduated"],
    );
    // A key that moved says where it went.
    assert_bad_input(
        "[supervision.contact_interval_weeks]\nlow = 4\n",
        &[],
        &[
            "bad.toml:1",
            "contact_interval_weeks",
            "modes.<mode>.contact_interval_weeks",
        ],
    );
}

#[test]
fn validate_writes_every_check_and_its_exit_code_says_whether_all_passed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let o = casesim(
        &["validate", "--reps", "4", "--quiet", "--out", out],
        Some("2"),
    );
    let mut reader = csv::Reader::from_path(dir.path().join("validation.csv")).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "check",
            "expectation",
            "source",
            "mean",
            "ci_low",
            "ci_high",
            "n",
            "passed",
            "kind"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for check in [
        "completion_rate",
        "breach_rate",
        "reoffending_rate",
        "retention",
        "reduced_caseloads",
        "caseloads_without_treatment",
        "isp_violations",
        "isp_reoffending",
        "risk_principle_high",
        "risk_principle_low",
        "core_correctional_practices",
        "front_loading",
        "age",
        "treatment_beats_sanctions",
        "breach_at_caseload_200",
    ] {
        assert!(rows.iter().any(|r| &r[0] == check), "{check} missing");
    }
    assert!(
        rows.iter()
            .all(|r| ["validation", "calibration", "accounting", "behaviour"].contains(&&r[8])),
        "every check says its kind"
    );
    let all_passed = rows.iter().all(|r| &r[7] == "true");
    let table = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(if all_passed { 0 } else { 1 }),
        "{table}"
    );
    assert!(table.contains("passed; written to"), "{table}");
    // Bad input is still exit 2, and a --set that does not apply is named.
    let bad = casesim(&["validate", "--reps", "1"], None);
    assert_eq!(bad.status.code(), Some(2));
    let bad = casesim(
        &["validate", "--quiet", "--set", "workforce.caseload_cap=-3"],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("workforce.caseload_cap"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn sensitivity_ranks_the_keys_asked_for_and_refuses_a_key_that_is_not_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let mut args = vec![
        "sensitivity",
        "scenarios/baseline.toml",
        "--key",
        "compliance.violation_rate_per_week",
        "--key",
        "workforce.caseload_cap",
        "--reps",
        "3",
        "--quiet",
        "--out",
        out,
    ];
    args.extend(QUICK);
    let o = casesim(&args, Some("2"));
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(dir.path().join("sensitivity.csv")).unwrap();
    assert!(csv.starts_with("key,base,low,high,metric,elasticity,ci_low,ci_high,n\n"));
    // Two keys, five measures each.
    assert_eq!(csv.lines().count(), 1 + 2 * 5);
    assert!(
        csv.contains("workforce.caseload_cap,50,40,60,breach_rate,"),
        "{csv}"
    );
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.contains("breach_rate: elasticity (95% CI)"),
        "{table}"
    );

    let bad = casesim(
        &[
            "sensitivity",
            "scenarios/baseline.toml",
            "--key",
            "organisation.streaming",
        ],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("not a numeric key"),
        "{}",
        stderr(&bad)
    );
}
