//! The training room (`casesim serve`): the page, a change run against the baseline on common
//! random numbers, refusals worded as the command line words them, the room's limits,
//! superseded runs, the downloads, concurrent browsers over a real socket, and no request that
//! makes the server panic. The browser test is in `serve_browser.rs`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use casesim::experiment::{paired_differences, run_replications};
use casesim::scenario::load_scenario;
use casesim::scenario::table::parameter;
use casesim::serve::levers::MAIN_LEVERS;
use casesim::serve::questions::{Question, shipped};
use casesim::serve::server::{Request, Response, handle, parse_form};
use casesim::serve::settings::resolve;
use casesim::serve::{App, Config, Limits, start};
use proptest::prelude::*;

use crate::common::{casesim, check_property_with, stderr};

/// A small unit that runs in a few milliseconds a replication.
pub const SMALL: &str = r#"
name = "small"
description = "A small unit for the tests."

[simulation]
weeks = 120
warmup_weeks = 52
replications = 20
seed = 11

[population]
initial_cases = 500
inflow_per_week = 10.0

[workforce]
case_managers = 12
"#;

/// A smaller one still, for the property test (many requests).
const TINY: &str = r#"
name = "tiny"

[simulation]
weeks = 40
warmup_weeks = 10
follow_up_weeks = 20
seed = 3

[population]
initial_cases = 120
inflow_per_week = 3.0

[workforce]
case_managers = 4
"#;

fn question(text: &str) -> Question {
    Question::from_text(Path::new("scenarios/small.toml"), text).unwrap()
}

fn app(text: &str) -> App {
    App::new(vec![question(text)], Limits::default(), 2)
}

fn get(app: &App, url: &str) -> Response {
    handle(
        app,
        &Request {
            method: "GET",
            url,
            body: b"",
        },
    )
}

fn post(app: &App, url: &str, body: &str) -> Response {
    handle(
        app,
        &Request {
            method: "POST",
            url,
            body: body.as_bytes(),
        },
    )
}

fn json(r: &Response) -> serde_json::Value {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.content_type, "application/json");
    serde_json::from_slice(&r.body).unwrap()
}

fn text(r: &Response) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

#[test]
fn the_page_offers_the_shipped_questions_and_every_lever_in_the_table_s_words() {
    let app = App::new(shipped(), Limits::default(), 1);
    let r = get(&app, "/");
    assert_eq!(r.status, 200);
    let page = text(&r);
    for q in &app.questions {
        let title = html_escape::encode_text(&q.title).into_owned();
        assert!(page.contains(&title), "no question {}", q.id);
    }
    for key in MAIN_LEVERS {
        let p = parameter(key).unwrap();
        assert!(
            page.contains(&format!("name=\"{key}\"")),
            "no control {key}"
        );
        assert!(
            page.contains(&format!(">{}</label>", p.label)),
            "no label {key}"
        );
        if p.is_numeric() {
            assert!(page.contains(&p.range.describe()), "no range for {key}");
            assert!(page.contains(p.unit), "no unit for {key}");
        }
    }
    // A question's varied keys join the levers, with its points as suggestions.
    let r = get(&app, "/?question=continuity_of_care");
    let page = text(&r);
    assert!(page.contains("name=\"workforce.turnover_rate\""));
    assert!(page.contains("name=\"organisation.cover_group_size\""));
    assert!(page.contains("class=\"point\""));
    // Assets are served from the binary; nothing is loaded from elsewhere.
    assert!(!page.contains("http://") && !page.contains("https://"));
    assert_eq!(get(&app, "/assets/room.js").status, 200);
    assert_eq!(get(&app, "/assets/room.css").status, 200);
    assert_eq!(get(&app, "/?question=nonesuch").status, 404);
    assert_eq!(get(&app, "/nothing").status, 404);
}

/// The body of a change: the session, the replications, and `--set`-style fields.
fn change(session: &str, reps: u32, fields: &[(&str, &str)]) -> String {
    let mut body = format!("session={session}&question=small&replications={reps}");
    for (k, v) in fields {
        body.push_str(&format!("&{k}={v}"));
    }
    body
}

