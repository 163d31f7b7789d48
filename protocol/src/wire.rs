//! The JSON bodies of API v1. Request bodies refuse unknown fields, so a typo
//! is an error and not a silent no-op.

use serde::{Deserialize, Serialize};
use crate::media::{Image, NewImage};
use crate::offer::{ClaimOf, NewOffer, Offer};

/// A company's account, with its public counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub handle: String,
    pub name: String,
    pub bio: String,
    pub followers: u64,
    pub posts: u64,
}

/// `GET /v1/accounts/{handle}`: the account, and the most characters a post
/// or a reply may hold on this edge (its `MAX_CHARS`), for the widget's counter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountInfo {
    #[serde(flatten)]
    pub account: Account,
    pub max_chars: usize,
    /// Set when a new visitor session needs a solved Turnstile challenge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnstile: Option<TurnstileSite>,
    /// Set when this edge sends Web Push (it has a VAPID key): the widget
    /// then offers its bells, where the page hosts the service worker.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub push: bool,
}

/// What a server-rendered element (`/embed/…`, the pages) holds for the
/// widget that takes it over, so that it does not fetch it again while it is
/// fresh (see [`FIRST_VIEW_FRESH_MS`](crate::limits::FIRST_VIEW_FRESH_MS)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FirstView {
    /// When it was read, in milliseconds since the epoch.
    pub at: u64,
    /// The account's version it was read at.
    pub version: u64,
    pub account: AccountInfo,
    /// The feed's first page, or the conversation's one post.
    pub posts: PostPage,
    /// The conversation's first page of replies (none for a feed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replies: Option<ReplyPage>,
}

/// How the widget shows the Turnstile challenge: the site key and the script.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TurnstileSite {
    pub site_key: String,
    pub script: String,
}

/// A top-level post by an account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Post {
    pub id: String,
    pub account: String,
    pub text: String,
    /// RFC 3339, UTC, milliseconds: `2026-11-25T17:46:52.123Z`.
    pub created_at: String,
    pub replies: u64,
    /// An offer for followers, without its code (see [`crate::offer`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<Offer>,
    /// Its pictures (see [`crate::media`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<Image>,
}

/// Who wrote a reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Author {
    pub id: String,
    pub name: String,
    /// Set when the edge vouches for who this is; absent for an anonymous visitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<Badge>,
}

/// What the edge vouches for about a reply's author.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Badge {
    /// The account's own brand, answering in its conversation.
    Brand,
    /// A customer signed in on the company's site (single sign-on).
    Customer,
}

impl Author {
    pub fn is_brand(&self) -> bool {
        self.badge == Some(Badge::Brand)
    }

    /// The brand of account `handle`, named `name`: its id is `@handle`, which
    /// no visitor id can be.
    pub fn brand(handle: &str, name: &str) -> Author {
        Author { id: format!("@{handle}"), name: name.to_owned(), badge: Some(Badge::Brand) }
    }
}

/// A reply to a post.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub id: String,
    pub post: String,
    pub author: Author,
    pub text: String,
    pub created_at: String,
}

/// One page of posts, newest first; `next` is the cursor of the following page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PostPage {
    pub posts: Vec<Post>,
    pub next: Option<String>,
}

/// One page of replies, oldest first; `next` is the cursor of the following page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplyPage {
    pub replies: Vec<Reply>,
    pub next: Option<String>,
}

/// Whether the visitor follows an account, and its follower count.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowState {
    pub following: bool,
    pub followers: u64,
}

/// `/v1/accounts/{handle}/follow`'s answer: the [`FollowState`] (all the
/// widget reads), and whether the visitor's browsers are notified of the
/// account's new posts (Web Push).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Following {
    #[serde(flatten)]
    pub state: FollowState,
    pub notify: bool,
}

/// `PUT /v1/accounts/{handle}/follow`'s optional body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Follow {
    /// Notify the visitor's browsers of new posts; left out: as it was
    /// (off for a new follow).
    #[serde(default)]
    pub notify: Option<bool>,
}

