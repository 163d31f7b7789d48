//! Read your writes, under deployed lag: the hub holds its KV flushes back by
//! 20 s (`VIEW_DELAY_MS`, as KV's propagation to other locations would), and
//! still every writer sees its own write at once, counts stay exact, a widget
//! opened after a post shows it through the hello, while public reads without
//! a version get the older views, as designed.

use gazouillis_protocol::fresh::VERSION_HEADER;
use gazouillis_protocol::{Account, FollowState, Post, PostPage, ReplyPage};
use gazouillis_tests::www::{WwwServer, widget_page};
use gazouillis_tests::{Browser, Edge, Resp, Suite, Tab, ensure, ensure_eq, eventually, repo_root};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How far the public views trail the hub in this test.
const LAG: Duration = Duration::from_secs(20);
/// Loading the widget (script, wasm, first API calls, live connection).
const WIDGET: Duration = Duration::from_secs(30);
/// What the issue asks: a widget opened after a post shows it within 2 s.
const HELLO: Duration = Duration::from_secs(2);

struct Ctx {
    edge: Edge,
    www: WwwServer,
    _browser: Browser,
    tab: Tab,
}

fn version(resp: &Resp) -> u64 {
    resp.header(VERSION_HEADER).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no {VERSION_HEADER} on {}", resp.describe()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fresh() {
    let lag = LAG.as_millis().to_string();
    let vars = [("VIEW_DELAY_MS", lag.as_str()), ("RATE_REPLIES", "1000000/60"), ("RATE_REPLIES_IP", "1000000/60"), ("RATE_SESSIONS_IP", "1000000/60")];
    let (edge, browser) = tokio::join!(Edge::start_with(&vars), Browser::start());
    // Before the steps: an account and two posts that KV holds, then LAG of quiet.
    edge.create_account("lag", "Lag", "").await;
    edge.create_post("lag", "The first post, in KV.").await;
    edge.create_post("lag", "The second post, for a crowd.").await;
    tokio::time::sleep(LAG + Duration::from_secs(3)).await;
    let www = WwwServer::start(&repo_root().join("www"), &edge.base_url());
    www.add_page("/test/feed.html", &widget_page("", "<gazouillis-feed account=\"lag\"></gazouillis-feed>"));
    www.add_page("/test/conversation.html", &widget_page("", "<gazouillis-feed account=\"lag\" post=\"lag-0\"></gazouillis-feed>"));
    let tab = browser.new_context().await;
    let mut suite = Suite::new("fresh", Ctx { edge, www, _browser: browser, tab });
    suite.step("the writer reads its own post at once; public reads get the older views", own_post).await;
    suite.step("a visitor reads their own reply and follow at once", own_reply_and_follow).await;
    suite.step("20 concurrent replies and follows: counts exact at the version of the last", exact_counts).await;
    suite.step("a widget opened after a post shows it within 2 s, through the hello", widget_after_post).await;
    suite.step("the widget's visitor replies, follows, reloads: both still shown", widget_reload).await;
    suite.finish(|ctx| ctx.edge.dump_log()).await;
}

async fn own_post(ctx: Arc<Ctx>) {
    let e = &ctx.edge;
    let before: Account = e.account("lag").await.unwrap();
    let written = e.admin(e.post("/v1/accounts/lag/posts")).json(&json!({"text": "Just written."})).send().await;
    let post: Post = written.expect_json(201);
    let v = version(&written);

    let fresh = e.get(&format!("/v1/accounts/lag/posts?min_version={v}")).send().await;
    assert!(version(&fresh) >= v, "the fresh feed's version");
    let fresh: PostPage = fresh.expect_json(200);
    assert_eq!(fresh.posts.first().map(|p| &p.id), Some(&post.id), "the writer's feed has the post");
    let account: Account = e.get(&format!("/v1/accounts/lag?min_version={v}")).send().await.expect_json(200);
    assert_eq!(account.posts, before.posts + 1, "the writer's count");
    // The brand's token reads from the hub, without a version.
    let brand: PostPage = e.admin(e.get("/v1/accounts/lag/posts")).send().await.expect_json(200);
    assert_eq!(brand.posts.first().map(|p| &p.id), Some(&post.id), "the brand's feed");
    // A new post's link works at once: KV misses it, the hub has it.
    let linked: Post = e.get(&format!("/v1/posts/{}", post.id)).send().await.expect_json(200);
    assert_eq!(linked.text, "Just written.");

    // Public reads without a version: the older views, one KV read each.
    let public = e.get("/v1/accounts/lag/posts").send().await;
    assert!(version(&public) < v, "the public feed is older than the write");
    let public: PostPage = public.expect_json(200);
    assert!(public.posts.iter().all(|p| p.id != post.id), "the public feed already has the post: {public:?}");
    assert_eq!(e.account("lag").await.unwrap().posts, before.posts, "the public count");
}

async fn own_reply_and_follow(ctx: Arc<Ctx>) {
    let e = &ctx.edge;
    let visitor = e.new_session("Writer").await;
    let written = e.post("/v1/posts/lag-0/replies").bearer(&visitor.token).json(&json!({"text": "My own reply."})).send().await;
    let v = version(&written);
    let reply: gazouillis_protocol::Reply = written.expect_json(201);
    let fresh: ReplyPage = e.get(&format!("/v1/posts/lag-0/replies?min_version={v}")).send().await.expect_json(200);
    assert!(fresh.replies.iter().any(|r| r.id == reply.id), "the writer's thread has the reply");
    let public: ReplyPage = e.get("/v1/posts/lag-0/replies").send().await.expect_json(200);
    assert!(public.replies.iter().all(|r| r.id != reply.id), "the public thread already has it");

    let followed = e.put("/v1/accounts/lag/follow").bearer(&visitor.token).send().await;
    let v = version(&followed);
    let state: FollowState = followed.expect_json(200);
    let read: FollowState =
        e.get(&format!("/v1/accounts/lag/follow?min_version={v}")).bearer(&visitor.token).send().await.expect_json(200);
    assert_eq!(read, state, "the follower reads their follow");
    let account: Account = e.get(&format!("/v1/accounts/lag?min_version={v}")).send().await.expect_json(200);
    assert_eq!(account.followers, state.followers, "the follower count they read");
    let public: FollowState = e.follow_state(&visitor.token, "lag").await.unwrap();
    assert!(!public.following, "the public follow view already has it");
}

