//! An account's feeds (`/@{handle}/feed.atom`, `feed.rss`, `feed.json`)
//! against the real Worker, read with Python's `feedparser` as a feed reader
//! reads them: the newest 50 posts, newest first, each with its date and
//! its page's link; the JSON Feed valid against the JSON Feed 1.1 schema;
//! ETags and 304; hostile text inert; bad paths and methods refused.

use gazouillis_protocol::Post;
use gazouillis_protocol::time::millis_from_rfc3339;
use gazouillis_tests::feeds::{read_feed, ReadFeed};
use gazouillis_tests::{Edge, SETTLE, Suite, ensure, ensure_eq, eventually};
use std::sync::Arc;

const FORMATS: [(&str, &str, &str); 3] = [
    ("feed.atom", "atom", "application/atom+xml; charset=utf-8"),
    ("feed.rss", "rss", "application/rss+xml; charset=utf-8"),
    ("feed.json", "json", "application/feed+json; charset=utf-8"),
];

/// Script, markup, quotes, an XML section's end and right-to-left words.
const HOSTILE: &str = "<script>alert('x')</script> <img src=x onerror=alert(1)> \"q\" & ]]> שלום עולם";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds() {
    let e = Edge::start().await;
    e.create_account("acme", "Acme <b>&</b> \"Vélos\"", "Des vélos pour tous").await;
    let mut suite = Suite::new("feeds", e);
    suite.step("each feed reads in feedparser: newest first, dates, links, titles", reads_in_feedparser).await;
    suite.step("the newest 50 posts, the JSON Feed valid against its schema (which refuses a broken one)", fifty_and_schema).await;
    suite.step("hostile text stays text in every feed", hostile_text).await;
    suite.step("ETag: 304 while unchanged, a new one after a post", etags).await;
    suite.step("unknown accounts, files and methods are refused", refused).await;
    suite.finish(|edge| edge.dump_log()).await;
}

/// The feed `file` of `handle` once it holds `count` entries, read by feedparser.
async fn feed_of(e: &Edge, handle: &str, file: &str, count: usize) -> ReadFeed {
    let kind = FORMATS.iter().find(|(name, ..)| *name == file).expect("a feed file").1;
    eventually(SETTLE, || async {
        let answer = e.get(&format!("/@{handle}/{file}")).send().await;
        answer.check(200)?;
        let feed = read_feed(kind, &answer.body)?;
        ensure!(feed.bozo.is_none(), "{file}: feedparser complains: {:?}\n{}", feed.bozo, answer.text());
        ensure_eq!(feed.entries.len(), count, "{file} entries");
        Ok(feed)
    })
    .await
}

async fn reads_in_feedparser(e: Arc<Edge>) {
    let posts = [
        e.create_post("acme", "Premier message").await,
        e.create_post("acme", "Le vélo #Été2026 chez @acme : https://acme.example/velo?c=bleu&t=2").await,
    ];
    let base = e.base_url();
    for (file, _, content_type) in FORMATS {
        let feed = feed_of(&e, "acme", file, 2).await;
        assert_eq!(feed.title.as_deref(), Some("Acme <b>&</b> \"Vélos\""), "{file}");
        assert_eq!(feed.link.as_deref(), Some(format!("{base}/@acme").as_str()), "{file}");
        for (entry, post) in feed.entries.iter().zip(posts.iter().rev()) {
            let page = format!("{base}/@acme/{}", post.id.trim_start_matches("acme-"));
            assert_eq!(entry.link.as_deref(), Some(page.as_str()), "{file}");
            assert_eq!(entry.id.as_deref(), Some(page.as_str()), "{file}");
            let seconds = millis_from_rfc3339(&post.created_at).unwrap() as i64 / 1000;
            assert_eq!(entry.published, Some(seconds), "{file}: {}", post.created_at);
        }
        let content = feed.entries[0].content.as_deref().unwrap_or_default();
        assert!(content.contains(&format!("href=\"{base}/@acme/search?q=%23%C3%89t%C3%A92026\"")), "{file}: hashtag: {content}");
        assert!(content.contains("href=\"https://acme.example/velo?c=bleu&amp;t=2\""), "{file}: link: {content}");
        let answer = e.get(&format!("/@acme/{file}")).send().await;
        assert_eq!(answer.header("content-type").as_deref(), Some(content_type));
    }
    // Atom and JSON Feed give each entry a title (the post's text); RSS items have none.
    let atom = feed_of(&e, "acme", "feed.atom", 2).await;
    assert_eq!(atom.entries[1].title.as_deref(), Some("Premier message"));
}

