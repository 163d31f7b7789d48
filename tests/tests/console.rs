//! The brand console at `/console/`, in headless Chromium against the real
//! Worker, next to the real widget on another origin: sign-in (keyboard
//! only), Compose reaching an open widget, the live inbox and an answer that
//! shows verified in an open widget, settings applied (premoderation) and a
//! queued reply approved, a token issued then revoked (its console signs
//! out), the statistics of all that, a search and a live mention on the
//! Listening page, and no axe-core violation on any page,
//! in English and French, at 360 and 1,440 px.
//!
//! With `CONSOLE_SCREENSHOT=<file.png>`, it also saves the README's picture
//! of the inbox.

use gazouillis_protocol::webhook::{signature, SIGNATURE_HEADER};
use gazouillis_protocol::{BrandToken, IssuedToken, Post};
use gazouillis_tests::browser::{ENTER, TAB};
use gazouillis_tests::push_service::PushInbox;
use gazouillis_tests::receiver::{Answer, Receiver};
use gazouillis_tests::www::{WwwServer, widget_page};
use gazouillis_tests::{Browser, Edge, Suite, Tab, ensure, ensure_eq, eventually, repo_root};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// Loading a page of the console or the widget (script, wasm, first calls).
const LOAD: Duration = Duration::from_secs(30);
/// A live change reaching an open page.
const LIVE: Duration = Duration::from_secs(5);
/// What only the brand sees shows at the console's next keep-alive (25 s).
const KEEP_ALIVE: Duration = Duration::from_secs(40);

const REFUSED: &str = "This token is not valid, or it was revoked. Sign in with another one.";

struct Ctx {
    edge: Edge,
    www: WwwServer,
    _browser: Browser,
    /// The community manager's console (a brand token of acme).
    cm: Tab,
    /// A visitor on the company's site, with the widget.
    visitor: Tab,
    /// The operator's console.
    operator: Tab,
    /// A console signed in with a token the operator issues, then revokes.
    night: Tab,
    brand_token: String,
}

