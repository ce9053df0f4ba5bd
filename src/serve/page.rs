//! The page and the parts of it a change redraws, as HTML (maud: templates checked when the
//! crate compiles, every value escaped unless it is marked as markup).
//!
//! Everything the page needs comes from this server: its stylesheet and its one small script
//! ([`STYLE`], [`SCRIPT`], compiled in), and the plots, which are the project's own SVG plots
//! ([`crate::output::plots`]) inlined in the results. Nothing is fetched from anywhere else.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::metrics::{Measure, Unit, measure};
use crate::output::report::{bound_text, inline_svg, size_text, thousands, value_text};
use crate::output::results::{Difference, Estimate};
use crate::serve::Limits;
use crate::serve::levers::{Control, Input};
use crate::serve::questions::Question;
use crate::serve::room::{BASELINE_LABEL, Finished, Try, try_label};
use crate::serve::settings::{DEFAULT_REPLICATIONS, Refused};

/// The page's stylesheet.
pub const STYLE: &str = include_str!("assets/room.css");
/// The page's script: sends each change, shows progress, puts the results in place.
pub const SCRIPT: &str = include_str!("assets/room.js");

/// The measures the results table shows, in order (recall only where there are licences).
pub const SHOWN: [&str; 10] = [
    "reoffending_rate",
    "breach_rate",
    "completion_rate",
    "recall_rate",
    "contact_delivery_rate",
    "needs_met_rate",
    "mean_caseload",
    "unallocated_cases",
    "mean_service_wait_weeks",
    "cost",
];

/// The measures the history shows for each try.
pub const IN_HISTORY: [&str; 5] = [
    "reoffending_rate",
    "breach_rate",
    "completion_rate",
    "contact_delivery_rate",
    "cost",
];

/// The plots the results show, in order.
pub const PLOTS: [&str; 4] = ["headline", "survival", "outcomes", "timeseries"];

/// The whole page for a question.
pub fn page(
    questions: &[Question],
    question: &Question,
    controls: &[Control],
    session: &str,
    limits: &Limits,
) -> String {
    let reps = DEFAULT_REPLICATIONS.min(limits.replications);
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "casesim training room: " (question.baseline.name) }
                link rel="icon" href="data:,";
                link rel="stylesheet" href="/assets/room.css";
                script src="/assets/room.js" defer {}
            }
            body {
                header {
                    h1 { "casesim training room" }
                    form #choose method="get" action="/" {
                        label for="question" { "Question " }
                        select #question name="question" {
                            @for q in questions {
                                option value=(q.id) selected[q.id == question.id] { (q.title) }
                            }
                        }
                        noscript { button type="submit" { "Open" } }
                    }
                }
                main {
                    section #about {
                        h2 { (question.title) }
                        @if !question.baseline.description.is_empty() {
                            p { (question.baseline.description) }
                        }
                        p.note {
                            "Every change is run against this question's baseline ("
                            code { (question.path.display()) }
                            ") on common random numbers: the same people, with the same luck, in both, so the differences are the change's alone."
                        }
                        @if !question.points.is_empty() {
                            details.suggestions open[question.points.len() <= 6] {
                                summary { "What the question compares (" (question.points.len()) " settings: each sets the controls)" }
                                @for point in &question.points {
                                    button.point type="button" data-values=(values_json(&point.values)) { (point.label) }
                                    " "
                                }
                            }
                        }
                    }
                    form #levers data-session=(session) data-question=(question.id) {
                        input type="hidden" name="question" value=(question.id);
                        fieldset.lever {
                            label for="replications" { "replications" }
                            div.inputs {
                                input #replications type="number" name="replications" min="2" max=(limits.replications) step="1" value=(reps);
                            }
                            p.range { "runs of the model per arm, from 2 to " (limits.replications) " here" }
                        }
                        @for c in controls { (control(c)) }
                    }
                    section #status aria-live="polite" {
                        progress #progress max="1" value="0" {}
                        span #state { "Starting…" }
                        div #problems {}
                    }
                    section #results {}
                    section #downloads {
                        a #download-scenario href="/download/scenario.toml" download { "Download this scenario" }
                        " (TOML that "
                        code { "casesim run" }
                        " reads) · "
                        a #download-results href="#" aria-disabled="true" { "Download the results" }
                        " (the usual output files, zipped)"
                    }
                    section #history {}
                }
                footer {
                    p {
                        "Served by casesim " (env!("CARGO_PKG_VERSION"))
                        " from this computer: no network. At most " (limits.replications)
                        " replications and about " (limits.cases) " cases at once per change; "
                        code { "casesim run" }
                        " takes any size. docs/serve.md says more."
                    }
                }
            }
        }
    };
    markup.into_string()
}