#[test]
fn a_change_is_compared_with_the_baseline_on_common_random_numbers() {
    let app = app(SMALL);
    let reply = json(&post(
        &app,
        "/api/run",
        &change("a1", 6, &[("workforce.caseload_cap", "25")]),
    ));
    assert_eq!(reply["status"], "finished", "{reply:#}");
    assert_eq!(reply["try"], 1);
    let results = reply["results"].as_str().unwrap();
    assert!(results.contains("caseload cap 50 → 25 cases"), "{results}");
    assert!(results.contains("<svg"), "no plots");
    for plot in ["headline", "survival", "outcomes", "timeseries"] {
        assert!(results.contains(&format!("data-plot=\"{plot}\"")), "{plot}");
    }

    // The same comparison, run directly: the page's words are its paired differences.
    let mut base = question(SMALL).baseline;
    base.simulation.replications = 6;
    let mut tried = base.clone();
    tried.workforce.caseload_cap = 25;
    let (b, t) = (run_replications(&base), run_replications(&tried));
    let d = paired_differences(&b, &t)
        .into_iter()
        .find(|(n, _)| *n == "reoffending_rate")
        .unwrap()
        .1;
    let (mean, lo, hi) = (d.mean.unwrap(), d.ci_low.unwrap(), d.ci_high.unwrap());
    let words = if lo > 0.0 {
        format!(
            "proven reoffending within a year {:.1} points higher, 95% CI {:.1} to {:.1}",
            mean * 100.0,
            lo * 100.0,
            hi * 100.0
        )
    } else if hi < 0.0 {
        format!(
            "proven reoffending within a year {:.1} points lower, 95% CI {:.1} to {:.1}",
            -mean * 100.0,
            -hi * 100.0,
            -lo * 100.0
        )
    } else {
        "no clear difference in proven reoffending within a year".to_string()
    };
    assert!(results.contains(&words), "no {words:?} in {results}");

    // A change that changes nothing runs nothing new: the baseline is kept.
    let reply = json(&post(&app, "/api/run", &change("a1", 6, &[])));
    assert_eq!(reply["status"], "finished");
    assert!(
        reply["results"]
            .as_str()
            .unwrap()
            .contains("nothing new to run")
    );
    // The history shows both tries, newest first.
    let history = reply["history"].as_str().unwrap();
    let (two, one) = (
        history.find("data-try=\"2\"").unwrap(),
        history.find("data-try=\"1\"").unwrap(),
    );
    assert!(two < one, "{history}");
    // Same settings, same numbers: determinism through the server.
    let again = json(&post(
        &app,
        "/api/run",
        &change("b2", 6, &[("workforce.caseload_cap", "25")]),
    ));
    let table = |r: &serde_json::Value| {
        let html = r["results"].as_str().unwrap().to_string();
        let start = html.find("<tbody>").unwrap();
        html[start..html.find("</tbody>").unwrap()].to_string()
    };
    let first = json(&post(
        &app,
        "/api/run",
        &change("a1", 6, &[("workforce.caseload_cap", "25")]),
    ));
    assert_eq!(table(&again), table(&first));
}

