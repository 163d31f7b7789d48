//! The widget built on stable alone (`target/xtask/stable-widget/`, which
//! `cargo xtask test` builds beside the shipped nightly build) works: served
//! from a site of its own against the real Worker in Chromium, it takes over
//! the edge's first view, goes live, follows and replies.

use gazouillis_tests::www::WwwServer;
use gazouillis_tests::{Browser, Edge, ensure, ensure_eq, eventually, repo_root};
use std::time::Duration;

/// Loading the widget in a fresh page, or a write reaching it.
const WIDGET: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stable_build() {
    let dir = repo_root().join("target/xtask/stable-widget");
    assert!(dir.join("gazouillis_widget_bg.wasm").is_file(), "no stable build in {}: `cargo xtask test` builds it", dir.display());
    let (e, browser) = tokio::join!(Edge::start(), Browser::start());
    e.create_account("acme", "Acme", "").await;
    let post = e.create_post("acme", "Built on stable").await;
    // The first view is read from KV: once it holds the post.
    e.until_feed_holds("acme", 1).await;
    let site = WwwServer::start(&dir, &e.base_url());
    let api = e.base_url();
    site.add_page(
        "/stable.html",
        &format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>stable</title>\
             <script type=\"module\" src=\"/gazouillis.js\"></script></head>\
             <body><gazouillis-feed account=\"acme\" api=\"{api}\"></gazouillis-feed></body></html>"
        ),
    );
    let tab = browser.new_context().await;
    tab.goto(&format!("{}/stable.html", site.origin())).await;
    let loaded = "return [...performance.getEntriesByType('resource')].map(r => r.name).filter(n => n.endsWith('.wasm'));";
    assert_eq!(tab.js(loaded, vec![]).await.unwrap(), serde_json::json!([format!("{}/gazouillis_widget_bg.wasm", site.origin())]));
    eventually(WIDGET, || async {
        ensure_eq!(tab.texts(".gz-post-text").await?, vec!["Built on stable".to_owned()], "the post");
        let ready = tab.js("const host = document.querySelector('gazouillis-feed'); return [host.hasAttribute('data-ready'), host.dataset.live];", vec![]).await?;
        ensure_eq!(ready, serde_json::json!([true, "on"]), "taken over and live");
        Ok(())
    })
    .await;
    // Follow: the name first, then following.
    tab.click("button.gz-follow").await.unwrap();
    eventually(WIDGET, || async {
        tab.type_text("input.gz-name", "Stable Fan").await?;
        tab.click("button.gz-follow").await
    })
    .await;
    eventually(WIDGET, || async {
        ensure_eq!(tab.attr("button.gz-follow", "aria-pressed").await?.as_deref(), Some("true"), "following");
        ensure_eq!(tab.text("span.gz-followers-count").await?, "1", "followers");
        Ok(())
    })
    .await;
    // Reply, then see the reply and its count.
    tab.click(&format!("article.gz-post[data-id=\"{}\"] button.gz-open-replies", post.id)).await.unwrap();
    eventually(WIDGET, || async {
        tab.type_text("textarea.gz-reply-input", "Stable reply").await?;
        tab.click("button.gz-send").await
    })
    .await;
    eventually(WIDGET, || async {
        ensure_eq!(tab.texts(".gz-reply-text").await?, vec!["Stable reply".to_owned()], "the reply");
        ensure!(e.post_of(&post.id).await?.replies == 1, "the reply stored");
        Ok(())
    })
    .await;
    tab.close().await;
}
