//! `bench_push`: a post's Web Push fan-out on the real Worker under
//! `wrangler dev`, this tree's edge side by side with a baseline commit's
//! (by default the last one with no queue: its hub sent every push). On
//! each edge, N visitors (10,000 by default) each subscribe a browser, on
//! the 100 origins of a local push service (each origin its own receiver,
//! answering 201), and follow the account with `notify`; then the brand
//! posts, R times on each edge in turn. Each run measures, from the post's
//! POST leaving: the first and the last delivery, deliveries per second,
//! and the Workers runtime's CPU milliseconds per push (that edge's
//! `workerd`'s user and system time over the run, from `/proc`: everything
//! it did meanwhile, encryption, signing, the outbox's bookkeeping, the
//! queue and the requests). Side by side, in the same run, the same post's
//! live push to an open WebSocket: the path that brings it to open widgets.
//!
//! Locally, the queue's consumer runs in the same `workerd` as the hub; on
//! Cloudflare, the queue runs as many consumers as its backlog needs. A
//! measurement, never a pass/fail test.
//!
//! Run it with `cargo xtask bench-push [--subscriptions N] [--origins O]
//! [--runs R] [--baseline COMMIT]`.

use futures_util::stream::{self, StreamExt};
use gazouillis_protocol::live::Event;
use gazouillis_push::subscription::b64;
use gazouillis_tests::push_service::PushInbox;
use gazouillis_tests::receiver::Answer;
use gazouillis_tests::edge::{Store, RAISED_LIMITS};
use gazouillis_tests::{Edge, LiveClient, median, random_hex, repo_root};
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};

struct Args {
    subscriptions: usize,
    origins: usize,
    runs: usize,
    baseline: PathBuf,
    label: String,
}

fn args() -> Args {
    let mut args = Args { subscriptions: 10_000, origins: 100, runs: 3, baseline: PathBuf::new(), label: "baseline".into() };
    let raw: Vec<String> = std::env::args().skip(1).collect();
    for pair in raw.chunks(2) {
        match pair {
            [flag, value] if flag == "--subscriptions" => args.subscriptions = value.parse().expect("--subscriptions N"),
            [flag, value] if flag == "--origins" => args.origins = value.parse().expect("--origins N"),
            [flag, value] if flag == "--runs" => args.runs = value.parse().expect("--runs N"),
            [flag, value] if flag == "--baseline" => args.baseline = PathBuf::from(value),
            [flag, value] if flag == "--label" => args.label = value.clone(),
            other => panic!("bench_push: unexpected arguments {other:?}"),
        }
    }
    args
}

/// Visitors subscribed and following at once.
const SETUP_CONCURRENCY: usize = 16;
/// A pause before each run, for the local runtime to close the previous
/// run's connections: a run opens thousands, and a process here may hold
/// 20,000 open files.
const SETTLE: Duration = Duration::from_secs(30);
/// The longest a run may take before it is reported as incomplete.
const RUN_LIMIT: Duration = Duration::from_secs(600);

