//! `report.html` from a real sweep, opened in headless Chromium: the page loads with no console
//! errors and no failed loads, every plot renders with a non-zero size, and a screenshot of the
//! page is not blank.
//!
//! Needs Debian's `chromium` (`.ci/run` installs it; `scripts/install-chromium.sh` does it by
//! hand). Without it the test says so and passes, unless `CASESIM_REQUIRE_BROWSER=1` (set by
//! `.ci/run`), when it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{QUICK, casesim, stderr};

fn chromium() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("CASESIM_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// The flags headless Chromium needs in a container: no sandbox (as root), no GPU, and no
/// background network traffic (the machine's network is closed). Both browser tests use them.
pub const CONTAINER_FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// The Chromium to test with; `None` (the test should pass, having said it skipped) when there
/// is none, unless `CASESIM_REQUIRE_BROWSER=1`, when a missing browser fails the test.
pub fn chromium_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        if std::env::var("CASESIM_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("CASESIM_REQUIRE_BROWSER=1 but no Chromium: apt-get install chromium");
        }
        eprintln!("SKIPPED: no Chromium (apt-get install chromium) for the browser test");
    }
    found
}

/// Headless Chromium with the container's flags, logging to stderr and a virtual-time budget.
fn browser(chromium: &Path, profile: &Path) -> Command {
    let mut cmd = Command::new(chromium);
    cmd.args(CONTAINER_FLAGS)
        .args([
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// Script put at the top of a copy of the report: records failed loads and console errors,
/// and at load writes what it found, with every figure's rendered size, into the page.
const PROBE: &str = r#"<script>
window.__problems = [];
window.addEventListener('error', function (e) {
  var t = e.target;
  window.__problems.push('error: ' + (e.message || (t && (t.src || t.href || t.tagName)) || '?'));
}, true);
var __consoleError = console.error;
console.error = function () {
  window.__problems.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
  __consoleError.apply(console, arguments);
};
window.addEventListener('load', function () {
  var items = Array.prototype.map.call(document.querySelectorAll('svg, img'), function (el) {
    var r = el.getBoundingClientRect();
    var figure = el.closest('figure');
    return { tag: el.tagName.toLowerCase(), figure: figure ? figure.id : '',
             width: r.width, height: r.height,
             loaded: el.tagName !== 'IMG' || (el.complete && el.naturalWidth > 0) };
  });
  var pre = document.createElement('pre');
  pre.id = 'casesim-probe';
  pre.textContent = JSON.stringify({ problems: window.__problems, items: items,
    figures: document.querySelectorAll('figure').length, title: document.title });
  document.body.appendChild(pre);
});
</script>"#;

#[test]
fn the_report_of_a_real_sweep_renders_in_chromium_without_errors() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    let mut args = vec![
        "sweep",
        "scenarios/baseline.toml",
        "--vary",
        "workforce.caseload_cap=40,70",
        "--reps",
        "3",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(QUICK);
    let o = casesim(&args, None);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = out.join("report.html");
    let html = std::fs::read_to_string(&report).unwrap();

    // The page as written, to a screenshot.
    let shot = tmp.path().join("report.png");
    let o = browser(&chromium, &tmp.path().join("profile-1"))
        .arg("--window-size=1280,5000")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", report.display()))
        .output()
        .expect("chromium runs");
    let log = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "chromium failed:\n{log}");
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    let png = std::fs::read(&shot).expect("a screenshot");
    let decoder = png::Decoder::new(std::io::Cursor::new(&png));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1280, 5000));
    let channels = info.color_type.samples();
    let inked = buf[..info.buffer_size()]
        .chunks(channels)
        .filter(|p| p[..3].iter().any(|&c| c < 160))
        .count();
    assert!(
        inked > 50_000,
        "the screenshot is nearly blank ({inked} dark pixels)"
    );

    // A copy with the probe, to read what rendered.
    let probe_page = out.join("probe.html");
    std::fs::write(
        &probe_page,
        html.replacen("<head>", &format!("<head>\n{PROBE}"), 1),
    )
    .unwrap();
    let o = browser(&chromium, &tmp.path().join("profile-2"))
        .arg("--dump-dom")
        .arg(format!("file://{}", probe_page.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&o.stdout);
    let log = String::from_utf8_lossy(&o.stderr);
    let start = dom
        .find("<pre id=\"casesim-probe\">")
        .unwrap_or_else(|| panic!("the probe did not run:\n{log}"));
    let json = &dom[start + "<pre id=\"casesim-probe\">".len()..];
    let json = &json[..json.find("</pre>").unwrap()];
    let json = json
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let found: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(found["problems"], serde_json::json!([]), "{found:#}");
    assert_eq!(found["figures"], 5, "{found:#}");
    assert!(
        found["title"].as_str().unwrap().starts_with("casesim"),
        "{found:#}"
    );
    let items = found["items"].as_array().unwrap();
    assert!(items.len() >= 5, "{found:#}");
    for figure in [
        "headline",
        "survival",
        "outcomes",
        "reoffending_by_tier",
        "timeseries",
    ] {
        assert!(
            items.iter().any(|i| i["figure"] == figure),
            "no rendered {figure}: {found:#}"
        );
    }
    for item in items {
        assert!(
            item["width"].as_f64().unwrap() > 100.0 && item["height"].as_f64().unwrap() > 100.0,
            "an image rendered with no size: {item}"
        );
        assert_eq!(item["loaded"], true, "{item}");
    }
    eprintln!(
        "browser test: {} figures, {} images rendered, no console errors",
        found["figures"],
        items.len()
    );
}
