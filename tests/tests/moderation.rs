//! Moderation against the real Worker: an account's settings, premoderation,
//! blocked words and links sending replies to the queue, and the brand
//! approving or rejecting them; what waits is nowhere to be seen (thread,
//! counts, live push) until approved.

use gazouillis_protocol::live::Event;
use gazouillis_protocol::moderation::{LinkRule, Moderation, Reason, Settings};
use gazouillis_protocol::{IssuedToken, Pending, Queue, Reply};
use gazouillis_tests::{Edge, LiveClient, SETTLE, Suite, ensure_eq, eventually};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderation() {
    let mut suite = Suite::new("moderation", Edge::start().await);
    suite.spawn("settings: read, write, validated, brand only", settings);
    suite.spawn("premoderation: replies wait, then are approved or rejected", premoderation);
    suite.spawn("blocked words and links send a reply to the queue", rules);
    suite.finish(|edge| edge.dump_log()).await;
}

async fn put_settings(e: &Edge, handle: &str, body: &Value) -> gazouillis_tests::Resp {
    e.admin(e.put(&format!("/v1/accounts/{handle}/settings"))).json(body).send().await
}

async fn reply(e: &Edge, token: &str, post: &str, text: &str) -> gazouillis_tests::Resp {
    e.post(&format!("/v1/posts/{post}/replies")).bearer(token).json(&json!({"text": text})).send().await
}

async fn settings(e: Arc<Edge>) {
    e.create_account("tidy", "Tidy", "").await;
    let defaults: Settings = e.admin(e.get("/v1/accounts/tidy/settings")).send().await.expect_json(200);
    assert_eq!(defaults, Settings::default());
    let saved: Settings = put_settings(&e, "tidy", &json!({"moderation": "premoderated", "blocked_words": [" Spam ", "spam"], "links": "queue"}))
        .await
        .expect_json(200);
    let expected = Settings { moderation: Moderation::Premoderated, blocked_words: vec!["spam".into()], links: LinkRule::Queue, sso_required: false };
    assert_eq!(saved, expected);
    let read: Settings = e.admin(e.get("/v1/accounts/tidy/settings")).send().await.expect_json(200);
    assert_eq!(read, expected);
    put_settings(&e, "tidy", &json!({"blocked_words": [""]})).await.expect_error(422, "invalid_settings");
    put_settings(&e, "tidy", &json!({"moderation": "strict"})).await.expect_error(400, "malformed_json");
    put_settings(&e, "tidy", &json!({"shadowban": true})).await.expect_error(400, "malformed_json");
    put_settings(&e, "nobody", &json!({})).await.expect_error(404, "account_not_found");
    let visitor = e.new_session("Nosy").await;
    e.get("/v1/accounts/tidy/settings").bearer(&visitor.token).send().await.expect_error(403, "forbidden");
    e.get("/v1/accounts/tidy/queue").send().await.expect_error(401, "unauthorized");
    // Unchanged by the refused calls.
    let read: Settings = e.admin(e.get("/v1/accounts/tidy/settings")).send().await.expect_json(200);
    assert_eq!(read, expected);
}

