//! `report.html`: one self-contained page (inline SVG and CSS, no scripts, no network) that a
//! planner or trainer can open or put in front of a room: what was run, what differs from the
//! shipped baseline, the main differences in plain words with their confidence intervals, the
//! plots, the tables, and the model's main assumptions and caveats.

use std::fmt::Write as _;

use html_escape::encode_text as esc;
use serde_json::Value;

use crate::experiment::Kind;
use crate::metrics::{Measure, Unit};
use crate::output::effects::{self, Factor, Slope, key_label, value_words};
use crate::output::plots::{Figure, headline_measures};
use crate::output::results::{ArmResults, Estimate, OutputDir};
use crate::scenario::table::readable;
use crate::scenario::{ScenarioSource, scenario_from_source};

/// The measures the plain-language findings speak about, in this order.
const FINDINGS: [&str; 8] = [
    "reoffending_rate",
    "breach_rate",
    "completion_rate",
    "recall_rate",
    "contact_delivery_rate",
    "needs_met_rate",
    "mean_service_wait_weeks",
    "cost",
];

fn measure(metric: &str) -> Option<&'static Measure> {
    crate::metrics::measure(metric)
}

/// The measures the scenario's question is about (its `focus`, as run.json records the
/// scenario), in its order; names that are not measures are left out.
pub fn focus(dir: &OutputDir) -> Vec<&'static Measure> {
    dir.scenario(0)
        .and_then(|s| s.get("focus")?.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|v| measure(v.as_str()?))
        .collect()
}

/// The focus measures first, then `rest` (each once), keeping those defined in some arm.
pub fn focus_first(
    dir: &OutputDir,
    rest: impl IntoIterator<Item = &'static Measure>,
) -> Vec<&'static Measure> {
    let mut out: Vec<&'static Measure> = Vec::new();
    for m in focus(dir).into_iter().chain(rest) {
        if !out.iter().any(|o| o.name == m.name)
            && dir.arms.iter().any(|a| a.mean(m.name).is_some())
        {
            out.push(m);
        }
    }
    out
}

/// A number with as many decimals as its size needs to show a difference: none from 100,
/// one from 1, two from 0.1, three below (handoffs per order, 0.27; a change of 0.04).
pub fn fixed(v: f64) -> String {
    let a = v.abs();
    let decimals = if a >= 100.0 {
        0
    } else if a >= 1.0 {
        1
    } else if a >= 0.1 || a == 0.0 {
        2
    } else {
        3
    };
    format!("{v:.decimals$}")
}

/// A value with its unit, for prose and tables: `71.6%`, `7.7 weeks`, `£177,730`.
pub fn value_text(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Share => format!("{:.1}%", v * 100.0),
        Unit::Score | Unit::Count(_) => fixed(v),
        Unit::Weeks => format!("{} weeks", fixed(v)),
        Unit::Hours => format!("{} hours", fixed(v)),
        Unit::Money(_) => format!("£{}", thousands(v)),
    }
}

/// The size of a difference: `3.1 points`, `1.2 weeks`, `£1,230 a week`.
pub fn size_text(unit: Unit, d: f64) -> String {
    let d = d.abs();
    match unit {
        Unit::Share => format!("{:.1} points", d * 100.0),
        Unit::Score => fixed(d),
        Unit::Count(what) => format!("{} {what}", fixed(d)),
        Unit::Weeks => format!("{} weeks", fixed(d)),
        Unit::Hours => format!("{} hours a week", fixed(d)),
        Unit::Money(per) => format!("£{} {per}", thousands(d)),
    }
}

/// A signed bound of a CI: `+2.4`, `−0.3`.
pub fn bound_text(unit: Unit, v: f64) -> String {
    let (sign, v) = if v < 0.0 { ("−", -v) } else { ("+", v) };
    match unit {
        Unit::Share => format!("{sign}{:.1}", v * 100.0),
        Unit::Money(_) => format!("{sign}£{}", thousands(v)),
        _ => format!("{sign}{}", fixed(v)),
    }
}

pub use crate::text::thousands;

fn estimate_text(unit: Unit, e: &Estimate) -> String {
    match (e.mean, e.ci_low, e.ci_high) {
        (Some(m), Some(lo), Some(hi)) => format!(
            "{} <span class=\"ci\">({} to {})</span>",
            value_text(unit, m),
            value_text(unit, lo),
            value_text(unit, hi)
        ),
        (Some(m), _, _) => value_text(unit, m),
        _ => "<span class=\"ci\">undefined</span>".into(),
    }
}