async fn exact_counts(ctx: Arc<Ctx>) {
    let e = &ctx.edge;
    let before: Account = e.admin(e.get("/v1/accounts/lag")).send().await.expect_json(200);
    let thread_before: Post = e.admin(e.get("/v1/posts/lag-1")).send().await.expect_json(200);
    let names: Vec<String> = (0..20).map(|n| format!("Crowd {n}")).collect();
    let visitors = futures_util::future::join_all(names.iter().map(|name| e.new_session(name))).await;
    let writes = visitors.iter().flat_map(|v| {
        [
            e.post("/v1/posts/lag-1/replies").bearer(&v.token).json(&json!({"text": "At once!"})).send(),
            e.put("/v1/accounts/lag/follow").bearer(&v.token).send(),
        ]
    });
    let answers = futures_util::future::join_all(writes).await;
    let versions: Vec<u64> = answers.iter().map(version).collect();
    let last = *versions.iter().max().unwrap();
    let mut sorted = versions.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), 40, "each write has its own version: {versions:?}");
    let post: Post = e.get(&format!("/v1/posts/lag-1?min_version={last}")).send().await.expect_json(200);
    assert_eq!(post.replies, thread_before.replies + 20, "reply count");
    let thread: ReplyPage = e.get(&format!("/v1/posts/lag-1/replies?limit=50&min_version={last}")).send().await.expect_json(200);
    assert_eq!(thread.replies.len() as u64, post.replies, "replies listed");
    let account: Account = e.get(&format!("/v1/accounts/lag?min_version={last}")).send().await.expect_json(200);
    assert_eq!(account.followers, before.followers + 20, "followers");
}

async fn widget_after_post(ctx: Arc<Ctx>) {
    let (e, tab) = (&ctx.edge, &ctx.tab);
    let post = e.create_post("lag", "Posted before the page opened.").await;
    tab.goto(&format!("{}/test/feed.html", ctx.www.origin())).await;
    eventually(WIDGET, || async {
        let live = tab.js("return document.querySelector('gazouillis-feed').dataset.live;", vec![]).await?;
        ensure_eq!(live, json!("on"), "data-live");
        ensure!(!tab.posts().await?.is_empty(), "no post shown yet");
        Ok(())
    })
    .await;
    let connected = Instant::now();
    eventually(HELLO, || async {
        // Caught up after the first read, it waits behind "1 new post".
        if tab.count("button.gz-new-posts").await? > 0 {
            tab.click("button.gz-new-posts").await?;
        }
        let shown: Vec<String> = tab.posts().await?.into_iter().filter_map(|p| p.id).collect();
        ensure!(shown.contains(&post.id), "{} not shown {:?} after the live connection: {shown:?}", post.id, connected.elapsed());
        Ok(())
    })
    .await;
    let public: PostPage = e.get("/v1/accounts/lag/posts").send().await.expect_json(200);
    assert!(public.posts.iter().all(|p| p.id != post.id), "the public feed had the post: the test proved nothing");
}

/// On `lag-0`, whose views KV holds (so that the public reads are KV's).
async fn widget_reload(ctx: Arc<Ctx>) {
    let tab = &ctx.tab;
    tab.goto(&format!("{}/test/conversation.html", ctx.www.origin())).await;
    let text = "Written, then reloaded at once.";
    eventually(WIDGET, || async {
        tab.type_text("textarea.gz-reply-input", text).await?;
        if tab.count("input.gz-name").await? > 0 {
            tab.type_text("input.gz-name", "Reloader").await?;
        }
        tab.click("button.gz-send").await
    })
    .await;
    eventually(WIDGET, || async {
        ensure!(tab.replies().await?.iter().any(|r| r.text.as_deref() == Some(text)), "the reply is not shown");
        Ok(())
    })
    .await;
    let followers = |tab: Tab| async move { tab.text("span.gz-followers-count").await?.parse::<u64>().map_err(|e| e.to_string()) };
    eventually(WIDGET, || followers(tab.clone())).await;
    tab.click("button.gz-follow").await.unwrap();
    // The count the follow answered, exact (what the page showed before came from the lagging views).
    let following = eventually(WIDGET, || async {
        ensure_eq!(tab.attr("button.gz-follow", "aria-pressed").await?.as_deref(), Some("true"), "following");
        followers(tab.clone()).await
    })
    .await;
    tab.reload().await;
    eventually(WIDGET, || async {
        ensure!(tab.replies().await?.iter().any(|r| r.text.as_deref() == Some(text)), "the reply is gone after the reload");
        ensure_eq!(tab.attr("button.gz-follow", "aria-pressed").await?.as_deref(), Some("true"), "following after the reload");
        ensure_eq!(followers(tab.clone()).await?, following, "followers after the reload");
        Ok(())
    })
    .await;
    // Without the widget's version, the public views do not have them yet.
    let public: ReplyPage = ctx.edge.get("/v1/posts/lag-0/replies?limit=50").send().await.expect_json(200);
    assert!(public.replies.iter().all(|r| r.text != text), "the public thread had the reply: the test proved nothing");
}
