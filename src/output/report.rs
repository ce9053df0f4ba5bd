//! `report.html`: one self-contained page (inline SVG and CSS, no scripts, no network) that a
//! planner or trainer can open or put in front of a room: what was run, what differs from the
//! shipped baseline, the main differences in plain words with their confidence intervals, the
//! plots, the tables, and the model's main assumptions and caveats.

use std::fmt::Write as _;
use std::path::Path;

use html_escape::encode_text as esc;
use serde_json::Value;

use crate::experiment::Kind;
use crate::metrics::{Measure, Unit};
use crate::output::plots::{Figure, headline_measures};
use crate::output::results::{ArmResults, Estimate, OutputDir};
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

/// A value with its unit, for prose and tables: `71.6%`, `7.7 weeks`, `£177,730`.
pub fn value_text(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Share => format!("{:.1}%", v * 100.0),
        Unit::Score => format!("{v:.2}"),
        Unit::Count(_) => format!("{v:.1}"),
        Unit::Weeks => format!("{v:.1} weeks"),
        Unit::Hours => format!("{v:.1} hours"),
        Unit::Money(_) => format!("£{}", thousands(v)),
    }
}

/// The size of a difference: `3.1 points`, `1.2 weeks`, `£1,230 a week`.
pub fn size_text(unit: Unit, d: f64) -> String {
    let d = d.abs();
    match unit {
        Unit::Share => format!("{:.1} points", d * 100.0),
        Unit::Score => format!("{d:.2}"),
        Unit::Count(what) => format!("{d:.1} {what}"),
        Unit::Weeks => format!("{d:.1} weeks"),
        Unit::Hours => format!("{d:.1} hours a week"),
        Unit::Money(per) => format!("£{} {per}", thousands(d)),
    }
}

/// A signed bound of a CI: `+2.4`, `−0.3`.
pub fn bound_text(unit: Unit, v: f64) -> String {
    let (sign, v) = if v < 0.0 { ("−", -v) } else { ("+", v) };
    match unit {
        Unit::Share => format!("{sign}{:.1}", v * 100.0),
        Unit::Money(_) => format!("{sign}£{}", thousands(v)),
        _ => format!("{sign}{v:.1}"),
    }
}

