//! Uploads no post took in time, against the real Worker, its local R2 and
//! the hub's alarm: with `UPLOAD_TTL_SECONDS` at 6, abandoned pictures are
//! deleted from R2 with no other request to the hub, and can no longer go
//! on a post; a picture a post took stays, and uploads go on working. A
//! hidden post's pictures answer 404 until it is shown again, and are
//! cached briefly only; `/media/` answers no method but GET and HEAD.

use gazouillis_protocol::media::Uploaded;
use gazouillis_protocol::Post;
use gazouillis_tests::{Edge, Suite, ensure_eq, eventually, repo_root};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads() {
    let e = Edge::start_also(&[("UPLOAD_TTL_SECONDS", "6")]).await;
    e.create_account("acme", "Acme", "Bikes").await;
    let mut suite = Suite::new("uploads", e);
    suite.step("uploads no post took in time are deleted; one on a post stays", abandoned_uploads_expire).await;
    suite.step("a hidden post's pictures answer 404 until it is shown; no DELETE", hidden_with_post).await;
    suite.finish(|edge| edge.dump_log()).await;
}

async fn upload(e: &Edge) -> Uploaded {
    let bytes = std::fs::read(repo_root().join("tests/fixtures/images/bike.png")).expect("fixture picture");
    e.admin(e.post("/v1/accounts/acme/media")).raw(bytes).send().await.expect_json(201)
}

async fn served(e: &Edge, id: &str) -> u16 {
    e.get(&format!("/media/acme/{id}")).send().await.status
}

async fn abandoned_uploads_expire(e: Arc<Edge>) {
    let kept = upload(&e).await;
    let abandoned = [upload(&e).await, upload(&e).await];
    let body = json!({"text": "The new bike.", "images": [{"id": kept.id, "alt": "A blue bike"}]});
    e.admin_post("/v1/accounts/acme/posts", &body).await.expect(201);
    for upload in &abandoned {
        assert_eq!(served(&e, &upload.id).await, 200, "an upload waiting for a post is served");
    }
    // Only reads of R2 from here: the hub's alarm alone deletes them.
    eventually(Duration::from_secs(60), || async {
        for upload in &abandoned {
            ensure_eq!(served(&e, &upload.id).await, 404, "an abandoned upload");
        }
        Ok(())
    })
    .await;
    assert_eq!(served(&e, &kept.id).await, 200, "the picture on a post");
    let body = json!({"text": "Too late.", "images": [{"id": abandoned[0].id, "alt": "A red bike"}]});
    e.admin_post("/v1/accounts/acme/posts", &body).await.expect_error(422, "invalid_images");
    let late = upload(&e).await;
    assert_eq!(served(&e, &late.id).await, 200, "an upload after the deletion");
}

async fn hide(e: &Edge, post: &str, hidden: bool) {
    e.admin(e.put(&format!("/v1/posts/{post}/hidden"))).json(&json!({ "hidden": hidden })).send().await.expect(200);
}

async fn hidden_with_post(e: Arc<Edge>) {
    let bytes = std::fs::read(repo_root().join("tests/fixtures/images/bike.png")).expect("fixture picture");
    let (first, second) = (upload(&e).await, upload(&e).await);
    let images = [first.id.as_str(), second.id.as_str()].map(|id| json!({"id": id, "alt": "A bike"}));
    let post: Post = e.admin_post("/v1/accounts/acme/posts", &json!({"text": "Two bikes.", "images": images})).await.expect_json(201);
    let shown = e.get(&format!("/media/acme/{}", first.id)).send().await;
    assert_eq!((shown.status, shown.header("cache-control").as_deref()), (200, Some("public, max-age=300")), "{}", shown.describe());

    hide(&e, &post.id, true).await;
    for id in [&first.id, &second.id] {
        e.get(&format!("/media/acme/{id}")).send().await.expect_error(404, "not_found");
    }
    hide(&e, &post.id, true).await;
    hide(&e, &post.id, false).await;
    for id in [&first.id, &second.id] {
        let served = e.get(&format!("/media/acme/{id}")).send().await;
        assert_eq!((served.status, served.body == bytes), (200, true), "shown again: {}", served.describe());
    }

    let path = format!("/media/acme/{}", first.id);
    for req in [e.delete(&path), e.post(&path), e.put(&path), e.admin(e.delete(&path))] {
        req.send().await.expect_error(405, "method_not_allowed");
    }
    assert_eq!(served(&e, &first.id).await, 200, "still there after a DELETE");
}
