//! Files written from the parameter and measure tables stay in step with them: `docs/parameters.md`,
//! `docs/outputs.md` and the scenario format's JSON Schema, `scenarios/casesim.schema.json`, which every shipped scenario
//! satisfies. `CASESIM_WRITE_DOCS=1 cargo test --profile test-release generated` rewrites the files.

use std::path::{Path, PathBuf};

use casesim::scenario::{docs, schema};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Fails when `path` does not hold `expected`, or writes it when asked to.
fn in_step(path: &Path, expected: &str) {
    if std::env::var_os("CASESIM_WRITE_DOCS").is_some() {
        std::fs::write(path, expected).expect("write the generated file");
        return;
    }
    let found = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        found == expected,
        "{} is out of date with the parameter table: run \
         `CASESIM_WRITE_DOCS=1 cargo test --profile test-release generated` and commit the result",
        path.display()
    );
}

#[test]
fn parameters_md_is_written_from_the_table() {
    in_step(&root().join("docs/parameters.md"), &docs::parameters_md());
}

#[test]
fn outputs_md_is_written_from_the_measure_table() {
    in_step(
        &root().join("docs/outputs.md"),
        &casesim::output::docs::outputs_md(),
    );
}

#[test]
fn the_schema_is_written_from_the_table() {
    in_step(
        &root().join("scenarios/casesim.schema.json"),
        &schema::schema_text(),
    );
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&schema::schema()).expect("a valid JSON Schema")
}

fn as_json(toml_text: &str) -> serde_json::Value {
    let value: toml::Table = toml_text.parse().expect("TOML");
    serde_json::to_value(value).expect("JSON")
}

#[test]
fn every_shipped_scenario_satisfies_the_schema() {
    let validator = validator();
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("scenarios")).expect("scenarios/") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "toml")
            && !crate::common::is_calibration_file(&path)
        {
            let text = std::fs::read_to_string(&path).expect("a scenario");
            let errors: Vec<String> = validator
                .iter_errors(&as_json(&text))
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            assert!(
                text.starts_with("#:schema ./casesim.schema.json"),
                "{} does not point editors at the schema on its first line",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 9, "{checked} scenarios");
    // The resolved default scenario too (every key spelt out).
    let defaults = serde_json::to_value(casesim::Scenario::default()).expect("JSON");
    assert!(validator.is_valid(&defaults));
}

#[test]
fn the_schema_refuses_what_validation_refuses() {
    let validator = validator();
    for bad in [
        "[workforce]\ncaseload_capp = 30\n",
        "[workforce]\ncaseload_cap = 0\n",
        "[compliance]\nbase_attendance = 1.5\n",
        "[organisation]\napproach = \"squad\"\n",
        "[population.risk_mix]\nlow = -0.1\n",
        "[services.providers.drugs]\nplaces = 1.5\n",
        "[reoffending.proven_rate_by_tier]\nhigh = 1.0\n",
    ] {
        assert!(!validator.is_valid(&as_json(bad)), "accepted: {bad}");
        let refused = casesim::scenario::scenario_from_source(
            &casesim::scenario::ScenarioSource::new("bad.toml", bad.to_string()),
            &[],
        );
        assert!(refused.is_err(), "casesim accepted: {bad}");
    }
    assert!(validator.is_valid(&as_json("[workforce]\ncaseload_cap = 30\n")));
}