/// Writes the report.
pub fn report_html(dir: &OutputDir, figures: &[Figure]) -> String {
    let name = report_name(dir);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>casesim: {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(&name)
    );
    let _ = writeln!(h, "<h1>casesim {}: {}</h1>", dir.kind.name(), esc(&name));
    if let Some(description) = dir.scenario(0).and_then(|s| s.get("description")?.as_str()) {
        let _ = writeln!(h, "<p class=\"lead\">{}</p>", esc(description));
    }
    let groups = shows_groups(dir);
    contents(&mut h, figures, has_enforcement(dir), groups);
    // The unit's caseload warning, if any, then the answer: findings, plots and tables; then
    // what was run and how it was set.
    unit_section(&mut h, dir);
    posterior_section(&mut h, dir);
    findings(&mut h, dir);
    cost_section(&mut h, dir);
    enforcement_section(&mut h, dir);
    if groups {
        groups_section(&mut h, dir);
    }
    h.push_str("<section id=\"plots\">\n<h2>Plots</h2>\n");
    for f in figures {
        let _ = write!(
            h,
            "<figure id=\"{name}\" aria-label=\"{title}\">\n{svg}\n<figcaption>{caption} \
             <span class=\"ci\">(Also {name}.png and {name}.svg in the output \
             directory.)</span></figcaption>\n</figure>\n",
            name = f.name,
            title = esc(&f.title),
            svg = inline_svg(&f.svg),
            caption = esc(&f.caption),
        );
    }
    h.push_str("</section>\n");
    tables(&mut h, dir);
    what_was_run(&mut h, dir);
    settings(&mut h, dir);
    caveats(&mut h, dir);
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

/// The `--set` arguments of the run in words: "caseload cap set to 60".
fn settings_words(dir: &OutputDir) -> Vec<String> {
    dir.record
        .get("settings")
        .and_then(|s| s.as_array())
        .into_iter()
        .flatten()
        .filter_map(|s| {
            let (key, value) = s.as_str()?.split_once('=')?;
            Some(format!(
                "{} set to {}",
                key_label(key),
                value_words(key, value)
            ))
        })
        .collect()
}

fn report_name(dir: &OutputDir) -> String {
    let name = report_base_name(dir);
    let set = settings_words(dir);
    if set.is_empty() {
        name
    } else {
        format!("{name}, with {}", set.join(" and "))
    }
}

fn report_base_name(dir: &OutputDir) -> String {
    match dir.kind {
        Kind::Run => dir
            .scenario(0)
            .and_then(|s| s.get("name")?.as_str().map(String::from))
            .unwrap_or_else(|| "run".into()),
        Kind::Sweep => {
            let base = dir
                .scenario(0)
                .and_then(|s| s.get("name")?.as_str().map(String::from))
                .unwrap_or_default();
            let factors = effects::factors(dir);
            let names: Vec<String> = factors.iter().map(Factor::name).collect();
            format!("{base}, varying {}", names.join("; "))
        }
        Kind::Compare => dir
            .arms
            .iter()
            .map(|a| a.label.as_str())
            .collect::<Vec<_>>()
            .join(" vs "),
    }
}

/// An SVG as written by plotters, ready to sit in HTML: no XML declaration, and labelled for
/// screen readers by its first text.
pub fn inline_svg(svg: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    svg[start..].replacen("<svg ", "<svg role=\"img\" ", 1)
}

fn contents(h: &mut String, figures: &[Figure], enforcement: bool, groups: bool) {
    h.push_str(
        "<nav><a href=\"#findings\">Main findings</a> · <a href=\"#budget\">The budget</a> · ",
    );
    if enforcement {
        h.push_str("<a href=\"#enforcement\">Enforcement</a> · ");
    }
    if groups {
        h.push_str("<a href=\"#by-need\">By need and offence type</a> · ");
    }
    h.push_str("<a href=\"#plots\">Plots</a>");
    for f in figures {
        let _ = write!(
            h,
            " (<a href=\"#{}\">{}</a>)",
            f.name,
            f.name.replace('_', " ")
        );
    }
    h.push_str(
        " · <a href=\"#tables\">Tables</a> · <a href=\"#run\">What was run</a> · \
         <a href=\"#settings\">Settings</a> · <a href=\"#caveats\">Assumptions and caveats</a>\
         </nav>\n",
    );
}

fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn what_was_run(h: &mut String, dir: &OutputDir) {
    let r = &dir.record;
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut row = |k: &str, v: String| rows.push((k.to_string(), v));
    if let Some(c) = r.get("command") {
        row("command", format!("<code>{}</code>", esc(&json_text(c))));
    }
    let scenario = dir.scenario(0);
    let sim = scenario.and_then(|s| s.get("simulation"));
    match dir.kind {
        Kind::Run => {
            if let Some(f) = r.get("scenario_file") {
                row("scenario file", esc(&json_text(f)).into_owned());
            }
        }
        _ => {
            let arms = r.get("arms").and_then(|a| a.as_array());
            let mut files: Vec<String> = arms
                .into_iter()
                .flatten()
                .filter_map(|a| a.get("scenario_file").map(json_text))
                .collect();
            files.dedup();
            row("scenario files", esc(&files.join(", ")).into_owned());
            let factors = effects::factors(dir);
            let arms = if factors.len() > 1 {
                // A grid: its settings and their values, not every arm's label.
                let parts: Vec<String> = factors
                    .iter()
                    .map(|f| {
                        let values: Vec<String> = f
                            .levels
                            .iter()
                            .map(|l| {
                                f.keys
                                    .iter()
                                    .zip(&l.values)
                                    .map(|(k, v)| value_words(k, v))
                                    .collect::<Vec<_>>()
                                    .join(" with ")
                            })
                            .collect();
                        format!("{} ({})", f.name(), values.join(", "))
                    })
                    .collect();
                format!(
                    "{}: every combination of {} (the arms are listed under Settings)",
                    dir.arms.len(),
                    esc(&parts.join("; "))
                )
            } else {
                format!(
                    "{}: {}",
                    dir.arms.len(),
                    esc(&dir
                        .arms
                        .iter()
                        .map(|a| a.label.as_str())
                        .collect::<Vec<_>>()
                        .join("; "))
                )
            };
            row("arms", arms);
            if let Some(crn) = r.get("common_random_numbers").and_then(|v| v.as_bool()) {
                row(
                    "random numbers",
                    if crn {
                        "common to every arm: replication r of every arm sees the same people \
                         with the same luck, so differences are paired"
                            .into()
                    } else {
                        "independent for each arm".into()
                    },
                );
            }
        }
    }
    if let Some(reps) = r.get("replications") {
        row("replications", json_text(reps));
    }
    if let Some(seed) = sim.and_then(|s| s.get("seed")) {
        row("seed", json_text(seed));
    }
    if let Some((warmup, weeks)) = dir.window() {
        row(
            "weeks simulated",
            format!("{weeks}, measured from week {warmup} (the first {warmup} are a warm-up)"),
        );
    }
    if let (Some(ow), Some(t)) = (
        r.get("offender_weeks").and_then(|v| v.as_f64()),
        r.get("wall_time_seconds").and_then(|v| v.as_f64()),
    ) {
        let threads = r.get("threads").map(json_text).unwrap_or_default();
        row(
            "run time",
            format!(
                "{t:.1} s on {threads} threads ({} offender-weeks)",
                thousands(ow)
            ),
        );
    }
    if let Some(v) = r.get("casesim_version") {
        row("casesim version", json_text(v));
    }
    h.push_str("<section id=\"run\">\n<h2>What was run</h2>\n<table class=\"facts\">\n");
    for (k, v) in rows {
        let _ = writeln!(h, "<tr><th>{k}</th><td>{v}</td></tr>");
    }
    h.push_str("</table>\n</section>\n");
}

/// The unit's paragraph, from `run.json`'s `unit` records: the inflow `cases_in_force` worked
/// out, and the warning when the posts cannot hold the caseload expected (for a sweep or
/// comparison, each arm that has one). Nothing when there is nothing to say.
fn unit_section(h: &mut String, dir: &OutputDir) {
    let units: Vec<(Option<&str>, &Value)> = match dir.kind {
        Kind::Run => dir
            .record
            .get("unit")
            .map(|u| (None, u))
            .into_iter()
            .collect(),
        _ => dir
            .record
            .get("arms")
            .and_then(|a| a.as_array())
            .into_iter()
            .flatten()
            .filter_map(|a| Some((a.get("arm")?.as_str(), a.get("unit")?)))
            .collect(),
    };
    let mut paragraphs = Vec::new();
    for (arm, unit) in units {
        let arm = arm
            .map(|a| format!("<b>{}</b>: ", esc(a)))
            .unwrap_or_default();
        if let Some(w) = unit.get("inflow_worked_out") {
            let number = |k: &str| w.get(k).and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
            paragraphs.push(format!(
                "<p>{arm}{} cases in force: each new case is held about {:.1} weeks, so the \
                 inflow that holds them is {:.2} cases a week, with {} sentences in force at \
                 the start{}.</p>",
                thousands(number("cases_in_force")),
                number("weeks_held_per_case"),
                number("inflow_per_week"),
                thousands(number("initial_cases")),
                if w.get("initial_cases_from_file").and_then(|v| v.as_bool()) == Some(true) {
                    " (the rows of the initial caseload file)"
                } else {
                    ""
                },
            ));
        }
        if let Some(warning) = unit
            .get("capacity")
            .and_then(|c| c.get("warning"))
            .and_then(|w| w.as_str())
        {
            paragraphs.push(format!(
                "<p class=\"warning\">{arm}<strong>Caseload warning:</strong> {}.</p>",
                esc(&capitalise(warning))
            ));
        }
    }
    if paragraphs.is_empty() {
        return;
    }
    h.push_str("<section id=\"unit\">\n<h2>The unit's caseload</h2>\n");
    for p in paragraphs {
        h.push_str(&p);
        h.push('\n');
    }
    h.push_str("</section>\n");
}

/// A JSON tree flattened to dotted keys and scalar values (arrays kept whole).
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, child, out);
            }
        }
        other => out.push((prefix.to_string(), other.clone())),
    }
}

