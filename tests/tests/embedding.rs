//! How a page dresses and loads the widget, in Chromium: `theme`
//! (`auto` following the page's `color-scheme`, else the system's; `light`
//! and `dark` whatever both say), the documented CSS custom properties and
//! `::part()` names, `loading="lazy"` (no wasm fetched until the
//! element comes near the viewport), and the style sheet: one constructed
//! sheet adopted by every element, whether the edge rendered its first
//! view or not.

use gazouillis_tests::www::{WwwServer, widget_page};
use gazouillis_tests::{Browser, Edge, Suite, Tab, ensure, ensure_eq, eventually, repo_root};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const WIDGET: Duration = Duration::from_secs(40);
const WHITE: &str = "rgb(255, 255, 255)";
/// The widget's dark background, `#15181c`.
const DARK: &str = "rgb(21, 24, 28)";

struct Ctx {
    edge: Edge,
    www: WwwServer,
    browser: Browser,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedding() {
    let e = Edge::start().await;
    e.create_account("acme", "Acme", "Vélos").await;
    e.create_post("acme", "Bonjour").await;
    e.until_feed_holds("acme", 1).await;
    let www = WwwServer::start(&repo_root().join("www"), &e.base_url());
    let browser = Browser::start().await;
    let mut suite = Suite::new("embedding", Ctx { edge: e, www, browser });
    suite.step("theme: auto follows the page's color-scheme, else the system's; light and dark are forced", themes).await;
    suite.step("the CSS custom properties and ::part() names restyle the widget", custom_properties_and_parts).await;
    suite.step("loading=lazy: no wasm until the element comes near the viewport", lazy).await;
    suite.step("one style sheet, adopted by every element, with a first view or without", one_style_sheet).await;
    suite.finish(|ctx| ctx.edge.dump_log()).await;
}

/// Each widget's background once all `n` show their post, in page order.
async fn backgrounds(tab: &Tab, n: usize) -> Vec<String> {
    let read = "return [...document.querySelectorAll('gazouillis-feed')].map(el => {
        const root = el.shadowRoot, gz = root && root.querySelector('.gz');
        return gz && root.querySelector('.gz-post') ? getComputedStyle(gz).backgroundColor : null; });";
    eventually(WIDGET, || async {
        let shown: Vec<Option<String>> = serde_json::from_value(tab.js(read, vec![]).await?).map_err(|e| e.to_string())?;
        ensure!(shown.len() == n && shown.iter().all(Option::is_some), "not every widget shows yet: {shown:?}");
        Ok(shown.into_iter().flatten().collect())
    })
    .await
}

async fn themes(ctx: Arc<Ctx>) {
    let www = &ctx.www;
    let elements = "<gazouillis-feed account=\"acme\"></gazouillis-feed>\
        <gazouillis-feed account=\"acme\" theme=\"light\"></gazouillis-feed>\
        <gazouillis-feed account=\"acme\" theme=\"dark\"></gazouillis-feed>";
    www.add_page("/test/no-scheme.html", &widget_page("", elements));
    www.add_page("/test/dark-page.html", &widget_page("<style>:root{color-scheme:dark}</style>", elements));
    www.add_page("/test/light-page.html", &widget_page("<style>:root{color-scheme:light}</style>", elements));
    www.add_page("/test/meta-dark.html", &widget_page("<meta name=\"color-scheme\" content=\"dark\">", elements));
    let tab = ctx.browser.new_context().await;
    for (system, page, auto) in [
        ("light", "no-scheme", WHITE),
        ("dark", "no-scheme", DARK),
        ("light", "dark-page", DARK),
        ("light", "meta-dark", DARK),
        ("dark", "light-page", WHITE),
    ] {
        tab.prefer_color_scheme(system).await.unwrap();
        tab.goto(&format!("{}/test/{page}.html", www.origin())).await;
        assert_eq!(backgrounds(&tab, 3).await, [auto, WHITE, DARK], "system {system}, page {page}: auto, light, dark");
    }
    tab.close().await;
}