#[test]
fn a_bad_value_is_refused_with_the_command_line_s_message() {
    let baseline = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let app = App::new(
        vec![Question::from_file(&baseline).unwrap()],
        Limits::default(),
        1,
    );
    for set in [
        "workforce.caseload_cap=0",
        "workforce.hours_per_week=lots",
        "workforce.caseload_capp=40",
        "organisation.streaming=sideways",
        "custody.through_the_gate=maybe",
        "services.capacity_scale=-1",
    ] {
        let (k, v) = set.split_once('=').unwrap();
        let body = format!("session=s&question=baseline&{k}={v}");
        let reply = json(&post(&app, "/api/run", &body));
        assert_eq!(reply["status"], "refused", "{set}: {reply:#}");
        let cli = casesim(&["check", baseline.to_str().unwrap(), "--set", set], None);
        assert_eq!(cli.status.code(), Some(2), "{set}");
        let said: Vec<String> = stderr(&cli)
            .lines()
            .map(|l| l.trim_start_matches("error: ").to_string())
            .collect();
        let page: Vec<String> = reply["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect();
        assert_eq!(page, said, "{set}");
        assert!(reply["html"].as_str().unwrap().contains("Not run"));
    }
    let reply = json(&post(
        &app,
        "/api/run",
        "session=s&question=baseline&workforce.caseload_cap=0",
    ));
    assert_eq!(reply["keys"][0], "workforce.caseload_cap");
}

#[test]
fn the_room_s_limits_refuse_a_change_too_big_to_redraw_live() {
    let app = app(SMALL);
    for (fields, words) in [
        (change("l", 21, &[]), "from 2 to 20"),
        (change("l", 1, &[]), "from 2 to 20"),
        (
            change("l", 8, &[("population.initial_cases", "500000")]),
            "at most 30000",
        ),
        (
            change("l", 8, &[("workforce.case_managers", "100000")]),
            "at most 5000",
        ),
        (
            change("l", 8, &[("simulation.weeks", "5000")]),
            "at most 1040",
        ),
    ] {
        let reply = json(&post(&app, "/api/run", &fields));
        assert_eq!(reply["status"], "refused", "{fields}");
        let said = reply["problems"].to_string();
        assert!(said.contains(words), "{fields}: {said}");
    }
    // The national scenario as the question: refused at every change, never run.
    let national = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/national.toml");
    let app = App::new(
        vec![Question::from_file(&national).unwrap()],
        Limits::default(),
        1,
    );
    let reply = json(&post(&app, "/api/run", "session=n&question=national"));
    assert_eq!(reply["status"], "refused");
    // Its scenario can still be downloaded, for `casesim run`, which takes any size.
    let r = get(&app, "/download/scenario.toml?question=national");
    assert_eq!(r.status, 200, "{}", text(&r));
}

#[test]
fn a_run_overtaken_by_a_newer_change_is_superseded_not_queued() {
    let app = Arc::new(app(SMALL));
    // A first change of 20 replications of a bigger unit (a second or so), then a second
    // change while it runs.
    let first = {
        let app = app.clone();
        std::thread::spawn(move || {
            json(&post(
                &app,
                "/api/run",
                &change(
                    "r",
                    20,
                    &[
                        ("workforce.caseload_cap", "20"),
                        ("population.initial_cases", "3000"),
                    ],
                ),
            ))
        })
    };
    let started = std::time::Instant::now();
    loop {
        let p = json(&get(&app, "/api/progress?session=r"));
        if p["generation"] == 1 && p["total"].as_u64() > Some(0) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "never started");
        std::thread::sleep(Duration::from_millis(2));
    }
    let second = json(&post(
        &app,
        "/api/run",
        &change("r", 4, &[("workforce.caseload_cap", "30")]),
    ));
    let first = first.join().unwrap();
    assert_eq!(first["status"], "superseded", "{first:#}");
    assert_eq!(second["status"], "finished");
    assert_eq!(second["try"], 1, "the superseded run is not in the history");
    let p = json(&get(&app, "/api/progress?session=r"));
    assert_eq!(p["generation"], 2);
    assert_eq!(p["done"], p["total"]);
}

