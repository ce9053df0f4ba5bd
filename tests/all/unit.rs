//! Your own unit: a caseload and posts read from CSV files, `cases_in_force`, the caseload
//! warning, and the planner's measures of waiting for allocation.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use casesim::commands::resolve_scenario;
use casesim::experiment::run_replications;
use casesim::model::journey::{Disposal, Stage};
use casesim::model::offender::NEVER;
use casesim::model::workforce::{Grade, StaffStatus};
use casesim::{Scenario, World};

use crate::common::{QUICK, casesim, small_scenario, stderr};

/// The scenario's keys as TOML (every key, as `check` prints them), with `extra` lines added
/// to the population and workforce sections.
fn scenario_file(dir: &Path, s: &Scenario, population: &str, workforce: &str) -> PathBuf {
    let mut table = toml::Value::try_from(s).unwrap();
    let t = table.as_table_mut().unwrap();
    for (section, extra) in [("population", population), ("workforce", workforce)] {
        let extra: toml::Table = extra.parse().unwrap();
        let sec = t.get_mut(section).unwrap().as_table_mut().unwrap();
        for (k, v) in extra {
            if k == "cases_in_force" {
                sec.remove("inflow_per_week");
            }
            if k == "initial_caseload" {
                sec.remove("initial_cases");
            }
            if k == "posts" {
                for replaced in ["case_managers", "volunteers", "qualified_share"] {
                    sec.remove(replaced);
                }
            }
            sec.insert(k, v);
        }
    }
    let path = dir.join("unit.toml");
    std::fs::write(&path, toml::to_string(&table).unwrap()).unwrap();
    path
}

const CASE_HEADER: &str = "risk,offence,drugs,alcohol,mental_health,accommodation,employment,\
                           family,thinking,stage,sentence_weeks,weeks_served,custody_weeks,age,\
                           patch,motivation,family_support,employed,settled";

/// The model's own initial caseload for `s`, replication 0, written as the caseload file.
fn caseload_of_the_model(s: &Scenario) -> String {
    let world = World::new(s, 0);
    let mut text = format!("{CASE_HEADER}\n");
    for o in world.cases() {
        let j = &o.journey;
        let stage = match j.stage {
            Stage::Order => "order",
            Stage::Custody => "custody",
            Stage::Licence => "licence",
            other => panic!("an initial case at {other:?}"),
        };
        let custody_weeks = match j.disposal {
            Disposal::Community => String::new(),
            Disposal::Custody => {
                let release = if j.released != NEVER {
                    j.released
                } else {
                    j.release_due
                };
                (release - j.order_start).to_string()
            }
        };
        let needs: Vec<String> = o.needs.0.iter().map(|n| n.to_string()).collect();
        let _ = writeln!(
            text,
            "{},{},{},{stage},{},{},{custody_weeks},{},{},{},{},{},{}",
            o.risk.name(),
            o.offence.name(),
            needs.join(","),
            j.order_due_end - j.order_start,
            -j.order_start,
            o.age(0),
            o.patch + 1,
            o.motivation,
            o.family_support,
            o.employed,
            o.settled,
        );
    }
    text
}

#[test]
fn an_initial_caseload_file_of_the_models_own_cases_gives_the_models_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = small_scenario();
    s.simulation.replications = 6;
    std::fs::write(dir.path().join("caseload.csv"), caseload_of_the_model(&s)).unwrap();
    let path = scenario_file(dir.path(), &s, "initial_caseload = \"caseload.csv\"", "");
    let given = resolve_scenario(&path, &[]).unwrap();
    assert_eq!(given.population.initial_cases, s.population.initial_cases);
    // The cases are those of the file, attribute by attribute.
    let (drawn, read) = (World::new(&s, 0), World::new(&given, 0));
    assert_eq!(drawn.case_count(), read.case_count());
    for (a, b) in drawn.cases().zip(read.cases()) {
        assert_eq!(
            (a.risk, a.offence, a.needs, a.patch),
            (b.risk, b.offence, b.needs, b.patch)
        );
        assert_eq!(
            (a.journey.stage, a.journey.disposal),
            (b.journey.stage, b.journey.disposal)
        );
        assert_eq!(
            (
                a.journey.order_start,
                a.journey.order_due_end,
                a.journey.release_due
            ),
            (
                b.journey.order_start,
                b.journey.order_due_end,
                b.journey.release_due
            )
        );
        assert_eq!((a.employed, a.settled), (b.employed, b.settled));
        assert!((a.age(0) - b.age(0)).abs() < 0.02);
    }
    // And the outcomes are the model's, within sampling error (the week-0 cases differ only in
    // their own random numbers, which are keyed the same).
    let (a, b) = (run_replications(&s), run_replications(&given));
    let (sa, sb) = (a.stats(), b.stats());
    for name in ["completion_rate", "reoffending_rate", "mean_caseload"] {
        let mean = |st: &[(&str, casesim::experiment::Summary)]| {
            st.iter().find(|(n, _)| *n == name).unwrap().1.mean.unwrap()
        };
        let (x, y) = (mean(&sa), mean(&sb));
        assert!(
            (x - y).abs() <= 0.03 * x.abs().max(1.0),
            "{name}: drawn {x:.4}, read {y:.4}"
        );
    }
}

