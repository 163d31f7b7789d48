//! Abuse limits against the real Worker, with short windows so that a limit
//! is seen to trigger and then recover: sessions per client address, replies
//! per visitor and per address, each refused with 429 and `Retry-After`, and
//! nothing refused is stored. Then, with long windows (`per_prefix`): an IPv6
//! client counted by its /64 and a site by its /48, follows and claims
//! limited per visitor and per address, live connections capped per address,
//! and a `min_version` above the hub's not sent to the hub again. Then
//! (`production`) the limits as deployed, none changed. Client
//! addresses are set with `CF-Connecting-IP` (which Cloudflare sets in
//! production, and `wrangler dev` passes through).

use gazouillis_protocol::fresh::VERSION_HEADER;
use gazouillis_protocol::live::{CLOSE_TOO_MANY, TOO_MANY_REASON};
use gazouillis_protocol::offer::Claimed;
use gazouillis_protocol::{FollowState, Reply, Session};
use gazouillis_tests::live::refused;
use gazouillis_tests::{Edge, LiveClient, Resp, SETTLE, Suite, ensure_eq, eventually};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits() {
    let edge = Edge::start_with(&[("RATE_REPLIES", "3/3"), ("RATE_REPLIES_IP", "5/3"), ("RATE_SESSIONS_IP", "2/3")]).await;
    let mut suite = Suite::new("limits", edge);
    suite.spawn("sessions per address: 429 with Retry-After, then recovers", sessions_per_ip);
    suite.spawn("replies per visitor: 429, the brand unlimited, then recovers", replies_per_visitor);
    suite.spawn("replies per address, across visitors", replies_per_ip);
    suite.finish(|edge| edge.dump_log()).await;
}

async fn session(e: &Edge, ip: &str) -> Resp {
    e.post("/v1/session").header("CF-Connecting-IP", ip).json(&json!({"name": "Visitor"})).send().await
}

async fn reply(e: &Edge, token: &str, ip: &str, post: &str, text: &str) -> Resp {
    e.post(&format!("/v1/posts/{post}/replies"))
        .bearer(token)
        .header("CF-Connecting-IP", ip)
        .json(&json!({"text": text}))
        .send()
        .await
}

/// Checks a 429 and waits as long as its `Retry-After` says.
async fn refused_then_wait(resp: &Resp) {
    resp.expect_error(429, "rate_limited");
    let seconds: u64 = resp.header("retry-after").and_then(|s| s.parse().ok()).expect("a Retry-After in seconds");
    assert!((1..=3).contains(&seconds), "Retry-After {seconds} for a 3 s window");
    tokio::time::sleep(Duration::from_secs(seconds)).await;
}

async fn sessions_per_ip(e: Arc<Edge>) {
    for _ in 0..2 {
        session(&e, "10.1.0.1").await.expect(201);
    }
    let refused = session(&e, "10.1.0.1").await;
    session(&e, "10.1.0.2").await.expect(201);
    refused_then_wait(&refused).await;
    session(&e, "10.1.0.1").await.expect(201);
}

async fn replies_per_visitor(e: Arc<Edge>) {
    e.create_account("limited", "Limited", "").await;
    let post = e.create_post("limited", "Talk to us").await;
    let visitor: Session = session(&e, "10.2.0.1").await.expect_json(201);
    for n in 0..3 {
        reply(&e, &visitor.token, "10.2.0.1", &post.id, &format!("reply {n}")).await.expect(201);
    }
    // From another address too: the limit is the visitor's.
    let refused = reply(&e, &visitor.token, "10.2.0.9", &post.id, "one too many").await;
    for n in 0..5 {
        let answer: Reply = e
            .admin(e.post(&format!("/v1/posts/{}/replies", post.id)))
            .json(&json!({"text": format!("brand answer {n}")}))
            .send()
            .await
            .expect_json(201);
        assert!(answer.author.badge.is_some());
    }
    eventually(SETTLE, || async {
        ensure_eq!(e.post_of(&post.id).await?.replies, 8, "the refused reply is not counted");
        Ok(())
    })
    .await;
    refused_then_wait(&refused).await;
    reply(&e, &visitor.token, "10.2.0.1", &post.id, "after the wait").await.expect(201);
}

