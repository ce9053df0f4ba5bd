//! Reading a scenario file, applying `--set` overrides, and saying exactly where bad input is.
//!
//! The file is parsed to a TOML table, overrides are written into the table at their dotted
//! keys, and the result is deserialised into [`Scenario`]. Any problem is traced back to where it
//! came from: the `--set` argument that put the value there, or the file and line of the key.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use crate::error::{InputError, InputProblem, Origin};
use crate::scenario::{Scenario, validate};

/// A scenario file's path and text, kept to locate problems by line.
pub struct ScenarioSource {
    pub path: PathBuf,
    pub text: String,
    /// The text parsed with its spans, once, when a problem first needs a line.
    document: OnceCell<Option<toml_edit::Document<String>>>,
}

impl ScenarioSource {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        ScenarioSource {
            path: path.into(),
            text: text.into(),
            document: OnceCell::new(),
        }
    }

    fn document(&self) -> Option<&toml_edit::Document<String>> {
        self.document
            .get_or_init(|| self.text.parse().ok())
            .as_ref()
    }
}

/// The largest scenario file read: far above any real one (the shipped ones are a few KB), so
/// that a wrong path to a huge file is refused instead of read.
const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// One `--set KEY=VALUE` override.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    /// Dotted key, e.g. `workforce.caseload_cap`.
    pub key: String,
    pub value: toml::Value,
    /// Where the override came from, for messages: a `--set` or `--vary` argument, or a
    /// sweep entry in the file.
    pub origin: Origin,
}

/// A dotted key: one or more bare TOML keys joined by dots.
pub fn is_dotted_key(key: &str) -> bool {
    !key.is_empty()
        && key.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}

/// Parses a value as TOML; a bare word that is not TOML (`task`, `very_high`) is a string.
pub fn parse_value(raw: &str) -> Option<toml::Value> {
    let text = format!("value = {raw}");
    if let Ok(mut table) = text.parse::<toml::Table>() {
        if table.len() == 1 {
            return table.remove("value");
        }
    }
    let bare_word = !raw.is_empty()
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    bare_word.then(|| toml::Value::String(raw.to_string()))
}

/// Parses `KEY=VALUE` (the argument of `--set`).
pub fn parse_override(arg: &str) -> Result<Override, InputError> {
    let problem = |message: String| {
        InputError::from(InputProblem {
            origin: Origin::Set(arg.to_string()),
            key: None,
            message,
        })
    };
    let Some((key, raw_value)) = arg.split_once('=') else {
        return Err(problem(
            "expected KEY=VALUE, e.g. --set workforce.caseload_cap=40".into(),
        ));
    };
    let key = key.trim();
    if !is_dotted_key(key) {
        return Err(problem(format!(
            "`{key}` is not a dotted key such as workforce.caseload_cap"
        )));
    }
    let raw_value = raw_value.trim();
    let Some(value) = parse_value(raw_value) else {
        return Err(InputProblem {
            origin: Origin::Set(arg.to_string()),
            key: Some(key.to_string()),
            message: format!(
                "`{raw_value}` is not a TOML value (a number, true/false, a \"string\", an array) \
                 or a bare word"
            ),
        }
        .into());
    };
    Ok(Override {
        key: key.to_string(),
        value,
        origin: Origin::Set(arg.to_string()),
    })
}

/// Writes an override into the table, creating intermediate tables as needed.
fn apply_override(table: &mut toml::Table, ov: &Override) -> Result<(), InputProblem> {
    let parts: Vec<&str> = ov.key.split('.').collect();
    let (last, parents) = parts.split_last().expect("a dotted key has a part");
    let mut current = table;
    for (depth, part) in parents.iter().enumerate() {
        let entry = current
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        current = match entry {
            toml::Value::Table(t) => t,
            _ => {
                return Err(InputProblem {
                    origin: ov.origin.clone(),
                    key: Some(parts[..=depth].join(".")),
                    message: "is a value, not a section, so it has no keys below it".into(),
                });
            }
        };
    }
    current.insert(last.to_string(), ov.value.clone());
    Ok(())
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

/// The line of the deepest part of `key` that the file spells out (the key itself, or the
/// section it sits in when the key is left at its default). A part may index an array, as
/// serde's paths do: `sweep.vary[1].values`.
pub fn line_of_key(source: &ScenarioSource, key: &str) -> Option<usize> {
    let doc = source.document()?;
    let mut item = doc.as_item();
    let mut line = None;
    for part in key.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        let Some((k, v)) = item.as_table_like().and_then(|t| t.get_key_value(name)) else {
            break;
        };
        if let Some(span) = k.span() {
            line = Some(line_of(&source.text, span.start));
        }
        item = v;
        let Some(i) = index else { continue };
        let span = match item {
            toml_edit::Item::ArrayOfTables(tables) => tables.get(i).and_then(|t| t.span()),
            toml_edit::Item::Value(toml_edit::Value::Array(values)) => {
                values.get(i).and_then(|v| v.span())
            }
            _ => None,
        };
        if let Some(span) = span {
            line = Some(line_of(&source.text, span.start));
        }
        match item.get(i) {
            Some(element) => item = element,
            None => break,
        }
    }
    line
}

