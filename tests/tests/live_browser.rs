//! The live push in the real widget, in headless Chromium, embedded
//! cross-origin: posts, replies and follower counts reach open widgets with no
//! reload; a widget that lost its connection catches up once, exactly; a page
//! that refuses WebSockets still updates by polling.

use gazouillis_protocol::limits::POLL_SECONDS;
use gazouillis_tests::www::{WwwServer, widget_page};
use gazouillis_tests::{Browser, Edge, SETTLE, Suite, Tab, ensure, ensure_eq, eventually, repo_root};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// Loading the widget (script, wasm, first API calls, live connection).
const WIDGET: Duration = Duration::from_secs(30);
/// What the issue asks of the push: shown in open widgets within 2 s.
const LIVE: Duration = Duration::from_secs(2);

struct Ctx {
    edge: Edge,
    www: WwwServer,
    _browser: Browser,
    a: Tab,
    b: Tab,
    c: Tab,
}

impl Ctx {
    fn page(&self, path: &str) -> String {
        format!("{}{path}", self.www.origin())
    }
}

/// Counts the WebSockets the page opens (`window.__sockets`).
const COUNT_SOCKETS: &str = "<script>const Native = WebSocket; window.__sockets = 0;\
    window.WebSocket = function (url) { window.__sockets++; return new Native(url); };</script>";
/// A page where WebSockets cannot connect.
const REFUSE_SOCKETS: &str = "<script>window.WebSocket = function () { throw new Error('refused'); };</script>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_browser() {
    let (edge, browser) = tokio::join!(Edge::start(), Browser::start());
    let (_, a, b, c) = tokio::join!(seed(&edge), browser.new_context(), browser.new_context(), browser.new_context());
    let www = WwwServer::start(&repo_root().join("www"), &edge.base_url());
    www.add_page("/test/two.html", &widget_page(COUNT_SOCKETS, "<gazouillis-feed account=\"acme\"></gazouillis-feed><gazouillis-feed account=\"acme\" post=\"acme-0\"></gazouillis-feed>"));
    www.add_page("/test/refused.html", &widget_page(REFUSE_SOCKETS, "<gazouillis-feed account=\"acme\"></gazouillis-feed>"));
    www.add_page("/test/popular.html", &widget_page("", "<gazouillis-feed account=\"popular\"></gazouillis-feed>"));
    let mut suite = Suite::new("live_browser", Ctx { edge, www, _browser: browser, a, b, c });
    suite.step("a post shows in two open widgets within 2 s, without reload", post_reaches_both).await;
    suite.step("a reply shows in the other's open conversation within 2 s, count updated", reply_reaches_other).await;
    suite.step("widgets of one account on a page share one connection", one_socket_per_page).await;
    suite.step("100 concurrent follows: every open widget ends with 100", concurrent_follows).await;
    suite.step("after a cut, posts made meanwhile appear once each", catch_up_after_cut).await;
    suite.step("WebSocket refused: posts arrive by polling, with no alarm", polling_fallback).await;
    suite.step("a page opened right after a post shows it, though its first read may predate it", opened_after_post).await;
    suite.step("the brand's reply is verified; a visitor deletes their own, live for all", brand_and_delete).await;
    suite.step("a customer signed in on the site replies without a name prompt, marked customer", sso_customer).await;
    // Last: it makes the account premoderated.
    suite.step("premoderated: a reply waits with a note, then shows live once approved", held_then_approved).await;
    suite.finish(|ctx| ctx.edge.dump_log()).await;
}

async fn seed(e: &Edge) {
    e.create_account("acme", "Acme", "").await;
    e.create_post("acme", "Our new bike is out.").await;
    e.create_post("acme", "Open on Sunday.").await;
    e.create_account("popular", "Popular", "").await;
}

/// Opens `path` and waits for its widget `index` to show posts and be live.
async fn open_live(ctx: &Ctx, tab: &Tab, path: &str) {
    tab.goto(&ctx.page(path)).await;
    wait_live(tab, "on").await;
}

async fn wait_live(tab: &Tab, state: &str) {
    eventually(WIDGET, || async {
        let live = tab.js("return Array.from(document.querySelectorAll('gazouillis-feed')).map(e => e.dataset.live);", vec![]).await?;
        ensure!(live.as_array().is_some_and(|all| all.iter().all(|s| s == state)), "data-live {live}, waiting for {state}");
        ensure!(!tab.posts().await?.is_empty(), "no post shown yet");
        Ok(())
    })
    .await;
}

fn ids(posts: &[gazouillis_tests::PostView]) -> Vec<String> {
    posts.iter().map(|p| p.id.clone().unwrap_or_default()).collect()
}

