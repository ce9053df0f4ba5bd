//! The budget (docs/ODD.md): posts paid whether busy, idle or absent, by grade; vacancies
//! unpaid or covered by agency workers; recruitment per leaver. Each property is checked on
//! paired arms on common random numbers, and bad input for the keys exits 2 naming them.

use crate::common::{
    QUICK, assert_higher, casesim, metric, paired_difference, replicate, small_scenario, stderr,
};
use casesim::Scenario;
use casesim::scenario::{ServiceContract, VacancyCover};

fn no_leavers() -> Scenario {
    let mut s = small_scenario();
    s.simulation.replications = 6;
    s.workforce.turnover_rate = 0.0;
    s
}

#[test]
fn ten_more_case_managers_raise_staff_cost_by_ten_posts_pay() {
    let base = no_leavers();
    let mut hired = base.clone();
    hired.workforce.case_managers += 10;
    let (b, h) = (replicate(&base), replicate(&hired));
    let c = &base.costs;
    let ten_posts = 10.0 * c.post_week(c.qualified_salary);
    for (x, y) in metric(&h, "staff_cost")
        .iter()
        .zip(metric(&b, "staff_cost"))
    {
        assert!(x - y >= ten_posts - 1e-6, "{} against {ten_posts}", x - y);
    }
    // The whole cost rises too (outcomes may move custody and services either way, but not
    // by as much as ten posts).
    let (d, lo, _) = paired_difference(&metric(&h, "cost"), &metric(&b, "cost"));
    assert!(lo > 0.0, "cost with ten more posts: {d}");
    // Support-grade posts cost less than qualified ones.
    let mut support = base.clone();
    support.workforce.qualified_share = 0.5;
    assert_higher(
        &metric(&b, "post_cost"),
        &metric(&replicate(&support), "post_cost"),
        "pay of the posts, one grade vs half support grade",
    );
}

#[test]
fn absence_and_turnover_do_not_lower_staff_cost() {
    let base = no_leavers();
    let mut absent = base.clone();
    absent.workforce.absence_rate = 0.2;
    let (b, a) = (replicate(&base), replicate(&absent));
    // Absent staff are paid: the pay of the posts is the same to the penny.
    for (x, y) in metric(&a, "staff_cost")
        .iter()
        .zip(metric(&b, "staff_cost"))
    {
        assert!((x - y).abs() < 0.01, "{x} {y}");
    }
    // Under agency cover, more leavers cost more.
    let mut agency = small_scenario();
    agency.workforce.vacancy_cover = VacancyCover::Agency;
    let mut churn = agency.clone();
    churn.workforce.turnover_rate = 0.36;
    assert_higher(
        &metric(&replicate(&churn), "staff_cost"),
        &metric(&replicate(&agency), "staff_cost"),
        "staff cost, turnover 36% vs 12%, agency cover",
    );
}

#[test]
fn agency_cover_raises_cost_and_the_hours_delivered() {
    let mut empty = small_scenario();
    empty.workforce.turnover_rate = 0.3;
    let mut agency = empty.clone();
    agency.workforce.vacancy_cover = VacancyCover::Agency;
    let (e, a) = (replicate(&empty), replicate(&agency));
    assert_higher(
        &metric(&a, "staff_hours"),
        &metric(&e, "staff_hours"),
        "hours delivered, agency cover vs none",
    );
    assert_higher(
        &metric(&a, "staff_cost"),
        &metric(&e, "staff_cost"),
        "staff cost, agency cover vs none",
    );
    assert!(metric(&a, "agency_cost").iter().all(|&x| x > 0.0));
    assert!(metric(&e, "agency_cost").iter().all(|&x| x == 0.0));
    // Off (no leavers), the cover changes nothing at all.
    let off = no_leavers();
    let mut on = off.clone();
    on.workforce.vacancy_cover = VacancyCover::Agency;
    let (x, y) = (replicate(&off), replicate(&on));
    for (p, q) in x.iter().zip(&y) {
        assert_eq!(p.metrics, q.metrics);
    }
}