/// A JSON object of key → value text, for a button that sets controls.
fn values_json(values: &[(String, String)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = values
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::Value::Object(map).to_string()
}

fn control(c: &Control) -> Markup {
    let id = c.key.replace('.', "-");
    html! {
        fieldset.lever data-key=(c.key) title=(c.doc) {
            label for=(id) { (c.label) }
            div.inputs {
                @match &c.input {
                    Input::Number { min, max, step } => {
                        input.slider type="range" data-for=(id) aria-label=(c.label)
                            min=(min) max=(max) step=(step) value=(c.value);
                        input #(id) type="number" name=(c.key) step="any" value=(c.value);
                        span.unit { (c.unit) }
                    }
                    Input::Choice(choices) => {
                        select #(id) name=(c.key) {
                            @for (name, doc) in choices {
                                option value=(name) title=(doc) selected[*name == c.value] { (choice_words(name, doc)) }
                            }
                        }
                    }
                }
            }
            p.range {
                code { (c.key) }
                @if !c.range.is_empty() { " · " (c.unit) ", " (c.range) }
            }
        }
    }
}

/// A choice as the page lists it: its name, and `yes`/`no` for true and false.
fn choice_words(name: &str, doc: &str) -> String {
    match name {
        "true" | "false" => doc.to_string(),
        _ => name.replace('_', " "),
    }
}

/// A value with its unit, or "undefined".
fn value(unit: Unit, v: Option<f64>) -> String {
    v.map_or_else(|| "undefined".to_string(), |v| value_text(unit, v))
}

/// An estimate and its 95% interval: "34.2% (33.5% to 34.9%)".
fn estimate(unit: Unit, e: Option<&Estimate>) -> Markup {
    let Some(e) = e else {
        return html! { span.ci { "undefined" } };
    };
    html! {
        (value(unit, e.mean))
        @if let (Some(lo), Some(hi)) = (e.ci_low, e.ci_high) {
            " " span.ci { "(" (value_text(unit, lo)) " to " (value_text(unit, hi)) ")" }
        }
    }
}

/// A bound of a difference's interval as a size (no sign): `1.6` points, `£1,230`.
fn magnitude(unit: Unit, v: f64) -> String {
    let v = v.abs();
    match unit {
        Unit::Share => format!("{:.1}", v * 100.0),
        Unit::Score => format!("{v:.2}"),
        Unit::Money(_) => format!("£{}", thousands(v)),
        _ => format!("{v:.1}"),
    }
}

/// The difference from the baseline in words: "proven reoffending within a year 2.1 points
/// higher, 95% CI 1.6 to 2.6". A difference whose interval includes zero is no clear
/// difference.
pub fn difference_words(m: &Measure, d: &Difference) -> Option<String> {
    let e = &d.difference;
    let (mean, lo, hi) = (e.mean?, e.ci_low?, e.ci_high?);
    Some(if lo > 0.0 || hi < 0.0 {
        let (near, far) = if mean > 0.0 { (lo, hi) } else { (hi, lo) };
        format!(
            "{} {} {}, 95% CI {} to {}",
            m.label,
            size_text(m.unit, mean),
            if mean > 0.0 { "higher" } else { "lower" },
            magnitude(m.unit, near),
            magnitude(m.unit, far)
        )
    } else {
        format!(
            "no clear difference in {} (95% CI {} to {})",
            m.label,
            bound_text(m.unit, lo),
            bound_text(m.unit, hi)
        )
    })
}

