//! Parts 1 and 3: WebSocket clients of one account receiving its posts.

use crate::measure::{Sample, Sent, Timing};
use crate::{POST_PAUSE, account, post_many};
use gazouillis_protocol::live::Event;
use gazouillis_tests::{Edge, LiveClient};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// Clients connecting at the same time.
const CONNECT_BATCH: usize = 100;
/// After this long, a pushed event that has not arrived counts as missed.
const PUSHED: Duration = Duration::from_secs(10);

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
pub(crate) async fn live_push(edge: &Edge, handle: &str, clients: usize, posts: usize) -> (Sample, Vec<String>) {
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
pub(crate) async fn hold_open(edge: &Edge, handle: &str, k: usize) -> (Sample, Vec<String>, Duration) {
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
