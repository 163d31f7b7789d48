//! Search (`GET /v1/accounts/{handle}/search?q=`) against the real Worker and
//! its hubs' FTS5 index: words, phrases, prefixes and hashtags with case,
//! accents and ligatures folded; newest first, paged; the ranges that
//! matched; what the public may find against what the brand finds; and
//! hostile queries, which get a 4xx or results, never a 5xx.

use gazouillis_protocol::{Found, IssuedToken, Mentions, SearchHit, SearchResults, Watches};
use gazouillis_tests::edge::describe_hit;
use gazouillis_tests::{Edge, Suite};
use serde_json::json;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search() {
    let e = Edge::start().await;
    seed(&e).await;
    let mut suite = Suite::new("search", e);
    suite.step("words, phrases, prefixes, hashtags; case, accents and ligatures folded", finds).await;
    suite.step("newest first, paged by cursor, with the ranges that matched", pages_and_ranges).await;
    suite.step("the public never finds hidden, deleted or queued replies; the brand finds them marked", visibility).await;
    suite.step("hostile queries get a 4xx or results, never a 5xx", hostile).await;
    suite.step("the operator searches several accounts at once, merged by date, paged", across).await;
    suite.step("watched terms: what matches them when written becomes a mention, gone with its item", mentions).await;
    suite.finish(|edge| edge.dump_log()).await;
}

/// What `q` finds, newest first, as `kind id` (`hidden` marked), for `token` or the public.
async fn found(e: &Edge, q: &str, token: Option<&str>) -> Vec<String> {
    hits(e, &format!("q={}", encode(q)), token).await.0.iter().map(describe_hit).collect()
}

async fn hits(e: &Edge, query: &str, token: Option<&str>) -> (Vec<SearchHit>, Option<String>) {
    let results = e.search("shop", query, token).await;
    (results.hits, results.next)
}

fn encode(q: &str) -> String {
    q.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// shop-0 .. shop-2 and their replies, in this order.
async fn seed(e: &Edge) {
    e.create_account("shop", "Shop", "").await;
    e.create_post("shop", "Un vélo pour l’été #Promo").await; // shop-0
    e.create_post("shop", "Notre cœur de gamme : le VÉLO électrique").await; // shop-1
    e.create_post("shop", "Horaires d'ouverture").await; // shop-2
    let (ana, bob) = (e.new_session("Ana").await, e.new_session("Bob").await);
    e.reply(&ana.token, "shop-0", "Quel été ! Le vélo est-il livré ?").await; // shop-0-0
    e.reply(&bob.token, "shop-1", "Livraison en Belgique ?").await; // shop-1-0
    e.reply(&ana.token, "shop-1", "j'adore le #velo").await; // shop-1-1
}

async fn finds(e: Arc<Edge>) {
    let e = &*e;
    assert_eq!(found(e, "ete", None).await, ["reply shop-0-0", "post shop-0"], "accents and case");
    assert_eq!(found(e, "COEUR", None).await, ["post shop-1"], "œ folded");
    assert_eq!(found(e, "velo electrique", None).await, ["post shop-1"], "every word must match");
    assert_eq!(found(e, "\"velo electrique\"", None).await, ["post shop-1"], "a phrase");
    assert!(found(e, "\"electrique velo\"", None).await.is_empty(), "a phrase in order");
    assert_eq!(found(e, "livr", None).await, ["reply shop-1-0", "reply shop-0-0"], "the last word as a prefix");
    assert!(found(e, "livr ", None).await.is_empty(), "a space ends the word");
    assert_eq!(found(e, "#velo", None).await, ["reply shop-1-1"], "a hashtag finds only itself");
    assert_eq!(found(e, "promo", None).await, ["post shop-0"], "a word finds its hashtag");
    assert_eq!(found(e, "velo ", None).await, ["reply shop-1-1", "reply shop-0-0", "post shop-1", "post shop-0"]);
    e.get("/v1/accounts/nobody/search?q=velo").send().await.expect_error(404, "account_not_found");
}

async fn pages_and_ranges(e: Arc<Edge>) {
    let e = &*e;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = format!("q=velo%20&limit=1{}", cursor.map(|c| format!("&cursor={c}")).unwrap_or_default());
        let (page, next) = hits(e, &query, None).await;
        assert!(page.len() <= 1);
        seen.extend(page.iter().map(describe_hit));
        match next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, found(e, "velo ", None).await, "pages in order, each hit once");
    let (page, _) = hits(e, "q=VELO%20electrique", None).await;
    let Found::Post(post) = &page[0].found else { panic!("{page:?}") };
    let utf16 = |s: &str| s.encode_utf16().count();
    let at = |needle: &str| {
        let start = post.text.find(needle).unwrap();
        [utf16(&post.text[..start]), utf16(&post.text[..start + needle.len()])]
    };
    assert_eq!(page[0].matches, [at("VÉLO"), at("électrique")]);
    e.get("/v1/accounts/shop/search?q=velo&cursor=no-pe").send().await.expect_error(400, "invalid_cursor");
    e.get("/v1/accounts/shop/search?q=velo&limit=51").send().await.expect_error(400, "invalid_limit");
}

