//! Webhooks against the real Worker: alerts (mentions of watched terms, buzz,
//! tests) go from the hub's outbox to a local receiver, signed; failed
//! attempts are retried with backoff, also across a restart of the runtime,
//! and given up after the maximum, every attempt in the delivery log.
//!
//! The edge runs with retries shortened (first after 1 s, 4 attempts, 1 s
//! to answer) and `http://127.0.0.1` allowed.

use gazouillis_protocol::webhook::{
    signature, CreatedWebhook, Deliveries, Delivery, DeliveryState, Webhooks, EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER,
};
use gazouillis_protocol::Post;
use gazouillis_tests::receiver::{Answer, Receiver};
use gazouillis_tests::{ensure, ensure_eq, eventually, Edge, Suite};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// Long enough for every retry of a delivery (1 + 2 + 4 s of backoff, 4 × 1 s of timeout) and a restart.
const RETRIES: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks() {
    let e = Edge::start_also(&[
        ("WEBHOOK_ALLOW_LOOPBACK", "1"),
        ("WEBHOOK_FIRST_RETRY_MS", "1000"),
        ("WEBHOOK_MAX_ATTEMPTS", "4"),
        ("WEBHOOK_TIMEOUT_MS", "1000"),
        ("BUZZ_MIN_REPLIES", "6"),
    ])
    .await;
    let mut suite = Suite::new("webhooks", e);
    suite.step("create, list and delete; https to public hosts only; at most 5; the brand's only", manage).await;
    suite.step("a watched word in a reply reaches the receiver once, signed, and Slack's once", mention_once_signed).await;
    suite.step("a test event on request", test_event).await;
    suite.step("500 three times then 200: delivered once, after retries, across a restart", retried_across_restart).await;
    suite.step("a receiver that never answers is given up on after the maximum, logged", given_up).await;
    suite.step("a 500's retry comes on time while another webhook of the account hangs", retried_beside_a_hang).await;
    suite.step("a burst of replies raises exactly one buzz alert", one_buzz_alert).await;
    suite.step("a receiver's redirect is a failed attempt, never followed", redirects_not_followed).await;
    suite.finish(|edge| edge.dump_log()).await;
}

async fn add_webhook(e: &Edge, handle: &str, url: &str, format: &str) -> CreatedWebhook {
    let body = json!({ "url": url, "format": format, "language": "fr" });
    e.admin_post(&format!("/v1/accounts/{handle}/webhooks"), &body).await.expect_json(201)
}

async fn deliveries(e: &Edge, handle: &str, webhook: &str) -> Vec<Delivery> {
    let path = format!("/v1/accounts/{handle}/webhooks/{webhook}/deliveries");
    e.admin(e.get(&path)).send().await.expect_json::<Deliveries>(200).deliveries
}

/// An account watching `watched`, with a post to reply to.
async fn account_with_post(e: &Edge, handle: &str, watched: &[&str]) -> Post {
    e.create_account(handle, handle, "Listening.").await;
    e.admin(e.put(&format!("/v1/accounts/{handle}/watches"))).json(&json!({ "terms": watched })).send().await.expect(200);
    e.create_post(handle, "Our new parcel lockers are open.").await
}

