//! `docs/parameters.md`, written from the parameter table. A test compares the file with what
//! this writes and fails when they differ; `CASESIM_WRITE_DOCS=1 cargo test --profile test-release generated`
//! rewrites it.

use std::fmt::Write as _;

use crate::scenario::Scenario;
use crate::scenario::table::{Kind, Parameter, Params, Range, parameters};

const HEAD: &str = "\
# Parameters

<!-- Written by casesim from its parameter table (src/scenario/): do not edit by hand. Each key's
declaration is on its field in src/scenario/; `CASESIM_WRITE_DOCS=1 cargo test --profile test-release generated`
rewrites this file, and the tests fail when it is out of date. -->

Every scenario key: its default, its unit, the values it accepts, what it means and where the
default comes from. A source is a study or statistic (author and year; docs/references.md lists
each in full), **assumption** (no study or statistic gave the number: it was chosen to be
plausible), or **calibration** (chosen so that the baseline approaches a published base rate:
docs/validation.md says which, and those checks are labelled calibration, not validation).
A key inside a table that gives no source of its own takes the table's.

A source ending **[estimated]** marks a key that `scenarios/calibration_evidence.toml` estimates
from the published findings `casesim validate` checks (`casesim calibrate`, docs/calibration.md):
its posterior, with an interval, is in docs/calibration.md (section Measured). The default shown is
still the value set by hand: no default has yet been replaced by a posterior mean, and every
key not so marked keeps its source as given. A planner's own calibration can estimate any
numeric key; `casesim run --posterior` then carries its uncertainty into the results.

`casesim check SCENARIO` prints every key as resolved; `scenarios/casesim.schema.json` is the
same table as a JSON Schema, for editors that complete and check TOML as you type (a scenario's
first line `#:schema ./casesim.schema.json` points taplo and Even Better TOML at it). Keys
written `{tier}` take one value per risk tier (`low`, `medium`, `high`, `very_high`); `{need}`
one per criminogenic need (`drugs`, `alcohol`, `mental_health`, `accommodation`,
`employment`, `family`, `thinking`).
";

const SWEEP: &str = "
## sweep

Not a model parameter: the keys `casesim sweep` varies, as `[[sweep.vary]]` entries. Ignored by
`casesim run`.

| key | meaning |
|---|---|
| `sweep.vary[].key` | dotted scenario key to vary; not `name` or `sweep.*` |
| `sweep.vary[].values` | its values, TOML of the key's type; at least one |
| `sweep.vary[].with` | an earlier entry's key to move in step with (same number of values) instead of crossing with it |
";

/// A value as the docs show it.
fn shown(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) if s.is_empty() => "(none)".into(),
        toml::Value::String(s) => format!("`{s}`"),
        toml::Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// The instance a key of a pattern is (the tier or need in braces), e.g. `very_high`.
fn instance<'a>(p: &'a Parameter) -> &'a str {
    let parts = p.pattern.split('.').zip(p.key.split('.'));
    let mut names = parts
        .filter(|(pat, _)| pat.starts_with('{'))
        .map(|(_, k)| k);
    names.next().unwrap_or("")
}

/// The values a key accepts, in words.
fn accepted(p: &Parameter) -> String {
    match p.kind {
        Kind::Integer if p.range == Range::default() => "any whole number".into(),
        Kind::Number | Kind::Integer => {
            let range = p.range.describe();
            if matches!(p.kind, Kind::Integer) {
                format!("whole number, {range}")
            } else {
                range
            }
        }
        Kind::List(inner) => format!("list, each {}", {
            let inner = inner();
            match inner {
                Kind::Integer => format!("a whole number {}", p.range.describe()),
                _ => p.range.describe(),
            }
        }),
        Kind::Choice(choices) => choices
            .iter()
            .map(|c| format!("`{}`", c.name))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.describe(),
    }
}

