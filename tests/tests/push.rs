//! Web Push against the real Worker: subscriptions (`/v1/push`,
//! `/v1/me/push`), following with `notify`, and what reaches a local push
//! service (`push_service`): a new post to notified followers, the brand's
//! answer to who replied, each message checked as a push service and a
//! browser would (VAPID, `aes128gcm`, decrypted with the subscription's
//! keys); a gone subscription forgotten; retries, and no retry for a post
//! hidden meanwhile or a message refused; past one round of the hub's
//! outbox, the same through the queue and its consumer.
//!
//! The edge runs with a VAPID key, loopback endpoints allowed, and retries
//! shortened (first after 300 ms, 3 attempts, 2 s to answer).

use gazouillis_protocol::{FollowState, Following, MyData, PushKey, PushSubscribed, Session};
use gazouillis_push::subscription::b64;
use gazouillis_push::vapid;
use gazouillis_tests::push_service::PushInbox;
use gazouillis_tests::receiver::Answer;
use gazouillis_tests::{ensure, ensure_eq, eventually, Edge, Suite};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

const VAPID_D: [u8; 32] = [7; 32];
const ORIGIN: &str = "https://social.acme.example";
const SUBJECT: &str = "mailto:push@acme.example";
/// Long enough for a message and its retries.
const DELIVERED: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push() {
    let key = b64(&VAPID_D);
    let e = Edge::start_also(&[
        ("VAPID_PRIVATE_KEY", key.as_str()),
        ("VAPID_SUBJECT", SUBJECT),
        ("PUBLIC_ORIGIN", ORIGIN),
        ("PUSH_ALLOW_LOOPBACK", "1"),
        ("PUSH_FIRST_RETRY_MS", "300"),
        ("PUSH_MAX_ATTEMPTS", "3"),
        ("PUSH_TIMEOUT_MS", "2000"),
    ])
    .await;
    let mut suite = Suite::new("push", e);
    suite.step("the edge's key; subscriptions stored by endpoint, checked, at most 10, listed by origin, deleted", subscriptions).await;
    suite.step("a post reaches notified followers only, encrypted for each, signed for its push service", posts).await;
    suite.step("the brand's answer reaches who replied and asked, in their language; nothing for their own", answers).await;
    suite.step("a 404 or 410 forgets the subscription; 429 and 503 are retried; 403 is not", outcomes).await;
    suite.step("past one round of the hub, a post's pushes go through the queue, and their outcomes come back", queued).await;
    suite.step("a post hidden before its retry is not pushed again; an offer shows its end, not its code", hidden_and_offers).await;
    suite.step("erasing a visitor's data counts and deletes their subscriptions", erasure).await;
    suite.finish(|edge| edge.dump_log()).await;
}

async fn subscribe(e: &Edge, visitor: &Session, subscription: &Value) -> gazouillis_tests::Resp {
    e.put("/v1/me/push").bearer(&visitor.token).json(subscription).send().await
}

async fn my_data(e: &Edge, visitor: &Session) -> MyData {
    e.get("/v1/me").bearer(&visitor.token).send().await.expect_json(200)
}

async fn follow_notified(e: &Edge, visitor: &Session, handle: &str) -> Following {
    e.put(&format!("/v1/accounts/{handle}/follow")).bearer(&visitor.token).json(&json!({"notify": true})).send().await.expect_json(200)
}

/// A visitor subscribed on a new push service answering as `script` says.
async fn subscribed(e: &Edge, name: &str, script: &[Answer], lang: &str) -> (Session, PushInbox) {
    let visitor = e.new_session(name).await;
    let inbox = PushInbox::start(script);
    let mut subscription = inbox.subscription();
    subscription["lang"] = json!(lang);
    let _: PushSubscribed = subscribe(e, &visitor, &subscription).await.expect_json(201);
    (visitor, inbox)
}