async fn custom_properties_and_parts(ctx: Arc<Ctx>) {
    let style = "<style>
        .branded { --gazouillis-accent: rgb(200, 0, 0); --gazouillis-background: rgb(250, 240, 230); --gazouillis-text: rgb(10, 20, 30);
                   --gazouillis-muted: rgb(90, 80, 70); --gazouillis-border: rgb(0, 128, 0); --gazouillis-font: Georgia, serif; --gazouillis-radius: 3px; }
        .branded::part(post) { outline: 2px solid rgb(1, 2, 3); }
        .branded::part(header) { outline: 2px solid rgb(4, 5, 6); }
        .branded::part(follow-button) { outline: 2px solid rgb(7, 8, 9); }
        .branded::part(container) { outline: 2px solid rgb(10, 11, 12); }
    </style>";
    ctx.www.add_page("/test/branded.html", &widget_page(style, "<gazouillis-feed class=\"branded\" account=\"acme\"></gazouillis-feed><gazouillis-feed account=\"acme\"></gazouillis-feed>"));
    let tab = ctx.browser.new_context().await;
    tab.prefer_color_scheme("light").await.unwrap();
    tab.goto(&format!("{}/test/branded.html", ctx.www.origin())).await;
    backgrounds(&tab, 2).await;
    let read = "return [...document.querySelectorAll('gazouillis-feed')].map(el => {
        const root = el.shadowRoot, css = sel => getComputedStyle(root.querySelector(sel));
        return {background: css('.gz').backgroundColor, text: css('.gz').color, border: css('.gz').borderTopColor, font: css('.gz').fontFamily,
                radius: css('.gz').borderTopLeftRadius, accent: css('.gz-avatar').backgroundColor, muted: css('.gz-handle').color,
                parts: ['.gz-post', '.gz-account', '.gz-follow', '.gz'].map(sel => css(sel).outlineColor)}; });";
    let [branded, plain]: [Value; 2] = serde_json::from_value(tab.js(read, vec![]).await.unwrap()).unwrap();
    assert_eq!(branded, json!({
        "background": "rgb(250, 240, 230)", "text": "rgb(10, 20, 30)", "border": "rgb(0, 128, 0)", "font": "Georgia, serif",
        "radius": "3px", "accent": "rgb(200, 0, 0)", "muted": "rgb(90, 80, 70)",
        "parts": ["rgb(1, 2, 3)", "rgb(4, 5, 6)", "rgb(7, 8, 9)", "rgb(10, 11, 12)"],
    }));
    // The other widget of the page keeps its own look.
    assert_eq!((&plain["background"], &plain["accent"], &plain["radius"]), (&json!(WHITE), &json!("rgb(29, 127, 214)"), &json!("14px")));
    tab.close().await;
}

async fn lazy(ctx: Arc<Ctx>) {
    let body = "<p style=\"height:4000px\">Plus bas.</p><gazouillis-feed id=\"below\" account=\"acme\" loading=\"lazy\"></gazouillis-feed>";
    ctx.www.add_page("/test/lazy.html", &widget_page("", body));
    let tab = ctx.browser.new_context().await;
    tab.goto(&format!("{}/test/lazy.html", ctx.www.origin())).await;
    let fetched = "return performance.getEntriesByType('resource').filter(r => r.name.endsWith('.wasm')).length;";
    // Once the element is defined and two frames have passed (the observer has answered), nothing was fetched.
    let settled = "return customElements.whenDefined('gazouillis-feed')
        .then(() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done))))
        .then(() => ({wasm: performance.getEntriesByType('resource').filter(r => r.name.endsWith('.wasm')).length,
                      mounted: !!document.getElementById('below').shadowRoot}));";
    assert_eq!(tab.js(settled, vec![]).await.unwrap(), json!({"wasm": 0, "mounted": false}), "below the fold, nothing is loaded");
    tab.js("document.getElementById('below').scrollIntoView(); return true;", vec![]).await.unwrap();
    eventually(WIDGET, || async {
        ensure_eq!(tab.js(fetched, vec![]).await?, json!(1), "the wasm, once near the viewport");
        ensure_eq!(tab.count(".gz-post").await?, 1, "the widget shows its post");
        Ok(())
    })
    .await;
    tab.close().await;
}

/// An unknown account has no first view (`/embed` answers 404): the widget
/// shows its own, "not found" with Retry, styled by the style sheet it
/// links. A first view's style sheet serves the widget that takes it over.
async fn one_style_sheet(ctx: Arc<Ctx>) {
    let elements = "<gazouillis-feed account=\"ghost\"></gazouillis-feed><gazouillis-feed account=\"acme\"></gazouillis-feed>";
    ctx.www.add_page("/test/ghost.html", &widget_page("", elements));
    let tab = ctx.browser.new_context().await;
    tab.prefer_color_scheme("light").await.unwrap();
    tab.goto(&format!("{}/test/ghost.html", ctx.www.origin())).await;
    let read = "const hosts = [...document.querySelectorAll('gazouillis-feed')];
        const shared = hosts[0].shadowRoot.adoptedStyleSheets[0];
        return hosts.map(el => {
        const root = el.shadowRoot, error = root.querySelector('.gz-error');
        return {adopted: root.adoptedStyleSheets.length, shared: root.adoptedStyleSheets[0] === shared,
                elements: root.querySelectorAll('style, link').length,
                background: getComputedStyle(root.querySelector('.gz')).backgroundColor,
                error: error && getComputedStyle(error).color}; });";
    eventually(WIDGET, || async {
        let [ghost, acme]: [Value; 2] = serde_json::from_value(tab.js(read, vec![]).await?).map_err(|e| e.to_string())?;
        ensure_eq!(ghost, json!({"adopted": 1, "shared": true, "elements": 0, "background": WHITE, "error": "rgb(198, 40, 40)"}));
        ensure_eq!(acme, json!({"adopted": 1, "shared": true, "elements": 0, "background": WHITE, "error": null}));
        Ok(())
    })
    .await;
    tab.close().await;
}
