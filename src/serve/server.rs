//! The HTTP side: the routes, as one function from a request to a response ([`handle`]) that
//! the tests call directly, and the loop that feeds it from the socket ([`listen`]).
//!
//! | route | does |
//! |---|---|
//! | `GET /` `?question=ID` | the page for a question (the first when none) |
//! | `GET /assets/room.css`, `/assets/room.js` | the page's stylesheet and script |
//! | `POST /api/run` | runs a change (form fields: `session`, `question`, `replications`, and scenario keys as `--set` takes them); JSON |
//! | `GET /api/progress?session=S` | the latest run's progress; JSON |
//! | `GET /download/scenario.toml?question=ID&KEY=VALUE...` | the change as a scenario file |
//! | `GET /download/results.zip?session=S&try=N` | a try's output files, zipped |
//!
//! Expected outcomes of a change — refused, superseded — are answers of the API (status 200
//! with a `status` field), so the page never logs a failed load for them; a malformed request
//! is 400, an unknown path 404, a wrong method 405, a body too big 413, a server too busy 503.
//! A handler that panicked (a defect) answers 500 and the server goes on.

use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use serde_json::json;

use crate::serve::App;
use crate::serve::download::{results_file_name, results_zip, scenario_file_name, scenario_toml};
use crate::serve::levers::controls;
use crate::serve::page;
use crate::serve::room::Outcome;
use crate::serve::settings::{Refused, SESSION, question, resolve, resolve_scenario};

/// The largest request body read.
pub const MAX_BODY: usize = 64 * 1024;
/// The longest request path and query read.
pub const MAX_URL: usize = 16 * 1024;
/// The most form fields read from one request.
pub const MAX_FIELDS: usize = 500;

/// A request, as [`handle`] sees it.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The path and query (`/api/progress?session=a1`).
    pub url: &'a str,
    pub body: &'a [u8],
}

/// A response.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// A file name to offer the body as a download under.
    pub attachment: Option<String>,
}

impl Response {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            content_type,
            body: body.into(),
            attachment: None,
        }
    }

    fn html(body: String) -> Response {
        Response::new(200, "text/html; charset=utf-8", body)
    }

    fn json(value: serde_json::Value) -> Response {
        Response::new(200, "application/json", value.to_string())
    }

    fn text(status: u16, message: impl Into<String>) -> Response {
        let mut body = message.into();
        body.push('\n');
        Response::new(status, "text/plain; charset=utf-8", body)
    }

    fn error_page(status: u16, title: &str, message: &str) -> Response {
        Response::new(
            status,
            "text/html; charset=utf-8",
            page::plain_page(title, message),
        )
    }
}

/// Answers a request. Never panics: a defect in a handler is caught and answered with 500.
pub fn handle(app: &App, request: &Request) -> Response {
    catch_unwind(AssertUnwindSafe(|| route(app, request))).unwrap_or_else(|_| {
        Response::text(
            500,
            "internal error: casesim could not answer this request (please report it)",
        )
    })
}

fn route(app: &App, request: &Request) -> Response {
    if request.url.len() > MAX_URL {
        return Response::text(414, "the address is too long");
    }
    if request.body.len() > MAX_BODY {
        return Response::text(413, format!("the request is over {MAX_BODY} bytes"));
    }
    let (path, query) = request.url.split_once('?').unwrap_or((request.url, ""));
    let get = matches!(request.method, "GET" | "HEAD");
    let fields = |text: &str| parse_form(text);
    match (path, get, request.method) {
        ("/", true, _) => match fields(query) {
            Ok(f) => page_for(app, &f),
            Err(e) => Response::error_page(400, "Bad address", &e),
        },
        ("/assets/room.css", true, _) => Response::new(200, "text/css; charset=utf-8", page::STYLE),
        ("/assets/room.js", true, _) => {
            Response::new(200, "text/javascript; charset=utf-8", page::SCRIPT)
        }
        ("/api/progress", true, _) => match fields(query) {
            Ok(f) => progress(app, &f),
            Err(e) => Response::text(400, e),
        },
        ("/api/run", _, "POST") => match std::str::from_utf8(request.body)
            .map_err(|_| "the request body is not UTF-8 text".to_string())
            .and_then(parse_form)
        {
            Ok(f) => run(app, &f),
            Err(e) => Response::text(400, e),
        },
        ("/download/scenario.toml", true, _) => match fields(query) {
            Ok(f) => download_scenario(app, &f),
            Err(e) => Response::text(400, e),
        },
        ("/download/results.zip", true, _) => match fields(query) {
            Ok(f) => download_results(app, &f),
            Err(e) => Response::text(400, e),
        },
        ("/" | "/assets/room.css" | "/assets/room.js" | "/api/progress" | "/api/run", _, _)
        | ("/download/scenario.toml" | "/download/results.zip", _, _) => {
            Response::text(405, format!("{} is not allowed here", request.method))
        }
        _ => Response::error_page(404, "Not found", "There is nothing at this address."),
    }
}