async fn post_reaches_both(ctx: Arc<Ctx>) {
    let (a, b) = (&ctx.a, &ctx.b);
    tokio::join!(open_live(&ctx, a, "/index.html"), open_live(&ctx, b, "/index.html"));
    let before = ids(&a.posts().await.unwrap());
    let post = ctx.edge.create_post("acme", "Flash sale for our followers: -20% today only").await;
    let posted = Instant::now();
    for tab in [a, b] {
        eventually(LIVE.saturating_sub(posted.elapsed()), || async {
            let button = tab.text(".gz-live[aria-live=polite] button.gz-new-posts").await?;
            // The demo site speaks French.
            ensure_eq!(button, "1 nouvelle publication", "new posts button");
            Ok(())
        })
        .await;
        // What the reader reads has not moved.
        assert_eq!(ids(&tab.posts().await.unwrap()), before, "the list moved before the click");
    }
    a.click("button.gz-new-posts").await.unwrap();
    eventually(WIDGET, || async {
        let shown = a.posts().await?;
        ensure_eq!(shown.first().and_then(|p| p.id.clone()), Some(post.id.clone()), "top post after the click");
        ensure_eq!(shown.len(), before.len() + 1, "posts after the click");
        ensure_eq!(a.count("button.gz-new-posts").await?, 0, "button after the click");
        Ok(())
    })
    .await;
}

async fn reply_reaches_other(ctx: Arc<Ctx>) {
    let (b, c) = (&ctx.b, &ctx.c);
    // B reads the product conversation; C the home feed.
    tokio::join!(open_live(&ctx, b, "/product.html"), open_live(&ctx, c, "/index.html"));
    let count_on = |tab: &Tab| {
        let tab = tab.clone();
        async move {
            let posts = tab.posts().await?;
            let post = posts.iter().find(|p| p.id.as_deref() == Some("acme-0")).ok_or("no acme-0 shown")?;
            Ok::<_, String>(post.reply_count.clone().unwrap_or_default())
        }
    };
    assert_eq!(count_on(c).await.unwrap(), "0");
    let session = ctx.edge.new_session("Camille").await;
    let reply = ctx.edge.reply(&session.token, "acme-0", "Does it fit in a lift?").await;
    let replied = Instant::now();
    eventually(LIVE.saturating_sub(replied.elapsed()), || async {
        let shown = b.replies().await?;
        ensure!(shown.iter().any(|r| r.id.as_deref() == Some(reply.id.as_str())), "B's conversation {shown:?}");
        ensure_eq!(count_on(c).await?, "1", "reply count on C's home feed");
        Ok(())
    })
    .await;
}

async fn one_socket_per_page(ctx: Arc<Ctx>) {
    let a = &ctx.a;
    open_live(&ctx, a, "/test/two.html").await;
    assert_eq!(a.widget_count().await.unwrap(), 2);
    let sockets = a.js("return window.__sockets;", vec![]).await.unwrap();
    assert_eq!(sockets, 1, "WebSockets opened by two widgets of one account");
}

async fn concurrent_follows(ctx: Arc<Ctx>) {
    let (a, b) = (&ctx.a, &ctx.b);
    for tab in [a, b] {
        tab.goto(&ctx.page("/test/popular.html")).await;
    }
    for tab in [a, b] {
        eventually(WIDGET, || async {
            ensure_eq!(tab.js("return document.querySelector('gazouillis-feed').dataset.live;", vec![]).await?, "on");
            ensure_eq!(tab.text("span.gz-followers-count").await?, "0", "followers before");
            Ok(())
        })
        .await;
    }
    let mut follows = JoinSet::new();
    for i in 0..100 {
        let e = ctx.clone();
        follows.spawn(async move {
            let session = e.edge.new_session(&format!("Fan {i}")).await;
            e.edge.follow(&session.token, "popular").await
        });
    }
    follows.join_all().await;
    for tab in [a, b] {
        eventually(SETTLE, || async {
            ensure_eq!(tab.text("span.gz-followers-count").await?, "100", "followers shown");
            Ok(())
        })
        .await;
    }
}

