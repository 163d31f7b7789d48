//! A visitor's own data against the real Worker: `GET /v1/me` gives back
//! everything stored about them, `DELETE /v1/me` deletes it (replies, those
//! waiting for approval too, follows and claims of offers, with counts updated), and leaves everyone
//! else's alone; also past the 1,000 keys of one KV list. An erasure also
//! gives up the webhook deliveries carrying the visitor's replies, and
//! forgets their window of the abuse limits.

use gazouillis_protocol::offer::{ClaimOf, Offers};
use gazouillis_protocol::webhook::{CreatedWebhook, Deliveries, DeliveryState};
use gazouillis_protocol::{Erased, MyData, Queue, Reply};
use serde_json::json;
use gazouillis_tests::receiver::{Answer, Receiver};
use gazouillis_tests::{Edge, SETTLE, Suite, ensure, ensure_eq, eventually};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn privacy() {
    let mut suite = Suite::new("privacy", Edge::start().await);
    suite.step("a visitor downloads, then deletes, everything about them", export_then_erase).await;
    suite.step("past the 1,000 keys of one KV list: all 1,001 replies come back, and go", over_a_thousand_replies).await;
    suite.finish(|edge| edge.dump_log()).await;
}

/// With two replies per visitor per hour, and webhooks retried only after
/// ten minutes (a delivery stays pending meanwhile).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasure_leaves_nothing_behind() {
    let e = Edge::start_with(&[
        ("RATE_REPLIES", "2/3600"),
        ("RATE_REPLIES_IP", "1000000/60"),
        ("RATE_SESSIONS_IP", "1000000/60"),
        ("WEBHOOK_ALLOW_LOOPBACK", "1"),
        ("WEBHOOK_FIRST_RETRY_MS", "600000"),
        ("WEBHOOK_MAX_ATTEMPTS", "5"),
    ])
    .await;
    let mut suite = Suite::new("erasure", e);
    suite.step("the pending webhook deliveries of the visitor's replies are given up", deliveries_given_up).await;
    suite.step("the visitor's window of the abuse limits goes with them", window_forgotten).await;
    suite.finish(|edge| edge.dump_log()).await;
}

async fn deliveries_given_up(e: Arc<Edge>) {
    let receiver = Receiver::start(&[Answer::Status(500)]);
    e.create_account("hooked", "Hooked", "").await;
    e.admin(e.put("/v1/accounts/hooked/watches")).json(&json!({ "terms": ["refund"] })).send().await.expect(200);
    let post = e.create_post("hooked", "Our lockers are open.").await;
    let hook: CreatedWebhook = e.admin_post("/v1/accounts/hooked/webhooks", &json!({ "url": receiver.url("/hook"), "format": "json" })).await.expect_json(201);
    let log_path = format!("/v1/accounts/hooked/webhooks/{}/deliveries", hook.webhook.id);
    let me = e.new_session("Maxime").await;
    for text in ["I want a refund", "A refund, call me on 0612345678"] {
        e.reply(&me.token, &post.id, text).await;
    }
    // Each tried once, refused, and waiting ten minutes for its next attempt.
    eventually(SETTLE, || async {
        let log: Deliveries = e.admin(e.get(&log_path)).send().await.check_json(200)?;
        ensure_eq!(log.deliveries.len(), 2, "deliveries");
        for delivery in &log.deliveries {
            ensure!(delivery.state == DeliveryState::Pending && delivery.attempts.iter().any(|a| a.status == Some(500)), "not tried yet: {delivery:?}");
        }
        Ok(())
    })
    .await;

    let erased: Erased = e.delete("/v1/me").bearer(&me.token).send().await.expect_json(200);
    assert_eq!(erased.replies, 2);
    let log: Deliveries = e.admin(e.get(&log_path)).send().await.expect_json(200);
    let states: Vec<_> = log.deliveries.iter().map(|d| (d.state, d.next_attempt_at.clone())).collect();
    assert_eq!(states, [(DeliveryState::Failed, None), (DeliveryState::Failed, None)], "given up at the erasure");
}

