//! The widget on a page with a strict Content-Security-Policy: the policy
//! README gives ("Embed it"), read from README itself, served by a site on
//! another origin than the edge, in Chromium against the real Worker. Each
//! way of embedding (the loader's element, and the server-rendered fragment
//! included by the site's server) shows a feed (light) and a conversation
//! (`theme="dark"`):
//!
//! - under the policy, the first view and then the widget are styled (the
//!   frame's and Follow's colours and corners measured), pictures load, the
//!   widget takes over, replies, follows and goes live, and neither the
//!   console nor `securitypolicyviolation` events report a violation;
//! - without `'wasm-unsafe-eval'`, the widget cannot start: the first view
//!   stays, styled and readable, its posts linking to their pages, without
//!   the Follow and the reply box that nothing would act on, and the only
//!   violation is the refused wasm.

use gazouillis_protocol::media::Uploaded;
use gazouillis_protocol::Post;
use gazouillis_tests::www::{HOLD_WASM, WwwServer, widget_page};
use gazouillis_tests::{Browser, Edge, Method, Suite, Tab, b36, ensure, ensure_eq, eventually, repo_root};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// Loading a page, its first views and its widgets.
const WIDGET: Duration = Duration::from_secs(30);

/// What the edge is called in README's policy.
const README_EDGE: &str = "YOUR-EDGE";

/// The site's own script, first in each page: it records the policy's
/// violations in `window.violations`, and holds the widget's wasm back
/// until `window.releaseWasm()` (see `HOLD_WASM`).
const WATCH: &str = "window.violations = [];
document.addEventListener('securitypolicyviolation', event => violations.push(`${event.violatedDirective} ${event.blockedURI}`), true);";

/// The frame's background, text colour and corner, then Follow's (not
/// followed yet), light and dark, as `widget.css` says.
const LIGHT: [&str; 6] = ["rgb(255, 255, 255)", "rgb(15, 20, 25)", "14px", "rgb(15, 20, 25)", "rgb(255, 255, 255)", "99px"];
const DARK: [&str; 6] = ["rgb(21, 24, 28)", "rgb(231, 233, 234)", "14px", "rgb(231, 233, 234)", "rgb(21, 24, 28)", "99px"];

#[derive(Clone, Copy, Debug)]
enum Embedding {
    /// `<gazouillis-feed>` elements, which the loader fills.
    Loader,
    /// The edge's `/embed/…` fragments, included by the site's server.
    ServerRendered,
}

struct Ctx {
    edge: Edge,
    www: WwwServer,
    browser: Browser,
    /// The conversation shown (the newest post); an older one holds a picture.
    post: Post,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csp() {
    let vars = [("RATE_REPLIES", "1000/60"), ("RATE_SESSIONS_IP", "1000/60")];
    let (edge, browser) = tokio::join!(Edge::start_with(&vars), Browser::start());
    edge.create_account("banque", "Banque", "Vos questions, nos réponses").await;
    let picture = std::fs::read(repo_root().join("tests/fixtures/images/bike.png")).expect("fixture picture");
    let uploaded: Uploaded = edge.admin(edge.post("/v1/accounts/banque/media")).raw(picture).send().await.expect_json(201);
    let body = json!({"text": "Notre nouvelle agence.", "images": [{"id": uploaded.id, "alt": "The new branch"}]});
    edge.admin_post("/v1/accounts/banque/posts", &body).await.expect(201);
    let post = edge.create_post("banque", "Une question sur votre compte ? Répondez ici.").await;
    edge.until_feed_holds("banque", 2).await;
    let www = WwwServer::start(&repo_root().join("www"), &edge.base_url());
    www.add_script("/test/watch.js", &format!("{WATCH}\n{HOLD_WASM}"));
    let mut suite = Suite::new("csp", Ctx { edge, www, browser, post });
    for embedding in [Embedding::Loader, Embedding::ServerRendered] {
        suite.step(&format!("{embedding:?}: README's policy, styled, takes over, replies, follows, live, no violation"), move |ctx| under_the_policy(ctx, embedding)).await;
        suite.step(&format!("{embedding:?}: without 'wasm-unsafe-eval', the first view stays styled and readable"), move |ctx| without_wasm(ctx, embedding)).await;
    }
    suite.finish(|ctx| ctx.edge.dump_log()).await;
}

/// README's policy for a site embedding the widget, pointed at this edge.
fn documented_policy(edge: &str) -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let line = readme.lines().find_map(|line| line.strip_prefix("Content-Security-Policy: ")).expect("README gives a Content-Security-Policy");
    let host = edge.strip_prefix("http://").expect("the edge runs on http locally");
    line.replace(&format!("https://{README_EDGE}"), edge).replace(&format!("wss://{README_EDGE}"), &format!("ws://{host}"))
}

