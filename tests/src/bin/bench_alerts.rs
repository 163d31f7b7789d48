//! `bench_alerts`: how long a mention takes to reach a webhook, on the real
//! Worker under `wrangler dev`: from a visitor's reply POST leaving to a
//! local receiver's receipt of the signed event. Side by side, in the same
//! run, the same reply's live push to an open WebSocket (the path that
//! brings it to open widgets) and the POST's own answer. A measurement,
//! never a pass/fail test.
//!
//! Replies come one at a time, a quiet moment apart, each with a watched
//! word; the table gives the median over runs of each run's p50 and p95,
//! and the largest max.
//!
//! Run it with `cargo xtask bench-alerts [--replies N] [--runs R]`.

use gazouillis_protocol::live::Event;
use gazouillis_tests::receiver::{Answer, Receiver};
use gazouillis_tests::{Edge, LiveClient, median, percentiles};
use serde_json::json;
use std::time::{Duration, Instant};

struct Args {
    replies: usize,
    runs: usize,
}

fn args() -> Args {
    let mut args = Args { replies: 20, runs: 3 };
    let raw: Vec<String> = std::env::args().skip(1).collect();
    for pair in raw.chunks(2) {
        match pair {
            [flag, value] if flag == "--replies" => args.replies = value.parse().expect("--replies N"),
            [flag, value] if flag == "--runs" => args.runs = value.parse().expect("--runs N"),
            other => panic!("bench_alerts: unexpected arguments {other:?}"),
        }
    }
    args
}

/// Waits until `done` answers something, checking every millisecond, for at most 10 s.
async fn until<T>(done: impl Fn() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(found) = done() {
            return found;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "nothing came within 10 s");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = args();
    let e = Edge::start_also(&[("WEBHOOK_ALLOW_LOOPBACK", "1")]).await;
    let receiver = Receiver::start(&[Answer::Status(200)]);
    e.create_account("alerts", "Alerts", "").await;
    e.admin(e.put("/v1/accounts/alerts/watches")).json(&json!({ "terms": ["colis"] })).send().await.expect(200);
    e.admin_post("/v1/accounts/alerts/webhooks", &json!({ "url": receiver.url("/hook"), "format": "json" })).await.expect(201);
    let post = e.create_post("alerts", "Where is your parcel?").await;
    let visitor = e.new_session("Bench").await;
    let live = LiveClient::connect(&e.base_url(), "alerts").await.expect("live");
    let kinds = ["webhook receipt (alert)", "live push (baseline)", "POST answered"];
    let mut results: Vec<Vec<[f64; 3]>> = vec![Vec::new(); kinds.len()];
    let mut max = [0f64; 3];
    for run in 0..args.runs {
        let mut samples: Vec<Vec<f64>> = vec![Vec::new(); kinds.len()];
        for n in 0..args.replies {
            let text = format!("colis {run}-{n} toujours pas arrivé");
            let sent = Instant::now();
            let reply = e.reply(&visitor.token, &post.id, &text).await;
            let answered = sent.elapsed();
            let received = until(|| receiver.received().into_iter().find(|r| r.body.contains(&text)).map(|r| r.at)).await;
            let pushed = until(|| {
                live.timed_events().into_iter().find_map(|(at, event)| matches!(&event, Event::Reply { reply: r, .. } if r.id == reply.id).then_some(at))
            })
            .await;
            for (k, took) in [received - sent, pushed - sent, answered].into_iter().enumerate() {
                let ms = took.as_secs_f64() * 1000.0;
                samples[k].push(ms);
                max[k] = max[k].max(ms);
            }
            // A quiet moment between replies.
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        for (k, run) in samples.iter().enumerate() {
            results[k].extend(percentiles(run.iter().copied()));
        }
    }
    println!();
    println!("{} replies with a watched word, one at a time, {} runs:", args.replies, args.runs);
    println!();
    println!("| from the reply's POST leaving to | p50 | p95 | max |");
    println!("|---|---|---|---|");
    for (k, kind) in kinds.iter().enumerate() {
        let p50 = median(results[k].iter().map(|p| p[0]).collect()).unwrap_or(f64::NAN);
        let p95 = median(results[k].iter().map(|p| p[1]).collect()).unwrap_or(f64::NAN);
        println!("| {kind} | {p50:.1} ms | {p95:.1} ms | {:.1} ms |", max[k]);
    }
}
