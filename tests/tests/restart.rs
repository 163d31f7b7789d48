//! Data survives a restart of the runtime: wrangler is stopped (with workerd)
//! and started again on the same `--persist-to` directory and secrets.

use gazouillis_protocol::{FollowState, Post, Reply};
use gazouillis_tests::{Edge, SETTLE, Suite, ensure_eq, eventually};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart() {
    let mut suite = Suite::new("restart", Edge::start().await);
    suite.step("data and sessions survive a restart; ids go on", survives_restart).await;
    suite.finish(|edge| edge.dump_log()).await;
}

async fn survives_restart(e: Arc<Edge>) {
    // Before: an account, 3 posts (one deleted), 2 replies, 1 follower.
    let account = e.create_account("durable", "Durable", "Still here after a restart.").await;
    let posts: Vec<Post> = vec![
        e.create_post("durable", "first, before the restart").await,
        e.create_post("durable", "second, to be deleted").await,
        e.create_post("durable", "third, before the restart").await,
    ];
    e.delete_post(&posts[1].id).await;
    let visitor = e.new_session("Loyal Visitor").await;
    let replies: Vec<Reply> = vec![
        e.reply(&visitor.token, &posts[0].id, "a reply that lasts").await,
        e.reply(&visitor.token, &posts[0].id, "and another").await,
    ];
    assert_eq!(e.follow(&visitor.token, "durable").await, FollowState { following: true, followers: 1 });

    let mut expected_account = account.clone();
    expected_account.posts = 2;
    expected_account.followers = 1;
    let mut expected_first = posts[0].clone();
    expected_first.replies = 2;
    let expected_feed = vec![posts[2].clone(), expected_first.clone()];
    let settled = || async {
        ensure_eq!(e.account("durable").await?, expected_account, "account");
        ensure_eq!(e.feed_all("durable", None).await?, expected_feed, "feed");
        ensure_eq!(e.post_of(&posts[0].id).await?, expected_first, "post with replies");
        e.get(&format!("/v1/posts/{}", posts[1].id)).send().await.check_error(404, "post_not_found")?;
        ensure_eq!(e.replies_all(&posts[0].id, None).await?, replies, "replies");
        ensure_eq!(
            e.follow_state(&visitor.token, "durable").await?,
            FollowState { following: true, followers: 1 },
            "follow state"
        );
        let timeline = e.timeline_all(&visitor.token, None).await?;
        ensure_eq!(timeline, expected_feed, "timeline");
        Ok::<(), String>(())
    };
    eventually(SETTLE, &settled).await;

    e.stop();
    assert!(
        reqwest::get(format!("{}/v1/accounts/durable", e.base_url())).await.is_err(),
        "the stopped wrangler still answers"
    );
    e.restart().await;

    // After: everything is there, read by the same visitor token.
    eventually(SETTLE, &settled).await;
    e.admin(e.post("/v1/accounts"))
        .json(&serde_json::json!({"handle": "durable", "name": "Again"}))
        .send()
        .await
        .expect_error(409, "handle_taken");

    // New writes go on numbering: no id is reused, not even the deleted one's.
    let next_post = e.create_post("durable", "fourth, after the restart").await;
    assert_eq!(next_post.id, "durable-3");
    let next_reply = e.reply(&visitor.token, &posts[0].id, "third reply, after the restart").await;
    assert_eq!(next_reply.id, format!("{}-2", posts[0].id));
    let newcomer = e.new_session("Newcomer").await;
    assert_eq!(e.follow(&newcomer.token, "durable").await, FollowState { following: true, followers: 2 });
    assert_eq!(e.follow(&visitor.token, "durable").await, FollowState { following: true, followers: 2 });

    eventually(SETTLE, || async {
        let account = e.account("durable").await?;
        ensure_eq!((account.posts, account.followers), (3, 2), "(posts, followers)");
        let feed = e.feed_all("durable", None).await?;
        let ids: Vec<&str> = feed.iter().map(|p| p.id.as_str()).collect();
        ensure_eq!(ids, ["durable-3", "durable-2", "durable-0"], "feed ids");
        ensure_eq!(e.replies_all(&posts[0].id, None).await?.len(), 3, "replies");
        ensure_eq!(e.post_of(&posts[0].id).await?.replies, 3, "reply count");
        Ok(())
    })
    .await;
}