async fn manage(e: Arc<Edge>) {
    e.create_account("hooks", "Hooks", "Webhooks.").await;
    let path = "/v1/accounts/hooks/webhooks";
    for url in ["http://example.com/hook", "ftp://example.com/x", "not a url", "http://localhost:9/x", "https://", "https://192.168.1.1/hook"] {
        e.admin_post(path, &json!({ "url": url, "format": "json" })).await.expect_error(422, "invalid_webhook");
    }
    e.admin_post(path, &json!({ "url": "https://example.com", "format": "xml" })).await.expect_error(400, "malformed_json");
    e.admin_post(path, &json!({ "url": "https://example.com" })).await.expect_error(400, "malformed_json");
    e.post(path).json(&json!({ "url": "https://example.com", "format": "json" })).send().await.expect_error(401, "unauthorized");
    let visitor = e.new_session("Curious").await;
    e.get(path).bearer(&visitor.token).send().await.expect_error(403, "forbidden");

    let json_hook = add_webhook(&e, "hooks", "https://example.com/hook", "json").await;
    let secret = json_hook.secret.as_deref().expect("a json webhook's secret is shown at creation");
    assert!(secret.starts_with("whsec_") && secret.len() > 30, "{secret}");
    let slack_hook = add_webhook(&e, "hooks", "https://hooks.slack.com/services/T/B/x", "slack").await;
    assert_eq!(slack_hook.secret, None, "a Slack webhook has no secret");
    let listed: Webhooks = e.admin(e.get(path)).send().await.expect_json(200);
    assert_eq!(listed.webhooks, vec![json_hook.webhook.clone(), slack_hook.webhook.clone()]);
    assert!(!e.admin(e.get(path)).send().await.text().contains("whsec_"), "the list shows no secret");

    for n in 0..3 {
        add_webhook(&e, "hooks", &format!("https://example.com/{n}"), "json").await;
    }
    e.admin_post(path, &json!({ "url": "https://example.com/6", "format": "json" })).await.expect_error(409, "too_many_webhooks");
    e.admin(e.delete(&format!("{path}/{}", json_hook.webhook.id))).send().await.expect(204);
    e.admin(e.delete(&format!("{path}/{}", json_hook.webhook.id))).send().await.expect_error(404, "webhook_not_found");
    e.admin(e.get(&format!("{path}/000000000000/deliveries"))).send().await.expect_error(404, "webhook_not_found");
    e.admin(e.post(&format!("{path}/000000000000/test"))).send().await.expect_error(404, "webhook_not_found");
    e.admin(e.post(&format!("{path}/nope/test"))).send().await.expect_error(400, "invalid_id");
    e.admin(e.put(path)).send().await.expect_error(405, "method_not_allowed");
    add_webhook(&e, "hooks", "https://example.com/again", "json").await;
    let listed: Webhooks = e.admin(e.get(path)).send().await.expect_json(200);
    assert_eq!(listed.webhooks.len(), 5);
}

/// Whether `received` carries a valid signature of its body with `secret`.
fn signed(received: &gazouillis_tests::receiver::Received, secret: &str) -> Result<(), String> {
    let header = received.header(SIGNATURE_HEADER).ok_or("no signature header")?;
    let t: u64 = header.strip_prefix("t=").and_then(|rest| rest.split(',').next()).and_then(|t| t.parse().ok()).ok_or(format!("no timestamp in {header}"))?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    ensure!(t.abs_diff(now) < 300, "timestamp {t} is not now ({now})");
    ensure_eq!(header, signature(secret, t, &received.body), "signature");
    ensure!(signature("another secret", t, &received.body) != header, "any secret would do");
    Ok(())
}

async fn mention_once_signed(e: Arc<Edge>) {
    let receiver = Receiver::start(&[Answer::Status(200)]);
    let post = account_with_post(&e, "parcels", &["colis", "\"en retard\""]).await;
    let hook = add_webhook(&e, "parcels", &receiver.url("/json"), "json").await;
    let secret = hook.secret.clone().unwrap();
    add_webhook(&e, "parcels", &receiver.url("/slack"), "slack").await;
    let visitor = e.new_session("Zoé").await;
    e.reply(&visitor.token, &post.id, "Nothing to report, all fine").await;
    let reply = e.reply(&visitor.token, &post.id, "Mon COLIS est en retard & perdu <sigh>").await;

    let got = eventually(Duration::from_secs(15), || async {
        let (json, slack) = (receiver.received_at("/json"), receiver.received_at("/slack"));
        ensure!(!json.is_empty() && !slack.is_empty(), "received: {} json, {} slack", json.len(), slack.len());
        Ok::<_, String>((json, slack))
    })
    .await;
    // Long enough for a duplicate to show up.
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(receiver.received_at("/json").len(), 1, "json receiver: {:?}", receiver.received());
    assert_eq!(receiver.received_at("/slack").len(), 1, "slack receiver: {:?}", receiver.received());
    let (json, slack) = (&got.0[0], &got.1[0]);
    signed(json, &secret).unwrap();
    let event = json.json();
    assert_eq!(event["type"], "mention");
    assert_eq!(event["account"], "parcels");
    assert_eq!(json.header(EVENT_ID_HEADER), event["id"].as_str(), "event id header");
    assert_eq!(json.header(EVENT_TYPE_HEADER), Some("mention"));
    assert_eq!(event["mention"]["reply"]["id"], Value::from(reply.id.clone()));
    assert_eq!(event["mention"]["reply"]["text"], Value::from(reply.text.clone()));
    assert_eq!(event["mention"]["terms"], json!(["colis", "\"en retard\""]));
    assert_eq!(event["mention"]["matches"], json!([[4, 9], [14, 23]]));
    assert_eq!(slack.header(SIGNATURE_HEADER), None, "Slack bodies are not signed");
    assert_eq!(
        slack.json()["text"],
        "*@parcels* : nouvelle mention de “colis”, “\"en retard\"”\n>Mon COLIS est en retard &amp; perdu &lt;sigh&gt;"
    );

    let log = deliveries(&e, "parcels", &hook.webhook.id).await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!((log[0].state, log[0].kind.as_str(), log[0].event.as_str()), (DeliveryState::Delivered, "mention", event["id"].as_str().unwrap()));
    assert_eq!(log[0].attempts.iter().map(|a| a.status).collect::<Vec<_>>(), vec![Some(200)]);
    assert_eq!(log[0].next_attempt_at, None);
}

