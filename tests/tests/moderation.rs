//! Moderation against the real Worker: an account's settings, premoderation,
//! blocked words and links sending replies to the queue, and the brand
//! approving or rejecting them (the queue read a page at a time, and
//! bounded); what waits is nowhere to be seen (thread,
//! counts, live push) until approved. And the sites an account allows to
//! write through its widget (CORS preflight and the writes themselves), and
//! hiding posts and replies: out of sight everywhere, until shown again.

use gazouillis_protocol::live::Event;
use gazouillis_protocol::moderation::{LinkRule, Moderation, Reason, Settings};
use gazouillis_protocol::{HiddenContent, HiddenState, IssuedToken, MyData, Pending, Post, Queue, Reply};
use gazouillis_tests::edge::with_query;
use gazouillis_tests::{Edge, LiveClient, SETTLE, Suite, ensure_eq, eventually};
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderation() {
    // A queue of at most 5 (the default is `limits::MAX_QUEUED`).
    let mut suite = Suite::new("moderation", Edge::start_also(&[("MAX_QUEUED", "5")]).await);
    suite.spawn("settings: read, write, validated, brand only", settings);
    suite.spawn("premoderation: replies wait, then are approved or rejected", premoderation);
    suite.spawn("blocked words and links send a reply to the queue", rules);
    suite.spawn("the queue: read a page at a time, oldest first; a full one refuses more", paging);
    suite.spawn("allowed sites: preflights and writes from others refused, reads open", allowed_sites);
    suite.spawn("hiding: out of feeds, threads, timelines, counts and push; shown again", hiding);
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
    let expected = Settings { moderation: Moderation::Premoderated, blocked_words: vec!["spam".into()], links: LinkRule::Queue, ..Settings::default() };
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

async fn paging(e: Arc<Edge>) {
    e.create_account("crowded", "Crowded", "").await;
    put_settings(&e, "crowded", &json!({"moderation": "premoderated"})).await.expect(200);
    let post = e.create_post("crowded", "Queue up").await;
    let visitor = e.new_session("Sam").await;
    let mut held = Vec::new();
    for n in 0..5 {
        let pending: Pending = reply(&e, &visitor.token, &post.id, &format!("waiting {n}")).await.expect_json(202);
        held.push(pending.id);
    }
    reply(&e, &visitor.token, &post.id, "one too many").await.expect_error(409, "queue_full");
    let (mut seen, mut cursor) = (Vec::new(), None::<String>);
    // Pages of two: three of them, the last without a next cursor.
    for _ in 0..3 {
        let path = with_query("/v1/accounts/crowded/queue", Some(2), cursor.as_deref());
        let page: Queue = e.admin(e.get(&path)).send().await.expect_json(200);
        assert!(page.queued.len() <= 2, "a page of {}", page.queued.len());
        seen.extend(page.queued.into_iter().map(|queued| queued.id));
        cursor = page.next;
    }
    assert_eq!((seen, cursor), (held.clone(), None), "every waiting reply once, oldest first");
    e.admin(e.get("/v1/accounts/crowded/queue?limit=0")).send().await.expect_error(400, "invalid_limit");
    // A decision makes room again.
    e.admin(e.delete(&format!("/v1/accounts/crowded/queue/{}", held[0]))).send().await.expect(204);
    reply(&e, &visitor.token, &post.id, "room again").await.expect(202);
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

async fn preflight(e: &Edge, origin: &str, method: &str, path: &str) -> gazouillis_tests::Resp {
    e.req(Method::OPTIONS, path)
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", "authorization, content-type")
        .send()
        .await
}

async fn allowed_sites(e: Arc<Edge>) {
    let (shop, evil) = ("https://shop.example", "https://evil.example");
    e.create_account("walled", "Walled", "").await;
    e.create_account("open_door", "Open", "").await;
    let post = e.create_post("walled", "Only from our shop").await;
    let saved: Settings = put_settings(&e, "walled", &json!({"origins": ["https://Shop.example/", "http://127.0.0.1:9"]}))
        .await
        .expect_json(200);
    assert_eq!(saved.origins, [shop, "http://127.0.0.1:9"]);
    for bad in ["shop.example", "https://shop.example/page", "ftp://shop.example"] {
        put_settings(&e, "walled", &json!({"origins": [bad]})).await.expect_error(422, "invalid_settings");
    }
    let visitor = e.new_session("Sam").await;
    let own = e.reply(&visitor.token, &post.id, "Hello from the shop").await;

    // Preflights of visitor writes: the allowed site gets its origin back, another gets 403 and no CORS.
    let writes = [
        ("POST", format!("/v1/posts/{}/replies", post.id)),
        ("DELETE", format!("/v1/replies/{}", own.id)),
        ("PUT", "/v1/accounts/walled/follow".to_owned()),
        ("DELETE", "/v1/accounts/walled/follow".to_owned()),
    ];
    for (method, path) in &writes {
        let allowed = preflight(&e, shop, method, path).await;
        allowed.expect(204);
        assert_eq!(allowed.header("access-control-allow-origin").as_deref(), Some(shop), "{method} {path}");
        assert!(allowed.header("access-control-allow-methods").unwrap_or_default().contains(method), "{method} {path}");
        let refused = preflight(&e, evil, method, path).await;
        refused.expect_error(403, "origin_not_allowed");
        assert_eq!(refused.header("access-control-allow-origin"), None, "{method} {path}");
    }
    // Reads, and other accounts, stay open to every site.
    let read = preflight(&e, evil, "GET", "/v1/accounts/walled/posts").await;
    read.expect(204);
    assert_eq!(read.header("access-control-allow-origin").as_deref(), Some("*"));
    let other = preflight(&e, evil, "PUT", "/v1/accounts/open_door/follow").await;
    assert_eq!(other.header("access-control-allow-origin").as_deref(), Some(evil));
    let feed = e.get("/v1/accounts/walled/posts").header("origin", evil).send().await;
    feed.expect(200);
    assert_eq!(feed.header("access-control-allow-origin").as_deref(), Some("*"));

    // The writes themselves, sent anyway from another site: refused, nothing changed.
    let from = |req: gazouillis_tests::Req, origin: &str| req.header("origin", origin).bearer(&visitor.token);
    let path = format!("/v1/posts/{}/replies", post.id);
    from(e.post(&path), evil).json(&json!({"text": "spam"})).send().await.expect_error(403, "origin_not_allowed");
    from(e.delete(&format!("/v1/replies/{}", own.id)), evil).send().await.expect_error(403, "origin_not_allowed");
    from(e.put("/v1/accounts/walled/follow"), evil).send().await.expect_error(403, "origin_not_allowed");
    e.post("/v1/session/sso")
        .header("origin", evil)
        .json(&json!({"account": "walled", "sso": "x.y"}))
        .send()
        .await
        .expect_error(403, "origin_not_allowed");
    // From the shop, and from no page at all (a server), they go through; the brand writes from anywhere.
    let from_shop: Reply = from(e.post(&path), shop).json(&json!({"text": "From the shop"})).send().await.expect_json(201);
    from(e.put("/v1/accounts/walled/follow"), shop).send().await.expect(200);
    e.admin(e.post(&path)).header("origin", evil).json(&json!({"text": "The brand"})).send().await.expect(201);
    eventually(SETTLE, || async {
        let texts: Vec<String> = e.replies_all(&post.id, None).await?.into_iter().map(|r| r.text).collect();
        ensure_eq!(texts, ["Hello from the shop", from_shop.text.as_str(), "The brand"], "thread");
        ensure_eq!(e.account("walled").await?.followers, 1, "followers");
        Ok(())
    })
    .await;
}

async fn set_hidden(e: &Edge, what: &str, hidden: bool) -> gazouillis_tests::Resp {
    e.admin(e.put(&format!("{what}/hidden"))).json(&json!({"hidden": hidden})).send().await
}

async fn hiding(e: Arc<Edge>) {
    e.create_account("veiled", "Veiled", "").await;
    let (p0, p1) = (e.create_post("veiled", "First").await, e.create_post("veiled", "Second").await);
    let fan = e.new_session("Fan").await;
    e.follow(&fan.token, "veiled").await;
    let (r0, r1) = (e.reply(&fan.token, &p0.id, "one").await, e.reply(&fan.token, &p0.id, "two").await);
    let watcher = LiveClient::connect(&e.base_url(), "veiled").await.expect("connect");
    let reply_path = format!("/v1/replies/{}", r0.id);

    // Only the brand hides; each wrong request has its error.
    let body = json!({"hidden": true});
    e.put(&format!("{reply_path}/hidden")).bearer(&fan.token).json(&body).send().await.expect_error(403, "forbidden");
    e.put(&format!("{reply_path}/hidden")).json(&body).send().await.expect_error(401, "unauthorized");
    e.admin(e.put(&format!("{reply_path}/hidden"))).json(&json!({"hidden": "yes"})).send().await.expect_error(400, "malformed_json");
    e.admin(e.get(&format!("{reply_path}/hidden"))).send().await.expect_error(405, "method_not_allowed");
    set_hidden(&e, &format!("/v1/replies/{}-9", p0.id), true).await.expect_error(404, "reply_not_found");
    set_hidden(&e, "/v1/posts/veiled-9", true).await.expect_error(404, "post_not_found");
    e.get("/v1/accounts/veiled/hidden").bearer(&fan.token).send().await.expect_error(403, "forbidden");

    // A hidden reply leaves the thread, the count and the push; hiding twice changes nothing.
    for _ in 0..2 {
        let state: HiddenState = set_hidden(&e, &reply_path, true).await.expect_json(200);
        assert!(state.hidden);
    }
    watcher
        .wait_for(Duration::from_secs(5), |ev| matches!(ev, Event::ReplyDeleted { id, replies: 1, .. } if *id == r0.id))
        .await
        .expect("hidden reply pushed as gone");
    eventually(SETTLE, || async {
        ensure_eq!(e.replies_all(&p0.id, None).await?, vec![r1.clone()], "thread");
        ensure_eq!(e.post_of(&p0.id).await?.replies, 1, "count");
        Ok(())
    })
    .await;
    // Its author still gets it in their download (from KV's index, once flushed).
    eventually(SETTLE, || async {
        let mine: MyData = e.get("/v1/me").bearer(&fan.token).send().await.check_json(200)?;
        ensure_eq!(mine.replies, [r0.clone(), r1.clone()], "download");
        Ok(())
    })
    .await;

    // A hidden post leaves the feed, the timeline, the post count; its thread is gone.
    set_hidden(&e, &format!("/v1/posts/{}", p1.id), true).await.expect(200);
    watcher.wait_for(Duration::from_secs(5), |ev| matches!(ev, Event::PostDeleted { id } if *id == p1.id)).await.expect("hidden post pushed as gone");
    let mut p0_now = p0.clone();
    p0_now.replies = 1;
    eventually(SETTLE, || async {
        ensure_eq!(e.feed_all("veiled", None).await?, vec![p0_now.clone()], "feed");
        ensure_eq!(e.timeline_all(&fan.token, None).await?, vec![p0_now.clone()], "timeline");
        ensure_eq!(e.account("veiled").await?.posts, 1, "posts");
        e.get(&format!("/v1/posts/{}", p1.id)).send().await.check_error(404, "post_not_found")?;
        e.get(&format!("/v1/posts/{}/replies", p1.id)).send().await.check_error(404, "post_not_found")?;
        Ok(())
    })
    .await;
    let listed: HiddenContent = e.admin(e.get("/v1/accounts/veiled/hidden")).send().await.expect_json(200);
    assert_eq!(listed, HiddenContent { posts: vec![p1.clone()], replies: vec![r0.clone()] });
    // No reply to a hidden post.
    e.post(&format!("/v1/posts/{}/replies", p1.id)).bearer(&fan.token).json(&json!({"text": "hi"})).send().await.expect_error(404, "post_not_found");

    // Shown again: back everywhere, pushed.
    set_hidden(&e, &reply_path, false).await.expect(200);
    set_hidden(&e, &format!("/v1/posts/{}", p1.id), false).await.expect(200);
    watcher.wait_for(Duration::from_secs(5), |ev| matches!(ev, Event::Reply { reply, replies: 2 } if reply.id == r0.id)).await.expect("shown reply pushed");
    watcher.wait_for(Duration::from_secs(5), |ev| matches!(ev, Event::Post { post } if post.id == p1.id)).await.expect("shown post pushed");
    p0_now.replies = 2;
    let feed: Vec<Post> = vec![p1.clone(), p0_now.clone()];
    eventually(SETTLE, || async {
        ensure_eq!(e.replies_all(&p0.id, None).await?, vec![r0.clone(), r1.clone()], "thread");
        ensure_eq!(e.feed_all("veiled", None).await?, feed, "feed");
        ensure_eq!(e.account("veiled").await?.posts, 2, "posts");
        Ok(())
    })
    .await;

    // The author deletes their own hidden reply; the count of shown ones stays.
    set_hidden(&e, &format!("/v1/replies/{}", r1.id), true).await.expect(200);
    e.delete(&format!("/v1/replies/{}", r1.id)).bearer(&fan.token).send().await.expect(204);
    let listed: HiddenContent = e.admin(e.get("/v1/accounts/veiled/hidden")).send().await.expect_json(200);
    assert_eq!(listed, HiddenContent::default());
    eventually(SETTLE, || async {
        ensure_eq!(e.replies_all(&p0.id, None).await?, vec![r0.clone()], "thread");
        ensure_eq!(e.post_of(&p0.id).await?.replies, 1, "count");
        Ok(())
    })
    .await;
}
