//! oEmbed (<https://oembed.com>): what a CMS gets for a post's page URL
//! pasted into it, a `rich` embed whose HTML is the widget's element for
//! that post and its script.

use crate::Site;
use gazouillis_protocol::site::{account_page, post_of_page};
use gazouillis_protocol::{Account, Post, PostId};
use maud::html;
use serde::Serialize;

/// The widest the widget shows, in CSS pixels (its style sheet's `max-width`).
pub const WIDTH: u32 = 600;

#[derive(Serialize)]
pub struct Embed {
    version: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    provider_name: &'static str,
    provider_url: String,
    author_name: String,
    author_url: String,
    title: String,
    html: String,
    width: u32,
    /// Unknown before it renders (its replies grow it), as Twitter answers.
    height: Option<u32>,
}

/// The post a pasted `url` names, when it is a post's page on this edge (`site`).
pub fn post_of_url(site: Site, url: &str) -> Option<PostId> {
    let path = url.strip_prefix(&site.url("/@"))?;
    let path = path.split(['?', '#']).next()?;
    let (handle, seq) = path.split_once('/')?;
    post_of_page(handle, seq)
}

/// The embed of `post` by `account`.
pub fn embed(site: Site, account: &Account, post: &Post) -> Embed {
    let html = html! {
        gazouillis-feed account=(account.handle) post=(post.id) api=(site.url("")) {}
        script type="module" src=(site.url("/widget/gazouillis.js")) {}
    };
    Embed {
        version: "1.0",
        kind: "rich",
        provider_name: "Gazouillis",
        provider_url: site.url("/"),
        author_name: account.name.clone(),
        author_url: site.url(&account_page(&account.handle)),
        title: post.text.clone(),
        html: html.into_string(),
        width: WIDTH,
        height: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_post_pages_of_this_edge_are_embedded() {
        let site = Site::new("https://e.example");
        assert_eq!(post_of_url(site, "https://e.example/@acme/1k?utm=x").map(|id| id.to_string()), Some("acme-1k".to_owned()));
        assert_eq!(post_of_url(site, "https://other.example/@acme/1"), None);
        assert_eq!(post_of_url(site, "https://e.example/@acme/feed.atom"), None);
        assert_eq!(post_of_url(site, "https://e.example/@acme"), None);
    }
}