impl Ctx {
    fn console(&self, hash: &str) -> String {
        format!("{}/console/{hash}", self.edge.base_url())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console() {
    let vapid_key = gazouillis_push::subscription::b64(&[9; 32]);
    let vars = [("WEBHOOK_ALLOW_LOOPBACK", "1"), ("PUSH_ALLOW_LOOPBACK", "1"), ("VAPID_PRIVATE_KEY", vapid_key.as_str()), ("PUBLIC_ORIGIN", "https://social.acme.example")];
    let (edge, browser) = tokio::join!(Edge::start_also(&vars), Browser::start());
    let (cm, visitor, operator, night) =
        tokio::join!(browser.new_context(), browser.new_context(), browser.new_context(), browser.new_context());
    edge.create_account("acme", "Acme", "Bikes and more").await;
    edge.create_account("zest", "Zest", "Lemonade").await;
    edge.create_post("acme", "Our new bike is out.").await;
    let issued: IssuedToken = edge.admin_post("/v1/accounts/acme/tokens", &json!({"name": "Community"})).await.expect_json(201);
    let www = WwwServer::start(&repo_root().join("www"), &edge.base_url());
    www.add_page("/test/feed.html", &widget_page("", "<gazouillis-feed account=\"acme\"></gazouillis-feed>"));
    let ctx = Ctx { edge, www, _browser: browser, cm: cm.page(), visitor, operator: operator.page(), night: night.page(), brand_token: issued.token };
    let mut suite = Suite::new("console", ctx);
    suite.step("the console's own CSP; a wrong token gets a plain error and is not kept", wrong_token).await;
    suite.step("sign in with the keyboard; a post from Compose reaches an open widget without reload", compose).await;
    suite.step("a visitor's reply arrives live (unread count in the title), keeping a draft; the answer is verified in the widget", inbox).await;
    suite.step("a setting applies (premoderation holds the next reply), a field error shows on its field; approve", moderation).await;
    suite.step("the operator issues a token, then revokes it: that token's console signs out", tokens).await;
    suite.step("the statistics show the counts of what the steps did", stats).await;
    suite.step("Listening: a search with the words marked; watched terms; a new mention shows live", listening).await;
    suite.step("Listening: a webhook added, its secret shown once; a test and a mention delivered, in its log", webhooks).await;
    suite.step("an offer post from Compose; on Posts, its code, claims and follows", offers).await;
    suite.step("a post with a picture from Compose: uploaded, deleted when taken off, its alt text required, shown in the widget", pictures).await;
    suite.step("the operator finds an account by part of its handle", find_account).await;
    suite.step("no axe-core violation on any page, in English and French; readable at 360 and 1,440 px", accessible).await;
    suite.finish(|ctx| ctx.edge.dump_log()).await;
}

async fn wait_for(tab: &Tab, selector: &str) {
    eventually(LOAD, || async {
        ensure!(tab.count(selector).await? > 0, "no {selector} yet");
        Ok(())
    })
    .await;
}

/// Opens the console and signs in with `token` by clicking.
async fn sign_in(ctx: &Ctx, tab: &Tab, token: &str) {
    tab.goto(&ctx.console("")).await;
    wait_for(tab, "#token").await;
    tab.type_text("#token", token).await.unwrap();
    tab.click(".sign-in button[type=submit]").await.unwrap();
}

/// Shows console page `slug` by its tab, as a person would.
async fn open(tab: &Tab, slug: &str) {
    tab.click(&format!("nav.tabs a[href='#{slug}']")).await.unwrap();
    eventually(LOAD, || async {
        let current = tab.attr(&format!("nav.tabs a[href='#{slug}']"), "aria-current").await?;
        ensure_eq!(current.as_deref(), Some("page"), "tab {slug} not current");
        Ok(())
    })
    .await;
}

/// Opens the widget conversation of post `id` on the company's site, ready to reply.
async fn open_conversation(ctx: &Ctx, id: &str) {
    let path = format!("/test/conversation-{id}.html");
    ctx.www.add_page(&path, &widget_page("", &format!("<gazouillis-feed account=\"acme\" post=\"{id}\"></gazouillis-feed>")));
    ctx.visitor.goto(&format!("{}{path}", ctx.www.origin())).await;
    wait_for(&ctx.visitor, "textarea.gz-reply-input").await;
}

/// Waits until the page's widget is pushed live.
async fn wait_live(tab: &Tab) {
    eventually(LOAD, || async {
        let live = tab.js("return document.querySelector('gazouillis-feed').dataset.live;", vec![]).await?;
        ensure_eq!(live, "on", "the widget not live yet");
        Ok(())
    })
    .await;
}

/// The visitor replies `text` in the open conversation.
async fn visitor_replies(ctx: &Ctx, text: &str) {
    let v = &ctx.visitor;
    v.type_text("textarea.gz-reply-input", text).await.unwrap();
    if v.count("input.gz-name").await.unwrap() > 0 {
        v.type_text("input.gz-name", "Alex").await.unwrap();
    }
    v.click("button.gz-send").await.unwrap();
}

async fn wrong_token(ctx: Arc<Ctx>) {
    let page = ctx.edge.get("/console/").send().await;
    page.expect(200);
    let csp = page.header("content-security-policy").unwrap_or_default();
    for rule in ["default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self'", "frame-ancestors 'none'"] {
        assert!(csp.contains(rule), "CSP {csp:?} lacks {rule:?}");
    }
    assert!(!page.text().contains("<script>"), "an inline script in the console's page");
    let cm = &ctx.cm;
    let forged = format!("acme.0a1b2c3d.{}", "f".repeat(32));
    for token in ["not-a-token", forged.as_str()] {
        sign_in(&ctx, cm, token).await;
        eventually(LOAD, || async {
            ensure_eq!(cm.text(".notice").await?, REFUSED, "the notice for {token}");
            ensure_eq!(cm.count("nav.tabs").await?, 0, "signed in with {token}");
            Ok(())
        })
        .await;
    }
    let kept = cm.js("return [sessionStorage.length, localStorage.length, location.href];", vec![]).await.unwrap();
    assert_eq!(kept[0], 0, "a refused token kept in sessionStorage: {kept}");
    assert_eq!(kept[1], 0, "something kept in localStorage: {kept}");
}

async fn compose(ctx: Arc<Ctx>) {
    let (cm, visitor) = (&ctx.cm, &ctx.visitor);
    visitor.goto(&format!("{}/test/feed.html", ctx.www.origin())).await;
    cm.goto(&ctx.console("")).await;
    wait_for(cm, "#token").await;
    // Keyboard only: Tab to the token, type it, Enter.
    cm.keys(&TAB.to_string()).await.unwrap();
    let focused = cm.js("return document.activeElement.id;", vec![]).await.unwrap();
    assert_eq!(focused, "token", "the first Tab stop of the sign-in page");
    cm.keys(&format!("{}{ENTER}", ctx.brand_token)).await.unwrap();
    wait_for(cm, "nav.tabs").await;
    let href = cm.js("return location.href;", vec![]).await.unwrap();
    assert!(!href.as_str().unwrap_or_default().contains(&ctx.brand_token), "the token in the URL: {href}");
    wait_live(visitor).await;
    eventually(LOAD, || async {
        let posts = visitor.posts().await?;
        ensure!(posts.iter().any(|p| p.text.as_deref() == Some("Our new bike is out.")), "widget not loaded: {posts:?}");
        Ok(())
    })
    .await;
    open(cm, "compose").await;
    let text = "Spring sale: -20 % on every bike this weekend!";
    cm.type_text("#compose-text", text).await.unwrap();
    eventually(LOAD, || async {
        ensure_eq!(cm.text(".preview .gz-post-text").await?, text, "the preview");
        ensure_eq!(cm.text("#compose-counter").await?, format!("{}/140 characters", text.chars().count()), "the counter");
        Ok(())
    })
    .await;
    // Keyboard: from the text, Tab reaches "Add an offer", then Post.
    cm.keys(&format!("{TAB}{TAB}{ENTER}")).await.unwrap();
    // The open widget offers it at once, and shows it on a click.
    eventually(LIVE, || async {
        ensure_eq!(visitor.text("button.gz-new-posts").await?, "1 new post", "the widget's new posts button");
        Ok(())
    })
    .await;
    ensure_posted(cm, text).await;
    visitor.click("button.gz-new-posts").await.unwrap();
    eventually(LOAD, || async {
        let posts = visitor.posts().await?;
        ensure!(posts.first().and_then(|p| p.text.as_deref()) == Some(text), "the post not first in the widget: {posts:?}");
        Ok(())
    })
    .await;
}

async fn ensure_posted(cm: &Tab, text: &str) {
    eventually(LOAD, || async {
        ensure!(cm.text(".compose .done").await?.starts_with("Posted:"), "no confirmation");
        ensure_eq!(cm.value("#compose-text").await?, "", "the text area is emptied");
        ensure_eq!(cm.count(".preview .gz-post").await?, 0, "preview left: {text}");
        Ok(())
    })
    .await;
}

/// The account's posts, newest first, as the API has them.
async fn posts(ctx: &Ctx) -> Vec<Post> {
    ctx.edge.feed_all("acme", None).await.expect("acme's feed")
}

async fn inbox(ctx: Arc<Ctx>) {
    let cm = &ctx.cm;
    let all = posts(&ctx).await;
    let (sale, bike) = (all[0].id.clone(), all[1].id.clone());
    // Out of the inbox: the reply counts as unread in the title.
    open(cm, "compose").await;
    open_conversation(&ctx, &sale).await;
    visitor_replies(&ctx, "Does it apply to e-bikes?").await;
    eventually(LIVE, || async {
        let title = cm.title().await?;
        ensure!(title.starts_with("(1) "), "title {title:?}");
        ensure_eq!(cm.text("nav.tabs .unread").await?, "1 unread", "the tab's count");
        Ok(())
    })
    .await;
    open(cm, "inbox").await;
    let first = eventually(LOAD, || async {
        let title = cm.title().await?;
        ensure!(title.starts_with("Inbox · @acme"), "title {title:?}");
        inbox_item(cm, "Does it apply to e-bikes?").await
    })
    .await;
    // An answer drafted inline...
    let item = format!(".inbox-item[data-id='{first}']");
    let draft = format!("#answer-text-{first}");
    cm.click(&format!("{item} button.answer")).await.unwrap();
    cm.type_text(&draft, "Yes, e-bikes too!").await.unwrap();
    // ...stays as a reply on another post shows without reload.
    open_conversation(&ctx, &bike).await;
    visitor_replies(&ctx, "What sizes do you have?").await;
    eventually(LIVE, || async { inbox_item(cm, "What sizes do you have?").await }).await;
    assert_eq!(cm.value(&draft).await.unwrap(), "Yes, e-bikes too!", "the draft lost when the inbox was read again");
    // Sent while its conversation is open on the site.
    open_conversation(&ctx, &sale).await;
    wait_live(&ctx.visitor).await;
    cm.click(&format!("{item} button.send")).await.unwrap();
    eventually(LIVE, || async {
        ensure_eq!(cm.count(&item).await?, 0, "the answered reply still to answer");
        ensure!(inbox_item(cm, "What sizes do you have?").await.is_ok(), "the other reply left");
        Ok(())
    })
    .await;
    cm.click(".filters button[data-filter='answered']").await.unwrap();
    eventually(LOAD, || async {
        ensure_eq!(cm.attr(&item, "data-answered").await?.as_deref(), Some("true"), "under answered");
        Ok(())
    })
    .await;
    if let Ok(path) = std::env::var("CONSOLE_SCREENSHOT") {
        screenshot(cm, &path).await;
    }
    eventually(LIVE, || async {
        let replies = ctx.visitor.replies().await?;
        let answer = replies.iter().find(|r| r.text.as_deref() == Some("Yes, e-bikes too!")).ok_or_else(|| format!("no answer in the widget: {replies:?}"))?;
        ensure!(answer.author.as_deref().is_some_and(|a| a.contains("Acme")), "author {answer:?}");
        let id = answer.id.clone().unwrap_or_default();
        ensure_eq!(ctx.visitor.count(&format!(".gz-reply[data-id='{id}'] .gz-badge")).await?, 1, "the verified mark");
        Ok(())
    })
    .await;
}

/// The README's picture: every reply of the inbox, at 1,280 × 720 px.
async fn screenshot(cm: &Tab, path: &str) {
    cm.click(".filters button[data-filter='all']").await.unwrap();
    wait_for(cm, ".inbox-item[data-answered='false']").await;
    cm.resize(1280, 720).await;
    let png = cm.screenshot().await.unwrap();
    std::fs::write(path, png).unwrap_or_else(|e| panic!("write {path}: {e}"));
    cm.resize(1024, 900).await;
    cm.click(".filters button[data-filter='to_answer']").await.unwrap();
}

/// The id of the inbox item showing `text`.
async fn inbox_item(cm: &Tab, text: &str) -> Result<String, String> {
    let found = cm
        .js(
            "const item = Array.from(document.querySelectorAll('.inbox-item'))
               .find(li => li.querySelector('.reply-text').textContent === arguments[0]);
             return item ? item.dataset.id : null;",
            vec![json!(text)],
        )
        .await?;
    found.as_str().map(str::to_owned).ok_or_else(|| format!("{text:?} not in the inbox"))
}

async fn moderation(ctx: Arc<Ctx>) {
    let cm = &ctx.cm;
    open(cm, "settings").await;
    wait_for(cm, "#premoderated").await;
    // A field error shows on its field, and nothing is saved.
    cm.type_text("#origins", "not a site").await.unwrap();
    cm.click(".settings button[type=submit]").await.unwrap();
    eventually(LOAD, || async {
        ensure!(cm.text("#origins-error").await?.starts_with("Each line must be a site address"), "no field error");
        ensure_eq!(cm.attr("#origins", "aria-invalid").await?.as_deref(), Some("true"), "aria-invalid");
        ensure_eq!(cm.text("#blocked-words-error").await?, "", "the error on the wrong field");
        Ok(())
    })
    .await;
    // A blank line is no site (WebDriver's clear alone fires no input event).
    cm.type_text("#origins", " ").await.unwrap();
    cm.click("#premoderated").await.unwrap();
    cm.click(".settings button[type=submit]").await.unwrap();
    eventually(LOAD, || async {
        ensure_eq!(cm.text(".settings .done").await?, "Saved.", "not saved");
        Ok(())
    })
    .await;
    let stored: serde_json::Value = ctx.edge.admin(ctx.edge.get("/v1/accounts/acme/settings")).send().await.expect_json(200);
    assert_eq!(stored["moderation"], "premoderated", "{stored}");
    let bike = posts(&ctx).await[1].id.clone();
    open_conversation(&ctx, &bike).await;
    visitor_replies(&ctx, "Is the blue one back?").await;
    wait_for(&ctx.visitor, ".gz-held").await;
    open(cm, "moderation").await;
    eventually(LOAD, || async {
        ensure_eq!(cm.text(".queued .text").await?, "Is the blue one back?", "the queued reply");
        ensure_eq!(cm.text(".queued .reason").await?, "every reply is read first", "its reason");
        Ok(())
    })
    .await;
    cm.click(".queued button.approve").await.unwrap();
    eventually(LOAD, || async {
        ensure_eq!(cm.count(".queued").await?, 0, "still queued");
        Ok(())
    })
    .await;
    eventually(LIVE, || async {
        let replies = ctx.visitor.replies().await?;
        ensure!(replies.iter().any(|r| r.text.as_deref() == Some("Is the blue one back?")), "approved reply not in the widget");
        Ok(())
    })
    .await;
}

async fn listening(ctx: Arc<Ctx>) {
    let cm = &ctx.cm;
    open(cm, "listening").await;
    cm.type_text("#search-text", "bikes").await.unwrap();
    cm.keys(&ENTER.to_string()).await.unwrap();
    eventually(LOAD, || async {
        let texts = cm.texts(".results .hit .text").await?;
        ensure_eq!(texts, ["Yes, e-bikes too!", "Does it apply to e-bikes?"], "the hits, newest first");
        ensure_eq!(cm.texts(".results .hit .kind").await?, ["Reply", "Reply"], "their kind");
        ensure_eq!(cm.texts(".results .hit mark").await?, ["bikes", "bikes"], "the words marked");
        Ok(())
    })
    .await;
    cm.type_text("#search-text", "\"the blue one\" (bac").await.unwrap();
    cm.click(".search button[type=submit]").await.unwrap();
    eventually(LOAD, || async {
        ensure_eq!(cm.texts(".results .hit .text").await?, ["Is the blue one back?"], "a phrase, then a word's start; the parenthesis ignored");
        Ok(())
    })
    .await;
    // Watched terms: a line with no word shows on its field; then saved.
    cm.type_text("#watch-terms", "delivery\n(").await.unwrap();
    cm.click(".watches button[type=submit]").await.unwrap();
    eventually(LOAD, || async {
        ensure!(cm.text("#watch-error").await?.starts_with("Each line must hold a word"), "no field error");
        Ok(())
    })
    .await;
    cm.type_text("#watch-terms", "delivery\n\"blue one\"").await.unwrap();
    cm.click(".watches button[type=submit]").await.unwrap();
    eventually(LOAD, || async {
        ensure_eq!(cm.text(".watches .done").await?, "Saved.", "not saved");
        Ok(())
    })
    .await;
    // A visitor's reply with a watched word shows among the mentions without reload.
    let e = &ctx.edge;
    e.admin(e.put("/v1/accounts/acme/settings")).json(&json!({"moderation": "open"})).send().await.expect(200);
    let dana = e.new_session("Dana").await;
    let bike = posts(&ctx).await[1].id.clone();
    e.reply(&dana.token, &bike, "Any delivery to Lyon?").await;
    eventually(LIVE, || async {
        ensure_eq!(cm.texts(".mentions .hit .text").await?, ["Any delivery to Lyon?"], "the mention");
        ensure_eq!(cm.texts(".mentions mark").await?, ["delivery"], "its words marked");
        ensure_eq!(cm.text(".mentions .terms").await?, "Watched terms: delivery", "its terms");
        Ok(())
    })
    .await;
    // Visitors' replies per hour: every one published so far, no buzz (under 10 an hour).
    eventually(LIVE, || async {
        ensure_eq!(cm.count(".chart.hours tbody tr").await?, 168, "a week of hours");
        let counts = cm.texts(".chart.hours tbody td.num").await?;
        let total: u64 = counts.iter().filter_map(|n| n.parse::<u64>().ok()).sum();
        ensure_eq!(total, 4, "visitors' replies published");
        ensure_eq!(cm.text(".buzz-empty").await?, "No buzz this week.", "buzz");
        Ok(())
    })
    .await;
    // A held reply is not pushed to the public: its mention shows at the next keep-alive.
    e.admin(e.put("/v1/accounts/acme/settings")).json(&json!({"moderation": "premoderated"})).send().await.expect(200);
    e.post(&format!("/v1/posts/{bike}/replies")).bearer(&dana.token).json(&json!({"text": "Is the blue one back for delivery?"})).send().await.expect(202);
    eventually(KEEP_ALIVE, || async {
        ensure_eq!(cm.texts(".mentions .hit .text").await?, ["Is the blue one back for delivery?", "Any delivery to Lyon?"], "the mentions");
        ensure_eq!(cm.text(".mentions .hit .kind").await?, "Waiting for approval", "the held one's kind");
        Ok(())
    })
    .await;
}

async fn webhooks(ctx: Arc<Ctx>) {
    let cm = &ctx.cm;
    let receiver = Receiver::start(&[Answer::Status(200)]);
    open(cm, "listening").await;
    cm.type_text("#webhook-url", "http://example.com/hook").await.unwrap();
    cm.click(".add-webhook button[type=submit]").await.unwrap();
    eventually(LOAD, || async {
        ensure_eq!(cm.text(".webhooks .error").await?, "The address must start with https://.", "the refusal");
        Ok(())
    })
    .await;
    cm.type_text("#webhook-url", &receiver.url("/hook")).await.unwrap();
    cm.click("#webhook-format option[value=json]").await.unwrap();
    cm.click(".add-webhook button[type=submit]").await.unwrap();
    let secret = eventually(LOAD, || async {
        let secret = cm.value("#webhook-secret").await?;
        ensure!(secret.starts_with("whsec_"), "no secret shown: {secret:?}");
        ensure_eq!(cm.texts(".webhook .where").await?, [receiver.url("/hook")], "the webhook listed");
        ensure_eq!(cm.text(".webhook .how").await?, "Signed JSON (HMAC-SHA256) · English", "its format");
        Ok(secret)
    })
    .await;
    cm.click(".webhook button.test").await.unwrap();
    eventually(LOAD, || async {
        ensure_eq!(cm.texts(".webhook .delivery .state").await?, ["Delivered"], "the test's delivery");
        ensure_eq!(cm.texts(".webhook .attempt .outcome").await?, ["200"], "its attempt");
        Ok(())
    })
    .await;
    let got = receiver.received();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].json()["type"], "test");
    let t: u64 = got[0].header(SIGNATURE_HEADER).and_then(|h| h.strip_prefix("t=")?.split(',').next()?.parse().ok()).expect("a timestamp");
    assert_eq!(got[0].header(SIGNATURE_HEADER), Some(signature(&secret, t, &got[0].body).as_str()), "signed with the secret shown");
    // A watched word in a visitor's reply: delivered, and in the log.
    let e = &ctx.edge;
    e.admin(e.put("/v1/accounts/acme/settings")).json(&json!({"moderation": "open"})).send().await.expect(200);
    let eli = e.new_session("Eli").await;
    e.reply(&eli.token, &posts(&ctx).await[1].id, "Is delivery free?").await;
    eventually(LIVE, || async {
        ensure_eq!(cm.texts(".webhook .delivery .event").await?, ["Mention", "Test"], "the log, newest first");
        ensure_eq!(cm.texts(".webhook .delivery .state").await?, ["Delivered", "Delivered"], "both delivered");
        Ok(())
    })
    .await;
    assert_eq!(receiver.received().len(), 2);
    // Reloaded, the secret is gone for good.
    cm.reload().await;
    eventually(LOAD, || async {
        ensure_eq!(cm.count(".webhook").await?, 1, "the webhook");
        ensure_eq!(cm.count("#webhook-secret").await?, 0, "the secret shown again");
        Ok(())
    })
    .await;
}

