//! Who may write what in a conversation, against the real Worker: the brand
//! answers as itself with a verified mark; a visitor deletes their own reply
//! and no one else's; the brand deletes any reply; a deleted reply leaves the
//! thread, the counts and the live push; brand tokens act for one account
//! only, until revoked.

use gazouillis_protocol::live::Event;
use gazouillis_protocol::token::{self, Claims};
use gazouillis_protocol::{Author, Badge, IssuedToken, Post, Reply, Session, TokenInfo};
use gazouillis_tests::{sso, Edge, LiveClient, SETTLE, Suite, ensure_eq, eventually};
use base64::Engine;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trust() {
    let mut suite = Suite::new("trust", Edge::start().await);
    suite.spawn("the brand replies as itself, verified", brand_replies);
    suite.spawn("a visitor deletes their own reply, and no one else's", visitor_deletes_own);
    suite.spawn("the brand deletes any reply: gone from thread, counts and push", brand_deletes_any);
    suite.spawn("deleting a reply: each wrong request has its error", delete_errors);
    suite.spawn("brand tokens: post and moderate one account only, until revoked", brand_tokens);
    suite.spawn("SSO: a customer signed in on the site replies as a verified customer", sso);
    suite.finish(|edge| edge.dump_log()).await;
}

async fn delete_reply(e: &Edge, token: &str, id: &str) -> gazouillis_tests::Resp {
    e.delete(&format!("/v1/replies/{id}")).bearer(token).send().await
}

async fn brand_replies(e: Arc<Edge>) {
    e.create_account("shop", "The Shop", "").await;
    let post = e.create_post("shop", "Ask us anything").await;
    let reply: Reply = e
        .admin(e.post(&format!("/v1/posts/{}/replies", post.id)))
        .json(&json!({"text": "Yes, it ships on Monday."}))
        .send()
        .await
        .expect_json(201);
    let brand = Author { id: "@shop".into(), name: "The Shop".into(), badge: Some(Badge::Brand) };
    assert_eq!(reply.author, brand);
    let visitor = e.new_session("Sam").await;
    let answer = e.reply(&visitor.token, &post.id, "thanks").await;
    assert_eq!(answer.author.badge, None, "a visitor gets no badge");
    eventually(SETTLE, || async {
        let listed = e.replies_all(&post.id, None).await?;
        ensure_eq!(listed, vec![reply.clone(), answer.clone()], "replies");
        Ok(())
    })
    .await;
    // The badge is the edge's word: a visitor cannot claim it.
    e.post(&format!("/v1/posts/{}/replies", post.id))
        .bearer(&visitor.token)
        .json(&json!({"text": "I am the brand", "badge": "brand"}))
        .send()
        .await
        .expect_error(400, "malformed_json");
}

async fn visitor_deletes_own(e: Arc<Edge>) {
    e.create_account("cafe", "Café", "").await;
    let post = e.create_post("cafe", "New menu").await;
    let (alice, bob) = (e.new_session("Alice").await, e.new_session("Bob").await);
    let first = e.reply(&alice.token, &post.id, "looks good").await;
    let second = e.reply(&bob.token, &post.id, "vegan options?").await;
    delete_reply(&e, &bob.token, &first.id).await.expect_error(403, "forbidden");
    delete_reply(&e, &alice.token, &first.id).await.expect(204);
    delete_reply(&e, &alice.token, &first.id).await.expect_error(404, "reply_not_found");
    eventually(SETTLE, || async {
        ensure_eq!(e.replies_all(&post.id, None).await?, vec![second.clone()], "replies after deletion");
        ensure_eq!(e.post_of(&post.id).await?.replies, 1, "reply count");
        ensure_eq!(e.feed_all("cafe", None).await?.first().map(|p| p.replies), Some(1), "count in the feed");
        Ok(())
    })
    .await;
    // Numbers are not reused.
    let third = e.reply(&alice.token, &post.id, "again").await;
    assert_eq!(third.id, format!("{}-2", post.id));
}

