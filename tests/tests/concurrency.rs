//! Bursts of simultaneous writes on one account: nothing lost, nothing counted
//! twice, no id given twice, and the views settle on the exact totals.

use gazouillis_protocol::{FollowState, Post, Reply, Session};
use gazouillis_tests::{Edge, SETTLE, Suite, ensure, ensure_eq, eventually};
use serde_json::json;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use tokio::task::JoinSet;

const N: u64 = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrency() {
    let mut suite = Suite::new("concurrency", Edge::start().await);
    // Separate accounts: the three bursts also run at the same time.
    suite.spawn("50 concurrent replies to one post", concurrent_replies);
    suite.spawn("50 concurrent follows, then 50 concurrent unfollows", concurrent_follows);
    suite.spawn("50 concurrent posts on one account", concurrent_posts);
    suite.spawn("writes spread over many flushes all reach the views, with no later write", writes_across_flushes);
    suite.finish(|edge| edge.dump_log()).await;
}

/// `n` visitor sessions, created concurrently.
async fn sessions(e: &Arc<Edge>, prefix: &str, n: u64) -> Vec<Session> {
    let mut set = JoinSet::new();
    for i in 0..n {
        let e = e.clone();
        let name = format!("{prefix} {i}");
        set.spawn(async move { (i, e.new_session(&name).await) });
    }
    let mut all: Vec<(u64, Session)> = set.join_all().await;
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, s)| s).collect()
}

/// The number of a reply or post id (its last `-` part, base 36).
fn seq(id: &str) -> u64 {
    let (_, n) = id.rsplit_once('-').unwrap_or_else(|| panic!("id {id:?} has no number"));
    u64::from_str_radix(n, 36).unwrap_or_else(|_| panic!("id {id:?} has no base-36 number"))
}

async fn concurrent_replies(e: Arc<Edge>) {
    e.create_account("busy", "Busy", "").await;
    let post = e.create_post("busy", "Everyone answer at once").await;
    let visitors = sessions(&e, "Replier", N).await;

    let mut set = JoinSet::new();
    for (i, visitor) in visitors.iter().enumerate() {
        let (e, token, post) = (e.clone(), visitor.token.clone(), post.id.clone());
        set.spawn(async move { e.reply(&token, &post, &format!("concurrent reply {i}")).await });
    }
    let created: Vec<Reply> = set.join_all().await;

    // Every write got its own number, 0 to 49: none lost, none given twice.
    let seqs: BTreeSet<u64> = created.iter().map(|r| seq(&r.id)).collect();
    assert_eq!(seqs, (0..N).collect::<BTreeSet<_>>(), "reply numbers");
    for reply in &created {
        assert_eq!(reply.post, post.id);
        let i: usize = reply.text.trim_start_matches("concurrent reply ").parse().unwrap();
        assert_eq!(reply.author, visitors[i].visitor, "author of {:?}", reply.text);
    }
    let by_id: HashMap<String, Reply> = created.into_iter().map(|r| (r.id.clone(), r)).collect();

    let listed = eventually(SETTLE, || async {
        let listed = e.replies_all(&post.id, Some(50)).await?;
        ensure_eq!(listed.len(), N as usize, "replies listed");
        ensure_eq!(e.post_of(&post.id).await?.replies, N, "post.replies");
        Ok(listed)
    })
    .await;
    let order: Vec<u64> = listed.iter().map(|r| seq(&r.id)).collect();
    assert_eq!(order, (0..N).collect::<Vec<_>>(), "replies oldest first");
    for reply in &listed {
        assert_eq!(Some(reply), by_id.get(&reply.id), "listed reply as created");
    }
    // Settled means settled: the count stays exact.
    eventually(SETTLE, || async {
        let feed = e.feed_all("busy", None).await?;
        ensure_eq!(feed.first().map(|p| p.replies), Some(N), "replies count in the feed");
        Ok(())
    })
    .await;
    assert_eq!(e.post_of(&post.id).await.unwrap().replies, N);
}

