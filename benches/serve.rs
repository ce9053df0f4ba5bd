//! How long the training room takes to answer a change (`casesim serve`), from the request to
//! the JSON the page puts in place: checking the fields, running the replications, making the
//! output files, reading them back, drawing the SVG plots and writing the HTML.
//!
//! - `change_baseline_8_replications`: a change to the shipped baseline (about 2,700 cases
//!   over six years) at the page's 8 replications, the baseline's results kept from an
//!   earlier change, as they are for every change after the first: 8 replications run. The
//!   issue's target is under a second on the 2-core machine.
//! - `first_change_baseline_8_replications`: the first change of a question, when the
//!   baseline's 8 replications run too (16 in all).
//!
//! `cargo bench --bench serve` runs them; docs/serve.md gives the figures.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use casesim::serve::questions::shipped;
use casesim::serve::server::{Request, handle};
use casesim::serve::{App, Limits};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Posts a change of the caseload cap; panics unless it finished.
fn change(app: &App, session: &str, cap: u32) {
    let body =
        format!("session={session}&question=baseline&replications=8&workforce.caseload_cap={cap}");
    let r = handle(
        app,
        &Request {
            method: "POST",
            url: "/api/run",
            body: body.as_bytes(),
        },
    );
    let reply: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
    assert_eq!(reply["status"], "finished", "{reply}");
}

fn serve(c: &mut Criterion) {
    let mut group = c.benchmark_group("serve");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(8));

    let app = App::new(shipped(), Limits::default(), threads());
    change(&app, "warm", 49); // keeps the baseline
    let cap = AtomicU32::new(0);
    group.bench_function("change_baseline_8_replications", |b| {
        b.iter(|| {
            // Only baselines are kept: every change runs its 8 replications.
            let n = cap.fetch_add(1, Ordering::Relaxed);
            change(&app, "warm", if n.is_multiple_of(2) { 45 } else { 55 })
        })
    });

    group.bench_function("first_change_baseline_8_replications", |b| {
        b.iter(|| {
            // A fresh server each time: nothing kept.
            let app = App::new(shipped(), Limits::default(), threads());
            change(&app, "cold", 45)
        })
    });
    group.finish();
}

criterion_group!(benches, serve);
criterion_main!(benches);
