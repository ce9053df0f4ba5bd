//! The training room in a real browser: `casesim serve` started as a user starts it, headless
//! Chromium driven through the DevTools protocol (over `--remote-debugging-pipe`, so no
//! WebSocket client is needed) to load the page, wait for the first results, move the caseload
//! cap slider with the keyboard, and see the numbers, a plot and the history change — with no
//! console message, no uncaught exception and no failed load — and a screenshot saved
//! (`CASESIM_SERVE_SCREENSHOT=path` keeps a copy: docs/serve.png is one).
//!
//! Needs Debian's `chromium`, as the report's browser test does: without it the test says so
//! and passes, unless `CASESIM_REQUIRE_BROWSER=1` (set by `.ci/run`), when it fails.

use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::report_browser::{CONTAINER_FLAGS, chromium_or_skip};

/// Kills a child process when dropped, so that a failing test leaves nothing running.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A headless Chromium and one page in it, spoken to over the DevTools pipe.
struct Browser {
    _child: Killed,
    to: std::io::PipeWriter,
    from: Receiver<Value>,
    next: u64,
    session: String,
    /// Console messages, exceptions and failed loads seen so far.
    problems: Vec<String>,
}

impl Browser {
    fn launch(chromium: &Path, profile: &Path) -> Browser {
        let (to_browser, browser_reads) = {
            let (r, w) = std::io::pipe().expect("a pipe");
            (w, r)
        };
        let (from_browser, browser_writes) = std::io::pipe().expect("a pipe");
        let (r, w) = (browser_reads.as_raw_fd(), browser_writes.as_raw_fd());
        let mut cmd = Command::new(chromium);
        cmd.args(CONTAINER_FLAGS)
            .args(["--remote-debugging-pipe", "--window-size=1400,1000"])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // The browser reads commands on fd 3 and writes answers on fd 4. The pipe's ends are
        // first copied above 10, so that moving them to 3 and 4 cannot clobber one another.
        unsafe {
            cmd.pre_exec(move || {
                let a = libc::fcntl(r, libc::F_DUPFD, 10);
                let b = libc::fcntl(w, libc::F_DUPFD, 10);
                if a < 0 || b < 0 || libc::dup2(a, 3) < 0 || libc::dup2(b, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = Killed(cmd.spawn().expect("chromium starts"));
        drop((browser_reads, browser_writes));
        let (send, from) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(from_browser);
            let mut message = Vec::new();
            while reader.read_until(0, &mut message).is_ok_and(|n| n > 0) {
                message.pop();
                let parsed = serde_json::from_slice::<Value>(&message);
                if parsed.is_ok_and(|v| send.send(v).is_err()) {
                    return;
                }
                message.clear();
            }
        });
        let mut browser = Browser {
            _child: child,
            to: to_browser,
            from,
            next: 0,
            session: String::new(),
            problems: Vec::new(),
        };
        let target = browser.command("Target.createTarget", json!({ "url": "about:blank" }));
        let attached = browser.command(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        browser.session = attached["sessionId"].as_str().unwrap().to_string();
        for domain in ["Page", "Runtime", "Log", "Network"] {
            browser.call(&format!("{domain}.enable"), json!({}));
        }
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": false }),
        );
        browser
    }

    /// Sends a command to the browser (no session) and waits for its answer.
    fn command(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, None)
    }

    /// Sends a command to the page and waits for its answer.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.send(method, params, Some(&session))
    }

    fn send(&mut self, method: &str, params: Value, session: Option<&str>) -> Value {
        self.next += 1;
        let id = self.next;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            message["sessionId"] = json!(s);
        }
        let mut bytes = message.to_string().into_bytes();
        bytes.push(0);
        self.to
            .write_all(&bytes)
            .expect("the browser reads its pipe");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = self
                .from
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no answer to {method} from the browser"));
            if m["id"] == id {
                assert!(m.get("error").is_none(), "{method}: {m}");
                return m["result"].clone();
            }
            self.event(&m);
        }
    }

    /// Notes an event that is a problem: any console message, an uncaught exception, a
    /// browser log entry (a failed resource, a refused script), a load that failed or
    /// answered 400 or more.
    fn event(&mut self, m: &Value) {
        let p = &m["params"];
        match m["method"].as_str().unwrap_or("") {
            "Runtime.consoleAPICalled" => self
                .problems
                .push(format!("console.{}: {}", p["type"], p["args"])),
            "Runtime.exceptionThrown" => self
                .problems
                .push(format!("exception: {}", p["exceptionDetails"])),
            "Log.entryAdded" => self.problems.push(format!(
                "log {}: {} {}",
                p["entry"]["level"], p["entry"]["text"], p["entry"]["url"]
            )),
            "Network.loadingFailed" => self
                .problems
                .push(format!("failed load: {} {}", p["errorText"], p["type"])),
            "Network.responseReceived" => {
                let status = p["response"]["status"].as_u64().unwrap_or(0);
                if status >= 400 {
                    self.problems
                        .push(format!("{status} for {}", p["response"]["url"]));
                }
            }
            _ => {}
        }
    }

    /// Evaluates an expression in the page; its value.
    fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expression}: {r}");
        r["result"]["value"].clone()
    }

    /// Waits until an expression is true in the page.
    fn wait_for(&mut self, expression: &str, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(40);
        while self.eval(expression) != json!(true) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn key(&mut self, key: &str, code: u32) {
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": key, "code": key,
                        "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code }),
            );
        }
    }
}

/// Standard base64, as the DevTools protocol sends a screenshot.
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let digits: Vec<u8> = text.bytes().filter_map(value).collect();
    digits
        .chunks(4)
        .flat_map(|c| {
            let n = c
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &d)| n | (u32::from(d) << (18 - 6 * i)));
            let bytes = n.to_be_bytes();
            bytes[1..c.len()].to_vec()
        })
        .collect()
}