async fn visibility(e: Arc<Edge>) {
    let e = &*e;
    let brand: IssuedToken = e.admin_post("/v1/accounts/shop/tokens", &json!({"name": "Desk"})).await.expect_json(201);
    let brand = Some(brand.token.as_str());
    let carol = e.new_session("Carol").await;
    let bad = e.reply(&carol.token, "shop-2", "Arnaque totale, ouverture bidon").await;
    // Hidden reply: out of public results, the brand's marked.
    e.admin(e.put(&format!("/v1/replies/{}/hidden", bad.id))).json(&json!({"hidden": true})).send().await.expect(200);
    assert!(found(e, "arnaque", None).await.is_empty());
    assert_eq!(found(e, "arnaque", brand).await, [format!("reply {} hidden", bad.id)]);
    // A hidden post hides its replies too.
    e.admin(e.put("/v1/posts/shop-2/hidden")).json(&json!({"hidden": true})).send().await.expect(200);
    assert!(found(e, "ouverture", None).await.is_empty());
    assert_eq!(found(e, "ouverture", brand).await, [format!("reply {} hidden", bad.id), "post shop-2 hidden".into()]);
    e.admin(e.put("/v1/posts/shop-2/hidden")).json(&json!({"hidden": false})).send().await.expect(200);
    assert_eq!(found(e, "ouverture", None).await, ["post shop-2"]);
    // Queued: the brand's only, until approved.
    e.admin(e.put("/v1/accounts/shop/settings")).json(&json!({"blocked_words": ["escroc"]})).send().await.expect(200);
    let held = e.post("/v1/posts/shop-2/replies").bearer(&carol.token).json(&json!({"text": "Escroc de vélo"})).send().await;
    held.expect(202);
    assert!(found(e, "escroc", None).await.is_empty());
    assert_eq!(found(e, "escroc", brand).await, ["queued 0"]);
    e.admin(e.post("/v1/accounts/shop/queue/0/approve")).send().await.expect(201);
    let approved = found(e, "escroc", None).await;
    assert_eq!(approved.len(), 1, "approved: public, once: {approved:?}");
    assert!(approved[0].starts_with("reply shop-2-"), "{approved:?}");
    // Deleted: gone for everyone.
    e.admin(e.delete(&format!("/v1/replies/{}", bad.id))).send().await.expect(204);
    assert!(found(e, "arnaque", brand).await.is_empty());
    // A wrong brand token is refused, not read as the public.
    e.get("/v1/accounts/shop/search?q=velo").bearer("shop.0a1b2c3d.ffffffffffffffffffffffffffffffff").send().await.expect_error(401, "unauthorized");
}

