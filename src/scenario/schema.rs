//! The JSON Schema of the scenario format (`scenarios/casesim.schema.json`), written from the
//! parameter table, so that editors with TOML schema support (taplo, Even Better TOML) complete
//! and check keys as a user types. A scenario file points at it with a first line
//! `#:schema ./casesim.schema.json`.
//!
//! Written from the table rather than derived by a schema crate (such as `schemars`) because the
//! table already holds what the schema needs — ranges, choices, labels, units, defaults — and a
//! derive would need each of them declared again on every field.

use serde_json::{Map, Value, json};

use crate::scenario::table::{Field, Kind, Params};
use crate::scenario::{Need, RiskTier, Scenario};

/// The schema, as JSON.
pub fn schema() -> Value {
    let defaults = serde_json::to_value(Scenario::default())
        .unwrap_or_else(|e| unreachable!("the default scenario serialises: {e}"));
    let Kind::Section(root) = Scenario::kind() else {
        unreachable!("the scenario is a section")
    };
    let mut schema = section(root.fields, Some(&defaults));
    let object = schema.as_object_mut().expect("a section is an object");
    object.insert(
        "$schema".into(),
        json!("http://json-schema.org/draft-07/schema#"),
    );
    object.insert(
        "$id".into(),
        json!("https://github.com/casesim/casesim/scenarios/casesim.schema.json"),
    );
    object.insert("title".into(), json!("casesim scenario"));
    object.insert(
        "description".into(),
        json!(
            "A casesim scenario: every key has a default, so any section or key may be left \
             out. docs/parameters.md explains each key and its source."
        ),
    );
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        properties.insert("sweep".into(), sweep());
    }
    schema
}

/// The schema as the shipped file holds it: pretty JSON with a final newline.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).expect("JSON");
    text.push('\n');
    text
}

fn section(fields: &'static [Field], defaults: Option<&Value>) -> Value {
    let mut properties = Map::new();
    for f in fields {
        let default = defaults.and_then(|d| d.get(f.name));
        properties.insert(f.name.to_string(), field(f, (f.kind)(), default));
    }
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
    })
}

/// The description an editor shows: meaning, unit and source.
fn description(f: &Field) -> String {
    let mut text = f.doc.replace('\n', " ");
    if !f.unit.is_empty() {
        text.push_str(&format!(" Unit: {}.", f.unit));
    }
    if !f.source.is_empty() {
        text.push_str(&format!(" Source: {}.", f.source));
    }
    text
}

fn field(f: &'static Field, kind: Kind, default: Option<&Value>) -> Value {
    let mut schema = value(f, kind, default);
    if let Value::Object(object) = &mut schema {
        if !f.label.is_empty() {
            object.insert("title".into(), json!(f.label));
        }
        let text = description(f);
        if !text.is_empty() {
            object.insert("description".into(), json!(text));
        }
    }
    schema
}

/// The schema of a value of `kind` declared by `f`.
fn value(f: &'static Field, kind: Kind, default: Option<&Value>) -> Value {
    let mut schema = match kind {
        Kind::Number => number(f, "number"),
        Kind::Integer => number(f, "integer"),
        Kind::Bool => json!({"type": "boolean"}),
        Kind::Text => json!({"type": "string"}),
        Kind::Choice(choices) => {
            let names: Vec<&str> = choices.iter().map(|c| c.name).collect();
            let explained: Vec<String> = choices
                .iter()
                .map(|c| format!("{}: {}", c.name, c.doc.replace('\n', " ")))
                .collect();
            json!({"type": "string", "enum": names, "enumDescriptions": explained})
        }
        Kind::List(inner) => json!({"type": "array", "items": value(f, inner(), None)}),
        Kind::PerTier(inner) => keyed(f, inner(), &RiskTier::ALL.map(|t| t.name()), default),
        Kind::PerNeed(inner) => keyed(f, inner(), &Need::ALL.map(|n| n.name()), default),
        Kind::Section(section) => return self::section(section.fields, default),
    };
    if let (Some(default), Value::Object(object)) = (default, &mut schema) {
        if kind.is_leaf() {
            object.insert("default".into(), default.clone());
        }
    }
    schema
}

/// A table with one entry per tier or need, each of the inner kind.
fn keyed(f: &'static Field, inner: Kind, names: &[&str], default: Option<&Value>) -> Value {
    let mut properties = Map::new();
    for name in names {
        let d = default.and_then(|d| d.get(*name));
        properties.insert(name.to_string(), value(f, inner, d));
    }
    json!({"type": "object", "additionalProperties": false, "properties": properties})
}

fn number(f: &Field, kind: &str) -> Value {
    let mut object = Map::new();
    object.insert("type".into(), json!(kind));
    let r = &f.range;
    if let Some(m) = r.min {
        object.insert("minimum".into(), json!(m));
    }
    if let Some(m) = r.max {
        object.insert("maximum".into(), json!(m));
    }
    if let Some(m) = r.above {
        object.insert("exclusiveMinimum".into(), json!(m));
    }
    if let Some(m) = r.below {
        object.insert("exclusiveMaximum".into(), json!(m));
    }
    Value::Object(object)
}

/// `[[sweep.vary]]`, which is not a model parameter.
fn sweep() -> Value {
    json!({
        "type": "object",
        "title": "sweep",
        "description": "The keys casesim sweep varies; ignored by casesim run.",
        "additionalProperties": false,
        "properties": {
            "vary": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["key", "values"],
                    "properties": {
                        "key": {
                            "type": "string",
                            "description": "Dotted scenario key to vary, e.g. workforce.caseload_cap."
                        },
                        "values": {
                            "type": "array",
                            "minItems": 1,
                            "description": "The values it takes, each of the key's type."
                        },
                        "with": {
                            "type": "string",
                            "description": "An earlier entry's key to move in step with."
                        }
                    }
                }
            }
        }
    })
}
