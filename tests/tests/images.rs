//! Pictures on brand posts against the real Worker and its local R2: each
//! format uploaded and served back byte for byte with its type and
//! five minutes' caching; wrong types (whatever the name or declared type),
//! 6 MB and missing alt text refused with their codes; a post shows its
//! pictures with their sizes; deleting the post deletes them; the brand
//! deletes an upload no post took, and not one a post took.

use gazouillis_protocol::media::Uploaded;
use gazouillis_protocol::Post;
use gazouillis_tests::browser::ESCAPE;
use gazouillis_tests::www::{WwwServer, widget_page};
use gazouillis_tests::{Browser, Edge, SETTLE, Suite, ensure, ensure_eq, eventually, repo_root};
use std::time::Duration;
use serde_json::json;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images() {
    let e = Edge::start().await;
    e.create_account("acme", "Acme", "Bikes").await;
    let mut suite = Suite::new("images", e);
    suite.step("each format is stored and served back byte for byte, with its type, cached five minutes", round_trip).await;
    suite.step("refused: other types whatever their name, 6 MB, missing alt text, more than 4, reused", refused).await;
    suite.step("a post shows its pictures with their sizes; deleting it deletes them", with_post).await;
    suite.step("an upload no post took is deleted by the brand; one on a post is not", delete_upload).await;
    suite.step("in Chromium: space reserved, lazy, opened large on a click, closed with Escape", in_the_widget).await;
    suite.finish(|edge| edge.dump_log()).await;
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo_root().join("tests/fixtures/images").join(name)).expect("fixture picture")
}

async fn upload(e: &Edge, bytes: Vec<u8>, content_type: &str) -> gazouillis_tests::Resp {
    e.admin(e.post("/v1/accounts/acme/media")).header("content-type", content_type).raw(bytes).send().await
}

async fn round_trip(e: Arc<Edge>) {
    for (name, kind, mime) in [
        ("bike.jpg", "jpeg", "image/jpeg"),
        ("bike.png", "png", "image/png"),
        ("bike.webp", "webp", "image/webp"),
        ("bike.gif", "gif", "image/gif"),
        ("bike.avif", "avif", "image/avif"),
    ] {
        let bytes = fixture(name);
        // The declared type is not what counts.
        let uploaded: Uploaded = upload(&e, bytes.clone(), "application/octet-stream").await.expect_json(201);
        let answer = serde_json::to_value(&uploaded).unwrap();
        assert_eq!((answer["type"].as_str(), uploaded.width, uploaded.height), (Some(kind), 40, 30), "{name}");
        let served = e.get(&format!("/media/acme/{}", uploaded.id)).send().await;
        assert_eq!(served.status, 200, "{name}: {}", served.describe());
        assert_eq!(served.body, bytes, "{name} served back changed");
        assert_eq!(served.header("content-type").as_deref(), Some(mime), "{name}");
        assert_eq!(served.header("cache-control").as_deref(), Some("public, max-age=300"), "{name}");
        assert_eq!(served.header("x-content-type-options").as_deref(), Some("nosniff"), "{name}");
    }
    for missing in ["/media/acme/000000000000000000000000", "/media/acme/../x", "/media/Acme/000000000000000000000000", "/media/acme"] {
        e.get(missing).send().await.expect_error(404, "not_found");
    }
}

async fn refused(e: Arc<Edge>) {
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec();
    upload(&e, svg, "image/png").await.expect_error(415, "unsupported_image");
    upload(&e, b"%PDF-1.7 not a picture".to_vec(), "image/jpeg").await.expect_error(415, "unsupported_image");
    upload(&e, fixture("bike.png")[..20].to_vec(), "image/png").await.expect_error(415, "unsupported_image");
    upload(&e, Vec::new(), "image/png").await.expect_error(415, "unsupported_image");
    let mut big = fixture("bike.png");
    big.resize(6 * 1024 * 1024, 0);
    upload(&e, big, "image/png").await.expect_error(413, "image_too_large");
    let visitor = e.new_session("Visitor").await;
    e.post("/v1/accounts/acme/media").bearer(&visitor.token).raw(fixture("bike.png")).send().await.expect_error(403, "forbidden");

    let id = upload(&e, fixture("bike.png"), "image/png").await.expect_json::<Uploaded>(201).id;
    for images in [
        json!([{"id": id, "alt": ""}]),
        json!([{"id": id, "alt": "   "}]),
        json!([{"id": id, "alt": "a".repeat(1_001)}]),
        json!([{"id": "000000000000000000000000", "alt": "unknown"}]),
        json!([{"id": id, "alt": "twice"}, {"id": id, "alt": "twice"}]),
        json!((0..5).map(|_| json!({"id": id, "alt": "five"})).collect::<Vec<_>>()),
    ] {
        post(&e, images).await.expect_error(422, "invalid_images");
    }
    post(&e, json!([{"id": id}])).await.expect_error(400, "malformed_json");
    // Refused posts wrote nothing: the picture is still free for a post.
    let shown: Post = post(&e, json!([{"id": id, "alt": "A blue bike"}])).await.expect_json(201);
    assert_eq!(shown.images.len(), 1);
    post(&e, json!([{"id": id, "alt": "again"}])).await.expect_error(422, "invalid_images");
}

/// `POST /v1/accounts/acme/posts` with these `images`.
async fn post(e: &Edge, images: serde_json::Value) -> gazouillis_tests::Resp {
    e.admin_post("/v1/accounts/acme/posts", &json!({"text": "A picture", "images": images})).await
}

