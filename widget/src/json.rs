//! The API's JSON, parsed and written by the browser's own `JSON`, read into
//! and out of the protocol types field by field.
//!
//! Why not serde_json: in the wasm it costs ~40 KB (its parser, and serde's
//! error messages, which drag in Rust's float formatting), more than the
//! feed's own code. The browser already has a JSON parser.

use gazouillis_protocol::live::Event;
use gazouillis_protocol::media::Image;
use gazouillis_protocol::offer::{Claimed, Offer};
use gazouillis_protocol::limits::DEFAULT_MAX_CHARS;
use gazouillis_protocol::{Account, AccountInfo, Author, Badge, ErrorDetail, FirstView, FollowState, Post, PostPage, Reply, ReplyPage, Session, TurnstileSite};
use js_sys::{Array, JSON, Object, Reflect};
use wasm_bindgen::JsValue;

/// A protocol type read from a parsed JSON value; `None` when its shape is wrong.
pub trait Decode: Sized {
    fn decode(value: &JsValue) -> Option<Self>;
}

fn field(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn string(value: &JsValue, key: &str) -> Option<String> {
    field(value, key).as_string()
}

fn count(value: &JsValue, key: &str) -> Option<u64> {
    // Counts are whole numbers far below 2^53, so the f64 holds them exactly.
    field(value, key).as_f64().filter(|n| *n >= 0.0).map(|n| n as u64)
}

fn list<T: Decode>(value: &JsValue, key: &str) -> Option<Vec<T>> {
    let items = field(value, key);
    if !Array::is_array(&items) {
        return None;
    }
    Array::from(&items).iter().map(|item| T::decode(&item)).collect()
}

/// A page's `next`: a cursor, or null at the end.
fn next(value: &JsValue) -> Option<Option<String>> {
    let next = field(value, "next");
    if next.is_null() || next.is_undefined() { Some(None) } else { next.as_string().map(Some) }
}

impl Decode for Account {
    fn decode(v: &JsValue) -> Option<Self> {
        Some(Account {
            handle: string(v, "handle")?,
            name: string(v, "name")?,
            bio: string(v, "bio").unwrap_or_default(),
            followers: count(v, "followers")?,
            posts: count(v, "posts")?,
        })
    }
}

impl Decode for AccountInfo {
    fn decode(v: &JsValue) -> Option<Self> {
        let max_chars = count(v, "max_chars").map_or(DEFAULT_MAX_CHARS, |n| n as usize);
        let turnstile = Reflect::get(v, &"turnstile".into()).ok().filter(|t| t.is_object()).and_then(|t| {
            Some(TurnstileSite { site_key: string(&t, "site_key")?, script: string(&t, "script")? })
        });
        Some(AccountInfo { account: Account::decode(v)?, max_chars, turnstile, push: field(v, "push").is_truthy() })
    }
}

impl Decode for FirstView {
    fn decode(v: &JsValue) -> Option<Self> {
        let replies = field(v, "replies");
        Some(FirstView {
            at: count(v, "at")?,
            version: count(v, "version")?,
            account: AccountInfo::decode(&field(v, "account"))?,
            posts: PostPage::decode(&field(v, "posts"))?,
            replies: if replies.is_undefined() { None } else { Some(ReplyPage::decode(&replies)?) },
        })
    }
}

impl Decode for Post {
    fn decode(v: &JsValue) -> Option<Self> {
        Some(Post {
            id: string(v, "id")?,
            account: string(v, "account")?,
            text: string(v, "text")?,
            created_at: string(v, "created_at")?,
            replies: count(v, "replies")?,
            offer: Some(field(v, "offer")).filter(JsValue::is_object).and_then(|o| Offer::decode(&o)),
            images: list(v, "images").unwrap_or_default(),
        })
    }
}

impl Decode for Image {
    fn decode(v: &JsValue) -> Option<Self> {
        let size = |key| count(v, key).and_then(|n| u32::try_from(n).ok());
        Some(Image { url: string(v, "url")?, alt: string(v, "alt")?, width: size("width")?, height: size("height")? })
    }
}

impl Decode for Offer {
    fn decode(v: &JsValue) -> Option<Self> {
        Some(Offer { ends_at: string(v, "ends_at")?, limit: count(v, "limit"), claimed: count(v, "claimed")? })
    }
}

impl Decode for Claimed {
    fn decode(v: &JsValue) -> Option<Self> {
        Some(Claimed { code: string(v, "code")?, claimed_at: string(v, "claimed_at")? })
    }
}

impl Decode for Author {
    fn decode(v: &JsValue) -> Option<Self> {
        let badge = match string(v, "badge").as_deref() {
            Some("brand") => Some(Badge::Brand),
            Some("customer") => Some(Badge::Customer),
            _ => None,
        };
        Some(Author { id: string(v, "id")?, name: string(v, "name")?, badge })
    }
}

impl Decode for Reply {
    fn decode(v: &JsValue) -> Option<Self> {
        Some(Reply {
            id: string(v, "id")?,
            post: string(v, "post")?,
            author: Author::decode(&field(v, "author"))?,
            text: string(v, "text")?,
            created_at: string(v, "created_at")?,
        })
    }
}

impl Decode for PostPage {
    fn decode(v: &JsValue) -> Option<Self> {
        Some(PostPage { posts: list(v, "posts")?, next: next(v)? })
    }
}

impl Decode for ReplyPage {
    fn decode(v: &JsValue) -> Option<Self> {
        Some(ReplyPage { replies: list(v, "replies")?, next: next(v)? })
    }
}

impl Decode for Session {
    fn decode(v: &JsValue) -> Option<Self> {
        Some(Session { visitor: Author::decode(&field(v, "visitor"))?, token: string(v, "token")? })
    }
}

impl Decode for FollowState {
    fn decode(v: &JsValue) -> Option<Self> {
        Some(FollowState { following: field(v, "following").as_bool()?, followers: count(v, "followers")? })
    }
}

/// A live push message; the `type` names are serde's snake_case of [`Event`]'s variants.
impl Decode for Event {
    fn decode(v: &JsValue) -> Option<Self> {
        Some(match string(v, "type")?.as_str() {
            "hello" => Event::Hello {
                account: Account::decode(&field(v, "account"))?,
                newest_post: string(v, "newest_post"),
                version: count(v, "version").unwrap_or(0),
            },
            "post" => Event::Post { post: Post::decode(&field(v, "post"))? },
            "post_deleted" => Event::PostDeleted { id: string(v, "id")? },
            "reply" => Event::Reply { reply: Reply::decode(&field(v, "reply"))?, replies: count(v, "replies")? },
            "reply_deleted" => Event::ReplyDeleted { id: string(v, "id")?, post: string(v, "post")?, replies: count(v, "replies")? },
            "followers" => Event::Followers { followers: count(v, "followers")? },
            _ => return None,
        })
    }
}

/// The `error` of an error body `{"error":{"code":...,"message":...}}`.
impl Decode for ErrorDetail {
    fn decode(v: &JsValue) -> Option<Self> {
        let error = field(v, "error");
        Some(ErrorDetail { code: string(&error, "code")?, message: string(&error, "message").unwrap_or_default() })
    }
}

/// A JSON object of string fields (or nested objects), as text.
pub fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in fields {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object.into()
}

pub fn stringify(value: &JsValue) -> Option<String> {
    JSON::stringify(value).ok().map(String::from)
}

pub fn parse<T: Decode>(text: &str) -> Option<T> {
    T::decode(&JSON::parse(text).ok()?)
}

pub fn session_json(session: &Session) -> Option<String> {
    let mut visitor = vec![("id", session.visitor.id.as_str().into()), ("name", session.visitor.name.as_str().into())];
    if session.visitor.badge == Some(Badge::Customer) {
        visitor.push(("badge", "customer".into()));
    }
    let visitor = object(&visitor);
    stringify(&object(&[("visitor", visitor), ("token", session.token.as_str().into())]))
}
