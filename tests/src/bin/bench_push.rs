//! `bench_push`: a post's Web Push fan-out on the real Worker under
//! `wrangler dev`. N visitors (10,000 by default) each subscribe a browser,
//! on the 100 origins of a local push service (each origin its own
//! receiver, answering 201), and follow the account with `notify`; then
//! the brand posts, R times. Each run measures, from the post's POST
//! leaving: the first and the last delivery, deliveries per second, and the
//! Workers runtime's CPU milliseconds per push (`workerd`'s user and system
//! time over the run, from `/proc`: everything the runtime did meanwhile,
//! encryption, signing, the outbox's bookkeeping and the requests).
//! Side by side, in the same run, the same post's live push to an open
//! WebSocket: the path that brings it to open widgets.
//!
//! The fan-out measured is the hub's own (`hub/outbox.rs`: 20 deliveries at
//! a time, in the hub's `waitUntil` and its alarm). A measurement, never a
//! pass/fail test.
//!
//! Run it with `cargo xtask bench-push [--subscriptions N] [--origins O] [--runs R]`.

use futures_util::stream::{self, StreamExt};
use gazouillis_protocol::live::Event;
use gazouillis_push::subscription::b64;
use gazouillis_tests::push_service::PushInbox;
use gazouillis_tests::receiver::Answer;
use gazouillis_tests::{Edge, LiveClient, median};
use serde_json::json;
use std::time::{Duration, Instant};

struct Args {
    subscriptions: usize,
    origins: usize,
    runs: usize,
}

fn args() -> Args {
    let mut args = Args { subscriptions: 10_000, origins: 100, runs: 3 };
    let raw: Vec<String> = std::env::args().skip(1).collect();
    for pair in raw.chunks(2) {
        match pair {
            [flag, value] if flag == "--subscriptions" => args.subscriptions = value.parse().expect("--subscriptions N"),
            [flag, value] if flag == "--origins" => args.origins = value.parse().expect("--origins N"),
            [flag, value] if flag == "--runs" => args.runs = value.parse().expect("--runs N"),
            other => panic!("bench_push: unexpected arguments {other:?}"),
        }
    }
    args
}

/// Visitors subscribed and following at once.
const SETUP_CONCURRENCY: usize = 16;
/// The longest a run may take before it is reported as incomplete.
const RUN_LIMIT: Duration = Duration::from_secs(600);

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = args();
    let e = Edge::start_also(&[
        ("VAPID_PRIVATE_KEY", &b64(&[5; 32])),
        ("VAPID_SUBJECT", "mailto:push@acme.example"),
        ("PUBLIC_ORIGIN", "https://social.acme.example"),
        ("PUSH_ALLOW_LOOPBACK", "1"),
    ])
    .await;
    e.create_account("bench", "Bench", "").await;
    let services: Vec<PushInbox> = (0..args.origins).map(|_| PushInbox::start(&[Answer::Status(201)])).collect();
    let started = Instant::now();
    let visitors = stream::iter(0..args.subscriptions)
        .map(|n| {
            let (e, service) = (&e, &services[n % args.origins]);
            async move {
                let visitor = e.new_session(&format!("Visitor {n}")).await;
                let subscription = json!({
                    "endpoint": service.receiver.url(&format!("/wpush/{n}")),
                    "keys": {"p256dh": b64(&service.public), "auth": b64(&service.auth)},
                });
                e.put("/v1/me/push").bearer(&visitor.token).json(&subscription).send().await.expect(201);
                e.put("/v1/accounts/bench/follow").bearer(&visitor.token).json(&json!({"notify": true})).send().await.expect(200);
            }
        })
        .buffer_unordered(SETUP_CONCURRENCY)
        .count()
        .await;
    eprintln!("[bench] {visitors} visitors subscribed and following in {:.1?}", started.elapsed());
    let live = LiveClient::connect(&e.base_url(), "bench").await.expect("live");

    let received = || services.iter().map(|service| service.receiver.received()).collect::<Vec<_>>();
    let mut rows: Vec<[f64; 5]> = Vec::new();
    for run in 0..args.runs {
        let before: usize = received().iter().map(Vec::len).sum();
        let cpu_before = e.runtime_cpu_ms();
        let sent = Instant::now();
        let post = e.create_post("bench", &format!("Run {run}: -20 % sur les sacoches.")).await;
        let mut complete = true;
        loop {
            let count: usize = received().iter().map(Vec::len).sum::<usize>() - before;
            if count >= args.subscriptions {
                break;
            }
            if sent.elapsed() > RUN_LIMIT {
                eprintln!("[bench] run {run}: {count} of {} delivered within {RUN_LIMIT:?}", args.subscriptions);
                complete = false;
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let cpu = e.runtime_cpu_ms() - cpu_before;
        let times: Vec<Instant> = received().into_iter().flat_map(|all| all.into_iter().skip_while(|r| r.at < sent).map(|r| r.at)).collect();
        let first = times.iter().min().map_or(f64::NAN, |at| ms(*at - sent));
        let last = times.iter().max().map_or(f64::NAN, |at| ms(*at - sent));
        let pushed = live
            .timed_events()
            .into_iter()
            .find_map(|(at, event)| matches!(&event, Event::Post { post: p } if p.id == post.id).then_some(at))
            .map_or(f64::NAN, |at| ms(at - sent));
        let delivered = times.len() as f64;
        let per_second = delivered / (last / 1000.0);
        eprintln!(
            "[bench] run {run}{}: {delivered} delivered, first {first:.0} ms, last {last:.0} ms, {per_second:.0}/s, {:.2} CPU ms per push, live push {pushed:.1} ms",
            if complete { "" } else { " (incomplete)" },
            cpu / delivered
        );
        rows.push([first, last, per_second, cpu / delivered, pushed]);
    }
    let column = |k: usize| median(rows.iter().map(|row| row[k]).collect()).unwrap_or(f64::NAN);
    println!();
    println!("{} subscriptions on {} push service origins, one post, {} runs (medians):", args.subscriptions, args.origins, args.runs);
    println!();
    println!("| path | first delivery | last delivery | deliveries per second | runtime CPU per push | live push (baseline) |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| the hub's outbox | {:.0} ms | {:.1} s | {:.0} | {:.2} ms | {:.1} ms |",
        column(0),
        column(1) / 1000.0,
        column(2),
        column(3),
        column(4)
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
