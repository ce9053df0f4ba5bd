//! Plots and `report.html`: every plot kind renders from a small fixed result as a valid PNG
//! and a valid SVG of sensible size with the expected titles; the report states differences in
//! words with their CIs and is self-contained; `casesim plot DIR` redraws a directory's plots.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::common::{QUICK, casesim, stderr};
use casesim::experiment::Kind;
use casesim::output::plots::{Figure, figures};
use casesim::output::report::report_html;
use casesim::output::results::{ArmResults, Difference, Estimate, OutputDir, SurvivalPoint};

fn estimate(mean: f64, half: f64) -> Estimate {
    Estimate {
        mean: Some(mean),
        ci_low: Some(mean - half),
        ci_high: Some(mean + half),
        n: 20,
    }
}

/// An arm with made-up but coherent results; `shift` moves its rates.
fn arm(label: &str, varied: &[(&str, &str)], shift: f64) -> ArmResults {
    let mut stats = BTreeMap::new();
    for (metric, mean) in [
        ("completion_rate", 0.70 - shift),
        ("breach_rate", 0.15 - shift / 2.0),
        ("reoffending_rate", 0.30 + shift),
        ("contact_delivery_rate", 0.9 - 4.0 * shift),
        ("needs_met_rate", 0.25 - shift),
        ("mean_caseload", 40.0 + 300.0 * shift),
        ("mean_service_wait_weeks", 7.5),
        ("cost", 170_000.0 - 100_000.0 * shift),
        ("cohort_completed", 0.53),
        ("cohort_breached", 0.13),
        ("cohort_revoked_on_reconviction", 0.12),
        ("cohort_still_open", 0.22),
    ] {
        stats.insert(
            metric.to_string(),
            estimate(mean, 0.004 * mean.abs().max(1.0)),
        );
    }
    let mut by_tier = BTreeMap::new();
    for (k, tier) in ["low", "medium", "high", "very_high"].iter().enumerate() {
        by_tier.insert(
            (tier.to_string(), "reoffending_rate".to_string()),
            estimate(0.12 + 0.15 * k as f64 + shift, 0.01),
        );
    }
    let mut weekly = BTreeMap::new();
    for (column, level) in [
        ("mean_caseload", 40.0),
        ("unallocated", 6.0),
        ("service_waiting", 300.0),
    ] {
        let series = (0..120)
            .map(|w| Some(level * (1.0 + shift) * (1.0 - (-(w as f64) / 20.0).exp())))
            .collect();
        weekly.insert(column.to_string(), series);
    }
    let mut survival = BTreeMap::new();
    for (event, hazard, weeks) in [("reoffence", 0.007, 52), ("breach", 0.003, 104)] {
        let curve = (0..=weeks)
            .map(|w| {
                let s = (-(hazard + shift / 50.0) * w as f64).exp();
                SurvivalPoint {
                    week: w,
                    at_risk: 5_000 - 20 * u64::from(w),
                    survival: s,
                    ci_low: s - 0.01,
                    ci_high: (s + 0.01).min(1.0),
                }
            })
            .collect();
        survival.insert(event.to_string(), curve);
    }
    ArmResults {
        label: label.to_string(),
        varied: varied
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        stats,
        by_tier,
        by_disposal: BTreeMap::new(),
        by_age: BTreeMap::new(),
        by_need: BTreeMap::new(),
        by_offence: BTreeMap::new(),
        recalls: BTreeMap::new(),
        weekly,
        survival,
        by_replication: BTreeMap::new(),
    }
}

fn record(kind: Option<&str>, arms: usize) -> serde_json::Value {
    let scenario = serde_json::json!({
        "name": "fixture",
        "description": "A fixed result for the plot tests.",
        "simulation": { "weeks": 120, "warmup_weeks": 52, "seed": 7, "replications": 20 },
        "workforce": { "caseload_cap": 40, "case_managers": 60 },
    });
    match kind {
        None => serde_json::json!({
            "command": "casesim run fixture.toml",
            "scenario_file": "fixture.toml",
            "replications": 20,
            "measurement_window_weeks": [52, 120],
            "scenario": scenario,
        }),
        Some(kind) => serde_json::json!({
            "kind": kind,
            "command": format!("casesim {kind} fixture.toml"),
            "common_random_numbers": true,
            "replications": 20,
            "arms": (0..arms).map(|_| serde_json::json!({
                "scenario_file": "fixture.toml",
                "measurement_window_weeks": [52, 120],
                "scenario": scenario,
            })).collect::<Vec<_>>(),
        }),
    }
}

