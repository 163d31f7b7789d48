//! Stores written by an older edge, kept under `tests/fixtures/`, to prove
//! that a newer edge opens them with nothing lost.
//!
//! [`seed`] writes a small but complete world through the API (every kind of
//! thing a hub keeps: posts, replies, follows, brand tokens, settings, the SSO
//! secret, queued and hidden items, deletions) and [`snapshot`] reads it all
//! back. `src/bin/make_hub_fixture.rs` runs both against an older build and
//! saves the store with the snapshot; `tests/migration.rs` opens that store
//! with the current build and compares.

use crate::edge::Store;
use gazouillis_protocol::token;
use crate::{Edge, repo_root};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

/// What a fixture holds besides its store: the secrets it was written with,
/// the tokens of its callers, and every read answer once it had settled.
#[derive(Serialize, Deserialize)]
pub struct Fixture {
    /// The commit of the edge that wrote the store.
    pub written_by: String,
    pub admin_token: String,
    pub session_secret: String,
    /// Callers by name: `brand` (a brand token of `acme`), `ana`, `bob`, `cleo` (visitors).
    pub tokens: BTreeMap<String, String>,
    /// `"{caller} {path}"` → the answer's status and JSON body ([`seed`]'s
    /// world); `"{caller} {post}"` → the answer to that claim ([`seed_claims`]'s).
    pub reads: BTreeMap<String, Answer>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

/// The fixture `tests/fixtures/{name}`, and the current edge started on a
/// copy of its store (with `vars`). Its visitors' session tokens are signed
/// again with its secret: they expire a year after the store was written.
pub async fn open(name: &str, vars: &[(&str, &str)]) -> (Edge, Fixture) {
    let dir = repo_root().join("tests/fixtures").join(name);
    let text = std::fs::read_to_string(dir.join("fixture.json")).unwrap_or_else(|e| panic!("{name}/fixture.json: {e}"));
    let mut fixture: Fixture = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}/fixture.json: {e}"));
    let secret = fixture.session_secret.clone().into_bytes();
    let in_a_day = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 24 * 3600;
    for token in fixture.tokens.values_mut() {
        // Brand tokens are not session tokens: they stay.
        if let Some(claims) = token::verify(token, &secret, 0) {
            *token = token::sign(&token::Claims { exp: in_a_day, ..claims }, &secret);
        }
    }
    let store = Store {
        root: repo_root(),
        state: Some(dir.join("state")),
        admin_token: fixture.admin_token.clone(),
        session_secret: fixture.session_secret.clone(),
    };
    (Edge::start_on(store, vars).await, fixture)
}

/// Writes the fixture's world and returns the callers' tokens.
pub async fn seed(e: &Edge) -> BTreeMap<String, String> {
    e.create_account("acme", "Acme", "Bikes and more.").await;
    e.create_account("zest", "Zest", "Lemonade.").await;
    let settings = json!({"moderation": "open", "blocked_words": ["lemon"], "links": "queue", "sso_required": false, "origins": []});
    e.admin(e.put("/v1/accounts/acme/settings")).json(&settings).send().await.expect(200);
    e.admin(e.put("/v1/accounts/acme/sso")).json(&json!({"secret": "twenty-characters-long"})).send().await.expect(204);
    let brand: Value = e.admin_post("/v1/accounts/acme/tokens", &json!({"name": "Community manager"})).await.expect_json(201);
    let old: Value = e.admin_post("/v1/accounts/acme/tokens", &json!({"name": "Old tool"})).await.expect_json(201);
    e.admin(e.delete(&format!("/v1/accounts/acme/tokens/{}", old["id"].as_str().expect("token id")))).send().await.expect(204);
    let brand = brand["token"].as_str().expect("brand token").to_owned();

    let texts = ["Welcome to Acme's channel.", "A post to delete.", "A post to hide.", "New bikes arrive on Monday.", "Spring sale for followers."];
    let mut posts = Vec::new();
    for text in texts {
        posts.push(e.create_post("acme", text).await.id);
    }
    e.create_post("zest", "Fresh lemonade today.").await;
    e.delete_post(&posts[1]).await;
    e.admin(e.put(&format!("/v1/posts/{}/hidden", posts[2]))).json(&json!({"hidden": true})).send().await.expect(200);

    let [ana, bob, cleo] = [e.new_session("Ana").await, e.new_session("Bob").await, e.new_session("Cléo").await];
    e.reply(&ana.token, &posts[0], "Bonjour !").await;
    e.reply(&ana.token, &posts[3], "Which sizes?").await;
    e.reply(&bob.token, &posts[3], "Great news 🚲").await;
    e.post(&format!("/v1/posts/{}/replies", posts[3])).bearer(&brand).json(&json!({"text": "From S to XL."})).send().await.expect(201);
    let gone = e.reply(&cleo.token, &posts[3], "A reply to delete.").await;
    e.delete(&format!("/v1/replies/{}", gone.id)).bearer(&cleo.token).send().await.expect(204);
    let hidden = e.reply(&bob.token, &posts[0], "A reply to hide.").await;
    e.admin(e.put(&format!("/v1/replies/{}/hidden", hidden.id))).json(&json!({"hidden": true})).send().await.expect(200);

    // The queue: 0 waits (a blocked word), 1 is approved (a link), 2 is rejected.
    for (token, post, text) in [(&ana.token, &posts[3], "I love lemon."), (&bob.token, &posts[0], "See https://example.com"), (&ana.token, &posts[4], "Lemon again.")] {
        e.post(&format!("/v1/posts/{post}/replies")).bearer(token).json(&json!({"text": text})).send().await.expect(202);
    }
    e.admin(e.post("/v1/accounts/acme/queue/1/approve")).send().await.expect(201);
    e.admin(e.delete("/v1/accounts/acme/queue/2")).send().await.expect(204);

    e.follow(&ana.token, "acme").await;
    e.follow(&ana.token, "zest").await;
    e.follow(&bob.token, "acme").await;
    e.follow(&cleo.token, "acme").await;
    e.unfollow(&cleo.token, "acme").await;

    BTreeMap::from([("brand".into(), brand), ("ana".into(), ana.token), ("bob".into(), bob.token), ("cleo".into(), cleo.token)])
}

