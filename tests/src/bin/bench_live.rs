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

use gazouillis_protocol::PostPage;
use gazouillis_protocol::limits::POLL_SECONDS;
use gazouillis_protocol::live::Event;
use gazouillis_tests::www::WwwServer;
use gazouillis_tests::{Browser, Edge, LiveClient, Method, SETTLE, Tab, eventually, median, percentiles, random_hex, repo_root};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::task::JoinSet;

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
/// Pause between two posts of the polling baseline.
const POLL_POST_PAUSE: Duration = Duration::from_secs(2);
/// Clients connecting at the same time.
const CONNECT_BATCH: usize = 100;
/// After this long, a pushed event that has not arrived counts as missed.
const PUSHED: Duration = Duration::from_secs(10);
/// How long the widget may take to load, to open its WebSocket, to show a post.
const WIDGET_WAIT: Duration = Duration::from_secs(30);

/// Counts the live connections the widget opens (a subclass: the widget sees
/// a WebSocket in every way).
const COUNT_WEBSOCKETS: &str = "<script>window.__wsOpen = 0; window.WebSocket = class extends WebSocket { \
    constructor(...args) { super(...args); this.addEventListener('open', () => { window.__wsOpen += 1; }); } };</script>";
/// Refuses WebSocket, so that the widget falls back to polling.
const REFUSE_WEBSOCKETS: &str = "<script>window.WebSocket = function () { throw new Error('refused'); };</script>";

/// Watches the widget's shadow root: pushes `{t, text}` into `window.__seen`
/// (`t` = `Date.now()`) each time the text of `.gz-new-posts` changes, and
/// `{t, id}` when a post the widget did not show before appears.
const OBSERVE: &str = r#"
const host = document.querySelector('gazouillis-feed');
const root = host && host.shadowRoot;
if (!root) return false;
window.__seen = [];
const ids = () => Array.from(root.querySelectorAll('article.gz-post'), a => a.getAttribute('data-id'));
const shown = new Set(ids());
let text = null;
const check = () => {
  const t = Date.now();
  const button = root.querySelector('.gz-new-posts');
  const now = button ? button.textContent.trim() : null;
  if (now !== text) {
    text = now;
    if (now) window.__seen.push({ t, text: now });
  }
  for (const id of ids()) {
    if (id && !shown.has(id)) {
      shown.add(id);
      window.__seen.push({ t, id });
    }
  }
};
new MutationObserver(check).observe(root, { subtree: true, childList: true, characterData: true });
check();
return true;
"#;

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

/// One post as the benchmark made it.
struct Sent {
    id: String,
    /// When its request left.
    sent: Instant,
    /// When its 201 answer had arrived.
    answered: Instant,
}

/// When one event arrived, in ms after its POST's answer (negative when it
/// came first: the hub pushes before the answer leaves the edge) and after
/// its POST's request left.
struct Timing {
    from_answer: f64,
    from_sent: f64,
}

impl Timing {
    fn at(arrived: Instant, post: &Sent) -> Timing {
        let ms = |since: Instant| match arrived.checked_duration_since(since) {
            Some(after) => after.as_secs_f64() * 1000.0,
            None => -(since.duration_since(arrived).as_secs_f64() * 1000.0),
        };
        Timing { from_answer: ms(post.answered), from_sent: ms(post.sent) }
    }
}

/// Events measured, and the events that never came.
#[derive(Default)]
struct Sample {
    timings: Vec<Timing>,
    missed: usize,
}

/// One run of one path, in ms: p50, p95, max after the POST's answer (the
/// latency asked for, clamped at 0) and after the POST's request left;
/// `None` when nothing arrived.
#[derive(Clone, Copy)]
struct Summary {
    from_answer: Option<[f64; 3]>,
    from_sent: Option<[f64; 3]>,
    /// Events that arrived before the POST's answer.
    early: usize,
    count: usize,
    missed: usize,
}

impl Sample {
    fn summary(&self) -> Summary {
        Summary {
            // An event that arrives before the POST's answer counts as 0 ms:
            // clamped, never negative.
            from_answer: percentiles(self.timings.iter().map(|t| t.from_answer)),
            // In the widget, `Date.now()` is truncated to the ms, so a DOM
            // change can read up to 1 ms before the request left: clamped too.
            from_sent: percentiles(self.timings.iter().map(|t| t.from_sent)),
            early: self.timings.iter().filter(|t| t.from_answer < 0.0).count(),
            count: self.timings.len(),
            missed: self.missed,
        }
    }
}

