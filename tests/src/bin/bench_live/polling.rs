//! Part 2: the polling baseline, REST clients reading the feed as the
//! widget did before live push.

use crate::measure::{Sample, Timing};
use crate::{account, post_many, random_unit};
use gazouillis_protocol::PostPage;
use gazouillis_protocol::limits::POLL_SECONDS;
use gazouillis_tests::Edge;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// Pause between two posts of the polling baseline.
const POLL_POST_PAUSE: Duration = Duration::from_secs(2);

/// Part 2: `pollers` clients polling the feed as the widget did before push,
/// at random phases of the poll period; `posts` posts. Returns the latencies
/// to each poller's first answer holding each post.
pub(crate) async fn polling_baseline(edge: &Arc<Edge>, handle: &str, pollers: usize, posts: usize) -> Sample {
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
