//! The real widget in headless Chromium, embedded cross-origin: `www/` is
//! served from a second origin whose pages load the widget from the edge.
//! Two browser contexts (two profiles) are two visitors.

use gazouillis_protocol::{Reply, Session};
use gazouillis_tests::www::WwwServer;
use gazouillis_tests::{Browser, Edge, ReplyView, SETTLE, Suite, Tab, ensure, ensure_eq, eventually, repo_root};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// Loading the widget (script, wasm, first API calls) in a fresh page.
const WIDGET: Duration = Duration::from_secs(30);
/// One poll of an open widget (every 10 s), with room to spare.
const POLL: Duration = Duration::from_secs(30);

const POSTS: [&str; 3] = [
    "Meet Gazouillis, the microblog that lives on your own site.",
    "Version 2 is out: faster, smaller, kinder.",
    "Thank you for following us!",
];
const SEED_REPLY: &str = "Love it, where do I sign up?";
/// The replies A types in the widget.
const HELLO: &str = "Hello from the browser test!";
const MARKUP: &str = "<img src=x onerror=\"window.__pwned=1\">";

struct Ctx {
    edge: Edge,
    www: WwwServer,
    browser: Browser,
    /// The first visitor.
    a: Tab,
    /// The second visitor: another profile, so other localStorage.
    b: Tab,
    /// Visitors of the pages made for the tests, used alongside A and B.
    c: Tab,
    d: Tab,
}