async fn across(e: Arc<Edge>) {
    let e = &*e;
    e.create_account("cafe", "Café", "").await;
    e.create_post("cafe", "Un café et un vélo").await; // cafe-0
    let ana = e.new_session("Ana").await;
    e.reply(&ana.token, "cafe-0", "Le vélo du café !").await; // cafe-0-0
    let search = |query: String| async move {
        let results: SearchResults = e.admin(e.get(&format!("/v1/search?{query}"))).send().await.expect_json(200);
        results
    };
    let all = search("q=velo%20&accounts=shop,cafe,nobody".into()).await;
    let listed: Vec<String> = all.hits.iter().map(describe_hit).collect();
    // Every hit of both accounts, newest first by date across them.
    let mut expected: Vec<(String, String)> = Vec::new();
    for handle in ["shop", "cafe"] {
        let own: SearchResults = e.admin(e.get(&format!("/v1/accounts/{handle}/search?q=velo%20&limit=50"))).send().await.expect_json(200);
        expected.extend(own.hits.iter().map(|hit| (hit.found.created_at().to_owned(), describe_hit(hit))));
    }
    expected.sort_by(|a, b| b.0.cmp(&a.0));
    assert_eq!(listed, expected.into_iter().map(|(_, d)| d).collect::<Vec<_>>());
    assert_eq!(&listed[..2], ["reply cafe-0-0", "post cafe-0"], "the newest account's first");
    assert_eq!(all.next, None);
    // One by one, with the cursor: the same hits, each once.
    let mut paged = Vec::new();
    let mut query = "q=velo%20&accounts=shop,cafe&limit=1".to_owned();
    loop {
        let page = search(query.clone()).await;
        paged.extend(page.hits.iter().map(describe_hit));
        match page.next {
            Some(next) => query = format!("q=velo%20&limit=1&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(paged, listed);
    // Refusals.
    e.admin(e.get("/v1/search?q=velo")).send().await.expect_error(400, "invalid_accounts");
    e.admin(e.get("/v1/search?q=velo&accounts=Shop")).send().await.expect_error(400, "invalid_accounts");
    let many = (0..21).map(|n| format!("a{n}")).collect::<Vec<_>>().join(",");
    e.admin(e.get(&format!("/v1/search?q=velo&accounts={many}"))).send().await.expect_error(400, "invalid_accounts");
    e.admin(e.get("/v1/search?q=velo&cursor=shop..zzzz")).send().await.expect_error(400, "invalid_cursor");
    e.admin(e.get("/v1/search?q=&accounts=shop")).send().await.expect_error(400, "invalid_query");
    e.get("/v1/search?q=velo&accounts=shop").send().await.expect_error(401, "unauthorized");
    let brand: IssuedToken = e.admin_post("/v1/accounts/shop/tokens", &json!({"name": "Other"})).await.expect_json(201);
    e.get("/v1/search?q=velo&accounts=shop").bearer(&brand.token).send().await.expect_error(403, "forbidden");
}

async fn mentions(e: Arc<Edge>) {
    let e = &*e;
    e.create_account("desk", "Desk", "").await;
    let brand: IssuedToken = e.admin_post("/v1/accounts/desk/tokens", &json!({"name": "Desk"})).await.expect_json(201);
    let brand = brand.token.as_str();
    let put = |body: serde_json::Value| e.put("/v1/accounts/desk/watches").bearer(brand).json(&body).send();
    // Checked: each a search, at most 100; stored once each, as typed.
    put(json!({"terms": ["ok", "  "]})).await.expect_error(422, "invalid_watches");
    let many: Vec<String> = (0..101).map(|n| format!("w{n}")).collect();
    put(json!({"terms": many})).await.expect_error(422, "invalid_watches");
    put(json!({"terms": "retard"})).await.expect_error(400, "malformed_json");
    let stored: Watches = put(json!({"terms": ["Retard", "retard", "\"en panne\"", "#promo"]})).await.expect_json(200);
    assert_eq!(stored.terms, ["Retard", "\"en panne\"", "#promo"]);
    let read: Watches = e.get("/v1/accounts/desk/watches").bearer(brand).send().await.expect_json(200);
    assert_eq!(read, stored);
    e.get("/v1/accounts/desk/watches").send().await.expect_error(401, "unauthorized");
    e.get("/v1/accounts/desk/mentions").send().await.expect_error(401, "unauthorized");

    let post = e.post("/v1/accounts/desk/posts").bearer(brand).json(&json!({"text": "Notre #Promo d'hiver"})).send().await;
    post.expect(201);
    let bob = e.new_session("Bob").await;
    let late = e.reply(&bob.token, "desk-0", "Mon colis est en RETARD et le vélo en panne").await;
    e.reply(&bob.token, "desk-0", "Rien à signaler").await;
    e.admin(e.put("/v1/accounts/desk/settings")).json(&json!({"blocked_words": ["arnaque"]})).send().await.expect(200);
    e.post("/v1/posts/desk-0/replies").bearer(&bob.token).json(&json!({"text": "Arnaque, toujours en retard"})).send().await.expect(202);

    let listed: Mentions = e.get("/v1/accounts/desk/mentions").bearer(brand).send().await.expect_json(200);
    let seen: Vec<(String, Vec<String>)> = listed.mentions.iter().map(|m| (describe_hit(&m.hit), m.terms.clone())).collect();
    assert_eq!(seen, [
        ("queued 0".to_owned(), vec!["Retard".to_owned()]),
        (format!("reply {}", late.id), vec!["Retard".to_owned(), "\"en panne\"".to_owned()]),
        ("post desk-0".to_owned(), vec!["#promo".to_owned()]),
    ]);
    let text = &late.text;
    let at = |needle: &str| {
        let start = text.find(needle).unwrap();
        [text[..start].encode_utf16().count(), text[..start + needle.len()].encode_utf16().count()]
    };
    assert_eq!(listed.mentions[1].hit.matches, [at("RETARD"), at("en panne")]);
    // Paged, and gone with its item.
    let first: Mentions = e.get("/v1/accounts/desk/mentions?limit=1").bearer(brand).send().await.expect_json(200);
    assert_eq!(first.mentions.len(), 1);
    let next = first.next.expect("a next page");
    let second: Mentions = e.get(&format!("/v1/accounts/desk/mentions?limit=1&cursor={next}")).bearer(brand).send().await.expect_json(200);
    assert_eq!(describe_hit(&second.mentions[0].hit), format!("reply {}", late.id));
    e.delete(&format!("/v1/replies/{}", late.id)).bearer(&bob.token).send().await.expect(204);
    e.admin(e.delete("/v1/accounts/desk/queue/0")).send().await.expect(204);
    let left: Mentions = e.get("/v1/accounts/desk/mentions").bearer(brand).send().await.expect_json(200);
    assert_eq!(left.mentions.iter().map(|m| describe_hit(&m.hit)).collect::<Vec<_>>(), ["post desk-0"]);
}

async fn hostile(e: Arc<Edge>) {
    let e = &*e;
    let long = "velo ".repeat(2048);
    let queries: Vec<String> = [
        "\"", "\"\"", "\"velo", "velo\"", "*", "velo*", "^velo", "NEAR(velo ete)", "velo OR ete", "velo AND", "NOT velo", "velo NOT ete",
        "(velo", ")", "col:velo", "body:velo", "{body}: velo", "+velo", "-velo", "velo:", "'", "''", "\\", "%", "_", "#", "##", "#*",
        ":", ";", "velo; DROP TABLE posts", "\u{0}", "\u{202E}velo", "🚲", "é", "œ", "\u{301}",
    ]
    .iter()
    .map(|q| q.to_string())
    .chain([long, "a".repeat(10_000)])
    .collect();
    for q in &queries {
        let answer = e.get(&format!("/v1/accounts/shop/search?q={}", encode(q))).send().await;
        assert!(answer.status < 500, "{q:?}: {}", answer.describe());
        if answer.status == 200 {
            answer.check_json::<SearchResults>(200).unwrap_or_else(|err| panic!("{q:?}: {err}"));
        } else {
            answer.check_error(400, "invalid_query").unwrap_or_else(|err| panic!("{q:?}: {err}"));
        }
    }
    // Invalid UTF-8 and no query at all.
    for raw in ["q=%FF%FE%FD", "q=%C3", "q=%", "q=", ""] {
        let answer = e.get(&format!("/v1/accounts/shop/search?{raw}")).send().await;
        assert!(answer.status < 500, "{raw}: {}", answer.describe());
    }
    e.get("/v1/accounts/shop/search?q=").send().await.expect_error(400, "invalid_query");
    e.get(&format!("/v1/accounts/shop/search?q={}", "a".repeat(10_000))).send().await.expect_error(400, "invalid_query");
    // The index is intact after all that.
    assert_eq!(found(e, "COEUR", None).await, ["post shop-1"]);
}