#[test]
fn empty_optional_cells_are_drawn_the_same_way_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let s = small_scenario();
    let rows = "risk,offence,stage,sentence_weeks,weeks_served,age,employed\n\
                high,violent,order,52,10,30,\n\
                low,drug,licence,104,80,44.5,TRUE\n\
                medium,other,custody,104,10,25,no\n";
    std::fs::write(dir.path().join("c.csv"), rows).unwrap();
    let path = scenario_file(dir.path(), &s, "initial_caseload = \"c.csv\"", "");
    let a = resolve_scenario(&path, &[]).unwrap();
    let b = resolve_scenario(&path, &[]).unwrap();
    let (wa, wb) = (World::new(&a, 3), World::new(&b, 3));
    let cases: Vec<_> = wa.cases().collect();
    assert_eq!(cases.len(), 3);
    for (x, y) in cases.iter().zip(wb.cases()) {
        assert_eq!(
            (x.motivation, x.patch, x.employed),
            (y.motivation, y.patch, y.employed)
        );
    }
    assert!(cases[1].employed && !cases[2].employed);
    assert_eq!(cases[1].journey.stage, Stage::Licence);
    assert_eq!(cases[2].journey.stage, Stage::Custody);
    // The release fraction put the release where it falls, in custody still.
    let custody = (104.0 * a.custody.release_fraction).round() as i32;
    assert_eq!(cases[2].journey.release_due, custody - 10);
    assert!(cases.iter().all(|o| o.needs.total() == 0));
}

#[test]
fn a_posts_file_makes_exactly_those_posts() {
    let dir = tempfile::tempdir().unwrap();
    let s = small_scenario();
    let posts = "grade,hours,patch,trained,vacant,cap,reference\n\
                 qualified,30,1,true,,,A\n\
                 qualified,18.5,2,false,,,B\n\
                 assistant,30,3,,true,,C\n\
                 qualified,30,1,,,35,D\n\
                 volunteer,4,2,,,,V\n";
    std::fs::write(dir.path().join("posts.csv"), posts).unwrap();
    let path = scenario_file(dir.path(), &s, "", "posts = \"posts.csv\"");
    let given = resolve_scenario(&path, &[]).unwrap();
    assert_eq!(given.workforce.case_managers, 4);
    assert_eq!(given.workforce.volunteers, 1);
    let world = World::new(&given, 0);
    let m = world.managers();
    assert_eq!(m.len(), 5);
    assert_eq!(
        m.iter().map(|m| m.grade).collect::<Vec<_>>(),
        [
            Grade::Qualified,
            Grade::Qualified,
            Grade::Assistant,
            Grade::Qualified,
            Grade::Volunteer
        ]
    );
    assert_eq!(m[1].weekly_hours, 18.5);
    assert_eq!((m[0].trained, m[1].trained), (true, false));
    assert!(matches!(m[2].status, StaffStatus::Vacant { .. }));
    assert_eq!(m[3].cap, 35);
    assert_eq!(m[0].cap, given.workforce.caseload_cap);
    assert_eq!(m[4].cap, given.workforce.volunteer_caseload_cap);
    assert_eq!(
        m.iter().map(|m| m.patch).collect::<Vec<_>>(),
        [0, 1, 2, 0, 1]
    );
    // Four posts cannot hold a thousand cases: the run says so.
    let out = dir.path().join("out");
    let o = casesim(
        &[
            "run",
            path.to_str().unwrap(),
            "--reps",
            "1",
            "--out",
            out.to_str().unwrap(),
            "--set",
            "simulation.weeks=60",
            "--set",
            "simulation.warmup_weeks=20",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("warning: the 4 case-manager posts cannot hold"),
        "{text}"
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("Caseload warning"));
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let waiting = record["unit"]["capacity"]["cases_waiting"]
        .as_f64()
        .unwrap();
    let needed = record["unit"]["capacity"]["posts_needed"].as_u64().unwrap();
    assert!(waiting > 500.0, "{waiting}");
    assert!(needed >= 15, "{needed}");
}

#[test]
fn the_baseline_has_no_caseload_warning() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b");
    let mut args = vec!["run", "scenarios/baseline.toml", "--reps", "2", "--out"];
    args.push(out.to_str().unwrap());
    args.extend(QUICK);
    let o = casesim(&args, None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!String::from_utf8_lossy(&o.stdout).contains("warning:"));
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!report.contains("Caseload warning"));
}