/// Whole number with thousands separators.
pub fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < -0.5 { format!("-{out}") } else { out }
}

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
    contents(&mut h, figures);
    what_was_run(&mut h, dir);
    unit_section(&mut h, dir);
    settings(&mut h, dir);
    findings(&mut h, dir);
    h.push_str("<section id=\"plots\">\n<h2>Plots</h2>\n");
    for f in figures {
        let _ = write!(
            h,
            "<figure id=\"{name}\" aria-label=\"{title}\">\n{svg}\n<figcaption>{caption} \
             <a href=\"{name}.png\">PNG</a> · <a href=\"{name}.svg\">SVG</a></figcaption>\n\
             </figure>\n",
            name = f.name,
            title = esc(&f.title),
            svg = inline_svg(&f.svg),
            caption = esc(&f.caption),
        );
    }
    h.push_str("</section>\n");
    tables(&mut h, dir);
    caveats(&mut h, dir);
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn report_name(dir: &OutputDir) -> String {
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
            format!("{base}, varying {}", dir.varied_keys.join(" and "))
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

fn contents(h: &mut String, figures: &[Figure]) {
    h.push_str(
        "<nav><a href=\"#run\">What was run</a> · <a href=\"#settings\">Settings</a> · \
                <a href=\"#findings\">Main findings</a> · <a href=\"#plots\">Plots</a>",
    );
    for f in figures {
        let _ = write!(
            h,
            " (<a href=\"#{}\">{}</a>)",
            f.name,
            f.name.replace('_', " ")
        );
    }
    h.push_str(" · <a href=\"#tables\">Tables</a> · <a href=\"#caveats\">Assumptions and caveats</a></nav>\n");
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
            row(
                "arms",
                format!(
                    "{}: {}",
                    dir.arms.len(),
                    esc(&dir
                        .arms
                        .iter()
                        .map(|a| a.label.as_str())
                        .collect::<Vec<_>>()
                        .join("; "))
                ),
            );
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
    out.retain(|(k, _)| k != "name" && k != "description" && !k.starts_with("sweep."));
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
/// CI excludes zero.
fn findings(h: &mut String, dir: &OutputDir) {
    h.push_str("<section id=\"findings\">\n<h2>Main findings</h2>\n");
    let measures: Vec<&Measure> = FINDINGS
        .iter()
        .filter_map(|m| measure(m))
        .filter(|m| dir.arms.iter().any(|a| a.mean(m.name).is_some()))
        .collect();
    match dir.kind {
        Kind::Run => {
            h.push_str("<ul>\n");
            for m in &measures {
                if let Some(e) = dir.arms[0].stats.get(m.name) {
                    let _ = writeln!(
                        h,
                        "<li>{}: {}.</li>",
                        capitalise(&m.label.to_string()),
                        estimate_text(m.unit, e)
                    );
                }
            }
            h.push_str(
                "</ul>\n<p class=\"ci\">Means over replications, with 95% confidence \
                 intervals in brackets.</p>\n",
            );
        }
        _ => {
            let reference = &dir.arms[0];
            if let Some((last, change)) = endpoint_change(dir) {
                let _ = writeln!(h, "<p>{}:</p>\n<ul>", esc(&change));
                for m in &measures {
                    if let Some(s) = difference_sentence(dir, reference, last, m) {
                        let _ = writeln!(h, "<li>{s}</li>");
                    }
                }
                h.push_str("</ul>\n");
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

/// For a sweep along one numeric key (other keys in step): the last arm, and the change from
/// the first arm to it in words ("Raising caseload_cap from 12 to 200 (case_managers from 250
/// to 15)").
fn endpoint_change(dir: &OutputDir) -> Option<(&ArmResults, String)> {
    if dir.kind != Kind::Sweep || dir.arms.len() < 2 {
        return None;
    }
    let (first, last) = (&dir.arms[0], dir.arms.last()?);
    let x = |a: &ArmResults| a.varied.first()?.1.parse::<f64>().ok();
    let (x0, x1) = (x(first)?, x(last)?);
    // One line: no two arms share the first key's value.
    let mut xs: Vec<f64> = dir.arms.iter().map(x).collect::<Option<_>>()?;
    xs.sort_by(f64::total_cmp);
    if xs.windows(2).any(|w| w[0] == w[1]) || x0 == x1 {
        return None;
    }
    let short = |k: &str| k.rsplit('.').next().unwrap_or(k).to_string();
    let (key, v0) = &first.varied[0];
    let mut text = format!(
        "{} {} from {v0} to {}",
        if x1 > x0 { "Raising" } else { "Lowering" },
        short(key),
        last.varied[0].1
    );
    let others: Vec<String> = first.varied[1..]
        .iter()
        .zip(&last.varied[1..])
        .map(|((k, a), (_, b))| format!("{} from {a} to {b}", short(k)))
        .collect();
    if !others.is_empty() {
        let _ = write!(text, " (with {})", others.join(", "));
    }
    Some((last, text))
}

fn difference_sentence(
    dir: &OutputDir,
    reference: &ArmResults,
    arm: &ArmResults,
    m: &Measure,
) -> Option<String> {
    let d = dir.difference(&arm.label, m.name)?;
    let (mean, lo, hi) = (
        d.difference.mean?,
        d.difference.ci_low?,
        d.difference.ci_high?,
    );
    let from = reference.mean(m.name)?;
    let to = arm.mean(m.name)?;
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
    for m in headline_measures() {
        if !dir.arms.iter().any(|a| a.stats.contains_key(m.name)) {
            continue;
        }
        let _ = write!(h, "<tr><td>{}</td>", esc(m.label));
        for arm in &dir.arms {
            let e = arm.stats.get(m.name).copied().unwrap_or_default();
            let _ = write!(h, "<td>{}</td>", estimate_text(m.unit, &e));
        }
        h.push_str("</tr>\n");
    }
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
    let docs = docs_link(&dir.path);
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

/// A link to the model's documentation: relative to the output directory when it lies inside
/// the casesim source tree (as `output/...` does), else the file path in the source.
fn docs_link(out: &Path) -> String {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let relative = out.canonicalize().ok().and_then(|out| {
        let root = docs.parent()?.canonicalize().ok()?;
        let depth = out.strip_prefix(&root).ok()?.components().count();
        Some(format!("{}docs/", "../".repeat(depth)))
    });
    match relative {
        Some(rel) => format!(
            "<a href=\"{rel}ODD.md\">docs/ODD.md</a> and <a href=\"{rel}parameters.md\">\
             docs/parameters.md</a>"
        ),
        None => "docs/ODD.md and docs/parameters.md in the casesim source".into(),
    }
}

const CSS: &str = "
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
figure { margin: 1.5rem 0; }
figure svg { max-width: 100%; height: auto; display: block; border: 1px solid #eee; }
figcaption { color: #444; font-size: 0.92rem; margin-top: 0.4rem; }
code { font-size: 0.9em; background: #f3f3f3; padding: 0 0.2em; }
";