#[test]
fn the_parts_of_the_budget_add_up_to_cost() {
    let mut s = small_scenario();
    s.simulation.replications = 3;
    s.workforce.volunteers = 6;
    let results = replicate(&s);
    for r in &results {
        for w in &r.weeks {
            assert!((w.cost - w.costs.total()).abs() < 1e-6);
        }
        let m = &r.metrics;
        let parts = [
            m.post_cost,
            m.agency_cost,
            m.recruitment_cost,
            m.volunteer_cost,
            m.chair_cost,
            m.service_cost,
            m.requirement_cost,
            m.custody_cost,
        ]
        .map(|v| v.unwrap());
        let sum: f64 = parts.iter().sum();
        assert!(
            (sum - m.cost.unwrap()).abs() < 1e-6 * sum,
            "{sum} {:?}",
            m.cost
        );
        assert!(m.volunteer_cost.unwrap() > 0.0);
    }
}

#[test]
fn block_contracts_pay_for_places_whether_used_or_not() {
    let mut per_use = small_scenario();
    per_use.simulation.replications = 3;
    let mut block = per_use.clone();
    block.costs.service_contract = ServiceContract::Block;
    let (u, b) = (replicate(&per_use), replicate(&block));
    for (x, y) in u.iter().zip(&b) {
        assert!(y.metrics.service_cost.unwrap() >= x.metrics.service_cost.unwrap());
        // Only the cost changes.
        assert_eq!(x.metrics.reoffending_rate, y.metrics.reoffending_rate);
        assert_eq!(x.metrics.staff_hours, y.metrics.staff_hours);
    }
}

#[test]
fn bad_cost_and_cover_keys_exit_2_naming_the_key() {
    for (set, key) in [
        ("costs.qualified_salary=-1", "costs.qualified_salary"),
        ("costs.agency_premium=-0.5", "costs.agency_premium"),
        ("costs.ni_rate=2", "costs.ni_rate"),
        ("costs.service_contract=sometimes", "costs.service_contract"),
        ("workforce.vacancy_cover=temps", "workforce.vacancy_cover"),
        (
            "workforce.agency_start_weeks=-2",
            "workforce.agency_start_weeks",
        ),
    ] {
        let o = casesim(&["check", "scenarios/baseline.toml", "--set", set], None);
        assert_eq!(o.status.code(), Some(2), "{set}: {}", stderr(&o));
        assert!(stderr(&o).contains(key), "{set}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
    }
}

#[test]
fn a_comparison_writes_what_the_extra_cost_buys() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // The baseline under another name: the same unit, so no extra cost and no effect.
    let copy = dir.path().join("copy.toml");
    let text = std::fs::read_to_string("scenarios/baseline.toml").unwrap();
    std::fs::write(
        &copy,
        text.replace("name = \"baseline\"", "name = \"baseline_copy\""),
    )
    .unwrap();
    let mut args = vec![
        "compare",
        "scenarios/baseline.toml",
        copy.to_str().unwrap(),
        "--reps",
        "3",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(QUICK);
    let o = casesim(&args, Some("2"));
    assert!(o.status.success(), "{}", stderr(&o));
    let mut reader = csv::Reader::from_path(out.join("cost_effectiveness.csv")).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "arm",
            "reference",
            "measure",
            "extra_cost_per_week",
            "extra_cost_ci_low",
            "extra_cost_ci_high",
            "effect_per_week",
            "effect_ci_low",
            "effect_ci_high",
            "ratio",
            "ci_low",
            "ci_high",
            "n"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let measures: Vec<&str> = rows.iter().map(|r| &r[2]).collect();
    assert_eq!(
        measures,
        [
            "cost_per_extra_completed_order",
            "cost_per_proven_reoffence_avoided"
        ]
    );
    // An arm against itself: no extra cost, no effect, no ratio.
    for r in &rows {
        assert_eq!(&r[3], "0");
        assert_eq!(&r[9], "");
    }
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("id=\"budget\""));
    assert!(
        report.contains("not distinguishable from zero"),
        "no ratio said"
    );
}