async fn subscriptions(e: Arc<Edge>) {
    let key: PushKey = e.get("/v1/push").send().await.expect_json(200);
    assert_eq!(key.public_key, b64(&vapid::public_key(&VAPID_D)), "the public half of VAPID_PRIVATE_KEY");

    let visitor = e.new_session("Ana").await;
    let inbox = PushInbox::start(&[Answer::Status(201)]);
    e.put("/v1/me/push").json(&inbox.subscription()).send().await.expect_error(401, "unauthorized");
    let first: PushSubscribed = subscribe(&e, &visitor, &inbox.subscription()).await.expect_json(201);
    assert_eq!((first.endpoint.as_str(), first.answers), (inbox.endpoint().as_str(), true), "answers by default");
    let mut changed = inbox.subscription();
    changed["answers"] = json!(false);
    let again: PushSubscribed = subscribe(&e, &visitor, &changed).await.expect_json(200);
    assert_eq!((again.id.as_str(), again.answers), (first.id.as_str(), false), "the same endpoint is the same subscription");

    let good = inbox.subscription();
    let with = |path: &str, value: Value| {
        let mut hostile = good.clone();
        let mut at = &mut hostile;
        let parts: Vec<&str> = path.split('.').collect();
        for part in &parts[..parts.len() - 1] {
            at = &mut at[*part];
        }
        at[parts[parts.len() - 1]] = value;
        hostile
    };
    let long = format!("https://updates.push.services.mozilla.com/{}", "a".repeat(2000));
    let not_on_curve = b64(&[[4u8].as_slice(), &[0xff; 64]].concat());
    for hostile in [
        with("endpoint", json!("https://evil.example/collect")),
        with("endpoint", json!("https://10.0.0.1/wpush")),
        with("endpoint", json!("http://updates.push.services.mozilla.com/wpush")),
        with("endpoint", json!(long)),
        with("endpoint", json!("not a url")),
        with("keys.p256dh", json!(b64(&[4; 33]))),
        with("keys.p256dh", json!(not_on_curve)),
        with("keys.p256dh", json!("***")),
        with("keys.auth", json!(b64(&[1; 15]))),
    ] {
        subscribe(&e, &visitor, &hostile).await.expect_error(422, "invalid_subscription");
    }
    subscribe(&e, &visitor, &json!({"endpoint": inbox.endpoint()})).await.expect_error(400, "malformed_json");

    // An 11th subscription replaces the oldest.
    let mut ids = vec![first.id.clone()];
    let others: Vec<PushInbox> = (0..10).map(|_| PushInbox::start(&[Answer::Status(201)])).collect();
    for other in &others {
        ids.push(subscribe(&e, &visitor, &other.subscription()).await.expect_json::<PushSubscribed>(201).id);
    }
    let listed = my_data(&e, &visitor).await.push;
    let listed_ids: Vec<&str> = listed.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(listed_ids, ids[1..].iter().map(String::as_str).collect::<Vec<_>>(), "the oldest went");
    assert_eq!(listed[0].origin, others[0].receiver.url(""), "the endpoint's origin only");
    assert!(!serde_json::to_string(&listed).unwrap().contains("wpush"), "never the endpoint's path");

    e.delete(&format!("/v1/me/push/{}", ids[1])).bearer(&visitor.token).send().await.expect(204);
    e.delete(&format!("/v1/me/push/{}", ids[1])).bearer(&visitor.token).send().await.expect_error(404, "subscription_not_found");
    let other = e.new_session("Bob").await;
    e.delete(&format!("/v1/me/push/{}", ids[2])).bearer(&other.token).send().await.expect_error(404, "subscription_not_found");
    assert_eq!(my_data(&e, &visitor).await.push.len(), 9);
}