async fn brand_deletes_any(e: Arc<Edge>) {
    e.create_account("bank", "Bank", "").await;
    let post = e.create_post("bank", "Our new app").await;
    let troll = e.new_session("Troll").await;
    let watcher = LiveClient::connect(&e.base_url(), "bank").await.expect("connect");
    let bad = e.reply(&troll.token, &post.id, "spam spam spam").await;
    e.admin(e.delete(&format!("/v1/replies/{}", bad.id))).send().await.expect(204);
    let pushed = watcher
        .wait_for(Duration::from_secs(5), |e| matches!(e, Event::ReplyDeleted { .. }))
        .await
        .expect("deletion pushed");
    assert_eq!(pushed, Event::ReplyDeleted { id: bad.id.clone(), post: post.id.clone(), replies: 0 });
    eventually(SETTLE, || async {
        ensure_eq!(e.replies_all(&post.id, None).await?, vec![], "replies");
        ensure_eq!(e.post_of(&post.id).await?.replies, 0, "reply count");
        Ok(())
    })
    .await;
}

async fn delete_errors(e: Arc<Edge>) {
    e.create_account("strict", "Strict", "").await;
    let post = e.create_post("strict", "Rules").await;
    let visitor = e.new_session("Val").await;
    let reply = e.reply(&visitor.token, &post.id, "ok").await;
    e.delete(&format!("/v1/replies/{}", reply.id)).send().await.expect_error(401, "unauthorized");
    delete_reply(&e, "forged.token", &reply.id).await.expect_error(401, "unauthorized");
    delete_reply(&e, &visitor.token, &post.id).await.expect_error(400, "invalid_id");
    delete_reply(&e, &visitor.token, "..%2Fstrict-0-0").await.expect_error(400, "invalid_id");
    delete_reply(&e, &visitor.token, &format!("{}-9", post.id)).await.expect_error(404, "reply_not_found");
    delete_reply(&e, &visitor.token, "strict-9-0").await.expect_error(404, "post_not_found");
    e.get(&format!("/v1/replies/{}", reply.id)).send().await.expect_error(405, "method_not_allowed");
    eventually(SETTLE, || async {
        ensure_eq!(e.replies_all(&post.id, None).await?, vec![reply.clone()], "the reply is untouched");
        Ok(())
    })
    .await;
}