async fn offers(ctx: Arc<Ctx>) {
    let cm = &ctx.cm;
    open(cm, "compose").await;
    cm.type_text("#compose-text", "For our followers: a free bell with every bike.").await.unwrap();
    cm.click("#offer-on").await.unwrap();
    cm.type_text("#offer-code", "BELL-2026").await.unwrap();
    cm.type_text("#offer-limit", "2").await.unwrap();
    // datetime-local takes the reader's local time: tomorrow, as the browser writes it.
    cm.js(
        "const d = new Date(Date.now() + 86400000), pad = n => String(n).padStart(2, '0');
         const ends = document.querySelector('#offer-ends');
         ends.value = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
         ends.dispatchEvent(new Event('input', {bubbles: true}));",
        vec![],
    )
    .await
    .unwrap();
    cm.click(".compose button[type=submit]").await.unwrap();
    ensure_posted(cm, "For our followers: a free bell with every bike.").await;
    let e = &ctx.edge;
    let post = eventually(LOAD, || async {
        let newest = posts(&ctx).await[0].clone();
        ensure!(newest.offer.is_some(), "the newest post holds no offer: {newest:?}");
        Ok(newest)
    })
    .await;
    let offer = post.offer.clone().unwrap();
    assert_eq!((offer.limit, offer.claimed), (Some(2), 0));
    let fan = e.new_session("Fan").await;
    e.follow(&fan.token, "acme").await;
    let claimed: serde_json::Value = e.post(&format!("/v1/posts/{}/offer/claim", post.id)).bearer(&fan.token).send().await.expect_json(201);
    assert_eq!(claimed["code"], "BELL-2026");
    open(cm, "posts").await;
    eventually(LOAD, || async {
        ensure_eq!(cm.texts(".offers .offer .code").await?, ["BELL-2026"], "the offer's code");
        ensure_eq!(cm.text(".offers .offer .taken").await?, "1/2", "its claims");
        ensure_eq!(cm.text(".offers .offer .follows").await?, "+1", "the follows while it ran");
        Ok(())
    })
    .await;
}

