//! `bench_live`: how fast a new post reaches the people who have a widget open,
//! measured on the real Worker under `wrangler dev`. A measurement, never a
//! pass/fail test (it only fails when the live push loses events, which makes
//! its numbers meaningless).
//!
//! In one `wrangler dev`, on fresh accounts, it measures:
//!
//! 1. live push: N WebSocket clients on one account, the brand posts M times;
//!    latency to each client's receipt of the event;
//! 2. the polling baseline the widget used before push: pollers that GET the
//!    feed with `If-None-Match` every `POLL_SECONDS`, at random phases;
//! 3. hold: K WebSocket clients open at once on one account, one post;
//! 4. the widget in headless Chromium, from a second origin: the time from the
//!    POST's response to the DOM showing the post (the `.gz-new-posts` button
//!    counting it, or the post itself), live and with WebSocket refused (so
//!    polling).
//!
//! Every latency is measured twice: after the POST's answer arrived (clamped at
//! 0) and after its request left. The hub pushes an event before the answer
//! leaves the edge, so on one machine most pushed events arrive before the
//! answer does: the first measure is then 0, and the second one shows the
//! push's real cost (write + fan-out, an upper bound).
//!
//! Parts 1, 3 and 4 (live) repeat `--runs` times, each run on its own account;
//! the table gives the median of the runs' p50 and p95. The polling parts run
//! once: each post costs up to a poll period.
//!
//! Run it with `cargo xtask bench [--clients N] [--posts M] [--hold K] [--runs R]`,
//! which builds the Worker and the widget first.
//!
//! Its files: `measure.rs` (latencies, their summary and the table),
//! `sockets.rs` (parts 1 and 3), `polling.rs` (part 2), `widget.rs` (part 4).

mod measure;
mod polling;
mod sockets;
mod widget;

use gazouillis_tests::www::WwwServer;
use gazouillis_tests::{Browser, Edge, random_hex, repo_root};
use measure::{Row, Sent, TABLE_HEAD};
use polling::polling_baseline;
use sockets::{hold_open, live_push};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use widget::widget;

const USAGE: &str = "usage: bench_live [--clients N] [--posts M] [--hold K] [--runs R]
  --clients N  WebSocket clients of the push benchmark (default 100)
  --posts M    posts of the push and live widget benchmarks (default 20)
  --hold K     WebSocket clients held open at once (default 1000)
  --runs R     runs of the push, hold and live widget benchmarks (default 3)";

/// Pollers of the REST polling baseline, and the posts they measure.
const POLLERS: usize = 10;
const POLL_POSTS: usize = 5;
/// Posts measured on the polling widget: each one takes up to a poll period.
const WIDGET_POLL_POSTS: usize = 3;
/// Pause between two posts, so that they do not pile up.
const POST_PAUSE: Duration = Duration::from_millis(200);