/// The results of a finished try: the headline measures of both arms with their intervals,
/// the differences in words, and the plots.
pub fn results(finished: &Finished) -> String {
    let t = &finished.r#try;
    let out = &t.outputs;
    let (base, tried) = (&out.arms[0], &out.arms[1]);
    let label = try_label(t.number);
    let shown: Vec<&Measure> = SHOWN
        .iter()
        .filter_map(|name| measure(name))
        .filter(|m| base.mean(m.name).is_some() || tried.mean(m.name).is_some())
        .collect();
    let markup = html! {
        div #outcome data-try=(t.number) {
            h2 { (label) ": " (changes_text(t)) }
            p.note {
                (t.replications) " replications per arm, seed " (t.seed) ", paired on common random numbers; "
                @if t.replications_run == 0 {
                    "nothing new to run"
                } @else {
                    (t.replications_run) " replications run"
                }
                " in " (format!("{:.2}", t.seconds)) " s."
            }
            table #headline {
                thead { tr { th { "measure" } th { (BASELINE_LABEL) } th { (label) } th { "difference from the baseline" } } }
                tbody {
                    @for m in &shown {
                        tr data-metric=(m.name) {
                            th scope="row" { (m.label) }
                            td.baseline { (estimate(m.unit, base.stats.get(m.name))) }
                            td.tried { (estimate(m.unit, tried.stats.get(m.name))) }
                            td.words {
                                @if t.changes.is_empty() {
                                    "the same: nothing is changed yet"
                                } @else {
                                    (out.difference(&tried.label, m.name)
                                        .and_then(|d| difference_words(m, d))
                                        .unwrap_or_else(|| "undefined".into()))
                                }
                            }
                        }
                    }
                }
            }
            div.plots {
                @for name in PLOTS {
                    @if let Some(f) = finished.figures.iter().find(|f| f.name == name) {
                        figure id=(format!("plot-{name}")) data-plot=(name) {
                            (PreEscaped(inline_svg(&f.svg)))
                            figcaption { strong { (f.title) } ". " (f.caption) }
                        }
                    }
                }
            }
        }
    };
    markup.into_string()
}

/// What a try changed, in words.
fn changes_text(t: &Try) -> String {
    if t.changes.is_empty() {
        "the question as it stands".to_string()
    } else {
        t.changes
            .iter()
            .map(|c| c.text())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// What the room tried, newest first, side by side.
pub fn history(tries: &[std::sync::Arc<Try>], session: &str) -> String {
    let measures: Vec<&Measure> = IN_HISTORY.iter().filter_map(|n| measure(n)).collect();
    let markup = html! {
        h2 { "What the room tried" }
        @if tries.is_empty() {
            p.note { "Nothing yet: move a control." }
        } @else {
            table #tries {
                thead {
                    tr {
                        th { "try" } th { "question" } th { "changed" }
                        @for m in &measures { th { (m.label) } }
                        th { "files" }
                    }
                }
                tbody {
                    @for t in tries.iter().rev() {
                        tr data-try=(t.number) {
                            td { (t.number) }
                            td { (t.question) }
                            td { (changes_text(t)) }
                            @for m in &measures { td { (history_cell(t, m)) } }
                            td {
                                @if crate::serve::room::lock(&t.files).is_some() {
                                    a href=(format!("/download/results.zip?session={session}&try={}", t.number)) data-try-zip=(t.number) { "results" }
                                } @else {
                                    span.ci { "not kept" }
                                }
                            }
                        }
                    }
                }
            }
            p.note { "Each try against its question's baseline: the try's value, and its difference with the 95% CI. Results are kept for the latest " (crate::serve::room::KEPT_FILES) " tries." }
        }
    };
    markup.into_string()
}

fn history_cell(t: &Try, m: &Measure) -> Markup {
    let out = &t.outputs;
    let tried = &out.arms[1];
    let d = out.difference(&tried.label, m.name).map(|d| d.difference);
    html! {
        (value(m.unit, tried.mean(m.name)))
        @if let Some(Estimate { mean: Some(d), ci_low: Some(lo), ci_high: Some(hi), .. }) = d {
            br;
            span.ci { (bound_text(m.unit, d)) " (" (bound_text(m.unit, lo)) " to " (bound_text(m.unit, hi)) ")" }
        }
    }
}

/// Why a change was refused, each problem as the command line says it.
pub fn problems(refused: &Refused) -> String {
    html! {
        p { strong { "Not run:" } }
        ul {
            @for line in refused.lines() { li { code { (line) } } }
        }
    }
    .into_string()
}

/// A problem that is not the input's, as the page shows it.
pub fn plain_problem(message: &str) -> String {
    html! { p { strong { "Not run: " } (message) } }.into_string()
}

/// A page for a request that has nothing to show.
pub fn plain_page(title: &str, message: &str) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "casesim training room: " (title) }
                link rel="icon" href="data:,";
                link rel="stylesheet" href="/assets/room.css";
            }
            body {
                main {
                    h1 { (title) }
                    p { (message) }
                    p { a href="/" { "Back to the training room" } }
                }
            }
        }
    }
    .into_string()
}
