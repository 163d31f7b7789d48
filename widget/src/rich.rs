//! A post's or a reply's text as shown: words as text nodes, links as
//! anchors (shown short, opened in a new tab, marked as user content so
//! they pass no ranking), hashtags and mentions marked. The segments are
//! `gazouillis_protocol::rich`'s, as everywhere a text is shown.

use gazouillis_protocol::rich::{Segment, segments, short_url};
use leptos::either::EitherOf4;
use leptos::prelude::*;

/// `text` cut into its segments, each as its view (no type-erased view: it
/// would link Leptos' `AnyView` into the widget).
pub fn rich_text(text: &str) -> impl IntoView + use<> {
    segments(text)
        .into_iter()
        .map(|segment| match segment {
            Segment::Text(words) => EitherOf4::A(words.to_owned()),
            Segment::Url(url) => EitherOf4::B(
                view! { <a class="gz-link" href=url.to_owned() rel="ugc nofollow noopener" target="_blank">{short_url(url)}</a> },
            ),
            Segment::Hashtag(tag) => EitherOf4::C(view! { <span class="gz-tag">"#"{tag.to_owned()}</span> }),
            Segment::Mention(handle) => EitherOf4::D(view! { <span class="gz-mention">"@"{handle.to_owned()}</span> }),
        })
        .collect::<Vec<_>>()
}