/// The world of `tests/fixtures/claims-v9`, claims of offers made before
/// their index existed: Ana follows acme and zest and claims both their
/// offers; Bob claims acme's, then unfollows it. Returns the callers'
/// tokens and each claim's answer, as `"{caller} {post}"`.
pub async fn seed_claims(e: &Edge) -> (BTreeMap<String, String>, BTreeMap<String, Answer>) {
    const TEN_YEARS: i64 = 10 * 365 * 24 * 3600;
    e.create_account("acme", "Acme", "Bikes and more.").await;
    e.create_account("zest", "Zest", "Lemonade.").await;
    let acme = e.create_offer_post("acme", "ACME-10", TEN_YEARS, None).await.id;
    let zest = e.create_offer_post("zest", "ZEST-5", TEN_YEARS, Some(100)).await.id;
    let [ana, bob] = [e.new_session("Ana").await, e.new_session("Bob").await];
    e.follow(&ana.token, "acme").await;
    e.follow(&ana.token, "zest").await;
    e.follow(&bob.token, "acme").await;
    let mut claims = BTreeMap::new();
    for (caller, token, post) in [("ana", &ana.token, &acme), ("ana", &ana.token, &zest), ("bob", &bob.token, &acme)] {
        let claimed = e.claim(token, post).await;
        claims.insert(format!("{caller} {post}"), Answer { status: 201, body: json!(claimed) });
    }
    e.unfollow(&bob.token, "acme").await;
    // The follows in KV (what the store is saved with), as `/v1/me` reads them.
    for (session, following) in [(&ana, vec!["acme", "zest"]), (&bob, vec![])] {
        crate::eventually(crate::SETTLE, || async {
            let me: Value = e.get("/v1/me").bearer(&session.token).send().await.check_json(200)?;
            crate::ensure_eq!(me["following"], json!(following), "{}'s follows in KV", session.visitor.name);
            Ok(())
        })
        .await;
    }
    (BTreeMap::from([("ana".into(), ana.token), ("bob".into(), bob.token)]), claims)
}

/// Every read of the fixture's world, as `(caller, path)`; caller `admin`
/// is the operator, `public` no token.
pub fn reads() -> Vec<(&'static str, String)> {
    let mut reads: Vec<(&str, String)> = Vec::new();
    for handle in ["acme", "zest"] {
        reads.push(("public", format!("/v1/accounts/{handle}")));
        reads.push(("public", format!("/v1/accounts/{handle}/posts?limit=50")));
    }
    for post in ["acme-0", "acme-1", "acme-2", "acme-3", "acme-4", "zest-0"] {
        reads.push(("public", format!("/v1/posts/{post}")));
        reads.push(("public", format!("/v1/posts/{post}/replies?limit=50")));
    }
    for path in ["tokens", "settings", "queue", "hidden"] {
        reads.push(("admin", format!("/v1/accounts/acme/{path}")));
    }
    for visitor in ["ana", "bob", "cleo"] {
        reads.push((visitor, "/v1/me".into()));
        reads.push((visitor, "/v1/timeline?limit=50".into()));
        reads.push((visitor, "/v1/accounts/acme/follow".into()));
    }
    reads
}

/// Reads everything [`reads`] lists, with `query` added to each path (e.g.
/// `min_version=…`), as the callers of `tokens`.
pub async fn snapshot(e: &Edge, tokens: &BTreeMap<String, String>, query: &str) -> BTreeMap<String, Answer> {
    let mut answers = BTreeMap::new();
    for (caller, path) in reads() {
        let sent = match query {
            "" => path.clone(),
            query if path.contains('?') => format!("{path}&{query}"),
            query => format!("{path}?{query}"),
        };
        let req = match caller {
            "public" => e.get(&sent),
            "admin" => e.admin(e.get(&sent)),
            visitor => e.get(&sent).bearer(&tokens[visitor]),
        };
        let resp = req.send().await;
        let body = serde_json::from_str(&resp.text()).unwrap_or(Value::Null);
        answers.insert(format!("{caller} {path}"), Answer { status: resp.status, body });
    }
    answers
}

/// [`snapshot`] once the views have settled: two snapshots a flush apart agree.
pub async fn settled_snapshot(e: &Edge, tokens: &BTreeMap<String, String>) -> BTreeMap<String, Answer> {
    let mut last = snapshot(e, tokens, "").await;
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let now = snapshot(e, tokens, "").await;
        if now == last {
            return now;
        }
        last = now;
    }
    panic!("the views did not settle in 45 s")
}