/// `p50 / p95 / max` of one set of latencies, or a dash.
fn triple(ms: Option<[f64; 3]>) -> String {
    ms.map_or("–".to_owned(), |[p50, p95, max]| format!("{p50:.1} / {p95:.1} / {max:.1}"))
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "p50 / p95 / max {} ms after the POST's answer ({} of {} events came before it), \
             {} ms after the POST left; missed {}",
            triple(self.from_answer),
            self.early,
            self.count,
            triple(self.from_sent),
            self.missed
        )
    }
}

/// A line of the final table: one path, its runs, or why it has none.
struct Row {
    path: &'static str,
    clients: String,
    posts: usize,
    runs: Vec<Summary>,
    note: String,
}

const TABLE_HEAD: &str = "| path | clients | posts | runs | p50 ms | p95 ms | max ms | before answer | \
    from send p50 / p95 / max ms | missed | notes |\n|---|---|---|---|---|---|---|---|---|---|---|";

impl Row {
    fn new(path: &'static str, clients: impl ToString, posts: usize) -> Row {
        Row { path, clients: clients.to_string(), posts, runs: Vec::new(), note: String::new() }
    }

    fn note(&mut self, note: impl AsRef<str>) {
        if !self.note.is_empty() {
            self.note.push_str("; ");
        }
        self.note.push_str(note.as_ref());
    }

    fn missed(&self) -> usize {
        self.runs.iter().map(|s| s.missed).sum()
    }

    /// Over the runs: the median of the p50s and of the p95s, the largest max.
    fn over_runs(&self, pick: fn(&Summary) -> Option<[f64; 3]>) -> Option<[f64; 3]> {
        let runs: Vec<[f64; 3]> = self.runs.iter().filter_map(pick).collect();
        let nth = |i: usize| runs.iter().map(move |r| r[i]);
        Some([median(nth(0).collect())?, median(nth(1).collect())?, nth(2).fold(0.0, f64::max)])
    }