fn flat(v: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    flatten("", v, &mut out);
    out.retain(|(k, _)| {
        k != "name" && k != "description" && k != "focus" && !k.starts_with("sweep.")
    });
    out
}

/// The shipped baseline as resolved, flattened.
fn baseline() -> Vec<(String, Value)> {
    let source = ScenarioSource::new(
        "scenarios/baseline.toml",
        crate::scenario::BASELINE_TOML.to_string(),
    );
    scenario_from_source(&source, &[])
        .ok()
        .and_then(|s| serde_json::to_value(s).ok())
        .map(|v| flat(&v))
        .unwrap_or_default()
}

/// Numbers equal as numbers (`40` and `40.0`), everything else as JSON.
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn settings(h: &mut String, dir: &OutputDir) {
    h.push_str(
        "<section id=\"settings\">\n<h2>Settings that differ from the baseline</h2>\n\
         <p>Compared with the shipped baseline (<code>scenarios/baseline.toml</code>): every \
         other setting is the baseline's. <code>casesim check</code> prints a scenario with \
         every setting.</p>\n",
    );
    let base = baseline();
    let arms: Vec<Vec<(String, Value)>> = (0..dir.arms.len())
        .filter_map(|i| dir.scenario(i).map(flat))
        .collect();
    if arms.is_empty() {
        h.push_str("<p>run.json has no scenario.</p>\n</section>\n");
        return;
    }
    let base_value = |k: &str| base.iter().find(|(b, _)| b == k).map(|(_, v)| v);
    // Settings the same in every arm but not the baseline's.
    let common: Vec<&(String, Value)> = arms[0]
        .iter()
        .filter(|(k, v)| {
            arms.iter()
                .all(|a| a.iter().any(|(k2, v2)| k2 == k && same(v, v2)))
                && base_value(k).is_none_or(|b| !same(b, v))
        })
        .collect();
    if common.is_empty() {
        h.push_str(if arms.len() > 1 {
            "<p>Apart from what differs between the arms (below), every setting is the \
             baseline's.</p>\n"
        } else {
            "<p>Every setting is the baseline's.</p>\n"
        });
    } else {
        h.push_str("<table>\n<tr><th>setting</th><th>baseline</th><th>here</th></tr>\n");
        for (k, v) in &common {
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(k),
                esc(&base_value(k).map(json_text).unwrap_or_else(|| "—".into())),
                esc(&json_text(v))
            );
        }
        h.push_str("</table>\n");
    }
    if arms.len() > 1 {
        // Keys whose values differ between arms.
        let varying: Vec<&String> = arms[0]
            .iter()
            .filter(|(k, v)| {
                arms.iter()
                    .any(|a| !a.iter().any(|(k2, v2)| k2 == k && same(v, v2)))
            })
            .map(|(k, _)| k)
            .collect();
        if !varying.is_empty() {
            h.push_str("<p>What differs between the arms:</p>\n<table>\n<tr><th>arm</th>");
            for k in &varying {
                let _ = write!(h, "<th><code>{}</code></th>", esc(k));
            }
            h.push_str("</tr>\n<tr><td class=\"ci\">baseline</td>");
            for k in &varying {
                let _ = write!(
                    h,
                    "<td class=\"ci\">{}</td>",
                    esc(&base_value(k).map(json_text).unwrap_or_else(|| "—".into()))
                );
            }
            h.push_str("</tr>\n");
            for (arm, values) in dir.arms.iter().zip(&arms) {
                let _ = write!(h, "<tr><td>{}</td>", esc(&arm.label));
                for k in &varying {
                    let v = values
                        .iter()
                        .find(|(k2, _)| k2 == *k)
                        .map(|(_, v)| json_text(v));
                    let _ = write!(h, "<td>{}</td>", esc(&v.unwrap_or_default()));
                }
                h.push_str("</tr>\n");
            }
            h.push_str("</table>\n");
        }
    }
    h.push_str("</section>\n");
}

/// The main differences in words. A difference is stated as a rise or fall only when its 95%
/// CI excludes zero. The scenario's focus measures come first.
fn findings(h: &mut String, dir: &OutputDir) {
    h.push_str("<section id=\"findings\">\n<h2>Main findings</h2>\n");
    let measures = focus_first(dir, FINDINGS.iter().filter_map(|m| measure(m)));
    let focus = focus(dir);
    if !focus.is_empty() {
        let names: Vec<String> = focus.iter().map(|m| m.label.to_string()).collect();
        let _ = writeln!(
            h,
            "<p>The question is about <strong>{}</strong>: {} first.</p>",
            esc(&names.join(", ")),
            if names.len() == 1 {
                "it comes"
            } else {
                "they come"
            }
        );
    }
    let factors = effects::factors(dir);
    match dir.kind {
        Kind::Run => {
            h.push_str("<ul>\n");
            for m in &measures {
                if let Some(e) = dir.arms[0].stats.get(m.name).filter(|e| e.mean.is_some()) {
                    let _ = writeln!(
                        h,
                        "<li>{}: {}.</li>",
                        capitalise(m.label),
                        estimate_text(m.unit, e)
                    );
                }
            }
            h.push_str(
                "</ul>\n<p class=\"ci\">Means over replications, with 95% confidence \
                 intervals in brackets.</p>\n",
            );
        }
        Kind::Sweep if factors.len() > 1 => main_effects(h, dir, &factors, &measures),
        _ => {
            let reference = &dir.arms[0];
            if let Some((last, change, points)) = endpoint_change(dir) {
                let _ = writeln!(h, "<p>{}:</p>\n<ul>", esc(&change));
                for m in &measures {
                    if let Some(s) = difference_sentence(dir, reference, last, m) {
                        let _ = writeln!(h, "<li>{s}</li>");
                    }
                }
                h.push_str("</ul>\n");
                completion_caveat(h, dir, reference, last);
                shape_list(h, dir, &points, &measures);
            } else {
                for arm in dir.arms.iter().skip(1).take(12) {
                    let _ = writeln!(
                        h,
                        "<p><strong>{}</strong> compared with <strong>{}</strong>:</p>\n<ul>",
                        esc(&arm.label),
                        esc(&reference.label)
                    );
                    for m in &measures {
                        if let Some(s) = difference_sentence(dir, reference, arm, m) {
                            let _ = writeln!(h, "<li>{s}</li>");
                        }
                    }
                    h.push_str("</ul>\n");
                }
            }
            h.push_str(
                "<p class=\"ci\">Differences are paired replication by replication (the arms \
                 share random numbers unless the run said otherwise), with 95% confidence \
                 intervals; a difference whose interval includes zero is reported as no clear \
                 difference. Every arm against the first is in <code>compare.csv</code>.</p>\n",
            );
        }
    }
    h.push_str("</section>\n");
}