/// Opens a page of the feed (light) and the conversation (dark) embedded
/// this way, under `policy`, the wasm held back; returns once both first
/// views show.
async fn open(ctx: &Ctx, embedding: Embedding, policy: &str, page: &str) -> Tab {
    let elements = match embedding {
        Embedding::Loader => format!(
            "<gazouillis-feed account=\"banque\"></gazouillis-feed>\
             <gazouillis-feed account=\"banque\" post=\"{}\" theme=\"dark\"></gazouillis-feed>",
            ctx.post.id
        ),
        Embedding::ServerRendered => {
            let number = ctx.post.id.parse::<gazouillis_protocol::PostId>().expect("a post id").seq;
            let feed = ctx.edge.get("/embed/banque?lang=en").send().await.expect(200).text();
            let conversation = ctx.edge.get(&format!("/embed/banque/{}?lang=en", b36(number))).send().await.expect(200).text();
            // As a site's server may set an attribute on what it includes.
            format!("{feed}{}", conversation.replacen("<gazouillis-feed ", "<gazouillis-feed theme=\"dark\" ", 1))
        }
    };
    ctx.www.add_page_with_policy(page, &widget_page("<script src=\"/test/watch.js\"></script>", &elements), policy);
    let tab = ctx.browser.new_context().await;
    tab.command(Method::POST, "/url", Some(json!({ "url": format!("{}{page}", ctx.www.origin()) }))).await.unwrap();
    eventually(WIDGET, || async {
        for index in 0..2 {
            ensure!(tab.widget(index).count("article.gz-post").await? > 0, "no first view in element {index} yet");
        }
        Ok(())
    })
    .await;
    tab
}

/// The element `index`'s frame and Follow, as [`LIGHT`] and [`DARK`] list them.
async fn look(tab: &Tab, index: usize) -> Result<Value, String> {
    tab.js(
        "const root = document.querySelectorAll('gazouillis-feed')[arguments[0]].shadowRoot;
         const css = (selector, ...names) => { const style = getComputedStyle(root.querySelector(selector)); return names.map(name => style.getPropertyValue(name)); };
         return [...css('.gz', 'background-color', 'color', 'border-top-left-radius'), ...css('.gz-follow', 'background-color', 'color', 'border-top-left-radius')];",
        vec![json!(index)],
    )
    .await
}

async fn styled(tab: &Tab, when: &str) -> Result<(), String> {
    ensure_eq!(look(tab, 0).await?, json!(LIGHT), "the feed's look, {when}");
    ensure_eq!(look(tab, 1).await?, json!(DARK), "the dark conversation's look, {when}");
    Ok(())
}

async fn hosts_marked(tab: &Tab, attribute: &str) -> Result<bool, String> {
    let script = "return [...document.querySelectorAll('gazouillis-feed')].every(host => host.hasAttribute(arguments[0]));";
    Ok(tab.js(script, vec![json!(attribute)]).await? == json!(true))
}

/// The page's violations: what its `securitypolicyviolation` events said,
/// and what the console said of the Content-Security-Policy.
async fn violations(tab: &Tab) -> (Value, Vec<String>) {
    let events = tab.js("return window.violations;", vec![]).await.unwrap();
    let console = tab.console().await.unwrap().into_iter().filter(|line| line.contains("Content Security Policy")).collect();
    (events, console)
}

