//! The training room: `casesim serve`, a page in the browser where a room moves the main
//! levers of case management and sees, within a second or so, what each change does against
//! the question's baseline — the headline measures with their 95% intervals, the differences
//! in words, the plots — with a history of what it tried. docs/serve.md is the user's guide.
//!
//! - [`questions`]: the shipped questions, compiled in, or the scenario file given;
//! - [`levers`]: the controls, from the parameter table;
//! - [`settings`]: a request checked as `--set` is checked, and the room's limits;
//! - [`room`]: a browser's session, its runs (superseded, never queued) and its history;
//! - [`page`]: the HTML, and the embedded stylesheet and script;
//! - [`download`]: the scenario file and the zipped results;
//! - [`server`]: the routes, and the threads that answer them.
//!
//! Safe to leave running in a room: it listens on 127.0.0.1 unless told otherwise; every
//! input is checked before anything runs, and a refusal is a message on the page; the size of
//! a change is limited ([`Limits`]); the number of requests in hand is bounded by the request
//! threads, and each session has at most one run doing work; a handler that panics is
//! answered with an error and the server goes on.

pub mod download;
pub mod levers;
pub mod page;
pub mod questions;
pub mod room;
pub mod server;
pub mod settings;

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use crate::error::{Error, InputProblem, Origin};
use crate::experiment::Workers;
use questions::Question;
use room::{Baselines, Rooms};

/// What one change may ask for: enough for any shipped question at the page's settings,
/// small enough that no control can start a run of minutes.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// Replications per arm.
    pub replications: u32,
    /// Cases present at once (initial cases plus the inflow of two years, as the estimate of
    /// resources counts them): national.toml's 650,000 or so is refused, the shipped
    /// questions' 8,000 or so are far inside.
    pub cases: f64,
    /// Case-manager posts.
    pub posts: u32,
    /// Weeks simulated.
    pub weeks: u32,
    /// The estimated time of a change's run (both arms), in seconds; the estimate errs on the
    /// high side, about twice the real time for the shipped scenarios.
    pub seconds: f64,
    /// Scenario keys set by one request.
    pub fields: usize,
    /// Sessions held at once; beyond, the least recently used is dropped.
    pub sessions: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            replications: 20,
            cases: 30_000.0,
            posts: 5_000,
            weeks: 1_040,
            seconds: 30.0,
            fields: 200,
            sessions: 32,
        }
    }
}

/// How to serve.
#[derive(Clone, Debug)]
pub struct Config {
    /// The address to listen on; 127.0.0.1 unless the user says otherwise.
    pub host: String,
    /// The port; 0 for any free one.
    pub port: u16,
    /// Threads running the model (results do not depend on the number).
    pub threads: usize,
    /// Threads answering requests: at most this many requests in hand at once.
    pub request_threads: usize,
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            host: "127.0.0.1".into(),
            port: 8080,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            request_threads: 8,
            limits: Limits::default(),
        }
    }
}

/// Everything the handlers share.
pub struct App {
    pub questions: Vec<Question>,
    pub limits: Limits,
    pub rooms: Rooms,
    pub baselines: Baselines,
    pub workers: Workers,
    sessions_made: AtomicU64,
    hasher: RandomState,
}

impl App {
    /// A server's state for `questions` (at least one), running the model on `threads`
    /// threads.
    pub fn new(questions: Vec<Question>, limits: Limits, threads: usize) -> App {
        App {
            questions,
            rooms: Rooms::new(limits.sessions),
            limits,
            baselines: Baselines::default(),
            workers: Workers::new(threads),
            sessions_made: AtomicU64::new(0),
            hasher: RandomState::new(),
        }
    }

    /// A fresh session id: a count, hashed with this server's random key, so that ids do not
    /// repeat across restarts of the server (a browser keeps its id in sessionStorage).
    pub fn new_session_id(&self) -> String {
        let n = self.sessions_made.fetch_add(1, Ordering::SeqCst);
        let mut h = self.hasher.build_hasher();
        h.write_u64(n);
        format!("{:016x}{n}", h.finish())
    }
}

/// The questions to serve: the scenario file given (only that one), else the shipped ones.
pub fn questions_for(scenario: Option<&std::path::Path>) -> Result<Vec<Question>, Error> {
    match scenario {
        Some(path) => Ok(vec![Question::from_file(path)?]),
        None => Ok(questions::shipped()),
    }
}

/// A server listening, answering on its own threads.
pub struct Running {
    /// The address it listens on (the port chosen when 0 was asked for).
    pub address: SocketAddr,
    server: Arc<tiny_http::Server>,
    threads: Vec<JoinHandle<()>>,
}

impl Running {
    /// The page's address.
    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    /// Blocks until the server stops (it does not, unless [`Running::stop`] is called from
    /// another thread).
    pub fn wait(self) {
        for t in self.threads {
            let _ = t.join();
        }
    }

    /// Stops listening and waits for the request threads to finish what they hold.
    pub fn stop(self) {
        self.server.unblock();
        for _ in 1..self.threads.len() {
            self.server.unblock();
        }
        self.wait();
    }
}

/// Whether a host is a loopback address, reachable from this machine only.
pub fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Starts the server for `app` as `config` says.
pub fn start(app: App, config: &Config) -> Result<Running, Error> {
    let bad = |message: String| -> Error {
        InputProblem {
            origin: Origin::Argument(format!("--host {} --port {}", config.host, config.port)),
            key: None,
            message,
        }
        .into()
    };
    let host = config.host.trim_matches(|c| c == '[' || c == ']');
    let server = tiny_http::Server::http((host, config.port))
        .map_err(|e| bad(format!("cannot listen there: {e}")))?;
    let address = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| bad("not an IP address".into()))?;
    let server = Arc::new(server);
    let threads = server::listen(Arc::new(app), server.clone(), config.request_threads);
    Ok(Running {
        address,
        server,
        threads,
    })
}
