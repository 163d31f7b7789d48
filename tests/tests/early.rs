//! The reader's first second in a conversation: the edge's first view holds
//! a real reply box and Follow before the widget's code arrives. Here the
//! wasm is held back (the page's `fetch` waits for the test) while the
//! reader types and presses, in Chromium, against the real Worker under the
//! deployed lag (`VIEW_DELAY_MS`, 20 s): what they typed survives the
//! takeover with its focus and caret, a Send pressed early is sent exactly
//! once, Follow pressed early follows, and without a session the typed text
//! waits for the visitor's name.

use gazouillis_protocol::{FollowState, Post, ReplyPage, Session};
use gazouillis_tests::www::{HOLD_WASM, WwwServer, widget_page};
use gazouillis_tests::{Browser, Edge, Method, Suite, Tab, ensure, ensure_eq, eventually, repo_root};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// Loading the page and its first view; the widget once released.
const WIDGET: Duration = Duration::from_secs(30);

struct Ctx {
    edge: Edge,
    www: WwwServer,
    browser: Browser,
    post: Post,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn early() {
    let vars = [("VIEW_DELAY_MS", "20000"), ("RATE_REPLIES", "1000/60"), ("RATE_SESSIONS_IP", "1000/60")];
    let (edge, browser) = tokio::join!(Edge::start_with(&vars), Browser::start());
    edge.create_account("early", "Early", "").await;
    let post = edge.create_post("early", "Des questions sur nos vélos ?").await;
    let www = WwwServer::start(&repo_root().join("www"), &edge.base_url());
    let mut suite = Suite::new("early", Ctx { edge, www, browser, post });
    suite.step("text typed before the takeover keeps its focus and caret", typed_before).await;
    suite.step("Send and Follow pressed before the takeover: sent exactly once, followed", pressed_before).await;
    suite.step("without a session, the typed reply waits for the visitor's name", waits_for_the_name).await;
    suite.finish(|ctx| ctx.edge.dump_log()).await;
}

/// Opens the conversation with the wasm held back (and `session` kept in the
/// page's storage), without waiting for the widget, and waits for the first
/// view's reply box.
async fn open_held(ctx: &Ctx, page: &str, session: Option<&Session>) -> Tab {
    let keep = session.map_or(String::new(), |session| {
        let key = format!("gazouillis:session:{}", ctx.edge.base_url());
        format!("<script>localStorage.setItem({}, {});</script>", json!(key), json!(serde_json::to_string(session).unwrap()))
    });
    let element = format!("<gazouillis-feed account=\"early\" post=\"{}\"></gazouillis-feed>", ctx.post.id);
    ctx.www.add_page(page, &widget_page(&format!("<script>{HOLD_WASM}</script>{keep}"), &element));
    let tab = ctx.browser.new_context().await;
    tab.command(Method::POST, "/url", Some(json!({ "url": format!("{}{page}", ctx.www.origin()) }))).await.unwrap();
    eventually(WIDGET, || async {
        ensure_eq!(tab.count("form.gz-reply-box textarea.gz-reply-input").await?, 1, "the first view's reply box");
        Ok(())
    })
    .await;
    tab
}

async fn taken_over(tab: &Tab) -> Result<bool, String> {
    Ok(tab.js("return document.querySelector('gazouillis-feed').hasAttribute('data-ready');", vec![]).await? == json!(true))
}

/// The reply box's value, whether it has the focus, and its selection.
async fn reply_box(tab: &Tab) -> Result<Value, String> {
    tab.js(
        "const root = document.querySelector('gazouillis-feed').shadowRoot;
         const box = root.querySelector('textarea.gz-reply-input');
         return {value: box.value, focused: root.activeElement === box, selection: [box.selectionStart, box.selectionEnd]};",
        vec![],
    )
    .await
}

async fn typed_before(ctx: Arc<Ctx>) {
    let tab = open_held(&ctx, "/test/early-typed.html", None).await;
    let text = "Bonjour, une question";
    tab.type_text("textarea.gz-reply-input", text).await.unwrap();
    tab.js("document.querySelector('gazouillis-feed').shadowRoot.querySelector('textarea').setSelectionRange(3, 7);", vec![]).await.unwrap();
    let before = reply_box(&tab).await.unwrap();
    assert_eq!(before, json!({"value": text, "focused": true, "selection": [3, 7]}), "typed in the first view");
    assert!(!taken_over(&tab).await.unwrap(), "the widget took over before its wasm came: the test proves nothing");
    tab.js("window.releaseWasm();", vec![]).await.unwrap();
    eventually(WIDGET, || async {
        ensure!(taken_over(&tab).await?, "not taken over yet");
        ensure_eq!(reply_box(&tab).await?, before, "the reply box after the takeover");
        // The widget's own counter counts the text: it is the widget's box, not the first view's.
        ensure_eq!(tab.text("span.gz-counter").await?, format!("{}/140", text.chars().count()), "the widget's counter");
        Ok(())
    })
    .await;
    tab.close().await;
}

async fn pressed_before(ctx: Arc<Ctx>) {
    let e = &ctx.edge;
    let visitor = e.new_session("Pressée").await;
    let tab = open_held(&ctx, "/test/early-pressed.html", Some(&visitor)).await;
    let text = "Envoyée avant le widget, une seule fois.";
    tab.type_text("textarea.gz-reply-input", text).await.unwrap();
    tab.click("button.gz-send").await.unwrap();
    tab.click("button.gz-send").await.unwrap();
    tab.click("button.gz-follow").await.unwrap();
    assert_eq!(tab.attr("button.gz-send", "aria-busy").await.unwrap().as_deref(), Some("true"), "Send says it waits");
    assert_eq!(tab.attr("button.gz-follow", "aria-busy").await.unwrap().as_deref(), Some("true"), "Follow says it waits");
    let sent = || async {
        let thread: ReplyPage = e.admin(e.get(&format!("/v1/posts/{}/replies?limit=50", ctx.post.id))).send().await.check_json(200)?;
        Ok::<usize, String>(thread.replies.iter().filter(|reply| reply.text == text).count())
    };
    assert_eq!(sent().await.unwrap(), 0, "sent before the widget came");
    assert!(!taken_over(&tab).await.unwrap(), "the widget took over before its wasm came: the test proves nothing");
    tab.js("window.releaseWasm();", vec![]).await.unwrap();
    eventually(WIDGET, || async {
        ensure!(tab.replies().await?.iter().any(|reply| reply.text.as_deref() == Some(text)), "the reply is not shown");
        ensure_eq!(tab.value("textarea.gz-reply-input").await?, "", "the reply box once sent");
        ensure_eq!(tab.attr("button.gz-follow", "aria-pressed").await?.as_deref(), Some("true"), "following");
        Ok(())
    })
    .await;
    assert_eq!(sent().await.unwrap(), 1, "the reply, sent exactly once");
    let follow = e.get("/v1/accounts/early/follow?min_version=1").bearer(&visitor.token).send().await;
    assert!(follow.expect_json::<FollowState>(200).following, "the hub has the follow");
    tab.close().await;
}

async fn waits_for_the_name(ctx: Arc<Ctx>) {
    let e = &ctx.edge;
    let tab = open_held(&ctx, "/test/early-named.html", None).await;
    let text = "Mon nom vient après.";
    tab.type_text("textarea.gz-reply-input", text).await.unwrap();
    tab.click("button.gz-send").await.unwrap();
    tab.js("window.releaseWasm();", vec![]).await.unwrap();
    eventually(WIDGET, || async {
        ensure!(taken_over(&tab).await?, "not taken over yet");
        ensure_eq!(tab.value("textarea.gz-reply-input").await?, text, "the text waits");
        let asked = tab.js("const root = document.querySelector('gazouillis-feed').shadowRoot;
            return root.activeElement === root.querySelector('input.gz-name');", vec![]).await?;
        ensure_eq!(asked, json!(true), "the name prompt has the focus");
        Ok(())
    })
    .await;
    tab.type_text("input.gz-name", "Nommée").await.unwrap();
    tab.click("button.gz-send").await.unwrap();
    eventually(WIDGET, || async {
        ensure!(tab.replies().await?.iter().any(|reply| reply.text.as_deref() == Some(text)), "the reply is not shown");
        Ok(())
    })
    .await;
    let thread: ReplyPage = e.admin(e.get(&format!("/v1/posts/{}/replies?limit=50", ctx.post.id))).send().await.expect_json(200);
    assert_eq!(thread.replies.iter().filter(|reply| reply.text == text).count(), 1, "sent once, under the name given");
    tab.close().await;
}