/// A sweep of the caseload cap from 40 to 70: proven reoffending 3.1 points higher at 70
/// (95% CI 2.4 to 3.8); completion no clearly different.
fn caseload_sweep() -> OutputDir {
    let arms = vec![
        arm("caseload_cap=40", &[("workforce.caseload_cap", "40")], 0.0),
        arm(
            "caseload_cap=55",
            &[("workforce.caseload_cap", "55")],
            0.015,
        ),
        arm(
            "caseload_cap=70",
            &[("workforce.caseload_cap", "70")],
            0.031,
        ),
    ];
    let difference = |metric: &str, mean: f64, lo: f64, hi: f64| Difference {
        arm: "caseload_cap=70".into(),
        reference: "caseload_cap=40".into(),
        metric: metric.into(),
        reference_mean: arms[0].mean(metric),
        arm_mean: arms[2].mean(metric),
        difference: Estimate {
            mean: Some(mean),
            ci_low: Some(lo),
            ci_high: Some(hi),
            n: 20,
        },
    };
    let differences = vec![
        difference("reoffending_rate", 0.031, 0.024, 0.038),
        difference("completion_rate", -0.031, -0.07, 0.008),
    ];
    OutputDir {
        path: PathBuf::from("fixture"),
        kind: Kind::Sweep,
        record: record(Some("sweep"), 3),
        varied_keys: vec!["workforce.caseload_cap".into()],
        arms,
        differences,
    }
}

fn comparison() -> OutputDir {
    OutputDir {
        path: PathBuf::from("fixture"),
        kind: Kind::Compare,
        record: record(Some("compare"), 2),
        varied_keys: Vec::new(),
        arms: vec![arm("individual", &[], 0.0), arm("team", &[], 0.02)],
        differences: Vec::new(),
    }
}

fn single_run() -> OutputDir {
    OutputDir {
        path: PathBuf::from("fixture"),
        kind: Kind::Run,
        record: record(None, 1),
        varied_keys: Vec::new(),
        arms: vec![arm("fixture", &[], 0.0)],
        differences: Vec::new(),
    }
}

/// Every text node of an SVG, after checking it parses as XML with an `svg` root.
fn svg_texts(figure: &Figure) -> String {
    let doc = roxmltree::Document::parse(&figure.svg)
        .unwrap_or_else(|e| panic!("{}.svg is not valid XML: {e}", figure.name));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg", "{}", figure.name);
    let width: f64 = root.attribute("width").unwrap().parse().unwrap();
    assert!(width >= 800.0, "{} is {width} wide", figure.name);
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks a PNG decodes at the figure's size and is not blank: a fair share of its pixels are
/// neither white nor near-white, and several colours appear.
fn check_png(figure: &Figure) {
    assert!(
        figure.png.len() > 10_000,
        "{}.png is only {} bytes",
        figure.name,
        figure.png.len()
    );
    let decoder = png::Decoder::new(std::io::Cursor::new(&figure.png));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG image data");
    assert!(info.width >= 800 && info.height >= 300, "{}", figure.name);
    let pixels = &buf[..info.buffer_size()];
    let inked = pixels
        .chunks(3)
        .filter(|p| p.iter().any(|&c| c < 200))
        .count();
    let share = inked as f64 / (pixels.len() / 3) as f64;
    assert!(
        share > 0.01,
        "{}.png is nearly blank ({share:.4} inked)",
        figure.name
    );
    let colours: std::collections::HashSet<&[u8]> = pixels.chunks(3).collect();
    assert!(
        colours.len() > 20,
        "{}.png has {} colours",
        figure.name,
        colours.len()
    );
}

fn by_name<'a>(figures: &'a [Figure], name: &str) -> &'a Figure {
    figures
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no {name} plot"))
}