async fn pictures(ctx: Arc<Ctx>) {
    let cm = &ctx.cm;
    open(cm, "compose").await;
    cm.type_text("#compose-text", "Our bike, in blue.").await.unwrap();
    let fixtures = repo_root().join("tests/fixtures/images");
    // Not a picture: refused in words, nothing added.
    cm.choose_file("#compose-pictures", &fixtures.join("README.md")).await.unwrap();
    eventually(LOAD, || async {
        ensure_eq!(cm.text(".pictures .error").await?, "This file is not a JPEG, PNG, WebP, GIF or AVIF picture.", "the refusal");
        Ok(())
    })
    .await;
    // A picture taken off is deleted from the edge.
    cm.choose_file("#compose-pictures", &fixtures.join("bike.png")).await.unwrap();
    let taken_off = eventually(LOAD, || async {
        cm.attr(".picture-list .picture", "data-id").await?.ok_or_else(|| "no picture listed".to_owned())
    })
    .await;
    ctx.edge.get(&format!("/media/acme/{taken_off}")).send().await.expect(200);
    cm.click(".picture-list .picture .remove").await.unwrap();
    eventually(LOAD, || async {
        ensure_eq!(cm.count(".picture-list .picture").await?, 0, "the pictures after Remove");
        ctx.edge.get(&format!("/media/acme/{taken_off}")).send().await.check_error(404, "not_found")
    })
    .await;
    cm.choose_file("#compose-pictures", &fixtures.join("bike.webp")).await.unwrap();
    eventually(LOAD, || async {
        ensure_eq!(cm.count(".picture-list .picture").await?, 1, "the picture added");
        Ok(())
    })
    .await;
    // Without its alt text, the browser does not send the form.
    cm.click(".compose button[type=submit]").await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(cm.count(".picture-list .picture").await.unwrap(), 1, "posted without alt text");
    cm.type_text(".picture-list .picture input", "A blue bike, side view").await.unwrap();
    cm.click(".compose button[type=submit]").await.unwrap();
    ensure_posted(cm, "Our bike, in blue.").await;
    let post = eventually(LOAD, || async {
        let newest = posts(&ctx).await[0].clone();
        ensure_eq!(newest.text, "Our bike, in blue.", "the newest post");
        Ok(newest)
    })
    .await;
    assert_eq!(post.images.len(), 1, "{post:?}");
    assert_eq!((post.images[0].alt.as_str(), post.images[0].width, post.images[0].height), ("A blue bike, side view", 40, 30));
    assert_eq!(cm.count(".picture-list .picture").await.unwrap(), 0, "the pictures left after posting");
}