/// Where the value at `key` came from: the last `--set` that wrote it (or a key above or below
/// it), else the file.
fn origin_of(key: &str, source: &ScenarioSource, overrides: &[Override]) -> Origin {
    // One key is the other, or lies below it: `a.b` below `a`, and `a.b[2]` (an element of a
    // list) below `a.b`.
    let below = |a: &str, b: &str| {
        a.strip_prefix(b)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    };
    let related = |a: &str, b: &str| a == b || below(a, b) || below(b, a);
    if let Some(ov) = overrides.iter().rev().find(|ov| related(&ov.key, key)) {
        return ov.origin.clone();
    }
    Origin::File {
        path: source.path.clone(),
        line: line_of_key(source, key),
    }
}

/// Reads a scenario file, keeping its text to locate problems by line. Only a regular file is
/// read (a FIFO or a device would block or never end), and only UTF-8 text.
pub fn read_source(path: &Path) -> Result<ScenarioSource, InputError> {
    let problem = |line: Option<usize>, message: String| InputProblem {
        origin: Origin::File {
            path: path.to_path_buf(),
            line,
        },
        key: None,
        message,
    };
    let metadata = std::fs::metadata(path)
        .map_err(|e| problem(None, format!("cannot read the scenario file: {e}")))?;
    if !metadata.is_file() {
        return Err(problem(
            None,
            "is not a regular file (a scenario is a TOML file)".into(),
        )
        .into());
    }
    if metadata.len() > MAX_SCENARIO_BYTES {
        return Err(problem(
            None,
            format!(
                "is {} bytes, far larger than any scenario (at most {MAX_SCENARIO_BYTES})",
                metadata.len()
            ),
        )
        .into());
    }
    let bytes = std::fs::read(path)
        .map_err(|e| problem(None, format!("cannot read the scenario file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        problem(
            Some(line),
            format!("is not UTF-8 text: an invalid byte at column {column}"),
        )
    })?;
    Ok(ScenarioSource::new(path, text))
}

/// Reads, overrides, deserialises and validates a scenario.
pub fn load_scenario(path: &Path, overrides: &[Override]) -> Result<Scenario, InputError> {
    scenario_from_source(&read_source(path)?, overrides)
}

/// The default scenario as a TOML table.
fn default_table() -> toml::Table {
    match toml::Value::try_from(Scenario::default()) {
        Ok(toml::Value::Table(t)) => t,
        _ => unreachable!("the default scenario serialises to a table"),
    }
}