#[test]
fn the_downloaded_scenario_round_trips_through_casesim_run() {
    let app = app(SMALL);
    let r = get(
        &app,
        "/download/scenario.toml?question=small&replications=4&workforce.caseload_cap=30\
         &organisation.streaming=task&custody.through_the_gate=false",
    );
    assert_eq!(r.status, 200, "{}", text(&r));
    assert_eq!(r.attachment.as_deref(), Some("small-tried.toml"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("small-tried.toml");
    std::fs::write(&file, &r.body).unwrap();
    let read = load_scenario(&file, &[]).unwrap();
    let fields = parse_form(
        "question=small&replications=4&workforce.caseload_cap=30&organisation.streaming=task\
         &custody.through_the_gate=false",
    )
    .unwrap();
    let settings = resolve(&app.questions, &fields, &app.limits).unwrap();
    let mut expected = settings.variant.clone();
    expected.name = "small-tried".into();
    expected.description = read.description.clone();
    assert_eq!(read, expected);
    assert!(
        read.description.contains("caseload cap 50 → 30"),
        "{}",
        read.description
    );
    let out = dir.path().join("out");
    let o = casesim(
        &[
            "run",
            file.to_str().unwrap(),
            "--reps",
            "2",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("stats.csv").is_file());
    // A bad value: no file, the message.
    let r = get(
        &app,
        "/download/scenario.toml?question=small&workforce.caseload_cap=0",
    );
    assert_eq!(r.status, 400);
    assert!(text(&r).contains("must be at least 1"), "{}", text(&r));
}

#[test]
fn the_results_download_is_the_usual_output_files_zipped() {
    let app = app(SMALL);
    let reply = json(&post(
        &app,
        "/api/run",
        &change("z", 3, &[("enforcement.policy", "graduated")]),
    ));
    assert_eq!(reply["status"], "finished");
    let url = reply["download"].as_str().unwrap();
    let r = get(&app, url);
    assert_eq!(r.status, 200, "{}", text(&r));
    assert_eq!(r.content_type, "application/zip");
    assert_eq!(r.attachment.as_deref(), Some("small-try-1.zip"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.body)).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    for file in [
        "summary.csv",
        "stats.csv",
        "by_tier.csv",
        "by_disposal.csv",
        "timeseries.csv",
        "survival.csv",
        "compare.csv",
        "run.json",
        "report.html",
        "survival.png",
        "survival.svg",
        "headline.png",
        "timeseries.svg",
    ] {
        assert!(
            names.contains(&format!("small-try-1/{file}")),
            "no {file} in {names:?}"
        );
    }
    let mut compare = String::new();
    zip.by_name("small-try-1/compare.csv")
        .unwrap()
        .read_to_string(&mut compare)
        .unwrap();
    assert!(compare.contains("try 1,baseline,breach_rate,"), "{compare}");
    // Another session's tries are not this one's.
    let other = url.replace("session=z", "session=y");
    assert_eq!(get(&app, &other).status, 404);
    assert_eq!(
        get(&app, "/download/results.zip?session=z&try=9").status,
        404
    );
}

/// Sends raw bytes to the server and reads its whole answer.
fn exchange(address: std::net::SocketAddr, bytes: &[u8]) -> String {
    let mut s = TcpStream::connect(address).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let _ = s.write_all(bytes);
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn http_post(address: std::net::SocketAddr, path: &str, body: &str) -> String {
    exchange(
        address,
        format!(
            "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: \
             application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
}

#[test]
fn concurrent_browsers_over_a_real_socket_each_get_their_answer() {
    let config = Config {
        port: 0,
        threads: 2,
        request_threads: 4,
        ..Config::default()
    };
    let running = start(app(SMALL), &config).unwrap();
    let address = running.address;
    assert!(address.ip().is_loopback());
    let browsers: Vec<_> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                let cap = (20 + 5 * i).to_string();
                http_post(
                    address,
                    "/api/run",
                    &change(&format!("c{i}"), 3, &[("workforce.caseload_cap", &cap)]),
                )
            })
        })
        .collect();
    // Garbage and a body too big meanwhile: answered, and the server goes on.
    let garbage = exchange(address, b"\x00\xff GARBAGE / HTTP/9\r\n\r\n");
    assert!(!garbage.contains("HTTP/1.1 200"), "{garbage}");
    let big = exchange(
        address,
        b"POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\nConnection: close\r\n\r\nsession=x",
    );
    assert!(big.starts_with("HTTP/1.1 413"), "{big}");
    for b in browsers {
        let answer = b.join().unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.contains("\"status\":\"finished\""), "{answer}");
        assert!(answer.contains("Content-Security-Policy"), "{answer}");
    }
    let page = exchange(
        address,
        b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    running.stop();
}

#[test]
fn a_download_named_in_any_script_is_answered_with_an_ascii_file_name() {
    let config = Config {
        port: 0,
        threads: 1,
        request_threads: 1,
        ..Config::default()
    };
    let running = start(app(&SMALL.replace("\"small\"", "\"café ünit\"")), &config).unwrap();
    for _ in 0..2 {
        // Twice: the one request thread is still there after the first.
        let answer = exchange(
            running.address,
            b"GET /download/scenario.toml?question=small HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(
            answer.contains("filename=\"caf___nit-tried.toml\""),
            "{answer}"
        );
        assert!(answer.contains("name = \"café ünit-tried\""), "{answer}");
    }
    running.stop();
}

#[test]
fn casesim_serve_prints_its_loopback_address_and_warns_on_another_host() {
    use std::io::BufRead;
    for (args, warned) in [
        (vec!["serve", "--port", "0"], false),
        (vec!["serve", "--port", "0", "--host", "0.0.0.0"], true),
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_casesim"))
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        child.kill().unwrap();
        let o = child.wait_with_output().unwrap();
        let err = stderr(&o);
        let host = if warned { "0.0.0.0" } else { "127.0.0.1" };
        assert!(line.contains(&format!("http://{host}:")), "{line}");
        assert_eq!(
            err.contains("warning: listening on 0.0.0.0"),
            warned,
            "{err}"
        );
    }
    // A bad scenario stops it before it listens: exit 2, the file named.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[workforce]\ncaseload_cap = 0\n").unwrap();
    let o = casesim(&["serve", bad.to_str().unwrap(), "--port", "0"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.toml"), "{}", stderr(&o));
}

/// Requests of every shape: known and unknown paths and methods, fields that are levers,
/// reserved names and nonsense, values legal and not, percent-encoding good and bad.
fn request() -> impl Strategy<Value = (String, String, Vec<u8>)> {
    let method = prop_oneof![
        4 => Just("GET".to_string()),
        4 => Just("POST".to_string()),
        1 => Just("HEAD".to_string()),
        1 => Just("PUT".to_string()),
        1 => "[A-Z]{0,8}",
    ];
    let path = prop_oneof![
        Just("/".to_string()),
        Just("/api/run".to_string()),
        Just("/api/progress".to_string()),
        Just("/download/scenario.toml".to_string()),
        Just("/download/results.zip".to_string()),
        Just("/assets/room.js".to_string()),
        "/[a-z/.%]{0,20}",
    ];
    let name = prop_oneof![
        3 => proptest::sample::select(
            MAIN_LEVERS
                .iter()
                .map(|k| k.to_string())
                .chain(
                    ["session", "question", "replications", "try", "simulation.weeks",
                     "population.initial_cases", "simulation.seed", "x..y", ""]
                        .map(String::from),
                )
                .collect::<Vec<_>>(),
        ),
        1 => "[a-z_.%+=]{0,12}",
    ];
    let value = prop_oneof![
        Just("t1".to_string()),
        Just("tiny".to_string()),
        Just("2".to_string()),
        (0u32..80).prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| format!("{f}")),
        proptest::sample::select(vec![
            "task",
            "team",
            "graduated",
            "statutory",
            "true",
            "false",
            "nan",
            "-inf",
            "%ZZ",
            "%ff%fe",
            "[1,2]",
            "{a=1}",
            "\"q\"",
            "1e400",
            "",
        ])
        .prop_map(String::from),
        ".{0,12}",
    ];
    let fields = proptest::collection::vec((name, value), 0..8).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    });
    (method, path, fields.clone(), fields).prop_map(|(m, p, q, b)| {
        let url = if q.is_empty() { p } else { format!("{p}?{q}") };
        (m, url, b.into_bytes())
    })
}

#[test]
fn no_request_makes_the_server_panic() {
    let limits = Limits {
        replications: 3,
        ..Limits::default()
    };
    let app = App::new(
        vec![Question::from_text(Path::new("scenarios/tiny.toml"), TINY).unwrap()],
        limits,
        2,
    );
    check_property_with("serve: requests", 300, request(), |(method, url, body)| {
        let r = handle(
            &app,
            &Request {
                method: &method,
                url: &url,
                body: &body,
            },
        );
        prop_assert!(r.status != 500, "{method} {url}: {}", text(&r));
        prop_assert!(
            [200, 400, 404, 405, 413, 414].contains(&r.status),
            "{method} {url}: {}",
            r.status
        );
        if r.status == 200 && r.content_type == "application/json" {
            let v: Result<serde_json::Value, _> = serde_json::from_slice(&r.body);
            prop_assert!(v.is_ok(), "{method} {url}: not JSON");
        }
        Ok(r.status == 200)
    });
    assert!(app.rooms.len() <= app.limits.sessions);
}