async fn tokens(ctx: Arc<Ctx>) {
    let (operator, night) = (&ctx.operator, &ctx.night);
    sign_in(&ctx, operator, ctx.edge.admin_token()).await;
    wait_for(operator, "button.pick").await;
    operator.click("button.pick").await.unwrap();
    open(operator, "settings").await;
    wait_for(operator, "#token-name").await;
    operator.type_text("#token-name", "Night shift").await.unwrap();
    operator.click(".issue button[type=submit]").await.unwrap();
    let token = eventually(LOAD, || async {
        let token = operator.value("#issued-token").await?;
        token.parse::<BrandToken>().map_err(|()| format!("not a brand token: {token:?}"))
    })
    .await;
    sign_in(&ctx, night, &token.to_string()).await;
    wait_for(night, "nav.tabs").await;
    let row = format!(".token-list li[data-id='{}']", token.id);
    operator.click(&format!("{row} button.revoke")).await.unwrap();
    eventually(LOAD, || async {
        ensure_eq!(operator.count(&row).await?, 0, "revoked token still listed");
        Ok(())
    })
    .await;
    open_anyway(night, "posts").await;
    eventually(LOAD, || async {
        ensure_eq!(night.count("nav.tabs").await?, 0, "still signed in");
        ensure_eq!(night.text(".notice").await?, REFUSED, "the notice");
        Ok(())
    })
    .await;
    let kept = night.js("return sessionStorage.length;", vec![]).await.unwrap();
    assert_eq!(kept, 0, "the revoked token kept");
}

