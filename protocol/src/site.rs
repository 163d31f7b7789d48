//! The paths of the pages the edge serves to readers outside the widget: an
//! account's page and search, a page per post, the account's feeds and the
//! embeddable fragments. One place for every public path, which the edge
//! routes, the pages and feeds link to, and the widget links to.
//!
//! A post's page is `/@{handle}/{seq}`, `{seq}` being the part of the post's
//! id after its handle (`acme-1k` → `/@acme/1k`).

use crate::ids::PostId;

/// The feeds of an account, by file name under `/@{handle}/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedFormat {
    Atom,
    Rss,
    /// JSON Feed 1.1.
    Json,
}

impl FeedFormat {
    pub const ALL: [FeedFormat; 3] = [FeedFormat::Atom, FeedFormat::Rss, FeedFormat::Json];

    pub fn file_name(self) -> &'static str {
        match self {
            FeedFormat::Atom => "feed.atom",
            FeedFormat::Rss => "feed.rss",
            FeedFormat::Json => "feed.json",
        }
    }

    pub fn from_file_name(name: &str) -> Option<FeedFormat> {
        FeedFormat::ALL.into_iter().find(|format| format.file_name() == name)
    }

    /// Its media type, as served and as discovery links name it.
    pub fn media_type(self) -> &'static str {
        match self {
            FeedFormat::Atom => "application/atom+xml",
            FeedFormat::Rss => "application/rss+xml",
            FeedFormat::Json => "application/feed+json",
        }
    }
}

/// `/@{handle}`: the account's page.
pub fn account_page(handle: &str) -> String {
    format!("/@{handle}")
}

/// `/@{handle}/{seq}`: a post's page.
pub fn post_page(id: &PostId) -> String {
    let id = id.to_string();
    let (handle, seq) = id.split_once('-').unwrap_or_default();
    format!("/@{handle}/{seq}")
}

/// `/@{handle}/{file}`: one of the account's feeds.
pub fn feed(handle: &str, format: FeedFormat) -> String {
    format!("/@{handle}/{}", format.file_name())
}

/// `/@{handle}/search?q=%23{tag}`: the account's search for a hashtag.
pub fn hashtag_search(handle: &str, tag: &str) -> String {
    format!("/@{handle}/search?q=%23{}", query_component(tag))
}

/// `text` encoded for a URL's query (`application/x-www-form-urlencoded`).
pub fn query_component(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The post a page's path segments name (`handle`, then `seq` or the
/// post's whole id, as the widget's `post` attribute spells it), if they name one.
pub fn post_of_page(handle: &str, seq: &str) -> Option<PostId> {
    let whole = seq.parse::<PostId>().ok().filter(|id| id.handle == handle);
    whole.or_else(|| format!("{handle}-{seq}").parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_page_is_named_by_its_number_under_its_account() {
        let id: PostId = "acme-1k".parse().unwrap();
        assert_eq!(post_page(&id), "/@acme/1k");
        assert_eq!(post_of_page("acme", "1k"), Some(id.clone()));
        assert_eq!(post_of_page("acme", "acme-1k"), Some(id), "the whole id, as the widget's post attribute has it");
        assert_eq!(post_of_page("acme", "other-1k"), None);
        assert_eq!(post_of_page("acme", "feed.atom"), None);
        assert_eq!(post_of_page("Not a handle", "1"), None);
    }

    #[test]
    fn feeds_by_file_name() {
        for format in FeedFormat::ALL {
            assert_eq!(FeedFormat::from_file_name(format.file_name()), Some(format));
        }
        assert_eq!(feed("acme", FeedFormat::Json), "/@acme/feed.json");
        assert_eq!(FeedFormat::from_file_name("feed.xml"), None);
    }

    #[test]
    fn hashtags_are_encoded_in_their_search() {
        assert_eq!(hashtag_search("acme", "Été2026"), "/@acme/search?q=%23%C3%89t%C3%A92026");
        assert_eq!(hashtag_search("acme", "vélo"), "/@acme/search?q=%23v%C3%A9lo");
    }
}
