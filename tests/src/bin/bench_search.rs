//! `bench_search`: search latency on one hub holding many replies, on the
//! real Worker under `wrangler dev`. The replies are written through the API
//! (each one a POST to the hub, which indexes it), not into storage directly.
//! A measurement, never a pass/fail test.
//!
//! Each run asks, in turns, for a word, a phrase and a prefix (public search,
//! first page of 20), and for the account with the operator's token (a read of
//! one row by the same hub: the baseline cost of asking a hub at all); the
//! table gives the median over runs of each run's p50 and p95.
//!
//! Run it with `cargo xtask bench-search [--replies N] [--asks Q] [--runs R]`.

use futures_util::StreamExt;
use gazouillis_protocol::{PostId, SearchResults};
use gazouillis_tests::edge::Store;
use gazouillis_tests::{Edge, median, percentiles, random_hex, repo_root};
use std::time::Instant;

/// Posts the replies are spread over.
const POSTS: usize = 100;
/// Replies written at once.
const CONCURRENCY: usize = 8;
/// The words replies are made of, the first ones more often (as in speech).
const WORDS: &[&str] = &[
    "le", "la", "de", "et", "un", "une", "est", "pour", "pas", "vous", "merci", "vélo", "commande", "livraison", "rapide", "taille",
    "prix", "cadre", "roue", "frein", "selle", "guidon", "batterie", "électrique", "boutique", "magasin", "retour", "garantie",
    "couleur", "bleu", "rouge", "noir", "stock", "dispo", "quand", "combien", "super", "génial", "déçu", "problème", "colis",
    "retard", "service", "client", "réponse", "question", "modèle", "promo", "soldes", "été", "hiver", "cœur", "ville", "route",
];

struct Args {
    replies: usize,
    asks: usize,
    runs: usize,
}

fn args() -> Args {
    let mut args = Args { replies: 100_000, asks: 30, runs: 3 };
    let raw: Vec<String> = std::env::args().skip(1).collect();
    for pair in raw.chunks(2) {
        match pair {
            [flag, value] if flag == "--replies" => args.replies = value.parse().expect("--replies N"),
            [flag, value] if flag == "--asks" => args.asks = value.parse().expect("--asks N"),
            [flag, value] if flag == "--runs" => args.runs = value.parse().expect("--runs N"),
            other => panic!("bench_search: unexpected arguments {other:?}"),
        }
    }
    args
}

/// Reply `n`'s text: 6 to 14 words drawn with a skewed, repeatable choice.
fn text(n: usize) -> String {
    let mut state = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let count = 6 + (next() % 9) as usize;
    let words: Vec<&str> = (0..count)
        .map(|_| {
            // The square of a uniform draw favours the first words.
            let u = (next() % 10_000) as f64 / 10_000.0;
            WORDS[((u * u) * WORDS.len() as f64) as usize]
        })
        .collect();
    words.join(" ")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = args();
    let vars = [("RATE_REPLIES", "100000000/60"), ("RATE_REPLIES_IP", "100000000/60"), ("RATE_SESSIONS_IP", "1000000/60")];
    let store = Store { root: repo_root(), state: None, admin_token: random_hex(24), session_secret: random_hex(32) };
    let e = Edge::start_on(store, &vars).await;
    e.create_account("big", "Big", "").await;
    for n in 0..POSTS {
        e.create_post("big", &format!("Publication {n}")).await;
    }
    let mut visitors = Vec::new();
    for n in 0..16 {
        visitors.push(e.new_session(&format!("V{n}")).await.token);
    }
    let started = Instant::now();
    let e = &e;
    let visitors = &visitors;
    futures_util::stream::iter(0..args.replies)
        .map(|n| async move {
            let post = PostId { handle: "big".into(), seq: (n % POSTS) as u64 }.to_string();
            e.reply(&visitors[n % visitors.len()], &post, &text(n)).await;
            if (n + 1) % 10_000 == 0 {
                eprintln!("[bench] {} replies written in {:.0?}", n + 1, started.elapsed());
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<()>>()
        .await;
    let written = started.elapsed();
    let kinds = [("word", "q=livraison"), ("phrase", "q=%22livraison%20rapide%22"), ("prefix", "q=livr"), ("hub read (baseline)", "")];
    let mut results: Vec<Vec<[f64; 3]>> = vec![Vec::new(); kinds.len()];
    let mut found = vec![0; kinds.len()];
    for _ in 0..args.runs {
        let mut runs: Vec<Vec<f64>> = vec![Vec::new(); kinds.len()];
        for _ in 0..args.asks {
            for (k, (_, query)) in kinds.iter().enumerate() {
                let asked = Instant::now();
                if query.is_empty() {
                    e.admin(e.get("/v1/accounts/big")).send().await.expect(200);
                } else {
                    let page: SearchResults = e.get(&format!("/v1/accounts/big/search?{query}")).send().await.expect_json(200);
                    found[k] = page.hits.len();
                }
                runs[k].push(asked.elapsed().as_secs_f64() * 1000.0);
            }
        }
        for (k, run) in runs.iter().enumerate() {
            results[k].extend(percentiles(run.iter().copied()));
        }
    }
    println!();
    println!("{} replies written through the API in {:.0?} ({:.0} a second, {CONCURRENCY} at once); {} asks of each, {} runs:", args.replies, written, args.replies as f64 / written.as_secs_f64(), args.asks, args.runs);
    println!();
    println!("| ask | p50 | p95 | hits on the first page |");
    println!("|---|---|---|---|");
    for (k, (kind, _)) in kinds.iter().enumerate() {
        let p50 = median(results[k].iter().map(|p| p[0]).collect()).unwrap_or(f64::NAN);
        let p95 = median(results[k].iter().map(|p| p[1]).collect()).unwrap_or(f64::NAN);
        let hits = if kinds[k].1.is_empty() { "-".to_owned() } else { found[k].to_string() };
        println!("| {kind} | {p50:.1} ms | {p95:.1} ms | {hits} |");
    }
}