async fn brand_tokens(e: Arc<Edge>) {
    e.create_account("studio", "Studio", "").await;
    e.create_account("rival", "Rival", "").await;
    let rival_post = e.create_post("rival", "Not yours").await;
    let issued: IssuedToken = e
        .admin(e.post("/v1/accounts/studio/tokens"))
        .json(&json!({"name": "Community manager"}))
        .send()
        .await
        .expect_json(201);
    let cm = issued.token.clone();
    assert!(cm.starts_with("studio."), "{cm}");

    // The community manager posts, answers as the brand, and moderates.
    let post: Post = e.post("/v1/accounts/studio/posts").bearer(&cm).json(&json!({"text": "Hello from the team"})).send().await.expect_json(201);
    let answer: Reply = e
        .post(&format!("/v1/posts/{}/replies", post.id))
        .bearer(&cm)
        .json(&json!({"text": "We answer here"}))
        .send()
        .await
        .expect_json(201);
    assert_eq!(answer.author, Author { id: "@studio".into(), name: "Studio".into(), badge: Some(Badge::Brand) });
    let visitor = e.new_session("Vic").await;
    let rude = e.reply(&visitor.token, &post.id, "rude words").await;
    delete_reply(&e, &cm, &rude.id).await.expect(204);

    // Another account is out of reach, and so are operator calls.
    e.post("/v1/accounts/rival/posts").bearer(&cm).json(&json!({"text": "hijack"})).send().await.expect_error(403, "forbidden");
    e.delete(&format!("/v1/posts/{}", rival_post.id)).bearer(&cm).send().await.expect_error(403, "forbidden");
    e.post("/v1/accounts").bearer(&cm).json(&json!({"handle": "mine", "name": "Mine"})).send().await.expect_error(403, "forbidden");
    e.post("/v1/accounts/studio/tokens").bearer(&cm).json(&json!({"name": "Another"})).send().await.expect_error(403, "forbidden");
    e.put("/v1/accounts/studio/follow").bearer(&cm).send().await.expect_error(403, "forbidden");
    e.post("/v1/accounts/studio/tokens").bearer(&visitor.token).json(&json!({"name": "Me"})).send().await.expect_error(403, "forbidden");
    e.get("/v1/accounts/studio/tokens").send().await.expect_error(401, "unauthorized");
    // A forged secret for a real id, and a made-up token: 401.
    let forged = format!("studio.{}.{}", issued.id, "0".repeat(32));
    e.post("/v1/accounts/studio/posts").bearer(&forged).json(&json!({"text": "forged"})).send().await.expect_error(401, "unauthorized");

    // The operator lists (never the secret) and revokes.
    let listed: Vec<TokenInfo> = e.admin(e.get("/v1/accounts/studio/tokens")).send().await.expect_json(200);
    assert_eq!(listed, vec![TokenInfo { id: issued.id.clone(), name: "Community manager".into() }]);
    assert!(!e.admin(e.get("/v1/accounts/studio/tokens")).send().await.text().contains(&cm[cm.len() - 32..]));
    e.admin(e.delete(&format!("/v1/accounts/studio/tokens/{}", issued.id))).send().await.expect(204);
    e.admin(e.delete(&format!("/v1/accounts/studio/tokens/{}", issued.id))).send().await.expect_error(404, "not_found");
    e.admin(e.delete("/v1/accounts/studio/tokens/nope")).send().await.expect_error(400, "invalid_id");
    e.post("/v1/accounts/studio/posts").bearer(&cm).json(&json!({"text": "after revocation"})).send().await.expect_error(401, "unauthorized");
    e.admin(e.post("/v1/accounts/nobody/tokens")).json(&json!({"name": "x"})).send().await.expect_error(404, "account_not_found");
    eventually(SETTLE, || async {
        let feed = e.feed_all("studio", None).await?;
        ensure_eq!(feed.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(), ["Hello from the team"], "studio's feed");
        ensure_eq!(e.feed_all("rival", None).await?.len(), 1, "rival's feed untouched");
        Ok(())
    })
    .await;
}

