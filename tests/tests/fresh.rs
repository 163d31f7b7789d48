//! Read your writes, under deployed lag: the hub holds its KV flushes back by
//! 20 s (`VIEW_DELAY_MS`, as KV's propagation to other locations would), and
//! still every writer sees its own write at once, counts stay exact, a widget
//! opened right after posts shows them in place (only later posts wait
//! behind "new posts"), a conversation on a brand-new post shows it, and a
//! visitor's download and erasure of their data find what they did a moment
//! ago, while public reads without a version get the older views, as designed.

use gazouillis_protocol::fresh::VERSION_HEADER;
use gazouillis_protocol::{Account, Erased, FollowState, MyData, Post, PostPage, ReplyPage};
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

/// Records, from before the loader runs, whether any widget ever showed the
/// "new posts" button or "No posts yet" (`window.seen`).
const WATCH: &str = "<script>
    window.seen = {button: false, empty: false};
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
        const root = attach.call(this, init);
        new MutationObserver(() => {
            window.seen.button ||= !!root.querySelector('.gz-new-posts');
            window.seen.empty ||= !!root.querySelector('.gz-empty');
        }).observe(root, {childList: true, subtree: true});
        return root;
    };
</script>";

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
    let vars = [("VIEW_DELAY_MS", lag.as_str())];
    let (edge, browser) = tokio::join!(Edge::start_also(&vars), Browser::start());
    // Before the steps: an account and two posts that KV holds, then LAG of quiet.
    edge.create_account("lag", "Lag", "").await;
    // An account KV holds with no post yet.
    edge.create_account("quiet", "Quiet", "").await;
    edge.create_post("lag", "The first post, in KV.").await;
    edge.create_post("lag", "The second post, for a crowd.").await;
    tokio::time::sleep(LAG + Duration::from_secs(3)).await;
    let www = WwwServer::start(&repo_root().join("www"), &edge.base_url());
    www.add_page("/test/feed.html", &widget_page(WATCH, "<gazouillis-feed account=\"lag\"></gazouillis-feed>"));
    www.add_page("/test/quiet.html", &widget_page(WATCH, "<gazouillis-feed account=\"quiet\"></gazouillis-feed>"));
    www.add_page("/test/conversation.html", &widget_page("", "<gazouillis-feed account=\"lag\" post=\"lag-0\"></gazouillis-feed>"));
    let tab = browser.new_context().await;
    let mut suite = Suite::new("fresh", Ctx { edge, www, _browser: browser, tab });
    suite.step("the writer reads its own post at once; public reads get the older views", own_post).await;
    suite.step("a visitor reads their own reply and follow at once", own_reply_and_follow).await;
    suite.step("20 concurrent replies and follows: counts exact at the version of the last", exact_counts).await;
    suite.step("a reader opening the page right after three posts sees them in place", posts_before_the_page).await;
    suite.step("an account's first three posts, KV still empty: shown, never \"No posts yet\"", first_posts_before_the_page).await;
    suite.step("a post made after the page opened waits behind the button", post_after_the_page).await;
    suite.step("a conversation on a brand-new post shows it and its reply", conversation_on_a_new_post).await;
    suite.step("a follow, a reply and a claim of a moment ago: exported, then erased", own_data_at_once).await;
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

/// Posts three times to `handle`, opens `page` at once, and checks that the
/// widget shows all three in the feed, with no moment of "new posts" button
/// or "No posts yet", and that KV did not have them (else this proves nothing).
async fn three_posts_then_open(ctx: &Ctx, handle: &str, page: &str) {
    let (e, tab) = (&ctx.edge, &ctx.tab);
    let mut posted = Vec::new();
    for n in 1..=3 {
        posted.push(e.create_post(handle, &format!("Posted just before the page opened, {n}/3.")).await.id);
    }
    tab.goto(&format!("{}{page}", ctx.www.origin())).await;
    eventually(WIDGET, || async {
        let live = tab.js("return document.querySelector('gazouillis-feed').dataset.live;", vec![]).await?;
        ensure_eq!(live, json!("on"), "data-live");
        Ok(())
    })
    .await;
    let connected = Instant::now();
    eventually(HELLO, || async {
        let shown: Vec<String> = tab.posts().await?.into_iter().filter_map(|p| p.id).collect();
        ensure!(posted.iter().all(|id| shown.contains(id)), "{posted:?} not all shown {:?} after the live connection: {shown:?}", connected.elapsed());
        Ok(())
    })
    .await;
    let seen = tab.js("return window.seen;", vec![]).await.unwrap();
    assert_eq!(seen, json!({"button": false, "empty": false}), "a button or \"No posts yet\" showed");
    // KV's account view counts the posts of the flush that wrote the feed.
    let (public, hub): (Account, Account) = (e.account(handle).await.unwrap(), e.admin(e.get(&format!("/v1/accounts/{handle}"))).send().await.expect_json(200));
    assert!(public.posts + 3 <= hub.posts, "KV had the posts ({} of {}): the test proved nothing", public.posts, hub.posts);
}