impl Ctx {
    fn page(&self, path: &str) -> String {
        format!("{}{path}", self.www.origin())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser() {
    // Chromium starts while wrangler does, then the seed and the four
    // contexts are made side by side.
    let (edge, browser) = tokio::join!(Edge::start(), Browser::start());
    let (_, a, b, c, d) = tokio::join!(
        seed(&edge),
        browser.new_context(),
        browser.new_context(),
        browser.new_context(),
        browser.new_context()
    );
    let www = WwwServer::start(&repo_root().join("www"), &edge.base_url());
    for (path, account) in [("/test/ghost.html", "ghost"), ("/test/many.html", "many")] {
        www.add_page(
            path,
            &format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{account}</title></head>\
                 <body><gazouillis-feed account=\"{account}\"></gazouillis-feed>\
                 <script type=\"module\" src=\"/widget/gazouillis.js\"></script></body></html>"
            ),
        );
    }
    let mut suite = Suite::new("browser", Ctx { edge, www, browser, a, b, c, d });

    // Steps on their own accounts and tabs run meanwhile.
    suite.spawn("load more posts", load_more);
    suite.spawn("an error shows, and Retry recovers", error_and_retry);
    // A and B, in order: each step goes on from where the previous one left.
    suite.step("www pages load the widget from the edge's origin", pages_point_at_edge).await;
    suite.step("home page shows the account and its posts", home_shows_feed).await;
    // B opens the conversation now and keeps it open: A's replies of the next
    // steps must reach it by the widget's polling, without a reload.
    suite.step("a second visitor opens the conversation", second_visitor_opens).await;
    suite.step("follow, then reload: still following", follow_and_reload).await;
    suite.step("open a post's replies on the home page", open_replies).await;
    suite.step("reply in the product conversation", reply_in_conversation).await;
    suite.step("markup in a reply renders as text", reply_markup_is_text).await;
    suite.step("the second visitor sees the replies live, then after reload", second_visitor_sees_replies).await;
    suite.join().await;

    let ctx = suite.ctx();
    for tab in [&ctx.a, &ctx.b, &ctx.c, &ctx.d] {
        tab.close().await;
    }
    drop(ctx);
    suite
        .finish(|ctx| {
            ctx.edge.dump_log();
            eprintln!("----- end of chromedriver output -----\n{}", ctx.browser.log_tail(4000));
        })
        .await;
}

/// `acme` with 3 posts (`acme-0` is the product's post) and one reply to it.
async fn seed(e: &Edge) {
    e.create_account("acme", "Acme", "We make the best widgets.").await;
    for (n, text) in POSTS.iter().enumerate() {
        assert_eq!(e.create_post("acme", text).await.id, format!("acme-{n}"));
    }
    let fan = e.new_session("Seed Visitor").await;
    e.reply(&fan.token, "acme-0", SEED_REPLY).await;
    eventually(SETTLE, || async {
        ensure_eq!(e.feed_all("acme", None).await?.len(), 3, "seeded posts");
        ensure_eq!(e.post_of("acme-0").await?.replies, 1, "seeded reply");
        Ok(())
    })
    .await;
}

/// The replies the widget shows, as (author, text) with the text as typed.
fn shown(replies: &[ReplyView]) -> Vec<(String, String)> {
    replies
        .iter()
        .map(|r| {
            (
                r.author.clone().unwrap_or_default().trim().to_owned(),
                r.text.clone().unwrap_or_default().trim().to_owned(),
            )
        })
        .collect()
}

/// The visitor session the widget keeps in this tab's localStorage, if any.
async fn stored_session(tab: &Tab) -> Result<Option<Session>, String> {
    let all = tab
        .js(
            "const out = [];
             for (let i = 0; i < localStorage.length; i++) out.push(localStorage.getItem(localStorage.key(i)));
             return out;",
            vec![],
        )
        .await?;
    let values: Vec<Option<String>> = serde_json::from_value(all).map_err(|e| e.to_string())?;
    Ok(values.into_iter().flatten().find_map(|v| serde_json::from_str::<Session>(&v).ok()))
}

/// Types a reply in the thread's box and sends it, giving `name` if the widget
/// asks for one (the visitor's first time).
async fn send_reply(tab: &Tab, name: &str, text: &str) -> Result<(), String> {
    // Over the limit the counter is marked, and no longer once back under it.
    tab.type_text("textarea.gz-reply-input", &"x".repeat(141)).await?;
    ensure_eq!(tab.count(".gz-counter.gz-over").await?, 1, "counter marked over the limit");
    tab.type_text("textarea.gz-reply-input", text).await?;
    ensure_eq!(tab.count(".gz-counter.gz-over").await?, 0, "counter marked under the limit");
    let typed = tab.value("textarea.gz-reply-input").await?;
    ensure_eq!(typed, text, "textarea value after typing");
    // The live counter counts what was typed.
    let counter = tab.text(".gz-counter").await?;
    ensure!(
        counter.contains(&text.chars().count().to_string()) && counter.contains("140"),
        "counter {counter:?} after typing {} characters",
        text.chars().count()
    );
    if tab.count("input.gz-name").await? > 0 {
        tab.type_text("input.gz-name", name).await?;
    }
    tab.click("button.gz-send").await
}

async fn pages_point_at_edge(ctx: Arc<Ctx>) {
    let edge = ctx.edge.base_url();
    assert_ne!(ctx.www.origin(), edge, "www must be another origin than the edge");
    for (path, feed) in [("/index.html", "<gazouillis-feed account=\"acme\""), ("/product.html", "post=\"acme-0\"")] {
        let html = reqwest::get(ctx.page(path)).await.unwrap().text().await.unwrap();
        assert!(html.contains(feed), "www{path} has no {feed}: {html}");
        let script = format!("src=\"{edge}/widget/gazouillis.js\"");
        assert!(html.contains(&script), "www{path} does not load /widget/gazouillis.js (expected {script}): {html}");
    }
}

async fn home_shows_feed(ctx: Arc<Ctx>) {
    let a = &ctx.a;
    a.goto(&ctx.page("/index.html")).await;
    let posts = eventually(WIDGET, || async {
        let posts = a.posts().await?;
        let ids: Vec<_> = posts.iter().map(|p| p.id.clone().unwrap_or_default()).collect();
        ensure_eq!(ids, ["acme-2", "acme-1", "acme-0"], "article.gz-post data-id, newest first");
        Ok(posts)
    })
    .await;
    let texts: Vec<_> = posts.iter().map(|p| p.text.clone().unwrap_or_default()).collect();
    assert_eq!(texts, [POSTS[2], POSTS[1], POSTS[0]], ".gz-post-text");
    assert_eq!(posts[2].reply_count.as_deref(), Some("1"), "span.gz-reply-count of acme-0");
    assert_eq!(posts[0].reply_count.as_deref(), Some("0"), "span.gz-reply-count of acme-2");
    assert_eq!(a.text(".gz-account-name").await.unwrap(), "Acme");
    let followers = a.text(".gz-followers span.gz-followers-count").await.unwrap();
    assert!(followers.chars().all(|c| c.is_ascii_digit()) && !followers.is_empty(), "followers count {followers:?}");

    // Embedded cross-origin: the page is www's, the widget and API the edge's.
    let origin = a.js("return location.origin;", vec![]).await.unwrap();
    assert_eq!(origin, json!(ctx.www.origin()));
    assert_ne!(origin, json!(ctx.edge.base_url()));
}

async fn follow_and_reload(ctx: Arc<Ctx>) {
    let (a, e) = (&ctx.a, &ctx.edge);
    a.goto(&ctx.page("/index.html")).await;
    let before: u64 = eventually(WIDGET, || async {
        let count = a.text("span.gz-followers-count").await?;
        count.parse::<u64>().map_err(|_| format!("followers count {count:?}"))
    })
    .await;
    assert_eq!(before, e.account("acme").await.unwrap().followers, "the widget shows the API's count");
    assert_eq!(a.attr("button.gz-follow", "aria-pressed").await.unwrap().as_deref(), Some("false"));

    a.click("button.gz-follow").await.unwrap();
    // Without a session, the widget first asks for a name.
    let asked = eventually(WIDGET, || async {
        let pressed = a.attr("button.gz-follow", "aria-pressed").await?;
        let asked = a.count("input.gz-name").await? > 0;
        ensure!(asked || pressed.as_deref() == Some("true"), "neither following nor asking for a name");
        Ok(asked)
    })
    .await;
    eprintln!("[browser] the widget asked for a name before following: {asked}");
    if asked {
        a.type_text("input.gz-name", "Browser Fan").await.unwrap();
        a.click("button.gz-follow").await.unwrap();
    }
    eventually(WIDGET, || async {
        ensure_eq!(a.attr("button.gz-follow", "aria-pressed").await?.as_deref(), Some("true"), "aria-pressed");
        ensure_eq!(a.text("span.gz-followers-count").await?, (before + 1).to_string(), "followers count");
        Ok(())
    })
    .await;

    // The session is kept in localStorage, and the API agrees.
    let session = stored_session(a).await.unwrap().expect("a visitor session in localStorage");
    if asked {
        assert_eq!(session.visitor.name, "Browser Fan");
    }
    eventually(SETTLE, || async {
        let state = e.follow_state(&session.token, "acme").await?;
        ensure!(state.following && state.followers == before + 1, "API follow state {state:?}");
        Ok(())
    })
    .await;

    a.reload().await;
    eventually(WIDGET, || async {
        ensure_eq!(
            a.attr("button.gz-follow", "aria-pressed").await?.as_deref(),
            Some("true"),
            "aria-pressed after reload"
        );
        ensure_eq!(a.text("span.gz-followers-count").await?, (before + 1).to_string(), "count after reload");
        ensure_eq!(a.count("input.gz-name").await?, 0, "name asked again after reload");
        Ok(())
    })
    .await;
}

async fn open_replies(ctx: Arc<Ctx>) {
    let a = &ctx.a;
    a.goto(&ctx.page("/index.html")).await;
    let button = "article.gz-post[data-id=\"acme-0\"] button.gz-open-replies";
    eventually(WIDGET, || async { a.element(button).await.map(drop) }).await;
    assert_eq!(a.count(".gz-reply").await.unwrap(), 0, "replies shown before opening");
    a.click(button).await.unwrap();
    eventually(WIDGET, || async {
        let replies = shown(&a.replies().await?);
        ensure!(
            replies.contains(&("Seed Visitor".to_owned(), SEED_REPLY.to_owned())),
            "replies of acme-0 once opened: {replies:?}"
        );
        ensure_eq!(a.attr(button, "aria-expanded").await?.as_deref(), Some("true"), "aria-expanded");
        Ok(())
    })
    .await;
}

async fn reply_in_conversation(ctx: Arc<Ctx>) {
    let (a, e) = (&ctx.a, &ctx.edge);
    a.goto(&ctx.page("/product.html")).await;
    eventually(WIDGET, || async {
        let posts = a.posts().await?;
        ensure_eq!(posts.len(), 1, "posts in the conversation view");
        ensure_eq!(posts[0].id.as_deref(), Some("acme-0"), "the conversation's post");
        ensure_eq!(posts[0].text.as_deref(), Some(POSTS[0]), "its text");
        let replies = shown(&a.replies().await?);
        ensure_eq!(replies.first(), Some(&("Seed Visitor".to_owned(), SEED_REPLY.to_owned())), "first reply");
        ensure_eq!(a.text(".gz-account-name").await?, "Acme", "account name");
        // product.html also shows the whole feed, in a second widget.
        let aside: Vec<_> = a.widget(1).posts().await?.into_iter().filter_map(|p| p.id).collect();
        ensure_eq!(aside, ["acme-2", "acme-1", "acme-0"], "the second widget's feed");
        Ok(())
    })
    .await;

    let text = HELLO;
    eventually(WIDGET, || async { send_reply(a, "Product Fan", text).await }).await;
    let session = eventually(WIDGET, || async {
        let replies = shown(&a.replies().await?);
        let session = stored_session(a).await?.ok_or("no session in localStorage after replying")?;
        let mine = (session.visitor.name.clone(), text.to_owned());
        ensure!(replies.contains(&mine), "{mine:?} not in the shown replies {replies:?}");
        ensure_eq!(a.value("textarea.gz-reply-input").await?, "", "textarea after sending");
        Ok(session)
    })
    .await;

    let stored: Vec<Reply> = eventually(SETTLE, || async {
        let replies = e.replies_all("acme-0", None).await?;
        ensure!(
            replies.iter().any(|r| r.text == text && r.author == session.visitor),
            "the API does not list the reply: {replies:?}"
        );
        Ok(replies)
    })
    .await;
    eventually(WIDGET, || async {
        ensure_eq!(a.text("span.gz-reply-count").await?, stored.len().to_string(), "reply count in the widget");
        Ok(())
    })
    .await;
}

async fn second_visitor_opens(ctx: Arc<Ctx>) {
    let b = &ctx.b;
    b.goto(&ctx.page("/product.html")).await;
    eventually(WIDGET, || async {
        let replies = shown(&b.replies().await?);
        ensure_eq!(replies, [("Seed Visitor".to_owned(), SEED_REPLY.to_owned())], "B's replies");
        Ok(())
    })
    .await;
    assert_eq!(stored_session(b).await.unwrap(), None, "B is another visitor, with no session");
    assert_eq!(b.count("input.gz-name").await.unwrap(), 1, "B is asked for a name");
}

/// Neither `<img>` made from a reply nor its `onerror` having run.
async fn assert_no_markup_ran(who: &str, tab: &Tab) {
    let images = tab
        .js(
            "let n = 0;
             for (const host of document.querySelectorAll('gazouillis-feed'))
               n += host.shadowRoot.querySelectorAll('.gz-reply img, .gz-reply-text img, .gz-thread img').length;
             return n;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(images, json!(0), "{who}: an <img> was created from a reply");
    // An image with src=x fails at once, so an onerror handler would have run.
    let pwned = tab.js("return typeof window.__pwned;", vec![]).await.unwrap();
    assert_eq!(pwned, Value::from("undefined"), "{who}: the reply's markup ran");
}

async fn reply_markup_is_text(ctx: Arc<Ctx>) {
    let a = &ctx.a;
    a.goto(&ctx.page("/product.html")).await;
    eventually(WIDGET, || async { a.element("textarea.gz-reply-input").await.map(drop) }).await;
    eventually(WIDGET, || async { send_reply(a, "Product Fan", MARKUP).await }).await;
    eventually(WIDGET, || async {
        let texts = tab_reply_texts(a).await?;
        ensure!(texts.iter().any(|t| t == MARKUP), "the markup is not shown as text: {texts:?}");
        Ok(())
    })
    .await;
    assert_no_markup_ran("A", a).await;
}

/// `.gz-reply-text` contents, trimmed.
async fn tab_reply_texts(tab: &Tab) -> Result<Vec<String>, String> {
    Ok(tab.texts(".gz-reply-text").await?.into_iter().map(|t| t.trim().to_owned()).collect())
}

async fn second_visitor_sees_replies(ctx: Arc<Ctx>) {
    let (b, e) = (&ctx.b, &ctx.edge);
    // Still on the page it opened before A replied: the widget's poll brings them.
    eventually(POLL, || async {
        let texts = tab_reply_texts(b).await?;
        ensure!(
            texts.iter().any(|t| t == HELLO) && texts.iter().any(|t| t == MARKUP),
            "B does not show A's replies yet: {texts:?}"
        );
        Ok(())
    })
    .await;
    assert_no_markup_ran("B, live", b).await;

    b.reload().await;
    eventually(WIDGET, || async {
        // The API's thread, read again each time: its view may trail the hub by a flush.
        let expected: Vec<(String, String)> = e.replies_all("acme-0", None).await?.into_iter().map(|r| (r.author.name, r.text)).collect();
        ensure_eq!(shown(&b.replies().await?), expected, "B's replies after reload, oldest first");
        Ok(())
    })
    .await;
    assert_no_markup_ran("B, after reload", b).await;

    // B's first reply: the reply box asks B's name, and the session is B's own.
    let text = "Second visitor here, same question.";
    assert_eq!(b.count("input.gz-name").await.unwrap(), 1, "B is asked for a name");
    eventually(WIDGET, || async { send_reply(b, "Second Visitor", text).await }).await;
    eventually(WIDGET, || async {
        let replies = shown(&b.replies().await?);
        let mine = ("Second Visitor".to_owned(), text.to_owned());
        ensure!(replies.contains(&mine), "{mine:?} not in B's replies {replies:?}");
        ensure_eq!(b.count("input.gz-name").await?, 0, "name asked once B has a session");
        Ok(())
    })
    .await;
    let session = stored_session(b).await.unwrap().expect("B's session in localStorage");
    assert_eq!(session.visitor.name, "Second Visitor");
    let a_session = stored_session(&ctx.a).await.unwrap().expect("A's session");
    assert_ne!(session.visitor.id, a_session.visitor.id, "A and B are different visitors");
    eventually(SETTLE, || async {
        let replies = e.replies_all("acme-0", None).await?;
        ensure!(replies.iter().any(|r| r.text == text && r.author == session.visitor), "API replies {replies:?}");
        Ok(())
    })
    .await;
}

async fn load_more(ctx: Arc<Ctx>) {
    let (a, e) = (&ctx.c, &ctx.edge);
    e.create_account("many", "Many", "").await;
    let mut ids = Vec::new();
    for n in 0..25 {
        ids.push(e.create_post("many", &format!("many post {n}")).await.id);
    }
    ids.reverse();
    e.until_feed_holds("many", 25).await;

    a.goto(&ctx.page("/test/many.html")).await;
    let first = eventually(WIDGET, || async {
        let n = a.posts().await?.len();
        ensure!(n > 0 && n < 25, "{n} posts shown at first");
        ensure!(a.count("button.gz-more").await? == 1, "no button.gz-more with {n} of 25 posts");
        Ok(n)
    })
    .await;
    for _ in 0..25 {
        if a.count("button.gz-more").await.unwrap() == 0 {
            break;
        }
        let shown_before = a.posts().await.unwrap().len();
        a.click("button.gz-more").await.unwrap();
        eventually(WIDGET, || async {
            let n = a.posts().await?.len();
            ensure!(n > shown_before, "still {n} posts after Load more");
            Ok(())
        })
        .await;
    }
    let posts = a.posts().await.unwrap();
    let shown_ids: Vec<String> = posts.into_iter().map(|p| p.id.unwrap_or_default()).collect();
    assert_eq!(shown_ids, ids, "all posts once, newest first (first page had {first})");
    assert_eq!(a.count("button.gz-more").await.unwrap(), 0, "Load more after the last page");
}

async fn error_and_retry(ctx: Arc<Ctx>) {
    let (a, e) = (&ctx.d, &ctx.edge);
    a.goto(&ctx.page("/test/ghost.html")).await;
    eventually(WIDGET, || async {
        let error = a.text(".gz-error").await?;
        ensure!(!error.is_empty(), "empty .gz-error");
        a.element("button.gz-retry").await?;
        ensure_eq!(a.count(".gz-account-name").await?, 0, "an account shown for a missing handle");
        Ok(())
    })
    .await;

    e.create_account("ghost", "Ghost", "Back from the dead.").await;
    e.create_post("ghost", "Boo!").await;
    e.until_feed_holds("ghost", 1).await;
    a.click("button.gz-retry").await.unwrap();
    eventually(WIDGET, || async {
        ensure_eq!(a.text(".gz-account-name").await?, "Ghost", "account after Retry");
        let posts = a.posts().await?;
        ensure_eq!(posts.first().and_then(|p| p.text.clone()).as_deref(), Some("Boo!"), "post after Retry");
        ensure_eq!(a.count(".gz-error").await?, 0, "error still shown");
        Ok(())
    })
    .await;
}