async fn posts(e: Arc<Edge>) {
    e.create_account("bikes", "Acme Bikes", "").await;
    let (notified, notified_inbox) = subscribed(&e, "Ana", &[Answer::Status(201)], "fr").await;
    let state = follow_notified(&e, &notified, "bikes").await;
    assert_eq!(state, Following { state: FollowState { following: true, followers: 1 }, notify: true });
    // KV's view of the follow says so too.
    eventually(DELIVERED, || async {
        let read: Following = e.get("/v1/accounts/bikes/follow").bearer(&notified.token).send().await.check_json(200)?;
        ensure!(read.notify && read.state.following, "KV not caught up: {read:?}");
        Ok(())
    })
    .await;
    // Following without notify, and subscribed: nothing.
    let (plain, plain_inbox) = subscribed(&e, "Bob", &[Answer::Status(201)], "en").await;
    let plain_follow: Following = e.put("/v1/accounts/bikes/follow").bearer(&plain.token).send().await.expect_json(200);
    assert!(!plain_follow.notify);
    // Notified, then subscribed: the subscription reaches the account too.
    let late = e.new_session("Cléo").await;
    follow_notified(&e, &late, "bikes").await;
    let late_inbox = PushInbox::start(&[Answer::Status(201)]);
    subscribe(&e, &late, &late_inbox.subscription()).await.expect(201);

    let stats: Value = e.admin(e.get("/v1/accounts/bikes/stats")).send().await.expect_json(200);
    assert_eq!(stats["notified"], json!(2), "the statistics count the followers a post notifies");
    let post = e.create_post("bikes", "Le Porteur 2 arrive samedi ! #vélo").await;
    for inbox in [&notified_inbox, &late_inbox] {
        eventually(DELIVERED, || async { ensure_eq!(inbox.received().len(), 1, "messages"); Ok(()) }).await;
    }
    let message = notified_inbox.messages().remove(0);
    let url = format!("{ORIGIN}/@bikes/{}", post.id.split_once('-').unwrap().1);
    assert_eq!(message.payload["web_push"], json!(8030));
    assert_eq!(message.payload["type"], json!("post"));
    assert_eq!(message.payload["notification"]["title"], json!("Acme Bikes"));
    assert_eq!(message.payload["notification"]["body"], json!(post.text));
    assert_eq!(message.payload["notification"]["navigate"], json!(url));
    assert_eq!(message.payload["notification"]["lang"], json!("fr"));
    assert_eq!(message.payload["account"], json!({"handle": "bikes", "name": "Acme Bikes"}));
    assert_eq!(message.payload["post"]["id"], json!(post.id));
    assert_eq!(message.payload["post"]["url"], json!(url));
    assert_eq!((message.vapid.sub.as_str(), message.key.as_str()), (SUBJECT, b64(&vapid::public_key(&VAPID_D)).as_str()));
    assert_eq!((message.ttl, message.urgency.as_deref(), message.topic.as_deref()), (86_400, Some("normal"), Some("bikes")));
    assert_eq!(late_inbox.messages()[0].payload["notification"]["lang"], json!("en"), "en by default");

    // Stopping notify: the next post reaches nobody; Bob never got one.
    let state = e.put("/v1/accounts/bikes/follow").bearer(&notified.token).json(&json!({"notify": false})).send().await.expect_json::<Following>(200);
    assert!(!state.notify);
    e.unfollow(&late.token, "bikes").await;
    e.create_post("bikes", "Atelier fermé lundi.").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!((notified_inbox.received().len(), late_inbox.received().len(), plain_inbox.received().len()), (1, 1, 0));
    let read = eventually(DELIVERED, || async {
        let state: Following = e.get("/v1/accounts/bikes/follow").bearer(&notified.token).send().await.check_json(200)?;
        ensure!(!state.notify, "KV not caught up: {state:?}");
        Ok(state)
    })
    .await;
    assert!(read.state.following);
}

