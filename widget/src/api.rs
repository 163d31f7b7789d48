//! The one network module: every call to the Gazouillis API goes through
//! [`Api`], which speaks JSON over `fetch`, adds the visitor's bearer token,
//! sends `If-None-Match` when polling, and turns every failure into the API's
//! own error shape ([`ErrorDetail`]) so the UI has one kind of error to show.
//!
//! It also makes the visitor read their own writes: each write answer names
//! the account's version after it, kept in localStorage for
//! [`KEEP_VERSION_MS`]; until then every read asks for at least that version
//! (`min_version`), so a reload shows the reply or follow just made, though
//! the public views have not caught up yet.

use crate::json::{Decode, object};
use crate::kept;
use gazouillis_protocol::fresh::{KEEP_VERSION_MS, MIN_VERSION_PARAM, VERSION_HEADER};
use gazouillis_protocol::offer::Claimed;
use gazouillis_protocol::{AccountInfo, ErrorDetail, FollowState, Post, PostPage, Reply, ReplyPage, Session};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

/// A failed call, as the API words it (`network` when no answer came).
pub type ApiError = ErrorDetail;

/// A request that hangs this long fails, so the widget never stays on "Loading…".
const TIMEOUT_MS: u32 = 15_000;

pub fn error(code: &str) -> ApiError {
    ApiError { code: code.to_owned(), message: String::new() }
}

/// A list page the API returns: its items in order and the cursor of the next page.
pub trait Page: Decode + 'static {
    type Item: crate::list::Item;
    fn into_parts(self) -> (Vec<Self::Item>, Option<String>);
}

impl Page for PostPage {
    type Item = Post;
    fn into_parts(self) -> (Vec<Post>, Option<String>) {
        (self.posts, self.next)
    }
}

impl Page for ReplyPage {
    type Item = Reply;
    fn into_parts(self) -> (Vec<Reply>, Option<String>) {
        (self.replies, self.next)
    }
}

/// The answer to a conditional GET.
pub enum Fetched<T> {
    /// A new body, with the ETag to send next time.
    Fresh(T, Option<String>),
    /// 304: nothing changed since that ETag.
    Unchanged,
}

/// How `follow` touches the follow relation.
#[derive(Clone, Copy)]
pub enum FollowCall {
    Read,
    Follow,
    Unfollow,
}

/// The API of one origin, e.g. `https://gazouillis.example`, as one
/// account's widget uses it.
pub struct Api {
    base: String,
    /// Where the version of the account's last write by this visitor is kept.
    written_key: String,
}

impl Api {
    pub fn new(base: &str, handle: &str) -> Api {
        let base = base.trim_end_matches('/').to_owned();
        Api { written_key: format!("gazouillis:version:{base}:{handle}"), base }
    }

    /// The version of the visitor's last write, while it is kept.
    fn written(&self) -> u64 {
        let kept = kept::read(&self.written_key).unwrap_or_default();
        let (version, until) = kept.split_once(' ').unwrap_or_default();
        // Whole milliseconds: parsing or printing a float would cost the wasm KBs.
        let fresh = until.parse::<u64>().is_ok_and(|until| until > now_ms());
        if fresh { version.parse().unwrap_or(0) } else { 0 }
    }

    /// Whether the visitor wrote after `version` (a view of that version would miss their write).
    pub fn has_written_since(&self, version: u64) -> bool {
        self.written() > version
    }

    /// Keeps the version a write answer names, if it is newer.
    fn note_written(&self, response: &Response) {
        let named = response.headers().get(VERSION_HEADER).ok().flatten().and_then(|v| v.parse::<u64>().ok());
        if let Some(version) = named {
            let until = now_ms() + KEEP_VERSION_MS;
            kept::keep(&self.written_key, Some(&format!("{} {until}", version.max(self.written()))));
        }
    }

