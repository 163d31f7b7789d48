//! The HTML document around every page of an account on the edge: its
//! head (title, description, canonical URL, the account's feeds, Open Graph
//! and Twitter Card tags, JSON-LD when the page has some) and a body with
//! the account's name as its heading, and the widget's script, which takes
//! over the server-rendered `<gazouillis-feed>` in it.

use crate::{json_in_html, Site};
use gazouillis_protocol::i18n::Lang;
use gazouillis_protocol::media::Image;
use gazouillis_protocol::site::{account_page, feed, FeedFormat};
use gazouillis_protocol::Account;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde_json::Value;

/// The pages' own style: what is around the widget (which styles itself).
const PAGE_CSS: &str = "body{margin:0;padding:24px 12px;font:16px/1.5 system-ui,sans-serif;color:#0f1419;background:#f4f6f8}\
main{max-width:600px;margin:0 auto}h1{font-size:20px;margin:0 0 12px}h2{font-size:17px}a{color:#1565c0}\
form{display:flex;gap:8px;margin:0 0 12px}input{flex:1;font:inherit;padding:6px 8px}button{font:inherit}\
ol{list-style:none;margin:0;padding:0}li{background:#fff;border:1px solid #e7ebee;border-radius:12px;padding:12px 16px;margin:0 0 8px}\
li p{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}.meta{color:#536471;font-size:14px;margin-top:4px}\
@media(prefers-color-scheme:dark){body{color:#e7e9ea;background:#0b0d0f}a{color:#6cb6f5}li{background:#15181c;border-color:#2f3336}.meta{color:#8b98a5}}";

/// What a page's head says of it.
pub struct Head<'a> {
    pub title: String,
    pub description: &'a str,
    /// Its path on the edge, which is its canonical URL.
    pub path: String,
    /// `article`, `profile` or `website`, as Open Graph says.
    pub kind: &'static str,
    pub image: Option<&'a Image>,
    /// Where its oEmbed is, if it has one.
    pub oembed: Option<String>,
    pub json_ld: Option<Value>,
}

/// A page of `account` in `lang` holding `body`.
pub fn document(site: Site, lang: Lang, account: &Account, head: Head, body: Markup) -> String {
    let url = site.url(&head.path);
    let meta = html! {
        meta name="description" content=(head.description);
        link rel="canonical" href=(url);
        @for format in FeedFormat::ALL {
            link rel="alternate" type=(format.media_type()) title=(account.name) href=(site.url(&feed(&account.handle, format)));
        }
        @if let Some(oembed) = &head.oembed {
            link rel="alternate" type="application/json+oembed" href=(oembed) title=(head.title);
        }
        meta property="og:type" content=(head.kind);
        meta property="og:title" content=(head.title);
        meta property="og:description" content=(head.description);
        meta property="og:url" content=(url);
        meta name="twitter:card" content=(if head.image.is_some() { "summary_large_image" } else { "summary" });
        meta name="twitter:title" content=(head.title);
        meta name="twitter:description" content=(head.description);
        @if let Some(image) = head.image {
            meta property="og:image" content=(site.url(&image.url));
            meta property="og:image:width" content=(image.width);
            meta property="og:image:height" content=(image.height);
            meta property="og:image:alt" content=(image.alt);
            meta name="twitter:image" content=(site.url(&image.url));
            meta name="twitter:image:alt" content=(image.alt);
        }
        @if let Some(json_ld) = &head.json_ld {
            script type="application/ld+json" { (json_in_html(json_ld)) }
        }
        script type="module" src=(site.url("/widget/gazouillis.js")) {}
    };
    let body = html! {
        h1 { a href=(site.url(&account_page(&account.handle))) { (account.name) } }
        (body)
    };
    shell(lang, &head.title, meta, body)
}

/// The page answered for an address that names no account or post:
/// `what`, said in words, under the same style as every page.
pub fn not_found(lang: Lang, what: &str) -> String {
    shell(lang, what, html! { meta name="robots" content="noindex"; }, html! { h1 { (what) } })
}

/// What every page has: its language, title and style, `meta` in its head
/// and `body` in its `<main>`.
fn shell(lang: Lang, title: &str, meta: Markup, body: Markup) -> String {
    let page = html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                (meta)
                style { (PreEscaped(PAGE_CSS)) }
            }
            body { main { (body) } }
        }
    };
    page.into_string()
}