async fn sso(e: Arc<Edge>) {
    const SECRET: &str = "the-shop-sso-secret-0123456789";
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    e.create_account("boutique", "Boutique", "").await;
    e.create_account("other_shop", "Other", "").await;
    let post = e.create_post("boutique", "Questions about your order?").await;
    let elsewhere = e.create_post("other_shop", "Hi").await;
    let sign_in = |sso: String| {
        let e = e.clone();
        async move { e.post("/v1/session/sso").json(&json!({"account": "boutique", "sso": sso})).send().await }
    };
    let claire = || sso::token(SECRET, "boutique", "client-42", "Claire");
    // Before the operator sets the secret, no SSO token is good.
    sign_in(claire()).await.expect_error(401, "unauthorized");
    let visitor = e.new_session("Anon").await;
    e.put("/v1/accounts/boutique/sso").bearer(&visitor.token).json(&json!({"secret": SECRET})).send().await.expect_error(403, "forbidden");
    e.admin(e.put("/v1/accounts/boutique/sso")).json(&json!({"secret": "short"})).send().await.expect_error(400, "bad_request");
    e.admin(e.put("/v1/accounts/boutique/sso")).json(&json!({"secret": SECRET})).send().await.expect(204);

    let session: Session = sign_in(claire()).await.expect_json(201);
    assert_eq!(session.visitor.badge, Some(Badge::Customer));
    assert_eq!(session.visitor.name, "Claire");
    // The session lasts a day, not the year of an anonymous one.
    let (payload, _) = token::split(&session.token).expect("a session token");
    let claims = token::claims(payload, now).expect("a live session");
    assert_eq!(claims.customer_of.as_deref(), Some("boutique"));
    assert!(claims.exp <= now + 24 * 3600 + 60, "an SSO session ends within a day: {} from {now}", claims.exp);
    // The same customer is the same visitor on every sign-in.
    let again: Session = sign_in(claire()).await.expect_json(201);
    assert_eq!(again.visitor.id, session.visitor.id);
    let someone: Session = sign_in(sso::token(SECRET, "boutique", "client-43", "Hugo")).await.expect_json(201);
    assert_ne!(someone.visitor.id, session.visitor.id);
    // A token works once: replayed, even before it expires, it is refused.
    let once = claire();
    sign_in(once.clone()).await.expect(201);
    sign_in(once).await.expect_error(401, "sso_token_used");
    // Forged and altered SSO tokens are refused.
    sign_in(sso::token("not-the-secret-at-all-000", "boutique", "client-42", "Claire")).await.expect_error(401, "unauthorized");
    let mut altered = claire();
    altered.insert(40, 'x');
    sign_in(altered).await.expect_error(401, "unauthorized");
    // Claims a site must not sign: a token for a year, one expired, one for
    // another account, one without an id.
    let wrong = |claim: &str, value: serde_json::Value| {
        let mut claims = sso::claims("boutique", "client-42", "Claire");
        claims[claim] = value;
        sso::sign(&claims, SECRET)
    };
    for token in [wrong("exp", 32_503_680_000u64.into()), wrong("exp", (now - 60).into()), wrong("aud", "other_shop".into()), wrong("jti", "".into())] {
        sign_in(token).await.expect_error(401, "sso_token_claims");
    }
    // The form of before (payload.mac), and unsigned JWTs, are not read.
    let old = token::sign(&Claims { sub: "client-42".into(), name: "Claire".into(), exp: now + 600, customer_of: None, sso_epoch: None }, SECRET.as_bytes());
    sign_in(old).await.expect_error(401, "sso_token_format");
    let b64 = |json: String| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
    let unsigned = format!("{}.{}.", b64(json!({"alg": "none"}).to_string()), b64(sso::claims("boutique", "client-42", "Claire").to_string()));
    sign_in(unsigned).await.expect_error(401, "sso_token_format");
    e.post("/v1/session/sso").json(&json!({"account": "../x", "sso": "a.b"})).send().await.expect_error(422, "invalid_handle");

    // On its account, a customer's reply carries the mark; elsewhere, not.
    let answer = e.reply(&session.token, &post.id, "Where is my parcel?").await;
    assert_eq!(answer.author, Author { id: session.visitor.id.clone(), name: "Claire".into(), badge: Some(Badge::Customer) });
    let other = e.reply(&session.token, &elsewhere.id, "hello").await;
    assert_eq!(other.author.badge, None);
    // An account that requires SSO takes only customers (and its brand).
    e.admin(e.put("/v1/accounts/boutique/settings")).json(&json!({"sso_required": true})).send().await.expect(200);
    e.post(&format!("/v1/posts/{}/replies", post.id))
        .bearer(&visitor.token)
        .json(&json!({"text": "anonymous"}))
        .send()
        .await
        .expect_error(403, "sso_required");
    e.reply(&session.token, &post.id, "still me").await;
    e.admin(e.post(&format!("/v1/posts/{}/replies", post.id))).json(&json!({"text": "On its way!"})).send().await.expect(201);
    // The customer deletes their own reply, from any sign-in.
    delete_reply(&e, &again.token, &answer.id).await.expect(204);
    // A new SSO secret ends the sessions the old one made, on every call;
    // the customer signs in again with a token of the new one.
    const NEW_SECRET: &str = "the-shop-new-sso-secret-98765";
    e.admin(e.put("/v1/accounts/boutique/sso")).json(&json!({"secret": NEW_SECRET})).send().await.expect(204);
    let reply = json!({"text": "after the new secret"});
    e.post(&format!("/v1/posts/{}/replies", post.id)).bearer(&session.token).json(&reply).send().await.expect_error(401, "unauthorized");
    e.put("/v1/accounts/other_shop/follow").bearer(&someone.token).send().await.expect_error(401, "unauthorized");
    sign_in(claire()).await.expect_error(401, "unauthorized");
    let renewed: Session = sign_in(sso::token(NEW_SECRET, "boutique", "client-42", "Claire")).await.expect_json(201);
    assert_eq!(renewed.visitor.id, session.visitor.id, "the same customer, the same visitor");
    e.reply(&renewed.token, &post.id, "signed in again").await;
}