async fn test_event(e: Arc<Edge>) {
    let receiver = Receiver::start(&[Answer::Status(204)]);
    e.create_account("tester", "Tester", "Tests its hook.").await;
    let hook = add_webhook(&e, "tester", &receiver.url("/hook"), "json").await;
    let path = format!("/v1/accounts/tester/webhooks/{}/test", hook.webhook.id);
    let pending: Delivery = e.admin(e.post(&path)).send().await.expect_json(202);
    assert_eq!((pending.kind.as_str(), pending.state), ("test", DeliveryState::Pending));
    let got = eventually(Duration::from_secs(15), || async {
        let got = receiver.received();
        ensure!(!got.is_empty(), "nothing received");
        Ok::<_, String>(got)
    })
    .await;
    signed(&got[0], hook.secret.as_deref().unwrap()).unwrap();
    assert_eq!(got[0].json()["type"], "test");
    assert_eq!(got[0].json()["id"], Value::from(pending.event.clone()));
    eventually(Duration::from_secs(15), || async {
        let log = deliveries(&e, "tester", &hook.webhook.id).await;
        ensure_eq!(log.iter().map(|d| (d.id.clone(), d.state)).collect::<Vec<_>>(), vec![(pending.id.clone(), DeliveryState::Delivered)], "log");
        Ok::<_, String>(())
    })
    .await;
}

async fn retried_across_restart(e: Arc<Edge>) {
    let receiver = Receiver::start(&[Answer::Status(500), Answer::Status(500), Answer::Status(500), Answer::Status(200)]);
    let post = account_with_post(&e, "flaky", &["refund"]).await;
    let hook = add_webhook(&e, "flaky", &receiver.url("/hook"), "json").await;
    let visitor = e.new_session("Max").await;
    e.reply(&visitor.token, &post.id, "I want a refund").await;
    // The first attempt came, and the hub recorded how it went (a restart
    // before that would log it as interrupted, and rightly so).
    eventually(Duration::from_secs(15), || async {
        ensure!(!receiver.received().is_empty(), "the first attempt did not come");
        let log = deliveries(&e, "flaky", &hook.webhook.id).await;
        ensure!(log.first().is_some_and(|d| d.attempts.first().is_some_and(|a| a.status == Some(500))), "not recorded yet: {log:?}");
        Ok::<_, String>(())
    })
    .await;
    // The runtime goes away between the first attempt and the next ones.
    e.restart().await;
    let got = eventually(RETRIES, || async {
        let got = receiver.received();
        ensure!(got.len() >= 4, "{} attempts so far", got.len());
        Ok::<_, String>(got)
    })
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let got_then = receiver.received();
    assert_eq!(got_then.len(), 4, "one attempt after the 200, or more: {got_then:?}");
    let ids: Vec<Option<&str>> = got.iter().map(|r| r.header(EVENT_ID_HEADER)).collect();
    assert!(ids.iter().all(|id| id.is_some() && *id == ids[0]), "the same event every time: {ids:?}");
    // Backoff: each wait longer than the one before (1 s, 2 s, 4 s, ±20 %); the restart may stretch the first.
    let waits: Vec<Duration> = got.windows(2).map(|w| w[1].at - w[0].at).collect();
    assert!(waits[2] > waits[1] && waits[1] >= Duration::from_millis(1500), "waits {waits:?}");

    let log = deliveries(&e, "flaky", &hook.webhook.id).await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].state, DeliveryState::Delivered);
    assert_eq!(log[0].attempts.iter().map(|a| a.status).collect::<Vec<_>>(), vec![Some(500), Some(500), Some(500), Some(200)]);
}

async fn given_up(e: Arc<Edge>) {
    let receiver = Receiver::start(&[Answer::Silence]);
    let post = account_with_post(&e, "silent", &["broken"]).await;
    let hook = add_webhook(&e, "silent", &receiver.url("/hook"), "slack").await;
    let visitor = e.new_session("Lou").await;
    e.reply(&visitor.token, &post.id, "The lid came broken").await;
    let log = eventually(RETRIES, || async {
        let log = deliveries(&e, "silent", &hook.webhook.id).await;
        ensure!(log.first().is_some_and(|d| d.state == DeliveryState::Failed), "not given up yet: {log:?}");
        Ok::<_, String>(log)
    })
    .await;
    assert_eq!(log[0].attempts.len(), 4, "{log:?}");
    for attempt in &log[0].attempts {
        assert_eq!((attempt.status, attempt.error.as_deref()), (None, Some("no answer within 1000 ms")), "{log:?}");
    }
    assert_eq!(log[0].next_attempt_at, None);
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(receiver.received().len(), 4, "attempts after giving up");
}