/// Clicks a tab without waiting for it to show. The console may have signed
/// out first, on a background call refused: then there is no tab to click,
/// and the caller's checks of the signed-out console follow.
async fn open_anyway(tab: &Tab, slug: &str) {
    if tab.count("nav.tabs").await.unwrap() > 0 {
        let _gone_meanwhile = tab.click(&format!("nav.tabs a[href='#{slug}']")).await;
    }
}

async fn stats(ctx: Arc<Ctx>) {
    let (cm, e) = (&ctx.cm, &ctx.edge);
    // A follower whose browser is notified of new posts (Web Push).
    let follower = e.new_session("Pia").await;
    let inbox = PushInbox::start(&[Answer::Status(201)]);
    e.put("/v1/me/push").bearer(&follower.token).json(&inbox.subscription()).send().await.expect(201);
    e.put("/v1/accounts/acme/follow").bearer(&follower.token).json(&json!({"notify": true})).send().await.expect(200);
    open(cm, "compose").await;
    eventually(LOAD, || async {
        ensure_eq!(cm.text(".notifies").await?, "Followers this post will notify: 1", "Compose");
        Ok(())
    })
    .await;
    open(cm, "stats").await;
    eventually(LOAD, || async {
        ensure_eq!(cm.text(".notified").await?, "1", "followers notified");
        // Replies by visitors: two, then one approved; one answered.
        ensure_eq!(cm.text(".reply-total").await?, "3", "visitor replies");
        ensure_eq!(cm.text(".answered-count").await?, "1", "answered");
        ensure_eq!(cm.text(".share").await?.split(' ').next().unwrap_or_default(), "33", "share answered");
        let today = cm.texts(".activity tbody tr:last-child td").await?;
        ensure_eq!(today, ["2", "3"], "posts and replies today");
        ensure_eq!(cm.count(".activity tbody tr").await?, 7, "7 days");
        let top = cm.texts(".top-posts tbody tr:first-child td").await?;
        ensure_eq!(top, ["Our new bike is out.", "2"], "the post with the most replies");
        Ok(())
    })
    .await;
    cm.click(".filters button[data-days='30']").await.unwrap();
    eventually(LOAD, || async {
        ensure_eq!(cm.count(".activity tbody tr").await?, 30, "30 days");
        Ok(())
    })
    .await;
    // The steps after count followers as if Pia had not come (a same-day follow and unfollow count nothing).
    e.unfollow(&follower.token, "acme").await;
}