async fn catch_up_after_cut(ctx: Arc<Ctx>) {
    let (a, e) = (&ctx.a, &ctx.edge);
    open_live(&ctx, a, "/index.html").await;
    let before = ids(&a.posts().await.unwrap());
    e.restart().await;
    // Posted before the widget is back: its backoff waits at least 250 ms.
    let mut made = Vec::new();
    for n in 0..3 {
        made.push(e.create_post("acme", &format!("posted during the cut, {n}")).await.id);
    }
    wait_live(a, "on").await;
    eventually(SETTLE, || async {
        ensure_eq!(a.text("button.gz-new-posts").await?, "3 nouvelles publications", "after the reconnect");
        Ok(())
    })
    .await;
    a.click("button.gz-new-posts").await.unwrap();
    made.reverse();
    let expected: Vec<String> = made.into_iter().chain(before).collect();
    eventually(WIDGET, || async {
        ensure_eq!(ids(&a.posts().await?), expected, "posts, each once, newest first");
        Ok(())
    })
    .await;
}

async fn polling_fallback(ctx: Arc<Ctx>) {
    let (c, e) = (&ctx.c, &ctx.edge);
    c.goto(&ctx.page("/test/refused.html")).await;
    wait_live(c, "off").await;
    let post = e.create_post("acme", "Still there without WebSockets").await;
    // One poll interval, plus the hub's flush to KV and room for a slow machine.
    // The page may have loaded a feed up to a second old (posts of the step
    // before, not yet flushed): every post above what it shows is new.
    eventually(Duration::from_secs(u64::from(POLL_SECONDS) + 5), || async {
        let feed: Vec<String> = e.feed_all("acme", None).await?.into_iter().map(|p| p.id).collect();
        ensure_eq!(feed.first(), Some(&post.id), "newest post in the feed");
        let shown = ids(&c.posts().await?);
        let newer = feed.iter().position(|id| Some(id) == shown.first()).ok_or_else(|| format!("the widget's top post {:?} is not in the feed {feed:?}", shown.first()))?;
        let expected = if newer == 1 { "1 new post".to_owned() } else { format!("{newer} new posts") };
        ensure_eq!(c.text("button.gz-new-posts").await?, expected, "new posts button (shown: {shown:?})");
        Ok(())
    })
    .await;
    c.click("button.gz-new-posts").await.unwrap();
    eventually(WIDGET, || async {
        ensure_eq!(c.posts().await?.first().and_then(|p| p.id.clone()), Some(post.id.clone()), "top post");
        Ok(())
    })
    .await;
    assert_eq!(c.count(".gz-error").await.unwrap(), 0, "an error shown while polling");
}

async fn opened_after_post(ctx: Arc<Ctx>) {
    let (a, e) = (&ctx.a, &ctx.edge);
    let post = e.create_post("acme", "Just posted, and the page opened at once").await;
    a.goto(&ctx.page("/index.html")).await;
    eventually(SETTLE, || async {
        // Caught up after the first read, it may wait behind "1 new post".
        if a.count("button.gz-new-posts").await? > 0 {
            a.click("button.gz-new-posts").await?;
        }
        ensure_eq!(ids(&a.posts().await?).first(), Some(&post.id), "top post");
        Ok(())
    })
    .await;
}

async fn brand_and_delete(ctx: Arc<Ctx>) {
    let (a, b, e) = (&ctx.a, &ctx.b, &ctx.edge);
    tokio::join!(open_live(&ctx, a, "/product.html"), open_live(&ctx, b, "/product.html"));
    let brand: gazouillis_protocol::Reply = e
        .admin(e.post("/v1/posts/acme-0/replies"))
        .json(&serde_json::json!({"text": "Yes: it fits in a standard lift."}))
        .send()
        .await
        .expect_json(201);
    let badge = format!(".gz-reply[data-id='{}'] .gz-badge", brand.id);
    for tab in [a, b] {
        eventually(LIVE, || async {
            ensure_eq!(tab.count(&badge).await?, 1, "verified mark on the brand's reply");
            Ok(())
        })
        .await;
    }
    // A writes a reply in the widget; only A may delete it.
    a.type_text("textarea.gz-reply-input", "Ordered one!").await.unwrap();
    if a.count("input.gz-name").await.unwrap() > 0 {
        a.type_text("input.gz-name", "Alex").await.unwrap();
    }
    a.click("button.gz-send").await.unwrap();
    let mine = eventually(WIDGET, || async {
        let shown = a.replies().await?;
        let mine = shown.iter().find(|r| r.text.as_deref() == Some("Ordered one!")).ok_or("A's reply not shown")?;
        Ok(mine.id.clone().unwrap_or_default())
    })
    .await;
    let delete = format!(".gz-reply[data-id='{mine}'] button.gz-delete-reply");
    eventually(LIVE, || async {
        ensure_eq!(b.count(&format!(".gz-reply[data-id='{mine}']")).await?, 1, "A's reply in B's conversation");
        ensure_eq!(b.count(&delete).await?, 0, "B may not delete A's reply");
        ensure_eq!(a.count(&delete).await?, 1, "A may delete A's reply");
        ensure_eq!(a.count(&format!(".gz-reply[data-id='{}'] button.gz-delete-reply", brand.id)).await?, 0, "A may not delete the brand's");
        Ok(())
    })
    .await;
    a.click(&delete).await.unwrap();
    for tab in [a, b] {
        eventually(LIVE, || async {
            ensure_eq!(tab.count(&format!(".gz-reply[data-id='{mine}']")).await?, 0, "deleted reply still shown");
            Ok(())
        })
        .await;
    }
}