/// `GET /v1/push`: the edge's VAPID public key, base64url of the 65-byte
/// uncompressed P-256 point, for `pushManager.subscribe`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushKey {
    pub public_key: String,
}

/// `PUT /v1/me/push`: the subscription stored (201 new, 200 updated).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushSubscribed {
    pub id: String,
    pub endpoint: String,
    /// Whether it is told when a brand answers the visitor.
    pub answers: bool,
}

/// One of a visitor's push subscriptions as `GET /v1/me` lists it: the
/// endpoint's origin only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushListed {
    pub id: String,
    pub origin: String,
    pub created_at: String,
    pub answers: bool,
}

/// An anonymous visitor identity.
pub type Visitor = Author;

/// A new visitor session: the identity and the token to send as `Authorization: Bearer`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub visitor: Visitor,
    pub token: String,
}

/// `POST /v1/accounts`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub handle: String,
    pub name: String,
    #[serde(default)]
    pub bio: String,
}

/// `POST /v1/posts/{id}/replies`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewText {
    pub text: String,
}

/// `POST /v1/accounts/{handle}/posts`: a text, and maybe an offer for followers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPost {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<NewOffer>,
    /// Uploaded pictures, each with alt text (at most 4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<NewImage>,
}

/// `POST /v1/accounts/{handle}/tokens`: a brand token for a person or a tool.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
}

/// A brand token as listed: its id and name, never its secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
}

/// A brand token just issued: the only time its `token` is shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssuedToken {
    pub id: String,
    pub name: String,
    pub token: String,
}

/// Which visitor replies the brand's inbox lists (`?filter=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxFilter {
    /// No reply of the brand after it in its thread (the default).
    #[default]
    ToAnswer,
    /// The brand replied after it in its thread.
    Answered,
    All,
}

impl InboxFilter {
    pub const ALL: [InboxFilter; 3] = [InboxFilter::ToAnswer, InboxFilter::Answered, InboxFilter::All];

    /// Its spelling in `?filter=`.
    pub fn as_str(self) -> &'static str {
        match self {
            InboxFilter::ToAnswer => "to_answer",
            InboxFilter::Answered => "answered",
            InboxFilter::All => "all",
        }
    }
}

impl std::str::FromStr for InboxFilter {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        InboxFilter::ALL.into_iter().find(|filter| filter.as_str() == s).ok_or(())
    }
}

/// A visitor's reply in the brand's inbox, with its post.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InboxItem {
    pub reply: Reply,
    pub post: Post,
    /// Whether the brand replied after it in its thread.
    pub answered: bool,
}

/// `GET /v1/accounts/{handle}/inbox`: visitor replies, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub items: Vec<InboxItem>,
    pub next: Option<String>,
}

/// What a search found: a post, a reply, or (for the brand) a queued reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    Post(Post),
    Reply(Reply),
    Queued(Queued),
}

impl Found {
    /// What it says.
    pub fn text(&self) -> &str {
        match self {
            Found::Post(post) => &post.text,
            Found::Reply(reply) => &reply.text,
            Found::Queued(queued) => &queued.text,
        }
    }

    /// When it was written (RFC 3339, one format: compared as text).
    pub fn created_at(&self) -> &str {
        match self {
            Found::Post(post) => &post.created_at,
            Found::Reply(reply) => &reply.created_at,
            Found::Queued(queued) => &queued.created_at,
        }
    }
}

/// One search result, with the ranges of its text the query matched:
/// `[start, end)` in UTF-16 code units, as JavaScript counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    #[serde(flatten)]
    pub found: Found,
    pub matches: Vec<[usize; 2]>,
    /// Hidden from everyone but the brand (itself, or its post).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
}

/// `GET /v1/accounts/{handle}/search?q=`: newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub next: Option<String>,
}

/// `GET` / `PUT /v1/accounts/{handle}/watches`: the terms the brand watches.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Watches {
    pub terms: Vec<String>,
}

