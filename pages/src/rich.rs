//! A post's or a reply's text as HTML, cut by the protocol's one tokenizer:
//! links shown short and marked as the users' (`ugc`), hashtags linked to
//! the account's search, mentions to the account they name: the anchors
//! the widget draws (`widget/src/rich.rs`).

use crate::Site;
use gazouillis_protocol::rich::{segments, short_url, Segment};
use gazouillis_protocol::site::{account_page, hashtag_search};
use maud::{html, Markup};

/// `text`, written on account `handle`'s pages, as HTML.
pub fn text(site: Site, handle: &str, text: &str) -> Markup {
    html! {
        @for segment in segments(text) {
            @match segment {
                Segment::Text(words) => (words),
                Segment::Url(url) => a.gz-link href=(url) rel="ugc nofollow noopener" target="_blank" { (short_url(url)) },
                Segment::Hashtag(tag) => a.gz-tag href=(site.url(&hashtag_search(handle, tag))) rel="noopener" target="_blank" { "#" (tag) },
                Segment::Mention(name) => a.gz-mention href=(site.url(&account_page(&name.to_ascii_lowercase()))) rel="noopener" target="_blank" { "@" (name) },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html_of(words: &str) -> String {
        text(Site::new("https://edge.example"), "acme", words).into_string()
    }

    #[test]
    fn links_hashtags_and_mentions_become_anchors() {
        assert_eq!(
            html_of("Vélo #Été chez @Acme : https://acme.fr/v?a=1&b=2"),
            "Vélo <a class=\"gz-tag\" href=\"https://edge.example/@acme/search?q=%23%C3%89t%C3%A9\" rel=\"noopener\" target=\"_blank\">#Été</a> chez \
             <a class=\"gz-mention\" href=\"https://edge.example/@acme\" rel=\"noopener\" target=\"_blank\">@Acme</a> : \
             <a class=\"gz-link\" href=\"https://acme.fr/v?a=1&amp;b=2\" rel=\"ugc nofollow noopener\" target=\"_blank\">acme.fr/v?a=1&amp;b=2</a>"
        );
    }

    #[test]
    fn markup_and_scripts_stay_text() {
        let html = html_of("<script>alert(1)</script> \"quoted\" javascript:alert(1) <img src=x onerror=alert(1)>");
        assert!(!html.contains('<'), "no element at all: {html}");
        assert!(html.contains("&lt;script&gt;") && html.contains("&quot;quoted&quot;"), "{html}");
    }
}