async fn premoderation(e: Arc<Edge>) {
    e.create_account("careful", "Careful", "").await;
    put_settings(&e, "careful", &json!({"moderation": "premoderated"})).await.expect(200);
    let post = e.create_post("careful", "Tell us what you think").await;
    let watcher = LiveClient::connect(&e.base_url(), "careful").await.expect("connect");
    let visitor = e.new_session("Dana").await;
    let first: Pending = reply(&e, &visitor.token, &post.id, "Love it").await.expect_json(202);
    let second: Pending = reply(&e, &visitor.token, &post.id, "Actually, meh").await.expect_json(202);
    assert!(first.pending && first.id != second.id);
    // The brand is never held.
    let brand: Reply = e.admin(e.post(&format!("/v1/posts/{}/replies", post.id))).json(&json!({"text": "Thanks!"})).send().await.expect_json(201);

    // A community manager's token sees the queue too.
    let cm: IssuedToken = e.admin(e.post("/v1/accounts/careful/tokens")).json(&json!({"name": "CM"})).send().await.expect_json(201);
    let queue: Queue = e.get("/v1/accounts/careful/queue").bearer(&cm.token).send().await.expect_json(200);
    let texts: Vec<(&str, Reason)> = queue.queued.iter().map(|q| (q.text.as_str(), q.reason)).collect();
    assert_eq!(texts, [("Love it", Reason::Premoderated), ("Actually, meh", Reason::Premoderated)]);
    assert_eq!(queue.queued[0].author, visitor.visitor);
    eventually(SETTLE, || async {
        ensure_eq!(e.replies_all(&post.id, None).await?, vec![brand.clone()], "only the brand's reply is out");
        ensure_eq!(e.post_of(&post.id).await?.replies, 1, "count");
        Ok(())
    })
    .await;

    let approved: Reply = e.admin(e.post(&format!("/v1/accounts/careful/queue/{}/approve", first.id))).send().await.expect_json(201);
    assert_eq!((approved.text.as_str(), &approved.author), ("Love it", &visitor.visitor));
    e.admin(e.delete(&format!("/v1/accounts/careful/queue/{}", second.id))).send().await.expect(204);
    e.admin(e.delete(&format!("/v1/accounts/careful/queue/{}", second.id))).send().await.expect_error(404, "not_found");
    e.admin(e.post("/v1/accounts/careful/queue/x/approve")).send().await.expect_error(400, "invalid_id");
    e.post(&format!("/v1/accounts/careful/queue/{}/approve", first.id)).bearer(&visitor.token).send().await.expect_error(403, "forbidden");
    let queue: Queue = e.admin(e.get("/v1/accounts/careful/queue")).send().await.expect_json(200);
    assert!(queue.queued.is_empty());
    eventually(SETTLE, || async {
        ensure_eq!(e.replies_all(&post.id, None).await?, vec![brand.clone(), approved.clone()], "replies after moderation");
        ensure_eq!(e.post_of(&post.id).await?.replies, 2, "count");
        Ok(())
    })
    .await;
    // The push saw the brand's reply and the approved one, never the rejected one.
    watcher.wait_for(Duration::from_secs(5), |ev| matches!(ev, Event::Reply { reply, .. } if reply.id == approved.id)).await.expect("approved reply pushed");
    let pushed: Vec<String> = watcher
        .events()
        .into_iter()
        .filter_map(|ev| match ev {
            Event::Reply { reply, .. } => Some(reply.text),
            _ => None,
        })
        .collect();
    assert_eq!(pushed, ["Thanks!", "Love it"]);
}

async fn rules(e: Arc<Edge>) {
    e.create_account("strictly", "Strictly", "").await;
    put_settings(&e, "strictly", &json!({"blocked_words": ["arnaque"], "links": "queue"})).await.expect(200);
    let post = e.create_post("strictly", "Avis ?").await;
    let visitor = e.new_session("Lou").await;
    reply(&e, &visitor.token, &post.id, "C'est une ARNAQUE").await.expect(202);
    reply(&e, &visitor.token, &post.id, "Moins cher sur https://ailleurs.example").await.expect(202);
    let fine: Reply = reply(&e, &visitor.token, &post.id, "Très bon produit").await.expect_json(201);
    let queue: Queue = e.admin(e.get("/v1/accounts/strictly/queue")).send().await.expect_json(200);
    let reasons: Vec<Reason> = queue.queued.iter().map(|q| q.reason).collect();
    assert_eq!(reasons, [Reason::BlockedWord, Reason::Link]);
    eventually(SETTLE, || async {
        ensure_eq!(e.replies_all(&post.id, None).await?, vec![fine.clone()], "published replies");
        Ok(())
    })
    .await;
}