async fn find_account(ctx: Arc<Ctx>) {
    let operator = &ctx.operator;
    operator.click("button.switch-account").await.unwrap();
    wait_for(operator, "button.pick").await;
    let every: &[&str] = &["@acme", "@zest"];
    assert_eq!(operator.texts(".accounts li").await.unwrap(), every, "every account");
    for (typed, listed) in [("ZE", &["@zest"][..]), ("nothing", &["No account matches."]), ("@ac", &["@acme"])] {
        operator.type_text("#find-account", typed).await.unwrap();
        eventually(LOAD, || async {
            ensure_eq!(operator.texts(".accounts li").await?, listed, "the accounts listed for {typed:?}");
            Ok(())
        })
        .await;
    }
    operator.click("button.pick").await.unwrap();
    wait_for(operator, "nav.tabs").await;
}

async fn accessible(ctx: Arc<Ctx>) {
    let (operator, night) = (&ctx.operator, &ctx.night);
    // The sign-in page (night was signed out).
    check_page(night, "sign-in").await;
    // The check can fail: a button with no name is found.
    night.js("const b = document.createElement('button'); b.id = 'nameless'; document.body.append(b);", vec![]).await.unwrap();
    let found = night.axe().await.unwrap();
    assert!(found.iter().any(|v| v.starts_with("button-name: #nameless")), "axe missed a nameless button: {found:?}");
    night.js("document.getElementById('nameless').remove();", vec![]).await.unwrap();
    operator.click("button.switch-account").await.unwrap();
    wait_for(operator, "button.pick").await;
    check_page(operator, "account picker").await;
    operator.click("button.pick").await.unwrap();
    for lang in ["English", "Français"] {
        for slug in ["compose", "inbox", "listening", "posts", "moderation", "settings", "stats"] {
            open(operator, slug).await;
            wait_for(operator, "main h1 ~ *").await;
            check_page(operator, &format!("{slug} in {lang}")).await;
        }
        operator.click("button.lang").await.unwrap();
    }
    let lang = operator.js("return document.documentElement.lang;", vec![]).await.unwrap();
    assert_eq!(lang, "en", "switched back to English");
}

/// No axe violation, and no sideways scrolling at 360 px or at 1,440 px.
async fn check_page(tab: &Tab, what: &str) {
    for (width, height) in [(360, 800), (1440, 900)] {
        tab.resize(width, height).await;
        let wide = tab.js("return [document.documentElement.scrollWidth, window.innerWidth];", vec![]).await.unwrap();
        assert!(wide[0].as_u64() <= wide[1].as_u64(), "{what} scrolls sideways at {width} px: {wide}");
        let violations = tab.axe().await.unwrap_or_else(|e| panic!("axe on {what}: {e}"));
        assert!(violations.is_empty(), "{what} at {width} px: {violations:#?}");
    }
    tab.resize(1024, 900).await;
}
