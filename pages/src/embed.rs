//! The widget's first view rendered on the server: the `<gazouillis-feed>`
//! element with, inside a declarative shadow root, a link to the widget's
//! own style sheet and its markup (the same classes and structure as
//! `widget/src`), so it paints before any script runs, reads with JavaScript
//! off and is seen by crawlers. The style sheet is linked, never inline, so
//! that a page's strict `style-src` allows it by the edge's origin alone (a
//! link the parser meets holds the paint of what follows it until it is
//! loaded: the view never shows unstyled). The loader, which fetches this
//! view for an element the page's server did not render, takes the link out
//! and adopts the same sheet. What needs a script (claiming an offer, opening a picture
//! large, loading more) comes when the widget takes the element over. Follow
//! and a conversation's reply box are there from the first paint (but with
//! JavaScript off: `@media (scripting: none)` in the style sheet): the
//! reader types and presses before the widget's code arrives, the
//! loader marks the press (`aria-busy`, which only these buttons carry) and
//! the widget acts on it (`widget/src/take_over.js`).

use crate::{json_in_html, rich, Site};
use gazouillis_protocol::i18n::{Lang, Text};
use gazouillis_protocol::media::Image;
use gazouillis_protocol::offer::Offer;
use gazouillis_protocol::site::post_page;
use gazouillis_protocol::time::millis_from_rfc3339;
use gazouillis_protocol::wire::Badge;
use gazouillis_protocol::{Account, FirstView, Post, PostId, Reply};
use maud::{html, Markup};

/// Where the edge serves the widget's style sheet, one file for the widget and these views.
const WIDGET_CSS: &str = "/widget/widget.css";

/// The element holding `first` (the account and its posts as read at
/// `first.at`, also given to the widget as JSON), in `lang`: the
/// conversation of its one post when it has its replies.
pub fn element(site: Site, lang: Lang, first: &FirstView) -> Markup {
    let account = &first.account.account;
    let posts = &first.posts.posts;
    let replies = first.replies.as_ref().map(|page| page.replies.as_slice());
    let conversation = replies.and(posts.first()).map(|post| post.id.as_str());
    let view = View { site, lang, now_ms: first.at, handle: &account.handle };
    html! {
        gazouillis-feed account=(account.handle) post=[conversation] api=(site.url("")) lang=(lang.tag()) {
            template shadowrootmode="open" {
                link rel="stylesheet" href=(site.url(WIDGET_CSS));
                script.gz-first-view type="application/json" { (json_in_html(first)) }
                div.gz part="container" lang=(lang.tag()) {
                    (view.header(account))
                    @match (replies, posts.first()) {
                        (Some(replies), Some(post)) => (view.post(post, Some(replies))),
                        _ => {
                            div.gz-live aria-live="polite" {}
                            @for post in posts { (view.post(post, None)) }
                            @if posts.is_empty() { p.gz-empty { (lang.t(Text::NoPosts)) } }
                        }
                    }
                }
            }
        }
    }
}

struct View<'a> {
    site: Site<'a>,
    lang: Lang,
    now_ms: u64,
    handle: &'a str,
}

