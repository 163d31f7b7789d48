//! Turnstile on visitor session creation, against the real Worker with
//! `TURNSTILE_SECRET` set and Turnstile played by a local stand-in: no token,
//! a wrong one, a solved one, siteverify down; SSO sessions need none; and
//! the widget, in headless Chromium, shows the challenge before a new
//! visitor's first reply, and only then.

use gazouillis_protocol::Session;
use gazouillis_tests::turnstile::{TurnstileStandIn, PASS};
use gazouillis_tests::{sso, Browser, Edge, SETTLE, Suite, Tab, ensure, ensure_eq, eventually};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

const SECRET: &str = "turnstile-secret-for-tests";

const SITE_KEY: &str = "site-key-for-tests";
/// How long the widget may take to show something (a slow, shared machine).
const WIDGET: Duration = Duration::from_secs(30);

struct Ctx {
    edge: Edge,
    verify: TurnstileStandIn,
    _browser: Browser,
    tab: Tab,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turnstile() {
    let verify = TurnstileStandIn::start(SECRET);
    let vars = [
        ("TURNSTILE_SECRET", SECRET),
        ("TURNSTILE_SITE_KEY", SITE_KEY),
        ("TURNSTILE_VERIFY_URL", &verify.url()),
        ("TURNSTILE_SCRIPT_URL", &verify.script_url()),
    ];
    let (edge, browser) = tokio::join!(Edge::start_with(&vars), Browser::start());
    let tab = browser.new_context().await;
    let mut suite = Suite::new("turnstile", Ctx { edge, verify, _browser: browser, tab });
    suite.step("a session needs a solved challenge, checked with siteverify", challenge).await;
    suite.step("a customer signed in by SSO needs none", sso_needs_none).await;
    suite.step("the widget shows the challenge before a new visitor's first reply, and only then", widget).await;
    suite.step("siteverify unreachable: refused, 503", verify_down).await;
    suite.finish(|ctx| ctx.edge.dump_log()).await;
}

async fn challenge(ctx: Arc<Ctx>) {
    let e = &ctx.edge;
    let new_session = |body: serde_json::Value| async move { e.post("/v1/session").json(&body).send().await };
    new_session(json!({"name": "Bot"})).await.expect_error(403, "turnstile_required");
    new_session(json!({"name": "Bot", "turnstile": ""})).await.expect_error(403, "turnstile_required");
    new_session(json!({"name": "Bot", "turnstile": "forged"})).await.expect_error(403, "turnstile_failed");
    let calls = ctx.verify.calls();
    assert_eq!(calls.len(), 1, "siteverify calls: {calls:?}");
    assert_eq!((calls[0]["secret"].as_str(), calls[0]["response"].as_str()), (Some(SECRET), Some("forged")));
    assert!(calls[0]["remoteip"].is_string(), "the client's address goes along: {calls:?}");
    // Longer than any Turnstile token: refused without asking.
    new_session(json!({"name": "Bot", "turnstile": "x".repeat(2049)})).await.expect_error(403, "turnstile_failed");
    assert_eq!(ctx.verify.calls().len(), 1);

    let session: Session = new_session(json!({"name": "Human", "turnstile": PASS})).await.expect_json(201);
    e.create_account("guarded", "Guarded", "").await;
    let post = e.create_post("guarded", "Hello").await;
    let reply = e.reply(&session.token, &post.id, "Hello, human here").await;
    assert_eq!(reply.author.name, "Human");
}

async fn sso_needs_none(ctx: Arc<Ctx>) {
    let e = &ctx.edge;
    const SSO_SECRET: &str = "the-shop-sso-secret-0123456789";
    e.create_account("shop", "Shop", "").await;
    e.admin(e.put("/v1/accounts/shop/sso")).json(&json!({"secret": SSO_SECRET})).send().await.expect(204);
    let sso = sso::token(SSO_SECRET, "shop", "client-7", "Claire");
    let calls = ctx.verify.calls().len();
    e.post("/v1/session/sso").json(&json!({"account": "shop", "sso": sso})).send().await.expect(201);
    assert_eq!(ctx.verify.calls().len(), calls, "no siteverify call for an SSO session");
}

async fn verify_down(_ctx: Arc<Ctx>) {
    let e = Edge::start_with(&[("TURNSTILE_SECRET", SECRET), ("TURNSTILE_VERIFY_URL", "http://127.0.0.1:9/siteverify")]).await;
    e.post("/v1/session").json(&json!({"name": "Human", "turnstile": PASS})).send().await.expect_error(503, "turnstile_unavailable");
}

async fn widget(ctx: Arc<Ctx>) {
    let (e, tab) = (&ctx.edge, &ctx.tab);
    e.create_account("acme", "Acme", "").await;
    let post = e.create_post("acme", "Tell us what you think").await;
    // The product page opens the post's conversation: once it can be read.
    eventually(SETTLE, || async { e.post_of(&post.id).await.map(drop) }).await;
    let info: serde_json::Value = e.get("/v1/accounts/acme").send().await.expect_json(200);
    assert_eq!(info["turnstile"], json!({"site_key": SITE_KEY, "script": ctx.verify.script_url()}));
    tab.goto(&format!("{}/product.html", e.base_url())).await;
    let calls = ctx.verify.calls().len();
    for (n, text) in ["First, after the check", "Second, no new check"].into_iter().enumerate() {
        eventually(WIDGET, || async {
            tab.type_text("textarea.gz-reply-input", text).await?;
            if tab.count("input.gz-name").await? > 0 {
                tab.type_text("input.gz-name", "Human").await?;
            }
            tab.click("button.gz-send").await
        })
        .await;
        eventually(WIDGET, || async {
            let replies: Vec<String> = tab.replies().await?.into_iter().filter_map(|r| r.text).collect();
            ensure!(replies.iter().any(|r| r == text), "{text:?} not shown in {replies:?}");
            Ok(())
        })
        .await;
        assert_eq!(ctx.verify.calls().len(), calls + 1, "siteverify calls after reply {}", n + 1);
    }
    let shown = tab.js("return window.standInTurnstile;", vec![]).await.expect("read the stand-in's note");
    assert_eq!(shown, json!({"sitekey": SITE_KEY, "inWidget": true}));
    eventually(WIDGET, || async {
        ensure_eq!(tab.count(".gz-challenge").await?, 0, "the challenge is gone once solved");
        ensure_eq!(e.replies_all(&post.id, None).await?.len(), 2, "replies stored");
        Ok(())
    })
    .await;
}
