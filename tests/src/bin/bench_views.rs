//! `bench_views`: the lag from a write to its view in Workers KV, on the real
//! Worker under `wrangler dev`: this tree's edge side by side with a baseline
//! edge (an older commit, built by `cargo xtask build-at`), both running at
//! once, measured in turns. A measurement, never a pass/fail test.
//!
//! The lag of a post is the time from the moment its POST left to the first
//! public read of the account's feed (one KV read, no `min_version`) that
//! lists it. Two kinds of writes:
//! - quiet: a post after more than a second without writes;
//! - burst: `--writes` posts sent one after the other, as fast as they are
//!   answered; their views are coalesced, so most wait for the next flush.
//!
//! Each run measures `--writes` quiet posts and one burst on each edge; the
//! table gives the median of the runs' p50 and p95. It also gives how long the
//! quiet posts took to be answered: a flush made before the answer costs the
//! writer that much.
//!
//! Run it with `cargo xtask bench-views [--baseline COMMIT] [--writes N] [--runs R]`.

use gazouillis_protocol::PostPage;
use gazouillis_tests::edge::Store;
use gazouillis_tests::{Edge, median, percentiles, random_hex, repo_root};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Time between quiet writes: more than the hub's one-second flush interval.
const QUIET: Duration = Duration::from_millis(1_300);
/// How often the feed is read while waiting for a post.
const POLL: Duration = Duration::from_millis(5);
/// A post not seen by then is counted as missed.
const GIVE_UP: Duration = Duration::from_secs(10);

struct Args {
    baseline: PathBuf,
    label: String,
    writes: usize,
    runs: usize,
}

fn args() -> Args {
    let mut args = Args { baseline: PathBuf::new(), label: "baseline".into(), writes: 20, runs: 3 };
    let raw: Vec<String> = std::env::args().skip(1).collect();
    for pair in raw.chunks(2) {
        match pair {
            [flag, value] if flag == "--baseline" => args.baseline = PathBuf::from(value),
            [flag, value] if flag == "--label" => args.label = value.clone(),
            [flag, value] if flag == "--writes" => args.writes = value.parse().expect("--writes N"),
            [flag, value] if flag == "--runs" => args.runs = value.parse().expect("--runs N"),
            other => panic!("bench_views: unexpected arguments {other:?}"),
        }
    }
    assert!(args.baseline.join("edge/build/index.js").is_file(), "--baseline must be a built tree (cargo xtask build-at)");
    args
}

/// Lags of one kind of write on one edge, per run.
#[derive(Default)]
struct Lags {
    runs: Vec<Vec<f64>>,
    missed: usize,
}

impl Lags {
    fn row(&self, edge: &str, kind: &str) -> String {
        let per_run: Vec<[f64; 3]> = self.runs.iter().filter_map(|lags| percentiles(lags.iter().copied())).collect();
        let p50 = median(per_run.iter().map(|p| p[0]).collect());
        let p95 = median(per_run.iter().map(|p| p[1]).collect());
        let max = per_run.iter().map(|p| p[2]).fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
        let ms = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.0} ms"));
        let count: usize = self.runs.iter().map(Vec::len).sum();
        format!("| {edge} | {kind} | {} | {} | {} | {count} | {} |", ms(p50), ms(p95), ms(max), self.missed)
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = args();
    let vars = [("RATE_REPLIES", "1000000/60"), ("RATE_REPLIES_IP", "1000000/60"), ("RATE_SESSIONS_IP", "1000000/60")];
    let start = |root: PathBuf| Edge::start_on(Store { root, state: None, admin_token: random_hex(24), session_secret: random_hex(32) }, &vars);
    let (baseline, current) = tokio::join!(start(args.baseline.clone()), start(repo_root()));
    let edges = [(format!("before ({})", args.label), &baseline), ("now".to_owned(), &current)];
    let mut quiet: Vec<Lags> = edges.iter().map(|_| Lags::default()).collect();
    let mut burst: Vec<Lags> = edges.iter().map(|_| Lags::default()).collect();
    let mut answered: Vec<Lags> = edges.iter().map(|_| Lags::default()).collect();
    for run in 0..args.runs {
        for (index, (name, edge)) in edges.iter().enumerate() {
            let handle = format!("views{run}");
            edge.create_account(&handle, "Views", "").await;
            eprintln!("run {}/{}: {name}", run + 1, args.runs);
            let (mut lags, mut answers) = (Vec::new(), Vec::new());
            for n in 0..args.writes {
                tokio::time::sleep(QUIET).await;
                let (answer, seen) = lag(edge, &handle, &format!("quiet {n}")).await;
                answers.push(answer);
                match seen {
                    Some(ms) => lags.push(ms),
                    None => quiet[index].missed += 1,
                }
            }
            quiet[index].runs.push(lags);
            answered[index].runs.push(answers);
            tokio::time::sleep(QUIET).await;
            let sent: Vec<(Instant, String)> = {
                let mut sent = Vec::new();
                for n in 0..args.writes {
                    let at = Instant::now();
                    sent.push((at, edge.create_post(&handle, &format!("burst {n}")).await.id));
                }
                sent
            };
            let (seen, missed) = seen_at(edge, &handle, &sent).await;
            burst[index].runs.push(seen);
            burst[index].missed += missed;
        }
    }
    println!("| edge | writes | p50 | p95 | max | writes measured | missed |");
    println!("|---|---|---|---|---|---|---|");
    for (index, (name, _)) in edges.iter().enumerate() {
        println!("{}", answered[index].row(name, "quiet, POST answered"));
        println!("{}", quiet[index].row(name, "quiet"));
        println!("{}", burst[index].row(name, "burst"));
    }
}

/// Posts `text`; returns the ms until the POST was answered, and until the
/// public feed listed the post.
async fn lag(edge: &Edge, handle: &str, text: &str) -> (f64, Option<f64>) {
    let sent = Instant::now();
    let id = edge.create_post(handle, text).await.id;
    let answered = sent.elapsed().as_secs_f64() * 1000.0;
    let (seen, _) = seen_at(edge, handle, &[(sent, id)]).await;
    (answered, seen.first().copied())
}

/// Reads the public feed until it lists every post of `sent`; returns the
/// lag of each seen (ms from its send) and how many were never seen.
async fn seen_at(edge: &Edge, handle: &str, sent: &[(Instant, String)]) -> (Vec<f64>, usize) {
    let started = Instant::now();
    let mut lags: Vec<Option<f64>> = vec![None; sent.len()];
    while lags.iter().any(Option::is_none) && started.elapsed() < GIVE_UP {
        let page: PostPage = edge.get(&format!("/v1/accounts/{handle}/posts?limit=50")).send().await.expect_json(200);
        let now = Instant::now();
        for ((at, id), lag) in sent.iter().zip(lags.iter_mut()) {
            if lag.is_none() && page.posts.iter().any(|post| &post.id == id) {
                *lag = Some(now.duration_since(*at).as_secs_f64() * 1000.0);
            }
        }
        tokio::time::sleep(POLL).await;
    }
    let missed = lags.iter().filter(|lag| lag.is_none()).count();
    (lags.into_iter().flatten().collect(), missed)
}
