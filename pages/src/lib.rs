//! What the edge renders for readers outside the widget, from the views it
//! reads: the widget's first view inside its element (`embed`, for sites to
//! include and for the pages), an account's page and search, a post's page
//! (`document` is their shell), the account's feeds (Atom, RSS and JSON
//! Feed 1.1) and oEmbed.
//!
//! Pure: views in, text out, tested natively. Every user text reaches HTML
//! through `maud`, and XML through the feed crates, which escape what they
//! insert: nothing here builds markup by concatenation.
//!
//! Not here: reading views or answering requests (the edge's `site`
//! module), nor the paths of the pages (`gazouillis_protocol::site`).

pub mod account_page;
pub mod document;
pub mod embed;
pub mod feeds;
pub mod oembed;
pub mod post_page;
pub mod rich;

/// The edge's origin, which makes the public paths absolute URLs.
#[derive(Clone, Copy, Debug)]
pub struct Site<'a> {
    origin: &'a str,
}

impl<'a> Site<'a> {
    /// `origin` as `https://host[:port]`, without a trailing slash.
    pub fn new(origin: &'a str) -> Site<'a> {
        Site { origin: origin.trim_end_matches('/') }
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

/// JSON inside a `<script>`: `<`, `>` and `&` as JSON escapes, so no text can close the element.
pub(crate) fn json_in_html<T: serde::Serialize>(value: &T) -> maud::PreEscaped<String> {
    let json = serde_json::to_string(value).unwrap_or_default();
    maud::PreEscaped(json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026"))
}
