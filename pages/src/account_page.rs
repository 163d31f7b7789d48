//! An account's page (`/@{handle}`: its newest posts, server-rendered as the
//! widget shows them, which the widget then takes over) and its search
//! (`/@{handle}/search?q=`: what its posts and visitors' replies say, where
//! its hashtags link). Both in a [`document`](crate::document).

use crate::document::{document, Head};
use crate::embed;
use crate::{rich, Site};
use gazouillis_protocol::i18n::{Lang, Text};
use gazouillis_protocol::site::{account_page, feed, post_page, FeedFormat};
use gazouillis_protocol::{Account, FirstView, Found, PostId, SearchHit};
use maud::html;

/// The account's page with its newest posts (`first`).
pub fn render(site: Site, lang: Lang, first: &FirstView) -> String {
    let account = &first.account.account;
    let head = Head {
        title: format!("{} (@{})", account.name, account.handle),
        description: if account.bio.is_empty() { &account.name } else { &account.bio },
        path: account_page(&account.handle),
        kind: "profile",
        image: None,
        oembed: None,
        json_ld: None,
    };
    let body = html! {
        (embed::element(site, lang, first))
        p.meta {
            @for (n, (format, name)) in FeedFormat::ALL.into_iter().zip(["Atom", "RSS", "JSON Feed"]).enumerate() {
                @if n > 0 { " · " }
                a href=(site.url(&feed(&account.handle, format))) { (name) }
            }
        }
    };
    document(site, lang, account, head, body)
}

/// The account's search for `q`, with what it found (`hits`, newest first),
/// or only its form when `q` is empty.
pub fn search(site: Site, lang: Lang, account: &Account, q: &str, hits: &[SearchHit]) -> String {
    let path = format!("{}/search", account_page(&account.handle));
    let head = Head {
        title: if q.is_empty() { format!("{} · {}", lang.t(Text::Search), account.name) } else { format!("“{q}” · {}", account.name) },
        description: if account.bio.is_empty() { &account.name } else { &account.bio },
        path: path.clone(),
        kind: "website",
        image: None,
        oembed: None,
        json_ld: None,
    };
    let body = html! {
        form role="search" action=(site.url(&path)) method="get" {
            label for="q" { (lang.t(Text::Search)) }
            input id="q" type="search" name="q" value=(q);
            button type="submit" { (lang.t(Text::Search)) }
        }
        @if !q.is_empty() {
            h2 { (lang.t(Text::SearchResults)) }
            @if hits.is_empty() { p { (lang.t(Text::NoResults)) } }
            ol {
                @for hit in hits { li { (found(site, lang, account, &hit.found)) } }
            }
        }
    };
    document(site, lang, account, head, body)
}

/// One thing found: its text, who wrote it and when, linked to its post's page.
fn found(site: Site, lang: Lang, account: &Account, found: &Found) -> maud::Markup {
    let (author, post) = match found {
        Found::Post(post) => (account.name.as_str(), post.id.as_str()),
        Found::Reply(reply) => (reply.author.name.as_str(), reply.post.as_str()),
        // The public search never finds what waits for approval.
        Found::Queued(_) => return html! {},
    };
    let page = post.parse::<PostId>().map(|id| site.url(&post_page(&id))).unwrap_or_default();
    html! {
        p { (rich::text(site, &account.handle, found.text())) }
        p.meta {
            (author)
            @if matches!(found, Found::Reply(_)) { " · " a href=(page) { (lang.t(Text::RepliedTo)) " " (account.name) } }
            " · "
            a href=(page) { time datetime=(found.created_at()) { (lang.date(found.created_at(), true)) } }
        }
    }
}
