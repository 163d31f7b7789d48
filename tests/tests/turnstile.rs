//! Turnstile on visitor session creation, against the real Worker with
//! `TURNSTILE_SECRET` set and siteverify played by a local stand-in: no token,
//! a wrong one, a solved one, siteverify down; SSO sessions need none.

use gazouillis_protocol::token::{self, Claims};
use gazouillis_protocol::Session;
use gazouillis_tests::turnstile::{TurnstileStandIn, PASS};
use gazouillis_tests::{Edge, Suite};
use serde_json::json;
use std::sync::Arc;

const SECRET: &str = "turnstile-secret-for-tests";

struct Ctx {
    edge: Edge,
    verify: TurnstileStandIn,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turnstile() {
    let verify = TurnstileStandIn::start(SECRET);
    let edge = Edge::start_with(&[("TURNSTILE_SECRET", SECRET), ("TURNSTILE_VERIFY_URL", &verify.url())]).await;
    let mut suite = Suite::new("turnstile", Ctx { edge, verify });
    suite.step("a session needs a solved challenge, checked with siteverify", challenge).await;
    suite.step("a customer signed in by SSO needs none", sso_needs_none).await;
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
    let exp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() + 3600;
    let claims = Claims { sub: "client-7".into(), name: "Claire".into(), exp, customer_of: None };
    let sso = token::sign(&claims, SSO_SECRET.as_bytes());
    let calls = ctx.verify.calls().len();
    e.post("/v1/session/sso").json(&json!({"account": "shop", "sso": sso})).send().await.expect(201);
    assert_eq!(ctx.verify.calls().len(), calls, "no siteverify call for an SSO session");
}

async fn verify_down(_ctx: Arc<Ctx>) {
    let e = Edge::start_with(&[("TURNSTILE_SECRET", SECRET), ("TURNSTILE_VERIFY_URL", "http://127.0.0.1:9/siteverify")]).await;
    e.post("/v1/session").json(&json!({"name": "Human", "turnstile": PASS})).send().await.expect_error(503, "turnstile_unavailable");
}