/// The page for the question a request names.
fn page_for(app: &App, fields: &[(String, String)]) -> Response {
    match question(&app.questions, fields) {
        Ok(q) => {
            let controls = controls(&q.baseline, &q.varied_keys);
            Response::html(page::page(
                &app.questions,
                q,
                &controls,
                &app.new_session_id(),
                &app.limits,
            ))
        }
        Err(refused) => Response::error_page(404, "No such question", &refused.lines().join("; ")),
    }
}

/// A session id as the page makes them: 1 to 64 letters, digits, `-` or `_`.
fn session_id(fields: &[(String, String)]) -> Result<&str, String> {
    let id = fields
        .iter()
        .find(|(k, _)| k == SESSION)
        .map(|(_, v)| v.as_str())
        .ok_or("no session given")?;
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(id)
    } else {
        Err("the session is not one the page makes".into())
    }
}

fn progress(app: &App, fields: &[(String, String)]) -> Response {
    let id = match session_id(fields) {
        Ok(id) => id,
        Err(e) => return Response::text(400, e),
    };
    let p =
        app.rooms
            .find(id)
            .map(|room| room.progress())
            .unwrap_or(crate::serve::room::Progress {
                generation: 0,
                done: 0,
                total: 0,
            });
    Response::json(json!({ "generation": p.generation, "done": p.done, "total": p.total }))
}

fn refused_json(refused: &Refused) -> Response {
    Response::json(json!({
        "status": "refused",
        "problems": refused.lines(),
        "keys": refused.keys(),
        "html": page::problems(refused),
    }))
}

fn run(app: &App, fields: &[(String, String)]) -> Response {
    let id = match session_id(fields) {
        Ok(id) => id.to_string(),
        Err(e) => return Response::text(400, e),
    };
    let settings = match resolve(&app.questions, fields, &app.limits) {
        Ok(s) => s,
        Err(refused) => return refused_json(&refused),
    };
    let question = match question(&app.questions, fields) {
        Ok(q) => q,
        Err(refused) => return refused_json(&refused),
    };
    let room = app.rooms.get(&id);
    match room.run(
        &question.id,
        &question.path,
        settings,
        &app.baselines,
        &app.workers,
    ) {
        Outcome::Superseded => Response::json(json!({ "status": "superseded" })),
        Outcome::Failed(e) => Response::json(json!({
            "status": "refused",
            "problems": [e.to_string()],
            "keys": [],
            "html": page::plain_problem(&e.to_string()),
        })),
        Outcome::Finished(finished) => {
            let number = finished.r#try.number;
            Response::json(json!({
                "status": "finished",
                "try": number,
                "results": page::results(&finished),
                "history": page::history(&room.tries(), &id),
                "download": format!("/download/results.zip?session={id}&try={number}"),
                "seconds": finished.r#try.seconds,
            }))
        }
    }
}

fn download_scenario(app: &App, fields: &[(String, String)]) -> Response {
    let question = match question(&app.questions, fields) {
        Ok(q) => q.id.clone(),
        Err(refused) => return Response::text(400, refused.lines().join("\n")),
    };
    // The room's limits on size do not apply: the file is for `casesim run`.
    match resolve_scenario(&app.questions, fields, &app.limits) {
        Ok(settings) => Response {
            attachment: Some(scenario_file_name(&settings)),
            ..Response::new(
                200,
                "application/toml; charset=utf-8",
                scenario_toml(&question, &settings),
            )
        },
        Err(refused) => Response::text(400, refused.lines().join("\n")),
    }
}