/// Lays `over`'s keys over `base`, table by table; any other value replaces the base's.
fn lay_over(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => lay_over(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Keys that moved to another section or were replaced, with where they went.
const MOVED: [(&str, &str, &str); 8] = [
    (
        "supervision",
        "contact_interval_weeks",
        "contact frequency is set by the mode: modes.<mode>.contact_interval_weeks \
         (the default risk_matched modes give 4, 2, 1, 1 weeks by tier)",
    ),
    (
        "supervision",
        "hours_per_contact",
        "the length of a contact is set by the mode: modes.<mode>.hours_per_contact",
    ),
    (
        "costs",
        "custody_weeks_per_revocation",
        "custody is now simulated: the weeks served after a revoked order are \
         sentencing.revocation_custody_weeks, and each is costed at costs.custody_week",
    ),
    (
        "reoffending",
        "relationship_effect",
        "the working relationship no longer discounts the hazard directly: it works through \
         engagement (compliance.relationship_effect on attendance, services.relationship_effect \
         on take-up and completion, engagement.gain_per_contact on motivation)",
    ),
    (
        "reoffending",
        "low_risk_intensity_effect",
        "the risk principle now comes from mechanisms, not a coefficient: intensive \
         requirements cost a low-risk person work (circumstances.job_loss_per_requirement_hour) \
         and group work mixes them with higher-risk peers (needs.peer_influence)",
    ),
    (
        "modes",
        "intensity",
        "what a mode asks of a person's time is now modes.<mode>.requirement_hours (with its \
         appointments), which can cost a job (circumstances.job_loss_per_requirement_hour)",
    ),
    (
        "enforcement",
        "breach_revocation_prob",
        "the court now decides at breach by the case's compliance: replaced by the [court] \
         section's revocation shares, court.revocation.high, medium, low and wilful (with \
         court.new_offence_odds and court.risk_odds)",
    ),
    (
        "services",
        "severity_reduction",
        "each provider has its own: services.providers.<need>.severity_reduction",
    ),
];

/// Where an unknown key went, if it moved.
fn moved_key_hint(key: &str, message: &str) -> Option<&'static str> {
    MOVED.iter().find_map(|(section, field, hint)| {
        (key.starts_with(section) && message.contains(&format!("unknown field `{field}`")))
            .then_some(*hint)
    })
}

/// As [`load_scenario`], from text already read.
pub fn scenario_from_source(
    source: &ScenarioSource,
    overrides: &[Override],
) -> Result<Scenario, InputError> {
    let mut table: toml::Table =
        source
            .text
            .parse()
            .map_err(|e: toml::de::Error| InputProblem {
                origin: Origin::File {
                    path: source.path.clone(),
                    line: e.span().map(|s| line_of(&source.text, s.start)),
                },
                key: None,
                message: format!("not valid TOML: {}", e.message()),
            })?;
    for ov in overrides {
        apply_override(&mut table, ov)?;
    }
    // Every key has a default, even inside a table whose entries default differently (each
    // mode's settings, each provider's): the file's keys are laid over the defaults.
    // Which keys the file or a `--set` wrote (before the defaults fill the rest): a key that
    // one of the unit's files replaces must not be given beside it.
    let given = {
        let table = table.clone();
        move |key: &str| {
            let mut item = Some(&table);
            let parts: Vec<&str> = key.split('.').collect();
            let (last, parents) = parts.split_last().expect("a dotted key");
            for part in parents {
                item = item.and_then(|t| t.get(*part)).and_then(|v| v.as_table());
            }
            item.is_some_and(|t| t.contains_key(*last))
        }
    };
    let mut merged = default_table();
    lay_over(&mut merged, table);
    let mut scenario: Scenario = serde_path_to_error::deserialize(toml::Value::Table(merged))
        .map_err(|e| {
            let key = e.path().to_string();
            let mut message = e.inner().message().to_string();
            if let Some(hint) = moved_key_hint(&key, &message) {
                message = format!("{message}; {hint}");
            }
            InputProblem {
                origin: origin_of(&key, source, overrides),
                key: Some(key),
                message,
            }
        })?;
    if scenario.name.is_empty() {
        scenario.name = source
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into());
    }
    let problems = validate(&scenario);
    if problems.is_empty() {
        // The unit's files are read once the scenario's own keys are valid (a row's patch is
        // checked against `population.patches`, a post's specialism against the streaming).
        let unit_problems = crate::scenario::unit::read_unit(
            &mut scenario,
            &source.path,
            |key| origin_of(key, source, overrides),
            given,
        );
        if !unit_problems.is_empty() {
            return Err(InputError(unit_problems));
        }
    }
    if !problems.is_empty() {
        return Err(InputError(
            problems
                .into_iter()
                .map(|p| {
                    // The key's own argument, else that of a key it depends on, else the file.
                    let set_here = |key: &str| match origin_of(key, source, overrides) {
                        origin @ (Origin::Set(_) | Origin::Argument(_)) => Some(origin),
                        _ => None,
                    };
                    let origin = std::iter::once(&p.key)
                        .chain(&p.also)
                        .find_map(|k| set_here(k))
                        .unwrap_or_else(|| origin_of(&p.key, source, overrides));
                    InputProblem {
                        origin,
                        key: Some(p.key),
                        message: p.message,
                    }
                })
                .collect(),
        ));
    }
    Ok(scenario)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> ScenarioSource {
        ScenarioSource::new("test.toml", text)
    }

    #[test]
    fn values_parse_as_toml_and_bare_words_as_strings() {
        assert_eq!(parse_value("0.3"), Some(toml::Value::Float(0.3)));
        assert_eq!(parse_value("40"), Some(toml::Value::Integer(40)));
        assert_eq!(parse_value("true"), Some(toml::Value::Boolean(true)));
        assert_eq!(
            parse_value("discretionary"),
            Some(toml::Value::String("discretionary".into()))
        );
        assert_eq!(
            parse_value("\"two words\""),
            Some(toml::Value::String("two words".into()))
        );
        assert!(matches!(parse_value("[1, 2]"), Some(toml::Value::Array(_))));
        assert_eq!(parse_value("two words"), None);
        assert_eq!(parse_value(""), None);
    }

    #[test]
    fn override_needs_a_dotted_key_and_a_value() {
        assert!(parse_override("workforce.caseload_cap=40").is_ok());
        assert!(parse_override("workforce.caseload_cap").is_err());
        assert!(parse_override("=40").is_err());
        assert!(parse_override("workforce..cap=40").is_err());
        assert!(parse_override("workforce.caseload_cap=4 0").is_err());
    }

    #[test]
    fn overrides_replace_file_values() {
        let src = source("[workforce]\ncaseload_cap = 30\n");
        let ov = parse_override("workforce.caseload_cap=45").unwrap();
        let s = scenario_from_source(&src, &[ov]).unwrap();
        assert_eq!(s.workforce.caseload_cap, 45);
        assert_eq!(s.name, "test");
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let src = source("[simulation]\nweeks = 100\n\n[workforce]\ncaseload_capp = 30\n");
        let err = scenario_from_source(&src, &[]).unwrap_err();
        let p = &err.0[0];
        assert_eq!(p.key.as_deref(), Some("workforce.caseload_capp"));
        assert_eq!(
            p.origin,
            Origin::File {
                path: "test.toml".into(),
                line: Some(5)
            }
        );
    }

    #[test]
    fn out_of_range_value_from_set_names_the_argument() {
        let src = source("");
        let ov = parse_override("workforce.caseload_cap=0").unwrap();
        let err = scenario_from_source(&src, &[ov]).unwrap_err();
        let p = &err.0[0];
        assert_eq!(p.key.as_deref(), Some("workforce.caseload_cap"));
        assert_eq!(p.origin, Origin::Set("workforce.caseload_cap=0".into()));
    }

    #[test]
    fn a_bad_list_element_from_set_names_the_argument() {
        let src = source("[population.order_length]\nweeks = [26, 52, 78, 104]\n");
        let ov = parse_override("population.order_length.weeks=[-1]").unwrap();
        let err = scenario_from_source(&src, &[ov]).unwrap_err();
        assert_eq!(
            err.0[0].origin,
            Origin::Set("population.order_length.weeks=[-1]".into())
        );
        let ov = parse_override("population.order_length.weeks=[0, 26, 52, 78]").unwrap();
        let err = scenario_from_source(&src, &[ov]).unwrap_err();
        assert_eq!(
            err.0[0].key.as_deref(),
            Some("population.order_length.weeks[0]")
        );
        assert_eq!(
            err.0[0].origin,
            Origin::Set("population.order_length.weeks=[0, 26, 52, 78]".into())
        );
    }

    #[test]
    fn a_file_that_is_not_utf8_is_refused_at_its_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, b"[simulation]\nweeks = 1\xff00\n").unwrap();
        let Err(err) = read_source(&path) else {
            panic!("accepted")
        };
        let p = &err.0[0];
        assert_eq!(
            p.origin,
            Origin::File {
                path: path.clone(),
                line: Some(2)
            }
        );
        assert!(p.message.contains("column 10"), "{}", p.message);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fifo.toml");
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here: nothing to test
        }
        let Err(err) = read_source(&path) else {
            panic!("accepted")
        };
        assert!(err.0[0].message.contains("not a regular file"));
    }

    #[test]
    fn set_below_a_plain_value_is_refused() {
        let src = source("");
        let ov = parse_override("workforce.caseload_cap.x=1").unwrap();
        let err = scenario_from_source(&src, &[ov]).unwrap_err();
        assert_eq!(err.0[0].key.as_deref(), Some("workforce.caseload_cap"));
    }
}