    /// One line of [`TABLE_HEAD`].
    fn markdown(&self) -> String {
        let [p50, p95, max] = match self.over_runs(|s| s.from_answer) {
            Some(ms) => ms.map(|v| format!("{v:.1}")),
            None => ["–".to_owned(), "–".to_owned(), "–".to_owned()],
        };
        let (early, count) = self.runs.iter().fold((0, 0), |(e, c), s| (e + s.early, c + s.count));
        let (early, missed) = if self.runs.is_empty() {
            ("–".to_owned(), "–".to_owned())
        } else {
            (format!("{early}/{count}"), self.missed().to_string())
        };
        format!(
            "| {} | {} | {} | {} | {p50} | {p95} | {max} | {early} | {} | {missed} | {} |",
            self.path,
            self.clients,
            self.posts,
            self.runs.len(),
            triple(self.over_runs(|s| s.from_sent)),
            self.note
        )
    }
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

/// `n` live clients of `handle`, connected `CONNECT_BATCH` at a time, each
/// with its hello; and the errors of those that failed.
async fn connect_all(edge: &Edge, handle: &str, n: usize) -> (Vec<LiveClient>, Vec<String>) {
    let base = edge.base_url();
    let (mut clients, mut errors) = (Vec::with_capacity(n), Vec::new());
    for first in (0..n).step_by(CONNECT_BATCH) {
        let mut batch = JoinSet::new();
        for _ in first..(first + CONNECT_BATCH).min(n) {
            let (base, handle) = (base.clone(), handle.to_owned());
            batch.spawn(async move { LiveClient::connect(&base, &handle).await });
        }
        while let Some(joined) = batch.join_next().await {
            match joined.expect("a connect task ended abnormally") {
                Ok(client) => clients.push(client),
                Err(e) => errors.push(e),
            }
        }
    }
    (clients, errors)
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

/// When each post first arrived at `client`.
fn arrivals(client: &LiveClient) -> HashMap<String, Instant> {
    let mut first = HashMap::new();
    for (at, event) in client.timed_events() {
        if let Event::Post { post } = event {
            first.entry(post.id).or_insert(at);
        }
    }
    first
}

/// Waits (at most [`PUSHED`]) until every client has every post of `sent`,
/// then measures each (client, post).
async fn collect(clients: &[LiveClient], sent: &[Sent]) -> Sample {
    let deadline = Instant::now() + PUSHED;
    loop {
        let arrived: Vec<HashMap<String, Instant>> = clients.iter().map(arrivals).collect();
        let complete = arrived.iter().all(|a| sent.iter().all(|post| a.contains_key(&post.id)));
        if complete || Instant::now() >= deadline {
            let mut sample = Sample::default();
            for (client, post) in arrived.iter().flat_map(|a| sent.iter().map(move |post| (a, post))) {
                match client.get(&post.id) {
                    Some(&at) => sample.timings.push(Timing::at(at, post)),
                    None => sample.missed += 1,
                }
            }
            return sample;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Part 1: `clients` WebSocket clients on a fresh account, `posts` posts.
/// A client that could not connect misses every post.
async fn live_push(edge: &Edge, handle: &str, clients: usize, posts: usize) -> (Sample, Vec<String>) {
    account(edge, handle).await;
    let (watchers, errors) = connect_all(edge, handle, clients).await;
    let sent = post_many(edge, handle, posts, POST_PAUSE).await;
    let mut sample = collect(&watchers, &sent).await;
    sample.missed += errors.len() * posts;
    (sample, errors)
}

/// Part 3: `k` WebSocket clients opened at once on a fresh account, then one
/// post. Returns the latencies of the clients that got it, the connect
/// errors, and how long connecting took.
async fn hold_open(edge: &Edge, handle: &str, k: usize) -> (Sample, Vec<String>, Duration) {
    account(edge, handle).await;
    let started = Instant::now();
    let (clients, errors) = connect_all(edge, handle, k).await;
    let took = started.elapsed();
    let sent = post_many(edge, handle, 1, Duration::ZERO).await;
    let sample = collect(&clients, &sent).await;
    drop(clients);
    // Lets workerd close the held sockets before the next measurement.
    tokio::time::sleep(Duration::from_secs(1)).await;
    (sample, errors, took)
}

/// A random number in `[0, 1)`.
fn random_unit() -> f64 {
    u64::from_str_radix(&random_hex(8), 16).unwrap_or(0) as f64 / (u64::MAX as f64 + 1.0)
}

/// Part 2: `pollers` clients polling the feed as the widget did before push,
/// at random phases of the poll period; `posts` posts. Returns the latencies
/// to each poller's first answer holding each post.
async fn polling_baseline(edge: &Arc<Edge>, handle: &str, pollers: usize, posts: usize) -> Sample {
    account(edge, handle).await;
    let period = Duration::from_secs(POLL_SECONDS.into());
    let mut running = JoinSet::new();
    let mut seen = Vec::new();
    for _ in 0..pollers {
        let first_seen = Arc::new(Mutex::new(HashMap::new()));
        seen.push(first_seen.clone());
        running.spawn(poll(edge.clone(), handle.to_owned(), period.mul_f64(random_unit()), first_seen));
    }
    let sent = post_many(edge, handle, posts, POLL_POST_PAUSE).await;
    let all_seen = || seen.iter().all(|s| sent.iter().all(|post| s.lock().expect("seen posts").contains_key(&post.id)));
    // A post is in every poller's answer within a period and a flush.
    let deadline = Instant::now() + period * 3;
    while !all_seen() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    running.abort_all();
    let mut sample = Sample::default();
    for first_seen in &seen {
        let first_seen = first_seen.lock().expect("seen posts");
        for post in &sent {
            match first_seen.get(&post.id) {
                Some(&at) => sample.timings.push(Timing::at(at, post)),
                None => sample.missed += 1,
            }
        }
    }
    sample
}

/// One poller: reads the feed at once (a widget loading), then every poll
/// period from `phase` on, with `If-None-Match`. Keeps when each post first
/// appeared in an answer.
async fn poll(edge: Arc<Edge>, handle: String, phase: Duration, seen: Arc<Mutex<HashMap<String, Instant>>>) {
    let path = format!("/v1/accounts/{handle}/posts");
    let period = Duration::from_secs(POLL_SECONDS.into());
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + phase, period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut etag = None::<String>;
    loop {
        let mut req = edge.get(&path);
        if let Some(tag) = &etag {
            req = req.header("if-none-match", tag);
        }
        let answer = req.send().await;
        let at = Instant::now();
        // 304: nothing new.
        if answer.status != 304 {
            let page: PostPage = answer.check_json(200).unwrap_or_else(|e| panic!("poll: {e}"));
            etag = answer.header("etag");
            let mut seen = seen.lock().expect("seen posts");
            for post in page.posts {
                seen.entry(post.id).or_insert(at);
            }
        }
        ticks.tick().await;
    }
}

/// What the observer ([`OBSERVE`]) recorded.
#[derive(Deserialize)]
struct Seen {
    /// `Date.now()`, ms since the epoch.
    t: f64,
    text: Option<String>,
    id: Option<String>,
}

/// Milliseconds since the epoch, as `Date.now()` in the page counts them.
fn wall_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

/// The first number in a text ("3 new posts": 3).
fn first_number(text: &str) -> Option<usize> {
    let digits: String = text.chars().skip_while(|c| !c.is_ascii_digit()).take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// When the widget first showed the `k`-th new post (1-based), whose id is
/// `id`: the button counting at least `k` new posts, or the post itself.
fn shown_at(seen: &[Seen], k: usize, id: &str) -> Option<f64> {
    seen.iter()
        .find(|s| s.id.as_deref() == Some(id) || s.text.as_deref().and_then(first_number).is_some_and(|n| n >= k))
        .map(|s| s.t)
}

/// Runs `script` in `tab` until it returns something else than `false` or
/// `null`, for at most `within`.
async fn wait_js(tab: &Tab, script: &str, within: Duration) -> Result<Value, String> {
    let started = Instant::now();
    loop {
        let value = tab.js(script, vec![]).await?;
        if !matches!(value, Value::Null | Value::Bool(false)) {
            return Ok(value);
        }
        if started.elapsed() > within {
            return Err(format!("nothing after {within:?}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Part 4: a page on the second origin with the `<gazouillis-feed>` of a fresh
/// account with one post, WebSocket counted (`live`) or refused; then `posts`
/// posts, each waited for in the DOM. `Err` when the widget shows nothing in
/// time.
async fn widget(
    edge: &Edge,
    www: &WwwServer,
    tab: &Tab,
    handle: &str,
    live: bool,
    posts: usize,
) -> Result<Sample, String> {
    account(edge, handle).await;
    let first = edge.create_post(handle, "Already there when the page loads").await;
    eventually(SETTLE, || async {
        let page: PostPage = edge.get(&format!("/v1/accounts/{handle}/posts")).send().await.check_json(200)?;
        gazouillis_tests::ensure!(page.posts.iter().any(|p| p.id == first.id), "{} not in the feed yet", first.id);
        Ok(())
    })
    .await;
    let path = format!("/bench/{handle}.html");
    www.add_page(
        &path,
        &format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{handle}</title></head>\
             <body><gazouillis-feed account=\"{handle}\"></gazouillis-feed>{}\
             <script type=\"module\" src=\"/widget/gazouillis.js\"></script></body></html>",
            if live { COUNT_WEBSOCKETS } else { REFUSE_WEBSOCKETS }
        ),
    );
    let url = format!("{}{path}", www.origin());
    tab.command(Method::POST, "/url", Some(json!({ "url": url }))).await?;
    let loaded = "const host = document.querySelector('gazouillis-feed');
                  return !!(host && host.shadowRoot && host.shadowRoot.querySelector('article.gz-post'));";
    wait_js(tab, loaded, WIDGET_WAIT).await.map_err(|e| format!("the widget did not show its feed: {e}"))?;
    if live {
        wait_js(tab, "return window.__wsOpen > 0;", WIDGET_WAIT)
            .await
            .map_err(|e| format!("the widget opened no WebSocket: {e}"))?;
    }
    wait_js(tab, OBSERVE, Duration::ZERO).await.map_err(|e| format!("cannot observe the widget: {e}"))?;

    let mut sample = Sample::default();
    for k in 1..=posts {
        let sent = wall_ms();
        let post = edge.create_post(handle, &format!("Widget benchmark post {k}")).await;
        let answered = wall_ms();
        let started = Instant::now();
        let shown = loop {
            let seen: Vec<Seen> = serde_json::from_value(tab.js("return window.__seen || [];", vec![]).await?)
                .map_err(|e| format!("window.__seen: {e}"))?;
            if let Some(t) = shown_at(&seen, k, &post.id) {
                break Some(t);
            }
            if started.elapsed() > WIDGET_WAIT {
                break None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        match shown {
            // Both are this machine's wall clock.
            Some(t) => sample.timings.push(Timing { from_answer: t - answered, from_sent: t - sent }),
            None if k == 1 => return Err(format!("{} not shown within {WIDGET_WAIT:?}", post.id)),
            None => sample.missed += 1,
        }
        // Polling: the next post lands at a random phase of the widget's poll.
        let poll = Duration::from_secs(POLL_SECONDS.into());
        tokio::time::sleep(if live { POST_PAUSE } else { poll.mul_f64(random_unit()) }).await;
    }
    Ok(sample)
}