/// A money amount with its sign spelled: `£1,230`, `−£1,230`.
fn money(v: f64) -> String {
    if v < 0.0 {
        format!("−£{}", thousands(-v))
    } else {
        format!("£{}", thousands(v))
    }
}

/// A count a week with as many decimals as it needs.
fn per_week(v: f64) -> String {
    let a = v.abs();
    if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 0.1 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// The budget of the arms, part by part, and, in a sweep or comparison, what each arm's extra
/// cost buys against the first: £ per extra order completed and £ per proven reoffence avoided,
/// paired by replication with Fieller's interval ([`crate::experiment::cost_effect`], the same
/// figures as `cost_effectiveness.csv`).
fn cost_section(h: &mut String, dir: &OutputDir) {
    const PARTS: [(&str, &str); 9] = [
        ("post_cost", "posts"),
        ("agency_cost", "agency cover"),
        ("recruitment_cost", "recruitment"),
        ("volunteer_cost", "volunteers"),
        ("chair_cost", "chairs"),
        ("duty_cost", "duty rota"),
        ("service_cost", "service places"),
        ("requirement_cost", "requirements"),
        ("custody_cost", "custody"),
    ];
    let Some(total) = dir.arms[0].mean("cost") else {
        return;
    };
    h.push_str("<section id=\"budget\">\n<h2>The budget</h2>\n");
    let parts: Vec<String> = PARTS
        .iter()
        .filter_map(|(name, words)| {
            let v = dir.arms[0].mean(name)?;
            (v > 0.0).then(|| {
                format!(
                    "{words} {} ({:.0}%)",
                    money(v),
                    if total > 0.0 { v / total * 100.0 } else { 0.0 }
                )
            })
        })
        .collect();
    if !parts.is_empty() {
        let _ = writeln!(
            h,
            "<p>{} costs {} a week: {}. Posts are paid whether their holders are busy, idle or \
             absent; a vacant post is unpaid (docs/ODD.md, the budget).</p>",
            if dir.kind == Kind::Run {
                "The unit".to_string()
            } else {
                format!("<strong>{}</strong>", esc(&dir.arms[0].label))
            },
            money(total),
            esc(&parts.join(", "))
        );
    }
    if dir.kind != Kind::Run {
        let reference = &dir.arms[0];
        h.push_str("<ul>\n");
        for arm in dir.arms.iter().skip(1).take(12) {
            for &(name, effect, sign) in &crate::experiment::COST_EFFECTS {
                let (Some(costs), Some(effects)) = (
                    reference
                        .by_replication
                        .get("cost")
                        .zip(arm.by_replication.get("cost")),
                    reference
                        .by_replication
                        .get(effect)
                        .zip(arm.by_replication.get(effect)),
                ) else {
                    continue;
                };
                let pairs: Vec<(f64, f64)> = costs
                    .1
                    .iter()
                    .filter_map(|(r, b)| {
                        let cost = b - costs.0.get(r)?;
                        let change = sign * (effects.1.get(r)? - effects.0.get(r)?);
                        Some((cost, change))
                    })
                    .collect();
                let e = crate::experiment::cost_effect(&pairs);
                let (Some(c), Some(d)) = (e.extra_cost.mean, e.effect.mean) else {
                    continue;
                };
                let (what, per) = if name == "cost_per_proven_reoffence_avoided" {
                    ("proven reoffences fewer", "per proven reoffence avoided")
                } else {
                    ("orders completed more", "per extra order completed")
                };
                let ratio = match (e.ratio, e.ci_low, e.ci_high) {
                    (Some(r), Some(lo), Some(hi)) => format!(
                        "{} {per} <span class=\"ci\">({} to {})</span>",
                        money(r),
                        money(lo),
                        money(hi)
                    ),
                    _ => format!("no ratio {per}: the change is not distinguishable from zero"),
                };
                let _ = writeln!(
                    h,
                    "<li><strong>{}</strong>: {} a week against <strong>{}</strong>, {} {what} \
                     a week; {ratio}.</li>",
                    esc(&arm.label),
                    money(c),
                    esc(&reference.label),
                    per_week(d),
                );
            }
        }
        h.push_str(
            "</ul>\n<p class=\"ci\">Paired by replication; the interval of a ratio is \
             Fieller's 95% interval, given only when the change in orders or reoffences has a \
             95% CI excluding zero. A negative ratio is a saving (or a loss) on both counts: read \
             it with the signs of the two changes. All arms against the first are in \
             <code>cost_effectiveness.csv</code>.</p>\n",
        );
    }
    h.push_str("</section>\n");
}

/// Whether a measure's mean is above zero in any arm.
fn any_positive(dir: &OutputDir, metric: &str) -> bool {
    dir.arms
        .iter()
        .any(|a| a.mean(metric).is_some_and(|v| v > 0.0))
}

/// Anyone on licence in any arm: the recall part of the enforcement section.
fn anyone_on_licence(dir: &OutputDir) -> bool {
    any_positive(dir, "mean_on_licence") || any_positive(dir, "recalls_per_week")
}

/// Whether the enforcement section has anything to say: a breach before the court, a check on
/// someone out of touch, or anyone on licence.
fn has_enforcement(dir: &OutputDir) -> bool {
    any_positive(dir, "breach_hearings_per_week")
        || any_positive(dir, "keep_in_touch_checks_per_week")
        || anyone_on_licence(dir)
}

/// One row per measure, one column per arm, of the estimates in `stats.csv`; a row undefined
/// in every arm is left out.
fn measure_rows<'a>(
    h: &mut String,
    dir: &OutputDir,
    measures: impl IntoIterator<Item = &'a Measure>,
) {
    for m in measures {
        if !dir.arms.iter().any(|a| a.mean(m.name).is_some()) {
            continue;
        }
        let _ = write!(h, "<tr><td>{}</td>", esc(&capitalise(m.label)));
        for arm in &dir.arms {
            let e = arm.stats.get(m.name).copied().unwrap_or_default();
            let _ = write!(h, "<td>{}</td>", estimate_text(m.unit, &e));
        }
        h.push_str("</tr>\n");
    }
}