    /// The origin, which also names this API's visitor session in localStorage.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub async fn account(&self, handle: &str) -> Result<AccountInfo, ApiError> {
        decode(&self.send("GET", &format!("/v1/accounts/{}", segment(handle)), None, None).await?)
    }

    pub async fn post(&self, id: &str) -> Result<Post, ApiError> {
        decode(&self.send("GET", &format!("/v1/posts/{}", segment(id)), None, None).await?)
    }

    /// One page of a list (see [`posts_path`], [`replies_path`]) from `cursor` on,
    /// at least at version `at_least`; with `etag`, answers [`Fetched::Unchanged`]
    /// when the page is the same.
    pub async fn page<P: Page>(&self, path: &str, cursor: Option<&str>, etag: Option<&str>, at_least: u64) -> Result<Fetched<P>, ApiError> {
        Ok(match self.page_json(path, cursor, etag, at_least).await? {
            Fetched::Fresh(page, etag) => Fetched::Fresh(decode(&page)?, etag),
            Fetched::Unchanged => Fetched::Unchanged,
        })
    }

    /// [`Api::page`] before decoding: the same code for every kind of page.
    async fn page_json(&self, path: &str, cursor: Option<&str>, etag: Option<&str>, at_least: u64) -> Result<Fetched<JsValue>, ApiError> {
        let url = match cursor {
            Some(cursor) => format!("{path}?cursor={}", segment(cursor)),
            None => path.to_owned(),
        };
        let response = self.call_at("GET", &url, None, None, etag, at_least).await?;
        if response.status() == 304 {
            return Ok(Fetched::Unchanged);
        }
        let etag = response.headers().get("ETag").ok().flatten();
        Ok(Fetched::Fresh(json(response).await?, etag))
    }

    /// Sends a reply; `None` when it waits for the brand's approval (202).
    pub async fn reply(&self, post: &str, text: String, token: &str) -> Result<Option<Reply>, ApiError> {
        let body = object(&[("text", text.into())]);
        let response = self.call("POST", &replies_path(post), Some(body), Some(token), None).await?;
        if response.status() == 202 {
            return Ok(None);
        }
        decode(&json(response).await?).map(Some)
    }

    pub async fn delete_reply(&self, id: &str, token: &str) -> Result<(), ApiError> {
        self.call("DELETE", &format!("/v1/replies/{}", segment(id)), None, Some(token), None).await.map(drop)
    }

    /// A customer's session, from the SSO token the company's site signed for them.
    pub async fn create_sso_session(&self, account: &str, sso: &str) -> Result<Session, ApiError> {
        let body = object(&[("account", account.into()), ("sso", sso.into())]);
        decode(&self.send("POST", "/v1/session/sso", Some(body), None).await?)
    }

    /// An anonymous visitor's session; `turnstile`: the token of the solved
    /// challenge, when the API asks for one.
    pub async fn create_session(&self, name: String, turnstile: Option<String>) -> Result<Session, ApiError> {
        let mut fields = vec![("name", JsValue::from(name))];
        fields.extend(turnstile.map(|token| ("turnstile", JsValue::from(token))));
        decode(&self.send("POST", "/v1/session", Some(object(&fields)), None).await?)
    }

    pub async fn follow(&self, handle: &str, call: FollowCall, token: &str) -> Result<FollowState, ApiError> {
        let method = match call {
            FollowCall::Read => "GET",
            FollowCall::Follow => "PUT",
            FollowCall::Unfollow => "DELETE",
        };
        decode(&self.send(method, &format!("/v1/accounts/{}/follow", segment(handle)), None, Some(token)).await?)
    }

    /// A follower's claim of a post's offer: its code.
    pub async fn claim(&self, post: &str, token: &str) -> Result<Claimed, ApiError> {
        decode(&self.send("POST", &format!("/v1/posts/{}/offer/claim", segment(post)), None, Some(token)).await?)
    }

    /// One call answered by a JSON body; the same code for every call.
    async fn send(&self, method: &str, path: &str, body: Option<JsValue>, token: Option<&str>) -> Result<JsValue, ApiError> {
        json(self.call(method, path, body, token, None).await?).await
    }

    async fn call(&self, method: &str, path: &str, body: Option<JsValue>, token: Option<&str>, etag: Option<&str>) -> Result<Response, ApiError> {
        self.call_at(method, path, body, token, etag, 0).await
    }

    /// Sends one request; any answer but 2xx and 304 becomes an error. A read
    /// asks for at least `at_least`, or the version of the visitor's last write.
    async fn call_at(
        &self,
        method: &str,
        path: &str,
        body: Option<JsValue>,
        token: Option<&str>,
        etag: Option<&str>,
        at_least: u64,
    ) -> Result<Response, ApiError> {
        let reading = method == "GET";
        let mut url = format!("{}{path}", self.base);
        let version = if reading { at_least.max(self.written()) } else { 0 };
        if version > 0 {
            let separator = if url.contains('?') { '&' } else { '?' };
            url = format!("{url}{separator}{MIN_VERSION_PARAM}={version}");
        }
        let body = body.unwrap_or(JsValue::UNDEFINED);
        let response: Response = request(&url, method, &body, token, etag, TIMEOUT_MS).await.map_err(|_| error("network"))?.unchecked_into();
        if response.ok() || response.status() == 304 {
            if !reading {
                self.note_written(&response);
            }
            return Ok(response);
        }
        let body = json(response).await;
        Err(body.ok().and_then(|body| ApiError::decode(&body)).unwrap_or_else(|| error("internal")))
    }
}

#[wasm_bindgen(module = "/src/request.js")]
extern "C" {
    /// `fetch` of `url` with a JSON `body` (if not undefined), the bearer
    /// `token` and `If-None-Match: etag` (if any), given up after `timeout` ms.
    #[wasm_bindgen(catch)]
    async fn request(url: &str, method: &str, body: &JsValue, token: Option<&str>, etag: Option<&str>, timeout: u32) -> Result<JsValue, JsValue>;
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// The body of `response`, parsed by the browser.
async fn json(response: Response) -> Result<JsValue, ApiError> {
    let promise = response.json().map_err(|_| error("internal"))?;
    JsFuture::from(promise).await.map_err(|_| error("internal"))
}

fn decode<T: Decode>(body: &JsValue) -> Result<T, ApiError> {
    T::decode(body).ok_or_else(|| error("internal"))
}

/// Escapes a value taken from the page (an attribute) before it goes in a URL.
fn segment(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}

/// The path of an account's posts, newest first.
pub fn posts_path(handle: &str) -> String {
    format!("/v1/accounts/{}/posts", segment(handle))
}

/// The path of a post's replies, oldest first.
pub fn replies_path(post: &str) -> String {
    format!("/v1/posts/{}/replies", segment(post))
}