async fn answers(e: Arc<Edge>) {
    e.create_account("answers", "Acme", "").await;
    let post = e.create_post("answers", "Questions about the Porteur 2?").await;
    let (asker, asker_inbox) = subscribed(&e, "Ana", &[Answer::Status(201)], "fr").await;
    let (quiet, quiet_inbox) = subscribed(&e, "Bob", &[Answer::Status(201)], "en").await;
    let mut no_answers = quiet_inbox.subscription();
    no_answers["answers"] = json!(false);
    subscribe(&e, &quiet, &no_answers).await.expect(200);
    let (english, english_inbox) = subscribed(&e, "Cléo", &[Answer::Status(201)], "en").await;
    e.reply(&asker.token, &post.id, "Does it fit in a lift?").await;
    e.reply(&quiet.token, &post.id, "Price?").await;
    e.reply(&english.token, &post.id, "Colours?").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(asker_inbox.received().is_empty(), "a visitor's reply pushes nothing");

    let path = format!("/v1/posts/{}/replies", post.id);
    let answer: gazouillis_protocol::Reply = e.admin(e.post(&path)).json(&json!({"text": "Yes: 1.95 m, front wheel up."})).send().await.expect_json(201);
    for inbox in [&asker_inbox, &english_inbox] {
        eventually(DELIVERED, || async { ensure_eq!(inbox.received().len(), 1, "messages"); Ok(()) }).await;
    }
    let french = asker_inbox.messages().remove(0);
    assert_eq!(french.payload["type"], json!("answer"));
    assert_eq!(french.payload["notification"]["title"], json!("Acme vous a répondu"));
    assert_eq!(french.payload["notification"]["body"], json!(answer.text));
    assert_eq!(french.payload["reply"], json!({"id": answer.id, "text": answer.text}));
    assert_eq!(french.payload["post"]["id"], json!(post.id));
    assert_eq!((french.ttl, french.topic.as_deref()), (7 * 86_400, None));
    assert_eq!(english_inbox.messages()[0].payload["notification"]["title"], json!("Acme answered you"));
    assert!(quiet_inbox.received().is_empty(), "asked for no answers");
}