/// Enforcement as a probation service lives it: what the court decided at breach, people who
/// fell out of touch, and — when anyone was on licence — the recalls by reason and the share
/// that were fixed-term (from `stats.csv` and `recalls.csv`). Nothing when no breach came to
/// court, nobody was checked and nobody was on licence.
fn enforcement_section(h: &mut String, dir: &OutputDir) {
    if !has_enforcement(dir) {
        return;
    }
    let licences = anyone_on_licence(dir);
    h.push_str(
        "<section id=\"enforcement\">\n<h2>Enforcement: breach, keeping in touch and recall</h2>\n",
    );
    let first = &dir.arms[0];
    let who = if dir.kind == Kind::Run {
        String::new()
    } else {
        format!("<strong>{}</strong>: ", esc(&first.label))
    };
    let share = |name: &str| first.mean(name).map(|v| value_text(Unit::Share, v));
    if let (Some(hearings), Some(revoked), Some(curfew), Some(fine)) = (
        first.mean("breach_hearings_per_week"),
        share("court_revoked_at_breach"),
        share("court_curfew_at_breach"),
        share("court_fine_at_breach"),
    ) {
        let _ = writeln!(
            h,
            "<p>{who}At breach ({} hearings a week) the court revoked the order in {revoked} of \
             hearings (custody follows); it let the order continue with a curfew added in \
             {curfew} and with a fine in {fine}.</p>",
            per_week(hearings)
        );
    }
    if let (Some(checks), Some(office), Some(unknown)) = (
        first.mean("keep_in_touch_checks_per_week"),
        first.mean("office_checks_per_week"),
        first.mean("whereabouts_unknown_per_week"),
    ) {
        let by_office = if office > 0.0 {
            format!(
                "{} of them by the office, for cases nobody held",
                per_week(office)
            )
        } else {
            "all by their case managers".to_string()
        };
        let out_of_touch = if unknown > 0.0 {
            format!(
                "{} a week stayed out of touch until their whereabouts were unknown, which \
                 starts breach proceedings, or recall, at once",
                per_week(unknown)
            )
        } else {
            "nobody stayed out of touch until their whereabouts were unknown".to_string()
        };
        let _ = writeln!(
            h,
            "<p>{who}Keeping in touch: {} people a week, unseen for weeks, were instructed to \
             report ({by_office}); {out_of_touch}.</p>",
            per_week(checks),
        );
    }
    h.push_str("<div class=\"wide\"><table>\n<tr><th>measure</th>");
    for arm in &dir.arms {
        let _ = write!(h, "<th>{}</th>", esc(&arm.label));
    }
    h.push_str("</tr>\n");
    let mut rows = vec![
        "breach_hearings_per_week",
        "court_revoked_at_breach",
        "court_curfew_at_breach",
        "court_fine_at_breach",
        "keep_in_touch_checks_per_week",
        "office_checks_per_week",
        "whereabouts_unknown_per_week",
        "office_actions_per_week",
    ];
    if licences {
        rows.push("licence_condition_failures_per_week");
    }
    measure_rows(h, dir, rows.into_iter().filter_map(measure));
    h.push_str("</table></div>\n");
    let by_reason = dir.arms.iter().any(|a| !a.recalls.is_empty());
    if licences && by_reason {
        recall_table(h, dir);
    }
    h.push_str("</section>\n");
}

/// Whether a setting is one of streaming or services: the settings whose effect on a need
/// `by_need.csv` shows.
fn is_streaming_or_services(key: &str) -> bool {
    key == "organisation.streaming"
        || key == "organisation.specialist_effect"
        || key.starts_with("services.")
}

/// Whether the report shows outcomes by need and offence type: the arms differ in streaming or
/// services, or a single run streams by need; and `by_need.csv` was read.
fn shows_groups(dir: &OutputDir) -> bool {
    if dir.arms.iter().all(|a| a.by_need.is_empty()) {
        return false;
    }
    let arms: Vec<Vec<(String, Value)>> = (0..dir.arms.len())
        .filter_map(|i| dir.scenario(i).map(flat))
        .collect();
    let Some(first) = arms.first() else {
        return false;
    };
    if arms.len() == 1 {
        return first.iter().any(|(k, v)| {
            k == "organisation.streaming" && matches!(v.as_str(), Some("need" | "offence"))
        });
    }
    first.iter().any(|(key, value)| {
        is_streaming_or_services(key)
            && arms[1..].iter().any(|other| {
                other
                    .iter()
                    .find(|(k, _)| k == key)
                    .is_none_or(|(_, v)| !same(v, value))
            })
    })
}