const READ_ROW: &str =
    "document.querySelector('tr[data-metric=\"reoffending_rate\"] td.tried').textContent";
const SURVIVAL_PLOT: &str = "document.querySelector('#plot-survival svg').outerHTML";

#[test]
fn the_training_room_works_in_chromium_a_control_moved_redraws_numbers_and_plots() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let started = Instant::now();
    // The server, as a user starts it, on a free port.
    let mut server = Command::new(env!("CARGO_BIN_EXE_casesim"))
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let stdout = server.stdout.take().unwrap();
    let server = Killed(server);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();

    let tmp = tempfile::tempdir().unwrap();
    let mut b = Browser::launch(&chromium, &tmp.path().join("profile"));
    b.call("Page.navigate", json!({ "url": url }));
    b.wait_for(
        "!!document.querySelector('#outcome[data-try=\"1\"]')",
        "the first results",
    );
    assert_eq!(b.eval("document.title"), "casesim training room: baseline");
    let (reoffending, plot) = (b.eval(READ_ROW), b.eval(SURVIVAL_PLOT));
    assert!(reoffending.as_str().unwrap().contains('%'), "{reoffending}");

    // Watch for the progress indicator while the change runs.
    b.eval(
        "window.__sawProgress = false; new MutationObserver(function () { \
           if (document.body.classList.contains('running') && \
               document.getElementById('state').textContent.indexOf('Running') === 0) { \
             window.__sawProgress = true; } \
         }).observe(document.body, { attributes: true, childList: true, subtree: true, \
                                     characterData: true })",
    );
    // Move the caseload cap's slider down 20 steps with the keyboard, as a person would.
    b.eval("document.querySelector('.slider[data-for=\"workforce-caseload_cap\"]').focus()");
    for _ in 0..20 {
        b.key("ArrowLeft", 37);
    }
    b.wait_for(
        "!!document.querySelector('#outcome[data-try=\"2\"]')",
        "the results of the change",
    );
    assert_eq!(b.eval("window.__sawProgress"), true, "no progress shown");
    assert_eq!(
        b.eval("document.getElementById('workforce-caseload_cap').value"),
        "30"
    );
    let heading = b.eval("document.querySelector('#outcome h2').textContent");
    assert!(
        heading
            .as_str()
            .unwrap()
            .contains("caseload cap 50 → 30 cases"),
        "{heading}"
    );
    assert_ne!(b.eval(READ_ROW), reoffending, "the numbers did not change");
    assert_ne!(
        b.eval(SURVIVAL_PLOT),
        plot,
        "the survival plot did not change"
    );
    let words = b.eval(
        "document.querySelector('tr[data-metric=\"reoffending_rate\"] td.words').textContent",
    );
    assert!(
        words
            .as_str()
            .unwrap()
            .starts_with("proven reoffending within a year"),
        "{words}"
    );
    assert_eq!(
        b.eval("document.querySelectorAll('#tries tbody tr').length"),
        2
    );
    let plots = b.eval(
        "Array.from(document.querySelectorAll('#outcome figure svg')).map(function (s) { \
           var r = s.getBoundingClientRect(); return r.width > 100 && r.height > 100; })",
    );
    assert_eq!(plots, json!([true, true, true, true]), "plots rendered");
    assert!(
        b.eval("document.getElementById('download-scenario').href")
            .as_str()
            .unwrap()
            .contains("workforce.caseload_cap=30")
    );

    // A bad value in a box: a message on the page, and the results stay.
    b.eval(
        "var box = document.getElementById('workforce-hours_per_week'); box.value = '500'; \
         box.dispatchEvent(new Event('input', { bubbles: true }))",
    );
    b.wait_for(
        "document.getElementById('problems').textContent.indexOf('at most 168') >= 0",
        "the refusal",
    );
    assert_eq!(
        b.eval("document.querySelector('fieldset.invalid').dataset.key"),
        "workforce.hours_per_week"
    );
    b.eval(
        "var box = document.getElementById('workforce-hours_per_week'); box.value = '30'; \
         box.dispatchEvent(new Event('input', { bubbles: true }))",
    );
    b.wait_for(
        "!!document.querySelector('#outcome[data-try=\"3\"]') && \
         document.getElementById('problems').textContent === ''",
        "the results after the refusal",
    );

    // The screenshot.
    let shot = b.call(
        "Page.captureScreenshot",
        json!({ "format": "png", "captureBeyondViewport": false }),
    );
    let png = base64(shot["data"].as_str().unwrap());
    let decoder = png::Decoder::new(std::io::Cursor::new(&png));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1400, 1000));
    let channels = info.color_type.samples();
    let inked = buf[..info.buffer_size()]
        .chunks(channels)
        .filter(|p| p[..3].iter().any(|&c| c < 160))
        .count();
    assert!(inked > 20_000, "the screenshot is nearly blank ({inked})");
    let saved = tmp.path().join("training-room.png");
    std::fs::write(&saved, &png).unwrap();
    if let Ok(keep) = std::env::var("CASESIM_SERVE_SCREENSHOT") {
        std::fs::write(&keep, &png).unwrap();
    }

    // Anything that arrived since the last command.
    while let Ok(m) = b.from.try_recv() {
        b.event(&m);
    }
    assert!(
        b.problems.is_empty(),
        "problems in the page: {:#?}",
        b.problems
    );
    let _ = b.command("Browser.close", json!({}));
    drop(server);
    eprintln!(
        "browser test: the training room redrew after a change, no console messages or failed \
         loads, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