async fn replies_per_ip(e: Arc<Edge>) {
    e.create_account("office", "Office", "").await;
    let post = e.create_post("office", "One network, many people").await;
    let mut visitors = Vec::new();
    for n in 0..3 {
        let visitor: Session = session(&e, &format!("10.3.0.{n}")).await.expect_json(201);
        visitors.push(visitor);
    }
    // Two replies each from one shared address: the sixth is one too many.
    let mut answers = Vec::new();
    for visitor in &visitors {
        for n in 0..2 {
            answers.push(reply(&e, &visitor.token, "10.3.9.9", &post.id, &format!("{} {n}", visitor.visitor.id)).await);
        }
    }
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [201, 201, 201, 201, 201, 429]);
    answers[5].expect_error(429, "rate_limited");
    reply(&e, &visitors[2].token, "10.3.0.2", &post.id, "from home").await.expect(201);
}

/// How long the hub holds its KV flushes back in `per_prefix`.
const LAG: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_prefix() {
    let lag = LAG.as_millis().to_string();
    let vars = [
        ("RATE_REPLIES", "1000000/60"),
        ("RATE_REPLIES_IP", "1000000/60"),
        ("RATE_SESSIONS_IP", "2/3600"),
        ("RATE_FOLLOWS", "3/3600"),
        ("RATE_FOLLOWS_IP", "4/3600"),
        ("RATE_CLAIMS", "2/3600"),
        ("RATE_CLAIMS_IP", "2/3600"),
        ("LIVE_PER_ADDRESS", "2"),
        ("VIEW_DELAY_MS", lag.as_str()),
    ];
    let mut suite = Suite::new("per_prefix", Edge::start_with(&vars).await);
    suite.spawn("sessions: one IPv6 /64 is one address", sessions_per_64);
    suite.spawn("sessions: one IPv6 /48 gets four addresses' worth", sessions_per_48);
    suite.spawn("follow toggles: limited per visitor", follows_per_visitor);
    suite.spawn("follows: limited per address", follows_per_address);
    suite.spawn("follow toggles: one net follow per visitor and day in stats and offers", follows_counted_net);
    suite.spawn("claims: bots of one /64 do not empty an offer", claims_per_address);
    suite.spawn("claims: limited per visitor", claims_per_visitor);
    suite.spawn("live connections: capped per /64, with a close code", live_per_64);
    suite.spawn("a min_version above the hub's is answered from KV next time", min_version_ahead);
    suite.finish(|edge| edge.dump_log()).await;
}

/// The limits as deployed: `edge/wrangler.toml`'s vars and the protocol's
/// defaults, nothing raised or lowered (`Edge::start_with(&[])`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production() {
    let mut suite = Suite::new("production", Edge::start_with(&[]).await);
    suite.spawn("20 sessions an hour per /64", production_sessions);
    suite.spawn("20 replies a minute per /64, across visitors; 5 per visitor", production_replies);
    suite.spawn("10 follow toggles an hour per visitor", production_follows);
    suite.spawn("10 claims an hour per /64, across visitors", production_claims);
    suite.spawn("50 live connections per /64", production_live);
    suite.finish(|edge| edge.dump_log()).await;
}

async fn production_sessions(e: Arc<Edge>) {
    for n in 1..=20 {
        session(&e, &format!("2001:db8:30:1::{n:x}")).await.expect(201);
    }
    session(&e, "2001:db8:30:1::ff").await.expect_error(429, "rate_limited");
    session(&e, "2001:db8:30:2::1").await.expect(201);
}

async fn production_replies(e: Arc<Edge>) {
    e.create_account("chatty", "Chatty", "").await;
    let post = e.create_post("chatty", "Ask us anything.").await;
    let mut visitors = Vec::new();
    for n in 1..=5 {
        visitors.push(visitor(&e, 31, n).await);
    }
    // A visitor's 6th reply in a minute is refused, whatever its address.
    for n in 1..=5 {
        reply(&e, &visitors[0].token, &format!("2001:db8:31:9::{n}"), &post.id, "Hello").await.expect(201);
    }
    reply(&e, &visitors[0].token, "2001:db8:31:8::1", &post.id, "Hello").await.expect_error(429, "rate_limited");
    // 20 from one /64 (visitors 0 to 3, 5 each), then its 21st, a 5th visitor's, refused.
    for (n, visitor) in visitors[1..4].iter().enumerate() {
        for m in 1..=5 {
            reply(&e, &visitor.token, &format!("2001:db8:31:9::{n}{m}"), &post.id, "Hi").await.expect(201);
        }
    }
    reply(&e, &visitors[4].token, "2001:db8:31:9::ff", &post.id, "Hi").await.expect_error(429, "rate_limited");
    reply(&e, &visitors[4].token, "2001:db8:31:a::1", &post.id, "Hi").await.expect(201);
}