async fn with_post(e: Arc<Edge>) {
    let first = upload(&e, fixture("bike.webp"), "image/webp").await.expect_json::<Uploaded>(201);
    let second = upload(&e, fixture("bike.jpg"), "image/jpeg").await.expect_json::<Uploaded>(201);
    let body = json!({"text": "Two views of the new bike.", "images": [{"id": first.id, "alt": "The bike, side view"}, {"id": second.id, "alt": "The bike, from the front"}]});
    let post: Post = e.admin_post("/v1/accounts/acme/posts", &body).await.expect_json(201);
    let expected = json!([
        {"url": format!("/media/acme/{}", first.id), "alt": "The bike, side view", "width": 40, "height": 30},
        {"url": format!("/media/acme/{}", second.id), "alt": "The bike, from the front", "width": 40, "height": 30},
    ]);
    assert_eq!(serde_json::to_value(&post.images).unwrap(), expected);
    eventually(SETTLE, || async {
        ensure_eq!(serde_json::to_value(e.post_of(&post.id).await?.images).unwrap(), expected, "the post's view");
        Ok(())
    })
    .await;
    e.delete_post(&post.id).await;
    for id in [&first.id, &second.id] {
        e.get(&format!("/media/acme/{id}")).send().await.expect_error(404, "not_found");
    }
}

async fn delete_upload(e: Arc<Edge>) {
    let waiting = upload(&e, fixture("bike.png"), "image/png").await.expect_json::<Uploaded>(201);
    let posted = upload(&e, fixture("bike.jpg"), "image/jpeg").await.expect_json::<Uploaded>(201);
    let on_post: Post = post(&e, json!([{"id": posted.id, "alt": "A blue bike"}])).await.expect_json(201);
    let path = |id: &str| format!("/v1/accounts/acme/media/{id}");

    e.delete(&path(&waiting.id)).send().await.expect_error(401, "unauthorized");
    let visitor = e.new_session("Visitor").await;
    e.delete(&path(&waiting.id)).bearer(&visitor.token).send().await.expect_error(403, "forbidden");
    e.admin(e.delete(&path("not-an-id"))).send().await.expect_error(400, "invalid_id");
    e.admin(e.delete(&path("000000000000000000000000"))).send().await.expect_error(404, "not_found");
    e.admin(e.delete("/v1/accounts/nobody/media/000000000000000000000000")).send().await.expect_error(404, "account_not_found");
    e.admin(e.delete(&path(&posted.id))).send().await.expect_error(409, "image_in_use");
    e.get(&format!("/media/acme/{}", posted.id)).send().await.expect(200);

    e.admin(e.delete(&path(&waiting.id))).send().await.expect(204);
    e.get(&format!("/media/acme/{}", waiting.id)).send().await.expect_error(404, "not_found");
    e.admin(e.delete(&path(&waiting.id))).send().await.expect_error(404, "not_found");
    post(&e, json!([{"id": waiting.id, "alt": "Deleted"}])).await.expect_error(422, "invalid_images");
    e.delete_post(&on_post.id).await;
}

async fn in_the_widget(e: Arc<Edge>) {
    e.create_account("gallery", "Gallery", "").await;
    let uploaded: Uploaded =
        e.admin(e.post("/v1/accounts/gallery/media")).raw(fixture("bike.png")).send().await.expect_json(201);
    let body = json!({"text": "The new bike.", "images": [{"id": uploaded.id, "alt": "A blue bike with a white stripe"}]});
    e.admin_post("/v1/accounts/gallery/posts", &body).await.expect(201);
    // The page opens on the public feed: once it holds the post.
    e.until_feed_holds("gallery", 1).await;
    let www = WwwServer::start(&repo_root().join("www"), &e.base_url());
    www.add_page("/test/gallery.html", &widget_page("", "<gazouillis-feed account=\"gallery\"></gazouillis-feed>"));
    let browser = Browser::start().await;
    let tab = browser.new_context().await;
    tab.goto(&format!("{}/test/gallery.html", www.origin())).await;
    let picture = "const img = document.querySelector('gazouillis-feed').shadowRoot.querySelector('.gz-image img');
        if (!img) return null;
        const box = img.getBoundingClientRect();
        return {src: img.getAttribute('src'), alt: img.alt, loading: img.loading, width: img.getAttribute('width'), height: img.getAttribute('height'), ratio: box.height / box.width};";
    let shown = eventually(Duration::from_secs(40), || async {
        let shown = tab.js(picture, vec![]).await?;
        ensure!(!shown.is_null(), "no picture yet");
        Ok(shown)
    })
    .await;
    assert_eq!(shown["src"], json!(format!("{}/media/gallery/{}", e.base_url(), uploaded.id)));
    assert_eq!((&shown["alt"], &shown["loading"], &shown["width"], &shown["height"]), (&json!("A blue bike with a white stripe"), &json!("lazy"), &json!("40"), &json!("30")));
    let ratio = shown["ratio"].as_f64().unwrap();
    assert!((ratio - 0.75).abs() < 0.02, "its space is its own ratio, 30/40: {ratio}");
    assert!(tab.axe().await.unwrap().is_empty(), "axe");
    let dialog = "const d = document.querySelector('gazouillis-feed').shadowRoot.querySelector('dialog.gz-lightbox');
        const img = d.querySelector('img');
        return {open: d.open, src: img ? img.getAttribute('src') : null};";
    tab.click(".gz-image").await.unwrap();
    eventually(Duration::from_secs(5), || async {
        let state = tab.js(dialog, vec![]).await?;
        ensure_eq!(state["open"], json!(true), "the large picture is open");
        ensure_eq!(state["src"], shown["src"], "the large picture");
        Ok(())
    })
    .await;
    tab.keys(&ESCAPE.to_string()).await.unwrap();
    eventually(Duration::from_secs(5), || async {
        ensure_eq!(tab.js(dialog, vec![]).await?, json!({"open": false, "src": null}), "closed by Escape");
        Ok(())
    })
    .await;
    tab.close().await;
}