async fn retried_beside_a_hang(e: Arc<Edge>) {
    let hanging = Receiver::start(&[Answer::Silence]);
    let flaky = Receiver::start(&[Answer::Status(500), Answer::Status(200)]);
    let post = account_with_post(&e, "busy", &["late"]).await;
    add_webhook(&e, "busy", &hanging.url("/hook"), "json").await;
    add_webhook(&e, "busy", &flaky.url("/hook"), "json").await;
    let visitor = e.new_session("Ada").await;
    e.reply(&visitor.token, &post.id, "My parcel is late").await;
    let got = eventually(RETRIES, || async {
        let got = flaky.received();
        ensure!(got.len() >= 2, "{} attempts so far", got.len());
        Ok::<_, String>(got)
    })
    .await;
    assert!(!hanging.received().is_empty(), "the hanging webhook was tried beside it");
    // The retry is due 1 s (±20 %) after the 500. Recorded only once the
    // whole batch had ended, it came after the hanging one's 1 s timeout
    // too: about 2 s.
    let wait = got[1].at - got[0].at;
    assert!(wait < Duration::from_millis(1600), "the retry came {wait:?} after the 500");
}

async fn one_buzz_alert(e: Arc<Edge>) {
    let receiver = Receiver::start(&[Answer::Status(200)]);
    let quiet = account_with_post(&e, "buzzing", &[]).await;
    let busy = e.create_post("buzzing", "Tell us what you think of the new logo.").await;
    add_webhook(&e, "buzzing", &receiver.url("/hook"), "json").await;
    let visitor = e.new_session("Crowd").await;
    e.reply(&visitor.token, &quiet.id, "first").await;
    // BUZZ_MIN_REPLIES is 6 and the week before is empty: the 6th reply of the hour starts the buzz.
    for n in 0..14 {
        e.reply(&visitor.token, &busy.id, &format!("reply {n}")).await;
    }
    let got = eventually(Duration::from_secs(15), || async {
        let got = receiver.received();
        ensure!(!got.is_empty(), "no buzz alert");
        Ok::<_, String>(got)
    })
    .await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(receiver.received().len(), 1, "one alert per episode: {:?}", receiver.received());
    let event = got[0].json();
    assert_eq!(event["type"], "buzz");
    assert_eq!(event["buzz"]["replies"], 6);
    assert_eq!(event["buzz"]["posts"], json!([busy.id, quiet.id]));
}

/// A receiver redirecting elsewhere (to an internal host, say) does not get
/// the edge to send the event there: each 3xx is a failed attempt, logged
/// with its status.
async fn redirects_not_followed(e: Arc<Edge>) {
    let internal = Receiver::start(&[Answer::Status(200)]);
    let temporary = Receiver::start(&[Answer::Redirect(307, internal.url("/internal-admin"))]);
    let found = Receiver::start(&[Answer::Redirect(302, internal.url("/internal-admin"))]);
    let post = account_with_post(&e, "redirecting", &["voucher"]).await;
    let signed = add_webhook(&e, "redirecting", &temporary.url("/hook"), "json").await;
    let slack = add_webhook(&e, "redirecting", &found.url("/hook"), "slack").await;
    let visitor = e.new_session("Noa").await;
    e.reply(&visitor.token, &post.id, "Where is my voucher?").await;
    for (hook, status) in [(&signed, 307), (&slack, 302)] {
        let log = eventually(RETRIES, || async {
            let log = deliveries(&e, "redirecting", &hook.webhook.id).await;
            ensure!(log.first().is_some_and(|d| d.state != DeliveryState::Pending), "still pending: {log:?}");
            Ok::<_, String>(log)
        })
        .await;
        assert_eq!(log[0].state, DeliveryState::Failed, "{log:?}");
        assert_eq!(log[0].attempts.iter().map(|a| a.status).collect::<Vec<_>>(), vec![Some(status); 4], "{log:?}");
    }
    assert_eq!((temporary.received().len(), found.received().len()), (4, 4), "every attempt reached the webhook's own URL");
    assert!(internal.received().is_empty(), "the redirect was followed: {:?}", internal.received());
}
