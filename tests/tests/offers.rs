//! Offers for followers against the real Worker: created with their post,
//! claimed by followers only, each once, exactly up to their limit, refused
//! after their end; and their code never in a public read, a feed, a live
//! event or a search.

use gazouillis_protocol::live::Event;
use gazouillis_protocol::offer::{Claimed, Offers};
use gazouillis_protocol::{PostPage, Session};
use gazouillis_tests::www::{WwwServer, widget_page};
use gazouillis_tests::{Browser, Edge, LiveClient, SETTLE, Suite, ensure_eq, eventually, in_seconds, repo_root};
use futures_util::future::join_all;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

const CODE: &str = "FIDELE-20";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offers() {
    let mut suite = Suite::new("offers", Edge::start().await);
    suite.step("bad offers are refused with invalid_offer", refused_offers).await;
    suite.step("the code is in no public read, feed, live event or search; followers get it once", code_stays_private).await;
    suite.step("100 concurrent claims of an offer limited to 50: exactly 50 codes", exactly_the_limit).await;
    suite.step("an ended offer answers 410 offer_ended, a post without one 404", ended).await;
    suite.step("in Chromium, a visitor follows and gets the code in one click, in French", follow_to_reveal).await;
    suite.finish(|edge| edge.dump_log()).await;
}

async fn claim(e: &Edge, post: &str, token: &str) -> gazouillis_tests::Resp {
    e.post(&format!("/v1/posts/{post}/offer/claim")).bearer(token).send().await
}

async fn refused_offers(e: Arc<Edge>) {
    e.create_account("strict", "Strict", "").await;
    for offer in [
        json!({"code": "", "ends_at": in_seconds(60)}),
        json!({"code": "two words", "ends_at": in_seconds(60)}),
        json!({"code": "x".repeat(41), "ends_at": in_seconds(60)}),
        json!({"code": "OK", "ends_at": in_seconds(-60)}),
        json!({"code": "OK", "ends_at": "next week"}),
        json!({"code": "OK", "ends_at": in_seconds(60), "limit": 0}),
    ] {
        let answer = e.admin_post("/v1/accounts/strict/posts", &json!({"text": "Offer", "offer": offer})).await;
        answer.expect_error(422, "invalid_offer");
    }
    for offer in [json!({"code": "OK"}), json!({"code": "OK", "ends_at": in_seconds(60), "limit": -1}), json!("OK")] {
        e.admin_post("/v1/accounts/strict/posts", &json!({"text": "Offer", "offer": offer})).await.expect_error(400, "malformed_json");
    }
    let feed: PostPage = e.get("/v1/accounts/strict/posts").send().await.expect_json(200);
    assert!(feed.posts.is_empty(), "a refused offer's post was written: {feed:?}");
}

async fn code_stays_private(e: Arc<Edge>) {
    e.create_account("shop", "Shop", "").await;
    let live = LiveClient::connect(&e.base_url(), "shop").await.unwrap();
    let post = e.create_offer_post("shop", CODE, 3600, Some(10)).await;
    let offer = post.offer.clone().expect("the post shows its offer");
    assert_eq!((offer.limit, offer.claimed), (Some(10), 0));
    let (fan, stranger): (Session, Session) = (e.new_session("Fan").await, e.new_session("Stranger").await);
    e.follow(&fan.token, "shop").await;
    claim(&e, &post.id, &stranger.token).await.expect_error(403, "not_following");
    claim(&e, "x", &stranger.token).await.expect_error(400, "invalid_id");
    e.post(&format!("/v1/posts/{}/offer/claim", post.id)).send().await.expect_error(401, "unauthorized");
    let first: Claimed = claim(&e, &post.id, &fan.token).await.expect_json(201);
    assert_eq!(first.code, CODE);
    let again: Claimed = claim(&e, &post.id, &fan.token).await.expect_json(200);
    assert_eq!(again, first, "claimed again: the same code, the same claim");
    // The count, exact, in every public read once the views settle.
    eventually(SETTLE, || async {
        ensure_eq!(e.post_of(&post.id).await?.offer.map(|o| o.claimed), Some(1), "claims counted once");
        Ok(())
    })
    .await;
    // Every public read of the account, its pages, feeds and embeds, and the live push: no code.
    let seq = post.id.trim_start_matches("shop-");
    let reads = [
        "/v1/accounts/shop/posts".to_owned(),
        format!("/v1/posts/{}", post.id),
        format!("/v1/posts/{}/replies", post.id),
        "/v1/accounts/shop".to_owned(),
        "/v1/accounts/shop/search?q=abonnes".to_owned(),
        "/v1/accounts/shop/posts?min_version=1000000000".to_owned(),
        format!("/v1/posts/{}?min_version=1000000000", post.id),
        "/@shop".to_owned(),
        format!("/@shop/{seq}"),
        "/@shop/search?q=abonnes".to_owned(),
        "/@shop/feed.atom".to_owned(),
        "/@shop/feed.rss".to_owned(),
        "/@shop/feed.json".to_owned(),
        "/embed/shop".to_owned(),
        format!("/embed/shop/{seq}"),
    ];
    for path in &reads {
        let answer = e.get(path).send().await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.describe());
        assert!(!answer.text().contains(CODE), "{path} shows the code: {}", answer.text());
    }
    let hits = e.search("shop", "q=abonnes", None).await;
    assert_eq!(hits.hits.len(), 1, "the post is found");
    let timeline = e.timeline_all(&fan.token, None).await.unwrap();
    assert!(timeline.iter().all(|p| !serde_json::to_string(p).unwrap().contains(CODE)), "the timeline shows the code");
    let pushed = live.wait_for(Duration::from_secs(10), |event| matches!(event, Event::Post { .. })).await.unwrap();
    assert!(matches!(&pushed, Event::Post { post: p } if p.offer.is_some()), "the live post shows its offer: {pushed:?}");
    assert!(!serde_json::to_string(&live.events()).unwrap().contains(CODE), "a live event shows the code");
    // The brand's list: the code, its claims, and the follow while it ran.
    let offers: Offers = e.admin(e.get("/v1/accounts/shop/offers")).send().await.expect_json(200);
    assert_eq!(offers.offers.len(), 1);
    let listed = &offers.offers[0];
    assert_eq!((listed.post.as_str(), listed.code.as_str(), listed.offer.claimed, listed.follows), (post.id.as_str(), CODE, 1, 1));
    e.get("/v1/accounts/shop/offers").bearer(&fan.token).send().await.expect_error(403, "forbidden");
}