struct Args {
    clients: usize,
    posts: usize,
    hold: usize,
    runs: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args { clients: 100, posts: 20, hold: 1000, runs: 3 };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let slot = match flag.as_str() {
            "--clients" => &mut args.clients,
            "--posts" => &mut args.posts,
            "--hold" => &mut args.hold,
            "--runs" => &mut args.runs,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        };
        let value = given.next().ok_or_else(|| format!("{flag} needs a number"))?;
        *slot =
            value.parse().ok().filter(|&n| n > 0).ok_or_else(|| format!("{flag} {value}: not a positive number"))?;
    }
    Ok(args)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(why) => {
            if !why.is_empty() {
                eprintln!("bench_live: {why}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    // Under wrangler dev, workerd holds about 6 descriptors per open WebSocket
    // (about 6,000 were seen while 1,000 were held).
    raise_open_files(8 * args.hold.max(args.clients) + 1024);
    // Chromium's driver starts while wrangler does.
    let (edge, browser) = tokio::join!(Edge::start(), Browser::start());
    let edge = Arc::new(edge);

    let mut push = Row::new("live push (WebSocket)", args.clients, args.posts);
    let mut hold = Row::new("hold (WebSocket)", args.hold, 1);
    let mut widget_live = Row::new("widget live (Chromium)", "1 tab", args.posts);
    let (mut connect_errors, mut received) = (0, 0);
    for run in 1..=args.runs {
        let label = format!("run {run}/{}", args.runs);
        let (sample, errors) = live_push(&edge, &format!("push{run}"), args.clients, args.posts).await;
        println!("{label}  live push, {} clients x {} posts: {}", args.clients, args.posts, sample.summary());
        if !errors.is_empty() {
            push.note(format!("run {run}: {} connect errors, first: {}", errors.len(), errors[0]));
        }
        push.runs.push(sample.summary());

        let (sample, errors, took) = hold_open(&edge, &format!("hold{run}"), args.hold).await;
        println!(
            "{label}  hold: {} of {} connected with their hello in {took:.2?} ({} connect errors); \
             the post reached {}: {}",
            args.hold - errors.len(),
            args.hold,
            errors.len(),
            sample.timings.len(),
            sample.summary()
        );
        if let Some(first) = errors.first() {
            hold.note(format!("run {run}, first connect error: {first}"));
        }
        connect_errors += errors.len();
        received += sample.timings.len();
        hold.runs.push(sample.summary());
    }
    hold.note(format!("{connect_errors} connect errors, {received}/{} received", args.hold * args.runs));

    let sample = polling_baseline(&edge, "poll", POLLERS, POLL_POSTS).await;
    println!("polling baseline, {POLLERS} pollers x {POLL_POSTS} posts: {}", sample.summary());
    let mut polling = Row::new("polling baseline (GET every 10 s)", POLLERS, POLL_POSTS);
    polling.note("fewer posts to keep the run short; pollers at random phases");
    polling.runs.push(sample.summary());

    // The widget: one Chromium tab on pages served from a second origin.
    let www = WwwServer::start(&repo_root().join("www"), &edge.base_url());
    let tab = browser.new_context().await;
    for run in 1..=args.runs {
        let handle = format!("wlive{run}");
        match widget(&edge, &www, &tab, &handle, true, args.posts).await {
            Ok(sample) => {
                println!("run {run}/{}  widget live, {} posts: {}", args.runs, args.posts, sample.summary());
                widget_live.runs.push(sample.summary());
            }
            Err(why) => {
                println!("run {run}/{}  widget: no live rendering seen ({why})", args.runs);
                widget_live.note(format!("widget: no live rendering seen ({why})"));
                break;
            }
        }
    }
    let mut widget_polling = Row::new("widget polling (Chromium, WebSocket refused)", "1 tab", WIDGET_POLL_POSTS);
    widget_polling.note("fewer posts: each one waits for a poll");
    match widget(&edge, &www, &tab, "wpoll", false, WIDGET_POLL_POSTS).await {
        Ok(sample) => {
            println!("widget polling, {WIDGET_POLL_POSTS} posts: {}", sample.summary());
            widget_polling.runs.push(sample.summary());
        }
        Err(why) => {
            println!("widget polling: no rendering seen ({why})");
            widget_polling.note(format!("widget: no rendering seen ({why})"));
        }
    }
    tab.close().await;

    let rows = [push, polling, hold, widget_live, widget_polling];
    println!(
        "\nLatency to the event (WebSocket), to the first poll answer holding the post (polling), or to \
         the DOM showing it (widget): p50, p95, max after the POST's answer (0 when the event came first; \
         \"before answer\" counts those), and after the POST's request left. p50 and p95 are medians over \
         the runs, max is over all runs.\n"
    );
    println!("{TABLE_HEAD}");
    for row in &rows {
        println!("{}", row.markdown());
    }
    println!("\nbench took {:.1?}", started.elapsed());
    let log = edge.log_tail(4000);
    if !log.trim().is_empty() {
        eprintln!("----- end of wrangler's output (warnings and errors) -----\n{log}\n-----");
    }

    let lost = rows[0].missed() + rows[2].missed();
    if lost > 0 {
        eprintln!("bench_live: the live push lost {lost} events; wrangler's output:");
        edge.dump_log();
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Raises the soft limit on open files towards `wanted` (at most the hard
/// limit): every held WebSocket takes descriptors here and in wrangler's
/// workerd, which is started afterwards and inherits the limit.
fn raise_open_files(wanted: usize) {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: plain syscalls on a local struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            eprintln!("bench_live: cannot read the open files limit");
            return;
        }
        let wanted = (wanted as libc::rlim_t).min(limit.rlim_max);
        if limit.rlim_cur < wanted {
            limit.rlim_cur = wanted;
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                eprintln!("bench_live: cannot raise the open files limit to {wanted}");
            }
        }
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
    }
    eprintln!("bench_live: open files limit {} (hard {})", limit.rlim_cur, limit.rlim_max);
    if (limit.rlim_cur as usize) < wanted {
        eprintln!(
            "bench_live: WARNING: an open files limit of {} may be too low for {wanted}: workerd holds about 6 \
             descriptors per WebSocket, and wrangler dev stops answering when it runs out",
            limit.rlim_cur
        );
    }
}

/// A fresh account named `handle`.
async fn account(edge: &Edge, handle: &str) {
    edge.create_account(handle, handle, "benchmark").await;
}

/// Posts `count` times to `handle`, `pause` apart.
async fn post_many(edge: &Edge, handle: &str, count: usize, pause: Duration) -> Vec<Sent> {
    let mut posts = Vec::with_capacity(count);
    for n in 0..count {
        let sent = Instant::now();
        let post = edge.create_post(handle, &format!("Benchmark post {n} on {handle}")).await;
        posts.push(Sent { id: post.id, sent, answered: Instant::now() });
        tokio::time::sleep(pause).await;
    }
    posts
}

/// A random number in `[0, 1)`.
fn random_unit() -> f64 {
    u64::from_str_radix(&random_hex(8), 16).unwrap_or(0) as f64 / (u64::MAX as f64 + 1.0)
}