async fn fifty_and_schema(e: Arc<Edge>) {
    e.create_account("busy", "Busy", "").await;
    let mut posts: Vec<Post> = Vec::new();
    for n in 0..53 {
        posts.push(e.create_post("busy", &format!("Message {n}")).await);
    }
    let newest: Vec<String> = posts.iter().rev().take(50).map(|post| post.id.trim_start_matches("busy-").to_owned()).collect();
    for (file, ..) in FORMATS {
        // Fifty entries show before the last posts reach KV: wait for those.
        eventually(SETTLE, || async {
            let feed = feed_of(&e, "busy", file, 50).await;
            let pages: Vec<String> =
                feed.entries.iter().map(|entry| entry.link.clone().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned()).collect();
            ensure_eq!(pages, newest, "{file}: the newest 50, newest first");
            Ok(())
        })
        .await;
    }
    // The schema is a real check: a feed missing an item's id, or with 1.0's
    // `author` object, is refused.
    let broken = r#"{"version":"https://jsonfeed.org/version/1.1","title":"x","author":{"name":"x"},"items":[{"content_text":"x"}]}"#;
    let refused = read_feed("json", broken.as_bytes()).expect_err("a broken JSON Feed");
    assert!(refused.contains("ValidationError"), "{refused}");
}

async fn hostile_text(e: Arc<Edge>) {
    e.create_account("bad", HOSTILE.chars().take(40).collect::<String>().as_str(), HOSTILE).await;
    e.create_post("bad", HOSTILE).await;
    for (file, ..) in FORMATS {
        let feed = feed_of(&e, "bad", file, 1).await;
        // XML holds no element of the text; a JSON Feed's HTML neither (its
        // `content_text` is the text as written, which readers show as text).
        let raw = e.get(&format!("/@bad/{file}")).send().await.text();
        let html = if file == "feed.json" { feed.entries[0].content.clone().unwrap_or_default() } else { raw };
        assert!(!html.contains("<script") && !html.contains("<img"), "{file}: markup in the feed:\n{html}");
        if file != "feed.rss" {
            assert_eq!(feed.entries[0].title.as_deref(), Some(HOSTILE), "{file}: the text comes back as it was written");
        }
        // The entry's HTML shows the markup as text.
        let content = feed.entries[0].content.as_deref().unwrap_or_default();
        assert!(content.contains("&lt;script&gt;alert('x')&lt;/script&gt;") && content.contains("שלום עולם"), "{file}: {content}");
    }
}

async fn etags(e: Arc<Edge>) {
    e.create_account("tagged", "Tagged", "").await;
    e.create_post("tagged", "Un").await;
    for (file, ..) in FORMATS {
        feed_of(&e, "tagged", file, 1).await;
        let first = e.get(&format!("/@tagged/{file}")).send().await;
        let etag = first.header("etag").expect("an ETag");
        let again = e.get(&format!("/@tagged/{file}")).header("if-none-match", &etag).send().await;
        assert_eq!((again.status, again.body.len()), (304, 0), "{file}: {}", again.describe());
    }
    let etags: Vec<String> = {
        let mut tags = Vec::new();
        for (file, ..) in FORMATS {
            tags.push(e.get(&format!("/@tagged/{file}")).send().await.header("etag").unwrap());
        }
        tags
    };
    e.create_post("tagged", "Deux").await;
    for ((file, ..), etag) in FORMATS.iter().zip(etags) {
        feed_of(&e, "tagged", file, 2).await;
        let answer = e.get(&format!("/@tagged/{file}")).header("if-none-match", &etag).send().await;
        assert_eq!(answer.status, 200, "{file}: a changed feed is sent again");
        assert_ne!(answer.header("etag"), Some(etag), "{file}");
    }
}

async fn refused(e: Arc<Edge>) {
    e.get("/@ghost/feed.atom").send().await.expect_error(404, "account_not_found");
    e.get("/@Not-A-Handle/feed.rss").send().await.expect_error(404, "account_not_found");
    e.get("/@acme/feed.xml").send().await.expect_error(404, "not_found");
    // Past a feed's name is no feed: a page that says so (see pages.rs).
    assert_eq!(e.get("/@acme/feed.json/more").send().await.status, 404);
    e.post("/@acme/feed.atom").send().await.expect_error(405, "method_not_allowed");
}