/// Outcomes by the case's primary need and by offence type, per arm (from `by_need.csv` and
/// `by_offence.csv`): does specialising by need, or more of a service, help that need?
fn groups_section(h: &mut String, dir: &OutputDir) {
    use crate::metrics::groups::{NEED_GROUPS, need_group_label, need_group_name};
    use crate::scenario::OffenceType;
    h.push_str(
        "<section id=\"by-need\">\n<h2>By need and offence type</h2>\n<p>Sentences that ended \
         in the window, grouped by the case's primary need (its most severe need at the start) \
         and by offence type. Each cell is the mean over replications with its 95% CI.</p>\n",
    );
    let needs: Vec<(String, &str)> = (0..NEED_GROUPS)
        .map(|g| (need_group_name(g).to_string(), need_group_label(g)))
        .collect();
    let offences: Vec<(String, &str)> = OffenceType::ALL
        .iter()
        .map(|o| (o.name().to_string(), o.name()))
        .collect();
    let tables: [(&str, &[(String, &str)], bool, &str); 5] = [
        (
            "Primary need met, by primary need",
            &needs,
            true,
            "primary_need_met_rate",
        ),
        (
            "Referrals per sentence, by primary need",
            &needs,
            true,
            "referrals_per_case",
        ),
        (
            "Median weeks waiting for a service, by primary need",
            &needs,
            true,
            "median_case_wait_weeks",
        ),
        (
            "Reoffending, by primary need",
            &needs,
            true,
            "reoffending_rate",
        ),
        (
            "Reoffending, by offence type",
            &offences,
            false,
            "reoffending_rate",
        ),
    ];
    for (title, groups, by_need, metric) in tables {
        let Some(m) = crate::metrics::GROUP_MEASURES
            .iter()
            .find(|m| m.name == metric)
        else {
            continue;
        };
        let get = |arm: &ArmResults, group: &str| {
            let map = if by_need {
                &arm.by_need
            } else {
                &arm.by_offence
            };
            map.get(&(group.to_string(), metric.to_string()))
                .copied()
                .unwrap_or_default()
        };
        let _ = write!(
            h,
            "<h3>{}</h3>\n<div class=\"wide\"><table>\n<tr><th>{}</th>",
            esc(title),
            if by_need { "primary need" } else { "offence" }
        );
        for arm in &dir.arms {
            let _ = write!(h, "<th>{}</th>", esc(&arm.label));
        }
        h.push_str("</tr>\n");
        for (name, label) in groups {
            if dir.arms.iter().all(|a| get(a, name).mean.is_none()) {
                continue;
            }
            let _ = write!(h, "<tr><td>{}</td>", esc(&capitalise(label)));
            for arm in &dir.arms {
                let _ = write!(h, "<td>{}</td>", estimate_text(m.unit, &get(arm, name)));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table></div>\n");
    }
    h.push_str(
        "<p class=\"ci\">Cases, needs met, referrals, mean and median waits, reoffending and \
         breach for every group are in <code>by_need.csv</code> and \
         <code>by_offence.csv</code>.</p>\n</section>\n",
    );
}

/// Recalls to custody by reason, and the fixed-term share, per arm (from `recalls.csv`).
fn recall_table(h: &mut String, dir: &OutputDir) {
    use crate::metrics::RecallGroup;
    let get = |arm: &ArmResults, group: RecallGroup, metric: &str| {
        arm.recalls
            .get(&(group.name().to_string(), metric.to_string()))
            .copied()
            .unwrap_or_default()
    };
    h.push_str(
        "<h3>Recalls to custody, by reason</h3>\n<div class=\"wide\"><table>\n\
         <tr><th>recalls</th>",
    );
    for arm in &dir.arms {
        let _ = write!(h, "<th>{}</th>", esc(&arm.label));
    }
    h.push_str("</tr>\n<tr><td>Recalls a week</td>");
    for arm in &dir.arms {
        let e = get(arm, RecallGroup::All, "recalls_per_week");
        let _ = write!(h, "<td>{}</td>", estimate_text(Unit::Count("recalls"), &e));
    }
    h.push_str("</tr>\n");
    for group in RecallGroup::ALL.into_iter().skip(1) {
        if group == RecallGroup::Standard {
            continue;
        }
        let _ = write!(
            h,
            "<tr><td>{}</td>",
            esc(&capitalise(&format!(
                "{} (share of recalls)",
                group.label()
            )))
        );
        for arm in &dir.arms {
            let _ = write!(
                h,
                "<td>{}</td>",
                estimate_text(Unit::Share, &get(arm, group, "share"))
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str(
        "</table></div>\n<p class=\"ci\">A recall may cite several reasons and counts under \
         each, so the reasons' shares add up to more than 100%, as in the Ministry of \
         Justice's Offender Management Statistics. A fixed-term recall returns the person to \
         custody for a set term and never follows a further charge; the rest are standard \
         recalls. Every figure, with the counts, is in <code>recalls.csv</code>.</p>\n",
    );
}

/// A multi-setting sweep summarised by main effects: for each setting, the measures at each
/// of its values averaged over the other settings, and each value's paired difference from
/// the first (see [`effects`]). Sentences for the focus measures (or the first three), a
/// table for every measure of the findings.
fn main_effects(h: &mut String, dir: &OutputDir, factors: &[Factor], measures: &[&Measure]) {
    let focus = focus(dir);
    let spoken: Vec<&Measure> = if focus.is_empty() {
        measures.iter().take(3).copied().collect()
    } else {
        focus
    };
    let names: Vec<String> = factors.iter().map(Factor::name).collect();
    let _ = writeln!(
        h,
        "<p>The sweep crosses {} settings ({}) in {} arms. Each is summarised by its <em>main \
         effect</em>: every value of it against its first value, each averaged over the values \
         of the other settings.</p>",
        factors.len(),
        esc(&names.join("; ")),
        dir.arms.len()
    );
    for factor in factors {
        let others = dir.arms.len() / factor.levels.len().max(1);
        let _ = writeln!(
            h,
            "<h3>{}</h3>\n<p class=\"ci\">{} values, each the average of {} arms.</p>\n<ul>",
            esc(&capitalise(&factor.name())),
            factor.levels.len(),
            others
        );
        for level in 1..factor.levels.len() {
            let _ = writeln!(
                h,
                "<li><strong>{}</strong> against {}:\n<ul>",
                esc(&factor.level_label(level)),
                esc(&factor.level_label(0)),
            );
            for m in &spoken {
                let means = effects::level_means(dir, factor, m.name);
                let d = effects::main_effect(dir, factor, level, m.name);
                if let (Some(to), Some(from)) = (means[level].mean, means[0].mean)
                    && let Some(sentence) = effect_sentence(m, &d, to, from)
                {
                    let _ = writeln!(h, "<li>{sentence}</li>");
                }
            }
            h.push_str("</ul></li>\n");
        }
        h.push_str("</ul>\n<div class=\"wide\"><table>\n<tr><th>measure</th>");
        for l in 0..factor.levels.len() {
            let _ = write!(h, "<th>{}</th>", esc(&factor.level_label(l)));
        }
        h.push_str("</tr>\n");
        for m in measures {
            let means = effects::level_means(dir, factor, m.name);
            if means.iter().all(|e| e.mean.is_none()) {
                continue;
            }
            let _ = write!(h, "<tr><td>{}</td>", esc(&capitalise(m.label)));
            for (l, e) in means.iter().enumerate() {
                let mut cell = match e.mean {
                    Some(v) => value_text(m.unit, v),
                    None => "—".into(),
                };
                if l > 0 {
                    let d = effects::main_effect(dir, factor, l, m.name);
                    if let (Some(mean), Some(lo), Some(hi)) = (d.mean, d.ci_low, d.ci_high) {
                        let clear = lo > 0.0 || hi < 0.0;
                        let _ = write!(
                            cell,
                            " <span class=\"{}\">({} {}, CI {} to {})</span>",
                            if clear { "clear" } else { "ci" },
                            if mean >= 0.0 { "+" } else { "−" },
                            size_text(m.unit, mean),
                            bound_text(m.unit, lo),
                            bound_text(m.unit, hi)
                        );
                    }
                }
                let _ = write!(h, "<td>{cell}</td>");
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table></div>\n");
    }
    h.push_str(
        "<p class=\"ci\">Averages over the arms at each value; differences from the first \
         value are paired replication by replication (the arms share random numbers), with \
         95% confidence intervals; bold where the interval excludes zero. Every arm against \
         the first arm is in <code>compare.csv</code>; every arm's estimates are in \
         <code>stats.csv</code>.</p>\n",
    );
}

/// When more orders complete only because fewer breaches are found (fewer contacts delivered,
/// fewer orders revoked), says so: a completion rate that rises as supervision thins is not
/// good news.
fn completion_caveat(h: &mut String, dir: &OutputDir, reference: &ArmResults, arm: &ArmResults) {
    let clear = |metric: &str, rising: bool| {
        dir.difference(&arm.label, metric)
            .and_then(|d| Some((d.difference.ci_low?, d.difference.ci_high?)))
            .is_some_and(|(lo, hi)| if rising { lo > 0.0 } else { hi < 0.0 })
    };
    if clear("completion_rate", true)
        && clear("breach_rate", false)
        && clear("contact_delivery_rate", false)
    {
        let _ = writeln!(
            h,
            "<p><strong>Why more orders complete:</strong> not because supervision works better. \
             With fewer contacts delivered ({} against {}), fewer missed appointments and \
             other violations are seen and taken back to court, so fewer orders are revoked for \
             breach ({} against {}) and more run to their end. Proven reoffending, found by the \
             police and the courts rather than at supervision, is the better guide to what \
             supervision does.</p>",
            value_text(
                Unit::Share,
                arm.mean("contact_delivery_rate").unwrap_or(0.0)
            ),
            value_text(
                Unit::Share,
                reference.mean("contact_delivery_rate").unwrap_or(0.0)
            ),
            value_text(Unit::Share, arm.mean("breach_rate").unwrap_or(0.0)),
            value_text(Unit::Share, reference.mean("breach_rate").unwrap_or(0.0)),
        );
    }
}

/// Where each measure is flat and where it is steep along a one-key sweep, from the paired
/// differences between neighbouring points ([`effects::shape`]).
fn shape_list(h: &mut String, dir: &OutputDir, points: &[(f64, usize)], measures: &[&Measure]) {
    let Some(key) = dir.varied_keys.first() else {
        return;
    };
    let mut items = Vec::new();
    for m in measures {
        let steps = effects::segments(dir, points, m.name);
        if steps.iter().all(|s| s.difference.mean.is_none()) {
            continue;
        }
        let stretches = effects::shape(&steps);
        let parts: Vec<String> = if stretches.len() == 1 && stretches[0].slope == Slope::Flat {
            vec!["flat throughout (no clear change between neighbouring values)".into()]
        } else {
            stretches
                .iter()
                .map(|s| {
                    let range = format!("from {} to {}", readable(s.from), readable(s.to));
                    let by = format!("by {}", size_text(m.unit, s.change));
                    match s.slope {
                        Slope::Flat => format!("flat {range}"),
                        Slope::Gentle { rising } => format!(
                            "{} gently {range} ({by})",
                            if rising { "rises" } else { "falls" }
                        ),
                        Slope::Steep { rising } => format!(
                            "{} steeply {range} ({by})",
                            if rising { "rises" } else { "falls" }
                        ),
                    }
                })
                .collect()
        };
        items.push(format!(
            "<li>{}: {}.</li>",
            esc(&capitalise(m.label)),
            esc(&parts.join("; "))
        ));
    }
    if items.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<p>Where each measure is flat and where it is steep along the {}:</p>\n<ul>\n{}\n</ul>\n\
         <p class=\"ci\">From the paired difference between each pair of neighbouring values: \
         flat where its 95% CI includes zero or its slope is under a fifth of the steepest \
         step's; steep from half the steepest step's slope.</p>",
        esc(&key_label(key)),
        items.join("\n")
    );
}

/// For a sweep along one numeric key (other keys in step): the last arm, the change from
/// the first arm to it in words ("Raising caseload cap from 12 to 200 (with case managers
/// from 250 to 15)"), and the arms in order of the key (x, arm).
fn endpoint_change(dir: &OutputDir) -> Option<(&ArmResults, String, Vec<(f64, usize)>)> {
    if dir.kind != Kind::Sweep || dir.arms.len() < 2 {
        return None;
    }
    let (first, last) = (&dir.arms[0], dir.arms.last()?);
    let x = |a: &ArmResults| a.varied.first()?.1.parse::<f64>().ok();
    let (x0, x1) = (x(first)?, x(last)?);
    // One line: no two arms share the first key's value.
    let mut points: Vec<(f64, usize)> = dir
        .arms
        .iter()
        .enumerate()
        .map(|(i, a)| Some((x(a)?, i)))
        .collect::<Option<_>>()?;
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    if points.windows(2).any(|w| w[0].0 == w[1].0) || x0 == x1 {
        return None;
    }
    let (key, v0) = &first.varied[0];
    let mut text = format!(
        "{} {} from {} to {}",
        if x1 > x0 { "Raising" } else { "Lowering" },
        key_label(key),
        value_words(key, v0),
        value_words(key, &last.varied[0].1)
    );
    let others: Vec<String> = first.varied[1..]
        .iter()
        .zip(&last.varied[1..])
        .map(|((k, a), (_, b))| {
            format!(
                "{} from {} to {}",
                key_label(k),
                value_words(k, a),
                value_words(k, b)
            )
        })
        .collect();
    if !others.is_empty() {
        let _ = write!(text, " (with {})", others.join(", "));
    }
    Some((last, text, points))
}

fn difference_sentence(
    dir: &OutputDir,
    reference: &ArmResults,
    arm: &ArmResults,
    m: &Measure,
) -> Option<String> {
    let d = dir.difference(&arm.label, m.name)?;
    effect_sentence(m, &d.difference, arm.mean(m.name)?, reference.mean(m.name)?)
}

/// A paired difference in words: "Raised handoffs per order by 0.8 handoffs per order (95%
/// CI +0.7 to +0.9): 1.9 against 1.1." or "Made no clear difference to ...".
fn effect_sentence(m: &Measure, d: &Estimate, to: f64, from: f64) -> Option<String> {
    let (mean, lo, hi) = (d.mean?, d.ci_low?, d.ci_high?);
    let what = m.label.to_string();
    let ci = format!(
        "95% CI {} to {}",
        bound_text(m.unit, lo),
        bound_text(m.unit, hi)
    );
    Some(if lo > 0.0 || hi < 0.0 {
        format!(
            "{} {} by {} ({ci}): {} against {}.",
            if mean > 0.0 { "raised" } else { "lowered" },
            what,
            size_text(m.unit, mean),
            value_text(m.unit, to),
            value_text(m.unit, from),
        )
    } else {
        format!(
            "made no clear difference to {what} ({ci}): {} against {}.",
            value_text(m.unit, to),
            value_text(m.unit, from),
        )
    })
    .map(|s| capitalise(&s))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn tables(h: &mut String, dir: &OutputDir) {
    h.push_str(
        "<section id=\"tables\">\n<h2>Tables</h2>\n<h3>Headline measures</h3>\n\
         <div class=\"wide\"><table>\n<tr><th>measure</th>",
    );
    for arm in &dir.arms {
        let _ = write!(h, "<th>{}</th>", esc(&arm.label));
    }
    h.push_str("</tr>\n");
    // The focus measures first; a measure undefined in every arm is left out.
    measure_rows(h, dir, focus_first(dir, headline_measures()));
    h.push_str(
        "</table></div>\n<h3>Proven reoffending within a year, by risk tier</h3>\n\
                <div class=\"wide\"><table>\n<tr><th>risk tier</th>",
    );
    for arm in &dir.arms {
        let _ = write!(h, "<th>{}</th>", esc(&arm.label));
    }
    h.push_str("</tr>\n");
    for tier in ["low", "medium", "high", "very_high"] {
        let _ = write!(h, "<tr><td>{}</td>", tier.replace('_', " "));
        for arm in &dir.arms {
            let e = arm
                .by_tier
                .get(&(tier.to_string(), "reoffending_rate".to_string()))
                .copied()
                .unwrap_or_default();
            let _ = write!(h, "<td>{}</td>", estimate_text(Unit::Share, &e));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n");
    disposal_table(h, dir);
    h.push_str(
        "<p class=\"ci\">Means over replications with 95% confidence \
         intervals. Every measure, per replication, per risk tier and per disposal, is in \
         <code>summary.csv</code>, <code>stats.csv</code>, <code>by_tier.csv</code> and \
         <code>by_disposal.csv</code>; docs/outputs.md defines each.</p>\n</section>\n",
    );
}

/// With `--posterior` (run.json's `posterior`): where the parameter uncertainty comes from,
/// and for every headline measure and arm both intervals: the mean with its 95% CI (the luck
/// of the draw, from `stats.csv`) and the 95% interval over replications, which includes
/// parameter uncertainty (the 2.5th to 97.5th percentile of `summary.csv`'s values, as
/// `stats.csv`'s `interval_low` and `interval_high`). Nothing without a posterior.
fn posterior_section(h: &mut String, dir: &OutputDir) {
    let Some(posterior) = dir.record.get("posterior") else {
        return;
    };
    let file = posterior.get("file").and_then(Value::as_str).unwrap_or("?");
    let particles = posterior
        .get("particles")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let keys: Vec<String> = posterior
        .get("keys")
        .and_then(Value::as_array)
        .map(|k| {
            k.iter()
                .filter_map(Value::as_str)
                .map(|k| format!("<code>{}</code>", esc(k)))
                .collect()
        })
        .unwrap_or_default();
    let _ = write!(
        h,
        "<section id=\"posterior\">\n<h2>Parameter uncertainty</h2>\n<p>Each replication \
         drew its values of {} from the posterior <code>{}</code> ({particles} particles), the \
         same particle in replication r of every arm, so differences stay paired. The \
         intervals of this report therefore include parameter uncertainty from the \
         posterior. Each cell gives the mean with its 95% confidence interval (the luck of the \
         draw: how precisely the replications pin down the mean) and, in brackets, the 95% \
         interval over replications (the 2.5th to 97.5th percentile: where one replication's \
         value falls, given both the posterior and the luck of a single run).</p>\n\
         <div class=\"wide\"><table>\n<tr><th>measure</th>",
        keys.join(", "),
        esc(file)
    );
    for arm in &dir.arms {
        let _ = write!(h, "<th>{}</th>", esc(&arm.label));
    }
    h.push_str("</tr>\n");
    for m in focus_first(dir, headline_measures()) {
        if !dir.arms.iter().any(|a| a.mean(m.name).is_some()) {
            continue;
        }
        let _ = write!(h, "<tr><td>{}</td>", esc(&capitalise(m.label)));
        for arm in &dir.arms {
            let e = arm.stats.get(m.name).copied().unwrap_or_default();
            let values: Vec<Option<f64>> = arm
                .by_replication
                .get(m.name)
                .map(|v| v.values().map(|x| Some(*x)).collect())
                .unwrap_or_default();
            let interval = match crate::experiment::posterior::interval(values) {
                (Some(lo), Some(hi)) => format!(
                    " <span class=\"ci\">[{} to {}]</span>",
                    value_text(m.unit, lo),
                    value_text(m.unit, hi)
                ),
                _ => String::new(),
            };
            let _ = write!(h, "<td>{}{interval}</td>", estimate_text(m.unit, &e));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n</section>\n");
}

/// Community orders beside custodial sentences, when anyone was released from custody.
fn disposal_table(h: &mut String, dir: &OutputDir) {
    let get = |arm: &ArmResults, disposal: &str, metric: &str| {
        arm.by_disposal
            .get(&(disposal.to_string(), metric.to_string()))
            .copied()
    };
    let released = |arm: &ArmResults| {
        get(arm, "custody", "prisoners_released")
            .and_then(|e| e.mean)
            .is_some_and(|n| n > 0.0)
    };
    if !dir.arms.iter().any(released) {
        return;
    }
    const ROWS: [(&str, &str, &str, Unit); 9] = [
        (
            "community",
            "completion_rate",
            "Community orders completed",
            Unit::Share,
        ),
        (
            "community",
            "breach_rate",
            "Community orders revoked for breach",
            Unit::Share,
        ),
        (
            "community",
            "reoffending_rate",
            "Community orders: proven reoffending within a year",
            Unit::Share,
        ),
        (
            "custody",
            "recall_rate",
            "Licences with a recall to custody",
            Unit::Share,
        ),
        (
            "custody",
            "reoffending_rate",
            "Released prisoners: proven reoffending within a year of release",
            Unit::Share,
        ),
        (
            "custody",
            "services_in_place_at_release",
            "Service in place at release (of those with a need)",
            Unit::Share,
        ),
        (
            "custody",
            "housing_in_place_at_release",
            "Housing in place at release (of those with an accommodation need)",
            Unit::Share,
        ),
        (
            "custody",
            "missed_first_appointment_rate",
            "First appointment after release missed",
            Unit::Share,
        ),
        (
            "custody",
            "mean_weeks_to_first_contact",
            "Weeks from release to the first kept appointment",
            Unit::Weeks,
        ),
    ];
    h.push_str(
        "<h3>Community orders and custodial sentences</h3>\n\
         <div class=\"wide\"><table>\n<tr><th>measure</th>",
    );
    for arm in &dir.arms {
        let _ = write!(h, "<th>{}</th>", esc(&arm.label));
    }
    h.push_str("</tr>\n");
    for (disposal, metric, label, unit) in ROWS {
        // A row undefined in every arm (no licence ended, so no recall rate) is left out.
        if !dir
            .arms
            .iter()
            .any(|a| get(a, disposal, metric).is_some_and(|e| e.mean.is_some()))
        {
            continue;
        }
        let _ = write!(h, "<tr><td>{}</td>", esc(label));
        for arm in &dir.arms {
            let e = get(arm, disposal, metric).unwrap_or_default();
            let _ = write!(h, "<td>{}</td>", estimate_text(unit, &e));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n");
}

fn caveats(h: &mut String, dir: &OutputDir) {
    // Named, not linked: the page must work wherever it is copied.
    let docs = "<code>docs/ODD.md</code> and <code>docs/parameters.md</code> in the casesim \
                source";
    let warmup = dir.window().map(|w| w.0).unwrap_or(0);
    let _ = write!(
        h,
        "<section id=\"caveats\">\n<h2>Assumptions and caveats</h2>\n<ul>\n\
         <li>casesim is a model of case management, not a forecast for a real area: it shows \
         what follows from its assumptions, run many times over a synthetic population.</li>\n\
         <li>The confidence intervals measure the simulation's own randomness across \
         replications. They do not cover uncertainty in the parameters; to see how much an \
         assumption matters, sweep it (<code>casesim sweep --vary</code>).</li>\n\
         <li>Order outcomes count community orders that ended in the measurement window, and \
         recall the licences that ended in it; proven reoffending counts people who started an \
         order, or were released from custody, in the window and were followed up for a year. \
         The first {warmup} weeks are a warm-up while the caseload builds up and are not \
         measured.</li>\n\
         <li>Where no study gives a figure (for example the effect of a change of case manager \
         on the working relationship, or of a case manager's own work on needs), the default is \
         an assumption and is marked as one in docs/parameters.md.</li>\n\
         <li>Custody is simulated as time served, recall and what Integrated Case Management \
         arranges for release; prison regimes and programmes inside are not. A revoked \
         community order is followed by a set spell in custody without licence. The shares \
         for case-conference attendance and family preparation come from one survey of 40 \
         Scottish social workers (Jardine & Rigby 2010).</li>\n\
         </ul>\n<p>The model is described in full, with every mechanism and parameter and its \
         source, in {docs}.</p>\n</section>\n",
    );
}

pub(crate) const CSS: &str = "
:root { color-scheme: light; }
body { margin: 0; background: #f6f6f4; color: #1d1d1d;
  font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 1.5rem 2rem 4rem; background: #fff; }
h1 { font-size: 1.8rem; margin: 0.5rem 0; }
h2 { font-size: 1.35rem; margin-top: 2.2rem; border-bottom: 2px solid #0072b2; padding-bottom: 0.2rem; }
h3 { font-size: 1.1rem; margin-bottom: 0.4rem; }
.lead { font-size: 1.1rem; color: #333; }
nav { font-size: 0.9rem; color: #555; margin: 1rem 0; }
a { color: #0060a0; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.92rem; }
th, td { border: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f0f4f8; }
table.facts th { width: 11rem; }
.wide { overflow-x: auto; }
.ci { color: #666; font-size: 0.9em; }
.clear { font-weight: 600; font-size: 0.9em; }
figure { margin: 1.5rem 0; }
figure svg { max-width: 100%; height: auto; display: block; border: 1px solid #eee; }
figcaption { color: #444; font-size: 0.92rem; margin-top: 0.4rem; }
code { font-size: 0.9em; background: #f3f3f3; padding: 0 0.2em; }
";