#[test]
fn every_plot_kind_renders_as_png_and_svg_with_its_titles() {
    let dir = caseload_sweep();
    let figs = figures(&dir).unwrap();
    let names: Vec<&str> = figs.iter().map(|f| f.name).collect();
    assert_eq!(
        names,
        [
            "headline",
            "survival",
            "outcomes",
            "reoffending_by_tier",
            "timeseries"
        ]
    );
    let expected: [(&str, &[&str]); 5] = [
        (
            "headline",
            &[
                "Headline measures by caseload cap, with 95% CIs",
                "Orders completed",
                "Proven reoffending within a year",
                "Cost a week",
                "caseload cap",
            ],
        ),
        (
            "survival",
            &[
                "Time to first proven reoffence and to breach",
                "No proven reoffence yet",
                "Order not yet breached",
                "weeks since the order started",
                "caseload_cap=70",
            ],
        ),
        (
            "outcomes",
            &[
                "Where orders started in the measurement window stood at the end",
                "completed",
                "revoked for breach",
                "still open",
                "53%",
            ],
        ),
        (
            "reoffending_by_tier",
            &[
                "Proven reoffending within a year, by risk tier",
                "very high",
                "risk tier",
                "caseload_cap=55",
            ],
        ),
        (
            "timeseries",
            &[
                "Week by week",
                "Cases per case manager",
                "Cases waiting for allocation",
                "People on service waiting lists",
                "warm-up (not measured)",
            ],
        ),
    ];
    for (name, texts) in expected {
        let figure = by_name(&figs, name);
        check_png(figure);
        let svg = svg_texts(figure);
        for text in texts {
            assert!(svg.contains(text), "{name}.svg lacks {text:?}:\n{svg}");
        }
        assert!(figure.svg.len() > 5_000, "{name}.svg is tiny");
    }
}

#[test]
fn a_comparison_draws_each_arm_with_its_interval_and_a_run_has_no_headline_plot() {
    let figs = figures(&comparison()).unwrap();
    let headline = by_name(&figs, "headline");
    let svg = svg_texts(headline);
    assert!(
        svg.contains("Headline measures by arm, with 95% CIs"),
        "{svg}"
    );
    assert!(svg.contains("individual") && svg.contains("team"), "{svg}");
    check_png(headline);

    let figs = figures(&single_run()).unwrap();
    let names: Vec<&str> = figs.iter().map(|f| f.name).collect();
    assert_eq!(
        names,
        ["survival", "outcomes", "reoffending_by_tier", "timeseries"]
    );
    for f in &figs {
        check_png(f);
        svg_texts(f);
    }
}

#[test]
fn plots_are_the_same_each_time_they_are_drawn() {
    let a = figures(&caseload_sweep()).unwrap();
    let b = figures(&caseload_sweep()).unwrap();
    for (x, y) in a.iter().zip(&b) {
        assert!(x.svg == y.svg && x.png == y.png, "{} differs", x.name);
    }
}

#[test]
fn the_report_states_differences_in_words_with_their_intervals() {
    let dir = caseload_sweep();
    let html = report_html(&dir, &figures(&dir).unwrap());
    for text in [
        "Raising caseload cap from 40 to 70",
        "Raised proven reoffending within a year by 3.1 points (95% CI +2.4 to +3.8): \
         33.1% against 30.0%.",
        "Made no clear difference to orders completed (95% CI −7.0 to +0.8)",
    ] {
        assert!(html.contains(text), "the report lacks {text:?}");
    }
    // The settings that differ from the shipped baseline (caseload cap 50).
    assert!(html.contains("<code>workforce.caseload_cap</code>"));
    // The plots are inline, once each, and nothing links to a file (the page works wherever
    // it is copied).
    for name in [
        "headline",
        "survival",
        "outcomes",
        "reoffending_by_tier",
        "timeseries",
    ] {
        assert!(html.contains(&format!("<figure id=\"{name}\"")), "{name}");
    }
    assert_self_contained(&html);
    assert_eq!(html.matches("<svg ").count(), 5);
    // Tables and caveats.
    assert!(html.contains("<h3>Headline measures</h3>"));
    assert!(html.contains("Proven reoffending within a year, by risk tier"));
    assert!(html.contains("id=\"caveats\""));
    // Nobody was released from custody: no table of disposals.
    assert!(!html.contains("Community orders and custodial sentences"));
}

