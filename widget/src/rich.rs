//! A post's or a reply's text as shown: words as text nodes, links as
//! anchors (shown short, opened in a new tab, marked as user content so
//! they pass no ranking), hashtags linked to the account's search and
//! mentions to the account they name, on the edge's pages. The segments are
//! `gazouillis_protocol::rich`'s, as everywhere a text is shown (the edge's
//! pages draw the same anchors: `pages/src/rich.rs`).

use gazouillis_protocol::rich::{Segment, segments, short_url};
use gazouillis_protocol::site::{account_page, hashtag_search};
use leptos::either::EitherOf4;
use leptos::prelude::*;

/// `text`, written on account `handle`, cut into its segments, each as its
/// view (no type-erased view: it would link Leptos' `AnyView` into the
/// widget); `base` is the edge's origin ("" on the edge itself).
pub fn rich_text(base: &str, handle: &str, text: &str) -> impl IntoView + use<> {
    let page = |path: String| format!("{base}{path}");
    segments(text)
        .into_iter()
        .map(|segment| match segment {
            Segment::Text(words) => EitherOf4::A(words.to_owned()),
            Segment::Url(url) => EitherOf4::B(
                view! { <a class="gz-link" href=url.to_owned() rel="ugc nofollow noopener" target="_blank">{short_url(url)}</a> },
            ),
            Segment::Hashtag(tag) => EitherOf4::C(view! {
                <a class="gz-tag" href=page(hashtag_search(handle, tag)) rel="noopener" target="_blank">"#"{tag.to_owned()}</a>
            }),
            Segment::Mention(name) => EitherOf4::D(view! {
                <a class="gz-mention" href=page(account_page(&name.to_ascii_lowercase())) rel="noopener" target="_blank">"@"{name.to_owned()}</a>
            }),
        })
        .collect::<Vec<_>>()
}