async fn window_forgotten(e: Arc<Edge>) {
    e.create_account("limited", "Limited", "").await;
    let post = e.create_post("limited", "Two each per hour.").await;
    let me = e.new_session("Maxime").await;
    e.reply(&me.token, &post.id, "one").await;
    e.reply(&me.token, &post.id, "two").await;
    let third = json!({"text": "three"});
    e.post(&format!("/v1/posts/{}/replies", post.id)).bearer(&me.token).json(&third).send().await.expect_error(429, "rate_limited");
    e.delete("/v1/me").bearer(&me.token).send().await.expect(200);
    // Nothing of theirs is kept, not even the times of their replies: the same session writes afresh.
    e.reply(&me.token, &post.id, "new here").await;
}

async fn export_then_erase(e: Arc<Edge>) {
    e.create_account("alpha", "Alpha", "").await;
    e.create_account("beta", "Beta", "").await;
    let (a, b) = (e.create_post("alpha", "Alpha news").await, e.create_post("beta", "Beta news").await);
    let gone = e.create_post("beta", "Soon deleted").await;
    let me = e.new_session("Maxime").await;
    let other = e.new_session("Other").await;
    e.follow(&me.token, "alpha").await;
    e.follow(&me.token, "beta").await;
    e.follow(&other.token, "alpha").await;
    // Claims of offers: two kept, one on a post the brand deletes (it takes them along).
    let (on_alpha, on_beta) = (e.create_offer_post("alpha", "ALPHA-10", 3600, None).await, e.create_offer_post("beta", "BETA-5", 3600, None).await);
    let offer_gone = e.create_offer_post("beta", "GONE", 3600, None).await;
    let claim_of = |post: &str, claimed: gazouillis_protocol::offer::Claimed| ClaimOf { post: post.to_owned(), code: claimed.code, claimed_at: claimed.claimed_at };
    let my_claims = vec![claim_of(&on_alpha.id, e.claim(&me.token, &on_alpha.id).await), claim_of(&on_beta.id, e.claim(&me.token, &on_beta.id).await)];
    e.claim(&me.token, &offer_gone.id).await;
    let their_claim = claim_of(&on_alpha.id, e.claim(&other.token, &on_alpha.id).await);
    // Over a stored page of replies (50), to read several pages back.
    let mut mine: Vec<Reply> = Vec::new();
    for n in 0..52 {
        mine.push(e.reply(&me.token, &a.id, &format!("mine {n}")).await);
    }
    mine.push(e.reply(&me.token, &b.id, "mine on beta").await);
    let on_gone = e.reply(&me.token, &gone.id, "on a post the brand deletes").await;
    let theirs = e.reply(&other.token, &a.id, "not mine").await;
    // Beta now holds every visitor's reply for approval: mine waits there.
    let premoderated = json!({"moderation": "premoderated", "blocked_words": [], "links": "allow"});
    e.admin(e.put("/v1/accounts/beta/settings")).json(&premoderated).send().await.expect(200);
    let waiting = e.post(&format!("/v1/posts/{}/replies", b.id)).bearer(&me.token).json(&json!({"text": "waiting for beta"})).send().await;
    waiting.expect(202);
    e.delete_post(&gone.id).await;
    e.delete_post(&offer_gone.id).await;

    e.get("/v1/me").send().await.expect_error(401, "unauthorized");
    e.admin(e.get("/v1/me")).send().await.expect_error(403, "forbidden");
    let mut expected = mine.clone();
    expected.sort_by(|x, y| x.id.cmp(&y.id));
    eventually(SETTLE, || async {
        let data: MyData = e.get("/v1/me").bearer(&me.token).send().await.check_json(200)?;
        ensure_eq!(data.visitor, me.visitor, "visitor");
        let mut replies = data.replies.clone();
        replies.sort_by(|x, y| x.id.cmp(&y.id));
        ensure_eq!(replies, expected, "replies (not the one on the deleted post, {})", on_gone.id);
        let mut following = data.following.clone();
        following.sort();
        ensure_eq!(following, ["alpha", "beta"], "following");
        let mut claims = data.claims.clone();
        claims.sort_by(|x, y| x.post.cmp(&y.post));
        ensure_eq!(claims, my_claims, "claims (not the one on the deleted post)");
        let pending: Vec<&str> = data.pending.iter().map(|queued| queued.text.as_str()).collect();
        ensure_eq!(pending, ["waiting for beta"], "the reply waiting for approval");
        Ok(())
    })
    .await;

    let erased: Erased = e.delete("/v1/me").bearer(&me.token).send().await.expect_json(200);
    assert_eq!(erased, Erased { replies: 53, follows: 2, claims: 2, pending: 1, push: 0 });
    eventually(SETTLE, || async {
        ensure_eq!(e.replies_all(&a.id, None).await?, vec![theirs.clone()], "alpha's thread keeps only the other's reply");
        ensure_eq!(e.replies_all(&b.id, None).await?, vec![], "beta's thread");
        ensure_eq!(e.post_of(&a.id).await?.replies, 1, "alpha's count");
        ensure_eq!(e.account("alpha").await?.followers, 1, "alpha's followers");
        ensure_eq!(e.account("beta").await?.followers, 0, "beta's followers");
        let data: MyData = e.get("/v1/me").bearer(&me.token).send().await.check_json(200)?;
        ensure_eq!((data.replies.len(), data.following.len(), data.claims.len(), data.pending.len()), (0, 0, 0, 0), "nothing left");
        let queue: Queue = e.admin(e.get("/v1/accounts/beta/queue")).send().await.check_json(200)?;
        ensure_eq!(queue.queued.len(), 0, "beta's queue");
        let theirs: MyData = e.get("/v1/me").bearer(&other.token).send().await.check_json(200)?;
        ensure_eq!(theirs.claims, vec![their_claim.clone()], "the other's claim stays");
        Ok(())
    })
    .await;
    // The codes given out stay given: the offer still counts both claims.
    let offers: Offers = e.admin(e.get("/v1/accounts/alpha/offers")).send().await.expect_json(200);
    assert_eq!(offers.offers.iter().map(|offer| offer.offer.claimed).collect::<Vec<_>>(), [2]);
}