async fn production_follows(e: Arc<Edge>) {
    e.create_account("flippy", "Flippy", "").await;
    let toggler = visitor(&e, 32, 1).await;
    for n in 0..10 {
        follow_from(&e, &toggler.token, "10.32.1.1", "flippy", n % 2 == 0).await.expect(200);
    }
    follow_from(&e, &toggler.token, "10.32.1.1", "flippy", true).await.expect_error(429, "rate_limited");
}

async fn production_claims(e: Arc<Edge>) {
    e.create_account("bounty", "Bounty", "").await;
    let post = e.create_offer_post("bounty", "BOUNTY", 3600, Some(30)).await;
    let mut bots = Vec::new();
    for n in 1..=11 {
        let bot = visitor(&e, 33, n).await;
        follow_from(&e, &bot.token, &format!("10.33.{n}.1"), "bounty", true).await.expect(200);
        bots.push(bot);
    }
    for (n, bot) in bots[..10].iter().enumerate() {
        claim_from(&e, &bot.token, &format!("2001:db8:33:1::{n}"), &post.id).await.expect(201);
    }
    claim_from(&e, &bots[10].token, "2001:db8:33:1::ff", &post.id).await.expect_error(429, "rate_limited");
    claim_from(&e, &bots[10].token, "10.33.11.1", &post.id).await.expect(201);
}

async fn production_live(e: Arc<Edge>) {
    e.create_account("popular_live", "Popular", "").await;
    let base = e.base_url();
    let mut open = Vec::new();
    for n in 1..=50 {
        open.push(LiveClient::connect_from(&base, "popular_live", Some(&format!("2001:db8:34:1::{n:x}"))).await.expect("within the cap"));
    }
    let (code, _) = refused(&base, "popular_live", "2001:db8:34:1::ff").await.expect("the 51st is closed");
    assert_eq!(code, CLOSE_TOO_MANY);
}

fn version(resp: &Resp) -> u64 {
    resp.header(VERSION_HEADER).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no {VERSION_HEADER} on {}", resp.describe()))
}

async fn follow_from(e: &Edge, token: &str, ip: &str, handle: &str, follow: bool) -> Resp {
    let path = format!("/v1/accounts/{handle}/follow");
    let req = if follow { e.put(&path) } else { e.delete(&path) };
    req.bearer(token).header("CF-Connecting-IP", ip).send().await
}

async fn claim_from(e: &Edge, token: &str, ip: &str, post: &str) -> Resp {
    e.post(&format!("/v1/posts/{post}/offer/claim")).bearer(token).header("CF-Connecting-IP", ip).send().await
}

/// A visitor with a session from an address of their own (`10.{n}.{m}.1`).
async fn visitor(e: &Edge, n: u8, m: u8) -> Session {
    session(e, &format!("10.{n}.{m}.1")).await.expect_json(201)
}

async fn sessions_per_64(e: Arc<Edge>) {
    session(&e, "2001:db8:a:1::1").await.expect(201);
    session(&e, "2001:db8:a:1::2").await.expect(201);
    session(&e, "2001:db8:a:1:ffff:ffff:ffff:3").await.expect_error(429, "rate_limited");
    session(&e, "2001:db8:a:2::1").await.expect(201);
}

async fn sessions_per_48(e: Arc<Edge>) {
    for n in 1..=8 {
        session(&e, &format!("2001:db8:b:{n}::1")).await.expect(201);
    }
    session(&e, "2001:db8:b:9::1").await.expect_error(429, "rate_limited");
    session(&e, "2001:db8:c:1::1").await.expect(201);
}

async fn follows_per_visitor(e: Arc<Edge>) {
    e.create_account("toggled", "Toggled", "").await;
    let toggler = visitor(&e, 20, 1).await;
    for follow in [true, false, true] {
        follow_from(&e, &toggler.token, "10.20.1.1", "toggled", follow).await.expect(200);
    }
    // From another address too: the limit is the visitor's.
    follow_from(&e, &toggler.token, "10.20.1.2", "toggled", false).await.expect_error(429, "rate_limited");
    let state: FollowState = follow_from(&e, &visitor(&e, 20, 2).await.token, "10.20.2.1", "toggled", true).await.expect_json(200);
    assert_eq!(state.followers, 2, "the refused unfollow changed nothing");
}

async fn follows_counted_net(e: Arc<Edge>) {
    e.create_account("netted", "Netted", "").await;
    e.create_offer_post("netted", "NET", 3600, None).await;
    let toggler = visitor(&e, 26, 1).await;
    for follow in [true, false, true] {
        follow_from(&e, &toggler.token, "10.26.1.1", "netted", follow).await.expect(200);
    }
    let stats: Value = e.admin(e.get("/v1/accounts/netted/stats")).send().await.expect_json(200);
    let today = stats["days"].as_array().and_then(|days| days.last()).expect("today");
    assert_eq!((today["follows"].as_u64(), today["unfollows"].as_u64()), (Some(1), Some(0)), "stats: {today}");
    let offers: Value = e.admin(e.get("/v1/accounts/netted/offers")).send().await.expect_json(200);
    let offer = &offers["offers"][0];
    assert_eq!((offer["follows"].as_u64(), offer["unfollows"].as_u64()), (Some(1), Some(0)), "offer: {offer}");
}