async fn posts_before_the_page(ctx: Arc<Ctx>) {
    three_posts_then_open(&ctx, "lag", "/test/feed.html").await;
}

async fn first_posts_before_the_page(ctx: Arc<Ctx>) {
    three_posts_then_open(&ctx, "quiet", "/test/quiet.html").await;
}

/// On the page the previous step left open.
async fn post_after_the_page(ctx: Arc<Ctx>) {
    let (e, tab) = (&ctx.edge, &ctx.tab);
    let later = e.create_post("quiet", "Posted while the reader reads.").await;
    eventually(HELLO, || async {
        ensure_eq!(tab.count("button.gz-new-posts").await?, 1, "the new posts button");
        Ok(())
    })
    .await;
    let shown: Vec<String> = tab.posts().await.unwrap().into_iter().filter_map(|p| p.id).collect();
    assert!(!shown.contains(&later.id), "the new post moved the feed: {shown:?}");
    tab.click("button.gz-new-posts").await.unwrap();
    eventually(HELLO, || async {
        let shown: Vec<String> = tab.posts().await?.into_iter().filter_map(|p| p.id).collect();
        ensure_eq!(shown.first(), Some(&later.id), "on top once asked for");
        Ok(())
    })
    .await;
}

async fn conversation_on_a_new_post(ctx: Arc<Ctx>) {
    let (e, tab) = (&ctx.edge, &ctx.tab);
    let post = e.create_post("lag", "A brand-new post, linked at once.").await;
    let visitor = e.new_session("Quick").await;
    let reply = e.reply(&visitor.token, &post.id, "First to answer.").await;
    let page = format!("/test/new-{}.html", post.id);
    ctx.www.add_page(&page, &widget_page("", &format!("<gazouillis-feed account=\"lag\" post=\"{}\"></gazouillis-feed>", post.id)));
    tab.goto(&format!("{}{page}", ctx.www.origin())).await;
    eventually(WIDGET, || async {
        let shown: Vec<Option<String>> = tab.posts().await?.into_iter().map(|p| p.text).collect();
        ensure_eq!(shown, vec![Some(post.text.clone())], "the post");
        let replies: Vec<Option<String>> = tab.replies().await?.into_iter().map(|r| r.id).collect();
        ensure_eq!(replies, vec![Some(reply.id.clone())], "its reply");
        Ok(())
    })
    .await;
}

/// Under the lag, KV's indexes have none of these yet: the hubs answer.
async fn own_data_at_once(ctx: Arc<Ctx>) {
    let e = &ctx.edge;
    let offer = e.create_offer_post("lag", "LAG-10", 3600, None).await;
    let before: Account = e.admin(e.get("/v1/accounts/lag")).send().await.expect_json(200);
    let visitor = e.new_session("Erased soon").await;
    e.follow(&visitor.token, "lag").await;
    let claimed = e.claim(&visitor.token, &offer.id).await;
    let reply = e.reply(&visitor.token, &offer.id, "Thanks for the code!").await;

    let data: MyData = e.get("/v1/me").bearer(&visitor.token).send().await.expect_json(200);
    assert_eq!(data.following, ["lag"], "the follow");
    assert_eq!(data.replies, vec![reply.clone()], "the reply");
    assert_eq!(data.claims.iter().map(|c| (&c.post, &c.code)).collect::<Vec<_>>(), [(&offer.id, &claimed.code)], "the claim");

    let erased: Erased = e.delete("/v1/me").bearer(&visitor.token).send().await.expect_json(200);
    assert_eq!(erased, Erased { replies: 1, follows: 1, claims: 1, pending: 0, push: 0 });
    let data: MyData = e.get("/v1/me").bearer(&visitor.token).send().await.expect_json(200);
    assert_eq!((data.replies.len(), data.following.len(), data.claims.len()), (0, 0, 0), "nothing left: {data:?}");
    let after: Account = e.admin(e.get("/v1/accounts/lag")).send().await.expect_json(200);
    assert_eq!(after.followers, before.followers, "the follower count");
    let post: Post = e.admin(e.get(&format!("/v1/posts/{}", offer.id))).send().await.expect_json(200);
    assert_eq!(post.replies, 0, "the post's reply count");
    // With a version, the follow is read from the hub.
    let state: FollowState = e.get("/v1/accounts/lag/follow?min_version=1").bearer(&visitor.token).send().await.expect_json(200);
    assert!(!state.following, "the hub still has the follow");
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