async fn over_a_thousand_replies(e: Arc<Edge>) {
    e.create_account("gamma", "Gamma", "").await;
    let post = e.create_post("gamma", "Tell us everything").await;
    let chatty = e.new_session("Chatty").await;
    let mut written = Vec::new();
    for batch in 0..77 {
        let replies = (0..13).map(|n| {
            let (e, token, post, text) = (&e, &chatty.token, &post.id, format!("reply {}", batch * 13 + n));
            async move { e.reply(token, post, &text).await }
        });
        written.extend(futures_util::future::join_all(replies).await.into_iter().map(|reply| reply.id));
    }
    written.sort();
    assert_eq!(written.len(), 1_001);
    eventually(SETTLE, || async {
        let data: MyData = e.get("/v1/me").bearer(&chatty.token).send().await.check_json(200)?;
        let mut replies: Vec<String> = data.replies.into_iter().map(|reply| reply.id).collect();
        replies.sort();
        ensure_eq!(replies, written, "the replies in /v1/me");
        Ok(())
    })
    .await;
    let erased: Erased = e.delete("/v1/me").bearer(&chatty.token).send().await.expect_json(200);
    assert_eq!(erased, Erased { replies: 1_001, follows: 0, claims: 0, pending: 0, push: 0 });
    eventually(SETTLE, || async {
        ensure_eq!(e.post_of(&post.id).await?.replies, 0, "the post's replies");
        let data: MyData = e.get("/v1/me").bearer(&chatty.token).send().await.check_json(200)?;
        ensure_eq!(data.replies.len(), 0, "replies left in /v1/me");
        Ok(())
    })
    .await;
}