impl View<'_> {
    fn header(&self, account: &Account) -> Markup {
        let lang = self.lang;
        let initial = account.name.chars().next().map(String::from).unwrap_or_default();
        html! {
            header.gz-account part="header" {
                div.gz-avatar aria-hidden="true" { (initial) }
                div.gz-who {
                    div.gz-account-name { (account.name) }
                    div.gz-handle { "@" (account.handle) }
                }
                // A dialog form submits nowhere: a press waits for the widget.
                form.gz-follow-form method="dialog" {
                    button.gz-follow part="follow-button" type="submit" aria-pressed="false" aria-busy="false" { (lang.t(Text::Follow)) }
                }
            }
            @if !account.bio.is_empty() { p.gz-bio { (account.bio) } }
            p.gz-followers {
                span.gz-followers-count { (account.followers) }
                " " (lang.counted(account.followers, Text::Follower, Text::Followers))
            }
        }
    }

    /// A post, with its thread when `replies` (conversation mode).
    fn post(&self, post: &Post, replies: Option<&[Reply]>) -> Markup {
        let lang = self.lang;
        let page = post.id.parse::<PostId>().map(|id| self.site.url(&post_page(&id))).unwrap_or_default();
        let count = html! {
            span.gz-reply-count { (post.replies) } " " (lang.counted(post.replies, Text::Reply, Text::Replies))
        };
        html! {
            article.gz-post part="post" data-id=(post.id) {
                p.gz-post-text { (rich::text(self.site, self.handle, &post.text)) }
                @if !post.images.is_empty() { (self.images(&post.images)) }
                @if let Some(offer) = &post.offer { (self.offer(offer)) }
                div.gz-meta {
                    a.gz-permalink href=(page) { (self.when(&post.created_at)) }
                    " · "
                    @match replies {
                        Some(_) => span.gz-replies { (count) },
                        // Without the script, the thread is on the post's page.
                        None => a.gz-open-replies href=(page) { (count) },
                    }
                }
                @if let Some(replies) = replies {
                    section.gz-thread {
                        @for reply in replies { (self.reply(reply)) }
                        @if replies.is_empty() { p.gz-empty { (lang.t(Text::NoReplies)) } }
                        form.gz-reply-box part="reply-box" method="dialog" {
                            textarea.gz-reply-input rows="2" placeholder=(lang.t(Text::WriteReply)) aria-label=(lang.t(Text::WriteReply)) {}
                            div.gz-reply-actions {
                                button.gz-send type="submit" aria-busy="false" { (lang.t(Text::Send)) }
                            }
                        }
                    }
                }
            }
        }
    }

    fn reply(&self, reply: &Reply) -> Markup {
        let lang = self.lang;
        html! {
            div.gz-reply part="reply" data-id=(reply.id) {
                div.gz-meta {
                    span.gz-reply-author { (reply.author.name) }
                    @match reply.author.badge {
                        Some(Badge::Brand) => span.gz-badge title=(lang.t(Text::VerifiedBrand)) aria-label=(lang.t(Text::VerifiedBrand)) { "✓" },
                        Some(Badge::Customer) => span.gz-customer { (lang.t(Text::Customer)) },
                        None => {},
                    }
                    " · "
                    (self.when(&reply.created_at))
                }
                p.gz-reply-text { (rich::text(self.site, self.handle, &reply.text)) }
            }
        }
    }

    fn images(&self, images: &[Image]) -> Markup {
        html! {
            div.gz-images {
                @for image in images {
                    button.gz-image type="button" {
                        img src=(self.site.url(&image.url)) alt=(image.alt) width=(image.width) height=(image.height) loading="lazy";
                    }
                }
            }
        }
    }

    fn offer(&self, offer: &Offer) -> Markup {
        let lang = self.lang;
        html! {
            div.gz-offer {
                p.gz-offer-title { (lang.t(Text::OfferForFollowers)) }
                p.gz-meta {
                    (lang.t(Text::Until)) " " time datetime=(offer.ends_at) { (lang.date(&offer.ends_at, true)) }
                    @if let Some(limit) = offer.limit { " · " (offer.claimed) "/" (limit) " " (lang.t(Text::Claimed)) }
                }
            }
        }
    }

    /// A `<time>` showing how long ago `at` was, with the exact time on hover.
    fn when(&self, at: &str) -> Markup {
        let age = millis_from_rfc3339(at).map_or(0, |then| self.now_ms.saturating_sub(then) / 1000);
        html! { time datetime=(at) title=(at) { (self.lang.when(at, age as i64)) } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gazouillis_protocol::{AccountInfo, Author, PostPage, ReplyPage};

    fn account() -> Account {
        Account { handle: "acme".into(), name: "Acme".into(), bio: "Vélos".into(), followers: 1, posts: 1 }
    }

    fn post(text: &str) -> Post {
        Post { id: "acme-1".into(), account: "acme".into(), text: text.into(), created_at: "2026-11-25T17:46:52.123Z".into(), replies: 1, offer: None, images: vec![] }
    }

    const NOW: u64 = 1_795_628_812_123 + 3 * 3600 * 1000;

    fn first(posts: Vec<Post>) -> FirstView {
        FirstView { at: NOW, version: 1, account: AccountInfo { account: account(), max_chars: 140, turnstile: None, push: false }, posts: PostPage { posts, next: None }, replies: None }
    }

    #[test]
    fn a_feed_inside_a_declarative_shadow_root() {
        let html = element(Site::new("https://edge.example"), Lang::Fr, &first(vec![post("Bonjour #vélo </script>")])).into_string();
        assert!(html.starts_with("<gazouillis-feed account=\"acme\" api=\"https://edge.example\" lang=\"fr\"><template shadowrootmode=\"open\">\
            <link rel=\"stylesheet\" href=\"https://edge.example/widget/widget.css\">"), "{html}");
        let data = html.split("<script class=\"gz-first-view\" type=\"application/json\">").nth(1).and_then(|rest| rest.split("</script>").next()).unwrap();
        let read: FirstView = serde_json::from_str(data).unwrap();
        assert_eq!(read, first(vec![post("Bonjour #vélo </script>")]), "the widget's data, whole, with no way out of its element");
        assert!(html.contains("<span class=\"gz-followers-count\">1</span> abonné</p>"), "{html}");
        assert!(html.contains("<a class=\"gz-permalink\" href=\"https://edge.example/@acme/1\"><time datetime=\"2026-11-25T17:46:52.123Z\" title=\"2026-11-25T17:46:52.123Z\">3 h</time></a>"), "{html}");
        assert!(html.contains("<a class=\"gz-open-replies\" href=\"https://edge.example/@acme/1\"><span class=\"gz-reply-count\">1</span> réponse</a>"), "{html}");
    }

    #[test]
    fn a_conversation_with_its_replies_and_their_marks() {
        let reply = |name: &str, badge| Reply {
            id: "acme-1-0".into(),
            post: "acme-1".into(),
            author: Author { id: "v".into(), name: name.into(), badge },
            text: "<b>merci</b>".into(),
            created_at: "2026-11-25T17:46:52.123Z".into(),
        };
        let replies = [reply("Ana", None), reply("Acme", Some(Badge::Brand))];
        let conversation = FirstView { replies: Some(ReplyPage { replies: replies.to_vec(), next: None }), ..first(vec![post("Hi")]) };
        let html = element(Site::new("https://edge.example"), Lang::En, &conversation).into_string();
        assert!(html.contains(" post=\"acme-1\""), "{html}");
        assert_eq!(html.matches("<div class=\"gz-reply\" part=\"reply\"").count(), 2);
        assert!(html.contains("<span class=\"gz-badge\" title=\"Verified: the brand itself\""), "{html}");
        assert!(html.contains("<p class=\"gz-reply-text\">&lt;b&gt;merci&lt;/b&gt;</p>"), "{html}");
        let reply_box = "<form class=\"gz-reply-box\" part=\"reply-box\" method=\"dialog\"><textarea class=\"gz-reply-input\" rows=\"2\" \
            placeholder=\"Write a reply…\" aria-label=\"Write a reply…\"></textarea><div class=\"gz-reply-actions\">\
            <button class=\"gz-send\" type=\"submit\" aria-busy=\"false\">Reply</button></div></form></section>";
        assert!(html.contains(reply_box), "a reply box to type in before the widget comes: {html}");
    }
}