#[test]
fn the_report_sets_released_prisoners_beside_community_orders_when_there_are_any() {
    let mut dir = caseload_sweep();
    for (i, arm) in dir.arms.iter_mut().enumerate() {
        for (metric, mean) in [
            ("prisoners_released", 900.0),
            ("recall_rate", 0.25 + 0.01 * i as f64),
            ("services_in_place_at_release", 0.6),
        ] {
            arm.by_disposal
                .insert(("custody".into(), metric.into()), estimate(mean, 0.01));
        }
    }
    let html = report_html(&dir, &figures(&dir).unwrap());
    assert!(html.contains("<h3>Community orders and custodial sentences</h3>"));
    assert!(html.contains("<tr><td>Licences with a recall to custody</td><td>25.0%"));
    // A row undefined in every arm is left out, not shown as "undefined".
    assert!(
        !html.contains("First appointment after release missed"),
        "{html}"
    );
    assert!(!html.contains(">undefined<"));
}

#[test]
fn a_single_run_report_gives_levels_with_intervals() {
    let dir = single_run();
    let html = report_html(&dir, &figures(&dir).unwrap());
    assert!(
        html.contains("<li>Proven reoffending within a year: 30.0% <span class=\"ci\">(29.6% to 30.4%)</span>.</li>"),
        "{html}"
    );
}

/// Self-contained: no scripts, no external stylesheets or images, no network addresses
/// outside plain links.
fn assert_self_contained(html: &str) {
    assert!(!html.contains("<script"), "the report has a script");
    // Every link is to a place in the page: none to the PNG and SVG files beside it, nor to
    // ../../docs, which break once the file is copied elsewhere.
    for link in html.split("href=\"").skip(1) {
        assert!(
            link.starts_with('#'),
            "a link out of the page: {}",
            &link[..40.min(link.len())]
        );
    }
    assert!(!html.contains("<link"), "the report links a stylesheet");
    assert!(!html.contains("<img"), "the report has an external image");
    assert!(!html.contains("src=\""), "the report loads something");
    assert!(!html.contains("url("), "the CSS loads something");
    assert!(html.contains("<style>"));
}