async fn follows_per_address(e: Arc<Edge>) {
    e.create_account("crowded", "Crowded", "").await;
    for n in 1..=4 {
        let bot = visitor(&e, 21, n).await;
        follow_from(&e, &bot.token, &format!("2001:db8:21::{n}"), "crowded", true).await.expect(200);
    }
    let bot = visitor(&e, 21, 5).await;
    follow_from(&e, &bot.token, "2001:db8:21::5", "crowded", true).await.expect_error(429, "rate_limited");
    follow_from(&e, &bot.token, "10.21.5.1", "crowded", true).await.expect(200);
}

async fn claims_per_address(e: Arc<Edge>) {
    e.create_account("generous", "Generous", "").await;
    let post = e.create_offer_post("generous", "BIKE20", 3600, Some(3)).await;
    let mut bots = Vec::new();
    for n in 1..=3 {
        let bot = visitor(&e, 22, n).await;
        follow_from(&e, &bot.token, &format!("10.22.{n}.1"), "generous", true).await.expect(200);
        bots.push(bot);
    }
    claim_from(&e, &bots[0].token, "2001:db8:22::1", &post.id).await.expect(201);
    claim_from(&e, &bots[1].token, "2001:db8:22::2", &post.id).await.expect(201);
    claim_from(&e, &bots[2].token, "2001:db8:22::3", &post.id).await.expect_error(429, "rate_limited");
    let follower = visitor(&e, 22, 9).await;
    follow_from(&e, &follower.token, "10.22.9.1", "generous", true).await.expect(200);
    let claimed: Claimed = claim_from(&e, &follower.token, "10.22.9.1", &post.id).await.expect_json(201);
    assert_eq!(claimed.code, "BIKE20", "the real follower gets the last code");
}

async fn claims_per_visitor(e: Arc<Edge>) {
    e.create_account("keen", "Keen", "").await;
    let post = e.create_offer_post("keen", "KEEN", 3600, None).await;
    let keen = visitor(&e, 23, 1).await;
    follow_from(&e, &keen.token, "10.23.1.1", "keen", true).await.expect(200);
    claim_from(&e, &keen.token, "10.23.1.1", &post.id).await.expect(201);
    claim_from(&e, &keen.token, "10.23.1.2", &post.id).await.expect(200);
    claim_from(&e, &keen.token, "10.23.1.3", &post.id).await.expect_error(429, "rate_limited");
}

async fn live_per_64(e: Arc<Edge>) {
    e.create_account("watched", "Watched", "").await;
    let base = e.base_url();
    let _first = LiveClient::connect_from(&base, "watched", Some("2001:db8:24:1::1")).await.expect("first");
    let _second = LiveClient::connect_from(&base, "watched", Some("2001:db8:24:1::2")).await.expect("second");
    let (code, reason) = refused(&base, "watched", "2001:db8:24:1::3").await.expect("the third is closed");
    assert_eq!((code, reason.as_str()), (CLOSE_TOO_MANY, TOO_MANY_REASON));
    let other = LiveClient::connect_from(&base, "watched", Some("2001:db8:24:2::1")).await.expect("another /64");
    assert!(!other.is_closed());
    // Another account's hub counts its own.
    e.create_account("elsewhere", "Elsewhere", "").await;
    LiveClient::connect_from(&base, "elsewhere", Some("2001:db8:24:1::3")).await.expect("another account");
}

async fn min_version_ahead(e: Arc<Edge>) {
    e.create_account("ahead", "Ahead", "").await;
    let fan = visitor(&e, 25, 1).await;
    tokio::time::sleep(LAG + Duration::from_secs(3)).await;
    let huge = "/v1/accounts/ahead?min_version=18446744073709551615";
    let first = e.get(huge).send().await;
    first.expect(200);
    // A write: the hub's version grows; the view in KV stays behind (LAG).
    let written = version(follow_from(&e, &fan.token, "10.25.1.1", "ahead", true).await.expect(200));
    assert!(written > version(&first));
    let again = e.get(huge).send().await;
    again.expect(200);
    assert!(version(&again) < written, "answered from KV, not the hub: {}", again.describe());
}
