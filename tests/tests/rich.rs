//! Links, hashtags and mentions in the real widget, in headless Chromium:
//! links are anchors with the right attributes and short text, hashtags lead
//! to the account's search and mentions to the account on the edge, hostile text
//! stays text (no `javascript:` link, no attribute broken out of, no script
//! run), and no link hides its host (an address with a user part is text, a
//! long host is shown whole); and the widget's counter and the edge agree on 1,000 random texts
//! with links, around the limit (every link counts as 23 characters).

use gazouillis_protocol::rich::{URL_LENGTH, short_url, text_length};
use gazouillis_tests::www::{WwwServer, widget_page};
use gazouillis_tests::{Browser, Edge, Suite, Tab, ensure, ensure_eq, eventually, repo_root};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const WIDGET: Duration = Duration::from_secs(20);
/// A post whose links would hide their host: one with a user part, one with a long host.
const DISGUISED: &str = "https://acme.fr.support.account.verify.login@evil.example/ et https://acme.fr.support.account.verify.example/login";

struct Ctx {
    edge: Edge,
    browser: Browser,
    www: WwwServer,
    tab: Tab,
    visitor: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rich() {
    let (edge, browser) = tokio::join!(Edge::start(), Browser::start());
    edge.create_account("acme", "Acme", "Bikes").await;
    edge.create_post(
        "acme",
        "Le vélo #Été2026 chez @acme : https://www.acme.example/velos/bleu?taille=m&couleur=bleu#avis. \
         Pas ceci : javascript:alert(1) ni https://acme.example/\"onmouseover=\"window.pwned=1",
    )
    .await;
    edge.create_post("acme", DISGUISED).await;
    let www = WwwServer::start(&repo_root().join("www"), &edge.base_url());
    www.add_page("/test/feed.html", &widget_page("", "<gazouillis-feed account=\"acme\" post=\"acme-0\"></gazouillis-feed>"));
    www.add_page("/test/disguised.html", &widget_page("", "<gazouillis-feed account=\"acme\" post=\"acme-1\"></gazouillis-feed>"));
    let tab = browser.new_context().await;
    tab.goto(&format!("{}/test/feed.html", www.origin())).await;
    let visitor = edge.new_session("Counter").await.token;
    let mut suite = Suite::new("rich", Ctx { edge, www, browser, tab, visitor });
    suite.step("links are anchors (short, new tab, ugc nofollow noopener), hashtags and mentions lead to the edge's pages; hostile text stays text", links).await;
    suite.step("no link hides its host: an address with a user part stays text, a long host is shown whole", disguised).await;
    suite.step("the widget's counter and the edge agree on 1,000 random texts with links", counter_agrees).await;
    suite.finish(|ctx| ctx.edge.dump_log()).await;
}

async fn links(ctx: Arc<Ctx>) {
    let tab = &ctx.tab;
    let anchors = eventually(WIDGET, || async {
        let anchors = tab
            .js(
                "const root = document.querySelector('gazouillis-feed').shadowRoot;
                 return [...root.querySelectorAll('.gz-post-text a')].map(a =>
                   ({href: a.getAttribute('href'), rel: a.getAttribute('rel'), target: a.getAttribute('target'), text: a.textContent}));",
                vec![],
            )
            .await?;
        ensure!(anchors.as_array().is_some_and(|a| !a.is_empty()), "no link yet: {anchors}");
        Ok(anchors)
    })
    .await;
    assert_eq!(
        anchors,
        json!([
            {"href": format!("{}/@acme/search?q=%23%C3%89t%C3%A92026", ctx.edge.base_url()), "rel": "noopener", "target": "_blank", "text": "#Été2026"},
            {"href": format!("{}/@acme", ctx.edge.base_url()), "rel": "noopener", "target": "_blank", "text": "@acme"},
            {"href": "https://www.acme.example/velos/bleu?taille=m&couleur=bleu#avis", "rel": "ugc nofollow noopener", "target": "_blank", "text": short_url("https://www.acme.example/velos/bleu?taille=m&couleur=bleu#avis")},
            {"href": "https://acme.example/", "rel": "ugc nofollow noopener", "target": "_blank", "text": "acme.example"},
        ])
    );
    let marks = tab
        .js(
            "const root = document.querySelector('gazouillis-feed').shadowRoot;
             return {tags: [...root.querySelectorAll('.gz-post-text .gz-tag')].map(e => e.textContent),
                     mentions: [...root.querySelectorAll('.gz-post-text .gz-mention')].map(e => e.textContent),
                     text: root.querySelector('.gz-post-text').textContent,
                     elements: root.querySelector('.gz-post-text').querySelectorAll('*').length,
                     pwned: window.pwned === 1};",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(marks["tags"], json!(["#Été2026"]));
    assert_eq!(marks["mentions"], json!(["@acme"]));
    assert_eq!(marks["elements"], json!(4), "two links, a tag and a mention, nothing else: {marks}");
    assert!(marks["text"].as_str().unwrap().contains("javascript:alert(1) ni "), "{marks}");
    assert!(marks["text"].as_str().unwrap().ends_with("\"onmouseover=\"window.pwned=1"), "{marks}");
    assert_eq!(marks["pwned"], json!(false), "a script ran");
}

async fn disguised(ctx: Arc<Ctx>) {
    let tab = ctx.browser.new_context().await;
    tab.goto(&format!("{}/test/disguised.html", ctx.www.origin())).await;
    let read = eventually(WIDGET, || async {
        let read = tab
            .js(
                "const text = document.querySelector('gazouillis-feed').shadowRoot.querySelector('.gz-post-text');
                 return text && {text: text.textContent, anchors: [...text.querySelectorAll('a')].map(a => [a.getAttribute('href'), a.textContent])};",
                vec![],
            )
            .await?;
        ensure!(read["text"].is_string(), "no post yet");
        Ok(read)
    })
    .await;
    let long_host = "https://acme.fr.support.account.verify.example/login";
    let shown = "acme.fr.support.account.verify.example…";
    assert_eq!(read["text"], json!(DISGUISED.replace(long_host, shown)), "{read}");
    assert_eq!(read["anchors"], json!([[long_host, shown]]), "{read}");
}

/// A text of words, emoji, hashtags and links of every length, around 140 in length.
fn random_text(seed: u64) -> String {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let target = 125 + next(30) as usize;
    let mut text = String::new();
    while text_length(&text) < target {
        let piece = match next(6) {
            0 => format!("https://acme.example/{}", "p".repeat(next(80) as usize)),
            1 => format!("http://shop.acme.fr/v?c={}.", next(1000)),
            2 => "👨‍👩‍👧".to_owned(),
            3 => format!("#été{}", next(100)),
            4 => "é".repeat(1 + next(9) as usize),
            _ => "vélo".to_owned(),
        };
        text.push_str(&piece);
        text.push(' ');
    }
    text.trim().to_owned()
}

/// Sets the reply box's text as typing would, and reads the counter's number.
async fn widget_count(tab: &Tab, text: &str) -> Result<usize, String> {
    let counter = tab
        .js(
            "const root = document.querySelector('gazouillis-feed').shadowRoot;
             const box = root.querySelector('textarea.gz-reply-input');
             box.value = arguments[0];
             box.dispatchEvent(new Event('input', {bubbles: true}));
             // The view updates after this task.
             return new Promise(done => setTimeout(() => done(root.querySelector('.gz-counter').textContent), 0));",
            vec![Value::from(text)],
        )
        .await?;
    let counter = counter.as_str().unwrap_or_default().to_owned();
    counter.split('/').next().and_then(|n| n.trim().parse().ok()).ok_or(format!("counter {counter:?}"))
}

async fn counter_agrees(ctx: Arc<Ctx>) {
    let (tab, e) = (&ctx.tab, &ctx.edge);
    eventually(WIDGET, || async {
        ensure_eq!(tab.count("textarea.gz-reply-input").await?, 1, "the reply box");
        Ok(())
    })
    .await;
    let (mut accepted, mut refused, mut with_links) = (0, 0, 0);
    for seed in 0..1_000 {
        let text = random_text(seed);
        let count = widget_count(tab, &text).await.unwrap();
        assert_eq!(count, text_length(&text), "the widget's count of {text:?}");
        let answer = e.post("/v1/posts/acme-0/replies").bearer(&ctx.visitor).json(&json!({ "text": text })).send().await;
        if count <= 140 {
            answer.expect(201);
            accepted += 1;
        } else {
            answer.expect_error(422, "text_too_long");
            refused += 1;
        }
        with_links += usize::from(text.contains("://"));
    }
    eprintln!("[rich] 1,000 texts: {accepted} accepted, {refused} refused as too long, {with_links} with links");
    // The corpus tries both sides of the limit, and links far longer than what they count for.
    assert!(accepted > 100 && refused > 100 && with_links > 500, "{accepted} {refused} {with_links}");
    assert!((0..1_000).any(|seed| random_text(seed).chars().count() > 140 + URL_LENGTH && text_length(&random_text(seed)) <= 140));
}