/// What a key means, with its choices explained.
fn meaning(p: &Parameter) -> String {
    let mut text = p.doc.replace('\n', " ");
    if let Kind::Choice(choices) = p.kind {
        let explained: Vec<String> = choices
            .iter()
            .filter(|c| !c.doc.is_empty())
            .map(|c| format!("`{}`: {}", c.name, c.doc.replace('\n', " ")))
            .collect();
        if !explained.is_empty() {
            let _ = write!(text, " {}", explained.join("; "));
        }
    }
    text
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The whole of `docs/parameters.md`.
pub fn parameters_md() -> String {
    let mut out = String::from(HEAD);
    let table = parameters();
    let Kind::Section(root) = Scenario::kind() else {
        unreachable!("the scenario is a section")
    };
    let top: Vec<&Parameter> = table.iter().filter(|p| p.section.is_empty()).collect();
    out.push_str("\n## The scenario itself\n\n");
    rows_of(&mut out, "", &top);
    for field in root.fields.iter().filter(|f| f.section) {
        let rows: Vec<&Parameter> = table.iter().filter(|p| p.section == field.name).collect();
        let _ = writeln!(out, "\n## {}\n", field.name);
        if let Kind::Section(section) = (field.kind)() {
            if !section.doc.is_empty() {
                let _ = writeln!(out, "{}\n", section.doc);
            }
        }
        rows_of(&mut out, field.name, &rows);
    }
    out.push_str(SWEEP);
    out
}

/// The keys the shipped evidence calibration estimates (its `[[prior]]` keys).
fn estimated_keys() -> Vec<String> {
    let text = include_str!("../../scenarios/calibration_evidence.toml");
    let table: toml::Table = text.parse().unwrap_or_default();
    table
        .get("prior")
        .and_then(|p| p.as_array())
        .map(|priors| {
            priors
                .iter()
                .filter_map(|p| p.get("key")?.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The table of a section's keys, one row per declaration (a key's tiers or needs together).
fn rows_of(out: &mut String, section: &str, rows: &[&Parameter]) {
    {
        out.push_str("| key | default | unit | accepts | meaning | source |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        let mut i = 0;
        let mut previous_source = None;
        let estimated = estimated_keys();
        while i < rows.len() {
            let pattern = &rows[i].pattern;
            let group: Vec<&Parameter> = rows[i..]
                .iter()
                .take_while(|p| &p.pattern == pattern)
                .copied()
                .collect();
            i += group.len();
            let first = group[0];
            let default = if group.len() == 1 {
                shown(&first.default)
            } else if group.iter().all(|p| p.default == first.default) {
                format!("{} each", shown(&first.default))
            } else {
                group
                    .iter()
                    .map(|p| format!("{} {}", instance(p), shown(&p.default)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let key = pattern
                .strip_prefix(&format!("{section}."))
                .unwrap_or(pattern);
            // A table's source, which its keys share, is given once.
            let source = if previous_source == Some(first.source) {
                "as above"
            } else {
                first.source
            };
            previous_source = Some(first.source);
            let source = if group.iter().any(|p| estimated.contains(&p.key)) {
                format!("{source} **[estimated]**")
            } else {
                source.to_string()
            };
            let _ = writeln!(
                out,
                "| `{key}` | {} | {} | {} | {} | {} |",
                cell(&default),
                cell(first.unit),
                cell(&accepted(first)),
                cell(&meaning(first)),
                cell(&source),
            );
        }
    }
}

/// A scenario as resolved, as TOML that `casesim run` reads back, each key followed by a
/// comment with its label and unit from the parameter table (what `casesim check` prints).
pub fn annotated_toml(s: &Scenario) -> String {
    let text = toml::to_string_pretty(s).unwrap_or_else(|e| unreachable!("serialises: {e}"));
    let Ok(mut doc) = text.parse::<toml_edit::DocumentMut>() else {
        return text;
    };
    let table = parameters();
    annotate(doc.as_table_mut(), "", &table);
    doc.to_string()
}

fn annotate(table: &mut toml_edit::Table, prefix: &str, params: &[Parameter]) {
    for (key, item) in table.iter_mut() {
        let dotted = crate::scenario::table::join(prefix, key.get());
        match item {
            toml_edit::Item::Table(t) => annotate(t, &dotted, params),
            toml_edit::Item::Value(toml_edit::Value::InlineTable(t)) => {
                let mut t = std::mem::take(t).into_table();
                annotate(&mut t, &dotted, params);
                *item =
                    toml_edit::Item::Value(toml_edit::Value::InlineTable(t.into_inline_table()));
            }
            toml_edit::Item::Value(v) => {
                if let Some(p) = params.iter().find(|p| p.key == dotted) {
                    // The unit, unless the label already says it ("weeks simulated").
                    let unit = if p.unit.is_empty() || p.label.contains(p.unit) {
                        String::new()
                    } else {
                        format!(" [{}]", p.unit)
                    };
                    v.decor_mut().set_suffix(format!("  # {}{unit}", p.label));
                }
            }
            _ => {}
        }
    }
}