async fn under_the_policy(ctx: Arc<Ctx>, embedding: Embedding) {
    let e = &ctx.edge;
    let tab = open(&ctx, embedding, &documented_policy(&e.base_url()), &format!("/test/csp-{embedding:?}.html")).await;
    assert!(!hosts_marked(&tab, "data-ready").await.unwrap(), "the widget took over before its wasm came: the first view was not measured");
    styled(&tab, "first view").await.unwrap();
    let picture = "const img = document.querySelector('gazouillis-feed').shadowRoot.querySelector('.gz-image img');
        return img.complete && img.naturalWidth > 0;";
    eventually(WIDGET, || async { ensure_eq!(tab.js(picture, vec![]).await?, json!(true), "the picture loaded"); Ok(()) }).await;

    tab.js("window.releaseWasm();", vec![]).await.unwrap();
    eventually(WIDGET, || async {
        ensure!(hosts_marked(&tab, "data-ready").await?, "not taken over yet");
        Ok(())
    })
    .await;
    styled(&tab, "the widget's own view").await.unwrap();
    let live = "return [...document.querySelectorAll('gazouillis-feed')].map(host => host.dataset.live);";
    eventually(WIDGET, || async { ensure_eq!(tab.js(live, vec![]).await?, json!(["on", "on"]), "pushed live (its WebSocket allowed)"); Ok(()) }).await;

    let (feed, conversation) = (tab.widget(0), tab.widget(1));
    let text = format!("Ma question, sous une politique stricte ({embedding:?}).");
    conversation.type_text("textarea.gz-reply-input", &text).await.unwrap();
    conversation.click("button.gz-send").await.unwrap();
    eventually(WIDGET, || async { ensure_eq!(conversation.count("input.gz-name").await?, 1, "the name prompt"); Ok(()) }).await;
    conversation.type_text("input.gz-name", "Client prudent").await.unwrap();
    conversation.click("button.gz-send").await.unwrap();
    eventually(WIDGET, || async {
        ensure!(conversation.replies().await?.iter().any(|reply| reply.text.as_deref() == Some(text.as_str())), "the reply is not shown");
        Ok(())
    })
    .await;
    // The public read is the KV view, which the hub rewrites just after the write.
    eventually(WIDGET, || async {
        ensure!(e.replies_all(&ctx.post.id, None).await?.iter().any(|reply| reply.text == text), "the edge's view has not the reply yet");
        Ok(())
    })
    .await;

    feed.click("button.gz-follow").await.unwrap();
    eventually(WIDGET, || async { ensure_eq!(feed.attr("button.gz-follow", "aria-pressed").await?.as_deref(), Some("true"), "following"); Ok(()) }).await;

    let live_text = format!("En direct, sous une politique stricte ({embedding:?}).");
    e.create_post("banque", &live_text).await;
    eventually(WIDGET, || async { ensure_eq!(feed.count("button.gz-new-posts").await?, 1, "the new post waits on top"); Ok(()) }).await;
    feed.click("button.gz-new-posts").await.unwrap();
    eventually(WIDGET, || async {
        ensure!(feed.posts().await?.iter().any(|post| post.text.as_deref() == Some(live_text.as_str())), "the live post is not shown");
        Ok(())
    })
    .await;
    assert_eq!(violations(&tab).await, (json!([]), vec![]), "violations of the page's policy");
    tab.close().await;
}

async fn without_wasm(ctx: Arc<Ctx>, embedding: Embedding) {
    let edge = ctx.edge.base_url();
    let policy = documented_policy(&edge).replace(" 'wasm-unsafe-eval'", "");
    let tab = open(&ctx, embedding, &policy, &format!("/test/csp-{embedding:?}-no-wasm.html")).await;
    tab.js("window.releaseWasm();", vec![]).await.unwrap();
    eventually(WIDGET, || async { ensure!(hosts_marked(&tab, "data-static").await?, "the widget did not give up yet"); Ok(()) }).await;
    assert!(!hosts_marked(&tab, "data-ready").await.unwrap(), "the widget took over without its wasm");
    styled(&tab, "the first view left").await.unwrap();
    let (feed, conversation) = (tab.widget(0), tab.widget(1));
    let texts: Vec<String> = feed.posts().await.unwrap().into_iter().filter_map(|post| post.text).collect();
    for text in [ctx.post.text.as_str(), "Notre nouvelle agence."] {
        assert!(texts.iter().any(|shown| shown == text), "the feed reads {text:?}: {texts:?}");
    }
    let links = "return [...document.querySelector('gazouillis-feed').shadowRoot.querySelectorAll('a.gz-permalink')].map(a => a.href);";
    let links = tab.js(links, vec![]).await.unwrap();
    assert!(
        links.as_array().is_some_and(|links| links.len() == texts.len() && links.iter().all(|link| link.as_str().is_some_and(|link| link.starts_with(&format!("{edge}/@banque/"))))),
        "each post links to its page: {links}"
    );
    let hidden = "const root = document.querySelectorAll('gazouillis-feed')[1].shadowRoot;
        return [getComputedStyle(root.querySelector('.gz-follow-form')).visibility, root.querySelector('.gz-reply-box').getClientRects().length];";
    assert_eq!(tab.js(hidden, vec![]).await.unwrap(), json!(["hidden", 0]), "Follow and the reply box, which nothing would act on");
    assert_eq!(conversation.count("article.gz-post").await.unwrap(), 1, "the conversation's post reads");
    let (events, console) = violations(&tab).await;
    let refused = events.as_array().cloned().unwrap_or_default();
    assert!(!refused.is_empty() && refused.iter().all(|v| v == "script-src wasm-eval"), "only the wasm is refused: {events}");
    assert!(console.iter().all(|line| line.contains("WebAssembly")), "only the wasm is refused: {console:?}");
    assert_eq!(tab.axe().await.unwrap(), Vec::<String>::new(), "axe");
    tab.close().await;
}