#[test]
fn cases_in_force_sets_the_inflow_that_holds_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = small_scenario();
    s.simulation.replications = 4;
    s.workforce.case_managers = 40;
    let path = scenario_file(dir.path(), &s, "cases_in_force = 1200", "");
    let resolved = resolve_scenario(&path, &[]).unwrap();
    let inflow = resolved.population.inflow_per_week;
    assert!((15.0..40.0).contains(&inflow), "{inflow}");
    let worked = resolved.unit.inflow_worked_out.as_ref().unwrap();
    assert_eq!(worked.inflow_per_week, inflow);
    // The run holds what was asked for: cases held, or waiting, in the window.
    let results = run_replications(&resolved);
    let start = resolved.simulation.warmup_weeks as i32;
    let (mut sum, mut n) = (0.0, 0.0);
    for r in &results.replications {
        for w in r.weeks.iter().filter(|w| w.week >= start) {
            sum += f64::from(
                w.cases.held_by_staff + w.cases.held_by_volunteers + w.steps.waiting_at_allocation,
            );
            n += 1.0;
        }
    }
    let held = sum / n;
    assert!(
        (held - 1200.0).abs() < 0.05 * 1200.0,
        "held {held:.0} for 1200"
    );
    // check prints what was worked out.
    let o = casesim(&["check", path.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains(&format!("inflow of {inflow:.2} cases a week")),
        "{text}"
    );
}

