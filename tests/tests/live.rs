//! The live push against the real Worker: what each write sends to every open
//! WebSocket of its account, exact counts under concurrent follows, keep-alive
//! pings, and connections cut by a restart of the runtime.

use gazouillis_protocol::live::{Event, PONG};
use gazouillis_protocol::{Post, Session};
use gazouillis_tests::live::ping;
use gazouillis_tests::{Edge, LiveClient, Suite};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;

/// How long an event may take to arrive. Pushes take milliseconds; this bound
/// only keeps a broken push from hanging the suite.
const PUSHED: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live() {
    let mut suite = Suite::new("live", Edge::start().await);
    suite.spawn("live needs a WebSocket upgrade and an account", needs_upgrade);
    suite.spawn("hello carries the exact counts and the newest post", hello);
    suite.spawn("posts, replies and deletions reach every client once, in order", every_write_reaches_everyone);
    suite.spawn("100 concurrent follows: every client ends with 100", concurrent_follows);
    suite.spawn("keep-alive pings are answered", pings);
    suite.join().await;
    suite.step("a restart cuts the connections; new ones greet with what was posted", restart_cuts).await;
    suite.finish(|edge| edge.dump_log()).await;
}

async fn clients(e: &Edge, handle: &str, n: usize) -> Vec<LiveClient> {
    let mut clients = Vec::new();
    for _ in 0..n {
        clients.push(LiveClient::connect(&e.base_url(), handle).await.expect("connect"));
    }
    clients
}

async fn needs_upgrade(e: Arc<Edge>) {
    e.create_account("plain", "Plain", "").await;
    e.get("/v1/accounts/plain/live").send().await.expect_error(426, "upgrade_required");
    e.post("/v1/accounts/plain/live").send().await.expect_error(405, "method_not_allowed");
    let unknown = LiveClient::connect(&e.base_url(), "nobody_here").await.err().expect("no live push of an unknown account");
    assert!(unknown.contains("404"), "{unknown}");
}

async fn hello(e: Arc<Edge>) {
    let empty = LiveClient::connect(&e.base_url(), &{
        e.create_account("greeter", "Greeter", "hi").await;
        "greeter".to_owned()
    })
    .await
    .expect("connect");
    match &empty.events()[..] {
        // Version 1: the account's creation.
        [Event::Hello { account, newest_post: None, version: 1 }] => assert_eq!((account.posts, account.followers), (0, 0)),
        other => panic!("expected a hello with no post, got {other:?}"),
    }
    let first = e.create_post("greeter", "one").await;
    let second = e.create_post("greeter", "two").await;
    e.delete_post(&second.id).await;
    let fan = e.new_session("Fan").await;
    e.follow(&fan.token, "greeter").await;
    let later = LiveClient::connect(&e.base_url(), "greeter").await.expect("connect");
    match &later.events()[..] {
        // The feed last changed at version 4 (two posts and a deletion later);
        // the follow after them (version 5) did not change it.
        [Event::Hello { account, newest_post, version: 4 }] => {
            assert_eq!((account.posts, account.followers), (1, 1));
            assert_eq!(newest_post.as_deref(), Some(first.id.as_str()));
        }
        other => panic!("expected one hello, got {other:?}"),
    }
}

async fn every_write_reaches_everyone(e: Arc<Edge>) {
    e.create_account("newsy", "Newsy", "").await;
    let watchers = clients(&e, "newsy", 3).await;
    let post: Post = e.create_post("newsy", "Breaking: live push works").await;
    let fan: Session = e.new_session("Fan").await;
    let first = e.reply(&fan.token, &post.id, "first!").await;
    let second = e.reply(&fan.token, &post.id, "second").await;
    e.delete_post(&post.id).await;
    let expected = vec![
        Event::Post { post: post.clone() },
        Event::Reply { reply: first, replies: 1 },
        Event::Reply { reply: second, replies: 2 },
        Event::PostDeleted { id: post.id.clone() },
    ];
    for (n, watcher) in watchers.iter().enumerate() {
        watcher.wait_for(PUSHED, |e| matches!(e, Event::PostDeleted { .. })).await.expect("deletion pushed");
        let events = watcher.events();
        assert!(matches!(events[0], Event::Hello { .. }), "client {n}: {events:?}");
        assert_eq!(events[1..], expected[..], "client {n}");
    }
}

async fn concurrent_follows(e: Arc<Edge>) {
    const N: u64 = 100;
    e.create_account("popular", "Popular", "").await;
    let watchers = clients(&e, "popular", 10).await;
    let mut sessions = JoinSet::new();
    for i in 0..N {
        let e = e.clone();
        sessions.spawn(async move { e.new_session(&format!("Follower {i}")).await });
    }
    let sessions = sessions.join_all().await;
    let mut follows = JoinSet::new();
    for session in sessions {
        let e = e.clone();
        follows.spawn(async move { e.follow(&session.token, "popular").await });
    }
    follows.join_all().await;
    for (n, watcher) in watchers.iter().enumerate() {
        watcher.wait_for(PUSHED, |e| *e == Event::Followers { followers: N }).await.expect("count 100 pushed");
        let counts: Vec<u64> = watcher
            .events()
            .iter()
            .filter_map(|e| match e {
                Event::Followers { followers } => Some(*followers),
                _ => None,
            })
            .collect();
        // One event per follow, each count once, in order: 1, 2, …, 100.
        assert_eq!(counts, (1..=N).collect::<Vec<_>>(), "client {n}");
    }
}

async fn pings(e: Arc<Edge>) {
    e.create_account("pinged", "Pinged", "").await;
    assert_eq!(ping(&e.base_url(), "pinged").await.expect("ping"), PONG);
}

async fn restart_cuts(e: Arc<Edge>) {
    e.create_account("phoenix", "Phoenix", "").await;
    let before = LiveClient::connect(&e.base_url(), "phoenix").await.expect("connect");
    e.restart().await;
    for _ in 0..100 {
        if before.is_closed() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(before.is_closed(), "the connection outlived the runtime");
    let posted = e.create_post("phoenix", "posted while the widget was away").await;
    let after = LiveClient::connect(&e.base_url(), "phoenix").await.expect("reconnect");
    match &after.events()[..] {
        [Event::Hello { account, newest_post, .. }] => {
            assert_eq!(account.posts, 1);
            assert_eq!(newest_post.as_deref(), Some(posted.id.as_str()));
        }
        other => panic!("expected one hello, got {other:?}"),
    }
}
