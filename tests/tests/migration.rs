//! A store written by the hub before SQLite (`tests/fixtures/hub-kv-v0`,
//! key-value entries) opens with the current edge: its hubs import every
//! entry into their tables on first start, with nothing lost, and go on.

use gazouillis_protocol::fresh::VERSION_HEADER;
use gazouillis_protocol::{Post, Reply};
use gazouillis_tests::edge::describe_hit;
use gazouillis_tests::feeds::read_feed;
use gazouillis_tests::fixture::{self, Fixture};
use gazouillis_tests::{Edge, Suite};
use serde_json::{Value, json};
use std::sync::Arc;

struct Migrated {
    edge: Edge,
    fixture: Fixture,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migration() {
    let (edge, fixture) = fixture::open("hub-kv-v0", &[("RATE_REPLIES", "1000/60"), ("RATE_REPLIES_IP", "1000/60")]).await;
    let mut suite = Suite::new("migration", Migrated { edge, fixture });
    suite.step("every read answers as before the migration", reads_as_before).await;
    suite.step("the hubs' tables hold everything: read from the hubs, the same answers", hubs_hold_everything).await;
    suite.step("what was written before is searchable, the public finding only what it may see", searchable).await;
    suite.step("the feeds, added since, hold the posts of the old views", feeds).await;
    suite.step("numbering, counts, tokens, settings, queue and SSO go on", goes_on).await;
    suite.finish(|m| m.edge.dump_log()).await;
}

async fn reads_as_before(m: Arc<Migrated>) {
    let now = fixture::snapshot(&m.edge, &m.fixture.tokens, "").await;
    assert_same(&now, &m.fixture.reads);
    // Added since: a visitor's export holds their reply waiting in the queue.
    let waiting: Vec<&Value> = now["ana /v1/me"].body["pending"].as_array().map_or(Vec::new(), |p| p.iter().map(|q| &q["text"]).collect());
    assert_eq!(waiting, [&json!("I love lemon.")], "ana's queued reply in /v1/me");
}

/// `min_version` past any version: every view the API can take from a hub comes from it.
async fn hubs_hold_everything(m: Arc<Migrated>) {
    let now = fixture::snapshot(&m.edge, &m.fixture.tokens, "min_version=1000000000").await;
    assert_same(&now, &m.fixture.reads);
}

/// The same answers, but for what was gained since the store was written:
/// `/v1/me`'s `pending` (a visitor's queued replies: checked on its own)
/// and `push` (none), the queue's `next` (it pages), a follow's `notify`
/// (off).
fn assert_same(now: &std::collections::BTreeMap<String, fixture::Answer>, before: &std::collections::BTreeMap<String, fixture::Answer>) {
    assert_eq!(now.keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>());
    for (read, answer) in before {
        let mut now = now[read].clone();
        if read.ends_with("/v1/me") && let Some(body) = now.body.as_object_mut() {
            body.remove("pending");
            assert_eq!(body.remove("push"), Some(serde_json::json!([])), "no push subscription before push: {read}");
        }
        // A follow's answer gained `notify`: off for every follower of before push.
        if read.ends_with("/follow") && let Some(body) = now.body.as_object_mut() {
            assert_eq!(body.remove("notify"), Some(serde_json::Value::Bool(false)), "{read}");
        }
        // The queue pages since: its answer gained `next` (null at its end).
        if read.ends_with("/v1/accounts/acme/queue") && let Some(body) = now.body.as_object_mut() {
            assert_eq!(body.remove("next"), Some(serde_json::Value::Null), "{read}");
        }
        assert_eq!(&now, answer, "{read}");
    }
}

/// The ids of what `q` finds, newest first, as `kind id` (`hidden` marked).
async fn found(e: &Edge, q: &str, token: Option<&str>) -> Vec<String> {
    e.search("acme", &format!("q={q}"), token).await.hits.iter().map(describe_hit).collect()
}

async fn searchable(m: Arc<Migrated>) {
    let (e, brand) = (&m.edge, m.fixture.tokens["brand"].as_str());
    assert_eq!(found(e, "bikes", None).await, ["post acme-3"]);
    assert_eq!(found(e, "sizes", None).await, ["reply acme-3-0"]);
    assert_eq!(found(e, "bonjour", None).await, ["reply acme-0-0"]);
    assert!(found(e, "hide", None).await.is_empty(), "hidden content found by the public");
    assert_eq!(found(e, "hide", Some(brand)).await, ["reply acme-0-1 hidden", "post acme-2 hidden"]);
    assert!(found(e, "lemon", None).await.is_empty(), "a queued reply found by the public");
    assert_eq!(found(e, "lemon", Some(brand)).await, ["queued 0"]);
}

/// The stored feed heads of this store carry no account: the feeds read it from the hub.
async fn feeds(m: Arc<Migrated>) {
    let base = m.edge.base_url();
    for (file, kind) in [("feed.atom", "atom"), ("feed.json", "json")] {
        let answer = m.edge.get(&format!("/@acme/{file}")).send().await;
        let feed = read_feed(kind, answer.expect(200).body.as_slice()).expect("a feed");
        assert_eq!(feed.title.as_deref(), Some("Acme"), "{file}");
        let links: Vec<String> = feed.entries.iter().filter_map(|entry| entry.link.clone()).collect();
        assert_eq!(links, ["4", "3", "0"].map(|seq| format!("{base}/@acme/{seq}")), "{file}");
    }
}

async fn goes_on(m: Arc<Migrated>) {
    let (e, tokens) = (&m.edge, &m.fixture.tokens);
    let brand = &tokens["brand"];
    // Posts: the brand token still posts, and numbering goes on after acme-4.
    let post: Post = e.post("/v1/accounts/acme/posts").bearer(brand).json(&json!({"text": "After the move."})).send().await.expect_json(201);
    assert_eq!(post.id, "acme-5");
    let written = e.post("/v1/accounts/acme/posts").bearer(brand).json(&json!({"text": "And on."})).send().await;
    let version: u64 = written.header(VERSION_HEADER).and_then(|v| v.parse().ok()).expect("a version on the write answer");
    assert!(version >= 2, "the version counts writes: {version}");
    // Replies: acme-3 had 0..3 (3 deleted), acme-0 had 0..2 (1 hidden, 2 approved from the queue).
    assert_eq!(e.reply(&tokens["ana"], "acme-3", "Still here.").await.id, "acme-3-4");
    assert_eq!(e.reply(&tokens["bob"], "acme-0", "Me too.").await.id, "acme-0-3");
    // The queue: 0 still waits, the next held reply is number 3.
    let held: Value = e.post("/v1/posts/acme-4/replies").bearer(&tokens["cleo"]).json(&json!({"text": "lemon?"})).send().await.expect_json(202);
    assert_eq!(held["id"], "3");
    let queued: Value = e.admin(e.get("/v1/accounts/acme/queue")).send().await.expect_json(200);
    let ids: Vec<&str> = queued["queued"].as_array().expect("queue").iter().filter_map(|q| q["id"].as_str()).collect();
    assert_eq!(ids, ["0", "3"]);
    let approved: Reply = e.admin(e.post("/v1/accounts/acme/queue/0/approve")).send().await.expect_json(201);
    assert_eq!(approved.id, "acme-3-5");
    // Counts: exact, and followers go on from 2.
    assert_eq!(e.unfollow(&tokens["ana"], "acme").await.followers, 1);
    assert_eq!(e.follow(&tokens["cleo"], "acme").await.followers, 2);
    // Hidden items show again and count again.
    e.admin(e.put("/v1/posts/acme-2/hidden")).json(&json!({"hidden": false})).send().await.expect(200);
    let account: Value = e.admin(e.get("/v1/accounts/acme")).send().await.expect_json(200);
    assert_eq!(account["posts"], 6, "acme-0, 2, 3, 4, 5 and 6");
    let thread: Value = e.admin(e.get("/v1/posts/acme-0/replies")).send().await.expect_json(200);
    let before = thread["replies"].as_array().map_or(0, Vec::len);
    let hidden = "acme-0-1";
    e.admin(e.put(&format!("/v1/replies/{hidden}/hidden"))).json(&json!({"hidden": false})).send().await.expect(200);
    let thread: Value = e.admin(e.get("/v1/posts/acme-0/replies")).send().await.expect_json(200);
    assert_eq!(thread["replies"].as_array().map_or(0, Vec::len), before + 1);
    // The revoked token stays revoked; the SSO secret still signs customers in.
    let tokens_listed: Value = e.admin(e.get("/v1/accounts/acme/tokens")).send().await.expect_json(200);
    assert_eq!(tokens_listed.as_array().map_or(0, Vec::len), 1);
    let sso = gazouillis_tests::sso::token("twenty-characters-long", "acme", "c-1", "Claire");
    e.post("/v1/session/sso").json(&json!({"account": "acme", "sso": sso})).send().await.expect(201);
    // Settings: the blocked word still holds a reply, as `held` showed; and they read back unchanged.
    let settings: Value = e.admin(e.get("/v1/accounts/acme/settings")).send().await.expect_json(200);
    assert_eq!(settings["blocked_words"], json!(["lemon"]));
    // Webhooks (added after this store was written): none yet; one is added, and its test event waits in the outbox.
    let none: Value = e.admin(e.get("/v1/accounts/acme/webhooks")).send().await.expect_json(200);
    assert_eq!(none, json!({"webhooks": []}));
    let hook: Value = e.admin_post("/v1/accounts/acme/webhooks", &json!({"url": "https://hooks.example/acme", "format": "json"})).await.expect_json(201);
    let test: Value = e.admin(e.post(&format!("/v1/accounts/acme/webhooks/{}/test", hook["id"].as_str().unwrap()))).send().await.expect_json(202);
    assert_eq!((&test["type"], &test["state"]), (&json!("test"), &json!("pending")));
}