/// One edge, its visitors subscribed and following, its push service's
/// origins, and a live client on the account.
struct Bench {
    name: String,
    edge: Edge,
    services: Vec<PushInbox>,
    live: LiveClient,
    rows: Vec<[f64; 5]>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = args();
    assert!(args.baseline.join("edge/build/index.js").is_file(), "--baseline must be a built tree (cargo xtask build-at)");
    let vars = [
        ("VAPID_PRIVATE_KEY", b64(&[5; 32])),
        ("VAPID_SUBJECT", "mailto:push@acme.example".to_owned()),
        ("PUBLIC_ORIGIN", "https://social.acme.example".to_owned()),
        ("PUSH_ALLOW_LOOPBACK", "1".to_owned()),
    ];
    let vars: Vec<(&str, &str)> = RAISED_LIMITS.into_iter().chain(vars.iter().map(|(name, value)| (*name, value.as_str()))).collect();
    let start = |root: PathBuf| Edge::start_on(Store { root, state: None, admin_token: random_hex(24), session_secret: random_hex(32) }, &vars);
    let (baseline, current) = tokio::join!(start(args.baseline.clone()), start(repo_root()));
    let mut benches = Vec::new();
    for (name, edge) in [(format!("before ({})", args.label), baseline), ("now".to_owned(), current)] {
        benches.push(prepare(name, edge, &args).await);
    }
    for run in 0..args.runs {
        for bench in &mut benches {
            tokio::time::sleep(SETTLE).await;
            let row = bench.run(run, args.subscriptions).await;
            bench.rows.push(row);
        }
    }
    println!();
    println!("{} subscriptions on {} push service origins, one post, {} runs on each edge in turn (medians):", args.subscriptions, args.origins, args.runs);
    println!();
    println!("| edge | first delivery | last delivery | deliveries per second | runtime CPU per push | live push (baseline) |");
    println!("|---|---|---|---|---|---|");
    for bench in &benches {
        let column = |k: usize| median(bench.rows.iter().map(|row| row[k]).collect()).unwrap_or(f64::NAN);
        println!(
            "| {} | {:.0} ms | {:.1} s | {:.0} | {:.2} ms | {:.1} ms |",
            bench.name,
            column(0),
            column(1) / 1000.0,
            column(2),
            column(3),
            column(4)
        );
    }
}

/// `edge` with `args.subscriptions` visitors subscribed and following.
async fn prepare(name: String, edge: Edge, args: &Args) -> Bench {
    edge.create_account("bench", "Bench", "").await;
    let services: Vec<PushInbox> = (0..args.origins).map(|_| PushInbox::start(&[Answer::Status(201)])).collect();
    let started = Instant::now();
    let visitors = stream::iter(0..args.subscriptions)
        .map(|n| {
            let (e, service) = (&edge, &services[n % args.origins]);
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
    eprintln!("[bench] {name}: {visitors} visitors subscribed and following in {:.1?}", started.elapsed());
    let live = LiveClient::connect(&edge.base_url(), "bench").await.expect("live");
    Bench { name, edge, services, live, rows: Vec::new() }
}

impl Bench {
    fn delivered(&self) -> usize {
        self.services.iter().map(|service| service.receiver.count()).sum()
    }

    /// One post and its fan-out: first delivery, last, per second, CPU ms per push, live push.
    async fn run(&self, run: usize, subscriptions: usize) -> [f64; 5] {
        let before = self.delivered();
        let cpu_before = self.edge.runtime_cpu_ms();
        let sent = Instant::now();
        let post = self.edge.create_post("bench", &format!("Run {run}: -20 % sur les sacoches.")).await;
        let mut complete = true;
        loop {
            let count = self.delivered() - before;
            if count >= subscriptions {
                break;
            }
            if sent.elapsed() > RUN_LIMIT {
                eprintln!("[bench] {} run {run}: {count} of {subscriptions} delivered within {RUN_LIMIT:?}", self.name);
                complete = false;
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let cpu = self.edge.runtime_cpu_ms() - cpu_before;
        let times: Vec<Instant> =
            self.services.iter().flat_map(|service| service.receiver.received().into_iter().skip_while(|r| r.at < sent).map(|r| r.at)).collect();
        let first = times.iter().min().map_or(f64::NAN, |at| ms(*at - sent));
        let last = times.iter().max().map_or(f64::NAN, |at| ms(*at - sent));
        let pushed = self
            .live
            .timed_events()
            .into_iter()
            .find_map(|(at, event)| matches!(&event, Event::Post { post: p } if p.id == post.id).then_some(at))
            .map_or(f64::NAN, |at| ms(at - sent));
        let delivered = times.len() as f64;
        let per_second = delivered / (last / 1000.0);
        eprintln!(
            "[bench] {} run {run}{}: {delivered} delivered, first {first:.0} ms, last {last:.0} ms, {per_second:.0}/s, {:.2} CPU ms per push, live push {pushed:.1} ms",
            self.name,
            if complete { "" } else { " (incomplete)" },
            cpu / delivered
        );
        [first, last, per_second, cpu / delivered, pushed]
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