async fn concurrent_follows(e: Arc<Edge>) {
    e.create_account("popular", "Popular", "").await;
    let visitors = sessions(&e, "Fan", N).await;

    let mut set = JoinSet::new();
    for visitor in &visitors {
        let (e, token) = (e.clone(), visitor.token.clone());
        set.spawn(async move { e.follow(&token, "popular").await });
    }
    let states: Vec<FollowState> = set.join_all().await;
    assert!(states.iter().all(|s| s.following), "every PUT answers following: {states:?}");
    let counts: BTreeSet<u64> = states.iter().map(|s| s.followers).collect();
    assert_eq!(counts, (1..=N).collect::<BTreeSet<_>>(), "each follow saw a distinct count from 1 to 50");

    eventually(SETTLE, || async {
        ensure_eq!(e.account("popular").await?.followers, N, "followers");
        for visitor in [&visitors[0], &visitors[N as usize / 2], &visitors[N as usize - 1]] {
            let state = e.follow_state(&visitor.token, "popular").await?;
            ensure_eq!(
                state,
                FollowState { following: true, followers: N },
                "follow state of {}",
                visitor.visitor.name
            );
        }
        Ok(())
    })
    .await;

    // Following again, all at once, changes nothing.
    let mut set = JoinSet::new();
    for visitor in &visitors[..10] {
        let (e, token) = (e.clone(), visitor.token.clone());
        set.spawn(async move { e.follow(&token, "popular").await });
    }
    for state in set.join_all().await {
        assert_eq!(state, FollowState { following: true, followers: N }, "a repeated follow");
    }

    let mut set = JoinSet::new();
    for visitor in &visitors {
        let (e, token) = (e.clone(), visitor.token.clone());
        set.spawn(async move { e.unfollow(&token, "popular").await });
    }
    let states: Vec<FollowState> = set.join_all().await;
    assert!(states.iter().all(|s| !s.following), "every DELETE answers not following: {states:?}");
    let counts: BTreeSet<u64> = states.iter().map(|s| s.followers).collect();
    assert_eq!(counts, (0..N).collect::<BTreeSet<_>>(), "each unfollow saw a distinct count from 49 to 0");
    eventually(SETTLE, || async {
        ensure_eq!(e.account("popular").await?.followers, 0, "followers after everyone left");
        let state = e.follow_state(&visitors[7].token, "popular").await?;
        ensure!(!state.following && state.followers == 0, "follow state {state:?}");
        Ok(())
    })
    .await;
}

async fn concurrent_posts(e: Arc<Edge>) {
    e.create_account("prolific", "Prolific", "").await;
    let mut set = JoinSet::new();
    for i in 0..N {
        let e = e.clone();
        set.spawn(async move {
            e.admin(e.post("/v1/accounts/prolific/posts"))
                .json(&json!({"text": format!("burst post {i}")}))
                .send()
                .await
                .expect_json::<Post>(201)
        });
    }
    let created: Vec<Post> = set.join_all().await;
    let seqs: BTreeSet<u64> = created.iter().map(|p| seq(&p.id)).collect();
    assert_eq!(seqs, (0..N).collect::<BTreeSet<_>>(), "post numbers");

    let mut newest_first = created.clone();
    newest_first.sort_by_key(|p| std::cmp::Reverse(seq(&p.id)));
    eventually(SETTLE, || async {
        ensure_eq!(e.account("prolific").await?.posts, N, "posts count");
        let feed = e.feed_all("prolific", Some(7)).await?;
        ensure_eq!(feed, newest_first, "feed, newest first");
        Ok(())
    })
    .await;
}

/// Posts and replies one after another, spaced so that some land while the
/// hub is flushing the views of the previous ones: every one of them must
/// reach the views without any later write to push it out.
async fn writes_across_flushes(e: Arc<Edge>) {
    e.create_account("steady", "Steady", "").await;
    let post = e.create_post("steady", "first").await;
    let visitor = e.new_session("Steady Visitor").await;
    let mut last = post.clone();
    for n in 0..24u64 {
        // 0 to 230 ms apart: over the run, several writes meet a flush (once a second).
        tokio::time::sleep(std::time::Duration::from_millis((n * 37) % 240)).await;
        if n % 3 == 0 {
            e.reply(&visitor.token, &post.id, &format!("reply {n}")).await;
        } else {
            last = e.create_post("steady", &format!("post {n}")).await;
        }
    }
    // Right after an account is created its hub flushes at once: a post
    // arriving during that first flush must not wait for another write.
    let mut fresh = Vec::new();
    for n in 0..8 {
        let handle = format!("fresh_{n}");
        e.create_account(&handle, "Fresh", "").await;
        fresh.push((handle.clone(), e.create_post(&handle, "hello").await.id));
    }
    eventually(SETTLE, || async {
        for (handle, id) in &fresh {
            let feed = e.feed_all(handle, None).await?;
            ensure_eq!(feed.first().map(|p| p.id.clone()), Some(id.clone()), "the post in {handle}'s feed");
        }
        let feed = e.feed_all("steady", None).await?;
        ensure_eq!(feed.len(), 17, "posts in the feed");
        ensure_eq!(feed.first().map(|p| p.id.clone()), Some(last.id.clone()), "newest post");
        ensure_eq!(e.replies_all(&post.id, None).await?.len(), 8, "replies");
        ensure_eq!(e.account("steady").await?.posts, 17, "account's count");
        Ok(())
    })
    .await;
}