fn download_results(app: &App, fields: &[(String, String)]) -> Response {
    let id = match session_id(fields) {
        Ok(id) => id,
        Err(e) => return Response::text(400, e),
    };
    let number = fields
        .iter()
        .find(|(k, _)| k == "try")
        .and_then(|(_, v)| v.parse::<u32>().ok());
    let Some(number) = number else {
        return Response::text(400, "no try given (try=N)");
    };
    let Some(t) = app.rooms.find(id).and_then(|room| room.find_try(number)) else {
        return Response::text(404, format!("no try {number} in this session"));
    };
    match results_zip(&t) {
        None => Response::text(
            404,
            format!("the results of try {number} are no longer kept: run it again"),
        ),
        Some(Err(e)) => Response::text(500, e.to_string()),
        Some(Ok(zip)) => Response {
            attachment: Some(results_file_name(&t)),
            ..Response::new(200, "application/zip", zip)
        },
    }
}

/// Reads `application/x-www-form-urlencoded` text (a query or a form body): `+` is a space,
/// `%XX` a byte, and the decoded bytes must be UTF-8.
pub fn parse_form(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        if out.len() >= MAX_FIELDS {
            return Err(format!("more than {MAX_FIELDS} fields"));
        }
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.push((decode(k)?, decode(v)?));
    }
    Ok(out)
}

fn decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("`{text}` has a % not followed by two hex digits"))?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| format!("`{text}` does not decode to UTF-8 text"))
}

/// Serves requests from `server` on `threads` threads until the server is unblocked (see
/// [`crate::serve::Running::stop`]). Each thread takes the next request and answers it; a
/// request arriving while every thread is busy waits for one, so at most `threads` requests
/// (and so runs) are in hand at once.
pub fn listen(
    app: Arc<App>,
    server: Arc<tiny_http::Server>,
    threads: usize,
) -> Vec<std::thread::JoinHandle<()>> {
    (0..threads.max(1))
        .map(|_| {
            let (app, server) = (app.clone(), server.clone());
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    // [`handle`] catches its own panics; this keeps the thread should writing
                    // the answer ever panic.
                    let _ = catch_unwind(AssertUnwindSafe(|| answer(&app, request)));
                }
            })
        })
        .collect()
}

/// Reads one request off the socket (at most [`MAX_BODY`] bytes of body), answers it, and
/// writes the answer; a client gone meanwhile is no concern of the server's.
fn answer(app: &App, mut request: tiny_http::Request) {
    let method = request.method().as_str().to_string();
    let url = request.url().to_string();
    let declared = request.body_length().unwrap_or(0);
    let response = if declared > MAX_BODY {
        Response::text(413, format!("the request is over {MAX_BODY} bytes"))
    } else {
        let mut body = Vec::new();
        let read = request
            .as_reader()
            .take(MAX_BODY as u64 + 1)
            .read_to_end(&mut body);
        match read {
            Err(_) => Response::text(400, "the request body could not be read"),
            Ok(_) => handle(
                app,
                &Request {
                    method: &method,
                    url: &url,
                    body: &body,
                },
            ),
        }
    };
    let _ = request.respond(to_tiny(response, method == "HEAD"));
}

/// The headers every answer carries: what it is, that it may not be framed or sniffed, and a
/// content security policy that lets the page load nothing from anywhere but this server.
fn to_tiny(r: Response, head: bool) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let body = if head { Vec::new() } else { r.body };
    let mut response = tiny_http::Response::from_data(body).with_status_code(r.status);
    let mut headers = vec![
        ("Content-Type", r.content_type.to_string()),
        ("Cache-Control", "no-store".into()),
        ("X-Content-Type-Options", "nosniff".into()),
        ("X-Frame-Options", "DENY".into()),
        (
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; \
             frame-ancestors 'none'"
                .into(),
        ),
    ];
    if let Some(name) = r.attachment {
        // A header is ASCII: a scenario name's other letters become `_`.
        let ascii: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.+=,".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        headers.push((
            "Content-Disposition",
            format!("attachment; filename=\"{ascii}\""),
        ));
    }
    for (k, v) in headers {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            response = response.with_header(h);
        }
    }
    response
}