async fn exactly_the_limit(e: Arc<Edge>) {
    e.create_account("rush", "Rush", "").await;
    let post = e.create_offer_post("rush", "RUSH-50", 3600, Some(50)).await;
    let mut visitors = Vec::new();
    for n in 0..100 {
        let visitor = e.new_session(&format!("Fan {n}")).await;
        e.follow(&visitor.token, "rush").await;
        visitors.push(visitor);
    }
    let answers = join_all(visitors.iter().map(|visitor| claim(&e, &post.id, &visitor.token))).await;
    let codes = answers.iter().filter(|answer| answer.status == 201).count();
    let exhausted = answers.iter().filter(|answer| answer.check_error(410, "offer_exhausted").is_ok()).count();
    assert_eq!((codes, exhausted), (50, 50), "{:?}", answers.iter().map(|a| a.status).collect::<Vec<_>>());
    eventually(SETTLE, || async {
        let offer = e.post_of(&post.id).await?.offer.ok_or("no offer")?;
        ensure_eq!(offer.claimed, 50, "claims counted");
        Ok(())
    })
    .await;
}

async fn ended(e: Arc<Edge>) {
    e.create_account("flash", "Flash", "").await;
    let post = e.create_offer_post("flash", "FLASH", 4, None).await;
    let plain = e.create_post("flash", "No offer here.").await;
    let fan = e.new_session("Quick").await;
    e.follow(&fan.token, "flash").await;
    claim(&e, &plain.id, &fan.token).await.expect_error(404, "offer_not_found");
    claim(&e, "flash-zz", &fan.token).await.expect_error(404, "post_not_found");
    let early: Claimed = claim(&e, &post.id, &fan.token).await.expect_json(201);
    tokio::time::sleep(Duration::from_millis(4_500)).await;
    let late = e.new_session("Late").await;
    e.follow(&late.token, "flash").await;
    claim(&e, &post.id, &late.token).await.expect_error(410, "offer_ended");
    // Who claimed in time keeps their code.
    let kept: Claimed = claim(&e, &post.id, &fan.token).await.expect_json(200);
    assert_eq!(kept, early, "the code kept");
    assert_eq!(kept.code, "FLASH");
}

async fn follow_to_reveal(e: Arc<Edge>) {
    e.create_account("velo", "Vélo", "").await;
    let post = e.create_offer_post("velo", "VELO-15", 3600, Some(5)).await;
    // The page opens on the public feed: once it holds the post.
    e.until_feed_holds("velo", 1).await;
    let www = WwwServer::start(&repo_root().join("www"), &e.base_url());
    www.add_page("/test/offer.html", &widget_page("", "<gazouillis-feed account=\"velo\" lang=\"fr\"></gazouillis-feed>"));
    let browser = Browser::start().await;
    let tab = browser.new_context().await;
    tab.goto(&format!("{}/test/offer.html", www.origin())).await;
    eventually(Duration::from_secs(40), || async {
        ensure_eq!(tab.text(".gz-offer-title").await?, "Offre réservée aux abonnés", "the offer");
        ensure_eq!(tab.text(".gz-offer .gz-meta").await?.ends_with("0/5 pris"), true, "its claims");
        ensure_eq!(tab.text("button.gz-claim").await?, "Suivre pour obtenir le code", "the button");
        Ok(())
    })
    .await;
    let violations = tab.axe().await.unwrap();
    assert!(violations.is_empty(), "axe: {violations:?}");
    // No session yet: the first click asks for a name, the second follows and claims.
    tab.click("button.gz-claim").await.unwrap();
    tab.type_text(".gz-claim-form input.gz-name", "Inès").await.unwrap();
    tab.click("button.gz-claim").await.unwrap();
    eventually(Duration::from_secs(20), || async {
        ensure_eq!(tab.text(".gz-code code").await?, "VELO-15", "the code");
        ensure_eq!(tab.text("button.gz-follow").await?, "Abonné", "the header follows");
        Ok(())
    })
    .await;
    let listed: Offers = e.admin(e.get("/v1/accounts/velo/offers")).send().await.expect_json(200);
    assert_eq!((listed.offers[0].post.as_str(), listed.offers[0].offer.claimed, listed.offers[0].follows), (post.id.as_str(), 1, 1));
    tab.close().await;
}