#[test]
fn the_shipped_template_runs_and_warns() {
    let o = casesim(&["check", "scenarios/my_unit.toml"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("population.cases_in_force = 2500"), "{text}");
    assert!(
        text.contains("warning: the 45 case-manager posts cannot hold"),
        "{text}"
    );
}

/// Runs `casesim check` on a scenario naming `caseload` and `posts` files with the given
/// contents; returns the exit code and stderr.
fn check_with(caseload: Option<&str>, posts: Option<&str>, extra: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut toml = String::from("[population]\n");
    if let Some(c) = caseload {
        std::fs::write(dir.path().join("cases.csv"), c).unwrap();
        toml.push_str("initial_caseload = \"cases.csv\"\n");
    }
    toml.push_str(extra);
    if let Some(p) = posts {
        std::fs::write(dir.path().join("posts.csv"), p).unwrap();
        toml.push_str("[workforce]\nposts = \"posts.csv\"\n");
    }
    let path = dir.path().join("s.toml");
    std::fs::write(&path, toml).unwrap();
    let o = casesim(&["check", path.to_str().unwrap()], None);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

const GOOD_CASE: &str = "risk,offence,stage,sentence_weeks,weeks_served,age\n\
                         low,drug,order,52,10,30\n";

#[test]
fn bad_rows_are_refused_naming_file_row_and_column() {
    for (rows, row, column, says) in [
        ("medum,drug,order,52,10,30", 2, "risk", "unknown variant"),
        (
            "low,drug,order,52,52,30",
            2,
            "weeks_served",
            "not below sentence_weeks",
        ),
        ("low,drug,prison,52,10,30", 2, "stage", "unknown variant"),
        (
            "low,drug,order,52,ten,30",
            2,
            "weeks_served",
            "invalid digit",
        ),
        ("low,drug,order,52,10,7", 2, "age", "not from 10 to 100"),
    ] {
        let text = format!("{GOOD_CASE}{rows}\n");
        let (code, err) = check_with(Some(&text), None, "");
        assert_eq!(code, 2, "{rows}: {err}");
        assert!(err.contains("cases.csv:3"), "{rows}: {err}");
        assert!(
            err.contains(&format!("row {row}, column `{column}`")),
            "{rows}: {err}"
        );
        assert!(err.contains(says), "{rows}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let (code, err) = check_with(
        Some(
            "risk,offence,stage,sentence_weeks,weeks_served,age,drugs\nlow,drug,order,52,1,30,4\n",
        ),
        None,
        "",
    );
    assert_eq!(code, 2);
    assert!(err.contains("row 1, column `drugs`: severity 4"), "{err}");
    let (code, err) = check_with(
        Some(
            "risk,offence,stage,sentence_weeks,weeks_served,age,colour\nlow,drug,order,52,1,30,red\n",
        ),
        None,
        "",
    );
    assert_eq!(code, 2);
    assert!(err.contains("unknown field `colour`"), "{err}");
    let (code, err) = check_with(Some("risk,offence\nlow,drug\n"), None, "");
    assert_eq!(code, 2);
    assert!(err.contains("missing field `stage`"), "{err}");
    let (code, err) = check_with(Some("risk,offence,stage\n"), None, "");
    assert_eq!(code, 2);
    assert!(err.contains("no rows"), "{err}");
    let (code, err) = check_with(
        None,
        Some("grade,hours,patch,specialism\nqualified,30,1,violent\n"),
        "",
    );
    assert_eq!(code, 2);
    assert!(err.contains("posts.csv:2"), "{err}");
    assert!(err.contains("column `specialism`"), "{err}");
    let (code, err) = check_with(None, Some("grade,hours,patch\nqualified,30,9\n"), "");
    assert_eq!(code, 2);
    assert!(err.contains("row 1, column `patch`"), "{err}");
    let (code, err) = check_with(
        None,
        Some("grade,hours,patch,vacant\nqualified,30,1,maybe\n"),
        "",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("column `vacant`") && err.contains("not true or false"),
        "{err}"
    );
}

#[test]
fn a_key_a_file_replaces_cannot_be_given_too_and_a_missing_file_is_named() {
    let (code, err) = check_with(Some(GOOD_CASE), None, "initial_cases = 100\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("population.initial_cases") && err.contains("give one"),
        "{err}"
    );
    let (code, err) = check_with(None, None, "cases_in_force = 100\ninflow_per_week = 3.0\n");
    assert_eq!(code, 2);
    assert!(err.contains("population.inflow_per_week"), "{err}");
    let (code, err) = check_with(None, None, "initial_caseload = \"nowhere.csv\"\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("nowhere.csv") && err.contains("cannot read"),
        "{err}"
    );
    let (code, err) = check_with(Some(GOOD_CASE), None, "");
    assert_eq!(code, 0, "{err}");
    // An argument replaces what the file gives: cases in force for the baseline's inflow, and
    // an inflow for the template's cases in force.
    let o = casesim(
        &[
            "check",
            "scenarios/baseline.toml",
            "--set",
            "population.cases_in_force=2500",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("population.cases_in_force = 2500:"));
    let o = casesim(
        &[
            "check",
            "scenarios/my_unit.toml",
            "--set",
            "population.inflow_per_week=40",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("inflow_per_week = 40") && text.contains("cases_in_force = 0"),
        "{text}"
    );
    // A file an argument names is its problem.
    let o = casesim(
        &[
            "check",
            "scenarios/baseline.toml",
            "--set",
            "workforce.posts=nowhere.csv",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--set workforce.posts=nowhere.csv"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn waiting_after_allocation_leaves_out_the_leaver_spike() {
    let mut s = small_scenario();
    s.simulation.replications = 4;
    // Room for everyone under the cap.
    s.workforce.case_managers = 30;
    let results = run_replications(&s);
    let mean = |name: &str| {
        let st = results.stats();
        st.iter().find(|(n, _)| *n == name).unwrap().1.mean.unwrap()
    };
    // With room for everyone, leavers' cases are the only ones waiting at the week's end,
    // and they are found a case manager at the next allocation.
    assert!(mean("leavers_cases_per_week") > 0.5);
    assert!(mean("unallocated_cases") >= mean("leavers_cases_per_week") - 1e-9);
    assert!(mean("waiting_at_allocation") < 0.1 * mean("unallocated_cases"));
    let first_contact = mean("mean_weeks_sentence_to_first_contact");
    assert!((0.0..2.0).contains(&first_contact), "{first_contact}");
    // Without turnover there is no spike.
    let mut steady = s.clone();
    steady.workforce.turnover_rate = 0.0;
    let r = run_replications(&steady);
    let st = r.stats();
    let get = |name: &str| st.iter().find(|(n, _)| *n == name).unwrap().1.mean.unwrap();
    assert_eq!(get("leavers_cases_per_week"), 0.0);
    // Too few posts: cases wait after allocation, and their first contact comes later.
    let mut short = s.clone();
    short.workforce.case_managers = 14;
    let r = run_replications(&short);
    let st = r.stats();
    let get = |name: &str| st.iter().find(|(n, _)| *n == name).unwrap().1.mean.unwrap();
    assert!(get("waiting_at_allocation") > 50.0);
    assert!(get("mean_weeks_sentence_to_first_contact") > first_contact + 1.0);
}

#[test]
fn posts_under_risk_and_task_streaming_hold_only_their_work() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = small_scenario();
    s.simulation.weeks = 80;
    s.simulation.warmup_weeks = 20;
    s.population.patches = 2;
    let mut risk = String::from("grade,hours,patch,specialism\n");
    for p in 1..=2 {
        risk.push_str(&format!("qualified,30,{p},reports\n"));
    }
    for (tier, n) in [("low", 6), ("medium", 8), ("high", 6), ("very_high", 3)] {
        for i in 0..n {
            risk.push_str(&format!("qualified,30,{},{tier}\n", i % 2 + 1));
        }
    }
    std::fs::write(dir.path().join("risk.csv"), &risk).unwrap();
    s.organisation.streaming = casesim::scenario::Streaming::Risk;
    // The planner's posts as they are: no re-division between tiers (tests/all/specialisation.rs
    // tests what re-division keeps).
    s.organisation.redivision_interval_weeks = 0;
    let path = scenario_file(dir.path(), &s, "", "posts = \"risk.csv\"");
    let given = resolve_scenario(&path, &[]).unwrap();
    assert_eq!(given.workforce.case_managers, 25);
    let mut held = 0;
    casesim::experiment::simulate_with(&given, 0, |world| {
        world.check_invariants().unwrap();
        // A case whose stage began this week is handed over at the start of the next.
        let settled =
            |o: &&casesim::model::offender::Offender| o.journey.stage_started < world.week() - 1;
        for o in world
            .cases()
            .filter(|o| o.journey.stage == Stage::Order)
            .filter(settled)
        {
            if let Some(m) = o.supervision.manager.index() {
                let post = &world.managers()[m];
                assert_eq!(
                    usize::from(post.specialism),
                    o.risk.index(),
                    "case {}",
                    o.id
                );
                held += 1;
            }
        }
    });
    assert!(held > 10_000, "{held}");
    // Task streaming: report writers write reports, supervisors hold orders.
    let task = "grade,hours,patch,specialism\nqualified,30,1,reports\nqualified,30,2,reports\n\
                qualified,30,1,supervision\nqualified,30,2,supervision\nqualified,30,1,licence\n";
    std::fs::write(dir.path().join("task.csv"), task).unwrap();
    s.organisation.streaming = casesim::scenario::Streaming::Task;
    let path = scenario_file(dir.path(), &s, "", "posts = \"task.csv\"");
    let given = resolve_scenario(&path, &[]).unwrap();
    casesim::experiment::simulate_with(&given, 0, |world| {
        world.check_invariants().unwrap();
        for o in world
            .cases()
            .filter(|o| o.journey.stage_started < world.week() - 1)
        {
            let Some(m) = o.supervision.manager.index() else {
                continue;
            };
            let f = world.managers()[m].function;
            use casesim::model::workforce::Function;
            match o.journey.stage {
                Stage::PreSentence => assert_eq!(f, Function::Reports),
                Stage::Order => assert_eq!(f, Function::Supervision),
                Stage::Licence => assert_eq!(f, Function::Licence),
                _ => {}
            }
        }
    });
    // A specialism the streaming does not have is refused.
    let (code, err) = check_with(
        None,
        Some("grade,hours,patch,specialism\nqualified,30,1,reports\nqualified,30,1,team\n"),
        "[organisation]\nstreaming = \"task\"\n",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("row 2, column `specialism`"), "{err}");
}