async fn outcomes(e: Arc<Edge>) {
    e.create_account("outcomes", "Outcomes", "").await;
    let (gone, gone_inbox) = subscribed(&e, "Gone", &[Answer::Status(410)], "en").await;
    let (busy, busy_inbox) = subscribed(&e, "Busy", &[Answer::RetryAfter(429, "1".into()), Answer::Status(201)], "en").await;
    let (down, down_inbox) = subscribed(&e, "Down", &[Answer::Status(503), Answer::Status(201)], "en").await;
    let (refused, refused_inbox) = subscribed(&e, "Refused", &[Answer::Status(403)], "en").await;
    for visitor in [&gone, &busy, &down, &refused] {
        follow_notified(&e, visitor, "outcomes").await;
    }
    e.create_post("outcomes", "First.").await;
    for inbox in [&busy_inbox, &down_inbox] {
        eventually(DELIVERED, || async { ensure_eq!(inbox.received().len(), 2, "attempts"); Ok(()) }).await;
    }
    let busy_times: Vec<_> = busy_inbox.received().iter().map(|r| r.at).collect();
    assert!(busy_times[1] - busy_times[0] >= Duration::from_millis(900), "Retry-After: 1 honoured");
    assert_eq!(busy_inbox.messages()[0].payload, busy_inbox.messages()[1].payload, "the same message");
    eventually(DELIVERED, || async {
        let listed = my_data(&e, &gone).await.push;
        ensure!(listed.is_empty(), "still listed: {listed:?}");
        Ok(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!((gone_inbox.received().len(), refused_inbox.received().len()), (1, 1), "neither is tried again");
    assert_eq!(my_data(&e, &refused).await.push.len(), 1, "a refused message keeps the subscription");

    e.create_post("outcomes", "Second.").await;
    eventually(DELIVERED, || async { ensure_eq!(busy_inbox.received().len(), 3, "attempts"); Ok(()) }).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(gone_inbox.received().len(), 1, "a gone subscription is never sent to again");
}

async fn queued(e: Arc<Edge>) {
    e.create_account("many", "Many", "").await;
    // More than the hub sends in one round (20): it sends 20 itself and hands
    // the rest to the queue. 21 subscriptions are gone (410), so that at
    // least one of them is answered to the queue's consumer.
    const GONE: usize = 21;
    let mut followers = Vec::new();
    for n in 0..30 {
        let script = match n {
            _ if n < GONE => vec![Answer::Status(410)],
            GONE => vec![Answer::Status(503), Answer::Status(201)],
            _ => vec![Answer::Status(201)],
        };
        let lang = if n % 2 == 0 { "fr" } else { "en" };
        let (visitor, inbox) = subscribed(&e, &format!("Visitor {n}"), &script, lang).await;
        follow_notified(&e, &visitor, "many").await;
        followers.push((visitor, inbox, lang));
    }
    let post = e.create_post("many", "Soldes : -30 % ce week-end.").await;
    for (n, (_, inbox, lang)) in followers.iter().enumerate() {
        // The 503 is retried (by the hub itself: one delivery is due then).
        let attempts = if n == GONE { 2 } else { 1 };
        eventually(DELIVERED, || async { ensure_eq!(inbox.received().len(), attempts, "attempts"); Ok(()) }).await;
        let message = inbox.messages().pop().expect("a message that opens");
        assert_eq!(message.payload["post"]["id"], json!(post.id));
        assert_eq!(message.payload["notification"]["lang"], json!(lang));
    }
    assert!(e.logged("QUEUE gazouillis-deliveries"), "the queue's consumer ran");
    // Every 410 came back to the hub, the consumer's included: each subscription is gone.
    for (visitor, _, _) in &followers[..GONE] {
        eventually(DELIVERED, || async {
            let listed = my_data(&e, visitor).await.push;
            ensure!(listed.is_empty(), "still listed: {listed:?}");
            Ok(())
        })
        .await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let counts: Vec<usize> = followers.iter().map(|(_, inbox, _)| inbox.received().len()).collect();
    assert_eq!(counts, [vec![1; GONE], vec![2], vec![1; 30 - GONE - 1]].concat(), "each delivered once, none sent again");
}

async fn hidden_and_offers(e: Arc<Edge>) {
    e.create_account("hides", "Hides", "").await;
    let (visitor, inbox) = subscribed(&e, "Ana", &[Answer::Status(503), Answer::Status(201)], "en").await;
    follow_notified(&e, &visitor, "hides").await;
    // The retry waits 300 ms or more: the post is hidden before it.
    let post = e.create_post("hides", "Wrong price: 99 €").await;
    e.admin(e.put(&format!("/v1/posts/{}/hidden", post.id))).json(&json!({"hidden": true})).send().await.expect(200);
    eventually(DELIVERED, || async { ensure_eq!(inbox.received().len(), 1, "first attempt"); Ok(()) }).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(inbox.received().len(), 1, "no retry of a hidden post");
    // Shown again: it was pushed once already.
    e.admin(e.put(&format!("/v1/posts/{}/hidden", post.id))).json(&json!({"hidden": false})).send().await.expect(200);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(inbox.received().len(), 1, "nothing for a post shown again");

    let offer = e.create_offer_post("hides", "SECRET20", 3600, Some(10)).await;
    eventually(DELIVERED, || async { ensure_eq!(inbox.received().len(), 2, "messages"); Ok(()) }).await;
    let message = inbox.messages().remove(1);
    assert_eq!(message.payload["post"]["id"], json!(offer.id));
    assert_eq!(message.payload["post"]["offer"], json!({"ends_at": offer.offer.as_ref().unwrap().ends_at}));
    assert!(!inbox.received()[1].body.contains("SECRET20") && !message.payload.to_string().contains("SECRET20"), "never the code");
    assert!((3500..=3600).contains(&message.ttl), "until the offer ends: {}", message.ttl);
}

async fn erasure(e: Arc<Edge>) {
    e.create_account("erased", "Erased", "").await;
    let (visitor, inbox) = subscribed(&e, "Ana", &[Answer::Status(201)], "en").await;
    follow_notified(&e, &visitor, "erased").await;
    let erased: gazouillis_protocol::Erased = e.delete("/v1/me").bearer(&visitor.token).send().await.expect_json(200);
    assert_eq!((erased.push, erased.follows), (1, 1));
    assert!(my_data(&e, &visitor).await.push.is_empty());
    e.create_post("erased", "After.").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(inbox.received().is_empty());
}
