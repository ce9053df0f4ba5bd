//! "Download this scenario" and "download the results".
//!
//! The scenario is the change as resolved — the question's file with the room's values — as
//! TOML that `casesim run` reads back to the same scenario ([`annotated_toml`], what
//! `casesim check` prints, each key labelled from the parameter table). The results are the
//! files `casesim compare` writes for the baseline and the try — the CSVs, `compare.csv`,
//! `run.json`, the plots as PNG and SVG and `report.html` — in a zip.

use std::io::Write as _;
use std::path::Path;

use zip::write::SimpleFileOptions;

use crate::error::Error;
use crate::files::safe_file_name;
use crate::output::render;
use crate::output::results::parse_output;
use crate::scenario::docs::annotated_toml;
use crate::serve::room::Try;
use crate::serve::settings::Settings;

/// The file name of a downloaded scenario.
pub fn scenario_file_name(settings: &Settings) -> String {
    format!("{}-tried.toml", safe_file_name(&settings.variant.name))
}

/// The change as a scenario file: named after its question with `-tried`, its description
/// saying what changed, its sweep gone (it is one run).
pub fn scenario_toml(question: &str, settings: &Settings) -> String {
    let mut s = settings.variant.clone();
    s.name = format!("{}-tried", s.name);
    let changed: Vec<String> = settings.changes.iter().map(|c| c.text()).collect();
    s.description = if changed.is_empty() {
        format!("The training room's {question} question as it stands.")
    } else {
        format!(
            "The training room's {question} question with {}.",
            changed.join("; ")
        )
    };
    format!(
        "# Downloaded from the casesim training room (casesim serve): the {question} question\n\
         # with the room's changes, every key resolved. Run it with:\n\
         #   casesim run {}.toml\n\n{}",
        safe_file_name(&s.name),
        annotated_toml(&s)
    )
}

/// The zip's file name for a try.
pub fn results_file_name(t: &Try) -> String {
    format!("{}-try-{}.zip", safe_file_name(&t.question), t.number)
}

/// A try's output files, with the plots and report drawn from them, as a zip whose files sit
/// in one folder (`<question>-try-N/`). `None` when the try's files are no longer kept.
pub fn results_zip(t: &Try) -> Option<Result<Vec<u8>, Error>> {
    let files = crate::serve::room::lock(&t.files).clone()?;
    Some(zip_outputs(t, files))
}

fn zip_outputs(t: &Try, mut files: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>, Error> {
    let folder = format!("{}-try-{}", safe_file_name(&t.question), t.number);
    let outputs = parse_output(Path::new(&folder), &files)?;
    files.extend(render(&outputs)?);
    let failed = |e: &dyn std::fmt::Display| Error::Draw {
        figure: "results.zip".into(),
        message: e.to_string(),
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in &files {
        zip.start_file(format!("{folder}/{name}"), options)
            .map_err(|e| failed(&e))?;
        zip.write_all(bytes).map_err(|e| failed(&e))?;
    }
    Ok(zip.finish().map_err(|e| failed(&e))?.into_inner())
}