#[test]
fn run_writes_plots_and_a_self_contained_report_and_plot_redraws_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let mut args = vec!["run", "scenarios/baseline.toml", "--quiet", "--reps", "3"];
    args.extend(QUICK);
    args.extend(["--out", out.to_str().unwrap()]);
    let o = casesim(&args, None);
    assert!(o.status.success(), "{}", stderr(&o));
    let kinds = ["survival", "outcomes", "reoffending_by_tier", "timeseries"];
    let mut drawn = Vec::new();
    for kind in kinds {
        for ext in ["png", "svg"] {
            let path = out.join(format!("{kind}.{ext}"));
            drawn.push(std::fs::read(&path).unwrap_or_else(|_| panic!("{path:?} missing")));
        }
    }
    // The outcome bars' shares account for every order started in the window.
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let mut lines = summary.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    for line in lines {
        let row: Vec<&str> = line.split(',').collect();
        let total: f64 = header
            .iter()
            .zip(&row)
            .filter(|(h, _)| h.starts_with("cohort_") && **h != "cohort_followed_up")
            // `cohort_recalled` is empty when nobody was sentenced to custody.
            .map(|(_, v)| {
                if v.is_empty() {
                    0.0
                } else {
                    v.parse::<f64>().unwrap()
                }
            })
            .sum();
        assert!((total - 1.0).abs() < 1e-9, "cohort shares sum to {total}");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_self_contained(&html);
    assert!(html.contains("casesim run: baseline"));

    // Remove them, redraw from the files alone: the same bytes come back.
    for kind in kinds {
        for ext in ["png", "svg"] {
            std::fs::remove_file(out.join(format!("{kind}.{ext}"))).unwrap();
        }
    }
    std::fs::remove_file(out.join("report.html")).unwrap();
    let o = casesim(&["plot", out.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut redrawn = Vec::new();
    for kind in kinds {
        for ext in ["png", "svg"] {
            redrawn.push(std::fs::read(out.join(format!("{kind}.{ext}"))).unwrap());
        }
    }
    assert!(drawn == redrawn, "casesim plot drew different plots");
    assert_eq!(
        std::fs::read_to_string(out.join("report.html")).unwrap(),
        html
    );
}

#[test]
fn plot_on_a_directory_without_results_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let o = casesim(&["plot", tmp.path().to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("run.json"), "{}", stderr(&o));
    let missing = tmp.path().join("nowhere");
    let o = casesim(&["plot", missing.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nowhere"), "{}", stderr(&o));
    // Nothing was written into the empty directory.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

/// A sweep crossing two settings (staff turnover 5% and 25% a year; cover groups of 1 and 4),
/// four replications each, whose handoffs per order are 0.2 + 0.4 at 25% turnover + 0.1 with
/// cover groups of 4 + 0.02 a replication (luck shared by the arms): turnover's main effect is
/// +0.4 exactly, and the scenario's question is about handoffs.
fn crossed_sweep() -> OutputDir {
    let mut arms = Vec::new();
    for (t, turnover) in ["0.05", "0.25"].iter().enumerate() {
        for (c, cover) in ["1", "4"].iter().enumerate() {
            let label = format!("turnover_rate={turnover} cover_group_size={cover}");
            let mut a = arm(
                &label,
                &[
                    ("workforce.turnover_rate", turnover),
                    ("organisation.cover_group_size", cover),
                ],
                0.0,
            );
            let handoffs = |r: u32| 0.2 + 0.4 * t as f64 + 0.1 * c as f64 + 0.02 * f64::from(r);
            a.stats
                .insert("mean_handoffs".into(), estimate(handoffs(0) + 0.015, 0.01));
            a.by_replication.insert(
                "mean_handoffs".into(),
                (0..4).map(|r| (r, handoffs(r))).collect(),
            );
            arms.push(a);
        }
    }
    let mut record = record(Some("sweep"), 4);
    for arm in record["arms"].as_array_mut().unwrap() {
        arm["scenario"]["focus"] = serde_json::json!(["mean_handoffs"]);
    }
    OutputDir {
        path: PathBuf::from("fixture"),
        kind: Kind::Sweep,
        record,
        varied_keys: vec![
            "workforce.turnover_rate".into(),
            "organisation.cover_group_size".into(),
        ],
        arms,
        differences: Vec::new(),
    }
}

#[test]
fn a_sweep_of_several_settings_is_summarised_by_main_effects_with_its_focus_first() {
    let dir = crossed_sweep();
    let figs = figures(&dir).unwrap();
    let html = report_html(&dir, &figs);
    assert!(
        html.contains("The question is about <strong>handoffs per order</strong>"),
        "{html}"
    );
    assert!(html.contains("The sweep crosses 2 settings (staff turnover; cover group size)"));
    // Turnover's effect averaged over the cover groups: exactly +0.4, levels 0.28 and 0.68.
    assert!(
        html.contains(
            "<li><strong>staff turnover 25% a year</strong> against staff turnover 5% a year:\n\
             <ul>\n<li>Raised handoffs per order by 0.40 handoffs per order (95% CI +0.40 to \
             +0.40): 0.68 against 0.28.</li>"
        ),
        "{html}"
    );
    assert!(html.contains(
        "<li><strong>cover group size 4</strong> against cover group size 1:\n<ul>\n\
         <li>Raised handoffs per order by 0.10"
    ));
    // Not every arm against the first.
    assert!(!html.contains("compared with"), "{html}");
    // The focus measure heads the table of headline measures and the headline plot.
    let table = html.split("<h3>Headline measures</h3>").nth(1).unwrap();
    let first_row = table.split("<tr><td>").nth(1).unwrap();
    assert!(
        first_row.starts_with("Handoffs per order</td>"),
        "{first_row}"
    );
    let headline = svg_texts(by_name(&figs, "headline"));
    let (handoffs, completed) = (
        headline
            .find("Handoffs per order")
            .expect("handoffs in the headline plot"),
        headline.find("Orders completed").unwrap(),
    );
    assert!(handoffs < completed, "{headline}");
    // A plot of the main effects, one column a setting, the focus measure's row first.
    let effects = by_name(&figs, "main_effects");
    check_png(effects);
    let texts = svg_texts(effects);
    assert!(
        texts.contains("Staff turnover: handoffs per order"),
        "{texts}"
    );
    assert!(
        texts.contains("Cover group size: handoffs per order"),
        "{texts}"
    );
    assert!(texts.contains("25% a year"), "{texts}");
    assert_self_contained(&html);
}

#[test]
fn a_sweep_along_one_setting_says_where_a_measure_is_flat_and_where_it_is_steep() {
    // Reoffending flat from a cap of 10 to 30, then up 9.9 points from 30 to 40.
    let base = [0.30, 0.30, 0.301, 0.40];
    let arms: Vec<ArmResults> = [10, 20, 30, 40]
        .iter()
        .zip(base)
        .map(|(cap, level)| {
            let cap = cap.to_string();
            let mut a = arm(
                &format!("caseload_cap={cap}"),
                &[("workforce.caseload_cap", &cap)],
                0.0,
            );
            a.by_replication.insert(
                "reoffending_rate".into(),
                (0..5).map(|r| (r, level + 0.01 * f64::from(r))).collect(),
            );
            a
        })
        .collect();
    let dir = OutputDir {
        path: PathBuf::from("fixture"),
        kind: Kind::Sweep,
        record: record(Some("sweep"), 4),
        varied_keys: vec!["workforce.caseload_cap".into()],
        arms,
        differences: Vec::new(),
    };
    let html = report_html(&dir, &figures(&dir).unwrap());
    assert!(
        html.contains(
            "<li>Proven reoffending within a year: flat from 10 to 30; rises steeply from 30 \
             to 40 (by 9.9 points).</li>"
        ),
        "{html}"
    );
}

#[test]
fn a_rate_is_plotted_from_zero() {
    let figs = figures(&caseload_sweep()).unwrap();
    let svg = svg_texts(by_name(&figs, "headline"));
    // Completion is about 70%: its axis starts at 0, not at 67.
    assert!(svg.contains("\n0\n"), "{svg}");
}

#[test]
fn more_orders_completed_with_fewer_contacts_and_breaches_is_explained_not_praised() {
    let mut dir = caseload_sweep();
    let html = report_html(&dir, &figures(&dir).unwrap());
    // Completion made no clear difference in the fixture: nothing to explain.
    assert!(!html.contains("Why more orders complete"));
    for (metric, mean, lo, hi) in [
        ("completion_rate", 0.05, 0.04, 0.06),
        ("breach_rate", -0.05, -0.06, -0.04),
        ("contact_delivery_rate", -0.3, -0.31, -0.29),
    ] {
        dir.differences.retain(|d| d.metric != metric);
        dir.differences.push(Difference {
            arm: "caseload_cap=70".into(),
            reference: "caseload_cap=40".into(),
            metric: metric.into(),
            reference_mean: None,
            arm_mean: None,
            difference: Estimate {
                mean: Some(mean),
                ci_low: Some(lo),
                ci_high: Some(hi),
                n: 20,
            },
        });
    }
    let html = report_html(&dir, &figures(&dir).unwrap());
    assert!(
        html.contains(
            "<strong>Why more orders complete:</strong> not because supervision works better"
        ),
        "{html}"
    );
}