/// An item that matched watched terms when it was written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// The item, with the ranges the terms matched.
    #[serde(flatten)]
    pub hit: SearchHit,
    /// The watched terms it matched (as they were typed).
    pub terms: Vec<String>,
}

/// `GET /v1/accounts/{handle}/mentions`: newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mentions {
    pub mentions: Vec<Mention>,
    pub next: Option<String>,
}

/// `GET /v1/accounts`: the accounts of the edge (operator only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountList {
    pub accounts: Vec<String>,
}

/// A visitor's reply waiting in an account's moderation queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Queued {
    /// Its number in the queue, to approve or reject it by.
    pub id: String,
    pub post: String,
    pub author: Author,
    pub text: String,
    pub created_at: String,
    pub reason: crate::moderation::Reason,
}

/// `GET /v1/accounts/{handle}/queue`: a page of the waiting replies, oldest
/// first, and the cursor of the next page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Queue {
    pub queued: Vec<Queued>,
    #[serde(default)]
    pub next: Option<String>,
}

/// `PUT /v1/posts/{id}/hidden` and `/v1/replies/{id}/hidden`: the brand hides
/// a post or a reply from everyone (`true`), or shows it again (`false`).
/// Unlike deleting, it can be undone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HiddenState {
    pub hidden: bool,
}

/// `GET /v1/accounts/{handle}/hidden`: what the brand has hidden, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HiddenContent {
    pub posts: Vec<Post>,
    pub replies: Vec<Reply>,
}

/// The answer (202) to a reply that waits for the brand's approval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub pending: bool,
    pub id: String,
}

/// `GET /v1/me`: everything stored about a visitor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyData {
    pub visitor: Visitor,
    /// Their replies, oldest post first.
    pub replies: Vec<Reply>,
    /// The handles of the accounts they follow.
    pub following: Vec<String>,
    /// Their claims of offers, by account. Left out when there is none, as
    /// before claims were given back here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<ClaimOf>,
    /// Their replies still waiting for a brand's approval. Left out when
    /// there is none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Queued>,
    /// Their browsers' push subscriptions.
    #[serde(default)]
    pub push: Vec<PushListed>,
}

/// `DELETE /v1/me`: what was deleted. (An offer's count of claims stays:
/// the codes it gave out stay given.)
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Erased {
    pub replies: u64,
    pub follows: u64,
    #[serde(default)]
    pub claims: u64,
    /// Replies that were waiting for a brand's approval.
    #[serde(default)]
    pub pending: u64,
    /// Push subscriptions.
    #[serde(default)]
    pub push: u64,
}

/// `POST /v1/session`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSession {
    pub name: String,
    /// The Turnstile token, when the edge asks for one (see `TURNSTILE_SECRET`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnstile: Option<String>,
}

/// `POST /v1/session/sso`: a customer signed in on the company's site. `sso`
/// is `base64url(JSON {sub,name,exp}) "." base64url(HMAC-SHA256)` signed by the
/// site with the account's SSO secret (the same format as session tokens).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSsoSession {
    pub account: String,
    pub sso: String,
}

/// `PUT /v1/accounts/{handle}/sso` (operator): the account's SSO secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsoSecret {
    pub secret: String,
}

/// Every error answer: `{"error":{"code":"...","message":"..."}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bodies_refuse_unknown_and_missing_fields() {
        assert!(serde_json::from_str::<NewText>(r#"{"text":"hi"}"#).is_ok());
        assert!(serde_json::from_str::<NewText>(r#"{"text":"hi","admin":true}"#).is_err());
        assert!(serde_json::from_str::<NewText>(r#"{}"#).is_err());
        assert!(serde_json::from_str::<NewText>(r#"{"text":1}"#).is_err());
        assert!(serde_json::from_str::<NewText>(r#"{"text":"hi""#).is_err());
        let account: NewAccount = serde_json::from_str(r#"{"handle":"acme","name":"Acme"}"#).unwrap();
        assert_eq!(account.bio, "");
    }
}