async fn held_then_approved(ctx: Arc<Ctx>) {
    let (a, b, e) = (&ctx.a, &ctx.b, &ctx.edge);
    e.admin(e.put("/v1/accounts/acme/settings")).json(&serde_json::json!({"moderation": "premoderated"})).send().await.expect(200);
    tokio::join!(open_live(&ctx, a, "/product.html"), open_live(&ctx, b, "/product.html"));
    let text = "Is there a child seat?";
    a.type_text("textarea.gz-reply-input", text).await.unwrap();
    if a.count("input.gz-name").await.unwrap() > 0 {
        a.type_text("input.gz-name", "Alex").await.unwrap();
    }
    a.click("button.gz-send").await.unwrap();
    eventually(WIDGET, || async {
        // The demo site speaks French.
        let note = a.text(".gz-held").await?;
        ensure!(note.starts_with("Merci"), "held note {note:?}");
        ensure_eq!(a.value("textarea.gz-reply-input").await?, "", "the box is emptied");
        Ok(())
    })
    .await;
    let shown = |tab: &Tab| {
        let tab = tab.clone();
        async move { Ok::<bool, String>(tab.replies().await?.iter().any(|r| r.text.as_deref() == Some(text))) }
    };
    assert!(!shown(a).await.unwrap() && !shown(b).await.unwrap(), "a held reply is shown");
    let queue: gazouillis_protocol::Queue = e.admin(e.get("/v1/accounts/acme/queue")).send().await.expect_json(200);
    let held = queue.queued.iter().find(|q| q.text == text).expect("the reply in the queue");
    e.admin(e.post(&format!("/v1/accounts/acme/queue/{}/approve", held.id))).send().await.expect(201);
    for tab in [a, b] {
        eventually(LIVE, || async {
            ensure!(shown(tab).await?, "the approved reply is not shown");
            Ok(())
        })
        .await;
    }
}

async fn sso_customer(ctx: Arc<Ctx>) {
    let (c, e) = (&ctx.c, &ctx.edge);
    const SECRET: &str = "acme-site-sso-secret-0123456789";
    e.admin(e.put("/v1/accounts/acme/sso")).json(&serde_json::json!({"secret": SECRET})).send().await.expect(204);
    let sso = gazouillis_tests::sso::token(SECRET, "acme", "order-1234", "Claire");
    ctx.www.add_page("/test/sso.html", &widget_page("", &format!("<gazouillis-feed account=\"acme\" post=\"acme-0\" sso=\"{sso}\"></gazouillis-feed>")));
    open_live(&ctx, c, "/test/sso.html").await;
    let text = "Delivered today, thanks!";
    c.type_text("textarea.gz-reply-input", text).await.unwrap();
    eventually(WIDGET, || async {
        ensure_eq!(c.count("input.gz-name").await?, 0, "a name asked of a signed-in customer");
        ensure_eq!(c.attr("button.gz-send", "disabled").await?, None, "send disabled");
        Ok(())
    })
    .await;
    c.click("button.gz-send").await.unwrap();
    eventually(WIDGET, || async {
        let shown = c.replies().await?;
        let mine = shown.iter().find(|r| r.text.as_deref() == Some(text)).ok_or("the reply is not shown")?;
        ensure_eq!(mine.author.as_deref().map(str::trim), Some("Claire"), "author");
        let mark = c.text(&format!(".gz-reply[data-id='{}'] .gz-customer", mine.id.clone().unwrap_or_default())).await?;
        ensure_eq!(mark, "customer", "customer mark");
        Ok(())
    })
    .await;
    // The widget keeps the session it got, never the SSO token (good once anyway).
    let stored = c.js("return JSON.stringify(Object.entries(localStorage));", vec![]).await.unwrap();
    let stored = stored.as_str().unwrap_or_default();
    assert!(stored.contains("gazouillis:session:"), "the session is kept: {stored}");
    assert!(!stored.contains(&sso), "the SSO token is stored: {stored}");
}
