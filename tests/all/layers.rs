//! The modules of `src/` depend on each other in one direction only:
//! scenario → model → engine → metrics → experiment → output → analysis → calibration →
//! commands → serve,
//! with the utilities (error, files, rng) usable by all. A module that names one to its right (outside
//! its tests) breaks the layering, and this test names the line.

use std::path::Path;

/// The layers, left to right: each may use only those before it. `lib.rs` re-exports and is
/// left out.
const LAYERS: [&str; 14] = [
    "error",
    "files",
    "text",
    "rng",
    "scenario",
    "model",
    "engine",
    "metrics",
    "experiment",
    "output",
    "analysis",
    "calibration",
    "commands",
    "serve",
];

/// The top-level module a file of `src/` belongs to.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src");
    let first = rel.components().next().expect("a component");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

/// The crate modules a line of code names: `crate::x` and `crate::{x, y}`.
fn named_modules(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.push(name);
            }
        } else {
            out.push(
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            );
        }
    }
    out
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a directory") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn modules_depend_only_on_the_layers_to_their_left() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut broken = Vec::new();
    let mut seen = 0;
    for file in &all {
        let module = module_of(&src, file);
        if module == "lib" || module == "main" {
            continue;
        }
        let rank = LAYERS
            .iter()
            .position(|l| *l == module)
            .unwrap_or_else(|| panic!("{} is in no layer: add it to LAYERS", file.display()));
        let text = std::fs::read_to_string(file).expect("a source file");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("#[cfg(test)]") {
                break; // the tests at the end of a file may use anything
            }
            if code.starts_with("//") {
                continue;
            }
            for used in named_modules(code) {
                seen += 1;
                let Some(used_rank) = LAYERS.iter().position(|l| *l == used) else {
                    continue;
                };
                if used_rank > rank {
                    broken.push(format!(
                        "{}:{}: {module} uses {used}",
                        file.display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(seen > 100, "only {seen} references found");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_check_finds_an_upward_reference() {
    assert_eq!(named_modules("use crate::metrics::Recorder;"), ["metrics"]);
    assert_eq!(
        named_modules("use crate::{engine::World, output::x};"),
        ["engine", "output"]
    );
}
