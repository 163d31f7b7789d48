//! A post's own page (`/@{handle}/{number}`): the post and its replies,
//! server-rendered as the widget shows them (see [`embed`](crate::embed)),
//! which the widget's script then takes over for its reply box; with what
//! makes it unfurl when shared and read well by machines (see
//! [`document`](crate::document)): its first picture, its oEmbed, and
//! JSON-LD, a `SocialMediaPosting` with its replies as `comment`.

use crate::document::{document, Head};
use crate::embed;
use crate::Site;
use gazouillis_protocol::i18n::Lang;
use gazouillis_protocol::site::{account_page, post_page, query_component};
use gazouillis_protocol::wire::Badge;
use gazouillis_protocol::{Account, FirstView, Post, PostId, Reply};
use serde_json::{json, Value};

/// The page of the one post of `first`, with its first page of replies.
pub fn render(site: Site, lang: Lang, first: &FirstView) -> String {
    let replies = first.replies.as_ref().map_or(&[][..], |page| page.replies.as_slice());
    let account = &first.account.account;
    let Some((post, Ok(id))) = first.posts.posts.first().map(|post| (post, post.id.parse::<PostId>())) else { return String::new() };
    let path = post_page(&id);
    let head = Head {
        title: format!("{} (@{}) : “{}”", account.name, account.handle, post.text),
        description: &post.text,
        oembed: Some(site.url(&format!("/oembed?url={}", query_component(&site.url(&path))))),
        json_ld: Some(posting(site, account, post, replies, &site.url(&path))),
        kind: "article",
        image: post.images.first(),
        path,
    };
    let body = embed::element(site, lang, first);
    document(site, lang, account, head, body)
}

/// The post as schema.org reads it.
fn posting(site: Site, account: &Account, post: &Post, replies: &[Reply], url: &str) -> Value {
    let brand = json!({"@type": "Organization", "name": account.name, "url": site.url(&account_page(&account.handle))});
    let comments: Vec<Value> = replies
        .iter()
        .map(|reply| {
            let author = match reply.author.badge {
                Some(Badge::Brand) => brand.clone(),
                _ => json!({"@type": "Person", "name": reply.author.name}),
            };
            json!({"@type": "Comment", "text": reply.text, "datePublished": reply.created_at, "author": author})
        })
        .collect();
    json!({
        "@context": "https://schema.org",
        "@type": "SocialMediaPosting",
        "@id": url,
        "url": url,
        "headline": post.text.chars().take(110).collect::<String>(),
        "articleBody": post.text,
        "datePublished": post.created_at,
        "author": brand,
        "image": post.images.iter().map(|image| site.url(&image.url)).collect::<Vec<_>>(),
        "commentCount": post.replies,
        "comment": comments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gazouillis_protocol::{AccountInfo, Author, PostPage, ReplyPage};

    #[test]
    fn head_and_json_ld_of_a_post_with_a_reply() {
        let account = Account { handle: "acme".into(), name: "Acme".into(), bio: String::new(), followers: 0, posts: 1 };
        let post = Post { id: "acme-1".into(), account: "acme".into(), text: "</script><b>x</b>".into(), created_at: "2026-11-25T17:46:52.123Z".into(), replies: 1, offer: None, images: vec![] };
        let reply = Reply { id: "acme-1-0".into(), post: "acme-1".into(), author: Author { id: "v".into(), name: "Ana".into(), badge: None }, text: "Oui".into(), created_at: "2026-11-25T18:00:00.000Z".into() };
        let replies = Some(ReplyPage { replies: vec![reply], next: None });
        let first = FirstView { at: 0, version: 1, account: AccountInfo { account, max_chars: 140, turnstile: None, push: false }, posts: PostPage { posts: vec![post], next: None }, replies };
        let html = render(Site::new("https://e.example"), Lang::En, &first);
        assert!(html.contains("<link rel=\"canonical\" href=\"https://e.example/@acme/1\">"), "{html}");
        assert!(html.contains("href=\"https://e.example/oembed?url=https%3A%2F%2Fe.example%2F%40acme%2F1\""), "{html}");
        assert!(!html.contains("</script><b>"), "{html}");
        let start = html.find("application/ld+json\">").unwrap() + "application/ld+json\">".len();
        let end = start + html[start..].find("</script>").unwrap();
        let ld: Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!((ld["@type"].as_str(), ld["articleBody"].as_str()), (Some("SocialMediaPosting"), Some("</script><b>x</b>")));
        assert_eq!(ld["comment"][0]["author"]["name"], "Ana");
    }
}
